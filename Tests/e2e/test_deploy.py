"""The deployment itself: web server configs, install script, `make run`.

Most checks need to see the CGI environment the web server builds, which the
real console never shows. For those, the *same* rendered Deploy/ configs are
pointed (via @BIN_DIR@) at a directory whose hookline-console and
hookline-send are a small environment-dumping script: what is tested is the
server configuration, not the binaries.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import requests

from receivers import Response
from servers import (BINARIES, CLEAN_ENV, DEPLOY, KINDS, MOUNT, REPO, USERS, Hookline, Stage, WebServer, free_port,
                     make_public_dir)
from support import create, send_test

ENV_DUMP = """#!/bin/sh
# Test stand-in for {name}: prints its CGI environment and request body.
printf 'Status: 200 OK\\r\\nContent-Type: text/plain\\r\\nX-Script: {name}\\r\\n\\r\\n'
env
echo '--- body'
if [ -n "$CONTENT_LENGTH" ]; then head -c "$CONTENT_LENGTH"; fi
"""


def parse_dump(text: str) -> tuple[dict[str, str], str]:
    head, _, body = text.partition("--- body\n")
    env = {}
    for line in head.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.replace("_", "").isalnum():
            env[name] = value
    return env, body


@pytest.fixture(scope="module")
def env_stage(stage, session_root) -> Stage:
    """``stage`` with the two CGIs replaced by environment dumps."""
    root = make_public_dir(session_root / "env-stage")
    bin_dir = make_public_dir(root / "bin")
    for name in ("hookline-console", "hookline-send"):
        (bin_dir / name).write_text(ENV_DUMP.format(name=name))
        os.chmod(bin_dir / name, 0o755)
    os.symlink(stage.binary("hookline"), bin_dir / "hookline")
    return Stage(bin_dir, stage.templates_dir, stage.public_dir)


@pytest.fixture(scope="module", params=[(k, a) for k in KINDS for a in ("basic", "none")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def env_server(request, env_stage, session_root):
    kind, auth = request.param
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only and kind not in only.split(","):
        pytest.skip(f"HOOKLINE_E2E_SERVERS={only}")
    server = WebServer(kind, env_stage, session_root / f"env-{kind}-{auth}", auth=auth).start()
    yield server
    server.stop()


def dump(server: WebServer, path: str, *, method: str = "GET", auth=("alice", USERS["alice"]), **kwargs):
    if server.auth == "none" and auth == ("alice", USERS["alice"]):
        auth = None
    r = requests.request(method, server.origin + path, auth=auth, allow_redirects=False, timeout=10, **kwargs)
    assert r.status_code == 200, f"{method} {path}: {r.status_code}\n{r.text[:500]}\n{server.logs()}"
    env, body = parse_dump(r.text)
    return r.headers["X-Script"], env, body


# --------------------------------------------------------------------------
# Routing: which program runs, with which SCRIPT_NAME / PATH_INFO


ROUTES = [
    ("/webhooks/", "hookline-console", "/"),
    ("/webhooks/new", "hookline-console", "/new"),
    ("/webhooks/12/edit", "hookline-console", "/12/edit"),
    ("/webhooks/12/delete", "hookline-console", "/12/delete"),
    ("/webhooks/12/deliveries", "hookline-console", "/12/deliveries"),
    # The pages that send, too: hookline-console hands their POSTs to hookline-send itself,
    # so the web server knows no route of Hookline's.
    ("/webhooks/5/test", "hookline-console", "/5/test"),
    ("/webhooks/5/deliveries/3/resend", "hookline-console", "/5/deliveries/3/resend"),
    ("/webhooks/5/test/", "hookline-console", "/5/test/"),
    ("/webhooks/5/tests", "hookline-console", "/5/tests"),
    ("/webhooks/5/test/x", "hookline-console", "/5/test/x"),
    ("/webhooks/abc/test", "hookline-console", "/abc/test"),
    ("/webhooks/5/deliveries/x/resend", "hookline-console", "/5/deliveries/x/resend"),
    ("/webhooks/a%20b", "hookline-console", "/a b"),  # PATH_INFO arrives decoded
]


@pytest.mark.parametrize("path,script,path_info", ROUTES, ids=[r[0] for r in ROUTES])
def test_routing(env_server, path, script, path_info):
    got_script, env, _ = dump(env_server, path + "?q=a%26b&page=2")
    assert got_script == script
    assert env["SCRIPT_NAME"] == MOUNT
    assert env["PATH_INFO"] == path_info
    assert env["QUERY_STRING"] == "q=a%26b&page=2"
    assert env["HOOKLINE_CONFIG"] == str(env_server.config_path)
    assert env["REQUEST_METHOD"] == "GET"
    assert env["HTTP_HOST"] == f"127.0.0.1:{env_server.port}", "Host with port, for the same-origin check"


@pytest.mark.parametrize("path", ["/webhooks/new", "/webhooks/5/test"])
def test_post_body_reaches_the_cgi(env_server, path):
    body = "name=CRM&url=https%3A%2F%2Fexample.com%2Fh&events=a&events=b"
    _, env, got = dump(env_server, path, method="POST", data=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Origin": env_server.origin})
    assert env["REQUEST_METHOD"] == "POST"
    assert env["CONTENT_LENGTH"] == str(len(body))
    assert env["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert env["HTTP_ORIGIN"] == env_server.origin
    assert got == body


def test_mount_without_slash_redirects(env_server):
    r = requests.get(env_server.origin + MOUNT, allow_redirects=False, timeout=10)
    assert r.status_code in (301, 302)
    assert r.headers["Location"].endswith(MOUNT + "/")


def test_cgi_environment_does_not_leak_server_environment(env_server):
    _, env, _ = dump(env_server, "/webhooks/")
    assert "HOME" not in env or env["HOME"] != os.environ.get("HOME")
    for name in ("PYTEST_CURRENT_TEST", "VIRTUAL_ENV", "HOOKLINE_E2E_KEEP"):
        assert name not in env


# --------------------------------------------------------------------------
# Identity: only a verified login sets REMOTE_USER; no httpoxy


def test_logged_in_user_is_remote_user(env_server):
    if env_server.auth == "none":
        pytest.skip("no login without Basic auth")
    for user, password in USERS.items():
        _, env, _ = dump(env_server, "/webhooks/", auth=(user, password))
        assert env["REMOTE_USER"] == user
        assert env.get("AUTH_TYPE", "Basic") == "Basic"


def test_forged_headers_cannot_set_identity_or_proxy(env_server):
    forged = {
        "Proxy": "http://attacker.example:3128",
        "Remote-User": "mallory",
        "X-Remote-User": "mallory",
    }
    _, env, _ = dump(env_server, "/webhooks/5/test", headers=forged)
    assert "HTTP_PROXY" not in env or env["HTTP_PROXY"] == ""
    assert "HTTP_AUTHORIZATION" not in env or env["HTTP_AUTHORIZATION"] == ""
    expected = "alice" if env_server.auth == "basic" else ""
    assert env.get("REMOTE_USER", "") == expected


def test_forged_authorization_without_login(env_server):
    """An Authorization header for an unknown user: refused with auth, ignored without."""
    headers = {"Authorization": "Basic bWFsbG9yeTpub3BlCg==", "Proxy": "http://attacker.example:3128"}  # mallory:nope
    if env_server.auth == "basic":
        r = requests.get(env_server.base_url + "/", headers=headers, timeout=10)
        assert r.status_code == 401
        assert "mallory" not in r.text
        return
    # Without auth_basic nginx still parses the header into $remote_user;
    # the config must not pass it on.
    _, env, _ = dump(env_server, "/webhooks/", auth=None, headers=headers)
    assert env.get("REMOTE_USER", "") == ""
    assert "HTTP_AUTHORIZATION" not in env or env["HTTP_AUTHORIZATION"] == ""
    assert "HTTP_PROXY" not in env or env["HTTP_PROXY"] == ""


# --------------------------------------------------------------------------
# The real binaries behind the real configs


@pytest.mark.parametrize("path", ["/", "/new", "/5/test", "/static/hookline.css"])
def test_anonymous_request_gets_401(server, path):
    r = server.client(user=None).get(path, allow_redirects=False)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_gets_401(server):
    assert server.client("alice", "wrong").get("/").status_code == 401


def test_console_shows_the_signed_in_user(server):
    for user in ("alice", "bob"):
        r = server.client(user).page("/")
        assert "Signed in as" in r.text and user in r.text


STATIC_TYPES = {
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".svg": ("image/svg+xml",),
    ".png": ("image/png",),
    ".ico": ("image/vnd.microsoft.icon", "image/x-icon"),
    ".woff2": ("font/woff2",),
}


def test_static_files_have_type_and_cache_headers(server):
    public = server.server.stage.public_dir  # a copy of Public/
    files = [p for p in public.rglob("*") if p.is_file() and p.suffix in STATIC_TYPES]
    assert any(p.name == "hookline.css" for p in files), "Public/hookline.css expected"
    client = server.client()
    for path in files:
        rel = path.relative_to(public).as_posix()
        r = client.page(f"/static/{rel}")
        assert r.content == path.read_bytes(), rel
        assert r.headers["Content-Type"].split(";")[0] in STATIC_TYPES[path.suffix], rel
        cache = r.headers.get("Cache-Control", "")
        assert "max-age=" in cache and int(cache.split("max-age=")[1].split(",")[0]) >= 86400, (rel, cache)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", rel
    assert client.get("/static/no-such-file.css").status_code == 404
    assert client.get("/static/").status_code in (403, 404), "no directory listing"


def test_static_files_cannot_escape_public_dir(server):
    """Nothing next to the public directory (binaries, templates) is reachable."""
    client = server.client()
    secret = server.server.stage.binary("hookline").read_bytes()[:4096]
    for path in ("/static/../bin/hookline", "/static/%2e%2e/bin/hookline", "/static/..%2fbin/hookline",
                 "/static//../bin/hookline"):
        r = client.get(path, allow_redirects=False)
        assert not r.content.startswith(secret[:256]), path


# --------------------------------------------------------------------------
# Config errors: what is wrong, on the page; where, in the server's error log only


def _wait_for_log(server, text: str, timeout: float = 5) -> str:
    deadline = time.monotonic() + timeout
    while True:
        logs = server.logs()
        if text in logs or time.monotonic() > deadline:
            return logs
        time.sleep(0.05)


def test_a_bad_config_setting_is_named_by_line_without_the_path(server):
    server.configure(timeout="soon")
    line = next(i for i, l in enumerate(server.config_path.read_text().splitlines(), 1) if l.startswith("timeout"))
    r = server.client().get("/")
    assert r.status_code == 500
    assert f"Line {line} of Hookline" in r.text and "setting Hookline does not accept" in r.text, r.text
    assert str(server.config_path.parent) not in r.text and "HOOKLINE_CONFIG" not in r.text
    reference = re.search(r"under reference (\w+)", r.text).group(1)
    logs = _wait_for_log(server, f"[{reference}]")
    assert f"[{reference}] 500 GET /webhooks/: configuration: {server.config_path}:{line}: `timeout` must be" in logs, logs


def test_a_missing_config_file_says_so_without_the_path(server):
    away = server.config_path.with_suffix(".away")
    server.config_path.rename(away)
    try:
        r = server.client().get("/")
    finally:
        away.rename(server.config_path)
    assert r.status_code == 500
    assert "could not read its configuration file" in r.text and "HOOKLINE_CONFIG" in r.text
    assert str(server.config_path.parent) not in r.text
    reference = re.search(r"under reference (\w+)", r.text).group(1)
    logs = _wait_for_log(server, f"[{reference}]")
    assert f"[{reference}] 500 GET /webhooks/: configuration: {server.config_path}: cannot read" in logs, logs
    assert server.client().page("/")


# --------------------------------------------------------------------------
# The guide's backup and restore commands, against a database the console is using


@pytest.mark.backends("sqlite")  # the guide's sqlite3 .backup/VACUUM INTO/.restore of the database file
def test_backup_while_serving_and_restore(server):
    def sqlite(*args: str) -> None:  # as the guide runs it: as www-data, with a busy timeout
        subprocess.run(server.server.user.command(["sqlite3", "-cmd", ".timeout 10000", *args]), check=True,
                       capture_output=True, env=CLEAN_ENV, cwd=server.data_dir, timeout=30)

    guide = [line for line in GUIDE.read_text().splitlines() if "sqlite3" in line and "hookline.db " in line]
    for command in (".backup /var/backups/hookline/", "VACUUM INTO '/var/backups/hookline/",
                    ".restore /var/backups/hookline/"):
        lines = [line for line in guide if command in line]
        assert lines and all('-cmd ".timeout 10000"' in line for line in lines), (command, lines)
    client = server.client()
    kept = create(client, name="Kept in the backup", generate_secret=None)
    backup, compact = server.data_dir / "backup.db", server.data_dir / "compact.db"
    with _Load(server, releases=False) as load:  # the console keeps reading while the copies are made
        sqlite(str(server.db_path), f".backup {backup}")
        sqlite(str(server.db_path), f"VACUUM INTO '{compact}'")
    assert load.statuses.keys() == {200}, load.failures
    for copy in (backup, compact):
        out = subprocess.run(server.server.user.command(["sqlite3", str(copy), "PRAGMA integrity_check"]),
                             capture_output=True, text=True, env=CLEAN_ENV, cwd=server.data_dir).stdout
        assert out.strip() == "ok"
    after = create(client, name="Made after the backup", generate_secret=None)
    sqlite(str(server.db_path), f".restore {compact}")
    server.cli("init")
    names = {row["name"] for row in server.sql("SELECT name FROM subscriptions")}
    assert names == {"Kept in the backup"}, names
    assert client.page(f"/{kept.id}/edit")
    assert client.get(f"/{after.id}/edit").status_code == 404


# --------------------------------------------------------------------------
# make install


def _install(stage: Stage, root: Path, *args: str, **env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(DEPLOY / "install.sh"), *args],
        env={**CLEAN_ENV, "BUILD_DIR": str(stage.bin_dir), "TEMPLATES_SRC": str(stage.templates_dir),
             "PUBLIC_SRC": str(stage.public_dir), **env},
        capture_output=True, text=True)
    assert result.returncode == 0, f"install.sh {' '.join(args)}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o7777)


def test_install_into_destdir_lays_out_files(stage, session_root):
    dest = make_public_dir(session_root / "destdir")
    _install(stage, dest, DESTDIR=str(dest))
    lib = dest / "usr/lib/hookline"
    for b in ("hookline-console", "hookline-send", "hookline"):
        assert _mode(lib / b) == "0o755"
    assert os.readlink(dest / "usr/bin/hookline") == "../lib/hookline/hookline"
    assert (dest / "usr/bin/hookline").resolve() == (lib / "hookline").resolve()
    assert (dest / "usr/share/hookline/public/hookline.css").exists()
    assert any((dest / "usr/share/hookline/templates").iterdir())
    # The paths the config and the snippets name are stable symlinks; one symlink, `current`,
    # is switched by an upgrade; the binaries of each release are kept for --rollback.
    share = dest / "usr/share/hookline"
    assert os.readlink(share / "templates") == "current/templates"
    assert os.readlink(share / "public") == "current/public"
    release = os.readlink(share / "current")
    assert release.startswith("releases/")
    for b in ("hookline-console", "hookline-send", "hookline"):
        assert (lib / release / b).read_bytes() == (lib / b).read_bytes()
    conf = dest / "etc/hookline/hookline.conf"
    assert _mode(conf) == "0o644"
    text = conf.read_text()
    assert "database = /var/lib/hookline/hookline.db" in text
    assert "templates = /usr/share/hookline/templates" in text
    nginx = (dest / "etc/hookline/nginx.conf").read_text()
    assert "fastcgi_pass unix:/run/fcgiwrap.socket;" in nginx
    assert "SCRIPT_FILENAME   /usr/lib/hookline/hookline-console;" in nginx
    apache = (dest / "etc/hookline/apache.conf").read_text()
    for config in (nginx, apache):  # the one route table is the console's: no page is named here
        directives = [line for line in config.splitlines() if not line.strip().startswith("#")]
        assert not [line for line in directives if "hookline-send" in line or "resend" in line or "/test" in line]
    assert "alias /usr/share/hookline/public/;" in nginx
    assert "auth_basic_user_file /etc/hookline/htpasswd;" in nginx
    apache = (dest / "etc/hookline/apache.conf").read_text()
    assert "SetEnv HOOKLINE_CONFIG /etc/hookline/hookline.conf" in apache
    assert "Require valid-user" in apache
    for rendered in (nginx, apache):
        assert "@" not in "".join(l for l in rendered.splitlines() if not l.lstrip().startswith("#"))
    assert _mode(dest / "var/lib/hookline") == "0o750"
    assert not (dest / "var/lib/hookline/hookline.db").exists(), "no database in a staging DESTDIR"


@pytest.mark.skipif(os.geteuid() != 0, reason="install chowns to www-data: needs root")
def test_install_creates_database_and_is_safe_to_rerun(stage, session_root):
    import pwd

    root = make_public_dir(session_root / "installroot")
    dirs = dict(PREFIX=str(root / "usr"), SYSCONFDIR=str(root / "etc"), LOCALSTATEDIR=str(root / "var"))
    _install(stage, root, **dirs)
    data = root / "var/lib/hookline"
    db = data / "hookline.db"
    www = pwd.getpwnam("www-data")
    assert (data.stat().st_uid, _mode(data)) == (www.pw_uid, "0o750")
    assert (db.stat().st_uid, _mode(db)) == (www.pw_uid, "0o640")
    conf = root / "etc/hookline/hookline.conf"
    assert f"database = {db}" in conf.read_text()

    # An admin's edits and the data survive a re-install (upgrade).
    conf.write_text(conf.read_text().replace("timeout = 15", "timeout = 20"))
    cli = ["setpriv", f"--reuid={www.pw_uid}", f"--regid={www.pw_gid}", "--init-groups",
           str(root / "usr/bin/hookline"), "--config", str(conf)]
    subprocess.run(cli + ["demo"], check=True, capture_output=True, env=CLEAN_ENV, cwd=data)
    before = subprocess.run(cli + ["agents", "list"], check=True, capture_output=True, text=True,
                            env=CLEAN_ENV, cwd=data).stdout
    _install(stage, root, **dirs)
    assert "timeout = 20" in conf.read_text()
    after = subprocess.run(cli + ["agents", "list"], check=True, capture_output=True, text=True,
                           env=CLEAN_ENV, cwd=data).stdout
    assert after == before and after.strip()
    assert (db.stat().st_uid, _mode(db)) == (www.pw_uid, "0o640")


def test_rollback_returns_to_the_previous_release(stage, session_root):
    root = make_public_dir(session_root / "rollback")
    dest = make_public_dir(root / "dest")
    first, second = (_release_sources(stage, root, name) for name in ("first", "second"))
    share = dest / "usr/share/hookline"

    result = subprocess.run([str(DEPLOY / "install.sh"), "--rollback"], env={**CLEAN_ENV, "DESTDIR": str(dest)},
                            capture_output=True, text=True)
    assert result.returncode != 0 and "no previous release" in result.stderr

    _install(first, root, DESTDIR=str(dest))
    _install(second, root, DESTDIR=str(dest))
    assert _release_in(share / "templates") == "second"
    _install(stage, root, "--rollback", DESTDIR=str(dest))
    assert _release_in(share / "templates") == "first"
    assert (share / "public" / "release.txt").read_text() == "first"
    _install(stage, root, "--rollback", DESTDIR=str(dest))  # and forth again
    assert _release_in(share / "templates") == "second"
    assert len(list((share / "releases").iterdir())) == 2
    _install(first, root, DESTDIR=str(dest))
    assert len(list((share / "releases").iterdir())) == 2, "only the live and the previous release are kept"
    assert len(list((dest / "usr/lib/hookline/releases").iterdir())) == 2


def test_make_install_without_a_toolchain(stage, session_root):
    """`sudo make install` with sudo's PATH (no swift): installs the build, or says to build first."""
    env = {"PATH": "/usr/bin:/bin"}  # as `env -i PATH=/usr/bin:/bin make install`
    assert shutil.which("swift", path=env["PATH"]) is None, "this test needs swift off the minimal PATH"
    tree = make_public_dir(session_root / "source-tree")
    shutil.copy(REPO / "Makefile", tree / "Makefile")
    shutil.copytree(DEPLOY, tree / "Deploy")
    shutil.copytree(stage.templates_dir, tree / "Templates")
    shutil.copytree(stage.public_dir, tree / "Public")
    dest = make_public_dir(session_root / "make-install-dest")

    unbuilt = subprocess.run(["make", "install", f"DESTDIR={dest}"], cwd=tree, env=env,
                             capture_output=True, text=True, timeout=60)
    assert unbuilt.returncode != 0
    assert "hookline-send is missing" in unbuilt.stderr and "make build" in unbuilt.stderr, unbuilt.stderr
    assert "swift" not in unbuilt.stdout, "make install must not build"
    assert not (dest / "usr/lib/hookline/hookline-console").exists()

    built = make_public_dir(tree / ".build" / "dist")
    for b in BINARIES:
        shutil.copy2(stage.binary(b), built / b)
    result = subprocess.run(["make", "install", f"DESTDIR={dest}"], cwd=tree, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "swift build" not in result.stdout
    for b in BINARIES:
        assert (dest / "usr/lib/hookline" / b).read_bytes() == stage.binary(b).read_bytes()
    assert (dest / "usr/share/hookline/templates/layout.html").exists()


# --------------------------------------------------------------------------
# Upgrades while the web servers serve the installed tree

RELEASE_RE = re.compile(r"<!-- upgrade-test release=(\w+) in=(\w+) -->")


def _release_sources(stage: Stage, root: Path, name: str) -> Stage:
    """What `make build` left plus this checkout's templates and static files, marked as release
    ``name``: in the layout and in the inventory template (a page mixing releases shows two
    names) and in public/release.txt."""
    src = make_public_dir(root / f"src-{name}")
    templates, public = src / "templates", src / "public"
    shutil.copytree(stage.templates_dir, templates)
    shutil.copytree(stage.public_dir, public)
    for page in ("layout", "inventory"):
        path = templates / f"{page}.html"
        path.write_text(path.read_text() + f"<!-- upgrade-test release={name} in={page} -->\n")
    (public / "release.txt").write_text(name)
    return Stage(stage.bin_dir, templates, public)


def _release_in(templates: Path) -> str:
    (name, _), = set(RELEASE_RE.findall((templates / "layout.html").read_text()))
    return name


def _installed_stage(dest: Path) -> Stage:
    """The installed tree (under DESTDIR) as the web servers see it: through the stable paths."""
    return Stage(dest / "usr/lib/hookline", dest / "usr/share/hookline/templates", dest / "usr/share/hookline/public")


class _Load:
    """Threads requesting the inventory and a static file as fast as they are answered."""

    def __init__(self, hookline: Hookline, threads: int = 2, releases: bool = True):
        self.hookline = hookline
        self.releases = releases  # check the release markers of _release_sources
        self.stop = threading.Event()
        self.statuses: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        self.sequences: list[list[str]] = [[] for _ in range(threads)]
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> "_Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _record(self, path: str, status, detail: str = "") -> None:
        self.statuses[status] += 1
        if status != 200 and len(self.failures) < 20:
            self.failures.append(f"{path}: {status} {detail[:300]}")

    def _run(self, index: int) -> None:
        session = self.hookline.client()
        seen = self.sequences[index]
        while not self.stop.is_set():
            try:
                r = session.get("/", allow_redirects=False, timeout=20)
                self._record("/", r.status_code, r.text)
                if not self.releases:
                    continue
                if r.status_code == 200:
                    found = dict((page, name) for name, page in RELEASE_RE.findall(r.text))
                    if set(found) != {"layout", "inventory"} or len(set(found.values())) != 1:
                        self._record("/", "mixed", str(found))
                    else:
                        seen.append(found["layout"])
                r = session.get("/static/release.txt", allow_redirects=False, timeout=20)
                self._record("/static/release.txt", r.status_code, r.text)
            except requests.RequestException as error:
                self._record("?", type(error).__name__, str(error))

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def _assert_monotonic(sequences: list[list[str]], order: list[str]) -> None:
    """Each thread's requests run one after another, so none may see an older release than the one before."""
    rank = {name: i for i, name in enumerate(order)}
    for seen in sequences:
        ranks = [rank[name] for name in seen]
        assert ranks == sorted(ranks), f"a request saw an older release after a newer one: {seen}"


UPGRADES = 8


def test_upgrades_under_load_answer_every_request(server_kind, stage, session_root):
    """install.sh run again and again into the tree a running server serves: every request is
    answered 200 with one release, old or new, and the page moves from the old to the new."""
    root = make_public_dir(session_root / f"upgrade-{server_kind}")
    dest = make_public_dir(root / "dest")
    names = [f"r{i:02d}" for i in range(UPGRADES + 1)]
    sources = [_release_sources(stage, root, name) for name in names]
    _install(sources[0], root, DESTDIR=str(dest))
    server = WebServer(server_kind, _installed_stage(dest), root / "server").start()
    try:
        hookline = Hookline(server)
        assert names[0] in hookline.client().page("/").text
        durations = []
        with _Load(hookline) as load:
            time.sleep(0.3)
            for source in sources[1:]:
                t0 = time.monotonic()
                _install(source, root, DESTDIR=str(dest))
                durations.append(time.monotonic() - t0)
                time.sleep(0.1)
        report = (f"{server_kind}: {UPGRADES} installs ({sum(durations) / len(durations):.2f} s each), "
                  f"{load.total} requests: {dict(load.statuses)}")
        print(report)
        assert load.statuses.keys() == {200}, report + "\n" + "\n".join(load.failures) + "\n" + hookline.logs()
        assert load.total >= 50, report
        _assert_monotonic(load.sequences, names)
        seen = {name for sequence in load.sequences for name in sequence}
        assert len(seen) >= 3, f"the page should have moved through the releases: {sorted(seen)}"
        final = hookline.client().page("/").text
        assert set(RELEASE_RE.findall(final)) == {(names[-1], "layout"), (names[-1], "inventory")}
        assert hookline.client().page("/static/release.txt").text == names[-1]
    finally:
        server.stop()


# --------------------------------------------------------------------------
# fcgiwrap workers: a slow test send must not hold up the console


def _guide_fcgiwrap_options() -> list[str]:
    """The fcgiwrap options the deployment guide and install.sh's closing hint recommend."""
    guide = (DEPLOY / "README-deploy.md").read_text()
    found = set(re.findall(r"DAEMON_OPTS=([^'\n]+)'", guide))
    assert len(found) == 1, f"the guide should set DAEMON_OPTS once in /etc/default/fcgiwrap: {found}"
    line = found.pop()
    assert f"DAEMON_OPTS={line}" in (DEPLOY / "install.sh").read_text(), "install.sh's hint differs from the guide"
    options = line.split()
    assert "-f" in options, "keep -f: CGI stderr goes to nginx's error log"
    assert int(options[options.index("-c") + 1]) >= 4
    return options


@pytest.mark.parametrize("setting", ["guide", "debian-default"])
def test_a_slow_test_send_does_not_hold_up_the_console(setting, stage, session_root, receiver):
    """With the guide's fcgiwrap workers the inventory answers at once while a test send waits
    for a receiver that hangs; with Debian's default (one process) it waits for the send."""
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only and "nginx" not in only.split(","):
        pytest.skip(f"HOOKLINE_E2E_SERVERS={only}")
    options, hang = (_guide_fcgiwrap_options(), 5.0) if setting == "guide" else (["-f"], 2.0)
    receiver.route("/hangs", Response(200, b'{"received":true}', delay_seconds=hang))
    server = WebServer("nginx", stage, session_root / f"fcgiwrap-{setting}", fcgiwrap_options=tuple(options)).start()
    try:
        hookline = Hookline(server, {"allow_http": True, "allowed_private_targets": ["127.0.0.0/8"]})
        created = create(hookline.client(), url=receiver.url("/hangs"))
        sent: dict[str, object] = {}

        def send() -> None:
            t0 = time.monotonic()
            sent["page"], _ = send_test(hookline.client(), created.id)
            sent["seconds"] = time.monotonic() - t0

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        receiver.wait_for_requests(1, timeout=10)  # the send is now waiting for the receiver
        t0 = time.monotonic()
        hookline.client().page("/")
        inventory_seconds = time.monotonic() - t0
        sender.join(timeout=30)
        assert sent.get("seconds", 0) >= hang * 0.9, f"the test send should have waited for the receiver: {sent}"
        if setting == "guide":
            assert inventory_seconds < 0.5, f"inventory took {inventory_seconds:.2f} s during a slow test send"
        else:
            assert inventory_seconds > hang * 0.5, f"one fcgiwrap process: expected to wait ({inventory_seconds:.2f} s)"
    finally:
        server.stop()


# --------------------------------------------------------------------------
# The guide's HTTPS sites, run as written (ports, certificate paths and the snippet's path
# substituted): the self-signed certificate recipe, then a console answering over HTTPS.

GUIDE = DEPLOY / "README-deploy.md"


def _guide_block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, f"expected one ```{language} block with {containing!r} in the guide"
    return found[0]


def _guide_certificate(directory: Path) -> tuple[Path, Path]:
    """Runs the guide's self-signed certificate recipe, writing into ``directory``."""
    recipe = _guide_block("sh", "openssl req -x509")
    key, cert = directory / "hookline.key", directory / "hookline.crt"
    recipe = (recipe.replace("sudo ", "").replace("/etc/ssl/private/hookline.key", str(key))
              .replace("/etc/ssl/certs/hookline.crt", str(cert)))
    subprocess.run(["sh", "-euc", recipe], check=True, capture_output=True, env=CLEAN_ENV)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    return key, cert


def _check_https_site(http_port: int, https_port: int, server: WebServer) -> None:
    r = requests.get(f"http://127.0.0.1:{http_port}/webhooks/", allow_redirects=False, timeout=10)
    assert r.status_code == 301 and r.headers["Location"].startswith("https://"), (r.status_code, r.headers)
    origin = f"https://127.0.0.1:{https_port}"
    r = requests.get(origin + "/", allow_redirects=False, timeout=10, verify=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/webhooks/")
    assert requests.get(origin + "/webhooks/", timeout=10, verify=False).status_code == 401
    r = requests.get(origin + "/webhooks/", auth=("alice", USERS["alice"]), timeout=10, verify=False)
    assert r.status_code == 200, f"{r.status_code}\n{r.text[:2000]}\n{server.logs()}"
    assert "Signed in as" in r.text
    cookie = r.headers.get("Set-Cookie", "")
    assert "Secure" in cookie, f"the console should know it runs under HTTPS: {cookie}"
    r = requests.get(origin + "/webhooks/", auth=("alice", USERS["alice"]), timeout=10, verify=False,
                     headers={"Host": "rebound.example"})
    assert r.status_code in (400, 421), "public_origin: another Host name is refused"
    css = requests.get(origin + "/webhooks/static/hookline.css", auth=("alice", USERS["alice"]), timeout=10,
                       verify=False)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_guide_https_site_nginx(stage, session_root):
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only and "nginx" not in only.split(","):
        pytest.skip(f"HOOKLINE_E2E_SERVERS={only}")
    root = make_public_dir(session_root / "guide-nginx")
    key, cert = _guide_certificate(root)
    base = WebServer("nginx", stage, root / "base").start()  # fcgiwrap, the rendered snippet, config, logins
    site = root / "site"
    make_public_dir(site / "logs")
    proc = None
    try:
        http_port, https_port = free_port(), free_port()
        Hookline(base, {"public_origin": f"https://127.0.0.1:{https_port}"})  # as the guide says
        block = _guide_block("nginx", "listen 443 ssl")
        block = re.sub(r"^\s*listen \[::\].*\n", "", block, flags=re.M)
        block = (block.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
                 .replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
                 .replace("/etc/ssl/certs/hookline.crt", str(cert))
                 .replace("/etc/ssl/private/hookline.key", str(key))
                 .replace("/etc/hookline/nginx.conf", str(base.run_dir / "nginx-hookline.conf")))
        tmp = make_public_dir(site / "tmp")
        base.user.own(tmp, 0o700)
        conf = site / "nginx.conf"
        conf.write_text(f"""user {base.user.name} {base.user.group};
pid {site}/nginx.pid;
error_log {site}/logs/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    charset_types text/css application/javascript image/svg+xml;
    charset utf-8;
    access_log {site}/logs/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{block}
}}
""")
        test = subprocess.run(["/usr/sbin/nginx", "-t", "-p", str(site), "-e", str(site / "logs/nginx-error.log"),
                               "-c", str(conf)], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        proc = subprocess.Popen(["/usr/sbin/nginx", "-p", str(site), "-e", str(site / "logs/nginx-error.log"),
                                 "-c", str(conf), "-g", "daemon off;"], start_new_session=True, env=CLEAN_ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(https_port, proc)
        _check_https_site(http_port, https_port, base)
    finally:
        if proc:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        base.stop()


APACHE_DEBIAN_DEFAULT_MODULES = ["mpm_event", "authn_core", "authz_core", "authz_host", "env", "dir", "mime",
                                 "alias", "auth_basic", "authn_file", "authz_user"]


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_guide_https_site_apache(stage, session_root):
    only = os.environ.get("HOOKLINE_E2E_SERVERS")
    if only and "apache" not in only.split(","):
        pytest.skip(f"HOOKLINE_E2E_SERVERS={only}")
    root = make_public_dir(session_root / "guide-apache")
    key, cert = _guide_certificate(root)
    base = WebServer("apache", stage, root / "base").start()  # the rendered snippet, config, logins
    site = root / "site"
    make_public_dir(site / "logs")
    docroot = make_public_dir(site / "www")
    proc = None
    try:
        http_port, https_port = free_port(), free_port()
        Hookline(base, {"public_origin": f"https://127.0.0.1:{https_port}"})  # as the guide says
        enabled = re.search(r"a2enmod ([a-z_ ]+)", GUIDE.read_text()).group(1).split()
        modules = dict.fromkeys(APACHE_DEBIAN_DEFAULT_MODULES + enabled)
        loads = "\n".join(f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in modules)
        block = _guide_block("apache", "<VirtualHost *:443>")
        block = (block.replace("*:80>", f"*:{http_port}>").replace("*:443>", f"*:{https_port}>")
                 .replace("/etc/ssl/certs/hookline.crt", str(cert))
                 .replace("/etc/ssl/private/hookline.key", str(key))
                 .replace("/var/www/hookline", str(docroot))
                 .replace("/etc/hookline/apache.conf", str(base.run_dir / "apache-hookline.conf")))
        conf = site / "apache.conf"
        conf.write_text(f"""ServerRoot {site}
DefaultRuntimeDir {site}
PidFile {site}/apache.pid
Listen 127.0.0.1:{http_port}
Listen 127.0.0.1:{https_port}
ServerName 127.0.0.1
{loads}
User {base.user.name}
Group {base.user.group}
ScriptSock {site}/cgid.sock
ErrorLog {site}/logs/apache-error.log
LogFormat "%h %l %u %t \\"%r\\" %>s %O" combined
TypesConfig /etc/mime.types
Define APACHE_LOG_DIR {site}/logs
# As Debian's apache2.conf:
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<Directory {docroot}>
    Require all granted
</Directory>
{block}
""")
        test = subprocess.run(["/usr/sbin/apache2", "-t", "-f", str(conf)], capture_output=True, text=True,
                              env=CLEAN_ENV)
        assert test.returncode == 0, test.stderr
        proc = subprocess.Popen(["/usr/sbin/apache2", "-f", str(conf), "-DFOREGROUND"], start_new_session=True,
                                env=CLEAN_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(https_port, proc)
        _check_https_site(http_port, https_port, base)
        assert "client denied" not in (site / "logs/hookline-error.log").read_text()
    finally:
        if proc:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        base.stop()


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 10) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise AssertionError(f"nothing listens on {port}")


# --------------------------------------------------------------------------
# make run


def _start_dev_run(stage: Stage, run_dir: Path, port: int) -> subprocess.Popen:
    env = {**CLEAN_ENV, "PORT": str(port), "RUN_DIR": str(run_dir), "BIN_DIR": str(stage.bin_dir),
           "TEMPLATES_DIR": str(stage.templates_dir), "PUBLIC_DIR": str(stage.public_dir)}
    return subprocess.Popen([str(DEPLOY / "dev-run.sh")], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_banner(proc: subprocess.Popen, timeout: float = 30) -> str:
    """Read dev-run's output until it announces the URL (it prints that once nginx accepts)."""
    import threading

    watchdog = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    watchdog.start()
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "Hookline: http://" in line:
                return "".join(lines)
    finally:
        watchdog.cancel()
    raise AssertionError("dev-run did not start:\n" + "".join(lines))


def test_make_run_serves_and_stops_cleanly_twice(stage, session_root):
    run_dir = session_root / "dev-run"
    port = free_port()
    for attempt, sig in enumerate((signal.SIGINT, signal.SIGTERM)):
        proc = _start_dev_run(stage, run_dir, port)
        try:
            banner = _wait_for_banner(proc)
            assert f"http://127.0.0.1:{port}/webhooks/" in banner
            r = requests.get(f"http://127.0.0.1:{port}/webhooks/", timeout=10)
            assert r.status_code == 200, "anonymous dev access, no login"
            r = requests.get(f"http://127.0.0.1:{port}/webhooks/static/hookline.css", timeout=10)
            assert r.status_code == 200
        finally:
            os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group
            output = proc.communicate(timeout=15)[0]
        assert proc.returncode == 0, banner + output
        assert "dev-run: stopped" in output
        assert not (run_dir / "fcgiwrap" / "fcgiwrap.sock").exists()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/", timeout=2)
        assert (run_dir / "hookline.db").exists(), "the database survives"
    conf = (run_dir / "hookline.conf").read_text()
    assert "allow_http = yes" in conf and "anonymous = dev" in conf
    assert "allowed_private_targets = 127.0.0.0/8, ::1/128" in conf
    assert f"public_origin = http://127.0.0.1:{port}, http://localhost:{port}" in conf, "DNS rebinding: loopback only"
    # The run directory holds the signing secrets: private to the user who runs it.
    assert oct(run_dir.stat().st_mode & 0o777) == "0o700"
    for name in ("hookline.db", "hookline.conf"):
        assert oct((run_dir / name).stat().st_mode & 0o777) == "0o600", name


# --------------------------------------------------------------------------
# What each binary links (ARCHITECTURE: pages never load libcurl or Foundation)


def _ldd(path: Path) -> str:
    result = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr  # a static executable is reported on stderr


def test_the_console_is_one_static_executable_and_only_the_senders_link_libcurl(stage):
    console = _ldd(stage.binary("hookline-console"))
    assert "not a dynamic executable" in console or "statically linked" in console, console
    for name in ("hookline-send", "hookline"):
        linked = _ldd(stage.binary(name))
        assert "libcurl" in linked, f"{name} sends webhooks: {linked}"
        assert "libFoundation" not in linked and "libicu" not in linked, f"{name} loads Foundation/ICU:\n{linked}"
        assert "/opt/swift" not in linked, f"{name} needs the Swift toolchain at run time:\n{linked}"
