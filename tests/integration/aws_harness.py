"""Shared by the integration tests: where the repository is, and which AWS calls change something."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Operations that only read; anything else changes AWS.
READ_ONLY = re.compile(r"^(Describe|List|Get|Head|Lookup|Search|Check|Validate)")


def changing_calls(calls: list[dict]) -> list[dict]:
    return [call for call in calls if not READ_ONLY.match(call["operation"] or "")]
