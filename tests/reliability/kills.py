"""SIGKILL in the middle of writing commands, then look for damage, lost commits and debris.

Used by ``test_kills.py`` (the default run, >= 50 kills) and ``benchmarks/kills.py`` (>= 300).
A forked child (the parent has already imported everything, so a child starts in
milliseconds) opens the SQLite workspace and runs one writing command: a change-log entry,
an evidence upload, a workspace backup, an anchor file export, or a pack build (whose render
takes longer than any kill delay, so it is always killed while its files are staged). After
each commit it tells the parent through a pipe. The parent kills it after a random delay.
Afterwards: the workspace passes SQLite's integrity check and ``log verify``; every commit a
child reported is in it; the next start sweeps every partial file; what is left in the
output folder is final, whole files only.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from workbench.files import PARTIAL_DIR, sweep_partial

ADMIN = "kill.admin"
KINDS = ("log", "evidence", "backup", "anchor", "pack")


@dataclass
class KillReport:
    kills: int = 0
    finished: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    reported_commits: set[str] = field(default_factory=set)
    stored_commits: set[str] = field(default_factory=set)
    lost_commits: set[str] = field(default_factory=set)
    leftovers: list[str] = field(default_factory=list)
    partial_files_swept: int = 0
    broken_files: list[str] = field(default_factory=list)
    integrity: str = ""
    chain_ok: bool = False
    chain_problem: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


def prepare(folder: Path):
    from workbench.services import findings
    from workbench.services.workspace import init_workspace
    from workbench.store.location import sqlite_location

    location = sqlite_location(folder / "workspace.sqlite")
    ws = init_workspace(location, ADMIN, "Kill Admin")
    sample = Path(findings.__file__).resolve().parents[1] / "resources" / "samples"
    report = next(iter(sorted(sample.glob("*2018*"))), None)
    with ws.unit_of_work(ADMIN) as uow:
        if report is not None:
            findings.import_report(uow, report)
    ws.close()
    return location


def _child(ws, location, kind: str, token: str, out: Path, evidence_file: Path, pipe: int) -> None:
    from workbench.services import evidence, log_check, packs

    ws.engine.dispose(close=False)  # a forked child: fresh connections, the parent's left alone
    if kind == "log":
        with ws.unit_of_work(ADMIN) as uow:
            for n in range(5):
                uow.log("killtest", token, f"step-{n}", None, {"n": n})
    elif kind == "evidence":
        with ws.unit_of_work(ADMIN) as uow:
            evidence.add_evidence(uow, evidence_file, f"Evidence {token}")
            uow.log("killtest", token, "evidence")
    elif kind == "backup":
        _backup(location, out, token)
        os.write(pipe, f"file backup-{token}.sqlite\n".encode())
        return
    elif kind == "anchor":
        with ws.unit_of_work(ADMIN) as uow:
            log_check.export_anchor(uow, out / f"anchor-{token}.json", location.label)
            uow.log("killtest", token, "anchor")
    else:
        with ws.unit_of_work(ADMIN) as uow:
            packs.build_pack(uow, out / "packs")
            uow.log("killtest", token, "pack")
    os.write(pipe, f"commit {token}\n".encode())


def _backup(location, out: Path, token: str) -> None:
    from workbench.store.backup import backup_sqlite

    backup_sqlite(location.path, out / f"backup-{token}.sqlite")


def _fork(ws, location, kind: str, token: str, out: Path, evidence_file: Path) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        code = 0
        try:
            os.close(read_end)
            _child(ws, location, kind, token, out, evidence_file, write_end)
        except BaseException:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(read_end: int) -> list[str]:
    messages = b""
    while chunk := os.read(read_end, 4096):
        messages += chunk
    os.close(read_end)
    return messages.decode().splitlines()


def run_kills(folder: Path, kills: int, seed: int = 1, max_delay: float | None = 0.4) -> KillReport:
    """Start writing commands and SIGKILL them until ``kills`` of them died mid-way: each after a
    random delay up to its usual duration (at most ``max_delay`` seconds; None: no cap)."""
    # everything a child runs is imported here, once: a forked child then starts at once
    import workbench.reports.excel_pack  # noqa: F401
    import workbench.reports.pdf_pack  # noqa: F401
    import workbench.services.evidence  # noqa: F401
    import workbench.services.log_check  # noqa: F401
    import workbench.services.packs  # noqa: F401
    import workbench.store.backup  # noqa: F401
    from workbench.store.workspace import Workspace

    begun = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    location = prepare(folder)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    evidence_file = folder / "minutes.pdf"
    evidence_file.write_bytes(b"%PDF-1.4 minutes " + bytes(range(256)) * 64)
    rnd = random.Random(seed)
    report = KillReport()
    ws = Workspace.open(location)
    try:
        # one unkilled run of each command: warms the imports and says how long it takes
        duration: dict[str, float] = {}
        report.timings["prepare"] = time.monotonic() - begun
        for kind in KINDS:
            started = time.monotonic()
            pid, read_end = _fork(ws, location, kind, f"{kind}-warm", out, evidence_file)
            _, status = os.waitpid(pid, 0)
            lines = _collect(read_end)
            if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                raise AssertionError(f"{kind}: the writing command fails by itself (status {status})")
            report.reported_commits.update(v for k, _, v in (ln.partition(" ") for ln in lines) if k == "commit")
            duration[kind] = time.monotonic() - started
        report.timings.update({f"warm {k}": v for k, v in duration.items()})
        started = time.monotonic()
        attempt = 0
        while report.kills < kills:
            attempt += 1
            kind = KINDS[attempt % len(KINDS)]
            token = f"{kind}-{attempt}"
            pid, read_end = _fork(ws, location, kind, token, out, evidence_file)
            cap = duration[kind] if max_delay is None else min(duration[kind], max_delay)
            time.sleep(rnd.uniform(0.0, cap * 1.1))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status = os.waitpid(pid, 0)
            lines = _collect(read_end)
            done = False
            for line in lines:
                what, _, value = line.partition(" ")
                if what == "commit":
                    report.reported_commits.add(value)
                done = done or what in ("commit", "file")
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL and not done:
                report.kills += 1
                report.by_kind[kind] += 1
            elif done or (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                report.finished += 1
            elif not os.WIFSIGNALED(status):
                raise AssertionError(f"{token}: the writing command failed by itself (status {status})")
        report.timings["kills"] = time.monotonic() - started
    finally:
        ws.close()
    _inspect(location, out, report)
    return report


def _inspect(location, out: Path, report: KillReport) -> None:
    from workbench.services.log_check import verify_log
    from workbench.store.models import ChangeLogEntry
    from workbench.store.workspace import Workspace

    with sqlite3.connect(location.path) as raw:
        report.integrity = raw.execute("PRAGMA integrity_check").fetchone()[0]
    ws = Workspace.open(location)  # the next start: sweeps the workspace folder
    try:
        with ws.unit_of_work(ADMIN, write=False) as uow:
            check = verify_log(uow)
            report.chain_ok, report.chain_problem = check.ok, check.problem
            report.stored_commits = set(uow.session.scalars(
                select(ChangeLogEntry.entity_id).where(ChangeLogEntry.entity == "killtest")))
    finally:
        ws.close()
    report.lost_commits = report.reported_commits - report.stored_commits
    # the next writing command into each output folder sweeps what killed writers left
    for folder in (out, out / "packs"):
        report.partial_files_swept += sweep_partial(folder)
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if PARTIAL_DIR in path.parts or path.name.endswith((".tmp", ".partial", ".part")):
            report.leftovers.append(rel)
        elif path.is_file():
            report.broken_files.extend(_whole(path, rel))


def _whole(path: Path, rel: str) -> list[str]:
    """Nothing but complete files: a backup opens and checks, a JSON anchor parses, a PDF ends."""
    import json

    try:
        if path.suffix == ".sqlite":
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
                if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    return [rel]
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".pdf" and b"%%EOF" not in path.read_bytes()[-1024:]:
            return [rel]
    except (sqlite3.Error, ValueError, OSError):
        return [rel]
    return []
