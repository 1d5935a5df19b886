"""A text progress bar on standard error for long work (imports, draws, packs)."""

from __future__ import annotations

import sys
import time

from workbench.progress import Progress


def progress_bar(label: str, stream=sys.stderr, min_interval: float = 0.2) -> Progress:
    """A callback `(done, total)` that redraws a bar at most every `min_interval` seconds."""
    last = [0.0]
    interactive = stream.isatty()

    def update(done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - last[0] < min_interval:
            return
        last[0] = now
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * 30)
            text = f"{label} [{bar:<30}] {frac:6.1%}"
        else:
            text = f"{label} {done:,}"
        if interactive:
            stream.write("\r" + text + ("\n" if finished else ""))
        elif finished:
            stream.write(text + "\n")
        stream.flush()

    return update
