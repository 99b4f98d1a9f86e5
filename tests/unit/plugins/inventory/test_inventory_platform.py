"""The stories1001.infra.platform inventory plugin against the AWS emulator.

The platform is built through boto3 with the collection's tags (and decoys without them), then the plugin is run
in-process (through Ansible's plugin loader) or as `ansible-inventory`, and its hosts, groups and facts are checked.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import botocore.client
import pytest
import yaml
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from botocore.exceptions import ClientError

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO))

from tools.emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

ENV = "local"
TAGS = {"Project": "1001-stories", "Environment": ENV, "ManagedBy": "stories1001.infra"}
PREFIX = f"1001-stories-{ENV}"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with Emulator(port=0, record=tmp_path_factory.mktemp("emulator") / "calls.jsonl", faults="") as running:
        yield running


@pytest.fixture
def aws(emulator):
    emulator.reset()

    def client(service, region="us-east-1"):
        return boto3.client(service, endpoint_url=emulator.url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")

    return client


@pytest.fixture(scope="module")
def plugin_loader():
    collections = next(
        (path for path in sys.path if Path(path, "ansible_collections", "stories1001", "infra").resolve() == REPO),
        str(REPO / ".venv" / "collections"),
    )
    init_plugin_loader([collections])


@pytest.fixture
def inventory(emulator, plugin_loader, tmp_path):
    """Run the plugin on a config (these settings over the emulator's connection); answer the InventoryData."""

    def run(**settings):
        config = {"plugin": "stories1001.infra.platform", "environment": ENV, "endpoint_url": emulator.url, "access_key": "testing", "secret_key": "testing"}
        config.update(settings)
        path = tmp_path / "test.platform.yml"
        path.write_text(yaml.safe_dump(config))
        plugin = inventory_loader.get("stories1001.infra.platform")
        assert plugin.verify_file(str(path))
        data = InventoryData()
        plugin.parse(data, DataLoader(), str(path), cache=False)
        return data

    return run


def tag_list(extra=None, tags=None):
    return [{"Key": key, "Value": value} for key, value in {**(TAGS if tags is None else tags), **(extra or {})}.items()]


def build_network(aws, region, cidr="10.0.0.0/16", tags=None):
    ec2 = aws("ec2", region)
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": tag_list({"Name": PREFIX}, tags)}])["Vpc"]["VpcId"]
    subnets = {}
    base = cidr.split(".")[:2]
    for index, (tier, zone) in enumerate([("public", "b"), ("public", "a"), ("private", "a"), ("database", "a")]):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"{base[0]}.{base[1]}.{index + 1}.0/24",
            AvailabilityZone=f"{region}{zone}",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tag_list({"Name": f"{PREFIX}-{tier}-{zone}", "Tier": tier}, tags)}],
        )["Subnet"]
        subnets.setdefault(tier, []).append((subnet["AvailabilityZone"], subnet["SubnetId"]))
    groups = {}
    for name in (f"{PREFIX}-app", f"{PREFIX}-alb"):
        groups[name] = ec2.create_security_group(
            GroupName=name, Description=name, VpcId=vpc, TagSpecifications=[{"ResourceType": "security-group", "Tags": tag_list({"Name": name}, tags)}]
        )["GroupId"]
    return vpc, {tier: [subnet for _zone, subnet in sorted(pairs)] for tier, pairs in subnets.items()}, groups


