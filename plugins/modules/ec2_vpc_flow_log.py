#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
version_added: 0.1.0
short_description: Manage VPC flow logs
description:
  - Create, tag and delete flow logs of a VPC, a subnet or a network interface, delivered to
    CloudWatch Logs or to S3.
  - A flow log is identified by O(resource_id), O(traffic_type), O(log_destination_type) and its
    destination (O(log_group_name) or O(log_destination)). Changing any of these manages a
    different flow log; remove the old one with O(state=absent).
  - AWS cannot modify a flow log except for its tags. When O(max_aggregation_interval),
    O(log_format) or O(deliver_logs_permission_arn) differ from the existing flow log, the module
    B(replaces) it, deleting it and then creating a new one with a new id. Records of the traffic
    in between are not delivered.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the flow log should exist.
    type: str
    choices: ["present", "absent"]
    default: present
  resource_id:
    description:
      - The id of the VPC, subnet or network interface whose traffic is logged.
    type: str
    required: true
  resource_type:
    description:
      - The kind of resource O(resource_id) names.
      - Used only when the flow log is created.
    type: str
    choices: ["VPC", "Subnet", "NetworkInterface"]
    default: VPC
  traffic_type:
    description:
      - The traffic to log, accepted, rejected or all of it.
    type: str
    choices: ["ACCEPT", "REJECT", "ALL"]
    default: ALL
  log_destination_type:
    description:
      - Where the flow log records go.
    type: str
    choices: ["cloud-watch-logs", "s3"]
    default: cloud-watch-logs
  log_group_name:
    description:
      - The CloudWatch Logs log group that receives the records.
      - Required when O(log_destination_type=cloud-watch-logs), not allowed with V(s3).
    type: str
  deliver_logs_permission_arn:
    description:
      - The ARN of the IAM role that lets the flow logs service publish to the log group.
      - Required to create a flow log with O(log_destination_type=cloud-watch-logs), not allowed
        with V(s3). Not needed with O(state=absent).
      - Changing it replaces the flow log.
    type: str
  log_destination:
    description:
      - The ARN of the S3 bucket, optionally with a folder, that receives the records, for example
        V(arn:aws:s3:::my-bucket/flow-logs/).
      - Required when O(log_destination_type=s3), not allowed with V(cloud-watch-logs).
    type: str
  log_format:
    description:
      - The fields of a flow log record, in the AWS syntax (V(${version} ${srcaddr} ...)).
      - When not set, AWS uses its default format and an existing flow log's format is left alone.
      - Changing it replaces the flow log.
    type: str
  max_aggregation_interval:
    description:
      - The longest time, in seconds, over which packets are aggregated into one record.
      - Changing it replaces the flow log.
    type: int
    choices: [60, 600]
    default: 600
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the resource that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the flow log before and after the change in RV(diff).
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
  - The module has no O(ignore:wait) option, since AWS creates and deletes flow logs synchronously.
  - AWS itself creates the log group on the first delivery if it does not exist and the role allows it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log all traffic of a VPC to CloudWatch Logs
  stories1001.infra.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    log_group_name: /stories1001/production/vpc-flow-logs
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/vpc-flow-logs
    tags:
      Project: stories1001
      Environment: production
  register: flow_log

- name: Log rejected traffic of one subnet to S3, one record a minute
  stories1001.infra.ec2_vpc_flow_log:
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::example-flow-logs-bucket/subnets/
    max_aggregation_interval: 60

- name: Remove the VPC flow log
  stories1001.infra.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    log_group_name: /stories1001/production/vpc-flow-logs
    state: absent
"""

RETURN = r"""
flow_log:
  description:
    - The flow log as it is (or, in check mode, would be) after the task.
    - Empty when O(state=absent).
    - In check mode a flow log that would be created or replaced has no RV(flow_log.flow_log_id) and
      carries only the requested settings.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: The id of the flow log.
      returned: when the flow log exists
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The id of the logged VPC, subnet or network interface.
      returned: always
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The type of traffic logged.
      returned: always
      type: str
      sample: ALL
    log_destination_type:
      description: Where the records go.
      returned: always
      type: str
      sample: cloud-watch-logs
    log_group_name:
      description: The CloudWatch Logs log group.
      returned: when O(log_destination_type=cloud-watch-logs)
      type: str
      sample: /stories1001/production/vpc-flow-logs
    log_destination:
      description: The ARN of the destination (the log group's ARN for CloudWatch Logs).
      returned: when AWS reports it
      type: str
      sample: arn:aws:s3:::example-flow-logs-bucket/subnets/
    deliver_logs_permission_arn:
      description: The ARN of the IAM role that publishes to CloudWatch Logs.
      returned: when O(log_destination_type=cloud-watch-logs)
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs
    log_format:
      description: The fields of a record.
      returned: when the flow log exists or O(log_format) is set
      type: str
      sample: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${log-status}"
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      returned: always
      type: int
      sample: 600
    flow_log_status:
      description: The status of the flow log.
      returned: when the flow log exists
      type: str
      sample: ACTIVE
    deliver_logs_status:
      description: Whether delivery works (V(SUCCESS) or V(FAILED)).
      returned: when the flow log exists
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why delivery fails.
      returned: when delivery fails
      type: str
      sample: Access error
    creation_time:
      description: When the flow log was created, ISO 8601.
      returned: when the flow log exists
      type: str
      sample: "2026-11-22T02:30:00.123000+00:00"
    tags:
      description: The tags of the flow log.
      returned: always
      type: dict
      sample: {"Project": "stories1001"}
diff:
  description: The flow log before and after the task, each in the form of RV(flow_log); empty when it does not exist.
  returned: always
  type: dict
  contains:
    before:
      description: The flow log before the task.
      returned: always
      type: dict
    after:
      description: The flow log after the task.
      returned: always
      type: dict
"""

import uuid

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list

from ansible_collections.stories1001.infra.plugins.module_utils._ec2_flow_logs import create_flow_log
from ansible_collections.stories1001.infra.plugins.module_utils._ec2_flow_logs import delete_flow_log
from ansible_collections.stories1001.infra.plugins.module_utils._ec2_flow_logs import describe_flow_logs
from ansible_collections.stories1001.infra.plugins.module_utils._ec2_flow_logs import get_flow_log
from ansible_collections.stories1001.infra.plugins.module_utils._ec2_flow_logs import normalize_flow_log
from ansible_collections.stories1001.infra.plugins.module_utils._ec2_tags import update_ec2_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

CLOUDWATCH = "cloud-watch-logs"

# Settings AWS cannot change on an existing flow log; those compared only when the user sets them
# are marked False (AWS fills in a default of its own when they are left out).
REPLACE_ON_CHANGE = {
    "max_aggregation_interval": True,
    "log_format": False,
    "deliver_logs_permission_arn": False,
}


def _s3_arn(arn):
    # "bucket/folder" and "bucket/folder/" deliver to the same place.
    return (arn or "").rstrip("/")


def same_destination(flow_log, params):
    """Whether a normalized flow log is the one the parameters identify."""
    if (
        flow_log.get("resource_id") != params["resource_id"]
        or flow_log.get("traffic_type") != params["traffic_type"]
        or flow_log.get("log_destination_type") != params["log_destination_type"]
    ):
        return False
    if params["log_destination_type"] == CLOUDWATCH:
        return flow_log.get("log_group_name") == params["log_group_name"]
    return _s3_arn(flow_log.get("log_destination")) == _s3_arn(params["log_destination"])


def replacement_reasons(flow_log, params):
    """The options whose value differs from the existing flow log, forcing a replacement."""
    return [
        option
        for option, always in REPLACE_ON_CHANGE.items()
        if (always or params.get(option) is not None) and flow_log.get(option) != params.get(option)
    ]


def desired_flow_log(params, tags):
    """The flow log the parameters describe, in the shape normalize_flow_log() returns."""
    flow_log = {
        "resource_id": params["resource_id"],
        "traffic_type": params["traffic_type"],
        "log_destination_type": params["log_destination_type"],
        "max_aggregation_interval": params["max_aggregation_interval"],
        "tags": tags,
    }
    for option in ("log_group_name", "log_destination", "deliver_logs_permission_arn", "log_format"):
        if params.get(option) is not None:
            flow_log[option] = params[option]
    return flow_log


def find_flow_logs(client, params):
    filters = {
        "resource-id": params["resource_id"],
        "traffic-type": params["traffic_type"],
        "log-destination-type": params["log_destination_type"],
    }
    if params["log_destination_type"] == CLOUDWATCH:
        filters["log-group-name"] = params["log_group_name"]
    # DescribeFlowLogs has no filter on the S3 ARN, and not every endpoint honours every
    # filter: match the identity here as well.
    found = describe_flow_logs(client, Filter=ansible_dict_to_boto3_filter_list(filters))
    return [flow_log for flow_log in map(normalize_flow_log, found) if same_destination(flow_log, params)]


def create(client, params, tags, check_mode):
    if check_mode:
        return desired_flow_log(params, tags)

    request = dict(
        ResourceIds=[params["resource_id"]],
        ResourceType=params["resource_type"],
        TrafficType=params["traffic_type"],
        LogDestinationType=params["log_destination_type"],
        MaxAggregationInterval=params["max_aggregation_interval"],
        ClientToken=str(uuid.uuid4()),
    )
    for option, key in (
        ("log_group_name", "LogGroupName"),
        ("log_destination", "LogDestination"),
        ("deliver_logs_permission_arn", "DeliverLogsPermissionArn"),
        ("log_format", "LogFormat"),
    ):
        if params.get(option) is not None:
            request[key] = params[option]
    if tags:
        request["TagSpecifications"] = boto3_tag_specifications(tags, ["vpc-flow-log"])

    flow_log_id = create_flow_log(client, **request)
    return normalize_flow_log(get_flow_log(client, flow_log_id))


def ensure_present(client, existing, params, check_mode):
    """Returns (changed, flow log as it is or would be)."""
    tags_to_set, tag_keys_to_unset, tags = plan_tags(
        existing.get("tags") if existing else {}, params["tags"], params["purge_tags"]
    )
    if not existing:
        return True, create(client, params, tags, check_mode)

    if replacement_reasons(existing, params):
        if not check_mode:
            delete_flow_log(client, existing["flow_log_id"])
        return True, create(client, params, without_reserved_tags(tags), check_mode)

    if not tags_to_set and not tag_keys_to_unset:
        return False, existing

    if check_mode:
        return True, dict(existing, tags=tags)
    update_ec2_tags(client, existing["flow_log_id"], tags_to_set, tag_keys_to_unset)
    return True, normalize_flow_log(get_flow_log(client, existing["flow_log_id"]))


def ensure_absent(client, existing, check_mode):
    """Deletes every flow log found; returns whether there was anything to delete."""
    if check_mode:
        return bool(existing)
    changed = False
    for flow_log in existing:
        changed |= delete_flow_log(client, flow_log["flow_log_id"])
    return changed


def validate(module):
    params = module.params
    if params["log_destination_type"] == CLOUDWATCH:
        if params["state"] == "present" and not params["deliver_logs_permission_arn"]:
            module.fail_json(
                msg="deliver_logs_permission_arn is required when log_destination_type is cloud-watch-logs"
            )
    elif params["deliver_logs_permission_arn"]:
        module.fail_json(msg="deliver_logs_permission_arn applies only to log_destination_type cloud-watch-logs")


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        resource_id=dict(required=True),
        resource_type=dict(choices=["VPC", "Subnet", "NetworkInterface"], default="VPC"),
        traffic_type=dict(choices=["ACCEPT", "REJECT", "ALL"], default="ALL"),
        log_destination_type=dict(choices=[CLOUDWATCH, "s3"], default=CLOUDWATCH),
        log_group_name=dict(),
        deliver_logs_permission_arn=dict(),
        log_destination=dict(),
        log_format=dict(),
        max_aggregation_interval=dict(type="int", choices=[60, 600], default=600),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[
            ("log_destination_type", CLOUDWATCH, ["log_group_name"]),
            ("log_destination_type", "s3", ["log_destination"]),
        ],
        mutually_exclusive=[("log_group_name", "log_destination")],
        supports_check_mode=True,
    )
    validate(module)
    params = module.params

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    try:
        existing = find_flow_logs(client, params)
        before = existing[0] if existing else {}
        if params["state"] == "absent":
            changed = ensure_absent(client, existing, module.check_mode)
            after = {}
        else:
            if len(existing) > 1:
                module.fail_json(
                    msg=f"Found {len(existing)} flow logs matching the parameters, expected at most one",
                    flow_log_ids=[flow_log["flow_log_id"] for flow_log in existing],
                )
            changed, after = ensure_present(client, before, params, module.check_mode)
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, flow_log=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
