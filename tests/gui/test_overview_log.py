"""The overview's change-log card: a row edited in the database file shows, named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.gui


def test_the_log_card_says_the_data_matches(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.overview.log_state.text() == "Intact")  # checked in a worker
    assert "rows match their last logged state" in window.overview.log_text.text()


def test_a_status_edited_in_the_database_shows_as_data_changed(window, seeded_workspace, qtbot) -> None:
    with seeded_workspace.engine.begin() as conn:
        conn.execute(text("update findings set status = 'closed' where id = 2"))
    window.refresh()  # View ▸ Refresh checks the whole log again, data included
    state = window.overview.log_state
    qtbot.waitUntil(lambda: state.text() == "Data changed")
    assert state.text() == "Data changed" and state.property("tone") == "red"
    assert "finding 2" in window.overview.log_text.text()
    assert "status is 'closed', the log last recorded 'awaiting allocation'" in window.overview.log_text.text()


def test_after_a_change_only_the_new_entries_are_checked(window, qtbot) -> None:
    """A write re-checks the log from the last checkpoint, not from entry 1 (services/log_check)."""
    from workbench.services import findings

    page = window.overview
    qtbot.waitUntil(lambda: page.log_state.text() == "Intact" and page._checkpoint is not None)
    full_entries = page._full_log.entries
    with qtbot.waitSignal(page.log_checked, timeout=10_000):
        window.ctx.write(window, lambda uow: findings.update_finding(
            uow, findings.list_findings(uow)[0].stored_id, None, owner="DI Someone"))
    assert page._full_log.entries == full_entries  # no second full check
    assert page._checkpoint.seq == full_entries + 1
    assert page.log_state.text() == "Intact"
    assert "the 1 entry since was checked one by one" in page.log_text.text()
