"""Bringing in the force's tracker: a preview for every row, nothing written before the import, then
the register holds what the file said; unmapped columns kept; a re-import updates, never duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.register.tracker_files import messy_tracker
from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, PermissionDeniedError
from workbench.services import change_words, register, register_status, tracker_import
from workbench.store.models import ChangeLogEntry, Finding, Inspection, StatusChange, TrackerRow

TODAY = date(2026, 2, 27)
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "force-tracker.csv"


def _as(ws, user=OFFICER, write=True):
    return ws.unit_of_work(user, write=write, passphrase=ADMIN_PASS if user == ADMIN else None)


def _setup(ws) -> None:
    """The 2018 PEEL report (AFI 1-3) and a 2021/22 PEEL source that also has an AFI 1."""
    setup_register(ws)
    with _as(ws) as uow:
        later = register.add_source(uow, "peel", "Norfolk PEEL 2021/22", date(2022, 5, 1), programme="PEEL 2021/22")
        register.add_finding(uow, later.id, "afi", "AFI 1", "The force should improve how it records the needs "
                             "of vulnerable victims.")


def _counts(ws) -> dict[str, int]:
    with _as(ws, write=False) as uow:
        s = uow.session
        return {name: int(s.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in (("findings", Finding), ("sources", Inspection), ("log", ChangeLogEntry),
                                    ("history", StatusChange), ("keys", TrackerRow))}


def _preview(ws, path, **kw):
    with _as(ws, write=False) as uow:
        return tracker_import.preview_tracker(uow, path, today=TODAY, **kw)


def _finding(uow, source_programme_or_title: str, ref: str) -> Finding:
    return uow.session.scalars(select(Finding).join(Inspection).where(
        (Inspection.programme == source_programme_or_title) | (Inspection.title == source_programme_or_title),
        Finding.ref == ref)).one()


def test_the_preview_says_what_happens_to_every_row_and_writes_nothing(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    before = _counts(workspace)
    p = _preview(workspace, path)
    assert _counts(workspace) == before  # a preview writes nothing
    assert p.header_row == 3 and p.sheet == "Tracker" and p.sheets == ("Tracker", "Notes")
    fields = {c.name: c.field for c in p.columns}
    assert fields == {"Ref": "reference", "Report": "source", "Recommendation / AFI": "text",
                      "Lead officer": "owner", "Target date": "due_date", "Status": "status", "RAG": "rag",
                      "Latest update": "update", "Governance board": "", "Evidence held": ""}
    rows = {r.row: r for r in p.rows}
    assert {n: r.action for n, r in rows.items()} == {
        4: "update", 5: "update", 6: "create", 7: "conflict", 8: "conflict", 9: "conflict", 10: "skip",
        11: "conflict"}
    afi2 = rows[4]
    assert afi2.finding == "PEEL 2018 / AFI 2" and afi2.reason == "matched by its reference"
    assert "owner — → DCI Mark Osei" in afi2.changes and "due 31 March 2026" in afi2.changes
    assert "status awaiting allocation → in progress" in afi2.changes
    assert rows[5].due == date(2026, 4, 3) and "status awaiting allocation → in progress → pending sign-off" in \
        rows[5].changes
    assert "Tracker update (RAG green)" in rows[5].comment  # the RAG from the cell's fill
    new = rows[6]
    assert new.source == "Vetting, misconduct and misogyny thematic (2022)" and new.new_source_type == "thematic"
    assert new.due == date(2026, 4, 3)  # "3 April 2026"
    assert any("status 'Parked' is not on the force's status line" in w for w in new.warnings)
    assert new.status_steps == ()  # a status not on the line is flagged, never applied
    for n in (7, 8):  # R2 twice; row 8 takes its source from the merged cell B7:B8
        assert "appears on rows 7, 8" in rows[n].reason and "duplicate within the file" in rows[n].reason
    assert "Source (report or inspection) from merged cells B7:B8" in rows[8].merged
    assert "matches 2 findings" in rows[9].reason and "PEEL 2021/22 / AFI 1" in rows[9].reason
    assert "heading across the row" in rows[10].reason and "A10:J10" in rows[10].reason
    assert "Finding text" in rows[11].reason and rows[11].reason.startswith("a new finding needs")
    assert p.counts == {"create": 1, "update": 2, "unchanged": 0, "skip": 1, "conflict": 4}
    assert any("merged cells" in n for n in p.notes)
    assert dict(rows[4].kept) == {"Governance board": "Crime and Justice Board", "Evidence held": "Policy v3"}


def test_an_invalid_or_ambiguous_date_is_flagged_not_guessed(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = tmp_path / "dates.csv"
    path.write_text("Ref,Report,Finding,Due\n"
                    "AFI 1,PEEL 2018,x,31/02/2026\n"
                    "AFI 2,PEEL 2018,x,04/13/2026\n"
                    "AFI 3,PEEL 2018,x,03/04/2026\n", encoding="utf-8")
    rows = {r.row: r for r in _preview(workspace, path).rows}
    assert rows[2].due is None and any("'31/02/2026' is not a real date" in w for w in rows[2].warnings)
    assert rows[3].due is None and any("month first" in w for w in rows[3].warnings)
    # the column also holds a month-first date: 03/04/2026 could be either, so it is flagged
    assert rows[4].due is None and any("ambiguous" in w for w in rows[4].warnings)


def test_the_import_writes_what_the_file_said_and_keeps_every_column(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    p = _preview(workspace, path)
    with _as(workspace) as uow:
        done = tracker_import.import_tracker(uow, path, expected_sha256=p.sha256, today=TODAY)
    assert (done.created, done.updated, done.conflicts, done.skipped) == (1, 2, 4, 1)
    assert done.sources_created == ("Vetting, misconduct and misogyny thematic (2022)",)
    with _as(workspace, write=False) as uow:
        afi2, afi3 = _finding(uow, "PEEL 2018", "AFI 2"), _finding(uow, "PEEL 2018", "AFI 3")
        assert (afi2.owner, afi2.target_date, afi2.status) == ("DCI Mark Osei", date(2026, 3, 31), "in progress")
        assert (afi3.target_date, afi3.status) == (date(2026, 4, 3), "pending sign-off")
        assert "Governance board: Crime and Justice Board" in afi2.notes and "Evidence held: Policy v3" in afi2.notes
        history = register_status.status(uow, afi3.id).history
        assert [(h.from_status, h.to_status) for h in history if h.from_status != h.to_status][-2:] == [
            ("awaiting allocation", "in progress"), ("in progress", "pending sign-off")]
        assert any(h.comment == "Tracker update (RAG green): Dip sample of 40 cases: 95% supervised."
                   and h.on == TODAY for h in history)
        vetting = uow.session.scalars(select(Inspection).where(
            Inspection.title == "Vetting, misconduct and misogyny thematic (2022)")).one()
        assert vetting.source_type == "thematic"
        r1 = _finding(uow, vetting.title, "R1")
        assert (r1.kind, r1.owner, r1.target_date, r1.status) == (
            "recommendation", "Supt Kay Lowe", date(2026, 4, 3), "awaiting allocation")
        assert "Governance board: People Board" in r1.notes
        # conflicts were not imported
        assert not uow.session.scalars(select(Finding).where(Finding.ref.in_(("R2", "CDI 1")))).all()
        assert uow.session.scalar(select(func.count()).select_from(TrackerRow)) == 3
        log = {(e.entity, e.action) for e in uow.session.scalars(select(ChangeLogEntry))}
        sentences = [c.sentence for c in change_words.recent_in_words(uow)]
    assert "Olly Officer imported the tracker “tracker.xlsx”" in sentences
    assert "Olly Officer imported “tracker.xlsx row 4”" in sentences
    assert {("finding", "update"), ("finding", "create"), ("inspection", "create"), ("finding", "force_status"),
            ("finding", "force_comment"), ("tracker_row", "imported"), ("tracker", "imported")} <= log


def test_re_importing_the_tracker_or_an_updated_copy_updates_without_duplicating(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    with _as(workspace) as uow:
        tracker_import.import_tracker(uow, path, today=TODAY)
    counts = _counts(workspace)
    again = _preview(workspace, path)
    assert {r.row: r.action for r in again.rows if r.action != "conflict"} == {4: "unchanged", 5: "unchanged",
                                                                              6: "unchanged", 10: "skip"}
    with _as(workspace) as uow:
        tracker_import.import_tracker(uow, path, today=TODAY)
    after = _counts(workspace)
    assert (after["findings"], after["sources"], after["keys"], after["history"]) == (
        counts["findings"], counts["sources"], counts["keys"], counts["history"])
    # an updated copy: a new owner and status for AFI 2, a new update for R1, a renamed file
    wb = load_workbook(path)
    ws = wb["Tracker"]
    ws["D4"], ws["F4"], ws["I4"] = "DI Sam Cole", "Complete", "Crime and Justice Board (March)"
    ws["H6"] = "National guidance received; review started."
    copy = tmp_path / "tracker March 2026.xlsx"
    wb.save(copy)
    p = _preview(workspace, copy)
    rows = {r.row: r for r in p.rows}
    assert rows[4].action == "update" and "owner DCI Mark Osei → DI Sam Cole" in rows[4].changes
    assert "status in progress → pending sign-off" in rows[4].changes
    assert rows[6].action == "update" and rows[6].reason == "matched by the same tracker row as last time"
    with _as(workspace) as uow:
        tracker_import.import_tracker(uow, copy, today=TODAY)
    with _as(workspace, write=False) as uow:
        afi2 = _finding(uow, "PEEL 2018", "AFI 2")
        assert (afi2.owner, afi2.status) == ("DI Sam Cole", "pending sign-off")
        assert "Governance board: Crime and Justice Board (March)" in afi2.notes
        assert "Governance board: Crime and Justice Board\n" not in afi2.notes + "\n"  # the old block replaced
        assert uow.session.scalar(select(func.count()).select_from(Finding)) == counts["findings"]


def test_the_sample_tracker_matches_the_report_and_creates_the_rest(workspace) -> None:
    _setup(workspace)
    p = _preview(workspace, SAMPLE)
    assert p.header_row == 3
    actions = {r.reference: (r.action, r.finding or r.source) for r in p.rows}
    assert actions["AFI 1"] == ("update", "PEEL 2018 / AFI 1")  # the row names its source: one finding
    assert actions["AFI 2"] == ("update", "PEEL 2018 / AFI 2")
    assert actions["CDI 1"] == ("create", "Crime data integrity inspection 2025")
    assert next(r for r in p.rows if r.reference == "CDI 1").new_source_type == "cdi"


def test_a_file_changed_since_its_preview_is_refused_and_nothing_is_written(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    p = _preview(workspace, path)
    messy_tracker(path, [["AFI 2", "PEEL 2018", "x", "Someone else", "", "", "", "", "", ""]])
    before = _counts(workspace)
    with pytest.raises(InputError, match="changed since its preview"), _as(workspace) as uow:
        tracker_import.import_tracker(uow, path, expected_sha256=p.sha256, today=TODAY)
    assert _counts(workspace) == before


def test_a_failure_midway_rolls_the_whole_import_back(workspace, tmp_path: Path, monkeypatch) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    before = _counts(workspace)
    calls = []

    def stop(done: int, total: int | None) -> None:
        calls.append(done)
        if done == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError), _as(workspace) as uow:
        tracker_import.import_tracker(uow, path, today=TODAY, progress=stop)
    assert calls == [0, 1, 2] and _counts(workspace) == before


def test_mapping_and_status_words_are_the_users_to_change(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    p = _preview(workspace, path, mapping={"Latest update": "", "Evidence held": "update"},
                 status_words=tracker_import.status_options(["Parked=in progress"]))
    fields = {c.name: (c.field, c.why) for c in p.columns}
    assert fields["Latest update"] == ("", "chosen by you") and fields["Evidence held"] == ("update", "chosen by you")
    rows = {r.row: r for r in p.rows}
    assert rows[6].status_steps == ("in progress",) and not any("Parked" in w for w in rows[6].warnings)
    assert ("Latest update", "Allocation policy rewritten; training booked.") in rows[4].kept
    assert rows[4].comment == "Tracker update (RAG amber): Policy v3"
    with pytest.raises(InputError, match="not on the force's status line"):
        tracker_import.status_options(["Parked=frozen"])
    from workbench.importers.tracker_read import TrackerError

    with pytest.raises(TrackerError, match="no column 'Owner'"):
        _preview(workspace, path, mapping={"Owner": "owner"})
    with pytest.raises(TrackerError, match="both 'Ref' and 'Report' are mapped to reference"):
        _preview(workspace, path, mapping={"Ref": "reference", "Report": "reference"})


def test_a_default_source_settles_a_reference_in_two_sources(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = tmp_path / "t.csv"
    path.write_text("Ref,Finding,Owner\nAFI 1,Staff with the right skills investigate crimes.,DI Cole\n",
                    encoding="utf-8")
    assert _preview(workspace, path).rows[0].action == "conflict"
    row = _preview(workspace, path, default_source="PEEL 2021/22").rows[0]
    assert (row.action, row.finding) == ("update", "PEEL 2021/22 / AFI 1")


def test_closure_and_reopening_are_never_done_by_an_import(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = tmp_path / "t.csv"
    path.write_text("Ref,Report,Finding,Status\nAFI 2,PEEL 2018,x,Closed\n", encoding="utf-8")
    row = _preview(workspace, path).rows[0]
    assert row.status_steps == ("in progress", "pending sign-off")
    assert any("closure is recorded in two steps" in w for w in row.warnings)
    with _as(workspace) as uow:
        tracker_import.import_tracker(uow, path, today=TODAY)
    path.write_text("Ref,Report,Finding,Status\nAFI 2,PEEL 2018,x,Open\n", encoding="utf-8")  # an older copy
    row = _preview(workspace, path).rows[0]
    assert row.action == "unchanged" and row.status_steps == ()
    assert any("ahead of the tracker's 'Open'" in w and "not moved back" in w for w in row.warnings)


def test_a_viewer_may_preview_but_not_import(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    path = messy_tracker(tmp_path / "tracker.xlsx")
    with _as(workspace, VIEWER, write=False) as uow:
        assert tracker_import.preview_tracker(uow, path).counts["update"] == 2
    with pytest.raises(PermissionDeniedError), _as(workspace, VIEWER) as uow:
        tracker_import.import_tracker(uow, path)
