"""The inventory page and the console's behaviour at its edges (issue: foundation).

Every test runs against nginx+fcgiwrap and Apache (``server`` fixture) and reads the HTML a
user gets: the table, its filters and pages, the mount, headers, sign-in. The error pages
(400, 404, 405, 413) are tested in test_errors.py.
"""

from __future__ import annotations

from urllib.parse import urlencode, urljoin

import pytest

from dom import Node, dom, page_text
from support import AGENTS, EVENTS, add_agents, bulk_insert, create, inventory_rows, inventory_table, names, sql_write

HEADERS = ["Name", "Target URL", "Status", "Events", "Agents", "Secret"]


# --------------------------------------------------------------------------
# The table


def test_empty_inventory_shows_a_helpful_empty_state(server):
    r = server.client().page("/")
    assert inventory_table(r.text) is None
    state = dom(r.text).find(cls="empty-state")
    assert state is not None, "no empty state"
    assert "No webhooks yet" in state.text()
    assert state.find("a", href="/webhooks/new") is not None, "the empty state links to the create form"


def test_table_columns_show_status_events_agents_and_secret(server):
    add_agents(server)
    c = server.client()
    create(c, name="All scope", events=EVENTS[:2])
    create(c, name="Scoped", active=None, generate_secret=None, events=EVENTS,
           agents=[AGENTS["Support Line"], AGENTS["Sales Qualifier"]])
    r = c.page("/")
    table = inventory_table(r.text)
    assert table is not None
    assert table.headers[:6] == HEADERS
    assert len(table.headers) == 7, f"an actions column after Secret: {table.headers}"

    rows = {row["Name"]: row for row in table.rows}
    assert rows["All scope"]["Status"] == "Active"
    assert rows["All scope"]["Events"] == "2"
    assert rows["All scope"]["Agents"] == "All Agents"
    assert rows["All scope"]["Secret"] == "Set"
    assert rows["All scope"]["Target URL"] == "https://crm.example.com/hooks"
    assert rows["Scoped"]["Status"] == "Inactive"
    assert rows["Scoped"]["Events"] == "3"
    assert sorted(rows["Scoped"]["Agents"].split(", ")) == ["Sales Qualifier", "Support Line"]
    assert rows["Scoped"]["Secret"] == "Not set"

    stored = server.sql("SELECT secret FROM subscriptions WHERE secret IS NOT NULL")
    assert stored and stored[0]["secret"].startswith("whsec_")
    assert "whsec_" not in r.text
    assert stored[0]["secret"] not in r.text


def test_disabled_subscription_shows_its_reason(server):
    c = server.client()
    sid = create(c, name="Flaky receiver").id
    create(c, name="Healthy receiver")
    reason = "Failing for 5 days: HTTP 500 since 2026-04-14"
    sql_write(server, f"UPDATE subscriptions SET disabled_reason = '{reason}', disabled_at = 1 WHERE id = {sid};")

    rows = {row["Name"]: row for row in inventory_rows(c)}
    status = rows["Flaky receiver"]["Status"]
    assert status.startswith("Disabled"), status
    assert reason in status
    assert rows["Healthy receiver"]["Status"] == "Active"
    assert names(inventory_rows(c, "status=disabled")) == ["Flaky receiver"]
    assert names(inventory_rows(c, "status=active")) == ["Healthy receiver"]


def test_each_row_links_to_its_pages(server):
    c = server.client()
    first = create(c, name="First").id
    second = create(c, name="Second").id
    for row in inventory_rows(c):
        sid = int(row["_id"])
        assert sid in (first, second)
        for page in ("edit", "delete", "test", "deliveries"):
            assert f"/webhooks/{sid}/{page}" in row["_links"], f"{row['Name']}: no link to {page}: {row['_links']}"
        assert f"/webhooks/{sid}/active" in row["_forms"], "an Activate/Deactivate form"
    for sid, name in ((first, "First"), (second, "Second")):
        for page in ("edit", "delete", "test", "deliveries"):
            r = c.page(f"/{sid}/{page}")
            assert name in page_text(r.text), f"/{sid}/{page} does not name {name!r}"


