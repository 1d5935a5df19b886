"""Evidence requests: the register of requests, the workbook out and back, permissions, attention."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.register.request_setup import TODAY, export, files_folder, fill, make_requests
from tests.services.assurance_setup import (
    ADMIN,
    ADMIN_PASS,
    OFFICER,
    VIEWER,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
)
from workbench.errors import ConflictError, InputError, PermissionDeniedError
from workbench.reports.request_workbook import CHECK_COL, DUE_COL, FIRST_ROW, NEEDED_COL, REF_COL
from workbench.services import attention, change_words, evidence
from workbench.services import evidence_requests as er
from workbench.store.models import ChangeLogEntry, Evidence, EvidenceLink, EvidenceRequest


def test_requests_are_listed_by_finding_owner_and_overdue_and_each_write_is_logged(workspace) -> None:
    ids = make_requests(workspace)
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        every = er.list_requests(uow, today=TODAY)
        assert [r.id for r in every] == [ids["a"], ids["b"], ids["c"]]  # soonest due first
        assert [r.id for r in er.list_requests(uow, owner="di patel", today=TODAY)] == [ids["a"], ids["b"]]
        assert [r.id for r in er.list_requests(uow, finding_id=ids["afi2"], today=TODAY)] == [ids["c"]]
        overdue = er.list_requests(uow, overdue=True, today=TODAY)
        assert [r.id for r in overdue] == [ids["a"]] and overdue[0].overdue
        assert overdue[0].action_title == "Retrain crime allocators"
        entries = list(uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "evidence_request")))
        logged = [(e.action, e.entity_id) for e in entries]
        words = [c.sentence for c in change_words.in_words(uow, entries)]
    assert "Olly Officer sent the evidence request “Training records for the allocators” to DI Patel" in words
    assert logged == [("create", str(i)) for i in (ids["a"], ids["b"], ids["c"])]
    with workspace.unit_of_work(OFFICER) as uow:
        w = er.withdraw_request(uow, ids["c"], "no longer needed", today=TODAY)
    assert w.status == "withdrawn"
    with workspace.unit_of_work(OFFICER) as uow, pytest.raises(ConflictError, match="withdrawn"):
        er.withdraw_request(uow, ids["c"])
    with workspace.unit_of_work(OFFICER) as uow, pytest.raises(ConflictError, match="only a request that is returned"):
        er.accept_request(uow, ids["a"])


def test_bad_requests_are_refused_with_the_reason(workspace) -> None:
    ids = make_requests(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        with pytest.raises(InputError, match="address it to"):
            er.create_request(uow, ids["afi0"], "  ", "x", TODAY)
        with pytest.raises(InputError, match="what is needed"):
            er.create_request(uow, ids["afi0"], "DI Patel", "", TODAY)
        with pytest.raises(InputError, match="not an action of"):
            er.create_request(uow, ids["afi1"], "DI Patel", "x", TODAY, action_id=ids["action"])


def test_a_reader_cannot_add_withdraw_export_or_import(workspace, tmp_path: Path) -> None:
    ids = make_requests(workspace)
    with workspace.unit_of_work(VIEWER) as uow:
        assert len(er.list_requests(uow, today=TODAY)) == 3  # reading is allowed
        with pytest.raises(PermissionDeniedError):
            er.create_request(uow, ids["afi0"], "DI Patel", "x", TODAY)
        with pytest.raises(PermissionDeniedError):
            er.withdraw_request(uow, ids["a"])
        with pytest.raises(PermissionDeniedError):
            er.export_requests(uow, tmp_path / "r.xlsx")
        with pytest.raises(PermissionDeniedError):
            er.import_return(uow, tmp_path / "r.xlsx")
        with pytest.raises(PermissionDeniedError):
            evidence.set_expiry(uow, 1, TODAY)
    assert not (tmp_path / "r.xlsx").exists()


def test_export_then_import_round_trip(workspace, tmp_path: Path) -> None:
    ids = make_requests(workspace)
    out = export(workspace, tmp_path / "requests.xlsx")
    assert out.request_ids == (ids["a"], ids["b"], ids["c"])
    wb = load_workbook(out.path)
    ws = wb["Requests"]
    assert [ws.cell(FIRST_ROW + i, 1).value for i in range(3)] == [ids["a"], ids["b"], ids["c"]]
    first = FIRST_ROW
    assert ws.cell(first, REF_COL).value == "AFI 1"
    assert ws.cell(first, NEEDED_COL).value == "Training records for the allocators"
    due = ws.cell(first, DUE_COL).value
    assert isinstance(due, datetime) and due.date() == date(2025, 2, 20)
    assert ws.cell(first, 4).value == "Retrain crime allocators"
    check = ws.cell(first, CHECK_COL).value
    assert isinstance(check, str) and len(check) == 32 and ws.column_dimensions["J"].hidden
    formula_like = ws.cell(first + 1, NEEDED_COL)  # the request's own text stays text in the export
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    odd_header = ws.oddHeader
    assert odd_header is not None and odd_header.center.text is not None
    assert "OFFICIAL-SENSITIVE" in odd_header.center.text and wb["_meta"].sheet_state == "hidden"
    assert ws.protection.sheet and not ws.cell(first, 8).protection.locked and ws.cell(first, 1).protection.locked

    fill(out.path, {ids["a"]: ("Attached: the register and the certificates", "register.xlsx; certs.pdf"),
                    ids["b"]: ("=1+2", None)})
    folder = files_folder(tmp_path, {"register.xlsx": b"training register", "certs.pdf": b"%PDF certificates"})
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        preview = er.preview_return(uow, out.path, folder)
    assert preview.ok and [(r.request_id, r.outcome) for r in preview.rows] == [
        (ids["a"], "returned"), (ids["b"], "returned"), (ids["c"], "no reply")]
    assert count(workspace, Evidence) == 0  # a preview writes nothing
    with workspace.unit_of_work(OFFICER) as uow:
        er.import_return(uow, out.path, folder, today=TODAY)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        a, b, c = (uow.session.get(EvidenceRequest, ids[k]) for k in "abc")
        assert (a.status, a.returned_on, a.reply) == ("returned", TODAY, "Attached: the register and the certificates")
        assert b.status == "returned" and b.reply == "=1+2"  # a formula-looking reply is kept as text
        assert c.status == "open"
        stored = [uow.session.get(Evidence, i) for i in a.evidence_ids]
        assert sorted(e.filename for e in stored) == ["certs.pdf", "register.xlsx"]
        assert {bytes(evidence.evidence_bytes(uow, e.id)) for e in stored} == {b"training register",
                                                                                b"%PDF certificates"}
        links = {(li.finding_id, li.action_id) for li in uow.session.scalars(
            select(EvidenceLink).where(EvidenceLink.evidence_id.in_(a.evidence_ids)))}
        assert links == {(ids["afi0"], None), (None, ids["action"])}
        returns = list(uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "return")))
        assert len(returns) == 2 and all(e.after["workbook_id"] == out.workbook_id for e in returns)
    # the same workbook again: both rows are already returned, nothing more is written
    with workspace.unit_of_work(OFFICER) as uow, pytest.raises(er.RequestImportError, match="already returned"):
        er.import_return(uow, out.path, folder, today=TODAY)
    assert count(workspace, Evidence) == 2
    with workspace.unit_of_work(OFFICER) as uow:
        assert er.accept_request(uow, ids["a"], today=TODAY).status == "accepted"


def test_files_may_come_back_as_a_zip_in_subfolders(sqlite_workspace, tmp_path: Path) -> None:
    ids = make_requests(sqlite_workspace)
    out = export(sqlite_workspace, tmp_path / "r.xlsx", owner="DI Patel")
    assert out.request_ids == (ids["a"], ids["b"])  # one owner's requests only
    fill(out.path, {ids["a"]: ("here", "Register.XLSX")})
    zipped = tmp_path / "back.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("reply/register.xlsx", b"training register")
        zf.writestr("__MACOSX/reply/._register.xlsx", b"junk")
        zf.writestr("r.xlsx", out.path.read_bytes())  # the workbook itself, zipped with the files
    with sqlite_workspace.unit_of_work(OFFICER) as uow:
        preview = er.import_return(uow, out.path, zipped, today=TODAY)
    assert preview.returned == 1
    with sqlite_workspace.unit_of_work(OFFICER, write=False) as uow:
        info = er.get_request(uow, ids["a"], today=TODAY)
        assert [evidence.get_evidence(uow, i).filename for i in info.evidence_ids] == ["register.xlsx"]


def test_export_with_nothing_open_writes_nothing(sqlite_workspace, tmp_path: Path) -> None:
    make_requests(sqlite_workspace)
    with sqlite_workspace.unit_of_work(OFFICER) as uow, pytest.raises(InputError, match="no open evidence requests"):
        er.export_requests(uow, tmp_path / "x.xlsx", owner="nobody")
    assert not (tmp_path / "x.xlsx").exists()


def test_attention_lists_overdue_and_due_requests_and_expiring_evidence(workspace, tmp_path: Path) -> None:
    ids = make_requests(workspace)
    proof = tmp_path / "policy.txt"
    proof.write_text("policy", encoding="utf-8")
    with workspace.unit_of_work(OFFICER) as uow:
        old = evidence.add_evidence(uow, proof, "Allocation policy", finding_ids=[ids["afi0"]],
                                    expires_on=date(2025, 3, 1))
        soon = evidence.add_evidence(uow, proof, "Training plan", action_ids=[ids["action"]])
        evidence.set_expiry(uow, soon.id, date(2025, 3, 6))
        later = evidence.add_evidence(uow, proof, "Later", finding_ids=[ids["afi1"]], expires_on=date(2025, 6, 1))
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        items = [i for i in attention.needs_attention(uow, TODAY) if i.kind in ("request", "evidence_expiry")]
        assert evidence.get_evidence(uow, old.id).expiry(TODAY) == "expired"
        assert evidence.get_evidence(uow, soon.id).expiry(TODAY) == "expiring"
        assert evidence.get_evidence(uow, later.id).expiry(TODAY) == ""
    got = [(i.kind, i.urgency, i.due, i.record.entity, i.record.id) for i in items]
    assert got == [
        ("request", "overdue", date(2025, 2, 20), "finding", ids["afi0"]),
        ("evidence_expiry", "overdue", date(2025, 3, 1), "finding", ids["afi0"]),
        ("request", "due", date(2025, 3, 5), "finding", ids["afi1"]),
        ("evidence_expiry", "due", date(2025, 3, 6), "finding", ids["afi0"]),  # through its action
    ]
    assert "DI Patel" in items[0].detail and "Expired" not in items[1].title and "expired" in items[1].title
    with workspace.unit_of_work(OFFICER) as uow:
        er.withdraw_request(uow, ids["a"])
        evidence.set_expiry(uow, old.id, None)
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        kinds = [(i.kind, i.due) for i in attention.needs_attention(uow, TODAY)
                 if i.kind in ("request", "evidence_expiry")]
    assert kinds == [("request", date(2025, 3, 5)), ("evidence_expiry", date(2025, 3, 6))]


def test_the_attention_rule_for_requests_is_a_provider(sqlite_workspace) -> None:
    """Removing the provider empties the list: the rule lives in `PROVIDERS`, not in the panel."""
    make_requests(sqlite_workspace)
    saved = list(attention.PROVIDERS)
    try:
        attention.PROVIDERS[:] = [p for p in saved if p.__name__ != "_requests"]
        with sqlite_workspace.unit_of_work(OFFICER, write=False) as uow:
            assert not [i for i in attention.needs_attention(uow, TODAY) if i.kind == "request"]
    finally:
        attention.PROVIDERS[:] = saved
    with sqlite_workspace.unit_of_work(OFFICER, write=False) as uow:
        assert [i for i in attention.needs_attention(uow, TODAY) if i.kind == "request"]


def test_expiry_is_set_cleared_and_logged_and_checked(sqlite_workspace, tmp_path: Path) -> None:
    ids = make_requests(sqlite_workspace)
    proof = tmp_path / "p.txt"
    proof.write_text("x", encoding="utf-8")
    with sqlite_workspace.unit_of_work(OFFICER) as uow:
        e = evidence.add_evidence(uow, proof, "Policy", date(2025, 1, 1), finding_ids=[ids["afi0"]])
        with pytest.raises(InputError, match="before its evidence date"):
            evidence.set_expiry(uow, e.id, date(2024, 12, 1))
        assert evidence.set_expiry(uow, e.id, date(2025, 3, 1)).expires_on == date(2025, 3, 1)
        assert [x.id for x in evidence.expired_for_findings(uow, [ids["afi0"]], TODAY)] == [e.id]
        assert evidence.set_expiry(uow, e.id, None).expires_on is None
    with sqlite_workspace.unit_of_work(OFFICER, write=False) as uow:
        logged = [x.action for x in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "evidence", ChangeLogEntry.entity_id == str(e.id)))]
    assert logged == ["add", "set_expiry", "clear_expiry"]
