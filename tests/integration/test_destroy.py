"""playbooks/destroy.yml on the emulator: refused without the environment's name, before any AWS call.

The destroy of a built platform (--check deletes nothing, the real run removes phase 1 in reverse order keeping the
final snapshots and the content bucket, a re-run changes nothing) is the last job of the phase 1 platform that
test_awx_job_templates.py builds through the AWX job templates: building phase 1 is the slow part, done once.
"""

from __future__ import annotations

import pytest

from aws_harness import play_calls

REFUSED = {
    "no confirmation": ({}, "set destroy_confirm=local (the environment name) to confirm"),
    "another environment's name": ({"destroy_confirm": "staging"}, "set destroy_confirm=local (the environment name) to confirm"),
    "production confirmed with another name": (
        {"platform_environment": "production", "destroy_confirm": "local"},
        "set destroy_confirm=production (the environment name) to confirm; production also needs destroy_production=true",
    ),
    "production named but not confirmed as production": (
        {"platform_environment": "production", "destroy_confirm": "production"},
        "production also needs destroy_production=true",
    ),
}


@pytest.mark.parametrize("extra_vars, message", REFUSED.values(), ids=REFUSED.keys())
def test_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/destroy.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []
