"""Screenshots of the application on the demo workspace, for the README and docs/.

    python -m workbench.gui.screenshots [--out docs/screenshots] [--workspace FILE] [--demo-dir DIR]

Builds the demo workspace (unless `--workspace` names one built by `workbench demo`), opens the
main window as the officer Sam Okafor, and saves each main view and the main dialogs as PNG. It
runs offscreen by default (`QT_QPA_PLATFORM=offscreen`), or on whatever display Qt is given,
e.g. under `xvfb-run` with `QT_QPA_PLATFORM=xcb` (`bash scripts/screenshots --xvfb`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SIZE = (1280, 820)
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workbench.gui.qt import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inspection Readiness Workbench")
    return app


def settle(window: object | None = None, seconds: float = 60.0) -> None:
    """Let queued events, timers and the window's background jobs finish."""
    from workbench.gui.qt import QApplication
    from workbench.gui.workers import WorkerTask

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if window is not None and hasattr(window, "busy"):
            busy = window.busy()  # jobs and page reads (gui/workers.Loader)
        else:
            busy = window is not None and (window.pool.activeThreadCount() > 0 or any(  # type: ignore[attr-defined]
                t.running for t in window.findChildren(WorkerTask)))  # type: ignore[attr-defined]
        if not busy:
            break
        time.sleep(0.05)
    for _ in range(5):
        QApplication.processEvents()


def save(widget: object, path: Path) -> Path:
    settle()
    image = widget.grab().toImage()  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG", 0):  # 0: the most compressed PNG
        raise OSError(f"cannot write {path}")
    return path


@contextmanager
def dialogs_captured(handlers: dict[str, Callable[[object], None]]) -> Iterator[list[object]]:
    """While active, a dialog's exec() shows it, runs the handler for its class name (which saves
    it), and closes it as cancelled, so no dialog waits for a person."""
    from workbench.gui.qt import QDialog, QMessageBox

    seen: list[object] = []
    original_exec, original_box = QDialog.exec, QMessageBox.exec

    def fake_exec(dialog: object) -> int:
        seen.append(dialog)
        dialog.show()  # type: ignore[attr-defined]
        settle()
        handler = handlers.get(type(dialog).__name__)
        if handler is not None:
            handler(dialog)
        dialog.reject()  # type: ignore[attr-defined]
        return int(QDialog.DialogCode.Rejected.value)

    QDialog.exec = fake_exec  # type: ignore[method-assign]
    QMessageBox.exec = lambda box: int(QMessageBox.StandardButton.Ok.value)  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        QDialog.exec = original_exec  # type: ignore[method-assign]
        QMessageBox.exec = original_box  # type: ignore[method-assign]


def capture(out: Path, workspace_file: Path | None = None, demo_dir: Path | None = None,
            log: Callable[[str], None] = print) -> list[Path]:
    """Save every view and dialog to `out`; returns the files written."""
    _app()
    from workbench.gui.main_window import MainWindow
    from workbench.gui.qt import QSettings
    from workbench.services.demo_workspace import OFFICER, OFFICER_PASSPHRASE, build_demo
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    if workspace_file is None:
        folder = demo_dir or Path(tempfile.mkdtemp(prefix="workbench-screenshots-"))
        log(f"building the demo workspace in {folder} …")
        workspace_file = build_demo(folder).workspace
    ws = Workspace.open(sqlite_location(Path(workspace_file)))
    settings = QSettings(str(Path(tempfile.mkdtemp(prefix="workbench-window-")) / "window.ini"),
                         QSettings.Format.IniFormat)
    window = MainWindow(ws, ws.sign_in(OFFICER, OFFICER_PASSPHRASE), settings)
    from workbench.gui.screen_fit import remove_screen_fit

    remove_screen_fit()  # the offscreen screen is 800 × 800: dialogs are pictured at their own size
    window.resize(*SIZE)
    window.show()
    settle(window)
    written: list[Path] = []

    def shot(widget: object, name: str) -> None:
        settle(window)
        written.append(save(widget, out / f"{name}.png"))
        log(f"  {name}.png")

    try:
        _views(window, shot)
        _dialogs(window, shot)
    finally:
        window.close()
        settle(window)
        ws.close()
    return written


def _shown(window: Any, page: str) -> None:
    """Show a page and wait for its read (pages load in workers when shown)."""
    window.show_page(page)
    settle(window)


def _selected(done: bool, what: str) -> None:
    if not done:
        raise RuntimeError(f"cannot select {what} in the workspace shown; is it the demo workspace?")


def _views(window: object, shot: Callable[[object, str], None]) -> None:
    w: Any = window  # a MainWindow
    w.resize(SIZE[0], SIZE[1] + 300)  # tall enough to show the recent changes, in words
    _shown(w, "Overview")
    shot(w, "overview")
    w.resize(*SIZE)
    _shown(w, "Findings")
    _selected(w.findings.select_ref("PEEL 2023-25", "AFI 5"), "finding AFI 5 of PEEL 2023-25")
    w.findings.detail_tabs.setCurrentIndex(0)
    shot(w, "findings")
    w.findings.detail_tabs.setCurrentIndex(1)
    shot(w, "findings-progress")
    _shown(w, "Audits")
    _selected(w.audits.select_round("Response attendance", 2), "round 2 of the response attendance audit")
    w.audits.tabs.setCurrentIndex(0)
    shot(w, "audits-score")
    w.audits.tabs.setCurrentIndex(1)
    shot(w, "audits-cases")
    _shown(w, "Measures")
    page = w.measures
    for row in range(page.model.rowCount()):
        m = page.model.measure(row)
        if m.points and m.baseline == 21.9:
            page.select_measure(m.id)
            break
    shot(w, "measures")
    _shown(w, "Packs")
    _selected(w.packs.select_version(1), "pack version 1")
    settle(w)
    shot(w, "packs")
    _shown(w, "Register")
    shot(w, "register")


def _dialogs(window: object, shot: Callable[[object, str], None]) -> None:
    w: Any = window  # a MainWindow

    handlers = {
        "CaseEditorDialog": lambda d: shot(d, "dialog-case-editor"),
        "MeasureDialog": lambda d: shot(d, "dialog-measure"),
        "MeasureValueDialog": lambda d: shot(d, "dialog-measure-value"),
        "PdfPreviewDialog": lambda d: shot(d, "dialog-pack-preview"),
    }
    with dialogs_captured(handlers):
        _shown(w, "Audits")
        _selected(w.audits.select_round("Response attendance", 2), "round 2 of the response attendance audit")
        w.audits.tabs.setCurrentIndex(1)
        settle(w)
        cases = w.audits.cases
        row = next((r for r in cases.model.rows() if r.result == "not compliant"), None)
        if row is not None:
            cases.select_case(row.case.id)
            cases.record.click()
        _shown(w, "Measures")
        w.measures.edit.click()
        if w.measures.points.rowCount():
            w.measures.points_table.selectRow(w.measures.points.rowCount() - 1)
            w.measures.edit_value.click()
        _shown(w, "Packs")
        _selected(w.packs.select_version(1), "pack version 1")
        settle(w)
        w.packs.preview.click()
        settle(w)  # the PDF is read in a worker; its dialog opens when it is in
    wizard = w.audits.plan_audit()
    settle(w)
    shot(wizard, "dialog-audit-wizard")
    wizard.reject()
    _import_dialog(w, shot)


def _import_dialog(window: Any, shot: Callable[[object, str], None]) -> None:
    """The import dialog previewing the 2023-25 report into a new, empty workspace (the demo has it)."""
    from workbench.gui.changes import ChangeBus
    from workbench.gui.context import GuiContext
    from workbench.gui.import_dialog import ImportReportDialog
    from workbench.gui.qt import QThreadPool
    from workbench.services.workspace import init_workspace
    from workbench.store.location import sqlite_location

    folder = Path(tempfile.mkdtemp(prefix="workbench-empty-"))
    ws = init_workspace(sqlite_location(folder / "workspace.sqlite"), "sam.okafor", "Sam Okafor")
    pool = QThreadPool()
    try:
        ctx = GuiContext.open(ws, "sam.okafor", ChangeBus(), pool)
        dialog = ImportReportDialog(ctx, window, path=SAMPLES / "peel-2023-25-norfolk-afis.txt")
        dialog.setStyleSheet(window.styleSheet())
        dialog.show()
        deadline = time.monotonic() + 60
        while dialog.preview is None and time.monotonic() < deadline:
            settle()
            time.sleep(0.05)
        shot(dialog, "dialog-import-report")
        dialog.reject()
    finally:
        pool.waitForDone()
        ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.gui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--workspace", type=Path, help="a workspace built by `workbench demo` (else one is built)")
    parser.add_argument("--demo-dir", type=Path, help="where to build the demo (default: a temporary folder)")
    args = parser.parse_args(argv)
    files = capture(args.out, args.workspace, args.demo_dir)
    print(f"{len(files)} screenshots in {args.out} ({os.environ.get('QT_QPA_PLATFORM', 'default')} platform)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
