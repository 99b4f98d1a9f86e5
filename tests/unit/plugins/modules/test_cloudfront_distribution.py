# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cloudfront_distribution driven through main() against a real botocore CloudFront client with a Stubber: every
request is validated against the CloudFront service model, and any call not queued fails."""

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.stories1001.infra.plugins.modules import cloudfront_distribution as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

NAME = "1001-stories-production"
DIST_ID = "E2QWRUHAPOMQZL"
ARN = f"arn:aws:cloudfront::123456789012:distribution/{DIST_ID}"
DOMAIN = "d111111abcdef8.cloudfront.net"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/1c6d0a1e-4f1b-4c0e-9d0c-0a1b2c3d4e5f"
OAC_ID = "E1OACEXAMPLE42"
ALB = "stories-production-1234567890.us-east-1.elb.amazonaws.com"
BUCKET = "x.s3.us-east-1.amazonaws.com"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
NOW = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=datetime.timezone.utc)

stubber = stubber_fixture("cloudfront")
run = run_fixture(module_under_test.main, "cloudfront")


def options(books_ttl=86400, **extra):
    args = dict(
        name=NAME,
        aliases=["www.1001stories.org", "1001stories.org"],
        certificate_arn=CERTIFICATE,
        origins=[
            dict(id="alb", domain_name=ALB),
            dict(id="books", kind="s3", domain_name=BUCKET, origin_access_control_id=OAC_ID),
        ],
        default_cache_behavior=dict(target_origin_id="alb", allowed_methods=ALL_METHODS, min_ttl=0, default_ttl=0, max_ttl=0),
        cache_behaviors=[dict(path_pattern="/books/*", target_origin_id="books", min_ttl=books_ttl, default_ttl=books_ttl, max_ttl=31536000, compress=True)],
        tags=dict(Project="stories1001"),
    )
    args.update(extra)
    return args


def behaviour(target, low, default, high, methods=("GET", "HEAD"), compress=False, path=None):
    built = {"PathPattern": path} if path else {}
    built.update(
        {
            "TargetOriginId": target,
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
            "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": {"Quantity": len(methods), "Items": list(methods), "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
            "SmoothStreaming": False,
            "Compress": compress,
            "LambdaFunctionAssociations": {"Quantity": 0},
            "FunctionAssociations": {"Quantity": 0},
            "FieldLevelEncryptionId": "",
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}, "Headers": {"Quantity": 0}, "QueryStringCacheKeys": {"Quantity": 0}},
            "MinTTL": low,
            "DefaultTTL": default,
            "MaxTTL": high,
        }
    )
    return built


def sent_config(books_ttl=86400, caller_reference=ANY, enabled=True):
    """The DistributionConfig the options above must produce, written out by hand."""
    return {
        "CallerReference": caller_reference,
        "Aliases": {"Quantity": 2, "Items": ["www.1001stories.org", "1001stories.org"]},
        "DefaultRootObject": "",
        "Origins": {
            "Quantity": 2,
            "Items": [
                {
                    "Id": "alb",
                    "DomainName": ALB,
                    "OriginPath": "",
                    "CustomHeaders": {"Quantity": 0},
                    "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10,
                    "OriginShield": {"Enabled": False},
                    "OriginAccessControlId": "",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                        "OriginReadTimeout": 30,
                        "OriginKeepaliveTimeout": 5,
                    },
                },
                {
                    "Id": "books",
                    "DomainName": BUCKET,
                    "OriginPath": "",
                    "CustomHeaders": {"Quantity": 0},
                    "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10,
                    "OriginShield": {"Enabled": False},
                    "OriginAccessControlId": OAC_ID,
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                },
            ],
        },
        "OriginGroups": {"Quantity": 0},
        "DefaultCacheBehavior": behaviour("alb", 0, 0, 0, methods=ALL_METHODS),
        "CacheBehaviors": {"Quantity": 1, "Items": [behaviour("books", books_ttl, books_ttl, 31536000, compress=True, path="/books/*")]},
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": NAME,
        "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
        "PriceClass": "PriceClass_All",
        "Enabled": enabled,
        "ViewerCertificate": {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": CERTIFICATE,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": "",
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
    }


def aws_config(books_ttl=86400, enabled=True):
    """The config as GetDistributionConfig returns it: what was sent, aliases and methods in another order, AWS's extras."""
    config = sent_config(books_ttl, caller_reference="1001-stories-production-1", enabled=enabled)
    config["Aliases"]["Items"].reverse()
    config["DefaultCacheBehavior"]["AllowedMethods"]["Items"] = sorted(ALL_METHODS)
    config["DefaultCacheBehavior"]["GrpcConfig"] = {"Enabled": False}
    config["ViewerCertificate"].update(Certificate=CERTIFICATE, CertificateSource="acm")
    config["Origins"]["Items"][0]["CustomOriginConfig"]["IpAddressType"] = "ipv4"
    config.update(ContinuousDeploymentPolicyId="", Staging=False)
    return config


def summary(enabled=True, status="Deployed"):
    return {
        "Id": DIST_ID,
        "ARN": ARN,
        "ETag": "E1",
        "Status": status,
        "LastModifiedTime": NOW,
        "DomainName": DOMAIN,
        "Aliases": {"Quantity": 0},
        "Origins": {"Quantity": 1, "Items": [{"Id": "alb", "DomainName": ALB}]},
        "DefaultCacheBehavior": {"TargetOriginId": "alb", "ViewerProtocolPolicy": "redirect-to-https"},
        "CacheBehaviors": {"Quantity": 0},
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": NAME,
        "PriceClass": "PriceClass_All",
        "Enabled": enabled,
        "ViewerCertificate": {},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": "",
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "Staging": False,
    }


def listing(*items):
    return {"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": len(items), "Items": list(items)}}


def distribution(config, status="InProgress"):
    return {
        "Id": DIST_ID,
        "ARN": ARN,
        "Status": status,
        "LastModifiedTime": NOW,
        "InProgressInvalidationBatches": 0,
        "DomainName": DOMAIN,
        "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
        "DistributionConfig": config,
    }


def existing(stubber, config, tags=(("Project", "stories1001"),)):
    stubber.add_response("list_distributions", listing(summary()), {})
    stubber.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E1CURRENT"}, {"Id": DIST_ID})
    stubber.add_response("list_tags_for_resource", {"Tags": {"Items": [{"Key": k, "Value": v} for k, v in tags]}}, {"Resource": ARN})


def test_create_sends_the_whole_config_with_the_oac_on_the_s3_origin(stubber, run):
    stubber.add_response("list_distributions", listing(), {})
    stubber.add_response(
        "create_distribution_with_tags",
        {"Distribution": distribution(aws_config()), "ETag": "E1NEW", "Location": f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{DIST_ID}"},
        {"DistributionConfigWithTags": {"DistributionConfig": sent_config(), "Tags": {"Items": [{"Key": "Project", "Value": "stories1001"}]}}},
    )

    result = run(options())

    assert result["changed"] is True
    assert result["distribution"]["id"] == DIST_ID
    assert result["distribution"]["domain_name"] == DOMAIN
    assert result["distribution"]["e_tag"] == "E1NEW"
    assert result["distribution"]["distribution_config"]["origins"]["items"][1]["origin_access_control_id"] == OAC_ID


def test_rerun_with_the_same_options_writes_nothing(stubber, run):
    existing(stubber, aws_config())

    result = run(options())

    assert result["changed"] is False
    assert result["changed_fields"] == []
    assert result["distribution"]["status"] == "Deployed"


def test_a_ttl_change_updates_with_the_etag_read(stubber, run):
    existing(stubber, aws_config())
    # The options' fields replace AWS's (per origin and per behaviour); the fields no option manages stay.
    wanted = dict(sent_config(books_ttl=3600, caller_reference="1001-stories-production-1"), ContinuousDeploymentPolicyId="", Staging=False)
    stubber.add_response(
        "update_distribution",
        {"Distribution": distribution(wanted), "ETag": "E2AFTER"},
        {"Id": DIST_ID, "IfMatch": "E1CURRENT", "DistributionConfig": wanted},
    )

    result = run(options(books_ttl=3600))

    assert result["changed"] is True
    assert sorted(result["changed_fields"]) == ["CacheBehaviors.Items[0].DefaultTTL", "CacheBehaviors.Items[0].MinTTL"]
    assert result["distribution"]["e_tag"] == "E2AFTER"
    assert result["diff"]["before"]["distribution_config"]["CacheBehaviors"]["Items"][0]["DefaultTTL"] == 86400
    assert result["diff"]["after"]["distribution_config"]["CacheBehaviors"]["Items"][0]["DefaultTTL"] == 3600


def test_check_mode_reports_the_change_and_writes_nothing(stubber, run):
    existing(stubber, aws_config(), tags=(("Project", "stories1001"), ("Old", "x")))

    result = run(options(books_ttl=3600), check_mode=True)

    assert result["changed"] is True
    assert "CacheBehaviors.Items[0].MinTTL" in result["changed_fields"]
    assert result["diff"]["before"]["tags"] == {"Project": "stories1001", "Old": "x"}
    assert result["diff"]["after"]["tags"] == {"Project": "stories1001"}


def test_tags_alone_are_changed_without_an_update(stubber, run):
    existing(stubber, aws_config(), tags=(("Old", "x"),))
    stubber.add_response("tag_resource", {}, {"Resource": ARN, "Tags": {"Items": [{"Key": "Project", "Value": "stories1001"}]}})
    stubber.add_response("untag_resource", {}, {"Resource": ARN, "TagKeys": {"Items": ["Old"]}})

    result = run(options())

    assert result["changed"] is True
    assert result["changed_fields"] == []
    assert result["distribution"]["tags"] == {"Project": "stories1001"}


@pytest.mark.parametrize(
    "extra, message",
    [
        (dict(cache_behaviors=[dict(path_pattern="/books/*", target_origin_id="books", min_ttl=100, default_ttl=50, max_ttl=200)]), "min_ttl <= default_ttl"),
        (dict(certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/1c6d0a1e-4f1b-4c0e-9d0c-0a1b2c3d4e5f"), "us-east-1"),
        (dict(geo_restriction=dict(type="whitelist", locations=["US", "UK"])), "UK"),
        (dict(default_cache_behavior=dict(target_origin_id="nowhere")), "nowhere"),
    ],
)
def test_invalid_options_fail_before_any_call(stubber, run, extra, message):
    result = run(options(**extra))

    assert result["failed"] is True
    assert message in result["msg"]


def test_absent_disables_waits_and_deletes_with_the_latest_etag(stubber, run):
    stubber.add_response("list_distributions", listing(summary()), {})
    stubber.add_response("get_distribution_config", {"DistributionConfig": aws_config(), "ETag": "E1CURRENT"}, {"Id": DIST_ID})
    stubber.add_response(
        "update_distribution",
        {"Distribution": distribution(aws_config(enabled=False)), "ETag": "E2DISABLED"},
        {"Id": DIST_ID, "IfMatch": "E1CURRENT", "DistributionConfig": aws_config(enabled=False)},
    )
    stubber.add_response("get_distribution", {"Distribution": distribution(aws_config(enabled=False)), "ETag": "E2DISABLED"}, {"Id": DIST_ID})
    stubber.add_response("get_distribution", {"Distribution": distribution(aws_config(enabled=False), "Deployed"), "ETag": "E3DEPLOYED"}, {"Id": DIST_ID})
    stubber.add_response("delete_distribution", {}, {"Id": DIST_ID, "IfMatch": "E3DEPLOYED"})

    result = run(dict(name=NAME, state="absent", wait_delay=0))

    assert result["changed"] is True
    assert result["distribution"] == {}


def test_absent_when_missing_changes_nothing(stubber, run):
    stubber.add_response("list_distributions", listing(), {})

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is False
