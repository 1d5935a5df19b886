"""Who is logged in to this computer: the default identity when no --user is given (no other import,
so the app's first window does not wait for the database code).

The name comes from the operating system's account of the running process (the user database
entry of its user id on POSIX, the account's name on Windows), never from environment variables:
``LOGNAME``, ``USER`` or ``USERNAME``, which anyone can set, would otherwise stand in for a login
that needs no passphrase.
"""

from __future__ import annotations

import os


def current_os_user() -> str:
    """The OS login of the running process, the default identity when no --user is given."""
    try:
        import pwd
    except ImportError:  # Windows: the account the process runs as (GetUserNameW, not %USERNAME%)
        try:
            return os.getlogin()
        except OSError:
            return "unknown"
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a user id with no entry (a container's arbitrary uid)
        return "unknown"
