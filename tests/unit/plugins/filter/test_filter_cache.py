import pytest

from ansible_collections.stories1001.infra.plugins.filter.cache import cache_input_errors, node_type_exists

PHASE_1 = {
    "cache_replication_group_id": "stories1001-production-redis",
    "cache_auth_token": None,
    "cache_node_type": "cache.t3.medium",
    "cache_cluster_mode": False,
    "cache_shards": 1,
    "cache_replicas_per_shard": 1,
    "cache_multi_az": True,
    "cache_primary_region": "us-east-1",
    "cache_secondary_regions": [],
}
PHASE_3 = dict(PHASE_1, cache_node_type="cache.r6g.2xlarge", cache_cluster_mode=True, cache_shards=3, cache_replicas_per_shard=2,
               cache_secondary_regions=["eu-west-1", "ap-southeast-1"])


@pytest.mark.parametrize("settings", [PHASE_1, PHASE_3], ids=["phase 1", "phase 3"])
def test_seed_settings_are_valid(settings):
    assert cache_input_errors(settings) == []


@pytest.mark.parametrize("node_type, exists", [("cache.t3.medium", True), ("cache.r6g.2xlarge", True), ("cache.r6g.3xlarge", False),
                                               ("cache.t3.large", False), ("r6g.large", False), ("cache.r6gd.large", False)])
def test_node_type_exists(node_type, exists):
    assert node_type_exists(node_type) is exists


@pytest.mark.parametrize(
    "change, variable, words",
    [
        ({"cache_replication_group_id": "s" * 41}, "cache_replication_group_id", "41 characters; ElastiCache allows 1 to 40"),
        ({"cache_replication_group_id": "stories_1001"}, "cache_replication_group_id", "letters, digits and hyphens"),
        ({"cache_replication_group_id": "1001-stories-redis"}, "cache_replication_group_id", "begin with a letter"),
        ({"cache_auth_token": "short-token-1234"[:15]}, "cache_auth_token", "15 characters"),
        ({"cache_auth_token": "a" * 20 + "@"}, "cache_auth_token", "other than space, @"),
        ({"cache_auth_token": "a" * 20 + "%"}, "cache_auth_token", "and %"),
        ({"cache_node_type": "cache.t3.huge"}, "cache_node_type", "not an ElastiCache node type"),
        ({"cache_cluster_mode": True, "cache_shards": 1, "cache_replicas_per_shard": 0}, "cache_replicas_per_shard", "cluster mode with 1 shard"),
        ({"cache_replicas_per_shard": 0}, "cache_replicas_per_shard", "Multi-AZ needs at least one replica"),
        ({"cache_shards": 3}, "cache_shards", "need cache_cluster_mode"),
        ({"cache_secondary_regions": ["us-east-1"]}, "cache_secondary_regions", "us-east-1 is the primary region"),
    ],
)
def test_each_bad_input_names_its_variable(change, variable, words):
    errors = cache_input_errors(dict(PHASE_1, **change))
    assert any(e.startswith(variable + ":") and words in e for e in errors), errors
