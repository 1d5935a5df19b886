"""Benchmark the population scan on a generated, realistic 1,000,000-row incident extract.

    python benchmarks/population_import.py [--rows 1000000] [--keep PATH] [--compare-csv]

Generates a seeded CSV (12 columns, UK date formats, some messy values, quoted commas and
newlines), then runs ``scan_population`` in a fresh process and prints rows/s, wall time and
peak RSS.  ``--compare-csv`` also times a plain ``csv``-module pass that parses dates and
hashes rows in Python, the alternative that pyarrow's streaming reader was weighed against.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.memory import peak_mb

ROOT = Path(__file__).resolve().parents[1]
HEADERS = [
    "Incident No", "Call Date Time", "Dispatched", "Arrived", "Opening Grade", "Closing Grade",
    "Area Type", "District", "Opening Code", "Caller", "Address", "Regrade Reason",
]
GRADES = ["Emergency", "Priority", "Scheduled", "Resolution without deployment"]
DISTRICTS = ["Norwich", "Breckland", "King's Lynn & West Norfolk", "Great Yarmouth", "North Norfolk",
             "South Norfolk", "Broadland"]
CODES = ["Domestic incident", "Concern for safety", "ASB - personal", "Suspicious circumstances",
         "Road traffic collision", "Theft", "Burglary - residential", "Assault"]
STREETS = ["High Street", "Church Lane", "Station Road", "Mill Road", "The Green", "Market Place"]


def _uk(dt: datetime, rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.90:
        return dt.strftime("%d/%m/%Y %H:%M")
    if roll < 0.97:
        return dt.strftime("%d/%m/%Y %H:%M:%S")
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def generate(path: Path, rows: int, seed: int = 20240923) -> None:
    """Write a realistic incident extract with ``rows`` data rows."""
    rnd = random.Random(seed)
    start = datetime(2023, 4, 1)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        for i in range(rows):
            call = start + timedelta(seconds=rnd.randrange(365 * 24 * 3600))
            grade = rnd.choices(GRADES, weights=[25, 45, 20, 10])[0]
            final = grade if rnd.random() < 0.85 else rnd.choice(GRADES)
            dispatch = call + timedelta(minutes=rnd.randint(0, 30))
            arrival = dispatch + timedelta(minutes=rnd.randint(1, 90))
            area = rnd.choice(["Urban", "Rural", "urban", "RURAL "])
            address = f"{rnd.randint(1, 250)} {rnd.choice(STREETS)}, {rnd.choice(DISTRICTS)}"
            if rnd.random() < 0.01:
                address += "\nFlat " + str(rnd.randint(1, 20))
            reason = "" if final == grade else rnd.choice(["No immediate risk", "Caller safe, offender left",
                                                            "Resourcing, risk reviewed"])
            out.writerow([
                f"INC-{2023 + i // 600000}-{i:07d}",
                _uk(call, rnd),
                _uk(dispatch, rnd) if rnd.random() > 0.02 else "",
                _uk(arrival, rnd) if rnd.random() > 0.03 else "",
                grade, final, area, rnd.choice(DISTRICTS), rnd.choice(CODES),
                f"Caller {rnd.randint(1, 99999)}", address, reason,
            ])


def run_scan(path: Path) -> dict:
    """Scan in this process and report figures (run in a child so peak RSS is the scan's)."""

    sys.path.insert(0, str(ROOT))
    from workbench.importers.population import read_headers, scan_population, suggest_mapping
    from workbench.templates import builtin_templates

    template = next(t for t in builtin_templates() if t.key == "response-attendance")
    t0 = time.perf_counter()
    mapping = suggest_mapping(read_headers(path), template)
    scan = scan_population(path, template, mapping, stratify_by="final_grade")
    wall = time.perf_counter() - t0
    return {
        "engine": "pyarrow", "rows": scan.rows, "wall_s": round(wall, 2), "rows_per_s": int(scan.rows / wall),
        "peak_rss_mb": round(peak_mb(), 1),
        "problems": scan.problem_total, "strata": scan.strata, "fingerprint": scan.fingerprint[:16],
    }


def run_csv_baseline(path: Path) -> dict:
    """The alternative: csv module, per-value Python date parsing and per-row SHA-256."""

    sys.path.insert(0, str(ROOT))
    from workbench.templates.values import parse_datetime

    t0 = time.perf_counter()
    rows = bad = 0
    total = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            rows += 1
            canon = [row[0].strip()]
            for cell in row[1:4]:
                try:
                    parsed = parse_datetime(cell)
                    canon.append(parsed[0].isoformat() if parsed else "")
                except ValueError:
                    bad += 1
                    canon.append(cell.strip())
            canon.extend(c.strip().lower() for c in row[4:9])
            total += int.from_bytes(hashlib.sha256("\x1f".join(canon).encode()).digest(), "big")
    wall = time.perf_counter() - t0
    return {
        "engine": "csv module", "rows": rows, "wall_s": round(wall, 2), "rows_per_s": int(rows / wall),
        "peak_rss_mb": round(peak_mb(), 1), "problems": bad,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated CSV here and keep it")
    parser.add_argument("--compare-csv", action="store_true")
    parser.add_argument("--child", choices=["scan", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_scan(args.path) if args.child == "scan" else run_csv_baseline(args.path)
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "incidents.csv"
        t0 = time.perf_counter()
        generate(path, args.rows)
        size_mb = os.path.getsize(path) / 1e6
        print(f"generated {args.rows:,} rows, {size_mb:.0f} MB in {time.perf_counter() - t0:.1f} s: {path}")
        for child in ["scan"] + (["csv"] if args.compare_csv else []):
            out = subprocess.run([sys.executable, __file__, "--child", child, "--path", str(path)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout)
            print(f"{result['engine']:>10}: {result['rows']:,} rows in {result['wall_s']} s = "
                  f"{result['rows_per_s']:,} rows/s; peak RSS {result['peak_rss_mb']} MB; "
                  f"problems {result['problems']}")
            if "strata" in result:
                print(f"            strata {result['strata']}; fingerprint {result['fingerprint']}...")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
