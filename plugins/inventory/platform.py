# -*- coding: utf-8 -*-

# Copyright: (c) 2026, 1001 Stories
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: platform
short_description: The platform's AWS regions as hosts, with what exists in each, and Lightsail instances
version_added: 0.1.0
description:
  - Yields one host per AWS region of the platform (the host name is the region, C(ansible_connection=local)), in a
    group named after its role in the topology (C(primary), C(secondary) or C(dr)), those groups being children of
    the group C(regions).
  - Each region host gets C(aws_region), C(platform_region_role) and C(platform_found), what already exists in that
    region, found by the collection's tags (C(Project), C(Environment) and C(ManagedBy=stories1001.infra)) so that no
    run needs an id typed by hand.
  - C(platform_found) holds C(vpc_id), C(vpc_cidr), C(subnet_ids) (by the subnets' C(Tier) tag), C(security_group_ids)
    (by group name), C(database) (the Aurora cluster, or a stand-alone DB instance, with endpoints), C(cache) (the
    ElastiCache replication group with its endpoints), C(buckets) and C(content_buckets) (S3 buckets located in the
    region), C(load_balancer) and C(load_balancers), C(ecs_cluster), C(ecs_services) and C(ecs_clusters).
    A key whose resource was not found is null (or an empty list or mapping); a key that could not be read because
    AWS denied it is left out (only with O(strict_permissions=false)).
  - With O(include_lightsail), Lightsail instances of O(lightsail_regions) become hosts of the group C(lightsail)
    (C(ansible_host) their public IP address), for the migration off Lightsail.
  - The configuration file must end in C(platform.yml) or C(platform.yaml), for example C(local.platform.yml).
  - It reads AWS only, with few calls and none per resource - per region, one paginated C(ec2:DescribeVpcs) (then
    C(DescribeSubnets) and C(DescribeSecurityGroups) of the VPC found), C(rds:DescribeDBClusters) (and
    C(DescribeDBInstances) when there is no cluster), one C(tag:GetResources) for what else carries the tags, and only
    where it found something tagged C(elasticache:DescribeReplicationGroups), C(elasticloadbalancing:DescribeLoadBalancers),
    C(ecs:DescribeClusters) and C(ListServices) of those clusters, and C(s3:ListAllMyBuckets) (ListBuckets with
    C(BucketRegion)); then C(lightsail:GetInstances) per Lightsail region. Those are the permissions it needs.
  - Every call it makes carries C(stories1001-inventory) in its User-Agent, so that CloudTrail (or the emulator's call
    record) tells the inventory's reads from a play's own calls.
  - Hosts, groups and every list are sorted, so the same AWS state gives the same inventory.
notes:
  - Region hosts come in the order primary, secondaries, DR (by name within a role), which is the order plays run them in.
  - If no credentials are given, boto3 looks for them as usual (environment, shared files, instance profile).
author:
  - 1001 Stories platform team (@1001stories)
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
options:
  plugin:
    description: The name of this plugin; the file is read only when it says so.
    required: true
    type: str
    choices: ['stories1001.infra.platform']
  regions:
    description:
      - The regions in play, each with its role in the topology, V(primary), V(secondary) or V(dr).
      - At most one region is primary.
    type: dict
    default:
      us-east-1: primary
      eu-west-1: secondary
      ap-southeast-1: secondary
      us-west-2: dr
  environment:
    description: The environment (the value of the C(Environment) tag, and part of every name).
    type: str
    default: production
  name_prefix:
    description: Names start with this and the environment, for example C(1001-stories-production-alb).
    type: str
    default: 1001-stories
  id_prefix:
    description:
      - RDS and ElastiCache identifiers start with this and the environment, for example C(stories1001-production-db).
      - When more than one tagged cluster or replication group is found, the one with the conventional identifier wins.
    type: str
    default: stories1001
  project:
    description: The value of the C(Project) tag.
    type: str
    default: 1001-stories
  include_lightsail:
    description: Whether to list Lightsail instances as hosts of the group C(lightsail).
    type: bool
    default: true
  lightsail_regions:
    description:
      - The regions whose Lightsail instances are listed.
      - Empty (the default) means the regions of O(regions).
    type: list
    elements: str
    default: []
  strict_permissions:
    description:
      - By default an access denied answer from AWS fails the inventory.
      - With V(false), what could not be read is left out of C(platform_found) (or the Lightsail instances of a region
        are not listed), with a warning.
    type: bool
    default: true
"""

EXAMPLES = r"""
# local.platform.yml: the emulator, the four regions of seed 000 and the Lightsail host's region.
plugin: stories1001.infra.platform
environment: local
endpoint_url: "{{ lookup('ansible.builtin.env', 'STORIES_AWS_ENDPOINT', default='http://127.0.0.1:5000') }}"
access_key: testing
secret_key: testing
lightsail_regions: [us-east-2]

# production.platform.yml: credentials from the environment or AWX, one group per load balancer DNS name.
# plugin: stories1001.infra.platform
# environment: production
# regions:
#   us-east-1: primary
#   eu-west-1: secondary
#   ap-southeast-1: secondary
#   us-west-2: dr
# strict_permissions: false
# compose:
#   app_endpoint: platform_found.load_balancer.dns_name | default(None)
# keyed_groups:
#   - key: platform_region_role
#     prefix: role
# groups:
#   has_database: platform_found.database is defined and platform_found.database
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/stories1001-inventory
# cache_timeout: 300
"""

import re

try:
    import boto3
    import botocore
    import botocore.config
except ImportError:
    pass  # amazon.aws's require_aws_sdk() reports it

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

ROLES = ("primary", "secondary", "dr")
REGIONS_GROUP = "regions"
LIGHTSAIL_GROUP = "lightsail"
MANAGED_BY = "stories1001.infra"
REGION_NAME = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
DENIED = (
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
)
RETRY = AWSRetry.jittered_backoff()
# Added to the User-Agent of every call the plugin makes, so that AWS's CloudTrail (and the emulator's call record)
# tell the inventory's reads from the play's own calls.
USER_AGENT_MARK = "stories1001-inventory"
# What the Resource Groups Tagging API is asked for, one paginated GetResources per region; the rest is read with one
# describe per resource type per region, only when something tagged of that type exists.
TAGGED_SERVICES = ("ecs", "elasticache", "elasticloadbalancing", "s3")


class _Denied(Exception):
    """AWS refused to tell: with strict_permissions false, the fact being read is left out."""


@RETRY
def _paginate(client, operation, **params):
    return client.get_paginator(operation).paginate(**params).build_full_result()


def _chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


def _tags(tag_list):
    """A tag list (Key/Value or key/value) as a dict."""
    if not tag_list:
        return {}
    if "key" in tag_list[0]:
        return {tag["key"]: tag.get("value", "") for tag in tag_list}
    return boto3_tag_list_to_ansible_dict(tag_list)


def _preferred(items, name_key, expected):
    """The item named as the collection names it, else the first by name; None for no items."""
    ordered = sorted(items, key=lambda item: (item[name_key] != expected, item[name_key]))
    return ordered[0] if ordered else None


def _plain(value):
    """Plain dicts, lists and str: option values come back tagged or unsafe, which a JSON cache would not give back as they went in."""
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


class InventoryModule(AWSInventoryBase):
    NAME = "stories1001.infra.platform"
    INVENTORY_FILE_SUFFIXES = ("platform.yml", "platform.yaml")

    def __init__(self):
        super().__init__()
        self._clients = {}
        self._connection = None
        self._strict = True

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        settings = self._settings()
        self._strict = self.get_option("strict_permissions")

        result_was_cached, result = self.get_cached_result(path, cache)
        if not result_was_cached:
            result = _plain(self._query(settings, path))
        self._populate(result)
        self.update_cached_result(path, cache, result)

    # Options

    def _settings(self):
        regions = self.get_option("regions")
        if not isinstance(regions, dict) or not regions:
            self.fail_aws("regions: give a mapping of region to role (primary, secondary or dr), for example {us-east-1: primary}")
        for region, role in regions.items():
            self._check_region("regions", region)
            if role not in ROLES:
                self.fail_aws(f"regions: unknown role {role!r} for {region}; expected one of {', '.join(ROLES)}")
        primaries = sorted(region for region, role in regions.items() if role == "primary")
        if len(primaries) > 1:
            self.fail_aws(f"regions: at most one region is primary, got {', '.join(primaries)}")
        lightsail_regions = self.get_option("lightsail_regions") or sorted(regions)
        for region in lightsail_regions:
            self._check_region("lightsail_regions", region)
        settings = {"regions": dict(regions), "lightsail_regions": sorted(set(lightsail_regions))}
        for option in ("environment", "name_prefix", "id_prefix", "project"):
            value = self.get_option(option)
            if not isinstance(value, str) or not value.strip():
                self.fail_aws(f"{option}: must be a non-empty string")
            settings[option] = value
        settings["include_lightsail"] = self.get_option("include_lightsail")
        settings["prefix"] = f"{settings['name_prefix']}-{settings['environment']}"
        settings["id"] = f"{settings['id_prefix']}-{settings['environment']}"
        return settings

    def _check_region(self, option, region):
        if not isinstance(region, str) or not REGION_NAME.match(region):
            self.fail_aws(f"{option}: {region!r} is not an AWS region name (like us-east-1)")

    # Reading AWS

    def _client(self, service, region):
        """A client of the service in the region, marked, with retries; all from one boto3 session.

        amazon.aws's client() opens a new session, which loads the service's model again, for every client: with a
        dozen clients that was most of the inventory's time. The options are read (and templated) once too.
        """
        key = (service, region)
        if key not in self._clients:
            if self._connection is None:
                _region, endpoint_url, connect_kwargs = get_aws_connection_info(self)
                params = dict(connect_kwargs, **self._frozen_credentials)
                config = botocore.config.Config(user_agent_extra=USER_AGENT_MARK)
                for option in ("config", "aws_config"):
                    extra = params.pop(option, None)
                    if extra:
                        config = config.merge(extra if isinstance(extra, botocore.config.Config) else botocore.config.Config(**extra))
                try:
                    session = boto3.session.Session(profile_name=params.pop("profile_name", None))
                except botocore.exceptions.BotoCoreError as error:
                    self.fail_aws("Couldn't connect to AWS", exception=error)
                self._connection = (session, endpoint_url, config, params)
            session, endpoint_url, config, params = self._connection
            try:
                connection = session.client(service, region_name=region, endpoint_url=endpoint_url, config=config, **params)
            except (ValueError, botocore.exceptions.BotoCoreError) as error:
                self.fail_aws("Couldn't connect to AWS", exception=error)
            self._clients[key] = RetryingBotoClientWrapper(connection, RETRY)
        return self._clients[key]

    def _query(self, settings, path):
        try:
            return self._read_all(settings)
        except botocore.exceptions.NoCredentialsError:
            self.fail_aws(
                f"{path}: no AWS credentials found; set access_key and secret_key (or profile, or assume_role_arn) in the file, "
                "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment"
            )
        except botocore.exceptions.EndpointConnectionError as error:
            self.fail_aws(f"{path}: cannot reach AWS (check endpoint_url and regions)", exception=error)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            self.fail_aws(f"{path}: reading the platform from AWS failed", exception=error)

    def _read_all(self, settings):
        tags = {"Project": settings["project"], "Environment": settings["environment"], "ManagedBy": MANAGED_BY}
        regions = {}
        for region in sorted(settings["regions"]):
            found = {}
            self._read(found, region, "the network", self._network, region, tags, settings)
            self._read(found, region, "the database", self._database, region, tags, settings)
            try:
                tagged = self._guard(self._tagged, region, tags)
            except _Denied as error:
                self.warn(f"stories1001.infra.platform: the cache, load balancers, ECS clusters and S3 buckets of {region} left out: {error}")
            else:
                self._read(found, region, "the cache", self._cache_group, region, tagged, settings)
                self._read(found, region, "the load balancers", self._load_balancers, region, tagged, settings)
                self._read(found, region, "the ECS clusters", self._ecs, region, tagged, settings)
                self._read(found, region, "the S3 buckets", self._buckets, region, tagged, settings)
            regions[region] = {"role": settings["regions"][region], "found": found}
        lightsail = []
        if settings["include_lightsail"]:
            for region in settings["lightsail_regions"]:
                try:
                    lightsail.extend(self._guard(self._lightsail, region))
                except _Denied as error:
                    self.warn(f"stories1001.infra.platform: Lightsail instances of {region} left out: {error}")
        return {"regions": regions, "lightsail": sorted(lightsail, key=lambda host: (host["lightsail_instance_name"], host["lightsail_region"]))}

    def _guard(self, reader, *args):
        """Run a reader; an access denied answer fails the inventory, or raises _Denied when permissions are not strict."""
        try:
            return reader(*args)
        except is_boto3_error_code(list(DENIED)) as error:
            if self._strict:
                raise AnsibleError(
                    f"stories1001.infra.platform: AWS denied access: {error} (set strict_permissions: false to leave out what cannot be read)"
                ) from error
            raise _Denied(str(error)) from error

    def _read(self, found, region, what, reader, *args):
        try:
            found.update(self._guard(reader, *args))
        except _Denied as error:
            self.warn(f"stories1001.infra.platform: {what} of {region} left out: {error}")

    @staticmethod
    def _ec2_filters(tags, **extra):
        filters = [{"Name": f"tag:{key}", "Values": [value]} for key, value in sorted(tags.items())]
        filters += [{"Name": name, "Values": [value]} for name, value in sorted(extra.items())]
        return filters

    def _network(self, region, tags, settings):
        ec2 = self._client("ec2", region)
        vpcs = _paginate(ec2, "describe_vpcs", Filters=self._ec2_filters(tags)).get("Vpcs", [])
        named = [{"name": _tags(vpc.get("Tags")).get("Name", ""), "vpc": vpc} for vpc in vpcs]
        chosen = _preferred(named, "name", settings["prefix"])
        if chosen is None:
            return {"vpc_id": None, "vpc_cidr": None, "subnet_ids": {}, "security_group_ids": {}}
        vpc_id = chosen["vpc"]["VpcId"]
        subnets = _paginate(ec2, "describe_subnets", Filters=self._ec2_filters(tags, **{"vpc-id": vpc_id})).get("Subnets", [])
        tiers = {}
        for subnet in sorted(subnets, key=lambda item: (item.get("AvailabilityZone", ""), item["SubnetId"])):
            tiers.setdefault(_tags(subnet.get("Tags")).get("Tier", "untiered"), []).append(subnet["SubnetId"])
        groups = _paginate(ec2, "describe_security_groups", Filters=self._ec2_filters(tags, **{"vpc-id": vpc_id})).get("SecurityGroups", [])
        return {
            "vpc_id": vpc_id,
            "vpc_cidr": chosen["vpc"].get("CidrBlock"),
            "subnet_ids": {tier: tiers[tier] for tier in sorted(tiers)},
            "security_group_ids": {group["GroupName"]: group["GroupId"] for group in sorted(groups, key=lambda item: item["GroupName"])},
        }

    @staticmethod
    def _matches(resource_tags, tags):
        return all(resource_tags.get(key) == value for key, value in tags.items())

    def _database(self, region, tags, settings):
        rds = self._client("rds", region)
        clusters = [c for c in _paginate(rds, "describe_db_clusters").get("DBClusters", []) if self._matches(_tags(c.get("TagList")), tags)]
        cluster = _preferred(clusters, "DBClusterIdentifier", f"{settings['id']}-db")
        if cluster is not None:
            return {
                "database": {
                    "kind": "cluster",
                    "identifier": cluster["DBClusterIdentifier"],
                    "engine": cluster.get("Engine"),
                    "status": cluster.get("Status"),
                    "endpoint": cluster.get("Endpoint"),
                    "reader_endpoint": cluster.get("ReaderEndpoint"),
                    "port": cluster.get("Port"),
                    "members": sorted(member["DBInstanceIdentifier"] for member in cluster.get("DBClusterMembers", [])),
                }
            }
        instances = [
            i
            for i in _paginate(rds, "describe_db_instances").get("DBInstances", [])
            if not i.get("DBClusterIdentifier") and self._matches(_tags(i.get("TagList")), tags)
        ]
        instance = _preferred(instances, "DBInstanceIdentifier", f"{settings['id']}-db")
        if instance is None:
            return {"database": None}
        endpoint = instance.get("Endpoint") or {}
        return {
            "database": {
                "kind": "instance",
                "identifier": instance["DBInstanceIdentifier"],
                "engine": instance.get("Engine"),
                "status": instance.get("DBInstanceStatus"),
                "endpoint": endpoint.get("Address"),
                "reader_endpoint": None,
                "port": endpoint.get("Port"),
                "members": [],
            }
        }

    def _tagged(self, region, tags):
        """The ARNs of the region's resources that carry the collection's tags, by kind, from one paginated GetResources."""
        tagging = self._client("resourcegroupstaggingapi", region)
        mappings = _paginate(
            tagging,
            "get_resources",
            TagFilters=[{"Key": key, "Values": [value]} for key, value in sorted(tags.items())],
            ResourceTypeFilters=list(TAGGED_SERVICES),
        ).get("ResourceTagMappingList", [])
        tagged = {"cache": set(), "load_balancer": set(), "ecs_cluster": set(), "bucket": set()}
        for mapping in mappings:
            arn = mapping["ResourceARN"]
            parts = arn.split(":", 5)
            if len(parts) < 6:
                continue
            service, resource = parts[2], parts[5]
            if service == "elasticache" and resource.startswith("replicationgroup:"):
                tagged["cache"].add(arn)
            elif service == "elasticloadbalancing" and resource.startswith("loadbalancer/"):
                tagged["load_balancer"].add(arn)
            elif service == "ecs" and resource.startswith("cluster/"):
                tagged["ecs_cluster"].add(arn)
            elif service == "s3" and resource and "/" not in resource:
                tagged["bucket"].add(resource)
        return tagged

    def _cache_group(self, region, tagged, settings):
        groups = []
        if tagged["cache"]:
            elasticache = self._client("elasticache", region)
            all_groups = _paginate(elasticache, "describe_replication_groups").get("ReplicationGroups", [])
            groups = [group for group in all_groups if group.get("ARN") in tagged["cache"]]
        group = _preferred(groups, "ReplicationGroupId", f"{settings['id']}-redis")
        if group is None:
            return {"cache": None}
        node_groups = sorted(group.get("NodeGroups", []), key=lambda item: item.get("NodeGroupId", ""))
        primary = (node_groups[0].get("PrimaryEndpoint") or {}) if node_groups else {}
        reader = (node_groups[0].get("ReaderEndpoint") or {}) if node_groups else {}
        configuration = group.get("ConfigurationEndpoint") or {}
        global_info = group.get("GlobalReplicationGroupInfo") or {}
        return {
            "cache": {
                "replication_group_id": group["ReplicationGroupId"],
                "status": group.get("Status"),
                "cluster_mode": group.get("ClusterEnabled", False),
                "primary_endpoint": primary.get("Address"),
                "reader_endpoint": reader.get("Address"),
                "configuration_endpoint": configuration.get("Address"),
                "port": configuration.get("Port") or primary.get("Port"),
                "global_replication_group_id": global_info.get("GlobalReplicationGroupId"),
                "global_replication_group_role": global_info.get("GlobalReplicationGroupMemberRole"),
            }
        }

    def _load_balancers(self, region, tagged, settings):
        ours = []
        if tagged["load_balancer"]:
            elbv2 = self._client("elbv2", region)
            ours = [lb for lb in _paginate(elbv2, "describe_load_balancers").get("LoadBalancers", []) if lb["LoadBalancerArn"] in tagged["load_balancer"]]
        found = {
            lb["LoadBalancerName"]: {
                "name": lb["LoadBalancerName"],
                "arn": lb["LoadBalancerArn"],
                "dns_name": lb.get("DNSName"),
                "zone_id": lb.get("CanonicalHostedZoneId"),
                "type": lb.get("Type"),
                "scheme": lb.get("Scheme"),
            }
            for lb in ours
        }
        chosen = _preferred(list(found.values()), "name", f"{settings['prefix']}-alb")
        return {"load_balancer": chosen, "load_balancers": {name: found[name]["dns_name"] for name in sorted(found)}}

    def _ecs(self, region, tagged, settings):
        clusters = {}
        if tagged["ecs_cluster"]:
            ecs = self._client("ecs", region)
            for chunk in _chunks(sorted(tagged["ecs_cluster"]), 100):
                for cluster in ecs.describe_clusters(clusters=chunk, aws_retry=True).get("clusters", []):
                    if cluster.get("status") == "ACTIVE":
                        services = _paginate(ecs, "list_services", cluster=cluster["clusterArn"]).get("serviceArns", [])
                        clusters[cluster["clusterName"]] = sorted(arn.rsplit("/", 1)[-1] for arn in services)
        names = sorted(clusters)
        chosen = _preferred([{"name": name} for name in names], "name", f"{settings['prefix']}-cluster")
        return {
            "ecs_cluster": chosen["name"] if chosen else None,
            "ecs_services": clusters[chosen["name"]] if chosen else [],
            "ecs_clusters": {name: clusters[name] for name in names},
        }

    def _buckets(self, region, tagged, settings):
        """The tagged buckets located in the region: ListBuckets with BucketRegion says where, with no call per bucket."""
        names = []
        if tagged["bucket"]:
            s3 = self._client("s3", region)
            located = {bucket["Name"] for bucket in _paginate(s3, "list_buckets", BucketRegion=region).get("Buckets", [])}
            names = sorted(tagged["bucket"] & located)
        content = re.compile(re.escape(f"{settings['prefix']}-content") + r"(-[a-z0-9-]+)?$")
        return {"buckets": names, "content_buckets": [name for name in names if content.match(name)]}

    def _lightsail(self, region):
        lightsail = self._client("lightsail", region)
        instances, token = [], None
        while True:
            answer = lightsail.get_instances(**({"pageToken": token} if token else {}), aws_retry=True)
            instances.extend(answer.get("instances", []))
            token = answer.get("nextPageToken")
            if not token:
                break
        return [
            {
                "ansible_host": instance.get("publicIpAddress"),
                "ansible_user": instance.get("username"),
                "lightsail_instance_name": instance["name"],
                "lightsail_region": region,
                "lightsail_availability_zone": (instance.get("location") or {}).get("availabilityZone"),
                "lightsail_blueprint": instance.get("blueprintId"),
                "lightsail_bundle": instance.get("bundleId"),
                "lightsail_state": (instance.get("state") or {}).get("name"),
                "lightsail_private_ip": instance.get("privateIpAddress"),
                "lightsail_arn": instance.get("arn"),
                "lightsail_tags": dict(sorted(_tags(instance.get("tags")).items())),
            }
            for instance in instances
        ]

    # Inventory

    def _populate(self, result):
        self.inventory.add_group(REGIONS_GROUP)
        regions = result["regions"]
        order = sorted(regions, key=lambda region: (ROLES.index(regions[region]["role"]), region))
        for role in ROLES:
            if any(entry["role"] == role for entry in regions.values()):
                self.inventory.add_group(role)
                self.inventory.add_child(REGIONS_GROUP, role)
        for region in order:
            entry = regions[region]
            host_vars = {
                "ansible_connection": "local",
                "aws_region": region,
                "platform_region_role": entry["role"],
                "platform_found": entry["found"],
            }
            self._add_host(region, entry["role"], host_vars)

        instances = result["lightsail"]
        if instances:
            self.inventory.add_group(LIGHTSAIL_GROUP)
        names = [instance["lightsail_instance_name"] for instance in instances]
        for instance in instances:
            name = instance["lightsail_instance_name"]
            # Lightsail names are unique per region only: an instance name found in two regions gets its region.
            host = name if names.count(name) == 1 else f"{name}.{instance['lightsail_region']}"
            self._add_host(host, LIGHTSAIL_GROUP, instance)

    def _add_host(self, host, group, host_vars):
        self.inventory.add_host(host, group=group)
        for key, value in host_vars.items():
            self.inventory.set_variable(host, key, value)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
        # Groups see the composed variables too.
        all_vars = self.inventory.get_host(host).get_vars()
        self._add_host_to_composed_groups(self.get_option("groups"), all_vars, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), all_vars, host, strict=strict)
