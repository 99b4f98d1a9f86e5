"""AWS Backup plans, selections and vaults on moto's models, as AWS answers for them; patches.py installs these patches.

Plans keep every version they had: UpdateBackupPlan makes a new VersionId under the same plan id, and GetBackupPlan
with an earlier VersionId answers with that version. A deleted plan keeps its DeletionDate (GetBackupPlan still answers
for it, ListBackupPlans lists it only with IncludeDeleted) and frees its name for a new plan.

Selections are kept per backend in ``backend.__dict__["stories_selections"]`` ({plan id: {selection id: record}}), so
``/moto-api/reset``, which makes new backends, forgets them with everything else. GetBackupSelection answers in one
piece and ListBackupSelections in one page, without NextToken.
"""

import copy
import json
import re

from moto.backup.exceptions import AlreadyExistsException, InvalidParameterValueException, InvalidRequestException, ResourceNotFoundException
from moto.backup.models import BackupBackend, Plan, Vault
from moto.backup.responses import BackupResponse
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random

# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html: a recovery point stays at least 90 days in
# cold storage, so DeleteAfterDays must be at least MoveToColdStorageAfterDays + 90.
MIN_COLD_DAYS = 90
# https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html: continuous backups are kept 1 to 35 days.
MAX_CONTINUOUS_DAYS = 35
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
SELECTION_NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
CONDITION_LISTS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
# Server-side defaults of a rule (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html).
RULE_DEFAULTS = {"StartWindowMinutes": 480, "CompletionWindowMinutes": 10080, "ScheduleExpressionTimezone": "Etc/UTC"}

_PLAN_PATH = re.compile(r"/backup/plans/(?P<plan>[^/]+)")
_SELECTION_PATH = re.compile(r"/backup/plans/(?P<plan>[^/]+)/selections/(?P<selection>[^/]+)")
_NOT_FOUND = "Failed reading Backup plan with provided version"


def _check_lifecycle(lifecycle: dict | None, where: str, continuous: bool = False) -> None:
    lifecycle = lifecycle or {}
    cold, delete = lifecycle.get("MoveToColdStorageAfterDays"), lifecycle.get("DeleteAfterDays")
    if cold is not None and delete is not None and delete < cold + MIN_COLD_DAYS:
        raise InvalidParameterValueException(
            msg=f"Invalid lifecycle in {where}: DeleteAfterDays ({delete}) must be at least {MIN_COLD_DAYS} days more than "
            f"MoveToColdStorageAfterDays ({cold})"
        )
    if continuous and cold is not None:
        raise InvalidParameterValueException(msg=f"Invalid lifecycle in {where}: continuous backups cannot move to cold storage")
    if continuous and delete is not None and not 1 <= delete <= MAX_CONTINUOUS_DAYS:
        raise InvalidParameterValueException(msg=f"Invalid lifecycle in {where}: continuous backups are kept 1 to {MAX_CONTINUOUS_DAYS} days, not {delete}")


def _check_plan(backup_plan: dict) -> None:
    """What AWS refuses in a plan document with InvalidParameterValueException."""
    names = [rule.get("RuleName") for rule in backup_plan.get("Rules") or []]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidParameterValueException(msg=f"Rule names must be unique in a backup plan: {', '.join(repeated)}")
    for rule in backup_plan.get("Rules") or []:
        where = f"rule {rule.get('RuleName')}"
        _check_lifecycle(rule.get("Lifecycle"), where, bool(rule.get("EnableContinuousBackup")))
        for action in rule.get("CopyActions") or []:
            _check_lifecycle(action.get("Lifecycle"), f"the copy action of {where} to {action.get('DestinationBackupVaultArn')}")


def _versions(plan: Plan) -> dict:
    """{version id: plan document} of every version the plan had."""
    versions = plan.__dict__.get("stories_versions")
    if versions is None:
        versions = {plan.version_id: copy.deepcopy(plan.backup_plan)}
        plan.__dict__["stories_versions"] = versions
    return versions


def _live_plan(backend: BackupBackend, plan_id: str) -> Plan:
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(msg=_NOT_FOUND)
    return plan


