"""The benchmark runner: every scenario with its reference measured in the same run, one table.

    python -m benchmarks.run [--scale small|full] [--workspace W.sqlite] [--out docs/performance.md]

Builds the large workspace (benchmarks/large_workspace.py) and the incident CSV in a temporary
folder (or uses `--workspace`), measures each scenario and its reference side by side, prints the
table and writes it into docs/performance.md between the markers. Figures are CPU seconds unless
marked. A scenario whose reference library (the `bench` extra: polars, duckdb, xlsxwriter,
python-calamine) is missing is listed with a note, not measured. `--scale small` finishes in a few
minutes on two cores; `full` is the issue's size (360,000 responses, 50,000 log entries, 1M rows).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.large_workspace import ADMIN, SCALES, build
from benchmarks.run_files import (
    FILE_SIZES,
    excel_pack_rows,
    fieldwork_rows,
    pdf_rows,
    report_rows,
    xlsx_rows,
)
from benchmarks.run_rows import Row, _abs_row, _best, _child_cpu, _cpu, _ratio_row

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BEGIN, END = "<!-- benchmark table: begin -->", "<!-- benchmark table: end -->"


# -- scenarios -------------------------------------------------------------------------------
def _files_unrendered(_data: object, out_dir: Path, stem: str, *_args: object) -> tuple[Path, Path]:
    """A pack renderer that writes placeholder files: the scenarios that list packs measure the
    stored content, not the PDF (which has its own rows)."""
    files = out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"
    for f in files:
        f.write_bytes(b"placeholder " + f.name.encode())
    return files


def cli_rows(ws_path: Path) -> list[Row]:
    sqla = _best(3, lambda: _child_cpu([PY, "-c", "import sqlalchemy"])[0])
    version = _best(3, lambda: _child_cpu([PY, "-m", "workbench", "--version"])[0])
    read = _best(3, lambda: _child_cpu([PY, "-m", "workbench", "--workspace", str(ws_path), "findings",
                                        "--json"])[0])
    return [
        _ratio_row("`workbench --version`", version, sqla, "`import sqlalchemy`", 3),
        _ratio_row("`workbench findings --json` (large workspace)", read, sqla, "`import sqlalchemy`", 6,
                   note="a read command opens the workspace (SQLAlchemy, Alembic's version check)"),
    ]


def service_rows(ws_path: Path) -> list[Row]:
    from workbench import __version__
    from workbench.gui.overview_page import read_overview
    from workbench.reports.pack_codec import content_sha256
    from workbench.services import audits, findings, log_check, packs, readiness, score_memo, scoring
    from workbench.services.pack_snapshot import collect_pack_data, default_scope
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(ws_path))
    rows: list[Row] = []
    try:
        def rescore() -> None:
            with ws.unit_of_work(ADMIN, write=False) as uow:
                for a in audits.list_audits(uow):
                    scoring.score_audit(uow, a.id)
                for f in findings.list_findings(uow):
                    readiness.assess_readiness(uow, f.stored_id)

        def rescore_uncached() -> None:
            real, shared = scoring._round_cache, score_memo.rounds_for
            scoring._round_cache = lambda uow: None
            score_memo.rounds_for = lambda uow: None
            try:
                rescore()
            finally:
                scoring._round_cache, score_memo.rounds_for = real, shared

        before = _best(1, lambda: _cpu(rescore_uncached))
        cold = _cpu(rescore)  # the first read of the open workspace scores every round
        rows.append(_abs_row("rescore every audit and readiness", _best(2, lambda: _cpu(rescore)), 0.5,
                             before, "each round re-scored per trend (before)",
                             note=f"again after a first read of {cold:.2f} s"))

        def answer_one() -> None:  # one hand-given answer of the first round changed, as the window does
            from sqlalchemy import select

            from workbench.services import fieldwork
            from workbench.services.templates import get_template
            from workbench.store.models import Audit, Response, SampledCase

            with ws.unit_of_work(ADMIN) as uow:
                first_round = min(a.id for a in audits.list_audits(uow))
                template = get_template(uow, uow.session.get_one(Audit, first_round).template_id)
                hand = [c.key for c in template.criteria if c.rule is None]
                row = uow.session.execute(
                    select(Response.case_id, Response.criterion_key, Response.value)
                    .join(SampledCase, SampledCase.id == Response.case_id)
                    .where(SampledCase.audit_id == first_round, Response.role == "primary",
                           Response.criterion_key.in_(hand), Response.value.in_(("yes", "no"))).limit(1)).one()
                fieldwork.record_response(uow, row.case_id, row.criterion_key, "no" if row.value == "yes" else "yes")

        def rescore_after_an_answer() -> None:
            answer_one()
            rescore()

        rows.append(_abs_row("rescore every audit and readiness after one answer changed",
                             _best(2, lambda: _cpu(rescore_after_an_answer)), 0.5, cold, "the first read",
                             note="the answer's round alone is scored again (the others kept in the open "
                                  "workspace); the time includes recording the answer"))

        with ws.unit_of_work(ADMIN, write=True) as uow:  # one pack version to list, of the default scope
            first = default_scope(uow)[0]
            packs.build_pack(uow, Path(tempfile.mkdtemp()) / "pack", render=_files_unrendered)

        def pack_list() -> None:
            with ws.unit_of_work(ADMIN, write=False) as uow:
                packs.list_packs(uow)

        def pack_list_before() -> None:
            with ws.unit_of_work(ADMIN, write=False) as uow:
                content_sha256(collect_pack_data(uow, None, 1, "draft", __version__))

        rows.append(_abs_row("`pack list` (nothing changed since the build)", _best(3, lambda: _cpu(pack_list)), 0.2,
                             _best(1, lambda: _cpu(pack_list_before)), "rebuilding the snapshot (before)"))

        with ws.unit_of_work(ADMIN, write=False) as uow:
            full_t = time.process_time()
            report = log_check.verify_log(uow)
            full_t = time.process_time() - full_t
        with ws.unit_of_work(ADMIN) as uow:
            findings.update_finding(uow, first.stored_id, None, owner="Benchmark owner")  # the pack shows it

        def since() -> None:
            with ws.unit_of_work(ADMIN, write=False) as uow:
                assert log_check.verify_log_since(uow, report.checkpoint).ok

        rows.append(_abs_row("`log verify` incremental (GUI)", _best(3, lambda: _cpu(since)), 0.2, full_t,
                             "full `log verify`", note=f"{report.entries:,} entries, {report.rows_checked:,} rows"))

        def pack_list_after_the_edit() -> None:  # a new process's first read, as `workbench pack list` runs
            fresh = Workspace.open(sqlite_location(ws_path))
            try:
                with fresh.unit_of_work(ADMIN, write=False) as uow:
                    assert not packs.list_packs(uow)[-1].current
            finally:
                fresh.close()

        rows.append(_abs_row("`pack list` after a change to what the pack says (first read)",
                             _cpu(pack_list_after_the_edit), 0.2,
                             note="a finding's owner edited after the build of a pack of the default scope: the "
                                  "content is rebuilt once to compare hashes (kept for the day in the open "
                                  "workspace; a command pays it every time)"))

        def overview() -> None:
            with ws.unit_of_work(ADMIN, write=False) as uow:
                read_overview(uow)

        rows.append(_abs_row("overview data", _best(3, lambda: _cpu(overview)), 0.2))
    finally:
        ws.close()
    return rows


POP_DRAW = """
import resource, sys, time
from pathlib import Path
from workbench.services import audits, population
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location
from workbench.services.users import current_os_user
me = current_os_user()
ws = init_workspace(sqlite_location(Path(sys.argv[2])), me, "Bench")
with ws.unit_of_work(me) as uow:
    audit = audits.create_audit(uow, "response-attendance", "Attendance", size=400)
