# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_cluster driven through main() against a real botocore ECS client with a Stubber: every request is
validated against the ECS service model, and any call not queued fails (so a test that queues no write
proves that the module sends none)."""

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.modules import ecs_cluster as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

NAME = "stories1001-production"
ARN = f"arn:aws:ecs:us-east-1:123456789012:cluster/{NAME}"
DESCRIBE = {"clusters": [NAME], "include": ["SETTINGS", "CONFIGURATIONS", "TAGS"]}
LOG_GROUP = "/stories1001/production/ecs-exec"
KMS = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-0123-0123-0123456789ab"

EXECUTE = {
    "kms_key_id": KMS,
    "logging": "OVERRIDE",
    "log_configuration": {"cloud_watch_log_group_name": LOG_GROUP, "cloud_watch_encryption_enabled": True},
}
AWS_EXECUTE = {
    "kmsKeyId": KMS,
    "logging": "OVERRIDE",
    "logConfiguration": {"cloudWatchLogGroupName": LOG_GROUP, "cloudWatchEncryptionEnabled": True, "s3EncryptionEnabled": False},
}
STRATEGY = [{"capacity_provider": "FARGATE", "weight": 1, "base": 1}, {"capacity_provider": "FARGATE_SPOT", "weight": 3}]
AWS_STRATEGY = [{"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}, {"capacityProvider": "FARGATE", "weight": 1, "base": 1}]
FULL = dict(
    container_insights="enhanced",
    execute_command_configuration=EXECUTE,
    capacity_providers=["FARGATE", "FARGATE_SPOT"],
    default_capacity_provider_strategy=STRATEGY,
    tags={"Project": "stories1001", "Environment": "production"},
)


def aws_cluster(insights="enhanced", execute=None, providers=("FARGATE_SPOT", "FARGATE"), strategy=None, tags=None, status="ACTIVE", services=0):
    """A cluster as DescribeClusters answers it, by default the one FULL describes (lists in another order)."""
    cluster = {
        "clusterArn": ARN,
        "clusterName": NAME,
        "status": status,
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": services,
        "statistics": [],
        "settings": [{"name": "containerInsights", "value": insights}],
        "configuration": {"executeCommandConfiguration": AWS_EXECUTE if execute is None else execute},
        "capacityProviders": list(providers),
        "defaultCapacityProviderStrategy": AWS_STRATEGY if strategy is None else strategy,
        "tags": [{"key": key, "value": value} for key, value in ({"Environment": "production", "Project": "stories1001"} if tags is None else tags).items()],
    }
    return cluster


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubber = stubber_fixture("ecs")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run main() with name=NAME and the given options; the operations sent are in result["_sent"]."""
    stubbed = StubbedModule(module_under_test.main, "ecs", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(name=NAME)
        module_args.update(args)
        result = stubbed.run({key: value for key, value in module_args.items() if value is not None}, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = list(stubbed.clients)
        return result

    return _run


def expect_describe(stub, cluster):
    answer = {"clusters": [cluster], "failures": []} if cluster else {"clusters": [], "failures": [{"arn": ARN, "reason": "MISSING"}]}
    stub.add_response("describe_clusters", answer, DESCRIBE)


# --- create -------------------------------------------------------------------------------------


def test_create(stubber, run):
    expect_describe(stubber, None)
    stubber.add_response(
        "create_cluster",
        {"cluster": aws_cluster()},
        {
            "clusterName": NAME,
            "settings": [{"name": "containerInsights", "value": "enhanced"}],
            "configuration": {
                "executeCommandConfiguration": {
                    "logging": "OVERRIDE",
                    "kmsKeyId": KMS,
                    "logConfiguration": {"cloudWatchLogGroupName": LOG_GROUP, "cloudWatchEncryptionEnabled": True},
                }
            },
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [
                {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
            ],
            "tags": [{"key": "Project", "value": "stories1001"}, {"key": "Environment", "value": "production"}],
        },
    )
    expect_describe(stubber, aws_cluster())

    result = run(FULL)

    assert result["changed"] is True
    assert result["cluster"]["cluster_arn"] == ARN
    assert result["cluster"]["tags"] == {"Project": "stories1001", "Environment": "production"}
    assert result["cluster"]["configuration"]["execute_command_configuration"]["log_configuration"]["cloud_watch_log_group_name"] == LOG_GROUP
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["container_insights"] == "enhanced"


def test_create_minimal_sends_only_the_name(stubber, run):
    expect_describe(stubber, None)
    stubber.add_response("create_cluster", {"cluster": aws_cluster()}, {"clusterName": NAME})
    expect_describe(stubber, aws_cluster())

    result = run({})

    assert result["changed"] is True


def test_inactive_cluster_counts_as_absent_and_is_created_again(stubber, run):
    expect_describe(stubber, aws_cluster(status="INACTIVE"))
    stubber.add_response(
        "create_cluster", {"cluster": aws_cluster(insights="enabled")}, {"clusterName": NAME, "settings": [{"name": "containerInsights", "value": "enabled"}]}
    )
    expect_describe(stubber, aws_cluster(insights="enabled"))

    result = run(dict(container_insights="enabled"))

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert "create_cluster" in result["_sent"]


def test_create_check_mode_makes_no_call_but_the_read(stubber, run):
    expect_describe(stubber, None)

    result = run(FULL, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_clusters"]
    assert result["cluster"]["cluster_name"] == NAME
    assert result["cluster"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert result["cluster"]["tags"] == FULL["tags"]


# --- existing -----------------------------------------------------------------------------------


def test_identical_rerun_changes_nothing(stubber, run):
    expect_describe(stubber, aws_cluster())

    result = run(FULL)

    assert result["changed"] is False
    assert result["_sent"] == ["describe_clusters"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_options_left_out_leave_the_cluster_alone(stubber, run):
    expect_describe(stubber, aws_cluster(insights="disabled", execute={"logging": "NONE"}, providers=(), strategy=[]))

    result = run(dict(tags=FULL["tags"]))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_clusters"]


def test_only_the_container_insights_setting_is_updated(stubber, run):
    expect_describe(stubber, aws_cluster(insights="disabled"))
    stubber.add_response("update_cluster", {"cluster": aws_cluster()}, {"cluster": NAME, "settings": [{"name": "containerInsights", "value": "enhanced"}]})
    expect_describe(stubber, aws_cluster())

    result = run(FULL)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_clusters", "update_cluster", "describe_clusters"]
    assert result["diff"]["before"]["container_insights"] == "disabled"
    assert result["diff"]["after"]["container_insights"] == "enhanced"


def test_execute_command_configuration_keeps_the_managed_storage(stubber, run):
    storage = {"kmsKeyId": "alias/storage"}
    current = aws_cluster(execute={"logging": "DEFAULT"})
    current["configuration"]["managedStorageConfiguration"] = storage
    expect_describe(stubber, current)
    wanted = {
        "logging": "OVERRIDE",
        "kmsKeyId": KMS,
        "logConfiguration": {"cloudWatchLogGroupName": LOG_GROUP, "cloudWatchEncryptionEnabled": True},
    }
    stubber.add_response(
        "update_cluster",
        {"cluster": aws_cluster()},
        {"cluster": NAME, "configuration": {"executeCommandConfiguration": wanted, "managedStorageConfiguration": storage}},
    )
    expect_describe(stubber, aws_cluster())

    result = run(dict(execute_command_configuration=EXECUTE))

    assert result["changed"] is True
    assert result["diff"]["before"]["execute_command_configuration"] == {"logging": "DEFAULT"}


def test_capacity_providers_are_put_with_the_strategy(stubber, run):
    expect_describe(stubber, aws_cluster(providers=["FARGATE"], strategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]))
    stubber.add_response(
        "put_cluster_capacity_providers",
        {"cluster": aws_cluster()},
        {
            "cluster": NAME,
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [
                {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
            ],
        },
    )
    expect_describe(stubber, aws_cluster())

    result = run(FULL)

    assert result["changed"] is True
    assert "update_cluster" not in result["_sent"]
    assert result["diff"]["after"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]


def test_strategy_alone_keeps_the_providers(stubber, run):
    expect_describe(stubber, aws_cluster())
    stubber.add_response(
        "put_cluster_capacity_providers",
        {"cluster": aws_cluster()},
        {"cluster": NAME, "capacityProviders": ["FARGATE_SPOT", "FARGATE"], "defaultCapacityProviderStrategy": []},
    )
    expect_describe(stubber, aws_cluster(strategy=[]))

    result = run(dict(default_capacity_provider_strategy=[]))

    assert result["changed"] is True


def test_tags_are_added_and_removed(stubber, run):
    expect_describe(stubber, aws_cluster(tags={"Project": "stories1001", "Owner": "someone"}))
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "Environment", "value": "production"}]})
    expect_describe(stubber, aws_cluster())

    result = run(dict(tags=FULL["tags"]))

    assert result["changed"] is True
    assert result["_sent"] == ["describe_clusters", "untag_resource", "tag_resource", "describe_clusters"]
    assert result["diff"]["before"]["tags"] == {"Project": "stories1001", "Owner": "someone"}


def test_tags_kept_without_purge(stubber, run):
    expect_describe(stubber, aws_cluster(tags={"Owner": "someone"}))
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "Project", "value": "stories1001"}]})
    expect_describe(stubber, aws_cluster(tags={"Owner": "someone", "Project": "stories1001"}))

    result = run(dict(tags={"Project": "stories1001"}, purge_tags=False))

    assert result["changed"] is True
    assert "untag_resource" not in result["_sent"]


