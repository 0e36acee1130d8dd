"""The `hookline` command line as an operator meets it: set-up, account data, clear errors.

These run the real release binary directly (no web server) against real SQLite files.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from servers import REPO

CLI = REPO / ".build" / "release" / "hookline"
AGENT = "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1"


def run(*args: str, config: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    argv = [str(CLI)] + (["--config", str(config)] if config else []) + list(args)
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=30)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "hookline.conf"
    path.write_text("# test config\ndatabase = data/hookline.db\nanonymous = dev\n")
    (tmp_path / "data").mkdir()
    assert run("init", config=path).returncode == 0
    return path


def test_init_creates_the_database_and_is_safe_to_repeat(config: Path):
    db = config.parent / "data" / "hookline.db"  # relative to the config's directory
    assert db.exists()
    assert run("agents", "add", AGENT, "Support Line", config=config).returncode == 0
    again = run("init", config=config)
    assert again.returncode == 0, again.stderr
    assert b"schema version" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT name FROM agents").fetchall() == [("Support Line",)]
        assert [r[0] for r in conn.execute("SELECT name FROM event_types ORDER BY name")] == [
            "conversation.analysis.completed", "conversation.ended", "conversation.started"]


def test_missing_config_is_named(tmp_path: Path):
    result = run("init", config=tmp_path / "nope.conf")
    assert result.returncode == 1
    assert b"nope.conf" in result.stderr and b"cannot" in result.stderr


def init_with(config: Path, text: str) -> subprocess.CompletedProcess:
    """``hookline init`` with ``text`` written to the config file ``config``."""
    config.write_text(text)
    return run("init", config=config)


def test_malformed_config_names_file_and_line(tmp_path: Path):
    result = init_with(tmp_path / "bad.conf", "database = x.db\n\ntimeout = soon\n")
    assert result.returncode == 1
    assert b"bad.conf:3" in result.stderr and b"timeout" in result.stderr


def test_unknown_key_is_refused(tmp_path: Path):
    result = init_with(tmp_path / "typo.conf", "databse = x.db\n")
    assert result.returncode == 1 and b"unknown setting `databse`" in result.stderr


def test_database_directory_that_cannot_be_used(tmp_path: Path):
    result = init_with(tmp_path / "hookline.conf", f"database = {tmp_path}/missing-dir/hookline.db\n")
    assert result.returncode == 1
    assert b"missing-dir" in result.stderr and b"writable" in result.stderr


def test_config_from_environment(config: Path):
    result = subprocess.run([str(CLI), "agents", "list"], capture_output=True, env={"HOOKLINE_CONFIG": str(config)})
    assert result.returncode == 0 and b"no agents yet" in result.stdout


def test_agents_import_csv_and_json(config: Path, tmp_path: Path):
    csv = tmp_path / "agents.csv"
    csv.write_text(f"uuid,name\n{AGENT},Support Line\n9b3e6c14-2d7a-4e85-b0f2-71a4c8d35e62, Sales <Qualifier> \n")
    result = run("agents", "import", str(csv), config=config)
    assert result.returncode == 0, result.stderr
    assert b"imported 2 agents (2 new, 0 updated)" in result.stdout
    js = tmp_path / "agents.json"
    js.write_text(json.dumps([{"uuid": AGENT, "name": "Support Desk"}]))
    assert b"(0 new, 1 updated)" in run("agents", "import", str(js), config=config).stdout
    listing = run("agents", "list", config=config).stdout.decode()
    assert "Support Desk" in listing and "Sales <Qualifier>" in listing


@pytest.mark.parametrize(
    "content, message",
    [
        ("not-a-uuid,Name\n", b"is not a UUID"),
        (f"{AGENT}\n", b"expected `uuid,name`"),
        ('[{"uuid": 1}]', b"needs string fields"),
        ("[{", b"not valid JSON"),
    ],
)
def test_bad_agent_import_changes_nothing(config: Path, tmp_path: Path, content: str, message: bytes):
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = run("agents", "import", str(bad), config=config)
    assert result.returncode == 1
    assert message in result.stderr
    assert b"no agents yet" in run("agents", "list", config=config).stdout


def test_events_import_and_list_grouped(config: Path, tmp_path: Path):
    events = tmp_path / "events.json"
    events.write_text(json.dumps([
        {"name": "agent.updated", "description": "An agent's settings changed.", "sample_data": {"agent_uuid": AGENT}},
        {"name": "campaign.completed", "description": "A campaign finished.", "sample_data": {}},
    ]))
    result = run("events", "import", str(events), config=config)
    assert result.returncode == 0 and b"imported 2 event types (2 new, 0 updated)" in result.stdout
    listing = run("events", "list", config=config).stdout.decode().splitlines()
    assert "Agent" in listing and "Campaign" in listing and "Conversation" in listing
    assert listing.index("Agent") < listing.index("  agent.updated  An agent's settings changed.")


@pytest.mark.parametrize(
    "entries, message",
    [
        ([{"name": "Bad Name"}], b"is not a valid event type"),
        ([{"name": "a.b", "sample_data": [1]}], b"must be a JSON object"),
        ({"name": "a.b"}, b"expected a JSON array"),
    ],
)
def test_bad_event_import_changes_nothing(config: Path, tmp_path: Path, entries, message: bytes):
    bad = tmp_path / "events.json"
    bad.write_text(json.dumps(entries))
    result = run("events", "import", str(bad), config=config)
    assert result.returncode == 1 and message in result.stderr
    assert len([l for l in run("events", "list", config=config).stdout.decode().splitlines() if l.startswith("  ")]) == 3


def test_emit_refuses_unknown_type_and_agent(config: Path):
    result = run("emit", "conversation.exploded", config=config)
    assert result.returncode == 1 and b"not in the event catalogue" in result.stderr
    result = run("emit", "conversation.ended", "--agent", AGENT, config=config)
    assert result.returncode == 1 and b"is not an agent of this account" in result.stderr


def test_unknown_command_prints_usage(config: Path):
    result = run("frobnicate", config=config)
    assert result.returncode == 2 and b"usage: hookline" in result.stderr
