"""The GUI thread's longest stall while the large workspace is opened and used.

    python -m benchmarks.gui_heartbeat WORKSPACE [--bare]
    WORKBENCH_PROFILE_STEP="select finding row 1" python -m benchmarks.gui_heartbeat WORKSPACE

A QTimer fires every 10 ms on the GUI thread; each time it notes the gap since the last tick, so a
gap is how long the GUI thread could not answer the user. The script opens the main window on
WORKSPACE (offscreen unless QT_QPA_PLATFORM says otherwise) and does what issue 12 names:

* open: open the workspace and build and show the window (timed, reported apart: no window is
  there to freeze yet), then let the first page read;
* switch to every page, in turn;
* select audit rounds on the Audits page, the biggest (most cases) among them, and show its cases;
* select findings on the Findings page (their readiness panel reads);
* View ▸ Refresh (every page and panel reads again);
* build a pack in the background (File dialogs answered, message boxes closed) while the Packs
  page stays shown;
* edit a finding's owner in its form, then show Packs again: the pack is now "changed since", so
  its content is worked out again in the background to compare with the build's.

Between steps it waits for the background work to end (reads and writes), so each step's stall
includes filling the views with the results. It prints one line per step: the longest gap in it,
and the longest stretch of the GUI thread's own CPU between two ticks (`time.thread_time`: a gap
on a busy machine is also time spent waiting for a core, which this figure leaves out), then JSON
on the last line: the longest gap (ms), the step it fell in, every step's longest gap and
the CPU seconds until the first window was shown. `--bare` shows an empty PySide6 window instead
(the reference).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# a state folder of its own: the workspace is opened as on a computer that never checked its
# log (services/log_checkpoints), so the Overview's first check is the full one, the worst case
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="heartbeat-state-")


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

    from workbench.gui.main_window import PAGES, MainWindow
    from workbench.gui.qt import QFileDialog, QMessageBox
    from workbench.gui.workers import WorkerTask

    loader_type: type | None
    try:
        from workbench.gui.workers import Loader

        loader_type = Loader
    except ImportError:  # before the views read in workers: measured the same way, for the "before" figure
        loader_type = None
    from workbench.services.users import current_os_user
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    out = Path(tempfile.mkdtemp(prefix="heartbeat-pack-"))
    QFileDialog.getExistingDirectory = staticmethod(lambda *a, **k: str(out))  # type: ignore[method-assign]
    QMessageBox.exec = lambda self: int(QMessageBox.StandardButton.Ok.value)  # type: ignore[method-assign]

    per_step: dict[str, float] = {}
    wall = time.perf_counter()
    ws = Workspace.open(sqlite_location(Path(argv[0])))
    opened = time.perf_counter()
    window = MainWindow(ws, current_os_user())
    window.show()
    app.processEvents()
    first_window = time.process_time() - cpu0
    first_window_ms = {"open the workspace": (opened - wall) * 1000,
                       "build and show the window": (time.perf_counter() - opened) * 1000}

    clock = QElapsedTimer()
    clock.start()
    step = ["idle"]
    last = [clock.elapsed()]
    cpu_steps: dict[str, float] = {}  # the GUI thread's own CPU between two ticks (load cannot inflate it)
    last_cpu = [time.thread_time()]

    def tick() -> None:
        now, cpu = clock.elapsed(), time.thread_time()
        gap = float(now - last[0])
        last[0] = now
        per_step[step[0]] = max(per_step.get(step[0], 0.0), gap)
        cpu_steps[step[0]] = max(cpu_steps.get(step[0], 0.0), (cpu - last_cpu[0]) * 1000)
        last_cpu[0] = cpu

    import gc
    import threading

    pauses: list[float] = []
    pause_steps: list[str] = []  # the step each collection fell in
    began = [0.0]

    def collecting(phase: str, info: dict) -> None:  # the GUI thread's collections (gui/gc_guard.py)
        if threading.current_thread() is threading.main_thread():
            if phase == "start":
                began[0] = time.thread_time()
            else:
                pauses.append((time.thread_time() - began[0]) * 1000)
                pause_steps.append(f"{step[0]}; generation {info.get('generation')}")

    gc.callbacks.append(collecting)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    loaders = window.findChildren(loader_type) if loader_type is not None else []  # looked up once: findChildren is not free
    polls = [0]

    def busy() -> bool:
        writer = getattr(window, "writer", None)
        if window.pool.activeThreadCount() or (writer is not None and writer.activeThreadCount()) \
                or any(lo.busy for lo in loaders):
            return True
        polls[0] += 1  # the jobs' own objects only now and then
        return polls[0] % 25 == 0 and any(t.running for t in window.findChildren(WorkerTask))

    def settle(name: str, seconds: float = 0.5) -> None:
        """Run the event loop for `seconds` and then until no background work is left."""
        step[0] = name
        last[0], last_cpu[0] = clock.elapsed(), time.thread_time()
        end = time.monotonic() + seconds
        while time.monotonic() < end or busy():
            app.processEvents()
            time.sleep(0.002)
            if time.monotonic() > end + 300:
                break

    # steps' names (or their starts), separated by "|": their GUI-thread profiles
    profiled = [p for p in os.environ.get("WORKBENCH_PROFILE_STEP", "").split("|") if p]

    def do(name: str, action, seconds: float = 0.5) -> None:
        """`action` runs on the GUI thread inside the step, so its own cost counts as a stall."""
        step[0] = name
        profile = None
        if any(name.startswith(p) for p in profiled):
            import cProfile

            profile = cProfile.Profile()  # the GUI thread only: workers are not traced
            profile.enable()
        start, cpu = clock.elapsed(), time.thread_time()
        action()
        per_step[name] = max(per_step.get(name, 0.0), float(clock.elapsed() - start))
        cpu_steps[name] = max(cpu_steps.get(name, 0.0), (time.thread_time() - cpu) * 1000)
        settle(name, seconds)
        if profile is not None:
            import pstats

            profile.disable()
            print(f"-- GUI-thread profile of {name!r} (WORKBENCH_PROFILE_STEP)")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)

    settle("open: first page read")
    for name in PAGES:
        do(f"switch to {name}", lambda n=name: window.show_page(n))
    do("back to Audits", lambda: window.show_page("Audits"))
    audits = window.audits
    table = audits.table
    rows = audits.proxy.rowCount()
    biggest = max(range(rows), key=lambda r: audits.model.audit(audits.proxy.mapToSource(
        audits.proxy.index(r, 0)).row()).info.cases_sampled, default=None)
    picks = list(dict.fromkeys([r for r in (0, 1, 2, rows // 2, rows - 1) if 0 <= r < rows]))
    for row in picks:
        do(f"select audit row {row}", lambda r=row: table.selectRow(r), 0.2)
    if biggest is not None:
        cases = audits.model.audit(audits.proxy.mapToSource(audits.proxy.index(biggest, 0)).row()).info.cases_sampled
        do(f"select the biggest audit ({cases:,} cases)", lambda: table.selectRow(biggest), 0.2)
        do("show its cases", lambda: audits.tabs.setCurrentIndex(1), 0.2)
    findings = window.findings
    def to_readiness() -> None:
        window.show_page("Findings")
        findings.detail_tabs.setCurrentIndex(1)

    do("to Findings, readiness tab", to_readiness)
    for row in range(min(3, findings.proxy.rowCount())):
        do(f"select finding row {row}", lambda r=row: findings.table.selectRow(r), 0.2)
    do("View > Refresh", window.refresh, 1.0)
    do("to Packs", lambda: window.show_page("Packs"))
    do("build a pack in the background", window.packs.build_pack, 1.0)

    def edit_owner() -> None:  # a change to what the pack says, saved from the finding's form
        window.show_page("Findings")
        findings.detail_tabs.setCurrentIndex(0)
        form = findings.detail.form
        form.owner.setText((form.owner.text() or "Owner") + " (acting)")
        form._save()

    do("edit a finding's owner after the build", edit_owner)
    # the pack is now "changed since": its content is worked out again to compare with the build's
    do("to Packs after the edit", lambda: window.show_page("Packs"), 1.0)
    timer.stop()
    window.close()
    ws.close()
    made = sorted(out.glob("*"))
    worst_step = max(per_step, key=lambda k: per_step[k])
    width = max(len(k) for k in per_step)
    for name, ms in first_window_ms.items():
        print(f"{'(before the window) ' + name:<{width}}  {ms:8.0f} ms")
    worst_cpu = max(cpu_steps, key=lambda k: cpu_steps[k])
    print(f"{'step':<{width}}  {'stall':>8}     {'GUI-thread CPU':>14}")
    for name, gap in per_step.items():
        print(f"{name:<{width}}  {gap:8.0f} ms  {cpu_steps.get(name, 0.0):11.0f} ms")
    print(f"{'longest stall':<{width}}  {per_step[worst_step]:8.0f} ms  ({worst_step})")
    print(f"{'longest GUI-thread work':<{width}}  {cpu_steps[worst_cpu]:8.0f} ms  ({worst_cpu}; the thread's own "
          f"CPU between two ticks: what a busy machine cannot inflate)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    longest_pause = max(range(len(pauses)), key=pauses.__getitem__, default=None)
    print(f"garbage collections on the GUI thread: {len(pauses)}, longest {max(pauses, default=0):.0f} ms CPU"
          + (f" ({pause_steps[longest_pause]})" if longest_pause is not None else ""))
    print(f"pack built in the background: {', '.join(p.name for p in made) or 'NOTHING'}")
    print(json.dumps({"first_window_cpu": first_window, "first_window_ms": first_window_ms,
                      "longest_gap_ms": per_step[worst_step], "step": worst_step, "steps": per_step,
                      "longest_gui_cpu_ms": cpu_steps[worst_cpu], "gui_cpu_step": worst_cpu, "gui_cpu_steps": cpu_steps,
                      "load_average": os.getloadavg()[0],
                      "pack_files": [p.name for p in made], "gc_pause_max_ms": max(pauses, default=0.0)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
