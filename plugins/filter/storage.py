# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the storage role's input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

import re

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
# S3 Intelligent-Tiering: archive access after 90 to 730 days, deep archive after 180 to 730.
ARCHIVE_DAYS = (90, 730)
DEEP_ARCHIVE_DAYS = (180, 730)


def bucket_name_errors(variable, name):
    """S3's general purpose bucket naming rules, as messages naming ``variable``."""
    name = str(name or "")
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append(f"has {len(name)} characters (3 to 63)")
    if not _BUCKET.match(name) and 3 <= len(name) <= 63:
        problems.append("must be lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit")
    if ".." in name or _IP.match(name):
        problems.append("must not hold two dots in a row or look like an IP address")
    if name.startswith(("xn--", "sthree-", "amzn-s3-demo-")) or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        problems.append("uses a prefix or suffix S3 reserves")
    return [f"{variable}: {name!r} {problem}" for problem in problems]


def storage_input_errors(settings):
    """Return one message per problem, each naming its variable; ``settings`` maps variable names to values."""
    errors = []
    for variable in ("storage_content_bucket", "storage_log_bucket", "storage_replica_bucket"):
        if variable != "storage_replica_bucket" or settings.get(variable):
            errors.extend(bucket_name_errors(variable, settings.get(variable)))
    names = [settings.get(variable) for variable in ("storage_content_bucket", "storage_log_bucket", "storage_replica_bucket") if settings.get(variable)]
    if len(set(names)) != len(names):
        errors.append("storage_log_bucket: the content, log and replica buckets must be three different buckets")
    archive, deep = int(settings.get("storage_archive_days") or 0), int(settings.get("storage_deep_archive_days") or 0)
    if not ARCHIVE_DAYS[0] <= archive <= ARCHIVE_DAYS[1]:
        errors.append(f"storage_archive_days: {archive} is outside Intelligent-Tiering's {ARCHIVE_DAYS[0]} to {ARCHIVE_DAYS[1]}")
    if not DEEP_ARCHIVE_DAYS[0] <= deep <= DEEP_ARCHIVE_DAYS[1]:
        errors.append(f"storage_deep_archive_days: {deep} is outside Intelligent-Tiering's {DEEP_ARCHIVE_DAYS[0]} to {DEEP_ARCHIVE_DAYS[1]}")
    elif deep <= archive:
        errors.append(f"storage_deep_archive_days: {deep} must be above storage_archive_days {archive}")
    transition = int(settings.get("storage_noncurrent_transition_days") or 0)
    expiration = int(settings.get("storage_noncurrent_expiration_days") or 0)
    if transition < 30:
        errors.append(f"storage_noncurrent_transition_days: {transition} is below 30, the least S3 allows for Standard-IA")
    if expiration <= transition:
        errors.append(f"storage_noncurrent_expiration_days: {expiration} must be above storage_noncurrent_transition_days {transition}")
    replica_region = settings.get("storage_replica_region")
    if replica_region and replica_region == settings.get("storage_region"):
        errors.append(f"storage_replica_region: {replica_region} is the bucket's own region; the replica belongs in another")
    return errors


class FilterModule:
    def filters(self):
        return {"storage_input_errors": storage_input_errors}
