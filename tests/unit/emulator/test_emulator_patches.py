"""Each patch, through boto3 against the running emulator: moto now answers as AWS does."""

import pytest
from botocore.exceptions import ClientError
from moto.elbv2.models import FakeLoadBalancer

from tools.emulator.operations import service_model
from tools.emulator.patches import _ELBV2_DEFAULT_ATTRIBUTES


@pytest.fixture
def vpc(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(["us-east-1a", "us-east-1b"])
    ]
    return vpc_id, subnets


def test_nat_gateway_tags_are_found_by_the_natgateway_resource_type(aws, vpc):
    ec2 = aws("ec2")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=vpc[1][0], AllocationId=allocation, TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat-a"}]}]
    )["NatGateway"]["NatGatewayId"]
    filters = [{"Name": "resource-id", "Values": [nat]}, {"Name": "resource-type", "Values": ["natgateway"]}]

    assert ec2.describe_tags(Filters=filters)["Tags"] == [{"Key": "Name", "Value": "nat-a", "ResourceId": nat, "ResourceType": "natgateway"}]


def test_elastic_ip_tags_carry_the_elastic_ip_resource_type(aws):
    ec2 = aws("ec2")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_tags(Resources=[allocation], Tags=[{"Key": "Name", "Value": "nat-a"}])

    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["elastic-ip"]}])["Tags"]
    assert [(tag["ResourceId"], tag["ResourceType"]) for tag in tags] == [(allocation, "elastic-ip")]


def test_every_corrected_tag_resource_type_is_an_ec2_resource_type(emulator):
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE

    resource_types = set(service_model("ec2").shape_for("ResourceType").enum)
    for prefix in ("nat", "eipalloc", "fl", "h", "pl", "sir"):
        assert EC2_PREFIX_TO_RESOURCE[prefix] in resource_types


def test_ecs_cluster_without_capacity_providers_has_empty_lists(aws):
    ecs = aws("ecs")
    created = ecs.create_cluster(clusterName="plain")["cluster"]
    described = ecs.describe_clusters(clusters=["plain"])["clusters"][0]

    for cluster in (created, described):
        assert cluster["capacityProviders"] == []
        assert cluster["defaultCapacityProviderStrategy"] == []


def test_ecs_cluster_capacity_providers_are_kept(aws):
    ecs = aws("ecs")
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    ecs.create_cluster(clusterName="fargate", capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=strategy)
    cluster = ecs.describe_clusters(clusters=["fargate"])["clusters"][0]

    assert cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert cluster["defaultCapacityProviderStrategy"] == strategy


def test_backup_vault_that_does_not_exist_is_access_denied(aws):
    with pytest.raises(ClientError) as error:
        aws("backup").describe_backup_vault(BackupVaultName="missing")

    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_backup_vault_that_exists_is_described(aws):
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="platform")

    assert backup.describe_backup_vault(BackupVaultName="platform")["BackupVaultName"] == "platform"


@pytest.mark.parametrize("lb_type", ["application", "network", "gateway"])
def test_load_balancer_starts_with_the_aws_default_attributes(aws, vpc, lb_type):
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name=f"lb-{lb_type}", Type=lb_type, Subnets=vpc[1])["LoadBalancers"][0]["LoadBalancerArn"]
    attributes = {item["Key"]: item["Value"] for item in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}

    assert attributes == _ELBV2_DEFAULT_ATTRIBUTES[lb_type]


def test_application_load_balancer_defaults_the_modules_compare(aws, vpc):
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name="alb", Subnets=vpc[1])["LoadBalancers"][0]["LoadBalancerArn"]
    attributes = {item["Key"]: item["Value"] for item in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}

    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["routing.http2.enabled"] == "true"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert attributes["load_balancing.cross_zone.enabled"] == "true"


