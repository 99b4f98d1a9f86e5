#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: aurora_replica_autoscaling
version_added: 0.1.0
short_description: Manage Aurora read replica auto scaling
description:
  - Register an Aurora DB cluster's read replica count with Application Auto Scaling (service namespace
    C(rds), resource C(cluster:<id>), scalable dimension C(rds:cluster:ReadReplicaCount)) between O(min_capacity)
    and O(max_capacity), and manage its target tracking scaling policy, which adds and removes Aurora
    Replicas to keep the readers' average CPU utilization or connection count at O(target_value).
  - The scalable target and the policy are only changed when they differ from the options, so a run with
    nothing to do makes no write call.
  - C(community.aws.application_autoscaling_policy) refuses the C(rds) namespace; this module fills that gap.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the cluster's replica count should be auto scaled.
      - V(absent) deletes the policy, then deregisters the scalable target, which also deletes any other
        policy and scheduled action on it. The replicas already there stay.
    type: str
    choices: ["present", "absent"]
    default: present
  db_cluster_identifier:
    description:
      - The identifier of the Aurora DB cluster. It must have a writer instance and be available; AWS checks
        that when the target is registered.
    type: str
    required: true
  min_capacity:
    description:
      - The fewest Aurora Replicas, 0 to 15. Required when O(state=present).
    type: int
  max_capacity:
    description:
      - The most Aurora Replicas, O(min_capacity) to 15. Required when O(state=present).
    type: int
  policy_name:
    description:
      - The name of the target tracking policy.
      - Defaults to C(<db_cluster_identifier>-replica-target-tracking), whatever the metric, so that a change of
        O(predefined_metric) modifies the same policy.
      - Other policies on the same scalable target are left alone.
    type: str
  predefined_metric:
    description:
      - The metric to track, the readers' average CPU utilization or their average number of connections.
    type: str
    choices: ["RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections"]
    default: RDSReaderAverageCPUUtilization
  target_value:
    description:
      - The value of O(predefined_metric) to keep the readers at; a percentage (over 0, at most 100) for CPU
        utilization, a number of connections (over 0) otherwise. Required when O(state=present).
    type: float
  scale_in_cooldown:
    description:
      - Seconds after a scale-in before another scale-in may start.
      - When not set, AWS uses its default (300) for a new policy and an existing policy's value is left alone.
    type: int
  scale_out_cooldown:
    description:
      - Seconds after a scale-out before another scale-out may start.
      - When not set, AWS uses its default (300) for a new policy and an existing policy's value is left alone.
    type: int
  disable_scale_in:
    description:
      - Whether the policy only adds replicas and never removes them.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the target and policy that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the scalable target and the policy before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - The module has no O(ignore:wait) option, since Application Auto Scaling registers targets and policies synchronously.
  - Application Auto Scaling uses the service-linked role C(AWSServiceRoleForApplicationAutoScaling_RDSCluster),
    which it creates on first use; the caller needs C(iam:CreateServiceLinkedRole) once.
  - Tags are those of the scalable target. They are read only when O(tags) is set, so RV(scalable_target.tags) is returned only then.
  - Replicas added by auto scaling are named C(application-autoscaling-...) and are not managed by C(amazon.aws.rds_instance) tasks.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep 2 to 10 Aurora Replicas, scaling on the readers' CPU at 75 percent (phase 2)
  stories1001.infra.aurora_replica_autoscaling:
    db_cluster_identifier: stories1001-production
    min_capacity: 2
    max_capacity: 10
    target_value: 75
    scale_in_cooldown: 300
    scale_out_cooldown: 300
    tags:
      Project: stories1001
      Environment: production
      Phase: "2"

- name: Scale on connections instead, never removing replicas
  stories1001.infra.aurora_replica_autoscaling:
    db_cluster_identifier: stories1001-production
    min_capacity: 2
    max_capacity: 10
    predefined_metric: RDSReaderAverageDatabaseConnections
    target_value: 400
    disable_scale_in: true

- name: Stop auto scaling the replicas
  stories1001.infra.aurora_replica_autoscaling:
    db_cluster_identifier: stories1001-production
    state: absent
