"""A passphrase given with a space at its end (pasted, or in $WORKBENCH_PASSPHRASE) is refused with
the same note the app gives (`signing_identity.spaces_note`), whether it came from the environment
or the prompt."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from tests.cli.passphrases import RITA_PASS, main_as
from workbench.cli import main
from workbench.store.location import WorkspaceLocation

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def ws(location: WorkspaceLocation, capsys) -> list[str]:
    w = (["--workspace", str(location.path)] if location.path is not None
         else ["--db", location.url.render_as_string(hide_password=False)])
    assert main_as(["init", *w, "--user", "ann.admin"]) == 0
    assert main_as(["users", "add", "rita.reviewer", "--role", "reviewer", "--passphrase-stdin", *w,
                    "--user", "ann.admin"], stdin=RITA_PASS + "\n") == 0
    capsys.readouterr()
    return w


def test_a_trailing_space_in_workbench_passphrase_is_said(ws, capsys) -> None:
    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": RITA_PASS + " "}):
        assert main(["pack", "list", *ws, "--user", "rita.reviewer"]) == 2
    err = capsys.readouterr().err
    assert "wrong passphrase for rita.reviewer" in err
    assert "Note: $WORKBENCH_PASSPHRASE has a space at its end; passphrases have none there." in err
    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": "not hers at all"}):
        assert main(["pack", "list", *ws, "--user", "rita.reviewer"]) == 2
    assert "space at its" not in capsys.readouterr().err  # only when there is one


def test_a_leading_space_typed_at_the_prompt_is_said(ws, capsys, monkeypatch) -> None:
    from workbench.cli import context

    monkeypatch.delenv("WORKBENCH_PASSPHRASE", raising=False)
    monkeypatch.setattr(context, "interactive", lambda: True)
    monkeypatch.setattr(context.getpass, "getpass", lambda _prompt="": " " + RITA_PASS)
    assert main(["pack", "approve", "1", *ws, "--user", "rita.reviewer"]) == 2
    err = capsys.readouterr().err
    assert "wrong passphrase for rita.reviewer" in err
    assert "Note: what you typed has a space at its start; passphrases have none there." in err
