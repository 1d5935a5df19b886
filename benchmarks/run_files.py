"""The runner's rows for files: fieldwork workbooks, XLSX extracts, report import and packs.

Each scenario and its reference run in their own child process (benchmarks/scenarios.py), so CPU
seconds and peak memory are theirs alone. A child that exceeds its time or memory allowance is
stopped and its row says so (not met) rather than holding up the run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.large_workspace import Scale
from benchmarks.run_rows import Row

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


@dataclass(frozen=True)
class FileSizes:
    fieldwork: tuple[int, int]  # cases: the small and the target size (memory must stay flat)
    xlsx_rows: int
    pdf_cases: tuple[int, int]  # a quarter of the target and the target (linearity)
    report: tuple[int, int]  # findings: n and 2n


FILE_SIZES = {
    "full": FileSizes((1_000, 4_000), 100_000, (11_250, 45_000), (4_000, 8_000)),
    "small": FileSizes((250, 1_000), 20_000, (1_125, 4_500), (1_000, 2_000)),
}


class ChildFailed(RuntimeError):
    pass


def child(*args: str, timeout: float = 1200, memory_gb: float = 8) -> dict:
    """Run one scenario in a child process (time and address-space limits); its JSON result."""
    limit = int(memory_gb * 1024**3)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        done = subprocess.run([PY, "-m", "benchmarks.scenarios", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=timeout, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"stopped after {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in done.stderr:
            raise ChildFailed(f"out of memory at the {memory_gb:g} GB cap")
        raise ChildFailed(f"failed: {tail[:160]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(r: dict) -> str:
    return f"{r['cpu']:.3f} s, {r['peak_mb']:.0f} MB"


def _failed_row(name: str, target: str, exc: Exception) -> Row:
    return Row(name, str(exc), "", "", target, "NO")


# -- fieldwork workbooks ------------------------------------------------------------------------------
def fieldwork_rows(sizes: FileSizes, work: Path) -> list[Row]:
    from benchmarks import scenarios

    results: dict[int, dict[str, dict]] = {}
    for n in sizes.fieldwork:
        base = work / f"fieldwork-{n}.sqlite"
        audit = scenarios.make_fieldwork_workspace(base, n)
        out = work / f"fieldwork-{n}.xlsx"
        got: dict[str, dict] = {}
        got["export"] = child("fieldwork-export", str(scenarios.copy(base, work / f"fw-e-{n}.sqlite")), str(audit),
                              str(out))
        scenarios.dump_values(out, work / f"fieldwork-{n}.pickle")
        got["xlsxwriter"] = child("xlsxwriter-write", str(work / f"fieldwork-{n}.pickle"), str(work / f"xw-{n}.xlsx"))
        filled = work / f"filled-{n}.xlsx"
        scenarios.fill_fieldwork(out, filled)
        got["import"] = child("fieldwork-import", str(scenarios.copy(base, work / f"fw-i-{n}.sqlite")), str(audit),
                              str(filled))
        got["reference"] = child("read-and-bulk-write", str(scenarios.copy(base, work / f"fw-r-{n}.sqlite")),
                                 str(audit), str(filled))
        results[n] = got
    small, big = sizes.fieldwork
    rows = []
    for what, ref, ref_name in (("export", "xlsxwriter", "xlsxwriter (constant memory), same cells"),
                                ("import", "reference", "read-only read + bulk write")):
        r, b = results[big][what], results[big][ref]
        ratio = r["cpu"] / b["cpu"]
        grow = results[big][what]["peak_mb"] - results[small][what]["peak_mb"]
        flat = grow <= 0.1 * results[small][what]["peak_mb"]
        rows.append(Row(
            f"fieldwork workbook {what} of {big:,} cases", _fmt(r), f"{ref_name} {_fmt(b)}", f"{ratio:.2f}×",
            "≤ 1.5×; memory flat in cases", "yes" if ratio <= 1.5 and flat else "NO",
            f"peak {results[small][what]['peak_mb']:.0f} MB at {small:,} cases, {r['peak_mb']:.0f} MB at {big:,} "
            f"({'flat' if flat else f'+{grow:.0f} MB'}); {results[big][what].get('changed', '')}"
            .rstrip("; ") + (" answers written" if what == "import" else "")))
    return rows


# -- XLSX extract --------------------------------------------------------------------------------------
def xlsx_rows(sizes: FileSizes, work: Path) -> list[Row]:
    from benchmarks import scenarios
    from tests.services.audit_population import HEADERS, quick_rows

    n = sizes.xlsx_rows
    name = f"{n:,}-row XLSX check + stratified draw of 400"
    target = "≤ 3× polars with calamine; one parse"
    path = scenarios.write_population_xlsx(work / "incidents.xlsx", quick_rows(n), HEADERS)
    try:
        got = child("population-draw", str(path), str(work / "pop-xlsx.sqlite"), "district")
    except ChildFailed as exc:
        return [_failed_row(name, target, exc)]
    try:
        ref = child("polars-draw", str(path), "District")
    except ChildFailed as exc:
        return [Row(name, _fmt(got), f"polars: {exc}", "—", target, "—", f"parses: {got['parses']}")]
    ratio = got["cpu"] / ref["cpu"]
    met = ratio <= 3 and got["parses"] == 1
    return [Row(name, _fmt(got), f"polars `read_excel` (calamine) + sample {_fmt(ref)}", f"{ratio:.2f}×", target,
                "yes" if met else "NO", f"full reads of the rows: {got['parses']}; workbook opened {got['opens']}× (layout, then the scan)")]


# -- report import ------------------------------------------------------------------------------------
def report_rows(sizes: FileSizes, work: Path) -> list[Row]:
    from benchmarks import scenarios

    small, big = sizes.report
    name = f"report import: {big:,} findings against {small:,}"
    got = {}
    for n in (small, big):
        report = scenarios.write_report(work / f"report-{n}.txt", n)
        try:
            got[n] = child("report-import", str(report), str(work / f"report-{n}.sqlite"))
        except ChildFailed as exc:
            return [_failed_row(name, "≤ 2.2× (linear)", exc)]
    ratio = got[big]["cpu"] / got[small]["cpu"]
    return [Row(name, _fmt(got[big]), f"{small:,} findings {_fmt(got[small])}", f"{ratio:.2f}×", "≤ 2.2× (linear)",
                "yes" if ratio <= 2.2 else "NO", f"{got[big]['added']:,} and {got[small]['added']:,} findings added")]


# -- packs ---------------------------------------------------------------------------------------------
def excel_pack_rows(scale, work: Path) -> list[Row]:
    from benchmarks import scenarios

    s: Scale = scale
    audits = s.series * s.rounds
    responses = audits * s.cases * 15
    name = f"Excel pack with all {responses:,} responses"
    target = "≤ 1.2× openpyxl write-only, peak ≤ 300 MB"
    out = work / "pack.xlsx"
    try:
        got = child("excel-pack", str(audits), str(s.cases), "15", str(out))
    except ChildFailed as exc:
        return [_failed_row(name, target, exc)]
    cells = scenarios.dump_values(out, work / "pack.pickle")
    ref = child("openpyxl-write-only", str(work / "pack.pickle"), str(work / "plain.xlsx"))
    ratio = got["cpu"] / ref["cpu"]
    met = ratio <= 1.2 and got["peak_mb"] <= 300
    return [Row(name, _fmt(got), f"openpyxl write-only, same {cells:,} cells {_fmt(ref)}", f"{ratio:.2f}×", target,
                "yes" if met else "NO", f"{got['base_mb']:.0f} MB held the pack data before writing")]


def pdf_rows(sizes: FileSizes, ws_path: Path, work: Path) -> list[Row]:
    rows = []
    name = "PDF pack of the large workspace (every finding)"
    try:
        got = child("pdf-pack-workspace", str(ws_path), str(work / "workspace.pdf"), timeout=600)
        rows.append(Row(name, _fmt(got), "—", "—", "< 10 s", "yes" if got["cpu"] < 10 else "NO",
                        f"of which the snapshot read {got['snapshot_cpu']:.1f} s"))
    except ChildFailed as exc:
        rows.append(_failed_row(name, "< 10 s", exc))
    quarter, target = sizes.pdf_cases
    name = f"PDF pack of a {target:,}-case audit"
    want = "< 30 s, < 500 MB, linear in cases"
    try:
        small = child("pdf-pack-cases", str(quarter), str(work / "quarter.pdf"), timeout=900)
    except ChildFailed as exc:
        return rows + [_failed_row(name, want, ChildFailed(f"{quarter:,} cases: {exc}"))]
    try:
        big = child("pdf-pack-cases", str(target), str(work / "audit.pdf"), timeout=600)
    except ChildFailed as exc:
        return rows + [Row(name, str(exc), f"{quarter:,} cases {_fmt(small)}", "—", want, "NO")]
    ratio = big["cpu"] / small["cpu"]
    met = big["cpu"] < 30 and big["peak_mb"] < 500 and ratio <= 4 * 1.2
    rows.append(Row(name, _fmt(big), f"{quarter:,} cases {_fmt(small)}", f"{ratio:.2f}× for 4× the cases", want,
                    "yes" if met else "NO", "linear when the ratio is about 4"))
    return rows
