"""Background work: results and errors come back to the main thread; Cancel stops the work."""

from __future__ import annotations

import threading

import pytest

from workbench.errors import InputError

pytestmark = pytest.mark.gui


@pytest.fixture
def host(qtbot):
    from workbench.gui.qt import QThreadPool, QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    pool = QThreadPool(widget)
    yield widget, pool
    pool.waitForDone()


def test_result_arrives_on_the_main_thread(qtbot, host) -> None:
    from workbench.gui.workers import run_in_worker

    widget, pool = host
    seen: list[tuple[object, bool]] = []
    main = threading.get_ident()
    worker_threads: list[int] = []

    def work(progress):
        worker_threads.append(threading.get_ident())
        for i in range(3):
            progress(i + 1, 3)
        return ("done", 3)

    task = run_in_worker(widget, pool, "Working", work, lambda r: seen.append((r, threading.get_ident() == main)))
    with qtbot.waitSignal(task.finished, timeout=10000) as signal:
        pass
    assert signal.args == ["succeeded"]
    assert seen == [(("done", 3), True)]
    assert worker_threads and worker_threads[0] != main


def test_a_workbench_error_is_shown_with_its_hint(qtbot, host, boxes) -> None:
    from workbench.gui.workers import run_in_worker

    widget, pool = host
    failures: list[BaseException] = []

    def work(progress):
        raise InputError("report.txt: no findings found", "check it is an HMICFRS report")

    task = run_in_worker(widget, pool, "Working", work, lambda r: None, failures.append)
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert [type(f) for f in failures] == [InputError]
    assert boxes[0].text == "report.txt: no findings found" and boxes[0].hint == "check it is an HMICFRS report"


def test_an_unexpected_error_is_never_silent(qtbot, host, boxes) -> None:
    from workbench.gui.workers import run_in_worker

    widget, pool = host

    def work(progress):
        missing: dict[str, int] = {}
        return missing["missing"]

    task = run_in_worker(widget, pool, "Working", work, lambda r: None)
    with qtbot.waitSignal(task.finished, timeout=10000) as signal:
        pass
    assert signal.args == ["failed"]
    assert boxes[0].title.startswith("Unexpected error") and boxes[0].text == "Unexpected error"
    assert "KeyError" in boxes[0].hint and "Traceback" in boxes[0].details and "missing" in boxes[0].details


def test_cancel_makes_the_progress_callback_raise(qtbot, host, boxes) -> None:
    from workbench.gui.workers import Cancelled, run_in_worker

    widget, pool = host
    started, release = threading.Event(), threading.Event()
    reached: list[int] = []
    failures: list[BaseException] = []

    def work(progress):
        progress(1, 100)
        started.set()
        release.wait(10)
        for i in range(2, 101):
            progress(i, 100)  # raises Cancelled on the first call after Cancel
            reached.append(i)
        return "finished"

    done: list[object] = []
    task = run_in_worker(widget, pool, "Working", work, done.append, failures.append)
    assert started.wait(10)
    assert task.dialog is not None
    from workbench.gui.qt import QPushButton, Qt

    qtbot.mouseClick(task.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Cancel
    release.set()
    with qtbot.waitSignal(task.finished, timeout=10000) as signal:
        pass
    assert signal.args == ["cancelled"]
    assert reached == [] and done == [] and boxes == []
    assert [type(f) for f in failures] == [Cancelled]


def test_a_cancelled_import_writes_nothing(qtbot, open_window, sqlite_workspace, boxes, monkeypatch) -> None:
    """The unit of work in the worker rolls back when the progress callback raises."""
    from sqlalchemy import func, select

    from tests.conftest import ADMIN, ADMIN_PASS
    from tests.gui.conftest import R2023
    from workbench.services import findings
    from workbench.store.models import Finding

    window = open_window(sqlite_workspace)
    real = findings.import_report

    def import_then_report(uow, path, *args, progress=None, **kw):
        result = real(uow, path, *args, **kw)  # writes, then the (cancelled) progress report raises
        task.cancel()
        progress(1, 1)
        return result

    monkeypatch.setattr(findings, "import_report", import_then_report)
    outcome: list[object] = []
    task = window.ctx.background(window, "Importing", lambda uow, p: findings.import_report(uow, R2023, progress=p),
                                 write=True, on_success=outcome.append)
    with qtbot.waitSignal(task.finished, timeout=20000) as signal:
        pass
    assert signal.args == ["cancelled"] and outcome == [] and boxes == []
    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Finding)) == 0
