"""Aurora global databases through boto3 against the emulator, as the aurora_global_cluster module and the database role drive them.

Every response is checked against the operation's output shape in botocore's rds model.
"""

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

PRIMARY, EUROPE, ASIA = "us-east-1", "eu-west-1", "ap-southeast-1"
CLUSTERS = {PRIMARY: "stories-use1", EUROPE: "stories-euw1", ASIA: "stories-apse1"}
ENGINE = {"Engine": "aurora-postgresql", "EngineVersion": "15.4"}
CREDENTIALS = {"MasterUsername": "stories", "MasterUserPassword": "correct-horse-battery"}


def conforms(response: dict, operation: str) -> dict:
    """The response, without its metadata, after checking it against the operation's output shape."""
    body = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(body, service_model("rds").operation_model(operation).output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def error_code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


@pytest.fixture
def rds(aws):
    return {region: aws("rds", region=region) for region in CLUSTERS}


@pytest.fixture
def arns(rds):
    """The global database ``stories``: its source cluster the primary in us-east-1, secondaries in eu-west-1 and ap-southeast-1."""
    source = rds[PRIMARY].create_db_cluster(DBClusterIdentifier=CLUSTERS[PRIMARY], StorageEncrypted=True, **ENGINE, **CREDENTIALS)["DBCluster"]
    rds[PRIMARY].create_global_cluster(GlobalClusterIdentifier="stories", SourceDBClusterIdentifier=source["DBClusterArn"])
    secondaries = {
        region: rds[region].create_db_cluster(DBClusterIdentifier=CLUSTERS[region], GlobalClusterIdentifier="stories", **ENGINE)["DBCluster"]
        for region in (EUROPE, ASIA)
    }
    return {PRIMARY: source["DBClusterArn"]} | {region: cluster["DBClusterArn"] for region, cluster in secondaries.items()}


def describe(rds, identifier: str = "stories") -> dict:
    response = rds[PRIMARY].describe_global_clusters(GlobalClusterIdentifier=identifier)
    (global_cluster,) = conforms(response, "DescribeGlobalClusters")["GlobalClusters"]
    return global_cluster


def members(global_cluster: dict) -> dict[str, dict]:
    return {member["DBClusterArn"]: member for member in global_cluster["GlobalClusterMembers"]}


def writer(global_cluster: dict) -> str:
    (arn,) = [member["DBClusterArn"] for member in global_cluster["GlobalClusterMembers"] if member["IsWriter"]]
    return arn


def db_cluster(rds, region: str) -> dict:
    (cluster,) = conforms(rds[region].describe_db_clusters(DBClusterIdentifier=CLUSTERS[region]), "DescribeDBClusters")["DBClusters"]
    return cluster


def wait_until_available(rds) -> list[str]:
    """Describe until FailoverState is gone, as the module's waiter does; returns the FailoverState statuses seen on the way."""
    seen = []
    for _attempt in range(5):
        global_cluster = describe(rds)
        if "FailoverState" not in global_cluster:
            assert global_cluster["Status"] == "available"
            return seen
        seen.append(global_cluster["FailoverState"]["Status"])
        assert global_cluster["Status"] == global_cluster["FailoverState"]["Status"]
    return pytest.fail(f"still not available after 5 describes: {seen}")


def assert_primary(rds, arns: dict, region: str) -> None:
    """``region``'s cluster is the writer, every other member a reader replicating from it."""
    global_cluster = describe(rds)
    readers = sorted(arn for other, arn in arns.items() if other != region)
    assert writer(global_cluster) == arns[region]
    assert sorted(members(global_cluster)[arns[region]]["Readers"]) == readers
    assert "ReplicationSourceIdentifier" not in db_cluster(rds, region)
    for other in arns.keys() - {region}:
        assert members(global_cluster)[arns[other]]["Readers"] == []
        assert db_cluster(rds, other)["ReplicationSourceIdentifier"] == arns[region]


def test_global_database_lifecycle(rds, arns):
    assert_primary(rds, arns, PRIMARY)

    rds[EUROPE].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[EUROPE])
    assert wait_until_available(rds) == ["switching-over"]
    assert_primary(rds, arns, EUROPE)

    rds[PRIMARY].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[PRIMARY])
    assert wait_until_available(rds) == ["switching-over"]
    assert_primary(rds, arns, PRIMARY)

    rds[ASIA].failover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[ASIA], AllowDataLoss=True)
    assert wait_until_available(rds) == ["failing-over"]
    assert_primary(rds, arns, ASIA)

    with pytest.raises(ClientError) as duplicate:
        rds[PRIMARY].create_global_cluster(GlobalClusterIdentifier="stories", Engine="aurora-postgresql")
    assert error_code(duplicate) == "GlobalClusterAlreadyExistsFault"
    with pytest.raises(ClientError) as not_empty:
        rds[PRIMARY].delete_global_cluster(GlobalClusterIdentifier="stories")
    assert error_code(not_empty) == "InvalidGlobalClusterStateFault"

    rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", DeletionProtection=True)
    for region in (EUROPE, PRIMARY, ASIA):
        rds[region].remove_from_global_cluster(GlobalClusterIdentifier="stories", DbClusterIdentifier=arns[region])
        assert not {"GlobalClusterIdentifier", "ReplicationSourceIdentifier"} & db_cluster(rds, region).keys()
    assert describe(rds)["GlobalClusterMembers"] == []
    with pytest.raises(ClientError) as protected:
        rds[PRIMARY].delete_global_cluster(GlobalClusterIdentifier="stories")
    assert error_code(protected) == "InvalidParameterCombination"

    rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", DeletionProtection=False)
    deleted = conforms(rds[PRIMARY].delete_global_cluster(GlobalClusterIdentifier="stories"), "DeleteGlobalCluster")
    assert deleted["GlobalCluster"]["GlobalClusterIdentifier"] == "stories"
    for region in CLUSTERS:
        rds[region].delete_db_cluster(DBClusterIdentifier=CLUSTERS[region], SkipFinalSnapshot=True)
    assert conforms(rds[PRIMARY].describe_global_clusters(), "DescribeGlobalClusters")["GlobalClusters"] == []


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("SwitchoverGlobalCluster", {"GlobalClusterIdentifier", "TargetDbClusterIdentifier"}),
        ("FailoverGlobalCluster", {"GlobalClusterIdentifier", "TargetDbClusterIdentifier", "AllowDataLoss", "Switchover"}),
        ("ModifyGlobalCluster", {"GlobalClusterIdentifier", "NewGlobalClusterIdentifier", "DeletionProtection", "EngineVersion", "AllowMajorVersionUpgrade"}),
    ],
)
def test_new_operations_take_every_request_parameter_of_the_model(operation, parameters):
    assert set(service_model("rds").operation_model(operation).input_shape.members) == parameters


