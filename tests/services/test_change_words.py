"""The change log told in words: who did what to which finding, audit, case or pack version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    REVIEWER,
    RITA_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.services import actions, assessments, change_words, evidence, measures, users
from workbench.services.change_words import person_name


def _words(ws, limit: int = 50) -> list[str]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return [c.sentence for c in change_words.recent_in_words(uow, limit)]


def test_people_findings_and_removed_records_are_named(workspace, tmp_path: Path) -> None:
    f1, _, _ = setup_register(workspace)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "sam.okafor", "officer", "Sam Okafor (Assurance Officer)")
    (tmp_path / "m.txt").write_bytes(b"minutes")
    with workspace.unit_of_work("sam.okafor") as uow:
        act = actions.add_action(uow, f1.stored_id, "Weekly MASH triage")
        actions.remove_action(uow, act.id)
        evidence.add_evidence(uow, tmp_path / "m.txt", "Triage minutes", finding_ids=[f1.stored_id])
        m = measures.create_measure(uow, "MASH backlog", "count", 120, 20, "lower", finding_id=f1.id)
        for month in (1, 2, 3):
            measures.record_point(uow, m.id, date(2025, month, 1), 100 - month)
        assessments.save_assessment(uow, f1.stored_id, "Triage runs weekly.", "pending sign-off", "ready")
        assessments.submit_assessment(uow, f1.stored_id)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.approve_assessment(uow, f1.stored_id, RITA_PASS, "Seen")
    words = _words(workspace)
    ref = f"{f1.ref} of PEEL 2018"
    assert words[:7] == [
        f"Rita Reviewer approved the self-assessment for {ref}",
        f"Sam Okafor changed {ref} (status: pending sign-off)",
        f"Sam Okafor submitted the self-assessment for {ref}",
        f"Sam Okafor started the self-assessment for {ref}",
        "Sam Okafor recorded a value of “MASH backlog”",  # three entries, told once
        "Sam Okafor created the measure “MASH backlog”",
        "Sam Okafor added the evidence “Triage minutes”",
    ]
    assert words[7:9] == ["Sam Okafor removed the action “Weekly MASH triage”",  # named from the entry
                           "Sam Okafor added the action “Weekly MASH triage”"]
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        told = change_words.recent_in_words(uow, 10)
    assert told[4].entries == 3 and told[4].first_seq == told[4].seq - 2 and told[4].who == "Sam Okafor"
    assert told[4].what == "recorded a value of “MASH backlog”"
    assert not any("sam.okafor" in w or " id " in w for w in words)


def test_names_without_a_display_name_and_own_records() -> None:
    assert person_name("Sam Okafor (Assurance Officer)", "sam.okafor") == "Sam Okafor"
    assert person_name("", "vic.viewer") == "vic.viewer"
    assert person_name("Supt Helen Marsh", "helen.marsh") == "Supt Helen Marsh"

