# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS topic calls, input checks and result shaping for the sns_topic module.

Each API call is wrapped once and fails with ``AnsibleSNSError``; reads return None (or {}) when the topic does
not exist, deletions return False when it was already gone. Every function expects a client made with
``module.client("sns", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``: calls
pass ``aws_retry=True``. Lists are paged by hand so that every page is retried on throttling.
Private to stories1001.infra: the interface may change without notice.
"""

import json
import re
from urllib.parse import urlparse

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# SNS's own throttling code, and the answer to two tag operations at once, beside what AWSRetry retries by itself.
RETRY_CODES = ["Throttled", "ConcurrentAccess"]
NOT_FOUND_CODES = ["NotFound", "ResourceNotFound"]
# ListSubscriptionsByTopic lists a subscription that waits for its endpoint's confirmation with this instead of an
# ARN (https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html); it cannot be unsubscribed.
PENDING = "PendingConfirmation"
# A subscription being removed.
DELETED = "Deleted"

# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: 1 to 256 characters, .fifo suffix included.
TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FIFO_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_ARN_PREFIX = r"^arn:aws(?:-[a-z]+)*:{service}:[a-z]{{2}}(?:-[a-z]+)+-[0-9]:[0-9]{{12}}:"
ENDPOINT_ARNS = {
    "sqs": (re.compile(_ARN_PREFIX.format(service="sqs") + r"[A-Za-z0-9_-]{1,80}(?:\.fifo)?$"), "an SQS queue ARN"),
    "lambda": (
        re.compile(_ARN_PREFIX.format(service="lambda") + r"function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?$"),
        "a Lambda function ARN",
    ),
    "firehose": (re.compile(_ARN_PREFIX.format(service="firehose") + r"deliverystream/[A-Za-z0-9_.-]{1,64}$"), "a Firehose delivery stream ARN"),
    "application": (re.compile(_ARN_PREFIX.format(service="sns") + r"endpoint/.+$"), "an SNS platform application endpoint ARN"),
}
ROLE_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$")
SMS_NUMBER = re.compile(r"^\+?[1-9][0-9]{1,14}$")
PROTOCOLS = ("email", "email-json", "http", "https", "sqs", "lambda", "firehose", "sms", "application")

# The topic attributes the module manages: option name -> attribute name, in the order they are set.
MANAGED_ATTRIBUTES = {
    "display_name": "DisplayName",
    "kms_master_key_id": "KmsMasterKeyId",
    "policy": "Policy",
    "delivery_policy": "DeliveryPolicy",
    "content_based_deduplication": "ContentBasedDeduplication",
}
JSON_ATTRIBUTES = ("Policy", "DeliveryPolicy", "EffectiveDeliveryPolicy")


class AnsibleSNSError(AnsibleAWSError):
    pass


class SNSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSNSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(NOT_FOUND_CODES)


# --- API calls ------------------------------------------------------------------------------------------


@SNSErrorHandler.common_error_handler("list topics")
def find_topic_arn(client, name):
    """The ARN of the topic called name in the client's region, or None."""
    params = {}
    while True:
        page = client.list_topics(aws_retry=True, **params)
        for topic in page.get("Topics") or []:
            if topic["TopicArn"].split(":")[-1] == name:
                return topic["TopicArn"]
        if not page.get("NextToken"):
            return None
        params = dict(NextToken=page["NextToken"])


@SNSErrorHandler.list_error_handler("get topic attributes", None)
def get_topic_attributes(client, arn):
    return client.get_topic_attributes(TopicArn=arn, aws_retry=True).get("Attributes") or {}


@SNSErrorHandler.list_error_handler("list subscriptions by topic", [])
def list_subscriptions(client, arn):
    """Every subscription of the topic (pending ones with SubscriptionArn PendingConfirmation)."""
    subscriptions, params = [], dict(TopicArn=arn)
    while True:
        page = client.list_subscriptions_by_topic(aws_retry=True, **params)
        subscriptions.extend(page.get("Subscriptions") or [])
        if not page.get("NextToken"):
            return subscriptions
        params = dict(params, NextToken=page["NextToken"])


@SNSErrorHandler.list_error_handler("list tags for resource", {})
def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags") or [])


@SNSErrorHandler.common_error_handler("create topic")
def create_topic(client, name, attributes, tags):
    params = dict(Name=name)
    if attributes:
        params["Attributes"] = attributes
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_topic(aws_retry=True, **params)["TopicArn"]


@SNSErrorHandler.common_error_handler("set topic attributes")
def set_topic_attributes(client, arn, attributes):
    """Set each {name: value}, one SetTopicAttributes call each, in the given order."""
    for attribute_name, value in attributes.items():
        client.set_topic_attributes(TopicArn=arn, AttributeName=attribute_name, AttributeValue=value, aws_retry=True)


@SNSErrorHandler.common_error_handler("subscribe")
def subscribe(client, arn, subscription):
    params = dict(TopicArn=arn, Protocol=subscription["protocol"], Endpoint=subscription["endpoint"])
    if subscription.get("subscription_role_arn"):
        params["Attributes"] = dict(SubscriptionRoleArn=subscription["subscription_role_arn"])
    return client.subscribe(aws_retry=True, **params).get("SubscriptionArn")


@SNSErrorHandler.deletion_error_handler("unsubscribe")
def unsubscribe(client, subscription_arn):
    client.unsubscribe(SubscriptionArn=subscription_arn, aws_retry=True)
    return True


@SNSErrorHandler.common_error_handler("tag topic")
def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    if tag_keys_to_unset:
        client.untag_resource(ResourceArn=arn, TagKeys=list(tag_keys_to_unset), aws_retry=True)
    if tags_to_set:
        client.tag_resource(ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags_to_set), aws_retry=True)


