"""SNS email subscriptions wait for confirmation, as in AWS; patches.py lists the patch below in ``PATCHES``.

moto 5.2.5 confirms every subscription the moment it is made. In AWS an email (or email-json) subscription waits for
its owner to click the link AWS mails, and until then AWS lists it without an ARN, so it cannot be unsubscribed; a
module that does not expect this passes against moto and then fails, or never settles, against AWS. The emulator has
no mailbox to confirm from, so its email subscriptions stay pending, as unanswered ones do in AWS.

HTTP/S subscriptions, which AWS also makes wait (until the endpoint answers a SubscriptionConfirmation message), are
left as moto has them: moto delivers to them, and nothing in moto would confirm them.
"""

import functools

from moto.core.responses import ActionResult
from moto.core.utils import ensure_boolean

# https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html (SubscriptionArn of a listed subscription)
PENDING_CONFIRMATION = "PendingConfirmation"
# https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html (SubscriptionArn of the answer)
PENDING_ANSWER = "pending confirmation"
PENDING_PROTOCOLS = ("email", "email-json")


def _pending(subscription) -> bool:
    return subscription.protocol in PENDING_PROTOCOLS and not subscription.confirmed


def sns_email_subscriptions_pending_confirmation() -> None:
    """An email subscription waits for confirmation: listed as ``PendingConfirmation``, counted as pending, not unsubscribable.

    AWS (https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html): Subscribe to an email or email-json endpoint
    answers SubscriptionArn ``pending confirmation`` unless ReturnSubscriptionArn is true; ListSubscriptionsByTopic and
    ListSubscriptions (https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html) list it with SubscriptionArn
    ``PendingConfirmation`` until it is confirmed; GetSubscriptionAttributes says PendingConfirmation ``true`` and
    ConfirmationWasAuthenticated ``false``; GetTopicAttributes counts it in SubscriptionsPending, confirmed ones in
    SubscriptionsConfirmed (https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html). Subscribing the same
    endpoint again answers ``pending confirmation`` again. Unsubscribe takes a subscription ARN; anything else, such as
    the listed ``PendingConfirmation``, is refused with InvalidParameter.
    moto: confirms every subscription at once (a real ARN everywhere, PendingConfirmation false), keeps both counters
    at 0, and takes any text as a subscription ARN to unsubscribe (answering success).
    """
    from moto.sns.exceptions import SNSInvalidParameter
    from moto.sns.models import SNSBackend, Subscription, Topic
    from moto.sns.responses import SNSResponse

    original_subscribe = SNSBackend.subscribe
    original_unsubscribe = SNSBackend.unsubscribe
    original_subscribe_response = SNSResponse.subscribe

    @functools.wraps(original_subscribe)
    def subscribe(self, topic_arn, endpoint, protocol):
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        if _pending(subscription):
            subscription.attributes.update(PendingConfirmation=True, ConfirmationWasAuthenticated=False)
        return subscription

    @functools.wraps(original_unsubscribe)
    def unsubscribe(self, subscription_arn):
        if not str(subscription_arn or "").startswith("arn:"):
            raise SNSInvalidParameter("Invalid parameter: SubscriptionArn")
        return original_unsubscribe(self, subscription_arn)

    @functools.wraps(original_subscribe_response)
    def subscribe_response(self):
        answer = original_subscribe_response(self)
        subscription = self.backend._find_subscription(self._get_param("TopicArn"), self._get_param("Endpoint"), self._get_param("Protocol"))
        if subscription is not None and _pending(subscription) and not ensure_boolean(self._get_param("ReturnSubscriptionArn", "false")):
            return ActionResult({"SubscriptionArn": PENDING_ANSWER})
        return answer

    def listed_arn(self):
        """What ListSubscriptions and ListSubscriptionsByTopic answer as SubscriptionArn (moto's serializer reads it by this name)."""
        return PENDING_CONFIRMATION if _pending(self) else self.arn

    def counter(pending):
        def count(self):
            subscriptions = self.sns_backend._get_topic_subscriptions(self)
            return sum(1 for subscription in subscriptions if _pending(subscription) == pending)

        # Topic.__init__ assigns 0 to both: ignored, the counts are read from the subscriptions.
        return property(count, lambda self, value: None)

    SNSBackend.subscribe = subscribe
    SNSBackend.unsubscribe = unsubscribe
    SNSResponse.subscribe = subscribe_response
    Subscription.subscription_arn = property(listed_arn)
    Topic.subscriptions_pending = counter(True)
    Topic.subscriptions_confimed = counter(False)  # moto's spelling
