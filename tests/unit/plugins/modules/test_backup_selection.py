# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""backup_selection driven through main() against a real botocore Backup client with a Stubber: any call not queued
fails, so a test that queues no write proves the module sent none."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.modules import backup_selection as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

PLAN = "1001-stories-backup-plan"
PLAN_ID = "8a7cba1b-5e54-4a55-b9a5-2ef0a1b2c3d4"
PLAN_ARN = f"arn:aws:backup:us-east-1:123456789012:backup-plan:{PLAN_ID}"
NAME = "1001-stories-tagged"
ROLE = "arn:aws:iam::123456789012:role/1001-stories-backup"
RESOURCES = ["arn:aws:rds:*:*:cluster:*", "arn:aws:s3:::*"]
CREATED = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
CONDITIONS = {"string_equals": [{"key": "stories1001:backup", "value": "true"}, {"key": "Environment", "value": "production"}]}
SENT = {
    "SelectionName": NAME,
    "IamRoleArn": ROLE,
    "Resources": RESOURCES,
    "Conditions": {
        "StringEquals": [
            {"ConditionKey": "aws:ResourceTag/stories1001:backup", "ConditionValue": "true"},
            {"ConditionKey": "aws:ResourceTag/Environment", "ConditionValue": "production"},
        ]
    },
}


