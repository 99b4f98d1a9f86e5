# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""backup_plan driven through main() against a real botocore Backup client with a Stubber: every request is
validated against the Backup service model, and any call not queued fails (so a test that queues no write proves
the module sent none)."""

import copy
import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.modules import backup_plan as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

NAME = "1001-stories-backup-plan"
PLAN_ID = "8a7cba1b-5e54-4a55-b9a5-2ef0a1b2c3d4"
ARN = f"arn:aws:backup:us-east-1:123456789012:backup-plan:{PLAN_ID}"
VAULT = "1001-stories-backup-vault"
DR_VAULT_ARN = "arn:aws:backup:us-west-2:123456789012:backup-vault:1001-stories-backup-vault-dr"
CREATED = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)

DAILY = {
    "name": "daily_backups",
    "target_vault_name": VAULT,
    "schedule": "cron(0 4 ? * * *)",
    "lifecycle": {"move_to_cold_storage_after_days": 30, "delete_after_days": 365},
    "recovery_point_tags": {"Environment": "production", "Project": "1001-stories"},
    "copy_actions": [{"destination_vault_arn": DR_VAULT_ARN, "lifecycle": {"move_to_cold_storage_after_days": 30, "delete_after_days": 365}}],
}
WEEKLY = {
    "name": "weekly_backups",
    "target_vault_name": VAULT,
    "schedule": "cron(0 2 ? * SUN *)",
    "lifecycle": {"move_to_cold_storage_after_days": 90, "delete_after_days": 2555},
    "recovery_point_tags": {"Environment": "production", "Project": "1001-stories", "Type": "weekly"},
}
# The BackupRuleInput documents the module must send for DAILY and WEEKLY.
DAILY_SENT = {
    "RuleName": "daily_backups",
    "TargetBackupVaultName": VAULT,
    "ScheduleExpression": "cron(0 4 ? * * *)",
    "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365},
    "RecoveryPointTags": {"Environment": "production", "Project": "1001-stories"},
    "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT_ARN, "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365}}],
}
WEEKLY_SENT = {
    "RuleName": "weekly_backups",
    "TargetBackupVaultName": VAULT,
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "Lifecycle": {"MoveToColdStorageAfterDays": 90, "DeleteAfterDays": 2555},
    "RecoveryPointTags": {"Environment": "production", "Project": "1001-stories", "Type": "weekly"},
}
TAGS = {"Name": "1001 Stories Backup Plan"}


def held(rule, rule_id):
    """A rule as GetBackupPlan answers it: with a RuleId, AWS's defaults and the archive opt-out in lifecycles."""
    result = copy.deepcopy(rule)
    result["RuleId"] = rule_id
    for key, value in (("StartWindowMinutes", 480), ("CompletionWindowMinutes", 10080), ("ScheduleExpressionTimezone", "Etc/UTC")):
        result.setdefault(key, value)
    if "Lifecycle" in result:
        result["Lifecycle"]["OptInToArchiveForSupportedResources"] = False
    for action in result.get("CopyActions") or []:
        action["Lifecycle"]["OptInToArchiveForSupportedResources"] = False
    return result


def get_answer(rules, version="v1", settings=None):
    document = {"BackupPlanName": NAME, "Rules": [held(rule, f"rule-{index}") for index, rule in enumerate(rules)]}
    if settings:
        document["AdvancedBackupSettings"] = settings
    return {"BackupPlan": document, "BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": version, "CreationDate": CREATED}


stubber = stubber_fixture("backup")
run = run_fixture(module_under_test.main, "backup")


def expect_read(stubber, rules=None, tags=None, version="v1", settings=None):
    """ListBackupPlans, then (when rules is not None) GetBackupPlan and ListTags of the plan."""
    listed = [] if rules is None else [{"BackupPlanName": NAME, "BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": version}]
    stubber.add_response("list_backup_plans", {"BackupPlansList": listed}, {})
    if rules is not None:
        expect_get(stubber, rules, tags, version, settings)


def expect_get(stubber, rules, tags, version="v1", settings=None):
    stubber.add_response("get_backup_plan", get_answer(rules, version, settings), {"BackupPlanId": PLAN_ID})
    stubber.add_response("list_tags", {"Tags": dict(tags or {})}, {"ResourceArn": ARN})


def args(**options):
    result = dict(name=NAME, rules=[DAILY, WEEKLY], tags=TAGS)
    result.update(options)
    return result


