# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""s3_intelligent_tiering driven through main() against a real botocore S3 client with a Stubber: every request
is validated against the S3 service model, and any call not queued fails."""

import pytest

from ansible_collections.stories1001.infra.plugins.modules import s3_intelligent_tiering as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

BUCKET = "stories1001-production-content"
ID = "books-archive"
BY_ID = {"Bucket": BUCKET, "Id": ID}


def aws_config(archive=125, deep=180, prefix="books/", status="Enabled", tierings_order=1):
    tierings = []
    if archive is not None:
        tierings.append({"Days": archive, "AccessTier": "ARCHIVE_ACCESS"})
    if deep is not None:
        tierings.append({"Days": deep, "AccessTier": "DEEP_ARCHIVE_ACCESS"})
    config = {"Id": ID, "Status": status, "Tierings": tierings[::tierings_order]}
    if prefix is not None:
        config["Filter"] = {"Prefix": prefix}
    return config


stubber = stubber_fixture("s3")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "s3", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(bucket=BUCKET, id=ID, filter={"prefix": "books/"}, archive_access_days=125, deep_archive_access_days=180)
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return _run


def expect_get(stub, config=None):
    if config is None:
        stub.add_client_error(
            "get_bucket_intelligent_tiering_configuration", "NoSuchConfiguration", "The specified configuration does not exist.", 404, expected_params=BY_ID
        )
    else:
        stub.add_response("get_bucket_intelligent_tiering_configuration", {"IntelligentTieringConfiguration": config}, BY_ID)


def expect_put(stub, config):
    stub.add_response("put_bucket_intelligent_tiering_configuration", {}, dict(BY_ID, IntelligentTieringConfiguration=config))


def test_create(stubber, run):
    expect_get(stubber)
    expect_put(stubber, aws_config())
    expect_get(stubber, aws_config())

    result = run({})

    assert result["changed"] is True
    assert result["configuration"] == {
        "id": ID,
        "status": "Enabled",
        "filter": {"prefix": "books/", "tags": {}},
        "archive_access_days": 125,
        "deep_archive_access_days": 180,
    }
    assert result["diff"]["before"] == {}


def test_rerun_writes_nothing_whatever_the_tier_order(stubber, run):
    expect_get(stubber, aws_config(tierings_order=-1))

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["get_bucket_intelligent_tiering_configuration"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_no_filter_equals_an_empty_prefix(stubber, run):
    config = aws_config(prefix=None)
    config["Filter"] = {"Prefix": ""}
    expect_get(stubber, config)

    result = run({"filter": None})

    assert result["changed"] is False


def test_change_days_and_filter_with_tags(stubber, run):
    expect_get(stubber, aws_config())
    wanted = {
        "Id": ID,
        "Status": "Enabled",
        "Filter": {"And": {"Prefix": "uploads/", "Tags": [{"Key": "Kind", "Value": "original"}]}},
        "Tierings": [{"Days": 365, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    }
    expect_put(stubber, wanted)
    expect_get(stubber, wanted)

    result = run({"filter": {"prefix": "uploads/", "tags": {"Kind": "original"}}, "archive_access_days": None, "deep_archive_access_days": 365})

    assert result["changed"] is True
    assert result["configuration"]["filter"] == {"prefix": "uploads/", "tags": {"Kind": "original"}}
    assert result["configuration"]["archive_access_days"] is None
    assert result["diff"]["before"]["archive_access_days"] == 125


def test_one_tag_without_prefix_is_sent_as_tag(stubber, run):
    expect_get(stubber)
    wanted = {
        "Id": ID,
        "Status": "Disabled",
        "Filter": {"Tag": {"Key": "Kind", "Value": "original"}},
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}],
    }
    expect_put(stubber, wanted)
    expect_get(stubber, wanted)

    result = run({"status": "Disabled", "filter": {"tags": {"Kind": "original"}}, "archive_access_days": 90, "deep_archive_access_days": None})

    assert result["changed"] is True
    assert result["configuration"]["status"] == "Disabled"


def test_check_mode_writes_nothing(stubber, run):
    expect_get(stubber, aws_config())

    result = run({"deep_archive_access_days": 200}, check_mode=True)

    assert result["changed"] is True
    assert result["configuration"]["deep_archive_access_days"] == 200
    assert result["_sent"] == ["get_bucket_intelligent_tiering_configuration"]


def test_create_check_mode_writes_nothing(stubber, run):
    expect_get(stubber)

    result = run({}, check_mode=True)

    assert result["changed"] is True
    assert result["configuration"]["archive_access_days"] == 125
    assert result["_sent"] == ["get_bucket_intelligent_tiering_configuration"]


def test_absent(stubber, run):
    expect_get(stubber, aws_config())
    stubber.add_response("delete_bucket_intelligent_tiering_configuration", {}, BY_ID)

    result = run({"state": "absent"})

    assert result["changed"] is True
    assert result["configuration"] == {}
    assert result["diff"]["before"]["id"] == ID


def test_absent_check_mode_and_missing(stubber, run):
    expect_get(stubber, aws_config())
    expect_get(stubber)

    assert run({"state": "absent"}, check_mode=True)["changed"] is True
    result = run({"state": "absent"})

    assert result["changed"] is False
    assert "delete_bucket_intelligent_tiering_configuration" not in result["_sent"]


def test_missing_bucket_is_said(stubber, run):
    stubber.add_client_error("get_bucket_intelligent_tiering_configuration", "NoSuchBucket", "The specified bucket does not exist", 404, expected_params=BY_ID)

    result = run({})

    assert result["failed"] is True
    assert f"bucket {BUCKET} does not exist" in result["msg"]


def test_put_refused_is_reported(stubber, run):
    expect_get(stubber)
    stubber.add_client_error(
        "put_bucket_intelligent_tiering_configuration",
        "AccessDenied",
        "Access Denied",
        403,
        expected_params=dict(BY_ID, IntelligentTieringConfiguration=aws_config()),
    )

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to put the intelligent-tiering configuration")
    assert result["error"]["code"] == "AccessDenied"


def test_throttling_is_retried(stubber, run, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    stubber.add_client_error("get_bucket_intelligent_tiering_configuration", "SlowDown", "Please reduce your request rate.", 503, expected_params=BY_ID)
    expect_get(stubber, aws_config())

    assert run({})["changed"] is False


@pytest.mark.parametrize(
    "args, message",
    [
        ({"archive_access_days": 89}, "archive_access_days is 89; AWS takes 90 to 730"),
        ({"archive_access_days": 731, "deep_archive_access_days": None}, "archive_access_days is 731"),
        ({"deep_archive_access_days": 179, "archive_access_days": None}, "deep_archive_access_days is 179; AWS takes 180 to 730"),
        ({"archive_access_days": 200, "deep_archive_access_days": 180}, "deep_archive_access_days (180) must be more than archive_access_days (200)"),
        ({"archive_access_days": 180, "deep_archive_access_days": 180}, "must be more than"),
        ({"archive_access_days": None, "deep_archive_access_days": None}, "archive_access_days, deep_archive_access_days or both are required"),
        ({"id": ""}, "id must not be empty"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
