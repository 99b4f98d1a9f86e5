# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""backup_vault_lock driven through main() against a real botocore Backup client with a Stubber: the lock is read
from DescribeBackupVault, and any call not queued fails, so a test that queues no write proves the module sent none."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.modules import backup_vault_lock as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

VAULT = "1001-stories-backup-vault"
ARN = f"arn:aws:backup:us-east-1:123456789012:backup-vault:{VAULT}"
BY_NAME = {"BackupVaultName": VAULT}


def vault(**lock):
    """A DescribeBackupVault answer; lock gives Locked, MinRetentionDays, MaxRetentionDays, LockDate."""
    answer = {"BackupVaultName": VAULT, "BackupVaultArn": ARN, "VaultType": "BACKUP_VAULT", "VaultState": "AVAILABLE", "Locked": False}
    answer.update(lock)
    return answer


def days_from_now(days):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)


stubber = stubber_fixture("backup")
run = run_fixture(module_under_test.main, "backup")


def args(**options):
    result = dict(backup_vault_name=VAULT, min_retention_days=7, max_retention_days=2555)
    result.update(options)
    return result


def test_puts_a_governance_lock(run, stubber):
    stubber.add_response("describe_backup_vault", vault(), BY_NAME)
    stubber.add_response("put_backup_vault_lock_configuration", {}, dict(BY_NAME, MinRetentionDays=7, MaxRetentionDays=2555))
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555), BY_NAME)

    result = run(args())

    assert result["changed"] is True
    lock = result["vault_lock"]
    assert (lock["locked"], lock["min_retention_days"], lock["max_retention_days"], lock["mode"], lock["lock_date"]) == (True, 7, 2555, "governance", None)
    assert result["diff"]["before"]["locked"] is False


def test_same_lock_is_not_changed(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555), BY_NAME)

    result = run(args())

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_compliance_lock_within_its_grace_time_matches_any_changeable_days(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555, LockDate=days_from_now(2)), BY_NAME)

    result = run(args(changeable_for_days=10))

    assert result["changed"] is False
    assert (result["vault_lock"]["mode"], result["vault_lock"]["locked_in"]) == ("compliance", False)


def test_changed_retention_puts_the_lock_again(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=1, MaxRetentionDays=2555), BY_NAME)
    stubber.add_response("put_backup_vault_lock_configuration", {}, dict(BY_NAME, MinRetentionDays=7, MaxRetentionDays=2555))
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555), BY_NAME)

    result = run(args())

    assert result["changed"] is True
    assert (result["diff"]["before"]["min_retention_days"], result["diff"]["after"]["min_retention_days"]) == (1, 7)


def test_compliance_back_to_governance_within_the_grace_time_removes_then_puts(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555, LockDate=days_from_now(2)), BY_NAME)
    stubber.add_response("delete_backup_vault_lock_configuration", {}, BY_NAME)
    stubber.add_response("put_backup_vault_lock_configuration", {}, dict(BY_NAME, MinRetentionDays=7, MaxRetentionDays=2555))
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555), BY_NAME)

    result = run(args())

    assert result["changed"] is True
    assert result["vault_lock"]["mode"] == "governance"


def test_check_mode_writes_nothing_and_predicts_the_lock_date(run, stubber):
    stubber.add_response("describe_backup_vault", vault(), BY_NAME)

    result = run(args(changeable_for_days=3), check_mode=True)

    assert result["changed"] is True
    lock_date = datetime.datetime.fromisoformat(result["vault_lock"]["lock_date"])
    assert days_from_now(3) - datetime.timedelta(minutes=5) < lock_date <= days_from_now(3)
    assert result["vault_lock"]["mode"] == "compliance"


def test_locked_in_lock_cannot_change(run, stubber):
    since = days_from_now(-1)
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=1, MaxRetentionDays=2555, LockDate=since), BY_NAME)

    result = run(args())

    assert result["failed"] is True
    assert "locked in since" in result["msg"] and "refuses its change" in result["msg"]


def test_locked_in_lock_cannot_be_removed(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555, LockDate=days_from_now(-1)), BY_NAME)

    result = run(dict(backup_vault_name=VAULT, state="absent"))

    assert result["failed"] is True
    assert "refuses its removal" in result["msg"]


def test_absent_removes_a_governance_lock(run, stubber):
    stubber.add_response("describe_backup_vault", vault(Locked=True, MinRetentionDays=7, MaxRetentionDays=2555), BY_NAME)
    stubber.add_response("delete_backup_vault_lock_configuration", {}, BY_NAME)
    stubber.add_response("describe_backup_vault", vault(), BY_NAME)

    result = run(dict(backup_vault_name=VAULT, state="absent"))

    assert result["changed"] is True
    assert result["vault_lock"]["locked"] is False


def test_absent_without_lock_is_not_changed(run, stubber):
    stubber.add_response("describe_backup_vault", vault(), BY_NAME)

    assert run(dict(backup_vault_name=VAULT, state="absent"))["changed"] is False


def test_missing_vault_fails_clearly(run, stubber):
    stubber.add_client_error("describe_backup_vault", "AccessDeniedException", "Insufficient privileges to perform this action.", 403, BY_NAME)

    result = run(args())

    assert result["failed"] is True
    assert f"the backup vault {VAULT} does not exist" in result["msg"]


@pytest.mark.parametrize(
    "options, expected",
    [
        (dict(min_retention_days=30, max_retention_days=7), "min_retention_days (30) must not be more than max_retention_days (7)"),
        (dict(min_retention_days=0), "min_retention_days must be at least 1"),
        (dict(max_retention_days=36501), "max_retention_days must be 1 to 36500"),
        (dict(changeable_for_days=2), "changeable_for_days must be 3 to 36500"),
        (dict(min_retention_days=None, max_retention_days=None), "give min_retention_days, max_retention_days or both"),
    ],
)
def test_invalid_options_fail_before_any_call(run, options, expected):
    result = run({key: value for key, value in args(**options).items() if value is not None})

    assert result["failed"] is True
    assert expected in result["msg"]
