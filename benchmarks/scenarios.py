"""Scenarios the runner measures in child processes, each with its reference.

    python -m benchmarks.scenarios NAME ARGS...   # prints one JSON line: cpu (s), peak_mb and extras

Every scenario runs in a fresh process so that its CPU seconds and peak resident memory are its
own (``peak_mb`` is the process's peak; ``base_mb`` the peak before the timed part began, i.e. the
interpreter, the libraries and the prepared input). The runner (benchmarks/run.py) prepares the
inputs, calls these and prints the table. Reference libraries come from the ``bench`` extra.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks.memory import peak_mb as _peak_mb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _timed(fn: Callable[[], object], **extra) -> dict:
    base = _peak_mb()
    t = time.process_time()
    out = fn()
    cpu = time.process_time() - t
    return {"cpu": cpu, "peak_mb": _peak_mb(), "base_mb": base, **extra, **(out if isinstance(out, dict) else {})}


# -- fieldwork workbooks -------------------------------------------------------------------------
def _meta_text(value: object) -> str:
    """A text cell of a workbook's ``_meta`` sheet."""
    assert isinstance(value, str), value
    return value


def _meta_int(value: object) -> int:
    """A number cell of a workbook's ``_meta`` sheet (openpyxl reads a whole number back as int)."""
    assert isinstance(value, (int, str)), value
    return int(value)


def make_fieldwork_workspace(path: Path, cases: int) -> int:
    """A workspace with one drawn audit of ``cases`` cases (no answers yet); returns the audit id."""
    from sqlalchemy import select

    from benchmarks.large_workspace import ADMIN, TEMPLATE
    from workbench.services import templates
    from workbench.services.workspace import init_workspace
    from workbench.store.location import sqlite_location
    from workbench.store.models import Audit, AuditTemplate, SampledCase

    ws = init_workspace(sqlite_location(path), ADMIN, "Bench Admin")
    try:
        with ws.unit_of_work(ADMIN) as uow:
            templates.sync_builtins(uow)
            tpl = uow.session.scalar(select(AuditTemplate).where(AuditTemplate.key == TEMPLATE)
                                     .order_by(AuditTemplate.version.desc()).limit(1))
            assert tpl is not None, f"sync_builtins adds the {TEMPLATE} template"
            audit = Audit(title="Fieldwork benchmark", template_id=tpl.id, round=1, status="fieldwork", seed=11,
                          population_size=cases * 20, plan={"method": "simple", "drawn_size": cases}, target=0.75,
                          population_name="incidents.csv", created_by=ADMIN)
            uow.session.add(audit)
            uow.session.flush()
            uow.session.add_all(SampledCase(
                audit_id=audit.id, ref=f"INC-{n:07d}", order=n + 1, stratum=("Emergency", "Priority")[n % 2],
                fields={"call_time": f"2024-03-{1 + n % 28:02d}T10:{n % 60:02d}:00",
                        "dispatch_time": f"2024-03-{1 + n % 28:02d}T10:{n % 60:02d}:30",
                        "arrival_time": f"2024-03-{1 + n % 28:02d}T11:{n % 60:02d}:00",
                        "opening_grade": "Emergency", "final_grade": "Emergency", "district": "Norwich",
                        "urban_rural": "Urban"}) for n in range(cases))
            uow.log("audit", audit.id, "draw", None, {"cases": cases, "generated": True})
            return audit.id
    finally:
        ws.close()


def fieldwork_export(ws_path: str, audit_id: str, out: str) -> dict:
    from benchmarks.large_workspace import ADMIN
    from workbench.services.fieldwork_io import export_fieldwork
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(Path(ws_path)))

    def run() -> None:
        with ws.unit_of_work(ADMIN) as uow:
            export_fieldwork(uow, int(audit_id), Path(out))

    try:
        return _timed(run)
    finally:
        ws.close()


