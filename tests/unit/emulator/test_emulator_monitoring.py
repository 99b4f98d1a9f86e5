"""Budgets, X-Ray sampling rules and CloudWatch dashboards through boto3 against the emulator (tools/emulator/monitoring.py).

Answers are checked against the operation's output shape in botocore's model.
"""

import json

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:stories-cost-alerts"
ACTUAL_80 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
FORECAST_100 = {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100.0, "ThresholdType": "PERCENTAGE"}
FINANCE = {"SubscriptionType": "EMAIL", "Address": "finance@1001stories.org"}
CTO = {"SubscriptionType": "EMAIL", "Address": "cto@1001stories.org"}


def checked(client, service, operation, **params):
    answer = getattr(client, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    model = service_model(service).operation_model("".join(part.title() for part in operation.split("_")))
    report = ParamValidator().validate(body, model.output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def error_code(raised):
    return raised.value.response["Error"]["Code"]


def budget(amount="10000", **extra):
    return dict(BudgetName="1001-stories-monthly", BudgetLimit={"Amount": amount, "Unit": "USD"}, TimeUnit="MONTHLY", BudgetType="COST", **extra)


@pytest.fixture
def budgets(aws):
    client = aws("budgets")
    client.create_budget(
        AccountId=ACCOUNT, Budget=budget(), NotificationsWithSubscribers=[{"Notification": dict(ACTUAL_80, Threshold=80), "Subscribers": [FINANCE]}]
    )
    return client


def test_budget_limit_is_described_as_aws_writes_it_and_updated(budgets):
    described = checked(budgets, "budgets", "describe_budget", AccountId=ACCOUNT, BudgetName="1001-stories-monthly")["Budget"]
    assert described["BudgetLimit"] == {"Amount": "10000.0", "Unit": "USD"}

    budgets.update_budget(AccountId=ACCOUNT, NewBudget=budget("18000", CostFilters={"TagKeyValue": ["user:Project$1001-stories"]}))
    updated = budgets.describe_budget(AccountId=ACCOUNT, BudgetName="1001-stories-monthly")["Budget"]
    assert updated["BudgetLimit"]["Amount"] == "18000.0"
    assert updated["CostFilters"] == {"TagKeyValue": ["user:Project$1001-stories"]}
    assert updated["TimePeriod"] == described["TimePeriod"]

    with pytest.raises(ClientError) as raised:
        budgets.update_budget(AccountId=ACCOUNT, NewBudget=dict(budget(), BudgetName="nope"))
    assert error_code(raised) == "NotFoundException"


def test_notifications_and_subscribers(budgets):
    listed = checked(budgets, "budgets", "describe_notifications_for_budget", AccountId=ACCOUNT, BudgetName="1001-stories-monthly")
    assert listed["Notifications"] == [dict(ACTUAL_80, NotificationState="OK")]

    with pytest.raises(ClientError) as raised:
        budgets.create_notification(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=ACTUAL_80, Subscribers=[CTO])
    assert error_code(raised) == "DuplicateRecordException"

    budgets.create_notification(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=dict(FORECAST_100, Threshold=90.0), Subscribers=[FINANCE])
    budgets.update_notification(
        AccountId=ACCOUNT, BudgetName="1001-stories-monthly", OldNotification=dict(FORECAST_100, Threshold=90.0), NewNotification=FORECAST_100
    )
    budgets.create_subscriber(
        AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=FORECAST_100, Subscriber={"SubscriptionType": "SNS", "Address": TOPIC}
    )
    subscribers = checked(
        budgets, "budgets", "describe_subscribers_for_notification", AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=FORECAST_100
    )["Subscribers"]
    assert subscribers == [FINANCE, {"SubscriptionType": "SNS", "Address": TOPIC}]

    with pytest.raises(ClientError) as raised:
        budgets.create_subscriber(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=FORECAST_100, Subscriber=FINANCE)
    assert error_code(raised) == "DuplicateRecordException"
    budgets.delete_subscriber(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=FORECAST_100, Subscriber=FINANCE)
    with pytest.raises(ClientError) as raised:
        budgets.delete_subscriber(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=FORECAST_100, Subscriber=FINANCE)
    assert error_code(raised) == "NotFoundException"

    budgets.delete_notification(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=ACTUAL_80)
    with pytest.raises(ClientError) as raised:
        budgets.delete_notification(AccountId=ACCOUNT, BudgetName="1001-stories-monthly", Notification=ACTUAL_80)
    assert error_code(raised) == "NotFoundException"
    remaining = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="1001-stories-monthly")["Notifications"]
    assert [item["NotificationType"] for item in remaining] == ["FORECASTED"]


def test_unknown_budget_and_bad_subscribers_are_refused(budgets):
    with pytest.raises(ClientError) as raised:
        budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="nope")
    assert error_code(raised) == "NotFoundException"
    with pytest.raises(ClientError) as raised:
        budgets.create_notification(
            AccountId=ACCOUNT,
            BudgetName="1001-stories-monthly",
            Notification=FORECAST_100,
            Subscribers=[{"SubscriptionType": "EMAIL", "Address": "not-an-address"}],
        )
    assert error_code(raised) == "InvalidParameterException"