def test_load_balancer_attributes_can_be_modified_one_by_one(aws, vpc):
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name="alb", Subnets=vpc[1])["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "idle_timeout.timeout_seconds", "Value": "120"}])
    attributes = {item["Key"]: item["Value"] for item in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}

    assert attributes == {**_ELBV2_DEFAULT_ATTRIBUTES["application"], "idle_timeout.timeout_seconds": "120"}


def test_every_default_load_balancer_attribute_is_one_moto_accepts_to_modify():
    for attributes in _ELBV2_DEFAULT_ATTRIBUTES.values():
        assert set(attributes) <= FakeLoadBalancer.VALID_ATTRS


DATABASE_ROLE_PARAMETERS = [
    "shared_preload_libraries",
    "log_min_duration_statement",
    "track_io_timing",
    "pg_stat_statements.track",
    "auto_explain.log_min_duration",
    "log_statement",
    "rds.force_ssl",
]


def cluster_parameters(rds, group, **filters):
    pages = rds.get_paginator("describe_db_cluster_parameters").paginate(DBClusterParameterGroupName=group, **filters)
    return {parameter["ParameterName"]: parameter for page in pages for parameter in page["Parameters"]}


def test_new_aurora_postgresql15_cluster_parameter_group_lists_engine_defaults(aws):
    rds = aws("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="platform", DBParameterGroupFamily="aurora-postgresql15", Description="d")
    parameters = cluster_parameters(rds, "platform")

    assert set(DATABASE_ROLE_PARAMETERS) <= set(parameters)
    for parameter in parameters.values():
        assert parameter["Source"] == "engine-default"
        assert parameter["ApplyType"] in ("static", "dynamic")
        assert parameter["DataType"] in ("boolean", "integer", "list", "string", "real")
        assert isinstance(parameter["IsModifiable"], bool)
    assert {key: value for key, value in parameters["rds.force_ssl"].items() if key != "Description"} == {
        "ParameterName": "rds.force_ssl",
        "ParameterValue": "0",
        "Source": "engine-default",
        "ApplyType": "dynamic",
        "DataType": "boolean",
        "AllowedValues": "0,1",
        "IsModifiable": True,
        "ApplyMethod": "pending-reboot",
    }
    assert "ParameterValue" not in parameters["log_min_duration_statement"]


def test_modified_cluster_parameter_keeps_its_metadata_and_becomes_user_set(aws):
    rds = aws("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="platform", DBParameterGroupFamily="aurora-postgresql15", Description="d")
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="platform",
        Parameters=[
            {"ParameterName": "log_min_duration_statement", "ParameterValue": "1000", "ApplyMethod": "immediate"},
            {"ParameterName": "shared_preload_libraries", "ParameterValue": "pg_stat_statements,auto_explain", "ApplyMethod": "pending-reboot"},
        ],
    )
    parameters = cluster_parameters(rds, "platform")

    assert parameters["log_min_duration_statement"]["ParameterValue"] == "1000"
    assert parameters["log_min_duration_statement"]["ApplyMethod"] == "immediate"
    assert parameters["log_min_duration_statement"]["Source"] == "user"
    assert parameters["log_min_duration_statement"]["AllowedValues"] == "-1-2147483647"
    assert parameters["shared_preload_libraries"]["ParameterValue"] == "pg_stat_statements,auto_explain"
    assert parameters["shared_preload_libraries"]["ApplyType"] == "static"
    assert parameters["track_io_timing"]["Source"] == "engine-default"


def test_copied_cluster_parameter_group_keeps_each_parameters_source(aws):
    rds = aws("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="platform", DBParameterGroupFamily="aurora-postgresql15", Description="d")
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="platform", Parameters=[{"ParameterName": "log_statement", "ParameterValue": "ddl", "ApplyMethod": "immediate"}]
    )
    rds.copy_db_cluster_parameter_group(
        SourceDBClusterParameterGroupIdentifier="platform", TargetDBClusterParameterGroupIdentifier="copy", TargetDBClusterParameterGroupDescription="c"
    )
    parameters = cluster_parameters(rds, "copy")

    assert parameters["log_statement"]["Source"] == "user"
    assert parameters["log_statement"]["ParameterValue"] == "ddl"
    assert parameters["rds.force_ssl"]["Source"] == "engine-default"


def test_family_without_default_data_starts_empty_as_before(aws):
    rds = aws("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="mysql", DBParameterGroupFamily="aurora-mysql8.0", Description="d")

    assert cluster_parameters(rds, "mysql") == {}


def test_aws_managed_policies_can_be_attached(aws):
    iam = aws("iam")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}')
    iam.attach_role_policy(RoleName="app", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")

    assert [policy["PolicyName"] for policy in iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]] == ["AmazonSSMManagedInstanceCore"]


def test_cache_subnet_group_can_be_modified_and_deleted(aws, vpc):
    elasticache = aws("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="one", SubnetIds=vpc[1][:1])

    modified = elasticache.modify_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="two", SubnetIds=vpc[1])
    assert modified["CacheSubnetGroup"]["CacheSubnetGroupDescription"] == "two"
    described = elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="cache")["CacheSubnetGroups"][0]
    assert sorted(subnet["SubnetIdentifier"] for subnet in described["Subnets"]) == sorted(vpc[1])

    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="cache")
    with pytest.raises(ClientError) as missing:
        elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="cache")
    assert missing.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"
    with pytest.raises(ClientError) as again:
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="cache")
    assert again.value.response["Error"]["Code"] == "CacheSubnetGroupNotFoundFault"


def test_cache_subnet_group_in_use_cannot_be_deleted(aws, vpc):
    elasticache = aws("elasticache")
    elasticache.create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="one", SubnetIds=vpc[1])
    elasticache.create_replication_group(
        ReplicationGroupId="stories", ReplicationGroupDescription="r", Engine="redis", CacheNodeType="cache.t3.micro", CacheSubnetGroupName="cache"
    )

    with pytest.raises(ClientError) as in_use:
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="cache")
    assert in_use.value.response["Error"]["Code"] == "CacheSubnetGroupInUse"


@pytest.mark.parametrize("maintenance, accepted", [("Sun:04:00-Sun:05:00", True), ("Sun:03:30-Sun:04:30", False), ("Mon:02:00-Mon:03:00", True)])
def test_rds_backup_window_may_end_when_maintenance_starts(aws, maintenance, accepted):
    def create():
        return aws("rds").create_db_instance(
            DBInstanceIdentifier="touching", Engine="postgres", DBInstanceClass="db.t3.medium", AllocatedStorage=20, MasterUsername="admin1",
            MasterUserPassword="password-123456", PreferredBackupWindow="03:00-04:00", PreferredMaintenanceWindow=maintenance,
        )

    if accepted:
        assert create()["DBInstance"]["PreferredMaintenanceWindow"].lower() == maintenance.lower()
    else:
        with pytest.raises(ClientError) as refused:
            create()
        assert "must not overlap" in refused.value.response["Error"]["Message"]


@pytest.mark.parametrize("storage, iops, throughput", [(100, 3000, 125), (400, 12000, 500)])
def test_gp3_instance_reports_its_baseline(aws, storage, iops, throughput):
    aws("rds").create_db_instance(
        DBInstanceIdentifier="gp3", Engine="postgres", DBInstanceClass="db.t3.medium", AllocatedStorage=storage, StorageType="gp3",
        MasterUsername="admin1", MasterUserPassword="password-123456",
    )
    instance = aws("rds").describe_db_instances(DBInstanceIdentifier="gp3")["DBInstances"][0]
    assert (instance["Iops"], instance["StorageThroughput"]) == (iops, throughput)


@pytest.mark.parametrize("delete_automated, kept", [(None, []), (True, []), (False, ["automated"])])
def test_deleting_a_cluster_removes_its_automated_backups_unless_asked_to_keep_them(aws, delete_automated, kept):
    rds = aws("rds")
    rds.create_db_cluster(DBClusterIdentifier="drill", Engine="aurora-postgresql", MasterUsername="admin", MasterUserPassword="password-1234")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="drill", DBClusterSnapshotIdentifier="drill-manual")
    options = {} if delete_automated is None else {"DeleteAutomatedBackups": delete_automated}
    rds.delete_db_cluster(DBClusterIdentifier="drill", SkipFinalSnapshot=True, **options)

    left = rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]
    assert sorted(snapshot["SnapshotType"] for snapshot in left if snapshot["DBClusterIdentifier"] == "drill") == sorted(kept + ["manual"])
    # The same name again at once (a drill run twice) is not refused for an automated snapshot left behind.
    if not kept:
        rds.create_db_cluster(DBClusterIdentifier="drill", Engine="aurora-postgresql", MasterUsername="admin", MasterUserPassword="password-1234")
