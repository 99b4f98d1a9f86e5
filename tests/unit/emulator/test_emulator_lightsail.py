"""Lightsail instances and snapshots through boto3 against the emulator (tools/emulator/lightsail.py).

Every answer is checked against the operation's output shape in botocore's lightsail model.
"""

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator

from tools.emulator.operations import service_model


def checked(lightsail, operation, **params):
    answer = getattr(lightsail, operation)(**params)
    body = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
    name = "".join(part.capitalize() for part in operation.split("_"))
    report = ParamValidator().validate(body, service_model("lightsail").operation_model(name).output_shape)
    assert not report.has_errors(), report.generate_report()
    return body


def create(lightsail, *names, region="us-east-2", **extra):
    params = dict(instanceNames=list(names), availabilityZone=f"{region}a", blueprintId="ubuntu_22_04", bundleId="medium_3_0")
    params.update(extra)
    return checked(lightsail, "create_instances", **params)


def error_of(raised):
    return raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def lightsail(aws):
    return aws("lightsail", region="us-east-2")


def test_created_instances_are_listed_by_name_with_their_blueprint_bundle_and_addresses(lightsail):
    operations = create(lightsail, "web-2", "web-1", tags=[{"key": "Project", "value": "1001-stories"}])["operations"]

    assert [(op["resourceName"], op["operationType"], op["status"]) for op in operations] == [
        ("web-2", "CreateInstance", "Succeeded"),
        ("web-1", "CreateInstance", "Succeeded"),
    ]
    instances = checked(lightsail, "get_instances")["instances"]
    assert [instance["name"] for instance in instances] == ["web-1", "web-2"]
    first = instances[0]
    assert first["location"] == {"availabilityZone": "us-east-2a", "regionName": "us-east-2"}
    assert (first["blueprintId"], first["bundleId"], first["state"]["name"], first["username"]) == ("ubuntu_22_04", "medium_3_0", "running", "ubuntu")
    assert first["hardware"]["ramSizeInGb"] == 4.0
    assert first["tags"] == [{"key": "Project", "value": "1001-stories"}]
    assert first["arn"].startswith("arn:aws:lightsail:us-east-2:123456789012:Instance/")
    assert len({instance["publicIpAddress"] for instance in instances}) == 2
    assert checked(lightsail, "get_instance", instanceName="web-2")["instance"] == instances[1]


def test_instances_are_kept_per_region(aws, lightsail):
    create(lightsail, "web-1")
    elsewhere = aws("lightsail", region="eu-west-1")

    assert checked(elsewhere, "get_instances")["instances"] == []
    with pytest.raises(ClientError) as raised:
        elsewhere.get_instance(instanceName="web-1")
    assert error_of(raised) == ("NotFoundException", 400)


def test_unknown_names_answer_not_found(lightsail):
    for call, params in (
        (lightsail.get_instance, {"instanceName": "nope"}),
        (lightsail.delete_instance, {"instanceName": "nope"}),
        (lightsail.get_instance_snapshot, {"instanceSnapshotName": "nope"}),
        (lightsail.delete_instance_snapshot, {"instanceSnapshotName": "nope"}),
        (lightsail.create_instance_snapshot, {"instanceSnapshotName": "snap", "instanceName": "nope"}),
    ):
        with pytest.raises(ClientError) as raised:
            call(**params)
        assert error_of(raised) == ("NotFoundException", 400), call
    assert "nope" in str(raised.value)


@pytest.mark.parametrize(
    "params, words",
    [
        ({"instanceNames": ["web-1"]}, "already in use"),
        ({"instanceNames": ["web-3"], "blueprintId": "windows_xp"}, "blueprint"),
        ({"instanceNames": ["web-3"], "bundleId": "huge_9_0"}, "bundle"),
        ({"instanceNames": ["web-3"], "availabilityZone": "eu-west-1a"}, "availability zone"),
        ({"instanceNames": ["-bad name"]}, "not valid"),
    ],
)
def test_bad_create_requests_are_invalid_input(lightsail, params, words):
    create(lightsail, "web-1")
    request = dict(availabilityZone="us-east-2a", blueprintId="ubuntu_22_04", bundleId="medium_3_0")
    request.update(params)

    with pytest.raises(ClientError) as raised:
        lightsail.create_instances(**request)
    assert error_of(raised) == ("InvalidInputException", 400)
    assert words in str(raised.value)
    assert [instance["name"] for instance in lightsail.get_instances()["instances"]] == ["web-1"]


def test_a_snapshot_records_its_instance_and_outlives_it(lightsail):
    create(lightsail, "web-1")
    instance = lightsail.get_instance(instanceName="web-1")["instance"]

    operations = checked(lightsail, "create_instance_snapshot", instanceSnapshotName="web-1-pre-migration", instanceName="web-1")["operations"]
    assert [(op["resourceName"], op["resourceType"], op["operationType"]) for op in operations] == [
        ("web-1-pre-migration", "InstanceSnapshot", "CreateInstanceSnapshot")
    ]
    snapshot = checked(lightsail, "get_instance_snapshot", instanceSnapshotName="web-1-pre-migration")["instanceSnapshot"]
    assert (snapshot["state"], snapshot["fromInstanceName"], snapshot["fromInstanceArn"]) == ("available", "web-1", instance["arn"])
    assert (snapshot["fromBlueprintId"], snapshot["fromBundleId"], snapshot["sizeInGb"]) == ("ubuntu_22_04", "medium_3_0", 80)
    with pytest.raises(ClientError) as raised:
        lightsail.create_instance_snapshot(instanceSnapshotName="web-1-pre-migration", instanceName="web-1")
    assert error_of(raised) == ("InvalidInputException", 400)

    deleted = checked(lightsail, "delete_instance", instanceName="web-1")["operations"]
    assert deleted[0]["operationType"] == "DeleteInstance"
    assert checked(lightsail, "get_instances")["instances"] == []
    assert [s["name"] for s in checked(lightsail, "get_instance_snapshots")["instanceSnapshots"]] == ["web-1-pre-migration"]

    checked(lightsail, "delete_instance_snapshot", instanceSnapshotName="web-1-pre-migration")
    assert checked(lightsail, "get_instance_snapshots")["instanceSnapshots"] == []


def test_reset_forgets_lightsail_and_calls_are_recorded(emulator, lightsail):
    create(lightsail, "web-1")
    lightsail.get_instances()

    calls = [(call["service"], call["operation"], call["region"], call["status"]) for call in emulator.calls()]
    assert calls == [("lightsail", "CreateInstances", "us-east-2", 200), ("lightsail", "GetInstances", "us-east-2", 200)]
    emulator.reset()
    assert lightsail.get_instances()["instances"] == []


def test_lightsail_calls_can_be_faulted(emulator, aws):
    lightsail = aws("lightsail", region="us-east-2", retries={"max_attempts": 1, "mode": "standard"})
    emulator.set_faults("throttle=1,service=lightsail,operation=GetInstances")
    try:
        with pytest.raises(ClientError) as raised:
            lightsail.get_instances()
    finally:
        emulator.clear_faults()
    assert raised.value.response["Error"]["Code"] in ("ThrottlingException", "Throttling")
