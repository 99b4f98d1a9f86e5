#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: rds_db_proxy
version_added: 0.1.0
short_description: Manage RDS Proxy connection pools in front of Aurora and RDS databases
description:
  - Create, modify, tag and delete an RDS Proxy, configure the connection pool of its default target
    group, and register an Aurora DB cluster as that target group's target.
  - The proxy is identified by O(name). Settings AWS can change in place (O(auth), O(role_arn),
    O(require_tls), O(idle_client_timeout), O(debug_logging), O(vpc_security_group_ids), the
    O(connection_pool) and the target) are modified; options left unset keep their current value.
  - AWS cannot move a proxy to other subnets or change its engine family. When O(vpc_subnet_ids) or
    O(engine_family) differ from the existing proxy, the module B(fails) and changes nothing, rather
    than replace the proxy, because a new proxy has a new endpoint that every client must be given.
    To move it, delete it with O(state=absent) and create it again.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether the proxy should exist.
    type: str
    choices: ["present", "absent"]
    default: present
  name:
    description:
      - The name of the proxy, unique in the account and region.
      - 1 to 63 letters, digits and hyphens; it must begin with a letter and can neither end with a
        hyphen nor hold two hyphens in a row.
    type: str
    required: true
    aliases: ["db_proxy_name"]
  engine_family:
    description:
      - The kind of database the proxy connects to. Cannot be changed.
      - Required when O(state=present).
    type: str
    choices: ["POSTGRESQL", "MYSQL", "SQLSERVER"]
  auth:
    description:
      - How the proxy logs in to the database, one entry per Secrets Manager secret (one per database
        user). The list replaces the proxy's list; entries are matched by O(auth[].secret_arn).
      - Required when O(state=present).
    type: list
    elements: dict
    suboptions:
      secret_arn:
        description:
          - The ARN of the Secrets Manager secret holding the user name and password.
        type: str
        required: true
      auth_scheme:
        description:
          - How the proxy authenticates to the database.
        type: str
        choices: ["SECRETS"]
        default: SECRETS
      iam_auth:
        description:
          - Whether clients must authenticate to the proxy with IAM.
          - V(ENABLED) (IAM or password) is for O(engine_family=SQLSERVER) only.
        type: str
        choices: ["DISABLED", "REQUIRED", "ENABLED"]
        default: DISABLED
      client_password_auth_type:
        description:
          - How clients authenticate to the proxy with a password. It must suit O(engine_family).
          - When not set, AWS picks the engine's default (V(POSTGRES_SCRAM_SHA_256) for PostgreSQL) and an
            existing entry's value is left alone.
        type: str
        choices:
          - MYSQL_NATIVE_PASSWORD
          - MYSQL_CACHING_SHA2_PASSWORD
          - POSTGRES_SCRAM_SHA_256
          - POSTGRES_MD5
          - SQL_SERVER_AUTHENTICATION
      description:
        description:
          - A description of the entry. When not set, an existing entry's description is left alone.
        type: str
  role_arn:
    description:
      - The ARN of the IAM role the proxy assumes to read the secrets in O(auth).
      - Required when O(state=present).
    type: str
  vpc_subnet_ids:
    description:
      - The subnets the proxy runs in, in at least two availability zones of one VPC.
      - Required when O(state=present). Cannot be changed, see the description.
    type: list
    elements: str
  vpc_security_group_ids:
    description:
      - The security groups of the proxy; they must allow the clients in and the proxy out to the database.
      - When not set, a new proxy gets the VPC's default security group and an existing proxy's groups
        are left alone.
    type: list
    elements: str
  require_tls:
    description:
      - Whether clients must connect to the proxy with TLS.
    type: bool
    default: true
  idle_client_timeout:
    description:
      - Seconds a client connection may stay idle before the proxy closes it, 1 to 28800.
      - When not set, AWS uses 1800 for a new proxy and an existing proxy's value is left alone.
    type: int
  debug_logging:
    description:
      - Whether the proxy logs the SQL statements it passes on. They may hold sensitive data; turn it
        on only to debug.
    type: bool
    default: false
  target_db_cluster_identifier:
    description:
      - The Aurora DB cluster that the proxy's default target group sends connections to.
      - When another cluster is registered, it is deregistered first, since a target group holds one cluster.
      - When not set, the registered targets are left alone.
    type: str
  connection_pool:
    description:
      - The connection pool of the default target group. Options not set keep their current value.
    type: dict
    suboptions:
      max_connections_percent:
        description:
          - The most connections the proxy opens, as a percentage of the database's C(max_connections), 1 to 100.
        type: int
      max_idle_connections_percent:
        description:
          - The most idle connections the proxy keeps open, as a percentage of the database's
            C(max_connections), 0 to O(connection_pool.max_connections_percent).
          - Needs O(connection_pool.max_connections_percent), as AWS does.
          - When not set and a smaller O(connection_pool.max_connections_percent) makes the current value
            invalid, it becomes half of O(connection_pool.max_connections_percent), the AWS default.
        type: int
      connection_borrow_timeout:
        description:
          - Seconds a client waits for a connection when the pool is exhausted, 0 to 300.
        type: int
      session_pinning_filters:
        description:
          - Classes of SQL statements that do not pin a session to one database connection. AWS knows
            V(EXCLUDE_VARIABLE_SETS). An empty list removes the filters.
        type: list
        elements: str
      init_query:
        description:
          - SQL statements the proxy runs on every new database connection, such as C(SET) statements.
            An empty string removes it.
          - Anyone who can describe the target group can read it; never put a secret in it.
        type: str
  wait:
    description:
      - Whether to wait until the proxy is available (and a newly registered target has finished
        registering) or, with O(state=absent), deleted.
      - Whatever its value, the module waits for a proxy that is being created or modified before it changes
        its target group or targets, because AWS refuses those changes until then.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait. Creating a proxy takes several minutes.
    type: int
    default: 900
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the proxy that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the proxy, its target group and its targets before and after the change in RV(diff).
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
  - Tags are those of the proxy; its target groups are not tagged.
  - Only the default target group is managed, the one every proxy has.
  - In check mode the proxy that would be created has no RV(db_proxy.endpoint) or RV(db_proxy.db_proxy_arn), and carries only
    the requested settings.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Pool the Next.js app's connections to the Aurora PostgreSQL cluster
  stories1001.infra.rds_db_proxy:
    name: stories1001-production-app
    engine_family: POSTGRESQL
    auth:
      - secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:stories1001/production/db-app-AbCdEf
        client_password_auth_type: POSTGRES_SCRAM_SHA_256
    role_arn: arn:aws:iam::123456789012:role/stories1001-production-rds-proxy
    vpc_subnet_ids:
      - subnet-0123456789abcdef0
      - subnet-0123456789abcdef1
      - subnet-0123456789abcdef2
    vpc_security_group_ids:
      - sg-0123456789abcdef0
    idle_client_timeout: 1800
    target_db_cluster_identifier: stories1001-production
    connection_pool:
      max_connections_percent: 90
      max_idle_connections_percent: 45
      connection_borrow_timeout: 120
      session_pinning_filters:
        - EXCLUDE_VARIABLE_SETS
    tags:
      Project: stories1001
      Environment: production
      Component: database
  register: proxy

