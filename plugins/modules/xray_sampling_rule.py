#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: xray_sampling_rule
version_added: 0.1.0
short_description: Manage AWS X-Ray sampling rules
description:
  - Create, update, tag and delete an X-Ray sampling rule (C(CreateSamplingRule), C(UpdateSamplingRule),
    C(DeleteSamplingRule)); the rule is found by name in C(GetSamplingRules), every page read.
  - Only the fields that differ are sent to C(UpdateSamplingRule). The name and the version of a rule cannot change.
  - The values are checked before any AWS call against the limits of the X-Ray API.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the rule, 1 to 32 characters, unique in the Region.
      - The rule named V(Default), which every Region has, cannot be deleted; AWS lets only its fixed rate and reservoir change.
    type: str
    required: true
    aliases: ["rule_name"]
  priority:
    description:
      - The priority of the rule, 1 to 9999; rules are evaluated from the lowest. Required to create a rule.
    type: int
  fixed_rate:
    description:
      - The share of the requests beyond the reservoir that are sampled, 0 to 1. Required to create a rule.
    type: float
  reservoir_size:
    description:
      - The number of requests a second sampled before O(fixed_rate) applies, 0 or more. Required to create a rule.
    type: int
  service_name:
    description: The C(name) of the service in the trace segments; C(*) and C(?) are wildcards.
    type: str
    default: "*"
  service_type:
    description: The origin of the service, for example C(AWS::ECS::Container); C(*) matches any.
    type: str
    default: "*"
  host:
    description: The hostname of the requests.
    type: str
    default: "*"
  http_method:
    description: The HTTP method of the requests.
    type: str
    default: "*"
  url_path:
    description: The URL path of the requests.
    type: str
    default: "*"
  resource_arn:
    description: The ARN of the AWS resource running the service.
    type: str
    default: "*"
  attributes:
    description: Segment attributes to match, at most 5, as a dictionary of string values.
    type: dict
    default: {}
  version:
    description: The version of the sampling rule format; only V(1) exists.
    type: int
    choices: [1]
    default: 1
  state:
    description:
      - Whether the rule should exist.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the rule that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the rule before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Sample 10% of the 1001 Stories API calls beyond 5 a second
  stories1001.infra.xray_sampling_rule:
    region: us-east-1
    name: 1001-stories-app
    priority: 100
    fixed_rate: 0.1
    reservoir_size: 5
    service_name: 1001-stories-app
    service_type: AWS::ECS::Container
    url_path: /api/*
    tags:
      Project: 1001-stories

- name: Remove the rule
  stories1001.infra.xray_sampling_rule:
    name: 1001-stories-app
    state: absent
"""

RETURN = r"""
sampling_rule:
  description: The rule after the task (or, in check mode, as it would be); empty when it does not exist.
  returned: always
  type: dict
  contains:
    rule_name:
      description: The name.
      returned: when the rule exists
      type: str
      sample: 1001-stories-app
    rule_arn:
      description: The ARN; absent for a rule that check mode would create.
      returned: when the rule exists
      type: str
      sample: arn:aws:xray:us-east-1:123456789012:sampling-rule/1001-stories-app
    priority:
      description: The priority.
      returned: when the rule exists
      type: int
      sample: 100
    fixed_rate:
      description: The fixed rate.
      returned: when the rule exists
      type: float
      sample: 0.1
    reservoir_size:
      description: The reservoir size.
      returned: when the rule exists
      type: int
      sample: 5
    service_name:
      description: The service name.
      returned: when the rule exists
      type: str
      sample: 1001-stories-app
    service_type:
      description: The service type.
      returned: when the rule exists
      type: str
      sample: AWS::ECS::Container
    host:
      description: The host.
      returned: when the rule exists
      type: str
      sample: "*"
    http_method:
      description: The HTTP method.
      returned: when the rule exists
      type: str
      sample: "*"
    url_path:
      description: The URL path.
      returned: when the rule exists
      type: str
      sample: /api/*
    resource_arn:
      description: The resource ARN.
      returned: when the rule exists
      type: str
      sample: "*"
    version:
      description: The version.
      returned: when the rule exists
      type: int
      sample: 1
    attributes:
      description: The attributes.
      returned: when the rule exists
      type: dict
      sample: {}
    tags:
      description: The tags of the rule.
      returned: when the rule exists
      type: dict
      sample: {"Project": "1001-stories"}
diff:
  description: The rule before and after the task, each in the form of RV(sampling_rule).
  returned: always
  type: dict
  contains:
    before:
      description: The rule before the task.
      returned: always
      type: dict
    after:
      description: The rule after the task.
      returned: always
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

RETRY_CODES = ["ThrottlingException"]
DEFAULT_RULE = "Default"
# Option -> field of SamplingRule, and the longest value the X-Ray API takes for the strings
# (https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html).
FIELDS = (
    ("priority", "Priority", None),
    ("fixed_rate", "FixedRate", None),
    ("reservoir_size", "ReservoirSize", None),
    ("service_name", "ServiceName", 64),
    ("service_type", "ServiceType", 64),
    ("host", "Host", 64),
    ("http_method", "HTTPMethod", 10),
    ("url_path", "URLPath", 128),
    ("resource_arn", "ResourceARN", 500),
    ("attributes", "Attributes", None),
)
MAX_NAME = 32
MAX_ATTRIBUTES = 5
MAX_ATTRIBUTE_KEY = 32
MAX_ATTRIBUTE_VALUE = 32


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    name = params["name"] or ""
    if not 1 <= len(name) <= MAX_NAME:
        errors.append(f"name must be 1 to {MAX_NAME} characters")
    if params["state"] == "absent":
        if name == DEFAULT_RULE:
            errors.append("the Default sampling rule cannot be deleted")
        return errors
    if params["priority"] is not None and not 1 <= params["priority"] <= 9999:
        errors.append(f"priority must be from 1 to 9999, not {params['priority']}")
    if params["fixed_rate"] is not None and not 0 <= params["fixed_rate"] <= 1:
        errors.append(f"fixed_rate must be from 0 to 1, not {params['fixed_rate']}")
    if params["reservoir_size"] is not None and params["reservoir_size"] < 0:
        errors.append(f"reservoir_size must be 0 or more, not {params['reservoir_size']}")
    for option, field, limit in FIELDS:
        if limit and len(params[option] or "") > limit:
            errors.append(f"{option} may be at most {limit} characters")
    attributes = params["attributes"] or {}
    if len(attributes) > MAX_ATTRIBUTES:
        errors.append(f"attributes may have at most {MAX_ATTRIBUTES} entries")
    for key, value in attributes.items():
        if not 1 <= len(key) <= MAX_ATTRIBUTE_KEY or not isinstance(value, str) or not 1 <= len(value) <= MAX_ATTRIBUTE_VALUE:
            errors.append(f"attributes.{key} must be a string of 1 to {MAX_ATTRIBUTE_VALUE} characters, with a key of 1 to {MAX_ATTRIBUTE_KEY}")
    return errors


def wanted_fields(params):
    """The SamplingRule fields asked for (those that are given)."""
    return {field: params[option] for option, field, limit in FIELDS if params[option] is not None}


def module_rule(rule, tags):
    if not rule:
        return {}
    result = {option: rule.get(field) for option, field, limit in FIELDS}
    result.update(rule_name=rule["RuleName"], version=rule.get("Version"), tags=tags)
    if rule.get("RuleARN"):
        result["rule_arn"] = rule["RuleARN"]
    result["attributes"] = result["attributes"] or {}
    return result


def differs(field, current, wanted):
    if field == "FixedRate":
        return current is None or abs(float(current) - float(wanted)) > 1e-9
    if field == "Attributes":
        return (current or {}) != (wanted or {})
    return current != wanted


# --- API calls -------------------------------------------------------------------------------------------------------


def find_rule(client, name):
    """The SamplingRule named name, or None; every page of GetSamplingRules is read (each retried on throttling)."""
    params = {}
    while True:
        page = client.get_sampling_rules(aws_retry=True, **params)
        for record in page.get("SamplingRuleRecords") or []:
            if record.get("SamplingRule", {}).get("RuleName") == name:
                return record["SamplingRule"]
        if not page.get("NextToken"):
            return None
        params = {"NextToken": page["NextToken"]}


def list_tags(client, arn):
    tags, params = [], {"ResourceARN": arn}
    while True:
        page = client.list_tags_for_resource(aws_retry=True, **params)
        tags.extend(page.get("Tags") or [])
        if not page.get("NextToken"):
            return boto3_tag_list_to_ansible_dict(tags)
        params["NextToken"] = page["NextToken"]


def read(client, name):
    rule = find_rule(client, name)
    if rule is None:
        return None, {}
    return rule, module_rule(rule, list_tags(client, rule["RuleARN"]) if rule.get("RuleARN") else {})


def ensure_present(client, module, name, rule, before):
    params = module.params
    wanted = wanted_fields(params)
    if rule is None:
        missing = [option for option in ("priority", "fixed_rate", "reservoir_size") if params[option] is None]
        if missing:
            module.fail_json(msg=f"X-Ray sampling rule {name} does not exist: {', '.join(missing)} required to create it")
        tags = without_reserved_tags(params["tags"] or {})
        new_rule = dict(wanted, RuleName=name, Version=params["version"])
        after = module_rule(new_rule, plan_tags({}, tags)[2])
        if module.check_mode:
            return True, after
        request = {"SamplingRule": new_rule}
        if tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        created = client.create_sampling_rule(aws_retry=True, **request)["SamplingRuleRecord"]["SamplingRule"]
        return True, module_rule(created, plan_tags({}, tags)[2])

    if rule.get("Version") not in (None, params["version"]):
        module.fail_json(msg=f"X-Ray sampling rule {name} has version {rule.get('Version')}; the version of a rule cannot change", sampling_rule=before)
    update = {field: value for field, value in wanted.items() if differs(field, rule.get(field), value)}
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before.get("tags"), params["tags"], params["purge_tags"])
    tags_to_set = without_reserved_tags(tags_to_set)
    if not update and not tags_to_set and not tag_keys_to_unset:
        return False, before
    after = module_rule(dict(rule, **update), tags)
    if module.check_mode:
        return True, after
    if update:
        updated = client.update_sampling_rule(SamplingRuleUpdate=dict(update, RuleName=name), aws_retry=True)["SamplingRuleRecord"]["SamplingRule"]
        after = module_rule(updated, tags)
    if tag_keys_to_unset:
        client.untag_resource(ResourceARN=rule["RuleARN"], TagKeys=tag_keys_to_unset, aws_retry=True)
    if tags_to_set:
        client.tag_resource(ResourceARN=rule["RuleARN"], Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)
    return True, after


def main():
    argument_spec = dict(
        name=dict(required=True, aliases=["rule_name"]),
        priority=dict(type="int"),
        fixed_rate=dict(type="float"),
        reservoir_size=dict(type="int"),
        service_name=dict(default="*"),
        service_type=dict(default="*"),
        host=dict(default="*"),
        http_method=dict(default="*"),
        url_path=dict(default="*"),
        resource_arn=dict(default="*"),
        attributes=dict(type="dict", default={}),
        version=dict(type="int", choices=[1], default=1),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = module.params["name"]

    client = module.client("xray", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        rule, before = read(client, name)
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, name, rule, before)
        else:
            changed, after = rule is not None, {}
            if changed and not module.check_mode:
                client.delete_sampling_rule(RuleName=name, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"X-Ray sampling rule {name}")

    module.exit_json(changed=changed, sampling_rule=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
