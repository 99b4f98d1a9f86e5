"""Shared by the integration tests: where the repository is, and which AWS calls change something."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A host's line in the PLAY RECAP.
RECAP = re.compile(r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)", re.M)

# Operations that only read; anything else changes AWS.
READ_ONLY = re.compile(r"^(Describe|List|Get|Head|Lookup|Search|Check|Validate)")


def recap(output: str) -> dict[str, dict[str, int]]:
    """Each host's ok, changed, unreachable and failed counts, from a run's PLAY RECAP."""
    return {m["host"]: {k: int(m[k]) for k in ("ok", "changed", "unreachable", "failed")} for m in RECAP.finditer(output)}


def changing_calls(calls: list[dict]) -> list[dict]:
    return [call for call in calls if not READ_ONLY.match(call["operation"] or "")]


def play_calls(calls: list[dict]) -> list[dict]:
    """The calls a run made itself: all but the inventory plugin's reads.

    The stories1001.infra.platform inventory reads AWS before any play starts; its clients mark their User-Agent and the
    emulator records those calls with ``"client": "inventory"``. A call of the inventory that changes something (there
    should be none) still counts.
    """
    return [call for call in calls if not (call.get("client") == "inventory" and READ_ONLY.match(call["operation"] or ""))]
