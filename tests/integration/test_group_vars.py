"""Platform-wide group_vars reach every inventory, and an environment's own group_vars override them."""

import json
from pathlib import Path

import pytest

from aws_harness import REPO

PLATFORM = REPO / "group_vars" / "all" / "platform.yml"
SHOW = (
    "{{ {'project': platform_project, 'environment': platform_environment, 'tags': platform_tags,"
    " 'nat': network_nat_gateway_mode | default('role default'), 'vpc': network_vpc_cidr, 'name_prefix': platform_name_prefix} | to_json }}"
)


def host_vars(run, inventory: Path, host: str) -> dict:
    result = run("ansible", "--one-line", "-i", str(inventory), host, "-m", "ansible.builtin.debug", "-a", f"msg={SHOW}")
    assert result.rc == 0, result.output
    return json.loads(json.loads(result.output.split(" => ", 1)[1])["msg"])


@pytest.mark.parametrize("inventory", sorted(p for p in (REPO / "inventories").iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_inventory_loads_the_platform_defaults(inventory):
    link = inventory / "group_vars" / "all" / "00_platform.yml"
    assert link.is_symlink() and link.resolve() == PLATFORM.resolve()


def test_local_inventory_sees_platform_defaults_and_its_own_overrides(run):
    seen = host_vars(run, REPO / "inventories" / "local", "eu-west-1")
    assert seen["project"] == "1001-stories"  # platform default
    assert seen["environment"] == "local"  # the local inventory's own value beats the platform's "production"
    assert seen["tags"]["Environment"] == "local"  # and flows into templated platform values
    assert seen["vpc"] == "10.1.0.0/16"  # per-region value chosen by the host


def test_an_environment_overrides_any_platform_default(run, tmp_path):
    env = tmp_path / "storymagic"
    (env / "group_vars" / "all").mkdir(parents=True)
    (env / "hosts.yml").write_text("all:\n  children:\n    primary:\n      hosts:\n        eu-central-1:\n")
    (env / "group_vars" / "all" / "00_platform.yml").symlink_to(PLATFORM)
    (env / "group_vars" / "all" / "env.yml").write_text(
        "platform_environment: staging\nplatform_name_prefix: storymagic\nplatform_vpc_cidrs:\n  eu-central-1: 10.20.0.0/16\n"
    )
    (env / "group_vars" / "primary.yml").write_text("network_nat_gateway_mode: single\n")
    seen = host_vars(run, env, "eu-central-1")
    assert seen == {
        "project": "1001-stories",
        "environment": "staging",
        "tags": {"Project": "1001-stories", "Environment": "staging", "Phase": "1", "ManagedBy": "stories1001.infra"},
        "nat": "single",
        "vpc": "10.20.0.0/16",
        "name_prefix": "storymagic",
    }
