"""What the service says a person may do with a pack version, and why not: the same checks, and the
same words, as the refusal the service raises when they try (one source for the Packs page)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    ROB_PASS,
    VIEWER,
    acting,
    fast_passphrase_hashing,
    setup_register,
)
from workbench.errors import WorkbenchError
from workbench.services import assessments, bundles, pack_decisions, packs, settings, users
from workbench.services.access import Decision
from workbench.store.models import PackVersion


def _setup(ws) -> list:
    added = setup_register(ws)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
    return added


def _decide(ws, user: str, number: int | None, passphrase: str | None = None) -> dict[str, Decision]:
    with ws.unit_of_work(user, write=False, passphrase=passphrase) as uow:
        return pack_decisions.pack_decisions(uow, number)


def _refusal(call) -> Decision:  # noqa: ANN001 - a thunk
    """The decision a service's refusal stands for (the service must refuse)."""
    with pytest.raises(WorkbenchError) as caught:
        call()
    return Decision.refused(caught.value)


def _built(ws, tmp_path: Path, submit: bool = True) -> int:
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        if submit:
            packs.submit_pack(uow, built.info.number)
    return built.info.number


def test_a_reviewer_who_drafted_a_self_assessment_in_the_pack_is_refused_with_the_services_reason(
        workspace, tmp_path: Path) -> None:
    """The reviewer's case: a draft self-assessment by rita, then the officer's pack. Neither approve
    nor return is offered to her, for the reason the service refuses her with."""
    added = _setup(workspace)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.save_assessment(uow, added[0].stored_id, "Rita's draft of the narrative.", "in progress")
    number = _built(workspace, tmp_path)
    decided = _decide(workspace, REVIEWER, number, RITA_PASS)
    assert not decided["approve"] and not decided["return"]
    assert f"wrote or edited the self-assessment of {added[0].ref}" in decided["approve"].reason
    assert "four-eyes" in decided["approve"].reason and "return it" in decided["return"].reason
    # the same words as the refusals themselves
    assert decided["approve"] == _refusal(lambda: packs.approve_pack(acting(workspace, REVIEWER), number, RITA_PASS,
                                                                     tmp_path / "rita"))

    def return_it() -> None:
        with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
            packs.return_pack(uow, number, "Add the figures")

    assert decided["return"] == _refusal(return_it)
    other = _decide(workspace, REVIEWER2, number, ROB_PASS)
    assert other["approve"] and other["return"]  # another reviewer may
    assert not other["submit"] and not other["seal"]  # it is submitted: not again, and not signed yet


def test_the_builder_and_the_roles_are_refused_as_the_services_refuse_them(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    number = built.info.number
    mine = _decide(workspace, REVIEWER, number, RITA_PASS)
    assert not mine["approve"] and "built pack version" in mine["approve"].reason
    assert mine["approve"] == _refusal(lambda: packs.approve_pack(acting(workspace, REVIEWER), number, RITA_PASS,
                                                                  tmp_path / "own"))
    officer = _decide(workspace, OFFICER, number)
    assert not officer["approve"] and "officer role cannot review" in officer["approve"].reason
    assert officer["build"] and officer["export"] and officer["preview"]
    viewer = _decide(workspace, VIEWER, number)
    for action in ("build", "submit", "approve", "return", "export", "seal"):
        assert not viewer[action] and viewer[action].reason.startswith("The viewer role cannot"), action
    assert viewer["preview"]  # reading the PDF in the app is reading
    with workspace.unit_of_work(REVIEWER2) as uow:  # not signed in: the role alone is not enough
        unproven = pack_decisions.pack_decisions(uow, number)
    assert not unproven["approve"] and "sign in with your passphrase" in unproven["approve"].reason


def test_each_state_allows_its_next_step_and_refuses_the_others_in_the_services_words(
        workspace, tmp_path: Path) -> None:
    _setup(workspace)
    number = _built(workspace, tmp_path, submit=False)
    draft = _decide(workspace, OFFICER, number)
    assert draft["submit"] and pack_decisions.next_step("draft") == "submit"
    reviewer = _decide(workspace, REVIEWER, number, RITA_PASS)
    assert not reviewer["approve"] and "only a submitted pack can be reviewed" in reviewer["approve"].reason
    assert reviewer["approve"] == _refusal(lambda: packs.approve_pack(acting(workspace, REVIEWER), number,
                                                                      RITA_PASS, tmp_path / "early"))

    def seal() -> None:
        with workspace.unit_of_work(OFFICER) as uow:
            bundles.build_evidence_bundle(uow, tmp_path / "b.zip", number)

    assert not draft["seal"] and draft["seal"] == _refusal(seal)
    with workspace.unit_of_work(OFFICER) as uow:
        packs.submit_pack(uow, number)
    submitted = _decide(workspace, OFFICER, number)

    def submit_again() -> None:
        with workspace.unit_of_work(OFFICER) as uow:
            packs.submit_pack(uow, number)

    assert not submitted["submit"] and submitted["submit"] == _refusal(submit_again)
    assert "waits for a reviewer" in submitted["submit"].reason
    packs.approve_pack(acting(workspace, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    approved = _decide(workspace, OFFICER, number)
    assert approved["seal"] and approved["export"] and not approved["submit"]
    assert pack_decisions.next_step("approved") == "seal" and pack_decisions.next_step("superseded") is None
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        every = pack_decisions.every_pack_decision(uow)
    assert every[number] == approved and not every[None]["approve"] and every[None]["build"]


def test_an_altered_snapshot_is_refused_for_every_file_and_the_signature(workspace, tmp_path: Path) -> None:
    _setup(workspace)
    number = _built(workspace, tmp_path)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.execute(update(PackVersion).where(PackVersion.number == number)
                            .values(snapshot_sha256="0" * 64).execution_options(synchronize_session=False))
    decided = _decide(workspace, REVIEWER, number, RITA_PASS)
    for action in ("approve", "export", "preview"):
        assert not decided[action] and "snapshot" in decided[action].reason, action

    def export() -> None:
        with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
            packs.export_pack_files(uow, number, tmp_path / "out")

    assert decided["export"] == _refusal(export)
    assert decided["approve"] == _refusal(lambda: packs.approve_pack(acting(workspace, REVIEWER), number, RITA_PASS,
                                                                     tmp_path / "x"))


def test_a_reviewer_with_nothing_to_sign_with_is_told_before_being_asked(workspace, tmp_path: Path) -> None:
    """A proven reviewer (their own database login, say) with no sign-off passphrase cannot sign."""
    _setup(workspace)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "nora.reviewer", "reviewer", "Nora Reviewer")
    number = _built(workspace, tmp_path)
    with workspace.unit_of_work("nora.reviewer", write=False) as uow:
        assert uow.actor is not None
        uow.actor = replace(uow.actor, verified=True)  # as a server login proves her
        decided = pack_decisions.pack_decisions(uow, number)
    assert not decided["approve"] and "has no sign-off passphrase" in decided["approve"].reason
    assert decided["return"]  # returning signs nothing
