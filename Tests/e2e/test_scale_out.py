"""Scale-out on PostgreSQL (DESIGN §10): nginx and Apache serving one database at the same time,
four ``hookline deliver`` workers in their own processes, everything at once.

While the workers run, API clients ingest events through both web servers, and eight editors (four
through each server, alice and bob) save the same subscription's form in rounds: each round all of
them load the edit form, then all post it together. Afterwards:

* every delivery reached the receiver exactly once (0 lost, 0 duplicates), one attempt each;
* each round of edits had exactly one winner (303) and seven 409 "Someone else saved" answers;
* every acknowledged edit is in the database and in the subscription's audit, in order, each
  one's old value being the previous winner's new one (no edit was silently overwritten).

PostgreSQL only: with SQLite there is one machine's file (test_workers.py and test_soak.py cover
several workers and concurrent clients on it).
"""

from __future__ import annotations

import collections
import signal
import subprocess
import threading
import time

import pytest

from api_support import ApiClient, make_token
from dom import page_text
from servers import CLEAN_ENV, Hookline
from support import LOCAL, audit_entries, create, form_state, valid_fields

pytestmark = pytest.mark.backends("postgresql")

WORKERS = 4
SUBSCRIPTIONS = 10  # receiving every event
INGESTERS_PER_SERVER = 2
BATCHES = 10  # per ingester
EVENTS_PER_BATCH = 5  # → 2 × 2 × 10 × 5 = 200 events, 2,000 deliveries
EDITORS_PER_SERVER = 4
ROUNDS = 12
ENDED = "conversation.ended"


def start_worker(hookline: Hookline) -> subprocess.Popen:
    """``hookline deliver`` (no --once: it keeps polling) as the service user."""
    argv = hookline.server.user.command(
        [str(hookline.server.stage.binary("hookline")), "--config", str(hookline.config_path), "deliver"])
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=CLEAN_ENV,
                            cwd=hookline.data_dir)


class Threads:
    """Runs functions on threads; an exception is recorded (and breaks ``barrier``), never lost."""

    def __init__(self, barrier: threading.Barrier | None = None):
        self.barrier = barrier
        self.failures: list[str] = []
        self.threads: list[threading.Thread] = []

    def start(self, name: str, function, *args) -> None:
        def run():
            try:
                function(*args)
            except Exception as error:
                self.failures.append(f"{name}: {error!r}")
                if self.barrier is not None:
                    self.barrier.abort()

        thread = threading.Thread(target=run, name=name)
        thread.start()
        self.threads.append(thread)

    def join(self) -> None:
        for thread in self.threads:
            thread.join()


