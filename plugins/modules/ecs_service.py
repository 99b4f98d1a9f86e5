#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_service
version_added: 0.1.0
short_description: Manage ECS services, with native blue/green deployments and autoscaling-friendly counts
description:
  - Create, update, tag and delete Amazon ECS services that use the ECS deployment controller, such as
    Fargate services.
  - On an existing service every managed setting is compared with DescribeServices and one UpdateService is
    sent with only what differs; tags are changed with TagResource and UntagResource. An option left out
    leaves that setting alone.
  - Unlike M(community.aws.ecs_service), compares the deployment configuration, the network configuration
    and the capacity provider strategy, leaves the desired count to Application Auto Scaling once the
    service exists (O(desired_count_policy=initial)), sets ECS's native blue/green strategy
    (O(deployment_configuration.strategy=BLUE_GREEN) with O(load_balancers[].alternate_target_group_arn))
    and changes tags.
  - With O(wait=true) the module follows the deployment that its change started until ECS reports it
    done, and fails when ECS rolled it back (O(fail_on_rollback)).
  - A service whose status is V(INACTIVE) counts as absent, and O(state=present) creates it again.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the service.
    type: str
    required: true
    aliases: ["service_name"]
  cluster:
    description:
      - The name or ARN of the cluster that runs the service.
    type: str
    default: default
  state:
    description:
      - Whether the service should exist.
      - V(absent) scales the service to 0 tasks, then deletes it.
    type: str
    choices: ["present", "absent"]
    default: present
  task_definition:
    description:
      - The task definition to run, as V(family:revision) or as an ARN. Required to create a service.
      - Compared by V(family:revision). A family alone (V(family)) matches any revision of that family
        on an existing service, and runs the latest ACTIVE revision on a new one.
      - A different task definition starts a deployment.
    type: str
  desired_count:
    description:
      - The number of tasks to keep running.
      - See O(desired_count_policy) for when it is applied.
    type: int
  desired_count_policy:
    description:
      - When O(desired_count) is applied.
      - V(initial) applies it only when the service is created, since Application Auto Scaling owns the count
        afterwards; on an existing service it is ignored.
      - V(enforce) sets it on every run where the count differs.
    type: str
    choices: ["initial", "enforce"]
    default: initial
  launch_type:
    description:
      - The launch type of the service's tasks.
      - AWS cannot change the launch type of an existing service. A service that uses a capacity provider
        strategy is switched back to its launch type (an empty strategy is sent), which needs O(force_new_deployment=true).
    type: str
    choices: ["FARGATE", "EC2", "EXTERNAL"]
  capacity_provider_strategy:
    description:
      - The capacity provider strategy of the service, for example V(FARGATE) and V(FARGATE_SPOT) with weights.
      - Changing it on an existing service, or switching from a launch type to it, needs
        O(force_new_deployment=true), since AWS applies a new strategy only with a new deployment.
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
  platform_version:
    description:
      - The Fargate platform version, for example V(LATEST) or V(1.4.0). A different version starts a deployment.
    type: str
  network_configuration:
    description:
      - The awsvpc network configuration of the tasks. A different configuration starts a deployment.
    type: dict
    suboptions:
      subnets:
        description: The subnets of the tasks, compared as a set.
        type: list
        elements: str
        required: true
      security_groups:
        description: The security groups of the tasks, compared as a set. Left out, left alone.
        type: list
        elements: str
      assign_public_ip:
        description: Whether the tasks get a public IP address. Left out, left alone (V(false) on a new service).
        type: bool
  load_balancers:
    description:
      - The target groups the service registers its tasks with. The list is the whole set; V([]) removes them all.
      - With O(load_balancers[].alternate_target_group_arn) the entry carries the C(advancedConfiguration) of ECS's
        native blue/green deployments. The two target groups of such an entry are compared as a pair, since
        each deployment swaps their roles.
      - A different set starts a deployment.
    type: list
    elements: dict
    suboptions:
      target_group_arn:
        description: The ARN of the (production) target group.
        type: str
        required: true
      container_name:
        description: The container that receives the traffic, as named in the task definition.
        type: str
        required: true
      container_port:
        description: The port of that container.
        type: int
        required: true
      alternate_target_group_arn:
        description:
          - The target group of the new (green) tasks during a blue/green deployment.
          - Needs O(load_balancers[].production_listener_rule) and O(load_balancers[].role_arn).
        type: str
      production_listener_rule:
        description: The ARN of the listener rule (or listener) that sends production traffic.
        type: str
      test_listener_rule:
        description: The ARN of the listener rule that sends test traffic to the green tasks; optional.
        type: str
      role_arn:
        description: The ARN of the IAM role that lets ECS change the listener rules.
        type: str
  deployment_configuration:
    description:
      - How ECS deploys a change. Only the keys given are compared and changed; the others keep their value.
    type: dict
    suboptions:
      strategy:
        description:
          - V(ROLLING) replaces tasks in batches; V(BLUE_GREEN) starts a full set of new tasks behind the
            alternate target group, shifts the traffic at once and keeps the old set for O(deployment_configuration.bake_time_in_minutes).
          - V(BLUE_GREEN) needs O(load_balancers[].alternate_target_group_arn) on each load balancer given.
        type: str
        choices: ["ROLLING", "BLUE_GREEN"]
      bake_time_in_minutes:
        description: How long the old tasks are kept after the traffic moved, for a quick rollback. Blue/green only.
        type: int
      maximum_percent:
        description: The upper limit of running tasks during a deployment, in percent of the desired count.
        type: int
      minimum_healthy_percent:
        description: The lower limit of healthy tasks during a deployment, in percent of the desired count.
        type: int
      circuit_breaker:
        description: The deployment circuit breaker, which stops a deployment whose tasks do not become healthy.
        type: dict
        suboptions:
          enable:
            description: Whether the circuit breaker is on.
            type: bool
            required: true
          rollback:
            description: Whether ECS rolls back to the last completed deployment when the breaker trips.
            type: bool
            default: false
  health_check_grace_period_seconds:
    description:
      - How long ECS ignores failing load balancer health checks of a new task.
    type: int
  enable_execute_command:
    description:
      - Whether ECS Exec is enabled for the service's tasks (new tasks only).
    type: bool
  propagate_tags:
    description:
      - Where the tags of the tasks come from.
    type: str
    choices: ["TASK_DEFINITION", "SERVICE", "NONE"]
  scheduling_strategy:
    description:
      - V(REPLICA) or V(DAEMON). Used when the service is created; AWS cannot change it, so a different
        value on an existing service fails the task.
    type: str
    choices: ["REPLICA", "DAEMON"]
  force_new_deployment:
    description:
      - Start a new deployment even when nothing else changed, for example to pull a moved image tag.
      - The task then always reports a change.
    type: bool
    default: false
  deploy_on_strategy_change:
    description:
      - Start a new deployment when, and only when, O(capacity_provider_strategy) differs from the service's (AWS applies a new
        strategy only with a new deployment), instead of failing. The phase playbooks use it, as phase 2 adds Fargate Spot.
    type: bool
    default: false
  wait:
    description:
      - Whether to wait, after a change that started a deployment (or a creation), until the PRIMARY
        deployment's rollout state is no longer V(IN_PROGRESS); with O(state=absent), until the service is INACTIVE.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait at most.
    type: int
    default: 1800
  wait_delay:
    description:
      - How many seconds to wait between two looks at the service.
    type: int
    default: 5
  fail_on_rollback:
    description:
      - With O(wait=true), fail when the deployment ended V(FAILED) or ECS rolled the service back to another
        task definition. With V(false) the task only warns, and RV(deployment.rolled_back) tells.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the service that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the managed settings of the service before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments (and O(force_new_deployment=false)), the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - Services that use the C(CODE_DEPLOY) or C(EXTERNAL) deployment controller are refused changes that AWS makes
    only through CodeDeploy or task sets (task definition, network configuration, platform version, load balancers).
  - RV(service) leaves out the service's C(events).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The web service, blue/green behind the ALB, scaled by Application Auto Scaling after creation
  stories1001.infra.ecs_service:
    name: stories1001-web
    cluster: stories1001-production
    task_definition: stories1001-web:42
    desired_count: 2
    launch_type: FARGATE
    network_configuration:
      subnets:
        - subnet-0123456789abcdef0
        - subnet-0123456789abcdef1
      security_groups:
        - sg-0123456789abcdef0
      assign_public_ip: false
    load_balancers:
      - target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef
        alternate_target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/0123456789abcdef
        production_listener_rule: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef
        test_listener_rule: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/fedcba9876543210
        role_arn: arn:aws:iam::123456789012:role/stories1001-ecs-blue-green
        container_name: web
        container_port: 8080
    deployment_configuration:
      strategy: BLUE_GREEN
      bake_time_in_minutes: 10
      circuit_breaker:
        enable: true
        rollback: true
    health_check_grace_period_seconds: 60
    enable_execute_command: true
    propagate_tags: SERVICE
    wait: true
    wait_timeout: 1800
    tags:
      Project: stories1001
      Component: web
  register: web

