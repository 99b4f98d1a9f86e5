# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_service_autoscaling driven through main() against a real botocore Application Auto Scaling client with a
Stubber: every request is validated against the service model, and any call not queued fails the test (so a test
that queues no write proves that none was made)."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _application_autoscaling
from ansible_collections.stories1001.infra.plugins.modules import ecs_service_autoscaling
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

CLUSTER = "stories1001-test"
SERVICE = "web"
RESOURCE_ID = f"service/{CLUSTER}/{SERVICE}"
DIMENSION = "ecs:service:DesiredCount"
CPU = "ECSServiceAverageCPUUtilization"
MEMORY = "ECSServiceAverageMemoryUtilization"
REQUESTS = "ALBRequestCountPerTarget"
LABEL = "app/stories1001-web/50dc6c495c0c9188/targetgroup/stories1001-web/943f017f100becff"
TARGET_ARN = (
    "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123456789abcdef0123456789abcdef0123"
)
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
CREATED = datetime.datetime(2026, 11, 22, 2, 30, tzinfo=datetime.timezone.utc)
TARGET_KEY = {"ServiceNamespace": "ecs", "ResourceId": RESOURCE_ID, "ScalableDimension": DIMENSION}
NOT_SUSPENDED = {
    "DynamicScalingInSuspended": False,
    "DynamicScalingOutSuspended": False,
    "ScheduledScalingSuspended": False,
}

POLICIES = [
    dict(name="web-cpu", predefined_metric=CPU, target_value=60, scale_in_cooldown=300, scale_out_cooldown=60),
    dict(name="web-memory", predefined_metric=MEMORY, target_value=75),
    dict(name="web-requests", predefined_metric=REQUESTS, target_value=500, resource_label=LABEL),
]
ARGS = dict(cluster=CLUSTER, service=SERVICE, min_capacity=2, max_capacity=20, policies=POLICIES)


def policy_arn(name):
    return (
        "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123abcd-0123-abcd-0123-0123456789ab:"
        f"resource/ecs/{RESOURCE_ID}:policyName/{name}"
    )


def aws_target(**overrides):
    """A DescribeScalableTargets entry as AWS returns it."""
    target = dict(
        TARGET_KEY,
        MinCapacity=2,
        MaxCapacity=20,
        RoleARN=ROLE,
        CreationTime=CREATED,
        SuspendedState=dict(NOT_SUSPENDED),
        ScalableTargetARN=TARGET_ARN,
    )
    target.update(overrides)
    return target


def config(metric, target_value, label=None, **overrides):
    """A target tracking configuration as PutScalingPolicy takes it and AWS returns it."""
    specification = {"PredefinedMetricType": metric}
    if label:
        specification["ResourceLabel"] = label
    result = {"TargetValue": float(target_value), "PredefinedMetricSpecification": specification, "DisableScaleIn": False}
    result.update(overrides)
    return result


# The configurations that POLICIES ask for, by name.
CONFIGS = {
    "web-cpu": config(CPU, 60, ScaleInCooldown=300, ScaleOutCooldown=60),
    "web-memory": config(MEMORY, 75),
    "web-requests": config(REQUESTS, 500, LABEL),
}


def aws_policy(name, configuration=None, policy_type="TargetTrackingScaling"):
    policy = dict(
        TARGET_KEY,
        PolicyARN=policy_arn(name),
        PolicyName=name,
        PolicyType=policy_type,
        Alarms=[{"AlarmName": f"TargetTracking-{RESOURCE_ID}-AlarmHigh-{name}", "AlarmARN": f"arn:aws:cloudwatch:::{name}"}],
        CreationTime=CREATED,
    )
    if policy_type == "TargetTrackingScaling":
        policy["TargetTrackingScalingPolicyConfiguration"] = configuration or CONFIGS[name]
    else:
        policy["StepScalingPolicyConfiguration"] = configuration or {"AdjustmentType": "ChangeInCapacity"}
    return policy


