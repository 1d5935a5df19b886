"""Benchmark the Excel pack against plain openpyxl write-only mode writing the same cells.

    python benchmarks/excel_pack.py [--audits 60] [--cases 400] [--criteria 15]

Builds pack data for AUDITS audits of CASES cases with CRITERIA answers each (360,000 responses
by default) on top of the sample pack, writes the pack workbook, reads back every sheet's values,
and writes those same values with openpyxl write-only mode and nothing else (no styles, tables or
print settings). Each write runs in its own process; the table shows CPU seconds and peak
resident memory of each and the ratios (issue target: time <= 1.2x, peak <= 300 MB). Figures
only, no assertion.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.memory import peak_mb as _peak_mb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def big_pack(audits: int, cases: int, criteria: int):
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
        made.append(replace(template, title=f"Benchmark audit {a + 1} of attendance and grading", seed=str(a),
                            criteria=crit, cases=rows, notable_cases=()))
    findings = (replace(base.findings[0], audits=tuple(made)),) + base.findings[1:]
    return replace(base, findings=findings)


def run_pack(args: argparse.Namespace, out: Path) -> None:
    from workbench.reports.excel_pack import write_excel_pack

    data = big_pack(args.audits, args.cases, args.criteria)
    before = _peak_mb()
    t = time.process_time()
    write_excel_pack(data, out)
    print(f"{time.process_time() - t:.3f} {before:.1f} {_peak_mb():.1f}")


def run_plain(values: Path, out: Path) -> None:
    from openpyxl import Workbook

    sheets = pickle.loads(values.read_bytes())
    before = _peak_mb()
    t = time.process_time()
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(out)
    print(f"{time.process_time() - t:.3f} {before:.1f} {_peak_mb():.1f}")


def dump_values(xlsx: Path, values: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    wb.close()
    values.write_bytes(pickle.dumps(sheets))
    return sum(1 for _, rows in sheets for r in rows for v in r if v is not None)


def _child(*argv: str) -> tuple[float, float, float]:
    done = subprocess.run([sys.executable, __file__, *argv], check=True, capture_output=True, text=True)
    cpu, before, peak = map(float, done.stdout.split()[-3:])
    return cpu, before, peak


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--audits", type=int, default=60)
    p.add_argument("--cases", type=int, default=400)
    p.add_argument("--criteria", type=int, default=15)
    p.add_argument("--child", choices=("pack", "plain"))
    p.add_argument("--out")
    p.add_argument("--values")
    args = p.parse_args()
    if args.child == "pack":
        return run_pack(args, Path(args.out))
    if args.child == "plain":
        return run_plain(Path(args.values), Path(args.out))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        size = ["--audits", str(args.audits), "--cases", str(args.cases), "--criteria", str(args.criteria)]
        pack = _child("--child", "pack", "--out", str(d / "pack.xlsx"), *size)
        cells = dump_values(d / "pack.xlsx", d / "values.pickle")
        plain = _child("--child", "plain", "--out", str(d / "plain.xlsx"), "--values", str(d / "values.pickle"))
    responses = args.audits * args.cases * args.criteria
    print(f"Excel pack: {args.audits} audits x {args.cases} cases x {args.criteria} criteria = "
          f"{responses:,} responses, {cells:,} cells")
    print(f"{'scenario':<34}{'CPU s':>8}{'peak MB':>10}{'MB before':>11}")
    print(f"{'pack workbook (write_excel_pack)':<34}{pack[0]:>8.2f}{pack[2]:>10.0f}{pack[1]:>11.0f}")
    print(f"{'openpyxl write-only, same cells':<34}{plain[0]:>8.2f}{plain[2]:>10.0f}{plain[1]:>11.0f}")
    print(f"ratio (time): {pack[0] / plain[0]:.2f}x   peak memory of the pack process: {pack[2]:.0f} MB "
          f"(of which {pack[1]:.0f} MB held the pack data before writing)")


if __name__ == "__main__":
    main()
