"""One AWS emulator for the whole integration run, reset between tests; helpers to run Ansible against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from awx_jobs import Job
from aws_harness import REPO, recap

sys.path.insert(0, str(REPO))

from tools.emulator import Emulator  # noqa: E402


@dataclass
class Run:
    rc: int
    output: str

    def recap(self) -> dict[str, dict[str, int]]:
        return recap(self.output)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with Emulator(port=0, record=tmp_path_factory.mktemp("emulator") / "calls.jsonl") as running:
        yield running


@pytest.fixture
def aws(emulator):
    """A clean emulator for this test."""
    emulator.reset()
    return emulator


@pytest.fixture(scope="session")
def ansible_env(emulator):
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
        PY_COLORS="0",
        NO_COLOR="1",
        STORIES_AWS_ENDPOINT=emulator.url,
    )
    return env


@pytest.fixture(scope="session")
def run(ansible_env):
    def _run(*args: str, extra_vars: dict | None = None, timeout: int = 900) -> Run:
        command = list(args)
        if extra_vars is not None:
            command += ["--extra-vars", json.dumps(extra_vars)]
        done = subprocess.run(command, cwd=REPO, env=ansible_env, capture_output=True, text=True, timeout=timeout, check=False)
        return Run(done.returncode, done.stdout + done.stderr)

    return _run


@pytest.fixture(scope="session")
def boto(emulator):
    def _client(service: str, region: str = "us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=emulator.url, aws_access_key_id="testing", aws_secret_access_key="testing")

    return _client


@pytest.fixture(scope="session")
def launch(emulator, tmp_path_factory):
    """Launch an AWX job template by name as AWX runs it (awx_jobs.Job): survey answers, launch-time variables, limit,
    tags; returns the finished job."""

    def _launch(name: str, **kwargs) -> Job:
        return Job(name, emulator, tmp_path_factory.mktemp("awx-job"), **kwargs).run()

    return _launch
