#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_cluster
version_added: 0.1.0
short_description: Manage ECS clusters, with Container Insights and execute-command logging
description:
  - Create, update, tag and delete Amazon ECS clusters.
  - Unlike M(community.aws.ecs_cluster), sets Container Insights (O(container_insights)) and the logging of
    ECS Exec sessions (O(execute_command_configuration)), and changes an existing cluster in place with
    UpdateCluster for the settings and the configuration, PutClusterCapacityProviders for the capacity
    providers, TagResource and UntagResource for the tags, each sent only when its part differs.
  - An option left out leaves that part of an existing cluster alone.
  - A cluster whose status is V(INACTIVE) (deleted, but still listed by AWS for a while) counts as absent,
    and O(state=present) creates it again.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the cluster.
    type: str
    required: true
    aliases: ["cluster_name"]
  state:
    description:
      - Whether the cluster should exist.
      - With V(absent), a cluster that still has services is not deleted and the task fails, naming them.
    type: str
    choices: ["present", "absent"]
    default: present
  container_insights:
    description:
      - CloudWatch Container Insights for the cluster (the C(containerInsights) cluster setting).
      - V(enhanced) is Container Insights with enhanced observability.
    type: str
    choices: ["enabled", "disabled", "enhanced"]
  execute_command_configuration:
    description:
      - How ECS Exec sessions in the cluster are encrypted and logged.
      - When given, it is the whole configuration, and a key left out takes the AWS default
        (O(execute_command_configuration.logging=DEFAULT), no KMS key, no log configuration).
    type: dict
    suboptions:
      kms_key_id:
        description:
          - The KMS key (id or ARN) that encrypts the data between the client and the container.
        type: str
      logging:
        description:
          - Where the output of the commands goes. V(DEFAULT) uses the awslogs settings of the task
            definition, V(NONE) logs nothing, V(OVERRIDE) uses O(execute_command_configuration.log_configuration).
        type: str
        choices: ["DEFAULT", "NONE", "OVERRIDE"]
        default: DEFAULT
      log_configuration:
        description:
          - Where the output goes when O(execute_command_configuration.logging=OVERRIDE); allowed only then.
        type: dict
        suboptions:
          cloud_watch_log_group_name:
            description: The CloudWatch Logs log group.
            type: str
          cloud_watch_encryption_enabled:
            description: Whether the log group is encrypted (and the logs are sent only if it is).
            type: bool
          s3_bucket_name:
            description: The S3 bucket.
            type: str
          s3_encryption_enabled:
            description: Whether the bucket is encrypted (and the logs are sent only if it is).
            type: bool
          s3_key_prefix:
            description: The folder in the bucket.
            type: str
  capacity_providers:
    description:
      - The capacity providers associated with the cluster, for example V(FARGATE) and V(FARGATE_SPOT).
      - The list is the whole set, and providers not listed are removed from the cluster.
      - Left out, the providers are left alone.
    type: list
    elements: str
  default_capacity_provider_strategy:
    description:
      - The capacity provider strategy of services and tasks that name none.
      - Each provider must be in O(capacity_providers) (or, when that is left out, already associated).
      - Left out, the strategy is left alone; V([]) removes it.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: The name of the capacity provider.
        type: str
        required: true
      weight:
        description: The relative share of tasks placed on this provider.
        type: int
        default: 0
      base:
        description: The number of tasks placed on this provider before the weights apply.
        type: int
        default: 0
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the cluster that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the managed settings of the cluster before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - Creating a cluster that uses a capacity provider may need the ECS service-linked role, which AWS creates on the first use.
  - AWS deletes a cluster at once; it is then listed as V(INACTIVE) for a while, so the module does not wait.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A Fargate cluster with Container Insights and logged ECS Exec sessions
  stories1001.infra.ecs_cluster:
    name: stories1001-production
    container_insights: enhanced
    execute_command_configuration:
      kms_key_id: alias/stories1001-production-exec
      logging: OVERRIDE
      log_configuration:
        cloud_watch_log_group_name: /stories1001/production/ecs-exec
        cloud_watch_encryption_enabled: true
    capacity_providers:
      - FARGATE
      - FARGATE_SPOT
    default_capacity_provider_strategy:
      - capacity_provider: FARGATE
        weight: 1
        base: 1
      - capacity_provider: FARGATE_SPOT
        weight: 3
    tags:
      Project: stories1001
      Environment: production
  register: cluster

