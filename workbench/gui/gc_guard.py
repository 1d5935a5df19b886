"""Garbage collection only on the main thread while the window is open.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is
reached. If that is a worker thread (building a pack allocates a lot) and the garbage holds Qt
objects of the main thread (a closed dialog caught in a reference cycle), Qt destroys them from
the wrong thread and the process can crash. So, as pyqtgraph's `GarbageCollector` does, the
automatic collector is switched off while any window is open and a main-thread timer collects
instead, by the same generation thresholds.

A full collection scans every tracked object, and the window's own (modules, classes, widgets:
several hundred thousand) make one take hundreds of milliseconds: a GUI-thread stall. So what was
alive when the first check ran (everything the window was built from) is frozen out of the
collector's sight (`gc.freeze`, as CPython's docs advise for long-lived startup objects; undone
when the last window goes), and a full collection runs at most every `FULL_EVERY_S` seconds.

A collection scans the young objects that are still alive, and a worker building a pack or
reading a page holds millions of them until it ends, when most go by reference counting alone
(a collection cannot free them meanwhile: they are alive, not garbage). So while the window says
a worker is running (`busy`), collection waits, for at most `DEFER_AT_MOST_S` seconds at a time,
so that the garbage of a very long job is still collected.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from workbench.gui.qt import QObject, QTimer

#: the shortest time between two full collections on the GUI thread
FULL_EVERY_S = 30.0
#: the longest a collection waits for the workers to finish
DEFER_AT_MOST_S = 120.0

_holders = 0
_was_enabled = True


class MainThreadCollector(QObject):
    """Owned by a window; collects every `interval_ms` on the main thread; undone when it is destroyed."""

    def __init__(self, parent: QObject, interval_ms: int = 1000,
                 busy: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self._busy = busy
        self._busy_since: float | None = None
        global _holders, _was_enabled
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
        self._threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)
        self._held = True
        self._frozen = False
        self._last_full = time.monotonic()
        self.destroyed.connect(_release)  # if never stopped, when the window goes

    def stop(self) -> None:
        """The window closed: automatic collection again once no window holds it off."""
        if self._held:
            self._held = False
            self._timer.stop()
            self.destroyed.disconnect(_release)
            _release()

    def check(self) -> None:
        if not self._frozen:  # the window is built by now: its objects live as long as it does
            self._frozen = True
            gc.freeze()
            return
        if self._busy is not None and self._busy():
            if self._busy_since is None:
                self._busy_since = time.monotonic()
            if time.monotonic() - self._busy_since < DEFER_AT_MOST_S:
                return  # the worker's objects are alive now and mostly freed when it ends
        else:
            self._busy_since = None
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._threshold[generation]:
                if generation == 2:
                    if time.monotonic() - self._last_full < FULL_EVERY_S:
                        continue  # the younger generations meanwhile
                    self._last_full = time.monotonic()
                gc.collect(generation)
                return


def _release(*_: object) -> None:
    global _holders
    _holders = max(0, _holders - 1)
    if _holders == 0:
        gc.unfreeze()  # the closed windows' objects can be collected again
        if _was_enabled:
            gc.enable()
