"""The one place where moto is patched to answer like AWS.

Each patch reproduces a documented or observed AWS behaviour that moto 5.2.5 gets wrong, and says which; one more,
marked as such, only makes moto faster. They patch moto's classes (not backend instances), so they survive
``/moto-api/reset``. ``apply_all()`` runs them once.
"""

import functools
import json
import re

from moto.core.exceptions import JsonRESTError

from .acm import acm_certificate_in_use, acm_dns_validation, acm_list_certificates_default_key_types, acm_request_certificate_options
from .backup import backup_plan_update_and_versions, backup_selections, backup_vault_type_and_state
from .cloudfront import cloudfront_distribution_config_as_sent, cloudfront_origin_access_controls
from .cloudwatch import cloudwatch_alarm_query_account_id, cloudwatch_delete_alarms_drops_tags
from .cost_explorer import ce_anomaly_monitors_and_subscriptions
from .ecs import (
    ecs_cluster_settings_and_configuration,
    ecs_service_configuration,
    ecs_service_tasks_and_deployments,
    elbv2_app_health_oracle,
    wafv2_list_resources_for_web_acl,
)
from .monitoring import budgets_update_and_subscribers, cloudwatch_put_dashboard_needs_widgets, xray_sampling_rules
from .rds_parameters import engine_default_cluster_parameters
from .s3 import s3_bucket_replication_as_sent, s3_intelligent_tiering_configurations, s3_put_object_checksum_verified
from .security import guardduty_detectors_as_aws, guardduty_tags_and_threat_intel_sets, securityhub_standards_and_tags
from .sns import sns_email_subscriptions_pending_confirmation
from .synthetics import synthetics_canary_lifecycle
from .teardown import kms_key_deletion_by_arn
from .wafv2 import wafv2_list_logging_configurations_scope, wafv2_put_logging_configuration_checks


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


def rds_windows_may_touch() -> None:
    """A backup window that ends when the maintenance window starts (03:00-04:00 and Sun:04:00-Sun:05:00) is accepted.

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html#USER_WorkingWithAutomatedBackups.BackupWindow):
    the two windows must not overlap; windows that only share an end point do not, and are a common setting (seed 000's
    own, and terraform-aws-rds's examples 03:00-06:00 with Mon:00:00-Mon:03:00). moto counts a shared end point as an
    overlap and refuses CreateDBInstance and ModifyDBInstance with InvalidParameterValue.
    """
    from moto.rds import models

    original = models.valid_preferred_maintenance_window
    overlap_message = "The backup window and maintenance window must not overlap."

    def minutes(clock: str) -> int:
        hours, mins = clock.split(":")
        return int(hours) * 60 + int(mins)

    def strictly_overlap(maintenance_window: str, backup_window: str) -> bool:
        days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        start_day, start_clock, end_day, end_clock = maintenance_window[:3], maintenance_window[4:9], maintenance_window[10:13], maintenance_window[14:]
        start = days.index(start_day.lower()) * 1440 + minutes(start_clock)
        end = days.index(end_day.lower()) * 1440 + minutes(end_clock)
        end += 7 * 1440 if end <= start else 0
        backup_start, backup_end = (minutes(part) for part in backup_window.split("-"))
        backup_end += 1440 if backup_end <= backup_start else 0
        return any(
            day * 1440 + backup_start < end + shift and start + shift < day * 1440 + backup_end for day in range(-1, 8) for shift in (-7 * 1440, 0, 7 * 1440)
        )

    def valid_preferred_maintenance_window(maintenance_window, backup_window):
        message = original(maintenance_window, backup_window)
        if message == overlap_message and not strictly_overlap(maintenance_window, backup_window):
            return original(maintenance_window, None)
        return message

    models.valid_preferred_maintenance_window = valid_preferred_maintenance_window


def rds_gp3_baseline_performance() -> None:
    """A gp3 DB instance reports its baseline Iops and StorageThroughput when none were asked for.

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage): gp3 storage below
    400 GiB (PostgreSQL) has a baseline of 3,000 IOPS and 125 MiB/s, from 400 GiB 12,000 IOPS and 500 MiB/s, and
    DescribeDBInstances returns both. moto returns neither, and amazon.aws.rds_instance fails on a re-run with
    KeyError 'StorageThroughput'.
    """
    from moto.rds.models import DBInstance

    storage_throughput = DBInstance.storage_throughput
    original_init = DBInstance.__init__

    def baseline(instance) -> tuple[int, int]:
        return (12000, 500) if int(instance.allocated_storage or 0) >= 400 else (3000, 125)

    def throughput(self):
        value = storage_throughput.fget(self)
        return baseline(self)[1] if value is None and self.storage_type == "gp3" else value

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if self.storage_type == "gp3" and not self.iops:
            self.iops = baseline(self)[0]

    DBInstance.storage_throughput = property(throughput, storage_throughput.fset)
    DBInstance.__init__ = __init__


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


