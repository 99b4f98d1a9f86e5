#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: aurora_global_cluster
version_added: 0.1.0
short_description: Manage an Aurora global database through its whole life
description:
  - Create an Aurora global database (RDS global cluster), empty or from an existing regional cluster
    that becomes its writer without downtime; manage its deletion protection and tags; wait for
    secondary regions to join; switch over or fail over its writer to another region; detach a region;
    and delete it.
  - The module manages one global cluster, named by O(global_cluster_identifier). Its members are
    regional Aurora DB clusters, always given by ARN, since AWS finds a cluster in another region only
    by its ARN.
  - B(Joining a region) as a secondary is not done by this module. AWS has no call that adds an existing
    cluster to a global cluster; a secondary is created in its region with the global cluster's
    identifier (C(amazon.aws.rds_cluster) with C(global_cluster_identifier)). Then run this module with
    O(state=present) and O(wait_for_members) to wait until the new cluster is a member and available.
  - The global cluster is global, but the RDS API is regional. Every call goes to the module's region
    (O(region)), except the wait on the regional status of O(wait_for_members) and of a detached
    cluster, which asks each cluster's own region (taken from its ARN).
author:
  - 1001 Stories platform team (@1001stories)
options:
  global_cluster_identifier:
    description:
      - The identifier of the global cluster. AWS stores it in lower case and matches it without regard to case.
    type: str
    required: true
  state:
    description:
      - V(present) creates the global cluster when it does not exist and brings O(deletion_protection)
        and O(tags) to what is asked. An existing global cluster is otherwise left as it is, whichever
        member is its writer.
      - V(switched_over) makes O(target_db_cluster_identifier) the writer with a planned switchover
        (C(SwitchoverGlobalCluster)), which first synchronises every secondary, so no data is lost. No change
        when the target is already the writer.
      - V(failed_over) makes O(target_db_cluster_identifier) the writer with an unplanned failover
        (C(FailoverGlobalCluster) with C(AllowDataLoss)), for when the writer's region is out. Requires
        O(allow_data_loss=true). No change when the target is already the writer.
      - V(detached) removes O(db_cluster_identifier) from the global cluster (C(RemoveFromGlobalCluster)).
        The regional cluster is kept and becomes a standalone, writable cluster (it is B(promoted)).
        The writer is never detached. No change when the cluster is not a member.
      - V(absent) deletes the global cluster, never its regional clusters. See O(force) and O(deletion_protection).
    type: str
    choices: ["present", "absent", "switched_over", "failed_over", "detached"]
    default: present
  source_db_cluster_identifier:
    description:
      - The ARN of an existing regional cluster that becomes the writer of the global cluster when it is
        created. The global cluster takes the cluster's engine, engine version, encryption and database name.
      - Used only at creation. On an existing global cluster the module warns when this cluster is not a member.
      - Create the global cluster in the region of this cluster.
    type: str
  engine:
    description:
      - The engine of a global cluster created empty, without O(source_db_cluster_identifier). Required then.
      - Used only at creation; the module warns when an existing global cluster has another engine.
    type: str
    choices: ["aurora-mysql", "aurora-postgresql"]
  engine_version:
    description:
      - The engine version of a global cluster created empty. AWS picks its default when it is not given.
      - Used only at creation; the module warns when an existing global cluster runs another version
        (a version given as V(15) matches V(15.4)). Upgrades are not managed by this module.
    type: str
  storage_encrypted:
    description:
      - Whether the storage of a global cluster created empty is encrypted.
      - Used only at creation; the module warns when an existing global cluster differs.
    type: bool
  database_name:
    description:
      - The name of the database created in a global cluster created empty.
      - Used only at creation; the module warns when an existing global cluster differs.
    type: str
  deletion_protection:
    description:
      - With O(state=present), whether the global cluster refuses to be deleted. Changed in place when it
        differs. When not set, AWS's default (off) applies at creation and an existing setting is left alone.
      - With O(state=absent), a global cluster with deletion protection on is refused, unless this option
        is V(false), in which case the module turns deletion protection off before deleting.
      - This is the global cluster's own setting; each regional cluster has its own.
    type: bool
  wait_for_members:
    description:
      - With O(state=present), ARNs of regional clusters to wait for, typically secondaries just created with
        C(amazon.aws.rds_cluster) and C(global_cluster_identifier). The module waits until each is a member
        that is not waiting to resynchronise, and its regional status is C(available) (replicating). A member
        in a state it will not leave by itself (for example C(failed) or C(inaccessible-encryption-credentials))
        fails the task at once, with its status in RV(global_cluster.members[].status).
      - Waits for at most O(wait_timeout) seconds, whatever O(wait) says. Not waited for in check mode.
      - Waiting changes nothing, so it never makes the task changed.
    type: list
    elements: str
  target_db_cluster_identifier:
    description:
      - The ARN of the member to make the writer. Required with O(state=switched_over) and O(state=failed_over).
    type: str
  allow_data_loss:
    description:
      - Confirms an unplanned failover with O(state=failed_over). Writes made on the current writer since its
        last replication to the target may be lost.
      - Without it the module refuses O(state=failed_over) before making any AWS call.
    type: bool
    default: false
  db_cluster_identifier:
    description:
      - The ARN of the member to detach. Required with O(state=detached).
    type: str
  force:
    description:
      - With O(state=absent), detach the remaining members (secondaries first, then the writer) and then
        delete the global cluster. The regional clusters are kept, each becoming standalone.
      - Without it, a global cluster that still has members is refused.
      - The module always waits for the members to leave, since AWS deletes only an empty global cluster.
    type: bool
    default: false
  wait:
    description:
      - Wait until the action has completed, that is until a new global cluster is available (with the source
        cluster as its writer), a switchover or failover has ended with the target as writer, a detached
        cluster has left and is available in its region, or a deleted global cluster is gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds, for all the waits of one task together.
    type: int
    default: 1800
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the global cluster that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the global cluster before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - Run O(state=failed_over) with O(region) set to the target's region. An unplanned failover is for when the
    writer's region is out, and then that region's API may not answer. The module warns otherwise.
  - Run O(state=detached) in the region of the cluster being detached, for the same reason.
  - The module never deletes or creates regional clusters or their instances; use C(amazon.aws.rds_cluster)
    and C(amazon.aws.rds_instance) for those.
  - After an unplanned failover AWS adds the old writer back as a secondary once its region recovers; until
    then it may be listed with RV(global_cluster.members[].synchronization_status=pending-resync).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# 1001 Stories: the writer in us-east-1, secondaries in eu-west-1 and ap-southeast-1.

- name: Make the us-east-1 cluster the writer of a new global database, without downtime
  stories1001.infra.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: stories1001-production
    source_db_cluster_identifier: arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-use1
    deletion_protection: true
    tags:
      Project: stories1001
      Environment: production
      Component: database

- name: Create an empty global database, to build the primary cluster into it afterwards
  stories1001.infra.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: stories1001-staging
    engine: aurora-postgresql
    engine_version: "15.4"
    storage_encrypted: true
    database_name: stories

- name: Create the eu-west-1 secondary in the global database
  amazon.aws.rds_cluster:
    region: eu-west-1
    cluster_id: stories1001-production-euw1
    global_cluster_identifier: stories1001-production
    engine: aurora-postgresql
    engine_version: "15.4"
    db_subnet_group_name: stories1001-production-database
    storage_encrypted: true
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000

- name: Wait until both secondaries have joined and replicate
  stories1001.infra.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: stories1001-production
    wait_for_members:
      - arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1
      - arn:aws:rds:ap-southeast-1:123456789012:cluster:stories1001-production-apse1
    wait_timeout: 3600

- name: Planned switchover of the writer to eu-west-1 (no data loss)
  stories1001.infra.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: stories1001-production
    state: switched_over
    target_db_cluster_identifier: arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1
  register: switchover

- name: Show the region that now takes writes
  ansible.builtin.debug:
    msg: "Writer in {{ switchover.global_cluster.writer_region }}"

- name: us-east-1 is out, fail over to eu-west-1, accepting the loss of unreplicated writes
  stories1001.infra.aurora_global_cluster:
    region: eu-west-1
    global_cluster_identifier: stories1001-production
    state: failed_over
    target_db_cluster_identifier: arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1
    allow_data_loss: "{{ dr_confirm_data_loss | bool }}"

- name: Take ap-southeast-1 out of the global database; its cluster becomes standalone
  stories1001.infra.aurora_global_cluster:
    region: ap-southeast-1
    global_cluster_identifier: stories1001-production
    state: detached
    db_cluster_identifier: arn:aws:rds:ap-southeast-1:123456789012:cluster:stories1001-production-apse1

- name: Delete the global database of staging, detaching its members and lifting deletion protection
  stories1001.infra.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: stories1001-staging
    state: absent
    force: true
    deletion_protection: false
"""

RETURN = r"""
global_cluster:
  description:
    - The global cluster as it is (or, in check mode, would be) after the task.
    - Empty when it does not exist.
    - In check mode a global cluster that would be created carries only the requested settings.
  returned: always
  type: dict
  contains:
    global_cluster_identifier:
      description: The identifier, in lower case.
      returned: when the global cluster exists
      type: str
      sample: stories1001-production
    global_cluster_arn:
      description: The ARN of the global cluster (it has no region).
      returned: when the global cluster exists
      type: str
      sample: arn:aws:rds::123456789012:global-cluster:stories1001-production
    global_cluster_resource_id:
      description: The immutable resource id.
      returned: when the global cluster exists
      type: str
      sample: cluster-0123456789abcdef
    status:
      description: The status; V(available), V(creating), V(modifying), V(switching-over), V(failing-over), V(deleting) and others.
      returned: when the global cluster exists
      type: str
      sample: available
    engine:
      description: The database engine.
      returned: when the global cluster exists or O(engine) is set
      type: str
      sample: aurora-postgresql
    engine_version:
      description: The engine version.
      returned: when the global cluster exists or O(engine_version) is set
      type: str
      sample: "15.4"
    database_name:
      description: The name of the database created with the global cluster.
      returned: when AWS reports it
      type: str
      sample: stories
    storage_encrypted:
      description: Whether the storage is encrypted.
      returned: when the global cluster exists or O(storage_encrypted) is set
      type: bool
      sample: true
    deletion_protection:
      description: Whether the global cluster refuses to be deleted.
      returned: always
      type: bool
      sample: true
    endpoint:
      description: The global writer endpoint, which follows the writer across switchovers and failovers.
      returned: when AWS reports it
      type: str
      sample: stories1001-production.global-0123456789.global.rds.amazonaws.com
    members:
      description: The regional clusters in the global cluster, the writer first.
      returned: always
      type: list
      elements: dict
      contains:
        db_cluster_arn:
          description: The ARN of the regional cluster.
          returned: always
          type: str
          sample: arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-use1
        region:
          description: The region of the cluster, from its ARN.
          returned: always
          type: str
          sample: us-east-1
        role:
          description: V(writer) for the primary cluster, V(reader) for a secondary.
          returned: always
          type: str
          sample: writer
        is_writer:
          description: Whether the cluster is the primary, the one that takes writes.
          returned: always
          type: bool
          sample: true
        readers:
          description: For the writer, the ARNs of the secondary clusters; empty for a secondary.
          returned: always
          type: list
          elements: str
          sample: ["arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1"]
        global_write_forwarding_status:
          description: Whether a secondary forwards writes to the writer.
          returned: when AWS reports it (secondaries)
          type: str
          sample: disabled
        synchronization_status:
          description: V(connected), or V(pending-resync) for a member that must catch up after a failover.
          returned: when AWS reports it
          type: str
          sample: connected
        status:
          description: The status of the regional cluster in its own region, for example V(available), V(creating) or V(failed).
          returned: for the members named in O(wait_for_members)
          type: str
          sample: available
    failover_state:
      description: The switchover or failover under way.
      returned: when AWS reports one
      type: dict
      contains:
        status:
          description: V(pending), V(failing-over) or V(cancelling).
          returned: always
          type: str
          sample: failing-over
        from_db_cluster_arn:
          description: The cluster being demoted.
          returned: always
          type: str
          sample: arn:aws:rds:us-east-1:123456789012:cluster:stories1001-production-use1
        to_db_cluster_arn:
          description: The cluster being promoted.
          returned: always
          type: str
          sample: arn:aws:rds:eu-west-1:123456789012:cluster:stories1001-production-euw1
        is_data_loss_allowed:
          description: V(true) for a failover, V(false) for a switchover.
          returned: always
          type: bool
          sample: false
    writer_region:
      description: The region of the writer, or null when the global cluster has no writer.
      returned: always
      type: str
      sample: us-east-1
    tags:
      description: The tags of the global cluster.
      returned: always
      type: dict
      sample: {"Project": "stories1001"}
diff:
  description: The global cluster before and after the task, each in the form of RV(global_cluster); empty when it does not exist.
  returned: always
  type: dict
  contains:
    before:
      description: The global cluster before the task.
      returned: always
      type: dict
    after:
      description: The global cluster after the task.
      returned: always
      type: dict
"""

import math
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import create_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import delete_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import describe_db_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import failover_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import failover_in_progress
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import get_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import modify_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import normalize_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import region_from_arn
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import remove_from_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import switchover_global_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import update_rds_tags
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import wait_for
from ansible_collections.stories1001.infra.plugins.module_utils._rds_global import with_members
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

DB_CLUSTER_ARN = re.compile(r"^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]*$")
CREATION_ONLY = (
    ("engine", "engine"),
    ("engine_version", "engine_version"),
    ("storage_encrypted", "storage_encrypted"),
    ("database_name", "database_name"),
)
FAILOVER_REFUSED = (
    "state=failed_over promotes {target} with an unplanned failover (FailoverGlobalCluster with AllowDataLoss): "
    "data written on the current writer since its last replication to the target may be lost. "
    "Set allow_data_loss: true to confirm, or use state: switched_over for a planned switchover without data loss."
)


class Deadline:
    """One wait_timeout shared by the waits of a task."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def remaining(self):
        return max(1, math.ceil(self.end - time.monotonic()))


class RegionalClients:
    """The module's RDS client, and one per other region on demand (for regional cluster status)."""

    def __init__(self, module, client):
        self.module = module
        self.by_region = {module.region: client}

    def for_arn(self, arn):
        region = region_from_arn(arn)
        if region not in self.by_region:
            self.by_region[region] = self.module.client(
                "rds", retry_decorator=AWSRetry.jittered_backoff(), region=region
            )
        return self.by_region[region]


# --- pure functions: what differs, what would result ---------------------------------------------


def is_db_cluster_arn(value):
    return bool(DB_CLUSTER_ARN.match(value or ""))


def version_matches(existing, wanted):
    """Whether a version asked for (15, 15.4) names the version AWS reports (15.4)."""
    return existing == wanted or (existing or "").startswith(f"{wanted}.")


def global_cluster_difference(existing, params):
    """The ModifyGlobalCluster parameters that bring an existing global cluster to the options; {} when none."""
    changes = {}
    if (
        params.get("deletion_protection") is not None
        and bool(existing.get("deletion_protection")) != params["deletion_protection"]
    ):
        changes["DeletionProtection"] = params["deletion_protection"]
    return changes


def creation_only_differences(existing, params):
    """Creation-only options that disagree with an existing global cluster: [(option, existing value, asked)]."""
    differences = []
    for option, key in CREATION_ONLY:
        wanted = params.get(option)
        if wanted is None:
            continue
        current = existing.get(key)
        same = version_matches(current, wanted) if option == "engine_version" else current == wanted
        if not same:
            differences.append((option, current, wanted))
    return differences


def create_request(params, tags):
    """The CreateGlobalCluster parameters for the options."""
    request = dict(GlobalClusterIdentifier=params["global_cluster_identifier"])
    for option, key in (
        ("source_db_cluster_identifier", "SourceDBClusterIdentifier"),
        ("engine", "Engine"),
        ("engine_version", "EngineVersion"),
        ("storage_encrypted", "StorageEncrypted"),
        ("database_name", "DatabaseName"),
        ("deletion_protection", "DeletionProtection"),
    ):
        if params.get(option) is not None:
            request[key] = params[option]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def _member(arn, is_writer, readers=()):
    return dict(
        db_cluster_arn=arn,
        region=region_from_arn(arn),
        role="writer" if is_writer else "reader",
        is_writer=is_writer,
        readers=list(readers),
    )


def predicted_new(params, tags):
    """The global cluster the options would create, in the shape normalize_global_cluster() returns."""
    global_cluster = dict(
        global_cluster_identifier=params["global_cluster_identifier"].lower(),
        deletion_protection=bool(params.get("deletion_protection")),
        tags=tags,
    )
    for option in ("engine", "engine_version", "storage_encrypted", "database_name"):
        if params.get(option) is not None:
            global_cluster[option] = params[option]
    source = params.get("source_db_cluster_identifier")
    return with_members(global_cluster, [_member(source, True)] if source else [])


