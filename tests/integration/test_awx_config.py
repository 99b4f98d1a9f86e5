"""The execution environment's build context (ansible-builder create, offline) and awx/configure.yml's refusal before
any call to AWX. No AWX server and no container engine run here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import ansible
import pytest
import yaml

from aws_harness import REPO

BIN = Path(sys.executable).parent
# The collections the pinned ansible package carries (site-packages/ansible_collections, beside ansible-core).
COLLECTIONS = Path(ansible.__file__).resolve().parents[1] / "ansible_collections"


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTROLLER_", "TOWER_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"),
        ANSIBLE_NOCOLOR="1",
        **extra,
    )
    return env


def _run(*command: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, env=_env(**extra), capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def ee_context(tmp_path_factory):
    """make ee's two steps: the collection tarball into build/, then ansible-builder create into a scratch context."""
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    built = _run("ansible-galaxy", "collection", "build", "--force", "--output-path", "build/")
    assert built.returncode == 0, built.stdout + built.stderr
    context = tmp_path_factory.mktemp("ee") / "context"
    created = _run("ansible-builder", "create", "--file", "execution-environment.yml", "--context", str(context), "--output-filename", "Containerfile")
    assert created.returncode == 0, created.stdout + created.stderr
    return context, galaxy


def test_ansible_builder_create_makes_a_context_with_the_collection_and_its_dependencies(ee_context):
    context, galaxy = ee_context
    containerfile = (context / "Containerfile").read_text()
    assert containerfile.startswith('ARG EE_BASE_IMAGE="quay.io/ansible/awx-ee:')
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile
    build = context / "_build"
    python = (build / "requirements.txt").read_text()
    system = (build / "bindep.txt").read_text()
    assert all(package in python for package in ("boto3", "botocore", "psycopg[binary]"))
    assert "postgresql [platform:rpm]" in system and "postgresql-client [platform:dpkg]" in system
    # No ansible or ansible-core pinned: the base image's are used.
    requirement_lines = [line.split("#")[0].strip() for line in python.splitlines()]
    assert not [line for line in requirement_lines if line.lower().startswith(("ansible", "ansible-core"))]
    collections = yaml.safe_load((build / "requirements.yml").read_text())["collections"]
    tarball = f"stories1001-infra-{galaxy['version']}.tar.gz"
    assert {c["name"] for c in collections} == {f"collections/{tarball}", "amazon.aws", "community.aws", "community.postgresql"}
    assert (build / "collections" / tarball).is_file(), "the built collection is in the context, where the galaxy stage installs it from"


def test_the_ee_carries_the_collection_versions_the_tests_run_with():
    collections = yaml.safe_load((REPO / "awx" / "ee-requirements.yml").read_text())["collections"]
    for entry in collections:
        if "version" not in entry:
            continue
        namespace, name = entry["name"].split(".")
        manifest = json.loads((COLLECTIONS / namespace / name / "MANIFEST.json").read_text())
        assert entry["version"] == manifest["collection_info"]["version"], entry["name"]


def test_the_collections_own_ee_dependencies_are_the_root_files():
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert meta == {"version": 1, "dependencies": {"python": "requirements.txt", "system": "bindep.txt"}}


CONNECTION = {
    "controller_host": "https://127.0.0.1:9",
    "controller_oauthtoken": "not-a-token",
    "awx_project_scm_url": "https://git.example.org/1001stories/stories1001.infra.git",
    "awx_aws_access_key": "AKIAEXAMPLE",
    "awx_aws_secret_key": "not-a-secret",
}
MISSING = {
    "everything": (
        {},
        [
            "controller_host is required",
            "awx_project_scm_url is required",
            "awx_aws_access_key is required",
            "set controller_oauthtoken, or controller_username and controller_password",
        ],
    ),
    "the host": ({k: v for k, v in CONNECTION.items() if k != "controller_host"}, ["controller_host is required"]),
    "a password without a user": (
        {k: v for k, v in CONNECTION.items() if k != "controller_oauthtoken"} | {"controller_password": "x"},
        ["set controller_oauthtoken, or controller_username and controller_password"],
    ),
    "the AWS secret key": ({k: v for k, v in CONNECTION.items() if k != "awx_aws_secret_key"}, ["awx_aws_secret_key is required"]),
}


@pytest.mark.parametrize("extra_vars, messages", MISSING.values(), ids=MISSING.keys())
def test_configure_refuses_before_any_call_naming_what_is_missing(extra_vars, messages):
    result = _run("ansible-playbook", "-i", "awx/inventory.yml", "awx/configure.yml", "--check", "-e", json.dumps(extra_vars))
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "awx/configure.yml cannot run:" in output and "(no call to AWX was made)" in output, output[-3000:]
    assert all(message in output for message in messages), output[-3000:]
    # The first task failed: nothing after it ran, so nothing reached for AWX.
    assert "TASK [The organization]" not in output
    assert "ok=0" in output and "failed=1" in output


def test_configure_check_passes_its_validation_and_stops_at_the_first_call_without_a_server():
    """How far --check gets without AWX: the input check and the surveys' reading pass; the first awx.awx module asks
    the server (even in check mode) and fails to connect."""
    result = _run("ansible-playbook", "-i", "awx/inventory.yml", "awx/configure.yml", "--check", "-e", json.dumps(CONNECTION))
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "ok: [localhost] => (item=destroy)" in output, output[-3000:]
    assert "TASK [The organization]" in output and "127.0.0.1:9/api/v2/organizations/" in output, output[-3000:]
    assert "ok=2" in output and "failed=1" in output
    assert "not-a-secret" not in output and "not-a-token" not in output
