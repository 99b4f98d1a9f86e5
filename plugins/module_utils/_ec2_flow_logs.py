# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""EC2 flow log API calls: each wrapped once, failing with ``AnsibleEC2Error``.

Every function expects a client made with
``module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())``: calls pass ``aws_retry=True``.
Private to stories1001.infra.
"""

import datetime

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.waiter import BaseWaiterFactory

FLOW_LOG_NOT_FOUND = "InvalidFlowLogId.NotFound"


class EC2FlowLogErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEC2Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(FLOW_LOG_NOT_FOUND)


class EC2FlowLogWaiterFactory(BaseWaiterFactory):
    @property
    def _waiter_model_data(self):
        return dict(
            flow_log_exists=dict(
                operation="DescribeFlowLogs",
                delay=2,
                maxAttempts=30,
                acceptors=[
                    dict(state="success", matcher="path", expected=True, argument="length(FlowLogs[]) > `0`"),
                    dict(state="retry", matcher="error", expected=FLOW_LOG_NOT_FOUND),
                ],
            ),
        )


def _raise_unsuccessful(action, unsuccessful, ignore_codes=()):
    # CreateFlowLogs and DeleteFlowLogs answer HTTP 200 even when they did nothing: the
    # per-resource errors come back in the "Unsuccessful" list instead of as an exception.
    failures = [item for item in unsuccessful or [] if item.get("Error", {}).get("Code") not in ignore_codes]
    if failures:
        reasons = "; ".join(
            f"{item.get('ResourceId')}: {item.get('Error', {}).get('Code')}: {item.get('Error', {}).get('Message')}"
            for item in failures
        )
        raise AnsibleEC2Error(message=f"Failed to {action}: {reasons}")


@EC2FlowLogErrorHandler.list_error_handler("describe flow logs", [])
def describe_flow_logs(client, **params):
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    flow_logs = []
    while True:
        page = client.describe_flow_logs(aws_retry=True, **params)
        flow_logs.extend(page.get("FlowLogs", []))
        if not page.get("NextToken"):
            return flow_logs
        params = dict(params, NextToken=page["NextToken"])


@EC2FlowLogErrorHandler.common_error_handler("create flow log")
def create_flow_log(client, **params):
    """Create one flow log (params as for CreateFlowLogs, one resource id) and return its id."""
    result = client.create_flow_logs(aws_retry=True, **params)
    _raise_unsuccessful("create flow log", result.get("Unsuccessful"))
    flow_log_ids = result.get("FlowLogIds") or []
    if len(flow_log_ids) != 1:
        raise AnsibleEC2Error(message=f"Failed to create flow log: expected one flow log id, got {flow_log_ids}")
    return flow_log_ids[0]


@EC2FlowLogErrorHandler.deletion_error_handler("delete flow log")
def delete_flow_log(client, flow_log_id):
    """Delete a flow log; False when it was already gone."""
    result = client.delete_flow_logs(FlowLogIds=[flow_log_id], aws_retry=True)
    unsuccessful = result.get("Unsuccessful") or []
    _raise_unsuccessful("delete flow log", unsuccessful, ignore_codes=(FLOW_LOG_NOT_FOUND,))
    return not unsuccessful


@EC2FlowLogErrorHandler.common_error_handler("wait for flow log to exist")
def wait_flow_log_exists(client, flow_log_id, delay=None, max_attempts=None):
    waiter = EC2FlowLogWaiterFactory().get_waiter(client, "flow_log_exists")
    config = {}
    if delay is not None:
        config["Delay"] = delay
    if max_attempts is not None:
        config["MaxAttempts"] = max_attempts
    waiter.wait(FlowLogIds=[flow_log_id], WaiterConfig=config)


def get_flow_log(client, flow_log_id, wait_delay=None):
    """Return one flow log (raw), waiting a little if EC2's eventual consistency hides a new one."""
    found = describe_flow_logs(client, FlowLogIds=[flow_log_id])
    if not found:
        wait_flow_log_exists(client, flow_log_id, delay=wait_delay)
        found = describe_flow_logs(client, FlowLogIds=[flow_log_id])
    return found[0] if found else None


def normalize_flow_log(flow_log):
    """A DescribeFlowLogs entry in snake_case, tags as a dict, times as ISO 8601 strings."""
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict(flow_log, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags"))
    if isinstance(result.get("creation_time"), datetime.datetime):
        result["creation_time"] = result["creation_time"].isoformat()
    return result
