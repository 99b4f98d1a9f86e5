# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aurora_global_cluster driven through main() against real botocore RDS clients with Stubbers, one
per region: every request is validated against the RDS service model, and any call not queued fails."""

import jmespath
import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.module_utils import _rds_global
from ansible_collections.stories1001.infra.plugins.modules import aurora_global_cluster
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubbers_fixture

GC_ID = "stories1001-production"
GC_ARN = f"arn:aws:rds::123456789012:global-cluster:{GC_ID}"
USE1 = "arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-use1"
EUW1 = "arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1"
APSE1 = "arn:aws:rds:ap-southeast-1:123456789012:cluster:stories1001-production-apse1"
DESCRIBE = {"GlobalClusterIdentifier": GC_ID}


def aws_member(arn, writer=False, readers=(), **extra):
    member = {"DBClusterArn": arn, "Readers": list(readers), "IsWriter": writer}
    if not writer:
        member.update(GlobalWriteForwardingStatus="disabled", SynchronizationStatus="connected")
    member.update(extra)
    return member


def aws_global_cluster(writer=USE1, readers=(EUW1,), tags=None, members=None, **overrides):
    """A DescribeGlobalClusters entry as AWS returns it."""
    if members is None:
        members = ([aws_member(writer, True, readers)] if writer else []) + [aws_member(arn) for arn in readers]
    cluster = {
        "GlobalClusterIdentifier": GC_ID,
        "GlobalClusterResourceId": "cluster-0123456789abcdef",
        "GlobalClusterArn": GC_ARN,
        "Status": "available",
        "Engine": "aurora-postgresql",
        "EngineVersion": "15.4",
        "StorageEncrypted": True,
        "DeletionProtection": False,
        "GlobalClusterMembers": members,
        "Endpoint": f"{GC_ID}.global-0123456789.global.rds.amazonaws.com",
        "TagList": [{"Key": key, "Value": value} for key, value in (tags or {}).items()],
    }
    cluster.update(overrides)
    return cluster


def failover_state(status="pending", source=USE1, target=EUW1, data_loss=False):
    return {"Status": status, "FromDbClusterArn": source, "ToDbClusterArn": target, "IsDataLossAllowed": data_loss}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    # Both the waiters (botocore.waiter) and AWSRetry sleep through time.sleep.
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubbers = stubbers_fixture("rds")


@pytest.fixture
def stubber(stubbers):
    return stubbers["us-east-1"]


@pytest.fixture
def run(stubbers, monkeypatch, capsys):
    """Run the module's main() with the given options; returns its JSON result, with the regions of the
    clients made in result["_clients"].

    Also checks that every operation sent outside a waiter went through the client's retry decorator
    (was called with aws_retry=True); the waiters retry on throttling by their own acceptors."""
    stubbed = StubbedModule(
        aurora_global_cluster.main, "rds", stubbers.__getitem__, monkeypatch=monkeypatch, capsys=capsys, by_region=True, outside_waiters=True
    )

    def _run(args, check_mode=False, region="us-east-1"):
        module_args = aws_args(region, global_cluster_identifier=GC_ID)
        module_args.update(args)
        result = stubbed.run(module_args, check_mode)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_describe(stub, *clusters):
    stub.add_response("describe_global_clusters", {"GlobalClusters": list(clusters)}, DESCRIBE)


def expect_missing(stub):
    stub.add_client_error(
        "describe_global_clusters", "GlobalClusterNotFoundFault", "not found", 404, expected_params=DESCRIBE
    )


def expect_db_cluster(stub, arn, status="available"):
    name = arn.rsplit(":", 1)[1]
    stub.add_response(
        "describe_db_clusters",
        {
            "DBClusters": [
                {"DBClusterIdentifier": name, "DBClusterArn": arn, "Status": status, "Engine": "aurora-postgresql"}
            ]
        },
        {"DBClusterIdentifier": arn},
    )


def warnings_of(result):
    """The warning texts (ansible-core 2.19 reports each warning as a structured summary)."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


def members_of(result):
    return [(member["db_cluster_arn"], member["role"]) for member in result["global_cluster"]["members"]]


# --- present: create -----------------------------------------------------------------------------


def test_create_empty(stubber, run):
    expect_missing(stubber)
    created = aws_global_cluster(writer=None, readers=(), tags={"Project": "stories1001"}, DatabaseName="stories")
    stubber.add_response(
        "create_global_cluster",
        {"GlobalCluster": dict(created, Status="creating")},
        {
            "GlobalClusterIdentifier": GC_ID,
            "Engine": "aurora-postgresql",
            "EngineVersion": "15.4",
            "StorageEncrypted": True,
            "DatabaseName": "stories",
            "DeletionProtection": True,
            "Tags": [{"Key": "Project", "Value": "stories1001"}],
        },
    )
    expect_describe(stubber, dict(created, Status="creating"))  # waiter, first poll
    expect_describe(stubber, created)  # waiter, second poll
    expect_describe(stubber, created)

    result = run(
        dict(
            engine="aurora-postgresql",
            engine_version="15.4",
            storage_encrypted=True,
            database_name="stories",
            deletion_protection=True,
            tags={"Project": "stories1001"},
        )
    )

    assert result["changed"] is True
    assert result["global_cluster"]["global_cluster_arn"] == GC_ARN
    assert result["global_cluster"]["status"] == "available"
    assert result["global_cluster"]["members"] == []
    assert result["global_cluster"]["writer_region"] is None
    assert result["global_cluster"]["tags"] == {"Project": "stories1001"}
    assert result["diff"]["before"] == {}


def test_create_empty_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)

    result = run(dict(engine="aurora-postgresql", storage_encrypted=True, tags={"Phase": 2}), check_mode=True)

    assert result["changed"] is True
    assert result["global_cluster"] == {
        "global_cluster_identifier": GC_ID,
        "engine": "aurora-postgresql",
        "storage_encrypted": True,
        "deletion_protection": False,
        "members": [],
        "writer_region": None,
        "tags": {"Phase": "2"},
    }
    assert result["diff"] == {"before": {}, "after": result["global_cluster"]}


def test_create_empty_needs_an_engine(stubber, run):
    expect_missing(stubber)

    result = run({})

    assert result["failed"] is True
    assert "engine is required" in result["msg"]


def test_create_from_source_waits_for_the_writer(stubber, run):
    expect_missing(stubber)
    stubber.add_response(
        "create_global_cluster",
        {"GlobalCluster": aws_global_cluster(readers=(), Status="creating")},
        {"GlobalClusterIdentifier": GC_ID, "SourceDBClusterIdentifier": USE1, "DeletionProtection": True},
    )
    expect_describe(stubber, aws_global_cluster(writer=None, readers=(), Status="creating"))
    expect_describe(stubber, aws_global_cluster(readers=()))
    expect_describe(stubber, aws_global_cluster(readers=(), DeletionProtection=True))

    result = run(dict(source_db_cluster_identifier=USE1, deletion_protection=True))

    assert result["changed"] is True
    assert members_of(result) == [(USE1, "writer")]
    assert result["global_cluster"]["writer_region"] == "us-east-1"
    assert result["global_cluster"]["engine"] == "aurora-postgresql"
    assert result["global_cluster"]["deletion_protection"] is True


def test_create_from_source_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)

    result = run(dict(source_db_cluster_identifier=USE1), check_mode=True)

    assert result["changed"] is True
    assert result["global_cluster"]["members"] == [
        {"db_cluster_arn": USE1, "region": "us-east-1", "role": "writer", "is_writer": True, "readers": []}
    ]
    assert result["global_cluster"]["writer_region"] == "us-east-1"
    assert "engine" not in result["global_cluster"]


def test_create_without_wait_returns_the_answer_of_the_create(stubber, run):
    expect_missing(stubber)
    stubber.add_response(
        "create_global_cluster",
        {"GlobalCluster": aws_global_cluster(writer=None, readers=(), Status="creating")},
        {"GlobalClusterIdentifier": GC_ID, "SourceDBClusterIdentifier": USE1},
    )

    result = run(dict(source_db_cluster_identifier=USE1, wait=False))

    assert result["changed"] is True
    assert result["global_cluster"]["status"] == "creating"


# --- present: existing ---------------------------------------------------------------------------


def test_existing_with_source_as_writer_is_no_change(stubber, run):
    expect_describe(stubber, aws_global_cluster(tags={"Project": "stories1001"}))

    result = run(dict(source_db_cluster_identifier=USE1, tags={"Project": "stories1001"}))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert members_of(result) == [(USE1, "writer"), (EUW1, "reader")]
    assert not warnings_of(result)


def test_existing_after_a_switchover_is_no_change(stubber, run):
    # The source has become a reader: present must not fight a switchover made since.
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(source_db_cluster_identifier=USE1))

    assert result["changed"] is False
    assert result["global_cluster"]["writer_region"] == "eu-west-1"
    assert not warnings_of(result)


def test_existing_without_the_source_warns(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=()))

    result = run(dict(source_db_cluster_identifier=USE1))

    assert result["changed"] is False
    assert any("is not a member" in warning for warning in warnings_of(result))


def test_creation_only_options_that_differ_warn(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(engine="aurora-postgresql", engine_version="16.1", storage_encrypted=False))

    assert result["changed"] is False
    assert len(warnings_of(result)) == 2
    assert "engine_version is used only at creation" in warnings_of(result)[0]


