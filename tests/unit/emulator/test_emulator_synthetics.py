"""Synthetics canaries through boto3 against the emulator (tools/emulator/synthetics.py).

GetCanary answers are checked against the operation's output shape in botocore's synthetics model.
"""

import io
import zipfile

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/stories1001-canary"
ARN = f"arn:aws:synthetics:us-east-1:{ACCOUNT}:canary:api-health"


def code():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("nodejs/node_modules/index.js", "exports.handler = async () => {};")
    return {"ZipFile": buffer.getvalue(), "Handler": "index.handler"}


def create(synthetics, name="api-health", **extra):
    params = dict(
        Name=name,
        Code=code(),
        ArtifactS3Location="s3://stories1001-canary-artifacts/api-health",
        ExecutionRoleArn=ROLE,
        Schedule={"Expression": "rate(5 minutes)"},
        RuntimeVersion="syn-nodejs-puppeteer-11.0",
        RunConfig={"TimeoutInSeconds": 60, "EnvironmentVariables": {"HEALTH_URL": "https://app.local.1001stories.org/api/health"}},
        Tags={"Project": "stories1001"},
    )
    params.update(extra)
    return synthetics.create_canary(**params)["Canary"]


def get(synthetics, name="api-health"):
    answer = synthetics.get_canary(Name=name)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(body, service_model("synthetics").operation_model("GetCanary").output_shape)
    assert not report.has_errors(), report.generate_report()
    return body["Canary"]


def error_code(raised):
    return raised.value.response["Error"]["Code"]


@pytest.fixture
def synthetics(aws):
    return aws("synthetics")


def test_a_new_canary_is_creating_then_ready_and_shows_no_code_or_environment(synthetics):
    created = create(synthetics)
    canary = get(synthetics)

    assert created["Status"]["State"] == "CREATING"
    assert canary["Status"]["State"] == "READY"
    assert canary["Code"]["Handler"] == "index.handler"
    assert "ZipFile" not in canary["Code"]
    assert canary["RunConfig"] == {"TimeoutInSeconds": 60, "MemoryInMB": 1000, "ActiveTracing": False}
    assert canary["Tags"] == {"Project": "stories1001"}


def test_a_second_canary_with_the_same_name_is_refused(synthetics):
    create(synthetics)
    with pytest.raises(ClientError) as raised:
        create(synthetics)
    assert error_code(raised) == "ValidationException"


def test_an_invalid_name_or_schedule_is_refused(synthetics):
    with pytest.raises(ClientError) as raised:
        create(synthetics, name="API-Health")
    assert error_code(raised) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        create(synthetics, Schedule={"Expression": "rate(2 hours)"})
    assert error_code(raised) == "ValidationException"


def test_an_unknown_canary_is_not_found(synthetics):
    with pytest.raises(ClientError) as raised:
        synthetics.get_canary(Name="missing")
    assert error_code(raised) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as raised:
        synthetics.start_canary(Name="missing")
    assert error_code(raised) == "ResourceNotFoundException"


def test_start_stop_and_delete_follow_the_states(synthetics):
    create(synthetics)
    get(synthetics)
    synthetics.start_canary(Name="api-health")
    assert get(synthetics)["Status"]["State"] == "RUNNING"
    assert "LastStarted" in get(synthetics)["Timeline"]

    with pytest.raises(ClientError) as raised:
        synthetics.start_canary(Name="api-health")
    assert error_code(raised) == "ConflictException"
    with pytest.raises(ClientError) as raised:
        synthetics.delete_canary(Name="api-health")
    assert error_code(raised) == "ConflictException"

    synthetics.stop_canary(Name="api-health")
    assert get(synthetics)["Status"]["State"] == "STOPPED"
    synthetics.delete_canary(Name="api-health")
    assert synthetics.describe_canaries()["Canaries"] == []


def test_update_changes_only_what_is_sent(synthetics):
    create(synthetics)
    get(synthetics)
    synthetics.update_canary(Name="api-health", Schedule={"Expression": "rate(10 minutes)"}, SuccessRetentionPeriodInDays=7)
    canary = get(synthetics)

    assert canary["Schedule"]["Expression"] == "rate(10 minutes)"
    assert canary["SuccessRetentionPeriodInDays"] == 7
    assert canary["ExecutionRoleArn"] == ROLE
    assert canary["RunConfig"]["TimeoutInSeconds"] == 60
    assert canary["Status"]["State"] == "READY"


def test_tags_by_arn(synthetics):
    create(synthetics)
    synthetics.tag_resource(ResourceArn=ARN, Tags={"Component": "monitoring"})
    synthetics.untag_resource(ResourceArn=ARN, TagKeys=["Project"])

    assert synthetics.list_tags_for_resource(ResourceArn=ARN)["Tags"] == {"Component": "monitoring"}
    assert get(synthetics)["Tags"] == {"Component": "monitoring"}


def test_describe_canaries_by_name(synthetics):
    create(synthetics)
    create(synthetics, name="home-page")

    assert [item["Name"] for item in synthetics.describe_canaries(Names=["home-page"])["Canaries"]] == ["home-page"]
