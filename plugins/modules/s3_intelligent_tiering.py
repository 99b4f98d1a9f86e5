#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_intelligent_tiering
version_added: 0.1.0
short_description: Manage S3 Intelligent-Tiering archive configurations of a bucket
description:
  - Create, change and delete one S3 Intelligent-Tiering configuration of a bucket, identified by O(id). It moves
    objects stored in the C(INTELLIGENT_TIERING) storage class to the Archive Access tier and the Deep Archive Access
    tier after the given number of days without access.
  - The module reads the configuration first (C(GetBucketIntelligentTieringConfiguration)) and writes it
    (C(PutBucketIntelligentTieringConfiguration)) only when it differs from the one asked for. The tiers are compared
    whatever their order; a filter without a prefix equals one with an empty prefix.
  - The days are checked before any AWS call, with AWS's rules.
author:
  - 1001 Stories platform team (@1001stories)
options:
  bucket:
    description:
      - The name of the bucket.
    type: str
    required: true
  id:
    description:
      - The id of the configuration. A bucket can have up to 1,000 of them.
    type: str
    required: true
  state:
    description:
      - Whether the configuration should exist.
    type: str
    choices: ["present", "absent"]
    default: present
  status:
    description:
      - Whether the configuration is in force.
    type: str
    choices: ["Enabled", "Disabled"]
    default: Enabled
  filter:
    description:
      - The objects the configuration applies to. Without it, to every object of the bucket.
    type: dict
    suboptions:
      prefix:
        description:
          - Only the objects whose key begins with this prefix.
        type: str
      tags:
        description:
          - Only the objects that carry all these tags.
        type: dict
  archive_access_days:
    description:
      - Days without access after which an object moves to the Archive Access tier, 90 to 730.
      - With O(state=present), O(archive_access_days), O(deep_archive_access_days) or both must be given.
    type: int
  deep_archive_access_days:
    description:
      - Days without access after which an object moves to the Deep Archive Access tier, 180 to 730.
      - When O(archive_access_days) is given too, it must be more than O(archive_access_days).
    type: int
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
  - The configuration only moves objects that are already in the C(INTELLIGENT_TIERING) storage class (uploaded with
    it, or moved there by a lifecycle rule).
  - Objects in the archive tiers must be restored before they can be read.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Archive the books of the content bucket after 125 days without access, deep archive after 180
  stories1001.infra.s3_intelligent_tiering:
    bucket: stories1001-production-content
    id: books-archive
    filter:
      prefix: books/
    archive_access_days: 125
    deep_archive_access_days: 180

- name: Deep archive only, for the uploads tagged as originals
  stories1001.infra.s3_intelligent_tiering:
    bucket: stories1001-production-content
    id: originals-deep-archive
    filter:
      prefix: uploads/
      tags:
        Kind: original
    deep_archive_access_days: 365

- name: Remove a configuration
  stories1001.infra.s3_intelligent_tiering:
    bucket: stories1001-production-content
    id: books-archive
    state: absent
"""

RETURN = r"""
configuration:
  description: The configuration as it is (or, in check mode, would be) after the task; empty when there is none.
  returned: always
  type: dict
  contains:
    id:
      description: The id of the configuration.
      returned: when the configuration exists
      type: str
      sample: books-archive
    status:
      description: V(Enabled) or V(Disabled).
      returned: when the configuration exists
      type: str
      sample: Enabled
    filter:
      description: The objects it applies to; an empty prefix and no tags mean every object.
      returned: when the configuration exists
      type: dict
      sample: {"prefix": "books/", "tags": {}}
    archive_access_days:
      description: Days before the Archive Access tier; null when that tier is not used.
      returned: when the configuration exists
      type: int
      sample: 125
    deep_archive_access_days:
      description: Days before the Deep Archive Access tier; null when that tier is not used.
      returned: when the configuration exists
      type: int
      sample: 180
diff:
  description: The configuration before and after the task, each in the form of RV(configuration).
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