t = time.process_time()
with ws.unit_of_work(me) as uow:
    population.draw_sample(uow, audit.id, sys.argv[1], seed=7)
from benchmarks.memory import peak_mb
print(time.process_time() - t, peak_mb() * 1024)  # kB, as ru_maxrss
"""

POLARS_DRAW = """
import resource, sys, time
import polars as pl
t = time.process_time()
df = pl.read_csv(sys.argv[1], try_parse_dates=True)
sample = df.sample(n=400, seed=7)
from benchmarks.memory import peak_mb
print(time.process_time() - t, peak_mb() * 1024)  # kB, as ru_maxrss
"""


def population_rows(csv_path: Path, rows: int, work: Path) -> list[Row]:
    out = subprocess.run([PY, "-c", POP_DRAW, str(csv_path), str(work / "pop.sqlite")], capture_output=True,
                         text=True, cwd=ROOT, timeout=1800)
    if out.returncode != 0:
        return [Row(f"{rows:,}-row CSV check + draw of 400", "failed", "", "", "≤ 1.5× polars", "NO",
                    out.stderr.strip().splitlines()[-1][:200])]
    cpu, rss = (float(x) for x in out.stdout.split())
    try:
        import polars  # noqa: F401
    except ImportError:
        return [Row(f"{rows:,}-row CSV check + draw of 400", f"{cpu:.2f} s, {rss / 1024:.0f} MB", "polars missing",
                    "—", "≤ 1.5× polars", "—", "install the bench extra to measure the reference")]
    ref = subprocess.run([PY, "-c", POLARS_DRAW, str(csv_path)], capture_output=True, text=True, timeout=1800)
    rcpu, rrss = (float(x) for x in ref.stdout.split())
    row = _ratio_row(f"{rows:,}-row CSV check + draw of 400", cpu, rcpu, "polars read + sample", 1.5,
                     note=f"peak {rss / 1024:.0f} MB (target ≤ 300 MB; polars {rrss / 1024:.0f} MB)")
    return [row]


def gui_rows(ws_path: Path) -> list[Row]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    bare = _child_cpu([PY, "-m", "benchmarks.gui_heartbeat", "--bare"], env)[2]
    bare_cpu = json.loads(bare.strip().splitlines()[-1])["first_window_cpu"]
    first = json.loads(_child_cpu([PY, "-m", "benchmarks.first_window", str(ws_path)], env)[2].strip().splitlines()[-1])
    full = _child_cpu([PY, "-m", "benchmarks.gui_heartbeat", str(ws_path)], env)[2]
    result = json.loads(full.strip().splitlines()[-1])
    worst = sorted(result["steps"].items(), key=lambda kv: -kv[1])[:4]
    steps = ", ".join(f"{name} {gap:.0f} ms" for name, gap in worst)
    return [
        _ratio_row("first window shown (large workspace)", first["start_window"], bare_cpu, "bare PySide6 window", 3,
                   note=f"`workbench --workspace W` as started by a user: the start window, saying which workspace "
                        f"opens; the main window on the workspace replaced it at {first['main_window']:.2f} s "
                        f"({first['main_window'] / bare_cpu:.1f}× the bare window)"),
        _abs_row("longest GUI-thread stall (heartbeat 10 ms)", result["longest_gap_ms"], 100, unit="ms",
                 note=f"worst steps: {steps}"),
    ]


TARGETS = {
    "cli": "≤ 3× / ≤ 6× `import sqlalchemy`", "services": "< 0.5 s; each < 0.2 s",
    "population": "≤ 1.5× polars, ≤ 300 MB", "xlsx": "≤ 3× polars with calamine; one parse",
    "excel": "≤ 1.2× openpyxl write-only, ≤ 300 MB", "fieldwork": "≤ 1.5× xlsxwriter / read-only read + bulk write",
    "report": "≤ 2.2× (linear)", "pdf": "< 10 s / < 30 s, < 500 MB", "gui": "≤ 3× bare window; stall < 100 ms",
}


def table(rows: list[Row]) -> str:
    lines = ["| scenario | measured | reference (same run) | ratio | target | met | note |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r.scenario} | {r.measured} | {r.reference} | {r.ratio} | {r.target} | {r.met} | {r.note} |"
              for r in rows]
    return "\n".join(lines)


def write_docs(path: Path, text: str, header: str) -> None:
    doc = path.read_text(encoding="utf-8") if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc:
        doc += f"\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{header}\n\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=sorted(SCALES), default="small")
    p.add_argument("--workspace", type=Path, help="an already generated workspace (of that scale)")
    p.add_argument("--rows", type=int, help="incident CSV rows (default 100,000 small, 1,000,000 full)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    p.add_argument("--no-docs", action="store_true")
    p.add_argument("--sections", help="comma-separated: cli,services,population,xlsx,excel,fieldwork,report,pdf,gui")
    a = p.parse_args(argv)
    rows_n = a.rows or (1_000_000 if a.scale == "full" else 100_000)
    work = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    ws_path = a.workspace
    if ws_path is None:
        ws_path = work / "large.sqlite"
        t = time.perf_counter()
        build(ws_path, SCALES[a.scale], progress=lambda m: print(m, file=sys.stderr)).close()
        print(f"generated the {a.scale} workspace in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    from tests.services.audit_population import quick_rows, write_csv

    csv_path = write_csv(work / "incidents.csv", quick_rows(rows_n))
    sections = {
        "cli": ("command line", lambda: cli_rows(ws_path)),
        "services": ("services", lambda: service_rows(ws_path)),
        "population": ("population", lambda: population_rows(csv_path, rows_n, work)),
        "xlsx": ("XLSX extract", lambda: xlsx_rows(FILE_SIZES[a.scale], work)),
        "excel": ("Excel pack", lambda: excel_pack_rows(SCALES[a.scale], work)),
        "fieldwork": ("fieldwork workbooks", lambda: fieldwork_rows(FILE_SIZES[a.scale], work)),
        "report": ("report import", lambda: report_rows(FILE_SIZES[a.scale], work)),
        "pdf": ("PDF packs", lambda: pdf_rows(FILE_SIZES[a.scale], ws_path, work)),
        "gui": ("GUI", lambda: gui_rows(ws_path)),
    }
    chosen = a.sections.split(",") if a.sections else list(sections)
    unknown = [c for c in chosen if c not in sections]
    if unknown:
        p.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(sections)}")
    s = SCALES[a.scale]
    rows: list[Row] = []
    for done, key in enumerate(chosen, start=1):
        name, fn = sections[key]
        print(f"measuring: {name}", file=sys.stderr)
        rows += fn()
        left = [Row(f"({sections[k][0]})", "not reached in this run", "", "", TARGETS[k], "—")
                for k in chosen[done:]]
        text = table(rows + left)
        header = (f"Scale `{a.scale}`: {s.findings} findings, {s.series * s.rounds} audit rounds × {s.cases} cases, "
                  f"{s.evidence:,} evidence files, {s.log_entries:,} log entries; {rows_n:,}-row CSV. "
                  f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores "
                  f"(`python -m benchmarks.run --scale {a.scale}"
                  + (f" --sections {a.sections}" if a.sections else "") + "`).")
        if not a.no_docs:  # after each section, so that a stopped run keeps what it measured
            write_docs(a.out, text, header)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
