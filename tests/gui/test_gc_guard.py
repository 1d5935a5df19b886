"""While a window is open, Python's cyclic collector runs only on the main thread (on a timer)."""

from __future__ import annotations

import gc
import threading

import pytest

from tests.conftest import ADMIN

pytestmark = pytest.mark.gui


def test_a_window_holds_automatic_collection_off_until_it_closes(qtbot, seeded_workspace, settings) -> None:
    from workbench.gui.main_window import MainWindow

    assert gc.isenabled()
    first = MainWindow(seeded_workspace, ADMIN, settings)
    second = MainWindow(seeded_workspace, ADMIN, settings)
    assert not gc.isenabled()
    first.close()
    assert not gc.isenabled()  # the other window still holds it off
    second.close()
    assert gc.isenabled()
    first.deleteLater()
    second.deleteLater()


def test_the_timer_collects_on_the_main_thread(qtbot) -> None:
    from workbench.gui.gc_guard import MainThreadCollector
    from workbench.gui.qt import QObject

    owner = QObject()
    threshold = gc.get_threshold()
    threads: list[bool] = []

    def seen(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread() is threading.main_thread())

    gc.set_threshold(50, 10, 10)
    gc.callbacks.append(seen)
    collector = MainThreadCollector(owner, interval_ms=20)
    try:
        assert not gc.isenabled()
        garbage = []
        for _ in range(200):  # past the youngest generation's threshold
            cycle: list[object] = []
            cycle.append(cycle)
            garbage.append(cycle)
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    finally:
        collector.stop()
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert all(threads) and gc.isenabled()


def test_collection_waits_while_a_worker_runs(qtbot) -> None:
    """A worker's objects are alive until it ends: scanning them then is a GUI-thread stall for nothing."""
    from workbench.gui.gc_guard import MainThreadCollector
    from workbench.gui.qt import QObject

    owner = QObject()
    threshold = gc.get_threshold()
    runs: list[int] = []
    working = [True]

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.set_threshold(50, 10, 10)
    collector = MainThreadCollector(owner, interval_ms=60_000, busy=lambda: working[0])  # checked by hand
    gc.callbacks.append(seen)
    try:
        collector.check()  # the first check freezes what was there
        alive: list[list[object]] = [[] for _ in range(500)]  # past the youngest generation's threshold
        for _ in range(10):
            collector.check()
        assert runs == []  # none while the worker ran
        working[0] = False
        collector.check()
        assert runs == [0]  # the young generation, once the worker is done
    finally:
        collector.stop()
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert alive
