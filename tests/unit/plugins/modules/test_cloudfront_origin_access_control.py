# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cloudfront_origin_access_control driven through main() against a real botocore CloudFront client with a Stubber."""

from ansible_collections.stories1001.infra.plugins.modules import cloudfront_origin_access_control as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

NAME = "1001-stories-production-books"
OAC_ID = "E1OACEXAMPLE42"

stubber = stubber_fixture("cloudfront")
run = run_fixture(module_under_test.main, "cloudfront")


def config(description="books bucket", behavior="always"):
    return {"Name": NAME, "Description": description, "SigningProtocol": "sigv4", "SigningBehavior": behavior, "OriginAccessControlOriginType": "s3"}


def listing(*configs):
    items = [dict(item, Id=OAC_ID) for item in configs]
    return {"OriginAccessControlList": {"Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": len(items), "Items": items}}


def control(item, etag):
    return {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": item}, "ETag": etag}


def test_creates_when_missing(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(), {})
    stubber.add_response("create_origin_access_control", control(config(), "E1"), {"OriginAccessControlConfig": config()})

    result = run(dict(name=NAME, description="books bucket"))

    assert result["changed"] is True
    assert result["origin_access_control"]["id"] == OAC_ID
    assert result["origin_access_control"]["signing_behavior"] == "always"


def test_rerun_changes_nothing(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(config()), {})

    result = run(dict(name=NAME, description="books bucket"))

    assert result["changed"] is False
    assert result["origin_access_control"]["id"] == OAC_ID


def test_a_changed_setting_updates_with_the_current_etag(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(config()), {})
    stubber.add_response("get_origin_access_control", control(config(), "E1CURRENT"), {"Id": OAC_ID})
    stubber.add_response(
        "update_origin_access_control",
        control(config(behavior="no-override"), "E2"),
        {"Id": OAC_ID, "IfMatch": "E1CURRENT", "OriginAccessControlConfig": config(behavior="no-override")},
    )

    result = run(dict(name=NAME, description="books bucket", signing_behavior="no-override"))

    assert result["changed"] is True
    assert result["diff"]["before"]["signing_behavior"] == "always"
    assert result["origin_access_control"]["e_tag"] == "E2"


def test_check_mode_writes_nothing(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(config()), {})

    result = run(dict(name=NAME, description="other"), check_mode=True)

    assert result["changed"] is True
    assert result["origin_access_control"]["description"] == "other"


def test_absent_deletes_with_the_current_etag(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(config()), {})
    stubber.add_response("get_origin_access_control", control(config(), "E1CURRENT"), {"Id": OAC_ID})
    stubber.add_response("delete_origin_access_control", {}, {"Id": OAC_ID, "IfMatch": "E1CURRENT"})

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is True
    assert result["origin_access_control"] == {}


def test_absent_in_use_fails_and_says_why(stubber, run):
    stubber.add_response("list_origin_access_controls", listing(config()), {})
    stubber.add_response("get_origin_access_control", control(config(), "E1CURRENT"), {"Id": OAC_ID})
    stubber.add_client_error("delete_origin_access_control", "OriginAccessControlInUse", "in use", 409, expected_params={"Id": OAC_ID, "IfMatch": "E1CURRENT"})

    result = run(dict(name=NAME, state="absent"))

    assert result["failed"] is True
    assert "still used" in result["msg"]
