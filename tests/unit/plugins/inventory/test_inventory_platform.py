"""The stories1001.infra.platform inventory plugin against the AWS emulator.

The platform is built through boto3 with the collection's tags (and decoys without them), then the plugin is run the
way Ansible runs it, by `ansible-inventory --list` in a fresh process (so no other test's imports or Ansible's
in-process plugin loader state can change what it finds), and its hosts, groups and facts are checked.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO))

from tools.emulator import Emulator  # noqa: E402  pylint: disable=wrong-import-position

ENV = "local"
TAGS = {"Project": "1001-stories", "Environment": ENV, "ManagedBy": "stories1001.infra"}
PREFIX = f"1001-stories-{ENV}"
READ_ONLY = re.compile(r"^(Describe|List|Get)")

# ansible-inventory, in a process of its own; the first argument names operations that AWS answers AccessDenied
# to (as an IAM policy without them would), comma-separated, or nothing.
RUNNER = """
import sys
import botocore.client
from botocore.exceptions import ClientError

denied = {name for name in sys.argv[1].split(",") if name}
original = botocore.client.BaseClient._make_api_call

def _make_api_call(self, operation_name, api_params):
    if operation_name in denied:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to perform " + operation_name}}, operation_name)
    return original(self, operation_name, api_params)

botocore.client.BaseClient._make_api_call = _make_api_call
from ansible.cli.inventory import main

main(["ansible-inventory", *sys.argv[2:]])
"""


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


def ansible_env(**extra):
    """Ansible as the repository configures it; a source that fails to parse fails the command instead of a warning."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"))
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_INVENTORY_UNPARSED_FAILED="true", **extra)
    return env


class Listing:
    """What `ansible-inventory --list` printed: groups (hosts and children, in order) and each host's variables."""

    def __init__(self, output, stderr):
        listed = json.loads(output, object_hook=lambda item: item.get("__ansible_unsafe", item))
        self.hostvars = listed.pop("_meta")["hostvars"]
        self.groups = listed
        self.stderr = stderr

    def hosts(self, group):
        """The group's hosts, then its children's, in order, each once (as Ansible's Group.get_hosts() gives them)."""
        entry = self.groups[group]
        hosts = list(entry.get("hosts", []))
        for child in entry.get("children", []):
            hosts += [host for host in self.hosts(child) if host not in hosts]
        return hosts


