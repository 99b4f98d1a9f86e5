"""Operation detection, checked on requests that botocore itself builds from the real service models."""

import datetime
import io
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.config import Config

from tools.emulator.operations import SIGNING_NAME_ALIASES, Call, buffer_body, identify, service_model

ENDPOINT = "http://127.0.0.1:1"  # nothing is sent: before-send stops every request
REGION = "eu-west-1"

# Same method, path and parameters on the wire: the request goes to the operation that is not deprecated.
S3_DEPRECATED_TWINS = {
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
}
# Signed for other services than s3 (S3 Express, S3 Object Lambda), which the collection does not use.
S3_OTHER_SIGNERS = {"ListDirectoryBuckets": "s3express", "WriteGetObjectResponse": "s3-object-lambda"}


class Captured(Exception):
    """Raised from before-send: carries the request botocore would have sent."""


def capture(client, method, params):
    with pytest.raises(Captured) as captured:
        getattr(client, method)(**params)
    return captured.value.args[0]


def capturing_client(service):
    client = boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def refuse_to_send(request, **_kwargs):
        raise Captured(request)

    client.meta.events.register("before-send", refuse_to_send)
    return client


def environ_for(request):
    """The WSGI environ werkzeug's server makes of this request."""
    parts = urlsplit(request.url)
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    environ = {
        "REQUEST_METHOD": request.method,
        "RAW_URI": parts.path + (f"?{parts.query}" if parts.query else ""),
        "PATH_INFO": unquote(parts.path),
        "QUERY_STRING": parts.query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value.decode() if isinstance(value, bytes) else value
    return environ


def minimal_input(shape):
    """The smallest valid input: required members only, one item per list."""
    if shape.type_name == "structure":
        if getattr(shape, "is_tagged_union", False) and not shape.required_members:
            name = next(iter(shape.members))
            return {name: minimal_input(shape.members[name])}
        return {name: minimal_input(shape.members[name]) for name in shape.required_members}
    if shape.type_name == "list":
        return [minimal_input(shape.member) for _item in range(max(shape.metadata.get("min", 1), 1))]
    if shape.type_name == "string":
        return shape.enum[0] if shape.enum else "a" * max(shape.metadata.get("min", 1), 1)
    return {
        "map": {},
        "integer": max(shape.metadata.get("min", 1), 1),
        "long": max(shape.metadata.get("min", 1), 1),
        "double": 1.0,
        "float": 1.0,
        "boolean": True,
        "timestamp": datetime.datetime(2026, 1, 1),
        "blob": b"a",
    }[shape.type_name]


def expected_call(model, name):
    if name in S3_OTHER_SIGNERS:
        return Call(S3_OTHER_SIGNERS[name], REGION, None, None)
    return Call(model.signing_name, REGION, S3_DEPRECATED_TWINS.get(name, name), model.resolved_protocol)


@pytest.mark.parametrize(
    "service", ["ec2", "rds", "iam", "logs", "ecs", "s3", "backup", "cloudfront", "elasticache", "secretsmanager", "lambda", "route53", "elbv2"]
)
def test_every_operation_of_the_service_is_identified(service):
    client = capturing_client(service)
    model = client.meta.service_model
    wrong = {}
    for method, name in client.meta.method_to_api_mapping.items():
        operation = model.operation_model(name)
        call = identify(environ_for(capture(client, method, minimal_input(operation.input_shape) if operation.input_shape else {})))
        if call != expected_call(model, name):
            wrong[name] = call
    assert not wrong, f"{len(wrong)} of {len(model.operation_names)} {service} operations misidentified: {wrong}"


@pytest.mark.parametrize(
    ("service", "method", "params", "operation"),
    [
        ("s3", "put_bucket_tagging", {"Bucket": "b", "Tagging": {"TagSet": []}}, "PutBucketTagging"),
        ("s3", "put_bucket_versioning", {"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}}, "PutBucketVersioning"),
        ("s3", "get_bucket_lifecycle_configuration", {"Bucket": "b"}, "GetBucketLifecycleConfiguration"),
        ("s3", "list_objects_v2", {"Bucket": "b"}, "ListObjectsV2"),
        ("s3", "list_objects", {"Bucket": "b"}, "ListObjects"),
        ("s3", "put_object", {"Bucket": "b", "Key": "books/a b.pdf", "Body": b"x"}, "PutObject"),
        ("s3", "copy_object", {"Bucket": "b", "Key": "k", "CopySource": "b/src"}, "CopyObject"),
        ("s3", "upload_part", {"Bucket": "b", "Key": "k", "PartNumber": 1, "UploadId": "u", "Body": b"x"}, "UploadPart"),
        ("s3", "create_bucket", {"Bucket": "b"}, "CreateBucket"),
        ("s3", "list_buckets", {}, "ListBuckets"),
        ("backup", "describe_backup_vault", {"BackupVaultName": "v"}, "DescribeBackupVault"),
        ("backup", "list_backup_vaults", {}, "ListBackupVaults"),
        ("lambda", "get_function_configuration", {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:f"}, "GetFunctionConfiguration"),
        ("cloudfront", "get_distribution_config", {"Id": "E1"}, "GetDistributionConfig"),
    ],
)
def test_rest_operations_that_share_a_path(service, method, params, operation):
    assert identify(environ_for(capture(capturing_client(service), method, params))).operation == operation


def test_query_action_is_read_from_the_form_body_and_the_body_left_intact():
    request = capture(capturing_client("iam"), "create_role", {"RoleName": "app", "AssumeRolePolicyDocument": '{"Statement": []}'})
    environ = environ_for(request)
    sent = environ["wsgi.input"].getvalue()

    assert identify(environ) == Call("iam", REGION, "CreateRole", "query")
    assert environ["wsgi.input"].read() == sent


def test_buffer_body_reads_only_content_length_and_replays_it():
    environ = {"CONTENT_LENGTH": "5", "wsgi.input": io.BytesIO(b"hello, and more")}

    assert buffer_body(environ) == b"hello"
    assert environ["wsgi.input"].read() == b"hello"


def test_sigv4_presigned_url_is_identified_from_its_query_credential():
    client = boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing", config=Config(signature_version="s3v4")
    )
    url = urlsplit(client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}))
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"{url.path}?{url.query}", "PATH_INFO": url.path, "QUERY_STRING": url.query}

    assert identify(environ) == Call("s3", REGION, "GetObject", "rest-xml")


def test_unsigned_request_is_unknown():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "wsgi.input": io.BytesIO()}

    assert identify(environ) == Call(None, None, None, None)


def test_json_target_names_the_operation_even_for_an_unknown_signing_name():
    environ = {
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/nosuchservice/aws4_request, SignedHeaders=host",
        "HTTP_X_AMZ_TARGET": "NoSuch_20260101.DoThing",
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
    }

    assert identify(environ) == Call("nosuchservice", "eu-west-1", "DoThing", "json")


@pytest.mark.parametrize(("signing_name", "service_name"), sorted(SIGNING_NAME_ALIASES.items()))
def test_signing_name_aliases_match_the_models(signing_name, service_name):
    assert service_model(signing_name).service_name == service_name
    assert service_model(signing_name).signing_name == signing_name
