"""The overview's recent changes read as sentences naming people, findings, audits, cases and packs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.services import change_words
from workbench.services.demo_workspace import OFFICER, OFFICER_PASSPHRASE
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui


def test_the_demo_log_names_audits_cases_and_pack_versions(demo_ws) -> None:
    with demo_ws.unit_of_work(OFFICER, passphrase=OFFICER_PASSPHRASE, write=False) as uow:
        every = change_words.in_words(uow, list(uow.session.scalars(select(ChangeLogEntry).order_by(
            ChangeLogEntry.seq.desc()))))
    text = [c.sentence for c in every]
    assert "Supt Helen Marsh approved and signed pack v1" in text
    assert "Sam Okafor built pack v1" in text
    assert any(s.startswith("Sam Okafor recorded case NC-") and s.endswith(
        "of the response attendance and grading audit (round 2)") for s in text)
    assert "Sam Okafor drew the sample of the response attendance and grading audit (round 1)" in text
    assert "Supt Helen Marsh created their signing certificate" in text
    assert not [s for s in text if "fieldwork_import" in s or "_" in s.split(" ", 2)[-1][:20]]
    assert sum(c.entries for c in every) == len(list(demo_ws.engine.connect().execute(
        select(ChangeLogEntry.seq))))  # every entry told exactly once


def test_the_overview_shows_who_did_what_in_words(open_window, demo_ws) -> None:
    window = open_window(demo_ws, OFFICER)
    table = window.overview.recent
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["When (UTC)", "Who", "What"]
    rows = [(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())]
    assert ("Supt Helen Marsh", "sealed an evidence bundle of pack v1") in rows  # the demo's reviewer seals it
    assert ("Supt Helen Marsh", "approved and signed pack v1") in rows
    assert "log entry" in table.item(0, 2).toolTip() and "sam.okafor" in table.item(0, 2).toolTip()
    assert table.accessibleName() == "Recent changes"
