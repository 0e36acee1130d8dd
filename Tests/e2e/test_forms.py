"""Create, edit, delete and toggle through the forms, as a browser without JavaScript would
(issue: create/edit/delete): validation, CSRF, concurrent edits, double submits.

Every test runs against nginx+fcgiwrap and Apache (``server`` fixture).
"""

from __future__ import annotations


import pytest

from client import csrf_token
from dom import dom, field_errors, page_text
from support import (AGENTS, EVENTS, add_agents, create, form_state, inventory_rows, notice, query_of, sql_write,
                     stored, sub_id, summary, valid_fields)

SUPPORT, SALES, BOOKER = AGENTS["Support Line"], AGENTS["Sales Qualifier"], AGENTS["Appointment Booker"]


# --------------------------------------------------------------------------
# Create


def test_new_form_defaults(server):
    add_agents(server)
    page = server.client().page("/new")
    state = form_state(page.text)
    assert state["name"] == "" and state["url"] == ""
    assert state["active"] is True, "Active is checked by default"
    assert state["generate_secret"] is True, "Generate a signing secret is checked by default"
    assert state["signature_scheme"] == "hookline"
    assert state["events"] == [] and state["agents"] == []
    form = dom(page.text)
    assert sorted(i.attrs["value"] for i in form.find_all("input", name="events")) == sorted(EVENTS)
    agent_boxes = form.find_all("input", name="agents")
    assert sorted(i.attrs["value"] for i in agent_boxes) == sorted(AGENTS.values())
    assert "All Agents" in page_text(page.text)
    assert csrf_token(page) and state["submission"]


def test_create_redirects_to_what_was_saved(server):
    add_agents(server)
    c = server.client()
    r = c.submit("/new", {
        "name": "  CRM sync  ", "url": "https://crm.example.com/hooks/hookline", "active": "1",
        "agents": [SUPPORT, SALES], "events": ["conversation.started", "conversation.analysis.completed"],
        "signature_scheme": "standard-webhooks", "generate_secret": "1",
    })
    assert r.status_code == 303, r.text[:800]
    sid = sub_id(r.headers["Location"])
    page = c.follow(r)
    assert page.status_code == 200
    assert "no-store" in page.headers.get("Cache-Control", "")
    assert "CRM sync" in notice(page.text) and "created" in notice(page.text)
    assert dom(page.text).find("h1").text() == "CRM sync", "the name is trimmed"
    s = summary(page.text)
    assert s["Target URL"] == "https://crm.example.com/hooks/hookline"
    assert s["Status"] == "Active"
    assert s["Events"].startswith("2")
    assert "conversation.started" in s["Events"] and "conversation.analysis.completed" in s["Events"]
    assert sorted(s["Agents"].split(", ")) == ["Sales Qualifier", "Support Line"]
    assert s["Secret"] == "Set"
    assert s["Signature scheme"] == "standard-webhooks"

    row = stored(server, sid)
    assert row["name"] == "CRM sync" and row["active"] == 1 and row["signature_scheme"] == "standard-webhooks"
    assert row["events"] == sorted(["conversation.started", "conversation.analysis.completed"])
    assert row["agents"] == sorted([SUPPORT, SALES])
    assert (row["event_count"], row["agent_count"]) == (2, 2)

    # The secret is shown exactly once.
    assert row["secret"].startswith("whsec_") and row["secret"] in page.text
    again = c.get(page.url)
    assert again.status_code == 200
    assert "whsec_" not in again.text, "reloading the confirmation shows the secret again"
    assert "cannot be shown again" in page_text(again.text)

    [inv] = inventory_rows(c)
    assert inv["Name"] == "CRM sync" and inv["Events"] == "2" and inv["Secret"] == "Set"
    assert sorted(inv["Agents"].split(", ")) == ["Sales Qualifier", "Support Line"]


def test_create_with_defaults_for_missing_optional_fields(server):
    c = server.client()
    # No active, no generate_secret (unchecked boxes send nothing), no signature_scheme.
    r = c.submit("/new", {"name": "Minimal", "url": "https://min.example.com/h", "events": "conversation.ended"})
    assert r.status_code == 303, r.text[:800]
    assert "reveal" not in query_of(r.headers["Location"]), "no secret, nothing to reveal"
    row = stored(server, sub_id(r.headers["Location"]))
    assert row["active"] == 0 and row["secret"] is None and row["signature_scheme"] == "hookline"
    [inv] = inventory_rows(c)
    assert (inv["Status"], inv["Secret"], inv["Agents"], inv["Events"]) == ("Inactive", "Not set", "All Agents", "1")


