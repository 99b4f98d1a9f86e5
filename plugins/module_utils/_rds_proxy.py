# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RDS Proxy API calls: each wrapped once, failing with amazon.aws's ``AnsibleRDSError``.

Every function expects a client made with
``module.client("rds", retry_decorator=AWSRetry.jittered_backoff())``: calls pass ``aws_retry=True``.
Private to stories1001.infra.
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory
from ansible_collections.amazon.aws.plugins.module_utils.waiter import custom_waiter_config

DB_PROXY_NOT_FOUND = "DBProxyNotFoundFault"
TARGET_GROUP_NOT_FOUND = "DBProxyTargetGroupNotFoundFault"
TARGET_NOT_FOUND = "DBProxyTargetNotFoundFault"
DEFAULT_TARGET_GROUP = "default"
# Seconds between two looks while waiting: a proxy takes minutes to create.
WAIT_DELAY = 15


class RDSProxyErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleRDSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code([DB_PROXY_NOT_FOUND, TARGET_GROUP_NOT_FOUND, TARGET_NOT_FOUND])


class RDSProxyWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self):
        return dict(
            db_proxy_available=dict(
                operation="DescribeDBProxies",
                delay=WAIT_DELAY,
                maxAttempts=60,
                acceptors=[
                    dict(state="success", matcher="pathAll", expected="available", argument="DBProxies[].Status"),
                    # States a proxy stays in until someone fixes the network or the quotas.
                    dict(
                        state="failure",
                        matcher="pathAny",
                        expected="incompatible-network",
                        argument="DBProxies[].Status",
                    ),
                    dict(
                        state="failure",
                        matcher="pathAny",
                        expected="insufficient-resource-limits",
                        argument="DBProxies[].Status",
                    ),
                    # Eventual consistency: a proxy just created may not be listed yet.
                    dict(state="retry", matcher="error", expected=DB_PROXY_NOT_FOUND),
                ],
            ),
            db_proxy_deleted=dict(
                operation="DescribeDBProxies",
                delay=WAIT_DELAY,
                maxAttempts=60,
                acceptors=[
                    dict(state="success", matcher="error", expected=DB_PROXY_NOT_FOUND),
                    dict(state="success", matcher="path", expected=True, argument="length(DBProxies[]) == `0`"),
                    dict(state="retry", matcher="pathAny", expected="deleting", argument="DBProxies[].Status"),
                ],
            ),
            db_proxy_targets_registered=dict(
                operation="DescribeDBProxyTargets",
                delay=WAIT_DELAY,
                maxAttempts=60,
                acceptors=[
                    dict(
                        state="success",
                        matcher="path",
                        expected=True,
                        argument="length(Targets[?TargetHealth.State == 'REGISTERING']) == `0`",
                    ),
                ],
            ),
        )


@RDSProxyErrorHandler.list_error_handler("describe DB proxy", None)
def describe_db_proxy(client, name):
    """The DescribeDBProxies entry of one proxy, None when there is none."""
    found = client.describe_db_proxies(DBProxyName=name, aws_retry=True).get("DBProxies") or []
    return found[0] if found else None


@RDSProxyErrorHandler.list_error_handler("describe DB proxy target group", None)
def describe_target_group(client, name, target_group_name=DEFAULT_TARGET_GROUP):
    found = (
        client.describe_db_proxy_target_groups(DBProxyName=name, TargetGroupName=target_group_name, aws_retry=True).get(
            "TargetGroups"
        )
        or []
    )
    return found[0] if found else None


@RDSProxyErrorHandler.list_error_handler("describe DB proxy targets", [])
def describe_targets(client, name, target_group_name=DEFAULT_TARGET_GROUP):
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    params = dict(DBProxyName=name, TargetGroupName=target_group_name)
    targets = []
    while True:
        page = client.describe_db_proxy_targets(aws_retry=True, **params)
        targets.extend(page.get("Targets") or [])
        if not page.get("Marker"):
            return targets
        params["Marker"] = page["Marker"]


@RDSProxyErrorHandler.list_error_handler("list DB proxy tags", {})
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_resource(ResourceName=arn, aws_retry=True).get("TagList")
    )


@RDSProxyErrorHandler.common_error_handler("create DB proxy")
def create_db_proxy(client, **params):
    """Create a proxy (params as for CreateDBProxy) and return the DBProxy AWS answers with."""
    return client.create_db_proxy(aws_retry=True, **params)["DBProxy"]


