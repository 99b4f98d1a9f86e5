# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aurora_replica_autoscaling driven through main() against a real botocore Application Auto Scaling
client with a Stubber: every request is validated against the service model, and any call not queued fails."""

import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.module_utils import _application_autoscaling
from ansible_collections.stories1001.infra.plugins.modules import aurora_replica_autoscaling
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

CLUSTER = "stories1001-test"
RESOURCE_ID = f"cluster:{CLUSTER}"
DIMENSION = "rds:cluster:ReadReplicaCount"
POLICY = f"{CLUSTER}-replica-target-tracking"
CPU = "RDSReaderAverageCPUUtilization"
CONNECTIONS = "RDSReaderAverageDatabaseConnections"
TARGET_ARN = (
    "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123456789abcdef0123456789abcdef0123"
)
POLICY_ARN = (
    "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123abcd-0123-abcd-0123-0123456789ab:"
    f"resource/rds/{RESOURCE_ID}:policyName/{POLICY}"
)
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/rds.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_RDSCluster"
)
CREATED = datetime.datetime(2026, 11, 22, 2, 30, tzinfo=datetime.timezone.utc)

ARGS = dict(db_cluster_identifier=CLUSTER, min_capacity=2, max_capacity=10, target_value=75)
TARGET_KEY = {"ServiceNamespace": "rds", "ResourceId": RESOURCE_ID, "ScalableDimension": DIMENSION}


def aws_target(**overrides):
    """A DescribeScalableTargets entry as AWS returns it."""
    target = dict(
        TARGET_KEY,
        MinCapacity=2,
        MaxCapacity=10,
        RoleARN=ROLE,
        CreationTime=CREATED,
        SuspendedState={
            "DynamicScalingInSuspended": False,
            "DynamicScalingOutSuspended": False,
            "ScheduledScalingSuspended": False,
        },
        ScalableTargetARN=TARGET_ARN,
    )
    target.update(overrides)
    return target


def config(**overrides):
    """A target tracking configuration as AWS returns it: no cooldown unless one was set."""
    result = {
        "TargetValue": 75.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": CPU},
        "DisableScaleIn": False,
    }
    result.update(overrides)
    return result


def aws_policy(name=POLICY, **config_overrides):
    return dict(
        TARGET_KEY,
        PolicyARN=POLICY_ARN,
        PolicyName=name,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration=config(**config_overrides),
        Alarms=[
            {
                "AlarmName": f"TargetTracking-{RESOURCE_ID}-AlarmHigh",
                "AlarmARN": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:high",
            }
        ],
        CreationTime=CREATED,
    )


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Retry back-off takes no time; the list records what would have been slept."""
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


stubber = stubber_fixture("application-autoscaling")
run = run_fixture(aurora_replica_autoscaling.main, "application-autoscaling")


def expect_target(stubber, targets):
    stubber.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": targets},
        {"ServiceNamespace": "rds", "ResourceIds": [RESOURCE_ID], "ScalableDimension": DIMENSION},
    )


def expect_policy(stubber, policies, name=POLICY):
    stubber.add_response(
        "describe_scaling_policies", {"ScalingPolicies": policies}, dict(TARGET_KEY, PolicyNames=[name])
    )


def expect_tags(stubber, tags):
    stubber.add_response("list_tags_for_resource", {"Tags": tags}, {"ResourceARN": TARGET_ARN})


def expect_read(stubber, target=None, policy=None, tags=None):
    expect_target(stubber, [target or aws_target()])
    expect_policy(stubber, [policy or aws_policy()])
    if tags is not None:
        expect_tags(stubber, tags)


def expect_register(stubber, **params):
    stubber.add_response("register_scalable_target", {"ScalableTargetARN": TARGET_ARN}, dict(TARGET_KEY, **params))


def expect_put(stubber, name=POLICY, **config_overrides):
    stubber.add_response(
        "put_scaling_policy",
        {"PolicyARN": POLICY_ARN, "Alarms": []},
        dict(
            TARGET_KEY,
            PolicyName=name,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=config(**config_overrides),
        ),
    )


# --- create ----------------------------------------------------------------------------------------


