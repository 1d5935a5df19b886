"""`pack list` says whether the data changed since a version was built, from the change log, and
agrees with rebuilding the pack's content hash."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    fast_passphrase_hashing,
    setup_register,
)
from workbench import __version__
from workbench.reports.pack_codec import content_sha256
from workbench.services import actions, findings, log_check, packs
from workbench.services.pack_snapshot import collect_pack_data
from workbench.store.models import PackVersion, utcnow


def _listed(ws) -> dict[int, packs.PackVersionInfo]:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return {p.number: p for p in packs.list_packs(uow)}


def _rebuilt_sha(ws) -> str:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return content_sha256(collect_pack_data(uow, None, 1, "draft", __version__))


def test_changed_since_follows_the_data_and_agrees_with_the_content_hash(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = setup_register(ws)
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "v1")
    assert _listed(ws)[1].current
    assert _rebuilt_sha(ws) == built.info.content_sha256  # the slow way agrees

    # what only reads data out, or concerns the pack itself, is not a change of its content
    with ws.unit_of_work(OFFICER) as uow:
        packs.export_pack_files(uow, 1, tmp_path / "export")
        packs.submit_pack(uow, 1)
        log_check.export_anchor(uow, tmp_path / "anchor.json", "test")
    assert _listed(ws)[1].current
    assert _rebuilt_sha(ws) == built.info.content_sha256

    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, added[0].stored_id, None, owner="DCI Someone")
    listed = _listed(ws)
    assert not listed[1].current
    assert _rebuilt_sha(ws) != built.info.content_sha256  # and the slow way agrees it changed

    with ws.unit_of_work(OFFICER) as uow:
        packs.build_pack(uow, tmp_path / "v2")
    listed = _listed(ws)
    assert not listed[1].current and listed[2].current
    with ws.unit_of_work(OFFICER) as uow:
        actions.add_action(uow, added[1].stored_id, "Audit the allocation policy", owner="DI Test")
    assert not _listed(ws)[2].current


def test_an_action_falling_overdue_since_the_build_day_is_a_change(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = setup_register(ws)
    today = utcnow().date()
    with ws.unit_of_work(OFFICER) as uow:
        actions.add_action(uow, added[0].stored_id, "Refresh the training", due_date=today - timedelta(days=2))
        packs.build_pack(uow, tmp_path / "v1")
    assert _listed(ws)[1].current  # already overdue when built: the pack said so
    # as if built four days ago, when the action was not overdue (so the pack's content said so):
    # it fell overdue since, and the pack does not say so
    with ws.engine.begin() as conn:
        conn.execute(update(PackVersion).where(PackVersion.number == 1)
                     .values(built_at=utcnow() - timedelta(days=4), content_sha256="0" * 64))
    assert not _listed(ws)[1].current


def test_a_source_outside_the_pack_or_an_edit_undone_is_no_change(sqlite_workspace, tmp_path: Path) -> None:
    from datetime import date

    from workbench.services import register

    ws = sqlite_workspace
    added = setup_register(ws)
    with ws.unit_of_work(OFFICER) as uow:
        packs.build_pack(uow, tmp_path / "v1")
        register.add_source(uow, "thematic", "Stalking thematic", date(2026, 1, 10))
    assert _listed(ws)[1].current  # the PEEL pack does not show a thematic report
    with ws.unit_of_work(OFFICER) as uow:
        before = findings.get_finding(uow, added[0].stored_id).owner
        findings.update_finding(uow, added[0].stored_id, None, owner="DCI Someone")
        findings.update_finding(uow, added[0].stored_id, None, owner=before)
    assert _listed(ws)[1].current  # edited and edited back: the pack still says what the data says


def test_the_current_content_is_rebuilt_once_until_a_content_change_is_logged(sqlite_workspace, tmp_path: Path,
                                                                              monkeypatch) -> None:
    """The hash compared with is kept per open workspace (services/read_memo.py): a later read that
    day does not rebuild it, a logged change that can alter the content does."""
    ws = sqlite_workspace
    added = setup_register(ws)
    with ws.unit_of_work(OFFICER) as uow:
        packs.build_pack(uow, tmp_path / "v1")
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, added[0].stored_id, None, owner="DCI Someone")
        findings.update_finding(uow, added[0].stored_id, None, owner=added[0].owner or "")  # and back
    rebuilds: list[int] = []
    real = packs.collect_pack_content

    def counted(*args, **kwargs):
        rebuilds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(packs, "collect_pack_content", counted)
    assert _listed(ws)[1].current and len(rebuilds) == 1  # edited and edited back: compared, unchanged
    assert _listed(ws)[1].current and len(rebuilds) == 1  # the kept hash, not a second rebuild
    with ws.unit_of_work(OFFICER) as uow:
        packs.submit_pack(uow, 1)  # concerns the pack only: the kept hash still holds
    assert _listed(ws)[1].current and len(rebuilds) == 1
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, added[0].stored_id, None, owner="DCI Someone Else")
    assert not _listed(ws)[1].current and len(rebuilds) == 2  # a content change: rebuilt and compared
    with ws.unit_of_work(OFFICER) as uow:  # a unit of work that may write never uses the memo
        assert not packs.list_packs(uow)[0].current
    assert len(rebuilds) == 3


def test_a_pack_of_chosen_findings_is_compared_with_those_findings(sqlite_workspace, tmp_path: Path) -> None:
    """A pack built for some findings is rebuilt for the same findings, not the default scope: an edit
    elsewhere, or one undone, is no change; an edit to one of its findings is."""
    ws = sqlite_workspace
    added = setup_register(ws)
    chosen, other = added[0].stored_id, added[1].stored_id
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "v1", [chosen])
    assert built.info.findings == 1 and _listed(ws)[1].current
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, other, None, owner="DCI Elsewhere")  # not in the pack
        findings.update_finding(uow, chosen, None, owner="DCI Someone")
        findings.update_finding(uow, chosen, None, owner=added[0].owner or "")  # and back
    assert _listed(ws)[1].current
    with ws.unit_of_work(OFFICER, write=False) as uow:  # its own findings, rebuilt, hash as built
        assert content_sha256(collect_pack_data(uow, [chosen], 1, "draft", __version__)) == built.info.content_sha256
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, chosen, None, owner="DCI Someone")
    assert not _listed(ws)[1].current
