"""The HTTP API (DESIGN §8) through nginx and Apache: tokens, ingestion, subscriptions, problem
documents for every bad input, and the deploy's API location. Every response a test gets is
validated against the API's own openapi.json (api_support.OpenAPI)."""

from __future__ import annotations

import html
import json
import re
import time
import uuid

import pytest
import requests

from api_support import ApiClient, make_token, problem
from support import AGENTS, LOCAL, add_agents, hookline_signature, standard_signature

local = pytest.mark.hookline_config(**LOCAL)
ENDED = "conversation.ended"


def new_sub(api, url="https://example.com/hook", **fields) -> dict:
    body = {"name": fields.pop("name", "CRM"), "url": url, "events": fields.pop("events", [ENDED]), **fields}
    r = api.call("POST", "/subscriptions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


# --------------------------------------------------------------------------
# Tokens


def test_tokens_cli_create_list_revoke(server):
    token = make_token(server, "platform", "ingest")
    stored = server.sql("SELECT name, scope, token_hash FROM api_tokens")
    assert stored == [{"name": "platform", "scope": "ingest", "token_hash": stored[0]["token_hash"]}]
    assert token not in json.dumps(stored) and len(stored[0]["token_hash"]) == 64  # only a SHA-256 hash
    api = ApiClient(server, token)
    assert api.call("GET", "/event-types").status_code == 200
    listed = server.cli("tokens", "list").stdout
    assert "platform" in listed and "ingest" in listed and "last used" in listed and token not in listed
    server.cli("tokens", "revoke", "platform")
    body = problem(api.call("GET", "/event-types"), 401)
    assert "revoked" in body["detail"]
    assert 'error="invalid_token"' in api.call("GET", "/agents").headers["WWW-Authenticate"]
    assert token not in server.logs()
    audit = server.sql("SELECT action FROM audit_log ORDER BY id")
    assert [a["action"] for a in audit] == ["create_token", "revoke_token"]


def test_tokens_page_creates_shows_once_and_revokes(server):
    client = server.client()
    page = client.page("/tokens")
    assert "No tokens yet" in page.text
    r = client.submit("/tokens", {"name": "crm automation", "scope": "admin"}, form=0)
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    token = next(w for w in r.text.replace('"', " ").split() if w.startswith("hlk_"))
    assert ApiClient(server, token).call("GET", "/subscriptions").status_code == 200
    listing = client.page("/tokens").text
    assert token not in listing and "crm automation" in listing and "Never" not in listing  # last use shown
    # Same name again: refused with a message next to the field, nothing made.
    again = client.submit("/tokens", {"name": "crm automation", "scope": "admin"}, form=0)
    assert again.status_code == 422 and "exists already" in again.text
    # Revoke without a CSRF token: refused.
    forged = client.post_form("/tokens", {"action": "revoke", "name": "crm automation"})
    assert forged.status_code == 403
    assert ApiClient(server, token).call("GET", "/subscriptions").status_code == 200
    page = client.page("/tokens")
    revoke = client.post_from(page, {"action": "revoke", "name": "crm automation"}, form=1)
    assert revoke.status_code == 303
    assert "revoked" in client.follow(revoke).text
    problem(ApiClient(server, token).call("GET", "/subscriptions"), 401)
    assert server.sql("SELECT actor FROM audit_log ORDER BY id")[0]["actor"] == "alice"


def test_only_a_bearer_token_opens_the_api(server):
    base = server.base_url + "/api/v1/subscriptions"
    api = ApiClient(server, None)
    # No credentials at all.
    r = api.call("GET", "/subscriptions")
    problem(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    # The web server's Basic-auth credentials (valid for the console) do not open it.
    r = requests.get(base, auth=server.auth, timeout=30)
    assert r.status_code == 401 and r.headers["Content-Type"] == "application/problem+json"
    # Nor the console's cookies (CSRF cookie from a real visit).
    console = server.client()
    console.page("/")
    assert console.cookies
    r = requests.get(base, cookies=console.cookies, timeout=30)
    body = problem(r, 401)
    assert "Cookies" in body["detail"]
    # A garbage token.
    problem(ApiClient(server, "hlk_" + "A" * 43).call("GET", "/subscriptions"), 401)


def test_ingest_scope_cannot_manage_subscriptions(server, db_snapshot):
    api = ApiClient.with_token(server, "ingest")
    api.call("GET", "/agents")  # records the token's use (at most once a minute), before the snapshot
    snap = db_snapshot()
    body = problem(api.call("POST", "/subscriptions", json={"name": "x", "url": "https://example.com/h", "events": [ENDED]}), 403)
    assert "ingest" in body["detail"]
    problem(api.call("GET", "/subscriptions"), 403)
    snap.assert_unchanged()
    metrics = ApiClient.with_token(server, "metrics")
    problem(metrics.call("POST", "/events", json={"event_type": ENDED}), 403)


# --------------------------------------------------------------------------
# Ingestion


@local
def test_event_ingested_by_token_is_delivered_signed(server, receiver):
    add_agents(server)
    admin = ApiClient.with_token(server, "admin")
    all_agents = new_sub(admin, url=receiver.url("/ok"), name="All")
    scoped = new_sub(admin, url=receiver.url("/ok"), name="Sales only", agents=[AGENTS["Sales Qualifier"]],
                     signature_scheme="standard-webhooks")
    new_sub(admin, url=receiver.url("/ok"), name="Other type", events=["conversation.started"])
    new_sub(admin, url=receiver.url("/ok"), name="Off", active=False)
    ingest = ApiClient.with_token(server, "ingest")
    assert not ingest.cookies
    event_id = str(uuid.uuid4())
    r = ingest.call("POST", "/events", json={"event_type": ENDED, "event_id": event_id, "agent_uuid": AGENTS["Sales Qualifier"],
                                             "data": {"conversation_uuid": "c-1", "status": "completed"}})
    assert r.status_code == 202 and r.json() == {"accepted": 1, "duplicates": 0, "deliveries": 2}
    # Repeated id: a duplicate, not fanned out again.
    again = ingest.call("POST", "/events", json={"event_type": ENDED, "event_id": event_id})
    assert again.json() == {"accepted": 0, "duplicates": 1, "deliveries": 0}
    server.cli("deliver", "--once")
    got = receiver.wait_for_requests(2)
    assert len(got) == 2
    by_sig = {("webhook-signature" if g.header("webhook-signature") else "x"): g for g in got}
    hookline_req = by_sig["x"]
    envelope = json.loads(hookline_req.body)
    assert envelope["event_id"] == event_id and envelope["event_type"] == ENDED
    assert envelope["data"]["agent_name"] == "Sales Qualifier" and envelope["data"]["conversation_uuid"] == "c-1"
    assert hookline_req.header("X-Webhook-Signature") == hookline_signature(
        all_agents["secret"], hookline_req.body, hookline_req.header("X-Webhook-Timestamp"))
    std = by_sig["webhook-signature"]
    assert std.header("webhook-signature") == standard_signature(
        scoped["secret"], std.header("webhook-id"), std.header("webhook-timestamp"), std.body)
    from standardwebhooks import Webhook  # the reference verifier

    Webhook(scoped["secret"]).verify(std.body, {k: std.header(k) for k in ("webhook-id", "webhook-timestamp", "webhook-signature")})


def test_batch_is_one_transaction_and_counts_duplicates(server, db_snapshot):
    admin = ApiClient.with_token(server, "admin")
    new_sub(admin)
    ids = [f"evt-{i}" for i in range(5)]
    batch = {"events": [{"event_type": ENDED, "event_id": i} for i in ids + ids[:2]]}
    r = admin.call("POST", "/events", json=batch)
    assert r.status_code == 202 and r.json() == {"accepted": 5, "duplicates": 2, "deliveries": 5}
    # One bad event refuses the whole batch, naming its index; nothing stored.
    snap = db_snapshot()
    bad = {"events": [{"event_type": ENDED, "event_id": "fresh-1"}, {"event_type": "no.such"},
                      {"event_type": ENDED, "agent_uuid": "00000000-0000-4000-8000-000000000000"}, {"event_type": 7}]}
    body = problem(admin.call("POST", "/events", json=bad), 422)
    assert set(body["errors"]) == {"events[1].event_type", "events[2].agent_uuid", "events[3].event_type"}
    assert "not an event type in the catalogue" in body["errors"]["events[1].event_type"][0]
    snap.assert_unchanged()


@pytest.mark.parametrize("case", ["not json", "invalid utf-8", "form", "array", "missing type", "wrong types", "unknown field",
                                  "1001 events", "over 1 MiB", "empty batch", "bad event id"])
def test_bad_ingest_input_gets_a_problem_and_stores_nothing(server, db_snapshot, case):
    api = ApiClient.with_token(server, "ingest")
    api.call("GET", "/agents")  # records the token's use, before the snapshot
    snap = db_snapshot()
    headers = {"Content-Type": "application/json"}
    expected, data = {
        "not json": (400, b"{nope"),
        "invalid utf-8": (400, b'{"event_type": "conversation.ended", "data": {"x": "\xff\xfe"}}'),
        "form": (415, b"event_type=conversation.ended"),
        "array": (422, b"[1, 2]"),
        "missing type": (422, b'{"data": {}}'),
        "wrong types": (422, b'{"event_type": "conversation.ended", "data": [1], "event_id": 5}'),
        "unknown field": (422, b'{"event_type": "conversation.ended", "colour": "red"}'),
        "1001 events": (413, json.dumps({"events": [{"event_type": ENDED}] * 1001}).encode()),
        "over 1 MiB": (413, json.dumps({"event_type": ENDED, "data": {"pad": "x" * (1024 * 1024 + 10)}}).encode()),
        "empty batch": (422, b'{"events": []}'),
        "bad event id": (422, b'{"event_type": "conversation.ended", "event_id": "a\\nb"}'),
    }[case]
    if case == "form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = problem(api.call("POST", "/events", data=data, headers=headers), expected)
    if expected == 422:
        assert body["errors"], body
    snap.assert_unchanged()


def test_emit_batch_reads_ndjson_with_the_same_rules(server):
    admin = ApiClient.with_token(server, "admin")
    new_sub(admin)
    lines = "\n".join(json.dumps({"event_type": ENDED, "event_id": f"b-{i}"}) for i in range(50)) + "\n"
    out = server.cli("emit", "--batch", input=lines + json.dumps({"event_type": ENDED, "event_id": "b-1"}) + "\n").stdout
    assert "emitted 50 events (1 duplicates) to 50 deliveries" in out
    bad = server.cli("emit", "--batch", input='{"event_type": "no.such"}\nnot json\n', check=False)
    assert bad.returncode == 1 and "line 1" in bad.stderr and "line 2" in bad.stderr and "nothing was stored" in bad.stderr
    assert server.sql("SELECT count(*) AS n FROM events")[0]["n"] == 50


# --------------------------------------------------------------------------
# Subscriptions


def test_subscription_lifecycle(server):
    add_agents(server)
    api = ApiClient.with_token(server, "admin", name="automation")
    created = new_sub(api, name="  CRM sync ", agents=[AGENTS["Support Line"].upper()], signature_scheme="standard-webhooks")
    assert created["name"] == "CRM sync" and created["secret"].startswith("whsec_") and created["agents"] == [AGENTS["Support Line"]]
    sid = created["id"]
    read = api.call("GET", f"/subscriptions/{sid}").json()
    assert "secret" not in read and read["secret_set"] is True and read["status"] == "active" and read["version"] == 1
    # Partial update with the version read.
    r = api.call("PATCH", f"/subscriptions/{sid}", json={"version": 1, "active": False, "events": [ENDED, "conversation.started"]})
    assert r.status_code == 200
    updated = r.json()
    assert updated["status"] == "inactive" and updated["version"] == 2 and updated["name"] == "CRM sync"
    # A stale version: 409 with the current subscription.
    body = problem(api.call("PATCH", f"/subscriptions/{sid}", json={"version": 1, "name": "Lost"}), 409)
    assert body["current"]["version"] == 2 and body["current"]["name"] == "CRM sync"
    problem(api.call("PATCH", f"/subscriptions/{sid}", json={"name": "No version"}), 422)
    # Secret rotate (previous keeps signing) and remove.
    rotated = api.call("POST", f"/subscriptions/{sid}/secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"] and rotated["previous_secret_valid_until"]
    assert api.call("DELETE", f"/subscriptions/{sid}/secret").status_code == 204
    assert api.call("GET", f"/subscriptions/{sid}").json()["secret_set"] is False
    assert api.call("GET", f"/subscriptions/{sid}/deliveries").json() == {"data": [], "next": None}
    # Audited as the token.
    actors = {row["actor"] for row in server.sql(f"SELECT actor FROM audit_log WHERE subscription_id = {sid}")}
    assert actors == {"token:automation"}
    # The console shows the change.
    assert "CRM sync" in server.client().page(f"/{sid}").text
    assert api.call("DELETE", f"/subscriptions/{sid}").status_code == 204
    problem(api.call("GET", f"/subscriptions/{sid}"), 404)
    problem(api.call("DELETE", f"/subscriptions/{sid}"), 404)


def test_list_filters_and_cursor_paging(server):
    api = ApiClient.with_token(server, "admin")
    for i in range(7):
        new_sub(api, name=f"Hook {i}", events=[ENDED] if i % 2 else ["conversation.started"])
    seen, after = [], None
    while True:
        r = api.call("GET", "/subscriptions", params={"limit": 3, **({"after": after} if after else {})}).json()
        seen += [s["name"] for s in r["data"]]
        after = r["next"]
        if not after:
            break
    assert seen == [f"Hook {i}" for i in range(7)]
    ended = api.call("GET", "/subscriptions", params={"event": ENDED}).json()["data"]
    assert [s["name"] for s in ended] == ["Hook 1", "Hook 3", "Hook 5"]
    assert [s["name"] for s in api.call("GET", "/subscriptions", params={"q": "hook 4"}).json()["data"]] == ["Hook 4"]
    body = problem(api.call("GET", "/subscriptions", params={"status": "sleeping", "limit": 1000, "after": "x"}), 422)
    assert set(body["errors"]) == {"status", "limit", "after"}


def test_create_uses_the_forms_rules_and_messages(server, db_snapshot):
    api = ApiClient.with_token(server, "admin")
    api.call("GET", "/agents")  # records the token's use, before the snapshot
    snap = db_snapshot()
    bad = {"name": " ", "url": "ftp://example.com/x", "events": ["no.such"], "agents": ["nobody"], "signature_scheme": "md5",
           "active": "yes"}
    body = problem(api.call("POST", "/subscriptions", json=bad), 422)
    errors = body["errors"]
    assert set(errors) == {"name", "url", "events", "agents", "signature_scheme", "active"}
    # The console's form says the same about the same input.
    form = server.client().submit("/new", {"name": " ", "url": "ftp://example.com/x", "events": ["no.such"],
                                           "agents": ["nobody"], "signature_scheme": "md5"})
    assert form.status_code == 422
    shown = html.unescape(form.text)
    for field in ("name", "url", "events", "agents", "signature_scheme"):
        assert errors[field][0] in shown, (field, errors[field][0])
    problem(api.call("POST", "/subscriptions", json={"name": "x", "url": "https://example.com/h", "events": "conversation.ended"}), 422)
    problem(api.call("POST", "/subscriptions", data=b"{", headers={"Content-Type": "application/json"}), 400)
    problem(api.call("POST", "/subscriptions", json={"name": "x", "extra": 1, "url": "https://e.com", "events": [ENDED]}), 422)
    snap.assert_unchanged()


def test_unknown_paths_methods_and_the_document(server):
    api = ApiClient.with_token(server, "admin")
    problem(api.call("GET", "/nothing-here", validate=False), 404)
    r = api.call("PUT", "/events", validate=False)
    problem(r, 405)
    assert r.headers["Allow"] == "POST"
    problem(api.call("GET", "/subscriptions/99999"), 404)
    doc = requests.get(server.base_url + "/api/v1/openapi.json", timeout=30)
    assert doc.status_code == 200 and doc.headers["Cache-Control"] == "no-store"
    from openapi_spec_validator import validate

    validate(doc.json())
    assert doc.json()["servers"] == [{"url": "/webhooks/api/v1"}]


def test_schemathesis_finds_no_server_error_or_violation(server, tmp_path):
    add_agents(server)
    token = make_token(server, "fuzz", "admin")
    api = ApiClient(server, token)
    new_sub(api)
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    st = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    result = subprocess.run(
        [st, "run", server.base_url + "/api/v1/openapi.json", "--url", server.base_url + "/api/v1",
         "-H", f"Authorization: Bearer {token}", "--max-examples", "25", "--phases", "examples,coverage,fuzzing",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
         "--mode", "positive", "--no-color", "--seed", "1"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated and int(generated.group(1)) >= 200 and generated.group(1) == generated.group(2), result.stdout[-3000:]


def test_ingestion_throughput(server, capsys):
    """Figures for the report: one POST of 1,000 events, and `emit --batch` of 5,000 (3 matching webhooks)."""
    admin = ApiClient.with_token(server, "admin")
    for i in range(3):
        new_sub(admin, name=f"Sink {i}")
    batch = {"events": [{"event_type": ENDED, "event_id": f"t-{i}", "data": {"conversation_uuid": str(uuid.uuid4())}}
                        for i in range(1000)]}
    t0 = time.monotonic()
    r = admin.call("POST", "/events", json=batch, validate=False)
    api_seconds = time.monotonic() - t0
    assert r.status_code == 202 and r.json() == {"accepted": 1000, "duplicates": 0, "deliveries": 3000}
    lines = "".join(json.dumps({"event_type": ENDED, "event_id": f"c-{i}"}) + "\n" for i in range(5000))
    t0 = time.monotonic()
    server.cli("emit", "--batch", input=lines)
    cli_seconds = time.monotonic() - t0
    with capsys.disabled():
        print(f"\n[{server.kind}] POST /events x1000: {api_seconds * 1000:.0f} ms = {1000 / api_seconds:.0f} events/s; "
              f"emit --batch x5000: {cli_seconds * 1000:.0f} ms = {5000 / cli_seconds:.0f} events/s")
    assert 1000 / api_seconds > 200