def test_limits_are_inclusive(server):
    c = server.client()
    name = "n" * 200
    url = "https://example.com/" + "a" * (2048 - len("https://example.com/"))
    sid = create(c, name=name, url=url).id
    row = stored(server, sid)
    assert row["name"] == name and row["url"] == url and len(url) == 2048


def test_double_submit_creates_one_subscription(server):
    c = server.client()
    page = c.page("/new")
    first = c.post_from(page, valid_fields(name="Once"))
    second = c.post_from(page, valid_fields(name="Once"))
    assert first.status_code == 303 and second.status_code == 303, second.text[:500]
    assert sub_id(first.headers["Location"]) == sub_id(second.headers["Location"])
    assert "reveal" not in query_of(second.headers["Location"]), "the repeat must not reveal the secret again"
    assert server.sql("SELECT count(*) AS n FROM subscriptions")[0]["n"] == 1
    assert server.sql("SELECT count(*) AS n FROM audit_log")[0]["n"] == 1
    # A new form is a new submission.
    create(c, name="Once")
    assert server.sql("SELECT count(*) AS n FROM subscriptions")[0]["n"] == 2


def test_double_submit_after_a_correction(server):
    c = server.client()
    page = c.page("/new")
    bad = c.post_from(page, valid_fields(name=""))
    assert bad.status_code == 422
    good1 = c.post_from(bad, valid_fields(name="Fixed"))
    good2 = c.post_from(bad, valid_fields(name="Fixed"))
    assert good1.status_code == good2.status_code == 303
    assert server.sql("SELECT count(*) AS n FROM subscriptions")[0]["n"] == 1


# --------------------------------------------------------------------------
# Validation


INVALID = [
    ("empty-name", {"name": ""}, "name"),
    ("whitespace-name", {"name": "  \t  "}, "name"),
    ("name-201-chars", {"name": "n" * 201}, "name"),
    ("name-twice", {"name": ["First", "Second"]}, "name"),
    ("relative-url", {"url": "/hooks/crm"}, "url"),
    ("schemeless-url", {"url": "crm.example.com/hooks"}, "url"),
    ("http-url", {"url": "http://crm.example.com/hooks"}, "url"),
    ("ftp-url", {"url": "ftp://crm.example.com/hooks"}, "url"),
    ("javascript-url", {"url": "javascript:alert(1)"}, "url"),
    ("credentials-in-url", {"url": "https://user:password@crm.example.com/hooks"}, "url"),
    ("fragment", {"url": "https://crm.example.com/hooks#part"}, "url"),
    ("url-2049-chars", {"url": "https://example.com/" + "a" * 2029}, "url"),
    ("empty-url", {"url": ""}, "url"),
    ("no-event", {"events": None}, "events"),
    ("unknown-event", {"events": ["conversation.ended", "conversation.exploded"]}, "events"),
    ("unknown-agent", {"agents": [SUPPORT, "00000000-0000-4000-8000-000000000000"]}, "agents"),
    ("malformed-agent", {"agents": ["not-a-uuid"]}, "agents"),
    ("active-yes", {"active": "yes"}, "active"),
    ("bad-signature-scheme", {"signature_scheme": "md5"}, "signature_scheme"),
]