"""

RETURN = r"""
scalable_target:
  description:
    - The scalable target as it is (or, in check mode, would be) after the task; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    service_namespace:
      description: Always V(rds).
      returned: always
      type: str
      sample: rds
    resource_id:
      description: The cluster, as Application Auto Scaling names it.
      returned: always
      type: str
      sample: cluster:stories1001-production
    scalable_dimension:
      description: Always V(rds:cluster:ReadReplicaCount).
      returned: always
      type: str
      sample: rds:cluster:ReadReplicaCount
    min_capacity:
      description: The fewest replicas.
      returned: always
      type: int
      sample: 2
    max_capacity:
      description: The most replicas.
      returned: always
      type: int
      sample: 10
    role_arn:
      description: The service-linked role Application Auto Scaling acts with.
      returned: when the target is registered
      type: str
      sample: arn:aws:iam::123456789012:role/aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster
    scalable_target_arn:
      description: The ARN of the scalable target.
      returned: when the target is registered
      type: str
      sample: arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123456789abcdef0123456789abcdef0123
    suspended_state:
      description: Whether scaling is suspended.
      returned: when the target is registered
      type: dict
      sample: {"dynamic_scaling_in_suspended": false, "dynamic_scaling_out_suspended": false, "scheduled_scaling_suspended": false}
    creation_time:
      description: When the target was registered, ISO 8601.
      returned: when the target is registered
      type: str
      sample: "2026-11-22T02:30:00+00:00"
    tags:
      description: The tags of the scalable target.
      returned: when O(tags) is set
      type: dict
      sample: {"Project": "stories1001"}
scaling_policy:
  description:
    - The target tracking policy as it is (or, in check mode, would be) after the task; empty when O(state=absent).
  returned: always
  type: dict
  contains:
    policy_name:
      description: The name of the policy.
      returned: always
      type: str
      sample: stories1001-production-replica-target-tracking
    policy_arn:
      description: The ARN of the policy.
      returned: when the policy exists
      type: str
      sample: "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123abcd-0123-abcd-0123-0123456789ab:\
        resource/rds/cluster:stories1001-production:policyName/stories1001-production-replica-target-tracking"
    policy_type:
      description: Always V(TargetTrackingScaling).
      returned: always
      type: str
      sample: TargetTrackingScaling
    target_tracking_scaling_policy_configuration:
      description: The target, metric and cooldowns.
      returned: always
      type: dict
      sample: {"target_value": 75.0, "predefined_metric_specification": {"predefined_metric_type": "RDSReaderAverageCPUUtilization"},
               "scale_in_cooldown": 300, "scale_out_cooldown": 300, "disable_scale_in": false}
    alarms:
      description: The CloudWatch alarms AWS made for the policy.
      returned: when the policy exists
      type: list
      elements: dict
      sample: [{"alarm_name": "TargetTracking-cluster:stories1001-production-AlarmHigh-0123", "alarm_arn": "arn:aws:cloudwatch:..."}]
    creation_time:
      description: When the policy was created, ISO 8601.
      returned: when the policy exists
      type: str
      sample: "2026-11-22T02:30:00+00:00"
diff:
  description: The scalable target and the policy before and after the task.
  returned: always
  type: dict
  contains:
    before:
      description: RV(scalable_target) and RV(scaling_policy) before the task, as C(scalable_target) and C(scaling_policy).
      returned: always
      type: dict
    after:
      description: RV(scalable_target) and RV(scaling_policy) after the task, as C(scalable_target) and C(scaling_policy).
      returned: always
      type: dict
"""

import copy
import re

from ansible.module_utils._text import to_native

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    AnsibleApplicationAutoScalingError,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import delete_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    deregister_scalable_target,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import describe_scalable_target
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import describe_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    normalize_scalable_target,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import normalize_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import put_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import register_scalable_target
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

NAMESPACE = "rds"
DIMENSION = "rds:cluster:ReadReplicaCount"
POLICY_TYPE = "TargetTrackingScaling"
CPU_METRIC = "RDSReaderAverageCPUUtilization"
# An Aurora cluster holds at most 15 replicas.
MAX_REPLICAS = 15
CLUSTER_ID_PATTERN = re.compile(r"^[A-Za-z](?:-?[A-Za-z0-9])*$")
COOLDOWNS = {"scale_in_cooldown": "ScaleInCooldown", "scale_out_cooldown": "ScaleOutCooldown"}


def resource_id(db_cluster_identifier):
    return f"cluster:{db_cluster_identifier}"


def policy_name(params):
    return params.get("policy_name") or f"{params['db_cluster_identifier']}-replica-target-tracking"


def validation_errors(params):
    """What AWS would refuse in the parameters, found before any call."""
    errors = []
    cluster = params["db_cluster_identifier"]
    if len(cluster) > 63 or not CLUSTER_ID_PATTERN.match(cluster):
        errors.append(
            f"db_cluster_identifier {cluster!r} is not a valid cluster identifier: 1 to 63 letters, digits and hyphens,"
            " beginning with a letter, with no hyphen at the end and no two hyphens in a row"
        )
    name = policy_name(params)
    if len(name) > 256 or not name.isprintable():
        errors.append("policy_name must be 1 to 256 printable characters")
    if params["state"] == "absent":
        return errors

    minimum, maximum = params["min_capacity"], params["max_capacity"]
    for option, value in (("min_capacity", minimum), ("max_capacity", maximum)):
        if not 0 <= value <= MAX_REPLICAS:
            errors.append(
                f"{option} must be between 0 and {MAX_REPLICAS} (the most replicas an Aurora cluster holds), got {value}"
            )
    if minimum > maximum:
        errors.append(f"min_capacity ({minimum}) must not be greater than max_capacity ({maximum})")

    target = params["target_value"]
    if target <= 0:
        errors.append(f"target_value must be greater than 0, got {target}")
    elif params["predefined_metric"] == CPU_METRIC and target > 100:
        errors.append(
            f"target_value is a CPU utilization percentage with {CPU_METRIC} and must be at most 100, got {target}"
        )
    for option in COOLDOWNS:
        if params.get(option) is not None and params[option] < 0:
            errors.append(f"{option} must not be negative, got {params[option]}")
    return errors


# --- differences (pure) --------------------------------------------------------------------------


def target_differs(target, params):
    """Whether the scalable target (raw, None when not registered) must be registered or updated."""
    if not target:
        return True
    return target.get("MinCapacity") != params["min_capacity"] or target.get("MaxCapacity") != params["max_capacity"]


def policy_configuration(params, current=None):
    """The TargetTrackingScalingPolicyConfiguration the parameters ask for. PutScalingPolicy replaces the
    whole configuration: a cooldown left unset keeps its current value rather than fall back to AWS's default."""
    current = current or {}
    config = {
        "TargetValue": float(params["target_value"]),
        "PredefinedMetricSpecification": {"PredefinedMetricType": params["predefined_metric"]},
        "DisableScaleIn": params["disable_scale_in"],
    }
    for option, key in COOLDOWNS.items():
        value = params[option] if params.get(option) is not None else current.get(key)
        if value is not None:
            config[key] = value
    return config


def comparable_configuration(config):
    """A target tracking configuration in a form where equal settings compare equal: AWS returns the
    cooldowns only when they were set, and DisableScaleIn maybe not at all when it is false."""
    config = config or {}
    comparable = {key: config.get(key) for key in COOLDOWNS.values()}
    comparable["TargetValue"] = float(config["TargetValue"]) if config.get("TargetValue") is not None else None
    comparable["DisableScaleIn"] = bool(config.get("DisableScaleIn"))
    comparable["PredefinedMetricSpecification"] = config.get("PredefinedMetricSpecification")
    comparable["CustomizedMetricSpecification"] = config.get("CustomizedMetricSpecification")
    return comparable


def policy_differs(policy, desired_config):
    """Whether the policy (raw, None when missing) must be put to match the desired configuration."""
    if not policy or policy.get("PolicyType") != POLICY_TYPE:
        return True
    current = policy.get("TargetTrackingScalingPolicyConfiguration")
    return comparable_configuration(current) != comparable_configuration(desired_config)


# --- predictions (check mode) ---------------------------------------------------------------------


def predicted_target(target, params, tags):
    after = (
        copy.deepcopy(target)
        if target
        else {
            "service_namespace": NAMESPACE,
            "resource_id": resource_id(params["db_cluster_identifier"]),
            "scalable_dimension": DIMENSION,
        }
    )
    after.update(min_capacity=params["min_capacity"], max_capacity=params["max_capacity"])
    if tags is not None:
        after["tags"] = tags
    return after


def predicted_policy(policy, params, desired_config):
    after = (
        copy.deepcopy(policy)
        if policy
        else {
            "policy_name": policy_name(params),
            "service_namespace": NAMESPACE,
            "resource_id": resource_id(params["db_cluster_identifier"]),
            "scalable_dimension": DIMENSION,
        }
    )
    after["policy_type"] = POLICY_TYPE
    after["target_tracking_scaling_policy_configuration"] = normalize_scaling_policy(
        {"TargetTrackingScalingPolicyConfiguration": desired_config}
    )["target_tracking_scaling_policy_configuration"]
    after.pop("step_scaling_policy_configuration", None)
    return after


# --- changes --------------------------------------------------------------------------------------


