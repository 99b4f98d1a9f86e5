# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""wafv2_logging_configuration driven through main() against a real botocore WAFv2 client with a Stubber: every
request is validated against the WAFv2 service model, and any call not queued fails."""

import pytest

from ansible_collections.stories1001.infra.plugins.modules import wafv2_logging_configuration as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, Stubbers, aws_args

ACCOUNT = "123456789012"
CDN_ACL = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/stories-cdn/a1b2c3d4-5678-90ab-cdef-0123456789ab"
ALB_ACL = f"arn:aws:wafv2:eu-west-1:{ACCOUNT}:regional/webacl/stories-alb/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-waf-logs-1001-stories"
BUCKET = "arn:aws:s3:::aws-waf-logs-1001-stories"
REDACTED_OPTIONS = [{"single_header": "authorization"}, {"single_header": {"name": "Cookie"}}]
REDACTED_AWS = [{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}]
FILTER_OPTIONS = {
    "default_behavior": "DROP",
    "filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"action": "BLOCK"}, {"action": "COUNT"}]}],
}
FILTER_AWS = {
    "DefaultBehavior": "DROP",
    "Filters": [
        {
            "Behavior": "KEEP",
            "Requirement": "MEETS_ANY",
            "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}, {"ActionCondition": {"Action": "COUNT"}}],
        }
    ],
}


def aws_configuration(arn=CDN_ACL, destinations=(LOG_GROUP,), redacted=None, logging_filter=None, managed=False):
    configuration = {"ResourceArn": arn, "LogDestinationConfigs": list(destinations), "RedactedFields": REDACTED_AWS if redacted is None else redacted}
    if logging_filter:
        configuration["LoggingFilter"] = logging_filter
    configuration["ManagedByFirewallManager"] = managed
    return configuration


def sent_configuration(configuration):
    """What the module sends in PutLoggingConfiguration: the configuration without what only AWS sets."""
    return {key: value for key, value in configuration.items() if key != "ManagedByFirewallManager"}


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture
def stubbers():
    stubs = Stubbers("wafv2")
    yield stubs
    stubs.finish()


@pytest.fixture
def stubber(stubbers):
    return stubbers["us-east-1"]


@pytest.fixture
def run(stubbers, monkeypatch, capsys):
    """Run main() with the CloudFront web ACL's options, overridden by args (None removes one); the result has the
    operations sent in result["_sent"] and the regions of the clients made in result["_clients"]."""
    stubbed = StubbedModule(module_under_test.main, "wafv2", lambda region: stubbers[region], monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False, region="us-east-1"):
        module_args = aws_args(region=region, web_acl_arn=CDN_ACL, destinations=[LOG_GROUP], redacted_fields=REDACTED_OPTIONS)
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = list(stubbed.clients)
        return result

    return _run


def expect_get(stub, configuration=None, arn=CDN_ACL):
    if configuration is None:
        stub.add_client_error(
            "get_logging_configuration",
            "WAFNonexistentItemException",
            "AWS WAF couldn't perform the operation because your resource doesn't exist.",
            400,
            {"ResourceArn": arn},
        )
    else:
        stub.add_response("get_logging_configuration", {"LoggingConfiguration": configuration}, {"ResourceArn": arn})


def expect_put(stub, configuration):
    stub.add_response("put_logging_configuration", {"LoggingConfiguration": configuration}, {"LoggingConfiguration": sent_configuration(configuration)})


# --- present ---------------------------------------------------------------------------------------------------------


def test_create(stubber, run):
    expect_get(stubber)
    expect_put(stubber, aws_configuration(logging_filter=FILTER_AWS))

    result = run(dict(logging_filter=FILTER_OPTIONS))

    assert result["changed"] is True
    assert result["logging_configuration"] == {
        "web_acl_arn": CDN_ACL,
        "destinations": [LOG_GROUP],
        "redacted_fields": [{"single_header": "authorization"}, {"single_header": "cookie"}],
        "logging_filter": FILTER_OPTIONS,
        "managed_by_firewall_manager": False,
    }
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["logging_filter"] == FILTER_OPTIONS
    assert result["_sent"] == ["get_logging_configuration", "put_logging_configuration"]
    assert result["_clients"] == ["us-east-1"]


def test_create_with_a_log_group_arn_as_cloudwatchlogs_log_group_returns_it(stubber, run):
    expect_get(stubber)
    expect_put(stubber, aws_configuration(redacted=[]))

    result = run(dict(destinations=[LOG_GROUP + ":*"], redacted_fields=[]))

    assert result["changed"] is True
    assert result["logging_configuration"]["destinations"] == [LOG_GROUP]


def test_rerun_with_the_same_configuration_writes_nothing(stubber, run):
    # AWS may list the redacted fields and conditions in another order, and header names in another case.
    expect_get(
        stubber,
        aws_configuration(
            redacted=[{"SingleHeader": {"Name": "Cookie"}}, {"SingleHeader": {"Name": "authorization"}}],
            logging_filter=dict(FILTER_AWS, Filters=[dict(FILTER_AWS["Filters"][0], Conditions=FILTER_AWS["Filters"][0]["Conditions"][::-1])]),
        ),
    )

    result = run(dict(logging_filter=FILTER_OPTIONS))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["logging_configuration"]["managed_by_firewall_manager"] is False
    assert result["_sent"] == ["get_logging_configuration"]


def test_change_puts_the_whole_configuration(stubber, run):
    expect_get(stubber, aws_configuration(logging_filter=FILTER_AWS))
    wanted = aws_configuration(redacted=REDACTED_AWS + [{"QueryString": {}}])
    expect_put(stubber, wanted)

    result = run(dict(redacted_fields=REDACTED_OPTIONS + [{"query_string": True}]))

    assert result["changed"] is True
    assert result["diff"]["before"]["logging_filter"] == FILTER_OPTIONS
    assert result["diff"]["after"]["logging_filter"] is None
    assert result["logging_configuration"]["redacted_fields"][-1] == {"query_string": True}
    assert result["logging_configuration"]["logging_filter"] is None


def test_change_of_destination(stubber, run):
    expect_get(stubber, aws_configuration())
    expect_put(stubber, aws_configuration(destinations=[BUCKET]))

    result = run(dict(destinations=[BUCKET]))

    assert result["changed"] is True
    assert result["diff"]["before"]["destinations"] == [LOG_GROUP]
    assert result["logging_configuration"]["destinations"] == [BUCKET]


def test_label_conditions_and_every_redactable_field(stubber, run):
    label = "awswaf:managed:aws:bot-control:bot:verified"
    logging_filter = {
        "DefaultBehavior": "KEEP",
        "Filters": [
            {
                "Behavior": "DROP",
                "Requirement": "MEETS_ALL",
                "Conditions": [{"LabelNameCondition": {"LabelName": label}}, {"ActionCondition": {"Action": "ALLOW"}}],
            }
        ],
    }
    redacted = [{"UriPath": {}}, {"QueryString": {}}, {"Method": {}}]
    expect_get(stubber)
    expect_put(stubber, aws_configuration(redacted=redacted, logging_filter=logging_filter))

    result = run(
        dict(
            redacted_fields=[{"uri_path": True}, {"query_string": True}, {"method": True}],
            logging_filter={"filters": [{"behavior": "DROP", "requirement": "MEETS_ALL", "conditions": [{"label_name": label}, {"action": "ALLOW"}]}]},
        )
    )

    assert result["changed"] is True
    assert result["logging_configuration"]["logging_filter"]["default_behavior"] == "KEEP"
    assert result["logging_configuration"]["logging_filter"]["filters"][0]["conditions"] == [{"label_name": label}, {"action": "ALLOW"}]


def test_regional_web_acl_in_its_region(stubbers, run):
    expect_get(stubbers["eu-west-1"], arn=ALB_ACL)
    expect_put(stubbers["eu-west-1"], aws_configuration(arn=ALB_ACL, destinations=[BUCKET], redacted=[]))

    result = run(dict(web_acl_arn=ALB_ACL, destinations=[BUCKET], redacted_fields=None), region="eu-west-1")

    assert result["changed"] is True
    assert result["_clients"] == ["eu-west-1"]


def test_create_check_mode_writes_nothing(stubber, run):
    expect_get(stubber)

    result = run(dict(logging_filter=FILTER_OPTIONS), check_mode=True)

    assert result["changed"] is True
    assert result["logging_configuration"]["logging_filter"] == FILTER_OPTIONS
    assert result["diff"]["after"]["destinations"] == [LOG_GROUP]
    assert result["_sent"] == ["get_logging_configuration"]


def test_change_check_mode_writes_nothing(stubber, run):
    expect_get(stubber, aws_configuration())

    result = run(dict(logging_filter=FILTER_OPTIONS), check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["logging_filter"] is None
    assert result["diff"]["after"]["logging_filter"] == FILTER_OPTIONS
    assert result["_sent"] == ["get_logging_configuration"]


def test_firewall_manager_configuration_is_not_changed(stubber, run):
    expect_get(stubber, aws_configuration(managed=True))

    result = run(dict(logging_filter=FILTER_OPTIONS))

    assert result["failed"] is True
    assert "managed by Firewall Manager" in result["msg"]
    assert result["_sent"] == ["get_logging_configuration"]


def test_put_refused_by_aws_is_reported(stubber, run):
    expect_get(stubber)
    stubber.add_client_error(
        "put_logging_configuration",
        "WAFLogDestinationPermissionIssueException",
        "Unable to deliver logs to the configured destination.",
        400,
        expected_params={"LoggingConfiguration": sent_configuration(aws_configuration())},
    )

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith(f"WAFv2 logging configuration of {CDN_ACL}")
    assert result["error"]["code"] == "WAFLogDestinationPermissionIssueException"


def test_unavailable_entity_internal_error_and_throttling_are_retried(stubber, run):
    stubber.add_client_error("get_logging_configuration", "ThrottlingException", "Rate exceeded", 400, {"ResourceArn": CDN_ACL})
    expect_get(stubber)
    expected = {"LoggingConfiguration": sent_configuration(aws_configuration())}
    stubber.add_client_error("put_logging_configuration", "WAFUnavailableEntityException", "not yet available", 400, expected)
    stubber.add_client_error("put_logging_configuration", "WAFInternalErrorException", "try again", 500, expected)
    expect_put(stubber, aws_configuration())

    result = run({})

    assert result["changed"] is True
    assert result["_sent"].count("put_logging_configuration") == 3


# --- absent ----------------------------------------------------------------------------------------------------------


def test_absent_deletes(stubber, run):
    expect_get(stubber, aws_configuration())
    stubber.add_response("delete_logging_configuration", {}, {"ResourceArn": CDN_ACL})

    result = run(dict(state="absent", destinations=None, redacted_fields=None))

    assert result["changed"] is True
    assert result["logging_configuration"] == {}
    assert result["diff"]["before"]["destinations"] == [LOG_GROUP]
    assert result["diff"]["after"] == {}


def test_absent_check_mode_deletes_nothing(stubber, run):
    expect_get(stubber, aws_configuration())

    result = run(dict(state="absent", destinations=None), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["get_logging_configuration"]


def test_absent_when_none_is_no_change(stubber, run):
    expect_get(stubber)

    result = run(dict(state="absent", destinations=None))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["_sent"] == ["get_logging_configuration"]


def test_absent_gone_meanwhile_is_no_change(stubber, run):
    expect_get(stubber, aws_configuration())
    stubber.add_client_error("delete_logging_configuration", "WAFNonexistentItemException", "gone", 400, {"ResourceArn": CDN_ACL})

    result = run(dict(state="absent", destinations=None))

    assert result["changed"] is False


def test_absent_firewall_manager_configuration_is_kept(stubber, run):
    expect_get(stubber, aws_configuration(managed=True))

    result = run(dict(state="absent", destinations=None))

    assert result["failed"] is True
    assert "only Firewall Manager can change or delete it" in result["msg"]


# --- bad input -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, region, message",
    [
        ({"web_acl_arn": "arn:aws:wafv2:us-east-1:123456789012:global/ipset/x/1"}, "us-east-1", "is not the ARN of a WAFv2 web ACL"),
        ({"web_acl_arn": "stories-cdn"}, "us-east-1", "is not the ARN of a WAFv2 web ACL"),
        ({}, "eu-west-1", "a CLOUDFRONT web ACL, whose logging is managed in us-east-1: set region to us-east-1, not eu-west-1"),
        ({"web_acl_arn": ALB_ACL}, "us-east-1", "a REGIONAL web ACL: set region to eu-west-1, not us-east-1"),
        ({"destinations": None}, "us-east-1", "state is present but all of the following are missing: destinations"),
        ({"destinations": []}, "us-east-1", "destinations must list exactly one ARN"),
        ({"destinations": [LOG_GROUP, BUCKET]}, "us-east-1", "destinations must list exactly one ARN"),
        (
            {"destinations": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:stories-waf"]},
            "us-east-1",
            "log group name 'stories-waf' must start with aws-waf-logs-",
        ),
        ({"destinations": ["arn:aws:s3:::stories-waf-logs"]}, "us-east-1", "S3 bucket name 'stories-waf-logs' must start with aws-waf-logs-"),
        (
            {"destinations": [f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/waf"]},
            "us-east-1",
            "Firehose stream name 'waf' must start with aws-waf-logs-",
        ),
        ({"destinations": [f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-waf-logs-q"]}, "us-east-1", "is not the ARN of a CloudWatch Logs log group"),
        ({"destinations": ["aws-waf-logs-1001-stories"]}, "us-east-1", "is not the ARN of a CloudWatch Logs log group"),
        ({"redacted_fields": [{"single_header": "authorization", "uri_path": True}]}, "us-east-1", "redacted_fields[0] must name exactly one of"),
        ({"redacted_fields": [{"uri_path": False}]}, "us-east-1", "redacted_fields[0] must name exactly one of"),
        ({"redacted_fields": [{"single_header": {"header": "x"}}]}, "us-east-1", "redacted_fields[0].single_header must be a header name or {name: HEADER}"),
        ({"redacted_fields": [{"single_header": "x" * 65}]}, "us-east-1", "header name of 1 to 64 characters"),
        ({"redacted_fields": [{"body": True}]}, "us-east-1", "body"),
        ({"logging_filter": {"filters": []}}, "us-east-1", "logging_filter.filters needs at least one filter"),
        (
            {"logging_filter": {"filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": []}]}},
            "us-east-1",
            "conditions needs at least one condition",
        ),
        (
            {"logging_filter": {"filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"action": "BLOCK", "label_name": "a"}]}]}},
            "us-east-1",
            "conditions[0] must have either action or label_name",
        ),
        (
            {"logging_filter": {"filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"label_name": "not a label"}]}]}},
            "us-east-1",
            "'not a label' is not a label",
        ),
        ({"logging_filter": {"filters": [{"behavior": "KEEP", "requirement": "SOMETIMES", "conditions": [{"action": "BLOCK"}]}]}}, "us-east-1", "requirement"),
        ({"logging_filter": {"filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"action": "LOG"}]}]}}, "us-east-1", "action"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, args, region, message):
    result = run(args, region=region)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []


# --- pure functions --------------------------------------------------------------------------------------------------


def test_to_aws_and_from_aws_are_inverse():
    wanted = module_under_test.wanted_configuration(
        dict(
            web_acl_arn=CDN_ACL,
            destinations=[LOG_GROUP],
            redacted_fields=[
                {"single_header": "Authorization", "uri_path": None, "query_string": None, "method": None},
                {"single_header": None, "uri_path": True, "query_string": None, "method": None},
            ],
            logging_filter={
                "default_behavior": "DROP",
                "filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"action": "BLOCK", "label_name": None}]}],
            },
        )
    )

    back = module_under_test.from_aws(module_under_test.to_aws(wanted))

    assert back.pop("managed_by_firewall_manager") is False
    assert back == wanted
    assert wanted["redacted_fields"] == [{"single_header": "authorization"}, {"uri_path": True}]


def test_a_field_aws_shows_that_the_module_cannot_ask_for_is_a_difference():
    current = module_under_test.from_aws(aws_configuration(redacted=REDACTED_AWS + [{"Body": {}}]))
    wanted = dict(current, redacted_fields=[{"single_header": "authorization"}, {"single_header": "cookie"}])

    assert module_under_test.normalized(current) != module_under_test.normalized(wanted)
