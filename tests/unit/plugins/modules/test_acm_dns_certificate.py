# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""acm_dns_certificate driven through main() against real botocore ACM and Route 53 clients with Stubbers: every
request is validated against the service models, and any call not queued fails."""

import datetime
import hashlib
import json

import pytest
from ansible.module_utils.common import warnings as warnings_module
from ansible.module_utils.testing import patch_module_args
from botocore import xform_name

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.stories1001.infra.plugins.module_utils._acm import ALL_KEY_TYPES
from ansible_collections.stories1001.infra.plugins.modules import acm_dns_certificate as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import aws_args, finish, new_stubber

REGION = "eu-west-1"
NAME = "1001-stories-production-alb"
DOMAIN = "app.stories.example.org"
WILDCARD = "*.app.stories.example.org"
API = "api.stories.example.org"
ARN = f"arn:aws:acm:{REGION}:123456789012:certificate/0b8ba2e4-7c55-4a3e-9d5b-1f7c0e0b8a11"
NEW_ARN = f"arn:aws:acm:{REGION}:123456789012:certificate/5d2f7a0c-1e0b-4c8e-a0d4-3b9f6f7e2c22"
ZONE_ID = "Z0123456789ABCDEFGHIJ"
ZONE_NAME = "stories.example.org."
LIST = {"Includes": {"keyTypes": ALL_KEY_TYPES}}
CREATED = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


def record(domain):
    """A validation record as ACM makes it (a wildcard shares its apex's)."""
    base = domain[2:] if domain.startswith("*.") else domain
    token = hashlib.sha256(base.encode()).hexdigest()[:8]
    return {"Name": f"_{token * 4}.{base}.", "Type": "CNAME", "Value": f"_{token[::-1] * 4}.mhbtsbpdnt.acm-validations.aws."}


def detail(arn=ARN, names=(DOMAIN, WILDCARD), status="PENDING_VALIDATION", records=True, key="RSA_2048", created=CREATED, **extra):
    options = []
    for name in names:
        option = {"DomainName": name, "ValidationDomain": name, "ValidationMethod": "DNS"}
        option["ValidationStatus"] = "SUCCESS" if status == "ISSUED" else ("FAILED" if status == "FAILED" else "PENDING_VALIDATION")
        if records:
            option["ResourceRecord"] = record(name)
        options.append(option)
    return dict(
        {
            "CertificateArn": arn,
            "DomainName": names[0],
            "SubjectAlternativeNames": list(names),
            "DomainValidationOptions": options,
            "Status": status,
            "Type": "AMAZON_ISSUED",
            "KeyAlgorithm": key,
            "CreatedAt": created,
            "InUseBy": [],
        },
        **extra,
    )


def summary(found):
    return {"CertificateArn": found["CertificateArn"], "DomainName": found["DomainName"], "Status": found["Status"], "Type": found["Type"]}


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


@pytest.fixture
def acm():
    stub = new_stubber("acm", REGION)
    yield stub
    finish(stub)


@pytest.fixture
def route53():
    stub = new_stubber("route53", REGION)
    yield stub
    finish(stub)


@pytest.fixture
def run(acm, route53, monkeypatch, capsys):
    """Run main() with the given options (in eu-west-1, wait_delay 0); the result has the operations sent in
    result["_sent"] as (service, operation). Every operation must have gone through the retry decorator."""
    stubs = {"acm": acm, "route53": route53}
    sent, retried, regions = [], set(), []

    def fake_client(module, service, retry_decorator=None, **kwargs):
        assert retry_decorator is not None, "the client must retry on throttling"
        regions.append((service, kwargs.get("region") or module.region))
        client = stubs[service].client

        def record_call(model, **event):
            sent.append((service, xform_name(model.name)))

        client.meta.events.register("before-parameter-build", record_call)

        def recording_retry(func):
            def wrapped(*args, **kw):
                retried.add((service, func.__name__))
                return retry_decorator(func)(*args, **kw)

            return wrapped

        return RetryingBotoClientWrapper(client, recording_retry)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)

    def run_main(args, check_mode=False):
        module_args = aws_args(region=REGION, name=NAME, domain_name=DOMAIN, subject_alternative_names=[WILDCARD], wait_delay=0)
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        if check_mode:
            module_args["_ansible_check_mode"] = True
        with patch_module_args(module_args), pytest.raises(SystemExit):
            module_under_test.main()
        assert set(sent) <= retried, f"sent without aws_retry=True: {set(sent) - retried}"
        result = json.loads(capsys.readouterr().out)
        result["_sent"] = list(sent)
        result["_regions"] = list(regions)
        return result

    return run_main


def operations(result, service=None):
    return [operation for (called, operation) in result["_sent"] if service in (None, called)]


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


def expect_list(acm, *found):
    acm.add_response("list_certificates", {"CertificateSummaryList": [summary(item) for item in found]}, LIST)


def expect_named(acm, found, tags=None):
    """DescribeCertificate and ListTagsForCertificate of one listed certificate."""
    acm.add_response("describe_certificate", {"Certificate": found}, {"CertificateArn": found["CertificateArn"]})
    acm.add_response("list_tags_for_certificate", {"Tags": tag_list({"Name": NAME} if tags is None else tags)}, {"CertificateArn": found["CertificateArn"]})


def expect_describe(acm, found):
    acm.add_response("describe_certificate", {"Certificate": found}, {"CertificateArn": found["CertificateArn"]})


def expect_zone_by_name(route53, private=False, count=1):
    zones = [
        {"Id": f"/hostedzone/{ZONE_ID}{index or ''}", "Name": ZONE_NAME, "CallerReference": f"ref-{index}", "Config": {"PrivateZone": private}}
        for index in range(count)
    ]
    route53.add_response(
        "list_hosted_zones_by_name",
        {"HostedZones": zones, "IsTruncated": False, "MaxItems": "100", "DNSName": "stories.example.org"},
        {"DNSName": "stories.example.org"},
    )


def expect_record_lookup(route53, domain, present):
    wanted = record(domain)
    if present:
        rrsets = [{"Name": wanted["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": wanted["Value"]}]}]
    else:
        rrsets = [{"Name": "zzz.stories.example.org.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.1"}]}]
    route53.add_response(
        "list_resource_record_sets",
        {"ResourceRecordSets": rrsets, "IsTruncated": False, "MaxItems": "1"},
        {"HostedZoneId": ZONE_ID, "StartRecordName": wanted["Name"], "StartRecordType": "CNAME", "MaxItems": "1"},
    )


def expect_upsert(route53, domains):
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {"Name": record(domain)["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record(domain)["Value"]}]},
        }
        for domain in domains
    ]
    route53.add_response(
        "change_resource_record_sets",
        {"ChangeInfo": {"Id": "/change/C1", "Status": "PENDING", "SubmittedAt": CREATED}},
        {"HostedZoneId": ZONE_ID, "ChangeBatch": {"Comment": f"ACM DNS validation of {DOMAIN} ({NAME})", "Changes": changes}},
    )


def expect_request(acm, sans=(WILDCARD,), key="RSA_2048", tags=None, arn=ARN):
    params = {
        "DomainName": DOMAIN,
        "ValidationMethod": "DNS",
        "KeyAlgorithm": key,
        "Tags": tag_list(dict(tags or {}, Name=NAME)),
    }
    if sans:
        params["SubjectAlternativeNames"] = list(sans)
    acm.add_response("request_certificate", {"CertificateArn": arn}, params)


# --- present ---------------------------------------------------------------------------------------------