- name: Delete the staging cluster (fails while it has services)
  stories1001.infra.ecs_cluster:
    name: stories1001-staging
    state: absent
"""

RETURN = r"""
cluster:
  description:
    - The cluster as DescribeClusters reports it after the task (or, in check mode, as it would be), in snake_case.
    - Empty when O(state=absent).
    - In check mode a cluster that would be created has no RV(cluster.cluster_arn).
  returned: always
  type: dict
  contains:
    cluster_arn:
      description: The ARN of the cluster.
      returned: when the cluster exists
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/stories1001-production
    cluster_name:
      description: The name of the cluster.
      returned: always
      type: str
      sample: stories1001-production
    status:
      description: The status of the cluster (V(ACTIVE), V(PROVISIONING), V(FAILED), ...).
      returned: always
      type: str
      sample: ACTIVE
    settings:
      description: The cluster settings, that is Container Insights.
      returned: when AWS reports them
      type: list
      elements: dict
      sample: [{"name": "containerInsights", "value": "enhanced"}]
    configuration:
      description: The execute command configuration (and the managed storage configuration, if any).
      returned: when set
      type: dict
      sample: {"execute_command_configuration": {"logging": "DEFAULT"}}
    capacity_providers:
      description: The capacity providers associated with the cluster.
      returned: always
      type: list
      elements: str
      sample: ["FARGATE", "FARGATE_SPOT"]
    default_capacity_provider_strategy:
      description: The default capacity provider strategy.
      returned: always
      type: list
      elements: dict
      sample: [{"capacity_provider": "FARGATE", "weight": 1, "base": 1}]
    active_services_count:
      description: The number of services that are not INACTIVE.
      returned: when the cluster exists
      type: int
      sample: 2
    running_tasks_count:
      description: The number of running tasks.
      returned: when the cluster exists
      type: int
      sample: 4
    tags:
      description: The tags of the cluster.
      returned: always
      type: dict
      sample: {"Project": "stories1001"}
diff:
  description:
    - The managed settings of the cluster before and after the task; each is empty when the cluster does not exist.
  returned: always
  type: dict
  contains:
    before:
      description: The settings before the task.
      returned: always
      type: dict
    after:
      description: The settings after the task.
      returned: always
      type: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._ecs import CLUSTER_CONTAINS_SERVICES
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import AnsibleECSError
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import create_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import delete_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import describe_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import is_active
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import list_services
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import merged
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import put_cluster_capacity_providers
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import snake
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import strategy_key
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import strategy_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import tags_from_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import tags_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import update_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

CONTAINER_INSIGHTS = "containerInsights"
LOG_CONFIGURATION_KEYS = (
    ("cloud_watch_log_group_name", "cloudWatchLogGroupName"),
    ("cloud_watch_encryption_enabled", "cloudWatchEncryptionEnabled"),
    ("s3_bucket_name", "s3BucketName"),
    ("s3_encryption_enabled", "s3EncryptionEnabled"),
    ("s3_key_prefix", "s3KeyPrefix"),
)


# --- the wanted state (pure) --------------------------------------------------------------------


def container_insights_of(cluster):
    """The containerInsights setting of a raw cluster, None when AWS lists none."""
    for setting in (cluster or {}).get("settings") or []:
        if setting.get("name") == CONTAINER_INSIGHTS:
            return setting.get("value")
    return None


def execute_command_to_aws(option):
    """The execute_command_configuration option as the API's executeCommandConfiguration."""
    config = {"logging": option.get("logging") or "DEFAULT"}
    if option.get("kms_key_id"):
        config["kmsKeyId"] = option["kms_key_id"]
    log_configuration = {
        key: (option.get("log_configuration") or {})[name]
        for name, key in LOG_CONFIGURATION_KEYS
        if (option.get("log_configuration") or {}).get(name) is not None
    }
    if log_configuration:
        config["logConfiguration"] = log_configuration
    return config


