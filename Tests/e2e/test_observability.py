"""The operator's views through the real servers: the all-deliveries log with its filters, the
inventory's 24-hour health line, the subscription page's chart and the event catalogue."""

from __future__ import annotations

import re

from dom import dom, page_text
from support import LOCAL, create, inventory_rows, record_attempts, send_test

import pytest


def attempt_ids(html: str) -> list[int]:
    return [int(tr.attrs["data-attempt"]) for tr in dom(html).find_all("tr") if "data-attempt" in tr.attrs]


def test_the_log_lists_every_webhook_and_filters_in_the_address(server):
    c = server.client()
    crm = create(c, name="CRM sync").id
    billing = create(c, name="Billing", url="https://billing.example.com/in").id
    record_attempts(server, crm, count=6)
    record_attempts(server, billing, count=3)

    everything = c.page("/deliveries")
    ids = attempt_ids(everything.text)
    assert len(ids) == 9 and ids == sorted(ids, reverse=True), "every attempt, newest first"
    text = page_text(everything.text)
    assert "CRM sync" in text and "Billing" in text

    failed = attempt_ids(c.page("/deliveries?status=failed").text)
    delivered = attempt_ids(c.page("/deliveries?status=delivered").text)
    assert failed and delivered and not set(failed) & set(delivered) and len(failed) + len(delivered) == 9
    only_billing = c.page(f"/deliveries?subscription={billing}")
    assert len(attempt_ids(only_billing.text)) == 3 and "Showing one webhook" in page_text(only_billing.text)
    # Each row opens its attempt in the webhook's own log.
    link = dom(everything.text).find("tr", **{"data-attempt": str(ids[0])}).find("a").attrs["href"]
    assert re.fullmatch(r"/webhooks/\d+/deliveries/\d+", link) and c.get(server.origin + link).status_code == 200

    bad = c.get(server.url("/deliveries?since=yesterday"))
    assert bad.status_code == 400 and "2026-04-19T14:30" in page_text(bad.text)


@pytest.mark.hookline_config(**LOCAL)
def test_health_line_and_chart_follow_real_test_sends(server, receiver):
    c = server.client()
    ok = create(c, name="Answering", url=receiver.url("/ok")).id
    bad = create(c, name="Broken", url=receiver.url("/error")).id
    send_test(c, ok)
    send_test(c, bad)
    send_test(c, bad)
    rows = {row["Name"]: row for row in inventory_rows(c)}
    assert "100 % of 1 delivered in 24 h" in rows["Answering"]["Status"]
    assert "last success just now" in rows["Answering"]["Status"]
    assert "0 % of 2 delivered in 24 h" in rows["Broken"]["Status"] and "never delivered" in rows["Broken"]["Status"]
    page = c.page(f"/{bad}")
    summary = dom(page.text).find(cls="chart-summary").text()
    assert summary.startswith("In the last 7 days: 2 attempts, 2 failed (100 %).")
    assert len(dom(page.text).find_all("rect", cls="bar-failed")) == 1


def test_the_catalogue_shows_what_a_receiver_gets(server):
    server.cli("demo")
    c = server.client()
    page = c.page("/events")
    text = page_text(page.text)
    headings = [h.text() for h in dom(page.text).find_all("h2")]
    for group in ("Agent", "Campaign", "Conversation"):
        assert group in headings, f"group {group} missing: {headings}"
    assert "conversation.analysis.completed" in text and "campaign.completed" in text
    assert "X-Webhook-Signature: sha256=" in text and "webhook-signature: v1," in text
    assert "5 s" in text and "24 h" in text
    new = c.page("/new")
    links = {a.text(): a.attrs.get("href") for a in dom(new.text).find_all("a")}
    assert links.get("event catalogue") == "/webhooks/events"
