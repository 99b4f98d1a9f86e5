"""Tell which AWS API call a request is: service and region from SigV4, operation from the botocore model."""

import io
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, unquote

import botocore.session
from botocore.exceptions import UnknownServiceError
from botocore.model import OperationModel, ServiceModel

_SCOPE = re.compile(r"/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[A-Za-z0-9._-]+)/aws4_request")
_LABEL = re.compile(r"\{([^}]+)\}")
_FORM = "application/x-www-form-urlencoded"

# SigV4 signing names that are not themselves botocore service names.
SIGNING_NAME_ALIASES = {
    "access-analyzer": "accessanalyzer",
    "aps": "amp",
    "elasticfilesystem": "efs",
    "elasticloadbalancing": "elbv2",
    "elasticmapreduce": "emr",
    "es": "opensearch",
    "mobiletargeting": "pinpoint",
    "monitoring": "cloudwatch",
    "servicequotas": "service-quotas",
    "states": "stepfunctions",
    "tagging": "resourcegroupstaggingapi",
}


@dataclass(frozen=True)
class Call:
    service: str | None
    region: str | None
    operation: str | None
    protocol: str | None


def identify(environ: dict) -> Call:
    """Identify the call; may buffer a form body, leaving a fresh stream in ``wsgi.input``."""
    service, region = credential_scope(environ)
    model = service_model(service) if service else None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return Call(service, region, target.rsplit(".", 1)[-1], "json")
    if model is not None and model.resolved_protocol in ("rest-json", "rest-xml"):
        return Call(service, region, _routes(model.service_name).match(environ), model.resolved_protocol)
    action = _action(environ)
    if action is None:
        return Call(service, region, None, None)
    protocol = "ec2" if model is not None and model.resolved_protocol == "ec2" else "query"
    return Call(service, region, action, protocol)


def credential_scope(environ: dict) -> tuple[str | None, str | None]:
    """(service, region) from the Authorization header, or X-Amz-Credential of a presigned URL."""
    signed = environ.get("HTTP_AUTHORIZATION") or unquote(environ.get("QUERY_STRING", ""))
    match = _SCOPE.search(signed)
    return (match["service"], match["region"]) if match else (None, None)


@cache
def service_model(signing_name: str) -> ServiceModel | None:
    try:
        return _session().get_service_model(SIGNING_NAME_ALIASES.get(signing_name, signing_name))
    except UnknownServiceError:
        return None


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def _action(environ: dict) -> str | None:
    actions = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not actions and environ.get("CONTENT_TYPE", "").startswith(_FORM):
        actions = parse_qs(buffer_body(environ).decode("utf-8", "replace")).get("Action")
    return actions[0] if actions else None


def buffer_body(environ: dict) -> bytes:
    """Read the request body and put back a fresh stream, so the app behind still gets all of it."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    path: re.Pattern
    query: tuple[tuple[str, str | None], ...]
    headers: tuple[str, ...]

    def matches(self, method: str, path: str, query: dict[str, list[str]], environ: dict) -> bool:
        return (
            method == self.method
            and self.path.fullmatch(path) is not None
            and all(key in query and (value is None or value in query[key]) for key, value in self.query)
            and all(header in environ for header in self.headers)
        )


class _RouteTable:
    """A rest service's operations, most specific first: fixed and required query keys and headers, then literal path.

    Requests that fit two operations exactly (S3 GetBucketLifecycle and GetBucketLifecycleConfiguration) go to the one not deprecated.
    """

    def __init__(self, model: ServiceModel):
        routes = [_route(model.operation_model(name)) for name in model.operation_names]
        self._routes = [route for _specificity, route in sorted(routes, key=lambda item: item[0], reverse=True)]

    def match(self, environ: dict) -> str | None:
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        path = raw_uri.split("?", 1)[0]
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method = environ.get("REQUEST_METHOD", "GET")
        return next((route.operation for route in self._routes if route.matches(method, path, query, environ)), None)


@cache
def _routes(service_name: str) -> _RouteTable:
    return _RouteTable(_session().get_service_model(service_name))


def _route(operation: OperationModel) -> tuple[tuple[int, int, int, bool], _Route]:
    path_template, _separator, fixed_query = operation.http["requestUri"].partition("?")
    query = dict(_query_pair(part) for part in fixed_query.split("&") if part)
    headers = set()
    shape = operation.input_shape
    for name in shape.required_members if shape is not None else ():
        member = shape.members[name]
        location, wire_name = member.serialization.get("location"), member.serialization.get("name", name)
        if location == "querystring" and member.type_name != "map":
            query.setdefault(wire_name, None)
        elif location == "header":
            headers.add(_environ_key(wire_name))
    pattern, literal, greedy = _path_pattern(path_template)
    route = _Route(operation.name, operation.http["method"], pattern, tuple(query.items()), tuple(sorted(headers)))
    return (len(query) + len(headers), literal, -greedy, not operation.deprecated), route


def _query_pair(part: str) -> tuple[str, str | None]:
    key, _separator, value = part.partition("=")
    return key, value or None


def _path_pattern(template: str) -> tuple[re.Pattern, int, int]:
    """Regex for a requestUri path; ``{Label}`` is one segment, ``{Label+}`` any rest. Also counts literal chars and greedy labels."""
    pieces = _LABEL.split(template)
    regex, literal, greedy = "", 0, 0
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            regex += re.escape(piece)
            literal += len(piece)
        elif piece.endswith("+"):
            regex += ".+"
            greedy += 1
        else:
            regex += "[^/]+"
    return re.compile(regex), literal, greedy


def _environ_key(header: str) -> str:
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
