"""Service calls in a QThreadPool worker: long jobs with progress and Cancel, and the views' reads.

`run_in_worker`: the work function runs in a pool thread and receives a progress callback `(done,
total)`. The callback raises `Cancelled` once the user pressed Cancel, so the service stops and its
unit of work rolls back. Results (plain frozen data, never ORM objects) and errors travel back to
the main thread as queued signals; an error is always shown in a message box, never dropped.

`Loader`: what a page or panel shows is read here too, never on the GUI thread. A view asks its
loader for a read; the latest request wins (an older result that arrives later is dropped, and at
most one read per loader runs while the newest waits), a quiet "Loading…" note shows while it
runs, and the view is filled on the main thread from the plain data the read returned.

Writes that run in workers (`GuiContext.background`) go through one writer thread at a time
(`writer_pool`), in the order they were asked for; reads use the window's pool.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from workbench.gui.messages import show_error
from workbench.gui.qt import (
    QLabel,
    QObject,
    QProgressDialog,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
    Slot,
)
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


# -- reads for the views: latest request wins -------------------------------------------------
class _ReadSignals(QObject):
    # a child of its loader, on the main thread: queued connections deliver there
    done = Signal(int, object, object, str)  # generation, result, exception (or None), traceback


def _reading(generation: int, work: Callable[[], Any], signals: _ReadSignals) -> Callable[[], None]:
    """The function a pool thread runs (QThreadPool.start takes a callable and owns its runnable)."""

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the main thread
            outcome: tuple[Any, BaseException | None, str] = (None, exc, traceback.format_exc())
        else:
            outcome = (result, None, "")
        try:
            signals.done.emit(generation, *outcome)
        except RuntimeError:  # the view (and its loader) went meanwhile: nobody to tell
            pass

    return run


class Loader(QObject):
    """Reads for one view in the background; `show(result)` fills the view on the main thread.

    `load(work)` asks for `work()` (a read returning plain frozen data) to run in `pool`. Only the
    latest request's result is shown: a result or error of an older request is dropped. While a
    read runs, a newer request waits (only the newest is kept) and starts when it ends, so a burst
    of changes or selections costs at most two reads. An error of the latest request is shown in a
    message box (never dropped) after `on_failure(exc)`, if given, tidied the view.
    """

    #: busy (True when a read starts, False when the last one ended)
    busy_changed = Signal(bool)
    #: after `show` ran with the latest result (for tests and benchmarks)
    loaded = Signal()
    #: after the latest request failed and its error was shown
    failed = Signal()

    def __init__(self, parent: QWidget, pool: QThreadPool, show: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self._parent, self._pool = parent, pool
        self._show, self._on_failure = show, on_failure
        self._generation = 0  # of the latest request
        self._running: int | None = None  # generation of the read under way
        self._waiting: tuple[int, Callable[[], Any]] | None = None
        self._signals = _ReadSignals(self)
        self._signals.done.connect(self._ended)

    @property
    def busy(self) -> bool:
        return self._running is not None or self._waiting is not None

    @property
    def generation(self) -> int:
        """How many reads were asked for (the latest request's number)."""
        return self._generation

    def load(self, work: Callable[[], Any]) -> int:
        """Ask for `work()` in the background; returns this request's number."""
        was_busy = self.busy
        self._generation += 1
        self._waiting = (self._generation, work)
        if self._running is None:
            self._start_waiting()
        if not was_busy:
            self.busy_changed.emit(True)
        return self._generation

    def cancel(self) -> None:
        """Forget every request: nothing asked so far is shown (a read under way still finishes)."""
        self._generation += 1
        self._waiting = None
        if self._running is None:
            self.busy_changed.emit(False)

    def _start_waiting(self) -> None:
        assert self._waiting is not None
        generation, work = self._waiting
        self._waiting = None
        self._running = generation
        self._pool.start(_reading(generation, work, self._signals))

    @Slot(int, object, object, str)
    def _ended(self, generation: int, result: Any, exc: BaseException | None, details: str) -> None:
        self._running = None
        latest = generation == self._generation and self._waiting is None
        if self._waiting is not None:
            self._start_waiting()
        if latest:
            self.busy_changed.emit(False)
            if exc is None:
                try:
                    self._show(result)
                except Exception as err:  # noqa: BLE001 - a failing view update must still be reported
                    show_error(self._parent, err, traceback.format_exc())
                    self.failed.emit()
                    return
                self.loaded.emit()
            else:
                if self._on_failure is not None:
                    self._on_failure(exc)
                show_error(self._parent, exc, "" if _is_expected(exc) else details)
                self.failed.emit()
        elif not self.busy:
            self.busy_changed.emit(False)


def _is_expected(exc: BaseException) -> bool:
    from workbench.errors import WorkbenchError

    return isinstance(exc, WorkbenchError)


def busy_note(loader: Loader, text: str = "Loading…", delay_ms: int = 250) -> QLabel:
    """A quiet muted note that shows `text` while `loader` reads, only once it has taken `delay_ms`
    (a quick read never flickers). Put it where the view says what it holds (beside its count)."""
    note = QLabel(text)
    note.setObjectName("busyNote")
    note.setProperty("role", "muted")
    note.setAccessibleName("Loading")
    note.hide()
    timer = QTimer(note)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(lambda: note.setVisible(loader.busy))

    def changed(busy: bool) -> None:
        if busy:
            timer.start()
        else:
            timer.stop()
            note.hide()

    loader.busy_changed.connect(changed)
    return note


# -- writes in workers: one at a time -----------------------------------------------------------
def writer_pool(parent: QObject) -> QThreadPool:
    """A pool with a single thread: the writes started in it run one after the other, in order."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    pool.setObjectName("writerPool")
    return pool

