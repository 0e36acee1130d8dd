#!/usr/bin/env python3
"""`make bench-workers`: delivery throughput with 1, 2 and 4 `hookline deliver --once` workers
against one database — PostgreSQL (a throwaway server, Tests/pg/pg-server.sh) and SQLite, same
machine, same run — and whether any delivery was sent twice.

Each round: a fresh database, 20 active subscriptions to a local receiver, BENCH_DELIVERIES
(4,000) due deliveries made with `emit --batch`, then N workers started together; the time is from
their start until the last one has drained the queue and exited. The receiver is nginx answering
204 to every POST and logging each request's `X-Webhook-Id` and path, so it is never the
bottleneck and duplicates are counted from what actually arrived. BENCH_REPEAT (3) rounds per
setting; the table shows the median. BENCH_BACKENDS=sqlite (or postgresql) runs only one.

Writes .bench/workers.md and prints it.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
from postgres import PostgresServer  # noqa: E402

BIN = Path(os.environ.get("BENCH_BIN_DIR", ROOT / ".build" / "dist"))
OUT = ROOT / ".bench"
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "4000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
WORKERS = (1, 2, 4)
BACKENDS = os.environ.get("BENCH_BACKENDS", "postgresql,sqlite").split(",")
SUBSCRIPTIONS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NginxReceiver:
    """nginx answering 204 to everything, logging "<X-Webhook-Id> <path>" per request."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.log = directory / "access.log"
        conf = directory / "nginx.conf"
        user = "user www-data;\n" if os.geteuid() == 0 else ""
        conf.write_text(f"""{user}worker_processes 2;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 1024; }}
http {{
    log_format hooks '$http_x_webhook_id $uri';
    access_log {self.log} hooks;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{self.port};
        location / {{ return 204; }}
    }}
}}
""")
        self.process = subprocess.Popen(["/usr/sbin/nginx", "-p", str(directory), "-c", str(conf), "-e",
                                         str(directory / "error.log"), "-g", "daemon off;"], start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and self.process.poll() is None, "nginx did not start"
                time.sleep(0.05)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def received(self) -> collections.Counter:
        """(path, webhook id) → requests, since the last call."""
        time.sleep(0.3)  # nginx logs a request just after answering it
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        self.log.write_text("")
        return collections.Counter(tuple(reversed(line.split(" ", 1))) for line in lines if line.strip())

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)


