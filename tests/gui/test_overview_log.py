"""The overview's change-log card: a row edited in the database file shows, named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.gui


def test_the_log_card_says_the_data_matches(window) -> None:
    assert window.overview.log_state.text() == "Intact"
    assert "rows match their last logged state" in window.overview.log_text.text()


def test_a_status_edited_in_the_database_shows_as_data_changed(window, seeded_workspace) -> None:
    with seeded_workspace.engine.begin() as conn:
        conn.execute(text("update findings set status = 'closed' where id = 2"))
    window.refresh()
    state = window.overview.log_state
    assert state.text() == "Data changed" and state.property("tone") == "red"
    assert "finding 2" in window.overview.log_text.text()
    assert "status is 'closed', the log last recorded 'awaiting allocation'" in window.overview.log_text.text()
