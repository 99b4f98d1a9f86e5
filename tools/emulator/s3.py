"""S3 intelligent-tiering configurations and bucket replication kept as AWS keeps them; patches.py lists the patches below in ``PATCHES``.

moto 5.2.5 has no intelligent-tiering configurations: its S3 dispatch does not know the ``?intelligent-tiering``
subresource, so PutBucketIntelligentTieringConfiguration falls through to CreateBucket (answers 200 and keeps
nothing), Get and List fall through to ListObjects (boto3 reads an empty configuration), and
DeleteBucketIntelligentTieringConfiguration falls through to DeleteBucket (it deletes an empty bucket). Its
replication keeps the Role, IDs, priorities, statuses and destinations but answers every rule with
``Filter: {Prefix: ""}`` and ``DeleteMarkerReplication: Disabled`` and drops ``SourceSelectionCriteria``, whatever was
sent; it checks nothing but the source bucket's versioning.

Both are patched at the response level (``S3Response``, a class, so the patches survive ``/moto-api/reset``): the
request body is read with the operation's input shape from botocore's model, kept on moto's bucket object, and the
answer serialized by moto's own serializer from the output shape.
"""

import functools
import string
import xml.etree.ElementTree as ET

from moto.moto_api._internal import mock_random as random

from .operations import service_model

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html: at least 90 (archive) or 180 (deep archive) days, at most 730.
TIERING_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-managing.html: up to 1,000 configurations a bucket.
MAX_TIERING_CONFIGURATIONS = 1000


class S3Error(Exception):
    """An S3 error answer with the HTTP status AWS gives it (moto's serializer sends 400 for codes S3's model does not list)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self, bucket_name: str):
        error = ET.Element("Error")
        for tag, text in (("Code", self.code), ("Message", self.message), ("BucketName", bucket_name), ("RequestId", "")):
            ET.SubElement(error, tag).text = text
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(error)
        return self.status, {"content-type": "application/xml"}, body


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def from_xml(element, shape):
    """The value of an XML element read with a botocore (restXml) shape: structures, lists (flattened or not) and scalars."""
    if shape.type_name == "structure":
        value = {}
        for member, member_shape in shape.members.items():
            name = member_shape.serialization.get("name", member)
            if member_shape.type_name == "list" and member_shape.serialization.get("flattened"):
                found = _children(element, member_shape.member.serialization.get("name", name))
                if found:
                    value[member] = [from_xml(child, member_shape.member) for child in found]
                continue
            found = _children(element, name)
            if found:
                value[member] = from_xml(found[0], member_shape)
        return value
    if shape.type_name == "list":
        item_name = shape.member.serialization.get("name", "member")
        return [from_xml(child, shape.member) for child in _children(element, item_name)]
    text = (element.text or "").strip()
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text


def request_payload(body: bytes, operation: str) -> dict:
    """The payload member of an S3 operation's request, read from the XML body; MalformedXML when it cannot be read."""
    input_shape = service_model("s3").operation_model(operation).input_shape
    payload = input_shape.members[input_shape.serialization["payload"]]
    try:
        root = ET.fromstring(body)
        if _local(root.tag) != payload.serialization.get("name", payload.name):
            raise ValueError(root.tag)
        return from_xml(root, payload)
    except (ET.ParseError, ValueError) as e:
        raise S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema") from e


def tiering_errors(config: dict) -> list:
    """Why AWS refuses an IntelligentTieringConfiguration (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html)."""
    errors = []
    if config.get("Status") not in ("Enabled", "Disabled"):
        errors.append("Status must be Enabled or Disabled")
    tierings = config.get("Tierings") or []
    if not tierings:
        errors.append("At least one Tiering is required")
    days = {}
    for tiering in tierings:
        tier = tiering.get("AccessTier")
        if tier not in TIERING_DAYS:
            errors.append(f"Invalid AccessTier {tier}")
            continue
        if tier in days:
            errors.append(f"AccessTier {tier} is given more than once")
        low, high = TIERING_DAYS[tier]
        days[tier] = tiering.get("Days")
        if not isinstance(days[tier], int) or not low <= days[tier] <= high:
            errors.append(f"Days for {tier} must be between {low} and {high}")
    archive, deep = days.get("ARCHIVE_ACCESS"), days.get("DEEP_ARCHIVE_ACCESS")
    if isinstance(archive, int) and isinstance(deep, int) and deep <= archive:
        errors.append("Days for DEEP_ARCHIVE_ACCESS must be greater than Days for ARCHIVE_ACCESS")
    return errors


def _tiering_store(bucket) -> dict:
    store = getattr(bucket, "intelligent_tiering_configurations", None)
    if store is None:
        store = bucket.intelligent_tiering_configurations = {}
    return store


