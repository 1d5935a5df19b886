"""The window is tried in a child process first: a display Qt cannot use is a message, not an abort."""

from __future__ import annotations

import sys

import pytest

from workbench.gui import app

pytestmark = pytest.mark.gui


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 display variables are Linux's")
def test_unusable_display_is_reported_in_words(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":987")  # no X server listens there
    problem = app.display_problem()
    assert problem is not None
    assert problem is not None
    assert "could not connect to the display :987" in problem
    assert not app.display_available()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 display variables are Linux's")
def test_missing_library_names_the_packages(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")

    def plugin_fails(*args, **kwargs):
        return app.subprocess.CompletedProcess(args, -6, "", (
            "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb "
            "platform plugin.\nThis application failed to start because no Qt platform plugin could "
            "be initialized.\n"))

    monkeypatch.setattr(app.subprocess, "run", plugin_fails)
    problem = app.display_problem()
    assert problem is not None
    assert "xcb-cursor0 or libxcb-cursor0 is needed" in problem
    assert "sudo apt-get install libxcb-cursor0" in problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 display variables are Linux's")
def test_no_display_variables(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    assert "no display" in (app.display_problem() or "")


def test_offscreen_needs_no_probe(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app.display_problem() is None


def test_run_gui_refuses_cleanly_without_a_display(monkeypatch, tmp_path, capsys):
    from workbench.store.location import sqlite_location

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    if not sys.platform.startswith("linux"):
        pytest.skip("the X11 display variables are Linux's")
    assert app.run_gui(sqlite_location(tmp_path / "w.sqlite"), "someone") == 2
    assert "the app cannot open here" in capsys.readouterr().err
    assert not (tmp_path / "w.sqlite").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is an X11 server")
def test_a_working_display_passes_the_probe(monkeypatch, tmp_path):
    """The probe really starts the program again with Qt on the display (no mock): under Xvfb it passes."""
    import shutil
    import subprocess
    import time

    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    display = f":{400 + (hash(str(tmp_path)) % 500)}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = f"/tmp/.X11-unix/X{display[1:]}"
        for _ in range(100):
            if __import__("os").path.exists(lock):
                break
            time.sleep(0.05)
        monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.setenv("DISPLAY", display)
        assert app.display_problem() is None
    finally:
        server.terminate()
        server.wait(10)
