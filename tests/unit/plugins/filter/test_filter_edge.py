import pytest

from ansible_collections.stories1001.infra.plugins.filter.edge import cdn_input_errors, waf_input_errors, waf_path_match, waf_redacted_header
from ansible_collections.stories1001.infra.plugins.filter.storage import storage_input_errors

WAF = {
    "waf_scope": "CLOUDFRONT",
    "waf_region": "us-east-1",
    "waf_name": "1001-stories-production-edge",
    "waf_rate_limit": 1000,
    "waf_api_rate_limit": 2000,
    "waf_login_rate_limit": 10,
    "waf_rate_window_seconds": 300,
    "waf_blocked_countries": [],
    "waf_login_paths": ["/api/auth/signin"],
}
CDN = {
    "cdn_ttls": {"books": {"min": 86400, "default": 86400, "max": 31536000}, "static": {"min": 0, "default": 31536000, "max": 31536000}},
    "cdn_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666",
    "cdn_certificate_domain": "",
    "cdn_aliases": ["1001stories.org"],
    "cdn_geo_restriction": {"type": "none", "locations": []},
    "cdn_price_class": "PriceClass_100",
}
STORAGE = {
    "storage_region": "us-east-1",
    "storage_content_bucket": "1001-stories-production-content",
    "storage_log_bucket": "1001-stories-production-logs-us-east-1",
    "storage_replica_bucket": "1001-stories-production-content-us-west-2",
    "storage_replica_region": "us-west-2",
    "storage_archive_days": 125,
    "storage_deep_archive_days": 180,
    "storage_noncurrent_transition_days": 30,
    "storage_noncurrent_expiration_days": 365,
}


def test_seed_settings_are_valid():
    assert waf_input_errors(WAF) == []
    assert waf_input_errors(dict(WAF, waf_scope="REGIONAL", waf_region="eu-west-1", waf_rate_limit=5000, waf_blocked_countries=["KP"])) == []
    assert cdn_input_errors(CDN) == []
    assert cdn_input_errors(dict(CDN, cdn_geo_restriction={"type": "whitelist", "locations": ["DE", "FR", "IE"]}, cdn_price_class="PriceClass_All")) == []
    assert storage_input_errors(STORAGE) == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"waf_rate_limit": 9}, "waf_rate_limit: 9 is outside AWS WAF's 10 to 2,000,000,000 requests per window"),
        ({"waf_login_rate_limit": 0}, "waf_login_rate_limit: 0 is outside AWS WAF's 10"),
        ({"waf_api_rate_limit": "many"}, "waf_api_rate_limit: 'many' is not a whole number"),
        ({"waf_rate_window_seconds": 30}, "waf_rate_window_seconds: 30 is not one of 60, 120, 300, 600"),
        ({"waf_region": "eu-west-1"}, "waf_region: a CLOUDFRONT web ACL is made in us-east-1, not eu-west-1"),
        ({"waf_blocked_countries": ["KP", "UK"]}, "waf_blocked_countries: UK is not an ISO 3166-1 alpha-2 country code"),
        ({"waf_blocked_countries": ["XX", "ZZ"]}, "waf_blocked_countries: XX, ZZ are not ISO 3166-1 alpha-2 country codes"),
        ({"waf_login_paths": ["api/login"]}, "waf_login_paths: 'api/login' must start with /"),
        ({"waf_name": "bad name!"}, "waf_name: 'bad name!' must be 1 to 128 letters"),
    ],
)
def test_bad_waf_input_names_the_variable(change, message):
    errors = waf_input_errors(dict(WAF, **change))
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cdn_ttls": {"books": {"min": 86400, "default": 3600, "max": 31536000}}}, "cdn_ttls.books: min 86400 is above default 3600"),
        ({"cdn_ttls": {"static": {"min": 0, "default": 31536001, "max": 31536000}}}, "cdn_ttls.static: default 31536001 is above max 31536000"),
        ({"cdn_ttls": {"books": {"min": 0, "default": 1}}}, "cdn_ttls.books: give min, default and max"),
        (
            {"cdn_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c8f5e-1111-2222-3333-444455556666"},
            "cdn_certificate_arn must be an ACM certificate in us-east-1 (CloudFront uses no other region); it is in eu-west-1",
        ),
        ({"cdn_geo_restriction": {"type": "whitelist", "locations": ["DE", "EU"]}}, "cdn_geo_restriction.locations: EU not ISO 3166-1 alpha-2"),
        ({"cdn_geo_restriction": {"type": "whitelist", "locations": []}}, "cdn_geo_restriction.type whitelist needs locations"),
        ({"cdn_certificate_arn": "", "cdn_certificate_domain": ""}, "cdn_certificate_arn: aliases need a certificate in us-east-1"),
        ({"cdn_price_class": "PriceClass_Cheap"}, "cdn_price_class: PriceClass_Cheap is not"),
    ],
)
def test_bad_cdn_input_names_the_variable(change, message):
    errors = cdn_input_errors(dict(CDN, **change))
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize(
    "change, message",
    [
        ({"storage_content_bucket": "1001_Stories"}, "storage_content_bucket: '1001_Stories' must be lower-case letters"),
        ({"storage_log_bucket": "ab"}, "storage_log_bucket: 'ab' has 2 characters (3 to 63)"),
        ({"storage_content_bucket": "192.168.1.1"}, "must not hold two dots in a row or look like an IP address"),
        ({"storage_content_bucket": "xn--stories"}, "uses a prefix or suffix S3 reserves"),
        ({"storage_log_bucket": "1001-stories-production-content"}, "three different buckets"),
        ({"storage_archive_days": 60}, "storage_archive_days: 60 is outside Intelligent-Tiering's 90 to 730"),
        ({"storage_deep_archive_days": 125}, "storage_deep_archive_days: 125 is outside Intelligent-Tiering's 180 to 730"),
        ({"storage_archive_days": 200, "storage_deep_archive_days": 190}, "storage_deep_archive_days: 190 must be above storage_archive_days 200"),
        ({"storage_noncurrent_transition_days": 7}, "storage_noncurrent_transition_days: 7 is below 30"),
        ({"storage_noncurrent_expiration_days": 30}, "storage_noncurrent_expiration_days: 30 must be above storage_noncurrent_transition_days 30"),
        ({"storage_replica_region": "us-east-1"}, "storage_replica_region: us-east-1 is the bucket's own region"),
    ],
)
def test_bad_storage_input_names_the_variable(change, message):
    errors = storage_input_errors(dict(STORAGE, **change))
    assert any(message in error for error in errors), errors


def test_waf_path_match_is_an_anchored_escaped_regex_on_the_path():
    statement = waf_path_match("/api/auth/callback.credentials")["regex_match_statement"]
    assert statement["regex_string"] == "^/api/auth/callback\\.credentials"
    assert statement["field_to_match"] == {"uri_path": {}}


def test_waf_redacted_header_is_lower_case():
    assert waf_redacted_header("Authorization") == {"single_header": {"name": "authorization"}}
