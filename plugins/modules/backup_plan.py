#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_plan
version_added: 0.1.0
short_description: Manage AWS Backup plans, their rules and tags
description:
  - Create, update, tag and delete an AWS Backup plan, found by its name.
  - The plan's rules are compared with those AWS holds by rule name, ignoring what AWS adds (rule ids, and its defaults
    for options not given, such as a start window of 480 minutes and a completion window of 10080 minutes). The plan is
    updated (C(UpdateBackupPlan), which gives it a new version id and keeps its id) only when they differ.
  - Recovery point tags are kept exactly as given, mixed-case keys such as C(Environment) included, and compared as such
    (unlike C(amazon.aws.backup_plan), which updates such a plan on every run).
  - The options are checked before any AWS call, with AWS's rules (unique rule names, a lifecycle keeping recovery points
    at least 90 days in cold storage, copy actions to backup vault ARNs); nothing is created or changed when they fail.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the plan, 1 to 50 letters, digits, hyphens, underscores and periods. The plan is found by this name.
    type: str
    required: true
    aliases: ["backup_plan_name"]
  rules:
    description:
      - The rules of the plan, in full. Rules not listed are removed from the plan.
      - Required with O(state=present); a plan has at least one rule.
    type: list
    elements: dict
    suboptions:
      name:
        description: The name of the rule, unique in the plan; 1 to 50 letters, digits, hyphens, underscores and periods.
        type: str
        required: true
        aliases: ["rule_name"]
      target_vault_name:
        description: The name of the backup vault the rule stores its recovery points in.
        type: str
        required: true
        aliases: ["target_backup_vault_name"]
      schedule:
        description:
          - When the rule runs, as a C(cron(...)) or C(rate(...)) expression, for example V(cron(0 4 ? * * *)).
          - When not given, AWS's default schedule applies and the rule's schedule is not compared.
        type: str
        aliases: ["schedule_expression"]
      schedule_timezone:
        description: The time zone of O(rules[].schedule). AWS's default is V(Etc/UTC).
        type: str
        aliases: ["schedule_expression_timezone"]
      start_window_minutes:
        description: Minutes after the scheduled time within which a backup must start, at least 60. AWS's default is 480.
        type: int
      completion_window_minutes:
        description: Minutes after the scheduled time within which a backup must complete. AWS's default is 10080.
        type: int
      lifecycle:
        description: When recovery points move to cold storage and when they are deleted. Not given, they are kept forever.
        type: dict
        suboptions:
          move_to_cold_storage_after_days:
            description: Days after creation before a recovery point moves to cold storage.
            type: int
          delete_after_days:
            description:
              - Days after creation before a recovery point is deleted. With O(rules[].lifecycle.move_to_cold_storage_after_days),
                at least that many days plus 90. With O(rules[].enable_continuous_backup), at most 35.
            type: int
          opt_in_to_archive_for_supported_resources:
            description: Whether resources that support it move to archive (cold) storage. AWS's default is V(false).
            type: bool
      recovery_point_tags:
        description: Tags AWS Backup puts on the recovery points the rule makes. Keys are kept as given (case included).
        type: dict
      copy_actions:
        description: Copies of each recovery point to other vaults, for example in another region.
        type: list
        elements: dict
        default: []
        suboptions:
          destination_vault_arn:
            description: The ARN of the destination backup vault (C(arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)).
            type: str
            required: true
            aliases: ["destination_backup_vault_arn"]
          lifecycle:
            description: The lifecycle of the copies, as O(rules[].lifecycle).
            type: dict
            suboptions:
              move_to_cold_storage_after_days:
                description: Days after creation before a copy moves to cold storage.
                type: int
              delete_after_days:
                description: Days after creation before a copy is deleted; with cold storage, at least that many days plus 90.
                type: int
              opt_in_to_archive_for_supported_resources:
                description: Whether resources that support it move to archive (cold) storage.
                type: bool
      enable_continuous_backup:
        description: Whether the rule makes continuous backups (point-in-time recovery, for the resources that support it).
        type: bool
        default: false
  advanced_backup_settings:
    description:
      - Backup options per resource type, for example Windows VSS for EC2.
      - When not given, the plan's current settings are kept and not compared.
    type: list
    elements: dict
    suboptions:
      resource_type:
        description: The resource type, V(EC2).
        type: str
        required: true
      backup_options:
        description: 'The options, for example C({"WindowsVSS": "enabled"}). Keys are kept as given.'
        type: dict
        required: true
  purge_selections:
    description:
      - With O(state=absent), delete the plan's backup selections first. AWS does not delete a plan that has selections;
        without this option the module then fails and names them.
    type: bool
    default: false
  state:
    description: Whether the plan should exist.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the plan that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the plan before and after the change in RV(diff).
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
  - Updating a plan gives it a new version id; its id, ARN and selections stay.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Daily and weekly backups of 1001 Stories, the daily ones copied to the DR vault in us-west-2
  stories1001.infra.backup_plan:
    region: us-east-1
    name: 1001-stories-backup-plan
    rules:
      - name: daily_backups
        target_vault_name: 1001-stories-backup-vault
        schedule: cron(0 4 ? * * *)
        lifecycle:
          move_to_cold_storage_after_days: 30
          delete_after_days: 365
        recovery_point_tags:
          Environment: production
          Project: 1001-stories
        copy_actions:
          - destination_vault_arn: arn:aws:backup:us-west-2:123456789012:backup-vault:1001-stories-backup-vault-dr
            lifecycle:
              move_to_cold_storage_after_days: 30
              delete_after_days: 365
      - name: weekly_backups
        target_vault_name: 1001-stories-backup-vault
        schedule: cron(0 2 ? * SUN *)
        lifecycle:
          move_to_cold_storage_after_days: 90
          delete_after_days: 2555
        recovery_point_tags:
          Environment: production
          Project: 1001-stories
          Type: weekly
    tags:
      Name: 1001 Stories Backup Plan

