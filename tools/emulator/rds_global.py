"""Aurora global databases on moto's RDS models, run as AWS runs them; patches.py installs these functions on moto's classes.

moto keeps every global cluster in its us-east-1 backend (``RDSResponse.global_backend``), each with the list of its
member DBCluster objects; a member's ``is_writer`` says which one is the primary. Here the primary is also the
``ReplicationSourceIdentifier`` of every secondary, which inherits its master user; a member's ``GlobalClusterIdentifier``
is the global id.

Switchover and failover complete deterministically, one step per DescribeGlobalClusters that lists the global cluster:
the call itself answers ``FailoverState.Status`` pending, the first describe after it switching-over (or failing-over,
with data loss allowed), the next one the new primary in place, ``Status`` available and no ``FailoverState``; after a
failover that one also shows the old primary's ``SynchronizationStatus`` pending-resync, the one after connected.
The patch that adds the two operations declares the state: ``GlobalCluster.transition`` and ``resyncing``.
"""

from dataclasses import dataclass

from moto.core.responses import ActionResult
from moto.rds.exceptions import DBClusterNotFoundError, InvalidDBClusterStateFault, InvalidParameterCombination, InvalidParameterValue, RDSClientError
from moto.rds.models import DBCluster, GlobalCluster, RDSBackend, rds_backends
from moto.rds.utils import split_arn

GLOBAL_REGION = "us-east-1"
MEMBER_OF_GLOBAL_CLUSTER = "This cluster is a part of a global cluster, please remove it from globalcluster first"
# What a cluster restored from a member's snapshot or point in time keeps of the membership: nothing.
STANDALONE = {"global_cluster_identifier": None, "replication_source_identifier": None, "is_writer": False}


@dataclass
class Transition:
    """A switchover or failover under way."""

    source: DBCluster
    target: DBCluster
    data_loss: bool
    status: str = "pending"

    @property
    def activity(self) -> str:
        return "failing-over" if self.data_loss else "switching-over"

    def failover_state(self) -> dict:
        return {
            "Status": self.status,
            "FromDbClusterArn": self.source.db_cluster_arn,
            "ToDbClusterArn": self.target.db_cluster_arn,
            "IsDataLossAllowed": self.data_loss,
        }


def global_backend(account_id: str) -> RDSBackend:
    return rds_backends[account_id][GLOBAL_REGION]


def get_global_cluster(backend: RDSBackend, identifier: str) -> GlobalCluster:
    """A global cluster by identifier or ARN."""
    name = identifier.rsplit(":", 1)[-1] if identifier.startswith("arn:") else identifier
    if name not in backend.global_clusters:
        raise RDSClientError("GlobalClusterNotFoundFault", f"Global cluster {name} not found.")
    return backend.global_clusters[name]


def find_db_cluster(backend: RDSBackend, identifier: str) -> DBCluster:
    """A DB cluster by ARN, in the ARN's region, or by identifier, in the caller's region."""
    if identifier.startswith("arn:"):
        try:
            region, account_id, resource_type, identifier = split_arn(identifier)
        except ValueError as error:
            raise InvalidParameterValue(f"Invalid DB cluster ARN: {identifier}") from error
        if resource_type != "cluster":
            raise InvalidParameterValue(f"Invalid DB cluster ARN: {identifier}")
        backend = rds_backends[account_id][region]
    if identifier not in backend.clusters:
        raise DBClusterNotFoundError(identifier)
    return backend.clusters[identifier]


def global_cluster_of(cluster: DBCluster) -> GlobalCluster | None:
    """The global cluster this DB cluster is a member of, if any."""
    global_cluster = global_backend(cluster.account_id).global_clusters.get(cluster.global_cluster_identifier or "")
    return global_cluster if global_cluster is not None and cluster in global_cluster.members else None


def writer_of(global_cluster: GlobalCluster) -> DBCluster | None:
    return next((member for member in global_cluster.members if member.is_writer), None)


