import json
import sys
import textwrap

import pytest

from tools.emulator import cli, config, daemon
from tools.emulator.report import report


@pytest.fixture
def cli_on(emulator, monkeypatch, tmp_path):
    """The CLI pointed at the test module's emulator."""
    monkeypatch.setattr(daemon, "URL_FILE", tmp_path / "emulator.url")
    monkeypatch.setenv("STORIES_AWS_ENDPOINT", emulator.url)
    monkeypatch.setenv("STORIES_AWS_RECORD", str(emulator.record))
    return emulator


def build_network(aws):
    ec2 = aws("ec2")
    tags = [{"Key": "Name", "Value": "1001-stories-production"}]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]
    subnets = {}
    for index, (tier, zone) in enumerate([("public", "a"), ("public", "b"), ("private", "a"), ("private", "b"), ("data", "a")]):
        subnet_tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": tier}]}]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=f"us-east-1{zone}", TagSpecifications=subnet_tags)
        subnets.setdefault(tier, []).append(subnet["Subnet"]["SubnetId"])
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_nat_gateway(SubnetId=subnets["public"][0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    ec2.create_route_table(VpcId=vpc)
    ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")
    aws("logs").create_log_group(logGroupName="flow")
    role = "arn:aws:iam::123456789012:role/flow-logs"
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT", LogGroupName="flow", DeliverLogsPermissionArn=role)
    aws("rds").create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="d", SubnetIds=subnets["data"] + subnets["private"])
    aws("elasticache").create_cache_subnet_group(CacheSubnetGroupName="cache", CacheSubnetGroupDescription="d", SubnetIds=subnets["data"])
    return vpc, igw


def test_report_lists_each_vpc_and_what_is_in_it_per_region(aws, emulator):
    vpc, igw = build_network(aws)

    assert report(emulator.url, ["us-east-1", "eu-west-1"]) == textwrap.dedent(f"""\
        us-east-1
          VPC 1001-stories-production  {vpc}  10.0.0.0/16
            subnets               data 1, private 2, public 2
            internet gateway      {igw}
            NAT gateways          available 1
            route tables          2
            network ACLs          1
            security groups       app, default
            flow logs             REJECT to cloud-watch-logs
            VPC endpoints         s3
            DB subnet groups      data
            cache subnet groups   cache
        eu-west-1
          (no VPCs)""")


def test_report_command_takes_regions(aws, cli_on, capsys):
    aws("ec2", region="ap-southeast-1").create_vpc(CidrBlock="10.2.0.0/16")

    assert cli.main(["report", "--regions", "ap-southeast-1,us-west-2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ap-southeast-1\n  VPC (no Name)  vpc-")
    assert out.endswith("us-west-2\n  (no VPCs)\n")


def test_calls_command_counts_per_service_operation_and_region(aws, cli_on, capsys):
    for _call in range(3):
        aws("ec2", region="eu-west-1").describe_vpcs()
    aws("ecs").list_clusters()

    assert cli.main(["calls"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        " COUNT  SERVICE         OPERATION                                   REGION",
        "     3  ec2             DescribeVpcs                                eu-west-1",
        "     1  ecs             ListClusters                                us-east-1",
        "     4  total",
    ]


def test_reset_command_resets_the_running_emulator(aws, cli_on, capsys):
    aws("ecs").create_cluster(clusterName="app")

    assert cli.main(["reset"]) == 0
    assert aws("ecs").list_clusters()["clusterArns"] == []
    assert [call["operation"] for call in cli_on.calls()] == ["ListClusters"]


@pytest.fixture
def nothing_running(monkeypatch, tmp_path, unused_url):
    monkeypatch.setattr(daemon, "URL_FILE", tmp_path / "emulator.url")
    monkeypatch.setattr(daemon, "PID_FILE", tmp_path / "emulator.pid")
    monkeypatch.setenv("STORIES_AWS_ENDPOINT", unused_url)
    return unused_url


def test_stop_without_a_running_emulator_says_so(nothing_running, capsys):
    assert cli.main(["stop"]) == 0
    assert capsys.readouterr().out == "no AWS emulator was running\n"


def test_reset_without_a_running_emulator_fails_with_a_message(nothing_running, capsys):
    assert cli.main(["reset"]) == 1
    assert capsys.readouterr().err.startswith(f"error: no AWS emulator answers at {nothing_running}")


FAKE_PLAYBOOK = """\
#!{python}
import json, os, sys
import boto3
ec2 = boto3.client("ec2", endpoint_url=os.environ["STORIES_AWS_ENDPOINT"], region_name="us-west-2",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
ec2.create_vpc(CidrBlock="10.3.0.0/16", TagSpecifications=[{{"ResourceType": "vpc", "Tags": [{{"Key": "Name", "Value": "demo"}}]}}])
with open(os.environ["FAKE_PLAYBOOK_SEEN"], "w") as seen:
    json.dump({{"argv": sys.argv[1:], "cwd": os.getcwd()}}, seen)
sys.exit(3)
"""


def test_demo_runs_the_playbook_reports_counts_and_stops_even_when_it_fails(monkeypatch, tmp_path, unused_url, capsys):
    playbook = tmp_path / "ansible-playbook"
    playbook.write_text(FAKE_PLAYBOOK.format(python=sys.executable))
    playbook.chmod(0o755)
    monkeypatch.setattr(cli, "_ansible_playbook", lambda: str(playbook))
    monkeypatch.setenv("FAKE_PLAYBOOK_SEEN", str(tmp_path / "seen.json"))
    monkeypatch.setenv("STORIES_AWS_ENDPOINT", unused_url)
    monkeypatch.setenv("STORIES_AWS_RECORD", str(tmp_path / "calls.jsonl"))

    assert cli.main(["demo"]) == 3

    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen == {"argv": ["-i", "inventories/local", "playbooks/phase1.yml"], "cwd": str(config.REPO_ROOT)}
    out = capsys.readouterr().out
    assert "us-west-2\n  VPC demo  vpc-" in out
    assert out.rstrip().endswith("AWS API calls in the run: 1 (ec2 1)")
    assert not cli.EmulatorClient(unused_url).is_ready()
