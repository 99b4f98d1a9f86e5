#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: budget
version_added: 0.1.0
short_description: Manage AWS Budgets cost and usage budgets and their notifications
description:
  - Create, update and delete a budget of AWS Budgets, with its notifications and their subscribers.
  - A new budget is made with C(CreateBudget), its notifications included. On an existing budget, C(UpdateBudget) is
    called when the limit, the time unit, the budget type or the cost filters differ; notifications are changed with
    C(CreateNotification), C(UpdateNotification) and C(DeleteNotification), their subscribers with C(CreateSubscriber) and
    C(DeleteSubscriber). Amounts and thresholds are compared as numbers (V(10000.0) is V(10000)).
  - AWS Budgets is a global service, answered in us-east-1; the module always talks to it there, whatever O(region) is.
  - The limit, the e-mail addresses and the SNS topic ARNs are checked before any AWS call.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the budget, unique in the account. It cannot contain C(:) or C(\).
    type: str
    required: true
    aliases: ["budget_name"]
  limit_amount:
    description:
      - The budget's limit per period, a number greater than 0. Required with O(state=present).
    type: float
  limit_unit:
    description:
      - The unit of O(limit_amount), V(USD) for a cost budget.
    type: str
    default: USD
  time_unit:
    description:
      - The period the limit applies to.
    type: str
    choices: ["MONTHLY", "QUARTERLY", "ANNUALLY"]
    default: MONTHLY
  budget_type:
    description:
      - Whether the budget tracks cost or usage.
    type: str
    choices: ["COST", "USAGE"]
    default: COST
  cost_filters:
    description:
      - The cost filters of the budget, a dictionary of filter name to a list of values, for example the filter C(TagKeyValue)
        with the value C(user:Project$1001-stories) to count only the costs of resources tagged C(Project=1001-stories).
      - The budget gets exactly these filters; V({}) (the default) counts every cost of the account.
    type: dict
    default: {}
  notifications:
    description:
      - The notifications of the budget. The budget gets exactly these; those it has and that are not listed are deleted.
      - When not given, the notifications of an existing budget are left as they are.
      - A notification is identified by its type, comparison operator, threshold and threshold type; two may not be the same.
    type: list
    elements: dict
    suboptions:
      notification_type:
        description: Whether the notification is about the actual or the forecasted spend.
        type: str
        choices: ["ACTUAL", "FORECASTED"]
        required: true
      comparison_operator:
        description: How the spend is compared with the threshold.
        type: str
        choices: ["GREATER_THAN", "LESS_THAN", "EQUAL_TO"]
        default: GREATER_THAN
      threshold:
        description: The threshold, a number greater than 0 (a percentage of the limit by default).
        type: float
        required: true
      threshold_type:
        description: Whether O(notifications[].threshold) is a percentage of the limit or an amount.
        type: str
        choices: ["PERCENTAGE", "ABSOLUTE_VALUE"]
        default: PERCENTAGE
      subscribers:
        description:
          - Who is notified, 1 to 10 e-mail addresses and at most one SNS topic.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description: V(EMAIL) for an e-mail address, V(SNS) for the ARN of an SNS topic.
            type: str
            choices: ["EMAIL", "SNS"]
            default: EMAIL
          address:
            description: The e-mail address or the SNS topic ARN.
            type: str
            required: true
  account_id:
    description:
      - The 12-digit ID of the account that owns the budget. By default, the account of the credentials (C(GetCallerIdentity)).
    type: str
  state:
    description:
      - Whether the budget should exist.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the budget that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the budget before and after the change in RV(diff).
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
  - A cost filter by tag needs the tag activated as a cost allocation tag in the Billing console; AWS does not check it.
  - AWS sends an e-mail subscriber no confirmation request; an SNS topic needs a policy that lets C(budgets.amazonaws.com) publish.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Phase 1 monthly cost budget of 1001 Stories ($10K), alerts at 80% actual and 100% forecasted
  stories1001.infra.budget:
    name: 1001-stories-monthly
    limit_amount: 10000
    time_unit: MONTHLY
    cost_filters:
      TagKeyValue: ["user:Project$1001-stories"]
    notifications:
      - notification_type: ACTUAL
        threshold: 80
        subscribers:
          - address: finance@1001stories.org
      - notification_type: FORECASTED
        threshold: 100
        subscribers:
          - address: finance@1001stories.org
          - address: cto@1001stories.org
          - type: SNS
            address: arn:aws:sns:us-east-1:123456789012:1001-stories-cost-alerts

- name: Remove the budget
  stories1001.infra.budget:
    name: 1001-stories-monthly
    state: absent
"""

RETURN = r"""
budget:
  description: The budget after the task (or, in check mode, as it would be); empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: The name of the budget.
      returned: when the budget exists
      type: str
      sample: 1001-stories-monthly
    account_id:
      description: The account that owns the budget.
      returned: when the budget exists
      type: str
      sample: "123456789012"
    budget_type:
      description: The budget type.
      returned: when the budget exists
      type: str
      sample: COST
    time_unit:
      description: The period of the limit.
      returned: when the budget exists
      type: str
      sample: MONTHLY
    limit_amount:
      description: The limit, as a number.
      returned: when the budget exists
      type: float
      sample: 10000.0
    limit_unit:
      description: The unit of the limit.
      returned: when the budget exists
      type: str
      sample: USD
    cost_filters:
      description: The cost filters, each list sorted.
      returned: when the budget exists
      type: dict
      sample: {"TagKeyValue": ["user:Project$1001-stories"]}
    notifications:
      description: The notifications with their subscribers, in the form of O(notifications), sorted.
      returned: when the budget exists
      type: list
      elements: dict
      sample: [{"notification_type": "ACTUAL", "comparison_operator": "GREATER_THAN", "threshold": 80.0, "threshold_type": "PERCENTAGE",
                "subscribers": [{"type": "EMAIL", "address": "finance@1001stories.org"}]}]
diff:
  description: The budget before and after the task, each in the form of RV(budget).
  returned: always
  type: dict
  contains:
    before:
      description: The budget before the task.
      returned: always
      type: dict
    after:
      description: The budget after the task.
      returned: always
      type: dict
"""

import copy
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

BUDGETS_REGION = "us-east-1"
RETRY_CODES = ["ThrottlingException"]
ACCOUNT_ID = re.compile(r"^\d{12}$")
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html: BudgetName pattern.
BUDGET_NAME = re.compile(r"^[^:\\]{1,100}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$")
# https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1
PAGE_SIZE = 100


class InputError(Exception):
    pass


# --- input -----------------------------------------------------------------------------------------------------------


def wanted_subscribers(subscribers, where):
    result = []
    for index, item in enumerate(subscribers or []):
        address = (item.get("address") or "").strip()
        kind = item.get("type") or "EMAIL"
        if kind == "EMAIL" and not EMAIL.match(address):
            raise InputError(f"{where}.subscribers[{index}].address {address!r} is not an e-mail address")
        if kind == "SNS" and not SNS_ARN.match(address):
            raise InputError(f"{where}.subscribers[{index}].address {address!r} is not the ARN of an SNS topic (arn:aws:sns:REGION:ACCOUNT:NAME)")
        subscriber = {"type": kind, "address": address}
        if subscriber not in result:
            result.append(subscriber)
    emails = [item for item in result if item["type"] == "EMAIL"]
    topics = [item for item in result if item["type"] == "SNS"]
    if not result:
        raise InputError(f"{where}.subscribers needs at least one subscriber")
    if len(emails) > MAX_EMAIL_SUBSCRIBERS or len(topics) > MAX_SNS_SUBSCRIBERS:
        raise InputError(f"{where}.subscribers may list at most {MAX_EMAIL_SUBSCRIBERS} e-mail addresses and {MAX_SNS_SUBSCRIBERS} SNS topic")
    return sorted_subscribers(result)


def wanted_notifications(notifications):
    result = []
    for index, item in enumerate(notifications):
        where = f"notifications[{index}]"
        if item["threshold"] <= 0:
            raise InputError(f"{where}.threshold must be greater than 0, not {item['threshold']}")
        notification = {
            "notification_type": item["notification_type"],
            "comparison_operator": item["comparison_operator"],
            "threshold": float(item["threshold"]),
            "threshold_type": item["threshold_type"],
            "subscribers": wanted_subscribers(item["subscribers"], where),
        }
        if any(notification_key(other) == notification_key(notification) for other in result):
            raise InputError(f"{where} is the same notification as an earlier one (same type, comparison operator, threshold and threshold type)")
        result.append(notification)
    return sorted_notifications(result)


def wanted_cost_filters(filters):
    result = {}
    for key, values in (filters or {}).items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(value, (str, int, float)) for value in values):
            raise InputError(f"cost_filters.{key} must be a list of strings")
        result[key] = sorted(str(value) for value in values)
    return result


def wanted_budget(params):
    """The budget asked for, in the module's form (account_id aside); raises InputError."""
    name = params["name"]
    if not BUDGET_NAME.match(name or ""):
        raise InputError(f"name {name!r} must be 1 to 100 characters without : or \\")
    if params["account_id"] is not None and not ACCOUNT_ID.match(params["account_id"]):
        raise InputError(f"account_id {params['account_id']!r} is not a 12-digit AWS account ID")
    if params["state"] != "present":
        return None
    amount = params["limit_amount"]
    if amount is None:
        raise InputError("limit_amount is required with state present")
    if not amount > 0:
        raise InputError(f"limit_amount must be a number greater than 0, not {amount}")
    return {
        "name": name,
        "budget_type": params["budget_type"],
        "time_unit": params["time_unit"],
        "limit_amount": float(amount),
        "limit_unit": params["limit_unit"],
        "cost_filters": wanted_cost_filters(params["cost_filters"]),
        "notifications": None if params["notifications"] is None else wanted_notifications(params["notifications"]),
    }


# --- between the module's form and AWS's -----------------------------------------------------------------------------


def notification_key(notification):
    return (notification["notification_type"], notification["comparison_operator"], float(notification["threshold"]), notification["threshold_type"])


def sorted_subscribers(subscribers):
    return sorted(subscribers, key=lambda item: (item["type"], item["address"]))


def sorted_notifications(notifications):
    return sorted(notifications, key=notification_key)


def aws_notification(notification):
    return {
        "NotificationType": notification["notification_type"],
        "ComparisonOperator": notification["comparison_operator"],
        "Threshold": float(notification["threshold"]),
        "ThresholdType": notification["threshold_type"],
    }


def aws_subscriber(subscriber):
    return {"SubscriptionType": subscriber["type"], "Address": subscriber["address"]}


def module_notification(notification, subscribers):
    return {
        "notification_type": notification["NotificationType"],
        "comparison_operator": notification["ComparisonOperator"],
        "threshold": float(notification["Threshold"]),
        "threshold_type": notification.get("ThresholdType") or "PERCENTAGE",
        "subscribers": sorted_subscribers([{"type": item["SubscriptionType"], "address": item["Address"]} for item in subscribers]),
    }


def aws_budget(budget, current=None):
    """The Budget structure of CreateBudget / UpdateBudget; an update keeps the current cost types and (same time unit) period."""
    result = {
        "BudgetName": budget["name"],
        "BudgetLimit": {"Amount": repr(float(budget["limit_amount"])), "Unit": budget["limit_unit"]},
        "CostFilters": budget["cost_filters"],
        "TimeUnit": budget["time_unit"],
        "BudgetType": budget["budget_type"],
    }
    if current:
        if current.get("CostTypes"):
            result["CostTypes"] = current["CostTypes"]
        if current.get("TimePeriod") and current.get("TimeUnit") == budget["time_unit"]:
            result["TimePeriod"] = current["TimePeriod"]
    return result


def module_budget(budget, notifications, account_id):
    limit = budget.get("BudgetLimit") or {}
    return {
        "name": budget["BudgetName"],
        "account_id": account_id,
        "budget_type": budget.get("BudgetType"),
        "time_unit": budget.get("TimeUnit"),
        "limit_amount": float(limit["Amount"]) if limit.get("Amount") is not None else None,
        "limit_unit": limit.get("Unit"),
        "cost_filters": {key: sorted(values) for key, values in (budget.get("CostFilters") or {}).items()},
        "notifications": sorted_notifications(notifications),
    }


# --- API calls -------------------------------------------------------------------------------------------------------


def caller_account(module):
    sts = module.client("sts", retry_decorator=AWSRetry.jittered_backoff())
    try:
        return sts.get_caller_identity(aws_retry=True)["Account"]
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Could not find the account ID (GetCallerIdentity); give account_id")


def describe_budget(client, account_id, name):
    try:
        return client.describe_budget(AccountId=account_id, BudgetName=name, aws_retry=True)["Budget"]
    except is_boto3_error_code("NotFoundException"):
        return None


def paged(call, key, **params):
    """Every item of a Budgets describe call, page by page (each page retried on throttling)."""
    items, params = [], dict(params, MaxResults=PAGE_SIZE)
    while True:
        page = call(aws_retry=True, **params)
        items.extend(page.get(key) or [])
        if not page.get("NextToken"):
            return items
        params["NextToken"] = page["NextToken"]


