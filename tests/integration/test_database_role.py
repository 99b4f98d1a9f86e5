"""The database role end to end on the emulator: phase 1, then the phase 3 global database, the switchover drill, refused input."""

import json

import pytest

from aws_harness import play_calls


def test_molecule_database_scenario(aws, run):
    """prepare (network in 3 regions, phase 1 checked), converge phase 3, idempotence, verify, side_effect (drill)."""
    result = run("molecule", "test", "--scenario-name", "database")
    assert result.rc == 0, result.output[-8000:]
    for step in ("prepare", "converge", "idempotence", "verify", "side_effect"):
        assert f"{step}: Executed: Successful" in result.output, step


BAD_INPUT = {
    "instance class the engine does not offer": (
        {"database_instance_class": "db.t3.micro"},
        "database_instance_class: aurora-postgresql does not offer db.t3.micro",
    ),
    "overlapping backup and maintenance windows": (
        {"database_maintenance_window": "Sun:03:30-Sun:04:30"},
        "database_maintenance_window: Sun:03:30-Sun:04:30 overlaps database_backup_window 03:00-04:00",
    ),
    "retention outside 1 to 35 days": (
        {"database_backup_retention_days": 40},
        "database_backup_retention_days: 40 is outside 1 to 35 days",
    ),
    "secondary region equal to the primary": (
        {"database_phase": 3, "database_secondary_regions": ["eu-west-1", "us-east-1"]},
        "database_secondary_regions: us-east-1 is the primary region",
    ),
    "engine that is neither Aurora nor RDS PostgreSQL": (
        {"database_engine": "mysql"},
        "database_engine",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_database_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []


def test_seed_003_shape_rds_multi_az_with_the_secret_never_logged(aws, run, boto):
    """database_engine=postgres: one RDS PostgreSQL Multi-AZ instance; re-run changes nothing; -vvv never shows the password."""
    shape = {
        "database_engine": "postgres",
        "database_backup_retention_days": 7,
        "database_proxy": False,
        "monitoring_alarm_overrides": {"db_connections": {"threshold": 180}},
        # Seed 003: X-Ray tracing on, sampling 10 %.
        "compute_xray": True,
        "monitoring_xray": True,
        "monitoring_xray_fixed_rate": 0.1,
    }
    first = run("ansible-playbook", "playbooks/phase1.yml", "-vvv", extra_vars=shape)
    assert first.rc == 0, first.output[-6000:]

    secret = json.loads(boto("secretsmanager").get_secret_value(SecretId="1001-stories-local/database/master")["SecretString"])
    assert len(secret["password"]) == 40
    assert secret["password"] not in first.output

    instance = boto("rds").describe_db_instances(DBInstanceIdentifier="stories1001-local-db")["DBInstances"][0]
    assert (instance["Engine"], instance["DBInstanceClass"], instance["MultiAZ"]) == ("postgres", "db.t3.medium", True)
    assert (instance["StorageType"], instance["AllocatedStorage"], instance["MaxAllocatedStorage"]) == ("gp3", 100, 1000)
    assert instance["StorageEncrypted"] and instance["KmsKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert instance["BackupRetentionPeriod"] == 7
    assert instance["PubliclyAccessible"] is False
    assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == "1001-stories-local-database"
    # Seed 003's alarm: more than 180 connections, on the instance (there is no cluster), paging the critical topic.
    alarm = boto("cloudwatch").describe_alarms(AlarmNames=["1001-stories-local-db-connections"])["MetricAlarms"][0]
    assert (alarm["MetricName"], alarm["Threshold"], alarm["Dimensions"]) == (
        "DatabaseConnections",
        180.0,
        [{"Name": "DBInstanceIdentifier", "Value": "stories1001-local-db"}],
    )
    assert alarm["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:1001-stories-local-critical-alerts"]
    # The X-Ray daemon runs beside the app, which is told where; the app is sampled at 10 %.
    service = boto("ecs").describe_services(cluster="1001-stories-local-cluster", services=["1001-stories-local-app"])["services"][0]
    containers = boto("ecs").describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]["containerDefinitions"]
    daemon = next(container for container in containers if container["name"] == "xray-daemon")
    assert daemon["portMappings"][0]["containerPort"] == 2000 and daemon["portMappings"][0]["protocol"] == "udp" and not daemon["essential"]
    app = next(container for container in containers if container["name"] != "xray-daemon")
    assert {"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"} in app["environment"]
    rules = boto("xray").get_sampling_rules()["SamplingRuleRecords"]
    assert [(rule["SamplingRule"]["RuleName"], rule["SamplingRule"]["FixedRate"]) for rule in rules if rule["SamplingRule"]["RuleName"] != "Default"] == [
        ("1001-stories-local-app", 0.1)
    ]

    again = run("ansible-playbook", "playbooks/phase1.yml", "-vvv", extra_vars=shape)
    assert again.rc == 0, again.output[-6000:]
    assert again.recap()["us-east-1"]["changed"] == 0, again.output[-6000:]
    assert secret["password"] not in again.output
    # The stored password was read back, not replaced.
    assert json.loads(boto("secretsmanager").get_secret_value(SecretId="1001-stories-local/database/master")["SecretString"]) == secret