def test_deletion_protection_change(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "modify_global_cluster",
        {"GlobalCluster": aws_global_cluster(DeletionProtection=True, Status="modifying")},
        {"GlobalClusterIdentifier": GC_ID, "DeletionProtection": True},
    )
    expect_describe(stubber, aws_global_cluster(DeletionProtection=True))  # waiter
    expect_describe(stubber, aws_global_cluster(DeletionProtection=True))

    result = run(dict(deletion_protection=True))

    assert result["changed"] is True
    assert result["diff"]["before"]["deletion_protection"] is False
    assert result["diff"]["after"]["deletion_protection"] is True


def test_deletion_protection_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, aws_global_cluster(DeletionProtection=True))

    result = run(dict(deletion_protection=False), check_mode=True)

    assert result["changed"] is True
    assert result["global_cluster"]["deletion_protection"] is False
    assert result["global_cluster"]["members"] == result["diff"]["before"]["members"]


def test_deletion_protection_already_set_is_no_change(stubber, run):
    expect_describe(stubber, aws_global_cluster(DeletionProtection=True))

    assert run(dict(deletion_protection=True))["changed"] is False


def test_tag_change(stubber, run):
    expect_describe(stubber, aws_global_cluster(tags={"Project": "stories1001", "Owner": "old"}))
    stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": GC_ARN, "TagKeys": ["Owner"]})
    stubber.add_response(
        "add_tags_to_resource", {}, {"ResourceName": GC_ARN, "Tags": [{"Key": "Environment", "Value": "production"}]}
    )
    expect_describe(stubber, aws_global_cluster(tags={"Project": "stories1001", "Environment": "production"}))

    result = run(dict(tags={"Project": "stories1001", "Environment": "production"}))

    assert result["changed"] is True
    assert result["global_cluster"]["tags"] == {"Project": "stories1001", "Environment": "production"}
    assert result["diff"]["before"]["tags"]["Owner"] == "old"


def test_tag_change_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, aws_global_cluster(tags={"Owner": "old"}))

    result = run(dict(tags={"Owner": "new"}), check_mode=True)

    assert result["changed"] is True
    assert result["global_cluster"]["tags"] == {"Owner": "new"}


# --- present: waiting for members ---------------------------------------------------------------


def test_wait_for_members_until_they_join_and_are_available(stubbers, stubber, run):
    expect_describe(stubber, aws_global_cluster())
    # members_joined: ap-southeast-1 not there yet, then resynchronising, then connected.
    expect_describe(stubber, aws_global_cluster())
    expect_describe(
        stubber,
        aws_global_cluster(
            members=[
                aws_member(USE1, True, (EUW1, APSE1)),
                aws_member(EUW1),
                aws_member(APSE1, SynchronizationStatus="pending-resync"),
            ]
        ),
    )
    expect_describe(stubber, aws_global_cluster(readers=(EUW1, APSE1)))
    # Regional status, in each member's own region, in ARN order: ap-southeast-1 first.
    expect_db_cluster(stubbers["ap-southeast-1"], APSE1, "creating")
    expect_db_cluster(stubbers["ap-southeast-1"], APSE1, "available")
    expect_db_cluster(stubbers["eu-west-1"], EUW1, "available")
    expect_describe(stubber, aws_global_cluster(readers=(EUW1, APSE1)))
    expect_db_cluster(stubbers["ap-southeast-1"], APSE1, "available")
    expect_db_cluster(stubbers["eu-west-1"], EUW1, "available")

    result = run(dict(wait_for_members=[EUW1, APSE1]))

    assert result["changed"] is False
    assert members_of(result) == [(USE1, "writer"), (APSE1, "reader"), (EUW1, "reader")]
    statuses = {member["db_cluster_arn"]: member.get("status") for member in result["global_cluster"]["members"]}
    assert statuses == {USE1: None, APSE1: "available", EUW1: "available"}
    assert {member["region"] for member in result["global_cluster"]["members"]} == {
        "us-east-1",
        "eu-west-1",
        "ap-southeast-1",
    }


def test_wait_for_members_in_check_mode_does_not_wait(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(wait_for_members=[EUW1, APSE1]), check_mode=True)

    assert result["changed"] is False
    assert result["_clients"] == ["us-east-1"]


def test_wait_for_members_reports_a_failed_member(stubbers, stubber, run):
    expect_describe(stubber, aws_global_cluster())
    expect_describe(stubber, aws_global_cluster())  # members_joined: at once
    expect_db_cluster(stubbers["eu-west-1"], EUW1, "failed")
    expect_describe(stubber, aws_global_cluster())
    expect_db_cluster(stubbers["eu-west-1"], EUW1, "failed")

    result = run(dict(wait_for_members=[EUW1]))

    assert result["failed"] is True
    assert EUW1 in result["msg"]
    assert "failed" in result["msg"]
    member = [member for member in result["global_cluster"]["members"] if member["db_cluster_arn"] == EUW1][0]
    assert member["status"] == "failed"


