"""The assurance plan: recurring, rotating audits; due ones in the attention list; started as a
new round in one step with the plan carried forward."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services import assurance_plan, attention, audits
from workbench.store.models import ChangeLogEntry


def test_a_quarterly_rotating_audit_is_due_and_starts_as_the_next_round(workspace) -> None:
    afis = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        first = audits.create_audit(uow, "investigation-quality", "Investigation quality", [afis[0].stored_id],
                                    size=30, target=0.8)
        p = assurance_plan.add_planned_audit(uow, 2025, "Investigation quality dip sample", "investigation-quality",
                                             4, "quarterly", finding_ids=(afis[0].stored_id,), owner="DI Patel",
                                             rotation_kind="district", rotation=("Breckland", "Norwich", "King's Lynn"),
                                             based_on_audit_id=first.id)
    assert [(o.key, o.focus) for o in p.occurrences] == [
        ("2025-04", "Breckland"), ("2025-07", "Norwich"), ("2025-10", "King's Lynn"), ("2026-01", "Breckland")]
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        items = [i for i in attention.needs_attention(uow, date(2025, 5, 2)) if i.kind == "audit"]
        months = assurance_plan.calendar_of(uow, 2025)
    assert [(i.urgency, i.due) for i in items] == [("overdue", date(2025, 4, 30))]
    assert items[0].record.entity == "planned_audit" and items[0].record.id == p.id
    assert [o.key for _, o in months[7]] == ["2025-07"] and months[1] == []
    with workspace.unit_of_work(OFFICER) as uow:
        made = assurance_plan.start_planned_audit(uow, p.id)
    assert (made.series, made.round, made.target) == (first.series, 2, 0.8)
    assert made.plan.get("size") == 30 and made.title == "Investigation quality dip sample — Breckland (Apr 2025)"
    with workspace.unit_of_work(OFFICER) as uow:
        again = assurance_plan.start_planned_audit(uow, p.id, "2025-07")
    assert again.round == 3  # carried on from the round the plan started last
    with pytest.raises(InputError, match="already started"), workspace.unit_of_work(OFFICER) as uow:
        assurance_plan.start_planned_audit(uow, p.id, "2025-04")
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        items = [i for i in attention.needs_attention(uow, date(2025, 5, 2)) if i.kind == "audit"]
        logged = [e.action for e in uow.session.query(ChangeLogEntry).filter_by(entity="planned_audit")]
    assert items == [] and logged == ["create", "start", "start"]


def test_bad_plans_are_refused(workspace) -> None:
    setup_register(workspace)
    cases: list[tuple[dict[str, Any], type[Exception], str]] = [
        (dict(month_due=13), InputError, "not a month"),
        (dict(recurrence="monthly"), InputError, "unknown recurrence"),
        (dict(rotation_kind="district"), InputError, "needs both"),
        (dict(template_key="nope"), NotFoundError, "nope"),
        (dict(based_on_audit_id=99), NotFoundError, "no audit"),
    ]
    for change, error, words in cases:
        args: dict[str, Any] = dict(year=2025, title="Plan", template_key="use-of-force", month_due=3,
                                    recurrence="annual")
        args |= change
        with pytest.raises(error, match=words), workspace.unit_of_work(OFFICER) as uow:
            assurance_plan.add_planned_audit(uow, **args)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        assurance_plan.add_planned_audit(uow, 2025, "Plan", "use-of-force", 3, "annual")


def test_plan_from_the_command_line(tmp_path: Path, capsys) -> None:
    from tests.cli.passphrases import main_as

    ws = ["--workspace", str(tmp_path / "w.sqlite"), "--user", "ann.admin"]
    assert main_as(["init", *ws]) == 0
    assert main_as(["plan", "add", "--year", "2025", "--title", "Use of force forms", "--template", "use-of-force",
                    "--month", "3", "--recurrence", "six-monthly", "--owner", "Insp Cole", *ws]) == 0
    assert "2025-03, 2025-09" in capsys.readouterr().out
    assert main_as(["plan", "calendar", "2025", "--today", "2025-03-10", *ws]) == 0
    out = capsys.readouterr().out
    assert "March 2025:\n  [due] Use of force forms" in out and "September 2025:\n  [planned]" in out
    assert main_as(["plan", "start", "1", *ws]) == 0
    assert "round 1" in capsys.readouterr().out
    assert main_as(["plan", "list", "--today", "2025-03-10", "--json", *ws]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["states"] == {"2025-03": "started", "2025-09": "planned"}
    assert main_as(["plan", "start", "1", "--occurrence", "2025-05", *ws]) == 2
    assert "has no occurrence 2025-05" in capsys.readouterr().err