def run_inventory(config, denied=(), env=None):
    """ansible-inventory --list on a config file: (return code, Listing or None, stderr)."""
    command = [sys.executable, "-c", RUNNER, ",".join(sorted(denied)), "-i", str(config), "--list"]
    done = subprocess.run(command, cwd=REPO, env=env or ansible_env(), capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, (Listing(done.stdout, done.stderr) if done.returncode == 0 else None), done.stderr


@pytest.fixture
def inventory(emulator, tmp_path):
    """Run the plugin on a config (these settings over the emulator's connection); answer its Listing."""

    def run(denied=(), **settings):
        config = {"plugin": "stories1001.infra.platform", "environment": ENV, "endpoint_url": emulator.url, "access_key": "testing", "secret_key": "testing"}
        config.update(settings)
        path = tmp_path / "test.platform.yml"
        path.write_text(yaml.safe_dump(config))
        returncode, listing, stderr = run_inventory(path, denied)
        assert returncode == 0, stderr
        return listing

    return run


@pytest.fixture
def failing_inventory(emulator, tmp_path):
    """Run the plugin on a config that must fail; answer what it said, on one line."""

    def run(**settings):
        config = {"plugin": "stories1001.infra.platform", "environment": ENV, "endpoint_url": emulator.url, "access_key": "testing", "secret_key": "testing"}
        config.update(settings)
        path = tmp_path / "bad.platform.yml"
        path.write_text(yaml.safe_dump(config))
        returncode, _listing, stderr = run_inventory(path)
        assert returncode != 0, stderr
        return " ".join(stderr.split())

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
    return data.hostvars[region]


def group_hosts(data, group):
    return data.hosts(group)


def test_regions_are_hosts_in_their_role_groups_primary_first(inventory):
    data = inventory(include_lightsail=False)

    assert group_hosts(data, "regions") == ["us-east-1", "ap-southeast-1", "eu-west-1", "us-west-2"]
    assert data.groups["regions"]["children"] == ["primary", "secondary", "dr"]
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
    host = data.hostvars["web-b"]
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


def test_access_denied_fails_the_inventory_with_strict_permissions(aws, emulator, tmp_path):
    build_platform(aws)
    path = tmp_path / "strict.platform.yml"
    path.write_text(
        yaml.safe_dump(
            {"plugin": "stories1001.infra.platform", "environment": ENV, "regions": {"us-east-1": "primary"}, "endpoint_url": emulator.url}
            | {"access_key": "testing", "secret_key": "testing"}
        )
    )

    returncode, _listing, stderr = run_inventory(path, denied={"DescribeDBClusters"})

    assert returncode != 0
    assert re.search(r"AWS denied access.*DescribeDBClusters.*strict_permissions: false", " ".join(stderr.split())), stderr


def test_access_denied_leaves_that_fact_out_without_strict_permissions(aws, inventory):
    built = build_platform(aws)
    aws("lightsail", "us-east-1").create_instances(instanceNames=["web"], availabilityZone="us-east-1a", blueprintId="ubuntu_22_04", bundleId="nano_3_0")

    data = inventory(denied={"DescribeDBClusters", "ListBuckets", "GetInstances"}, regions={"us-east-1": "primary"}, strict_permissions=False)

    found = region_vars(data, "us-east-1")["platform_found"]
    assert "database" not in found and "buckets" not in found and "content_buckets" not in found
    assert found["vpc_id"] == built["vpc"] and found["cache"]["replication_group_id"] == f"stories1001-{ENV}-redis"
    assert "lightsail" not in data.groups
    said = " ".join(data.stderr.split())
    assert "the database of us-east-1 left out" in said and "the S3 buckets of us-east-1 left out" in said


def test_denied_tag_search_leaves_out_what_it_finds_without_strict_permissions(aws, inventory):
    built = build_platform(aws)

    data = inventory(denied={"GetResources"}, regions={"us-east-1": "primary"}, strict_permissions=False, include_lightsail=False)

    found = region_vars(data, "us-east-1")["platform_found"]
    assert found["vpc_id"] == built["vpc"] and found["database"]["identifier"] == f"stories1001-{ENV}-db"
    assert not {"cache", "load_balancer", "load_balancers", "ecs_cluster", "buckets"} & set(found)
    assert "the cache, load balancers, ECS clusters and S3 buckets of us-east-1 left out" in " ".join(data.stderr.split())


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
def test_bad_settings_fail_naming_the_option(aws, emulator, failing_inventory, settings, message):
    said = failing_inventory(**settings)
    assert message in said
    assert emulator.calls() == []  # refused before any AWS call


def test_no_credentials_fails_naming_the_options(emulator, tmp_path):
    env = ansible_env(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true"
    )
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(variable, None)
    path = tmp_path / "nokeys.platform.yml"
    path.write_text(yaml.safe_dump({"plugin": "stories1001.infra.platform", "endpoint_url": emulator.url, "regions": {"us-east-1": "primary"}}))

    returncode, _listing, stderr = run_inventory(path, env=env)

    assert returncode != 0
    assert "no AWS credentials found; set access_key and secret_key" in " ".join(stderr.split())


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


def test_the_plugins_calls_are_marked_read_only_and_not_one_per_resource(aws, emulator, inventory):
    build_platform(aws)
    settings = {"regions": {"us-east-1": "primary", "us-west-2": "dr"}, "lightsail_regions": ["us-east-2"]}
    emulator.clear_calls()
    inventory(**settings)
    first = emulator.calls()

    assert first and {call["client"] for call in first} == {"inventory"}
    assert [call["operation"] for call in first if not READ_ONLY.match(call["operation"])] == []

    # More of everything tagged: the same calls, none per bucket, cache, load balancer or cluster.
    s3, elasticache, elbv2, ecs = aws("s3"), aws("elasticache"), aws("elbv2"), aws("ecs")
    subnets = [subnet["SubnetId"] for subnet in aws("ec2").describe_subnets(Filters=[{"Name": "tag:Tier", "Values": ["public"]}])["Subnets"]][:2]
    for index in range(3):
        s3.create_bucket(Bucket=f"{PREFIX}-extra-{index}")
        s3.put_bucket_tagging(Bucket=f"{PREFIX}-extra-{index}", Tagging={"TagSet": tag_list()})
        elasticache.create_replication_group(
            ReplicationGroupId=f"extra-redis-{index}", ReplicationGroupDescription="x", Engine="redis", CacheNodeType="cache.t4g.small", Tags=tag_list()
        )
        elbv2.create_load_balancer(Name=f"extra-alb-{index}", Subnets=subnets, Tags=tag_list())
        ecs.create_cluster(clusterName=f"extra-cluster-{index}", tags=[{"key": key, "value": value} for key, value in TAGS.items()])
    emulator.clear_calls()
    data = inventory(**settings)
    second = emulator.calls()

    def per_operation(calls):
        return sorted((call["service"], call["operation"], call["region"]) for call in calls if call["operation"] != "ListServices")

    assert per_operation(second) == per_operation(first)
    # ListServices is per cluster of ours: one per tagged cluster, which the inventory lists.
    assert sum(call["operation"] == "ListServices" for call in second) == len(region_vars(data, "us-east-1")["platform_found"]["ecs_clusters"]) == 4
    assert len(region_vars(data, "us-east-1")["platform_found"]["buckets"]) == 5


def test_the_local_inventory_is_the_plugin_with_the_platform_group_vars(aws, emulator):
    aws("lightsail", "us-east-2").create_instances(
        instanceNames=["lightsail-host"], availabilityZone="us-east-2a", blueprintId="ubuntu_22_04", bundleId="nano_3_0"
    )
    command = [sys.executable, "-c", RUNNER, "", "-i", "inventories/local", "--list"]
    done = subprocess.run(
        command, cwd=REPO, env=ansible_env(STORIES_AWS_ENDPOINT=emulator.url), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    data = Listing(done.stdout, done.stderr)

    assert (group_hosts(data, "primary"), group_hosts(data, "secondary"), group_hosts(data, "dr")) == (
        ["us-east-1"],
        ["ap-southeast-1", "eu-west-1"],
        ["us-west-2"],
    )
    assert group_hosts(data, "regions") == ["us-east-1", "ap-southeast-1", "eu-west-1", "us-west-2"]
    assert group_hosts(data, "lightsail") == ["lightsail-host"]
    variables = region_vars(data, "eu-west-1")
    assert (variables["platform_region_role"], variables["aws_region"]) == ("secondary", "eu-west-1")
    assert variables["platform_environment"] == "local"  # inventories/local/group_vars still apply
    assert {call["region"] for call in emulator.calls() if call["service"] != "s3"} >= {"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2"}


def _environment_inventory(emulator, tmp_path, environment):
    """ansible-inventory --list on inventories/<environment>, as on a real account (no endpoint, no keys in the
    inventory), with AWS's standard variables pointing boto3 at the emulator."""
    env = ansible_env(
        AWS_ENDPOINT_URL=emulator.url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        HOME=str(tmp_path),  # production's inventory cache lives under ~/.cache
    )
    env.pop("STORIES_AWS_ENDPOINT", None)
    command = [sys.executable, "-c", RUNNER, "", "-i", f"inventories/{environment}", "--list"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return Listing(done.stdout, done.stderr)


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_environment_inventories_load_the_platform_plan_from_the_root_group_vars(aws, emulator, tmp_path, environment):
    data = _environment_inventory(emulator, tmp_path, environment)
    assert group_hosts(data, "regions") == ["us-east-1", "ap-southeast-1", "eu-west-1", "us-west-2"]
    variables = region_vars(data, "us-east-1")
    # The root group_vars/all/platform.yml, loaded through the inventory's group_vars/all/00_platform.yml.
    assert variables["platform_vpc_cidrs"]["us-west-2"] == "10.3.0.0/16"
    assert variables["platform_tags"]["ManagedBy"] == "stories1001.infra"
    assert variables["platform_regions"] == {"us-east-1": "primary", "eu-west-1": "secondary", "ap-southeast-1": "secondary", "us-west-2": "dr"}
    # The environment's own file, read after it, overrides the platform's default (production).
    assert variables["platform_environment"] == environment
    # Real environments reach AWS itself: no emulator endpoint, no keys in the inventory.
    assert "aws_endpoint_url" not in variables and "aws_access_key" not in variables
    assert variables["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"


def test_staging_overrides_the_platform_sizes_and_deletion_protection_with_seed_002s(aws, emulator, tmp_path):
    staging = region_vars(_environment_inventory(emulator, tmp_path, "staging"), "eu-west-1")
    production = region_vars(_environment_inventory(emulator, tmp_path, "production"), "eu-west-1")
    # Seed 002: staging runs 1 to 3 tasks, keeps 7 days of backups, and has no deletion protection.
    assert {phase: (size["min"], size["max"]) for phase, size in staging["compute_sizes"].items()} == {"1": (1, 3), "2": (1, 3), "3": (1, 3)}
    assert staging["compute_region_sizes"]["secondary"]["max"] == 3
    assert (staging["database_backup_retention_days"], staging["database_deletion_protection"]) == (7, False)
    assert staging["compute_alb_deletion_protection"] is False
    # Production sets none of them: the roles' seed 000 defaults apply (deletion protection follows the
    # environment being production).
    assert not {"compute_sizes", "database_backup_retention_days", "database_deletion_protection"} & set(production)
    # The Lightsail host being migrated is production's; staging does not look for it.
    aws("lightsail", "us-east-2").create_instances(
        instanceNames=["lightsail-host"], availabilityZone="us-east-2a", blueprintId="ubuntu_22_04", bundleId="nano_3_0"
    )
    assert not _environment_inventory(emulator, tmp_path, "staging").groups.get("lightsail", {}).get("hosts")
    assert group_hosts(_environment_inventory(emulator, tmp_path / "fresh", "production"), "lightsail") == ["lightsail-host"]
