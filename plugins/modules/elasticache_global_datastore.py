#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: elasticache_global_datastore
version_added: 0.1.0
short_description: Manage an ElastiCache global datastore through its whole life
description:
  - Create an ElastiCache global datastore (global replication group) from an existing Redis OSS or Valkey
    replication group, which becomes its primary; manage its description and the settings it owns for all its
    members (engine and engine version, node type, number of shards) and its tags; wait for secondary regions
    to join; promote a secondary to primary; disassociate a secondary, which becomes a standalone replication
    group; and delete the global datastore.
  - The module manages one global datastore, named by O(global_replication_group_id_suffix) or by its full
    O(global_replication_group_id). AWS puts a prefix of its own, which depends on the region it is created
    in, before the suffix (C(ldgnf-stories1001-production-redis)); by suffix the module finds an existing one
    whatever its prefix.
  - B(Joining a region) as a secondary is not done by this module. A secondary is created in its region with
    the global datastore's id (C(stories1001.infra.elasticache_replication_group) with
    C(global_replication_group_id)). Then run this module with O(state=present) and O(wait_for_members) to wait
    until it is associated and available.
  - The global datastore, not its members, owns the engine, engine version, node type and number of shards of
    every member. The module compares those options with the global datastore only and changes them there
    (C(ModifyGlobalReplicationGroup), C(IncreaseNodeGroupsInGlobalReplicationGroup),
    C(DecreaseNodeGroupsInGlobalReplicationGroup)); it never modifies a member replication group, so a member
    that is still catching up with a change made through the global datastore is not "fixed".
  - When a task needs several changes, the module makes them one after the other and waits for the global
    datastore to be available in between, whatever O(wait) says, since AWS refuses a change while another runs.
    It also waits for a global datastore that is being created or modified before changing it.
author:
  - 1001 Stories platform team (@1001stories)
