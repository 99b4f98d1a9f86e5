"""The job templates of awx/templates.yml run the way AWX runs them (awx_jobs.Job: ansible-runner on a private data
directory built from the template's definition, the inventory updated on launch, survey defaults and answers, the AWS
credential's environment), against the emulator.

One emulator, the jobs chained as a platform's life: phase 1 applied (it converges), the restore drill on it (it
converges), refusals of destroy, DR and the migration, the plans of phase 1, 2, 3 and site launched with the tag
always (every region's input validation), then the Destroy template as a check job and as a run, twice. With
STORIES_SLOW_TESTS=1 also phase 1's full plan on the platform it made (about 150 s more).

Elsewhere, on the emulator state their tests need: test_network_role.py launches Phase 1 (plan) on an empty emulator
and Phase 1, Phase 2 (plan), Phase 2, Site (plan), Site and Phase 3 (plan) with the tag network; test_dr_drill.py
launches Phase 3, DR failover and DR failback; test_migration.py launches the migration and its rollback.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from botocore.exceptions import ClientError

from awx_jobs import TEMPLATES, Job
from aws_harness import REPO, changing_calls
from postgres import PostgresServer, find_bin_dir

SCHEMA = REPO / "tests" / "fixtures" / "lightsail-host" / "schema.sql"
NAME = "1001-stories-local"
DB_CLUSTER = "stories1001-local-db"


@pytest.fixture(scope="module")
def job(emulator, launch):
    """This module's jobs, on an emulator reset once for the module (the jobs chain as the workflow would)."""
    emulator.reset()
    return launch


def _tail(job: Job) -> str:
    return job.tail()


@pytest.fixture(scope="module")
def phase1(job):
    return job("1001 Stories - Phase 1")


def test_phase_1_converges(phase1, boto):
    assert phase1.succeeded(), _tail(phase1)
    assert phase1.changed().get("us-east-1", 0) > 50, phase1.result.stats
    assert set(phase1.result.stats["ok"]) == {"us-east-1"}, "phase 1 runs on the primary region only"
    assert boto("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Vpcs"]
    assert boto("rds").describe_db_clusters(DBClusterIdentifier=DB_CLUSTER)["DBClusters"]
    services = boto("ecs").describe_services(cluster=f"{NAME}-cluster", services=[f"{NAME}-app"])["services"]
    assert [s["status"] for s in services] == ["ACTIVE"]


# Phase 1's full plan on the converged platform costs as much as the apply (about 150 s): only with STORIES_SLOW_TESTS=1,
# to keep make test within its budget. Its input validation runs always (PLANS_INPUT_ONLY).
SLOW = os.environ.get("STORIES_SLOW_TESTS") == "1"


@pytest.fixture(scope="module")
def phase1_plan(restore_drill, job):
    if not SLOW:
        pytest.skip("phase 1's full plan after the apply takes about 150 s: set STORIES_SLOW_TESTS=1")
    return job("1001 Stories - Phase 1 (plan)")


# amazon.aws's elb_application_lb returns no ARN under --check and community.aws's elb_target_group does not run at all,
# so the compute role plans with placeholder ARNs even where the resources exist: its plan of a converged platform shows
# the ECS service and the request-count scaling policy changing, though nothing would (and nothing is called).
PLACEHOLDER_CHANGES = {
    "Ensure the service (private subnets, blue/green with automatic rollback)",
    "Ensure the scalable target and its target-tracking policies",
}


def _changed_tasks(job: Job) -> dict[str, dict]:
    return {
        e["event_data"]["task"]: e["event_data"]["res"].get("diff") or {}
        for e in job.result.events
        if e.get("event") == "runner_on_ok" and e["event_data"].get("res", {}).get("changed")
    }


def test_phase_1_plan_on_the_converged_platform_changes_nothing_in_aws(phase1, phase1_plan):
    assert phase1.succeeded()
    assert phase1_plan.succeeded(), _tail(phase1_plan)
    assert set(phase1_plan.result.stats["ok"]) == {"us-east-1"}
    assert "--check" in phase1_plan.result.config.command and "--diff" in phase1_plan.result.config.command
    assert phase1_plan.calls and changing_calls(phase1_plan.calls) == []
    changed = _changed_tasks(phase1_plan)
    assert set(changed) <= PLACEHOLDER_CHANGES, sorted(changed)
    for task, diff in changed.items():
        assert "0000000000000000" in json.dumps(diff.get("after")) and "0000000000000000" not in json.dumps(diff.get("before")), task


@pytest.mark.xfail(strict=True, reason="the compute role plans with placeholder ARNs under --check (PLACEHOLDER_CHANGES)")
def test_phase_1_plan_on_the_converged_platform_reports_no_change(phase1_plan):
    assert phase1_plan.changed() == {"us-east-1": 0}


