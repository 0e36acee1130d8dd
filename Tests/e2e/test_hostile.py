"""Hostile input through the real servers: the findings of the hardening issue, each with the
test that would catch it again (double submits, reveal links, DNS rebinding, server-made
responses without the security headers, test sends tying up the console, internal errors).
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

import pytest
import requests

from client import Client, csrf_token
from dom import page_text
from support import LOCAL, SECRET_RE, create, query_of, sql_write, sub_id, valid_fields

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def header_counts(response: requests.Response) -> dict[str, int]:
    """How many times each security header was sent (requests folds repeats into one, comma-joined)."""
    raw = response.raw.headers  # urllib3 HTTPHeaderDict keeps every occurrence
    return {name: len(raw.getlist(name)) for name in SECURITY_HEADERS}


def test_parallel_submissions_of_one_form_create_one_webhook(server):
    c = server.client()
    form_page = c.page("/new")
    token = csrf_token(form_page.text)
    submission = c.form(form_page, "/new").value("submission")
    data = list(valid_fields(name="Once only").items())
    pairs = [(k, v) for k, vs in data for v in (vs if isinstance(vs, list) else [vs])]
    pairs += [("submission", submission)]

    def post(_):
        return c.post_form("/new", pairs, token=token)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, range(20)))
    statuses = [r.status_code for r in answers]
    assert statuses == [303] * 20, [(r.status_code, page_text(r.text)[:200]) for r in answers if r.status_code != 303]
    assert len({sub_id(urljoin(r.url, r.headers["Location"])) for r in answers}) == 1
    assert len(server.sql("SELECT id FROM subscriptions")) == 1
    assert sum("reveal" in query_of(r.headers["Location"]) for r in answers) == 1, "one secret, revealed once"
    for r in answers:
        assert "UNIQUE" not in r.text and "constraint" not in r.text


def test_reveal_link_is_bound_to_the_browser_and_only_get_consumes_it(server):
    alice = server.client()
    r = alice.submit("/new", valid_fields(name="Reveal me"), form="/new")
    assert r.status_code == 303
    link = urljoin(r.url, r.headers["Location"])
    assert "reveal=" in link

    # A link preview (HEAD) and another browser of the same user see nothing and burn nothing.
    assert alice.head(link, allow_redirects=False).status_code == 200
    other_browser = server.client()
    shown_elsewhere = other_browser.get(link)
    assert shown_elsewhere.status_code == 200 and not SECRET_RE.findall(shown_elsewhere.text)

    first = alice.get(link)
    secrets = set(SECRET_RE.findall(first.text))
    assert len(secrets) == 1, "the browser that made the change sees the secret"
    assert not SECRET_RE.findall(alice.get(link).text), "and only once"


def test_other_host_names_are_refused(server):
    port = server.origin.rsplit(":", 1)[1]
    server.configure(public_origin=f"http://127.0.0.1:{port}")
    c = server.client()
    assert c.page("/").status_code == 200
    rebound = c.get("/", headers={"Host": f"rebound.example:{port}"}, allow_redirects=False)
    assert rebound.status_code == 400, rebound.text[:500]
    assert "does not answer at the address" in page_text(rebound.text)
    created = create(c)
    page = c.page("/")
    r = c.post_form(f"/{created.id}/active", {"active": "0", "version": "1"}, token=csrf_token(page.text),
                    headers={"Host": f"rebound.example:{port}"}, origin=f"http://rebound.example:{port}")
    assert r.status_code == 400
    assert server.sql(f"SELECT active FROM subscriptions WHERE id = {created.id}") == [{"active": 1}]


def test_every_answer_under_the_mount_carries_the_security_headers_once(server):
    c = server.client()
    answers = {
        "console page": c.get("/", allow_redirects=False),
        "redirect made by the server": requests.get(server.origin + "/webhooks", auth=server.auth, allow_redirects=False),
        "missing static file": c.get("/static/nope.css", allow_redirects=False),
        "static file": c.get("/static/hookline.css", allow_redirects=False),
        "body too large for the server": c.post("/new", data=b"x" * (2 * 1024 * 1024), allow_redirects=False,
                                                headers={"Content-Type": "application/x-www-form-urlencoded"}),
        "login required": requests.get(server.url("/"), allow_redirects=False),
    }
    assert answers["redirect made by the server"].status_code == 301
    assert answers["missing static file"].status_code == 404
    assert answers["body too large for the server"].status_code == 413
    assert answers["login required"].status_code == 401
    for what, r in answers.items():
        counts = header_counts(r)
        assert counts == {name: 1 for name in SECURITY_HEADERS}, f"{what} ({r.status_code}): {counts}"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], what


@pytest.mark.hookline_config(**LOCAL, max_concurrent_test_sends=1)
def test_test_sends_beyond_the_bound_get_a_quick_503_and_the_console_stays_responsive(server, receiver):
    c = server.client()
    created = create(c, url=receiver.url("/slow"))
    form = c.page(f"/{created.id}/test")
    token = csrf_token(form.text)
    first_done = threading.Event()
    results = {}

    def slow_send():
        results["first"] = c.post_form(f"/{created.id}/test", {"event": "conversation.ended"}, token=token)
        first_done.set()

    thread = threading.Thread(target=slow_send)
    thread.start()
    receiver.wait_for_requests(1, timeout=10)  # the first send is now waiting on the slow receiver

    other = server.client()
    start = time.monotonic()
    second = other.post_form(f"/{created.id}/test", {"event": "conversation.ended"},
                             token=csrf_token(other.page(f"/{created.id}/test").text))
    elapsed = time.monotonic() - start
    assert second.status_code == 503, second.text[:500]
    assert second.headers.get("Retry-After") == "5"
    assert elapsed < 1.5, f"the refusal took {elapsed:.2f} s"
    start = time.monotonic()
    assert other.page("/").status_code == 200
    assert time.monotonic() - start < 1.0, "the inventory answers while a test send waits"

    thread.join(timeout=20)
    assert first_done.is_set() and results["first"].status_code == 303
    assert len(receiver.requests) == 1, "the refused send reached nobody"


def test_internal_errors_show_a_reference_and_log_the_detail(server):
    c = server.client()
    created = create(c)
    page = c.page("/")
    sql_write(server, "DROP TABLE audit_log;")
    r = c.post_form(f"/{created.id}/active", {"active": "0", "version": "1"}, token=csrf_token(page.text))
    assert r.status_code == 500
    text = page_text(r.text)
    match = re.search(r"reference ([0-9a-f]{8})", text)
    assert match, text
    assert "audit_log" not in r.text and "SQL" not in r.text, "no internal text reaches the browser"
    assert match.group(1) in server.logs(), "the detail is in the server's error log under that reference"
