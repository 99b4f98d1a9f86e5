# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""guardduty_detector driven through main() against a real botocore GuardDuty client with a Stubber: every request
is validated against the GuardDuty service model, and any call not queued fails."""

import pytest

from ansible_collections.stories1001.infra.plugins.modules import guardduty_detector as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

DETECTOR = "12abc34d567e8fa901bc2d34e56789f0"
ROLE = "arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
ARN = f"arn:aws:guardduty:us-east-1:123456789012:detector/{DETECTOR}"
SET_ID = "aa11bb22cc33dd44ee55ff6677889900"
SET = {"name": "known-malicious-ips", "format": "TXT", "location": "s3://1001-stories-security/threat-intel/malicious-ips.txt", "activate": True}
FEATURES = {"S3_DATA_EVENTS": True, "EKS_AUDIT_LOGS": True, "EBS_MALWARE_PROTECTION": True, "RUNTIME_MONITORING": False}
TAGS = {"Component": "security"}


def aws_detector(status="ENABLED", frequency="FIFTEEN_MINUTES", enabled=("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION"), tags=None):
    names = ["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"]
    always = ("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS")
    return {
        "CreatedAt": "2026-01-01T00:00:00.000Z",
        "FindingPublishingFrequency": frequency,
        "ServiceRole": ROLE,
        "Status": status,
        "UpdatedAt": "2026-01-01T00:00:00.000Z",
        "Features": [{"Name": name, "Status": "ENABLED" if name in enabled or name in always else "DISABLED"} for name in names],
        "Tags": TAGS if tags is None else tags,
    }


stubber = stubber_fixture("guardduty")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "guardduty", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(finding_publishing_frequency="FIFTEEN_MINUTES", features=FEATURES, tags=TAGS)
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_none(stub):
    stub.add_response("list_detectors", {"DetectorIds": []}, {})


def expect_read(stub, detector=None, sets=None):
    stub.add_response("list_detectors", {"DetectorIds": [DETECTOR]}, {})
    stub.add_response("get_detector", detector or aws_detector(), {"DetectorId": DETECTOR})
    if sets is not None:
        stub.add_response("list_threat_intel_sets", {"ThreatIntelSetIds": [set_id for set_id, _answer in sets]}, {"DetectorId": DETECTOR})
        for set_id, answer in sets:
            stub.add_response("get_threat_intel_set", answer, {"DetectorId": DETECTOR, "ThreatIntelSetId": set_id})


def aws_set(status="ACTIVE", location=SET["location"], fmt="TXT", tags=None):
    return {"Name": SET["name"], "Format": fmt, "Location": location, "Status": status, "Tags": TAGS if tags is None else tags}


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [
        ({"finding_publishing_frequency": "FIVE_MINUTES"}, "finding_publishing_frequency 'FIVE_MINUTES'"),
        ({"features": {"DNS_LOGS": True}}, "'DNS_LOGS' is not a GuardDuty feature"),
        ({"features": {"S3_DATA_EVENTS": "yes"}}, "features.S3_DATA_EVENTS must be true or false"),
        ({"threat_intel_sets": [dict(SET, location="ftp://x/y")]}, "threat_intel_sets[0].location 'ftp://x/y' is not an S3 URI"),
        ({"threat_intel_sets": [SET, SET]}, "threat_intel_sets[1].name 'known-malicious-ips' is given twice"),
    ],
)
def test_validation_errors(options, message):
    assert any(message in error for error in module_under_test.validation_errors(options))


def test_feature_changes_only_for_named_features_that_differ():
    current = {"S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "DISABLED", "RDS_LOGIN_EVENTS": "ENABLED"}

    changes = module_under_test.feature_changes(current, {"S3_DATA_EVENTS": True, "EKS_AUDIT_LOGS": True, "LAMBDA_NETWORK_LOGS": False})

    assert changes == [{"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"}]


def test_arn_from_the_service_role():
    assert module_under_test.arn_of(DETECTOR, ROLE, "us-east-1") == ARN
    assert module_under_test.arn_of(DETECTOR, "arn:aws-cn:iam::123456789012:role/x", "cn-north-1").startswith("arn:aws-cn:guardduty:cn-north-1:")
    assert module_under_test.arn_of(DETECTOR, None, "us-east-1") is None


# --- create ---------------------------------------------------------------------------------------


def test_create_with_features_and_tags(stubber, run):
    expect_none(stubber)
    stubber.add_response(
        "create_detector",
        {"DetectorId": DETECTOR},
        {
            "Enable": True,
            "FindingPublishingFrequency": "FIFTEEN_MINUTES",
            "Features": [
                {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
                {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
                {"Name": "RUNTIME_MONITORING", "Status": "DISABLED"},
                {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            ],
            "Tags": TAGS,
        },
    )
    expect_read(stubber)

    result = run({})

    assert result["changed"] is True
    detector = result["detector"]
    assert detector["detector_id"] == DETECTOR and detector["arn"] == ARN
    assert detector["features"]["S3_DATA_EVENTS"] == "ENABLED" and detector["features"]["RUNTIME_MONITORING"] == "DISABLED"
    assert detector["finding_publishing_frequency"] == "FIFTEEN_MINUTES"
    assert result["diff"]["before"] == {}


def test_create_check_mode_touches_nothing(stubber, run):
    expect_none(stubber)

    result = run({"threat_intel_sets": [SET]}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["list_detectors"]
    assert result["detector"]["features"] == {
        "S3_DATA_EVENTS": "ENABLED",
        "EKS_AUDIT_LOGS": "ENABLED",
        "EBS_MALWARE_PROTECTION": "ENABLED",
        "RUNTIME_MONITORING": "DISABLED",
    }
    assert result["detector"]["threat_intel_sets"][0]["status"] == "ACTIVE"
    assert result["diff"]["after"] == result["detector"]


def test_create_with_a_threat_intel_set(stubber, run):
    expect_none(stubber)
    stubber.add_response("create_detector", {"DetectorId": DETECTOR}, None)
    stubber.add_response(
        "create_threat_intel_set",
        {"ThreatIntelSetId": SET_ID},
        {"DetectorId": DETECTOR, "Name": SET["name"], "Format": "TXT", "Location": SET["location"], "Activate": True, "Tags": TAGS},
    )
    expect_read(stubber, sets=[(SET_ID, aws_set())])

    result = run({"threat_intel_sets": [SET]})

    assert result["changed"] is True
    assert result["detector"]["threat_intel_sets"] == [
        {"threat_intel_set_id": SET_ID, "name": SET["name"], "format": "TXT", "location": SET["location"], "status": "ACTIVE", "tags": TAGS}
    ]


# --- existing -------------------------------------------------------------------------------------


def test_unchanged_is_no_change(stubber, run):
    expect_read(stubber)

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["list_detectors", "get_detector"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_features_frequency_and_enable_are_updated_together(stubber, run):
    expect_read(stubber, detector=aws_detector(status="DISABLED", frequency="SIX_HOURS", enabled=("S3_DATA_EVENTS",)))
    stubber.add_response(
        "update_detector",
        {},
        {
            "DetectorId": DETECTOR,
            "Enable": True,
            "FindingPublishingFrequency": "FIFTEEN_MINUTES",
            "Features": [{"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"}, {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"}],
        },
    )
    expect_read(stubber)

    result = run({})

    assert result["changed"] is True
    assert result["diff"]["before"]["status"] == "DISABLED"
    assert result["detector"]["status"] == "ENABLED"


def test_update_check_mode_predicts_and_touches_nothing(stubber, run):
    expect_read(stubber, detector=aws_detector(frequency="ONE_HOUR", enabled=("S3_DATA_EVENTS",), tags={"Component": "old", "Owner": "x"}))

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["list_detectors", "get_detector"]
    assert result["detector"]["finding_publishing_frequency"] == "FIFTEEN_MINUTES"
    assert result["detector"]["features"]["EKS_AUDIT_LOGS"] == "ENABLED"
    assert result["detector"]["tags"] == TAGS


def test_tags(stubber, run):
    expect_read(stubber, detector=aws_detector(tags={"Component": "old", "Owner": "x"}))
    stubber.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})
    expect_read(stubber)

    result = run({})

    assert result["changed"] is True
    assert result["detector"]["tags"] == TAGS


def test_threat_intel_set_updated_and_others_purged(stubber, run):
    other = "ff" * 16
    expect_read(
        stubber,
        sets=[(SET_ID, aws_set(status="INACTIVE", location="s3://1001-stories-security/old.txt")), (other, dict(aws_set(), Name="old-list"))],
    )
    stubber.add_response("delete_threat_intel_set", {}, {"DetectorId": DETECTOR, "ThreatIntelSetId": other})
    stubber.add_response(
        "update_threat_intel_set",
        {},
        {"DetectorId": DETECTOR, "ThreatIntelSetId": SET_ID, "Location": SET["location"], "Activate": True},
    )
    expect_read(stubber, sets=[(SET_ID, aws_set())])

    result = run({"threat_intel_sets": [SET], "purge_threat_intel_sets": True})

    assert result["changed"] is True
    assert [item["name"] for item in result["diff"]["before"]["threat_intel_sets"]] == ["known-malicious-ips", "old-list"]
    assert [item["status"] for item in result["detector"]["threat_intel_sets"]] == ["ACTIVE"]


def test_threat_intel_set_format_cannot_change(stubber, run):
    expect_read(stubber, sets=[(SET_ID, aws_set(fmt="STIX"))])

    result = run({"threat_intel_sets": [SET]})

    assert result["failed"] is True
    assert "has format STIX, not TXT" in result["msg"]
    assert "update_threat_intel_set" not in result["_sent"]


def test_sets_not_given_are_not_read(stubber, run):
    expect_read(stubber)

    result = run({})

    assert "list_threat_intel_sets" not in result["_sent"]
    assert "threat_intel_sets" not in result["detector"]


# --- absent ---------------------------------------------------------------------------------------


def test_delete(stubber, run):
    expect_read(stubber)
    stubber.add_response("delete_detector", {}, {"DetectorId": DETECTOR})

    result = run({"state": "absent"})

    assert result["changed"] is True
    assert result["detector"] == {}
    assert result["diff"]["before"]["detector_id"] == DETECTOR


def test_delete_check_mode_touches_nothing(stubber, run):
    expect_read(stubber)

    result = run({"state": "absent"}, check_mode=True)

    assert result["changed"] is True
    assert "delete_detector" not in result["_sent"]


def test_delete_when_missing_is_no_change(stubber, run):
    expect_none(stubber)

    result = run({"state": "absent"})

    assert result["changed"] is False


# --- errors ---------------------------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("list_detectors", "TooManyRequestsException", "Rate exceeded", 429)
    expect_read(stubber)

    result = run({})

    assert result["changed"] is False


def test_aws_refusal_is_reported(stubber, run):
    expect_none(stubber)
    stubber.add_client_error("create_detector", "BadRequestException", "a detector already exists for the current account", 400)

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create GuardDuty detector")
    assert result["error"]["code"] == "BadRequestException"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"features": {"NOPE": True}}, "'NOPE' is not a GuardDuty feature"),
        ({"finding_publishing_frequency": "HOURLY"}, "value of finding_publishing_frequency must be one of"),
        ({"threat_intel_sets": [dict(SET, location="http://example.org/x")]}, "is not an S3 URI"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []
