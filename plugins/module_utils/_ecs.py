# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS API calls and result shaping shared by the collection's ECS modules (ecs_cluster, ecs_service).

Each API call is wrapped once and fails with ``AnsibleECSError``; describe calls return None when the
resource does not exist. Every function expects a client made with
``module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``:
calls pass ``aws_retry=True``.
Private to stories1001.infra: the interface may change without notice.
"""

import copy

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# ECS answers throttling with ThrottlingException, which AWSRetry does not retry by itself.
RETRY_CODES = ["ThrottlingException"]
CLUSTER_NOT_FOUND = "ClusterNotFoundException"
SERVICE_NOT_FOUND = "ServiceNotFoundException"
CLUSTER_CONTAINS_SERVICES = "ClusterContainsServicesException"
# What DescribeClusters includes beside the cluster itself.
CLUSTER_INCLUDE = ["SETTINGS", "CONFIGURATIONS", "TAGS"]


class AnsibleECSError(AnsibleAWSError):
    pass


class ECSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code([CLUSTER_NOT_FOUND, SERVICE_NOT_FOUND])


# --- tags and shapes (pure) ---------------------------------------------------------------------


def tags_from_aws(tag_list):
    """ECS tags ([{"key": k, "value": v}]) as a dict."""
    return boto3_tag_list_to_ansible_dict(tag_list or [], tag_name_key_name="key", tag_value_key_name="value")


def tags_to_aws(tags):
    """A dict of tags as ECS wants them ([{"key": k, "value": v}])."""
    return ansible_dict_to_boto3_tag_list(tags or {}, tag_name_key_name="key", tag_value_key_name="value")


def snake(resource, drop=()):
    """An ECS resource (cluster, service) as Ansible returns it: snake_case, tags as a dict, times as ISO 8601
    strings; the keys in drop are left out. {} for None."""
    if not resource:
        return {}
    resource = {key: value for key, value in resource.items() if key not in drop}
    tags = resource.pop("tags", None)
    result = camel_dict_to_snake_dict(normalize_boto3_result(resource))
    result["tags"] = tags_from_aws(tags)
    return result


def name_from_arn(arn):
    """The last part of an ECS ARN (arn:aws:ecs:...:service/cluster/name -> name); a name is returned as is."""
    return (arn or "").rsplit("/", 1)[-1]


def task_definition_key(value):
    """family:revision of a task definition given as an ARN or as family[:revision]."""
    value = value or ""
    if value.startswith("arn:"):
        value = value.split(":task-definition/", 1)[-1]
    return value


def strategy_key(strategy):
    """A capacity provider strategy in a form that compares regardless of order and of left-out defaults."""
    return sorted(
        (item["capacityProvider"], item.get("weight") or 0, item.get("base") or 0) for item in strategy or []
    )


def strategy_to_aws(strategy):
    """The capacity_provider_strategy option (snake_case entries) in the API's shape."""
    result = []
    for item in strategy or []:
        entry = {"capacityProvider": item["capacity_provider"]}
        if item.get("weight") is not None:
            entry["weight"] = item["weight"]
        if item.get("base") is not None:
            entry["base"] = item["base"]
        result.append(entry)
    return result


def merged(current, changes):
    """A deep copy of current with the keys of changes set (a prediction of what AWS will report)."""
    result = copy.deepcopy(current or {})
    result.update(copy.deepcopy(changes))
    return result


# --- API calls ----------------------------------------------------------------------------------


@ECSErrorHandler.list_error_handler("describe cluster", None)
def describe_cluster(client, name):
    """The raw DescribeClusters entry (settings, configuration and tags included), or None.

    An INACTIVE cluster (deleted, still listed for a while) is returned as it is; see is_active()."""
    clusters = client.describe_clusters(clusters=[name], include=CLUSTER_INCLUDE, aws_retry=True).get("clusters")
    return clusters[0] if clusters else None


@ECSErrorHandler.list_error_handler("describe service", None)
def describe_service(client, cluster, name):
    """The raw DescribeServices entry (tags included), or None when there is none or its cluster is missing."""
    services = client.describe_services(cluster=cluster, services=[name], include=["TAGS"], aws_retry=True).get(
        "services"
    )
    return services[0] if services else None


def is_active(resource):
    """Whether a cluster or service exists for our purposes: INACTIVE ones count as absent."""
    return bool(resource) and resource.get("status") != "INACTIVE"


@ECSErrorHandler.list_error_handler("list services", [])
def list_services(client, cluster):
    """The names of the services of a cluster (ListServices lists those not yet INACTIVE)."""
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    names = []
    params = dict(cluster=cluster)
    while True:
        page = client.list_services(aws_retry=True, **params)
        names.extend(name_from_arn(arn) for arn in page.get("serviceArns") or [])
        if not page.get("nextToken"):
            return sorted(names)
        params["nextToken"] = page["nextToken"]


@ECSErrorHandler.common_error_handler("tag resource")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags() with UntagResource and TagResource; returns whether anything was sent."""
    if tag_keys_to_unset:
        client.untag_resource(resourceArn=arn, tagKeys=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.tag_resource(resourceArn=arn, tags=tags_to_aws(tags_to_set), aws_retry=True)
    return bool(tags_to_set or tag_keys_to_unset)


@ECSErrorHandler.common_error_handler("create cluster")
def create_cluster(client, **params):
    return client.create_cluster(aws_retry=True, **params)["cluster"]


@ECSErrorHandler.common_error_handler("update cluster")
def update_cluster(client, name, **params):
    return client.update_cluster(cluster=name, aws_retry=True, **params)["cluster"]


@ECSErrorHandler.common_error_handler("put cluster capacity providers")
def put_cluster_capacity_providers(client, name, capacity_providers, strategy):
    return client.put_cluster_capacity_providers(
        cluster=name, capacityProviders=capacity_providers, defaultCapacityProviderStrategy=strategy, aws_retry=True
    )["cluster"]


@ECSErrorHandler.deletion_error_handler("delete cluster")
def delete_cluster(client, name):
    """DeleteCluster; False when the cluster was already gone. A cluster that still has services fails with
    CLUSTER_CONTAINS_SERVICES (catch it with is_ansible_aws_error_code)."""
    client.delete_cluster(cluster=name, aws_retry=True)
    return True


@ECSErrorHandler.common_error_handler("create service")
def create_service(client, **params):
    return client.create_service(aws_retry=True, **params)["service"]


@ECSErrorHandler.common_error_handler("update service")
def update_service(client, cluster, name, **params):
    return client.update_service(cluster=cluster, service=name, aws_retry=True, **params)["service"]


@ECSErrorHandler.deletion_error_handler("delete service")
def delete_service(client, cluster, name):
    """DeleteService with force (no need to scale to 0 first); False when the service was already gone."""
    client.delete_service(cluster=cluster, service=name, force=True, aws_retry=True)
    return True
