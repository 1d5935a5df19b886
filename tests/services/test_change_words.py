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



def _logged_pairs() -> set[tuple[str, str]]:
    """Every (entity, action) a service logs, read from the source: literal arguments, both branches
    of a conditional, and the few built from a variable (listed with every value they can take)."""
    import ast

    root = Path(change_words.__file__).resolve().parents[1]
    built = {  # entity or action made at run time: every value they take
        ("finding", "f'{line}_status'"): [("finding", f"{line}_status") for line in ("force", "inspectorate")],
        ("finding", "f'{line}_comment'"): [("finding", f"{line}_comment") for line in ("force", "inspectorate")],
        ("finding_link", "link.state"): [("finding_link", s) for s in ("accepted", "rejected", "suggested")],
        ("areas", "MAP"): [("areas", "map")], ("areas", "UNMAP"): [("areas", "unmap")],
        ("response", "action"): [("response", "record"), ("response", "clear")],
        ("entity", "f'{action}-refused'"): [("pack", "approve-refused"), ("certificate", "sign-refused"),
                                           ("user", "change-passphrase-refused"), ("certificate", "import-refused"),
                                           ("assessment", "approve-refused")],
    }

    def values(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return values(node.body) + values(node.orelse)
        return [ast.unparse(node)]

    pairs: set[tuple[str, str]] = set()
    unknown: list[str] = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "log"
                    and len(node.args) >= 3 and ast.unparse(node.func.value) in ("uow", "self")):
                continue
            for entity in values(node.args[0]):
                for action in values(node.args[2]):
                    if (entity, action) in built:
                        pairs.update(built[(entity, action)])
                    elif "{" in action or not entity.isidentifier() or entity == "entity" or not action.replace(
                            "-", "").replace("_", "").replace(" ", "").isalpha():
                        unknown.append(f"{path.name}: {entity} {action}")
                    else:
                        pairs.add((entity, action))
    assert not unknown, f"log calls whose kind this test cannot read (list their values in `built`): {unknown}"
    return pairs


def test_every_kind_of_log_entry_has_words() -> None:
    """A kind of entry with no verb reads as its raw name ("force status AFI 1", "pcc response …")."""
    pairs = _logged_pairs()
    assert len(pairs) > 60  # the scan found the services' log calls
    missing = sorted(p for p in pairs if p not in change_words.VERBS)
    assert not missing, f"add these to change_words.VERBS: {missing}"


def test_register_records_are_named_in_words(workspace) -> None:
    f1, _, _ = setup_register(workspace)
    from workbench.services import evidence_requests, register_status

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        evidence_requests.create_request(uow, f1.stored_id, "Crime bureau manager",
                                         "Monthly crime data integrity audit results\nfor the last quarter",
                                         date(2030, 1, 31))
        register_status.move(uow, f1.stored_id, "force", "in progress", comment="started")
    words = _words(workspace, 5)
    assert words[0].endswith("to “in progress”"), words[0]
    assert any("the evidence request “Monthly crime data integrity audit results” to Crime bureau manager" in w
               for w in words), words
    assert not any("request 1" in w or "force status" in w for w in words), words
