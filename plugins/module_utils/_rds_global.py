# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Aurora global database (RDS global cluster) API calls, waiters and result shaping.

Each API call is wrapped once and fails with amazon.aws's ``AnsibleRDSError``. Every function expects
a client made with ``module.client("rds", retry_decorator=AWSRetry.jittered_backoff())``: calls pass
``aws_retry=True``, and the waiters (built on ``BaseWaiterFactory``) retry on throttling.
Private to stories1001.infra: the interface may change without notice.
"""

import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError
from ansible_collections.amazon.aws.plugins.module_utils.rds import RDSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

try:
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # handled by AnsibleAWSModule

GLOBAL_CLUSTER_NOT_FOUND = "GlobalClusterNotFoundFault"
# The model names the error shape DBClusterNotFoundFault; older amazon.aws code also expects the short form.
DB_CLUSTER_NOT_FOUND = ["DBClusterNotFoundFault", "DBClusterNotFound"]

# FailoverState.Status values while a switchover or failover runs (the model's FailoverStatus enum).
# The API model lists pending, failing-over and cancelling; the FailoverState guide also shows switching-over.
FAILOVER_IN_PROGRESS = ("pending", "failing-over", "switching-over", "cancelling")
# Regional cluster states from which a member will not become available without someone stepping in.
DB_CLUSTER_FAULT_STATUSES = (
    "failed",
    "cloning-failed",
    "migration-failed",
    "inaccessible-encryption-credentials",
    "inaccessible-encryption-credentials-recoverable",
    "incompatible-network",
    "incompatible-parameters",
    "incompatible-restore",
    "deleting",
)
WAIT_DELAY = 15


class GlobalClusterErrorHandler(RDSErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code([GLOBAL_CLUSTER_NOT_FOUND] + DB_CLUSTER_NOT_FOUND)


# --- JMESPath for the waiters ----------------------------------------------------------------------
# Written with projections ([]) and `[]` defaults so that an empty or partial answer evaluates to a
# value instead of raising a JMESPath type error inside botocore's waiter.

_MEMBERS = "(GlobalClusters[].GlobalClusterMembers[] || `[]`)"


def _literal(value):
    return f"`{json.dumps(value)}`"


def writer_is_expression(db_cluster_arn):
    """True once db_cluster_arn is the writer, no switchover/failover runs and the global cluster is available."""
    return (
        f"contains({_MEMBERS}[?IsWriter].DBClusterArn, {_literal(db_cluster_arn)})"
        f" && length(GlobalClusters[].FailoverState.Status || `[]`) == `0`"
        f" && GlobalClusters[].Status == {_literal(['available'])}"
    )


def members_joined_expression(db_cluster_arns):
    """True once every ARN is a member that is not waiting to resynchronise."""
    arns = sorted(set(db_cluster_arns))
    return (
        f"length({_MEMBERS}[?contains({_literal(arns)}, DBClusterArn) && SynchronizationStatus != 'pending-resync'])"
        f" == {_literal(len(arns))}"
    )


def member_removed_expression(db_cluster_arn):
    return f"length({_MEMBERS}[?DBClusterArn == {_literal(db_cluster_arn)}]) == `0`"


class GlobalClusterWaiterFactory(BaseWaiterFactory):
    """Waiters on one global cluster; those about members are built for the ARNs given."""

    def __init__(self, db_cluster_arns=()):
        self._arns = list(db_cluster_arns)
        super().__init__()

    @property
    def _waiter_model_data(self):
        not_found_retry = dict(state="retry", matcher="error", expected=GLOBAL_CLUSTER_NOT_FOUND)
        cancelled = dict(
            state="failure", matcher="pathAny", argument="GlobalClusters[].FailoverState.Status", expected="cancelling"
        )
        waiters = dict(
            global_cluster_available=dict(
                operation="DescribeGlobalClusters",
                delay=WAIT_DELAY,
                maxAttempts=120,
                acceptors=[
                    dict(state="success", matcher="pathAll", argument="GlobalClusters[].Status", expected="available"),
                    not_found_retry,
                ],
            ),
            global_cluster_deleted=dict(
                operation="DescribeGlobalClusters",
                delay=WAIT_DELAY,
                maxAttempts=120,
                acceptors=[
                    dict(
                        state="success", matcher="path", argument="length(GlobalClusters || `[]`) == `0`", expected=True
                    ),
                    dict(state="success", matcher="error", expected=GLOBAL_CLUSTER_NOT_FOUND),
                ],
            ),
            db_cluster_available=dict(
                operation="DescribeDBClusters",
                delay=WAIT_DELAY,
                maxAttempts=120,
                acceptors=[
                    dict(state="success", matcher="pathAll", argument="DBClusters[].Status", expected="available")
                ]
                + [
                    dict(state="failure", matcher="pathAny", argument="DBClusters[].Status", expected=status)
                    for status in DB_CLUSTER_FAULT_STATUSES
                ]
                + [dict(state="retry", matcher="error", expected=code) for code in DB_CLUSTER_NOT_FOUND],
            ),
        )
        if self._arns:
            waiters.update(
                writer_is=dict(
                    operation="DescribeGlobalClusters",
                    delay=WAIT_DELAY,
                    maxAttempts=120,
                    acceptors=[
                        dict(
                            state="success", matcher="path", argument=writer_is_expression(self._arns[0]), expected=True
                        ),
                        cancelled,
                        not_found_retry,
                    ],
                ),
                members_joined=dict(
                    operation="DescribeGlobalClusters",
                    delay=WAIT_DELAY,
                    maxAttempts=120,
                    acceptors=[
                        dict(
                            state="success",
                            matcher="path",
                            argument=members_joined_expression(self._arns),
                            expected=True,
                        ),
                        not_found_retry,
                    ],
                ),
                member_removed=dict(
                    operation="DescribeGlobalClusters",
                    delay=WAIT_DELAY,
                    maxAttempts=120,
                    acceptors=[
                        dict(
                            state="success",
                            matcher="path",
                            argument=member_removed_expression(self._arns[0]),
                            expected=True,
                        ),
                        dict(state="success", matcher="error", expected=GLOBAL_CLUSTER_NOT_FOUND),
                    ],
                ),
            )
        return waiters


# --- API calls -------------------------------------------------------------------------------------


@GlobalClusterErrorHandler.list_error_handler("describe global clusters", [])
def describe_global_clusters(client, **params):
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    clusters = []
    while True:
        page = client.describe_global_clusters(aws_retry=True, **params)
        clusters.extend(page.get("GlobalClusters", []))
        if not page.get("Marker"):
            return clusters
        params = dict(params, Marker=page["Marker"])


def get_global_cluster(client, global_cluster_identifier):
    """The raw global cluster, or None when there is none by that identifier."""
    # AWS stores the identifier in lower case and matches it case-insensitively; some endpoints (moto)
    # ignore the identifier and list every global cluster, so match it here as well.
    wanted = global_cluster_identifier.lower()
    for cluster in describe_global_clusters(client, GlobalClusterIdentifier=global_cluster_identifier):
        if cluster.get("GlobalClusterIdentifier", "").lower() == wanted:
            return cluster
    return None


@GlobalClusterErrorHandler.list_error_handler("describe DB cluster", None)
def describe_db_cluster(client, db_cluster_identifier):
    """The raw regional DB cluster (client in the cluster's region), or None when it does not exist."""
    clusters = client.describe_db_clusters(DBClusterIdentifier=db_cluster_identifier, aws_retry=True)["DBClusters"]
    return clusters[0] if clusters else None


@GlobalClusterErrorHandler.common_error_handler("create global cluster")
def create_global_cluster(client, **params):
    return client.create_global_cluster(aws_retry=True, **params)["GlobalCluster"]


@GlobalClusterErrorHandler.common_error_handler("modify global cluster")
def modify_global_cluster(client, **params):
    return client.modify_global_cluster(aws_retry=True, **params)["GlobalCluster"]


@GlobalClusterErrorHandler.common_error_handler("switch over global cluster")
def switchover_global_cluster(client, global_cluster_identifier, target_db_cluster_arn):
    return client.switchover_global_cluster(
        GlobalClusterIdentifier=global_cluster_identifier,
        TargetDbClusterIdentifier=target_db_cluster_arn,
        aws_retry=True,
    )["GlobalCluster"]


@GlobalClusterErrorHandler.common_error_handler("fail over global cluster")
def failover_global_cluster(client, global_cluster_identifier, target_db_cluster_arn):
    return client.failover_global_cluster(
        GlobalClusterIdentifier=global_cluster_identifier,
        TargetDbClusterIdentifier=target_db_cluster_arn,
        AllowDataLoss=True,
        aws_retry=True,
    )["GlobalCluster"]


@GlobalClusterErrorHandler.deletion_error_handler("remove DB cluster from global cluster")
def remove_from_global_cluster(client, global_cluster_identifier, db_cluster_arn):
    """Detach a member; False when the global cluster or the member was already gone."""
    client.remove_from_global_cluster(
        GlobalClusterIdentifier=global_cluster_identifier, DbClusterIdentifier=db_cluster_arn, aws_retry=True
    )
    return True


@GlobalClusterErrorHandler.deletion_error_handler("delete global cluster")
def delete_global_cluster(client, global_cluster_identifier):
    """Delete an empty global cluster; False when it was already gone."""
    client.delete_global_cluster(GlobalClusterIdentifier=global_cluster_identifier, aws_retry=True)
    return True


@GlobalClusterErrorHandler.common_error_handler("tag global cluster")
def update_rds_tags(client, resource_arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags(); returns whether anything was sent."""
    if tag_keys_to_unset:
        client.remove_tags_from_resource(ResourceName=resource_arn, TagKeys=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.add_tags_to_resource(
            ResourceName=resource_arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True
        )
    return bool(tags_to_set or tag_keys_to_unset)


# --- waiting ---------------------------------------------------------------------------------------


@GlobalClusterErrorHandler.common_error_handler("wait for global cluster")
def wait_for(client, waiter_name, timeout, db_cluster_arns=(), **params):
    """Run one of GlobalClusterWaiterFactory's waiters for at most timeout seconds.

    Raises AnsibleRDSError saying whether the wait timed out or met a terminal state; the caller
    adds what it knows (the global cluster as it is now)."""
    waiter = GlobalClusterWaiterFactory(db_cluster_arns).get_waiter(client, waiter_name)
    what = waiter_name.replace("_", " ")
    try:
        waiter.wait(WaiterConfig=custom_waiter_config(timeout, default_pause=WAIT_DELAY), **params)
    except WaiterError as e:
        reason = e.kwargs.get("reason", "")
        if "Max attempts exceeded" in reason:
            raise AnsibleRDSError(message=f"Timeout after {timeout} seconds waiting for {what}") from e
        raise AnsibleRDSError(message=f"Stopped waiting for {what}: {reason}") from e


# --- result shaping --------------------------------------------------------------------------------


def region_from_arn(arn):
    """The region of an ARN (arn:partition:service:region:account:...), None when it has none."""
    parts = (arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        return None
    return parts[3]


def member_role(member):
    """'writer' for the primary member of a global cluster, 'reader' for a secondary."""
    return "writer" if member.get("IsWriter", member.get("is_writer")) else "reader"


def normalize_member(member):
    result = camel_dict_to_snake_dict(member)
    result.setdefault("readers", [])
    result["is_writer"] = bool(member.get("IsWriter"))
    result["role"] = member_role(member)
    result["region"] = region_from_arn(member.get("DBClusterArn"))
    return result


def sort_members(members):
    """Writer first, then by ARN, so that before and after compare stably."""
    return sorted(members, key=lambda member: (not member["is_writer"], member["db_cluster_arn"]))


def writer_of(global_cluster):
    """The writer member of a normalized global cluster, or None."""
    return next((member for member in global_cluster.get("members", []) if member["is_writer"]), None)


def failover_in_progress(global_cluster):
    """The normalized failover_state while a switchover or failover runs, else None."""
    state = global_cluster.get("failover_state") or {}
    return state if state.get("status") in FAILOVER_IN_PROGRESS else None


def with_members(global_cluster, members):
    """A copy of a normalized global cluster with other members, writer_region worked out again."""
    result = dict(global_cluster, members=sort_members(members))
    writer = writer_of(result)
    result["writer_region"] = writer["region"] if writer else None
    return result


def normalize_global_cluster(global_cluster):
    """A DescribeGlobalClusters entry in snake_case, with members, roles, regions and tags."""
    if not global_cluster:
        return {}
    result = camel_dict_to_snake_dict(global_cluster, ignore_list=["TagList"])
    result.pop("global_cluster_members", None)
    result.pop("tag_list", None)
    result["tags"] = boto3_tag_list_to_ansible_dict(global_cluster.get("TagList"))
    if not result.get("failover_state"):
        result.pop("failover_state", None)
    return with_members(result, [normalize_member(member) for member in global_cluster.get("GlobalClusterMembers", [])])
