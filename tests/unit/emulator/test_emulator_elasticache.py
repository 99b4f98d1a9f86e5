"""ElastiCache through boto3 against the emulator, as the elasticache_replication_group, elasticache_global_datastore and cache
parameter group modules drive it.

Every response is checked against the operation's output shape in botocore's elasticache model.
"""

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError, WaiterError
from botocore.validate import ParamValidator
from moto.elasticache.responses import ElastiCacheResponse

from tools.emulator.operations import service_model

PRIMARY, EUROPE, ASIA = "us-east-1", "eu-west-1", "ap-southeast-1"
AUTH_TOKEN = "correct-horse-battery-staple"
SLOW_LOG = {
    "LogType": "slow-log",
    "DestinationType": "cloudwatch-logs",
    "DestinationDetails": {"CloudWatchLogsDetails": {"LogGroup": "/stories/redis/slow-log"}},
    "LogFormat": "json",
}
NO_WAIT = {"Delay": 0, "MaxAttempts": 1}


def conforms(response: dict, operation: str) -> dict:
    """The response, without its metadata, after checking it against the operation's output shape."""
    body = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    shape = service_model("elasticache").operation_model(operation).output_shape
    if shape is not None:
        report = ParamValidator().validate(body, shape)
        assert not report.has_errors(), report.generate_report()
    return body


def error_code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


@pytest.fixture
def cache(aws):
    return {region: aws("elasticache", region=region) for region in (PRIMARY, EUROPE, ASIA)}


@pytest.fixture
def subnet_group(aws):
    """A cache subnet group over us-east-1b and us-east-1c."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(("us-east-1b", "us-east-1c"))
    ]
    aws("elasticache").create_cache_subnet_group(CacheSubnetGroupName="stories-cache", CacheSubnetGroupDescription="cache", SubnetIds=subnets)
    return "stories-cache"


def group(client, name: str) -> dict:
    (found,) = conforms(client.describe_replication_groups(ReplicationGroupId=name), "DescribeReplicationGroups")["ReplicationGroups"]
    return found


def member_cluster(client, name: str) -> dict:
    (found,) = conforms(client.describe_cache_clusters(CacheClusterId=name, ShowCacheNodeInfo=True), "DescribeCacheClusters")["CacheClusters"]
    return found


def global_group(client, name: str) -> dict:
    response = client.describe_global_replication_groups(GlobalReplicationGroupId=name, ShowMemberInfo=True)
    (found,) = conforms(response, "DescribeGlobalReplicationGroups")["GlobalReplicationGroups"]
    return found


def roles(found: dict) -> dict[str, str]:
    return {member["ReplicationGroupRegion"]: member["Role"] for member in found["Members"]}


def create(client, name: str = "stories-redis", **parameters) -> dict:
    """A replication group; a parameter given as None is left out."""
    request = {"ReplicationGroupId": name, "ReplicationGroupDescription": "1001 Stories cache", "CacheNodeType": "cache.r7g.large"} | parameters
    request = {key: value for key, value in request.items() if value is not None}
    return conforms(client.create_replication_group(**request), "CreateReplicationGroup")["ReplicationGroup"]


def create_encrypted_primary(cache, kms_key: str | None = None, **parameters) -> dict:
    encrypted = {
        "Engine": "redis",
        "EngineVersion": "7.1",
        "NumCacheClusters": 2,
        "AutomaticFailoverEnabled": True,
        "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True,
        "AuthToken": AUTH_TOKEN,
        "KmsKeyId": kms_key,
    }
    return create(cache[PRIMARY], **(encrypted | parameters))


# ---------------------------------------------------------------------------------------------------------------------
# The model

NEW_OPERATIONS = {
    "IncreaseReplicaCount": {"ReplicationGroupId", "NewReplicaCount", "ReplicaConfiguration", "ApplyImmediately"},
    "DecreaseReplicaCount": {"ReplicationGroupId", "NewReplicaCount", "ReplicaConfiguration", "ReplicasToRemove", "ApplyImmediately"},
    "ModifyReplicationGroupShardConfiguration": {
        "ReplicationGroupId",
        "NodeGroupCount",
        "ApplyImmediately",
        "ReshardingConfiguration",
        "NodeGroupsToRemove",
        "NodeGroupsToRetain",
    },
    "CreateCacheParameterGroup": {"CacheParameterGroupName", "CacheParameterGroupFamily", "Description", "Tags"},
    "DescribeCacheParameterGroups": {"CacheParameterGroupName", "MaxRecords", "Marker"},
    "ModifyCacheParameterGroup": {"CacheParameterGroupName", "ParameterNameValues"},
    "ResetCacheParameterGroup": {"CacheParameterGroupName", "ResetAllParameters", "ParameterNameValues"},
    "DeleteCacheParameterGroup": {"CacheParameterGroupName"},
    "DescribeCacheParameters": {"CacheParameterGroupName", "Source", "MaxRecords", "Marker"},
    "DescribeEngineDefaultParameters": {"CacheParameterGroupFamily", "MaxRecords", "Marker"},
    "CreateGlobalReplicationGroup": {"GlobalReplicationGroupIdSuffix", "GlobalReplicationGroupDescription", "PrimaryReplicationGroupId", "Tags"},
    "DescribeGlobalReplicationGroups": {"GlobalReplicationGroupId", "MaxRecords", "Marker", "ShowMemberInfo"},
    "ModifyGlobalReplicationGroup": {
        "GlobalReplicationGroupId",
        "ApplyImmediately",
        "CacheNodeType",
        "Engine",
        "EngineVersion",
        "CacheParameterGroupName",
        "GlobalReplicationGroupDescription",
        "AutomaticFailoverEnabled",
    },
    "FailoverGlobalReplicationGroup": {"GlobalReplicationGroupId", "PrimaryRegion", "PrimaryReplicationGroupId"},
    "DisassociateGlobalReplicationGroup": {"GlobalReplicationGroupId", "ReplicationGroupId", "ReplicationGroupRegion"},
    "DeleteGlobalReplicationGroup": {"GlobalReplicationGroupId", "RetainPrimaryReplicationGroup"},
    "IncreaseNodeGroupsInGlobalReplicationGroup": {"GlobalReplicationGroupId", "NodeGroupCount", "RegionalConfigurations", "ApplyImmediately"},
    "DecreaseNodeGroupsInGlobalReplicationGroup": {
        "GlobalReplicationGroupId",
        "NodeGroupCount",
        "GlobalNodeGroupsToRemove",
        "GlobalNodeGroupsToRetain",
        "ApplyImmediately",
    },
}


@pytest.mark.parametrize(("operation", "parameters"), sorted(NEW_OPERATIONS.items()))
def test_new_operations_take_every_request_parameter_of_the_model(emulator, operation, parameters):
    assert set(service_model("elasticache").operation_model(operation).input_shape.members) == parameters
    assert callable(getattr(ElastiCacheResponse, xform_name(operation)))


# ---------------------------------------------------------------------------------------------------------------------
# Replication groups, cluster mode disabled


def test_cluster_mode_disabled_group_is_created_as_aws_creates_it(aws, cache, subnet_group):
    kms_key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    created = create_encrypted_primary(
        cache,
        kms_key,
        NumCacheClusters=3,
        MultiAZEnabled=True,
        CacheSubnetGroupName=subnet_group,
        SecurityGroupIds=["sg-0123456789abcdef0"],
        CacheParameterGroupName="default.redis7",
        SnapshotRetentionLimit=5,
        SnapshotWindow="05:00-06:00",
        PreferredMaintenanceWindow="Sun:23:00-Mon:01:30",
        LogDeliveryConfigurations=[SLOW_LOG],
        Tags=[{"Key": "Project", "Value": "stories"}],
    )
    assert created["Status"] == "creating"

    found = group(cache[PRIMARY], "stories-redis")
    assert found["Status"] == "available"
    assert found["MemberClusters"] == ["stories-redis-001", "stories-redis-002", "stories-redis-003"]
    (node_group,) = found["NodeGroups"]
    assert [(member["CurrentRole"], member["PreferredAvailabilityZone"]) for member in node_group["NodeGroupMembers"]] == [
        ("primary", "us-east-1b"),
        ("replica", "us-east-1c"),
        ("replica", "us-east-1b"),
    ]
    assert node_group["PrimaryEndpoint"]["Address"].startswith("master.stories-redis.")
    assert node_group["ReaderEndpoint"]["Address"].endswith(".use1.cache.amazonaws.com")
    assert "ConfigurationEndpoint" not in found
    expected = {
        "ClusterEnabled": False,
        "ClusterMode": "disabled",
        "AutomaticFailover": "enabled",
        "MultiAZ": "enabled",
        "AtRestEncryptionEnabled": True,
        "KmsKeyId": kms_key,
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "AuthTokenEnabled": True,
        "SnapshotRetentionLimit": 5,
        "SnapshotWindow": "05:00-06:00",
        "SnapshottingClusterId": "stories-redis-002",
        "GlobalReplicationGroupInfo": {},
        "PendingModifiedValues": {},
    }
    assert {key: found[key] for key in expected} == expected
    assert found["LogDeliveryConfigurations"] == [SLOW_LOG | {"Status": "active"}]
    assert "AuthTokenLastModifiedDate" in found
    tags = conforms(cache[PRIMARY].list_tags_for_resource(ResourceName=found["ARN"]), "ListTagsForResource")["TagList"]
    assert tags == [{"Key": "Project", "Value": "stories"}]


def test_member_clusters_carry_what_describe_replication_groups_does_not(cache, subnet_group):
    create_encrypted_primary(
        cache, CacheSubnetGroupName=subnet_group, SecurityGroupIds=["sg-0123456789abcdef0"], PreferredMaintenanceWindow="mon:05:00-mon:06:00"
    )

    cluster = member_cluster(cache[PRIMARY], "stories-redis-001")
    assert cluster["ReplicationGroupId"] == "stories-redis"
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["CacheNodeType"]) == ("redis", "7.1", "cache.r7g.large")
    assert cluster["CacheParameterGroup"] == {"CacheParameterGroupName": "default.redis7", "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []}
    assert cluster["PreferredMaintenanceWindow"] == "mon:05:00-mon:06:00"
    assert cluster["CacheSubnetGroupName"] == subnet_group
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}]
    (node,) = cluster["CacheNodes"]
    assert (node["CacheNodeId"], node["CacheNodeStatus"], node["CustomerAvailabilityZone"]) == ("0001", "available", "us-east-1b")
    assert node["Endpoint"]["Address"].startswith("stories-redis-001.stories-redis.")
    listed = conforms(cache[PRIMARY].describe_cache_clusters(), "DescribeCacheClusters")["CacheClusters"]
    assert [item["CacheClusterId"] for item in listed] == ["stories-redis-001", "stories-redis-002"]
    assert all("CacheNodes" not in item for item in listed)
    assert conforms(cache[PRIMARY].describe_cache_clusters(ShowCacheClustersNotInReplicationGroups=True), "DescribeCacheClusters")["CacheClusters"] == []


def test_group_in_another_region_lives_in_its_zones_and_endpoints(cache):
    create(cache[EUROPE], NumCacheClusters=2, AutomaticFailoverEnabled=True)

    (node_group,) = group(cache[EUROPE], "stories-redis")["NodeGroups"]
    assert [member["PreferredAvailabilityZone"] for member in node_group["NodeGroupMembers"]] == ["eu-west-1a", "eu-west-1b"]
    assert node_group["PrimaryEndpoint"]["Address"].endswith(".euw1.cache.amazonaws.com")


def test_waiters_succeed_on_their_first_describe(cache):
    create(cache[PRIMARY])
    cache[PRIMARY].get_waiter("replication_group_available").wait(ReplicationGroupId="stories-redis", WaiterConfig=NO_WAIT)
    cache[PRIMARY].get_waiter("cache_cluster_available").wait(CacheClusterId="stories-redis-001", WaiterConfig=NO_WAIT)

    deleted = conforms(cache[PRIMARY].delete_replication_group(ReplicationGroupId="stories-redis"), "DeleteReplicationGroup")["ReplicationGroup"]
    assert deleted["Status"] == "deleting"
    cache[PRIMARY].get_waiter("replication_group_deleted").wait(ReplicationGroupId="stories-redis", WaiterConfig=NO_WAIT)
    with pytest.raises(ClientError) as gone:
        cache[PRIMARY].describe_cache_clusters(CacheClusterId="stories-redis-001")
    assert error_code(gone) == "CacheClusterNotFound"


def test_id_is_stored_in_lowercase(cache):
    assert create(cache[PRIMARY], "Stories-Redis")["ReplicationGroupId"] == "stories-redis"
    assert group(cache[PRIMARY], "STORIES-REDIS")["ReplicationGroupId"] == "stories-redis"


def test_every_field_the_module_manages_can_be_modified(cache):
    create_encrypted_primary(cache, LogDeliveryConfigurations=[SLOW_LOG], SnapshotRetentionLimit=1)
    cache[PRIMARY].create_cache_parameter_group(CacheParameterGroupName="stories-redis7", CacheParameterGroupFamily="redis7", Description="stories")
    before = group(cache[PRIMARY], "stories-redis")

    response = cache[PRIMARY].modify_replication_group(
        ReplicationGroupId="stories-redis",
        ApplyImmediately=True,
        ReplicationGroupDescription="1001 Stories sessions",
        CacheNodeType="cache.r7g.xlarge",
        EngineVersion="7.1",
        CacheParameterGroupName="stories-redis7",
        SnapshotRetentionLimit=7,
        SnapshotWindow="03:00-04:00",
        PreferredMaintenanceWindow="tue:04:00-tue:05:00",
        SecurityGroupIds=["sg-0fedcba9876543210"],
        AutoMinorVersionUpgrade=False,
        MultiAZEnabled=True,
        LogDeliveryConfigurations=[{"LogType": "slow-log", "Enabled": False}],
    )
    assert conforms(response, "ModifyReplicationGroup")["ReplicationGroup"]["Status"] == "modifying"

    found = group(cache[PRIMARY], "stories-redis")
    assert found["Status"] == "available"
    changed = {"Description": "1001 Stories sessions", "CacheNodeType": "cache.r7g.xlarge", "SnapshotRetentionLimit": 7, "SnapshotWindow": "03:00-04:00"}
    assert {key: found[key] for key in changed} == changed
    assert (found["MultiAZ"], found["AutoMinorVersionUpgrade"], found["LogDeliveryConfigurations"]) == ("enabled", False, [])
    assert found["AuthTokenLastModifiedDate"] == before["AuthTokenLastModifiedDate"]
    cluster = member_cluster(cache[PRIMARY], "stories-redis-002")
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "stories-redis7"
    assert cluster["PreferredMaintenanceWindow"] == "tue:04:00-tue:05:00"
    assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0fedcba9876543210", "Status": "active"}]
    assert cluster["CacheNodeType"] == "cache.r7g.xlarge"


def test_auth_token_is_rotated_then_set(cache):
    create_encrypted_primary(cache)
    first = group(cache[PRIMARY], "stories-redis")["AuthTokenLastModifiedDate"]
    with pytest.raises(ClientError) as set_first:
        cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", AuthToken="another-long-token-1", AuthTokenUpdateStrategy="SET")
    assert error_code(set_first) == "InvalidParameterCombination"

    cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", AuthToken="another-long-token-1", AuthTokenUpdateStrategy="ROTATE")
    rotated = group(cache[PRIMARY], "stories-redis")["AuthTokenLastModifiedDate"]
    cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", AuthToken="another-long-token-1", AuthTokenUpdateStrategy="SET")
    found = group(cache[PRIMARY], "stories-redis")

    assert first < rotated < found["AuthTokenLastModifiedDate"]
    assert found["AuthTokenEnabled"] is True


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"AuthToken": "short"}, "InvalidParameterValue"),
        ({"AuthToken": "no/slashes/in/tokens/please"}, "InvalidParameterValue"),
        ({"AuthTokenUpdateStrategy": "DELETE"}, "InvalidParameterCombination"),
        ({"AuthTokenUpdateStrategy": "ROTATE"}, "InvalidParameterCombination"),
        ({"EngineVersion": "6.2"}, "InvalidParameterCombination"),
        ({"Engine": "memcached"}, "InvalidParameterValue"),
        ({"AutomaticFailoverEnabled": False, "MultiAZEnabled": True}, "InvalidParameterCombination"),
        ({"CacheParameterGroupName": "default.redis7.cluster.on"}, "InvalidParameterCombination"),
        ({"CacheParameterGroupName": "default.valkey8"}, "InvalidParameterCombination"),
        ({"CacheParameterGroupName": "missing"}, "CacheParameterGroupNotFound"),
        ({"PreferredMaintenanceWindow": "sunday 23:00"}, "InvalidParameterValue"),
        ({"SnapshotWindow": "5-6"}, "InvalidParameterValue"),
        ({"SnapshotRetentionLimit": 36}, "InvalidParameterValue"),
        ({"TransitEncryptionEnabled": False}, "InvalidParameterCombination"),
        ({"PrimaryClusterId": "stories-redis-009"}, "InvalidParameterValue"),
        ({"LogDeliveryConfigurations": [{"LogType": "slow-log", "DestinationType": "s3"}]}, "InvalidParameterValue"),
    ],
)
def test_modifications_aws_refuses_change_nothing(cache, changes, code):
    create_encrypted_primary(cache)
    before = group(cache[PRIMARY], "stories-redis")

    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", ApplyImmediately=True, **changes)

    assert error_code(refused) == code
    assert group(cache[PRIMARY], "stories-redis") == before


def test_valkey_upgrade_moves_a_default_parameter_group_to_the_new_family(cache):
    create(cache[PRIMARY], Engine="redis", EngineVersion="7.1")

    cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", Engine="valkey", EngineVersion="8.0", ApplyImmediately=True)

    cluster = member_cluster(cache[PRIMARY], "stories-redis-001")
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["CacheParameterGroup"]["CacheParameterGroupName"]) == ("valkey", "8.0", "default.valkey8")
    with pytest.raises(ClientError) as back:
        cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", Engine="redis", EngineVersion="7.1")
    assert error_code(back) == "InvalidParameterCombination"


def test_in_transit_encryption_is_turned_on_in_preferred_mode_first(cache):
    create(cache[PRIMARY])
    with pytest.raises(ClientError) as straight_to_required:
        cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", TransitEncryptionEnabled=True, TransitEncryptionMode="required")
    assert error_code(straight_to_required) == "InvalidParameterCombination"

    cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", TransitEncryptionEnabled=True)
    assert group(cache[PRIMARY], "stories-redis")["TransitEncryptionMode"] == "preferred"
    cache[PRIMARY].modify_replication_group(ReplicationGroupId="stories-redis", TransitEncryptionMode="required")
    assert group(cache[PRIMARY], "stories-redis")["TransitEncryptionMode"] == "required"


def test_replicas_are_added_and_removed(cache):
    create(cache[PRIMARY], NumCacheClusters=2, AutomaticFailoverEnabled=True)

    increased = cache[PRIMARY].increase_replica_count(ReplicationGroupId="stories-redis", NewReplicaCount=3, ApplyImmediately=True)
    assert conforms(increased, "IncreaseReplicaCount")["ReplicationGroup"]["Status"] == "modifying"
    assert group(cache[PRIMARY], "stories-redis")["MemberClusters"] == [f"stories-redis-00{number}" for number in range(1, 5)]

    decreased = cache[PRIMARY].decrease_replica_count(ReplicationGroupId="stories-redis", ReplicasToRemove=["stories-redis-002"], ApplyImmediately=True)
    conforms(decreased, "DecreaseReplicaCount")
    assert group(cache[PRIMARY], "stories-redis")["MemberClusters"] == ["stories-redis-001", "stories-redis-003", "stories-redis-004"]
    cache[PRIMARY].decrease_replica_count(ReplicationGroupId="stories-redis", NewReplicaCount=1, ApplyImmediately=True)
    assert group(cache[PRIMARY], "stories-redis")["MemberClusters"] == ["stories-redis-001", "stories-redis-003"]
    with pytest.raises(ClientError) as gone:
        cache[PRIMARY].describe_cache_clusters(CacheClusterId="stories-redis-004")
    assert error_code(gone) == "CacheClusterNotFound"


@pytest.mark.parametrize(
    ("operation", "parameters", "code"),
    [
        ("increase_replica_count", {"NewReplicaCount": 1}, "InvalidParameterValue"),
        ("increase_replica_count", {"NewReplicaCount": 6}, "InvalidParameterValue"),
        ("increase_replica_count", {}, "InvalidParameterValue"),
        ("decrease_replica_count", {"NewReplicaCount": 0}, "InvalidParameterCombination"),
        ("decrease_replica_count", {"ReplicasToRemove": ["stories-redis-001"]}, "InvalidParameterValue"),
        ("decrease_replica_count", {"ReplicaConfiguration": [{"NodeGroupId": "0002", "NewReplicaCount": 0}]}, "InvalidParameterValue"),
    ],
)
def test_replica_changes_aws_refuses(cache, operation, parameters, code):
    create(cache[PRIMARY], NumCacheClusters=2, AutomaticFailoverEnabled=True)

    with pytest.raises(ClientError) as refused:
        getattr(cache[PRIMARY], operation)(ReplicationGroupId="stories-redis", ApplyImmediately=True, **parameters)

    assert error_code(refused) == code
    assert group(cache[PRIMARY], "stories-redis")["MemberClusters"] == ["stories-redis-001", "stories-redis-002"]


def test_a_read_replica_can_be_deleted_as_a_cache_cluster_but_not_the_primary(cache):
    create(cache[PRIMARY], NumCacheClusters=3)

    deleted = conforms(cache[PRIMARY].delete_cache_cluster(CacheClusterId="stories-redis-003"), "DeleteCacheCluster")["CacheCluster"]
    assert deleted["CacheClusterStatus"] == "deleting"
    assert group(cache[PRIMARY], "stories-redis")["MemberClusters"] == ["stories-redis-001", "stories-redis-002"]
    with pytest.raises(ClientError) as primary:
        cache[PRIMARY].delete_cache_cluster(CacheClusterId="stories-redis-001")
    assert error_code(primary) == "InvalidCacheClusterState"


def test_delete_takes_a_final_snapshot_and_a_new_group_of_that_name_starts_clean(cache):
    created = create(cache[PRIMARY], NumCacheClusters=2, Tags=[{"Key": "Phase", "Value": "1"}])
    cache[PRIMARY].create_snapshot(ReplicationGroupId="stories-redis", SnapshotName="taken")
    with pytest.raises(ClientError) as taken:
        cache[PRIMARY].delete_replication_group(ReplicationGroupId="stories-redis", FinalSnapshotIdentifier="taken")
    assert error_code(taken) == "SnapshotAlreadyExistsFault"

    cache[PRIMARY].delete_replication_group(ReplicationGroupId="stories-redis", FinalSnapshotIdentifier="stories-redis-final")

    (snapshot,) = conforms(cache[PRIMARY].describe_snapshots(SnapshotName="stories-redis-final"), "DescribeSnapshots")["Snapshots"]
    assert (snapshot["ReplicationGroupId"], snapshot["EngineVersion"], snapshot["NumNodeGroups"]) == ("stories-redis", "7.1", 1)
    assert [node["NodeGroupId"] for node in snapshot["NodeSnapshots"]] == ["0001"]
    with pytest.raises(ClientError) as gone:
        cache[PRIMARY].describe_replication_groups(ReplicationGroupId="stories-redis")
    assert error_code(gone) == "ReplicationGroupNotFoundFault"
    create(cache[PRIMARY], SnapshotName="stories-redis-final")
    assert cache[PRIMARY].list_tags_for_resource(ResourceName=created["ARN"])["TagList"] == []


def test_retained_primary_stands_alone(cache):
    create(cache[PRIMARY], NumCacheClusters=2)

    cache[PRIMARY].delete_replication_group(ReplicationGroupId="stories-redis", RetainPrimaryCluster=True)

    cluster = member_cluster(cache[PRIMARY], "stories-redis-001")
    assert "ReplicationGroupId" not in cluster
    listed = cache[PRIMARY].describe_cache_clusters()["CacheClusters"]
    assert [item["CacheClusterId"] for item in listed] == ["stories-redis-001"]


def test_seeding_from_an_rdb_file_in_s3_needs_the_object(aws, cache):
    s3 = aws("s3")
    s3.create_bucket(Bucket="stories-seed")
    s3.put_object(Bucket="stories-seed", Key="redis/dump.rdb", Body=b"REDIS0011")

    create(cache[PRIMARY], SnapshotArns=["arn:aws:s3:::stories-seed/redis/dump.rdb"])
    with pytest.raises(ClientError) as missing:
        create(cache[PRIMARY], "stories-redis-2", SnapshotArns=["arn:aws:s3:::stories-seed/redis/missing.rdb"])
    assert error_code(missing) == "InvalidParameterValue"


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({"ReplicationGroupId": "1001-stories-redis"}, "InvalidParameterValue"),
        ({"ReplicationGroupId": "stories--redis"}, "InvalidParameterValue"),
        ({"ReplicationGroupId": "stories-redis-"}, "InvalidParameterValue"),
        ({"ReplicationGroupId": "stories_redis"}, "InvalidParameterValue"),
        ({"ReplicationGroupId": "s" * 41}, "InvalidParameterValue"),
        ({"AuthToken": AUTH_TOKEN}, "InvalidParameterCombination"),
        ({"AuthToken": "short", "TransitEncryptionEnabled": True}, "InvalidParameterValue"),
        ({"AuthToken": "quotes\"are'not@allowed", "TransitEncryptionEnabled": True}, "InvalidParameterValue"),
        ({"AutomaticFailoverEnabled": True}, "InvalidParameterCombination"),
        ({"AutomaticFailoverEnabled": True, "NumCacheClusters": 1}, "InvalidParameterCombination"),
        ({"MultiAZEnabled": True, "NumCacheClusters": 2}, "InvalidParameterCombination"),
        ({"NumCacheClusters": 7}, "InvalidParameterValue"),
        ({"ClusterMode": "enabled", "NumNodeGroups": 2}, "InvalidParameterCombination"),
        ({"ClusterMode": "enabled", "AutomaticFailoverEnabled": True, "CacheParameterGroupName": "default.redis7"}, "InvalidParameterCombination"),
        ({"ClusterMode": "disabled", "NumNodeGroups": 2}, "InvalidParameterCombination"),
        ({"CacheParameterGroupName": "default.redis6.x"}, "InvalidParameterCombination"),
        ({"CacheParameterGroupName": "missing"}, "CacheParameterGroupNotFound"),
        ({"Engine": "valkey", "EngineVersion": "6.2"}, "InvalidParameterCombination"),
        ({"Engine": "memcached"}, "InvalidParameterValue"),
        ({"KmsKeyId": "alias/missing", "AtRestEncryptionEnabled": True}, "InvalidParameterValue"),
        ({"KmsKeyId": "alias/aws/elasticache"}, "InvalidParameterCombination"),
        ({"CacheSubnetGroupName": "missing"}, "CacheSubnetGroupNotFoundFault"),
        ({"SnapshotName": "missing"}, "SnapshotNotFoundFault"),
        ({"SnapshotArns": ["stories-seed/dump.rdb"]}, "InvalidParameterValue"),
        ({"LogDeliveryConfigurations": [SLOW_LOG | {"LogFormat": "xml"}]}, "InvalidParameterValue"),
        ({"LogDeliveryConfigurations": [SLOW_LOG, SLOW_LOG]}, "InvalidParameterCombination"),
        ({"PreferredMaintenanceWindow": "23:00-00:00"}, "InvalidParameterValue"),
    ],
)
def test_groups_aws_refuses_are_not_created(cache, parameters, code):
    with pytest.raises(ClientError) as refused:
        create(cache[PRIMARY], **parameters)

    assert error_code(refused) == code
    assert cache[PRIMARY].describe_replication_groups()["ReplicationGroups"] == []
    assert cache[PRIMARY].describe_cache_clusters()["CacheClusters"] == []


def test_duplicate_group_is_refused(cache):
    create(cache[PRIMARY])
    with pytest.raises(ClientError) as duplicate:
        create(cache[PRIMARY], "STORIES-REDIS")
    assert error_code(duplicate) == "ReplicationGroupAlreadyExists"


# ---------------------------------------------------------------------------------------------------------------------
# Replication groups, cluster mode enabled


def create_cluster(client, name: str = "stories-cluster", **parameters) -> dict:
    request = {"Engine": "valkey", "EngineVersion": "8.0", "NumNodeGroups": 3, "ReplicasPerNodeGroup": 1, "AutomaticFailoverEnabled": True}
    return create(client, name, **(request | parameters))


def slots(found: dict) -> dict[str, str]:
    return {node_group["NodeGroupId"]: node_group["Slots"] for node_group in found["NodeGroups"]}


def test_cluster_mode_enabled_group_is_created_as_aws_creates_it(cache):
    create_cluster(cache[PRIMARY], CacheParameterGroupName="default.valkey8.cluster.on")

    found = group(cache[PRIMARY], "stories-cluster")
    assert (found["ClusterEnabled"], found["ClusterMode"]) == (True, "enabled")
    assert found["ConfigurationEndpoint"]["Address"].startswith("clustercfg.stories-cluster.")
    assert slots(found) == {"0001": "0-5461", "0002": "5462-10922", "0003": "10923-16383"}
    assert found["MemberClusters"] == [f"stories-cluster-000{shard}-00{member}" for shard in (1, 2, 3) for member in (1, 2)]
    for node_group in found["NodeGroups"]:
        assert "PrimaryEndpoint" not in node_group
        assert [member["CacheNodeId"] for member in node_group["NodeGroupMembers"]] == ["0001", "0001"]
        assert all("CurrentRole" not in member for member in node_group["NodeGroupMembers"])
    assert member_cluster(cache[PRIMARY], "stories-cluster-0002-002")["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8.cluster.on"


@pytest.mark.parametrize(
    "parameters",
    [{"ClusterMode": "enabled"}, {"CacheParameterGroupName": "default.valkey8.cluster.on", "NumNodeGroups": 1}, {}],
    ids=["cluster-mode", "parameter-group", "node-groups"],
)
def test_cluster_mode_follows_cluster_mode_parameter_group_or_node_groups(cache, parameters):
    create_cluster(cache[PRIMARY], **parameters)
    found = group(cache[PRIMARY], "stories-cluster")
    assert found["ClusterEnabled"] is True
    assert member_cluster(cache[PRIMARY], found["MemberClusters"][0])["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8.cluster.on"


def test_node_group_configuration_places_each_shard(cache):
    configuration = [
        {"NodeGroupId": "0001", "Slots": "0-8999", "ReplicaCount": 1, "PrimaryAvailabilityZone": "us-east-1c", "ReplicaAvailabilityZones": ["us-east-1b"]},
        {"NodeGroupId": "0002", "Slots": "9000-16383", "ReplicaCount": 2, "PrimaryAvailabilityZone": "us-east-1a"},
    ]
    create(cache[PRIMARY], "stories-cluster", ClusterMode="enabled", AutomaticFailoverEnabled=True, NumNodeGroups=2, NodeGroupConfiguration=configuration)

    found = group(cache[PRIMARY], "stories-cluster")
    assert slots(found) == {"0001": "0-8999", "0002": "9000-16383"}
    zones = [[member["PreferredAvailabilityZone"] for member in node_group["NodeGroupMembers"]] for node_group in found["NodeGroups"]]
    assert zones[0] == ["us-east-1c", "us-east-1b"]
    assert len(zones[1]) == 3 and zones[1][0] == "us-east-1a"


def test_shards_are_added_and_removed_and_slots_rebalanced(cache):
    create_cluster(cache[PRIMARY])

    response = cache[PRIMARY].modify_replication_group_shard_configuration(
        ReplicationGroupId="stories-cluster",
        NodeGroupCount=4,
        ApplyImmediately=True,
        ReshardingConfiguration=[{"PreferredAvailabilityZones": ["us-east-1c", "us-east-1a"]}],
    )
    assert conforms(response, "ModifyReplicationGroupShardConfiguration")["ReplicationGroup"]["Status"] == "modifying"
    found = group(cache[PRIMARY], "stories-cluster")
    assert slots(found) == {"0001": "0-4095", "0002": "4096-8191", "0003": "8192-12287", "0004": "12288-16383"}
    assert [member["PreferredAvailabilityZone"] for member in found["NodeGroups"][3]["NodeGroupMembers"]] == ["us-east-1c", "us-east-1a"]
    assert member_cluster(cache[PRIMARY], "stories-cluster-0004-002")["ReplicationGroupId"] == "stories-cluster"

    cache[PRIMARY].modify_replication_group_shard_configuration(
        ReplicationGroupId="stories-cluster", NodeGroupCount=2, ApplyImmediately=True, NodeGroupsToRemove=["0001", "0003"]
    )
    assert slots(group(cache[PRIMARY], "stories-cluster")) == {"0002": "0-8191", "0004": "8192-16383"}
    cache[PRIMARY].modify_replication_group_shard_configuration(
        ReplicationGroupId="stories-cluster", NodeGroupCount=1, ApplyImmediately=True, NodeGroupsToRetain=["0004"]
    )
    assert slots(group(cache[PRIMARY], "stories-cluster")) == {"0004": "0-16383"}


def test_replicas_are_added_per_shard(cache):
    create_cluster(cache[PRIMARY], NumNodeGroups=2, ReplicasPerNodeGroup=0)

    cache[PRIMARY].increase_replica_count(
        ReplicationGroupId="stories-cluster", ApplyImmediately=True, ReplicaConfiguration=[{"NodeGroupId": "0002", "NewReplicaCount": 2}]
    )

    members = [len(node_group["NodeGroupMembers"]) for node_group in group(cache[PRIMARY], "stories-cluster")["NodeGroups"]]
    assert members == [1, 3]


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({"NodeGroupCount": 2}, "InvalidParameterValue"),
        ({"NodeGroupCount": 2, "NodeGroupsToRemove": ["0009"]}, "InvalidParameterValue"),
        ({"NodeGroupCount": 1, "NodeGroupsToRemove": ["0001"]}, "InvalidParameterValue"),
        ({"NodeGroupCount": 3}, "InvalidParameterValue"),
        ({"NodeGroupCount": 4, "ApplyImmediately": False}, "InvalidParameterValue"),
    ],
)
def test_shard_changes_aws_refuses(cache, parameters, code):
    create_cluster(cache[PRIMARY])

    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].modify_replication_group_shard_configuration(ReplicationGroupId="stories-cluster", **({"ApplyImmediately": True} | parameters))

    assert error_code(refused) == code
    assert len(group(cache[PRIMARY], "stories-cluster")["NodeGroups"]) == 3


def test_cluster_mode_disabled_group_has_no_shards_to_change(cache):
    create(cache[PRIMARY])
    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].modify_replication_group_shard_configuration(ReplicationGroupId="stories-redis", NodeGroupCount=2, ApplyImmediately=True)
    assert error_code(refused) == "InvalidParameterValue"


# ---------------------------------------------------------------------------------------------------------------------
# Cache parameter groups


@pytest.mark.parametrize("family", ["redis7", "valkey7", "valkey8"])
def test_default_groups_list_the_engine_defaults(cache, family):
    groups = conforms(cache[EUROPE].describe_cache_parameter_groups(), "DescribeCacheParameterGroups")["CacheParameterGroups"]
    assert {f"default.{family}", f"default.{family}.cluster.on"} <= {item["CacheParameterGroupName"] for item in groups}

    parameters = conforms(cache[EUROPE].describe_cache_parameters(CacheParameterGroupName=f"default.{family}"), "DescribeCacheParameters")["Parameters"]
    by_name = {parameter["ParameterName"]: parameter for parameter in parameters}
    assert by_name["maxmemory-policy"] | {"Description": ""} == {
        "ParameterName": "maxmemory-policy",
        "ParameterValue": "volatile-lru",
        "Description": "",
        "Source": "system",
        "DataType": "string",
        "AllowedValues": "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction",
        "IsModifiable": True,
        "MinimumEngineVersion": by_name["maxmemory-policy"]["MinimumEngineVersion"],
        "ChangeType": "immediate",
    }
    required = {"notify-keyspace-events", "timeout", "tcp-keepalive", "cluster-enabled", "slowlog-log-slower-than", "slowlog-max-len"}
    assert required | {"maxmemory-samples", "lazyfree-lazy-eviction", "activedefrag"} <= by_name.keys()
    assert "ParameterValue" not in by_name["notify-keyspace-events"]
    assert by_name["cluster-enabled"]["ParameterValue"] == "no"
    assert (by_name["timeout"]["ParameterValue"], by_name["timeout"]["AllowedValues"]) == ("0", "0,20-")
    cluster_on = cache[EUROPE].describe_cache_parameters(CacheParameterGroupName=f"default.{family}.cluster.on")["Parameters"]
    assert {parameter["ParameterName"]: parameter.get("ParameterValue") for parameter in cluster_on}["cluster-enabled"] == "yes"
    defaults = conforms(cache[EUROPE].describe_engine_default_parameters(CacheParameterGroupFamily=family), "DescribeEngineDefaultParameters")
    assert defaults["EngineDefaults"]["Parameters"] == parameters


def test_custom_group_is_created_modified_reset_and_deleted(cache):
    created = cache[PRIMARY].create_cache_parameter_group(
        CacheParameterGroupName="stories-redis7", CacheParameterGroupFamily="redis7", Description="sessions", Tags=[{"Key": "Project", "Value": "stories"}]
    )
    parameter_group = conforms(created, "CreateCacheParameterGroup")["CacheParameterGroup"]
    assert {key: parameter_group[key] for key in ("CacheParameterGroupName", "CacheParameterGroupFamily", "Description", "IsGlobal")} == {
        "CacheParameterGroupName": "stories-redis7",
        "CacheParameterGroupFamily": "redis7",
        "Description": "sessions",
        "IsGlobal": False,
    }
    tags = cache[PRIMARY].list_tags_for_resource(ResourceName=parameter_group["ARN"])["TagList"]
    assert tags == [{"Key": "Project", "Value": "stories"}]

    changes = [
        {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"},
        {"ParameterName": "notify-keyspace-events", "ParameterValue": "Ex"},
        {"ParameterName": "timeout", "ParameterValue": "300"},
    ]
    modified = cache[PRIMARY].modify_cache_parameter_group(CacheParameterGroupName="stories-redis7", ParameterNameValues=changes)
    assert conforms(modified, "ModifyCacheParameterGroup") == {"CacheParameterGroupName": "stories-redis7"}
    user = conforms(cache[PRIMARY].describe_cache_parameters(CacheParameterGroupName="stories-redis7", Source="user"), "DescribeCacheParameters")
    assert {parameter["ParameterName"]: parameter["ParameterValue"] for parameter in user["Parameters"]} == {
        "maxmemory-policy": "allkeys-lru",
        "notify-keyspace-events": "Ex",
        "timeout": "300",
    }

    reset = cache[PRIMARY].reset_cache_parameter_group(CacheParameterGroupName="stories-redis7", ParameterNameValues=[{"ParameterName": "timeout"}])
    assert conforms(reset, "ResetCacheParameterGroup") == {"CacheParameterGroupName": "stories-redis7"}
    user = cache[PRIMARY].describe_cache_parameters(CacheParameterGroupName="stories-redis7", Source="user")["Parameters"]
    assert [parameter["ParameterName"] for parameter in user] == ["maxmemory-policy", "notify-keyspace-events"]
    cache[PRIMARY].reset_cache_parameter_group(CacheParameterGroupName="stories-redis7", ResetAllParameters=True)
    assert cache[PRIMARY].describe_cache_parameters(CacheParameterGroupName="stories-redis7", Source="user")["Parameters"] == []

    conforms(cache[PRIMARY].delete_cache_parameter_group(CacheParameterGroupName="stories-redis7"), "DeleteCacheParameterGroup")
    with pytest.raises(ClientError) as gone:
        cache[PRIMARY].describe_cache_parameter_groups(CacheParameterGroupName="stories-redis7")
    assert error_code(gone) == "CacheParameterGroupNotFound"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-newest"}, "InvalidParameterValue"),
        ({"ParameterName": "timeout", "ParameterValue": "10"}, "InvalidParameterValue"),
        ({"ParameterName": "tcp-keepalive", "ParameterValue": "often"}, "InvalidParameterValue"),
        ({"ParameterName": "maxclients", "ParameterValue": "1000"}, "InvalidParameterValue"),
        ({"ParameterName": "no-such-parameter", "ParameterValue": "1"}, "InvalidParameterValue"),
    ],
)
def test_parameter_changes_aws_refuses(cache, change, code):
    cache[PRIMARY].create_cache_parameter_group(CacheParameterGroupName="stories-redis7", CacheParameterGroupFamily="redis7", Description="sessions")

    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].modify_cache_parameter_group(
            CacheParameterGroupName="stories-redis7", ParameterNameValues=[{"ParameterName": "activedefrag", "ParameterValue": "yes"}, change]
        )

    assert error_code(refused) == code
    assert cache[PRIMARY].describe_cache_parameters(CacheParameterGroupName="stories-redis7", Source="user")["Parameters"] == []


def test_default_groups_cannot_be_modified_or_deleted(cache):
    with pytest.raises(ClientError) as modified:
        cache[PRIMARY].modify_cache_parameter_group(
            CacheParameterGroupName="default.redis7", ParameterNameValues=[{"ParameterName": "timeout", "ParameterValue": "300"}]
        )
    assert error_code(modified) == "InvalidCacheParameterGroupState"
    with pytest.raises(ClientError) as deleted:
        cache[PRIMARY].delete_cache_parameter_group(CacheParameterGroupName="default.redis7")
    assert error_code(deleted) == "InvalidCacheParameterGroupState"


def test_group_in_use_cannot_be_deleted_and_must_fit_cluster_mode(cache):
    cache[PRIMARY].create_cache_parameter_group(CacheParameterGroupName="stories-valkey8", CacheParameterGroupFamily="valkey8", Description="cluster")
    with pytest.raises(ClientError) as not_cluster:
        create_cluster(cache[PRIMARY], CacheParameterGroupName="stories-valkey8")
    assert error_code(not_cluster) == "InvalidParameterCombination"

    cache[PRIMARY].modify_cache_parameter_group(
        CacheParameterGroupName="stories-valkey8", ParameterNameValues=[{"ParameterName": "cluster-enabled", "ParameterValue": "yes"}]
    )
    create_cluster(cache[PRIMARY], CacheParameterGroupName="stories-valkey8")
    with pytest.raises(ClientError) as in_use:
        cache[PRIMARY].delete_cache_parameter_group(CacheParameterGroupName="stories-valkey8")
    assert error_code(in_use) == "InvalidCacheParameterGroupState"


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({"CacheParameterGroupName": "default.redis7", "CacheParameterGroupFamily": "redis7"}, "CacheParameterGroupAlreadyExists"),
        ({"CacheParameterGroupName": "stories", "CacheParameterGroupFamily": "redis8"}, "InvalidParameterValue"),
    ],
)
def test_parameter_groups_aws_refuses_to_create(cache, parameters, code):
    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].create_cache_parameter_group(Description="refused", **parameters)
    assert error_code(refused) == code


# ---------------------------------------------------------------------------------------------------------------------
# Global datastores


@pytest.fixture
def primary_only(aws, cache) -> str:
    """The global datastore ``stories`` with its primary, in us-east-1, alone."""
    create_encrypted_primary(cache, aws("kms").create_key()["KeyMetadata"]["Arn"], MultiAZEnabled=True)
    created = cache[PRIMARY].create_global_replication_group(
        GlobalReplicationGroupIdSuffix="stories", GlobalReplicationGroupDescription="1001 Stories", PrimaryReplicationGroupId="stories-redis"
    )
    return conforms(created, "CreateGlobalReplicationGroup")["GlobalReplicationGroup"]["GlobalReplicationGroupId"]


@pytest.fixture
def datastore(cache, primary_only) -> str:
    """The global datastore ``stories``: its primary in us-east-1, secondaries joined in eu-west-1 and ap-southeast-1."""
    global_id = primary_only
    for region in (EUROPE, ASIA):
        secondary = create(
            cache[region], "stories-redis", GlobalReplicationGroupId=global_id, NumCacheClusters=2, AutomaticFailoverEnabled=True, CacheNodeType=None
        )
        assert secondary["GlobalReplicationGroupInfo"] == {"GlobalReplicationGroupId": global_id, "GlobalReplicationGroupMemberRole": "SECONDARY"}
    return global_id


def test_global_datastore_lifecycle(cache, datastore):
    found = global_group(cache[ASIA], datastore)
    assert found["Status"] == "available"
    assert roles(found) == {PRIMARY: "PRIMARY", EUROPE: "SECONDARY", ASIA: "SECONDARY"}

    failover = cache[EUROPE].failover_global_replication_group(
        GlobalReplicationGroupId=datastore, PrimaryRegion=EUROPE, PrimaryReplicationGroupId="stories-redis"
    )
    assert conforms(failover, "FailoverGlobalReplicationGroup")["GlobalReplicationGroup"]["Status"] == "modifying"
    assert roles(global_group(cache[PRIMARY], datastore)) == {PRIMARY: "SECONDARY", EUROPE: "PRIMARY", ASIA: "SECONDARY"}
    assert group(cache[EUROPE], "stories-redis")["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "PRIMARY"
    assert group(cache[PRIMARY], "stories-redis")["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "SECONDARY"

    for region in (ASIA, PRIMARY):
        response = cache[region].disassociate_global_replication_group(
            GlobalReplicationGroupId=datastore, ReplicationGroupId="stories-redis", ReplicationGroupRegion=region
        )
        conforms(response, "DisassociateGlobalReplicationGroup")
        assert group(cache[region], "stories-redis")["GlobalReplicationGroupInfo"] == {}
    found = global_group(cache[PRIMARY], datastore)
    assert (found["Status"], roles(found)) == ("primary-only", {EUROPE: "PRIMARY"})

    deleted = cache[EUROPE].delete_global_replication_group(GlobalReplicationGroupId=datastore, RetainPrimaryReplicationGroup=True)
    assert conforms(deleted, "DeleteGlobalReplicationGroup")["GlobalReplicationGroup"]["Status"] == "deleting"
    assert conforms(cache[PRIMARY].describe_global_replication_groups(), "DescribeGlobalReplicationGroups")["GlobalReplicationGroups"] == []
    for region in (PRIMARY, EUROPE, ASIA):
        cache[region].delete_replication_group(ReplicationGroupId="stories-redis")
        assert cache[region].describe_replication_groups()["ReplicationGroups"] == []


def test_global_id_is_a_region_prefix_and_the_suffix(cache, datastore):
    prefix, suffix = datastore.split("-", 1)
    assert (len(prefix), prefix.isalpha(), suffix) == (5, True, "stories")
    found = global_group(cache[EUROPE], datastore)
    assert found["ARN"] == f"arn:aws:elasticache::123456789012:globalreplicationgroup:{datastore}"
    assert found["GlobalReplicationGroupDescription"] == "1001 Stories"


def test_primary_only_datastore_answers_as_aws_does(cache):
    create_encrypted_primary(cache)
    created = cache[PRIMARY].create_global_replication_group(GlobalReplicationGroupIdSuffix="stories", PrimaryReplicationGroupId="stories-redis")
    global_id = created["GlobalReplicationGroup"]["GlobalReplicationGroupId"]
    assert created["GlobalReplicationGroup"]["Status"] == "creating"

    found = global_group(cache[PRIMARY], global_id)
    assert found["Status"] == "primary-only"
    assert found["Members"] == [
        {"ReplicationGroupId": "stories-redis", "ReplicationGroupRegion": PRIMARY, "Role": "PRIMARY", "AutomaticFailover": "enabled", "Status": "associated"}
    ]
    shared = {"Engine": "redis", "EngineVersion": "7.1", "CacheNodeType": "cache.r7g.large", "ClusterEnabled": False}
    assert {key: found[key] for key in shared} == shared
    assert (found["AtRestEncryptionEnabled"], found["TransitEncryptionEnabled"], found["AuthTokenEnabled"]) == (True, True, True)
    (brief,) = cache[PRIMARY].describe_global_replication_groups(GlobalReplicationGroupId=global_id)["GlobalReplicationGroups"]
    assert "Members" not in brief
    assert group(cache[PRIMARY], "stories-redis")["GlobalReplicationGroupInfo"]["GlobalReplicationGroupMemberRole"] == "PRIMARY"


def test_secondaries_take_what_the_datastore_owns(cache, datastore):
    for region in (EUROPE, ASIA):
        found = group(cache[region], "stories-redis")
        assert (found["CacheNodeType"], found["AtRestEncryptionEnabled"], found["TransitEncryptionEnabled"], found["AuthTokenEnabled"]) == (
            "cache.r7g.large",
            True,
            True,
            True,
        )
        assert member_cluster(cache[region], "stories-redis-001")["EngineVersion"] == "7.1"
        assert found["NodeGroups"][0]["PrimaryEndpoint"]["Address"].endswith(f".{'euw1' if region == EUROPE else 'apse1'}.cache.amazonaws.com")


def test_modifying_the_datastore_changes_every_member(cache, datastore):
    response = cache[PRIMARY].modify_global_replication_group(
        GlobalReplicationGroupId=datastore, ApplyImmediately=True, CacheNodeType="cache.r7g.xlarge", GlobalReplicationGroupDescription="sessions"
    )
    assert conforms(response, "ModifyGlobalReplicationGroup")["GlobalReplicationGroup"]["Status"] == "modifying"
    cache[PRIMARY].modify_global_replication_group(GlobalReplicationGroupId=datastore, ApplyImmediately=True, Engine="valkey", EngineVersion="8.0")

    found = global_group(cache[PRIMARY], datastore)
    assert (found["CacheNodeType"], found["Engine"], found["EngineVersion"], found["GlobalReplicationGroupDescription"]) == (
        "cache.r7g.xlarge",
        "valkey",
        "8.0",
        "sessions",
    )
    for region in (PRIMARY, EUROPE, ASIA):
        cluster = member_cluster(cache[region], "stories-redis-002")
        assert (cluster["CacheNodeType"], cluster["Engine"], cluster["EngineVersion"]) == ("cache.r7g.xlarge", "valkey", "8.0")
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
    with pytest.raises(ClientError) as later:
        cache[PRIMARY].modify_global_replication_group(GlobalReplicationGroupId=datastore, ApplyImmediately=False, CacheNodeType="cache.r7g.large")
    assert error_code(later) == "InvalidParameterValue"


def test_node_groups_change_in_every_member(cache):
    create_cluster(cache[PRIMARY], "stories-cluster", NumNodeGroups=2, AtRestEncryptionEnabled=True)
    global_id = cache[PRIMARY].create_global_replication_group(GlobalReplicationGroupIdSuffix="clustered", PrimaryReplicationGroupId="stories-cluster")[
        "GlobalReplicationGroup"
    ]["GlobalReplicationGroupId"]
    create(cache[EUROPE], "stories-cluster", GlobalReplicationGroupId=global_id, ReplicasPerNodeGroup=1, AutomaticFailoverEnabled=True, CacheNodeType=None)
    assert [node_group["GlobalNodeGroupId"] for node_group in global_group(cache[PRIMARY], global_id)["GlobalNodeGroups"]] == [
        f"{global_id}-0001",
        f"{global_id}-0002",
    ]

    increased = cache[PRIMARY].increase_node_groups_in_global_replication_group(GlobalReplicationGroupId=global_id, NodeGroupCount=3, ApplyImmediately=True)
    conforms(increased, "IncreaseNodeGroupsInGlobalReplicationGroup")
    for region in (PRIMARY, EUROPE):
        assert slots(group(cache[region], "stories-cluster")) == {"0001": "0-5461", "0002": "5462-10922", "0003": "10923-16383"}

    decreased = cache[PRIMARY].decrease_node_groups_in_global_replication_group(
        GlobalReplicationGroupId=global_id, NodeGroupCount=2, GlobalNodeGroupsToRemove=[f"{global_id}-0002"], ApplyImmediately=True
    )
    conforms(decreased, "DecreaseNodeGroupsInGlobalReplicationGroup")
    found = global_group(cache[EUROPE], global_id)
    assert found["GlobalNodeGroups"] == [
        {"GlobalNodeGroupId": f"{global_id}-0001", "Slots": "0-8191"},
        {"GlobalNodeGroupId": f"{global_id}-0003", "Slots": "8192-16383"},
    ]
    assert slots(group(cache[EUROPE], "stories-cluster")) == {"0001": "0-8191", "0003": "8192-16383"}
    with pytest.raises(ClientError) as member:
        cache[EUROPE].modify_replication_group_shard_configuration(ReplicationGroupId="stories-cluster", NodeGroupCount=3, ApplyImmediately=True)
    assert error_code(member) == "InvalidReplicationGroupState"


def test_delete_without_retaining_the_primary_deletes_it(cache):
    create_encrypted_primary(cache)
    global_id = cache[PRIMARY].create_global_replication_group(GlobalReplicationGroupIdSuffix="stories", PrimaryReplicationGroupId="stories-redis")[
        "GlobalReplicationGroup"
    ]["GlobalReplicationGroupId"]

    cache[PRIMARY].delete_global_replication_group(GlobalReplicationGroupId=global_id, RetainPrimaryReplicationGroup=False)

    assert cache[PRIMARY].describe_replication_groups()["ReplicationGroups"] == []
    with pytest.raises(ClientError) as gone:
        cache[PRIMARY].describe_global_replication_groups(GlobalReplicationGroupId=global_id)
    assert error_code(gone) == "GlobalReplicationGroupNotFoundFault"


def test_global_datastore_tags_are_seen_from_every_region(cache):
    create_encrypted_primary(cache)
    created = cache[PRIMARY].create_global_replication_group(
        GlobalReplicationGroupIdSuffix="stories", PrimaryReplicationGroupId="stories-redis", Tags=[{"Key": "Project", "Value": "stories"}]
    )
    arn = created["GlobalReplicationGroup"]["ARN"]
    cache[EUROPE].add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "Phase", "Value": "2"}])

    assert cache[ASIA].list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "Project", "Value": "stories"}, {"Key": "Phase", "Value": "2"}]


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({"CacheNodeType": "cache.r7g.xlarge"}, "InvalidParameterCombination"),
        ({"EngineVersion": "7.1"}, "InvalidParameterCombination"),
        ({"AtRestEncryptionEnabled": False}, "InvalidParameterCombination"),
        ({"TransitEncryptionEnabled": False}, "InvalidParameterCombination"),
        ({"Engine": "valkey"}, "InvalidParameterCombination"),
        ({"GlobalReplicationGroupId": "abcde-missing"}, "GlobalReplicationGroupNotFoundFault"),
    ],
)
def test_secondaries_aws_refuses_do_not_join(cache, primary_only, parameters, code):
    with pytest.raises(ClientError) as refused:
        create(cache[EUROPE], **({"GlobalReplicationGroupId": primary_only, "CacheNodeType": None} | parameters))

    assert error_code(refused) == code
    assert len(global_group(cache[PRIMARY], primary_only)["Members"]) == 1
    assert cache[EUROPE].describe_replication_groups()["ReplicationGroups"] == []


def test_a_region_holds_one_member_and_a_datastore_two_secondaries(aws, cache, datastore):
    with pytest.raises(ClientError) as same_region:
        create(cache[EUROPE], "stories-redis-2", GlobalReplicationGroupId=datastore, CacheNodeType=None)
    assert error_code(same_region) == "InvalidParameterValue"
    with pytest.raises(ClientError) as third:
        create(aws("elasticache", region="eu-central-1"), GlobalReplicationGroupId=datastore, CacheNodeType=None)
    assert error_code(third) == "InvalidParameterValue"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda cache, gid: cache[EUROPE].delete_replication_group(ReplicationGroupId="stories-redis"), "InvalidReplicationGroupState"),
        (
            lambda cache, gid: cache[PRIMARY].delete_global_replication_group(GlobalReplicationGroupId=gid, RetainPrimaryReplicationGroup=True),
            "InvalidGlobalReplicationGroupState",
        ),
        (
            lambda cache, gid: cache[EUROPE].modify_replication_group(ReplicationGroupId="stories-redis", CacheNodeType="cache.r7g.xlarge"),
            "InvalidParameterCombination",
        ),
        (
            lambda cache, gid: cache[PRIMARY].failover_global_replication_group(
                GlobalReplicationGroupId=gid, PrimaryRegion=PRIMARY, PrimaryReplicationGroupId="stories-redis"
            ),
            "InvalidParameterValue",
        ),
        (
            lambda cache, gid: cache[PRIMARY].failover_global_replication_group(
                GlobalReplicationGroupId=gid, PrimaryRegion="eu-central-1", PrimaryReplicationGroupId="stories-redis"
            ),
            "InvalidParameterValue",
        ),
        (
            lambda cache, gid: cache[PRIMARY].disassociate_global_replication_group(
                GlobalReplicationGroupId=gid, ReplicationGroupId="stories-redis", ReplicationGroupRegion=PRIMARY
            ),
            "InvalidParameterValue",
        ),
        (
            lambda cache, gid: cache[PRIMARY].create_global_replication_group(
                GlobalReplicationGroupIdSuffix="other", PrimaryReplicationGroupId="stories-redis"
            ),
            "InvalidReplicationGroupState",
        ),
        (
            lambda cache, gid: cache[ASIA].increase_node_groups_in_global_replication_group(
                GlobalReplicationGroupId=gid, NodeGroupCount=2, ApplyImmediately=True
            ),
            "InvalidParameterValue",
        ),
        (lambda cache, gid: cache[ASIA].describe_global_replication_groups(GlobalReplicationGroupId="abcde-missing"), "GlobalReplicationGroupNotFoundFault"),
    ],
    ids=[
        "delete-member",
        "delete-with-secondaries",
        "member-node-type",
        "failover-to-primary",
        "failover-elsewhere",
        "disassociate-primary",
        "primary-twice",
        "shards-of-unsharded",
        "unknown",
    ],
)
def test_global_datastore_calls_aws_refuses(cache, datastore, call, code):
    with pytest.raises(ClientError) as refused:
        call(cache, datastore)

    assert error_code(refused) == code
    assert roles(global_group(cache[PRIMARY], datastore)) == {PRIMARY: "PRIMARY", EUROPE: "SECONDARY", ASIA: "SECONDARY"}


@pytest.mark.parametrize(
    ("primary", "code"),
    [
        ({"CacheNodeType": "cache.t4g.medium"}, "InvalidParameterValue"),
        ({"EngineVersion": "5.0.5"}, "InvalidParameterValue"),
    ],
)
def test_primaries_aws_refuses(cache, primary, code):
    create(cache[PRIMARY], **primary)
    with pytest.raises(ClientError) as refused:
        cache[PRIMARY].create_global_replication_group(GlobalReplicationGroupIdSuffix="stories", PrimaryReplicationGroupId="stories-redis")
    assert error_code(refused) == code


def test_suffix_is_unique_across_regions(cache, datastore):
    create(cache[ASIA], "stories-other")
    with pytest.raises(ClientError) as duplicate:
        cache[ASIA].create_global_replication_group(GlobalReplicationGroupIdSuffix="stories", PrimaryReplicationGroupId="stories-other")
    assert error_code(duplicate) == "GlobalReplicationGroupAlreadyExistsFault"


# ---------------------------------------------------------------------------------------------------------------------
# Standalone cache clusters


def test_standalone_cluster_shows_its_nodes_and_goes_when_deleted(cache):
    cache[EUROPE].create_cache_cluster(CacheClusterId="stories-memcached", Engine="memcached", CacheNodeType="cache.t4g.small", NumCacheNodes=2)

    (brief,) = conforms(cache[EUROPE].describe_cache_clusters(CacheClusterId="stories-memcached"), "DescribeCacheClusters")["CacheClusters"]
    assert "CacheNodes" not in brief
    cluster = member_cluster(cache[EUROPE], "stories-memcached")
    assert [node["CacheNodeId"] for node in cluster["CacheNodes"]] == ["0001", "0002"]
    assert cluster["CacheNodes"][1]["Endpoint"]["Address"].endswith(".0002.euw1.cache.amazonaws.com")
    assert ".cfg.euw1." in cluster["ConfigurationEndpoint"]["Address"]
    assert {cluster["ConfigurationEndpoint"]["Port"], *[node["Endpoint"]["Port"] for node in cluster["CacheNodes"]]} == {11211}
    assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.memcached1.6"

    assert cache[EUROPE].delete_cache_cluster(CacheClusterId="stories-memcached")["CacheCluster"]["CacheClusterStatus"] == "deleting"
    cache[EUROPE].get_waiter("cache_cluster_deleted").wait(CacheClusterId="stories-memcached", WaiterConfig=NO_WAIT)


def test_waiter_on_a_group_that_never_came_fails_fast(cache):
    with pytest.raises(WaiterError):
        cache[PRIMARY].get_waiter("replication_group_available").wait(ReplicationGroupId="missing", WaiterConfig=NO_WAIT)