def held(selection):
    """A selection as GetBackupSelection answers it: every list present."""
    conditions = selection.get("Conditions") or {}
    return dict(
        selection,
        Resources=selection.get("Resources") or [],
        NotResources=selection.get("NotResources") or [],
        ListOfTags=selection.get("ListOfTags") or [],
        Conditions={key: conditions.get(key) or [] for key in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")},
    )


stubber = stubber_fixture("backup")
run = run_fixture(module_under_test.main, "backup")


def expect_plan(stubber, exists=True):
    listed = [{"BackupPlanName": PLAN, "BackupPlanId": PLAN_ID, "BackupPlanArn": PLAN_ARN, "VersionId": "v1"}] if exists else []
    stubber.add_response("list_backup_plans", {"BackupPlansList": listed}, {})


def expect_selections(stubber, *selections):
    """ListBackupSelections answering (id, selection) pairs, then GetBackupSelection of those named NAME."""
    listed = [
        {"SelectionId": selection_id, "SelectionName": selection["SelectionName"], "BackupPlanId": PLAN_ID, "IamRoleArn": selection["IamRoleArn"]}
        for selection_id, selection in selections
    ]
    stubber.add_response("list_backup_selections", {"BackupSelectionsList": listed}, {"BackupPlanId": PLAN_ID})
    for selection_id, selection in selections:
        if selection["SelectionName"] == NAME:
            expect_get(stubber, selection_id, selection)


def expect_get(stubber, selection_id, selection):
    answer = {"BackupSelection": held(selection), "SelectionId": selection_id, "BackupPlanId": PLAN_ID, "CreationDate": CREATED, "CreatorRequestId": "req"}
    stubber.add_response("get_backup_selection", answer, {"BackupPlanId": PLAN_ID, "SelectionId": selection_id})


def args(**options):
    result = dict(backup_plan_name=PLAN, name=NAME, iam_role_arn=ROLE, resources=RESOURCES, conditions=CONDITIONS)
    result.update(options)
    return result


def test_creates_the_selection_by_tag(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber)
    stubber.add_response("create_backup_selection", {"SelectionId": "sel-1", "BackupPlanId": PLAN_ID}, {"BackupPlanId": PLAN_ID, "BackupSelection": SENT})
    expect_get(stubber, "sel-1", SENT)

    result = run(args())

    assert result["changed"] is True and result["replaced"] is False
    assert result["selection_id"] == "sel-1"
    selection = result["backup_selection"]
    assert selection["conditions"]["string_equals"][0] == {"condition_key": "aws:ResourceTag/stories1001:backup", "condition_value": "true"}
    assert selection["resources"] == RESOURCES
    assert result["diff"]["before"] == {}


def test_same_selection_is_not_changed(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber, ("sel-1", SENT), ("sel-2", dict(SENT, SelectionName="other")))

    result = run(args(resources=list(reversed(RESOURCES)), conditions={"string_equals": list(reversed(CONDITIONS["string_equals"]))}))

    assert result["changed"] is False
    assert result["selection_id"] == "sel-1"
    assert result["diff"]["before"] == result["diff"]["after"]


def test_prefixed_condition_keys_are_the_same(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber, ("sel-1", SENT))
    prefixed = {
        "string_equals": [{"condition_key": "aws:ResourceTag/" + item["key"], "condition_value": item["value"]} for item in CONDITIONS["string_equals"]]
    }

    assert run(args(conditions=prefixed))["changed"] is False


def test_a_change_deletes_and_creates_the_selection(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber, ("sel-1", SENT))
    new = dict(SENT, NotResources=["arn:aws:s3:::1001-stories-logs"])
    stubber.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"})
    stubber.add_response("create_backup_selection", {"SelectionId": "sel-2", "BackupPlanId": PLAN_ID}, {"BackupPlanId": PLAN_ID, "BackupSelection": new})
    expect_get(stubber, "sel-2", new)

    result = run(args(not_resources=["arn:aws:s3:::1001-stories-logs"]))

    assert result["changed"] is True and result["replaced"] is True
    assert result["selection_id"] == "sel-2"
    assert "replaced" in result["diff"]["after_header"]
    assert result["diff"]["before"]["not_resources"] == [] and result["diff"]["after"]["not_resources"] == ["arn:aws:s3:::1001-stories-logs"]


def test_check_mode_reports_the_replacement_and_writes_nothing(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber, ("sel-1", SENT))

    result = run(args(iam_role_arn="arn:aws:iam::123456789012:role/other"), check_mode=True)

    assert result["changed"] is True and result["replaced"] is True
    assert result["diff"]["after"]["iam_role_arn"] == "arn:aws:iam::123456789012:role/other"
    assert "selection_id" not in result


def test_check_mode_on_a_new_selection_only_reads(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber)

    result = run(args(), check_mode=True)

    assert result["changed"] is True and result["replaced"] is False
    assert result["backup_selection"]["selection_name"] == NAME


def test_by_plan_id(run, stubber):
    stubber.add_response(
        "get_backup_plan",
        {"BackupPlan": {"BackupPlanName": PLAN, "Rules": []}, "BackupPlanId": PLAN_ID, "BackupPlanArn": PLAN_ARN, "VersionId": "v1"},
        {"BackupPlanId": PLAN_ID},
    )
    expect_selections(stubber, ("sel-1", SENT))

    options = args(backup_plan_id=PLAN_ID)
    del options["backup_plan_name"]
    result = run(options)

    assert result["changed"] is False


def test_absent_deletes_the_selection(run, stubber):
    expect_plan(stubber)
    expect_selections(stubber, ("sel-1", SENT))
    stubber.add_response("delete_backup_selection", {}, {"BackupPlanId": PLAN_ID, "SelectionId": "sel-1"})

    result = run(dict(backup_plan_name=PLAN, name=NAME, state="absent"))

    assert result["changed"] is True
    assert result["backup_selection"] == {}


def test_absent_when_the_plan_is_gone(run, stubber):
    expect_plan(stubber, exists=False)

    assert run(dict(backup_plan_name=PLAN, name=NAME, state="absent"))["changed"] is False


def test_present_fails_when_the_plan_is_missing(run, stubber):
    expect_plan(stubber, exists=False)

    result = run(args())

    assert result["failed"] is True
    assert f"backup plan {PLAN} does not exist" in result["msg"]


def test_check_mode_with_the_plan_not_made_yet_plans_the_selection(run, stubber):
    """A --check run of the backup role: the plan task only planned the plan, so the selection is planned too."""
    expect_plan(stubber, exists=False)

    result = run(args(), check_mode=True)

    assert result["changed"] is True
    assert result["backup_selection"]["selection_name"] == NAME


@pytest.mark.parametrize(
    "options, expected",
    [
        (dict(iam_role_arn=None), "iam_role_arn is required with state present"),
        (dict(iam_role_arn="backup-role"), "iam_role_arn 'backup-role' is not an IAM role ARN"),
        (dict(resources=[], conditions=None), "give resources, list_of_tags or conditions"),
        (dict(resources=["rds cluster"]), "resources: 'rds cluster' is not an ARN"),
        (dict(name="tagged selection"), "name 'tagged selection' is not"),
    ],
)
def test_invalid_options_fail_before_any_call(run, options, expected):
    result = run({key: value for key, value in args(**options).items() if value is not None})

    assert result["failed"] is True
    assert expected in result["msg"]
