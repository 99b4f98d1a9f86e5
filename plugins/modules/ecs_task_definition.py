#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ecs_task_definition
version_added: 0.1.0
short_description: Register ECS task definitions only when something changed, tag them, prune old revisions
description:
  - Registers a revision of an ECS task definition family when the requested definition differs from the
    family's latest C(ACTIVE) revision, and only then.
  - Unlike M(community.aws.ecs_taskdefinition), which returns any older revision whose containers match,
    the requested definition is compared with the B(latest) C(ACTIVE) revision only, and B(as a whole), that is
    every field of every container, the task size (O(cpu), O(memory)), the roles, the network mode, the
    compatibilities, the runtime platform, the ephemeral storage and the volumes. A change of any of them
    registers a new revision.
  - Before the comparison, what ECS adds by itself is set aside on both sides, so that a re-run with the
    same options registers nothing. In a container, C(essential=true), C(cpu=0), C(versionConsistency=enabled),
    empty lists (C(environment), C(mountPoints), C(volumesFrom), C(systemControls), C(portMappings), ...),
    C(protocol=tcp) and a C(hostPort) equal to the C(containerPort) (in the V(awsvpc) and V(host) network
    modes; C(0) in V(bridge)) of a port mapping, and the health check defaults (C(interval=30), C(timeout=5),
    C(retries=3), C(startPeriod=0)); the order of C(environment) and C(secrets) does not count (they are
    sorted by name). Task sizes given as V(1 vCPU) or V(2 GB) are compared (and sent) as units, V(1024)
    and V(2048). At the top level the fields that ECS sets (C(revision), C(status), C(compatibilities),
    C(requiresAttributes), C(registeredAt), C(registeredBy), the ARN) are not compared, nor is the order
    of O(requires_compatibilities) and O(volumes) (by name).
  - Fields of the latest revision that this module does not manage (placement constraints, C(pidMode),
    C(ipcMode), a proxy configuration, inference accelerators, fault injection) are compared too; when the
    latest revision has any, the next run registers a revision without them.
  - Tags are per revision in ECS. When the latest revision matches, its tags are brought to O(tags) with
    C(TagResource) and C(UntagResource); a new revision gets its tags with C(RegisterTaskDefinition), namely the tags
    of the previous latest revision changed as O(tags) and O(purge_tags) say (so with O(tags) left out, a new
    revision keeps the tags of the previous one).
  - After registering a revision, O(keep_revisions) deregisters the older C(ACTIVE) ones beyond the newest
    few, but never the newest nor one still used by a service of O(in_use_by_cluster).
  - The options are checked against the ECS API model (names and types of every key of O(containers),
    O(volumes), O(runtime_platform)) before any AWS call; a number given where the API takes a string
    (for example an environment value) is sent as a string, and a string of digits where it takes a
    number as a number.
author:
  - 1001 Stories platform team (@1001stories)
options:
  family:
    description:
      - The name of the task definition family. Up to 255 letters, digits, hyphens and underscores.
    type: str
    required: true
  state:
    description:
      - V(present) registers a revision when the definition differs from the latest one.
      - V(absent) deregisters every C(ACTIVE) revision of the family, or only O(revision) when it is given.
        ECS keeps deregistered revisions (as C(INACTIVE)); tasks and services that run them go on running.
    type: str
    choices: ["present", "absent"]
    default: present
  revision:
    description:
      - With O(state=absent), deregister only this revision.
    type: int
  containers:
    description:
      - The container definitions, as the API's C(containerDefinitions) takes them, with its camelCase keys
        (C(name), C(image), C(portMappings), C(environment), C(secrets), C(logConfiguration), ...).
      - Required with O(state=present).
      - B(Values of C(environment) are shown in the diff and returned), as ECS shows them to anyone who can
        describe the task definition. Secret values belong in C(secrets), which only hold the ARN of a
        Secrets Manager secret or SSM parameter (C(valueFrom)).
    type: list
    elements: dict
    aliases: ["container_definitions"]
  cpu:
    description:
      - The task's CPU, as the API takes it, in CPU units (V(256), V(512), V(1024), ...) or vCPUs (V(1 vCPU)).
      - Required by ECS for Fargate.
    type: str
  memory:
    description:
      - The task's memory, as the API takes it, in MiB (V(512), V(2048), ...) or GB (V(2 GB)).
      - Required by ECS for Fargate.
    type: str
  network_mode:
    description:
      - The Docker networking mode of the containers. Fargate requires V(awsvpc).
    type: str
    choices: ["awsvpc", "bridge", "host", "none"]
    default: awsvpc
  requires_compatibilities:
    description:
      - The launch types the task definition is validated against.
    type: list
    elements: str
    default: ["FARGATE"]
  execution_role_arn:
    description:
      - The ARN of the role that ECS uses to pull the image, read C(secrets) and write the logs.
    type: str
  task_role_arn:
    description:
      - The ARN of the role that the containers' code uses for AWS calls.
    type: str
  runtime_platform:
    description:
      - The API's C(runtimePlatform), in camelCase, for example C(cpuArchitecture=ARM64) and C(operatingSystemFamily=LINUX).
    type: dict
  ephemeral_storage_gib:
    description:
      - The ephemeral storage of a Fargate task in GiB, V(21) to V(200). Left out, Fargate gives 20 GiB.
    type: int
  volumes:
    description:
      - The API's C(volumes), in camelCase (C(name), C(host), C(efsVolumeConfiguration), ...).
    type: list
    elements: dict
  keep_revisions:
    description:
      - After registering a revision, deregister the C(ACTIVE) revisions of the family older than the newest
        O(keep_revisions) (the one just registered included). V(0) keeps them all.
      - The newest revision and the one just registered are never deregistered, nor is any revision that a
        service of O(in_use_by_cluster) still runs (its primary, active or draining deployments and task sets).
      - Revisions are pruned only when a revision is registered; a run that registers nothing deregisters nothing.
    type: int
    default: 0
  in_use_by_cluster:
    description:
      - The name or ARN of the cluster whose services are asked which revisions they still run, so that
        O(keep_revisions) (and O(state=absent)) leave those alone. The task fails when the cluster does not exist.
    type: str
attributes:
  check_mode:
    description:
      - Can run in check mode and return the changed status, the definition that would be registered (with
        RV(revision) null) and the revisions that would be deregistered, without modifying anything.
    support: full
  diff_mode:
    description: Returns the compared (normalized) definitions before and after the task in RV(diff).
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
  - ECS numbers revisions itself and never reuses a number; a revision cannot be changed, only deregistered.
  - The comparison is with the latest C(ACTIVE) revision only. Going back to the definition of an older
    revision registers a new revision (with the same content), as a deployment needs the latest one to be it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The app's task definition (Fargate, one container), registered only when it changed
  stories1001.infra.ecs_task_definition:
    family: stories1001-production-app
    cpu: "1024"
    memory: "2048"
    execution_role_arn: arn:aws:iam::123456789012:role/stories1001-production-app-execution
    task_role_arn: arn:aws:iam::123456789012:role/stories1001-production-app-task
    runtime_platform:
      cpuArchitecture: ARM64
      operatingSystemFamily: LINUX
    ephemeral_storage_gib: 30
    containers:
      - name: app
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/stories1001-app:2024.06.1
        portMappings:
          - containerPort: 3000
        environment:
          - name: NODE_ENV
            value: production
        secrets:
          - name: DATABASE_URL
            valueFrom: arn:aws:secretsmanager:us-east-1:123456789012:secret:stories1001-production/app/database-url
        logConfiguration:
          logDriver: awslogs
          options:
            awslogs-group: /stories1001/production/app
            awslogs-region: us-east-1
            awslogs-stream-prefix: app
        healthCheck: {command: ["CMD-SHELL", "wget -qO- http://localhost:3000/health || exit 1"]}
    keep_revisions: 5
    in_use_by_cluster: stories1001-production
    tags:
      Project: stories1001
      Environment: production
      Component: app
  register: app_task

- name: Point the service at it
  ansible.builtin.debug:
    msg: "{{ app_task.family_revision }}"

- name: Deregister one revision
  stories1001.infra.ecs_task_definition:
    family: stories1001-production-app
    state: absent
    revision: 12

- name: Deregister the whole family of the staging app
  stories1001.infra.ecs_task_definition:
    family: stories1001-staging-app
    state: absent
