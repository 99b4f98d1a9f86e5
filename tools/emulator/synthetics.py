"""CloudWatch Synthetics canaries kept and answered as AWS keeps them; patches.py lists the patch below in ``PATCHES``.

moto 5.2.5 has CreateCanary, GetCanary, DescribeCanaries and ListTagsForResource only, and gets them partly wrong: a
second CreateCanary with the same name silently replaces the first, GetCanary of an unknown name answers HTTP 500, the
answer echoes the Code as sent (the zip file included) and the EnvironmentVariables of RunConfig, which AWS never
returns, and ListTagsForResource looks the canary up by the whole ARN as if it were its name, so it finds nothing.

Here a canary goes through AWS's states (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryStatus.html):
CreateCanary answers CREATING and the canary is READY at the next read (AWS takes seconds to create its Lambda
function); StartCanary makes it RUNNING, StopCanary STOPPED, UpdateCanary keeps the state; DeleteCanary and StartCanary
are refused (ConflictException) while it is RUNNING or already running, as AWS refuses them.

Not reproduced: the canary never runs (no GetCanaryRuns results, no Lambda function, no S3 artifacts), the runtime
version, execution role and S3 location are not checked, and groups, dry runs and visual references are not kept.
"""

import functools
import json
import re
from urllib.parse import unquote

from moto.core.exceptions import JsonRESTError
from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow

# https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CreateCanary.html#API_CreateCanary_RequestSyntax
NAME = re.compile(r"^[0-9a-z_\-]{1,255}$")
RETENTION_DAYS = (1, 455)
MAX_TIMEOUT = 840
RATE = re.compile(r"^rate\((?P<value>\d+) (?P<unit>minute|minutes|hour|hours)\)$")
CODE_OUTPUT = ("Handler", "BlueprintTypes", "Dependencies")
RUN_CONFIG_OUTPUT = ("TimeoutInSeconds", "MemoryInMB", "ActiveTracing", "EphemeralStorage")
# https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryRunConfigInput.html: 1000 MB unless set.
DEFAULT_MEMORY = 1000


class SyntheticsError(JsonRESTError):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message)
        self.code = status


def not_found(name: str) -> SyntheticsError:
    return SyntheticsError("ResourceNotFoundException", f"Canary {name} not found.", 404)


def conflict(message: str) -> SyntheticsError:
    return SyntheticsError("ConflictException", message, 409)


def validation(message: str) -> SyntheticsError:
    return SyntheticsError("ValidationException", message, 400)


def canary_arn(backend, name: str) -> str:
    return f"arn:aws:synthetics:{backend.region_name}:{backend.account_id}:canary:{name}"


def schedule_seconds(expression: str):
    """The period of a rate() expression in seconds (0 for run-once), None for a cron() one."""
    match = RATE.match(expression or "")
    if not match:
        return None
    return int(match.group("value")) * (3600 if match.group("unit").startswith("hour") else 60)


def check_request(params: dict) -> None:
    """What AWS refuses with a ValidationException in a CreateCanary or UpdateCanary request."""
    expression = (params.get("Schedule") or {}).get("Expression")
    if expression is not None:
        seconds = schedule_seconds(expression)
        if seconds is None and not re.match(r"^cron\(.+\)$", expression):
            raise validation(f"Invalid schedule expression: {expression}")
        if seconds is not None and seconds > 3600:
            raise validation("The rate expression must be between rate(1 minute) and rate(1 hour), or rate(0 minute)")
    for key in ("SuccessRetentionPeriodInDays", "FailureRetentionPeriodInDays"):
        if key in params and not RETENTION_DAYS[0] <= params[key] <= RETENTION_DAYS[1]:
            raise validation(f"{key} must be between {RETENTION_DAYS[0]} and {RETENTION_DAYS[1]}")
    run_config = params.get("RunConfig") or {}
    if "MemoryInMB" in run_config and run_config["MemoryInMB"] % 64:
        raise validation("MemoryInMB must be a multiple of 64")
    encryption = (params.get("ArtifactConfig") or {}).get("S3Encryption") or {}
    if encryption.get("EncryptionMode") == "SSE_KMS" and not encryption.get("KmsKeyArn"):
        raise validation("KmsKeyArn is required when EncryptionMode is SSE_KMS")
    if encryption.get("EncryptionMode") == "SSE_S3" and encryption.get("KmsKeyArn"):
        raise validation("KmsKeyArn must not be given when EncryptionMode is SSE_S3")


def output_run_config(run_config: dict, expression: str) -> dict:
    """RunConfig as GetCanary returns it: no EnvironmentVariables; the timeout defaults to the period, at most 840 s."""
    result = {key: run_config[key] for key in RUN_CONFIG_OUTPUT if key in run_config}
    if "TimeoutInSeconds" not in result:
        seconds = schedule_seconds(expression)
        result["TimeoutInSeconds"] = min(seconds, MAX_TIMEOUT) if seconds else MAX_TIMEOUT
    result.setdefault("MemoryInMB", DEFAULT_MEMORY)
    result.setdefault("ActiveTracing", False)
    return result


def synthetics_canary_lifecycle() -> None:
    """Canaries are created, read, started, stopped, updated, tagged and deleted as on AWS.

    AWS (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_Operations.html): StartCanary, StopCanary,
    UpdateCanary (PATCH, "Omitted fields are unchanged"; tags only through TagResource), DeleteCanary, TagResource and
    UntagResource on ``arn:aws:synthetics:REGION:ACCOUNT:canary:NAME``; GetCanary's Code carries only the Handler and
    the SourceLocationArn (never the zip) and RunConfig never the EnvironmentVariables
    (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryRunConfigOutput.html); a canary is
    CREATING then READY, RUNNING once started, STOPPED once stopped (API_CanaryStatus.html), and has to be stopped
    before it is deleted (ConflictException).
    moto: has none of these operations (404 for start/stop, "not implemented" for the rest), answers GetCanary of an
    unknown name with HTTP 500, lets CreateCanary replace a canary of the same name, echoes the zip and the
    environment variables, and ListTagsForResource looks the ARN up as a name, so it never finds tags.
    """
    from moto.synthetics import urls
    from moto.synthetics.models import Canary, SyntheticsBackend
    from moto.synthetics.responses import SyntheticsResponse

    urls.url_paths.setdefault("{0}/canary/(?P<name>[^/]+)/start$", SyntheticsResponse.dispatch)
    urls.url_paths.setdefault("{0}/canary/(?P<name>[^/]+)/stop$", SyntheticsResponse.dispatch)

    original_to_dict = Canary.to_dict

    @functools.wraps(original_to_dict)
    def to_dict(self):
        answer = original_to_dict(self)
        code = self.code or {}
        answer["Code"] = {key: code[key] for key in CODE_OUTPUT if key in code}
        answer["Code"]["SourceLocationArn"] = f"arn:aws:lambda:{self.region_name}:{self.account_id}:layer:cwsyn-{self.name}-{self.id}:1"
        expression = (self.schedule or {}).get("Expression", "")
        answer["Schedule"] = dict(self.schedule or {}, DurationInSeconds=(self.schedule or {}).get("DurationInSeconds", 0))
        answer["RunConfig"] = output_run_config(self.run_config or {}, expression)
        answer["EngineArn"] = f"arn:aws:lambda:{self.region_name}:{self.account_id}:function:cwsyn-{self.name}-{self.id}:1"
        if self.vpc_config:
            answer["VpcConfig"] = dict(self.vpc_config, VpcId=self.vpc_id)
        else:
            answer.pop("VpcConfig", None)
        for key in ("ArtifactConfig", "ProvisionedResourceCleanup", "BrowserConfigs"):
            if not answer.get(key):
                answer.pop(key, None)
        answer["ProvisionedResourceCleanup"] = self.provisioned_resource_cleanup or "AUTOMATIC"
        reasons = {"CREATING": "CREATE_IN_PROGRESS", "READY": "CREATE_COMPLETE"}
        answer["Status"] = {"State": self.state}
        if self.state in reasons:
            answer["Status"]["StateReasonCode"] = reasons[self.state]
        timeline = {key: iso_8601_datetime_with_milliseconds(value) for key, value in self.timeline.items() if value is not None}
        answer["Timeline"] = timeline
        return answer

    Canary.to_dict = to_dict

    def vpc_id(self):
        from moto.ec2.models import ec2_backends

        subnets = (self.vpc_config or {}).get("SubnetIds") or []
        ec2 = ec2_backends[self.account_id][self.region_name]
        for subnet_id in subnets:
            for zone_subnets in ec2.subnets.values():
                if subnet_id in zone_subnets:
                    return zone_subnets[subnet_id].vpc_id
        return None

    Canary.vpc_id = property(vpc_id)

    def canary(self, name):
        if name not in self.canaries:
            raise not_found(name)
        return self.canaries[name]

    def get_canary(self, name, dry_run_id=None):  # pylint: disable=unused-argument
        found = canary(self, name)
        if found.state == "CREATING":
            found.state = "READY"
        return found

    SyntheticsBackend.get_canary = get_canary

    original_describe = SyntheticsBackend.describe_canaries

    @functools.wraps(original_describe)
    def describe_canaries(self, next_token, max_results, names):
        for item in self.canaries.values():
            if item.state == "CREATING":
                item.state = "READY"
        return original_describe(self, next_token, max_results, names)

    SyntheticsBackend.describe_canaries = describe_canaries

    def name_of(arn):
        arn = unquote(arn)
        match = re.match(r"^arn:[a-z-]+:synthetics:[a-z0-9-]+:\d{12}:canary:(?P<name>[0-9a-z_\-]+)$", arn)
        if not match:
            raise SyntheticsError("BadRequestException", f"Invalid resource ARN: {arn}", 400)
        return match.group("name")

    def tagged(self, arn):
        name = name_of(arn)
        if name not in self.canaries:
            raise SyntheticsError("NotFoundException", f"Canary {name} not found.", 404)
        return self.canaries[name]

    SyntheticsBackend.list_tags_for_resource = lambda self, resource_arn: dict(tagged(self, resource_arn).tags)

    def tag_resource(self, resource_arn, tags):
        tagged(self, resource_arn).tags.update(tags)

    def untag_resource(self, resource_arn, tag_keys):
        item = tagged(self, resource_arn)
        for key in tag_keys:
            item.tags.pop(key, None)

    SyntheticsBackend.tag_resource = tag_resource
    SyntheticsBackend.untag_resource = untag_resource

    original_create = SyntheticsBackend.create_canary

    @functools.wraps(original_create)
    def create_canary(self, name, *args, **kwargs):
        if name in self.canaries:
            raise validation(f"Canary {name} already exists.")
        created = original_create(self, name, *args, **kwargs)
        created.state = "CREATING"
        created.region_name, created.account_id = self.region_name, self.account_id
        return created

    SyntheticsBackend.create_canary = create_canary

    def start_canary(self, name):
        item = canary(self, name)
        if item.state not in ("READY", "STOPPED", "ERROR"):
            raise conflict(f"Canary {name} is in state {item.state} and cannot be started.")
        item.state = "RUNNING"
        item.timeline["LastStarted"] = utcnow()

    def stop_canary(self, name):
        item = canary(self, name)
        if item.state != "RUNNING":
            raise conflict(f"Canary {name} is in state {item.state} and cannot be stopped.")
        item.state = "STOPPED"
        item.timeline["LastStopped"] = utcnow()

    def delete_canary(self, name):
        item = canary(self, name)
        if item.state in ("RUNNING", "STARTING", "STOPPING", "UPDATING", "CREATING"):
            raise conflict(f"Canary {name} is in state {item.state}; stop it before deleting it.")
        del self.canaries[name]

    updatable = {
        "ExecutionRoleArn": "execution_role_arn",
        "RuntimeVersion": "runtime_version",
        "SuccessRetentionPeriodInDays": "success_retention_period_in_days",
        "FailureRetentionPeriodInDays": "failure_retention_period_in_days",
        "VpcConfig": "vpc_config",
        "ArtifactS3Location": "artifact_s3_location",
        "ArtifactConfig": "artifact_config",
        "ProvisionedResourceCleanup": "provisioned_resource_cleanup",
        "BrowserConfigs": "browser_configs",
    }

    def update_canary(self, name, params):
        item = canary(self, name)
        if item.state in ("CREATING", "STARTING", "STOPPING", "UPDATING", "DELETING"):
            raise conflict(f"Canary {name} is in state {item.state} and cannot be updated.")
        check_request(params)
        for key, attribute in updatable.items():
            if key in params:
                setattr(item, attribute, params[key])
        if "Code" in params:
            item.code = params["Code"]
        if "Schedule" in params:
            item.schedule = dict(item.schedule or {}, **params["Schedule"])
        if "RunConfig" in params:
            item.run_config = dict(params["RunConfig"])
        item.timeline["LastModified"] = utcnow()

    SyntheticsBackend.start_canary = start_canary
    SyntheticsBackend.stop_canary = stop_canary
    SyntheticsBackend.delete_canary = delete_canary
    SyntheticsBackend.update_canary = update_canary

    def path_name(response, suffix=""):
        path = response.path.split("?")[0]
        if suffix and path.endswith(suffix):
            path = path[: -len(suffix)]
        return unquote(path.rstrip("/").split("/")[-1])

    def body(response):
        return json.loads(response.body or "{}")

    original_create_response = SyntheticsResponse.create_canary

    @functools.wraps(original_create_response)
    def create_canary_response(self):
        params = body(self)
        if not NAME.match(params.get("Name") or ""):
            raise validation("Canary name must be 1 to 255 lowercase letters, digits, hyphens or underscores.")
        check_request(params)
        return original_create_response(self)

    def start_canary_response(self):
        self.synthetics_backend.start_canary(path_name(self, "/start"))
        return "{}"

    def stop_canary_response(self):
        self.synthetics_backend.stop_canary(path_name(self, "/stop"))
        return "{}"

    def update_canary_response(self):
        self.synthetics_backend.update_canary(path_name(self), body(self))
        return "{}"

    def delete_canary_response(self):
        self.synthetics_backend.delete_canary(path_name(self))
        return "{}"

    def tag_resource_response(self):
        self.synthetics_backend.tag_resource(path_name(self), body(self).get("Tags") or {})
        return "{}"

    def untag_resource_response(self):
        self.synthetics_backend.untag_resource(path_name(self), self.querystring.get("tagKeys", []))
        return "{}"

    def describe_canaries_response(self):
        names = body(self).get("Names")
        canaries = self.synthetics_backend.describe_canaries(None, None, names)[0]
        return json.dumps({"Canaries": [item.to_dict() for item in canaries]})

    def list_tags_for_resource_response(self):
        return json.dumps({"Tags": self.synthetics_backend.list_tags_for_resource(path_name(self))})

    SyntheticsResponse.create_canary = create_canary_response
    SyntheticsResponse.describe_canaries = describe_canaries_response
    SyntheticsResponse.start_canary = start_canary_response
    SyntheticsResponse.stop_canary = stop_canary_response
    SyntheticsResponse.update_canary = update_canary_response
    SyntheticsResponse.delete_canary = delete_canary_response
    SyntheticsResponse.tag_resource = tag_resource_response
    SyntheticsResponse.untag_resource = untag_resource_response
    SyntheticsResponse.list_tags_for_resource = list_tags_for_resource_response
