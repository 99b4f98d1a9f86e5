"""The embedded local AWS emulator: moto in server mode, patched to answer like AWS, with a call record and fault injection."""

import os

# Before moto builds its IAM backend, or attaching any arn:aws:iam::aws:policy/... fails with NoSuchEntity.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

from .server import Emulator  # noqa: E402

__all__ = ["Emulator"]
