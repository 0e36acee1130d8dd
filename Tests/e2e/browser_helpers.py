"""Helpers for the browser tests (test_browser.py): catalogue data, picker state, screenshots, axe.

Everything here drives or reads a real page the way a user sees it; reading the
picker's state goes through the DOM (``.checked``, ``.indeterminate``,
``aria-checked``) because that is what assistive technology and the form
submission see.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from support import EVENTS

#: Where the README's screenshots live (committed).
SCREENSHOTS = Path(__file__).parent / "screenshots"

#: Extra catalogue entries, so the picker has more than one group and a group of one.
EXTRA_EVENTS = [
    {"name": "agent.updated", "description": "An agent's prompt, voice or tools changed.", "sample_data": {}},
    {"name": "agent.deleted", "description": "An agent was deleted.", "sample_data": {}},
    {"name": "campaign.completed", "description": "An outbound campaign called every contact.", "sample_data": {}},
]
CONVERSATION_EVENTS = list(EVENTS)
AGENT_EVENTS = ["agent.updated", "agent.deleted"]
ALL_EVENTS = CONVERSATION_EVENTS + AGENT_EVENTS + ["campaign.completed"]

#: (uuid, name) of the account's agents in these tests.
AGENTS = [
    ("5b0e8a3e-1f7c-4a43-9d3e-0c1a2b3c4d01", "Front Desk"),
    ("5b0e8a3e-1f7c-4a43-9d3e-0c1a2b3c4d02", "Sales Line"),
    ("5b0e8a3e-1f7c-4a43-9d3e-0c1a2b3c4d03", "Support Bot"),
]


def seed_catalogue(server, agents: bool = True) -> None:
    """Import EXTRA_EVENTS (groups Agent and Campaign) and add AGENTS, via the CLI."""
    path = server.files_dir / "extra-events.json"
    path.write_text(json.dumps(EXTRA_EVENTS))
    os.chmod(path, 0o644)
    server.cli("events", "import", str(path))
    if agents:
        for uuid, name in AGENTS:
            server.cli("agents", "add", uuid, name)
    listed = server.cli("events", "list").stdout
    missing = [e for e in ALL_EVENTS if e not in listed]
    assert not missing, f"catalogue lacks {missing} after import:\n{listed}"


# --------------------------------------------------------------------------
# Waiting


def wait(driver, timeout: float = 15):
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def click_and_wait_for_page(driver, element, timeout: float = 15) -> None:
    """Click something that loads a new page and wait until the old one is gone and the new one loaded."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_driver) -> bool:
        try:
            old.tag_name
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException:  # chromedriver mid-navigation ("does not belong to the document")
            return False

    wait(driver, timeout).until(replaced)
    wait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


# --------------------------------------------------------------------------
# The event picker

_PICKER_STATE = """
var picker = document.querySelector('[data-event-picker]');
var count = picker.querySelector('[data-picker-count]');
var out = {total: count ? count.textContent.trim() : null, groups: {}, events: {}};
picker.querySelectorAll('.event-group').forEach(function (g) {
  var t = g.querySelector('[data-group-toggle]');
  var name = g.querySelector('.group-label').textContent.trim();
  out.groups[name] = {
    checked: t.checked, indeterminate: t.indeterminate,
    aria: t.getAttribute('aria-checked'), data_mixed: t.getAttribute('data-mixed'),
    count: g.querySelector('[data-group-count]').textContent.trim()
  };
});
picker.querySelectorAll('input[name="events"]').forEach(function (b) { out.events[b.value] = b.checked; });
return out;
"""


def picker_state(driver) -> dict:
    """{"total": "2 of 6 selected", "groups": {name: {checked, indeterminate, aria, data_mixed, count}},
    "events": {name: checked}} as the DOM has it now."""
    return driver.execute_script(_PICKER_STATE)


def checked_events(driver) -> set[str]:
    return {name for name, on in picker_state(driver)["events"].items() if on}


def group_toggle(driver, group: str):
    """The group checkbox of ``group`` (e.g. "Conversation")."""
    return driver.find_element(
        By.XPATH, f'//fieldset[contains(@class,"event-group")][.//label[contains(@class,"group-label")]'
                  f'[normalize-space(.)="{group}"]]//input[@data-group-toggle]')


def event_box(driver, name: str):
    return driver.find_element(By.CSS_SELECTOR, f'input[name="events"][value="{name}"]')


def agent_box(driver, uuid: str):
    return driver.find_element(By.CSS_SELECTOR, f'input[name="agents"][value="{uuid}"]')


# --------------------------------------------------------------------------
# The inventory (its rows are read from ``driver.page_source`` with support.inventory_table)


def inventory_row_element(driver, name: str):
    """The inventory row of the webhook named ``name``, to click its links and buttons."""
    return driver.find_element(By.XPATH, f'//table[contains(@class,"inventory")]'
                                         f'//tr[.//a[contains(@class,"row-name")][normalize-space(.)="{name}"]]')


