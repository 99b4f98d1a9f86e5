"""playbooks/destroy.yml on the emulator: refused without the environment's name, --check deletes nothing, the real run
removes phase 1 in reverse order keeping the final snapshots and the content bucket, and a re-run changes nothing.

Phase 1 is built once for the module (it is the slow part); the --check run goes first on it, then the real runs.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from aws_harness import changing_calls, play_calls

NAME = "1001-stories-local"
# Phase 1 builds only the primary region; the other region hosts would only add empty passes.
PRIMARY_ONLY = {"destroy_confirm": "local", "destroy_hosts": "primary"}
DB_CLUSTER = "stories1001-local-db"
CACHE_GROUP = "stories1001-local-redis"
CONTENT_BUCKET = f"{NAME}-content"

REFUSED = {
    "no confirmation": ({}, "set destroy_confirm=local (the environment name) to confirm"),
    "another environment's name": ({"destroy_confirm": "staging"}, "set destroy_confirm=local (the environment name) to confirm"),
    "production confirmed with another name": (
        {"platform_environment": "production", "destroy_confirm": "local"},
        "set destroy_confirm=production (the environment name) to confirm; production also needs destroy_production=true",
    ),
    "production named but not confirmed as production": (
        {"platform_environment": "production", "destroy_confirm": "production"},
        "production also needs destroy_production=true",
    ),
}


@pytest.mark.parametrize("extra_vars, message", REFUSED.values(), ids=REFUSED.keys())
def test_refused_before_any_aws_call(emulator, run, extra_vars, message):
    # No reset: the module's built platform may already be there, and must stay.
    emulator.clear_calls()
    result = run("ansible-playbook", "playbooks/destroy.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(emulator.calls()) == []


@pytest.fixture(scope="module")
def built(emulator, run):
    emulator.reset()
    result = run("ansible-playbook", "playbooks/phase1.yml")
    assert result.rc == 0, result.output[-6000:]
    return emulator


@pytest.fixture(scope="module")
def checked(built, run):
    """destroy.yml --check on the built platform, and the calls it made."""
    built.clear_calls()
    result = run("ansible-playbook", "playbooks/destroy.yml", "--check", extra_vars=PRIMARY_ONLY)
    return result, play_calls(built.calls())


@pytest.fixture(scope="module")
def destroyed(checked, built, run):
    """The real run after the --check one, then a second real run."""
    first = run("ansible-playbook", "playbooks/destroy.yml", extra_vars=PRIMARY_ONLY)
    again = run("ansible-playbook", "playbooks/destroy.yml", extra_vars=PRIMARY_ONLY)
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
