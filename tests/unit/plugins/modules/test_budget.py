# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""budget driven through main() against real botocore Budgets and STS clients with Stubbers: every request is validated
against the service model, and any call not queued fails."""

import datetime

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.stories1001.infra.plugins.modules import budget as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, finish, new_stubber

ACCOUNT = "123456789012"
NAME = "1001-stories-monthly"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:1001-stories-cost-alerts"
FILTERS = {"TagKeyValue": ["user:Project$1001-stories"]}
ACTUAL = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0, "ThresholdType": "PERCENTAGE"}
FORECASTED = {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 100.0, "ThresholdType": "PERCENTAGE"}
FINANCE = {"SubscriptionType": "EMAIL", "Address": "finance@1001stories.org"}
CTO = {"SubscriptionType": "EMAIL", "Address": "cto@1001stories.org"}
SNS = {"SubscriptionType": "SNS", "Address": TOPIC}
COST_TYPES = {"IncludeTax": True, "IncludeSubscription": True, "UseBlended": False}
PERIOD = {"Start": datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc), "End": datetime.datetime(2087, 6, 15, tzinfo=datetime.timezone.utc)}
OPTIONS = {
    "name": NAME,
    "account_id": ACCOUNT,
    "limit_amount": 10000,
    "cost_filters": FILTERS,
    "notifications": [
        {"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"address": "finance@1001stories.org"}]},
        {"notification_type": "FORECASTED", "threshold": 100, "subscribers": [{"address": "finance@1001stories.org"}, {"type": "SNS", "address": TOPIC}]},
    ],
}


def aws_budget(amount="10000.0", filters=None, time_unit="MONTHLY"):
    return {
        "BudgetName": NAME,
        "BudgetLimit": {"Amount": amount, "Unit": "USD"},
        "CostFilters": FILTERS if filters is None else filters,
        "CostTypes": COST_TYPES,
        "TimeUnit": time_unit,
        "TimePeriod": PERIOD,
        "CalculatedSpend": {"ActualSpend": {"Amount": "604.45", "Unit": "USD"}},
        "BudgetType": "COST",
    }


@pytest.fixture
def budgets():
    stub = new_stubber("budgets")
    yield stub
    finish(stub)


@pytest.fixture
def sts():
    stub = new_stubber("sts")
    yield stub
    finish(stub)


@pytest.fixture
def run(budgets, sts, monkeypatch, capsys):
    """Run main() with OPTIONS updated by args; the result has the Budgets operations sent in result["_sent"], the
    regions of the Budgets clients in result["_regions"]."""
    regions = []

    def budgets_for(region):
        regions.append(region)
        return budgets

    stubbed = StubbedModule(module_under_test.main, "budgets", budgets_for, monkeypatch=monkeypatch, capsys=capsys)
    budgets_client = AnsibleAWSModule.client

    def client(module, service, retry_decorator=None, **kwargs):
        if service == "sts":
            assert retry_decorator is not None
            return RetryingBotoClientWrapper(sts.client, retry_decorator)
        return budgets_client(module, service, retry_decorator=retry_decorator, **kwargs)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)

    def run_main(args, check_mode=False):
        options = dict(OPTIONS, **args)
        result = stubbed.run(aws_args(region="eu-west-1", **{key: value for key, value in options.items() if value is not None}), check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_regions"] = regions
        return result

    return run_main


def by_name():
    return {"AccountId": ACCOUNT, "BudgetName": NAME}


def exists(stub, budget, notifications):
    """Queue the reads of a budget: DescribeBudget, its notifications, each one's subscribers."""
    stub.add_response("describe_budget", {"Budget": budget}, by_name())
    stub.add_response(
        "describe_notifications_for_budget",
        {"Notifications": [dict(notification, NotificationState="OK") for notification, subscribers in notifications]},
        dict(by_name(), MaxResults=100),
    )
    for notification, subscribers in notifications:
        stub.add_response("describe_subscribers_for_notification", {"Subscribers": subscribers}, dict(by_name(), Notification=notification, MaxResults=100))


def missing(stub):
    stub.add_client_error("describe_budget", "NotFoundException", "the budget doesn't exist", 400, expected_params=by_name())


CURRENT = [(ACTUAL, [FINANCE]), (FORECASTED, [FINANCE, SNS])]


def test_creates_budget_with_notifications_in_us_east_1(run, budgets):
    missing(budgets)
    budgets.add_response(
        "create_budget",
        {},
        {
            "AccountId": ACCOUNT,
            "Budget": {
                "BudgetName": NAME,
                "BudgetLimit": {"Amount": "10000.0", "Unit": "USD"},
                "CostFilters": FILTERS,
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
            },
            "NotificationsWithSubscribers": [{"Notification": ACTUAL, "Subscribers": [FINANCE]}, {"Notification": FORECASTED, "Subscribers": [FINANCE, SNS]}],
        },
    )
    exists(budgets, aws_budget(), CURRENT)

    result = run({})

    assert result["changed"] is True
    assert set(result["_regions"]) == {"us-east-1"}
    assert result["budget"]["limit_amount"] == 10000.0
    assert result["budget"]["cost_filters"] == FILTERS
    assert [item["notification_type"] for item in result["budget"]["notifications"]] == ["ACTUAL", "FORECASTED"]
    assert result["budget"]["notifications"][1]["subscribers"] == [{"type": "EMAIL", "address": "finance@1001stories.org"}, {"type": "SNS", "address": TOPIC}]
    assert result["diff"]["before"] == {}


def test_same_budget_written_differently_is_no_change(run, budgets):
    exists(budgets, aws_budget("10000.0"), list(reversed(CURRENT)))

    result = run({"limit_amount": 10000.0})

    assert result["changed"] is False
    assert "create_budget" not in result["_sent"] and "update_budget" not in result["_sent"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_changes_limit_notifications_and_subscribers(run, budgets):
    exists(budgets, aws_budget(), CURRENT + [({"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 50.0}, [FINANCE])])
    budgets.add_response(
        "update_budget",
        {},
        {
            "AccountId": ACCOUNT,
            "NewBudget": {
                "BudgetName": NAME,
                "BudgetLimit": {"Amount": "18000.0", "Unit": "USD"},
                "CostFilters": FILTERS,
                "TimeUnit": "MONTHLY",
                "BudgetType": "COST",
                "CostTypes": COST_TYPES,
                "TimePeriod": PERIOD,
            },
        },
    )
    actual_90 = dict(ACTUAL, Threshold=90.0)
    # The left-over ACTUAL notification with the lowest threshold becomes the new one; the other is deleted.
    actual_50 = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 50.0, "ThresholdType": "PERCENTAGE"}
    budgets.add_response("update_notification", {}, dict(by_name(), OldNotification=actual_50, NewNotification=actual_90))
    budgets.add_response("create_subscriber", {}, dict(by_name(), Notification=actual_90, Subscriber=CTO))
    budgets.add_response("delete_subscriber", {}, dict(by_name(), Notification=FORECASTED, Subscriber=SNS))
    budgets.add_response(
        "delete_notification",
        {},
        dict(by_name(), Notification=ACTUAL),
    )
    exists(budgets, aws_budget("18000.0"), [(actual_90, [CTO, FINANCE]), (FORECASTED, [FINANCE])])
    notifications = [
        {"notification_type": "ACTUAL", "threshold": 90, "subscribers": [{"address": "finance@1001stories.org"}, {"address": "cto@1001stories.org"}]},
        {"notification_type": "FORECASTED", "threshold": 100, "subscribers": [{"address": "finance@1001stories.org"}]},
    ]

    result = run({"limit_amount": 18000, "notifications": notifications})

    assert result["changed"] is True
    assert result["_sent"][-9:-4] == ["update_budget", "update_notification", "create_subscriber", "delete_subscriber", "delete_notification"]
    assert result["diff"]["before"]["limit_amount"] == 10000.0
    assert result["diff"]["after"]["limit_amount"] == 18000.0
    assert len(result["diff"]["before"]["notifications"]) == 3
    assert len(result["diff"]["after"]["notifications"]) == 2


def test_notifications_left_alone_when_not_given(run, budgets):
    exists(budgets, aws_budget(filters={}), CURRENT)

    result = run({"notifications": None, "cost_filters": {}})

    assert result["changed"] is False
    assert len(result["budget"]["notifications"]) == 2


def test_check_mode_writes_nothing(run, budgets):
    exists(budgets, aws_budget(), CURRENT)

    result = run({"limit_amount": 55000, "time_unit": "QUARTERLY"}, check_mode=True)

    assert result["changed"] is True
    assert not [operation for operation in result["_sent"] if not operation.startswith("describe_")]
    assert result["diff"]["after"]["limit_amount"] == 55000.0
    assert result["diff"]["after"]["time_unit"] == "QUARTERLY"
    assert result["diff"]["before"]["time_unit"] == "MONTHLY"


def test_creation_in_check_mode_writes_nothing(run, budgets):
    missing(budgets)

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_budget"]
    assert result["budget"]["limit_amount"] == 10000.0


def test_absent_deletes_then_is_no_change(run, budgets):
    exists(budgets, aws_budget(), CURRENT)
    budgets.add_response("delete_budget", {}, by_name())
    missing(budgets)

    first = run({"state": "absent"})
    second = run({"state": "absent"})

    assert first["changed"] is True
    assert first["diff"]["after"] == {}
    assert second["changed"] is False


def test_account_comes_from_sts_when_not_given(run, budgets, sts):
    sts.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ops", "UserId": "AIDAEXAMPLE"}, {})
    exists(budgets, aws_budget(), CURRENT)

    result = run({"account_id": None})

    assert result["changed"] is False
    assert result["budget"]["account_id"] == ACCOUNT


@pytest.mark.parametrize(
    "args, message",
    [
        ({"limit_amount": 0}, "greater than 0"),
        ({"limit_amount": -10}, "greater than 0"),
        ({"limit_amount": None}, "limit_amount is required"),
        ({"account_id": "1234"}, "12-digit"),
        ({"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"address": "finance.1001stories.org"}]}]}, "not an e-mail"),
        ({"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"type": "SNS", "address": "alerts"}]}]}, "SNS topic"),
        ({"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": []}]}, "at least one subscriber"),
        (
            {"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"address": f"u{index}@x.org"} for index in range(11)]}]},
            "at most 10",
        ),
        ({"notifications": [{"notification_type": "ACTUAL", "threshold": 80, "subscribers": [{"address": "a@x.org"}]}] * 2}, "same notification"),
    ],
)
def test_wrong_options_fail_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
