"""Who is logged in to this computer: the default identity when no --user is given (no other import,
so the app's first window does not wait for the database code)."""

from __future__ import annotations

import getpass


def current_os_user() -> str:
    """The OS login, the default identity when no --user is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
