#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: acm_dns_certificate
version_added: 0.1.0
short_description: Request an ACM certificate validated through DNS, and write its validation records in Route 53
description:
  - Request a public AWS Certificate Manager (ACM) certificate with DNS validation, keep its tags, optionally write
    its validation CNAME records into a public Route 53 hosted zone and wait until ACM issues it; or delete it.
  - The certificate is requested in the module's O(region). A certificate for an Application Load Balancer lives in
    the load balancer's region; one for CloudFront must be requested in V(us-east-1).
  - A certificate is the task's own when it is of type C(AMAZON_ISSUED), has the domain name O(domain_name), exactly
    the names O(domain_name) and O(subject_alternative_names) (in any order), the key algorithm O(key_algorithm),
    a C(Name) tag equal to O(name), and is neither expired, revoked, failed nor timed out. With several, the newest
    is used. When there is none, a new certificate is requested.
  - AWS cannot change the names or the key algorithm of a certificate. Changing O(subject_alternative_names) or
    O(key_algorithm) therefore requests a new certificate; the previous one is B(not) deleted, since listeners or
    distributions may still use it. The module warns about it; point its users at the new certificate, then delete
    the old one by hand (O(state=absent) deletes every certificate of the name, the new one too).
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The value of the certificate's C(Name) tag, which tells the task's certificate from others for the same domain,
        for example V(1001-stories-production-alb).
    type: str
    required: true
  domain_name:
    description:
      - The certificate's domain name, such as V(stories.example.org) or V(*.stories.example.org).
    type: str
    required: true
  subject_alternative_names:
    description:
      - Other names the certificate covers. The domain name need not be repeated here.
      - A wildcard name and its apex (V(*.stories.example.org) and V(stories.example.org)) share one validation record.
    type: list
    elements: str
    default: []
    aliases: ["sans"]
  key_algorithm:
    description:
      - The algorithm of the certificate's key pair.
    type: str
    choices: ["RSA_2048", "EC_prime256v1", "EC_secp384r1"]
    default: RSA_2048
  route53_zone_id:
    description:
      - The id of the public Route 53 hosted zone into which the module writes (C(UPSERT)) the validation CNAME
        records, once per distinct record. Records already there with the right value are left alone.
      - Every validation record must lie within the zone; a private zone is refused, since ACM cannot resolve it.
    type: str
  route53_zone_name:
    description:
      - The name of the public Route 53 hosted zone into which the module writes the validation records, as with
        O(route53_zone_id). Exactly one public zone must have that name.
    type: str
  wait:
    description:
      - Wait until ACM issues the certificate, polling it every O(wait_delay) seconds for at most O(wait_timeout)
        seconds. A certificate that fails or times out fails the task with AWS's reason.
      - Defaults to V(true) when O(route53_zone_id) or O(route53_zone_name) is given, otherwise V(false).
    type: bool
  wait_timeout:
    description:
      - How many seconds to wait, for the validation records to appear after the request and for the certificate to
        be issued, in all.
    type: int
    default: 900
  wait_delay:
    description:
      - Seconds between two looks at the certificate while waiting.
    type: int
    default: 10
  state:
    description:
      - Whether the certificate should exist.
      - V(absent) deletes every C(AMAZON_ISSUED) certificate for O(domain_name) whose C(Name) tag is O(name), whatever
        its other names and status. AWS refuses to delete a certificate in use; the module then fails with AWS's
        message.
    type: str
    choices: ["present", "absent"]
    default: present
  tags:
    description:
      - A dictionary of tags to set on the certificate. The C(Name) tag is always O(name); a different C(Name) here is
        refused.
      - If the O(tags) parameter is not set then tags will not be modified.
    type: dict
    aliases: ["resource_tags"]
  purge_tags:
    description:
      - If O(purge_tags=true) and O(tags) is set, existing tags will be purged from the resource to match exactly
        what is defined by O(tags) (the C(Name) tag is kept).
      - Tag keys beginning with V(aws:) are reserved by Amazon and can not be modified.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the certificate that would result, without requesting, tagging,
      writing records or deleting anything.
    support: full
  diff_mode:
    description: Returns the certificate before and after the task in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - ACM shows the validation records a moment after the request. The module polls for them (every O(wait_delay)
    seconds, within O(wait_timeout)) before it writes them into Route 53.
  - The validation records stay needed after the certificate is issued, for ACM's managed renewal; do not delete them.
    O(state=absent) leaves them in the zone, since ACM asks every certificate of the account for the same domain for the same
    record.
  - Without a hosted zone, RV(certificate.validation_records) lists the records to create in the DNS of the domain.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Certificate of the production ALB, validated through the stories.example.org zone
  stories1001.infra.acm_dns_certificate:
    region: eu-west-1
    name: 1001-stories-production-alb
    domain_name: app.stories.example.org
    subject_alternative_names:
      - api.stories.example.org
    route53_zone_name: stories.example.org
    tags:
      Project: stories1001
      Environment: production
  register: alb_certificate