"""

RETURN = r"""
task_definition:
  description:
    - The latest revision after the task, as C(DescribeTaskDefinition) reports it, in snake_case, with its
      tags as a dict. The keys inside C(docker_labels), C(log_configuration.options), C(driver_opts) and
      C(labels) stay as given, as do all values (for example environment names).
    - In check mode, when a revision would be registered, the definition that would be sent, with
      RV(task_definition.revision) and RV(task_definition.task_definition_arn) null.
    - Empty with O(state=absent).
  returned: always
  type: dict
  contains:
    task_definition_arn:
      description: The ARN of the revision.
      returned: with O(state=present)
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:task-definition/stories1001-production-app:7
    family:
      description: The family.
      returned: with O(state=present)
      type: str
      sample: stories1001-production-app
    revision:
      description: The revision number.
      returned: with O(state=present)
      type: int
      sample: 7
    status:
      description: V(ACTIVE).
      returned: when the revision exists
      type: str
      sample: ACTIVE
    container_definitions:
      description: The container definitions.
      returned: with O(state=present)
      type: list
      elements: dict
      sample: [{"name": "app", "image": "stories1001-app:2024.06.1", "essential": true, "port_mappings": [{"container_port": 3000}]}]
    cpu:
      description: The task's CPU units.
      returned: when set
      type: str
      sample: "1024"
    memory:
      description: The task's memory in MiB.
      returned: when set
      type: str
      sample: "2048"
    network_mode:
      description: The network mode.
      returned: with O(state=present)
      type: str
      sample: awsvpc
    tags:
      description: The tags of the revision.
      returned: with O(state=present)
      type: dict
      sample: {"Project": "stories1001"}
arn:
  description: The ARN of the latest revision; null in check mode when a revision would be registered, and with O(state=absent).
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:task-definition/stories1001-production-app:7
revision:
  description: The number of the latest revision; null in check mode when a revision would be registered, and with O(state=absent).
  returned: always
  type: int
  sample: 7
family_revision:
  description: C(family:revision) of the latest revision, as services take it; null when RV(revision) is.
  returned: always
  type: str
  sample: stories1001-production-app:7
deregistered_revisions:
  description:
    - The revisions deregistered (in check mode, that would be), as C(family:revision), newest first.
  returned: always
  type: list
  elements: str
  sample: ["stories1001-production-app:2", "stories1001-production-app:1"]
diff:
  description:
    - The compared definitions before and after the task, in the API's camelCase, with what ECS adds by
      itself left out (see the description above), and the tags. With O(state=absent), the family's
      C(ACTIVE) revisions before and after.
  returned: always
  type: dict
  contains:
    before:
      description: Before the task; empty when the family has no C(ACTIVE) revision.
      returned: always
      type: dict
    after:
      description: After the task.
      returned: always
      type: dict
"""

import copy
import re

try:
    from botocore.validate import ParamValidator
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE
from ansible.module_utils.parsing.convert_bool import BOOLEANS_TRUE

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_message
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

# ECS answers throttling with ThrottlingException, which AWSRetry does not retry by itself.
RETRY_CODES = ["ThrottlingException"]
# DescribeTaskDefinition answers a family without an ACTIVE revision (or a revision that does not exist)
# with a ClientException carrying this message.
NOT_FOUND_MESSAGE = "Unable to describe task definition"
FAMILY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# DescribeServices takes at most 10 services a call.
SERVICES_PER_CALL = 10

# The top-level fields compared: those the module manages, then those it does not (a latest revision that
# has them differs from a request, which never has them).
MANAGED_KEYS = (
    "containerDefinitions",
    "cpu",
    "memory",
    "networkMode",
    "requiresCompatibilities",
    "executionRoleArn",
    "taskRoleArn",
    "runtimePlatform",
    "ephemeralStorage",
    "volumes",
)
UNMANAGED_KEYS = (
    "placementConstraints",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "enableFaultInjection",
    "trustedExecutionConfiguration",
)
# Values that ECS reports for a field left out (documented defaults): the same as leaving it out.
TOP_LEVEL_DEFAULTS = {"enableFaultInjection": False}
CONTAINER_DEFAULTS = {"essential": True, "cpu": 0, "versionConsistency": "enabled"}
HEALTH_CHECK_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3, "startPeriod": 0}
# Maps whose keys are the user's (docker labels, log driver options, volume driver options and labels):
# not converted to snake_case in the result.
USER_KEYED_MAPS = ["dockerLabels", "options", "driverOpts", "labels"]


class AnsibleECSTaskDefinitionError(AnsibleAWSError):
    pass


class TaskDefinitionErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSTaskDefinitionError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_message(NOT_FOUND_MESSAGE)


# --- input (pure) -------------------------------------------------------------------------------


def coerce(value, shape):
    """The value with scalars converted to the types of the API model's shape where that is lossless:
    a number or a boolean where a string is expected becomes a string ("8080", "true"), a string of digits
    where an integer is expected an int, "true"/"false" where a boolean is expected a bool. Anything else is
    left for the model's validation to report."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {key: coerce(item, shape.members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {str(key): coerce(item, shape.value) for key, item in value.items()}
    if kind == "string" and not isinstance(value, str):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
    if kind in ("integer", "long") and isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if kind == "boolean" and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in BOOLEANS_TRUE:
            return True
        if lowered in BOOLEANS_FALSE:
            return False
    return value


