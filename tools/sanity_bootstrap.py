"""Let `ansible-test sanity --venv` bootstrap pip without reaching its download host.

ansible-test fetches a get-pip script from a host these machines cannot reach, unless a copy sits in
~/.ansible/test/cache/get_pip_<version>.py. This writes a stand-in there that installs pip with
ensurepip and then runs `pip install` with the arguments ansible-test gives (see EMULATOR.md, tooling facts).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import ansible_test

STUB = '''"""Stand-in for get-pip.py, written by tools/sanity_bootstrap.py of stories1001.infra."""
import ssl
import subprocess
import sys

subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade"], check=True, stdout=subprocess.DEVNULL)
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
cafile = ssl.get_default_verify_paths().cafile
cert = ["--cert", cafile] if cafile else []
sys.exit(subprocess.run([sys.executable, "-m", "pip", "install", *cert, *args]).returncode)
'''


def pinned_pip_version() -> str:
    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip='([0-9.]+)'", source.read_text())
    if not match:
        sys.exit(f"cannot find ansible-test's pinned pip version in {source}")
    return match.group(1)


def main() -> None:
    version = pinned_pip_version()
    path = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != STUB:
        path.write_text(STUB)
    print(f"ansible-test pip bootstrap: {path}")


if __name__ == "__main__":
    main()
