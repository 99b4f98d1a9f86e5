#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_service_autoscaling
version_added: 0.1.0
short_description: Manage an ECS service's auto scaling, its scalable target and all its target tracking policies
description:
  - Register an ECS service's desired task count with Application Auto Scaling (service namespace C(ecs),
    resource C(service/<cluster>/<service>), scalable dimension C(ecs:service:DesiredCount)) between
    O(min_capacity) and O(max_capacity), and manage all its target tracking scaling policies in one task.
  - The scalable target is only registered again when it is missing or its capacities or O(suspended_state)
    differ, and each policy is only put when its configuration differs, so a run with nothing to do makes no
    write call. With O(purge_policies) the target's other policies are deleted.
  - Unlike C(community.aws.application_autoscaling_policy), it writes nothing in check mode and manages all the
    policies of the service at once.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the service's task count should be auto scaled.
      - V(absent) deletes all the target's policies, then deregisters the scalable target. The service and its
        running tasks stay, at their current desired count.
    type: str
    choices: ["present", "absent"]
    default: present
  cluster:
    description:
      - The name of the ECS cluster the service runs in (not its ARN).
    type: str
    required: true
  service:
    description:
      - The name of the ECS service (not its ARN). It must exist when the target is registered; in check mode it
        may not exist yet (an earlier task would create it).
    type: str
    required: true
  min_capacity:
    description:
      - The fewest tasks auto scaling may leave running, 0 or more. Required when O(state=present).
    type: int
  max_capacity:
    description:
      - The most tasks auto scaling may start, O(min_capacity) or more. Required when O(state=present).
    type: int
  suspended_state:
    description:
      - Whether scaling is suspended. A sub-option left unset keeps its current value (V(false) for a new target).
      - When not set, the target's suspended state is left alone.
    type: dict
    suboptions:
      dynamic_scaling_in_suspended:
        description: Whether the policies may no longer remove tasks.
        type: bool
      dynamic_scaling_out_suspended:
        description: Whether the policies may no longer add tasks.
        type: bool
      scheduled_scaling_suspended:
        description: Whether scheduled actions are suspended.
        type: bool
  policies:
    description:
      - The target tracking scaling policies of the service, each keeping one metric at its target value.
      - AWS allows only one policy per metric (and per target group for C(ALBRequestCountPerTarget)) on a target.
      - When not set, the target's policies are left alone, whatever O(purge_policies) says.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The name of the policy, unique on the target. Renaming a policy deletes the old one (with
            O(purge_policies)) and creates a new one.
        type: str
        required: true
      target_value:
        description:
          - The value of O(policies[].predefined_metric) to keep the service at, over 0; a percentage for the CPU and
            memory utilization, a number of requests per task for C(ALBRequestCountPerTarget).
        type: float
        required: true
      predefined_metric:
        description:
          - The metric to track, the tasks' average CPU or memory utilization, or the number of requests per task
            that the service's Application Load Balancer target group receives.
        type: str
        required: true
        choices: ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"]
      resource_label:
        description:
          - The target group the requests are counted on, C(app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>),
            that is the last part of the load balancer ARN, a slash, and the last part of the target group ARN.
          - Required with O(policies[].predefined_metric=ALBRequestCountPerTarget), refused with the other metrics.
        type: str
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
          - Whether the policy only adds tasks and never removes them.
        type: bool
        default: false
  purge_policies:
    description:
      - Whether to delete the target's policies that are not in O(policies), so that a metric removed from the
        list stops scaling the service. Step scaling policies on the target are deleted as well.
      - Ignored when O(policies) is not set.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the target and policies that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the scalable target and the policies before and after the change in RV(diff).
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
  - Application Auto Scaling uses the service-linked role C(AWSServiceRoleForApplicationAutoScaling_ECSService),
    which it creates on first use; the caller needs C(iam:CreateServiceLinkedRole) once.
  - The service must exist when the target is registered; AWS refuses the registration otherwise, and the module
    fails naming the service. In check mode a missing service is not detected, since the service is not read.
  - Tags are those of the scalable target. They are read only when O(tags) is set, so RV(scalable_target.tags) is returned only then.
  - Auto scaling changes the service's desired count; manage the service with
    O(stories1001.infra.ecs_service#module:desired_count_policy=initial) so that its task does not set the count back on every run.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Keep the web service between 2 and 20 tasks, scaling on CPU, memory and requests per task
  stories1001.infra.ecs_service_autoscaling:
    cluster: stories1001-production
    service: web
    min_capacity: 2
    max_capacity: 20
    policies:
      - name: web-cpu
        predefined_metric: ECSServiceAverageCPUUtilization
        target_value: 60
        scale_in_cooldown: 300
        scale_out_cooldown: 60
      - name: web-memory
        predefined_metric: ECSServiceAverageMemoryUtilization
        target_value: 75
      - name: web-requests
        predefined_metric: ALBRequestCountPerTarget
        resource_label: app/stories1001-web/50dc6c495c0c9188/targetgroup/stories1001-web/943f017f100becff
        target_value: 500
    tags:
      Project: stories1001
      Environment: production

- name: Suspend scale-in during the book fair, keeping the policies as they are
  stories1001.infra.ecs_service_autoscaling:
    cluster: stories1001-production
    service: web
    min_capacity: 2
    max_capacity: 20
    suspended_state:
      dynamic_scaling_in_suspended: true

- name: Stop auto scaling the web service
  stories1001.infra.ecs_service_autoscaling:
    cluster: stories1001-production
    service: web
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
      description: Always V(ecs).
      returned: always
      type: str
      sample: ecs
    resource_id:
      description: The service, as Application Auto Scaling names it.
      returned: always
      type: str
      sample: service/stories1001-production/web
    scalable_dimension:
      description: Always V(ecs:service:DesiredCount).
      returned: always
      type: str
      sample: ecs:service:DesiredCount
    min_capacity:
      description: The fewest tasks.
      returned: always
      type: int
      sample: 2
    max_capacity:
      description: The most tasks.
      returned: always
      type: int
      sample: 20
    role_arn:
      description: The service-linked role Application Auto Scaling acts with.
      returned: when the target is registered
      type: str
      sample: arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
    scalable_target_arn:
      description: The ARN of the scalable target.
      returned: when the target is registered
      type: str
      sample: arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123456789abcdef0123456789abcdef0123
    suspended_state:
      description: Whether scaling is suspended.
      returned: when the target is registered, or when O(suspended_state) is set
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
policies:
  description:
    - The scaling policies of the target as they are (or, in check mode, would be) after the task, by name; empty
      when O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    policy_name:
      description: The name of the policy.
      returned: always
      type: str
      sample: web-cpu
    policy_arn:
      description: The ARN of the policy.
      returned: when the policy exists
      type: str
      sample: "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123abcd-0123-abcd-0123-0123456789ab:\
        resource/ecs/service/stories1001-production/web:policyName/web-cpu"
    policy_type:
      description: V(TargetTrackingScaling) for the policies this module puts.
      returned: always
      type: str
      sample: TargetTrackingScaling
    service_namespace:
      description: Always V(ecs).
      returned: always
      type: str
      sample: ecs
    resource_id:
      description: The service, as Application Auto Scaling names it.
      returned: always
      type: str
      sample: service/stories1001-production/web
    scalable_dimension:
      description: Always V(ecs:service:DesiredCount).
      returned: always
      type: str
      sample: ecs:service:DesiredCount
    target_tracking_scaling_policy_configuration:
      description: The target tracking configuration, in snake_case.
      returned: for a target tracking policy
      type: dict
      sample:
        target_value: 60.0
        predefined_metric_specification:
          predefined_metric_type: ECSServiceAverageCPUUtilization
        scale_in_cooldown: 300
        scale_out_cooldown: 60
        disable_scale_in: false
    alarms:
      description: The CloudWatch alarms AWS created for the policy.
      returned: when the policy exists
      type: list
      elements: dict
      sample: [{"alarm_name": "TargetTracking-service/stories1001-production/web-AlarmHigh-0123", "alarm_arn": "arn:aws:cloudwatch:..."}]
    creation_time:
      description: When the policy was created, ISO 8601.
      returned: when the policy exists
      type: str
      sample: "2026-11-22T02:30:00+00:00"
diff:
  description: The scalable target and the policies before and after the task.
  returned: always
  type: dict
  contains:
    before:
      description: RV(scalable_target) and RV(policies) before the task, as C(scalable_target) and C(policies).
      returned: always
      type: dict
    after:
      description: RV(scalable_target) and RV(policies) after the task, as C(scalable_target) and C(policies).
      returned: always
      type: dict
"""

import copy
import re

from ansible.module_utils._text import to_native

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import OBJECT_NOT_FOUND
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import TARGET_TRACKING
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    AnsibleApplicationAutoScalingError,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import delete_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    deregister_scalable_target,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import describe_scalable_target
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    describe_scaling_policies,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import desired_suspended_state
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    normalize_scalable_target,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import normalize_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import put_scaling_policy
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import register_scalable_target
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import suspended_state_differs
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import (
    target_tracking_policy_differs,
)
from ansible_collections.stories1001.infra.plugins.module_utils._application_autoscaling import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
ALB_REQUESTS = "ALBRequestCountPerTarget"
METRICS = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", ALB_REQUESTS]
# ECS cluster and service names: up to 255 letters, digits, hyphens and underscores.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# ELB names: 1 to 32 letters, digits and hyphens, no hyphen at either end; ids: the hexadecimal end of the ARN.
_ELB_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
RESOURCE_LABEL_PATTERN = re.compile(rf"^app/{_ELB_NAME}/[0-9a-f]+/targetgroup/{_ELB_NAME}/[0-9a-f]+$")
COOLDOWNS = {"scale_in_cooldown": "ScaleInCooldown", "scale_out_cooldown": "ScaleOutCooldown"}
SUSPENDED_STATE = {
    "dynamic_scaling_in_suspended": "DynamicScalingInSuspended",
    "dynamic_scaling_out_suspended": "DynamicScalingOutSuspended",
    "scheduled_scaling_suspended": "ScheduledScalingSuspended",
}
# What AWS answers RegisterScalableTarget when the ECS service is not there (moto says "doesn't exist").
MISSING_SERVICE_MESSAGE = re.compile(r"(?i)(doesn't exist|does not exist|not found)")


def resource_id(params):
    return f"service/{params['cluster']}/{params['service']}"


def _policy_errors(index, policy):
    errors = []
    name = policy["name"]
    where = f"policies[{index}] ({name!r})"
    if not name or len(name) > 256 or not name.isprintable():
        errors.append(f"policies[{index}].name must be 1 to 256 printable characters")
    if policy["target_value"] <= 0:
        errors.append(f"{where}: target_value must be greater than 0, got {policy['target_value']}")
    label = policy.get("resource_label")
    if policy["predefined_metric"] == ALB_REQUESTS:
        if not label:
            errors.append(
                f"{where}: resource_label is required with {ALB_REQUESTS}: the target group to count requests on, as"
                " app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>"
            )
        elif len(label) > 1023 or not RESOURCE_LABEL_PATTERN.match(label):
            errors.append(
                f"{where}: resource_label {label!r} is not of the form app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>"
                " (the end of the load balancer ARN, a slash, the end of the target group ARN)"
            )
    elif label:
        errors.append(f"{where}: resource_label is only allowed with {ALB_REQUESTS}, not {policy['predefined_metric']}")
    for option in COOLDOWNS:
        if policy.get(option) is not None and policy[option] < 0:
            errors.append(f"{where}: {option} must not be negative, got {policy[option]}")
    return errors


def validation_errors(params):
    """What AWS would refuse in the parameters, found before any call."""
    errors = []
    for option in ("cluster", "service"):
        if not NAME_PATTERN.match(params[option]):
            errors.append(
                f"{option} {params[option]!r} is not a valid ECS {option} name: 1 to 255 letters, digits, hyphens and"
                " underscores (give the name, not the ARN)"
            )
    if params["state"] == "absent":
        return errors

    minimum, maximum = params["min_capacity"], params["max_capacity"]
    for option, value in (("min_capacity", minimum), ("max_capacity", maximum)):
        if value < 0:
            errors.append(f"{option} must not be negative, got {value}")
    if minimum > maximum:
        errors.append(f"min_capacity ({minimum}) must not be greater than max_capacity ({maximum})")

    seen_names, seen_metrics = set(), {}
    for index, policy in enumerate(params["policies"] or []):
        errors.extend(_policy_errors(index, policy))
        if policy["name"] in seen_names:
            errors.append(f"policies[{index}]: the name {policy['name']!r} is used twice")
        seen_names.add(policy["name"])
        metric = (policy["predefined_metric"], policy.get("resource_label") or None)
        if metric in seen_metrics:
            errors.append(
                f"policies[{index}] ({policy['name']!r}) tracks the same metric as {seen_metrics[metric]!r};"
                " AWS allows one target tracking policy per metric"
            )
        seen_metrics.setdefault(metric, policy["name"])
    return errors


# --- differences (pure) --------------------------------------------------------------------------


def requested_suspended_state(params):
    """The suspended state asked for, with the API's keys, None for a sub-option not set; None when not set at all."""
    if params.get("suspended_state") is None:
        return None
    return {key: params["suspended_state"].get(option) for option, key in SUSPENDED_STATE.items()}


def target_differs(target, params):
    """Whether the scalable target (raw, None when not registered) must be registered or updated."""
    if not target:
        return True
    if target.get("MinCapacity") != params["min_capacity"] or target.get("MaxCapacity") != params["max_capacity"]:
        return True
    requested = requested_suspended_state(params)
    return requested is not None and suspended_state_differs(target.get("SuspendedState"), requested)


def policy_configuration(policy, current=None):
    """The TargetTrackingScalingPolicyConfiguration one entry of the policies option asks for. PutScalingPolicy
    replaces the whole configuration: a cooldown left unset keeps its current value rather than fall back to
    AWS's default."""
    current = current or {}
    metric = {"PredefinedMetricType": policy["predefined_metric"]}
    if policy.get("resource_label"):
        metric["ResourceLabel"] = policy["resource_label"]
    config = {
        "TargetValue": float(policy["target_value"]),
        "PredefinedMetricSpecification": metric,
        "DisableScaleIn": bool(policy.get("disable_scale_in")),
    }
    for option, key in COOLDOWNS.items():
        value = policy[option] if policy.get(option) is not None else current.get(key)
        if value is not None:
            config[key] = value
    return config


def plan_policies(current_policies, params):
    """(policies to put as {name: configuration}, names of the policies to delete), both in a stable order."""
    current = {policy["PolicyName"]: policy for policy in current_policies}
    to_put = {}
    for wanted in params["policies"] or []:
        existing = current.get(wanted["name"])
        existing_config = (
            existing.get("TargetTrackingScalingPolicyConfiguration")
            if existing and existing.get("PolicyType") == TARGET_TRACKING
            else None
        )
        config = policy_configuration(wanted, existing_config)
        if target_tracking_policy_differs(existing, config):
            to_put[wanted["name"]] = config
    to_delete = []
    if params["policies"] is not None and params["purge_policies"]:
        wanted_names = {wanted["name"] for wanted in params["policies"]}
        to_delete = sorted(name for name in current if name not in wanted_names)
    return to_put, to_delete


# --- predictions (check mode) ---------------------------------------------------------------------


def _identity(params):
    return {"service_namespace": NAMESPACE, "resource_id": resource_id(params), "scalable_dimension": DIMENSION}


def predicted_target(target, params, tags):
    """The normalized target as it would be after the task."""
    after = copy.deepcopy(target) if target else _identity(params)
    after.update(min_capacity=params["min_capacity"], max_capacity=params["max_capacity"])
    requested = requested_suspended_state(params)
    if requested is not None:
        current = {key: (after.get("suspended_state") or {}).get(option) for option, key in SUSPENDED_STATE.items()}
        desired = desired_suspended_state(current, requested)
        after["suspended_state"] = {option: desired[key] for option, key in SUSPENDED_STATE.items()}
    if tags is not None:
        after["tags"] = tags
    return after


def predicted_policies(policies, params, to_put, to_delete):
    """The normalized policies as they would be after the task, by name."""
    after = {policy["policy_name"]: policy for policy in policies if policy["policy_name"] not in to_delete}
    for name, config in to_put.items():
        policy = copy.deepcopy(after[name]) if name in after else dict(_identity(params), policy_name=name)
        policy["policy_type"] = TARGET_TRACKING
        policy["target_tracking_scaling_policy_configuration"] = normalize_scaling_policy(
            {"TargetTrackingScalingPolicyConfiguration": config}
        )["target_tracking_scaling_policy_configuration"]
        policy.pop("step_scaling_policy_configuration", None)
        after[name] = policy
    return [after[name] for name in sorted(after)]


# --- changes --------------------------------------------------------------------------------------


def read_state(client, params):
    """(scalable target, policies, tags) as AWS has them, raw; tags only when the task manages them."""
    service_resource = resource_id(params)
    target = describe_scalable_target(client, NAMESPACE, service_resource, DIMENSION)
    if not target:
        # Deregistering a target deletes its policies: there is nothing else to find.
        return None, [], {} if params.get("tags") is not None else None
    policies = describe_scaling_policies(client, NAMESPACE, service_resource, DIMENSION)
    tags = None
    if params.get("tags") is not None:
        if not target.get("ScalableTargetARN"):
            raise AnsibleApplicationAutoScalingError(
                message="Cannot manage tags: AWS did not return the scalable target's ARN"
            )
        tags = list_tags(client, target["ScalableTargetARN"])
    return target, policies, tags


def normalize_state(target, policies, tags):
    return normalize_scalable_target(target, tags), sorted(
        (normalize_scaling_policy(policy) for policy in policies), key=lambda policy: policy["policy_name"]
    )


def service_missing(error):
    """Whether a failed RegisterScalableTarget says that the ECS service is not there."""
    exception = error.exception
    if isinstance(exception, is_boto3_error_code(OBJECT_NOT_FOUND, exception)):
        return True
    if isinstance(exception, is_boto3_error_code("ValidationException", exception)):
        return bool(MISSING_SERVICE_MESSAGE.search(exception.response["Error"].get("Message") or ""))
    return False


def register(client, target, params):
    request = dict(
        ServiceNamespace=NAMESPACE,
        ResourceId=resource_id(params),
        ScalableDimension=DIMENSION,
        MinCapacity=params["min_capacity"],
        MaxCapacity=params["max_capacity"],
    )
    requested = requested_suspended_state(params)
    if requested is not None:
        request["SuspendedState"] = desired_suspended_state((target or {}).get("SuspendedState"), requested)
    # Tags go with the first registration only; an existing target is tagged with TagResource.
    if not target and params["tags"]:
        request["Tags"] = {key: to_native(value) for key, value in params["tags"].items()}
    try:
        register_scalable_target(client, **request)
    except AnsibleApplicationAutoScalingError as e:
        if service_missing(e):
            raise AnsibleApplicationAutoScalingError(
                message=(
                    f"Cannot auto scale ECS service {params['service']!r} in cluster {params['cluster']!r}:"
                    " AWS says the service does not exist; create it first"
                ),
                exception=e.exception,
            ) from e
        raise


def ensure_present(client, state, params, check_mode):
    """Returns (changed, (scalable target, policies) as they are or would be, normalized)."""
    target, policies, tags = state
    service_resource = resource_id(params)
    tags_to_set, tag_keys_to_unset, resulting_tags = plan_tags(tags, params["tags"], params["purge_tags"])
    must_register = target_differs(target, params)
    to_put, to_delete = plan_policies(policies, params)
    retag = bool(target and (tags_to_set or tag_keys_to_unset))
    if not (must_register or to_put or to_delete or retag):
        return False, normalize_state(target, policies, tags)
    if check_mode:
        before_target, before_policies = normalize_state(target, policies, tags)
        return True, (
            predicted_target(before_target, params, resulting_tags if params["tags"] is not None else None),
            predicted_policies(before_policies, params, to_put, to_delete),
        )

    if must_register:
        register(client, target, params)
    # Stale policies go first: AWS refuses a second target tracking policy on a metric that one of them tracks.
    for name in to_delete:
        delete_scaling_policy(client, NAMESPACE, service_resource, DIMENSION, name)
    for name, config in to_put.items():
        put_scaling_policy(
            client,
            PolicyName=name,
            ServiceNamespace=NAMESPACE,
            ResourceId=service_resource,
            ScalableDimension=DIMENSION,
            PolicyType=TARGET_TRACKING,
            TargetTrackingScalingPolicyConfiguration=config,
        )
    if retag:
        update_tags(client, target["ScalableTargetARN"], tags_to_set, tag_keys_to_unset)

    return True, normalize_state(*read_state(client, params))


def ensure_absent(client, state, params, check_mode):
    """Deletes the policies, then deregisters the target; returns whether there was anything to remove."""
    target, policies = state[:2]
    if check_mode:
        return bool(target or policies)
    service_resource = resource_id(params)
    changed = False
    for policy in sorted(policies, key=lambda policy: policy["PolicyName"]):
        changed |= delete_scaling_policy(client, NAMESPACE, service_resource, DIMENSION, policy["PolicyName"])
    if target:
        changed |= deregister_scalable_target(client, NAMESPACE, service_resource, DIMENSION)
    return changed


def main():
    policy_options = dict(
        name=dict(required=True),
        target_value=dict(type="float", required=True),
        predefined_metric=dict(required=True, choices=METRICS),
        resource_label=dict(),
        scale_in_cooldown=dict(type="int"),
        scale_out_cooldown=dict(type="int"),
        disable_scale_in=dict(type="bool", default=False),
    )
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        cluster=dict(required=True),
        service=dict(required=True),
        min_capacity=dict(type="int"),
        max_capacity=dict(type="int"),
        suspended_state=dict(type="dict", options={option: dict(type="bool") for option in SUSPENDED_STATE}),
        policies=dict(type="list", elements="dict", options=policy_options),
        purge_policies=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["min_capacity", "max_capacity"])],
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
        before_target, before_policies = normalize_state(*state)
        before = dict(scalable_target=before_target, policies=before_policies)
        if params["state"] == "absent":
            changed = ensure_absent(client, state, params, module.check_mode)
            after = dict(scalable_target={}, policies=[])
        else:
            changed, (target, policies) = ensure_present(client, state, params, module.check_mode)
            after = dict(scalable_target=target, policies=policies)
    except AnsibleApplicationAutoScalingError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, diff=dict(before=before, after=after), **after)


if __name__ == "__main__":
    main()
