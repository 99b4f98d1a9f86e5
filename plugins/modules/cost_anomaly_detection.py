#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cost_anomaly_detection
version_added: 0.1.0
short_description: Manage an AWS Cost Anomaly Detection monitor and its alert subscription
description:
  - Create, update, tag and delete one Cost Anomaly Detection monitor and the alert subscription that notifies about its
    anomalies, found by their names. Cost Explorer is global; the module always calls it in us-east-1, whatever O(region) says.
  - One module for both because the subscription names the monitor by its ARN, which only exists once the monitor does, and a
    subscription has to go before its monitor; a role then states "anomalies over 200 dollars go to these addresses" in one task.
  - AWS can only rename a monitor (C(UpdateAnomalyMonitor)); a type, dimension or specification that differs from the existing
    monitor's fails the task, and the monitor has to be deleted (O(state=absent)) and created again.
  - The subscription is compared (monitor, frequency, threshold, subscribers, name) and updated with C(UpdateAnomalySubscription)
    only when it differs.
  - Every option is checked before any AWS call, with AWS's rules; in particular V(IMMEDIATE) alerts go only to SNS topics,
    V(DAILY) and V(WEEKLY) summaries to e-mail addresses or SNS topics.
author:
  - 1001 Stories platform team (@1001stories)
options:
  monitor_name:
    description: The name of the monitor, which identifies it (the module fails if several monitors have it).
    type: str
    required: true
  monitor_type:
    description: V(DIMENSIONAL) (AWS managed, one dimension) or V(CUSTOM) (customer managed, O(monitor_specification)).
    type: str
    choices: ["DIMENSIONAL", "CUSTOM"]
    default: DIMENSIONAL
  monitor_dimension:
    description:
      - The dimension of a V(DIMENSIONAL) monitor. V(TAG) and V(COST_CATEGORY) also need O(monitor_specification). Not allowed with V(CUSTOM).
      - Defaults to V(SERVICE) for a V(DIMENSIONAL) monitor.
    type: str
    choices: ["SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY"]
  monitor_specification:
    description:
      - A Cost Explorer C(Expression), in AWS's own form (CamelCase keys), for example a C(Tags) key holding C(Key) V(Project) and
        C(Values) V([stories1001]), see the EXAMPLES.
      - Required with V(CUSTOM) and with the V(TAG) and V(COST_CATEGORY) dimensions; not allowed with V(SERVICE) and V(LINKED_ACCOUNT).
    type: dict
  subscription_name:
    description: The name of the alert subscription, which identifies it. Defaults to O(monitor_name).
    type: str
  frequency:
    description: V(IMMEDIATE) (SNS topics only), V(DAILY) or V(WEEKLY) (e-mail addresses or SNS topics).
    type: str
    choices: ["DAILY", "IMMEDIATE", "WEEKLY"]
    default: DAILY
  threshold:
    description:
      - Alert when an anomaly's total impact is at least this many dollars (C(ANOMALY_TOTAL_IMPACT_ABSOLUTE >= threshold)).
        More than 0, at most 10,000,000,000. Required with O(state=present).
    type: float
  subscribers:
    description: Who is notified. Required with O(state=present), at least one.
    type: list
    elements: dict
    suboptions:
      type:
        description: V(EMAIL) or V(SNS).
        type: str
        choices: ["EMAIL", "SNS"]
        default: EMAIL
      address:
        description: The e-mail address or the SNS topic ARN.
        type: str
        required: true
  state:
    description: Whether the monitor and its subscription should exist. With V(absent) the subscription is deleted, then the monitor.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and what would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the monitor and subscription before and after the change in RV(diff).
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
  - The tags (O(tags)) are applied to both the monitor and the subscription.
  - The subscription is made to watch this monitor only; other monitors it named are dropped from it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Daily summary of cost anomalies of $200 or more, per AWS service
  stories1001.infra.cost_anomaly_detection:
    monitor_name: stories1001-services
    subscription_name: stories1001-cost-alerts
    frequency: DAILY
    threshold: 200
    subscribers:
      - address: finance@1001stories.org
      - address: cto@1001stories.org
    tags:
      Project: stories1001

