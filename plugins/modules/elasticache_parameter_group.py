#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elasticache_parameter_group
version_added: 0.1.0
short_description: Manage ElastiCache parameter groups for Redis OSS and Valkey
description:
  - Create, modify, tag and delete an ElastiCache cache parameter group of a Redis OSS or Valkey family, including
    the families C(community.aws.elasticache_parameter_group) does not know (V(redis7), V(valkey7), V(valkey8)).
  - The module reads the group and its parameters first and changes only the parameters whose value differs from
    the one asked for (C(ModifyCacheParameterGroup), at most 20 parameters a call, so more are sent in batches).
    Parameters not named in O(parameters) are left as they are, unless O(purge_parameters) is set.
  - Parameter names and values are checked against what AWS lists for the family (the group's own parameters, or
    the family's engine defaults for a new group) before any change. Unknown or read-only parameters and values
    outside the allowed ones are refused, and nothing is created or changed.
  - AWS cannot change the family or the description of a parameter group. A family that differs from the existing
    group's fails the task; a description that differs is reported as a warning.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the parameter group. AWS stores it in lower case; the module sends and compares it in lower case.
      - 1 to 255 letters, digits and hyphens, beginning with a letter, with no hyphen at the end and no two hyphens in
        a row (the default groups, named C(default.*), cannot be managed). Checked before any AWS call.
    type: str
    required: true
    aliases: ["cache_parameter_group_name"]
  family:
    description:
      - The parameter group family, a Redis OSS or Valkey one such as V(redis7), V(redis6.x), V(valkey7) or V(valkey8).
        The pattern (C(redis) or C(valkey), a major version, optionally C(.x) or a minor version) is checked before
        any AWS call; AWS checks that the family exists.
      - Required with O(state=present). It cannot change; a family that differs from the existing group's fails the task.
    type: str
    aliases: ["cache_parameter_group_family"]
  description:
    description:
      - The description of a new group. When it is not given, the module makes one from the name and family.
      - AWS cannot change it afterwards; the module warns when it differs.
    type: str
  parameters:
    description:
      - Parameters to set, as a dictionary of name to value. Only these are compared and changed.
      - Values are compared as the strings AWS stores. A boolean is sent as V(yes) or V(no) (or V(true) and V(false)
        for a parameter whose allowed values are those), a number as its decimal text.
      - A value of V(null) resets that parameter to the family's default.
    type: dict
    default: {}
  purge_parameters:
    description:
      - Reset to the family's default every parameter that was set on the group (source V(user)) and is not named in
        O(parameters).
    type: bool
    default: false
  state:
    description:
      - Whether the parameter group should exist.
      - Deleting a group that a cache cluster or replication group uses is refused by AWS; the module fails and says so.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the parameter group that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the parameter group before and after the change in RV(diff).
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
  - Most Redis OSS and Valkey parameters take effect on the clusters that use the group at once; those whose change type is
    V(requires-reboot) only after their nodes restart. The module lists them in RV(requires_reboot) and warns.
  - Node-type specific parameters (such as C(maxmemory)) are set by AWS per node type and cannot be set here.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Redis 7 parameters of the 1001 Stories cache (cluster mode, no eviction)
  stories1001.infra.elasticache_parameter_group:
    region: us-east-1
    name: stories1001-production-redis-cluster-redis7
    family: redis7
    description: 1001 Stories app cache, Redis 7 with cluster mode
    parameters:
      cluster-enabled: true
      maxmemory-policy: noeviction
      notify-keyspace-events: Ex
      timeout: 300
    tags:
      Project: stories1001
      Environment: production
      Component: cache

- name: A Valkey 8 group with only the LRU policy set; anything else set by hand goes back to the default
  stories1001.infra.elasticache_parameter_group:
    region: eu-central-1
    name: stories-eu-valkey8
    family: valkey8
    parameters:
      maxmemory-policy: allkeys-lru
    purge_parameters: true

- name: Put one parameter back to the family default
  stories1001.infra.elasticache_parameter_group:
    name: stories-eu-valkey8
    family: valkey8
    parameters:
      maxmemory-policy: null

- name: Delete a parameter group no cluster uses any more
  stories1001.infra.elasticache_parameter_group:
    name: stories1001-staging-redis-redis6
    state: absent
"""

RETURN = r"""
cache_parameter_group:
  description: The parameter group as it is (or, in check mode, would be) after the task; empty when it does not exist.
  returned: always
  type: dict
  contains:
    cache_parameter_group_name:
      description: The name, in lower case.
      returned: when the group exists
      type: str
      sample: stories1001-production-redis-cluster-redis7
    cache_parameter_group_family:
      description: The family.
      returned: when the group exists
      type: str
      sample: redis7
    description:
      description: The description.
      returned: when the group exists
      type: str
      sample: 1001 Stories app cache, Redis 7 with cluster mode
    arn:
      description: The ARN of the group.
      returned: when AWS reports it
      type: str
      sample: arn:aws:elasticache:us-east-1:123456789012:parametergroup:stories1001-production-redis-cluster-redis7
    is_global:
      description: Whether the group belongs to a global datastore.
      returned: when AWS reports it
      type: bool
      sample: false
    parameters:
      description:
        - The parameters named in O(parameters) and every parameter set on the group (source V(user)), with their values as
          AWS stores them. A parameter without a value is null.
      returned: when the group exists
      type: dict
      sample: {"cluster-enabled": "yes", "maxmemory-policy": "noeviction", "timeout": "300"}
    tags:
      description: The tags of the group.
      returned: when the group exists
      type: dict
      sample: {"Component": "cache"}
changed_parameters:
  description: The names of the parameters set or reset by the task (or that would be, in check mode), sorted.
  returned: always
  type: list
  elements: str
  sample: ["maxmemory-policy", "timeout"]
requires_reboot:
  description: The changed parameters that take effect only once the nodes of the clusters using the group restart.
  returned: always
  type: list
  elements: str
  sample: []
diff:
  description: The parameter group before and after the task, each in the form of RV(cache_parameter_group).
  returned: always
  type: dict
  contains:
    before:
      description: The parameter group before the task.
      returned: always
      type: dict
    after:
      description: The parameter group after the task.
      returned: always
      type: dict
"""

import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import AnsibleElastiCacheError
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import ElastiCacheErrorHandler
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import identifier_errors
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

FAMILY = re.compile(r"^(redis|valkey)[1-9][0-9]*(\.x|\.[0-9]+)?$")
# ModifyCacheParameterGroup takes at most 20 parameters a call; the same batches are used to reset.
BATCH = 20
# The error code AWS sends for a group in use (the model's shape is InvalidCacheParameterGroupStateFault).
IN_USE_CODES = ["InvalidCacheParameterGroupState", "InvalidCacheParameterGroupStateFault"]
ALLOWED_ITEM = re.compile(r"^[\w.-]+$")
RANGE = re.compile(r"^(-?[0-9]+)-(-?[0-9]+)?$")
REQUIRES_REBOOT = "requires-reboot"


# --- API calls ------------------------------------------------------------------------------------------


@ElastiCacheErrorHandler.list_error_handler("describe cache parameter group", None)
def describe_cache_parameter_group(client, name):
    """The raw DescribeCacheParameterGroups entry, or None."""
    groups = client.describe_cache_parameter_groups(CacheParameterGroupName=name, aws_retry=True).get("CacheParameterGroups") or []
    return next((group for group in groups if group.get("CacheParameterGroupName", "").lower() == name), None)


@ElastiCacheErrorHandler.list_error_handler("describe cache parameters", ([], []))
def describe_cache_parameters(client, name):
    """(parameters, node-type specific parameters) of a group, every page; ([], []) when the group is gone."""
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    parameters, specific, params = [], [], dict(CacheParameterGroupName=name)
    while True:
        page = client.describe_cache_parameters(aws_retry=True, **params)
        parameters.extend(page.get("Parameters") or [])
        specific.extend(page.get("CacheNodeTypeSpecificParameters") or [])
        if not page.get("Marker"):
            return parameters, specific
        params = dict(params, Marker=page["Marker"])


@ElastiCacheErrorHandler.common_error_handler("describe engine default parameters")
def describe_engine_default_parameters(client, family):
    """(parameters, node-type specific parameters) with which a new group of the family starts."""
    # This operation returns its Marker inside EngineDefaults, not beside it.
    parameters, specific, params = [], [], dict(CacheParameterGroupFamily=family)
    while True:
        defaults = client.describe_engine_default_parameters(aws_retry=True, **params).get("EngineDefaults") or {}
        parameters.extend(defaults.get("Parameters") or [])
        specific.extend(defaults.get("CacheNodeTypeSpecificParameters") or [])
        if not defaults.get("Marker"):
            return parameters, specific
        params = dict(params, Marker=defaults["Marker"])


@ElastiCacheErrorHandler.common_error_handler("create cache parameter group")
def create_cache_parameter_group(client, **params):
    return client.create_cache_parameter_group(aws_retry=True, **params)["CacheParameterGroup"]


@ElastiCacheErrorHandler.common_error_handler("modify cache parameter group")
def modify_cache_parameter_group(client, name, values):
    """Set {name: value} in batches of BATCH, sorted by name."""
    names = sorted(values)
    for start in range(0, len(names), BATCH):
        batch = [dict(ParameterName=key, ParameterValue=values[key]) for key in names[start:start + BATCH]]
        client.modify_cache_parameter_group(CacheParameterGroupName=name, ParameterNameValues=batch, aws_retry=True)


@ElastiCacheErrorHandler.common_error_handler("reset cache parameter group")
def reset_cache_parameters(client, name, parameter_names):
    names = sorted(parameter_names)
    for start in range(0, len(names), BATCH):
        batch = [dict(ParameterName=key) for key in names[start:start + BATCH]]
        client.reset_cache_parameter_group(CacheParameterGroupName=name, ResetAllParameters=False, ParameterNameValues=batch, aws_retry=True)


@ElastiCacheErrorHandler.deletion_error_handler("delete cache parameter group")
def delete_cache_parameter_group(client, name):
    """Delete the group; False when it was already gone. A group in use fails with a message that says so."""
    try:
        client.delete_cache_parameter_group(CacheParameterGroupName=name, aws_retry=True)
    except is_boto3_error_code(IN_USE_CODES) as e:
        raise AnsibleElastiCacheError(
            message=f"Cache parameter group {name} is in use and AWS does not delete it: move the cache clusters and replication "
            "groups that use it to another parameter group (or delete them) first",
            exception=e,
        ) from e
    return True


# --- pure functions -------------------------------------------------------------------------------------


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = identifier_errors(params.get("name"), "name", max_length=255)
    family = params.get("family")
    if family is not None and not FAMILY.match(family):
        errors.append(f"family {family!r} is not a Redis OSS or Valkey parameter group family such as redis7, redis6.x, valkey7 or valkey8")
    if params.get("state") == "present" and not family:
        errors.append("family is required with state present")
    for key, value in (params.get("parameters") or {}).items():
        if isinstance(value, (dict, list)):
            errors.append(f"parameters.{key} must be a string, a number, a boolean or null, not a {type(value).__name__}")
    return errors


def aws_value(value, parameter=None):
    """A parameter value as AWS stores it: booleans as yes/no (or true/false when those are the allowed values), numbers as text."""
    if isinstance(value, bool):
        allowed = [item.strip() for item in ((parameter or {}).get("AllowedValues") or "").split(",")]
        if "true" in allowed and "false" in allowed:
            return "true" if value else "false"
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _accepts(item, value):
    """Whether one item of AllowedValues (a literal, or a range such as 20- or 1-1200000) accepts value."""
    match = RANGE.match(item)
    if not match:
        return value == item
    try:
        number = int(value)
    except ValueError:
        return False
    return number >= int(match.group(1)) and (match.group(2) is None or number <= int(match.group(2)))


def value_errors(key, value, parameter):
    """Why AWS would refuse value (a string) for a parameter with this description; [] when it would not.

    Only AllowedValues made of literals and integer ranges (yes,no; 0,20-; 1-1200000) are checked; free text is left to AWS."""
    allowed = (parameter.get("AllowedValues") or "").strip()
    items = allowed.split(",")
    if not allowed or not all(ALLOWED_ITEM.match(item) for item in items):
        return []
    if any(_accepts(item, value) for item in items):
        return []
    return [f"parameters.{key} is {value!r}; allowed: {allowed}"]


def plan_parameters(current, specific, wanted, purge):
    """Work out the parameter changes.

    :param current: the group's (or the family's default) parameters as AWS describes them.
    :param specific: the node-type specific parameters (which cannot be set).
    :param wanted: the parameters option (name -> value, None to reset).
    :param purge: reset the user-set parameters that are not in wanted.
    :return: (to_set {name: value}, to_reset [names], errors [str])
    """
    by_name = {parameter["ParameterName"]: parameter for parameter in current}
    specific_names = {parameter["ParameterName"] for parameter in specific}
    to_set, to_reset, errors = {}, [], []
    for key, value in wanted.items():
        parameter = by_name.get(key)
        if parameter is None:
            if key in specific_names:
                errors.append(f"parameters.{key} is set by AWS for each node type and cannot be set in a parameter group")
            else:
                errors.append(f"parameters.{key} is not a parameter of this family")
            continue
        if value is None:
            if parameter.get("Source") == "user":
                to_reset.append(key)
            continue
        text = aws_value(value, parameter)
        if text == parameter.get("ParameterValue"):
            continue
        if parameter.get("IsModifiable") is False:
            errors.append(f"parameters.{key} cannot be modified (AWS fixes it at {parameter.get('ParameterValue')!r})")
            continue
        problems = value_errors(key, text, parameter)
        if problems:
            errors.extend(problems)
            continue
        to_set[key] = text
    if purge:
        to_reset.extend(parameter["ParameterName"] for parameter in current if parameter.get("Source") == "user" and parameter["ParameterName"] not in wanted)
    return to_set, sorted(to_reset), errors


def shown_parameters(current, wanted):
    """The parameters a result shows: those named in the options and those set on the group (source user)."""
    return {
        parameter["ParameterName"]: parameter.get("ParameterValue")
        for parameter in current
        if parameter["ParameterName"] in wanted or parameter.get("Source") == "user"
    }


def predicted_parameters(current, defaults, wanted, to_set, to_reset):
    """The parameters (as described by AWS) once to_set and to_reset are applied; defaults ({name: value}) give reset values."""
    result = []
    for parameter in current:
        key = parameter["ParameterName"]
        if key in to_set:
            parameter = dict(parameter, ParameterValue=to_set[key], Source="user")
        elif key in to_reset:
            parameter = dict(parameter, Source="engine-default")
            if key in defaults:
                parameter["ParameterValue"] = defaults[key]
            else:
                parameter.pop("ParameterValue", None)
        result.append(parameter)
    return shown_parameters(result, wanted)


def normalize_group(group, parameters, tags):
    if not group:
        return {}
    result = camel_dict_to_snake_dict(group)
    result["cache_parameter_group_name"] = group.get("CacheParameterGroupName")
    result["parameters"] = parameters
    result["tags"] = tags
    return result


# --- the states -----------------------------------------------------------------------------------------


def read(client, name, wanted):
    """(normalized group, raw parameters, raw node-type specific parameters); ({}, [], []) when there is none."""
    group = describe_cache_parameter_group(client, name)
    if not group:
        return {}, [], []
    parameters, specific = describe_cache_parameters(client, name)
    tags = list_tags(client, group["ARN"]) if group.get("ARN") else {}
    return normalize_group(group, shown_parameters(parameters, wanted), tags or {}), parameters, specific


def changed_lists(to_set, to_reset, described):
    changed = sorted(set(to_set) | set(to_reset))
    by_name = {parameter["ParameterName"]: parameter for parameter in described}
    reboot = [key for key in changed if (by_name.get(key) or {}).get("ChangeType") == REQUIRES_REBOOT]
    return changed, reboot


def fail_on(module, errors, name, before):
    if errors:
        module.fail_json(msg=f"Cache parameter group {name}: " + "; ".join(errors), cache_parameter_group=before)


def ensure_present(client, module, name, before, current, specific):
    """(changed, after, changed parameter names, names needing a reboot)."""
    params = module.params
    wanted = params["parameters"] or {}
    family = params["family"]
    if before and before.get("cache_parameter_group_family") != family:
        module.fail_json(
            msg=f"Cache parameter group {name} has family {before.get('cache_parameter_group_family')}, not {family}; AWS cannot change "
            "the family of a parameter group: create a group with another name for the new family",
            cache_parameter_group=before,
        )

    if not before:
        # Checked against the family's defaults before anything is created.
        current, specific = describe_engine_default_parameters(client, family) if wanted else ([], [])
        to_set, to_reset, errors = plan_parameters(current, specific, wanted, False)
        fail_on(module, errors, name, before)
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        description = params["description"] or f"{family} parameters of {name}"
        changed_names, reboot = changed_lists(to_set, [], current)
        predicted = dict(
            cache_parameter_group_name=name,
            cache_parameter_group_family=family,
            description=description,
            parameters=predicted_parameters(current, {}, wanted, to_set, []),
            tags=tags,
        )
        if module.check_mode:
            return True, predicted, changed_names, reboot
        request = dict(CacheParameterGroupName=name, CacheParameterGroupFamily=family, Description=description)
        if tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list(without_reserved_tags(tags))
        create_cache_parameter_group(client, **request)
        if to_set:
            modify_cache_parameter_group(client, name, to_set)
        return True, read(client, name, wanted)[0] or predicted, changed_names, reboot

    if params["description"] is not None and params["description"] != before.get("description"):
        module.warn(
            f"AWS cannot change the description of cache parameter group {name}: it stays {before.get('description')!r}, "
            f"not {params['description']!r}"
        )
    to_set, to_reset, errors = plan_parameters(current, specific, wanted, params["purge_parameters"])
    fail_on(module, errors, name, before)
    wanted_tags = params["tags"]
    if wanted_tags is not None and not before.get("arn"):
        module.warn(f"AWS did not report the ARN of cache parameter group {name}; its tags are left alone")
        wanted_tags = None
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before.get("tags"), wanted_tags, params["purge_tags"])
    changed_names, reboot = changed_lists(to_set, to_reset, current)
    if not to_set and not to_reset and not tags_to_set and not tag_keys_to_unset:
        return False, before, [], []
    if module.check_mode:
        defaults = {}
        if to_reset:
            default_parameters = describe_engine_default_parameters(client, family)[0]
            defaults = {parameter["ParameterName"]: parameter.get("ParameterValue") for parameter in default_parameters}
        return True, dict(before, parameters=predicted_parameters(current, defaults, wanted, to_set, to_reset), tags=tags), changed_names, reboot

    if to_reset:
        reset_cache_parameters(client, name, to_reset)
    if to_set:
        modify_cache_parameter_group(client, name, to_set)
    if tags_to_set or tag_keys_to_unset:
        update_tags(client, before["arn"], tags_to_set, tag_keys_to_unset)
    return True, read(client, name, wanted)[0], changed_names, reboot


def ensure_absent(client, module, name, before):
    if not before:
        return False
    if module.check_mode:
        return True
    return delete_cache_parameter_group(client, name)


def main():
    argument_spec = dict(
        name=dict(required=True, aliases=["cache_parameter_group_name"]),
        family=dict(aliases=["cache_parameter_group_family"]),
        description=dict(),
        parameters=dict(type="dict", default={}),
        purge_parameters=dict(type="bool", default=False),
        state=dict(choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = module.params["name"].lower()
    wanted = module.params["parameters"] or {}

    client = module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    changed_names, reboot = [], []
    try:
        before, current, specific = read(client, name, wanted)
        if module.params["state"] == "present":
            changed, after, changed_names, reboot = ensure_present(client, module, name, before, current, specific)
        else:
            changed, after = ensure_absent(client, module, name, before), {}
    except AnsibleElastiCacheError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    if reboot:
        module.warn(
            f"Cache parameter group {name}: {', '.join(reboot)} take effect on the clusters that use the group only after their nodes restart"
        )
    module.exit_json(
        changed=changed,
        cache_parameter_group=after,
        changed_parameters=changed_names,
        requires_reboot=reboot,
        diff=dict(before=before, after=after),
    )


if __name__ == "__main__":
    main()
