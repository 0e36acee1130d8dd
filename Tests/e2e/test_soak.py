"""Soak: concurrent clients doing what admins do, through the real web servers.

Each of ``HOOKLINE_SOAK_CLIENTS`` (8) clients makes ``HOOKLINE_SOAK_REQUESTS`` (100 here; 2,000
through nginx and ``HOOKLINE_SOAK_APACHE_REQUESTS`` through Apache with ``make soak``) mixed
requests — list, create, edit, toggle, delete, test send to a local receiver — on webhooks of its
own, keeping a model of what each acknowledged (303) write should have left behind. Afterwards:
no answer was 5xx (nor anything but the expected status), every acknowledged write is in the
database, and the database is sound (``server.integrity_problems()``). Latency p50/p99 go to the report and to
``.e2e-artifacts/soak-<server>-<backend>.json``. Loopback only; bounded by count and by
``HOOKLINE_SOAK_MAX_SECONDS``.
"""

from __future__ import annotations

import collections
import json
import os
import random
import secrets
import threading
import time

import pytest

from client import csrf_token
from support import LOCAL, query_of, sub_id, valid_fields

CLIENTS = int(os.environ.get("HOOKLINE_SOAK_CLIENTS", "8"))
REQUESTS = int(os.environ.get("HOOKLINE_SOAK_REQUESTS", "100"))
APACHE_REQUESTS = int(os.environ.get("HOOKLINE_SOAK_APACHE_REQUESTS", str(REQUESTS)))
MAX_SECONDS = float(os.environ.get("HOOKLINE_SOAK_MAX_SECONDS", "900"))

#: How often each kind of request is picked.
MIX = {"list": 30, "create": 16, "edit": 14, "toggle": 14, "delete": 8, "test_send": 18}


class SoakClient:
    """One admin: its own session (cookie + CSRF token), its own webhooks and a model of them."""

    def __init__(self, server, receiver, index: int, requests: int, deadline: float):
        self.client = server.client()
        self.receiver = receiver
        self.index = index
        self.budget = requests
        self.deadline = deadline
        self.rng = random.Random(index)
        self.token = ""
        self.webhooks: dict[int, dict] = {}  # id → name, url, active, version
        self.deleted: dict[int, str] = {}  # id → name it had
        self.attempts: list[tuple[int, int]] = []  # (webhook id, attempt id) of acknowledged test sends
        self.latencies: list[float] = []
        self.statuses: collections.Counter = collections.Counter()
        self.unexpected: list[str] = []
        self.acknowledged = 0
        self.made = 0

    def call(self, method: str, path: str, expected: int, data=None):
        t0 = time.perf_counter()
        if method == "GET":
            r = self.client.get(path, allow_redirects=False)
        else:
            r = self.client.post_form(path, data, token=self.token)
        self.latencies.append(time.perf_counter() - t0)
        self.made += 1
        self.statuses[r.status_code] += 1
        if r.status_code != expected:
            self.unexpected.append(f"{method} {path}: {r.status_code} (expected {expected}) {r.text[:300]!r}")
            return None
        return r

    def run(self) -> None:
        page = self.call("GET", "/new", 200)
        if page is None:
            return
        self.token = csrf_token(page.text)
        serial = 0
        while self.made < self.budget and time.monotonic() < self.deadline:
            serial += 1
            kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
            if kind != "list" and kind != "create" and not self.webhooks:
                kind = "create"
            getattr(self, kind)(serial)

    def list(self, serial: int) -> None:
        query = self.rng.choice(["/", "/?status=active", "/?sort=name", f"/?q=Soak+{self.index}"])
        self.call("GET", query, 200)

    def create(self, serial: int) -> None:
        name = f"Soak {self.index} #{serial}"
        url = self.receiver.url(f"/nocontent/c{self.index}")
        fields = valid_fields(name=name, url=url, generate_secret=None, submission=secrets.token_hex(16))
        r = self.call("POST", "/new", 303, fields)
        if r is not None:
            self.acknowledged += 1
            self.webhooks[sub_id(r.headers["Location"])] = dict(name=name, url=url, active=1, version=1)

    def pick(self) -> tuple[int, dict]:
        sid = self.rng.choice(sorted(self.webhooks))
        return sid, self.webhooks[sid]

    def edit(self, serial: int) -> None:
        sid, model = self.pick()
        name = f"Soak {self.index} #{serial} edited"
        url = self.receiver.url(f"/nocontent/c{self.index}/e{serial}")
        fields = valid_fields(name=name, url=url, generate_secret=None, version=model["version"])
        if self.call("POST", f"/{sid}/edit", 303, fields) is not None:
            self.acknowledged += 1
            model.update(name=name, url=url, active=1, version=model["version"] + 1)

    def toggle(self, serial: int) -> None:
        sid, model = self.pick()
        active = 1 - model["active"]
        if self.call("POST", f"/{sid}/active", 303, {"active": active, "version": model["version"]}) is not None:
            self.acknowledged += 1
            model.update(active=active, version=model["version"] + 1)

    def delete(self, serial: int) -> None:
        sid, model = self.pick()
        if self.call("POST", f"/{sid}/delete", 303, {"version": model["version"]}) is not None:
            self.acknowledged += 1
            del self.webhooks[sid]
            self.deleted[sid] = model["name"]

    def test_send(self, serial: int) -> None:
        sid, _ = self.pick()
        r = self.call("POST", f"/{sid}/test", 303, {"event": "conversation.ended"})
        if r is not None:
            self.acknowledged += 1
            self.attempts.append((sid, int(query_of(r.headers["Location"])["attempt"][0])))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# Eight clients may each have a test send in flight: the bound on concurrent test sends (a
