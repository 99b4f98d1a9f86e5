#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarm
version_added: 0.1.0
short_description: Manage CloudWatch metric alarms and metric-math alarms
description:
  - Create, replace, tag and delete a CloudWatch alarm on one metric or on a metric math expression (C(PutMetricAlarm),
    C(DeleteAlarms), C(TagResource), C(UntagResource)).
  - Takes the options of M(amazon.aws.cloudwatch_metric_alarm) with the same names and meanings, plus O(tags) and O(purge_tags).
    Unlike that module it compares the queries of a metric-math alarm (O(metrics)) too, so a re-run with the same options
    changes nothing and a change to a query is noticed.
  - The alarm C(DescribeAlarms) returns is compared with the wanted one after normalizing both (numbers, dimensions in any
    order, actions in any order, empty lists and missing values alike, C(ReturnData) defaulting to true). C(PutMetricAlarm)
    replaces the whole alarm, so it is called only when they differ; tags are changed with C(TagResource) and C(UntagResource).
  - The options are checked before any AWS call; the error names the option.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the alarm should exist.
    choices: ['present', 'absent']
    default: 'present'
    type: str
  name:
    description:
      - Unique name of the alarm in the account and region.
    required: true
    type: str
  metric_name:
    description:
      - Name of the monitored metric (for example V(CPUUtilization)), for an alarm on one metric.
      - Exactly one of O(metric_name) and O(metrics) is required with O(state=present).
    type: str
    aliases: ['metric']
  metrics:
    description:
      - The metric data queries of a metric-math alarm. Exactly one query must return data (O(metrics[].return_data) true or not
        given, as AWS takes it to be true); the alarm watches that one.
      - Cannot be used with O(metric_name), O(namespace), O(dimensions), O(statistic), O(extended_statistic), O(period) or O(unit).
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description:
          - A short name for the query, used in expressions. Begins with a lower case letter, then letters, digits and C(_).
          - The ids of an alarm must be unique.
        type: str
        required: true
      metric_stat:
        description:
          - The metric to query, with its statistic, period and unit. Exactly one of O(metrics[].metric_stat) and
            O(metrics[].expression) is required.
        type: dict
        suboptions:
          metric:
            description: The metric, with its namespace, name and dimensions.
            type: dict
            required: true
            suboptions:
              namespace:
                description: The namespace of the metric.
                type: str
              metric_name:
                description: The name of the metric.
                type: str
                required: true
              dimensions:
                description: The dimensions of the metric, as name/value pairs. Their order does not matter.
                type: list
                elements: dict
                suboptions:
                  name:
                    description: The name of the dimension.
                    type: str
                    required: true
                  value:
                    description: The value of the dimension.
                    type: str
                    required: true
          period:
            description: The granularity, in seconds, of the data points (1, 5, 10, 20, 30 or a multiple of 60).
            type: int
            required: true
          stat:
            description: The statistic, any CloudWatch statistic or extended statistic (for example V(Sum) or V(p99)).
            type: str
            required: true
          unit:
            description: The unit of the metric to query.
            type: str
      expression:
        description:
          - A metric math expression (or Metrics Insights query) over the other queries' ids.
        type: str
      label:
        description: A human-readable label for this metric or expression.
        type: str
      return_data:
        description:
          - Whether this query's result is the one the alarm watches. AWS takes it as true when it is not given.
        type: bool
      period:
        description: The granularity, in seconds, of the returned data points (for a Metrics Insights query).
        type: int
      account_id:
        description: The ID of the account where the metrics are located, if this is a cross-account alarm.
        type: str
  namespace:
    description:
      - Namespace of the metric (V(AWS/EC2), V(AWS/ECS)...). Required with O(metric_name).
    type: str
  statistic:
    description:
      - Statistic applied to the metric. Exactly one of O(statistic) and O(extended_statistic) is required with O(metric_name).
    choices: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']
    type: str
  extended_statistic:
    description: The percentile statistic for the metric (for example V(p95)).
    type: str
  comparison:
    description:
      - How the statistic is compared with O(threshold). Required with O(state=present).
    type: str
    choices:
      - 'GreaterThanOrEqualToThreshold'
      - 'GreaterThanThreshold'
      - 'LessThanThreshold'
      - 'LessThanOrEqualToThreshold'
  threshold:
    description:
      - The value the statistic is compared with. Required with O(state=present).
    type: float
  period:
    description:
      - The length, in seconds, of each period the metric is evaluated over (10, 20, 30 or a multiple of 60).
      - Required with O(metric_name); a metric-math alarm takes its periods from O(metrics) and cannot have one.
    type: int
  evaluate_low_sample_count_percentile:
    description:
      - Used only for alarms based on percentiles.
      - If you specify V(ignore), the alarm state does not change during periods with too few data points to be statistically significant.
      - If you specify V(evaluate) or omit this parameter, alarm is evaluated and possibly changes state no matter how many data points are available.
    type: str
    choices: ['ignore', 'evaluate']
  datapoints_to_alarm:
    description:
      - The number of data points that must be breaching to trigger the alarm, at most O(evaluation_periods).
    type: int
  evaluation_periods:
    description:
      - The number of periods over which data is compared to the threshold. Required with O(state=present).
    type: int
  unit:
    description:
      - The unit of the metric. Cannot be used with O(metrics).
    type: str
    choices:
      - 'Seconds'
      - 'Microseconds'
      - 'Milliseconds'
      - 'Bytes'
      - 'Kilobytes'
      - 'Megabytes'
      - 'Gigabytes'
      - 'Terabytes'
      - 'Bits'
      - 'Kilobits'
      - 'Megabits'
      - 'Gigabits'
      - 'Terabits'
      - 'Percent'
      - 'Count'
      - 'Bytes/Second'
      - 'Kilobytes/Second'
      - 'Megabytes/Second'
      - 'Gigabytes/Second'
      - 'Terabytes/Second'
      - 'Bits/Second'
      - 'Kilobits/Second'
      - 'Megabits/Second'
      - 'Gigabits/Second'
      - 'Terabits/Second'
      - 'Count/Second'
      - 'None'
  description:
    description:
      - A longer description of the alarm.
    type: str
  dimensions:
    description:
      - The dimensions of the metric, as a dictionary of name to value. Cannot be used with O(metrics).
      - 'For more information see the AWS documentation:'
      - U(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension)
    type: dict
  alarm_actions:
    description:
      - The ARNs of the actions to take when the alarm goes to the V(ALARM) state. Their order does not matter.
    type: list
    elements: str
    default: []
  insufficient_data_actions:
    description:
      - The ARNs of the actions to take when the alarm goes to the V(INSUFFICIENT_DATA) state.
    type: list
    elements: str
    default: []
  ok_actions:
    description:
      - The ARNs of the actions to take when the alarm goes to the V(OK) state.
    type: list
    elements: str
    default: []
  treat_missing_data:
    description:
      - How the alarm handles missing data points.
    type: str
    choices:
      - 'breaching'
      - 'notBreaching'
      - 'ignore'
      - 'missing'
    default: 'missing'
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the alarm that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the alarm before and after the change in RV(diff).
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
  - AWS ignores the tags of a C(PutMetricAlarm) call that updates an alarm, so the module sends O(tags) with C(PutMetricAlarm)
    only when it creates the alarm and otherwise uses C(TagResource) and C(UntagResource).
  - The actions of the alarm stay enabled or disabled as they are; C(ActionsEnabled) is neither sent nor compared.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: ECS service CPU above 80% for 10 minutes
  stories1001.infra.cloudwatch_metric_alarm:
    name: stories1001-production-ecs-cpu-high
    description: ECS service CPU above 80% for 10 minutes
    namespace: AWS/ECS
    metric_name: CPUUtilization
    dimensions:
      ClusterName: stories1001-production
      ServiceName: stories1001-app
    statistic: Average
    period: 300
    evaluation_periods: 2
    comparison: GreaterThanThreshold
    threshold: 80
    alarm_actions: ["arn:aws:sns:us-east-1:123456789012:stories1001-alerts"]
    ok_actions: ["arn:aws:sns:us-east-1:123456789012:stories1001-alerts"]
    tags:
      Project: stories1001

