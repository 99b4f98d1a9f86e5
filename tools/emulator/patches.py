"""The one place where moto is patched to answer like AWS.

Each patch reproduces a documented or observed AWS behaviour that moto 5.2.5 gets wrong, and says which; one more,
marked as such, only makes moto faster. They patch moto's classes (not backend instances), so they survive
``/moto-api/reset``. ``apply_all()`` runs them once.
"""

import functools
import json

from moto.core.exceptions import JsonRESTError

from .rds_parameters import engine_default_cluster_parameters


def ec2_tag_resource_types() -> None:
    """DescribeTags names resource types as AWS does: a NAT gateway is ``natgateway``.

    AWS: the ``resource-type`` filter and each tag's ``ResourceType`` take EC2's ResourceType values
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html): ``natgateway``, ``elastic-ip``,
    ``vpc-flow-log``, ``dedicated-host``, ``prefix-list``, ``spot-instances-request``.
    moto: derives the type from the id prefix through ``EC2_PREFIX_TO_RESOURCE``, which says ``nat-gateway``,
    ``vpc-elastic-ip``, ``flow-logs``, ... so a ``resource-type=natgateway`` filter finds nothing and
    amazon.aws.ec2_vpc_nat_gateway re-tags on every run. The table serves only DescribeTags, so it is corrected in place.
    """
    from moto.ec2 import utils

    utils.EC2_PREFIX_TO_RESOURCE.update(
        {
            "nat": "natgateway",
            "eipalloc": "elastic-ip",
            "fl": "vpc-flow-log",
            "h": "dedicated-host",
            "pl": "prefix-list",
            "sir": "spot-instances-request",
        }
    )


def ecs_cluster_capacity_provider_lists() -> None:
    """A cluster always carries ``capacityProviders`` and ``defaultCapacityProviderStrategy``, empty when none are set.

    AWS: CreateCluster and DescribeClusters return both lists, as ``[]`` for a cluster without capacity providers
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html; the create-cluster examples in
    https://docs.aws.amazon.com/cli/latest/reference/ecs/create-cluster.html). community.aws.ecs_cluster, tested
    against AWS, reads ``existing["capacityProviders"]`` unguarded.
    moto: keeps them as None and leaves both keys out, so that module fails with KeyError on a re-run.
    """
    from moto.ecs.models import Cluster

    original = Cluster.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.capacity_providers = self.capacity_providers or []
        self.default_capacity_provider_strategy = self.default_capacity_provider_strategy or []

    Cluster.__init__ = __init__


class _BackupAccessDenied(JsonRESTError):
    code = 403

    def __init__(self) -> None:
        super().__init__("AccessDeniedException", "Insufficient privileges to perform this action.")


def backup_missing_vault_access_denied() -> None:
    """DescribeBackupVault on a vault that does not exist answers AccessDeniedException (HTTP 403).

    AWS: answers a vault name it does not know with AccessDeniedException, although the API reference
    (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeBackupVault.html) lists only
    ResourceNotFoundException; amazon.aws.backup_vault, whose integration tests run against AWS, takes
    AccessDeniedException from DescribeBackupVault to mean "no such vault" (get_vault_facts) and then creates it.
    moto: answers ResourceNotFoundException, which the module does not expect, so it fails before creating the vault.
    """
    from moto.backup.models import BackupBackend

    original = BackupBackend.describe_backup_vault

    @functools.wraps(original)
    def describe_backup_vault(self, backup_vault_name: str):
        if backup_vault_name not in self.vaults:
            raise _BackupAccessDenied()
        return original(self, backup_vault_name)

    BackupBackend.describe_backup_vault = describe_backup_vault


# https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html
_ELBV2_DEFAULT_ATTRIBUTES = {
    "application": {
        "access_logs.s3.enabled": "false",
        "access_logs.s3.bucket": "",
        "access_logs.s3.prefix": "",
        "client_keep_alive.seconds": "3600",
        "connection_logs.s3.enabled": "false",
        "connection_logs.s3.bucket": "",
        "connection_logs.s3.prefix": "",
        "deletion_protection.enabled": "false",
        "idle_timeout.timeout_seconds": "60",
        "load_balancing.cross_zone.enabled": "true",
        "routing.http.desync_mitigation_mode": "defensive",
        "routing.http.drop_invalid_header_fields.enabled": "false",
        "routing.http.preserve_host_header.enabled": "false",
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
        "routing.http.xff_client_port.enabled": "false",
        "routing.http.xff_header_processing.mode": "append",
        "routing.http2.enabled": "true",
        "waf.fail_open.enabled": "false",
        "zonal_shift.config.enabled": "false",
    },
    "network": {
        "access_logs.s3.enabled": "false",
        "access_logs.s3.bucket": "",
        "access_logs.s3.prefix": "",
        "deletion_protection.enabled": "false",
        "dns_record.client_routing_policy": "any_availability_zone",
        "load_balancing.cross_zone.enabled": "false",
        "zonal_shift.config.enabled": "false",
    },
    "gateway": {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
    },
}


def elbv2_default_load_balancer_attributes() -> None:
    """A new load balancer has AWS's full default attribute set for its type.

    AWS: DescribeLoadBalancerAttributes lists every attribute the type supports with its default, e.g. for an
    application load balancer idle_timeout.timeout_seconds=60, routing.http2.enabled=true, cross-zone always on
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html).
    moto: starts every type with the same four (cross-zone off, no idle timeout, no http2), so
    amazon.aws.elb_application_lb fails with KeyError or modifies on every run.
    """
    from moto.elbv2.models import FakeLoadBalancer

    original = FakeLoadBalancer.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.attrs = dict(_ELBV2_DEFAULT_ATTRIBUTES[self.type])

    FakeLoadBalancer.__init__ = __init__


