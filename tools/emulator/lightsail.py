"""Amazon Lightsail instances and instance snapshots, the subset the inventory plugin and the migration use.

moto 5.2.5 has no Lightsail at all, so there is nothing of moto's to patch: this is a small backend of its own, served
by ``Lightsail``, a WSGI layer that server.py puts in front of moto's dispatcher. It answers the JSON-protocol requests
whose ``X-Amz-Target`` starts with ``Lightsail_20161128.`` and passes everything else on; behind the recorder and the
fault injector like moto, so its calls are recorded and can be faulted. ``/moto-api/reset`` forgets it with the rest.

Operations (https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_Operations.html): CreateInstances,
GetInstance, GetInstances, DeleteInstance, CreateInstanceSnapshot, GetInstanceSnapshot, GetInstanceSnapshots and
DeleteInstanceSnapshot, answered in the shapes of botocore's lightsail model. Instances and snapshots are kept per
region (from the SigV4 scope). A name that does not exist answers NotFoundException (HTTP 400, as AWS's Lightsail
errors all are); a name already taken, an unknown blueprint, bundle or zone, or a missing required field answers
InvalidInputException. Write operations answer a list of Operation records that have already Succeeded.

Not reproduced: instances are running and snapshots available at once (AWS takes about a minute), there are no
pages (every Get* answers everything at once, without nextPageToken), no key pairs, static IPs, disks, ports or
add-ons beyond what the instance record shows, and any credentials are accepted (one account, 123456789012).
"""

import ipaddress
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from .operations import credential_scope

TARGET_PREFIX = "Lightsail_20161128."
ACCOUNT = "123456789012"
NAME = re.compile(r"^\w[\w\-]*\w$")

# https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_GetBlueprints.html (a few Linux blueprints).
BLUEPRINTS = {
    "ubuntu_22_04": ("Ubuntu", "ubuntu"),
    "ubuntu_24_04": ("Ubuntu", "ubuntu"),
    "debian_12": ("Debian", "admin"),
    "amazon_linux_2023": ("Amazon Linux 2023", "ec2-user"),
}
# https://docs.aws.amazon.com/lightsail/2016-11-28/api-reference/API_GetBundles.html: cpu, RAM GB, disk GB, transfer GB.
BUNDLES = {
    "nano_3_0": (2, 0.5, 20, 1024),
    "micro_3_0": (2, 1.0, 40, 2048),
    "small_3_0": (2, 2.0, 60, 3072),
    "medium_3_0": (2, 4.0, 80, 4096),
    "large_3_0": (2, 8.0, 160, 5120),
    "xlarge_3_0": (4, 16.0, 320, 6144),
    "2xlarge_3_0": (8, 32.0, 640, 7168),
}
RUNNING = {"code": 16, "name": "running"}
# The regions Lightsail serves (botocore's RegionName enum): each has its own block of public addresses.
LIGHTSAIL_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-2",
    "ca-central-1", "ap-east-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-southeast-3",
    "ap-southeast-5", "sa-east-1",
)  # fmt: skip


class LightsailError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def body(self) -> dict:
        return {"__type": self.code, "code": self.code, "message": self.message}


def not_found(kind: str, name: str) -> LightsailError:
    return LightsailError("NotFoundException", f"The {kind} does not exist: {name}")


def invalid(message: str) -> LightsailError:
    return LightsailError("InvalidInputException", message)


class RegionState:
    """The instances and snapshots of one region, by name, and a counter for addresses."""

    def __init__(self, region: str):
        self.region = region
        self.instances: dict[str, dict] = {}
        self.snapshots: dict[str, dict] = {}
        self.created = 0


