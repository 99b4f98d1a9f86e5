# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sns_topic driven through main() against a real botocore SNS client with a Stubber: every request is validated
against the SNS service model, and any call not queued fails."""

import json

import pytest
from ansible.module_utils.common import warnings as warnings_module

from ansible_collections.stories1001.infra.plugins.module_utils import _sns
from ansible_collections.stories1001.infra.plugins.modules import sns_topic as module_under_test
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import StubbedModule, aws_args, stubber_fixture

ACCOUNT = "123456789012"
NAME = "stories1001-production-critical-alerts"
ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:{NAME}"
KEY = "alias/stories1001-production-sns"
OTHER_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:stories1001-alert-archive"
EMAILS = ["ops@1001stories.org", "sre@1001stories.org", "oncall@1001stories.org"]
WRITES = {"create_topic", "set_topic_attributes", "subscribe", "unsubscribe", "tag_resource", "untag_resource", "delete_topic"}


def policy(*services):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": f"Allow{service.split('.')[0]}", "Effect": "Allow", "Principal": {"Service": service}, "Action": "sns:Publish", "Resource": ARN}
            for service in services
        ],
    }


POLICY = policy("cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com")


def emails(*addresses):
    return [{"protocol": "email", "endpoint": address} for address in addresses]


def listed(protocol, endpoint, arn=None):
    """A subscription as ListSubscriptionsByTopic lists it (pending unless an ARN is given)."""
    return {"SubscriptionArn": arn or "PendingConfirmation", "Owner": ACCOUNT, "Protocol": protocol, "Endpoint": endpoint, "TopicArn": ARN}


def attributes(**extra):
    """GetTopicAttributes of the topic as AWS answers, policy as compact JSON text."""
    answer = {
        "TopicArn": ARN,
        "Owner": ACCOUNT,
        "DisplayName": "1001 Stories critical",
        "KmsMasterKeyId": KEY,
        "Policy": json.dumps(POLICY, separators=(",", ":")),
        "SubscriptionsPending": "3",
        "SubscriptionsConfirmed": "0",
        "SubscriptionsDeleted": "0",
        "EffectiveDeliveryPolicy": '{"http":{"defaultHealthyRetryPolicy":{"numRetries":3}}}',
    }
    answer.update(extra)
    return {key: value for key, value in answer.items() if value is not None}


def options(**extra):
    result = dict(
        name=NAME, display_name="1001 Stories critical", kms_master_key_id=KEY, policy=POLICY, subscriptions=emails(*EMAILS), tags={"Severity": "critical"}
    )
    result.update(extra)
    return result


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    # module.warn() collects into a process-wide dict: start each test with an empty one.
    monkeypatch.setattr(warnings_module, "_global_warnings", {})


stubber = stubber_fixture("sns")


@pytest.fixture
def run(stubber, monkeypatch, capsys):
    """Run main() with the given options; the operations sent are in result["_sent"]."""
    stubbed = StubbedModule(module_under_test.main, "sns", lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

    def _run(args, check_mode=False):
        result = stubbed.run(aws_args(**args), check_mode)
        result["_sent"] = list(stubbed.sent)
        return result

    return _run


def expect_list_topics(stub, *pages):
    """ListTopics answered in pages of ARNs."""
    for index, arns in enumerate(pages):
        answer = {"Topics": [{"TopicArn": arn} for arn in arns]}
        if index < len(pages) - 1:
            answer["NextToken"] = f"page-{index + 1}"
        stub.add_response("list_topics", answer, {"NextToken": f"page-{index}"} if index else {})


def expect_read(stub, topic_attributes=None, subscriptions=None, tags=None):
    stub.add_response("get_topic_attributes", {"Attributes": topic_attributes or attributes()}, {"TopicArn": ARN})
    stub.add_response("list_subscriptions_by_topic", {"Subscriptions": subscriptions or []}, {"TopicArn": ARN})
    stub.add_response("list_tags_for_resource", {"Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}, {"ResourceArn": ARN})


def expect_existing(stub, topic_attributes=None, subscriptions=None, tags=None):
    expect_list_topics(stub, [f"arn:aws:sns:us-east-1:{ACCOUNT}:other", ARN])
    expect_read(stub, topic_attributes, subscriptions, tags)


def expect_subscribe(stub, protocol, endpoint, answer="pending confirmation", **extra):
    stub.add_response("subscribe", {"SubscriptionArn": answer}, dict({"TopicArn": ARN, "Protocol": protocol, "Endpoint": endpoint}, **extra))


def warnings_of(result):
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


def writes(result):
    return [operation for operation in result["_sent"] if operation in WRITES]


# --- create ----------------------------------------------------------------------------------------------


def test_create_with_key_policy_subscriptions_and_tags(run, stubber):
    expect_list_topics(stubber, [f"arn:aws:sns:us-east-1:{ACCOUNT}:x-{NAME}"])
    stubber.add_response(
        "create_topic",
        {"TopicArn": ARN},
        {
            "Name": NAME,
            "Attributes": {"DisplayName": "1001 Stories critical", "KmsMasterKeyId": KEY, "Policy": json.dumps(POLICY, separators=(",", ":"))},
            "Tags": [{"Key": "Severity", "Value": "critical"}],
        },
    )
    for address in EMAILS:
        expect_subscribe(stubber, "email", address)
    expect_read(stubber, subscriptions=[listed("email", address) for address in EMAILS], tags={"Severity": "critical"})

    result = run(options())

    assert result["changed"] is True
    topic = result["sns_topic"]
    assert topic["topic_arn"] == ARN and topic["name"] == NAME
    assert topic["attributes"]["kms_master_key_id"] == KEY
    assert topic["attributes"]["policy"] == POLICY
    assert [(item["endpoint"], item["pending_confirmation"]) for item in topic["subscriptions"]] == [(address, True) for address in EMAILS]
    assert topic["tags"] == {"Severity": "critical"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["subscriptions"] == sorted(f"email:{address}" for address in EMAILS)
    assert result["diff"]["after"]["attributes"]["kms_master_key_id"] == KEY


def test_create_fifo_topic(run, stubber):
    name = "stories1001-content-events.fifo"
    arn = f"arn:aws:sns:us-east-1:{ACCOUNT}:{name}"
    expect_list_topics(stubber, [])
    stubber.add_response(
        "create_topic",
        {"TopicArn": arn},
        {"Name": name, "Attributes": {"FifoTopic": "true", "KmsMasterKeyId": "alias/aws/sns", "ContentBasedDeduplication": "true"}},
    )
    stubber.add_response("get_topic_attributes", {"Attributes": {"TopicArn": arn, "FifoTopic": "true", "ContentBasedDeduplication": "true"}}, {"TopicArn": arn})
    stubber.add_response("list_subscriptions_by_topic", {"Subscriptions": []}, {"TopicArn": arn})
    stubber.add_response("list_tags_for_resource", {"Tags": []}, {"ResourceArn": arn})

    result = run(dict(name=name, kms_master_key_id="alias/aws/sns", content_based_deduplication=True))

    assert result["changed"] is True
    assert result["sns_topic"]["attributes"]["fifo_topic"] == "true"
    assert result["sns_topic"]["attributes"]["content_based_deduplication"] == "true"


def test_check_mode_on_a_missing_topic_writes_nothing(run, stubber):
    expect_list_topics(stubber, [f"arn:aws:sns:us-east-1:{ACCOUNT}:other"])

    result = run(options(), check_mode=True)

    assert result["changed"] is True
    assert result["_sent"] == ["list_topics"]
    topic = result["sns_topic"]
    assert topic["topic_arn"] is None
    assert topic["attributes"]["kms_master_key_id"] == KEY
    assert topic["attributes"]["policy"] == POLICY
    assert [(item["endpoint"], item["subscription_arn"]) for item in topic["subscriptions"]] == [(address, None) for address in EMAILS]
    assert result["diff"]["after"]["tags"] == {"Severity": "critical"}


# --- existing topic ---------------------------------------------------------------------------------------


def test_rerun_reads_and_writes_nothing(run, stubber):
    # The same policy with other whitespace and key order is the same policy.
    spaced = json.dumps({"Statement": POLICY["Statement"], "Version": "2012-10-17"}, indent=2)
    pending = [listed("email", address) for address in reversed(EMAILS)]
    expect_existing(stubber, attributes(Policy=spaced), pending, {"Severity": "critical"})

    result = run(options(subscriptions=emails(*EMAILS, EMAILS[0])))

    assert result["changed"] is False
    assert writes(result) == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert warnings_of(result) == []


def test_found_on_a_later_page(run, stubber):
    expect_list_topics(stubber, [f"arn:aws:sns:us-east-1:{ACCOUNT}:topic-{index}" for index in range(100)], [ARN])
    expect_read(stubber, subscriptions=[listed("email", address) for address in EMAILS], tags={"Severity": "critical"})

    result = run(options())

    assert result["changed"] is False
    assert result["_sent"].count("list_topics") == 2


def test_policy_key_and_subscriptions_change(run, stubber):
    queue_arn = f"{ARN}:0f1e2d3c-aaaa-bbbb-cccc-000000000001"
    current = [listed("email", "ops@1001stories.org"), listed("sqs", QUEUE, queue_arn), listed("email", "former@1001stories.org")]
    expect_existing(stubber, subscriptions=current, tags={"Severity": "critical", "Owner": "ops"})
    new_policy = policy("costalerts.amazonaws.com", "cloudwatch.amazonaws.com", "budgets.amazonaws.com")
    stubber.add_response("set_topic_attributes", {}, {"TopicArn": ARN, "AttributeName": "KmsMasterKeyId", "AttributeValue": OTHER_KEY})
    stubber.add_response(
        "set_topic_attributes", {}, {"TopicArn": ARN, "AttributeName": "Policy", "AttributeValue": json.dumps(new_policy, separators=(",", ":"))}
    )
    stubber.add_response("unsubscribe", {}, {"SubscriptionArn": queue_arn})
    expect_subscribe(stubber, "email", "sre@1001stories.org")
    stubber.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["Owner"]})
    after = [listed("email", "ops@1001stories.org"), listed("email", "former@1001stories.org"), listed("email", "sre@1001stories.org")]
    expect_read(stubber, attributes(KmsMasterKeyId=OTHER_KEY, Policy=json.dumps(new_policy)), after, {"Severity": "critical"})

    result = run(options(kms_master_key_id=OTHER_KEY, policy=new_policy, subscriptions=emails("ops@1001stories.org", "sre@1001stories.org")))

    assert result["changed"] is True
    assert writes(result) == ["set_topic_attributes", "set_topic_attributes", "unsubscribe", "subscribe", "untag_resource"]
    assert result["diff"]["before"]["attributes"]["policy"] == POLICY
    assert result["diff"]["after"]["attributes"]["policy"] == new_policy
    assert result["diff"]["before"]["attributes"]["kms_master_key_id"] == KEY
    assert f"sqs:{QUEUE}" in result["diff"]["before"]["subscriptions"]
    assert f"sqs:{QUEUE}" not in result["diff"]["after"]["subscriptions"]
    (warning,) = warnings_of(result)
    assert "email:former@1001stories.org cannot be removed" in warning


def test_only_pending_to_remove_warns_without_change(run, stubber):
    current = [listed("email", address) for address in EMAILS] + [listed("email", "former@1001stories.org")]
    expect_existing(stubber, subscriptions=current, tags={"Severity": "critical"})

    result = run(options())

    assert result["changed"] is False
    assert writes(result) == []
    assert len(warnings_of(result)) == 1


def test_no_purge_keeps_other_subscriptions_and_options_not_given_are_left_alone(run, stubber):
    expect_existing(stubber, subscriptions=[listed("sqs", QUEUE, f"{ARN}:1")], tags={"Owner": "ops"})
    expect_subscribe(stubber, "email", "finance@1001stories.org")
    expect_read(stubber, subscriptions=[listed("sqs", QUEUE, f"{ARN}:1"), listed("email", "finance@1001stories.org")], tags={"Owner": "ops"})

    result = run(dict(name=NAME, subscriptions=emails("finance@1001stories.org"), purge_subscriptions=False))

    assert result["changed"] is True
    assert writes(result) == ["subscribe"]


def test_firehose_subscription_sends_its_role(run, stubber):
    stream = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/stories1001-alerts"
    role = f"arn:aws:iam::{ACCOUNT}:role/stories1001-sns-firehose"
    expect_existing(stubber)
    expect_subscribe(stubber, "firehose", stream, answer=f"{ARN}:2", Attributes={"SubscriptionRoleArn": role})
    expect_read(stubber, subscriptions=[listed("firehose", stream, f"{ARN}:2")])

    result = run(dict(name=NAME, subscriptions=[{"protocol": "firehose", "endpoint": stream, "subscription_role_arn": role}]))

    assert result["sns_topic"]["subscriptions"][0]["pending_confirmation"] is False


def test_check_mode_change_writes_nothing(run, stubber):
    expect_existing(stubber, subscriptions=[listed("email", address) for address in EMAILS], tags={"Severity": "critical"})

    result = run(options(display_name="Critical", tags={"Severity": "high"}, subscriptions=emails(*EMAILS[:2])), check_mode=True)

    assert result["changed"] is True
    assert writes(result) == []
    assert result["diff"]["after"]["attributes"]["display_name"] == "Critical"
    assert result["diff"]["after"]["tags"] == {"Severity": "high"}
    # A pending subscription stays: AWS offers no way to remove it.
    assert result["diff"]["after"]["subscriptions"] == result["diff"]["before"]["subscriptions"]
    assert len(warnings_of(result)) == 1


# --- absent -------------------------------------------------------------------------------------------------


def test_absent_deletes(run, stubber):
    expect_existing(stubber)
    stubber.add_response("delete_topic", {}, {"TopicArn": ARN})

    result = run(dict(name=NAME, state="absent"))

    assert result["changed"] is True
    assert result["sns_topic"] == {} and result["diff"]["after"] == {}
    assert result["diff"]["before"]["attributes"]["kms_master_key_id"] == KEY


def test_absent_missing_and_check_mode(run, stubber):
    expect_list_topics(stubber, [])
    assert run(dict(name=NAME, state="absent"))["changed"] is False
    expect_existing(stubber)
    result = run(dict(name=NAME, state="absent"), check_mode=True)
    assert result["changed"] is True
    assert writes(result) == []


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(name="stories1001 alerts"), "is not a topic name"),
        (dict(name="x" * 257), "is not a topic name"),
        (dict(name="x" * 252 + ".fifo"), "is not a FIFO topic name"),
        (dict(name=NAME, fifo_topic=True), "does not end in .fifo"),
        (dict(name="events.fifo", fifo_topic=False), "ends in .fifo"),
        (dict(name=NAME, content_based_deduplication=True), "only for FIFO topics"),
        (dict(name=NAME, subscriptions=emails("ops@")), "not an email address"),
        (dict(name=NAME, subscriptions=[{"protocol": "email-json", "endpoint": "ops 1001stories.org"}]), "not an email address"),
        (dict(name=NAME, subscriptions=[{"protocol": "sqs", "endpoint": "stories1001-alert-archive"}]), "not an SQS queue ARN"),
        (dict(name=NAME, subscriptions=[{"protocol": "lambda", "endpoint": QUEUE}]), "not a Lambda function ARN"),
        (dict(name=NAME, subscriptions=[{"protocol": "https", "endpoint": "http://hooks.1001stories.org/sns"}]), "not an https:// URL"),
        (dict(name=NAME, subscriptions=[{"protocol": "sms", "endpoint": "555-0100"}]), "E.164"),
        (dict(name=NAME, subscriptions=[{"protocol": "firehose", "endpoint": f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/s"}]), "is required"),
        (
            dict(name=NAME, subscriptions=[{"protocol": "sqs", "endpoint": QUEUE, "subscription_role_arn": f"arn:aws:iam::{ACCOUNT}:role/r"}]),
            "only for Firehose",
        ),
    ],
)
def test_validation_before_any_call(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]
    assert result["_sent"] == []


# --- pure functions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attribute_name, current, wanted, same",
    [
        ("Policy", json.dumps(POLICY, indent=4), POLICY, True),
        ("Policy", json.dumps(policy("budgets.amazonaws.com", "cloudwatch.amazonaws.com")), policy("cloudwatch.amazonaws.com", "budgets.amazonaws.com"), False),
        ("DeliveryPolicy", "", {"http": {}}, False),
        ("KmsMasterKeyId", None, "", True),
        ("KmsMasterKeyId", KEY, OTHER_KEY, False),
        ("ContentBasedDeduplication", None, False, True),
        ("ContentBasedDeduplication", "true", True, True),
        ("DisplayName", "", "Critical", False),
    ],
)
def test_same_attribute(attribute_name, current, wanted, same):
    assert _sns.same_attribute(attribute_name, current, wanted) is same


def test_plan_subscriptions_ignores_deleted_and_keeps_pending():
    current = [listed("email", "a@1001stories.org"), listed("sqs", QUEUE, f"{ARN}:1"), listed("email", "b@1001stories.org", "Deleted")]
    wanted = emails("b@1001stories.org")

    to_subscribe, to_unsubscribe, pending = _sns.plan_subscriptions(current, wanted, True)

    assert to_subscribe == wanted
    assert [item["Protocol"] for item in to_unsubscribe] == ["sqs"]
    assert [item["Endpoint"] for item in pending] == ["a@1001stories.org"]
    assert _sns.plan_subscriptions(current, None, True) == ([], [], [])
