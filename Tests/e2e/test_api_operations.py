"""The API endpoints of issue #11 (DESIGN §8, §9) through nginx and Apache: metrics, test send and
resend (handed from hookline-console to hookline-send like the console's sending pages, to a real
local receiver), recover, and the deliveries' status filter — each with its bad input. Every
response is validated against openapi.json (api_support.OpenAPI)."""

from __future__ import annotations

import threading
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api_support import ApiClient, problem
from support import LOCAL, now, sql_write

local = pytest.mark.hookline_config(**LOCAL)
ENDED = "conversation.ended"
EVENT = {"event_type": ENDED}


def new_sub(api, url="https://example.com/hook", **fields) -> dict:
    body = {"name": fields.pop("name", "CRM"), "url": url, "events": fields.pop("events", [ENDED]), **fields}
    r = api.call("POST", "/subscriptions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_metrics_for_metrics_and_admin_tokens_only(server):
    admin = ApiClient.with_token(server, "admin")
    new_sub(admin)
    for api in (admin, ApiClient.with_token(server, "metrics")):
        r = api.call("GET", "/metrics")
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        families = {f.name: f for f in text_string_to_metric_families(r.text)}
        assert {"hookline_deliveries", "hookline_delivery_duration_seconds", "hookline_deliveries_pending",
                "hookline_oldest_pending_seconds", "hookline_subscriptions"} <= set(families)
        active = [s.value for s in families["hookline_subscriptions"].samples if s.labels == {"status": "active"}]
        assert active == [1]
    body = problem(ApiClient.with_token(server, "ingest").call("GET", "/metrics"), 403)
    assert "metrics" in body["detail"]
    problem(ApiClient(server, None).call("GET", "/metrics"), 401)


@local
def test_test_send_answers_the_attempt_and_never_the_secret(server, receiver):
    api = ApiClient.with_token(server, "admin", name="automation")
    sub = new_sub(api, url=receiver.url("/nocontent/api-test"))
    r = api.call("POST", f"/subscriptions/{sub['id']}/test", json=EVENT)
    assert r.status_code == 200, r.text
    attempt = r.json()
    assert attempt["test"] is True and attempt["event_type"] == ENDED and attempt["status_code"] == 204
    assert attempt["outcome"] == "success" and attempt["succeeded"] is True and attempt["latency_ms"] >= 0
    sent = receiver.wait_for_requests(1)[0]
    headers = {h["name"].lower(): h["value"] for h in attempt["request_headers"]}
    assert headers["x-webhook-id"] == sent.header("X-Webhook-Id") == attempt["event_id"]
    assert headers["x-webhook-signature"] == sent.header("X-Webhook-Signature")
    assert sub["secret"] not in r.text and "whsec_" not in r.text
    # The attempt is in the log, like the console's test sends.
    listed = api.call("GET", f"/subscriptions/{sub['id']}/deliveries").json()["data"]
    assert [a["id"] for a in listed] == [attempt["id"]]
    # A receiver's failure is an attempt too, answered 200 with its outcome.
    failing = new_sub(api, url=receiver.url("/error/api-test"), name="Failing")
    r = api.call("POST", f"/subscriptions/{failing['id']}/test", json=EVENT)
    assert r.status_code == 200 and r.json()["outcome"] == "http_status" and r.json()["status_code"] == 500


@local
def test_test_send_bad_input_sends_nothing(server, receiver, db_snapshot):
    api = ApiClient.with_token(server, "admin")
    sid = new_sub(api, url=receiver.url("/ok/api-bad"))["id"]
    ingest = ApiClient.with_token(server, "ingest")
    ingest.call("GET", "/agents")  # records the token's use (at most once a minute), before the snapshot
    snap = db_snapshot()
    problem(api.call("POST", "/subscriptions/99999/test", json=EVENT), 404)
    body = problem(api.call("POST", f"/subscriptions/{sid}/test", json={"event_type": "conversation.started"}), 422)
    assert set(body["errors"]) == {"event_type"}
    assert set(problem(api.call("POST", f"/subscriptions/{sid}/test", json={}), 422)["errors"]) == {"event_type"}
    assert "extra" in problem(api.call("POST", f"/subscriptions/{sid}/test", json={**EVENT, "extra": 1}), 422)["errors"]
    problem(api.call("POST", f"/subscriptions/{sid}/test", data="event_type=conversation.ended",
                     headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    problem(api.call("POST", f"/subscriptions/{sid}/test", data=b"{", headers={"Content-Type": "application/json"}), 400)
    problem(ingest.call("POST", f"/subscriptions/{sid}/test", json=EVENT), 403)
    problem(ApiClient(server, None).call("POST", f"/subscriptions/{sid}/test", json=EVENT), 401)
    problem(api.call("GET", f"/subscriptions/{sid}/test", validate=False), 405)
    assert receiver.connection_count == 0
    snap.assert_unchanged()


@local
def test_resend_sends_the_same_event_again_as_a_new_attempt(server, receiver):
    api = ApiClient.with_token(server, "admin")
    sid = new_sub(api, url=receiver.url("/error/api-resend"))["id"]
    first = api.call("POST", f"/subscriptions/{sid}/test", json=EVENT).json()
    r = api.call("POST", f"/subscriptions/{sid}/deliveries/{first['id']}/resend")
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["id"] != first["id"] and again["delivery_id"] == first["delivery_id"] and again["attempt"] == 2
    assert again["event_id"] == first["event_id"] and again["outcome"] == "http_status"
    requests_ = receiver.wait_for_requests(2)
    assert requests_[0].header("X-Webhook-Id") == requests_[1].header("X-Webhook-Id")
    assert requests_[0].body == requests_[1].body
    # Bad input: unknown subscription, unknown attempt, another subscription's attempt, wrong scope.
    other = new_sub(api, url=receiver.url("/ok/api-other"), name="Other")["id"]
    problem(api.call("POST", f"/subscriptions/99999/deliveries/{first['id']}/resend"), 404)
    problem(api.call("POST", f"/subscriptions/{sid}/deliveries/99999/resend"), 404)
    problem(api.call("POST", f"/subscriptions/{other}/deliveries/{first['id']}/resend"), 404)
    problem(ApiClient.with_token(server, "metrics").call("POST", f"/subscriptions/{sid}/deliveries/{first['id']}/resend"), 403)
    assert len(receiver.requests) == 2


@pytest.mark.hookline_config(**LOCAL, max_concurrent_test_sends=1)
def test_sends_beyond_the_bound_are_a_503_with_retry_after(server, receiver):
    api = ApiClient.with_token(server, "admin")
    sid = new_sub(api, url=receiver.url("/hang/api-busy"))["id"]
    held = {}
    slow = threading.Thread(target=lambda: held.setdefault("r", api.call("POST", f"/subscriptions/{sid}/test", json=EVENT,
                                                                          validate=False)))
    slow.start()
    receiver.wait_for_requests(1)  # the first send holds the only slot (until its 2 s timeout)
    busy = ApiClient(server, api.headers["Authorization"].split()[1], api.openapi)
    r = busy.call("POST", f"/subscriptions/{sid}/test", json=EVENT)
    body = problem(r, 503)
    assert r.headers["Retry-After"] == "5" and body["type"] == "urn:hookline:problem:busy"
    slow.join(30)
    assert held["r"].status_code == 200 and held["r"].json()["outcome"] == "timeout"
    assert len(receiver.requests) == 1


@local
def test_recover_requeues_failed_deliveries_since_then(server, receiver):
    api = ApiClient.with_token(server, "admin", name="ops")
    sid = new_sub(api, url=receiver.url("/ok/api-recover"))["id"]
    other = new_sub(api, url=receiver.url("/ok/api-recover-other"), name="Other")["id"]
    server.cli("emit", ENDED)
    sql_write(server, f"UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, finished_at = {now(-60)};")
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
    r = api.call("POST", f"/subscriptions/{sid}/recover", json={"since": since})
    assert r.status_code == 202 and r.json() == {"queued": 1}
    audit = server.sql(f"SELECT actor, action FROM audit_log WHERE subscription_id = {sid} ORDER BY id DESC LIMIT 1")
    assert audit == [{"actor": "token:ops", "action": "recover"}]
    server.cli("deliver", "--once")
    assert len([q for q in receiver.requests if q.path == "/ok/api-recover"]) == 1
    assert [q for q in receiver.requests if q.path == "/ok/api-recover-other"] == []
    # Nothing failed since then any more; the other subscription's failure stays.
    assert api.call("POST", f"/subscriptions/{sid}/recover", json={"since": since}).json() == {"queued": 0}
    assert server.sql(f"SELECT state FROM deliveries WHERE subscription_id = {other}") == [{"state": "failed"}]
    # Bad input.
    for bad in ({"since": "yesterday"}, {"since": "2026-04-19T14:30"}, {"since": 1}, {}, {"since": since, "until": since}):
        body = problem(api.call("POST", f"/subscriptions/{sid}/recover", json=bad), 422)
        assert body["errors"], bad
    problem(api.call("POST", "/subscriptions/99999/recover", json={"since": since}), 404)
    problem(api.call("POST", f"/subscriptions/{sid}/recover", data=b"since=x",
                     headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    problem(api.call("POST", f"/subscriptions/{sid}/recover", data=b"{]", headers={"Content-Type": "application/json"}), 400)
    problem(ApiClient.with_token(server, "ingest").call("POST", f"/subscriptions/{sid}/recover", json={"since": since}), 403)


@local
def test_deliveries_filter_by_status_with_cursor_paging(server, receiver):
    api = ApiClient.with_token(server, "admin")
    sid = new_sub(api, url=receiver.url("/ok/api-status"))["id"]
    bad_sid = new_sub(api, url=receiver.url("/error/api-status"), name="Bad")["id"]
    ok_ids = [api.call("POST", f"/subscriptions/{sid}/test", json=EVENT).json()["id"] for _ in range(3)]
    failed = api.call("POST", f"/subscriptions/{bad_sid}/test", json=EVENT).json()
    listing = lambda s, **q: api.call("GET", f"/subscriptions/{s}/deliveries", params=q).json()
    assert [a["id"] for a in listing(sid, status="delivered")["data"]] == ok_ids[::-1]
    assert listing(sid, status="failed")["data"] == []
    assert [a["id"] for a in listing(bad_sid, status="failed")["data"]] == [failed["id"]]
    assert listing(bad_sid, status="delivered")["data"] == []
    assert listing(sid, status="pending") == {"data": [], "next": None}
    assert listing(sid, status="held") == {"data": [], "next": None}
    # Cursor paging keeps the filter.
    seen, after = [], None
    while True:
        page = listing(sid, status="delivered", limit=2, **({"after": after} if after else {}))
        seen += [a["id"] for a in page["data"]]
        after = page["next"]
        if not after:
            break
    assert seen == ok_ids[::-1]
    body = problem(api.call("GET", f"/subscriptions/{sid}/deliveries", params={"status": "lost", "after": "x"}), 422)
    assert set(body["errors"]) == {"status", "after"}
    problem(api.call("GET", "/subscriptions/99999/deliveries", params={"status": "failed"}), 404)
    problem(ApiClient.with_token(server, "ingest").call("GET", f"/subscriptions/{sid}/deliveries"), 403)
