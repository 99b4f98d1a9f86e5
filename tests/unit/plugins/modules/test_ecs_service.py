# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_service driven through main() against a real botocore ECS client with a Stubber: every request is
validated against the ECS service model, and any call not queued fails (so a test that queues no write
proves that the module sends none)."""

import copy
import datetime

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.modules import ecs_service as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

ACCOUNT = "arn:aws:ecs:us-east-1:123456789012"
CLUSTER = "stories1001-production"
NAME = "stories1001-web"
ARN = f"{ACCOUNT}:service/{CLUSTER}/{NAME}"
DESCRIBE = {"cluster": CLUSTER, "services": [NAME], "include": ["TAGS"]}
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SECURITY_GROUP = "sg-0123456789abcdef0"
ELB = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
BLUE = f"{ELB}:targetgroup/web-blue/0123456789abcdef"
GREEN = f"{ELB}:targetgroup/web-green/0123456789abcdef"
PRODUCTION_RULE = f"{ELB}:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0000000000000001"
TEST_RULE = f"{ELB}:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0000000000000002"
ROLE = "arn:aws:iam::123456789012:role/stories1001-ecs-blue-green"
NOW = datetime.datetime(2026, 11, 22, 4, 0, tzinfo=datetime.timezone.utc)

# The options that describe aws_service() exactly.
ARGS = dict(
    cluster=CLUSTER,
    task_definition="stories1001-web:42",
    desired_count=2,
    launch_type="FARGATE",
    network_configuration=dict(subnets=SUBNETS, security_groups=[SECURITY_GROUP], assign_public_ip=False),
    load_balancers=[dict(target_group_arn=BLUE, container_name="web", container_port=8080)],
    deployment_configuration=dict(maximum_percent=200, minimum_healthy_percent=100, circuit_breaker=dict(enable=True, rollback=True)),
    health_check_grace_period_seconds=60,
    enable_execute_command=False,
    propagate_tags="SERVICE",
    tags={"Project": "stories1001", "Component": "web"},
    wait_delay=0,
)
BLUE_GREEN_BALANCER = dict(
    target_group_arn=BLUE,
    alternate_target_group_arn=GREEN,
    production_listener_rule=PRODUCTION_RULE,
    test_listener_rule=TEST_RULE,
    role_arn=ROLE,
    container_name="web",
    container_port=8080,
)
AWS_BLUE_GREEN_BALANCER = {
    "targetGroupArn": BLUE,
    "containerName": "web",
    "containerPort": 8080,
    "advancedConfiguration": {
        "alternateTargetGroupArn": GREEN,
        "productionListenerRule": PRODUCTION_RULE,
        "testListenerRule": TEST_RULE,
        "roleArn": ROLE,
    },
}


def task_definition(revision):
    return f"{ACCOUNT}:task-definition/stories1001-web:{revision}"


def deployment(deployment_id, revision, state="COMPLETED", status="PRIMARY", reason=None):
    return {
        "id": deployment_id,
        "status": status,
        "taskDefinition": task_definition(revision),
        "desiredCount": 2,
        "runningCount": 2,
        "pendingCount": 0,
        "failedTasks": 0,
        "createdAt": NOW,
        "updatedAt": NOW,
        "launchType": "FARGATE",
        "rolloutState": state,
        "rolloutStateReason": reason or f"ECS deployment {deployment_id} {state.lower().replace('_', ' ')}.",
    }


def aws_service(revision=42, deployments=None, tags=None, **changes):
    """A service as DescribeServices answers it, by default the one ARGS describes."""
    service = {
        "serviceArn": ARN,
        "serviceName": NAME,
        "clusterArn": f"{ACCOUNT}:cluster/{CLUSTER}",
        "status": "ACTIVE",
        "taskDefinition": task_definition(revision),
        "desiredCount": 2,
        "runningCount": 2,
        "pendingCount": 0,
        "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "platformFamily": "Linux",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": list(reversed(SUBNETS)), "securityGroups": [SECURITY_GROUP], "assignPublicIp": "DISABLED"}},
        "loadBalancers": [{"targetGroupArn": BLUE, "containerName": "web", "containerPort": 8080}],
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "strategy": "ROLLING",
        },
        "deployments": deployments if deployments is not None else [deployment("ecs-svc/1", revision)],
        "events": [{"id": "event-1", "createdAt": NOW, "message": "(service stories1001-web) has reached a steady state."}],
        "createdAt": NOW,
        "healthCheckGracePeriodSeconds": 60,
        "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "enableExecuteCommand": False,
        "propagateTags": "SERVICE",
        "tags": [{"key": key, "value": value} for key, value in ({"Component": "web", "Project": "stories1001"} if tags is None else tags).items()],
    }
    service.update(changes)
    return service


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubber = stubber_fixture("ecs")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run main() with name=NAME, ARGS and the given options (None removes one); the operations sent are in
    result["_sent"]."""
    stubbed = StubbedModule(module_under_test.main, "ecs", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(name=NAME, **copy.deepcopy(ARGS))
        module_args.update(args)
        result = stubbed.run({key: value for key, value in module_args.items() if value is not None}, check_mode)
        result["_sent"] = list(stubbed.sent)
        result["_clients"] = list(stubbed.clients)
        return result

    return _run


def expect_describe(stub, service):
    answer = {"services": [service], "failures": []} if service else {"services": [], "failures": [{"arn": ARN, "reason": "MISSING"}]}
    stub.add_response("describe_services", answer, DESCRIBE)


def expect_update(stub, request, answer):
    stub.add_response("update_service", {"service": answer}, dict(cluster=CLUSTER, service=NAME, **request))


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


# --- create -------------------------------------------------------------------------------------


def test_create_sends_every_setting(stubber, run):
    expect_describe(stubber, None)
    stubber.add_response(
        "create_service",
        {"service": aws_service()},
        {
            "cluster": CLUSTER,
            "serviceName": NAME,
            "taskDefinition": "stories1001-web:42",
            "desiredCount": 2,
            "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": SUBNETS, "securityGroups": [SECURITY_GROUP], "assignPublicIp": "DISABLED"}},
            "loadBalancers": [{"targetGroupArn": BLUE, "containerName": "web", "containerPort": 8080}],
            "deploymentConfiguration": {
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
            "healthCheckGracePeriodSeconds": 60,
            "enableExecuteCommand": False,
            "propagateTags": "SERVICE",
            "tags": [{"key": "Project", "value": "stories1001"}, {"key": "Component", "value": "web"}],
        },
    )
    expect_describe(stubber, aws_service())

    result = run({})

    assert result["changed"] is True
    assert result["service"]["service_arn"] == ARN
    assert result["service"]["tags"] == {"Component": "web", "Project": "stories1001"}
    assert "events" not in result["service"]
    assert result["deployment"] == {
        "rollout_state": "COMPLETED",
        "rollout_state_reason": "ECS deployment ecs-svc/1 completed.",
        "task_definition": "stories1001-web:42",
        "rolled_back": False,
    }
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["task_definition"] == "stories1001-web:42"


