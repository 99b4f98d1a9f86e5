#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_origin_access_control
version_added: 0.1.0
short_description: Manage a CloudFront origin access control (OAC)
description:
  - Create, update and delete a CloudFront origin access control, with which a distribution signs its requests to a
    private S3 bucket (the successor of the legacy origin access identity). Use its RV(origin_access_control.id) as
    C(origin_access_control_id) of an S3 origin of M(stories1001.infra.cloudfront_distribution).
  - The control is found by O(name), which AWS keeps unique in the account. Its description and signing settings are
    updated (C(UpdateOriginAccessControl) with the current ETag in C(IfMatch)) only when they differ.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description: The name of the origin access control, unique in the account (at most 64 characters).
    type: str
    required: true
  description:
    description: Its description.
    type: str
    default: ""
  origin_type:
    description: The kind of origin it is for.
    type: str
    choices: ["s3", "mediastore", "mediapackagev2", "lambda"]
    default: s3
  signing_behavior:
    description: When CloudFront signs requests; V(always) is the one for a private bucket.
    type: str
    choices: ["always", "never", "no-override"]
    default: always
  signing_protocol:
    description: How requests are signed.
    type: str
    choices: ["sigv4"]
    default: sigv4
  state:
    description:
      - Whether the origin access control should exist.
      - AWS does not delete one that an origin of a distribution still names; the module then fails and says so.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the control that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the control before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Origin access control for the 1001 Stories content bucket
  stories1001.infra.cloudfront_origin_access_control:
    name: 1001-stories-production-books
    description: CloudFront reads the private books bucket
  register: oac

- name: Remove it once no distribution uses it
  stories1001.infra.cloudfront_origin_access_control:
    name: 1001-stories-staging-books
    state: absent
"""

RETURN = r"""
origin_access_control:
  description: The origin access control after the task (in check mode, as it would be; a new one then has no id); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Its id.
      returned: when it exists
      type: str
      sample: E2QWRUHAPOMQZL
    name:
      description: Its name.
      returned: when present
      type: str
      sample: 1001-stories-production-books
    description:
      description: Its description.
      returned: when present
      type: str
    origin_type:
      description: The kind of origin.
      returned: when present
      type: str
      sample: s3
    signing_behavior:
      description: When requests are signed.
      returned: when present
      type: str
      sample: always
    signing_protocol:
      description: How requests are signed.
      returned: when present
      type: str
      sample: sigv4
    e_tag:
      description: Its current ETag.
      returned: when it exists
      type: str
diff:
  description: The control before and after the task, in the form of RV(origin_access_control) without id and ETag.
  returned: always
  type: dict
  contains:
    before:
      description: Before the task.
      returned: always
      type: dict
    after:
      description: After the task.
      returned: always
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

# Options and the OriginAccessControlConfig keys they set.
FIELDS = (
    ("description", "Description"),
    ("origin_type", "OriginAccessControlOriginType"),
    ("signing_behavior", "SigningBehavior"),
    ("signing_protocol", "SigningProtocol"),
)


def find_control(client, name):
    """The OriginAccessControlSummary named name, or None; every page is read (by hand, so each is retried)."""
    params = {}
    while True:
        listing = client.list_origin_access_controls(aws_retry=True, **params).get("OriginAccessControlList") or {}
        for item in listing.get("Items") or []:
            if item.get("Name") == name:
                return item
        if not listing.get("IsTruncated") or not listing.get("NextMarker"):
            return None
        params = {"Marker": listing["NextMarker"]}


def wanted_config(params):
    config = {"Name": params["name"]}
    config.update({key: params[option] for option, key in FIELDS})
    return config


def shown(config, control_id=None, etag=None):
    if not config:
        return {}
    result = {"name": config.get("Name")}
    result.update({option: config.get(key) or "" for option, key in FIELDS})
    if control_id:
        result["id"] = control_id
    if etag:
        result["e_tag"] = etag
    return result


def run(module, client):
    params = module.params
    summary = find_control(client, params["name"])
    current = {key: summary.get(key) or "" for key in ["Name"] + [key for option, key in FIELDS]} if summary else None
    if params["state"] == "absent":
        if summary is None:
            return dict(changed=False, origin_access_control={}, diff=dict(before={}, after={}))
        if not module.check_mode:
            etag = client.get_origin_access_control(Id=summary["Id"], aws_retry=True)["ETag"]
            try:
                client.delete_origin_access_control(Id=summary["Id"], IfMatch=etag, aws_retry=True)
            except is_boto3_error_code("OriginAccessControlInUse") as e:
                module.fail_json_aws(
                    e, msg=f"Origin access control {params['name']} is still used by a distribution's origin: remove it from the origins first"
                )
        return dict(changed=True, origin_access_control={}, diff=dict(before=shown(current), after={}))

    wanted = wanted_config(params)
    if summary is None:
        diff = dict(before={}, after=shown(wanted))
        if module.check_mode:
            return dict(changed=True, origin_access_control=shown(wanted), diff=diff)
        answer = client.create_origin_access_control(OriginAccessControlConfig=wanted, aws_retry=True)
        control = answer["OriginAccessControl"]
        return dict(changed=True, origin_access_control=shown(control["OriginAccessControlConfig"], control["Id"], answer["ETag"]), diff=diff)

    diff = dict(before=shown(current), after=shown(wanted))
    if current == wanted:
        return dict(changed=False, origin_access_control=shown(current, summary["Id"]), diff=diff)
    if module.check_mode:
        return dict(changed=True, origin_access_control=shown(wanted, summary["Id"]), diff=diff)
    etag = client.get_origin_access_control(Id=summary["Id"], aws_retry=True)["ETag"]
    answer = client.update_origin_access_control(Id=summary["Id"], IfMatch=etag, OriginAccessControlConfig=wanted, aws_retry=True)
    control = answer["OriginAccessControl"]
    return dict(changed=True, origin_access_control=shown(control["OriginAccessControlConfig"], control["Id"], answer["ETag"]), diff=diff)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str", default=""),
            origin_type=dict(type="str", choices=["s3", "mediastore", "mediapackagev2", "lambda"], default="s3"),
            signing_behavior=dict(type="str", choices=["always", "never", "no-override"], default="always"),
            signing_protocol=dict(type="str", choices=["sigv4"], default="sigv4"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    try:
        result = run(module, client)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"CloudFront origin access control {module.params['name']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