def ensure_idle(global_cluster: GlobalCluster) -> None:
    if global_cluster.transition is not None:
        raise RDSClientError(
            "InvalidGlobalClusterStateFault", f"Global cluster {global_cluster.global_cluster_identifier} is {global_cluster.status}, not available."
        )


def assign_writer(global_cluster: GlobalCluster, writer: DBCluster) -> None:
    """Make ``writer`` the primary; every other member replicates from it."""
    for member in global_cluster.members:
        member.is_writer = member is writer
        member.replication_source_identifier = None if member is writer else writer.db_cluster_arn


def joining_global_cluster(backend: RDSBackend, kwargs: dict) -> GlobalCluster | None:
    """The global cluster a CreateDBCluster request joins, after checking that it may; fills in the global engine version."""
    if not kwargs.get("global_cluster_identifier"):
        return None
    global_cluster = get_global_cluster(global_backend(backend.account_id), kwargs["global_cluster_identifier"])
    ensure_idle(global_cluster)
    if kwargs.get("engine") != global_cluster.engine:
        raise InvalidParameterCombination(f"The engine {kwargs.get('engine')} doesn't match the engine {global_cluster.engine} of the global cluster.")
    if writer_of(global_cluster) is None:
        if not kwargs.get("master_username"):
            raise InvalidParameterValue("The parameter MasterUsername must be provided and must not be blank.")
    elif kwargs.get("master_username"):
        raise InvalidParameterCombination("Cannot specify user name for cross region replication cluster")
    elif kwargs.get("master_user_password"):
        raise InvalidParameterCombination("Cannot specify password for cross region replication cluster")
    if not kwargs.get("engine_version"):
        kwargs["engine_version"] = global_cluster.engine_version
    return global_cluster


def join(global_cluster: GlobalCluster, cluster: DBCluster) -> None:
    """Add a member: the primary if the global cluster has none yet, else a secondary with the primary's master user."""
    cluster.global_cluster_identifier = global_cluster.global_cluster_identifier
    if cluster not in global_cluster.members:
        global_cluster.members.append(cluster)
    writer = writer_of(global_cluster) or cluster
    assign_writer(global_cluster, writer)
    if cluster is not writer:
        cluster.master_username = writer.master_username
        cluster._master_user_password = getattr(writer, "_master_user_password", None)


def leave(global_cluster: GlobalCluster, cluster: DBCluster) -> None:
    """Detach a member: it becomes a standalone, writable cluster."""
    global_cluster.members.remove(cluster)
    cluster.global_cluster_identifier = None
    cluster.replication_source_identifier = None
    cluster.is_writer = False


def begin_transition(global_cluster: GlobalCluster, target: DBCluster, data_loss: bool) -> None:
    ensure_idle(global_cluster)
    name = global_cluster.global_cluster_identifier
    if target not in global_cluster.members:
        raise InvalidDBClusterStateFault(f"DB cluster {target.db_cluster_arn} is not a member of global cluster {name}.")
    writer = writer_of(global_cluster)
    if target is writer:
        raise InvalidDBClusterStateFault(f"DB cluster {target.db_cluster_arn} is already the primary cluster of global cluster {name}.")
    global_cluster.transition = Transition(writer, target, data_loss)
    global_cluster.status = global_cluster.transition.activity


def advance_transition(global_cluster: GlobalCluster) -> None:
    """One DescribeGlobalClusters' worth of progress: pending, then switching-over or failing-over, then done.

    A failover leaves the old primary pending-resync for one more describe.
    """
    global_cluster.resyncing = None
    transition = global_cluster.transition
    if transition is None:
        return
    if transition.status == "pending":
        transition.status = transition.activity
        return
    assign_writer(global_cluster, transition.target)
    global_cluster.transition = None
    global_cluster.status = "available"
    if transition.data_loss:
        global_cluster.resyncing = transition.source


def failover_state(self: GlobalCluster) -> dict | None:
    return self.transition.failover_state() if self.transition is not None else None


