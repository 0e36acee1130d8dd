#!/usr/bin/env python3
"""`make bench`: what Hookline costs, as one table of ratios against baselines measured in the
same run, with the issue's targets and whether each row meets its target.

Rows: page execs against a C CGI that prints "hello" (hyperfine, run directly with CGI
variables: the exec, the SQLite queries and the rendering are what Hookline controls), the
inventory through real nginx + fcgiwrap against the same C CGI behind the same servers (wrk),
peak memory of one request (/usr/bin/time), ingestion (one API POST of 1,000 events; `emit
--batch`; single `emit`), the worker against `curl --parallel` on the same local receiver, and the
all-deliveries log with 100,000 attempts against an empty log, and the inventory on PostgreSQL
over a Unix socket next to the same on SQLite and a C CGI that only connects with libpq.

Writes .bench/results.md (the table) and .bench/results.json; prints the table.
"""

from __future__ import annotations

import json
import os
import platform
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
BIN = Path(os.environ.get("BENCH_BIN_DIR", ROOT / ".build" / "dist"))
OUT = ROOT / ".bench"
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
AGENT = "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1"


def run(*argv, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    return subprocess.run([str(a) for a in argv], **kwargs)


def sql(db: Path, script: str) -> None:
    run("sqlite3", "-bail", db, input=script, text=True, capture_output=True)


def make_db(name: str, subscriptions: int, attempts: int = 0) -> Path:
    """A config and database with `subscriptions` webhooks (and `attempts` log rows)."""
    directory = OUT / name
    directory.mkdir(parents=True)
    config = directory / "hookline.conf"
    config.write_text(
        f"database = {directory}/hookline.db\ntemplates = {ROOT}/Templates\nanonymous = dev\n"
        "allow_http = yes\nallowed_private_targets = 127.0.0.0/8\ntimeout = 10\n")
    run(BIN / "hookline", "--config", config, "init", capture_output=True)
    run(BIN / "hookline", "--config", config, "demo", capture_output=True)
    n = subscriptions
    sql(directory / "hookline.db", f"""
PRAGMA foreign_keys = ON;
DELETE FROM subscriptions;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
INSERT INTO subscriptions (id, name, url, active, signature_scheme, secret, event_count, agent_count, created_at, updated_at)
SELECT i, 'Webhook ' || printf('%06d', (i * 7919) % {n}), 'https://hooks' || i || '.example.com/in', i % 3 != 0, 'hookline',
       CASE WHEN i % 2 = 0 THEN 'whsec_x' END, 2, i % 4 = 0, 1700000000 + i, 1700000000 + i FROM n;
INSERT INTO subscription_events SELECT id, 'conversation.ended' FROM subscriptions;
INSERT INTO subscription_events SELECT id, 'conversation.started' FROM subscriptions;
INSERT INTO subscription_agents SELECT id, '{AGENT}' FROM subscriptions WHERE agent_count = 1;
""")
    if attempts:
        sql(directory / "hookline.db", f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {attempts})
INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, state, attempts, created_at)
  SELECT i, 1 + i % {n}, 'evt-' || i, 'conversation.ended', '{{}}',
         CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'succeeded' END, 1, 1700000000 + i FROM n;
INSERT INTO delivery_attempts (delivery_id, subscription_id, attempt, at, url, request_headers, request_body,
    status_code, latency_ms, outcome, message)
  SELECT id, subscription_id, 1, created_at, 'https://x.example/in', '[]', '{{}}',
         CASE WHEN state = 'failed' THEN 500 ELSE 200 END, 30,
         CASE WHEN state = 'failed' THEN 'http_status' ELSE 'success' END, '' FROM deliveries;