@RDSProxyErrorHandler.common_error_handler("modify DB proxy")
def modify_db_proxy(client, name, **params):
    client.modify_db_proxy(DBProxyName=name, aws_retry=True, **params)


@RDSProxyErrorHandler.common_error_handler("modify DB proxy target group")
def modify_target_group(client, name, connection_pool_config, target_group_name=DEFAULT_TARGET_GROUP):
    client.modify_db_proxy_target_group(
        DBProxyName=name,
        TargetGroupName=target_group_name,
        ConnectionPoolConfig=connection_pool_config,
        aws_retry=True,
    )


@RDSProxyErrorHandler.common_error_handler("register DB proxy target")
def register_cluster(client, name, db_cluster_identifier, target_group_name=DEFAULT_TARGET_GROUP):
    client.register_db_proxy_targets(
        DBProxyName=name,
        TargetGroupName=target_group_name,
        DBClusterIdentifiers=[db_cluster_identifier],
        aws_retry=True,
    )


@RDSProxyErrorHandler.deletion_error_handler("deregister DB proxy target")
def deregister_cluster(client, name, db_cluster_identifier, target_group_name=DEFAULT_TARGET_GROUP):
    """Deregister a cluster from the target group; False when it was not registered."""
    client.deregister_db_proxy_targets(
        DBProxyName=name,
        TargetGroupName=target_group_name,
        DBClusterIdentifiers=[db_cluster_identifier],
        aws_retry=True,
    )
    return True


@RDSProxyErrorHandler.deletion_error_handler("delete DB proxy")
def delete_db_proxy(client, name):
    """Delete a proxy; False when it was already gone."""
    client.delete_db_proxy(DBProxyName=name, aws_retry=True)
    return True


@RDSProxyErrorHandler.common_error_handler("tag DB proxy")
def tag_resource(client, arn, tags):
    if not tags:
        return False
    client.add_tags_to_resource(ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags), aws_retry=True)
    return True


@RDSProxyErrorHandler.common_error_handler("untag DB proxy")
def untag_resource(client, arn, tag_keys):
    if not tag_keys:
        return False
    client.remove_tags_from_resource(ResourceName=arn, TagKeys=list(tag_keys), aws_retry=True)
    return True


def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags(); returns whether anything was sent."""
    changed = untag_resource(client, arn, tag_keys_to_unset)
    changed |= tag_resource(client, arn, tags_to_set)
    return changed


def _wait(client, waiter_name, timeout, delay, **params):
    waiter = RDSProxyWaiterFactory().get_waiter(client, waiter_name)
    waiter.wait(WaiterConfig=custom_waiter_config(timeout=timeout, default_pause=delay), **params)


@RDSProxyErrorHandler.common_error_handler("wait for DB proxy to be available")
def wait_available(client, name, timeout, delay=WAIT_DELAY):
    _wait(client, "db_proxy_available", timeout, delay, DBProxyName=name)


@RDSProxyErrorHandler.common_error_handler("wait for DB proxy to be deleted")
def wait_deleted(client, name, timeout, delay=WAIT_DELAY):
    _wait(client, "db_proxy_deleted", timeout, delay, DBProxyName=name)


@RDSProxyErrorHandler.common_error_handler("wait for DB proxy targets to be registered")
def wait_targets_registered(client, name, timeout, delay=WAIT_DELAY, target_group_name=DEFAULT_TARGET_GROUP):
    _wait(client, "db_proxy_targets_registered", timeout, delay, DBProxyName=name, TargetGroupName=target_group_name)


def get_db_proxy(client, name):
    """The proxy with its tags, default target group and targets, normalized; {} when there is none."""
    proxy = describe_db_proxy(client, name)
    if not proxy:
        return {}
    return normalize_db_proxy(
        proxy,
        tags=list_tags(client, proxy["DBProxyArn"]),
        target_group=describe_target_group(client, name),
        targets=describe_targets(client, name),
    )


def normalize_db_proxy(proxy, tags=None, target_group=None, targets=None):
    """A DBProxy in snake_case with its tags as a dict, its default target group and its targets."""
    if not proxy:
        return {}
    result = camel_dict_to_snake_dict(normalize_boto3_result(proxy))
    result["tags"] = dict(tags or {})
    result["target_group"] = camel_dict_to_snake_dict(normalize_boto3_result(target_group or {}))
    result["targets"] = [camel_dict_to_snake_dict(target) for target in normalize_boto3_result(targets or [])]
    return result
