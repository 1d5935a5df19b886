"""Every released schema's fixture workspace opens with this application, data and log intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.services import findings
from workbench.services import workspace as workspace_service
from workbench.store import migrate
from workbench.store.location import sqlite_location
from workbench.store.workspace import Workspace

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "workspaces").glob("schema-*.sqlite"))


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert f"schema-{migrate.head_revision()}.sqlite" in {p.name for p in FIXTURES}, (
        "a new schema revision needs its fixture: python tests/fixtures/make_workspace_fixture.py")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_workspace_opens_and_keeps_its_data(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    ws = Workspace.open(sqlite_location(copy))
    try:
        old = fixture.stem.removeprefix("schema-")
        assert (ws.migration_backup is not None) == (old != migrate.head_revision())
        with ws.unit_of_work("fixture.admin", write=False) as uow:
            assert [f.ref for f in findings.list_findings(uow)] == ["AFI 1", "AFI 2", "AFI 3"]
            assert workspace_service.verify_log(uow).ok
    finally:
        ws.close()
