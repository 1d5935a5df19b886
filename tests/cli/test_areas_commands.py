"""`workbench areas show` and `workbench areas map --to 2025-27 [--dry-run] [--undo]`."""

from __future__ import annotations

from pathlib import Path

from tests.cli.passphrases import main_as

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _run(capsys, ws: str, *args: str) -> tuple[int, str]:
    code = main_as([*args, "--workspace", ws, "--user", "ann.admin"])
    return code, capsys.readouterr().out


def test_show_map_dry_run_and_undo(tmp_path, capsys) -> None:
    ws = str(tmp_path / "w.sqlite")
    assert main_as(["init", "--workspace", ws, "--user", "ann.admin"]) == 0
    assert _run(capsys, ws, "import-report", str(SAMPLES / "peel-2023-25-norfolk-afis.txt"))[0] == 0
    code, out = _run(capsys, ws, "areas", "show")
    assert code == 0 and "Recording data about crime" in out and "Quality of service" in out
    assert "could not be confirmed" in out
    code, out = _run(capsys, ws, "finding", "AFI 1", "--area", "Recording data about crime")
    assert code == 0, out
    code, out = _run(capsys, ws, "areas", "map", "--to", "2025-27", "--dry-run")
    assert code == 0 and "would change 1 finding," in out and "nothing written" in out and "AFI 1" in out
    code, out = _run(capsys, ws, "areas", "map", "--to", "2025-27")
    assert code == 0 and "changed 1 finding," in out and "logged as run" in out
    code, out = _run(capsys, ws, "areas", "map", "--undo", "--dry-run")
    assert code == 0 and "would put back 1 finding" in out
    code, out = _run(capsys, ws, "areas", "map", "--undo")
    assert code == 0 and "put back 1 finding" in out
    assert _run(capsys, ws, "areas", "map", "--undo")[0] == 2  # nothing left to undo
