"""`python -m workbench`, and the entry point of the frozen (PyInstaller) program."""

import os

if os.environ.get("WORKBENCH_DISPLAY_PROBE") == "1":
    # the child process of gui.app.display_problem(): can Qt open its platform plugin here?
    from workbench.gui.qt import QApplication

    QApplication(["workbench-probe"])
    raise SystemExit(0)

from workbench.cli import main  # noqa: E402

raise SystemExit(main())