@pytest.fixture
def xray(aws):
    return aws("xray", region="eu-west-1")


RULE = {
    "RuleName": "stories-app",
    "ResourceARN": "*",
    "Priority": 100,
    "FixedRate": 0.1,
    "ReservoirSize": 5,
    "ServiceName": "1001-stories-app",
    "ServiceType": "AWS::ECS::Container",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "/api/*",
    "Version": 1,
}


def test_default_sampling_rule_is_there_and_cannot_be_deleted(xray):
    records = checked(xray, "xray", "get_sampling_rules")["SamplingRuleRecords"]
    assert [record["SamplingRule"]["RuleName"] for record in records] == ["Default"]
    default = records[0]["SamplingRule"]
    assert (default["Priority"], default["FixedRate"], default["ReservoirSize"]) == (10000, 0.05, 1)
    assert default["RuleARN"] == f"arn:aws:xray:eu-west-1:{ACCOUNT}:sampling-rule/Default"
    with pytest.raises(ClientError) as raised:
        xray.delete_sampling_rule(RuleName="Default")
    assert error_code(raised) == "InvalidRequestException"


def test_sampling_rule_round_trip_with_tags(xray):
    created = checked(xray, "xray", "create_sampling_rule", SamplingRule=RULE, Tags=[{"Key": "Project", "Value": "1001-stories"}])["SamplingRuleRecord"]
    arn = created["SamplingRule"]["RuleARN"]
    assert arn == f"arn:aws:xray:eu-west-1:{ACCOUNT}:sampling-rule/stories-app"
    assert created["SamplingRule"]["Attributes"] == {}
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "Project", "Value": "1001-stories"}]

    with pytest.raises(ClientError) as raised:
        xray.create_sampling_rule(SamplingRule=RULE)
    assert error_code(raised) == "InvalidRequestException"

    updated = checked(xray, "xray", "update_sampling_rule", SamplingRuleUpdate={"RuleName": "stories-app", "FixedRate": 0.2})["SamplingRuleRecord"]
    assert updated["SamplingRule"]["FixedRate"] == 0.2
    assert updated["SamplingRule"]["URLPath"] == "/api/*"
    xray.tag_resource(ResourceARN=arn, Tags=[{"Key": "Phase", "Value": "2"}])
    xray.untag_resource(ResourceARN=arn, TagKeys=["Project"])
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "Phase", "Value": "2"}]

    xray.delete_sampling_rule(RuleARN=arn)
    names = [record["SamplingRule"]["RuleName"] for record in xray.get_sampling_rules()["SamplingRuleRecords"]]
    assert names == ["Default"]
    with pytest.raises(ClientError) as raised:
        xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "stories-app", "FixedRate": 0.3})
    assert error_code(raised) == "InvalidRequestException"


@pytest.mark.parametrize("change", [{"Priority": 0}, {"Priority": 10000}, {"FixedRate": 1.5}, {"ReservoirSize": -1}, {"Version": 2}])
def test_sampling_rule_values_are_checked(aws, change):
    # Without botocore's own range checks, to see the emulator's.
    xray = aws("xray", region="eu-west-1", parameter_validation=False)
    with pytest.raises(ClientError) as raised:
        xray.create_sampling_rule(SamplingRule=dict(RULE, **change))
    assert error_code(raised) == "InvalidRequestException"
    assert len(xray.get_sampling_rules()["SamplingRuleRecords"]) == 1


def test_dashboard_body_must_have_widgets(aws):
    cloudwatch = aws("cloudwatch")
    body = {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3, "properties": {"markdown": "1001 Stories"}}]}
    checked(cloudwatch, "cloudwatch", "put_dashboard", DashboardName="1001-Stories-Production", DashboardBody=json.dumps(body))
    got = checked(cloudwatch, "cloudwatch", "get_dashboard", DashboardName="1001-Stories-Production")
    assert json.loads(got["DashboardBody"]) == body
    for wrong in ("not json", "[]", '{"widget": []}', '{"widgets": [1]}'):
        with pytest.raises(ClientError) as raised:
            cloudwatch.put_dashboard(DashboardName="wrong", DashboardBody=wrong)
        assert error_code(raised) == "InvalidParameterInput"
    assert [entry["DashboardName"] for entry in cloudwatch.list_dashboards()["DashboardEntries"]] == ["1001-Stories-Production"]
