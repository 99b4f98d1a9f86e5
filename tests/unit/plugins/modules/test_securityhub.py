# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""securityhub driven through main() against a real botocore Security Hub client with a Stubber: every request is
validated against the Security Hub service model, and any call not queued fails."""

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _security
from ansible_collections.stories1001.infra.plugins.modules import securityhub as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

HUB = "arn:aws:securityhub:us-east-1:123456789012:hub/default"
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
PCI = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1"
NIST = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0"
SEED = ["aws-foundational-security-best-practices/v/1.0.0", "pci-dss/v/3.2.1", "cis-aws-foundations-benchmark/v/1.2.0"]
TAGS = {"Component": "security"}


def subscription(arn, status="READY"):
    suffix = arn.split("::standards/")[-1].split(":::ruleset/")[-1]
    return {
        "StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:123456789012:subscription/{suffix}",
        "StandardsArn": arn,
        "StandardsInput": {},
        "StandardsStatus": status,
    }


stubber = stubber_fixture("securityhub")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "securityhub", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(standards=SEED, tags=TAGS)
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_not_enabled(stub):
    stub.add_client_error("describe_hub", "InvalidAccessException", "Account is not subscribed to AWS Security Hub", 401)


def expect_read(stub, standards=(FSBP, CIS, PCI), tags=None, statuses=None):
    stub.add_response("describe_hub", {"HubArn": HUB, "SubscribedAt": "2026-01-01T00:00:00Z", "AutoEnableControls": True}, {})
    statuses = statuses or {}
    stub.add_response("get_enabled_standards", {"StandardsSubscriptions": [subscription(arn, statuses.get(arn, "READY")) for arn in standards]}, {})
    stub.add_response("list_tags_for_resource", {"Tags": TAGS if tags is None else tags}, {"ResourceArn": HUB})


def expect_describe_standards(stub):
    stub.add_response("describe_standards", {"Standards": [{"StandardsArn": arn, "Name": arn} for arn in (FSBP, CIS, PCI, NIST)]}, {})


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "standard, region, expected",
    [
        ("pci-dss/v/3.2.1", "eu-west-1", "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1"),
        ("cis-aws-foundations-benchmark/v/1.2.0", "eu-west-1", CIS),
        ("cis-aws-foundations-benchmark/v/1.4.0", "us-east-1", "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"),
        (
            "aws-foundational-security-best-practices/v/1.0.0",
            "cn-north-1",
            "arn:aws-cn:securityhub:cn-north-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        ),
        (PCI, "us-east-1", PCI),
    ],
)
def test_standard_arn(standard, region, expected):
    assert _security.standard_arn(standard, region) == expected


@pytest.mark.parametrize(
    "standard, problem",
    [
        ("pci-dss/v/3.2.1", None),
        (PCI, None),
        (CIS, None),
        ("pci-dss/v/9.9.9", "is not a standard Security Hub has"),
        ("ruleset/finding-format/pci-dss/v/3.2.1", "is neither a Security Hub standards ARN nor an id"),
        ("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1", "is not the ARN of pci-dss/v/3.2.1 in us-east-1"),
    ],
)
def test_standard_errors(standard, problem):
    errors = _security.standard_errors(standard, "us-east-1")
    if problem:
        assert problem in errors[0]
    else:
        assert errors == []


# --- enable ---------------------------------------------------------------------------------------


def test_enable_without_defaults_then_the_standards(stubber, run):
    expect_not_enabled(stubber)
    expect_describe_standards(stubber)
    stubber.add_response("enable_security_hub", {}, {"EnableDefaultStandards": False, "Tags": TAGS})
    expect_read(stubber, standards=())
    stubber.add_response(
        "batch_enable_standards",
        {"StandardsSubscriptions": [subscription(arn, "PENDING") for arn in sorted((CIS, FSBP, PCI))]},
        {"StandardsSubscriptionRequests": [{"StandardsArn": arn} for arn in sorted((CIS, FSBP, PCI))]},
    )
    expect_read(stubber)

    result = run({})

    assert result["changed"] is True
    assert result["hub"]["standards"] == sorted((FSBP, CIS, PCI))
    assert result["hub"]["tags"] == TAGS
    assert result["enabled_standards"] == sorted((FSBP, CIS, PCI))
    assert result["diff"]["before"] == {}


def test_enable_check_mode_touches_nothing(stubber, run):
    expect_not_enabled(stubber)
    expect_describe_standards(stubber)

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_hub", "describe_standards"]
    assert result["hub"]["standards"] == sorted((FSBP, CIS, PCI))
    assert set(result["hub"]["standards_subscriptions"].values()) == {"PENDING"}


def test_enable_with_defaults_and_purge_disables_what_is_not_asked(stubber, run):
    expect_not_enabled(stubber)
    expect_describe_standards(stubber)
    stubber.add_response("enable_security_hub", {}, {"EnableDefaultStandards": True, "Tags": TAGS})
    expect_read(stubber, standards=(FSBP, CIS))
    stubber.add_response("batch_enable_standards", {"StandardsSubscriptions": [subscription(PCI)]}, {"StandardsSubscriptionRequests": [{"StandardsArn": PCI}]})
    stubber.add_response(
        "batch_disable_standards",
        {"StandardsSubscriptions": [subscription(CIS, "DELETING")]},
        {"StandardsSubscriptionArns": [subscription(CIS)["StandardsSubscriptionArn"]]},
    )
    expect_read(stubber, standards=(FSBP, PCI))

    result = run({"enable_default_standards": True, "standards": [FSBP, "pci-dss/v/3.2.1"], "purge_standards": True})

    assert result["changed"] is True
    assert result["hub"]["standards"] == [FSBP, PCI]
    assert result["disabled_standards"] == [CIS]


# --- existing -------------------------------------------------------------------------------------


def test_unchanged_is_no_change(stubber, run):
    expect_read(stubber)

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["describe_hub", "get_enabled_standards", "list_tags_for_resource"]
    assert result["enabled_standards"] == [] and result["disabled_standards"] == []


def test_a_missing_standard_is_enabled_and_others_kept_without_purge(stubber, run):
    expect_read(stubber, standards=(FSBP, NIST))
    expect_describe_standards(stubber)
    stubber.add_response(
        "batch_enable_standards",
        {"StandardsSubscriptions": [subscription(CIS), subscription(PCI)]},
        {"StandardsSubscriptionRequests": [{"StandardsArn": CIS}, {"StandardsArn": PCI}]},
    )
    expect_read(stubber, standards=(FSBP, NIST, CIS, PCI))

    result = run({})

    assert result["changed"] is True
    assert result["enabled_standards"] == [CIS, PCI]
    assert NIST in result["hub"]["standards"]


def test_purge_disables_standards_not_asked_for(stubber, run):
    expect_read(stubber, standards=(FSBP, CIS, PCI, NIST))
    stubber.add_response(
        "batch_disable_standards",
        {"StandardsSubscriptions": [subscription(NIST, "DELETING")]},
        {"StandardsSubscriptionArns": [subscription(NIST)["StandardsSubscriptionArn"]]},
    )
    expect_read(stubber, standards=(FSBP, CIS, PCI))

    result = run({"purge_standards": True})

    assert result["changed"] is True
    assert result["disabled_standards"] == [NIST]
    assert NIST in result["diff"]["before"]["standards"] and NIST not in result["hub"]["standards"]


def test_a_standard_being_disabled_counts_as_not_enabled(stubber, run):
    expect_read(stubber, statuses={PCI: "DELETING"})
    expect_describe_standards(stubber)

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["enabled_standards"] == [PCI]
    assert result["hub"]["standards_subscriptions"][PCI] == "PENDING"


def test_standards_not_given_are_left_alone(stubber, run):
    expect_read(stubber, standards=(NIST,))

    result = run({"standards": None, "purge_standards": True})

    assert result["changed"] is False


def test_tags_and_check_mode(stubber, run):
    expect_read(stubber, tags={"Component": "old", "Owner": "x"})

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["hub"]["tags"] == TAGS
    assert "tag_resource" not in result["_sent"] and "untag_resource" not in result["_sent"]


def test_tags(stubber, run):
    expect_read(stubber, tags={"Component": "old", "Owner": "x"})
    stubber.add_response("untag_resource", {}, {"ResourceArn": HUB, "TagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceArn": HUB, "Tags": TAGS})
    expect_read(stubber)

    result = run({})

    assert result["changed"] is True
    assert result["hub"]["tags"] == TAGS


def test_a_standard_the_region_does_not_offer_enables_nothing(stubber, run):
    expect_read(stubber, standards=(FSBP, CIS))
    stubber.add_response("describe_standards", {"Standards": [{"StandardsArn": FSBP}, {"StandardsArn": CIS}]}, {})

    result = run({})

    assert result["failed"] is True
    assert f"has no standard {PCI}" in result["msg"]
    assert "batch_enable_standards" not in result["_sent"]


# --- absent ---------------------------------------------------------------------------------------


def test_disable(stubber, run):
    expect_read(stubber)
    stubber.add_response("disable_security_hub", {}, {})

    result = run({"state": "absent"})

    assert result["changed"] is True
    assert result["hub"] == {}
    assert result["disabled_standards"] == sorted((FSBP, CIS, PCI))


def test_disable_check_mode_touches_nothing(stubber, run):
    expect_read(stubber)

    result = run({"state": "absent"}, check_mode=True)

    assert result["changed"] is True
    assert "disable_security_hub" not in result["_sent"]


def test_disable_when_not_enabled_is_no_change(stubber, run):
    expect_not_enabled(stubber)

    result = run({"state": "absent"})

    assert result["changed"] is False


# --- errors ---------------------------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_hub", "TooManyRequestsException", "Rate exceeded", 429)
    expect_read(stubber)

    result = run({})

    assert result["changed"] is False
    assert result["_sent"].count("describe_hub") == 2


@pytest.mark.parametrize(
    "args, message",
    [
        ({"standards": ["pci-dss/v/9.9.9"]}, "standards[0]: 'pci-dss/v/9.9.9' is not a standard Security Hub has"),
        ({"standards": ["ruleset/finding-format/pci-dss/v/3.2.1"]}, "is neither a Security Hub standards ARN nor an id"),
        ({"standards": ["arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1"]}, "is not the ARN of pci-dss/v/3.2.1 in us-east-1"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []
