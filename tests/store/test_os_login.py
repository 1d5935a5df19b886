"""The OS login that needs no passphrase is the process's own account, not an environment variable."""
from __future__ import annotations

import os

import pytest

from workbench.os_login import current_os_user
from workbench.store import workspace


@pytest.mark.skipif(os.name != "posix", reason="the user database of a POSIX system")
def test_the_login_is_not_taken_from_the_environment(monkeypatch) -> None:
    import pwd

    own = pwd.getpwuid(os.geteuid()).pw_name
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "sam.okafor")
    assert current_os_user() == own != "sam.okafor"
    assert workspace._os_login() == own  # the store asks the same function
