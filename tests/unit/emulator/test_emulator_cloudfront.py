"""CloudFront through boto3 against the emulator: a distribution keeps what was sent, as on AWS (tools/emulator/cloudfront.py).

Every GetDistributionConfig and GetDistribution answer is checked against the operation's output shape in botocore's model.
"""

import copy

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

ALB = "stories-production-1234567890.us-east-1.elb.amazonaws.com"
BUCKET = "x.s3.us-east-1.amazonaws.com"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/1c6d0a1e-4f1b-4c0e-9d0c-0a1b2c3d4e5f"
WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/stories-cdn/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]


def items(values, **extra):
    values = list(values)
    wrapper = dict(extra, Quantity=len(values))
    if values:
        wrapper["Items"] = values
    return wrapper


def checked(cloudfront, operation, **params):
    answer = getattr(cloudfront, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    model = service_model("cloudfront").operation_model("".join(part.title() for part in operation.split("_")))
    report = ParamValidator().validate(body, model.output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def legacy_behaviour(target, low, default, high, path=None, methods=("GET", "HEAD"), compress=False):
    behaviour = {
        "TargetOriginId": target,
        "TrustedSigners": {"Enabled": False, "Quantity": 0},
        "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": items(methods, CachedMethods=items(["GET", "HEAD"])),
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
    if path:
        behaviour = dict({"PathPattern": path}, **behaviour)
    return behaviour


def policy_behaviour(target, path=None):
    behaviour = legacy_behaviour(target, 0, 0, 0, path=path, methods=ALL_METHODS)
    for key in ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL"):
        del behaviour[key]
    behaviour["CachePolicyId"] = CACHING_DISABLED
    return behaviour


def distribution_config(control_id, comment="1001-stories-production", books_ttl=86400):
    """Two origins (the bucket through an OAC) and three behaviours, with every field AWS returns given as AWS returns it."""
    return {
        "CallerReference": f"{comment}-1",
        "Aliases": items(["www.1001stories.org", "1001stories.org"]),
        "DefaultRootObject": "",
        "Origins": items(
            [
                {
                    "Id": "alb",
                    "DomainName": ALB,
                    "OriginPath": "",
                    "CustomHeaders": items([{"HeaderName": "X-Origin-Verify", "HeaderValue": "secret"}]),
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": items(["TLSv1.2"]),
                        "OriginReadTimeout": 30,
                        "OriginKeepaliveTimeout": 5,
                    },
                    "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10,
                    "OriginShield": {"Enabled": False},
                    "OriginAccessControlId": "",
                },
                {
                    "Id": "books",
                    "DomainName": BUCKET,
                    "OriginPath": "",
                    "CustomHeaders": {"Quantity": 0},
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10,
                    "OriginShield": {"Enabled": False},
                    "OriginAccessControlId": control_id,
                },
            ]
        ),
        "OriginGroups": {"Quantity": 0},
        "DefaultCacheBehavior": policy_behaviour("alb"),
        "CacheBehaviors": items(
            [
                policy_behaviour("alb", path="/api/*"),
                legacy_behaviour("books", books_ttl, books_ttl, 31536000, path="/books/*"),
                legacy_behaviour("books", 0, 604800, 31536000, path="/static/*", compress=True),
            ]
        ),
        "CustomErrorResponses": items([{"ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "404", "ErrorCachingMinTTL": 60}]),
        "Comment": comment,
        "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "stories-logs.s3.amazonaws.com", "Prefix": "cloudfront/"},
        "PriceClass": "PriceClass_100",
        "Enabled": True,
        "ViewerCertificate": {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": CERTIFICATE,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
            "Certificate": CERTIFICATE,
            "CertificateSource": "acm",
        },
        "Restrictions": {"GeoRestriction": items(["KP", "IR"], RestrictionType="blacklist")},
        "WebACLId": WEB_ACL,
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "ContinuousDeploymentPolicyId": "",
        "Staging": False,
    }


@pytest.fixture
def cloudfront(aws):
    return aws("cloudfront")


def new_control(cloudfront, name="1001-stories-books"):
    config = {"Name": name, "Description": "books bucket", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    return cloudfront.create_origin_access_control(OriginAccessControlConfig=config)


def create(cloudfront, config, tags=()):
    return cloudfront.create_distribution_with_tags(DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": list(tags)}})


def test_distribution_config_round_trip_keeps_every_field(cloudfront):
    control_id = new_control(cloudfront)["OriginAccessControl"]["Id"]
    sent = distribution_config(control_id)
    created = create(cloudfront, copy.deepcopy(sent), tags=[{"Key": "Project", "Value": "stories1001"}])

    distribution_id = created["Distribution"]["Id"]
    assert created["Distribution"]["DistributionConfig"] == sent
    answer = checked(cloudfront, "get_distribution_config", Id=distribution_id)
    assert answer["DistributionConfig"] == sent
    assert answer["ETag"] == created["ETag"]
    origins = answer["DistributionConfig"]["Origins"]["Items"]
    assert origins[1]["OriginAccessControlId"] == control_id
    listed = cloudfront.list_tags_for_resource(Resource=created["Distribution"]["ARN"])["Tags"]["Items"]
    assert listed == [{"Key": "Project", "Value": "stories1001"}]


def test_defaults_are_filled_in_as_aws_fills_them(cloudfront):
    sent = {
        "CallerReference": "minimal",
        "Comment": "minimal",
        "Enabled": True,
        "Origins": items([{"Id": "alb", "DomainName": ALB, "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]),
        "DefaultCacheBehavior": {"TargetOriginId": "alb", "ViewerProtocolPolicy": "redirect-to-https", "CachePolicyId": CACHING_DISABLED},
    }
    distribution_id = create(cloudfront, sent)["Distribution"]["Id"]

    config = checked(cloudfront, "get_distribution_config", Id=distribution_id)["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]
    assert "ForwardedValues" not in behaviour and "MinTTL" not in behaviour
    assert behaviour["Compress"] is False
    assert behaviour["AllowedMethods"]["Quantity"] == 2
    assert config["ViewerCertificate"] == {
        "CloudFrontDefaultCertificate": True,
        "SSLSupportMethod": "vip",
        "MinimumProtocolVersion": "TLSv1",
        "CertificateSource": "cloudfront",
    }
    assert config["HttpVersion"] == "http2"
    assert config["PriceClass"] == "PriceClass_All"
    assert config["Restrictions"] == {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}}
    assert config["Origins"]["Items"][0]["CustomOriginConfig"]["OriginReadTimeout"] == 30


def test_update_needs_the_current_etag_and_gives_a_new_one(cloudfront):
    control_id = new_control(cloudfront)["OriginAccessControl"]["Id"]
    created = create(cloudfront, distribution_config(control_id))
    distribution_id, etag = created["Distribution"]["Id"], created["ETag"]
    changed = distribution_config(control_id, books_ttl=3600)

    with pytest.raises(ClientError) as missing:
        cloudfront.update_distribution(Id=distribution_id, IfMatch="", DistributionConfig=changed)
    with pytest.raises(ClientError) as stale:
        cloudfront.update_distribution(Id=distribution_id, IfMatch="E0STALE", DistributionConfig=changed)
    with pytest.raises(ClientError) as caller:
        cloudfront.update_distribution(Id=distribution_id, IfMatch=etag, DistributionConfig=dict(changed, CallerReference="other"))
    updated = cloudfront.update_distribution(Id=distribution_id, IfMatch=etag, DistributionConfig=changed)

    assert missing.value.response["Error"]["Code"] == "InvalidIfMatchVersion"
    assert stale.value.response["Error"]["Code"] == "PreconditionFailed"
    assert caller.value.response["Error"]["Code"] == "IllegalUpdate"
    assert updated["ETag"] != etag
    assert updated["Distribution"]["Status"] == "InProgress"
    answer = checked(cloudfront, "get_distribution", Id=distribution_id)
    assert answer["ETag"] == updated["ETag"]
    assert answer["Distribution"]["Status"] == "Deployed"
    books = answer["Distribution"]["DistributionConfig"]["CacheBehaviors"]["Items"][1]
    assert (books["MinTTL"], books["DefaultTTL"], books["MaxTTL"]) == (3600, 3600, 31536000)


def test_refuses_ttls_out_of_order_and_an_unknown_control(cloudfront):
    control_id = new_control(cloudfront)["OriginAccessControl"]["Id"]
    bad_ttls = distribution_config(control_id)
    bad_ttls["CacheBehaviors"]["Items"][1]["MinTTL"] = 90000
    with pytest.raises(ClientError) as ttl:
        create(cloudfront, bad_ttls)
    with pytest.raises(ClientError) as control:
        create(cloudfront, distribution_config("E0NOSUCHCONTROL"))

    assert ttl.value.response["Error"]["Code"] == "InvalidTTLOrder"
    assert control.value.response["Error"]["Code"] == "InvalidOriginAccessControl"
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 0


def test_delete_needs_a_disabled_deployed_distribution(cloudfront):
    control_id = new_control(cloudfront)["OriginAccessControl"]["Id"]
    created = create(cloudfront, distribution_config(control_id))
    distribution_id = created["Distribution"]["Id"]

    with pytest.raises(ClientError) as enabled:
        cloudfront.delete_distribution(Id=distribution_id, IfMatch=created["ETag"])
    disabled = cloudfront.update_distribution(
        Id=distribution_id, IfMatch=created["ETag"], DistributionConfig=dict(distribution_config(control_id), Enabled=False)
    )
    with pytest.raises(ClientError) as stale:
        cloudfront.delete_distribution(Id=distribution_id, IfMatch=created["ETag"])
    with pytest.raises(ClientError) as in_use:
        cloudfront.delete_origin_access_control(Id=control_id, IfMatch=cloudfront.get_origin_access_control(Id=control_id)["ETag"])
    deployed = cloudfront.get_distribution(Id=distribution_id)
    cloudfront.delete_distribution(Id=distribution_id, IfMatch=deployed["ETag"])

    assert enabled.value.response["Error"]["Code"] == "DistributionNotDisabled"
    assert stale.value.response["Error"]["Code"] == "PreconditionFailed"
    assert in_use.value.response["Error"]["Code"] == "OriginAccessControlInUse"
    assert disabled["ETag"] == deployed["ETag"]
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 0
    cloudfront.delete_origin_access_control(Id=control_id, IfMatch=cloudfront.get_origin_access_control(Id=control_id)["ETag"])
    assert cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Quantity"] == 0


def test_origin_access_control_names_etags_and_listing(cloudfront):
    created = new_control(cloudfront)
    control_id = created["OriginAccessControl"]["Id"]
    with pytest.raises(ClientError) as duplicate:
        new_control(cloudfront)
    with pytest.raises(ClientError) as stale:
        cloudfront.update_origin_access_control(
            Id=control_id, IfMatch="E0STALE", OriginAccessControlConfig=dict(created["OriginAccessControl"]["OriginAccessControlConfig"], Description="x")
        )
    updated = cloudfront.update_origin_access_control(
        Id=control_id, IfMatch=created["ETag"], OriginAccessControlConfig=dict(created["OriginAccessControl"]["OriginAccessControlConfig"], Description="new")
    )
    cloudfront.create_origin_access_control(
        OriginAccessControlConfig={"Name": "bare", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    )

    assert duplicate.value.response["Error"]["Code"] == "OriginAccessControlAlreadyExists"
    assert stale.value.response["Error"]["Code"] == "PreconditionFailed"
    assert updated["ETag"] != created["ETag"]
    config = checked(cloudfront, "get_origin_access_control_config", Id=control_id)
    assert config["OriginAccessControlConfig"]["Description"] == "new" and config["ETag"] == updated["ETag"]
    listing = checked(cloudfront, "list_origin_access_controls")["OriginAccessControlList"]
    assert sorted((item["Name"], item["Description"]) for item in listing["Items"]) == [("1001-stories-books", "new"), ("bare", "")]
    with pytest.raises(ClientError) as unknown:
        cloudfront.delete_origin_access_control(Id="E0NOSUCHCONTROL", IfMatch="E0")
    assert unknown.value.response["Error"]["Code"] == "NoSuchOriginAccessControl"
