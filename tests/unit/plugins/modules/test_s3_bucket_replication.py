# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""s3_bucket_replication driven through main() against a real botocore S3 client with a Stubber: every request
is validated against the S3 service model, and any call not queued fails."""

import pytest

from ansible_collections.stories1001.infra.plugins.modules import s3_bucket_replication as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

BUCKET = "stories1001-production-content"
DR_BUCKET = "stories1001-production-content-dr"
ROLE = "arn:aws:iam::123456789012:role/stories1001-production-s3-replication"
KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BY_BUCKET = {"Bucket": BUCKET}
DR_RULE = {"id": "dr-us-west-2", "destination_bucket": DR_BUCKET, "destination_storage_class": "STANDARD_IA", "delete_marker_replication": True}


def aws_rule(rule_id="dr-us-west-2", priority=1, prefix="", storage_class="STANDARD_IA", delete_markers="Enabled", **destination):
    return {
        "ID": rule_id,
        "Priority": priority,
        "Status": "Enabled",
        "Filter": {"Prefix": prefix},
        "DeleteMarkerReplication": {"Status": delete_markers},
        "Destination": dict({"Bucket": f"arn:aws:s3:::{DR_BUCKET}", "StorageClass": storage_class}, **destination),
    }


def aws_config(*rules):
    return {"Role": ROLE, "Rules": list(rules) or [aws_rule()]}


stubber = stubber_fixture("s3")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    stubbed = StubbedModule(module_under_test.main, "s3", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        module_args = aws_args(bucket=BUCKET, role_arn=ROLE, rules=[DR_RULE])
        module_args.update(args)
        module_args = {key: value for key, value in module_args.items() if value is not None}
        result = stubbed.run(module_args, check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return _run


def expect_get(stub, config=None):
    if config is None:
        stub.add_client_error(
            "get_bucket_replication", "ReplicationConfigurationNotFoundError", "The replication configuration was not found", 404, expected_params=BY_BUCKET
        )
    else:
        stub.add_response("get_bucket_replication", {"ReplicationConfiguration": config}, BY_BUCKET)


def expect_versioning(stub, status="Enabled"):
    stub.add_response("get_bucket_versioning", {"Status": status} if status else {}, BY_BUCKET)


def expect_put(stub, config):
    stub.add_response("put_bucket_replication", {}, dict(BY_BUCKET, ReplicationConfiguration=config))


def test_create(stubber, run):
    expect_get(stubber)
    expect_versioning(stubber)
    expect_put(stubber, aws_config())
    expect_get(stubber, aws_config())

    result = run({})

    assert result["changed"] is True
    assert result["replication_configuration"] == {
        "role_arn": ROLE,
        "rules": [
            {
                "id": "dr-us-west-2",
                "priority": 1,
                "status": "Enabled",
                "filter": {"prefix": "", "tags": {}},
                "destination_bucket": f"arn:aws:s3:::{DR_BUCKET}",
                "destination_storage_class": "STANDARD_IA",
                "destination_account": None,
                "replica_kms_key_id": None,
                "sse_kms_encrypted_objects": False,
                "delete_marker_replication": True,
                "replication_time_minutes": None,
                "metrics": False,
            }
        ],
    }
    assert result["diff"]["before"] == {}
    assert result["_sent"] == ["get_bucket_replication", "get_bucket_versioning", "put_bucket_replication", "get_bucket_replication"]


def test_rerun_writes_nothing(stubber, run):
    # AWS may answer an empty filter as {} and leaves out what was not set.
    rule = aws_rule()
    rule["Filter"] = {}
    expect_get(stubber, aws_config(rule))

    result = run({})

    assert result["changed"] is False
    assert result["_sent"] == ["get_bucket_replication"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_rules_compared_by_id_whatever_the_order(stubber, run):
    books = aws_rule("books", 2, prefix="books/", storage_class="GLACIER_IR", delete_markers="Disabled")
    expect_get(stubber, aws_config(books, aws_rule()))

    books_rule = {"id": "books", "priority": 2, "prefix": "books/", "destination_bucket": f"arn:aws:s3:::{DR_BUCKET}"}
    books_rule["destination_storage_class"] = "GLACIER_IR"
    rules = [DR_RULE, books_rule]
    result = run({"rules": rules})

    assert result["changed"] is False
    assert [rule["id"] for rule in result["replication_configuration"]["rules"]] == ["books", "dr-us-west-2"]


def test_change_with_every_option(stubber, run):
    expect_get(stubber, aws_config())
    expect_versioning(stubber)
    wanted = aws_config(
        {
            "ID": "books",
            "Priority": 10,
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": "books/", "Tags": [{"Key": "Replicate", "Value": "yes"}]}},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {
                "Bucket": f"arn:aws:s3:::{DR_BUCKET}",
                "Account": "210987654321",
                "StorageClass": "STANDARD_IA",
                "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY},
                "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
            },
            "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        }
    )
    expect_put(stubber, wanted)
    expect_get(stubber, wanted)

    rule = {
        "id": "books",
        "priority": 10,
        "filter": {"prefix": "books/", "tags": {"Replicate": "yes"}},
        "destination_bucket": DR_BUCKET,
        "destination_account": "210987654321",
        "destination_storage_class": "STANDARD_IA",
        "replica_kms_key_id": KEY,
        "sse_kms_encrypted_objects": True,
        "replication_time_minutes": 15,
    }
    result = run({"rules": [rule]})

    assert result["changed"] is True
    after = result["replication_configuration"]["rules"][0]
    assert after["replication_time_minutes"] == 15
    assert after["metrics"] is True
    assert after["sse_kms_encrypted_objects"] is True
    assert after["filter"] == {"prefix": "books/", "tags": {"Replicate": "yes"}}
    assert result["diff"]["before"]["rules"][0]["id"] == "dr-us-west-2"


def test_v1_configuration_is_rewritten(stubber, run):
    old = {"ID": "dr-us-west-2", "Priority": 1, "Prefix": "", "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Enabled"},
           "Destination": {"Bucket": f"arn:aws:s3:::{DR_BUCKET}", "StorageClass": "STANDARD_IA"}}
    expect_get(stubber, aws_config(old))
    expect_versioning(stubber)
    expect_put(stubber, aws_config())
    expect_get(stubber, aws_config())

    result = run({})

    assert result["changed"] is True
    assert result["diff"]["before"] == result["diff"]["after"]


def test_check_mode_writes_nothing(stubber, run):
    expect_get(stubber, aws_config())
    expect_versioning(stubber)

    result = run({"rules": [dict(DR_RULE, destination_storage_class="GLACIER_IR")]}, check_mode=True)

    assert result["changed"] is True
    assert result["replication_configuration"]["rules"][0]["destination_storage_class"] == "GLACIER_IR"
    assert result["_sent"] == ["get_bucket_replication", "get_bucket_versioning"]


@pytest.mark.parametrize("status", [None, "Suspended"])
def test_unversioned_source_is_refused_before_put(stubber, run, status):
    expect_get(stubber)
    expect_versioning(stubber, status)

    result = run({})

    assert result["failed"] is True
    assert f"Bucket {BUCKET} has versioning {status or 'never enabled'}" in result["msg"]
    assert "AWS refuses replication from a bucket whose versioning is not Enabled" in result["msg"]
    assert "put_bucket_replication" not in result["_sent"]


def test_absent(stubber, run):
    expect_get(stubber, aws_config())
    stubber.add_response("delete_bucket_replication", {}, BY_BUCKET)

    result = run({"state": "absent", "role_arn": None, "rules": None})

    assert result["changed"] is True
    assert result["replication_configuration"] == {}
    assert result["diff"]["before"]["role_arn"] == ROLE


def test_absent_check_mode_and_missing(stubber, run):
    expect_get(stubber, aws_config())
    expect_get(stubber)

    assert run({"state": "absent"}, check_mode=True)["changed"] is True
    result = run({"state": "absent"})

    assert result["changed"] is False
    assert "delete_bucket_replication" not in result["_sent"]


def test_put_refused_by_aws_is_reported(stubber, run):
    expect_get(stubber)
    expect_versioning(stubber)
    stubber.add_client_error(
        "put_bucket_replication", "InvalidRequest", "Destination bucket must have versioning enabled.", 400,
        expected_params=dict(BY_BUCKET, ReplicationConfiguration=aws_config()),
    )

    result = run({})

    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to put the replication configuration of bucket {BUCKET}")
    assert result["error"]["code"] == "InvalidRequest"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"role_arn": None}, "role_arn is required with state present"),
        ({"rules": []}, "rules must list at least one rule"),
        ({"rules": [DR_RULE, dict(DR_RULE, priority=2)]}, "rule ids must be unique: dr-us-west-2 given more than once"),
        ({"rules": [dict(DR_RULE, priority=3), dict(DR_RULE, id="b", priority=3)]}, "rule priorities must be unique: 3 given more than once"),
        ({"rules": [DR_RULE, dict(DR_RULE, id="b", priority=1)]}, "rule priorities must be unique: 1"),
        ({"rules": [dict(DR_RULE, prefix="a/", filter={"prefix": "b/"})]}, "rules[0]: give prefix or filter, not both"),
        ({"rules": [dict(DR_RULE, replication_time_minutes=20)]}, "rules[0].replication_time_minutes is 20; AWS takes only 15"),
        ({"rules": [dict(DR_RULE, replication_time_minutes=15, metrics=False)]}, "replication time control needs metrics"),
        ({"rules": [dict(DR_RULE, sse_kms_encrypted_objects=True)]}, "sse_kms_encrypted_objects needs replica_kms_key_id"),
        ({"rules": [dict(DR_RULE, id="x" * 256)]}, "rules[0].id must be 1 to 255 characters"),
    ],
)
def test_bad_input_is_refused_before_any_call(stubber, run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []
