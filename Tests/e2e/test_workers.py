"""Several delivery workers at once (DESIGN §10): real ``hookline deliver`` processes, a real receiver.

Each worker claims due deliveries with a lease, so no two send the same attempt; a worker killed
mid-batch leaves claims that expire and another worker sends them (at least once, never lost).
The receiver counts what arrives per (subscription path, ``X-Webhook-Id``). The web server is not
involved, so these run once per database backend (nginx kind only, for its config and database);
test_scale_out.py adds both web servers on one PostgreSQL database.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time

import pytest

from receivers import Response
from servers import CLEAN_ENV
from support import LOCAL, insert_subscriptions

pytestmark = pytest.mark.servers("nginx")


def add_subscriptions(server, urls: list[str]) -> None:
    """Active subscriptions to ``conversation.ended`` at ``urls``, one each, straight into the database."""
    insert_subscriptions(server, [(f"Worker {i:03d}", url) for i, url in enumerate(urls)])


def emit(server, events: int) -> None:
    for _ in range(events):
        server.cli("emit", "conversation.ended")


def start_worker(server, *args: str) -> subprocess.Popen:
    """``hookline deliver *args`` as its own process (as the service user)."""
    argv = server.server.user.command(
        [str(server.server.stage.binary("hookline")), "--config", str(server.config_path), "deliver", *args])
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=CLEAN_ENV,
                            cwd=server.data_dir)


def stop(worker: subprocess.Popen) -> tuple[str, str]:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    return worker.communicate(timeout=10)


def received(receiver) -> collections.Counter:
    """(path, event id) → how many requests carried it."""
    return collections.Counter((r.path, r.header("X-Webhook-Id")) for r in receiver.requests)


def wait_until_delivered(server, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        done = server.sql("SELECT count(*) AS n FROM deliveries WHERE state = 'succeeded'")[0]["n"]
        if done == expected:
            return
        assert time.monotonic() < deadline, f"{done} of {expected} delivered after {timeout}s"
        time.sleep(0.2)


def attempts_per_delivery(server) -> collections.Counter:
    """Recorded attempts per delivery → how many deliveries have that many."""
    rows = server.sql("SELECT d.id, count(a.id) AS n FROM deliveries d "
                      "LEFT JOIN delivery_attempts a ON a.delivery_id = d.id GROUP BY d.id")
    return collections.Counter(row["n"] for row in rows)


# Generous timeouts: a slow answer must not turn into a (legitimate) retry and look like a double send.
@pytest.mark.hookline_config(**{**LOCAL, "timeout": 15, "connect_timeout": 5})
def test_four_workers_send_each_of_2000_deliveries_once(server, receiver):
    add_subscriptions(server, [receiver.url(f"/nocontent/s{i}") for i in range(20)])
    emit(server, 100)
    assert server.sql("SELECT count(*) AS n FROM deliveries")[0]["n"] == 2000

    t0 = time.monotonic()
    workers = [start_worker(server, "--once") for _ in range(4)]
    outputs = [w.communicate(timeout=180) for w in workers]
    seconds = time.monotonic() - t0
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
    made = [int(out.split()[1]) for out, _ in outputs]  # "delivered N attempts"

    counts = received(receiver)
    duplicates = sum(n - 1 for n in counts.values())
    print(f"\n4 workers, 2000 deliveries: attempts per worker {made}, {len(counts)} distinct received, "
          f"{duplicates} duplicates, {seconds:.1f} s")
    assert sum(made) == 2000
    assert sum(1 for n in made if n > 0) >= 2, f"the workers did not share the work: {made}"
    assert len(counts) == 2000
    assert duplicates == 0, [key for key, n in counts.items() if n > 1][:10]
    assert attempts_per_delivery(server) == {1: 2000}
    assert server.sql("SELECT count(*) AS n FROM deliveries WHERE state = 'succeeded' AND claim IS NULL")[0]["n"] == 2000


@pytest.mark.hookline_config(**{**LOCAL, "timeout": 3, "connect_timeout": 1})
def test_a_killed_workers_claims_expire_and_another_worker_sends_them(server, receiver):
    lease = 6  # the shortest allowed here is connect_timeout + timeout + 1 = 5
    receiver.route("/hold", Response(200, b"{}", delay_seconds=30))  # records the request, then hangs
    add_subscriptions(server, [receiver.url(f"/hold/s{i}") for i in range(10)])
    emit(server, 30)
    assert server.sql("SELECT count(*) AS n FROM deliveries")[0]["n"] == 300

    doomed = start_worker(server, "--lease", str(lease), "--batch", "100")
    try:
        in_flight = receiver.wait_for_requests(100, timeout=10)
        doomed.send_signal(signal.SIGKILL)  # mid-batch: 100 attempts sent, none answered or recorded
        killed_at = time.monotonic()
        doomed.wait(timeout=5)
    finally:
        if doomed.poll() is None:
            doomed.kill()
        doomed.communicate()
    first_seen = {(r.path, r.header("X-Webhook-Id")): r.received_at for r in in_flight}
    assert len(first_seen) == 100
    held = server.sql("SELECT count(*) AS n FROM deliveries WHERE claim IS NOT NULL AND state = 'pending'")[0]["n"]
    assert held == 100

    receiver.route("/hold", Response(204))  # the receiver recovers
    survivor = start_worker(server, "--lease", str(lease))
    try:
        wait_until_delivered(server, 300, timeout=40)
    finally:
        out, err = stop(survivor)
    finished = time.monotonic() - killed_at

    counts = received(receiver)
    twice = {key for key, n in counts.items() if n > 1}
    print(f"\nkill test: {len(counts)} of 300 received, {sum(counts.values())} requests, "
          f"{len(twice)} received twice (killed worker in flight: {len(first_seen)}), done {finished:.1f} s after the kill")
    assert len(counts) == 300  # every delivery received at least once
    assert max(counts.values()) == 2
    assert twice == set(first_seen)  # duplicates only for the killed worker's in-flight attempts
    # The survivor waited for the lease before sending them again (whole seconds: at least lease - 1),
    # counted from the claim, which came just before the killed worker's first request (the rest of
    # its batch followed within the worker's short wait for a connection to the one receiver).
    claimed_at = min(first_seen.values())
    resent = {}
    for r in receiver.requests:
        key = (r.path, r.header("X-Webhook-Id"))
        if key in twice and r.received_at > first_seen[key]:
            resent[key] = r.received_at - claimed_at
    assert len(resent) == 100 and min(resent.values()) >= lease - 1, sorted(resent.values())[:3]
    # Each delivery has exactly one recorded attempt: the killed worker recorded nothing.
    assert attempts_per_delivery(server) == {1: 300}
    assert not err.strip(), err  # the survivor never failed a round


@pytest.mark.hookline_config(**LOCAL)
def test_deliver_refuses_a_lease_shorter_than_one_attempt(server):
    r = server.cli("deliver", "--once", "--lease", "2", check=False)
    assert r.returncode == 2
    assert "shorter than one attempt" in r.stderr and "at least 4" in r.stderr
    assert server.cli("deliver", "--once", "--lease", "4", "--batch", "5").stdout == "delivered 0 attempts\n"
    if server.backend == "sqlite":
        assert os.path.exists(server.db_path)
