"""The DR runbook on the emulator: the writer and the cache primary move to eu-west-1 and back, refused input, readiness.

The drill runs as the platform team runs it in AWX (awx_jobs.Job): the Phase 3 job template launched with a limit, tags
and variables, then the DR failover and DR failback templates with their surveys answered."""

import pytest

from aws_harness import changing_calls, play_calls

PREFIX = "1001-stories-local"
ID = "stories1001-local"
# Phase 3 as launched here: the primary and eu-west-1 (the limit), their network, database and cache (the tags), the
# global database's and datastore's secondary in eu-west-1 only (launch-time variables).
PAIR = {
    "limit": "us-east-1,eu-west-1",
    "tags": "network,database,cache",
    "extra_vars": {"database_secondary_regions": ["eu-west-1"], "cache_secondary_regions": ["eu-west-1"]},
}


@pytest.fixture(scope="module")
def phase3_pair(emulator, launch):
    """Phase 3's global database and datastore over us-east-1 and eu-west-1 (network, database and cache only), and the app in eu-west-1."""
    emulator.reset()
    built = launch("1001 Stories - Phase 3", **PAIR)
    assert built.succeeded(), built.output[-6000:]
    assert set(built.recap()) == {"us-east-1", "eu-west-1"}, built.recap()
    return built


def _state(boto):
    rds = boto("rds")
    members = rds.describe_global_clusters(GlobalClusterIdentifier=f"{ID}-db-global")["GlobalClusters"][0]["GlobalClusterMembers"]
    writer = next(member["DBClusterArn"] for member in members if member["IsWriter"])
    groups = boto("elasticache").describe_global_replication_groups(ShowMemberInfo=True)["GlobalReplicationGroups"]
    primary = next(member["ReplicationGroupRegion"] for member in groups[0]["Members"] if member["Role"] == "PRIMARY")
    return writer.split(":")[3], primary


def _app_in(boto, region):
    ecs = boto("ecs", region)
    ecs.create_cluster(clusterName=f"{PREFIX}-cluster")
    ecs.register_task_definition(family=f"{PREFIX}-app", containerDefinitions=[{"name": "app", "image": "app:1", "memory": 512}])
    ecs.create_service(cluster=f"{PREFIX}-cluster", serviceName=f"{PREFIX}-app", taskDefinition=f"{PREFIX}-app", desiredCount=0)
    return boto("sns", region).create_topic(Name=f"{PREFIX}-critical-alerts")["TopicArn"]


def _scalable(boto, region):
    targets = boto("application-autoscaling", region).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    return [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets]


def test_switchover_drill_moves_writer_and_cache_primary_to_eu_west_1_and_back(phase3_pair, emulator, launch, boto):
    assert _state(boto) == ("us-east-1", "us-east-1")
    _app_in(boto, "eu-west-1")
    _app_in(boto, "us-east-1")

    over = launch("1001 Stories - DR failover", answers={"dr_target_region": "eu-west-1"})
    assert over.succeeded(), over.output[-6000:]
    assert over.extravars["dr_mode"] == "switchover", "the survey's default"
    assert "eu-west-1 is ready" in " ".join(over.output.split())
    assert _state(boto) == ("eu-west-1", "eu-west-1")
    assert _scalable(boto, "eu-west-1") == [(f"service/{PREFIX}-cluster/{PREFIX}-app", 5, 40)]
    published = [c for c in over.calls if c["operation"] == "Publish"]
    assert [c["region"] for c in published] == ["eu-west-1"], published
    # The origin name: the routing role ran with eu-west-1 as the primary (the zone exists now).
    assert any(z["Name"] == "local.1001stories.org." for z in boto("route53").list_hosted_zones()["HostedZones"])

    again = launch("1001 Stories - DR failover", answers={"dr_target_region": "eu-west-1"})
    assert again.succeeded(), again.output[-6000:]
    assert again.recap()["eu-west-1"]["changed"] == 0, again.output[-4000:]

    back = launch("1001 Stories - DR failback", answers={"dr_from_region": "eu-west-1"})
    assert back.succeeded(), back.output[-6000:]
    assert _state(boto) == ("us-east-1", "us-east-1")
    # eu-west-1 returns to a phase 3 secondary's size (2 to 20).
    assert _scalable(boto, "eu-west-1") == [(f"service/{PREFIX}-cluster/{PREFIX}-app", 2, 20)]


def test_a_region_outside_the_global_database_is_not_ready(phase3_pair, emulator, run):
    emulator.clear_calls()
    result = run("ansible-playbook", "playbooks/dr_failover.yml", "-e", "dr_target_region=ap-southeast-1")
    assert result.rc != 0
    text = " ".join(result.output.split())
    assert "ap-southeast-1 is not ready to take over" in text and f"no cluster {ID}-db in ap-southeast-1" in text, text[-3000:]
    assert changing_calls(emulator.calls()) == []


REFUSED = {
    "failover without confirmation": (["-e", "dr_target_region=eu-west-1", "-e", "dr_mode=failover"], "set dr_confirm_data_loss=eu-west-1 to confirm"),
    "confirmation naming another region": (
        ["-e", "dr_target_region=eu-west-1", "-e", "dr_mode=failover", "-e", "dr_confirm_data_loss=us-west-2"],
        "set dr_confirm_data_loss=eu-west-1 to confirm",
    ),
    "unknown region": (["-e", "dr_target_region=eu-central-1"], "dr_target_region: 'eu-central-1' is not one of the platform's regions"),
    # The role's argument_specs refuse it first, naming the variable and what is allowed.
    "unknown mode": (["-e", "dr_target_region=eu-west-1", "-e", "dr_mode=panic"], "value of dr_mode must be one of: switchover, failover, got: panic"),
    "no target": ([], "dr_target_region: '' is not one of the platform's regions"),
}


@pytest.mark.parametrize("arguments, message", REFUSED.values(), ids=REFUSED.keys())
def test_dr_input_is_refused_before_any_aws_call(aws, run, arguments, message):
    result = run("ansible-playbook", "playbooks/dr_failover.yml", *arguments)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []


def test_failback_needs_the_region_that_took_over(aws, run):
    result = run("ansible-playbook", "playbooks/dr_failback.yml", "-e", "dr_from_region=us-east-1")
    assert result.rc != 0
    assert 'dr_from_region: "us-east-1" must be the region that took over' in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []
