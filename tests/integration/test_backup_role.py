"""The backup role end to end on the emulator (its molecule scenario), the restore drill against it, and backup and
monitoring input refused before any AWS call."""

import json
import re
from pathlib import Path

import pytest

from aws_harness import play_calls
from postgres import PostgresServer, find_bin_dir

# A copy of the real Lightsail host's schema (shared/fixtures/lightsail-host/schema.sql).
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "lightsail-host" / "schema.sql"
SOURCE = "stories1001-local-db"


@pytest.fixture(scope="module")
def backup_platform(emulator, run):
    """create (reset), prepare (network, database, content bucket), converge, idempotence, verify; the state stays."""
    return run("molecule", "test", "--scenario-name", "backup")


def test_molecule_backup_scenario(backup_platform):
    assert backup_platform.rc == 0, backup_platform.output[-8000:]
    for step in ("prepare", "converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in backup_platform.output, step


@pytest.fixture(scope="module")
def restored_database():
    """A local PostgreSQL standing for the restored cluster's endpoint (the emulator's endpoints answer no SQL),
    holding 1001 Stories' schema as the snapshot would."""
    if find_bin_dir() is None:
        pytest.fail("PostgreSQL 15 is needed: apt-get install postgresql-15, or set PG_BIN_DIR")
    with PostgresServer() as pg:
        pg.psql("CREATE ROLE stories_admin LOGIN; CREATE DATABASE stories_db OWNER stories_admin;")
        pg.psql(SCHEMA.read_text(), database="stories_db", user="stories_admin")
        pg.psql("CREATE DATABASE empty_db OWNER stories_admin;")
        yield pg


def clusters(boto):
    return sorted(cluster["DBClusterIdentifier"] for cluster in boto("rds").describe_db_clusters()["DBClusters"])


def test_the_restore_drill_restores_checks_reports_the_time_and_cleans_up(backup_platform, restored_database, run, boto):
    assert backup_platform.rc == 0
    result = run(
        "ansible-playbook",
        "playbooks/restore_drill.yml",
        extra_vars={"restore_drill_take_snapshot": True, "restore_drill_connect_host": "127.0.0.1", "restore_drill_connect_port": restored_database.port},
    )
    assert result.rc == 0, result.output[-6000:]
    report = re.search(
        r"Restore drill: (\S+) restored into (\S+) and answering with (\d+) tables in ([\d.]+) s; RTO 3600 s: (\w+)", " ".join(result.output.split())
    )
    assert report, result.output[-3000:]
    snapshot, scratch, tables, seconds, verdict = report.groups()
    assert snapshot == f"{SOURCE}-drill-seed" and scratch == f"{SOURCE}-drill"
    assert int(tables) == int(restored_database.psql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", database="stories_db"))
    assert 0 < float(seconds) < 3600 and verdict == "met"
    assert clusters(boto) == [SOURCE], "the scratch cluster is gone, the source untouched"
    assert f"{SOURCE}-drill-1" not in [item["DBInstanceIdentifier"] for item in boto("rds").describe_db_instances()["DBInstances"]]


def test_a_restore_missing_tables_fails_the_drill_and_still_cleans_up(backup_platform, restored_database, run, boto):
    assert backup_platform.rc == 0
    # Credentials of a database holding no tables, as a broken snapshot would restore.
    secret = {"username": "stories_admin", "password": "not-checked", "dbname": "empty_db", "port": 5432}
    boto("secretsmanager").create_secret(Name="drill/empty", SecretString=json.dumps(secret))
    result = run(
        "ansible-playbook",
        "playbooks/restore_drill.yml",
        extra_vars={
            "restore_drill_take_snapshot": True,
            "restore_drill_connect_host": "127.0.0.1",
            "restore_drill_connect_port": restored_database.port,
            "restore_drill_secret_name": "drill/empty",
        },
    )
    assert result.rc != 0
    missing = "users, profiles, books, chapters, reading_progress, classes, submissions, media_files"
    assert f"The restored database lacks {missing}" in " ".join(result.output.split()), result.output[-3000:]
    assert clusters(boto) == [SOURCE], "the scratch cluster is removed even when the check fails"


BAD_INPUT = {
    "a cron expression AWS would refuse": (
        {"backup_rules": [{"name": "daily", "schedule": "cron(0 4 * * * *)", "lifecycle": {"delete_after_days": 35}}]},
        "backup_rules[0].schedule: 'cron(0 4 * * * *)': exactly one of day-of-month and day-of-week must be '?'",
    ),
    "an hour AWS's cron does not have": (
        {"backup_rules": [{"name": "daily", "schedule": "cron(0 24 ? * * *)", "lifecycle": {"delete_after_days": 35}}]},
        "'24' is outside the hours field's 0-23",
    ),
    "delete-after shorter than cold storage plus 90 days": (
        {"backup_rules": [{"name": "daily", "schedule": "cron(0 4 ? * * *)", "lifecycle": {"move_to_cold_storage_after_days": 30, "delete_after_days": 60}}]},
        "backup_rules[0].lifecycle.delete_after_days: 60 is less than move_to_cold_storage_after_days 30 plus the 90 days",
    ),
    "an email that is not an address": (
        {"monitoring_critical_emails": ["ops@1001stories.org", "oncall at 1001stories.org"]},
        "monitoring_critical_emails: 'oncall at 1001stories.org' is not an email address",
    ),
    "a budget of 0": (
        {"monitoring_budget_limit": 0},
        "monitoring_budget_limit: 0 must be a number of US dollars above 0",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_backup_and_monitoring_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []
