"""The console in a real browser: headless Chromium (selenium) through nginx and Apache.

What a new admin does, with real clicks: the grouped event picker (select/clear
all, group toggles with mixed state, counts), the same form with JavaScript
off, the whole create → secret → inventory → edit → deactivate → delete flow,
validation messages, accessibility (axe-core) and the README's screenshots.
Every check reads the page as shown and the database as stored.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_helpers import (AGENT_EVENTS, chrome, AGENTS, ALL_EVENTS, CONVERSATION_EVENTS, agent_box, axe_violations,
                             checked_events, click_and_wait_for_page, describe_violations, event_box, group_toggle,
                             horizontal_overflow, inventory_row_element, picker_state, radio_groups_without_name,
                             save_screenshot, seed_catalogue, wait)
from support import SECRET_RE, by_name, inventory_table, notice, record_attempts, stored, sub_id

# SQLite only: these check what Chromium does with the pages (clicks, scripts, accessibility,
# screenshots); the same pages on PostgreSQL are checked without a browser by the other tests.
pytestmark = pytest.mark.backends("sqlite")


@pytest.fixture(scope="module")
def nojs_browser():
    """A second headless Chromium with JavaScript disabled (content setting and Blink setting)."""
    driver = chrome("--blink-settings=scriptEnabled=false",
                    prefs={"profile.managed_default_content_settings.javascript": 2})
    yield driver
    driver.quit()


# --------------------------------------------------------------------------
# Small readers


def text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def fill(driver, field_id: str, value: str) -> None:
    box = driver.find_element(By.ID, field_id)
    box.clear()
    box.send_keys(value)


def submit_button(driver):
    return driver.find_element(By.CSS_SELECTOR, "form.subscription-form button[type=submit]")


def post_and_wait(driver, button) -> None:
    """Click a button that POSTs a form; fail clearly if the console refuses the browser's own POST."""
    click_and_wait_for_page(driver, button)
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading != "Request refused", (
        f"the console refused a form POST made by Chromium from its own page ({driver.current_url}): "
        f"{driver.find_element(By.TAG_NAME, 'main').text[:400]}")


def submit_form(driver) -> None:
    post_and_wait(driver, submit_button(driver))


def only_subscription(server, driver=None) -> dict:
    rows = server.sql("SELECT id, name, url, active, secret IS NOT NULL AS has_secret, event_count FROM subscriptions")
    page = f"\nbrowser at {driver.current_url}:\n{driver.find_element(By.TAG_NAME, 'main').text[:1500]}" if driver else ""
    assert len(rows) == 1, f"expected one subscription, found {rows}{page}"
    return rows[0]


# --------------------------------------------------------------------------
# 1. The event picker


def test_picker_select_all_clear_all_groups_and_mixed_state(server, browser, artifacts_dir):
    seed_catalogue(server)
    server.open(browser, "/new")
    assert browser.find_element(By.CSS_SELECTOR, "[data-picker-toolbar]").is_displayed(), "toolbar hidden with JS on"
    state = picker_state(browser)
    assert set(state["groups"]) == {"Conversation", "Agent", "Campaign"}, state["groups"]
    assert set(state["events"]) == set(ALL_EVENTS)
    assert state["total"] == "0 of 6 selected"
    for name in state["groups"]:
        assert group_toggle(browser, name).is_displayed(), f"group toggle {name} hidden with JS on"

    # Select all / Clear all
    browser.find_element(By.CSS_SELECTOR, "[data-select-all]").click()
    state = picker_state(browser)
    assert all(state["events"].values()), state["events"]
    assert state["total"] == "6 of 6 selected"
    for name, k in (("Conversation", 3), ("Agent", 2), ("Campaign", 1)):
        g = state["groups"][name]
        assert (g["checked"], g["indeterminate"], g["aria"], g["count"]) == (True, False, "true", f"{k} of {k} selected"), g

    browser.find_element(By.CSS_SELECTOR, "[data-clear-all]").click()
    state = picker_state(browser)
    assert not any(state["events"].values()), state["events"]
    assert state["total"] == "0 of 6 selected"
    for name, g in state["groups"].items():
        assert (g["checked"], g["indeterminate"], g["aria"]) == (False, False, "false"), (name, g)

    # A group checkbox selects and clears exactly its group
    group_toggle(browser, "Agent").click()
    assert checked_events(browser) == set(AGENT_EVENTS)
    state = picker_state(browser)
    assert state["total"] == "2 of 6 selected"
    assert state["groups"]["Agent"]["count"] == "2 of 2 selected"
    assert state["groups"]["Conversation"]["count"] == "0 of 3 selected"
    group_toggle(browser, "Agent").click()
    assert checked_events(browser) == set()

    # One event of a three-event group: the group is mixed
    event_box(browser, "conversation.ended").click()
    state = picker_state(browser)
    conv = state["groups"]["Conversation"]
    assert conv["indeterminate"] is True and conv["checked"] is False, conv
    assert conv["aria"] == "mixed", conv
    assert conv["count"] == "1 of 3 selected"
    assert state["total"] == "1 of 6 selected"
    assert state["groups"]["Agent"]["indeterminate"] is False
    assert state["groups"]["Campaign"]["aria"] == "false"

    # One of two in the Agent group too; this is the "partially selected" form of the README.
    event_box(browser, "agent.deleted").click()
    state = picker_state(browser)
    assert state["groups"]["Agent"]["aria"] == "mixed" and state["groups"]["Agent"]["count"] == "1 of 2 selected"
    fill(browser, "name", "CRM sync")
    fill(browser, "url", "https://crm.example.com/hooks/hookline")
    browser.execute_script("document.activeElement.blur()")
    save_screenshot(browser, artifacts_dir, "form", server.kind)

    # Clicking a mixed group checkbox selects the whole group (keyboard: Space does the same).
    toggle = group_toggle(browser, "Conversation")
    toggle.click()
    state = picker_state(browser)
    assert state["groups"]["Conversation"]["aria"] == "true", state["groups"]["Conversation"]
    assert checked_events(browser) == set(CONVERSATION_EVENTS) | {"agent.deleted"}
    toggle.send_keys(Keys.SPACE)
    assert checked_events(browser) == {"agent.deleted"}, "Space on the group checkbox should clear the group"
    toggle.send_keys(Keys.SPACE)
    assert checked_events(browser) == set(CONVERSATION_EVENTS) | {"agent.deleted"}
    assert picker_state(browser)["total"] == "4 of 6 selected"

    # The form sends exactly the checked events.
    browser.find_element(By.CSS_SELECTOR, 'input[name="generate_secret"]').click()  # no secret this time
    submit_form(browser)
    sub = only_subscription(server, browser)
    assert sub_id(browser.current_url) == sub["id"]
    assert set(stored(server, sub["id"])["events"]) == set(CONVERSATION_EVENTS) | {"agent.deleted"}
    assert sub["event_count"] == 4 and sub["has_secret"] == 0
    assert set(stored(server, sub["id"])["agents"]) == set()