- name: Give the app the proxy endpoint instead of the cluster's
  ansible.builtin.set_fact:
    app_database_host: "{{ proxy.db_proxy.endpoint }}"

- name: Start creating a proxy without waiting for it
  stories1001.infra.rds_db_proxy:
    name: stories1001-staging-app
    engine_family: POSTGRESQL
    auth:
      - secret_arn: arn:aws:secretsmanager:eu-central-1:123456789012:secret:stories1001/staging/db-app-AbCdEf
    role_arn: arn:aws:iam::123456789012:role/stories1001-staging-rds-proxy
    vpc_subnet_ids:
      - subnet-0123456789abcdef0
      - subnet-0123456789abcdef1
    wait: false

- name: Remove the proxy
  stories1001.infra.rds_db_proxy:
    name: stories1001-staging-app
    state: absent
"""

RETURN = r"""
db_proxy:
  description:
    - The proxy as it is (or, in check mode, would be) after the task, with its tags, default target group and targets.
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    db_proxy_name:
      description: The name of the proxy.
      returned: always
      type: str
      sample: stories1001-production-app
    db_proxy_arn:
      description: The ARN of the proxy.
      returned: when the proxy exists
      type: str
      sample: arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0
    status:
      description: The status of the proxy, V(available) once it can be used.
      returned: when the proxy exists
      type: str
      sample: available
    endpoint:
      description: The host name clients connect to.
      returned: when the proxy exists
      type: str
      sample: stories1001-production-app.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com
    engine_family:
      description: The kind of database.
      returned: always
      type: str
      sample: POSTGRESQL
    vpc_id:
      description: The VPC of the proxy.
      returned: when the proxy exists
      type: str
      sample: vpc-0123456789abcdef0
    vpc_subnet_ids:
      description: The subnets of the proxy.
      returned: always
      type: list
      elements: str
      sample: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    vpc_security_group_ids:
      description: The security groups of the proxy.
      returned: when the proxy exists or O(vpc_security_group_ids) is set
      type: list
      elements: str
      sample: ["sg-0123456789abcdef0"]
    auth:
      description: How the proxy logs in to the database.
      returned: always
      type: list
      elements: dict
      sample: [{"auth_scheme": "SECRETS", "iam_auth": "DISABLED", "client_password_auth_type": "POSTGRES_SCRAM_SHA_256",
                "secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:stories1001/production/db-app-AbCdEf"}]
    role_arn:
      description: The IAM role that reads the secrets.
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:role/stories1001-production-rds-proxy
    require_tls:
      description: Whether clients must use TLS.
      returned: always
      type: bool
      sample: true
    idle_client_timeout:
      description: Seconds before an idle client connection is closed.
      returned: when the proxy exists or O(idle_client_timeout) is set
      type: int
      sample: 1800
    debug_logging:
      description: Whether SQL statements are logged.
      returned: always
      type: bool
      sample: false
    created_date:
      description: When the proxy was created, ISO 8601.
      returned: when the proxy exists
      type: str
      sample: "2026-11-22T02:30:00+00:00"
    updated_date:
      description: When the proxy was last changed, ISO 8601.
      returned: when the proxy exists
      type: str
      sample: "2026-11-22T02:40:00+00:00"
    tags:
      description: The tags of the proxy.
      returned: always
      type: dict
      sample: {"Project": "stories1001"}
    target_group:
      description: The default target group.
      returned: always
      type: dict
      contains:
        target_group_name:
          description: The name of the target group.
          returned: always
          type: str
          sample: default
        target_group_arn:
          description: The ARN of the target group.
          returned: when the proxy exists
          type: str
          sample: arn:aws:rds:us-east-1:123456789012:target-group:prx-tg-0123456789abcdef0
        status:
          description: The status of the target group.
          returned: when the proxy exists
          type: str
          sample: available
        connection_pool_config:
          description: The connection pool settings, keys as in O(connection_pool).
          returned: when the proxy exists or O(connection_pool) is set
          type: dict
          sample: {"max_connections_percent": 90, "max_idle_connections_percent": 45, "connection_borrow_timeout": 120,
                   "session_pinning_filters": ["EXCLUDE_VARIABLE_SETS"]}
    targets:
      description: The targets of the default target group; an Aurora cluster appears with its instances.
      returned: always
      type: list
      elements: dict
      sample: [{"type": "TRACKED_CLUSTER", "rds_resource_id": "stories1001-production", "tracked_cluster_id": "stories1001-production",
                "port": 5432, "target_health": {"state": "AVAILABLE"}}]
diff:
  description: The proxy before and after the task, each in the form of RV(db_proxy); empty when it does not exist.
  returned: always
  type: dict
  contains:
    before:
      description: The proxy before the task.
      returned: always
      type: dict
    after:
      description: The proxy after the task.
      returned: always
      type: dict
"""

import copy
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import DEFAULT_TARGET_GROUP
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import create_db_proxy
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import delete_db_proxy
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import deregister_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import describe_target_group
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import get_db_proxy
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import modify_db_proxy
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import modify_target_group
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import register_cluster
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import wait_available
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import wait_deleted
from ansible_collections.stories1001.infra.plugins.module_utils._rds_proxy import wait_targets_registered
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

# Letters, digits and single hyphens, beginning with a letter and not ending with a hyphen.
NAME_PATTERN = re.compile(r"^[A-Za-z](?:-?[A-Za-z0-9])*$")
NAME_MAX_LENGTH = 63
CLIENT_PASSWORD_AUTH_PREFIX = {"POSTGRESQL": "POSTGRES_", "MYSQL": "MYSQL_", "SQLSERVER": "SQL_SERVER_"}
# Statuses in which AWS refuses any change until the operation under way ends.
BUSY_STATUSES = ("creating", "modifying")

AUTH_FIELDS = {
    "description": "Description",
    "auth_scheme": "AuthScheme",
    "secret_arn": "SecretArn",
    "iam_auth": "IAMAuth",
    "client_password_auth_type": "ClientPasswordAuthType",
}
# ModifyDBProxy argument -> the option and the key of the described proxy it sets.
MODIFIABLE = (
    ("RequireTLS", "require_tls"),
    ("IdleClientTimeout", "idle_client_timeout"),
    ("DebugLogging", "debug_logging"),
    ("RoleArn", "role_arn"),
)
POOL_FIELDS = {
    "max_connections_percent": "MaxConnectionsPercent",
    "max_idle_connections_percent": "MaxIdleConnectionsPercent",
    "connection_borrow_timeout": "ConnectionBorrowTimeout",
    "session_pinning_filters": "SessionPinningFilters",
    "init_query": "InitQuery",
}


def requested_pool(params):
    """The connection_pool options that are set."""
    return {key: value for key, value in (params.get("connection_pool") or {}).items() if value is not None}


def validation_errors(params):
    """What AWS would refuse in the parameters, found before any call."""
    errors = []
    name = params["name"]
    if len(name) > NAME_MAX_LENGTH or not NAME_PATTERN.match(name):
        errors.append(
            f"name {name!r} is not a valid proxy name: 1 to {NAME_MAX_LENGTH} letters, digits and hyphens, beginning with"
            " a letter, with no hyphen at the end and no two hyphens in a row"
        )
    if params["state"] == "absent":
        return errors

    timeout = params.get("idle_client_timeout")
    if timeout is not None and not 1 <= timeout <= 28800:
        errors.append(f"idle_client_timeout must be between 1 and 28800 seconds, got {timeout}")
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 1:
        errors.append("wait_timeout must be at least 1 second")
    if not params.get("vpc_subnet_ids"):
        errors.append("vpc_subnet_ids needs at least one subnet")

    auth = params.get("auth") or []
    if not auth:
        errors.append("auth needs at least one entry")
    secret_arns = [entry["secret_arn"] for entry in auth]
    duplicates = sorted({arn for arn in secret_arns if secret_arns.count(arn) > 1})
    if duplicates:
        errors.append(f"auth lists a secret_arn more than once: {', '.join(duplicates)}")
    engine_family = params.get("engine_family")
    prefix = CLIENT_PASSWORD_AUTH_PREFIX.get(engine_family)
    for entry in auth:
        auth_type = entry.get("client_password_auth_type")
        if prefix and auth_type and not auth_type.startswith(prefix):
            errors.append(f"client_password_auth_type {auth_type} does not suit engine_family {engine_family}")
        if entry.get("iam_auth") == "ENABLED" and engine_family != "SQLSERVER":
            errors.append("iam_auth ENABLED is only for engine_family SQLSERVER")

    pool = requested_pool(params)
    max_connections = pool.get("max_connections_percent")
    max_idle = pool.get("max_idle_connections_percent")
    borrow_timeout = pool.get("connection_borrow_timeout")
    if max_connections is not None and not 1 <= max_connections <= 100:
        errors.append(f"connection_pool.max_connections_percent must be between 1 and 100, got {max_connections}")
    if max_idle is not None:
        if max_connections is None:
            errors.append("connection_pool.max_idle_connections_percent needs connection_pool.max_connections_percent")
        elif not 0 <= max_idle <= max_connections:
            errors.append(
                f"connection_pool.max_idle_connections_percent must be between 0 and max_connections_percent ({max_connections}), got {max_idle}"
            )
    if borrow_timeout is not None and not 0 <= borrow_timeout <= 300:
        errors.append(
            f"connection_pool.connection_borrow_timeout must be between 0 and 300 seconds, got {borrow_timeout}"
        )
    return errors


# --- differences (pure) --------------------------------------------------------------------------


def immutable_differences(proxy, params):
    """What differs between the proxy and the parameters that AWS cannot change in place."""
    problems = []
    if params.get("engine_family") and proxy.get("engine_family") != params["engine_family"]:
        problems.append(
            f"engine_family cannot be changed: the proxy is {proxy.get('engine_family')}, the task asks for {params['engine_family']}"
        )
    if params.get("vpc_subnet_ids") is not None and set(proxy.get("vpc_subnet_ids") or []) != set(
        params["vpc_subnet_ids"]
    ):
        problems.append(
            f"vpc_subnet_ids cannot be changed on an existing proxy (AWS has no API for it): it has"
            f" {sorted(proxy.get('vpc_subnet_ids') or [])}, the task asks for {sorted(params['vpc_subnet_ids'])}."
            " Delete the proxy (state=absent) and create it again; it will get a new endpoint"
        )
    return problems


def auth_differs(current_auth, requested_auth):
    """Whether the requested auth entries (matched by secret ARN) differ in the set or in any option given."""
    current = {entry.get("secret_arn"): entry for entry in current_auth or []}
    if set(current) != {entry["secret_arn"] for entry in requested_auth}:
        return True
    return any(
        entry.get(field) is not None and current[entry["secret_arn"]].get(field) != entry[field]
        for entry in requested_auth
        for field in AUTH_FIELDS
    )


def auth_request(requested_auth, current_auth=None):
    """The Auth list for CreateDBProxy or ModifyDBProxy, which replaces the whole list: an option left
    unset keeps the value the entry of the same secret has now."""
    current = {entry.get("secret_arn"): entry for entry in current_auth or []}
    request = []
    for entry in requested_auth:
        existing = current.get(entry["secret_arn"], {})
        config = {}
        for field, key in AUTH_FIELDS.items():
            value = entry[field] if entry.get(field) is not None else existing.get(field)
            if value is not None:
                config[key] = value
        request.append(config)
    return request


def proxy_modifications(proxy, params):
    """The ModifyDBProxy arguments (but DBProxyName) that bring the proxy to the parameters; {} if none."""
    changes = {}
    if params.get("auth") is not None and auth_differs(proxy.get("auth"), params["auth"]):
        changes["Auth"] = auth_request(params["auth"], proxy.get("auth"))
    for key, option in MODIFIABLE:
        if params.get(option) is not None and proxy.get(option) != params[option]:
            changes[key] = params[option]
    groups = params.get("vpc_security_group_ids")
    if groups is not None and set(proxy.get("vpc_security_group_ids") or []) != set(groups):
        changes["SecurityGroups"] = groups
    return changes


def _same_pool_value(field, current, requested):
    if field == "session_pinning_filters":
        return sorted(current or []) == sorted(requested)
    if field == "init_query":
        return (current or "") == requested
    return current == requested


def pool_request(current, requested):
    """The ConnectionPoolConfig for ModifyDBProxyTargetGroup that brings the pool (as described, in
    snake_case) to the requested options; None when nothing differs.

    The request names every setting, the unrequested ones at their current value, so that AWS fills
    in no default of its own."""
    current = current or {}
    if all(_same_pool_value(field, current.get(field), value) for field, value in requested.items()):
        return None
    config = {}
    for field, key in POOL_FIELDS.items():
        value = requested[field] if field in requested else current.get(field)
        if value is not None:
            config[key] = value
    # Lowering the maximum below the current idle share would be refused: use AWS's default, half.
    maximum = config.get("MaxConnectionsPercent")
    if (
        "max_idle_connections_percent" not in requested
        and maximum is not None
        and config.get("MaxIdleConnectionsPercent", 0) > maximum
    ):
        config["MaxIdleConnectionsPercent"] = maximum // 2
    return config


def registered_clusters(targets):
    """The Aurora clusters registered in a target group (the TRACKED_CLUSTER targets)."""
    return sorted(
        {
            target.get("tracked_cluster_id") or target.get("rds_resource_id")
            for target in targets or []
            if target.get("type") == "TRACKED_CLUSTER"
        }
    )


def target_changes(targets, db_cluster_identifier):
    """(cluster to register or None, clusters to deregister) to make db_cluster_identifier the target."""
    if db_cluster_identifier is None:
        return None, []
    registered = registered_clusters(targets)
    to_register = None if db_cluster_identifier in registered else db_cluster_identifier
    return to_register, [cluster for cluster in registered if cluster != db_cluster_identifier]


# --- predictions (check mode) ---------------------------------------------------------------------


def _cluster_target(db_cluster_identifier):
    return {
        "rds_resource_id": db_cluster_identifier,
        "tracked_cluster_id": db_cluster_identifier,
        "type": "TRACKED_CLUSTER",
    }


def predicted_targets(targets, to_register, to_deregister):
    kept = [
        target
        for target in targets or []
        if (target.get("tracked_cluster_id") or target.get("rds_resource_id")) not in to_deregister
    ]
    return kept + ([_cluster_target(to_register)] if to_register else [])


def desired_db_proxy(params, tags):
    """The proxy the parameters describe, in the shape normalize_db_proxy() returns."""
    proxy = {
        "db_proxy_name": params["name"],
        "engine_family": params["engine_family"],
        "auth": camel_dict_to_snake_dict({"Auth": auth_request(params["auth"])})["auth"],
        "role_arn": params["role_arn"],
        "vpc_subnet_ids": params["vpc_subnet_ids"],
        "require_tls": params["require_tls"],
        "debug_logging": params["debug_logging"],
        "tags": tags,
        "target_group": {"target_group_name": DEFAULT_TARGET_GROUP, "is_default": True},
        "targets": predicted_targets([], params["target_db_cluster_identifier"], []),
    }
    for option in ("vpc_security_group_ids", "idle_client_timeout"):
        if params.get(option) is not None:
            proxy[option] = params[option]
    pool = requested_pool(params)
    if pool:
        proxy["target_group"]["connection_pool_config"] = camel_dict_to_snake_dict(pool_request({}, pool) or {})
    return proxy


def predicted_db_proxy(proxy, modifications, pool_config, to_register, to_deregister, tags):
    """The proxy as it will be once the changes are made."""
    after = copy.deepcopy(proxy)
    for key, option in MODIFIABLE:
        if key in modifications:
            after[option] = modifications[key]
    if "Auth" in modifications:
        after["auth"] = camel_dict_to_snake_dict({"Auth": modifications["Auth"]})["auth"]
    if "SecurityGroups" in modifications:
        after["vpc_security_group_ids"] = modifications["SecurityGroups"]
    if pool_config:
        after["target_group"] = dict(
            after.get("target_group") or {}, connection_pool_config=camel_dict_to_snake_dict(pool_config)
        )
    after["targets"] = predicted_targets(after.get("targets"), to_register, to_deregister)
    after["tags"] = tags
    return after


# --- changes --------------------------------------------------------------------------------------


def create_request(params, tags):
    request = dict(
        DBProxyName=params["name"],
        EngineFamily=params["engine_family"],
        Auth=auth_request(params["auth"]),
        RoleArn=params["role_arn"],
        VpcSubnetIds=params["vpc_subnet_ids"],
        RequireTLS=params["require_tls"],
        DebugLogging=params["debug_logging"],
    )
    if params.get("vpc_security_group_ids") is not None:
        request["VpcSecurityGroupIds"] = params["vpc_security_group_ids"]
    if params.get("idle_client_timeout") is not None:
        request["IdleClientTimeout"] = params["idle_client_timeout"]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return request


def change_targets(client, name, to_register, to_deregister):
    for cluster in to_deregister:
        deregister_cluster(client, name, cluster)
    if to_register:
        register_cluster(client, name, to_register)


def wait_ready(client, params, registered):
    wait_available(client, params["name"], params["wait_timeout"])
    if registered:
        wait_targets_registered(client, params["name"], params["wait_timeout"])


def create(client, params, tags, check_mode):
    if check_mode:
        return desired_db_proxy(params, tags)

    name = params["name"]
    create_db_proxy(client, **create_request(params, tags))
    pool = requested_pool(params)
    cluster = params["target_db_cluster_identifier"]
    # A new proxy refuses target group changes until it is available (InvalidDBProxyStateFault).
    if pool or cluster or params["wait"]:
        wait_available(client, name, params["wait_timeout"])
    if pool:
        target_group = describe_target_group(client, name) or {}
        current = camel_dict_to_snake_dict(target_group.get("ConnectionPoolConfig") or {})
        pool_config = pool_request(current, pool)
        if pool_config:
            modify_target_group(client, name, pool_config)
    change_targets(client, name, cluster, [])
    if params["wait"] and cluster:
        wait_targets_registered(client, name, params["wait_timeout"])
    return get_db_proxy(client, name)


def ensure_present(client, proxy, params, check_mode):
    """Returns (changed, proxy as it is or would be)."""
    tags_to_set, tag_keys_to_unset, tags = plan_tags(
        proxy.get("tags") if proxy else {}, params["tags"], params["purge_tags"]
    )
    if not proxy:
        return True, create(client, params, tags, check_mode)

    name = params["name"]
    modifications = proxy_modifications(proxy, params)
    pool_config = pool_request((proxy.get("target_group") or {}).get("connection_pool_config"), requested_pool(params))
    to_register, to_deregister = target_changes(proxy.get("targets"), params["target_db_cluster_identifier"])
    target_group_changes = bool(pool_config or to_register or to_deregister)
    if not (modifications or target_group_changes or tags_to_set or tag_keys_to_unset):
        return False, proxy
    if check_mode:
        return True, predicted_db_proxy(proxy, modifications, pool_config, to_register, to_deregister, tags)

    if (modifications or target_group_changes) and proxy.get("status") in BUSY_STATUSES:
        wait_available(client, name, params["wait_timeout"])
    if modifications:
        modify_db_proxy(client, name, **modifications)
        if target_group_changes:
            wait_available(client, name, params["wait_timeout"])
    if pool_config:
        modify_target_group(client, name, pool_config)
    change_targets(client, name, to_register, to_deregister)
    update_tags(client, proxy["db_proxy_arn"], tags_to_set, tag_keys_to_unset)
    if params["wait"]:
        wait_ready(client, params, registered=bool(to_register))
    return True, get_db_proxy(client, name)


def ensure_absent(client, proxy, params, check_mode):
    """Returns whether there was a proxy to delete."""
    if not proxy:
        return False
    if check_mode:
        return True
    changed = delete_db_proxy(client, params["name"])
    if changed and params["wait"]:
        wait_deleted(client, params["name"], params["wait_timeout"])
    return changed


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        name=dict(required=True, aliases=["db_proxy_name"]),
        engine_family=dict(choices=["POSTGRESQL", "MYSQL", "SQLSERVER"]),
        auth=dict(
            type="list",
            elements="dict",
            options=dict(
                secret_arn=dict(required=True, no_log=False),
                auth_scheme=dict(choices=["SECRETS"], default="SECRETS"),
                iam_auth=dict(choices=["DISABLED", "REQUIRED", "ENABLED"], default="DISABLED"),
                client_password_auth_type=dict(
                    choices=[
                        "MYSQL_NATIVE_PASSWORD",
                        "MYSQL_CACHING_SHA2_PASSWORD",
                        "POSTGRES_SCRAM_SHA_256",
                        "POSTGRES_MD5",
                        "SQL_SERVER_AUTHENTICATION",
                    ]
                ),
                description=dict(),
            ),
        ),
        role_arn=dict(),
        vpc_subnet_ids=dict(type="list", elements="str"),
        vpc_security_group_ids=dict(type="list", elements="str"),
        require_tls=dict(type="bool", default=True),
        idle_client_timeout=dict(type="int"),
        debug_logging=dict(type="bool", default=False),
        target_db_cluster_identifier=dict(),
        connection_pool=dict(
            type="dict",
            options=dict(
                max_connections_percent=dict(type="int"),
                max_idle_connections_percent=dict(type="int"),
                connection_borrow_timeout=dict(type="int"),
                session_pinning_filters=dict(type="list", elements="str"),
                init_query=dict(),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=900),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["engine_family", "auth", "role_arn", "vpc_subnet_ids"])],
        supports_check_mode=True,
    )
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("rds", retry_decorator=AWSRetry.jittered_backoff())
    try:
        before = get_db_proxy(client, params["name"])
        if params["state"] == "absent":
            changed, after = ensure_absent(client, before, params, module.check_mode), {}
        else:
            problems = immutable_differences(before, params) if before else []
            if problems:
                module.fail_json(msg="; ".join(problems), db_proxy=before)
            changed, after = ensure_present(client, before, params, module.check_mode)
    except AnsibleRDSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=changed, db_proxy=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
