#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: synthetics_canary
version_added: 0.1.0
short_description: Manage CloudWatch Synthetics canaries with a Node.js script
description:
  - Create, update, start, stop, tag and delete a CloudWatch Synthetics canary whose Node.js script is given as text.
  - The module zips the script in memory, always to the same bytes, as C(nodejs/node_modules/<file>.js) (the file named by
    O(handler)) and sends it as C(Code.ZipFile). AWS does not return a canary's code, so the module records the SHA-256 of the
    script in the tag C(stories1001:code-sha256) and sends new code only when that differs. When O(run_config.environment_variables)
    is given, which AWS does not return either, their SHA-256 is kept in the tag C(stories1001:environment-sha256) the same way.
  - The canary is read first and C(UpdateCanary) is called only with what differs. Tags are changed with C(TagResource) and
    C(UntagResource), as C(UpdateCanary) cannot change them.
  - Creating, updating, starting and stopping are asynchronous in AWS. The module waits (polling C(GetCanary) with a botocore waiter,
    for at most O(wait_timeout) seconds) until the canary is C(READY), C(RUNNING) or C(STOPPED), and fails with AWS's reason when it ends
    in C(ERROR).
  - Every option is checked before any AWS call (name, schedule expression, retention, timeout against the schedule, memory, handler,
    S3 location, environment variable names, encryption).
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The canary name, 1 to 255 lowercase letters, digits, hyphens and underscores (the C(CanaryName) constraints of the
        CloudWatch Synthetics API).
    type: str
    required: true
  state:
    description: Whether the canary should exist. A running canary is stopped before it is deleted, as AWS requires.
    type: str
    choices: ["present", "absent"]
    default: present
  script:
    description:
      - The Node.js source of the canary. Required with O(state=present).
    type: str
  handler:
    description:
      - The entry point, C(file.function) or C(folder/file.function); the script is stored as C(nodejs/node_modules/file.js)
        (or C(nodejs/node_modules/folder/file.js)).
    type: str
    default: index.handler
  runtime_version:
    description:
      - The Synthetics runtime, a Node.js one (C(syn-nodejs-puppeteer-*) or C(syn-nodejs-playwright-*)).
    type: str
    default: syn-nodejs-puppeteer-11.0
  execution_role_arn:
    description:
      - The IAM role the canary runs as; it must trust C(lambda.amazonaws.com). Required with O(state=present).
    type: str
  artifact_s3_location:
    description:
      - Where the runs' artifacts go, C(s3://bucket) or C(s3://bucket/prefix); the bucket name cannot contain a period.
        Required with O(state=present). Compared without a trailing slash.
    type: str
  schedule_expression:
    description:
      - How often the canary runs, V(rate(N minute)), V(rate(N minutes)) (1 to 60), V(rate(1 hour)), V(rate(0 minute)) (once, when
        started) or V(cron(...)) with six fields.
    type: str
    default: rate(5 minutes)
  success_retention_period_in_days:
    description: Days to keep the data of successful runs, 1 to 455.
    type: int
    default: 31
  failure_retention_period_in_days:
    description: Days to keep the data of failed runs, 1 to 455.
    type: int
    default: 31
  run_config:
    description: The settings of each run. Only the keys given are compared.
    type: dict
    suboptions:
      timeout_in_seconds:
        description: How long a run may last, 3 to 840 seconds, and no longer than the schedule's period.
        type: int
      memory_in_mb:
        description: Memory of a run, 960 to 3008 MB, a multiple of 64.
        type: int
      active_tracing:
        description: Whether runs are traced with AWS X-Ray.
        type: bool
      environment_variables:
        description:
          - Environment variables of the runs (names of letters, digits and underscores, starting with a letter). AWS does not return
            them; their SHA-256 is kept in the tag C(stories1001:environment-sha256) to tell whether they changed.
        type: dict
  vpc_config:
    description:
      - To run the canary in a VPC. V({}) (no subnets) takes it out of the VPC; when not given, the VPC settings are left as they are.
    type: dict
    suboptions:
      subnet_ids:
        description: The subnets.
        type: list
        elements: str
        default: []
      security_group_ids:
        description: The security groups.
        type: list
        elements: str
        default: []
  artifact_config:
    description: Encryption of the artifacts in S3. When not given, it is left as it is.
    type: dict
    suboptions:
      encryption_mode:
        description: V(SSE_S3) or V(SSE_KMS).
        type: str
        choices: ["SSE_S3", "SSE_KMS"]
        required: true
      kms_key_arn:
        description: The KMS key, required with V(SSE_KMS) and not allowed with V(SSE_S3).
        type: str
  running:
    description:
      - V(true) starts the canary when it is not running, V(false) stops it when it is. When not given, it is left as it is.
    type: bool
  wait_timeout:
    description: How many seconds to wait for the canary to reach the state asked for.
    type: int
    default: 300
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the canary that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the canary before and after the change in RV(diff).
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
  - The tags C(stories1001:code-sha256) and C(stories1001:environment-sha256) belong to the module; O(purge_tags) never removes them.
  - The script is stored as given; the module does not check that it is valid JavaScript.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check the app's health endpoint every 5 minutes
  stories1001.infra.synthetics_canary:
    name: stories-api-health
    script: "{{ lookup('ansible.builtin.template', 'canary_health.js.j2') }}"
    execution_role_arn: arn:aws:iam::123456789012:role/stories1001-canary
    artifact_s3_location: s3://stories1001-canary-artifacts/api-health
    schedule_expression: rate(5 minutes)
    run_config:
      timeout_in_seconds: 60
      active_tracing: true
      environment_variables:
        HEALTH_URL: https://app.1001stories.org/api/health
    artifact_config:
      encryption_mode: SSE_KMS
      kms_key_arn: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    running: true
    tags:
      Project: stories1001

