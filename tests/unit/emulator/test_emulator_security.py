"""GuardDuty and Security Hub through boto3 against the emulator (tools/emulator/security.py): one detector per Region
with features listed and updated one by one, tags and threat intel sets; Security Hub enabled once, its standards
described, enabled, listed and disabled, and its tags."""

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def error_of(caught):
    return caught.value.response["Error"]["Code"]


@pytest.fixture
def guardduty(aws):
    return aws("guardduty")


@pytest.fixture
def detector(guardduty):
    return guardduty.create_detector(
        Enable=True,
        FindingPublishingFrequency="FIFTEEN_MINUTES",
        Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}, {"Name": "RUNTIME_MONITORING", "Status": "DISABLED"}],
        Tags={"Component": "security"},
    )["DetectorId"]


def features_of(guardduty, detector_id):
    return {feature["Name"]: feature["Status"] for feature in guardduty.get_detector(DetectorId=detector_id)["Features"]}


# --- GuardDuty ------------------------------------------------------------------------------------------


def test_get_detector_lists_every_feature_and_the_foundational_sources(guardduty, detector):
    answer = guardduty.get_detector(DetectorId=detector)
    features = {feature["Name"]: feature["Status"] for feature in answer["Features"]}

    assert features == {
        "CLOUD_TRAIL": "ENABLED",
        "DNS_LOGS": "ENABLED",
        "FLOW_LOGS": "ENABLED",
        "S3_DATA_EVENTS": "ENABLED",
        "EKS_AUDIT_LOGS": "DISABLED",
        "EBS_MALWARE_PROTECTION": "DISABLED",
        "RDS_LOGIN_EVENTS": "DISABLED",
        "EKS_RUNTIME_MONITORING": "DISABLED",
        "LAMBDA_NETWORK_LOGS": "DISABLED",
        "RUNTIME_MONITORING": "DISABLED",
    }
    assert all("UpdatedAt" in feature for feature in answer["Features"])
    assert answer["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert answer["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    assert answer["DataSources"]["CloudTrail"]["Status"] == "ENABLED"
    assert answer["DataSources"]["MalwareProtection"]["ServiceRole"] == (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
    )
    assert answer["Tags"] == {"Component": "security"}


def test_update_changes_only_the_features_it_names(guardduty, detector):
    guardduty.update_detector(DetectorId=detector, Features=[{"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"}])

    features = features_of(guardduty, detector)
    assert (features["S3_DATA_EVENTS"], features["EKS_AUDIT_LOGS"], features["RUNTIME_MONITORING"]) == ("ENABLED", "ENABLED", "DISABLED")
    assert guardduty.get_detector(DetectorId=detector)["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "ENABLED"


def test_deprecated_data_sources_set_the_same_features(guardduty, detector):
    guardduty.update_detector(DetectorId=detector, DataSources={"MalwareProtection": {"ScanEc2InstanceWithFindings": {"EbsVolumes": True}}})

    assert features_of(guardduty, detector)["EBS_MALWARE_PROTECTION"] == "ENABLED"


def test_a_second_detector_in_the_region_is_refused(guardduty, detector, aws):
    with pytest.raises(ClientError) as caught:
        guardduty.create_detector(Enable=True)

    assert error_of(caught) == "BadRequestException"
    assert guardduty.list_detectors()["DetectorIds"] == [detector]
    # Another Region has its own.
    assert aws("guardduty", region="eu-west-1").create_detector(Enable=True)["DetectorId"] != detector


def test_a_new_detector_publishes_every_six_hours_by_default(guardduty):
    detector_id = guardduty.create_detector(Enable=True)["DetectorId"]

    assert guardduty.get_detector(DetectorId=detector_id)["FindingPublishingFrequency"] == "SIX_HOURS"


@pytest.mark.parametrize(
    "request_",
    [
        {"FindingPublishingFrequency": "FIVE_MINUTES"},
        {"Features": [{"Name": "DNS_LOGS", "Status": "ENABLED"}]},
        {"Features": [{"Name": "S3_DATA_EVENTS", "Status": "ON"}]},
    ],
)
def test_bad_detector_settings_are_refused(guardduty, request_):
    with pytest.raises(ClientError) as caught:
        guardduty.create_detector(Enable=True, **request_)

    assert error_of(caught) == "BadRequestException"
    assert guardduty.list_detectors()["DetectorIds"] == []


def test_bad_update_changes_nothing(guardduty, detector):
    with pytest.raises(ClientError):
        guardduty.update_detector(DetectorId=detector, FindingPublishingFrequency="HOURLY")

    assert guardduty.get_detector(DetectorId=detector)["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"


def test_deleting_an_unknown_detector_is_refused(guardduty):
    with pytest.raises(ClientError) as caught:
        guardduty.delete_detector(DetectorId="0" * 32)

    assert error_of(caught) == "BadRequestException"


def test_detector_tags(guardduty, detector):
    arn = f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{detector}"
    guardduty.tag_resource(ResourceArn=arn, Tags={"Phase": "3"})
    guardduty.untag_resource(ResourceArn=arn, TagKeys=["Component"])

    assert guardduty.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"Phase": "3"}
    assert guardduty.get_detector(DetectorId=detector)["Tags"] == {"Phase": "3"}
    with pytest.raises(ClientError) as caught:
        guardduty.list_tags_for_resource(ResourceArn=f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{'1' * 32}")
    assert error_of(caught) == "BadRequestException"


def test_threat_intel_set_lifecycle(guardduty, detector):
    set_id = guardduty.create_threat_intel_set(
        DetectorId=detector,
        Name="known-malicious-ips",
        Format="TXT",
        Location="s3://1001-stories-security/threat-intel/malicious-ips.txt",
        Activate=True,
        Tags={"Component": "security"},
    )["ThreatIntelSetId"]

    assert guardduty.list_threat_intel_sets(DetectorId=detector)["ThreatIntelSetIds"] == [set_id]
    answer = guardduty.get_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id)
    assert (answer["Name"], answer["Format"], answer["Status"], answer["Tags"]) == ("known-malicious-ips", "TXT", "ACTIVE", {"Component": "security"})

    guardduty.update_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id, Activate=False, Location="s3://1001-stories-security/v2.txt")
    answer = guardduty.get_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id)
    assert (answer["Status"], answer["Location"]) == ("INACTIVE", "s3://1001-stories-security/v2.txt")

    set_arn = f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{detector}/threatintelset/{set_id}"
    guardduty.tag_resource(ResourceArn=set_arn, Tags={"Phase": "3"})
    assert guardduty.list_tags_for_resource(ResourceArn=set_arn)["Tags"] == {"Component": "security", "Phase": "3"}

    guardduty.delete_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id)
    assert guardduty.list_threat_intel_sets(DetectorId=detector)["ThreatIntelSetIds"] == []
    with pytest.raises(ClientError) as caught:
        guardduty.get_threat_intel_set(DetectorId=detector, ThreatIntelSetId=set_id)
    assert error_of(caught) == "BadRequestException"


