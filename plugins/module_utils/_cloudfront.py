# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CloudFront option checks, DistributionConfig building and comparison, shared by the collection's CloudFront modules.

Every API call in the modules passes ``aws_retry=True`` on a client made with ``retry_decorator=AWSRetry.jittered_backoff()``.
Private to stories1001.infra: the interface may change without notice.
"""

import re

# ISO 3166-1 alpha-2: every officially assigned code (249), which is what CloudFront's geo restriction takes.
COUNTRY_CODES = frozenset("""
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
    CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
    GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
    SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split())
# ACM certificates for CloudFront must be in us-east-1.
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):[0-9]{12}:certificate/[0-9A-Za-z-]+$")
CERTIFICATE_REGION = "us-east-1"
# The three method sets CloudFront accepts, and the two cached-method sets.
METHOD_SETS = (
    frozenset(["GET", "HEAD"]),
    frozenset(["GET", "HEAD", "OPTIONS"]),
    frozenset(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]),
)
CACHED_METHOD_SETS = METHOD_SETS[:2]
# Legacy cache settings AWS uses when a behaviour gives none (API_DefaultCacheBehavior).
DEFAULT_TTLS = (0, 86400, 31536000)
# Quantity/Items lists whose order AWS does not keep or does not care about.
UNORDERED = frozenset(["Aliases", "AllowedMethods", "CachedMethods", "Headers", "WhitelistedNames", "QueryStringCacheKeys", "OriginSslProtocols"])
GEO_ITEMS_PATH = ("Restrictions", "GeoRestriction")
IN_PROGRESS = "InProgress"
DEPLOYED = "Deployed"


def _items(items):
    """A Quantity/Items wrapper for a list."""
    items = list(items or [])
    wrapper = {"Quantity": len(items)}
    if items:
        wrapper["Items"] = items
    return wrapper


def _behaviours(params):
    behaviours = []
    if params.get("default_cache_behavior"):
        behaviours.append(("default_cache_behavior", params["default_cache_behavior"]))
    for index, behaviour in enumerate(params.get("cache_behaviors") or []):
        behaviours.append((f"cache_behaviors[{index}]", behaviour))
    return behaviours


def distribution_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    arn = params.get("certificate_arn")
    if arn:
        match = CERTIFICATE_ARN.match(arn)
        if not match:
            errors.append(f"certificate_arn {arn!r} is not an ACM certificate ARN")
        elif match.group("region") != CERTIFICATE_REGION:
            errors.append(
                f"certificate_arn must be an ACM certificate in {CERTIFICATE_REGION} (CloudFront uses no other region); it is in {match.group('region')}"
            )
    geo = params.get("geo_restriction") or {}
    unknown = [code for code in geo.get("locations") or [] if code not in COUNTRY_CODES]
    if unknown:
        errors.append(f"geo_restriction.locations: {', '.join(unknown)} not ISO 3166-1 alpha-2 country codes (upper case, such as US or KE)")
    if geo.get("type", "none") != "none" and not geo.get("locations"):
        errors.append(f"geo_restriction.type {geo.get('type')} needs locations")
    if geo.get("type", "none") == "none" and geo.get("locations"):
        errors.append("geo_restriction.locations needs type whitelist or blacklist")
    if params.get("state") != "present":
        return errors
    origins = params.get("origins") or []
    origin_ids = [origin["id"] for origin in origins]
    if not origins:
        errors.append("origins: at least one origin is required with state present")
    if len(set(origin_ids)) != len(origin_ids):
        errors.append("origins: ids must be unique")
    for origin in origins:
        if origin.get("origin_access_control_id") and origin.get("kind") != "s3":
            errors.append(f"origins {origin['id']}: origin_access_control_id needs kind s3")
    if not params.get("default_cache_behavior"):
        errors.append("default_cache_behavior is required with state present")
    patterns = [behaviour.get("path_pattern") for behaviour in params.get("cache_behaviors") or []]
    if len(set(patterns)) != len(patterns):
        errors.append("cache_behaviors: path patterns must be unique")
    for where, behaviour in _behaviours(params):
        errors.extend(behaviour_errors(where, behaviour, origin_ids))
    return errors


