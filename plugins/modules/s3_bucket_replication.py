#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_bucket_replication
version_added: 0.1.0
short_description: Manage the replication configuration of an S3 bucket
description:
  - Set or delete the replication configuration of a bucket (same-region or cross-region replication), in AWS's
    current (V2) schema, where each rule has a priority, a filter and a delete marker replication setting.
  - The module reads the configuration first (C(GetBucketReplication)) and writes the whole configuration
    (C(PutBucketReplication)) only when it differs from the one asked for. Rules are compared by id, whatever their
    order; the defaults AWS fills in (an empty prefix, metrics and replication time control off, no storage class)
    equal the options left out. A configuration in the old (V1) schema, with a prefix on the rule instead of a
    filter, is rewritten in the V2 schema.
  - Before writing, the module checks that the source bucket has versioning V(Enabled) (C(GetBucketVersioning)),
    as AWS refuses replication from any other bucket. The rule ids and priorities must be unique; this and the other
    options are checked before any AWS call.
author:
  - 1001 Stories platform team (@1001stories)
options:
  bucket:
    description:
      - The name of the source bucket.
    type: str
    required: true
  role_arn:
    description:
      - The ARN of the IAM role S3 assumes to replicate the objects. Required with O(state=present).
    type: str
  rules:
    description:
      - The replication rules; they replace all the rules of the bucket. At least one with O(state=present).
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - The id of the rule, unique in the configuration, up to 255 characters.
        type: str
        required: true
      priority:
        description:
          - The priority of the rule when two rules apply to the same object (the higher wins); unique in the configuration.
          - Defaults to the rule's position in O(rules), starting at 1.
        type: int
      status:
        description:
          - Whether the rule is in force.
        type: str
        choices: ["Enabled", "Disabled"]
        default: Enabled
      prefix:
        description:
          - Replicate only the objects whose key begins with this prefix. Same as O(rules[].filter.prefix); give one or the other.
        type: str
      filter:
        description:
          - Replicate only the objects with this prefix and all these tags. Without it (and without O(rules[].prefix)), every object.
        type: dict
        suboptions:
          prefix:
            description:
              - The key prefix.
            type: str
          tags:
            description:
              - The tags an object must carry.
            type: dict
      destination_bucket:
        description:
          - The destination bucket, by name or ARN. It must exist and have versioning enabled (AWS checks).
        type: str
        required: true
      destination_storage_class:
        description:
          - The storage class of the replicas. Without it, the one of the source object.
        type: str
        choices: ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"]
      destination_account:
        description:
          - The account id that owns the destination bucket, for replication to another account.
        type: str
      replica_kms_key_id:
        description:
          - The KMS key (ARN or id, in the destination's region) with which replicas of SSE-KMS objects are encrypted.
          - Required when O(rules[].sse_kms_encrypted_objects=true).
        type: str
      sse_kms_encrypted_objects:
        description:
          - Replicate the objects encrypted with SSE-KMS too (C(SourceSelectionCriteria)).
        type: bool
        default: false
      delete_marker_replication:
        description:
          - Replicate delete markers.
        type: bool
        default: false
      replication_time_minutes:
        description:
          - Turn on S3 Replication Time Control, with this many minutes (AWS takes only V(15)). Needs metrics, which are
            then turned on unless O(rules[].metrics=false), which is refused.
        type: int
      metrics:
        description:
          - Turn on replication metrics (with a 15 minute threshold). Defaults to on with O(rules[].replication_time_minutes), off otherwise.
        type: bool
  state:
    description:
      - Whether the bucket should have a replication configuration.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the configuration that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the configuration before and after the change in RV(diff).
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
  - Replication applies to objects written after the configuration; existing objects need S3 Batch Replication.
  - Settings the module does not manage (replica modification sync, existing object replication, access control
    translation) are not compared, and are dropped when the module writes the configuration.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Replicate the content bucket to the DR region in STANDARD_IA
  stories1001.infra.s3_bucket_replication:
    bucket: stories1001-production-content
    role_arn: arn:aws:iam::123456789012:role/stories1001-production-s3-replication
    rules:
      - id: dr-us-west-2
        destination_bucket: stories1001-production-content-dr
        destination_storage_class: STANDARD_IA
        delete_marker_replication: true

- name: Books only, SSE-KMS objects too, with replication time control
  stories1001.infra.s3_bucket_replication:
    bucket: stories1001-production-content
    role_arn: arn:aws:iam::123456789012:role/stories1001-production-s3-replication
    rules:
      - id: books
        priority: 10
        filter:
          prefix: books/
        destination_bucket: arn:aws:s3:::stories1001-production-content-dr
        destination_storage_class: STANDARD_IA
        sse_kms_encrypted_objects: true
        replica_kms_key_id: arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        replication_time_minutes: 15

- name: Stop replicating
  stories1001.infra.s3_bucket_replication:
    bucket: stories1001-production-content
    state: absent
"""

RETURN = r"""
replication_configuration:
  description: The replication configuration as it is (or, in check mode, would be) after the task; empty when there is none.
  returned: always
  type: dict
  contains:
    role_arn:
      description: The role S3 assumes.
      returned: when there is a configuration
      type: str
      sample: arn:aws:iam::123456789012:role/stories1001-production-s3-replication
    rules:
      description: The rules, sorted by id, each with the keys of O(rules) (the destination bucket as an ARN).
      returned: when there is a configuration
      type: list
      elements: dict
      sample:
        - id: dr-us-west-2
          priority: 1
          status: Enabled
          filter: {"prefix": "", "tags": {}}
          destination_bucket: arn:aws:s3:::stories1001-production-content-dr
          destination_storage_class: STANDARD_IA
          destination_account: null
          replica_kms_key_id: null
          sse_kms_encrypted_objects: false
          delete_marker_replication: true
          replication_time_minutes: null
          metrics: false
diff:
  description: The configuration before and after the task, each in the form of RV(replication_configuration).
  returned: always
  type: dict
  contains:
    before:
      description: The configuration before the task.
      returned: always
      type: dict
    after:
      description: The configuration after the task.
      returned: always
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._s3 import NO_REPLICATION
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import AnsibleS3Error
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import filter_from_aws
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import filter_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import get_versioning_status
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import s3_call
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import wanted_filter

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html: the only threshold AWS takes.
RTC_MINUTES = 15
METRICS_MINUTES = 15
MAX_RULE_ID = 255


@s3_call("get the replication configuration", missing_code=NO_REPLICATION)
def get_replication(client, bucket):
    return client.get_bucket_replication(Bucket=bucket, aws_retry=True)["ReplicationConfiguration"]


@s3_call("put the replication configuration")
def put_replication(client, bucket, config):
    client.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config, aws_retry=True)


@s3_call("delete the replication configuration")
def delete_replication(client, bucket):
    client.delete_bucket_replication(Bucket=bucket, aws_retry=True)


def bucket_arn(destination, role_arn):
    """The ARN of a destination bucket given by name or ARN, in the partition of the role."""
    if destination.startswith("arn:"):
        return destination
    parts = (role_arn or "").split(":")
    partition = parts[1] if len(parts) > 1 and parts[1] else "aws"
    return f"arn:{partition}:s3:::{destination}"


def rule_errors(index, rule):
    errors = []
    name = f"rules[{index}]"
    if not rule.get("id") or len(rule["id"]) > MAX_RULE_ID:
        errors.append(f"{name}.id must be 1 to {MAX_RULE_ID} characters")
    if rule.get("prefix") is not None and rule.get("filter") is not None:
        errors.append(f"{name}: give prefix or filter, not both")
    minutes = rule.get("replication_time_minutes")
    if minutes is not None and minutes != RTC_MINUTES:
        errors.append(f"{name}.replication_time_minutes is {minutes}; AWS takes only {RTC_MINUTES}")
    if minutes is not None and rule.get("metrics") is False:
        errors.append(f"{name}: replication time control needs metrics; AWS refuses it with metrics false")
    if rule.get("sse_kms_encrypted_objects") and not rule.get("replica_kms_key_id"):
        errors.append(f"{name}: sse_kms_encrypted_objects needs replica_kms_key_id, the KMS key that encrypts the replicas")
    return errors


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    if params.get("state") != "present":
        return []
    errors = []
    if not params.get("role_arn"):
        errors.append("role_arn is required with state present")
    rules = params.get("rules") or []
    if not rules:
        errors.append("rules must list at least one rule with state present")
    for index, rule in enumerate(rules):
        errors.extend(rule_errors(index, rule))
    ids = [rule.get("id") for rule in rules]
    duplicates = sorted({value for value in ids if value and ids.count(value) > 1})
    if duplicates:
        errors.append(f"rule ids must be unique: {', '.join(duplicates)} given more than once")
    priorities = [priority_of(index, rule) for index, rule in enumerate(rules)]
    duplicates = sorted({value for value in priorities if priorities.count(value) > 1})
    if duplicates:
        errors.append(f"rule priorities must be unique: {', '.join(str(value) for value in duplicates)} given more than once")
    return errors


def priority_of(index, rule):
    return rule["priority"] if rule.get("priority") is not None else index + 1


def _status(value):
    return "Enabled" if value else "Disabled"


def _enabled(section):
    return (section or {}).get("Status") == "Enabled"


