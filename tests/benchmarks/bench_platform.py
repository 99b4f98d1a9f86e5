"""Benchmark the platform on the embedded AWS (`make bench`): figures, not assertions.

One emulator, one state, in this order:
  1. site.yml (phase 3, inventories/local) under --check on an empty emulator: calls made, changing calls (0 expected);
  2. phase 1: first run, re-run;
  3. phase 2 over the four regions: first run, re-run, and a re-run limited to us-east-1 (the parallelism ratio is
     the four-region re-run's wall time over the one-region one);
  4. phase 3 through site.yml: first run, re-run;
  5. destroy.yml under --check, then for real, then again (what is left is what destroy.yml keeps);
and for every re-run the API calls it made (the playbook's, not the inventory plugin's), the read calls among them,
and the read calls per managed resource (resources tagged ManagedBy=stories1001.infra in the four regions, counted
through the tagging API after the run, plus Route 53 health checks and records, which that API does not list).
Tasks per phase are counted with --list-tasks. Prints one table and writes .emulator/bench.json, and each run's
output to .emulator/bench-<run>.log.

Speed goals live here, not in the tests. Wall times are this machine's (2 cores) and the emulator's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import boto3  # noqa: E402

from tools.emulator import Emulator  # noqa: E402

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2")
READ_ONLY = re.compile(r"^(Describe|List|Get|Head|Lookup|Search|Check|Validate)")
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
PLAYBOOKS = {1: "playbooks/phase1.yml", 2: "playbooks/phase2.yml", 3: "playbooks/phase3.yml"}


def ansible_env() -> dict:
    return dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".venv" / "collections"),
        ANSIBLE_NOCOLOR="1",
    )


def playbook(env: dict, name: str, *args: str, log: Path | None = None) -> tuple[float, dict]:
    """Run a playbook on inventories/local: (seconds, recap per host); stop the benchmark when it fails.
    The run's output goes to ``log`` (which tasks changed what, on a re-run)."""
    started = time.monotonic()
    done = subprocess.run(
        ["ansible-playbook", "-i", "inventories/local", name, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    if log:
        log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        sys.exit(f"{name} {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr[-2000:]}")
    recap = {host: {"ok": int(ok), "changed": int(changed), "failed": int(failed)} for host, ok, changed, _u, failed in RECAP.findall(done.stdout)}
    return round(elapsed, 1), recap


def module_calls(emulator: Emulator) -> list[dict]:
    """The playbook's calls: the inventory plugin's own reads (marked by its User-Agent) are left out."""
    return [call for call in emulator.calls() if call.get("client", "module") == "module"]


def managed_resources(url: str) -> int:
    """Resources this collection manages, as AWS would count them: tagged ManagedBy=stories1001.infra in each region,
    plus the Route 53 health checks and record sets (global, and not in the tagging API's answer)."""
    def client(service: str, region: str = "us-east-1"):
        return boto3.client(service, endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")

    total = 0
    for region in REGIONS:
        pages = client("resourcegroupstaggingapi", region).get_paginator("get_resources")
        for page in pages.paginate(TagFilters=[{"Key": "ManagedBy", "Values": ["stories1001.infra"]}]):
            total += len(page["ResourceTagMappingList"])
    route53 = client("route53")
    total += len(route53.list_health_checks()["HealthChecks"])
    for zone in route53.list_hosted_zones()["HostedZones"]:
        records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        total += len([record for record in records if record["Type"] not in ("NS", "SOA")])
    return total


def calls_row(calls: list[dict], resources: int) -> dict:
    reads = sum(1 for call in calls if READ_ONLY.match(call.get("operation") or ""))
    return {
        "calls": len(calls),
        "reads": reads,
        "changing": len(calls) - reads,
        "resources": resources,
        "reads_per_resource": round(reads / resources, 2) if resources else None,
    }


def total(recap: dict, key: str) -> int:
    return sum(host[key] for host in recap.values())


def tasks_per_phase(env: dict) -> dict:
    counts = {}
    for phase, name in PLAYBOOKS.items():
        listed = subprocess.run(
            ["ansible-playbook", "-i", "inventories/local", name, "--list-tasks"], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        counts[phase] = sum(1 for line in listed.stdout.splitlines() if "TAGS:" in line)
    return counts


def main() -> None:
    env = ansible_env()
    report: dict = {"runs": {}}
    runs = report["runs"]
    (REPO / ".emulator").mkdir(exist_ok=True)
    with Emulator(port=0, record=REPO / ".emulator" / "bench-calls.jsonl") as aws:
        env["STORIES_AWS_ENDPOINT"] = aws.url
        # Tasks per play per host pattern, as --list-tasks shows them (static ones: roles and imports).
        report["tasks_listed"] = tasks_per_phase(env)

        def step(key: str, name: str, *args: str, count_resources: bool = False) -> None:
            aws.clear_calls()
            slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
            seconds, recap = playbook(env, name, *args, log=REPO / ".emulator" / f"bench-{slug}.log")
            calls = module_calls(aws)
            row = {"seconds": seconds, "hosts": len(recap), "changed": total(recap, "changed"), "ok": total(recap, "ok")}
            row |= calls_row(calls, managed_resources(aws.url) if count_resources else 0)
            runs[key] = row
            print(f"{key}: {row}", flush=True)

        step("site.yml --check on empty", "playbooks/site.yml", "--check")
        step("phase 1 first run", PLAYBOOKS[1])
        step("phase 1 re-run", PLAYBOOKS[1], count_resources=True)
        step("phase 2 first run (4 regions)", PLAYBOOKS[2])
        step("phase 2 re-run (4 regions)", PLAYBOOKS[2], count_resources=True)
        step("phase 2 re-run (--limit us-east-1)", PLAYBOOKS[2], "--limit", "us-east-1")
        step("phase 3 first run (site.yml)", "playbooks/site.yml")
        step("phase 3 re-run (site.yml)", "playbooks/site.yml", count_resources=True)
        destroy = ("-e", "destroy_confirm=local", "-e", "destroy_security=true")
        step("destroy.yml --check", "playbooks/destroy.yml", "--check", *destroy)
        step("destroy.yml", "playbooks/destroy.yml", *destroy)
        step("destroy.yml re-run", "playbooks/destroy.yml", *destroy, count_resources=True)

    four, one = runs["phase 2 re-run (4 regions)"]["seconds"], runs["phase 2 re-run (--limit us-east-1)"]["seconds"]
    report["phase2_rerun_ratio_4_regions_to_1"] = round(four / one, 2) if one else None
    (REPO / ".emulator" / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))


def table(report: dict) -> str:
    header = "| run | wall s | hosts | changed | API calls | reads | changing | managed resources | reads per resource |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, row in report["runs"].items():
        resources = row["resources"] or ""
        per = row["reads_per_resource"] if row["reads_per_resource"] is not None else ""
        lines.append(
            f"| {key} | {row['seconds']} | {row['hosts']} | {row['changed']} | {row['calls']} | {row['reads']} | {row['changing']} | {resources} | {per} |"
        )
    tasks = ", ".join(f"phase {phase}: {count}" for phase, count in report["tasks_listed"].items())
    lines.append("")
    lines.append(f"Tasks listed per phase playbook (--list-tasks): {tasks}")
    lines.append(f"Phase 2 re-run, four regions over one region: {report['phase2_rerun_ratio_4_regions_to_1']}x (aim: at most 1.5x)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
