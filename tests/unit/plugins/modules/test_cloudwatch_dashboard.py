# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cloudwatch_dashboard driven through main() against a real botocore CloudWatch client with a Stubber: every request
is validated against the CloudWatch service model, and any call not queued fails."""

import json

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.modules import cloudwatch_dashboard as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

NAME = "1001-Stories-Production"
ARN = f"arn:aws:cloudwatch::123456789012:dashboard/{NAME}"
BODY = {
    "widgets": [
        {
            "type": "metric",
            "x": 0,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {
                "metrics": [["AWS/ECS", "CPUUtilization", "ServiceName", "1001-stories-app", "ClusterName", "1001-stories"]],
                "region": "us-east-1",
                "title": "ECS Service Metrics",
                "period": 300,
            },
        },
        {
            "type": "log",
            "x": 0,
            "y": 6,
            "width": 24,
            "height": 6,
            "properties": {"query": "SOURCE '/aws/ecs/1001-stories-app' | fields @timestamp", "region": "us-east-1", "title": "Application Logs"},
        },
    ]
}

stubber = stubber_fixture("cloudwatch")


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "cloudwatch", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def run_main(args, check_mode=False):
        result = stubbed.run(aws_args(**dict({"name": NAME}, **args)), check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return run_main


def found(stubber, body_text):
    stubber.add_response("get_dashboard", {"DashboardArn": ARN, "DashboardName": NAME, "DashboardBody": body_text}, {"DashboardName": NAME})


def not_found(stubber):
    stubber.add_client_error("get_dashboard", "ResourceNotFound", "Dashboard does not exist", 404, expected_params={"DashboardName": NAME})


def test_creates_the_dashboard(run, stubber):
    not_found(stubber)
    stubber.add_response("put_dashboard", {"DashboardValidationMessages": []}, {"DashboardName": NAME, "DashboardBody": json.dumps(BODY, sort_keys=True)})
    found(stubber, json.dumps(BODY))

    result = run({"body": BODY})

    assert result["changed"] is True
    assert result["dashboard_arn"] == ARN
    assert result["body"] == BODY
    assert result["diff"] == {"before": {}, "after": BODY}


def test_same_body_in_another_key_order_and_spacing_is_no_change(run, stubber):
    reordered = {"widgets": [dict(reversed(list(widget.items()))) for widget in BODY["widgets"]]}
    found(stubber, json.dumps(reordered, indent=4))

    result = run({"body": BODY})

    assert result["changed"] is False
    assert result["_sent"] == ["get_dashboard"]
    assert result["body"] == BODY


def test_changed_body_is_put_and_validation_messages_are_warned(run, stubber):
    found(stubber, json.dumps({"widgets": BODY["widgets"][:1]}))
    stubber.add_response(
        "put_dashboard",
        {"DashboardValidationMessages": [{"DataPath": "/widgets/1", "Message": "Should have a view"}]},
        {"DashboardName": NAME, "DashboardBody": json.dumps(BODY, sort_keys=True)},
    )
    found(stubber, json.dumps(BODY))

    result = run({"body": BODY})

    assert result["changed"] is True
    assert result["diff"]["before"] == {"widgets": BODY["widgets"][:1]}
    assert result["diff"]["after"] == BODY
    assert result["validation_messages"] == [{"data_path": "/widgets/1", "message": "Should have a view"}]
    assert any("Should have a view" in warning for warning in warnings_of(result))


def test_check_mode_writes_nothing(run, stubber):
    found(stubber, json.dumps({"widgets": []}))

    result = run({"body": BODY}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["get_dashboard"]
    assert result["diff"] == {"before": {"widgets": []}, "after": BODY}


def test_absent_deletes_and_then_is_no_change(run, stubber):
    found(stubber, json.dumps(BODY))
    stubber.add_response("delete_dashboards", {}, {"DashboardNames": [NAME]})
    not_found(stubber)

    first = run({"state": "absent"})
    second = run({"state": "absent"})

    assert first["changed"] is True
    assert first["diff"] == {"before": BODY, "after": {}}
    assert second["changed"] is False


def test_absent_in_check_mode_deletes_nothing(run, stubber):
    found(stubber, json.dumps(BODY))

    result = run({"state": "absent"}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["get_dashboard"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"body": {"widget": []}}, "widgets list"),
        ({"body": {"widgets": [{"x": 0}]}}, "body.widgets[0] must be a dictionary with a type"),
        ({}, "body is required"),
        ({"body": BODY, "name": "no spaces allowed"}, "letters, digits"),
    ],
)
def test_wrong_options_fail_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
