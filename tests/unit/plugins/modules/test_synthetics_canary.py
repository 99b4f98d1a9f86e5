# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""synthetics_canary driven through main() against a real botocore Synthetics client with a Stubber."""

import io
import zipfile

import pytest
from botocore.stub import ANY

from ansible_collections.stories1001.infra.plugins.modules import synthetics_canary as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

NAME = "stories-api-health"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/stories1001-canary"
ARN = f"arn:aws:synthetics:us-east-1:{ACCOUNT}:canary:{NAME}"
SCRIPT = "exports.handler = async () => { await fetch(process.env.HEALTH_URL); };\n"
LOCATION = "s3://stories1001-canary-artifacts/api-health"
OPTIONS = dict(name=NAME, script=SCRIPT, execution_role_arn=ROLE, artifact_s3_location=LOCATION, run_config=dict(timeout_in_seconds=60))
TAGS = {"Project": "stories1001", module_under_test.CODE_TAG: module_under_test.sha256(SCRIPT)}


def aws_canary(state="READY", expression="rate(5 minutes)", tags=None):
    return {
        "Id": "b5a6f0a1-0c3d-4b8e-9a2f-4d5e6f7a8b9c",
        "Name": NAME,
        "Code": {"Handler": "index.handler", "SourceLocationArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:cwsyn-{NAME}:1"},
        "ExecutionRoleArn": ROLE,
        "Schedule": {"Expression": expression, "DurationInSeconds": 0},
        "RunConfig": {"TimeoutInSeconds": 60, "MemoryInMB": 1000, "ActiveTracing": False},
        "SuccessRetentionPeriodInDays": 31,
        "FailureRetentionPeriodInDays": 31,
        "Status": {"State": state},
        "ArtifactS3Location": LOCATION,
        "EngineArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:cwsyn-{NAME}:1",
        "RuntimeVersion": "syn-nodejs-puppeteer-11.0",
        "Tags": dict(TAGS if tags is None else tags),
    }


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr(module_under_test, "WAIT_DELAY", 0)


stubber = stubber_fixture("synthetics")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "synthetics", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys, outside_waiters=True)

    def _run(args, check_mode=False):
        result = stubbed.run(aws_args(**dict(OPTIONS, tags={"Project": "stories1001"}, **args)), check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return _run


def not_found(stubber):
    stubber.add_client_error("get_canary", "ResourceNotFoundException", http_status_code=404, expected_params={"Name": NAME})


def found(stubber, canary, tags=None):
    stubber.add_response("get_canary", {"Canary": canary}, {"Name": NAME})
    stubber.add_response("list_tags_for_resource", {"Tags": dict(TAGS if tags is None else tags)}, {"ResourceArn": ARN})


def test_zip_is_deterministic_and_holds_the_script_where_node_looks():
    first, second = module_under_test.zipped(SCRIPT, "checks/health.handler"), module_under_test.zipped(SCRIPT, "checks/health.handler")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["nodejs/node_modules/checks/health.js"]
        assert archive.read("nodejs/node_modules/checks/health.js").decode() == SCRIPT


def test_create_waits_until_ready(stubber, run):
    not_found(stubber)
    request = {
        "Name": NAME,
        "Code": {"ZipFile": module_under_test.zipped(SCRIPT, "index.handler"), "Handler": "index.handler"},
        "ArtifactS3Location": LOCATION,
        "ExecutionRoleArn": ROLE,
        "Schedule": {"Expression": "rate(5 minutes)"},
        "RuntimeVersion": "syn-nodejs-puppeteer-11.0",
        "SuccessRetentionPeriodInDays": 31,
        "FailureRetentionPeriodInDays": 31,
        "RunConfig": {"TimeoutInSeconds": 60},
        "Tags": TAGS,
    }
    stubber.add_response("create_canary", {"Canary": aws_canary("CREATING")}, request)
    stubber.add_response("get_canary", {"Canary": aws_canary("CREATING")}, {"Name": NAME})
    stubber.add_response("get_canary", {"Canary": aws_canary("READY")}, {"Name": NAME})
    found(stubber, aws_canary("READY"))

    result = run({})

    assert result["changed"] is True
    assert result["canary"]["state"] == "READY"
    assert result["canary"]["code_sha256"] == module_under_test.sha256(SCRIPT)
    assert result["diff"]["before"] == {}
    assert result["_sent"] == ["get_canary", "create_canary", "get_canary", "list_tags_for_resource"]


def test_rerun_writes_nothing(stubber, run):
    found(stubber, aws_canary())

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["get_canary", "list_tags_for_resource"]


def test_a_changed_schedule_and_script_update_only_those_and_the_code_tag(stubber, run):
    found(stubber, aws_canary())
    new_script = SCRIPT + "// v2\n"
    stubber.add_response(
        "update_canary",
        {},
        {"Name": NAME, "Schedule": {"Expression": "rate(10 minutes)"}, "Code": {"ZipFile": ANY, "Handler": "index.handler"}},
    )
    updated = aws_canary(expression="rate(10 minutes)")
    stubber.add_response("get_canary", {"Canary": updated}, {"Name": NAME})  # the waiter's poll
    stubber.add_response("get_canary", {"Canary": updated}, {"Name": NAME})  # the read after it
    stubber.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": {module_under_test.CODE_TAG: module_under_test.sha256(new_script)}})
    new_tags = dict(TAGS, **{module_under_test.CODE_TAG: module_under_test.sha256(new_script)})
    stubber.add_response("list_tags_for_resource", {"Tags": new_tags}, {"ResourceArn": ARN})

    result = run({"script": new_script, "schedule_expression": "rate(10 minutes)"})

    assert result["changed"] is True
    assert result["diff"]["before"]["schedule_expression"] == "rate(5 minutes)"
    assert result["canary"]["schedule_expression"] == "rate(10 minutes)"
    assert result["canary"]["code_sha256"] == module_under_test.sha256(new_script)


def test_check_mode_reports_the_change_and_writes_nothing(stubber, run):
    found(stubber, aws_canary())

    result = run({"schedule_expression": "rate(10 minutes)", "running": True}, check_mode=True)

    assert result["changed"] is True
    assert result["canary"]["schedule_expression"] == "rate(10 minutes)"
    assert result["canary"]["state"] == "RUNNING"
    assert result["_sent"] == ["get_canary", "list_tags_for_resource"]


def test_running_starts_a_ready_canary(stubber, run):
    found(stubber, aws_canary())
    stubber.add_response("start_canary", {}, {"Name": NAME})
    stubber.add_response("get_canary", {"Canary": aws_canary("RUNNING")}, {"Name": NAME})
    stubber.add_response("get_canary", {"Canary": aws_canary("RUNNING")}, {"Name": NAME})
    stubber.add_response("list_tags_for_resource", {"Tags": TAGS}, {"ResourceArn": ARN})

    result = run({"running": True})

    assert result["changed"] is True
    assert result["canary"]["state"] == "RUNNING"


def test_absent_stops_a_running_canary_then_deletes_it(stubber, run):
    found(stubber, aws_canary("RUNNING"))
    stubber.add_response("stop_canary", {}, {"Name": NAME})
    stubber.add_response("get_canary", {"Canary": aws_canary("STOPPED")}, {"Name": NAME})
    stubber.add_response("get_canary", {"Canary": aws_canary("STOPPED")}, {"Name": NAME})
    stubber.add_response("delete_canary", {}, {"Name": NAME})
    stubber.add_client_error("get_canary", "ResourceNotFoundException", http_status_code=404, expected_params={"Name": NAME})

    result = run({"state": "absent"})

    assert result["changed"] is True
    assert result["canary"] == {}
    assert result["_sent"] == ["get_canary", "list_tags_for_resource", "stop_canary", "get_canary", "delete_canary"]


def test_absent_when_there_is_none(stubber, run):
    not_found(stubber)

    assert run({"state": "absent"})["changed"] is False


def test_error_state_fails_with_the_reason(stubber, run):
    not_found(stubber)
    stubber.add_response("create_canary", {"Canary": aws_canary("CREATING")}, None)
    failed = aws_canary("ERROR")
    failed["Status"]["StateReason"] = "Access denied to the artifact bucket"
    stubber.add_response("get_canary", {"Canary": failed}, {"Name": NAME})

    result = run({})

    assert result["failed"] is True
    assert "Access denied to the artifact bucket" in result["msg"]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"name": "API-Health"}, "lowercase"),
        ({"schedule_expression": "every 5 minutes"}, "schedule_expression"),
        ({"schedule_expression": "rate(2 hours)"}, "rate(1 hour)"),
        ({"schedule_expression": "rate(1 minute)", "run_config": {"timeout_in_seconds": 120}}, "longer than the schedule"),
        ({"run_config": {"memory_in_mb": 1000}}, "multiple of 64"),
        ({"success_retention_period_in_days": 500}, "success_retention_period_in_days"),
        ({"artifact_s3_location": "s3://stories.artifacts/x"}, "artifact_s3_location"),
        ({"artifact_config": {"encryption_mode": "SSE_KMS"}}, "kms_key_arn is required"),
        ({"run_config": {"environment_variables": {"1URL": "x"}}}, "must start with a letter"),
        ({"runtime_version": "syn-python-selenium-5.0"}, "Node.js"),
        ({"handler": "index"}, "handler"),
    ],
)
def test_invalid_options_fail_before_any_call(run, options, message):
    result = run(options)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