- name: Immediate alerts to an SNS topic for the costs tagged Project=stories1001
  stories1001.infra.cost_anomaly_detection:
    monitor_name: stories1001-project
    monitor_type: CUSTOM
    monitor_specification:
      Tags:
        Key: Project
        Values: ["stories1001"]
    frequency: IMMEDIATE
    threshold: 500
    subscribers:
      - type: SNS
        address: arn:aws:sns:us-east-1:123456789012:stories1001-cost-alerts

- name: Remove them
  stories1001.infra.cost_anomaly_detection:
    monitor_name: stories1001-project
    state: absent
"""

RETURN = r"""
monitor:
  description: The monitor as it is (or, in check mode, would be) after the task, in snake case; empty when it does not exist.
  returned: always
  type: dict
  contains:
    monitor_arn:
      description: The ARN (not known yet in check mode for a new monitor).
      returned: when the monitor exists
      type: str
      sample: arn:aws:ce::123456789012:anomalymonitor/0b5a1cd3-4f59-4b52-8f0c-1f2d3c4b5a69
    monitor_name:
      description: The name.
      returned: when the monitor exists
      type: str
    monitor_type:
      description: V(DIMENSIONAL) or V(CUSTOM).
      returned: when the monitor exists
      type: str
    monitor_dimension:
      description: The dimension of a V(DIMENSIONAL) monitor.
      returned: when set
      type: str
    monitor_specification:
      description: The Expression, as AWS returns it (not converted to snake case).
      returned: when set
      type: dict
    tags:
      description: The tags.
      returned: when the monitor exists
      type: dict
subscription:
  description: The subscription as it is (or, in check mode, would be) after the task; empty when it does not exist.
  returned: always
  type: dict
  contains:
    subscription_arn:
      description: The ARN (not known yet in check mode for a new subscription).
      returned: when the subscription exists
      type: str
    subscription_name:
      description: The name.
      returned: when the subscription exists
      type: str
    monitor_arn_list:
      description: The monitors it watches.
      returned: when the subscription exists
      type: list
      elements: str
    frequency:
      description: The frequency.
      returned: when the subscription exists
      type: str
    threshold:
      description: The absolute threshold in dollars read from the threshold expression (null if it is not a single absolute one).
      returned: when the subscription exists
      type: float
      sample: 200.0
    subscribers:
      description: The subscribers, sorted, each with C(type) and C(address).
      returned: when the subscription exists
      type: list
      elements: dict
    tags:
      description: The tags.
      returned: when the subscription exists
      type: dict
diff:
  description: The monitor and subscription before and after the task.
  returned: always
  type: dict
  contains:
    before:
      description: C(monitor) and C(subscription) before the task.
      returned: always
      type: dict
    after:
      description: C(monitor) and C(subscription) after the task.
      returned: always
      type: dict