def global_write_forwarding_status(self: DBCluster) -> str | None:
    """A secondary's write forwarding: enabled when asked for at creation; a primary or standalone cluster has none."""
    if self.is_writer or global_cluster_of(self) is None:
        return None
    return "enabled" if self.global_write_forwarding_requested else "disabled"


def global_cluster_members(self: GlobalCluster) -> list[dict]:
    readers = [member.db_cluster_arn for member in self.members if not member.is_writer]
    members = []
    for member in self.members:
        entry = {
            "DBClusterArn": member.db_cluster_arn,
            "IsWriter": member.is_writer,
            "Readers": readers if member.is_writer else [],
            "SynchronizationStatus": "pending-resync" if member is self.resyncing else "connected",
        }
        if not member.is_writer:
            entry["GlobalWriteForwardingStatus"] = global_write_forwarding_status(member)
        members.append(entry)
    return members


def source_cluster(backend: RDSBackend, identifier: str, engine: str | None) -> DBCluster:
    if not identifier.startswith("arn:"):
        raise InvalidParameterValue("Malformed db cluster arn dbci")
    if engine is not None:
        raise InvalidParameterCombination(
            "When creating global cluster from existing db cluster, value for engineName should not be specified since it will be inherited from source cluster"
        )
    cluster = find_db_cluster(backend, identifier)
    if global_cluster_of(cluster) is not None:
        raise InvalidDBClusterStateFault(f"DB cluster {identifier} is already a member of a global cluster.")
    return cluster


def create_global_cluster(
    self: RDSBackend,
    global_cluster_identifier: str,
    source_db_cluster_identifier: str | None = None,
    engine: str | None = None,
    engine_version: str | None = None,
    storage_encrypted: bool | None = None,
    deletion_protection: bool | None = None,
    tags: list[dict] | None = None,
) -> GlobalCluster:
    if global_cluster_identifier in self.global_clusters:
        raise RDSClientError("GlobalClusterAlreadyExistsFault", f"Global cluster {global_cluster_identifier} already exists.")
    source = source_cluster(self, source_db_cluster_identifier, engine) if source_db_cluster_identifier else None
    if source is not None:
        engine, engine_version, storage_encrypted = source.engine, source.engine_version, source.storage_encrypted
    elif engine is None:
        raise InvalidParameterValue("When creating standalone global cluster, value for engineName should be specified")
    global_cluster = GlobalCluster(self, global_cluster_identifier, engine, engine_version, storage_encrypted, deletion_protection)
    global_cluster.tags = tags
    self.global_clusters[global_cluster.global_cluster_identifier] = global_cluster
    if source is not None:
        join(global_cluster, source)
    return global_cluster


def describe_global_clusters(backend: RDSBackend, identifier: str | None, filters: list[dict]) -> list[GlobalCluster]:
    """AWS's one filter is ``region``: global clusters with a member in one of the regions."""
    global_clusters = [get_global_cluster(backend, identifier)] if identifier else list(backend.global_clusters.values())
    for condition in filters:
        if condition["Name"] != "region":
            raise InvalidParameterValue(f"Unrecognized filter name: {condition['Name']}.")
        global_clusters = [item for item in global_clusters if any(member.region in condition["Values"] for member in item.members)]
    return global_clusters


def remove_from_global_cluster(self: RDSBackend, global_cluster_identifier: str, db_cluster_identifier: str) -> GlobalCluster:
    """Detach a member, named by ARN or by identifier in the caller's region; the primary goes last."""
    global_cluster = get_global_cluster(global_backend(self.account_id), global_cluster_identifier)
    cluster = find_db_cluster(self, db_cluster_identifier)
    ensure_idle(global_cluster)
    if cluster not in global_cluster.members:
        raise DBClusterNotFoundError(
            db_cluster_identifier, f"DB cluster {cluster.db_cluster_arn} is not a member of global cluster {global_cluster_identifier}."
        )
    if cluster.is_writer and len(global_cluster.members) > 1:
        raise RDSClientError(
            "InvalidGlobalClusterStateFault",
            f"The primary cluster of global cluster {global_cluster_identifier} can't be removed while it has secondary clusters.",
        )
    leave(global_cluster, cluster)
    return global_cluster