def test_request_writes_each_distinct_record_once_and_waits_until_issued(acm, route53, run):
    names = (DOMAIN, WILDCARD, API)
    expect_list(acm)
    expect_zone_by_name(route53)
    expect_request(acm, sans=(WILDCARD, API), tags={"Environment": "production"})
    expect_describe(acm, detail(names=names, records=False))
    expect_describe(acm, detail(names=names))
    expect_record_lookup(route53, DOMAIN, present=False)
    expect_record_lookup(route53, API, present=False)
    expect_upsert(route53, [DOMAIN, API])
    expect_describe(acm, detail(names=names))
    expect_describe(acm, detail(names=names, status="ISSUED"))

    result = run(dict(subject_alternative_names=[WILDCARD, API], route53_zone_name="stories.example.org", tags={"Environment": "production"}))

    assert result["changed"] is True
    certificate = result["certificate"]
    assert certificate["arn"] == ARN
    assert certificate["status"] == "ISSUED"
    assert certificate["subject_alternative_names"] == [DOMAIN, WILDCARD, API]
    assert certificate["validation_records"] == [
        {"name": record(DOMAIN)["Name"], "type": "CNAME", "value": record(DOMAIN)["Value"]},
        {"name": record(API)["Name"], "type": "CNAME", "value": record(API)["Value"]},
    ]
    assert certificate["tags"] == {"Environment": "production", "Name": NAME}
    assert [entry["name"] for entry in result["records_written"]] == [record(DOMAIN)["Name"], record(API)["Name"]]
    assert result["diff"]["before"] == {}
    assert ("acm", REGION) in result["_regions"]


def test_rerun_with_records_in_place_changes_nothing(acm, route53, run):
    issued = detail(status="ISSUED")
    expect_list(acm, issued)
    expect_named(acm, issued, tags={"Name": NAME, "Environment": "production"})
    expect_zone_by_name(route53)
    expect_record_lookup(route53, DOMAIN, present=True)

    result = run(dict(route53_zone_name="stories.example.org", tags={"Environment": "production"}))

    assert result["changed"] is False
    assert result["records_written"] == []
    assert result["diff"]["before"] == result["diff"]["after"]
    writes = {"request_certificate", "add_tags_to_certificate", "remove_tags_from_certificate", "change_resource_record_sets", "delete_certificate"}
    assert not writes & set(operations(result))


def test_records_without_a_zone_are_returned_and_nothing_waits(acm, run):
    expect_list(acm)
    expect_request(acm)
    expect_describe(acm, detail())

    result = run({})

    assert result["changed"] is True
    assert result["certificate"]["status"] == "PENDING_VALIDATION"
    assert result["certificate"]["validation_records"][0]["name"] == record(DOMAIN)["Name"]
    assert operations(result, "route53") == []


def test_san_change_requests_a_new_certificate_and_keeps_the_old(acm, run):
    old = detail(status="ISSUED", names=(DOMAIN,), created=CREATED - datetime.timedelta(days=30), InUseBy=["arn:aws:elasticloadbalancing:x"])
    expect_list(acm, old)
    expect_named(acm, old)
    expect_request(acm, arn=NEW_ARN)
    expect_describe(acm, detail(arn=NEW_ARN))

    result = run({})

    assert result["changed"] is True
    assert result["certificate"]["arn"] == NEW_ARN
    assert "delete_certificate" not in operations(result)
    assert old["CertificateArn"] in warnings_of(result)[0]
    assert "left in place" in warnings_of(result)[0]


def test_key_algorithm_change_requests_a_new_certificate(acm, run):
    rsa = detail(status="ISSUED")
    expect_list(acm, rsa)
    expect_named(acm, rsa)
    expect_request(acm, key="EC_prime256v1", arn=NEW_ARN)
    expect_describe(acm, detail(arn=NEW_ARN, key="EC_prime256v1"))

    result = run(dict(key_algorithm="EC_prime256v1"))

    assert result["certificate"]["key_algorithm"] == "EC_prime256v1"
    assert result["certificate"]["arn"] == NEW_ARN


def test_only_a_live_amazon_issued_certificate_with_the_name_tag_is_ours_the_newest_wins(acm, run):
    failed = detail(arn=ARN + "-failed", status="FAILED", created=CREATED + datetime.timedelta(days=3))
    other_name = detail(arn=ARN + "-other", status="ISSUED", created=CREATED + datetime.timedelta(days=2))
    imported = detail(arn=ARN + "-imported", status="ISSUED", Type="IMPORTED")
    older = detail(arn=ARN + "-older", status="ISSUED", created=CREATED - datetime.timedelta(days=1))
    newer = detail(status="ISSUED")
    expect_list(acm, failed, other_name, imported, older, newer)
    expect_named(acm, failed)
    expect_named(acm, other_name, tags={"Name": "someone-else"})
    expect_describe(acm, imported)
    expect_named(acm, older)
    expect_named(acm, newer)

    result = run({})

    assert result["changed"] is False
    assert result["certificate"]["arn"] == ARN


def test_tags_are_changed_and_name_is_kept(acm, run):
    issued = detail(status="ISSUED")
    expect_list(acm, issued)
    expect_named(acm, issued, tags={"Name": NAME, "Owner": "old"})
    acm.add_response("remove_tags_from_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Owner"}]})
    acm.add_response("add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Environment", "Value": "production"}]})
    acm.add_response("list_tags_for_certificate", {"Tags": tag_list({"Name": NAME, "Environment": "production"})}, {"CertificateArn": ARN})

    result = run(dict(tags={"Environment": "production"}))

    assert result["changed"] is True
    assert result["certificate"]["tags"] == {"Name": NAME, "Environment": "production"}
    assert result["diff"]["before"]["tags"] == {"Name": NAME, "Owner": "old"}


def test_check_mode_new_certificate_requests_and_writes_nothing(acm, route53, run):
    expect_list(acm)
    expect_zone_by_name(route53)

    result = run(dict(route53_zone_name="stories.example.org"), check_mode=True)

    assert result["changed"] is True
    assert result["certificate"]["arn"] is None
    assert result["certificate"]["status"] == "PENDING_VALIDATION"
    assert result["certificate"]["tags"] == {"Name": NAME}
    assert operations(result) == ["list_certificates", "list_hosted_zones_by_name"]


def test_check_mode_existing_certificate_reports_missing_records_without_writing(acm, route53, run):
    pending = detail()
    expect_list(acm, pending)
    expect_named(acm, pending)
    route53.add_response(
        "get_hosted_zone",
        {"HostedZone": {"Id": f"/hostedzone/{ZONE_ID}", "Name": ZONE_NAME, "CallerReference": "ref", "Config": {"PrivateZone": False}}},
        {"Id": ZONE_ID},
    )
    expect_record_lookup(route53, DOMAIN, present=False)

    result = run(dict(route53_zone_id=ZONE_ID), check_mode=True)

    assert result["changed"] is True
    assert [entry["name"] for entry in result["records_written"]] == [record(DOMAIN)["Name"]]
    assert "change_resource_record_sets" not in operations(result)
    assert result["certificate"]["status"] == "PENDING_VALIDATION"


# --- failures --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, extra, expected",
    [
        ("FAILED", {"FailureReason": "CAA_ERROR"}, "is FAILED (FailureReason CAA_ERROR); validation failed for"),
        ("VALIDATION_TIMED_OUT", {}, "is VALIDATION_TIMED_OUT: ACM did not find the validation CNAME records within 72 hours"),
    ],
)
def test_failure_while_waiting_fails_with_the_reason(acm, route53, run, status, extra, expected):
    pending = detail()
    expect_list(acm, pending)
    expect_named(acm, pending)
    expect_zone_by_name(route53)
    expect_record_lookup(route53, DOMAIN, present=True)
    expect_describe(acm, detail(status=status, **extra))

    result = run(dict(route53_zone_name="stories.example.org"))

    assert result["failed"] is True
    assert expected in result["msg"]
    assert result["certificate"]["status"] == status


def test_still_pending_at_the_timeout_fails(acm, route53, run):
    pending = detail()
    expect_list(acm, pending)
    expect_named(acm, pending)
    expect_zone_by_name(route53)
    expect_record_lookup(route53, DOMAIN, present=True)
    expect_describe(acm, pending)

    result = run(dict(route53_zone_name="stories.example.org", wait_timeout=0))

    assert result["failed"] is True
    assert "still PENDING_VALIDATION after 0 seconds" in result["msg"]


def test_records_that_never_appear_fail_with_a_zone(acm, route53, run):
    expect_list(acm)
    expect_zone_by_name(route53)
    expect_request(acm)
    expect_describe(acm, detail(records=False))

    result = run(dict(route53_zone_name="stories.example.org", wait_timeout=0))

    assert result["failed"] is True
    assert "has not shown the validation records" in result["msg"]
    assert "change_resource_record_sets" not in operations(result)


