"""The runner's table rows and the helpers that measure a child process."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


@dataclass
class Row:
    scenario: str
    measured: str
    reference: str
    ratio: str
    target: str
    met: str
    note: str = ""


def _child_cpu(args: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """CPU seconds (user + system), peak RSS (KiB) and stdout of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"{args} failed: {out.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_maxrss, out.stdout


def _best(n: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(n))


def _cpu(fn: Callable[[], object]) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def _ratio_row(name: str, measured: float, reference: float, ref_name: str, limit: float, unit: str = "s",
               note: str = "") -> Row:
    ratio = measured / reference if reference else float("inf")
    return Row(name, f"{measured:.3f} {unit}", f"{ref_name} {reference:.3f} {unit}", f"{ratio:.2f}×",
               f"≤ {limit:g}×", "yes" if ratio <= limit else "NO", note)


def _abs_row(name: str, measured: float, limit: float, reference: float | None = None, ref_name: str = "",
             unit: str = "s", note: str = "") -> Row:
    ref = f"{ref_name} {reference:.3f} {unit}" if reference is not None else "—"
    ratio = f"{measured / reference:.2f}×" if reference else "—"
    return Row(name, f"{measured:.3f} {unit}", ref, ratio, f"< {limit:g} {unit}",
               "yes" if measured < limit else "NO", note)


