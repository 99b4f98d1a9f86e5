# -*- coding: utf-8 -*-
"""Make the working tree importable as ansible_collections.stories1001.infra under plain pytest.

ansible-test sets this up by itself; `pytest tests/unit` needs a directory on sys.path holding
ansible_collections/stories1001/infra that leads to this repository. The one `make setup` links in
.venv/collections (or any on ANSIBLE_COLLECTIONS_PATH) is used when present, otherwise a temporary one.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
NAMESPACE, NAME = "stories1001", "infra"


def _collections_dir():
    candidates = [path for path in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if path]
    candidates.append(str(COLLECTION_ROOT / ".venv" / "collections"))
    for candidate in candidates:
        link = Path(candidate, "ansible_collections", NAMESPACE, NAME)
        if link.exists() and link.resolve() == COLLECTION_ROOT:
            return candidate

    temporary = tempfile.mkdtemp(prefix="stories1001-collections-")
    atexit.register(shutil.rmtree, temporary, True)
    namespace_dir = Path(temporary, "ansible_collections", NAMESPACE)
    namespace_dir.mkdir(parents=True)
    (namespace_dir / NAME).symlink_to(COLLECTION_ROOT, target_is_directory=True)
    return temporary


_COLLECTIONS_DIR = _collections_dir()
if _COLLECTIONS_DIR not in sys.path:
    sys.path.insert(0, _COLLECTIONS_DIR)