- name: Stop it
  stories1001.infra.synthetics_canary:
    name: stories-api-health
    script: "{{ lookup('ansible.builtin.template', 'canary_health.js.j2') }}"
    execution_role_arn: arn:aws:iam::123456789012:role/stories1001-canary
    artifact_s3_location: s3://stories1001-canary-artifacts/api-health
    running: false

- name: Delete it (stopped first when running)
  stories1001.infra.synthetics_canary:
    name: stories-api-health
    state: absent
"""

RETURN = r"""
canary:
  description: The canary as it is (or, in check mode, would be) after the task; empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: The name.
      returned: when the canary exists
      type: str
      sample: stories-api-health
    id:
      description: The id AWS gave the canary.
      returned: when the canary exists and is not only predicted
      type: str
    state:
      description: C(Status.State), such as V(READY), V(RUNNING) or V(STOPPED).
      returned: when the canary exists
      type: str
      sample: RUNNING
    handler:
      description: The entry point.
      returned: when the canary exists
      type: str
      sample: index.handler
    code_sha256:
      description: The SHA-256 of the script, from the tag C(stories1001:code-sha256).
      returned: when the canary exists
      type: str
    runtime_version:
      description: The runtime.
      returned: when the canary exists
      type: str
      sample: syn-nodejs-puppeteer-11.0
    execution_role_arn:
      description: The role the canary runs as.
      returned: when the canary exists
      type: str
    artifact_s3_location:
      description: Where the artifacts go.
      returned: when the canary exists
      type: str
    schedule_expression:
      description: The schedule.
      returned: when the canary exists
      type: str
      sample: rate(5 minutes)
    success_retention_period_in_days:
      description: Days the data of successful runs is kept.
      returned: when the canary exists
      type: int
    failure_retention_period_in_days:
      description: Days the data of failed runs is kept.
      returned: when the canary exists
      type: int
    run_config:
      description: C(timeout_in_seconds), C(memory_in_mb) and C(active_tracing) as AWS reports them.
      returned: when the canary exists
      type: dict
    vpc_config:
      description: C(subnet_ids) and C(security_group_ids) (empty lists outside a VPC).
      returned: when the canary exists
      type: dict
    artifact_config:
      description: C(encryption_mode) and C(kms_key_arn) when set.
      returned: when the canary exists
      type: dict
    tags:
      description: The tags, the module's own included.
      returned: when the canary exists
      type: dict
