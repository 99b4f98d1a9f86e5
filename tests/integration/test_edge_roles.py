"""The storage, waf and cdn roles end to end on the emulator (their molecule scenarios), and input refused before any AWS call."""

import pytest

from aws_harness import play_calls


@pytest.mark.parametrize("scenario", ["storage", "waf", "cdn"])
def test_molecule_edge_scenario(aws, run, scenario):
    """converge, a re-run with no change (CloudFront's distribution included), verify."""
    result = run("molecule", "test", "--scenario-name", scenario)
    assert result.rc == 0, result.output[-8000:]
    for step in ("converge", "idempotence", "verify"):
        assert f"{step}: Executed: Successful" in result.output, step


BAD_INPUT = {
    "TTLs out of order (minimum above default)": (
        {"cdn_ttls": {"books": {"min": 86400, "default": 3600, "max": 31536000}, "static": {"min": 0, "default": 60, "max": 60}}},
        "cdn_ttls.books: min 86400 is above default 3600; CloudFront needs min <= default <= max",
    ),
    "TTLs out of order (default above maximum)": (
        {"cdn_ttls": {"books": {"min": 0, "default": 86400, "max": 3600}, "static": {"min": 0, "default": 60, "max": 60}}},
        "cdn_ttls.books: default 86400 is above max 3600",
    ),
    "a rate limit below AWS WAF's minimum of 10": (
        {"waf_login_rate_limit": 5},
        "waf_login_rate_limit: 5 is outside AWS WAF's 10 to 2,000,000,000 requests per window",
    ),
    "a CloudFront certificate outside us-east-1": (
        {"cdn_aliases": ["1001stories.org"], "cdn_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666"},
        "cdn_certificate_arn must be an ACM certificate in us-east-1 (CloudFront uses no other region); it is in eu-west-1",
    ),
    "an unknown country code": (
        {"cdn_geo_restriction": {"type": "whitelist", "locations": ["DE", "FR", "EU"]}},
        "cdn_geo_restriction.locations: EU not ISO 3166-1 alpha-2 country codes",
    ),
    "an unknown country code to block": (
        {"waf_blocked_countries": ["UK"]},
        "waf_blocked_countries: UK is not an ISO 3166-1 alpha-2 country code",
    ),
    "tiers out of order": (
        {"storage_archive_days": 200, "storage_deep_archive_days": 190},
        "storage_deep_archive_days: 190 must be above storage_archive_days 200",
    ),
}


@pytest.mark.parametrize("extra_vars, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_edge_input_is_refused_before_any_aws_call(aws, run, extra_vars, message):
    result = run("ansible-playbook", "playbooks/phase1.yml", extra_vars=extra_vars)
    assert result.rc != 0
    assert message in " ".join(result.output.split()), result.output[-3000:]
    assert play_calls(aws.calls()) == []