def cpu_units(value):
    """The task CPU as ECS reports it: "1 vCPU" -> "1024", "0.25 vcpu" -> "256"; units are kept as given."""
    if value is None:
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*vcpus?", text, re.IGNORECASE)
    return str(int(round(float(match.group(1)) * 1024))) if match else text


def memory_mib(value):
    """The task memory as ECS reports it: "2 GB" -> "2048", "0.5GB" -> "512"; MiB are kept as given."""
    if value is None:
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*gb", text, re.IGNORECASE)
    return str(int(round(float(match.group(1)) * 1024))) if match else text


def build_request(params, service_model):
    """The RegisterTaskDefinition arguments (without the tags) for the options, coerced to the model's types."""
    request = dict(
        family=params["family"],
        containerDefinitions=copy.deepcopy(params["containers"] or []),
        networkMode=params["network_mode"],
        requiresCompatibilities=list(params["requires_compatibilities"] or []),
    )
    for option, key in (
        ("execution_role_arn", "executionRoleArn"),
        ("task_role_arn", "taskRoleArn"),
        ("runtime_platform", "runtimePlatform"),
        ("volumes", "volumes"),
    ):
        if params.get(option) is not None:
            request[key] = copy.deepcopy(params[option])
    if params.get("cpu") is not None:
        request["cpu"] = cpu_units(params["cpu"])
    if params.get("memory") is not None:
        request["memory"] = memory_mib(params["memory"])
    if params.get("ephemeral_storage_gib") is not None:
        request["ephemeralStorage"] = {"sizeInGiB": params["ephemeral_storage_gib"]}
    return coerce(request, service_model.operation_model("RegisterTaskDefinition").input_shape)


def request_errors(request, service_model):
    """What the API model says is wrong with the request (unknown keys, wrong types, missing required keys), or ''."""
    report = ParamValidator().validate(request, service_model.operation_model("RegisterTaskDefinition").input_shape)
    return report.generate_report() if report.has_errors() else ""


def validation_errors(params):
    errors = []
    if not FAMILY_PATTERN.match(params["family"] or ""):
        errors.append(f"family {params['family']!r} must be 1 to 255 letters, digits, hyphens and underscores")
    if params["state"] == "present" and not params.get("containers"):
        errors.append("containers is required (and must not be empty) with state present")
    if params.get("keep_revisions") is not None and params["keep_revisions"] < 0:
        errors.append(f"keep_revisions must be 0 (keep all) or more, not {params['keep_revisions']}")
    if params.get("revision") is not None and params["state"] != "absent":
        errors.append("revision is used only with state absent")
    for index, container in enumerate(params.get("containers") or []):
        for key in ("name", "image"):
            if not container.get(key):
                errors.append(f"containers[{index}] has no {key}")
    return errors


# --- comparison (pure) --------------------------------------------------------------------------