def test_source_cluster_becomes_the_writer_and_gives_its_engine_and_encryption(rds):
    source = rds[PRIMARY].create_db_cluster(DBClusterIdentifier=CLUSTERS[PRIMARY], StorageEncrypted=True, **ENGINE, **CREDENTIALS)["DBCluster"]
    created = rds[PRIMARY].create_global_cluster(
        GlobalClusterIdentifier="stories", SourceDBClusterIdentifier=source["DBClusterArn"], Tags=[{"Key": "Project", "Value": "stories"}]
    )
    global_cluster = conforms(created, "CreateGlobalCluster")["GlobalCluster"]

    assert global_cluster["GlobalClusterMembers"] == [
        {"DBClusterArn": source["DBClusterArn"], "IsWriter": True, "Readers": [], "SynchronizationStatus": "connected"}
    ]
    assert (global_cluster["Engine"], global_cluster["EngineVersion"], global_cluster["StorageEncrypted"]) == ("aurora-postgresql", "15.4", True)
    assert global_cluster["Status"] == "available"
    assert "FailoverState" not in global_cluster
    assert db_cluster(rds, PRIMARY)["GlobalClusterIdentifier"] == "stories"
    assert global_cluster["TagList"] == [{"Key": "Project", "Value": "stories"}]


def test_global_cluster_arn_takes_the_tagging_calls(rds, arns):
    arn = describe(rds)["GlobalClusterArn"]
    rds[EUROPE].add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "Phase", "Value": "3"}, {"Key": "Owner", "Value": "platform"}])
    rds[EUROPE].remove_tags_from_resource(ResourceName=arn, TagKeys=["Owner"])

    assert conforms(rds[ASIA].list_tags_for_resource(ResourceName=arn), "ListTagsForResource")["TagList"] == [{"Key": "Phase", "Value": "3"}]
    assert describe(rds)["TagList"] == [{"Key": "Phase", "Value": "3"}]