diff:
  description: The canary before and after the task, each in the form of RV(canary).
  returned: always
  type: dict
  contains:
    before:
      description: The canary before the task.
      returned: always
      type: dict
    after:
      description: The canary after the task.
      returned: always
      type: dict
"""

import hashlib
import io
import json
import re
import zipfile

try:
    import botocore.waiter
    from botocore.exceptions import BotoCoreError
    from botocore.exceptions import ClientError
    from botocore.exceptions import WaiterError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags

CODE_TAG = "stories1001:code-sha256"
ENVIRONMENT_TAG = "stories1001:environment-sha256"
NAME = re.compile(r"^[0-9a-z_\-]{1,255}$")
HANDLER = re.compile(r"^(?P<file>([0-9a-zA-Z_-]+/)*[0-9A-Za-z_-]+)\.(?P<function>[A-Za-z_][A-Za-z0-9_]*)$")
RATE = re.compile(r"^rate\((?P<value>\d+) (?P<unit>minute|minutes|hour|hours)\)$")
CRON = re.compile(r"^cron\(\S+( \S+){5}\)$")
ENVIRONMENT_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
S3_LOCATION = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])(/.*)?$")
RETENTION = (1, 455)
TIMEOUT = (3, 840)
MEMORY = (960, 3008)
# Seconds between two GetCanary polls; the tests set it to 0.
WAIT_DELAY = 5
BUSY_STATES = ("CREATING", "UPDATING", "STARTING", "STOPPING", "DELETING")


class CanaryError(Exception):
    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message, self.exception = message, exception


# --- pure functions -------------------------------------------------------------------------------------


def schedule_seconds(expression):
    """The period of a rate() expression in seconds (0 for run-once), None for a cron() one."""
    match = RATE.match(expression)
    if not match:
        return None
    return int(match.group("value")) * (3600 if match.group("unit").startswith("hour") else 60)


def schedule_errors(expression):
    match = RATE.match(expression)
    if match:
        value, unit = int(match.group("value")), match.group("unit")
        if unit.startswith("hour") and value != 1 or unit.startswith("minute") and value > 60:
            return [f"schedule_expression {expression!r}: the rate must be between rate(1 minute) and rate(1 hour), or rate(0 minute)"]
        return []
    if CRON.match(expression):
        return []
    return [f"schedule_expression {expression!r} is neither rate(N minutes), rate(1 hour) nor cron(...) with six fields"]


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    if not NAME.match(params["name"] or ""):
        errors.append(f"name {params['name']!r} must be 1 to 255 lowercase letters, digits, hyphens and underscores")
    if params["state"] == "absent":
        return errors
    for key in ("script", "execution_role_arn", "artifact_s3_location"):
        if not params.get(key):
            errors.append(f"{key} is required with state present")
    if not HANDLER.match(params["handler"] or ""):
        errors.append(f"handler {params['handler']!r} must be file.function or folder/file.function")
    if not (params["runtime_version"] or "").startswith("syn-nodejs-"):
        errors.append(f"runtime_version {params['runtime_version']!r} is not a Node.js runtime (syn-nodejs-puppeteer-* or syn-nodejs-playwright-*)")
    location = params.get("artifact_s3_location")
    if location and not S3_LOCATION.match(location):
        errors.append(f"artifact_s3_location {location!r} must be s3://bucket or s3://bucket/prefix, with a bucket name without periods")
    errors.extend(schedule_errors(params["schedule_expression"]))
    for key in ("success_retention_period_in_days", "failure_retention_period_in_days"):
        if not RETENTION[0] <= params[key] <= RETENTION[1]:
            errors.append(f"{key} must be between {RETENTION[0]} and {RETENTION[1]}")
    run_config = params.get("run_config") or {}
    timeout, memory = run_config.get("timeout_in_seconds"), run_config.get("memory_in_mb")
    if timeout is not None:
        period = schedule_seconds(params["schedule_expression"])
        if not TIMEOUT[0] <= timeout <= TIMEOUT[1]:
            errors.append(f"run_config.timeout_in_seconds must be between {TIMEOUT[0]} and {TIMEOUT[1]}")
        elif period and timeout > period:
            errors.append(f"run_config.timeout_in_seconds ({timeout}) cannot be longer than the schedule's period ({period} s)")
    if memory is not None and (not MEMORY[0] <= memory <= MEMORY[1] or memory % 64):
        errors.append(f"run_config.memory_in_mb must be a multiple of 64 between {MEMORY[0]} and {MEMORY[1]}")
    for key in run_config.get("environment_variables") or {}:
        if not ENVIRONMENT_NAME.match(key):
            errors.append(f"run_config.environment_variables: {key!r} must start with a letter and hold only letters, digits and underscores")
    artifact = params.get("artifact_config")
    if artifact:
        if artifact["encryption_mode"] == "SSE_KMS" and not artifact.get("kms_key_arn"):
            errors.append("artifact_config.kms_key_arn is required with encryption_mode SSE_KMS")
        if artifact["encryption_mode"] == "SSE_S3" and artifact.get("kms_key_arn"):
            errors.append("artifact_config.kms_key_arn is not allowed with encryption_mode SSE_S3")
    return errors


def script_path(handler):
    """nodejs/node_modules/<file>.js for handler <file>.<function>."""
    return f"nodejs/node_modules/{HANDLER.match(handler).group('file')}.js"


def zipped(script, handler):
    """The script in a zip file, always the same bytes for the same script and handler."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo(script_path(handler), date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = 0o644 << 16
        entry.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(entry, script.encode("utf-8"))
    return buffer.getvalue()


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def environment_sha256(variables):
    return sha256(json.dumps(variables, sort_keys=True, separators=(",", ":")))


