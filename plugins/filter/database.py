# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the database role's input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

import re

_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
# Instance classes each engine offers (AWS: "Supported DB engines for DB instance classes").
INSTANCE_CLASSES = {
    "aurora-postgresql": {
        "db.t3": ("medium", "large"),
        "db.t4g": ("medium", "large"),
        "db.r5": _SIZES + ("24xlarge",),
        "db.r6g": _SIZES,
        "db.r6i": _SIZES + ("24xlarge", "32xlarge"),
        "db.r7g": _SIZES,
        "db.r7i": _SIZES + ("24xlarge", "48xlarge"),
        "db.r8g": _SIZES + ("24xlarge", "48xlarge"),
        "db.x2g": _SIZES,
        "db": ("serverless",),
    },
    "postgres": {
        "db.t3": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
        "db.t4g": ("micro", "small", "medium", "large", "xlarge", "2xlarge"),
        "db.m5": _SIZES + ("24xlarge",),
        "db.m6g": _SIZES,
        "db.m6i": _SIZES + ("24xlarge", "32xlarge"),
        "db.m7g": _SIZES,
        "db.r5": _SIZES + ("24xlarge",),
        "db.r6g": _SIZES,
        "db.r6i": _SIZES + ("24xlarge", "32xlarge"),
        "db.r7g": _SIZES,
    },
}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 1440
_IDENTIFIER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")
_BACKUP = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_MAINTENANCE = re.compile(r"^([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)-([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)$")


def instance_class_offered(engine, instance_class):
    family, _sep, size = str(instance_class).rpartition(".")
    return size in INSTANCE_CLASSES.get(engine, {}).get(family, ())


def _backup_minutes(window):
    match = _BACKUP.match(str(window))
    if not match:
        return None
    start, end = int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4])
    return start, end if end > start else end + 1440


def _maintenance_minutes(window):
    match = _MAINTENANCE.match(str(window).lower())
    if not match or match[1] not in _DAYS or match[4] not in _DAYS:
        return None
    start = _DAYS.index(match[1]) * 1440 + int(match[2]) * 60 + int(match[3])
    end = _DAYS.index(match[4]) * 1440 + int(match[5]) * 60 + int(match[6])
    return start, end if end > start else end + _WEEK


def windows_overlap(backup_window, maintenance_window):
    """True when the daily backup window meets the weekly maintenance window on any day."""
    backup, maintenance = _backup_minutes(backup_window), _maintenance_minutes(maintenance_window)
    for day in range(-1, 8):
        start, end = day * 1440 + backup[0], day * 1440 + backup[1]
        for shift in (-_WEEK, 0, _WEEK):
            if start < maintenance[1] + shift and maintenance[0] + shift < end:
                return True
    return False


def database_input_errors(settings):
    """Return one message per problem, each naming its variable; ``settings`` maps variable names to values."""
    errors = []
    engine = settings["database_engine"]
    identifier = settings.get("database_identifier")
    if identifier is not None and not _IDENTIFIER.match(str(identifier)):
        errors.append(
            f"database_identifier: {identifier!r} is not an RDS identifier (1 to 63 letters, digits and hyphens, beginning with a letter,"
            " no two hyphens in a row, no hyphen at the end)"
        )
    for variable in ("database_instance_class", "database_secondary_instance_class"):
        value = settings.get(variable)
        if value and not instance_class_offered(engine, value):
            offered = sorted(f"{family}.{size}" for family, sizes in INSTANCE_CLASSES.get(engine, {}).items() for size in sizes)
            errors.append(f"{variable}: {engine} does not offer {value}; choose one of {', '.join(offered)}")

    retention = settings.get("database_backup_retention_days")
    if isinstance(retention, str) and retention.isdigit():
        retention = int(retention)
    if not isinstance(retention, int) or isinstance(retention, bool) or not 1 <= retention <= 35:
        errors.append(f"database_backup_retention_days: {retention!r} is outside 1 to 35 days, the range AWS keeps automated backups")

    backup, maintenance = settings.get("database_backup_window"), settings.get("database_maintenance_window")
    backup_minutes, maintenance_minutes = _backup_minutes(backup), _maintenance_minutes(maintenance)
    if backup_minutes is None:
        errors.append(f"database_backup_window: {backup!r} is not hh24:mi-hh24:mi in UTC (for example 03:00-04:00)")
    elif backup_minutes[1] - backup_minutes[0] < 30:
        errors.append(f"database_backup_window: {backup} is shorter than the 30 minutes AWS requires")
    if maintenance_minutes is None:
        errors.append(f"database_maintenance_window: {maintenance!r} is not ddd:hh24:mi-ddd:hh24:mi in UTC (for example Sun:04:00-Sun:05:00)")
    elif maintenance_minutes[1] - maintenance_minutes[0] < 30:
        errors.append(f"database_maintenance_window: {maintenance} is shorter than the 30 minutes AWS requires")
    if backup_minutes and maintenance_minutes and windows_overlap(backup, maintenance):
        errors.append(f"database_maintenance_window: {maintenance} overlaps database_backup_window {backup}; AWS refuses overlapping windows")

    primary = settings.get("database_primary_region")
    for region in settings.get("database_secondary_regions") or []:
        if region == primary:
            errors.append(f"database_secondary_regions: {region} is the primary region; a secondary must be another region")
    secondaries = list(settings.get("database_secondary_regions") or [])
    if len(set(secondaries)) != len(secondaries):
        errors.append(f"database_secondary_regions: {secondaries} lists a region twice")
    return errors


class FilterModule:
    def filters(self):
        return {"database_input_errors": database_input_errors}
