"""Before signing a pack, the reviewer is told which of the evidence it cites has expired."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.services.assurance_setup import (
    OFFICER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
)
from tests.services.test_pack_approval_warnings import _built, _warnings
from tests.services.test_packs import _prepare
from workbench.services import evidence


def test_expired_evidence_in_the_pack_is_a_warning(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = _prepare(ws, tmp_path)
    number = _built(ws, tmp_path)
    assert _warnings(ws, number).expired_evidence == ()
    with ws.unit_of_work(OFFICER) as uow:
        (minutes,) = evidence.list_evidence(uow, added[1].id)
        evidence.set_expiry(uow, minutes.id, date(2020, 1, 31))  # long past, whatever day the test runs
    got = _warnings(ws, number)
    assert got.any and got.expired_evidence == (f"Meeting minutes ({added[1].ref}, expired 31 Jan 2020)",)
    assert any(m.startswith("Evidence the pack cites has expired: Meeting minutes") for m in got.messages())