def build_platform(aws, region="us-east-1"):
    """The network, an Aurora cluster, a Redis replication group, buckets, an ALB and an ECS service, tagged; and decoys."""
    vpc, subnets, groups = build_network(aws, region)
    build_network(aws, region, cidr="10.9.0.0/16", tags={**TAGS, "Environment": "staging"})

    rds = aws("rds", region)
    for identifier, tags in ((f"stories1001-{ENV}-db", tag_list()), ("someone-elses-db", [{"Key": "Project", "Value": "other"}])):
        rds.create_db_cluster(
            DBClusterIdentifier=identifier, Engine="aurora-postgresql", MasterUsername="stories", MasterUserPassword="not-a-secret-1", Tags=tags
        )
    rds.create_db_instance(
        DBInstanceIdentifier=f"stories1001-{ENV}-db-1", DBClusterIdentifier=f"stories1001-{ENV}-db", Engine="aurora-postgresql", DBInstanceClass="db.r6g.large"
    )

    elasticache = aws("elasticache", region)
    elasticache.create_replication_group(
        ReplicationGroupId=f"stories1001-{ENV}-redis", ReplicationGroupDescription="cache", Engine="redis", CacheNodeType="cache.t4g.small", Tags=tag_list()
    )
    elasticache.create_replication_group(ReplicationGroupId="untagged-redis", ReplicationGroupDescription="x", Engine="redis", CacheNodeType="cache.t4g.small")

    s3 = aws("s3", region)
    for name, location, tags in (
        (f"{PREFIX}-content", region, tag_list()),
        (f"{PREFIX}-logs-{region}", region, tag_list()),
        ("someone-elses-bucket", region, None),
        (f"{PREFIX}-content-us-west-2", "us-west-2", tag_list()),
    ):
        params = {} if location == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": location}}
        aws("s3", location).create_bucket(Bucket=name, **params)
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})

    elbv2 = aws("elbv2", region)
    dns = {}
    for name, tags in ((f"{PREFIX}-alb", tag_list()), ("someone-elses-alb", None)):
        created = elbv2.create_load_balancer(Name=name, Subnets=subnets["public"], SecurityGroups=[groups[f"{PREFIX}-alb"]], **({"Tags": tags} if tags else {}))
        dns[name] = created["LoadBalancers"][0]["DNSName"]

    ecs = aws("ecs", region)
    ecs.create_cluster(clusterName=f"{PREFIX}-cluster", tags=[{"key": key, "value": value} for key, value in TAGS.items()])
    ecs.create_cluster(clusterName="someone-elses-cluster")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app:1", "memory": 512}])
    for service in ("worker", "app"):
        ecs.create_service(cluster=f"{PREFIX}-cluster", serviceName=f"{PREFIX}-{service}", taskDefinition="app", desiredCount=0)
    return {"vpc": vpc, "subnets": subnets, "groups": groups, "dns": dns}


def region_vars(data, region):
    return data.get_host(region).get_vars()


def group_hosts(data, group):
    return [host.name for host in data.groups[group].get_hosts()]


def test_regions_are_hosts_in_their_role_groups_primary_first(inventory):
    data = inventory(include_lightsail=False)

    assert group_hosts(data, "regions") == ["us-east-1", "ap-southeast-1", "eu-west-1", "us-west-2"]
    assert [child.name for child in data.groups["regions"].child_groups] == ["primary", "secondary", "dr"]
    assert (group_hosts(data, "primary"), group_hosts(data, "secondary"), group_hosts(data, "dr")) == (
        ["us-east-1"],
        ["ap-southeast-1", "eu-west-1"],
        ["us-west-2"],
    )
    variables = region_vars(data, "eu-west-1")
    assert (variables["ansible_connection"], variables["aws_region"], variables["platform_region_role"]) == ("local", "eu-west-1", "secondary")
    assert "lightsail" not in data.groups


def test_an_empty_region_reports_nothing_found(inventory):
    found = region_vars(inventory(regions={"eu-west-1": "primary"}), "eu-west-1")["platform_found"]

    assert found == {
        "vpc_id": None,
        "vpc_cidr": None,
        "subnet_ids": {},
        "security_group_ids": {},
        "database": None,
        "cache": None,
        "load_balancer": None,
        "load_balancers": {},
        "ecs_cluster": None,
        "ecs_services": [],
        "ecs_clusters": {},
        "buckets": [],
        "content_buckets": [],
    }


def test_what_exists_is_found_by_the_collections_tags(aws, inventory):
    built = build_platform(aws)

    data = inventory(regions={"us-east-1": "primary", "us-west-2": "dr"})
    found = region_vars(data, "us-east-1")["platform_found"]

    assert (found["vpc_id"], found["vpc_cidr"]) == (built["vpc"], "10.0.0.0/16")
    assert found["subnet_ids"] == built["subnets"]
    assert found["security_group_ids"] == dict(sorted(built["groups"].items()))
    database = found["database"]
    assert (database["kind"], database["identifier"], database["engine"], database["members"]) == (
        "cluster",
        f"stories1001-{ENV}-db",
        "aurora-postgresql",
        [f"stories1001-{ENV}-db-1"],
    )
    assert database["endpoint"].startswith(f"stories1001-{ENV}-db.cluster-") and database["reader_endpoint"].startswith(f"stories1001-{ENV}-db.cluster-ro-")
    cache = found["cache"]
    assert cache["replication_group_id"] == f"stories1001-{ENV}-redis"
    assert cache["primary_endpoint"] and cache["port"] == 6379 and cache["cluster_mode"] is False
    assert found["buckets"] == [f"{PREFIX}-content", f"{PREFIX}-logs-us-east-1"]
    assert found["content_buckets"] == [f"{PREFIX}-content"]
    assert found["load_balancer"]["name"] == f"{PREFIX}-alb"
    assert found["load_balancer"]["dns_name"] == built["dns"][f"{PREFIX}-alb"]
    assert found["load_balancers"] == {f"{PREFIX}-alb": built["dns"][f"{PREFIX}-alb"]}
    assert (found["ecs_cluster"], found["ecs_services"]) == (f"{PREFIX}-cluster", [f"{PREFIX}-app", f"{PREFIX}-worker"])

    dr = region_vars(data, "us-west-2")["platform_found"]
    assert (dr["vpc_id"], dr["database"], dr["buckets"], dr["content_buckets"]) == (
        None,
        None,
        [f"{PREFIX}-content-us-west-2"],
        [f"{PREFIX}-content-us-west-2"],
    )


def test_another_environment_sees_only_its_own(aws, inventory):
    build_platform(aws)

    found = region_vars(inventory(environment="staging", regions={"us-east-1": "primary"}), "us-east-1")["platform_found"]

    assert found["vpc_cidr"] == "10.9.0.0/16"
    assert (found["database"], found["cache"], found["buckets"], found["ecs_cluster"]) == (None, None, [], None)


def test_a_stand_alone_db_instance_is_the_database_when_there_is_no_cluster(aws, inventory):
    aws("rds", "eu-central-1").create_db_instance(
        DBInstanceIdentifier=f"stories1001-{ENV}-db", Engine="postgres", DBInstanceClass="db.t4g.medium", AllocatedStorage=20, Tags=tag_list()
    )

    database = region_vars(inventory(regions={"eu-central-1": "primary"}), "eu-central-1")["platform_found"]["database"]

    assert (database["kind"], database["identifier"], database["engine"], database["reader_endpoint"]) == (
        "instance",
        f"stories1001-{ENV}-db",
        "postgres",
        None,
    )
    assert database["endpoint"] and database["port"] == 5432


def test_compose_groups_and_keyed_groups_apply(aws, inventory):
    build_platform(aws)

    data = inventory(
        regions={"us-east-1": "primary", "us-west-2": "dr"},
        compose={"app_endpoint": "platform_found.load_balancer.dns_name if platform_found.load_balancer else 'none'"},
        groups={"with_database": "platform_found.database is not none", "app_reachable": "app_endpoint != 'none'"},
        keyed_groups=[{"key": "platform_region_role", "prefix": "role"}],
    )

    assert region_vars(data, "us-east-1")["app_endpoint"].startswith(f"{PREFIX}-alb")
    assert region_vars(data, "us-west-2")["app_endpoint"] == "none"
    assert group_hosts(data, "with_database") == ["us-east-1"]
    assert group_hosts(data, "app_reachable") == ["us-east-1"]
    assert (group_hosts(data, "role_primary"), group_hosts(data, "role_dr")) == (["us-east-1"], ["us-west-2"])


def test_lightsail_instances_are_hosts_of_their_own_group(aws, inventory):
    for region, names in (("us-east-2", ["web-b", "web-a"]), ("eu-west-1", ["web-a"])):
        aws("lightsail", region).create_instances(instanceNames=names, availabilityZone=f"{region}a", blueprintId="ubuntu_22_04", bundleId="medium_3_0")
    aws("lightsail", "us-west-1").create_instances(instanceNames=["elsewhere"], availabilityZone="us-west-1a", blueprintId="debian_12", bundleId="nano_3_0")

    data = inventory(regions={"us-east-2": "primary"}, lightsail_regions=["us-east-2", "eu-west-1"])

    assert group_hosts(data, "lightsail") == ["web-a.eu-west-1", "web-a.us-east-2", "web-b"]
    host = data.get_host("web-b").get_vars()
    expected_ip = aws("lightsail", "us-east-2").get_instance(instanceName="web-b")["instance"]["publicIpAddress"]
    assert host["ansible_host"] == expected_ip
    assert (host["lightsail_instance_name"], host["lightsail_region"], host["lightsail_blueprint"], host["lightsail_bundle"], host["lightsail_state"]) == (
        "web-b",
        "us-east-2",
        "ubuntu_22_04",
        "medium_3_0",
        "running",
    )
    assert host["ansible_user"] == "ubuntu" and "ansible_connection" not in host
    assert "lightsail" not in inventory(regions={"us-east-2": "primary"}, include_lightsail=False).groups