def test_source_cluster_in_another_region_becomes_the_writer(rds):
    source = rds[EUROPE].create_db_cluster(DBClusterIdentifier=CLUSTERS[EUROPE], **ENGINE, **CREDENTIALS)["DBCluster"]
    rds[EUROPE].create_global_cluster(GlobalClusterIdentifier="stories", SourceDBClusterIdentifier=source["DBClusterArn"])

    assert writer(describe(rds)) == source["DBClusterArn"]


def test_secondaries_join_as_read_only_replicas_of_the_primary(rds, arns):
    global_cluster = describe(rds)

    assert [member["DBClusterArn"] for member in global_cluster["GlobalClusterMembers"]] == [arns[PRIMARY], arns[EUROPE], arns[ASIA]]
    assert_primary(rds, arns, PRIMARY)
    for region in (EUROPE, ASIA):
        assert members(global_cluster)[arns[region]]["GlobalWriteForwardingStatus"] == "disabled"
        cluster = db_cluster(rds, region)
        assert cluster["GlobalClusterIdentifier"] == "stories"
        assert cluster["EngineVersion"] == "15.4"
        assert cluster["MasterUsername"] == "stories"


def test_secondary_asking_for_write_forwarding_forwards_writes(rds, arns):
    created = rds[EUROPE].create_db_cluster(
        DBClusterIdentifier="stories-euw1-forwarding", GlobalClusterIdentifier="stories", EnableGlobalWriteForwarding=True, Engine="aurora-postgresql"
    )
    cluster = conforms(created, "CreateDBCluster")["DBCluster"]

    assert cluster["GlobalWriteForwardingStatus"] == "enabled"
    assert cluster["EngineVersion"] == "15.4"
    assert members(describe(rds))[cluster["DBClusterArn"]]["GlobalWriteForwardingStatus"] == "enabled"


@pytest.mark.parametrize(
    ("request_parameters", "code"),
    [
        ({"GlobalClusterIdentifier": "missing", **ENGINE}, "GlobalClusterNotFoundFault"),
        ({"GlobalClusterIdentifier": "stories", **ENGINE, **CREDENTIALS}, "InvalidParameterCombination"),
        ({"GlobalClusterIdentifier": "stories", "Engine": "aurora-mysql"}, "InvalidParameterCombination"),
    ],
    ids=["unknown-global-cluster", "secondary-with-credentials", "other-engine"],
)
def test_cluster_that_cannot_join_is_not_created(rds, arns, request_parameters, code):
    with pytest.raises(ClientError) as refused:
        rds[EUROPE].create_db_cluster(DBClusterIdentifier="stories-euw1-extra", **request_parameters)

    assert error_code(refused) == code
    with pytest.raises(ClientError) as missing:
        rds[EUROPE].describe_db_clusters(DBClusterIdentifier="stories-euw1-extra")
    assert error_code(missing) == "DBClusterNotFoundFault"


def test_first_member_of_an_empty_global_cluster_is_its_primary_and_needs_credentials(rds):
    rds[PRIMARY].create_global_cluster(GlobalClusterIdentifier="stories", **ENGINE)
    with pytest.raises(ClientError) as no_credentials:
        rds[PRIMARY].create_db_cluster(DBClusterIdentifier=CLUSTERS[PRIMARY], GlobalClusterIdentifier="stories", **ENGINE)
    assert error_code(no_credentials) == "InvalidParameterValue"

    primary = rds[PRIMARY].create_db_cluster(DBClusterIdentifier=CLUSTERS[PRIMARY], GlobalClusterIdentifier="stories", **ENGINE, **CREDENTIALS)["DBCluster"]
    assert writer(describe(rds)) == primary["DBClusterArn"]


