from fractions import Fraction

import pytest
from botocore.exceptions import ClientError

from tools.emulator import Emulator
from tools.emulator.client import EmulatorError
from tools.emulator.faults import FaultInjector, FaultRule, parse_spec
from tools.emulator.operations import Call
from tools.emulator.recorder import CALL_KEY

NO_RETRIES = {"retries": {"total_max_attempts": 1}}
STANDARD_RETRIES = {"retries": {"mode": "standard", "total_max_attempts": 3}}


def ok_app(_environ, start_response):
    start_response("200 OK", [])
    return [b"ok"]


def statuses(injector, calls):
    seen = []
    for call in calls:
        injector({CALL_KEY: call}, lambda status, _headers: seen.append(int(status.split()[0])))
    return seen


EC2 = Call("ec2", "us-east-1", "DescribeVpcs", "ec2")


@pytest.mark.parametrize(
    ("spec", "rule"),
    [
        ("throttle=0.25", FaultRule("throttle", Fraction(1, 4))),
        ("5xx=0.1,service=ec2", FaultRule("5xx", Fraction(1, 10), "ec2")),
        (" throttle = 1 , service = s3 , operation = PutObject ", FaultRule("throttle", Fraction(1), "s3", "PutObject")),
    ],
)
def test_fault_specs(spec, rule):
    assert FaultRule.from_mapping(parse_spec(spec)) == rule


@pytest.mark.parametrize("spec", ["throttle=0", "throttle=1.5", "throttle=lots", "slow=0.5", "throttle=0.5,5xx=0.5", "service=ec2", "throttle"])
def test_bad_fault_specs_are_refused(spec):
    with pytest.raises(ValueError):
        FaultRule.from_mapping(parse_spec(spec))


def test_empty_spec_means_no_faults():
    assert FaultRule.from_mapping(parse_spec("")) is None


def test_share_is_a_counter_not_chance():
    injector = FaultInjector(ok_app, FaultRule("throttle", Fraction(1, 4)))

    assert statuses(injector, [EC2] * 12) == [200, 200, 200, 503] * 3


def test_share_spreads_evenly():
    injector = FaultInjector(ok_app, FaultRule("5xx", Fraction(3, 10)))

    assert statuses(injector, [EC2] * 10).count(200) == 7


def test_only_matching_calls_count_and_fault():
    injector = FaultInjector(ok_app, FaultRule("throttle", Fraction(1, 2), "ec2", "DescribeVpcs"))
    other_operation = Call("ec2", "us-east-1", "DescribeSubnets", "ec2")
    other_service = Call("rds", "us-east-1", "DescribeVpcs", "query")

    assert statuses(injector, [EC2, other_operation, other_service, EC2, other_service, EC2, EC2]) == [200, 200, 200, 503, 200, 200, 503]


def test_unidentified_calls_never_fault():
    injector = FaultInjector(ok_app, FaultRule("throttle", Fraction(1)))

    assert statuses(injector, [Call(None, None, None, None)]) == [200]


def test_configure_restarts_the_count():
    injector = FaultInjector(ok_app, FaultRule("throttle", Fraction(1, 2)))
    statuses(injector, [EC2])
    injector.configure(FaultRule("throttle", Fraction(1, 2)))

    assert statuses(injector, [EC2, EC2]) == [200, 503]


@pytest.mark.parametrize(
    ("service", "method", "params", "code", "status"),
    [
        ("ec2", "describe_vpcs", {}, "RequestLimitExceeded", 503),
        ("iam", "list_roles", {}, "Throttling", 400),
        ("rds", "describe_db_clusters", {}, "Throttling", 400),
        ("ecs", "list_clusters", {}, "ThrottlingException", 400),
        ("logs", "describe_log_groups", {}, "ThrottlingException", 400),
        ("backup", "list_backup_vaults", {}, "ThrottlingException", 400),
        ("s3", "list_buckets", {}, "SlowDown", 503),
        ("cloudfront", "list_distributions", {}, "Throttling", 400),
    ],
)
def test_without_retries_half_the_calls_fail_with_the_protocols_throttling_error(aws, emulator, service, method, params, code, status):
    emulator.set_faults("throttle=0.5")
    client = aws(service, **NO_RETRIES)
    outcomes = []
    for _call in range(6):
        try:
            getattr(client, method)(**params)
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append((error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]))

    assert outcomes == ["ok", (code, status)] * 3
    assert [call["status"] for call in emulator.calls()] == [200, status] * 3


def test_faulted_upload_is_answered_with_slow_down(aws, emulator):
    s3 = aws("s3", **NO_RETRIES)
    s3.create_bucket(Bucket="books")
    emulator.set_faults("throttle=1,operation=PutObject")

    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="books", Key="big.pdf", Body=b"x" * 5_000_000)
    assert error.value.response["Error"]["Code"] == "SlowDown"


def test_5xx_alternates_service_unavailable_and_internal_error(aws, emulator):
    emulator.set_faults("5xx=1,service=ecs")
    client = aws("ecs", **NO_RETRIES)
    codes = []
    for _call in range(4):
        with pytest.raises(ClientError) as error:
            client.list_clusters()
        codes.append((error.value.response["Error"]["Code"], error.value.response["ResponseMetadata"]["HTTPStatusCode"]))

    assert codes == [("ServiceUnavailable", 503), ("InternalError", 500)] * 2
    aws("ec2", **NO_RETRIES).describe_vpcs()  # other services untouched


@pytest.mark.parametrize("spec", ["throttle=0.5", "5xx=0.5"])
@pytest.mark.parametrize(("service", "method"), [("ec2", "describe_vpcs"), ("ecs", "list_clusters"), ("s3", "list_buckets"), ("backup", "list_backup_vaults")])
def test_with_standard_retries_every_call_succeeds(aws, emulator, no_retry_delay, spec, service, method):
    emulator.set_faults(spec)
    client = aws(service, **STANDARD_RETRIES)
    responses = [getattr(client, method)() for _call in range(5)]

    # Attempts 2, 4, 6 and 8 fault; the calls after the first each needed one retry.
    assert [response["ResponseMetadata"]["RetryAttempts"] for response in responses] == [0, 1, 1, 1, 1]
    assert [record["status"] != 200 for record in emulator.calls()] == [False] + [True, False] * 4


def test_faults_set_clear_and_validate_through_the_control_endpoint(emulator):
    emulator.reset()

    assert emulator.set_faults("5xx=0.25,service=rds") == {"5xx": "0.25", "service": "rds"}
    assert emulator.faults() == {"5xx": "0.25", "service": "rds"}
    with pytest.raises(EmulatorError, match="400"):
        emulator.set_faults("throttle=2")
    assert emulator.faults() == {"5xx": "0.25", "service": "rds"}
    emulator.clear_faults()
    assert emulator.faults() == {}


def test_reset_clears_faults(aws, emulator):
    emulator.set_faults("throttle=1")
    emulator.reset()

    aws("ec2", **NO_RETRIES).describe_vpcs()


def test_faults_from_the_environment_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("STORIES_AWS_FAULTS", "throttle=0.1,service=ec2")
    with Emulator(port=0, record=tmp_path / "calls.jsonl") as started:
        assert started.faults() == {"throttle": "0.1", "service": "ec2"}
