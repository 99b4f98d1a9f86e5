"""AWS Backup through boto3 against the emulator (tools/emulator/backup.py): plans update and keep versions, lifecycles
are checked, selections exist and block a plan's deletion, and vault locks read back from DescribeBackupVault."""

import pytest
from botocore.exceptions import ClientError
from moto.backup.models import backup_backends
from moto.core.utils import unix_time

ACCOUNT = "123456789012"
VAULT = "1001-stories-backup-vault"
DR_VAULT_ARN = f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:1001-stories-backup-vault-dr"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/1001-stories-backup"
DAILY = {
    "RuleName": "daily_backups",
    "TargetBackupVaultName": VAULT,
    "ScheduleExpression": "cron(0 4 ? * * *)",
    "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365},
    "RecoveryPointTags": {"Environment": "production", "Project": "1001-stories"},
    "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT_ARN, "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365}}],
}
WEEKLY = {
    "RuleName": "weekly_backups",
    "TargetBackupVaultName": VAULT,
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "Lifecycle": {"MoveToColdStorageAfterDays": 90, "DeleteAfterDays": 2555},
    "RecoveryPointTags": {"Environment": "production", "Project": "1001-stories", "Type": "weekly"},
}


@pytest.fixture
def backup(aws):
    client = aws("backup")
    client.create_backup_vault(BackupVaultName=VAULT)
    return client


def create_plan(backup, *rules, name="1001-stories-backup-plan"):
    return backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": list(rules)})


def error_code(caught):
    return caught.value.response["Error"]["Code"]


def test_update_makes_a_new_version_of_the_same_plan(backup):
    created = create_plan(backup, DAILY)
    updated = backup.update_backup_plan(
        BackupPlanId=created["BackupPlanId"], BackupPlan={"BackupPlanName": "1001-stories-backup-plan", "Rules": [DAILY, WEEKLY]}
    )

    assert (updated["BackupPlanId"], updated["BackupPlanArn"]) == (created["BackupPlanId"], created["BackupPlanArn"])
    assert updated["VersionId"] != created["VersionId"]
    latest = backup.get_backup_plan(BackupPlanId=created["BackupPlanId"])
    assert latest["VersionId"] == updated["VersionId"]
    assert [rule["RuleName"] for rule in latest["BackupPlan"]["Rules"]] == ["daily_backups", "weekly_backups"]
    earlier = backup.get_backup_plan(BackupPlanId=created["BackupPlanId"], VersionId=created["VersionId"])
    assert [rule["RuleName"] for rule in earlier["BackupPlan"]["Rules"]] == ["daily_backups"]
    listed = backup.list_backup_plans()["BackupPlansList"]
    assert [(plan["BackupPlanId"], plan["VersionId"]) for plan in listed] == [(created["BackupPlanId"], updated["VersionId"])]


def test_rules_come_back_as_sent_with_rule_ids_and_defaults(backup):
    plan_id = create_plan(backup, DAILY, WEEKLY)["BackupPlanId"]

    rules = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]

    daily, weekly = rules
    assert daily["RecoveryPointTags"] == {"Environment": "production", "Project": "1001-stories"}
    assert daily["CopyActions"] == DAILY["CopyActions"]
    assert daily["Lifecycle"] == DAILY["Lifecycle"] and weekly["Lifecycle"] == WEEKLY["Lifecycle"]
    assert (daily["StartWindowMinutes"], daily["CompletionWindowMinutes"], daily["ScheduleExpressionTimezone"]) == (480, 10080, "Etc/UTC")
    assert daily["RuleId"] and weekly["RuleId"] and daily["RuleId"] != weekly["RuleId"]


def test_update_fills_in_defaults_and_keeps_the_rule_ids_of_rules_kept(backup):
    plan_id = create_plan(backup, DAILY)["BackupPlanId"]
    rule_id = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"][0]["RuleId"]

    backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={"BackupPlanName": "1001-stories-backup-plan", "Rules": [DAILY, WEEKLY]})

    daily, weekly = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    assert daily["RuleId"] == rule_id and weekly["RuleId"] not in (None, rule_id)
    assert weekly["StartWindowMinutes"] == 480


@pytest.mark.parametrize(
    "rule",
    [
        dict(DAILY, Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 119}),
        dict(DAILY, CopyActions=[{"DestinationBackupVaultArn": DR_VAULT_ARN, "Lifecycle": {"MoveToColdStorageAfterDays": 1, "DeleteAfterDays": 90}}]),
        dict(DAILY, CopyActions=[], EnableContinuousBackup=True, Lifecycle={"DeleteAfterDays": 36}),
    ],
)
def test_lifecycles_aws_refuses(backup, rule):
    with pytest.raises(ClientError) as caught:
        create_plan(backup, rule)

    assert error_code(caught) == "InvalidParameterValueException"
    assert backup.list_backup_plans()["BackupPlansList"] == []


def test_the_shortest_cold_storage_is_accepted(backup):
    create_plan(backup, dict(DAILY, Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120}))

    assert len(backup.list_backup_plans()["BackupPlansList"]) == 1


def test_update_checks_the_rules_too(backup):
    plan = create_plan(backup, DAILY)

    with pytest.raises(ClientError) as caught:
        backup.update_backup_plan(BackupPlanId=plan["BackupPlanId"], BackupPlan={"BackupPlanName": "1001-stories-backup-plan", "Rules": [DAILY, DAILY]})

    assert error_code(caught) == "InvalidParameterValueException"
    assert backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])["VersionId"] == plan["VersionId"]