def major_version(engine: str, version: str) -> str:
    """15 of aurora-postgresql 15.4; 8.0 of aurora-mysql 8.0.mysql_aurora.3.04.0."""
    parts = version.split(".")
    return parts[0] if engine == "aurora-postgresql" else ".".join(parts[:2])


def upgrade_engine(global_cluster: GlobalCluster, engine_version: str, allow_major_version_upgrade: bool) -> None:
    engine = global_cluster.engine
    if major_version(engine, engine_version) != major_version(engine, global_cluster.engine_version) and not allow_major_version_upgrade:
        raise InvalidParameterCombination("The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
    global_cluster.engine_version = engine_version
    for member in global_cluster.members:
        member.engine_version = engine_version


def rename(backend: RDSBackend, global_cluster: GlobalCluster, new_identifier: str) -> None:
    if new_identifier in backend.global_clusters:
        raise RDSClientError("GlobalClusterAlreadyExistsFault", f"Global cluster {new_identifier} already exists.")
    backend.global_clusters.pop(global_cluster.global_cluster_identifier)
    global_cluster.global_cluster_identifier = new_identifier
    backend.global_clusters[global_cluster.global_cluster_identifier] = global_cluster
    for member in global_cluster.members:
        member.global_cluster_identifier = global_cluster.global_cluster_identifier


def modify_global_cluster(backend: RDSBackend, params: dict) -> GlobalCluster:
    global_cluster = get_global_cluster(backend, params["GlobalClusterIdentifier"])
    ensure_idle(global_cluster)
    if params.get("EngineVersion"):
        upgrade_engine(global_cluster, params["EngineVersion"], bool(params.get("AllowMajorVersionUpgrade")))
    if params.get("NewGlobalClusterIdentifier"):
        rename(backend, global_cluster, params["NewGlobalClusterIdentifier"])
    if params.get("DeletionProtection") is not None:
        global_cluster.deletion_protection = params["DeletionProtection"]
    return global_cluster


# RDSResponse methods: ``self`` is the RDSResponse of the request.


def failover_or_switchover(self, data_loss: bool) -> ActionResult:
    global_cluster = get_global_cluster(self.global_backend, self.params["GlobalClusterIdentifier"])
    target = find_db_cluster(self.backend, self.params["TargetDbClusterIdentifier"])
    begin_transition(global_cluster, target, data_loss)
    return ActionResult({"GlobalCluster": global_cluster})


def failover_global_cluster_response(self) -> ActionResult:
    if self.params.get("AllowDataLoss") is not None and self.params.get("Switchover") is not None:
        raise InvalidParameterCombination("AllowDataLoss and Switchover can't be specified together.")
    return failover_or_switchover(self, data_loss=bool(self.params.get("AllowDataLoss")))


def switchover_global_cluster_response(self) -> ActionResult:
    return failover_or_switchover(self, data_loss=False)


def modify_global_cluster_response(self) -> ActionResult:
    return ActionResult({"GlobalCluster": modify_global_cluster(self.global_backend, self.params)})


def describe_global_clusters_response(self) -> ActionResult:
    global_clusters = describe_global_clusters(self.global_backend, self.params.get("GlobalClusterIdentifier"), self.params.get("Filters", []))
    for global_cluster in global_clusters:
        advance_transition(global_cluster)
    return ActionResult({"GlobalClusters": global_clusters})


def create_global_cluster_response(self) -> ActionResult:
    params = self.params
    global_cluster = self.global_backend.create_global_cluster(
        global_cluster_identifier=params["GlobalClusterIdentifier"],
        source_db_cluster_identifier=params.get("SourceDBClusterIdentifier"),
        engine=params.get("Engine"),
        engine_version=params.get("EngineVersion"),
        storage_encrypted=params.get("StorageEncrypted"),
        deletion_protection=params.get("DeletionProtection"),
        tags=params.get("Tags", []),
    )
    return ActionResult({"GlobalCluster": global_cluster})