# quick 503 beyond it, tested in test_hostile.py) is set so that it never refuses one here.
@pytest.mark.hookline_config(**LOCAL, max_concurrent_test_sends=CLIENTS)
def test_soak_mixed_requests_from_concurrent_clients(server, receiver, artifacts_dir):
    per_client = REQUESTS if server.kind == "nginx" else APACHE_REQUESTS
    deadline = time.monotonic() + MAX_SECONDS
    clients = [SoakClient(server, receiver, index, per_client, deadline) for index in range(CLIENTS)]
    failures: list[str] = []

    def run(client: SoakClient) -> None:
        try:
            client.run()
        except Exception as error:  # a client that dies is a failure, not a hang
            failures.append(f"client {client.index}: {error!r}")

    t0 = time.monotonic()
    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - t0

    # What every acknowledged write should have left behind, against what is stored.
    rows = {row["id"]: row for row in server.sql("SELECT id, name, url, active, version FROM subscriptions")}
    stored_attempts = {row["id"] for row in server.sql("SELECT id FROM delivery_attempts")}
    lost, reused = [], 0
    for client in clients:
        for sid, model in client.webhooks.items():
            row = rows.get(sid)
            if row is None or {k: row[k] for k in model} != model:
                lost.append((sid, model, row))
        # A deleted webhook is gone, and its id is never given to a new one.
        lost += [(sid, "deleted", rows[sid]) for sid, name in client.deleted.items() if sid in rows]
        reused += sum(1 for sid in client.deleted if sid in rows)
        # A deleted webhook takes its delivery log with it.
        lost += [(attempt, "test send attempt", sid) for sid, attempt in client.attempts
                 if sid not in client.deleted and attempt not in stored_attempts]
    integrity = server.integrity_problems()

    latencies = [x for c in clients for x in c.latencies]
    statuses = sum((c.statuses for c in clients), collections.Counter())
    figures = {
        "server": server.kind,
        "backend": server.backend,
        "clients": CLIENTS,
        "requests": len(latencies),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "acknowledged_writes": sum(c.acknowledged for c in clients),
        "lost": len(lost),
        "deleted_ids_reused": reused,
        "integrity": integrity or "ok",
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }
    (artifacts_dir / f"soak-{server.kind}-{server.backend}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nsoak {server.kind}/{server.backend}: " + ", ".join(f"{k} {v}" for k, v in figures.items() if k not in ("server", "backend")))

    unexpected = [line for c in clients for line in c.unexpected]
    assert not failures, failures
    assert figures["requests"] == CLIENTS * per_client, f"stopped early after {seconds:.0f} s (HOOKLINE_SOAK_MAX_SECONDS)"
    assert figures["5xx"] == 0, unexpected[:5]
    assert not unexpected, unexpected[:5]
    assert lost == [], lost[:5]
    assert integrity == []
