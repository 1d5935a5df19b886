"""A command loads only what it uses: `--version` and read commands never load the PDF, signing or
spreadsheet libraries (docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: run the command in a fresh interpreter, then list the heavy top-level packages it loaded
PROBE = """
import json, sys
from workbench.cli import main
code = 0
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
roots = {name.split('.')[0] for name in sys.modules}
heavy = sorted(roots & {'reportlab', 'pyhanko', 'openpyxl', 'pyarrow', 'PySide6', 'pypdf', 'sqlalchemy'})
sys.stderr.write('\\nPROBE ' + json.dumps({'code': code, 'heavy': heavy}) + '\\n')
"""


def _loaded(*args: str) -> tuple[int, set[str]]:
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    line = next(ln for ln in reversed(run.stderr.splitlines()) if ln.startswith("PROBE "))
    result = json.loads(line.removeprefix("PROBE "))
    return int(result["code"] or 0), set(result["heavy"])


def test_version_loads_no_library_of_the_work() -> None:
    code, heavy = _loaded("--version")
    assert code == 0
    assert heavy == set(), f"workbench --version imported {sorted(heavy)}"


@pytest.fixture(scope="module")
def small_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "ws.sqlite"
    run = subprocess.run([sys.executable, "-m", "workbench", "--workspace", str(path), "init", "--name", "T"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return path


@pytest.mark.parametrize("command", [["findings", "--json"], ["pack", "list"], ["audit", "list"],
                                     ["log", "show", "--limit", "3"]])
def test_read_commands_do_not_load_pdf_signing_or_spreadsheet_libraries(small_workspace: Path,
                                                                        command: list[str]) -> None:
    code, heavy = _loaded("--workspace", str(small_workspace), *command)
    assert code == 0
    assert "sqlalchemy" in heavy  # it did open the workspace
    assert heavy.isdisjoint({"reportlab", "pyhanko", "openpyxl", "pyarrow", "PySide6", "pypdf"}), sorted(heavy)


def test_lazy_choices_still_refuse_a_wrong_value(small_workspace: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "workbench", "--workspace", str(small_workspace), "audit", "new",
                          "--template", "x", "--title", "t", "--method", "guesswork"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "invalid choice: 'guesswork'" in run.stderr and "stratified" in run.stderr
