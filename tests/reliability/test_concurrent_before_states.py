"""Two people correcting the same value at once (PostgreSQL): the second write's record of how it
found the row is taken once the first has committed, so `log verify` does not report a change
outside the application that never happened."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import OFFICER, fast_passphrase_hashing, setup_register  # noqa: F401
from workbench.services import log_check, measures


def test_two_officers_correct_one_value_at_once(workspace) -> None:
    if workspace.location.is_sqlite:
        pytest.skip("SQLite has one writer at a time: the second write starts after the first commits")
    finding = setup_register(workspace)[0]
    with workspace.unit_of_work(OFFICER) as uow:
        m = measures.create_measure(uow, "101 calls abandoned", "%", 21.9, 5.0, "lower", finding_id=finding.id)
        point = measures.record_point(uow, m.id, date(2025, 1, 1), 18.0)
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with workspace.unit_of_work(OFFICER) as uow:
                measures.update_point(uow, point.id, date(2025, 1, 1), 13.0)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with workspace.unit_of_work(OFFICER) as uow:
        measures.update_point(uow, point.id, date(2025, 1, 1), 14.0)
        uow.session.flush()  # the row is locked by this transaction from here
        other = threading.Thread(target=second)
        other.start()
        time.sleep(1.5)  # the other writer reads the row while this one holds it
    other.join(60)
    assert not errors, errors
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        report = log_check.verify_log(uow, pack_anchors=lambda uow: [])
    assert report.ok, [p.message for p in report.data_problems]