def rds_global_cluster_create_describe_and_tags() -> None:
    """CreateGlobalCluster refuses a taken id and makes its source cluster the writer; DescribeGlobalClusters selects.

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html): an identifier in use
    fails with GlobalClusterAlreadyExistsFault; the SourceDBClusterIdentifier cluster (an ARN, in any region) becomes
    the primary member (IsWriter true, its GlobalClusterIdentifier the global id), and the global cluster takes its
    engine, version and storage encryption; Tags are kept, and the global cluster's ARN takes the tagging calls.
    DescribeGlobalClusters (.../API_DescribeGlobalClusters.html) returns only the cluster named by
    GlobalClusterIdentifier (GlobalClusterNotFoundFault if none) and supports the ``region`` filter.
    moto: replaces an existing global cluster, members and all, with a new empty one; adds the source as a reader, with
    StorageEncrypted false, finds a source only in us-east-1 and gives it the global ARN as GlobalClusterIdentifier;
    drops Tags and refuses global cluster ARNs in tag calls; ignores GlobalClusterIdentifier and Filters, so
    amazon.aws.rds_global_cluster_info lists every global cluster.
    """
    from moto.rds.models import RDSBackend
    from moto.rds.responses import RDSResponse

    from . import rds_global

    original_resource_for_tagging = RDSBackend._get_resource_for_tagging

    @functools.wraps(original_resource_for_tagging)
    def _get_resource_for_tagging(self, arn: str):
        if ":global-cluster:" in arn:
            return rds_global.get_global_cluster(rds_global.global_backend(self.account_id), arn)
        return original_resource_for_tagging(self, arn)

    RDSBackend.create_global_cluster = rds_global.create_global_cluster
    RDSBackend._get_resource_for_tagging = _get_resource_for_tagging
    RDSResponse.create_global_cluster = rds_global.create_global_cluster_response
    RDSResponse.describe_global_clusters = rds_global.describe_global_clusters_response


def rds_global_cluster_members_join() -> None:
    """A DB cluster made with GlobalClusterIdentifier joins as AWS does: the first as primary, the others as its replicas.

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbcluster.html, MasterUsername):
    an unknown global id fails with GlobalClusterNotFoundFault; the first member is the primary and needs
    MasterUsername; a later one is a read-only secondary that must not name master credentials (InvalidParameterCombination
    "Cannot specify user name for cross region replication cluster"), inherits the primary's MasterUsername, replicates
    from the primary (ReplicationSourceIdentifier, its ARN; IsWriter false, listed in the primary's Readers) and forwards
    writes when asked (GlobalWriteForwardingStatus). A cluster restored from a member's snapshot or point in time is
    standalone.
    moto: makes a standalone cluster that names an unknown global id; takes credentials on a secondary and reports none
    otherwise; leaves ReplicationSourceIdentifier unset and GlobalWriteForwardingStatus always disabled; a restored
    cluster rejoins its source's global cluster. A secondary made without EngineVersion takes the global cluster's
    rather than moto's default (12.7 for aurora-postgresql).
    """
    from moto.rds.models import DBCluster, GlobalCluster, RDSBackend

    from . import rds_global

    original_create = RDSBackend.create_db_cluster
    original_restore_to_point_in_time = RDSBackend.restore_db_cluster_to_point_in_time
    original_get_cfg = DBCluster.get_cfg

    @functools.wraps(original_create)
    def create_db_cluster(self, kwargs):
        global_cluster = rds_global.joining_global_cluster(self, kwargs)
        cluster = original_create(self, kwargs)
        if global_cluster is not None:
            rds_global.join(global_cluster, cluster)
        return cluster

    @functools.wraps(original_restore_to_point_in_time)
    def restore_db_cluster_to_point_in_time(self, *args, **kwargs):
        return original_restore_to_point_in_time(self, *args, **kwargs | rds_global.STANDALONE)

    @functools.wraps(original_get_cfg)
    def get_cfg(self):
        # The configuration RestoreDBClusterFromSnapshot builds the new cluster from.
        return original_get_cfg(self) | rds_global.STANDALONE

    RDSBackend.create_db_cluster = create_db_cluster
    RDSBackend.restore_db_cluster_to_point_in_time = restore_db_cluster_to_point_in_time
    DBCluster.get_cfg = get_cfg
    DBCluster.global_write_forwarding_status = property(rds_global.global_write_forwarding_status)
    GlobalCluster.global_cluster_members = property(rds_global.global_cluster_members)