@pytest.mark.parametrize("overrides,field", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_input_is_refused_next_to_the_field(server, db_snapshot, overrides, field):
    add_agents(server)
    c = server.client()
    sid = create(c, name="Existing", agents=[BOOKER]).id
    snap = db_snapshot()
    sent = valid_fields(**overrides)
    for path in ("/new", f"/{sid}/edit"):
        r = c.submit(path, sent)
        assert r.status_code == 422, f"POST {path}: {r.status_code}\n{r.text[:800]}"
        errors = field_errors(r.text)
        assert set(errors) == {field}, f"POST {path}: errors shown at {errors}, expected at {field!r}"
        assert len(errors[field]) > 10, f"a clear message, got {errors[field]!r}"
        assert "whsec_" not in r.text
        # The user's input is kept.
        state = form_state(r.text)
        if isinstance(sent["name"], str):
            assert state["name"] == sent["name"].strip(), f"POST {path}: the name typed was lost"
        assert state["url"] == sent["url"].strip(), f"POST {path}: the URL typed was lost"
        known_events = sorted(e for e in sent.get("events", []) if e in EVENTS)
        assert state["events"] == known_events, f"POST {path}: the events picked were lost"
        known_agents = sorted(a for a in sent.get("agents", []) if a in AGENTS.values())
        assert state["agents"] == known_agents, f"POST {path}: the agents picked were lost"
        if field != "signature_scheme":
            assert state["signature_scheme"] == sent["signature_scheme"]
    snap.assert_unchanged("an invalid form")


@pytest.mark.hookline_config(allow_http=True)
def test_http_url_is_accepted_where_allowed(server, db_snapshot):
    c = server.client()
    sid = create(c, url="http://dev.example.com/hooks").id
    assert stored(server, sid)["url"] == "http://dev.example.com/hooks"
    snap = db_snapshot()
    r = c.submit("/new", valid_fields(url="ftp://dev.example.com/hooks"))
    assert r.status_code == 422 and set(field_errors(r.text)) == {"url"}
    snap.assert_unchanged()


def test_http_url_becomes_acceptable_when_config_changes(server):
    c = server.client()
    assert c.submit("/new", valid_fields(url="http://dev.example.com/h")).status_code == 422
    server.configure(allow_http=True)
    assert c.submit("/new", valid_fields(url="http://dev.example.com/h")).status_code == 303


# --------------------------------------------------------------------------
# Edit


def test_edit_form_shows_current_values(server):
    add_agents(server)
    c = server.client()
    sid = create(c, name="Booking", url="https://book.example.com/in", active=None,
                 agents=[SUPPORT, BOOKER], events=["conversation.ended"], signature_scheme="standard-webhooks").id
    page = c.page(f"/{sid}/edit")
    state = form_state(page.text)
    assert state["name"] == "Booking"
    assert state["url"] == "https://book.example.com/in"
    assert state["active"] is False
    assert state["events"] == ["conversation.ended"]
    assert state["agents"] == sorted([SUPPORT, BOOKER])
    assert state["signature_scheme"] == "standard-webhooks"
    assert state["version"], "the edit form carries the version it was loaded at"
    assert "generate_secret" not in [i.attrs.get("name") for i in dom(page.text).find_all("input")]


def test_edit_saves_and_redirects(server):
    add_agents(server)
    c = server.client()
    sid = create(c, name="Before", agents=[SUPPORT], events=["conversation.started"]).id
    before = stored(server, sid)
    r = c.submit(f"/{sid}/edit", {
        "name": "After", "url": "https://after.example.com/h", "agents": [SALES, BOOKER],
        "events": ["conversation.ended", "conversation.analysis.completed"], "signature_scheme": "standard-webhooks",
    })  # active unchecked
    assert r.status_code == 303, r.text[:800]
    assert sub_id(r.headers["Location"]) == sid
    page = c.follow(r)
    assert "saved" in notice(page.text)
    s = summary(page.text)
    assert (s["Target URL"], s["Status"], s["Signature scheme"]) == ("https://after.example.com/h", "Inactive", "standard-webhooks")
    assert sorted(s["Agents"].split(", ")) == ["Appointment Booker", "Sales Qualifier"]
    after = stored(server, sid)
    assert after["name"] == "After" and after["active"] == 0
    assert after["events"] == sorted(["conversation.ended", "conversation.analysis.completed"])
    assert after["agents"] == sorted([SALES, BOOKER])
    assert (after["event_count"], after["agent_count"]) == (2, 2)
    assert after["version"] > before["version"]
    assert after["secret"] == before["secret"], "editing leaves the secret alone"
    [row] = inventory_rows(c)
    assert (row["Name"], row["Status"], row["Events"]) == ("After", "Inactive", "2")
    assert form_state(c.page(f"/{sid}/edit").text)["name"] == "After"


def test_edit_to_all_agents_by_selecting_none(server):
    add_agents(server)
    c = server.client()
    sid = create(c, name="Scoped", agents=[SUPPORT, SALES]).id
    r = c.submit(f"/{sid}/edit", valid_fields(name="Scoped", generate_secret=None))  # no agents
    assert r.status_code == 303, r.text[:800]
    assert stored(server, sid)["agents"] == []
    assert stored(server, sid)["agent_count"] == 0
    assert inventory_rows(c)[0]["Agents"] == "All Agents"
    assert summary(c.follow(r).text)["Agents"] == "All Agents"


def test_edit_without_scheme_keeps_it(server):
    c = server.client()
    sid = create(c, signature_scheme="standard-webhooks").id
    r = c.submit(f"/{sid}/edit", valid_fields(name="Renamed", signature_scheme=None, generate_secret=None))
    assert r.status_code == 303
    assert stored(server, sid)["signature_scheme"] == "standard-webhooks"


def test_concurrent_edit_is_never_silently_overwritten(server):
    alice, bob = server.client("alice"), server.client("bob")
    sid = create(alice, name="Shared", url="https://shared.example.com/h").id
    alice_form = alice.page(f"/{sid}/edit")
    bob_form = bob.page(f"/{sid}/edit")

    r = alice.post_from(alice_form, valid_fields(name="Alice's name", url="https://alice.example.com/h"))
    assert r.status_code == 303
    saved = stored(server, sid)

    r = bob.post_from(bob_form, valid_fields(name="Bob's name", url="https://bob.example.com/h"))
    assert r.status_code == 409, f"{r.status_code}\n{r.text[:800]}"
    assert "Someone else saved" in page_text(r.text)
    state = form_state(r.text)
    assert (state["name"], state["url"]) == ("Alice's name", "https://alice.example.com/h"), "shows the current values"
    assert stored(server, sid) == saved, "bob's stale save changed the database"

    # Bob re-applies knowingly from the refreshed form.
    r = bob.post_from(r, valid_fields(name="Bob's name", url="https://bob.example.com/h"))
    assert r.status_code == 303
    assert stored(server, sid)["name"] == "Bob's name"


def test_stale_toggle_and_delete_are_refused(server, db_snapshot):
    alice, bob = server.client("alice"), server.client("bob")
    sid = create(alice, name="Shared").id
    bob_inventory = bob.page("/")
    bob_delete = bob.page(f"/{sid}/delete")
    assert alice.submit(f"/{sid}/edit", valid_fields(name="Renamed by alice")).status_code == 303
    snap = db_snapshot()
    r = bob.post_from(bob_inventory, form=f"/{sid}/active")
    assert r.status_code == 409, r.text[:500]
    r = bob.post_from(bob_delete)
    assert r.status_code == 409, r.text[:500]
    assert "Nothing was deleted" in page_text(r.text)
    snap.assert_unchanged("stale toggle/delete")


# --------------------------------------------------------------------------
# Delete and toggle


def test_delete_confirms_then_removes_everything(server):
    add_agents(server)
    c = server.client()
    keep = create(c, name="Keep me", agents=[SUPPORT]).id
    sid = create(c, name="Doomed", agents=[SUPPORT, SALES], events=EVENTS).id
    confirm = c.page(f"/{sid}/delete")
    assert "Doomed" in dom(confirm.text).find("h1").text()
    assert stored(server, sid), "a GET deletes nothing"

    r = c.post_from(confirm)
    assert r.status_code == 303, r.text[:500]
    assert query_of(r.headers["Location"]).get("notice") == ["deleted"], "a code, never the name as text"
    inventory = c.follow(r)
    assert notice(inventory.text) == "Deleted webhook “Doomed”."
    assert [row["Name"] for row in inventory_rows(c)] == ["Keep me"]

    for table in ("subscription_events", "subscription_agents", "secret_reveals"):
        assert server.sql(f"SELECT * FROM {table} WHERE subscription_id = {sid}") == [], table
    assert stored(server, sid) == {}
    assert stored(server, keep)["agents"] == [SUPPORT], "another webhook's scope survived"
    assert c.get(f"/{sid}").status_code == 404
    assert c.get(f"/{sid}/delete").status_code == 404
    again = c.post_from(confirm)
    assert again.status_code == 404, "deleting twice is a clear 404"


def test_toggle_from_the_inventory_row(server):
    c = server.client()
    sid = create(c, name="Switch").id
    r = c.submit("/", form=f"/{sid}/active")
    assert r.status_code == 303, r.text[:500]
    page = c.follow(r)
    assert "Deactivated" in notice(page.text)
    [row] = inventory_rows(c)
    assert row["Status"] == "Inactive" and "Activate" in row["Actions"]
    assert stored(server, sid)["active"] == 0

    assert c.submit("/", form=f"/{sid}/active").status_code == 303
    [row] = inventory_rows(c)
    assert row["Status"] == "Active" and "Deactivate" in row["Actions"]


def test_activating_a_disabled_subscription_clears_the_reason(server):
    c = server.client()
    sid = create(c, name="Was failing").id
    sql_write(server, f"UPDATE subscriptions SET disabled_reason = 'HTTP 410 Gone', disabled_at = 1 WHERE id = {sid};")
    [row] = inventory_rows(c)
    assert row["Status"].startswith("Disabled") and "Activate" in row["Actions"].split()
    assert c.submit("/", form=f"/{sid}/active").status_code == 303
    [row] = inventory_rows(c)
    assert row["Status"] == "Active"
    assert stored(server, sid)["disabled_reason"] is None


@pytest.mark.parametrize("value", ["yes", "2", ""])
def test_toggle_with_a_bad_value_is_refused(server, db_snapshot, value):
    c = server.client()
    sid = create(c).id
    snap = db_snapshot()
    r = c.submit("/", {"active": value}, form=f"/{sid}/active")
    assert r.status_code == 400, r.text[:500]
    snap.assert_unchanged()


# --------------------------------------------------------------------------
# CSRF


def _action(server, c, action: str):
    """(path, body without csrf_token) of a legitimate POST of ``action``."""
    add_agents(server)
    if action == "create":
        page = c.page("/new")
        return "/new", valid_fields(name="Forged", submission=form_state(page.text)["submission"])
    sid = create(c, name="Target", agents=[SUPPORT]).id
    version = str(stored(server, sid)["version"])
    return {
        "edit": (f"/{sid}/edit", valid_fields(name="Forged", version=version)),
        "delete": (f"/{sid}/delete", {"version": version}),
        "toggle": (f"/{sid}/active", {"active": "0", "version": version}),
        "secret": (f"/{sid}/secret", {"action": "regenerate"}),
        "remove-secret": (f"/{sid}/secret", {"action": "remove", "confirm": "1"}),
    }[action]


@pytest.mark.parametrize("action", ["create", "edit", "delete", "toggle", "secret", "remove-secret"])
def test_forged_posts_are_refused(server, db_snapshot, action):
    alice = server.client()
    path, body = _action(server, alice, action)
    token = csrf_token(alice.page("/new"))
    bob = server.client("bob")
    bob_token = csrf_token(bob.page("/new"))
    cookieless = server.client()  # alice again, but this session never got the cookie

    forgeries = {
        "no token": lambda: alice.post_form(path, body),
        "empty token": lambda: alice.post_form(path, body, token=""),
        "wrong token": lambda: alice.post_form(path, body, token="0" * 64),
        "another session's token": lambda: alice.post_form(path, body, token=bob_token),
        "token twice": lambda: alice.post_form(path, list(body.items()) + [("csrf_token", "0" * 64)], token=token),
        "token without cookie": lambda: cookieless.post_form(path, body, token=token),
        "cross-site Origin": lambda: alice.post_form(path, body, token=token, origin="https://evil.example"),
        "Origin null": lambda: alice.post_form(path, body, token=token, origin="null"),
        "other port Origin": lambda: alice.post_form(path, body, token=token, origin="http://127.0.0.1:1"),
        "Sec-Fetch-Site cross-site": lambda: alice.post_form(
            path, body, token=token, headers={"Sec-Fetch-Site": "cross-site"}),
        "Sec-Fetch-Site same-site": lambda: alice.post_form(
            path, body, token=token, headers={"Sec-Fetch-Site": "same-site"}),
    }
    snap = db_snapshot()
    failures = []
    for what, send in forgeries.items():
        r = send()
        if r.status_code != 403:
            failures.append(f"{what}: {r.status_code}")
        elif "nothing was changed" not in page_text(r.text).lower():
            failures.append(f"{what}: the 403 page does not say nothing was changed")
        elif "whsec_" in r.text:
            failures.append(f"{what}: secret on the refusal page")
    assert not failures, f"{action}: " + "; ".join(failures)
    snap.assert_unchanged(f"forged {action}")

    # The same request, legitimately: it goes through (so the refusals above were about the forgery).
    r = alice.post_form(path, body, token=token, headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303, f"legitimate {action}: {r.status_code}\n{r.text[:500]}"
    assert snap.changed()
