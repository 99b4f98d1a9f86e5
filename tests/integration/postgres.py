"""A throwaway PostgreSQL 15 server for tests: the machine's Debian postgresql-15 binaries, a data directory of its
own, listening on 127.0.0.1 at a free port, trust authentication (the tests' passwords are not checked)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: PG_BIN_DIR, the Debian paths, else the PATH."""
    candidates = [os.environ.get("PG_BIN_DIR", "")] + list(BIN_DIRS)
    for candidate in filter(None, candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """``with PostgresServer() as pg: pg.psql("SELECT 1")``. PostgreSQL refuses to run as root, so under root the
    server runs as the ``postgres`` system user."""

    def __init__(self, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        if self.bin_dir is None:
            raise RuntimeError("PostgreSQL's initdb was not found (install postgresql-15 or set PG_BIN_DIR)")
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="stories-pg-"))
        self.data = self.base / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)

    def _cmd(self, *args: str, check: bool = True, input_text: str | None = None) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, input=input_text, cwd=self.base, timeout=120)

    def start(self) -> PostgresServer:
        self._cmd("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._cmd("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        self._cmd("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)

    def psql(self, sql: str, database: str = "postgres", user: str = "postgres") -> str:
        """Run ``sql`` (stops at the first error) and return psql's unaligned, tuples-only output."""
        result = self._cmd(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-q", input_text=sql
        )
        return result.stdout.strip()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
