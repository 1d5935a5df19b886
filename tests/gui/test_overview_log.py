"""The overview's change-log card: checked from where this computer last found it intact, in full on
request (or when never checked here), and a row edited in the database file shows, named."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from workbench.services.log_check import IncrementalLogReport
from workbench.services.log_checkpoints import LogCheckpoints

pytestmark = pytest.mark.gui


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The reports of the view's log checks from now on, in order."""
    from workbench.services import log_watch

    reports: list[Any] = []
    checked = log_watch.check_for_view

    def spy(*args: Any, **kwargs: Any) -> log_watch.ViewCheck:
        result = checked(*args, **kwargs)
        reports.append(result.report)
        return result

    monkeypatch.setattr(log_watch, "check_for_view", spy)
    return reports


def test_the_first_check_on_this_computer_is_a_full_one(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.overview.log_state.text() == "Intact")  # checked in a worker
    assert "rows match their last logged state" in window.overview.log_text.text()
    last = LogCheckpoints().get(window.ctx.ws.location, window.overview._last.first)
    assert last is not None and last.full is not None and last.full.rows_checked > 0


def test_a_status_edited_in_the_database_shows_as_data_changed(window, seeded_workspace, qtbot) -> None:
    state = window.overview.log_state
    qtbot.waitUntil(lambda: state.text() == "Intact")
    with seeded_workspace.engine.begin() as conn:
        conn.execute(text("update findings set status = 'closed' where id = 2"))
    window.overview.check_log_in_full()  # every row against the log
    qtbot.waitUntil(lambda: state.text() == "Data changed")
    assert state.text() == "Data changed" and state.property("tone") == "red"
    assert "finding 2" in window.overview.log_text.text()
    assert "status is 'closed', the log last recorded 'awaiting allocation'" in window.overview.log_text.text()
    # what the full check found stands through the checks from the checkpoint that follow
    with qtbot.waitSignal(window.overview.log_checked, timeout=10_000):
        window.refresh()
    assert state.text() == "Data changed"
    assert "At the full check on" in window.overview.log_text.text()  # what it found, and when


def test_after_a_change_only_the_new_entries_are_checked(window, qtbot, monkeypatch) -> None:
    """A write re-checks the log from the last checkpoint, not from entry 1 (services/log_watch)."""
    from workbench.services import findings

    page = window.overview
    qtbot.waitUntil(lambda: page.log_state.text() == "Intact" and page._last is not None)
    full_entries = page._last.full.entries
    reports = _spy(monkeypatch)
    with qtbot.waitSignal(page.log_checked, timeout=10_000):
        window.ctx.write(window, lambda uow: findings.update_finding(
            uow, findings.list_findings(uow)[0].stored_id, None, owner="DI Someone"))
    assert isinstance(reports[-1], IncrementalLogReport) and reports[-1].checked == 1
    assert page._last.full.entries == full_entries  # no second full check
    assert page._last.seq == full_entries + 1
    assert page.log_state.text() == "Intact"
    assert "The 1 entry added since then was checked one by one" in page.log_text.text()
    assert "the older entries and the rows were last checked then" in page.log_text.text()


def test_a_window_opened_again_starts_from_the_remembered_checkpoint(open_window, seeded_workspace, qtbot,
                                                                    monkeypatch) -> None:

    first = open_window(seeded_workspace)
    qtbot.waitUntil(lambda: first.overview._last is not None)
    first.close()
    reports = _spy(monkeypatch)
    again = open_window(seeded_workspace)
    qtbot.waitUntil(lambda: again.overview.log_state.text() == "Intact")
    assert [type(r) for r in reports] == [IncrementalLogReport]  # no walk from entry 1 this time
    assert "The full check on" in again.overview.log_text.text()


def test_a_large_log_is_checked_in_another_process(window, qtbot, monkeypatch) -> None:
    """Past WALK_HERE_AT_MOST entries the full check runs apart: the window gets its answer."""
    from workbench.gui import child_process
    from workbench.services import log_watch

    page = window.overview
    qtbot.waitUntil(lambda: page.log_state.text() == "Intact")
    monkeypatch.setattr(log_watch, "WALK_HERE_AT_MOST", 0)
    apart: list[object] = []
    real = child_process.run_in_child

    def recorded(fn: Any, *args: Any) -> Any:
        apart.append(fn)
        return real(fn, *args)

    monkeypatch.setattr("workbench.gui.overview_page.run_in_child", recorded)
    with qtbot.waitSignal(page.log_checked, timeout=60_000):
        page.check_log_in_full()
    assert apart == [log_watch.verify_workspace_log]
    assert page.log_state.text() == "Intact" and page.full_check.isEnabled()
    assert page._last.full.rows_checked > 0


def test_a_failed_check_says_so_and_the_button_comes_back(window, qtbot, monkeypatch) -> None:
    from workbench.errors import WorkspaceError
    from workbench.services import log_watch

    page = window.overview
    qtbot.waitUntil(lambda: page.log_state.text() == "Intact")

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise WorkspaceError("the workspace is not reachable")

    monkeypatch.setattr(log_watch, "check_for_view", refuse)
    monkeypatch.setattr("workbench.gui.workers.show_error", lambda *a, **k: None)
    with qtbot.waitSignal(page.full_check.clicked, timeout=1_000):
        page.full_check.click()
    qtbot.waitUntil(lambda: page.log_state.text() == "Not checked")
    assert "could not be checked: the workspace is not reachable" in page.log_text.text()
    assert page.full_check.isEnabled()


def test_a_rewritten_log_shows_broken_until_the_user_starts_afresh(window, seeded_workspace, qtbot,
                                                                  monkeypatch) -> None:
    from tests.services.test_log_watch import _rewrite_from
    from workbench.gui import confirm

    page = window.overview
    qtbot.waitUntil(lambda: page.log_state.text() == "Intact")
    _rewrite_from(seeded_workspace, 2)  # every hash recomputed: only the checkpoint can tell
    asked: list[str] = []

    def cancel(_parent: Any, _title: str, question: str, *_a: Any, **_k: Any) -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr(confirm, "ask", cancel)
    with qtbot.waitSignal(page.log_checked, timeout=20_000):
        page.check_log_in_full()
    assert page.log_state.text() == "Broken" and "this computer's check" in page.log_text.text()
    assert asked == []  # nothing to start afresh from yet
    with qtbot.waitSignal(page.log_checked, timeout=20_000):
        page.check_log_in_full()  # Cancel: held to the checkpoint again
    assert asked and page.log_state.text() == "Broken"
    monkeypatch.setattr(confirm, "ask", lambda *_a, **_k: True)
    with qtbot.waitSignal(page.log_checked, timeout=20_000):
        page.check_log_in_full()  # Start afresh (after a restore, say)
    assert page.log_state.text() == "Intact"
