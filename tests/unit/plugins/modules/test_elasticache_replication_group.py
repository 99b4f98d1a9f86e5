# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""elasticache_replication_group driven through main() against a real botocore ElastiCache client with a
Stubber: every request is validated against the ElastiCache service model, and any call not queued fails."""

import copy
import json

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.module_utils import _elasticache
from ansible_collections.stories1001.infra.plugins.modules import elasticache_replication_group as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

RG_ID = "stories1001-production-redis"
RG_ARN = f"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:{RG_ID}"
KMS_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
SG = "sg-0123456789abcdef0"
SUBNET_GROUP = "stories1001-production-cache"
PARAMETER_GROUP = "stories1001-production-redis-redis7"
GLOBAL_ID = "ldgnf-stories1001-production-redis"
TOKEN = "Sixteen-chars-or-more-0123"
SLOW_LOG_GROUP = f"/aws/elasticache/{RG_ID}/slow-log"
TAGS = {"Project": "stories1001", "Environment": "production", "Component": "cache"}
DESCRIBE = {"ReplicationGroupId": RG_ID}
SLOW_LOG = dict(log_type="slow-log", destination_type="cloudwatch-logs", destination=SLOW_LOG_GROUP, log_format="json")

# The phase 1 task: everything the group built by aws_group() has.
PHASE1 = dict(
    description="1001 Stories app cache",
    engine="redis",
    engine_version="7.1",
    node_type="cache.t3.medium",
    num_cache_clusters=2,
    automatic_failover=True,
    multi_az=True,
    cache_subnet_group_name=SUBNET_GROUP,
    security_group_ids=[SG],
    cache_parameter_group_name=PARAMETER_GROUP,
    port=6379,
    at_rest_encryption=True,
    kms_key_id=KMS_ARN,
    transit_encryption=True,
    transit_encryption_mode="required",
    auth_token=TOKEN,
    snapshot_retention_limit=5,
    snapshot_window="05:00-06:00",
    maintenance_window="sun:06:30-sun:07:30",
    log_delivery=[SLOW_LOG],
    auto_minor_version_upgrade=True,
    tags=TAGS,
)
# Phase 3: cluster mode, 3 shards x 2 replicas.
PHASE3 = dict(
    PHASE1,
    node_type="cache.r6g.2xlarge",
    cluster_mode="enabled",
    num_node_groups=3,
    replicas_per_node_group=2,
    num_cache_clusters=None,
    cache_parameter_group_name="default.redis7.cluster.on",
)


def endpoint(address, port=6379):
    return {"Address": address, "Port": port}


def aws_node_group(shard, replicas, cluster):
    node_group_id = f"{shard:04d}"
    prefix = f"{RG_ID}-{node_group_id}" if cluster else RG_ID
    members = []
    for node in range(replicas + 1):
        member = {
            "CacheClusterId": f"{prefix}-{node + 1:03d}",
            "CacheNodeId": "0001",
            "PreferredAvailabilityZone": ("us-east-1a", "us-east-1b", "us-east-1c")[node % 3],
        }
        if not cluster:
            member["ReadEndpoint"] = endpoint(f"{prefix}-{node + 1:03d}.abc123.0001.use1.cache.amazonaws.com")
            member["CurrentRole"] = "primary" if node == 0 else "replica"
        members.append(member)
    node_group = {"NodeGroupId": node_group_id, "Status": "available", "NodeGroupMembers": members}
    if cluster:
        node_group["Slots"] = "0-5461"
    else:
        node_group["PrimaryEndpoint"] = endpoint(f"master.{RG_ID}.abc123.use1.cache.amazonaws.com")
        node_group["ReaderEndpoint"] = endpoint(f"replica.{RG_ID}.abc123.use1.cache.amazonaws.com")
    return node_group


def aws_group(shards=1, replicas=1, cluster=False, replica_counts=None, **overrides):
    """A DescribeReplicationGroups entry as AWS returns it (phase 1 by default)."""
    counts = replica_counts or [replicas] * shards
    node_groups = [aws_node_group(shard, count, cluster) for shard, count in enumerate(counts, start=1)]
    group = {
        "ReplicationGroupId": RG_ID,
        "Description": "1001 Stories app cache",
        "Status": "available",
        "PendingModifiedValues": {},
        "MemberClusters": [
            member["CacheClusterId"] for node_group in node_groups for member in node_group["NodeGroupMembers"]
        ],
        "NodeGroups": node_groups,
        "AutomaticFailover": "enabled",
        "MultiAZ": "enabled",
        "SnapshotRetentionLimit": 5,
        "SnapshotWindow": "05:00-06:00",
        "ClusterEnabled": cluster,
        "ClusterMode": "enabled" if cluster else "disabled",
        "CacheNodeType": "cache.r6g.2xlarge" if cluster else "cache.t3.medium",
        "AuthTokenEnabled": True,
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": KMS_ARN,
        "ARN": RG_ARN,
        "LogDeliveryConfigurations": [
            {
                "LogType": "slow-log",
                "DestinationType": "cloudwatch-logs",
                "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": SLOW_LOG_GROUP}},
                "LogFormat": "json",
                "Status": "active",
            }
        ],
        "AutoMinorVersionUpgrade": True,
        "Engine": "redis",
    }
    if cluster:
        group["ConfigurationEndpoint"] = endpoint(f"clustercfg.{RG_ID}.abc123.use1.cache.amazonaws.com")
    group.update(overrides)
    return group


def aws_cache_cluster(group, **overrides):
    """The DescribeCacheClusters entry of the group's first member."""
    cluster = {
        "CacheClusterId": sorted(group["MemberClusters"])[0],
        "ReplicationGroupId": RG_ID,
        "CacheNodeType": group.get("CacheNodeType", "cache.t3.medium"),
        "Engine": group.get("Engine", "redis"),
        "EngineVersion": "7.1.0",
        "CacheClusterStatus": "available",
        "NumCacheNodes": 1,
        "PreferredMaintenanceWindow": "sun:06:30-sun:07:30",
        "CacheParameterGroup": {"CacheParameterGroupName": PARAMETER_GROUP, "ParameterApplyStatus": "in-sync"},
        "CacheSubnetGroupName": SUBNET_GROUP,
        "SecurityGroups": [{"SecurityGroupId": SG, "Status": "active"}],
    }
    cluster.update(overrides)
    return cluster