def behaviour_errors(where, behaviour, origin_ids):
    errors = []
    if behaviour.get("target_origin_id") not in origin_ids:
        errors.append(f"{where}.target_origin_id {behaviour.get('target_origin_id')!r} is not the id of one of the origins")
    allowed = frozenset(behaviour.get("allowed_methods") or ["GET", "HEAD"])
    cached = frozenset(behaviour.get("cached_methods") or ["GET", "HEAD"])
    if allowed not in METHOD_SETS:
        errors.append(f"{where}.allowed_methods must be GET,HEAD or GET,HEAD,OPTIONS or all seven methods")
    if cached not in CACHED_METHOD_SETS or not cached <= allowed:
        errors.append(f"{where}.cached_methods must be GET,HEAD or GET,HEAD,OPTIONS, and within allowed_methods")
    ttls = [behaviour.get(key) for key in ("min_ttl", "default_ttl", "max_ttl")]
    legacy = any(ttl is not None for ttl in ttls) or behaviour.get("forwarded_values") is not None
    if behaviour.get("cache_policy_id") and legacy:
        errors.append(f"{where}: cache_policy_id and the legacy min_ttl/default_ttl/max_ttl/forwarded_values are mutually exclusive")
    if behaviour.get("origin_request_policy_id") and not behaviour.get("cache_policy_id"):
        errors.append(f"{where}: origin_request_policy_id needs cache_policy_id")
    low, default, high = (DEFAULT_TTLS[index] if ttl is None else ttl for index, ttl in enumerate(ttls))
    if any(ttl < 0 for ttl in (low, default, high)):
        errors.append(f"{where}: TTLs cannot be negative")
    elif not low <= default <= high:
        errors.append(f"{where}: TTLs must be in order min_ttl <= default_ttl <= max_ttl (got {low}, {default}, {high})")
    return errors


def build_origin(origin):
    built = {
        "Id": origin["id"],
        "DomainName": origin["domain_name"],
        "OriginPath": origin.get("origin_path") or "",
        "CustomHeaders": _items([{"HeaderName": key, "HeaderValue": str(value)} for key, value in sorted((origin.get("custom_headers") or {}).items())]),
        "ConnectionAttempts": origin.get("connection_attempts") or 3,
        "ConnectionTimeout": origin.get("connection_timeout") or 10,
        "OriginShield": {"Enabled": False},
        "OriginAccessControlId": origin.get("origin_access_control_id") or "",
    }
    if origin.get("kind") == "s3":
        built["S3OriginConfig"] = {"OriginAccessIdentity": ""}
    else:
        built["CustomOriginConfig"] = {
            "HTTPPort": origin.get("http_port") or 80,
            "HTTPSPort": origin.get("https_port") or 443,
            "OriginProtocolPolicy": origin.get("origin_protocol_policy") or "https-only",
            "OriginSslProtocols": _items(origin.get("origin_ssl_protocols") or ["TLSv1.2"]),
            "OriginReadTimeout": origin.get("origin_read_timeout") or 30,
            "OriginKeepaliveTimeout": origin.get("origin_keepalive_timeout") or 5,
        }
    return built


def build_behaviour(behaviour, path_pattern=None):
    built = {}
    if path_pattern is not None:
        built["PathPattern"] = path_pattern
    allowed = behaviour.get("allowed_methods") or ["GET", "HEAD"]
    cached = behaviour.get("cached_methods") or ["GET", "HEAD"]
    built.update(
        {
            "TargetOriginId": behaviour["target_origin_id"],
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
            "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
            "ViewerProtocolPolicy": behaviour.get("viewer_protocol_policy") or "redirect-to-https",
            "AllowedMethods": dict(_items(allowed), CachedMethods=_items(cached)),
            "SmoothStreaming": False,
            "Compress": bool(behaviour.get("compress")),
            "LambdaFunctionAssociations": {"Quantity": 0},
            "FunctionAssociations": {"Quantity": 0},
            "FieldLevelEncryptionId": "",
        }
    )
    if behaviour.get("cache_policy_id"):
        built["CachePolicyId"] = behaviour["cache_policy_id"]
        if behaviour.get("origin_request_policy_id"):
            built["OriginRequestPolicyId"] = behaviour["origin_request_policy_id"]
    else:
        forwarded = behaviour.get("forwarded_values") or {}
        cookies = forwarded.get("cookies") or "none"
        cookie_names = forwarded.get("cookie_names") or []
        cookie_config = {"Forward": cookies}
        if cookies == "whitelist":
            cookie_config["WhitelistedNames"] = _items(cookie_names)
        built["ForwardedValues"] = {
            "QueryString": bool(forwarded.get("query_string")),
            "Cookies": cookie_config,
            "Headers": _items(forwarded.get("headers") or []),
            "QueryStringCacheKeys": {"Quantity": 0},
        }
        for key, option, default in zip(("MinTTL", "DefaultTTL", "MaxTTL"), ("min_ttl", "default_ttl", "max_ttl"), DEFAULT_TTLS):
            built[key] = default if behaviour.get(option) is None else behaviour[option]
    if behaviour.get("response_headers_policy_id"):
        built["ResponseHeadersPolicyId"] = behaviour["response_headers_policy_id"]
    return built


def build_distribution_config(params, caller_reference):
    """The DistributionConfig the options ask for, with AWS's defaults filled in."""
    certificate_arn = params.get("certificate_arn")
    if certificate_arn:
        viewer_certificate = {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": params.get("ssl_support_method") or "sni-only",
            "MinimumProtocolVersion": params.get("minimum_protocol_version") or "TLSv1.2_2021",
        }
    else:
        viewer_certificate = {"CloudFrontDefaultCertificate": True}
    logging = params.get("logging")
    geo = params.get("geo_restriction") or {}
    config = {
        "CallerReference": caller_reference,
        "Aliases": _items(params.get("aliases") or []),
        "DefaultRootObject": params.get("default_root_object") or "",
        "Origins": _items([build_origin(origin) for origin in params["origins"]]),
        "OriginGroups": {"Quantity": 0},
        "DefaultCacheBehavior": build_behaviour(params["default_cache_behavior"]),
        "CacheBehaviors": _items([build_behaviour(item, item["path_pattern"]) for item in params.get("cache_behaviors") or []]),
        "CustomErrorResponses": _items([build_error_response(item) for item in params.get("custom_error_responses") or []]),
        "Comment": params["name"],
        "Logging": {
            "Enabled": bool(logging),
            "IncludeCookies": bool((logging or {}).get("include_cookies")),
            "Bucket": (logging or {}).get("bucket") or "",
            "Prefix": (logging or {}).get("prefix") or "",
        },
        "PriceClass": params.get("price_class") or "PriceClass_All",
        "Enabled": params.get("enabled", True),
        "ViewerCertificate": viewer_certificate,
        "Restrictions": {"GeoRestriction": dict(_items(geo.get("locations") or []), RestrictionType=geo.get("type") or "none")},
        "WebACLId": params.get("web_acl_id") or "",
        "HttpVersion": params.get("http_version") or "http2and3",
        "IsIPV6Enabled": params.get("ipv6", True),
    }
    return config


def build_error_response(item):
    built = {"ErrorCode": item["error_code"]}
    if item.get("response_page_path"):
        built["ResponsePagePath"] = item["response_page_path"]
        built["ResponseCode"] = str(item.get("response_code") or item["error_code"])
    if item.get("error_caching_min_ttl") is not None:
        built["ErrorCachingMinTTL"] = item["error_caching_min_ttl"]
    return built


def normalize(value, key=None):
    """A config in comparable form: Quantity dropped, Items always a list (sorted where order does not matter), no CallerReference."""
    if isinstance(value, dict):
        result = {}
        for name, item in value.items():
            if name in ("Quantity", "CallerReference"):
                continue
            result[name] = normalize(item, key if name == "Items" else name)
        if "Quantity" in value and "Items" not in result:
            result["Items"] = []
        return result
    if isinstance(value, list):
        items = [normalize(item) for item in value]
        if key in UNORDERED or key == "GeoRestriction":
            items = sorted(items, key=repr)
        return items
    return value


def _empty(value):
    if isinstance(value, dict):
        return all(_empty(item) for item in value.values())
    return value in (None, "", False) or value == []


def matches(wanted, current):
    """Whether the current (normalized) config has everything the wanted (normalized) one sets; keys AWS adds are ignored."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return False
        return all(matches(item, current[name]) if name in current else _empty(item) for name, item in wanted.items())
    if isinstance(wanted, list):
        return isinstance(current, list) and len(wanted) == len(current) and all(matches(a, b) for a, b in zip(wanted, current))
    return wanted == current


def differences(wanted, current, path=""):
    """The dotted paths where the current (normalized) config differs from the wanted one, for the task's result."""
    if isinstance(wanted, dict) and isinstance(current, dict):
        found = []
        for name, item in wanted.items():
            if name in current:
                found.extend(differences(item, current[name], f"{path}.{name}" if path else name))
            elif not _empty(item):
                found.append(f"{path}.{name}" if path else name)
        return found
    if isinstance(wanted, list) and isinstance(current, list) and len(wanted) == len(current):
        found = []
        for index, (a, b) in enumerate(zip(wanted, current)):
            found.extend(differences(a, b, f"{path}[{index}]"))
        return found
    return [] if matches(wanted, current) else [path]


def merged_config(current, wanted):
    """The config to send with UpdateDistribution: the current one with every field the options set replaced."""
    config = dict(current)
    config.update({key: value for key, value in wanted.items() if key != "CallerReference"})
    config["CallerReference"] = current["CallerReference"]
    return config
