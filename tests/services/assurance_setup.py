"""A small register and team shared by the evidence, action and assessment tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.reports import signing_keystore
from workbench.services import findings, users
from workbench.services.findings import FindingInfo
from workbench.store import credentials
from workbench.store.workspace import Workspace

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
R2018 = SAMPLES / "peel-2018-norfolk-effectiveness.txt"

OFFICER = "olly.officer"
REVIEWER = "rita.reviewer"
REVIEWER2 = "rob.reviewer"
VIEWER = "vic.viewer"
RITA_PASS = "rita's long passphrase"
ROB_PASS = "rob's other passphrase"


@pytest.fixture(autouse=True)
def fast_passphrase_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with cheap parameters: these tests hash and check many passphrases.

    Import it into a test module to apply it there (it is autouse).
    """
    monkeypatch.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(signing_keystore, "KDF_PARAMS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


PASSPHRASES = {ADMIN: ADMIN_PASS, REVIEWER: RITA_PASS, REVIEWER2: ROB_PASS}


def acting(ws: Workspace, username: str):  # noqa: ANN201 - a unit-of-work factory
    """``open_uow(write)`` for ``username`` (signed in with their passphrase), as pack approval takes it."""
    return lambda write: ws.unit_of_work(username, write=write, passphrase=PASSPHRASES.get(username))


def setup_register(ws: Workspace) -> list[FindingInfo]:
    """Import the 2018 report (3 AFIs) and add an officer, two reviewers and a viewer."""
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        added = findings.import_report(uow, R2018).added
        users.add_user(uow, OFFICER, "officer", "Olly Officer")
        users.add_user(uow, REVIEWER, "reviewer", "Rita Reviewer", RITA_PASS)
        users.add_user(uow, REVIEWER2, "reviewer", "Rob Reviewer", ROB_PASS)
        users.add_user(uow, VIEWER, "viewer")
    assert len(added) == 3
    return list(added)


def count(ws: Workspace, model: type) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)
