"""SNS through boto3 against the emulator: email subscriptions wait for confirmation as in AWS (tools/emulator/sns.py),
and what sns_topic relies on (KMS key, policy and tags kept from CreateTopic) holds."""

import json

import pytest
from botocore.exceptions import ClientError

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:stories1001-alert-archive"


@pytest.fixture
def sns(aws):
    return aws("sns")


@pytest.fixture
def topic(sns):
    return sns.create_topic(Name="stories1001-critical-alerts")["TopicArn"]


def listed(sns, topic_arn):
    return {item["Endpoint"]: item["SubscriptionArn"] for item in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]}


def test_email_subscription_waits_for_confirmation(sns, topic):
    answer = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@1001stories.org")
    queue = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]

    assert answer["SubscriptionArn"] == "pending confirmation"
    assert queue.startswith(topic + ":")
    assert listed(sns, topic) == {"ops@1001stories.org": "PendingConfirmation", QUEUE: queue}
    assert [item["SubscriptionArn"] for item in sns.list_subscriptions()["Subscriptions"]] == ["PendingConfirmation", queue]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsPending"], attributes["SubscriptionsConfirmed"]) == ("1", "1")


def test_email_json_subscription_arn_on_request(sns, topic):
    arn = sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="sre@1001stories.org", ReturnSubscriptionArn=True)["SubscriptionArn"]

    assert arn.startswith(topic + ":")
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert (attributes["PendingConfirmation"], attributes["ConfirmationWasAuthenticated"]) == ("true", "false")
    assert listed(sns, topic) == {"sre@1001stories.org": "PendingConfirmation"}


def test_subscribing_again_stays_pending_and_single(sns, topic):
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@1001stories.org")
    again = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@1001stories.org")

    assert again["SubscriptionArn"] == "pending confirmation"
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1


def test_listed_pending_subscription_cannot_be_unsubscribed(sns, topic):
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@1001stories.org")

    with pytest.raises(ClientError) as caught:
        sns.unsubscribe(SubscriptionArn="PendingConfirmation")

    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    assert listed(sns, topic) == {"ops@1001stories.org": "PendingConfirmation"}


def test_confirmed_subscription_unsubscribes(sns, topic):
    queue = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=QUEUE)["SubscriptionArn"]

    sns.unsubscribe(SubscriptionArn=queue)

    assert listed(sns, topic) == {}
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "0"


def test_create_topic_keeps_key_policy_and_tags(sns):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "budgets.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*"}],
    }
    arn = sns.create_topic(
        Name="stories1001-cost-alerts",
        Attributes={"KmsMasterKeyId": KEY, "Policy": json.dumps(policy), "DisplayName": "Cost"},
        Tags=[{"Key": "Project", "Value": "stories1001"}],
    )["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/stories1001-sns")

    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["KmsMasterKeyId"] == "alias/stories1001-sns"
    assert json.loads(attributes["Policy"]) == policy
    assert attributes["DisplayName"] == "Cost"
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Project", "Value": "stories1001"}]
