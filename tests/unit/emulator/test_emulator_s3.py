"""S3 intelligent tiering and replication through boto3 against the emulator, kept as AWS keeps them (tools/emulator/s3.py).

Every Get/List answer is checked against the operation's output shape in botocore's model.
"""

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model

ROLE = "arn:aws:iam::123456789012:role/stories1001-s3-replication"
KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def checked(s3, operation, **params):
    answer = getattr(s3, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    model = service_model("s3").operation_model("".join(part.title() for part in operation.split("_")))
    report = ParamValidator().validate(body, model.output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def error_of(call, **params):
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response


def tiering(config_id, archive=125, deep=180, **extra):
    tierings = [{"Days": days, "AccessTier": tier} for days, tier in ((archive, "ARCHIVE_ACCESS"), (deep, "DEEP_ARCHIVE_ACCESS")) if days is not None]
    return dict({"Id": config_id, "Status": "Enabled", "Tierings": tierings}, **extra)


@pytest.fixture
def s3(aws):
    client = aws("s3")
    client.create_bucket(Bucket="content")
    return client


def versioned(s3, bucket, region="us-east-1"):
    if region != "us-east-1":
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    elif bucket != "content":
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


# --- intelligent tiering -------------------------------------------------------------------------


def test_tiering_round_trip(s3):
    books = tiering("books", Filter={"And": {"Prefix": "books/", "Tags": [{"Key": "Kind", "Value": "book"}]}})
    uploads = tiering("uploads", archive=None, deep=365, Filter={"Tag": {"Key": "Kind", "Value": "original"}}, Status="Disabled")
    s3.put_bucket_intelligent_tiering_configuration(Bucket="content", Id="uploads", IntelligentTieringConfiguration=uploads)
    s3.put_bucket_intelligent_tiering_configuration(Bucket="content", Id="books", IntelligentTieringConfiguration=books)

    assert checked(s3, "get_bucket_intelligent_tiering_configuration", Bucket="content", Id="books")["IntelligentTieringConfiguration"] == books
    listed = checked(s3, "list_bucket_intelligent_tiering_configurations", Bucket="content")
    assert listed["IntelligentTieringConfigurationList"] == [books, uploads]
    assert listed["IsTruncated"] is False


def test_tiering_put_replaces(s3):
    s3.put_bucket_intelligent_tiering_configuration(Bucket="content", Id="books", IntelligentTieringConfiguration=tiering("books"))
    changed = tiering("books", archive=90, deep=None, Filter={"Prefix": "books/"})
    s3.put_bucket_intelligent_tiering_configuration(Bucket="content", Id="books", IntelligentTieringConfiguration=changed)

    assert s3.get_bucket_intelligent_tiering_configuration(Bucket="content", Id="books")["IntelligentTieringConfiguration"] == changed


def test_tiering_missing_answers_no_such_configuration(s3):
    answer = error_of(s3.get_bucket_intelligent_tiering_configuration, Bucket="content", Id="nothing")

    assert answer["Error"]["Code"] == "NoSuchConfiguration"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "IntelligentTieringConfigurationList" not in s3.list_bucket_intelligent_tiering_configurations(Bucket="content")


def test_tiering_delete_keeps_the_bucket(s3):
    s3.put_bucket_intelligent_tiering_configuration(Bucket="content", Id="books", IntelligentTieringConfiguration=tiering("books"))
    s3.delete_bucket_intelligent_tiering_configuration(Bucket="content", Id="books")

    assert error_of(s3.get_bucket_intelligent_tiering_configuration, Bucket="content", Id="books")["Error"]["Code"] == "NoSuchConfiguration"
    assert error_of(s3.delete_bucket_intelligent_tiering_configuration, Bucket="content", Id="books")["Error"]["Code"] == "NoSuchConfiguration"
    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["content"]


@pytest.mark.parametrize(
    "config, message",
    [
        (tiering("x", archive=89), "Days for ARCHIVE_ACCESS must be between 90 and 730"),
        (tiering("x", deep=731), "Days for DEEP_ARCHIVE_ACCESS must be between 180 and 730"),
        (tiering("x", archive=200, deep=180), "DEEP_ARCHIVE_ACCESS must be greater"),
    ],
)
def test_tiering_days_refused_as_aws_does(s3, config, message):
    answer = error_of(s3.put_bucket_intelligent_tiering_configuration, Bucket="content", Id="x", IntelligentTieringConfiguration=config)

    assert answer["Error"]["Code"] == "InvalidArgument"
    assert message in answer["Error"]["Message"]
    assert error_of(s3.get_bucket_intelligent_tiering_configuration, Bucket="content", Id="x")["Error"]["Code"] == "NoSuchConfiguration"


def test_tiering_of_a_missing_bucket(s3):
    answer = error_of(s3.put_bucket_intelligent_tiering_configuration, Bucket="nobucket", Id="books", IntelligentTieringConfiguration=tiering("books"))

    assert answer["Error"]["Code"] == "NoSuchBucket"


# --- replication ---------------------------------------------------------------------------------


def v2_rule(rule_id="dr", priority=1, **extra):
    return dict(
        {
            "ID": rule_id,
            "Priority": priority,
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Enabled"},
            "Destination": {"Bucket": "arn:aws:s3:::content-dr", "StorageClass": "STANDARD_IA"},
        },
        **extra,
    )


def test_replication_keeps_the_whole_v2_configuration(s3, aws):
    versioned(s3, "content")
    versioned(aws("s3", region="us-west-2"), "content-dr", region="us-west-2")
    full = v2_rule(
        "books",
        2,
        Filter={"And": {"Prefix": "books/", "Tags": [{"Key": "Replicate", "Value": "yes"}]}},
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={
            "Bucket": "arn:aws:s3:::content-dr",
            "StorageClass": "STANDARD_IA",
            "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY},
            "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
            "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
        },
    )
    config = {"Role": ROLE, "Rules": [v2_rule(), full]}
    s3.put_bucket_replication(Bucket="content", ReplicationConfiguration=config)

    assert checked(s3, "get_bucket_replication", Bucket="content")["ReplicationConfiguration"] == config


def test_replication_rule_without_id_gets_one(s3):
    versioned(s3, "content")
    versioned(s3, "content-dr")
    rule = v2_rule()
    del rule["ID"]
    s3.put_bucket_replication(Bucket="content", ReplicationConfiguration={"Role": ROLE, "Rules": [rule]})

    kept = s3.get_bucket_replication(Bucket="content")["ReplicationConfiguration"]["Rules"][0]
    assert len(kept.pop("ID")) == 30
    assert kept == rule


def test_replication_missing_and_deleted(s3):
    versioned(s3, "content")
    versioned(s3, "content-dr")
    missing = error_of(s3.get_bucket_replication, Bucket="content")
    assert missing["Error"]["Code"] == "ReplicationConfigurationNotFoundError"
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404

    s3.put_bucket_replication(Bucket="content", ReplicationConfiguration={"Role": ROLE, "Rules": [v2_rule()]})
    s3.delete_bucket_replication(Bucket="content")

    assert error_of(s3.get_bucket_replication, Bucket="content")["Error"]["Code"] == "ReplicationConfigurationNotFoundError"


@pytest.mark.parametrize("status", [None, "Suspended"])
def test_replication_from_an_unversioned_bucket_is_refused(s3, status):
    versioned(s3, "content-dr")
    if status:
        s3.put_bucket_versioning(Bucket="content", VersioningConfiguration={"Status": status})

    answer = error_of(s3.put_bucket_replication, Bucket="content", ReplicationConfiguration={"Role": ROLE, "Rules": [v2_rule()]})

    assert answer["Error"]["Code"] == "InvalidRequest"
    assert "Versioning must be 'Enabled'" in answer["Error"]["Message"]


@pytest.mark.parametrize(
    "rules, message",
    [
        ([{k: v for k, v in v2_rule().items() if k != "DeleteMarkerReplication"}], "DeleteMarkerReplication must be specified"),
        ([v2_rule("a", 1), v2_rule("b", 1)], "Found two rules with same priority"),
        ([v2_rule("a", 1), v2_rule("a", 2)], "Rule Id must be unique"),
        (
            [v2_rule(Destination={"Bucket": "arn:aws:s3:::content-dr", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}})],
            "Replication Time Control must be used in conjunction with metrics",
        ),
        ([v2_rule(SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}})], "ReplicaKmsKeyID must be specified"),
        ([v2_rule(Destination={"Bucket": "arn:aws:s3:::nowhere"})], "Destination bucket must exist"),
        ([v2_rule(Destination={"Bucket": "arn:aws:s3:::plain"})], "Destination bucket must have versioning enabled"),
    ],
)
def test_replication_configurations_aws_refuses(s3, rules, message):
    versioned(s3, "content")
    versioned(s3, "content-dr")
    s3.create_bucket(Bucket="plain")

    answer = error_of(s3.put_bucket_replication, Bucket="content", ReplicationConfiguration={"Role": ROLE, "Rules": rules})

    assert message in answer["Error"]["Message"]
    assert error_of(s3.get_bucket_replication, Bucket="content")["Error"]["Code"] == "ReplicationConfigurationNotFoundError"


def test_replication_to_another_account_is_not_checked_here(s3):
    versioned(s3, "content")
    rule = v2_rule(Destination={"Bucket": "arn:aws:s3:::their-bucket", "Account": "210987654321"})
    s3.put_bucket_replication(Bucket="content", ReplicationConfiguration={"Role": ROLE, "Rules": [rule]})

    assert s3.get_bucket_replication(Bucket="content")["ReplicationConfiguration"]["Rules"] == [rule]
