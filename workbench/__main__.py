"""`python -m workbench`, and the entry point of the frozen (PyInstaller) program."""

import multiprocessing

if __name__ == "__main__":
    # a separate process (gui/child_process) starts by running this program again: in the frozen
    # program freeze_support() turns that run into the child's work and ends it
    multiprocessing.freeze_support()
    from workbench.cli import main

    raise SystemExit(main())