def read_state(client, params):
    """(scalable target, policy, tags) as AWS has them, raw; tags only when the task manages them."""
    cluster_resource = resource_id(params["db_cluster_identifier"])
    target = describe_scalable_target(client, NAMESPACE, cluster_resource, DIMENSION)
    if not target:
        # Deregistering a target deletes its policies: there is nothing else to find.
        return None, None, {} if params["tags"] is not None else None
    policy = describe_scaling_policy(client, NAMESPACE, cluster_resource, DIMENSION, policy_name(params))
    tags = None
    if params["tags"] is not None:
        if not target.get("ScalableTargetARN"):
            raise AnsibleApplicationAutoScalingError(
                message="Cannot manage tags: AWS did not return the scalable target's ARN"
            )
        tags = list_tags(client, target["ScalableTargetARN"])
    return target, policy, tags


def ensure_present(client, state, params, check_mode):
    """Returns (changed, (scalable target, policy) as they are or would be, normalized)."""
    target, policy, tags = state
    cluster_resource = resource_id(params["db_cluster_identifier"])
    tags_to_set, tag_keys_to_unset, resulting_tags = plan_tags(tags, params["tags"], params["purge_tags"])
    desired_config = policy_configuration(params, (policy or {}).get("TargetTrackingScalingPolicyConfiguration"))
    register = target_differs(target, params)
    put = policy_differs(policy, desired_config)
    retag = bool(target and (tags_to_set or tag_keys_to_unset))
    if not (register or put or retag):
        return False, (normalize_scalable_target(target, tags), normalize_scaling_policy(policy))
    if check_mode:
        return True, (
            predicted_target(
                normalize_scalable_target(target, tags), params, resulting_tags if params["tags"] is not None else None
            ),
            predicted_policy(normalize_scaling_policy(policy), params, desired_config),
        )

    if register:
        request = dict(
            ServiceNamespace=NAMESPACE,
            ResourceId=cluster_resource,
            ScalableDimension=DIMENSION,
            MinCapacity=params["min_capacity"],
            MaxCapacity=params["max_capacity"],
        )
        # Tags go with the first registration only; an existing target is tagged with TagResource.
        if not target and params["tags"]:
            request["Tags"] = {key: to_native(value) for key, value in params["tags"].items()}
        register_scalable_target(client, **request)
    if put:
        put_scaling_policy(
            client,
            PolicyName=policy_name(params),
            ServiceNamespace=NAMESPACE,
            ResourceId=cluster_resource,
            ScalableDimension=DIMENSION,
            PolicyType=POLICY_TYPE,
            TargetTrackingScalingPolicyConfiguration=desired_config,
        )
    if retag:
        update_tags(client, target["ScalableTargetARN"], tags_to_set, tag_keys_to_unset)

    target, policy, tags = read_state(client, params)
    return True, (normalize_scalable_target(target, tags), normalize_scaling_policy(policy))


def ensure_absent(client, state, params, check_mode):
    """Deletes the policy, then deregisters the target; returns whether there was anything to remove."""
    target, policy = state[:2]
    if check_mode:
        return bool(target or policy)
    cluster_resource = resource_id(params["db_cluster_identifier"])
    changed = False
    if policy:
        changed |= delete_scaling_policy(client, NAMESPACE, cluster_resource, DIMENSION, policy_name(params))
    if target:
        changed |= deregister_scalable_target(client, NAMESPACE, cluster_resource, DIMENSION)
    return changed


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        db_cluster_identifier=dict(required=True),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        policy_name=dict(),
        predefined_metric=dict(
            choices=["RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections"], default=CPU_METRIC
        ),
        target_value=dict(type="float"),
        scale_in_cooldown=dict(type="int"),
        scale_out_cooldown=dict(type="int"),
        disable_scale_in=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["min_capacity", "max_capacity", "target_value"])],
        supports_check_mode=True,
    )
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client(
        "application-autoscaling", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )
    try:
        state = read_state(client, params)
        before = dict(
            scalable_target=normalize_scalable_target(state[0], state[2]),
            scaling_policy=normalize_scaling_policy(state[1]),
        )
        if params["state"] == "absent":
            changed = ensure_absent(client, state, params, module.check_mode)
            after = dict(scalable_target={}, scaling_policy={})
        else:
            changed, (target, policy) = ensure_present(client, state, params, module.check_mode)
            after = dict(scalable_target=target, scaling_policy=policy)
    except AnsibleApplicationAutoScalingError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, diff=dict(before=before, after=after), **after)


if __name__ == "__main__":
    main()
