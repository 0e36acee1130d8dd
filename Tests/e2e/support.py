"""What the e2e tests share: test data, the console steps a user takes, readers of Hookline's pages,
and independent signature checks. Fixtures live in conftest.py; HTML is read with dom.py.

    sid = create(client, name="CRM", events=["conversation.ended"]).id   # the create form, 303 followed
    created = create(client, url=receiver.url("/ok"))                     # .id .secret .location .page
    page, attempt = send_test(client, sid)                                # the test-send form
    rows = inventory_rows(client, "status=active")                        # [{"Name": …, "_id": "3", …}, …]
    shown = attempt_view(page.text)                                       # request and outcome on a page

Everything here reads the HTML a user would see; nothing looks at Hookline's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from client import csrf_token
from dom import Node, Table, dom, links, page_text, tables

# --------------------------------------------------------------------------
# Data

EVENTS = ["conversation.started", "conversation.ended", "conversation.analysis.completed"]

AGENTS = {
    "Support Line": "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1",
    "Sales Qualifier": "9b3e6c14-2d7a-4e85-b0f2-71a4c8d35e62",
    "Appointment Booker": "e4a7d2b9-0c56-4f1e-8b3a-6d29f0c18e75",
}

#: Hookline's dev-style config for receivers on loopback, with short timeouts.
LOCAL = dict(allow_http=True, allowed_private_targets=["127.0.0.0/8", "::1/128"], timeout=2, connect_timeout=1)

#: ``whsec_`` + standard padded Base64 of 32 bytes.
SECRET_RE = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")


def add_agents(server, agents: dict[str, str] = AGENTS) -> dict[str, str]:
    for name, uuid in agents.items():
        server.cli("agents", "add", uuid, name)
    return agents


def valid_fields(**overrides) -> dict:
    """The create/edit form's fields, valid; an override of None leaves the field out (an unchecked box)."""
    data = {
        "name": "CRM sync",
        "url": "https://crm.example.com/hooks",
        "active": "1",
        "events": ["conversation.started", "conversation.ended"],
        "signature_scheme": "hookline",
        "generate_secret": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sql_write(server, script: str) -> None:
    """Run a writing SQL script in one transaction, foreign keys enforced (``server.sql_write``).

    Portable SQL only (SQLite and PostgreSQL): ``now()`` for the time, no ``strftime``/``printf``.
    """
    server.sql_write(script)


def now(offset: int = 0) -> int:
    """Unix seconds, for SQL run on either backend (``… finished_at = {now(-60)}``)."""
    return int(time.time()) + offset


def insert_subscriptions(server, rows: list[tuple[str, str]], event: str = "conversation.ended") -> None:
    """Active subscriptions (name, url) to ``event``, all agents, straight into the database.

    With explicit ids past every id used so far, as Hookline gives them (ids are never reused; on
    PostgreSQL the column has no default).
    """
    t = now()
    used = server.sql("SELECT coalesce(max(id), 0) AS n FROM subscriptions UNION ALL "
                      "SELECT coalesce(max(subscription_id), 0) AS n FROM audit_log")
    first = 1 + max(row["n"] for row in used)
    values = ", ".join(f"({first + i}, '{name}', '{url}', 1, 1, 0, {t}, {t})" for i, (name, url) in enumerate(rows))
    names = ", ".join(f"'{name}'" for name, _ in rows)
    sql_write(server, f"""
INSERT INTO subscriptions (id, name, url, active, event_count, agent_count, created_at, updated_at) VALUES {values};
INSERT INTO subscription_events (subscription_id, event_type)
  SELECT id, '{event}' FROM subscriptions WHERE name IN ({names});
""")


def bulk_insert(server, count: int, prefix: str = "Bulk") -> None:
    """``count`` active subscriptions named ``<prefix> 001`` … with one event each, all agents."""
    insert_subscriptions(server, [(f"{prefix} {i:03d}", f"https://bulk{i}.example.com/h") for i in range(1, count + 1)])


def stored(server, sid: int) -> dict:
    """The subscription row plus its event types and agent uuids (sorted lists), straight from the database."""
    rows = server.sql(f"SELECT * FROM subscriptions WHERE id = {int(sid)}")
    if not rows:
        return {}
    row = rows[0]
    row["events"] = sorted(r["event_type"] for r in server.sql(
        f"SELECT event_type FROM subscription_events WHERE subscription_id = {int(sid)}"))
    row["agents"] = sorted(r["agent_uuid"] for r in server.sql(
        f"SELECT agent_uuid FROM subscription_agents WHERE subscription_id = {int(sid)}"))
    return row


# --------------------------------------------------------------------------
# Addresses


def sub_id(location: str) -> int:
    """The subscription id in a URL or redirect Location (``/webhooks/12?created=1`` → 12)."""
    m = re.search(r"/webhooks/(\d+)(?:[/?]|$)", urlsplit(location).path + "?")
    assert m, f"no subscription id in {location!r}"
    return int(m.group(1))


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


# --------------------------------------------------------------------------
# Console steps


@dataclass
class Created:
    id: int
    secret: str | None
    location: str
    page: requests.Response


def create(client, **fields) -> Created:
    """Fill and submit the create form with ``valid_fields(**fields)``; follow the 303.

    Returns the new id and the secret the next page reveals (exactly one when ``generate_secret`` is sent,
    none otherwise).
    """
    data = valid_fields(**fields)
    r = client.submit("/new", data, form="/new")
    assert r.status_code == 303, f"create: {r.status_code}\n{r.text[:3000]}"
    location = urljoin(r.url, r.headers["Location"])
    sid = sub_id(location)
    page = client.follow(r)
    assert page.status_code == 200, page.text[:2000]
    found = SECRET_RE.findall(page.text)
    if "generate_secret" in data:
        assert len(set(found)) == 1, f"expected one revealed secret on {location}, found {found}"
    else:
        assert not found
    return Created(sid, found[0] if found else None, location, page)


def send_test(client, sid: int, event: str = "conversation.ended") -> tuple[requests.Response, int]:
    """POSTs the test-send form; returns the result page (after the 303) and the attempt id."""
    r = client.submit(f"/{sid}/test", {"event": event}, form="/test")
    assert r.status_code == 303, f"test send: {r.status_code}\n{r.text[:3000]}"
    query = query_of(r.headers["Location"])
    assert "attempt" in query, r.headers["Location"]
    page = client.follow(r, allow_redirects=False)
    assert page.status_code == 200, page.text[:3000]
    return page, int(query["attempt"][0])


def regenerate(client, sid: int) -> tuple[requests.Response, str]:
    """The edit page's Regenerate button; returns the reveal page and the new secret."""
    edit = client.page(f"/{sid}/edit")
    r = client.post_form(f"/{sid}/secret", {"action": "regenerate"}, token=csrf_token(edit.text))
    assert r.status_code == 303, f"regenerate: {r.status_code}\n{r.text[:3000]}"
    page = client.follow(r, allow_redirects=False)
    assert page.status_code == 200
    found = set(SECRET_RE.findall(page.text))
    assert len(found) == 1, f"expected one revealed secret, found {found}"
    return page, found.pop()


# --------------------------------------------------------------------------
# The inventory


def header_label(text: str) -> str:
    """A header cell's label without the sort arrows (``Name ▲`` → ``Name``)."""
    return text.replace("▲", "").replace("▼", "").strip()


def inventory_table(html: str) -> Table | None:
    """The inventory table: labels, rows as {label: cell text, "_id", "_links", "_forms", "_text", "_tr"}."""
    for t in tables(html):
        labels = [header_label(h) for h in t.headers]
        if labels[:2] == ["Name", "Target URL"]:
            rows = []
            for row in t.rows:
                tr = row["_tr"]
                clean = {header_label(k): v for k, v in row.items() if not k.startswith("_")}
                clean["_tr"] = tr
                clean["_id"] = tr.attrs.get("data-id")
                clean["_links"] = links(tr)
                clean["_forms"] = [f.attrs.get("action", "") for f in tr.find_all("form")]
                clean["_text"] = page_text(tr)
                rows.append(clean)
            return Table(labels, rows)
    return None


def inventory_rows(client, query: str = "") -> list[dict]:
    """The rows of the inventory page at ``/?query`` (empty list when there is no table)."""
    r = client.page("/" + (("?" + query) if query else ""))
    t = inventory_table(r.text)
    return t.rows if t else []


def inventory_row(client, sid: int) -> dict:
    """The inventory row of subscription ``sid``."""
    rows = inventory_rows(client)
    found = [row for row in rows if row["_id"] == str(sid)]
    assert found, f"no inventory row for {sid}: {[row['_text'] for row in rows]}"
    return found[0]


def names(rows) -> list[str]:
    return [r["Name"] for r in rows]


def by_name(rows) -> dict[str, dict]:
    return {r["Name"]: r for r in rows}


# --------------------------------------------------------------------------
# Subscription pages


def form_state(html: str) -> dict:
    """What the create/edit form shows: name, url, active, checked events/agents, scheme, …"""
    root = dom(html)
    form = next(f for f in root.find_all("form") if f.find("input", name="name") is not None)

    def checked(name):
        return [i.attrs.get("value", "") for i in form.find_all("input", name=name) if "checked" in i.attrs]

    name = form.find("input", name="name")
    url = form.find("input", name="url")
    scheme = checked("signature_scheme")
    return {
        "name": name.attrs.get("value") if name else None,
        "url": url.attrs.get("value") if url else None,
        "active": bool(checked("active")),
        "generate_secret": bool(checked("generate_secret")),
        "events": sorted(checked("events")),
        "agents": sorted(checked("agents")),
        "signature_scheme": scheme[0] if scheme else None,
        "version": (form.find("input", name="version") or Node("x")).attrs.get("value"),
        "submission": (form.find("input", name="submission") or Node("x")).attrs.get("value"),
    }


def summary(html: str) -> dict[str, str]:
    """The <dl class="summary"> of a subscription page: term → description text."""
    dl = dom(html).find("dl", cls="summary")
    assert dl is not None, "no summary on the page"
    out, key = {}, None
    for n in dl.children:
        if isinstance(n, str):
            continue
        if n.tag == "dt":
            key = n.text()
        elif n.tag == "dd" and key:
            out[key] = n.text()
    return out


def notice(html: str) -> str:
    """The text of the page's notice ("… created", "Deactivated …"), or ""."""
    n = dom(html).find(cls="notice")
    return n.text() if n else ""


def audit_entries(html: str) -> list[dict]:
    """The audit entries shown on a page, newest first: actor, text, changes {field: (old, new)}."""
    out = []
    for article in dom(html).find_all("article", cls="audit-entry"):
        head = article.find("p")
        text = head.text() if head else article.text()
        actor = head.find("strong").text() if head and head.find("strong") else ""
        changes = {}
        for tr in article.find_all("tr"):
            cells = [c.text() for c in tr.children if not isinstance(c, str) and c.tag == "td"]
            if len(cells) == 3:
                changes[cells[0]] = (cells[1], cells[2])
        out.append({"actor": actor, "text": text, "changes": changes})
    return out


# --------------------------------------------------------------------------
# Deliveries: result and detail pages, the delivery log


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


def attempt_view(page_html: str) -> AttemptView:
    """The request and outcome shown by the test result page or a delivery detail page."""
    doc = dom(page_html)
    section = doc.find("section", cls="attempt")
    assert section is not None, page_text(doc)[:2000]
    url = next(code.raw_text().removeprefix("POST ") for code in section.find_all("code")
               if code.parent.tag == "p" and code.raw_text().startswith("POST "))
    headers = {}
    for tr in section.find_all("tr"):
        name, value = tr.find("th", scope="row"), tr.find("td")
        if name is not None and value is not None and value.find("code") is not None:
            headers[name.raw_text().lower()] = value.find("code").raw_text()
    pres = [pre.find("code").raw_text() for pre in section.find_all("pre", class_="body") if pre.find("code")]
    line = section.find("p", cls="outcome-line")
    outcome = line.find("span", cls="outcome") if line is not None else None
    tail = "".join(c if isinstance(c, str) else c.raw_text()
                   for c in line.children[line.children.index(outcome) + 1:]) if outcome is not None else ""
    m = re.fullmatch(r"\s*· status (.*?) · (.*)", tail, re.S)
    assert m, page_text(section)[:2000]
    return AttemptView(url=url, headers=headers, body=pres[0] if pres else "", outcome=outcome.raw_text(),
                       status=m.group(1).strip(), latency=m.group(2).strip(),
                       response=pres[1] if len(pres) > 1 else None, text=page_text(doc))


def delivery_log(client, sid: int) -> list[dict[str, str]]:
    """The delivery log table, top to bottom, as {column label: visible text} (+ "link", absolute)."""
    page = client.page(f"/{sid}/deliveries")
    found = [t for t in tables(page.text) if "Attempt" in t.headers]
    assert found, page_text(page.text)
    rows = []
    for row in found[0].rows:
        cells = {k: v for k, v in row.items() if not k.startswith("_")}
        cells["link"] = urljoin(page.url, links(row["_tr"])[0])
        rows.append(cells)
    return rows


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


def record_attempts(server, sid: int, count: int = 6) -> None:
    """``count`` attempts for subscription ``sid`` over the last hours, every third one failed, as
    if the worker had made them (for the log, the health line and the chart)."""
    sql_write(server, f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
INSERT INTO deliveries (subscription_id, event_id, event_type, body, state, attempts, created_at)
  SELECT {sid}, 'evt-seed-{sid}-' || i, 'conversation.ended', '{{}}', 'succeeded', 1, {now()} - ({count} + 1 - i) * 1800 FROM n;
INSERT INTO delivery_attempts (delivery_id, subscription_id, attempt, at, url, request_headers, request_body, status_code,
    latency_ms, outcome, message)
  SELECT d.id, {sid}, 1, d.created_at, 'https://example.com/h', '[]', '{{}}',
         CASE WHEN d.id % 3 = 0 THEN 500 ELSE 200 END, 42,
         CASE WHEN d.id % 3 = 0 THEN 'http_status' ELSE 'success' END, ''
  FROM deliveries d WHERE d.event_id LIKE 'evt-seed-{sid}-%';
""")
