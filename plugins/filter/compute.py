# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the compute role's input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

import re

# The task sizes Fargate offers (AWS: "Amazon ECS task definition parameters for Fargate", Task size):
# CPU units -> allowed memory in MiB.
FARGATE_SIZES = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+$")
# An image tag (Docker's rule): up to 128 letters, digits, underscores, periods and hyphens, not starting with . or -.
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
# Environment names that hold secrets by their look: these belong in compute_app_secrets.
_SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)$|^DATABASE_URL$|^REDIS_URL$", re.IGNORECASE)
_TARGET_GROUP_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")


def fargate_memory_choices(cpu):
    """The memory sizes Fargate offers with ``cpu`` units, as one readable phrase."""
    sizes = FARGATE_SIZES.get(cpu, ())
    if len(sizes) <= 4:
        return ", ".join(str(size) for size in sizes)
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"


def _int(settings, name, errors):
    value = settings.get(name)
    try:
        return int(value)
    except (TypeError, ValueError):
        errors.append(f"{name}: {value!r} is not a whole number")
        return None


def _size_errors(settings, errors):
    cpu = _int(settings, "compute_cpu", errors)
    memory = _int(settings, "compute_memory", errors)
    if cpu is None or memory is None:
        return
    if cpu not in FARGATE_SIZES:
        allowed = ", ".join(str(units) for units in FARGATE_SIZES)
        errors.append(f"compute_cpu: {cpu} is not a Fargate CPU size (allowed: {allowed})")
    elif memory not in FARGATE_SIZES[cpu]:
        errors.append(f"compute_memory: {memory} MiB is not offered by Fargate with compute_cpu {cpu} (allowed: {fargate_memory_choices(cpu)})")


def _capacity_errors(settings, errors):
    low = _int(settings, "compute_min_capacity", errors)
    high = _int(settings, "compute_max_capacity", errors)
    desired = _int(settings, "compute_desired_count", errors)
    if low is None or high is None:
        return
    if low < 0:
        errors.append(f"compute_min_capacity: {low} is below 0")
    if low > high:
        errors.append(f"compute_min_capacity: {low} is above compute_max_capacity {high}")
    elif desired is not None and not low <= desired <= high:
        errors.append(f"compute_desired_count: {desired} is outside compute_min_capacity {low} to compute_max_capacity {high}")
    for name, value in (settings.get("compute_scaling_targets") or {}).items():
        if value in (None, "", 0):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.append(f"compute_scaling_targets.{name}: {value!r} is not a number")
            continue
        if name in ("cpu", "memory") and not 0 < number <= 100:
            errors.append(f"compute_scaling_targets.{name}: {value} is not a percentage above 0 and at most 100")
        elif number <= 0:
            errors.append(f"compute_scaling_targets.{name}: {value} must be above 0")


def _spot_errors(settings, errors):
    strategy = settings.get("compute_capacity_provider_strategy") or []
    providers = [item.get("capacity_provider") for item in strategy]
    unknown = sorted({str(name) for name in providers} - {"FARGATE", "FARGATE_SPOT"})
    if unknown:
        errors.append(f"compute_capacity_provider_strategy: {', '.join(unknown)} is not FARGATE or FARGATE_SPOT")
    if strategy and not any(int(item.get("weight") or 0) > 0 for item in strategy):
        errors.append("compute_capacity_provider_strategy: at least one capacity provider needs a weight above 0")
    if sum(1 for item in strategy if int(item.get("base") or 0) > 0) > 1:
        errors.append("compute_capacity_provider_strategy: only one capacity provider may have a base")


def _certificate_errors(settings, errors):
    arn = settings.get("compute_certificate_arn")
    region = settings.get("compute_region")
    if not arn:
        if not settings.get("compute_certificate_domain"):
            errors.append("compute_certificate_arn: give an ACM certificate ARN for the HTTPS listener, or compute_certificate_domain to request one")
        return
    match = _ACM_ARN.match(str(arn))
    if not match:
        errors.append(f"compute_certificate_arn: {arn} is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)")
    elif match.group("region") != region:
        errors.append(
            f"compute_certificate_arn: the certificate is in {match.group('region')}, but a load balancer in {region} can only use a certificate from {region}"
        )


def _health_check_errors(settings, errors):
    check = settings.get("compute_health_check") or {}
    path = str(check.get("path") or "")
    if not path.startswith("/") or len(path) > 1024:
        errors.append(f"compute_health_check.path: {path!r} must start with / and be at most 1024 characters")
    interval, timeout = int(check.get("interval") or 0), int(check.get("timeout") or 0)
    if not 5 <= interval <= 300:
        errors.append(f"compute_health_check.interval: {interval} is outside 5 to 300 seconds")
    if not 2 <= timeout <= 120:
        errors.append(f"compute_health_check.timeout: {timeout} is outside 2 to 120 seconds")
    elif timeout >= interval:
        errors.append(f"compute_health_check.timeout: {timeout} must be less than compute_health_check.interval {interval}")
    for name in ("healthy_threshold", "unhealthy_threshold"):
        value = int(check.get(name) or 0)
        if not 2 <= value <= 10:
            errors.append(f"compute_health_check.{name}: {value} is outside 2 to 10")


def compute_input_errors(settings):
    """Return one message per problem, each naming its variable; ``settings`` maps variable names to values."""
    errors = []
    _size_errors(settings, errors)
    _capacity_errors(settings, errors)
    _spot_errors(settings, errors)
    _certificate_errors(settings, errors)
    _health_check_errors(settings, errors)

    tag = settings.get("compute_image_tag")
    if tag and not _IMAGE_TAG.match(str(tag)):
        errors.append(f"compute_image_tag: {tag!r} is not an image tag (letters, digits, _ . -, at most 128, not starting with . or -)")
    port = _int(settings, "compute_container_port", errors)
    if port is not None and not 1 <= port <= 65535:
        errors.append(f"compute_container_port: {port} is outside 1 to 65535")
    for name in settings.get("compute_target_group_names") or []:
        if not _TARGET_GROUP_NAME.match(str(name)):
            errors.append(f"compute_name_prefix: the target group name {name} is not 1 to 32 letters, digits and hyphens; shorten compute_name_prefix")
    secrets = set(settings.get("compute_app_secret_names") or [])
    plain = sorted(name for name in settings.get("compute_environment_names") or [] if name in secrets or _SECRET_NAME.search(str(name)))
    if plain:
        errors.append(
            f"compute_container_environment: {', '.join(plain)} must not be plain environment values; "
            "secrets go in compute_app_secrets, which reach the container from Secrets Manager"
        )
    return errors


def ecs_secrets(keys, secret_arn):
    """The container's ``secrets``: each key of the JSON secret ``secret_arn`` as the variable of that name."""
    return [{"name": key, "valueFrom": f"{secret_arn}:{key}::"} for key in sorted(set(keys))]


class FilterModule:
    def filters(self):
        return {"compute_input_errors": compute_input_errors, "ecs_secrets": ecs_secrets}
