"""moto's server app on loopback, patched, behind the call recorder, fault injection and the control endpoints."""

import threading
from pathlib import Path

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from . import config, lightsail, patches
from .client import EmulatorClient, EmulatorError
from .control import Control
from .faults import FaultInjector, FaultRule, parse_spec
from .recorder import Recorder, read_calls


class _QuietRequestHandler(MotoRequestHandler):
    """No access log line per request; the call record has them."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class Emulator(EmulatorClient):
    """The AWS emulator, served from a thread of this process.

    ``Emulator()`` listens where STORIES_AWS_ENDPOINT says; ``Emulator(port=0)`` on a free port. Usable as a context
    manager. moto keeps its state per process: emulators started in the same process share it.
    """

    def __init__(self, port: int | None = None, *, host: str = "127.0.0.1", record: Path | None = None, faults: str | None = None):
        if port is None:
            host, port = config.endpoint_address(config.endpoint())
        super().__init__(f"http://{host}:{port}")
        self.host, self.port = host, port
        self.record = record or config.record_path()
        self._fault_rule = FaultRule.from_mapping(parse_spec(config.fault_spec() if faults is None else faults))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "Emulator":
        patches.apply_all()
        injector = FaultInjector(lightsail.Lightsail(DomainDispatcherApplication(create_backend_app)), self._fault_rule)
        recorder = Recorder(injector, self.record)
        app = Control(recorder, recorder, injector)
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=_QuietRequestHandler)
        self.url = f"http://{self.host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-emulator", daemon=True)
        self._thread.start()
        try:
            self.wait_until_ready()
        except EmulatorError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def calls(self) -> list[dict]:
        return read_calls(self.record)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
