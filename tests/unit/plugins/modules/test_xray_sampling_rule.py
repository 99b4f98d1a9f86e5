# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""xray_sampling_rule driven through main() against a real botocore X-Ray client with a Stubber: every request is
validated against the X-Ray service model, and any call not queued fails."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.modules import xray_sampling_rule as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

NAME = "1001-stories-app"
ARN = f"arn:aws:xray:us-east-1:123456789012:sampling-rule/{NAME}"
NOW = datetime.datetime(2026, 11, 22, tzinfo=datetime.timezone.utc)
DEFAULT = {
    "RuleName": "Default",
    "RuleARN": "arn:aws:xray:us-east-1:123456789012:sampling-rule/Default",
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
RULE = dict(
    DEFAULT, RuleName=NAME, RuleARN=ARN, Priority=100, FixedRate=0.1, ReservoirSize=5, ServiceName=NAME, ServiceType="AWS::ECS::Container", URLPath="/api/*"
)
OPTIONS = {
    "name": NAME,
    "priority": 100,
    "fixed_rate": 0.1,
    "reservoir_size": 5,
    "service_name": NAME,
    "service_type": "AWS::ECS::Container",
    "url_path": "/api/*",
    "tags": {"Project": "1001-stories"},
}
TAGS = [{"Key": "Project", "Value": "1001-stories"}]

stubber = stubber_fixture("xray")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "xray", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def run_main(args, check_mode=False):
        options = dict(OPTIONS, **args)
        result = stubbed.run(aws_args(**{key: value for key, value in options.items() if value is not None}), check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return run_main


def record(rule):
    return {"SamplingRule": rule, "CreatedAt": NOW, "ModifiedAt": NOW}


def rules(stubber, *listed, pages=False):
    """Queue GetSamplingRules; with pages, the Default rule comes on a second page."""
    if pages:
        stubber.add_response("get_sampling_rules", {"SamplingRuleRecords": [record(DEFAULT)], "NextToken": "page-2"}, {})
        stubber.add_response("get_sampling_rules", {"SamplingRuleRecords": [record(rule) for rule in listed]}, {"NextToken": "page-2"})
    else:
        stubber.add_response("get_sampling_rules", {"SamplingRuleRecords": [record(DEFAULT)] + [record(rule) for rule in listed]}, {})


def tags(stubber, listed):
    stubber.add_response("list_tags_for_resource", {"Tags": listed}, {"ResourceARN": ARN})


def test_creates_the_rule_with_tags(run, stubber):
    rules(stubber)
    sent_rule = {key: value for key, value in RULE.items() if key != "RuleARN"}
    stubber.add_response("create_sampling_rule", {"SamplingRuleRecord": record(RULE)}, {"SamplingRule": sent_rule, "Tags": TAGS})

    result = run({})

    assert result["changed"] is True
    assert result["sampling_rule"]["rule_arn"] == ARN
    assert result["sampling_rule"]["tags"] == {"Project": "1001-stories"}
    assert result["diff"]["before"] == {}


def test_same_rule_found_on_a_later_page_is_no_change(run, stubber):
    rules(stubber, RULE, pages=True)
    tags(stubber, TAGS)

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["get_sampling_rules", "get_sampling_rules", "list_tags_for_resource"]
    assert result["sampling_rule"]["fixed_rate"] == 0.1


def test_changed_fields_and_tags_are_updated(run, stubber):
    rules(stubber, RULE)
    tags(stubber, TAGS + [{"Key": "Old", "Value": "x"}])
    updated = dict(RULE, FixedRate=0.2, Priority=50)
    stubber.add_response(
        "update_sampling_rule", {"SamplingRuleRecord": record(updated)}, {"SamplingRuleUpdate": {"RuleName": NAME, "FixedRate": 0.2, "Priority": 50}}
    )
    stubber.add_response("untag_resource", {}, {"ResourceARN": ARN, "TagKeys": ["Old"]})

    result = run({"fixed_rate": 0.2, "priority": 50})

    assert result["changed"] is True
    assert result["diff"]["before"]["fixed_rate"] == 0.1
    assert result["diff"]["after"]["fixed_rate"] == 0.2
    assert result["sampling_rule"]["priority"] == 50
    assert result["sampling_rule"]["tags"] == {"Project": "1001-stories"}


def test_check_mode_writes_nothing(run, stubber):
    rules(stubber, RULE)
    tags(stubber, TAGS)

    result = run({"reservoir_size": 10}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["get_sampling_rules", "list_tags_for_resource"]
    assert result["diff"]["after"]["reservoir_size"] == 10


def test_absent_deletes_then_is_no_change(run, stubber):
    rules(stubber, RULE)
    tags(stubber, TAGS)
    stubber.add_response("delete_sampling_rule", {"SamplingRuleRecord": record(RULE)}, {"RuleName": NAME})
    rules(stubber)

    first = run({"state": "absent"})
    second = run({"state": "absent"})

    assert first["changed"] is True
    assert first["diff"]["after"] == {}
    assert second["changed"] is False


def test_create_needs_priority_rate_and_reservoir(run, stubber):
    rules(stubber)

    result = run({"priority": None})

    assert result["failed"] is True
    assert "priority required to create it" in result["msg"]
    assert result["_sent"] == ["get_sampling_rules"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"priority": 0}, "priority must be from 1 to 9999"),
        ({"priority": 10000}, "priority must be from 1 to 9999"),
        ({"fixed_rate": 1.5}, "fixed_rate must be from 0 to 1"),
        ({"reservoir_size": -1}, "reservoir_size must be 0 or more"),
        ({"name": "x" * 33}, "name must be 1 to 32"),
        ({"http_method": "PROPFINDXYZ"}, "http_method may be at most 10"),
        ({"attributes": {str(index): "v" for index in range(6)}}, "at most 5"),
        ({"name": "Default", "state": "absent"}, "cannot be deleted"),
    ],
)
def test_wrong_options_fail_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
