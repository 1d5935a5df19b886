"""Work run in another process (gui/child_process): its answer, its errors, and ending it."""

from __future__ import annotations

import os
import threading
import time

import pytest

from workbench.errors import InputError
from workbench.gui.child_process import SeparateProcessError, run_in_child, stop_all
from workbench.gui.workers import Cancelled


def answer(x: int) -> tuple[int, int]:
    return x * 2, os.getpid()


def refuse(what: str) -> None:
    raise InputError(f"{what} is wrong", "give a better one")


def crash() -> None:
    raise KeyError("surprise")


def die() -> None:
    os._exit(3)


def sleep_long() -> None:
    time.sleep(60)


def count_to(n: int, progress) -> int:
    for i in range(1, n + 1):
        progress(i, n)
    time.sleep(60 if n > 100 else 0)  # a long one waits to be cancelled
    return n


def test_the_answer_comes_back_from_another_process() -> None:
    doubled, pid = run_in_child(answer, 21)
    assert doubled == 42 and pid != os.getpid()


def test_a_workbench_error_keeps_its_class_message_and_hint() -> None:
    with pytest.raises(InputError) as caught:
        run_in_child(refuse, "the file")
    assert caught.value.message == "the file is wrong" and caught.value.hint == "give a better one"


def test_an_unexpected_error_or_a_death_is_reported_not_hung_on() -> None:
    with pytest.raises(SeparateProcessError) as caught:
        run_in_child(crash)
    assert "KeyError" in str(caught.value) and "surprise" in caught.value.details
    with pytest.raises(SeparateProcessError, match="ended without an answer .exit code 3"):
        run_in_child(die)


def test_stop_all_ends_a_running_child_and_its_caller_sees_cancelled() -> None:
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            run_in_child(sleep_long)
        except BaseException as exc:  # noqa: BLE001 - what the caller saw
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    from workbench.gui import child_process

    deadline = time.monotonic() + 30
    while not child_process._running and time.monotonic() < deadline:
        time.sleep(0.05)
    stop_all()
    caller.join(30)
    assert not caller.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert not child_process._running


def test_progress_comes_back_and_cancelling_it_ends_the_child() -> None:
    seen: list[tuple[int, int | None]] = []
    assert run_in_child(count_to, 3, progress=lambda done, total: seen.append((done, total))) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]

    def cancel(done: int, total: int | None) -> None:
        raise Cancelled()

    from workbench.gui import child_process

    with pytest.raises(Cancelled):
        run_in_child(count_to, 1000, progress=cancel)
    assert not child_process._running