- name: Run the worker on Fargate Spot, always two tasks
  stories1001.infra.ecs_service:
    name: stories1001-worker
    cluster: stories1001-production
    task_definition: stories1001-worker:7
    desired_count: 2
    desired_count_policy: enforce
    capacity_provider_strategy:
      - capacity_provider: FARGATE_SPOT
        weight: 1
    network_configuration:
      subnets: [subnet-0123456789abcdef0]
      security_groups: [sg-0123456789abcdef0]

- name: Delete the service
  stories1001.infra.ecs_service:
    name: stories1001-worker
    cluster: stories1001-production
    state: absent
    wait: true
"""

RETURN = r"""
service:
  description:
    - The service as DescribeServices reports it after the task (or, in check mode, as it would be), in snake_case,
      without its events.
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    service_arn:
      description: The ARN of the service.
      returned: when the service exists
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:service/stories1001-production/stories1001-web
    service_name:
      description: The name of the service.
      returned: always
      type: str
      sample: stories1001-web
    status:
      description: V(ACTIVE), V(DRAINING) or V(INACTIVE).
      returned: always
      type: str
      sample: ACTIVE
    task_definition:
      description: The ARN of the task definition of the PRIMARY deployment.
      returned: always
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task-definition/stories1001-web:42
    desired_count:
      description: The desired number of tasks.
      returned: always
      type: int
      sample: 2
    running_count:
      description: The number of running tasks.
      returned: when the service exists
      type: int
      sample: 2
    launch_type:
      description: The launch type.
      returned: when the service uses one
      type: str
      sample: FARGATE
    capacity_provider_strategy:
      description: The capacity provider strategy.
      returned: when the service uses one
      type: list
      elements: dict
      sample: [{"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    network_configuration:
      description: The awsvpc network configuration.
      returned: when set
      type: dict
      sample: {"awsvpc_configuration": {"subnets": ["subnet-0123456789abcdef0"], "security_groups": ["sg-0123456789abcdef0"], "assign_public_ip": "DISABLED"}}
    load_balancers:
      description: The load balancers, with C(advanced_configuration) for blue/green.
      returned: always
      type: list
      elements: dict
    deployment_configuration:
      description: The deployment configuration.
      returned: when AWS reports it
      type: dict
      sample: {"strategy": "BLUE_GREEN", "bake_time_in_minutes": 10, "maximum_percent": 200, "minimum_healthy_percent": 100}
    deployments:
      description: The deployments of the service (PRIMARY and ACTIVE ones).
      returned: when the service exists
      type: list
      elements: dict
    tags:
      description: The tags of the service.
      returned: always
      type: dict
      sample: {"Component": "web"}
deployment:
  description:
    - The deployment that the task started, as it was when the task ended (with O(wait=true), once ECS finished it).
  returned: when the task created the service or started a deployment, outside check mode
  type: dict
  contains:
    rollout_state:
      description: The rollout state of the PRIMARY deployment, V(IN_PROGRESS), V(COMPLETED) or V(FAILED).
      returned: always
      type: str
      sample: COMPLETED
    rollout_state_reason:
      description: Why the deployment is in that state, as ECS says it.
      returned: always
      type: str
      sample: ECS deployment ecs-svc/1234567890123456789 completed.
    task_definition:
      description: The task definition (V(family:revision)) the service runs now.
      returned: always
      type: str
      sample: stories1001-web:42
    rolled_back:
      description: Whether ECS rolled the service back to another task definition than the one asked for.
      returned: always
      type: bool
      sample: false
diff:
  description:
    - The managed settings of the service before and after the task; each is empty when the service does not exist.
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

import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._ecs import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import AnsibleECSError
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import create_service
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import delete_service
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import describe_service
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import is_active
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import merged
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import snake
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import strategy_key
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import strategy_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import tags_from_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import tags_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import task_definition_key
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import update_service
from ansible_collections.stories1001.infra.plugins.module_utils._ecs import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

# UpdateService fields that make ECS start a new deployment.
DEPLOYING_FIELDS = ("taskDefinition", "networkConfiguration", "loadBalancers", "platformVersion", "forceNewDeployment")
# What AWS changes only through CodeDeploy (CODE_DEPLOY) or task sets (EXTERNAL), not through UpdateService.
CONTROLLER_FIXED_FIELDS = {
    "taskDefinition": "task_definition",
    "networkConfiguration": "network_configuration",
    "platformVersion": "platform_version",
    "loadBalancers": "load_balancers",
}
DEPLOYMENT_KEYS = (
    ("strategy", "strategy"),
    ("bake_time_in_minutes", "bakeTimeInMinutes"),
    ("maximum_percent", "maximumPercent"),
    ("minimum_healthy_percent", "minimumHealthyPercent"),
)
# What AWS reports for a setting that was never set.
DEPLOYMENT_DEFAULTS = {"strategy": "ROLLING"}
ADVANCED_OPTIONS = ("alternate_target_group_arn", "production_listener_rule", "role_arn")
# The settings shown in the diff.
MANAGED_FIELDS = (
    "serviceName",
    "status",
    "taskDefinition",
    "desiredCount",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "networkConfiguration",
    "loadBalancers",
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "enableExecuteCommand",
    "propagateTags",
    "schedulingStrategy",
)


# --- comparisons and requests (pure) ------------------------------------------------------------


def task_definition_matches(current, wanted):
    """Whether the task definition a service runs (ARN) is the one asked for (family:revision, family or ARN)."""
    current, wanted = task_definition_key(current), task_definition_key(wanted)
    if ":" in wanted:
        return current == wanted
    return current.split(":", 1)[0] == wanted


def network_to_aws(option, current=None):
    """The network_configuration option as the API's networkConfiguration; what is left out comes from current."""
    current_vpc = (current or {}).get("awsvpcConfiguration") or {}
    config = {"subnets": list(option["subnets"])}
    groups = option.get("security_groups")
    if groups is None:
        groups = current_vpc.get("securityGroups")
    if groups is not None:
        config["securityGroups"] = list(groups)
    if option.get("assign_public_ip") is None:
        config["assignPublicIp"] = current_vpc.get("assignPublicIp") or "DISABLED"
    else:
        config["assignPublicIp"] = "ENABLED" if option["assign_public_ip"] else "DISABLED"
    return {"awsvpcConfiguration": config}


def network_key(network):
    vpc = (network or {}).get("awsvpcConfiguration") or {}
    return (
        sorted(set(vpc.get("subnets") or [])),
        sorted(set(vpc.get("securityGroups") or [])),
        vpc.get("assignPublicIp") or "DISABLED",
    )


def load_balancer_to_aws(option):
    entry = {
        "targetGroupArn": option["target_group_arn"],
        "containerName": option["container_name"],
        "containerPort": option["container_port"],
    }
    if option.get("alternate_target_group_arn"):
        advanced = {
            "alternateTargetGroupArn": option["alternate_target_group_arn"],
            "productionListenerRule": option["production_listener_rule"],
            "roleArn": option["role_arn"],
        }
        if option.get("test_listener_rule"):
            advanced["testListenerRule"] = option["test_listener_rule"]
        entry["advancedConfiguration"] = advanced
    return entry


def load_balancers_key(load_balancers):
    """Load balancers in a form that compares regardless of order; a blue/green pair of target groups compares
    as a set, since each deployment swaps their roles."""
    keys = []
    for entry in load_balancers or []:
        advanced = entry.get("advancedConfiguration") or {}
        groups = sorted(arn for arn in (entry.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")) if arn)
        keys.append(
            repr(
                (
                    groups,
                    entry.get("loadBalancerName"),
                    entry.get("containerName"),
                    entry.get("containerPort"),
                    advanced.get("productionListenerRule"),
                    advanced.get("testListenerRule"),
                    advanced.get("roleArn"),
                )
            )
        )
    return sorted(keys)


def circuit_breaker_key(breaker):
    breaker = breaker or {}
    return dict(breaker, enable=bool(breaker.get("enable")), rollback=bool(breaker.get("rollback")))


def deployment_configuration_to_aws(option, current=None):
    """The deployment configuration to send: current with the keys given in option set, and whether it differs."""
    current = current or {}
    wanted = {key: option[name] for name, key in DEPLOYMENT_KEYS if option.get(name) is not None}
    breaker = option.get("circuit_breaker")
    if breaker is not None:
        wanted["deploymentCircuitBreaker"] = circuit_breaker_key(
            dict(current.get("deploymentCircuitBreaker") or {}, enable=breaker["enable"], rollback=breaker["rollback"])
        )
    differs = any(
        (circuit_breaker_key(current.get(key)) if key == "deploymentCircuitBreaker" else current.get(key, DEPLOYMENT_DEFAULTS.get(key)))
        != value
        for key, value in wanted.items()
    )
    return merged(current, wanted), differs


def primary_deployment(service):
    return next((item for item in (service or {}).get("deployments") or [] if item.get("status") == "PRIMARY"), None)


def validation_errors(params):
    """Why the options cannot work together; [] when they can."""
    errors = []
    if params["state"] == "absent":
        return errors
    if params.get("desired_count") is not None and params["desired_count"] < 0:
        errors.append(f"desired_count must be 0 or more, not {params['desired_count']}")
    if params["desired_count_policy"] == "enforce" and params.get("desired_count") is None:
        errors.append("desired_count_policy enforce needs desired_count")
    for option in ("wait_timeout", "wait_delay"):
        if params[option] < 0:
            errors.append(f"{option} must be 0 or more, not {params[option]}")
    deployment = params.get("deployment_configuration") or {}
    strategy = deployment.get("strategy")
    if strategy == "ROLLING" and deployment.get("bake_time_in_minutes") is not None:
        errors.append("deployment_configuration.bake_time_in_minutes applies only to strategy BLUE_GREEN")
    for index, entry in enumerate(params.get("load_balancers") or []):
        given = [option for option in ADVANCED_OPTIONS if entry.get(option)]
        if entry.get("test_listener_rule") and not entry.get("alternate_target_group_arn"):
            errors.append(f"load_balancers[{index}].test_listener_rule needs alternate_target_group_arn")
        if given and len(given) != len(ADVANCED_OPTIONS):
            missing = [option for option in ADVANCED_OPTIONS if option not in given]
            errors.append(
                f"load_balancers[{index}] sets {', '.join(given)} but not {', '.join(missing)}: "
                "a blue/green load balancer needs alternate_target_group_arn, production_listener_rule and role_arn"
            )
        if strategy == "ROLLING" and given:
            errors.append(f"load_balancers[{index}] has a blue/green configuration, but deployment_configuration.strategy is ROLLING")
        if strategy == "BLUE_GREEN" and not given:
            errors.append(
                f"load_balancers[{index}] has no alternate_target_group_arn, production_listener_rule and role_arn, "
                "which deployment_configuration.strategy BLUE_GREEN needs"
            )
    return errors


def create_request(params, tags):
    request = {"cluster": params["cluster"], "serviceName": params["name"], "taskDefinition": params["task_definition"]}
    if params.get("desired_count") is not None:
        request["desiredCount"] = params["desired_count"]
    if params.get("launch_type"):
        request["launchType"] = params["launch_type"]
    if params.get("capacity_provider_strategy") is not None:
        request["capacityProviderStrategy"] = strategy_to_aws(params["capacity_provider_strategy"])
    if params.get("network_configuration"):
        request["networkConfiguration"] = network_to_aws(params["network_configuration"])
    if params.get("load_balancers"):
        request["loadBalancers"] = [load_balancer_to_aws(entry) for entry in params["load_balancers"]]
    if params.get("deployment_configuration"):
        request["deploymentConfiguration"] = deployment_configuration_to_aws(params["deployment_configuration"])[0]
    for option, key in (
        ("platform_version", "platformVersion"),
        ("health_check_grace_period_seconds", "healthCheckGracePeriodSeconds"),
        ("enable_execute_command", "enableExecuteCommand"),
        ("propagate_tags", "propagateTags"),
        ("scheduling_strategy", "schedulingStrategy"),
    ):
        if params.get(option) is not None:
            request[key] = params[option]
    if tags:
        request["tags"] = tags_to_aws(tags)
    return request


def plan_update(service, params):
    """What differs: (UpdateService arguments without cluster and service, problems that stop the task)."""
    request, problems = {}, []
    name = params["name"]

    wanted_definition = params.get("task_definition")
    if wanted_definition and not task_definition_matches(service.get("taskDefinition"), wanted_definition):
        request["taskDefinition"] = wanted_definition
    if (
        params.get("desired_count") is not None
        and params["desired_count_policy"] == "enforce"
        and service.get("desiredCount") != params["desired_count"]
    ):
        request["desiredCount"] = params["desired_count"]

    current_strategy = service.get("capacityProviderStrategy") or []
    current_launch_type = service.get("launchType")
    if params.get("capacity_provider_strategy") is not None:
        wanted_strategy = strategy_to_aws(params["capacity_provider_strategy"])
        if strategy_key(wanted_strategy) != strategy_key(current_strategy):
            request["capacityProviderStrategy"] = wanted_strategy
    elif params.get("launch_type"):
        if current_strategy:
            request["capacityProviderStrategy"] = []
        elif current_launch_type and current_launch_type != params["launch_type"]:
            problems.append(
                f"Service {name} has launch type {current_launch_type}, not {params['launch_type']}: AWS cannot change "
                "the launch type of a service; delete the service and create it again, or use capacity_provider_strategy"
            )
    if "capacityProviderStrategy" in request and params["deploy_on_strategy_change"]:
        request["forceNewDeployment"] = True
    if "capacityProviderStrategy" in request and not (params["force_new_deployment"] or params["deploy_on_strategy_change"]):
        before = "launch type " + current_launch_type if not current_strategy and current_launch_type else "its capacity provider strategy"
        problems.append(
            f"Service {name} would change from {before} to "
            + ("launch type " + params["launch_type"] if params.get("launch_type") else "another capacity provider strategy")
            + ": AWS applies that only with a new deployment; set force_new_deployment: true"
        )

    if params.get("platform_version") and service.get("platformVersion") != params["platform_version"]:
        request["platformVersion"] = params["platform_version"]
    if params.get("network_configuration"):
        wanted_network = network_to_aws(params["network_configuration"], service.get("networkConfiguration"))
        if network_key(wanted_network) != network_key(service.get("networkConfiguration")):
            request["networkConfiguration"] = wanted_network
    if params.get("load_balancers") is not None:
        wanted_balancers = [load_balancer_to_aws(entry) for entry in params["load_balancers"]]
        if load_balancers_key(wanted_balancers) != load_balancers_key(service.get("loadBalancers")):
            request["loadBalancers"] = wanted_balancers
    if params.get("deployment_configuration"):
        configuration, differs = deployment_configuration_to_aws(
            params["deployment_configuration"], service.get("deploymentConfiguration")
        )
        if differs:
            request["deploymentConfiguration"] = configuration
    if (
        params.get("health_check_grace_period_seconds") is not None
        and (service.get("healthCheckGracePeriodSeconds") or 0) != params["health_check_grace_period_seconds"]
    ):
        request["healthCheckGracePeriodSeconds"] = params["health_check_grace_period_seconds"]
    if params.get("enable_execute_command") is not None and bool(service.get("enableExecuteCommand")) != params["enable_execute_command"]:
        request["enableExecuteCommand"] = params["enable_execute_command"]
    if params.get("propagate_tags") and (service.get("propagateTags") or "NONE") != params["propagate_tags"]:
        request["propagateTags"] = params["propagate_tags"]
    if params["force_new_deployment"]:
        request["forceNewDeployment"] = True

    current_scheduling = service.get("schedulingStrategy") or "REPLICA"
    if params.get("scheduling_strategy") and params["scheduling_strategy"] != current_scheduling:
        problems.append(
            f"Service {name} has scheduling strategy {current_scheduling}, not {params['scheduling_strategy']}: "
            "AWS cannot change it; delete the service and create it again"
        )
    controller = ((service.get("deploymentController") or {}).get("type")) or "ECS"
    fixed = [option for key, option in CONTROLLER_FIXED_FIELDS.items() if key in request]
    if controller != "ECS" and fixed:
        problems.append(
            f"Service {name} uses the {controller} deployment controller, with which AWS does not change "
            f"{', '.join(fixed)} through UpdateService"
        )
    return request, problems


def managed_view(service):
    """The settings this module manages, from a raw service, for the diff."""
    if not service:
        return {}
    view = camel_dict_to_snake_dict({key: service[key] for key in MANAGED_FIELDS if key in service})
    if view.get("task_definition"):
        view["task_definition"] = task_definition_key(view["task_definition"])
    view["tags"] = tags_from_aws(service.get("tags"))
    return view


def deployment_outcome(service, asked_for, started_id=None):
    """The deployment result: (deployment dict for the return value, whether it failed or was rolled back)."""
    service = service or {}
    primary = primary_deployment(service) or {}
    running = task_definition_key(primary.get("taskDefinition") or service.get("taskDefinition"))
    started = next((item for item in service.get("deployments") or [] if started_id and item.get("id") == started_id), None)
    rolled_back = bool(asked_for) and not task_definition_matches(running, asked_for)
    reasons = []
    if started and started is not primary and started.get("rolloutStateReason"):
        reasons.append(started["rolloutStateReason"])
    if primary.get("rolloutStateReason"):
        reasons.append(primary["rolloutStateReason"])
    outcome = {
        "rollout_state": primary.get("rolloutState"),
        "rollout_state_reason": "; ".join(reasons),
        "task_definition": running,
        "rolled_back": rolled_back,
    }
    failed = rolled_back or primary.get("rolloutState") == "FAILED" or (started or {}).get("rolloutState") == "FAILED"
    return outcome, failed


# --- waiting ------------------------------------------------------------------------------------


def wait_for(client, module, description, done, deadline):
    """Look at the service every wait_delay seconds until done(service) holds; returns the last look."""
    params = module.params
    while True:
        service = describe_service(client, params["cluster"], params["name"])
        if done(service):
            return service
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"Timed out after {params['wait_timeout']} seconds waiting for {description} of service {params['name']}",
                service=snake(service, drop=("events",)),
            )
        time.sleep(params["wait_delay"])


def deployment_done(service):
    primary = primary_deployment(service)
    return not primary or primary.get("rolloutState") != "IN_PROGRESS"


def finish_deployment(client, module, written, deadline):
    """After a create or an update that started a deployment: wait (if asked), then judge the outcome.
    Returns (raw service, deployment dict)."""
    params = module.params
    # What was asked for, not what the write answered: by the time UpdateService answers, ECS may already
    # have rolled back (the emulator deploys within the call).
    asked_for = task_definition_key(params.get("task_definition") or written.get("taskDefinition"))
    started = primary_deployment(written) or {}
    if params["wait"]:
        service = wait_for(client, module, "the deployment", deployment_done, deadline)
    else:
        service = describe_service(client, params["cluster"], params["name"])
    outcome, failed = deployment_outcome(service, asked_for, started.get("id"))
    if params["wait"] and failed:
        message = (
            f"Deployment of service {params['name']} "
            + ("was rolled back" if outcome["rolled_back"] else "failed")
            + f": asked for {asked_for}, now running {outcome['task_definition']}"
            + (f"; ECS says: {outcome['rollout_state_reason']}" if outcome["rollout_state_reason"] else "")
        )
        if params["fail_on_rollback"]:
            module.fail_json(msg=message, deployment=outcome, service=snake(service, drop=("events",)))
        module.warn(message)
    return service, outcome


# --- the states ---------------------------------------------------------------------------------


def create(client, module, deadline):
    params = module.params
    if not params.get("task_definition"):
        module.fail_json(msg=f"task_definition is required to create service {params['name']}")
    tags = without_reserved_tags(plan_tags({}, params.get("tags"), params["purge_tags"])[2])
    request = create_request(params, tags)
    if module.check_mode:
        predicted = {"status": "ACTIVE", "loadBalancers": [], "tags": []}
        predicted.update({key: value for key, value in request.items() if key != "cluster"})
        return predicted, None
    created = create_service(client, **request)
    return finish_deployment(client, module, created, deadline)


def update(client, module, service, deadline):
    """Returns (changed, raw service, deployment dict or None)."""
    params = module.params
    request, problems = plan_update(service, params)
    if problems:
        module.fail_json(msg="; ".join(problems), service=snake(service, drop=("events",)))
    tags_to_set, tag_keys_to_unset, tags = plan_tags(tags_from_aws(service.get("tags")), params.get("tags"), params["purge_tags"])
    if not request and not tags_to_set and not tag_keys_to_unset:
        return False, service, None
    if module.check_mode:
        predicted = merged(service, {key: value for key, value in request.items() if key != "forceNewDeployment"})
        predicted["tags"] = tags_to_aws(tags)
        return True, predicted, None

    update_tags(client, service["serviceArn"], tags_to_set, tag_keys_to_unset)
    if not request:
        return True, describe_service(client, params["cluster"], params["name"]), None
    before_id = (primary_deployment(service) or {}).get("id")
    written = update_service(client, params["cluster"], params["name"], **request)
    started = any(key in request for key in DEPLOYING_FIELDS) or (primary_deployment(written) or {}).get("id") != before_id
    if not started:
        return True, describe_service(client, params["cluster"], params["name"]), None
    service, outcome = finish_deployment(client, module, written, deadline)
    return True, service, outcome


def ensure_absent(client, module, service, deadline):
    """Scale to 0, delete, and (with wait) wait until INACTIVE; returns whether anything was (or would be) done."""
    params = module.params
    if not is_active(service):
        return False
    if service.get("status") == "DRAINING":
        if params["wait"] and not module.check_mode:
            wait_for(client, module, "the deletion", lambda found: not is_active(found), deadline)
        return False
    if module.check_mode:
        return True
    if service.get("desiredCount"):
        update_service(client, params["cluster"], params["name"], desiredCount=0)
    changed = delete_service(client, params["cluster"], params["name"])
    if changed and params["wait"]:
        wait_for(client, module, "the deletion", lambda found: not is_active(found), deadline)
    return changed


def main():
    argument_spec = dict(
        name=dict(required=True, aliases=["service_name"]),
        cluster=dict(default="default"),
        state=dict(choices=["present", "absent"], default="present"),
        task_definition=dict(),
        desired_count=dict(type="int"),
        desired_count_policy=dict(choices=["initial", "enforce"], default="initial"),
        launch_type=dict(choices=["FARGATE", "EC2", "EXTERNAL"]),
        capacity_provider_strategy=dict(
            type="list",
            elements="dict",
            options=dict(
                capacity_provider=dict(required=True),
                weight=dict(type="int", default=0),
                base=dict(type="int", default=0),
            ),
        ),
        platform_version=dict(),
        network_configuration=dict(
            type="dict",
            options=dict(
                subnets=dict(type="list", elements="str", required=True),
                security_groups=dict(type="list", elements="str"),
                assign_public_ip=dict(type="bool"),
            ),
        ),
        load_balancers=dict(
            type="list",
            elements="dict",
            options=dict(
                target_group_arn=dict(required=True),
                container_name=dict(required=True),
                container_port=dict(type="int", required=True),
                alternate_target_group_arn=dict(),
                production_listener_rule=dict(),
                test_listener_rule=dict(),
                role_arn=dict(),
            ),
        ),
        deployment_configuration=dict(
            type="dict",
            options=dict(
                strategy=dict(choices=["ROLLING", "BLUE_GREEN"]),
                bake_time_in_minutes=dict(type="int"),
                maximum_percent=dict(type="int"),
                minimum_healthy_percent=dict(type="int"),
                circuit_breaker=dict(
                    type="dict",
                    options=dict(enable=dict(type="bool", required=True), rollback=dict(type="bool", default=False)),
                ),
            ),
        ),
        health_check_grace_period_seconds=dict(type="int"),
        enable_execute_command=dict(type="bool"),
        propagate_tags=dict(choices=["TASK_DEFINITION", "SERVICE", "NONE"]),
        scheduling_strategy=dict(choices=["REPLICA", "DAEMON"]),
        force_new_deployment=dict(type="bool", default=False),
        deploy_on_strategy_change=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=5),
        fail_on_rollback=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("launch_type", "capacity_provider_strategy")],
        supports_check_mode=True,
    )
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    deadline = time.monotonic() + params["wait_timeout"]
    result = {}
    try:
        before = describe_service(client, params["cluster"], params["name"])
        if not is_active(before):
            before = None
        if params["state"] == "absent":
            changed, after = ensure_absent(client, module, before, deadline), None
        elif before is None:
            changed = True
            after, deployment = create(client, module, deadline)
            if deployment:
                result["deployment"] = deployment
        elif before.get("status") == "DRAINING":
            module.fail_json(
                msg=f"Service {params['name']} is DRAINING (being deleted); run the task again once it is INACTIVE",
                service=snake(before, drop=("events",)),
            )
        else:
            changed, after, deployment = update(client, module, before, deadline)
            if deployment:
                result["deployment"] = deployment
    except AnsibleECSError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(
        changed=changed,
        service=snake(after, drop=("events",)),
        diff=dict(before=managed_view(before), after=managed_view(after)),
        **result,
    )


if __name__ == "__main__":
    main()
