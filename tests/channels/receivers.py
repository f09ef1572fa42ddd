"""Real receivers on loopback for the channel tests: an HTTP server and an SMTP server.

Both record what they receive and can be told how to answer. They are plain
classes plus pytest fixtures; test modules import the fixtures they use.
"""

from __future__ import annotations

import collections
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.live import free_port  # noqa: F401 (also for the channel tests)


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Reply:
    """How the HTTP receiver answers one request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang_s: float = 0.0  # wait this long before answering (released at shutdown)


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: list[tuple[str, str]]  # as received: original names, order, duplicates
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class HttpReceiver:
    """A ThreadingHTTPServer on 127.0.0.1 that records every request it gets.

    `port` 0 takes a free one; a given port brings a receiver back where one was."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[ReceivedRequest] = []
        self._replies: collections.deque[Reply] = collections.deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                receiver._handle(self)

            do_GET = do_PUT = do_POST  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # silence stderr
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):  # the sender hung up
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = False  # server_close() joins handler threads
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/quotes"

    def reply(self, *replies: Reply) -> None:
        """Queue answers for the next requests; once used up, answer 200."""
        with self._lock:
            self._replies.extend(replies)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length)
        with self._lock:
            self.requests.append(ReceivedRequest(
                handler.command, handler.path, list(handler.headers.items()), body))
            reply = self._replies.popleft() if self._replies else Reply()
        if reply.hang_s and self._closing.wait(reply.hang_s):
            handler.close_connection = True
            return
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(reply.body)))
        # One request per connection: the sender may hang up without reading the body,
        # and a keep-alive loop would then log a connection reset.
        handler.send_header("connection", "close")
        handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(reply.body)

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


@pytest.fixture
def http_receiver():
    receiver = HttpReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


# ---------------------------------------------------------------- SMTP


class RecordingHandler:
    """aiosmtpd handler: answers queued replies to DATA first, then stores and says 250."""

    def __init__(self, *replies: str) -> None:
        self.replies = collections.deque(replies)
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    @property
    def messages(self) -> list[EmailMessage]:
        # SMTP carries CRLF line ends; a mail client shows them as plain newlines.
        return [
            message_from_bytes(content.replace(b"\r\n", b"\n"), policy=policy.default)
            for _, _, content in self.envelopes
        ]

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        if self.replies:
            return self.replies.popleft()
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


class Authenticator:
    """Accepts one user/password pair (LOGIN and PLAIN)."""

    def __init__(self, username: str, password: str) -> None:
        self.expected = (username.encode(), password.encode())

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == self.expected
        return AuthResult(success=ok, handled=False)


class SmtpReceiver:
    """An aiosmtpd Controller on 127.0.0.1 with a recording handler."""

    def __init__(self, handler: RecordingHandler, **controller_kwargs) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **controller_kwargs)
        self.controller.start()

    def url(self, scheme: str = "smtp", userinfo: str = "", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{userinfo + '@' if userinfo else ''}{host}:{self.port}"

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_receiver():
    """A factory: ``smtp_receiver(*replies, **controller_kwargs)``, stopped after the test."""
    started: list[SmtpReceiver] = []

    def start(*replies: str, **controller_kwargs) -> SmtpReceiver:
        receiver = SmtpReceiver(RecordingHandler(*replies), **controller_kwargs)
        started.append(receiver)
        return receiver

    try:
        yield start
    finally:
        for receiver in started:
            receiver.close()


@pytest.fixture(scope="session")
def self_signed_cert(tmp_path_factory) -> tuple[Path, Path]:
    """(cert, key) for localhost, made with the openssl command (Debian's base system has it)."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"cannot make a test certificate with openssl: {exc}")  # a gap must show, not skip
    return cert, key


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def client_tls_context(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))
