"""The emulator's own endpoints under /_stories/: fault settings, the call record and the application-health oracle.

``/_stories/app-health`` stands in for the health of the applications the emulated ECS services run (their
/api/health as the load balancer probes it; see ecs.py): ``POST {"image": "<exact image URI>", "healthy": false}``
marks an image, ``GET`` lists the marks as ``{"marks": {"<image URI>": false}}``, ``DELETE`` clears them, and so does
``/moto-api/reset``. Unmarked images are healthy.
"""

import json
from collections.abc import Callable, Iterable

from werkzeug.wrappers import Request, Response

from . import ecs
from .faults import FaultInjector, FaultRule
from .recorder import Recorder

PREFIX = "/_stories/"


class Control:
    """WSGI middleware in front of everything else; answers /_stories/* itself."""

    def __init__(self, app: Callable, recorder: Recorder, injector: FaultInjector):
        self.app = app
        self._recorder = recorder
        self._injector = injector
        self._routes = {
            ("GET", "faults"): self._faults,
            ("POST", "faults"): self._set_faults,
            ("DELETE", "faults"): self._clear_faults,
            ("DELETE", "calls"): self._clear_calls,
            ("GET", "app-health"): self._app_health,
            ("POST", "app-health"): self._mark_app_health,
            ("DELETE", "app-health"): self._clear_app_health,
        }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        request = Request(environ)
        handler = self._routes.get((request.method, path.removeprefix(PREFIX).strip("/")))
        response = handler(request) if handler else _json({"error": f"no such endpoint: {request.method} {path}"}, 404)
        return response(environ, start_response)

    def _faults(self, _request: Request) -> Response:
        rule = self._injector.rule
        return _json(rule.as_mapping() if rule else {})

    def _set_faults(self, request: Request) -> Response:
        try:
            self._injector.configure(FaultRule.from_mapping(json.loads(request.get_data() or b"{}")))
        except ValueError as error:
            return _json({"error": str(error)}, 400)
        return self._faults(request)

    def _clear_faults(self, request: Request) -> Response:
        self._injector.configure(None)
        return self._faults(request)

    def _clear_calls(self, _request: Request) -> Response:
        self._recorder.clear()
        return _json({})

    def _app_health(self, _request: Request) -> Response:
        return _json({"marks": dict(ecs.APP_HEALTH)})

    def _mark_app_health(self, request: Request) -> Response:
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return _json({"error": "the body is not JSON"}, 400)
        body = body if isinstance(body, dict) else {}
        image, healthy = body.get("image"), body.get("healthy")
        if not isinstance(image, str) or not image or not isinstance(healthy, bool):
            return _json({"error": 'expected {"image": "<image URI>", "healthy": true|false}'}, 400)
        ecs.mark_app_health(image, healthy)
        return self._app_health(request)

    def _clear_app_health(self, request: Request) -> Response:
        ecs.clear_app_health()
        return self._app_health(request)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
