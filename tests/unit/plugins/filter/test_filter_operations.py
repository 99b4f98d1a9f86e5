import copy

import pytest

from ansible_collections.stories1001.infra.plugins.filter.operations import (
    backup_input_errors,
    backup_selection_misses,
    cron_errors,
    email_errors,
    monitoring_input_errors,
)

BACKUP = {
    "backup_region": "us-east-1",
    "backup_copy_region": "us-west-2",
    "backup_vault_name": "1001-stories-production-backup-vault",
    "backup_copy_vault_name": "1001-stories-production-backup-vault-dr",
    "backup_rules": [
        {
            "name": "daily_backups",
            "schedule": "cron(0 4 ? * * *)",
            "lifecycle": {"move_to_cold_storage_after_days": 30, "delete_after_days": 365},
            "copy_to_dr": True,
        },
        {"name": "weekly_backups", "schedule": "cron(0 2 ? * SUN *)", "lifecycle": {"move_to_cold_storage_after_days": 90, "delete_after_days": 2555}},
        {"name": "continuous_pitr", "schedule": "cron(0 5 ? * * *)", "lifecycle": {"delete_after_days": 35}, "continuous": True},
    ],
    "backup_vault_lock": {"min_retention_days": 7, "max_retention_days": 2555},
}
MONITORING = {
    "monitoring_critical_emails": ["ops@1001stories.org", "sre@1001stories.org", "oncall@1001stories.org"],
    "monitoring_warning_emails": ["sre@1001stories.org", "dev-team@1001stories.org"],
    "monitoring_info_emails": ["dev-team@1001stories.org"],
    "monitoring_cost_emails": ["finance@1001stories.org", "cto@1001stories.org"],
    "monitoring_budget": True,
    "monitoring_budget_limit": 18000,
    "monitoring_budget_actual_percent": 80,
    "monitoring_budget_forecast_percent": 100,
    "monitoring_cost_anomaly": True,
    "monitoring_cost_anomaly_threshold": 200,
    "monitoring_canary": True,
    "monitoring_canary_schedule": "rate(5 minutes)",
    "monitoring_canary_url": "https://app.1001stories.org/api/health",
    "monitoring_alarms": {"db_connections": {"threshold": 80, "topic": "critical"}},
}


def with_changes(base, **changes):
    settings = copy.deepcopy(base)
    settings.update(changes)
    return settings


def test_the_seeds_backup_plan_is_accepted():
    assert backup_input_errors(BACKUP) == []


def test_the_seeds_monitoring_is_accepted():
    assert monitoring_input_errors(MONITORING) == []


@pytest.mark.parametrize(
    "expression",
    ["cron(0 4 ? * * *)", "cron(0 2 ? * SUN *)", "cron(30 1 1,15 * ? *)", "cron(0 4 ? JAN-MAR MON-FRI 2030)", "cron(0 4 ? * MON#2 *)", "cron(0 4 L * ? *)"],
)
def test_schedules_aws_backup_takes(expression):
    assert cron_errors(expression, backup=True) == []


@pytest.mark.parametrize(
    "expression, problem",
    [
        ("cron(0 4 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 4 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 25 ? * * *)", "'25' is outside the hours field's 0-23"),
        ("cron(60 4 ? * * *)", "'60' is outside the minutes field's 0-59"),
        ("cron(0 4 ? * FUN *)", "'FUN' is outside the day-of-week field's 1-7 or SUN-SAT"),
        ("cron(0 4 ? 13 * *)", "'13' is outside the month field's 1-12 or JAN-DEC"),
        ("cron(0 4 ? * *)", "has 5 fields; AWS's cron has 6"),
        ("0 4 * * *", "is neither cron(...) nor rate(...)"),
        ("cron(*/5 4 ? * * *)", "AWS Backup runs a rule at most once an hour"),
        ("rate(1 day)", "AWS Backup takes only cron(...) expressions"),
        ("cron(0 4 ? * MON#6 *)", "is not <day>#<1-5>"),
    ],
)
def test_schedules_aws_backup_refuses(expression, problem):
    errors = cron_errors(expression, backup=True)
    assert any(problem in error for error in errors), errors


@pytest.mark.parametrize("expression, accepted", [("rate(5 minutes)", True), ("rate(1 minute)", True), ("rate(1 minutes)", False), ("rate(0 hours)", False)])
def test_rate_expressions_outside_backup(expression, accepted):
    assert (cron_errors(expression) == []) is accepted


def test_delete_after_must_be_ninety_days_past_cold_storage():
    settings = copy.deepcopy(BACKUP)
    settings["backup_rules"][0]["lifecycle"] = {"move_to_cold_storage_after_days": 30, "delete_after_days": 100}
    errors = backup_input_errors(settings)
    assert errors == [
        "backup_rules[0].lifecycle.delete_after_days: 100 is less than move_to_cold_storage_after_days 30 plus the 90 days "
        "AWS Backup keeps a recovery point in cold storage (at least 120)"
    ]


def test_exactly_ninety_days_in_cold_storage_is_enough():
    settings = copy.deepcopy(BACKUP)
    settings["backup_rules"][0]["lifecycle"] = {"move_to_cold_storage_after_days": 30, "delete_after_days": 120}
    assert backup_input_errors(settings) == []


def test_copy_lifecycle_is_checked_too():
    settings = copy.deepcopy(BACKUP)
    settings["backup_rules"][0]["copy_lifecycle"] = {"move_to_cold_storage_after_days": 60, "delete_after_days": 90}
    assert [error.split(":", maxsplit=1)[0] for error in backup_input_errors(settings)] == ["backup_rules[0].copy_lifecycle.delete_after_days"]


