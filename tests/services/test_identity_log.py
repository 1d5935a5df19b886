"""Creating a reviewer, resetting a passphrase and importing a certificate are each in the change log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.reports.signing import create_reviewer_certificate
from workbench.services import settings, signing_identity, users
from workbench.store.models import ChangeLogEntry

REVIEWER, PASS, RESET = "rita.reviewer", "rita's long passphrase", "a reset passphrase from the admin"


def test_reviewer_creation_reset_and_certificate_import_are_logged(workspace, tmp_path: Path) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
        users.add_user(uow, REVIEWER, "reviewer", "Rita Reviewer", PASS)
        users.add_user(uow, "olly.officer", "officer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_passphrase(uow, REVIEWER, RESET)
    p12 = tmp_path / "rita.p12"
    p12.write_bytes(create_reviewer_certificate("Rita Reviewer", "Norfolk PKI", "file secret", key_type="ec"))
    with workspace.unit_of_work(REVIEWER, passphrase=RESET) as uow:
        info = signing_identity.import_reviewer_certificate(uow, REVIEWER, p12, "file secret", RESET)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        rows = uow.session.execute(select(ChangeLogEntry.actor, ChangeLogEntry.entity, ChangeLogEntry.entity_id,
                                          ChangeLogEntry.action, ChangeLogEntry.after)).all()
    logged = {(a, e, i, act): after for a, e, i, act, after in rows}
    assert logged[(ADMIN, "user", REVIEWER, "add")]["role"] == "reviewer"
    assert logged[(ADMIN, "user", REVIEWER, "reset-passphrase")]["by"] == ADMIN
    assert logged[(REVIEWER, "certificate", REVIEWER, "import")]["fingerprint"] == info.fingerprint
