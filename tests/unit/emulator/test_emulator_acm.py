"""ACM through boto3 against the emulator: DNS validation through Route 53, as acm_dns_certificate drives it.

Every DescribeCertificate response is checked against the operation's output shape in botocore's acm model.
"""

import datetime
import re

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator
from moto.acm.models import acm_backends

from tools.emulator.operations import service_model

REGION = "eu-west-1"
DOMAIN = "app.stories.example.org"
RECORD_NAME = re.compile(r"^_[0-9a-f]{32}\.(?P<domain>[a-z0-9.-]+)\.$")
RECORD_VALUE = re.compile(r"^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$")


def described(acm, arn: str) -> dict:
    response = acm.describe_certificate(CertificateArn=arn)
    body = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(body, service_model("acm").operation_model("DescribeCertificate").output_shape)
    assert not report.has_errors(), report.generate_report()
    return body["Certificate"]


def request(acm, domain=DOMAIN, sans=(), **params) -> str:
    request_params = dict(DomainName=domain, ValidationMethod="DNS", **params)
    if sans:
        request_params["SubjectAlternativeNames"] = list(sans)
    return acm.request_certificate(**request_params)["CertificateArn"]


def public_zone(route53, name="stories.example.org", private=False) -> str:
    params = dict(Name=name, CallerReference=f"{name}-{private}")
    if private:
        params.update(HostedZoneConfig={"PrivateZone": True}, VPC={"VPCRegion": REGION, "VPCId": "vpc-12345678"})
    return route53.create_hosted_zone(**params)["HostedZone"]["Id"]


def write(route53, zone_id: str, records, value=None) -> None:
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {"Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": value or record["Value"]}]},
        }
        for record in records
    ]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})


def records_of(certificate: dict) -> dict:
    return {option["DomainName"]: option["ResourceRecord"] for option in certificate["DomainValidationOptions"]}


@pytest.fixture
def acm(aws):
    return aws("acm", region=REGION)


@pytest.fixture
def route53(aws):
    return aws("route53")


def test_requested_certificate_shows_one_record_per_domain_as_aws_names_them(acm):
    arn = request(acm, sans=["*.app.stories.example.org", "api.stories.example.org"], Tags=[{"Key": "Name", "Value": "alb"}])

    certificate = described(acm, arn)

    assert certificate["Status"] == "PENDING_VALIDATION"
    assert certificate["SubjectAlternativeNames"] == [DOMAIN, "*.app.stories.example.org", "api.stories.example.org"]
    records = records_of(certificate)
    for domain, record in records.items():
        assert record["Type"] == "CNAME"
        assert RECORD_NAME.match(record["Name"]).group("domain") == domain.removeprefix("*.")
        assert RECORD_VALUE.match(record["Value"]), record["Value"]
    assert records[DOMAIN] == records["*.app.stories.example.org"]
    assert records[DOMAIN] != records["api.stories.example.org"]
    assert {option["ValidationStatus"] for option in certificate["DomainValidationOptions"]} == {"PENDING_VALIDATION"}
    assert "IssuedAt" not in certificate and "NotAfter" not in certificate
    assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == [{"Key": "Name", "Value": "alb"}]


def test_the_same_domain_gets_the_same_record_in_every_certificate_of_the_account(acm, aws):
    first = records_of(described(acm, request(acm)))
    second = records_of(described(acm, request(acm, sans=["api.stories.example.org"])))
    elsewhere = records_of(described(aws("acm", region="us-east-1"), request(aws("acm", region="us-east-1"))))

    assert first[DOMAIN] == second[DOMAIN] == elsewhere[DOMAIN]


def test_certificate_stays_pending_until_every_record_is_in_a_public_zone_then_is_issued(acm, route53):
    arn = request(acm, sans=["*.app.stories.example.org", "api.stories.example.org"])
    records = records_of(described(acm, arn))
    zone = public_zone(route53)

    write(route53, zone, [records[DOMAIN]])
    certificate = described(acm, arn)
    assert certificate["Status"] == "PENDING_VALIDATION"
    statuses = {option["DomainName"]: option["ValidationStatus"] for option in certificate["DomainValidationOptions"]}
    assert statuses == {DOMAIN: "SUCCESS", "*.app.stories.example.org": "SUCCESS", "api.stories.example.org": "PENDING_VALIDATION"}
    assert [summary["CertificateArn"] for summary in acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]] == []

    write(route53, zone, [records["api.stories.example.org"]])
    certificate = described(acm, arn)
    assert certificate["Status"] == "ISSUED"
    assert {option["ValidationStatus"] for option in certificate["DomainValidationOptions"]} == {"SUCCESS"}
    assert certificate["IssuedAt"] >= certificate["CreatedAt"]
    assert [summary["CertificateArn"] for summary in acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]] == [arn]


def test_listing_validates_too(acm, route53):
    arn = request(acm)
    write(route53, public_zone(route53), records_of(described(acm, arn)).values())

    (summary,) = acm.list_certificates()["CertificateSummaryList"]

    assert summary["CertificateArn"] == arn
    assert summary["Status"] == "ISSUED"


@pytest.mark.parametrize("where", ["private zone", "wrong value", "no record"])
def test_a_record_acm_cannot_see_leaves_the_certificate_pending(acm, route53, where):
    arn = request(acm)
    records = records_of(described(acm, arn)).values()
    if where == "private zone":
        write(route53, public_zone(route53, private=True), records)
    elif where == "wrong value":
        write(route53, public_zone(route53), records, value="_0000.example.acm-validations.aws.")
    else:
        public_zone(route53)

    assert described(acm, arn)["Status"] == "PENDING_VALIDATION"


def test_validation_times_out_after_72_hours(acm, emulator):
    arn = request(acm)
    bundle = acm_backends["123456789012"][REGION]._certificates[arn]  # pylint: disable=protected-access
    bundle.created_at -= datetime.timedelta(hours=72, minutes=1)

    certificate = described(acm, arn)

    assert certificate["Status"] == "VALIDATION_TIMED_OUT"
    assert {option["ValidationStatus"] for option in certificate["DomainValidationOptions"]} == {"FAILED"}


def test_key_algorithm_is_kept_and_list_shows_rsa_only_unless_asked(acm):
    rsa = request(acm)
    ec = request(acm, domain="cdn.stories.example.org", KeyAlgorithm="EC_prime256v1")

    assert described(acm, ec)["KeyAlgorithm"] == "EC_prime256v1"
    assert [summary["CertificateArn"] for summary in acm.list_certificates()["CertificateSummaryList"]] == [rsa]
    listed = acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1"]})["CertificateSummaryList"]
    assert {summary["CertificateArn"] for summary in listed} == {rsa, ec}


def test_email_validation_shows_no_dns_record(acm):
    arn = acm.request_certificate(DomainName=DOMAIN, ValidationMethod="EMAIL")["CertificateArn"]

    (option,) = described(acm, arn)["DomainValidationOptions"]

    assert option["ValidationMethod"] == "EMAIL"
    assert "ResourceRecord" not in option
    assert f"admin@{DOMAIN}" in option["ValidationEmails"]


def test_certificate_in_use_by_a_listener_is_not_deleted_until_the_listener_is_gone(acm, aws):
    ec2, elbv2 = aws("ec2", region=REGION), aws("elbv2", region=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{index}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
        for index, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(Name="stories", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="stories", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    arn = request(acm)
    listener = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": arn}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )["Listeners"][0]["ListenerArn"]

    assert described(acm, arn)["InUseBy"] == [balancer]
    with pytest.raises(ClientError) as error:
        acm.delete_certificate(CertificateArn=arn)
    assert error.value.response["Error"]["Code"] == "ResourceInUseException"
    assert error.value.response["Error"]["Message"] == f"Certificate {arn} in use by {balancer}"

    elbv2.delete_listener(ListenerArn=listener)
    assert described(acm, arn)["InUseBy"] == []
    acm.delete_certificate(CertificateArn=arn)
    with pytest.raises(ClientError) as error:
        acm.describe_certificate(CertificateArn=arn)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
