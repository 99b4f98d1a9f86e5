#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_vault_lock
version_added: 0.1.0
short_description: Manage the Vault Lock of an AWS Backup vault
description:
  - Put, change and remove the Vault Lock configuration of an existing AWS Backup vault, the minimum and maximum
    retention AWS enforces on its recovery points.
  - Without O(changeable_for_days) the lock is in governance mode (it can be changed or removed at any time, with
    the permission to). With it, the lock is in compliance mode; after that many days (the lock date) nobody can
    change or remove it, and the vault cannot be deleted while it holds recovery points.
  - AWS has no call that reads a lock alone; the module reads it from C(DescribeBackupVault) (C(Locked),
    C(MinRetentionDays), C(MaxRetentionDays), C(LockDate)). AWS does not return O(changeable_for_days), only the
    lock date it led to, so a lock with a lock date is taken to match any O(changeable_for_days); the module changes the
    mode (governance or compliance) and the retention days.
  - Once the lock date has passed, AWS refuses any change and the removal; the module fails and says so instead of
    trying.
author:
  - 1001 Stories platform team (@1001stories)
options:
  backup_vault_name:
    description: The name of the backup vault, which must exist.
    type: str
    required: true
    aliases: ["name", "vault_name"]
  min_retention_days:
    description: The shortest retention AWS accepts for a recovery point in the vault, in days (at least 1).
    type: int
  max_retention_days:
    description: The longest retention AWS accepts for a recovery point in the vault, in days (at most 36500).
    type: int
  changeable_for_days:
    description:
      - Put the lock in compliance mode, changeable or removable for this many days (at least 3) and locked in after that.
      - Leave it out for governance mode. A compliance-mode lock still within those days is removed and put again to go back.
    type: int
  state:
    description:
      - Whether the vault should have a lock.
      - With V(absent), a vault that does not exist has nothing to unlock.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the lock that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the lock before and after the change in RV(diff).
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
  - Try a compliance-mode lock out on a vault that does not matter first; after its lock date it cannot be undone.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep recovery points of the production vault 7 days to 7 years (governance mode)
  stories1001.infra.backup_vault_lock:
    backup_vault_name: 1001-stories-backup-vault
    min_retention_days: 7
    max_retention_days: 2555

- name: The same in compliance mode, locked in after 3 days
  stories1001.infra.backup_vault_lock:
    backup_vault_name: 1001-stories-backup-vault
    min_retention_days: 7
    max_retention_days: 2555
    changeable_for_days: 3

- name: Remove a governance-mode lock
  stories1001.infra.backup_vault_lock:
    backup_vault_name: 1001-stories-staging-backup-vault
    state: absent
"""

RETURN = r"""
vault_lock:
  description: The vault's lock as it is (or, in check mode, would be) after the task.
  returned: when the vault exists
  type: dict
  contains:
    backup_vault_name:
      description: The name of the vault.
      returned: always
      type: str
      sample: 1001-stories-backup-vault
    backup_vault_arn:
      description: The ARN of the vault.
      returned: always
      type: str
      sample: arn:aws:backup:us-east-1:123456789012:backup-vault:1001-stories-backup-vault
    locked:
      description: Whether a lock protects the vault.
      returned: always
      type: bool
      sample: true
    min_retention_days:
      description: The minimum retention, in days; null without a lock or without a minimum.
      returned: always
      type: int
      sample: 7
    max_retention_days:
      description: The maximum retention, in days; null without a lock or without a maximum.
      returned: always
      type: int
      sample: 2555
    lock_date:
      description: When a compliance-mode lock can no longer be changed or removed (ISO 8601); null in governance mode.
      returned: always
      type: str
      sample: "2026-11-25T08:00:00+00:00"
    mode:
      description: V(governance), V(compliance) or V(none).
      returned: always
      type: str
      sample: governance
    locked_in:
      description: Whether the lock date has passed, so that AWS refuses any change.
      returned: always
      type: bool
      sample: false
diff:
  description: The lock before and after the task, each in the form of RV(vault_lock).
  returned: always
  type: dict
  contains:
    before:
      description: The lock before the task.
      returned: always
      type: dict
    after:
      description: The lock after the task.
      returned: always
      type: dict
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._backup import MAX_RETENTION_DAYS
from ansible_collections.stories1001.infra.plugins.module_utils._backup import MIN_CHANGEABLE_DAYS
from ansible_collections.stories1001.infra.plugins.module_utils._backup import VAULT_NAME
from ansible_collections.stories1001.infra.plugins.module_utils._backup import AnsibleBackupError
from ansible_collections.stories1001.infra.plugins.module_utils._backup import BackupErrorHandler
from ansible_collections.stories1001.infra.plugins.module_utils._backup import describe_vault
from ansible_collections.stories1001.infra.plugins.module_utils._backup import name_errors


@BackupErrorHandler.common_error_handler("put backup vault lock configuration")
def put_lock(client, name, min_days, max_days, changeable_days):
    params = dict(BackupVaultName=name)
    for key, value in (("MinRetentionDays", min_days), ("MaxRetentionDays", max_days), ("ChangeableForDays", changeable_days)):
        if value is not None:
            params[key] = value
    client.put_backup_vault_lock_configuration(aws_retry=True, **params)


