"""Fieldwork offline: export the workbook, fill it as an auditor would, import it back (both backends)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.reports.fieldwork_data import shown_style
from tests.services.audit_population import incidents_csv
from workbench.cli.context import CliContext
from workbench.cli.fieldwork_commands import add_audit_verbs
from workbench.errors import InputError, PermissionDeniedError
from workbench.services import audits, fieldwork, population, users
from workbench.services.fieldwork_io import export_fieldwork, import_fieldwork
from workbench.services.log_check import verify_log
from workbench.services.workspace import change_count, recent_changes
from workbench.store.models import ChangeLogEntry, Response
from workbench.store.workspace import Workspace

OTHER = "bob.officer"
HAND = ("thrive_recorded", "initial_grade_correct", "vulnerability_checks", "downgrade_rationale",
        "downgrade_approved", "caller_updated_on_delay", "minutes_to_arrival")


def _new_audit(ws: Workspace, csv: Path, title: str, size: int = 5) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "response-attendance", title, size=size, reserve=2)
        population.draw_sample(uow, audit.id, csv, seed=11)
        fieldwork.evaluate_computed(uow, audit.id)
        return audit.id


@pytest.fixture
def setup(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, int, list[int]]:
    """A drawn, evaluated audit of 5 cases; a second officer; returns (workspace, audit id, case ids)."""
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, OTHER, "officer", "Bob Officer")
    audit_id = _new_audit(workspace, incidents_csv(tmp_path / "incidents.csv", count=120), "Attendance =1+1")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        cases = [c.id for c in fieldwork.list_cases(uow, audit_id, include_reserves=False)]
    return workspace, audit_id, cases


def _export(ws: Workspace, audit_id: int, path: Path, user: str = ADMIN) -> Path:
    with ws.unit_of_work(user) as uow:
        return export_fieldwork(uow, audit_id, path)


def _import(ws: Workspace, audit_id: int, path: Path, dry_run: bool = False, user: str = ADMIN):
    with ws.unit_of_work(user) as uow:
        return import_fieldwork(uow, audit_id, path, dry_run=dry_run)


def _columns(ws) -> dict[str, str]:
    """Header (criterion key or label) -> column letter."""
    out = {}
    for cell in ws[1]:
        out[str(cell.value).removesuffix(" (critical)")] = cell.column_letter
    return out


def _fill(path: Path, answers: dict[tuple[int, str], object]) -> Path:
    """Fill (row index from 0, criterion key / 'Comment') as an auditor would, with openpyxl."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Cases"]
    cols = _columns(ws)
    for (index, key), value in answers.items():
        cell = ws[f"{cols[key]}{3 + index}"]
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed as text (with an apostrophe in Excel), not a formula
    wb.save(path)
    return path


def _db(ws: Workspace, case_ids: list[int]) -> dict[tuple[int, str], tuple[str | None, str, str]]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        rows = uow.session.scalars(select(Response).where(Response.case_id.in_(case_ids),
                                                          Response.criterion_key.in_(HAND)))
        return {(case_ids.index(r.case_id), r.criterion_key): (r.value, r.comment, r.answered_by) for r in rows}


def _last_entry(uow) -> ChangeLogEntry:
    entry = uow.session.scalar(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()).limit(1))
    assert entry is not None
    return entry


def _record(ws: Workspace, case_id: int, key: str, value: object, user: str = ADMIN, comment: str = "") -> None:
    with ws.unit_of_work(user) as uow:
        fieldwork.record_response(uow, case_id, key, value, comment)


def test_export_shows_the_cases_and_computed_answers_and_is_logged(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    path = _export(ws, audit_id, tmp_path / "fw.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["Cases"]
    cols = _columns(sheet)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        infos = fieldwork.list_cases(uow, audit_id, include_reserves=False)
        answers = fieldwork.case_answers(uow, audit_id)
        last = recent_changes(uow, 1)[0]
    assert [sheet[f"A{3 + i}"].value for i in range(len(infos))] == [c.ref for c in infos]
    assert sheet.max_row == 2 + 5  # the reserves are not in the workbook
    computed = cols["attended_within_target"]
    assert [sheet[f"{computed}{3 + i}"].value for i in range(5)] == [
        answers[c.id]["attended_within_target"].value for c in infos]
    assert shown_style(sheet, f"{computed}3").protection.locked
    assert not shown_style(sheet, f"{cols['thrive_recorded']}3").protection.locked
    assert "Caller name" not in cols and "Incident location" not in cols  # personal fields left out
    assert (last.entity, last.entity_id, last.action, last.actor) == ("audit", str(audit_id), "fieldwork_export",
                                                                      ADMIN)
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True) if r[0]}
    assert meta["audit_id"] == audit_id and meta["exported_by"] == ADMIN


def test_answers_filled_offline_are_recorded_and_a_second_import_changes_nothing(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    path = _fill(_export(ws, audit_id, tmp_path / "fw.xlsx"), {
        (0, "thrive_recorded"): "yes", (0, "initial_grade_correct"): "No", (0, "minutes_to_arrival"): 12,
        (0, "Comment"): "=checked the log", (1, "thrive_recorded"): "n/a"})
    before = _db(ws, cases)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        change_count_before = change_count(uow)
        refs = [fieldwork.list_cases(uow, audit_id)[i].ref for i in (0, 1)]
    dry = _import(ws, audit_id, path, dry_run=True)
    assert (dry.changed, dry.written, dry.ok) == (4, False, True)
    assert _db(ws, cases) == before == {}
    result = _import(ws, audit_id, path)
    assert (result.changed, result.unchanged, result.written, result.conflicts, result.problems) == (
        4, 5 * len(HAND) - 4, True, (), ())
    assert _db(ws, cases) == {
        (0, "thrive_recorded"): ("yes", "=checked the log", ADMIN),
        (0, "initial_grade_correct"): ("no", "=checked the log", ADMIN),
        (0, "minutes_to_arrival"): ("12", "=checked the log", ADMIN),
        (1, "thrive_recorded"): ("n/a", "", ADMIN)}
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert recent_changes(uow, 1)[0].action == "fieldwork_import"
        logged = change_count(uow)
        entry = _last_entry(uow)
        assert logged == change_count_before + 1  # one entry for the whole import
        assert sorted((a["case"], a["criterion"], a["value"], a["before"]) for a in entry.after["answers"]) == sorted(
            (ref, key, value, None) for ref, key, value in (
                (refs[0], "thrive_recorded", "yes"), (refs[0], "initial_grade_correct", "no"),
                (refs[0], "minutes_to_arrival", "12"), (refs[1], "thrive_recorded", "n/a")))
        assert len(entry.states["responses"]) == 4  # every answer written is vouched for by this entry
        assert verify_log(uow).ok
    again = _import(ws, audit_id, path)
    assert (again.changed, again.unchanged, again.conflicts, again.problems) == (0, 5 * len(HAND), (), ())
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert change_count(uow) == logged


def test_clearing_an_answer_in_the_workbook_clears_it(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    _record(ws, cases[2], "vulnerability_checks", "yes")
    path = _fill(_export(ws, audit_id, tmp_path / "fw.xlsx"), {(2, "vulnerability_checks"): None})
    result = _import(ws, audit_id, path)
    assert result.changed == 1 and result.changes[0].before == "yes" and result.changes[0].after is None
    assert _db(ws, cases) == {}
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        (cleared,) = _last_entry(uow).after["answers"]
        assert (cleared["action"], cleared["criterion"], cleared["before"]["value"]) == (
            "clear", "vulnerability_checks", "yes")
        assert verify_log(uow).ok


def test_conflict_writes_nothing_and_a_database_only_change_is_kept(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    _record(ws, cases[0], "thrive_recorded", "yes")
    path = _export(ws, audit_id, tmp_path / "fw.xlsx")
    _record(ws, cases[0], "thrive_recorded", "no", user=OTHER)  # changed in the workbench after the export
    _record(ws, cases[1], "initial_grade_correct", "yes", user=OTHER)  # a workbench-only change
    _fill(path, {(0, "thrive_recorded"): "n/a", (4, "downgrade_approved"): "yes"})
    before = _db(ws, cases)
    result = _import(ws, audit_id, path)
    assert not result.ok and not result.written
    [conflict] = result.conflicts
    cols = _columns(openpyxl.load_workbook(path)["Cases"])
    assert (conflict.criterion, conflict.database_value, conflict.changed_by, conflict.workbook_value,
            conflict.cell) == ("thrive_recorded", "no", OTHER, "n/a", f"Cases!{cols['thrive_recorded']}3")
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert conflict.case_ref == fieldwork.list_cases(uow, audit_id)[0].ref
    assert _db(ws, cases) == before  # nothing written, not even the case without a conflict
    # the auditor accepts the workbench answer; the rest goes in, the workbench-only change stays
    _fill(path, {(0, "thrive_recorded"): "no"})
    result = _import(ws, audit_id, path)
    assert result.ok and (result.changed, result.kept_database) == (1, 1)
    after = _db(ws, cases)
    assert after[(4, "downgrade_approved")] == ("yes", "", ADMIN)
    assert after[(1, "initial_grade_correct")] == ("yes", "", OTHER)
    assert after[(0, "thrive_recorded")] == ("no", "", OTHER)


def test_comment_conflict_and_comment_edit(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    _record(ws, cases[3], "thrive_recorded", "yes", comment="log seen")
    path = _export(ws, audit_id, tmp_path / "fw.xlsx")
    _record(ws, cases[3], "thrive_recorded", "yes", user=OTHER, comment="log seen twice")
    _fill(path, {(3, "Comment"): "log seen, no THRIVE"})
    result = _import(ws, audit_id, path)
    assert [(c.criterion, c.database_value, c.workbook_value) for c in result.conflicts] == [
        ("comment", "log seen twice", "log seen, no THRIVE")]
    _fill(path, {(3, "Comment"): "log seen twice", (3, "vulnerability_checks"): "no"})
    assert _import(ws, audit_id, path).changed == 1
    assert _db(ws, cases)[(3, "vulnerability_checks")] == ("no", "", ADMIN)


def test_hostile_and_mistaken_workbooks_write_nothing(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    other_id = _new_audit(ws, tmp_path / "incidents.csv", "Second round")
    other = _fill(_export(ws, other_id, tmp_path / "other.xlsx"), {(0, "thrive_recorded"): "yes"})
    good = _export(ws, audit_id, tmp_path / "fw.xlsx")
    cols = _columns(openpyxl.load_workbook(good)["Cases"])
    locked = _fill(_export(ws, audit_id, tmp_path / "locked.xlsx"), {(0, "thrive_recorded"): "yes",
                                                                     (1, "Case reference"): "INC-X"})
    invalid = _fill(_export(ws, audit_id, tmp_path / "invalid.xlsx"), {(0, "thrive_recorded"): "yes",
                                                                       (2, "minutes_to_arrival"): "about ten"})
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "notes.xlsx").write_text("not a workbook", encoding="utf-8")
    expected = {
        other: f"from audit {other_id} ('Second round'), not audit {audit_id}",
        locked: "Cases!A4: the case reference was changed",
        invalid: f"Cases!{cols['minutes_to_arrival']}5: minutes_to_arrival",
        tmp_path / "empty.xlsx": "the file is empty",
        tmp_path / "notes.xlsx": "not an Excel workbook",
    }
    for path, words in expected.items():
        result = _import(ws, audit_id, path)
        assert not result.ok and not result.written and result.changed == 0
        assert any(words in str(p) for p in result.problems), (path.name, [str(p) for p in result.problems])
    assert _db(ws, cases) == {}
    assert "'about ten' is not a number" in str(_import(ws, audit_id, invalid).problems[0])


def test_a_case_set_aside_since_the_export(setup, tmp_path: Path) -> None:
    ws, audit_id, cases = setup
    path = _export(ws, audit_id, tmp_path / "fw.xlsx")
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        fieldwork.mark_unusable(uow, cases[1], "record not found")
    assert _import(ws, audit_id, path).ok  # untouched row: fine
    _fill(path, {(1, "thrive_recorded"): "yes", (0, "thrive_recorded"): "no"})
    result = _import(ws, audit_id, path)
    assert not result.ok and "set aside as unusable since the export" in str(result.problems[0])
    assert str(result.problems[0]).startswith("Cases!A4")
    assert _db(ws, cases) == {}


def test_viewer_may_not_export(setup, tmp_path: Path) -> None:
    ws, audit_id, _ = setup
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "vera.viewer", "viewer")
    with pytest.raises(PermissionDeniedError):
        _export(ws, audit_id, tmp_path / "fw.xlsx", user="vera.viewer")
    assert not (tmp_path / "fw.xlsx").exists()


def test_export_to_a_missing_folder_or_not_xlsx(setup, tmp_path: Path) -> None:
    ws, audit_id, _ = setup
    with pytest.raises(InputError, match="does not exist"):
        _export(ws, audit_id, tmp_path / "nowhere" / "fw.xlsx")
    with pytest.raises(InputError, match="must be saved as .xlsx"):
        _export(ws, audit_id, tmp_path / "fw.csv")


def _cli(ws: Workspace, argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_audit_verbs(parser.add_subparsers(dest="verb"))
    args = parser.parse_args(argv + ["--user", ADMIN])
    ctx = CliContext(args)
    ctx.adopt(ws)
    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": ADMIN_PASS}):  # ADMIN is not the OS login
        return args.handler(ctx)


def test_cli_export_and_import(setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws, audit_id, cases = setup
    out = tmp_path / "cli.xlsx"
    assert _cli(ws, ["fieldwork-export", str(audit_id), str(out)]) == 0
    assert "written to" in capsys.readouterr().out
    _fill(out, {(0, "thrive_recorded"): "yes", (1, "thrive_recorded"): "perhaps"})
    assert _cli(ws, ["fieldwork-import", str(audit_id), str(out)]) == 1
    text = capsys.readouterr().out
    assert "1 problem; nothing was written" in text and "Cases!" in text and "'perhaps'" in text
    _fill(out, {(1, "thrive_recorded"): "no"})
    assert _cli(ws, ["fieldwork-import", str(audit_id), str(out), "--dry-run"]) == 0
    assert "2 answers would change" in capsys.readouterr().out
    assert _db(ws, cases) == {}
    _record(ws, cases[0], "thrive_recorded", "n/a", user=OTHER)
    assert _cli(ws, ["fieldwork-import", str(audit_id), str(out), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["conflicts"][0]["changed_by"] == OTHER
    assert data["conflicts"][0]["database_value"] == "n/a" and data["conflicts"][0]["workbook_value"] == "yes"
    _fill(out, {(0, "thrive_recorded"): "n/a"})
    assert _cli(ws, ["fieldwork-import", str(audit_id), str(out)]) == 0
    assert "1 answer changed" in capsys.readouterr().out
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Response).where(
            Response.criterion_key == "thrive_recorded")) == 2


def test_a_batch_giving_the_same_answer_twice_is_refused_whole(setup) -> None:
    """Answers are flushed together, so a second write of one answer (a case listed twice in a
    hand-edited workbook) cannot be told apart by its version: the batch refuses it, writing nothing."""
    ws, audit_id, cases = setup
    for second in ("no", None):  # record then record, record then clear
        with ws.unit_of_work(ADMIN) as uow:
            with pytest.raises(fieldwork.FieldworkError, match="the same answer is given twice"):
                fieldwork.record_responses(uow, audit_id, [(cases[0], "thrive_recorded", "yes", "", None),
                                                           (cases[1], "thrive_recorded", "yes", "", None),
                                                           (cases[0], "thrive_recorded", second, "", None)])
        assert _db(ws, cases) == {}