def test_create_check_mode_touches_nothing(stubber, run):
    expect_target(stubber, [])

    result = run(dict(ARGS, scale_in_cooldown=300, tags={"Project": "stories1001"}), check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"] == dict(
        service_namespace="rds",
        resource_id=RESOURCE_ID,
        scalable_dimension=DIMENSION,
        min_capacity=2,
        max_capacity=10,
        tags={"Project": "stories1001"},
    )
    assert result["scaling_policy"] == {
        "policy_name": POLICY,
        "service_namespace": "rds",
        "resource_id": RESOURCE_ID,
        "scalable_dimension": DIMENSION,
        "policy_type": "TargetTrackingScaling",
        "target_tracking_scaling_policy_configuration": {
            "target_value": 75.0,
            "predefined_metric_specification": {"predefined_metric_type": CPU},
            "disable_scale_in": False,
            "scale_in_cooldown": 300,
        },
    }
    assert result["diff"]["before"] == {"scalable_target": {}, "scaling_policy": {}}
    assert result["diff"]["after"]["scaling_policy"] == result["scaling_policy"]


def test_create(stubber, run):
    expect_target(stubber, [])
    expect_register(stubber, MinCapacity=2, MaxCapacity=10, Tags={"Project": "stories1001", "Phase": "2"})
    expect_put(stubber, ScaleInCooldown=300, ScaleOutCooldown=120)
    expect_read(
        stubber,
        policy=aws_policy(ScaleInCooldown=300, ScaleOutCooldown=120),
        tags={"Project": "stories1001", "Phase": "2"},
    )

    result = run(dict(ARGS, scale_in_cooldown=300, scale_out_cooldown=120, tags={"Project": "stories1001", "Phase": 2}))

    assert result["changed"] is True
    assert result["scalable_target"]["scalable_target_arn"] == TARGET_ARN
    assert result["scalable_target"]["creation_time"] == "2026-11-22T02:30:00+00:00"
    assert result["scalable_target"]["tags"] == {"Project": "stories1001", "Phase": "2"}
    assert result["scaling_policy"]["policy_arn"] == POLICY_ARN
    assert result["scaling_policy"]["target_tracking_scaling_policy_configuration"]["scale_in_cooldown"] == 300
    assert result["diff"]["before"] == {"scalable_target": {}, "scaling_policy": {}}


def test_create_policy_on_existing_target(stubber, run):
    expect_target(stubber, [aws_target()])
    expect_policy(stubber, [], name="readers-cpu")
    expect_put(
        stubber,
        name="readers-cpu",
        PredefinedMetricSpecification={"PredefinedMetricType": CONNECTIONS},
        TargetValue=400.0,
    )
    expect_target(stubber, [aws_target()])
    expect_policy(stubber, [aws_policy("readers-cpu", TargetValue=400.0)], name="readers-cpu")

    result = run(dict(ARGS, policy_name="readers-cpu", predefined_metric=CONNECTIONS, target_value=400))

    assert result["changed"] is True
    assert "tags" not in result["scalable_target"]


# --- unchanged -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, policy",
    [
        (ARGS, aws_policy()),
        # AWS may leave DisableScaleIn out when it is false.
        (ARGS, aws_policy(**{"DisableScaleIn": None})),
        (
            dict(ARGS, scale_in_cooldown=300, scale_out_cooldown=60),
            aws_policy(ScaleInCooldown=300, ScaleOutCooldown=60),
        ),
        # Cooldowns not asked for are not compared.
        (ARGS, aws_policy(ScaleInCooldown=600)),
        (dict(ARGS, target_value=75.0, disable_scale_in=True), aws_policy(DisableScaleIn=True)),
    ],
    ids=["plain", "no-disable-scale-in", "cooldowns", "unmanaged-cooldown", "float-target"],
)
def test_existing_unchanged_makes_no_write_call(stubber, run, args, policy):
    if policy["TargetTrackingScalingPolicyConfiguration"].get("DisableScaleIn") is None:
        del policy["TargetTrackingScalingPolicyConfiguration"]["DisableScaleIn"]
    expect_read(stubber, policy=policy)

    result = run(args)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["scaling_policy"]["policy_arn"] == POLICY_ARN


def test_existing_unchanged_with_tags(stubber, run):
    expect_read(stubber, tags={"Project": "stories1001"})

    assert run(dict(ARGS, tags={"Project": "stories1001"}))["changed"] is False


def test_policy_filter_matched_exactly(stubber, run):
    # Some endpoints (moto) ignore PolicyNames and match ResourceId as a substring.
    expect_target(stubber, [aws_target()])
    stubber.add_response(
        "describe_scaling_policies",
        {
            "ScalingPolicies": [
                aws_policy("other", TargetValue=10.0),
                dict(aws_policy(), ResourceId=f"{RESOURCE_ID}-2"),
                aws_policy(),
            ]
        },
        dict(TARGET_KEY, PolicyNames=[POLICY]),
    )

    assert run(ARGS)["changed"] is False