def test_a_deleted_plan_cannot_be_updated_and_frees_its_name(backup):
    plan = create_plan(backup, DAILY)
    backup.delete_backup_plan(BackupPlanId=plan["BackupPlanId"])

    with pytest.raises(ClientError) as caught:
        backup.update_backup_plan(BackupPlanId=plan["BackupPlanId"], BackupPlan={"BackupPlanName": "1001-stories-backup-plan", "Rules": [DAILY]})
    again = create_plan(backup, DAILY)

    assert error_code(caught) == "ResourceNotFoundException"
    assert again["BackupPlanId"] != plan["BackupPlanId"]
    assert [item["BackupPlanId"] for item in backup.list_backup_plans()["BackupPlansList"]] == [again["BackupPlanId"]]
    with pytest.raises(ClientError) as caught:
        create_plan(backup, WEEKLY)
    assert error_code(caught) == "AlreadyExistsException"


def test_selections_are_created_read_listed_and_deleted(backup):
    plan_id = create_plan(backup, DAILY)["BackupPlanId"]
    selection = {
        "SelectionName": "1001-stories-tagged",
        "IamRoleArn": ROLE,
        "Resources": ["arn:aws:rds:*:*:cluster:*"],
        "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/stories1001:backup", "ConditionValue": "true"}]},
    }

    created = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection, CreatorRequestId="req-1")
    other = backup.create_backup_selection(
        BackupPlanId=plan_id,
        BackupSelection={
            "SelectionName": "explicit",
            "IamRoleArn": ROLE,
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "a", "ConditionValue": "b"}],
        },
    )

    assert created["BackupPlanId"] == plan_id and created["SelectionId"] != other["SelectionId"]
    answer = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert answer["BackupSelection"] == dict(
        selection,
        ListOfTags=[],
        NotResources=[],
        Conditions=dict(selection["Conditions"], StringNotEquals=[], StringLike=[], StringNotLike=[]),
    )
    assert (answer["SelectionId"], answer["BackupPlanId"], answer["CreatorRequestId"]) == (created["SelectionId"], plan_id, "req-1")
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [(item["SelectionName"], item["SelectionId"], item["IamRoleArn"]) for item in listed] == [
        ("1001-stories-tagged", created["SelectionId"], ROLE),
        ("explicit", other["SelectionId"], ROLE),
    ]

    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])

    assert [item["SelectionId"] for item in backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]] == [other["SelectionId"]]
    with pytest.raises(ClientError) as caught:
        backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert error_code(caught) == "ResourceNotFoundException"


def test_a_plan_with_selections_cannot_be_deleted(backup):
    plan_id = create_plan(backup, DAILY)["BackupPlanId"]
    selection_id = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection={"SelectionName": "s", "IamRoleArn": ROLE, "Resources": ["*"]})[
        "SelectionId"
    ]

    with pytest.raises(ClientError) as caught:
        backup.delete_backup_plan(BackupPlanId=plan_id)

    assert error_code(caught) == "InvalidRequestException"
    assert len(backup.list_backup_plans()["BackupPlansList"]) == 1
    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id)
    backup.delete_backup_plan(BackupPlanId=plan_id)
    assert backup.list_backup_plans()["BackupPlansList"] == []


@pytest.mark.parametrize(
    "plan_id, selection, code",
    [
        ("no-such-plan", {"SelectionName": "s", "IamRoleArn": ROLE}, "ResourceNotFoundException"),
        (None, {"SelectionName": "has spaces", "IamRoleArn": ROLE}, "InvalidParameterValueException"),
        (None, {"SelectionName": "s", "IamRoleArn": "backup-role"}, "InvalidParameterValueException"),
    ],
)
def test_selections_aws_refuses(backup, plan_id, selection, code):
    real_plan = create_plan(backup, DAILY)["BackupPlanId"]

    with pytest.raises(ClientError) as caught:
        backup.create_backup_selection(BackupPlanId=plan_id or real_plan, BackupSelection=selection)

    assert error_code(caught) == code
    assert backup.list_backup_selections(BackupPlanId=real_plan)["BackupSelectionsList"] == []


def test_vault_lock_shows_in_describe_backup_vault(backup):
    before = backup.describe_backup_vault(BackupVaultName=VAULT)
    backup.put_backup_vault_lock_configuration(BackupVaultName=VAULT, MinRetentionDays=7, MaxRetentionDays=2555)

    after = backup.describe_backup_vault(BackupVaultName=VAULT)

    assert (before["Locked"], before["VaultType"], before["VaultState"]) == (False, "BACKUP_VAULT", "AVAILABLE")
    assert (after["Locked"], after["MinRetentionDays"], after["MaxRetentionDays"]) == (True, 7, 2555)
    assert "LockDate" not in after
    listed = backup.list_backup_vaults()["BackupVaultList"][0]
    assert (listed["Locked"], listed["MinRetentionDays"]) == (True, 7)


def test_a_locked_in_vault_lock_cannot_change(backup):
    backup.put_backup_vault_lock_configuration(BackupVaultName=VAULT, MinRetentionDays=7, MaxRetentionDays=2555, ChangeableForDays=3)
    assert backup.describe_backup_vault(BackupVaultName=VAULT)["LockDate"]
    # The three days of grace pass.
    backup_backends[ACCOUNT]["us-east-1"].vaults[VAULT].lock_date = unix_time() - 60

    with pytest.raises(ClientError) as put:
        backup.put_backup_vault_lock_configuration(BackupVaultName=VAULT, MinRetentionDays=1)
    with pytest.raises(ClientError) as delete:
        backup.delete_backup_vault_lock_configuration(BackupVaultName=VAULT)

    assert error_code(put) == error_code(delete) == "InvalidRequestException"
    assert backup.describe_backup_vault(BackupVaultName=VAULT)["MinRetentionDays"] == 7
