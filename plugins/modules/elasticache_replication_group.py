#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elasticache_replication_group
version_added: 0.1.0
short_description: Manage ElastiCache (Redis OSS and Valkey) replication groups
description:
  - Create, modify, tag and delete an ElastiCache replication group running Redis OSS or Valkey, with
    cluster mode disabled (one shard, a primary and up to five replicas) or enabled (up to 500 shards),
    encryption at rest and in transit, AUTH, log delivery and snapshots. It can also create a group as a
    secondary member of a global datastore.
  - The module reads the group first and changes only what differs from the options given; options left
    unset keep the group's current value. All changes are applied at once, not in the next maintenance window.
  - Settings changed in place are the description, node type (scaling), engine version (upgrade, and
    V(redis) to V(valkey)), parameter group, maintenance and snapshot windows, snapshot retention, security
    groups, automatic failover, Multi-AZ, log delivery, minor version upgrades, encryption in transit
    (see O(transit_encryption_mode)), the number of replicas (C(IncreaseReplicaCount) and C(DecreaseReplicaCount))
    and, with cluster mode enabled, the number of shards (C(ModifyReplicationGroupShardConfiguration)).
  - AWS cannot change in place encryption at rest, the KMS key, cluster mode, the port, the subnet group or
    a V(valkey) engine back to V(redis), nor downgrade the engine version. When one of them differs from the
    existing group the module B(fails) and changes nothing, rather than replace the group (a new group has
    new endpoints and no data). Create a new group beside it instead.
  - When a task needs several kinds of change, the module makes them one after the other and waits for the
    group to be available in between, whatever O(wait) says, since AWS refuses a change while another runs.
    It also waits for a group that is being created or modified before changing it.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the replication group should exist.
    type: str
    choices: ["present", "absent"]
    default: present
  replication_group_id:
    description:
      - The identifier of the replication group. AWS stores it in lower case.
      - 1 to 40 letters, digits and hyphens, beginning with a letter, with no hyphen at the end and no two
        hyphens in a row. Checked before any AWS call.
    type: str
    required: true
  description:
    description:
      - The description of the replication group. Required to create one; changed in place.
    type: str
  engine:
    description:
      - The engine. AWS's default, V(redis), applies when it is not given at creation.
      - An existing V(redis) group is upgraded in place to V(valkey) when asked, which needs O(engine_version)
        (a Valkey version such as V(7.2) or V(8.0)). A V(valkey) group cannot go back to V(redis).
    type: str
    choices: ["redis", "valkey"]
  engine_version:
    description:
      - The engine version, for example V(7.1). A version given as V(7) or V(7.1) matches V(7.1.0); V(6.x) matches any 6.
      - A higher version upgrades the group in place; a lower one is refused. Major upgrades may need a
        O(cache_parameter_group_name) of the new family.
    type: str
  node_type:
    description:
      - The node type, C(cache.<family>.<size>) of a known family, for example V(cache.t3.medium) or
        V(cache.r6g.2xlarge). Checked before any AWS call. Changed in place (online scaling).
    type: str
    aliases: ["cache_node_type"]
  cluster_mode:
    description:
      - V(enabled) shards the keyspace over O(num_node_groups) shards; V(disabled) (the default at creation)
        has one shard.
      - Cannot be changed on an existing group. AWS can move a group from disabled to enabled through a
        C(compatible) mode while clients migrate, which this module does not do.
    type: str
    choices: ["enabled", "disabled"]
  num_node_groups:
    description:
      - With O(cluster_mode=enabled), the number of shards (1 to 500). Changed in place by online resharding;
        when shards are removed, the ones with the lowest ids are kept.
    type: int
  replicas_per_node_group:
    description:
      - The number of replicas in each shard (0 to 5). Changed in place. Mutually exclusive with O(num_cache_clusters).
    type: int
  num_cache_clusters:
    description:
      - With cluster mode disabled, the number of nodes, the primary included (1 to 6); another way to give
        O(replicas_per_node_group) (one less). Mutually exclusive with it.
    type: int
  automatic_failover:
    description:
      - Whether a replica is promoted when the primary fails. Needs at least one replica.
      - When not set, it is turned on with O(multi_az=true) (AWS requires it) and with cluster mode enabled
        (where AWS always has it on).
    type: bool
  multi_az:
    description:
      - Whether replicas are placed in other Availability Zones than their primary and take over when its zone
        fails. Needs at least one replica per shard and automatic failover.
    type: bool
  cache_subnet_group_name:
    description:
      - The cache subnet group (the VPC subnets) of the nodes. Set at creation only.
    type: str
  security_group_ids:
    description:
      - The VPC security groups of the nodes. The list replaces the group's list.
    type: list
    elements: str
  cache_parameter_group_name:
    description:
      - The cache parameter group. With cluster mode enabled it must have C(cluster-enabled) set to C(yes),
        for example V(default.redis7.cluster.on).
    type: str
  port:
    description:
      - The port the nodes listen on. AWS's default is V(6379). Set at creation only.
    type: int
  at_rest_encryption:
    description:
      - Whether data on disk and in snapshots is encrypted. Set at creation only.
    type: bool
  kms_key_id:
    description:
      - The KMS key (ID or ARN) for encryption at rest, instead of the AWS-owned key. Needs O(at_rest_encryption=true).
      - Set at creation only; an alias cannot be compared with the key AWS reports and is then not compared.
    type: str
  transit_encryption:
    description:
      - Whether connections use TLS. Required (V(true)) with O(auth_token).
      - On an existing group (Redis OSS 7 and later), TLS is turned on with O(transit_encryption_mode=preferred)
        and off from V(preferred) only, so that clients can move without downtime. The module refuses to go
        from off to V(required), or from V(required) to off, in one step.
    type: bool
  transit_encryption_mode:
    description:
      - V(preferred) accepts TLS and plain connections; V(required) only TLS. Needs O(transit_encryption=true).
    type: str
    choices: ["preferred", "required"]
  auth_token:
    description:
      - The AUTH token (password) clients must give. 16 to 128 printable ASCII characters, none of space,
        C(@), C("), C(/) or C(%). Needs O(transit_encryption=true). Checked before any AWS call; never returned.
      - Used at creation. AWS never shows a token, so on an existing group a token given B(without)
        O(auth_token_update_strategy) is not compared, and changing the value alone changes nothing (the module
        warns when the group has no AUTH at all).
      - An empty string is the same as no token.
    type: str
  auth_token_update_strategy:
    description:
      - Rotates the AUTH token of an existing group with O(auth_token). V(ROTATE) adds the new token beside the
        old one (both are accepted); V(SET), after a V(ROTATE), makes the new one the only one; V(DELETE) removes
        AUTH (AWS allows it only when moving to role-based access control).
      - Since the current token cannot be read, V(ROTATE) and V(SET) apply the token on every run and always
        report a change; use them in a rotation task, not in the one that converges the group. V(DELETE) on a
        group without AUTH changes nothing.
      - Not used at creation.
    type: str
    choices: ["ROTATE", "SET", "DELETE"]
  log_delivery:
    description:
      - Where the slow log and the engine log go. The list replaces the group's; a log type not listed is
        turned off, and an empty list turns off both. Not managed when not set.
    type: list
    elements: dict
    suboptions:
      log_type:
        description: The log.
        type: str
        required: true
        choices: ["slow-log", "engine-log"]
      destination_type:
        description: Where it goes.
        type: str
        required: true
        choices: ["cloudwatch-logs", "kinesis-firehose"]
      destination:
        description: The CloudWatch Logs log group name, or the Kinesis Data Firehose delivery stream name.
        type: str
        required: true
      log_format:
        description: The format of the entries.
        type: str
        choices: ["text", "json"]
        default: json
  snapshot_retention_limit:
    description:
      - How many days automatic snapshots are kept (0 to 35); V(0) turns automatic snapshots off.
    type: int
  snapshot_window:
    description:
      - The daily time range (UTC) of the automatic snapshot, C(HH:MM-HH:MM), for example V(05:00-06:00).
    type: str
  maintenance_window:
    description:
      - The weekly time range (UTC) for maintenance, C(ddd:HH:MM-ddd:HH:MM), for example V(sun:06:30-sun:07:30).
        AWS reports it in lower case; it is compared without regard to case.
    type: str
    aliases: ["preferred_maintenance_window"]
  snapshot_arns:
    description:
      - ARNs of Redis RDB files in S3 (C(arn:aws:s3:::bucket/key.rdb)) to seed a new group with, for example
        to migrate a self-managed Redis. Used at creation only, and never compared.
    type: list
    elements: str
  auto_minor_version_upgrade:
    description:
      - Whether AWS applies minor engine upgrades in the maintenance window.
    type: bool
  global_replication_group_id:
    description:
      - Create the group as a B(secondary member) of this global datastore (its full id, with the prefix AWS
        gives it, for example V(ldgnf-stories1001-production-redis)).
      - The global datastore then owns the engine, engine version, node type, cluster mode and shard count,
        encryption at rest and in transit with AUTH, the parameter group, automatic failover and Multi-AZ. The
        module does not send them at creation, and on any group that is a member of a global datastore (primary
        or secondary) it does not compare them, so that re-runs do not fight changes made through the global
        datastore. It warns when one of them is given and differs. Change them with
        C(stories1001.infra.elasticache_global_datastore).
      - The regional settings (subnet group, security groups, replicas, windows, snapshot retention, log
        delivery, tags) are managed as for any group.
    type: str
  global_datastore_removed:
    description:
      - With O(state=absent) under check mode, the global datastore this group belongs to is being removed by an
        earlier task of the same run (which check mode did not carry out), so the group is planned for deletion as
        it would be once it has left the datastore, instead of refused. Outside check mode a member is still refused.
    type: bool
    default: false
    version_added: 0.2.0
  final_snapshot_identifier:
    description:
      - With O(state=absent), the name of the snapshot taken before deletion. Defaults to the
        O(replication_group_id) followed by V(-final-snapshot). AWS refuses a name already in use.
    type: str
  skip_final_snapshot:
    description:
      - With O(state=absent), delete without a final snapshot. The data is lost.
    type: bool
    default: false
  wait:
    description:
      - Wait until the group is available after it is created or changed, or gone after it is deleted.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds, for all the waits of one task together. Resharding a large group can take hours.
    type: int
    default: 3600
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the replication group that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the replication group before and after the change in RV(diff).
    support: full
  idempotent:
    description:
      - When run twice in a row outside check mode with the same arguments, the second run reports no change,
        except for a token rotation with O(auth_token_update_strategy=ROTATE) or V(SET).
    support: partial
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - A group that belongs to a global datastore is never deleted by this module; remove it from the global
    datastore first (C(stories1001.infra.elasticache_global_datastore)).
  - ElastiCache answers with C(InvalidReplicationGroupState) to tag and change calls while a group is not
    available; the module waits for the group first, and in check mode reports the tags of a busy group as null.
  - The engine version, parameter group, security groups, maintenance window and subnet group are settings of
    the member clusters, which AWS does not report on the replication group; the module reads them from one member.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# 1001 Stories, phase 1: Redis 7, one primary and a replica in another zone, encrypted, AUTH from Secrets Manager.
- name: Redis replication group for the app sessions and cache
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-production-redis
    description: 1001 Stories app cache (phase 1)
    engine: redis
    engine_version: "7.1"
    node_type: cache.t3.medium
    num_cache_clusters: 2
    automatic_failover: true
    multi_az: true
    cache_subnet_group_name: stories1001-production-cache
    security_group_ids:
      - sg-0123456789abcdef0
    cache_parameter_group_name: stories1001-production-redis-redis7
    at_rest_encryption: true
    kms_key_id: arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000
    transit_encryption: true
    transit_encryption_mode: required
    auth_token: "{{ lookup('amazon.aws.secretsmanager_secret', 'stories1001-production/cache/auth', region='us-east-1') }}"
    snapshot_retention_limit: 5
    snapshot_window: "05:00-06:00"
    maintenance_window: sun:06:30-sun:07:30
    log_delivery:
      - log_type: slow-log
        destination_type: cloudwatch-logs
        destination: /aws/elasticache/stories1001-production-redis/slow-log
        log_format: json
    tags:
      Project: stories1001
      Environment: production
      Component: cache
      Phase: "1"
  register: cache

- name: Show the primary endpoint
  ansible.builtin.debug:
    msg: "{{ cache.replication_group.node_groups[0].primary_endpoint.address }}"

- name: Add a third node for the school-term peak
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-production-redis
    num_cache_clusters: 3

# Phase 3: cluster mode, 3 shards of a primary and 2 replicas each, on Graviton nodes.
- name: Redis cluster for phase 3
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-production-redis-cluster
    description: 1001 Stories app cache (phase 3, cluster mode)
    engine: redis
    engine_version: "7.1"
    node_type: cache.r6g.2xlarge
    cluster_mode: enabled
    num_node_groups: 3
    replicas_per_node_group: 2
    multi_az: true
    cache_parameter_group_name: default.redis7.cluster.on
    cache_subnet_group_name: stories1001-production-cache
    security_group_ids:
      - sg-0123456789abcdef0
    at_rest_encryption: true
    transit_encryption: true
    auth_token: "{{ lookup('amazon.aws.secretsmanager_secret', 'stories1001-production/cache/auth', region='us-east-1') }}"
    snapshot_retention_limit: 5
    snapshot_window: "05:00-06:00"
    tags:
      Project: stories1001
      Environment: production
      Component: cache
      Phase: "3"

- name: The eu-west-1 member of the global datastore (engine, size, shards and encryption come from the primary)
  stories1001.infra.elasticache_replication_group:
    region: eu-west-1
    replication_group_id: stories1001-production-redis-euw1
    description: 1001 Stories app cache, eu-west-1 replica of the global datastore
    global_replication_group_id: ldgnf-stories1001-production-redis
    replicas_per_node_group: 1
    cache_subnet_group_name: stories1001-production-cache
    security_group_ids:
      - sg-0fedcba9876543210

- name: Seed a new group from the RDB of the Lightsail Redis
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-staging-redis
    description: 1001 Stories staging cache
    engine: redis
    engine_version: "7.1"
    node_type: cache.t3.medium
    num_cache_clusters: 2
    multi_az: true
    cache_subnet_group_name: stories1001-staging-cache
    snapshot_arns:
      - arn:aws:s3:::stories1001-staging-migration/redis/dump.rdb

- name: Rotate the AUTH token (both tokens work until the SET below)
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-production-redis
    transit_encryption: true
    auth_token: "{{ new_cache_token }}"
    auth_token_update_strategy: ROTATE
  no_log: true

- name: Delete the staging cache after a final snapshot
  stories1001.infra.elasticache_replication_group:
    region: us-east-1
    replication_group_id: stories1001-staging-redis
    state: absent
    final_snapshot_identifier: stories1001-staging-redis-before-teardown
"""

RETURN = r"""
replication_group:
  description:
    - The replication group as it is (or, in check mode, would be) after the task, in snake_case, as
      C(DescribeReplicationGroups) returns it, with the settings of its member clusters added. Never holds the AUTH token.
    - Empty when it does not exist.
    - In check mode a group that would be created carries only the requested settings.
  returned: always
  type: dict
  contains:
    replication_group_id:
      description: The identifier, in lower case.
      returned: when the group exists
      type: str
      sample: stories1001-production-redis
    arn:
      description: The ARN of the replication group.
      returned: when the group exists
      type: str
      sample: arn:aws:elasticache:us-east-1:123456789012:replicationgroup:stories1001-production-redis
    description:
      description: The description.
      returned: when the group exists
      type: str
      sample: 1001 Stories app cache (phase 1)
    status:
      description: V(creating), V(available), V(modifying), V(snapshotting), V(deleting) or V(create-failed).
      returned: when the group exists
      type: str
      sample: available
    engine:
      description: V(redis) or V(valkey).
      returned: when known
      type: str
      sample: redis
    engine_version:
      description: The engine version of the members.
      returned: when known
      type: str
      sample: 7.1.0
    cache_node_type:
      description: The node type.
      returned: when known
      type: str
      sample: cache.t3.medium
    cluster_mode:
      description: V(enabled), V(disabled) or V(compatible).
      returned: always
      type: str
      sample: disabled
    num_node_groups:
      description: The number of shards.
      returned: when known
      type: int
      sample: 1
    replicas_per_node_group:
      description: The number of replicas per shard (the smallest, if the shards differ).
      returned: when known
      type: int
      sample: 1
    replica_counts:
      description: The number of replicas of each shard, by shard id.
      returned: when the group exists
      type: dict
      sample: {"0001": 1}
    num_cache_clusters:
      description: The number of nodes in all shards.
      returned: when known
      type: int
      sample: 2
    member_clusters:
      description: The ids of the member clusters (nodes).
      returned: when the group exists
      type: list
      elements: str
      sample: ["stories1001-production-redis-001", "stories1001-production-redis-002"]
    node_groups:
      description: The shards, with their primary and reader endpoints and members.
      returned: when the group exists
      type: list
      elements: dict
    configuration_endpoint:
      description: The configuration endpoint (cluster mode enabled).
      returned: when AWS reports it
      type: dict
      sample: {"address": "clustercfg.stories1001-production-redis-cluster.abc123.use1.cache.amazonaws.com", "port": 6379}
    port:
      description: The port of the nodes.
      returned: when known
      type: int
      sample: 6379
    automatic_failover:
      description: V(enabled), V(disabled), V(enabling) or V(disabling).
      returned: when known
      type: str
      sample: enabled
    multi_az:
      description: V(enabled) or V(disabled).
      returned: when known
      type: str
      sample: enabled
    at_rest_encryption_enabled:
      description: Whether encryption at rest is on.
      returned: when known
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key for encryption at rest, when it is not the AWS-owned one.
      returned: when AWS reports it
      type: str
    transit_encryption_enabled:
      description: Whether TLS is on.
      returned: when known
      type: bool
      sample: true
    transit_encryption_mode:
      description: V(preferred) or V(required).
      returned: when AWS reports it
      type: str
      sample: required
    auth_token_enabled:
      description: Whether the group asks for an AUTH token. The token itself is never returned.
      returned: when known
      type: bool
      sample: true
    cache_parameter_group_name:
      description: The parameter group of the members.
      returned: when known
      type: str
      sample: default.redis7
    cache_subnet_group_name:
      description: The subnet group of the members.
      returned: when known
      type: str
      sample: stories1001-production-cache
    security_group_ids:
      description: The VPC security groups of the members, sorted.
      returned: when known
      type: list
      elements: str
      sample: ["sg-0123456789abcdef0"]
    preferred_maintenance_window:
      description: The weekly maintenance window.
      returned: when known
      type: str
      sample: sun:06:30-sun:07:30
    snapshot_retention_limit:
      description: Days automatic snapshots are kept.
      returned: when known
      type: int
      sample: 5
    snapshot_window:
      description: The daily snapshot window.
      returned: when known
      type: str
      sample: 05:00-06:00
    auto_minor_version_upgrade:
      description: Whether minor upgrades are applied automatically.
      returned: when known
      type: bool
      sample: true
    log_delivery:
      description: The log delivery, in the form of O(log_delivery), with the status AWS reports for each log.
      returned: when the group exists
      type: list
      elements: dict
      sample:
        - log_type: slow-log
          destination_type: cloudwatch-logs
          destination: /aws/elasticache/stories1001-production-redis/slow-log
          log_format: json
          status: active
    global_replication_group_id:
      description: The global datastore the group is a member of, or null.
      returned: when the group exists
      type: str
      sample: ldgnf-stories1001-production-redis
    global_replication_group_member_role:
      description: V(PRIMARY) or V(SECONDARY) in the global datastore, or null.
      returned: when the group exists
      type: str
      sample: SECONDARY
    tags:
      description: The tags of the group; null while AWS refuses to list them (the group is busy).
      returned: always
      type: dict
      sample: {"Project": "stories1001", "Component": "cache"}
final_snapshot_identifier:
  description: The final snapshot taken (or, in check mode, that would be taken) before deletion.
  returned: when a group is deleted with a final snapshot
  type: str
  sample: stories1001-staging-redis-final-snapshot
diff:
  description: The replication group before and after the task, each in the form of RV(replication_group).
  returned: always
  type: dict
  contains:
    before:
      description: The replication group before the task; empty when it did not exist.
      returned: always
      type: dict
    after:
      description: The replication group after the task; empty when it does not exist.
      returned: always
      type: dict
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import AnsibleElastiCacheError
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import BUSY_STATUSES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import Deadline
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import MAINTENANCE_WINDOW
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import SNAPSHOT_WINDOW
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import auth_token_errors
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import create_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import decrease_replica_count
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import delete_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import get_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import identifier_errors
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import increase_replica_count
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import is_node_type
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import log_delivery_from_aws
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import log_delivery_request
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import modify_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import modify_shard_configuration
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import normalize_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import version_matches
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import version_tuple
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import wait_replication_group_available
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import wait_replication_group_deleted
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import when_available
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

FINAL_SNAPSHOT_SUFFIX = "-final-snapshot"
# Options a global datastore owns for its members: (option, key of the normalized group).
GLOBAL_OWNED = (
    ("engine", "engine"),
    ("engine_version", "engine_version"),
    ("node_type", "cache_node_type"),
    ("cluster_mode", "cluster_mode"),
    ("num_node_groups", "num_node_groups"),
    ("at_rest_encryption", "at_rest_encryption_enabled"),
    ("kms_key_id", "kms_key_id"),
    ("transit_encryption", "transit_encryption_enabled"),
    ("transit_encryption_mode", "transit_encryption_mode"),
    ("cache_parameter_group_name", "cache_parameter_group_name"),
    ("automatic_failover", "automatic_failover"),
    ("multi_az", "multi_az"),
)
# (ModifyReplicationGroup argument, option, key of the normalized group) for plain comparisons.
MODIFIABLE = (
    ("ReplicationGroupDescription", "description", "description"),
    ("SnapshotWindow", "snapshot_window", "snapshot_window"),
    ("SnapshotRetentionLimit", "snapshot_retention_limit", "snapshot_retention_limit"),
    ("AutoMinorVersionUpgrade", "auto_minor_version_upgrade", "auto_minor_version_upgrade"),
)
# The same for member-cluster settings, compared only when a member cluster could be read.
MEMBER_MODIFIABLE = (
    ("CacheParameterGroupName", "cache_parameter_group_name", "cache_parameter_group_name"),
    ("PreferredMaintenanceWindow", "maintenance_window", "preferred_maintenance_window"),
)
# What a ModifyReplicationGroup argument sets in the normalized group (for check mode).
PREDICTED_KEYS = {
    "ReplicationGroupDescription": "description",
    "CacheParameterGroupName": "cache_parameter_group_name",
    "PreferredMaintenanceWindow": "preferred_maintenance_window",
    "SnapshotWindow": "snapshot_window",
    "SnapshotRetentionLimit": "snapshot_retention_limit",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "TransitEncryptionEnabled": "transit_encryption_enabled",
    "TransitEncryptionMode": "transit_encryption_mode",
    "Engine": "engine",
    "EngineVersion": "engine_version",
    "CacheNodeType": "cache_node_type",
}
OPERATIONS = {
    "modify": modify_replication_group,
    "increase_replica_count": increase_replica_count,
    "decrease_replica_count": decrease_replica_count,
    "modify_shard_configuration": modify_shard_configuration,
}


# --- input checks (pure) ------------------------------------------------------------------------


def wanted_replicas(params):
    """The replicas per shard the options ask for, or None."""
    if params.get("replicas_per_node_group") is not None:
        return params["replicas_per_node_group"]
    if params.get("num_cache_clusters") is not None:
        return params["num_cache_clusters"] - 1
    return None


def wanted_automatic_failover(params):
    """Automatic failover as asked, or implied by Multi-AZ and cluster mode (AWS requires it with both)."""
    if params.get("automatic_failover") is not None:
        return params["automatic_failover"]
    if params.get("multi_az") or params.get("cluster_mode") == "enabled":
        return True
    return None


def _range_error(params, option, low, high):
    value = params.get(option)
    if value is not None and not low <= value <= high:
        return [f"{option} must be between {low} and {high}, got {value}"]
    return []


def validation_errors(params):
    """What AWS would refuse in the options, found before any call. Never quotes the AUTH token."""
    errors = identifier_errors(params["replication_group_id"], "replication_group_id")
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 1:
        errors.append("wait_timeout must be at least 1 second")
    if params["state"] == "absent":
        if params.get("skip_final_snapshot") and params.get("final_snapshot_identifier"):
            errors.append("final_snapshot_identifier and skip_final_snapshot: true contradict each other")
        return errors

    token = params.get("auth_token")
    strategy = params.get("auth_token_update_strategy")
    if token is not None:
        errors.extend(auth_token_errors(token))
        if params.get("transit_encryption") is not True:
            errors.append("auth_token needs transit_encryption: true (AWS accepts AUTH only over TLS)")
    if strategy in ("ROTATE", "SET") and not token:
        errors.append(f"auth_token_update_strategy {strategy} needs auth_token")
    if params.get("transit_encryption_mode") and params.get("transit_encryption") is not True:
        errors.append("transit_encryption_mode needs transit_encryption: true")
    if params.get("kms_key_id") and params.get("at_rest_encryption") is not True:
        errors.append("kms_key_id needs at_rest_encryption: true")

    node_type = params.get("node_type")
    if node_type is not None and not is_node_type(node_type):
        errors.append(
            f"node_type {node_type!r} is not cache.<family>.<size> of a known node family "
            "(for example cache.t3.medium, cache.r6g.2xlarge)"
        )

    errors.extend(_range_error(params, "num_cache_clusters", 1, 6))
    errors.extend(_range_error(params, "replicas_per_node_group", 0, 5))
    errors.extend(_range_error(params, "num_node_groups", 1, 500))
    errors.extend(_range_error(params, "snapshot_retention_limit", 0, 35))
    errors.extend(_range_error(params, "port", 1, 65535))
    cluster_enabled = params.get("cluster_mode") == "enabled"
    shards = params.get("num_node_groups")
    if shards is not None and shards > 1 and not cluster_enabled:
        errors.append(f"num_node_groups {shards} needs cluster_mode: enabled")
    if cluster_enabled and params.get("num_cache_clusters") is not None:
        errors.append(
            "num_cache_clusters is for cluster mode disabled; use replicas_per_node_group with cluster_mode: enabled"
        )
    replicas = wanted_replicas(params)
    if params.get("multi_az") and replicas == 0:
        where = f"cluster mode with {shards or 1} shard(s)" if cluster_enabled else "cluster mode disabled"
        errors.append(f"multi_az needs at least one replica per shard to fail over to; 0 replicas asked ({where})")
    if params.get("multi_az") and params.get("automatic_failover") is False:
        errors.append("multi_az: true needs automatic_failover: true")
    if cluster_enabled and params.get("automatic_failover") is False:
        errors.append(
            "cluster_mode: enabled always has automatic failover; automatic_failover: false is refused by AWS"
        )
    if params.get("automatic_failover") and replicas == 0 and not cluster_enabled:
        errors.append("automatic_failover needs at least one replica (num_cache_clusters 2 or more)")
    if params.get("snapshot_arns") and params.get("global_replication_group_id"):
        errors.append("snapshot_arns cannot seed a secondary member of a global datastore; it takes the primary's data")

    window = params.get("snapshot_window")
    if window is not None and not SNAPSHOT_WINDOW.match(window):
        errors.append(f"snapshot_window {window!r} must be HH:MM-HH:MM (UTC), for example 05:00-06:00")
    window = params.get("maintenance_window")
    if window is not None and not MAINTENANCE_WINDOW.match(window):
        errors.append(
            f"maintenance_window {window!r} must be ddd:HH:MM-ddd:HH:MM (UTC), for example sun:06:30-sun:07:30"
        )
    log_types = [entry["log_type"] for entry in params.get("log_delivery") or []]
    duplicates = sorted({log_type for log_type in log_types if log_types.count(log_type) > 1})
    if duplicates:
        errors.append(f"log_delivery lists a log_type more than once: {', '.join(duplicates)}")
    return errors


# --- differences (pure) -------------------------------------------------------------------------


def is_global_member(group):
    return bool(group.get("global_replication_group_id"))


def _enabled(value):
    """Whether an AWS status string (enabled, enabling, disabled, disabling) means on."""
    return value in ("enabled", "enabling")


def same_kms_key(current, wanted):
    """Whether the KMS key asked for (ID, ARN or alias) is the one AWS reports (an ARN)."""
    if "alias/" in wanted:
        return True  # an alias cannot be resolved without KMS: not compared
    return current == wanted or (current or "").endswith(f"key/{wanted}")


def transit_encryption_change(group, params):
    """(ModifyReplicationGroup arguments, problem) that bring encryption in transit to the options."""
    wanted = params.get("transit_encryption")
    if wanted is None:
        return {}, None
    enabled = bool(group.get("transit_encryption_enabled"))
    # Groups created with TLS before modes existed report no mode and accept only TLS.
    mode = group.get("transit_encryption_mode") or ("required" if enabled else None)
    wanted_mode = params.get("transit_encryption_mode")
    if wanted and not enabled:
        if wanted_mode == "required":
            return {}, (
                "transit_encryption cannot go from off to required in one step: set transit_encryption_mode: "
                "preferred first, move every client to TLS, then set required"
            )
        return dict(TransitEncryptionEnabled=True, TransitEncryptionMode="preferred"), None
    if wanted and wanted_mode and wanted_mode != mode:
        return dict(TransitEncryptionEnabled=True, TransitEncryptionMode=wanted_mode), None
    if not wanted and enabled:
        if mode == "required":
            return {}, (
                "transit_encryption cannot be turned off from mode required: set transit_encryption_mode: "
                "preferred first, move every client off TLS, then turn it off"
            )
        return dict(TransitEncryptionEnabled=False), None
    return {}, None


def immutable_problems(group, params):
    """What differs between the group and the options that AWS cannot change in place."""
    problems = []
    if params.get("port") is not None and group.get("port") is not None and group["port"] != params["port"]:
        problems.append(
            f"port cannot be changed: the group listens on {group['port']}, the task asks for {params['port']}"
        )
    subnet_group = params.get("cache_subnet_group_name")
    if subnet_group and group.get("cache_subnet_group_name") and group["cache_subnet_group_name"] != subnet_group:
        problems.append(
            f"cache_subnet_group_name cannot be changed: the group is in {group['cache_subnet_group_name']}, the task asks for {subnet_group}"
        )
    if is_global_member(group):
        return problems

    cluster_mode = params.get("cluster_mode")
    if cluster_mode and group.get("cluster_mode") != cluster_mode:
        problems.append(
            f"cluster_mode cannot be changed by this module: the group has cluster mode {group.get('cluster_mode')}, the task asks for "
            f"{cluster_mode}. Create a new replication group with the new mode and move the clients to it"
        )
    at_rest = params.get("at_rest_encryption")
    if at_rest is not None and bool(group.get("at_rest_encryption_enabled")) != at_rest:
        problems.append(
            f"at_rest_encryption cannot be changed: the group has it {'on' if group.get('at_rest_encryption_enabled') else 'off'}. "
            "Create a new replication group (for example from a snapshot) instead"
        )
    kms_key = params.get("kms_key_id")
    if kms_key and not same_kms_key(group.get("kms_key_id"), kms_key):
        problems.append(
            f"kms_key_id cannot be changed: the group uses {group.get('kms_key_id') or 'the AWS-owned key'}"
        )
    engine, current_engine = params.get("engine"), group.get("engine")
    if engine and current_engine and engine != current_engine:
        if (current_engine, engine) != ("redis", "valkey"):
            problems.append(
                f"engine cannot be changed from {current_engine} to {engine}; only redis can be upgraded to valkey"
            )
        elif not params.get("engine_version"):
            problems.append(
                "engine: valkey on a redis group needs engine_version (the Valkey version, for example 8.0)"
            )
    version, current_version = params.get("engine_version"), group.get("engine_version")
    if (
        version
        and current_version
        and (not engine or engine == current_engine)
        and not version_matches(current_version, version)
    ):
        if version_tuple(version) < version_tuple(current_version)[: len(version_tuple(version))]:
            problems.append(f"engine_version cannot be downgraded from {current_version} to {version}")
    problems.extend(problem for problem in [transit_encryption_change(group, params)[1]] if problem)
    return problems


def global_owned_differences(group, params):
    """For a member of a global datastore: [(option, current, asked)] for the options the global datastore owns."""
    differences = []
    for option, key in GLOBAL_OWNED:
        wanted, current = params.get(option), group.get(key)
        if wanted is None or current is None:
            continue
        if option in ("automatic_failover", "multi_az"):
            same = _enabled(current) == wanted
        elif option == "engine_version":
            same = version_matches(current, wanted)
        elif option == "kms_key_id":
            same = same_kms_key(current, wanted)
        else:
            same = current == wanted
        if not same:
            differences.append((option, current, wanted))
    return differences


def log_delivery_changes(current, requested):
    """The LogDeliveryConfigurations that bring the group's log delivery to the requested list; [] if none."""
    if requested is None:
        return []
    fields = ("destination_type", "destination", "log_format")
    by_type = {entry["log_type"]: entry for entry in current or [] if entry.get("status") != "disabling"}
    changes = []
    for entry in sorted(requested, key=lambda entry: entry["log_type"]):
        existing = by_type.get(entry["log_type"])
        if not existing or any(existing.get(field) != entry[field] for field in fields):
            changes.append(log_delivery_request(entry))
    requested_types = {entry["log_type"] for entry in requested}
    changes.extend(
        log_delivery_request(dict(log_type=log_type), enabled=False)
        for log_type in sorted(set(by_type) - requested_types)
    )
    return changes


def settings_changes(group, params):
    """The ModifyReplicationGroup arguments for the plain settings (one call); {} when none differ."""
    changes = {}
    for key, option, field in MODIFIABLE:
        if params.get(option) is not None and group.get(field) != params[option]:
            changes[key] = params[option]
    member_known = "security_group_ids" in group
    member = is_global_member(group)
    if member_known:
        for key, option, field in MEMBER_MODIFIABLE:
            wanted = params.get(option)
            if wanted is None or (member and option == "cache_parameter_group_name"):
                continue
            if (group.get(field) or "").lower() != wanted.lower():
                changes[key] = wanted.lower() if option == "maintenance_window" else wanted
        groups = params.get("security_group_ids")
        if groups is not None and sorted(set(groups)) != group["security_group_ids"]:
            changes["SecurityGroupIds"] = groups
    if not member:
        failover = wanted_automatic_failover(params)
        if failover is not None and _enabled(group.get("automatic_failover")) != failover:
            changes["AutomaticFailoverEnabled"] = failover
        multi_az = params.get("multi_az")
        if multi_az is not None and _enabled(group.get("multi_az")) != multi_az:
            changes["MultiAZEnabled"] = multi_az
        changes.update(transit_encryption_change(group, params)[0])
    logs = log_delivery_changes(group.get("log_delivery"), params.get("log_delivery"))
    if logs:
        changes["LogDeliveryConfigurations"] = logs
    return changes


def engine_change(group, params):
    """The ModifyReplicationGroup arguments for an engine upgrade (redis to valkey, or a higher version); {} if none."""
    engine, version = params.get("engine"), params.get("engine_version")
    current_engine = group.get("engine")
    if engine and current_engine and engine != current_engine:
        return dict(Engine=engine, EngineVersion=version)
    current = group.get("engine_version")
    if version and current and not version_matches(current, version):
        return dict(EngineVersion=version)
    return {}


def auth_token_change(group, params):
    """The ModifyReplicationGroup arguments for an AUTH token update; {} when none is asked for."""
    strategy, token = params.get("auth_token_update_strategy"), params.get("auth_token")
    if not strategy:
        return {}
    if strategy == "DELETE":
        if not group.get("auth_token_enabled"):
            return {}
        return dict(AuthTokenUpdateStrategy="DELETE", **({"AuthToken": token} if token else {}))
    # The token in use cannot be read back: a rotation is always made.
    return dict(AuthToken=token, AuthTokenUpdateStrategy=strategy)


def replica_changes(group, replicas):
    """(IncreaseReplicaCount arguments or None, DecreaseReplicaCount arguments or None) for `replicas` per shard."""
    counts = group.get("replica_counts") or {}
    if replicas is None or not counts:
        return None, None
    below = sorted(node_group for node_group, count in counts.items() if count < replicas)
    above = sorted(node_group for node_group, count in counts.items() if count > replicas)

    def request(shards, others):
        if not shards:
            return None
        # Cluster mode enabled with shards on both sides: name the shards to change, leave the others alone.
        if others and group.get("cluster_mode") != "disabled":
            return dict(ReplicaConfiguration=[dict(NodeGroupId=shard, NewReplicaCount=replicas) for shard in shards])
        return dict(NewReplicaCount=replicas)

    return request(below, above), request(above, below)


def shard_change(group, params):
    """The ModifyReplicationGroupShardConfiguration arguments for the asked shard count; None if it is met."""
    wanted = params.get("num_node_groups")
    current = group.get("num_node_groups")
    if (
        wanted is None
        or current is None
        or wanted == current
        or group.get("cluster_mode") == "disabled"
        or is_global_member(group)
    ):
        return None
    if wanted > current:
        return dict(NodeGroupCount=wanted)
    shard_ids = sorted(node_group.get("node_group_id") for node_group in group.get("node_groups") or [])
    return dict(NodeGroupCount=wanted, NodeGroupsToRetain=shard_ids[:wanted])


def plan_changes(group, params):
    """The calls that bring an existing group to the options, in the order they must be made: [(operation, arguments)].

    Replicas are added first (Multi-AZ and failover need them) and removed last (once Multi-AZ is off);
    the engine, the node type and the AUTH token each get a call of their own."""
    steps = []
    increase, decrease = replica_changes(group, wanted_replicas(params))
    if increase:
        steps.append(("increase_replica_count", increase))
    settings = settings_changes(group, params)
    if settings:
        steps.append(("modify", settings))
    if not is_global_member(group):
        engine = engine_change(group, params)
        if engine:
            steps.append(("modify", engine))
        node_type = params.get("node_type")
        if node_type and group.get("cache_node_type") and group["cache_node_type"] != node_type:
            steps.append(("modify", dict(CacheNodeType=node_type)))
    shards = shard_change(group, params)
    if shards:
        steps.append(("modify_shard_configuration", shards))
    if decrease:
        steps.append(("decrease_replica_count", decrease))
    auth = auth_token_change(group, params)
    if auth:
        steps.append(("modify", auth))
    return steps


# --- predictions (check mode) -------------------------------------------------------------------


def _with_replicas(group, counts):
    result = dict(group, replica_counts=counts)
    result["replicas_per_node_group"] = min(counts.values()) if counts else None
    result["num_cache_clusters"] = sum(count + 1 for count in counts.values())
    return result


def _applied_log_delivery(current, requests):
    by_type = {entry["log_type"]: entry for entry in current or []}
    for request in requests:
        if request.get("Enabled"):
            by_type[request["LogType"]] = log_delivery_from_aws([request])[0]
        else:
            by_type.pop(request["LogType"], None)
    return [by_type[log_type] for log_type in sorted(by_type)]


def predicted_group(group, steps, tags):
    """The group as it will be once the steps are made."""
    after = copy.deepcopy(group)
    for operation, request in steps:
        if operation == "modify":
            for key, field in PREDICTED_KEYS.items():
                if key in request:
                    after[field] = request[key]
            for key, field in (("AutomaticFailoverEnabled", "automatic_failover"), ("MultiAZEnabled", "multi_az")):
                if key in request:
                    after[field] = "enabled" if request[key] else "disabled"
            if "SecurityGroupIds" in request:
                after["security_group_ids"] = sorted(set(request["SecurityGroupIds"]))
            if "LogDeliveryConfigurations" in request:
                after["log_delivery"] = _applied_log_delivery(
                    after.get("log_delivery"), request["LogDeliveryConfigurations"]
                )
            if "AuthTokenUpdateStrategy" in request:
                after["auth_token_enabled"] = request["AuthTokenUpdateStrategy"] != "DELETE"
        elif operation in ("increase_replica_count", "decrease_replica_count"):
            counts = dict(after.get("replica_counts") or {})
            if "NewReplicaCount" in request:
                counts = {shard: request["NewReplicaCount"] for shard in counts}
            for shard in request.get("ReplicaConfiguration", []):
                counts[shard["NodeGroupId"]] = shard["NewReplicaCount"]
            after = _with_replicas(after, counts)
        elif operation == "modify_shard_configuration":
            after["num_node_groups"] = request["NodeGroupCount"]
    after["tags"] = tags
    return after


def predicted_new(params, tags):
    """The group the options would create, in the shape normalize_replication_group() returns."""
    secondary = bool(params.get("global_replication_group_id"))
    group = dict(
        replication_group_id=params["replication_group_id"].lower(),
        description=params["description"],
        status="creating",
        global_replication_group_id=params.get("global_replication_group_id"),
        global_replication_group_member_role="SECONDARY" if secondary else None,
        log_delivery=log_delivery_from_aws([log_delivery_request(entry) for entry in params.get("log_delivery") or []]),
        tags=tags,
    )
    for option, key in (
        ("cache_subnet_group_name", "cache_subnet_group_name"),
        ("port", "port"),
        ("snapshot_retention_limit", "snapshot_retention_limit"),
        ("snapshot_window", "snapshot_window"),
        ("auto_minor_version_upgrade", "auto_minor_version_upgrade"),
    ):
        if params.get(option) is not None:
            group[key] = params[option]
    if params.get("maintenance_window"):
        group["preferred_maintenance_window"] = params["maintenance_window"].lower()
    if params.get("security_group_ids") is not None:
        group["security_group_ids"] = sorted(set(params["security_group_ids"]))
    replicas = wanted_replicas(params)
    if secondary:
        if replicas is not None:
            group["replicas_per_node_group"] = replicas
        return group

    cluster_enabled = params.get("cluster_mode") == "enabled"
    shards = (params.get("num_node_groups") or 1) if cluster_enabled else 1
    group.update(
        engine=params.get("engine") or "redis",
        cluster_mode="enabled" if cluster_enabled else "disabled",
        num_node_groups=shards,
        at_rest_encryption_enabled=bool(params.get("at_rest_encryption")),
        transit_encryption_enabled=bool(params.get("transit_encryption")),
        auth_token_enabled=bool(params.get("auth_token")),
        automatic_failover="enabled" if wanted_automatic_failover(params) else "disabled",
        multi_az="enabled" if params.get("multi_az") else "disabled",
    )
    group.update(_with_replicas({}, {f"{shard:04d}": replicas or 0 for shard in range(1, shards + 1)}))
    for option, key in (
        ("engine_version", "engine_version"),
        ("node_type", "cache_node_type"),
        ("cache_parameter_group_name", "cache_parameter_group_name"),
        ("kms_key_id", "kms_key_id"),
        ("transit_encryption_mode", "transit_encryption_mode"),
    ):
        if params.get(option) is not None:
            group[key] = params[option]
    return group


# --- requests -----------------------------------------------------------------------------------


def create_request(params, tags):
    """The CreateReplicationGroup arguments for the options."""
    request = dict(ReplicationGroupId=params["replication_group_id"], ReplicationGroupDescription=params["description"])
    replicas = wanted_replicas(params)
    if params.get("global_replication_group_id"):
        # The global datastore gives the engine, size, shards, encryption and failover settings.
        request["GlobalReplicationGroupId"] = params["global_replication_group_id"]
        if params.get("replicas_per_node_group") is not None:
            request["ReplicasPerNodeGroup"] = replicas
        elif replicas is not None:
            request["NumCacheClusters"] = replicas + 1
    else:
        for option, key in (
            ("engine", "Engine"),
            ("engine_version", "EngineVersion"),
            ("node_type", "CacheNodeType"),
            ("cache_parameter_group_name", "CacheParameterGroupName"),
            ("at_rest_encryption", "AtRestEncryptionEnabled"),
            ("kms_key_id", "KmsKeyId"),
            ("transit_encryption", "TransitEncryptionEnabled"),
            ("transit_encryption_mode", "TransitEncryptionMode"),
            ("auth_token", "AuthToken"),
            ("multi_az", "MultiAZEnabled"),
            ("snapshot_arns", "SnapshotArns"),
        ):
            if params.get(option) is not None:
                request[key] = params[option]
        failover = wanted_automatic_failover(params)
        if failover is not None:
            request["AutomaticFailoverEnabled"] = failover
        if params.get("cluster_mode") == "enabled":
            request["ClusterMode"] = "enabled"
            request["NumNodeGroups"] = params.get("num_node_groups") or 1
            if replicas is not None:
                request["ReplicasPerNodeGroup"] = replicas
        elif replicas is not None:
            request["NumCacheClusters"] = replicas + 1
    for option, key in (
        ("cache_subnet_group_name", "CacheSubnetGroupName"),
        ("security_group_ids", "SecurityGroupIds"),
        ("port", "Port"),
        ("snapshot_retention_limit", "SnapshotRetentionLimit"),
        ("snapshot_window", "SnapshotWindow"),
        ("maintenance_window", "PreferredMaintenanceWindow"),
        ("auto_minor_version_upgrade", "AutoMinorVersionUpgrade"),
    ):
        if params.get(option) is not None:
            request[key] = params[option]
    if params.get("log_delivery"):
        request["LogDeliveryConfigurations"] = [log_delivery_request(entry) for entry in params["log_delivery"]]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def default_final_snapshot_identifier(replication_group_id):
    return f"{replication_group_id.lower()}{FINAL_SNAPSHOT_SUFFIX}"


# --- the states ---------------------------------------------------------------------------------


def read(client, params):
    return get_replication_group(client, params["replication_group_id"])


def create(client, module, tags, deadline):
    params = module.params
    if not params["description"]:
        module.fail_json(msg=f"description is required to create replication group {params['replication_group_id']}")
    if module.check_mode:
        return predicted_new(params, tags)
    created = create_replication_group(client, **create_request(params, tags))
    if not params["wait"]:
        return normalize_replication_group(created, tags=tags)
    wait_replication_group_available(client, params["replication_group_id"], deadline.remaining())
    return read(client, params)


def apply_steps(client, group, steps, deadline):
    identifier = group["replication_group_id"]
    for index, (operation, request) in enumerate(steps):
        if index:
            # AWS refuses a change (InvalidReplicationGroupState) while the previous one runs.
            wait_replication_group_available(client, identifier, deadline.remaining())
        when_available(client, identifier, deadline, OPERATIONS[operation], **request)


def update(client, module, group, deadline):
    params = module.params
    identifier = group["replication_group_id"]
    status = group.get("status")
    if status == "deleting":
        module.fail_json(
            msg=f"Replication group {identifier} is being deleted; run the task again once it is gone",
            replication_group=group,
        )
    if status == "create-failed":
        module.fail_json(
            msg=f"Replication group {identifier} is create-failed and cannot be changed; delete it (state: absent) and create it again",
            replication_group=group,
        )
    problems = immutable_problems(group, params)
    if problems:
        module.fail_json(msg="; ".join(problems), replication_group=group)
    if is_global_member(group):
        for option, current, wanted in global_owned_differences(group, params):
            module.warn(
                f"{option} of replication group {identifier} is owned by global datastore {group['global_replication_group_id']}: "
                f"it has {current!r}, not {wanted!r}; change it with stories1001.infra.elasticache_global_datastore"
            )
    if (
        params.get("auth_token")
        and not params.get("auth_token_update_strategy")
        and group.get("auth_token_enabled") is False
    ):
        module.warn(
            f"Replication group {identifier} has no AUTH token; set auth_token_update_strategy: ROTATE to add the one given"
        )

    steps = plan_changes(group, params)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(group.get("tags"), params["tags"], params["purge_tags"])
    tags_unknown = group.get("tags") is None and params["tags"] is not None
    if tags_unknown and module.check_mode:
        module.warn(
            f"Replication group {identifier} is {status} and AWS does not list its tags now; they are not compared in check mode"
        )
        tags_to_set, tag_keys_to_unset, tags, tags_unknown = {}, [], None, False
    if not steps and not tags_to_set and not tag_keys_to_unset and not tags_unknown:
        return False, group
    if module.check_mode:
        return True, predicted_group(group, steps, tags)
    if status != "available":
        # Busy (creating, modifying, snapshotting): wait, then look again, since the group may have changed.
        wait_replication_group_available(client, identifier, deadline.remaining())
        return update(client, module, read(client, params), deadline)

    # Tags first: AWS refuses tagging while the changes below run.
    update_tags(client, group["arn"], tags_to_set, tag_keys_to_unset)
    apply_steps(client, group, steps, deadline)
    if steps and params["wait"]:
        wait_replication_group_available(client, identifier, deadline.remaining())
    return True, read(client, params)


def ensure_present(client, module, group, deadline):
    if group:
        return update(client, module, group, deadline)
    params = module.params
    tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
    return True, create(client, module, tags, deadline)


def ensure_absent(client, module, group, deadline):
    """Returns (changed, final snapshot identifier or None)."""
    params = module.params
    if not group:
        return False, None
    identifier = group["replication_group_id"]
    if is_global_member(group) and not (module.check_mode and params["global_datastore_removed"]):
        role = group.get("global_replication_group_member_role")
        module.fail_json(
            msg=f"Replication group {identifier} is {f'the {role.lower()}' if role else 'a'} member of "
            f"global datastore {group['global_replication_group_id']} and is not deleted: remove it from the global datastore "
            "first (stories1001.infra.elasticache_global_datastore), or delete the global datastore",
            replication_group=group,
        )
    status = group.get("status")
    if status == "deleting":
        if params["wait"] and not module.check_mode:
            wait_replication_group_deleted(client, identifier, deadline.remaining())
        return False, None
    final_snapshot = None
    if not params["skip_final_snapshot"] and status != "create-failed":
        final_snapshot = params["final_snapshot_identifier"] or default_final_snapshot_identifier(identifier)
    if module.check_mode:
        return True, final_snapshot
    if status in BUSY_STATUSES:
        wait_replication_group_available(client, identifier, deadline.remaining())
    try:
        changed = delete_replication_group(client, identifier, final_snapshot)
    except is_ansible_aws_error_code("SnapshotAlreadyExistsFault"):
        module.fail_json(
            msg=f"A snapshot named {final_snapshot} already exists, so replication group {identifier} was not deleted: "
            "give another final_snapshot_identifier, or delete the old snapshot",
            replication_group=group,
        )
    if changed and params["wait"]:
        wait_replication_group_deleted(client, identifier, deadline.remaining())
    return changed, final_snapshot if changed else None


# --- main ---------------------------------------------------------------------------------------


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        replication_group_id=dict(required=True),
        description=dict(),
        engine=dict(choices=["redis", "valkey"]),
        engine_version=dict(),
        node_type=dict(aliases=["cache_node_type"]),
        cluster_mode=dict(choices=["enabled", "disabled"]),
        num_node_groups=dict(type="int"),
        replicas_per_node_group=dict(type="int"),
        num_cache_clusters=dict(type="int"),
        automatic_failover=dict(type="bool"),
        multi_az=dict(type="bool"),
        cache_subnet_group_name=dict(),
        security_group_ids=dict(type="list", elements="str"),
        cache_parameter_group_name=dict(),
        port=dict(type="int"),
        at_rest_encryption=dict(type="bool"),
        kms_key_id=dict(),
        transit_encryption=dict(type="bool"),
        transit_encryption_mode=dict(choices=["preferred", "required"]),
        auth_token=dict(no_log=True),
        auth_token_update_strategy=dict(choices=["ROTATE", "SET", "DELETE"], no_log=False),
        log_delivery=dict(
            type="list",
            elements="dict",
            options=dict(
                log_type=dict(required=True, choices=["slow-log", "engine-log"]),
                destination_type=dict(required=True, choices=["cloudwatch-logs", "kinesis-firehose"]),
                destination=dict(required=True),
                log_format=dict(choices=["text", "json"], default="json"),
            ),
        ),
        snapshot_retention_limit=dict(type="int"),
        snapshot_window=dict(),
        maintenance_window=dict(aliases=["preferred_maintenance_window"]),
        snapshot_arns=dict(type="list", elements="str"),
        auto_minor_version_upgrade=dict(type="bool"),
        global_replication_group_id=dict(),
        final_snapshot_identifier=dict(),
        global_datastore_removed=dict(type="bool", default=False),
        skip_final_snapshot=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("replicas_per_node_group", "num_cache_clusters")],
        supports_check_mode=True,
    )
    params = module.params
    if params["auth_token"] == "":
        params["auth_token"] = None  # an empty token (a role default) is no token
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client(
        "elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )
    deadline = Deadline(params["wait_timeout"])
    result = {}
    try:
        before = read(client, params)
        if params["state"] == "present":
            changed, after = ensure_present(client, module, before, deadline)
        else:
            changed, final_snapshot = ensure_absent(client, module, before, deadline)
            after = {}
            if final_snapshot:
                result["final_snapshot_identifier"] = final_snapshot
    except AnsibleElastiCacheError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(changed=changed, replication_group=after, diff=dict(before=before, after=after), **result)


if __name__ == "__main__":
    main()