def predicted_writer(global_cluster, target):
    """The global cluster once target has become the writer."""
    arns = [member["db_cluster_arn"] for member in global_cluster["members"]]
    members = []
    for member in global_cluster["members"]:
        is_writer = member["db_cluster_arn"] == target
        readers = [arn for arn in arns if arn != target] if is_writer else []
        members.append(dict(member, is_writer=is_writer, role="writer" if is_writer else "reader", readers=readers))
    result = with_members(global_cluster, members)
    result.pop("failover_state", None)
    return result


def predicted_without(global_cluster, db_cluster_arn):
    """The global cluster once db_cluster_arn has left it."""
    members = [
        dict(member, readers=[arn for arn in member["readers"] if arn != db_cluster_arn])
        for member in global_cluster["members"]
        if member["db_cluster_arn"] != db_cluster_arn
    ]
    return with_members(global_cluster, members)


def with_member_statuses(global_cluster, statuses):
    """Add the regional status of the members named in statuses ({arn: status})."""
    if not global_cluster:
        return global_cluster
    members = [
        dict(member, status=statuses[member["db_cluster_arn"]]) if member["db_cluster_arn"] in statuses else member
        for member in global_cluster["members"]
    ]
    return dict(global_cluster, members=members)


def find_member(global_cluster, db_cluster_arn):
    return next(
        (member for member in global_cluster.get("members", []) if member["db_cluster_arn"] == db_cluster_arn), None
    )


# --- reading and waiting -----------------------------------------------------------------------------


def read(client, params):
    return normalize_global_cluster(get_global_cluster(client, params["global_cluster_identifier"]))


def regional_statuses(clients, arns):
    statuses = {}
    for arn in arns:
        cluster = describe_db_cluster(clients.for_arn(arn), arn)
        statuses[arn] = cluster.get("Status") if cluster else "not-found"
    return statuses


def wait_or_report(client, params, deadline, waiter_name, db_cluster_arns=()):
    """Wait on the global cluster; when the wait fails, fail with the global cluster as it is now."""
    identifier = params["global_cluster_identifier"]
    try:
        wait_for(client, waiter_name, deadline.remaining(), db_cluster_arns, GlobalClusterIdentifier=identifier)
    except AnsibleRDSError as e:
        raise AnsibleRDSError(message=e.message, exception=e.exception, global_cluster=read(client, params)) from e


def wait_for_members(client, clients, params, deadline):
    """Wait until the wait_for_members clusters are members and available; the global cluster with their status."""
    arns = sorted(set(params["wait_for_members"]))
    identifier = params["global_cluster_identifier"]
    waiting_for = None
    try:
        waiting_for = "to join"
        wait_for(client, "members_joined", deadline.remaining(), arns, GlobalClusterIdentifier=identifier)
        for arn in arns:
            waiting_for = arn
            wait_for(clients.for_arn(arn), "db_cluster_available", deadline.remaining(), DBClusterIdentifier=arn)
    except AnsibleRDSError as e:
        global_cluster = with_member_statuses(read(client, params), regional_statuses(clients, arns))
        missing = [arn for arn in arns if not find_member(global_cluster, arn)]
        subject = f"members of global cluster {identifier}" if waiting_for == "to join" else f"member {waiting_for}"
        message = f"Waiting for {subject}: {e.message}"
        if missing:
            message += f" (not members: {', '.join(missing)})"
        raise AnsibleRDSError(message=message, global_cluster=global_cluster) from e
    return with_member_statuses(read(client, params), regional_statuses(clients, arns))


# --- the states ----------------------------------------------------------------------------------------


def create(client, module, tags, deadline):
    params = module.params
    if not params["source_db_cluster_identifier"] and not params["engine"]:
        module.fail_json(
            msg=f"engine is required to create global cluster {params['global_cluster_identifier']} "
            "without source_db_cluster_identifier"
        )
    if module.check_mode:
        return predicted_new(params, tags)

    created = create_global_cluster(client, **create_request(params, tags))
    if not params["wait"]:
        return normalize_global_cluster(created)
    source = params["source_db_cluster_identifier"]
    if source:
        wait_or_report(client, params, deadline, "writer_is", [source])
    else:
        wait_or_report(client, params, deadline, "global_cluster_available")
    return read(client, params)


def update(client, module, existing, deadline):
    params = module.params
    identifier = existing["global_cluster_identifier"]
    for option, current, wanted in creation_only_differences(existing, params):
        module.warn(f"{option} is used only at creation: global cluster {identifier} has {current!r}, not {wanted!r}")
    source = params["source_db_cluster_identifier"]
    if source and not find_member(existing, source):
        module.warn(
            f"{source} is not a member of global cluster {identifier}; "
            "AWS cannot add an existing cluster to a global cluster"
        )

    changes = global_cluster_difference(existing, params)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(existing.get("tags"), params["tags"], params["purge_tags"])
    if not changes and not tags_to_set and not tag_keys_to_unset:
        return False, existing
    if module.check_mode:
        predicted = dict(existing, tags=tags)
        if "DeletionProtection" in changes:
            predicted["deletion_protection"] = changes["DeletionProtection"]
        return True, predicted

    if changes:
        modify_global_cluster(client, GlobalClusterIdentifier=identifier, **changes)
        if params["wait"]:
            wait_or_report(client, params, deadline, "global_cluster_available")
    update_rds_tags(client, existing["global_cluster_arn"], tags_to_set, tag_keys_to_unset)
    return True, read(client, params)


def ensure_present(client, clients, module, existing, deadline):
    params = module.params
    if existing:
        changed, after = update(client, module, existing, deadline)
    else:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        changed, after = True, create(client, module, tags, deadline)
    if params["wait_for_members"] and not module.check_mode:
        after = wait_for_members(client, clients, params, deadline)
    return changed, after


def ensure_writer(client, module, existing, deadline):
    """switched_over and failed_over: make the target the writer."""
    params = module.params
    target = params["target_db_cluster_identifier"]
    failover = params["state"] == "failed_over"
    identifier = params["global_cluster_identifier"]
    if not existing:
        module.fail_json(msg=f"Global cluster {identifier} does not exist", global_cluster=existing)
    member = find_member(existing, target)
    if not member:
        module.fail_json(
            msg=f"{target} is not a member of global cluster {identifier}; members: "
            + ", ".join(m["db_cluster_arn"] for m in existing["members"]),
            global_cluster=existing,
        )
    if failover and region_from_arn(target) != module.region:
        module.warn(
            f"Failing over to {target} from region {module.region}: run unplanned failovers in the target's region, "
            "since the writer's region may not answer"
        )

    running = failover_in_progress(existing)
    if running and running.get("to_db_cluster_arn") != target:
        kind = "failover" if running.get("is_data_loss_allowed") else "switchover"
        module.fail_json(
            msg=f"A {kind} of global cluster {identifier} from {running.get('from_db_cluster_arn')} "
            f"to {running.get('to_db_cluster_arn')} is {running.get('status')}; wait for it to end",
            global_cluster=existing,
        )
    if running:
        # Under way to the target already (an earlier run that timed out, or someone else): only wait.
        changed = False
    elif member["is_writer"]:
        return False, existing
    else:
        changed = True
        if module.check_mode:
            return True, predicted_writer(existing, target)
        if failover:
            failover_global_cluster(client, identifier, target)
        else:
            switchover_global_cluster(client, identifier, target)

    if module.check_mode:
        return changed, existing
    if params["wait"]:
        wait_or_report(client, params, deadline, "writer_is", [target])
    return changed, read(client, params)


def ensure_detached(client, clients, module, existing, deadline):
    params = module.params
    arn = params["db_cluster_identifier"]
    identifier = params["global_cluster_identifier"]
    member = find_member(existing, arn) if existing else None
    if not member:
        return False, existing
    if member["is_writer"]:
        module.fail_json(
            msg=f"{arn} is the writer of global cluster {identifier} and is not detached; switch the writer over "
            "to another member first (state: switched_over), or delete the global cluster (state: absent, force: true)",
            global_cluster=existing,
        )
    if region_from_arn(arn) != module.region:
        module.warn(f"Detaching {arn} from region {module.region}: run the detach in the cluster's own region")
    if module.check_mode:
        return True, predicted_without(existing, arn)

    remove_from_global_cluster(client, identifier, arn)
    if not params["wait"]:
        return True, read(client, params)
    wait_or_report(client, params, deadline, "member_removed", [arn])
    # Promoted to a standalone cluster, it takes writes once available again in its region.
    try:
        wait_for(clients.for_arn(arn), "db_cluster_available", deadline.remaining(), DBClusterIdentifier=arn)
    except AnsibleRDSError as e:
        raise AnsibleRDSError(message=f"Detached {arn}: {e.message}", global_cluster=read(client, params)) from e
    return True, read(client, params)


