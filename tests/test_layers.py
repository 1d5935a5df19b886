"""House rules that keep the layers apart, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _sources() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "resources" not in p.parts]


def test_nothing_outside_gui_imports_qt() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)} imports {m}"
        for p in _sources() if "gui" not in p.relative_to(PACKAGE).parts
        for m in _imports(p)
        if m.split(".")[0] in QT_MODULES
        # only the command line may start the GUI (lazily, when asked for)
        or (m.startswith("workbench.gui") and p.relative_to(PACKAGE).parts[0] != "cli")
    ]
    assert offenders == []


def test_gui_imports_qt_only_through_the_shim() -> None:
    offenders = [
        f"{p.relative_to(PACKAGE)} imports {m}"
        for p in _sources() if "gui" in p.relative_to(PACKAGE).parts and p.name != "qt.py"
        for m in _imports(p) if m.split(".")[0] in QT_MODULES
    ]
    assert offenders == []


def test_lower_layers_do_not_import_upper_ones() -> None:
    upper = {"store": ("workbench.services", "workbench.cli", "workbench.reports"),
             "stats": ("workbench.store", "workbench.services", "workbench.cli"),
             "reports": ("workbench.store", "workbench.services", "workbench.cli"),
             "importers": ("workbench.store", "workbench.services", "workbench.cli"),
             "templates": ("workbench.store", "workbench.services", "workbench.cli", "workbench.reports"),
             "demo": ("workbench.store", "workbench.services", "workbench.cli"),
             "services": ("workbench.cli",)}
    offenders = []
    for p in _sources():
        parts = p.relative_to(PACKAGE).parts
        if parts[0] in upper:
            offenders += [f"{'/'.join(parts)} imports {m}" for m in _imports(p) if m.startswith(upper[parts[0]])]
    assert offenders == []


def test_the_layer_scan_sees_the_code() -> None:
    # guards the tests above against passing because they read nothing
    names = {p.relative_to(PACKAGE).as_posix() for p in _sources()}
    assert {"gui/qt.py", "store/workspace.py", "services/users.py", "cli/__init__.py"} <= names
    assert "PySide6.QtWidgets" in _imports(PACKAGE / "gui" / "qt.py")