def test_edit_form_shows_mixed_groups_on_load(server, browser):
    seed_catalogue(server, agents=False)
    r = server.client().submit("/new", {
        "name": "Partial", "url": "https://example.com/partial", "active": "1",
        "events": ["conversation.started", "agent.updated", "campaign.completed"]})
    assert r.status_code == 303, r.text[:500]
    sid = sub_id(r.headers["Location"])

    server.open(browser, f"/{sid}/edit")
    state = picker_state(browser)
    conv, agent, campaign = (state["groups"][g] for g in ("Conversation", "Agent", "Campaign"))
    # server-rendered hint …
    assert conv["data_mixed"] == "true" and agent["data_mixed"] == "true", state["groups"]
    assert campaign["data_mixed"] is None
    # … and the live state the browser exposes
    assert (conv["indeterminate"], conv["checked"], conv["aria"], conv["count"]) == (True, False, "mixed", "1 of 3 selected")
    assert (agent["indeterminate"], agent["checked"], agent["aria"], agent["count"]) == (True, False, "mixed", "1 of 2 selected")
    assert (campaign["indeterminate"], campaign["checked"], campaign["aria"], campaign["count"]) == \
        (False, True, "true", "1 of 1 selected")
    assert state["total"] == "3 of 6 selected"
    assert checked_events(browser) == {"conversation.started", "agent.updated", "campaign.completed"}

    # Completing the Agent group from the edit form and saving stores exactly that.
    group_toggle(browser, "Agent").click()
    assert picker_state(browser)["groups"]["Agent"]["aria"] == "true"
    submit_form(browser)
    assert "saved" in notice(browser.page_source), notice(browser.page_source)
    assert set(stored(server, sid)["events"]) == {"conversation.started", "campaign.completed", *AGENT_EVENTS}


# --------------------------------------------------------------------------
# 2. JavaScript off


def test_form_works_without_javascript(server, nojs_browser):
    seed_catalogue(server)
    driver = nojs_browser
    server.open(driver, "/new")
    assert not driver.find_element(By.CSS_SELECTOR, "[data-picker-toolbar]").is_displayed(), \
        "Select all / Clear all toolbar shown although it cannot work without JavaScript"
    for toggle in driver.find_elements(By.CSS_SELECTOR, "[data-group-toggle]"):
        assert not toggle.is_displayed(), "group checkbox shown without JavaScript (it would do nothing)"
    boxes = driver.find_elements(By.CSS_SELECTOR, 'input[name="events"]')
    assert len(boxes) == len(ALL_EVENTS) and all(b.is_displayed() for b in boxes)

    fill(driver, "name", "No script")
    fill(driver, "url", "https://example.com/noscript")
    event_box(driver, "conversation.ended").click()
    event_box(driver, "agent.updated").click()
    agent_box(driver, AGENTS[1][0]).click()
    submit_form(driver)

    sub = only_subscription(server, driver)
    assert sub_id(driver.current_url) == sub["id"]
    assert "created" in notice(driver.page_source), notice(driver.page_source)
    assert set(stored(server, sub["id"])["events"]) == {"conversation.ended", "agent.updated"}
    assert set(stored(server, sub["id"])["agents"]) == {AGENTS[1][0]}
    assert sub["has_secret"] == 1, "generate_secret is checked by default"
    secret = driver.find_element(By.ID, "secret-value").get_attribute("value")
    assert SECRET_RE.fullmatch(secret), secret

    # The edit form of a partially selected group renders plain checkboxes with the right ones checked.
    server.open(driver, f"/{sub['id']}/edit")
    checked = {b.get_attribute("value") for b in driver.find_elements(By.CSS_SELECTOR, 'input[name="events"]')
               if b.is_selected()}
    assert checked == {"conversation.ended", "agent.updated"}
    assert not any(t.is_displayed() for t in driver.find_elements(By.CSS_SELECTOR, "[data-group-toggle]"))


# --------------------------------------------------------------------------
# 3. A new admin's whole flow


def test_new_admin_flow(server, browser, artifacts_dir):
    seed_catalogue(server)
    (a1, n1), (a2, n2), _ = AGENTS
    server.open(browser, "/")
    empty = browser.find_element(By.CSS_SELECTOR, ".empty-state")
    assert "No webhooks yet" in empty.text
    click_and_wait_for_page(browser, empty.find_element(By.LINK_TEXT, "Create a Webhook"))
    assert browser.current_url == server.url("/new")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Create a webhook"

    fill(browser, "name", "CRM sync")
    fill(browser, "url", "https://crm.example.com/hooks/hookline")
    assert text(browser, "[data-agent-summary]") == "Scope: All Agents"
    agent_box(browser, a1).click()
    agent_box(browser, a2).click()
    assert text(browser, "[data-agent-summary]") == "Scope: 2 selected agents only"
    group_toggle(browser, "Conversation").click()
    assert checked_events(browser) == set(CONVERSATION_EVENTS)
    assert browser.find_element(By.CSS_SELECTOR, 'input[name="generate_secret"]').is_selected()
    submit_form(browser)

    # The one-time secret
    sid = sub_id(browser.current_url)
    assert "created" in notice(browser.page_source)
    reveal = browser.find_element(By.CSS_SELECTOR, ".secret-reveal")
    assert "only time" in reveal.text and "will not be shown again" in reveal.text, reveal.text
    secret = browser.find_element(By.ID, "secret-value").get_attribute("value")
    assert SECRET_RE.fullmatch(secret), secret
    copy = reveal.find_element(By.XPATH, ".//button[normalize-space(.)='Copy']")
    copy.click()
    wait(browser, 5).until(lambda d: text(d, "[data-copy-status]") == "Copied")
    save_screenshot(browser, artifacts_dir, "secret", server.kind)

    browser.refresh()
    assert not browser.find_elements(By.CSS_SELECTOR, ".secret-reveal")
    assert secret not in browser.page_source
    assert "cannot be shown again" in browser.find_element(By.CSS_SELECTOR, "main").text
    assert len(server.sql("SELECT id FROM subscriptions")) == 1, "reload repeated the create"

    # Inventory
    click_and_wait_for_page(browser, browser.find_element(By.CSS_SELECTOR, "header nav").find_element(By.LINK_TEXT, "Webhooks"))
    headers = [th.get_attribute("textContent").replace("▲", "").replace("▼", "").strip()
               for th in browser.find_elements(By.CSS_SELECTOR, "table.inventory thead th")]
    assert headers[:6] == ["Name", "Target URL", "Status", "Events", "Agents", "Secret"], headers
    row = by_name(inventory_table(browser.page_source).rows)["CRM sync"]
    assert row["Target URL"] == "https://crm.example.com/hooks/hookline"
    assert row["Status"].startswith("Active"), row
    assert row["Events"] == "3"
    assert n1 in row["Agents"] and n2 in row["Agents"] and "All Agents" not in row["Agents"], row
    assert row["Secret"] == "Set"
    assert secret not in browser.page_source

    # Edit to All Agents
    click_and_wait_for_page(browser, inventory_row_element(browser, "CRM sync").find_element(By.LINK_TEXT, "Edit"))
    assert browser.current_url == server.url(f"/{sid}/edit")
    assert text(browser, "[data-agent-summary]") == "Scope: 2 selected agents only"
    agent_box(browser, a1).click()
    agent_box(browser, a2).click()
    assert text(browser, "[data-agent-summary]") == "Scope: All Agents"
    submit_form(browser)
    assert "saved" in notice(browser.page_source), notice(browser.page_source)
    assert set(stored(server, sid)["agents"]) == set()
    click_and_wait_for_page(browser, browser.find_element(By.CSS_SELECTOR, "header nav").find_element(By.LINK_TEXT, "Webhooks"))
    row = by_name(inventory_table(browser.page_source).rows)["CRM sync"]
    assert row["Agents"] == "All Agents" and row["Events"] == "3", row

    # Deactivate from the row
    row_element = inventory_row_element(browser, "CRM sync")
    button = row_element.find_element(By.XPATH, ".//button[normalize-space(.)='Deactivate']")
    post_and_wait(browser, button)
    assert "Deactivated" in notice(browser.page_source), notice(browser.page_source)
    row = by_name(inventory_table(browser.page_source).rows)["CRM sync"]
    assert row["Status"].startswith("Inactive"), row
    assert inventory_row_element(browser, "CRM sync").find_element(By.XPATH, ".//button[normalize-space(.)='Activate']")
    assert only_subscription(server)["active"] == 0

    # Delete through the confirmation page
    click_and_wait_for_page(browser, inventory_row_element(browser, "CRM sync").find_element(By.LINK_TEXT, "Delete"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Delete “CRM sync”?"
    assert len(server.sql("SELECT id FROM subscriptions")) == 1, "the confirmation page deleted already"
    post_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space(.)='Delete webhook']"))
    assert "Deleted webhook “CRM sync”" in notice(browser.page_source), notice(browser.page_source)
    assert not browser.find_elements(By.CSS_SELECTOR, "table.inventory")
    assert "No webhooks yet" in text(browser, ".empty-state")
    assert server.sql("SELECT id FROM subscriptions") == []


# --------------------------------------------------------------------------
# 4. Validation


def test_validation_errors_keep_input(server, browser, artifacts_dir):
    seed_catalogue(server)
    server.open(browser, "/new")
    fill(browser, "name", "Half done")
    fill(browser, "url", "https://example.com/half")
    agent_box(browser, AGENTS[2][0]).click()
    submit_form(browser)

    assert server.sql("SELECT id FROM subscriptions") == [], "an invalid form saved something"
    assert browser.current_url == server.url("/new")
    picker = browser.find_element(By.CSS_SELECTOR, "[data-event-picker]")
    message = picker.find_element(By.CSS_SELECTOR, ".field-error")
    assert message.is_displayed() and message.text == "Select at least one event."
    assert "has-error" in picker.get_attribute("class")
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Half done"
    assert browser.find_element(By.ID, "url").get_attribute("value") == "https://example.com/half"
    assert agent_box(browser, AGENTS[2][0]).is_selected(), "the checked agent was lost"
    assert text(browser, "[data-agent-summary]") == "Scope: 1 selected agent only"
    assert "Please correct" in text(browser, "#error-summary")
    assert picker_state(browser)["total"] == "0 of 6 selected"

    # A bad URL as well: both messages, each next to its field.
    fill(browser, "url", "http://example.com/plain")
    submit_form(browser)
    url_error = browser.find_element(By.ID, "url-error")
    assert "https://" in url_error.text
    assert browser.find_element(By.ID, "url").get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "url").get_attribute("value") == "http://example.com/plain"
    assert browser.find_element(By.ID, "events-error").text == "Select at least one event."
    save_screenshot(browser, artifacts_dir, "errors", server.kind)

    # Fixing both saves.
    fill(browser, "url", "https://example.com/half")
    event_box(browser, "conversation.ended").click()
    submit_form(browser)
    sub = only_subscription(server, browser)
    assert sub["name"] == "Half done" and set(stored(server, sub["id"])["events"]) == {"conversation.ended"}
    assert set(stored(server, sub["id"])["agents"]) == {AGENTS[2][0]}


# --------------------------------------------------------------------------
# 5. Accessibility and 6. the inventory screenshot


def populate_inventory(server) -> None:
    """A few realistic webhooks, created through the form over HTTP."""
    c = server.client()
    (a1, _), (a2, _), (a3, _) = AGENTS
    for data in (
        {"name": "CRM sync", "url": "https://crm.example.com/hooks/hookline", "active": "1", "generate_secret": "1",
         "events": CONVERSATION_EVENTS, "agents": [a1, a2]},
        {"name": "Analytics warehouse", "url": "https://ingest.analytics.example.net/v1/webhooks/hookline",
         "active": "1", "generate_secret": "1", "signature_scheme": "standard-webhooks", "events": ALL_EVENTS},
        {"name": "Support escalations", "url": "https://support.example.org/api/hookline", "active": "1",
         "events": ["conversation.ended"], "agents": [a3]},
        {"name": "Staging receiver", "url": "https://staging.example.com/webhook", "events": ["conversation.started"]},
    ):
        r = c.submit("/new", data)
        assert r.status_code == 303, f"{data['name']}: {r.status_code}\n{r.text[:800]}"
        record_attempts(server, sub_id(r.headers["Location"]), count=12)


@pytest.mark.servers("nginx")
def test_inventory_screenshot(server, browser, artifacts_dir):
    seed_catalogue(server)
    populate_inventory(server)
    server.open(browser, "/")
    rows = by_name(inventory_table(browser.page_source).rows)
    assert set(rows) == {"CRM sync", "Analytics warehouse", "Support escalations", "Staging receiver"}
    assert rows["Staging receiver"]["Status"].startswith("Inactive")
    assert rows["Analytics warehouse"]["Agents"] == "All Agents" and rows["Analytics warehouse"]["Events"] == "6"
    overflow = horizontal_overflow(browser)
    assert overflow <= 0, f"the inventory scrolls sideways by {overflow}px at 1280px"
    save_screenshot(browser, artifacts_dir, "inventory", server.kind)


def test_operations_pages_screenshots(server, browser, artifacts_dir):
    """The all-deliveries log and the health chart as an operator sees them (README screenshots)."""
    seed_catalogue(server)
    populate_inventory(server)
    server.open(browser, "/deliveries")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-attempt]")
    assert len(rows) == 48, "12 attempts for each of the 4 webhooks, newest first"
    assert horizontal_overflow(browser) <= 0
    save_screenshot(browser, artifacts_dir, "deliveries", server.kind)
    crm = server.sql("SELECT id FROM subscriptions WHERE name = 'CRM sync'")[0]["id"]
    server.open(browser, f"/{crm}")
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.find_elements(By.CSS_SELECTOR, "rect.bar-failed"), "failures are drawn"
    assert "In the last 7 days: 12 attempts" in browser.find_element(By.CSS_SELECTOR, ".chart-summary").text
    browser.execute_script("arguments[0].scrollIntoView()", chart)
    save_screenshot(browser, artifacts_dir, "health", server.kind)


@pytest.mark.servers("nginx")
def test_accessibility(server, browser, artifacts_dir):
    seed_catalogue(server)
    populate_inventory(server)
    report = []
    serious = []

    def check(label: str) -> None:
        violations = axe_violations(browser)
        if violations:
            report.append(f"== {label} ({browser.current_url})\n{describe_violations(violations)}")
        serious.extend(f"{label}: {v['id']}" for v in violations if v["impact"] in ("serious", "critical"))
        for problem in radio_groups_without_name(browser):
            report.append(f"== {label}: [serious] {problem}")
            serious.append(f"{label}: {problem}")

    server.open(browser, "/")
    check("inventory")
    server.open(browser, "/deliveries")
    check("all deliveries")
    server.open(browser, "/events")
    check("event catalogue")
    crm = server.sql("SELECT id FROM subscriptions WHERE name = 'CRM sync'")[0]["id"]
    server.open(browser, f"/{crm}")
    check("subscription page with the health chart")
    server.open(browser, "/recover")
    check("recover failed deliveries")
    server.open(browser, "/tokens")
    check("API tokens")
    server.open(browser, "/new")
    event_box(browser, "conversation.ended").click()  # a mixed group
    agent_box(browser, AGENTS[0][0]).click()
    check("create form")
    fill(browser, "name", "A11y")
    fill(browser, "url", "https://example.com/a11y")
    submit_form(browser)
    assert browser.find_elements(By.ID, "secret-value"), "no secret reveal after create"
    check("subscription page with the one-time secret")
    browser.find_element(By.LINK_TEXT, "Edit").click()
    wait(browser).until(lambda d: d.current_url.endswith("/edit"))
    check("edit form")
    server.open(browser, "/new")
    fill(browser, "name", "Broken")
    submit_form(browser)
    assert browser.find_elements(By.CSS_SELECTOR, ".field-error")
    check("form with validation errors")

    (artifacts_dir / "axe-report.txt").write_text("\n\n".join(report) or "no violations\n")
    print("\n\n".join(report) or "axe: no violations")
    assert not serious, "serious/critical accessibility violations:\n" + "\n\n".join(report)
