"""Webhook receivers for Hookline's end-to-end tests (python3 standard library only).

A `Receiver` is a threaded HTTP or HTTPS server on 127.0.0.1 with an ephemeral port. What it
answers depends on the first path segment (see DEFAULT_ROUTES), and it records every
connection and every request (method, path, headers, raw body bytes) for assertions.

    from receivers import Receiver, make_test_ca

    with Receiver() as receiver:                      # plain HTTP
        ...deliver to receiver.url("/ok")...
        request = receiver.wait_for_requests(1)[0]
        assert request.header("X-Webhook-Event") == "conversation.ended"

    certificates = make_test_ca()                     # test CA + server cert for 127.0.0.1/localhost
    with Receiver(tls=certificates) as receiver:      # HTTPS; trust certificates.ca_file
        ...

Paths: /ok 200 (JSON body), /nocontent 204, /redirect 301 (+Location), /gone 410, /error 500,
/unavailable 503 (+Retry-After: 120), /ratelimited 429 (+Retry-After: 7), /slow 200 after 2 s,
/hang 200 after 30 s (released early by stop()), /huge 200 with a 5 MiB body. Anything under
the segment matches too (/ok/sub-1?x=y answers like /ok); any other path answers 404.
`receiver.route("/custom", Response(...))` adds or replaces a route.

Command line (used by the Swift integration tests, any language can do the same):

    python3 receivers.py serve [--tls] [--log FILE]

prints one JSON line {"port": ..., "url": ..., "ca_file": ...} once listening, appends one JSON
line per event to FILE ({"event": "connection", "connection": n} when a TCP connection is
accepted, before any TLS; {"event": "request", ..., "body_base64": ..., "received_at": ...} before
the answer is sent, `received_at` being the receiver's time.monotonic() in seconds;
{"event": "tls_error", ...}), and serves until standard input closes or SIGTERM.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUGE_BODY_SIZE = 5 * 1024 * 1024
HANG_SECONDS = 30.0


# --- certificates ---------------------------------------------------------------------------


@dataclass
class TestCertificates:
    """Files of a throwaway CA and a server certificate it signed (PEM)."""

    directory: str
    ca_file: str
    ca_key_file: str
    server_cert_file: str
    server_key_file: str

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def make_test_ca(directory: str | None = None, days: int = 2) -> TestCertificates:
    """Creates a test CA and a server certificate for 127.0.0.1, ::1 and localhost with openssl.

    Files go into `directory` (a new temporary directory when None). EC P-256 keys, so this
    takes a few tens of milliseconds.
    """
    directory = directory or tempfile.mkdtemp(prefix="hookline-test-ca-")
    path = lambda name: os.path.join(directory, name)  # noqa: E731

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], check=True, capture_output=True)

    with open(path("server.ext"), "w") as extensions:
        extensions.write(
            "basicConstraints = critical, CA:FALSE\n"
            "keyUsage = critical, digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost\n"
        )
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("ca.key"))
    openssl(
        "req", "-x509", "-new", "-key", path("ca.key"), "-sha256", "-days", str(days),
        "-subj", "/CN=Hookline Test CA", "-out", path("ca.pem"),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("server.key"))
    openssl("req", "-new", "-key", path("server.key"), "-subj", "/CN=127.0.0.1", "-out", path("server.csr"))
    openssl(
        "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
        "-CAcreateserial", "-sha256", "-days", str(days), "-extfile", path("server.ext"),
        "-out", path("server.pem"),
    )
    return TestCertificates(
        directory=directory,
        ca_file=path("ca.pem"),
        ca_key_file=path("ca.key"),
        server_cert_file=path("server.pem"),
        server_key_file=path("server.key"),
    )


# --- what the receiver answers ----------------------------------------------------------------


@dataclass
class Response:
    """A canned answer. `body_size` > 0 sends that many filler bytes instead of `body`."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay_seconds: float = 0.0
    body_size: int = 0
    content_type: str = "application/json"


DEFAULT_ROUTES: dict[str, Response] = {
    "/ok": Response(200, b'{"received":true}'),
    "/nocontent": Response(204),
    "/redirect": Response(301, b"moved", [("Location", "https://example.com/new-endpoint")], content_type="text/plain"),
    "/gone": Response(410, b'{"error":"gone"}'),
    "/error": Response(500, b'{"error":"internal"}'),
    "/unavailable": Response(503, b'{"error":"unavailable"}', [("Retry-After", "120")]),
    "/ratelimited": Response(429, b'{"error":"slow down"}', [("Retry-After", "7")]),
    "/slow": Response(200, b'{"received":true}', delay_seconds=2.0),
    "/hang": Response(200, b'{"received":"late"}', delay_seconds=HANG_SECONDS),
    "/huge": Response(200, body_size=HUGE_BODY_SIZE, content_type="text/plain"),
}


# --- recording ----------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One request as the receiver saw it."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    connection: int
    #: time.monotonic() when the request was read in full, before the answer (and any delay).
    received_at: float = field(default_factory=time.monotonic)

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def to_json(self) -> dict:
        return {
            "event": "request",
            "method": self.method,
            "path": self.path,
            "headers": [[key, value] for key, value in self.headers],
            "body_base64": base64.b64encode(self.body).decode("ascii"),
            "connection": self.connection,
            "received_at": self.received_at,
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - silence stderr logging
        pass

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return
        recorded = RecordedRequest(
            method=self.command,
            path=self.path,
            headers=list(self.headers.items()),
            body=body,
            connection=self.server.connection_ids.get(self.client_address, 0),
        )
        self.server.owner._record_request(recorded)
        self._answer(self.server.owner._response_for(self.path))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    return None
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self, response: Response) -> None:
        if response.delay_seconds > 0 and self.server.owner._stopping.wait(response.delay_seconds):
            self.close_connection = True
            return
        body_length = response.body_size or len(response.body)
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if response.status not in (204, 304):
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(body_length))
            self.end_headers()
            if self.command == "HEAD" or response.status in (204, 304):
                return
            if response.body_size:
                filler = b"x" * 65536
                remaining = response.body_size
                while remaining > 0:
                    piece = filler[: min(remaining, len(filler))]
                    self.wfile.write(piece)
                    remaining -= len(piece)
            else:
                self.wfile.write(response.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # The worker opens many connections at once; with the default backlog (5) the kernel drops
    # the extra SYNs and a 1 s connect timeout expires before the client retransmits.
    request_queue_size = 128

    def __init__(self, owner: "Receiver", address: tuple[str, int], tls_context: ssl.SSLContext | None):
        self.owner = owner
        self.tls_context = tls_context
        self.connection_ids: dict[tuple, int] = {}
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address) -> None:
        self.connection_ids[client_address] = self.owner._record_connection(client_address)
        try:
            if self.tls_context is not None:
                request.settimeout(10)
                try:
                    request = self.tls_context.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError) as error:
                    self.owner._record_event({"event": "tls_error", "error": str(error)})
                    return
                request.settimeout(None)
            self.RequestHandlerClass(request, client_address, self)
        finally:
            self.connection_ids.pop(client_address, None)
            if self.tls_context is not None:
                try:
                    request.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up mid-request is normal in these tests


# --- the receiver ------------------------------------------------------------------------------


class Receiver:
    """A recording webhook receiver on 127.0.0.1 (ephemeral port), HTTP or HTTPS.

    `tls`: certificates from make_test_ca() to serve HTTPS. `routes`: replaces DEFAULT_ROUTES.
    `log_file`: also append each event as a JSON line there (flushed immediately).
    """

    def __init__(
        self,
        tls: TestCertificates | None = None,
        routes: dict[str, Response] | None = None,
        host: str = "127.0.0.1",
        log_file: str | None = None,
    ):
        self.tls = tls
        self.host = host
        self.routes = dict(DEFAULT_ROUTES if routes is None else routes)
        self._log_path = log_file
        self._log = None
        self._lock = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._events: list[dict] = []
        self._connections = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> "Receiver":
        context = None
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls.server_cert_file, self.tls.server_key_file)
        if self._log_path:
            self._log = open(self._log_path, "a", encoding="utf-8")
        self._server = _Server(self, (self.host, 0), context)
        self._thread = threading.Thread(target=self._server.serve_forever, name="receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Receiver":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # addresses

    @property
    def port(self) -> int:
        assert self._server is not None, "receiver not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    def url(self, path: str = "/ok") -> str:
        return self.base_url + path

    def route(self, path: str, response: Response) -> None:
        """Adds or replaces the answer for `path` (first path segment, e.g. "/custom")."""
        with self._lock:
            self.routes[path] = response

    # assertions

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def connection_count(self) -> int:
        """TCP connections accepted so far (counted before any TLS handshake or byte read)."""
        with self._lock:
            return self._connections

    @property
    def events(self) -> list[dict]:
        with self._lock:
            return list(self._events)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Blocks until at least `count` requests arrived; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"expected {count} requests, got {len(self._requests)}")
                self._lock.wait(remaining)
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._events.clear()
            self._connections = 0

    # internals (called from server threads)

    def _response_for(self, path: str) -> Response:
        route = "/" + path.split("?", 1)[0].lstrip("/").split("/", 1)[0]
        with self._lock:
            return self.routes.get(route) or Response(404, b'{"error":"no such route"}')

    def _record_connection(self, client_address) -> int:
        with self._lock:
            self._connections += 1
            number = self._connections
        self._record_event({"event": "connection", "connection": number, "client_port": client_address[1]})
        return number

    def _record_request(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)
        self._record_event(request.to_json())

    def _record_event(self, event: dict) -> None:
        with self._lock:
            self._events.append(event)
            if self._log is not None:
                self._log.write(json.dumps(event) + "\n")
                self._log.flush()
            self._lock.notify_all()


# --- command line ---------------------------------------------------------------------------------


def _serve(arguments: argparse.Namespace) -> int:
    certificates = make_test_ca() if arguments.tls else None
    receiver = Receiver(tls=certificates, log_file=arguments.log, host=arguments.host)
    receiver.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def wait_for_stdin_eof() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        done.set()

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    ready = {
        "port": receiver.port,
        "url": receiver.base_url,
        "ca_file": certificates.ca_file if certificates else None,
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    try:
        while not done.wait(0.5):
            pass
    finally:
        receiver.stop()
        if certificates is not None:
            certificates.remove()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run one receiver until stdin closes or SIGTERM")
    serve.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh test CA")
    serve.add_argument("--log", help="append one JSON line per event to this file")
    serve.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args(argv)
    return _serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
