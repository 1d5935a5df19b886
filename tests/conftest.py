"""Shared fixtures: workspaces on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from workbench.services.workspace import init_workspace  # noqa: E402
from workbench.store.location import WorkspaceLocation, resolve_location, sqlite_location  # noqa: E402
from workbench.store.workspace import Workspace  # noqa: E402

REQUIRE_PG = os.environ.get("WORKBENCH_REQUIRE_PG") == "1"
ADMIN = "admin.user"
#: the fixture admin's passphrase: `ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS)` for admin actions
ADMIN_PASS = "admin user's own passphrase"


@pytest.fixture(scope="session", autouse=True)
def cheap_passphrase_hashing() -> Iterator[None]:
    """Real argon2id, with cheap parameters: the suite hashes and checks many passphrases."""
    from argon2 import PasswordHasher

    from workbench.store import credentials

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@dataclass(frozen=True)
class PgServer:
    port: int

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"


def _pg_bindir() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = _pg_bindir()
    if bindir is None:
        msg = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if REQUIRE_PG:
            pytest.fail(msg + " but WORKBENCH_REQUIRE_PG=1")
        pytest.skip(msg)
    root = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(root, "postgres")
    data = root / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True, env=env)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l",
                    str(root / "server.log"), "start"], check=True, capture_output=True, env=env)
    try:
        yield PgServer(port)
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, env=env)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the throwaway cluster."""
    import psycopg

    name = f"wb_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_login(pg_server: PgServer, pg_url: str):
    """`pg_login(NAME)`: the URL of `pg_url`'s database as NAME's own login (created if missing).

    On a shared database each person connects as their own login; the cluster trusts local
    logins, so no password is needed here.
    """
    import psycopg
    from sqlalchemy.engine import make_url

    def login(name: str) -> str:
        with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE ROLE "{name}" LOGIN')
        return make_url(pg_url).set(username=name).render_as_string(hide_password=False)

    return login


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> WorkspaceLocation:
    """An empty workspace location, on each backend in turn."""
    if request.param == "sqlite":
        return sqlite_location(tmp_path / "workspace.sqlite")
    return resolve_location(db=request.getfixturevalue("pg_url"))


@pytest.fixture
def workspace(location: WorkspaceLocation) -> Iterator[Workspace]:
    """A new workspace (both backends) whose admin is `admin.user` (passphrase ADMIN_PASS)."""
    ws = init_workspace(location, ADMIN, "Admin User", ADMIN_PASS)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = init_workspace(sqlite_location(tmp_path / "workspace.sqlite"), ADMIN, "Admin User", ADMIN_PASS)
    try:
        yield ws
    finally:
        ws.close()


R = TypeVar("R")


def noted(log: list[Any], item: object, answer: R) -> R:
    """Append `item` to `log` and return `answer`: a stand-in callback that records its calls."""
    log.append(item)
    return answer
