"""python -m tools.emulator {serve,start,stop,reset,calls,report,demo}"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from . import config, daemon
from .client import EmulatorClient, EmulatorError
from .recorder import read_calls, summarize
from .report import report
from .server import Emulator

DEMO_PLAYBOOK = ("-i", "inventories/local", "playbooks/phase1.yml")


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
    commands.add_parser("demo", help="start, run the phase 1 playbook, report, count the calls, stop (make demo)")
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
    with Emulator() as emulator:
        print(f"AWS emulator listening on {emulator.url}", flush=True)
        command = [_ansible_playbook(), *DEMO_PLAYBOOK]
        returncode = subprocess.run(command, cwd=config.REPO_ROOT, env={**os.environ, "STORIES_AWS_ENDPOINT": emulator.url}, check=False).returncode
        run_calls = emulator.calls()
        print()
        print(report(emulator.url, config.DEFAULT_REGIONS))
        print()
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
