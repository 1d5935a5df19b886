"""Anchors kept outside the workspace catch a log rewritten with every hash recomputed."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import InputError
from workbench.services import log_check, users
from workbench.store import changelog
from workbench.store.models import ChangeLogEntry, ChangeLogHead


@dataclass(frozen=True)
class PackAnchor:  # the shape workbench.services.pack_anchors provides
    seq: int
    hash: str
    source: str


def _verify(ws, files=(), packs=()):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return log_check.verify_log(uow, files, pack_anchors=lambda uow: list(packs))


def _add_users(ws, *names: str) -> None:
    for name in names:
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            users.add_user(uow, name, "officer")


def _anchor(ws, out: Path) -> dict:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        return log_check.export_anchor(uow, out, ws.location.label)


def _head(ws) -> changelog.ChainHead:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return changelog.head(uow.session)


def _rewrite_from(ws, seq: int, **changes) -> None:
    """What an admin with the database file can do: edit entry `seq`, then recompute every hash."""
    with ws.unit_of_work(None) as uow:
        s = uow.session
        entries = s.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).all()
        prev = entries[seq - 2].hash if seq > 1 else changelog.GENESIS
        for e in entries[seq - 1:]:
            if e.seq == seq:
                for k, v in changes.items():
                    setattr(e, k, v)
            e.prev_hash = f"x{e.seq}"  # unique placeholder while the chain is rebuilt
        s.flush()
        for e in entries[seq - 1:]:
            e.prev_hash = prev
            e.hash = changelog.entry_hash(e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before,
                                          e.after, e.prev_hash, e.states)
            prev = e.hash
            s.flush()
        s.get(ChangeLogHead, 1).hash = prev


def test_the_anchor_file_names_the_head_and_the_workspace(workspace, tmp_path) -> None:
    _add_users(workspace, "officer.one")
    head = _head(workspace)
    doc = _anchor(workspace, tmp_path / "anchor.json")
    on_disk = json.loads((tmp_path / "anchor.json").read_text(encoding="utf-8"))
    assert on_disk == doc
    assert doc["format"] == "workbench-change-log-anchor" and doc["version"] == 1
    assert doc["head"]["seq"] == head.seq and doc["head"]["hash"] == head.hash
    assert doc["workspace"]["first_entry"]["seq"] == 1 and doc["workspace"]["label"] == workspace.location.label
    assert doc["exported_by"] == ADMIN
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:  # the export itself is logged
        last = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())).first()
        assert (last.action, last.after["seq"]) == ("anchor-export", head.seq)
    report = _verify(workspace, [tmp_path / "anchor.json"])
    assert report.ok and [a.status for a in report.anchors] == ["holds", "holds"]
    with pytest.raises(InputError, match="already exists"):
        _anchor(workspace, tmp_path / "anchor.json")


def test_a_whole_chain_rewrite_passes_alone_and_fails_against_anchors(workspace, tmp_path) -> None:
    _add_users(workspace, "officer.one")
    early = _anchor(workspace, tmp_path / "early.json")["head"]["seq"]  # entry 3
    _add_users(workspace, "officer.two", "officer.three")
    late = _anchor(workspace, tmp_path / "late.json")["head"]["seq"]
    _add_users(workspace, "officer.four")
    # entry 5 added officer.two: rewrite it, and every hash after it
    _rewrite_from(workspace, early + 2, actor="someone.else")
    assert _verify(workspace).ok, "without an anchor a recomputed chain verifies: anchors are needed"
    report = _verify(workspace, [tmp_path / "early.json", tmp_path / "late.json"])
    assert not report.ok
    assert {a.source: a.status for a in report.anchors} == {
        "early.json (its workspace's first entry)": "holds", "late.json (its workspace's first entry)": "holds",
        "early.json": "holds", "late.json": "differs"}
    assert report.last_good_anchor.source == "early.json" and report.last_good_anchor.seq == early
    assert report.broken_seq == early + 1
    assert "rewritten" in report.problem and f"entry {early + 1} is the first that cannot be trusted" in report.problem
    assert f"late.json records entry {late}" in report.problem


def test_entries_removed_after_an_anchor_are_found(workspace, tmp_path) -> None:
    _add_users(workspace, "officer.one", "officer.two")
    _anchor(workspace, tmp_path / "a.json")
    anchored = _head(workspace).seq - 1  # the anchor names the head before its own export entry
    keep = anchored - 2
    with workspace.engine.begin() as conn:  # drop the tail and point the head at what is left
        conn.execute(text("delete from change_log where seq > :k"), {"k": keep})
        kept = conn.execute(text("select hash from change_log where seq = :k"), {"k": keep}).scalar_one()
        conn.execute(text("update change_log_head set seq = :k, hash = :h"), {"k": keep, "h": kept})
    assert _verify(workspace).problem == ""  # the chain alone cannot tell
    report = _verify(workspace, [tmp_path / "a.json"])
    assert not report.ok and "entries were removed" in report.problem
    assert [a.status for a in report.anchors] == ["holds", "missing"]


def test_an_anchor_from_another_workspace_does_not_hold(workspace, tmp_path) -> None:
    stranger = {"format": "workbench-change-log-anchor", "version": 1,
                "workspace": {"first_entry": {"seq": 1, "hash": "a" * 64}}, "head": {"seq": 1, "hash": "a" * 64}}
    (tmp_path / "other.json").write_text(json.dumps(stranger), encoding="utf-8")
    report = _verify(workspace, [tmp_path / "other.json"])
    assert not report.ok and report.last_good_anchor is None
    assert "entry 1 is the first that cannot be trusted" in report.problem


@pytest.mark.parametrize("content, says", [
    (b"{not json", "is not JSON"),
    (b"\xff\xfe", "is not JSON"),
    (b"[]", "is not a change-log anchor"),
    (b'{"format": "workbench-change-log-anchor", "version": 9}', "has version 9"),
    (b'{"format": "workbench-change-log-anchor", "version": 1, "workspace": {}}', "first_entry is missing"),
    (b'{"format": "workbench-change-log-anchor", "version": 1, "workspace": {"first_entry": {"seq": 1, '
     b'"hash": "' + b"a" * 64 + b'"}}, "head": {"seq": "3", "hash": "x"}}', "head.seq is '3'"),
    (b'{"format": "workbench-change-log-anchor", "version": 1, "workspace": {"first_entry": {"seq": 1, '
     b'"hash": "' + b"a" * 64 + b'"}}, "head": {"seq": 3, "hash": "ABC"}}', "head.hash is not a SHA-256"),
])
def test_an_anchor_file_that_does_not_parse_is_a_clear_error(workspace, tmp_path, content, says) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(InputError) as err:
        _verify(workspace, [bad])
    assert str(bad) in err.value.message and says in err.value.message
    with pytest.raises(InputError, match="cannot read"):
        _verify(workspace, [tmp_path / "absent.json"])


def test_pack_anchors_are_checked_like_anchor_files(workspace) -> None:
    _add_users(workspace, "officer.one")
    head = _head(workspace)
    good = PackAnchor(head.seq, head.hash, "pack 1 (signed PDF)")
    assert _verify(workspace, packs=[good]).ok
    _rewrite_from(workspace, head.seq, action="remove")
    report = _verify(workspace, packs=[good])
    assert not report.ok and "pack 1 (signed PDF) records entry" in report.problem


def test_pack_anchors_come_from_the_pack_anchors_module_when_present(workspace, monkeypatch) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert log_check.signed_pack_anchors(uow) == [] or "workbench.services.pack_anchors" in sys.modules
        head = changelog.head(uow.session)
        module = types.ModuleType("workbench.services.pack_anchors")
        module.__dict__["signed_pack_anchors"] = lambda uow: [PackAnchor(head.seq, "b" * 64, "pack 7")]
        monkeypatch.setitem(sys.modules, "workbench.services.pack_anchors", module)
        report = log_check.verify_log(uow)
    assert not report.ok and [(a.source, a.status) for a in report.anchors] == [("pack 7", "differs")]
