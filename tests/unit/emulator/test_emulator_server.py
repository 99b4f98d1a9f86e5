import os
import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tools.emulator import Emulator, daemon
from tools.emulator.client import EmulatorClient, EmulatorError


def refuses_connections(url):
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) != 0


def test_port_zero_picks_a_free_port_and_stop_closes_it(tmp_path):
    emulator = Emulator(port=0, record=tmp_path / "calls.jsonl").start()
    url = emulator.url
    try:
        assert not url.endswith(":0")
        assert emulator.is_ready()
    finally:
        emulator.stop()

    assert refuses_connections(url)
    emulator.stop()  # stopping twice is harmless


def test_endpoint_and_record_come_from_the_environment(monkeypatch, tmp_path, unused_url):
    url = unused_url
    monkeypatch.setenv("STORIES_AWS_ENDPOINT", url)
    monkeypatch.setenv("STORIES_AWS_RECORD", str(tmp_path / "record.jsonl"))
    with Emulator() as emulator:
        assert emulator.url == url
        boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing").get_caller_identity()
        assert [call["operation"] for call in emulator.calls()] == ["GetCallerIdentity"]
        assert emulator.record == tmp_path / "record.jsonl"


def test_endpoint_without_a_port_is_refused(monkeypatch):
    monkeypatch.setenv("STORIES_AWS_ENDPOINT", "http://127.0.0.1")
    with pytest.raises(ValueError, match="port"):
        Emulator()


def test_start_begins_a_fresh_record(tmp_path):
    record = tmp_path / "calls.jsonl"
    record.write_text('{"service": "ec2", "operation": "Old", "region": "us-east-1", "status": 200}\n')
    with Emulator(port=0, record=record) as emulator:
        assert emulator.calls() == []


def test_reset_forgets_aws_state_the_record_and_faults(aws, emulator):
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    emulator.set_faults("throttle=0.5,service=sts")
    emulator.reset()

    assert vpc_id not in [vpc["VpcId"] for vpc in ec2.describe_vpcs()["Vpcs"]]
    assert [call["operation"] for call in emulator.calls()] == ["DescribeVpcs"]
    assert emulator.faults() == {}


def test_waiting_for_a_server_that_is_not_there_gives_up(unused_url):
    client = EmulatorClient(unused_url)

    with pytest.raises(EmulatorError, match="did not answer"):
        client.wait_until_ready(timeout=0.2)
    with pytest.raises(EmulatorError, match="did not answer"):
        client.wait_until_ready(timeout=60, still_starting=lambda: False)


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    for name in ("PID_FILE", "URL_FILE", "LOG_FILE"):
        monkeypatch.setattr(daemon, name, tmp_path / getattr(daemon, name).name)
    monkeypatch.setenv("STORIES_AWS_RECORD", str(tmp_path / "calls.jsonl"))
    return tmp_path


def test_detached_emulator_starts_answers_and_stops(state_dir, unused_url):
    url = unused_url
    pid = daemon.start(url)
    try:
        assert EmulatorClient(url).is_ready()
        assert daemon.running_url() == url
        assert (state_dir / "emulator.pid").read_text().strip() == str(pid)
        with pytest.raises(EmulatorError, match="already running"):
            daemon.start(url)
    finally:
        assert daemon.stop()

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert refuses_connections(url)
    assert not (state_dir / "emulator.pid").exists()
    assert not (state_dir / "emulator.url").exists()
    assert not daemon.stop()


@pytest.fixture
def plain_moto_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield "http://{}:{}".format(*server.get_host_and_port())
    server.stop()


def test_a_plain_moto_server_is_not_taken_for_the_emulator_nor_reset(plain_moto_server):
    ec2 = boto3.client("ec2", endpoint_url=plain_moto_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    client = EmulatorClient(plain_moto_server)

    assert not client.is_ready()
    with pytest.raises(EmulatorError, match="404"):
        client.reset()
    assert vpc_id in [vpc["VpcId"] for vpc in ec2.describe_vpcs()["Vpcs"]]


def test_detached_emulator_on_a_port_a_plain_moto_server_holds_fails_with_its_log(state_dir, plain_moto_server):
    with pytest.raises(EmulatorError, match="Address already in use"):
        daemon.start(plain_moto_server)
    assert not (state_dir / "emulator.pid").exists()


def test_a_stale_pid_file_is_ignored(state_dir):
    (state_dir / "emulator.pid").write_text(f"{os.getpid()}\n")  # alive, but not the emulator

    assert not daemon.stop()
