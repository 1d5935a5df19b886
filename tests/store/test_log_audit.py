"""The log vouches for the data: every row written is recorded; rows changed outside are named."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import log_check, settings, users
from workbench.store import changelog, log_audit
from workbench.store.models import Base, ChangeLogEntry, ForceSetting, User


def _verify(ws):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return log_check.verify_log(uow, pack_anchors=lambda uow: [])


def _sql(ws, statement: str, **params) -> None:
    with ws.engine.begin() as conn:
        conn.execute(text(statement), params)


def _messages(report) -> list[str]:
    return [p.message for p in report.data_problems]


def test_every_table_is_audited_or_part_of_the_log(workspace) -> None:
    children = {c[1].name for c in log_audit.CHILD_LISTS.values()}
    audited = set(log_audit.audited_tables())
    assert audited | children | log_audit.NOT_AUDITED == set(Base.metadata.tables)
    assert not audited & (children | log_audit.NOT_AUDITED)
    assert {"users", "responses", "sign_offs", "pack_versions", "evidence", "findings"} <= audited


def test_each_write_records_the_rows_it_wrote(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer", "Officer One")
        users.set_role(uow, "officer.one", "viewer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        last = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())).first()
        user_id = uow.session.scalar(select(User.id).where(User.username == "officer.one"))
        assert last.action == "set-role"
        recorded = last.states["users"][str(user_id)]
        assert recorded["role"] == "viewer" and recorded["username"] == "officer.one"
        assert "passphrase_hash" in recorded and "display_name" in recorded
    report = _verify(workspace)
    assert report.ok and report.data_checked and report.data_problem_count == 0
    assert report.rows_checked >= 2


def test_a_role_changed_in_the_database_is_named(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    _sql(workspace, "update users set role = 'admin' where username = 'officer.one'")
    report = _verify(workspace)
    assert not report.ok and report.problem == ""  # the chain itself is intact
    (issue,) = report.data_problems
    assert issue.table == "users" and issue.problem == "changed"
    assert "(officer.one): role is 'admin', the log last recorded 'officer'" in issue.message


def test_a_row_changed_outside_then_written_by_the_application_is_still_named(workspace) -> None:
    """The application's next write of a tampered row records it as it found it, so the data then
    matches the log; the log also records how the row was found, and verify compares that."""
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer", "Officer One")
        users.add_user(uow, "officer.two", "officer", "Officer Two")
    _sql(workspace, "update users set role = 'admin' where username = 'officer.one'")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_display_name(uow, "officer.one", "Officer One (acting)")
        users.set_role(uow, "officer.two", "viewer")  # an honest write beside it: not named
    report = _verify(workspace)
    assert not report.ok and report.problem == ""
    (issue,) = report.data_problems
    assert issue.table == "users" and issue.problem == "changed before"
    assert "changed outside the application before entry" in issue.message


def test_rows_written_twice_in_one_action_are_not_named(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
        uow.session.flush()
        users.set_role(uow, "officer.one", "viewer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, "officer.one", "officer")
        uow.session.flush()
        users.set_role(uow, "officer.one", "reviewer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_display_name(uow, "officer.one", "Officer One")
    report = _verify(workspace)
    assert report.ok, _messages(report)


def test_rows_added_or_deleted_outside_are_named(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    _sql(workspace, "insert into users (username, display_name, role, active, created_at, version) "
                    "values ('mallory', '', 'admin', true, '2026-01-01 00:00:00', 1)")
    _sql(workspace, "delete from users where username = 'officer.one'")
    report = _verify(workspace)
    problems = {p.problem: p.message for p in report.data_problems}
    assert set(problems) == {"unlogged", "deleted"}
    assert "(mallory): has no log entry" in problems["unlogged"]
    assert "deleted outside the application" in problems["deleted"]


def test_a_row_the_log_recorded_as_deleted_that_reappears_is_named(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Testshire Police")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # an ORM bulk delete is recorded too
        uow.session.execute(delete(ForceSetting))
        uow.log("setting", "*", "clear")
    report = _verify(workspace)
    assert report.ok, _messages(report)
    _sql(workspace, "insert into force_settings (key, value, version) values (:k, '{}', 1)",
         k=settings.FORCE_SETTINGS_KEY)
    report = _verify(workspace)
    assert [p.problem for p in report.data_problems] == ["recreated"]


def test_a_write_with_no_log_entry_of_its_own_is_still_vouched_for(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.add(ForceSetting(key="force_name", value="Testshire Police"))
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        last = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())).first()
        assert (last.entity, last.action) == ("data", "write")
        assert last.states["force_settings"]["force_name"]["value"] == "Testshire Police"
    assert _verify(workspace).ok


def test_a_rolled_back_savepoint_records_nothing_false(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            uow.session.add(User(username="ghost", role="admin"))
            uow.session.flush()
            raise RuntimeError("changed my mind")
        with uow.session.begin_nested():
            uow.session.add(User(username="kept", role="viewer"))
    report = _verify(workspace)
    assert report.ok, _messages(report)


def test_long_values_are_recorded_by_digest_and_still_checked(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.add(ForceSetting(key="long", value={"text": "A" * 500}))
        uow.log("setting", "long", "set")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())).first()
        state = entry.states["force_settings"]["long"]
        assert "value" not in state and len(state["value#sha256"]) == 64
    _sql(workspace, "update force_settings set value = :v where key = 'long'", v='{"text": "' + "A" * 499 + 'B"}')
    (issue,) = _verify(workspace).data_problems
    assert issue.message.startswith("setting long: value differs from what the log last recorded")


def test_a_broken_chain_is_not_compared_with_the_data(workspace) -> None:
    _sql(workspace, "update change_log set actor = 'mallory' where seq = 2")
    report = _verify(workspace)
    assert not report.ok and not report.data_checked and "entry 2" in report.problem


def test_an_upgraded_workspace_s_old_rows_are_reported_as_not_vouched_for(workspace) -> None:
    """Entries written before row states existed have none: their rows are counted, not failed."""
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    with workspace.unit_of_work(None) as uow:  # as the old version wrote them: no states, old hash
        s = uow.session
        prev = changelog.GENESIS
        for e in s.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).all():
            e.states, e.prev_hash = None, prev
            e.hash = changelog.entry_hash(e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before,
                                          e.after, e.prev_hash)
            prev = e.hash
            s.flush()
        s.execute(text("update change_log_head set hash = :h"), {"h": prev})
        s.expire_all()
    report = _verify(workspace)
    # every row (the two users, the built-in templates a new workspace stores) predates row states
    assert report.ok and report.data_problem_count == 0
    assert report.unvouched_rows == report.rows_checked and report.rows_checked > 2


@pytest.mark.parametrize("statement", [
    "update users set created_at = 'next tuesday' where username = 'officer.one'",
    "update users set version = x'00ff' where username = 'officer.one'",
])
def test_a_value_no_column_type_accepts_is_named_not_a_crash(sqlite_workspace, statement) -> None:
    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    _sql(sqlite_workspace, statement)
    report = _verify(sqlite_workspace)
    assert not report.ok
    (issue,) = report.data_problems
    assert issue.table == "users" and issue.problem in ("unreadable", "changed")
    assert issue.message.startswith("user 2")


def test_broken_json_in_a_json_column_is_named(sqlite_workspace) -> None:
    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Testshire Police")
    _sql(sqlite_workspace, "update force_settings set value = '{not json'")
    (issue,) = _verify(sqlite_workspace).data_problems
    assert issue.problem == "unreadable" and "cannot read" in issue.message


def test_a_redraw_records_the_cases_it_deletes_in_bulk(workspace, tmp_path) -> None:
    from tests.services.audit_population import incidents_csv
    from workbench.services import audits, population
    from workbench.store.models import SampledCase

    path = incidents_csv(tmp_path / "plain.csv", count=200)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit_id = audits.create_audit(uow, "response-attendance", "Attendance", size=10).id
    for seed in (9, 10):  # the second draw deletes the first sample with one DELETE statement
        with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            population.draw_sample(uow, audit_id, path, seed=seed)
    report = _verify(workspace)
    assert report.ok, _messages(report)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        first_ids = uow.session.scalar(select(SampledCase.id).order_by(SampledCase.id))
    _sql(workspace, "update sampled_cases set stratum = 'moved' where id = :i", i=first_ids)
    (issue,) = _verify(workspace).data_problems
    assert issue.table == "sampled_cases" and "stratum is 'moved'" in issue.message


def test_rows_made_by_a_bulk_insert_are_recorded_from_the_ids_it_returns(workspace) -> None:
    from sqlalchemy import insert

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        made = uow.session.execute(insert(ForceSetting).returning(ForceSetting.key),
                                   [{"key": f"bulk.{i}", "value": str(i)} for i in range(3)]).scalars().all()
        assert sorted(made) == ["bulk.0", "bulk.1", "bulk.2"]  # the caller still gets what it asked for
        uow.log("setting", "bulk", "set", None, {"keys": 3})
    report = _verify(workspace)
    assert report.ok and report.data_problem_count == 0, _messages(report)
    _sql(workspace, "update force_settings set value = '\"moved\"' where key = 'bulk.1'")
    (issue,) = _verify(workspace).data_problems
    assert issue.table == "force_settings" and "moved" in issue.message


def test_a_bulk_insert_that_does_not_return_its_ids_is_refused(workspace) -> None:
    from sqlalchemy import insert

    with pytest.raises(RuntimeError, match="must return its key"), \
            workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.execute(insert(ForceSetting), [{"key": "bulk.x", "value": "1"}])
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.get(ForceSetting, "bulk.x") is None  # nothing was written


def test_nothing_is_chained_onto_a_head_changed_outside_the_application(workspace) -> None:
    """A forged head would otherwise be covered by the next entry, whose link would then be the one
    that breaks (blaming the application's own entry): the write is refused and verify still names
    the head."""
    from workbench.errors import WorkspaceError

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    _sql(workspace, "update change_log_head set hash = :h", h="0" * 64)
    with pytest.raises(WorkspaceError, match="changed outside the application"), \
            workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, "officer.one", "viewer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(User.role).where(User.username == "officer.one")) == "officer"
    report = _verify(workspace)
    assert not report.ok and "head" in report.problem


def test_a_forged_newest_entry_is_not_written_onto_and_an_unreadable_entry_is_named(sqlite_workspace) -> None:
    """The newest entry and the head both given a made-up hash: the next write is refused. An entry
    whose stored JSON no longer parses is named by verify, not a traceback."""
    from workbench.errors import WorkspaceError

    ws = sqlite_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    _sql(ws, "update change_log set actor = 'mallory' where seq = (select max(seq) from change_log)")
    with pytest.raises(WorkspaceError, match="changed outside the application"), \
            ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, "officer.one", "viewer")
    _sql(ws, "update change_log set actor = 'admin.user' where seq = (select max(seq) from change_log)")
    _sql(ws, "update change_log set states = '{' where seq = 2")
    report = _verify(ws)
    assert not report.ok and report.broken_seq == 2 and "cannot be read" in report.problem
