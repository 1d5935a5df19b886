"""A Qt binding that loses references to None is refused before the window opens (gui/qt_binding)."""

from __future__ import annotations

import ctypes
import sys

import pytest

from workbench.gui import app, qt_binding

pytestmark = pytest.mark.gui

_needs_mortal_none = pytest.mark.skipif(sys.version_info >= (3, 12),
                                        reason="None is immortal from Python 3.12: a lost reference does no harm")


def test_the_installed_binding_keeps_its_references_to_none():
    """The binding this test run uses: PySide6 6.12.0 on Python 3.11 fails here (and aborts the window later)."""
    assert qt_binding.binding_problem() is None
    assert not qt_binding.drops_none()


@_needs_mortal_none
def test_a_binding_that_loses_none_is_named_with_the_fix():
    lost = [0]

    def losing() -> None:  # what a faulty binding does at each call of a method returning nothing
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
        lost[0] += 1

    try:
        assert qt_binding.drops_none(losing)
        problem = qt_binding.binding_problem(losing)
    finally:
        for _ in range(lost[0]):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    assert problem is not None
    assert "loses a reference to None" in problem
    assert "pip install 'PySide6-Essentials>=6.6,!=6.12.0'" in problem
    assert not qt_binding.drops_none(lambda: None)  # a call that loses nothing passes


def test_the_window_does_not_open_with_such_a_binding(monkeypatch, tmp_path, capsys):
    from workbench.store.location import sqlite_location

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # a display that would otherwise do
    monkeypatch.setattr(app, "binding_problem", lambda: "PySide6 9.9 on Python 3.11 loses a reference to None")
    assert app.display_problem() == "PySide6 9.9 on Python 3.11 loses a reference to None"
    assert app.run_gui(sqlite_location(tmp_path / "w.sqlite"), "someone") == 2
    assert "the app cannot open here: PySide6 9.9" in capsys.readouterr().err
    assert not (tmp_path / "w.sqlite").exists()
