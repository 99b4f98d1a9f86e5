# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the multi-region plays' input (Route 53 routing, the DR runbook) that argument specs cannot express."""

from __future__ import annotations

import re

REGION_ROLES = ("primary", "secondary", "dr")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Route 53 health checks: every 10 or 30 seconds, unhealthy after 1 to 10 failures.
HEALTH_CHECK_INTERVALS = (10, 30)
HEALTH_CHECK_FAILURES = (1, 10)


def region_map_errors(regions, name="platform_regions"):
    """Problems of a region -> role map: region names, roles, exactly one primary, at most one DR region."""
    if not isinstance(regions, dict) or not regions:
        return [f"{name}: must map regions to their role ({', '.join(REGION_ROLES)}), got {regions!r}"]
    errors = []
    for region, role in sorted(regions.items()):
        if not _REGION.match(str(region)):
            errors.append(f"{name}: {region!r} is not an AWS region name")
        if role not in REGION_ROLES:
            errors.append(f"{name}: {region} has role {role!r}; allowed: {', '.join(REGION_ROLES)}")
    primaries = sorted(region for region, role in regions.items() if role == "primary")
    if len(primaries) != 1:
        errors.append(f"{name}: exactly one region must be primary, got {primaries or 'none'}")
    standby = sorted(region for region, role in regions.items() if role == "dr")
    if len(standby) > 1:
        errors.append(f"{name}: at most one DR region, got {standby}")
    return errors


def routing_input_errors(settings):
    """Problems of the routing role's input, each naming its variable."""
    errors = region_map_errors(settings.get("routing_regions"), "routing_regions")
    zone = str(settings.get("routing_zone") or "").rstrip(".").lower()
    origin = str(settings.get("routing_origin_domain") or "").rstrip(".").lower()
    if not _NAME.match(zone):
        errors.append(f"routing_zone: {zone!r} is not a DNS zone name (set platform_dns_zone)")
    if not _NAME.match(origin):
        errors.append(f"routing_origin_domain: {origin!r} is not a DNS name")
    elif zone and not (origin == zone or origin.endswith("." + zone)):
        errors.append(f"routing_origin_domain: {origin} is not in routing_zone {zone}")
    interval = settings.get("routing_health_check_interval")
    if str(interval) not in {str(value) for value in HEALTH_CHECK_INTERVALS}:
        errors.append(f"routing_health_check_interval: {interval!r} is not one of {list(HEALTH_CHECK_INTERVALS)} seconds")
    failures = settings.get("routing_health_check_failure_threshold")
    low, high = HEALTH_CHECK_FAILURES
    if not str(failures).isdigit() or not low <= int(failures) <= high:
        errors.append(f"routing_health_check_failure_threshold: {failures!r} is not {low} to {high}")
    return errors


def dr_input_errors(settings):
    """Problems of dr_failover.yml's and dr_failback.yml's input: where to, how, and the confirmation data loss needs."""
    regions = settings.get("platform_regions") or {}
    errors = region_map_errors(regions)
    target = settings.get("dr_target_region")
    mode = settings.get("dr_mode")
    primary = next((region for region, role in sorted(regions.items()) if role == "primary"), None)
    if target not in regions:
        errors.append(f"dr_target_region: {target!r} is not one of the platform's regions {sorted(regions)}")
    if mode not in ("switchover", "failover"):
        errors.append(f"dr_mode: {mode!r}; allowed: switchover (planned, no data loss), failover (the writer's region is lost)")
    elif mode == "failover" and settings.get("dr_confirm_data_loss") != target:
        errors.append(
            f"dr_confirm_data_loss: a failover may lose the writes the target had not yet received (RPO 15 minutes);"
            f" set dr_confirm_data_loss={target} to confirm"
        )
    members = settings.get("dr_global_regions")
    if target and members is not None and target not in members and target != primary:
        errors.append(f"dr_target_region: {target} holds no member of the global database and datastore ({sorted(members)})")
    return errors


class FilterModule:
    def filters(self):
        return {
            "routing_input_errors": routing_input_errors,
            "dr_input_errors": dr_input_errors,
            "platform_region_errors": region_map_errors,
        }
