"""Whether the installed Qt binding can be trusted to run the window for a working day.

PySide6 6.12.0 on CPython 3.11 loses one reference to None each time a Qt method that returns
nothing is called (`setText`, `addWidget`, `processEvents` …). None is an ordinary object there,
so after some 10^5 such calls (minutes of use on a large workspace) the interpreter aborts with
"deallocating None" and takes unsaved work with it. From CPython 3.12 None is immortal and the lost
references do no harm. `pyproject.toml` keeps that release out of new installs; this check stops
an environment that has it anyway before the window opens, with the command that mends it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

#: calls of a method returning nothing that the check makes; a sound binding loses none
CALLS = 200


def drops_none(call: Callable[[], object] | None = None, calls: int = CALLS) -> bool:
    """Whether `call` (by default a Qt setter that returns nothing) loses a reference to None."""
    if sys.version_info >= (3, 12):
        return False  # immortal None: a lost reference cannot free it
    if call is None:
        from workbench.gui.qt import QObject

        probe = QObject()
        call = lambda: probe.setObjectName("qt binding check")  # noqa: E731 - the call measured
    call()  # anything the first call caches is not counted
    before = sys.getrefcount(None)
    for _ in range(calls):
        call()
    return before - sys.getrefcount(None) >= calls // 2


def binding_problem(call: Callable[[], object] | None = None) -> str | None:
    """Why the window must not open with this Qt binding, or None when it may."""
    if not drops_none(call):
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = f"PySide6 {version('PySide6-Essentials')}"
    except PackageNotFoundError:
        installed = "the installed PySide6"
    python = ".".join(map(str, sys.version_info[:2]))
    return (f"{installed} on Python {python} loses a reference to None at every Qt call, and the window would "
            "abort after some minutes of use; install another release with: "
            f"{sys.executable} -m pip install 'PySide6-Essentials>=6.6,!=6.12.0' (or use Python 3.12 or later)")