@pytest.fixture
def deny(monkeypatch):
    """Make AWS answer AccessDenied to the given operations (as an IAM policy without them would)."""
    original = botocore.client.BaseClient._make_api_call

    def denying(operations):
        def _make_api_call(self, operation_name, api_params):
            if operation_name in operations:
                error = {"Error": {"Code": "AccessDenied", "Message": f"not authorized to perform {operation_name}"}}
                raise ClientError(error, operation_name)
            return original(self, operation_name, api_params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _make_api_call)

    return denying


def test_access_denied_fails_the_inventory_with_strict_permissions(aws, inventory, deny):
    build_platform(aws)
    deny({"DescribeDBClusters"})

    with pytest.raises(AnsibleError, match="AWS denied access.*DescribeDBClusters.*strict_permissions: false"):
        inventory(regions={"us-east-1": "primary"})


def test_access_denied_leaves_that_fact_out_without_strict_permissions(aws, inventory, deny):
    built = build_platform(aws)
    aws("lightsail", "us-east-1").create_instances(instanceNames=["web"], availabilityZone="us-east-1a", blueprintId="ubuntu_22_04", bundleId="nano_3_0")
    deny({"DescribeDBClusters", "ListBuckets", "GetInstances"})

    data = inventory(regions={"us-east-1": "primary"}, strict_permissions=False)

    found = region_vars(data, "us-east-1")["platform_found"]
    assert "database" not in found and "buckets" not in found and "content_buckets" not in found
    assert found["vpc_id"] == built["vpc"] and found["cache"]["replication_group_id"] == f"stories1001-{ENV}-redis"
    assert "lightsail" not in data.groups


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"regions": {"us-east-1": "primary", "eu-west-1": "leader"}}, "regions: unknown role 'leader' for eu-west-1"),
        ({"regions": {"useast1": "primary"}}, "regions: 'useast1' is not an AWS region name"),
        ({"regions": {"us-east-1": "primary", "eu-west-1": "primary"}}, "regions: at most one region is primary"),
        ({"regions": {}}, "regions: give a mapping of region to role"),
        ({"lightsail_regions": ["Ohio"]}, "lightsail_regions: 'Ohio' is not an AWS region name"),
        ({"environment": " "}, "environment: must be a non-empty string"),
    ],
)
def test_bad_settings_fail_naming_the_option(inventory, settings, message):
    with pytest.raises(AnsibleError) as raised:
        inventory(**settings)
    assert message in str(raised.value)


def test_no_credentials_fails_naming_the_options(emulator, plugin_loader, tmp_path, monkeypatch):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = tmp_path / "nokeys.platform.yml"
    path.write_text(yaml.safe_dump({"plugin": "stories1001.infra.platform", "endpoint_url": emulator.url, "regions": {"us-east-1": "primary"}}))

    with pytest.raises(AnsibleError, match="no AWS credentials found; set access_key and secret_key"):
        inventory_loader.get("stories1001.infra.platform").parse(InventoryData(), DataLoader(), str(path), cache=False)


def test_ansible_inventory_list_is_byte_identical_for_the_same_state_and_cached(aws, emulator, tmp_path):
    build_platform(aws)
    aws("lightsail", "us-east-1").create_instances(instanceNames=["web"], availabilityZone="us-east-1a", blueprintId="ubuntu_22_04", bundleId="nano_3_0")
    config = tmp_path / "demo.platform.yml"
    settings = {
        "plugin": "stories1001.infra.platform",
        "environment": ENV,
        "regions": {"us-east-1": "primary", "us-west-2": "dr"},
        "endpoint_url": emulator.url,
        "access_key": "testing",
        "secret_key": "testing",
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "cache"),
    }
    config.write_text(yaml.safe_dump(settings))
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"), ANSIBLE_NOCOLOR="1")
    command = [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(config), "--list"]

    def listing(*extra):
        done = subprocess.run(command + list(extra), cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = listing("--flush-cache")
    emulator.clear_calls()
    second = listing()
    assert emulator.calls() == []  # answered from the cache
    third = listing("--flush-cache")
    assert first == second == third
    listed = json.loads(first, object_hook=lambda item: item.get("__ansible_unsafe", item))
    assert listed["lightsail"]["hosts"] == ["web"]
    assert listed["primary"]["hosts"] == ["us-east-1"]
    assert listed["_meta"]["hostvars"]["us-east-1"]["platform_found"]["ecs_cluster"] == f"{PREFIX}-cluster"
