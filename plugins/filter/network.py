# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers that plan and validate a region's network before any AWS call."""

from __future__ import annotations

import ipaddress
import re

from ansible.errors import AnsibleFilterError

TIERS = ("public", "private", "database")


def _network(value):
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError, TypeError):
        return None


def nth_subnets(vpc_cidr, prefix, indexes):
    """Return the subnets of length ``prefix`` at ``indexes`` within ``vpc_cidr``.

    A malformed network yields no subnets: the role's checks then report the variable that holds it.
    """
    network = _network(vpc_cidr)
    if network is None:
        return []
    prefix = int(prefix)
    if prefix < network.prefixlen or prefix > 28:
        raise AnsibleFilterError(f"nth_subnets: prefix /{prefix} must be between /{network.prefixlen} and /28")
    count = 2 ** (prefix - network.prefixlen)
    size = 2 ** (32 - prefix)
    result = []
    for index in indexes:
        index = int(index)
        if not 0 <= index < count:
            raise AnsibleFilterError(f"nth_subnets: index {index} is outside {vpc_cidr} (0 to {count - 1} for /{prefix})")
        result.append(str(ipaddress.IPv4Network((int(network.network_address) + index * size, prefix))))
    return result


def network_plan(vpc_cidr, availability_zones, subnets):
    """Return one entry per subnet: tier, az, cidr, index (position in its tier)."""
    plan = []
    for tier in TIERS:
        for index, cidr in enumerate(subnets.get(tier) or []):
            zone = availability_zones[index % len(availability_zones)] if availability_zones else None
            plan.append({"tier": tier, "az": zone, "cidr": cidr, "index": index})
    return plan


def network_plan_errors(vpc_cidr, availability_zones, subnets, region, other_vpc_cidrs=None):
    """Return every problem of the plan, each naming the variable at fault; an empty list means valid.

    ``subnets`` maps each tier to its list of CIDRs; ``other_vpc_cidrs`` maps region names to the
    VPC CIDRs of the other regions, which must not overlap this one (they are peered later).
    """
    errors = []
    vpc = _network(vpc_cidr)
    if vpc is None:
        errors.append(f"network_vpc_cidr: {vpc_cidr!r} is not an IPv4 network in CIDR notation (for example 10.0.0.0/16)")
    elif not 16 <= vpc.prefixlen <= 28:
        errors.append(f"network_vpc_cidr: {vpc_cidr} has prefix /{vpc.prefixlen}; AWS allows /16 to /28")
    elif not vpc.is_private:
        errors.append(f"network_vpc_cidr: {vpc_cidr} is not in a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")

    zones = list(availability_zones or [])
    zone_pattern = re.compile(r"^%s[a-z]$" % re.escape(region or ""))
    if not zones:
        errors.append("network_availability_zones: give at least one availability zone")
    for zone in zones:
        if not isinstance(zone, str) or not zone_pattern.match(zone):
            errors.append(f"network_availability_zones: {zone!r} is not an availability zone of region {region} (expected {region}a, {region}b, ...)")
    if len(set(zones)) != len(zones):
        errors.append(f"network_availability_zones: {zones} lists a zone twice")

    seen = []
    for tier in TIERS:
        variable = f"network_{tier}_subnet_cidrs"
        cidrs = subnets.get(tier) or []
        if tier != "database" and not cidrs:
            errors.append(f"{variable}: give at least one subnet")
        if zones and len(cidrs) > len(zones):
            errors.append(f"{variable}: {len(cidrs)} subnets for {len(zones)} availability zones; give at most one per zone")
        for cidr in cidrs:
            subnet = _network(cidr)
            if subnet is None:
                errors.append(f"{variable}: {cidr!r} is not an IPv4 network in CIDR notation (for example 10.0.1.0/24)")
                continue
            if not 16 <= subnet.prefixlen <= 28:
                errors.append(f"{variable}: {cidr} has prefix /{subnet.prefixlen}; AWS allows /16 to /28")
            if vpc is not None and not subnet.subnet_of(vpc):
                errors.append(f"{variable}: {cidr} is outside network_vpc_cidr {vpc_cidr}")
            for other_variable, other_cidr, other in seen:
                if subnet.overlaps(other):
                    errors.append(f"{variable}: {cidr} overlaps {other_cidr} in {other_variable}")
            seen.append((variable, cidr, subnet))

    for other_region, other_cidr in sorted((other_vpc_cidrs or {}).items()):
        other = _network(other_cidr)
        if other_region == region or other is None or vpc is None:
            continue
        if vpc.overlaps(other):
            errors.append(
                f"network_vpc_cidr: {vpc_cidr} overlaps the VPC of region {other_region} ({other_cidr}); regions are peered later and need distinct ranges"
            )
    return errors


class FilterModule:
    def filters(self):
        return {
            "nth_subnets": nth_subnets,
            "network_plan": network_plan,
            "network_plan_errors": network_plan_errors,
        }