class Backend:
    """Makes fresh installations on one kind of database."""

    def __init__(self, name: str, work: Path, postgres: PostgresServer | None = None):
        self.name = name
        self.work = work
        self.postgres = postgres
        self.count = 0

    def fresh(self, receiver: NginxReceiver) -> Path:
        """A config whose database has SUBSCRIPTIONS webhooks and DELIVERIES due deliveries."""
        self.count += 1
        directory = self.work / f"{self.name}-{self.count}"
        directory.mkdir()
        if self.postgres:
            database = f"bench_{self.count}"
            self.postgres.create_database(database)
            location = self.postgres.url(database)
        else:
            location = str(directory / "hookline.db")
        config = directory / "hookline.conf"
        config.write_text(f"database = {location}\nanonymous = dev\nallow_http = yes\n"
                          "allowed_private_targets = 127.0.0.0/8\ntimeout = 10\nconnect_timeout = 5\n")
        hookline(config, "init")
        values = ", ".join(f"({i + 1}, 'Bench {i}', '{receiver.url(f'/s{i}')}', 1, 1, 0, 1700000000, 1700000000)"
                           for i in range(SUBSCRIPTIONS))
        script = f"""BEGIN;
INSERT INTO subscriptions (id, name, url, active, event_count, agent_count, created_at, updated_at) VALUES {values};
INSERT INTO subscription_events (subscription_id, event_type) SELECT id, 'conversation.ended' FROM subscriptions;
COMMIT;
"""
        if self.postgres:
            self.postgres.psql(database, input=script)
        else:
            subprocess.run(["sqlite3", "-bail", location], input=script, text=True, check=True, capture_output=True)
        events = "".join(json.dumps({"event_type": "conversation.ended", "event_id": f"e{self.count}-{i}"}) + "\n"
                         for i in range(DELIVERIES // SUBSCRIPTIONS))
        hookline(config, "emit", "--batch", input=events)
        return config

    def drop(self, config: Path) -> None:
        if self.postgres:
            self.postgres.drop_database(f"bench_{self.count}")
        shutil.rmtree(config.parent)


def hookline(config: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run([str(BIN / "hookline"), "--config", str(config), *args], input=input, text=True,
                          capture_output=True, check=True).stdout


def round_(backend: Backend, receiver: NginxReceiver, workers: int) -> tuple[float, int, int]:
    """(deliveries/s, distinct deliveries received, duplicates) of one round."""
    config = backend.fresh(receiver)
    receiver.received()  # nothing left over from the round before
    try:
        start = time.perf_counter()
        processes = [subprocess.Popen([str(BIN / "hookline"), "--config", str(config), "deliver", "--once"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(workers)]
        outputs = [p.communicate(timeout=600) for p in processes]
        seconds = time.perf_counter() - start
        for process, (_, err) in zip(processes, outputs):
            assert process.returncode == 0, err
        made = sum(int(out.split()[1]) for out, _ in outputs)  # "delivered N attempts"
        assert made == DELIVERIES, f"{backend.name}, {workers} workers: {made} attempts for {DELIVERIES} deliveries"
        counts = receiver.received()
        return DELIVERIES / seconds, len(counts), sum(n - 1 for n in counts.values())
    finally:
        backend.drop(config)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hookline-bench-workers-"))
    os.chmod(work, 0o755)
    postgres = PostgresServer.start(work / "postgres") if "postgresql" in BACKENDS else None
    receiver_dir = work / "receiver"
    receiver_dir.mkdir(mode=0o755)
    receiver = NginxReceiver(receiver_dir)
    results: dict[str, dict[int, dict]] = {}
    try:
        for backend in (Backend("postgresql", work, postgres), Backend("sqlite", work)):
            if backend.name not in BACKENDS:
                continue
            for workers in WORKERS:
                rounds = [round_(backend, receiver, workers) for _ in range(REPEAT)]
                results.setdefault(backend.name, {})[workers] = {
                    "deliveries_per_second": round(statistics.median(r[0] for r in rounds)),
                    "all": [round(r[0]) for r in rounds],
                    "received": min(r[1] for r in rounds),
                    "duplicates": sum(r[2] for r in rounds),
                }
                print(f"{backend.name}, {workers} workers: {results[backend.name][workers]}", file=sys.stderr)
    finally:
        receiver.stop()
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"`make bench-workers` on {when}, {os.cpu_count()} cores: {DELIVERIES:,} deliveries to {SUBSCRIPTIONS} "
             f"webhooks on a local nginx answering 204; median of {REPEAT} rounds (all rounds in brackets).", "",
             "| workers | " + " | ".join(f"{b} deliveries/s" for b in results) + " | duplicates | lost |",
             "|---|" + "---|" * len(results) + "---|---|"]
    for workers in WORKERS:
        cells = [f"{results[b][workers]['deliveries_per_second']:,} ({', '.join(map(str, results[b][workers]['all']))})"
                 for b in results]
        duplicates = sum(results[b][workers]["duplicates"] for b in results)
        lost = sum(DELIVERIES - results[b][workers]["received"] for b in results)
        lines.append(f"| {workers} | " + " | ".join(cells) + f" | {duplicates} | {lost} |")
    table = "\n".join(lines) + "\n"
    (OUT / "workers.md").write_text(table)
    (OUT / "workers.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table)
    failed = any(r["duplicates"] or r["received"] != DELIVERIES for b in results.values() for r in b.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
