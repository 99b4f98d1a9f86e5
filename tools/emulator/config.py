"""Where the emulator listens and keeps its files, from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = REPO_ROOT / ".emulator"
DEFAULT_ENDPOINT = "http://127.0.0.1:5000"
DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2")


def endpoint() -> str:
    return os.environ.get("STORIES_AWS_ENDPOINT", DEFAULT_ENDPOINT)


def endpoint_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.port is None:
        raise ValueError(f"the emulator endpoint needs an explicit port: {url}")
    return parts.hostname or "127.0.0.1", parts.port


def record_path() -> Path:
    return Path(os.environ.get("STORIES_AWS_RECORD", STATE_DIR / "calls.jsonl"))


def fault_spec() -> str:
    return os.environ.get("STORIES_AWS_FAULTS", "")
