"""The audit log: who changed what, with old → new values, never a secret.

Every test runs against nginx+fcgiwrap and Apache (``server`` fixture); the actor is the
REMOTE_USER the web server authenticated (alice or bob).
"""

from __future__ import annotations

import json

import pytest

from dom import dom, page_text
from support import AGENTS, add_agents, audit_entries, create, inventory_rows, valid_fields


def with_action(items: list[dict], action: str) -> list[dict]:
    return [e for e in items if f" {action} " in f" {e['text']} "]


@pytest.fixture
def history(server):
    """alice creates, bob edits, alice deactivates, bob regenerates the secret, alice creates another."""
    add_agents(server)
    alice, bob = server.client("alice"), server.client("bob")
    sid = create(alice, name="Ledger", url="https://ledger.example.com/h", events=["conversation.started"]).id
    r = bob.submit(f"/{sid}/edit", valid_fields(name="Ledger v2", url="https://ledger2.example.com/h",
                                                 events=["conversation.started", "conversation.ended"],
                                                 agents=[AGENTS["Support Line"]]))
    assert r.status_code == 303
    assert alice.submit("/", form=f"/{sid}/active").status_code == 303
    r = bob.submit(f"/{sid}/edit", form=f"/{sid}/secret")
    assert r.status_code == 303, r.text[:500]
    other = create(alice, name="Unrelated").id
    return sid, other, alice, bob


def test_audit_page_lists_changes_with_actor_and_values(server, history):
    sid, _, alice, _ = history
    page = alice.page("/audit")
    items = audit_entries(page.text)
    assert len(items) == 5, [e["text"] for e in items]

    [created] = [e for e in with_action(items, "create") if "Ledger" in e["text"]]
    assert created["actor"] == "alice"
    assert created["changes"]["name"][1] == "Ledger"
    assert created["changes"]["url"][1] == "https://ledger.example.com/h"

    [updated] = with_action(items, "update")
    assert updated["actor"] == "bob"
    assert updated["changes"]["name"] == ("Ledger", "Ledger v2")
    assert updated["changes"]["url"] == ("https://ledger.example.com/h", "https://ledger2.example.com/h")
    assert "conversation.ended" in updated["changes"]["events"][1]
    assert "conversation.ended" not in updated["changes"]["events"][0]
    assert updated["changes"]["agents"][1] == "Support Line"
    assert "active" not in updated["changes"], "unchanged fields are not listed"

    [toggled] = with_action(items, "deactivate")
    assert toggled["actor"] == "alice"
    assert toggled["changes"]["active"] == ("yes", "no")

    [secret] = [e for e in items if "secret" in e["text"] and e["actor"] == "bob"]
    assert "secret" in secret["changes"]

    # Newest first.
    order = [e["actor"] for e in items]
    assert order == ["alice", "bob", "alice", "bob", "alice"], order


def test_subscription_page_shows_its_own_history(server, history):
    sid, other, alice, _ = history
    items = audit_entries(alice.page(f"/{sid}").text)
    assert [e["actor"] for e in items] == ["bob", "alice", "bob", "alice"]
    assert with_action(items, "create") and with_action(items, "update") and with_action(items, "deactivate")
    assert not any("Unrelated" in e["text"] for e in items)
    assert len(audit_entries(alice.page(f"/{other}").text)) == 1


def test_delete_is_audited_and_stays_visible(server, history):
    sid, _, alice, bob = history
    r = bob.submit(f"/{sid}/delete")
    assert r.status_code == 303
    items = audit_entries(alice.page("/audit").text)
    [deleted] = with_action(items, "delete")
    assert deleted["actor"] == "bob"
    assert "Ledger v2" in deleted["text"]
    assert deleted["changes"]["name"][0] == "Ledger v2"
    assert len(items) == 6


def test_no_secret_in_audit_page_or_table(server, history):
    sid, _, alice, bob = history
    # Every secret that ever existed here: current, previous (grace period), the other webhook's.
    rows = server.sql("SELECT secret, previous_secret FROM subscriptions")
    secrets = [v for row in rows for v in row.values() if v]
    assert len(secrets) == 3, rows
    # Remove the secret too (confirmation step, then the action).
    page = bob.page(f"/{sid}/edit")
    forms = dom(page.text).find_all("form")
    [index] = [i for i, f in enumerate(forms) if f.find("input", name="action", value="remove")]
    confirm = bob.post_from(page, form=index)
    assert confirm.status_code == 200 and "Remove" in page_text(confirm.text)
    r = bob.post_from(confirm, form="/secret")
    assert r.status_code == 303, r.text[:500]

    table = json.dumps(server.sql("SELECT * FROM audit_log"))
    for where, text in (("audit page", alice.page("/audit").text),
                        ("subscription page", alice.page(f"/{sid}").text),
                        ("audit_log table", table)):
        assert "whsec_" not in text, f"a secret in the {where}"
        for s in secrets:
            assert s.removeprefix("whsec_") not in text, f"a secret in the {where}"
    actions = [row["action"] for row in server.sql("SELECT action FROM audit_log ORDER BY id")]
    assert "remove_secret" in actions or any("remove" in a for a in actions)


@pytest.mark.hookline_auth("none")
@pytest.mark.hookline_config(anonymous="dev")
def test_anonymous_dev_changes_are_attributed(server):
    c = server.client(user=None)
    create(c, name="Dev")
    [entry] = audit_entries(c.page("/audit").text)
    assert entry["actor"] and entry["actor"] not in ("alice", "bob")
    assert "anonymous" in entry["actor"].lower()


def test_audit_entries_escape_names(server):
    c = server.client()
    create(c, name='<img src=x onerror=alert(1)> "A&B"')
    page = c.page("/audit")
    assert "<img src=x" not in page.text
    assert any('<img src=x onerror=alert(1)> "A&B"' in e["text"] for e in audit_entries(page.text))
    assert inventory_rows(c)[0]["Name"] == '<img src=x onerror=alert(1)> "A&B"'