def test_creates_the_plan_with_mixed_case_recovery_point_tags(run, stubber):
    expect_read(stubber)
    stubber.add_response(
        "create_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v1"},
        {"BackupPlan": {"BackupPlanName": NAME, "Rules": [DAILY_SENT, WEEKLY_SENT]}, "BackupPlanTags": TAGS},
    )
    expect_get(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)

    result = run(args())

    assert result["changed"] is True
    plan = result["backup_plan"]
    assert (plan["backup_plan_id"], plan["backup_plan_arn"], plan["version_id"]) == (PLAN_ID, ARN, "v1")
    daily = plan["rules"][0]
    assert daily["recovery_point_tags"] == {"Environment": "production", "Project": "1001-stories"}
    assert daily["copy_actions"][0]["destination_backup_vault_arn"] == DR_VAULT_ARN
    assert plan["rules"][1]["lifecycle"]["delete_after_days"] == 2555
    assert plan["tags"] == TAGS
    assert result["diff"]["before"] == {}


def test_same_plan_is_not_changed_and_nothing_is_written(run, stubber):
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)

    result = run(args())

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["backup_plan"]["rules"][1]["recovery_point_tags"]["Type"] == "weekly"


def test_rules_compare_by_name_whatever_their_order(run, stubber):
    expect_read(stubber, [WEEKLY_SENT, DAILY_SENT], TAGS)

    assert run(args())["changed"] is False


def test_a_changed_lifecycle_updates_the_plan_keeping_its_id(run, stubber):
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)
    weekly = dict(WEEKLY, lifecycle={"move_to_cold_storage_after_days": 90, "delete_after_days": 3650})
    weekly_sent = dict(WEEKLY_SENT, Lifecycle={"MoveToColdStorageAfterDays": 90, "DeleteAfterDays": 3650})
    stubber.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {"BackupPlanId": PLAN_ID, "BackupPlan": {"BackupPlanName": NAME, "Rules": [DAILY_SENT, weekly_sent]}},
    )
    expect_get(stubber, [DAILY_SENT, weekly_sent], TAGS, version="v2")

    result = run(args(rules=[DAILY, weekly]))

    assert result["changed"] is True
    assert result["backup_plan"]["version_id"] == "v2"
    assert result["backup_plan"]["backup_plan_id"] == PLAN_ID
    assert result["diff"]["before"]["rules"][1]["lifecycle"]["delete_after_days"] == 2555
    assert result["diff"]["after"]["rules"][1]["lifecycle"]["delete_after_days"] == 3650


def test_a_changed_recovery_point_tag_value_updates(run, stubber):
    changed_tags = {"Environment": "staging", "Project": "1001-stories"}
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)
    stubber.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {"BackupPlanId": PLAN_ID, "BackupPlan": {"BackupPlanName": NAME, "Rules": [dict(DAILY_SENT, RecoveryPointTags=changed_tags), WEEKLY_SENT]}},
    )
    expect_get(stubber, [dict(DAILY_SENT, RecoveryPointTags=changed_tags), WEEKLY_SENT], TAGS, version="v2")

    result = run(args(rules=[dict(DAILY, recovery_point_tags=changed_tags), WEEKLY]))

    assert result["changed"] is True
    assert result["backup_plan"]["rules"][0]["recovery_point_tags"] == changed_tags


def test_a_start_window_set_by_hand_goes_back_to_the_default_when_not_given(run, stubber):
    expect_read(stubber, [dict(DAILY_SENT, StartWindowMinutes=60), WEEKLY_SENT], TAGS)
    stubber.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {"BackupPlanId": PLAN_ID, "BackupPlan": {"BackupPlanName": NAME, "Rules": [DAILY_SENT, WEEKLY_SENT]}},
    )
    expect_get(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS, version="v2")

    assert run(args())["changed"] is True


def test_the_current_advanced_settings_are_kept_when_not_given(run, stubber):
    settings = [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS, settings=settings)
    stubber.add_response(
        "update_backup_plan",
        {"BackupPlanId": PLAN_ID, "BackupPlanArn": ARN, "VersionId": "v2"},
        {"BackupPlanId": PLAN_ID, "BackupPlan": {"BackupPlanName": NAME, "Rules": [DAILY_SENT], "AdvancedBackupSettings": settings}},
    )
    expect_get(stubber, [DAILY_SENT], TAGS, version="v2", settings=settings)

    result = run(args(rules=[DAILY]))

    assert result["changed"] is True
    assert result["backup_plan"]["advanced_backup_settings"] == [{"resource_type": "EC2", "backup_options": {"WindowsVSS": "enabled"}}]


def test_only_tags_differ_tags_are_changed_without_an_update(run, stubber):
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], {"Name": "old", "Owner": "someone"})
    stubber.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeyList": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": TAGS})
    expect_get(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)

    result = run(args())

    assert result["changed"] is True
    assert result["backup_plan"]["tags"] == TAGS


