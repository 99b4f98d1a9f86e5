# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""rds_db_proxy driven through main() against a real botocore RDS client with a Stubber: every
request is validated against the RDS service model, and any call not queued fails."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _rds_proxy
from ansible_collections.stories1001.infra.plugins.modules import rds_db_proxy
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

NAME = "stories1001-test-app"
ARN = "arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0"
TG_ARN = "arn:aws:rds:us-east-1:123456789012:target-group:prx-tg-0123456789abcdef0"
ENDPOINT = f"{NAME}.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stories1001/test/db-app-AbCdEf"
OTHER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stories1001/test/db-reports-GhIjKl"
ROLE = "arn:aws:iam::123456789012:role/stories1001-test-rds-proxy"
OTHER_ROLE = "arn:aws:iam::123456789012:role/stories1001-test-rds-proxy-v2"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SG = "sg-0123456789abcdef0"
OTHER_SG = "sg-0fedcba9876543210"
CLUSTER = "stories1001-test"
OTHER_CLUSTER = "stories1001-old"
CREATED = datetime.datetime(2026, 11, 22, 2, 30, tzinfo=datetime.timezone.utc)

ARGS = dict(
    name=NAME,
    engine_family="POSTGRESQL",
    auth=[dict(secret_arn=SECRET)],
    role_arn=ROLE,
    vpc_subnet_ids=SUBNETS,
    vpc_security_group_ids=[SG],
)
DEFAULT_POOL = {
    "MaxConnectionsPercent": 100,
    "MaxIdleConnectionsPercent": 50,
    "ConnectionBorrowTimeout": 120,
    "SessionPinningFilters": [],
}


def aws_proxy(**overrides):
    """A DescribeDBProxies entry as AWS returns it."""
    proxy = {
        "DBProxyName": NAME,
        "DBProxyArn": ARN,
        "Status": "available",
        "EngineFamily": "POSTGRESQL",
        "VpcId": "vpc-0123456789abcdef0",
        "VpcSecurityGroupIds": [SG],
        "VpcSubnetIds": list(SUBNETS),
        "Auth": [
            {
                "AuthScheme": "SECRETS",
                "SecretArn": SECRET,
                "IAMAuth": "DISABLED",
                "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
            }
        ],
        "RoleArn": ROLE,
        "Endpoint": ENDPOINT,
        "RequireTLS": True,
        "IdleClientTimeout": 1800,
        "DebugLogging": False,
        "CreatedDate": CREATED,
        "UpdatedDate": CREATED,
    }
    proxy.update(overrides)
    return proxy


def aws_target_group(**pool):
    return {
        "DBProxyName": NAME,
        "TargetGroupName": "default",
        "TargetGroupArn": TG_ARN,
        "IsDefault": True,
        "Status": "available",
        "ConnectionPoolConfig": dict(DEFAULT_POOL, **pool),
        "CreatedDate": CREATED,
        "UpdatedDate": CREATED,
    }


def aws_targets(cluster=CLUSTER, state="AVAILABLE"):
    """An Aurora cluster target as AWS lists it: the tracked cluster and its writer instance."""
    return [
        {
            "Endpoint": f"{cluster}.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com",
            "TrackedClusterId": cluster,
            "RdsResourceId": cluster,
            "Port": 5432,
            "Type": "TRACKED_CLUSTER",
            "TargetHealth": {"State": state},
        },
        {
            "Endpoint": f"{cluster}-1.abcdefghijkl.us-east-1.rds.amazonaws.com",
            "TrackedClusterId": cluster,
            "RdsResourceId": f"{cluster}-1",
            "Port": 5432,
            "Type": "RDS_INSTANCE",
            "Role": "READ_WRITE",
            "TargetHealth": {"State": state},
        },
    ]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Waiter delays and retry back-off take no time; the list records what would have been slept."""
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


stubber = stubber_fixture("rds")
run = run_fixture(rds_db_proxy.main, "rds")


def expect_missing(stubber):
    stubber.add_client_error(
        "describe_db_proxies", "DBProxyNotFoundFault", http_status_code=404, expected_params={"DBProxyName": NAME}
    )


def expect_describe(stubber, proxy):
    stubber.add_response("describe_db_proxies", {"DBProxies": [proxy]}, {"DBProxyName": NAME})


def expect_read(stubber, proxy=None, tags=None, target_group=None, targets=None):
    """The four calls that read a proxy: itself, its tags, its default target group, its targets."""
    expect_describe(stubber, proxy or aws_proxy())
    stubber.add_response(
        "list_tags_for_resource",
        {"TagList": [{"Key": key, "Value": value} for key, value in (tags or {}).items()]},
        {"ResourceName": ARN},
    )
    stubber.add_response(
        "describe_db_proxy_target_groups",
        {"TargetGroups": [target_group or aws_target_group()]},
        {"DBProxyName": NAME, "TargetGroupName": "default"},
    )
    stubber.add_response(
        "describe_db_proxy_targets",
        {"Targets": aws_targets() if targets is None else targets},
        {"DBProxyName": NAME, "TargetGroupName": "default"},
    )


def expect_targets_poll(stubber, targets):
    stubber.add_response(
        "describe_db_proxy_targets", {"Targets": targets}, {"DBProxyName": NAME, "TargetGroupName": "default"}
    )


def expect_modify_pool(stubber, **pool):
    stubber.add_response(
        "modify_db_proxy_target_group",
        {"DBProxyTargetGroup": aws_target_group(**pool)},
        {"DBProxyName": NAME, "TargetGroupName": "default", "ConnectionPoolConfig": dict(DEFAULT_POOL, **pool)},
    )


def expect_register(stubber, cluster=CLUSTER):
    stubber.add_response(
        "register_db_proxy_targets",
        {"DBProxyTargets": aws_targets(cluster, state="REGISTERING")[:1]},
        {"DBProxyName": NAME, "TargetGroupName": "default", "DBClusterIdentifiers": [cluster]},
    )


# --- create ----------------------------------------------------------------------------------------


def test_create_check_mode_touches_nothing(stubber, run):
    expect_missing(stubber)

    result = run(
        dict(
            ARGS,
            target_db_cluster_identifier=CLUSTER,
            connection_pool=dict(max_connections_percent=90, max_idle_connections_percent=45),
            tags={"Project": "stories1001"},
        ),
        check_mode=True,
    )

    assert result["changed"] is True
    proxy = result["db_proxy"]
    assert proxy["db_proxy_name"] == NAME
    assert "endpoint" not in proxy
    assert proxy["auth"] == [{"auth_scheme": "SECRETS", "secret_arn": SECRET, "iam_auth": "DISABLED"}]
    assert proxy["require_tls"] is True
    assert proxy["debug_logging"] is False
    assert proxy["vpc_security_group_ids"] == [SG]
    assert proxy["tags"] == {"Project": "stories1001"}
    assert proxy["target_group"]["connection_pool_config"] == {
        "max_connections_percent": 90,
        "max_idle_connections_percent": 45,
    }
    assert proxy["targets"] == [{"rds_resource_id": CLUSTER, "tracked_cluster_id": CLUSTER, "type": "TRACKED_CLUSTER"}]
    assert result["diff"] == {"before": {}, "after": proxy}


def test_create_with_pool_target_and_tags(stubber, run, no_sleep):
    expect_missing(stubber)
    stubber.add_response(
        "create_db_proxy",
        {"DBProxy": aws_proxy(Status="creating")},
        dict(
            DBProxyName=NAME,
            EngineFamily="POSTGRESQL",
            Auth=[
                {
                    "AuthScheme": "SECRETS",
                    "SecretArn": SECRET,
                    "IAMAuth": "DISABLED",
                    "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                }
            ],
            RoleArn=ROLE,
            VpcSubnetIds=SUBNETS,
            RequireTLS=True,
            DebugLogging=False,
            VpcSecurityGroupIds=[SG],
            IdleClientTimeout=900,
            Tags=[{"Key": "Project", "Value": "stories1001"}, {"Key": "Phase", "Value": "1"}],
        ),
    )
    # The proxy refuses target group changes while it is being created: wait first.
    expect_describe(stubber, aws_proxy(Status="creating"))
    expect_describe(stubber, aws_proxy())
    stubber.add_response(
        "describe_db_proxy_target_groups",
        {"TargetGroups": [aws_target_group()]},
        {"DBProxyName": NAME, "TargetGroupName": "default"},
    )
    expect_modify_pool(stubber, MaxConnectionsPercent=90, SessionPinningFilters=["EXCLUDE_VARIABLE_SETS"])
    expect_register(stubber)
    expect_targets_poll(stubber, aws_targets(state="REGISTERING"))
    expect_targets_poll(stubber, aws_targets())
    tags = {"Project": "stories1001", "Phase": "1"}
    expect_read(
        stubber,
        tags=tags,
        target_group=aws_target_group(MaxConnectionsPercent=90, SessionPinningFilters=["EXCLUDE_VARIABLE_SETS"]),
    )

    result = run(
        dict(
            ARGS,
            auth=[dict(secret_arn=SECRET, client_password_auth_type="POSTGRES_SCRAM_SHA_256")],
            idle_client_timeout=900,
            target_db_cluster_identifier=CLUSTER,
            connection_pool=dict(max_connections_percent=90, session_pinning_filters=["EXCLUDE_VARIABLE_SETS"]),
            tags={"Project": "stories1001", "Phase": 1},
        )
    )

    assert result["changed"] is True
    proxy = result["db_proxy"]
    assert proxy["endpoint"] == ENDPOINT
    assert proxy["status"] == "available"
    assert proxy["tags"] == tags
    assert proxy["created_date"] == "2026-11-22T02:30:00+00:00"
    assert proxy["target_group"]["connection_pool_config"]["max_connections_percent"] == 90
    assert rds_db_proxy.registered_clusters(proxy["targets"]) == [CLUSTER]
    assert result["diff"]["before"] == {}
    assert len(no_sleep) == 2  # one poll of each waiter found the work still under way


def test_create_without_wait_returns_the_creating_proxy(stubber, run, no_sleep):
    expect_missing(stubber)
    stubber.add_response(
        "create_db_proxy",
        {"DBProxy": aws_proxy(Status="creating")},
        dict(
            DBProxyName=NAME,
            EngineFamily="POSTGRESQL",
            Auth=[{"AuthScheme": "SECRETS", "SecretArn": SECRET, "IAMAuth": "DISABLED"}],
            RoleArn=ROLE,
            VpcSubnetIds=SUBNETS,
            RequireTLS=False,
            DebugLogging=False,
        ),
    )
    expect_read(stubber, proxy=aws_proxy(Status="creating", RequireTLS=False), targets=[])

    args = dict(ARGS, require_tls=False, wait=False)
    del args["vpc_security_group_ids"]
    result = run(args)

    assert result["changed"] is True
    assert result["db_proxy"]["status"] == "creating"
    assert result["db_proxy"]["targets"] == []
    assert no_sleep == []


def test_create_wait_times_out(stubber, run):
    expect_missing(stubber)
    stubber.add_response("create_db_proxy", {"DBProxy": aws_proxy(Status="creating")}, None)
    for dummy in range(3):
        expect_describe(stubber, aws_proxy(Status="creating"))

    result = run(dict(ARGS, wait_timeout=2))

    assert result["failed"] is True
    assert result["msg"].startswith("Timeout trying to wait for DB proxy to be available")


def test_create_wait_fails_on_incompatible_network(stubber, run):
    expect_missing(stubber)
    stubber.add_response("create_db_proxy", {"DBProxy": aws_proxy(Status="creating")}, None)
    expect_describe(stubber, aws_proxy(Status="incompatible-network"))

    result = run(ARGS)

    assert result["failed"] is True
    assert "wait for DB proxy to be available" in result["msg"]


# --- unchanged -------------------------------------------------------------------------------------


def test_existing_unchanged_makes_no_write_call(stubber, run):
    expect_read(
        stubber,
        tags={"Project": "stories1001"},
        target_group=aws_target_group(SessionPinningFilters=["EXCLUDE_VARIABLE_SETS"]),
    )

    result = run(
        dict(
            ARGS,
            # Listed in another order, and auth options left to the proxy's current values.
            vpc_subnet_ids=list(reversed(SUBNETS)),
            idle_client_timeout=1800,
            target_db_cluster_identifier=CLUSTER,
            connection_pool=dict(max_connections_percent=100, session_pinning_filters=["EXCLUDE_VARIABLE_SETS"]),
            tags={"Project": "stories1001"},
        )
    )

    assert result["changed"] is False
    assert result["db_proxy"]["endpoint"] == ENDPOINT
    assert result["diff"]["before"] == result["diff"]["after"]


def test_existing_unchanged_check_mode(stubber, run):
    expect_read(stubber)

    result = run(ARGS, check_mode=True)

    assert result["changed"] is False


# --- modify ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, request_params, after",
    [
        (
            {"auth": [dict(secret_arn=SECRET, iam_auth="REQUIRED")]},
            {
                "Auth": [
                    {
                        "AuthScheme": "SECRETS",
                        "SecretArn": SECRET,
                        "IAMAuth": "REQUIRED",
                        "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                    }
                ]
            },
            {
                "Auth": [
                    {
                        "AuthScheme": "SECRETS",
                        "SecretArn": SECRET,
                        "IAMAuth": "REQUIRED",
                        "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                    }
                ]
            },
        ),
        (
            {"auth": [dict(secret_arn=SECRET), dict(secret_arn=OTHER_SECRET, description="reports")]},
            {
                "Auth": [
                    {
                        "AuthScheme": "SECRETS",
                        "SecretArn": SECRET,
                        "IAMAuth": "DISABLED",
                        "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                    },
                    {
                        "Description": "reports",
                        "AuthScheme": "SECRETS",
                        "SecretArn": OTHER_SECRET,
                        "IAMAuth": "DISABLED",
                    },
                ]
            },
            {
                "Auth": [
                    {
                        "AuthScheme": "SECRETS",
                        "SecretArn": SECRET,
                        "IAMAuth": "DISABLED",
                        "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                    },
                    {
                        "Description": "reports",
                        "AuthScheme": "SECRETS",
                        "SecretArn": OTHER_SECRET,
                        "IAMAuth": "DISABLED",
                        "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                    },
                ]
            },
        ),
        ({"require_tls": False}, {"RequireTLS": False}, {"RequireTLS": False}),
        ({"idle_client_timeout": 600}, {"IdleClientTimeout": 600}, {"IdleClientTimeout": 600}),
        ({"debug_logging": True}, {"DebugLogging": True}, {"DebugLogging": True}),
        ({"role_arn": OTHER_ROLE}, {"RoleArn": OTHER_ROLE}, {"RoleArn": OTHER_ROLE}),
        (
            {"vpc_security_group_ids": [SG, OTHER_SG]},
            {"SecurityGroups": [SG, OTHER_SG]},
            {"VpcSecurityGroupIds": [SG, OTHER_SG]},
        ),
    ],
    ids=["iam-auth", "second-secret", "require-tls", "idle-timeout", "debug-logging", "role", "security-groups"],
)
def test_modify_proxy(stubber, run, changes, request_params, after):
    expect_read(stubber)
    stubber.add_response(
        "modify_db_proxy", {"DBProxy": aws_proxy(Status="modifying", **after)}, dict(DBProxyName=NAME, **request_params)
    )
    expect_describe(stubber, aws_proxy(**after))  # wait: true
    expect_read(stubber, proxy=aws_proxy(**after))

    result = run(dict(ARGS, **changes))

    assert result["changed"] is True
    assert result["diff"]["before"] != result["diff"]["after"]


def test_modify_check_mode_predicts_and_touches_nothing(stubber, run):
    expect_read(stubber, tags={"Owner": "old"}, targets=[])

    result = run(
        dict(
            ARGS,
            require_tls=False,
            vpc_security_group_ids=[OTHER_SG],
            target_db_cluster_identifier=CLUSTER,
            connection_pool=dict(connection_borrow_timeout=30),
            tags={"Owner": "platform"},
        ),
        check_mode=True,
    )

    assert result["changed"] is True
    after = result["db_proxy"]
    assert after["require_tls"] is False
    assert after["vpc_security_group_ids"] == [OTHER_SG]
    assert after["target_group"]["connection_pool_config"]["connection_borrow_timeout"] == 30
    assert after["target_group"]["connection_pool_config"]["max_connections_percent"] == 100
    assert after["targets"] == [{"rds_resource_id": CLUSTER, "tracked_cluster_id": CLUSTER, "type": "TRACKED_CLUSTER"}]
    assert after["tags"] == {"Owner": "platform"}
    assert after["endpoint"] == ENDPOINT
    assert result["diff"]["before"]["require_tls"] is True


def test_modify_connection_pool(stubber, run):
    expect_read(stubber)
    expect_modify_pool(stubber, ConnectionBorrowTimeout=30, InitQuery="SET timezone='UTC'")
    expect_describe(stubber, aws_proxy())
    expect_read(stubber, target_group=aws_target_group(ConnectionBorrowTimeout=30, InitQuery="SET timezone='UTC'"))

    result = run(dict(ARGS, connection_pool=dict(connection_borrow_timeout=30, init_query="SET timezone='UTC'")))

    assert result["changed"] is True
    assert result["db_proxy"]["target_group"]["connection_pool_config"]["connection_borrow_timeout"] == 30
    assert result["diff"]["before"]["target_group"]["connection_pool_config"]["connection_borrow_timeout"] == 120


def test_register_missing_target(stubber, run):
    expect_read(stubber, targets=[])
    expect_register(stubber)
    expect_describe(stubber, aws_proxy())
    expect_targets_poll(stubber, aws_targets())
    expect_read(stubber)

    result = run(dict(ARGS, target_db_cluster_identifier=CLUSTER))

    assert result["changed"] is True
    assert result["diff"]["before"]["targets"] == []
    assert rds_db_proxy.registered_clusters(result["db_proxy"]["targets"]) == [CLUSTER]


def test_switch_target_deregisters_the_old_cluster(stubber, run):
    expect_read(stubber, targets=aws_targets(OTHER_CLUSTER))
    stubber.add_response(
        "deregister_db_proxy_targets",
        {},
        {"DBProxyName": NAME, "TargetGroupName": "default", "DBClusterIdentifiers": [OTHER_CLUSTER]},
    )
    expect_register(stubber)
    expect_read(stubber)

    result = run(dict(ARGS, target_db_cluster_identifier=CLUSTER, wait=False))

    assert result["changed"] is True
    assert rds_db_proxy.registered_clusters(result["diff"]["before"]["targets"]) == [OTHER_CLUSTER]


def test_modify_waits_for_a_busy_proxy_and_between_steps(stubber, run):
    # A proxy still being modified (say by a run with wait: false) refuses changes until available.
    expect_read(stubber, proxy=aws_proxy(Status="modifying"), targets=[])
    expect_describe(stubber, aws_proxy())
    stubber.add_response(
        "modify_db_proxy", {"DBProxy": aws_proxy(Status="modifying")}, {"DBProxyName": NAME, "DebugLogging": True}
    )
    expect_describe(stubber, aws_proxy(Status="modifying"))
    expect_describe(stubber, aws_proxy(DebugLogging=True))
    expect_register(stubber)
    expect_read(stubber, proxy=aws_proxy(DebugLogging=True))

    result = run(dict(ARGS, debug_logging=True, target_db_cluster_identifier=CLUSTER, wait=False))

    assert result["changed"] is True
    assert result["db_proxy"]["debug_logging"] is True


def test_tag_change_only(stubber, run):
    expect_read(stubber, tags={"Project": "stories1001", "Owner": "old", "aws:created": "x"})
    stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": ARN, "TagKeys": ["Owner"]})
    stubber.add_response(
        "add_tags_to_resource", {}, {"ResourceName": ARN, "Tags": [{"Key": "Environment", "Value": "test"}]}
    )
    expect_describe(stubber, aws_proxy())
    after_tags = {"Project": "stories1001", "Environment": "test", "aws:created": "x"}
    expect_read(stubber, tags=after_tags)

    result = run(dict(ARGS, tags={"Project": "stories1001", "Environment": "test"}))

    assert result["changed"] is True
    assert result["db_proxy"]["tags"] == after_tags


def test_tag_change_without_purge_adds_only(stubber, run):
    expect_read(stubber, tags={"Owner": "ops"})
    stubber.add_response("add_tags_to_resource", {}, {"ResourceName": ARN, "Tags": [{"Key": "Phase", "Value": "2"}]})
    expect_read(stubber, tags={"Owner": "ops", "Phase": "2"})

    result = run(dict(ARGS, tags={"Phase": "2"}, purge_tags=False, wait=False))

    assert result["changed"] is True
    assert result["db_proxy"]["tags"] == {"Owner": "ops", "Phase": "2"}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"vpc_subnet_ids": [SUBNETS[0], "subnet-0aaaaaaaaaaaaaaaa"]}, "vpc_subnet_ids cannot be changed"),
        ({"engine_family": "MYSQL", "auth": [dict(secret_arn=SECRET)]}, "engine_family cannot be changed"),
    ],
)
def test_immutable_change_fails_without_write_call(stubber, run, changes, message):
    expect_read(stubber)

    result = run(dict(ARGS, **changes))

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["db_proxy"]["endpoint"] == ENDPOINT


# --- errors and retries ----------------------------------------------------------------------------


def test_describe_is_retried_on_throttling(stubber, run, no_sleep):
    stubber.add_client_error(
        "describe_db_proxies", "Throttling", http_status_code=400, expected_params={"DBProxyName": NAME}
    )
    expect_read(stubber)

    assert run(ARGS)["changed"] is False
    assert len(no_sleep) == 1


def test_waiter_retries_on_throttling(stubber, run):
    expect_read(stubber)
    stubber.add_response(
        "modify_db_proxy", {"DBProxy": aws_proxy(Status="modifying")}, {"DBProxyName": NAME, "DebugLogging": True}
    )
    stubber.add_client_error(
        "describe_db_proxies", "Throttling", http_status_code=400, expected_params={"DBProxyName": NAME}
    )
    expect_describe(stubber, aws_proxy(DebugLogging=True))
    expect_read(stubber, proxy=aws_proxy(DebugLogging=True))

    assert run(dict(ARGS, debug_logging=True))["changed"] is True


def test_api_error_fails_with_aws_details(stubber, run):
    expect_missing(stubber)
    stubber.add_client_error("create_db_proxy", "InvalidSubnet", "subnets must be in two zones", http_status_code=400)

    result = run(ARGS)

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create DB proxy")
    assert result["error"]["code"] == "InvalidSubnet"


# --- absent ----------------------------------------------------------------------------------------


def test_absent_when_present(stubber, run):
    expect_read(stubber)
    stubber.add_response("delete_db_proxy", {"DBProxy": aws_proxy(Status="deleting")}, {"DBProxyName": NAME})
    expect_describe(stubber, aws_proxy(Status="deleting"))
    expect_missing(stubber)

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is True
    assert result["db_proxy"] == {}
    assert result["diff"]["before"]["db_proxy_arn"] == ARN
    assert result["diff"]["after"] == {}


def test_absent_when_missing(stubber, run):
    expect_missing(stubber)

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_check_mode_touches_nothing(stubber, run):
    expect_read(stubber)

    result = run(dict(name=NAME, state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["db_proxy"] == {}


def test_absent_already_deleted_is_no_change(stubber, run):
    expect_read(stubber)
    stubber.add_client_error(
        "delete_db_proxy", "DBProxyNotFoundFault", http_status_code=404, expected_params={"DBProxyName": NAME}
    )

    assert run(dict(name=NAME, state="absent"))["changed"] is False


# --- argument validation (no AWS call at all) -------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(ARGS, name="1001-stories-proxy"), "not a valid proxy name"),
        (dict(ARGS, name="stories--proxy"), "not a valid proxy name"),
        (dict(ARGS, name="stories-proxy-"), "not a valid proxy name"),
        (dict(ARGS, name="p" * 64), "not a valid proxy name"),
        (dict(ARGS, idle_client_timeout=0), "idle_client_timeout must be between 1 and 28800"),
        (dict(ARGS, auth=[]), "auth needs at least one entry"),
        (dict(ARGS, auth=[dict(secret_arn=SECRET), dict(secret_arn=SECRET)]), "more than once"),
        (
            dict(ARGS, auth=[dict(secret_arn=SECRET, client_password_auth_type="MYSQL_NATIVE_PASSWORD")]),
            "does not suit",
        ),
        (dict(ARGS, auth=[dict(secret_arn=SECRET, iam_auth="ENABLED")]), "only for engine_family SQLSERVER"),
        (dict(ARGS, auth=[dict(secret_arn=SECRET, iam_auth="OPTIONAL")]), "iam_auth"),
        (
            dict(ARGS, connection_pool=dict(max_connections_percent=0)),
            "max_connections_percent must be between 1 and 100",
        ),
        (
            dict(ARGS, connection_pool=dict(max_idle_connections_percent=10)),
            "needs connection_pool.max_connections_percent",
        ),
        (
            dict(ARGS, connection_pool=dict(max_connections_percent=40, max_idle_connections_percent=50)),
            "between 0 and max_connections_percent",
        ),
        (
            dict(ARGS, connection_pool=dict(connection_borrow_timeout=301)),
            "connection_borrow_timeout must be between 0 and 300",
        ),
        (dict(ARGS, vpc_subnet_ids=[]), "vpc_subnet_ids needs at least one subnet"),
        (dict(name=NAME, engine_family="POSTGRESQL"), "missing: auth, role_arn, vpc_subnet_ids"),
        (dict(ARGS, engine_family="ORACLE"), "engine_family"),
    ],
)
def test_invalid_arguments(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]


# --- pure functions --------------------------------------------------------------------------------

EXISTING = _rds_proxy.normalize_db_proxy(aws_proxy(), tags={}, target_group=aws_target_group(), targets=aws_targets())
PARAMS = dict(
    ARGS,
    auth=[
        dict(
            secret_arn=SECRET,
            auth_scheme="SECRETS",
            iam_auth="DISABLED",
            client_password_auth_type=None,
            description=None,
        )
    ],
    require_tls=True,
    idle_client_timeout=None,
    debug_logging=False,
)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, {}),
        ({"vpc_security_group_ids": None}, {}),
        ({"vpc_security_group_ids": [SG]}, {}),
        ({"vpc_security_group_ids": [OTHER_SG]}, {"SecurityGroups": [OTHER_SG]}),
        ({"idle_client_timeout": 1800}, {}),
        ({"idle_client_timeout": 60}, {"IdleClientTimeout": 60}),
        ({"require_tls": False, "debug_logging": True}, {"RequireTLS": False, "DebugLogging": True}),
        ({"role_arn": OTHER_ROLE}, {"RoleArn": OTHER_ROLE}),
        (
            {"auth": [dict(PARAMS["auth"][0], client_password_auth_type="POSTGRES_MD5")]},
            {
                "Auth": [
                    {
                        "AuthScheme": "SECRETS",
                        "SecretArn": SECRET,
                        "IAMAuth": "DISABLED",
                        "ClientPasswordAuthType": "POSTGRES_MD5",
                    }
                ]
            },
        ),
        (
            {"auth": [dict(PARAMS["auth"][0], secret_arn=OTHER_SECRET)]},
            {"Auth": [{"AuthScheme": "SECRETS", "SecretArn": OTHER_SECRET, "IAMAuth": "DISABLED"}]},
        ),
    ],
)
def test_proxy_modifications(changes, expected):
    assert rds_db_proxy.proxy_modifications(EXISTING, dict(PARAMS, **changes)) == expected


@pytest.mark.parametrize(
    "current, requested, expected",
    [
        ([{"secret_arn": SECRET, "iam_auth": "DISABLED"}], [{"secret_arn": SECRET, "iam_auth": "DISABLED"}], False),
        (
            [{"secret_arn": SECRET, "iam_auth": "DISABLED", "description": "x"}],
            [{"secret_arn": SECRET, "description": None}],
            False,
        ),
        ([{"secret_arn": SECRET, "iam_auth": "DISABLED"}], [{"secret_arn": SECRET, "iam_auth": "REQUIRED"}], True),
        ([{"secret_arn": SECRET}], [{"secret_arn": SECRET}, {"secret_arn": OTHER_SECRET}], True),
        (
            [{"secret_arn": SECRET}, {"secret_arn": OTHER_SECRET}],
            [{"secret_arn": OTHER_SECRET}, {"secret_arn": SECRET}],
            False,
        ),
        (None, [{"secret_arn": SECRET}], True),
    ],
)
def test_auth_differs(current, requested, expected):
    assert rds_db_proxy.auth_differs(current, requested) is expected


def test_auth_request_keeps_unset_options_of_the_same_secret():
    current = [
        {
            "secret_arn": SECRET,
            "description": "app",
            "auth_scheme": "SECRETS",
            "iam_auth": "DISABLED",
            "client_password_auth_type": "POSTGRES_MD5",
        }
    ]
    requested = [
        dict(
            secret_arn=SECRET,
            auth_scheme="SECRETS",
            iam_auth="REQUIRED",
            client_password_auth_type=None,
            description=None,
        )
    ]

    assert rds_db_proxy.auth_request(requested, current) == [
        {
            "Description": "app",
            "AuthScheme": "SECRETS",
            "SecretArn": SECRET,
            "IAMAuth": "REQUIRED",
            "ClientPasswordAuthType": "POSTGRES_MD5",
        }
    ]


CURRENT_POOL = {
    "max_connections_percent": 100,
    "max_idle_connections_percent": 50,
    "connection_borrow_timeout": 120,
    "session_pinning_filters": [],
}


@pytest.mark.parametrize(
    "current, requested, expected",
    [
        (CURRENT_POOL, {}, None),
        (CURRENT_POOL, {"max_connections_percent": 100}, None),
        (CURRENT_POOL, {"session_pinning_filters": []}, None),
        (CURRENT_POOL, {"init_query": ""}, None),
        (dict(CURRENT_POOL, session_pinning_filters=["B", "A"]), {"session_pinning_filters": ["A", "B"]}, None),
        (
            CURRENT_POOL,
            {"connection_borrow_timeout": 30},
            {
                "MaxConnectionsPercent": 100,
                "MaxIdleConnectionsPercent": 50,
                "ConnectionBorrowTimeout": 30,
                "SessionPinningFilters": [],
            },
        ),
        (
            CURRENT_POOL,
            {"max_connections_percent": 40},
            {
                "MaxConnectionsPercent": 40,
                "MaxIdleConnectionsPercent": 20,
                "ConnectionBorrowTimeout": 120,
                "SessionPinningFilters": [],
            },
        ),
        (
            CURRENT_POOL,
            {"max_connections_percent": 80},
            {
                "MaxConnectionsPercent": 80,
                "MaxIdleConnectionsPercent": 50,
                "ConnectionBorrowTimeout": 120,
                "SessionPinningFilters": [],
            },
        ),
        (
            dict(CURRENT_POOL, init_query="SET x=1"),
            {"init_query": ""},
            {
                "MaxConnectionsPercent": 100,
                "MaxIdleConnectionsPercent": 50,
                "ConnectionBorrowTimeout": 120,
                "SessionPinningFilters": [],
                "InitQuery": "",
            },
        ),
        ({}, {"max_connections_percent": 90}, {"MaxConnectionsPercent": 90}),
    ],
    ids=[
        "nothing",
        "same-max",
        "same-filters",
        "no-init-query",
        "filters-order",
        "borrow",
        "max-below-idle",
        "max-above-idle",
        "clear-init",
        "new",
    ],
)
def test_pool_request(current, requested, expected):
    assert rds_db_proxy.pool_request(current, requested) == expected


SNAKE_TARGETS = EXISTING["targets"]


@pytest.mark.parametrize(
    "targets, cluster, expected",
    [
        (SNAKE_TARGETS, None, (None, [])),
        (SNAKE_TARGETS, CLUSTER, (None, [])),
        ([], CLUSTER, (CLUSTER, [])),
        (SNAKE_TARGETS, OTHER_CLUSTER, (OTHER_CLUSTER, [CLUSTER])),
        ([{"rds_resource_id": "db-instance", "type": "RDS_INSTANCE"}], CLUSTER, (CLUSTER, [])),
    ],
)
def test_target_changes(targets, cluster, expected):
    assert rds_db_proxy.target_changes(targets, cluster) == expected


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"vpc_subnet_ids": list(reversed(SUBNETS))}, []),
        ({"vpc_subnet_ids": SUBNETS[:1]}, ["vpc_subnet_ids"]),
        ({"engine_family": "MYSQL"}, ["engine_family"]),
        ({"engine_family": "SQLSERVER", "vpc_subnet_ids": ["subnet-x"]}, ["engine_family", "vpc_subnet_ids"]),
    ],
)
def test_immutable_differences(changes, expected):
    problems = rds_db_proxy.immutable_differences(EXISTING, dict(PARAMS, **changes))
    assert [problem.split()[0] for problem in problems] == expected


def test_normalize_db_proxy():
    assert EXISTING["db_proxy_name"] == NAME
    assert EXISTING["require_tls"] is True
    assert EXISTING["auth"][0]["iam_auth"] == "DISABLED"
    assert EXISTING["created_date"] == "2026-11-22T02:30:00+00:00"
    assert EXISTING["target_group"]["connection_pool_config"]["max_idle_connections_percent"] == 50
    assert EXISTING["targets"][0]["target_health"] == {"state": "AVAILABLE"}
    assert _rds_proxy.normalize_db_proxy(None) == {}
