"""The console's error pages, whatever the feature: a malformed query (400), no such page (404),
a method the page does not take (405), a body over the cap (413), and paths near a real route.

Every test runs against nginx+fcgiwrap and Apache (``server`` fixture). An error page is a
complete HTML page that says what went wrong, leads back to the console, and leaves the console
answering the next request normally. Errors that belong to a feature (a refused form, a forged
POST, a stale edit) are tested with that feature.
"""

from __future__ import annotations

import base64
import http.client
from urllib.parse import urlsplit

import pytest
import requests

from client import csrf_token
from dom import dom, page_text
from support import EVENTS, LOCAL, create, send_test


def raw_get(server, target: str, user: str | None = "alice", method: str = "GET") -> tuple[int, dict, str]:
    """A request whose target is sent byte for byte (requests would re-quote ``%zz``)."""
    parts = urlsplit(server.origin)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {}
    if user and server.users:
        token = base64.b64encode(f"{user}:{server.users[user]}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    try:
        conn.request(method, target, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def assert_error_page(status: int, headers: dict, body: str, expected: int, message: str) -> None:
    """A complete HTML error page that says what went wrong."""
    assert status == expected, f"expected {expected}, got {status}\n{body[:800]}"
    assert headers.get("content-type", "").startswith("text/html"), headers
    assert body.lstrip().lower().startswith("<!doctype html"), body[:300]
    assert body.rstrip().endswith("</html>"), "the page is cut short:\n" + body[-300:]
    text = page_text(body)
    assert message.lower() in text.lower(), f"{message!r} not on the page: {text[:600]}"


def assert_console_works(server) -> None:
    """The next request after an error is answered normally."""
    r = server.client().get("/", allow_redirects=False)
    assert r.status_code == 200 and "Webhooks" in page_text(r.text), r.text[:500]


def assert_error_answer(server, target: str, expected: int, message: str, method: str = "GET") -> dict:
    """``method target`` (sent byte for byte) is answered by a complete ``expected`` error page saying
    ``message``, and the console answers the next request normally. Returns the response headers."""
    status, headers, body = raw_get(server, target, method=method)
    assert_error_page(status, headers, body, expected, message)
    assert_console_works(server)
    return headers


# --------------------------------------------------------------------------
# 400, 404, 405, 413


@pytest.mark.parametrize("query,message", [
    ("q=%zz", "address could not be read"),
    ("q=%ff", "address could not be read"),
    ("status=bogus", "Unknown status"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("sort=nope", "Unknown sort"),
    ("dir=sideways", "direction"),
    ("agent=not-a-uuid", "agent"),
    ("q=a&q=b", "once"),
])
def test_bad_query_string_is_a_clear_400(server, query, message):
    assert_error_answer(server, "/webhooks/?" + query, 400, message)


@pytest.mark.parametrize("path,message", [
    ("/nope", "no page"),
    ("/1/bogus", "no page"),
    ("/abc/edit", "no page"),
    ("/0/edit", "no page"),
    ("/999/edit", "no webhook with id 999"),
    ("/999", "no webhook with id 999"),
])
def test_unknown_path_is_a_404_page(server, path, message):
    assert_error_answer(server, "/webhooks" + path, 404, message)


@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/", {"GET", "HEAD"}),
    ("DELETE", "/", {"GET", "HEAD"}),
    ("POST", "/", {"GET", "HEAD"}),
    ("DELETE", "/1/edit", {"GET", "HEAD", "POST"}),
    ("PATCH", "/new", {"GET", "HEAD", "POST"}),
    ("POST", "/audit", {"GET", "HEAD"}),
    ("GET", "/1/active", {"POST"}),
])
def test_wrong_method_is_a_405_with_allow(server, method, path, allowed):
    headers = assert_error_answer(server, "/webhooks" + path, 405, "not allowed", method=method)
    assert "allow" in headers, headers
    assert {m.strip() for m in headers["allow"].split(",")} == allowed
    assert method not in headers["allow"]


def test_oversized_body_is_a_413_page(server, db_snapshot):
    c = server.client()
    snap = db_snapshot()
    try:
        r = c.post_form("/new", {"name": "x" * (70 * 1024)})
    except requests.RequestException as e:
        pytest.fail(f"the 413 answer did not arrive intact: {e!r}\n{server.logs()[-1500:]}")
    assert_error_page(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.text, 413, "64 KiB")
    snap.assert_unchanged("an oversized POST")
    assert_console_works(server)


def test_body_under_the_cap_is_read_and_validated(server, db_snapshot):
    c = server.client()
    snap = db_snapshot()
    r = c.submit("/new", {"name": "x" * (60 * 1024), "url": "https://example.com/h", "events": EVENTS[0]})
    assert r.status_code == 422, r.text[:500]
    assert "name" in page_text(r.text).lower()
    snap.assert_unchanged()


@pytest.mark.parametrize("kind", ["400", "404", "405", "413"])
def test_error_pages_lead_back_to_the_console(server, kind):
    """Every error page links back to the inventory under the mount, and styles itself from it."""
    c = server.client()
    if kind == "400":
        status, _, body = raw_get(server, "/webhooks/?q=%zz")
    elif kind == "404":
        status, _, body = raw_get(server, "/webhooks/nope")
    elif kind == "405":
        status, _, body = raw_get(server, "/webhooks/", method="PUT")
    else:
        try:
            r = c.post_form("/new", {"name": "x" * (70 * 1024)})
        except requests.RequestException as e:
            pytest.fail(f"the 413 answer did not arrive intact: {e!r}")
        status, body = r.status_code, r.text
    assert status == int(kind), body[:300]
    doc = dom(body)
    back = [a.attrs.get("href") for a in doc.find_all("a") if "webhooks" in a.text().lower()]
    assert back == ["/webhooks/"], f"'Back to webhooks' points to {back}"
    css = [l.attrs.get("href") for l in doc.find_all("link") if l.attrs.get("rel") == "stylesheet"]
    assert css == ["/webhooks/static/hookline.css"], css


# --------------------------------------------------------------------------
# Near misses of real routes: a 404, a redirect or the page, never a server error


@pytest.mark.hookline_config(**LOCAL)
@pytest.mark.parametrize("method,target", [
    pytest.param("GET", "/webhooks/{id}/test/", id="test-trailing-slash"),
    pytest.param("GET", "/webhooks/{id}/test%2f", id="test-encoded-slash"),
    pytest.param("POST", "/webhooks/{id}/deliveries/{attempt}/resend/", id="resend-trailing-slash"),
])
def test_near_miss_paths_are_never_a_server_error(server, receiver, method, target):
    c = server.client()
    sid = create(c, url=receiver.url("/ok")).id
    _, attempt = send_test(c, sid)
    target = target.format(id=sid, attempt=attempt)
    if method == "GET":
        status, _, body = raw_get(server, target)
    else:
        token = csrf_token(c.page(f"/{sid}/deliveries/{attempt}"))
        r = c.post_form(server.origin + target, token=token)
        status, body = r.status_code, r.text
    assert status < 500, f"{method} {target}: {status}\n{page_text(body)[:800]}\n{server.logs()[-1500:]}"
    assert status == 404 or 200 <= status < 400, \
        f"{method} {target}: {status}, expected 404, a redirect or the page\n{page_text(body)[:800]}"
    assert_console_works(server)