def execute_command_key(config):
    """An executeCommandConfiguration with AWS's defaults made explicit and empty values dropped, to compare."""
    config = config or {}
    result = {key: value for key, value in config.items() if key != "logConfiguration" and value not in (None, "")}
    result.setdefault("logging", "DEFAULT")
    log_configuration = {
        key: value for key, value in (config.get("logConfiguration") or {}).items() if value not in (None, "", False)
    }
    if log_configuration:
        result["logConfiguration"] = log_configuration
    return result


def validation_errors(params):
    errors = []
    execute = params.get("execute_command_configuration")
    if execute:
        if execute.get("logging") == "OVERRIDE" and not execute.get("log_configuration"):
            errors.append("execute_command_configuration.log_configuration is required when logging is OVERRIDE")
        if execute.get("logging") != "OVERRIDE" and execute.get("log_configuration"):
            errors.append(
                "execute_command_configuration.log_configuration is allowed only when logging is OVERRIDE, "
                f"not {execute.get('logging')}"
            )
    strategy = params.get("default_capacity_provider_strategy") or []
    names = [item["capacity_provider"] for item in strategy]
    if len(set(names)) != len(names):
        errors.append("default_capacity_provider_strategy names a capacity provider more than once")
    if params.get("capacity_providers") is not None:
        missing = [name for name in names if name not in params["capacity_providers"]]
        if missing:
            errors.append(
                f"default_capacity_provider_strategy uses {', '.join(missing)}, which capacity_providers does not list"
            )
    return errors


def managed_view(cluster):
    """The settings this module manages, from a raw cluster, for the diff."""
    if not cluster:
        return {}
    execute = (cluster.get("configuration") or {}).get("executeCommandConfiguration")
    return {
        "cluster_name": cluster.get("clusterName"),
        "status": cluster.get("status"),
        "container_insights": container_insights_of(cluster),
        "execute_command_configuration": camel_dict_to_snake_dict(execute) if execute else None,
        "capacity_providers": sorted(cluster.get("capacityProviders") or []),
        "default_capacity_provider_strategy": [
            {"capacity_provider": name, "weight": weight, "base": base}
            for name, weight, base in strategy_key(cluster.get("defaultCapacityProviderStrategy"))
        ],
        "tags": tags_from_aws(cluster.get("tags")),
    }


def plan_update(cluster, params):
    """What differs: (UpdateCluster arguments, PutClusterCapacityProviders arguments or None, tag plan)."""
    update = {}
    insights = params.get("container_insights")
    if insights is not None and container_insights_of(cluster) != insights:
        update["settings"] = [{"name": CONTAINER_INSIGHTS, "value": insights}]
    execute = params.get("execute_command_configuration")
    if execute is not None:
        configuration = cluster.get("configuration") or {}
        wanted = execute_command_to_aws(execute)
        if execute_command_key(configuration.get("executeCommandConfiguration")) != execute_command_key(wanted):
            # The whole configuration is sent so that a managed storage configuration stays as it is.
            update["configuration"] = merged(configuration, {"executeCommandConfiguration": wanted})

    providers = None
    wanted_providers = params.get("capacity_providers")
    wanted_strategy = params.get("default_capacity_provider_strategy")
    if wanted_providers is not None or wanted_strategy is not None:
        current_providers = cluster.get("capacityProviders") or []
        current_strategy = cluster.get("defaultCapacityProviderStrategy") or []
        new_providers = list(wanted_providers) if wanted_providers is not None else list(current_providers)
        new_strategy = strategy_to_aws(wanted_strategy) if wanted_strategy is not None else current_strategy
        if sorted(set(new_providers)) != sorted(set(current_providers)) or strategy_key(new_strategy) != strategy_key(
            current_strategy
        ):
            providers = (new_providers, new_strategy)

    tag_plan = plan_tags(tags_from_aws(cluster.get("tags")), params.get("tags"), params["purge_tags"])
    return update, providers, tag_plan


def create_request(params, tags):
    request = {"clusterName": params["name"]}
    if params.get("container_insights") is not None:
        request["settings"] = [{"name": CONTAINER_INSIGHTS, "value": params["container_insights"]}]
    if params.get("execute_command_configuration") is not None:
        request["configuration"] = {
            "executeCommandConfiguration": execute_command_to_aws(params["execute_command_configuration"])
        }
    if params.get("capacity_providers") is not None:
        request["capacityProviders"] = list(params["capacity_providers"])
    if params.get("default_capacity_provider_strategy") is not None:
        request["defaultCapacityProviderStrategy"] = strategy_to_aws(params["default_capacity_provider_strategy"])
    if tags:
        request["tags"] = tags_to_aws(tags)
    return request


