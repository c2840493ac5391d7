"""Shared fixtures: a fresh database per test, one vector cache for the whole suite.

The store fixtures (``db_path``, ``cw``) run every test on each backend: a SQLite file, and a
fresh PostgreSQL database when ``CROSSWIRE_TEST_PG`` names a server (``make test`` starts one
with tools/pg.sh). A test that inspects the SQLite file itself is marked ``sqlite_only``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
SEEDS = Path(os.environ.get("CROSSWIRE_SEEDS", ROOT.parent / "shared" / "seeds"))
SEED_TR = SEEDS / "000_5f440e34b08b12c8.txt"
SEED_EN = SEEDS / "004_10b7c2c8f8929c68.txt"

# Every test shares one persistent vector cache so the encoder runs once per distinct text.
os.environ.setdefault("CROSSWIRE_VECTOR_CACHE", str(ROOT / ".cache" / "vectors.sqlite"))
os.environ.setdefault("CROSSWIRE_PROGRESS", "0")


def seeds_or_skip() -> tuple[Path, Path]:
    if not (SEED_TR.is_file() and SEED_EN.is_file()):
        pytest.skip(f"seed articles not found under {SEEDS} (set CROSSWIRE_SEEDS)")
    return SEED_TR, SEED_EN


PG_URL = os.environ.get("CROSSWIRE_TEST_PG", "").strip()
if PG_URL.lower() in ("off", "0", "no"):
    PG_URL = ""


NO_PG = ("PostgreSQL runs skipped: CROSSWIRE_TEST_PG is not set (make test starts a local "
         "server with tools/pg.sh); the suite ran on SQLite only")


def pytest_report_header(config: pytest.Config) -> str:
    return "store backends: sqlite, postgresql" if PG_URL else NO_PG


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not PG_URL:  # shown even with -q, where the header is not
        terminalreporter.write_line(NO_PG)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that uses a store runs once per backend (SQLite only when marked so)."""
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if PG_URL and metafunc.definition.get_closest_marker("sqlite_only") is None:
            backends.append("postgres")
        metafunc.parametrize("backend", backends, scope="module")


def with_database(url: str, name: str) -> str:
    """The same server URL, another database."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


class PostgresDatabases:
    """Fresh databases on the test server, each a copy of one migrated template (fast)."""

    def __init__(self, admin_url: str) -> None:
        import psycopg

        from crosswire.store import open_store

        self.admin_url = admin_url
        self.prefix = f"cwtest_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._n = count(1)
        self._admin = psycopg.connect(admin_url, autocommit=True)
        self._admin.execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self._admin.execute(f"CREATE DATABASE {self.template}")
        open_store(with_database(admin_url, self.template)).close()

    def create(self) -> str:
        name = f"{self.prefix}_{next(self._n)}"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return with_database(self.admin_url, name)

    def drop(self, url: str) -> None:
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self._admin.execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self._admin.close()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    if not PG_URL:
        pytest.skip("CROSSWIRE_TEST_PG is not set")
    dbs = PostgresDatabases(PG_URL)
    yield dbs
    dbs.close()


def fresh_database(request: pytest.FixtureRequest, backend: str, folder: Path,
                   name: str = "test.db") -> str:
    """A new empty store of ``backend``: a file under ``folder`` or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(folder / name)
    dbs: PostgresDatabases = request.getfixturevalue("pg_databases")
    url = dbs.create()
    request.addfinalizer(lambda: dbs.drop(url))
    return url


@pytest.fixture
def db_path(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh store for one test: a SQLite path or a PostgreSQL URL (see the docstring)."""
    return fresh_database(request, backend, tmp_path)


@pytest.fixture
def cw(db_path: str) -> Iterator[object]:
    import crosswire

    app = crosswire.open(db_path)
    yield app
    app.close()


def run_cli(*args: str, db: str | None = None, stdin: bytes | None = None,
            env: dict[str, str] | None = None, check: bool = False
            ) -> subprocess.CompletedProcess[str]:
    """Run the real ``crosswire`` command in a subprocess."""
    cmd = [sys.executable, "-m", "crosswire"]
    if db:
        cmd += ["--db", db]
    cmd += list(args)
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(cmd, input=stdin, capture_output=True, env=full_env, timeout=900)
    result = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result