def test_check_mode_reports_the_change_and_writes_nothing(run, stubber):
    expect_read(stubber, [DAILY_SENT, WEEKLY_SENT], TAGS)

    result = run(args(rules=[DAILY, dict(WEEKLY, schedule="cron(0 3 ? * SUN *)")]), check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["rules"][1]["schedule_expression"] == "cron(0 2 ? * SUN *)"
    assert result["diff"]["after"]["rules"][1]["schedule_expression"] == "cron(0 3 ? * SUN *)"
    assert result["backup_plan"]["version_id"] == "v1"


def test_check_mode_on_a_new_plan_only_reads(run, stubber):
    expect_read(stubber)

    result = run(args(), check_mode=True)

    assert result["changed"] is True
    assert "backup_plan_id" not in result["backup_plan"]
    assert result["backup_plan"]["rules"][0]["recovery_point_tags"] == DAILY["recovery_point_tags"]
    assert result["backup_plan"]["rules"][0]["start_window_minutes"] == 480


def test_absent_refuses_a_plan_with_selections(run, stubber):
    expect_read(stubber, [DAILY_SENT], TAGS)
    selection = {"SelectionId": "sel-1", "SelectionName": "1001-stories-tagged", "BackupPlanId": PLAN_ID}
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [selection]}, {"BackupPlanId": PLAN_ID})

    result = run(dict(name=NAME, state="absent"))

    assert result["failed"] is True
    assert "1001-stories-tagged (sel-1)" in result["msg"] and "purge_selections" in result["msg"]


def test_absent_with_purge_selections_deletes_them_then_the_plan(run, stubber):
    expect_read(stubber, [DAILY_SENT], TAGS)
    selection = {"SelectionId": "sel-1", "SelectionName": "1001-stories-tagged", "BackupPlanId": PLAN_ID}
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": [selection]}, {"BackupPlanId": PLAN_ID})
    stubber.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"})
    stubber.add_response("delete_backup_plan", {"BackupPlanId": PLAN_ID}, {"BackupPlanId": PLAN_ID})

    result = run(dict(name=NAME, state="absent", purge_selections=True))

    assert result["changed"] is True
    assert result["deleted_selections"] == ["sel-1"]
    assert result["backup_plan"] == {}


def test_absent_in_check_mode_deletes_nothing(run, stubber):
    expect_read(stubber, [DAILY_SENT], TAGS)
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": []}, {"BackupPlanId": PLAN_ID})

    result = run(dict(name=NAME, state="absent"), check_mode=True)

    assert result["changed"] is True


def test_absent_plan_already_gone(run, stubber):
    expect_read(stubber)

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is False


@pytest.mark.parametrize(
    "rules, expected",
    [
        (
            [dict(DAILY, lifecycle={"move_to_cold_storage_after_days": 30, "delete_after_days": 100})],
            "must be at least move_to_cold_storage_after_days + 90 (120)",
        ),
        ([DAILY, dict(WEEKLY, name="daily_backups")], "rule names must be unique in a plan, repeated: daily_backups"),
        (
            [dict(DAILY, copy_actions=[{"destination_vault_arn": "arn:aws:s3:::bucket"}])],
            "copy_actions[0].destination_vault_arn 'arn:aws:s3:::bucket' is not a backup vault ARN",
        ),
        (
            [dict(DAILY, copy_actions=[{"destination_vault_arn": DR_VAULT_ARN, "lifecycle": {"move_to_cold_storage_after_days": 1, "delete_after_days": 2}}])],
            "copy_actions[0].lifecycle.delete_after_days (2)",
        ),
        ([dict(DAILY, schedule="every day")], "is not a cron(...) or rate(...) expression"),
        (
            [dict(DAILY, copy_actions=[], enable_continuous_backup=True, lifecycle={"delete_after_days": 36})],
            "must be at most 35 with enable_continuous_backup",
        ),
        ([dict(DAILY, name="daily backups")], "rules[0] (daily backups).name 'daily backups' is not"),
        ([dict(DAILY, start_window_minutes=30)], "start_window_minutes must be at least 60"),
    ],
)
def test_invalid_rules_fail_before_any_call(run, rules, expected):
    result = run(args(rules=rules))

    assert result["failed"] is True
    assert expected in result["msg"]


def test_rules_are_required_with_present(run):
    result = run(dict(name=NAME))

    assert result["failed"] is True
    assert "rules must list at least one rule" in result["msg"]


def test_a_rule_without_schedule_does_not_compare_aws_default_schedule(run, stubber):
    expect_read(stubber, [dict(DAILY_SENT, ScheduleExpression="cron(0 5 ? * * *)")], TAGS)
    daily = {key: value for key, value in DAILY.items() if key != "schedule"}

    assert run(args(rules=[daily]))["changed"] is False