def test_wait_for_members_timeout_names_the_missing_ones(stubbers, stubber, run):
    expect_describe(stubber, aws_global_cluster())
    for dummy in range(3):  # wait_timeout=2: polls at 0, 1 and 2 seconds
        expect_describe(stubber, aws_global_cluster())
    expect_describe(stubber, aws_global_cluster())
    stubbers["ap-southeast-1"].add_client_error(
        "describe_db_clusters",
        "DBClusterNotFoundFault",
        "not found",
        404,
        expected_params={"DBClusterIdentifier": APSE1},
    )

    result = run(dict(wait_for_members=[APSE1], wait_timeout=2))

    assert result["failed"] is True
    assert "Timeout after 2 seconds" in result["msg"]
    assert f"not members: {APSE1}" in result["msg"]


# --- switched_over ------------------------------------------------------------------------------


def test_switchover_waits_until_the_target_writes(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": aws_global_cluster(Status="switching-over", FailoverState=failover_state())},
        {"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1},
    )
    expect_describe(stubber, aws_global_cluster(Status="switching-over", FailoverState=failover_state()))
    expect_describe(stubber, aws_global_cluster(Status="switching-over", FailoverState=failover_state("failing-over")))
    # The writer has moved but AWS still reports the switchover: keep waiting.
    expect_describe(
        stubber, aws_global_cluster(writer=EUW1, readers=(USE1,), FailoverState=failover_state("failing-over"))
    )
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["changed"] is True
    assert result["global_cluster"]["writer_region"] == "eu-west-1"
    assert members_of(result) == [(EUW1, "writer"), (USE1, "reader")]
    assert "failover_state" not in result["global_cluster"]
    assert result["diff"]["before"]["writer_region"] == "us-east-1"


def test_switchover_that_completes_at_once(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": aws_global_cluster(Status="switching-over", FailoverState=failover_state())},
        {"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1},
    )
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["changed"] is True
    assert result["global_cluster"]["writer_region"] == "eu-west-1"


def test_switchover_when_target_already_writes_is_no_change(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_switchover_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, aws_global_cluster(readers=(EUW1, APSE1)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1), check_mode=True)

    assert result["changed"] is True
    assert members_of(result) == [(EUW1, "writer"), (APSE1, "reader"), (USE1, "reader")]
    writer = result["global_cluster"]["members"][0]
    assert writer["readers"] == [USE1, APSE1]
    assert result["global_cluster"]["writer_region"] == "eu-west-1"
    assert result["diff"]["before"]["writer_region"] == "us-east-1"


def test_switchover_already_under_way_to_the_target_only_waits(stubber, run):
    running = aws_global_cluster(Status="switching-over", FailoverState=failover_state())
    expect_describe(stubber, running)
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["changed"] is False
    assert result["global_cluster"]["writer_region"] == "eu-west-1"
    assert result["diff"]["before"]["failover_state"]["status"] == "pending"


def test_switchover_refused_while_another_runs(stubber, run):
    expect_describe(
        stubber,
        aws_global_cluster(readers=(EUW1, APSE1), Status="switching-over", FailoverState=failover_state(target=APSE1)),
    )

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["failed"] is True
    assert f"switchover of global cluster {GC_ID} from {USE1} to {APSE1} is pending" in result["msg"]
    assert result["global_cluster"]["failover_state"]["to_db_cluster_arn"] == APSE1


def test_switchover_to_a_cluster_that_is_not_a_member_fails(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(state="switched_over", target_db_cluster_identifier=APSE1))

    assert result["failed"] is True
    assert f"{APSE1} is not a member" in result["msg"]


def test_switchover_of_a_missing_global_cluster_fails(stubber, run):
    expect_missing(stubber)

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["failed"] is True
    assert "does not exist" in result["msg"]


def test_switchover_cancelled_by_aws_is_reported(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": aws_global_cluster(Status="switching-over", FailoverState=failover_state())},
        {"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1},
    )
    cancelling = aws_global_cluster(Status="switching-over", FailoverState=failover_state("cancelling"))
    expect_describe(stubber, cancelling)
    expect_describe(stubber, cancelling)

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["failed"] is True
    assert "Stopped waiting for writer is" in result["msg"]
    assert result["global_cluster"]["failover_state"]["status"] == "cancelling"


def test_switchover_refused_by_aws_is_reported(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_client_error(
        "switchover_global_cluster",
        "InvalidGlobalClusterStateFault",
        "The global cluster is not in a valid state",
        400,
        expected_params={"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1},
    )

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to switch over global cluster")
    assert result["error"]["code"] == "InvalidGlobalClusterStateFault"


def test_switchover_wait_retries_throttling(stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "switchover_global_cluster",
        {"GlobalCluster": aws_global_cluster(Status="switching-over", FailoverState=failover_state())},
        {"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1},
    )
    stubber.add_client_error("describe_global_clusters", "Throttling", "Rate exceeded", 400, expected_params=DESCRIBE)
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="switched_over", target_db_cluster_identifier=EUW1))

    assert result["changed"] is True


# --- failed_over --------------------------------------------------------------------------------


def test_failover_without_allow_data_loss_is_refused_before_any_call(stubbers, run):
    result = run(dict(state="failed_over", target_db_cluster_identifier=EUW1), region="eu-west-1")

    assert result["failed"] is True
    assert "may be lost" in result["msg"]
    assert "allow_data_loss" in result["msg"]
    assert result["_clients"] == []
    assert not stubbers


def test_failover_with_allow_data_loss(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_describe(stub, aws_global_cluster())
    stub.add_response(
        "failover_global_cluster",
        {"GlobalCluster": aws_global_cluster(Status="failing-over", FailoverState=failover_state(data_loss=True))},
        {"GlobalClusterIdentifier": GC_ID, "TargetDbClusterIdentifier": EUW1, "AllowDataLoss": True},
    )
    expect_describe(
        stub, aws_global_cluster(Status="failing-over", FailoverState=failover_state("failing-over", data_loss=True))
    )
    expect_describe(stub, aws_global_cluster(writer=EUW1, readers=(USE1,)))
    expect_describe(stub, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="failed_over", target_db_cluster_identifier=EUW1, allow_data_loss=True), region="eu-west-1")

    assert result["changed"] is True
    assert result["global_cluster"]["writer_region"] == "eu-west-1"
    assert result["_clients"] == ["eu-west-1"]
    assert not warnings_of(result)


def test_failover_from_another_region_warns(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="failed_over", target_db_cluster_identifier=EUW1, allow_data_loss=True))

    assert result["changed"] is False
    assert "run unplanned failovers in the target's region" in warnings_of(result)[0]


def test_failover_when_target_already_writes_is_no_change(stubbers, run):
    expect_describe(stubbers["eu-west-1"], aws_global_cluster(writer=EUW1, readers=(USE1,)))

    result = run(dict(state="failed_over", target_db_cluster_identifier=EUW1, allow_data_loss=True), region="eu-west-1")

    assert result["changed"] is False


def test_failover_check_mode_touches_nothing(stubbers, run):
    expect_describe(stubbers["eu-west-1"], aws_global_cluster())

    result = run(
        dict(state="failed_over", target_db_cluster_identifier=EUW1, allow_data_loss=True),
        check_mode=True,
        region="eu-west-1",
    )

    assert result["changed"] is True
    assert members_of(result) == [(EUW1, "writer"), (USE1, "reader")]


def test_a_failover_under_way_shows_in_the_result(stubber, run):
    state = failover_state("failing-over", data_loss=True)
    expect_describe(stubber, aws_global_cluster(Status="failing-over", FailoverState=state))

    result = run({})

    assert result["changed"] is False
    assert result["global_cluster"]["status"] == "failing-over"
    assert result["global_cluster"]["failover_state"] == {
        "status": "failing-over",
        "from_db_cluster_arn": USE1,
        "to_db_cluster_arn": EUW1,
        "is_data_loss_allowed": True,
    }


# --- detached -----------------------------------------------------------------------------------


def test_detach(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_describe(stub, aws_global_cluster(readers=(EUW1, APSE1)))
    stub.add_response(
        "remove_from_global_cluster",
        {"GlobalCluster": aws_global_cluster(readers=(EUW1, APSE1))},
        {"GlobalClusterIdentifier": GC_ID, "DbClusterIdentifier": EUW1},
    )
    expect_describe(stub, aws_global_cluster(readers=(EUW1, APSE1)))  # member_removed: still there
    expect_describe(stub, aws_global_cluster(readers=(APSE1,)))
    expect_db_cluster(stub, EUW1, "promoting")  # the detached cluster, standalone once available
    expect_db_cluster(stub, EUW1, "available")
    expect_describe(stub, aws_global_cluster(readers=(APSE1,)))

    result = run(dict(state="detached", db_cluster_identifier=EUW1), region="eu-west-1")

    assert result["changed"] is True
    assert members_of(result) == [(USE1, "writer"), (APSE1, "reader")]
    assert result["global_cluster"]["members"][0]["readers"] == [APSE1]
    assert not warnings_of(result)


def test_detach_without_wait(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_describe(stub, aws_global_cluster())
    stub.add_response(
        "remove_from_global_cluster",
        {"GlobalCluster": aws_global_cluster()},
        {"GlobalClusterIdentifier": GC_ID, "DbClusterIdentifier": EUW1},
    )
    expect_describe(stub, aws_global_cluster())  # AWS still lists the member while it leaves

    result = run(dict(state="detached", db_cluster_identifier=EUW1, wait=False), region="eu-west-1")

    assert result["changed"] is True
    assert members_of(result) == [(USE1, "writer"), (EUW1, "reader")]


def test_detach_refuses_the_writer(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(state="detached", db_cluster_identifier=USE1))

    assert result["failed"] is True
    assert "is the writer" in result["msg"]
    assert "switched_over" in result["msg"]


@pytest.mark.parametrize(
    "global_cluster", [aws_global_cluster(readers=(APSE1,)), None], ids=["not-a-member", "no-global-cluster"]
)
def test_detach_of_a_non_member_is_no_change(stubbers, run, global_cluster):
    if global_cluster:
        expect_describe(stubbers["eu-west-1"], global_cluster)
    else:
        expect_missing(stubbers["eu-west-1"])

    result = run(dict(state="detached", db_cluster_identifier=EUW1), region="eu-west-1")

    assert result["changed"] is False


def test_detach_check_mode_touches_nothing(stubbers, run):
    expect_describe(stubbers["eu-west-1"], aws_global_cluster(readers=(EUW1, APSE1)))

    result = run(dict(state="detached", db_cluster_identifier=EUW1), check_mode=True, region="eu-west-1")

    assert result["changed"] is True
    assert members_of(result) == [(USE1, "writer"), (APSE1, "reader")]
    assert result["global_cluster"]["members"][0]["readers"] == [APSE1]


def test_detach_from_another_region_warns_and_asks_that_region(stubbers, stubber, run):
    expect_describe(stubber, aws_global_cluster())
    stubber.add_response(
        "remove_from_global_cluster",
        {"GlobalCluster": aws_global_cluster()},
        {"GlobalClusterIdentifier": GC_ID, "DbClusterIdentifier": EUW1},
    )
    expect_describe(stubber, aws_global_cluster(readers=()))
    expect_db_cluster(stubbers["eu-west-1"], EUW1, "available")
    expect_describe(stubber, aws_global_cluster(readers=()))

    result = run(dict(state="detached", db_cluster_identifier=EUW1))

    assert result["changed"] is True
    assert "run the detach in the cluster's own region" in warnings_of(result)[0]
    assert result["_clients"] == ["us-east-1", "eu-west-1"]


# --- absent -------------------------------------------------------------------------------------


def test_absent_when_missing_is_no_change(stubber, run):
    expect_missing(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_of_an_empty_global_cluster(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=None, readers=()))
    stubber.add_response(
        "delete_global_cluster",
        {"GlobalCluster": aws_global_cluster(writer=None, readers=(), Status="deleting")},
        DESCRIBE,
    )
    expect_describe(stubber, aws_global_cluster(writer=None, readers=(), Status="deleting"))
    expect_missing(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["global_cluster"] == {}
    assert result["diff"]["before"]["global_cluster_identifier"] == GC_ID


def test_absent_refused_while_members_remain(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert f"still has members: {USE1}, {EUW1}" in result["msg"]
    assert "force: true" in result["msg"]


def test_absent_with_force_detaches_then_deletes(stubber, run):
    expect_describe(stubber, aws_global_cluster(readers=(EUW1,)))
    # The secondary first: AWS detaches the writer only once it is alone.
    stubber.add_response(
        "remove_from_global_cluster",
        {"GlobalCluster": aws_global_cluster()},
        {"GlobalClusterIdentifier": GC_ID, "DbClusterIdentifier": EUW1},
    )
    expect_describe(stubber, aws_global_cluster())
    expect_describe(stubber, aws_global_cluster(readers=()))
    stubber.add_response(
        "remove_from_global_cluster",
        {"GlobalCluster": aws_global_cluster(readers=())},
        {"GlobalClusterIdentifier": GC_ID, "DbClusterIdentifier": USE1},
    )
    expect_describe(stubber, aws_global_cluster(writer=None, readers=()))
    stubber.add_response(
        "delete_global_cluster", {"GlobalCluster": aws_global_cluster(writer=None, readers=())}, DESCRIBE
    )
    expect_missing(stubber)

    result = run(dict(state="absent", force=True))

    assert result["changed"] is True
    assert result["global_cluster"] == {}


def test_absent_with_force_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, aws_global_cluster())

    result = run(dict(state="absent", force=True), check_mode=True)

    assert result["changed"] is True
    assert result["global_cluster"] == {}
    assert result["diff"]["before"]["members"]


def test_absent_refused_under_deletion_protection(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=None, readers=(), DeletionProtection=True))

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert "deletion protection on" in result["msg"]
    assert "deletion_protection: false" in result["msg"]


def test_absent_lifts_deletion_protection_when_told(stubber, run):
    expect_describe(stubber, aws_global_cluster(writer=None, readers=(), DeletionProtection=True))
    stubber.add_response(
        "modify_global_cluster",
        {"GlobalCluster": aws_global_cluster(writer=None, readers=())},
        {"GlobalClusterIdentifier": GC_ID, "DeletionProtection": False},
    )
    expect_describe(stubber, aws_global_cluster(writer=None, readers=()))
    stubber.add_response(
        "delete_global_cluster", {"GlobalCluster": aws_global_cluster(writer=None, readers=())}, DESCRIBE
    )

    result = run(dict(state="absent", deletion_protection=False, wait=False))

    assert result["changed"] is True


# --- reading ------------------------------------------------------------------------------------


def test_describe_is_retried_on_throttling(stubber, run):
    stubber.add_client_error("describe_global_clusters", "Throttling", "Rate exceeded", 400, expected_params=DESCRIBE)
    expect_describe(stubber, aws_global_cluster())

    assert run({})["changed"] is False


def test_describe_follows_pages_and_matches_the_identifier(stubber, run):
    # moto ignores the identifier and lists every global cluster: the module matches it itself.
    other = dict(aws_global_cluster(), GlobalClusterIdentifier="someone-else")
    upper = {"GlobalClusterIdentifier": GC_ID.upper()}
    stubber.add_response("describe_global_clusters", {"GlobalClusters": [other], "Marker": "page2"}, upper)
    stubber.add_response(
        "describe_global_clusters", {"GlobalClusters": [aws_global_cluster()]}, dict(upper, Marker="page2")
    )

    result = run(dict(global_cluster_identifier=GC_ID.upper()))

    assert result["changed"] is False
    assert result["global_cluster"]["global_cluster_identifier"] == GC_ID


def test_api_error_fails_with_aws_details(stubber, run):
    stubber.add_client_error("describe_global_clusters", "AccessDenied", "not allowed", 403, expected_params=DESCRIBE)

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to describe global clusters")
    assert result["error"]["code"] == "AccessDenied"


# --- argument validation (no AWS call at all) -----------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (
            dict(source_db_cluster_identifier="stories1001-production-use1"),
            "source_db_cluster_identifier must be the ARN",
        ),
        (dict(state="switched_over"), "target_db_cluster_identifier"),
        (
            dict(state="switched_over", target_db_cluster_identifier="euw1"),
            "target_db_cluster_identifier must be the ARN",
        ),
        (dict(state="detached"), "db_cluster_identifier"),
        (dict(wait_for_members=[EUW1, "apse1"]), "wait_for_members must list ARNs"),
        (dict(source_db_cluster_identifier=USE1, engine="aurora-postgresql"), "mutually exclusive"),
        (dict(wait_timeout=0), "wait_timeout"),
    ],
)
def test_invalid_arguments(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn, region",
    [
        (USE1, "us-east-1"),
        (APSE1, "ap-southeast-1"),
        ("arn:aws-cn:rds:cn-north-1:123456789012:cluster:c", "cn-north-1"),
        (GC_ARN, None),
        ("stories1001-production-use1", None),
        ("", None),
        (None, None),
    ],
)
def test_region_from_arn(arn, region):
    assert _rds_global.region_from_arn(arn) == region


@pytest.mark.parametrize(
    "member, role",
    [
        ({"DBClusterArn": USE1, "IsWriter": True}, "writer"),
        ({"DBClusterArn": EUW1, "IsWriter": False}, "reader"),
        ({"DBClusterArn": EUW1}, "reader"),
        ({"db_cluster_arn": USE1, "is_writer": True}, "writer"),
    ],
)
def test_member_role(member, role):
    assert _rds_global.member_role(member) == role


@pytest.mark.parametrize(
    "value, expected",
    [
        (USE1, True),
        ("arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:a-1", True),
        (GC_ARN, False),
        ("arn:aws:rds:us-east-1:123456789012:db:instance-1", False),
        ("arn:aws:rds:us-east-1:1234:cluster:c", False),
        ("stories1001-production-use1", False),
        (None, False),
    ],
)
def test_is_db_cluster_arn(value, expected):
    assert aurora_global_cluster.is_db_cluster_arn(value) is expected


EXISTING = _rds_global.normalize_global_cluster(aws_global_cluster())


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {}),
        ({"deletion_protection": None}, {}),
        ({"deletion_protection": False}, {}),
        ({"deletion_protection": True}, {"DeletionProtection": True}),
        (
            {"deletion_protection": True, "engine": "aurora-mysql", "engine_version": "16.1"},
            {"DeletionProtection": True},
        ),
    ],
)
def test_global_cluster_difference(params, expected):
    assert aurora_global_cluster.global_cluster_difference(EXISTING, params) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, []),
        ({"engine": "aurora-postgresql", "engine_version": "15.4", "storage_encrypted": True}, []),
        ({"engine_version": "15"}, []),
        ({"engine_version": "15.3"}, [("engine_version", "15.4", "15.3")]),
        ({"engine_version": "1"}, [("engine_version", "15.4", "1")]),
        ({"engine": "aurora-mysql"}, [("engine", "aurora-postgresql", "aurora-mysql")]),
        (
            {"storage_encrypted": False, "database_name": "stories"},
            [("storage_encrypted", True, False), ("database_name", None, "stories")],
        ),
    ],
)
def test_creation_only_differences(params, expected):
    assert aurora_global_cluster.creation_only_differences(EXISTING, params) == expected


def test_predicted_writer_and_without():
    three = _rds_global.normalize_global_cluster(
        aws_global_cluster(readers=(EUW1, APSE1), Status="switching-over", FailoverState=failover_state())
    )

    switched = aurora_global_cluster.predicted_writer(three, APSE1)
    assert [(m["db_cluster_arn"], m["role"], m["readers"]) for m in switched["members"]] == [
        (APSE1, "writer", [USE1, EUW1]),
        (EUW1, "reader", []),
        (USE1, "reader", []),
    ]
    assert switched["writer_region"] == "ap-southeast-1"
    assert "failover_state" not in switched

    detached = aurora_global_cluster.predicted_without(three, EUW1)
    assert [(m["db_cluster_arn"], m["readers"]) for m in detached["members"]] == [(USE1, [APSE1]), (APSE1, [])]


def test_normalize_global_cluster():
    result = _rds_global.normalize_global_cluster(
        aws_global_cluster(readers=(EUW1,), tags={"Project": "stories1001"}, FailoverState={})
    )

    assert result["global_cluster_identifier"] == GC_ID
    assert result["tags"] == {"Project": "stories1001"}
    assert "failover_state" not in result
    assert "global_cluster_members" not in result
    assert result["members"] == [
        {"db_cluster_arn": USE1, "readers": [EUW1], "is_writer": True, "role": "writer", "region": "us-east-1"},
        {
            "db_cluster_arn": EUW1,
            "readers": [],
            "is_writer": False,
            "role": "reader",
            "region": "eu-west-1",
            "global_write_forwarding_status": "disabled",
            "synchronization_status": "connected",
        },
    ]
    assert result["writer_region"] == "us-east-1"
    assert _rds_global.normalize_global_cluster(None) == {}


@pytest.mark.parametrize(
    "response, expected",
    [
        ({"GlobalClusters": [aws_global_cluster(writer=EUW1, readers=(USE1,))]}, True),
        ({"GlobalClusters": [aws_global_cluster()]}, False),
        (
            {
                "GlobalClusters": [
                    aws_global_cluster(writer=EUW1, readers=(USE1,), FailoverState=failover_state("failing-over"))
                ]
            },
            False,
        ),
        ({"GlobalClusters": [aws_global_cluster(writer=EUW1, readers=(USE1,), FailoverState={})]}, True),
        ({"GlobalClusters": [aws_global_cluster(writer=EUW1, readers=(USE1,), Status="switching-over")]}, False),
        ({"GlobalClusters": []}, False),
        ({}, False),
    ],
    ids=["done", "not-yet", "still-failing-over", "empty-failover-state", "still-switching", "none", "no-list"],
)
def test_writer_is_expression(response, expected):
    assert jmespath.search(_rds_global.writer_is_expression(EUW1), response) is expected


@pytest.mark.parametrize(
    "members, expected",
    [
        ([aws_member(USE1, True), aws_member(EUW1), aws_member(APSE1)], True),
        ([aws_member(USE1, True), aws_member(EUW1)], False),
        ([aws_member(USE1, True), aws_member(EUW1), aws_member(APSE1, SynchronizationStatus="pending-resync")], False),
        ([aws_member(USE1, True), {"DBClusterArn": EUW1, "Readers": [], "IsWriter": False}, aws_member(APSE1)], True),
        ([], False),
    ],
)
def test_members_joined_expression(members, expected):
    response = {"GlobalClusters": [aws_global_cluster(members=members)]}
    assert jmespath.search(_rds_global.members_joined_expression([EUW1, APSE1, EUW1]), response) is expected


@pytest.mark.parametrize(
    "response, expected",
    [
        ({"GlobalClusters": [aws_global_cluster(readers=(EUW1,))]}, False),
        ({"GlobalClusters": [aws_global_cluster(readers=())]}, True),
        ({"GlobalClusters": []}, True),
    ],
)
def test_member_removed_expression(response, expected):
    assert jmespath.search(_rds_global.member_removed_expression(EUW1), response) is expected


def test_waiters_retry_on_throttling():
    model = _rds_global.GlobalClusterWaiterFactory([EUW1])._waiter_model_data
    injected = _rds_global.GlobalClusterWaiterFactory([EUW1])._inject_ratelimit_retries(model)
    for name, waiter in injected.items():
        assert dict(state="retry", matcher="error", expected="Throttling") in waiter["acceptors"], name
