#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: guardduty_detector
version_added: 0.1.0
short_description: Manage the GuardDuty detector of a region, its features, tags and threat intel sets
description:
  - Enable Amazon GuardDuty in a region by making (or updating) its detector, the one GuardDuty allows per account and
    region, and delete it with O(state=absent).
  - Sets the finding publishing frequency and turns the detector's protection plans (features) on or off through the
    C(Features) API (not the deprecated C(DataSources)). Only the features named in O(features) are compared and
    changed; the others stay as they are.
  - Optionally manages the detector's threat intel sets, found by name.
  - The detector is read first (C(ListDetectors), C(GetDetector)); nothing is written when it already is as asked.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the region's detector should exist. V(absent) deletes it (and with it the threat intel sets and
        findings GuardDuty kept).
    type: str
    choices: ["present", "absent"]
    default: present
  enable:
    description: Whether the detector is enabled (GuardDuty monitors and produces findings) or suspended.
    type: bool
    default: true
  finding_publishing_frequency:
    description:
      - How often updated findings are exported to EventBridge (and S3 when configured).
      - When not given, a new detector gets AWS's default (V(SIX_HOURS)) and an existing one keeps its own.
    type: str
    choices: ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]
  features:
    description:
      - Protection plans to turn on (V(true)) or off (V(false)), by the name GuardDuty gives them
        (V(S3_DATA_EVENTS), V(EKS_AUDIT_LOGS), V(EBS_MALWARE_PROTECTION), V(RDS_LOGIN_EVENTS),
        V(EKS_RUNTIME_MONITORING), V(LAMBDA_NETWORK_LOGS), V(RUNTIME_MONITORING)). Names are checked before any AWS call.
      - Features not named are left as they are. The foundational sources (CloudTrail, DNS and VPC flow logs) are always
        on and cannot be named.
      - Additional configuration of a feature (such as the runtime monitoring agents) is not managed.
    type: dict
    default: {}
  threat_intel_sets:
    description:
      - Threat intel sets the detector should have, each found by its name. When not given, the sets are left alone.
      - GuardDuty cannot change the format of a set; a set whose format differs fails the task.
      - The sets get the module's O(tags).
    type: list
    elements: dict
    suboptions:
      name:
        description: The name (1 to 300 characters).
        type: str
        required: true
      format:
        description: The format of the file.
        type: str
        choices: ["TXT", "STIX", "OTX_CSV", "ALIEN_VAULT", "PROOF_POINT", "FIRE_EYE"]
        default: TXT
      location:
        description: The S3 URI (V(s3://bucket/key) or V(https://s3.amazonaws.com/bucket/key)) of the file.
        type: str
        required: true
      activate:
        description: Whether GuardDuty uses the set.
        type: bool
        default: true
  purge_threat_intel_sets:
    description: Delete the threat intel sets not named in O(threat_intel_sets) (only when O(threat_intel_sets) is given).
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the detector that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the detector before and after the change in RV(diff).
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
  - GuardDuty is regional; run the module once per region.
  - In an organization whose GuardDuty administrator manages the members' detectors, a member's features may be set
    by the administrator; the module reports what AWS answers.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: GuardDuty in the region, findings every 15 minutes, S3, EKS audit logs and EBS malware protection on
  stories1001.infra.guardduty_detector:
    region: us-east-1
    finding_publishing_frequency: FIFTEEN_MINUTES
    features:
      S3_DATA_EVENTS: true
      EKS_AUDIT_LOGS: true
      EBS_MALWARE_PROTECTION: true
      RUNTIME_MONITORING: false
    tags:
      Project: 1001-stories
      Component: security

- name: A threat list of known malicious addresses
  stories1001.infra.guardduty_detector:
    region: us-east-1
    threat_intel_sets:
      - name: known-malicious-ips
        format: TXT
        location: s3://1001-stories-security/threat-intel/malicious-ips.txt
        activate: true

- name: Turn GuardDuty off in a region
  stories1001.infra.guardduty_detector:
    region: ap-southeast-1
    state: absent
"""

RETURN = r"""
detector:
  description: The detector as it is (or, in check mode, would be) after the task; empty when there is none.
  returned: always
  type: dict
  contains:
    detector_id:
      description: The id of the detector (unknown in check mode before it is made).
      returned: when the detector exists
      type: str
      sample: 12abc34d567e8fa901bc2d34e56789f0
    arn:
      description: The ARN of the detector.
      returned: when the detector exists
      type: str
      sample: arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0
    status:
      description: V(ENABLED) or V(DISABLED).
      returned: when the detector exists
      type: str
      sample: ENABLED
    finding_publishing_frequency:
      description: How often updated findings are exported.
      returned: when the detector exists
      type: str
      sample: FIFTEEN_MINUTES
    features:
      description: The status of each feature AWS lists (the foundational ones included), by name.
      returned: when the detector exists
      type: dict
      sample: {"CLOUD_TRAIL": "ENABLED", "S3_DATA_EVENTS": "ENABLED", "RUNTIME_MONITORING": "DISABLED"}
    service_role:
      description: The service-linked role GuardDuty works as.
      returned: when AWS reports it
      type: str
    tags:
      description: The tags of the detector.
      returned: when the detector exists
      type: dict
      sample: {"Component": "security"}
    threat_intel_sets:
      description: The threat intel sets (only when O(threat_intel_sets) is given), sorted by name.
      returned: when the detector exists and O(threat_intel_sets) is given
      type: list
      elements: dict
      contains:
        threat_intel_set_id:
          description: The id of the set.
          type: str
        name:
          description: The name.
          type: str
        format:
          description: The format.
          type: str
        location:
          description: The S3 URI of the file.
          type: str
        status:
          description: The status, V(ACTIVE) once GuardDuty uses it.
          type: str
        tags:
          description: The tags of the set.
          type: dict
diff:
  description: The detector before and after the task, each in the form of RV(detector).
  returned: always
  type: dict
  contains:
    before:
      description: The detector before the task.
      returned: always
      type: dict
    after:
      description: The detector after the task.
      returned: always
      type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._security import FINDING_FREQUENCIES
from ansible_collections.stories1001.infra.plugins.module_utils._security import GUARDDUTY_FEATURES
from ansible_collections.stories1001.infra.plugins.module_utils._security import THREAT_INTEL_LOCATION
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags


class GuardDutyFailure(Exception):
    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message = message
        self.exception = exception


def _call(what, func, **params):
    try:
        return func(aws_retry=True, **params)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise GuardDutyFailure(f"Failed to {what}", e) from e


# --- pure functions -------------------------------------------------------------------------------------


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    frequency = params.get("finding_publishing_frequency")
    if frequency is not None and frequency not in FINDING_FREQUENCIES:
        errors.append(f"finding_publishing_frequency {frequency!r} is not one of {', '.join(FINDING_FREQUENCIES)}")
    for name, value in (params.get("features") or {}).items():
        if name not in GUARDDUTY_FEATURES:
            errors.append(f"features: {name!r} is not a GuardDuty feature ({', '.join(GUARDDUTY_FEATURES)})")
        elif not isinstance(value, bool):
            errors.append(f"features.{name} must be true or false, not {value!r}")
    names = []
    for index, item in enumerate(params.get("threat_intel_sets") or []):
        name = item.get("name") or ""
        if not 1 <= len(name) <= 300:
            errors.append(f"threat_intel_sets[{index}].name must have 1 to 300 characters")
        if name in names:
            errors.append(f"threat_intel_sets[{index}].name {name!r} is given twice")
        names.append(name)
        if not THREAT_INTEL_LOCATION.match(item.get("location") or ""):
            errors.append(f"threat_intel_sets[{index}].location {item.get('location')!r} is not an S3 URI (s3://bucket/key or https://s3...amazonaws.com/...)")
    return errors


def arn_of(detector_id, service_role, region):
    """The detector's ARN, with the account and partition of its service-linked role's ARN."""
    parts = (service_role or "").split(":")
    if len(parts) < 5 or not parts[4]:
        return None
    return f"arn:{parts[1]}:guardduty:{region}:{parts[4]}:detector/{detector_id}"


def normalize_detector(detector_id, answer, region, sets=None):
    if not answer:
        return {}
    result = dict(
        detector_id=detector_id,
        arn=arn_of(detector_id, answer.get("ServiceRole"), region),
        status=answer.get("Status"),
        finding_publishing_frequency=answer.get("FindingPublishingFrequency"),
        features={feature["Name"]: feature.get("Status") for feature in answer.get("Features") or []},
        service_role=answer.get("ServiceRole"),
        tags=answer.get("Tags") or {},
    )
    if sets is not None:
        result["threat_intel_sets"] = sets
    return result


def normalize_set(set_id, answer):
    return dict(
        threat_intel_set_id=set_id,
        name=answer.get("Name"),
        format=answer.get("Format"),
        location=answer.get("Location"),
        status=answer.get("Status"),
        tags=answer.get("Tags") or {},
    )


def wanted_features(features):
    return {name: "ENABLED" if value else "DISABLED" for name, value in (features or {}).items()}


def feature_changes(current, features):
    """[{Name, Status}] for the named features whose status differs (a feature AWS does not list counts as DISABLED)."""
    return [dict(Name=name, Status=status) for name, status in sorted(wanted_features(features).items()) if current.get(name, "DISABLED") != status]


def plan_sets(current, wanted, purge):
    """(to_create, to_update [(current, changes)], to_delete, errors) for the sets; current and wanted by name."""
    by_name = {item["name"]: item for item in current}
    to_create, to_update, errors = [], [], []
    for item in wanted:
        existing = by_name.get(item["name"])
        if existing is None:
            to_create.append(item)
            continue
        if existing["format"] != item["format"]:
            errors.append(f"threat intel set {item['name']} has format {existing['format']}, not {item['format']}; GuardDuty cannot change the format")
            continue
        changes = {}
        if existing["location"] != item["location"]:
            changes["Location"] = item["location"]
        if (existing["status"] in ("ACTIVE", "ACTIVATING")) != item["activate"]:
            changes["Activate"] = item["activate"]
        if changes:
            to_update.append((existing, changes))
    names = {item["name"] for item in wanted}
    to_delete = [item for item in current if purge and item["name"] not in names]
    return to_create, to_update, to_delete, errors


# --- reading --------------------------------------------------------------------------------------------


def find_detector(client):
    ids = _call("list GuardDuty detectors", client.list_detectors).get("DetectorIds") or []
    return ids[0] if ids else None


def read_sets(client, detector_id):
    ids, params = [], dict(DetectorId=detector_id)
    while True:
        page = _call("list threat intel sets", client.list_threat_intel_sets, **params)
        ids.extend(page.get("ThreatIntelSetIds") or [])
        if not page.get("NextToken"):
            break
        params = dict(params, NextToken=page["NextToken"])
    sets = [
        normalize_set(set_id, _call("get threat intel set", client.get_threat_intel_set, DetectorId=detector_id, ThreatIntelSetId=set_id))
        for set_id in ids
    ]
    return sorted(sets, key=lambda item: item["name"] or "")


def read(client, region, with_sets):
    detector_id = find_detector(client)
    if not detector_id:
        return {}
    answer = _call("get GuardDuty detector", client.get_detector, DetectorId=detector_id)
    return normalize_detector(detector_id, answer, region, read_sets(client, detector_id) if with_sets else None)


# --- the states -----------------------------------------------------------------------------------------


def predicted_set(item, tags, set_id=None):
    return dict(
        threat_intel_set_id=set_id,
        name=item["name"],
        format=item["format"],
        location=item["location"],
        status="ACTIVE" if item["activate"] else "INACTIVE",
        tags=tags,
    )


def create_sets(client, detector_id, to_create, tags):
    for item in to_create:
        request = dict(DetectorId=detector_id, Name=item["name"], Format=item["format"], Location=item["location"], Activate=item["activate"])
        if tags:
            request["Tags"] = tags
        _call(f"create threat intel set {item['name']}", client.create_threat_intel_set, **request)


def ensure_present(client, module, region, before):
    params = module.params
    wanted_sets = params["threat_intel_sets"]
    tags_wanted = params["tags"]

    if not before:
        tags = plan_tags({}, tags_wanted, params["purge_tags"])[2]
        features = wanted_features(params["features"])
        sets = [predicted_set(item, tags) for item in wanted_sets] if wanted_sets is not None else None
        predicted = dict(
            detector_id=None,
            status="ENABLED" if params["enable"] else "DISABLED",
            finding_publishing_frequency=params["finding_publishing_frequency"] or "SIX_HOURS",
            features=features,
            tags=tags,
        )
        if sets is not None:
            predicted["threat_intel_sets"] = sorted(sets, key=lambda item: item["name"])
        if module.check_mode:
            return True, predicted
        request = dict(Enable=params["enable"])
        if params["finding_publishing_frequency"]:
            request["FindingPublishingFrequency"] = params["finding_publishing_frequency"]
        if features:
            request["Features"] = [dict(Name=name, Status=status) for name, status in sorted(features.items())]
        if tags:
            request["Tags"] = without_reserved_tags(tags)
        detector_id = _call("create GuardDuty detector", client.create_detector, **request)["DetectorId"]
        if wanted_sets:
            create_sets(client, detector_id, wanted_sets, without_reserved_tags(tags))
        return True, read(client, region, wanted_sets is not None) or predicted

    detector_id = before["detector_id"]
    update = {}
    if (before.get("status") == "ENABLED") != params["enable"]:
        update["Enable"] = params["enable"]
    frequency = params["finding_publishing_frequency"]
    if frequency and frequency != before.get("finding_publishing_frequency"):
        update["FindingPublishingFrequency"] = frequency
    changes = feature_changes(before.get("features") or {}, params["features"])
    if changes:
        update["Features"] = changes
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before.get("tags"), tags_wanted, params["purge_tags"])
    if (tags_to_set or tag_keys_to_unset) and not before.get("arn"):
        raise GuardDutyFailure(f"GuardDuty did not report the service role of detector {detector_id}, so its ARN (to tag it) is unknown")
    to_create, to_update, to_delete, errors = [], [], [], []
    if wanted_sets is not None:
        to_create, to_update, to_delete, errors = plan_sets(before.get("threat_intel_sets") or [], wanted_sets, params["purge_threat_intel_sets"])
    if errors:
        raise GuardDutyFailure("; ".join(errors))
    set_tag_changes = []
    if wanted_sets is not None and tags_wanted is not None:
        for item in before.get("threat_intel_sets") or []:
            if item in to_delete:
                continue
            set_to_set, set_to_unset, _ignored = plan_tags(item["tags"], tags_wanted, params["purge_tags"])
            if set_to_set or set_to_unset:
                set_tag_changes.append((item, set_to_set, set_to_unset))
    if not (update or tags_to_set or tag_keys_to_unset or to_create or to_update or to_delete or set_tag_changes):
        return False, before

    if module.check_mode:
        after = dict(before, tags=tags)
        if "Enable" in update:
            after["status"] = "ENABLED" if update["Enable"] else "DISABLED"
        if "FindingPublishingFrequency" in update:
            after["finding_publishing_frequency"] = frequency
        after["features"] = dict(before.get("features") or {}, **{change["Name"]: change["Status"] for change in changes})
        if wanted_sets is not None:
            by_name = {
                item["name"]: dict(item, tags=plan_tags(item["tags"], tags_wanted, params["purge_tags"])[2])
                for item in before.get("threat_intel_sets") or []
            }
            for item in to_delete:
                by_name.pop(item["name"])
            for existing, set_changes in to_update:
                entry = by_name[existing["name"]]
                entry["location"] = set_changes.get("Location", entry["location"])
                if "Activate" in set_changes:
                    entry["status"] = "ACTIVE" if set_changes["Activate"] else "INACTIVE"
            for item in to_create:
                by_name[item["name"]] = predicted_set(item, tags)
            after["threat_intel_sets"] = [by_name[name] for name in sorted(by_name)]
        return True, after

    if update:
        _call(f"update GuardDuty detector {detector_id}", client.update_detector, DetectorId=detector_id, **update)
    if tag_keys_to_unset:
        _call(f"untag GuardDuty detector {detector_id}", client.untag_resource, ResourceArn=before["arn"], TagKeys=tag_keys_to_unset)
    if tags_to_set:
        _call(f"tag GuardDuty detector {detector_id}", client.tag_resource, ResourceArn=before["arn"], Tags=without_reserved_tags(tags_to_set))
    for item in to_delete:
        _call(f"delete threat intel set {item['name']}", client.delete_threat_intel_set, DetectorId=detector_id, ThreatIntelSetId=item["threat_intel_set_id"])
    for existing, set_changes in to_update:
        _call(
            f"update threat intel set {existing['name']}",
            client.update_threat_intel_set,
            DetectorId=detector_id,
            ThreatIntelSetId=existing["threat_intel_set_id"],
            **set_changes,
        )
    for item, set_to_set, set_to_unset in set_tag_changes:
        set_arn = f"{before['arn']}/threatintelset/{item['threat_intel_set_id']}"
        if set_to_unset:
            _call(f"untag threat intel set {item['name']}", client.untag_resource, ResourceArn=set_arn, TagKeys=set_to_unset)
        if set_to_set:
            _call(f"tag threat intel set {item['name']}", client.tag_resource, ResourceArn=set_arn, Tags=without_reserved_tags(set_to_set))
    create_sets(client, detector_id, to_create, without_reserved_tags(tags))
    return True, read(client, region, wanted_sets is not None)


def ensure_absent(client, module, before):
    if not before:
        return False
    if not module.check_mode:
        _call(f"delete GuardDuty detector {before['detector_id']}", client.delete_detector, DetectorId=before["detector_id"])
    return True


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        enable=dict(type="bool", default=True),
        finding_publishing_frequency=dict(choices=list(FINDING_FREQUENCIES)),
        features=dict(type="dict", default={}),
        threat_intel_sets=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(required=True),
                format=dict(choices=["TXT", "STIX", "OTX_CSV", "ALIEN_VAULT", "PROOF_POINT", "FIRE_EYE"], default="TXT"),
                location=dict(required=True),
                activate=dict(type="bool", default=True),
            ),
        ),
        purge_threat_intel_sets=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("guardduty", retry_decorator=AWSRetry.jittered_backoff())
    region = client.meta.region_name
    before = {}
    try:
        before = read(client, region, module.params["threat_intel_sets"] is not None and module.params["state"] == "present")
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, region, before)
        else:
            changed, after = ensure_absent(client, module, before), {}
    except GuardDutyFailure as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.message, detector=before)
        module.fail_json(msg=e.message, detector=before)

    module.exit_json(changed=changed, detector=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