def test_private_zone_is_refused_before_any_request(acm, route53, run):
    expect_list(acm)
    expect_zone_by_name(route53, private=True)

    result = run(dict(route53_zone_name="stories.example.org"))

    assert result["failed"] is True
    assert "no public Route 53 hosted zone named stories.example.org" in result["msg"]
    assert "request_certificate" not in operations(result)


def test_two_public_zones_of_the_name_are_refused(acm, route53, run):
    expect_list(acm)
    expect_zone_by_name(route53, count=2)

    result = run(dict(route53_zone_name="stories.example.org"))

    assert result["failed"] is True
    assert "give route53_zone_id instead" in result["msg"]


def test_records_outside_the_zone_are_refused(acm, route53, run):
    pending = detail(names=(DOMAIN, "www.other.example.net"))
    expect_list(acm, pending)
    expect_named(acm, pending)
    expect_zone_by_name(route53)

    result = run(dict(subject_alternative_names=["www.other.example.net"], route53_zone_name="stories.example.org"))

    assert result["failed"] is True
    assert "do not lie within hosted zone" in result["msg"]
    assert record("www.other.example.net")["Name"] in result["msg"]
    assert "change_resource_record_sets" not in operations(result)


@pytest.mark.parametrize(
    "args, message",
    [
        ({"tags": {"Name": "another"}}, "tags.Name is 'another'"),
        ({"wait_timeout": -1}, "wait_timeout must not be negative"),
        ({"route53_zone_id": ZONE_ID, "route53_zone_name": "stories.example.org"}, "mutually exclusive"),
        ({"key_algorithm": "RSA_4096"}, "value of key_algorithm must be one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []


def test_throttling_is_retried(acm, route53, run):
    acm.add_client_error("list_certificates", "ThrottlingException", "Rate exceeded", 400, expected_params=LIST)
    expect_list(acm)
    expect_zone_by_name(route53)
    expect_request(acm)
    expect_describe(acm, detail())
    expect_record_lookup(route53, DOMAIN, present=False)
    route53.add_client_error("change_resource_record_sets", "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing")
    expect_upsert(route53, [DOMAIN])
    expect_describe(acm, detail(status="ISSUED"))

    result = run(dict(route53_zone_name="stories.example.org"))

    assert result["changed"] is True
    assert result["certificate"]["status"] == "ISSUED"


# --- absent ----------------------------------------------------------------------------------------------


def test_absent_deletes_every_certificate_of_the_name(acm, run):
    old = detail(arn=ARN + "-old", names=(DOMAIN,), status="ISSUED", created=CREATED - datetime.timedelta(days=30))
    current = detail(status="ISSUED")
    expect_list(acm, old, current)
    expect_named(acm, old)
    expect_named(acm, current)
    acm.add_response("delete_certificate", {}, {"CertificateArn": ARN + "-old"})
    acm.add_response("delete_certificate", {}, {"CertificateArn": ARN})

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["deleted_certificates"] == [ARN + "-old", ARN]
    assert result["certificate"] == {}
    assert result["diff"]["before"]["arn"] == ARN


def test_absent_check_mode_deletes_nothing(acm, run):
    current = detail(status="ISSUED")
    expect_list(acm, current)
    expect_named(acm, current)

    result = run(dict(state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["deleted_certificates"] == [ARN]
    assert "delete_certificate" not in operations(result)


def test_absent_when_none_is_no_change(acm, run):
    expect_list(acm)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_of_a_certificate_in_use_fails_with_aws_message(acm, run):
    current = detail(status="ISSUED")
    expect_list(acm, current)
    expect_named(acm, current)
    message = f"Certificate {ARN} in use by arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/stories/1"
    acm.add_client_error("delete_certificate", "ResourceInUseException", message, 400, expected_params={"CertificateArn": ARN})

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert f"Certificate {ARN} is in use" in result["msg"]
    assert message in result["msg"]
    assert result["error"]["code"] == "ResourceInUseException"
