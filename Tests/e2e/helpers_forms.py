"""Helpers for the inventory, form and audit tests: a tiny DOM, table reading, fixtures data.

    doc = dom(response.text)
    rows = inventory_rows(client)                 # [{"Name": …, "Status": …, "_id": "3", "_links": […]}, …]
    sid = create(server, client, name="CRM", events=["conversation.ended"])
    field_errors(doc)                             # {"name": "Enter a name…", …}

Everything here reads the HTML a user would see; nothing looks at Hookline's code.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from servers import CLEAN_ENV

EVENTS = ["conversation.started", "conversation.ended", "conversation.analysis.completed"]

AGENTS = {
    "Support Line": "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1",
    "Sales Qualifier": "9b3e6c14-2d7a-4e85-b0f2-71a4c8d35e62",
    "Appointment Booker": "e4a7d2b9-0c56-4f1e-8b3a-6d29f0c18e75",
}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --------------------------------------------------------------------------
# A minimal DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str
    parent: "Node | None" = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """Text content with runs of whitespace collapsed."""
        parts: list[str] = []

        def walk(n):
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                else:
                    walk(c)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        out = []
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.classes:
                continue
            if any(n.attrs.get(k.rstrip("_")) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class _DomBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dom(html: str) -> Node:
    b = _DomBuilder()
    b.feed(html)
    b.close()
    return b.root


def page_text(html: str) -> str:
    """The visible text of a page (tags stripped, entities decoded, whitespace collapsed)."""
    root = dom(html)
    for n in root.find_all():
        if n.tag in ("script", "style", "title"):
            n.children = []
    return root.text()


# --------------------------------------------------------------------------
# Tables


@dataclass
class Table:
    headers: list[str]
    rows: list[dict]


def tables(html: str) -> list[Table]:
    """Every <table>: header texts and rows as {header: cell text, "_cells": [Node], …}."""
    out = []
    for t in dom(html).find_all("table"):
        head = t.find("thead")
        header_cells = head.find_all("th") if head else []
        headers = [c.text() for c in header_cells]
        body_rows = []
        for tbody in t.find_all("tbody"):
            for tr in tbody.find_all("tr"):
                cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
                row = {headers[i] if i < len(headers) else f"#{i}": c.text() for i, c in enumerate(cells)}
                row["_cells"] = cells
                row["_tr"] = tr
                body_rows.append(row)
        out.append(Table(headers, body_rows))
    return out


def header_label(text: str) -> str:
    """A header cell's label without the sort arrows (``Name ▲`` → ``Name``)."""
    return text.replace("▲", "").replace("▼", "").strip()


def inventory_table(html: str) -> Table | None:
    for t in tables(html):
        labels = [header_label(h) for h in t.headers]
        if labels[:2] == ["Name", "Target URL"]:
            rows = []
            for row in t.rows:
                clean = {header_label(k): v for k, v in row.items() if not k.startswith("_")}
                clean["_tr"] = row["_tr"]
                clean["_id"] = row["_tr"].attrs.get("data-id")
                clean["_links"] = [a.attrs.get("href", "") for a in row["_tr"].find_all("a")]
                clean["_forms"] = [f.attrs.get("action", "") for f in row["_tr"].find_all("form")]
                rows.append(clean)
            return Table(labels, rows)
    return None


def inventory_rows(client, query: str = "") -> list[dict]:
    """The rows of the inventory page at ``/?query`` (empty list when there is no table)."""
    r = client.page("/" + (("?" + query) if query else ""))
    t = inventory_table(r.text)
    return t.rows if t else []


def names(rows) -> list[str]:
    return [r["Name"] for r in rows]


# --------------------------------------------------------------------------
# Forms


def field_errors(html: str) -> dict[str, str]:
    """Field name → the error message shown in the same field container.

    A field's container is its nearest ancestor marked ``has-error``; the message is the
    ``field-error`` element inside that container.
    """
    root = dom(html)
    form = next((f for f in root.find_all("form") if f.find("input", name="name") is not None), root)
    errors: dict[str, str] = {}
    for inp in form.find_all("input"):
        name = inp.attrs.get("name")
        if not name or name in errors or inp.attrs.get("type") == "hidden":
            continue
        for anc in inp.ancestors():
            if "has-error" in anc.classes:
                msg = anc.find(cls="field-error")
                if msg is not None:
                    errors[name] = msg.text()
                break
            if anc.tag == "form":
                break
    return errors


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


# --------------------------------------------------------------------------
# Data


def add_agents(server, agents: dict[str, str] = AGENTS) -> dict[str, str]:
    for name, uuid in agents.items():
        server.cli("agents", "add", uuid, name)
    return agents


def sub_id(location: str) -> int:
    """The subscription id in a redirect Location (``/webhooks/12?created=1`` → 12)."""
    m = re.search(r"/webhooks/(\d+)(?:[/?]|$)", urlsplit(location).path + "?")
    assert m, f"no subscription id in {location!r}"
    return int(m.group(1))


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def valid_fields(**overrides) -> dict:
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


def create(client, **overrides) -> int:
    """Create a subscription through the form; returns its id."""
    r = client.submit("/new", valid_fields(**overrides))
    assert r.status_code == 303, f"create: {r.status_code}\n{r.text[:1500]}"
    return sub_id(r.headers["Location"])


def sql_write(server, script: str) -> None:
    """Run a writing SQL script with the sqlite3 CLI as the service user (foreign keys on)."""
    argv = server.server.user.command(["sqlite3", "-bail", "-cmd", ".timeout 5000", str(server.db_path)])
    subprocess.run(argv, input="PRAGMA foreign_keys=ON;\nBEGIN;\n" + script + "\nCOMMIT;\n", text=True,
                   capture_output=True, check=True, env=CLEAN_ENV, cwd=server.data_dir)


def bulk_insert(server, count: int, prefix: str = "Bulk") -> None:
    """``count`` active subscriptions named ``<prefix> 001`` … with one event each, all agents."""
    sql_write(server, f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
INSERT INTO subscriptions (name, url, active, event_count, agent_count, created_at, updated_at)
  SELECT printf('{prefix} %03d', i), printf('https://bulk%d.example.com/h', i), 1, 1, 0,
         strftime('%s', 'now'), strftime('%s', 'now') FROM n;
INSERT INTO subscription_events (subscription_id, event_type)
  SELECT id, 'conversation.ended' FROM subscriptions WHERE name LIKE '{prefix} %';
""")


def post_from(client, page, data=None, *, form=None, keep: str = "hidden", **kwargs):
    """POST a form of an already loaded ``page`` (unlike ``client.submit``, which loads it anew).

    Used to replay what a user had on screen: a stale edit form, a second click.
    """
    from urllib.parse import urljoin as _join

    from client import _pairs

    f = client.form(page, form)
    base = f.hidden if keep == "hidden" else f.fields
    pairs = _pairs(data)
    override = {n for n, _ in pairs}
    body = [(n, v) for n, v in base if n not in override] + pairs
    action = _join(page.url, f.action) if f.action else page.url
    return client.post_form(action, body, **kwargs)
