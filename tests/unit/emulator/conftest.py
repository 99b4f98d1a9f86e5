import socket

import boto3
import botocore.retries.standard
import pytest
from botocore.config import Config

from tools.emulator import Emulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """One emulator per test module, on a free port, with its own call record."""
    with Emulator(port=0, record=tmp_path_factory.mktemp("emulator") / "calls.jsonl", faults="") as running:
        yield running


@pytest.fixture
def aws(emulator):
    """A boto3 client factory on the freshly reset emulator: aws("ec2", region="eu-west-1", retries={...})."""
    emulator.reset()

    def client(service, region="us-east-1", **config):
        return boto3.client(
            service,
            endpoint_url=emulator.url,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(**config) if config else None,
        )

    return client


@pytest.fixture
def no_retry_delay(monkeypatch):
    """botocore's standard retry mode retries at once instead of sleeping up to seconds between attempts."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def unused_url():
    """http://127.0.0.1:PORT with a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"