# --------------------------------------------------------------------------
# Screenshots


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def screenshot(driver, path: Path, width: int = 1280, max_height: int = 5000) -> Path:
    """A full-page PNG of the current page, ``width`` CSS pixels wide (viewport emulated)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        height = driver.execute_script(
            "return Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))")
        height = max(300, min(int(height), max_height))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    w, _ = png_size(path)
    assert w == width, f"{path}: {w} px wide, expected {width}"
    return path


def horizontal_overflow(driver, width: int = 1280) -> int:
    """CSS pixels the page is wider than a ``width`` viewport (0 = no horizontal scrolling)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        return int(driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def save_screenshot(driver, artifacts_dir: Path, name: str, kind: str, publish: bool = True) -> Path:
    """Screenshot into ``artifacts_dir/<name>-<kind>.png``; with ``publish`` and HOOKLINE_UPDATE_SCREENSHOTS=1
    (``make screenshots``), also copy it to the README's screenshots/<name>.png, so a plain test run
    leaves the working tree clean."""
    path = screenshot(driver, artifacts_dir / f"{name}-{kind}.png")
    if publish and os.environ.get("HOOKLINE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
    return path


# --------------------------------------------------------------------------
# Accessibility (axe-core via axe-selenium-python)


#: axe-core rules left out, with the reason. axe-selenium-python 2.1.6 (the last release for Python < 3.12)
#: bundles axe-core 3.1.1; these two rules were deprecated in 3.x and removed in 4.0. `checkboxgroup`
#: flags the picker's events because each entity group is its own nested <fieldset>/<legend> (correct
#: markup); `radiogroup` is replaced by the explicit check `radio_groups_without_name` below.
AXE_DISABLED_RULES = ("checkboxgroup", "radiogroup")


def _known_false_positive(violation: dict, node: dict) -> bool:
    # axe-core 3.1.1's autocomplete-appropriate rejects autocomplete="off" on <input type=url>;
    # "off" is valid on every input (HTML §4.10.18.7.1) and later axe-core versions accept it.
    return violation["id"] == "autocomplete-valid" and 'autocomplete="off"' in node["html"]


def axe_violations(driver) -> list[dict]:
    """axe-core violations of the current page (default rules minus AXE_DISABLED_RULES and known false positives)."""
    from axe_selenium_python import Axe

    Axe(driver).inject()
    options = {"rules": {rule: {"enabled": False} for rule in AXE_DISABLED_RULES}}
    results = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(function (r) { done(r); }, function (e) { done({error: String(e)}); });",
        options)
    assert "error" not in results, f"axe failed: {results['error']}"
    violations = []
    for v in results["violations"]:
        nodes = [n for n in v["nodes"] if not _known_false_positive(v, n)]
        if nodes:
            violations.append({**v, "nodes": nodes})
    return violations


_RADIO_GROUPS = """
var problems = [];
var names = {};
document.querySelectorAll('input[type=radio][name]').forEach(function (r) { (names[r.name] = names[r.name] || []).push(r); });
Object.keys(names).forEach(function (name) {
  var radios = names[name];
  var group = radios[0].closest('fieldset, [role=radiogroup], [role=group]');
  var label = '';
  if (group) {
    if (group.getAttribute('aria-label')) label = group.getAttribute('aria-label');
    else if (group.getAttribute('aria-labelledby')) {
      var el = document.getElementById(group.getAttribute('aria-labelledby'));
      label = el ? el.textContent : '';
    } else if (group.tagName === 'FIELDSET' && group.querySelector(':scope > legend')) {
      label = group.querySelector(':scope > legend').textContent;
    }
  }
  var others = group ? Array.prototype.filter.call(group.querySelectorAll('input:not([type=hidden]), select, textarea'),
    function (c) { return !(c.type === 'radio' && c.name === name); }) : [];
  if (!group || !label.trim() || !radios.every(function (r) { return group.contains(r); }) || others.length) {
    problems.push(name + ': the radios are not in their own labelled group' +
      (group ? ' (nearest group "' + label.trim() + '" also holds ' + others.map(function (c) { return c.name || c.type; }).join(', ') + ')' : ''));
  }
});
return problems;
"""


def radio_groups_without_name(driver) -> list[str]:
    """Radio sets that a screen reader announces without their question (WCAG 1.3.1): each set of
    radios sharing a name must sit in its own <fieldset> with a <legend>, or a labelled radiogroup."""
    return driver.execute_script(_RADIO_GROUPS)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:6]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def chrome(*extra_args: str, prefs: dict | None = None):
    """A headless Chromium driver (Debian's chromium + chromedriver) with ``extra_args``."""
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--hide-scrollbars", *extra_args):
        options.add_argument(arg)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver
