"""A throwaway PostgreSQL server for the e2e tests, started and stopped with Tests/pg/pg-server.sh
(the same script `make unit` uses), and the databases the tests get on it.

    pg = PostgresServer.start(Path(tempfile.gettempdir()) / "hookline-pg")   # initdb + pg_ctl start
    pg.create_database("t1", template="tmpl")                               # CREATE DATABASE … TEMPLATE
    pg.url("t1")          # postgresql://hookline@/t1?host=<socket dir>   (Hookline's `database` key)
    pg.psql("t1", "-c", "SELECT 1")
    pg.stop()             # also at interpreter exit; removes every file

The server listens on a Unix socket only, in a directory every user can reach (CGIs run as
www-data); the role ``hookline`` is its superuser, without a password.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import hashlib
import itertools
import json
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "Tests" / "pg" / "pg-server.sh"
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}


class PostgresServer:
    def __init__(self, handle: Path):
        self.handle = handle

    @classmethod
    def start(cls, handle: Path) -> "PostgresServer":
        server = cls(handle)
        atexit.register(server.stop)  # a crashed session still leaves nothing behind
        result = subprocess.run([str(SCRIPT), "start", str(handle)], capture_output=True, text=True, env=ENV)
        if result.returncode != 0:
            server.stop()
            raise RuntimeError(f"could not start PostgreSQL:\n{result.stdout}{result.stderr}")
        return server

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop", str(self.handle)], capture_output=True, env=ENV)

    def url(self, database: str = "hookline") -> str:
        if not hasattr(self, "_url"):
            self._url = subprocess.run([str(SCRIPT), "url", str(self.handle), "DATABASE"], capture_output=True,
                                       text=True, check=True, env=ENV).stdout.strip()
        return self._url.replace("/DATABASE?", f"/{identifier(database)}?", 1)

    def psql(self, database: str, *args: str, input: str | None = None, check: bool = True) -> str:
        """``psql`` on ``database`` (stops at the first error); returns stdout."""
        argv = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), *args]
        result = subprocess.run(argv, input=input, capture_output=True, text=True, env=ENV, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"psql {' '.join(args)} on {database} exited {result.returncode}:\n{result.stderr}")
        return result.stdout

    def create_database(self, name: str, template: str | None = None) -> None:
        clause = f" TEMPLATE {identifier(template)} STRATEGY FILE_COPY" if template else ""
        self.psql("postgres", "-c", f"CREATE DATABASE {identifier(name)}{clause}")

    def drop_database(self, name: str) -> None:
        # FORCE: a worker or CGI a failed test left running must not keep the database alive.
        self.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {identifier(name)} WITH (FORCE)")


class FreshDatabases:
    """Copies of a template database, one made ahead on a background thread, dropped behind.

    Creating a database costs a checkpoint; made while the previous test runs, it costs a test
    nothing. ``take()`` returns a fresh database's name, ``give_back(name)`` drops it.
    """

    def __init__(self, server: PostgresServer, template: str, prefix: str = "hookline_test_"):
        self.server = server
        self.template = template
        self.names = (f"{prefix}{n}" for n in itertools.count(1))
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="fresh-databases")
        self.ahead = self.executor.submit(self._make)

    def _make(self) -> str:
        name = next(self.names)
        self.server.create_database(name, template=self.template)
        return name

    def take(self) -> str:
        name = self.ahead.result()
        self.ahead = self.executor.submit(self._make)
        return name

    def give_back(self, name: str) -> None:
        self.executor.submit(self.server.drop_database, name)

    def close(self) -> None:
        self.executor.shutdown(wait=True)  # the server and all its databases go next


def identifier(name: str) -> str:
    assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), name
    return name


class PostgresDatabase:
    """One database on a PostgreSQL server, as a test reads and writes it directly.

    ``query`` returns rows as dicts with JSON types (as ``sqlite3 -json`` does for SQLite).
    """

    backend = "postgresql"

    def __init__(self, server: PostgresServer, name: str):
        self.server = server
        self.name = name
        self.url = server.url(name)

    def __repr__(self) -> str:
        return f"<PostgreSQL database {self.name}>"

    @property
    def config_value(self) -> str:
        return self.url

    def query(self, sql: str) -> list[dict]:
        statement = sql.strip().rstrip(";")
        if not re.match(r"(?is)(select|with|values)\b", statement):
            self.server.psql(self.name, "-c", statement)
            return []
        out = self.server.psql(self.name, "-c", f"SELECT coalesce(json_agg(q), '[]') FROM ({statement}) q")
        return json.loads(out)

    def execute(self, script: str) -> None:
        """Runs a script of statements in one transaction."""
        self.server.psql(self.name, "-1", "-f", "-", input=script)

    def state(self) -> tuple[str, str]:
        """(digest, dump) of the rows of every table as INSERT statements (pg_dump --data-only),
        without sequence positions: a rolled-back insert moves a sequence but changes no content."""
        out = subprocess.run(["pg_dump", "--data-only", "--inserts", "--no-owner", "-d", self.url],
                             capture_output=True, text=True, check=True, env=ENV).stdout
        # Not content: comments, pg_dump's per-dump \restrict key, sequence positions.
        dump = "\n".join(line for line in out.splitlines() if line.strip() and not line.startswith(("--", "\\"))
                         and "pg_catalog.setval(" not in line)
        return hashlib.sha256(dump.encode()).hexdigest(), dump

    def integrity_problems(self) -> list[str]:
        """amcheck over every table and B-tree index of the schema: [] when all is well."""
        try:
            problems = self.server.psql(self.name, input="""
CREATE EXTENSION IF NOT EXISTS amcheck;
SELECT c.relname || ': block ' || v.blkno || ': ' || v.msg
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, LATERAL verify_heapam(c.oid) v
  WHERE n.nspname = 'public' AND c.relkind = 'r';
SELECT bt_index_check(c.oid, true)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND a.amname = 'btree';
""")
        except AssertionError as error:  # bt_index_check raises on the first broken index
            return [str(error)]
        return [line for line in problems.splitlines() if line.strip()]
