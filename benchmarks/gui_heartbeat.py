"""The GUI thread's longest stall while the large workspace is opened and used.

    python -m benchmarks.gui_heartbeat WORKSPACE [--bare]

A QTimer fires every 10 ms on the GUI thread; each time it notes the gap since the last tick. The
script opens the main window on WORKSPACE (offscreen unless QT_QPA_PLATFORM says otherwise), then
switches to every page, selects audits, refreshes, and waits for background work to finish between
steps. It prints JSON: the longest gap (ms), the step it fell in, and the CPU seconds until the
first window was shown. `--bare` shows an empty PySide6 window instead (the reference).
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    bare = "--bare" in argv
    cpu0 = time.process_time()
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication([])
    if bare:
        w = QMainWindow()
        w.show()
        app.processEvents()
        print(json.dumps({"first_window_cpu": time.process_time() - cpu0}))
        return 0

    from workbench.gui.main_window import MainWindow
    from workbench.services.users import current_os_user
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(__import__("pathlib").Path(argv[0])))
    window = MainWindow(ws, current_os_user())
    window.show()
    app.processEvents()
    first_window = time.process_time() - cpu0

    clock = QElapsedTimer()
    clock.start()
    worst: dict[str, float | str] = {"gap_ms": 0.0, "step": ""}
    per_step: dict[str, float] = {}
    step = ["idle"]
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gap = now - last[0]
        last[0] = now
        per_step[step[0]] = max(per_step.get(step[0], 0.0), float(gap))
        if gap > float(worst["gap_ms"]):
            worst.update(gap_ms=float(gap), step=step[0])

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    def settle(name: str, seconds: float = 1.0) -> None:
        step[0] = name
        end = time.monotonic() + seconds
        while time.monotonic() < end or window.pool.activeThreadCount():
            app.processEvents()
            time.sleep(0.002)
            if time.monotonic() > end + 120:
                break

    settle("open")
    for name in ("Findings", "Audits", "Measures", "Packs", "Overview"):
        window.show_page(name)
        settle(f"switch to {name}")
    window.show_page("Audits")
    settle("back to Audits")
    table = window.audits.table
    for row in range(min(5, window.audits.proxy.rowCount())):
        table.selectRow(row)
        settle(f"select audit row {row}", 0.3)
    window.refresh()
    settle("View > Refresh", 2.0)
    timer.stop()
    window.close()
    ws.close()
    print(json.dumps({"first_window_cpu": first_window, "longest_gap_ms": worst["gap_ms"], "step": worst["step"],
                      "steps": per_step}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