- name: Certificate for CloudFront (always in us-east-1), a wildcard and its apex
  stories1001.infra.acm_dns_certificate:
    region: us-east-1
    name: 1001-stories-production-cdn
    domain_name: stories.example.org
    subject_alternative_names:
      - "*.stories.example.org"
    route53_zone_id: Z0123456789ABCDEFGHIJ
    wait_timeout: 1800

- name: Request only; the records are created elsewhere
  stories1001.infra.acm_dns_certificate:
    name: 1001-stories-staging-alb
    domain_name: staging.stories.example.org
  register: staging_certificate

- name: Show the records to create
  ansible.builtin.debug:
    var: staging_certificate.certificate.validation_records

- name: Delete the staging certificates once no listener uses them
  stories1001.infra.acm_dns_certificate:
    name: 1001-stories-staging-alb
    domain_name: staging.stories.example.org
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate as it is (or, in check mode, would be) after the task; empty when there is none.
  returned: always
  type: dict
  contains:
    arn:
      description: The ARN of the certificate; null for one that check mode would request.
      returned: when there is a certificate
      type: str
      sample: arn:aws:acm:eu-west-1:123456789012:certificate/0b8ba2e4-7c55-4a3e-9d5b-1f7c0e0b8a11
    domain_name:
      description: The domain name.
      returned: when there is a certificate
      type: str
      sample: app.stories.example.org
    subject_alternative_names:
      description: Every name of the certificate, the domain name first.
      returned: when there is a certificate
      type: list
      elements: str
      sample: ["app.stories.example.org", "api.stories.example.org"]
    key_algorithm:
      description: The algorithm of the key pair.
      returned: when there is a certificate
      type: str
      sample: RSA_2048
    status:
      description: The certificate's status, such as V(PENDING_VALIDATION) or V(ISSUED).
      returned: when there is a certificate
      type: str
      sample: ISSUED
    validation_records:
      description: The distinct validation CNAME records ACM looks for; empty while ACM has not made them.
      returned: when there is a certificate
      type: list
      elements: dict
      contains:
        name:
          description: The record name.
          type: str
          sample: _3639ac514e785e898d2646601fa951d5.app.stories.example.org.
        type:
          description: The record type.
          type: str
          sample: CNAME
        value:
          description: The record value.
          type: str
          sample: _98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws.
    in_use_by:
      description: The ARNs of the AWS resources (load balancers, distributions) that use the certificate.
      returned: when there is a certificate
      type: list
      elements: str
      sample: []
    tags:
      description: The tags of the certificate.
      returned: when there is a certificate
      type: dict
      sample: {"Name": "1001-stories-production-alb", "Environment": "production"}
records_written:
  description: The validation records the task wrote (or, in check mode, would write) into the hosted zone.
  returned: always
  type: list
  elements: dict
  sample: []
deleted_certificates:
  description: The ARNs of the certificates deleted (or, in check mode, that would be deleted) with O(state=absent).
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: The certificate before and after the task, each in the form of RV(certificate).
  returned: always
  type: dict
  contains:
    before:
      description: The certificate before the task.
      returned: always
      type: dict
    after:
      description: The certificate after the task.
      returned: always
      type: dict
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._acm import ACM_RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._acm import FAILED_STATUSES
from ansible_collections.stories1001.infra.plugins.module_utils._acm import LIVE_STATUSES
from ansible_collections.stories1001.infra.plugins.module_utils._acm import ROUTE53_RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._acm import AnsibleACMError
from ansible_collections.stories1001.infra.plugins.module_utils._acm import certificate_result
from ansible_collections.stories1001.infra.plugins.module_utils._acm import cname_values
from ansible_collections.stories1001.infra.plugins.module_utils._acm import delete_certificate
from ansible_collections.stories1001.infra.plugins.module_utils._acm import describe_certificate
from ansible_collections.stories1001.infra.plugins.module_utils._acm import failure_message
from ansible_collections.stories1001.infra.plugins.module_utils._acm import find_named
from ansible_collections.stories1001.infra.plugins.module_utils._acm import get_hosted_zone
from ansible_collections.stories1001.infra.plugins.module_utils._acm import hosted_zones_named
from ansible_collections.stories1001.infra.plugins.module_utils._acm import in_zone
from ansible_collections.stories1001.infra.plugins.module_utils._acm import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._acm import newest
from ansible_collections.stories1001.infra.plugins.module_utils._acm import normal_name
from ansible_collections.stories1001.infra.plugins.module_utils._acm import poll_certificate
from ansible_collections.stories1001.infra.plugins.module_utils._acm import records_complete
from ansible_collections.stories1001.infra.plugins.module_utils._acm import request_certificate
from ansible_collections.stories1001.infra.plugins.module_utils._acm import same_names
from ansible_collections.stories1001.infra.plugins.module_utils._acm import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._acm import upsert_cnames
from ansible_collections.stories1001.infra.plugins.module_utils._acm import validation_records
from ansible_collections.stories1001.infra.plugins.module_utils._acm import zone_id_of
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags


class Task:
    """The options of one run, its clients and its deadline."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.name = params["name"]
        self.domain_name = params["domain_name"].strip()
        self.names = list(dict.fromkeys([self.domain_name] + [name.strip() for name in params["subject_alternative_names"] or []]))
        self.zone_wanted = params["route53_zone_id"] or params["route53_zone_name"]
        self.wait = params["wait"] if params["wait"] is not None else bool(self.zone_wanted)
        self.delay = max(params["wait_delay"], 0)
        self.deadline = time.monotonic() + max(params["wait_timeout"], 0)
        self.acm = module.client("acm", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=ACM_RETRY_CODES))
        self._route53 = None

    @property
    def route53(self):
        if self._route53 is None:
            self._route53 = self.module.client("route53", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=ROUTE53_RETRY_CODES))
        return self._route53

    def fail(self, msg, **kwargs):
        self.module.fail_json(msg=msg, **kwargs)


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    name_tag = (params.get("tags") or {}).get("Name")
    if name_tag is not None and name_tag != params["name"]:
        errors.append(f"tags.Name is {name_tag!r}, but the Name tag of the certificate is its name, {params['name']!r}")
    if not params["domain_name"].strip():
        errors.append("domain_name is empty")
    for option in ("wait_timeout", "wait_delay"):
        if params[option] < 0:
            errors.append(f"{option} must not be negative")
    return errors


def wanted_tags(task):
    tags = task.module.params["tags"]
    return None if tags is None else dict(without_reserved_tags(tags), Name=task.name)


def is_ours(task, detail):
    return (
        detail.get("Status") in LIVE_STATUSES
        and detail.get("KeyAlgorithm") == task.module.params["key_algorithm"]
        and same_names(detail, task.names)
    )


# --- Route 53 -------------------------------------------------------------------------------------------


def resolve_zone(task):
    """(zone id, zone name) of the public hosted zone given by the options; fails when there is none."""
    params = task.module.params
    if params["route53_zone_id"]:
        zone = get_hosted_zone(task.route53, params["route53_zone_id"])
        if zone is None:
            task.fail(f"There is no Route 53 hosted zone {params['route53_zone_id']}")
        if (zone.get("Config") or {}).get("PrivateZone"):
            task.fail(f"Route 53 hosted zone {params['route53_zone_id']} ({zone['Name']}) is private: ACM validates only through public DNS")
        return zone_id_of(zone), zone["Name"]
    zones = [zone for zone in hosted_zones_named(task.route53, params["route53_zone_name"]) if not (zone.get("Config") or {}).get("PrivateZone")]
    if not zones:
        task.fail(f"There is no public Route 53 hosted zone named {params['route53_zone_name']}")
    if len(zones) > 1:
        task.fail(
            f"There are {len(zones)} public Route 53 hosted zones named {params['route53_zone_name']} "
            f"({', '.join(zone_id_of(zone) for zone in zones)}): give route53_zone_id instead"
        )
    return zone_id_of(zones[0]), zones[0]["Name"]


def records_to_write(task, zone, records):
    """The records not yet in the zone with their value; fails when one lies outside the zone."""
    zone_id, zone_name = zone
    outside = [record["name"] for record in records if not in_zone(record["name"], zone_name)]
    if outside:
        task.fail(f"Validation records {', '.join(outside)} do not lie within hosted zone {zone_id} ({zone_name}); give the zone of {task.domain_name}")
    return [record for record in records if normal_name(record["value"]) not in cname_values(task.route53, zone_id, record["name"])]


# --- the states -----------------------------------------------------------------------------------------


def request(task):
    params = task.module.params
    tags = dict(without_reserved_tags(params["tags"] or {}), Name=task.name)
    request_params = dict(
        DomainName=task.domain_name,
        ValidationMethod="DNS",
        KeyAlgorithm=params["key_algorithm"],
        Tags=ansible_dict_to_boto3_tag_list(tags),
    )
    if task.names[1:]:
        request_params["SubjectAlternativeNames"] = task.names[1:]
    arn = request_certificate(task.acm, **request_params)
    return poll_certificate(task.acm, arn, records_complete, task.delay, task.deadline) or {"CertificateArn": arn}, tags


def wait_for_issue(task, detail, tags):
    arn = detail["CertificateArn"]
    detail = poll_certificate(task.acm, arn, lambda found: found.get("Status") != "PENDING_VALIDATION", task.delay, task.deadline)
    if detail is None:
        task.fail(f"Certificate {arn} disappeared while the task waited for it")
    status = detail.get("Status")
    if status in FAILED_STATUSES:
        task.fail(failure_message(detail), certificate=certificate_result(detail, tags))
    if status == "PENDING_VALIDATION":
        task.fail(
            f"Certificate {detail['CertificateArn']} is still PENDING_VALIDATION after {task.module.params['wait_timeout']} seconds; "
            "ACM looks for the validation records for up to 72 hours: check that they resolve publicly, or wait longer",
            certificate=certificate_result(detail, tags),
        )
    return detail


def ensure_present(task):
    """(changed, before, after, records written)."""
    module = task.module
    named = find_named(task.acm, task.name, task.domain_name)
    found = newest([pair for pair in named if is_ours(task, pair[0])])
    zone = resolve_zone(task) if task.zone_wanted else None
    changed, written = False, []

    if found is None:
        before = {}
        others = [pair[0]["CertificateArn"] for pair in named if pair[0].get("Status") in LIVE_STATUSES]
        if others:
            module.warn(
                f"Certificate(s) {', '.join(others)} named {task.name} have other names or another key algorithm and are left in place: "
                "a new certificate is requested; move their users to it and delete them"
            )
        if module.check_mode:
            tags = dict(without_reserved_tags(module.params["tags"] or {}), Name=task.name)
            after = dict(
                arn=None,
                domain_name=task.domain_name,
                subject_alternative_names=task.names,
                key_algorithm=module.params["key_algorithm"],
                status="PENDING_VALIDATION",
                validation_records=[],
                in_use_by=[],
                tags=tags,
            )
            return True, before, after, []
        detail, tags = request(task)
        changed = True
        if not records_complete(detail):
            message = f"ACM has not shown the validation records of certificate {detail['CertificateArn']} within {module.params['wait_timeout']} seconds"
            if zone:
                task.fail(message + "; run the task again to write them", certificate=certificate_result(detail, tags))
            module.warn(message)
    else:
        detail, tags = found
        before = certificate_result(detail, tags)
        tags_to_set, tag_keys_to_unset, new_tags = plan_tags(tags, wanted_tags(task), module.params["purge_tags"])
        if tags_to_set or tag_keys_to_unset:
            changed = True
            if not module.check_mode:
                update_tags(task.acm, detail["CertificateArn"], tags_to_set, tag_keys_to_unset)
                new_tags = list_tags(task.acm, detail["CertificateArn"])
            tags = new_tags

    if zone:
        written = records_to_write(task, zone, validation_records(detail))
        if written:
            changed = True
            if not module.check_mode:
                upsert_cnames(task.route53, zone[0], written, f"ACM DNS validation of {task.domain_name} ({task.name})")

    if task.wait and not module.check_mode and detail.get("Status") != "ISSUED":
        detail = wait_for_issue(task, detail, tags)
    elif written and not module.check_mode:
        detail = describe_certificate(task.acm, detail["CertificateArn"]) or detail
    return changed, before, certificate_result(detail, tags), written


def ensure_absent(task):
    """(changed, before, deleted ARNs)."""
    named = find_named(task.acm, task.name, task.domain_name)
    shown = newest(named)
    before = certificate_result(*shown) if shown else {}
    arns = [pair[0]["CertificateArn"] for pair in named]
    if not arns or task.module.check_mode:
        return bool(arns), before, arns
    deleted = [arn for arn in arns if delete_certificate(task.acm, arn)]
    return bool(deleted), before, deleted


def main():
    argument_spec = dict(
        name=dict(required=True),
        domain_name=dict(required=True),
        subject_alternative_names=dict(type="list", elements="str", default=[], aliases=["sans"]),
        key_algorithm=dict(choices=["RSA_2048", "EC_prime256v1", "EC_secp384r1"], default="RSA_2048"),
        route53_zone_id=dict(),
        route53_zone_name=dict(),
        wait=dict(type="bool"),
        wait_timeout=dict(type="int", default=900),
        wait_delay=dict(type="int", default=10),
        state=dict(choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[["route53_zone_id", "route53_zone_name"]],
        supports_check_mode=True,
    )
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    task = Task(module)
    written, deleted = [], []
    try:
        if module.params["state"] == "present":
            changed, before, after, written = ensure_present(task)
        else:
            changed, before, deleted = ensure_absent(task)
            after = {}
    except AnsibleACMError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(
        changed=changed,
        certificate=after,
        records_written=written,
        deleted_certificates=deleted,
        diff=dict(before=before, after=after),
    )


if __name__ == "__main__":
    main()
