"""Signatures and headers of real deliveries (DESIGN §4), checked by independent verifiers.

A test send goes through the real web server and libcurl to a receiver; the
captured request is verified by a Python ``hmac`` check written from the
design, by the README's Python and Node receiver examples (extracted from
README.md and run as-is, so the README stays true), by the ``standardwebhooks``
reference library, and by ``hookline verify``.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import webhooks as standardwebhooks_module
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from servers import REPO
from support import LOCAL, attempt_view, create, hookline_signature, lower_headers, send_test, standard_signature

pytestmark = pytest.mark.hookline_config(**LOCAL)

README = REPO / "README.md"


def readme_block(language: str) -> str:
    """The code block that follows ``<!-- receiver-example:LANGUAGE -->`` in README.md."""
    text = README.read_text()
    m = re.search(rf"<!-- receiver-example:{language} -->\s*```\w*\n(.*?)```", text, re.S)
    assert m, f"README.md has no receiver-example:{language} code block"
    return m.group(1)


def independent_verify(secret: str, headers: dict[str, str], body: bytes, now: float, tolerance: int = 300) -> bool:
    """DESIGN §4, written here without looking at the product's code."""
    timestamp = headers.get("x-webhook-timestamp", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    expected = hookline_signature(secret, body, timestamp)
    return any(part == expected for part in headers.get("x-webhook-signature", "").split(","))


class _FakeTime:
    """Stands in for the ``time`` module inside the README's Python example."""

    def __init__(self, now: float):
        self._now = now

    def time(self) -> float:
        return self._now


def readme_python_verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    namespace: dict = {}
    exec(compile(readme_block("python"), "README.md:receiver-example:python", "exec"), namespace)
    if now is not None:
        namespace["time"] = _FakeTime(now)
    return namespace["verify_hookline"](secret, headers, body)


NODE_DRIVER = """
const { verifyHookline } = require(process.argv[2]);
const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
if (input.now) Date.now = () => input.now * 1000;
console.log(JSON.stringify(input.cases.map((c) =>
  verifyHookline(input.secret, c.headers, Buffer.from(c.body, "base64")))));
"""


def readme_node_verify(tmp_path: Path, secret: str, cases: list[tuple[dict, bytes]], now: float | None = None) -> list[bool]:
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed: the README's Node.js receiver example cannot be run")
    (tmp_path / "verify.js").write_text(readme_block("node"))
    (tmp_path / "driver.js").write_text(NODE_DRIVER)
    payload = {"secret": secret, "now": now,
               "cases": [{"headers": h, "body": base64.b64encode(b).decode()} for h, b in cases]}
    out = subprocess.run([node, str(tmp_path / "driver.js"), str(tmp_path / "verify.js")], input=json.dumps(payload),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def tampered(body: bytes) -> bytes:
    i = body.index(b'"event_type"') + 3
    return body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]


def send_and_capture(server, receiver_, scheme: str = "hookline", event: str = "conversation.ended", ca: bool = False):
    client = server.client()
    created = create(client, url=receiver_.url("/ok/hook"), signature_scheme=scheme, events=[event])
    page, attempt = send_test(client, created.id, event)
    request = receiver_.wait_for_requests(1)[0]
    return created, request, attempt_view(page.text)


# --------------------------------------------------------------------------
# Scheme hookline


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_hookline_signature_verifies_with_independent_and_readme_code(server, receiver, https_receiver, tls_ca,
                                                                      tmp_path, tls):
    target = https_receiver if tls else receiver
    if tls:
        server.configure(ca_bundle=server.share(tls_ca.ca_file))
    created, request, shown = send_and_capture(server, target)
    secret, body, headers = created.secret, request.body, lower_headers(request)
    now = time.time()

    # Headers (DESIGN §4)
    assert request.method == "POST" and request.path == "/ok/hook"
    assert headers["content-type"] == "application/json"
    assert re.fullmatch(r"Hookline/\S+", headers["user-agent"])
    envelope = json.loads(body)
    assert headers["x-webhook-id"] == envelope["event_id"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", envelope["event_id"])
    assert headers["x-webhook-event"] == envelope["event_type"] == "conversation.ended"
    assert abs(int(headers["x-webhook-timestamp"]) - now) < 30
    assert re.fullmatch(r"sha256=[0-9a-f]{64}", headers["x-webhook-signature"])
    assert "webhook-signature" not in headers
    assert headers["x-webhook-signature"] == hookline_signature(secret, body, headers["x-webhook-timestamp"])

    # The bytes received are the bytes the test page shows, and the page shows the signature sent.
    assert body == shown.body.encode("utf-8")
    assert shown.url == target.url("/ok/hook")
    for name in ("x-webhook-id", "x-webhook-event", "x-webhook-timestamp", "x-webhook-signature", "content-type",
                 "user-agent"):
        assert shown.headers.get(name) == headers[name], name
    assert secret not in shown.text

    # Accepted as sent; a changed byte or an old timestamp is rejected.
    later = now + 301 + 30
    assert independent_verify(secret, headers, body, now)
    assert not independent_verify(secret, headers, tampered(body), now)
    assert not independent_verify(secret, headers, body, later)
    assert readme_python_verify(secret, headers, body)
    assert not readme_python_verify(secret, headers, tampered(body))
    assert not readme_python_verify(secret, headers, body, now=later)
    assert not readme_python_verify(secret, {**headers, "x-webhook-timestamp": str(int(now) - 3600)}, body)
    assert not readme_python_verify("whsec_" + "A" * 43 + "=", headers, body)
    assert readme_node_verify(tmp_path, secret, [(headers, body), (headers, tampered(body))]) == [True, False]
    assert readme_node_verify(tmp_path, secret, [(headers, body)], now=later) == [False]


# --------------------------------------------------------------------------
# Scheme standard-webhooks


def test_standard_webhooks_signature_verifies_with_reference_library(server, receiver, monkeypatch):
    created, request, shown = send_and_capture(server, receiver, scheme="standard-webhooks")
    secret, body, headers = created.secret, request.body, lower_headers(request)
    assert headers["webhook-id"] == headers["x-webhook-id"] == json.loads(body)["event_id"]
    assert headers["webhook-timestamp"] == headers["x-webhook-timestamp"]
    assert headers["x-webhook-event"] == "conversation.ended"
    assert headers["content-type"] == "application/json"
    assert re.fullmatch(r"Hookline/\S+", headers["user-agent"])
    assert "x-webhook-signature" not in headers
    assert headers["webhook-signature"] == standard_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body)
    assert body == shown.body.encode("utf-8")
    assert shown.headers.get("webhook-signature") == headers["webhook-signature"]

    assert Webhook(secret).verify(body, headers)["event_id"] == headers["webhook-id"]
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered(body), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-timestamp": str(int(time.time()) - 3600)})
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"\x00" * 32).decode()).verify(body, headers)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=10)

    monkeypatch.setattr(standardwebhooks_module, "datetime", Later)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)


# --------------------------------------------------------------------------
# hookline verify


def write_capture(directory: Path, name: str, headers: list[tuple[str, str]], body: bytes) -> tuple[Path, Path]:
    """Headers in ``curl -D`` style (start line, CRLF) and the raw body, readable by the service user."""
    head = "POST /ok/hook HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    header_file, body_file = directory / f"{name}.headers", directory / f"{name}.body"
    header_file.write_text(head)
    body_file.write_bytes(body)
    for f in (header_file, body_file):
        f.chmod(0o644)
    return header_file, body_file


@pytest.mark.parametrize("scheme", ["hookline", "standard-webhooks"])
def test_cli_verify(server, receiver, scheme):
    created, request, _ = send_and_capture(server, receiver, scheme=scheme)
    secret, body = created.secret, request.body
    d = server.files_dir
    ts = int(request.header("X-Webhook-Timestamp"))
    signature_header = "X-Webhook-Signature" if scheme == "hookline" else "webhook-signature"

    def verify(name, headers=None, body_bytes=None, *extra):
        h, b = write_capture(d, name, request.headers if headers is None else headers,
                             body if body_bytes is None else body_bytes)
        out = server.cli("verify", "--secret", secret, "--headers", str(h), "--body", str(b), *extra, check=False)
        assert secret not in out.stdout + out.stderr
        return out.returncode, (out.stdout + out.stderr).strip()

    code, text = verify("real")
    assert (code, text.split(":")[0]) == (0, "valid"), text

    code, text = verify("tampered", None, tampered(body))
    assert code == 1 and text.startswith("invalid") and "does not match" in text, text

    code, text = verify("stale", None, None, "--now", str(ts + 1000))
    assert code == 1 and "outside the allowed tolerance" in text and "1000 s old" in text, text
    code, text = verify("stale-tolerated", None, None, "--now", str(ts + 1000), "--tolerance", "2000")
    assert code == 0 and text.startswith("valid"), text
    code, text = verify("future", None, None, "--now", str(ts - 1000))
    assert code == 1 and "in the future" in text, text

    without_ts = [(k, v) for k, v in request.headers
                  if k.lower() not in ("x-webhook-timestamp", "webhook-timestamp")]
    code, text = verify("no-timestamp", without_ts)
    assert code == 1 and "no " in text and "timestamp header" in text.lower(), text

    unsigned = [(k, v) for k, v in request.headers if k.lower() != signature_header.lower()]
    code, text = verify("unsigned", unsigned)
    assert code == 1 and f"no {signature_header} header" in text, text

    # usage and input errors exit 2
    h, _ = write_capture(d, "usage", request.headers, body)
    out = server.cli("verify", "--secret", secret, "--headers", str(h), check=False)
    assert out.returncode == 2 and "--body" in out.stdout + out.stderr
    assert secret not in out.stdout + out.stderr
    out = server.cli("verify", "--secret", secret, "--headers", str(d / "missing.headers"), "--body", str(d / "real.body"),
                     check=False)
    assert out.returncode == 2
