import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from tools.emulator.recorder import read_calls, summarize


def test_each_api_call_is_recorded_with_service_operation_region_and_status(aws, emulator):
    aws("ec2", region="eu-west-1").describe_vpcs()
    aws("s3").create_bucket(Bucket="books")
    aws("s3").put_bucket_tagging(Bucket="books", Tagging={"TagSet": [{"Key": "Project", "Value": "1001-stories"}]})
    aws("ecs", region="ap-southeast-1").list_clusters()
    aws("iam").list_roles()
    with pytest.raises(ClientError):
        aws("backup", region="us-west-2").describe_backup_vault(BackupVaultName="missing")

    assert [(call["service"], call["operation"], call["region"], call["status"]) for call in emulator.calls()] == [
        ("ec2", "DescribeVpcs", "eu-west-1", 200),
        ("s3", "CreateBucket", "us-east-1", 200),
        ("s3", "PutBucketTagging", "us-east-1", 204),
        ("ecs", "ListClusters", "ap-southeast-1", 200),
        ("iam", "ListRoles", "us-east-1", 200),
        ("backup", "DescribeBackupVault", "us-west-2", 403),
    ]


def test_moto_and_control_endpoints_are_not_recorded(aws, emulator):
    emulator.set_faults("throttle=0.5")
    emulator.faults()
    emulator.clear_faults()
    assert emulator.is_ready()

    assert emulator.calls() == []


def test_records_carry_a_timestamp(aws, emulator):
    aws("ec2").describe_vpcs()

    assert emulator.calls()[0]["ts"].endswith("+00:00")


def test_clear_calls_empties_the_record(aws, emulator):
    aws("ec2").describe_vpcs()
    emulator.clear_calls()

    assert emulator.calls() == []


def test_concurrent_calls_each_append_one_whole_line(aws, emulator):
    ec2, ecs, s3, logs = aws("ec2"), aws("ecs"), aws("s3"), aws("logs")
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda call: call(), [ec2.describe_vpcs, ecs.list_clusters, s3.list_buckets, logs.describe_log_groups] * 10))

    lines = emulator.record.read_text().splitlines()
    assert len(lines) == 40
    assert {(record["service"], record["operation"]) for record in map(json.loads, lines)} == {
        ("ec2", "DescribeVpcs"),
        ("ecs", "ListClusters"),
        ("s3", "ListBuckets"),
        ("logs", "DescribeLogGroups"),
    }


def test_summary_counts_per_service_operation_and_region_busiest_first():
    calls = [
        {"service": "ec2", "operation": "DescribeVpcs", "region": "us-east-1"},
        {"service": "ec2", "operation": "DescribeVpcs", "region": "eu-west-1"},
        {"service": "ec2", "operation": "DescribeVpcs", "region": "us-east-1"},
        {"service": None, "operation": None, "region": None},
    ]

    assert summarize(calls) == [("ec2", "DescribeVpcs", "us-east-1", 2), ("None", "None", "None", 1), ("ec2", "DescribeVpcs", "eu-west-1", 1)]


def test_read_calls_of_a_missing_record_is_empty(tmp_path):
    assert read_calls(tmp_path / "none.jsonl") == []