def s3_intelligent_tiering_configurations() -> None:
    """Put/Get/List/DeleteBucketIntelligentTieringConfiguration keep and answer a bucket's configurations.

    AWS: a bucket keeps up to 1,000 configurations by id (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketIntelligentTieringConfiguration.html,
    ..._GetBucketIntelligentTieringConfiguration.html, ..._ListBucketIntelligentTieringConfigurations.html,
    ..._DeleteBucketIntelligentTieringConfiguration.html); Days of ARCHIVE_ACCESS 90-730 and of DEEP_ARCHIVE_ACCESS
    180-730 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html), deep archive after archive; an id it
    does not have answers NoSuchConfiguration (404).
    moto: does not know the ``intelligent-tiering`` subresource: Put becomes CreateBucket and keeps nothing, Get and List
    become ListObjects (an empty configuration), Delete becomes DeleteBucket and deletes an empty bucket.
    """
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    original_get, original_put, original_delete = S3Response._bucket_response_get, S3Response._bucket_response_put, S3Response._bucket_response_delete

    def answer(self, bucket_name, method, querystring):
        action = {"GET": "GetBucketIntelligentTieringConfiguration" if "id" in querystring else "ListBucketIntelligentTieringConfigurations"}.get(
            method, f"{method.title()}BucketIntelligentTieringConfiguration"
        )
        self.data["Action"] = action
        self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
        bucket = self.backend.get_bucket(bucket_name)
        store = _tiering_store(bucket)
        config_id = (querystring.get("id") or [None])[0]
        try:
            if method == "GET" and config_id is None:
                configurations = [store[key] for key in sorted(store)]
                return self.serialized(ActionResult({"IsTruncated": False, "IntelligentTieringConfigurationList": configurations}))
            if not config_id:
                raise S3Error(400, "InvalidArgument", "The id of the intelligent-tiering configuration is required")
            if method == "PUT":
                config = request_payload(self.body, "PutBucketIntelligentTieringConfiguration")
                if config.get("Id") != config_id:
                    raise S3Error(400, "InvalidArgument", "The Id in the configuration must be the id of the request")
                errors = tiering_errors(config)
                if errors:
                    raise S3Error(400, "InvalidArgument", "; ".join(errors))
                if config_id not in store and len(store) >= MAX_TIERING_CONFIGURATIONS:
                    raise S3Error(
                        400, "TooManyConfigurations", "You are attempting to create a new configuration but have already reached the 1,000-configuration limit."
                    )
                store[config_id] = config
                return 200, {}, ""
            if config_id not in store:
                raise S3Error(404, "NoSuchConfiguration", "The specified configuration does not exist.")
            if method == "DELETE":
                del store[config_id]
                return 204, {}, ""
            return self.serialized(ActionResult({"IntelligentTieringConfiguration": store[config_id]}))
        except S3Error as e:
            return e.response(bucket_name)

    @functools.wraps(original_get)
    def _bucket_response_get(self, bucket_name, querystring):
        if "intelligent-tiering" in querystring:
            return answer(self, bucket_name, "GET", querystring)
        return original_get(self, bucket_name, querystring)

    @functools.wraps(original_put)
    def _bucket_response_put(self, request, bucket_name, querystring):
        if "intelligent-tiering" in querystring:
            return answer(self, bucket_name, "PUT", querystring)
        return original_put(self, request, bucket_name, querystring)

    @functools.wraps(original_delete)
    def _bucket_response_delete(self, bucket_name, querystring):
        if "intelligent-tiering" in querystring:
            return answer(self, bucket_name, "DELETE", querystring)
        return original_delete(self, bucket_name, querystring)

    S3Response._bucket_response_get = _bucket_response_get
    S3Response._bucket_response_put = _bucket_response_put
    S3Response._bucket_response_delete = _bucket_response_delete


def _bucket_name(destination: str) -> str:
    return destination.split(":::", 1)[-1] if destination.startswith("arn:") else destination


def replication_errors(backend, account_id: str, config: dict) -> list:
    """(code, message) pairs for what AWS refuses in a ReplicationConfiguration (see s3_bucket_replication_as_sent)."""
    errors = []
    rules = config.get("Rules") or []
    if not config.get("Role"):
        errors.append(("MalformedXML", "Role is required"))
    if not rules:
        errors.append(("MalformedXML", "At least one Rule is required"))
    ids = [rule["ID"] for rule in rules if rule.get("ID")]
    if len(ids) != len(set(ids)):
        errors.append(("InvalidArgument", "Rule Id must be unique. Found same ID for more than one rule"))
    v2 = [rule for rule in rules if "Filter" in rule]
    if v2 and len(v2) != len(rules):
        errors.append(("InvalidRequest", "A replication configuration cannot mix rules with a Filter and rules with a Prefix"))
    for rule in v2:
        if "DeleteMarkerReplication" not in rule:
            errors.append(("InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema."))
        if "Priority" not in rule:
            errors.append(("InvalidRequest", "Priority must be specified for this version of Cross Region Replication configuration schema."))
    priorities = [rule["Priority"] for rule in v2 if "Priority" in rule]
    if len(priorities) != len(set(priorities)):
        errors.append(("InvalidRequest", "Found two rules with same priority"))
    for rule in rules:
        destination = rule.get("Destination") or {}
        rtc = (destination.get("ReplicationTime") or {}).get("Status") == "Enabled"
        if rtc and (destination.get("Metrics") or {}).get("Status") != "Enabled":
            errors.append(("InvalidRequest", "Replication Time Control must be used in conjunction with metrics."))
        sse_kms = ((rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}).get("Status") == "Enabled"
        if sse_kms and not (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID"):
            errors.append(("InvalidRequest", "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."))
        if destination.get("Account") not in (None, account_id):
            continue  # another account's bucket: not visible here
        target = backend.buckets.get(_bucket_name(destination.get("Bucket") or ""))
        if target is None:
            errors.append(("InvalidRequest", "Destination bucket must exist."))
        elif not target.is_versioned:
            errors.append(("InvalidRequest", "Destination bucket must have versioning enabled."))
    return errors


def s3_bucket_replication_as_sent() -> None:
    """PutBucketReplication keeps the whole configuration and checks it as AWS does; GetBucketReplication answers it.

    AWS: keeps the configuration as sent, V2 rules with their Filter (prefix, tag or And), DeleteMarkerReplication,
    SourceSelectionCriteria and Destination (storage class, account, encryption, ReplicationTime, Metrics), and
    gives a rule without ID a random one (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html,
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRule.html). It refuses a source bucket whose
    versioning is not Enabled; a rule with a Filter without DeleteMarkerReplication or Priority; two rules with the
    same ID or priority; ReplicationTime without Metrics; SSE-KMS selection without ReplicaKmsKeyID; a destination
    bucket (of the same account) that does not exist or is not versioned
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html). A bucket without one
    answers ReplicationConfigurationNotFoundError (404).
    moto: answers every rule with ``Filter: {Prefix: ""}`` and ``DeleteMarkerReplication: Disabled``, drops
    SourceSelectionCriteria, checks only the source's versioning, and answers the missing configuration with 400.
    """
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    original_put = S3Response._bucket_response_put

    @functools.wraps(original_put)
    def _bucket_response_put(self, request, bucket_name, querystring):
        if "replication" not in querystring:
            return original_put(self, request, bucket_name, querystring)
        self.data["Action"] = "PutBucketReplication"
        self._authenticate_and_authorize_s3_action(bucket_name=bucket_name)
        bucket = self.backend.get_bucket(bucket_name)
        try:
            if not bucket.is_versioned:
                raise S3Error(400, "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
            config = request_payload(self.body, "PutBucketReplication")
            errors = replication_errors(self.backend, self.current_account, config)
            if errors:
                raise S3Error(400, errors[0][0], "; ".join(dict.fromkeys(message for code, message in errors)))
        except S3Error as e:
            return e.response(bucket_name)
        for rule in config["Rules"]:
            rule.setdefault("ID", "".join(random.choice(string.ascii_letters + string.digits) for index in range(30)))
        bucket.replication = config
        return 200, {}, ""

    def get_bucket_replication(self):
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            return S3Error(404, "ReplicationConfigurationNotFoundError", "The replication configuration was not found").response(self.bucket_name)
        return self.serialized(ActionResult({"ReplicationConfiguration": replication}))

    S3Response._bucket_response_put = _bucket_response_put
    S3Response.get_bucket_replication = get_bucket_replication


def s3_put_object_checksum_verified() -> None:
    """PutObject checks the checksum it is sent against the bytes it receives and refuses the object when they differ.

    AWS: "When you use an SDK or the REST API to upload an object with a checksum header, Amazon S3 calculates the
    checksum of the data it receives and compares it with the one provided; if they don't match, the request fails"
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html), with ``BadDigest`` (400)
    "The SHA256 you specified did not match the calculated checksum." (the same for CRC32 and SHA1).
    moto: keeps whatever ``x-amz-checksum-*`` value it is sent (its code says "TODO: AWS computes the provided value and
    verifies it's the same") and answers it back on HeadObject, so a copy that sent a wrong checksum looks verified.
    """
    import base64
    import hashlib
    import zlib

    from moto.s3.responses import S3Response

    digests = {
        "sha256": lambda body: hashlib.sha256(body).digest(),
        "sha1": lambda body: hashlib.sha1(body).digest(),  # nosec - the checksum S3 offers, not a security use
        "crc32": lambda body: zlib.crc32(body).to_bytes(4, "big"),
    }
    original = S3Response.put_object

    @functools.wraps(original)
    def put_object(self):
        for algorithm, digest in digests.items():
            sent = self.headers.get(f"x-amz-checksum-{algorithm}")
            if sent and base64.b64encode(digest(self.body or b"")).decode() != sent:
                return S3Error(400, "BadDigest", f"The {algorithm.upper()} you specified did not match the calculated checksum.").response(self.bucket_name)
        return original(self)

    S3Response.put_object = put_object
