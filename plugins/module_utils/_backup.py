# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Backup API calls and input checks shared by the collection's backup modules.

Each API call is wrapped once and fails with ``AnsibleBackupError``; reads return None (or []) when the resource does
not exist. Every function expects a client made with ``module.client("backup", retry_decorator=AWSRetry.jittered_backoff())``:
calls pass ``aws_retry=True``, and list calls are paged by hand so that every page is retried.
Private to stories1001.infra: the interface may change without notice.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

# AWS answers a vault it does not know with AccessDeniedException (amazon.aws.backup_vault relies on it), and
# ResourceNotFoundException as its API reference says.
NOT_FOUND_CODES = ["ResourceNotFoundException"]
VAULT_NOT_FOUND_CODES = ["ResourceNotFoundException", "AccessDeniedException"]
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html and API_BackupRuleInput.html
NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:backup-vault:[a-zA-Z0-9\-_]{2,50}$")
IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/\S+$")
SCHEDULE = re.compile(r"^(cron|rate)\(.+\)$")
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html: 90 days at least in cold storage.
MIN_COLD_DAYS = 90
# https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html: continuous backups are kept 1 to 35 days.
MAX_CONTINUOUS_DAYS = 35
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html
MAX_RETENTION_DAYS = 36500
MIN_CHANGEABLE_DAYS = 3


class AnsibleBackupError(AnsibleAWSError):
    pass


class BackupErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBackupError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(NOT_FOUND_CODES)


def _pages(client, operation, result_key, **params):
    """Every item of a paged list call, each page sent with aws_retry=True."""
    items = []
    while True:
        page = getattr(client, operation)(aws_retry=True, **params)
        items.extend(page.get(result_key) or [])
        if not page.get("NextToken"):
            return items
        params = dict(params, NextToken=page["NextToken"])


@BackupErrorHandler.list_error_handler("list backup plans", [])
def find_plans(client, name):
    """The ListBackupPlans entries (not deleted) of the plans named name."""
    return [plan for plan in _pages(client, "list_backup_plans", "BackupPlansList") if plan.get("BackupPlanName") == name and not plan.get("DeletionDate")]


@BackupErrorHandler.list_error_handler("get backup plan", None)
def get_plan(client, plan_id):
    """The GetBackupPlan answer without ResponseMetadata; None when there is no such plan."""
    answer = client.get_backup_plan(BackupPlanId=plan_id, aws_retry=True)
    answer.pop("ResponseMetadata", None)
    return answer


@BackupErrorHandler.list_error_handler("list tags", {})
def list_tags(client, arn):
    tags = {}
    params = dict(ResourceArn=arn)
    while True:
        page = client.list_tags(aws_retry=True, **params)
        tags.update(page.get("Tags") or {})
        if not page.get("NextToken"):
            return tags
        params = dict(params, NextToken=page["NextToken"])


@BackupErrorHandler.common_error_handler("tag resource")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags(); returns whether anything was sent."""
    if tag_keys_to_unset:
        client.untag_resource(ResourceArn=arn, TagKeyList=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.tag_resource(ResourceArn=arn, Tags={key: str(value) for key, value in tags_to_set.items()}, aws_retry=True)
    return bool(tags_to_set or tag_keys_to_unset)


@BackupErrorHandler.list_error_handler("list backup selections", [])
def list_selections(client, plan_id):
    return _pages(client, "list_backup_selections", "BackupSelectionsList", BackupPlanId=plan_id)


@BackupErrorHandler.list_error_handler("get backup selection", None)
def get_selection(client, plan_id, selection_id):
    answer = client.get_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id, aws_retry=True)
    answer.pop("ResponseMetadata", None)
    return answer


@BackupErrorHandler.deletion_error_handler("delete backup selection")
def delete_selection(client, plan_id, selection_id):
    client.delete_backup_selection(BackupPlanId=plan_id, SelectionId=selection_id, aws_retry=True)
    return True


@BackupErrorHandler.common_error_handler("describe backup vault")
def describe_vault(client, name):
    """The DescribeBackupVault answer; None when there is no such vault."""
    try:
        answer = client.describe_backup_vault(BackupVaultName=name, aws_retry=True)
    except is_boto3_error_code(VAULT_NOT_FOUND_CODES):
        return None
    answer.pop("ResponseMetadata", None)
    return answer


def lifecycle_errors(lifecycle, where, continuous=False):
    """Why AWS would refuse a lifecycle (snake-cased option); [] when it would not."""
    lifecycle = lifecycle or {}
    errors = []
    cold, delete = lifecycle.get("move_to_cold_storage_after_days"), lifecycle.get("delete_after_days")
    for key, value in (("move_to_cold_storage_after_days", cold), ("delete_after_days", delete)):
        if value is not None and value < 1:
            errors.append(f"{where}.lifecycle.{key} must be at least 1, not {value}")
    if cold is not None and delete is not None and delete < cold + MIN_COLD_DAYS:
        errors.append(
            f"{where}.lifecycle.delete_after_days ({delete}) must be at least move_to_cold_storage_after_days + {MIN_COLD_DAYS} "
            f"({cold + MIN_COLD_DAYS}): AWS keeps a recovery point at least {MIN_COLD_DAYS} days in cold storage"
        )
    if continuous and cold is not None:
        errors.append(f"{where}.lifecycle.move_to_cold_storage_after_days cannot be set with enable_continuous_backup: continuous backups stay warm")
    if continuous and delete is not None and delete > MAX_CONTINUOUS_DAYS:
        errors.append(f"{where}.lifecycle.delete_after_days ({delete}) must be at most {MAX_CONTINUOUS_DAYS} with enable_continuous_backup")
    return errors


def name_errors(value, option, pattern=NAME, what="1 to 50 letters, digits, '-', '_' or '.'"):
    if value is None or pattern.match(value):
        return []
    return [f"{option} {value!r} is not {what}"]
