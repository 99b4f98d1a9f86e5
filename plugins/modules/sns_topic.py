#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: sns_topic
version_added: 0.1.0
short_description: Manage an SNS topic encrypted with a KMS key, with its policy, subscriptions and tags
description:
  - Create, change, tag and delete an Amazon SNS topic, including its server-side encryption key (attribute
    C(KmsMasterKeyId), which C(community.aws.sns_topic) cannot set), access policy, delivery policy and subscriptions.
  - The topic is found by name among the topics of the region (C(ListTopics), every page). A missing topic is created
    with its attributes and tags in one C(CreateTopic) call; on an existing topic only the attributes that differ are set
    (C(SetTopicAttributes)), only the missing subscriptions are made and only the unwanted ones removed, and tags are
    added and removed with C(TagResource) and C(UntagResource).
  - Options are checked before any AWS call (topic name, endpoints of the subscriptions, FIFO options).
  - In check mode nothing is written, also for a topic that does not exist yet; the result shows the topic as it would be.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The name of the topic, 1 to 256 letters, digits, hyphens and underscores; a FIFO topic's name ends in C(.fifo)
        (counted in the 256). Checked before any AWS call.
    type: str
    required: true
  display_name:
    description:
      - The display name of the topic, used as the sender of SMS messages and of email notifications.
      - Not given, the display name is left as it is.
    type: str
  kms_master_key_id:
    description:
      - The customer managed (or AWS managed, V(alias/aws/sns)) KMS key that encrypts the topic's messages at rest, given as a key
        ID, a key ARN, an alias name (V(alias/...)) or an alias ARN.
      - Compared with what AWS reports as it is written (AWS keeps the form it was given), so use the same form on every run.
      - An empty string turns encryption off. Not given, the key is left as it is.
      - The key policy must let the publishing services (for example C(cloudwatch.amazonaws.com)) use the key
        (C(kms:GenerateDataKey*) and C(kms:Decrypt)), or their messages are refused.
    type: str
  policy:
    description:
      - The topic's access policy, as a dictionary (or JSON text).
      - Compared with the current policy as parsed JSON, so formatting does not matter but the order of statements does.
      - Not given, the policy is left as it is (a new topic gets AWS's default policy, which only allows the owner account).
    type: dict
  delivery_policy:
    description:
      - The delivery policy (retries and throttling of HTTP/S deliveries), as a dictionary (or JSON text); compared as
        parsed JSON. Not given, it is left as it is.
    type: dict
  fifo_topic:
    description:
      - Whether the topic is a FIFO topic. It follows from the name (a FIFO topic's name ends in C(.fifo)); when it is
        given, it must agree with the name. AWS cannot turn a topic into a FIFO topic or back.
    type: bool
  content_based_deduplication:
    description:
      - For a FIFO topic, whether messages are deduplicated by a SHA-256 hash of their body. Only for FIFO topics.
      - Not given, it is left as it is (a new FIFO topic starts without).
    type: bool
  subscriptions:
    description:
      - The subscriptions of the topic, each identified by its protocol and endpoint. Missing ones are made.
      - Endpoints are checked before any AWS call. An email or HTTP/S subscription waits for its endpoint to confirm it
        (AWS lists it as C(PendingConfirmation)); it counts as present.
      - Not given, the subscriptions are left as they are. Attributes of existing subscriptions are not changed.
    type: list
    elements: dict
    suboptions:
      protocol:
        description:
          - The protocol of the subscription.
        type: str
        required: true
        choices: ["email", "email-json", "http", "https", "sqs", "lambda", "firehose", "sms", "application"]
      endpoint:
        description:
          - An email address for V(email) and V(email-json); an V(http://) or V(https://) URL for V(http) and V(https);
            a queue ARN for V(sqs); a function ARN for V(lambda); a delivery stream ARN for V(firehose); a phone number
            in E.164 form for V(sms); a platform endpoint ARN for V(application).
        type: str
        required: true
      subscription_role_arn:
        description:
          - For V(firehose) only, and required there, the IAM role that SNS assumes to write to the delivery stream.
          - Used when the subscription is made only.
        type: str
  purge_subscriptions:
    description:
      - Remove the subscriptions that are not listed in O(subscriptions). Ignored when O(subscriptions) is not given.
      - AWS gives no ARN for a subscription that waits for confirmation, so such a subscription cannot be removed; the
        module warns and leaves it until it is confirmed (then a later run removes it) or AWS drops it as unconfirmed.
    type: bool
    default: true
  state:
    description:
      - Whether the topic should exist. Deleting a topic deletes its subscriptions.
    type: str
    choices: ["present", "absent"]
    default: present
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the topic that would result, without writing anything.
    support: full
  diff_mode:
    description: Returns the managed attributes, subscriptions and tags of the topic before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - SNS lists subscriptions with eventual consistency; the result read right after a change may not show a new subscription yet.
  - C(CreateTopic) fails when a topic of that name exists with other attributes; the module only creates a topic it did not find.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Critical alerts of 1001 Stories, encrypted, for CloudWatch alarms, Budgets and Cost Anomaly Detection
  stories1001.infra.sns_topic:
    region: us-east-1
    name: stories1001-production-critical-alerts
    display_name: 1001 Stories critical
    kms_master_key_id: alias/stories1001-production-sns
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: OwnerAccount
          Effect: Allow
          Principal:
            AWS: "arn:aws:iam::123456789012:root"
          Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
          Resource: "arn:aws:sns:us-east-1:123456789012:stories1001-production-critical-alerts"
        - Sid: AlertingServices
          Effect: Allow
          Principal:
            Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"]
          Action: sns:Publish
          Resource: "arn:aws:sns:us-east-1:123456789012:stories1001-production-critical-alerts"
    subscriptions:
      - protocol: email
        endpoint: ops@1001stories.org
      - protocol: email
        endpoint: sre@1001stories.org
    tags:
      Project: stories1001
      Environment: production
      Severity: critical

- name: Add a queue to a topic without touching its other subscriptions or its attributes
  stories1001.infra.sns_topic:
    name: stories1001-production-info-alerts
    subscriptions:
      - protocol: sqs
        endpoint: arn:aws:sqs:us-east-1:123456789012:stories1001-alert-archive
    purge_subscriptions: false

- name: A FIFO topic with content-based deduplication
  stories1001.infra.sns_topic:
    name: stories1001-content-events.fifo
    content_based_deduplication: true
    kms_master_key_id: alias/aws/sns

- name: Delete a topic and its subscriptions
  stories1001.infra.sns_topic:
    name: stories1001-staging-alerts
    state: absent
"""

RETURN = r"""
sns_topic:
  description: The topic as it is (or, in check mode, would be) after the task; empty when it does not exist.
  returned: always
  type: dict
  contains:
    topic_arn:
      description: The ARN of the topic; null in check mode for a topic not created yet.
      returned: when the topic exists
      type: str
      sample: arn:aws:sns:us-east-1:123456789012:stories1001-production-critical-alerts
    name:
      description: The name of the topic.
      returned: when the topic exists
      type: str
      sample: stories1001-production-critical-alerts
    attributes:
      description:
        - The topic's attributes (C(GetTopicAttributes)) with snake_case names, as strings as AWS sends them, except
          C(policy), C(delivery_policy) and C(effective_delivery_policy), which are parsed JSON.
      returned: when the topic exists
      type: dict
      sample:
        display_name: 1001 Stories critical
        kms_master_key_id: alias/stories1001-production-sns
        owner: "123456789012"
        policy: {"Version": "2012-10-17", "Statement": []}
        subscriptions_confirmed: "0"
        subscriptions_pending: "3"
        topic_arn: arn:aws:sns:us-east-1:123456789012:stories1001-production-critical-alerts
    subscriptions:
      description: The subscriptions of the topic as C(ListSubscriptionsByTopic) lists them.
      returned: when the topic exists
      type: list
      elements: dict
      contains:
        protocol:
          description: The protocol.
          returned: always
          type: str
          sample: email
        endpoint:
          description: The endpoint.
          returned: always
          type: str
          sample: ops@1001stories.org
        subscription_arn:
          description:
            - The ARN of the subscription; V(PendingConfirmation) while it waits for confirmation; null in check mode
              for a subscription not made yet.
          returned: always
          type: str
          sample: PendingConfirmation
        pending_confirmation:
          description: Whether the subscription waits for its endpoint to confirm it.
          returned: always
          type: bool
          sample: true
        owner:
          description: The account that owns the subscription.
          returned: when AWS lists it
          type: str
          sample: "123456789012"
        topic_arn:
          description: The ARN of the topic.
          returned: when known
          type: str
          sample: arn:aws:sns:us-east-1:123456789012:stories1001-production-critical-alerts
    tags:
      description: The tags of the topic.
      returned: when the topic exists
      type: dict
      sample: {"Project": "stories1001"}
diff:
  description: The topic before and after the task, empty when it does not exist.
  returned: always
  type: dict
  contains:
    before:
      description:
        - The topic before the task, as C(attributes) (the managed ones, named as the options, the JSON ones parsed),
          C(subscriptions) (sorted C(protocol:endpoint) strings) and C(tags).
      returned: always
      type: dict
    after:
      description: The topic after the task, in the same form.
      returned: always
      type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._sns import PROTOCOLS
from ansible_collections.stories1001.infra.plugins.module_utils._sns import RETRY_CODES
from ansible_collections.stories1001.infra.plugins.module_utils._sns import AnsibleSNSError
from ansible_collections.stories1001.infra.plugins.module_utils._sns import aws_attribute
from ansible_collections.stories1001.infra.plugins.module_utils._sns import create_topic
from ansible_collections.stories1001.infra.plugins.module_utils._sns import delete_topic
from ansible_collections.stories1001.infra.plugins.module_utils._sns import describe_subscription
from ansible_collections.stories1001.infra.plugins.module_utils._sns import diff_view
from ansible_collections.stories1001.infra.plugins.module_utils._sns import find_topic_arn
from ansible_collections.stories1001.infra.plugins.module_utils._sns import is_fifo
from ansible_collections.stories1001.infra.plugins.module_utils._sns import name_errors
from ansible_collections.stories1001.infra.plugins.module_utils._sns import normalize_topic
from ansible_collections.stories1001.infra.plugins.module_utils._sns import plan_attributes
from ansible_collections.stories1001.infra.plugins.module_utils._sns import plan_subscriptions
from ansible_collections.stories1001.infra.plugins.module_utils._sns import predicted_subscriptions
from ansible_collections.stories1001.infra.plugins.module_utils._sns import read_topic
from ansible_collections.stories1001.infra.plugins.module_utils._sns import set_topic_attributes
from ansible_collections.stories1001.infra.plugins.module_utils._sns import subscribe
from ansible_collections.stories1001.infra.plugins.module_utils._sns import subscription_errors
from ansible_collections.stories1001.infra.plugins.module_utils._sns import unique_subscriptions
from ansible_collections.stories1001.infra.plugins.module_utils._sns import unsubscribe
from ansible_collections.stories1001.infra.plugins.module_utils._sns import update_tags
from ansible_collections.stories1001.infra.plugins.module_utils._sns import wanted_attributes
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags


def validation_errors(params):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    name = params["name"]
    fifo = params["fifo_topic"]
    errors = []
    if fifo is not None and fifo != is_fifo(name):
        errors.append(
            f"fifo_topic is {fifo} but the name {name!r} {'does not end' if fifo else 'ends'} in .fifo: a FIFO topic's name, and only its name, ends in .fifo"
        )
    else:
        errors.extend(name_errors(name, is_fifo(name)))
    if params["content_based_deduplication"] is not None and not is_fifo(name):
        errors.append("content_based_deduplication is only for FIFO topics (whose name ends in .fifo)")
    for index, subscription in enumerate(params["subscriptions"] or []):
        errors.extend(subscription_errors(index, subscription))
    return errors


def creation_attributes(name, wanted):
    attributes = {attribute_name: aws_attribute(value) for attribute_name, value in wanted.items()}
    if is_fifo(name):
        attributes = dict(FifoTopic="true", **attributes)
    return attributes


def ensure_present(client, module, name, before, wanted, wanted_subscriptions):
    """(changed, topic as read or predicted after the task)."""
    params = module.params
    purge = params["purge_subscriptions"]
    if not before:
        tags = without_reserved_tags(plan_tags({}, params["tags"], params["purge_tags"])[2])
        attributes = creation_attributes(name, wanted)
        to_subscribe = plan_subscriptions([], wanted_subscriptions, purge)[0]
        if module.check_mode:
            return True, dict(arn=None, attributes=attributes, subscriptions=predicted_subscriptions([], None, to_subscribe, []), tags=tags)
        arn = create_topic(client, name, attributes, tags)
        for subscription in to_subscribe:
            subscribe(client, arn, subscription)
        return True, read_topic(client, arn)

    arn = before["arn"]
    to_set = plan_attributes(before["attributes"], wanted)
    to_subscribe, to_unsubscribe, pending = plan_subscriptions(before["subscriptions"], wanted_subscriptions, purge)
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before["tags"], params["tags"], params["purge_tags"])
    if pending:
        module.warn(
            f"SNS topic {name}: {', '.join(describe_subscription(subscription) for subscription in pending)} cannot be removed: "
            "AWS gives no ARN to unsubscribe a subscription that waits for confirmation. It stays until it is confirmed "
            "(a later run then removes it) or AWS drops it as unconfirmed"
        )
    if not (to_set or to_subscribe or to_unsubscribe or tags_to_set or tag_keys_to_unset):
        return False, before
    if module.check_mode:
        return True, dict(
            before,
            attributes=dict(before["attributes"], **to_set),
            subscriptions=predicted_subscriptions(before["subscriptions"], arn, to_subscribe, to_unsubscribe),
            tags=tags,
        )
    set_topic_attributes(client, arn, to_set)
    for subscription in to_unsubscribe:
        unsubscribe(client, subscription["SubscriptionArn"])
    for subscription in to_subscribe:
        subscribe(client, arn, subscription)
    if tags_to_set or tag_keys_to_unset:
        update_tags(client, arn, tags_to_set, tag_keys_to_unset)
    return True, read_topic(client, arn)


def ensure_absent(client, module, before):
    if not before:
        return False
    if module.check_mode:
        return True
    return delete_topic(client, before["arn"])


def main():
    argument_spec = dict(
        name=dict(required=True),
        display_name=dict(),
        kms_master_key_id=dict(no_log=False),
        policy=dict(type="dict"),
        delivery_policy=dict(type="dict"),
        fifo_topic=dict(type="bool"),
        content_based_deduplication=dict(type="bool"),
        subscriptions=dict(
            type="list",
            elements="dict",
            options=dict(
                protocol=dict(required=True, choices=list(PROTOCOLS)),
                endpoint=dict(required=True),
                subscription_role_arn=dict(),
            ),
        ),
        purge_subscriptions=dict(type="bool", default=True),
        state=dict(choices=["present", "absent"], default="present"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    errors = validation_errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    name = params["name"]
    wanted = wanted_attributes(params)
    wanted_subscriptions = unique_subscriptions(params["subscriptions"]) if params["subscriptions"] is not None else None

    client = module.client("sns", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))
    try:
        before = read_topic(client, find_topic_arn(client, name))
        if params["state"] == "present":
            changed, after = ensure_present(client, module, name, before, wanted, wanted_subscriptions)
        else:
            changed, after = ensure_absent(client, module, before), {}
    except AnsibleSNSError as e:
        if e.exception:
            module.fail_json_aws(e.exception, msg=e.message, **e.kwargs)
        module.fail_json(msg=e.message, **e.kwargs)

    module.exit_json(changed=changed, sns_topic=normalize_topic(after, name), diff=dict(before=diff_view(before), after=diff_view(after)))


if __name__ == "__main__":
    main()
