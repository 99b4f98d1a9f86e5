"""CloudWatch dashboards, AWS Budgets and X-Ray sampling rules answered as AWS does; patches.py lists the patches below in ``PATCHES``.

Budgets: moto 5.2.5 creates, describes and deletes budgets and notifications but has no UpdateBudget,
UpdateNotification, CreateSubscriber, DeleteSubscriber or DescribeSubscribersForNotification; the patches add them on
its models. X-Ray: moto keeps traces only; sampling rules are added here, with the Default rule every Region has.
CloudWatch: PutDashboard also refuses a body without a ``widgets`` array.

Not reproduced: Budgets' CalculatedSpend stays zero (no cost data), subscribers are never notified, and the X-Ray rules
sample nothing; describe calls answer in one page.
"""

import functools
import json
import math
from datetime import datetime, timezone

from moto.core.exceptions import JsonRESTError

# --- Budgets ----------------------------------------------------------------------------------------------------------

# The fields that identify a notification (NotificationState is AWS's, not the caller's).
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Notification.html
NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
# https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html: up to 10 email subscribers
# and one SNS topic per notification.
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1


class BudgetsInvalidParameter(JsonRESTError):
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateBudget.html#API_budgets_UpdateBudget_Errors"""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterException", message)


def aws_amount(amount) -> str:
    """A Spend amount as AWS gives it back: the decimal number with at least one fractional digit ("10000" -> "10000.0")."""
    try:
        number = float(amount)
    except (TypeError, ValueError) as error:
        raise BudgetsInvalidParameter(f"Unable to create/update budget - the amount {amount!r} is not a number") from error
    if not math.isfinite(number):
        raise BudgetsInvalidParameter(f"Unable to create/update budget - the amount {amount!r} is not a number")
    return repr(number)


def notification_key(notification: dict) -> tuple:
    return tuple(float(notification.get(key)) if key == "Threshold" else notification.get(key) for key in NOTIFICATION_KEYS)


def notification_view(notification: dict) -> dict:
    """A notification as DescribeNotificationsForBudget lists it: its fields, the threshold a number, and its state."""
    view = {key: notification[key] for key in NOTIFICATION_KEYS if key in notification}
    view["Threshold"] = float(view.get("Threshold", 0))
    view.setdefault("ThresholdType", "PERCENTAGE")
    view["NotificationState"] = notification.get("NotificationState") or "OK"
    return view


def _check_subscribers(subscribers: list) -> None:
    emails = [item for item in subscribers if item.get("SubscriptionType") == "EMAIL"]
    topics = [item for item in subscribers if item.get("SubscriptionType") == "SNS"]
    if not subscribers:
        raise BudgetsInvalidParameter("A notification needs at least one subscriber")
    if len(emails) > MAX_EMAIL_SUBSCRIBERS or len(topics) > MAX_SNS_SUBSCRIBERS:
        raise BudgetsInvalidParameter(f"A notification has at most {MAX_EMAIL_SUBSCRIBERS} email subscribers and {MAX_SNS_SUBSCRIBERS} SNS subscriber")
    for item in emails:
        address = item.get("Address") or ""
        if "@" not in address.strip("@"):
            raise BudgetsInvalidParameter(f"Invalid email address: {address}")
    for item in topics:
        if not (item.get("Address") or "").startswith("arn:"):
            raise BudgetsInvalidParameter(f"Invalid SNS topic ARN: {item.get('Address')}")
    seen = set()
    for item in subscribers:
        key = (item.get("SubscriptionType"), item.get("Address"))
        if key in seen:
            raise BudgetsInvalidParameter(f"Duplicate subscriber: {item.get('Address')}")
        seen.add(key)