@pytest.mark.parametrize(
    "name, fmt, location",
    [
        ("list", "CSV", "s3://bucket-a/list.txt"),
        ("list", "TXT", "ftp://example.org/list.txt"),
        ("", "TXT", "s3://bucket-a/list.txt"),
    ],
)
def test_bad_threat_intel_sets_are_refused(guardduty, detector, name, fmt, location):
    with pytest.raises(ClientError) as caught:
        guardduty.create_threat_intel_set(DetectorId=detector, Name=name or "x" * 301, Format=fmt, Location=location, Activate=True)

    assert error_of(caught) == "BadRequestException"
    assert guardduty.list_threat_intel_sets(DetectorId=detector)["ThreatIntelSetIds"] == []


def test_threat_intel_set_names_are_unique_and_at_most_six(guardduty, detector):
    for index in range(6):
        guardduty.create_threat_intel_set(DetectorId=detector, Name=f"list-{index}", Format="TXT", Location=f"s3://bucket-a/{index}.txt", Activate=False)

    for name in ("list-0", "list-6"):
        with pytest.raises(ClientError) as caught:
            guardduty.create_threat_intel_set(DetectorId=detector, Name=name, Format="TXT", Location="s3://bucket-a/x.txt", Activate=False)
        assert error_of(caught) == "BadRequestException"
    assert len(guardduty.list_threat_intel_sets(DetectorId=detector)["ThreatIntelSetIds"]) == 6


def test_threat_intel_sets_of_an_unknown_detector(guardduty):
    with pytest.raises(ClientError) as caught:
        guardduty.list_threat_intel_sets(DetectorId="2" * 32)

    assert error_of(caught) == "BadRequestException"