"""

import re

try:
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

CE_REGION = "us-east-1"
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Subscriber.html
EMAIL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+=?^_`{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+$")
SNS = re.compile(r"^arn:(aws[a-zA-Z-]*):sns:[a-zA-Z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]+(\.fifo)?$")
MAX_THRESHOLD = 10_000_000_000
ABSOLUTE = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
MAX_NAME = 1024


class AnomalyError(Exception):
    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message, self.exception = message, exception


# --- pure functions -------------------------------------------------------------------------------------


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    for key in ("monitor_name", "subscription_name"):
        value = params.get(key)
        if value is not None and not 1 <= len(value) <= MAX_NAME:
            errors.append(f"{key} must be 1 to {MAX_NAME} characters")
    if params["state"] == "absent":
        return errors
    kind, dimension, specification = params["monitor_type"], params.get("monitor_dimension"), params.get("monitor_specification")
    if kind == "CUSTOM":
        if dimension:
            errors.append("monitor_dimension is not allowed with monitor_type CUSTOM")
        if not specification:
            errors.append("monitor_specification is required with monitor_type CUSTOM")
    else:
        dimension = dimension or "SERVICE"
        if dimension in ("SERVICE", "LINKED_ACCOUNT") and specification:
            errors.append(f"monitor_specification is not allowed with monitor_dimension {dimension}")
        if dimension in ("TAG", "COST_CATEGORY") and not specification:
            errors.append(f"monitor_specification is required with monitor_dimension {dimension}")
    threshold = params.get("threshold")
    if threshold is None:
        errors.append("threshold is required with state present")
    elif not 0 < threshold <= MAX_THRESHOLD:
        errors.append(f"threshold must be more than 0 and at most {MAX_THRESHOLD}")
    subscribers = params.get("subscribers") or []
    if not subscribers:
        errors.append("subscribers must name at least one e-mail address or SNS topic with state present")
    for subscriber in subscribers:
        address = subscriber["address"]
        if subscriber["type"] == "EMAIL" and not EMAIL.match(address):
            errors.append(f"subscribers: {address!r} is not an e-mail address")
        if subscriber["type"] == "SNS" and not SNS.match(address):
            errors.append(f"subscribers: {address!r} is not an SNS topic ARN")
        if params["frequency"] == "IMMEDIATE" and subscriber["type"] != "SNS":
            errors.append(f"subscribers: {address!r}: IMMEDIATE alerts can only go to SNS topics; use DAILY or WEEKLY for e-mail")
    return errors


def threshold_expression(threshold):
    return {"Dimensions": {"Key": ABSOLUTE, "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": [number_text(threshold)]}}


def number_text(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def read_threshold(subscription):
    """The absolute threshold of a subscription, or None when its expression is something else."""
    dimension = (subscription.get("ThresholdExpression") or {}).get("Dimensions") or {}
    if set(subscription.get("ThresholdExpression") or {}) == {"Dimensions"} and dimension.get("Key") == ABSOLUTE and len(dimension.get("Values") or []) == 1:
        try:
            return float(dimension["Values"][0])
        except ValueError:
            return None
    if not subscription.get("ThresholdExpression") and subscription.get("Threshold") is not None:
        return float(subscription["Threshold"])
    return None


def sorted_subscribers(subscribers):
    return sorted(({"type": item["type"], "address": item["address"]} for item in subscribers), key=lambda item: (item["type"], item["address"]))


def monitor_view(monitor, tags):
    if not monitor:
        return {}
    view = camel_dict_to_snake_dict({key: value for key, value in monitor.items() if key != "MonitorSpecification"})
    if monitor.get("MonitorSpecification"):
        view["monitor_specification"] = monitor["MonitorSpecification"]
    view["tags"] = tags
    return view


def subscription_view(subscription, tags):
    if not subscription:
        return {}
    return {
        "subscription_arn": subscription.get("SubscriptionArn"),
        "subscription_name": subscription.get("SubscriptionName"),
        "monitor_arn_list": subscription.get("MonitorArnList") or [],
        "frequency": subscription.get("Frequency"),
        "threshold": read_threshold(subscription),
        "subscribers": sorted_subscribers({"type": item.get("Type"), "address": item.get("Address")} for item in subscription.get("Subscribers") or []),
        "tags": tags,
    }


def wanted_monitor(params):
    monitor = {"monitor_name": params["monitor_name"], "monitor_type": params["monitor_type"]}
    if params["monitor_type"] == "DIMENSIONAL":
        monitor["monitor_dimension"] = params.get("monitor_dimension") or "SERVICE"
    if params.get("monitor_specification"):
        monitor["monitor_specification"] = params["monitor_specification"]
    return monitor


def wanted_subscription(params, monitor_arn):
    return {
        "subscription_name": params.get("subscription_name") or params["monitor_name"],
        "monitor_arn_list": [monitor_arn],
        "frequency": params["frequency"],
        "threshold": float(params["threshold"]),
        "subscribers": sorted_subscribers(params["subscribers"]),
    }


def monitor_conflicts(current, wanted):
    """What differs between the existing monitor and the options that AWS cannot change."""
    return [key for key in ("monitor_type", "monitor_dimension", "monitor_specification") if current.get(key) != wanted.get(key)]


def subscription_update(current, wanted):
    """The UpdateAnomalySubscription fields that differ; {} when none do."""
    request = {}
    if current.get("subscription_name") != wanted["subscription_name"]:
        request["SubscriptionName"] = wanted["subscription_name"]
    if current.get("monitor_arn_list") != wanted["monitor_arn_list"]:
        request["MonitorArnList"] = wanted["monitor_arn_list"]
    if current.get("frequency") != wanted["frequency"]:
        request["Frequency"] = wanted["frequency"]
    if current.get("threshold") != wanted["threshold"]:
        request["ThresholdExpression"] = threshold_expression(wanted["threshold"])
    if current.get("subscribers") != wanted["subscribers"]:
        request["Subscribers"] = [{"Type": item["type"], "Address": item["address"]} for item in wanted["subscribers"]]
    return request


# --- API calls ------------------------------------------------------------------------------------------


def aws_call(description):
    def decorator(func):
        def wrapped(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (BotoCoreError, ClientError) as e:
                raise AnomalyError(f"Failed to {description}", e) from e

        return wrapped

    return decorator


def all_pages(call, key):
    items, params = [], {}
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(key) or [])
        if not page.get("NextPageToken"):
            return items
        params = {"NextPageToken": page["NextPageToken"]}


@aws_call("list the anomaly monitors")
def find_monitor(client, name):
    found = [item for item in all_pages(client.get_anomaly_monitors, "AnomalyMonitors") if item.get("MonitorName") == name]
    if len(found) > 1:
        raise AnomalyError(f"{len(found)} anomaly monitors are named {name}: " + ", ".join(item["MonitorArn"] for item in found))
    return found[0] if found else None


@aws_call("list the anomaly subscriptions")
def find_subscription(client, name):
    found = [item for item in all_pages(client.get_anomaly_subscriptions, "AnomalySubscriptions") if item.get("SubscriptionName") == name]
    if len(found) > 1:
        raise AnomalyError(f"{len(found)} anomaly subscriptions are named {name}: " + ", ".join(item["SubscriptionArn"] for item in found))
    return found[0] if found else None


@aws_call("list tags")
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("ResourceTags") or [])


@aws_call("update tags")
def update_tags(client, arn, to_set, to_unset):
    if to_unset:
        client.untag_resource(ResourceArn=arn, ResourceTagKeys=to_unset, aws_retry=True)
    if to_set:
        client.tag_resource(ResourceArn=arn, ResourceTags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)


@aws_call("create the anomaly monitor")
def create_monitor(client, monitor, tags):
    request = {"MonitorName": monitor["monitor_name"], "MonitorType": monitor["monitor_type"]}
    if monitor.get("monitor_dimension"):
        request["MonitorDimension"] = monitor["monitor_dimension"]
    if monitor.get("monitor_specification"):
        request["MonitorSpecification"] = monitor["monitor_specification"]
    extra = {"ResourceTags": ansible_dict_to_boto3_tag_list(tags)} if tags else {}
    return client.create_anomaly_monitor(AnomalyMonitor=request, aws_retry=True, **extra)["MonitorArn"]


@aws_call("create the anomaly subscription")
def create_subscription(client, subscription, tags):
    request = {
        "SubscriptionName": subscription["subscription_name"],
        "MonitorArnList": subscription["monitor_arn_list"],
        "Frequency": subscription["frequency"],
        "ThresholdExpression": threshold_expression(subscription["threshold"]),
        "Subscribers": [{"Type": item["type"], "Address": item["address"]} for item in subscription["subscribers"]],
    }
    extra = {"ResourceTags": ansible_dict_to_boto3_tag_list(tags)} if tags else {}
    return client.create_anomaly_subscription(AnomalySubscription=request, aws_retry=True, **extra)["SubscriptionArn"]


@aws_call("update the anomaly subscription")
def update_subscription(client, arn, request):
    client.update_anomaly_subscription(SubscriptionArn=arn, aws_retry=True, **request)


@aws_call("delete the anomaly subscription")
def delete_subscription(client, arn):
    client.delete_anomaly_subscription(SubscriptionArn=arn, aws_retry=True)


@aws_call("delete the anomaly monitor")
def delete_monitor(client, arn):
    client.delete_anomaly_monitor(MonitorArn=arn, aws_retry=True)


# --- the states -----------------------------------------------------------------------------------------


def read(client, params):
    monitor = find_monitor(client, params["monitor_name"])
    subscription = find_subscription(client, params.get("subscription_name") or params["monitor_name"])
    monitor_tags = list_tags(client, monitor["MonitorArn"]) if monitor else {}
    subscription_tags = list_tags(client, subscription["SubscriptionArn"]) if subscription else {}
    return monitor_view(monitor, monitor_tags), subscription_view(subscription, subscription_tags)


def ensure_present(client, module, monitor, subscription):
    params = module.params
    changed = False
    wanted = wanted_monitor(params)
    if monitor:
        conflicts = monitor_conflicts(monitor, wanted)
        if conflicts:
            raise AnomalyError(
                f"Anomaly monitor {params['monitor_name']}: AWS cannot change {', '.join(conflicts)} of an existing monitor "
                f"(it can only rename it); delete it with state absent and create it again"
            )
        to_set, to_unset, tags = plan_tags(monitor["tags"], params["tags"], params["purge_tags"])
        if to_set or to_unset:
            changed = True
            if not module.check_mode:
                update_tags(client, monitor["monitor_arn"], to_set, to_unset)
        monitor_after = dict(monitor, tags=tags)
    else:
        changed = True
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        arn = None if module.check_mode else create_monitor(client, wanted, tags)
        monitor_after = dict(wanted, monitor_arn=arn, tags=tags)

    wanted_sub = wanted_subscription(params, monitor_after["monitor_arn"])
    if subscription:
        request = subscription_update(subscription, wanted_sub)
        to_set, to_unset, tags = plan_tags(subscription["tags"], params["tags"], params["purge_tags"])
        if request or to_set or to_unset:
            changed = True
            if not module.check_mode:
                if request:
                    update_subscription(client, subscription["subscription_arn"], request)
                update_tags(client, subscription["subscription_arn"], to_set, to_unset)
        subscription_after = dict(wanted_sub, subscription_arn=subscription["subscription_arn"], tags=tags)
    else:
        changed = True
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        arn = None if module.check_mode else create_subscription(client, wanted_sub, tags)
        subscription_after = dict(wanted_sub, subscription_arn=arn, tags=tags)
    if changed and not module.check_mode:
        return True, read(client, params)
    return changed, (monitor_after if changed else monitor, subscription_after if changed else subscription)


def ensure_absent(client, module, monitor, subscription):
    if not monitor and not subscription:
        return False
    if not module.check_mode:
        if subscription:
            delete_subscription(client, subscription["subscription_arn"])
        if monitor:
            delete_monitor(client, monitor["monitor_arn"])
    return True


def main():
    argument_spec = dict(
        monitor_name=dict(required=True),
        monitor_type=dict(choices=["DIMENSIONAL", "CUSTOM"], default="DIMENSIONAL"),
        monitor_dimension=dict(choices=["SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY"]),
        monitor_specification=dict(type="dict"),
        subscription_name=dict(),
        frequency=dict(choices=["DAILY", "IMMEDIATE", "WEEKLY"], default="DAILY"),
        threshold=dict(type="float"),
        subscribers=dict(
            type="list",
            elements="dict",
            options=dict(type=dict(choices=["EMAIL", "SNS"], default="EMAIL"), address=dict(required=True)),
        ),
        state=dict(choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = module.client("ce", region=CE_REGION, retry_decorator=AWSRetry.jittered_backoff())
    try:
        monitor, subscription = read(client, module.params)
        before = dict(monitor=monitor, subscription=subscription)
        if module.params["state"] == "present":
            changed, (monitor, subscription) = ensure_present(client, module, monitor, subscription)
        else:
            changed, monitor, subscription = ensure_absent(client, module, monitor, subscription), {}, {}
    except AnomalyError as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.message)
        module.fail_json(msg=e.message)
    after = dict(monitor=monitor, subscription=subscription)
    module.exit_json(changed=changed, monitor=monitor, subscription=subscription, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
