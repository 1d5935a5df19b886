"""On PostgreSQL the server enforces who may write what: each person connects as their own login."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import R2018
from workbench.errors import PermissionDeniedError
from workbench.services import assessments, findings, users
from workbench.services.workspace import init_workspace
from workbench.store.location import resolve_location
from workbench.store.models import SelfAssessment
from workbench.store.workspace import Workspace

pytestmark = pytest.mark.pg

OFFICER, REVIEWER, VIEWER = "olly.officer", "rita.reviewer", "vic.viewer"
RITA_PASS = "rita's long passphrase"


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def team(pg_url: str, pg_login):
    """A workspace created by the schema's owner (here a superuser), with an officer, a reviewer and a viewer."""
    ws = init_workspace(resolve_location(db=pg_url), ADMIN, "Admin", ADMIN_PASS)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, OFFICER, "officer")
        users.add_user(uow, REVIEWER, "reviewer", "Rita Reviewer", RITA_PASS)
        users.add_user(uow, VIEWER, "viewer")
    ws.close()
    urls = {name: pg_login(name) for name in (OFFICER, REVIEWER, VIEWER, "not.a.user")}
    officer_ws = Workspace.open(resolve_location(db=urls[OFFICER]))
    with officer_ws.unit_of_work(OFFICER) as uow:  # the application works under the officer's own login
        f = findings.import_report(uow, R2018).added[0]
        assessments.save_assessment(uow, f.stored_id, "Attendance reviewed daily.", "in progress")
        assessments.submit_assessment(uow, f.stored_id)
    officer_ws.close()
    return urls, f.id


def _refused(url: str, sql: str, params: tuple = ()) -> str:
    with psycopg.connect(_dsn(url)) as conn, pytest.raises(psycopg.Error) as info:
        conn.execute(sql, params)
    return str(info.value)


def test_an_officers_login_cannot_approve_sign_off_promote_or_rewrite_history(team) -> None:
    urls, finding_id = team
    officer = urls[OFFICER]
    assert "row-level security" in _refused(officer, "UPDATE self_assessments SET state = 'approved'")
    assert "row-level security" in _refused(
        officer, "INSERT INTO sign_offs (self_assessment_id, reviewer, decision, comment, at) "
        "SELECT id, %s, 'approved', '', now() FROM self_assessments", (REVIEWER,))
    assert "row-level security" in _refused(
        officer, "INSERT INTO sign_offs (self_assessment_id, reviewer, decision, comment, at) "
        "SELECT id, %s, 'approved', '', now() FROM self_assessments", (OFFICER,))
    assert "only a workbench admin" in _refused(officer, "UPDATE users SET role = 'reviewer' WHERE username = %s",
                                                (OFFICER,))
    assert "row-level security" in _refused(
        officer, "INSERT INTO users (username, display_name, role, active, created_at, version) "
        "VALUES ('alias', 'alias', 'reviewer', true, now(), 1)")
    assert "permission denied" in _refused(officer, "DELETE FROM change_log")
    assert "permission denied" in _refused(officer, "UPDATE change_log SET actor = 'someone'")
    # an action may record row states in the entry it is writing, never in a committed one, not even its own
    with psycopg.connect(_dsn(officer)) as conn:
        row = conn.execute("SELECT count(*) FROM change_log WHERE actor = %s", (OFFICER,)).fetchone()
        assert row is not None
        own = row[0]
        assert own > 0
        changed = conn.execute("UPDATE change_log SET hash = 'forged', states = NULL").rowcount
        assert changed == 0
    assert "row-level security" in _refused(
        officer, "INSERT INTO change_log (seq, at, actor, entity, entity_id, action, prev_hash, hash) "
        "VALUES (9999, now(), %s, 'x', '1', 'approve', 'p', 'h')", (REVIEWER,))


def test_an_officers_login_cannot_approve_a_pack(team, pg_url: str) -> None:
    urls, _ = team
    with psycopg.connect(_dsn(pg_url)) as conn:  # a submitted pack version, as the builder left it
        conn.execute("INSERT INTO pack_versions (number, version, state, scope, snapshot, snapshot_sha256, "
                     "content_sha256, built_by, built_at) VALUES (1, 1, 'submitted', '[]', '{}', '', '', %s, now())",
                     (OFFICER,))
    assert "row-level security" in _refused(
        urls[OFFICER], "UPDATE pack_versions SET state = 'approved', approved_by = %s", (OFFICER,))
    assert "row-level security" in _refused(
        urls[REVIEWER], "UPDATE pack_versions SET state = 'approved', approved_by = %s", (OFFICER,))
    with psycopg.connect(_dsn(pg_url)) as conn:
        assert conn.execute("SELECT state FROM pack_versions").fetchone() == ("submitted",)


def test_viewers_and_strangers_write_nothing(team) -> None:
    urls, _ = team
    assert "row-level security" in _refused(urls[VIEWER], "INSERT INTO inspections (title) VALUES ('x')")
    assert _zero_rows(urls[VIEWER], "UPDATE findings SET title = 'changed'")  # no row is writable for a viewer
    assert _zero_rows(urls[VIEWER], "DELETE FROM findings")
    with psycopg.connect(_dsn(urls[VIEWER])) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM findings")}
    assert titles and "changed" not in titles  # viewers read
    with psycopg.connect(_dsn(urls["not.a.user"])) as conn:
        assert conn.execute("SELECT count(*) FROM findings").fetchone() == (0,)  # sees nothing


def _zero_rows(url: str, sql: str) -> bool:
    with psycopg.connect(_dsn(url)) as conn:
        return conn.execute(sql).rowcount == 0


def test_the_reviewer_approves_through_the_application_under_their_own_login(team) -> None:
    urls, finding_id = team
    ws = Workspace.open(resolve_location(db=urls[REVIEWER]))
    try:
        with ws.unit_of_work(REVIEWER) as uow:
            assert uow.actor is not None and uow.actor.verified  # the server proved the login
            assert assessments.approve_assessment(uow, finding_id, RITA_PASS).state == "approved"
        with pytest.raises(PermissionDeniedError, match="your own login"), ws.unit_of_work(OFFICER):
            pass
        with ws.unit_of_work(REVIEWER, write=False) as uow:
            assert uow.session.scalar(select(SelfAssessment.state)) == "approved"
    finally:
        ws.close()
