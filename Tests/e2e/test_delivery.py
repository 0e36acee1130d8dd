"""Deliveries through the real web servers and the worker (DESIGN §2 Test send, §3, §5).

Test send (``hookline-send``, libcurl) to recording receivers: what is sent,
every failure class and its wording, address safety with the default config
(no byte reaches a receiver on a blocked address), the delivery log, resend.
The worker (``hookline emit`` / ``hookline deliver --once``): fan-out to
active matching subscriptions, retry schedule, 410 disables, stable event id.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from dom import dom, page_text
from receivers import Receiver
from servers import free_port
from support import LOCAL, attempt_view, create, delivery_log, hookline_signature, inventory_row, now, send_test

local = pytest.mark.hookline_config(**LOCAL)
LATENCY = re.compile(r"\d+ ms|\d+\.\d s")


def attempts(server, sid: int) -> list[dict]:
    return server.sql(f"SELECT * FROM delivery_attempts WHERE subscription_id = {sid} ORDER BY id")


# --------------------------------------------------------------------------
# Test send


@local
def test_test_page_offers_only_the_subscriptions_event_types(server, receiver):
    client = server.client()
    events = ["conversation.started", "conversation.analysis.completed"]
    created = create(client, url=receiver.url("/ok"), events=events)
    page = client.page(f"/{created.id}/test")
    select = dom(page.text).find("select", id_="event", name="event")
    assert select, page_text(page.text)
    assert sorted(o.attrs["value"] for o in select.find_all("option")) == sorted(events)
    assert receiver.connection_count == 0  # GET sends nothing
    # An event type the webhook does not subscribe to is refused.
    r = client.submit(f"/{created.id}/test", {"event": "conversation.ended"}, form="/test")
    assert r.status_code == 422
    assert receiver.connection_count == 0 and not attempts(server, created.id)


@local
@pytest.mark.parametrize("route,status,label,wording", [
    ("/ok", 200, "Delivered (200)", None),
    ("/nocontent", 204, "Delivered (204)", None),
    ("/redirect", 301, "Failed: redirect (301)", "does not follow redirects"),
    ("/gone", 410, "Failed: HTTP 410", "The receiver answered HTTP 410"),
    ("/error", 500, "Failed: HTTP 500", "The receiver answered HTTP 500"),
])
def test_send_shows_request_and_outcome(server, receiver, route, status, label, wording):
    client = server.client()
    created = create(client, url=receiver.url(route))
    t0 = time.monotonic()
    page, attempt = send_test(client, created.id)
    assert time.monotonic() - t0 < 10
    got = receiver.wait_for_requests(1)
    time.sleep(0.2)
    assert len(receiver.requests) == 1 and receiver.connection_count == 1  # redirects are not followed
    request = got[0]
    shown = attempt_view(page.text)
    assert shown.url == receiver.url(route)
    assert shown.body.encode() == request.body
    assert shown.headers["x-webhook-signature"] == request.header("X-Webhook-Signature") == hookline_signature(
        created.secret, request.body, request.header("X-Webhook-Timestamp"))
    assert shown.headers["x-webhook-id"] == json.loads(request.body)["event_id"]
    assert shown.outcome == label and shown.status == str(status)
    assert LATENCY.fullmatch(shown.latency), shown.latency
    result = dom(page.text).find("h2", id_="result-heading")
    assert label in page_text(result)
    if wording:
        assert wording in shown.text
    if route == "/ok":
        assert shown.response == '{"received":true}'
    (row,) = attempts(server, created.id)
    assert row["id"] == attempt and row["status_code"] == status and row["attempt"] == 1
    assert (row["outcome"] == "success") == (status < 300)


@local
def test_https_receiver_with_and_without_the_test_ca(server, https_receiver, tls_ca):
    client = server.client()
    created = create(client, url=https_receiver.url("/ok"))
    page, _ = send_test(client, created.id)  # ca_bundle unset: the system store does not know the test CA
    shown = attempt_view(page.text)
    assert shown.outcome == "Failed: TLS" and "TLS error" in shown.text, shown.text[-1500:]
    assert not https_receiver.requests  # nothing was sent over an unverified connection

    server.configure(ca_bundle=server.share(tls_ca.ca_file))
    page, _ = send_test(client, created.id)
    shown = attempt_view(page.text)
    assert shown.outcome == "Delivered (200)" and shown.status == "200", shown.text[-1500:]
    assert len(https_receiver.wait_for_requests(1)) == 1


@local
def test_hanging_receiver_times_out(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/hang"))
    t0 = time.monotonic()
    page, _ = send_test(client, created.id)
    elapsed = time.monotonic() - t0
    assert elapsed < 2 + 4, f"the test page took {elapsed:.1f} s with timeout = 2"
    shown = attempt_view(page.text)
    assert shown.outcome == "Failed: timeout" and "Timed out after 2 s" in shown.text, shown.text[-1500:]
    assert attempts(server, created.id)[0]["outcome"] == "timeout"


@local
def test_huge_response_is_capped(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/huge"))
    page, _ = send_test(client, created.id)
    shown = attempt_view(page.text)
    assert shown.outcome == "Delivered (200)"
    excerpt = attempts(server, created.id)[0]["response_excerpt"]
    assert 0 < len(excerpt.encode()) <= 4096 and set(excerpt) == {"x"}
    assert shown.response is not None and 0 < len(shown.response) <= 4096


@local
def test_connection_refused(server):
    client = server.client()
    created = create(client, url=f"http://127.0.0.1:{free_port()}/hook")
    shown = attempt_view(send_test(client, created.id)[0].text)
    assert shown.outcome == "Failed: connection" and "refused" in shown.text.lower(), shown.text[-1500:]


def test_dns_failure(server):
    client = server.client()
    created = create(client, url="https://nonexistent.invalid/hook")
    shown = attempt_view(send_test(client, created.id)[0].text)
    assert shown.outcome == "Failed: DNS", shown.text[-1500:]
    assert "DNS lookup failed" in shown.text and "nonexistent.invalid" in shown.text


# --------------------------------------------------------------------------
# Address safety with the default config: nothing reaches a non-public address


@pytest.mark.parametrize("target", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "localhost"])
def test_non_public_targets_are_blocked_by_default(server, tls_ca, target):
    receivers = {"127.0.0.1": Receiver(tls=tls_ca), "[::1]": Receiver(tls=tls_ca, host="::1")}
    for r in receivers.values():
        r.start()
    try:
        listening = receivers.get("127.0.0.1" if target == "localhost" else target)
        url = f"https://{target}:{listening.port}/ok" if listening else f"https://{target}/latest/meta-data/"
        client = server.client()
        created = create(client, url=url)
        t0 = time.monotonic()
        shown = attempt_view(send_test(client, created.id)[0].text)
        assert time.monotonic() - t0 < 10
        assert shown.outcome == "Blocked address", shown.text[-1500:]
        assert "Blocked:" in shown.text and "allowed_private_targets" in shown.text
        time.sleep(0.2)
        for r in receivers.values():
            assert r.connection_count == 0 and not r.requests
        assert attempts(server, created.id)[0]["outcome"] == "blocked"
    finally:
        for r in receivers.values():
            r.stop()


# --------------------------------------------------------------------------
# Delivery log, resend, inventory


@local
def test_delivery_log_detail_and_resend(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/ok"))
    _, first_id = send_test(client, created.id, "conversation.ended")
    first = receiver.wait_for_requests(1)[0]
    event_id = first.header("X-Webhook-Id")

    (row,) = delivery_log(client, created.id)
    assert row["Event"].startswith("conversation.ended") and row["Event ID"] == event_id
    assert row["Attempt"] == "1" and row["Outcome"].startswith("Delivered (200)") and row["Status"] == "200"
    assert LATENCY.fullmatch(row["Latency"]) and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["Time"])

    detail = client.get(row["link"])
    assert detail.status_code == 200
    shown = attempt_view(detail.text)
    assert shown.body.encode() == first.body
    assert shown.headers["x-webhook-signature"] == first.header("X-Webhook-Signature")
    assert shown.response == '{"received":true}'

    time.sleep(1.1)  # a new timestamp (whole seconds)
    r = client.submit(row["link"], {}, form="/resend")
    assert r.status_code == 303
    resent_page = client.follow(r)
    assert resent_page.status_code == 200 and "Delivery attempt 2" in page_text(resent_page.text)
    second = receiver.wait_for_requests(2)[1]
    assert second.header("X-Webhook-Id") == event_id and second.body == first.body
    assert int(second.header("X-Webhook-Timestamp")) > int(first.header("X-Webhook-Timestamp"))
    assert second.header("X-Webhook-Signature") != first.header("X-Webhook-Signature")
    assert second.header("X-Webhook-Signature") == hookline_signature(
        created.secret, second.body, second.header("X-Webhook-Timestamp"))
    assert attempt_view(resent_page.text).headers["x-webhook-signature"] == second.header("X-Webhook-Signature")

    rows = delivery_log(client, created.id)  # newest first
    assert [x["Attempt"] for x in rows] == ["2", "1"]
    assert {x["Event ID"] for x in rows} == {event_id}
    assert int(rows[0]["link"].rstrip("/").rsplit("/", 1)[1]) > first_id


@local
def test_inventory_shows_last_delivery_outcome(server, receiver):
    client = server.client()
    ok = create(client, url=receiver.url("/ok"), name="Good")
    bad = create(client, url=receiver.url("/error"), name="Bad")
    assert "Delivered" not in inventory_row(client, ok.id)["Status"]
    send_test(client, ok.id)
    send_test(client, bad.id)
    assert "Delivered (200)" in inventory_row(client, ok.id)["Status"]
    assert "Failed: HTTP 500" in inventory_row(client, bad.id)["Status"]


@local
def test_inactive_subscription_can_be_test_sent(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/ok"), active=None)
    assert "Inactive" in inventory_row(client, created.id)["Status"]
    page = client.page(f"/{created.id}/test")
    assert "test events are" in page_text(page.text)
    shown = attempt_view(send_test(client, created.id)[0].text)
    assert shown.outcome == "Delivered (200)"
    assert len(receiver.wait_for_requests(1)) == 1


# --------------------------------------------------------------------------
# The worker: emit and deliver


AGENT_1 = "a1a1a1a1-0000-4000-8000-000000000001"
AGENT_2 = "a2a2a2a2-0000-4000-8000-000000000002"


@local
def test_emit_fans_out_to_active_matching_subscriptions(server, receiver):
    server.cli("agents", "add", AGENT_1, "Agent One")
    server.cli("agents", "add", AGENT_2, "Agent Two")
    client = server.client()
    subs = {
        "all": create(client, url=receiver.url("/ok/all"), name="all agents"),
        "one": create(client, url=receiver.url("/ok/one"), name="agent one", agents=[AGENT_1]),
        "two": create(client, url=receiver.url("/ok/two"), name="agent two", agents=[AGENT_2]),
        "off": create(client, url=receiver.url("/ok/off"), name="inactive", active=None),
        "other": create(client, url=receiver.url("/ok/other"), name="other event", events=["conversation.started"]),
    }
    out = server.cli("emit", "conversation.ended", "--agent", AGENT_1)
    assert "to 2 webhooks" in out.stdout
    deliveries = server.sql("SELECT subscription_id, event_id, state FROM deliveries")
    assert sorted(d["subscription_id"] for d in deliveries) == sorted([subs["all"].id, subs["one"].id])
    assert receiver.connection_count == 0  # emit only queues

    server.cli("deliver", "--once")
    got = receiver.wait_for_requests(2)
    time.sleep(0.2)
    assert len(receiver.requests) == 2
    by_path = {r.path: r for r in got}
    assert set(by_path) == {"/ok/all", "/ok/one"}
    event_id = deliveries[0]["event_id"]
    for path, key in (("/ok/all", "all"), ("/ok/one", "one")):
        r = by_path[path]
        envelope = json.loads(r.body)
        assert r.header("X-Webhook-Id") == envelope["event_id"] == event_id
        assert envelope["data"]["agent_uuid"] == AGENT_1
        assert r.header("X-Webhook-Event") == "conversation.ended"
        assert r.header("X-Webhook-Signature") == hookline_signature(
            subs[key].secret, r.body, r.header("X-Webhook-Timestamp"))
    assert {d["state"] for d in server.sql("SELECT state FROM deliveries")} == {"succeeded"}
    (row,) = delivery_log(client, subs["all"].id)
    assert row["Event ID"] == event_id and row["Attempt"] == "1" and row["Outcome"].startswith("Delivered (200)")

    # The other agent's event reaches the all-agents webhook and agent two's.
    receiver.clear()
    assert "to 2 webhooks" in server.cli("emit", "conversation.ended", "--agent", AGENT_2).stdout
    server.cli("deliver", "--once")
    assert {r.path for r in receiver.wait_for_requests(2)} == {"/ok/all", "/ok/two"}


@local
def test_failed_delivery_is_retried_with_the_same_event_id(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/error"))
    server.cli("emit", "conversation.ended")
    server.cli("deliver", "--once")
    first = receiver.wait_for_requests(1)[0]
    (delivery,) = server.sql("SELECT * FROM deliveries")
    (attempt,) = attempts(server, created.id)
    assert delivery["state"] == "pending" and delivery["attempts"] == 1
    assert 4 <= delivery["next_attempt_at"] - attempt["at"] <= 6, (delivery, attempt)  # 5 s ± 20 %
    assert "Failed: HTTP 500" in inventory_row(client, created.id)["Status"]
    assert "Active" in inventory_row(client, created.id)["Status"]

    server.cli("deliver", "--once")  # not due yet
    time.sleep(0.2)
    assert len(receiver.requests) == 1

    server.sql_write(f"UPDATE deliveries SET next_attempt_at = {now(-1)} WHERE id = {delivery['id']};")
    server.cli("deliver", "--once")
    second = receiver.wait_for_requests(2)[1]
    assert second.header("X-Webhook-Id") == first.header("X-Webhook-Id") == delivery["event_id"]
    assert second.body == first.body
    (delivery,) = server.sql("SELECT * FROM deliveries")
    last = attempts(server, created.id)[-1]
    assert delivery["attempts"] == 2 and last["attempt"] == 2 and delivery["state"] == "pending"
    assert 240 <= delivery["next_attempt_at"] - last["at"] <= 360  # 5 min ± 20 %
    assert [r["Attempt"] for r in delivery_log(client, created.id)] == ["2", "1"]


@local
def test_gone_disables_the_subscription(server, receiver):
    client = server.client()
    created = create(client, url=receiver.url("/gone"), name="Gone away")
    server.cli("emit", "conversation.ended")
    server.cli("deliver", "--once")
    assert len(receiver.wait_for_requests(1)) == 1
    (delivery,) = server.sql("SELECT state, next_attempt_at FROM deliveries")
    assert delivery == {"state": "failed", "next_attempt_at": None}
    status = inventory_row(client, created.id)["Status"]
    assert status.startswith("Disabled") and "410 Gone" in status, status
    assert server.sql(f"SELECT disabled_reason FROM subscriptions WHERE id = {created.id}")[0]["disabled_reason"]
    # A disabled webhook gets no new events.
    assert "to 0 webhooks" in server.cli("emit", "conversation.ended").stdout


@local
def test_worker_does_not_wait_for_a_hanging_receiver(server, receiver):
    client = server.client()
    hanging = create(client, url=receiver.url("/hang"), name="Hangs")
    answering = create(client, url=receiver.url("/ok"), name="Answers")
    assert "to 2 webhooks" in server.cli("emit", "conversation.ended").stdout
    due = server.sql("SELECT subscription_id FROM deliveries ORDER BY next_attempt_at, id")
    assert [d["subscription_id"] for d in due] == [hanging.id, answering.id]  # the hanging one is due first

    server.cli("deliver", "--once")
    got = {r.path: r for r in receiver.wait_for_requests(2)}
    assert set(got) == {"/hang", "/ok"}
    assert got["/hang"].header("X-Webhook-Id") == got["/ok"].header("X-Webhook-Id")
    # The answering receiver got its request while the other was still hanging (timeout = 2 s);
    # one after another, it would have arrived only after the timeout.
    assert got["/ok"].received_at - got["/hang"].received_at < 1.0

    (hung,) = attempts(server, hanging.id)
    (answered,) = attempts(server, answering.id)
    assert hung["outcome"] == "timeout" and hung["latency_ms"] >= 1900, hung
    assert answered["outcome"] == "success" and answered["status_code"] == 200
    assert answered["latency_ms"] < 1000, answered
    states = {d["subscription_id"]: d["state"] for d in server.sql("SELECT subscription_id, state FROM deliveries")}
    assert states == {hanging.id: "pending", answering.id: "succeeded"}
    assert "Failed: timeout" in inventory_row(client, hanging.id)["Status"]
    assert "Delivered (200)" in inventory_row(client, answering.id)["Status"]
