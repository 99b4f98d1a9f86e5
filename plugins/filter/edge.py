# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the waf and cdn roles' input that argument specs cannot express, run before any AWS call, and the
WAF statement the rate limits scope down with."""

from __future__ import annotations

import re

from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import COUNTRY_CODES, distribution_errors

# AWS WAF: a rate-based rule's limit is 10 to 2,000,000,000 requests per evaluation window.
WAF_RATE_LIMIT = (10, 2_000_000_000)
WAF_WINDOWS = (60, 120, 300, 600)
_WAF_NAME = re.compile(r"^[\w-]{1,128}$")


def waf_path_match(path):
    """A WAF statement matching requests whose URI path starts with ``path``.

    A regex match, not a byte match: a byte match's SearchString is a blob that AWS hands back as bytes, and
    community.aws.wafv2_web_acl compares a scope-down statement's bytes with the string it was given, so a rule
    with one would change on every run.
    """
    return {
        "regex_match_statement": {
            "regex_string": "^" + re.escape(str(path)),
            "field_to_match": {"uri_path": {}},
            "text_transformations": [{"type": "NONE", "priority": 0}],
        }
    }


def waf_redacted_header(name):
    """The redacted field of a WAF logging configuration that hides the header ``name``."""
    return {"single_header": {"name": str(name).lower()}}


def _country_errors(variable, codes):
    unknown = [str(code) for code in codes or [] if code not in COUNTRY_CODES]
    if unknown:
        what = "is not an ISO 3166-1 alpha-2 country code" if len(unknown) == 1 else "are not ISO 3166-1 alpha-2 country codes"
        return [f"{variable}: {', '.join(unknown)} {what} (upper case, such as KE or US)"]
    return []


def waf_input_errors(settings):
    """Return one message per problem, each naming its variable; ``settings`` maps variable names to values."""
    errors = []
    scope = settings.get("waf_scope")
    if scope == "CLOUDFRONT" and settings.get("waf_region") != "us-east-1":
        errors.append(f"waf_region: a CLOUDFRONT web ACL is made in us-east-1, not {settings.get('waf_region')}")
    if not _WAF_NAME.match(str(settings.get("waf_name") or "")):
        errors.append(f"waf_name: {settings.get('waf_name')!r} must be 1 to 128 letters, digits, hyphens and underscores")
    low, high = WAF_RATE_LIMIT
    for variable in ("waf_rate_limit", "waf_api_rate_limit", "waf_login_rate_limit"):
        value = settings.get(variable)
        try:
            limit = int(value)
        except (TypeError, ValueError):
            errors.append(f"{variable}: {value!r} is not a whole number")
            continue
        if not low <= limit <= high:
            errors.append(f"{variable}: {limit} is outside AWS WAF's {low:,} to {high:,} requests per window")
    window = settings.get("waf_rate_window_seconds")
    if str(window) not in {str(item) for item in WAF_WINDOWS}:
        errors.append(f"waf_rate_window_seconds: {window} is not one of {', '.join(map(str, WAF_WINDOWS))}")
    for path in settings.get("waf_login_paths") or []:
        if not str(path).startswith("/"):
            errors.append(f"waf_login_paths: {path!r} must start with /")
    if not settings.get("waf_login_paths"):
        errors.append("waf_login_paths: give at least one sign-in path to limit")
    errors.extend(_country_errors("waf_blocked_countries", settings.get("waf_blocked_countries")))
    return errors


# The cdn role's variables, by the cloudfront_distribution option they feed.
_CDN_VARIABLES = {
    "certificate_arn": "cdn_certificate_arn",
    "geo_restriction.locations": "cdn_geo_restriction.locations",
    "geo_restriction.type": "cdn_geo_restriction.type",
}


def cdn_input_errors(settings):
    """Return one message per problem, each naming its variable. ``settings`` maps the cdn role's variables to values;
    its behaviours are checked with the rules cloudfront_distribution applies, named by the role's variable."""
    errors = []
    ttls = settings.get("cdn_ttls") or {}
    for name, ttl in ttls.items():
        values = [ttl.get(key) for key in ("min", "default", "max")]
        if any(value is None for value in values):
            errors.append(f"cdn_ttls.{name}: give min, default and max")
            continue
        low, default, high = (int(value) for value in values)
        if min(low, default, high) < 0:
            errors.append(f"cdn_ttls.{name}: TTLs cannot be negative")
        elif low > default:
            errors.append(f"cdn_ttls.{name}: min {low} is above default {default}; CloudFront needs min <= default <= max")
        elif default > high:
            errors.append(f"cdn_ttls.{name}: default {default} is above max {high}; CloudFront needs min <= default <= max")
    geo = settings.get("cdn_geo_restriction") or {}
    params = {
        "state": "absent",  # only the checks that do not need the origins, which exist only at run time
        "certificate_arn": settings.get("cdn_certificate_arn") or None,
        "geo_restriction": geo,
    }
    for message in distribution_errors(params):
        for option, variable in _CDN_VARIABLES.items():
            if message.startswith(option):
                message = variable + message[len(option):]
                break
        errors.append(message)
    if settings.get("cdn_aliases") and not (settings.get("cdn_certificate_arn") or settings.get("cdn_certificate_domain")):
        errors.append("cdn_certificate_arn: aliases need a certificate in us-east-1 (or cdn_certificate_domain to request one)")
    if settings.get("cdn_price_class") not in ("PriceClass_100", "PriceClass_200", "PriceClass_All"):
        errors.append(f"cdn_price_class: {settings.get('cdn_price_class')} is not PriceClass_100, PriceClass_200 or PriceClass_All")
    return errors


class FilterModule:
    def filters(self):
        return {
            "waf_path_match": waf_path_match,
            "waf_redacted_header": waf_redacted_header,
            "waf_input_errors": waf_input_errors,
            "cdn_input_errors": cdn_input_errors,
        }
