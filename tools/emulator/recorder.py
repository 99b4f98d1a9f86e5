"""Record every AWS API call the emulator answers, one JSON line per call."""

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

from .operations import identify

CALL_KEY = "stories.call"
_UNRECORDED = ("/moto-api", "/_stories", "/favicon.ico")


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

        def recording_start_response(status: str, headers: list, exc_info=None):
            self._append(
                {
                    "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                    "service": call.service,
                    "operation": call.operation,
                    "region": call.region,
                    "status": int(status.split(" ", 1)[0]),
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
