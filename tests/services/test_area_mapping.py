"""Re-mapping findings from the 2023-25 areas to the 2025-27 areas: preview, apply (logged),
undo from the log, and the findings of a 2025-27 inspection left as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import InputError
from workbench.services import area_mapping, findings
from workbench.store.models import ChangeLogEntry, Finding
from workbench.store.uow import ReadOnlyUnitOfWorkError

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIST_2025 = """PEEL 2025-27 inspection findings for Norfolk Constabulary

Areas for improvement

AFI The constabulary should make sure it records all reported crimes correctly and in time In 3 of \
the 10 stalking files the crime was not recorded within 24 hours. Norfolk Constabulary
"""


def _setup(ws, tmp_path) -> tuple[int, int, int]:
    """The 2023-25 seed (one finding set to crime recording by hand) and a 2025-27 list."""
    later = tmp_path / "peel-2025-27.txt"
    later.write_text(LIST_2025, encoding="utf-8")
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        added = findings.import_report(uow, SAMPLES / "peel-2023-25-norfolk-afis.txt").added
        recording = next(f for f in added if "use of force" in f.title)
        findings.update_finding(uow, recording.stored_id, area="Recording data about crime")
        new = findings.import_report(uow, later).added
    assert new[0].area == "Quality of service"
    leadership = next(f for f in added if f.area == "Leadership and force management")
    return recording.stored_id, leadership.stored_id, new[0].stored_id


def _area(ws, fid: int) -> str:
    with ws.unit_of_work(ADMIN, write=False) as uow:
        return uow.session.get(Finding, fid).area


def test_preview_changes_nothing_and_map_logs_each_finding(workspace, tmp_path) -> None:
    recording, leadership, later = _setup(workspace, tmp_path)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        preview = area_mapping.preview_mapping(uow, "2025-27")
        table = area_mapping.mapping_table(uow, "2025-27")
    assert [(c.finding_id, c.old_area, c.new_area) for c in preview.changes] == \
        [(recording, "Recording data about crime", "Quality of service")]
    assert not preview.applied and preview.unchanged == 12  # 11 kept names + the 2025-27 finding
    assert _area(workspace, recording) == "Recording data about crime"
    assert any(r.from_area == "Recording data about crime" and r.to_area == "Quality of service" for r in table)

    with workspace.unit_of_work(ADMIN) as uow:
        done = area_mapping.map_areas(uow, "2025-27")
    assert done.applied and [c.finding_id for c in done.changes] == [recording]
    assert _area(workspace, recording) == "Quality of service"
    assert _area(workspace, leadership) == "Leadership and force management"
    assert _area(workspace, later) == "Quality of service"
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        f = uow.session.get(Finding, recording)
        assert f.area_reason.startswith("mapped from 'Recording data about crime' (2023-25)")
        logged = [(e.entity_id, e.before["area"], e.after["area"]) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.action == "map_area"))]
        summary = [(s.action, s.after["run"], s.after["findings"]) for s in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "areas"))]
    assert logged == [(str(recording), "Recording data about crime", "Quality of service")]
    assert summary == [("map", done.run, 1)]

    with workspace.unit_of_work(ADMIN) as uow:  # a second run finds nothing left to change
        assert area_mapping.map_areas(uow, "2025-27").changes == ()


def test_undo_puts_back_from_the_log_except_areas_changed_since(workspace, tmp_path) -> None:
    recording, leadership, _ = _setup(workspace, tmp_path)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        findings.update_finding(uow, leadership, area="Recording data about crime")
        area_mapping.map_areas(uow, "2025-27")
        findings.update_finding(uow, leadership, area="Investigating crime")  # changed by hand since
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        preview = area_mapping.preview_undo(uow)
    assert [c.finding_id for c in preview.changes] == [recording] and len(preview.skipped) == 1
    assert _area(workspace, recording) == "Quality of service"
    with workspace.unit_of_work(ADMIN) as uow:
        undone = area_mapping.undo_mapping(uow)
    assert undone.applied and "changed to 'Investigating crime' since" in undone.skipped[0]
    assert _area(workspace, recording) == "Recording data about crime"
    assert _area(workspace, leadership) == "Investigating crime"
    with workspace.unit_of_work(ADMIN) as uow, pytest.raises(InputError, match="no area mapping to undo"):
        area_mapping.undo_mapping(uow)


def test_refusals(workspace, tmp_path) -> None:
    _setup(workspace, tmp_path)
    with workspace.unit_of_work(ADMIN, write=False) as uow, pytest.raises(ReadOnlyUnitOfWorkError):
        area_mapping.map_areas(uow, "2025-27")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        with pytest.raises(InputError, match="no framework before 2023-25"):
            area_mapping.preview_mapping(uow, "2023-25")
        with pytest.raises(InputError, match="unknown PEEL framework"):
            area_mapping.preview_mapping(uow, "2031-33")


def test_the_overview_tells_the_move_in_words(sqlite_workspace, tmp_path) -> None:
    from workbench.services import change_words

    recording, _, _ = _setup(sqlite_workspace, tmp_path)
    with sqlite_workspace.unit_of_work(ADMIN) as uow:
        area_mapping.map_areas(uow, "2025-27")
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        said = [c.sentence for c in change_words.recent_in_words(uow, limit=5)]
    assert any("moved findings to their 2025-27 PEEL areas" in s for s in said)
    assert any("to its 2025-27 PEEL area" in s and "AFI 1" in s for s in said)
