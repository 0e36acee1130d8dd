"""Operations (DESIGN §9): held deliveries, recover, operator notifications and metrics.

Real ``hookline deliver --once`` runs and a real receiver prove what arrives: a webhook switched
off and on again receives its held events only when the admin chooses to deliver them; failed
deliveries come back after a recover; ``GET /metrics`` parses as Prometheus text.
"""

from __future__ import annotations

import json
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from support import LOCAL, create, notice, now, sql_write

pytestmark = pytest.mark.hookline_config(**LOCAL)


def received_ids(receiver, path: str) -> list[str]:
    return [r.header("X-Webhook-Id") for r in receiver.requests if r.path == path]


def emitted_ids(server, sid: int) -> list[str]:
    return [row["event_id"] for row in server.sql(f"SELECT event_id FROM deliveries WHERE subscription_id = {sid} ORDER BY id")]


def toggle(client, sid: int):
    r = client.submit("/", form=f"/{sid}/active")
    assert r.status_code == 303, r.text[:2000]
    return r


@pytest.mark.parametrize("choice", ["deliver", "discard"])
def test_a_disabled_then_re_enabled_webhook_gets_its_held_events_only_when_asked(server, receiver, choice):
    client = server.client()
    sid = create(client, url=receiver.url(f"/ok/held-{choice}"), generate_secret=None).id
    server.cli("emit", "conversation.ended")
    server.cli("emit", "conversation.ended")
    events = emitted_ids(server, sid)
    assert len(events) == 2

    toggle(client, sid)  # deactivate: the queued deliveries are held
    server.cli("deliver", "--once")
    assert received_ids(receiver, f"/ok/held-{choice}") == []
    assert {row["state"] for row in server.sql(f"SELECT state FROM deliveries WHERE subscription_id = {sid}")} == {"held"}

    r = toggle(client, sid)  # re-activate: the console asks
    assert r.headers["Location"].endswith(f"/{sid}/held")
    question = client.follow(r, allow_redirects=False)
    assert question.status_code == 200
    assert "2 held events" in question.text
    assert 'value="deliver"' in question.text and 'value="discard"' in question.text
    # The choice is a POST like any other: without the CSRF token it is refused.
    assert client.post_form(f"/{sid}/held", {"choice": choice}).status_code == 403

    r = client.submit(f"/{sid}/held", {"choice": choice}, form="/held")
    assert r.status_code == 303
    page = client.follow(r, allow_redirects=False)
    assert ("queued for delivery" if choice == "deliver" else "were discarded") in notice(page.text)
    server.cli("deliver", "--once")
    got = received_ids(receiver, f"/ok/held-{choice}")
    if choice == "deliver":
        assert sorted(got) == sorted(events)
    else:
        assert got == []
        assert {row["state"] for row in server.sql(f"SELECT state FROM deliveries WHERE subscription_id = {sid}")} == {"cancelled"}
    action = server.sql(f"SELECT action FROM audit_log WHERE subscription_id = {sid} ORDER BY id DESC LIMIT 1")[0]["action"]
    assert action == f"{choice}_held"

    # Nothing held any more: no question the next time.
    toggle(client, sid)
    assert toggle(client, sid).headers["Location"].split("?")[0].endswith("/")


def test_saving_the_edit_form_with_active_on_asks_about_held_events(server, receiver):
    client = server.client()
    sid = create(client, url=receiver.url("/ok/edit"), generate_secret=None).id
    server.cli("emit", "conversation.ended")
    toggle(client, sid)
    r = client.submit(f"/{sid}/edit", {"active": "1"}, form=f"/{sid}/edit", keep="all")
    assert r.status_code == 303, r.text[:2000]
    assert r.headers["Location"].endswith(f"/{sid}/held")
    assert "1 held event" in client.follow(r, allow_redirects=False).text


def test_recover_requeues_failed_deliveries_after_showing_how_many(server, receiver):
    client = server.client()
    sid = create(client, url=receiver.url("/ok/recover"), generate_secret=None).id
    create(client, name="Other", url=receiver.url("/ok/recover-other"), generate_secret=None)
    server.cli("emit", "conversation.ended")
    # The receiver was down: both deliveries ran out of retries a minute ago.
    sql_write(server, f"UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, finished_at = {now(-60)};")
    since = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 3600))

    log = client.page(f"/{sid}/deliveries")
    assert f'/{sid}/recover"' in log.text
    confirm = client.submit(f"/{sid}/deliveries", {"since": since}, form=f"/{sid}/recover")
    assert confirm.status_code == 200, confirm.text[:2000]
    assert "1 failed delivery" in confirm.text
    assert server.sql("SELECT count(*) AS n FROM deliveries WHERE state = 'failed'")[0]["n"] == 2, "asking changes nothing"
    r = client.post_from(confirm, form=f"/{sid}/recover")
    assert r.status_code == 303
    server.cli("deliver", "--once")
    assert len(received_ids(receiver, "/ok/recover")) == 1
    assert received_ids(receiver, "/ok/recover-other") == []

    # All webhooks: the inventory's link, then the count, then the re-queue.
    form_page = client.page("/recover")
    confirm = client.submit("/recover", {"since": since}, form="/recover")
    assert "1 failed delivery" in confirm.text and "all webhooks" in confirm.text
    assert client.post_from(confirm, form="/recover").status_code == 303
    server.cli("deliver", "--once")
    assert len(received_ids(receiver, "/ok/recover-other")) == 1
    assert form_page.status_code == 200
    actions = [row["action"] for row in server.sql("SELECT action FROM audit_log WHERE action = 'recover'")]
    assert actions == ["recover", "recover"]

    assert client.submit("/recover", {"since": "yesterday"}, form="/recover").status_code == 400


def test_metrics_parse_as_prometheus_text(server, receiver):
    client = server.client()
    create(client, url=receiver.url("/ok/metrics"), generate_secret=None)
    create(client, name="Failing", url=receiver.url("/error/metrics"), generate_secret=None)
    create(client, name="Off", url=receiver.url("/ok/off"), active=None, generate_secret=None)
    server.cli("emit", "conversation.ended")
    server.cli("deliver", "--once")

    r = client.page("/metrics")
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = {family.name: family for family in text_string_to_metric_families(r.text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    assert families["hookline_deliveries"].type == "counter"
    assert samples[("hookline_deliveries_total", (("outcome", "success"),))] == 1
    assert samples[("hookline_deliveries_total", (("outcome", "http_status"),))] == 1
    assert families["hookline_delivery_duration_seconds"].type == "histogram"
    assert samples[("hookline_delivery_duration_seconds_bucket", (("le", "+Inf"),))] == 2
    assert samples[("hookline_delivery_duration_seconds_count", ())] == 2
    assert samples[("hookline_deliveries_pending", ())] == 1  # the failed one waits for its retry
    assert samples[("hookline_oldest_pending_seconds", ())] == 0
    assert samples[("hookline_subscriptions", (("status", "active"),))] == 2
    assert samples[("hookline_subscriptions", (("status", "inactive"),))] == 1
    assert samples[("hookline_subscriptions", (("status", "disabled"),))] == 0
    # Behind the console's sign-in like every page.
    assert server.client(user=None).get(server.url("/metrics")).status_code == 401


@pytest.mark.servers("nginx")
def test_operator_is_told_about_a_disabled_webhook_by_webhook_and_command(server, receiver):
    output = server.data_dir / "notified.json"
    server.configure(operator_webhook_url=receiver.url("/ok/operator"),
                     operator_webhook_secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                     notify_command=f"cat > {output}")
    client = server.client()
    sid = create(client, url=receiver.url("/gone/operator")).id
    server.cli("emit", "conversation.ended")
    server.cli("deliver", "--once")

    told = [r for r in receiver.requests if r.path == "/ok/operator"]
    assert len(told) == 1
    assert told[0].header("X-Webhook-Event") == "hookline.subscription.disabled"
    assert told[0].header("X-Webhook-Signature").startswith("sha256=")
    body = json.loads(told[0].body)
    assert body["data"]["subscription_id"] == sid
    assert "410 Gone" in body["data"]["reason"]
    secret = server.sql(f"SELECT secret FROM subscriptions WHERE id = {sid}")[0]["secret"]
    assert secret and secret not in told[0].body.decode()
    assert json.loads(output.read_text())["event_type"] == "hookline.subscription.disabled"