def test_a_rule_beyond_the_vault_lock_is_refused():
    settings = with_changes(BACKUP, backup_vault_lock={"min_retention_days": 7, "max_retention_days": 400})
    errors = backup_input_errors(settings)
    assert len(errors) == 1 and "2555 is outside the vault lock's 7 to 400 days" in errors[0]


def test_continuous_backups_are_kept_at_most_35_days_and_never_cold():
    settings = copy.deepcopy(BACKUP)
    settings["backup_rules"][2]["lifecycle"] = {"move_to_cold_storage_after_days": 1, "delete_after_days": 100}
    errors = backup_input_errors(settings)
    assert any("continuous backups are kept 1 to 35 days" in error for error in errors)
    assert any("continuous backups cannot move to cold storage" in error for error in errors)


def test_rule_names_unique_and_copy_region_elsewhere():
    settings = copy.deepcopy(BACKUP)
    settings["backup_rules"][1]["name"] = "daily_backups"
    settings["backup_copy_region"] = "us-east-1"
    errors = backup_input_errors(settings)
    assert any(error.startswith("backup_rules: rule names must be unique") for error in errors)
    assert any(error.startswith("backup_copy_region: us-east-1 is the backup's own region") for error in errors)


def test_vault_names_follow_aws_backups_rules():
    errors = backup_input_errors(with_changes(BACKUP, backup_vault_name="has spaces"))
    assert errors == ["backup_vault_name: 'has spaces' must be 2 to 50 letters, digits, hyphens, underscores or dots"]


@pytest.mark.parametrize("address", ["ops", "ops@", "@1001stories.org", "ops@1001stories", "ops 1@1001stories.org", "ops@-bad.org"])
def test_what_is_not_an_email_address(address):
    assert email_errors("monitoring_critical_emails", [address]) == [f"monitoring_critical_emails: {address!r} is not an email address"]


def test_an_email_list_given_as_a_string_is_refused():
    assert email_errors("monitoring_cost_emails", "finance@1001stories.org") == ["monitoring_cost_emails: must be a list of email addresses"]


@pytest.mark.parametrize("limit", [0, -5, "none", None])
def test_a_budget_must_be_above_zero(limit):
    errors = monitoring_input_errors(with_changes(MONITORING, monitoring_budget_limit=limit))
    assert errors == [f"monitoring_budget_limit: {limit!r} must be a number of US dollars above 0"]


def test_no_budget_no_budget_check():
    assert monitoring_input_errors(with_changes(MONITORING, monitoring_budget=False, monitoring_budget_limit=0)) == []


def test_canary_schedule_url_anomaly_threshold_and_alarms():
    settings = with_changes(
        MONITORING,
        monitoring_canary_schedule="every 5 minutes",
        monitoring_canary_url="http://app.1001stories.org/api/health",
        monitoring_cost_anomaly_threshold=0,
        monitoring_alarms={"db_connections": {"threshold": -1}, "ecs_cpu": {"threshold": 85, "topic": "pager"}},
        monitoring_budget_actual_percent=0,
    )
    assert [error.split(":", maxsplit=1)[0] for error in monitoring_input_errors(settings)] == [
        "monitoring_budget_actual_percent",
        "monitoring_cost_anomaly_threshold",
        "monitoring_canary_schedule",
        "monitoring_canary_url",
        "monitoring_alarms.db_connections.threshold",
        "monitoring_alarms.ecs_cpu.topic",
    ]


SELECTION = {
    "resources": ["arn:aws:rds:*:*:cluster:*", "arn:aws:s3:::*"],
    "not_resources": ["arn:aws:s3:::*-logs-*"],
    "conditions": {
        "string_equals": [
            {"condition_key": "aws:ResourceTag/Project", "condition_value": "1001-stories"},
            {"condition_key": "aws:ResourceTag/Environment", "condition_value": "production"},
        ]
    },
}
TAGS = {"Project": "1001-stories", "Environment": "production", "Component": "database"}


def test_a_tagged_cluster_and_bucket_are_covered():
    assert backup_selection_misses(SELECTION, "arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-db", TAGS) == []
    assert backup_selection_misses(SELECTION, "arn:aws:s3:::1001-stories-production-content", TAGS) == []


def test_what_a_selection_leaves_out():
    assert backup_selection_misses(SELECTION, "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:x", TAGS) == [
        "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:x matches none of the resources ['arn:aws:rds:*:*:cluster:*', 'arn:aws:s3:::*']"
    ]
    assert backup_selection_misses(SELECTION, "arn:aws:s3:::1001-stories-production-logs-us-east-1", TAGS) == [
        "arn:aws:s3:::1001-stories-production-logs-us-east-1 is excluded by not_resources ['arn:aws:s3:::*-logs-*']"
    ]
    staging = dict(TAGS, Environment="staging")
    assert backup_selection_misses(SELECTION, "arn:aws:s3:::1001-stories-staging-content", staging) == ["tag Environment is 'staging', not 'production'"]


def test_string_like_and_list_of_tags():
    selection = {
        "conditions": {"string_like": [{"condition_key": "aws:ResourceTag/Project", "condition_value": "1001-*"}]},
        "list_of_tags": [{"condition_type": "STRINGEQUALS", "condition_key": "Backup", "condition_value": "daily"}],
    }
    assert backup_selection_misses(selection, "arn:aws:rds:us-east-1:1:cluster:a", {"Project": "1001-stories", "Backup": "daily"}) == []
    assert backup_selection_misses(selection, "arn:aws:rds:us-east-1:1:cluster:a", {"Project": "other", "Backup": "weekly"}) == [
        "tag Project is 'other', not like '1001-*'",
        "no tag of list_of_tags ['Backup'] matches",
    ]