def dump_values(xlsx: Path, values: Path) -> int:
    """Every sheet's cell values of a workbook, pickled (the references write the same cells)."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    wb.close()
    values.write_bytes(pickle.dumps(sheets))
    return sum(1 for _, rows in sheets for r in rows for v in r if v is not None)


def xlsxwriter_write(values: str, out: str) -> dict:
    """The reference: xlsxwriter in constant-memory mode writing the same cells, nothing else."""
    import xlsxwriter

    sheets = pickle.loads(Path(values).read_bytes())

    def run() -> None:
        wb = xlsxwriter.Workbook(out, {"constant_memory": True})
        for title, rows in sheets:
            ws = wb.add_worksheet(title)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if v is not None:
                        ws.write(r, c, v)
        wb.close()

    return _timed(run)


def openpyxl_write_only(values: str, out: str) -> dict:
    """The reference of the Excel pack: openpyxl write-only mode writing the same cells."""
    from openpyxl import Workbook

    sheets = pickle.loads(Path(values).read_bytes())

    def run() -> None:
        wb = Workbook(write_only=True)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(out)

    return _timed(run)


def fill_fieldwork(src: Path, out: Path) -> int:
    """Answer every hand-answered cell of an exported workbook (outside any measurement)."""
    import json as _json

    from openpyxl import load_workbook

    wb = load_workbook(src)
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True) if r and r[0] and r[0] != "case"}
    columns = _json.loads(_meta_text(meta["columns"]))
    first = _meta_int(meta["first_row"])
    cases = _meta_int(meta["cases"])
    from benchmarks.large_workspace import TEMPLATE
    from workbench.templates import builtin_templates

    template = next(t for t in builtin_templates() if t.key == TEMPLATE)
    ws = wb["Cases"]
    answered = 0
    for letter, kind, key in columns:
        if kind != "answer":
            continue
        c = template.criterion(key)
        by_kind: dict[str, str | int] = {"number": 12, "datetime": "14/03/2024 14:02", "text": "checked",
                                         "choice": (c.choices or ("",))[0]}
        for row in range(first, first + cases):
            answered += 1
            ws[f"{letter}{row}"] = by_kind.get(c.answer, "yes" if answered % 5 else "no")
    wb.save(out)
    return answered


def fieldwork_import(ws_path: str, audit_id: str, xlsx: str) -> dict:
    from benchmarks.large_workspace import ADMIN
    from workbench.services.fieldwork_io import import_fieldwork
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(Path(ws_path)))

    def run() -> dict:
        with ws.unit_of_work(ADMIN) as uow:
            done = import_fieldwork(uow, int(audit_id), Path(xlsx))
        if not done.written:
            raise SystemExit(f"import wrote nothing: {done.problems[:3]} {done.conflicts[:3]}")
        return {"changed": done.changed}

    try:
        return _timed(run)
    finally:
        ws.close()


def read_and_bulk_write(ws_path: str, audit_id: str, xlsx: str) -> dict:
    """The reference of the import: openpyxl read-only read of every cell, then one bulk insert of
    the same answers (one row per answer, one change-log entry)."""
    from openpyxl import load_workbook
    from sqlalchemy import insert, select

    from benchmarks.large_workspace import ADMIN
    from workbench.store.location import sqlite_location
    from workbench.store.models import Response, SampledCase
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(Path(ws_path)))

    def run() -> dict:
        wb = load_workbook(xlsx, read_only=True)
        sheets = {s.title: list(s.iter_rows(values_only=True)) for s in wb.worksheets}
        wb.close()
        meta = {r[0]: r[1] for r in sheets["_meta"] if r and r[0] and r[0] != "case"}
        columns = json.loads(_meta_text(meta["columns"]))
        first = _meta_int(meta["first_row"])
        rows = sheets["Cases"][first - 1:]
        with ws.unit_of_work(ADMIN) as uow:
            # keyed by reference, looked up by the reference cell's value
            ids: dict[object, int] = {ref: cid for cid, ref in uow.session.execute(
                select(SampledCase.id, SampledCase.ref).where(SampledCase.audit_id == int(audit_id)))}
            answers = [{"case_id": ids[str(row[0])], "criterion_key": key, "value": row[i], "answered_by": ADMIN,
                        "comment": ""}
                       for row in rows for i, (_l, kind, key) in enumerate(columns) if kind == "answer"]
            uow.session.connection().execute(insert(Response), answers)  # Core: no row recorded in the log
            uow.log("audit", int(audit_id), "fieldwork_import", None, {"changed": len(answers)})
        return {"changed": len(answers)}

    try:
        return _timed(run)
    finally:
        ws.close()


# -- population extracts ---------------------------------------------------------------------------
def write_population_xlsx(path: Path, rows: list[list[str]], headers: list[str]) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Incidents")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def population_draw(extract: str, ws_path: str, stratify: str = "") -> dict:
    """Check + stratified draw of 400 through the service; counts how often the extract is parsed."""
    from benchmarks.large_workspace import ADMIN
    from workbench.importers import population_source
    from workbench.services import audits, population
    from workbench.services.workspace import init_workspace
    from workbench.store.location import sqlite_location

    counts = {"parses": 0, "opens": 0}

    def counting(name: str, what: str):
        real = getattr(population_source, name)

        def opened(*args, **kwargs):
            counts[what] += 1
            return real(*args, **kwargs)

        def read(*args, **kwargs):
            yield from real(*args, **kwargs)
            counts[what] += 1  # read to the end (the mapping suggestion reads only a first block)

        setattr(population_source, name, opened if what == "opens" else read)

    counting("_csv_batches", "parses")  # a full read of the rows
    counting("_xlsx_batches", "parses")
    counting("_open_workbook", "opens")  # an XLSX opened (its text table read)
    ws = init_workspace(sqlite_location(Path(ws_path)), ADMIN, "Bench")
    plan = {"method": "stratified", "stratify_by": stratify, "size": 400} if stratify else {"size": 400}
    with ws.unit_of_work(ADMIN) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Attendance", **plan)

    def run() -> dict:
        with ws.unit_of_work(ADMIN) as uow:
            result = population.draw_sample(uow, audit.id, extract, seed=7)
        return {"cases": result.population_cases, "selected": len(result.selected)}

    try:
        out = _timed(run)
    finally:
        ws.close()
    return out | counts


def polars_draw(extract: str, stratify_column: str = "") -> dict:
    """The reference: polars reads the whole extract (calamine for XLSX) and samples 400."""
    import polars as pl

    def run() -> None:
        if extract.endswith(".xlsx"):
            df = pl.read_excel(extract, engine="calamine")
        else:
            df = pl.read_csv(extract, try_parse_dates=True)
        if stratify_column:
            df.group_by(stratify_column).map_groups(lambda g: g.sample(n=min(len(g), 200), seed=7))
        else:
            df.sample(n=400, seed=7)

    return _timed(run)


# -- report import ---------------------------------------------------------------------------------
SAMPLE_REPORT = ROOT / "samples" / "peel-2023-25-norfolk-afis.txt"


def write_report(path: Path, findings: int) -> Path:
    """A PEEL 2023-25 findings page with ``findings`` AFIs (the sample's twelve, numbered apart)."""
    lines = SAMPLE_REPORT.read_text(encoding="utf-8").splitlines()
    afis = [ln for ln in lines if ln.startswith("AFI ")]
    head = [str(findings) if ln.strip() == "12" else ln.replace("12 areas", f"{findings} areas")
            for ln in lines if not ln.startswith("AFI ")]
    body = []
    for n in range(findings):
        line = afis[n % len(afis)]
        cut = line.find(" In ") if " In " in line else min(len(line), 80)
        body.append(f"{line[:cut]} in area {n + 1}{line[cut:]}")
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    return path


def report_import(report: str, ws_path: str) -> dict:
    from benchmarks.large_workspace import ADMIN
    from workbench.services import findings
    from workbench.services.workspace import init_workspace
    from workbench.store.location import sqlite_location

    ws = init_workspace(sqlite_location(Path(ws_path)), ADMIN, "Bench")

    def run() -> dict:
        with ws.unit_of_work(ADMIN) as uow:
            result = findings.import_report(uow, Path(report), force="Norfolk Constabulary")
        return {"added": len(result.added)}

    try:
        return _timed(run)
    finally:
        ws.close()


# -- packs -----------------------------------------------------------------------------------------
def big_pack(audits: int, cases: int, criteria: int, notable: bool = False):
    """Pack data: ``audits`` audits of ``cases`` cases with ``criteria`` answers each, on the sample
    pack; with ``notable`` the non-compliant cases are listed as notable, as the pack snapshot does."""
    from workbench.reports.pack_data import CaseRow, CriterionRow, sample_pack_data

    base = sample_pack_data()
    template = base.findings[0].audits[0]
    crit = tuple(CriterionRow(f"criterion_{k:02d}", f"Was requirement {k} of the procedure met and recorded?",
                              k < 3, 0, 0, None, None, None) for k in range(criteria))
    answers = ("yes", "yes", "yes", "no", "n/a")
    made = []
    for a in range(audits):
        rows = tuple(CaseRow(f"REF-{a:03d}-{i:06d}", ("Emergency", "Priority", "Scheduled")[i % 3], i % 4 != 0,
                             {c.key: answers[(i + j) % 5] for j, c in enumerate(crit)},
                             "Completed late; supervisor not told." if i % 9 == 0 else "")
                     for i in range(cases))
        notes = tuple(replace(r, notes=r.notes or "criterion_03: no") for r in rows if not r.compliant) if notable else ()
        made.append(replace(template, title=f"Benchmark audit {a + 1} of attendance and grading", seed=str(a),
                            criteria=crit, cases=rows, notable_cases=notes))
    findings = (replace(base.findings[0], audits=tuple(made)),) + base.findings[1:]
    return replace(base, findings=findings)


def excel_pack(audits: str, cases: str, criteria: str, out: str) -> dict:
    from workbench.reports.excel_pack import write_excel_pack

    data = big_pack(int(audits), int(cases), int(criteria))
    return _timed(lambda: write_excel_pack(data, Path(out)))


def pdf_pack_cases(cases: str, out: str) -> dict:
    """The PDF of a pack whose one audit has ``cases`` cases (a quarter not compliant, hence notable)."""
    from workbench.reports.pdf_pack import write_pdf_pack

    data = big_pack(1, int(cases), 15, notable=True)
    return _timed(lambda: write_pdf_pack(data, Path(out)))


def pdf_pack_workspace(ws_path: str, out: str) -> dict:
    """The PDF of a pack of every finding of a workspace: the snapshot read, then the PDF written."""
    from benchmarks.large_workspace import ADMIN
    from workbench import __version__
    from workbench.reports.pdf_pack import write_pdf_pack
    from workbench.services.pack_snapshot import collect_pack_data
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(Path(ws_path)))
    timings = {}

    def run() -> dict:
        t = time.process_time()
        with ws.unit_of_work(ADMIN, write=False) as uow:
            data = collect_pack_data(uow, None, 1, "draft", __version__)
        timings["snapshot_cpu"] = time.process_time() - t
        write_pdf_pack(data, Path(out))
        return timings

    try:
        return _timed(run)
    finally:
        ws.close()


SCENARIOS: dict[str, Callable[..., dict]] = {
    "fieldwork-export": fieldwork_export, "xlsxwriter-write": xlsxwriter_write,
    "openpyxl-write-only": openpyxl_write_only, "fieldwork-import": fieldwork_import,
    "read-and-bulk-write": read_and_bulk_write, "population-draw": population_draw, "polars-draw": polars_draw,
    "report-import": report_import, "excel-pack": excel_pack, "pdf-pack-cases": pdf_pack_cases,
    "pdf-pack-workspace": pdf_pack_workspace,
}


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]](*sys.argv[2:])))
