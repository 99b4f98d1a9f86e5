#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_selection
version_added: 0.1.0
short_description: Manage the resource selections of an AWS Backup plan
description:
  - Create, replace and delete a backup selection, the resources (by ARN pattern, tags and conditions) an AWS Backup plan
    backs up, found by its name in the plan.
  - AWS cannot change a selection. When the options differ from the selection AWS holds, the module deletes it and
    creates it again (a new selection id), reports a change and says so in RV(replaced) and in the diff's header.
  - Resources, excluded resources, tags and conditions are compared as sets; their order does not matter.
author:
  - 1001 Stories platform team (@1001stories)
options:
  backup_plan_name:
    description: The name of the plan. Give this or O(backup_plan_id).
    type: str
    aliases: ["plan_name"]
  backup_plan_id:
    description: The id of the plan. Give this or O(backup_plan_name).
    type: str
    aliases: ["plan_id"]
  name:
    description: The name of the selection in the plan, 1 to 50 letters, digits, hyphens, underscores and periods.
    type: str
    required: true
    aliases: ["selection_name", "backup_selection_name"]
  iam_role_arn:
    description: The ARN of the IAM role AWS Backup takes to back up the selected resources. Required with O(state=present).
    type: str
  resources:
    description:
      - ARNs of the resources to back up, or ARN patterns with C(*), such as C(arn:aws:rds:*:*:cluster:*).
      - With O(conditions) and no resources, AWS Backup applies the conditions to every resource (V(*)).
    type: list
    elements: str
    default: []
  not_resources:
    description: ARNs or ARN patterns of resources never to back up.
    type: list
    elements: str
    default: []
  list_of_tags:
    description: Tags any of which selects a resource (ORed); the tag key as the resource carries it.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description: The tag key.
        type: str
        required: true
        aliases: ["condition_key"]
      value:
        description: The tag value.
        type: str
        required: true
        aliases: ["condition_value"]
      condition_type:
        description: How the tag is matched; AWS knows only V(STRINGEQUALS).
        type: str
        choices: ["STRINGEQUALS"]
        default: STRINGEQUALS
  conditions:
    description:
      - Conditions on the resources' tags, all of which must hold (ANDed).
      - A key is a tag key; the module sends it as C(aws:ResourceTag/KEY) (a key that already begins with C(aws:ResourceTag/) is kept).
    type: dict
    suboptions:
      string_equals:
        description: Tags that must have the value.
        type: list
        elements: dict
        default: []
        suboptions:
          key:
            description: The tag key.
            type: str
            required: true
            aliases: ["condition_key"]
          value:
            description: The value.
            type: str
            required: true
            aliases: ["condition_value"]
      string_not_equals:
        description: Tags that must not have the value.
        type: list
        elements: dict
        default: []
        suboptions:
          key:
            description: The tag key.
            type: str
            required: true
            aliases: ["condition_key"]
          value:
            description: The value.
            type: str
            required: true
            aliases: ["condition_value"]
      string_like:
        description: Tags whose value must match the pattern (C(*) matches any characters).
        type: list
        elements: dict
        default: []
        suboptions:
          key:
            description: The tag key.
            type: str
            required: true
            aliases: ["condition_key"]
          value:
            description: The pattern.
            type: str
            required: true
            aliases: ["condition_value"]
      string_not_like:
        description: Tags whose value must not match the pattern.
        type: list
        elements: dict
        default: []
        suboptions:
          key:
            description: The tag key.
            type: str
            required: true
            aliases: ["condition_key"]
          value:
            description: The pattern.
            type: str
            required: true
            aliases: ["condition_value"]
  state:
    description:
      - Whether the selection should exist.
      - With V(absent), a plan that does not exist means there is nothing to delete.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the selection that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the selection before and after the change in RV(diff).
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
  - Replacing a selection deletes it before creating it again; for that moment the plan selects nothing through it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Back up the platform's databases and buckets that carry its backup tag
  stories1001.infra.backup_selection:
    backup_plan_name: 1001-stories-backup-plan
    name: 1001-stories-tagged
    iam_role_arn: arn:aws:iam::123456789012:role/1001-stories-backup
    resources:
      - arn:aws:rds:*:*:cluster:*
      - arn:aws:s3:::*
    conditions:
      string_equals:
        - key: stories1001:backup
          value: "true"

- name: Back up two resources by ARN
  stories1001.infra.backup_selection:
    backup_plan_id: 8a7cba1b-5e54-4a55-b9a5-2ef0a1b2c3d4
    name: explicit
    iam_role_arn: arn:aws:iam::123456789012:role/1001-stories-backup
    resources:
      - arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-db
      - arn:aws:s3:::1001-stories-production-content

- name: Remove a selection
  stories1001.infra.backup_selection:
    backup_plan_name: 1001-stories-backup-plan
    name: explicit
    state: absent
"""

RETURN = r"""
selection_id:
  description: The id of the selection (a new one when it was replaced); absent when there is none, or in check mode for one to create.
  returned: when the selection exists
  type: str
  sample: 5a2d0c2e-7d5e-4c1b-8a8f-1e6d2f3b4c5d
replaced:
  description: Whether the selection was (or, in check mode, would be) deleted and created again because it differed.
  returned: always
  type: bool
  sample: false
backup_selection:
  description: The selection as it is (or, in check mode, would be) after the task, as GetBackupSelection answers it, snake-cased; empty when there is none.
  returned: always
  type: dict
  contains:
    selection_id:
      description: The id of the selection.
      returned: when the selection exists
      type: str
    backup_plan_id:
      description: The id of the plan.
      returned: when the selection exists
      type: str
    selection_name:
      description: The name of the selection.
      returned: when the selection exists
      type: str
    iam_role_arn:
      description: The IAM role AWS Backup takes.
      returned: when the selection exists
      type: str
    resources:
      description: The resources and patterns selected.
      returned: when the selection exists
      type: list
      elements: str
    not_resources:
      description: The resources and patterns excluded.
      returned: when the selection exists
      type: list
      elements: str
    list_of_tags:
      description: The tags any of which selects a resource (C(condition_type), C(condition_key), C(condition_value)).
      returned: when the selection exists
      type: list
      elements: dict
    conditions:
      description:
        - The conditions (C(string_equals), C(string_not_equals), C(string_like), C(string_not_like)),
          each a list of C(condition_key) and C(condition_value).
      returned: when the selection exists
      type: dict
      sample: {"string_equals": [{"condition_key": "aws:ResourceTag/stories1001:backup", "condition_value": "true"}], "string_like": []}
diff:
  description: The selection before and after the task, each in the form of RV(backup_selection); the after header says when it is replaced.
  returned: always
  type: dict
  contains:
    before:
      description: The selection before the task.
      returned: always
      type: dict
    after:
      description: The selection after the task.
      returned: always
      type: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._backup import IAM_ROLE_ARN
from ansible_collections.stories1001.infra.plugins.module_utils._backup import AnsibleBackupError
from ansible_collections.stories1001.infra.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.stories1001.infra.plugins.module_utils._backup import delete_selection
from ansible_collections.stories1001.infra.plugins.module_utils._backup import find_plans
from ansible_collections.stories1001.infra.plugins.module_utils._backup import get_plan
from ansible_collections.stories1001.infra.plugins.module_utils._backup import get_selection
from ansible_collections.stories1001.infra.plugins.module_utils._backup import list_selections
from ansible_collections.stories1001.infra.plugins.module_utils._backup import name_errors

CONDITIONS = {"string_equals": "StringEquals", "string_not_equals": "StringNotEquals", "string_like": "StringLike", "string_not_like": "StringNotLike"}
TAG_PREFIX = "aws:ResourceTag/"


@BackupErrorHandler.common_error_handler("create backup selection")
def create_selection(client, plan_id, selection):
    return client.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection, aws_retry=True)


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = name_errors(params["name"], "name")
    if params["state"] == "present":
        role = params.get("iam_role_arn")
        if not role:
            errors.append("iam_role_arn is required with state present")
        elif not IAM_ROLE_ARN.match(role):
            errors.append(f"iam_role_arn {role!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        conditions = params.get("conditions") or {}
        if not params["resources"] and not params["list_of_tags"] and not any(conditions.get(key) for key in CONDITIONS):
            errors.append("give resources, list_of_tags or conditions: a selection without them selects nothing")
    for option in ("resources", "not_resources"):
        for value in params.get(option) or []:
            if not (value == "*" or value.startswith("arn:")):
                errors.append(f"{option}: {value!r} is not an ARN, an ARN pattern or *")
    return errors


def condition_key(key):
    return key if key.startswith(TAG_PREFIX) else TAG_PREFIX + key


def desired_selection(params):
    """The BackupSelection the options ask for, with every list present, as GetBackupSelection answers."""
    conditions = params.get("conditions") or {}
    return {
        "SelectionName": params["name"],
        "IamRoleArn": params["iam_role_arn"],
        "Resources": list(params["resources"]),
        "NotResources": list(params["not_resources"]),
        "ListOfTags": [{"ConditionType": tag["condition_type"], "ConditionKey": tag["key"], "ConditionValue": tag["value"]} for tag in params["list_of_tags"]],
        "Conditions": {
            aws: [{"ConditionKey": condition_key(item["key"]), "ConditionValue": item["value"]} for item in conditions.get(option) or []]
            for option, aws in CONDITIONS.items()
        },
    }


def request_selection(selection):
    """The BackupSelection to send: empty lists and conditions left out."""
    request = {key: value for key, value in selection.items() if value and key != "Conditions"}
    conditions = {key: value for key, value in (selection.get("Conditions") or {}).items() if value}
    if conditions:
        request["Conditions"] = conditions
    return request


def _pairs(items, *keys):
    return sorted(tuple(str(item.get(key)) for key in keys) for item in items or [])


def comparable(selection):
    conditions = selection.get("Conditions") or {}
    return (
        selection.get("SelectionName"),
        selection.get("IamRoleArn"),
        sorted(selection.get("Resources") or []),
        sorted(selection.get("NotResources") or []),
        _pairs(selection.get("ListOfTags"), "ConditionType", "ConditionKey", "ConditionValue"),
        {key: _pairs(conditions.get(key), "ConditionKey", "ConditionValue") for key in CONDITIONS.values()},
    )


def normalize(answer):
    """A GetBackupSelection answer as the module returns it."""
    if not answer:
        return {}
    result = camel_dict_to_snake_dict(answer.get("BackupSelection") or {})
    for key, option in (("SelectionId", "selection_id"), ("BackupPlanId", "backup_plan_id"), ("CreatorRequestId", "creator_request_id")):
        if answer.get(key):
            result[option] = answer[key]
    if answer.get("CreationDate"):
        created = answer["CreationDate"]
        result["creation_date"] = created.isoformat() if hasattr(created, "isoformat") else str(created)
    return result


def find_plan_id(client, module):
    """The plan's id; None when it does not exist."""
    params = module.params
    if params["backup_plan_id"]:
        return params["backup_plan_id"] if get_plan(client, params["backup_plan_id"]) else None
    plans = find_plans(client, params["backup_plan_name"])
    if len(plans) > 1:
        module.fail_json(msg=f"Several backup plans are named {params['backup_plan_name']}: give backup_plan_id")
    return plans[0]["BackupPlanId"] if plans else None


def read(client, plan_id, name):
    """The GetBackupSelection answers of the plan's selections named name."""
    return [get_selection(client, plan_id, entry["SelectionId"]) for entry in list_selections(client, plan_id) if entry.get("SelectionName") == name]


def main():
    pair = dict(key=dict(required=True, no_log=False, aliases=["condition_key"]), value=dict(required=True, aliases=["condition_value"]))
    argument_spec = dict(
        backup_plan_name=dict(aliases=["plan_name"]),
        backup_plan_id=dict(aliases=["plan_id"]),
        name=dict(required=True, aliases=["selection_name", "backup_selection_name"]),
        iam_role_arn=dict(),
        resources=dict(type="list", elements="str", default=[]),
        not_resources=dict(type="list", elements="str", default=[]),
        list_of_tags=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(pair, condition_type=dict(choices=["STRINGEQUALS"], default="STRINGEQUALS")),
        ),
        conditions=dict(type="dict", options={key: dict(type="list", elements="dict", default=[], options=dict(pair)) for key in CONDITIONS}),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("backup_plan_name", "backup_plan_id")],
        required_one_of=[("backup_plan_name", "backup_plan_id")],
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg=f"Backup selection {name}: " + "; ".join(errors))

    client = module.client("backup", retry_decorator=AWSRetry.jittered_backoff())
    plan_label = params["backup_plan_name"] or params["backup_plan_id"]
    changed, replaced, diff = False, False, {}
    try:
        plan_id = find_plan_id(client, module)
        # In check mode the plan may be one the same run would create just before: the selection would be created too.
        if plan_id is None and params["state"] == "present" and not module.check_mode:
            module.fail_json(msg=f"Backup selection {name}: backup plan {plan_label} does not exist; create it first (stories1001.infra.backup_plan)")
        current = read(client, plan_id, name) if plan_id else []
        before = normalize(current[0]) if current else {}
        after = before
        if params["state"] == "present":
            desired = desired_selection(params)
            keep = next((answer for answer in current if comparable(answer["BackupSelection"]) == comparable(desired)), None)
            stale = [answer for answer in current if answer is not keep]
            replaced = bool(current) and keep is None
            if keep is not None:
                after = normalize(keep)
            else:
                after = normalize({"BackupSelection": desired, "BackupPlanId": plan_id})
            changed = bool(stale) or keep is None
            if changed and not module.check_mode:
                for answer in stale:
                    delete_selection(client, plan_id, answer["SelectionId"])
                if keep is None:
                    created = create_selection(client, plan_id, request_selection(desired))
                    after = normalize(get_selection(client, plan_id, created["SelectionId"])) or after
            if replaced:
                diff["after_header"] = f"backup selection {name} (replaced: AWS cannot change a selection, so it is deleted and created again)"
        else:
            after = {}
            changed = bool(current)
            if changed and not module.check_mode:
                for answer in current:
                    delete_selection(client, plan_id, answer["SelectionId"])
    except AnsibleBackupError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=f"Backup selection {name} of plan {plan_label}: {e.message}")
        module.fail_json(msg=f"Backup selection {name} of plan {plan_label}: {e.message}")

    result = dict(changed=changed, replaced=replaced, backup_selection=after, diff=dict(diff, before=before, after=after))
    if after.get("selection_id"):
        result["selection_id"] = after["selection_id"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
