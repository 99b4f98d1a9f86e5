# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ElastiCache API calls, waiters, input checks and result shaping shared by the collection's ElastiCache modules.

Each API call is wrapped once and fails with ``AnsibleElastiCacheError``; describe calls return None
(or {}) when the resource does not exist, deletions return False when it was already gone. Every
function expects a client made with
``module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``:
calls pass ``aws_retry=True``, and the waiters (built on ``BaseWaiterFactory``) retry on throttling.
Private to stories1001.infra: the interface may change without notice.
"""

import math
import re
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

try:
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # handled by AnsibleAWSModule

# ElastiCache answers with the error *code*, which for many faults is not the shape name in the API
# model (CacheClusterNotFoundFault is sent as CacheClusterNotFound): both forms are listed.
REPLICATION_GROUP_NOT_FOUND = "ReplicationGroupNotFoundFault"
GLOBAL_REPLICATION_GROUP_NOT_FOUND = "GlobalReplicationGroupNotFoundFault"
NOT_FOUND_CODES = (
    REPLICATION_GROUP_NOT_FOUND,
    GLOBAL_REPLICATION_GROUP_NOT_FOUND,
    "CacheClusterNotFound",
    "CacheClusterNotFoundFault",
    "CacheParameterGroupNotFound",
    "CacheParameterGroupNotFoundFault",
    "CacheSubnetGroupNotFoundFault",
    "CacheSecurityGroupNotFound",
    "CacheSecurityGroupNotFoundFault",
    "SnapshotNotFoundFault",
    "NodeGroupNotFoundFault",
    "UserNotFound",
    "UserGroupNotFound",
)
# ElastiCache's own throttling code, beside the Throttling that AWSRetry already retries.
RETRY_CODES = ["APICallRateForCustomerExceeded"]
# AWS refuses tag and change operations on a replication group that is not available.
INVALID_STATE_CODES = ("InvalidReplicationGroupState", "InvalidReplicationGroupStateFault")
# Statuses a replication group leaves by itself for "available".
BUSY_STATUSES = ("creating", "modifying", "snapshotting")
# Seconds between two looks while waiting; replication groups take minutes to create or change.
WAIT_DELAY = 15
# How many times a change refused with InvalidReplicationGroupState is tried again (see when_available).
STATE_RETRIES = 5

# Node types are cache.<family>.<size>: the families ElastiCache has offered for Redis OSS and Valkey
# (older generations included, so that existing groups still validate).
NODE_FAMILIES = (
    "t1",
    "t2",
    "t3",
    "t4g",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m6g",
    "m7g",
    "r3",
    "r4",
    "r5",
    "r6g",
    "r6gd",
    "r7g",
    "c1",
    "c7gn",
)
NODE_TYPE = re.compile(r"^cache\.([a-z0-9]+)\.(micro|small|medium|large|[1-9][0-9]?xlarge|xlarge)$")
# 1 to max_length letters, digits and single hyphens, beginning with a letter, no hyphen at the end.
IDENTIFIER = re.compile(r"^[A-Za-z](?:-?[A-Za-z0-9])*$")
# CreateReplicationGroup and ModifyReplicationGroup document different sets; these are refused by both.
AUTH_TOKEN_FORBIDDEN = '@"/%'
SNAPSHOT_WINDOW = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$")
MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$",
    re.IGNORECASE,
)
LOG_DESTINATION_KEYS = {
    "cloudwatch-logs": ("CloudWatchLogsDetails", "LogGroup"),
    "kinesis-firehose": ("KinesisFirehoseDetails", "DeliveryStream"),
}


class AnsibleElastiCacheError(AnsibleAWSError):
    pass


class ElastiCacheErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleElastiCacheError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(NOT_FOUND_CODES))


class ElastiCacheWaiterFactory(BaseWaiterFactory):
    """Waiters on replication groups and global datastores (global replication groups)."""

    @property
    def _waiter_model_data(self):
        group_status = "ReplicationGroups[].Status"
        global_status = "GlobalReplicationGroups[].Status"
        waiters = dict(
            replication_group_available=dict(
                operation="DescribeReplicationGroups",
                delay=WAIT_DELAY,
                maxAttempts=240,
                acceptors=[
                    dict(state="success", matcher="pathAll", argument=group_status, expected="available"),
                    dict(state="failure", matcher="pathAny", argument=group_status, expected="create-failed"),
                    dict(state="failure", matcher="pathAny", argument=group_status, expected="deleting"),
                    # Eventual consistency: a group just created may not be listed yet.
                    dict(state="retry", matcher="error", expected=REPLICATION_GROUP_NOT_FOUND),
                ],
            ),
            replication_group_deleted=dict(
                operation="DescribeReplicationGroups",
                delay=WAIT_DELAY,
                maxAttempts=240,
                acceptors=[
                    dict(state="success", matcher="error", expected=REPLICATION_GROUP_NOT_FOUND),
                    dict(
                        state="success",
                        matcher="path",
                        argument="length(ReplicationGroups || `[]`) == `0`",
                        expected=True,
                    ),
                ],
            ),
            global_replication_group_available=dict(
                operation="DescribeGlobalReplicationGroups",
                delay=WAIT_DELAY,
                maxAttempts=240,
                acceptors=[
                    dict(state="success", matcher="pathAll", argument=global_status, expected="available"),
                    # A global datastore that has only its primary reports primary-only, not available.
                    dict(state="success", matcher="pathAll", argument=global_status, expected="primary-only"),
                    dict(state="failure", matcher="pathAny", argument=global_status, expected="deleting"),
                    dict(state="retry", matcher="error", expected=GLOBAL_REPLICATION_GROUP_NOT_FOUND),
                ],
            ),
            global_replication_group_deleted=dict(
                operation="DescribeGlobalReplicationGroups",
                delay=WAIT_DELAY,
                maxAttempts=240,
                acceptors=[
                    dict(state="success", matcher="error", expected=GLOBAL_REPLICATION_GROUP_NOT_FOUND),
                    dict(
                        state="success",
                        matcher="path",
                        argument="length(GlobalReplicationGroups || `[]`) == `0`",
                        expected=True,
                    ),
                ],
            ),
        )
        for waiter in waiters.values():
            waiter["acceptors"].extend(dict(state="retry", matcher="error", expected=code) for code in RETRY_CODES)
        return waiters


class Deadline:
    """One wait_timeout shared by all the waits of a task."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(1, math.ceil(self.end - time.monotonic()))