def canary_view(canary, tags):
    """The canary as the module returns and compares it."""
    if not canary:
        return {}
    run_config = canary.get("RunConfig") or {}
    vpc = canary.get("VpcConfig") or {}
    encryption = (canary.get("ArtifactConfig") or {}).get("S3Encryption") or {}
    view = {
        "name": canary["Name"],
        "id": canary.get("Id"),
        "state": (canary.get("Status") or {}).get("State"),
        "handler": (canary.get("Code") or {}).get("Handler"),
        "code_sha256": tags.get(CODE_TAG),
        "runtime_version": canary.get("RuntimeVersion"),
        "execution_role_arn": canary.get("ExecutionRoleArn"),
        "artifact_s3_location": (canary.get("ArtifactS3Location") or "").rstrip("/"),
        "schedule_expression": (canary.get("Schedule") or {}).get("Expression"),
        "success_retention_period_in_days": canary.get("SuccessRetentionPeriodInDays"),
        "failure_retention_period_in_days": canary.get("FailureRetentionPeriodInDays"),
        "run_config": {
            key: run_config[aws_key]
            for key, aws_key in (("timeout_in_seconds", "TimeoutInSeconds"), ("memory_in_mb", "MemoryInMB"), ("active_tracing", "ActiveTracing"))
            if aws_key in run_config
        },
        "vpc_config": {"subnet_ids": sorted(vpc.get("SubnetIds") or []), "security_group_ids": sorted(vpc.get("SecurityGroupIds") or [])},
        "artifact_config": {},
        "tags": tags,
    }
    if encryption.get("EncryptionMode"):
        view["artifact_config"]["encryption_mode"] = encryption["EncryptionMode"]
    if encryption.get("KmsKeyArn"):
        view["artifact_config"]["kms_key_arn"] = encryption["KmsKeyArn"]
    return view


def wanted_view(params):
    """The fields of canary_view the options set (those left alone are not in it)."""
    run_config = {key: value for key, value in (params.get("run_config") or {}).items() if value is not None and key != "environment_variables"}
    wanted = {
        "handler": params["handler"],
        "code_sha256": sha256(params["script"]),
        "runtime_version": params["runtime_version"],
        "execution_role_arn": params["execution_role_arn"],
        "artifact_s3_location": params["artifact_s3_location"].rstrip("/"),
        "schedule_expression": params["schedule_expression"],
        "success_retention_period_in_days": params["success_retention_period_in_days"],
        "failure_retention_period_in_days": params["failure_retention_period_in_days"],
        "run_config": run_config,
    }
    if params.get("vpc_config") is not None:
        vpc = params["vpc_config"]
        wanted["vpc_config"] = {"subnet_ids": sorted(vpc.get("subnet_ids") or []), "security_group_ids": sorted(vpc.get("security_group_ids") or [])}
    if params.get("artifact_config"):
        wanted["artifact_config"] = {key: value for key, value in params["artifact_config"].items() if value is not None}
    return wanted


