# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cloudwatch_metric_alarm driven through main() against a real botocore CloudWatch client with a Stubber: every request
is validated against the CloudWatch service model, and any call not queued fails."""

import copy
import datetime

import pytest

from ansible_collections.stories1001.infra.plugins.modules import cloudwatch_metric_alarm as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:stories1001-alerts"
LB = "app/stories1001-production/0123456789abcdef"
CPU = "stories1001-production-ecs-cpu-high"
RATE = "stories1001-production-alb-error-rate"
UPDATED = datetime.datetime(2025, 1, 31, 10, 0, tzinfo=datetime.timezone.utc)


def arn(name):
    return f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}"


CPU_ARGS = dict(
    name=CPU,
    description="ECS service CPU above 80% for 10 minutes",
    namespace="AWS/ECS",
    metric_name="CPUUtilization",
    dimensions={"ServiceName": "stories1001-app", "ClusterName": "stories1001-production"},
    statistic="Average",
    period=300,
    evaluation_periods=2,
    comparison="GreaterThanThreshold",
    threshold=80,
    alarm_actions=[TOPIC],
    ok_actions=[TOPIC],
    tags={"Project": "stories1001"},
)

# What PutMetricAlarm is sent for CPU_ARGS (dimensions sorted by name, threshold a float, empty lists sent).
CPU_REQUEST = dict(
    AlarmName=CPU,
    AlarmDescription="ECS service CPU above 80% for 10 minutes",
    ComparisonOperator="GreaterThanThreshold",
    Threshold=80.0,
    EvaluationPeriods=2,
    TreatMissingData="missing",
    AlarmActions=[TOPIC],
    OKActions=[TOPIC],
    InsufficientDataActions=[],
    MetricName="CPUUtilization",
    Namespace="AWS/ECS",
    Statistic="Average",
    Period=300,
    Dimensions=[{"Name": "ClusterName", "Value": "stories1001-production"}, {"Name": "ServiceName", "Value": "stories1001-app"}],
)


def lb_dimensions():
    return [{"name": "LoadBalancer", "value": LB}]


RATE_ARGS = dict(
    name=RATE,
    evaluation_periods=10,
    comparison="GreaterThanThreshold",
    threshold=5,
    treat_missing_data="notBreaching",
    alarm_actions=[TOPIC],
    ok_actions=[TOPIC],
    metrics=[
        dict(
            id="errors",
            return_data=False,
            metric_stat=dict(
                metric=dict(namespace="AWS/ApplicationELB", metric_name="HTTPCode_Target_5XX_Count", dimensions=lb_dimensions()), period=60, stat="Sum"
            ),
        ),
        dict(
            id="requests",
            return_data=False,
            metric_stat=dict(metric=dict(namespace="AWS/ApplicationELB", metric_name="RequestCount", dimensions=lb_dimensions()), period=60, stat="Sum"),
        ),
        dict(id="rate", label="5xx per 100 requests", expression="100 * FILL(errors, 0) / requests"),
    ],
)


def rate_queries(requests_stat="Sum"):
    lb = [{"Name": "LoadBalancer", "Value": LB}]
    return [
        {
            "Id": "errors",
            "MetricStat": {
                "Metric": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB", "Dimensions": lb},
                "Period": 60,
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
        {
            "Id": "requests",
            "MetricStat": {"Metric": {"MetricName": "RequestCount", "Namespace": "AWS/ApplicationELB", "Dimensions": lb}, "Period": 60, "Stat": requests_stat},
            "ReturnData": False,
        },
        {"Id": "rate", "Expression": "100 * FILL(errors, 0) / requests", "Label": "5xx per 100 requests", "ReturnData": True},
    ]


RATE_REQUEST = dict(
    AlarmName=RATE,
    ComparisonOperator="GreaterThanThreshold",
    Threshold=5.0,
    EvaluationPeriods=10,
    TreatMissingData="notBreaching",
    AlarmActions=[TOPIC],
    OKActions=[TOPIC],
    InsufficientDataActions=[],
    Metrics=rate_queries(),
)


def described(request):
    """A DescribeAlarms entry for an alarm made with this PutMetricAlarm request, as AWS lists it."""
    entry = {key: value for key, value in request.items() if key != "Tags"}
    entry.update(
        AlarmArn=arn(request["AlarmName"]),
        AlarmConfigurationUpdatedTimestamp=UPDATED,
        ActionsEnabled=True,
        StateValue="INSUFFICIENT_DATA",
        StateReason="Unchecked: Initial alarm creation",
        StateUpdatedTimestamp=UPDATED,
    )
    return entry


stubber = stubber_fixture("cloudwatch")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "cloudwatch", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def run_main(args, check_mode=False):
        result = stubbed.run(aws_args(**args), check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return run_main


def expect_describe(stubber, name, entry=None):
    stubber.add_response(
        "describe_alarms", {"MetricAlarms": [entry] if entry else [], "CompositeAlarms": []}, {"AlarmNames": [name], "AlarmTypes": ["MetricAlarm"]}
    )


def expect_tags(stubber, name, tags):
    stubber.add_response("list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}, {"ResourceARN": arn(name)})


def test_creates_a_metric_alarm_with_its_tags(run, stubber):
    expect_describe(stubber, CPU)
    stubber.add_response("put_metric_alarm", {}, dict(CPU_REQUEST, Tags=[{"Key": "Project", "Value": "stories1001"}]))
    expect_describe(stubber, CPU, described(CPU_REQUEST))

    result = run(CPU_ARGS)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_alarms", "put_metric_alarm", "describe_alarms"]
    assert result["alarm_arn"] == arn(CPU)
    assert result["threshold"] == 80.0
    assert result["alarm_actions"] == [TOPIC]
    assert result["metric_name"] == result["metric"] == "CPUUtilization"
    assert result["metrics"] == []
    assert result["tags"] == {"Project": "stories1001"}
    assert result["last_updated"] == "2025-01-31T10:00:00+00:00"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["period"] == 300


def test_creates_a_metric_math_alarm_with_every_query(run, stubber):
    expect_describe(stubber, RATE)
    stubber.add_response("put_metric_alarm", {}, RATE_REQUEST)
    expect_describe(stubber, RATE, described(RATE_REQUEST))

    result = run(RATE_ARGS)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_alarms", "put_metric_alarm", "describe_alarms"]
    assert [query["id"] for query in result["metrics"]] == ["errors", "requests", "rate"]
    assert result["metrics"][1]["metric_stat"]["metric"]["dimensions"] == [{"name": "LoadBalancer", "value": LB}]
    assert result["metrics"][2]["return_data"] is True
    assert result["period"] is None


def test_rerun_of_a_metric_alarm_writes_nothing(run, stubber):
    # AWS lists the dimensions in its own order, the threshold as a float, and no InsufficientDataActions entries.
    entry = described(CPU_REQUEST)
    entry["Dimensions"] = list(reversed(entry["Dimensions"]))
    entry["Threshold"] = 80.0
    entry["Metrics"] = []
    expect_describe(stubber, CPU, entry)
    expect_tags(stubber, CPU, {"Project": "stories1001"})

    result = run(dict(CPU_ARGS, threshold="80.0"))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_alarms", "list_tags_for_resource"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_rerun_of_a_metric_math_alarm_writes_nothing(run, stubber):
    # Queries in another order, dimensions and ReturnData left out where AWS's defaults say the same.
    entry = described(RATE_REQUEST)
    queries = rate_queries()
    del queries[2]["ReturnData"]
    entry["Metrics"] = [queries[2], queries[1], queries[0]]
    entry["Dimensions"] = []
    expect_describe(stubber, RATE, entry)
    expect_tags(stubber, RATE, {})

    result = run(RATE_ARGS)

    assert result["changed"] is False
    assert result["_sent"] == ["describe_alarms", "list_tags_for_resource"]


def test_a_changed_query_stat_puts_the_whole_alarm(run, stubber):
    expect_describe(stubber, RATE, described(RATE_REQUEST))
    expect_tags(stubber, RATE, {})
    changed_request = dict(RATE_REQUEST, Metrics=rate_queries(requests_stat="SampleCount"))
    stubber.add_response("put_metric_alarm", {}, changed_request)
    expect_describe(stubber, RATE, described(changed_request))

    args = copy.deepcopy(RATE_ARGS)
    args["metrics"][1]["metric_stat"]["stat"] = "SampleCount"
    result = run(args)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_alarms", "list_tags_for_resource", "put_metric_alarm", "describe_alarms"]
    assert result["diff"]["before"]["metrics"][1]["metric_stat"]["stat"] == "Sum"
    assert result["diff"]["after"]["metrics"][1]["metric_stat"]["stat"] == "SampleCount"


def test_a_changed_return_data_is_noticed(run, stubber):
    # return_data left out means true: a query that AWS holds as false must be put again.
    entry = described(RATE_REQUEST)
    entry["Metrics"] = rate_queries()
    entry["Metrics"][2]["ReturnData"] = False
    entry["Metrics"][0]["ReturnData"] = True
    expect_describe(stubber, RATE, entry)
    expect_tags(stubber, RATE, {})
    stubber.add_response("put_metric_alarm", {}, RATE_REQUEST)
    expect_describe(stubber, RATE, described(RATE_REQUEST))

    assert run(RATE_ARGS)["changed"] is True


def test_only_tags_changed_are_tagged_without_a_put(run, stubber):
    expect_describe(stubber, CPU, described(CPU_REQUEST))
    expect_tags(stubber, CPU, {"Project": "old", "Owner": "someone"})
    stubber.add_response("untag_resource", {}, {"ResourceARN": arn(CPU), "TagKeys": ["Owner"]})
    stubber.add_response("tag_resource", {}, {"ResourceARN": arn(CPU), "Tags": [{"Key": "Project", "Value": "stories1001"}]})

    result = run(CPU_ARGS)

    assert result["changed"] is True
    assert "put_metric_alarm" not in result["_sent"]
    assert result["tags"] == {"Project": "stories1001"}
    assert result["diff"]["before"]["tags"] == {"Project": "old", "Owner": "someone"}


def test_check_mode_reports_a_threshold_change_and_writes_nothing(run, stubber):
    expect_describe(stubber, CPU, described(CPU_REQUEST))
    expect_tags(stubber, CPU, {"Project": "stories1001"})

    result = run(dict(CPU_ARGS, threshold=90), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_alarms", "list_tags_for_resource"]
    assert result["diff"]["before"]["threshold"] == 80.0
    assert result["diff"]["after"]["threshold"] == 90.0
    assert result["alarm_arn"] == arn(CPU)


def test_check_mode_of_a_new_alarm_writes_nothing(run, stubber):
    expect_describe(stubber, RATE)

    result = run(RATE_ARGS, check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["describe_alarms"]
    assert result["alarm_arn"] is None
    assert result["metrics"][2]["expression"] == "100 * FILL(errors, 0) / requests"


def test_absent_deletes_an_existing_alarm(run, stubber):
    expect_describe(stubber, CPU, described(CPU_REQUEST))
    expect_tags(stubber, CPU, {})
    stubber.add_response("delete_alarms", {}, {"AlarmNames": [CPU]})

    result = run(dict(name=CPU, state="absent"))

    assert result["changed"] is True
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["name"] == CPU


def test_absent_of_a_missing_alarm_changes_nothing(run, stubber):
    expect_describe(stubber, CPU)

    result = run(dict(name=CPU, state="absent"))

    assert result["changed"] is False
    assert result["_sent"] == ["describe_alarms"]


def with_query(index, **changes):
    args = copy.deepcopy(RATE_ARGS)
    args["metrics"][index].update(changes)
    return args


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(RATE_ARGS, metric_name="CPUUtilization"), "metric_name cannot be used with metrics"),
        (dict(RATE_ARGS, period=60), "period cannot be used with metrics"),
        (with_query(2, return_data=False), "exactly one query of metrics must have return_data true"),
        (with_query(0, return_data=None), "2 do (errors, rate)"),
        (with_query(0, id="Errors"), "metrics[0].id 'Errors' must begin with a lower case letter"),
        (with_query(1, id="errors"), "metrics[1].id 'errors' is used by more than one query"),
        (with_query(2, metric_stat=RATE_ARGS["metrics"][0]["metric_stat"]), "metrics[2] needs exactly one of metric_stat and expression"),
        ({key: value for key, value in CPU_ARGS.items() if key != "period"}, "period is required with metric_name"),
        (dict(CPU_ARGS, extended_statistic="p95"), "exactly one of statistic and extended_statistic"),
        (dict(CPU_ARGS, period=45), "period 45 must be 10, 20, 30 or a multiple of 60"),
        (dict(CPU_ARGS, datapoints_to_alarm=3), "datapoints_to_alarm 3 must be between 1 and evaluation_periods"),
        ({key: value for key, value in CPU_ARGS.items() if key != "threshold"}, "threshold is required with state present"),
        (dict(name=CPU, comparison="GreaterThanThreshold", threshold=1, evaluation_periods=1), "one of metric_name and metrics is required"),
    ],
)
def test_invalid_options_fail_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
