"""`python -m workbench`, and the entry point of the frozen (PyInstaller) program."""

from workbench.cli import main

raise SystemExit(main())
