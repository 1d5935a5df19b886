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


def test_the_timer_collects_on_the_main_thread(qtbot, seeded_workspace, settings) -> None:
    from workbench.gui.gc_guard import MainThreadCollector
    from workbench.gui.main_window import MainWindow

    window = MainWindow(seeded_workspace, ADMIN, settings)
    qtbot.addWidget(window)
    threads: list[bool] = []
    gc.callbacks.append(lambda phase, _info: threads.append(threading.current_thread() is threading.main_thread())
                        if phase == "start" else None)
    try:
        garbage = []
        for _ in range(5000):  # cycles enough to pass the youngest generation's threshold
            a: list[object] = []
            a.append(a)
            garbage.append(None)
        assert isinstance(window.collector, MainThreadCollector)
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    finally:
        gc.callbacks.pop()
    assert all(threads)
