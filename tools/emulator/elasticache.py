"""ElastiCache on moto's models, run as AWS runs it; patches.py installs these functions on moto's classes.

Replication groups. A group's topology is ``group.shards``: its node groups, each with its member clusters, the primary
first. ``layout`` renders it into moto's ``node_groups`` and ``member_clusters`` and registers every member in the
backend's ``cache_clusters`` as a ``MemberCluster``, so DescribeCacheClusters answers for members as AWS does, with the
group's engine version, parameter group, maintenance window, security groups and nodes. Endpoints are named as AWS
names them (``master.``/``replica.``/``clustercfg.`` + id + token + the region's short code, use1, euw1, apse1), with a
token derived from account, region and id, so a group keeps its endpoints and a re-created group gets the same ones.

State transitions complete at once. The response of the call that starts one shows the status AWS shows at that moment
(creating, modifying, deleting); the next describe shows the result: available, or ReplicationGroupNotFoundFault for a
deleted group. boto3's waiters therefore succeed on their first describe and never sleep. ApplyImmediately=false is
taken as true: nothing waits for the maintenance window, so nothing is ever pending (PendingModifiedValues is empty).

Global datastores are kept in the us-east-1 backend and answer from every region. AWS prefixes the given suffix with a
five-letter code of the primary's region that it does not publish, except for the example in its API reference
(dsdfu, us-west-1); here the others are derived from the region name, stable but not AWS's. The suffix is unique
across regions. A global datastore whose primary is its only member has status primary-only, available once a
secondary has joined. It owns engine, engine version, node type, shards and encryption: a secondary takes them from it.

DescribeGlobalReplicationGroups lists Members and GlobalNodeGroups only with ShowMemberInfo. Describe calls answer in one
page, without Marker.

Cache parameter groups: families redis7, valkey7 and valkey8 have engine defaults here (those of the parameters a
platform sets, as AWS lists them; AWS lists more), and every family AWS knows has its default groups
(``default.<family>``, with ``.cluster.on`` where cluster mode exists); groups of other families list no parameters.
MinimumEngineVersion is the family's first version. No node-type-specific parameters are listed.
"""

import hashlib
import re
from dataclasses import dataclass, field

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.elasticache.exceptions import CacheClusterNotFound, CacheSubnetGroupNotFound, ElastiCacheException, ReplicationGroupNotFound, SnapshotNotFound
from moto.elasticache.models import CacheCluster, ElastiCacheBackend, ReplicationGroup, elasticache_backends
from moto.kms.models import kms_backends
from moto.s3.models import s3_backends

GLOBAL_REGION = "us-east-1"
ARN_PATTERN = r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|parametergroup|globalreplicationgroup):.*$"
DEFAULT_ENGINE_VERSIONS = {"redis": "7.1", "valkey": "8.0"}
DEFAULT_PORTS = {"redis": 6379, "valkey": 6379, "memcached": 11211}
DEFAULT_MAINTENANCE_WINDOW = "sun:23:00-mon:00:00"
DEFAULT_SNAPSHOT_WINDOW = "05:00-06:00"
MAX_REPLICAS = 5
MAX_CACHE_CLUSTERS = 6
MAX_NODE_GROUPS = 500
SLOTS = 16384
# The one region prefix AWS documents (GlobalReplicationGroupIdSuffix in the CreateGlobalReplicationGroup reference).
DOCUMENTED_GLOBAL_PREFIXES = {"us-west-1": "dsdfu"}

_ID = re.compile(r"[a-z](?!.*--)[a-z0-9-]{0,39}(?<!-)")
_AUTH_TOKEN = re.compile(r"[A-Za-z0-9!&#$^<>-]{16,128}")
_DAY = "(mon|tue|wed|thu|fri|sat|sun)"
_CLOCK = "([01][0-9]|2[0-3]):[0-5][0-9]"
_MAINTENANCE_WINDOW = re.compile(f"{_DAY}:{_CLOCK}-{_DAY}:{_CLOCK}")
_SNAPSHOT_WINDOW = re.compile(f"{_CLOCK}-{_CLOCK}")
_S3_ARN = re.compile(r"arn:aws:s3:::(?P<bucket>[^/]+)/(?P<key>.+)")


def fault(code: str, message: str) -> ElastiCacheException:
    return ElastiCacheException(code, message)


def invalid_value(message: str) -> ElastiCacheException:
    return fault("InvalidParameterValue", message)


def invalid_combination(message: str) -> ElastiCacheException:
    return fault("InvalidParameterCombination", message)


class Reported:
    """A resource as one response shows it: the resource, with some attributes shown otherwise (a status on its way)."""

    def __init__(self, resource, **shown):
        self._resource = resource
        self._shown = shown

    def __getattr__(self, name: str):
        if name in self._shown:
            return self._shown[name]
        return getattr(self._resource, name)


def region_code(region: str) -> str:
    """AWS's short region code in endpoint names: use1, euw1, apse1, apne1, cac1."""
    area, direction, number = region.split("-")
    words = {"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw", "central": "c"}
    return f"{area}{words.get(direction, direction[0])}{number}"


def token(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:6]


def endpoint(address: str, port: int) -> dict:
    return {"Address": address, "Port": port}


def cache_node(node_id: str, address: str, port: int, zone: str, created) -> dict:
    return {
        "CacheNodeId": node_id,
        "CacheNodeStatus": "available",
        "CacheNodeCreateTime": created,
        "Endpoint": endpoint(address, port),
        "ParameterGroupStatus": "in-sync",
        "CustomerAvailabilityZone": zone,
    }


def parameter_group_status(name: str | None) -> dict | None:
    return {"CacheParameterGroupName": name, "ParameterApplyStatus": "in-sync", "CacheNodeIdsToReboot": []} if name else None


def security_group_memberships(security_group_ids: list[str] | None) -> list[dict]:
    return [{"SecurityGroupId": security_group_id, "Status": "active"} for security_group_id in security_group_ids or []]


def version_tuple(version: str) -> tuple[int, ...]:
    """(7, 1) of 7.1; (6, 0) of 6.x."""
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def parameter_group_family(engine: str, version: str) -> str | None:
    numbers = version_tuple(version)
    if engine == "memcached":
        return {(1, 4): "memcached1.4", (1, 5): "memcached1.5", (1, 6): "memcached1.6"}.get(numbers[:2])
    if engine == "valkey":
        return {7: "valkey7", 8: "valkey8"}.get(numbers[0])
    if numbers[0] in (6, 7):
        return {6: "redis6.x", 7: "redis7"}[numbers[0]]
    return {(5, 0): "redis5.0", (4, 0): "redis4.0", (3, 2): "redis3.2", (2, 8): "redis2.8", (2, 6): "redis2.6"}.get(numbers[:2])


# ---------------------------------------------------------------------------------------------------------------------
# Cache parameter groups

FAMILIES = (
    "memcached1.4",
    "memcached1.5",
    "memcached1.6",
    "redis2.6",
    "redis2.8",
    "redis3.2",
    "redis4.0",
    "redis5.0",
    "redis6.x",
    "redis7",
    "valkey7",
    "valkey8",
)
CLUSTER_FAMILIES = ("redis3.2", "redis4.0", "redis5.0", "redis6.x", "redis7", "valkey7", "valkey8")
MINIMUM_ENGINE_VERSIONS = {"redis7": "7.0.0", "valkey7": "7.2.0", "valkey8": "8.0.0"}
_EVICTION_POLICIES = "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction"

# name, default value ("" for none), allowed values ("" for any), data type, modifiable, change type, description
# fmt: off
_REDIS7_PARAMETERS = (
    ("acllog-max-len", "128", "1-10000", "integer", True, "immediate", "The maximum length of the ACL log."),
    ("active-defrag-cycle-max", "75", "1-75", "integer", True, "immediate", "Maximal effort for defrag in CPU percentage."),
    ("active-defrag-cycle-min", "5", "1-75", "integer", True, "immediate", "Minimal effort for defrag in CPU percentage."),
    ("active-defrag-ignore-bytes", "104857600", "1048576-", "integer", True, "immediate", "Minimum amount of fragmentation waste to start active defrag."),
    ("active-defrag-threshold-lower", "10", "1-100", "integer", True, "immediate", "Minimum percentage of fragmentation to start active defrag."),
    ("active-defrag-threshold-upper", "100", "1-100", "integer", True, "immediate", "Maximum percentage of fragmentation at which we use maximum effort."),
    ("active-expire-effort", "1", "1-10", "integer", True, "immediate", "The amount of effort that redis uses to expire items in the active expiration job."),
    ("activedefrag", "no", "yes,no", "string", True, "immediate", "Enabled active memory defragmentation."),
    ("activerehashing", "yes", "yes,no", "string", True, "requires-reboot", "Apply rehashing or not."),
    ("client-output-buffer-limit-normal-hard-limit", "0", "0-", "integer", True, "immediate", "Normal client output buffer hard limit in bytes."),
    ("client-output-buffer-limit-normal-soft-limit", "0", "0-", "integer", True, "immediate", "Normal client output buffer soft limit in bytes."),
    ("client-output-buffer-limit-normal-soft-seconds", "0", "0-", "integer", True, "immediate", "Normal client output buffer soft limit in seconds."),
    ("client-output-buffer-limit-pubsub-hard-limit", "33554432", "0-", "integer", True, "immediate", "Pubsub client output buffer hard limit in bytes."),
    ("client-output-buffer-limit-pubsub-soft-limit", "8388608", "0-", "integer", True, "immediate", "Pubsub client output buffer soft limit in bytes."),
    ("client-output-buffer-limit-pubsub-soft-seconds", "60", "0-", "integer", True, "immediate", "Pubsub client output buffer soft limit in seconds."),
    ("client-query-buffer-limit", "1073741824", "1048576-1073741824", "integer", True, "immediate", "Max size of a single client query buffer."),
    ("close-on-replica-write", "yes", "yes,no", "string", True, "immediate",
     "If enabled, clients who attempt to write to a read-only replica will be disconnected."),
    ("cluster-allow-pubsubshard-when-down", "yes", "yes,no", "string", True, "immediate",
     "Allow shard pubsub while the cluster is down, as long as the shard itself is up."),
    ("cluster-allow-reads-when-down", "no", "yes,no", "string", True, "immediate", "Allow reads while the cluster is down."),
    ("cluster-enabled", "no", "yes,no", "string", True, "requires-reboot", "Enable cluster mode."),
    ("cluster-require-full-coverage", "no", "yes,no", "string", True, "immediate", "Stop accepting queries when a hash slot is not covered."),
    ("databases", "16", "1-1200000", "integer", True, "requires-reboot", "Set the number of databases."),
    ("hash-max-listpack-entries", "512", "0-", "integer", True, "immediate", "The maximum number of hash entries in order for the dataset to be compressed."),
    ("hash-max-listpack-value", "64", "0-", "integer", True, "immediate", "The threshold of biggest hash entries in order for the dataset to be compressed."),
    ("hz", "10", "1-500", "integer", True, "immediate", "The frequency of background tasks, in times per second."),
    ("lazyfree-lazy-eviction", "no", "yes,no", "string", True, "immediate", "Perform an asynchronous delete on evictions."),
    ("lazyfree-lazy-expire", "no", "yes,no", "string", True, "immediate", "Perform an asynchronous delete on expired keys."),
    ("lazyfree-lazy-server-del", "no", "yes,no", "string", True, "immediate", "Perform an asynchronous delete for commands which update values."),
    ("lazyfree-lazy-user-del", "no", "yes,no", "string", True, "immediate", "Make DEL behave like UNLINK."),
    ("lazyfree-lazy-user-flush", "no", "yes,no", "string", True, "immediate", "Make FLUSHALL and FLUSHDB asynchronous by default."),
    ("lfu-decay-time", "1", "0-", "integer", True, "immediate", "The amount of time in minutes to decrement the key counter for LFU eviction policy."),
    ("lfu-log-factor", "10", "0-", "integer", True, "immediate", "The log factor for incrementing key counter for LFU eviction policy."),
    ("list-compress-depth", "0", "0-", "integer", True, "immediate",
     "Number of quicklist ziplist nodes from each side of the list to exclude from compression."),
    ("lua-time-limit", "5000", "5000", "integer", False, "immediate",
     "Max execution time of a Lua script in milliseconds. 0 for unlimited execution without warnings."),
    ("maxclients", "65000", "1-65000", "integer", False, "requires-reboot", "The maximum number of Redis clients."),
    ("maxmemory-policy", "volatile-lru", _EVICTION_POLICIES, "string", True, "immediate", "Max memory policy."),
    ("maxmemory-samples", "3", "1-", "integer", True, "immediate", "Max memory samples."),
    ("min-replicas-max-lag", "10", "0-", "integer", True, "immediate",
     "Maximum number of seconds within which the primary must receive a ping from a replica to take writes."),
    ("min-replicas-to-write", "0", "0-", "integer", True, "immediate", "Number of replicas that must be connected in order for the primary to take writes."),
    ("notify-keyspace-events", "", "", "string", True, "immediate",
     "The keyspace events for Redis to notify Pub/Sub clients about. By default all notifications are disabled"),
    ("repl-backlog-size", "1048576", "16384-", "integer", True, "immediate", "The replication backlog size in bytes for PSYNC."),
    ("repl-backlog-ttl", "3600", "0-", "integer", True, "immediate",
     "The amount of time in seconds after the primary no longer has any replicas connected for it to free the replication backlog."),
    ("reserved-memory-percent", "25", "0-100", "integer", True, "immediate", "The percent of memory reserved for non-cache memory usage."),
    ("set-max-intset-entries", "512", "0-", "integer", True, "immediate", "The limit in the size of the set in order for the dataset to be compressed."),
    ("slowlog-log-slower-than", "10000", "-", "integer", True, "immediate",
     "The execution time, in microseconds, to exceed in order for the command to get logged. Note that a negative number disables the slow log, "
     "while a value of zero forces the logging of every command."),
    ("slowlog-max-len", "128", "0-", "integer", True, "immediate", "The length of the slow log."),
    ("stream-node-max-bytes", "4096", "0-", "integer", True, "immediate", "The maximum size of a single node in a stream, in bytes."),
    ("stream-node-max-entries", "100", "0-", "integer", True, "immediate", "The maximum number of items a single node in a stream can contain."),
    ("tcp-keepalive", "300", "0-", "integer", True, "immediate", "If non-zero, send ACKs every given number of seconds."),
    ("timeout", "0", "0,20-", "integer", True, "immediate", "Close connection if client is idle for a given number of seconds, or never if 0."),
    ("zset-max-listpack-entries", "128", "0-", "integer", True, "immediate",
     "The maximum number of sorted set entries in order for the dataset to be compressed."),
    ("zset-max-listpack-value", "64", "0-", "integer", True, "immediate",
     "The threshold of biggest sorted set entries in order for the dataset to be compressed."),
)
# fmt: on
_FAMILY_PARAMETERS = {"redis7": _REDIS7_PARAMETERS, "valkey7": _REDIS7_PARAMETERS, "valkey8": _REDIS7_PARAMETERS}


def engine_default_parameters(family: str) -> list[dict]:
    """The family's defaults in DescribeCacheParameters' shape; empty for a family without data here."""
    parameters = []
    for name, value, allowed, data_type, modifiable, change_type, description in _FAMILY_PARAMETERS.get(family, ()):
        parameter = {
            "ParameterName": name,
            "ParameterValue": value,
            "Description": description,
            "Source": "system",
            "DataType": data_type,
            "AllowedValues": allowed,
            "IsModifiable": modifiable,
            "MinimumEngineVersion": MINIMUM_ENGINE_VERSIONS[family],
            "ChangeType": change_type,
        }
        parameters.append({key: item for key, item in parameter.items() if item != ""})
    return parameters


class CacheParameterGroup:
    def __init__(self, backend: ElastiCacheBackend, name: str, family: str, description: str, default: bool = False):
        self.cache_parameter_group_name = name
        self.cache_parameter_group_family = family
        self.description = description
        self.is_global = False
        self.default = default
        self.arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
        self.parameters = {parameter["ParameterName"]: parameter for parameter in self.defaults()}

    def defaults(self) -> list[dict]:
        parameters = engine_default_parameters(self.cache_parameter_group_family)
        for parameter in parameters:
            if parameter["ParameterName"] == "cluster-enabled" and self.cache_parameter_group_name.endswith(".cluster.on"):
                parameter["ParameterValue"] = "yes"
        return parameters

    @property
    def cluster_enabled(self) -> bool:
        if "cluster-enabled" in self.parameters:
            return self.parameters["cluster-enabled"].get("ParameterValue") == "yes"
        return self.cache_parameter_group_name.endswith(".cluster.on")


def default_parameter_groups(backend: ElastiCacheBackend) -> dict[str, CacheParameterGroup]:
    names = [(f"default.{family}", family) for family in FAMILIES] + [(f"default.{family}.cluster.on", family) for family in CLUSTER_FAMILIES]
    return {name: CacheParameterGroup(backend, name, family, f"Default parameter group for {family}", default=True) for name, family in names}


def find_parameter_group(backend: ElastiCacheBackend, name: str) -> CacheParameterGroup:
    if name not in backend.cache_parameter_groups:
        raise fault("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
    return backend.cache_parameter_groups[name]


def modifiable_parameter_group(backend: ElastiCacheBackend, name: str) -> CacheParameterGroup:
    group = find_parameter_group(backend, name)
    if group.default:
        raise fault("InvalidCacheParameterGroupState", f"Default parameter group {name} cannot be modified or deleted.")
    return group


def create_cache_parameter_group(backend: ElastiCacheBackend, name: str, family: str, description: str, tags: list[dict]) -> CacheParameterGroup:
    if name in backend.cache_parameter_groups:
        raise fault("CacheParameterGroupAlreadyExists", f"Parameter group {name} already exists.")
    if family not in FAMILIES:
        raise invalid_value(f"The parameter CacheParameterGroupFamily is not valid: {family}. Valid families: {', '.join(FAMILIES)}.")
    group = CacheParameterGroup(backend, name, family, description)
    backend.cache_parameter_groups[name] = group
    if tags:
        backend.tagging_service.tag_resource(group.arn, tags)
    return group


def allowed(value: str, allowed_values: str, data_type: str) -> bool:
    """Whether a value fits AWS's AllowedValues: a list (``yes,no``) or integer ranges (``0,20-``, ``1-65000``, ``-``)."""
    if not allowed_values:
        return True
    if data_type != "integer":
        return value in allowed_values.split(",")
    if not re.fullmatch(r"-?[0-9]+", value):
        return False
    return any(in_range(int(value), part) for part in allowed_values.split(","))


def in_range(number: int, part: str) -> bool:
    bounds = re.fullmatch(r"([0-9]*)-([0-9]*)", part)
    if bounds is None:
        return number == int(part)
    low, high = bounds.groups()
    return (not low or number >= int(low)) and (not high or number <= int(high))


def modify_cache_parameter_group(backend: ElastiCacheBackend, name: str, parameter_name_values: list[dict]) -> CacheParameterGroup:
    group = modifiable_parameter_group(backend, name)
    if len(parameter_name_values) > 20:
        raise invalid_value("At most 20 parameters can be modified in one request.")
    for change in parameter_name_values:
        parameter = group.parameters.get(change["ParameterName"])
        if parameter is None:
            raise invalid_value(f"Could not find parameter with name: {change['ParameterName']}")
        if not parameter["IsModifiable"]:
            raise invalid_value(f"Parameter {change['ParameterName']} is not modifiable.")
        if not allowed(change.get("ParameterValue", ""), parameter.get("AllowedValues", ""), parameter["DataType"]):
            raise invalid_value(
                f"Value {change.get('ParameterValue')} for parameter {change['ParameterName']} is invalid. Allowed values: {parameter['AllowedValues']}"
            )
    for change in parameter_name_values:
        group.parameters[change["ParameterName"]].update(ParameterValue=change.get("ParameterValue", ""), Source="user")
    return group


def reset_cache_parameter_group(backend: ElastiCacheBackend, name: str, reset_all: bool, parameter_name_values: list[dict]) -> CacheParameterGroup:
    group = modifiable_parameter_group(backend, name)
    if not reset_all and not parameter_name_values:
        raise invalid_combination("Either ResetAllParameters or ParameterNameValues must be given.")
    defaults = {parameter["ParameterName"]: parameter for parameter in group.defaults()}
    names = list(defaults) if reset_all else [change["ParameterName"] for change in parameter_name_values]
    unknown = [name for name in names if name not in defaults]
    if unknown:
        raise invalid_value(f"Could not find parameter with name: {unknown[0]}")
    for parameter_name in names:
        group.parameters[parameter_name] = defaults[parameter_name]
    return group


def delete_cache_parameter_group(backend: ElastiCacheBackend, name: str) -> None:
    group = modifiable_parameter_group(backend, name)
    users = [*backend.replication_groups.values(), *backend.cache_clusters.values()]
    if any(getattr(user, "cache_parameter_group_name", None) == name for user in users):
        raise fault("InvalidCacheParameterGroupState", f"Parameter group {name} is in use by a cache cluster or replication group.")
    del backend.cache_parameter_groups[name]
    backend.tagging_service.delete_all_tags_for_resource(group.arn)


def describe_cache_parameters(backend: ElastiCacheBackend, name: str, source: str | None) -> list[dict]:
    parameters = sorted(find_parameter_group(backend, name).parameters.values(), key=lambda parameter: parameter["ParameterName"])
    wanted = {"engine-default": "system"}.get(source, source)
    return [parameter for parameter in parameters if wanted is None or parameter["Source"] == wanted]


# ---------------------------------------------------------------------------------------------------------------------
# Replication groups: topology and member clusters


def domain(group: ReplicationGroup) -> str:
    name = group.replication_group_id
    return f"{name}.{token(group.account_id, group.region_name, name)}.{region_code(group.region_name)}.cache.amazonaws.com"


class MemberCluster:
    """A member of a replication group, as DescribeCacheClusters shows it: most of what it reports is its group's."""

    FROM_GROUP = frozenset(
        "engine engine_version cache_node_type cache_parameter_group_name preferred_maintenance_window cache_subnet_group_name security_group_ids"
        " auto_minor_version_upgrade snapshot_retention_limit snapshot_window auth_token_enabled auth_token_last_modified_date transit_encryption_enabled"
        " transit_encryption_mode at_rest_encryption_enabled network_type ip_discovery log_delivery_configurations port".split()
    )

    def __init__(self, group: ReplicationGroup, cache_cluster_id: str, zone: str):
        self.group = group
        self.cache_cluster_id = cache_cluster_id
        self.preferred_availability_zone = zone
        self.cache_cluster_create_time = utcnow()
        self.cache_cluster_status = "available"
        self.num_cache_nodes = 1
        self.cache_security_groups = []
        self.arn = f"arn:aws:elasticache:{group.region_name}:{group.account_id}:cluster:{cache_cluster_id}"
        # A primary kept by DeleteReplicationGroup with RetainPrimaryCluster stands alone.
        self.detached = False

    def __getattr__(self, name: str):
        if name in MemberCluster.FROM_GROUP:
            return getattr(self.group, name)
        raise AttributeError(name)

    @property
    def replication_group_id(self) -> str | None:
        return None if self.detached else self.group.replication_group_id

    @property
    def address(self) -> str:
        return f"{self.cache_cluster_id}.{domain(self.group)}"

    @property
    def cache_nodes(self) -> list[dict]:
        return [cache_node("0001", self.address, self.group.port, self.preferred_availability_zone, self.cache_cluster_create_time)]

    @property
    def cache_parameter_group(self) -> dict | None:
        return parameter_group_status(self.group.cache_parameter_group_name)

    @property
    def security_groups(self) -> list[dict]:
        return security_group_memberships(self.group.security_group_ids)

    @property
    def notification_configuration(self) -> dict | None:
        topic = self.group.notification_topic_arn
        return {"TopicArn": topic, "TopicStatus": getattr(self.group, "notification_topic_status", None) or "active"} if topic else None

    @property
    def replication_group_log_delivery_enabled(self) -> bool:
        return bool(self.group.log_delivery_configurations)

    @property
    def pending_modified_values(self) -> dict:
        return {}


@dataclass
class Shard:
    """A node group: its id, its hash slots (cluster mode only) and its member clusters, the primary first."""

    node_group_id: str
    slots: str | None
    members: list[MemberCluster] = field(default_factory=list)


def even_slots(count: int) -> list[str]:
    """AWS's even split of the 16384 hash slots, the remainder going to the first shards: 0-5461, 5462-10922, 10923-16383."""
    size, extra = divmod(SLOTS, count)
    ranges, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        ranges.append(f"{start}-{end - 1}")
        start = end
    return ranges


def zones(backend: ElastiCacheBackend, group: ReplicationGroup) -> list[str]:
    """The availability zones of the group's cache subnet group, else the region's first three."""
    subnet_group = backend.cache_subnet_groups.get(group.cache_subnet_group_name or "")
    found = (
        sorted({subnet["subnet_availability_zone"] for subnet in subnet_group.subnets if isinstance(subnet.get("subnet_availability_zone"), str)})
        if subnet_group
        else []
    )
    return found or [f"{group.region_name}{letter}" for letter in "abc"]


def grow(backend: ElastiCacheBackend, group: ReplicationGroup, shard: Shard, size: int, preferred: list[str] | None = None) -> None:
    """Add members to the shard until it has ``size``, in the preferred zones first, then spread over the group's zones."""
    preferred = [zone for zone in preferred or [] if zone]
    spread = zones(backend, group)
    offset = next((index for index, item in enumerate(group.shards) if item is shard), len(group.shards))
    prefix = f"{group.replication_group_id}-{shard.node_group_id}-" if group.cluster_enabled else f"{group.replication_group_id}-"
    taken = {member.cache_cluster_id for member in shard.members}
    number = 1
    while len(shard.members) < size:
        while f"{prefix}{number:03d}" in taken:
            number += 1
        position = len(shard.members)
        zone = preferred.pop(0) if preferred else spread[(offset + position) % len(spread)]
        shard.members.append(MemberCluster(group, f"{prefix}{number:03d}", zone))
        taken.add(f"{prefix}{number:03d}")


def node_group(group: ReplicationGroup, shard: Shard) -> dict:
    entry = {"NodeGroupId": shard.node_group_id, "Status": "available", "NodeGroupMembers": []}
    for index, member in enumerate(shard.members):
        item = {"CacheClusterId": member.cache_cluster_id, "CacheNodeId": "0001", "PreferredAvailabilityZone": member.preferred_availability_zone}
        if not group.cluster_enabled:
            item |= {"ReadEndpoint": endpoint(member.address, group.port), "CurrentRole": "primary" if index == 0 else "replica"}
        entry["NodeGroupMembers"].append(item)
    if group.cluster_enabled:
        entry["Slots"] = shard.slots
    else:
        entry["PrimaryEndpoint"] = endpoint(f"master.{domain(group)}", group.port)
        entry["ReaderEndpoint"] = endpoint(f"replica.{domain(group)}", group.port)
    return entry


def snapshotting_cluster(group: ReplicationGroup) -> str | None:
    """The cluster automatic snapshots are taken from (cluster mode disabled): kept while it is a member, else a replica."""
    if group.cluster_enabled or not group.snapshot_retention_limit:
        return None
    members = [member.cache_cluster_id for member in group.shards[0].members]
    current = getattr(group, "snapshotting_cluster_id", None)
    return current if current in members else members[min(1, len(members) - 1)]


def layout(backend: ElastiCacheBackend, group: ReplicationGroup) -> None:
    """Render ``group.shards`` into what DescribeReplicationGroups shows, and register the members as cache clusters."""
    members = [member for shard in group.shards for member in shard.members]
    for cluster_id, cluster in list(backend.cache_clusters.items()):
        if isinstance(cluster, MemberCluster) and cluster.group is group and cluster not in members:
            del backend.cache_clusters[cluster_id]
    backend.cache_clusters.update({member.cache_cluster_id: member for member in members})
    group.member_clusters = [member.cache_cluster_id for member in members]
    group.node_groups = [node_group(group, shard) for shard in group.shards]
    group.configuration_endpoint = endpoint(f"clustercfg.{domain(group)}", group.port) if group.cluster_enabled else None
    group.snapshotting_cluster_id = snapshotting_cluster(group)


def replicas(shard: Shard) -> int:
    return len(shard.members) - 1


def initial_shards(backend: ElastiCacheBackend, group: ReplicationGroup, request: dict, template: ReplicationGroup | None) -> None:
    """The shards CreateReplicationGroup asks for; a secondary of a global datastore takes its shards' ids and slots from the primary."""
    configurations = request.get("node_group_configuration") or []
    default_replicas = request.get("replicas_per_node_group") or 0
    if template is not None:
        shapes = [(shard.node_group_id, shard.slots) for shard in template.shards]
    elif group.cluster_enabled:
        count = request.get("num_node_groups") or len(configurations) or 1
        shapes = [(f"{index + 1:04d}", slots) for index, slots in enumerate(even_slots(count))]
    else:
        shapes = [("0001", None)]
    group.shards = []
    for index, (node_group_id, slots) in enumerate(shapes):
        configuration = configurations[index] if index < len(configurations) else {}
        shard = Shard(configuration.get("NodeGroupId") or node_group_id, configuration.get("Slots") or slots)
        size = configuration.get("ReplicaCount", default_replicas) + 1
        if not group.cluster_enabled and request.get("num_cache_clusters"):
            size = request["num_cache_clusters"]
        preferred = [configuration.get("PrimaryAvailabilityZone"), *configuration.get("ReplicaAvailabilityZones", [])]
        if not group.cluster_enabled and request.get("preferred_cache_cluster_azs"):
            preferred = list(request["preferred_cache_cluster_azs"])
        grow(backend, group, shard, size, preferred)
        group.shards.append(shard)
    layout(backend, group)


def find_group(backend: ElastiCacheBackend, replication_group_id: str) -> ReplicationGroup:
    name = (replication_group_id or "").lower()
    if name not in backend.replication_groups:
        raise ReplicationGroupNotFound(name)
    return backend.replication_groups[name]


def global_replication_group_info(self: ReplicationGroup) -> dict:
    global_group = self.global_group
    if global_group is None:
        return {}
    role = "PRIMARY" if global_group.primary is self else "SECONDARY"
    return {"GlobalReplicationGroupId": global_group.global_replication_group_id, "GlobalReplicationGroupMemberRole": role}


# ---------------------------------------------------------------------------------------------------------------------
# Replication groups: the rules AWS checks


def check_replication_group_id(name: str) -> str:
    """AWS stores the id in lowercase: 1 to 40 letters, digits or hyphens, a letter first, no trailing or double hyphen."""
    lowered = (name or "").lower()
    if not _ID.fullmatch(lowered):
        raise invalid_value(
            f"Invalid replication group id: {name}. It must contain 1 to 40 alphanumeric characters or hyphens, begin with a letter,"
            " and must not end with a hyphen or contain two consecutive hyphens."
        )
    return lowered


def check_auth_token(auth_token: str) -> None:
    if not _AUTH_TOKEN.fullmatch(auth_token):
        raise invalid_value("Invalid AuthToken: it must be 16 to 128 printable characters; the only special characters allowed are !, &, #, $, ^, <, > and -.")


def check_failover(replica_count: int, automatic_failover: bool, multi_az: bool, cluster: bool) -> None:
    if cluster and not automatic_failover:
        raise invalid_combination("AutomaticFailoverEnabled must be true for a replication group with cluster mode enabled.")
    if automatic_failover and replica_count < 1 and not cluster:
        raise invalid_combination("Automatic failover needs at least one replica: NumCacheClusters must be at least 2.")
    if multi_az and not automatic_failover:
        raise invalid_combination("Multi-AZ requires automatic failover to be enabled.")
    if multi_az and replica_count < 1:
        raise invalid_combination("Multi-AZ needs at least one replica in every node group.")


def check_schedule(maintenance_window: str | None, snapshot_window: str | None, retention: int | None) -> None:
    if maintenance_window is not None and not _MAINTENANCE_WINDOW.fullmatch(maintenance_window.lower()):
        raise invalid_value(f"Invalid PreferredMaintenanceWindow {maintenance_window}: the format is ddd:hh24:mi-ddd:hh24:mi, e.g. sun:23:00-mon:01:30.")
    if snapshot_window is not None and not _SNAPSHOT_WINDOW.fullmatch(snapshot_window):
        raise invalid_value(f"Invalid SnapshotWindow {snapshot_window}: the format is hh24:mi-hh24:mi, e.g. 05:00-06:00.")
    if retention is not None and not 0 <= retention <= 35:
        raise invalid_value("SnapshotRetentionLimit must be between 0 and 35.")


def check_log_delivery(configurations: list[dict], modifying: bool = False) -> None:
    log_types = [configuration.get("LogType") for configuration in configurations]
    if len(set(log_types)) < len(log_types):
        raise invalid_combination("Each LogType may appear once in LogDeliveryConfigurations.")
    for configuration in configurations:
        if configuration.get("LogType") not in ("slow-log", "engine-log"):
            raise invalid_value(f"Invalid LogType {configuration.get('LogType')}: slow-log or engine-log.")
        if modifying and configuration.get("Enabled") is False:
            continue
        details = {"cloudwatch-logs": ("CloudWatchLogsDetails", "LogGroup"), "kinesis-firehose": ("KinesisFirehoseDetails", "DeliveryStream")}
        if configuration.get("DestinationType") not in details:
            raise invalid_value(f"Invalid DestinationType {configuration.get('DestinationType')}: cloudwatch-logs or kinesis-firehose.")
        section, name = details[configuration["DestinationType"]]
        if not (configuration.get("DestinationDetails") or {}).get(section, {}).get(name):
            raise invalid_value(f"DestinationDetails.{section}.{name} is required for DestinationType {configuration['DestinationType']}.")
        if configuration.get("LogFormat") not in ("text", "json"):
            raise invalid_value(f"Invalid LogFormat {configuration.get('LogFormat')}: text or json.")


def delivered(configuration: dict) -> dict:
    entry = {key: configuration[key] for key in ("LogType", "DestinationType", "DestinationDetails", "LogFormat") if key in configuration}
    return entry | {"Status": "active"}


def check_parameter_group_fits(parameter_group: CacheParameterGroup, family: str, cluster: bool) -> None:
    name = parameter_group.cache_parameter_group_name
    if parameter_group.cache_parameter_group_family != family:
        raise invalid_combination(
            f"The parameter group {name} is of family {parameter_group.cache_parameter_group_family}; this engine version needs {family}."
        )
    if parameter_group.cluster_enabled != cluster:
        state = "enabled" if cluster else "disabled"
        raise invalid_combination(f"The parameter group {name} has cluster-enabled {'no' if cluster else 'yes'}, which does not fit cluster mode {state}.")


def check_engine(request: dict) -> str:
    """Engine and engine version, with AWS's defaults; returns the parameter group family."""
    engine = (request.get("engine") or "redis").lower()
    if engine not in DEFAULT_ENGINE_VERSIONS:
        raise invalid_value(f"Invalid engine {engine}: a replication group runs redis or valkey.")
    version = request.get("engine_version") or DEFAULT_ENGINE_VERSIONS[engine]
    family = parameter_group_family(engine, version)
    if family is None:
        raise invalid_combination(f"Cannot find version {version} for {engine}")
    request.update(engine=engine, engine_version=version)
    return family


def check_cluster_mode(backend: ElastiCacheBackend, request: dict, family: str) -> bool:
    """Cluster mode from ClusterMode, the parameter group's cluster-enabled and the number of node groups, which must agree."""
    name = request.get("cache_parameter_group_name")
    parameter_group = find_parameter_group(backend, name) if name else None
    mode = (request.get("cluster_mode") or "").lower()
    if mode == "compatible":
        raise invalid_value("ClusterMode compatible is reached by modifying a cluster mode disabled group; create with enabled or disabled.")
    node_groups = request.get("num_node_groups") or len(request.get("node_group_configuration") or []) or 1
    votes = {"ClusterMode": {"enabled": True, "disabled": False}.get(mode), "the parameter group": None, "NumNodeGroups": True if node_groups > 1 else None}
    if parameter_group is not None:
        votes["the parameter group"] = parameter_group.cluster_enabled
    if len({vote for vote in votes.values() if vote is not None}) > 1:
        raise invalid_combination(f"Cluster mode disagrees between {', '.join(key for key, vote in votes.items() if vote is not None)}.")
    cluster = any(votes.values())
    if parameter_group is not None:
        check_parameter_group_fits(parameter_group, family, cluster)
    else:
        request["cache_parameter_group_name"] = f"default.{family}" + (".cluster.on" if cluster else "")
    request["cluster_mode"] = "enabled" if cluster else "disabled"
    return cluster


def shard_size(request: dict, configuration: dict, cluster: bool) -> int:
    """Members of one shard: NumCacheClusters (cluster mode disabled), else the shard's ReplicaCount or ReplicasPerNodeGroup, plus the primary."""
    if not cluster and request.get("num_cache_clusters"):
        return request["num_cache_clusters"]
    return configuration.get("ReplicaCount", request.get("replicas_per_node_group") or 0) + 1


def check_topology(request: dict, cluster: bool) -> None:
    configurations = request.get("node_group_configuration") or [{}]
    sizes = [shard_size(request, configuration, cluster) for configuration in configurations]
    if cluster and request.get("num_cache_clusters"):
        raise invalid_combination("NumCacheClusters is for cluster mode disabled; give NumNodeGroups and ReplicasPerNodeGroup.")
    if not 1 <= (request.get("num_node_groups") or 1) <= MAX_NODE_GROUPS:
        raise invalid_value(f"NumNodeGroups must be between 1 and {MAX_NODE_GROUPS}.")
    if not cluster and not 1 <= sizes[0] <= MAX_CACHE_CLUSTERS:
        raise invalid_value(f"NumCacheClusters must be between 1 and {MAX_CACHE_CLUSTERS}.")
    if any(not 1 <= size <= MAX_REPLICAS + 1 for size in sizes):
        raise invalid_value(f"ReplicasPerNodeGroup and ReplicaCount must be between 0 and {MAX_REPLICAS}.")
    check_failover(min(sizes) - 1, bool(request.get("automatic_failover_enabled")), bool(request.get("multi_az_enabled")), cluster)


def kms_key_exists(backend: ElastiCacheBackend, key_id: str) -> bool:
    kms = kms_backends[backend.account_id][backend.region_name]
    try:
        return kms.any_id_to_key_id(key_id) in kms.keys
    except AttributeError:  # an alias that names no key
        return False


def check_encryption(backend: ElastiCacheBackend, request: dict) -> None:
    transit = bool(request.get("transit_encryption_enabled"))
    if request.get("auth_token") is not None:
        check_auth_token(request["auth_token"])
        if not transit:
            raise invalid_combination("AuthToken requires TransitEncryptionEnabled.")
    if request.get("kms_key_id"):
        if not request.get("at_rest_encryption_enabled"):
            raise invalid_combination("KmsKeyId requires AtRestEncryptionEnabled.")
        if not kms_key_exists(backend, request["kms_key_id"]):
            raise invalid_value(f"KMS key {request['kms_key_id']} not found in {backend.region_name}.")
    if request.get("transit_encryption_mode") and not transit:
        raise invalid_combination("TransitEncryptionMode requires TransitEncryptionEnabled.")
    if transit and not request.get("transit_encryption_mode"):
        request["transit_encryption_mode"] = "required"


def s3_object_exists(account_id: str, bucket: str, key: str) -> bool:
    store = s3_backends[account_id]["aws"]
    return bucket in store.buckets and store.buckets[bucket].keys.get(key) is not None


def check_sources(backend: ElastiCacheBackend, request: dict) -> None:
    """The cache subnet group exists; a seed (a snapshot, or RDB files in S3) exists."""
    subnet_group = request.get("cache_subnet_group_name")
    if subnet_group and subnet_group not in backend.cache_subnet_groups:
        raise CacheSubnetGroupNotFound(subnet_group)
    if request.get("primary_cluster_id"):
        raise invalid_value("PrimaryClusterId (a replication group built around an existing cache cluster) is not emulated.")
    if request.get("snapshot_name") and request["snapshot_name"] not in backend.snapshots:
        raise SnapshotNotFound(request["snapshot_name"])
    for arn in request.get("snapshot_arns") or []:
        location = _S3_ARN.fullmatch(arn)
        if location is None or not s3_object_exists(backend.account_id, location["bucket"], location["key"]):
            raise invalid_value(f"No permission to access S3 object or the object does not exist: {arn}")


# ---------------------------------------------------------------------------------------------------------------------
# Replication groups: create, modify, resize, delete


def create_replication_group(original, backend: ElastiCacheBackend, kwargs: dict) -> ReplicationGroup:
    """CreateReplicationGroup after AWS's checks; moto's ``original`` builds and stores the group, its topology is laid out here."""
    request = dict(kwargs)
    request["replication_group_id"] = check_replication_group_id(request["replication_group_id"])
    global_group = joining_global_group(backend, request)
    family = check_engine(request)
    cluster = check_cluster_mode(backend, request, family)
    check_topology(request, cluster)
    check_encryption(backend, request)
    check_schedule(request.get("preferred_maintenance_window"), request.get("snapshot_window"), request.get("snapshot_retention_limit"))
    check_log_delivery(request.get("log_delivery_configurations") or [])
    check_sources(backend, request)
    request.update(
        global_replication_group_id=None,
        preferred_maintenance_window=(request.get("preferred_maintenance_window") or DEFAULT_MAINTENANCE_WINDOW).lower(),
        snapshot_window=request.get("snapshot_window") or DEFAULT_SNAPSHOT_WINDOW,
        auto_minor_version_upgrade=request.get("auto_minor_version_upgrade") is not False,
    )
    group = original(backend, **request)
    group.account_id, group.region_name = backend.account_id, backend.region_name
    group.cluster_enabled = cluster
    group.snapshotting_cluster_id = None
    group.log_delivery_configurations = [delivered(configuration) for configuration in request.get("log_delivery_configurations") or []]
    set_auth_tokens(group, [request["auth_token"]] if request.get("auth_token") else [], touched=False)
    initial_shards(backend, group, request, global_group.primary if global_group is not None else None)
    if global_group is not None:
        join(global_group, group)
    return group


def set_auth_tokens(group: ReplicationGroup, auth_tokens: list[str], touched: bool = True) -> None:
    group.auth_tokens = auth_tokens
    group.auth_token_enabled = bool(auth_tokens)
    if touched or auth_tokens:
        group.auth_token_last_modified_date = utcnow() if auth_tokens else None


SETTABLE = {
    "ReplicationGroupDescription": "description",
    "NotificationTopicArn": "notification_topic_arn",
    "NotificationTopicStatus": "notification_topic_status",
    "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
    "SnapshotRetentionLimit": "snapshot_retention_limit",
    "SnapshotWindow": "snapshot_window",
    "CacheNodeType": "cache_node_type",
    "SecurityGroupIds": "security_group_ids",
    "CacheSecurityGroupNames": "cache_security_group_names",
    "IpDiscovery": "ip_discovery",
    "SnapshottingClusterId": "snapshotting_cluster_id",
}
GLOBAL_OWNED = ("CacheNodeType", "Engine", "EngineVersion", "CacheParameterGroupName")


def planned_engine(backend: ElastiCacheBackend, group: ReplicationGroup, params: dict) -> dict:
    """Engine, version and parameter group after a modification; a new major version moves a default parameter group along."""
    engine = (params.get("Engine") or group.engine).lower()
    version = params.get("EngineVersion") or group.engine_version
    if engine not in DEFAULT_ENGINE_VERSIONS:
        raise invalid_value(f"Invalid engine {engine}: a replication group runs redis or valkey.")
    if group.engine == "valkey" and engine == "redis":
        raise invalid_combination("A valkey replication group cannot be changed to redis.")
    family = parameter_group_family(engine, version)
    if family is None:
        raise invalid_combination(f"Cannot find version {version} for {engine}")
    if engine == group.engine and version_tuple(version) < version_tuple(group.engine_version):
        raise invalid_combination(f"Cannot downgrade {engine} from {group.engine_version} to {version}.")
    name = params.get("CacheParameterGroupName")
    if name:
        check_parameter_group_fits(find_parameter_group(backend, name), family, group.cluster_enabled)
    elif family == parameter_group_family(group.engine, group.engine_version):
        name = group.cache_parameter_group_name
    elif group.cache_parameter_group_name.startswith("default."):
        name = f"default.{family}" + (".cluster.on" if group.cluster_enabled else "")
    else:
        raise invalid_combination(f"Moving to {engine} {version} needs a parameter group of family {family}: give CacheParameterGroupName.")
    return {"engine": engine, "engine_version": version, "cache_parameter_group_name": name}


def planned_transit(group: ReplicationGroup, params: dict) -> dict:
    """In-transit encryption is turned on in mode preferred, then required; off only from preferred."""
    enabled = params.get("TransitEncryptionEnabled", group.transit_encryption_enabled)
    mode = params.get("TransitEncryptionMode")
    if enabled and not group.transit_encryption_enabled:
        mode = mode or "preferred"
        if mode != "preferred":
            raise invalid_combination("In-transit encryption is turned on with TransitEncryptionMode preferred; set required once clients use TLS.")
    elif not enabled and group.transit_encryption_enabled:
        if group.transit_encryption_mode != "preferred":
            raise invalid_combination("In-transit encryption can be turned off only from TransitEncryptionMode preferred.")
    elif mode and not enabled:
        raise invalid_combination("TransitEncryptionMode requires TransitEncryptionEnabled.")
    return {"transit_encryption_enabled": enabled, "transit_encryption_mode": (mode or group.transit_encryption_mode) if enabled else None}


def planned_auth_tokens(group: ReplicationGroup, params: dict, transit: bool) -> list[str] | None:
    """The AUTH tokens after AuthToken/AuthTokenUpdateStrategy: ROTATE adds one (the old stays valid), SET after ROTATE keeps only the new one,
    DELETE (moving to RBAC, with UserGroupIdsToAdd) removes AUTH; None when neither is given."""
    new_token, strategy = params.get("AuthToken"), params.get("AuthTokenUpdateStrategy")
    if new_token is None and strategy is None:
        if group.auth_tokens and not transit:
            raise invalid_combination("AUTH requires in-transit encryption: delete the AUTH token first.")
        return None
    strategy = (strategy or "ROTATE").upper()
    if strategy == "DELETE":
        if new_token is not None:
            raise invalid_combination("AuthToken cannot be given with AuthTokenUpdateStrategy DELETE.")
        if not params.get("UserGroupIdsToAdd"):
            raise invalid_combination("AuthTokenUpdateStrategy DELETE is allowed only when moving to role-based access control (UserGroupIdsToAdd).")
        return []
    if new_token is None:
        raise invalid_combination(f"AuthTokenUpdateStrategy {strategy} requires AuthToken.")
    check_auth_token(new_token)
    if not transit:
        raise invalid_combination("AuthToken requires TransitEncryptionEnabled.")
    if strategy == "SET":
        if len(group.auth_tokens) < 2:
            raise invalid_combination("AuthTokenUpdateStrategy SET is allowed only after ROTATE.")
        return [new_token]
    if strategy != "ROTATE":
        raise invalid_value(f"Invalid AuthTokenUpdateStrategy {strategy}: SET, ROTATE or DELETE.")
    return [*group.auth_tokens[-1:], new_token]


def planned_log_delivery(group: ReplicationGroup, params: dict) -> list[dict]:
    check_log_delivery(params.get("LogDeliveryConfigurations") or [], modifying=True)
    current = {configuration["LogType"]: configuration for configuration in group.log_delivery_configurations}
    for configuration in params.get("LogDeliveryConfigurations") or []:
        current.pop(configuration["LogType"], None)
        if configuration.get("Enabled") is not False:
            current[configuration["LogType"]] = delivered(configuration)
    return list(current.values())


def planned_changes(backend: ElastiCacheBackend, group: ReplicationGroup, params: dict) -> dict:
    """Every attribute ModifyReplicationGroup changes, after AWS's checks; nothing is changed unless all pass."""
    owned = [name for name in GLOBAL_OWNED if params.get(name) is not None]
    if group.global_group is not None and owned:
        raise invalid_combination(f"{', '.join(owned)} of a Global datastore member change through ModifyGlobalReplicationGroup.")
    if params.get("ClusterMode") and params["ClusterMode"].lower() != group.cluster_mode:
        raise invalid_value("Changing ClusterMode is not emulated.")
    members = [member.cache_cluster_id for shard in group.shards for member in shard.members]
    for name in ("PrimaryClusterId", "SnapshottingClusterId"):
        if params.get(name) and (params[name] not in members or (name == "PrimaryClusterId" and group.cluster_enabled)):
            raise invalid_value(f"{name} {params[name]} is not a member cluster of replication group {group.replication_group_id} with cluster mode disabled.")
    automatic_failover = params.get("AutomaticFailoverEnabled", group.automatic_failover == "enabled")
    multi_az = params.get("MultiAZEnabled", group.multi_az == "enabled")
    check_failover(min(replicas(shard) for shard in group.shards), automatic_failover, multi_az, group.cluster_enabled)
    check_schedule(params.get("PreferredMaintenanceWindow"), params.get("SnapshotWindow"), params.get("SnapshotRetentionLimit"))
    changes = {attribute: params[name] for name, attribute in SETTABLE.items() if params.get(name) is not None}
    changes |= planned_engine(backend, group, params) | planned_transit(group, params)
    auth_tokens = planned_auth_tokens(group, params, changes["transit_encryption_enabled"])
    if auth_tokens is not None:
        changes |= {"auth_tokens": auth_tokens, "auth_token_enabled": bool(auth_tokens), "auth_token_last_modified_date": utcnow() if auth_tokens else None}
    user_groups = [] if params.get("RemoveUserGroups") else [item for item in group.user_group_ids if item not in (params.get("UserGroupIdsToRemove") or [])]
    changes |= {
        "automatic_failover": "enabled" if automatic_failover else "disabled",
        "multi_az": "enabled" if multi_az else "disabled",
        "log_delivery_configurations": planned_log_delivery(group, params),
        "user_group_ids": user_groups + [item for item in params.get("UserGroupIdsToAdd") or [] if item not in user_groups],
    }
    if params.get("PreferredMaintenanceWindow"):
        changes["preferred_maintenance_window"] = params["PreferredMaintenanceWindow"].lower()
    return changes


def promote(group: ReplicationGroup, cache_cluster_id: str) -> None:
    """PrimaryClusterId: the named member becomes the primary of its (only) shard."""
    shard = group.shards[0]
    shard.members.sort(key=lambda member: member.cache_cluster_id != cache_cluster_id)


def modify_replication_group(backend: ElastiCacheBackend, params: dict) -> ReplicationGroup:
    group = find_group(backend, params["ReplicationGroupId"])
    for attribute, value in planned_changes(backend, group, params).items():
        setattr(group, attribute, value)
    if params.get("PrimaryClusterId"):
        promote(group, params["PrimaryClusterId"])
    layout(backend, group)
    return group


def replica_targets(group: ReplicationGroup, params: dict) -> dict[str, tuple[int, list[str]]]:
    """node group id -> (replica count wanted, preferred zones for every member, primary first), from ReplicaConfiguration or NewReplicaCount."""
    shard_ids = [shard.node_group_id for shard in group.shards]
    if params.get("ReplicaConfiguration"):
        targets = {}
        for item in params["ReplicaConfiguration"]:
            if item["NodeGroupId"] not in shard_ids:
                raise invalid_value(f"Node group {item['NodeGroupId']} not found in replication group {group.replication_group_id}.")
            targets[item["NodeGroupId"]] = (item["NewReplicaCount"], list(item.get("PreferredAvailabilityZones") or []))
        return targets
    if params.get("NewReplicaCount") is not None:
        return {shard_id: (params["NewReplicaCount"], []) for shard_id in shard_ids}
    return {}


def increase_replica_count(backend: ElastiCacheBackend, params: dict) -> ReplicationGroup:
    group = find_group(backend, params["ReplicationGroupId"])
    targets = replica_targets(group, params)
    if not targets:
        raise invalid_value("NewReplicaCount or ReplicaConfiguration is required.")
    for shard in group.shards:
        count = targets.get(shard.node_group_id, (replicas(shard), []))[0]
        if shard.node_group_id in targets and count <= replicas(shard):
            raise invalid_value(f"The new replica count {count} of node group {shard.node_group_id} must be greater than its current {replicas(shard)}.")
        if count > MAX_REPLICAS:
            raise invalid_value(f"A node group has at most {MAX_REPLICAS} replicas.")
    for shard in group.shards:
        if shard.node_group_id in targets:
            count, preferred = targets[shard.node_group_id]
            grow(backend, group, shard, count + 1, preferred[len(shard.members) :])
    layout(backend, group)
    return group


def decrease_replica_count(backend: ElastiCacheBackend, params: dict) -> ReplicationGroup:
    group = find_group(backend, params["ReplicationGroupId"])
    targets = replica_targets(group, params)
    removals = params.get("ReplicasToRemove") or []
    if not targets and not removals:
        raise invalid_value("NewReplicaCount, ReplicaConfiguration or ReplicasToRemove is required.")
    plan = {shard.node_group_id: list(shard.members) for shard in group.shards}
    for cache_cluster_id in removals:
        shard = next((shard for shard in group.shards if cache_cluster_id in [member.cache_cluster_id for member in shard.members[1:]]), None)
        if shard is None:
            raise invalid_value(f"{cache_cluster_id} is not a replica of replication group {group.replication_group_id}.")
        plan[shard.node_group_id] = [member for member in plan[shard.node_group_id] if member.cache_cluster_id != cache_cluster_id]
    for shard in group.shards:
        count = targets.get(shard.node_group_id, (None,))[0]
        if count is not None and not 0 <= count < replicas(shard):
            raise invalid_value(f"The new replica count {count} of node group {shard.node_group_id} must be less than its current {replicas(shard)}.")
        if count is not None:
            del plan[shard.node_group_id][count + 1 :]
    remaining = min(len(members) - 1 for members in plan.values())
    check_failover(remaining, group.automatic_failover == "enabled", group.multi_az == "enabled", group.cluster_enabled)
    for shard in group.shards:
        shard.members = plan[shard.node_group_id]
    layout(backend, group)
    return group


def add_shards(backend: ElastiCacheBackend, group: ReplicationGroup, count: int, resharding: list[dict]) -> None:
    """New shards up to ``count``, each with as many replicas as the first shard; ReshardingConfiguration gives their ids and zones."""
    size = len(group.shards[0].members)
    taken = {shard.node_group_id for shard in group.shards}
    number = 1
    for index in range(count - len(group.shards)):
        configuration = resharding[index] if index < len(resharding) else {}
        while f"{number:04d}" in taken:
            number += 1
        node_group_id = configuration.get("NodeGroupId") or f"{number:04d}"
        if node_group_id in taken:
            raise invalid_value(f"Node group {node_group_id} already exists in replication group {group.replication_group_id}.")
        taken.add(node_group_id)
        shard = Shard(node_group_id, None)
        grow(backend, group, shard, size, configuration.get("PreferredAvailabilityZones"))
        group.shards.append(shard)


def retained_shards(group: ReplicationGroup, count: int, to_remove: list[str], to_retain: list[str]) -> list[Shard]:
    shard_ids = [shard.node_group_id for shard in group.shards]
    unknown = [shard_id for shard_id in [*to_remove, *to_retain] if shard_id not in shard_ids]
    if unknown:
        raise invalid_value(f"Node group {unknown[0]} not found in replication group {group.replication_group_id}.")
    if to_retain:
        kept = [shard for shard in group.shards if shard.node_group_id in to_retain]
    elif to_remove:
        kept = [shard for shard in group.shards if shard.node_group_id not in to_remove]
    else:
        raise invalid_value("Removing node groups requires NodeGroupsToRemove or NodeGroupsToRetain.")
    if len(kept) != count:
        raise invalid_value(f"Keeping {len(kept)} node groups does not give NodeGroupCount {count}.")
    return kept


def rebalance(backend: ElastiCacheBackend, group: ReplicationGroup) -> None:
    for shard, slots in zip(group.shards, even_slots(len(group.shards))):
        shard.slots = slots
    layout(backend, group)


def check_node_group_count(current: int, count: int, apply_immediately: bool) -> None:
    if not apply_immediately:
        raise invalid_value("ApplyImmediately must be true: resharding starts at once.")
    if not 1 <= count <= MAX_NODE_GROUPS:
        raise invalid_value(f"NodeGroupCount must be between 1 and {MAX_NODE_GROUPS}.")
    if count == current:
        raise invalid_value(f"The replication group already has {count} node groups.")


def modify_shard_configuration(backend: ElastiCacheBackend, params: dict) -> ReplicationGroup:
    group = find_group(backend, params["ReplicationGroupId"])
    if not group.cluster_enabled:
        raise invalid_value(f"Replication group {group.replication_group_id} has cluster mode disabled: it has one node group.")
    if group.global_group is not None:
        raise fault(
            "InvalidReplicationGroupState",
            f"Replication group {group.replication_group_id} is a member of a Global datastore: use Increase/DecreaseNodeGroupsInGlobalReplicationGroup.",
        )
    count = params["NodeGroupCount"]
    check_node_group_count(len(group.shards), count, params["ApplyImmediately"])
    if count > len(group.shards):
        add_shards(backend, group, count, params.get("ReshardingConfiguration") or [])
    else:
        group.shards = retained_shards(group, count, params.get("NodeGroupsToRemove") or [], params.get("NodeGroupsToRetain") or [])
    rebalance(backend, group)
    return group


def take_snapshot(backend: ElastiCacheBackend, group: ReplicationGroup, name: str) -> None:
    snapshot = backend.create_snapshot(
        snapshot_name=name, replication_group_id=group.replication_group_id, cache_cluster_id=None, kms_key_id=group.kms_key_id, tags=None
    )
    created = utcnow()
    snapshot.node_snapshots = [
        {"NodeGroupId": shard.node_group_id, "CacheSize": "", "CacheNodeCreateTime": group.replication_group_create_time, "SnapshotCreateTime": created}
        for shard in group.shards
    ]
    snapshot.data_tiering = group.data_tiering


def remove_group(backend: ElastiCacheBackend, group: ReplicationGroup, keep_primary: bool = False) -> None:
    del backend.replication_groups[group.replication_group_id]
    backend.tagging_service.delete_all_tags_for_resource(group.arn)
    primary = group.shards[0].members[0]
    for member in [member for shard in group.shards for member in shard.members]:
        if keep_primary and member is primary:
            member.detached = True
        else:
            backend.cache_clusters.pop(member.cache_cluster_id, None)


def delete_replication_group(backend: ElastiCacheBackend, params: dict) -> ReplicationGroup:
    group = find_group(backend, params["ReplicationGroupId"])
    if group.global_group is not None:
        raise fault(
            "InvalidReplicationGroupState",
            f"Replication group {group.replication_group_id} is a member of Global datastore {group.global_group.global_replication_group_id}:"
            " disassociate it, or delete the Global datastore, first.",
        )
    if params.get("RetainPrimaryCluster") and group.cluster_enabled:
        raise invalid_combination("RetainPrimaryCluster is not supported for a replication group with cluster mode enabled.")
    if params.get("FinalSnapshotIdentifier"):
        take_snapshot(backend, group, params["FinalSnapshotIdentifier"])
    remove_group(backend, group, keep_primary=bool(params.get("RetainPrimaryCluster")))
    return group


# ---------------------------------------------------------------------------------------------------------------------
# Cache clusters


def delete_cache_cluster(self: ElastiCacheBackend, cache_cluster_id: str):
    """A standalone cluster goes at once; a read replica of a cluster mode disabled group leaves the group."""
    cluster = self.cache_clusters.get(cache_cluster_id)
    if cluster is None:
        raise CacheClusterNotFound(cache_cluster_id)
    if isinstance(cluster, MemberCluster) and not cluster.detached:
        group, shard = cluster.group, cluster.group.shards[0]
        if group.cluster_enabled or shard.members[0] is cluster:
            raise fault(
                "InvalidCacheClusterState",
                f"Cache cluster {cache_cluster_id} is a primary or in cluster mode: it goes with replication group {group.replication_group_id}.",
            )
        check_failover(replicas(shard) - 1, group.automatic_failover == "enabled", group.multi_az == "enabled", False)
        shard.members.remove(cluster)
        layout(self, group)
    else:
        del self.cache_clusters[cache_cluster_id]
    cluster.cache_cluster_status = "deleting"
    return cluster


def standalone_region(cluster: CacheCluster) -> str:
    return cluster.arn.split(":")[3]


def standalone_cache_nodes(self: CacheCluster) -> list[dict]:
    region = standalone_region(self)
    prefix = f"{self.cache_cluster_id}.{token(self.arn)}"
    zones_used = self.preferred_availability_zones or [self.preferred_availability_zone or f"{region}a"]
    count = getattr(self, "num_cache_nodes", None) or 1
    return [
        cache_node(
            f"{number:04d}",
            f"{prefix}.{number:04d}.{region_code(region)}.cache.amazonaws.com",
            self.port,
            zones_used[(number - 1) % len(zones_used)],
            self.cache_cluster_create_time,
        )
        for number in range(1, count + 1)
    ]


def standalone_configuration_endpoint(self: CacheCluster) -> dict | None:
    if self.engine != "memcached":
        return None
    return endpoint(f"{self.cache_cluster_id}.{token(self.arn)}.cfg.{region_code(standalone_region(self))}.cache.amazonaws.com", self.port)


def standalone_cache_parameter_group(self: CacheCluster) -> dict | None:
    """The cluster's parameter group; without one, its engine version's default group."""
    family = parameter_group_family(self.engine, self.engine_version or DEFAULT_ENGINE_VERSIONS.get(self.engine, "1.6"))
    return parameter_group_status(self.cache_parameter_group_name or (f"default.{family}" if family else None))


def standalone_defaults(cluster: CacheCluster, port: int | None) -> None:
    """What CreateCacheCluster leaves to AWS: the engine's port (memcached 11211)."""
    cluster.port = port or DEFAULT_PORTS.get(cluster.engine, 6379)


def standalone_security_groups(self: CacheCluster) -> list[dict]:
    return security_group_memberships(self.security_group_ids)


# ---------------------------------------------------------------------------------------------------------------------
# Global datastores


def global_prefix(region: str) -> str:
    if region in DOCUMENTED_GLOBAL_PREFIXES:
        return DOCUMENTED_GLOBAL_PREFIXES[region]
    return "".join(chr(ord("a") + byte % 26) for byte in hashlib.sha256(region.encode()).digest()[:5])


class GlobalReplicationGroup:
    """A global datastore: its member replication groups, one per region, and which is the primary. What the members share is the primary's."""

    FROM_PRIMARY = (
        "engine",
        "engine_version",
        "cache_node_type",
        "cluster_enabled",
        "auth_token_enabled",
        "transit_encryption_enabled",
        "at_rest_encryption_enabled",
    )

    def __init__(self, suffix: str, description: str | None, primary: ReplicationGroup):
        self.global_replication_group_id = f"{global_prefix(primary.region_name)}-{suffix}"
        self.suffix = suffix
        self.global_replication_group_description = description
        self.replication_groups = [primary]
        self.primary = primary
        self.arn = f"arn:aws:elasticache::{primary.account_id}:globalreplicationgroup:{self.global_replication_group_id}"

    def __getattr__(self, name: str):
        if name in GlobalReplicationGroup.FROM_PRIMARY:
            return getattr(self.primary, name)
        raise AttributeError(name)

    @property
    def status(self) -> str:
        return "available" if len(self.replication_groups) > 1 else "primary-only"

    @property
    def members(self) -> list[dict]:
        return [
            {
                "ReplicationGroupId": group.replication_group_id,
                "ReplicationGroupRegion": group.region_name,
                "Role": "PRIMARY" if group is self.primary else "SECONDARY",
                "AutomaticFailover": group.automatic_failover,
                "Status": "associated",
            }
            for group in self.replication_groups
        ]

    @property
    def global_node_groups(self) -> list[dict]:
        return [{"GlobalNodeGroupId": f"{self.global_replication_group_id}-{shard.node_group_id}", "Slots": shard.slots} for shard in self.primary.shards]


def global_groups(account_id: str) -> dict[str, GlobalReplicationGroup]:
    return elasticache_backends[account_id][GLOBAL_REGION].global_replication_groups


def tagging_backend(backend: ElastiCacheBackend, arn: str) -> ElastiCacheBackend:
    """The backend whose tagging service holds the resource's tags: a global datastore's are kept with the datastores."""
    return elasticache_backends[backend.account_id][GLOBAL_REGION] if ":globalreplicationgroup:" in arn else backend


def backend_of(group: ReplicationGroup) -> ElastiCacheBackend:
    return elasticache_backends[group.account_id][group.region_name]


def find_global_group(account_id: str, global_replication_group_id: str) -> GlobalReplicationGroup:
    found = global_groups(account_id).get(global_replication_group_id or "")
    if found is None:
        raise fault("GlobalReplicationGroupNotFoundFault", f"Global replication group {global_replication_group_id} not found.")
    return found


def find_member(global_group: GlobalReplicationGroup, replication_group_id: str, region: str) -> ReplicationGroup:
    for group in global_group.replication_groups:
        if group.replication_group_id == replication_group_id.lower() and group.region_name == region:
            return group
    raise invalid_value(f"Replication group {replication_group_id} in {region} is not a member of Global datastore {global_group.global_replication_group_id}.")


def check_global_capable(group: ReplicationGroup) -> None:
    if group.engine == "redis" and version_tuple(group.engine_version) < (5, 0, 6):
        raise invalid_value("A Global datastore needs Redis OSS 5.0.6 or later, or Valkey.")
    if group.cache_node_type.startswith("cache.t"):
        raise invalid_value(f"Node type {group.cache_node_type} is not supported for Global datastores: T-family nodes are not.")


def joining_global_group(backend: ElastiCacheBackend, request: dict) -> GlobalReplicationGroup | None:
    """The global datastore a CreateReplicationGroup request joins as a secondary; fills in what the datastore owns."""
    if not request.get("global_replication_group_id"):
        return None
    global_group = find_global_group(backend.account_id, request["global_replication_group_id"])
    name = global_group.global_replication_group_id
    if any(group.region_name == backend.region_name for group in global_group.replication_groups):
        raise invalid_value(f"Global datastore {name} already has a member in {backend.region_name}.")
    if len(global_group.replication_groups) > 2:
        raise invalid_value(f"Global datastore {name} already has two secondary replication groups.")
    owned = {"cache_node_type": "CacheNodeType", "engine_version": "EngineVersion", "num_node_groups": "NumNodeGroups"}
    given = [wire for key, wire in owned.items() if request.get(key) is not None]
    if given:
        raise invalid_combination(f"{', '.join(given)} cannot be given for a secondary replication group: it takes them from Global datastore {name}.")
    primary = global_group.primary
    inherited = {
        "engine": primary.engine,
        "at_rest_encryption_enabled": primary.at_rest_encryption_enabled,
        "transit_encryption_enabled": primary.transit_encryption_enabled,
    }
    for key, value in inherited.items():
        asked = request.get(key)
        if asked is not None and (asked.lower() if isinstance(asked, str) else asked) != value:
            raise invalid_combination(f"{key} must be {value}, as in the primary of Global datastore {name}.")
    request.update(inherited, engine_version=primary.engine_version, cache_node_type=primary.cache_node_type, cluster_mode=primary.cluster_mode)
    # Automatic failover and Multi-AZ are owned by the global datastore too: a secondary that does not ask takes the primary's.
    for key, value in (("automatic_failover_enabled", primary.automatic_failover == "enabled"), ("multi_az_enabled", primary.multi_az == "enabled")):
        if request.get(key) is None:
            request[key] = value
    if primary.transit_encryption_enabled and not request.get("transit_encryption_mode"):
        request["transit_encryption_mode"] = primary.transit_encryption_mode
    return global_group


def join(global_group: GlobalReplicationGroup, group: ReplicationGroup) -> None:
    global_group.replication_groups.append(group)
    group.global_group = global_group
    if not group.auth_tokens and global_group.primary.auth_tokens:
        set_auth_tokens(group, list(global_group.primary.auth_tokens))


def create_global_replication_group(backend: ElastiCacheBackend, params: dict) -> GlobalReplicationGroup:
    primary = find_group(backend, params["PrimaryReplicationGroupId"])
    if primary.global_group is not None:
        raise fault(
            "InvalidReplicationGroupState",
            f"Replication group {primary.replication_group_id} is already a member of Global datastore {primary.global_group.global_replication_group_id}.",
        )
    check_global_capable(primary)
    suffix = params["GlobalReplicationGroupIdSuffix"]
    store = global_groups(backend.account_id)
    if any(global_group.suffix == suffix for global_group in store.values()):
        raise fault("GlobalReplicationGroupAlreadyExistsFault", f"Global datastore with suffix {suffix} already exists.")
    global_group = GlobalReplicationGroup(suffix, params.get("GlobalReplicationGroupDescription"), primary)
    store[global_group.global_replication_group_id] = global_group
    primary.global_group = global_group
    if params.get("Tags"):
        tagging_backend(backend, global_group.arn).tagging_service.tag_resource(global_group.arn, params["Tags"])
    return global_group


def modify_global_replication_group(account_id: str, params: dict) -> GlobalReplicationGroup:
    """Node type, engine, engine version, parameter group and automatic failover of every member; the description."""
    global_group = find_global_group(account_id, params["GlobalReplicationGroupId"])
    if not params["ApplyImmediately"]:
        raise invalid_value("Modifications to a Global datastore are applied immediately: ApplyImmediately must be true.")
    primary = global_group.primary
    changes = {}
    if any(params.get(name) for name in ("Engine", "EngineVersion", "CacheParameterGroupName")):
        changes = planned_engine(backend_of(primary), primary, params)
    if params.get("CacheNodeType"):
        changes["cache_node_type"] = params["CacheNodeType"]
    if params.get("AutomaticFailoverEnabled") is not None:
        for group in global_group.replication_groups:
            check_failover(
                min(replicas(shard) for shard in group.shards), params["AutomaticFailoverEnabled"], group.multi_az == "enabled", group.cluster_enabled
            )
        changes["automatic_failover"] = "enabled" if params["AutomaticFailoverEnabled"] else "disabled"
    if params.get("GlobalReplicationGroupDescription") is not None:
        global_group.global_replication_group_description = params["GlobalReplicationGroupDescription"]
    for group in global_group.replication_groups:
        for attribute, value in changes.items():
            setattr(group, attribute, value)
        layout(backend_of(group), group)
    return global_group


def failover_global_replication_group(account_id: str, params: dict) -> GlobalReplicationGroup:
    """The named secondary becomes the primary; the old primary, and every other member, its secondaries."""
    global_group = find_global_group(account_id, params["GlobalReplicationGroupId"])
    target = find_member(global_group, params["PrimaryReplicationGroupId"], params["PrimaryRegion"])
    if target is global_group.primary:
        raise invalid_value(f"Replication group {target.replication_group_id} in {target.region_name} is already the primary.")
    global_group.primary = target
    return global_group


def disassociate_global_replication_group(account_id: str, params: dict) -> GlobalReplicationGroup:
    """A secondary leaves and stands alone, writable; the primary cannot leave."""
    global_group = find_global_group(account_id, params["GlobalReplicationGroupId"])
    member = find_member(global_group, params["ReplicationGroupId"], params["ReplicationGroupRegion"])
    if member is global_group.primary:
        raise invalid_value(f"Replication group {member.replication_group_id} is the primary of Global datastore {global_group.global_replication_group_id}.")
    global_group.replication_groups.remove(member)
    member.global_group = None
    return global_group


def delete_global_replication_group(account_id: str, params: dict) -> GlobalReplicationGroup:
    """Only a datastore with no secondaries left; its primary is kept with RetainPrimaryReplicationGroup, else deleted too."""
    global_group = find_global_group(account_id, params["GlobalReplicationGroupId"])
    if len(global_group.replication_groups) > 1:
        raise fault(
            "InvalidGlobalReplicationGroupState",
            f"Global datastore {global_group.global_replication_group_id} still has secondary replication groups: disassociate them first.",
        )
    del global_groups(account_id)[global_group.global_replication_group_id]
    tagging_backend(backend_of(global_group.primary), global_group.arn).tagging_service.delete_all_tags_for_resource(global_group.arn)
    global_group.primary.global_group = None
    if not params["RetainPrimaryReplicationGroup"]:
        remove_group(backend_of(global_group.primary), global_group.primary)
    return global_group


def regional_resharding(params: dict, group: ReplicationGroup) -> list[dict]:
    for regional in params.get("RegionalConfigurations") or []:
        if regional["ReplicationGroupId"].lower() == group.replication_group_id and regional["ReplicationGroupRegion"] == group.region_name:
            return regional.get("ReshardingConfiguration") or []
    return []


def change_global_node_groups(account_id: str, params: dict, increase: bool) -> GlobalReplicationGroup:
    """Reshard every member alike; global node group ids are the datastore id and the node group id."""
    global_group = find_global_group(account_id, params["GlobalReplicationGroupId"])
    name = global_group.global_replication_group_id
    if not global_group.cluster_enabled:
        raise invalid_value(f"Global datastore {name} has cluster mode disabled: it has one node group.")
    current, count = len(global_group.primary.shards), params["NodeGroupCount"]
    check_node_group_count(current, count, params["ApplyImmediately"])
    if increase != (count > current):
        raise invalid_value(f"NodeGroupCount {count} must be {'greater' if increase else 'less'} than the current {current}.")
    if increase:
        for group in global_group.replication_groups:
            add_shards(backend_of(group), group, count, regional_resharding(params, group))
    else:
        to_remove = [item.removeprefix(f"{name}-") for item in params.get("GlobalNodeGroupsToRemove") or []]
        to_retain = [item.removeprefix(f"{name}-") for item in params.get("GlobalNodeGroupsToRetain") or []]
        kept = [retained_shards(group, count, to_remove, to_retain) for group in global_group.replication_groups]
        for group, shards in zip(global_group.replication_groups, kept):
            group.shards = shards
    for group in global_group.replication_groups:
        rebalance(backend_of(group), group)
    return global_group


# ---------------------------------------------------------------------------------------------------------------------
# ElastiCacheResponse methods: ``self`` is the ElastiCacheResponse of the request.


def reported_group(group: ReplicationGroup, status: str) -> ActionResult:
    return ActionResult({"ReplicationGroup": Reported(group, status=status)})


def reported_global_group(global_group: GlobalReplicationGroup, status: str) -> ActionResult:
    return ActionResult({"GlobalReplicationGroup": Reported(global_group, status=status)})


def modify_replication_group_response(self) -> ActionResult:
    return reported_group(modify_replication_group(self.elasticache_backend, self._get_params()), "modifying")


def delete_replication_group_response(self) -> ActionResult:
    return reported_group(delete_replication_group(self.elasticache_backend, self._get_params()), "deleting")


def increase_replica_count_response(self) -> ActionResult:
    return reported_group(increase_replica_count(self.elasticache_backend, self._get_params()), "modifying")


def decrease_replica_count_response(self) -> ActionResult:
    return reported_group(decrease_replica_count(self.elasticache_backend, self._get_params()), "modifying")


def modify_replication_group_shard_configuration_response(self) -> ActionResult:
    return reported_group(modify_shard_configuration(self.elasticache_backend, self._get_params()), "modifying")


def describe_cache_clusters_response(self) -> ActionResult:
    """ShowCacheNodeInfo shows CacheNodes; ShowCacheClustersNotInReplicationGroups leaves out replication group members."""
    params = self._get_params()
    clusters = self.elasticache_backend.describe_cache_clusters(cache_cluster_id=params.get("CacheClusterId"))
    if params.get("ShowCacheClustersNotInReplicationGroups"):
        clusters = [cluster for cluster in clusters if not getattr(cluster, "replication_group_id", None)]
    if not params.get("ShowCacheNodeInfo"):
        clusters = [Reported(cluster, cache_nodes=None) for cluster in clusters]
    return ActionResult({"CacheClusters": clusters})


def create_cache_parameter_group_response(self) -> ActionResult:
    params = self._get_params()
    group = create_cache_parameter_group(
        self.elasticache_backend, params["CacheParameterGroupName"], params["CacheParameterGroupFamily"], params["Description"], params.get("Tags") or []
    )
    return ActionResult({"CacheParameterGroup": group})


def describe_cache_parameter_groups_response(self) -> ActionResult:
    name = self._get_params().get("CacheParameterGroupName")
    backend = self.elasticache_backend
    groups = (
        [find_parameter_group(backend, name)] if name else sorted(backend.cache_parameter_groups.values(), key=lambda item: item.cache_parameter_group_name)
    )
    return ActionResult({"CacheParameterGroups": groups})


def modify_cache_parameter_group_response(self) -> ActionResult:
    params = self._get_params()
    group = modify_cache_parameter_group(self.elasticache_backend, params["CacheParameterGroupName"], params["ParameterNameValues"])
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


def reset_cache_parameter_group_response(self) -> ActionResult:
    params = self._get_params()
    group = reset_cache_parameter_group(
        self.elasticache_backend, params["CacheParameterGroupName"], bool(params.get("ResetAllParameters")), params.get("ParameterNameValues") or []
    )
    return ActionResult({"CacheParameterGroupName": group.cache_parameter_group_name})


def delete_cache_parameter_group_response(self) -> EmptyResult:
    delete_cache_parameter_group(self.elasticache_backend, self._get_params()["CacheParameterGroupName"])
    return EmptyResult()


def describe_cache_parameters_response(self) -> ActionResult:
    params = self._get_params()
    parameters = describe_cache_parameters(self.elasticache_backend, params["CacheParameterGroupName"], params.get("Source"))
    return ActionResult({"Parameters": parameters, "CacheNodeTypeSpecificParameters": []})


def describe_engine_default_parameters_response(self) -> ActionResult:
    family = self._get_params()["CacheParameterGroupFamily"]
    if family not in FAMILIES:
        raise invalid_value(f"The parameter CacheParameterGroupFamily is not valid: {family}.")
    defaults = {"CacheParameterGroupFamily": family, "Parameters": engine_default_parameters(family), "CacheNodeTypeSpecificParameters": []}
    return ActionResult({"EngineDefaults": defaults})


def create_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(create_global_replication_group(self.elasticache_backend, self._get_params()), "creating")


def describe_global_replication_groups_response(self) -> ActionResult:
    params = self._get_params()
    if params.get("GlobalReplicationGroupId"):
        found = [find_global_group(self.current_account, params["GlobalReplicationGroupId"])]
    else:
        found = list(global_groups(self.current_account).values())
    if not params.get("ShowMemberInfo"):
        found = [Reported(global_group, members=None, global_node_groups=None) for global_group in found]
    return ActionResult({"GlobalReplicationGroups": found})


def modify_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(modify_global_replication_group(self.current_account, self._get_params()), "modifying")


def failover_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(failover_global_replication_group(self.current_account, self._get_params()), "modifying")


def disassociate_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(disassociate_global_replication_group(self.current_account, self._get_params()), "modifying")


def delete_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(delete_global_replication_group(self.current_account, self._get_params()), "deleting")


def increase_node_groups_in_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(change_global_node_groups(self.current_account, self._get_params(), increase=True), "modifying")


def decrease_node_groups_in_global_replication_group_response(self) -> ActionResult:
    return reported_global_group(change_global_node_groups(self.current_account, self._get_params(), increase=False), "modifying")
