"""Run `ansible-test sanity` on the working tree.

ansible-test insists on running inside .../ansible_collections/<namespace>/<name>/ (by real path, so a
symlink to the repository does not do) with the collection's dependencies beside it. This keeps such a
tree in ~/.cache/stories1001.infra-sanity/: the repository's files (tracked and new, as git lists them) synced into it on each
run, amazon.aws and community.aws linked from the venv, and ansible-test's own output (its cached
venvs) kept between runs. Arguments go to `ansible-test sanity`.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ansible_collections

REPO = Path(__file__).resolve().parents[1]
# Outside the repository: inside it, ansible-test would ask the repository's git and skip every
# (git-ignored) file. One tree per clone.
TREE = Path.home() / ".cache" / "stories1001.infra-sanity" / hashlib.sha256(str(REPO).encode()).hexdigest()[:12] / "ansible_collections"
TARGET = TREE / "stories1001" / "infra"
DEPENDENCIES = ("amazon/aws", "community/aws")
KEEP = ("tests/output",)


def repository_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO, check=True, capture_output=True).stdout.decode()
    # A file deleted in the working tree but not yet in git is listed and no longer there.
    return {name for name in listed.split("\0") if name and ((REPO / name).exists() or (REPO / name).is_symlink())}


def sync() -> None:
    wanted = repository_files()
    for path in sorted(TARGET.rglob("*"), reverse=True) if TARGET.exists() else []:
        relative = path.relative_to(TARGET).as_posix()
        if relative.startswith(KEEP) or relative in wanted:
            continue
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for name in sorted(wanted):
        source, copy = REPO / name, TARGET / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            if not copy.is_symlink() or os.readlink(copy) != os.readlink(source):
                if copy.exists() or copy.is_symlink():
                    copy.unlink()
                copy.symlink_to(os.readlink(source))
        elif not copy.exists() or copy.is_symlink() or not filecmp.cmp(source, copy, shallow=False):
            if copy.is_symlink():
                copy.unlink()
            shutil.copy2(source, copy)


def link_dependencies() -> None:
    for dependency in DEPENDENCIES:
        source = next((Path(p) / dependency for p in ansible_collections.__path__ if (Path(p) / dependency / "MANIFEST.json").exists()), None)
        if source is None:
            sys.exit(f"{dependency} is not installed in this Python environment; run make setup")
        link = TREE / dependency
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink() or link.resolve() != source.resolve():
            if link.is_symlink():
                link.unlink()
            link.symlink_to(source, target_is_directory=True)


def main(argv: list[str]) -> int:
    sync()
    link_dependencies()
    command = [str(Path(sys.executable).parent / "ansible-test"), "sanity", *argv]
    return subprocess.run(command, cwd=TARGET, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
