"""Run Hookline behind real web servers for end-to-end tests.

The web server configuration is rendered from Deploy/ with Deploy/render.sh —
the same templates `make run` and `make install` use — so these tests check
the configs admins deploy, not a test-only copy.

Layers, from the bottom:

* ``Stage``     the binaries, templates and static files, copied into a
                world-readable directory (the repository may live under a
                0700 home directory that the web server's user cannot read).
* ``WebServer`` one running nginx+fcgiwrap or Apache (mod_cgid) on a free
                127.0.0.1 port, with Basic auth on (or off), serving a Stage.
                Expensive-ish (0.1–1 s): started once per session and kind.
* ``Hookline``  what a test gets: a WebServer plus its own fresh config file
                and database. Cheap (one ``hookline init``). The CGIs read the
                config on every request, so a test can change it at any time
                with ``configure()`` without restarting anything.

When the tests run as root (CI), the CGIs, fcgiwrap, nginx workers and every
CLI call run as ``www-data``, as in production; files a CGI must write (the
database directory) belong to that user. Never open the database as root
while the servers run: SQLite would create ``-wal``/``-shm`` files the CGIs
cannot write. Use ``Hookline.cli``/``sql``, which run as the service user.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "Deploy"
RENDER = DEPLOY / "render.sh"
DEFAULT_CONFIG = DEPLOY / "hookline.conf"
MOUNT = "/webhooks"
BINARIES = ("hookline-console", "hookline-console-pg", "hookline-send", "hookline")
KINDS = ("nginx", "apache")

#: Users in the htpasswd file of servers started with auth="basic".
USERS = {"alice": "alice-password", "bob": "bob-password"}

#: The environment every server and CLI process starts from (nothing leaks
#: from the developer's shell; fcgiwrap passes its environment to the CGIs).
CLEAN_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
}


# --------------------------------------------------------------------------
# Users and files


@dataclass(frozen=True)
class ServiceUser:
    """The user CGIs run as: www-data when we are root, else ourselves."""

    name: str
    uid: int
    gid: int

    @classmethod
    def detect(cls) -> "ServiceUser":
        if os.geteuid() == 0:
            pw = pwd.getpwnam("www-data")
        else:
            pw = pwd.getpwuid(os.geteuid())
        return cls(pw.pw_name, pw.pw_uid, pw.pw_gid)

    @property
    def group(self) -> str:
        import grp

        return grp.getgrgid(self.gid).gr_name

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` prefixed so that it runs as this user."""
        if os.geteuid() == 0 and self.uid != 0:
            return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", *argv]
        return list(argv)

    def own(self, path: Path, mode: int) -> None:
        os.chmod(path, mode)
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.gid)


def make_public_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o755)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(template: Path, out: Path, *, auth: str = "basic", **values: object) -> Path:
    """Render a Deploy/ template with Deploy/render.sh (the one renderer)."""
    args = [str(RENDER), "--auth", auth, "-o", str(out), str(template)]
    args += [f"{k}={v}" for k, v in values.items()]
    subprocess.run(args, check=True, env=CLEAN_ENV)
    os.chmod(out, 0o644)
    return out


def config_text(values: dict[str, object], base: Path = DEFAULT_CONFIG) -> str:
    """The default config with ``values`` substituted (keys kept in place).

    Values: str as is, bool → yes/no, list/tuple → comma-separated,
    None → empty. Unknown keys are appended (to test how they are handled).
    """

    def fmt(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return ", ".join(str(x) for x in v)
        return str(v)

    pending = dict(values)
    lines = []
    for line in base.read_text().splitlines():
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in pending:
            value = fmt(pending.pop(key))
            line = f"{key} = {value}".rstrip()
        lines.append(line)
    for key, value in pending.items():
        lines.append(f"{key} = {fmt(value)}".rstrip())
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# What gets served


@dataclass(frozen=True)
class Stage:
    """Binaries, templates and static files in directories the service user can read."""

    bin_dir: Path
    templates_dir: Path
    public_dir: Path

    @classmethod
    def copy(cls, root: Path, *, bin_dir: Path, templates_dir: Path, public_dir: Path) -> "Stage":
        root = make_public_dir(root)
        stage = cls(root / "bin", root / "templates", root / "public")
        make_public_dir(stage.bin_dir)
        for name in BINARIES:
            src = bin_dir / name
            if src.exists():
                shutil.copy2(src, stage.bin_dir / name)
                os.chmod(stage.bin_dir / name, 0o755)
        for src, dst in ((templates_dir, stage.templates_dir), (public_dir, stage.public_dir)):
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                dst.mkdir()
        for dirpath, dirnames, filenames in os.walk(root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                p = os.path.join(dirpath, f)
                os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
        return stage

    def binary(self, name: str) -> Path:
        return self.bin_dir / name


# --------------------------------------------------------------------------
# A running web server


class ServerError(RuntimeError):
    pass


@dataclass
class WebServer:
    """One nginx(+fcgiwrap) or Apache instance serving ``stage`` at /webhooks.

    HOOKLINE_CONFIG points at ``config_path`` (``run_dir/hookline.conf``);
    rewrite that file to change what the CGIs see.
    """

    kind: str
    stage: Stage
    run_dir: Path
    auth: str = "basic"
    user: ServiceUser = field(default_factory=ServiceUser.detect)
    port: int = 0
    #: fcgiwrap's options besides the socket and ``-p`` (nginx only); test_deploy runs the
    #: deployment guide's setting and Debian's default (one worker) through this.
    fcgiwrap_options: tuple[str, ...] = ("-f", "-c", "4")
    startup_seconds: float = 0.0
    _procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + MOUNT

    @property
    def config_path(self) -> Path:
        return self.run_dir / "hookline.conf"

    @property
    def htpasswd_path(self) -> Path:
        return self.run_dir / "htpasswd"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    def error_log_paths(self) -> list[Path]:
        if self.kind == "nginx":
            return [self.log_dir / "nginx-error.log", self.log_dir / "fcgiwrap.log"]
        return [self.log_dir / "apache-error.log", self.log_dir / "apache-stdout.log"]

    def logs(self, since: dict[Path, int] | None = None) -> str:
        """Error logs (server + CGI stderr), optionally only what came after ``since``."""
        out = []
        for path in self.error_log_paths():
            if path.exists():
                data = path.read_bytes()[(since or {}).get(path, 0):]
                if data:
                    out.append(f"--- {path.name}\n" + data.decode("utf-8", "replace"))
        return "\n".join(out)

    def log_marks(self) -> dict[Path, int]:
        return {p: p.stat().st_size for p in self.error_log_paths() if p.exists()}

    # -- lifecycle

    def start(self, timeout: float = 15.0) -> "WebServer":
        t0 = time.monotonic()
        make_public_dir(self.run_dir)
        make_public_dir(self.log_dir)
        self.port = self.port or free_port()
        if not self.config_path.exists():
            self.config_path.write_text(config_text({"templates": self.stage.templates_dir}))
        os.chmod(self.config_path, 0o644)
        if self.auth == "basic":
            self._write_htpasswd()
        getattr(self, f"_start_{self.kind}")()
        self._wait_ready(timeout)
        self.startup_seconds = time.monotonic() - t0
        return self

    def _write_htpasswd(self) -> None:
        first = True
        for name, password in USERS.items():
            flags = "-bcB" if first else "-bB"
            subprocess.run(["htpasswd", flags, "-C", "4", str(self.htpasswd_path), name, password],
                           check=True, capture_output=True, env=CLEAN_ENV)
            first = False
        os.chmod(self.htpasswd_path, 0o644)

    def _snippet_values(self) -> dict[str, object]:
        return dict(
            MOUNT=MOUNT,
            BIN_DIR=self.stage.bin_dir,
            PUBLIC_DIR=self.stage.public_dir,
            CONFIG=self.config_path,
            HTPASSWD=self.htpasswd_path,
        )

    def _spawn(self, argv: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.log_dir / log_name, "ab")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=CLEAN_ENV, cwd=self.run_dir, start_new_session=True)
        log.close()
        self._procs.append(proc)
        return proc

    def _start_nginx(self) -> None:
        sock_dir = make_public_dir(self.run_dir / "fcgiwrap")
        self.user.own(sock_dir, 0o755)
        socket_path = sock_dir / "fcgiwrap.sock"
        socket_path.unlink(missing_ok=True)  # fcgiwrap leaves it behind
        tmp = make_public_dir(self.run_dir / "tmp")
        self.user.own(tmp, 0o700)
        snippet = render(DEPLOY / "nginx" / "hookline.conf", self.run_dir / "nginx-hookline.conf",
                         auth=self.auth, SOCKET=socket_path, **self._snippet_values())
        conf = render(DEPLOY / "nginx" / "nginx-standalone.conf", self.run_dir / "nginx.conf",
                      PORT=self.port, RUN_DIR=self.run_dir, SNIPPET=snippet,
                      USER=self.user.name, GROUP=self.user.group)
        # -p: only these two programs may run; -f: CGI stderr → nginx error log.
        self._spawn(self.user.command([
            "/usr/sbin/fcgiwrap", *self.fcgiwrap_options, "-s", f"unix:{socket_path}",
            "-p", str(self.stage.binary("hookline-console")),
            "-p", str(self.stage.binary("hookline-send")),
        ]), "fcgiwrap.log")
        deadline = time.monotonic() + 10
        while not socket_path.exists():
            self._check_alive()
            if time.monotonic() > deadline:
                raise ServerError("fcgiwrap did not create its socket\n" + self.logs())
            time.sleep(0.01)
        self._spawn(["/usr/sbin/nginx", "-p", str(self.run_dir), "-e", str(self.log_dir / "nginx-error.log"),
                     "-c", str(conf), "-g", "daemon off;"], "nginx-stdout.log")

    def _start_apache(self) -> None:
        make_public_dir(self.run_dir / "htdocs")
        snippet = render(DEPLOY / "apache" / "hookline.conf", self.run_dir / "apache-hookline.conf",
                         auth=self.auth, **self._snippet_values())
        conf = render(DEPLOY / "apache" / "apache-standalone.conf", self.run_dir / "apache.conf",
                      PORT=self.port, RUN_DIR=self.run_dir, SNIPPET=snippet,
                      USER=self.user.name, GROUP=self.user.group)
        self._spawn(["/usr/sbin/apache2", "-f", str(conf), "-DFOREGROUND"], "apache-stdout.log")

    def _check_alive(self) -> None:
        for proc in self._procs:
            if proc.poll() is not None:
                raise ServerError(f"{self.kind}: {proc.args[0]} exited with {proc.returncode}\n{self.logs()}")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                urllib.request.urlopen(self.origin + MOUNT + "/static/", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer means the server is up
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise ServerError(f"{self.kind} not ready after {timeout}s\n{self.logs()}")
                time.sleep(0.02)

    def stop(self) -> None:
        """Stop every process group we started (TERM, then KILL)."""
        for proc in reversed(self._procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self._procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self._procs.clear()
        (self.run_dir / "fcgiwrap" / "fcgiwrap.sock").unlink(missing_ok=True)


@contextlib.contextmanager
def running_server(kind: str, stage: Stage, run_dir: Path, *, auth: str = "basic"):
    """Start a server for the duration of a ``with`` block (for one-off setups)."""
    server = WebServer(kind, stage, run_dir, auth=auth).start()
    try:
        yield server
    finally:
        server.stop()


class ServerPool:
    """Servers shared by all tests of a session, started on first use."""

    def __init__(self, stage: Stage, root: Path):
        self.stage = stage
        self.root = root
        self.servers: dict[tuple[str, str], WebServer] = {}

    def get(self, kind: str, auth: str = "basic") -> WebServer:
        key = (kind, auth)
        if key not in self.servers:
            self.servers[key] = WebServer(kind, self.stage, self.root / f"{kind}-{auth}", auth=auth).start()
        return self.servers[key]

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()


# --------------------------------------------------------------------------
# What a test gets


class Hookline:
    """A Hookline installation for one test: a running server, its own config and database.

    Attributes: ``kind`` ("nginx"/"apache"), ``backend`` ("sqlite"/"postgresql"), ``database``
    (SQLiteDatabase or postgres.PostgresDatabase: ``query``, ``execute``, ``state``,
    ``integrity_problems``), ``base_url`` (…/webhooks, no trailing slash), ``origin``,
    ``config_path``, ``db_path`` (the SQLite file; None on PostgreSQL), ``auth`` ((user, password)
    of alice, or None without Basic auth), ``users``, ``files_dir`` (world-readable directory for
    files the CGIs must read; see ``share``), ``data_dir`` (the service user's working directory).

    ``database``: None for a fresh SQLite file in ``data_dir``, or a database that exists already
    (e.g. a fresh PostgreSQL database); ``hookline init`` runs on it either way.
    """

    _counter = itertools.count(1)

    def __init__(self, server: WebServer, config: dict[str, object] | None = None, database=None):
        self.server = server
        self.kind = server.kind
        self.base_url = server.base_url
        self.origin = server.origin
        self.config_path = server.config_path
        self.users = dict(USERS) if server.auth == "basic" else {}
        self.auth = ("alice", USERS["alice"]) if self.users else None
        self.data_dir = server.run_dir / f"data-{next(self._counter)}"
        self.data_dir.mkdir()
        server.user.own(self.data_dir, 0o750)  # WAL needs a writable directory
        self.database = database or SQLiteDatabase(self.data_dir / "hookline.db", server.user)
        self.backend = self.database.backend
        self.db_path = self.database.path if self.backend == "sqlite" else None
        self.files_dir = make_public_dir(server.run_dir / f"files-{self.data_dir.name[5:]}")
        self.config: dict[str, object] = {
            "database": self.database.config_value,
            "templates": server.stage.templates_dir,
        }
        self.configure(**(config or {}))
        self._log_marks = server.log_marks()
        self.cli("init")

    def serve_also(self, server: WebServer) -> "Hookline":
        """The same installation (config and database) behind a second web server as well.

        Scale-out (DESIGN §10): both servers then serve one PostgreSQL database. Returns a
        Hookline for the second server; ``configure`` on either changes only that server's config.
        """
        twin = object.__new__(Hookline)
        twin.__dict__.update(self.__dict__)
        twin.server, twin.kind, twin.base_url, twin.origin = server, server.kind, server.base_url, server.origin
        twin.config_path = server.config_path
        twin.config = dict(self.config)
        twin.configure()
        twin._log_marks = server.log_marks()
        return twin

    def __repr__(self) -> str:
        return f"<Hookline {self.kind} {self.base_url}>"

    def share(self, path: Path | str) -> Path:
        """Copy a file where the CGIs can read it (pytest's tmp_path is 0700); returns the copy.

        ``server.configure(ca_bundle=server.share(certs.ca_file))``
        """
        src = Path(path)
        dst = self.files_dir / src.name
        shutil.copyfile(src, dst)
        os.chmod(dst, 0o644)
        return dst

    def url(self, path: str = "/") -> str:
        """Absolute URL of a console path (``"/new"`` → ``…/webhooks/new``)."""
        return self.base_url + path

    def configure(self, **values: object) -> None:
        """Change config keys for the rest of this test (effective on the next request).

        ``server.configure(allow_http=True, allowed_private_targets=["127.0.0.0/8"])``
        """
        self.config.update(values)
        tmp = self.config_path.with_suffix(".tmp")
        tmp.write_text(config_text(self.config))
        os.chmod(tmp, 0o644)
        tmp.replace(self.config_path)  # atomic: a request never sees half a file

    def cli(self, *args: str, check: bool = True, input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        """Run ``hookline --config <this config> *args`` as the service user.

        Returns the CompletedProcess (text stdout/stderr); raises with both
        streams in the message if ``check`` and the exit status is not 0.
        """
        argv = self.server.user.command(
            [str(self.server.stage.binary("hookline")), "--config", str(self.config_path), *args])
        result = subprocess.run(argv, input=input, capture_output=True, text=True, env=CLEAN_ENV,
                                cwd=self.data_dir, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"hookline {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def sql(self, query: str) -> list[dict]:
        """Rows of an SQL query as dicts (JSON types), straight from the database.

        Write portable SQL (it runs on SQLite and PostgreSQL): times as literal unix seconds
        rather than ``strftime``/``unixepoch()``, no ``printf``; a statement that is not a query
        (UPDATE …) is run and gives [].
        """
        return self.database.query(query)

    def sql_write(self, script: str) -> None:
        """Run a writing SQL script (portable SQL) in one transaction, foreign keys enforced."""
        self.database.execute(script)

    def integrity_problems(self) -> list[str]:
        """[] when the database is sound (SQLite: integrity and foreign-key checks; PostgreSQL:
        amcheck over every table and index)."""
        return self.database.integrity_problems()

    def client(self, user: str | None = "alice", password: str | None = None):
        """A ``client.Client`` logged in as ``user`` (None: no credentials)."""
        from client import Client

        auth = None
        if user is not None and self.users:
            auth = (user, password if password is not None else self.users[user])
        return Client(self.base_url, auth=auth)

    def open(self, driver, path: str = "/", user: str | None = "alice") -> None:
        """Load a console page in a Selenium Chromium ``driver``, logged in as ``user``.

        Credentials go in an Authorization header on every request (CDP), so
        sub-resources and form posts are authenticated too.
        """
        headers = {}
        if user is not None and self.users:
            import base64

            token = base64.b64encode(f"{user}:{self.users[user]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})
        driver.get(self.url(path))

    def logs(self) -> str:
        """Server and CGI error-log lines written since this test started."""
        return self.server.logs(since=self._log_marks)

    def db_snapshot(self) -> "DbSnapshot":
        """The database's current content; ``.assert_unchanged()`` later."""
        return DbSnapshot(self)

    # -- internals used by DbSnapshot

    def _db_state(self) -> tuple[str, str]:
        return self.database.state()


class SQLiteDatabase:
    """The SQLite file of one installation, read and written with the sqlite3 CLI as the service
    user (never as root: SQLite would create -wal/-shm files the CGIs cannot write)."""

    backend = "sqlite"

    def __init__(self, path: Path, user: ServiceUser):
        self.path = path
        self.user = user

    def __repr__(self) -> str:
        return f"<SQLite database {self.path}>"

    @property
    def config_value(self) -> Path:
        return self.path

    def _sqlite(self, *args: str, input: str | None = None) -> str:
        argv = self.user.command(["sqlite3", *args])
        return subprocess.run(argv, input=input, capture_output=True, text=True, check=True, env=CLEAN_ENV,
                              cwd=self.path.parent).stdout

    def query(self, sql: str) -> list[dict]:
        out = self._sqlite("-json", "-cmd", ".timeout 5000", str(self.path), sql)
        return json.loads(out) if out.strip() else []

    def execute(self, script: str) -> None:
        self._sqlite("-bail", "-cmd", ".timeout 5000", str(self.path),
                     input="PRAGMA foreign_keys=ON;\nBEGIN;\n" + script + "\nCOMMIT;\n")

    def state(self) -> tuple[str, str]:
        """(digest of the file's bytes, SQL dump). Committed WAL frames are moved into the file
        first, so equal content means equal bytes and any write shows."""
        self._sqlite("-cmd", ".timeout 5000", str(self.path), "PRAGMA wal_checkpoint(TRUNCATE);")
        dump = self._sqlite("-cmd", ".timeout 5000", str(self.path), ".dump")
        return hashlib.sha256(self.path.read_bytes()).hexdigest(), dump

    def integrity_problems(self) -> list[str]:
        rows = self.query("PRAGMA integrity_check") + self.query("PRAGMA foreign_key_check")
        return [json.dumps(row) for row in rows if row != {"integrity_check": "ok"}]


class DbSnapshot:
    """A fingerprint of the database plus a dump for readable diffs: SQLite's bytes after a WAL
    checkpoint; PostgreSQL's rows (pg_dump --data-only)."""

    def __init__(self, hookline: Hookline):
        self.hookline = hookline
        self.digest, self.dump = hookline._db_state()

    def changed(self) -> bool:
        return self.hookline._db_state()[0] != self.digest

    def assert_unchanged(self, what: str = "the request") -> None:
        digest, dump = self.hookline._db_state()
        if digest != self.digest:
            diff = "\n".join(itertools.islice(difflib.unified_diff(
                self.dump.splitlines(), dump.splitlines(), "before", "after", lineterm=""), 60))
            raise AssertionError(f"{what} changed the database\n{diff or '(same SQL dump; bytes differ)'}")


def new_session_root() -> Path:
    """A fresh, world-traversable directory for one test session."""
    return make_public_dir(Path(tempfile.mkdtemp(prefix="hookline-e2e-", dir="/tmp")))
