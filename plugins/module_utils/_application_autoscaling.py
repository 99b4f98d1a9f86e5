# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Application Auto Scaling API calls (scalable targets, scaling policies, their tags): each wrapped
once, failing with ``AnsibleApplicationAutoScalingError``.

Every function expects a client made with
``module.client("application-autoscaling", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``:
calls pass ``aws_retry=True``. Private to stories1001.infra.
"""

from ansible.module_utils._text import to_native
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

OBJECT_NOT_FOUND = "ObjectNotFoundException"
# Application Auto Scaling throttles with ThrottlingException, which AWSRetry does not know, and
# answers ConcurrentUpdateException while another change to the same target is under way.
RETRY_CODES = ["ThrottlingException", "ConcurrentUpdateException"]


class AnsibleApplicationAutoScalingError(AnsibleAWSError):
    pass


class ApplicationAutoScalingErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleApplicationAutoScalingError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(OBJECT_NOT_FOUND)


def _all_pages(method, key, **params):
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    items = []
    while True:
        page = method(aws_retry=True, **params)
        items.extend(page.get(key) or [])
        if not page.get("NextToken"):
            return items
        params["NextToken"] = page["NextToken"]


def _same_target(item, namespace, resource_id, dimension):
    return (
        item.get("ServiceNamespace") == namespace
        and item.get("ResourceId") == resource_id
        and item.get("ScalableDimension") == dimension
    )


@ApplicationAutoScalingErrorHandler.list_error_handler("describe scalable target", None)
def describe_scalable_target(client, namespace, resource_id, dimension):
    """The scalable target (raw), None when it is not registered."""
    targets = _all_pages(
        client.describe_scalable_targets,
        "ScalableTargets",
        ServiceNamespace=namespace,
        ResourceIds=[resource_id],
        ScalableDimension=dimension,
    )
    # Match here as well: not every endpoint applies every filter exactly.
    return next((target for target in targets if _same_target(target, namespace, resource_id, dimension)), None)


@ApplicationAutoScalingErrorHandler.list_error_handler("describe scaling policy", None)
def describe_scaling_policy(client, namespace, resource_id, dimension, policy_name):
    """The scaling policy (raw), None when there is none of that name on the target."""
    policies = _all_pages(
        client.describe_scaling_policies,
        "ScalingPolicies",
        ServiceNamespace=namespace,
        ResourceId=resource_id,
        ScalableDimension=dimension,
        PolicyNames=[policy_name],
    )
    return next(
        (
            policy
            for policy in policies
            if policy.get("PolicyName") == policy_name and _same_target(policy, namespace, resource_id, dimension)
        ),
        None,
    )


@ApplicationAutoScalingErrorHandler.common_error_handler("register scalable target")
def register_scalable_target(client, **params):
    """Register a scalable target or update its capacities (params as for RegisterScalableTarget)."""
    return client.register_scalable_target(aws_retry=True, **params)


@ApplicationAutoScalingErrorHandler.deletion_error_handler("deregister scalable target")
def deregister_scalable_target(client, namespace, resource_id, dimension):
    """Deregister a scalable target, which also deletes its policies; False when it was not registered."""
    client.deregister_scalable_target(
        ServiceNamespace=namespace, ResourceId=resource_id, ScalableDimension=dimension, aws_retry=True
    )
    return True


@ApplicationAutoScalingErrorHandler.common_error_handler("put scaling policy")
def put_scaling_policy(client, **params):
    """Create or replace a scaling policy (params as for PutScalingPolicy)."""
    return client.put_scaling_policy(aws_retry=True, **params)


@ApplicationAutoScalingErrorHandler.deletion_error_handler("delete scaling policy")
def delete_scaling_policy(client, namespace, resource_id, dimension, policy_name):
    """Delete a scaling policy; False when it was already gone."""
    client.delete_scaling_policy(
        PolicyName=policy_name,
        ServiceNamespace=namespace,
        ResourceId=resource_id,
        ScalableDimension=dimension,
        aws_retry=True,
    )
    return True


@ApplicationAutoScalingErrorHandler.list_error_handler("list scalable target tags", {})
def list_tags(client, arn):
    return dict(client.list_tags_for_resource(ResourceARN=arn, aws_retry=True).get("Tags") or {})


@ApplicationAutoScalingErrorHandler.common_error_handler("tag scalable target")
def tag_resource(client, arn, tags):
    if not tags:
        return False
    client.tag_resource(ResourceARN=arn, Tags={key: to_native(value) for key, value in tags.items()}, aws_retry=True)
    return True


@ApplicationAutoScalingErrorHandler.common_error_handler("untag scalable target")
def untag_resource(client, arn, tag_keys):
    if not tag_keys:
        return False
    client.untag_resource(ResourceARN=arn, TagKeys=list(tag_keys), aws_retry=True)
    return True


def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags(); returns whether anything was sent."""
    changed = untag_resource(client, arn, tag_keys_to_unset)
    changed |= tag_resource(client, arn, tags_to_set)
    return changed


def normalize_scalable_target(target, tags=None):
    """A scalable target in snake_case, times as ISO 8601; with its tags when they were read."""
    if not target:
        return {}
    result = camel_dict_to_snake_dict(normalize_boto3_result(target))
    if tags is not None:
        result["tags"] = dict(tags)
    return result


def normalize_scaling_policy(policy):
    """A scaling policy in snake_case, times as ISO 8601."""
    if not policy:
        return {}
    return camel_dict_to_snake_dict(normalize_boto3_result(policy))


# --- generic helpers for modules that manage all the policies of a target ---------------------------

TARGET_TRACKING = "TargetTrackingScaling"
COOLDOWN_KEYS = ("ScaleInCooldown", "ScaleOutCooldown")
SUSPENDED_STATE_KEYS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")


@ApplicationAutoScalingErrorHandler.list_error_handler("describe scaling policies", [])
def describe_scaling_policies(client, namespace, resource_id, dimension):
    """All the scaling policies of the scalable target (raw), [] when there are none."""
    policies = _all_pages(
        client.describe_scaling_policies,
        "ScalingPolicies",
        ServiceNamespace=namespace,
        ResourceId=resource_id,
        ScalableDimension=dimension,
    )
    # Match here as well: not every endpoint applies every filter exactly.
    return [policy for policy in policies if _same_target(policy, namespace, resource_id, dimension)]


def comparable_target_tracking_configuration(config):
    """A TargetTrackingScalingPolicyConfiguration in a form where equal settings compare equal, whoever wrote it:
    the target value as a float (75 == 75.0), DisableScaleIn as a bool (AWS may leave it out when false), an
    empty or missing ResourceLabel as None, and each cooldown as an int or None (AWS returns them only when set)."""
    config = config or {}
    predefined = config.get("PredefinedMetricSpecification") or None
    if predefined:
        predefined = {
            "PredefinedMetricType": predefined.get("PredefinedMetricType"),
            "ResourceLabel": predefined.get("ResourceLabel") or None,
        }
    comparable = {
        "TargetValue": float(config["TargetValue"]) if config.get("TargetValue") is not None else None,
        "PredefinedMetricSpecification": predefined,
        "CustomizedMetricSpecification": config.get("CustomizedMetricSpecification") or None,
        "DisableScaleIn": bool(config.get("DisableScaleIn")),
    }
    for key in COOLDOWN_KEYS:
        comparable[key] = int(config[key]) if config.get(key) is not None else None
    return comparable


def target_tracking_policy_differs(policy, desired_config):
    """Whether the policy (raw, None when missing) must be put to match the desired target tracking configuration;
    a policy of another type (step scaling) of the same name always differs."""
    if not policy or policy.get("PolicyType") != TARGET_TRACKING:
        return True
    current = policy.get("TargetTrackingScalingPolicyConfiguration")
    return comparable_target_tracking_configuration(current) != comparable_target_tracking_configuration(desired_config)


def desired_suspended_state(current, requested):
    """The full SuspendedState to send: each key requested (not None) as requested, the others as they are now
    (False for a new target, as AWS defaults them). ``requested`` uses the API's keys."""
    current = current or {}
    return {
        key: bool(requested[key]) if requested.get(key) is not None else bool(current.get(key))
        for key in SUSPENDED_STATE_KEYS
    }


def suspended_state_differs(current, requested):
    """Whether any key requested (not None) differs from the current SuspendedState (None or missing keys count
    as False)."""
    current = current or {}
    return any(
        requested.get(key) is not None and bool(requested[key]) != bool(current.get(key)) for key in SUSPENDED_STATE_KEYS
    )