# --- input checks (pure) ------------------------------------------------------------------------


def identifier_errors(value, option, max_length=40):
    """Why value is not an ElastiCache identifier (replication group, snapshot, parameter group); [] if it is."""
    value = value or ""
    errors = []
    if not 1 <= len(value) <= max_length:
        errors.append(f"{option} {value!r} has {len(value)} characters; ElastiCache allows 1 to {max_length}")
    if value and not IDENTIFIER.match(value):
        errors.append(
            f"{option} {value!r} must be letters, digits and hyphens, begin with a letter, "
            "and have no two hyphens in a row and no hyphen at the end"
        )
    return errors


def auth_token_errors(token, option="auth_token"):
    """Why an AUTH token would be refused; [] if it would not. The token itself is never in a message."""
    errors = []
    if not 16 <= len(token) <= 128:
        errors.append(f"{option} has {len(token)} characters; AUTH tokens need 16 to 128")
    if any(not 33 <= ord(char) <= 126 for char in token) or any(char in AUTH_TOKEN_FORBIDDEN for char in token):
        errors.append(f'{option} may hold only printable ASCII characters other than space, @, ", / and %')
    return errors


def is_node_type(value):
    """Whether value is cache.<family>.<size> of a known node family (cache.t3.medium, cache.r6g.2xlarge)."""
    match = NODE_TYPE.match(value or "")
    return bool(match) and match.group(1) in NODE_FAMILIES


def version_tuple(version):
    """The leading numeric parts of a version: '7.1.0' -> (7, 1, 0), '6.x' -> (6,)."""
    parts = []
    for part in str(version or "").split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def version_matches(current, wanted):
    """Whether an engine version asked for (7, 7.1, 6.x) names the version running (7.1.0)."""
    wanted_parts = version_tuple(wanted)
    if not wanted_parts:
        return current == wanted
    return version_tuple(current)[: len(wanted_parts)] == wanted_parts


# --- API calls ----------------------------------------------------------------------------------


def _describe_all(client, operation, result_key, **params):
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    items = []
    method = getattr(client, operation)
    while True:
        page = method(aws_retry=True, **params)
        items.extend(page.get(result_key) or [])
        if not page.get("Marker"):
            return items
        params = dict(params, Marker=page["Marker"])


@ElastiCacheErrorHandler.list_error_handler("describe replication group", None)
def describe_replication_group(client, replication_group_id):
    """The raw DescribeReplicationGroups entry, or None when there is none by that id."""
    # AWS stores the id in lower case and matches it without regard to case.
    wanted = replication_group_id.lower()
    groups = _describe_all(
        client, "describe_replication_groups", "ReplicationGroups", ReplicationGroupId=replication_group_id
    )
    return next((group for group in groups if group.get("ReplicationGroupId", "").lower() == wanted), None)


@ElastiCacheErrorHandler.list_error_handler("describe cache cluster", None)
def describe_cache_cluster(client, cache_cluster_id, show_node_info=False):
    """The raw DescribeCacheClusters entry of one cluster (a node of a replication group), or None."""
    clusters = client.describe_cache_clusters(
        CacheClusterId=cache_cluster_id, ShowCacheNodeInfo=show_node_info, aws_retry=True
    ).get("CacheClusters")
    return clusters[0] if clusters else None


@ElastiCacheErrorHandler.list_error_handler("describe global replication group", None)
def describe_global_replication_group(client, global_replication_group_id, show_member_info=True):
    """The raw DescribeGlobalReplicationGroups entry of a global datastore, or None."""
    groups = _describe_all(
        client,
        "describe_global_replication_groups",
        "GlobalReplicationGroups",
        GlobalReplicationGroupId=global_replication_group_id,
        ShowMemberInfo=show_member_info,
    )
    return next(
        (group for group in groups if group.get("GlobalReplicationGroupId") == global_replication_group_id), None
    )


@ElastiCacheErrorHandler.list_error_handler("list tags", {})
def list_tags(client, arn):
    """The tags of any ElastiCache resource as a dict; {} when it is gone, None while AWS refuses to list
    them (a replication group that is not available answers InvalidReplicationGroupState)."""
    try:
        return boto3_tag_list_to_ansible_dict(
            client.list_tags_for_resource(ResourceName=arn, aws_retry=True).get("TagList")
        )
    except is_boto3_error_code(list(INVALID_STATE_CODES)):
        return None