def all_policies(**replaced):
    """The three policies as AWS has them after POLICIES were put, with some configurations replaced."""
    return [aws_policy(name, replaced.get(name.replace("-", "_"))) for name in CONFIGS]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Retry back-off takes no time; the list records what would have been slept."""
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


stubber = stubber_fixture("application-autoscaling")
run = run_fixture(ecs_service_autoscaling.main, "application-autoscaling")


def expect_target(stubber, targets):
    stubber.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": targets},
        {"ServiceNamespace": "ecs", "ResourceIds": [RESOURCE_ID], "ScalableDimension": DIMENSION},
    )


def expect_policies(stubber, policies):
    stubber.add_response("describe_scaling_policies", {"ScalingPolicies": policies}, dict(TARGET_KEY))


def expect_tags(stubber, tags):
    stubber.add_response("list_tags_for_resource", {"Tags": tags}, {"ResourceARN": TARGET_ARN})


def expect_read(stubber, target=None, policies=None, tags=None):
    expect_target(stubber, [target or aws_target()])
    expect_policies(stubber, all_policies() if policies is None else policies)
    if tags is not None:
        expect_tags(stubber, tags)


def expect_register(stubber, **params):
    stubber.add_response("register_scalable_target", {"ScalableTargetARN": TARGET_ARN}, dict(TARGET_KEY, **params))


def expect_put(stubber, name, configuration=None):
    stubber.add_response(
        "put_scaling_policy",
        {"PolicyARN": policy_arn(name), "Alarms": []},
        dict(
            TARGET_KEY,
            PolicyName=name,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=configuration or CONFIGS[name],
        ),
    )


def expect_delete(stubber, name):
    stubber.add_response("delete_scaling_policy", {}, dict(TARGET_KEY, PolicyName=name))


def names(policies):
    return [policy["policy_name"] for policy in policies]


# --- create ----------------------------------------------------------------------------------------


def test_create_target_and_three_policies(stubber, run):
    expect_target(stubber, [])
    expect_register(stubber, MinCapacity=2, MaxCapacity=20, Tags={"Project": "stories1001", "Phase": "2"})
    for name in CONFIGS:
        expect_put(stubber, name)
    expect_read(stubber, tags={"Project": "stories1001", "Phase": "2"})

    result = run(dict(ARGS, tags={"Project": "stories1001", "Phase": 2}))

    assert result["changed"] is True
    assert result["scalable_target"]["scalable_target_arn"] == TARGET_ARN
    assert result["scalable_target"]["min_capacity"] == 2
    assert result["scalable_target"]["max_capacity"] == 20
    assert result["scalable_target"]["tags"] == {"Project": "stories1001", "Phase": "2"}
    assert names(result["policies"]) == ["web-cpu", "web-memory", "web-requests"]
    requests = result["policies"][2]["target_tracking_scaling_policy_configuration"]
    assert requests["predefined_metric_specification"] == {"predefined_metric_type": REQUESTS, "resource_label": LABEL}
    assert result["policies"][0]["policy_arn"] == policy_arn("web-cpu")
    assert result["diff"]["before"] == {"scalable_target": {}, "policies": []}
    assert result["diff"]["after"]["policies"] == result["policies"]


def test_create_check_mode_makes_no_write_and_predicts(stubber, run):
    expect_target(stubber, [])

    result = run(dict(ARGS, suspended_state={"dynamic_scaling_in_suspended": True}, tags={"Project": "x"}), check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"] == dict(
        service_namespace="ecs",
        resource_id=RESOURCE_ID,
        scalable_dimension=DIMENSION,
        min_capacity=2,
        max_capacity=20,
        suspended_state=dict(
            dynamic_scaling_in_suspended=True, dynamic_scaling_out_suspended=False, scheduled_scaling_suspended=False
        ),
        tags={"Project": "x"},
    )
    assert names(result["policies"]) == ["web-cpu", "web-memory", "web-requests"]
    assert result["policies"][0] == {
        "policy_name": "web-cpu",
        "service_namespace": "ecs",
        "resource_id": RESOURCE_ID,
        "scalable_dimension": DIMENSION,
        "policy_type": "TargetTrackingScaling",
        "target_tracking_scaling_policy_configuration": {
            "target_value": 60.0,
            "predefined_metric_specification": {"predefined_metric_type": CPU},
            "disable_scale_in": False,
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
        },
    }
    assert result["diff"]["before"] == {"scalable_target": {}, "policies": []}


def test_create_with_suspended_state(stubber, run):
    expect_target(stubber, [])
    expect_register(
        stubber,
        MinCapacity=2,
        MaxCapacity=20,
        SuspendedState=dict(NOT_SUSPENDED, ScheduledScalingSuspended=True),
    )
    expect_read(stubber, target=aws_target(SuspendedState=dict(NOT_SUSPENDED, ScheduledScalingSuspended=True)), policies=[])

    result = run(dict(ARGS, policies=[], suspended_state={"scheduled_scaling_suspended": True}))

    assert result["scalable_target"]["suspended_state"]["scheduled_scaling_suspended"] is True
    assert result["policies"] == []


# --- unchanged -------------------------------------------------------------------------------------


def test_identical_rerun_makes_no_write(stubber, run):
    expect_read(stubber)

    result = run(ARGS)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert names(result["policies"]) == ["web-cpu", "web-memory", "web-requests"]


@pytest.mark.parametrize(
    "replaced",
    [
        # AWS may leave DisableScaleIn out when it is false, and ResourceLabel out when there is none.
        {"web_memory": {"TargetValue": 75.0, "PredefinedMetricSpecification": {"PredefinedMetricType": MEMORY}}},
        # An integral target value that comes back as an int.
        {"web_memory": config(MEMORY, 75, TargetValue=75)},
        # Cooldowns not asked for are not compared (AWS's own default, or set by hand).
        {"web_memory": config(MEMORY, 75, ScaleInCooldown=300, ScaleOutCooldown=300)},
    ],
    ids=["no-defaults", "int-target", "unmanaged-cooldowns"],
)
def test_normalized_configurations_compare_equal(stubber, run, replaced):
    expect_read(stubber, policies=all_policies(**replaced))

    assert run(ARGS)["changed"] is False


def test_identical_rerun_with_tags_and_suspended_state(stubber, run):
    expect_read(stubber, tags={"Project": "stories1001"})

    result = run(dict(ARGS, tags={"Project": "stories1001"}, suspended_state={"dynamic_scaling_in_suspended": False}))

    assert result["changed"] is False


def test_other_targets_policies_are_ignored(stubber, run):
    # Some endpoints (moto) match ResourceId as a substring; a policy of another service is not this target's.
    other = dict(aws_policy("other", config(CPU, 10)), ResourceId=f"{RESOURCE_ID}-2")
    expect_read(stubber, policies=[other] + all_policies())

    result = run(ARGS)

    assert result["changed"] is False
    assert "other" not in names(result["policies"])


def test_policies_not_set_leaves_them_alone(stubber, run):
    expect_read(stubber, policies=[aws_policy("hand-made", config(CPU, 40))])

    result = run(dict(ARGS, policies=None, max_capacity=20))

    assert result["changed"] is False
    assert names(result["policies"]) == ["hand-made"]


# --- modify ----------------------------------------------------------------------------------------


def test_changing_max_only_reregisters(stubber, run):
    expect_read(stubber)
    expect_register(stubber, MinCapacity=2, MaxCapacity=30)
    expect_read(stubber, target=aws_target(MaxCapacity=30))

    result = run(dict(ARGS, max_capacity=30))

    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 30
    assert result["diff"]["before"]["scalable_target"]["max_capacity"] == 20
    assert result["diff"]["before"]["policies"] == result["diff"]["after"]["policies"]


def test_changing_one_target_value_puts_only_that_policy(stubber, run):
    expect_read(stubber)
    expect_put(stubber, "web-memory", config(MEMORY, 65))
    expect_read(stubber, policies=all_policies(web_memory=config(MEMORY, 65)))

    policies = [dict(POLICIES[0]), dict(POLICIES[1], target_value=65), dict(POLICIES[2])]
    result = run(dict(ARGS, policies=policies))

    assert result["changed"] is True
    assert result["policies"][1]["target_tracking_scaling_policy_configuration"]["target_value"] == 65.0
    assert result["diff"]["before"]["policies"][1]["target_tracking_scaling_policy_configuration"]["target_value"] == 75.0


@pytest.mark.parametrize(
    "change, sent",
    [
        ({"scale_in_cooldown": 600}, config(CPU, 60, ScaleInCooldown=600, ScaleOutCooldown=60)),
        ({"disable_scale_in": True}, config(CPU, 60, DisableScaleIn=True, ScaleInCooldown=300, ScaleOutCooldown=60)),
        (
            {"predefined_metric": MEMORY, "name": "web-cpu"},
            config(MEMORY, 60, ScaleInCooldown=300, ScaleOutCooldown=60),
        ),
    ],
    ids=["cooldown", "disable-scale-in", "metric"],
)
def test_policy_settings_changes(stubber, run, change, sent):
    expect_read(stubber, policies=[aws_policy("web-cpu")])
    expect_put(stubber, "web-cpu", sent)
    expect_read(stubber, policies=[aws_policy("web-cpu", sent)])

    assert run(dict(ARGS, policies=[dict(POLICIES[0], **change)]))["changed"] is True


def test_put_keeps_unset_cooldowns(stubber, run):
    # PutScalingPolicy replaces the whole configuration: a cooldown the task does not set is sent as it is.
    existing = config(MEMORY, 75, ScaleInCooldown=900, ScaleOutCooldown=30)
    expect_read(stubber, policies=[aws_policy("web-memory", existing)])
    expect_put(stubber, "web-memory", config(MEMORY, 50, ScaleInCooldown=900, ScaleOutCooldown=30))
    expect_read(stubber, policies=[aws_policy("web-memory", config(MEMORY, 50, ScaleInCooldown=900, ScaleOutCooldown=30))])

    assert run(dict(ARGS, policies=[dict(POLICIES[1], target_value=50)]))["changed"] is True


def test_step_scaling_policy_of_the_same_name_is_replaced(stubber, run):
    expect_read(stubber, policies=[aws_policy("web-memory", policy_type="StepScaling")])
    expect_put(stubber, "web-memory")
    expect_read(stubber, policies=[aws_policy("web-memory")])

    assert run(dict(ARGS, policies=[POLICIES[1]]))["changed"] is True


def test_purge_deletes_stale_policy(stubber, run):
    expect_read(stubber, policies=all_policies() + [aws_policy("web-old", config(CPU, 80))])
    expect_delete(stubber, "web-old")
    expect_read(stubber)

    result = run(ARGS)

    assert result["changed"] is True
    assert "web-old" in names(result["diff"]["before"]["policies"])
    assert names(result["policies"]) == ["web-cpu", "web-memory", "web-requests"]


def test_removed_metric_is_deleted_before_put(stubber, run):
    # The CPU policy is renamed: the old one goes first, since AWS allows one policy per metric.
    expect_read(stubber, policies=[aws_policy("web-cpu")])
    expect_delete(stubber, "web-cpu")
    expect_put(stubber, "cpu", CONFIGS["web-cpu"])
    expect_read(stubber, policies=[aws_policy("cpu", CONFIGS["web-cpu"])])

    result = run(dict(ARGS, policies=[dict(POLICIES[0], name="cpu")]))

    assert names(result["policies"]) == ["cpu"]


def test_without_purge_stale_policy_stays(stubber, run):
    expect_read(stubber, policies=all_policies() + [aws_policy("web-old", config(CPU, 80))])

    result = run(dict(ARGS, purge_policies=False))

    assert result["changed"] is False
    assert "web-old" in names(result["policies"])


def test_empty_policies_with_purge_deletes_all(stubber, run):
    expect_read(stubber)
    for name in CONFIGS:
        expect_delete(stubber, name)
    expect_read(stubber, policies=[])

    result = run(dict(ARGS, policies=[]))

    assert result["changed"] is True
    assert result["policies"] == []


def test_suspended_state_change_reregisters_keeping_other_keys(stubber, run):
    expect_read(stubber, target=aws_target(SuspendedState=dict(NOT_SUSPENDED, ScheduledScalingSuspended=True)))
    expect_register(
        stubber,
        MinCapacity=2,
        MaxCapacity=20,
        SuspendedState={
            "DynamicScalingInSuspended": True,
            "DynamicScalingOutSuspended": False,
            "ScheduledScalingSuspended": True,
        },
    )
    expect_read(stubber, target=aws_target(SuspendedState=dict(NOT_SUSPENDED, DynamicScalingInSuspended=True)))

    assert run(dict(ARGS, suspended_state={"dynamic_scaling_in_suspended": True}))["changed"] is True


def test_tag_change_only(stubber, run):
    expect_read(stubber, tags={"Project": "stories1001", "Owner": "old"})
    stubber.add_response("untag_resource", {}, {"ResourceARN": TARGET_ARN, "TagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceARN": TARGET_ARN, "Tags": {"Environment": "test"}})
    expect_read(stubber, tags={"Project": "stories1001", "Environment": "test"})

    result = run(dict(ARGS, tags={"Project": "stories1001", "Environment": "test"}))

    assert result["changed"] is True
    assert result["scalable_target"]["tags"] == {"Project": "stories1001", "Environment": "test"}


def test_modify_check_mode_makes_no_write_and_predicts(stubber, run):
    expect_read(stubber, policies=all_policies() + [aws_policy("web-old", config(CPU, 80))], tags={"Owner": "old"})

    policies = [dict(POLICIES[0], target_value=50), POLICIES[1], POLICIES[2]]
    result = run(dict(ARGS, max_capacity=40, policies=policies, tags={"Owner": "platform"}), check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 40
    assert result["scalable_target"]["scalable_target_arn"] == TARGET_ARN
    assert result["scalable_target"]["tags"] == {"Owner": "platform"}
    assert names(result["policies"]) == ["web-cpu", "web-memory", "web-requests"]
    cpu = result["policies"][0]
    assert cpu["policy_arn"] == policy_arn("web-cpu")
    assert cpu["target_tracking_scaling_policy_configuration"]["target_value"] == 50.0
    assert cpu["target_tracking_scaling_policy_configuration"]["scale_in_cooldown"] == 300
    assert result["diff"]["before"]["scalable_target"]["max_capacity"] == 20
    assert "web-old" in names(result["diff"]["before"]["policies"])


# --- missing service -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, message",
    [
        ("ValidationException", f"ECS service doesn't exist: {RESOURCE_ID}"),
        ("ObjectNotFoundException", "No service found"),
    ],
)
def test_missing_service_fails_naming_it(stubber, run, code, message):
    expect_target(stubber, [])
    stubber.add_client_error("register_scalable_target", code, message, http_status_code=400)

    result = run(ARGS)

    assert result["failed"] is True
    assert f"ECS service '{SERVICE}' in cluster '{CLUSTER}'" in result["msg"]
    assert "does not exist" in result["msg"]
    assert result["error"]["code"] == code


def test_other_validation_error_is_not_called_missing_service(stubber, run):
    expect_target(stubber, [])
    stubber.add_client_error(
        "register_scalable_target", "ValidationException", "Maximum capacity cannot be less than minimum", http_status_code=400
    )

    result = run(ARGS)

    assert result["failed"] is True
    assert "does not exist" not in result["msg"]
    assert "Failed to register scalable target" in result["msg"]


def test_missing_service_in_check_mode_predicts(stubber, run):
    # The service would be created by an earlier task: nothing registered yet, no write, the state predicted.
    expect_target(stubber, [])

    result = run(ARGS, check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"]["resource_id"] == RESOURCE_ID
    assert len(result["policies"]) == 3


# --- retries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ThrottlingException", "ConcurrentUpdateException"])
def test_calls_are_retried(stubber, run, no_sleep, code):
    stubber.add_client_error("describe_scalable_targets", code, http_status_code=400)
    expect_read(stubber)
    stubber.add_client_error("put_scaling_policy", code, http_status_code=400)
    expect_put(stubber, "web-memory", config(MEMORY, 70))
    expect_read(stubber, policies=all_policies(web_memory=config(MEMORY, 70)))

    policies = [POLICIES[0], dict(POLICIES[1], target_value=70), POLICIES[2]]
    assert run(dict(ARGS, policies=policies))["changed"] is True
    assert len(no_sleep) == 2


# --- absent ----------------------------------------------------------------------------------------

ABSENT = dict(cluster=CLUSTER, service=SERVICE, state="absent")


def test_absent_deletes_policies_then_deregisters(stubber, run):
    expect_read(stubber)
    for name in CONFIGS:
        expect_delete(stubber, name)
    stubber.add_response("deregister_scalable_target", {}, TARGET_KEY)

    result = run(ABSENT)

    assert result["changed"] is True
    assert result["scalable_target"] == {}
    assert result["policies"] == []
    assert names(result["diff"]["before"]["policies"]) == ["web-cpu", "web-memory", "web-requests"]


def test_absent_when_missing(stubber, run):
    expect_target(stubber, [])

    result = run(ABSENT)

    assert result["changed"] is False
    assert result["diff"] == {"before": {"scalable_target": {}, "policies": []}, "after": {"scalable_target": {}, "policies": []}}


def test_absent_check_mode_makes_no_write(stubber, run):
    expect_read(stubber)

    result = run(ABSENT, check_mode=True)

    assert result["changed"] is True
    assert result["policies"] == []


def test_absent_already_deleted_is_no_change(stubber, run):
    expect_read(stubber, policies=[aws_policy("web-cpu")])
    stubber.add_client_error("delete_scaling_policy", "ObjectNotFoundException", http_status_code=400)
    stubber.add_client_error("deregister_scalable_target", "ObjectNotFoundException", http_status_code=400)

    assert run(ABSENT)["changed"] is False


# --- argument validation (no AWS call at all: none is queued) ---------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(ARGS, min_capacity=21), "min_capacity (21) must not be greater than max_capacity (20)"),
        (dict(ARGS, min_capacity=-1, max_capacity=-1), "min_capacity must not be negative"),
        (dict(ARGS, policies=[dict(POLICIES[2], resource_label=None)]), "resource_label is required with ALBRequestCountPerTarget"),
        (
            dict(ARGS, policies=[dict(POLICIES[2], resource_label="arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/1")]),
            "is not of the form app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>",
        ),
        (
            dict(ARGS, policies=[dict(POLICIES[2], resource_label="app/web/50dc6c495c0c9188")]),
            "is not of the form",
        ),
        (dict(ARGS, policies=[dict(POLICIES[1], resource_label=LABEL)]), "resource_label is only allowed with"),
        (dict(ARGS, policies=[dict(POLICIES[1], target_value=0)]), "target_value must be greater than 0"),
        (dict(ARGS, policies=[dict(POLICIES[1], scale_out_cooldown=-1)]), "scale_out_cooldown must not be negative"),
        (dict(ARGS, policies=[POLICIES[1], POLICIES[1]]), "the name 'web-memory' is used twice"),
        (dict(ARGS, policies=[POLICIES[0], dict(POLICIES[0], name="cpu-2")]), "tracks the same metric as 'web-cpu'"),
        (dict(ARGS, policies=[dict(POLICIES[1], name="x" * 257)]), "name must be 1 to 256"),
        (dict(ARGS, policies=[dict(POLICIES[1], predefined_metric="RDSReaderAverageCPUUtilization")]), "predefined_metric"),
        (dict(ARGS, cluster="arn:aws:ecs:us-east-1:123456789012:cluster/x"), "not a valid ECS cluster name"),
        (dict(ARGS, service="web service"), "not a valid ECS service name"),
        (dict(cluster=CLUSTER, service=SERVICE, policies=POLICIES), "missing: min_capacity, max_capacity"),
        (dict(ARGS, policies=[dict(name="x", target_value=50)]), "predefined_metric"),
    ],
)
def test_invalid_arguments_fail_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]


def test_two_request_policies_on_different_target_groups_are_allowed():
    other = LABEL.replace("943f017f100becff", "0123456789abcdef")
    params = dict(
        ARGS,
        state="present",
        policies=[
            dict(POLICIES[2], resource_label=LABEL),
            dict(POLICIES[2], name="requests-2", resource_label=other),
        ],
    )
    assert ecs_service_autoscaling.validation_errors(params) == []


def test_absent_does_not_need_capacities():
    params = dict(cluster=CLUSTER, service=SERVICE, state="absent", min_capacity=None, max_capacity=None, policies=None)
    assert ecs_service_autoscaling.validation_errors(params) == []


# --- pure functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, desired, expected",
    [
        (CONFIGS["web-cpu"], CONFIGS["web-cpu"], False),
        (config(CPU, 60), config(CPU, 60.0), False),
        (dict(config(CPU, 60), DisableScaleIn=None), config(CPU, 60), False),
        ({"TargetValue": 60, "PredefinedMetricSpecification": {"PredefinedMetricType": CPU, "ResourceLabel": ""}}, config(CPU, 60), False),
        (config(CPU, 60), config(CPU, 60.5), True),
        (config(CPU, 60), config(CPU, 60, ScaleInCooldown=300), True),
        (config(REQUESTS, 500, LABEL), config(REQUESTS, 500, LABEL.replace("web/9", "web/8")), True),
        (config(REQUESTS, 500, LABEL), config(REQUESTS, 500), True),
        (config(CPU, 60), config(MEMORY, 60), True),
    ],
)
def test_target_tracking_policy_differs(current, desired, expected):
    policy = aws_policy("p", current)
    assert _application_autoscaling.target_tracking_policy_differs(policy, desired) is expected


def test_missing_or_step_policy_differs():
    assert _application_autoscaling.target_tracking_policy_differs(None, config(CPU, 60)) is True
    step = aws_policy("p", policy_type="StepScaling")
    assert _application_autoscaling.target_tracking_policy_differs(step, config(CPU, 60)) is True


@pytest.mark.parametrize(
    "current, requested, differs, sent",
    [
        (None, {"DynamicScalingInSuspended": False}, False, NOT_SUSPENDED),
        (None, {"DynamicScalingInSuspended": True}, True, dict(NOT_SUSPENDED, DynamicScalingInSuspended=True)),
        (
            dict(NOT_SUSPENDED, ScheduledScalingSuspended=True),
            {"DynamicScalingOutSuspended": True, "ScheduledScalingSuspended": None},
            True,
            dict(NOT_SUSPENDED, ScheduledScalingSuspended=True, DynamicScalingOutSuspended=True),
        ),
        (dict(NOT_SUSPENDED, ScheduledScalingSuspended=True), {"ScheduledScalingSuspended": True}, False, None),
    ],
)
def test_suspended_state(current, requested, differs, sent):
    assert _application_autoscaling.suspended_state_differs(current, requested) is differs
    if sent is not None:
        assert _application_autoscaling.desired_suspended_state(current, requested) == sent


def test_plan_policies_without_policies_option_touches_nothing():
    to_put, to_delete = ecs_service_autoscaling.plan_policies(all_policies(), dict(policies=None, purge_policies=True))
    assert (to_put, to_delete) == ({}, [])
