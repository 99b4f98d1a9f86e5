# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ACM and Route 53 calls and result shaping for the acm_dns_certificate module.

Each API call is wrapped once and fails with ``AnsibleACMError``; describe calls return None when the resource
does not exist. Every function expects clients made with ``retry_decorator=AWSRetry.jittered_backoff()``: calls
pass ``aws_retry=True``. Lists are paged by hand so that every page is retried on throttling.
Private to stories1001.infra: the interface may change without notice.
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# Throttling codes AWSRetry does not retry by itself: ACM's, and Route 53's answer while a change batch is in flight.
ACM_RETRY_CODES = ["ThrottlingException"]
ROUTE53_RETRY_CODES = ["PriorRequestNotComplete"]
NOT_FOUND_CODES = ["ResourceNotFoundException", "NoSuchHostedZone"]
IN_USE_CODE = "ResourceInUseException"
# ListCertificates lists only RSA_1024 and RSA_2048 certificates unless asked for other key types.
ALL_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
# Certificates that can still be (or are) in service: not EXPIRED, REVOKED, FAILED or VALIDATION_TIMED_OUT.
LIVE_STATUSES = ("PENDING_VALIDATION", "ISSUED", "INACTIVE")
FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")
AMAZON_ISSUED = "AMAZON_ISSUED"
RECORD_TTL = 300


class AnsibleACMError(AnsibleAWSError):
    pass


class ACMErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleACMError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(NOT_FOUND_CODES)


# --- ACM ------------------------------------------------------------------------------------------------


@ACMErrorHandler.common_error_handler("list certificates")
def list_certificates(client):
    """Every certificate summary of the region, whatever its key type and status."""
    summaries, params = [], dict(Includes=dict(keyTypes=ALL_KEY_TYPES))
    while True:
        page = client.list_certificates(aws_retry=True, **params)
        summaries.extend(page.get("CertificateSummaryList") or [])
        if not page.get("NextToken"):
            return summaries
        params = dict(params, NextToken=page["NextToken"])


@ACMErrorHandler.list_error_handler("describe certificate", None)
def describe_certificate(client, arn):
    return client.describe_certificate(CertificateArn=arn, aws_retry=True)["Certificate"]


@ACMErrorHandler.list_error_handler("list tags for certificate", None)
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_certificate(CertificateArn=arn, aws_retry=True).get("Tags") or [])


@ACMErrorHandler.common_error_handler("request certificate")
def request_certificate(client, **params):
    return client.request_certificate(aws_retry=True, **params)["CertificateArn"]


@ACMErrorHandler.common_error_handler("tag certificate")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    if tag_keys_to_unset:
        client.remove_tags_from_certificate(CertificateArn=arn, Tags=[dict(Key=key) for key in tag_keys_to_unset], aws_retry=True)
    if tags_to_set:
        client.add_tags_to_certificate(CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)


@ACMErrorHandler.deletion_error_handler("delete certificate")
def delete_certificate(client, arn):
    """Delete the certificate; False when it was already gone. One in use fails with AWS's message."""
    try:
        client.delete_certificate(CertificateArn=arn, aws_retry=True)
    except is_boto3_error_code(IN_USE_CODE) as e:
        aws_message = e.response.get("Error", {}).get("Message", "")
        raise AnsibleACMError(
            message=f"Certificate {arn} is in use and AWS does not delete it ({aws_message}): move the listeners and distributions "
            "that use it to another certificate first",
            exception=e,
        ) from e
    return True


def find_named(client, name, domain_name):
    """[(certificate detail, tags)] of the AMAZON_ISSUED certificates for domain_name whose Name tag is name, any status."""
    found = []
    for summary in list_certificates(client):
        if normal_name(summary.get("DomainName")) != normal_name(domain_name):
            continue
        detail = describe_certificate(client, summary["CertificateArn"])
        if not detail or detail.get("Type") != AMAZON_ISSUED:
            continue
        tags = list_tags(client, detail["CertificateArn"])
        if tags is not None and tags.get("Name") == name:
            found.append((detail, tags))
    return found


def poll_certificate(client, arn, done, delay, deadline):
    """Describe the certificate until done(detail) or the deadline (time.monotonic()) has passed; the last detail.

    Describes at least once."""
    while True:
        detail = describe_certificate(client, arn)
        if detail is None or done(detail) or time.monotonic() >= deadline:
            return detail
        time.sleep(delay)


# --- Route 53 -------------------------------------------------------------------------------------------


