"""Run the emulator as a detached background process, tracked by files in .emulator/."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import config
from .client import EmulatorClient, EmulatorError

PID_FILE = config.STATE_DIR / "emulator.pid"
URL_FILE = config.STATE_DIR / "emulator.url"
LOG_FILE = config.STATE_DIR / "emulator.log"


def running_url() -> str:
    """Where the detached emulator listens, else where STORIES_AWS_ENDPOINT says."""
    return URL_FILE.read_text().strip() if URL_FILE.exists() else config.endpoint()


def start(url: str, timeout: float = 60) -> int:
    """Start ``serve`` detached, wait until it answers, and return its pid."""
    if _running_pid() is not None:
        raise EmulatorError(f"the AWS emulator is already running at {running_url()}; stop it first")
    PID_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tools.emulator", "serve"],
            cwd=config.REPO_ROOT,
            env={**os.environ, "STORIES_AWS_ENDPOINT": url},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        EmulatorClient(url).wait_until_ready(timeout, still_starting=lambda: process.poll() is None)
    except EmulatorError as error:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        raise EmulatorError(f"{error}; see {LOG_FILE}:\n{LOG_FILE.read_text()[-2000:]}") from error
    PID_FILE.write_text(f"{process.pid}\n")
    URL_FILE.write_text(f"{url}\n")
    return process.pid


def stop(timeout: float = 30) -> bool:
    """Stop the detached emulator; False when none was running."""
    pid = _running_pid()
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                raise EmulatorError(f"the AWS emulator (pid {pid}) did not stop within {timeout} s")
            time.sleep(0.05)
    for path in (PID_FILE, URL_FILE):
        path.unlink(missing_ok=True)
    return pid is not None


def _running_pid() -> int | None:
    """The pid from the pid file, if that process is alive and is the emulator (pids get reused)."""
    try:
        pid = int(PID_FILE.read_text())
    except (FileNotFoundError, ValueError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not _alive(pid) or (cmdline.exists() and b"tools.emulator" not in cmdline.read_bytes()):
        return None
    return pid


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child (started by this process), now reaped
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