@SNSErrorHandler.deletion_error_handler("delete topic")
def delete_topic(client, arn):
    client.delete_topic(TopicArn=arn, aws_retry=True)
    return True


def read_topic(client, arn):
    """The topic as {arn, attributes (as AWS sends them), subscriptions (as listed), tags}; {} when it is gone."""
    if not arn:
        return {}
    attributes = get_topic_attributes(client, arn)
    if attributes is None:
        return {}
    return dict(arn=arn, attributes=attributes, subscriptions=list_subscriptions(client, arn), tags=list_tags(client, arn))


# --- input checks ---------------------------------------------------------------------------------------


def name_errors(name, fifo_topic):
    if fifo_topic:
        if not FIFO_TOPIC_NAME.match(name or ""):
            return [f"name {name!r} is not a FIFO topic name: 1 to 256 letters, digits, hyphens and underscores ending in .fifo"]
        return []
    if not TOPIC_NAME.match(name or ""):
        return [f"name {name!r} is not a topic name: 1 to 256 letters, digits, hyphens and underscores (and .fifo at the end for a FIFO topic)"]
    return []


def subscription_errors(index, subscription):
    """Why AWS would refuse this subscription's endpoint; [] when it would not."""
    protocol, endpoint = subscription["protocol"], subscription["endpoint"] or ""
    where = f"subscriptions[{index}] ({protocol})"
    errors = []
    if protocol in ("email", "email-json"):
        if not EMAIL.match(endpoint):
            errors.append(f"{where}: endpoint {endpoint!r} is not an email address")
    elif protocol in ("http", "https"):
        url = urlparse(endpoint)
        if url.scheme != protocol or not url.hostname:
            errors.append(f"{where}: endpoint {endpoint!r} is not an {protocol}:// URL")
    elif protocol == "sms":
        if not SMS_NUMBER.match(endpoint):
            errors.append(f"{where}: endpoint {endpoint!r} is not a phone number in E.164 form such as +14155550100")
    else:
        pattern, what = ENDPOINT_ARNS[protocol]
        if not pattern.match(endpoint):
            errors.append(f"{where}: endpoint {endpoint!r} is not {what}")
    role = subscription.get("subscription_role_arn")
    if protocol == "firehose" and not role:
        errors.append(f"{where}: subscription_role_arn is required for a Firehose subscription")
    if role and not ROLE_ARN.match(role):
        errors.append(f"{where}: subscription_role_arn {role!r} is not an IAM role ARN")
    if role and protocol != "firehose":
        errors.append(f"{where}: subscription_role_arn is only for Firehose subscriptions")
    return errors


# --- planning -------------------------------------------------------------------------------------------


def is_fifo(name):
    return name.endswith(".fifo")


def aws_attribute(value):
    """An option value as SNS takes it: JSON text for a dict, true/false for a boolean."""
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parsed(text):
    """A JSON attribute parsed; None when empty, the text itself when it is not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def same_attribute(attribute_name, current, wanted):
    """Whether the current attribute text already says what the option asks for."""
    if attribute_name in JSON_ATTRIBUTES:
        return parsed(current) == wanted
    if attribute_name == "ContentBasedDeduplication":
        return (current or "false").lower() == aws_attribute(wanted)
    return (current or "") == aws_attribute(wanted)


def wanted_attributes(params):
    """{attribute name: option value} for the managed attributes given in the options."""
    return {attribute_name: params[option] for option, attribute_name in MANAGED_ATTRIBUTES.items() if params.get(option) is not None}


def plan_attributes(current, wanted):
    """{attribute name: text to send} for the wanted attributes whose current value differs."""
    return {
        attribute_name: aws_attribute(value)
        for attribute_name, value in wanted.items()
        if not same_attribute(attribute_name, current.get(attribute_name), value)
    }


def subscription_key(subscription):
    """(protocol, endpoint) of an option entry or a listed subscription."""
    if "Protocol" in subscription:
        return subscription["Protocol"], subscription.get("Endpoint")
    return subscription["protocol"], subscription["endpoint"]


def unique_subscriptions(subscriptions):
    """The option's subscriptions without repeats, in the given order."""
    seen, result = set(), []
    for subscription in subscriptions or []:
        key = subscription_key(subscription)
        if key not in seen:
            seen.add(key)
            result.append(subscription)
    return result


def plan_subscriptions(current, wanted, purge):
    """Work out the subscription changes.

    :param current: the subscriptions ListSubscriptionsByTopic lists.
    :param wanted: the option's subscriptions (None: leave the subscriptions alone).
    :param purge: remove the listed subscriptions that are not wanted.
    :return: (to_subscribe [option entries], to_unsubscribe [listed entries], pending [listed entries that should go
        but wait for confirmation and cannot be removed])
    """
    live = [subscription for subscription in current if subscription.get("SubscriptionArn") != DELETED]
    if wanted is None:
        return [], [], []
    present = {subscription_key(subscription) for subscription in live}
    wanted_keys = {subscription_key(subscription) for subscription in wanted}
    to_subscribe = [subscription for subscription in wanted if subscription_key(subscription) not in present]
    to_unsubscribe, pending = [], []
    if purge:
        for subscription in live:
            if subscription_key(subscription) in wanted_keys:
                continue
            if (subscription.get("SubscriptionArn") or "").startswith("arn:"):
                to_unsubscribe.append(subscription)
            else:
                pending.append(subscription)
    return to_subscribe, to_unsubscribe, pending


def predicted_subscriptions(current, arn, to_subscribe, to_unsubscribe):
    """The listed subscriptions once the changes are made; new ones without an ARN yet."""
    gone = {subscription_key(subscription) for subscription in to_unsubscribe}
    result = [subscription for subscription in current if subscription_key(subscription) not in gone and subscription.get("SubscriptionArn") != DELETED]
    for subscription in to_subscribe:
        entry = dict(Protocol=subscription["protocol"], Endpoint=subscription["endpoint"], SubscriptionArn=None)
        if arn:
            entry["TopicArn"] = arn
        result.append(entry)
    return result


def describe_subscription(subscription):
    protocol, endpoint = subscription_key(subscription)
    return f"{protocol}:{endpoint}"


# --- results --------------------------------------------------------------------------------------------


def normalize_topic(topic, name):
    """The sns_topic result: snake-cased attributes with the JSON ones parsed, subscriptions and tags; {} for none."""
    if not topic:
        return {}
    raw = topic.get("attributes") or {}
    attributes = camel_dict_to_snake_dict({key: value for key, value in raw.items() if key not in JSON_ATTRIBUTES})
    for key in JSON_ATTRIBUTES:
        if key in raw:
            attributes[camel_dict_to_snake_dict({key: None}).popitem()[0]] = parsed(raw[key])
    subscriptions = []
    for subscription in topic.get("subscriptions") or []:
        entry = {camel_dict_to_snake_dict({key: None}).popitem()[0]: value for key, value in subscription.items()}
        entry["pending_confirmation"] = entry.get("subscription_arn") == PENDING
        subscriptions.append(entry)
    return dict(topic_arn=topic.get("arn"), name=name, attributes=attributes, subscriptions=subscriptions, tags=dict(topic.get("tags") or {}))


def diff_view(topic):
    """What the diff shows of a topic: its managed attributes, its subscriptions as protocol:endpoint, its tags."""
    if not topic:
        return {}
    raw = topic.get("attributes") or {}
    attributes = {}
    for option, attribute_name in dict(MANAGED_ATTRIBUTES, fifo_topic="FifoTopic").items():
        if raw.get(attribute_name) not in (None, ""):
            attributes[option] = parsed(raw[attribute_name]) if attribute_name in JSON_ATTRIBUTES else raw[attribute_name]
    listed = [subscription for subscription in topic.get("subscriptions") or [] if subscription.get("SubscriptionArn") != DELETED]
    subscriptions = sorted(describe_subscription(subscription) for subscription in listed)
    return dict(attributes=attributes, subscriptions=subscriptions, tags=dict(topic.get("tags") or {}))
