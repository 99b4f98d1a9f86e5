"""Application Auto Scaling tags on scalable targets, as AWS keeps them (moto has no tag operations)."""

import pytest
from botocore.exceptions import ClientError

TARGET = {"ServiceNamespace": "dynamodb", "ResourceId": "table/stories", "ScalableDimension": "dynamodb:table:ReadCapacityUnits"}


def register(client, **extra):
    return client.register_scalable_target(MinCapacity=1, MaxCapacity=10, **TARGET, **extra)["ScalableTargetARN"]


def test_tags_given_at_registration_are_kept(aws):
    client = aws("application-autoscaling")
    arn = register(client, Tags={"Component": "compute", "ManagedBy": "stories1001.infra"})
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Component": "compute", "ManagedBy": "stories1001.infra"}


def test_a_second_registration_updates_capacity_and_leaves_the_tags(aws):
    client = aws("application-autoscaling")
    arn = register(client, Tags={"Component": "compute"})
    assert register(client) == arn
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Component": "compute"}


def test_tag_and_untag(aws):
    client = aws("application-autoscaling")
    arn = register(client)
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {}
    client.tag_resource(ResourceARN=arn, Tags={"a": "1", "b": "2"})
    client.untag_resource(ResourceARN=arn, TagKeys=["a", "missing"])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"b": "2"}


def test_an_unknown_target_is_not_found(aws):
    client = aws("application-autoscaling")
    arn = register(client)
    with pytest.raises(ClientError) as raised:
        client.list_tags_for_resource(ResourceARN=arn[:-4] + "0000")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