from ansible_collections.stories1001.infra.plugins.module_utils._s3 import NO_TIERING
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import AnsibleS3Error
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import filter_from_aws
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import filter_to_aws
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import s3_call
from ansible_collections.stories1001.infra.plugins.module_utils._s3 import wanted_filter

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html
ARCHIVE = "ARCHIVE_ACCESS"
DEEP_ARCHIVE = "DEEP_ARCHIVE_ACCESS"
DAYS = {"archive_access_days": (ARCHIVE, 90, 730), "deep_archive_access_days": (DEEP_ARCHIVE, 180, 730)}


@s3_call("get the intelligent-tiering configuration", missing_code=NO_TIERING)
def get_configuration(client, bucket, config_id):
    return client.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id=config_id, aws_retry=True)["IntelligentTieringConfiguration"]


@s3_call("put the intelligent-tiering configuration")
def put_configuration(client, bucket, config):
    client.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id=config["Id"], IntelligentTieringConfiguration=config, aws_retry=True)


@s3_call("delete the intelligent-tiering configuration", missing_code=NO_TIERING)
def delete_configuration(client, bucket, config_id):
    client.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id=config_id, aws_retry=True)
    return True


def validation_errors(params):
    """Why AWS would refuse the options, before any AWS call; [] when it would not."""
    errors = []
    if not params.get("id"):
        errors.append("id must not be empty")
    if params.get("state") != "present":
        return errors
    for option, (tier, low, high) in DAYS.items():
        days = params.get(option)
        if days is not None and not low <= days <= high:
            errors.append(f"{option} is {days}; AWS takes {low} to {high} days for the {tier} tier")
    archive, deep = params.get("archive_access_days"), params.get("deep_archive_access_days")
    if archive is None and deep is None:
        errors.append("archive_access_days, deep_archive_access_days or both are required with state present")
    if archive is not None and deep is not None and deep <= archive:
        errors.append(f"deep_archive_access_days ({deep}) must be more than archive_access_days ({archive})")
    return errors


def normalize(config):
    """The configuration as the module shows and compares it; {} for None."""
    if not config:
        return {}
    days = {tiering.get("AccessTier"): tiering.get("Days") for tiering in config.get("Tierings") or []}
    return {
        "id": config.get("Id"),
        "status": config.get("Status"),
        "filter": filter_from_aws(config.get("Filter")),
        "archive_access_days": days.get(ARCHIVE),
        "deep_archive_access_days": days.get(DEEP_ARCHIVE),
    }


def wanted_configuration(params):
    """The IntelligentTieringConfiguration to send for the options."""
    config = {"Id": params["id"], "Status": params["status"]}
    option = wanted_filter(params.get("filter"))
    if option["prefix"] or option["tags"]:
        config["Filter"] = filter_to_aws(option["prefix"], option["tags"])
    config["Tierings"] = [{"Days": params[option], "AccessTier": tier} for option, (tier, low, high) in DAYS.items() if params.get(option) is not None]
    return config


def main():
    argument_spec = dict(
        bucket=dict(required=True),
        id=dict(required=True),
        state=dict(choices=["present", "absent"], default="present"),
        status=dict(choices=["Enabled", "Disabled"], default="Enabled"),
        filter=dict(type="dict", options=dict(prefix=dict(), tags=dict(type="dict"))),
        archive_access_days=dict(type="int"),
        deep_archive_access_days=dict(type="int"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    bucket, config_id = params["bucket"], params["id"]

    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        before = normalize(get_configuration(client, bucket, config_id))
        if params["state"] == "present":
            wanted = wanted_configuration(params)
            after = normalize(wanted)
            changed = after != before
            if changed and not module.check_mode:
                put_configuration(client, bucket, wanted)
                after = normalize(get_configuration(client, bucket, config_id)) or after
        else:
            after = {}
            changed = bool(before)
            if changed and not module.check_mode:
                changed = bool(delete_configuration(client, bucket, config_id))
    except AnsibleS3Error as e:
        module.fail_json_aws(e.exception, msg=e.message)

    module.exit_json(changed=changed, configuration=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
