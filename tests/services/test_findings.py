"""The findings register, on real HMICFRS texts, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import ConflictError, InputError, PermissionDeniedError
from workbench.services import findings, measures, users
from workbench.store.models import ChangeLogEntry, Finding, FindingLink, Inspection

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
R2018 = SAMPLES / "peel-2018-norfolk-effectiveness.txt"
R2023 = SAMPLES / "peel-2023-25-norfolk-afis.txt"


def _import(ws, path, **kw):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        return findings.import_report(uow, path, **kw)


def _count(ws, model) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_seed_2023_imports_twelve_afis_with_figures(workspace) -> None:
    result = _import(workspace, R2023)
    assert not result.dry_run and result.new_inspection
    assert len(result.added) == 12 and {f.kind for f in result.added} == {"afi"}
    assert result.inspection.force == "Norfolk Constabulary"
    attendance = next(f for f in result.added if "attend calls" in f.title)
    assert attendance.area == "Responding to the public"
    prop = next(fig for fig in attendance.figures if fig.kind == "proportion")
    assert (prop.numerator, prop.denominator) == (49, 82)
    ratio_afi = next(f for f in result.added if "ratio of offenders" in f.title)
    assert any(fig.missing_in_source for fig in ratio_afi.figures)
    assert any(fig.kind == "ratio" and fig.value == 63 for fig in ratio_afi.figures)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        listed = findings.list_findings(uow)
        proposed = measures.list_measures(uow)
    assert [f.ref for f in listed] == [f"AFI {i}" for i in range(1, 13)]
    abandonment = [m for m in proposed if m.baseline == 21.9]
    assert abandonment and abandonment[0].target == 5 and abandonment[0].direction == "lower"
    assert any(m.baseline_label == "49 of 82" for m in proposed)


def test_reimport_is_idempotent_and_dry_run_writes_nothing(workspace) -> None:
    dry = _import(workspace, R2023, dry_run=True)
    assert dry.dry_run and len(dry.added) == 12
    assert _count(workspace, Finding) == 0 and _count(workspace, Inspection) == 0
    log_before = _count(workspace, ChangeLogEntry)
    _import(workspace, R2023)
    again = _import(workspace, R2023)
    assert again.added == () and len(again.unchanged) == 12 and not again.new_inspection
    assert _count(workspace, Finding) == 12 and _count(workspace, Inspection) == 1
    assert _count(workspace, ChangeLogEntry) > log_before


def test_second_report_suggests_links_to_the_first(workspace) -> None:
    first = _import(workspace, R2018)
    assert len(first.added) == 3
    assert all(f.area == "Investigating crime" for f in first.added)
    second = _import(workspace, R2023)
    allocation = next(f for f in second.added if "allocated to officers" in f.title)
    linked = {li.other_id for li in allocation.links}
    alloc_2018 = next(f for f in first.added if "allocates crime" in f.title)
    supervision_2018 = next(f for f in first.added if "supervision" in f.title)
    assert alloc_2018.id in linked
    assert allocation.links[0].other_id == alloc_2018.id  # the best suggestion
    abandonment = next(f for f in second.added if "abandon" in f.title)
    assert abandonment.links == ()
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        link = findings.decide_link(uow, allocation.links[0].id, accept=True)
    assert link.state == "accepted"
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        back = findings.get_finding(uow, alloc_2018.id)
    assert any(li.state == "accepted" and li.direction == "later" for li in back.links)
    assert supervision_2018.id is not None


def test_register_edits_are_checked_logged_and_versioned(workspace) -> None:
    added = _import(workspace, R2023).added
    f = added[4]
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "view.er", "viewer")
        updated = findings.update_finding(uow, f.id, f.version, status="in progress", owner="Supt Jones")
    assert (updated.status, updated.owner) == ("in progress", "Supt Jones")
    with pytest.raises(ConflictError), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        findings.update_finding(uow, f.id, f.version, status="pending sign-off")
    with pytest.raises(InputError, match="not a force status"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        findings.update_finding(uow, f.id, None, status="done-ish")
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work("view.er") as uow:
        findings.update_finding(uow, f.id, None, owner="me")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "finding",
                                                                 ChangeLogEntry.action == "update")).one()
        assert entry.before == {"status": "awaiting allocation", "owner": ""}
        assert entry.after == {"status": "in progress", "owner": "Supt Jones"}


def test_bad_report_writes_nothing(workspace, tmp_path: Path) -> None:
    from workbench.errors import WorkbenchError

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    prose = tmp_path / "prose.txt"
    prose.write_text("Norfolk Constabulary is good at preventing crime.\n" * 20)
    for bad in (empty, prose, tmp_path / "missing.txt"):
        with pytest.raises(WorkbenchError) as info, workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            findings.import_report(uow, bad)
        assert bad.name in str(info.value)
    assert _count(workspace, Finding) == 0 and _count(workspace, FindingLink) == 0
