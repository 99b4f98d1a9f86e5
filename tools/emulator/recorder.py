"""Record every AWS API call the emulator answers, one JSON line per call.

A record says when (``ts``), what (``service``, ``operation``, ``region``), the answer's HTTP ``status``, and who called
(``client``: ``inventory`` when the User-Agent carries the inventory plugin's mark, else ``module``).
"""

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

from .operations import identify

CALL_KEY = "stories.call"
_UNRECORDED = ("/moto-api", "/_stories", "/favicon.ico")
# The stories1001.infra.platform inventory plugin adds this to its clients' User-Agent (botocore's user_agent_extra),
# so a record tells the inventory's reads from the calls the play's modules make.
INVENTORY_MARK = "stories1001-inventory"


def caller(environ: dict) -> str:
    """``inventory`` for a call of the inventory plugin, ``module`` for any other."""
    return "inventory" if INVENTORY_MARK in environ.get("HTTP_USER_AGENT", "").split() else "module"


class Recorder:
    """WSGI middleware: identifies the call (left in ``environ[CALL_KEY]`` for the apps behind) and appends its record."""

    def __init__(self, app: Callable, path: Path):
        self.app = app
        self.path = path
        self._lock = threading.Lock()
        self.clear()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(_UNRECORDED):
            return self.app(environ, start_response)
        call = environ[CALL_KEY] = identify(environ)
        client = caller(environ)

        def recording_start_response(status: str, headers: list, exc_info=None):
            self._append(
                {
                    "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                    "service": call.service,
                    "operation": call.operation,
                    "region": call.region,
                    "status": int(status.split(" ", 1)[0]),
                    "client": client,
                }
            )
            return start_response(status, headers, exc_info)

        return self.app(environ, recording_start_response)

    def clear(self) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("")

    def _append(self, record: dict) -> None:
        line = json.dumps(record) + "\n"
        with self._lock, self.path.open("a") as stream:
            stream.write(line)


def read_calls(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def summarize(calls: Iterable[dict]) -> list[tuple[str, str, str, int]]:
    """Count per (service, operation, region), busiest first."""
    counts = Counter((str(call["service"]), str(call["operation"]), str(call["region"])) for call in calls)
    return [(*key, count) for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
