"""CPU until the app's first window is on screen, started as a user starts it.

    python -m benchmarks.first_window WORKSPACE          # prints JSON, offscreen unless QT_QPA_PLATFORM says otherwise

Runs the `workbench` program's own entry (`workbench.cli.main(["--workspace", WORKSPACE])`) in this
process and reports the process's CPU seconds (after the interpreter's own start, as the bare
reference `python -m benchmarks.gui_heartbeat --bare` measures it): `start_window` when the start
window has been shown and painted (what the user sees first), `main_window` when the main window
on the workspace has been shown in its place, then stops the program. Nothing in the program is
changed but two hooks at those two moments.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _Shown(Exception):
    pass


def main(argv: list[str]) -> int:
    cpu0 = time.process_time()
    from workbench.gui import start_window

    seen: dict[str, float] = {}
    load = start_window.StartWindow.load

    def loading(self: start_window.StartWindow, work: object) -> None:
        seen["start_window"] = time.process_time() - cpu0  # shown and painted by run_gui already
        load(self, work)  # type: ignore[arg-type]
        from workbench.gui.main_window import MainWindow

        show = MainWindow.show

        def shown(window: MainWindow) -> None:
            show(window)
            from workbench.gui.qt import QApplication

            QApplication.processEvents()
            seen["main_window"] = time.process_time() - cpu0
            raise _Shown()

        MainWindow.show = shown  # type: ignore[method-assign,assignment]

    start_window.StartWindow.load = loading  # type: ignore[method-assign]
    from workbench.cli import main as workbench

    try:
        workbench(["--workspace", argv[0]])
    except _Shown:
        pass
    print(json.dumps(seen))
    return 0 if "main_window" in seen else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