def test_create_blue_green_sends_the_advanced_configuration(stubber, run):
    expect_describe(stubber, None)
    stubber.add_response(
        "create_service",
        {"service": aws_service(loadBalancers=[AWS_BLUE_GREEN_BALANCER])},
        {
            "cluster": CLUSTER,
            "serviceName": NAME,
            "taskDefinition": "stories1001-web:42",
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}],
            "loadBalancers": [AWS_BLUE_GREEN_BALANCER],
            "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10},
        },
    )
    expect_describe(stubber, aws_service(loadBalancers=[AWS_BLUE_GREEN_BALANCER]))

    result = run(
        dict(
            desired_count=None,
            launch_type=None,
            capacity_provider_strategy=[dict(capacity_provider="FARGATE", weight=1, base=1)],
            network_configuration=None,
            load_balancers=[BLUE_GREEN_BALANCER],
            deployment_configuration=dict(strategy="BLUE_GREEN", bake_time_in_minutes=10),
            health_check_grace_period_seconds=None,
            enable_execute_command=None,
            propagate_tags=None,
            tags=None,
        )
    )

    assert result["changed"] is True
    assert result["service"]["load_balancers"][0]["advanced_configuration"]["alternate_target_group_arn"] == GREEN


def test_create_needs_a_task_definition(stubber, run):
    expect_describe(stubber, None)

    result = run(dict(task_definition=None))

    assert result["failed"] is True
    assert f"task_definition is required to create service {NAME}" in result["msg"]
    assert result["_sent"] == ["describe_services"]


def test_create_check_mode_makes_no_write(stubber, run):
    expect_describe(stubber, None)

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services"]
    assert result["service"]["service_name"] == NAME
    assert result["service"]["desired_count"] == 2
    assert result["service"]["tags"] == ARGS["tags"]
    assert "deployment" not in result


def test_inactive_service_counts_as_absent_and_is_created_again(stubber, run):
    expect_describe(stubber, aws_service(status="INACTIVE"))

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}


# --- existing -----------------------------------------------------------------------------------


def test_identical_rerun_changes_nothing(stubber, run):
    expect_describe(stubber, aws_service())

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["describe_services"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert "deployment" not in result


def test_task_definition_arn_and_family_alone_match(stubber, run):
    expect_describe(stubber, aws_service())
    expect_describe(stubber, aws_service())

    assert run(dict(task_definition=task_definition(42)))["changed"] is False
    assert run(dict(task_definition="stories1001-web"))["changed"] is False


def test_swapped_blue_green_target_groups_are_no_change(stubber, run):
    swapped = dict(AWS_BLUE_GREEN_BALANCER, targetGroupArn=GREEN)
    swapped["advancedConfiguration"] = dict(AWS_BLUE_GREEN_BALANCER["advancedConfiguration"], alternateTargetGroupArn=BLUE)
    configuration = dict(aws_service()["deploymentConfiguration"], strategy="BLUE_GREEN", bakeTimeInMinutes=10)
    expect_describe(stubber, aws_service(loadBalancers=[swapped], deploymentConfiguration=configuration))

    result = run(dict(load_balancers=[BLUE_GREEN_BALANCER], deployment_configuration=dict(strategy="BLUE_GREEN", bake_time_in_minutes=10)))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_services"]


def test_only_the_differing_fields_are_sent(stubber, run):
    current = aws_service(healthCheckGracePeriodSeconds=30, propagateTags="NONE")
    expect_describe(stubber, current)
    expect_update(
        stubber,
        {
            "taskDefinition": "stories1001-web:43",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": [SUBNETS[0]], "securityGroups": [SECURITY_GROUP], "assignPublicIp": "DISABLED"}},
            "healthCheckGracePeriodSeconds": 60,
            "propagateTags": "SERVICE",
        },
        aws_service(revision=43, deployments=[deployment("ecs-svc/2", 43, "IN_PROGRESS"), deployment("ecs-svc/1", 42, status="ACTIVE")]),
    )
    expect_describe(stubber, aws_service(revision=43, deployments=[deployment("ecs-svc/2", 43, "IN_PROGRESS")]))

    result = run(dict(task_definition="stories1001-web:43", network_configuration=dict(subnets=[SUBNETS[0]])))

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services", "update_service", "describe_services"]
    assert result["deployment"]["rollout_state"] == "IN_PROGRESS"
    assert result["deployment"]["task_definition"] == "stories1001-web:43"
    assert result["diff"]["before"]["task_definition"] == "stories1001-web:42"
    assert result["diff"]["after"]["task_definition"] == "stories1001-web:43"


def test_deployment_configuration_keeps_what_is_not_given(stubber, run):
    current = aws_service()
    current["deploymentConfiguration"]["alarms"] = {"alarmNames": ["web-5xx"], "rollback": True, "enable": True}
    expect_describe(stubber, current)
    expect_update(
        stubber,
        {
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200,
                "minimumHealthyPercent": 50,
                "strategy": "ROLLING",
                "alarms": {"alarmNames": ["web-5xx"], "rollback": True, "enable": True},
            }
        },
        aws_service(),
    )
    expect_describe(stubber, aws_service())

    result = run(dict(deployment_configuration=dict(minimum_healthy_percent=50)))

    assert result["changed"] is True
    assert "deployment" not in result


def test_desired_count_is_ignored_on_update_under_initial(stubber, run):
    expect_describe(stubber, aws_service(desiredCount=7))

    result = run(dict(desired_count=2))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_services"]
    assert result["service"]["desired_count"] == 7


def test_desired_count_is_applied_under_enforce(stubber, run):
    expect_describe(stubber, aws_service(desiredCount=7))
    expect_update(stubber, {"desiredCount": 2}, aws_service())
    expect_describe(stubber, aws_service())

    result = run(dict(desired_count=2, desired_count_policy="enforce", wait=True))

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services", "update_service", "describe_services"]
    assert "deployment" not in result
    assert result["diff"]["before"]["desired_count"] == 7
    assert result["diff"]["after"]["desired_count"] == 2