options:
  global_replication_group_id_suffix:
    description:
      - The suffix of the global datastore's id, the name given at creation. Required to create one.
      - An existing global datastore is found by its suffix in any prefix. When two have the same suffix (created
        from different regions), the module fails and asks for O(global_replication_group_id).
      - Letters, digits and single hyphens. Checked before any AWS call.
    type: str
    aliases: ["suffix"]
  global_replication_group_id:
    description:
      - The full id of an existing global datastore, with the prefix AWS gave it.
    type: str
  state:
    description:
      - V(present) creates the global datastore from O(primary_replication_group_id) when it does not exist, and
        brings O(description), O(engine), O(engine_version), O(node_type), O(num_node_groups) and O(tags) to
        what is asked. An existing global datastore is otherwise left as it is, whichever member is its primary;
        a primary changed by a failover is no change.
      - V(failed_over) makes O(primary_replication_group_id) in O(primary_region) the primary
        (C(FailoverGlobalReplicationGroup)); every other member becomes a secondary. No change when it is already
        the primary.
      - V(disassociated) removes O(replication_group_id) in O(replication_group_region) from the global datastore
        (C(DisassociateGlobalReplicationGroup)). The replication group is kept and becomes a standalone, writable
        group in its region. The primary is never disassociated. No change when the group is not a member.
      - V(absent) deletes the global datastore (C(DeleteGlobalReplicationGroup)), which AWS allows only when its
        primary is the only member left; see O(force). Its replication groups are kept. No change when it does
        not exist.
    type: str
    choices: ["present", "failed_over", "disassociated", "absent"]
    default: present
  primary_replication_group_id:
    description:
      - With O(state=present), the replication group in the module's region (O(region)) that becomes the primary
        of a new global datastore. It must exist, be available and belong to no global datastore. On an existing
        global datastore the module warns when this group is not a member in the module's region.
      - With O(state=failed_over), the member to promote to primary. Required then.
      - AWS stores replication group ids in lower case; they are compared in lower case.
    type: str
  primary_region:
    description:
      - With O(state=failed_over), the region of O(primary_replication_group_id). Required then.
    type: str
  description:
    description:
      - The description of the global datastore; set at creation and changed in place.
    type: str
    aliases: ["global_replication_group_description"]
  engine:
    description:
      - The engine of every member. A V(redis) global datastore is upgraded in place to V(valkey) when asked,
        which needs O(engine_version). AWS cannot move a V(valkey) global datastore back to V(redis).
      - When not set, the engine is left as it is.
    type: str
    choices: ["redis", "valkey"]
  engine_version:
    description:
      - The engine version of every member. A version given as V(7) or V(7.1) matches V(7.1.0). A higher version
        is an in-place upgrade of all members; a lower one is not applied (AWS cannot downgrade) and the module warns.
      - When not set, the version is left as it is. A new global datastore takes its primary's.
    type: str
  cache_parameter_group_name:
    description:
      - The parameter group for the members after an engine upgrade with O(engine_version) or O(engine). AWS needs one
        for a major version upgrade (for example to the V(redis7) or V(valkey8) family).
      - Sent only with an upgrade; it is not compared otherwise, since the global datastore does not report it.
    type: str
  node_type:
    description:
      - The node type of every member, for example V(cache.r6g.2xlarge). Scaled in place when it differs.
      - When not set, the node type is left as it is. A new global datastore takes its primary's.
    type: str
    aliases: ["cache_node_type"]
  num_node_groups:
    description:
      - The number of shards of a global datastore with cluster mode enabled, for all members. More shards are added
        with C(IncreaseNodeGroupsInGlobalReplicationGroup); fewer keep the first shards by id (their slots move to
        them) with C(DecreaseNodeGroupsInGlobalReplicationGroup).
      - A global datastore with cluster mode disabled has one shard; any other number is refused.
    type: int
  wait_for_members:
    description:
      - With O(state=present), secondaries to wait for, typically just created in their regions with
        C(stories1001.infra.elasticache_replication_group) and C(global_replication_group_id). The module waits
        until each is associated, the global datastore is available, and each replication group is available in
        its own region.
      - Waits for at most O(wait_timeout) seconds, whatever O(wait) says. Not waited for in check mode. Waiting
        changes nothing, so it never makes the task changed.
    type: list
    elements: dict
    suboptions:
      replication_group_id:
        description: The id of the secondary replication group.
        type: str
        required: true
      region:
        description: The region of the secondary replication group.
        type: str
        required: true
  replication_group_id:
    description:
      - With O(state=disassociated), the member to remove. Required then.
    type: str
  replication_group_region:
    description:
      - With O(state=disassociated), the region of O(replication_group_id). Required then.
    type: str
  force:
    description:
      - With O(state=absent), first disassociate every secondary (each becomes a standalone replication group),
        waiting until each has left, then delete the global datastore.
      - Without it, a global datastore that still has secondaries is refused.
    type: bool
    default: false
  retain_primary_replication_group:
    description:
      - With O(state=absent), keep the primary as a standalone replication group (C(RetainPrimaryReplicationGroup)).
        AWS documents that deleting a global datastore never deletes its primary; delete that group with
        C(stories1001.infra.elasticache_replication_group) afterwards if it is not wanted.
    type: bool
    default: true
  wait:
    description:
      - Wait until the action has completed, that is until a new or changed global datastore is available (or
        V(primary-only)), a promoted member is the primary and the global datastore is available, a disassociated
        group has left and is available in its region, or a deleted global datastore is gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds, for all the waits of one task together.
    type: int
    default: 3600
  tags:
    description:
      - Tags for the global datastore. Set at creation; on an existing global datastore they are read and changed
        only when this option is given.
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the global datastore that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the global datastore before and after the change in RV(diff).
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
  - The ElastiCache API is regional while the global datastore is not. Create it in the primary's region. The other
    states work from any region that has a member; run O(state=failed_over) in the region of the member being
    promoted when the primary's region is out, and O(state=disassociated) in the region of the group leaving.
  - A global datastore with only its primary reports the status V(primary-only); it becomes V(available) once a
    secondary has joined.
  - The module never creates or deletes replication groups; use C(stories1001.infra.elasticache_replication_group).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# 1001 Stories: the primary in us-east-1, secondaries in eu-west-1 and ap-southeast-1.

- name: Make the us-east-1 replication group the primary of a new global datastore
  stories1001.infra.elasticache_global_datastore:
    region: us-east-1
    global_replication_group_id_suffix: stories1001-production-redis
    primary_replication_group_id: stories1001-production-redis-cluster
    description: 1001 Stories app cache
    tags:
      Project: stories1001
      Environment: production
      Component: cache
  register: datastore

- name: Create the eu-west-1 secondary in the global datastore
  stories1001.infra.elasticache_replication_group:
    region: eu-west-1
    replication_group_id: stories1001-production-redis-cluster
    description: 1001 Stories app cache, eu-west-1 replica
    global_replication_group_id: "{{ datastore.global_datastore.global_replication_group_id }}"
    cache_subnet_group_name: stories1001-production-cache