def rds_global_cluster_members_leave() -> None:
    """A member leaves a global cluster only through RemoveFromGlobalCluster, from any region; then it stands alone.

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RemoveFromGlobalCluster.html,
    https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-detaching.html): the member,
    named by ARN, becomes a standalone writable cluster, without GlobalClusterIdentifier or ReplicationSourceIdentifier;
    the primary is removed last. DeleteDBCluster and PromoteReadReplicaDBCluster on a member fail with
    InvalidDBClusterStateFault ("This cluster is a part of a global cluster, please remove it from globalcluster
    first"). DeleteGlobalCluster (.../API_DeleteGlobalCluster.html) fails with GlobalClusterNotFoundFault for an
    unknown id and refuses a global cluster with DeletionProtection.
    moto: RemoveFromGlobalCluster looks for both the global cluster and the member in the caller's region only, swallows
    every error and answers an empty GlobalCluster; even when it finds them, the cluster keeps its GlobalClusterIdentifier.
    DeleteDBCluster deletes a member; PromoteReadReplicaDBCluster fails with HTTP 500 on one; DeleteGlobalCluster fails
    with HTTP 500 (KeyError) on an unknown id and ignores DeletionProtection.
    """
    from moto.rds.exceptions import InvalidDBClusterStateFault, InvalidParameterCombination
    from moto.rds.models import RDSBackend

    from . import rds_global

    original_delete_cluster = RDSBackend.delete_db_cluster
    original_promote = RDSBackend.promote_read_replica_db_cluster
    original_delete_global_cluster = RDSBackend.delete_global_cluster

    def refuse_member(backend, cluster_identifier: str) -> None:
        cluster = backend.clusters.get(cluster_identifier)
        if cluster is not None and rds_global.global_cluster_of(cluster) is not None:
            raise InvalidDBClusterStateFault(rds_global.MEMBER_OF_GLOBAL_CLUSTER)

    @functools.wraps(original_delete_cluster)
    def delete_db_cluster(self, cluster_identifier: str, snapshot_name: str | None = None):
        refuse_member(self, cluster_identifier)
        return original_delete_cluster(self, cluster_identifier, snapshot_name)

    @functools.wraps(original_promote)
    def promote_read_replica_db_cluster(self, db_cluster_identifier: str):
        refuse_member(self, db_cluster_identifier)
        return original_promote(self, db_cluster_identifier)

    @functools.wraps(original_delete_global_cluster)
    def delete_global_cluster(self, global_cluster_identifier: str):
        if rds_global.get_global_cluster(self, global_cluster_identifier).deletion_protection:
            raise InvalidParameterCombination("Cannot delete protected Global Cluster, please disable deletion protection and try again.")
        return original_delete_global_cluster(self, global_cluster_identifier)

    RDSBackend.remove_from_global_cluster = rds_global.remove_from_global_cluster
    RDSBackend.delete_db_cluster = delete_db_cluster
    RDSBackend.promote_read_replica_db_cluster = promote_read_replica_db_cluster
    RDSBackend.delete_global_cluster = delete_global_cluster


def rds_global_cluster_switchover_and_failover() -> None:
    """SwitchoverGlobalCluster and FailoverGlobalCluster exist, as in AWS; moto 5.2.5 implements neither (HTTP 500).

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html,
    .../API_FailoverGlobalCluster.html, .../API_FailoverState.html): the target secondary, named by ARN, becomes the
    primary and the old primary a secondary. FailoverGlobalCluster fails over (data loss allowed) with AllowDataLoss,
    switches over otherwise, and refuses AllowDataLoss together with Switchover. While the operation runs,
    DescribeGlobalClusters shows it in Status and FailoverState (Status pending, then switching-over or failing-over);
    FailoverState goes when it is done, and a second one is refused with InvalidGlobalClusterStateFault meanwhile.
    After a failover AWS re-adds the old primary as a secondary once its region has recovered, SynchronizationStatus
    pending-resync until it has caught up; here the region never went down, so it is back at once.
    Progress is one step per DescribeGlobalClusters, see rds_global.
    """
    from moto.rds.models import GlobalCluster
    from moto.rds.responses import RDSResponse

    from . import rds_global

    GlobalCluster.transition = None
    GlobalCluster.resyncing = None
    GlobalCluster.failover_state = property(rds_global.failover_state)
    RDSResponse.switchover_global_cluster = rds_global.switchover_global_cluster_response
    RDSResponse.failover_global_cluster = rds_global.failover_global_cluster_response


def rds_modify_global_cluster() -> None:
    """ModifyGlobalCluster exists, as in AWS; moto 5.2.5 does not implement it (HTTP 500).

    AWS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyGlobalCluster.html): sets
    DeletionProtection; renames with NewGlobalClusterIdentifier (GlobalClusterAlreadyExistsFault when taken; the
    members then name the new id); upgrades EngineVersion of the global cluster and every member, to a new major
    version only with AllowMajorVersionUpgrade. Refused with InvalidGlobalClusterStateFault during a switchover or
    failover. Applied at once.
    """
    from moto.rds.responses import RDSResponse

    from . import rds_global

    RDSResponse.modify_global_cluster = rds_global.modify_global_cluster_response


class _PerformanceInsights:
    """DBInstance's Performance Insights fields; the key and the retention period show only while enabled."""

    @property
    def performance_insights_enabled(self) -> bool:
        return bool(self.enable_performance_insights)

    @property
    def performance_insights_retention_period(self) -> int | None:
        return (self._performance_insights_retention_period or 7) if self.enable_performance_insights else None

    @performance_insights_retention_period.setter
    def performance_insights_retention_period(self, value: int | None) -> None:
        self._performance_insights_retention_period = value

    @property
    def performance_insights_kms_key_id(self) -> str | None:
        return self._performance_insights_kms_key_id if self.enable_performance_insights else None

    @performance_insights_kms_key_id.setter
    def performance_insights_kms_key_id(self, value: str | None) -> None:
        self._performance_insights_kms_key_id = value


def rds_cluster_delete_removes_automated_backups() -> None:
    """Deleting a DB cluster removes its automated backups unless DeleteAutomatedBackups is false.

    AWS: DeleteDBCluster's DeleteAutomatedBackups "specifies whether to remove automated backups immediately after the DB
    cluster is deleted. ... The default is to remove automated backups immediately after the DB cluster is deleted"
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html).
    moto: keeps the automated snapshot (rds:<cluster>-<yyyy-mm-dd-hh-mm>) of a deleted cluster, so a cluster made again
    under the same name within the same minute (a restore drill run twice) fails: "a snapshot with the identifier ...
    already exists".
    """
    from moto.rds.responses import RDSResponse

    original = RDSResponse.delete_db_cluster

    @functools.wraps(original)
    def delete_db_cluster(self):
        identifier = self.params.get("DBClusterIdentifier")
        result = original(self)
        if str(self.params.get("DeleteAutomatedBackups", "true")).lower() != "false":
            for name, snapshot in list(self.backend.cluster_snapshots.items()):
                if snapshot.snapshot_type == "automated" and snapshot.cluster.db_cluster_identifier == identifier:
                    del self.backend.cluster_snapshots[name]
        return result

    RDSResponse.delete_db_cluster = delete_db_cluster


def rds_cluster_instance_subnet_group_and_performance_insights() -> None:
    """A DB instance reports its Performance Insights settings, and a cluster member its cluster's DB subnet group.

    AWS: DescribeDBInstances always returns PerformanceInsightsEnabled, false unless enabled; while enabled, also
    PerformanceInsightsKMSKeyId and PerformanceInsightsRetentionPeriod (7 days by default)
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html). An Aurora instance belongs to its
    cluster's DB subnet group and reports it as DBSubnetGroup
    (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html, DBSubnetGroupName).
    moto: never returns the three Performance Insights fields (it drops EnablePerformanceInsights on create), and gives a
    cluster member no DBSubnetGroup, so amazon.aws.rds_instance modifies such an instance on every run.
    """
    from moto.rds.models import DBInstance, DBInstanceClustered

    original_init = DBInstance.__init__
    original_clustered_init = DBInstanceClustered.__init__

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.enable_performance_insights = bool(kwargs.get("enable_performance_insights"))
        self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")
        self.performance_insights_retention_period = kwargs.get("performance_insights_retention_period")

    @functools.wraps(original_clustered_init)
    def clustered_init(self, *args, **kwargs):
        original_clustered_init(self, *args, **kwargs)
        if not kwargs.get("db_subnet_group_name") and self.cluster.db_subnet_group_name in self.backend.subnet_groups:
            self.db_subnet_group_name = self.cluster.db_subnet_group_name

    DBInstance.__init__ = __init__
    DBInstanceClustered.__init__ = clustered_init
    for name in ("performance_insights_enabled", "performance_insights_retention_period", "performance_insights_kms_key_id"):
        setattr(DBInstance, name, vars(_PerformanceInsights)[name])


def elasticache_cache_cluster_nodes_and_deletion() -> None:
    """A cache cluster shows its nodes, parameter group and security groups, and DeleteCacheCluster deletes it.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheClusters.html,
    .../API_CacheCluster.html, .../API_CacheNode.html): with ShowCacheNodeInfo, each cluster lists its CacheNodes (id 0001
    and up, status, endpoint, zone, ParameterGroupStatus), without it none; CacheParameterGroup (the engine version's
    default group when none was given, in-sync) and SecurityGroups (id, active) are always there, and a memcached
    cluster listens on 11211 and has a ConfigurationEndpoint;
    ShowCacheClustersNotInReplicationGroups leaves out replication group members. DeleteCacheCluster
    (.../API_DeleteCacheCluster.html) answers status deleting and the cluster is then gone (CacheClusterNotFound);
    a read replica of a cluster mode disabled group may be deleted this way and leaves the group, a primary or a cluster
    mode enabled member may not (InvalidCacheClusterState).
    moto: never returns CacheNodes, CacheParameterGroup or SecurityGroups, so community.aws.elasticache fails; gives
    memcached port 6379; ignores both flags; keeps a deleted cluster in status deleting for ever, so the
    CacheClusterDeleted waiter times out.
    """
    from moto.elasticache.models import CacheCluster, ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    original_init = CacheCluster.__init__

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        elasticache.standalone_defaults(self, kwargs.get("port"))

    CacheCluster.__init__ = __init__
    CacheCluster.cache_nodes = property(elasticache.standalone_cache_nodes)
    CacheCluster.configuration_endpoint = property(elasticache.standalone_configuration_endpoint)
    CacheCluster.cache_parameter_group = property(elasticache.standalone_cache_parameter_group)
    CacheCluster.security_groups = property(elasticache.standalone_security_groups)
    ElastiCacheBackend.delete_cache_cluster = elasticache.delete_cache_cluster
    ElastiCacheResponse.describe_cache_clusters = elasticache.describe_cache_clusters_response


def elasticache_cache_parameter_groups() -> None:
    """Cache parameter groups exist, as in AWS, with engine defaults for redis7, valkey7 and valkey8; moto 5.2.5 has none.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html,
    .../API_DescribeCacheParameterGroups.html, .../API_ModifyCacheParameterGroup.html, .../API_ResetCacheParameterGroup.html,
    .../API_DeleteCacheParameterGroup.html, .../API_DescribeCacheParameters.html, .../API_DescribeEngineDefaultParameters.html,
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html): every region has the default
    groups (default.redis7, default.redis7.cluster.on, ...), which cannot be modified or deleted; a new group lists its
    family's parameters with Source system, DataType, AllowedValues, IsModifiable, MinimumEngineVersion and ChangeType;
    a modified one becomes Source user, and only modifiable parameters take values within AllowedValues
    (InvalidParameterValue); a group in use cannot be deleted (InvalidCacheParameterGroupState); tags go with its ARN.
    moto: answers every one of these operations with HTTP 500, and refuses parameter group ARNs in tag calls.
    """
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    original_init = ElastiCacheBackend.__init__

    @functools.wraps(original_init)
    def __init__(self, region_name: str, account_id: str):
        original_init(self, region_name, account_id)
        self.arn_regex = re.compile(elasticache.ARN_PATTERN)
        self.cache_parameter_groups = elasticache.default_parameter_groups(self)

    ElastiCacheBackend.__init__ = __init__
    for operation in (
        "create_cache_parameter_group",
        "describe_cache_parameter_groups",
        "modify_cache_parameter_group",
        "reset_cache_parameter_group",
        "delete_cache_parameter_group",
        "describe_cache_parameters",
        "describe_engine_default_parameters",
    ):
        setattr(ElastiCacheResponse, operation, getattr(elasticache, f"{operation}_response"))