def aws_tags(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    # The waiters poll every WAIT_DELAY seconds; AWSRetry sleeps through time.sleep between retries.
    monkeypatch.setattr(_elasticache, "WAIT_DELAY", 0)
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubber = stubber_fixture("elasticache")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run the module's main() with the given options; returns its JSON result, with the operations sent
    outside waiters in result["_sent"].

    Also checks that every operation sent outside a waiter went through the client's retry decorator
    (was called with aws_retry=True); the waiters retry on throttling by their own acceptors."""
    stubbed = StubbedModule(
        module_under_test.main, "elasticache", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys, outside_waiters=True
    )

    def _run(args, check_mode=False):
        module_args = aws_args(replication_group_id=RG_ID)
        module_args.update({key: value for key, value in args.items() if value is not None})
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_read(stub, group, cluster=None, tags=None):
    """The three calls that read a group: the group, its first member, its tags."""
    stub.add_response("describe_replication_groups", {"ReplicationGroups": [group]}, DESCRIBE)
    first = sorted(group.get("MemberClusters") or [])
    if first:
        cluster = cluster or aws_cache_cluster(group)
        stub.add_response(
            "describe_cache_clusters",
            {"CacheClusters": [cluster]},
            {"CacheClusterId": first[0], "ShowCacheNodeInfo": False},
        )
    stub.add_response(
        "list_tags_for_resource", {"TagList": aws_tags(TAGS if tags is None else tags)}, {"ResourceName": group["ARN"]}
    )


def expect_missing(stub):
    stub.add_client_error(
        "describe_replication_groups", "ReplicationGroupNotFoundFault", "not found", 404, expected_params=DESCRIBE
    )


def expect_polls(stub, *groups):
    """Waiter polls (DescribeReplicationGroups), one per group given."""
    for group in groups:
        stub.add_response("describe_replication_groups", {"ReplicationGroups": [group]}, DESCRIBE)


def writes(result):
    return [operation for operation in result["_sent"] if not operation.startswith(("describe_", "list_"))]


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


# --- present: create ----------------------------------------------------------------------------


CREATE_PHASE1 = {
    "ReplicationGroupId": RG_ID,
    "ReplicationGroupDescription": "1001 Stories app cache",
    "Engine": "redis",
    "EngineVersion": "7.1",
    "CacheNodeType": "cache.t3.medium",
    "CacheParameterGroupName": PARAMETER_GROUP,
    "AtRestEncryptionEnabled": True,
    "KmsKeyId": KMS_ARN,
    "TransitEncryptionEnabled": True,
    "TransitEncryptionMode": "required",
    "AuthToken": TOKEN,
    "MultiAZEnabled": True,
    "AutomaticFailoverEnabled": True,
    "NumCacheClusters": 2,
    "CacheSubnetGroupName": SUBNET_GROUP,
    "SecurityGroupIds": [SG],
    "Port": 6379,
    "SnapshotRetentionLimit": 5,
    "SnapshotWindow": "05:00-06:00",
    "PreferredMaintenanceWindow": "sun:06:30-sun:07:30",
    "AutoMinorVersionUpgrade": True,
    "LogDeliveryConfigurations": [
        {
            "LogType": "slow-log",
            "DestinationType": "cloudwatch-logs",
            "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": SLOW_LOG_GROUP}},
            "LogFormat": "json",
            "Enabled": True,
        }
    ],
    "Tags": aws_tags(TAGS),
}


def test_create_cluster_mode_disabled(stubber, run):
    expect_missing(stubber)
    creating = aws_group(Status="creating", NodeGroups=[], MemberClusters=[])
    stubber.add_response("create_replication_group", {"ReplicationGroup": creating}, CREATE_PHASE1)
    expect_polls(stubber, creating, aws_group())
    expect_read(stubber, aws_group())

    result = run(PHASE1)

    assert result["changed"] is True
    assert writes(result) == ["create_replication_group"]
    group = result["replication_group"]
    assert group["status"] == "available"
    assert group["cluster_mode"] == "disabled"
    assert group["num_cache_clusters"] == 2
    assert group["replicas_per_node_group"] == 1
    assert group["engine_version"] == "7.1.0"
    assert group["security_group_ids"] == [SG]
    assert group["port"] == 6379
    assert group["log_delivery"] == [dict(SLOW_LOG, status="active")]
    assert group["tags"] == TAGS
    assert group["auth_token_enabled"] is True
    assert not [
        key
        for key in group
        if key.startswith("auth_token") and key not in ("auth_token_enabled", "auth_token_last_modified_date")
    ]
    assert result["diff"]["before"] == {}


def test_create_cluster_mode_disabled_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)

    result = run(PHASE1, check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    group = result["replication_group"]
    assert group["status"] == "creating"
    assert group["cluster_mode"] == "disabled"
    assert group["num_cache_clusters"] == 2
    assert group["replicas_per_node_group"] == 1
    assert group["multi_az"] == "enabled"
    assert group["automatic_failover"] == "enabled"
    assert group["auth_token_enabled"] is True
    assert group["preferred_maintenance_window"] == "sun:06:30-sun:07:30"
    assert group["log_delivery"] == [SLOW_LOG]
    assert group["tags"] == TAGS
    assert "auth_token" not in group
    assert result["diff"] == {"before": {}, "after": group}


def test_create_cluster_mode_enabled(stubber, run):
    expect_missing(stubber)
    expected = dict(
        CREATE_PHASE1,
        CacheNodeType="cache.r6g.2xlarge",
        CacheParameterGroupName="default.redis7.cluster.on",
        ClusterMode="enabled",
        NumNodeGroups=3,
        ReplicasPerNodeGroup=2,
    )
    del expected["NumCacheClusters"]
    created = aws_group(shards=3, replicas=2, cluster=True)
    stubber.add_response("create_replication_group", {"ReplicationGroup": dict(created, Status="creating")}, expected)
    expect_polls(stubber, dict(created, Status="creating"), created)
    expect_read(
        stubber,
        created,
        aws_cache_cluster(created, CacheParameterGroup={"CacheParameterGroupName": "default.redis7.cluster.on"}),
    )

    result = run(PHASE3)

    assert result["changed"] is True
    group = result["replication_group"]
    assert group["cluster_mode"] == "enabled"
    assert group["num_node_groups"] == 3
    assert group["replicas_per_node_group"] == 2
    assert group["replica_counts"] == {"0001": 2, "0002": 2, "0003": 2}
    assert group["num_cache_clusters"] == 9
    assert group["configuration_endpoint"]["address"].startswith("clustercfg.")


def test_create_cluster_mode_enabled_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)

    result = run(PHASE3, check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    group = result["replication_group"]
    assert group["cluster_mode"] == "enabled"
    assert group["num_node_groups"] == 3
    assert group["replica_counts"] == {"0001": 2, "0002": 2, "0003": 2}
    assert group["num_cache_clusters"] == 9
    assert group["cache_node_type"] == "cache.r6g.2xlarge"


def test_create_without_wait_returns_the_answer_of_the_create(stubber, run):
    expect_missing(stubber)
    creating = aws_group(Status="creating", NodeGroups=[], MemberClusters=[])
    expected = {
        "ReplicationGroupId": RG_ID,
        "ReplicationGroupDescription": "staging",
        "CacheNodeType": "cache.t3.medium",
        "SnapshotArns": ["arn:aws:s3:::stories1001-staging-migration/redis/dump.rdb"],
        "NumCacheClusters": 1,
    }
    stubber.add_response("create_replication_group", {"ReplicationGroup": creating}, expected)

    result = run(
        dict(
            description="staging",
            node_type="cache.t3.medium",
            num_cache_clusters=1,
            snapshot_arns=["arn:aws:s3:::stories1001-staging-migration/redis/dump.rdb"],
            wait=False,
        )
    )

    assert result["changed"] is True
    assert result["replication_group"]["status"] == "creating"
    assert result["replication_group"]["tags"] == {}


def test_create_needs_a_description(stubber, run):
    expect_missing(stubber)

    result = run(dict(node_type="cache.t3.medium"))

    assert result["failed"] is True
    assert "description is required" in result["msg"]
    assert writes(result) == []


def test_create_secondary_member_sends_only_regional_settings(stubber, run):
    expect_missing(stubber)
    expected = {
        "ReplicationGroupId": RG_ID,
        "ReplicationGroupDescription": "1001 Stories app cache",
        "GlobalReplicationGroupId": GLOBAL_ID,
        "NumCacheClusters": 2,
        "CacheSubnetGroupName": SUBNET_GROUP,
        "SecurityGroupIds": [SG],
        "Port": 6379,
        "SnapshotRetentionLimit": 5,
        "SnapshotWindow": "05:00-06:00",
        "PreferredMaintenanceWindow": "sun:06:30-sun:07:30",
        "AutoMinorVersionUpgrade": True,
        "LogDeliveryConfigurations": CREATE_PHASE1["LogDeliveryConfigurations"],
        "Tags": aws_tags(TAGS),
    }
    member = aws_group(
        GlobalReplicationGroupInfo={
            "GlobalReplicationGroupId": GLOBAL_ID,
            "GlobalReplicationGroupMemberRole": "SECONDARY",
        }
    )
    stubber.add_response("create_replication_group", {"ReplicationGroup": dict(member, Status="creating")}, expected)
    expect_polls(stubber, member)
    expect_read(stubber, member)

    # The phase 1 options as the role passes them: engine, size, encryption and AUTH are the global datastore's.
    result = run(dict(PHASE1, global_replication_group_id=GLOBAL_ID))

    assert result["changed"] is True
    assert result["replication_group"]["global_replication_group_id"] == GLOBAL_ID
    assert result["replication_group"]["global_replication_group_member_role"] == "SECONDARY"


def test_create_secondary_member_check_mode(stubber, run):
    expect_missing(stubber)

    result = run(
        dict(
            description="eu-west-1",
            global_replication_group_id=GLOBAL_ID,
            replicas_per_node_group=1,
            node_type="cache.r6g.xlarge",
        ),
        check_mode=True,
    )

    assert result["changed"] is True
    group = result["replication_group"]
    assert group["global_replication_group_member_role"] == "SECONDARY"
    assert group["replicas_per_node_group"] == 1
    assert "cache_node_type" not in group
    assert "engine" not in group


# --- present: existing, unchanged ---------------------------------------------------------------


def test_unchanged_makes_no_write_call(stubber, run):
    expect_read(stubber, aws_group())

    result = run(PHASE1)

    assert result["changed"] is False
    assert writes(result) == []
    assert result["diff"]["before"] == result["diff"]["after"]
    # A token without an update strategy is not compared: AWS never shows the one in use.
    assert not warnings_of(result)


def test_unchanged_cluster_mode_enabled(stubber, run):
    group = aws_group(shards=3, replicas=2, cluster=True)
    expect_read(
        stubber,
        group,
        aws_cache_cluster(group, CacheParameterGroup={"CacheParameterGroupName": "default.redis7.cluster.on"}),
    )

    result = run(PHASE3)

    assert result["changed"] is False
    assert writes(result) == []


def test_unchanged_with_options_given_differently(stubber, run):
    # Upper-case maintenance window, a major-only version, security groups repeated, a KMS key id for its ARN.
    expect_read(stubber, aws_group())

    result = run(
        dict(
            maintenance_window="SUN:06:30-SUN:07:30",
            engine_version="7",
            security_group_ids=[SG, SG],
            kms_key_id="00000000-0000-0000-0000-000000000000",
            at_rest_encryption=True,
            replicas_per_node_group=1,
        )
    )

    assert result["changed"] is False


def test_unset_options_are_left_alone(stubber, run):
    expect_read(stubber, aws_group())

    result = run({})

    assert result["changed"] is False
    assert result["replication_group"]["tags"] == TAGS


# --- present: modifications ---------------------------------------------------------------------


MODIFICATIONS = [
    (
        "node type",
        dict(node_type="cache.m6g.large"),
        dict(CacheNodeType="cache.m6g.large"),
        dict(CacheNodeType="cache.m6g.large"),
        {},
    ),
    (
        "parameter group",
        dict(cache_parameter_group_name="stories1001-production-redis-lru"),
        dict(CacheParameterGroupName="stories1001-production-redis-lru"),
        {},
        dict(CacheParameterGroup={"CacheParameterGroupName": "stories1001-production-redis-lru"}),
    ),
    (
        "maintenance window",
        dict(maintenance_window="Mon:03:00-Mon:04:00"),
        dict(PreferredMaintenanceWindow="mon:03:00-mon:04:00"),
        {},
        dict(PreferredMaintenanceWindow="mon:03:00-mon:04:00"),
    ),
    (
        "snapshot window",
        dict(snapshot_window="04:00-05:00"),
        dict(SnapshotWindow="04:00-05:00"),
        dict(SnapshotWindow="04:00-05:00"),
        {},
    ),
    (
        "snapshot retention",
        dict(snapshot_retention_limit=7),
        dict(SnapshotRetentionLimit=7),
        dict(SnapshotRetentionLimit=7),
        {},
    ),
    (
        "security groups",
        dict(security_group_ids=[SG, "sg-0aaaaaaaaaaaaaaaa"]),
        dict(SecurityGroupIds=[SG, "sg-0aaaaaaaaaaaaaaaa"]),
        {},
        dict(SecurityGroups=[{"SecurityGroupId": SG}, {"SecurityGroupId": "sg-0aaaaaaaaaaaaaaaa"}]),
    ),
    (
        "multi-az off",
        dict(multi_az=False),
        dict(MultiAZEnabled=False),
        dict(MultiAZ="disabled"),
        {},
    ),
    (
        "automatic failover and multi-az off",
        dict(multi_az=False, automatic_failover=False),
        dict(AutomaticFailoverEnabled=False, MultiAZEnabled=False),
        dict(MultiAZ="disabled", AutomaticFailover="disabled"),
        {},
    ),
    ("description", dict(description="new"), dict(ReplicationGroupDescription="new"), dict(Description="new"), {}),
    (
        "minor version upgrades",
        dict(auto_minor_version_upgrade=False),
        dict(AutoMinorVersionUpgrade=False),
        dict(AutoMinorVersionUpgrade=False),
        {},
    ),
    (
        "log format and new engine log",
        dict(
            log_delivery=[
                dict(SLOW_LOG, log_format="text"),
                dict(log_type="engine-log", destination_type="kinesis-firehose", destination="redis-engine"),
            ]
        ),
        dict(
            LogDeliveryConfigurations=[
                {
                    "LogType": "engine-log",
                    "DestinationType": "kinesis-firehose",
                    "DestinationDetails": {"KinesisFirehoseDetails": {"DeliveryStream": "redis-engine"}},
                    "LogFormat": "json",
                    "Enabled": True,
                },
                {
                    "LogType": "slow-log",
                    "DestinationType": "cloudwatch-logs",
                    "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": SLOW_LOG_GROUP}},
                    "LogFormat": "text",
                    "Enabled": True,
                },
            ]
        ),
        dict(
            LogDeliveryConfigurations=[
                {
                    "LogType": "slow-log",
                    "DestinationType": "cloudwatch-logs",
                    "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": SLOW_LOG_GROUP}},
                    "LogFormat": "text",
                    "Status": "active",
                },
                {
                    "LogType": "engine-log",
                    "DestinationType": "kinesis-firehose",
                    "DestinationDetails": {"KinesisFirehoseDetails": {"DeliveryStream": "redis-engine"}},
                    "LogFormat": "json",
                    "Status": "active",
                },
            ]
        ),
        {},
    ),
    (
        "log delivery off",
        dict(log_delivery=[]),
        dict(LogDeliveryConfigurations=[{"LogType": "slow-log", "Enabled": False}]),
        dict(LogDeliveryConfigurations=[]),
        {},
    ),
    ("engine upgrade", dict(engine_version="7.1"), dict(EngineVersion="7.1"), {}, {}),
    (
        "redis to valkey",
        dict(engine="valkey", engine_version="8.0"),
        dict(Engine="valkey", EngineVersion="8.0"),
        dict(Engine="valkey"),
        dict(EngineVersion="8.0.1"),
    ),
]


@pytest.mark.parametrize(
    "args, request_, after_group, after_cluster",
    [case[1:] for case in MODIFICATIONS],
    ids=[case[0] for case in MODIFICATIONS],
)
def test_modification(stubber, run, args, request_, after_group, after_cluster):
    before_cluster = {}
    if request_.get("EngineVersion") == "7.1":
        before_cluster = dict(EngineVersion="6.2.6")
    before = aws_group()
    expect_read(stubber, before, aws_cache_cluster(before, **before_cluster))
    after = aws_group(**after_group)
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": dict(after, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, **request_),
    )
    expect_polls(stubber, dict(after, Status="modifying"), after)
    expect_read(stubber, after, aws_cache_cluster(after, **after_cluster))

    result = run(args)

    assert result["changed"] is True
    assert writes(result) == ["modify_replication_group"]
    assert result["diff"]["before"] != result["diff"]["after"]


@pytest.mark.parametrize(
    "args, request_, after_group, after_cluster",
    [case[1:] for case in MODIFICATIONS],
    ids=[case[0] for case in MODIFICATIONS],
)
def test_modification_check_mode_predicts_without_writing(stubber, run, args, request_, after_group, after_cluster):
    before = aws_group()
    expect_read(
        stubber,
        before,
        aws_cache_cluster(before, EngineVersion="6.2.6") if request_.get("EngineVersion") == "7.1" else None,
    )

    result = run(args, check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    predicted, truth = result["replication_group"], module_under_test.predicted_group(
        result["diff"]["before"], [("modify", request_)], TAGS
    )
    assert predicted == truth
    assert predicted != result["diff"]["before"]


def test_modification_without_wait_reads_at_once(stubber, run):
    expect_read(stubber, aws_group())
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    expect_read(stubber, aws_group(Status="modifying", SnapshotRetentionLimit=1))

    result = run(dict(snapshot_retention_limit=1, wait=False))

    assert result["changed"] is True
    assert result["replication_group"]["status"] == "modifying"


def test_several_kinds_of_change_wait_for_each_other(stubber, run):
    # 1 -> 2 replicas first, then the settings, then the node type, each once the group is available again.
    expect_read(stubber, aws_group(replicas=1, MultiAZ="disabled"))
    stubber.add_response(
        "increase_replica_count",
        {"ReplicationGroup": aws_group(replicas=1, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=2),
    )
    expect_polls(stubber, aws_group(replicas=1, Status="modifying"), aws_group(replicas=2, MultiAZ="disabled"))
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(replicas=2, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, MultiAZEnabled=True),
    )
    expect_polls(stubber, aws_group(replicas=2))
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(replicas=2, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, CacheNodeType="cache.m6g.large"),
    )
    final = aws_group(replicas=2, CacheNodeType="cache.m6g.large")
    expect_polls(stubber, final)
    expect_read(stubber, final)

    result = run(dict(num_cache_clusters=3, multi_az=True, node_type="cache.m6g.large"))

    assert result["changed"] is True
    assert writes(result) == ["increase_replica_count", "modify_replication_group", "modify_replication_group"]
    assert result["replication_group"]["num_cache_clusters"] == 3


def test_a_change_refused_while_the_last_one_starts_is_made_again(stubber, run):
    # AWS may report the group available for a moment after a change began, then refuse the next one.
    expect_read(stubber, aws_group(replicas=1))
    stubber.add_response(
        "increase_replica_count",
        {"ReplicationGroup": aws_group(replicas=1, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=2),
    )
    expect_polls(stubber, aws_group(replicas=1))
    modify = dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1)
    stubber.add_client_error(
        "modify_replication_group", "InvalidReplicationGroupState", "not available", 400, expected_params=modify
    )
    expect_polls(stubber, aws_group(replicas=1, Status="modifying"), aws_group(replicas=2))
    stubber.add_response("modify_replication_group", {"ReplicationGroup": aws_group(replicas=2)}, modify)
    final = aws_group(replicas=2, SnapshotRetentionLimit=1)
    expect_polls(stubber, final)
    expect_read(stubber, final)

    result = run(dict(num_cache_clusters=3, snapshot_retention_limit=1))

    assert result["changed"] is True
    assert writes(result) == ["increase_replica_count", "modify_replication_group", "modify_replication_group"]


def test_busy_group_is_waited_for_before_a_change(stubber, run):
    expect_read(stubber, aws_group(Status="snapshotting"), tags=TAGS)
    expect_polls(stubber, aws_group(Status="snapshotting"), aws_group())
    expect_read(stubber, aws_group())
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    expect_polls(stubber, aws_group(SnapshotRetentionLimit=1))
    expect_read(stubber, aws_group(SnapshotRetentionLimit=1))

    result = run(dict(snapshot_retention_limit=1))

    assert result["changed"] is True
    assert result["diff"]["before"]["status"] == "snapshotting"


def test_busy_group_without_anything_to_change_is_not_waited_for(stubber, run):
    expect_read(stubber, aws_group(Status="modifying"))

    result = run(dict(snapshot_retention_limit=5))

    assert result["changed"] is False


def test_tags_of_a_busy_group_are_read_again_once_it_is_available(stubber, run):
    stubber.add_response(
        "describe_replication_groups", {"ReplicationGroups": [aws_group(Status="modifying")]}, DESCRIBE
    )
    stubber.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [aws_cache_cluster(aws_group())]},
        {"CacheClusterId": f"{RG_ID}-001", "ShowCacheNodeInfo": False},
    )
    stubber.add_client_error(
        "list_tags_for_resource",
        "InvalidReplicationGroupState",
        "Cluster not in available state to perform tagging operations.",
        400,
        expected_params={"ResourceName": RG_ARN},
    )
    expect_polls(stubber, aws_group())
    expect_read(stubber, aws_group())

    result = run(dict(tags=TAGS))

    assert result["changed"] is False
    assert result["diff"]["before"]["tags"] is None
    assert result["replication_group"]["tags"] == TAGS


def test_tags_of_a_busy_group_are_not_compared_in_check_mode(stubber, run):
    stubber.add_response(
        "describe_replication_groups", {"ReplicationGroups": [aws_group(Status="modifying")]}, DESCRIBE
    )
    stubber.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [aws_cache_cluster(aws_group())]},
        {"CacheClusterId": f"{RG_ID}-001", "ShowCacheNodeInfo": False},
    )
    stubber.add_client_error(
        "list_tags_for_resource", "InvalidReplicationGroupState", "busy", 400, expected_params={"ResourceName": RG_ARN}
    )

    result = run(dict(tags=TAGS), check_mode=True)

    assert result["changed"] is False
    assert "not compared in check mode" in warnings_of(result)[0]


def test_tag_change_comes_before_other_changes(stubber, run):
    expect_read(stubber, aws_group(), tags={"Project": "stories1001", "Owner": "old"})
    stubber.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": RG_ARN, "TagKeys": ["Owner"]})
    stubber.add_response(
        "add_tags_to_resource",
        {"TagList": aws_tags(TAGS)},
        {"ResourceName": RG_ARN, "Tags": aws_tags({"Environment": "production", "Component": "cache"})},
    )
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    expect_polls(stubber, aws_group(SnapshotRetentionLimit=1))
    expect_read(stubber, aws_group(SnapshotRetentionLimit=1))

    result = run(dict(tags=TAGS, snapshot_retention_limit=1))

    assert result["changed"] is True
    assert writes(result) == ["remove_tags_from_resource", "add_tags_to_resource", "modify_replication_group"]
    assert result["diff"]["before"]["tags"]["Owner"] == "old"


def test_tag_change_check_mode_touches_nothing(stubber, run):
    expect_read(stubber, aws_group(), tags={"Owner": "old"})

    result = run(dict(tags={"Owner": "new"}, purge_tags=False), check_mode=True)

    assert result["changed"] is True
    assert result["replication_group"]["tags"] == {"Owner": "new"}


# --- replicas and shards ------------------------------------------------------------------------


def test_replica_count_up(stubber, run):
    expect_read(stubber, aws_group(replicas=1))
    stubber.add_response(
        "increase_replica_count",
        {"ReplicationGroup": aws_group(replicas=1, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=2),
    )
    expect_polls(stubber, aws_group(replicas=2))
    expect_read(stubber, aws_group(replicas=2))

    result = run(dict(num_cache_clusters=3))

    assert result["changed"] is True
    assert writes(result) == ["increase_replica_count"]
    assert result["diff"]["before"]["num_cache_clusters"] == 2
    assert result["replication_group"]["num_cache_clusters"] == 3


def test_replica_count_down(stubber, run):
    expect_read(stubber, aws_group(replicas=2))
    stubber.add_response(
        "decrease_replica_count",
        {"ReplicationGroup": aws_group(replicas=2, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=1),
    )
    expect_polls(stubber, aws_group(replicas=1))
    expect_read(stubber, aws_group(replicas=1))

    result = run(dict(replicas_per_node_group=1))

    assert result["changed"] is True
    assert writes(result) == ["decrease_replica_count"]


def test_replica_count_down_to_zero_turns_multi_az_and_failover_off_first(stubber, run):
    expect_read(stubber, aws_group(replicas=1))
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, AutomaticFailoverEnabled=False, MultiAZEnabled=False),
    )
    expect_polls(stubber, aws_group(MultiAZ="disabled", AutomaticFailover="disabled"))
    stubber.add_response(
        "decrease_replica_count",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=0),
    )
    final = aws_group(replicas=0, MultiAZ="disabled", AutomaticFailover="disabled")
    expect_polls(stubber, final)
    expect_read(stubber, final)

    result = run(dict(num_cache_clusters=1, multi_az=False, automatic_failover=False))

    assert writes(result) == ["modify_replication_group", "decrease_replica_count"]
    assert result["replication_group"]["num_cache_clusters"] == 1


def test_replica_count_check_mode(stubber, run):
    expect_read(stubber, aws_group(shards=3, replicas=2, cluster=True))

    result = run(dict(replicas_per_node_group=1), check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    assert result["replication_group"]["replica_counts"] == {"0001": 1, "0002": 1, "0003": 1}
    assert result["replication_group"]["num_cache_clusters"] == 6


def test_replica_count_per_shard_when_shards_differ(stubber, run):
    group = aws_group(cluster=True, replica_counts=[1, 3, 2])
    expect_read(stubber, group)
    stubber.add_response(
        "increase_replica_count",
        {"ReplicationGroup": group},
        dict(
            ReplicationGroupId=RG_ID,
            ApplyImmediately=True,
            ReplicaConfiguration=[{"NodeGroupId": "0001", "NewReplicaCount": 2}],
        ),
    )
    expect_polls(stubber, aws_group(cluster=True, replica_counts=[2, 3, 2]))
    stubber.add_response(
        "decrease_replica_count",
        {"ReplicationGroup": group},
        dict(
            ReplicationGroupId=RG_ID,
            ApplyImmediately=True,
            ReplicaConfiguration=[{"NodeGroupId": "0002", "NewReplicaCount": 2}],
        ),
    )
    final = aws_group(shards=3, replicas=2, cluster=True)
    expect_polls(stubber, final)
    expect_read(stubber, final)

    result = run(dict(replicas_per_node_group=2))

    assert writes(result) == ["increase_replica_count", "decrease_replica_count"]


def test_shard_count_up(stubber, run):
    expect_read(stubber, aws_group(shards=3, replicas=2, cluster=True))
    stubber.add_response(
        "modify_replication_group_shard_configuration",
        {"ReplicationGroup": aws_group(shards=3, replicas=2, cluster=True, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NodeGroupCount=4),
    )
    final = aws_group(shards=4, replicas=2, cluster=True)
    expect_polls(stubber, aws_group(shards=3, replicas=2, cluster=True, Status="modifying"), final)
    expect_read(stubber, final)

    result = run(dict(cluster_mode="enabled", num_node_groups=4))

    assert result["changed"] is True
    assert writes(result) == ["modify_replication_group_shard_configuration"]
    assert result["replication_group"]["num_node_groups"] == 4


def test_shard_count_down_keeps_the_first_shards(stubber, run):
    expect_read(stubber, aws_group(shards=4, replicas=2, cluster=True))
    stubber.add_response(
        "modify_replication_group_shard_configuration",
        {"ReplicationGroup": aws_group(shards=4, replicas=2, cluster=True, Status="modifying")},
        dict(
            ReplicationGroupId=RG_ID,
            ApplyImmediately=True,
            NodeGroupCount=3,
            NodeGroupsToRetain=["0001", "0002", "0003"],
        ),
    )
    final = aws_group(shards=3, replicas=2, cluster=True)
    expect_polls(stubber, final)
    expect_read(stubber, final)

    result = run(dict(num_node_groups=3, cluster_mode="enabled"))

    assert result["changed"] is True
    assert result["diff"]["before"]["num_node_groups"] == 4


def test_shard_count_check_mode(stubber, run):
    expect_read(stubber, aws_group(shards=3, replicas=2, cluster=True))

    result = run(dict(num_node_groups=6, cluster_mode="enabled"), check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    assert result["replication_group"]["num_node_groups"] == 6


# --- AUTH token ---------------------------------------------------------------------------------


def test_auth_token_rotation(stubber, run):
    new_token = "Another-token-for-2027-rotation"
    expect_read(stubber, aws_group())
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying", PendingModifiedValues={"AuthTokenStatus": "ROTATING"})},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, AuthToken=new_token, AuthTokenUpdateStrategy="ROTATE"),
    )
    expect_polls(stubber, aws_group())
    expect_read(stubber, aws_group())

    result = run(dict(auth_token=new_token, auth_token_update_strategy="ROTATE", transit_encryption=True))

    assert result["changed"] is True
    assert writes(result) == ["modify_replication_group"]
    assert new_token not in json.dumps(result["replication_group"])
    assert new_token not in json.dumps(result["diff"])


def test_auth_token_rotation_check_mode(stubber, run):
    expect_read(stubber, aws_group(AuthTokenEnabled=False))

    result = run(dict(auth_token=TOKEN, auth_token_update_strategy="ROTATE", transit_encryption=True), check_mode=True)

    assert result["changed"] is True
    assert result["replication_group"]["auth_token_enabled"] is True
    assert writes(result) == []


def test_auth_token_delete_on_a_group_without_auth_is_no_change(stubber, run):
    expect_read(stubber, aws_group(AuthTokenEnabled=False))

    assert run(dict(auth_token_update_strategy="DELETE"))["changed"] is False


def test_an_empty_auth_token_is_no_token(stubber, run):
    expect_read(stubber, aws_group())

    result = run(dict(auth_token=""))

    assert result["changed"] is False
    assert not warnings_of(result)


def test_auth_token_without_strategy_on_a_group_without_auth_warns(stubber, run):
    expect_read(stubber, aws_group(AuthTokenEnabled=False))

    result = run(dict(auth_token=TOKEN, transit_encryption=True))

    assert result["changed"] is False
    assert "has no AUTH token" in warnings_of(result)[0]


# --- global datastore members --------------------------------------------------------------------


def member_group(role="SECONDARY", **overrides):
    info = {"GlobalReplicationGroupId": GLOBAL_ID, "GlobalReplicationGroupMemberRole": role}
    return aws_group(GlobalReplicationGroupInfo=info, **overrides)


def test_global_member_does_not_fight_the_global_datastore(stubber, run):
    # The global datastore has scaled the node type, upgraded the engine, changed the parameter group
    # and turned Multi-AZ off since the task was written: the member leaves all of that alone.
    group = member_group(CacheNodeType="cache.r6g.large", MultiAZ="disabled", TransitEncryptionMode="preferred")
    expect_read(
        stubber,
        group,
        aws_cache_cluster(group, EngineVersion="7.1.0", CacheParameterGroup={"CacheParameterGroupName": "global-pg"}),
    )

    result = run(dict(PHASE1, engine_version="6.2", global_replication_group_id=GLOBAL_ID))

    assert result["changed"] is False
    assert writes(result) == []
    warned = " ".join(warnings_of(result))
    for option in ("node_type", "engine_version", "cache_parameter_group_name", "multi_az", "transit_encryption_mode"):
        assert f"{option} of replication group" in warned
    assert "elasticache_global_datastore" in warned


def test_global_member_regional_settings_are_managed(stubber, run):
    group = member_group()
    expect_read(stubber, group)
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": dict(group, Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    expect_polls(stubber, group)
    expect_read(stubber, member_group(SnapshotRetentionLimit=1))

    result = run(dict(snapshot_retention_limit=1, node_type="cache.r6g.large", num_node_groups=1))

    assert result["changed"] is True
    assert writes(result) == ["modify_replication_group"]


def test_global_member_replicas_are_managed(stubber, run):
    group = member_group(replicas=1)
    expect_read(stubber, group)
    stubber.add_response(
        "increase_replica_count",
        {"ReplicationGroup": group},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, NewReplicaCount=2),
    )
    expect_polls(stubber, member_group(replicas=2))
    expect_read(stubber, member_group(replicas=2))

    assert writes(run(dict(replicas_per_node_group=2, global_replication_group_id=GLOBAL_ID))) == [
        "increase_replica_count"
    ]


# --- changes AWS cannot make in place -----------------------------------------------------------


@pytest.mark.parametrize(
    "group, args, message",
    [
        (aws_group(), dict(at_rest_encryption=False), "at_rest_encryption cannot be changed"),
        (aws_group(), dict(cluster_mode="enabled"), "cluster_mode cannot be changed"),
        (aws_group(shards=3, cluster=True), dict(cluster_mode="disabled"), "cluster_mode cannot be changed"),
        (aws_group(Engine="valkey"), dict(engine="redis"), "only redis can be upgraded to valkey"),
        (aws_group(), dict(engine="valkey"), "needs engine_version"),
        (aws_group(), dict(engine_version="6.2"), "cannot be downgraded from 7.1.0 to 6.2"),
        (aws_group(), dict(port=6380), "port cannot be changed"),
        (aws_group(), dict(cache_subnet_group_name="elsewhere"), "cache_subnet_group_name cannot be changed"),
        (
            aws_group(),
            dict(
                at_rest_encryption=True,
                kms_key_id="arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111",
            ),
            "kms_key_id cannot be changed",
        ),
        (
            aws_group(TransitEncryptionEnabled=False, TransitEncryptionMode=None),
            dict(transit_encryption=True, transit_encryption_mode="required"),
            "preferred first",
        ),
        (aws_group(), dict(transit_encryption=False), "preferred first"),
    ],
    ids=[
        "at-rest",
        "cluster-on",
        "cluster-off",
        "valkey-to-redis",
        "valkey-without-version",
        "downgrade",
        "port",
        "subnet-group",
        "kms",
        "tls-on-required",
        "tls-off-from-required",
    ],
)
def test_changes_aws_cannot_make_in_place_are_refused(stubber, run, group, args, message):
    if group.get("TransitEncryptionMode") is None:
        group = {key: value for key, value in group.items() if key != "TransitEncryptionMode"}
    expect_read(stubber, group)

    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert writes(result) == []
    assert result["replication_group"]["replication_group_id"] == RG_ID


@pytest.mark.parametrize(
    "status, message", [("deleting", "being deleted"), ("create-failed", "delete it (state: absent)")]
)
def test_a_group_that_cannot_be_changed(stubber, run, status, message):
    expect_read(stubber, aws_group(Status=status))

    result = run(dict(snapshot_retention_limit=1))

    assert result["failed"] is True
    assert message in result["msg"]


# --- absent -------------------------------------------------------------------------------------


def test_delete_with_final_snapshot(stubber, run):
    expect_read(stubber, aws_group())
    stubber.add_response(
        "delete_replication_group",
        {"ReplicationGroup": aws_group(Status="deleting")},
        {"ReplicationGroupId": RG_ID, "FinalSnapshotIdentifier": f"{RG_ID}-final-snapshot"},
    )
    expect_polls(stubber, aws_group(Status="deleting"))
    expect_missing(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["final_snapshot_identifier"] == f"{RG_ID}-final-snapshot"
    assert result["replication_group"] == {}
    assert result["diff"]["before"]["replication_group_id"] == RG_ID


def test_delete_with_a_named_final_snapshot_check_mode(stubber, run):
    expect_read(stubber, aws_group())

    result = run(dict(state="absent", final_snapshot_identifier="before-teardown"), check_mode=True)

    assert result["changed"] is True
    assert result["final_snapshot_identifier"] == "before-teardown"
    assert writes(result) == []


def test_delete_skipping_the_final_snapshot(stubber, run):
    expect_read(stubber, aws_group())
    stubber.add_response("delete_replication_group", {"ReplicationGroup": aws_group(Status="deleting")}, DESCRIBE)

    result = run(dict(state="absent", skip_final_snapshot=True, wait=False))

    assert result["changed"] is True
    assert "final_snapshot_identifier" not in result


def test_delete_refused_when_the_snapshot_name_is_taken(stubber, run):
    expect_read(stubber, aws_group())
    stubber.add_client_error(
        "delete_replication_group",
        "SnapshotAlreadyExistsFault",
        "already exists",
        400,
        expected_params={"ReplicationGroupId": RG_ID, "FinalSnapshotIdentifier": f"{RG_ID}-final-snapshot"},
    )

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert "already exists" in result["msg"]
    assert "final_snapshot_identifier" in result["msg"]


def test_absent_when_missing_is_no_change(stubber, run):
    expect_missing(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}
    assert writes(result) == []


def test_absent_while_already_deleting_only_waits(stubber, run):
    expect_read(stubber, aws_group(Status="deleting"))
    expect_polls(stubber, aws_group(Status="deleting"))
    expect_missing(stubber)

    assert run(dict(state="absent"))["changed"] is False


@pytest.mark.parametrize("check_mode", [False, True])
def test_delete_refused_for_a_global_datastore_member(stubber, run, check_mode):
    expect_read(stubber, member_group(role="PRIMARY"))

    result = run(dict(state="absent", skip_final_snapshot=True), check_mode=check_mode)

    assert result["failed"] is True
    assert f"is the primary member of global datastore {GLOBAL_ID}" in result["msg"]
    assert writes(result) == []


def test_delete_of_a_member_is_still_refused_outside_check_mode_when_its_datastore_is_said_removed(stubber, run):
    expect_read(stubber, member_group(role="SECONDARY"))

    result = run(dict(state="absent", skip_final_snapshot=True, global_datastore_removed=True))

    assert result["failed"] is True
    assert f"is the secondary member of global datastore {GLOBAL_ID}" in result["msg"]


def test_check_mode_plans_deleting_a_member_whose_datastore_an_earlier_task_removes(stubber, run):
    expect_read(stubber, member_group(role="PRIMARY"))

    result = run(dict(state="absent", global_datastore_removed=True), check_mode=True)

    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert writes(result) == []


# --- throttling and errors ----------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error(
        "describe_replication_groups", "Throttling", "Rate exceeded", 400, expected_params=DESCRIBE
    )
    expect_read(stubber, aws_group())
    stubber.add_client_error(
        "modify_replication_group",
        "APICallRateForCustomerExceeded",
        "slow down",
        400,
        expected_params=dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    # The waiter retries on throttling by its own acceptors.
    stubber.add_client_error(
        "describe_replication_groups", "Throttling", "Rate exceeded", 400, expected_params=DESCRIBE
    )
    expect_polls(stubber, aws_group(SnapshotRetentionLimit=1))
    expect_read(stubber, aws_group(SnapshotRetentionLimit=1))

    result = run(dict(snapshot_retention_limit=1))

    assert result["changed"] is True
    assert writes(result) == ["modify_replication_group", "modify_replication_group"]


def test_wait_timeout_fails_clearly(stubber, run):
    expect_read(stubber, aws_group())
    stubber.add_response(
        "modify_replication_group",
        {"ReplicationGroup": aws_group(Status="modifying")},
        dict(ReplicationGroupId=RG_ID, ApplyImmediately=True, SnapshotRetentionLimit=1),
    )
    expect_polls(stubber, aws_group(Status="modifying"), aws_group(Status="modifying"))

    result = run(dict(snapshot_retention_limit=1, wait_timeout=2))

    assert result["failed"] is True
    assert "Timeout after 2 seconds waiting for replication group available" in result["msg"]


def test_api_error_fails_with_aws_details(stubber, run):
    stubber.add_client_error(
        "describe_replication_groups", "AccessDenied", "not allowed", 403, expected_params=DESCRIBE
    )

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to describe replication group")
    assert result["error"]["code"] == "AccessDenied"


# --- bad input: refused before any call ---------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(replication_group_id="stories1001-production-redis-cluster-use1"), "has 41 characters"),
        (dict(replication_group_id="stories1001_redis"), "letters, digits and hyphens"),
        (dict(replication_group_id="1001-stories"), "begin with a letter"),
        (dict(replication_group_id="stories--redis"), "no two hyphens"),
        (dict(replication_group_id="stories-redis-"), "no hyphen at the end"),
        (dict(replication_group_id="stories-redis-", state="absent"), "no hyphen at the end"),
        (dict(auth_token="short-token", transit_encryption=True), "auth_token has 11 characters"),
        (dict(auth_token="sixteen-chars-but-@-inside", transit_encryption=True), "printable ASCII"),
        (dict(auth_token="sixteen chars and a space", transit_encryption=True), "printable ASCII"),
        (dict(auth_token=TOKEN), "auth_token needs transit_encryption: true"),
        (dict(auth_token_update_strategy="ROTATE"), "needs auth_token"),
        (
            dict(cluster_mode="enabled", num_node_groups=1, replicas_per_node_group=0, multi_az=True),
            "multi_az needs at least one replica per shard",
        ),
        (dict(num_cache_clusters=1, multi_az=True), "multi_az needs at least one replica"),
        (dict(multi_az=True, automatic_failover=False), "multi_az: true needs automatic_failover: true"),
        (dict(cluster_mode="enabled", automatic_failover=False), "always has automatic failover"),
        (dict(node_type="cache.x9.large"), "node_type 'cache.x9.large' is not cache.<family>.<size>"),
        (dict(node_type="m5.large"), "is not cache.<family>.<size>"),
        (dict(node_type="cache.t3"), "is not cache.<family>.<size>"),
        (dict(node_type="cache.r6g.huge"), "is not cache.<family>.<size>"),
        (dict(num_node_groups=3), "num_node_groups 3 needs cluster_mode: enabled"),
        (dict(cluster_mode="enabled", num_cache_clusters=3), "use replicas_per_node_group"),
        (dict(replicas_per_node_group=6), "replicas_per_node_group must be between 0 and 5"),
        (dict(num_cache_clusters=2, replicas_per_node_group=1), "mutually exclusive"),
        (dict(snapshot_window="5am-6am"), "snapshot_window '5am-6am' must be HH:MM-HH:MM"),
        (dict(maintenance_window="sunday:06:30-sunday:07:30"), "maintenance_window"),
        (dict(snapshot_retention_limit=40), "snapshot_retention_limit must be between 0 and 35"),
        (dict(kms_key_id=KMS_ARN), "kms_key_id needs at_rest_encryption: true"),
        (dict(transit_encryption_mode="required"), "transit_encryption_mode needs transit_encryption: true"),
        (dict(log_delivery=[SLOW_LOG, SLOW_LOG]), "log_delivery lists a log_type more than once: slow-log"),
        (
            dict(snapshot_arns=["arn:aws:s3:::bucket/dump.rdb"], global_replication_group_id=GLOBAL_ID),
            "snapshot_arns cannot seed",
        ),
        (dict(state="absent", skip_final_snapshot=True, final_snapshot_identifier="x"), "contradict"),
        (dict(wait_timeout=0), "wait_timeout"),
    ],
)
def test_bad_input_is_refused_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []


def test_a_refused_token_is_never_quoted():
    for token in ("short", "sixteen-chars-but-@-inside", "x" * 200):
        assert all(token not in error for error in _elasticache.auth_token_errors(token))


# --- pure functions -----------------------------------------------------------------------------


def normalized(raw=None, cluster=None, tags=None):
    raw = raw or aws_group()
    return _elasticache.normalize_replication_group(
        raw, aws_cache_cluster(raw, **(cluster or {})), TAGS if tags is None else tags
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("cache.t3.medium", True),
        ("cache.t4g.micro", True),
        ("cache.r6g.2xlarge", True),
        ("cache.r7g.16xlarge", True),
        ("cache.m5.24xlarge", True),
        ("cache.r6gd.xlarge", True),
        ("cache.c7gn.large", True),
        ("cache.x9.large", False),
        ("cache.t3", False),
        ("t3.medium", False),
        ("cache.t3.Medium", False),
        ("cache.r6g.100xlarge", False),
        ("", False),
        (None, False),
    ],
)
def test_is_node_type(value, expected):
    assert _elasticache.is_node_type(value) is expected


@pytest.mark.parametrize(
    "value, count",
    [
        ("stories1001-production-redis", 0),
        ("a", 0),
        ("a" * 40, 0),
        ("a" * 41, 1),
        ("", 1),
        ("-redis", 1),
        ("redis-", 1),
        ("re--dis", 1),
        ("re_dis", 1),
        ("9" + "a" * 40, 2),
    ],
)
def test_identifier_errors(value, count):
    assert len(_elasticache.identifier_errors(value, "replication_group_id")) == count


@pytest.mark.parametrize(
    "token, count",
    [
        (TOKEN, 0),
        ("x" * 16, 0),
        ("x" * 128, 0),
        ("!&#$^<>-" * 2, 0),
        ("x" * 15, 1),
        ("x" * 129, 1),
        ("x" * 15 + "/", 1),
        ("x" * 15 + '"', 1),
        ("x" * 15 + "%", 1),
        ("x" * 15 + "\u00e9", 1),
        ("x" * 15 + "\t", 1),
        ("@", 2),
    ],
)
def test_auth_token_errors(token, count):
    assert len(_elasticache.auth_token_errors(token)) == count


@pytest.mark.parametrize(
    "current, wanted, expected",
    [
        ("7.1.0", "7.1", True),
        ("7.1.0", "7", True),
        ("7.1.0", "7.1.0", True),
        ("6.2.6", "6.x", True),
        ("7.1.0", "7.0", False),
        ("7.1.0", "8", False),
        ("7.1.0", "71", False),
        (None, "7.1", False),
    ],
)
def test_version_matches(current, wanted, expected):
    assert _elasticache.version_matches(current, wanted) is expected


@pytest.mark.parametrize(
    "counts, cluster_mode, replicas, expected",
    [
        ({"0001": 1}, "disabled", None, (None, None)),
        ({"0001": 1}, "disabled", 1, (None, None)),
        ({"0001": 1}, "disabled", 2, ({"NewReplicaCount": 2}, None)),
        ({"0001": 2}, "disabled", 0, (None, {"NewReplicaCount": 0})),
        ({"0001": 2, "0002": 2}, "enabled", 3, ({"NewReplicaCount": 3}, None)),
        ({"0001": 2, "0002": 1}, "enabled", 2, ({"NewReplicaCount": 2}, None)),
        (
            {"0001": 1, "0002": 3},
            "enabled",
            2,
            (
                {"ReplicaConfiguration": [{"NodeGroupId": "0001", "NewReplicaCount": 2}]},
                {"ReplicaConfiguration": [{"NodeGroupId": "0002", "NewReplicaCount": 2}]},
            ),
        ),
        ({}, "disabled", 2, (None, None)),
    ],
)
def test_replica_changes(counts, cluster_mode, replicas, expected):
    group = {"replica_counts": counts, "cluster_mode": cluster_mode}
    assert module_under_test.replica_changes(group, replicas) == expected


@pytest.mark.parametrize(
    "group, params, expected",
    [
        ({"cluster_mode": "enabled", "num_node_groups": 3}, {}, None),
        ({"cluster_mode": "enabled", "num_node_groups": 3}, {"num_node_groups": 3}, None),
        ({"cluster_mode": "enabled", "num_node_groups": 3}, {"num_node_groups": 5}, {"NodeGroupCount": 5}),
        (
            {
                "cluster_mode": "enabled",
                "num_node_groups": 3,
                "node_groups": [{"node_group_id": i} for i in ("0003", "0001", "0002")],
            },
            {"num_node_groups": 2},
            {"NodeGroupCount": 2, "NodeGroupsToRetain": ["0001", "0002"]},
        ),
        ({"cluster_mode": "disabled", "num_node_groups": 1}, {"num_node_groups": 1}, None),
        (
            {"cluster_mode": "enabled", "num_node_groups": 3, "global_replication_group_id": GLOBAL_ID},
            {"num_node_groups": 5},
            None,
        ),
    ],
)
def test_shard_change(group, params, expected):
    assert module_under_test.shard_change(group, params) == expected


CW = dict(log_type="slow-log", destination_type="cloudwatch-logs", destination="g", log_format="json")
FH = dict(log_type="engine-log", destination_type="kinesis-firehose", destination="s", log_format="text")


@pytest.mark.parametrize(
    "current, requested, expected",
    [
        ([CW], None, []),
        ([CW], [CW], []),
        ([dict(CW, status="active")], [CW], []),
        ([], [CW], [_elasticache.log_delivery_request(CW)]),
        ([CW], [dict(CW, log_format="text")], [_elasticache.log_delivery_request(dict(CW, log_format="text"))]),
        ([CW], [dict(CW, destination="other")], [_elasticache.log_delivery_request(dict(CW, destination="other"))]),
        ([CW, FH], [FH], [{"LogType": "slow-log", "Enabled": False}]),
        ([CW], [], [{"LogType": "slow-log", "Enabled": False}]),
        ([dict(CW, status="disabling")], [], []),
        ([], [FH, CW], [_elasticache.log_delivery_request(FH), _elasticache.log_delivery_request(CW)]),
    ],
)
def test_log_delivery_changes(current, requested, expected):
    assert module_under_test.log_delivery_changes(current, requested) == expected


@pytest.mark.parametrize(
    "enabled, mode, params, expected",
    [
        (True, "required", {}, ({}, None)),
        (True, "required", {"transit_encryption": True}, ({}, None)),
        (True, None, {"transit_encryption": True, "transit_encryption_mode": "required"}, ({}, None)),
        (
            False,
            None,
            {"transit_encryption": True},
            ({"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}, None),
        ),
        (
            False,
            None,
            {"transit_encryption": True, "transit_encryption_mode": "preferred"},
            ({"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}, None),
        ),
        (
            True,
            "preferred",
            {"transit_encryption": True, "transit_encryption_mode": "required"},
            ({"TransitEncryptionEnabled": True, "TransitEncryptionMode": "required"}, None),
        ),
        (
            True,
            "required",
            {"transit_encryption": True, "transit_encryption_mode": "preferred"},
            ({"TransitEncryptionEnabled": True, "TransitEncryptionMode": "preferred"}, None),
        ),
        (True, "preferred", {"transit_encryption": False}, ({"TransitEncryptionEnabled": False}, None)),
        (False, None, {"transit_encryption": False}, ({}, None)),
    ],
)
def test_transit_encryption_change(enabled, mode, params, expected):
    group = {"transit_encryption_enabled": enabled, "transit_encryption_mode": mode}
    assert module_under_test.transit_encryption_change(group, params) == expected


@pytest.mark.parametrize(
    "enabled, mode, params",
    [
        (False, None, {"transit_encryption": True, "transit_encryption_mode": "required"}),
        (True, "required", {"transit_encryption": False}),
        (True, None, {"transit_encryption": False}),
    ],
)
def test_transit_encryption_change_refused(enabled, mode, params):
    changes, problem = module_under_test.transit_encryption_change(
        {"transit_encryption_enabled": enabled, "transit_encryption_mode": mode}, params
    )
    assert changes == {}
    assert "preferred first" in problem


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {}),
        ({"engine_version": "7.1"}, {}),
        ({"engine_version": "7"}, {}),
        ({"engine_version": "7.2"}, {"EngineVersion": "7.2"}),
        ({"engine": "redis", "engine_version": "7.1"}, {}),
        ({"engine": "valkey", "engine_version": "8.0"}, {"Engine": "valkey", "EngineVersion": "8.0"}),
    ],
)
def test_engine_change(params, expected):
    assert module_under_test.engine_change(normalized(), params) == expected


@pytest.mark.parametrize(
    "enabled, params, expected",
    [
        (True, {}, {}),
        (True, {"auth_token": TOKEN}, {}),
        (
            True,
            {"auth_token": TOKEN, "auth_token_update_strategy": "ROTATE"},
            {"AuthToken": TOKEN, "AuthTokenUpdateStrategy": "ROTATE"},
        ),
        (
            True,
            {"auth_token": TOKEN, "auth_token_update_strategy": "SET"},
            {"AuthToken": TOKEN, "AuthTokenUpdateStrategy": "SET"},
        ),
        (True, {"auth_token_update_strategy": "DELETE"}, {"AuthTokenUpdateStrategy": "DELETE"}),
        (False, {"auth_token_update_strategy": "DELETE"}, {}),
    ],
)
def test_auth_token_change(enabled, params, expected):
    assert module_under_test.auth_token_change({"auth_token_enabled": enabled}, params) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {}),
        (dict(PHASE1), {}),
        ({"multi_az": False}, {"MultiAZEnabled": False}),
        (
            {"automatic_failover": False, "multi_az": False},
            {"AutomaticFailoverEnabled": False, "MultiAZEnabled": False},
        ),
        ({"security_group_ids": ["sg-2", SG]}, {"SecurityGroupIds": ["sg-2", SG]}),
        ({"maintenance_window": "SUN:06:30-SUN:07:30"}, {}),
        ({"cache_parameter_group_name": "other"}, {"CacheParameterGroupName": "other"}),
        (
            {"description": "other", "snapshot_window": "01:00-02:00"},
            {"ReplicationGroupDescription": "other", "SnapshotWindow": "01:00-02:00"},
        ),
    ],
)
def test_settings_changes(params, expected):
    assert module_under_test.settings_changes(normalized(), params) == expected


def test_settings_of_member_clusters_are_not_compared_when_unknown():
    # No member cluster could be read (a group still being created): nothing to compare them with.
    group = _elasticache.normalize_replication_group(aws_group(), None, TAGS)
    params = {
        "security_group_ids": ["sg-2"],
        "cache_parameter_group_name": "other",
        "maintenance_window": "mon:01:00-mon:02:00",
    }
    assert module_under_test.settings_changes(group, params) == {}


@pytest.mark.parametrize(
    "params, options",
    [
        ({}, []),
        (dict(PHASE1), []),
        ({"node_type": "cache.r6g.large", "engine_version": "7"}, ["node_type"]),
        (
            {"engine_version": "7.2", "multi_az": False, "num_node_groups": 2},
            ["engine_version", "num_node_groups", "multi_az"],
        ),
        ({"kms_key_id": "00000000-0000-0000-0000-000000000000"}, []),
    ],
)
def test_global_owned_differences(params, options):
    group = normalized(member_group())
    assert [option for option, current, wanted in module_under_test.global_owned_differences(group, params)] == options


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, []),
        ({"snapshot_retention_limit": 1}, [("modify", {"SnapshotRetentionLimit": 1})]),
        (
            {"node_type": "cache.m6g.large", "engine_version": "7.2"},
            [("modify", {"EngineVersion": "7.2"}), ("modify", {"CacheNodeType": "cache.m6g.large"})],
        ),
        (
            {"num_cache_clusters": 3, "auth_token": TOKEN, "auth_token_update_strategy": "ROTATE", "description": "x"},
            [
                ("increase_replica_count", {"NewReplicaCount": 2}),
                ("modify", {"ReplicationGroupDescription": "x"}),
                ("modify", {"AuthToken": TOKEN, "AuthTokenUpdateStrategy": "ROTATE"}),
            ],
        ),
        (
            {"num_cache_clusters": 1, "multi_az": False, "automatic_failover": False},
            [
                ("modify", {"AutomaticFailoverEnabled": False, "MultiAZEnabled": False}),
                ("decrease_replica_count", {"NewReplicaCount": 0}),
            ],
        ),
    ],
)
def test_plan_changes(params, expected):
    assert module_under_test.plan_changes(normalized(), params) == expected


def test_normalize_replication_group():
    result = normalized(
        aws_group(
            shards=3,
            replicas=2,
            cluster=True,
            GlobalReplicationGroupInfo={
                "GlobalReplicationGroupId": GLOBAL_ID,
                "GlobalReplicationGroupMemberRole": "PRIMARY",
            },
        )
    )

    assert result["replication_group_id"] == RG_ID
    assert result["arn"] == RG_ARN
    assert result["cluster_mode"] == "enabled"
    assert result["num_node_groups"] == 3
    assert result["replica_counts"] == {"0001": 2, "0002": 2, "0003": 2}
    assert result["replicas_per_node_group"] == 2
    assert result["num_cache_clusters"] == 9
    assert result["port"] == 6379
    assert result["engine_version"] == "7.1.0"
    assert result["cache_parameter_group_name"] == PARAMETER_GROUP
    assert result["security_group_ids"] == [SG]
    assert result["preferred_maintenance_window"] == "sun:06:30-sun:07:30"
    assert result["cache_subnet_group_name"] == SUBNET_GROUP
    assert result["log_delivery"] == [dict(SLOW_LOG, status="active")]
    assert result["global_replication_group_id"] == GLOBAL_ID
    assert result["global_replication_group_member_role"] == "PRIMARY"
    assert result["tags"] == TAGS
    assert _elasticache.normalize_replication_group(None) == {}


def test_normalize_a_group_being_created():
    result = _elasticache.normalize_replication_group(
        aws_group(Status="creating", NodeGroups=[], MemberClusters=[], ClusterEnabled=False)
    )

    assert result["num_node_groups"] is None
    assert result["replicas_per_node_group"] is None
    assert result["port"] is None
    assert result["tags"] is None
    assert "engine_version" not in result


def test_predicted_group_matches_what_aws_reports_after_the_change():
    before = normalized()
    steps = module_under_test.plan_changes(before, dict(multi_az=False, num_cache_clusters=3, log_delivery=[]))
    predicted = module_under_test.predicted_group(before, steps, TAGS)
    after = normalized(aws_group(replicas=2, MultiAZ="disabled", LogDeliveryConfigurations=[]))

    for key in ("multi_az", "replica_counts", "replicas_per_node_group", "num_cache_clusters", "log_delivery", "tags"):
        assert predicted[key] == after[key], key


def test_create_request_keeps_the_token_out_of_everything_but_the_request():
    request = module_under_test.create_request(
        dict(
            PHASE1,
            replication_group_id=RG_ID,
            global_replication_group_id=None,
            replicas_per_node_group=None,
            cluster_mode=None,
            num_node_groups=None,
            snapshot_arns=None,
        ),
        {},
    )
    assert request["AuthToken"] == TOKEN
    predicted = module_under_test.predicted_new(
        dict(
            PHASE1, replication_group_id=RG_ID.upper(), global_replication_group_id=None, replicas_per_node_group=None
        ),
        TAGS,
    )
    assert TOKEN not in json.dumps(predicted)
    assert predicted["replication_group_id"] == RG_ID


def test_default_final_snapshot_identifier():
    assert (
        module_under_test.default_final_snapshot_identifier("Stories1001-Redis") == "stories1001-redis-final-snapshot"
    )


def test_waiters_retry_on_throttling():
    factory = _elasticache.ElastiCacheWaiterFactory()
    injected = factory._inject_ratelimit_retries(factory._waiter_model_data)
    for name, waiter in injected.items():
        for code in ("Throttling", "APICallRateForCustomerExceeded"):
            assert dict(state="retry", matcher="error", expected=code) in waiter["acceptors"], (name, code)


def test_waiter_fails_on_a_group_whose_creation_failed(stubber):
    expect_polls(stubber, aws_group(Status="creating"), aws_group(Status="create-failed"))

    with pytest.raises(_elasticache.AnsibleElastiCacheError) as raised:
        _elasticache.wait_replication_group_available(stubber.client, RG_ID, 60)

    assert "Stopped waiting for replication group available" in raised.value.message


def test_pure_functions_leave_the_options_alone():
    params = copy.deepcopy(PHASE1)
    module_under_test.plan_changes(normalized(), params)
    module_under_test.predicted_new(dict(params, replication_group_id=RG_ID), TAGS)
    assert params == PHASE1