def describe_notifications(client, account_id, name):
    """The budget's notifications in the module's form, each with its subscribers."""
    notifications = paged(client.describe_notifications_for_budget, "Notifications", AccountId=account_id, BudgetName=name)
    result = []
    for notification in notifications:
        wanted = {key: notification[key] for key in ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType") if key in notification}
        subscribers = paged(client.describe_subscribers_for_notification, "Subscribers", AccountId=account_id, BudgetName=name, Notification=wanted)
        result.append(module_notification(notification, subscribers))
    return result


def read(client, account_id, name):
    """(raw budget, budget in the module's form), or (None, {})."""
    budget = describe_budget(client, account_id, name)
    if budget is None:
        return None, {}
    return budget, module_budget(budget, describe_notifications(client, account_id, name), account_id)


# --- planning --------------------------------------------------------------------------------------------------------


def budget_differs(before, wanted):
    return any(before[key] != wanted[key] for key in ("budget_type", "time_unit", "limit_amount", "limit_unit", "cost_filters"))


def plan_notifications(current, wanted):
    """The calls that turn the current notifications into the wanted ones, as (operation, arguments) pairs.

    A wanted notification that matches none is made from a current one of the same type that matches none
    (UpdateNotification keeps its subscribers), else created; current ones left over are deleted."""
    wanted_keys = {notification_key(item) for item in wanted}
    unmatched = [item for item in current if notification_key(item) not in wanted_keys]
    steps = []
    for notification in wanted:
        existing = next((item for item in current if notification_key(item) == notification_key(notification)), None)
        if existing is None:
            existing = next((item for item in unmatched if item["notification_type"] == notification["notification_type"]), None)
            if existing is None:
                steps.append(("create_notification", {"Notification": aws_notification(notification), "Subscribers": subscribers_of(notification)}))
                continue
            unmatched.remove(existing)
            steps.append(("update_notification", {"OldNotification": aws_notification(existing), "NewNotification": aws_notification(notification)}))
        # Removed first, so that a notification never has more subscribers than AWS allows.
        for subscriber in existing["subscribers"]:
            if subscriber not in notification["subscribers"]:
                steps.append(("delete_subscriber", {"Notification": aws_notification(notification), "Subscriber": aws_subscriber(subscriber)}))
        for subscriber in notification["subscribers"]:
            if subscriber not in existing["subscribers"]:
                steps.append(("create_subscriber", {"Notification": aws_notification(notification), "Subscriber": aws_subscriber(subscriber)}))
    for notification in unmatched:
        steps.append(("delete_notification", {"Notification": aws_notification(notification)}))
    return steps


def subscribers_of(notification):
    return [aws_subscriber(subscriber) for subscriber in notification["subscribers"]]


def create_budget(client, account_id, wanted):
    notifications = [{"Notification": aws_notification(item), "Subscribers": subscribers_of(item)} for item in wanted["notifications"] or []]
    client.create_budget(AccountId=account_id, Budget=aws_budget(wanted), NotificationsWithSubscribers=notifications, aws_retry=True)


def ensure_present(client, module, account_id, raw, before, wanted):
    """(changed, after)."""
    if not before:
        after = dict(wanted, account_id=account_id, notifications=wanted["notifications"] or [])
        if not module.check_mode:
            create_budget(client, account_id, wanted)
            after = read(client, account_id, wanted["name"])[1] or after
        return True, after

    if wanted["notifications"] is None:
        wanted = dict(wanted, notifications=before["notifications"])
    update = budget_differs(before, wanted)
    steps = plan_notifications(before["notifications"], wanted["notifications"])
    if not update and not steps:
        return False, before
    after = dict(copy.deepcopy(wanted), account_id=account_id)
    if module.check_mode:
        return True, after
    if update:
        client.update_budget(AccountId=account_id, NewBudget=aws_budget(wanted, raw), aws_retry=True)
    for operation, arguments in steps:
        getattr(client, operation)(AccountId=account_id, BudgetName=wanted["name"], aws_retry=True, **arguments)
    return True, read(client, account_id, wanted["name"])[1] or after


def ensure_absent(client, module, account_id, name, before):
    if not before:
        return False
    if module.check_mode:
        return True
    try:
        client.delete_budget(AccountId=account_id, BudgetName=name, aws_retry=True)
    except is_boto3_error_code("NotFoundException"):
        return False
    return True


def main():
    subscriber_spec = dict(type=dict(choices=["EMAIL", "SNS"], default="EMAIL"), address=dict(required=True))
    notification_spec = dict(
        notification_type=dict(choices=["ACTUAL", "FORECASTED"], required=True),
        comparison_operator=dict(choices=["GREATER_THAN", "LESS_THAN", "EQUAL_TO"], default="GREATER_THAN"),
        threshold=dict(type="float", required=True),
        threshold_type=dict(choices=["PERCENTAGE", "ABSOLUTE_VALUE"], default="PERCENTAGE"),
        subscribers=dict(type="list", elements="dict", required=True, options=subscriber_spec),
    )
    argument_spec = dict(
        name=dict(required=True, aliases=["budget_name"]),
        limit_amount=dict(type="float"),
        limit_unit=dict(default="USD"),
        time_unit=dict(choices=["MONTHLY", "QUARTERLY", "ANNUALLY"], default="MONTHLY"),
        budget_type=dict(choices=["COST", "USAGE"], default="COST"),
        cost_filters=dict(type="dict", default={}),
        notifications=dict(type="list", elements="dict", options=notification_spec),
        account_id=dict(),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        wanted = wanted_budget(module.params)
    except InputError as e:
        module.fail_json(msg=str(e))
    name = module.params["name"]

    client = module.client("budgets", region=BUDGETS_REGION, retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    account_id = module.params["account_id"] or caller_account(module)
    try:
        raw, before = read(client, account_id, name)
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, account_id, raw, before, wanted)
        else:
            changed, after = ensure_absent(client, module, account_id, name, before), {}
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Budget {name} of account {account_id}")

    module.exit_json(changed=changed, budget=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