def test_tags_are_added_and_removed(stubber, run):
    expect_describe(stubber, aws_service(tags={"Project": "stories1001", "Owner": "someone"}))
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "Component", "value": "web"}]})
    expect_describe(stubber, aws_service())

    result = run({})

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services", "untag_resource", "tag_resource", "describe_services"]
    assert result["diff"]["before"]["tags"] == {"Project": "stories1001", "Owner": "someone"}
    assert result["diff"]["after"]["tags"] == {"Component": "web", "Project": "stories1001"}


def test_update_check_mode_makes_no_write(stubber, run):
    expect_describe(stubber, aws_service(tags={"Owner": "someone"}))

    result = run(dict(task_definition="stories1001-web:43", enable_execute_command=True, force_new_deployment=True), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services"]
    assert result["service"]["task_definition"] == "stories1001-web:43"
    assert result["service"]["enable_execute_command"] is True
    assert result["service"]["tags"] == ARGS["tags"]
    assert "force_new_deployment" not in result["service"]


def test_switch_to_blue_green_sends_the_advanced_configuration(stubber, run):
    expect_describe(stubber, aws_service())
    configuration = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 15,
    }
    expect_update(
        stubber,
        {"loadBalancers": [AWS_BLUE_GREEN_BALANCER], "deploymentConfiguration": configuration},
        aws_service(loadBalancers=[AWS_BLUE_GREEN_BALANCER], deploymentConfiguration=configuration, deployments=[deployment("ecs-svc/2", 42, "IN_PROGRESS")]),
    )
    expect_describe(
        stubber, aws_service(loadBalancers=[AWS_BLUE_GREEN_BALANCER], deploymentConfiguration=configuration, deployments=[deployment("ecs-svc/2", 42)])
    )

    result = run(
        dict(
            load_balancers=[BLUE_GREEN_BALANCER],
            deployment_configuration=dict(strategy="BLUE_GREEN", bake_time_in_minutes=15, circuit_breaker=dict(enable=True, rollback=True)),
            wait=True,
        )
    )

    assert result["changed"] is True
    assert result["deployment"]["rollout_state"] == "COMPLETED"
    assert result["service"]["deployment_configuration"]["strategy"] == "BLUE_GREEN"


def test_force_new_deployment_always_deploys(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"forceNewDeployment": True}, aws_service(deployments=[deployment("ecs-svc/2", 42, "IN_PROGRESS")]))
    expect_describe(stubber, aws_service(deployments=[deployment("ecs-svc/2", 42)]))

    result = run(dict(force_new_deployment=True))

    assert result["changed"] is True
    assert result["deployment"]["rollout_state"] == "COMPLETED"