def elasticache_replication_group_create() -> None:
    """CreateReplicationGroup checks what AWS checks and builds the group AWS builds, members and all.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html,
    .../API_ReplicationGroup.html, .../API_NodeGroup.html): the id is stored lowercase and has 1 to 40 letters, digits or
    hyphens, a letter first; AuthToken has 16 to 128 printable characters and needs TransitEncryptionEnabled; automatic
    failover with cluster mode disabled needs a replica (NumCacheClusters >= 2), Multi-AZ needs automatic failover,
    cluster mode enabled needs automatic failover; KmsKeyId needs AtRestEncryptionEnabled and a key of the region; the
    parameter group, cache subnet group, seed snapshot and RDB files in S3 (SnapshotArns) must exist, and the parameter
    group must fit the engine version's family and the cluster mode (default.redis7, default.redis7.cluster.on, ... when
    none is given). NumCacheClusters members (cluster mode disabled: -001 primary, PrimaryEndpoint, ReaderEndpoint,
    ReadEndpoint and CurrentRole per member) or NumNodeGroups shards of ReplicasPerNodeGroup + 1 members (cluster mode
    enabled: ConfigurationEndpoint, the 16384 slots split evenly), each member cluster with node 0001, in the requested
    zones or spread over the subnet group's; every member is a cache cluster DescribeCacheClusters shows, with the group's
    engine version, parameter group, maintenance window and security groups. The response says creating.
    moto: checks none of this; makes one member whatever NumCacheClusters says; puts every member in us-east-1a or
    us-east-1b and every endpoint in use1; cuts slots as if there were three shards (two leave 10923-16383 unserved, a
    fourth runs past 16383); numbers cache nodes by shard; registers no member cluster (CacheClusterNotFound), so the
    engine version, parameter group and maintenance window it was given are nowhere to be read; defaults SnapshotWindow
    to 05:00-6:00 and says available at once.
    """
    from moto.elasticache.models import ElastiCacheBackend, ReplicationGroup
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    original_create = ElastiCacheBackend.create_replication_group
    original_describe = ElastiCacheBackend.describe_replication_groups
    original_response = ElastiCacheResponse.create_replication_group

    @functools.wraps(original_create)
    def create_replication_group(self, **kwargs):
        return elasticache.create_replication_group(original_create, self, kwargs)

    @functools.wraps(original_describe)
    def describe_replication_groups(self, replication_group_id: str | None = None):
        return original_describe(self, replication_group_id.lower() if replication_group_id else None)

    @functools.wraps(original_response)
    def create_replication_group_response(self):
        return elasticache.reported_group(original_response(self).result["ReplicationGroup"], "creating")

    ReplicationGroup.global_group = None
    ReplicationGroup.auth_tokens = ()
    ReplicationGroup.global_replication_group_info = property(elasticache.global_replication_group_info)
    ReplicationGroup.pending_modified_values = property(lambda self: {})
    ElastiCacheBackend.create_replication_group = create_replication_group
    ElastiCacheBackend.describe_replication_groups = describe_replication_groups
    ElastiCacheResponse.create_replication_group = create_replication_group_response


def elasticache_replication_group_modify_and_delete() -> None:
    """ModifyReplicationGroup changes every field AWS changes; DeleteReplicationGroup deletes, with a final snapshot if asked.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html,
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html#auth-modifyng-token): description, node type,
    engine and engine version (no downgrade, valkey not back to redis, a new major version takes a parameter group of its
    family), parameter group, maintenance and snapshot windows, snapshot retention and snapshotting cluster, security
    groups, notification topic, automatic failover and Multi-AZ (same rules as at creation), primary cluster, log
    delivery (Enabled false removes one), user groups, in-transit encryption (turned on in mode preferred, then required)
    and the AUTH token: ROTATE adds a token beside the old one, SET (only after ROTATE) keeps the new one, DELETE only
    when moving to RBAC; AuthTokenLastModifiedDate moves. Node type, engine and parameter group of a Global datastore
    member change only through the datastore. DeleteReplicationGroup (.../API_DeleteReplicationGroup.html) answers
    deleting, then the group and its member clusters are gone (ReplicationGroupNotFoundFault); FinalSnapshotIdentifier
    takes a snapshot first (SnapshotAlreadyExistsFault if taken); RetainPrimaryCluster keeps the primary as a standalone
    cluster; a Global datastore member cannot be deleted (InvalidReplicationGroupState).
    moto: modifies only description, engine, node type, failover, Multi-AZ and retention, with no checks; keeps a
    deleted group listed as deleting for ever (so the ReplicationGroupDeleted waiter never succeeds), ignores
    FinalSnapshotIdentifier and keeps the deleted group's tags for a new group of the same name.
    """
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    ElastiCacheResponse.modify_replication_group = elasticache.modify_replication_group_response
    ElastiCacheResponse.delete_replication_group = elasticache.delete_replication_group_response


def elasticache_replica_count_and_shard_configuration() -> None:
    """IncreaseReplicaCount, DecreaseReplicaCount and ModifyReplicationGroupShardConfiguration exist, as in AWS (moto: HTTP 500).

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_IncreaseReplicaCount.html,
    .../API_DecreaseReplicaCount.html, .../API_ModifyReplicationGroupShardConfiguration.html): NewReplicaCount for every
    shard or ReplicaConfiguration per shard (0 to 5 replicas, more or fewer than now), or ReplicasToRemove; not below one
    replica while automatic failover or Multi-AZ needs it. Shards change only with cluster mode enabled and
    ApplyImmediately true: more shards get the first shard's replica count, fewer need NodeGroupsToRemove or
    NodeGroupsToRetain; slots are rebalanced evenly. Members of a Global datastore reshard through the datastore.
    """
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    ElastiCacheResponse.increase_replica_count = elasticache.increase_replica_count_response
    ElastiCacheResponse.decrease_replica_count = elasticache.decrease_replica_count_response
    ElastiCacheResponse.modify_replication_group_shard_configuration = elasticache.modify_replication_group_shard_configuration_response