@BackupErrorHandler.common_error_handler("delete backup vault lock configuration")
def delete_lock(client, name):
    client.delete_backup_vault_lock_configuration(BackupVaultName=name, aws_retry=True)


def validation_errors(params):
    errors = name_errors(params["backup_vault_name"], "backup_vault_name", VAULT_NAME, "a backup vault name (2 to 50 letters, digits, '-', '_')")
    low, high, changeable = params.get("min_retention_days"), params.get("max_retention_days"), params.get("changeable_for_days")
    if params["state"] == "present" and low is None and high is None:
        errors.append("give min_retention_days, max_retention_days or both with state present")
    if low is not None and low < 1:
        errors.append(f"min_retention_days must be at least 1, not {low}")
    if high is not None and not 1 <= high <= MAX_RETENTION_DAYS:
        errors.append(f"max_retention_days must be 1 to {MAX_RETENTION_DAYS}, not {high}")
    if low is not None and high is not None and low > high:
        errors.append(f"min_retention_days ({low}) must not be more than max_retention_days ({high})")
    if changeable is not None and not MIN_CHANGEABLE_DAYS <= changeable <= MAX_RETENTION_DAYS:
        errors.append(f"changeable_for_days must be {MIN_CHANGEABLE_DAYS} to {MAX_RETENTION_DAYS}, not {changeable}")
    return errors


def _utc(moment):
    if moment is None:
        return None
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.fromtimestamp(float(moment), datetime.timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def lock_of(vault, now):
    """The lock of a DescribeBackupVault answer, as the module returns it."""
    locked = bool(vault.get("Locked"))
    lock_date = _utc(vault.get("LockDate")) if locked else None
    return {
        "backup_vault_name": vault.get("BackupVaultName"),
        "backup_vault_arn": vault.get("BackupVaultArn"),
        "locked": locked,
        "min_retention_days": vault.get("MinRetentionDays") if locked else None,
        "max_retention_days": vault.get("MaxRetentionDays") if locked else None,
        "lock_date": lock_date.isoformat() if lock_date else None,
        "mode": ("compliance" if lock_date else "governance") if locked else "none",
        "locked_in": bool(lock_date and lock_date <= now),
    }


def wanted_lock(before, params, now):
    changeable = params["changeable_for_days"]
    lock_date = before["lock_date"]
    if changeable is None:
        lock_date = None
    elif not lock_date:
        lock_date = (now + datetime.timedelta(days=changeable)).isoformat()
    return dict(
        before,
        locked=True,
        min_retention_days=params["min_retention_days"],
        max_retention_days=params["max_retention_days"],
        lock_date=lock_date,
        mode="compliance" if changeable is not None else "governance",
        locked_in=False,
    )


def matches(before, params):
    return (
        before["locked"]
        and before["min_retention_days"] == params["min_retention_days"]
        and before["max_retention_days"] == params["max_retention_days"]
        and (before["mode"] == "compliance") == (params["changeable_for_days"] is not None)
    )


def main():
    argument_spec = dict(
        backup_vault_name=dict(required=True, aliases=["name", "vault_name"]),
        min_retention_days=dict(type="int"),
        max_retention_days=dict(type="int"),
        changeable_for_days=dict(type="int"),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    name = params["backup_vault_name"]
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg=f"Vault lock of {name}: " + "; ".join(errors))

    client = module.client("backup", retry_decorator=AWSRetry.jittered_backoff())
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        vault = describe_vault(client, name)
        if vault is None:
            if params["state"] == "absent":
                module.exit_json(changed=False, diff=dict(before={}, after={}))
            module.fail_json(msg=f"Vault lock of {name}: the backup vault {name} does not exist; create it first (amazon.aws.backup_vault)")
        before = lock_of(vault, now)
        if params["state"] == "present":
            changed = not matches(before, params)
            after = wanted_lock(before, params, now) if changed else before
        else:
            changed = before["locked"]
            after = lock_of(dict(vault, Locked=False), now)
        if changed and before["locked_in"]:
            what = "change" if params["state"] == "present" else "removal"
            module.fail_json(
                msg=f"Vault lock of {name}: the lock is in compliance mode and locked in since {before['lock_date']}; AWS refuses its {what} "
                "(nobody can change or remove it any more)",
                vault_lock=before,
            )
        if changed and not module.check_mode:
            if params["state"] == "absent" or (before["mode"] == "compliance" and params["changeable_for_days"] is None):
                delete_lock(client, name)
            if params["state"] == "present":
                put_lock(client, name, params["min_retention_days"], params["max_retention_days"], params["changeable_for_days"])
            after = lock_of(describe_vault(client, name) or vault, now)
    except AnsibleBackupError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=f"Vault lock of {name}: {e.message}")
        module.fail_json(msg=f"Vault lock of {name}: {e.message}")

    module.exit_json(changed=changed, vault_lock=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
