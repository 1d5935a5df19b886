"""Messages say what happened: an altered head is altered, a corrupted key store is corrupted."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    REVIEWER,
    RITA_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.reports.signing import SigningError
from workbench.reports.signing_keystore import DamagedKeyStoreError, KeyStoreError, open_key_store, seal_key_store
from workbench.services import settings, signing_identity
from workbench.services.log_check import verify_log
from workbench.store.models import ReviewerCertificate


def _verify(ws):
    with ws.unit_of_work(ADMIN, write=False) as uow:
        return verify_log(uow, check_data=False)


def test_an_altered_head_hash_is_reported_as_altered(sqlite_workspace) -> None:
    with sqlite_workspace.engine.begin() as conn:
        conn.execute(text("update change_log_head set hash = :h"), {"h": "0" * 64})
    report = _verify(sqlite_workspace)
    assert not report.ok and "head's hash was altered" in report.problem
    assert "removed" not in report.problem


def test_a_head_set_back_is_not_called_removed_entries(sqlite_workspace) -> None:
    with sqlite_workspace.engine.begin() as conn:
        seq = conn.execute(text("select seq from change_log_head")).scalar_one()
        h = conn.execute(text("select hash from change_log where seq = :s"), {"s": seq - 1}).scalar_one()
        conn.execute(text("update change_log_head set seq = :s, hash = :h"), {"s": seq - 1, "h": h})
    report = _verify(sqlite_workspace)
    assert not report.ok and "set back" in report.problem


def test_a_corrupted_key_store_is_called_corrupted(workspace) -> None:
    setup_register(workspace)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Test Constabulary")
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    with workspace.engine.begin() as conn:
        conn.execute(update(ReviewerCertificate).values(pkcs12=b"\x00garbage, not a key store" * 4))
    with pytest.raises(SigningError) as info, workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    assert "corrupted" in str(info.value) and "earlier" not in str(info.value)
    assert "certificate import" in str(info.value)


def test_key_store_errors_tell_damage_from_a_wrong_passphrase() -> None:
    from tests.reports.signed_bundles import new_key

    sealed = seal_key_store(new_key(), "the right passphrase")
    with pytest.raises(KeyStoreError) as wrong:
        open_key_store(sealed, "a wrong passphrase")
    assert not wrong.value.damaged
    for broken in (sealed[:12], sealed[:8] + b"\xff\xff\xff\xff" + sealed[12:], b"garbage" * 10):
        with pytest.raises(DamagedKeyStoreError, match="corrupted"):
            open_key_store(broken, "the right passphrase")
