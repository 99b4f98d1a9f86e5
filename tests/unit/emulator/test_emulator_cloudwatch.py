"""CloudWatch metric alarms through the emulator: queries come back as put, and deleted alarms lose their tags."""

ALARM = "stories1001-production-alb-error-rate"
LB = [{"Name": "LoadBalancer", "Value": "app/stories1001-production/0123456789abcdef"}]


def put_alarm(cloudwatch, **extra):
    cloudwatch.put_metric_alarm(
        AlarmName=ALARM,
        EvaluationPeriods=10,
        ComparisonOperator="GreaterThanThreshold",
        Threshold=5.0,
        Metrics=[
            {
                "Id": "errors",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": LB},
                    "Period": 60,
                    "Stat": "Sum",
                },
                "ReturnData": False,
                "AccountId": "210987654321",
            },
            {"Id": "rate", "Expression": "errors * 2", "Label": "doubled", "ReturnData": True},
        ],
        **extra,
    )


def test_alarm_queries_keep_their_account_id(aws):
    cloudwatch = aws("cloudwatch")
    put_alarm(cloudwatch)

    alarm = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]

    assert alarm["Metrics"][0]["AccountId"] == "210987654321"
    assert "AccountId" not in alarm["Metrics"][1]
    assert alarm["Metrics"][0]["MetricStat"]["Metric"]["Dimensions"] == LB


def test_a_deleted_alarm_loses_its_tags(aws):
    cloudwatch = aws("cloudwatch")
    put_alarm(cloudwatch, Tags=[{"Key": "Owner", "Value": "old-team"}])
    arn = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["AlarmArn"]

    cloudwatch.delete_alarms(AlarmNames=[ALARM])
    put_alarm(cloudwatch, Tags=[{"Key": "Project", "Value": "stories1001"}])

    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "Project", "Value": "stories1001"}]
