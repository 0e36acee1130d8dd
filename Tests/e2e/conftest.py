"""Fixtures for Hookline's end-to-end tests.

Write a test against the ``server`` fixture; it runs once per web server
(ids ``[nginx]`` and ``[apache]``) with Basic auth on and a fresh config and
database::

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

``server`` (servers.Hookline): ``kind``, ``base_url`` (…/webhooks),
``origin``, ``url(path)``, ``config_path``, ``db_path``, ``auth`` (alice's
(user, password)), ``users`` (name → password: alice, bob),
``cli(*args)``, ``sql(query)``, ``configure(**keys)``, ``client(user=…)``,
``logs()``, ``db_snapshot()``, ``open(driver, path, user)``, ``share(file)``
(copy e.g. a test CA where www-data can read it: pytest's tmp_path is 0700),
``files_dir``.
``client()`` returns a client.Client (requests.Session) with ``page``,
``submit``, ``post_form``, ``follow``, ``form`` and ``csrf_token`` helpers.

Other fixtures: ``db_snapshot`` (``snap = db_snapshot(); …;
snap.assert_unchanged()``), ``browser`` (headless Chromium, session-wide;
``server.open(browser, "/new")``), ``artifacts_dir`` (screenshots etc.),
``receiver`` (a recording HTTP receiver, receivers.Receiver), ``tls_ca``
(session-wide test CA + server certificate), ``https_receiver`` (HTTPS with
that CA), ``stage`` / ``server_pool`` (lower level, see servers.py).

Shared helpers (test data, console steps such as ``create`` and ``send_test``,
page readers, signature checks) are in support.py; HTML is read with dom.py;
browser steps are in browser_helpers.py.

Environment knobs: HOOKLINE_E2E_SERVERS=nginx (only that kind),
HOOKLINE_E2E_BIN_DIR=DIR (use binaries from DIR, no build; likewise
HOOKLINE_E2E_TEMPLATES and HOOKLINE_E2E_PUBLIC for the other two inputs),
HOOKLINE_E2E_KEEP=1 (keep /tmp/hookline-e2e-* with configs, logs, databases).
On failure, the test's server error logs (incl. CGI stderr) are attached to
the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser_helpers import chrome  # noqa: E402
from receivers import Receiver, make_test_ca  # noqa: E402
from servers import BINARIES, KINDS, REPO, Hookline, ServerPool, Stage, new_session_root  # noqa: E402

ARTIFACTS = REPO / ".e2e-artifacts"


def _kinds_for(definition) -> list[str]:
    kinds = list(KINDS)
    marker = definition.get_closest_marker("servers")
    if marker:
        kinds = [k for k in kinds if k in marker.args]
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only:
        kinds = [k for k in kinds if k in only.split(",")]
    return kinds


def pytest_generate_tests(metafunc):
    if "server_kind" in metafunc.fixturenames:
        kinds = _kinds_for(metafunc.definition)
        metafunc.parametrize("server_kind", kinds, ids=kinds)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        hookline = getattr(item, "funcargs", {}).get("server")
        if isinstance(hookline, Hookline):
            report.sections.append((f"{hookline.kind} error logs", hookline.logs() or "(empty)"))


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


# --------------------------------------------------------------------------
# Per test


@pytest.fixture
def server(server_pool, server_kind, request) -> Hookline:
    """Hookline behind ``server_kind`` with a fresh config and database (see module doc)."""
    auth_marker = request.node.get_closest_marker("hookline_auth")
    auth = auth_marker.args[0] if auth_marker else "basic"
    config: dict[str, object] = {}
    for marker in reversed(list(request.node.iter_markers("hookline_config"))):
        config.update(marker.kwargs)  # closest marker wins
    return Hookline(server_pool.get(server_kind, auth), config)


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