def ensure_absent(client, module, existing, deadline):
    params = module.params
    identifier = params["global_cluster_identifier"]
    if not existing:
        return False, {}
    protected = existing.get("deletion_protection")
    if protected and params["deletion_protection"] is not False:
        module.fail_json(
            msg=f"Global cluster {identifier} has deletion protection on; set deletion_protection: false "
            "with state: absent to turn it off and delete it",
            global_cluster=existing,
        )
    members = existing["members"]
    if members and not params["force"]:
        module.fail_json(
            msg=f"Global cluster {identifier} still has members: {', '.join(m['db_cluster_arn'] for m in members)}; "
            "detach them first (state: detached), or set force: true to detach them and delete it "
            "(the regional clusters are kept)",
            global_cluster=existing,
        )
    if module.check_mode:
        return True, {}

    if protected:
        modify_global_cluster(client, GlobalClusterIdentifier=identifier, DeletionProtection=False)
        wait_or_report(client, params, deadline, "global_cluster_available")
    # AWS removes the writer only once no secondary is left.
    for member in sorted(members, key=lambda m: m["is_writer"]):
        remove_from_global_cluster(client, identifier, member["db_cluster_arn"])
        wait_or_report(client, params, deadline, "member_removed", [member["db_cluster_arn"]])
    delete_global_cluster(client, identifier)
    if params["wait"]:
        wait_or_report(client, params, deadline, "global_cluster_deleted")
    return True, {}


# --- main ------------------------------------------------------------------------------------------------


def validate(module):
    params = module.params
    for option in ("source_db_cluster_identifier", "target_db_cluster_identifier", "db_cluster_identifier"):
        if params[option] is not None and not is_db_cluster_arn(params[option]):
            module.fail_json(
                msg=f"{option} must be the ARN of a DB cluster (arn:aws:rds:<region>:<account>:cluster:<name>), "
                f"got {params[option]!r}"
            )
    bad_members = [arn for arn in params["wait_for_members"] or [] if not is_db_cluster_arn(arn)]
    if bad_members:
        module.fail_json(msg=f"wait_for_members must list ARNs of DB clusters, got {bad_members}")
    if params["state"] == "failed_over" and not params["allow_data_loss"]:
        module.fail_json(msg=FAILOVER_REFUSED.format(target=params["target_db_cluster_identifier"]))
    if params["wait_timeout"] < 1:
        module.fail_json(msg="wait_timeout must be at least 1 second")


def main():
    argument_spec = dict(
        global_cluster_identifier=dict(required=True),
        state=dict(choices=["present", "absent", "switched_over", "failed_over", "detached"], default="present"),
        source_db_cluster_identifier=dict(),
        engine=dict(choices=["aurora-mysql", "aurora-postgresql"]),
        engine_version=dict(),
        storage_encrypted=dict(type="bool"),
        database_name=dict(),
        deletion_protection=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_for_members=dict(type="list", elements="str"),
        target_db_cluster_identifier=dict(),
        allow_data_loss=dict(type="bool", default=False),
        db_cluster_identifier=dict(),
        force=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[
            ("state", "switched_over", ["target_db_cluster_identifier"]),
            ("state", "failed_over", ["target_db_cluster_identifier"]),
            ("state", "detached", ["db_cluster_identifier"]),
        ],
        mutually_exclusive=[
            ("source_db_cluster_identifier", "engine"),
            ("source_db_cluster_identifier", "engine_version"),
            ("source_db_cluster_identifier", "storage_encrypted"),
            ("source_db_cluster_identifier", "database_name"),
        ],
        supports_check_mode=True,
    )
    validate(module)
    params = module.params

    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff())
    clients = RegionalClients(module, client)
    deadline = Deadline(params["wait_timeout"])
    state = params["state"]
    try:
        before = read(client, params)
        if state == "present":
            changed, after = ensure_present(client, clients, module, before, deadline)
        elif state in ("switched_over", "failed_over"):
            changed, after = ensure_writer(client, module, before, deadline)
        elif state == "detached":
            changed, after = ensure_detached(client, clients, module, before, deadline)
        else:
            changed, after = ensure_absent(client, module, before, deadline)
    except AnsibleRDSError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(changed=changed, global_cluster=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
