"""The GUI fixtures (a window on a seeded workspace, captured message boxes) for the register's GUI tests."""

from tests.gui.conftest import boxes, open_window, seeded_workspace, settings, window  # noqa: F401