def test_capacity_provider_switch_with_force_new_deployment(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(
        stubber,
        {"capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}], "forceNewDeployment": True},
        aws_service(deployments=[deployment("ecs-svc/2", 42, "IN_PROGRESS")]),
    )
    expect_describe(stubber, aws_service(deployments=[deployment("ecs-svc/2", 42)]))

    result = run(dict(launch_type=None, capacity_provider_strategy=[dict(capacity_provider="FARGATE_SPOT", weight=1)], force_new_deployment=True))

    assert result["changed"] is True


# --- wait and rollback ----------------------------------------------------------------------------


def started_deployment():
    return aws_service(revision=43, deployments=[deployment("ecs-svc/2", 43, "IN_PROGRESS"), deployment("ecs-svc/1", 42, status="ACTIVE")])


def test_wait_until_the_deployment_completes(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"taskDefinition": "stories1001-web:43"}, started_deployment())
    expect_describe(stubber, started_deployment())
    expect_describe(stubber, started_deployment())
    expect_describe(stubber, aws_service(revision=43, deployments=[deployment("ecs-svc/2", 43)]))

    result = run(dict(task_definition="stories1001-web:43", wait=True))

    assert result["changed"] is True
    assert result["_sent"].count("describe_services") == 4
    assert result["deployment"] == {
        "rollout_state": "COMPLETED",
        "rollout_state_reason": "ECS deployment ecs-svc/2 completed.",
        "task_definition": "stories1001-web:43",
        "rolled_back": False,
    }


def rolled_back():
    """ECS's circuit breaker tripped on revision 43 and went back to 42."""
    return aws_service(
        revision=42,
        deployments=[
            deployment("ecs-svc/3", 42, reason="ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
            deployment(
                "ecs-svc/2",
                43,
                "FAILED",
                status="ACTIVE",
                reason="ECS deployment circuit breaker: tasks failed to start.",
            ),
        ],
    )


def test_wait_fails_when_ecs_rolled_back(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"taskDefinition": "stories1001-web:43"}, started_deployment())
    expect_describe(stubber, started_deployment())
    expect_describe(stubber, rolled_back())

    result = run(dict(task_definition="stories1001-web:43", wait=True))

    assert result["failed"] is True
    assert "was rolled back: asked for stories1001-web:43, now running stories1001-web:42" in result["msg"]
    assert "tasks failed to start" in result["msg"]
    assert result["deployment"]["rolled_back"] is True
    assert result["deployment"]["task_definition"] == "stories1001-web:42"


def test_a_rollback_already_done_when_update_service_answers_is_caught(stubber, run):
    """UpdateService may answer after ECS has rolled back: the module judges by what it asked for."""
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"taskDefinition": "stories1001-web:43"}, rolled_back())
    expect_describe(stubber, rolled_back())

    result = run(dict(task_definition="stories1001-web:43", wait=True))

    assert result["failed"] is True
    assert "was rolled back: asked for stories1001-web:43, now running stories1001-web:42" in result["msg"]


def test_rollback_only_warns_without_fail_on_rollback(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"taskDefinition": "stories1001-web:43"}, started_deployment())
    expect_describe(stubber, rolled_back())

    result = run(dict(task_definition="stories1001-web:43", wait=True, fail_on_rollback=False))

    assert result["changed"] is True
    assert result["deployment"]["rolled_back"] is True
    assert "asked for stories1001-web:43, now running stories1001-web:42" in warnings_of(result)[0]


def test_wait_fails_when_the_deployment_failed_without_rollback(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(
        stubber,
        {"networkConfiguration": {"awsvpcConfiguration": {"subnets": [SUBNETS[0]], "securityGroups": [SECURITY_GROUP], "assignPublicIp": "DISABLED"}}},
        aws_service(deployments=[deployment("ecs-svc/2", 42, "IN_PROGRESS")]),
    )
    expect_describe(stubber, aws_service(deployments=[deployment("ecs-svc/2", 42, "FAILED", reason="tasks failed to start")]))

    result = run(dict(network_configuration=dict(subnets=[SUBNETS[0]]), wait=True))

    assert result["failed"] is True
    assert "failed: asked for stories1001-web:42, now running stories1001-web:42; ECS says: tasks failed to start" in result["msg"]
    assert result["deployment"]["rolled_back"] is False


def test_wait_times_out(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"taskDefinition": "stories1001-web:43"}, started_deployment())
    expect_describe(stubber, started_deployment())

    result = run(dict(task_definition="stories1001-web:43", wait=True, wait_timeout=0))

    assert result["failed"] is True
    assert f"Timed out after 0 seconds waiting for the deployment of service {NAME}" in result["msg"]


# --- what AWS cannot change, and bad input --------------------------------------------------------


@pytest.mark.parametrize(
    "service, args, message",
    [
        (aws_service(), dict(launch_type="EC2"), "has launch type FARGATE, not EC2: AWS cannot change the launch type"),
        (
            aws_service(),
            dict(launch_type=None, capacity_provider_strategy=[dict(capacity_provider="FARGATE_SPOT", weight=1)]),
            "would change from launch type FARGATE to another capacity provider strategy: AWS applies that only with a new deployment; "
            "set force_new_deployment: true",
        ),
        (
            aws_service(launchType=None, capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]),
            {},
            "would change from its capacity provider strategy to launch type FARGATE",
        ),
        (aws_service(), dict(scheduling_strategy="DAEMON"), "has scheduling strategy REPLICA, not DAEMON: AWS cannot change it"),
        (
            aws_service(deploymentController={"type": "CODE_DEPLOY"}),
            dict(task_definition="stories1001-web:43"),
            "uses the CODE_DEPLOY deployment controller, with which AWS does not change task_definition",
        ),
    ],
    ids=["launch-type", "capacity-provider-without-force", "back-to-launch-type-without-force", "scheduling", "code-deploy"],
)
def test_what_aws_cannot_change_fails_without_a_write(stubber, run, service, args, message):
    service = {key: value for key, value in service.items() if value is not None}
    expect_describe(stubber, service)

    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == ["describe_services"]


