# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ec2_vpc_flow_log driven through main() against a real botocore EC2 client with a Stubber:
every request is validated against the EC2 service model, and any call not queued fails."""

import datetime

import pytest
from botocore.stub import ANY

from ansible_collections.stories1001.infra.plugins.module_utils import _ec2_flow_logs
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.modules import ec2_vpc_flow_log
from ansible_collections.stories1001.infra.tests.unit.plugins.modules.stubbed_module import run_fixture, stubber_fixture

VPC_ID = "vpc-0123456789abcdef0"
FLOW_LOG_ID = "fl-0123456789abcdef0"
NEW_FLOW_LOG_ID = "fl-0fedcba9876543210"
LOG_GROUP = "/stories1001/test/vpc-flow-logs"
ROLE_ARN = "arn:aws:iam::123456789012:role/vpc-flow-logs"
BUCKET_ARN = "arn:aws:s3:::example-flow-logs/vpc/"
DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
CREATED = datetime.datetime(2026, 11, 22, 2, 30, tzinfo=datetime.timezone.utc)

CWL_ARGS = dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, deliver_logs_permission_arn=ROLE_ARN)
CWL_FILTER = [
    {"Name": "resource-id", "Values": [VPC_ID]},
    {"Name": "traffic-type", "Values": ["ALL"]},
    {"Name": "log-destination-type", "Values": ["cloud-watch-logs"]},
    {"Name": "log-group-name", "Values": [LOG_GROUP]},
]
S3_ARGS = dict(resource_id=VPC_ID, log_destination_type="s3", log_destination=BUCKET_ARN)
S3_FILTER = [
    {"Name": "resource-id", "Values": [VPC_ID]},
    {"Name": "traffic-type", "Values": ["ALL"]},
    {"Name": "log-destination-type", "Values": ["s3"]},
]


def aws_flow_log(flow_log_id=FLOW_LOG_ID, tags=None, **overrides):
    """A DescribeFlowLogs entry as AWS returns it for a CloudWatch Logs flow log."""
    flow_log = {
        "CreationTime": CREATED,
        "DeliverLogsPermissionArn": ROLE_ARN,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": flow_log_id,
        "FlowLogStatus": "ACTIVE",
        "LogGroupName": LOG_GROUP,
        "ResourceId": VPC_ID,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogDestination": f"arn:aws:logs:us-east-1:123456789012:log-group:{LOG_GROUP}",
        "LogFormat": DEFAULT_FORMAT,
        "Tags": [{"Key": key, "Value": value} for key, value in (tags or {}).items()],
        "MaxAggregationInterval": 600,
    }
    flow_log.update(overrides)
    return flow_log


def aws_s3_flow_log(**overrides):
    flow_log = aws_flow_log(LogDestinationType="s3", LogDestination=BUCKET_ARN, **overrides)
    for key in ("LogGroupName", "DeliverLogsPermissionArn"):
        flow_log.pop(key)
    return flow_log


stubber = stubber_fixture("ec2")
run = run_fixture(ec2_vpc_flow_log.main, "ec2")


def expect_describe(stubber, flow_logs, filters=None, flow_log_ids=None):
    params = {"FlowLogIds": flow_log_ids} if flow_log_ids else {"Filter": filters or CWL_FILTER}
    stubber.add_response("describe_flow_logs", {"FlowLogs": flow_logs}, params)


def expect_create(stubber, flow_log_id=NEW_FLOW_LOG_ID, **extra):
    params = dict(
        ResourceIds=[VPC_ID],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        MaxAggregationInterval=600,
        ClientToken=ANY,
        LogGroupName=LOG_GROUP,
        DeliverLogsPermissionArn=ROLE_ARN,
    )
    params.update(extra)
    stubber.add_response("create_flow_logs", {"FlowLogIds": [flow_log_id], "Unsuccessful": []}, params)


def expect_delete(stubber, flow_log_id=FLOW_LOG_ID, unsuccessful=None):
    stubber.add_response("delete_flow_logs", {"Unsuccessful": unsuccessful or []}, {"FlowLogIds": [flow_log_id]})


# --- present -------------------------------------------------------------------------------------


def test_create_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, [])

    result = run(dict(CWL_ARGS, tags={"Project": "stories1001"}), check_mode=True)

    assert result["changed"] is True
    assert result["flow_log"] == {
        "resource_id": VPC_ID,
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": LOG_GROUP,
        "deliver_logs_permission_arn": ROLE_ARN,
        "max_aggregation_interval": 600,
        "tags": {"Project": "stories1001"},
    }
    assert result["diff"] == {"before": {}, "after": result["flow_log"]}


def test_create(stubber, run):
    tags = {"Project": "stories1001", "Phase": "1"}
    expect_describe(stubber, [])
    expect_create(
        stubber,
        TagSpecifications=[
            {
                "ResourceType": "vpc-flow-log",
                "Tags": [{"Key": "Project", "Value": "stories1001"}, {"Key": "Phase", "Value": "1"}],
            }
        ],
    )
    expect_describe(stubber, [aws_flow_log(NEW_FLOW_LOG_ID, tags=tags)], flow_log_ids=[NEW_FLOW_LOG_ID])

    result = run(dict(CWL_ARGS, tags={"Project": "stories1001", "Phase": 1}))

    assert result["changed"] is True
    assert result["flow_log"]["flow_log_id"] == NEW_FLOW_LOG_ID
    assert result["flow_log"]["tags"] == tags
    assert result["flow_log"]["creation_time"] == "2026-11-22T02:30:00+00:00"
    assert result["diff"]["before"] == {}


def test_create_s3_with_format_and_interval(stubber, run):
    expect_describe(stubber, [], filters=S3_FILTER)
    stubber.add_response(
        "create_flow_logs",
        {"FlowLogIds": [NEW_FLOW_LOG_ID], "Unsuccessful": []},
        dict(
            ResourceIds=[VPC_ID],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            MaxAggregationInterval=60,
            ClientToken=ANY,
            LogDestination=BUCKET_ARN,
            LogFormat="${srcaddr} ${dstaddr}",
        ),
    )
    created = aws_s3_flow_log(FlowLogId=NEW_FLOW_LOG_ID, MaxAggregationInterval=60, LogFormat="${srcaddr} ${dstaddr}")
    expect_describe(stubber, [created], flow_log_ids=[NEW_FLOW_LOG_ID])

    result = run(dict(S3_ARGS, max_aggregation_interval=60, log_format="${srcaddr} ${dstaddr}"))

    assert result["changed"] is True
    assert result["flow_log"]["log_destination"] == BUCKET_ARN
    assert "log_group_name" not in result["flow_log"]


def test_create_waits_when_new_flow_log_not_yet_visible(stubber, run, monkeypatch):
    # EC2 is eventually consistent: a describe right after the create may not list the new flow log.
    monkeypatch.setattr("botocore.waiter.time.sleep", lambda seconds: None)
    expect_describe(stubber, [])
    expect_create(stubber)
    expect_describe(stubber, [], flow_log_ids=[NEW_FLOW_LOG_ID])
    expect_describe(stubber, [], flow_log_ids=[NEW_FLOW_LOG_ID])  # waiter, first try
    expect_describe(stubber, [aws_flow_log(NEW_FLOW_LOG_ID)], flow_log_ids=[NEW_FLOW_LOG_ID])  # waiter, second
    expect_describe(stubber, [aws_flow_log(NEW_FLOW_LOG_ID)], flow_log_ids=[NEW_FLOW_LOG_ID])

    result = run(CWL_ARGS)

    assert result["changed"] is True
    assert result["flow_log"]["flow_log_id"] == NEW_FLOW_LOG_ID


def test_create_reports_unsuccessful_items(stubber, run):
    # CreateFlowLogs answers 200 and lists what it could not do in "Unsuccessful".
    expect_describe(stubber, [], filters=S3_FILTER)
    stubber.add_response(
        "create_flow_logs",
        {
            "FlowLogIds": [],
            "Unsuccessful": [
                {
                    "ResourceId": VPC_ID,
                    "Error": {"Code": "400", "Message": "LogDestination: example-flow-logs does not exist."},
                }
            ],
        },
        dict(
            ResourceIds=[VPC_ID],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            MaxAggregationInterval=600,
            ClientToken=ANY,
            LogDestination=BUCKET_ARN,
        ),
    )

    result = run(S3_ARGS)

    assert result["failed"] is True
    assert "Failed to create flow log" in result["msg"]
    assert "does not exist" in result["msg"]


def test_existing_unchanged_makes_no_call(stubber, run):
    expect_describe(stubber, [aws_flow_log(tags={"Project": "stories1001"})])

    result = run(dict(CWL_ARGS, tags={"Project": "stories1001"}))

    assert result["changed"] is False
    assert result["flow_log"]["flow_log_id"] == FLOW_LOG_ID
    assert result["diff"]["before"] == result["diff"]["after"]


def test_existing_unchanged_ignores_unset_log_format(stubber, run):
    expect_describe(stubber, [aws_flow_log(LogFormat="${srcaddr}")])

    assert run(CWL_ARGS)["changed"] is False


def test_s3_destination_trailing_slash_is_the_same_flow_log(stubber, run):
    expect_describe(stubber, [aws_s3_flow_log()], filters=S3_FILTER)

    result = run(dict(S3_ARGS, log_destination=BUCKET_ARN.rstrip("/")))

    assert result["changed"] is False


def test_tag_change_only(stubber, run):
    expect_describe(stubber, [aws_flow_log(tags={"Project": "stories1001", "Owner": "old", "aws:created": "x"})])
    stubber.add_response("delete_tags", {}, {"Resources": [FLOW_LOG_ID], "Tags": [{"Key": "Owner"}]})
    stubber.add_response(
        "create_tags", {}, {"Resources": [FLOW_LOG_ID], "Tags": [{"Key": "Environment", "Value": "staging"}]}
    )
    after_tags = {"Project": "stories1001", "Environment": "staging", "aws:created": "x"}
    expect_describe(stubber, [aws_flow_log(tags=after_tags)], flow_log_ids=[FLOW_LOG_ID])

    result = run(dict(CWL_ARGS, tags={"Project": "stories1001", "Environment": "staging"}))

    assert result["changed"] is True
    assert result["flow_log"]["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"]["tags"] == after_tags
    assert result["diff"]["before"]["tags"]["Owner"] == "old"


def test_tag_change_without_purge_adds_only(stubber, run):
    expect_describe(stubber, [aws_flow_log(tags={"Owner": "ops"})])
    stubber.add_response("create_tags", {}, {"Resources": [FLOW_LOG_ID], "Tags": [{"Key": "Phase", "Value": "2"}]})
    expect_describe(stubber, [aws_flow_log(tags={"Owner": "ops", "Phase": "2"})], flow_log_ids=[FLOW_LOG_ID])

    result = run(dict(CWL_ARGS, tags={"Phase": "2"}, purge_tags=False))

    assert result["changed"] is True
    assert result["flow_log"]["tags"] == {"Owner": "ops", "Phase": "2"}


def test_tag_change_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, [aws_flow_log(tags={"Owner": "old"})])

    result = run(dict(CWL_ARGS, tags={"Owner": "new"}), check_mode=True)

    assert result["changed"] is True
    assert result["flow_log"]["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"]["tags"] == {"Owner": "new"}
    assert result["diff"]["before"]["tags"] == {"Owner": "old"}


def test_replace_on_aggregation_interval_change(stubber, run):
    # Flow logs cannot be modified: delete, then create with the same identity, tags carried over
    # except the aws: ones, which AWS refuses in a create call.
    existing_tags = {"Project": "stories1001", "aws:cloudformation:stack-name": "legacy"}
    expect_describe(stubber, [aws_flow_log(tags=existing_tags)])
    expect_delete(stubber)
    expect_create(
        stubber,
        MaxAggregationInterval=60,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Project", "Value": "stories1001"}]}],
    )
    created = aws_flow_log(NEW_FLOW_LOG_ID, tags={"Project": "stories1001"}, MaxAggregationInterval=60)
    expect_describe(stubber, [created], flow_log_ids=[NEW_FLOW_LOG_ID])

    result = run(dict(CWL_ARGS, max_aggregation_interval=60))

    assert result["changed"] is True
    assert result["flow_log"]["flow_log_id"] == NEW_FLOW_LOG_ID
    assert result["flow_log"]["max_aggregation_interval"] == 60
    assert result["diff"]["before"]["flow_log_id"] == FLOW_LOG_ID


def test_replace_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, [aws_flow_log(tags={"Project": "stories1001"})])

    result = run(dict(CWL_ARGS, max_aggregation_interval=60), check_mode=True)

    assert result["changed"] is True
    assert "flow_log_id" not in result["flow_log"]
    assert result["flow_log"]["max_aggregation_interval"] == 60
    assert result["flow_log"]["tags"] == {"Project": "stories1001"}


def test_two_matching_flow_logs_fail(stubber, run):
    expect_describe(stubber, [aws_flow_log(), aws_flow_log(NEW_FLOW_LOG_ID)])

    result = run(CWL_ARGS)

    assert result["failed"] is True
    assert result["flow_log_ids"] == [FLOW_LOG_ID, NEW_FLOW_LOG_ID]


def test_describe_follows_pages(stubber, run):
    stubber.add_response("describe_flow_logs", {"FlowLogs": [], "NextToken": "page2"}, {"Filter": CWL_FILTER})
    stubber.add_response(
        "describe_flow_logs", {"FlowLogs": [aws_flow_log()]}, {"Filter": CWL_FILTER, "NextToken": "page2"}
    )

    result = run(CWL_ARGS)

    assert result["changed"] is False
    assert result["flow_log"]["flow_log_id"] == FLOW_LOG_ID


def test_describe_is_retried_on_throttling(stubber, run, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    stubber.add_client_error("describe_flow_logs", "RequestLimitExceeded", expected_params={"Filter": CWL_FILTER})
    expect_describe(stubber, [aws_flow_log()])

    assert run(CWL_ARGS)["changed"] is False


def test_api_error_fails_with_aws_details(stubber, run):
    stubber.add_client_error(
        "describe_flow_logs", "UnauthorizedOperation", "not allowed", expected_params={"Filter": CWL_FILTER}
    )

    result = run(CWL_ARGS)

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to describe flow logs")
    assert result["error"]["code"] == "UnauthorizedOperation"


# --- absent --------------------------------------------------------------------------------------


def test_absent_when_present(stubber, run):
    expect_describe(stubber, [aws_flow_log()])
    expect_delete(stubber)

    result = run(dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, state="absent"))

    assert result["changed"] is True
    assert result["flow_log"] == {}
    assert result["diff"]["before"]["flow_log_id"] == FLOW_LOG_ID
    assert result["diff"]["after"] == {}


def test_absent_when_missing(stubber, run):
    expect_describe(stubber, [])

    result = run(dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, state="absent"))

    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_absent_check_mode_touches_nothing(stubber, run):
    expect_describe(stubber, [aws_flow_log()])

    result = run(dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["flow_log"] == {}


@pytest.mark.parametrize(
    "respond",
    [
        # AWS reports a flow log that vanished in between in "Unsuccessful" ...
        lambda stub: expect_delete(
            stub,
            unsuccessful=[
                {"ResourceId": FLOW_LOG_ID, "Error": {"Code": "InvalidFlowLogId.NotFound", "Message": "gone"}}
            ],
        ),
        # ... some endpoints (moto) raise it as an error.
        lambda stub: stub.add_client_error(
            "delete_flow_logs", "InvalidFlowLogId.NotFound", expected_params={"FlowLogIds": [FLOW_LOG_ID]}
        ),
    ],
    ids=["unsuccessful-item", "client-error"],
)
def test_absent_already_deleted_is_no_change(stubber, run, respond):
    expect_describe(stubber, [aws_flow_log()])
    respond(stubber)

    assert run(dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, state="absent"))["changed"] is False


def test_absent_delete_failure_is_reported(stubber, run):
    expect_describe(stubber, [aws_flow_log()])
    expect_delete(
        stubber, unsuccessful=[{"ResourceId": FLOW_LOG_ID, "Error": {"Code": "UnauthorizedOperation", "Message": "no"}}]
    )

    result = run(dict(resource_id=VPC_ID, log_group_name=LOG_GROUP, state="absent"))

    assert result["failed"] is True
    assert "UnauthorizedOperation" in result["msg"]


# --- argument validation (no AWS call at all) -----------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(resource_id=VPC_ID, log_group_name=LOG_GROUP), "deliver_logs_permission_arn is required"),
        (dict(resource_id=VPC_ID, deliver_logs_permission_arn=ROLE_ARN), "log_group_name"),
        (dict(resource_id=VPC_ID, log_destination_type="s3"), "log_destination"),
        (dict(S3_ARGS, deliver_logs_permission_arn=ROLE_ARN), "applies only to log_destination_type cloud-watch-logs"),
        (dict(S3_ARGS, log_group_name=LOG_GROUP), "mutually exclusive"),
        (dict(CWL_ARGS, max_aggregation_interval=300), "max_aggregation_interval"),
    ],
)
def test_invalid_arguments(run, args, message):
    result = run(args)

    assert result["failed"] is True
    assert message in result["msg"]


# --- pure functions ------------------------------------------------------------------------------

PARAMS = dict(
    resource_id=VPC_ID,
    traffic_type="ALL",
    log_destination_type="cloud-watch-logs",
    log_group_name=LOG_GROUP,
    log_destination=None,
    deliver_logs_permission_arn=ROLE_ARN,
    log_format=None,
    max_aggregation_interval=600,
)
EXISTING = _ec2_flow_logs.normalize_flow_log(aws_flow_log())


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, []),
        ({"max_aggregation_interval": 60}, ["max_aggregation_interval"]),
        ({"log_format": DEFAULT_FORMAT}, []),
        ({"log_format": "${srcaddr} ${dstaddr}"}, ["log_format"]),
        ({"deliver_logs_permission_arn": None}, []),
        ({"deliver_logs_permission_arn": "arn:aws:iam::123456789012:role/other"}, ["deliver_logs_permission_arn"]),
        (
            {"max_aggregation_interval": 60, "log_format": "${srcaddr}"},
            ["max_aggregation_interval", "log_format"],
        ),
    ],
)
def test_replacement_reasons(changes, expected):
    assert ec2_vpc_flow_log.replacement_reasons(EXISTING, dict(PARAMS, **changes)) == expected


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, True),
        ({"resource_id": "vpc-0aaaaaaaaaaaaaaaa"}, False),
        ({"traffic_type": "REJECT"}, False),
        ({"log_group_name": "/other"}, False),
        ({"log_destination_type": "s3", "log_group_name": None, "log_destination": BUCKET_ARN}, False),
    ],
)
def test_same_destination_cloudwatch(changes, expected):
    assert ec2_vpc_flow_log.same_destination(EXISTING, dict(PARAMS, **changes)) is expected


@pytest.mark.parametrize(
    "destination, expected",
    [
        (BUCKET_ARN, True),
        (BUCKET_ARN.rstrip("/"), True),
        ("arn:aws:s3:::example-flow-logs", False),
        ("arn:aws:s3:::example-flow-logs/other/", False),
    ],
)
def test_same_destination_s3(destination, expected):
    existing = _ec2_flow_logs.normalize_flow_log(aws_s3_flow_log())
    params = dict(PARAMS, log_destination_type="s3", log_group_name=None, log_destination=destination)
    assert ec2_vpc_flow_log.same_destination(existing, params) is expected


@pytest.mark.parametrize(
    "current, tags, purge, expected",
    [
        ({"A": "1"}, None, True, ({}, [], {"A": "1"})),
        ({"A": "1"}, {"A": "1"}, True, ({}, [], {"A": "1"})),
        ({"A": "1"}, {"A": 2}, True, ({"A": 2}, [], {"A": "2"})),
        ({"A": "1", "B": "2"}, {"A": "1"}, True, ({}, ["B"], {"A": "1"})),
        ({"A": "1", "B": "2"}, {"A": "1"}, False, ({}, [], {"A": "1", "B": "2"})),
        ({"A": "1", "aws:x": "y"}, {}, True, ({}, ["A"], {"aws:x": "y"})),
        (None, {"A": True}, True, ({"A": True}, [], {"A": "True"})),
    ],
)
def test_plan_tags(current, tags, purge, expected):
    assert plan_tags(current, tags, purge) == expected


def test_normalize_flow_log():
    result = _ec2_flow_logs.normalize_flow_log(aws_flow_log(tags={"Project": "stories1001"}))

    assert result["flow_log_id"] == FLOW_LOG_ID
    assert result["deliver_logs_permission_arn"] == ROLE_ARN
    assert result["max_aggregation_interval"] == 600
    assert result["tags"] == {"Project": "stories1001"}
    assert result["creation_time"] == "2026-11-22T02:30:00+00:00"
    assert _ec2_flow_logs.normalize_flow_log(None) == {}