def test_duplicate_global_cluster_is_refused_and_the_first_kept(rds, arns):
    with pytest.raises(ClientError) as duplicate:
        rds[EUROPE].create_global_cluster(GlobalClusterIdentifier="STORIES", Engine="aurora-postgresql")

    assert error_code(duplicate) == "GlobalClusterAlreadyExistsFault"
    assert set(members(describe(rds))) == set(arns.values())


def test_switchover_reports_pending_then_switching_over_then_done(rds, arns):
    response = rds[EUROPE].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[EUROPE])
    global_cluster = conforms(response, "SwitchoverGlobalCluster")["GlobalCluster"]

    assert global_cluster["Status"] == "switching-over"
    assert global_cluster["FailoverState"] == {
        "Status": "pending",
        "FromDbClusterArn": arns[PRIMARY],
        "ToDbClusterArn": arns[EUROPE],
        "IsDataLossAllowed": False,
    }
    assert writer(global_cluster) == arns[PRIMARY]
    during = describe(rds)
    assert (during["Status"], during["FailoverState"]["Status"], writer(during)) == ("switching-over", "switching-over", arns[PRIMARY])
    after = describe(rds)
    assert (after["Status"], "FailoverState" in after, writer(after)) == ("available", False, arns[EUROPE])
    assert {member["SynchronizationStatus"] for member in after["GlobalClusterMembers"]} == {"connected"}


def test_failover_with_data_loss_promotes_the_target_and_keeps_the_old_primary_as_a_secondary(rds, arns):
    response = rds[ASIA].failover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[ASIA], AllowDataLoss=True)
    global_cluster = conforms(response, "FailoverGlobalCluster")["GlobalCluster"]

    assert global_cluster["Status"] == "failing-over"
    assert global_cluster["FailoverState"] == {"Status": "pending", "FromDbClusterArn": arns[PRIMARY], "ToDbClusterArn": arns[ASIA], "IsDataLossAllowed": True}
    assert describe(rds)["FailoverState"]["Status"] == "failing-over"
    done = describe(rds)
    assert ("FailoverState" in done, writer(done)) == (False, arns[ASIA])
    assert members(done)[arns[PRIMARY]]["IsWriter"] is False
    assert members(done)[arns[PRIMARY]]["SynchronizationStatus"] == "pending-resync"
    assert {member["SynchronizationStatus"] for member in describe(rds)["GlobalClusterMembers"]} == {"connected"}
    assert_primary(rds, arns, ASIA)


@pytest.mark.parametrize("flags", [{"Switchover": True}, {}, {"AllowDataLoss": False}], ids=["switchover", "no-flag", "no-data-loss"])
def test_failover_without_allow_data_loss_is_a_switchover(rds, arns, flags):
    response = rds[EUROPE].failover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[EUROPE], **flags)

    assert conforms(response, "FailoverGlobalCluster")["GlobalCluster"]["FailoverState"]["IsDataLossAllowed"] is False
    assert wait_until_available(rds) == ["switching-over"]
    assert_primary(rds, arns, EUROPE)


def test_failover_state_statuses_are_the_documented_ones(rds, arns):
    # FailoverStatus enumerates pending, failing-over and cancelling; FailoverState.Status documents switching-over too.
    documented = set(service_model("rds").shape_for("FailoverStatus").enum) | {"switching-over"}
    seen = []
    for operation, target, flags in [("failover_global_cluster", EUROPE, {"AllowDataLoss": True}), ("switchover_global_cluster", PRIMARY, {})]:
        response = getattr(rds[target], operation)(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[target], **flags)
        seen += [response["GlobalCluster"]["FailoverState"]["Status"], *wait_until_available(rds)]

    assert seen == ["pending", "failing-over", "pending", "switching-over"]
    assert set(seen) <= documented


def test_failover_refuses_allow_data_loss_together_with_switchover(rds, arns):
    with pytest.raises(ClientError) as refused:
        rds[EUROPE].failover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[EUROPE], AllowDataLoss=True, Switchover=True)

    assert error_code(refused) == "InvalidParameterCombination"
    assert "FailoverState" not in describe(rds)