""")
    sql(directory / "hookline.db", "ANALYZE;")
    return config


def cgi(config: Path, query: str = "", path: str = "/", program: str = "hookline-console") -> str:
    return (f"env HOOKLINE_CONFIG={config} REQUEST_METHOD=GET SCRIPT_NAME=/webhooks PATH_INFO={path} "
            f"QUERY_STRING={query} {BIN / program}")


def hyperfine(commands: dict[str, str], rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds of each command: hyperfine runs the commands one after the other, so on a
    shared machine a burst of load lands on a few of them; `rounds` hyperfine runs of
    RUNS / rounds each, and the median of the rounds' medians, keep such a burst from deciding a
    ratio."""
    export = OUT / "hyperfine.json"
    medians: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        argv = ["hyperfine", "-N", "--warmup", "20", "--runs", str(max(10, RUNS // rounds)), "--export-json", str(export)]
        for name, command in commands.items():
            argv += ["-n", name, command]
        run(*argv, capture_output=True)
        for r in json.loads(export.read_text())["results"]:
            medians[r["command"]].append(r["median"])
    return {name: statistics.median(values) for name, values in medians.items()}


def peak_kb(command: str, times: int = 5) -> int:
    """Median of `times` runs' peak RSS (it varies with what the page cache holds)."""
    peaks = []
    for _ in range(times):
        out = run("/usr/bin/time", "-f", "%M", "sh", "-c", command + " > /dev/null", capture_output=True, text=True)
        peaks.append(int(out.stderr.strip().splitlines()[-1]))
    return int(statistics.median(peaks))


def memory_at_exit(command: str, times: int = 5) -> tuple[int, int, int]:
    """Median (rss, anonymous, file) KiB of `command` just before it exits (memory-at-exit.c)."""
    env_part, program = command.rsplit(" ", 1)
    samples = []
    for _ in range(times):
        out = run("sh", "-c", f"{env_part} {OUT / 'memory-at-exit'} {program}", capture_output=True, text=True).stdout
        samples.append(tuple(int(v) for v in out.split()))
    return tuple(int(statistics.median(s[i] for s in samples)) for i in range(3))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(bin_dir: Path, config: Path, name: str) -> tuple[subprocess.Popen, int]:
    """nginx + fcgiwrap from Deploy/ (as `make run` does), serving `bin_dir`'s console."""
    port = free_port()
    run_dir = OUT / f"serve-{name}"
    run_dir.mkdir()
    shutil.copy(config, run_dir / "hookline.conf")
    env = {"PATH": os.environ["PATH"], "PORT": str(port), "RUN_DIR": str(run_dir), "BIN_DIR": str(bin_dir)}
    proc = subprocess.Popen([ROOT / "Deploy" / "dev-run.sh"], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "Hookline: http://" in line:
            return proc, port
    raise RuntimeError(f"dev-run did not start for {name}")


def wrk(port: int) -> float:
    out = run("wrk", "-t", "2", "-c", "8", "-d", f"{WRK_SECONDS}s", f"http://127.0.0.1:{port}/webhooks/",
              capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out)


def timed(argv, **kwargs) -> float:
    start = time.perf_counter()
    run(*argv, **kwargs)
    return time.perf_counter() - start


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    for tool in ("hyperfine", "wrk", "sqlite3", "gcc", "curl"):
        if shutil.which(tool) is None:
            print(f"bench: {tool} missing (make bench installs it)")
            return 1
    run("gcc", "-O2", "-o", OUT / "hello-c", ROOT / "Tests" / "bench" / "hello.c")
    hello = f"env REQUEST_METHOD=GET {OUT / 'hello-c'}"
    small = make_db("small", 100)
    large = make_db("large", 10_000)
    empty_log = make_db("log-empty", 1_000)
    full_log = make_db("log-100k", 1_000, attempts=100_000)
    rows: list[dict] = []

    def row(measure, value, baseline, ratio, target, ok, unit="ms"):
        rows.append(dict(measure=measure, value=value, baseline=baseline, ratio=ratio, target=target, ok=ok, unit=unit))

    # 1. Page execs.
    m = hyperfine({
        "hello": hello,
        "inventory 100": cgi(small),
        "inventory 10k": cgi(large),
        "search 10k": cgi(large, "q=hooks42&status=active"),
        # One match in both databases (hooks41.example.com is active in each), so the ratio is the
        # search's own growth with the table and not the cost of rendering 50 rows instead of 1.
        "one match 100": cgi(small, "q=hooks41.example&status=active"),
        "one match 10k": cgi(large, "q=hooks41.example&status=active"),
        "404": cgi(large, "", "/nope/nope"),
        "log empty": cgi(empty_log, "status=failed", "/deliveries"),
        "log 100k": cgi(full_log, "status=failed", "/deliveries"),
    })
    base = m["hello"]
    ms = lambda s: round(s * 1000, 2)  # noqa: E731
    row("inventory, 10,000 webhooks, exec", ms(m["inventory 10k"]), ms(base), m["inventory 10k"] / base, "≤ 2.0×",
        m["inventory 10k"] / base <= 2.0)
    row("inventory, 100 webhooks, exec", ms(m["inventory 100"]), ms(base), m["inventory 100"] / base, "(reference)", True)
    row("inventory `?q=` search, 10,000, exec", ms(m["search 10k"]), ms(base), m["search 10k"] / base,
        "≤ 2.5×", m["search 10k"] / base <= 2.5)
    row("… a search with the same one match, 10,000 vs 100 webhooks", ms(m["one match 10k"]), ms(m["one match 100"]),
        m["one match 10k"] / m["one match 100"], "≤ 1.2×", m["one match 10k"] / m["one match 100"] <= 1.2)
    row("404 page, exec", ms(m["404"]), ms(base), m["404"] / base, "≤ 1.3×", m["404"] / base <= 1.3)
    row("`/deliveries?status=failed`, 100,000 attempts vs empty log", ms(m["log 100k"]), ms(m["log empty"]),
        m["log 100k"] / m["log empty"], "≤ 1.5×", m["log 100k"] / m["log empty"] <= 1.5)

    # 1b. The same inventory on PostgreSQL over a Unix socket (a throwaway server; the 10,000
    # webhooks moved over with `hookline migrate --to`), against C CGIs with and without libpq.
    pg_dir = OUT / "pg"
    pg_uri = run(ROOT / "Tests" / "pg" / "pg-server.sh", "start", pg_dir, capture_output=True, text=True).stdout.strip()
    try:
        run("gcc", "-O2", "-o", OUT / "hello-pq", ROOT / "Tests" / "bench" / "hello-pq.c", "-I/usr/include/postgresql", "-lpq")
        run(BIN / "hookline", "--config", large, "migrate", "--to", pg_uri, capture_output=True)
        on_pg = OUT / "large-pg.conf"
        on_pg.write_text(large.read_text().replace(f"database = {large.parent}/hookline.db", f"database = {pg_uri}"))
        p = hyperfine({
            "hello": hello,
            "hello libpq": f"env PG_URI={pg_uri} {OUT / 'hello-pq'}",
            "inventory 10k sqlite": cgi(large),
            "inventory 10k pg": cgi(on_pg),
        })
    finally:
        run(ROOT / "Tests" / "pg" / "pg-server.sh", "stop", pg_dir, capture_output=True)
    row("inventory, 10,000 webhooks, exec, PostgreSQL (Unix socket)", ms(p["inventory 10k pg"]), ms(p["hello"]),
        p["inventory 10k pg"] / p["hello"], "(reference)", True)
    row("… C CGI that connects with libpq and runs `select 1`", ms(p["hello libpq"]), ms(p["hello"]), p["hello libpq"] / p["hello"],
        "(what any CGI pays)", True)
    row("… the same inventory on SQLite, same run", ms(p["inventory 10k sqlite"]), ms(p["hello"]),
        p["inventory 10k sqlite"] / p["hello"], "(SQLite pays nothing for PostgreSQL)", True)

    # 2. Peak memory of one inventory request.
    rss = peak_kb(cgi(large))
    rss_hello = peak_kb(hello)
    row("max RSS of one inventory request (10,000)", rss / 1024, rss_hello / 1024, rss / rss_hello, "≤ 6 MB", rss <= 6 * 1024, "MB")
    # What that RSS is made of, just before the process exits: its own (anonymous) memory, and
    # file pages it has mapped — code and the memory-mapped database, which the page cache holds
    # for every process.
    run("gcc", "-O2", "-o", OUT / "memory-at-exit", ROOT / "Tests" / "bench" / "memory-at-exit.c")
    own = memory_at_exit(cgi(large))
    own_hello = memory_at_exit(hello)
    row("… at exit: its own memory (heap, stack, written data)", own[1] / 1024, own_hello[1] / 1024, own[1] / own_hello[1],
        "(reference)", True, "MB")
    row("… at exit: mapped file pages (code, the database)", own[2] / 1024, own_hello[2] / 1024, own[2] / own_hello[2],
        "(page cache, shared)", True, "MB")

    # 3. Through nginx + fcgiwrap: the console against the C CGI behind the same servers.
    hello_bin = OUT / "hello-bin"
    hello_bin.mkdir()
    shutil.copy(OUT / "hello-c", hello_bin / "hookline-console")
    for name in ("hookline-send", "hookline", "hookline-console-pg"):
        shutil.copy(BIN / name, hello_bin / name)
    servers = []
    try:
        console_proc, console_port = serve(BIN, large, "console")
        servers.append(console_proc)
        hello_proc, hello_port = serve(hello_bin, large, "hello")
        servers.append(hello_proc)
        rps = wrk(console_port)
        rps_hello = wrk(hello_port)
    finally:
        for proc in servers:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
    row("inventory through nginx + fcgiwrap (wrk, 8 connections)", round(rps), round(rps_hello), rps / rps_hello, "≥ 50 % of C",
        rps / rps_hello >= 0.5, "req/s")

    # 4. Ingestion: one API POST of 1,000 events, `emit --batch`, single `emit` (one matching webhook).
    ingest = make_db("ingest", 1)
    token = run(BIN / "hookline", "--config", ingest, "tokens", "create", "bench", "--scope", "ingest",
                capture_output=True, text=True).stdout.split()[-1]
    events = [{"event_type": "conversation.ended", "event_id": f"api-{i}", "agent_uuid": AGENT} for i in range(1000)]
    body = json.dumps({"events": events}).encode()
    env = dict(os.environ, HOOKLINE_CONFIG=str(ingest), REQUEST_METHOD="POST", SCRIPT_NAME="/webhooks",
               PATH_INFO="/api/v1/events", CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)),
               HTTP_AUTHORIZATION=f"Bearer {token}")
    seconds = timed([BIN / "hookline-console"], input=body, env=env, capture_output=True)
    row("`POST /api/v1/events`, one batch of 1,000", round(1000 / seconds), None, None, "≥ 5,000 events/s", 1000 / seconds >= 5000,
        "events/s")
    lines = "".join(json.dumps({"event_type": "conversation.ended", "event_id": f"cli-{i}"}) + "\n" for i in range(5000))
    seconds = timed([BIN / "hookline", "--config", ingest, "emit", "--batch"], input=lines, text=True, capture_output=True)
    batch_rate = 5000 / seconds
    start = time.perf_counter()
    for i in range(50):
        run(BIN / "hookline", "--config", ingest, "emit", "conversation.ended", "--id", f"one-{i}", capture_output=True)
    single_rate = 50 / (time.perf_counter() - start)
    row("`hookline emit --batch`, 5,000 events", round(batch_rate), round(single_rate), batch_rate / single_rate,
        "≥ 5,000 events/s", batch_rate >= 5000, "events/s")

    # 5. The worker against `curl --parallel` on the same local receiver (1,000 deliveries).
    receiver = subprocess.Popen([sys.executable, ROOT / "Tests" / "e2e" / "receivers.py", "serve"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    try:
        url = json.loads(receiver.stdout.readline())["url"] + "/nocontent"
        worker = make_db("worker", 1)
        sql(worker.parent / "hookline.db", f"UPDATE subscriptions SET url = '{url}', active = 1, secret = 'whsec_x';")
        run(BIN / "hookline", "--config", worker, "emit", "--batch", capture_output=True, text=True,
            input="".join(json.dumps({"event_type": "conversation.ended", "event_id": f"w-{i}"}) + "\n" for i in range(1000)))
        seconds = timed([BIN / "hookline", "--config", worker, "deliver", "--once"], capture_output=True)
        worker_rate = 1000 / seconds
        urls = OUT / "curl-urls.txt"
        urls.write_text("".join(f'url = "{url}"\noutput = "/dev/null"\n' for _ in range(1000)))
        seconds = timed(["curl", "-s", "--parallel", "--parallel-max", "16", "-X", "POST", "-d", "{}", "-K", urls],
                        capture_output=True)
        curl_rate = 1000 / seconds
    finally:
        receiver.stdin.close()
        receiver.wait(timeout=10)
    row("worker vs `curl --parallel --parallel-max 16`, 1,000 deliveries", round(worker_rate), round(curl_rate),
        worker_rate / curl_rate, "≥ 1.0×", worker_rate >= curl_rate, "deliveries/s")

    # The table.
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    lines = [f"`make bench` on {when}: {os.cpu_count()} cores ({cpu}), {platform.platform()}; hyperfine: median of {ROUNDS} rounds' medians, {RUNS} runs in all.", "",
             "| measure | Hookline | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        value = f"{r['value']:.2f} {r['unit']}" if isinstance(r["value"], float) else f"{r['value']:,} {r['unit']}"
        baseline = "" if r["baseline"] is None else (
            f"{r['baseline']:.2f} {r['unit']}" if isinstance(r["baseline"], float) else f"{r['baseline']:,} {r['unit']}")
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append(f"| {r['measure']} | {value} | {baseline} | {ratio} | {r['target']} | {'yes' if r['ok'] else '**no**'} |")
    missed = [r["measure"] for r in rows if not r["ok"]]
    lines += ["", "Rows that miss their target: " + ("; ".join(missed) if missed else "none.")]
    table = "\n".join(lines) + "\n"
    (OUT / "results.md").write_text(table)
    (OUT / "results.json").write_text(json.dumps(rows, indent=2))
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