def elasticache_global_datastores() -> None:
    """Global datastores exist, as in AWS; moto 5.2.5 has none of their operations (HTTP 500) and takes any GlobalReplicationGroupId.

    AWS (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateGlobalReplicationGroup.html,
    .../API_DescribeGlobalReplicationGroups.html, .../API_ModifyGlobalReplicationGroup.html,
    .../API_FailoverGlobalReplicationGroup.html, .../API_DisassociateGlobalReplicationGroup.html,
    .../API_DeleteGlobalReplicationGroup.html, .../API_IncreaseNodeGroupsInGlobalReplicationGroup.html,
    .../API_DecreaseNodeGroupsInGlobalReplicationGroup.html,
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html): the id is a
    region prefix and the given suffix, unique across regions; the primary (Redis OSS 5.0.6+ or Valkey, no T-family node)
    gives the datastore its engine, version, node type, shards and encryption; a secondary in another region (at most
    two, one per region) joins through CreateReplicationGroup with GlobalReplicationGroupId, takes all of those, and may
    not ask for others; Members list each with its Role (ShowMemberInfo). ModifyGlobalReplicationGroup changes node type,
    engine version, parameter group and automatic failover of every member; FailoverGlobalReplicationGroup makes a
    secondary the primary and the old primary a secondary; DisassociateGlobalReplicationGroup makes a secondary
    standalone; DeleteGlobalReplicationGroup needs the secondaries gone and keeps or deletes the primary; node groups
    change in every member alike. Tags of the datastore go with its ARN from any region.
    moto: makes a standalone group marked SECONDARY of whatever id it is given.
    """
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    from . import elasticache

    original_init = ElastiCacheBackend.__init__

    @functools.wraps(original_init)
    def __init__(self, region_name: str, account_id: str):
        original_init(self, region_name, account_id)
        self.global_replication_groups = {}

    def tagged(original):
        @functools.wraps(original)
        def tag_call(self, arn: str, *args):
            return original(elasticache.tagging_backend(self, arn), arn, *args)

        return tag_call

    ElastiCacheBackend.__init__ = __init__
    for method in ("list_tags_for_resource", "add_tags_to_resource", "remove_tags_from_resource"):
        setattr(ElastiCacheBackend, method, tagged(getattr(ElastiCacheBackend, method)))
    for operation in (
        "create_global_replication_group",
        "describe_global_replication_groups",
        "modify_global_replication_group",
        "failover_global_replication_group",
        "disassociate_global_replication_group",
        "delete_global_replication_group",
        "increase_node_groups_in_global_replication_group",
        "decrease_node_groups_in_global_replication_group",
    ):
        setattr(ElastiCacheResponse, operation, getattr(elasticache, f"{operation}_response"))