- name: Wait until both secondaries have joined and replicate
  stories1001.infra.elasticache_global_datastore:
    region: us-east-1
    global_replication_group_id_suffix: stories1001-production-redis
    wait_for_members:
      - {region: eu-west-1, replication_group_id: stories1001-production-redis-cluster}
      - {region: ap-southeast-1, replication_group_id: stories1001-production-redis-cluster}

- name: Scale every member and add a shard, through the global datastore
  stories1001.infra.elasticache_global_datastore:
    region: us-east-1
    global_replication_group_id_suffix: stories1001-production-redis
    node_type: cache.r6g.2xlarge
    num_node_groups: 4

- name: Promote the eu-west-1 member to primary
  stories1001.infra.elasticache_global_datastore:
    region: eu-west-1
    global_replication_group_id_suffix: stories1001-production-redis
    state: failed_over
    primary_region: eu-west-1
    primary_replication_group_id: stories1001-production-redis-cluster
  register: failover

- name: Show the region that now takes writes
  ansible.builtin.debug:
    msg: "Primary in {{ failover.global_datastore.primary_region }}"

- name: Take ap-southeast-1 out of the global datastore; its group becomes standalone
  stories1001.infra.elasticache_global_datastore:
    region: ap-southeast-1
    global_replication_group_id_suffix: stories1001-production-redis
    state: disassociated
    replication_group_id: stories1001-production-redis-cluster
    replication_group_region: ap-southeast-1

- name: Delete the global datastore of staging, disassociating its secondaries first
  stories1001.infra.elasticache_global_datastore:
    region: us-east-1
    global_replication_group_id_suffix: stories1001-staging-redis
    state: absent
    force: true
"""

RETURN = r"""
global_datastore:
  description:
    - The global datastore as it is (or, in check mode, would be) after the task. Empty when it does not exist.
    - In check mode a global datastore that would be created carries what its primary tells and the requested
      settings; its id is null, since AWS picks the prefix.
  returned: always
  type: dict
  contains:
    global_replication_group_id:
      description: The full id, with the prefix AWS gave it.
      returned: always
      type: str
      sample: ldgnf-stories1001-production-redis
    global_replication_group_description:
      description: The description.
      returned: when set
      type: str
      sample: 1001 Stories app cache
    arn:
      description: The ARN of the global datastore (it has no region).
      returned: when the global datastore exists
      type: str
      sample: arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-stories1001-production-redis
    status:
      description: V(creating), V(primary-only) (no secondary yet), V(available), V(modifying), V(deleting) and others.
      returned: when the global datastore exists
      type: str
      sample: available
    engine:
      description: The engine of every member.
      returned: when known
      type: str
      sample: redis
    engine_version:
      description: The engine version of every member.
      returned: when the global datastore exists or O(engine_version) is set
      type: str
      sample: 7.1.0
    cache_node_type:
      description: The node type of every member.
      returned: when known
      type: str
      sample: cache.r6g.2xlarge
    cluster_enabled:
      description: Whether cluster mode is enabled.
      returned: when known
      type: bool
      sample: true
    num_node_groups:
      description: The number of shards (global node groups), or null when AWS lists none.
      returned: always
      type: int
      sample: 3
    global_node_groups:
      description: The shards and the hash slots each serves.
      returned: when the global datastore exists
      type: list
      elements: dict
      sample: [{"global_node_group_id": "ldgnf-stories1001-production-redis-0001", "slots": "0-5460"}]
    auth_token_enabled:
      description: Whether the members require an AUTH token.
      returned: when known
      type: bool
      sample: true
    transit_encryption_enabled:
      description: Whether the members encrypt traffic in transit.
      returned: when known
      type: bool
      sample: true
    at_rest_encryption_enabled:
      description: Whether the members encrypt data at rest.
      returned: when known
      type: bool
      sample: true
    members:
      description: The replication groups of the global datastore, the primary first.
      returned: always
      type: list
      elements: dict
      contains:
        replication_group_id:
          description: The id of the replication group.
          returned: always
          type: str
          sample: stories1001-production-redis-cluster
        region:
          description: The region of the replication group.
          returned: always
          type: str
          sample: us-east-1
        role:
          description: V(primary) for the member that takes writes, V(secondary) for the others.
          returned: always
          type: str
          sample: primary
        status:
          description: The status of its membership, V(associated) once it replicates.
          returned: always
          type: str
          sample: associated
        automatic_failover:
          description: The automatic failover status of the replication group.
          returned: when AWS reports it
          type: str
          sample: enabled
    primary_region:
      description: The region of the primary, or null when there is none.
      returned: always
      type: str
      sample: us-east-1
    primary_replication_group_id:
      description: The id of the primary replication group, or null when there is none.
      returned: always
      type: str
      sample: stories1001-production-redis-cluster
    tags:
      description: The tags of the global datastore.
      returned: when O(tags) is given
      type: dict
      sample: {"Project": "stories1001"}
diff:
  description: The global datastore before and after the task, each in the form of RV(global_datastore).
  returned: always
  type: dict
  contains:
    before:
      description: The global datastore before the task.
      returned: always
      type: dict
    after:
      description: The global datastore after the task.
      returned: always
      type: dict
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import AnsibleElastiCacheError
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import Deadline
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import describe_cache_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import describe_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import identifier_errors
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import is_node_type
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import list_tags
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import version_matches
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import version_tuple
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import wait_for
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache import wait_replication_group_available
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import READY_STATUSES
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import create_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import decrease_node_groups
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import delete_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import disassociate_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import failover_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import find_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import find_member
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import increase_node_groups
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import modify_global_replication_group
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import normalize_global_datastore
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import wait_for_global
from ansible_collections.stories1001.infra.plugins.module_utils._elasticache_global import with_members
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

SUFFIX = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")
GLOBAL_ID = re.compile(r"^[a-z]+-[A-Za-z0-9](?:-?[A-Za-z0-9])*$")
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]$")
MAX_NODE_GROUPS = 500


class RegionalClients:
    """The module's ElastiCache client, and one per other region on demand (for the members' own status)."""

    def __init__(self, module, client):
        self.module = module
        self.by_region = {module.region: client}

    def get(self, region):
        if region not in self.by_region:
            self.by_region[region] = self.module.client(
                "elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES), region=region
            )
        return self.by_region[region]


# --- pure functions: input checks, what differs, what would result ---------------------------------


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    suffix = params.get("global_replication_group_id_suffix")
    if suffix is not None and not SUFFIX.match(suffix):
        errors.append(f"global_replication_group_id_suffix {suffix!r} must be letters, digits and single hyphens, with no hyphen at either end")
    global_id = params.get("global_replication_group_id")
    if global_id is not None and not GLOBAL_ID.match(global_id):
        errors.append(f"global_replication_group_id {global_id!r} must be the full id: the prefix AWS gave it, a hyphen and the suffix")
    for option in ("primary_replication_group_id", "replication_group_id", "cache_parameter_group_name"):
        if params.get(option) is not None:
            errors.extend(identifier_errors(params[option], option, max_length=255 if option == "cache_parameter_group_name" else 40))
    for option in ("primary_region", "replication_group_region"):
        if params.get(option) is not None and not REGION.match(params[option]):
            errors.append(f"{option} {params[option]!r} is not a region name such as eu-west-1")
    for index, member in enumerate(params.get("wait_for_members") or []):
        errors.extend(identifier_errors(member["replication_group_id"], f"wait_for_members[{index}].replication_group_id"))
        if not REGION.match(member["region"]):
            errors.append(f"wait_for_members[{index}].region {member['region']!r} is not a region name such as eu-west-1")
    if params.get("node_type") is not None and not is_node_type(params["node_type"]):
        errors.append(f"node_type {params['node_type']!r} is not an ElastiCache node type such as cache.r6g.large")
    if params.get("engine_version") is not None and not version_tuple(params["engine_version"]):
        errors.append(f"engine_version {params['engine_version']!r} must begin with a number, such as 7.1")
    count = params.get("num_node_groups")
    if count is not None and not 1 <= count <= MAX_NODE_GROUPS:
        errors.append(f"num_node_groups must be 1 to {MAX_NODE_GROUPS}, got {count}")
    if params.get("wait_timeout", 1) < 1:
        errors.append("wait_timeout must be at least 1 second")
    return errors


def lowered(params):
    """The options with replication group ids in lower case, as AWS stores and reports them."""
    params = dict(params)
    for option in ("primary_replication_group_id", "replication_group_id"):
        if params.get(option):
            params[option] = params[option].lower()
    params["wait_for_members"] = [
        dict(replication_group_id=member["replication_group_id"].lower(), region=member["region"]) for member in params.get("wait_for_members") or []
    ]
    return params


def engine_step(existing, params):
    """The ModifyGlobalReplicationGroup parameters of an engine change or upgrade, or None.

    Raises ValueError for a change AWS cannot make."""
    engine, version = params.get("engine"), params.get("engine_version")
    current_engine, current_version = existing.get("engine"), existing.get("engine_version")
    request = {}
    if engine and current_engine and engine != current_engine:
        if current_engine == "valkey":
            raise ValueError(f"global datastore runs valkey; AWS cannot move it back to {engine}")
        if not version:
            raise ValueError(f"engine_version is required to change the engine from {current_engine} to {engine}")
        request.update(Engine=engine, EngineVersion=version)
    elif version and current_version and not version_matches(current_version, version):
        if version_tuple(version) < version_tuple(current_version)[: len(version_tuple(version))]:
            return None  # a downgrade: see downgrade_warning()
        request["EngineVersion"] = version
    if request and params.get("cache_parameter_group_name"):
        request["CacheParameterGroupName"] = params["cache_parameter_group_name"]
    return request or None


def downgrade_warning(existing, params):
    version, current = params.get("engine_version"), existing.get("engine_version")
    if not version or not current or (params.get("engine") and params["engine"] != existing.get("engine")):
        return None
    wanted = version_tuple(version)
    if wanted < version_tuple(current)[: len(wanted)]:
        return f"engine_version {version} is lower than {current}, which the global datastore runs; AWS cannot downgrade, so it is left alone"
    return None


def plan_steps(existing, params):
    """The changes that bring an existing global datastore to the options, in the order they are made:
    [(option, action, request)]; action is modify, increase or decrease. Raises ValueError for one AWS cannot make."""
    steps = []
    description = params.get("description")
    if description is not None and description != (existing.get("global_replication_group_description") or ""):
        steps.append(("description", "modify", dict(GlobalReplicationGroupDescription=description)))
    engine = engine_step(existing, params)
    if engine:
        steps.append(("engine_version", "modify", engine))
    node_type = params.get("node_type")
    if node_type and node_type != existing.get("cache_node_type"):
        steps.append(("node_type", "modify", dict(CacheNodeType=node_type)))
    count = params.get("num_node_groups")
    current = existing.get("num_node_groups") or 1
    if count is not None and count != current:
        if not existing.get("cluster_enabled"):
            raise ValueError(f"num_node_groups is {count}, but the global datastore has cluster mode disabled and so one shard")
        if count > current:
            steps.append(("num_node_groups", "increase", dict(NodeGroupCount=count)))
        else:
            ids = [node_group["global_node_group_id"] for node_group in existing.get("global_node_groups") or []]
            steps.append(("num_node_groups", "decrease", dict(NodeGroupCount=count, GlobalNodeGroupsToRetain=ids[:count])))
    return steps


def predicted_after_steps(global_datastore, steps):
    """The global datastore once the steps have been made (the ids of shards added are not known)."""
    result = dict(global_datastore)
    for dummy, action, request in steps:
        if "GlobalReplicationGroupDescription" in request:
            result["global_replication_group_description"] = request["GlobalReplicationGroupDescription"]
        if "Engine" in request:
            result["engine"] = request["Engine"]
        if "EngineVersion" in request:
            result["engine_version"] = request["EngineVersion"]
        if "CacheNodeType" in request:
            result["cache_node_type"] = request["CacheNodeType"]
        if action in ("increase", "decrease"):
            result["num_node_groups"] = request["NodeGroupCount"]
        if action == "decrease":
            retained = request["GlobalNodeGroupsToRetain"]
            result["global_node_groups"] = [
                node_group for node_group in result.get("global_node_groups") or [] if node_group["global_node_group_id"] in retained
            ]
    return result


def predicted_new(params, primary, engine_version, region, tags):
    """The global datastore that would be created from the primary replication group (raw), before any change."""
    node_groups = primary.get("NodeGroups") or []
    result = dict(
        global_replication_group_id=None,
        cache_node_type=primary.get("CacheNodeType"),
        engine=primary.get("Engine"),
        engine_version=engine_version,
        cluster_enabled=primary.get("ClusterEnabled"),
        auth_token_enabled=primary.get("AuthTokenEnabled"),
        transit_encryption_enabled=primary.get("TransitEncryptionEnabled"),
        at_rest_encryption_enabled=primary.get("AtRestEncryptionEnabled"),
        num_node_groups=len(node_groups) or None,
        global_node_groups=[],
    )
    if params.get("description") is not None:
        result["global_replication_group_description"] = params["description"]
    if params.get("tags") is not None:
        result["tags"] = tags
    primary_member = dict(
        replication_group_id=primary["ReplicationGroupId"],
        region=region,
        role="primary",
        status="associated",
        automatic_failover=primary.get("AutomaticFailover"),
    )
    return with_members(result, [primary_member])


def predicted_primary(global_datastore, replication_group_id, region):
    """The global datastore once the member given is the primary."""
    members = []
    for member in global_datastore["members"]:
        promoted = member["replication_group_id"] == replication_group_id and member["region"] == region
        members.append(dict(member, role="primary" if promoted else "secondary"))
    return with_members(global_datastore, members)


def predicted_without(global_datastore, replication_group_id, region):
    members = [member for member in global_datastore["members"] if (member["replication_group_id"], member["region"]) != (replication_group_id, region)]
    return with_members(global_datastore, members)


def members_text(global_datastore):
    return ", ".join(f"{member['replication_group_id']} in {member['region']} ({member['role']})" for member in global_datastore.get("members") or [])


# --- the work ---------------------------------------------------------------------------------------


class GlobalDatastore:
    """The global datastore a task is about: reads it, waits on it, and reports it when a wait fails."""

    def __init__(self, module, client, params):
        self.module = module
        self.client = client
        self.params = params
        self.clients = RegionalClients(module, client)
        self.deadline = Deadline(params["wait_timeout"])
        self.global_id = params.get("global_replication_group_id")
        self.arn = None

    def read(self):
        group = find_global_replication_group(self.client, self.global_id, self.params.get("global_replication_group_id_suffix"))
        if not group:
            return {}
        self.global_id = group["GlobalReplicationGroupId"]
        self.arn = group.get("ARN")
        tags = None
        if self.params.get("tags") is not None and self.arn:
            tags = list_tags(self.client, self.arn)
        return normalize_global_datastore(group, tags)

    def wait(self, waiter_name, members=()):
        """Wait on the global datastore; when the wait fails, fail with the global datastore as it is now."""
        try:
            wait_for_global(self.client, waiter_name, self.deadline.remaining(), self.global_id, members)
        except AnsibleElastiCacheError as e:
            raise AnsibleElastiCacheError(
                message=f"Global datastore {self.global_id}: {e.message}", exception=e.exception, global_datastore=self.read()
            ) from e

    def settle(self, global_datastore):
        """Wait for a global datastore that is being created or changed, since AWS refuses a change meanwhile."""
        if global_datastore.get("status") not in READY_STATUSES:
            self.wait("global_datastore_ready")
            return self.read()
        return global_datastore

    def wait_member_available(self, member):
        try:
            wait_replication_group_available(self.clients.get(member["region"]), member["replication_group_id"], self.deadline.remaining())
        except AnsibleElastiCacheError as e:
            raise AnsibleElastiCacheError(
                message=f"Replication group {member['replication_group_id']} in {member['region']}: {e.message}",
                exception=e.exception,
                global_datastore=self.read(),
            ) from e


def create(store):
    module, params = store.module, store.params
    suffix, primary_id = params.get("global_replication_group_id_suffix"), params.get("primary_replication_group_id")
    if not suffix:
        module.fail_json(msg=f"Global datastore {store.global_id} does not exist; give global_replication_group_id_suffix to create one")
    if not primary_id:
        module.fail_json(msg=f"primary_replication_group_id is required to create global datastore {suffix}")
    primary = describe_replication_group(store.client, primary_id)
    if not primary and module.check_mode:
        # A plan: the replication group is made by an earlier task of the same run, which --check did not run.
        module.warn(f"Replication group {primary_id} does not exist in {module.region} yet; the global datastore is planned from the name only")
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2] if params.get("tags") is not None else None
        return predicted_new(params, {"ReplicationGroupId": primary_id}, None, module.region, tags)
    if not primary:
        module.fail_json(
            msg=f"Replication group {primary_id} does not exist in {module.region}; create it first "
            "(stories1001.infra.elasticache_replication_group), or run this task in its region"
        )
    owner = (primary.get("GlobalReplicationGroupInfo") or {}).get("GlobalReplicationGroupId")
    if owner:
        module.fail_json(msg=f"Replication group {primary_id} already belongs to global datastore {owner}")
    tags = plan_tags({}, params["tags"], params["purge_tags"])[2] if params.get("tags") is not None else None
    members = sorted(primary.get("MemberClusters") or [])
    # The replication group does not report its engine version; its clusters do.
    cache_cluster = describe_cache_cluster(store.client, members[0]) if members else None
    predicted = predicted_new(params, primary, (cache_cluster or {}).get("EngineVersion"), module.region, tags)
    try:
        steps = plan_steps(predicted, dict(params, description=None))
    except ValueError as e:
        module.fail_json(msg=f"Global datastore {suffix}: {e}")
    if module.check_mode:
        return predicted_after_steps(predicted, steps)

    request = dict(GlobalReplicationGroupIdSuffix=suffix, PrimaryReplicationGroupId=primary_id)
    if params.get("description") is not None:
        request["GlobalReplicationGroupDescription"] = params["description"]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(without_reserved_tags(tags))
    created = create_global_replication_group(store.client, **request)
    store.global_id = created["GlobalReplicationGroupId"]
    if not params["wait"] and not steps:
        return normalize_global_datastore(created, tags)
    store.wait("global_datastore_ready")
    after = store.read()
    if steps:
        # The new global datastore takes its primary's settings; then the changes asked for on top.
        try:
            steps = plan_steps(after, dict(params, description=None))
        except ValueError as e:
            raise AnsibleElastiCacheError(message=f"Created global datastore {store.global_id}, but {e}", global_datastore=after) from e
        apply_steps(store, after, steps)
        after = store.read()
    return after


def apply_steps(store, existing, steps):
    existing = store.settle(existing)
    for index, (dummy, action, request) in enumerate(steps):
        if index:
            store.wait("global_datastore_ready")
        if action == "modify":
            modify_global_replication_group(store.client, store.global_id, **request)
        elif action == "increase":
            increase_node_groups(store.client, store.global_id, request["NodeGroupCount"])
        else:
            decrease_node_groups(store.client, store.global_id, request["NodeGroupCount"], request["GlobalNodeGroupsToRetain"])
    if steps and store.params["wait"]:
        store.wait("global_datastore_ready")


def update(store, existing):
    module, params = store.module, store.params
    primary_id = params.get("primary_replication_group_id")
    if primary_id and not find_member(existing, primary_id, module.region):
        module.warn(
            f"Replication group {primary_id} in {module.region} is not a member of global datastore {store.global_id} "
            f"(members: {members_text(existing) or 'none'})"
        )
    warning = downgrade_warning(existing, params)
    if warning:
        module.warn(warning)
    try:
        steps = plan_steps(existing, params)
    except ValueError as e:
        module.fail_json(msg=f"Global datastore {store.global_id}: {e}", global_datastore=existing)
    tags_to_set, tag_keys_to_unset, tags = {}, [], existing.get("tags")
    if params.get("tags") is not None:
        tags_to_set, tag_keys_to_unset, tags = plan_tags(existing.get("tags"), params["tags"], params["purge_tags"])
    if not steps and not tags_to_set and not tag_keys_to_unset:
        return False, existing
    if module.check_mode:
        predicted = predicted_after_steps(existing, steps)
        if params.get("tags") is not None:
            predicted["tags"] = tags
        return True, predicted

    apply_steps(store, existing, steps)
    if tags_to_set or tag_keys_to_unset:
        update_tags(store.client, store.arn, tags_to_set, tag_keys_to_unset)
    return True, store.read()


def wait_for_members(store):
    members = store.params["wait_for_members"]
    try:
        wait_for_global(store.client, "members_joined", store.deadline.remaining(), store.global_id, members)
    except AnsibleElastiCacheError as e:
        current = store.read()
        missing = [
            f"{member['replication_group_id']} in {member['region']}"
            for member in members
            if (find_member(current, member["replication_group_id"], member["region"]) or {}).get("status") != "associated"
        ]
        message = f"Waiting for the members of global datastore {store.global_id}: {e.message}"
        if missing:
            message += f" (not associated: {', '.join(missing)})"
        raise AnsibleElastiCacheError(message=message, global_datastore=current) from e
    for member in members:
        store.wait_member_available(member)
    return store.read()


def ensure_present(store, existing):
    if existing:
        changed, after = update(store, existing)
    else:
        changed, after = True, create(store)
    if store.params["wait_for_members"] and not store.module.check_mode:
        after = wait_for_members(store)
    return changed, after


def ensure_primary(store, existing):
    module, params = store.module, store.params
    target_id, region = params["primary_replication_group_id"], params["primary_region"]
    if not existing:
        module.fail_json(msg=f"Global datastore {store.global_id or params['global_replication_group_id_suffix']} does not exist", global_datastore=existing)
    member = find_member(existing, target_id, region)
    if not member:
        module.fail_json(
            msg=f"Replication group {target_id} in {region} is not a member of global datastore {store.global_id}; "
            f"members: {members_text(existing) or 'none'}",
            global_datastore=existing,
        )
    if member["role"] == "primary":
        if existing.get("status") != "available" and params["wait"] and not module.check_mode:
            # A promotion still settling (an earlier run that timed out): only wait.
            store.wait("primary_is", [member])
            return False, store.read()
        return False, existing
    if module.check_mode:
        return True, predicted_primary(existing, target_id, region)

    existing = store.settle(existing)
    if (find_member(existing, target_id, region) or {}).get("role") == "primary":
        return False, existing
    failover_global_replication_group(store.client, store.global_id, region, target_id)
    if params["wait"]:
        store.wait("primary_is", [member])
    return True, store.read()


def ensure_disassociated(store, existing):
    module, params = store.module, store.params
    replication_group_id, region = params["replication_group_id"], params["replication_group_region"]
    member = find_member(existing, replication_group_id, region)
    if not member:
        return False, existing
    if member["role"] == "primary":
        module.fail_json(
            msg=f"Replication group {replication_group_id} in {region} is the primary of global datastore {store.global_id} "
            "and is not disassociated; promote another member first (state: failed_over), or delete the global datastore "
            "(state: absent, force: true)",
            global_datastore=existing,
        )
    if module.check_mode:
        return True, predicted_without(existing, replication_group_id, region)

    store.settle(existing)
    disassociate_global_replication_group(store.client, store.global_id, replication_group_id, region)
    if params["wait"]:
        store.wait("member_removed", [member])
        # Standalone now, it takes writes once available again in its region.
        store.wait_member_available(member)
    return True, store.read()


def ensure_absent(store, existing):
    module, params = store.module, store.params
    if not existing:
        return False, {}
    secondaries = [member for member in existing["members"] if member["role"] != "primary"]
    if secondaries and not params["force"]:
        module.fail_json(
            msg=f"Global datastore {store.global_id} still has secondaries: "
            + ", ".join(f"{member['replication_group_id']} in {member['region']}" for member in secondaries)
            + "; disassociate them first (state: disassociated), or set force: true to disassociate them and delete it "
            "(their replication groups are kept)",
            global_datastore=existing,
        )
    if module.check_mode:
        return True, {}

    store.settle(existing)
    for member in secondaries:
        disassociate_global_replication_group(store.client, store.global_id, member["replication_group_id"], member["region"])
        store.wait("member_removed", [member])
    if secondaries:
        # AWS deletes the global datastore only once it has settled with the primary alone.
        store.wait("global_datastore_ready")
    deleted = delete_global_replication_group(store.client, store.global_id, params["retain_primary_replication_group"])
    if deleted and params["wait"]:
        wait_for(store.client, "global_replication_group_deleted", store.deadline.remaining(), GlobalReplicationGroupId=store.global_id)
    # Not deleted: gone meanwhile (another run), which this task did not change.
    return bool(secondaries or deleted), {}


# --- main ---------------------------------------------------------------------------------------------


def main():
    argument_spec = dict(
        global_replication_group_id_suffix=dict(aliases=["suffix"]),
        global_replication_group_id=dict(),
        state=dict(choices=["present", "failed_over", "disassociated", "absent"], default="present"),
        primary_replication_group_id=dict(),
        primary_region=dict(),
        description=dict(aliases=["global_replication_group_description"]),
        engine=dict(choices=["redis", "valkey"]),
        engine_version=dict(),
        cache_parameter_group_name=dict(),
        node_type=dict(aliases=["cache_node_type"]),
        num_node_groups=dict(type="int"),
        wait_for_members=dict(
            type="list",
            elements="dict",
            options=dict(replication_group_id=dict(required=True), region=dict(required=True)),
        ),
        replication_group_id=dict(),
        replication_group_region=dict(),
        force=dict(type="bool", default=False),
        retain_primary_replication_group=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_one_of=[("global_replication_group_id_suffix", "global_replication_group_id")],
        mutually_exclusive=[("global_replication_group_id_suffix", "global_replication_group_id")],
        required_if=[
            ("state", "failed_over", ["primary_replication_group_id", "primary_region"]),
            ("state", "disassociated", ["replication_group_id", "replication_group_region"]),
        ],
        required_by=dict(cache_parameter_group_name="engine_version"),
        supports_check_mode=True,
    )
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    params = lowered(module.params)

    client = module.client("elasticache", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    store = GlobalDatastore(module, client, params)
    state = params["state"]
    try:
        before = store.read()
        if state == "present":
            changed, after = ensure_present(store, before)
        elif state == "failed_over":
            changed, after = ensure_primary(store, before)
        elif state == "disassociated":
            changed, after = ensure_disassociated(store, before)
        else:
            changed, after = ensure_absent(store, before)
    except AnsibleElastiCacheError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(changed=changed, global_datastore=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