def test_target_named_by_identifier_is_found_in_the_callers_region(rds, arns):
    rds[EUROPE].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=CLUSTERS[EUROPE])
    wait_until_available(rds)

    assert writer(describe(rds)) == arns[EUROPE]


def test_nothing_else_happens_to_a_global_cluster_while_it_switches_over(rds, arns):
    rds[EUROPE].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[EUROPE])
    calls = [
        lambda: rds[ASIA].failover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[ASIA], AllowDataLoss=True),
        lambda: rds[ASIA].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=arns[ASIA]),
        lambda: rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", DeletionProtection=True),
        lambda: rds[ASIA].remove_from_global_cluster(GlobalClusterIdentifier="stories", DbClusterIdentifier=arns[ASIA]),
        lambda: rds[ASIA].create_db_cluster(DBClusterIdentifier="stories-apse1-extra", GlobalClusterIdentifier="stories", **ENGINE),
    ]
    for call in calls:
        with pytest.raises(ClientError) as busy:
            call()
        assert error_code(busy) == "InvalidGlobalClusterStateFault"

    assert wait_until_available(rds) == ["switching-over"]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("arn:aws:rds:us-east-1:123456789012:cluster:stories-use1", "InvalidDBClusterStateFault"),
        ("arn:aws:rds:eu-west-1:123456789012:cluster:standalone", "InvalidDBClusterStateFault"),
        ("arn:aws:rds:eu-west-1:123456789012:cluster:missing", "DBClusterNotFoundFault"),
    ],
    ids=["current-primary", "not-a-member", "missing"],
)
def test_switchover_target_must_be_a_secondary(rds, arns, target, code):
    rds[EUROPE].create_db_cluster(DBClusterIdentifier="standalone", **ENGINE, **CREDENTIALS)
    with pytest.raises(ClientError) as refused:
        rds[EUROPE].switchover_global_cluster(GlobalClusterIdentifier="stories", TargetDbClusterIdentifier=target)

    assert error_code(refused) == code
    assert writer(describe(rds)) == arns[PRIMARY]


@pytest.mark.parametrize("operation", ["switchover_global_cluster", "failover_global_cluster"])
def test_switchover_and_failover_of_an_unknown_global_cluster(rds, arns, operation):
    with pytest.raises(ClientError) as missing:
        getattr(rds[EUROPE], operation)(GlobalClusterIdentifier="missing", TargetDbClusterIdentifier=arns[EUROPE])

    assert error_code(missing) == "GlobalClusterNotFoundFault"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_describe_selects_by_identifier_and_region(rds, arns):
    rds[PRIMARY].create_global_cluster(GlobalClusterIdentifier="empty", Engine="aurora-postgresql")

    def identifiers(**parameters):
        response = conforms(rds[ASIA].describe_global_clusters(**parameters), "DescribeGlobalClusters")
        return [global_cluster["GlobalClusterIdentifier"] for global_cluster in response["GlobalClusters"]]

    assert identifiers() == ["stories", "empty"]
    assert identifiers(GlobalClusterIdentifier="empty") == ["empty"]
    assert identifiers(GlobalClusterIdentifier=describe(rds)["GlobalClusterArn"]) == ["stories"]
    assert identifiers(Filters=[{"Name": "region", "Values": [EUROPE, "us-west-2"]}]) == ["stories"]
    assert identifiers(Filters=[{"Name": "region", "Values": ["us-west-2"]}]) == []
    with pytest.raises(ClientError) as missing:
        identifiers(GlobalClusterIdentifier="missing")
    assert error_code(missing) == "GlobalClusterNotFoundFault"
    with pytest.raises(ClientError) as unknown_filter:
        identifiers(Filters=[{"Name": "engine", "Values": ["aurora-postgresql"]}])
    assert error_code(unknown_filter) == "InvalidParameterValue"


