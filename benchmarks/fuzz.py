"""Long fuzz run: feed every importer many mutated genuine files and count crashes.

    .venv/bin/python benchmarks/fuzz.py [--inputs 2000] [--seed 1] [--only population-csv ...]

Prints, per importer, the inputs tried, the typed refusals, the crashes (anything but a
WorkbenchError) by exception class, and the first crashing input of each class saved under
``--keep DIR`` for a regression test. Not part of the test run; exits 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.fuzz_targets import TARGETS, check, mutate, mutate_zip  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=2000, help="inputs per importer")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", nargs="*", choices=sorted(TARGETS), default=sorted(TARGETS))
    ap.add_argument("--keep", type=Path, default=None, help="save the first crashing input of each class here")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    total_crashes = 0
    print(f"{'importer':<20} {'inputs':>7} {'refused':>8} {'crashes':>8} {'seconds':>8}  crash classes")
    for name in args.only:
        target = TARGETS[name]
        seeds = target.seeds()
        crashes: Counter[str] = Counter()
        refused = 0
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(args.inputs):
                muts = [(rnd.randrange(2**31), rnd.randrange(12), rnd.randbytes(rnd.randrange(7)))
                        for _ in range(rnd.randint(1, 6))]
                data = (mutate_zip if target.zipped else mutate)(rnd.choice(seeds), muts)
                suffix = rnd.choice(target.suffixes)
                crash = check(target, data, Path(folder), suffix)
                if crash is False:
                    refused += 1
                elif crash is not None:
                    kind = type(crash).__name__
                    if args.keep and not crashes[kind]:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        (args.keep / f"{name}-{kind}{suffix}").write_bytes(data)
                    crashes[kind] += 1
        seconds = time.perf_counter() - start
        total_crashes += sum(crashes.values())
        kinds = ", ".join(f"{k} {v}" for k, v in crashes.most_common()) or "-"
        print(f"{name:<20} {args.inputs:>7} {refused:>8} {sum(crashes.values()):>8} {seconds:>8.1f}  {kinds}", flush=True)
    return 1 if total_crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
