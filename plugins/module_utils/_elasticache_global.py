# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ElastiCache global datastore (global replication group) API calls, waiters and result shaping.

Built on the shared ElastiCache helpers (``_elasticache``): each call is wrapped once and fails with
``AnsibleElastiCacheError``; the client is made with
``module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``
and every call passes ``aws_retry=True``; the waiters (built on ``BaseWaiterFactory``) retry on throttling.
Private to stories1001.infra: the interface may change without notice.
"""

import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import GLOBAL_REPLICATION_GROUP_NOT_FOUND
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import AnsibleElastiCacheError
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import ElastiCacheErrorHandler
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import waiter_config

try:
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # handled by AnsibleAWSModule

# A global datastore with only its primary reports "primary-only", not "available" (it turns "available"
# once a secondary has joined): both are the settled states.
READY_STATUSES = ("available", "primary-only")
# Member (membership) status once a regional group replicates in the global datastore.
MEMBER_ASSOCIATED = "associated"
WAIT_ATTEMPTS = 240

# --- JMESPath for the waiters ------------------------------------------------------------------------
# Projections with `[]` defaults, so that an empty or partial answer gives a value instead of a JMESPath
# type error inside botocore's waiter. AWS documents Role as "primary or secondary" and sends PRIMARY and
# SECONDARY: both spellings are accepted.

_MEMBERS = "(GlobalReplicationGroups[].Members[] || `[]`)"
_IS_PRIMARY = "(Role == 'PRIMARY' || Role == 'primary')"


def _literal(value):
    return f"`{json.dumps(value)}`"


def _is_member(member):
    return f"(ReplicationGroupId == {_literal(member['replication_group_id'])} && ReplicationGroupRegion == {_literal(member['region'])})"


def primary_is_expression(member):
    """True once member is the primary and the global datastore is available again."""
    return (
        f"length({_MEMBERS}[?{_is_member(member)} && {_IS_PRIMARY}]) == `1`"
        f" && GlobalReplicationGroups[].Status == {_literal(['available'])}"
    )


def members_joined_expression(members):
    """True once every member given is associated and the global datastore is available."""
    wanted = " || ".join(_is_member(member) for member in members)
    count = len({(member["replication_group_id"], member["region"]) for member in members})
    return (
        f"length({_MEMBERS}[?({wanted}) && Status == {_literal(MEMBER_ASSOCIATED)}]) == {_literal(count)}"
        f" && GlobalReplicationGroups[].Status == {_literal(['available'])}"
    )


def member_removed_expression(member):
    return f"length({_MEMBERS}[?{_is_member(member)}]) == `0`"


class GlobalDatastoreWaiterFactory(BaseWaiterFactory):
    """Waiters on one global datastore; those about a member are built for the members given
    (dicts with replication_group_id and region)."""

    def __init__(self, members=()):
        self._members = list(members)
        super().__init__()

    @property
    def _waiter_model_data(self):
        status = "GlobalReplicationGroups[].Status"
        not_found_retry = dict(state="retry", matcher="error", expected=GLOBAL_REPLICATION_GROUP_NOT_FOUND)
        deleting = dict(state="failure", matcher="pathAny", argument=status, expected="deleting")

        def waiter(*acceptors):
            return dict(
                operation="DescribeGlobalReplicationGroups",
                delay=15,
                maxAttempts=WAIT_ATTEMPTS,
                acceptors=list(acceptors) + [dict(state="retry", matcher="error", expected=code) for code in RETRY_CODES],
            )

        waiters = dict(
            global_datastore_ready=waiter(
                *[dict(state="success", matcher="pathAll", argument=status, expected=ready) for ready in READY_STATUSES],
                deleting,
                # Eventual consistency: a global datastore just created may not be listed yet.
                not_found_retry,
            ),
        )
        if self._members:
            first = self._members[0]
            waiters.update(
                primary_is=waiter(
                    dict(state="success", matcher="path", argument=primary_is_expression(first), expected=True),
                    deleting,
                    not_found_retry,
                ),
                members_joined=waiter(
                    dict(state="success", matcher="path", argument=members_joined_expression(self._members), expected=True),
                    deleting,
                    not_found_retry,
                ),
                member_removed=waiter(
                    dict(state="success", matcher="path", argument=member_removed_expression(first), expected=True),
                    dict(state="success", matcher="error", expected=GLOBAL_REPLICATION_GROUP_NOT_FOUND),
                ),
            )
        return waiters


def wait_for_global(client, waiter_name, timeout, global_replication_group_id, members=()):
    """Run one of GlobalDatastoreWaiterFactory's waiters for at most timeout seconds.

    Raises AnsibleElastiCacheError saying whether the wait timed out or met a terminal state."""
    waiter = GlobalDatastoreWaiterFactory(members).get_waiter(client, waiter_name)
    what = waiter_name.replace("_", " ")
    try:
        waiter.wait(
            WaiterConfig=waiter_config(timeout),
            GlobalReplicationGroupId=global_replication_group_id,
            ShowMemberInfo=True,
        )
    except WaiterError as e:
        reason = e.kwargs.get("reason", "")
        if "Max attempts exceeded" in reason:
            raise AnsibleElastiCacheError(message=f"Timeout after {timeout} seconds waiting for {what}") from e
        raise AnsibleElastiCacheError(message=f"Stopped waiting for {what}: {reason}") from e


# --- API calls -------------------------------------------------------------------------------------


@ElastiCacheErrorHandler.list_error_handler("describe global replication groups", [])
def describe_global_replication_groups(client, **params):
    """Every DescribeGlobalReplicationGroups entry (with members), all pages; [] when there is none."""
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    params.setdefault("ShowMemberInfo", True)
    groups = []
    while True:
        page = client.describe_global_replication_groups(aws_retry=True, **params)
        groups.extend(page.get("GlobalReplicationGroups") or [])
        if not page.get("Marker"):
            return groups
        params = dict(params, Marker=page["Marker"])


def id_suffix(global_replication_group_id):
    """The part of a global datastore id after the prefix AWS gives it (ldgnf-cache -> cache)."""
    return (global_replication_group_id or "").partition("-")[2]


def find_global_replication_group(client, global_replication_group_id=None, suffix=None):
    """The raw global datastore by full id or by suffix, or None.

    By suffix, every global datastore of the account is listed: the prefix depends on the region the
    datastore was created in, so two of them may share a suffix; that is refused as ambiguous."""
    if global_replication_group_id:
        groups = describe_global_replication_groups(client, GlobalReplicationGroupId=global_replication_group_id)
        return next((group for group in groups if group.get("GlobalReplicationGroupId") == global_replication_group_id), None)
    wanted = suffix.lower()
    matches = [group for group in describe_global_replication_groups(client) if id_suffix(group.get("GlobalReplicationGroupId")).lower() == wanted]
    if len(matches) > 1:
        ids = ", ".join(sorted(group["GlobalReplicationGroupId"] for group in matches))
        raise AnsibleElastiCacheError(
            message=f"More than one global datastore has the suffix {suffix}: {ids}; name one with global_replication_group_id"
        )
    return matches[0] if matches else None


@ElastiCacheErrorHandler.common_error_handler("create global replication group")
def create_global_replication_group(client, **params):
    return client.create_global_replication_group(aws_retry=True, **params)["GlobalReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify global replication group")
def modify_global_replication_group(client, global_replication_group_id, **changes):
    # AWS takes no other value: global datastore changes cannot wait for a maintenance window.
    return client.modify_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id, ApplyImmediately=True, aws_retry=True, **changes
    )["GlobalReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("increase the node groups of global replication group")
def increase_node_groups(client, global_replication_group_id, node_group_count):
    return client.increase_node_groups_in_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id, NodeGroupCount=node_group_count, ApplyImmediately=True, aws_retry=True
    )["GlobalReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("decrease the node groups of global replication group")
def decrease_node_groups(client, global_replication_group_id, node_group_count, node_groups_to_retain):
    return client.decrease_node_groups_in_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id,
        NodeGroupCount=node_group_count,
        GlobalNodeGroupsToRetain=list(node_groups_to_retain),
        ApplyImmediately=True,
        aws_retry=True,
    )["GlobalReplicationGroup"]


@ElastiCacheErrorHandler.common_error_handler("fail over global replication group")
def failover_global_replication_group(client, global_replication_group_id, primary_region, primary_replication_group_id):
    return client.failover_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id,
        PrimaryRegion=primary_region,
        PrimaryReplicationGroupId=primary_replication_group_id,
        aws_retry=True,
    )["GlobalReplicationGroup"]


@ElastiCacheErrorHandler.deletion_error_handler("disassociate replication group from global replication group")
def disassociate_global_replication_group(client, global_replication_group_id, replication_group_id, replication_group_region):
    """Remove a secondary; False when the global datastore was already gone."""
    client.disassociate_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id,
        ReplicationGroupId=replication_group_id,
        ReplicationGroupRegion=replication_group_region,
        aws_retry=True,
    )
    return True


@ElastiCacheErrorHandler.deletion_error_handler("delete global replication group")
def delete_global_replication_group(client, global_replication_group_id, retain_primary_replication_group=True):
    """Delete a global datastore that has only its primary left; False when it was already gone."""
    client.delete_global_replication_group(
        GlobalReplicationGroupId=global_replication_group_id,
        RetainPrimaryReplicationGroup=retain_primary_replication_group,
        aws_retry=True,
    )
    return True


# --- result shaping --------------------------------------------------------------------------------


def normalize_member(member):
    return dict(
        replication_group_id=member.get("ReplicationGroupId"),
        region=member.get("ReplicationGroupRegion"),
        role=(member.get("Role") or "").lower() or None,
        status=member.get("Status"),
        automatic_failover=member.get("AutomaticFailover"),
    )


def sort_members(members):
    """The primary first, then by region and id, so that before and after compare stably."""
    return sorted(members, key=lambda member: (member["role"] != "primary", member["region"] or "", member["replication_group_id"] or ""))


def primary_of(global_datastore):
    """The primary member of a normalized global datastore, or None."""
    return next((member for member in global_datastore.get("members") or [] if member["role"] == "primary"), None)


def find_member(global_datastore, replication_group_id, region):
    return next(
        (
            member
            for member in (global_datastore or {}).get("members") or []
            if member["replication_group_id"] == replication_group_id and member["region"] == region
        ),
        None,
    )


def with_members(global_datastore, members):
    """A copy of a normalized global datastore with other members, primary_region and primary id worked out again."""
    result = dict(global_datastore, members=sort_members(members))
    primary = primary_of(result)
    result["primary_region"] = primary["region"] if primary else None
    result["primary_replication_group_id"] = primary["replication_group_id"] if primary else None
    return result


def normalize_global_datastore(group, tags=None):
    """A DescribeGlobalReplicationGroups entry in snake_case, with members (role primary/secondary), the
    primary's region and id, num_node_groups and, when given, the tags."""
    if not group:
        return {}
    group = normalize_boto3_result(group)
    result = camel_dict_to_snake_dict({key: value for key, value in group.items() if key != "Members"})
    result["global_replication_group_id"] = group.get("GlobalReplicationGroupId")
    result["global_node_groups"] = sorted(result.get("global_node_groups") or [], key=lambda node_group: node_group.get("global_node_group_id") or "")
    result["num_node_groups"] = len(result["global_node_groups"]) or None
    if tags is not None:
        result["tags"] = tags
    return with_members(result, [normalize_member(member) for member in group.get("Members") or []])
