# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cost_anomaly_detection driven through main() against a real botocore Cost Explorer client with a Stubber."""

import pytest

from ansible_collections.stories1001.infra.plugins.modules import cost_anomaly_detection as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubbers_fixture

ACCOUNT = "123456789012"
MONITOR_ARN = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/0b5a1cd3-4f59-4b52-8f0c-1f2d3c4b5a69"
SUBSCRIPTION_ARN = f"arn:aws:ce::{ACCOUNT}:anomalysubscription/7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
SNS = f"arn:aws:sns:us-east-1:{ACCOUNT}:stories1001-cost-alerts"
EMAILS = [{"Type": "EMAIL", "Address": "cto@1001stories.org"}, {"Type": "EMAIL", "Address": "finance@1001stories.org"}]
OPTIONS = dict(
    monitor_name="stories1001-services",
    subscription_name="stories1001-cost-alerts",
    threshold=200,
    subscribers=[{"address": "finance@1001stories.org"}, {"address": "cto@1001stories.org"}],
    tags={"Project": "stories1001"},
)
TAG_LIST = [{"Key": "Project", "Value": "stories1001"}]


def threshold(value):
    return {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": [value]}}


MONITOR = {"MonitorArn": MONITOR_ARN, "MonitorName": "stories1001-services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}


def subscription(value="200", frequency="DAILY"):
    return {
        "SubscriptionArn": SUBSCRIPTION_ARN,
        "AccountId": ACCOUNT,
        "MonitorArnList": [MONITOR_ARN],
        "Subscribers": EMAILS,
        "Frequency": frequency,
        "SubscriptionName": "stories1001-cost-alerts",
        "ThresholdExpression": threshold(value),
    }


stubbers = stubbers_fixture("ce")


@pytest.fixture
def stubber(stubbers):
    return stubbers["us-east-1"]


@pytest.fixture
def run(stubbers, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "ce", lambda region: stubbers[region], monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        # The module's region does not matter: Cost Explorer is called in us-east-1.
        result = stubbed.run(aws_args(region="eu-west-1", **dict(OPTIONS, **args)), check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = list(stubbed.clients)
        return result

    return _run


def existing(stubber, monitor=None, sub=None):
    stubber.add_response("get_anomaly_monitors", {"AnomalyMonitors": [monitor] if monitor else []}, {})
    stubber.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": [sub] if sub else []}, {})
    if monitor:
        stubber.add_response("list_tags_for_resource", {"ResourceTags": TAG_LIST}, {"ResourceArn": monitor["MonitorArn"]})
    if sub:
        stubber.add_response("list_tags_for_resource", {"ResourceTags": TAG_LIST}, {"ResourceArn": sub["SubscriptionArn"]})


def test_create_monitor_then_subscription_in_us_east_1(stubber, run):
    existing(stubber)
    stubber.add_response(
        "create_anomaly_monitor",
        {"MonitorArn": MONITOR_ARN},
        {"AnomalyMonitor": {"MonitorName": "stories1001-services", "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE"}, "ResourceTags": TAG_LIST},
    )
    request = {
        "SubscriptionName": "stories1001-cost-alerts",
        "MonitorArnList": [MONITOR_ARN],
        "Frequency": "DAILY",
        "ThresholdExpression": threshold("200"),
        "Subscribers": EMAILS,
    }
    stubber.add_response("create_anomaly_subscription", {"SubscriptionArn": SUBSCRIPTION_ARN}, {"AnomalySubscription": request, "ResourceTags": TAG_LIST})
    existing(stubber, MONITOR, subscription())

    result = run({})

    assert result["changed"] is True
    assert result["_clients"] == ["us-east-1"]
    assert result["monitor"]["monitor_arn"] == MONITOR_ARN
    assert result["subscription"]["threshold"] == 200.0
    assert result["diff"]["before"] == {"monitor": {}, "subscription": {}}


def test_rerun_writes_nothing(stubber, run):
    existing(stubber, MONITOR, subscription())

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["get_anomaly_monitors", "get_anomaly_subscriptions", "list_tags_for_resource", "list_tags_for_resource"]


def test_a_new_threshold_updates_only_the_threshold(stubber, run):
    existing(stubber, MONITOR, subscription())
    stubber.add_response(
        "update_anomaly_subscription", {"SubscriptionArn": SUBSCRIPTION_ARN}, {"SubscriptionArn": SUBSCRIPTION_ARN, "ThresholdExpression": threshold("300")}
    )
    existing(stubber, MONITOR, subscription("300"))

    result = run({"threshold": 300})

    assert result["changed"] is True
    assert result["diff"]["before"]["subscription"]["threshold"] == 200.0
    assert result["subscription"]["threshold"] == 300.0


def test_check_mode_writes_nothing(stubber, run):
    existing(stubber, MONITOR, subscription())

    result = run({"threshold": 300, "tags": {"Project": "stories1001", "Team": "finance"}}, check_mode=True)

    assert result["changed"] is True
    assert result["subscription"]["threshold"] == 300.0
    assert result["monitor"]["tags"] == {"Project": "stories1001", "Team": "finance"}
    assert "update_anomaly_subscription" not in result["_sent"] and "tag_resource" not in result["_sent"]


def test_a_different_monitor_dimension_fails_as_aws_cannot_change_it(stubber, run):
    existing(stubber, MONITOR, subscription())

    result = run({"monitor_dimension": "LINKED_ACCOUNT"})

    assert result["failed"] is True
    assert "monitor_dimension" in result["msg"] and "can only rename" in result["msg"]


def test_absent_deletes_the_subscription_then_the_monitor(stubber, run):
    existing(stubber, MONITOR, subscription())
    stubber.add_response("delete_anomaly_subscription", {}, {"SubscriptionArn": SUBSCRIPTION_ARN})
    stubber.add_response("delete_anomaly_monitor", {}, {"MonitorArn": MONITOR_ARN})

    result = run({"state": "absent"})

    assert result["changed"] is True
    assert result["_sent"][-2:] == ["delete_anomaly_subscription", "delete_anomaly_monitor"]


def test_absent_when_there_is_none(stubber, run):
    existing(stubber)

    assert run({"state": "absent"})["changed"] is False


@pytest.mark.parametrize(
    "options, message",
    [
        ({"frequency": "IMMEDIATE"}, "IMMEDIATE alerts can only go to SNS topics"),
        ({"threshold": 0}, "more than 0"),
        ({"threshold": None}, "threshold is required"),
        ({"subscribers": [{"address": "finance-at-1001stories.org"}]}, "not an e-mail address"),
        ({"subscribers": [{"type": "SNS", "address": "stories1001-cost-alerts"}]}, "not an SNS topic ARN"),
        ({"monitor_type": "CUSTOM"}, "monitor_specification is required"),
        ({"monitor_specification": {"Tags": {"Key": "Project"}}}, "not allowed with monitor_dimension SERVICE"),
    ],
)
def test_invalid_options_fail_before_any_call(run, options, message):
    result = run(options)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []


def test_immediate_alerts_to_sns_are_accepted(stubber, run):
    existing(stubber, MONITOR, subscription())
    stubber.add_response(
        "update_anomaly_subscription",
        {"SubscriptionArn": SUBSCRIPTION_ARN},
        {"SubscriptionArn": SUBSCRIPTION_ARN, "Frequency": "IMMEDIATE", "Subscribers": [{"Type": "SNS", "Address": SNS}]},
    )
    sns_subscription = dict(subscription(frequency="IMMEDIATE"), Subscribers=[{"Type": "SNS", "Address": SNS}])
    existing(stubber, MONITOR, sns_subscription)

    result = run({"frequency": "IMMEDIATE", "subscribers": [{"type": "SNS", "address": SNS}]})

    assert result["changed"] is True
    assert result["subscription"]["subscribers"] == [{"type": "SNS", "address": SNS}]
