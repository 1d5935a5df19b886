"""Kill run: SIGKILL writing commands at random moments, then look for damage and debris.

    .venv/bin/python benchmarks/kills.py [--kills 300] [--seed 1]

Prints the kills per command, the commits reported and found, partial files swept at the next
start, leftovers and broken files, the SQLite integrity check and the change-log verdict.
Not part of the test run (``tests/reliability/test_kills.py`` runs 50); exits 1 on any damage.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.kills import run_kills  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=None,
                    help="cap on the kill delay in seconds (default: up to each command's own duration, so "
                         "pack builds are also killed while their files are staged)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        r = run_kills(Path(folder), args.kills, args.seed, args.max_delay)
    print(f"kills                {r.kills} ({', '.join(f'{k} {v}' for k, v in sorted(r.by_kind.items()))})")
    print(f"finished unkilled    {r.finished}")
    print(f"commits reported     {len(r.reported_commits)}, found {len(r.reported_commits & r.stored_commits)}, "
          f"lost {len(r.lost_commits)}")
    print(f"partial files swept  {r.partial_files_swept} (at the next start)")
    print(f"leftovers            {len(r.leftovers)} {r.leftovers[:5]}")
    print(f"broken final files   {len(r.broken_files)} {r.broken_files[:5]}")
    print(f"integrity_check      {r.integrity}")
    print(f"log verify           {'intact' if r.chain_ok else r.chain_problem}")
    print(f"seconds              {time.perf_counter() - started:.1f}")
    bad = r.lost_commits or r.leftovers or r.broken_files or r.integrity != "ok" or not r.chain_ok
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