class LightsailBackend:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions: dict[str, RegionState] = {}

    def reset(self) -> None:
        with self._lock:
            self._regions.clear()

    def handle(self, region: str, operation: str, params: dict) -> dict:
        handler = getattr(self, "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower(), None)
        if handler is None or operation not in OPERATIONS:
            raise invalid(f"Operation {operation} is not supported by the emulator's Lightsail")
        with self._lock:
            state = self._regions.setdefault(region, RegionState(region))
            return handler(state, params)

    # Instances

    def _create_instances(self, state: RegionState, params: dict) -> dict:
        names = required(params, "instanceNames")
        zone = required(params, "availabilityZone")
        blueprint, bundle = required(params, "blueprintId"), required(params, "bundleId")
        if not isinstance(names, list) or not names:
            raise invalid("instanceNames must name at least one instance")
        for name in names:
            check_name(name)
        taken = sorted(name for name in names if name in state.instances)
        if taken or len(set(names)) != len(names):
            raise invalid(f"Some names are already in use: {', '.join(taken or names)}")
        if not re.fullmatch(re.escape(state.region) + r"[a-z]", zone):
            raise invalid(f"The availability zone {zone} is not in the region {state.region}")
        if blueprint not in BLUEPRINTS:
            raise invalid(f"The blueprint does not exist: {blueprint}")
        if bundle not in BUNDLES:
            raise invalid(f"The bundle does not exist: {bundle}")
        operations = []
        for name in names:
            state.created += 1
            instance = new_instance(state, name, zone, blueprint, bundle, params.get("tags") or [])
            state.instances[name] = instance
            operations.append(operation_record(state.region, name, "Instance", "CreateInstance", zone))
        return {"operations": operations}

    def _get_instance(self, state: RegionState, params: dict) -> dict:
        return {"instance": self._instance(state, required(params, "instanceName"))}

    def _get_instances(self, state: RegionState, _params: dict) -> dict:
        return {"instances": [state.instances[name] for name in sorted(state.instances)]}

    def _delete_instance(self, state: RegionState, params: dict) -> dict:
        instance = self._instance(state, required(params, "instanceName"))
        del state.instances[instance["name"]]
        return {"operations": [operation_record(state.region, instance["name"], "Instance", "DeleteInstance", instance["location"]["availabilityZone"])]}

    @staticmethod
    def _instance(state: RegionState, name: str) -> dict:
        if name not in state.instances:
            raise not_found("Instance", name)
        return state.instances[name]

    # Instance snapshots

    def _create_instance_snapshot(self, state: RegionState, params: dict) -> dict:
        name = required(params, "instanceSnapshotName")
        check_name(name)
        instance = self._instance(state, required(params, "instanceName"))
        if name in state.snapshots:
            raise invalid(f"Some names are already in use: {name}")
        disk = BUNDLES[instance["bundleId"]][2]
        state.snapshots[name] = {
            "name": name,
            "arn": f"arn:aws:lightsail:{state.region}:{ACCOUNT}:InstanceSnapshot/{uuid.uuid4()}",
            "supportCode": f"{ACCOUNT}/{instance['name']}-{name}",
            "createdAt": time.time(),
            "location": {"availabilityZone": "all", "regionName": state.region},
            "resourceType": "InstanceSnapshot",
            "tags": list(params.get("tags") or []),
            "state": "available",
            "progress": "100%",
            "fromAttachedDisks": [],
            "fromInstanceName": instance["name"],
            "fromInstanceArn": instance["arn"],
            "fromBlueprintId": instance["blueprintId"],
            "fromBundleId": instance["bundleId"],
            "isFromAutoSnapshot": False,
            "sizeInGb": disk,
        }
        return {"operations": [operation_record(state.region, name, "InstanceSnapshot", "CreateInstanceSnapshot", "all")]}

    def _get_instance_snapshot(self, state: RegionState, params: dict) -> dict:
        return {"instanceSnapshot": self._snapshot(state, required(params, "instanceSnapshotName"))}

    def _get_instance_snapshots(self, state: RegionState, _params: dict) -> dict:
        return {"instanceSnapshots": [state.snapshots[name] for name in sorted(state.snapshots)]}

    def _delete_instance_snapshot(self, state: RegionState, params: dict) -> dict:
        snapshot = self._snapshot(state, required(params, "instanceSnapshotName"))
        del state.snapshots[snapshot["name"]]
        return {"operations": [operation_record(state.region, snapshot["name"], "InstanceSnapshot", "DeleteInstanceSnapshot", "all")]}

    @staticmethod
    def _snapshot(state: RegionState, name: str) -> dict:
        if name not in state.snapshots:
            raise not_found("InstanceSnapshot", name)
        return state.snapshots[name]


OPERATIONS = (
    "CreateInstances",
    "GetInstance",
    "GetInstances",
    "DeleteInstance",
    "CreateInstanceSnapshot",
    "GetInstanceSnapshot",
    "GetInstanceSnapshots",
    "DeleteInstanceSnapshot",
)


def required(params: dict, key: str):
    value = params.get(key)
    if value in (None, "", []):
        raise invalid(f"{key} is required")
    return value


def check_name(name: str) -> None:
    if not isinstance(name, str) or not NAME.match(name) or len(name) > 255:
        raise invalid(f"The name {name!r} is not valid: use letters, numbers, underscores and hyphens, starting and ending with a letter or number")


def new_instance(state: RegionState, name: str, zone: str, blueprint: str, bundle: str, tags: list) -> dict:
    """An instance record as GetInstance answers it; addresses are derived from the region and a counter, so runs repeat."""
    cpu, ram, disk, transfer = BUNDLES[bundle]
    region_index = LIGHTSAIL_REGIONS.index(state.region) if state.region in LIGHTSAIL_REGIONS else len(LIGHTSAIL_REGIONS)
    public = ipaddress.ip_address("3.128.0.0") + region_index * 65536 + state.created
    private = ipaddress.ip_address("172.26.0.0") + state.created + 9
    created_at = time.time()
    instance_id = f"i-{uuid.uuid4().hex[:17]}"
    blueprint_name, username = BLUEPRINTS[blueprint]
    return {
        "name": name,
        "arn": f"arn:aws:lightsail:{state.region}:{ACCOUNT}:Instance/{uuid.uuid4()}",
        "supportCode": f"{ACCOUNT}/{instance_id}",
        "createdAt": created_at,
        "location": {"availabilityZone": zone, "regionName": state.region},
        "resourceType": "Instance",
        "tags": list(tags),
        "blueprintId": blueprint,
        "blueprintName": blueprint_name,
        "bundleId": bundle,
        "addOns": [],
        "isStaticIp": False,
        "privateIpAddress": str(private),
        "publicIpAddress": str(public),
        "ipv6Addresses": [],
        "ipAddressType": "ipv4",
        "hardware": {
            "cpuCount": cpu,
            "disks": [
                {
                    "createdAt": created_at,
                    "sizeInGb": disk,
                    "isSystemDisk": True,
                    "iops": 100,
                    "path": "/dev/xvda",
                    "attachedTo": name,
                    "attachmentState": "attached",
                }
            ],
            "ramSizeInGb": ram,
        },
        "networking": {
            "monthlyTransfer": {"gbPerMonthAllocated": transfer},
            "ports": [
                {
                    "fromPort": port,
                    "toPort": port,
                    "protocol": "tcp",
                    "accessFrom": "Anywhere (0.0.0.0/0)",
                    "accessType": "Public",
                    "commonName": "",
                    "accessDirection": "inbound",
                    "cidrs": ["0.0.0.0/0"],
                    "ipv6Cidrs": [],
                    "cidrListAliases": [],
                }
                for port in (22, 80)
            ],
        },
        "state": dict(RUNNING),
        "username": username,
        "sshKeyName": f"LightsailDefaultKeyPair-{state.region}",
        "metadataOptions": {
            "state": "applied",
            "httpTokens": "optional",
            "httpEndpoint": "enabled",
            "httpPutResponseHopLimit": 1,
            "httpProtocolIpv6": "disabled",
        },
    }


def operation_record(region: str, name: str, resource_type: str, operation_type: str, zone: str) -> dict:
    now = time.time()
    return {
        "id": str(uuid.uuid4()),
        "resourceName": name,
        "resourceType": resource_type,
        "createdAt": now,
        "location": {"availabilityZone": zone, "regionName": region},
        "isTerminal": True,
        "operationType": operation_type,
        "status": "Succeeded",
        "statusChangedAt": now,
    }


BACKEND = LightsailBackend()


class Lightsail:
    """WSGI layer: answers Lightsail requests from ``BACKEND``, forgets it on /moto-api/reset, passes the rest on."""

    def __init__(self, app: Callable, backend: LightsailBackend = BACKEND):
        self.app = app
        self.backend = backend

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            if environ.get("PATH_INFO", "").startswith("/moto-api/reset"):
                self.backend.reset()
            return self.app(environ, start_response)
        _service, region = credential_scope(environ)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            try:
                params = json.loads(raw or b"{}")
            except ValueError as error:
                raise invalid(f"The request body is not JSON: {error}") from error
            if not isinstance(params, dict):
                raise invalid("The request body must be a JSON object")
            status, body = "200 OK", self.backend.handle(region or "us-east-1", target[len(TARGET_PREFIX) :], params)
        except LightsailError as error:
            status, body = "400 Bad Request", error.body()
        payload = json.dumps(body).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(payload))), ("x-amzn-RequestId", str(uuid.uuid4()))]
        if status != "200 OK":
            headers.append(("x-amzn-ErrorType", body["__type"]))
        start_response(status, headers)
        return [payload]