@ElastiCacheErrorHandler.common_error_handler("tag resource")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags() to any ElastiCache resource; returns whether anything was sent."""
    if tag_keys_to_unset:
        client.remove_tags_from_resource(ResourceName=arn, TagKeys=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)
    return bool(tags_to_set or tag_keys_to_unset)


@ElastiCacheErrorHandler.common_error_handler("create replication group")
def create_replication_group(client, **params):
    return client.create_replication_group(aws_retry=True, **params)["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify replication group")
def modify_replication_group(client, replication_group_id, **params):
    """ModifyReplicationGroup applied at once (not at the next maintenance window)."""
    params.setdefault("ApplyImmediately", True)
    return client.modify_replication_group(ReplicationGroupId=replication_group_id, aws_retry=True, **params)[
        "ReplicationGroup"
    ]


@ElastiCacheErrorHandler.common_error_handler("increase replica count")
def increase_replica_count(client, replication_group_id, **params):
    return client.increase_replica_count(
        ReplicationGroupId=replication_group_id, ApplyImmediately=True, aws_retry=True, **params
    )["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("decrease replica count")
def decrease_replica_count(client, replication_group_id, **params):
    return client.decrease_replica_count(
        ReplicationGroupId=replication_group_id, ApplyImmediately=True, aws_retry=True, **params
    )["ReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("change the shard count of replication group")
def modify_shard_configuration(client, replication_group_id, **params):
    return client.modify_replication_group_shard_configuration(
        ReplicationGroupId=replication_group_id, ApplyImmediately=True, aws_retry=True, **params
    )["ReplicationGroup"]


@ElastiCacheErrorHandler.deletion_error_handler("delete replication group")
def delete_replication_group(client, replication_group_id, final_snapshot_identifier=None):
    """Delete a replication group (after a final snapshot when one is named); False when it was already gone."""
    params = dict(ReplicationGroupId=replication_group_id)
    if final_snapshot_identifier:
        params["FinalSnapshotIdentifier"] = final_snapshot_identifier
    client.delete_replication_group(aws_retry=True, **params)
    return True


# --- waiting ------------------------------------------------------------------------------------


def waiter_config(timeout):
    """WaiterConfig for at most timeout seconds at WAIT_DELAY (read at call time, so tests can set it to 0)."""
    if WAIT_DELAY <= 0:
        return dict(Delay=0, MaxAttempts=max(2, int(timeout)))
    return custom_waiter_config(timeout, default_pause=WAIT_DELAY)


def wait_for(client, waiter_name, timeout, **params):
    """Run one of ElastiCacheWaiterFactory's waiters for at most timeout seconds.

    Raises AnsibleElastiCacheError saying whether the wait timed out or met a terminal state."""
    waiter = ElastiCacheWaiterFactory().get_waiter(client, waiter_name)
    what = waiter_name.replace("_", " ")
    try:
        waiter.wait(WaiterConfig=waiter_config(timeout), **params)
    except WaiterError as e:
        reason = e.kwargs.get("reason", "")
        if "Max attempts exceeded" in reason:
            raise AnsibleElastiCacheError(message=f"Timeout after {timeout} seconds waiting for {what}") from e
        raise AnsibleElastiCacheError(message=f"Stopped waiting for {what}: {reason}") from e


def wait_replication_group_available(client, replication_group_id, timeout):
    wait_for(client, "replication_group_available", timeout, ReplicationGroupId=replication_group_id)


def wait_replication_group_deleted(client, replication_group_id, timeout):
    wait_for(client, "replication_group_deleted", timeout, ReplicationGroupId=replication_group_id)


def when_available(client, replication_group_id, deadline, call, **params):
    """call(client, replication_group_id, **params), a change to a replication group, made again once the group
    is available when AWS refuses it with InvalidReplicationGroupState.

    Right after a change starts, DescribeReplicationGroups may still report the group available for a moment,
    so a waiter can let the next change through too early."""
    for attempt in range(1, STATE_RETRIES + 1):
        try:
            return call(client, replication_group_id, **params)
        except is_ansible_aws_error_code(list(INVALID_STATE_CODES)):
            if attempt == STATE_RETRIES:
                raise
            time.sleep(WAIT_DELAY)
            wait_replication_group_available(client, replication_group_id, deadline.remaining())
    return None


# --- result shaping -----------------------------------------------------------------------------


def log_delivery_from_aws(configurations):
    """LogDeliveryConfigurations (as AWS describes them) in the shape of the modules' log_delivery option."""
    result = []
    for config in configurations or []:
        details_key, name_key = LOG_DESTINATION_KEYS.get(config.get("DestinationType"), (None, None))
        details = (config.get("DestinationDetails") or {}).get(details_key) or {}
        entry = dict(
            log_type=config.get("LogType"),
            destination_type=config.get("DestinationType"),
            destination=details.get(name_key),
            log_format=config.get("LogFormat"),
        )
        if config.get("Status"):
            entry["status"] = config["Status"]
        result.append(entry)
    return sorted(result, key=lambda entry: entry["log_type"] or "")