# --- modify ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, register, put",
    [
        ({"min_capacity": 3}, {"MinCapacity": 3, "MaxCapacity": 10}, None),
        ({"max_capacity": 15}, {"MinCapacity": 2, "MaxCapacity": 15}, None),
        ({"target_value": 60}, None, {"TargetValue": 60.0}),
        (
            {"predefined_metric": CONNECTIONS, "target_value": 400},
            None,
            {"PredefinedMetricSpecification": {"PredefinedMetricType": CONNECTIONS}, "TargetValue": 400.0},
        ),
        ({"scale_in_cooldown": 600}, None, {"ScaleInCooldown": 600}),
        ({"scale_out_cooldown": 60}, None, {"ScaleOutCooldown": 60}),
        ({"disable_scale_in": True}, None, {"DisableScaleIn": True}),
        ({"min_capacity": 1, "target_value": 70}, {"MinCapacity": 1, "MaxCapacity": 10}, {"TargetValue": 70.0}),
    ],
    ids=["min", "max", "target", "metric", "scale-in-cooldown", "scale-out-cooldown", "disable-scale-in", "both"],
)
def test_modify(stubber, run, changes, register, put):
    expect_read(stubber)
    if register:
        expect_register(stubber, **register)
    if put is not None:
        expect_put(stubber, **put)
    expect_read(stubber, target=aws_target(**(register or {})), policy=aws_policy(**(put or {})))

    result = run(dict(ARGS, **changes))

    assert result["changed"] is True
    assert result["diff"]["before"] != result["diff"]["after"]


def test_put_keeps_unset_cooldowns(stubber, run):
    # PutScalingPolicy replaces the whole configuration: a cooldown the task does not set is sent as it is.
    expect_read(stubber, policy=aws_policy(ScaleInCooldown=600, ScaleOutCooldown=60))
    expect_put(stubber, TargetValue=50.0, ScaleInCooldown=600, ScaleOutCooldown=60)
    expect_read(stubber, policy=aws_policy(TargetValue=50.0, ScaleInCooldown=600, ScaleOutCooldown=60))

    assert run(dict(ARGS, target_value=50))["changed"] is True


def test_step_scaling_policy_of_the_same_name_is_replaced(stubber, run):
    step = dict(
        aws_policy(), PolicyType="StepScaling", StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity"}
    )
    del step["TargetTrackingScalingPolicyConfiguration"]
    expect_read(stubber, policy=step)
    expect_put(stubber)
    expect_read(stubber)

    assert run(ARGS)["changed"] is True


