# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() against real botocore clients with Stubbers: every request is validated against
the service model, and any call not queued fails.

The module tests build their `stubber`/`stubbers` and `run` fixtures from this: StubbedModule patches
AnsibleAWSModule.client to hand out the stubbed clients, wrapped in a RetryingBotoClientWrapper whose retry
decorator records which operations went through it, and StubbedModule.run() checks after every run that each
operation sent was called with aws_retry=True.
"""

import json
import os
import sys

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from botocore import xform_name
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper


def aws_args(region="us-east-1", **options):
    """The module options with the region and test credentials."""
    return dict(region=region, access_key="testing", secret_key="testing", **options)


def new_stubber(service, region="us-east-1"):
    """An activated Stubber on a fresh client of the service."""
    client = boto3.client(service, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
    stub = Stubber(client)
    stub.activate()
    return stub


def finish(stub):
    """Fixture teardown: every queued answer was used."""
    stub.assert_no_pending_responses()
    stub.deactivate()


class Stubbers(dict):
    """One stubbed client of the service per region, made on first use."""

    def __init__(self, service):
        super().__init__()
        self.service = service

    def __missing__(self, region):
        stub = new_stubber(self.service, region)
        self[region] = stub
        return stub

    def finish(self):
        for stub in self.values():
            finish(stub)


def called_by_waiter():
    """Whether botocore.waiter is on the stack (the waiters retry on throttling by their own acceptors)."""
    frame = sys._getframe()  # pylint: disable=protected-access
    while frame:
        if frame.f_code.co_filename.endswith(os.path.join("botocore", "waiter.py")):
            return True
        frame = frame.f_back
    return False


class StubbedModule:
    """Patches AnsibleAWSModule.client (through monkeypatch) to return the Stubber client stub_for(region).

    sent lists the operations sent (without the waiters' polls if outside_waiters), retried the ones that went
    through the client's retry decorator, clients the region of each client made. With by_region the operations
    are recorded as (region, operation) pairs, otherwise by name alone."""

    def __init__(self, main, service, stub_for, *, monkeypatch, capsys, by_region=False, outside_waiters=False):
        self.main = main
        self.capsys = capsys
        self.sent, self.retried, self.clients = [], set(), []
        sent, retried, clients = self.sent, self.retried, self.clients

        def fake_client(module, client_service, retry_decorator=None, **kwargs):
            assert client_service == service
            assert retry_decorator is not None, "the client must retry on throttling"
            region = kwargs.get("region") or module.region
            clients.append(region)
            stub = stub_for(region)

            def key(operation):
                return (region, operation) if by_region else operation

            def record(model, **event):
                if not (outside_waiters and called_by_waiter()):
                    sent.append(key(xform_name(model.name)))

            stub.client.meta.events.register("before-parameter-build", record)

            def recording_retry(func):
                def wrapped(*args, **kwargs):
                    retried.add(key(func.__name__))
                    return retry_decorator(func)(*args, **kwargs)

                return wrapped

            return RetryingBotoClientWrapper(stub.client, recording_retry)

        monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)

    def run(self, module_args, check_mode=False):
        """Run main() with the given options; returns its JSON result.

        Also checks that every operation sent so far went through the client's retry decorator
        (was called with aws_retry=True)."""
        module_args = dict(module_args)
        if check_mode:
            module_args["_ansible_check_mode"] = True
        with patch_module_args(module_args), pytest.raises(SystemExit):
            self.main()
        assert set(self.sent) <= self.retried, f"sent without aws_retry=True: {set(self.sent) - self.retried}"
        return json.loads(self.capsys.readouterr().out)


def stubber_fixture(service, region="us-east-1"):
    """A `stubber` fixture: one stubbed client of the service, checked for unused answers at teardown."""

    def stubber():
        stub = new_stubber(service, region)
        yield stub
        finish(stub)

    return pytest.fixture(stubber, name="stubber")


def stubbers_fixture(service):
    """A `stubbers` fixture: Stubbers of the service, each checked for unused answers at teardown."""

    def stubbers():
        stubs = Stubbers(service)
        yield stubs
        stubs.finish()

    return pytest.fixture(stubbers, name="stubbers")


def run_fixture(main, service):
    """A `run` fixture for a module with one client of the service, from the `stubber` fixture.

    run(args, check_mode=False) runs main() with the given options in us-east-1 and returns its JSON result;
    it also checks that every operation sent went through the client's retry decorator (that is, was called
    with aws_retry=True), the waiters' polls included."""

    def run(stubber, monkeypatch, capsys):
        stubbed = StubbedModule(main, service, lambda region: stubber, monkeypatch=monkeypatch, capsys=capsys)

        def run_main(args, check_mode=False):
            return stubbed.run(aws_args(**args), check_mode)

        return run_main

    return pytest.fixture(run, name="run")
