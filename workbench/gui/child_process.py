"""Work that would hold the interpreter lock for seconds, run in another process.

A worker thread keeps long work off the window's thread, but not off its lock: CPython runs one
thread's Python at a time, and a worker inside one long C call (parsing or hashing a big
change-log entry) makes the window wait for it. Another process has a lock of its own.

`run_in_child(fn, *args, progress=None)` is called from a worker thread and blocks it until
`fn(*args)` has run in a new process (spawned, never forked: a forked copy of a Qt process is not safe), returning
its result or raising its error (a `WorkbenchError` keeps its class, message and hint). `fn` and
its arguments go by pickle, so `fn` is a module-level function. With `progress`, `fn` is called
with a `progress=` of its own whose reports come back to `progress` in the caller's thread (which
may raise `Cancelled`: the child is then ended). `stop_all()` ends every child
still running that may be stopped (the window calls it as it closes, or opens another workspace or
user); the thread waiting for one then raises `Cancelled` (`gui/workers`), which a worker task
treats as cancelled work. A pack's rendering is not stoppable: the build waiting for it finishes.
The child runs `workbench/child_main.py`, which imports no Qt.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from workbench.child_main import child
from workbench.errors import WorkbenchError
from workbench.gui.workers import Cancelled
from workbench.progress import Progress

T = TypeVar("T")

_lock = threading.Lock()
_running: set[BaseProcess] = set()
_stopped: set[BaseProcess] = set()
_kept: set[BaseProcess] = set()  # not ended by stop_all


class SeparateProcessError(WorkbenchError):
    """The other process ended without an answer, or with an unexpected error."""

    #: the other process's traceback, when it failed with one
    details: str = ""


def run_in_child(fn: Callable[..., T], *args: Any, progress: Progress | None = None, stoppable: bool = True) -> T:
    """`stoppable=False`: `stop_all` leaves it to finish (work whose result a write is waiting for)."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(send, fn, args, progress is not None), daemon=True,
                              name=f"workbench {getattr(fn, '__name__', 'work')}")
    with _lock:
        process.start()
        _running.add(process)
        if not stoppable:
            _kept.add(process)
    send.close()
    try:
        try:
            answer = _wait(receive, process, progress)
        except BaseException:  # cancelled through its progress, or the caller is going: end it now
            process.terminate()
            raise
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        with _lock:
            _running.discard(process)
            _kept.discard(process)
            stopped = process in _stopped
            _stopped.discard(process)
    if answer is None:
        if stopped:
            raise Cancelled()
        raise SeparateProcessError(f"the separate process for {getattr(fn, '__name__', 'the work')} ended "
                                 f"without an answer (exit code {process.exitcode})",
                                 "try again; if it keeps happening, run the same work from the command line")
    status, *rest = answer
    if status == "ok":
        return rest[0]
    if status == "workbench":
        cls, message, hint = rest
        try:
            error = cls(message, hint)
        except TypeError:  # a subclass built from other arguments: the message and hint still hold
            error = WorkbenchError(message, hint)
        raise error
    summary, details = rest
    failure = SeparateProcessError(f"the separate process failed: {summary}",
                                   "try again; if it keeps happening, run the same work from the command line")
    failure.details = details
    raise failure


def stop_all() -> None:
    """End every stoppable child process still running (their waiting threads raise `Cancelled`)."""
    with _lock:
        for process in list(_running - _kept):
            _stopped.add(process)
            if process.is_alive():
                process.terminate()


def _wait(receive: Connection, process: BaseProcess, progress: Progress | None) -> tuple[Any, ...] | None:
    while True:
        if receive.poll(0.1):
            try:
                message = receive.recv()
            except (EOFError, OSError):
                return None
            if message[0] != "progress":
                return message
            if progress is not None:
                progress(message[1], message[2])  # Cancelled from here ends the child (run_in_child)
            continue
        if not process.is_alive() and not receive.poll(0):
            return None