def test_two_web_servers_and_four_workers_on_one_database(server_pool, database, receiver):
    # Generous timeouts: a slow answer must not turn into a (legitimate) retry and look like a double send.
    nginx = Hookline(server_pool.get("nginx"), {**LOCAL, "timeout": 15, "connect_timeout": 5}, database=database)
    apache = nginx.serve_also(server_pool.get("apache"))
    fronts = {"nginx": nginx, "apache": apache}

    # Subscriptions made through both consoles; the shared one gets no events (it is only edited).
    paths = [f"/nocontent/s{i}" for i in range(SUBSCRIPTIONS)]
    for i, path in enumerate(paths):
        create((nginx if i % 2 else apache).client(), name=f"Receiver {i}", url=receiver.url(path), events=[ENDED])
    shared = create(nginx.client(), name="Shared", url=receiver.url("/nocontent/shared"),
                    events=["conversation.started"], generate_secret=None).id
    token = make_token(nginx, "platform", "ingest")

    # Ingest through both servers.
    ingested: list[tuple[str, dict]] = []
    event_ids: list[str] = []

    def ingest(front: str, index: int) -> None:
        api = ApiClient(fronts[front], token)
        for batch in range(BATCHES):
            ids = [f"{front}-{index}-{batch}-{k}" for k in range(EVENTS_PER_BATCH)]
            r = api.call("POST", "/events", json={"events": [{"event_type": ENDED, "event_id": i} for i in ids]})
            assert r.status_code == 202, f"{front}: {r.status_code} {r.text[:500]}"
            ingested.append((front, r.json()))
            event_ids.extend(ids)

    # Rounds of concurrent edits of one subscription through both servers.
    editors = [(front, user) for front in fronts for user in ("alice", "bob") * (EDITORS_PER_SERVER // 2)]
    barrier = threading.Barrier(len(editors))
    outcomes: list[list[tuple[int, str, int, str]]] = [[] for _ in range(ROUNDS)]  # (editor, name, status, text)

    def edit(number: int, front: str, user: str) -> None:
        client = fronts[front].client(user)
        for round_ in range(ROUNDS):
            form = client.page(f"/{shared}/edit")
            barrier.wait(timeout=120)  # everyone holds the same version
            name = f"Round {round_:02d} by editor {number} ({user} via {front})"
            r = client.post_from(form, valid_fields(name=name, url=receiver.url("/nocontent/shared"),
                                                    events=["conversation.started"], generate_secret=None))
            outcomes[round_].append((number, name, r.status_code, page_text(r.text) if r.status_code != 303 else ""))
            barrier.wait(timeout=120)  # the round is over for everyone

    workers = [start_worker(nginx) for _ in range(WORKERS)]
    try:
        threads = Threads(barrier)
        for index in range(INGESTERS_PER_SERVER):
            for front in fronts:
                threads.start(f"ingest {front} {index}", ingest, front, index)
        for number, (front, user) in enumerate(editors):
            threads.start(f"editor {number}", edit, number, front, user)
        threads.join()
        assert not threads.failures, threads.failures

        expected = len(event_ids) * SUBSCRIPTIONS
        deadline = time.monotonic() + 180
        while (done := nginx.sql("SELECT count(*) AS n FROM deliveries WHERE state = 'succeeded'")[0]["n"]) < expected:
            assert all(w.poll() is None for w in workers), "a worker exited"
            assert time.monotonic() < deadline, f"{done} of {expected} delivered after 180 s"
            time.sleep(0.25)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=30) for worker in workers]
    errors = [err for _, err in outputs if err.strip()]
    assert not errors, errors[:2]

    # Deliveries: every (subscription, event) exactly once.
    assert all(body["accepted"] == EVENTS_PER_BATCH and body["deliveries"] == EVENTS_PER_BATCH * SUBSCRIPTIONS
               for _, body in ingested), ingested[:3]
    assert collections.Counter(front for front, _ in ingested) == {f: INGESTERS_PER_SERVER * BATCHES for f in fronts}
    counts = collections.Counter((r.path, r.header("X-Webhook-Id")) for r in receiver.requests)
    wanted = {(path, event) for path in paths for event in event_ids}
    duplicates = sum(n - 1 for n in counts.values())
    lost = wanted - set(counts)
    attempts = collections.Counter(row["n"] for row in nginx.sql(
        "SELECT count(a.id) AS n FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id GROUP BY d.id"))

    # Edits: one winner per round, the rest refused with 409.
    winners = []
    for round_, answers in enumerate(outcomes):
        statuses = collections.Counter(status for _, _, status, _ in answers)
        assert statuses == {303: 1, 409: len(editors) - 1}, (round_, statuses, [a[3][:300] for a in answers if a[2] not in (303, 409)])
        assert all("Someone else saved" in text for _, _, status, text in answers if status == 409)
        winners.append(next(name for _, name, status, _ in answers if status == 303))
    print(f"\nscale-out: {len(event_ids)} events ingested through nginx and Apache, {expected} deliveries by {WORKERS} "
          f"workers: {len(counts)} received, {duplicates} duplicates, {len(lost)} lost; {ROUNDS} rounds of "
          f"{len(editors)} concurrent edits: {ROUNDS} saved, {ROUNDS * (len(editors) - 1)} refused with 409; "
          f"winners by server {dict(collections.Counter(w.rsplit(' via ', 1)[1][:-1] for w in winners))}")
    assert lost == set(), sorted(lost)[:10]
    assert duplicates == 0, [key for key, n in counts.items() if n > 1][:10]
    assert set(counts) == wanted
    assert attempts == {1: expected}

    # Every acknowledged edit is stored and audited, each on top of the one before.
    row = nginx.sql(f"SELECT name, version FROM subscriptions WHERE id = {shared}")[0]
    assert row == {"name": winners[-1], "version": 1 + ROUNDS}
    audited = nginx.sql(f"SELECT count(*) AS n FROM audit_log WHERE subscription_id = {shared} AND action = 'update'")
    assert audited == [{"n": ROUNDS}]
    for front in fronts.values():  # both consoles show the same history
        page = front.client().page(f"/{shared}")
        names = [e["changes"]["name"] for e in reversed(audit_entries(page.text)) if "name" in e["changes"]]
        assert names[0][1] == "Shared", names[0]  # the create
        assert names[1:] == list(zip(["Shared"] + winners[:-1], winners)), names
        assert form_state(front.client().page(f"/{shared}/edit").text)["name"] == winners[-1]
