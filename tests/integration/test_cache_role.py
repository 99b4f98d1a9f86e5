"""The cache role end to end on the emulator: phase 1, then the phase 3 global datastore, the failover drill, refused input."""

import pytest

from aws_harness import play_calls


def test_molecule_cache_scenario(aws, run):
    """prepare (network in 3 regions, phase 1 checked), converge phase 3, idempotence, verify, side_effect (failover drill)."""
    result = run("molecule", "test", "--scenario-name", "cache")
    assert result.rc == 0, result.output[-8000:]
    for step in ("prepare", "converge", "idempotence", "verify", "side_effect"):
        assert f"{step}: Executed: Successful" in result.output, step


BAD_INPUT = {
    "replication group id over 40 characters": (
        {"cache_replication_group_id": "stories1001-production-redis-with-a-long-name"},
        "cache_replication_group_id: 'stories1001-production-redis-with-a-long-name' has 45 characters; ElastiCache allows 1 to 40",
    ),
    "replication group id with invalid characters": (
        {"cache_replication_group_id": "stories_1001.redis"},
        "cache_replication_group_id: 'stories_1001.redis' must be letters, digits and hyphens",
    ),
    "AUTH token shorter than 16 characters": (
        {"cache_auth_token": "too-short-token"},
        "cache_auth_token: has 15 characters; AUTH tokens need 16 to 128",
    ),
    "cluster mode with one shard and no replicas where Multi-AZ is asked": (
        {"cache_cluster_mode": True, "cache_shards": 1, "cache_replicas_per_shard": 0, "cache_multi_az": True},
        "cache_replicas_per_shard: 0 with cache_multi_az true (cluster mode with 1 shard)",
    ),
    "node type that does not exist": (
        {"cache_node_type": "cache.t3.huge"},
        "cache_node_type: cache.t3.huge is not an ElastiCache node type",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_cache_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []


def test_a_given_auth_token_never_reaches_the_output(aws, run):
    token = "given-token-" + "x" * 20
    result = run("ansible-playbook", "playbooks/phase1.yml", "-vvv", extra_vars={"cache_auth_token": token, "cache_node_type": "cache.t3.huge"})
    assert result.rc != 0
    assert token not in result.output
