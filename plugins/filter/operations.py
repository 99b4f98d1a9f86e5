# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the backup and monitoring roles' input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

import re

# AWS Backup: a recovery point in cold storage stays there at least 90 days (AWS Backup's lifecycle rule).
COLD_STORAGE_MINIMUM_DAYS = 90
# AWS Backup: continuous backups (point-in-time recovery) are kept 1 to 35 days.
CONTINUOUS_DAYS = (1, 35)
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_DAYS = "SUN MON TUE WED THU FRI SAT".split()
# EventBridge's cron fields (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
# name, lowest, highest, names, extra characters allowed.
_CRON_FIELDS = (
    ("minutes", 0, 59, (), ""),
    ("hours", 0, 23, (), ""),
    ("day-of-month", 1, 31, (), "?LW"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, "?L#"),
    ("year", 1970, 2199, (), ""),
)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_VAULT = re.compile(r"^[A-Za-z0-9_.-]{2,50}$")


def _cron_value_errors(field, token):
    """Problems of one comma-separated part of a cron field, e.g. ``1-5``, ``*/10``, ``MON#2``."""
    name, low, high, names, extra = field
    if token == "*" or token in extra:
        return []
    if "#" in token and "#" in extra:
        day, _sep, nth = token.partition("#")
        if _cron_value_errors(field, day) or not nth.isdigit() or not 1 <= int(nth) <= 5:
            return [f"{token!r} is not <day>#<1-5> in {name}"]
        return []
    if token.endswith(("L", "W")) and token[:-1].isdigit() and ("L" in extra or "W" in extra):
        token = token[:-1]
    base, _sep, step = token.partition("/")
    if step and (not step.isdigit() or int(step) < 1):
        return [f"{token!r} has a step that is not a positive number in {name}"]
    problems = []
    for value in base.split("-") if base not in ("*",) else []:
        if value.upper() in names:
            continue
        if not value.isdigit() or not low <= int(value) <= high:
            allowed = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
            problems.append(f"{value!r} is outside the {name} field's {allowed}")
    return problems


def cron_errors(expression, backup=False):
    """Why AWS would refuse ``expression`` as a schedule (EventBridge's cron or rate syntax); an empty list if it would not.

    ``backup`` adds AWS Backup's own rules: only cron, and at most one run an hour (a single minute).
    """
    expression = str(expression or "").strip()
    if _RATE.match(expression):
        if backup:
            return ["AWS Backup takes only cron(...) expressions"]
        count, unit = _RATE.match(expression).groups()
        if int(count) == 0 or (int(count) == 1) != (not unit.endswith("s")):
            return [f"{expression!r}: rate(1 minute) takes a singular unit and rate(N minutes) a plural one, with N at least 1"]
        return []
    match = re.match(r"^cron\((.*)\)$", expression)
    if not match:
        return [f"{expression!r} is neither cron(...) nor rate(...)"]
    fields = match.group(1).split()
    if len(fields) != 6:
        return [f"{expression!r} has {len(fields)} fields; AWS's cron has 6 (minutes hours day-of-month month day-of-week year)"]
    problems = []
    for field, value in zip(_CRON_FIELDS, fields):
        for token in value.split(","):
            problems.extend(_cron_value_errors(field, token.upper()))
    if (fields[2] == "?") == (fields[4] == "?"):
        problems.append("exactly one of day-of-month and day-of-week must be '?'")
    if backup and not fields[0].isdigit():
        problems.append("AWS Backup runs a rule at most once an hour, so minutes must be one number")
    return [f"{expression!r}: {problem}" if not problem.startswith(repr(expression)) else problem for problem in problems]


def email_errors(variable, addresses):
    """One message per entry of ``addresses`` that is not an email address."""
    if not isinstance(addresses, (list, tuple)):
        return [f"{variable}: must be a list of email addresses"]
    return [f"{variable}: {address!r} is not an email address" for address in addresses if not _EMAIL.match(str(address))]


def _lifecycle_errors(where, lifecycle):
    lifecycle = lifecycle or {}
    cold, delete = lifecycle.get("move_to_cold_storage_after_days"), lifecycle.get("delete_after_days")
    problems = []
    for key, value in (("move_to_cold_storage_after_days", cold), ("delete_after_days", delete)):
        if value is not None and (not str(value).isdigit() or int(value) < 1):
            problems.append(f"{where}.{key}: {value!r} must be a whole number of days, at least 1")
    if problems or cold is None:
        return problems
    if delete is not None and int(delete) < int(cold) + COLD_STORAGE_MINIMUM_DAYS:
        problems.append(
            f"{where}.delete_after_days: {delete} is less than move_to_cold_storage_after_days {cold} plus the "
            f"{COLD_STORAGE_MINIMUM_DAYS} days AWS Backup keeps a recovery point in cold storage (at least {int(cold) + COLD_STORAGE_MINIMUM_DAYS})"
        )
    return problems


def backup_input_errors(settings):
    """Return one message per problem of the backup role's input, each naming its variable."""
    errors = []
    for variable in ("backup_vault_name", "backup_copy_vault_name"):
        if not _VAULT.match(str(settings.get(variable) or "")):
            errors.append(f"{variable}: {settings.get(variable)!r} must be 2 to 50 letters, digits, hyphens, underscores or dots")
    rules = settings.get("backup_rules")
    if not isinstance(rules, list) or not rules:
        return errors + ["backup_rules: must be a list of at least one rule"]
    names = [rule.get("name") for rule in rules if isinstance(rule, dict)]
    if len(names) != len(rules) or not all(names):
        errors.append("backup_rules: every rule must be a dict with a name")
    elif len(set(names)) != len(names):
        errors.append(f"backup_rules: rule names must be unique, got {names}")
    lock = settings.get("backup_vault_lock") or {}
    for index, rule in enumerate(rule for rule in rules if isinstance(rule, dict)):
        where = f"backup_rules[{index}]"
        if rule.get("continuous"):
            days = (rule.get("lifecycle") or {}).get("delete_after_days")
            if not str(days).isdigit() or not CONTINUOUS_DAYS[0] <= int(days) <= CONTINUOUS_DAYS[1]:
                errors.append(f"{where}.lifecycle.delete_after_days: {days!r}; continuous backups are kept {CONTINUOUS_DAYS[0]} to {CONTINUOUS_DAYS[1]} days")
            if (rule.get("lifecycle") or {}).get("move_to_cold_storage_after_days"):
                errors.append(f"{where}.lifecycle.move_to_cold_storage_after_days: continuous backups cannot move to cold storage")
        errors.extend(f"{where}.schedule: {problem}" for problem in cron_errors(rule.get("schedule"), backup=True))
        errors.extend(_lifecycle_errors(f"{where}.lifecycle", rule.get("lifecycle")))
        if rule.get("copy_to_dr") and rule.get("copy_lifecycle"):
            errors.extend(_lifecycle_errors(f"{where}.copy_lifecycle", rule["copy_lifecycle"]))
        delete = (rule.get("lifecycle") or {}).get("delete_after_days")
        if lock and str(delete).isdigit() and not int(lock.get("min_retention_days", 1)) <= int(delete) <= int(lock.get("max_retention_days", 36500)):
            errors.append(
                f"{where}.lifecycle.delete_after_days: {delete} is outside the vault lock's "
                f"{lock.get('min_retention_days', 1)} to {lock.get('max_retention_days', 36500)} days (backup_vault_lock), so AWS Backup would refuse the job"
            )
    if lock:
        low, high = lock.get("min_retention_days"), lock.get("max_retention_days")
        if not str(low).isdigit() or not str(high).isdigit() or int(low) < 1 or int(high) <= int(low):
            errors.append(f"backup_vault_lock: min_retention_days {low!r} and max_retention_days {high!r} must be whole days, 1 <= min < max")
    if settings.get("backup_copy_region") == settings.get("backup_region"):
        errors.append(f"backup_copy_region: {settings.get('backup_copy_region')} is the backup's own region; copies belong in another")
    return errors


def monitoring_input_errors(settings):
    """Return one message per problem of the monitoring role's input, each naming its variable."""
    errors = []
    for variable in ("monitoring_critical_emails", "monitoring_warning_emails", "monitoring_info_emails", "monitoring_cost_emails"):
        errors.extend(email_errors(variable, settings.get(variable) or []))
    budget = settings.get("monitoring_budget_limit")
    if settings.get("monitoring_budget"):
        try:
            if float(budget) <= 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(f"monitoring_budget_limit: {budget!r} must be a number of US dollars above 0")
        if not settings.get("monitoring_cost_emails"):
            errors.append("monitoring_cost_emails: the budget needs at least one address to notify")
    for variable in ("monitoring_budget_actual_percent", "monitoring_budget_forecast_percent"):
        value = settings.get(variable)
        if value is not None and not (isinstance(value, (int, float)) and 0 < value <= 1000):
            errors.append(f"{variable}: {value!r} must be a percentage above 0")
    if settings.get("monitoring_cost_anomaly") and float(settings.get("monitoring_cost_anomaly_threshold") or 0) <= 0:
        errors.append(f"monitoring_cost_anomaly_threshold: {settings.get('monitoring_cost_anomaly_threshold')!r} must be US dollars above 0")
    if settings.get("monitoring_canary"):
        errors.extend(f"monitoring_canary_schedule: {problem}" for problem in cron_errors(settings.get("monitoring_canary_schedule")))
        if not str(settings.get("monitoring_canary_url") or "").startswith("https://"):
            errors.append(f"monitoring_canary_url: {settings.get('monitoring_canary_url')!r} must be an https:// URL")
    for name, alarm in sorted((settings.get("monitoring_alarms") or {}).items()):
        if not isinstance(alarm, dict) or "threshold" not in alarm:
            errors.append(f"monitoring_alarms.{name}: must be a dict with a threshold")
        elif not isinstance(alarm["threshold"], (int, float)) or alarm["threshold"] < 0:
            errors.append(f"monitoring_alarms.{name}.threshold: {alarm['threshold']!r} must be a number, at least 0")
        elif alarm.get("topic", "critical") not in ("critical", "warning", "info"):
            errors.append(f"monitoring_alarms.{name}.topic: {alarm.get('topic')!r} must be critical, warning or info")
    return errors


def _wildcard(pattern, value):
    """AWS Backup's ARN and StringLike matching: ``*`` matches any characters, everything else itself."""
    return re.fullmatch(".*".join(re.escape(part) for part in str(pattern).split("*")), str(value)) is not None


def _condition_items(conditions, *names):
    for name in names:
        yield from conditions.get(name) or []


def backup_selection_misses(selection, arn, tags):
    """Why a backup selection would not assign the resource ``arn`` tagged ``tags``; an empty list when it would.

    ``selection`` is as AWS Backup's GetBackupSelection returns it, snake-cased (``resources``, ``not_resources``,
    ``list_of_tags``, ``conditions``). AWS's rule: a resource is assigned when it matches one of ``resources`` (or any
    resource when only tags are given), none of ``not_resources``, and every condition; ``list_of_tags`` are ORed.
    (https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html)
    """
    tags = {str(key): str(value) for key, value in (tags or {}).items()}
    misses = []
    resources = selection.get("resources") or []
    if resources and not any(_wildcard(pattern, arn) for pattern in resources):
        misses.append(f"{arn} matches none of the resources {resources}")
    excluded = [pattern for pattern in selection.get("not_resources") or [] if _wildcard(pattern, arn)]
    if excluded:
        misses.append(f"{arn} is excluded by not_resources {excluded}")
    conditions = selection.get("conditions") or {}
    for condition in _condition_items(conditions, "string_equals", "string_like", "string_not_equals", "string_not_like"):
        key = str(condition.get("condition_key", "")).split("aws:ResourceTag/", 1)[-1]
        expected, actual = condition.get("condition_value"), tags.get(key)
        if condition in (conditions.get("string_equals") or []) and actual != expected:
            misses.append(f"tag {key} is {actual!r}, not {expected!r}")
        elif condition in (conditions.get("string_like") or []) and (actual is None or not _wildcard(expected, actual)):
            misses.append(f"tag {key} is {actual!r}, not like {expected!r}")
        elif condition in (conditions.get("string_not_equals") or []) and actual == expected:
            misses.append(f"tag {key} is {expected!r}")
        elif condition in (conditions.get("string_not_like") or []) and actual is not None and _wildcard(expected, actual):
            misses.append(f"tag {key} is like {expected!r}")
    any_of = selection.get("list_of_tags") or []
    if any_of and not any(tags.get(str(entry.get("condition_key"))) == entry.get("condition_value") for entry in any_of):
        misses.append(f"no tag of list_of_tags {[entry.get('condition_key') for entry in any_of]} matches")
    return misses


class FilterModule:
    def filters(self):
        return {
            "backup_input_errors": backup_input_errors,
            "monitoring_input_errors": monitoring_input_errors,
            "aws_schedule_errors": cron_errors,
            "backup_selection_misses": backup_selection_misses,
        }