def test_modify_check_mode_predicts_and_touches_nothing(stubber, run):
    expect_read(stubber, policy=aws_policy(ScaleInCooldown=600), tags={"Owner": "old"})

    result = run(dict(ARGS, max_capacity=12, target_value=60, tags={"Owner": "platform"}), check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 12
    assert result["scalable_target"]["scalable_target_arn"] == TARGET_ARN
    assert result["scalable_target"]["tags"] == {"Owner": "platform"}
    configuration = result["scaling_policy"]["target_tracking_scaling_policy_configuration"]
    assert configuration["target_value"] == 60.0
    assert configuration["scale_in_cooldown"] == 600
    assert result["scaling_policy"]["policy_arn"] == POLICY_ARN
    assert result["diff"]["before"]["scalable_target"]["max_capacity"] == 10


def test_tag_change_only(stubber, run):
    expect_read(stubber, tags={"Project": "stories1001", "Owner": "old"})
    stubber.add_response("untag_resource", {}, {"ResourceARN": TARGET_ARN, "TagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceARN": TARGET_ARN, "Tags": {"Environment": "test"}})
    expect_read(stubber, tags={"Project": "stories1001", "Environment": "test"})

    result = run(dict(ARGS, tags={"Project": "stories1001", "Environment": "test"}))

    assert result["changed"] is True
    assert result["scalable_target"]["tags"] == {"Project": "stories1001", "Environment": "test"}
    assert result["diff"]["before"]["scalable_target"]["tags"]["Owner"] == "old"


def test_tag_change_without_purge_adds_only(stubber, run):
    expect_read(stubber, tags={"Owner": "ops"})
    stubber.add_response("tag_resource", {}, {"ResourceARN": TARGET_ARN, "Tags": {"Phase": "2"}})
    expect_read(stubber, tags={"Owner": "ops", "Phase": "2"})

    result = run(dict(ARGS, tags={"Phase": "2"}, purge_tags=False))

    assert result["scalable_target"]["tags"] == {"Owner": "ops", "Phase": "2"}


# --- errors and retries ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ThrottlingException", "ConcurrentUpdateException"])
def test_calls_are_retried(stubber, run, no_sleep, code):
    stubber.add_client_error("describe_scalable_targets", code, http_status_code=400)
    expect_target(stubber, [aws_target()])
    expect_policy(stubber, [aws_policy()])
    stubber.add_client_error("register_scalable_target", code, http_status_code=400)
    expect_register(stubber, MinCapacity=3, MaxCapacity=10)
    expect_read(stubber, target=aws_target(MinCapacity=3))

    assert run(dict(ARGS, min_capacity=3))["changed"] is True
    assert len(no_sleep) == 2


def test_api_error_fails_with_aws_details(stubber, run):
    expect_target(stubber, [])
    stubber.add_client_error(
        "register_scalable_target", "ValidationException", "DB cluster not found", http_status_code=400
    )

    result = run(ARGS)

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to register scalable target")
    assert result["error"]["code"] == "ValidationException"


# --- absent ----------------------------------------------------------------------------------------


def test_absent_deletes_policy_then_deregisters(stubber, run):
    expect_read(stubber)
    stubber.add_response("delete_scaling_policy", {}, dict(TARGET_KEY, PolicyName=POLICY))
    stubber.add_response("deregister_scalable_target", {}, TARGET_KEY)

    result = run(dict(db_cluster_identifier=CLUSTER, state="absent"))

    assert result["changed"] is True
    assert result["scalable_target"] == {}
    assert result["scaling_policy"] == {}
    assert result["diff"]["before"]["scaling_policy"]["policy_name"] == POLICY


def test_absent_target_without_policy(stubber, run):
    expect_target(stubber, [aws_target()])
    expect_policy(stubber, [])
    stubber.add_response("deregister_scalable_target", {}, TARGET_KEY)

    assert run(dict(db_cluster_identifier=CLUSTER, state="absent"))["changed"] is True


def test_absent_when_missing(stubber, run):
    expect_target(stubber, [])

    result = run(dict(db_cluster_identifier=CLUSTER, state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {
        "before": {"scalable_target": {}, "scaling_policy": {}},
        "after": {"scalable_target": {}, "scaling_policy": {}},
    }


def test_absent_check_mode_touches_nothing(stubber, run):
    expect_read(stubber)

    result = run(dict(db_cluster_identifier=CLUSTER, state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["scalable_target"] == {}


def test_absent_already_deleted_is_no_change(stubber, run):
    expect_read(stubber)
    stubber.add_client_error("delete_scaling_policy", "ObjectNotFoundException", http_status_code=400)
    stubber.add_client_error("deregister_scalable_target", "ObjectNotFoundException", http_status_code=400)

    assert run(dict(db_cluster_identifier=CLUSTER, state="absent"))["changed"] is False


# --- argument validation (no AWS call at all) -------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(ARGS, min_capacity=11), "min_capacity (11) must not be greater than max_capacity (10)"),
        (dict(ARGS, min_capacity=-1), "min_capacity must be between 0 and 15"),
        (dict(ARGS, max_capacity=16), "max_capacity must be between 0 and 15"),
        (dict(ARGS, target_value=0), "target_value must be greater than 0"),
        (dict(ARGS, target_value=101), "must be at most 100"),
        (dict(ARGS, scale_in_cooldown=-5), "scale_in_cooldown must not be negative"),
        (dict(ARGS, policy_name="x" * 257), "policy_name must be 1 to 256"),
        (dict(ARGS, db_cluster_identifier="1001-stories-cluster"), "not a valid cluster identifier"),
        (dict(ARGS, predefined_metric="ECSServiceAverageCPUUtilization"), "predefined_metric"),
        (dict(db_cluster_identifier=CLUSTER, target_value=75), "missing: min_capacity, max_capacity"),
        (dict(ARGS, min_capacity="two"), "min_capacity"),
    ],
)
def test_invalid_arguments(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]


def test_absent_does_not_need_capacities():
    params = dict(db_cluster_identifier=CLUSTER, state="absent", policy_name=None, min_capacity=None, max_capacity=None)
    assert aurora_replica_autoscaling.validation_errors(params) == []


# --- pure functions --------------------------------------------------------------------------------

PARAMS = dict(
    db_cluster_identifier=CLUSTER,
    state="present",
    min_capacity=2,
    max_capacity=10,
    policy_name=None,
    predefined_metric=CPU,
    target_value=75.0,
    scale_in_cooldown=None,
    scale_out_cooldown=None,
    disable_scale_in=False,
)


@pytest.mark.parametrize(
    "target, changes, expected",
    [
        (None, {}, True),
        (aws_target(), {}, False),
        (aws_target(), {"min_capacity": 0}, True),
        (aws_target(), {"max_capacity": 11}, True),
        (aws_target(MinCapacity=0), {"min_capacity": 0}, False),
    ],
)
def test_target_differs(target, changes, expected):
    assert aurora_replica_autoscaling.target_differs(target, dict(PARAMS, **changes)) is expected


@pytest.mark.parametrize(
    "changes, current, expected",
    [
        ({}, None, config()),
        ({"target_value": 75}, {}, config()),
        ({"scale_in_cooldown": 0}, None, config(ScaleInCooldown=0)),
        ({}, {"ScaleInCooldown": 600, "ScaleOutCooldown": 60}, config(ScaleInCooldown=600, ScaleOutCooldown=60)),
        (
            {"scale_out_cooldown": 30},
            {"ScaleInCooldown": 600, "ScaleOutCooldown": 60},
            config(ScaleInCooldown=600, ScaleOutCooldown=30),
        ),
        (
            {"disable_scale_in": True, "predefined_metric": CONNECTIONS},
            None,
            config(DisableScaleIn=True, PredefinedMetricSpecification={"PredefinedMetricType": CONNECTIONS}),
        ),
    ],
)
def test_policy_configuration(changes, current, expected):
    assert aurora_replica_autoscaling.policy_configuration(dict(PARAMS, **changes), current) == expected


@pytest.mark.parametrize(
    "policy, desired, expected",
    [
        (None, config(), True),
        (aws_policy(), config(), False),
        (aws_policy(TargetValue=75), config(TargetValue=75.0), False),
        (aws_policy(), config(TargetValue=75.5), True),
        (aws_policy(), config(ScaleInCooldown=300), True),
        (aws_policy(ScaleInCooldown=300), config(ScaleInCooldown=300), False),
        (
            aws_policy(DisableScaleIn=False),
            {"TargetValue": 75.0, "PredefinedMetricSpecification": {"PredefinedMetricType": CPU}},
            False,
        ),
        (aws_policy(DisableScaleIn=True), config(), True),
        (aws_policy(PredefinedMetricSpecification={"PredefinedMetricType": CONNECTIONS}), config(), True),
        (aws_policy(PredefinedMetricSpecification={"PredefinedMetricType": CPU, "ResourceLabel": "x"}), config(), True),
        (dict(aws_policy(), PolicyType="StepScaling"), config(), True),
    ],
)
def test_policy_differs(policy, desired, expected):
    assert aurora_replica_autoscaling.policy_differs(policy, desired) is expected


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"min_capacity": 0, "max_capacity": 0}, []),
        ({"min_capacity": 15, "max_capacity": 15}, []),
        ({"min_capacity": 3, "max_capacity": 2}, ["min_capacity (3) must not be greater than max_capacity (2)"]),
        ({"predefined_metric": CONNECTIONS, "target_value": 1000.0}, []),
        ({"target_value": 100.0}, []),
        ({"target_value": -1.0}, ["target_value must be greater than 0, got -1.0"]),
        (
            {"scale_in_cooldown": -1, "scale_out_cooldown": -2},
            ["scale_in_cooldown must not be negative, got -1", "scale_out_cooldown must not be negative, got -2"],
        ),
        ({"db_cluster_identifier": "a--b"}, ["db_cluster_identifier 'a--b' is not a valid cluster identifier"]),
    ],
)
def test_validation_errors(changes, expected):
    errors = aurora_replica_autoscaling.validation_errors(dict(PARAMS, **changes))
    assert [error[: len(wanted)] for error, wanted in zip(errors, expected)] == expected
    assert len(errors) == len(expected)


def test_default_policy_name():
    assert aurora_replica_autoscaling.policy_name(PARAMS) == POLICY
    assert aurora_replica_autoscaling.policy_name(dict(PARAMS, policy_name="mine")) == "mine"


def test_normalize():
    target = _application_autoscaling.normalize_scalable_target(aws_target(), tags={"A": "1"})
    assert target["role_arn"] == ROLE
    assert target["scalable_target_arn"] == TARGET_ARN
    assert target["tags"] == {"A": "1"}
    assert "tags" not in _application_autoscaling.normalize_scalable_target(aws_target())
    policy = _application_autoscaling.normalize_scaling_policy(aws_policy())
    assert policy["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"] == {
        "predefined_metric_type": CPU
    }
    assert policy["creation_time"] == "2026-11-22T02:30:00+00:00"
    assert _application_autoscaling.normalize_scaling_policy(None) == {}