def test_draining_service_is_not_changed(stubber, run):
    expect_describe(stubber, aws_service(status="DRAINING"))

    result = run({})

    assert result["failed"] is True
    assert "is DRAINING" in result["msg"]


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(capacity_provider_strategy=[dict(capacity_provider="FARGATE")]), "parameters are mutually exclusive: launch_type|capacity_provider_strategy"),
        (dict(desired_count=None, desired_count_policy="enforce"), "desired_count_policy enforce needs desired_count"),
        (dict(desired_count=-1), "desired_count must be 0 or more"),
        (
            dict(deployment_configuration=dict(strategy="BLUE_GREEN")),
            "load_balancers[0] has no alternate_target_group_arn, production_listener_rule and role_arn, "
            "which deployment_configuration.strategy BLUE_GREEN needs",
        ),
        (
            dict(load_balancers=[dict(ARGS["load_balancers"][0], alternate_target_group_arn=GREEN)]),
            "load_balancers[0] sets alternate_target_group_arn but not production_listener_rule, role_arn",
        ),
        (
            dict(load_balancers=[BLUE_GREEN_BALANCER], deployment_configuration=dict(strategy="ROLLING")),
            "load_balancers[0] has a blue/green configuration, but deployment_configuration.strategy is ROLLING",
        ),
        (dict(deployment_configuration=dict(strategy="ROLLING", bake_time_in_minutes=5)), "bake_time_in_minutes applies only to strategy BLUE_GREEN"),
        (dict(load_balancers=[dict(ARGS["load_balancers"][0], test_listener_rule=TEST_RULE)]), "test_listener_rule needs alternate_target_group_arn"),
        (dict(wait_timeout=-1), "wait_timeout must be 0 or more"),
    ],
)
def test_bad_option_combinations_are_refused_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_clients"] == []
    assert result["_sent"] == []


# --- absent -------------------------------------------------------------------------------------


def test_delete_scales_to_zero_first(stubber, run):
    expect_describe(stubber, aws_service())
    expect_update(stubber, {"desiredCount": 0}, aws_service(desiredCount=0))
    stubber.add_response("delete_service", {"service": aws_service(status="DRAINING")}, {"cluster": CLUSTER, "service": NAME, "force": True})

    result = run(dict(state="absent"))

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services", "update_service", "delete_service"]
    assert result["service"] == {}
    assert result["diff"]["before"]["service_name"] == NAME


def test_delete_at_zero_and_wait_until_inactive(stubber, run):
    expect_describe(stubber, aws_service(desiredCount=0))
    stubber.add_response("delete_service", {"service": aws_service(status="DRAINING")}, {"cluster": CLUSTER, "service": NAME, "force": True})
    expect_describe(stubber, aws_service(status="DRAINING"))
    expect_describe(stubber, aws_service(status="INACTIVE"))

    result = run(dict(state="absent", wait=True))

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services", "delete_service", "describe_services", "describe_services"]


def test_delete_check_mode_makes_no_write(stubber, run):
    expect_describe(stubber, aws_service())

    result = run(dict(state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_services"]


@pytest.mark.parametrize("service", [None, aws_service(status="INACTIVE"), aws_service(status="DRAINING")], ids=["missing", "inactive", "draining"])
def test_delete_of_an_absent_service_is_no_change(stubber, run, service):
    expect_describe(stubber, service)

    result = run(dict(state="absent"))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_services"]


def test_delete_when_the_cluster_is_missing_is_no_change(stubber, run):
    stubber.add_client_error("describe_services", "ClusterNotFoundException", "Cluster not found.", 400, expected_params=DESCRIBE)

    result = run(dict(state="absent"))

    assert result["changed"] is False


def test_throttling_is_retried(stubber, run):
    stubber.add_client_error("describe_services", "ThrottlingException", "Rate exceeded", 400, expected_params=DESCRIBE)
    expect_describe(stubber, aws_service())

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["describe_services", "describe_services"]