- name: Delete a plan and its selections
  stories1001.infra.backup_plan:
    name: 1001-stories-staging-backup-plan
    purge_selections: true
    state: absent
"""

RETURN = r"""
backup_plan:
  description: The plan as it is (or, in check mode, would be) after the task; empty when it does not exist.
  returned: always
  type: dict
  contains:
    backup_plan_id:
      description: The id of the plan (absent in check mode for a plan still to create).
      returned: when the plan exists
      type: str
      sample: 8a7cba1b-5e54-4a55-b9a5-2ef0a1b2c3d4
    backup_plan_arn:
      description: The ARN of the plan.
      returned: when the plan exists
      type: str
      sample: arn:aws:backup:us-east-1:123456789012:backup-plan:8a7cba1b-5e54-4a55-b9a5-2ef0a1b2c3d4
    backup_plan_name:
      description: The name of the plan.
      returned: when the plan exists
      type: str
      sample: 1001-stories-backup-plan
    version_id:
      description: The id of the plan's current version; each update makes a new one.
      returned: when the plan exists
      type: str
      sample: ZTQ5OWI3OTktZGE1MC00NjM1LWI3ZWQtZmE1YjU3ZmJlNDZk
    rules:
      description:
        - The rules, with the names AWS gives their fields, snake-cased, except the keys of C(recovery_point_tags), which are as given.
      returned: when the plan exists
      type: list
      elements: dict
      sample:
        - rule_name: daily_backups
          rule_id: 1b2c3d4e-0000-4000-8000-000000000001
          target_backup_vault_name: 1001-stories-backup-vault
          schedule_expression: cron(0 4 ? * * *)
          schedule_expression_timezone: Etc/UTC
          start_window_minutes: 480
          completion_window_minutes: 10080
          lifecycle: {move_to_cold_storage_after_days: 30, delete_after_days: 365}
          recovery_point_tags: {Environment: production, Project: 1001-stories}
          copy_actions:
            - destination_backup_vault_arn: arn:aws:backup:us-west-2:123456789012:backup-vault:1001-stories-backup-vault-dr
              lifecycle: {move_to_cold_storage_after_days: 30, delete_after_days: 365}
    advanced_backup_settings:
      description: The backup options per resource type; the keys of C(backup_options) are as AWS holds them.
      returned: when the plan exists
      type: list
      elements: dict
      sample: []
    tags:
      description: The tags of the plan.
      returned: when the plan exists
      type: dict
      sample: {"Name": "1001 Stories Backup Plan"}
deleted_selections:
  description: The ids of the selections deleted with O(purge_selections=true) (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: The plan before and after the task, each in the form of RV(backup_plan).
  returned: always
  type: dict
  contains:
    before:
      description: The plan before the task.
      returned: always
      type: dict
    after:
      description: The plan after the task.
      returned: always
      type: dict
"""

import copy

from ansible.module_utils._text import to_native
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._backup import SCHEDULE
from ansible_collections.stories1001.infra.plugins.module_utils._backup import VAULT_ARN
from ansible_collections.stories1001.infra.plugins.module_utils._backup import VAULT_NAME
from ansible_collections.stories1001.infra.plugins.module_utils._backup import AnsibleBackupError
from ansible_collections.stories1001.infra.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.stories1001.infra.plugins.module_utils._backup import delete_selection
from ansible_collections.stories1001.infra.plugins.module_utils._backup import find_plans
from ansible_collections.stories1001.infra.plugins.module_utils._backup import get_plan
from ansible_collections.stories1001.infra.plugins.module_utils._backup import lifecycle_errors
from ansible_collections.stories1001.infra.plugins.module_utils._backup import list_selections
from ansible_collections.stories1001.infra.plugins.module_utils._backup import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._backup import name_errors
from ansible_collections.stories1001.infra.plugins.module_utils._backup import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

# What AWS holds for a rule field the user did not give
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html).
RULE_DEFAULTS = {"StartWindowMinutes": 480, "CompletionWindowMinutes": 10080, "ScheduleExpressionTimezone": "Etc/UTC", "EnableContinuousBackup": False}
LIFECYCLE_DEFAULTS = {"OptInToArchiveForSupportedResources": False}
LIFECYCLE_KEYS = {
    "move_to_cold_storage_after_days": "MoveToColdStorageAfterDays",
    "delete_after_days": "DeleteAfterDays",
    "opt_in_to_archive_for_supported_resources": "OptInToArchiveForSupportedResources",
}
MIN_START_WINDOW = 60
# The rule fields the module sets (beside Lifecycle, RecoveryPointTags and CopyActions); others AWS may add are not compared.
COMPARED_RULE_KEYS = (
    "RuleName",
    "TargetBackupVaultName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartWindowMinutes",
    "CompletionWindowMinutes",
    "EnableContinuousBackup",
)
# Keys whose contents are the user's and stay as given when results are snake-cased.
KEPT_AS_GIVEN = ["RecoveryPointTags", "BackupOptions"]


# --- API calls ------------------------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("create backup plan")
def create_plan(client, document, tags):
    params = dict(BackupPlan=document)
    if tags:
        params["BackupPlanTags"] = {key: to_native(value) for key, value in tags.items()}
    return client.create_backup_plan(aws_retry=True, **params)


@BackupErrorHandler.common_error_handler("update backup plan")
def update_plan(client, plan_id, document):
    return client.update_backup_plan(BackupPlanId=plan_id, BackupPlan=document, aws_retry=True)


@BackupErrorHandler.deletion_error_handler("delete backup plan")
def delete_plan(client, plan_id):
    client.delete_backup_plan(BackupPlanId=plan_id, aws_retry=True)
    return True


# --- pure functions -------------------------------------------------------------------------------------


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = name_errors(params["name"], "name")
    rules = params.get("rules") or []
    if params["state"] == "present" and not rules:
        errors.append("rules must list at least one rule with state present")
    names = [rule["name"] for rule in rules]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        errors.append(f"rules: rule names must be unique in a plan, repeated: {', '.join(repeated)}")
    for index, rule in enumerate(rules):
        where = f"rules[{index}] ({rule['name']})"
        errors.extend(name_errors(rule["name"], f"{where}.name"))
        errors.extend(
            name_errors(rule["target_vault_name"], f"{where}.target_vault_name", VAULT_NAME, "a backup vault name (2 to 50 letters, digits, '-', '_')")
        )
        if rule.get("schedule") is not None and not SCHEDULE.match(rule["schedule"]):
            errors.append(f"{where}.schedule {rule['schedule']!r} is not a cron(...) or rate(...) expression")
        start, completion = rule.get("start_window_minutes"), rule.get("completion_window_minutes")
        if start is not None and start < MIN_START_WINDOW:
            errors.append(f"{where}.start_window_minutes must be at least {MIN_START_WINDOW}, not {start}")
        if completion is not None and (completion < 1 or (start is not None and completion <= start)):
            errors.append(f"{where}.completion_window_minutes ({completion}) must be positive and more than start_window_minutes")
        continuous = bool(rule.get("enable_continuous_backup"))
        errors.extend(lifecycle_errors(rule.get("lifecycle"), where, continuous))
        for number, action in enumerate(rule.get("copy_actions") or []):
            at = f"{where}.copy_actions[{number}]"
            if not VAULT_ARN.match(action["destination_vault_arn"] or ""):
                errors.append(
                    f"{at}.destination_vault_arn {action['destination_vault_arn']!r} is not a backup vault ARN "
                    "(arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)"
                )
            errors.extend(lifecycle_errors(action.get("lifecycle"), at))
    return errors


def aws_lifecycle(lifecycle):
    return {LIFECYCLE_KEYS[key]: value for key, value in (lifecycle or {}).items() if value is not None}


def aws_rule(rule):
    """The BackupRuleInput of a rule option, with only what the user gave."""
    result = {"RuleName": rule["name"], "TargetBackupVaultName": rule["target_vault_name"]}
    optional = (
        ("ScheduleExpression", rule.get("schedule")),
        ("ScheduleExpressionTimezone", rule.get("schedule_timezone")),
        ("StartWindowMinutes", rule.get("start_window_minutes")),
        ("CompletionWindowMinutes", rule.get("completion_window_minutes")),
    )
    result.update({key: value for key, value in optional if value is not None})
    if aws_lifecycle(rule.get("lifecycle")):
        result["Lifecycle"] = aws_lifecycle(rule.get("lifecycle"))
    if rule.get("recovery_point_tags"):
        result["RecoveryPointTags"] = {key: to_native(value) for key, value in rule["recovery_point_tags"].items()}
    if rule.get("copy_actions"):
        result["CopyActions"] = []
        for action in rule["copy_actions"]:
            entry = {"DestinationBackupVaultArn": action["destination_vault_arn"]}
            if aws_lifecycle(action.get("lifecycle")):
                entry["Lifecycle"] = aws_lifecycle(action.get("lifecycle"))
            result["CopyActions"].append(entry)
    if rule.get("enable_continuous_backup"):
        result["EnableContinuousBackup"] = True
    return result


def aws_advanced_settings(settings):
    if settings is None:
        return None
    return [{"ResourceType": entry["resource_type"], "BackupOptions": dict(entry["backup_options"])} for entry in settings]


def desired_document(params, current_document):
    """The BackupPlanInput the options ask for; advanced settings not given are the plan's current ones."""
    document = {"BackupPlanName": params["name"], "Rules": [aws_rule(rule) for rule in params["rules"] or []]}
    settings = aws_advanced_settings(params.get("advanced_backup_settings"))
    if settings is None:
        settings = (current_document or {}).get("AdvancedBackupSettings")
    if settings:
        document["AdvancedBackupSettings"] = settings
    return document


def _comparable_lifecycle(lifecycle):
    result = dict(LIFECYCLE_DEFAULTS)
    result.update({key: value for key, value in (lifecycle or {}).items() if value is not None and key in LIFECYCLE_KEYS.values()})
    return result


def comparable_rule(rule, compare_schedule=True):
    """A rule (as sent or as AWS holds it) reduced to what matters: no RuleId, AWS's defaults filled in, empty lists dropped."""
    result = dict(RULE_DEFAULTS)
    result.update({key: value for key, value in rule.items() if value is not None and key in COMPARED_RULE_KEYS})
    if not compare_schedule:
        result.pop("ScheduleExpression", None)
    result["Lifecycle"] = _comparable_lifecycle(rule.get("Lifecycle"))
    result["RecoveryPointTags"] = dict(rule.get("RecoveryPointTags") or {})
    actions = [
        {"DestinationBackupVaultArn": action.get("DestinationBackupVaultArn"), "Lifecycle": _comparable_lifecycle(action.get("Lifecycle"))}
        for action in rule.get("CopyActions") or []
    ]
    result["CopyActions"] = sorted(actions, key=lambda action: str(action["DestinationBackupVaultArn"]))
    return result


def documents_differ(current, desired):
    """Whether the plan AWS holds (GetBackupPlan's BackupPlan) differs from the desired BackupPlanInput."""
    if current.get("BackupPlanName") != desired["BackupPlanName"]:
        return True
    current_rules = {rule.get("RuleName"): rule for rule in current.get("Rules") or []}
    desired_rules = {rule["RuleName"]: rule for rule in desired["Rules"]}
    if set(current_rules) != set(desired_rules):
        return True
    for name, rule in desired_rules.items():
        with_schedule = "ScheduleExpression" in rule
        if comparable_rule(current_rules[name], with_schedule) != comparable_rule(rule, with_schedule):
            return True
    return (current.get("AdvancedBackupSettings") or []) != (desired.get("AdvancedBackupSettings") or [])


def normalize_plan(answer, tags):
    """A GetBackupPlan answer as the module returns it."""
    if not answer:
        return {}
    document = answer.get("BackupPlan") or {}
    result = {
        "backup_plan_id": answer.get("BackupPlanId"),
        "backup_plan_arn": answer.get("BackupPlanArn"),
        "backup_plan_name": document.get("BackupPlanName"),
        "version_id": answer.get("VersionId"),
        "rules": [camel_dict_to_snake_dict(rule, ignore_list=KEPT_AS_GIVEN) for rule in document.get("Rules") or []],
        "advanced_backup_settings": [camel_dict_to_snake_dict(entry, ignore_list=KEPT_AS_GIVEN) for entry in document.get("AdvancedBackupSettings") or []],
        "tags": tags,
    }
    if answer.get("CreationDate"):
        result["creation_date"] = to_native(answer["CreationDate"].isoformat() if hasattr(answer["CreationDate"], "isoformat") else answer["CreationDate"])
    return {key: value for key, value in result.items() if value is not None}


def predicted_plan(before, document, tags):
    """The plan as it would be after the task, for check mode: AWS's defaults filled in, ids kept."""
    rules = []
    current_ids = {rule.get("rule_name"): rule.get("rule_id") for rule in (before or {}).get("rules") or []}
    for rule in document["Rules"]:
        full = dict(RULE_DEFAULTS)
        full.update(copy.deepcopy(rule))
        if not full["EnableContinuousBackup"]:
            full.pop("EnableContinuousBackup")
        if current_ids.get(rule["RuleName"]):
            full["RuleId"] = current_ids[rule["RuleName"]]
        rules.append(camel_dict_to_snake_dict(full, ignore_list=KEPT_AS_GIVEN))
    predicted = dict(before or {}, backup_plan_name=document["BackupPlanName"], rules=rules, tags=tags)
    predicted["advanced_backup_settings"] = [
        camel_dict_to_snake_dict(entry, ignore_list=KEPT_AS_GIVEN) for entry in document.get("AdvancedBackupSettings") or []
    ]
    return predicted


# --- the states -----------------------------------------------------------------------------------------


def read(client, module, name):
    """(GetBackupPlan answer, tags) of the plan named name; (None, {}) when there is none."""
    plans = find_plans(client, name)
    if len(plans) > 1:
        module.fail_json(msg=f"Several backup plans are named {name} ({', '.join(plan['BackupPlanId'] for plan in plans)}): delete all but one first")
    if not plans:
        return None, {}
    answer = get_plan(client, plans[0]["BackupPlanId"])
    if not answer:
        return None, {}
    return answer, list_tags(client, answer["BackupPlanArn"])


def ensure_present(client, module, answer, current_tags):
    """(changed, GetBackupPlan answer or predicted plan, tags)."""
    params = module.params
    before = normalize_plan(answer, current_tags)
    document = desired_document(params, (answer or {}).get("BackupPlan"))
    if not answer:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        if module.check_mode:
            return True, predicted_plan({}, document, tags)
        created = create_plan(client, document, tags)
        answer, current_tags = get_plan(client, created["BackupPlanId"]), list_tags(client, created["BackupPlanArn"])
        return True, normalize_plan(answer, current_tags)

    differ = documents_differ(answer.get("BackupPlan") or {}, document)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(current_tags, params["tags"], params["purge_tags"])
    if not differ and not tags_to_set and not tag_keys_to_unset:
        return False, before
    if module.check_mode:
        return True, predicted_plan(before, document, tags) if differ else dict(before, tags=tags)
    if differ:
        update_plan(client, answer["BackupPlanId"], document)
    update_tags(client, answer["BackupPlanArn"], tags_to_set, tag_keys_to_unset)
    return True, normalize_plan(get_plan(client, answer["BackupPlanId"]), list_tags(client, answer["BackupPlanArn"]))


def ensure_absent(client, module, answer):
    """(changed, ids of the selections deleted)."""
    if not answer:
        return False, []
    plan_id = answer["BackupPlanId"]
    selections = list_selections(client, plan_id)
    if selections and not module.params["purge_selections"]:
        names = ", ".join(f"{selection.get('SelectionName')} ({selection.get('SelectionId')})" for selection in selections)
        module.fail_json(
            msg=f"Backup plan {module.params['name']} has backup selections and AWS does not delete a plan that has: {names}; "
            "delete them first (stories1001.infra.backup_selection with state absent) or set purge_selections: true",
            backup_plan=normalize_plan(answer, {}),
        )
    deleted = [selection["SelectionId"] for selection in selections]
    if module.check_mode:
        return True, deleted
    for selection_id in deleted:
        delete_selection(client, plan_id, selection_id)
    delete_plan(client, plan_id)
    return True, deleted


def main():
    lifecycle = dict(
        type="dict",
        options=dict(
            move_to_cold_storage_after_days=dict(type="int"),
            delete_after_days=dict(type="int"),
            opt_in_to_archive_for_supported_resources=dict(type="bool"),
        ),
    )
    rule = dict(
        name=dict(required=True, aliases=["rule_name"]),
        target_vault_name=dict(required=True, aliases=["target_backup_vault_name"]),
        schedule=dict(aliases=["schedule_expression"]),
        schedule_timezone=dict(aliases=["schedule_expression_timezone"]),
        start_window_minutes=dict(type="int"),
        completion_window_minutes=dict(type="int"),
        lifecycle=lifecycle,
        recovery_point_tags=dict(type="dict"),
        copy_actions=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(destination_vault_arn=dict(required=True, aliases=["destination_backup_vault_arn"]), lifecycle=lifecycle),
        ),
        enable_continuous_backup=dict(type="bool", default=False),
    )
    argument_spec = dict(
        name=dict(required=True, aliases=["backup_plan_name"]),
        rules=dict(type="list", elements="dict", options=rule),
        advanced_backup_settings=dict(
            type="list", elements="dict", options=dict(resource_type=dict(required=True), backup_options=dict(type="dict", required=True))
        ),
        purge_selections=dict(type="bool", default=False),
        state=dict(choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg=f"Backup plan {module.params['name']}: " + "; ".join(errors))

    client = module.client("backup", retry_decorator=AWSRetry.jittered_backoff())
    deleted = []
    try:
        answer, current_tags = read(client, module, module.params["name"])
        before = normalize_plan(answer, current_tags)
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, answer, current_tags)
        else:
            (changed, deleted), after = ensure_absent(client, module, answer), {}
    except AnsibleBackupError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=f"Backup plan {module.params['name']}: {e.message}")
        module.fail_json(msg=f"Backup plan {module.params['name']}: {e.message}")

    module.exit_json(changed=changed, backup_plan=after, deleted_selections=deleted, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