def predicted_new(request):
    """The raw cluster that create_request() would make (for check mode)."""
    cluster = {"status": "ACTIVE", "capacityProviders": [], "defaultCapacityProviderStrategy": [], "tags": []}
    cluster.update(request)
    return cluster


# --- the states ---------------------------------------------------------------------------------


def ensure_present(client, module, cluster):
    """Returns (changed, raw cluster as it is or would be)."""
    params = module.params
    if not is_active(cluster):
        tags = without_reserved_tags(plan_tags({}, params.get("tags"), params["purge_tags"])[2])
        request = create_request(params, tags)
        if module.check_mode:
            return True, predicted_new(request)
        create_cluster(client, **request)
        return True, describe_cluster(client, params["name"])

    update, providers, (tags_to_set, tag_keys_to_unset, tags) = plan_update(cluster, params)
    if not update and not providers and not tags_to_set and not tag_keys_to_unset:
        return False, cluster

    if module.check_mode:
        predicted = merged(cluster, update)
        if providers:
            predicted["capacityProviders"], predicted["defaultCapacityProviderStrategy"] = providers
        predicted["tags"] = tags_to_aws(tags)
        return True, predicted

    name = params["name"]
    if update:
        update_cluster(client, name, **update)
    if providers:
        put_cluster_capacity_providers(client, name, *providers)
    update_tags(client, cluster["clusterArn"], tags_to_set, tag_keys_to_unset)
    return True, describe_cluster(client, name)


def fail_with_services(module, client, cluster):
    name = cluster.get("clusterName")
    services = list_services(client, name)
    module.fail_json(
        msg=f"Cluster {name} still has {len(services) or cluster.get('activeServicesCount')} active service(s)"
        + (f": {', '.join(services)}" if services else "")
        + "; delete them first (stories1001.infra.ecs_service with state absent)",
        services=services,
        cluster=snake(cluster),
    )


def ensure_absent(client, module, cluster):
    """Returns whether the cluster was (or would be) deleted."""
    if not is_active(cluster):
        return False
    if cluster.get("activeServicesCount"):
        fail_with_services(module, client, cluster)
    if module.check_mode:
        return True
    try:
        return delete_cluster(client, cluster["clusterName"])
    except is_ansible_aws_error_code(CLUSTER_CONTAINS_SERVICES):
        fail_with_services(module, client, cluster)
    return False


def main():
    argument_spec = dict(
        name=dict(required=True, aliases=["cluster_name"]),
        state=dict(choices=["present", "absent"], default="present"),
        container_insights=dict(choices=["enabled", "disabled", "enhanced"]),
        execute_command_configuration=dict(
            type="dict",
            options=dict(
                kms_key_id=dict(),
                logging=dict(choices=["DEFAULT", "NONE", "OVERRIDE"], default="DEFAULT"),
                log_configuration=dict(
                    type="dict",
                    options=dict(
                        cloud_watch_log_group_name=dict(),
                        cloud_watch_encryption_enabled=dict(type="bool"),
                        s3_bucket_name=dict(),
                        s3_encryption_enabled=dict(type="bool"),
                        s3_key_prefix=dict(no_log=False),
                    ),
                ),
            ),
        ),
        capacity_providers=dict(type="list", elements="str"),
        default_capacity_provider_strategy=dict(
            type="list",
            elements="dict",
            options=dict(
                capacity_provider=dict(required=True),
                weight=dict(type="int", default=0),
                base=dict(type="int", default=0),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        before = describe_cluster(client, params["name"])
        if not is_active(before):
            before = None
        if params["state"] == "present":
            changed, after = ensure_present(client, module, before)
        else:
            changed, after = ensure_absent(client, module, before), None
    except AnsibleECSError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(
        changed=changed,
        cluster=snake(after),
        diff=dict(before=managed_view(before), after=managed_view(after)),
    )


if __name__ == "__main__":
    main()