@ACMErrorHandler.list_error_handler("get hosted zone", None)
def get_hosted_zone(client, zone_id):
    return client.get_hosted_zone(Id=zone_id, aws_retry=True)["HostedZone"]


@ACMErrorHandler.common_error_handler("list hosted zones by name")
def hosted_zones_named(client, zone_name):
    """The hosted zones (public and private) whose name is zone_name."""
    wanted, zones, params = normal_name(zone_name), [], dict(DNSName=zone_name)
    while True:
        page = client.list_hosted_zones_by_name(aws_retry=True, **params)
        for zone in page.get("HostedZones") or []:
            if normal_name(zone["Name"]) != wanted:
                return zones
            zones.append(zone)
        if not page.get("IsTruncated"):
            return zones
        params = dict(DNSName=page["NextDNSName"], HostedZoneId=page["NextHostedZoneId"])


@ACMErrorHandler.common_error_handler("list resource record sets")
def cname_values(client, zone_id, record_name):
    """The values (normalized) of the CNAME record_name in the zone; [] when there is none."""
    page = client.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=record_name, StartRecordType="CNAME", MaxItems="1", aws_retry=True)
    for rrset in page.get("ResourceRecordSets") or []:
        if normal_name(rrset.get("Name")) == normal_name(record_name) and rrset.get("Type") == "CNAME":
            return [normal_name(item.get("Value")) for item in rrset.get("ResourceRecords") or []]
    return []


@ACMErrorHandler.common_error_handler("write the validation records")
def upsert_cnames(client, zone_id, records, comment):
    changes = [
        dict(
            Action="UPSERT",
            ResourceRecordSet=dict(Name=record["name"], Type=record["type"], TTL=RECORD_TTL, ResourceRecords=[dict(Value=record["value"])]),
        )
        for record in records
    ]
    client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch=dict(Comment=comment, Changes=changes), aws_retry=True)


# --- pure functions -------------------------------------------------------------------------------------


def normal_name(name):
    """A DNS name compared as DNS compares it: lower case, without the final dot."""
    return (name or "").lower().rstrip(".")


def zone_id_of(zone):
    return zone["Id"].split("/")[-1]


def in_zone(record_name, zone_name):
    record_name, zone_name = normal_name(record_name), normal_name(zone_name)
    return record_name == zone_name or record_name.endswith("." + zone_name)


def validation_records(detail):
    """The distinct validation CNAMEs of a certificate, in the order of its domains; [] while AWS has not made them."""
    records = []
    for option in (detail or {}).get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if record:
            entry = dict(name=record["Name"], type=record["Type"], value=record["Value"])
            if entry not in records:
                records.append(entry)
    return records


def records_complete(detail):
    """Whether every domain of the certificate shows its validation record."""
    options = detail.get("DomainValidationOptions") or []
    return bool(options) and all(option.get("ResourceRecord") for option in options)


def same_names(detail, names):
    return {normal_name(name) for name in detail.get("SubjectAlternativeNames") or []} == {normal_name(name) for name in names}


def created_at(detail):
    """When the certificate was requested, as a POSIX timestamp (0 when AWS does not say)."""
    value = detail.get("CreatedAt")
    return value.timestamp() if hasattr(value, "timestamp") else 0


def newest(pairs):
    """The (detail, tags) pair of the most recently requested certificate, or None."""
    return max(pairs, key=lambda pair: created_at(pair[0])) if pairs else None


def certificate_result(detail, tags):
    if not detail:
        return {}
    return dict(
        arn=detail["CertificateArn"],
        domain_name=detail.get("DomainName"),
        subject_alternative_names=detail.get("SubjectAlternativeNames") or [],
        key_algorithm=detail.get("KeyAlgorithm"),
        status=detail.get("Status"),
        validation_records=validation_records(detail),
        in_use_by=detail.get("InUseBy") or [],
        tags=tags or {},
    )


def failure_message(detail):
    """Why a certificate cannot be issued, from its status, FailureReason and failed domains."""
    status = detail.get("Status")
    failed = [option["DomainName"] for option in detail.get("DomainValidationOptions") or [] if option.get("ValidationStatus") == "FAILED"]
    message = f"Certificate {detail['CertificateArn']} is {status}"
    if detail.get("FailureReason"):
        message += f" (FailureReason {detail['FailureReason']})"
    if failed:
        message += f"; validation failed for {', '.join(failed)}"
    if status == "VALIDATION_TIMED_OUT":
        message += ": ACM did not find the validation CNAME records within 72 hours of the request"
    return message
