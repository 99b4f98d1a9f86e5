"""Cost Anomaly Detection monitors and subscriptions through boto3 against the emulator (tools/emulator/cost_explorer.py)."""

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

SNS = "arn:aws:sns:us-east-1:123456789012:stories1001-cost-alerts"
EMAILS = [{"Type": "EMAIL", "Address": "finance@1001stories.org"}, {"Type": "EMAIL", "Address": "cto@1001stories.org"}]


def threshold(value):
    return {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": [value]}}


def checked(ce, operation, **params):
    answer = getattr(ce, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    model = service_model("ce").operation_model("".join(part.title() for part in operation.split("_")))
    report = ParamValidator().validate(body, model.output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def error_code(raised):
    return raised.value.response["Error"]["Code"]


@pytest.fixture
def ce(aws):
    return aws("ce")


@pytest.fixture
def monitor(ce):
    return ce.create_anomaly_monitor(
        AnomalyMonitor={"MonitorName": "stories1001-services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"},
        ResourceTags=[{"Key": "Project", "Value": "stories1001"}],
    )["MonitorArn"]


def subscribe(ce, monitor, **extra):
    subscription = {
        "SubscriptionName": "cost-alerts",
        "MonitorArnList": [monitor],
        "Frequency": "DAILY",
        "Subscribers": EMAILS,
        "ThresholdExpression": threshold("200"),
    }
    subscription.update(extra)
    return ce.create_anomaly_subscription(AnomalySubscription=subscription)["SubscriptionArn"]


def test_monitor_round_trip(ce, monitor):
    monitors = checked(ce, "get_anomaly_monitors")["AnomalyMonitors"]
    assert [(item["MonitorArn"], item["MonitorName"], item["MonitorDimension"]) for item in monitors] == [(monitor, "stories1001-services", "SERVICE")]
    assert ce.list_tags_for_resource(ResourceArn=monitor)["ResourceTags"] == [{"Key": "Project", "Value": "stories1001"}]

    ce.update_anomaly_monitor(MonitorArn=monitor, MonitorName="renamed")
    assert checked(ce, "get_anomaly_monitors", MonitorArnList=[monitor])["AnomalyMonitors"][0]["MonitorName"] == "renamed"

    ce.delete_anomaly_monitor(MonitorArn=monitor)
    assert ce.get_anomaly_monitors()["AnomalyMonitors"] == []
    with pytest.raises(ClientError) as raised:
        ce.delete_anomaly_monitor(MonitorArn=monitor)
    assert error_code(raised) == "UnknownMonitorException"


@pytest.mark.parametrize(
    "monitor",
    [
        {"MonitorName": "m", "MonitorType": "DIMENSIONAL"},
        {"MonitorName": "m", "MonitorType": "CUSTOM", "MonitorDimension": "SERVICE"},
        {"MonitorName": "m", "MonitorType": "DIMENSIONAL", "MonitorDimension": "TAG"},
    ],
)
def test_invalid_monitors_are_refused(ce, monitor):
    with pytest.raises(ClientError) as raised:
        ce.create_anomaly_monitor(AnomalyMonitor=monitor)
    assert error_code(raised) == "ValidationException"


def test_subscription_round_trip(ce, monitor):
    arn = subscribe(ce, monitor)
    subscription = checked(ce, "get_anomaly_subscriptions", MonitorArn=monitor)["AnomalySubscriptions"][0]
    assert subscription["SubscriptionArn"] == arn
    assert subscription["ThresholdExpression"] == threshold("200")
    assert subscription["Subscribers"] == EMAILS

    ce.update_anomaly_subscription(SubscriptionArn=arn, ThresholdExpression=threshold("300"))
    updated = checked(ce, "get_anomaly_subscriptions", SubscriptionArnList=[arn])["AnomalySubscriptions"][0]
    assert updated["ThresholdExpression"] == threshold("300")
    assert updated["Frequency"] == "DAILY"
    assert updated["Subscribers"] == EMAILS

    ce.delete_anomaly_subscription(SubscriptionArn=arn)
    with pytest.raises(ClientError) as raised:
        ce.get_anomaly_subscriptions(SubscriptionArnList=[arn])
    assert error_code(raised) == "UnknownSubscriptionException"


def test_immediate_alerts_go_to_sns_only(ce, monitor):
    with pytest.raises(ClientError) as raised:
        subscribe(ce, monitor, Frequency="IMMEDIATE")
    assert error_code(raised) == "ValidationException"

    arn = subscribe(ce, monitor, Frequency="IMMEDIATE", Subscribers=[{"Type": "SNS", "Address": SNS}])
    with pytest.raises(ClientError) as raised:
        ce.update_anomaly_subscription(SubscriptionArn=arn, Subscribers=EMAILS)
    assert error_code(raised) == "ValidationException"


def test_subscription_of_an_unknown_monitor_is_refused(ce, monitor):
    with pytest.raises(ClientError) as raised:
        subscribe(ce, monitor + "0")
    assert error_code(raised) == "UnknownMonitorException"


def test_threshold_expression_is_checked(ce, monitor):
    wrong = threshold("200")
    wrong["Dimensions"]["MatchOptions"] = ["EQUALS"]
    with pytest.raises(ClientError) as raised:
        subscribe(ce, monitor, ThresholdExpression=wrong)
    assert error_code(raised) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        subscribe(ce, monitor, Threshold=200.0)
    assert error_code(raised) == "ValidationException"
