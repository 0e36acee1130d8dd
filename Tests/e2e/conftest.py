"""Fixtures for Hookline's end-to-end tests.

Write a test against the ``server`` fixture; it runs once per web server and
database backend (ids ``[nginx-sqlite]``, ``[nginx-postgresql]``,
``[apache-sqlite]``, ``[apache-postgresql]``) with Basic auth on and a fresh
config and database — on PostgreSQL a fresh database, copied from a migrated
template, on a throwaway server the session starts (Tests/pg/pg-server.sh,
Unix socket only) and stops::

    def test_inventory_is_empty(server):
        r = server.client().page("/")              # as alice, asserts 200
        assert "Signed in as alice" in r.text

    def test_anonymous_is_refused(server):
        assert server.client(user=None).get("/").status_code == 401

    @pytest.mark.hookline_config(allow_http=True, allowed_private_targets=["127.0.0.0/8"])
    def test_send_to_local_receiver(server):
        server.cli("demo")                         # hookline --config … demo
        ...
        server.configure(timeout=1)                # change config mid-test

    @pytest.mark.hookline_auth("none")             # no Basic auth in the server
    @pytest.mark.hookline_config(anonymous="dev")
    def test_dev_mode(server): ...

    @pytest.mark.servers("nginx")                  # only one kind
    def test_something_nginx_specific(server): ...

    @pytest.mark.backends("sqlite")                # only one backend: say why
    def test_the_sqlite_file(server): ...

Read and write the database with ``server.sql(query)`` (rows as dicts with
JSON types) and ``server.sql_write(script)`` (support.sql_write): the SQL
must run on both backends — literal unix seconds (``int(time.time())``)
instead of ``strftime``/``unixepoch()``, no ``printf``, no PRAGMA (use
``server.integrity_problems()``).

``server`` (servers.Hookline): ``kind``, ``backend``, ``database``,
``base_url`` (…/webhooks), ``origin``, ``url(path)``, ``config_path``,
``db_path`` (SQLite only, else None), ``auth`` (alice's (user, password)),
``users`` (name → password: alice, bob), ``cli(*args)``, ``sql(query)``,
``sql_write(script)``, ``integrity_problems()``, ``configure(**keys)``,
``client(user=…)``, ``logs()``, ``db_snapshot()``, ``open(driver, path,
user)``, ``share(file)`` (copy e.g. a test CA where www-data can read it:
pytest's tmp_path is 0700), ``files_dir``, ``serve_also(web_server)`` (the
same installation behind a second server too, for scale-out tests).
``client()`` returns a client.Client (requests.Session) with ``page``,
``submit``, ``post_form``, ``follow``, ``form`` and ``csrf_token`` helpers.

Other fixtures: ``postgres`` (the session's postgres.PostgresServer,
started on first use), ``db_snapshot`` (``snap = db_snapshot(); …;
snap.assert_unchanged()``), ``browser`` (headless Chromium, session-wide;
``server.open(browser, "/new")``), ``artifacts_dir`` (screenshots etc.),
``receiver`` (a recording HTTP receiver, receivers.Receiver), ``tls_ca``
(session-wide test CA + server certificate), ``https_receiver`` (HTTPS with
that CA), ``stage`` / ``server_pool`` (lower level, see servers.py).

Shared helpers (test data, console steps such as ``create`` and ``send_test``,
page readers, signature checks) are in support.py; HTML is read with dom.py;
browser steps are in browser_helpers.py.

Environment knobs: HOOKLINE_E2E_SERVERS=nginx (only that kind),
HOOKLINE_E2E_BACKENDS=sqlite (only that backend; default
``sqlite,postgresql``),
HOOKLINE_E2E_BIN_DIR=DIR (use binaries from DIR, no build; likewise
HOOKLINE_E2E_TEMPLATES and HOOKLINE_E2E_PUBLIC for the other two inputs),
HOOKLINE_E2E_KEEP=1 (keep /tmp/hookline-e2e-* with configs, logs, SQLite
databases; PostgreSQL's are dropped regardless).

SQLite only, with the reason at the marker: the deploy guide's sqlite3
backup and restore (test_deploy) and the browser tests (test_browser: what
Chromium does with the pages; the pages on PostgreSQL are checked without a
browser). Tests without the ``server`` fixture (test_cli, test_deploy's
install, upgrade and HTTPS tests) build their own SQLite installations.
PostgreSQL only: test_scale_out.py (nginx and Apache on one database with
four workers).
On failure, the test's server error logs (incl. CGI stderr) are attached to
the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser_helpers import chrome  # noqa: E402
from receivers import Receiver, make_test_ca  # noqa: E402
from postgres import FreshDatabases, PostgresDatabase, PostgresServer  # noqa: E402
from servers import BINARIES, KINDS, REPO, Hookline, ServerPool, ServiceUser, Stage, config_text, new_session_root  # noqa: E402

ARTIFACTS = REPO / ".e2e-artifacts"
BACKENDS = ("sqlite", "postgresql")


def _kinds_for(definition) -> list[str]:
    kinds = list(KINDS)
    marker = definition.get_closest_marker("servers")
    if marker:
        kinds = [k for k in kinds if k in marker.args]
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only:
        kinds = [k for k in kinds if k in only.split(",")]
    return kinds


def _backends_for(definition) -> list[str]:
    backends = list(BACKENDS)
    marker = definition.get_closest_marker("backends")
    if marker:
        backends = [b for b in backends if b in marker.args]
    only = os.environ.get("HOOKLINE_E2E_BACKENDS")
    if only:
        backends = [b for b in backends if b in only.split(",")]
    return backends


def pytest_generate_tests(metafunc):
    if "server_kind" in metafunc.fixturenames:
        kinds = _kinds_for(metafunc.definition)
        metafunc.parametrize("server_kind", kinds, ids=kinds)
    if "backend" in metafunc.fixturenames:
        backends = _backends_for(metafunc.definition)
        metafunc.parametrize("backend", backends, ids=backends)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        hookline = getattr(item, "funcargs", {}).get("server")
        if isinstance(hookline, Hookline):
            report.sections.append((f"{hookline.kind}/{hookline.backend} error logs", hookline.logs() or "(empty)"))


def pytest_terminal_summary(terminalreporter):
    pool = getattr(pytest, "_hookline_pool", None)
    if pool and pool.servers:
        times = ", ".join(f"{k}/{a} {s.startup_seconds:.2f}s" for (k, a), s in pool.servers.items())
        terminalreporter.write_line(f"hookline e2e server start-up: {times}")


# --------------------------------------------------------------------------
# Session: build, stage, servers


@pytest.fixture(scope="session")
def hookline_build() -> dict[str, Path]:
    """Directories of the release binaries, templates and static files.

    Builds (`make build`, into .build/dist) once if a binary
    is missing; `make test` has built them already.
    """
    override = os.environ.get("HOOKLINE_E2E_BIN_DIR")
    bin_dir = Path(override) if override else REPO / ".build" / "dist"
    if not override and not all((bin_dir / b).exists() for b in BINARIES):
        subprocess.run(["make", "build"], cwd=REPO, check=True)
    missing = [b for b in BINARIES if not (bin_dir / b).exists()]
    if missing:
        pytest.exit(f"missing binaries in {bin_dir}: {', '.join(missing)}", returncode=3)
    return {
        "bin_dir": bin_dir,
        "templates_dir": Path(os.environ.get("HOOKLINE_E2E_TEMPLATES", REPO / "Templates")),
        "public_dir": Path(os.environ.get("HOOKLINE_E2E_PUBLIC", REPO / "Public")),
    }


@pytest.fixture(scope="session")
def session_root():
    """Fresh world-traversable /tmp/hookline-e2e-* directory (pytest's tmp dirs are 0700)."""
    root = new_session_root()
    yield root
    if not os.environ.get("HOOKLINE_E2E_KEEP"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def stage(hookline_build, session_root) -> Stage:
    """The binaries, templates and static files, copied where www-data can read them."""
    return Stage.copy(session_root / "stage", **hookline_build)


@pytest.fixture(scope="session")
def server_pool(stage, session_root):
    """Web servers shared by the session: one per (kind, auth), started on first use."""
    pool = ServerPool(stage, session_root)
    pytest._hookline_pool = pool
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (postgres.PostgresServer), under TMPDIR."""
    server = PostgresServer.start(Path(tempfile.gettempdir()) / f"hookline-e2e-pg-{os.getpid()}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases(postgres, stage, session_root):
    """Fresh copies (postgres.FreshDatabases) of a database migrated by this build's ``hookline init``."""
    name = "hookline_template"
    postgres.create_database(name)
    config = session_root / "pg-template.conf"
    config.write_text(config_text({"database": postgres.url(name), "templates": stage.templates_dir}))
    os.chmod(config, 0o644)
    argv = ServiceUser.detect().command([str(stage.binary("hookline")), "--config", str(config), "init"])
    result = subprocess.run(argv, capture_output=True, text=True, cwd=session_root, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if result.returncode != 0:
        pytest.fail(f"hookline init on PostgreSQL ({postgres.url(name)}) exited {result.returncode}:\n"
                    f"{result.stdout}{result.stderr}", pytrace=False)
    databases = FreshDatabases(postgres, name)
    yield databases
    databases.close()


@pytest.fixture
def database(backend, request):
    """The test's own database: None (a fresh SQLite file) or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield None
        return
    databases = request.getfixturevalue("pg_databases")
    name = databases.take()
    yield PostgresDatabase(databases.server, name)
    databases.give_back(name)


# --------------------------------------------------------------------------
# Per test


@pytest.fixture
def server(server_pool, server_kind, database, request) -> Hookline:
    """Hookline behind ``server_kind`` with a fresh config and database (see module doc)."""
    auth_marker = request.node.get_closest_marker("hookline_auth")
    auth = auth_marker.args[0] if auth_marker else "basic"
    config: dict[str, object] = {}
    for marker in reversed(list(request.node.iter_markers("hookline_config"))):
        config.update(marker.kwargs)  # closest marker wins
    return Hookline(server_pool.get(server_kind, auth), config, database=database)


@pytest.fixture
def db_snapshot(server):
    """Factory: ``snap = db_snapshot()`` now, ``snap.assert_unchanged()`` later."""
    return server.db_snapshot


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests put screenshots and other files worth keeping (.e2e-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Selenium), shared by the session. Use ``server.open(browser, path)``."""
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture
def receiver():
    """A recording HTTP receiver on loopback (see receivers.py for its routes)."""
    with Receiver() as r:
        yield r


@pytest.fixture(scope="session")
def tls_ca():
    """A test CA and a server certificate for 127.0.0.1/::1/localhost, removed at the end."""
    certificates = make_test_ca()
    yield certificates
    certificates.remove()


@pytest.fixture
def https_receiver(tls_ca):
    """Like ``receiver``, over HTTPS with a certificate from ``tls_ca``."""
    with Receiver(tls=tls_ca) as r:
        yield r
