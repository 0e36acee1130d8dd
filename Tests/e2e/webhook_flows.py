"""Shared steps for the secret, signature and delivery e2e tests.

Fixtures (import them into a test module to use them): ``receiver`` (plain
HTTP), ``tls_ca`` (session-wide test CA + server certificate),
``https_receiver`` (HTTPS with that CA).

Helpers drive the console as a browser without JavaScript would: ``create``
(the create form, returns the id and the revealed secret), ``send_test`` (the
test-send form, returns the result page), ``attempt_view`` (request headers,
body and outcome parsed from a result/detail page), and independent
signature checks written from DESIGN §4.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from receivers import Receiver, make_test_ca

#: Hookline's dev-style config for receivers on loopback, with short timeouts.
LOCAL = dict(allow_http=True, allowed_private_targets=["127.0.0.0/8", "::1/128"], timeout=2, connect_timeout=1)

#: ``whsec_`` + standard padded Base64 of 32 bytes.
SECRET_RE = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")

EVENTS = ("conversation.started", "conversation.ended", "conversation.analysis.completed")


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture(scope="session")
def tls_ca():
    certificates = make_test_ca()
    yield certificates
    certificates.remove()


@pytest.fixture
def https_receiver(tls_ca):
    with Receiver(tls=tls_ca) as r:
        yield r


# --------------------------------------------------------------------------
# Console steps


@dataclass
class Created:
    id: int
    secret: str | None
    location: str
    page: requests.Response


def create(client, *, url: str, name: str = "Receiver", events=("conversation.ended",), secret: bool = True,
           scheme: str = "hookline", active: bool = True, agents=()) -> Created:
    """Fills and submits the create form; returns the new id and the secret the next page reveals."""
    data: dict[str, object] = {"name": name, "url": url, "events": list(events), "signature_scheme": scheme,
                               "agents": list(agents)}
    if active:
        data["active"] = "1"
    if secret:
        data["generate_secret"] = "1"
    r = client.submit("/new", data, form="/new")
    assert r.status_code == 303, f"create: {r.status_code}\n{r.text[:3000]}"
    location = urljoin(r.url, r.headers["Location"])
    m = re.search(r"/(\d+)(?:\?|$)", urlsplit(location).path + "?")
    assert m, location
    page = client.follow(r)
    assert page.status_code == 200, page.text[:2000]
    found = SECRET_RE.findall(page.text)
    if secret:
        assert len(set(found)) == 1, f"expected one revealed secret on {location}, found {found}"
    else:
        assert not found
    return Created(int(m.group(1)), found[0] if found else None, location, page)


def send_test(client, sid: int, event: str = "conversation.ended") -> tuple[requests.Response, int]:
    """POSTs the test-send form; returns the result page (after the 303) and the attempt id."""
    r = client.submit(f"/{sid}/test", {"event": event}, form="/test")
    assert r.status_code == 303, f"test send: {r.status_code}\n{r.text[:3000]}"
    query = parse_qs(urlsplit(r.headers["Location"]).query)
    assert "attempt" in query, r.headers["Location"]
    page = client.follow(r, allow_redirects=False)
    assert page.status_code == 200, page.text[:3000]
    return page, int(query["attempt"][0])


def regenerate(client, sid: int) -> tuple[requests.Response, str]:
    """The edit page's Regenerate button; returns the reveal page and the new secret."""
    edit = client.page(f"/{sid}/edit")
    token = _csrf(edit.text)
    r = client.post_form(f"/{sid}/secret", {"action": "regenerate"}, token=token)
    assert r.status_code == 303, f"regenerate: {r.status_code}\n{r.text[:3000]}"
    page = client.follow(r, allow_redirects=False)
    assert page.status_code == 200
    found = set(SECRET_RE.findall(page.text))
    assert len(found) == 1, f"expected one revealed secret, found {found}"
    return page, found.pop()


def _csrf(text: str) -> str:
    from client import csrf_token

    return csrf_token(text)


# --------------------------------------------------------------------------
# Reading result and detail pages


@dataclass
class AttemptView:
    url: str
    headers: dict[str, str]  # names lowercased
    body: str
    outcome: str
    status: str
    latency: str
    response: str | None
    text: str  # the whole page, unescaped, whitespace collapsed


_HEADER_ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td><code>(.*?)</code></td></tr>', re.S)
_PRE = re.compile(r'<pre class="body"><code>(.*?)</code></pre>', re.S)


def page_text(html_text: str) -> str:
    """Visible text of a page, tags removed, whitespace collapsed."""
    text = re.sub(r"<script.*?</script>", " ", html_text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def attempt_view(page_html: str) -> AttemptView:
    """The request and outcome shown by the test result page or a delivery detail page."""
    section = page_html[page_html.index('<section class="attempt">'):]
    url = html.unescape(re.search(r"<p><code>POST (.*?)</code></p>", section, re.S).group(1))
    headers = {html.unescape(n).lower(): html.unescape(v) for n, v in _HEADER_ROW.findall(section)}
    pres = _PRE.findall(section)
    body = html.unescape(pres[0]) if pres else ""
    response = html.unescape(pres[1]) if len(pres) > 1 else None
    outcome_line = re.search(r'<p class="outcome-line"><span class="outcome [^"]*">(.*?)</span>\s*· status (.*?) · (.*?)</p>',
                             section, re.S)
    assert outcome_line, section[:2000]
    return AttemptView(url=url, headers=headers, body=body, outcome=html.unescape(outcome_line.group(1)),
                       status=outcome_line.group(2).strip(), latency=html.unescape(outcome_line.group(3)).strip(),
                       response=response, text=page_text(page_html))


# --------------------------------------------------------------------------
# Independent signature checks (DESIGN §4), not sharing code with the product


def hookline_signature(secret: str, body: bytes, timestamp: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body + b"." + timestamp.encode(), hashlib.sha256).hexdigest()


def standard_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def lower_headers(request) -> dict[str, str]:
    """A recorded request's headers as a dict with lowercase names (first value wins)."""
    out: dict[str, str] = {}
    for name, value in request.headers:
        out.setdefault(name.lower(), value)
    return out