def application_autoscaling_tags() -> None:
    """Scalable targets take tags: at registration, through TagResource and UntagResource, read by ListTagsForResource.

    AWS: a scalable target is a taggable resource, addressed by its ScalableTargetARN
    (https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html); RegisterScalableTarget's
    ``Tags`` tag a new target; an unknown ARN answers ResourceNotFoundException.
    moto: drops ``Tags`` and has none of the three tag operations, so every tag call answers 500 and modules that
    keep tags on their targets (ecs_service_autoscaling, aurora_replica_autoscaling) cannot run.
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeScalableTarget
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    original_init = FakeScalableTarget.__init__
    original_register = ApplicationAutoscalingBackend.register_scalable_target

    @functools.wraps(original_init)
    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.tags = {}

    def target_by_arn(backend, arn):
        for targets in backend.targets.values():
            for target in targets.values():
                if target.arn == arn:
                    return target
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for ARN {arn}")

    @functools.wraps(original_register)
    def register_scalable_target(self, *args, **kwargs):
        target = original_register(self, *args, **kwargs)
        tags = getattr(self, "_stories_pending_tags", None)
        if tags and not target.tags:
            target.tags = dict(tags)
        return target

    def register_with_tags(response):
        backend = response.applicationautoscaling_backend
        backend._stories_pending_tags = response._get_param("Tags") or {}
        try:
            return original_register_response(response)
        finally:
            backend._stories_pending_tags = None

    def tag_resource(response):
        target = target_by_arn(response.applicationautoscaling_backend, response._get_param("ResourceARN"))
        target.tags.update(response._get_param("Tags") or {})
        return "{}"

    def untag_resource(response):
        target = target_by_arn(response.applicationautoscaling_backend, response._get_param("ResourceARN"))
        for key in response._get_param("TagKeys") or []:
            target.tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(response):
        target = target_by_arn(response.applicationautoscaling_backend, response._get_param("ResourceARN"))
        return json.dumps({"Tags": target.tags})

    original_register_response = ApplicationAutoScalingResponse.register_scalable_target
    FakeScalableTarget.__init__ = __init__
    ApplicationAutoscalingBackend.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.register_scalable_target = register_with_tags
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource


def s3_logging_target_policy_as_iam_reads_it() -> None:
    """PutBucketLogging accepts a target bucket whose policy lets the logging service write under the prefix, as IAM reads it.

    AWS: the target bucket's policy must allow ``logging.s3.amazonaws.com`` ``s3:PutObject`` on the log objects
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html); statements are read as IAM
    reads them: a Principal may be the string ``*``, Action and Resource a string or a list, and a Resource with
    wildcards grants every object it matches (``bucket/s3/*`` covers the prefix ``s3/content/``).
    moto: calls ``.get`` on every Principal (a ``"*"`` Principal, as in a deny-plain-HTTP statement, raises and the
    call answers 500), and takes only a Resource equal to ``bucket/<prefix>*``, ``bucket/*`` or the bucket itself.
    """
    import fnmatch

    from moto.s3.models import LOGGING_SERVICE_PRINCIPAL, FakeBucket

    def listed(value):
        return [value] if isinstance(value, str) else list(value or [])

    def _log_permissions_enabled_policy(target_bucket, target_prefix):
        if not target_bucket.policy:
            return False
        statements = listed(json.loads(target_bucket.policy.decode()).get("Statement"))
        sample = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}/{target_prefix or ''}log-object"
        for statement in statements if isinstance(statements, list) else [statements]:
            principal = statement.get("Principal")
            services = listed(principal.get("Service")) if isinstance(principal, dict) else []
            if LOGGING_SERVICE_PRINCIPAL not in services or statement.get("Effect") != "Allow":
                continue
            if not any(action in ("s3:PutObject", "s3:*", "*") for action in listed(statement.get("Action"))):
                continue
            if any(fnmatch.fnmatchcase(sample, resource) for resource in listed(statement.get("Resource"))):
                return True
        return False

    FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)


PATCHES = (
    ec2_tag_resource_types,
    ecs_cluster_capacity_provider_lists,
    backup_missing_vault_access_denied,
    backup_plan_update_and_versions,
    backup_selections,
    backup_vault_type_and_state,
    elbv2_default_load_balancer_attributes,
    rds_cluster_parameter_group_defaults,
    elasticache_cache_subnet_group_delete_and_modify,
    rds_windows_may_touch,
    rds_gp3_baseline_performance,
    iam_managed_policies_parsed_once,
    rds_global_cluster_create_describe_and_tags,
    rds_global_cluster_members_join,
    rds_global_cluster_members_leave,
    rds_global_cluster_switchover_and_failover,
    rds_modify_global_cluster,
    rds_cluster_instance_subnet_group_and_performance_insights,
    rds_cluster_delete_removes_automated_backups,
    elasticache_cache_cluster_nodes_and_deletion,
    elasticache_cache_parameter_groups,
    elasticache_replication_group_create,
    elasticache_replication_group_modify_and_delete,
    elasticache_replica_count_and_shard_configuration,
    elasticache_global_datastores,
    ecs_cluster_settings_and_configuration,
    ecs_service_configuration,
    ecs_service_tasks_and_deployments,
    elbv2_app_health_oracle,
    wafv2_list_resources_for_web_acl,
    wafv2_put_logging_configuration_checks,
    wafv2_list_logging_configurations_scope,
    acm_request_certificate_options,
    acm_dns_validation,
    acm_list_certificates_default_key_types,
    acm_certificate_in_use,
    cloudfront_distribution_config_as_sent,
    cloudfront_origin_access_controls,
    application_autoscaling_tags,
    s3_intelligent_tiering_configurations,
    s3_bucket_replication_as_sent,
    s3_put_object_checksum_verified,
    s3_logging_target_policy_as_iam_reads_it,
    sns_email_subscriptions_pending_confirmation,
    synthetics_canary_lifecycle,
    ce_anomaly_monitors_and_subscriptions,
    budgets_update_and_subscribers,
    xray_sampling_rules,
    cloudwatch_put_dashboard_needs_widgets,
    cloudwatch_alarm_query_account_id,
    cloudwatch_delete_alarms_drops_tags,
    guardduty_detectors_as_aws,
    guardduty_tags_and_threat_intel_sets,
    securityhub_standards_and_tags,
    kms_key_deletion_by_arn,
)


@functools.cache
def apply_all() -> None:
    for patch in PATCHES:
        patch()
