"""Benchmark phase 1 on the embedded AWS: tasks, wall times (first run, re-run, --check on empty) and API calls.

Run with `make bench`. Figures, not assertions: speed goals live here, not in the tests.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tools.emulator import Emulator  # noqa: E402

READ_ONLY = re.compile(r"^(Describe|List|Get|Head|Lookup|Search|Check|Validate)")
RECAP = re.compile(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)")


def playbook(env: dict, *args: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(["ansible-playbook", "playbooks/phase1.yml", *args], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"phase1 {' '.join(args)} failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}")
    return elapsed, done.stdout


def recap(output: str) -> dict:
    ok, changed, failed = (int(x) for x in RECAP.findall(output)[-1])
    return {"ok": ok, "changed": changed, "failed": failed}


def calls_summary(calls: list[dict]) -> dict:
    return {
        "total": len(calls),
        "changing": sum(1 for call in calls if not READ_ONLY.match(call["operation"] or "")),
        "by_operation": dict(Counter(f"{c['service']}:{c['operation']}" for c in calls).most_common()),
    }


def main() -> None:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"), ANSIBLE_NOCOLOR="1")
    listed = subprocess.run(["ansible-playbook", "playbooks/phase1.yml", "--list-tasks"], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    tasks = [line for line in listed.stdout.splitlines() if "TAGS:" in line]
    report = {"tasks_listed": len(tasks)}
    with Emulator(port=0, record=REPO / ".emulator" / "bench-calls.jsonl") as aws:
        env["STORIES_AWS_ENDPOINT"] = aws.url
        report["check_on_empty_s"], out = playbook(env, "--check")
        report["check_on_empty"] = recap(out) | {"calls": calls_summary(aws.calls())["total"], "changing_calls": calls_summary(aws.calls())["changing"]}
        aws.reset()
        report["first_run_s"], out = playbook(env)
        report["first_run"] = recap(out) | {"calls": len(aws.calls())}
        aws.clear_calls()
        report["rerun_s"], out = playbook(env)
        report["rerun"] = recap(out) | {"calls": calls_summary(aws.calls())}
    for key in ("check_on_empty_s", "first_run_s", "rerun_s"):
        report[key] = round(report[key], 1)
    text = json.dumps(report, indent=2)
    (REPO / ".emulator" / "bench-phase1.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