def wanted_tags(params):
    """(tags to have, purge): the requested tags plus the module's own; None leaves the user tags alone."""
    own = {CODE_TAG: sha256(params["script"])}
    environment = (params.get("run_config") or {}).get("environment_variables")
    if environment is not None:
        own[ENVIRONMENT_TAG] = environment_sha256(environment)
    if params.get("tags") is None:
        return own, False
    return dict(params["tags"], **own), params["purge_tags"]


def differences(current, wanted):
    """The keys of wanted whose value differs in current; run_config compares only the keys asked for."""
    changed = []
    for key, value in wanted.items():
        if key == "run_config":
            if any(current.get("run_config", {}).get(item) != setting for item, setting in value.items()):
                changed.append(key)
        elif current.get(key) != value:
            changed.append(key)
    return changed


def run_config_request(params):
    run_config = params.get("run_config") or {}
    names = (("timeout_in_seconds", "TimeoutInSeconds"), ("memory_in_mb", "MemoryInMB"), ("active_tracing", "ActiveTracing"))
    request = {aws_key: run_config[key] for key, aws_key in names if run_config.get(key) is not None}
    if run_config.get("environment_variables") is not None:
        request["EnvironmentVariables"] = {key: str(value) for key, value in run_config["environment_variables"].items()}
    return request


def request_fields(params, changed):
    """The CreateCanary/UpdateCanary fields for the changed keys of wanted_view."""
    request = {}
    if "code_sha256" in changed or "handler" in changed:
        request["Code"] = {"ZipFile": zipped(params["script"], params["handler"]), "Handler": params["handler"]}
    simple = {
        "runtime_version": "RuntimeVersion",
        "execution_role_arn": "ExecutionRoleArn",
        "artifact_s3_location": "ArtifactS3Location",
        "success_retention_period_in_days": "SuccessRetentionPeriodInDays",
        "failure_retention_period_in_days": "FailureRetentionPeriodInDays",
    }
    for key, aws_key in simple.items():
        if key in changed:
            request[aws_key] = params[key]
    if "schedule_expression" in changed:
        request["Schedule"] = {"Expression": params["schedule_expression"]}
    if "run_config" in changed and run_config_request(params):
        request["RunConfig"] = run_config_request(params)
    if "vpc_config" in changed:
        vpc = params["vpc_config"]
        request["VpcConfig"] = {"SubnetIds": vpc.get("subnet_ids") or [], "SecurityGroupIds": vpc.get("security_group_ids") or []}
    if "artifact_config" in changed:
        encryption = {"EncryptionMode": params["artifact_config"]["encryption_mode"]}
        if params["artifact_config"].get("kms_key_arn"):
            encryption["KmsKeyArn"] = params["artifact_config"]["kms_key_arn"]
        request["ArtifactConfig"] = {"S3Encryption": encryption}
    return request


def canary_arn(canary, region):
    """arn:PARTITION:synthetics:REGION:ACCOUNT:canary:NAME; GetCanary has no ARN, the account is read from the EngineArn or the role."""
    for source in (canary.get("EngineArn"), canary.get("ExecutionRoleArn")):
        parts = (source or "").split(":")
        if len(parts) > 4 and parts[4]:
            return f"arn:{parts[1]}:synthetics:{region}:{parts[4]}:canary:{canary['Name']}"
    return None


# --- API calls ------------------------------------------------------------------------------------------


def aws_call(description):
    def decorator(func):
        def wrapped(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (BotoCoreError, ClientError) as e:
                raise CanaryError(f"Failed to {description}", e) from e

        return wrapped

    return decorator


@aws_call("get the canary")
def get_canary(client, name):
    try:
        return client.get_canary(Name=name, aws_retry=True)["Canary"]
    except is_boto3_error_code(["ResourceNotFoundException", "NotFoundException"]):
        return None


def waiter(client, name, targets):
    """A botocore waiter on GetCanary until Status.State is one of targets (or the canary is gone, when targets is ())."""
    acceptors = [{"state": "success", "matcher": "path", "argument": "Canary.Status.State", "expected": target} for target in targets]
    if targets:
        acceptors.append({"state": "failure", "matcher": "path", "argument": "Canary.Status.State", "expected": "ERROR"})
    else:
        acceptors.append({"state": "success", "matcher": "error", "expected": "ResourceNotFoundException"})
    acceptors.append({"state": "retry", "matcher": "error", "expected": "ThrottlingException"})
    config = {"version": 2, "waiters": {name: {"operation": "GetCanary", "delay": WAIT_DELAY, "maxAttempts": 1, "acceptors": acceptors}}}
    return botocore.waiter.create_waiter_with_client(name, botocore.waiter.WaiterModel(config), client)


def wait_for(client, module, name, targets):
    """Wait until the canary is in one of targets (() for deleted); the canary or None."""
    attempts = max(1, module.params["wait_timeout"] // WAIT_DELAY) if WAIT_DELAY else max(1, module.params["wait_timeout"])
    raw = getattr(client, "client", client)
    try:
        waiter(raw, "CanaryState", targets).wait(Name=name, WaiterConfig={"Delay": WAIT_DELAY, "MaxAttempts": attempts})
    except WaiterError as e:
        canary = (e.last_response or {}).get("Canary") or {}
        status = canary.get("Status") or {}
        wanted = " or ".join(targets) or "deleted"
        raise CanaryError(f"Canary {name} did not become {wanted}: it is {status.get('State')} ({status.get('StateReason') or e.kwargs.get('reason')})") from e
    return get_canary(client, name) if targets else None


@aws_call("create the canary")
def create_canary(client, **request):
    return client.create_canary(aws_retry=True, **request)["Canary"]


@aws_call("update the canary")
def update_canary(client, name, request):
    client.update_canary(Name=name, aws_retry=True, **request)


@aws_call("start the canary")
def start_canary(client, name):
    client.start_canary(Name=name, aws_retry=True)


@aws_call("stop the canary")
def stop_canary(client, name):
    client.stop_canary(Name=name, aws_retry=True)


@aws_call("delete the canary")
def delete_canary(client, name):
    client.delete_canary(Name=name, aws_retry=True)


@aws_call("list the canary's tags")
def list_tags(client, arn):
    return client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags") or {}


@aws_call("tag the canary")
def update_tags(client, arn, to_set, to_unset):
    if to_unset:
        client.untag_resource(ResourceArn=arn, TagKeys=to_unset, aws_retry=True)
    if to_set:
        client.tag_resource(ResourceArn=arn, Tags=to_set, aws_retry=True)


# --- the states -----------------------------------------------------------------------------------------


def read(client, module, name):
    canary = get_canary(client, name)
    if canary and (canary.get("Status") or {}).get("State") in BUSY_STATES:
        state = canary["Status"]["State"]
        targets = () if state == "DELETING" else ("READY", "RUNNING", "STOPPED", "ERROR")
        canary = wait_for(client, module, name, targets)
    return canary


def running_change(state, running):
    """'start', 'stop' or None."""
    if running is True and state != "RUNNING":
        return "start"
    if running is False and state == "RUNNING":
        return "stop"
    return None


def ensure_present(client, module, name, canary, before):
    params = module.params
    wanted = wanted_view(params)
    tags, purge = wanted_tags(params)
    if not canary:
        if module.check_mode:
            predicted = dict(wanted, name=name, state="RUNNING" if params["running"] else "READY", tags=tags)
            return True, predicted
        request = dict(Name=name, Schedule={"Expression": params["schedule_expression"]}, Tags=tags)
        request.update(request_fields(params, list(wanted)))
        create_canary(client, **request)
        canary = wait_for(client, module, name, ("READY",))
        if params["running"]:
            start_canary(client, name)
            canary = wait_for(client, module, name, ("RUNNING",))
        arn = canary_arn(canary, module.region)
        return True, canary_view(canary, list_tags(client, arn) if arn else tags)

    changed_keys = differences(before, wanted)
    tags_to_set, tag_keys_to_unset, resulting_tags = plan_tags(before["tags"], tags, purge)
    tag_keys_to_unset = [key for key in tag_keys_to_unset if key not in (CODE_TAG, ENVIRONMENT_TAG) or key in tags]
    if ENVIRONMENT_TAG in tags_to_set and "run_config" not in changed_keys:
        changed_keys.append("run_config")
    if CODE_TAG in tags_to_set and "code_sha256" not in changed_keys:
        changed_keys.append("code_sha256")
    action = running_change(before["state"], params["running"])
    if not changed_keys and not tags_to_set and not tag_keys_to_unset and not action:
        return False, before
    if module.check_mode:
        predicted = dict(before, **{key: wanted[key] for key in changed_keys if key in wanted}, tags=resulting_tags)
        if "run_config" in changed_keys:
            predicted["run_config"] = dict(before["run_config"], **wanted["run_config"])
        if action:
            predicted["state"] = "RUNNING" if action == "start" else "STOPPED"
        return True, predicted

    arn = canary_arn(canary, module.region)
    request = request_fields(params, changed_keys)
    if request:
        update_canary(client, name, request)
        canary = wait_for(client, module, name, ("READY", "RUNNING", "STOPPED"))
    if tags_to_set or tag_keys_to_unset:
        update_tags(client, arn, tags_to_set, tag_keys_to_unset)
    if action == "start":
        start_canary(client, name)
        canary = wait_for(client, module, name, ("RUNNING",))
    elif action == "stop":
        stop_canary(client, name)
        canary = wait_for(client, module, name, ("STOPPED",))
    return True, canary_view(canary, list_tags(client, arn))


def ensure_absent(client, module, name, before):
    if not before:
        return False
    if module.check_mode:
        return True
    if before["state"] == "RUNNING":
        stop_canary(client, name)
        wait_for(client, module, name, ("STOPPED",))
    delete_canary(client, name)
    wait_for(client, module, name, ())
    return True


def main():
    argument_spec = dict(
        name=dict(required=True),
        state=dict(choices=["present", "absent"], default="present"),
        script=dict(),
        handler=dict(default="index.handler"),
        runtime_version=dict(default="syn-nodejs-puppeteer-11.0"),
        execution_role_arn=dict(),
        artifact_s3_location=dict(),
        schedule_expression=dict(default="rate(5 minutes)"),
        success_retention_period_in_days=dict(type="int", default=31),
        failure_retention_period_in_days=dict(type="int", default=31),
        run_config=dict(
            type="dict",
            options=dict(
                timeout_in_seconds=dict(type="int"),
                memory_in_mb=dict(type="int"),
                active_tracing=dict(type="bool"),
                environment_variables=dict(type="dict"),
            ),
        ),
        vpc_config=dict(
            type="dict",
            options=dict(subnet_ids=dict(type="list", elements="str", default=[]), security_group_ids=dict(type="list", elements="str", default=[])),
        ),
        artifact_config=dict(
            type="dict",
            options=dict(encryption_mode=dict(required=True, choices=["SSE_S3", "SSE_KMS"]), kms_key_arn=dict(no_log=False)),
        ),
        running=dict(type="bool"),
        wait_timeout=dict(type="int", default=300),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = module.params["name"]
    client = module.client("synthetics", retry_decorator=AWSRetry.jittered_backoff())
    try:
        canary = read(client, module, name)
        tags = {}
        if canary:
            arn = canary_arn(canary, module.region)
            tags = list_tags(client, arn) if arn else dict(canary.get("Tags") or {})
        before = canary_view(canary, tags)
        if module.params["state"] == "present":
            changed, after = ensure_present(client, module, name, canary, before)
        else:
            changed, after = ensure_absent(client, module, name, before), {}
    except CanaryError as e:
        if e.exception is not None and not isinstance(e.exception, WaiterError):
            module.fail_json_aws(e.exception, msg=f"Canary {name}: {e.message}")
        module.fail_json(msg=e.message)
    module.exit_json(changed=changed, canary=after, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