- name: More than 5% of requests answered 5xx for 10 minutes (metric math)
  stories1001.infra.cloudwatch_metric_alarm:
    name: stories1001-production-alb-error-rate
    evaluation_periods: 10
    comparison: GreaterThanThreshold
    threshold: 5
    treat_missing_data: notBreaching
    metrics:
      - id: errors
        return_data: false
        metric_stat:
          metric:
            namespace: AWS/ApplicationELB
            metric_name: HTTPCode_Target_5XX_Count
            dimensions: [{name: LoadBalancer, value: app/stories1001-production/0123456789abcdef}]
          period: 60
          stat: Sum
      - id: requests
        return_data: false
        metric_stat:
          metric:
            namespace: AWS/ApplicationELB
            metric_name: RequestCount
            dimensions: [{name: LoadBalancer, value: app/stories1001-production/0123456789abcdef}]
          period: 60
          stat: Sum
      - id: rate
        label: 5xx per 100 requests
        expression: 100 * FILL(errors, 0) / requests
        return_data: true
    alarm_actions: ["arn:aws:sns:us-east-1:123456789012:stories1001-alerts"]

- name: 95th percentile latency, evaluating even with few samples
  stories1001.infra.cloudwatch_metric_alarm:
    name: stories1001-production-alb-p95-latency
    namespace: AWS/ApplicationELB
    metric_name: TargetResponseTime
    dimensions: {LoadBalancer: app/stories1001-production/0123456789abcdef}
    extended_statistic: p95
    evaluate_low_sample_count_percentile: evaluate
    period: 60
    evaluation_periods: 5
    datapoints_to_alarm: 3
    comparison: GreaterThanThreshold
    threshold: 1.5