def log_delivery_request(entry, enabled=True):
    """One LogDeliveryConfigurationRequest from an entry of a log_delivery option."""
    if not enabled:
        return dict(LogType=entry["log_type"], Enabled=False)
    details_key, name_key = LOG_DESTINATION_KEYS[entry["destination_type"]]
    return dict(
        LogType=entry["log_type"],
        DestinationType=entry["destination_type"],
        DestinationDetails={details_key: {name_key: entry["destination"]}},
        LogFormat=entry["log_format"],
        Enabled=True,
    )


def _replica_counts(group):
    """{node group id: replicas} from a raw replication group."""
    counts = {}
    for node_group in group.get("NodeGroups") or []:
        members = node_group.get("NodeGroupMembers")
        if members:
            counts[node_group.get("NodeGroupId")] = len(members) - 1
    if not counts and group.get("MemberClusters") and not group.get("ClusterEnabled"):
        counts["0001"] = len(group["MemberClusters"]) - 1
    return counts


def _port(group):
    endpoint = group.get("ConfigurationEndpoint") or next(
        (
            node_group.get("PrimaryEndpoint")
            for node_group in group.get("NodeGroups") or []
            if node_group.get("PrimaryEndpoint")
        ),
        None,
    )
    return (endpoint or {}).get("Port")


def normalize_replication_group(group, cache_cluster=None, tags=None):
    """A DescribeReplicationGroups entry in snake_case, with what AWS keeps on the member clusters.

    The replication group does not report its engine version, parameter group, security groups,
    maintenance window or subnet group: those come from one member cluster (cache_cluster), when given.
    Also adds cluster_mode, num_node_groups, replicas_per_node_group (the smallest count of any shard),
    replica_counts per shard, num_cache_clusters, port, log_delivery in the shape of the option,
    global_replication_group_id and _member_role (None outside a global datastore) and the tags
    (None while AWS refuses to list them)."""
    if not group:
        return {}
    group = normalize_boto3_result(group)
    result = camel_dict_to_snake_dict(group)
    if group.get("ClusterMode"):
        result["cluster_mode"] = group["ClusterMode"]
    else:
        result["cluster_mode"] = "enabled" if group.get("ClusterEnabled") else "disabled"
    counts = _replica_counts(group)
    result["replica_counts"] = counts
    result["num_node_groups"] = len(group.get("NodeGroups") or []) or (1 if counts else None)
    result["replicas_per_node_group"] = min(counts.values()) if counts else None
    result["num_cache_clusters"] = len(group.get("MemberClusters") or [])
    result["port"] = _port(group)
    result["log_delivery"] = log_delivery_from_aws(group.get("LogDeliveryConfigurations"))
    info = group.get("GlobalReplicationGroupInfo") or {}
    result["global_replication_group_id"] = info.get("GlobalReplicationGroupId")
    result["global_replication_group_member_role"] = info.get("GlobalReplicationGroupMemberRole")
    if cache_cluster:
        result["engine_version"] = cache_cluster.get("EngineVersion")
        result["cache_parameter_group_name"] = (cache_cluster.get("CacheParameterGroup") or {}).get(
            "CacheParameterGroupName"
        )
        result["security_group_ids"] = sorted(sg["SecurityGroupId"] for sg in cache_cluster.get("SecurityGroups") or [])
        result["preferred_maintenance_window"] = cache_cluster.get("PreferredMaintenanceWindow")
        result["cache_subnet_group_name"] = cache_cluster.get("CacheSubnetGroupName")
        if not result.get("engine"):
            result["engine"] = cache_cluster.get("Engine")
    result["tags"] = tags
    return result


def get_replication_group(client, replication_group_id):
    """The replication group with its member-cluster settings and tags, normalized; {} when there is none."""
    group = describe_replication_group(client, replication_group_id)
    if not group:
        return {}
    members = sorted(group.get("MemberClusters") or [])
    cache_cluster = describe_cache_cluster(client, members[0]) if members else None
    tags = list_tags(client, group["ARN"]) if group.get("ARN") else None
    return normalize_replication_group(group, cache_cluster, tags)
