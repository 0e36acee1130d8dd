"""Crash safety of the console's writes: SIGKILL at random points during POSTs.

``hookline-console`` runs directly as a CGI (environment + stdin, as fcgiwrap and mod_cgid run
it), and is killed after a random delay spread over its whole run — before it opens the database,
inside a transaction, after the commit, while it writes the answer. Each POST changes its own
subscription, so the outcome of every one can be checked on its own:

* an acknowledged change (the process wrote ``Status: 303``) is in the database;
* an unacknowledged one is all or nothing: the row, its version and its audit entry agree;
* the database is sound: on SQLite ``PRAGMA integrity_check`` is ``ok`` and foreign keys hold; on
  PostgreSQL amcheck finds nothing wrong with any table or index.
"""

from __future__ import annotations

import collections
import os
import random
import secrets
import statistics
import subprocess
import time
from urllib.parse import urlencode

import pytest

from servers import CLEAN_ENV
from support import insert_subscriptions

pytestmark = pytest.mark.servers("nginx")

KILLS = int(os.environ.get("HOOKLINE_CRASH_ITERATIONS", "300"))
OPERATIONS = ("create", "edit", "toggle", "delete")


class CGI:
    """Runs ``hookline-console`` for one POST as the web server would (as the service user)."""

    def __init__(self, server):
        self.server = server
        self.binary = str(server.server.stage.binary("hookline-console"))
        self.token = secrets.token_hex(32)

    def start(self, path: str, fields: list[tuple[str, str]]) -> subprocess.Popen:
        body = urlencode(fields + [("csrf_token", self.token)]).encode()
        env = dict(CLEAN_ENV, GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="POST", SCRIPT_NAME="/webhooks",
                   PATH_INFO=path, QUERY_STRING="", CONTENT_LENGTH=str(len(body)),
                   CONTENT_TYPE="application/x-www-form-urlencoded", HTTP_COOKIE=f"hookline_csrf={self.token}",
                   HTTP_HOST="127.0.0.1", SERVER_NAME="127.0.0.1", SERVER_PORT="80", REQUEST_SCHEME="http",
                   REMOTE_USER="alice", REMOTE_ADDR="127.0.0.1", HOOKLINE_CONFIG=str(self.server.config_path))
        process = subprocess.Popen(self.server.server.user.command([self.binary]), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                   cwd=self.server.data_dir)
        process.stdin.write(body)
        process.stdin.close()
        return process

    def run(self, path: str, fields: list[tuple[str, str]], kill_after: float | None = None) -> tuple[bytes, bool]:
        """(what the CGI wrote, whether it was killed before it exited)."""
        process = self.start(path, fields)
        killed = False
        if kill_after is not None:
            try:
                process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                process.kill()
                killed = True
        out = process.stdout.read()
        process.wait()
        return out, killed


def acknowledged(output: bytes) -> bool:
    return output.startswith(b"Status: 303") or b"\nStatus: 303" in output


def targets(server, count: int) -> list[int]:
    """``count`` subscriptions (version 1) for the edits, toggles and deletes to act on."""
    insert_subscriptions(server, [(f"Target {i:04d}", f"https://target{i}.example.com/h") for i in range(1, count + 1)])
    return [row["id"] for row in server.sql("SELECT id FROM subscriptions WHERE name LIKE 'Target %' ORDER BY id")]


def form(name: str, url: str) -> list[tuple[str, str]]:
    return [("name", name), ("url", url), ("active", "1"), ("events", "conversation.ended"),
            ("signature_scheme", "hookline")]


def test_sigkill_during_posts_loses_no_acknowledged_change_and_keeps_the_database_intact(server):
    rng = random.Random(int(os.environ.get("HOOKLINE_CRASH_SEED", "10")))
    cgi = CGI(server)
    pool = iter(targets(server, KILLS))

    # How long one POST takes here, to spread the kills over a whole run.
    durations = []
    for index in range(5):
        t0 = time.monotonic()
        out, _ = cgi.run("/new", form(f"Warm-up {index}", "https://warmup.example.com/h"))
        durations.append(time.monotonic() - t0)
        assert acknowledged(out), out[:500]
    typical = statistics.median(durations)

    plan = []  # (operation, target id or created name, acknowledged, killed)
    for index in range(KILLS):
        operation = rng.choice(OPERATIONS)
        delay = rng.uniform(0, 1.3 * typical)
        if operation == "create":
            name = f"Created {index:04d}"
            fields = form(name, f"https://created{index}.example.com/h") + [("submission", secrets.token_hex(16))]
            out, killed = cgi.run("/new", fields, kill_after=delay)
            plan.append((operation, name, acknowledged(out), killed))
            continue
        sid = next(pool)
        if operation == "edit":
            fields = form(f"Edited {index:04d}", f"https://edited{index}.example.com/h") + [("version", "1")]
            out, killed = cgi.run(f"/{sid}/edit", fields, kill_after=delay)
        elif operation == "toggle":
            out, killed = cgi.run(f"/{sid}/active", [("active", "0"), ("version", "1")], kill_after=delay)
        else:
            out, killed = cgi.run(f"/{sid}/delete", [("version", "1")], kill_after=delay)
        plan.append((operation, (sid, index), acknowledged(out), killed))

    rows = {row["id"]: row for row in server.sql("SELECT id, name, active, version FROM subscriptions")}
    names = collections.Counter(row["name"] for row in rows.values())
    audit = collections.Counter((row["subscription_id"], row["action"])
                                for row in server.sql("SELECT subscription_id, action FROM audit_log"))
    lost, torn, committed_unacknowledged = [], [], 0
    for operation, target, acked, _ in plan:
        if operation == "create":
            applied = names[target] == 1
            if names[target] > 1:
                torn.append((operation, target, "created twice"))
            if applied:
                sid = next(i for i, r in rows.items() if r["name"] == target)
                if audit[(sid, "create")] != 1:
                    torn.append((operation, target, "no audit entry"))
        else:
            sid, index = target
            row = rows.get(sid)
            if operation == "delete":
                applied = row is None
                consistent = applied == (audit[(sid, "delete")] == 1)
            elif operation == "edit":
                applied = row is not None and row["version"] == 2
                consistent = row is not None and (
                    (applied and row["name"] == f"Edited {index:04d}" and audit[(sid, "update")] == 1)
                    or (not applied and row["name"].startswith("Target ") and audit[(sid, "update")] == 0))
            else:
                applied = row is not None and row["version"] == 2
                consistent = row is not None and (
                    (applied and row["active"] == 0 and audit[(sid, "deactivate")] == 1)
                    or (not applied and row["active"] == 1 and audit[(sid, "deactivate")] == 0))
            if not consistent:
                torn.append((operation, target, row))
        if acked and not applied:
            lost.append((operation, target))
        committed_unacknowledged += applied and not acked

    integrity = server.integrity_problems()
    kills = sum(1 for *_, killed in plan if killed)
    acks = sum(1 for _, _, acked, _ in plan if acked)
    print(f"\ncrash loop: {len(plan)} POSTs, {kills} SIGKILLed, {acks} acknowledged (303), "
          f"{len(lost)} acknowledged lost, {committed_unacknowledged} committed but killed before the answer, "
          f"{len(torn)} torn, integrity {integrity or 'ok'}, "
          f"typical POST {typical * 1000:.1f} ms; by operation "
          f"{dict(collections.Counter(op for op, *_ in plan))}")
    assert kills >= len(plan) // 2, "the delays missed the runs: too few processes were killed"
    assert acks > 0
    assert lost == []
    assert torn == []
    assert integrity == []
    # The console still works on the database the kills left behind.
    assert server.client().page("/").status_code == 200