- name: Remove an alarm
  stories1001.infra.cloudwatch_metric_alarm:
    name: stories1001-staging-ecs-cpu-high
    state: absent
"""

RETURN = r"""
name:
  description: The name of the alarm.
  returned: always
  type: str
  sample: stories1001-production-alb-error-rate
alarm_arn:
  description: The ARN of the alarm; null when it does not exist or, in check mode, would be created.
  returned: always
  type: str
  sample: arn:aws:cloudwatch:us-east-1:123456789012:alarm:stories1001-production-alb-error-rate
actions_enabled:
  description: Whether the actions of the alarm are enabled.
  returned: when the alarm exists
  type: bool
  sample: true
description:
  description: The description of the alarm.
  returned: when the alarm exists
  type: str
  sample: ECS service CPU above 80% for 10 minutes
last_updated:
  description: When the configuration of the alarm last changed.
  returned: when the alarm exists
  type: str
  sample: "2025-01-31T10:00:00+00:00"
alarm_actions:
  description: The actions taken when the alarm goes to the ALARM state.
  returned: when the alarm exists
  type: list
  elements: str
  sample: ["arn:aws:sns:us-east-1:123456789012:stories1001-alerts"]
ok_actions:
  description: The actions taken when the alarm goes to the OK state.
  returned: when the alarm exists
  type: list
  elements: str
  sample: ["arn:aws:sns:us-east-1:123456789012:stories1001-alerts"]
insufficient_data_actions:
  description: The actions taken when the alarm goes to the INSUFFICIENT_DATA state.
  returned: when the alarm exists
  type: list
  elements: str
  sample: []
state_value:
  description: The state of the alarm.
  returned: when the alarm exists
  type: str
  sample: OK
state_reason:
  description: Why the alarm is in its state.
  returned: when the alarm exists
  type: str
  sample: "Unchecked: Initial alarm creation"
metric:
  description: Name of the monitored metric, as M(amazon.aws.cloudwatch_metric_alarm) returns it.
  returned: when the alarm exists
  type: str
  sample: CPUUtilization
metric_name:
  description: Name of the monitored metric; null for a metric-math alarm.
  returned: when the alarm exists
  type: str
  sample: CPUUtilization
namespace:
  description: Namespace of the metric; null for a metric-math alarm.
  returned: when the alarm exists
  type: str
  sample: AWS/ECS
statistic:
  description: The statistic of the metric, other than a percentile.
  returned: when the alarm exists
  type: str
  sample: Average
extended_statistic:
  description: The percentile statistic of the metric.
  returned: when the alarm exists
  type: str
  sample: p95
dimensions:
  description: The dimensions of the metric as AWS lists them (and as M(amazon.aws.cloudwatch_metric_alarm) returns them).
  returned: when the alarm exists
  type: list
  elements: dict
  sample: [{"Name": "ClusterName", "Value": "stories1001-production"}]
period:
  description: The length, in seconds, of each evaluation period; null for a metric-math alarm.
  returned: when the alarm exists
  type: int
  sample: 300
unit:
  description: The unit of the metric.
  returned: when the alarm exists
  type: str
  sample: Percent
evaluation_periods:
  description: The number of periods over which data is compared with the threshold.
  returned: when the alarm exists
  type: int
  sample: 2
datapoints_to_alarm:
  description: The number of breaching data points that trigger the alarm.
  returned: when the alarm exists
  type: int
  sample: 2
threshold:
  description: The value the statistic is compared with.
  returned: when the alarm exists
  type: float
  sample: 80.0
comparison:
  description: How the statistic is compared with the threshold.
  returned: when the alarm exists
  type: str
  sample: GreaterThanThreshold
treat_missing_data:
  description: How the alarm handles missing data points.
  returned: when the alarm exists
  type: str
  sample: missing
evaluate_low_sample_count_percentile:
  description: Whether a percentile alarm is evaluated during periods with too few data points.
  returned: when the alarm exists
  type: str
  sample: evaluate
metrics:
  description: The metric data queries of a metric-math alarm, snake-cased in the form of O(metrics); empty for an alarm on one metric.
  returned: when the alarm exists
  type: list
  elements: dict
  sample: [{"id": "rate", "expression": "100 * FILL(errors, 0) / requests", "label": "5xx per 100 requests", "return_data": true}]
tags:
  description: The tags of the alarm.
  returned: when the alarm exists
  type: dict
  sample: {"Project": "stories1001"}
diff:
  description: The alarm before and after the task, each in the form of this result (without RV(diff)); empty when there is none.
  returned: always
  type: dict
  contains:
    before:
      description: The alarm before the task.
      returned: always
      type: dict
    after:
      description: The alarm after the task.
      returned: always
      type: dict
"""

import re

from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

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

COMPARISONS = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"]
STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]
UNITS = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
]
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
NAME_MAX = 255
# Options of an alarm on one metric, which a metric-math alarm takes from its queries instead.
SINGLE_METRIC_OPTIONS = ["metric_name", "namespace", "dimensions", "statistic", "extended_statistic", "period", "unit"]
# What PutMetricAlarm sets, hence what is compared.
CONFIGURATION_KEYS = [
    "AlarmDescription",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "ThresholdMetricId",
    "AlarmActions",
    "OKActions",
    "InsufficientDataActions",
    "Metrics",
]

DIMENSION_SPEC = dict(name=dict(type="str", required=True), value=dict(type="str", required=True))
METRIC_SPEC = dict(
    namespace=dict(type="str"),
    metric_name=dict(type="str", required=True),
    dimensions=dict(type="list", elements="dict", options=DIMENSION_SPEC),
)
METRIC_STAT_SPEC = dict(
    metric=dict(type="dict", required=True, options=METRIC_SPEC),
    period=dict(type="int", required=True),
    stat=dict(type="str", required=True),
    unit=dict(type="str"),
)
QUERY_SPEC = dict(
    id=dict(type="str", required=True),
    metric_stat=dict(type="dict", options=METRIC_STAT_SPEC),
    expression=dict(type="str"),
    label=dict(type="str"),
    return_data=dict(type="bool"),
    period=dict(type="int"),
    account_id=dict(type="str"),
)


# --- validation and the wanted alarm -------------------------------------------------------------------


def _alarm_period_ok(period):
    return period in (10, 20, 30) or (period > 0 and period % 60 == 0)


def _query_period_ok(period):
    return period in (1, 5, 10, 20, 30) or (period > 0 and period % 60 == 0)


def query_errors(metrics):
    """Why AWS would refuse these metric data queries in an alarm; [] when it would not."""
    errors = []
    ids = [query.get("id") for query in metrics]
    for index, query in enumerate(metrics):
        where = f"metrics[{index}]"
        query_id = query.get("id") or ""
        if not QUERY_ID.match(query_id):
            errors.append(f"{where}.id {query_id!r} must begin with a lower case letter, then letters, digits and _")
        elif ids.count(query_id) > 1:
            errors.append(f"{where}.id {query_id!r} is used by more than one query")
        if bool(query.get("metric_stat")) == bool(query.get("expression")):
            errors.append(f"{where} needs exactly one of metric_stat and expression")
        stat = query.get("metric_stat") or {}
        if stat.get("period") is not None and not _query_period_ok(stat["period"]):
            errors.append(f"{where}.metric_stat.period {stat['period']} must be 1, 5, 10, 20, 30 or a multiple of 60")
        if query.get("period") is not None and not _query_period_ok(query["period"]):
            errors.append(f"{where}.period {query['period']} must be 1, 5, 10, 20, 30 or a multiple of 60")
    returning = [query.get("id") for query in metrics if query.get("return_data") is not False]
    if len(returning) != 1:
        errors.append(
            "exactly one query of metrics must have return_data true (AWS takes a query without return_data as true): "
            + (f"{len(returning)} do ({', '.join(map(str, returning))})" if returning else "none does")
        )
    return errors


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    name = params.get("name") or ""
    if not name or len(name) > NAME_MAX:
        errors.append(f"name must be 1 to {NAME_MAX} characters")
    if params.get("state") != "present":
        return errors
    for option in ("comparison", "threshold", "evaluation_periods"):
        if params.get(option) is None:
            errors.append(f"{option} is required with state present")
    metrics = params.get("metrics") or []
    if metrics:
        for option in SINGLE_METRIC_OPTIONS:
            if params.get(option):
                errors.append(f"{option} cannot be used with metrics: a metric-math alarm takes it from its queries")
        errors.extend(query_errors(metrics))
    elif not params.get("metric_name"):
        errors.append("one of metric_name and metrics is required with state present")
    else:
        if not params.get("namespace"):
            errors.append("namespace is required with metric_name")
        if bool(params.get("statistic")) == bool(params.get("extended_statistic")):
            errors.append("exactly one of statistic and extended_statistic is required with metric_name")
        if params.get("period") is None:
            errors.append("period is required with metric_name")
        elif not _alarm_period_ok(params["period"]):
            errors.append(f"period {params['period']} must be 10, 20, 30 or a multiple of 60")
    evaluation_periods = params.get("evaluation_periods")
    if evaluation_periods is not None and evaluation_periods < 1:
        errors.append("evaluation_periods must be at least 1")
    datapoints = params.get("datapoints_to_alarm")
    if datapoints is not None and (datapoints < 1 or (evaluation_periods is not None and datapoints > evaluation_periods)):
        errors.append(f"datapoints_to_alarm {datapoints} must be between 1 and evaluation_periods")
    return errors


def _dimension_list(dimensions):
    return [dict(Name=to_native(item["name"]), Value=to_native(item["value"])) for item in dimensions or []]


def wanted_query(query):
    """A metrics item as PutMetricAlarm takes it; ReturnData is always sent, true unless false."""
    result = dict(Id=query["id"])
    stat = query.get("metric_stat")
    if stat:
        metric = dict(MetricName=stat["metric"]["metric_name"])
        if stat["metric"].get("namespace"):
            metric["Namespace"] = stat["metric"]["namespace"]
        if stat["metric"].get("dimensions"):
            metric["Dimensions"] = _dimension_list(stat["metric"]["dimensions"])
        result["MetricStat"] = dict(Metric=metric, Period=stat["period"], Stat=stat["stat"])
        if stat.get("unit"):
            result["MetricStat"]["Unit"] = stat["unit"]
    for option, key in (("expression", "Expression"), ("label", "Label"), ("period", "Period"), ("account_id", "AccountId")):
        if query.get(option) is not None:
            result[key] = query[option]
    result["ReturnData"] = query.get("return_data") is not False
    return result


def wanted_alarm(params):
    """The PutMetricAlarm request (without tags) that the options describe."""
    request = dict(
        AlarmName=params["name"],
        ComparisonOperator=params["comparison"],
        Threshold=float(params["threshold"]),
        EvaluationPeriods=params["evaluation_periods"],
        TreatMissingData=params["treat_missing_data"],
        AlarmActions=list(params.get("alarm_actions") or []),
        OKActions=list(params.get("ok_actions") or []),
        InsufficientDataActions=list(params.get("insufficient_data_actions") or []),
    )
    optional = (
        ("description", "AlarmDescription"),
        ("datapoints_to_alarm", "DatapointsToAlarm"),
        ("evaluate_low_sample_count_percentile", "EvaluateLowSampleCountPercentile"),
        ("metric_name", "MetricName"),
        ("namespace", "Namespace"),
        ("statistic", "Statistic"),
        ("extended_statistic", "ExtendedStatistic"),
        ("period", "Period"),
        ("unit", "Unit"),
    )
    for option, key in optional:
        if params.get(option) is not None:
            request[key] = params[option]
    if params.get("dimensions"):
        request["Dimensions"] = [dict(Name=to_native(key), Value=to_native(value)) for key, value in sorted(params["dimensions"].items())]
    if params.get("metrics"):
        request["Metrics"] = [wanted_query(query) for query in params["metrics"]]
    return request


# --- comparison -----------------------------------------------------------------------------------------


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _dimensions_key(dimensions):
    return sorted((item.get("Name"), item.get("Value")) for item in dimensions or [])


def comparable_query(query):
    """A metric data query normalized for comparison: empty values dropped, numbers as int, ReturnData true by default."""
    result = {key: value for key, value in query.items() if key not in ("MetricStat", "Period", "ReturnData") and not _empty(value)}
    if query.get("Period") is not None:
        result["Period"] = int(query["Period"])
    result["ReturnData"] = query.get("ReturnData") is not False
    stat = query.get("MetricStat")
    if stat:
        metric = stat.get("Metric") or {}
        result["MetricStat"] = dict(
            Metric={key: value for key, value in metric.items() if key != "Dimensions" and not _empty(value)},
            Period=int(stat["Period"]) if stat.get("Period") is not None else None,
            Stat=stat.get("Stat"),
            Unit=stat.get("Unit") or None,
        )
        if metric.get("Dimensions"):
            result["MetricStat"]["Metric"]["Dimensions"] = _dimensions_key(metric["Dimensions"])
    return result


def comparable(alarm):
    """The configuration of an alarm (a PutMetricAlarm request or a DescribeAlarms entry) normalized for comparison."""
    result = {}
    for key in CONFIGURATION_KEYS:
        value = (alarm or {}).get(key)
        if _empty(value):
            continue
        if key == "Threshold":
            value = float(value)
        elif key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
            value = int(value)
        elif key == "Dimensions":
            value = _dimensions_key(value)
        elif key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            value = sorted(set(value))
        elif key == "Metrics":
            value = sorted((comparable_query(query) for query in value), key=lambda query: query.get("Id") or "")
        result[key] = value
    # Alarms made before TreatMissingData existed have none: AWS treats them as missing.
    result.setdefault("TreatMissingData", "missing")
    return result


def _timestamp(value):
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else to_native(value)


def alarm_view(alarm, tags):
    """An alarm (DescribeAlarms entry, or a request for a predicted one) as the module returns it; {} for none."""
    if not alarm:
        return {}
    return dict(
        name=alarm.get("AlarmName"),
        alarm_arn=alarm.get("AlarmArn"),
        actions_enabled=alarm.get("ActionsEnabled"),
        description=alarm.get("AlarmDescription"),
        last_updated=_timestamp(alarm.get("AlarmConfigurationUpdatedTimestamp")),
        alarm_actions=alarm.get("AlarmActions") or [],
        ok_actions=alarm.get("OKActions") or [],
        insufficient_data_actions=alarm.get("InsufficientDataActions") or [],
        state_value=alarm.get("StateValue"),
        state_reason=alarm.get("StateReason"),
        metric=alarm.get("MetricName"),
        metric_name=alarm.get("MetricName"),
        namespace=alarm.get("Namespace"),
        statistic=alarm.get("Statistic"),
        extended_statistic=alarm.get("ExtendedStatistic"),
        dimensions=alarm.get("Dimensions") or [],
        period=alarm.get("Period"),
        unit=alarm.get("Unit"),
        evaluation_periods=alarm.get("EvaluationPeriods"),
        datapoints_to_alarm=alarm.get("DatapointsToAlarm"),
        threshold=alarm.get("Threshold"),
        comparison=alarm.get("ComparisonOperator"),
        treat_missing_data=alarm.get("TreatMissingData"),
        evaluate_low_sample_count_percentile=alarm.get("EvaluateLowSampleCountPercentile"),
        metrics=[camel_dict_to_snake_dict(query) for query in alarm.get("Metrics") or []],
        tags=dict(tags or {}),
    )


# --- API calls ------------------------------------------------------------------------------------------


def describe_alarm(client, name):
    """The DescribeAlarms entry of the metric alarm, or None."""
    answer = client.describe_alarms(AlarmNames=[name], AlarmTypes=["MetricAlarm"], aws_retry=True)
    return next((alarm for alarm in answer.get("MetricAlarms") or [] if alarm.get("AlarmName") == name), None)


def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceARN=arn, aws_retry=True).get("Tags") or [])


# --- the states -----------------------------------------------------------------------------------------


def ensure_present(client, module, before, before_tags):
    """(changed, alarm entry after, tags after)."""
    params = module.params
    wanted = wanted_alarm(params)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before_tags if before else None, params["tags"], params["purge_tags"])
    if not before:
        if module.check_mode:
            return True, wanted, tags
        request = dict(wanted)
        if tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list(without_reserved_tags(tags))
        client.put_metric_alarm(aws_retry=True, **request)
        return True, describe_alarm(client, wanted["AlarmName"]) or wanted, tags

    put = comparable(before) != comparable(wanted)
    if not put and not tags_to_set and not tag_keys_to_unset:
        return False, before, before_tags
    kept = {key: value for key, value in before.items() if key not in CONFIGURATION_KEYS}
    predicted = dict(kept, **wanted) if put else before
    if module.check_mode:
        return True, predicted, tags
    if put:
        client.put_metric_alarm(aws_retry=True, **wanted)
    arn = before["AlarmArn"]
    if tag_keys_to_unset:
        client.untag_resource(ResourceARN=arn, TagKeys=tag_keys_to_unset, aws_retry=True)
    if tags_to_set:
        client.tag_resource(ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)
    after = describe_alarm(client, wanted["AlarmName"]) if put else before
    return True, after or predicted, tags


def main():
    argument_spec = dict(
        name=dict(required=True, type="str"),
        metric_name=dict(type="str", aliases=["metric"]),
        namespace=dict(type="str"),
        statistic=dict(type="str", choices=STATISTICS),
        extended_statistic=dict(type="str"),
        comparison=dict(type="str", choices=COMPARISONS),
        threshold=dict(type="float"),
        period=dict(type="int"),
        unit=dict(type="str", choices=UNITS),
        evaluate_low_sample_count_percentile=dict(type="str", choices=["ignore", "evaluate"]),
        datapoints_to_alarm=dict(type="int"),
        evaluation_periods=dict(type="int"),
        description=dict(type="str"),
        dimensions=dict(type="dict"),
        alarm_actions=dict(type="list", default=[], elements="str"),
        insufficient_data_actions=dict(type="list", default=[], elements="str"),
        ok_actions=dict(type="list", default=[], elements="str"),
        treat_missing_data=dict(type="str", choices=["breaching", "notBreaching", "ignore", "missing"], default="missing"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        metrics=dict(type="list", elements="dict", default=[], options=QUERY_SPEC),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = module.params["name"]

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    try:
        before = describe_alarm(client, name)
        before_tags = list_tags(client, before["AlarmArn"]) if before and before.get("AlarmArn") else {}
        if module.params["state"] == "present":
            changed, after, after_tags = ensure_present(client, module, before, before_tags)
        else:
            changed, after, after_tags = bool(before), None, {}
            if before and not module.check_mode:
                client.delete_alarms(AlarmNames=[name], aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"CloudWatch alarm {name}")

    before_view = alarm_view(before, before_tags)
    after_view = alarm_view(after, after_tags)
    result = dict(after_view) if after_view else dict(name=name, alarm_arn=None)
    module.exit_json(changed=changed, diff=dict(before=before_view, after=after_view), **result)


if __name__ == "__main__":
    main()
