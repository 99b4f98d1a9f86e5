#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: wafv2_logging_configuration
version_added: 0.1.0
short_description: Manage the logging configuration of a WAFv2 web ACL
description:
  - Send the requests a WAFv2 web ACL inspects to a CloudWatch Logs log group, an S3 bucket or a Firehose stream, with
    parts of the requests (such as the C(authorization) and C(cookie) headers) redacted and, optionally, a logging filter
    that keeps only some requests (such as those the web ACL blocks or counts).
  - The configuration is read with C(GetLoggingConfiguration) and written with C(PutLoggingConfiguration), which replaces
    it whole, only when it differs from the one asked for; C(DeleteLoggingConfiguration) removes it.
  - The logging configuration of a CLOUDFRONT web ACL (ARN C(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/...)) is
    managed in us-east-1, that of a REGIONAL web ACL in the web ACL's Region. The module works in O(region) and fails,
    before any call, when that is not the web ACL's Region.
  - Every input is checked before any call to AWS.
author:
  - 1001 Stories platform team (@1001stories)
options:
  web_acl_arn:
    description:
      - The ARN of the web ACL, C(arn:aws:wafv2:REGION:ACCOUNT:global/webacl/NAME/ID) for a CLOUDFRONT web ACL (REGION is
        then us-east-1) or C(arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID) for a REGIONAL one.
    type: str
    required: true
  destinations:
    description:
      - Where the logs go, as a list of one ARN (AWS takes one destination per web ACL).
      - A CloudWatch Logs log group, C(arn:aws:logs:REGION:ACCOUNT:log-group:aws-waf-logs-NAME); a trailing C(:*), as in
        the ARN that M(amazon.aws.cloudwatchlogs_log_group) returns, is dropped.
      - An S3 bucket, C(arn:aws:s3:::aws-waf-logs-NAME).
      - A Firehose stream, C(arn:aws:firehose:REGION:ACCOUNT:deliverystream/aws-waf-logs-NAME).
      - AWS requires the destination's name to start with C(aws-waf-logs-).
      - Required with O(state=present).
    type: list
    elements: str
  redacted_fields:
    description:
      - The parts of each request kept out of the logs. Each item names one of them.
      - The order does not matter; header names are compared and sent in lower case.
    type: list
    elements: dict
    default: []
    suboptions:
      single_header:
        description:
          - "A header, by name (C(authorization)), or as C({name: authorization})."
        type: raw
      uri_path:
        description: The URI path, when V(true).
        type: bool
      query_string:
        description: The query string, when V(true).
        type: bool
      method:
        description: The HTTP method, when V(true).
        type: bool
  logging_filter:
    description:
      - Which requests are logged. Without it every request is logged (an existing filter is removed).
    type: dict
    suboptions:
      default_behavior:
        description: What happens to a request that no filter matches.
        type: str
        choices: ["KEEP", "DROP"]
        default: KEEP
      filters:
        description: The filters, in order.
        type: list
        elements: dict
        required: true
        suboptions:
          behavior:
            description: What happens to a request that the filter matches.
            type: str
            choices: ["KEEP", "DROP"]
            required: true
          requirement:
            description: Whether a request matches when it meets any of the conditions or all of them.
            type: str
            choices: ["MEETS_ANY", "MEETS_ALL"]
            required: true
          conditions:
            description: The conditions; each has either O(logging_filter.filters[].conditions[].action) or O(logging_filter.filters[].conditions[].label_name).
            type: list
            elements: dict
            required: true
            suboptions:
              action:
                description: The action the web ACL took on the request.
                type: str
                choices: ["ALLOW", "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE", "EXCLUDED_AS_COUNT"]
              label_name:
                description: A label a matching rule added to the request, in full (C(awswaf:managed:aws:bot-control:bot:verified)).
                type: str
  state:
    description:
      - Whether the web ACL logs its requests.
      - A configuration that Firewall Manager manages is neither changed nor removed; the module then fails and says so.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the configuration that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the configuration before and after the change in RV(diff).
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
  - AWS creates the resource policy of a log group or the bucket policy of a bucket that lets WAF write to it, and
    answers C(WAFLogDestinationPermissionIssueException) when it cannot; the module reports that error.
  - Calls are retried on throttling (including C(ThrottlingException)) and on C(WAFUnavailableEntityException) (a web ACL or destination just created)
    and C(WAFInternalErrorException).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log what the CloudFront web ACL blocks and counts, credentials redacted
  stories1001.infra.wafv2_logging_configuration:
    web_acl_arn: "{{ web_acl.arn }}"
    region: us-east-1
    destinations:
      - arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-1001-stories
    redacted_fields:
      - single_header: authorization
      - single_header: cookie
    logging_filter:
      default_behavior: DROP
      filters:
        - behavior: KEEP
          requirement: MEETS_ANY
          conditions:
            - action: BLOCK
            - action: COUNT

- name: Log every request of the load balancer's web ACL to S3
  stories1001.infra.wafv2_logging_configuration:
    web_acl_arn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/stories-alb/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    region: eu-west-1
    destinations: ["arn:aws:s3:::aws-waf-logs-1001-stories-alb"]
    redacted_fields:
      - query_string: true

- name: Stop logging
  stories1001.infra.wafv2_logging_configuration:
    web_acl_arn: "{{ web_acl.arn }}"
    region: us-east-1
    state: absent
"""

RETURN = r"""
logging_configuration:
  description: The logging configuration after the task (in check mode, as it would be), in the form of the options; empty when absent.
  returned: always
  type: dict
  contains:
    web_acl_arn:
      description: The web ACL's ARN.
      returned: when present
      type: str
      sample: arn:aws:wafv2:us-east-1:123456789012:global/webacl/stories-cdn/a1b2c3d4-5678-90ab-cdef-0123456789ab
    destinations:
      description: The destination ARNs.
      returned: when present
      type: list
      elements: str
      sample: ["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-1001-stories"]
    redacted_fields:
      description: "The redacted parts of the requests, such as C({single_header: authorization}) or C({uri_path: true})."
      returned: when present
      type: list
      elements: dict
      sample: [{"single_header": "authorization"}, {"single_header": "cookie"}]
    logging_filter:
      description: The logging filter, with C(default_behavior) and C(filters); null when every request is logged.
      returned: when present
      type: dict
      sample: {"default_behavior": "DROP", "filters": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": [{"action": "BLOCK"}]}]}
    managed_by_firewall_manager:
      description: Whether Firewall Manager manages the configuration.
      returned: when present
      type: bool
      sample: false
diff:
  description:
    - The configuration before and after the task, in the form of RV(logging_configuration) without
      RV(logging_configuration.managed_by_firewall_manager).
  returned: always
  type: dict
  contains:
    before:
      description: Before the task.
      returned: always
      type: dict
    after:
      description: After the task.
      returned: always
      type: dict
"""

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

# Besides the throttling codes AWSRetry knows: ThrottlingException (the JSON APIs' throttling code), and the two that WAF
# answers for a moment after a web ACL or destination is made or when it fails inside.
RETRY_CODES = ["ThrottlingException", "WAFUnavailableEntityException", "WAFInternalErrorException"]
CLOUDFRONT_REGION = "us-east-1"
DESTINATION_PREFIX = "aws-waf-logs-"
WEB_ACL_ARN = re.compile(
    r"^arn:aws[a-z-]*:wafv2:(?P<region>[a-z]{2}(-[a-z]+)+-\d):(?P<account>\d{12}):(?P<scope>global|regional)/webacl/[\w-]{1,128}/[0-9A-Za-z-]{1,64}$"
)
# Each kind of destination: the pattern of its ARN (with the destination's name) and what it is called.
DESTINATIONS = (
    (
        re.compile(r"^(?P<arn>arn:aws[a-z-]*:logs:[a-z]{2}(-[a-z]+)+-\d:\d{12}:log-group:(?P<name>[.\-_/#A-Za-z0-9]{1,512}))(:\*)?$"),
        "CloudWatch Logs log group",
    ),
    (re.compile(r"^(?P<arn>arn:aws[a-z-]*:s3:::(?P<name>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]))$"), "S3 bucket"),
    (re.compile(r"^(?P<arn>arn:aws[a-z-]*:firehose:[a-z]{2}(-[a-z]+)+-\d:\d{12}:deliverystream/(?P<name>[a-zA-Z0-9_.-]{1,64}))$"), "Firehose stream"),
)
# redacted_fields options without a value, and their FieldToMatch keys.
FLAG_FIELDS = (("uri_path", "UriPath"), ("query_string", "QueryString"), ("method", "Method"))
HEADER_NAME_MAX = 64
# https://docs.aws.amazon.com/waf/latest/APIReference/API_LabelNameCondition.html
LABEL_NAME = re.compile(r"^[0-9A-Za-z_\-:]{1,1024}$")


class InputError(Exception):
    pass


# --- input -----------------------------------------------------------------------------------------------------------


def web_acl_region(arn):
    """The Region in which the web ACL's logging is managed (us-east-1 for a CLOUDFRONT one); raises InputError."""
    match = WEB_ACL_ARN.match(arn or "")
    if not match:
        raise InputError(
            f"web_acl_arn {arn!r} is not the ARN of a WAFv2 web ACL "
            "(arn:aws:wafv2:REGION:ACCOUNT:global/webacl/NAME/ID or arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID)"
        )
    return CLOUDFRONT_REGION if match.group("scope") == "global" else match.group("region")


def destination(arn):
    """The destination ARN as AWS keeps it (a log group's without ``:*``); raises InputError."""
    for pattern, kind in DESTINATIONS:
        match = pattern.match(arn)
        if match:
            if not match.group("name").startswith(DESTINATION_PREFIX):
                raise InputError(f"destinations: the {kind} name {match.group('name')!r} must start with {DESTINATION_PREFIX} (AWS requires it)")
            return match.group("arn")
    raise InputError(
        f"destinations: {arn!r} is not the ARN of a CloudWatch Logs log group (arn:aws:logs:REGION:ACCOUNT:log-group:aws-waf-logs-NAME), "
        "an S3 bucket (arn:aws:s3:::aws-waf-logs-NAME) or a Firehose stream (arn:aws:firehose:REGION:ACCOUNT:deliverystream/aws-waf-logs-NAME)"
    )


def header_name(value, index):
    if isinstance(value, dict):
        if set(value) != {"name"}:
            raise InputError(f"redacted_fields[{index}].single_header must be a header name or {{name: HEADER}}")
        value = value["name"]
    if not isinstance(value, str) or not value.strip() or len(value) > HEADER_NAME_MAX:
        raise InputError(f"redacted_fields[{index}].single_header must be a header name of 1 to {HEADER_NAME_MAX} characters")
    return value.strip().lower()


def redacted_field(item, index):
    """One redacted_fields item in the module's form ({single_header: name} or {uri_path: true}...); raises InputError."""
    chosen = {key: value for key, value in item.items() if value not in (None, False)}
    if len(chosen) != 1:
        raise InputError(f"redacted_fields[{index}] must name exactly one of single_header, uri_path, query_string, method (true)")
    if "single_header" in chosen:
        return {"single_header": header_name(chosen["single_header"], index)}
    return {next(iter(chosen)): True}


def logging_filter(params):
    if params is None:
        return None
    filters = []
    for index, item in enumerate(params["filters"]):
        if not item["conditions"]:
            raise InputError(f"logging_filter.filters[{index}].conditions needs at least one condition")
        conditions = []
        for position, condition in enumerate(item["conditions"]):
            given = {key: value for key, value in condition.items() if value is not None}
            if len(given) != 1:
                raise InputError(f"logging_filter.filters[{index}].conditions[{position}] must have either action or label_name")
            if "label_name" in given and not LABEL_NAME.match(given["label_name"]):
                raise InputError(
                    f"logging_filter.filters[{index}].conditions[{position}].label_name {given['label_name']!r} is not a label (letters, digits, _ - :)"
                )
            conditions.append(given)
        filters.append({"behavior": item["behavior"], "requirement": item["requirement"], "conditions": conditions})
    if not filters:
        raise InputError("logging_filter.filters needs at least one filter (leave logging_filter out to log every request)")
    return {"default_behavior": params["default_behavior"], "filters": filters}


def wanted_configuration(params):
    """The configuration asked for, in the module's form; raises InputError."""
    destinations = params["destinations"] or []
    if len(destinations) != 1:
        raise InputError(f"destinations must list exactly one ARN (AWS takes one logging destination per web ACL), not {len(destinations)}")
    redacted = []
    for index, item in enumerate(params["redacted_fields"] or []):
        field = redacted_field(item, index)
        if field not in redacted:
            redacted.append(field)
    return {
        "web_acl_arn": params["web_acl_arn"],
        "destinations": [destination(arn) for arn in destinations],
        "redacted_fields": redacted,
        "logging_filter": logging_filter(params["logging_filter"]),
    }


# --- between the module's form and AWS's -----------------------------------------------------------------------------


def to_aws(configuration):
    redacted = []
    for field in configuration["redacted_fields"]:
        if "single_header" in field:
            redacted.append({"SingleHeader": {"Name": field["single_header"]}})
        else:
            redacted.extend({key: {}} for option, key in FLAG_FIELDS if option in field)
    result = {"ResourceArn": configuration["web_acl_arn"], "LogDestinationConfigs": configuration["destinations"], "RedactedFields": redacted}
    wanted_filter = configuration["logging_filter"]
    if wanted_filter:
        result["LoggingFilter"] = {
            "DefaultBehavior": wanted_filter["default_behavior"],
            "Filters": [
                {
                    "Behavior": item["behavior"],
                    "Requirement": item["requirement"],
                    "Conditions": [
                        (
                            {"ActionCondition": {"Action": condition["action"]}}
                            if "action" in condition
                            else {"LabelNameCondition": {"LabelName": condition["label_name"]}}
                        )
                        for condition in item["conditions"]
                    ],
                }
                for item in wanted_filter["filters"]
            ],
        }
    return result


def from_aws_field(field):
    if "SingleHeader" in field:
        return {"single_header": (field["SingleHeader"].get("Name") or "").lower()}
    for option, key in FLAG_FIELDS:
        if key in field:
            return {option: True}
    # A field AWS no longer takes for redaction: shown as AWS names it, so that it differs from anything asked for.
    return {"other": json.dumps(field, sort_keys=True)}


def from_aws_condition(condition):
    if "ActionCondition" in condition:
        return {"action": condition["ActionCondition"].get("Action")}
    if "LabelNameCondition" in condition:
        return {"label_name": condition["LabelNameCondition"].get("LabelName")}
    return {"other": json.dumps(condition, sort_keys=True)}


def from_aws(answer):
    """A LoggingConfiguration from AWS in the module's form, with managed_by_firewall_manager."""
    current_filter = answer.get("LoggingFilter")
    return {
        "web_acl_arn": answer.get("ResourceArn"),
        "destinations": list(answer.get("LogDestinationConfigs") or []),
        "redacted_fields": [from_aws_field(field) for field in answer.get("RedactedFields") or []],
        "logging_filter": (
            {
                "default_behavior": current_filter.get("DefaultBehavior"),
                "filters": [
                    {
                        "behavior": item.get("Behavior"),
                        "requirement": item.get("Requirement"),
                        "conditions": [from_aws_condition(condition) for condition in item.get("Conditions") or []],
                    }
                    for item in current_filter.get("Filters") or []
                ],
            }
            if current_filter
            else None
        ),
        "managed_by_firewall_manager": bool(answer.get("ManagedByFirewallManager")),
    }


def _sorted(items):
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def normalized(configuration):
    """What is compared: the redacted fields and each filter's conditions in any order, the filters in order."""
    current_filter = configuration["logging_filter"]
    return {
        "web_acl_arn": configuration["web_acl_arn"],
        "destinations": list(configuration["destinations"]),
        "redacted_fields": _sorted(configuration["redacted_fields"]),
        "logging_filter": (
            {
                "default_behavior": current_filter["default_behavior"],
                "filters": [dict(item, conditions=_sorted(item["conditions"])) for item in current_filter["filters"]],
            }
            if current_filter
            else None
        ),
    }


def shown(configuration):
    """The diff's form: the configuration without managed_by_firewall_manager, {} for none."""
    if not configuration:
        return {}
    return {key: value for key, value in configuration.items() if key != "managed_by_firewall_manager"}


# --- AWS -------------------------------------------------------------------------------------------------------------


def current_configuration(client, arn):
    try:
        answer = client.get_logging_configuration(ResourceArn=arn, aws_retry=True)
    except is_boto3_error_code("WAFNonexistentItemException"):
        return None
    return from_aws(answer["LoggingConfiguration"])


def refuse_firewall_manager(module, current):
    if current and current["managed_by_firewall_manager"]:
        module.fail_json(
            msg=f"The logging configuration of {current['web_acl_arn']} is managed by Firewall Manager: only Firewall Manager can change or delete it",
            logging_configuration=current,
        )


def run(module, client, wanted):
    arn = module.params["web_acl_arn"]
    current = current_configuration(client, arn)

    if module.params["state"] == "absent":
        diff = dict(before=shown(current), after={})
        if current is None:
            return dict(changed=False, logging_configuration={}, diff=diff)
        refuse_firewall_manager(module, current)
        if not module.check_mode:
            try:
                client.delete_logging_configuration(ResourceArn=arn, aws_retry=True)
            except is_boto3_error_code("WAFNonexistentItemException"):
                return dict(changed=False, logging_configuration={}, diff=dict(before={}, after={}))
        return dict(changed=True, logging_configuration={}, diff=diff)

    diff = dict(before=shown(current), after=wanted)
    if current is not None and normalized(current) == normalized(wanted):
        return dict(changed=False, logging_configuration=current, diff=dict(before=shown(current), after=shown(current)))
    refuse_firewall_manager(module, current)
    if module.check_mode:
        return dict(changed=True, logging_configuration=dict(wanted, managed_by_firewall_manager=False), diff=diff)
    answer = client.put_logging_configuration(LoggingConfiguration=to_aws(wanted), aws_retry=True)
    return dict(changed=True, logging_configuration=from_aws(answer["LoggingConfiguration"]), diff=diff)


def main():
    condition_options = dict(
        action=dict(type="str", choices=["ALLOW", "BLOCK", "COUNT", "CAPTCHA", "CHALLENGE", "EXCLUDED_AS_COUNT"]),
        label_name=dict(type="str"),
    )
    filter_options = dict(
        behavior=dict(type="str", choices=["KEEP", "DROP"], required=True),
        requirement=dict(type="str", choices=["MEETS_ANY", "MEETS_ALL"], required=True),
        conditions=dict(type="list", elements="dict", required=True, options=condition_options),
    )
    module = AnsibleAWSModule(
        argument_spec=dict(
            web_acl_arn=dict(type="str", required=True),
            destinations=dict(type="list", elements="str"),
            redacted_fields=dict(
                type="list",
                elements="dict",
                default=[],
                options=dict(
                    single_header=dict(type="raw"),
                    uri_path=dict(type="bool"),
                    query_string=dict(type="bool"),
                    method=dict(type="bool"),
                ),
            ),
            logging_filter=dict(
                type="dict",
                options=dict(
                    default_behavior=dict(type="str", choices=["KEEP", "DROP"], default="KEEP"),
                    filters=dict(type="list", elements="dict", required=True, options=filter_options),
                ),
            ),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["destinations"])],
        supports_check_mode=True,
    )
    params = module.params
    try:
        region = web_acl_region(params["web_acl_arn"])
        wanted = wanted_configuration(params) if params["state"] == "present" else None
    except InputError as e:
        module.fail_json(msg=str(e))
    if module.region != region:
        scope = (
            "a CLOUDFRONT web ACL, whose logging is managed in us-east-1"
            if region == CLOUDFRONT_REGION and ":global/" in params["web_acl_arn"]
            else "a REGIONAL web ACL"
        )
        module.fail_json(msg=f"web_acl_arn is {scope}: set region to {region}, not {module.region}")

    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        result = run(module, client, wanted)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"WAFv2 logging configuration of {params['web_acl_arn']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
