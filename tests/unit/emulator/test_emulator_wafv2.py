"""WAFv2 logging configurations through boto3 against the emulator (tools/emulator/wafv2.py).

Every GetLoggingConfiguration and ListLoggingConfigurations answer is checked against the operation's output shape in
botocore's wafv2 model.
"""

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

ACCOUNT = "123456789012"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-waf-logs-1001-stories"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "stories"}
REDACTED = [{"SingleHeader": {"Name": "authorization"}}, {"SingleHeader": {"Name": "cookie"}}]
KEEP_BLOCK_AND_COUNT = {
    "DefaultBehavior": "DROP",
    "Filters": [
        {
            "Behavior": "KEEP",
            "Requirement": "MEETS_ANY",
            "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}, {"ActionCondition": {"Action": "COUNT"}}],
        }
    ],
}


def checked(wafv2, operation, **params):
    answer = getattr(wafv2, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    model = service_model("wafv2").operation_model("".join(part.title() for part in operation.split("_")))
    report = ParamValidator().validate(body, model.output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def web_acl(wafv2, name, scope):
    return wafv2.create_web_acl(Name=name, Scope=scope, DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY)["Summary"]["ARN"]


def error_code(raised):
    return raised.value.response["Error"]["Code"]


@pytest.fixture
def wafv2(aws):
    return aws("wafv2", region="us-east-1")


def test_round_trip_of_a_cloudfront_web_acl_logging_configuration(wafv2):
    arn = web_acl(wafv2, "stories-cdn", "CLOUDFRONT")
    configuration = {"ResourceArn": arn, "LogDestinationConfigs": [LOG_GROUP], "RedactedFields": REDACTED, "LoggingFilter": KEEP_BLOCK_AND_COUNT}

    put = wafv2.put_logging_configuration(LoggingConfiguration=configuration)["LoggingConfiguration"]
    got = checked(wafv2, "get_logging_configuration", ResourceArn=arn)["LoggingConfiguration"]

    for answer in (put, got):
        assert answer["ResourceArn"] == arn
        assert answer["LogDestinationConfigs"] == [LOG_GROUP]
        assert answer["RedactedFields"] == REDACTED
        assert answer["LoggingFilter"] == KEEP_BLOCK_AND_COUNT
        assert answer["ManagedByFirewallManager"] is False

    wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": [LOG_GROUP]})
    replaced = wafv2.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]
    assert "LoggingFilter" not in replaced
    assert "RedactedFields" not in replaced

    wafv2.delete_logging_configuration(ResourceArn=arn)
    with pytest.raises(ClientError) as raised:
        wafv2.get_logging_configuration(ResourceArn=arn)
    assert error_code(raised) == "WAFNonexistentItemException"
    with pytest.raises(ClientError) as raised:
        wafv2.delete_logging_configuration(ResourceArn=arn)
    assert error_code(raised) == "WAFNonexistentItemException"


def test_put_for_a_web_acl_that_does_not_exist_is_refused(wafv2):
    arn = web_acl(wafv2, "stories-cdn", "CLOUDFRONT")
    missing = arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"

    with pytest.raises(ClientError) as raised:
        wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": missing, "LogDestinationConfigs": [LOG_GROUP]})

    assert error_code(raised) == "WAFNonexistentItemException"
    with pytest.raises(ClientError):
        wafv2.get_logging_configuration(ResourceArn=missing)


def test_a_cloudfront_web_acl_is_not_found_from_another_region(aws, wafv2):
    arn = web_acl(wafv2, "stories-cdn", "CLOUDFRONT")

    with pytest.raises(ClientError) as raised:
        aws("wafv2", region="eu-west-1").put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": [LOG_GROUP]})

    assert error_code(raised) == "WAFNonexistentItemException"


@pytest.mark.parametrize(
    "destinations",
    [
        [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:stories-waf"],
        ["arn:aws:s3:::stories-waf-logs"],
        [f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/waf-stories"],
        [f"arn:aws:sqs:us-east-1:{ACCOUNT}:aws-waf-logs-queue"],
        [LOG_GROUP, "arn:aws:s3:::aws-waf-logs-stories"],
    ],
)
def test_put_with_a_bad_destination_is_refused(wafv2, destinations):
    arn = web_acl(wafv2, "stories-alb", "REGIONAL")

    with pytest.raises(ClientError) as raised:
        wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": destinations})

    assert error_code(raised) == "WAFInvalidParameterException"
    assert raised.value.response["Error"]["Message"].startswith("The operation failed because AWS WAF didn't recognize a parameter")
    with pytest.raises(ClientError):
        wafv2.get_logging_configuration(ResourceArn=arn)


@pytest.mark.parametrize(
    "destination",
    [
        "arn:aws:s3:::aws-waf-logs-stories",
        f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/aws-waf-logs-stories",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-waf-logs-stories",
    ],
)
def test_every_kind_of_destination_is_accepted(wafv2, destination):
    arn = web_acl(wafv2, "stories-alb", "REGIONAL")

    wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": [destination]})

    assert wafv2.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]["LogDestinationConfigs"] == [destination]


def test_list_tells_cloudfront_from_regional_web_acls(wafv2):
    cdn = web_acl(wafv2, "stories-cdn", "CLOUDFRONT")
    albs = [web_acl(wafv2, f"stories-alb-{index}", "REGIONAL") for index in range(3)]
    unlogged = web_acl(wafv2, "stories-quiet", "REGIONAL")
    for arn in [cdn, *albs]:
        wafv2.put_logging_configuration(LoggingConfiguration={"ResourceArn": arn, "LogDestinationConfigs": [LOG_GROUP]})

    cloudfront = checked(wafv2, "list_logging_configurations", Scope="CLOUDFRONT")
    first = checked(wafv2, "list_logging_configurations", Scope="REGIONAL", Limit=2)
    rest = checked(wafv2, "list_logging_configurations", Scope="REGIONAL", Limit=2, NextMarker=first["NextMarker"])

    assert [item["ResourceArn"] for item in cloudfront["LoggingConfigurations"]] == [cdn]
    assert [item["ResourceArn"] for item in first["LoggingConfigurations"] + rest["LoggingConfigurations"]] == albs
    assert unlogged not in [item["ResourceArn"] for item in rest["LoggingConfigurations"]]
    assert not rest.get("NextMarker")
