"""Cost Anomaly Detection monitors and alert subscriptions; patches.py lists the patch below in ``PATCHES``.

moto 5.2.5's Cost Explorer has cost categories, tags and GetCostAndUsage only: every anomaly monitor and subscription
operation answers "not implemented". Here they are kept per account (Cost Explorer is global; boto3 reaches it in
us-east-1) with the checks AWS makes on the paths our modules use.

Not reproduced: no anomaly is ever detected (GetAnomalies is not patched) and no notification is sent; what AWS does to
the subscriptions of a monitor that is deleted is not documented, so they are left as they are; the quota of monitors
per account (and AWS's one DIMENSIONAL SERVICE monitor an account may have) is not enforced.
"""

import datetime
import functools
import json
import re

from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import mock_random

MONITOR_TYPES = ("DIMENSIONAL", "CUSTOM")
DIMENSIONS = ("SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY")
FREQUENCIES = ("DAILY", "IMMEDIATE", "WEEKLY")
THRESHOLD_KEYS = ("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ANOMALY_TOTAL_IMPACT_PERCENTAGE")
MAX_THRESHOLD = 10_000_000_000
# https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Subscriber.html
EMAIL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+=?^_`{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+$")
SNS = re.compile(r"^arn:(aws[a-zA-Z-]*):sns:[a-zA-Z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]+(\.fifo)?$")
DEFAULT_PAGE = 100


class CostExplorerError(JsonRESTError):
    code = 400


def unknown_monitor(arn: str) -> CostExplorerError:
    return CostExplorerError("UnknownMonitorException", f"No anomaly monitor found for {arn}")


def unknown_subscription(arn: str) -> CostExplorerError:
    return CostExplorerError("UnknownSubscriptionException", f"No anomaly subscription found for {arn}")


def validation(message: str) -> CostExplorerError:
    return CostExplorerError("ValidationException", message)


def today() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def check_monitor(monitor: dict) -> None:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html"""
    if not monitor.get("MonitorName"):
        raise validation("MonitorName is required")
    kind, dimension, specification = monitor.get("MonitorType"), monitor.get("MonitorDimension"), monitor.get("MonitorSpecification")
    if kind not in MONITOR_TYPES:
        raise validation(f"MonitorType must be one of {', '.join(MONITOR_TYPES)}")
    if kind == "DIMENSIONAL":
        if dimension not in DIMENSIONS:
            raise validation("A DIMENSIONAL monitor needs a MonitorDimension")
        if dimension in ("SERVICE", "LINKED_ACCOUNT") and specification:
            raise validation(f"A DIMENSIONAL monitor of dimension {dimension} takes no MonitorSpecification")
        if dimension in ("TAG", "COST_CATEGORY") and not specification:
            raise validation(f"A DIMENSIONAL monitor of dimension {dimension} needs a MonitorSpecification")
    else:
        if dimension:
            raise validation("A CUSTOM monitor takes no MonitorDimension")
        if not specification:
            raise validation("A CUSTOM monitor needs a MonitorSpecification")


def check_threshold_expression(expression: dict) -> None:
    """Dimensions ANOMALY_TOTAL_IMPACT_ABSOLUTE/PERCENTAGE with GREATER_THAN_OR_EQUAL and a number, possibly in And/Or."""
    nested = expression.get("And") or expression.get("Or")
    if nested:
        for item in nested:
            check_threshold_expression(item)
        return
    dimension = expression.get("Dimensions") or {}
    if dimension.get("Key") not in THRESHOLD_KEYS or set(expression) != {"Dimensions"}:
        raise validation(f"ThresholdExpression supports the dimensions {', '.join(THRESHOLD_KEYS)} with And and Or only")
    if dimension.get("MatchOptions") != ["GREATER_THAN_OR_EQUAL"]:
        raise validation("ThresholdExpression requires the match option GREATER_THAN_OR_EQUAL")
    values = dimension.get("Values") or []
    try:
        numbers = [float(value) for value in values]
    except ValueError:
        numbers = []
    if len(numbers) != 1 or not 0 <= numbers[0] <= MAX_THRESHOLD:
        raise validation(f"ThresholdExpression values must be one number between 0 and {MAX_THRESHOLD}")


def check_subscription(subscription: dict, monitors: dict) -> None:
    """https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html"""
    if not subscription.get("SubscriptionName"):
        raise validation("SubscriptionName is required")
    if not subscription.get("MonitorArnList"):
        raise validation("MonitorArnList must name at least one monitor")
    for arn in subscription["MonitorArnList"]:
        if arn not in monitors:
            raise unknown_monitor(arn)
    frequency = subscription.get("Frequency")
    if frequency not in FREQUENCIES:
        raise validation(f"Frequency must be one of {', '.join(FREQUENCIES)}")
    subscribers = subscription.get("Subscribers") or []
    if not subscribers:
        raise validation("Subscribers must name at least one subscriber")
    for subscriber in subscribers:
        kind, address = subscriber.get("Type"), subscriber.get("Address") or ""
        if kind == "EMAIL" and not EMAIL.match(address) or kind == "SNS" and not SNS.match(address) or kind not in ("EMAIL", "SNS"):
            raise validation(f"Invalid subscriber {kind} {address}")
        if frequency == "IMMEDIATE" and kind != "SNS":
            raise validation("Subscriptions with frequency IMMEDIATE can only have SNS subscribers")
    has_threshold, has_expression = subscription.get("Threshold") is not None, bool(subscription.get("ThresholdExpression"))
    if has_threshold == has_expression:
        raise validation("Specify exactly one of Threshold and ThresholdExpression")
    if has_expression:
        check_threshold_expression(subscription["ThresholdExpression"])
    elif subscription["Threshold"] < 0:
        raise validation("Threshold must not be negative")


def page(items: list, params: dict) -> tuple[list, str | None]:
    start = int(params.get("NextPageToken") or 0)
    size = params.get("MaxResults") or DEFAULT_PAGE
    token = str(start + size) if start + size < len(items) else None
    return items[start : start + size], token


def ce_anomaly_monitors_and_subscriptions() -> None:
    """Anomaly monitors and subscriptions are created, read, updated and deleted as on AWS.

    AWS (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CreateAnomalyMonitor.html and the
    other *AnomalyMonitor/*AnomalySubscription pages): monitors are DIMENSIONAL (with a MonitorDimension) or CUSTOM
    (with a MonitorSpecification); UpdateAnomalyMonitor only renames; a subscription names existing monitors
    (UnknownMonitorException otherwise), one of Threshold or ThresholdExpression (GREATER_THAN_OR_EQUAL on
    ANOMALY_TOTAL_IMPACT_ABSOLUTE/PERCENTAGE), and subscribers; "Notifications are sent either over email (for DAILY
    and WEEKLY frequencies) or SNS (for IMMEDIATE frequency)" (API_AnomalySubscription.html#awscostmanagement-Type-AnomalySubscription-Frequency);
    UpdateAnomalySubscription leaves omitted fields unchanged; unknown ARNs answer UnknownMonitorException or
    UnknownSubscriptionException.
    moto: implements none of these operations.
    """
    from moto.ce.models import CostExplorerBackend
    from moto.ce.responses import CostExplorerResponse

    original_init = CostExplorerBackend.__init__

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.anomaly_monitors = {}
        self.anomaly_subscriptions = {}

    CostExplorerBackend.__init__ = __init__

    def arn(backend, kind):
        return f"arn:{backend.partition}:ce::{backend.account_id}:{kind}/{mock_random.uuid4()}"

    def monitor(backend, monitor_arn):
        if monitor_arn not in backend.anomaly_monitors:
            raise unknown_monitor(monitor_arn)
        return backend.anomaly_monitors[monitor_arn]

    def subscription(backend, subscription_arn):
        if subscription_arn not in backend.anomaly_subscriptions:
            raise unknown_subscription(subscription_arn)
        return backend.anomaly_subscriptions[subscription_arn]

    def params(response):
        return json.loads(response.body or "{}")

    def create_anomaly_monitor(self):
        request = params(self)
        wanted = dict(request.get("AnomalyMonitor") or {})
        check_monitor(wanted)
        backend = self.ce_backend
        created = {key: wanted[key] for key in ("MonitorName", "MonitorType", "MonitorDimension", "MonitorSpecification") if wanted.get(key)}
        created.update(MonitorArn=arn(backend, "anomalymonitor"), CreationDate=today(), LastUpdatedDate=today())
        if created["MonitorType"] == "DIMENSIONAL":
            created["DimensionalValueCount"] = 0
        backend.anomaly_monitors[created["MonitorArn"]] = created
        if request.get("ResourceTags"):
            backend.tag_resource(created["MonitorArn"], request["ResourceTags"])
        return json.dumps({"MonitorArn": created["MonitorArn"]})

    def get_anomaly_monitors(self):
        request = params(self)
        backend = self.ce_backend
        arns = request.get("MonitorArnList") or list(backend.anomaly_monitors)
        items, token = page([monitor(backend, item) for item in arns], request)
        return json.dumps({"AnomalyMonitors": items, **({"NextPageToken": token} if token else {})})

    def update_anomaly_monitor(self):
        request = params(self)
        found = monitor(self.ce_backend, request.get("MonitorArn"))
        if request.get("MonitorName"):
            found.update(MonitorName=request["MonitorName"], LastUpdatedDate=today())
        return json.dumps({"MonitorArn": found["MonitorArn"]})

    def delete_anomaly_monitor(self):
        request = params(self)
        monitor(self.ce_backend, request.get("MonitorArn"))
        del self.ce_backend.anomaly_monitors[request["MonitorArn"]]
        return "{}"

    def create_anomaly_subscription(self):
        request = params(self)
        backend = self.ce_backend
        wanted = dict(request.get("AnomalySubscription") or {})
        wanted.pop("SubscriptionArn", None)
        check_subscription(wanted, backend.anomaly_monitors)
        wanted.update(SubscriptionArn=arn(backend, "anomalysubscription"), AccountId=backend.account_id)
        backend.anomaly_subscriptions[wanted["SubscriptionArn"]] = wanted
        if request.get("ResourceTags"):
            backend.tag_resource(wanted["SubscriptionArn"], request["ResourceTags"])
        return json.dumps({"SubscriptionArn": wanted["SubscriptionArn"]})

    def get_anomaly_subscriptions(self):
        request = params(self)
        backend = self.ce_backend
        arns = request.get("SubscriptionArnList") or list(backend.anomaly_subscriptions)
        found = [subscription(backend, item) for item in arns]
        if request.get("MonitorArn"):
            found = [item for item in found if request["MonitorArn"] in item["MonitorArnList"]]
        items, token = page(found, request)
        return json.dumps({"AnomalySubscriptions": items, **({"NextPageToken": token} if token else {})})

    def update_anomaly_subscription(self):
        request = params(self)
        backend = self.ce_backend
        found = subscription(backend, request.get("SubscriptionArn"))
        updated = dict(found)
        for key in ("Frequency", "MonitorArnList", "Subscribers", "SubscriptionName"):
            if request.get(key) is not None:
                updated[key] = request[key]
        if request.get("ThresholdExpression") is not None:
            updated.pop("Threshold", None)
            updated["ThresholdExpression"] = request["ThresholdExpression"]
        if request.get("Threshold") is not None:
            updated.pop("ThresholdExpression", None)
            updated["Threshold"] = request["Threshold"]
        check_subscription(updated, backend.anomaly_monitors)
        backend.anomaly_subscriptions[updated["SubscriptionArn"]] = updated
        return json.dumps({"SubscriptionArn": updated["SubscriptionArn"]})

    def delete_anomaly_subscription(self):
        request = params(self)
        subscription(self.ce_backend, request.get("SubscriptionArn"))
        del self.ce_backend.anomaly_subscriptions[request["SubscriptionArn"]]
        return "{}"

    for handler in (
        create_anomaly_monitor,
        get_anomaly_monitors,
        update_anomaly_monitor,
        delete_anomaly_monitor,
        create_anomaly_subscription,
        get_anomaly_subscriptions,
        update_anomaly_subscription,
        delete_anomaly_subscription,
    ):
        setattr(CostExplorerResponse, handler.__name__, handler)
