# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""elasticache_global_datastore driven through main() against real botocore ElastiCache clients with
Stubbers, one per region: every request is validated against the ElastiCache service model, and any call
not queued fails."""

import jmespath
import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.module_utils import _elasticache
from ansible_collections.stories1001.infra.plugins.module_utils import _elasticache_global
from ansible_collections.stories1001.infra.plugins.modules import elasticache_global_datastore as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubbers_fixture

SUFFIX = "stories1001-production-redis"
GID = f"ldgnf-{SUFFIX}"
GARN = f"arn:aws:elasticache::123456789012:globalreplicationgroup:{GID}"
RG = "stories1001-production-redis-cluster"
USE1, EUW1, APSE1 = ("us-east-1", "PRIMARY"), ("eu-west-1", "SECONDARY"), ("ap-southeast-1", "SECONDARY")
LIST_ALL = {"ShowMemberInfo": True}
BY_ID = {"GlobalReplicationGroupId": GID, "ShowMemberInfo": True}


def aws_member(region, role, status="associated", replication_group_id=RG):
    return {
        "ReplicationGroupId": replication_group_id,
        "ReplicationGroupRegion": region,
        "Role": role,
        "AutomaticFailover": "enabled",
        "Status": status,
    }


def aws_global(members=(USE1, EUW1), shards=3, **overrides):
    """A DescribeGlobalReplicationGroups entry as AWS returns it (ShowMemberInfo=True)."""
    group = {
        "GlobalReplicationGroupId": GID,
        "GlobalReplicationGroupDescription": "1001 Stories app cache",
        "Status": "available" if len(members) > 1 else "primary-only",
        "CacheNodeType": "cache.r6g.2xlarge",
        "Engine": "redis",
        "EngineVersion": "7.1.0",
        "Members": [member if isinstance(member, dict) else aws_member(*member) for member in members],
        "ClusterEnabled": shards > 1,
        "GlobalNodeGroups": [{"GlobalNodeGroupId": f"{GID}-{shard:04d}", "Slots": f"{shard}"} for shard in range(1, shards + 1)],
        "AuthTokenEnabled": True,
        "TransitEncryptionEnabled": True,
        "AtRestEncryptionEnabled": True,
        "ARN": GARN,
    }
    group.update(overrides)
    return group


def aws_replication_group(replication_group_id=RG, status="available", **overrides):
    group = {
        "ReplicationGroupId": replication_group_id,
        "Description": "1001 Stories app cache",
        "Status": status,
        "MemberClusters": [f"{replication_group_id}-0001-001", f"{replication_group_id}-0001-002"],
        "NodeGroups": [{"NodeGroupId": f"{shard:04d}", "Status": "available"} for shard in range(1, 4)],
        "AutomaticFailover": "enabled",
        "ClusterEnabled": True,
        "CacheNodeType": "cache.r6g.2xlarge",
        "AuthTokenEnabled": True,
        "TransitEncryptionEnabled": True,
        "AtRestEncryptionEnabled": True,
        "Engine": "redis",
        "ARN": f"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:{replication_group_id}",
    }
    group.update(overrides)
    return group


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    # The waiters poll every WAIT_DELAY seconds; AWSRetry sleeps through time.sleep between retries.
    monkeypatch.setattr(_elasticache, "WAIT_DELAY", 0)
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubbers = stubbers_fixture("elasticache")


@pytest.fixture
def stubber(stubbers):
    return stubbers["us-east-1"]


@pytest.fixture
def run(stubbers, monkeypatch, capsys):
    """Run the module's main() with the given options; returns its JSON result, with the operations sent
    outside waiters in result["_sent"] and the regions of the clients made in result["_clients"].

    Also checks that every operation sent outside a waiter went through the client's retry decorator
    (was called with aws_retry=True); the waiters retry on throttling by their own acceptors."""
    stubbed = StubbedModule(
        module_under_test.main, "elasticache", stubbers.__getitem__, monkeypatch=monkeypatch, capsys=capsys, by_region=True, outside_waiters=True
    )

    def _run(args, check_mode=False, region="us-east-1"):
        module_args = aws_args(region)
        if "global_replication_group_id" not in args:
            module_args["global_replication_group_id_suffix"] = SUFFIX
        module_args.update(args)
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = stubbed.clients
        return result

    return _run


def expect_list(stub, *groups):
    """The first read, by suffix: every global datastore of the account."""
    stub.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": list(groups)}, LIST_ALL)


def expect_by_id(stub, group):
    """A later read or a waiter poll, by full id."""
    stub.add_response("describe_global_replication_groups", {"GlobalReplicationGroups": [group]}, BY_ID)


def expect_by_id_missing(stub, expected=None):
    stub.add_client_error(
        "describe_global_replication_groups", "GlobalReplicationGroupNotFoundFault", "not found", 404, expected_params=expected or BY_ID
    )


def expect_regional_group(stub, replication_group_id=RG, status="available"):
    stub.add_response(
        "describe_replication_groups",
        {"ReplicationGroups": [aws_replication_group(replication_group_id, status)]},
        {"ReplicationGroupId": replication_group_id},
    )


def expect_modify(stub, response, **request):
    stub.add_response(
        "modify_global_replication_group",
        {"GlobalReplicationGroup": response},
        dict(GlobalReplicationGroupId=GID, ApplyImmediately=True, **request),
    )


def warnings_of(result):
    """The warning texts (ansible-core 2.19 reports each warning as a structured summary)."""
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


def members_of(result):
    return [(member["region"], member["role"], member["status"]) for member in result["global_datastore"]["members"]]


# --- pure functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "global_id, suffix",
    [(GID, SUFFIX), ("virxk-cache", "cache"), ("nosuffix", ""), (None, "")],
)
def test_id_suffix(global_id, suffix):
    assert _elasticache_global.id_suffix(global_id) == suffix


EXISTING = _elasticache_global.normalize_global_datastore(aws_global())


@pytest.mark.parametrize(
    "options, steps",
    [
        ({}, []),
        ({"description": "1001 Stories app cache", "node_type": "cache.r6g.2xlarge", "engine_version": "7.1", "num_node_groups": 3}, []),
        ({"engine": "redis", "engine_version": "7"}, []),
        ({"description": "new"}, [("description", "modify", {"GlobalReplicationGroupDescription": "new"})]),
        ({"engine_version": "7.2"}, [("engine_version", "modify", {"EngineVersion": "7.2"})]),
        (
            {"engine": "valkey", "engine_version": "8.0", "cache_parameter_group_name": "stories-valkey8"},
            [("engine_version", "modify", {"Engine": "valkey", "EngineVersion": "8.0", "CacheParameterGroupName": "stories-valkey8"})],
        ),
        ({"engine_version": "6.2"}, []),  # a downgrade is warned about, not made
        ({"node_type": "cache.r7g.xlarge"}, [("node_type", "modify", {"CacheNodeType": "cache.r7g.xlarge"})]),
        ({"num_node_groups": 5}, [("num_node_groups", "increase", {"NodeGroupCount": 5})]),
        (
            {"num_node_groups": 2},
            [("num_node_groups", "decrease", {"NodeGroupCount": 2, "GlobalNodeGroupsToRetain": [f"{GID}-0001", f"{GID}-0002"]})],
        ),
        (
            {"description": "new", "node_type": "cache.r7g.xlarge", "engine_version": "7.2"},
            [
                ("description", "modify", {"GlobalReplicationGroupDescription": "new"}),
                ("engine_version", "modify", {"EngineVersion": "7.2"}),
                ("node_type", "modify", {"CacheNodeType": "cache.r7g.xlarge"}),
            ],
        ),
    ],
)
def test_plan_steps(options, steps):
    assert module_under_test.plan_steps(EXISTING, options) == steps


@pytest.mark.parametrize(
    "existing, options, message",
    [
        (dict(EXISTING, engine="valkey"), {"engine": "redis", "engine_version": "7.1"}, "cannot move it back to redis"),
        (EXISTING, {"engine": "valkey"}, "engine_version is required"),
        (_elasticache_global.normalize_global_datastore(aws_global(shards=1)), {"num_node_groups": 2}, "cluster mode disabled"),
    ],
)
def test_plan_steps_refuses(existing, options, message):
    with pytest.raises(ValueError, match=message):
        module_under_test.plan_steps(existing, options)


@pytest.mark.parametrize(
    "version, warned",
    [("6.2", True), ("7.0", True), ("7", False), ("7.1", False), ("7.2", False), ("8.0", False), (None, False)],
)
def test_downgrade_warning(version, warned):
    assert bool(module_under_test.downgrade_warning(EXISTING, {"engine_version": version})) is warned


@pytest.mark.parametrize(
    "options, message",
    [
        ({"global_replication_group_id_suffix": "bad_suffix"}, "global_replication_group_id_suffix 'bad_suffix'"),
        ({"global_replication_group_id_suffix": "-leading"}, "no hyphen at either end"),
        ({"global_replication_group_id": "no prefix"}, "must be the full id"),
        ({"primary_replication_group_id": "1starts-with-a-digit"}, "begin with a letter"),
        ({"replication_group_id": "x" * 41}, "has 41 characters"),
        ({"primary_region": "Europe"}, "primary_region 'Europe' is not a region name"),
        ({"wait_for_members": [{"replication_group_id": RG, "region": "eu_west_1"}]}, "wait_for_members[0].region"),
        ({"node_type": "r6g.large"}, "node_type 'r6g.large'"),
        ({"engine_version": "latest"}, "engine_version 'latest'"),
        ({"num_node_groups": 0}, "num_node_groups must be 1 to 500"),
        ({"wait_timeout": 0}, "wait_timeout must be at least 1"),
    ],
)
def test_validation_errors(options, message):
    errors = module_under_test.validation_errors(options)
    assert any(message in error for error in errors), errors


def test_validation_accepts_good_options():
    options = dict(
        global_replication_group_id_suffix=SUFFIX,
        primary_replication_group_id=RG,
        primary_region="ap-southeast-1",
        replication_group_region="us-gov-west-1",
        wait_for_members=[{"replication_group_id": RG, "region": "eu-west-1"}],
        node_type="cache.r6g.2xlarge",
        engine_version="7.1",
        num_node_groups=3,
        wait_timeout=60,
    )
    assert module_under_test.validation_errors(options) == []


@pytest.mark.parametrize(
    "members, status, expected",
    [
        ([aws_member(*USE1), aws_member(*EUW1)], "available", True),
        ([aws_member(*USE1), aws_member(*EUW1, status="associating")], "available", False),
        ([aws_member(*USE1), aws_member(*EUW1)], "modifying", False),
        ([aws_member(*USE1)], "primary-only", False),
        ([aws_member(*USE1), aws_member("eu-west-1", "SECONDARY", replication_group_id="other")], "available", False),
    ],
)
def test_members_joined_expression(members, status, expected):
    answer = {"GlobalReplicationGroups": [aws_global(members=members, Status=status)]}
    expression = _elasticache_global.members_joined_expression([{"replication_group_id": RG, "region": "eu-west-1"}])
    assert jmespath.search(expression, answer) is expected


@pytest.mark.parametrize(
    "members, status, expected",
    [
        ([aws_member("us-east-1", "SECONDARY"), aws_member("eu-west-1", "PRIMARY")], "available", True),
        ([aws_member("us-east-1", "secondary"), aws_member("eu-west-1", "primary")], "available", True),
        ([aws_member("us-east-1", "SECONDARY"), aws_member("eu-west-1", "PRIMARY")], "modifying", False),
        ([aws_member(*USE1), aws_member(*EUW1)], "available", False),
    ],
)
def test_primary_is_expression(members, status, expected):
    answer = {"GlobalReplicationGroups": [aws_global(members=members, Status=status)]}
    expression = _elasticache_global.primary_is_expression({"replication_group_id": RG, "region": "eu-west-1"})
    assert jmespath.search(expression, answer) is expected


def test_expressions_on_an_empty_answer():
    member = {"replication_group_id": RG, "region": "eu-west-1"}
    for expression in (
        _elasticache_global.primary_is_expression(member),
        _elasticache_global.members_joined_expression([member]),
    ):
        assert jmespath.search(expression, {"GlobalReplicationGroups": []}) is False
    assert jmespath.search(_elasticache_global.member_removed_expression(member), {"GlobalReplicationGroups": []}) is True


def test_normalize_global_datastore():
    result = _elasticache_global.normalize_global_datastore(
        aws_global(members=[aws_member("eu-west-1", "SECONDARY"), aws_member("ap-southeast-1", "SECONDARY"), aws_member("us-east-1", "PRIMARY")])
    )
    assert [(member["region"], member["role"]) for member in result["members"]] == [
        ("us-east-1", "primary"),
        ("ap-southeast-1", "secondary"),
        ("eu-west-1", "secondary"),
    ]
    assert result["primary_region"] == "us-east-1"
    assert result["primary_replication_group_id"] == RG
    assert result["num_node_groups"] == 3
    assert result["arn"] == GARN
    assert result["at_rest_encryption_enabled"] is True
    assert "tags" not in result
    assert _elasticache_global.normalize_global_datastore(None) == {}


# --- present: create -----------------------------------------------------------------------------


def expect_primary(stub, group=None):
    group = group or aws_replication_group()
    stub.add_response("describe_replication_groups", {"ReplicationGroups": [group]}, {"ReplicationGroupId": RG})
    stub.add_response(
        "describe_cache_clusters",
        {"CacheClusters": [{"CacheClusterId": sorted(group["MemberClusters"])[0], "Engine": "redis", "EngineVersion": "7.1.0"}]},
        {"CacheClusterId": sorted(group["MemberClusters"])[0], "ShowCacheNodeInfo": False},
    )


def test_create_from_primary(stubber, run):
    expect_list(stubber)
    expect_primary(stubber)
    created = aws_global(members=(USE1,), Status="creating")
    stubber.add_response(
        "create_global_replication_group",
        {"GlobalReplicationGroup": created},
        {
            "GlobalReplicationGroupIdSuffix": SUFFIX,
            "PrimaryReplicationGroupId": RG,
            "GlobalReplicationGroupDescription": "1001 Stories app cache",
            "Tags": [{"Key": "Component", "Value": "cache"}],
        },
    )
    expect_by_id_missing(stubber)  # waiter: not listed yet
    expect_by_id(stubber, created)  # waiter: creating
    expect_by_id(stubber, aws_global(members=(USE1,)))  # waiter: primary-only
    expect_by_id(stubber, aws_global(members=(USE1,)))
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "Component", "Value": "cache"}]}, {"ResourceName": GARN})

    result = run(dict(primary_replication_group_id=RG, description="1001 Stories app cache", tags={"Component": "cache"}))

    assert result["changed"] is True
    datastore = result["global_datastore"]
    assert datastore["global_replication_group_id"] == GID
    assert datastore["status"] == "primary-only"
    assert members_of(result) == [("us-east-1", "primary", "associated")]
    assert datastore["primary_region"] == "us-east-1"
    assert datastore["tags"] == {"Component": "cache"}
    assert result["diff"]["before"] == {}


def test_create_check_mode_touches_nothing(stubber, run):
    expect_list(stubber)
    expect_primary(stubber)

    result = run(dict(primary_replication_group_id=RG, description="1001 Stories app cache", tags={"Phase": 3}), check_mode=True)

    assert result["changed"] is True
    datastore = result["global_datastore"]
    assert datastore["global_replication_group_id"] is None
    assert datastore["engine"] == "redis"
    assert datastore["engine_version"] == "7.1.0"
    assert datastore["cache_node_type"] == "cache.r6g.2xlarge"
    assert datastore["cluster_enabled"] is True
    assert datastore["num_node_groups"] == 3
    assert datastore["tags"] == {"Phase": "3"}
    assert members_of(result) == [("us-east-1", "primary", "associated")]
    assert [operation for region, operation in result["_sent"]] == [
        "describe_global_replication_groups",
        "describe_replication_groups",
        "describe_cache_clusters",
    ]


def test_create_without_wait_returns_the_answer_of_the_create(stubber, run):
    expect_list(stubber)
    expect_primary(stubber)
    stubber.add_response(
        "create_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(), Status="creating")},
        {"GlobalReplicationGroupIdSuffix": SUFFIX, "PrimaryReplicationGroupId": RG},
    )

    result = run(dict(primary_replication_group_id=RG, wait=False))

    assert result["changed"] is True
    assert result["global_datastore"]["status"] == "creating"
    assert result["global_datastore"]["global_replication_group_id"] == GID


def test_create_then_scale_waits_in_between(stubber, run):
    # A new global datastore takes its primary's node type; the one asked for is applied once it is ready.
    expect_list(stubber)
    expect_primary(stubber)
    stubber.add_response(
        "create_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1,), Status="creating")},
        {"GlobalReplicationGroupIdSuffix": SUFFIX, "PrimaryReplicationGroupId": RG},
    )
    expect_by_id(stubber, aws_global(members=(USE1,)))  # waiter: primary-only
    expect_by_id(stubber, aws_global(members=(USE1,)))
    expect_modify(stubber, aws_global(members=(USE1,), Status="modifying"), CacheNodeType="cache.r7g.2xlarge")
    expect_by_id(stubber, aws_global(members=(USE1,), Status="modifying"))
    expect_by_id(stubber, aws_global(members=(USE1,), CacheNodeType="cache.r7g.2xlarge"))
    expect_by_id(stubber, aws_global(members=(USE1,), CacheNodeType="cache.r7g.2xlarge"))

    result = run(dict(primary_replication_group_id=RG, node_type="cache.r7g.2xlarge"))

    assert result["changed"] is True
    assert result["global_datastore"]["cache_node_type"] == "cache.r7g.2xlarge"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"global_replication_group_id": GID, "primary_replication_group_id": RG}, "give global_replication_group_id_suffix"),
        ({}, "primary_replication_group_id is required"),
    ],
)
def test_create_needs_suffix_and_primary(stubber, run, args, message):
    if "global_replication_group_id" in args:
        expect_by_id_missing(stubber)
    else:
        expect_list(stubber)

    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]


def test_create_with_a_missing_primary_fails(stubber, run):
    expect_list(stubber)
    stubber.add_client_error(
        "describe_replication_groups", "ReplicationGroupNotFoundFault", "not found", 404, expected_params={"ReplicationGroupId": RG}
    )

    result = run(dict(primary_replication_group_id=RG))

    assert result["failed"] is True
    assert f"Replication group {RG} does not exist in us-east-1" in result["msg"]


def test_create_check_mode_with_the_primary_not_made_yet_plans_it_and_warns(stubber, run):
    # --check on an empty account: the replication group is an earlier task's, which check mode did not make.
    expect_list(stubber)
    stubber.add_client_error(
        "describe_replication_groups", "ReplicationGroupNotFoundFault", "not found", 404, expected_params={"ReplicationGroupId": RG}
    )

    result = run(dict(primary_replication_group_id=RG), check_mode=True)

    assert result["changed"] is True and not result.get("failed")
    assert [(m["replication_group_id"], m["role"]) for m in result["global_datastore"]["members"]] == [(RG, "primary")]
    assert any(f"Replication group {RG} does not exist in us-east-1 yet" in warning for warning in warnings_of(result))
    stubber.assert_no_pending_responses()


def test_create_from_a_group_of_another_global_datastore_fails(stubber, run):
    expect_list(stubber)
    stubber.add_response(
        "describe_replication_groups",
        {
            "ReplicationGroups": [
                aws_replication_group(GlobalReplicationGroupInfo={"GlobalReplicationGroupId": "ldgnf-other", "GlobalReplicationGroupMemberRole": "PRIMARY"})
            ]
        },
        {"ReplicationGroupId": RG},
    )

    result = run(dict(primary_replication_group_id=RG))

    assert result["failed"] is True
    assert "already belongs to global datastore ldgnf-other" in result["msg"]


def test_create_refused_by_aws_is_reported(stubber, run):
    expect_list(stubber)
    expect_primary(stubber)
    stubber.add_client_error(
        "create_global_replication_group",
        "InvalidReplicationGroupState",
        "Replication group is not in available state",
        400,
        expected_params={"GlobalReplicationGroupIdSuffix": SUFFIX, "PrimaryReplicationGroupId": RG},
    )

    result = run(dict(primary_replication_group_id=RG))

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create global replication group")
    assert result["error"]["code"] == "InvalidReplicationGroupState"


# --- present: existing ---------------------------------------------------------------------------


def test_existing_is_found_by_suffix_whatever_its_prefix(stubber, run):
    other = aws_global(GlobalReplicationGroupId="virxk-something-else")
    expect_list(stubber, other, aws_global())

    result = run(dict(primary_replication_group_id=RG, description="1001 Stories app cache"))

    assert result["changed"] is False
    assert result["global_datastore"]["global_replication_group_id"] == GID
    assert result["diff"]["before"] == result["diff"]["after"]
    assert not warnings_of(result)


def test_two_global_datastores_with_the_suffix_are_ambiguous(stubber, run):
    expect_list(stubber, aws_global(), aws_global(GlobalReplicationGroupId=f"virxk-{SUFFIX}"))

    result = run({})

    assert result["failed"] is True
    assert "More than one global datastore has the suffix" in result["msg"]
    assert "global_replication_group_id" in result["msg"]


def test_existing_by_full_id(stubber, run):
    expect_by_id(stubber, aws_global())

    result = run(dict(global_replication_group_id=GID))

    assert result["changed"] is False
    assert result["global_datastore"]["primary_replication_group_id"] == RG


def test_existing_after_a_failover_is_no_change(stubber, run):
    # The primary given at creation has become a secondary: present must not fight the failover.
    expect_list(stubber, aws_global(members=[("us-east-1", "SECONDARY"), ("eu-west-1", "PRIMARY")]))

    result = run(dict(primary_replication_group_id=RG))

    assert result["changed"] is False
    assert result["global_datastore"]["primary_region"] == "eu-west-1"
    assert not warnings_of(result)


def test_existing_without_the_primary_warns(stubber, run):
    expect_list(stubber, aws_global(members=[("eu-west-1", "PRIMARY")]))

    result = run(dict(primary_replication_group_id=RG))

    assert result["changed"] is False
    assert "is not a member of global datastore" in warnings_of(result)[0]


def test_node_type_and_version_owned_by_the_global_datastore_are_not_fixed_per_member(stubber, run):
    # The secondaries run what the global datastore says; a caller passing the primary's settings sees no change,
    # and no member replication group is read or modified (any call to another region would fail here).
    members = [aws_member(*USE1), aws_member("eu-west-1", "SECONDARY", status="associated"), aws_member(*APSE1)]
    expect_list(stubber, aws_global(members=members))

    result = run(dict(primary_replication_group_id=RG, node_type="cache.r6g.2xlarge", engine="redis", engine_version="7.1", num_node_groups=3))

    assert result["changed"] is False
    assert result["_sent"] == [("us-east-1", "describe_global_replication_groups")]
    assert result["_clients"] == ["us-east-1"]


def test_scaling_is_made_once_on_the_global_datastore(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1, APSE1)))
    expect_modify(stubber, aws_global(members=(USE1, EUW1, APSE1), Status="modifying"), CacheNodeType="cache.r7g.2xlarge")
    expect_by_id(stubber, aws_global(members=(USE1, EUW1, APSE1), Status="modifying"))
    expect_by_id(stubber, aws_global(members=(USE1, EUW1, APSE1), CacheNodeType="cache.r7g.2xlarge"))
    expect_by_id(stubber, aws_global(members=(USE1, EUW1, APSE1), CacheNodeType="cache.r7g.2xlarge"))

    result = run(dict(node_type="cache.r7g.2xlarge"))

    assert result["changed"] is True
    assert result["diff"]["before"]["cache_node_type"] == "cache.r6g.2xlarge"
    assert result["diff"]["after"]["cache_node_type"] == "cache.r7g.2xlarge"
    assert [operation for region, operation in result["_sent"]].count("modify_global_replication_group") == 1
    assert result["_clients"] == ["us-east-1"]


def test_description_change(stubber, run):
    expect_list(stubber, aws_global())
    expect_modify(stubber, aws_global(GlobalReplicationGroupDescription="new"), GlobalReplicationGroupDescription="new")
    expect_by_id(stubber, aws_global(GlobalReplicationGroupDescription="new"))  # waiter: available at once
    expect_by_id(stubber, aws_global(GlobalReplicationGroupDescription="new"))

    result = run(dict(description="new"))

    assert result["changed"] is True
    assert result["global_datastore"]["global_replication_group_description"] == "new"


def test_description_change_check_mode_touches_nothing(stubber, run):
    expect_list(stubber, aws_global())

    result = run(dict(description="new"), check_mode=True)

    assert result["changed"] is True
    assert result["global_datastore"]["global_replication_group_description"] == "new"
    assert result["diff"]["before"]["global_replication_group_description"] == "1001 Stories app cache"


def test_upgrade_and_scale_one_after_the_other(stubber, run):
    expect_list(stubber, aws_global())
    expect_modify(stubber, aws_global(Status="modifying"), EngineVersion="7.2", CacheParameterGroupName="stories-redis7")
    expect_by_id(stubber, aws_global(Status="modifying"))  # wait between the two changes
    expect_by_id(stubber, aws_global(EngineVersion="7.2.4"))
    expect_modify(stubber, aws_global(Status="modifying"), CacheNodeType="cache.r7g.2xlarge")
    expect_by_id(stubber, aws_global(EngineVersion="7.2.4", CacheNodeType="cache.r7g.2xlarge", Status="modifying"))  # no wait after the last

    result = run(dict(engine_version="7.2", cache_parameter_group_name="stories-redis7", node_type="cache.r7g.2xlarge", wait=False))

    assert result["changed"] is True
    assert result["global_datastore"]["engine_version"] == "7.2.4"
    assert result["global_datastore"]["status"] == "modifying"


def test_changes_wait_for_a_global_datastore_that_is_busy(stubber, run):
    expect_list(stubber, aws_global(Status="modifying"))
    expect_by_id(stubber, aws_global(Status="modifying"))
    expect_by_id(stubber, aws_global())
    expect_by_id(stubber, aws_global())  # read once settled
    expect_modify(stubber, aws_global(Status="modifying"), GlobalReplicationGroupDescription="new")
    expect_by_id(stubber, aws_global(GlobalReplicationGroupDescription="new"))

    result = run(dict(description="new", wait=False))

    assert result["changed"] is True


def test_engine_upgrade_to_valkey(stubber, run):
    expect_list(stubber, aws_global())
    expect_modify(stubber, aws_global(Status="modifying"), Engine="valkey", EngineVersion="8.0")
    expect_by_id(stubber, aws_global(Engine="valkey", EngineVersion="8.0.1"))
    expect_by_id(stubber, aws_global(Engine="valkey", EngineVersion="8.0.1"))

    result = run(dict(engine="valkey", engine_version="8.0"))

    assert result["changed"] is True
    assert result["global_datastore"]["engine"] == "valkey"


def test_engine_downgrade_warns_and_changes_nothing(stubber, run):
    expect_list(stubber, aws_global())

    result = run(dict(engine_version="6.2"))

    assert result["changed"] is False
    assert "AWS cannot downgrade" in warnings_of(result)[0]


def test_valkey_back_to_redis_is_refused(stubber, run):
    expect_list(stubber, aws_global(Engine="valkey", EngineVersion="8.0.1"))

    result = run(dict(engine="redis", engine_version="7.1"))

    assert result["failed"] is True
    assert "cannot move it back to redis" in result["msg"]


def test_add_shards(stubber, run):
    expect_list(stubber, aws_global())
    stubber.add_response(
        "increase_node_groups_in_global_replication_group",
        {"GlobalReplicationGroup": aws_global(Status="modifying")},
        {"GlobalReplicationGroupId": GID, "NodeGroupCount": 4, "ApplyImmediately": True},
    )
    expect_by_id(stubber, aws_global(shards=4))
    expect_by_id(stubber, aws_global(shards=4))

    result = run(dict(num_node_groups=4))

    assert result["changed"] is True
    assert result["global_datastore"]["num_node_groups"] == 4


def test_remove_shards_keeps_the_first_ones(stubber, run):
    expect_list(stubber, aws_global())
    stubber.add_response(
        "decrease_node_groups_in_global_replication_group",
        {"GlobalReplicationGroup": aws_global(Status="modifying")},
        {"GlobalReplicationGroupId": GID, "NodeGroupCount": 2, "GlobalNodeGroupsToRetain": [f"{GID}-0001", f"{GID}-0002"], "ApplyImmediately": True},
    )
    expect_by_id(stubber, aws_global(shards=2))
    expect_by_id(stubber, aws_global(shards=2))

    result = run(dict(num_node_groups=2))

    assert result["changed"] is True
    assert result["global_datastore"]["num_node_groups"] == 2


def test_shards_check_mode_touches_nothing(stubber, run):
    expect_list(stubber, aws_global())

    result = run(dict(num_node_groups=2), check_mode=True)

    assert result["changed"] is True
    assert result["global_datastore"]["num_node_groups"] == 2
    assert len(result["global_datastore"]["global_node_groups"]) == 2


def test_tags_change(stubber, run):
    expect_list(stubber, aws_global())
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "Owner", "Value": "old"}]}, {"ResourceName": GARN})
    stubber.add_response("remove_tags_from_resource", {"TagList": []}, {"ResourceName": GARN, "TagKeys": ["Owner"]})
    stubber.add_response("add_tags_to_resource", {"TagList": []}, {"ResourceName": GARN, "Tags": [{"Key": "Component", "Value": "cache"}]})
    expect_by_id(stubber, aws_global())
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "Component", "Value": "cache"}]}, {"ResourceName": GARN})

    result = run(dict(tags={"Component": "cache"}))

    assert result["changed"] is True
    assert result["diff"]["before"]["tags"] == {"Owner": "old"}
    assert result["global_datastore"]["tags"] == {"Component": "cache"}


# --- present: waiting for members ---------------------------------------------------------------


WAIT_FOR = [{"region": "eu-west-1", "replication_group_id": RG}, {"region": "ap-southeast-1", "replication_group_id": RG.upper()}]


def test_wait_for_members_until_they_join_and_are_available(stubbers, stubber, run):
    expect_list(stubber, aws_global(members=(USE1,)))
    # members_joined: ap-southeast-1 not there yet, then associating, then both associated.
    expect_by_id(stubber, aws_global(members=(USE1, EUW1), Status="modifying"))
    expect_by_id(stubber, aws_global(members=[aws_member(*USE1), aws_member(*EUW1), aws_member(*APSE1, status="associating")]))
    expect_by_id(stubber, aws_global(members=(USE1, EUW1, APSE1)))
    # Then each replication group in its own region.
    expect_regional_group(stubbers["eu-west-1"], status="modifying")
    expect_regional_group(stubbers["eu-west-1"])
    expect_regional_group(stubbers["ap-southeast-1"])
    expect_by_id(stubber, aws_global(members=(USE1, EUW1, APSE1)))

    result = run(dict(primary_replication_group_id=RG, wait_for_members=WAIT_FOR))

    assert result["changed"] is False
    assert members_of(result) == [
        ("us-east-1", "primary", "associated"),
        ("ap-southeast-1", "secondary", "associated"),
        ("eu-west-1", "secondary", "associated"),
    ]
    assert result["diff"]["before"]["members"] == [
        {"replication_group_id": RG, "region": "us-east-1", "role": "primary", "status": "associated", "automatic_failover": "enabled"}
    ]
    assert result["_clients"] == ["us-east-1", "eu-west-1", "ap-southeast-1"]


def test_wait_for_members_in_check_mode_does_not_wait(stubber, run):
    expect_list(stubber, aws_global(members=(USE1,)))

    result = run(dict(wait_for_members=WAIT_FOR), check_mode=True)

    assert result["changed"] is False
    assert result["_clients"] == ["us-east-1"]


def test_wait_for_members_timeout_names_the_missing_ones(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1)))
    for dummy in range(2):  # wait_timeout=2: two polls at no delay
        expect_by_id(stubber, aws_global(members=(USE1, EUW1)))
    expect_by_id(stubber, aws_global(members=(USE1, EUW1)))

    result = run(dict(wait_for_members=WAIT_FOR, wait_timeout=2))

    assert result["failed"] is True
    assert "Timeout after 2 seconds" in result["msg"]
    assert f"not associated: {RG} in ap-southeast-1" in result["msg"]
    assert "eu-west-1" not in result["msg"].split("not associated:")[1]
    assert len(result["global_datastore"]["members"]) == 2


def test_wait_for_members_reports_a_failed_regional_group(stubbers, stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1)))
    expect_by_id(stubber, aws_global(members=(USE1, EUW1)))
    expect_regional_group(stubbers["eu-west-1"], status="create-failed")
    expect_by_id(stubber, aws_global(members=(USE1, EUW1)))

    result = run(dict(wait_for_members=WAIT_FOR[:1]))

    assert result["failed"] is True
    assert f"Replication group {RG} in eu-west-1" in result["msg"]
    assert "Stopped waiting" in result["msg"]


# --- failed_over --------------------------------------------------------------------------------


FAILOVER = dict(state="failed_over", primary_region="eu-west-1", primary_replication_group_id=RG)
FAILED_OVER = [("us-east-1", "SECONDARY"), ("eu-west-1", "PRIMARY")]


def test_failover_promotes_the_secondary(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_list(stub, aws_global())
    stub.add_response(
        "failover_global_replication_group",
        {"GlobalReplicationGroup": aws_global(Status="modifying")},
        {"GlobalReplicationGroupId": GID, "PrimaryRegion": "eu-west-1", "PrimaryReplicationGroupId": RG},
    )
    expect_by_id(stub, aws_global(Status="modifying"))
    # The roles have changed but the global datastore is still modifying: keep waiting.
    expect_by_id(stub, aws_global(members=FAILED_OVER, Status="modifying"))
    expect_by_id(stub, aws_global(members=FAILED_OVER))
    expect_by_id(stub, aws_global(members=FAILED_OVER))

    result = run(FAILOVER, region="eu-west-1")

    assert result["changed"] is True
    assert result["global_datastore"]["primary_region"] == "eu-west-1"
    assert members_of(result) == [("eu-west-1", "primary", "associated"), ("us-east-1", "secondary", "associated")]
    assert result["diff"]["before"]["primary_region"] == "us-east-1"
    assert result["_clients"] == ["eu-west-1"]


def test_failover_when_already_primary_is_no_change(stubbers, run):
    expect_list(stubbers["eu-west-1"], aws_global(members=FAILED_OVER))

    result = run(FAILOVER, region="eu-west-1")

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_failover_check_mode_touches_nothing(stubbers, run):
    expect_list(stubbers["eu-west-1"], aws_global(members=(USE1, EUW1, APSE1)))

    result = run(FAILOVER, check_mode=True, region="eu-west-1")

    assert result["changed"] is True
    assert members_of(result) == [
        ("eu-west-1", "primary", "associated"),
        ("ap-southeast-1", "secondary", "associated"),
        ("us-east-1", "secondary", "associated"),
    ]
    assert result["global_datastore"]["primary_region"] == "eu-west-1"


def test_failover_settling_after_an_earlier_run_only_waits(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_list(stub, aws_global(members=FAILED_OVER, Status="modifying"))
    expect_by_id(stub, aws_global(members=FAILED_OVER))
    expect_by_id(stub, aws_global(members=FAILED_OVER))

    result = run(FAILOVER, region="eu-west-1")

    assert result["changed"] is False
    assert result["global_datastore"]["status"] == "available"


def test_failover_waits_for_a_busy_global_datastore_first(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_list(stub, aws_global(Status="modifying"))
    expect_by_id(stub, aws_global())  # settle
    expect_by_id(stub, aws_global())
    stub.add_response(
        "failover_global_replication_group",
        {"GlobalReplicationGroup": aws_global(Status="modifying")},
        {"GlobalReplicationGroupId": GID, "PrimaryRegion": "eu-west-1", "PrimaryReplicationGroupId": RG},
    )
    expect_by_id(stub, aws_global(members=FAILED_OVER))
    expect_by_id(stub, aws_global(members=FAILED_OVER))

    result = run(FAILOVER, region="eu-west-1")

    assert result["changed"] is True


def test_failover_to_a_group_that_is_not_a_member_fails(stubbers, run):
    expect_list(stubbers["eu-west-1"], aws_global(members=(USE1, APSE1)))

    result = run(FAILOVER, region="eu-west-1")

    assert result["failed"] is True
    assert f"{RG} in eu-west-1 is not a member" in result["msg"]
    assert f"{RG} in us-east-1 (primary)" in result["msg"]


def test_failover_of_a_missing_global_datastore_fails(stubbers, run):
    expect_list(stubbers["eu-west-1"])

    result = run(FAILOVER, region="eu-west-1")

    assert result["failed"] is True
    assert "does not exist" in result["msg"]


def test_failover_refused_by_aws_is_reported(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_list(stub, aws_global())
    stub.add_client_error(
        "failover_global_replication_group",
        "InvalidGlobalReplicationGroupState",
        "The Global datastore is not available",
        400,
        expected_params={"GlobalReplicationGroupId": GID, "PrimaryRegion": "eu-west-1", "PrimaryReplicationGroupId": RG},
    )

    result = run(FAILOVER, region="eu-west-1")

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to fail over global replication group")
    assert result["error"]["code"] == "InvalidGlobalReplicationGroupState"


def test_failover_wait_retries_throttling(stubbers, run):
    stub = stubbers["eu-west-1"]
    expect_list(stub, aws_global())
    stub.add_response(
        "failover_global_replication_group",
        {"GlobalReplicationGroup": aws_global(Status="modifying")},
        {"GlobalReplicationGroupId": GID, "PrimaryRegion": "eu-west-1", "PrimaryReplicationGroupId": RG},
    )
    stub.add_client_error("describe_global_replication_groups", "Throttling", "Rate exceeded", 400, expected_params=BY_ID)
    stub.add_client_error("describe_global_replication_groups", "APICallRateForCustomerExceeded", "Rate exceeded", 400, expected_params=BY_ID)
    expect_by_id(stub, aws_global(members=FAILED_OVER))
    expect_by_id(stub, aws_global(members=FAILED_OVER))

    result = run(FAILOVER, region="eu-west-1")

    assert result["changed"] is True


# --- disassociated ------------------------------------------------------------------------------


DISASSOCIATE = dict(state="disassociated", replication_group_id=RG, replication_group_region="ap-southeast-1")


def test_disassociate(stubbers, run):
    stub = stubbers["ap-southeast-1"]
    expect_list(stub, aws_global(members=(USE1, EUW1, APSE1)))
    stub.add_response(
        "disassociate_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1, EUW1, APSE1), Status="modifying")},
        {"GlobalReplicationGroupId": GID, "ReplicationGroupId": RG, "ReplicationGroupRegion": "ap-southeast-1"},
    )
    expect_by_id(stub, aws_global(members=[aws_member(*USE1), aws_member(*EUW1), aws_member(*APSE1, status="disassociating")]))
    expect_by_id(stub, aws_global(members=(USE1, EUW1)))
    expect_regional_group(stub, status="modifying")  # standalone once available again
    expect_regional_group(stub)
    expect_by_id(stub, aws_global(members=(USE1, EUW1)))

    result = run(DISASSOCIATE, region="ap-southeast-1")

    assert result["changed"] is True
    assert members_of(result) == [("us-east-1", "primary", "associated"), ("eu-west-1", "secondary", "associated")]
    assert len(result["diff"]["before"]["members"]) == 3


def test_disassociate_check_mode_touches_nothing(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1, APSE1)))

    result = run(DISASSOCIATE, check_mode=True)

    assert result["changed"] is True
    assert members_of(result) == [("us-east-1", "primary", "associated"), ("eu-west-1", "secondary", "associated")]


def test_disassociate_refuses_the_primary(stubber, run):
    expect_list(stubber, aws_global())

    result = run(dict(DISASSOCIATE, replication_group_region="us-east-1"))

    assert result["failed"] is True
    assert "is the primary" in result["msg"]
    assert "failed_over" in result["msg"]


@pytest.mark.parametrize("group", [aws_global(members=(USE1, EUW1)), None], ids=["not-a-member", "no-global-datastore"])
def test_disassociate_of_a_non_member_is_no_change(stubber, run, group):
    if group:
        expect_list(stubber, group)
    else:
        expect_list(stubber)

    result = run(DISASSOCIATE)

    assert result["changed"] is False


def test_disassociate_without_wait(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1, APSE1)))
    stubber.add_response(
        "disassociate_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1, EUW1, APSE1))},
        {"GlobalReplicationGroupId": GID, "ReplicationGroupId": RG, "ReplicationGroupRegion": "ap-southeast-1"},
    )
    expect_by_id(stubber, aws_global(members=[aws_member(*USE1), aws_member(*EUW1), aws_member(*APSE1, status="disassociating")]))

    result = run(dict(DISASSOCIATE, wait=False))

    assert result["changed"] is True
    assert members_of(result)[1] == ("ap-southeast-1", "secondary", "disassociating")


# --- absent -------------------------------------------------------------------------------------


def test_absent_when_missing_is_no_change(stubber, run):
    expect_list(stubber)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_with_only_the_primary(stubber, run):
    expect_list(stubber, aws_global(members=(USE1,)))
    stubber.add_response(
        "delete_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1,), Status="deleting")},
        {"GlobalReplicationGroupId": GID, "RetainPrimaryReplicationGroup": True},
    )
    stubber.add_response(
        "describe_global_replication_groups",
        {"GlobalReplicationGroups": [aws_global(members=(USE1,), Status="deleting")]},
        {"GlobalReplicationGroupId": GID},
    )
    expect_by_id_missing(stubber, {"GlobalReplicationGroupId": GID})

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["global_datastore"] == {}
    assert result["diff"]["before"]["global_replication_group_id"] == GID


def test_absent_refused_while_secondaries_remain(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1, APSE1)))

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert f"still has secondaries: {RG} in ap-southeast-1, {RG} in eu-west-1" in result["msg"]
    assert "force: true" in result["msg"]


def test_absent_with_force_disassociates_then_deletes(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1, APSE1)))
    stubber.add_response(
        "disassociate_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1, EUW1, APSE1))},
        {"GlobalReplicationGroupId": GID, "ReplicationGroupId": RG, "ReplicationGroupRegion": "ap-southeast-1"},
    )
    expect_by_id(stubber, aws_global(members=(USE1, EUW1), Status="modifying"))
    stubber.add_response(
        "disassociate_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1, EUW1), Status="modifying")},
        {"GlobalReplicationGroupId": GID, "ReplicationGroupId": RG, "ReplicationGroupRegion": "eu-west-1"},
    )
    expect_by_id(stubber, aws_global(members=[aws_member(*USE1), aws_member(*EUW1, status="disassociating")], Status="modifying"))
    expect_by_id(stubber, aws_global(members=(USE1,), Status="modifying"))
    expect_by_id(stubber, aws_global(members=(USE1,), Status="modifying"))  # until primary-only
    expect_by_id(stubber, aws_global(members=(USE1,)))
    stubber.add_response(
        "delete_global_replication_group",
        {"GlobalReplicationGroup": aws_global(members=(USE1,), Status="deleting")},
        {"GlobalReplicationGroupId": GID, "RetainPrimaryReplicationGroup": True},
    )
    expect_by_id_missing(stubber, {"GlobalReplicationGroupId": GID})

    result = run(dict(state="absent", force=True))

    assert result["changed"] is True
    assert result["global_datastore"] == {}


def test_absent_with_force_check_mode_touches_nothing(stubber, run):
    expect_list(stubber, aws_global(members=(USE1, EUW1)))

    result = run(dict(state="absent", force=True), check_mode=True)

    assert result["changed"] is True
    assert result["global_datastore"] == {}
    assert [operation for region, operation in result["_sent"]] == ["describe_global_replication_groups"]


def test_absent_already_deleting_is_no_error(stubber, run):
    # Deleted meanwhile (by another run): AWS answers NotFound, which is no error.
    expect_list(stubber, aws_global(members=(USE1,)))
    stubber.add_client_error(
        "delete_global_replication_group",
        "GlobalReplicationGroupNotFoundFault",
        "not found",
        404,
        expected_params={"GlobalReplicationGroupId": GID, "RetainPrimaryReplicationGroup": True},
    )

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert "failed" not in result
    assert result["global_datastore"] == {}


# --- throttling and bad input --------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_global_replication_groups", "Throttling", "Rate exceeded", 400, expected_params=LIST_ALL)
    stubber.add_client_error("describe_global_replication_groups", "APICallRateForCustomerExceeded", "Slow down", 400, expected_params=LIST_ALL)
    expect_list(stubber, aws_global())

    result = run({})

    assert result["changed"] is False
    assert result["global_datastore"]["global_replication_group_id"] == GID


@pytest.mark.parametrize(
    "args, message",
    [
        ({"global_replication_group_id_suffix": "bad suffix"}, "global_replication_group_id_suffix 'bad suffix'"),
        ({"node_type": "huge"}, "node_type 'huge'"),
        ({"state": "failed_over", "primary_replication_group_id": RG}, "missing: primary_region"),
        ({"state": "disassociated", "replication_group_id": RG}, "missing: replication_group_region"),
        ({"cache_parameter_group_name": "stories-redis7"}, "cache_parameter_group_name"),
        ({"global_replication_group_id": GID, "global_replication_group_id_suffix": SUFFIX}, "mutually exclusive"),
        ({"wait_for_members": [{"region": "eu-west-1"}]}, "replication_group_id"),
        ({"num_node_groups": 501}, "num_node_groups must be 1 to 500"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubbers, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert not stubbers
