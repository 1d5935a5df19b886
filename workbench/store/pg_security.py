"""What each PostgreSQL login may write, enforced by the server (GRANTs and row-level security).

On a shared database every person connects as their own login, which is their workbench user
name (`session_user`). The role they have in the workbench (the `users` table) decides, inside
the server, what they may write, so a login used directly (psql) can do no more than the
application lets that person do:

- a login that is not an active workbench user reads and writes nothing;
- viewers read only; officers, reviewers and admins write ordinary records;
- only reviewers insert sign-offs (as themselves), set a pack version or a self-assessment to
  "approved", and only as themselves; an approved pack version is not changed by anyone else;
- only admins add, remove or change users (a user may change their own passphrase);
- the change log is append-only: INSERT (under one's own name) and SELECT, no UPDATE or DELETE.

The schema's owner (the login that ran the migrations) and superusers are not held to these
rules by PostgreSQL; give people their own logins, never the owner's. Tables added by later
migrations are closed to people until `secure_table` (or a policy of their own) opens them.
"""

from __future__ import annotations

from collections.abc import Callable

EDITORS = "workbench_role() IN ('admin', 'reviewer', 'officer')"
MEMBER = "workbench_role() IS NOT NULL"

#: tables with no special rule: members read, editors write
ORDINARY_TABLES = (
    "audit_templates", "evidence_blobs", "force_settings", "inspections", "pseudonym_keys", "evidence",
    "findings", "template_criteria", "actions", "finding_links", "key_figures", "audits", "measures",
    "audit_findings", "measure_points", "sampled_cases", "evidence_links", "responses",
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION workbench_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT role FROM users WHERE username = session_user AND active $$;

CREATE OR REPLACE FUNCTION workbench_unrestricted() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT COALESCE((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user), false)
              OR session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'public'
                                 AND tablename = 'users') $$;

CREATE OR REPLACE FUNCTION workbench_users_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT workbench_unrestricted() AND workbench_role() IS DISTINCT FROM 'admin'
       AND (NEW.role IS DISTINCT FROM OLD.role OR NEW.active IS DISTINCT FROM OLD.active
            OR NEW.username IS DISTINCT FROM OLD.username) THEN
        RAISE EXCEPTION 'only a workbench admin may change a user''s role, name or active state'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
"""


def secure_table(execute: Callable[[str], object], table: str, select: str = MEMBER,
                 insert: str | None = EDITORS, update: str | None = EDITORS, delete: str | None = EDITORS,
                 update_check: str | None = None) -> None:
    """Grant exactly the given statements to every login and guard each with a row-level policy."""
    grants = ["SELECT"] + [verb for verb, rule in (("INSERT", insert), ("UPDATE", update), ("DELETE", delete))
                           if rule is not None]
    execute(f"REVOKE ALL ON {table} FROM PUBLIC")
    execute(f"GRANT {', '.join(grants)} ON {table} TO PUBLIC")
    # a table added by a later migration brings its id sequence: logins need it to insert rows
    execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO PUBLIC")
    execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    execute(f"CREATE POLICY wb_select ON {table} FOR SELECT USING ({select})")
    if insert is not None:
        execute(f"CREATE POLICY wb_insert ON {table} FOR INSERT WITH CHECK ({insert})")
    if update is not None:
        execute(f"CREATE POLICY wb_update ON {table} FOR UPDATE USING ({update}) "
                f"WITH CHECK ({update_check or update})")
    if delete is not None:
        execute(f"CREATE POLICY wb_delete ON {table} FOR DELETE USING ({delete})")


def apply(execute: Callable[[str], object]) -> None:
    """Set up the grants, policies and guards (migration 0003, PostgreSQL only)."""
    execute(FUNCTIONS)
    execute("GRANT EXECUTE ON FUNCTION workbench_role(), workbench_unrestricted() TO PUBLIC")
    execute("REVOKE ALL ON alembic_version FROM PUBLIC")
    execute("GRANT SELECT ON alembic_version TO PUBLIC")
    execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO PUBLIC")
    for table in ORDINARY_TABLES:
        secure_table(execute, table)
    me = "(SELECT id FROM users WHERE username = session_user)"
    secure_table(execute, "users", insert="workbench_role() = 'admin'",
                 update="workbench_role() = 'admin' OR username = session_user",
                 delete="workbench_role() = 'admin'")
    execute("CREATE TRIGGER workbench_users_guard BEFORE UPDATE ON users "
            "FOR EACH ROW EXECUTE FUNCTION workbench_users_guard()")
    # a signing identity is one's own: only a reviewer adds theirs, nobody edits or removes one
    secure_table(execute, "reviewer_certificates", insert=f"workbench_role() = 'reviewer' AND user_id = {me}",
                 update=None, delete=None)
    # the force's CA certificates are trust decisions: an admin's
    admin = "workbench_role() = 'admin'"
    secure_table(execute, "force_ca_certificates", insert=admin, update=admin, delete=admin)
    secure_table(execute, "sign_offs", insert="workbench_role() = 'reviewer' AND reviewer = session_user",
                 update=None, delete=None)
    approved_by_reviewer = "(workbench_role() = 'reviewer' AND approved_by = session_user)"
    secure_table(execute, "pack_versions", insert=f"{EDITORS} AND state <> 'approved'",
                 update=f"{EDITORS} AND (state <> 'approved' OR workbench_role() = 'reviewer')",
                 update_check=f"{EDITORS} AND (state <> 'approved' OR {approved_by_reviewer})", delete=None)
    secure_table(execute, "self_assessments", insert=f"{EDITORS} AND state <> 'approved'",
                 update=EDITORS,  # reopening an approved one is an editor's step; approving is not
                 update_check=f"{EDITORS} AND (state <> 'approved' OR workbench_role() = 'reviewer')", delete=None)
    # append-only, each entry under its writer's own name; the head row moves forward with it
    secure_table(execute, "change_log", insert=f"{MEMBER} AND actor = session_user", update=None, delete=None)
    secure_table(execute, "change_log_head", insert=None, update=MEMBER, delete=None)


def allow_row_states(execute: Callable[[str], object]) -> None:
    """Let an action record its row states in its own newest entry before it commits (migration
    0004): only the `states` and `hash` columns, only an entry of one's own, and only one the
    current transaction inserted (its `xmin`), so a committed entry can never be changed."""
    execute("GRANT UPDATE (states, hash) ON change_log TO PUBLIC")
    execute("CREATE POLICY wb_update ON change_log FOR UPDATE "
            "USING (actor = session_user AND xmin = pg_current_xact_id()::xid) "
            "WITH CHECK (actor = session_user)")
