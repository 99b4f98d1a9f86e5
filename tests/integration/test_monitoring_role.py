"""The monitoring role end to end on the emulator: its molecule scenario (phase 2, with what it watches made first)."""

import hashlib

import jinja2
import pytest
from aws_harness import REPO


@pytest.fixture(scope="module")
def monitoring_platform(emulator, run):
    """create (reset), prepare (network, database, cache, buckets, compute), converge, idempotence, verify."""
    return run("molecule", "test", "--scenario-name", "monitoring")


def test_molecule_monitoring_scenario(monitoring_platform):
    assert monitoring_platform.rc == 0, monitoring_platform.output[-8000:]
    for step in ("prepare", "converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in monitoring_platform.output, step


def test_every_alarm_pages_a_topic_of_the_platform_that_has_subscribers(monitoring_platform, boto):
    """No alarm is left without someone to tell: each action is one of the four topics, each topic has its emails."""
    assert monitoring_platform.rc == 0
    sns, cloudwatch = boto("sns"), boto("cloudwatch")
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix="1001-stories-local-")["MetricAlarms"]
    assert len(alarms) >= 11
    topics = {topic["TopicArn"] for topic in sns.list_topics()["Topics"]}
    for alarm in alarms:
        assert alarm["AlarmActions"] and set(alarm["AlarmActions"]) <= topics, alarm["AlarmName"]
        assert alarm["OKActions"] == alarm["AlarmActions"], alarm["AlarmName"]
        endpoints = [item["Endpoint"] for item in sns.list_subscriptions_by_topic(TopicArn=alarm["AlarmActions"][0])["Subscriptions"]]
        assert endpoints and all("@1001stories.org" in endpoint for endpoint in endpoints), alarm["AlarmName"]


def test_the_canary_checks_api_health_every_5_minutes_traced_and_runs(monitoring_platform, boto):
    assert monitoring_platform.rc == 0
    canary = boto("synthetics").get_canary(Name="api-health-local")["Canary"]
    assert canary["Status"]["State"] == "RUNNING"
    assert canary["Schedule"]["Expression"] == "rate(5 minutes)"
    assert canary["RunConfig"]["ActiveTracing"] is True
    assert canary["ArtifactS3Location"].startswith("s3://1001-stories-local-logs-us-east-1/synthetics")
    role = canary["ExecutionRoleArn"].rsplit("/", 1)[-1]
    assert boto("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    # The code AWS holds is the role's script for this URL (AWS returns no code: the module tags its hash).
    template = (REPO / "roles" / "monitoring" / "templates" / "canary.js.j2").read_text()
    url = "https://app.local.1001stories.org/api/health"
    script = jinja2.Template(template, keep_trailing_newline=True).render(monitoring_canary_name="api-health-local", monitoring_canary_url=url)
    assert f"const url = '{url}';" in script
    assert canary["Tags"]["stories1001:code-sha256"] == hashlib.sha256(script.encode()).hexdigest()
    # Its Lambda's log group, which AWS would make kept forever and unencrypted, is encrypted and kept 30 days.
    group = f"/aws/lambda/cwsyn-api-health-local-{canary['Id']}"
    found = boto("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [(item["logGroupName"], item["retentionInDays"]) for item in found] == [(group, 30)]
    key = boto("kms").describe_key(KeyId="alias/1001-stories-local-monitoring")["KeyMetadata"]["Arn"]
    assert found[0]["kmsKeyId"] == key
