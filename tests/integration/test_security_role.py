"""The security role end to end on the emulator, in two regions (tests/integration/playbooks/security.yml): GuardDuty,
Security Hub standards and a KMS key per purpose in phase 3; a re-run that changes nothing; --check on an empty
emulator that changes nothing; no call at all before phase 3; bad input refused before any AWS call."""

import base64
import json
import re

import pytest
from aws_harness import changing_calls

PLAYBOOK = "tests/integration/playbooks/security.yml"
REGIONS = ("us-east-1", "eu-west-1")
PREFIX = "1001-stories-local"
PURPOSES = ("database_encryption", "s3_encryption", "application_secrets")
FEATURES_ON = {"S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION"}
OUTPUTS = re.compile(r"SECURITY_OUTPUTS (\S+) ([A-Za-z0-9+/=]+)")


def module_calls(emulator):
    """The calls the play's modules made (the inventory plugin's own reads left out)."""
    return [call for call in emulator.calls() if call.get("client") == "module"]


def outputs_of(run_result):
    """{region: security_outputs} from the play's debug lines (base64 JSON, which the YAML callback does not fold)."""
    return {match[1]: json.loads(base64.b64decode(match[2])) for match in OUTPUTS.finditer(run_result.output)}


def standards_arns(region):
    return sorted(
        [
            f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
            f"arn:aws:securityhub:{region}::standards/pci-dss/v/3.2.1",
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
        ]
    )


@pytest.fixture(scope="module")
def converged(emulator, run):
    """Phase 3 on an empty emulator in both regions; the state stays for the re-run."""
    emulator.reset()
    return run("ansible-playbook", PLAYBOOK)


def test_phase_3_converges_in_both_regions(converged):
    assert converged.rc == 0, converged.output[-6000:]
    recap = converged.recap()
    assert set(recap) == set(REGIONS)
    assert all(recap[region]["changed"] == 3 and recap[region]["failed"] == 0 for region in REGIONS), recap


@pytest.mark.parametrize("region", REGIONS)
def test_one_detector_with_the_seeds_features(converged, boto, region):
    assert converged.rc == 0
    guardduty = boto("guardduty", region)
    detectors = guardduty.list_detectors()["DetectorIds"]
    assert len(detectors) == 1
    detector = guardduty.get_detector(DetectorId=detectors[0])
    assert detector["Status"] == "ENABLED"
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    features = {feature["Name"]: feature["Status"] for feature in detector["Features"]}
    assert {name for name, status in features.items() if status == "ENABLED"} >= FEATURES_ON
    assert features["RUNTIME_MONITORING"] == "DISABLED"
    assert detector["Tags"]["Component"] == "security" and detector["Tags"]["Phase"] == "3"
    assert guardduty.list_threat_intel_sets(DetectorId=detectors[0])["ThreatIntelSetIds"] == []
    assert outputs_of(converged)[region]["guardduty_detector_id"] == detectors[0]


@pytest.mark.parametrize("region", REGIONS)
def test_security_hub_has_exactly_the_seeds_standards(converged, boto, region):
    assert converged.rc == 0
    hub = boto("securityhub", region)
    enabled = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert sorted(item["StandardsArn"] for item in enabled) == standards_arns(region)
    hub_arn = hub.describe_hub()["HubArn"]
    assert hub.list_tags_for_resource(ResourceArn=hub_arn)["Tags"]["Component"] == "security"
    assert outputs_of(converged)[region]["securityhub_standards"] == standards_arns(region)


@pytest.mark.parametrize("region", REGIONS)
def test_a_rotating_key_per_purpose_with_its_alias(converged, boto, region):
    assert converged.rc == 0
    kms = boto("kms", region)
    published = outputs_of(converged)[region]["kms_keys"]
    assert sorted(published) == sorted(PURPOSES)
    for purpose in PURPOSES:
        name = f"{PREFIX}-{purpose.replace('_', '-')}"
        key = kms.describe_key(KeyId=f"alias/{name}")["KeyMetadata"]
        assert key["Arn"] == published[purpose]
        assert (key["KeyUsage"], key["KeySpec"], key["KeyState"]) == ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "Enabled")
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
        tags = {tag["TagKey"]: tag["TagValue"] for tag in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
        assert tags["Purpose"] == name and tags["Component"] == "security"
        policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
        assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
        assert policy["Statement"][0]["Action"] == "kms:*"


def test_a_re_run_changes_nothing(converged, emulator, run):
    assert converged.rc == 0
    emulator.clear_calls()
    again = run("ansible-playbook", PLAYBOOK)
    assert again.rc == 0, again.output[-6000:]
    assert all(again.recap()[region]["changed"] == 0 for region in REGIONS), again.recap()
    calls = module_calls(emulator)
    assert calls, "the re-run read AWS"
    assert changing_calls(calls) == []
    assert outputs_of(again) == outputs_of(converged)


def test_check_mode_on_an_empty_emulator_changes_nothing(aws, run, boto):
    result = run("ansible-playbook", PLAYBOOK, "--check", "--diff")
    assert result.rc == 0, result.output[-6000:]
    assert all(result.recap()[region]["changed"] == 3 for region in REGIONS), result.recap()
    assert changing_calls(module_calls(aws)) == []
    assert boto("guardduty", "eu-west-1").list_detectors()["DetectorIds"] == []
    assert "pci-dss/v/3.2.1" in result.output, "the diff shows the standards that would be enabled"


def test_before_phase_3_the_role_makes_no_call(aws, run):
    """us-east-1 in phase 1, eu-west-1 in phase 2, in one run."""
    result = run("ansible-playbook", PLAYBOOK, extra_vars={"security_test_phases": {"us-east-1": 1, "eu-west-1": 2}})
    assert result.rc == 0, result.output[-6000:]
    assert all(result.recap()[region]["changed"] == 0 for region in REGIONS), result.recap()
    assert module_calls(aws) == []
    outputs = outputs_of(result)
    for region in REGIONS:
        assert outputs[region] == {
            "guardduty_detector_id": "",
            "guardduty_detector_arn": "",
            "securityhub_hub_arn": "",
            "securityhub_standards": [],
            "kms_keys": {},
            "kms_aliases": {},
        }


# Three mistakes at once: the check reports each, naming its variable.
BAD_INPUT = {
    "security_standards": ["aws-foundational-security-best-practices/v/1.0.0", "pci-dss/v/9.9.9"],
    "security_guardduty_finding_frequency": "FIVE_MINUTES",
    "security_kms_purposes": {"database_encryption": {"description": "db"}, "Media Files!": {"description": "media"}},
}
MESSAGES = (
    "security_standards[1]: 'pci-dss/v/9.9.9' is not a standard Security Hub has",
    "security_guardduty_finding_frequency: 'FIVE_MINUTES' is not one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS",
    "security_kms_purposes: 'Media Files!' is not a purpose name",
)


def test_bad_security_input_is_refused_before_any_aws_call(aws, run):
    result = run("ansible-playbook", PLAYBOOK, extra_vars=BAD_INPUT)
    assert result.rc != 0
    text = " ".join(result.output.split())
    for message in MESSAGES:
        assert message in text, result.output[-3000:]
    assert all(result.recap()[region]["failed"] == 1 for region in REGIONS), result.recap()
    assert module_calls(aws) == []
