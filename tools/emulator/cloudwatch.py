"""CloudWatch metric alarms answered as AWS does; patches.py lists the patches below in ``PATCHES``.

moto 5.2.5 stores a PutMetricAlarm request's queries without their AccountId, and keeps an alarm's tags after
DeleteAlarms, so an alarm made again under the same name starts with the old one's tags.
"""

import functools


def cloudwatch_alarm_query_account_id() -> None:
    """DescribeAlarms gives back each metric data query of an alarm with the AccountId it was put with.

    AWS: ``AccountId`` is part of a MetricDataQuery (the account of a cross-account alarm's metric) and DescribeAlarms
    returns the alarm's ``Metrics`` as they were put (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html).
    moto: builds its MetricDataQuery objects without it, so the alarm comes back without AccountId and a module that
    compares the queries sees a change on every run.
    """
    from moto.cloudwatch.responses import CloudWatchResponse

    original = CloudWatchResponse.put_metric_alarm

    @functools.wraps(original)
    def put_metric_alarm(self):
        result = original(self)
        sent = {query.get("Id"): query.get("AccountId") for query in self._get_param("Metrics", []) or []}
        alarm = self.cloudwatch_backend.alarms.get(self._get_param("AlarmName"))
        for query in getattr(alarm, "metric_data_queries", None) or []:
            query.account_id = sent.get(query.id)
        return result

    CloudWatchResponse.put_metric_alarm = put_metric_alarm


def cloudwatch_delete_alarms_drops_tags() -> None:
    """DeleteAlarms deletes the alarms' tags with them.

    AWS: tags belong to the resource and go when it is deleted; a new alarm of the same name has only the tags it is
    created with (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html: Tags).
    moto: drops the alarm but keeps its ARN's tags, so ListTagsForResource of a re-made alarm shows the old tags too.
    """
    from moto.cloudwatch.models import CloudWatchBackend

    original = CloudWatchBackend.delete_alarms

    @functools.wraps(original)
    def delete_alarms(self, alarm_names):
        arns = [self.alarms[name].alarm_arn for name in alarm_names if name in self.alarms]
        original(self, alarm_names)
        for arn in arns:
            self.tagger.delete_all_tags_for_resource(arn)

    CloudWatchBackend.delete_alarms = delete_alarms