def test_update_check_mode_makes_no_write(stubber, run):
    expect_describe(stubber, aws_cluster(insights="disabled", providers=["FARGATE"], strategy=[], tags={}))

    result = run(FULL, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_clusters"]
    assert result["cluster"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert result["cluster"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert result["cluster"]["tags"] == FULL["tags"]
    assert result["diff"]["after"]["container_insights"] == "enhanced"


# --- absent -------------------------------------------------------------------------------------


def test_delete(stubber, run):
    expect_describe(stubber, aws_cluster())
    stubber.add_response("delete_cluster", {"cluster": aws_cluster(status="INACTIVE")}, {"cluster": NAME})

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["cluster"] == {}
    assert result["diff"]["before"]["cluster_name"] == NAME


def test_delete_check_mode_makes_no_write(stubber, run):
    expect_describe(stubber, aws_cluster())

    result = run(dict(state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_clusters"]


@pytest.mark.parametrize("cluster", [None, aws_cluster(status="INACTIVE")], ids=["missing", "inactive"])
def test_delete_of_an_absent_cluster_is_no_change(stubber, run, cluster):
    expect_describe(stubber, cluster)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_clusters"]


def test_delete_with_active_services_fails_naming_them(stubber, run):
    expect_describe(stubber, aws_cluster(services=2))
    stubber.add_response(
        "list_services",
        {"serviceArns": [f"arn:aws:ecs:us-east-1:123456789012:service/{NAME}/web"], "nextToken": "page-2"},
        {"cluster": NAME},
    )
    stubber.add_response("list_services", {"serviceArns": [f"arn:aws:ecs:us-east-1:123456789012:service/{NAME}/api"]}, {"cluster": NAME, "nextToken": "page-2"})

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert f"Cluster {NAME} still has 2 active service(s): api, web" in result["msg"]
    assert result["services"] == ["api", "web"]
    assert "delete_cluster" not in result["_sent"]


def test_delete_refused_by_aws_for_services_names_them(stubber, run):
    expect_describe(stubber, aws_cluster())
    stubber.add_client_error(
        "delete_cluster", "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.", 400, expected_params={"cluster": NAME}
    )
    stubber.add_response("list_services", {"serviceArns": [f"arn:aws:ecs:us-east-1:123456789012:service/{NAME}/web"]}, {"cluster": NAME})

    result = run(dict(state="absent"))

    assert result["failed"] is True
    assert "still has 1 active service(s): web" in result["msg"]


def test_delete_of_a_cluster_gone_meanwhile_is_no_change(stubber, run):
    expect_describe(stubber, aws_cluster())
    stubber.add_client_error("delete_cluster", "ClusterNotFoundException", "Cluster not found.", 400, expected_params={"cluster": NAME})

    result = run(dict(state="absent"))

    assert result["changed"] is False


# --- errors and bad input -------------------------------------------------------------------------


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_clusters", "ThrottlingException", "Rate exceeded", 400, expected_params=DESCRIBE)
    expect_describe(stubber, aws_cluster())

    result = run(FULL)

    assert result["changed"] is False
    assert result["_sent"] == ["describe_clusters", "describe_clusters"]


def test_error_from_aws_is_reported(stubber, run):
    expect_describe(stubber, aws_cluster(insights="disabled"))
    stubber.add_client_error(
        "update_cluster",
        "InvalidParameterException",
        "Container Insights enhanced is not available",
        400,
        expected_params={"cluster": NAME, "settings": [{"name": "containerInsights", "value": "enhanced"}]},
    )

    result = run(dict(container_insights="enhanced"))

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to update cluster")
    assert result["error"]["code"] == "InvalidParameterException"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"execute_command_configuration": {"logging": "OVERRIDE"}}, "log_configuration is required when logging is OVERRIDE"),
        (
            {"execute_command_configuration": {"log_configuration": {"s3_bucket_name": "logs"}}},
            "log_configuration is allowed only when logging is OVERRIDE, not DEFAULT",
        ),
        (
            {"capacity_providers": ["FARGATE"], "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1}]},
            "default_capacity_provider_strategy uses FARGATE_SPOT, which capacity_providers does not list",
        ),
        (
            {"default_capacity_provider_strategy": [{"capacity_provider": "FARGATE"}, {"capacity_provider": "FARGATE"}]},
            "names a capacity provider more than once",
        ),
        ({"container_insights": "on"}, "value of container_insights must be one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []
