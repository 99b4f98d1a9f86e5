"""Answer a deterministic share of calls with throttling or a 5xx, in the error shape of the service's protocol."""

import json
import math
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from http import HTTPStatus
from xml.sax.saxutils import escape

from .operations import Call
from .recorder import CALL_KEY

KINDS = ("throttle", "5xx")
_FILTERS = ("service", "operation")


@dataclass(frozen=True)
class FaultRule:
    """With share 1/4, every 4th call that matches service and operation (when given) faults."""

    kind: str
    share: Fraction
    service: str | None = None
    operation: str | None = None

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object]) -> "FaultRule | None":
        """From ``{"throttle": 0.25, "service": "ec2"}``; an empty mapping means no faults."""
        if not settings:
            return None
        unknown = sorted(set(settings) - {*KINDS, *_FILTERS})
        kinds = [kind for kind in KINDS if kind in settings]
        if unknown or len(kinds) != 1:
            raise ValueError(f"expected one of {', '.join(KINDS)}=SHARE and optional service=, operation=; got {dict(settings)}")
        share = Fraction(str(settings[kinds[0]]))
        if not 0 < share <= 1:
            raise ValueError(f"the share of faulted calls must be in (0, 1], got {settings[kinds[0]]}")
        return cls(kinds[0], share, *(str(settings[key]) if settings.get(key) else None for key in _FILTERS))

    def as_mapping(self) -> dict[str, str]:
        settings = {self.kind: str(float(self.share)), "service": self.service, "operation": self.operation}
        return {key: value for key, value in settings.items() if value}

    def applies_to(self, call: Call) -> bool:
        return self.service in (None, call.service) and self.operation in (None, call.operation)


def parse_spec(spec: str) -> dict[str, str]:
    """``"5xx=0.1,service=ec2"`` to ``{"5xx": "0.1", "service": "ec2"}``."""
    pairs = [item.split("=", 1) for item in spec.split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"fault spec items must be key=value: {spec!r}")
    return {key.strip(): value.strip() for key, value in pairs}


@dataclass(frozen=True)
class _Error:
    code: str
    status: int
    message: str
    sender: bool


class FaultInjector:
    """WSGI middleware behind the Recorder (it reads the identified call from ``environ[CALL_KEY]``)."""

    def __init__(self, app: Callable, rule: FaultRule | None = None):
        self.app = app
        self._lock = threading.Lock()
        self.configure(rule)

    @property
    def rule(self) -> FaultRule | None:
        return self._rule

    def configure(self, rule: FaultRule | None) -> None:
        with self._lock:
            self._rule, self._matched, self._faulted = rule, 0, 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        call = environ.get(CALL_KEY)
        error = self._next_error(call) if call is not None else None
        if error is None:
            return self.app(environ, start_response)
        request_id = str(uuid.uuid4())
        content_type, body = _render(error, call, environ, request_id)
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("x-amzn-RequestId", request_id)]
        if call.protocol == "rest-json":
            headers.append(("x-amzn-ErrorType", error.code))
        start_response(f"{error.status} {HTTPStatus(error.status).phrase}", headers)
        return [body]

    def _next_error(self, call: Call) -> _Error | None:
        with self._lock:
            rule = self._rule
            if rule is None or call.protocol is None or not rule.applies_to(call):
                return None
            self._matched += 1
            if math.floor(self._matched * rule.share) == math.floor((self._matched - 1) * rule.share):
                return None
            self._faulted += 1
            return _error(rule.kind, call, self._faulted)


def _error(kind: str, call: Call, nth: int) -> _Error:
    """The codes botocore's retry handler knows: throttling by code, 5xx by status."""
    if kind == "5xx":
        if nth % 2:
            return _Error("ServiceUnavailable", 503, "Service is unavailable, please try again later.", False)
        return _Error("InternalError", 500, "We encountered an internal error. Please try again.", False)
    if call.service == "s3":
        return _Error("SlowDown", 503, "Please reduce your request rate.", False)
    if call.protocol == "ec2":
        # EC2 answers throttled requests with HTTP 503 RequestLimitExceeded.
        return _Error("RequestLimitExceeded", 503, "Request limit exceeded.", True)
    if call.protocol in ("query", "rest-xml"):
        return _Error("Throttling", 400, "Rate exceeded", True)
    return _Error("ThrottlingException", 400, "Rate exceeded", True)


def _render(error: _Error, call: Call, environ: dict, request_id: str) -> tuple[str, bytes]:
    if call.protocol in ("json", "rest-json"):
        content_type = environ.get("CONTENT_TYPE") if call.protocol == "json" else None
        return content_type or "application/json", json.dumps({"__type": error.code, "message": error.message}).encode()
    fields = f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
    if call.protocol == "ec2":
        xml = f"<Response><Errors><Error>{fields}</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    elif call.service == "s3":
        xml = f"<Error>{fields}<RequestId>{request_id}</RequestId></Error>"
    else:
        kind = "Sender" if error.sender else "Receiver"
        xml = f"<ErrorResponse><Error><Type>{kind}</Type>{fields}</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    return "text/xml", f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}'.encode()