@pytest.fixture(scope="module")
def restore_drill(phase1, job):
    if find_bin_dir() is None:
        pytest.fail("PostgreSQL 15 is needed: apt-get install postgresql-15, or set PG_BIN_DIR")
    with PostgresServer() as pg:
        pg.psql("CREATE ROLE stories_admin LOGIN; CREATE DATABASE stories_db OWNER stories_admin;")
        pg.psql(SCHEMA.read_text(), database="stories_db", user="stories_admin")
        # Survey: take a snapshot first (the new cluster has none yet). Launch-time variables (ask_variables_on_launch)
        # point the check at the PostgreSQL standing for the restored endpoint, which the emulator cannot serve.
        yield job(
            "1001 Stories - Restore drill",
            answers={"restore_drill_take_snapshot": "true"},
            extra_vars={"restore_drill_connect_host": "127.0.0.1", "restore_drill_connect_port": pg.port},
        )


def test_restore_drill_restores_checks_and_reports_to_awx(restore_drill, boto):
    assert restore_drill.succeeded(), _tail(restore_drill)
    artifacts = restore_drill.artifacts()
    assert artifacts.get("restore_drill_rto_met") is True, artifacts
    assert 0 < float(artifacts["restore_drill_seconds"]) < 3600
    assert sorted(c["DBClusterIdentifier"] for c in boto("rds").describe_db_clusters()["DBClusters"]) == [DB_CLUSTER]


def test_destroy_refuses_a_confirmation_naming_another_environment(restore_drill, job, boto):
    refused = job("1001 Stories - Destroy", answers={"destroy_confirm": "staging"})
    assert refused.result.status == "failed" and refused.result.rc != 0
    assert "set destroy_confirm=local (the environment name) to confirm" in refused.text, _tail(refused)
    assert refused.calls == []
    assert boto("rds").describe_db_clusters(DBClusterIdentifier=DB_CLUSTER)["DBClusters"]


def test_dr_failover_without_the_data_loss_confirmation_is_refused(restore_drill, job):
    refused = job("1001 Stories - DR failover", answers={"dr_target_region": "eu-west-1", "dr_mode": "failover"})
    assert refused.result.status == "failed"
    assert "set dr_confirm_data_loss=eu-west-1 to confirm" in refused.text, _tail(refused)
    assert refused.calls == []


def test_dr_failback_on_a_platform_never_failed_over_stops_before_changing_anything(restore_drill, job):
    stopped = job("1001 Stories - DR failback", answers={"dr_from_region": "eu-west-1"})
    assert stopped.result.status == "failed"
    assert "us-east-1 is not ready to take over: no global database stories1001-local-db-global" in stopped.text, _tail(stopped)
    assert changing_calls(stopped.calls) == []


PLANS_INPUT_ONLY = {
    "1001 Stories - Phase 1 (plan)": "Phase 1",
    "1001 Stories - Phase 2 (plan)": "Phase 2",
    "1001 Stories - Phase 3 (plan)": "Phase 3",
    "1001 Stories - Site (plan)": "Phase 3",
}


@pytest.mark.parametrize("name, phase", PLANS_INPUT_ONLY.items(), ids=PLANS_INPUT_ONLY.keys())
def test_plans_launched_with_tags_always_validate_every_regions_input(restore_drill, job, name, phase):
    """Launched with the tag ``always`` (ask_tags_on_launch): only each role's input validation, in every region. Under
    a tag, the include_role of check_input runs and validates the role's argument_specs, but the role's own assert
    tasks are untagged and do not run."""
    plan = job(name, tags="always")
    assert plan.succeeded(), _tail(plan)
    regions = {"us-east-1"} if phase == "Phase 1" else {"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2"}
    assert set(plan.result.stats["ok"]) == regions, plan.result.stats
    assert f"{phase} - check every role's input before any AWS call" in plan.output, "site.yml runs phase 3 in inventories/local"
    ran = [e["event_data"]["task"] for e in plan.result.events if e.get("event") == "runner_on_ok"]
    assert sum(task.startswith("Validating arguments against arg spec 'check_input'") for task in ran) >= 9, ran
    assert plan.calls == []


def test_migration_refuses_a_confirmation_naming_another_environment(restore_drill, job):
    """Run on the primary region's host (the emulator here has no Lightsail instance; tests/integration/test_migration.py
    runs the whole move on real PostgreSQL servers): refused before any call."""
    refused = job("1001 Stories - Migrate from Lightsail", answers={"migration_source_host": "us-east-1", "migration_confirm": "production"})
    assert refused.result.status == "failed"
    assert "migration_confirm must be the environment name (local) or empty for a rehearsal, got production" in refused.text, _tail(refused)
    assert refused.calls == []


def test_migration_rollback_refuses_a_confirmation_naming_another_environment(restore_drill, job):
    refused = job("1001 Stories - Migration rollback", answers={"migration_source_host": "us-east-1", "migration_confirm": "production"})
    assert refused.result.status == "failed"
    assert "migrate_rollback needs migration_confirm=local" in refused.text, _tail(refused)
    assert refused.calls == []


# The destroy of the platform, on the primary region (the limit: phase 1 builds nothing elsewhere).
PRIMARY = "us-east-1"
CONFIRMED = {"destroy_confirm": "local"}
CACHE_GROUP = "stories1001-local-redis"
CONTENT_BUCKET = f"{NAME}-content"


@pytest.fixture(scope="module")
def checked(restore_drill, job):
    """The platform's last jobs: destroy.yml --check on it (the Destroy template launched as a check job), and the calls
    it made."""
    result = job("1001 Stories - Destroy", answers=CONFIRMED, limit=PRIMARY, job_type="check")
    return result, result.calls


@pytest.fixture(scope="module")
def destroyed(checked, job):
    """The real run after the --check one, then a second real run."""
    first = job("1001 Stories - Destroy", answers=CONFIRMED, limit=PRIMARY)
    again = job("1001 Stories - Destroy", answers=CONFIRMED, limit=PRIMARY)
    return first, again


def test_check_destroy_plans_deletions_and_deletes_nothing(checked, boto):
    result, calls = checked
    assert result.rc == 0, _errors(result.output)
    recap = result.recap()
    assert recap["us-east-1"]["failed"] == 0 and recap["us-east-1"]["changed"] > 20, recap
    assert calls, "the check run made no AWS call at all"
    assert changing_calls(calls) == []
    assert boto("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Vpcs"]
    assert boto("rds").describe_db_clusters(DBClusterIdentifier=DB_CLUSTER)["DBClusters"]
    assert "check_mode: true" in result.output


def _errors(output: str) -> str:
    """The errors of a run (they may be far from its end), then its end."""
    lines = output.splitlines()
    marks = [i for i, line in enumerate(lines) if line.startswith(("[ERROR]", "fatal:"))]
    around = ["\n".join(lines[i : i + 12]) for i in marks[:5]]
    return "\n---\n".join(around + [output[-3000:]])


def _missing(call, *codes):
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["Error"]["Code"] in codes, error.value.response


def test_destroy_removes_the_platform_and_keeps_final_snapshots_and_content(destroyed, boto):
    first, _again = destroyed
    assert first.rc == 0, _errors(first.output)
    assert all(host["failed"] == 0 for host in first.recap().values()), first.recap()
    assert first.recap()["us-east-1"]["changed"] > 20, first.recap()

    assert boto("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["Vpcs"] == []
    _missing(lambda: boto("rds").describe_db_clusters(DBClusterIdentifier=DB_CLUSTER), "DBClusterNotFoundFault")
    assert [i for i in boto("rds").describe_db_instances()["DBInstances"] if i.get("DBClusterIdentifier") == DB_CLUSTER] == []
    _missing(lambda: boto("elasticache").describe_replication_groups(ReplicationGroupId=CACHE_GROUP), "ReplicationGroupNotFoundFault")
    assert [lb for lb in boto("elbv2").describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == f"{NAME}-alb"] == []
    clusters = boto("ecs").describe_clusters(clusters=[f"{NAME}-cluster"])["clusters"]
    assert [c for c in clusters if c["status"] != "INACTIVE"] == []
    services = boto("ecs").describe_services(cluster=f"{NAME}-cluster", services=[f"{NAME}-app"])["services"]
    assert [s for s in services if s["status"] != "INACTIVE"] == []
    distributions = boto("cloudfront").list_distributions()["DistributionList"].get("Items", [])
    assert [d for d in distributions if d["Comment"] == NAME] == []
    assert boto("cloudwatch").describe_alarms(AlarmNamePrefix=f"{NAME}-")["MetricAlarms"] == []
    assert [t for t in boto("sns").list_topics()["Topics"] if f":{NAME}-" in t["TopicArn"]] == []

    db_snapshot = boto("rds").describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=f"{DB_CLUSTER}-final")["DBClusterSnapshots"]
    assert [s["DBClusterIdentifier"] for s in db_snapshot] == [DB_CLUSTER]
    cache_snapshot = boto("elasticache").describe_snapshots(SnapshotName=f"{CACHE_GROUP}-final")["Snapshots"]
    assert [s["ReplicationGroupId"] for s in cache_snapshot] == [CACHE_GROUP]
    boto("s3").head_bucket(Bucket=CONTENT_BUCKET)

    summary = " ".join(first.output.split())
    assert f"{DB_CLUSTER}-final" in summary and f"{CACHE_GROUP}-final" in summary
    assert f"cluster {DB_CLUSTER}" in summary and f"distribution {NAME}" in summary


def test_destroy_again_changes_nothing(destroyed):
    _first, again = destroyed
    assert again.rc == 0, _errors(again.output)
    recap = again.recap()
    assert recap and all(host["changed"] == 0 and host["failed"] == 0 for host in recap.values()), recap


def test_every_job_template_is_launched_by_an_integration_test():
    """Each template of awx/templates.yml is launched (awx_jobs.Job) by this module or another one: the DR templates
    by test_dr_drill.py (with the Phase 3 template), the migration's by test_migration.py, phase 2's by
    test_network_role.py."""
    sources = "\n".join(path.read_text() for path in (REPO / "tests" / "integration").glob("test_*.py"))
    named = set(re.findall(r'"(1001 Stories - [^"]+)"', sources))
    assert set(TEMPLATES) <= named, sorted(set(TEMPLATES) - named)