def backup_plan_update_and_versions() -> None:
    """UpdateBackupPlan exists; plans keep their versions; lifecycles are checked; a deleted plan frees its name.

    AWS (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateBackupPlan.html): UpdateBackupPlan replaces
    the plan document of an existing plan, which keeps its BackupPlanId and ARN and gets a new VersionId; GetBackupPlan
    with the VersionId of an earlier version answers with that version (API_GetBackupPlan.html). Each rule is answered
    with a RuleId and AWS's defaults (StartWindowMinutes 480, CompletionWindowMinutes 10080, ScheduleExpressionTimezone
    Etc/UTC, API_BackupRule.html); RecoveryPointTags, Lifecycle and CopyActions come back as sent. A lifecycle whose
    DeleteAfterDays is less than MoveToColdStorageAfterDays + 90 is refused (API_Lifecycle.html), in rules and copy
    actions, and so are continuous backups kept longer than 35 days or moved to cold storage
    (point-in-time-recovery.html). A deleted plan cannot be updated (ResourceNotFoundException), and its name can be
    used again by a new plan.
    moto: has no UpdateBackupPlan (boto3 gets a 500), keeps one version and refuses any VersionId but the latest,
    checks no lifecycle, and refuses to create a plan named like a deleted one (AlreadyExistsException).
    """
    original_plan_init = Plan.__init__

    def plan_init(self, backup_plan, creator_request_id, backend):
        original_plan_init(self, backup_plan, creator_request_id, backend)
        _versions(self)

    Plan.__init__ = plan_init

    def create_backup_plan(self, backup_plan, backup_plan_tags, creator_request_id):
        _check_plan(backup_plan)
        live = [plan for plan in self.plans.values() if plan.deletion_date is None]
        if backup_plan["BackupPlanName"] in [plan.backup_plan["BackupPlanName"] for plan in live]:
            raise AlreadyExistsException(msg="Backup plan with the same plan document already exists")
        plan = Plan(backup_plan=backup_plan, creator_request_id=creator_request_id, backend=self)
        if backup_plan_tags:
            self.tag_resource(plan.backup_plan_arn, backup_plan_tags)
        self.plans[plan.backup_plan_id] = plan
        return plan

    def get_backup_plan(self, backup_plan_id, version_id):
        plan = self.plans.get(backup_plan_id)
        if plan is None:
            raise ResourceNotFoundException(msg=_NOT_FOUND)
        if not version_id or version_id == plan.version_id:
            return plan
        document = _versions(plan).get(version_id)
        if document is None:
            raise ResourceNotFoundException(msg=_NOT_FOUND)
        earlier = copy.copy(plan)
        earlier.version_id, earlier.backup_plan = version_id, copy.deepcopy(document)
        earlier.advanced_backup_settings = document.get("AdvancedBackupSettings") or []
        return earlier

    def update_backup_plan(self, backup_plan_id, backup_plan):
        plan = _live_plan(self, backup_plan_id)
        _check_plan(backup_plan)
        previous = {rule.get("RuleName"): rule.get("RuleId") for rule in plan.backup_plan.get("Rules") or []}
        for rule in backup_plan.get("Rules") or []:
            for key, value in RULE_DEFAULTS.items():
                rule.setdefault(key, value)
            rule["RuleId"] = previous.get(rule.get("RuleName")) or str(mock_random.uuid4())
        versions = _versions(plan)
        version_id = mock_random.get_random_string(length=48)
        while version_id in versions:
            version_id = mock_random.get_random_string(length=48)
        plan.backup_plan, plan.version_id = backup_plan, version_id
        plan.advanced_backup_settings = backup_plan.get("AdvancedBackupSettings") or []
        versions[version_id] = copy.deepcopy(backup_plan)
        return plan

    def update_backup_plan_response(self):
        plan_id = _PLAN_PATH.search(self.path).group("plan")
        plan = self.backup_backend.update_backup_plan(plan_id, json.loads(self.body).get("BackupPlan") or {})
        return json.dumps(plan.to_dict())

    BackupBackend.create_backup_plan = create_backup_plan
    BackupBackend.get_backup_plan = get_backup_plan
    BackupBackend.update_backup_plan = update_backup_plan
    BackupResponse.update_backup_plan = update_backup_plan_response


def _selections(backend: BackupBackend) -> dict:
    """{plan id: {selection id: record}} of the backend."""
    return backend.__dict__.setdefault("stories_selections", {})


def _as_aws_answers(selection: dict) -> dict:
    """The selection as GetBackupSelection answers: every list present, empty when not given."""
    answer = copy.deepcopy(selection)
    for key in ("Resources", "ListOfTags", "NotResources"):
        answer.setdefault(key, [])
    conditions = answer.get("Conditions") or {}
    answer["Conditions"] = {key: conditions.get(key) or [] for key in CONDITION_LISTS}
    return answer


def backup_selections() -> None:
    """Backup selections: Create/Get/List/DeleteBackupSelection, and a plan with selections cannot be deleted.

    AWS (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupSelection.html, API_GetBackupSelection.html,
    API_ListBackupSelections.html, API_DeleteBackupSelection.html, API_BackupSelection.html): a selection belongs to a
    plan, has a name of 1 to 50 letters, digits, hyphens, underscores and periods, an IAM role, and resources, tags
    (ListOfTags) and conditions; it cannot be changed (there is no update call). CreateBackupSelection answers
    SelectionId, BackupPlanId and CreationDate. GetBackupSelection answers the selection with Resources, ListOfTags and
    NotResources as lists and Conditions with its four lists, empty when not given (as amazon.aws.backup_selection,
    tested against AWS, expects), plus CreatorRequestId. An unknown plan or selection is ResourceNotFoundException.
    DeleteBackupPlan of a plan that still has selections answers InvalidRequestException
    (API_DeleteBackupPlan.html: "Deletes a backup plan. A backup plan can only be deleted after all associated
    selections of resources have been deleted.").
    moto: has none of the selection calls (boto3 gets a 500) and deletes any plan.
    """
    original_delete_plan = BackupBackend.delete_backup_plan

    def create_backup_selection(self, backup_plan_id, selection, creator_request_id):
        _live_plan(self, backup_plan_id)
        name = selection.get("SelectionName") or ""
        if not SELECTION_NAME.match(name):
            raise InvalidParameterValueException(msg=f"Invalid SelectionName {name!r}: 1 to 50 letters, digits, '-', '_' or '.'")
        if not selection.get("IamRoleArn", "").startswith("arn:"):
            raise InvalidParameterValueException(msg=f"Invalid IamRoleArn {selection.get('IamRoleArn')!r}")
        record = {
            "SelectionId": str(mock_random.uuid4()),
            "BackupPlanId": backup_plan_id,
            "CreationDate": unix_time(),
            "CreatorRequestId": creator_request_id or str(mock_random.uuid4()),
            "BackupSelection": copy.deepcopy(selection),
        }
        _selections(self).setdefault(backup_plan_id, {})[record["SelectionId"]] = record
        return record

    def selection_record(self, backup_plan_id, selection_id):
        if backup_plan_id not in self.plans:
            raise ResourceNotFoundException(msg=_NOT_FOUND)
        record = _selections(self).get(backup_plan_id, {}).get(selection_id)
        if record is None:
            raise ResourceNotFoundException(msg=f"Failed reading backup selection {selection_id} of plan {backup_plan_id}")
        return record

    def delete_backup_plan(self, backup_plan_id):
        if _selections(self).get(backup_plan_id):
            raise InvalidRequestException(msg="Related backup plan selections must be deleted prior to backup plan deletion")
        return original_delete_plan(self, backup_plan_id)

    def create_response(self):
        plan_id = _PLAN_PATH.search(self.path).group("plan")
        body = json.loads(self.body or "{}")
        record = self.backup_backend.create_backup_selection(plan_id, body.get("BackupSelection") or {}, body.get("CreatorRequestId"))
        return json.dumps({key: record[key] for key in ("SelectionId", "BackupPlanId", "CreationDate")})

    def get_response(self):
        match = _SELECTION_PATH.search(self.path)
        record = self.backup_backend.selection_record(match.group("plan"), match.group("selection"))
        return json.dumps(dict(record, BackupSelection=_as_aws_answers(record["BackupSelection"])))

    def list_response(self):
        plan_id = _PLAN_PATH.search(self.path).group("plan")
        if plan_id not in self.backup_backend.plans:
            raise ResourceNotFoundException(msg=_NOT_FOUND)
        records = sorted(_selections(self.backup_backend).get(plan_id, {}).values(), key=lambda record: record["CreationDate"])
        listed = [
            {
                "SelectionId": record["SelectionId"],
                "SelectionName": record["BackupSelection"]["SelectionName"],
                "BackupPlanId": plan_id,
                "CreationDate": record["CreationDate"],
                "CreatorRequestId": record["CreatorRequestId"],
                "IamRoleArn": record["BackupSelection"]["IamRoleArn"],
            }
            for record in records
        ]
        return json.dumps({"BackupSelectionsList": listed})

    def delete_response(self):
        match = _SELECTION_PATH.search(self.path)
        record = self.backup_backend.selection_record(match.group("plan"), match.group("selection"))
        del _selections(self.backup_backend)[record["BackupPlanId"]][record["SelectionId"]]
        return "{}"

    BackupBackend.create_backup_selection = create_backup_selection
    BackupBackend.selection_record = selection_record
    BackupBackend.delete_backup_plan = delete_backup_plan
    BackupResponse.create_backup_selection = create_response
    BackupResponse.get_backup_selection = get_response
    BackupResponse.list_backup_selections = list_response
    BackupResponse.delete_backup_selection = delete_response


def backup_vault_type_and_state() -> None:
    """DescribeBackupVault names the vault's type and state.

    AWS (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeBackupVault.html): answers VaultType
    (BACKUP_VAULT for a vault made by CreateBackupVault) and VaultState (AVAILABLE once created), beside the lock's
    Locked, MinRetentionDays, MaxRetentionDays and LockDate (there is no call that reads a lock configuration alone).
    moto: answers the lock's fields but neither VaultType nor VaultState.
    """
    Vault.vault_type = "BACKUP_VAULT"
    Vault.vault_state = "AVAILABLE"
