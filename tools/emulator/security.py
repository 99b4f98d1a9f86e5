"""GuardDuty detectors and threat intel sets, Security Hub standards, and both services' tags, as AWS has them;
patches.py lists the patches below in ``PATCHES``.

moto 5.2.5 has a GuardDuty detector and a Security Hub hub, but: no tags API for either (404), no threat intel sets
(404), no Security Hub standards at all (DescribeStandards, BatchEnableStandards, GetEnabledStandards,
BatchDisableStandards: 404), any number of detectors per Region, an unknown finding frequency silently taken as
SIX_HOURS, detector features echoed as sent (UpdateDetector replacing the whole list), DataSources that ignore the
features, and EnableSecurityHub answering success when the hub is already enabled (and ignoring
EnableDefaultStandards).

Not reproduced: AWS takes a while to move a threat intel set from ACTIVATING to ACTIVE (ERROR if it cannot read the
file) and a standard from PENDING to READY, and keeps a disabled standard as DELETING for a while; here they are
ACTIVE/READY at once and a disabled standard is gone at once. The emulator does not read the threat intel file,
has no findings from the features, no organization-wide configuration, no feature AdditionalConfiguration checks
and no pages (every list answers everything at once).
"""

import datetime
import functools
import json
import re
from urllib.parse import unquote

from moto.core.exceptions import JsonRESTError
from moto.moto_api._internal import mock_random

# --- GuardDuty ------------------------------------------------------------------------------------------

# https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html (what a request
# may configure) and API_DetectorFeatureConfigurationResult.html (what GetDetector lists: these and the foundational
# sources, which are always on).
GUARDDUTY_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
)
GUARDDUTY_FOUNDATIONAL = ("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS")
# The service-linked role of malware protection (https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions-malware-protection.html).
MALWARE_ROLE = "/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
# https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html
FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
# https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateThreatIntelSet.html
THREAT_INTEL_FORMATS = ("TXT", "STIX", "OTX_CSV", "ALIEN_VAULT", "PROOF_POINT", "FIRE_EYE")
# https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_limits.html: threat intel sets per account per Region.
MAX_THREAT_INTEL_SETS = 6
_LOCATION = re.compile(r"^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+|https://([a-z0-9.-]+\.)?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?/.+)$")
_GUARDDUTY_ARN = re.compile(
    r"^arn:[a-z-]+:guardduty:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):detector/(?P<detector>[0-9a-f]+)(/threatintelset/(?P<set>[0-9a-f]+))?$"
)
# DataSources (deprecated) and the features they stand for, both ways.
_DATA_SOURCE_FEATURES = (
    (("s3Logs", "enable"), "S3_DATA_EVENTS"),
    (("kubernetes", "auditLogs", "enable"), "EKS_AUDIT_LOGS"),
    (("malwareProtection", "scanEc2InstanceWithFindings", "ebsVolumes"), "EBS_MALWARE_PROTECTION"),
)


class GuardDutyBadRequest(JsonRESTError):
    """GuardDuty's 400: https://docs.aws.amazon.com/guardduty/latest/APIReference/CommonErrors.html (BadRequestException)."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("BadRequestException", message)

    def get_headers(self, *args, **kwargs):
        return [("X-Amzn-ErrorType", "BadRequestException")]


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _nested(data: dict, path: tuple):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _check_features(features) -> None:
    seen = set()
    for feature in features or []:
        name = (feature or {}).get("name")
        if name not in GUARDDUTY_FEATURES:
            raise GuardDutyBadRequest(f"The request is rejected because an invalid or out-of-range value is specified as an input parameter: feature {name!r}.")
        if feature.get("status") not in ("ENABLED", "DISABLED"):
            raise GuardDutyBadRequest(f"The request is rejected because an invalid or out-of-range value is specified as an input parameter: status of {name}.")
        if name in seen:
            raise GuardDutyBadRequest(f"The request is rejected because feature {name} is given more than once.")
        seen.add(name)


def _check_frequency(frequency) -> None:
    if frequency is not None and frequency not in FINDING_FREQUENCIES:
        raise GuardDutyBadRequest(
            f"The request is rejected because an invalid or out-of-range value is specified as an input parameter: findingPublishingFrequency {frequency!r}."
        )


def _feature_state(detector) -> dict:
    """{name: {status, updatedAt, additionalConfiguration?}} kept on the detector, every configurable feature listed."""
    state = detector.__dict__.get("stories_features")
    if state is None:
        now = _now()
        state = {name: {"status": "DISABLED", "updatedAt": now} for name in GUARDDUTY_FEATURES}
        detector.__dict__["stories_features"] = state
    return state


def _apply_features(detector, features, data_sources) -> None:
    """Features named (or the deprecated data sources given) change; the others stay as they are."""
    state = _feature_state(detector)
    now = _now()
    for path, name in _DATA_SOURCE_FEATURES:
        value = _nested(data_sources or {}, path)
        if value is not None:
            state[name] = dict(state[name], status="ENABLED" if value else "DISABLED", updatedAt=now)
    for feature in features or []:
        entry = {"status": feature["status"], "updatedAt": now}
        if feature.get("additionalConfiguration"):
            entry["additionalConfiguration"] = [dict(item, updatedAt=now) for item in feature["additionalConfiguration"]]
        state[feature["name"]] = entry


def _threat_intel_sets(detector) -> dict:
    return detector.__dict__.setdefault("stories_threat_intel_sets", {})


def detector_arn(detector) -> str:
    return f"arn:aws:guardduty:{detector.region_name}:{detector.account_id}:detector/{detector.id}"


def guardduty_detectors_as_aws() -> None:
    """One detector per Region, checked input, features listed and updated one by one as AWS does.

    AWS (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html): "You can have only one
    detector per account per Region" (a second CreateDetector is a BadRequestException); findingPublishingFrequency is
    one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS (default SIX_HOURS) and feature names and statuses are enums, anything
    else a BadRequestException. UpdateDetector changes only the features it names
    (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html). GetDetector
    (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetDetector.html) lists every feature with its
    status and UpdatedAt, the foundational CLOUD_TRAIL, DNS_LOGS and FLOW_LOGS always ENABLED, and the deprecated
    DataSources say the same as the features (S3Logs = S3_DATA_EVENTS, Kubernetes.AuditLogs = EKS_AUDIT_LOGS,
    MalwareProtection = EBS_MALWARE_PROTECTION). DeleteDetector of an unknown id is a BadRequestException.
    moto: makes any number of detectors, turns an unknown frequency into SIX_HOURS, takes any feature, echoes only
    the features sent, replaces them all on update, reports DataSources from the deprecated field only (foundational
    sources DISABLED), and answers success to deleting a detector that does not exist.
    Features a request does not name start DISABLED here; AWS may turn some on for a new detector depending on the
    Region and the account, so a caller that cares names them.
    """
    from moto.guardduty.models import Detector, GuardDutyBackend

    original_create = GuardDutyBackend.create_detector
    original_update = GuardDutyBackend.update_detector
    original_delete = GuardDutyBackend.delete_detector

    @functools.wraps(original_create)
    def create_detector(self, enable, finding_publishing_frequency, data_sources, tags, features):
        if self.detectors:
            raise GuardDutyBadRequest("The request is rejected because a detector already exists for the current account.")
        _check_frequency(finding_publishing_frequency)
        _check_features(features)
        detector_id = original_create(self, enable, finding_publishing_frequency or "SIX_HOURS", data_sources, tags, features)
        _apply_features(self.detectors[detector_id], features, data_sources)
        return detector_id

    @functools.wraps(original_update)
    def update_detector(self, detector_id, enable, finding_publishing_frequency, data_sources, features):
        _check_frequency(finding_publishing_frequency)
        _check_features(features)
        detector = self.get_detector(detector_id)
        original_update(self, detector_id, enable, finding_publishing_frequency, None, None)
        _apply_features(detector, features, data_sources)
        detector.updated_at = datetime.datetime.now()

    @functools.wraps(original_delete)
    def delete_detector(self, detector_id):
        self.get_detector(detector_id)
        original_delete(self, detector_id)

    original_to_json = Detector.to_json

    @functools.wraps(original_to_json)
    def to_json(self):
        answer = original_to_json(self)
        state = _feature_state(self)
        now = self.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        answer["features"] = [{"name": name, "status": "ENABLED", "updatedAt": now} for name in GUARDDUTY_FOUNDATIONAL] + [
            dict(entry, name=name) for name, entry in state.items()
        ]
        status = {name: entry["status"] for name, entry in state.items()}
        answer["dataSources"] = {
            "cloudTrail": {"status": "ENABLED"},
            "dnsLogs": {"status": "ENABLED"},
            "flowLogs": {"status": "ENABLED"},
            "s3Logs": {"status": status["S3_DATA_EVENTS"]},
            "kubernetes": {"auditLogs": {"status": status["EKS_AUDIT_LOGS"]}},
            "malwareProtection": {
                "scanEc2InstanceWithFindings": {"ebsVolumes": {"status": status["EBS_MALWARE_PROTECTION"]}},
                "serviceRole": self.service_role.replace("/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty", MALWARE_ROLE),
            },
        }
        return answer

    GuardDutyBackend.create_detector = create_detector
    GuardDutyBackend.update_detector = update_detector
    GuardDutyBackend.delete_detector = delete_detector
    Detector.to_json = to_json


def _tagged(backend, arn: str):
    """The detector or threat intel set {..., 'tags': {}} record that ``arn`` names in this backend."""
    match = _GUARDDUTY_ARN.match(unquote(arn or ""))
    if not match or match["region"] != backend.region_name or match["account"] != backend.account_id or match["detector"] not in backend.detectors:
        raise GuardDutyBadRequest(f"The request is rejected because the resource {arn} is not found or not owned by the current account.")
    detector = backend.detectors[match["detector"]]
    if match["set"] is None:
        return detector
    record = _threat_intel_sets(detector).get(match["set"])
    if record is None:
        raise GuardDutyBadRequest(f"The request is rejected because the resource {arn} is not found or not owned by the current account.")
    return record


class _SetTags:
    """A threat intel set record seen with a ``tags`` attribute, like a detector."""

    def __init__(self, record: dict):
        self.record = record

    @property
    def tags(self):
        return self.record["tags"]

    @tags.setter
    def tags(self, value):
        self.record["tags"] = value


def guardduty_tags_and_threat_intel_sets() -> None:
    """Tags of detectors and threat intel sets, and the threat intel sets themselves.

    AWS: TagResource, UntagResource and ListTagsForResource work on a detector's or a threat intel set's ARN
    (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_TagResource.html); a detector's ARN is
    ``arn:aws:guardduty:REGION:ACCOUNT:detector/ID``, a set's that followed by ``/threatintelset/SETID``.
    CreateThreatIntelSet, GetThreatIntelSet, ListThreatIntelSets, UpdateThreatIntelSet, DeleteThreatIntelSet
    (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateThreatIntelSet.html and the pages beside it):
    a set has a name, a format (TXT, STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE; UpdateThreatIntelSet cannot
    change it), an S3 location, a status (ACTIVE once activated, INACTIVE otherwise) and tags; at most 6 per account
    and Region (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_limits.html); an unknown detector or set is
    a BadRequestException.
    moto: none of these paths exist; boto3's calls get a 404.
    """
    from moto.guardduty import urls
    from moto.guardduty.responses import GuardDutyResponse

    for path in (
        "{0}/tags/(?P<resource_arn>.+)$",
        "{0}/detector/(?P<detector_id>[^/]+)/threatintelset$",
        "{0}/detector/(?P<detector_id>[^/]+)/threatintelset/(?P<set_id>[^/]+)$",
    ):
        urls.url_paths.setdefault(path, GuardDutyResponse.dispatch)

    def resource_arn(self):
        return unquote(self.path.split("/tags/", 1)[1].split("?", 1)[0])

    def tag_resource(self):
        record = _tagged(self.guardduty_backend, resource_arn(self))
        target = _SetTags(record) if isinstance(record, dict) else record
        target.tags = dict(target.tags or {}, **(self._get_param("tags") or {}))
        return 204, {}, ""

    def untag_resource(self):
        record = _tagged(self.guardduty_backend, resource_arn(self))
        target = _SetTags(record) if isinstance(record, dict) else record
        keys = self.querystring.get("tagKeys") or []
        target.tags = {key: value for key, value in (target.tags or {}).items() if key not in keys}
        return 204, {}, ""

    def list_tags_for_resource(self):
        record = _tagged(self.guardduty_backend, resource_arn(self))
        tags = record["tags"] if isinstance(record, dict) else record.tags
        return json.dumps({"tags": tags or {}})

    def path_ids(self):
        parts = self.path.split("?", 1)[0].split("/")
        index = parts.index("detector")
        detector = self.guardduty_backend.get_detector(parts[index + 1])
        set_id = parts[index + 3] if len(parts) > index + 3 else None
        return detector, set_id

    def a_set(detector, set_id):
        record = _threat_intel_sets(detector).get(set_id)
        if record is None:
            raise GuardDutyBadRequest("The request is rejected because the input threatIntelSetId is not found.")
        return record

    def check_location(location):
        if not _LOCATION.match(location or ""):
            raise GuardDutyBadRequest(f"The request is rejected because the location {location!r} is not an S3 object URI.")

    def create_threat_intel_set(self):
        detector, _unused = path_ids(self)
        sets = _threat_intel_sets(detector)
        name, fmt, location = self._get_param("name"), self._get_param("format"), self._get_param("location")
        if not name or len(name) > 300:
            raise GuardDutyBadRequest("The request is rejected because the name must have 1 to 300 characters.")
        if fmt not in THREAT_INTEL_FORMATS:
            raise GuardDutyBadRequest(f"The request is rejected because an invalid or out-of-range value is specified as an input parameter: format {fmt!r}.")
        check_location(location)
        if any(record["name"] == name for record in sets.values()):
            raise GuardDutyBadRequest(f"The request is rejected because a threat intel set named {name} already exists.")
        if len(sets) >= MAX_THREAT_INTEL_SETS:
            raise GuardDutyBadRequest(f"The request is rejected because the number of threat intel sets would exceed {MAX_THREAT_INTEL_SETS}.")
        set_id = mock_random.get_random_hex(length=32)
        sets[set_id] = {
            "name": name,
            "format": fmt,
            "location": location,
            "status": "ACTIVE" if self._get_param("activate") else "INACTIVE",
            "tags": self._get_param("tags") or {},
        }
        return json.dumps({"threatIntelSetId": set_id})

    def list_threat_intel_sets(self):
        detector, _unused = path_ids(self)
        return json.dumps({"threatIntelSetIds": list(_threat_intel_sets(detector))})

    def threat_intel_set(self):
        """GET, POST (update) and DELETE share the path; moto names them from the method."""
        detector, set_id = path_ids(self)
        record = a_set(detector, set_id)
        if self.method == "GET":
            return json.dumps(record)
        if self.method == "DELETE":
            del _threat_intel_sets(detector)[set_id]
            return "{}"
        name, location, activate = self._get_param("name"), self._get_param("location"), self._get_param("activate")
        if name is not None:
            if not name or any(other["name"] == name for key, other in _threat_intel_sets(detector).items() if key != set_id):
                raise GuardDutyBadRequest(f"The request is rejected because a threat intel set named {name} already exists.")
            record["name"] = name
        if location is not None:
            check_location(location)
            record["location"] = location
        if activate is not None:
            record["status"] = "ACTIVE" if activate else "INACTIVE"
        return "{}"

    GuardDutyResponse.tag_resource = tag_resource
    GuardDutyResponse.untag_resource = untag_resource
    GuardDutyResponse.list_tags_for_resource = list_tags_for_resource
    GuardDutyResponse.create_threat_intel_set = create_threat_intel_set
    GuardDutyResponse.list_threat_intel_sets = list_threat_intel_sets
    GuardDutyResponse.get_threat_intel_set = threat_intel_set
    GuardDutyResponse.update_threat_intel_set = threat_intel_set
    GuardDutyResponse.delete_threat_intel_set = threat_intel_set


# --- Security Hub ---------------------------------------------------------------------------------------

# https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html and DescribeStandards' answer:
# (ARN with {region} for the Region, name, description, enabled by default with EnableSecurityHub).
SECURITYHUB_STANDARDS = (
    (
        "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        "AWS Foundational Security Best Practices v1.0.0",
        "The AWS Foundational Security Best Practices standard is a set of controls that detect when your deployed accounts and resources deviate "
        "from security best practices.",
        True,
    ),
    (
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
        "CIS AWS Foundations Benchmark v1.2.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0 is a set of security configuration best practices for AWS.",
        True,
    ),
    (
        "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/1.4.0",
        "CIS AWS Foundations Benchmark v1.4.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0 is a set of security configuration best practices for AWS.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
        "CIS AWS Foundations Benchmark v3.0.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v3.0.0 is a set of security configuration best practices for AWS.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0",
        "CIS AWS Foundations Benchmark v5.0.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v5.0.0 is a set of security configuration best practices for AWS.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/nist-800-53/v/5.0.0",
        "NIST Special Publication 800-53 Revision 5",
        "NIST SP 800-53 Rev. 5 is a cybersecurity and compliance framework developed by the National Institute of Standards and Technology.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/pci-dss/v/3.2.1",
        "PCI DSS v3.2.1",
        "The Payment Card Industry Data Security Standard (PCI DSS) v3.2.1 is an information security standard for entities that store, "
        "process, and/or transmit cardholder data.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/pci-dss/v/4.0.1",
        "PCI DSS v4.0.1",
        "The Payment Card Industry Data Security Standard (PCI DSS) v4.0.1 is an information security standard for entities that store, "
        "process, and/or transmit cardholder data.",
        False,
    ),
    (
        "arn:aws:securityhub:{region}::standards/aws-resource-tagging-standard/v/1.0.0",
        "AWS Resource Tagging Standard v1.0.0",
        "The AWS Resource Tagging Standard is a set of controls that detect whether resources have the tags they need.",
        False,
    ),
)


def _securityhub_error(code: str, message: str):
    from moto.securityhub.exceptions import SecurityHubClientError

    return SecurityHubClientError(code, message)


def standards_of(region: str) -> dict:
    """{standards ARN: (name, description, enabled by default)} in ``region``."""
    return {arn.format(region=region): (name, description, default) for arn, name, description, default in SECURITYHUB_STANDARDS}


def subscription_arn(region: str, account: str, standards_arn: str) -> str:
    """arn:aws:securityhub:REGION:ACCOUNT:subscription/<name>/v/<version>, as AWS names a standards subscription."""
    suffix = standards_arn.split(":standards/", 1)[-1].split(":ruleset/", 1)[-1]
    return f"arn:aws:securityhub:{region}:{account}:subscription/{suffix}"


def _hub_state(backend) -> dict:
    """{'subscriptions': {subscription ARN: record}, 'tags': {}} of the backend's hub."""
    return backend.__dict__.setdefault("stories_hub", {"subscriptions": {}, "tags": {}})


def _not_subscribed():
    return _securityhub_error("InvalidAccessException", "Account is not subscribed to AWS Security Hub")


def securityhub_standards_and_tags() -> None:
    """The hub is enabled once, with or without its default standards; standards are described, enabled, listed and
    disabled; the hub has tags.

    AWS: EnableSecurityHub (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_EnableSecurityHub.html)
    enables the default standards (those DescribeStandards marks EnabledByDefault: AWS Foundational Security Best
    Practices v1.0.0 and CIS AWS Foundations Benchmark v1.2.0) unless EnableDefaultStandards is false, keeps Tags on
    the hub, and refuses an account already subscribed with ResourceConflictException. DescribeStandards
    (API_DescribeStandards.html) lists the standards with their Region's ARN (CIS v1.2.0's is the Region-less
    ``arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0``). BatchEnableStandards
    (API_BatchEnableStandards.html) takes 1 to 25 standards ARNs and answers their subscriptions
    (``arn:aws:securityhub:REGION:ACCOUNT:subscription/<standard>/v/<version>``); an unknown ARN is an
    InvalidInputException. GetEnabledStandards lists the subscriptions (filtered by StandardsSubscriptionArns when
    given); BatchDisableStandards (API_BatchDisableStandards.html) answers them as DELETING. All of these, on an
    account that is not subscribed, are InvalidAccessException; DisableSecurityHub drops the standards. TagResource,
    UntagResource and ListTagsForResource work on the hub's ARN (API_TagResource.html).
    moto: answers success to a second EnableSecurityHub, enables no standard, and has none of the standards or tags
    operations (404).
    """
    from moto.securityhub import urls
    from moto.securityhub.models import SecurityHubBackend
    from moto.securityhub.responses import SecurityHubResponse

    for path in ("{0}/standards$", "{0}/standards/register$", "{0}/standards/deregister$", "{0}/standards/get$", "{0}/tags/(?P<resource_arn>.+)$"):
        urls.url_paths.setdefault(path, SecurityHubResponse.dispatch)

    original_enable = SecurityHubBackend.enable_security_hub
    original_disable = SecurityHubBackend.disable_security_hub

    def subscribe(self, standards_arn, standards_input=None):
        arn = subscription_arn(self.region_name, self.account_id, standards_arn)
        record = {
            "StandardsSubscriptionArn": arn,
            "StandardsArn": standards_arn,
            "StandardsInput": standards_input or {},
            "StandardsStatus": "READY",
            "StandardsControlsUpdatable": "READY_FOR_UPDATES",
        }
        _hub_state(self)["subscriptions"][arn] = record
        return record

    @functools.wraps(original_enable)
    def enable_security_hub(self, enable_default_standards=True, tags=None):
        if self.enabled:
            raise _securityhub_error("ResourceConflictException", "Account is already subscribed to Security Hub")
        original_enable(self, enable_default_standards=enable_default_standards, tags=tags)
        state = _hub_state(self)
        state["tags"] = dict(tags or {})
        if enable_default_standards is not False:
            for arn, (_name, _description, default) in standards_of(self.region_name).items():
                if default:
                    subscribe(self, arn)
        return {}

    @functools.wraps(original_disable)
    def disable_security_hub(self):
        answer = original_disable(self)
        self.__dict__.pop("stories_hub", None)
        return answer

    def backend_of(response):
        return response.securityhub_backend

    def body(response) -> dict:
        raw = response.body
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        return json.loads(raw) if raw else {}

    def subscribed(response):
        backend = backend_of(response)
        if not backend.enabled:
            raise _not_subscribed()
        return backend

    def describe_standards(self):
        region = backend_of(self).region_name
        standards = [
            {
                "StandardsArn": arn,
                "Name": name,
                "Description": description,
                "EnabledByDefault": default,
                "StandardsManagedBy": {"Company": "AWS", "Product": "Security Hub"},
            }
            for arn, (name, description, default) in standards_of(region).items()
        ]
        return json.dumps({"Standards": standards})

    def batch_enable_standards(self):
        backend = subscribed(self)
        requests = body(self).get("StandardsSubscriptionRequests") or []
        if not 1 <= len(requests) <= 25:
            raise _securityhub_error("InvalidInputException", "StandardsSubscriptionRequests must have 1 to 25 items")
        known = standards_of(backend.region_name)
        for request in requests:
            if request.get("StandardsArn") not in known:
                raise _securityhub_error("InvalidInputException", f"Invalid StandardsArn: {request.get('StandardsArn')}")
        answer = [subscribe(backend, request["StandardsArn"], request.get("StandardsInput")) for request in requests]
        return json.dumps({"StandardsSubscriptions": answer})

    def get_enabled_standards(self):
        backend = subscribed(self)
        wanted = body(self).get("StandardsSubscriptionArns")
        subscriptions = _hub_state(backend)["subscriptions"]
        answer = [record for arn, record in subscriptions.items() if wanted is None or arn in wanted]
        return json.dumps({"StandardsSubscriptions": answer})

    def batch_disable_standards(self):
        backend = subscribed(self)
        arns = body(self).get("StandardsSubscriptionArns") or []
        if not 1 <= len(arns) <= 25:
            raise _securityhub_error("InvalidInputException", "StandardsSubscriptionArns must have 1 to 25 items")
        subscriptions = _hub_state(backend)["subscriptions"]
        for arn in arns:
            if arn not in subscriptions:
                raise _securityhub_error("InvalidInputException", f"Invalid StandardsSubscriptionArn: {arn}")
        answer = [dict(subscriptions.pop(arn), StandardsStatus="DELETING") for arn in arns]
        return json.dumps({"StandardsSubscriptions": answer})

    def hub_tags(response):
        backend = backend_of(response)
        arn = unquote(response.path.split("/tags/", 1)[1].split("?", 1)[0])
        if not backend.enabled or arn != f"arn:aws:securityhub:{backend.region_name}:{backend.account_id}:hub/default":
            raise _securityhub_error("ResourceNotFoundException", f"The request was rejected because no resource was found with ARN {arn}.")
        return _hub_state(backend)

    def tag_resource(self):
        state = hub_tags(self)
        state["tags"].update(body(self).get("Tags") or {})
        return "{}"

    def untag_resource(self):
        state = hub_tags(self)
        keys = self.querystring.get("tagKeys") or []
        state["tags"] = {key: value for key, value in state["tags"].items() if key not in keys}
        return "{}"

    def list_tags_for_resource(self):
        return json.dumps({"Tags": hub_tags(self)["tags"]})

    SecurityHubBackend.enable_security_hub = enable_security_hub
    SecurityHubBackend.disable_security_hub = disable_security_hub
    SecurityHubResponse.describe_standards = describe_standards
    SecurityHubResponse.batch_enable_standards = batch_enable_standards
    SecurityHubResponse.get_enabled_standards = get_enabled_standards
    SecurityHubResponse.batch_disable_standards = batch_disable_standards
    SecurityHubResponse.tag_resource = tag_resource
    SecurityHubResponse.untag_resource = untag_resource
    SecurityHubResponse.list_tags_for_resource = list_tags_for_resource