def test_members_cannot_be_deleted_or_promoted_until_detached(rds, arns):
    for region in CLUSTERS:
        with pytest.raises(ClientError) as member:
            rds[region].delete_db_cluster(DBClusterIdentifier=CLUSTERS[region], SkipFinalSnapshot=True)
        assert error_code(member) == "InvalidDBClusterStateFault"
        assert "remove it from globalcluster first" in member.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as promote:
        rds[EUROPE].promote_read_replica_db_cluster(DBClusterIdentifier=CLUSTERS[EUROPE])
    assert error_code(promote) == "InvalidDBClusterStateFault"

    assert set(members(describe(rds))) == set(arns.values())


def test_detached_secondary_is_a_standalone_writable_cluster(rds, arns):
    response = rds[EUROPE].remove_from_global_cluster(GlobalClusterIdentifier="stories", DbClusterIdentifier=arns[EUROPE])
    global_cluster = conforms(response, "RemoveFromGlobalCluster")["GlobalCluster"]

    assert set(members(global_cluster)) == {arns[PRIMARY], arns[ASIA]}
    assert members(global_cluster)[arns[PRIMARY]]["Readers"] == [arns[ASIA]]
    cluster = db_cluster(rds, EUROPE)
    assert "GlobalClusterIdentifier" not in cluster
    assert "ReplicationSourceIdentifier" not in cluster
    assert "GlobalWriteForwardingStatus" not in cluster
    deleted = rds[EUROPE].delete_db_cluster(DBClusterIdentifier=CLUSTERS[EUROPE], SkipFinalSnapshot=True)
    assert deleted["DBCluster"]["DBClusterArn"] == arns[EUROPE]


def test_detaching_is_refused_for_the_primary_first_and_for_non_members(rds, arns):
    rds[EUROPE].create_db_cluster(DBClusterIdentifier="standalone", **ENGINE, **CREDENTIALS)
    refusals = [
        ("stories", arns[PRIMARY], "InvalidGlobalClusterStateFault"),
        ("stories", "arn:aws:rds:eu-west-1:123456789012:cluster:standalone", "DBClusterNotFoundFault"),
        ("stories", "arn:aws:rds:eu-west-1:123456789012:cluster:missing", "DBClusterNotFoundFault"),
        ("missing", arns[EUROPE], "GlobalClusterNotFoundFault"),
    ]
    for global_cluster, cluster, code in refusals:
        with pytest.raises(ClientError) as refused:
            rds[EUROPE].remove_from_global_cluster(GlobalClusterIdentifier=global_cluster, DbClusterIdentifier=cluster)
        assert error_code(refused) == code, cluster

    assert set(members(describe(rds))) == set(arns.values())


def test_delete_of_an_unknown_global_cluster_is_not_found(rds):
    with pytest.raises(ClientError) as missing:
        rds[PRIMARY].delete_global_cluster(GlobalClusterIdentifier="missing")

    assert error_code(missing) == "GlobalClusterNotFoundFault"


def test_modify_sets_deletion_protection(rds, arns):
    response = rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", DeletionProtection=True)

    assert conforms(response, "ModifyGlobalCluster")["GlobalCluster"]["DeletionProtection"] is True
    assert describe(rds)["DeletionProtection"] is True


def test_rename_moves_the_members_to_the_new_identifier(rds, arns):
    rds[PRIMARY].create_global_cluster(GlobalClusterIdentifier="taken", Engine="aurora-postgresql")
    with pytest.raises(ClientError) as taken:
        rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", NewGlobalClusterIdentifier="taken")
    assert error_code(taken) == "GlobalClusterAlreadyExistsFault"

    response = rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", NewGlobalClusterIdentifier="Stories-2")
    assert conforms(response, "ModifyGlobalCluster")["GlobalCluster"]["GlobalClusterIdentifier"] == "stories-2"
    assert set(members(describe(rds, "stories-2"))) == set(arns.values())
    assert {db_cluster(rds, region)["GlobalClusterIdentifier"] for region in CLUSTERS} == {"stories-2"}
    with pytest.raises(ClientError) as old_name:
        describe(rds)
    assert error_code(old_name) == "GlobalClusterNotFoundFault"


def test_engine_upgrade_reaches_every_member_and_a_major_one_needs_the_flag(rds, arns):
    rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", EngineVersion="15.6")
    assert {db_cluster(rds, region)["EngineVersion"] for region in CLUSTERS} == {"15.6"}

    with pytest.raises(ClientError) as major:
        rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", EngineVersion="16.2")
    assert error_code(major) == "InvalidParameterCombination"
    rds[PRIMARY].modify_global_cluster(GlobalClusterIdentifier="stories", EngineVersion="16.2", AllowMajorVersionUpgrade=True)
    assert describe(rds)["EngineVersion"] == "16.2"
    assert {db_cluster(rds, region)["EngineVersion"] for region in CLUSTERS} == {"16.2"}


def test_clusters_restored_from_a_member_stand_alone(rds, arns):
    rds[PRIMARY].create_db_cluster_snapshot(DBClusterIdentifier=CLUSTERS[PRIMARY], DBClusterSnapshotIdentifier="drill")
    from_snapshot = rds[PRIMARY].restore_db_cluster_from_snapshot(DBClusterIdentifier="drill-snapshot", SnapshotIdentifier="drill", Engine="aurora-postgresql")
    point_in_time = rds[EUROPE].restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="drill-pitr", SourceDBClusterIdentifier=CLUSTERS[EUROPE], UseLatestRestorableTime=True
    )

    for restored in (from_snapshot["DBCluster"], point_in_time["DBCluster"]):
        assert "GlobalClusterIdentifier" not in restored
        assert "ReplicationSourceIdentifier" not in restored
    assert set(members(describe(rds))) == set(arns.values())


@pytest.fixture
def subnet_group(aws):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(["us-east-1a", "us-east-1b"])
    ]
    aws("rds").create_db_subnet_group(DBSubnetGroupName="database", DBSubnetGroupDescription="d", SubnetIds=subnets)
    return "database"


@pytest.fixture
def cluster(aws, subnet_group):
    aws("rds").create_db_cluster(DBClusterIdentifier="stories", DBSubnetGroupName=subnet_group, **ENGINE, **CREDENTIALS)
    return "stories"


def db_instance(rds, identifier: str) -> dict:
    (instance,) = conforms(rds.describe_db_instances(DBInstanceIdentifier=identifier), "DescribeDBInstances")["DBInstances"]
    return instance


def test_cluster_instance_reports_the_clusters_subnet_group_and_what_was_asked(aws, cluster, subnet_group):
    rds = aws("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="writer",
        DBClusterIdentifier=cluster,
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId="arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        PerformanceInsightsRetentionPeriod=31,
        MonitoringInterval=60,
        MonitoringRoleArn="arn:aws:iam::123456789012:role/rds-monitoring",
    )
    instance = db_instance(rds, "writer")

    assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == subnet_group
    assert instance["PerformanceInsightsEnabled"] is True
    assert instance["PerformanceInsightsKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    assert instance["PerformanceInsightsRetentionPeriod"] == 31
    assert (instance["MonitoringInterval"], instance["MonitoringRoleArn"]) == (60, "arn:aws:iam::123456789012:role/rds-monitoring")


def test_performance_insights_are_reported_off_by_default_and_on_once_enabled(aws, cluster):
    rds = aws("rds")
    rds.create_db_instance(DBInstanceIdentifier="reader", DBClusterIdentifier=cluster, Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    instance = db_instance(rds, "reader")
    assert instance["PerformanceInsightsEnabled"] is False
    assert "PerformanceInsightsRetentionPeriod" not in instance
    assert instance["MonitoringInterval"] == 0

    rds.modify_db_instance(DBInstanceIdentifier="reader", EnablePerformanceInsights=True, ApplyImmediately=True)
    instance = db_instance(rds, "reader")
    assert instance["PerformanceInsightsEnabled"] is True
    assert instance["PerformanceInsightsRetentionPeriod"] == 7


def test_standalone_instance_reports_performance_insights_off(aws):
    rds = aws("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="plain", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="u", MasterUserPassword="secret123"
    )

    assert db_instance(rds, "plain")["PerformanceInsightsEnabled"] is False
