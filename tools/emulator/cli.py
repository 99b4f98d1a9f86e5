"""python -m tools.emulator {serve,start,stop,reset,calls,report,demo}"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from . import config, daemon
from .client import EmulatorClient, EmulatorError
from .recorder import read_calls, summarize
from .report import report
from .server import Emulator
from .summary import markdown, region_rows, text_table

DEMO_PLAYBOOK = ("-i", "inventories/local", "playbooks/phase1.yml")
# The platform's life on the embedded AWS: the three phases over the four regions, as site.yml would
# converge them one phase after another, then a DR drill: the writer and the cache primary to
# eu-west-1 and back.
DEMO_STEPS = (
    ("phase 1: the primary region", DEMO_PLAYBOOK),
    ("phase 2: four regions", ("-i", "inventories/local", "playbooks/phase2.yml")),
    ("phase 3: global database and datastore, enterprise security", ("-i", "inventories/local", "playbooks/site.yml")),
    ("DR drill: switch over to eu-west-1", ("-i", "inventories/local", "playbooks/dr_failover.yml", "-e", "dr_target_region=eu-west-1")),
    ("DR drill: fail back to us-east-1", ("-i", "inventories/local", "playbooks/dr_failback.yml", "-e", "dr_from_region=eu-west-1")),
)
DEMO_REPORT = config.STATE_DIR / "report.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.emulator", description="The embedded local AWS emulator (moto, patched).")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run in the foreground until Ctrl-C (make emulator)")
    commands.add_parser("start", help="start in the background; returns once it answers")
    commands.add_parser("stop", help="stop the background emulator")
    commands.add_parser("reset", help="forget all AWS state, the call record and faults")
    commands.add_parser("calls", help="count the recorded calls per service, operation and region")
    report_parser = commands.add_parser("report", help="what exists now, per region")
    report_parser.add_argument("--regions", default=",".join(config.DEFAULT_REGIONS), help="comma-separated (default: %(default)s)")
    commands.add_parser("demo", help="start, run phases 1-3 over four regions and a DR drill, report (table and .emulator/report.md), stop (make demo)")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (EmulatorError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def serve(_args: argparse.Namespace) -> int:
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    # Blocked before the server threads start, so they inherit the mask and sigwait below receives the signal.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    with Emulator() as emulator:
        print(f"AWS emulator listening on {emulator.url} (calls recorded in {emulator.record})")
        print(f"Point ansible at it: STORIES_AWS_ENDPOINT={emulator.url} ansible-playbook {' '.join(DEMO_PLAYBOOK)}")
        print("Ctrl-C to stop.", flush=True)
        signal.sigwait(stop_signals)
    return 0


def start(_args: argparse.Namespace) -> int:
    url = config.endpoint()
    pid = daemon.start(url)
    print(f"AWS emulator running at {url} (pid {pid}); stop it with: python -m tools.emulator stop")
    return 0


def stop(_args: argparse.Namespace) -> int:
    print("AWS emulator stopped" if daemon.stop() else "no AWS emulator was running")
    return 0


def reset(_args: argparse.Namespace) -> int:
    EmulatorClient(daemon.running_url()).reset()
    print("AWS emulator reset")
    return 0


def calls(_args: argparse.Namespace) -> int:
    print(_calls_table(read_calls(config.record_path())))
    return 0


def report_command(args: argparse.Namespace) -> int:
    print(report(daemon.running_url(), [region.strip() for region in args.regions.split(",") if region.strip()]))
    return 0


def demo(_args: argparse.Namespace) -> int:
    returncode, done = 0, []
    with Emulator() as emulator:
        print(f"AWS emulator listening on {emulator.url}", flush=True)
        for title, arguments in DEMO_STEPS:
            print(f"\n=== {title}: ansible-playbook {' '.join(arguments)}", flush=True)
            started = time.monotonic()
            command = [_ansible_playbook(), *arguments]
            returncode = subprocess.run(command, cwd=config.REPO_ROOT, env={**os.environ, "STORIES_AWS_ENDPOINT": emulator.url}, check=False).returncode
            done.append(f"{title}: exit {returncode} in {time.monotonic() - started:.0f} s")
            if returncode:
                break
        run_calls = emulator.calls()
        print()
        details = report(emulator.url, config.DEFAULT_REGIONS)
        print(details)
        print()
        try:
            rows = region_rows(emulator.url, dict(zip(config.DEFAULT_REGIONS, ("primary", "secondary", "secondary", "dr"))))
        except Exception as error:  # pylint: disable=broad-except  # the report must not hide the run's own result
            rows = []
            print(f"(no summary table: {error})")
        if rows:
            print(text_table(rows))
            DEMO_REPORT.parent.mkdir(parents=True, exist_ok=True)
            DEMO_REPORT.write_text(markdown(rows, "1001 Stories on the embedded AWS", [("Steps", "\n".join(done)), ("Per region", details)]))
            print(f"\nReport written to {DEMO_REPORT}")
        print("\n".join(done))
        per_service = Counter(str(call["service"]) for call in run_calls)
        print(f"AWS API calls in the run: {len(run_calls)} (" + ", ".join(f"{service} {count}" for service, count in per_service.most_common()) + ")")
    if returncode:
        print(f"the playbook failed (exit code {returncode})", file=sys.stderr)
    return returncode


def _calls_table(records: list[dict]) -> str:
    rows = summarize(records)
    if not rows:
        return "no calls recorded"
    lines = [f"{'COUNT':>6}  {'SERVICE':<16}{'OPERATION':<44}REGION"]
    lines += [f"{count:>6}  {service:<16}{operation:<44}{region}" for service, operation, region, count in rows]
    lines.append(f"{len(records):>6}  total")
    return "\n".join(lines)


def _ansible_playbook() -> str:
    """The one next to this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "ansible-playbook"
    return str(beside) if beside.exists() else shutil.which("ansible-playbook") or "ansible-playbook"


COMMANDS = {
    "serve": serve,
    "start": start,
    "stop": stop,
    "reset": reset,
    "calls": calls,
    "report": report_command,
    "demo": demo,
}
