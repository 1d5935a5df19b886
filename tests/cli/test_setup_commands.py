"""The command line for setting up a workspace, run as a user would."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.passphrases import PASSPHRASES, RITA_PASS, main_as
from workbench.cli import main
from workbench.templates.loading import builtin_templates

#: a new workspace stores the built-in audit templates as it is created, one log entry each
TEMPLATES = len(builtin_templates())


def run(*args: str, stdin: str | None = None) -> int:
    """`workbench ARGS` as the `--user` named, with their passphrase (as a script gives it)."""
    return main_as(list(args), stdin)


def test_init_then_log_verify_then_tamper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(tmp_path / "w.sqlite")
    assert run("init", "--workspace", ws, "--user", "ann.admin") == 0
    assert run("users", "add", "bob.officer", "--role", "officer", "--workspace", ws, "--user", "ann.admin") == 0
    assert run("log", "verify", "--workspace", ws, "--user", "ann.admin") == 0
    assert f"{3 + TEMPLATES} entries" in capsys.readouterr().out
    con = sqlite3.connect(ws)
    con.execute("update change_log set entity_id = 'eve' where seq = 3")
    con.commit()
    con.close()
    assert run("log", "verify", "--workspace", ws, "--user", "ann.admin") == 1
    err = capsys.readouterr().err
    assert "entry 3" in err and "altered" in err


def test_console_script_entry_point_runs(tmp_path: Path) -> None:
    ws = tmp_path / "w.sqlite"
    proc = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("workbench ")
    proc = subprocess.run([sys.executable, "-m", "workbench", "init", "--workspace", str(ws)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert ws.exists()


def test_users_list_json_and_passphrase_from_stdin(tmp_path: Path, capsys, monkeypatch) -> None:
    import json

    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    assert run("users", "add", "rita.reviewer", "--role", "reviewer", "--passphrase-stdin",
               "--workspace", ws, "--user", "ann.admin", stdin=RITA_PASS + "\n") == 0
    capsys.readouterr()
    assert run("users", "list", "--json", "--workspace", ws, "--user", "rita.reviewer") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["username"], r["role"], r["has_passphrase"]) for r in rows} == {
        ("ann.admin", "admin", True), ("rita.reviewer", "reviewer", True)}


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv, message", [
    (["log", "verify", "--workspace", "{tmp}/missing.sqlite"], "no workspace at"),
    (["init", "--workspace", "{tmp}/no/such/folder/w.sqlite"], "does not exist"),
    (["log", "verify", "--db", "mysql://x/y"], "not supported"),
    (["log", "verify", "--db", "postgresql+psycopg://u@127.0.0.1:1/x"], "cannot open database"),
    (["users", "list", "--workspace", "{ws}", "--user", "nobody"], "not registered"),
    (["users", "add", "x", "--role", "officer", "--workspace", "{ws}", "--user", "bob.officer"], "may not"),
    (["backup", "{ws}", "--workspace", "{ws}", "--user", "ann.admin"], "already exists"),
])
def test_bad_input_exits_2_with_one_clear_message(tmp_path, capsys, argv, message) -> None:
    ws = tmp_path / "w.sqlite"
    run("init", "--workspace", str(ws), "--user", "ann.admin")
    run("users", "add", "bob.officer", "--role", "officer", "--passphrase-stdin", "--workspace", str(ws),
        "--user", "ann.admin", stdin=PASSPHRASES["bob.officer"] + "\n")
    capsys.readouterr()
    before = _digest(ws)
    args = [a.format(tmp=tmp_path, ws=ws) for a in argv]
    assert run(*args) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.err.startswith("workbench: error: ")
    assert not (tmp_path / "missing.sqlite").exists()
    assert _digest(ws) == before


def test_backup_is_a_consistent_workspace(tmp_path: Path, capsys) -> None:
    ws, out = tmp_path / "w.sqlite", tmp_path / "copy.sqlite"
    run("init", "--workspace", str(ws), "--user", "ann.admin")
    assert run("backup", str(out), "--workspace", str(ws), "--user", "ann.admin") == 0
    assert run("log", "verify", "--workspace", str(out), "--user", "ann.admin") == 0
    assert f"{2 + TEMPLATES} entries" in capsys.readouterr().out  # the backup is logged in the live workspace
    assert run("log", "verify", "--workspace", str(ws), "--user", "ann.admin") == 0
    assert f"{3 + TEMPLATES} entries" in capsys.readouterr().out


def test_init_on_postgresql_and_verify(pg_url: str, capsys) -> None:
    assert run("init", "--db", pg_url, "--user", "ann.admin") == 0
    assert run("log", "verify", "--db", pg_url, "--user", "ann.admin") == 0
    assert f"{2 + TEMPLATES} entries" in capsys.readouterr().out


def test_import_report_with_the_users_own_area_rules(tmp_path: Path, capsys) -> None:
    import json

    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    rules = tmp_path / "areas.toml"
    rules.write_text('version = 1\n[[area]]\nname = "Force control room"\n'
                     'keywords = { "attend calls" = 90, "non-emergency" = 90 }\n')
    sample = Path(__file__).resolve().parents[2] / "samples" / "peel-2023-25-norfolk-afis.txt"
    capsys.readouterr()
    assert run("import-report", str(sample), "--area-rules", str(rules), "--dry-run", "--json",
               "--workspace", ws, "--user", "ann.admin") == 0
    areas = {f["ref"]: f["area"] for f in json.loads(capsys.readouterr().out)["added"]}
    assert areas["AFI 5"] == areas["AFI 6"] == "Force control room"
    assert areas["AFI 7"] == "Investigating crime"  # the shipped rules still place the rest


def test_settings_set_finding_statuses_from_the_command_line(tmp_path: Path, capsys) -> None:
    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    assert run("settings", "set", "finding_statuses", '["open", "closed"]', "--workspace", ws,
               "--user", "ann.admin") == 2
    assert "is fixed" in capsys.readouterr().err
    assert run("settings", "show", "--workspace", ws, "--user", "ann.admin") == 0
    assert '"awaiting allocation"' in capsys.readouterr().out


def test_nobody_is_whoever_they_say(tmp_path: Path, capsys) -> None:
    """An officer cannot act as the admin or a reviewer without their passphrase (issue: alias reviewer)."""
    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    run("users", "add", "bob.officer", "--role", "officer", "--passphrase-stdin", "--workspace", ws,
        "--user", "ann.admin", stdin=PASSPHRASES["bob.officer"] + "\n")
    capsys.readouterr()
    before = _digest(Path(ws))
    # no passphrase, no terminal: refused with a clear message, nothing written
    assert main(["users", "add", "alias", "--role", "reviewer", "--workspace", ws, "--user", "ann.admin"]) == 2
    assert "needs ann.admin's passphrase" in capsys.readouterr().err
    # bob's own passphrase does not make him the admin
    assert main_as(["users", "list", "--workspace", ws, "--user", "bob.officer"]) == 0
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": PASSPHRASES["bob.officer"]}):
        assert main(["users", "add", "alias", "--role", "reviewer", "--workspace", ws, "--user", "ann.admin"]) == 2
    assert "wrong passphrase for ann.admin" in capsys.readouterr().err
    with sqlite3.connect(ws) as con:
        assert con.execute("select count(*) from users where username = 'alias'").fetchone() == (0,)
    assert before != _digest(Path(ws))  # only the refusals were written: they are in the log
    assert run("log", "show", "--json", "--workspace", ws, "--user", "ann.admin") == 0
    assert '"sign-in-refused"' in capsys.readouterr().out


def test_backup_is_an_admin_action_and_private(tmp_path: Path, capsys) -> None:
    import stat

    ws, out = tmp_path / "w.sqlite", tmp_path / "copy.sqlite"
    run("init", "--workspace", str(ws), "--user", "ann.admin")
    run("users", "add", "bob.officer", "--role", "officer", "--passphrase-stdin", "--workspace", str(ws),
        "--user", "ann.admin", stdin=PASSPHRASES["bob.officer"] + "\n")
    capsys.readouterr()
    assert run("backup", str(out), "--workspace", str(ws), "--user", "bob.officer") == 2
    assert "workspace.backup" in capsys.readouterr().err and not out.exists()
    assert run("backup", str(out), "--workspace", str(ws), "--user", "ann.admin") == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and stat.S_IMODE(ws.stat().st_mode) == 0o600


def test_changing_ones_passphrase_moves_the_signing_key_with_it(tmp_path: Path, capsys) -> None:
    """`users passphrase` as oneself re-encrypts the signing key: the new passphrase unlocks it."""
    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    run("users", "add", "rita.reviewer", "--role", "reviewer", "--passphrase-stdin", "--workspace", ws,
        "--user", "ann.admin", stdin=RITA_PASS + "\n")
    assert run("settings", "set", "force_name", "Norfolk Constabulary", "--workspace", ws, "--user", "ann.admin") == 0
    assert run("certificate", "create", "--workspace", ws, "--user", "rita.reviewer") == 0
    new = "a quite different passphrase for rita"
    assert run("users", "passphrase", "--passphrase-stdin", "--workspace", ws, "--user", "rita.reviewer",
               stdin=new + "\n") == 0
    from workbench.errors import WorkbenchError
    from workbench.services import signing_identity
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    with Workspace.open(sqlite_location(Path(ws))) as w, \
            w.unit_of_work("rita.reviewer", passphrase=new) as uow:
        key = signing_identity.reviewer_signer(uow, "rita.reviewer", new)
        assert key.certificate is not None
    with Workspace.open(sqlite_location(Path(ws))) as w:
        with pytest.raises(WorkbenchError), w.unit_of_work("rita.reviewer", passphrase=RITA_PASS) as uow:
            signing_identity.reviewer_signer(uow, "rita.reviewer", RITA_PASS)



def test_users_deactivate_and_reactivate_from_the_command_line(tmp_path: Path, capsys) -> None:
    ws = str(tmp_path / "w.sqlite")
    run("init", "--workspace", ws, "--user", "ann.admin")
    run("users", "add", "bob.officer", "--role", "officer", "--passphrase-stdin", "--workspace", ws,
        "--user", "ann.admin", stdin=PASSPHRASES["bob.officer"] + "\n")
    assert run("users", "deactivate", "bob.officer", "--workspace", ws, "--user", "ann.admin") == 0
    assert run("findings", "--workspace", ws, "--user", "bob.officer") != 0
    assert "users reactivate bob.officer" in capsys.readouterr().err
    assert run("users", "deactivate", "ann.admin", "--workspace", ws, "--user", "ann.admin") != 0  # not oneself
    assert run("users", "reactivate", "bob.officer", "--workspace", ws, "--user", "ann.admin") == 0
    assert run("findings", "--workspace", ws, "--user", "bob.officer") == 0
