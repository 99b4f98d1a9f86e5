"""Talk to a running emulator over HTTP: readiness, reset, faults, the call record."""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .faults import parse_spec

# The emulator is on loopback: never route the control calls through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorError(RuntimeError):
    pass


class EmulatorClient:
    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def is_ready(self) -> bool:
        """True once the emulator answers; a plain moto server on the same port does not count."""
        try:
            self._request("GET", "/_stories/faults", timeout=1)
        except (OSError, EmulatorError):
            return False
        return True

    def wait_until_ready(self, timeout: float = 30, still_starting: Callable[[], bool] = lambda: True) -> None:
        """Poll a real request until the server answers; give up after ``timeout`` s or once ``still_starting()`` is false."""
        deadline = time.monotonic() + timeout
        delay = 0.01
        while not self.is_ready():
            if not still_starting() or time.monotonic() > deadline:
                raise EmulatorError(f"the AWS emulator did not answer at {self.url}")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def reset(self) -> None:
        """Forget all AWS state, the call record and any faults."""
        self.clear_faults()  # first: a plain moto server on the port answers 404 here, and keeps its state
        self._request("POST", "/moto-api/reset")
        self.clear_calls()

    def clear_calls(self) -> None:
        self._request("DELETE", "/_stories/calls")

    def faults(self) -> dict[str, str]:
        return self._request("GET", "/_stories/faults")

    def set_faults(self, spec: str) -> dict[str, str]:
        """E.g. ``"throttle=0.25"`` or ``"5xx=0.1,service=ec2,operation=DescribeVpcs"``; ``""`` clears."""
        return self._request("POST", "/_stories/faults", parse_spec(spec))

    def clear_faults(self) -> None:
        self._request("DELETE", "/_stories/faults")

    def _request(self, method: str, path: str, body: dict | None = None, timeout: float = 10) -> dict:
        data = json.dumps(body).encode() if body is not None else b""
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise EmulatorError(f"{method} {path}: HTTP {error.code} {error.read().decode(errors='replace')}") from error
        except urllib.error.URLError as error:
            raise EmulatorError(f"no AWS emulator answers at {self.url}: {error.reason}") from error
        return json.loads(payload) if payload.startswith(b"{") else {}