def rds_cluster_parameter_group_defaults() -> None:
    """A new cluster parameter group lists its family's engine defaults; a modified parameter becomes ``Source=user``.

    AWS: DescribeDBClusterParameters on a new group returns every parameter of the family with Source engine-default,
    ApplyType, DataType, AllowedValues and IsModifiable
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusterParameters.html).
    moto: starts the group empty, so amazon.aws.rds_cluster_param_group cannot find any parameter to set.
    Data for the families in rds_parameters.py; other families stay empty.
    """
    from moto.rds.models import DBClusterParameterGroup

    original_init = DBClusterParameterGroup.__init__
    original_update = DBClusterParameterGroup.update_cluster_parameters

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        for parameter in engine_default_cluster_parameters(self.db_parameter_group_family):
            self.parameters[parameter["ParameterName"]] = parameter

    @functools.wraps(original_update)
    def update_cluster_parameters(self, new_parameters):
        new_parameters = list(new_parameters)
        original_update(self, new_parameters)
        for parameter in new_parameters:
            # CopyDBClusterParameterGroup passes on each parameter's Source; ModifyDBClusterParameterGroup sets none.
            if "Source" not in parameter:
                self.parameters[parameter["ParameterName"]]["Source"] = "user"

    DBClusterParameterGroup.__init__ = __init__
    DBClusterParameterGroup.update_cluster_parameters = update_cluster_parameters


def elasticache_cache_subnet_group_delete_and_modify() -> None:
    """DeleteCacheSubnetGroup and ModifyCacheSubnetGroup exist, as in AWS; moto 5.2.5 implements neither.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html,
    .../API_ModifyCacheSubnetGroup.html): deleting a group that a cluster or replication group still uses fails with
    ``CacheSubnetGroupInUse``, a missing one with ``CacheSubnetGroupNotFoundFault``; modifying replaces the description
    and the subnet list and keeps the name and tags. moto answers both with an HTML 500 (NotImplementedError), so
    community.aws.elasticache_subnet_group cannot remove or change a group.
    """
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound, ElastiCacheException
    from moto.elasticache.models import CacheSubnetGroup, ElastiCacheBackend
    from moto.elasticache.responses import ActionResult, ElastiCacheResponse, EmptyResult

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

        def __init__(self, name: str):
            super().__init__(f"Cache subnet group {name} is currently in use by a cache cluster or replication group.")

    def delete_cache_subnet_group(self, cache_subnet_group_name):
        if cache_subnet_group_name not in self.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(cache_subnet_group_name)
        users = list(self.cache_clusters.values()) + list(self.replication_groups.values())
        if any(getattr(user, "cache_subnet_group_name", None) == cache_subnet_group_name for user in users):
            raise CacheSubnetGroupInUse(cache_subnet_group_name)
        return self.cache_subnet_groups.pop(cache_subnet_group_name)

    def modify_cache_subnet_group(self, cache_subnet_group_name, cache_subnet_group_description=None, subnet_ids=None):
        if cache_subnet_group_name not in self.cache_subnet_groups:
            raise CacheSubnetGroupNotFound(cache_subnet_group_name)
        current = self.cache_subnet_groups[cache_subnet_group_name]
        # Built anew so that the VPC and zones are read again from the new subnets.
        group = CacheSubnetGroup(
            account_id=self.account_id,
            region_name=self.region_name,
            cache_subnet_group_name=cache_subnet_group_name,
            cache_subnet_group_description=cache_subnet_group_description or current.cache_subnet_group_description,
            subnet_ids=subnet_ids or current.subnet_ids,
            tags=current.tags,
        )
        self.cache_subnet_groups[cache_subnet_group_name] = group
        return group

    def delete_cache_subnet_group_response(self):
        self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))
        return EmptyResult()

    def modify_cache_subnet_group_response(self):
        group = self.elasticache_backend.modify_cache_subnet_group(
            self._get_param("CacheSubnetGroupName"),
            self._get_param("CacheSubnetGroupDescription"),
            self._get_param("SubnetIds", []),
        )
        return ActionResult({"CacheSubnetGroup": group})

    ElastiCacheBackend.delete_cache_subnet_group = delete_cache_subnet_group
    ElastiCacheBackend.modify_cache_subnet_group = modify_cache_subnet_group
    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group_response
    ElastiCacheResponse.modify_cache_subnet_group = modify_cache_subnet_group_response


def iam_managed_policies_parsed_once() -> None:
    """Speed, not AWS behaviour: parse the AWS managed policies once, and build them in the aws partition only.

    moto resolves the account of every request through the IAM backends of all six partitions; each one, created anew
    after every reset, re-parses moto's 5 MB managed policy file and builds its 1,582 policies: about 1 s per reset and
    again on the first request after it. The collection only uses the aws partition.
    """
    from moto import settings
    from moto.iam import models

    policies = json.loads(models.aws_managed_policies_data)

    def _init_aws_policies(self):
        if self.region_name != "aws" or not settings.load_iam_aws_managed_policies():
            return []
        return [models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data) for name, data in policies.items()]

    models.IAMBackend._init_aws_policies = _init_aws_policies


PATCHES = (
    ec2_tag_resource_types,
    ecs_cluster_capacity_provider_lists,
    backup_missing_vault_access_denied,
    elbv2_default_load_balancer_attributes,
    rds_cluster_parameter_group_defaults,
    elasticache_cache_subnet_group_delete_and_modify,
    iam_managed_policies_parsed_once,
)


@functools.cache
def apply_all() -> None:
    for patch in PATCHES:
        patch()
