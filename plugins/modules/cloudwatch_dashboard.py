#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatch_dashboard
version_added: 0.1.0
short_description: Manage CloudWatch dashboards
description:
  - Create, replace and delete a CloudWatch dashboard (C(PutDashboard), C(DeleteDashboards)).
  - The body is given as a dictionary and sent as JSON. It is compared with the body C(GetDashboard) returns as parsed
    JSON, so neither key order nor whitespace causes a change.
  - The body must be a dictionary with a C(widgets) list whose items are dictionaries with a C(type); this is checked
    before any AWS call. AWS checks the rest and the module fails with its answer.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the dashboard, up to 255 letters, digits, C(-) and C(_). Checked before any AWS call.
    type: str
    required: true
    aliases: ["dashboard_name"]
  body:
    description:
      - The dashboard body, as described in
        U(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
      - Required with O(state=present).
    type: dict
    aliases: ["dashboard_body"]
  state:
    description:
      - Whether the dashboard should exist.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the dashboard that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the dashboard body before and after the change in RV(diff).
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
  - Dashboards are kept per Region; the widgets may show metrics of any Region (their C(region) property).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The production dashboard of 1001 Stories
  stories1001.infra.cloudwatch_dashboard:
    region: us-east-1
    name: 1001-Stories-Production
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            metrics:
              - ["AWS/ECS", "CPUUtilization", "ServiceName", "1001-stories-app", "ClusterName", "1001-stories"]
              - [".", "MemoryUtilization", ".", ".", ".", "."]
            view: timeSeries
            stacked: false
            region: us-east-1
            title: ECS Service Metrics
            period: 300
        - type: log
          x: 0
          y: 6
          width: 24
          height: 6
          properties:
            query: "SOURCE '/aws/ecs/1001-stories-app' | fields @timestamp, @message | sort @timestamp desc | limit 100"
            region: us-east-1
            title: Application Logs
            view: table

- name: Remove an old dashboard
  stories1001.infra.cloudwatch_dashboard:
    name: 1001-Stories-Staging
    state: absent
"""

RETURN = r"""
name:
  description: The name of the dashboard.
  returned: always
  type: str
  sample: 1001-Stories-Production
dashboard_arn:
  description: The ARN of the dashboard; empty when it does not exist (or would be created, in check mode).
  returned: always
  type: str
  sample: arn:aws:cloudwatch::123456789012:dashboard/1001-Stories-Production
body:
  description: The dashboard body after the task (or, in check mode, as it would be); empty when the dashboard does not exist.
  returned: always
  type: dict
  sample: {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3, "properties": {"markdown": "1001 Stories"}}]}
validation_messages:
  description: The messages C(PutDashboard) returned about the body (AWS stores the dashboard anyway).
  returned: always
  type: list
  elements: dict
  sample: []
diff:
  description: The dashboard body before and after the task.
  returned: always
  type: dict
  contains:
    before:
      description: The body before the task; empty when the dashboard did not exist.
      returned: always
      type: dict
    after:
      description: The body after the task; empty when the dashboard does not exist.
      returned: always
      type: dict
"""

import json
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
NOT_FOUND = ["ResourceNotFound", "ResourceNotFoundException"]


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    if not NAME.match(params["name"] or ""):
        errors.append(f"name {params['name']!r} must be 1 to 255 letters, digits, - and _")
    body = params["body"]
    if params["state"] == "present":
        if body is None:
            errors.append("body is required with state present")
        elif not isinstance(body.get("widgets"), list):
            errors.append("body must have a widgets list")
        else:
            for index, widget in enumerate(body["widgets"]):
                if not isinstance(widget, dict) or not isinstance(widget.get("type"), str):
                    errors.append(f"body.widgets[{index}] must be a dictionary with a type")
    return errors


def normalized(body):
    """The body as JSON gives it back (tuples as lists, keys as strings), for comparison."""
    return json.loads(json.dumps(body)) if body is not None else None


def get_dashboard(client, name):
    """(arn, body as a dict) or (None, None) when the dashboard does not exist."""
    try:
        answer = client.get_dashboard(DashboardName=name, aws_retry=True)
    except is_boto3_error_code(NOT_FOUND):
        return None, None
    body = answer.get("DashboardBody") or "{}"
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = {"_unparsed": body}
    return answer.get("DashboardArn"), parsed


def main():
    argument_spec = dict(
        name=dict(required=True, aliases=["dashboard_name"]),
        body=dict(type="dict", aliases=["dashboard_body"]),
        state=dict(choices=["present", "absent"], default="present"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = module.params["name"]
    wanted = normalized(module.params["body"])

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    messages = []
    try:
        arn, before = get_dashboard(client, name)
        if module.params["state"] == "present":
            changed = before != wanted
            after = wanted
            if changed and not module.check_mode:
                answer = client.put_dashboard(DashboardName=name, DashboardBody=json.dumps(wanted, sort_keys=True), aws_retry=True)
                messages = [camel_dict_to_snake_dict(message) for message in answer.get("DashboardValidationMessages") or []]
                arn, after = get_dashboard(client, name)
        else:
            changed = before is not None
            after = None
            if changed and not module.check_mode:
                try:
                    client.delete_dashboards(DashboardNames=[name], aws_retry=True)
                except is_boto3_error_code(NOT_FOUND):
                    changed = False
            arn = None if changed or before is None else arn
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"CloudWatch dashboard {name}")

    for message in messages:
        module.warn(f"CloudWatch dashboard {name}: {message.get('data_path', '')} {message.get('message', '')}".strip())
    module.exit_json(
        changed=changed,
        name=name,
        dashboard_arn=arn or "",
        body=after or {},
        validation_messages=messages,
        diff=dict(before=before or {}, after=after or {}),
    )


if __name__ == "__main__":
    main()