# --- Security Hub ---------------------------------------------------------------------------------------

FSBP = "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS_120 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
PCI = "arn:aws:securityhub:{region}::standards/pci-dss/v/3.2.1"


@pytest.fixture
def hub(aws):
    return aws("securityhub", region="eu-west-1")


def enabled(hub):
    return sorted(item["StandardsArn"] for item in hub.get_enabled_standards()["StandardsSubscriptions"])


def test_enable_with_default_standards(aws):
    hub = aws("securityhub")
    hub.enable_security_hub()

    assert enabled(hub) == sorted([FSBP.format(region="us-east-1"), CIS_120])


def test_enable_without_default_standards_then_enable_the_seeds(hub):
    hub.enable_security_hub(EnableDefaultStandards=False, Tags={"Component": "security"})
    assert enabled(hub) == []

    answer = hub.batch_enable_standards(
        StandardsSubscriptionRequests=[{"StandardsArn": arn.format(region="eu-west-1")} for arn in (FSBP, CIS_120, PCI)]
    )["StandardsSubscriptions"]

    assert sorted(item["StandardsSubscriptionArn"] for item in answer) == [
        f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0",
        f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/1.2.0",
        f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/pci-dss/v/3.2.1",
    ]
    assert enabled(hub) == sorted(arn.format(region="eu-west-1") for arn in (FSBP, CIS_120, PCI))


def test_a_second_enable_is_a_conflict(hub):
    hub.enable_security_hub(EnableDefaultStandards=False)

    with pytest.raises(ClientError) as caught:
        hub.enable_security_hub(EnableDefaultStandards=False)

    assert error_of(caught) == "ResourceConflictException"


def test_standards_of_another_region_or_unknown_are_refused(hub):
    hub.enable_security_hub(EnableDefaultStandards=False)

    for arn in (PCI.format(region="us-east-1"), "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/9.9.9"):
        with pytest.raises(ClientError) as caught:
            hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": arn}])
        assert error_of(caught) == "InvalidInputException"
    assert enabled(hub) == []


def test_describe_standards_gives_the_regions_arns(hub):
    standards = {item["StandardsArn"]: item for item in hub.describe_standards()["Standards"]}

    assert PCI.format(region="eu-west-1") in standards and CIS_120 in standards
    assert {arn for arn, item in standards.items() if item["EnabledByDefault"]} == {FSBP.format(region="eu-west-1"), CIS_120}


def test_disable_a_standard(hub):
    hub.enable_security_hub()
    subscription = f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/1.2.0"

    answer = hub.batch_disable_standards(StandardsSubscriptionArns=[subscription])["StandardsSubscriptions"]

    assert [(item["StandardsArn"], item["StandardsStatus"]) for item in answer] == [(CIS_120, "DELETING")]
    assert enabled(hub) == [FSBP.format(region="eu-west-1")]
    with pytest.raises(ClientError) as caught:
        hub.batch_disable_standards(StandardsSubscriptionArns=[subscription])
    assert error_of(caught) == "InvalidInputException"


def test_standards_need_the_hub(hub):
    for call in (
        hub.get_enabled_standards,
        lambda: hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS_120}]),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == "InvalidAccessException"


def test_disabling_the_hub_drops_its_standards(hub):
    hub.enable_security_hub()
    hub.disable_security_hub()
    hub.enable_security_hub(EnableDefaultStandards=False)

    assert enabled(hub) == []


def test_hub_tags(hub):
    hub.enable_security_hub(EnableDefaultStandards=False, Tags={"Component": "security", "Owner": "ops"})
    arn = hub.describe_hub()["HubArn"]

    hub.tag_resource(ResourceArn=arn, Tags={"Phase": "3"})
    hub.untag_resource(ResourceArn=arn, TagKeys=["Owner"])

    assert hub.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"Component": "security", "Phase": "3"}
    with pytest.raises(ClientError) as caught:
        hub.list_tags_for_resource(ResourceArn=f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default")
    assert error_of(caught) == "ResourceNotFoundException"


def test_reset_forgets_detectors_and_hubs(aws):
    """The previous tests made detectors in us-east-1 and a hub in eu-west-1; /moto-api/reset forgets them."""
    assert aws("guardduty").list_detectors()["DetectorIds"] == []
    with pytest.raises(ClientError):
        aws("securityhub", region="eu-west-1").describe_hub()