def budgets_update_and_subscribers() -> None:
    """Budgets has UpdateBudget, UpdateNotification and the subscriber calls, and describes budgets and notifications as AWS.

    AWS (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Operations_AWS_Budgets.html):
    UpdateBudget replaces a budget ("You can change every part of a budget except for the budgetName and the
    calculatedSpend", NotFoundException for an unknown one); UpdateNotification replaces OldNotification by
    NewNotification, keeping its subscribers (NotFoundException when the old one is not there, DuplicateRecordException
    when the new one already is); CreateSubscriber / DeleteSubscriber add or remove one subscriber of a notification
    (DuplicateRecordException / NotFoundException); DescribeSubscribersForNotification lists them. A notification is
    identified by its type, comparison operator, threshold and threshold type; CreateNotification of one that exists is
    DuplicateRecordException, DeleteNotification of one that does not is NotFoundException. DescribeNotificationsForBudget
    lists each with its NotificationState (OK or ALARM) and answers NotFoundException for an unknown budget.
    DescribeBudget gives the limit back as a decimal with a fraction: BudgetLimit {"Amount": "100.0"} for 100 (the
    describe-budget example in https://docs.aws.amazon.com/cli/latest/reference/budgets/describe-budget.html).
    A notification has at least one subscriber, at most 10 email addresses and one SNS topic
    (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html).
    moto: has none of the update and subscriber calls; keeps the limit as the caller wrote it ("10000"); creates a
    duplicate notification; deletes a notification only when it matches field for field as sent (80 is not 80.0);
    answers DescribeNotificationsForBudget of an unknown budget with HTTP 500 (KeyError) and without NotificationState.
    """
    from moto.budgets.exceptions import DuplicateRecordException, NotFoundException
    from moto.budgets.models import Budget, BudgetsBackend
    from moto.budgets.responses import BudgetsResponse
    from moto.core.utils import unix_time

    original_init = Budget.__init__
    original_to_dict = Budget.to_dict

    @functools.wraps(original_init)
    def budget_init(self, budget, notifications):
        if "BudgetLimit" in budget:
            budget["BudgetLimit"] = dict(budget["BudgetLimit"], Amount=aws_amount(budget["BudgetLimit"].get("Amount")))
        for item in notifications:
            _check_subscribers(item.get("Subscribers") or [])
        keys = [notification_key(item["Notification"]) for item in notifications]
        if len(set(keys)) != len(keys):
            raise BudgetsInvalidParameter("A budget cannot have two identical notifications")
        original_init(self, budget, notifications)

    @functools.wraps(original_to_dict)
    def to_dict(self):
        view = original_to_dict(self)
        if "BudgetLimit" in view:
            view["BudgetLimit"] = dict(view["BudgetLimit"], Amount=aws_amount(view["BudgetLimit"]["Amount"]))
        return view

    Budget.__init__ = budget_init
    Budget.to_dict = to_dict

    def budget_of(backend, account_id, name, action):
        if name not in backend.budgets[account_id]:
            raise NotFoundException(f"Unable to {action} - the budget {name} doesn't exist.")
        return backend.budgets[account_id][name]

    def notification_of(budget, notification, action):
        key = notification_key(notification)
        for item in budget.notifications:
            if notification_key(item.details) == key:
                return item
        raise NotFoundException(f"Unable to {action} - the notification doesn't exist.")

    def update_budget(self, account_id, new_budget):
        name = new_budget.get("BudgetName")
        current = budget_of(self, account_id, name, "update budget")
        if "BudgetLimit" not in new_budget and "PlannedBudgetLimits" not in new_budget:
            new_budget = dict(new_budget, BudgetLimit=current.budget.get("BudgetLimit"))
        replacement = dict(new_budget)
        if "BudgetLimit" in replacement:
            replacement["BudgetLimit"] = dict(replacement["BudgetLimit"], Amount=aws_amount(replacement["BudgetLimit"].get("Amount")))
        replacement.setdefault("TimePeriod", current.budget.get("TimePeriod"))
        replacement.pop("CalculatedSpend", None)
        replacement["LastUpdatedTime"] = unix_time()
        current.budget = replacement

    def create_notification(self, account_id, budget_name, notification, subscribers):
        budget = budget_of(self, account_id, budget_name, "create notification")
        _check_subscribers(subscribers or [])
        if any(notification_key(item.details) == notification_key(notification) for item in budget.notifications):
            raise DuplicateRecordException(record_type="notification", record_name=budget_name)
        budget.add_notification(details=notification, subscribers=subscribers)

    def delete_notification(self, account_id, budget_name, notification):
        budget = budget_of(self, account_id, budget_name, "delete notification")
        found = notification_of(budget, notification, "delete notification")
        budget.notifications = [item for item in budget.notifications if item is not found]

    def update_notification(self, account_id, budget_name, old_notification, new_notification):
        budget = budget_of(self, account_id, budget_name, "update notification")
        found = notification_of(budget, old_notification, "update notification")
        if notification_key(old_notification) != notification_key(new_notification) and any(
            notification_key(item.details) == notification_key(new_notification) for item in budget.notifications
        ):
            raise DuplicateRecordException(record_type="notification", record_name=budget_name)
        found.details = new_notification

    def describe_notifications_for_budget(self, account_id, budget_name):
        budget = budget_of(self, account_id, budget_name, "describe notifications")
        return [notification_view(item.details) for item in budget.notifications]

    def create_subscriber(self, account_id, budget_name, notification, subscriber):
        found = notification_of(budget_of(self, account_id, budget_name, "create subscriber"), notification, "create subscriber")
        subscribers = list(found.subscribers or [])
        if any((item["SubscriptionType"], item["Address"]) == (subscriber["SubscriptionType"], subscriber["Address"]) for item in subscribers):
            raise DuplicateRecordException(record_type="subscriber", record_name=subscriber["Address"])
        _check_subscribers(subscribers + [subscriber])
        found.subscribers = subscribers + [subscriber]

    def delete_subscriber(self, account_id, budget_name, notification, subscriber):
        found = notification_of(budget_of(self, account_id, budget_name, "delete subscriber"), notification, "delete subscriber")
        wanted = (subscriber["SubscriptionType"], subscriber["Address"])
        kept = [item for item in found.subscribers or [] if (item["SubscriptionType"], item["Address"]) != wanted]
        if len(kept) == len(found.subscribers or []):
            raise NotFoundException(f"Unable to delete subscriber - the subscriber {subscriber['Address']} doesn't exist.")
        found.subscribers = kept

    def describe_subscribers_for_notification(self, account_id, budget_name, notification):
        found = notification_of(budget_of(self, account_id, budget_name, "describe subscribers"), notification, "describe subscribers")
        return [dict(item) for item in found.subscribers or []]

    BudgetsBackend.update_budget = update_budget
    BudgetsBackend.create_notification = create_notification
    BudgetsBackend.delete_notification = delete_notification
    BudgetsBackend.update_notification = update_notification
    BudgetsBackend.describe_notifications_for_budget = describe_notifications_for_budget
    BudgetsBackend.create_subscriber = create_subscriber
    BudgetsBackend.delete_subscriber = delete_subscriber
    BudgetsBackend.describe_subscribers_for_notification = describe_subscribers_for_notification

    def update_budget_response(self):
        self.backend.update_budget(account_id=self._get_param("AccountId"), new_budget=self._get_param("NewBudget"))
        return json.dumps({})

    def update_notification_response(self):
        self.backend.update_notification(
            account_id=self._get_param("AccountId"),
            budget_name=self._get_param("BudgetName"),
            old_notification=self._get_param("OldNotification"),
            new_notification=self._get_param("NewNotification"),
        )
        return json.dumps({})

    def describe_notifications_response(self):
        notifications = self.backend.describe_notifications_for_budget(account_id=self._get_param("AccountId"), budget_name=self._get_param("BudgetName"))
        return json.dumps({"Notifications": notifications})

    def subscriber_call(method):
        def response(self):
            getattr(self.backend, method)(
                account_id=self._get_param("AccountId"),
                budget_name=self._get_param("BudgetName"),
                notification=self._get_param("Notification"),
                subscriber=self._get_param("Subscriber"),
            )
            return json.dumps({})

        return response

    def describe_subscribers_response(self):
        subscribers = self.backend.describe_subscribers_for_notification(
            account_id=self._get_param("AccountId"), budget_name=self._get_param("BudgetName"), notification=self._get_param("Notification")
        )
        return json.dumps({"Subscribers": subscribers})

    BudgetsResponse.update_budget = update_budget_response
    BudgetsResponse.update_notification = update_notification_response
    BudgetsResponse.describe_notifications_for_budget = describe_notifications_response
    BudgetsResponse.create_subscriber = subscriber_call("create_subscriber")
    BudgetsResponse.delete_subscriber = subscriber_call("delete_subscriber")
    BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_response


# --- X-Ray ------------------------------------------------------------------------------------------------------------

# https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html: the default rule, which cannot be
# deleted, records the first request each second and five percent of any additional requests.
DEFAULT_RULE = {
    "RuleName": "Default",
    "ResourceARN": "*",
    "Priority": 10000,
    "FixedRate": 0.05,
    "ReservoirSize": 1,
    "ServiceName": "*",
    "ServiceType": "*",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "*",
    "Version": 1,
    "Attributes": {},
}
# https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html
RULE_FIELDS = ("ResourceARN", "Priority", "FixedRate", "ReservoirSize", "ServiceName", "ServiceType", "Host", "HTTPMethod", "URLPath", "Attributes")
REQUIRED_RULE_FIELDS = (
    "RuleName",
    "ResourceARN",
    "Priority",
    "FixedRate",
    "ReservoirSize",
    "ServiceName",
    "ServiceType",
    "Host",
    "HTTPMethod",
    "URLPath",
    "Version",
)
# https://docs.aws.amazon.com/general/latest/gr/xray.html: 25 sampling rules per Region and account (the Default one included).
MAX_RULES = 25
XRAY_PATHS = ("CreateSamplingRule", "GetSamplingRules", "UpdateSamplingRule", "DeleteSamplingRule", "TagResource", "UntagResource", "ListTagsForResource")


class XRayInvalidRequest(JsonRESTError):
    """https://docs.aws.amazon.com/xray/latest/api/API_CreateSamplingRule.html#API_CreateSamplingRule_Errors"""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidRequestException", message)


class XRayRuleLimitExceeded(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("RuleLimitExceededException", f"You have reached the maximum number of sampling rules ({MAX_RULES}).")


class XRayResourceNotFound(JsonRESTError):
    code = 404

    def __init__(self, arn: str) -> None:
        super().__init__("ResourceNotFoundException", f"Resource {arn} not found.")


def _epoch_now() -> float:
    return datetime.now(timezone.utc).timestamp()


def _check_rule(rule: dict) -> None:
    """What AWS checks in a rule's values (https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html)."""
    priority, rate, reservoir = rule.get("Priority"), rule.get("FixedRate"), rule.get("ReservoirSize")
    if not isinstance(priority, int) or not 1 <= priority <= 9999:
        raise XRayInvalidRequest(f"Priority must be an integer from 1 to 9999, not {priority!r}")
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise XRayInvalidRequest(f"FixedRate must be a number from 0 to 1, not {rate!r}")
    if not isinstance(reservoir, int) or reservoir < 0:
        raise XRayInvalidRequest(f"ReservoirSize must be an integer of 0 or more, not {reservoir!r}")
    for key, limit in (("ServiceName", 64), ("ServiceType", 64), ("Host", 64), ("HTTPMethod", 10), ("URLPath", 128), ("ResourceARN", 500)):
        if len(str(rule.get(key, ""))) > limit:
            raise XRayInvalidRequest(f"{key} is longer than {limit} characters")


def _xray_state(backend) -> dict:
    """The backend's sampling rules {name: record} and tags {arn: {key: value}}, made with the Default rule on first use."""
    state = backend.__dict__.get("stories_sampling")
    if state is None:
        now = _epoch_now()
        default = dict(DEFAULT_RULE, RuleARN=f"arn:aws:xray:{backend.region_name}:{backend.account_id}:sampling-rule/Default")
        state = {"rules": {"Default": {"SamplingRule": default, "CreatedAt": 0.0, "ModifiedAt": now}}, "tags": {}}
        backend.__dict__["stories_sampling"] = state
    return state


def _rule_named(state: dict, name: str | None, arn: str | None) -> dict:
    for record in state["rules"].values():
        rule = record["SamplingRule"]
        if (name and rule["RuleName"] == name) or (arn and rule["RuleARN"] == arn):
            return record
    raise XRayInvalidRequest("Sampling rule does not exist")


def xray_sampling_rules() -> None:
    """X-Ray has sampling rules: Create/Get/Update/DeleteSamplingRule, with the Default rule, and their tags.

    AWS (https://docs.aws.amazon.com/xray/latest/api/API_CreateSamplingRule.html, .../API_GetSamplingRules.html,
    .../API_UpdateSamplingRule.html, .../API_DeleteSamplingRule.html, .../API_SamplingRule.html): every Region has the
    rule named Default (priority 10000, reservoir 1, fixed rate 0.05, every field ``*``), which can be updated (rate and
    reservoir) but not deleted; a rule has a name unique in the Region, priority 1-9999, fixed rate 0-1, reservoir 0 or
    more, Version 1; a rule's name and version cannot change; each record has CreatedAt and ModifiedAt; an unknown rule
    is InvalidRequestException; at most 25 rules (https://docs.aws.amazon.com/general/latest/gr/xray.html,
    RuleLimitExceededException). Tags given to CreateSamplingRule are read with ListTagsForResource and changed with
    TagResource / UntagResource on the rule's ARN (https://docs.aws.amazon.com/xray/latest/api/API_TagResource.html).
    moto: knows none of these paths; boto3's calls get a 404.
    """
    from moto.xray import urls
    from moto.xray.responses import XRayResponse

    for path in XRAY_PATHS:
        urls.url_paths.setdefault("{0}/" + path + "$", XRayResponse.dispatch)

    def create_sampling_rule(self):
        state = _xray_state(self.xray_backend)
        rule = dict(self._get_param("SamplingRule") or {})
        missing = [key for key in REQUIRED_RULE_FIELDS if key not in rule]
        if missing:
            raise XRayInvalidRequest(f"Missing required fields: {', '.join(missing)}")
        if rule["Version"] != 1:
            raise XRayInvalidRequest("Version must be 1")
        if rule["RuleName"] in state["rules"]:
            raise XRayInvalidRequest(f"Sampling rule {rule['RuleName']} already exists")
        if len(state["rules"]) >= MAX_RULES:
            raise XRayRuleLimitExceeded()
        _check_rule(rule)
        rule.setdefault("Attributes", {})
        backend = self.xray_backend
        rule["RuleARN"] = f"arn:aws:xray:{backend.region_name}:{backend.account_id}:sampling-rule/{rule['RuleName']}"
        now = _epoch_now()
        record = {"SamplingRule": rule, "CreatedAt": now, "ModifiedAt": now}
        state["rules"][rule["RuleName"]] = record
        tags = self._get_param("Tags") or []
        if tags:
            state["tags"][rule["RuleARN"]] = {tag["Key"]: tag["Value"] for tag in tags}
        return json.dumps({"SamplingRuleRecord": record})

    def get_sampling_rules(self):
        state = _xray_state(self.xray_backend)
        return json.dumps({"SamplingRuleRecords": list(state["rules"].values())})

    def update_sampling_rule(self):
        state = _xray_state(self.xray_backend)
        update = self._get_param("SamplingRuleUpdate") or {}
        record = _rule_named(state, update.get("RuleName"), update.get("RuleARN"))
        rule = dict(record["SamplingRule"])
        rule.update({key: update[key] for key in RULE_FIELDS if key in update})
        if record["SamplingRule"]["RuleName"] == "Default" and any(
            rule[key] != DEFAULT_RULE[key] for key in RULE_FIELDS if key not in ("FixedRate", "ReservoirSize")
        ):
            raise XRayInvalidRequest("Only FixedRate and ReservoirSize of the Default rule can be changed")
        _check_rule(rule)
        record["SamplingRule"] = rule
        record["ModifiedAt"] = _epoch_now()
        return json.dumps({"SamplingRuleRecord": record})

    def delete_sampling_rule(self):
        state = _xray_state(self.xray_backend)
        record = _rule_named(state, self._get_param("RuleName"), self._get_param("RuleARN"))
        if record["SamplingRule"]["RuleName"] == "Default":
            raise XRayInvalidRequest("The Default sampling rule cannot be deleted")
        del state["rules"][record["SamplingRule"]["RuleName"]]
        state["tags"].pop(record["SamplingRule"]["RuleARN"], None)
        return json.dumps({"SamplingRuleRecord": record})

    def tagged(self):
        state = _xray_state(self.xray_backend)
        arn = self._get_param("ResourceARN")
        if not any(record["SamplingRule"]["RuleARN"] == arn for record in state["rules"].values()):
            raise XRayResourceNotFound(arn)
        return state["tags"].setdefault(arn, {})

    def tag_resource(self):
        tagged(self).update({tag["Key"]: tag["Value"] for tag in self._get_param("Tags") or []})
        return json.dumps({})

    def untag_resource(self):
        tags = tagged(self)
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self):
        return json.dumps({"Tags": [{"Key": key, "Value": value} for key, value in tagged(self).items()]})

    XRayResponse.create_sampling_rule = create_sampling_rule
    XRayResponse.get_sampling_rules = get_sampling_rules
    XRayResponse.update_sampling_rule = update_sampling_rule
    XRayResponse.delete_sampling_rule = delete_sampling_rule
    XRayResponse.tag_resource = tag_resource
    XRayResponse.untag_resource = untag_resource
    XRayResponse.list_tags_for_resource = list_tags_for_resource


# --- CloudWatch -------------------------------------------------------------------------------------------------------


def cloudwatch_put_dashboard_needs_widgets() -> None:
    """PutDashboard refuses a body that is not a JSON object with a ``widgets`` array.

    AWS (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
    the body is a JSON object whose ``widgets`` array is required; a body that does not follow the structure is
    InvalidParameterInput (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html#API_PutDashboard_Errors).
    moto: refuses only a body that is not JSON at all, so ``[]``, ``"x"`` or ``{"widget": []}`` are stored.
    """
    from moto.cloudwatch.exceptions import DashboardInvalidInputError
    from moto.cloudwatch.responses import CloudWatchResponse

    original = CloudWatchResponse.put_dashboard

    @functools.wraps(original)
    def put_dashboard(self):
        try:
            body = json.loads(self._get_param("DashboardBody") or "")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("widgets"), list):
            raise DashboardInvalidInputError("The field DashboardBody must be a JSON object with a widgets array")
        if not all(isinstance(widget, dict) and isinstance(widget.get("type"), str) for widget in body["widgets"]):
            raise DashboardInvalidInputError("Each widget of DashboardBody must be an object with a type")
        return original(self)

    CloudWatchResponse.put_dashboard = put_dashboard
