"""What a separate process runs for `gui/child_process.run_in_child`: the work, and its answer
through the pipe. No Qt here: the child imports this module only, not the window's libraries."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from workbench.errors import WorkbenchError


class _PipedProgress:
    """The child's progress: each report goes to the caller's `progress` through the pipe."""

    def __init__(self, send: Connection) -> None:
        self._send = send

    def __call__(self, done: int, total: int | None, /) -> None:
        self._send.send(("progress", int(done), None if total is None else int(total)))


def child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], with_progress: bool) -> None:
    try:
        kwargs = {"progress": _PipedProgress(send)} if with_progress else {}
        answer: tuple[Any, ...] = ("ok", fn(*args, **kwargs))
    except WorkbenchError as exc:
        answer = ("workbench", type(exc), exc.message, exc.hint)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back as text
        answer = ("other", f"{type(exc).__name__}: {exc}", traceback.format_exc())
    try:
        send.send(answer)
    except Exception as exc:  # noqa: BLE001 - an answer that does not pickle still says why
        send.send(("other", f"its answer could not be sent back ({exc})", traceback.format_exc()))
    finally:
        send.close()
