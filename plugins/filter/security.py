# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the security role's input that argument specs cannot express, run before any AWS call."""

from __future__ import annotations

import re

from ansible_collections.stories1001.infra.plugins.module_utils._security import FINDING_FREQUENCIES
from ansible_collections.stories1001.infra.plugins.module_utils._security import GUARDDUTY_FEATURES
from ansible_collections.stories1001.infra.plugins.module_utils._security import THREAT_INTEL_FORMATS
from ansible_collections.stories1001.infra.plugins.module_utils._security import THREAT_INTEL_LOCATION
from ansible_collections.stories1001.infra.plugins.module_utils._security import standard_errors

# A purpose names a key in its alias (alias/<prefix>-<purpose>, with - for _) and its Purpose tag.
PURPOSE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# KMS aliases: alias/ followed by letters, digits, /, _ and -, at most 256 characters in all
# (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html); alias/aws/ is AWS's.
ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]+$")
ALIAS_MAX = 256
# Keys of the role rotate every year, which KMS supports for symmetric encryption keys only
# (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
KEY_USAGE = "ENCRYPT_DECRYPT"
KEY_SPEC = "SYMMETRIC_DEFAULT"


def _kms_errors(purposes, name_prefix):
    if not isinstance(purposes, dict):
        return [f"security_kms_purposes must map each purpose to its settings, not {type(purposes).__name__}"]
    errors = []
    for purpose, settings in purposes.items():
        where = f"security_kms_purposes.{purpose}"
        if not PURPOSE.match(str(purpose)):
            errors.append(f"security_kms_purposes: {purpose!r} is not a purpose name (2 to 40 lower-case letters, digits and _, starting with a letter)")
            continue
        alias = f"alias/{name_prefix}-{purpose.replace('_', '-')}"
        if not ALIAS.match(alias) or len(alias) > ALIAS_MAX:
            errors.append(f"{where}: the alias {alias!r} would not be a KMS alias (letters, digits, /, _ and -, at most {ALIAS_MAX} characters)")
        settings = settings or {}
        if not isinstance(settings, dict):
            errors.append(f"{where} must be a dictionary (description, key_usage, key_spec)")
            continue
        if settings.get("key_usage", KEY_USAGE) != KEY_USAGE:
            errors.append(f"{where}.key_usage: {settings['key_usage']!r}; the role's keys rotate, which KMS does only for {KEY_USAGE} keys")
        if settings.get("key_spec", KEY_SPEC) != KEY_SPEC:
            errors.append(f"{where}.key_spec: {settings['key_spec']!r}; the role's keys rotate, which KMS does only for {KEY_SPEC} keys")
    return errors


def _guardduty_errors(settings):
    errors = []
    frequency = settings.get("security_guardduty_finding_frequency")
    if frequency not in FINDING_FREQUENCIES:
        errors.append(f"security_guardduty_finding_frequency: {frequency!r} is not one of {', '.join(FINDING_FREQUENCIES)}")
    features = settings.get("security_guardduty_features") or {}
    if not isinstance(features, dict):
        errors.append("security_guardduty_features must map feature names to true or false")
        features = {}
    for name, value in features.items():
        if name not in GUARDDUTY_FEATURES:
            errors.append(f"security_guardduty_features: {name!r} is not a GuardDuty feature ({', '.join(GUARDDUTY_FEATURES)})")
        elif not isinstance(value, bool):
            errors.append(f"security_guardduty_features.{name}: {value!r} is not true or false")
    names = []
    for index, item in enumerate(settings.get("security_threat_intel_sets") or []):
        where = f"security_threat_intel_sets[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where} must be a dictionary (name, format, location, activate)")
            continue
        name = str(item.get("name") or "")
        if not 1 <= len(name) <= 300:
            errors.append(f"{where}.name must have 1 to 300 characters")
        elif name in names:
            errors.append(f"{where}.name {name!r} is given twice")
        names.append(name)
        if item.get("format", "TXT") not in THREAT_INTEL_FORMATS:
            errors.append(f"{where}.format: {item.get('format')!r} is not one of {', '.join(THREAT_INTEL_FORMATS)}")
        if not THREAT_INTEL_LOCATION.match(str(item.get("location") or "")):
            errors.append(f"{where}.location: {item.get('location')!r} is not an S3 URI (s3://bucket/key)")
    return errors


def security_input_errors(settings):
    """The problems of the security role's input, each naming the variable at fault; [] when there are none.

    ``settings`` maps the role's variables to their values: security_region, security_name_prefix,
    security_guardduty (bool), security_guardduty_finding_frequency, security_guardduty_features,
    security_threat_intel_sets, security_securityhub (bool), security_standards, security_kms (bool),
    security_kms_purposes. Only the parts that are enabled are checked.
    """
    settings = settings or {}
    errors = []
    if settings.get("security_guardduty"):
        errors.extend(_guardduty_errors(settings))
    if settings.get("security_securityhub"):
        standards = settings.get("security_standards") or []
        if not isinstance(standards, list):
            errors.append("security_standards must be a list of standards ids or ARNs")
            standards = []
        for index, standard in enumerate(standards):
            errors.extend(f"security_standards[{index}]: {problem}" for problem in standard_errors(standard, settings.get("security_region")))
    if settings.get("security_kms"):
        errors.extend(_kms_errors(settings.get("security_kms_purposes"), settings.get("security_name_prefix") or ""))
    return errors


class FilterModule:
    def filters(self):
        return {"security_input_errors": security_input_errors}