def prune(value):
    """The value without None, empty lists and empty dicts inside dicts (ECS leaves some out and adds some)."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item = prune(item)
            if item is None or item == [] or item == {}:
                continue
            result[key] = item
        return result
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def without_defaults(entry, defaults):
    return {key: value for key, value in entry.items() if not (key in defaults and value == defaults[key])}


def normalize_port_mapping(mapping, network_mode):
    mapping = without_defaults(mapping, {"protocol": "tcp"})
    host_port = mapping.get("hostPort")
    if network_mode in ("awsvpc", "host") and host_port is not None and host_port == mapping.get("containerPort"):
        del mapping["hostPort"]
    elif network_mode == "bridge" and host_port == 0:
        del mapping["hostPort"]
    return mapping


def normalize_container(container, network_mode):
    """A container definition without what ECS adds by itself, environment and secrets sorted by name."""
    container = without_defaults(prune(container), CONTAINER_DEFAULTS)
    for key in ("environment", "secrets"):
        if key in container:
            container[key] = sorted(container[key], key=lambda item: (str(item.get("name")), str(item)))
    if "portMappings" in container:
        container["portMappings"] = [normalize_port_mapping(item, network_mode) for item in container["portMappings"]]
    if "healthCheck" in container:
        container["healthCheck"] = without_defaults(container["healthCheck"], HEALTH_CHECK_DEFAULTS)
    return container


def normalize_volume(volume):
    volume = prune(volume)
    volume = without_defaults(volume, {"configuredAtLaunch": False})
    efs = volume.get("efsVolumeConfiguration")
    if efs:
        volume["efsVolumeConfiguration"] = without_defaults(efs, {"rootDirectory": "/", "transitEncryption": "DISABLED"})
    return volume


def normalize(definition):
    """The part of a task definition (request or DescribeTaskDefinition's taskDefinition, camelCase) that is
    compared, with what ECS adds or reorders by itself taken out. {} for None."""
    if not definition:
        return {}
    network_mode = definition.get("networkMode")
    result = {}
    for key in MANAGED_KEYS + UNMANAGED_KEYS:
        value = prune({key: definition.get(key)}).get(key)
        if value is None or (key in TOP_LEVEL_DEFAULTS and value == TOP_LEVEL_DEFAULTS[key]):
            continue
        result[key] = value
    if "cpu" in result:
        result["cpu"] = cpu_units(result["cpu"])
    if "memory" in result:
        result["memory"] = memory_mib(result["memory"])
    if "requiresCompatibilities" in result:
        result["requiresCompatibilities"] = sorted(result["requiresCompatibilities"])
    if "containerDefinitions" in result:
        result["containerDefinitions"] = [normalize_container(item, network_mode) for item in result["containerDefinitions"]]
    if "volumes" in result:
        result["volumes"] = sorted((normalize_volume(item) for item in result["volumes"]), key=lambda item: str(item.get("name")))
    return result


def differences(current, wanted):
    """The top-level keys whose normalized values differ, sorted."""
    return sorted(key for key in set(current) | set(wanted) if current.get(key) != wanted.get(key))


# --- results (pure) -----------------------------------------------------------------------------


def tags_from_aws(tag_list):
    return boto3_tag_list_to_ansible_dict(tag_list or [], tag_name_key_name="key", tag_value_key_name="value")


def tags_to_aws(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, tag_name_key_name="key", tag_value_key_name="value")


def snake_key(key):
    return next(iter(camel_dict_to_snake_dict({key: None})))


def to_snake(value):
    """camel_dict_to_snake_dict at every depth, but the maps of USER_KEYED_MAPS keep their keys (its own
    ignore_list only works at the top level)."""
    if isinstance(value, dict):
        return {
            snake_key(key): (copy.deepcopy(item) if key in USER_KEYED_MAPS and isinstance(item, dict) else to_snake(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [to_snake(item) for item in value]
    return value


def snake(definition, tags):
    """A task definition as the module returns it (see RETURN)."""
    if not definition:
        return {}
    result = to_snake(normalize_boto3_result(definition))
    result["tags"] = dict(tags or {})
    return result


def family_revision(family, revision):
    return f"{family}:{revision}" if revision is not None else None


def revision_of(arn):
    """The revision number of a task definition ARN or family:revision."""
    return int(arn.rsplit(":", 1)[-1])


def task_definition_key(value):
    """family:revision of a task definition given as an ARN or as family:revision."""
    value = value or ""
    if value.startswith("arn:"):
        value = value.split(":task-definition/", 1)[-1]
    return value


def revisions_to_prune(active, keep, protected):
    """The revisions (ints, of the ACTIVE ones) beyond the newest `keep` that are not protected, newest first.
    The newest is never among them."""
    ordered = sorted(set(active), reverse=True)
    return [revision for revision in ordered[max(keep, 1):] if revision not in protected]


# --- API calls ----------------------------------------------------------------------------------


@TaskDefinitionErrorHandler.list_error_handler("describe task definition", (None, {}))
def describe_latest(client, family):
    """The family's latest ACTIVE revision and its tags, or (None, {})."""
    answer = client.describe_task_definition(taskDefinition=family, include=["TAGS"], aws_retry=True)
    definition = answer.get("taskDefinition")
    if not definition or definition.get("status", "ACTIVE") != "ACTIVE":
        # AWS describes the latest ACTIVE revision of a family; an INACTIVE answer means there is none.
        return None, {}
    return definition, tags_from_aws(answer.get("tags"))


@TaskDefinitionErrorHandler.common_error_handler("list task definitions")
def list_active_revisions(client, family):
    """The revision numbers of the family's ACTIVE revisions, newest first."""
    # Paged by hand so that every page is retried on throttling (get_paginator is not wrapped).
    revisions = []
    request = dict(familyPrefix=family, status="ACTIVE", sort="DESC")
    while True:
        page = client.list_task_definitions(aws_retry=True, **request)
        for arn in page.get("taskDefinitionArns") or []:
            key = task_definition_key(arn)
            if key.rsplit(":", 1)[0] == family:
                revisions.append(revision_of(key))
        if not page.get("nextToken"):
            return sorted(set(revisions), reverse=True)
        request["nextToken"] = page["nextToken"]


@TaskDefinitionErrorHandler.common_error_handler("register task definition")
def register(client, request):
    answer = client.register_task_definition(aws_retry=True, **request)
    return answer["taskDefinition"], tags_from_aws(answer.get("tags"))


@TaskDefinitionErrorHandler.common_error_handler("deregister task definition")
def deregister(client, family, revision):
    client.deregister_task_definition(taskDefinition=family_revision(family, revision), aws_retry=True)


@TaskDefinitionErrorHandler.common_error_handler("tag task definition")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    if tag_keys_to_unset:
        client.untag_resource(resourceArn=arn, tagKeys=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.tag_resource(resourceArn=arn, tags=tags_to_aws(tags_to_set), aws_retry=True)


@TaskDefinitionErrorHandler.common_error_handler("list the services of the cluster")
def revisions_in_use(client, cluster, family):
    """The revisions of the family that the services of the cluster run: the service's task definition, those
    of its deployments (primary, active, draining) and of its task sets (blue/green with CodeDeploy)."""
    names = []
    request = dict(cluster=cluster)
    while True:
        try:
            page = client.list_services(aws_retry=True, **request)
        except is_boto3_error_code("ClusterNotFoundException") as e:
            raise AnsibleECSTaskDefinitionError(
                message=f"Cluster {cluster} (in_use_by_cluster) does not exist, so the revisions its services run are not known",
                exception=e,
            ) from e
        names.extend(page.get("serviceArns") or [])
        if not page.get("nextToken"):
            break
        request["nextToken"] = page["nextToken"]
    in_use = set()
    for start in range(0, len(names), SERVICES_PER_CALL):
        answer = client.describe_services(cluster=cluster, services=names[start:start + SERVICES_PER_CALL], aws_retry=True)
        for service in answer.get("services") or []:
            used = [service.get("taskDefinition")]
            used.extend(item.get("taskDefinition") for item in service.get("deployments") or [])
            used.extend(item.get("taskDefinition") for item in service.get("taskSets") or [])
            for value in used:
                key = task_definition_key(value)
                if ":" in key and key.rsplit(":", 1)[0] == family:
                    in_use.add(revision_of(key))
    return in_use


# --- the states ---------------------------------------------------------------------------------


def protected_revisions(client, module):
    cluster = module.params.get("in_use_by_cluster")
    if not cluster:
        return set()
    return revisions_in_use(client, cluster, module.params["family"])


def prune_revisions(client, module, newest):
    """Deregister what keep_revisions says (in check mode, only list it). newest is the revision just
    registered, or None in check mode (where one would be registered). Returns the revisions, newest first."""
    params = module.params
    keep = params["keep_revisions"]
    if not keep:
        return []
    family = params["family"]
    active = set(list_active_revisions(client, family))
    if newest is None:
        # Check mode: the revision that would be registered is the newest and one of those kept.
        newest = max(active, default=0) + 1
    candidates = revisions_to_prune(active | {newest}, keep, protected_revisions(client, module) | {newest})
    if not module.check_mode:
        for revision in candidates:
            deregister(client, family, revision)
    return candidates


def ensure_present(client, module, service_model, current, current_tags):
    """Returns (changed, task definition as returned, after for the diff, deregistered revisions)."""
    params = module.params
    request = build_request(params, service_model)
    wanted = normalize(request)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(current_tags if current else {}, params["tags"], params["purge_tags"])

    if current and normalize(current) == wanted:
        if tags_to_set or tag_keys_to_unset:
            if not module.check_mode:
                update_tags(client, current["taskDefinitionArn"], tags_to_set, tag_keys_to_unset)
            return True, snake(current, tags), dict(wanted, tags=tags), []
        return False, snake(current, current_tags), dict(wanted, tags=tags), []

    # A new revision gets the tags; AWS sets the aws: ones itself and refuses them in a request.
    tags = without_reserved_tags(tags)
    if module.check_mode:
        predicted = snake(request, tags)
        predicted.update(revision=None, task_definition_arn=None)
        return True, predicted, dict(wanted, tags=tags), prune_revisions(client, module, None)

    if tags:
        request["tags"] = tags_to_aws(tags)
    registered, registered_tags = register(client, request)
    deregistered = prune_revisions(client, module, registered["revision"])
    return True, snake(registered, registered_tags), dict(wanted, tags=tags), deregistered


def ensure_absent(client, module):
    """Returns (changed, before, after, deregistered revisions)."""
    params = module.params
    family = params["family"]
    active = list_active_revisions(client, family)
    targets = [params["revision"]] if params.get("revision") is not None else list(active)
    targets = [revision for revision in targets if revision in active]
    protected = protected_revisions(client, module) if targets else set()
    for revision in targets:
        if revision in protected:
            module.warn(
                f"{family_revision(family, revision)} is still run by a service of cluster {params['in_use_by_cluster']} and is not deregistered"
            )
    targets = [revision for revision in targets if revision not in protected]
    if not module.check_mode:
        for revision in targets:
            deregister(client, family, revision)
    before = {"family": family, "activeRevisions": active} if active else {}
    remaining = [revision for revision in active if revision not in targets]
    after = {"family": family, "activeRevisions": remaining} if remaining else {}
    return bool(targets), before, after, targets


# --- main ---------------------------------------------------------------------------------------


def main():
    argument_spec = dict(
        family=dict(required=True),
        state=dict(choices=["present", "absent"], default="present"),
        revision=dict(type="int"),
        containers=dict(type="list", elements="dict", aliases=["container_definitions"]),
        cpu=dict(),
        memory=dict(),
        network_mode=dict(choices=["awsvpc", "bridge", "host", "none"], default="awsvpc"),
        requires_compatibilities=dict(type="list", elements="str", default=["FARGATE"]),
        execution_role_arn=dict(),
        task_role_arn=dict(),
        runtime_platform=dict(type="dict"),
        ephemeral_storage_gib=dict(type="int"),
        volumes=dict(type="list", elements="dict"),
        keep_revisions=dict(type="int", default=0),
        in_use_by_cluster=dict(),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    service_model = client.meta.service_model
    family = params["family"]
    if params["state"] == "present":
        problems = request_errors(build_request(params, service_model), service_model)
        if problems:
            module.fail_json(msg=f"The task definition of {family} does not fit the ECS API: {problems}")

    try:
        if params["state"] == "absent":
            changed, before, after, deregistered = ensure_absent(client, module)
            module.exit_json(
                changed=changed,
                task_definition={},
                arn=None,
                revision=None,
                family_revision=None,
                deregistered_revisions=[family_revision(family, revision) for revision in deregistered],
                diff=dict(before=before, after=after),
            )
        current, current_tags = describe_latest(client, family)
        before = dict(normalize(current), tags=current_tags) if current else {}
        changed, definition, after, deregistered = ensure_present(client, module, service_model, current, current_tags)
    except AnsibleECSTaskDefinitionError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message)
        module.fail_json(msg=e.message)

    revision = definition.get("revision")
    module.exit_json(
        changed=changed,
        task_definition=definition,
        arn=definition.get("task_definition_arn"),
        revision=revision,
        family_revision=family_revision(family, revision),
        deregistered_revisions=[family_revision(family, item) for item in deregistered],
        diff=dict(before=before, after=after),
    )


if __name__ == "__main__":
    main()