def aws_rule(index, rule, role_arn):
    """The V2 ReplicationRule to send for one rule option."""
    option = wanted_filter(rule.get("filter") or {"prefix": rule.get("prefix")})
    destination = {"Bucket": bucket_arn(rule["destination_bucket"], role_arn)}
    if rule.get("destination_account"):
        destination["Account"] = rule["destination_account"]
    if rule.get("destination_storage_class"):
        destination["StorageClass"] = rule["destination_storage_class"]
    if rule.get("replica_kms_key_id"):
        destination["EncryptionConfiguration"] = {"ReplicaKmsKeyID": rule["replica_kms_key_id"]}
    rtc = rule.get("replication_time_minutes")
    if rtc is not None:
        destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": rtc}}
    metrics = rule.get("metrics")
    if metrics or (metrics is None and rtc is not None):
        destination["Metrics"] = {"Status": "Enabled", "EventThreshold": {"Minutes": METRICS_MINUTES}}
    result = {
        "ID": rule["id"],
        "Priority": priority_of(index, rule),
        "Status": rule.get("status") or "Enabled",
        "Filter": filter_to_aws(option["prefix"], option["tags"]),
        "DeleteMarkerReplication": {"Status": _status(rule.get("delete_marker_replication"))},
        "Destination": destination,
    }
    if rule.get("sse_kms_encrypted_objects"):
        result["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    return result


def wanted_configuration(params):
    return {"Role": params["role_arn"], "Rules": [aws_rule(index, rule, params["role_arn"]) for index, rule in enumerate(params["rules"])]}


def normalize_rule(rule):
    """A rule as the module shows and compares it, with AWS's defaults made explicit."""
    destination = rule.get("Destination") or {}
    aws_filter = rule.get("Filter")
    if aws_filter is None:
        aws_filter = {"Prefix": rule.get("Prefix") or ""}
    rtc = destination.get("ReplicationTime") or {}
    return {
        "id": rule.get("ID"),
        "priority": rule.get("Priority"),
        "status": rule.get("Status"),
        "filter": filter_from_aws(aws_filter),
        "destination_bucket": destination.get("Bucket"),
        "destination_storage_class": destination.get("StorageClass"),
        "destination_account": destination.get("Account"),
        "replica_kms_key_id": (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID"),
        "sse_kms_encrypted_objects": _enabled((rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects")),
        "delete_marker_replication": _enabled(rule.get("DeleteMarkerReplication")),
        "replication_time_minutes": (rtc.get("Time") or {}).get("Minutes") if _enabled(rtc) else None,
        "metrics": _enabled(destination.get("Metrics")),
    }


def normalize(config):
    """The configuration as the module shows and compares it; {} for None."""
    if not config:
        return {}
    rules = [normalize_rule(rule) for rule in config.get("Rules") or []]
    return {"role_arn": config.get("Role"), "rules": sorted(rules, key=lambda rule: str(rule["id"]))}


def is_v1(config):
    """Whether a configuration AWS answered has a rule in the old schema (a prefix on the rule, no filter)."""
    return any("Filter" not in rule for rule in (config or {}).get("Rules") or [])


def ensure_present(client, module, bucket, current, before):
    wanted = wanted_configuration(module.params)
    after = normalize(wanted)
    if after == before and not is_v1(current):
        return False, before
    status = get_versioning_status(client, bucket)
    if status != "Enabled":
        module.fail_json(
            msg=f"Bucket {bucket} has versioning {status or 'never enabled'}; AWS refuses replication from a bucket whose versioning is "
            "not Enabled: enable versioning on it first (amazon.aws.s3_bucket with versioning: true)",
            replication_configuration=before,
        )
    if module.check_mode:
        return True, after
    put_replication(client, bucket, wanted)
    return True, normalize(get_replication(client, bucket)) or after


def main():
    rule_options = dict(
        id=dict(required=True),
        priority=dict(type="int"),
        status=dict(choices=["Enabled", "Disabled"], default="Enabled"),
        prefix=dict(),
        filter=dict(type="dict", options=dict(prefix=dict(), tags=dict(type="dict"))),
        destination_bucket=dict(required=True),
        destination_storage_class=dict(
            choices=["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"]
        ),
        destination_account=dict(),
        replica_kms_key_id=dict(),
        sse_kms_encrypted_objects=dict(type="bool", default=False),
        delete_marker_replication=dict(type="bool", default=False),
        replication_time_minutes=dict(type="int"),
        metrics=dict(type="bool"),
    )
    argument_spec = dict(
        bucket=dict(required=True),
        role_arn=dict(),
        rules=dict(type="list", elements="dict", options=rule_options),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    bucket = module.params["bucket"]

    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        current = get_replication(client, bucket)
        before = normalize(current)
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, bucket, current, before)
        else:
            after, changed = {}, bool(before)
            if changed and not module.check_mode:
                delete_replication(client, bucket)
    except AnsibleS3Error as e:
        module.fail_json_aws(e.exception, msg=e.message)

    module.exit_json(changed=changed, replication_configuration=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