NASTY_NAME = """<script>alert("pwned")</script> & 'Tom' <b>bold</b>"""
NASTY_URL = """https://example.com/h?a=1&b="><script>alert(1)</script>&c='x'"""


def inline_scripts(doc: Node) -> list[dict[str, str]]:
    """The <script> elements of a page that do not load a file (their attributes)."""
    return [s.attrs for s in doc.find_all("script") if "src" not in s.attrs]


def _assert_escaped(html: str, where: str) -> None:
    scripts = inline_scripts(dom(html))
    assert not scripts, f"{where}: an inline <script> made it into the page: {scripts}"
    assert "<b>bold</b>" not in html, f"{where}: markup in the name was not escaped"
    assert "&lt;script&gt;" in html, f"{where}: the name is not shown escaped"


def test_names_and_urls_render_as_text(server):
    c = server.client()
    sid = create(c, name=NASTY_NAME, url=NASTY_URL).id
    r = c.page("/")
    _assert_escaped(r.text, "inventory")
    [row] = inventory_rows(c)
    assert row["Name"] == NASTY_NAME
    assert row["Target URL"] == NASTY_URL
    assert "&amp;" in r.text

    for path in (f"/{sid}", f"/{sid}/edit", f"/{sid}/delete", "/audit"):
        _assert_escaped(c.page(path).text, path)
    # The search text is echoed into the filter form, escaped too.
    search = c.page("/?" + urlencode({"q": '"><script>alert(2)</script>'}))
    assert "<script>alert(2)" not in search.text
    assert dom(search.text).find("input", name="q").attrs["value"] == '"><script>alert(2)</script>'
    edit = c.page(f"/{sid}/edit")
    inputs = {i.attrs.get("name"): i.attrs.get("value") for i in dom(edit.text).find_all("input")}
    assert inputs["name"] == NASTY_NAME and inputs["url"] == NASTY_URL, "values survive the round trip through attributes"


# --------------------------------------------------------------------------
# Filters, sorting, pages


@pytest.fixture
def three(server):
    """Three subscriptions with different names, URLs, states, events and agent scopes."""
    add_agents(server)
    c = server.client()
    create(c, name="Alpha CRM", url="https://alpha.example.com/h", events=["conversation.started"],
           agents=[AGENTS["Support Line"]])
    create(c, name="Beta Billing", url="https://billing.example.net/x", active=None,
           events=["conversation.ended", "conversation.analysis.completed"])
    create(c, name="Gamma Alerts", url="https://alerts.example.org/crm", events=EVENTS,
           agents=[AGENTS["Sales Qualifier"]])
    return c


FILTER_VIEWS = [
    ("q=crm", ["Alpha CRM", "Gamma Alerts"]),                      # name or URL contains, any case
    ("q=CRM", ["Alpha CRM", "Gamma Alerts"]),
    ("q=billing.example", ["Beta Billing"]),
    ("q=%25", []),                                                  # % is a literal, not a wildcard
    ("status=inactive", ["Beta Billing"]),
    ("status=active", ["Alpha CRM", "Gamma Alerts"]),
    (f"agent={AGENTS['Support Line']}", ["Alpha CRM", "Beta Billing"]),   # scoped to it, or all agents
    (f"agent={AGENTS['Appointment Booker']}", ["Beta Billing"]),
    ("event=conversation.started", ["Alpha CRM", "Gamma Alerts"]),
    ("sort=name&dir=desc", ["Gamma Alerts", "Beta Billing", "Alpha CRM"]),
    ("sort=events&dir=desc", ["Gamma Alerts", "Beta Billing", "Alpha CRM"]),
    ("sort=events&dir=asc", ["Alpha CRM", "Beta Billing", "Gamma Alerts"]),
    ("sort=url", ["Gamma Alerts", "Alpha CRM", "Beta Billing"]),   # alerts. < alpha. < billing.
    ("sort=status", ["Alpha CRM", "Gamma Alerts", "Beta Billing"]),
    ("q=a&status=active&event=conversation.ended", ["Gamma Alerts"]),
    ("q=&status=&agent=&event=", ["Alpha CRM", "Beta Billing", "Gamma Alerts"]),  # the empty filter form
]


def test_filters_and_sorting_are_bookmarkable(server, three):
    # Each bookmarked URL, opened in a fresh session (bob's), shows its view.
    bob = server.client("bob")
    wrong = []
    for query, expected in FILTER_VIEWS:
        got = names(inventory_rows(bob, query))
        if got != expected:
            wrong.append(f"/?{query}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_filter_form_shows_the_current_filters(server, three):
    uuid = AGENTS["Support Line"]
    r = three.page(f"/?q=crm&status=active&agent={uuid}&event=conversation.started&sort=events&dir=desc")
    form = dom(r.text).find("form", role="search") or dom(r.text).find("form", method="get")
    assert form is not None, "a filter form"
    assert form.attrs.get("method", "get").lower() == "get", "filters live in the query string"
    assert form.find("input", name="q").attrs.get("value") == "crm"

    def selected(name):
        select = form.find("select", name=name)
        return [o.attrs.get("value") for o in select.find_all("option") if "selected" in o.attrs]

    assert selected("status") == ["active"]
    assert selected("agent") == [uuid]
    assert selected("event") == ["conversation.started"]
    assert names(inventory_table(r.text).rows) == ["Alpha CRM"]
    # The sorted column says so.
    th = [th for th in dom(r.text).find_all("th") if th.text().startswith("Events")][0]
    assert th.attrs.get("aria-sort") == "descending"


def test_no_match_state_offers_to_clear_filters(server, three):
    r = three.page("/?q=nothing-like-this")
    assert inventory_table(r.text) is None
    text = page_text(r.text)
    assert "No webhooks match" in text
    assert "No webhooks yet" not in text, "filters matching nothing are not an empty inventory"
    assert any(a.text() == "Clear filters" and a.attrs.get("href") == "/webhooks/" for a in dom(r.text).find_all("a"))


def test_pages_of_fifty_rows(server):
    bulk_insert(server, 55)
    c = server.client()
    r = c.page("/")
    rows = inventory_table(r.text).rows
    assert names(rows) == [f"Bulk {i:03d}" for i in range(1, 51)]
    doc = dom(r.text)
    assert doc.find("a", rel="prev") is None
    nxt = doc.find("a", rel="next")
    assert nxt is not None, "a link to the next page"

    page2 = c.get(urljoin(r.url, nxt.attrs["href"]), allow_redirects=False)
    assert page2.status_code == 200
    assert "page=2" in page2.url
    assert names(inventory_table(page2.text).rows) == [f"Bulk {i:03d}" for i in range(51, 56)]
    doc2 = dom(page2.text)
    assert doc2.find("a", rel="next") is None, "no next page after the last row"
    prev = doc2.find("a", rel="prev")
    assert prev is not None
    back = c.get(urljoin(page2.url, prev.attrs["href"]))
    assert names(inventory_table(back.text).rows)[0] == "Bulk 001"


def test_pages_keep_filters_and_sort(server):
    bulk_insert(server, 60)
    c = server.client()
    r = c.page("/?q=Bulk&sort=name&dir=desc")
    assert names(inventory_table(r.text).rows)[:2] == ["Bulk 060", "Bulk 059"]
    href = dom(r.text).find("a", rel="next").attrs["href"]
    assert "q=Bulk" in href and "dir=desc" in href, f"the next link drops the view: {href}"
    page2 = c.get(urljoin(r.url, href))
    assert names(inventory_table(page2.text).rows) == [f"Bulk {i:03d}" for i in range(10, 0, -1)]
    assert names(inventory_rows(c, "q=Bulk%20005&page=1")) == ["Bulk 005"]


# --------------------------------------------------------------------------
# The mount


def test_mount_without_slash_redirects(server):
    c = server.client()
    r = c.get(server.origin + "/webhooks", allow_redirects=False)
    assert r.status_code in (301, 302, 303, 308)
    assert urljoin(r.url, r.headers["Location"]) == server.origin + "/webhooks/"
    assert "Webhooks" in page_text(c.follow(r).text)


# --------------------------------------------------------------------------
# Headers and sign-in


def _pages(server):
    c = server.client()
    sid = create(c, name="Headers").id
    yield "inventory", c.get("/")
    yield "new", c.get("/new")
    yield "edit", c.get(f"/{sid}/edit")
    yield "view", c.get(f"/{sid}")
    yield "audit", c.get("/audit")
    yield "redirect", c.submit("/new", {"name": "Again", "url": "https://e.example/h", "events": EVENTS[0]})
    yield "422", c.submit("/new", {"name": "", "url": "https://e.example/h", "events": EVENTS[0]})
    yield "403", c.post_form("/new", {"name": "x"})
    yield "404", c.get("/nope")
    yield "405", c.put("/")


def test_security_headers_on_every_page(server):
    for what, r in _pages(server):
        h = r.headers
        csp = h.get("Content-Security-Policy", "")
        directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
        script = directives.get("script-src") or directives.get("default-src", "")
        assert "'self'" in script and "unsafe-inline" not in script, f"{what}: CSP {csp!r}"
        assert directives.get("frame-ancestors") == "frame-ancestors 'none'", f"{what}: CSP {csp!r}"
        assert h.get("X-Content-Type-Options") == "nosniff", what
        assert h.get("Referrer-Policy") == "no-referrer", what
        if r.headers.get("Content-Type", "").startswith("text/html"):
            doc = dom(r.text)
            scripts = inline_scripts(doc)
            assert not scripts, f"{what}: inline script {scripts}"
            handlers = [(n.tag, a) for n in doc.iter() for a in n.attrs if a.startswith("on")]
            assert not handlers, f"{what}: inline event handler {handlers}"


def test_csrf_cookie_is_httponly_and_samesite(server):
    r = server.client().page("/")
    cookie = r.headers.get("Set-Cookie", "")
    assert cookie, "the first visit sets the form token cookie"
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attrs
    assert any(a.startswith("samesite=") and a != "samesite=none" for a in attrs)
    assert "secure" not in attrs, "plain http: a Secure cookie would never come back"


@pytest.mark.hookline_auth("none")
def test_without_a_login_the_console_refuses(server, db_snapshot):
    c = server.client(user=None)
    snap = db_snapshot()
    for path in ("/", "/new", "/audit"):
        r = c.get(path, allow_redirects=False)
        assert r.status_code == 403, f"{path}: {r.status_code}"
        text = page_text(r.text)
        assert "Sign-in required" in text
        assert "anonymous = dev" in text, "the page says how to allow anonymous use in development"
    r = c.post_form("/new", {"name": "x", "url": "https://e.example/h", "events": EVENTS[0]}, token="0" * 64)
    assert r.status_code == 403 and "Sign-in required" in page_text(r.text)
    snap.assert_unchanged("an anonymous POST")


@pytest.mark.hookline_auth("none")
@pytest.mark.hookline_config(anonymous="dev")
def test_anonymous_dev_mode_works(server):
    c = server.client(user=None)
    r = c.page("/")
    assert "Sign-in required" not in r.text
    sid = create(c, name="Dev hook").id
    assert names(inventory_rows(c)) == ["Dev hook"]
    [entry] = server.sql(f"SELECT actor FROM audit_log WHERE subscription_id = {sid}")
    assert entry["actor"]
