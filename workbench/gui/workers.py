"""Long service calls in a QThreadPool worker, with progress, Cancel and errors shown on the main thread.

The work function runs in a pool thread and receives a progress callback `(done, total)`. The
callback raises `Cancelled` once the user pressed Cancel, so the service stops and its unit of work
rolls back. Results (plain frozen data, never ORM objects) and errors travel back to the main
thread as queued signals; an error is always shown in a message box, never dropped.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from workbench.gui.messages import show_error
from workbench.gui.qt import QObject, QProgressDialog, QRunnable, Qt, QThreadPool, QWidget, Signal, Slot
from workbench.progress import Progress


class Cancelled(Exception):
    """Raised inside the work, by its progress callback, after the user pressed Cancel."""


class _Signals(QObject):
    # created on the main thread, so queued connections deliver there
    progressed = Signal(int, int)  # done, total (-1: unknown)
    succeeded = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, stop: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._work, self._signals, self._stop = work, signals, stop

    def _progress(self, done: int, total: int | None) -> None:
        if self._stop.is_set():
            raise Cancelled()
        self._signals.progressed.emit(int(done), -1 if total is None else int(total))

    def run(self) -> None:
        try:
            self._progress(0, None)
            result = self._work(self._progress)
        except Cancelled:
            self._signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the main thread
            self._signals.failed.emit(exc, traceback.format_exc())
        else:
            self._signals.succeeded.emit(result)


class WorkerTask(QObject):
    """One background job and its progress dialog. Keep no reference: its parent widget owns it."""

    #: "succeeded", "failed" or "cancelled", after the callbacks ran
    finished = Signal(str)

    def __init__(self, parent: QWidget, label: str, work: Callable[[Progress], Any],
                 on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None] | None = None,
                 show_progress: bool = True) -> None:
        super().__init__(parent)
        self._parent = parent
        self._on_success, self._on_failure = on_success, on_failure
        self._stop = threading.Event()
        self._signals = _Signals()
        self._signals.progressed.connect(self._progressed)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.cancelled.connect(self._cancelled)
        self._runnable = _Runnable(work, self._signals, self._stop)
        self.outcome: str | None = None
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
            self.dialog.setWindowTitle("Working…")
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)

    def start(self, pool: QThreadPool) -> WorkerTask:
        pool.start(self._runnable)
        return self

    @property
    def running(self) -> bool:
        return self.outcome is None

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._stop.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self.dialog is None or self.outcome is not None:
            return
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        else:
            self.dialog.setMaximum(0)

    def _close(self, outcome: str) -> None:
        self.outcome = outcome
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._close("succeeded")
        try:
            self._on_success(result)
        except Exception as exc:  # noqa: BLE001 - a failing view update must still be reported
            show_error(self._parent, exc, traceback.format_exc())
        self._finish()

    @Slot(object, str)
    def _failed(self, exc: BaseException, details: str) -> None:
        self._close("failed")
        if self._on_failure is not None:
            self._on_failure(exc)
        show_error(self._parent, exc, details)
        self._finish()

    @Slot()
    def _cancelled(self) -> None:
        self._close("cancelled")
        if self._on_failure is not None:
            self._on_failure(Cancelled())
        self._finish()

    def _finish(self) -> None:
        assert self.outcome is not None
        self.finished.emit(self.outcome)
        self.deleteLater()


def run_in_worker(parent: QWidget, pool: QThreadPool, label: str, work: Callable[[Progress], Any],
                  on_success: Callable[[Any], None],
                  on_failure: Callable[[BaseException], None] | None = None,
                  show_progress: bool = True) -> WorkerTask:
    """Start `work(progress)` in `pool`; `on_success(result)` or `on_failure(exc)` run on the main thread.

    Errors are shown in a message box after `on_failure` (which is for tidying the view: re-enable
    buttons and the like); a cancelled job calls `on_failure(Cancelled())` and shows nothing.
    """
    return WorkerTask(parent, label, work, on_success, on_failure, show_progress).start(pool)
