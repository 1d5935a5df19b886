"""Running the command line as a user of a test workspace: with that user's passphrase.

Acting as anyone but the OS login needs the user's passphrase; scripts give it in
WORKBENCH_PASSPHRASE, and so do these tests (`main_as`), for the users below.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from unittest import mock

from workbench.cli import main
from workbench.services.demo_workspace import OFFICER, OFFICER_PASSPHRASE, REVIEWER, REVIEWER_PASSPHRASE

RITA_PASS = "rita's long passphrase"
ROB_PASS = "rob's other passphrase"
PASSPHRASES = {
    "ann.admin": "ann the admin's own passphrase",
    "bob.officer": "bob the officer's passphrase",
    "olly.officer": "olly the officer's passphrase",
    "rita.reviewer": RITA_PASS,
    "rob.reviewer": ROB_PASS,
    OFFICER: OFFICER_PASSPHRASE,  # the demo's users
    REVIEWER: REVIEWER_PASSPHRASE,
}


def main_as(argv: Sequence[str], stdin: str | None = None) -> int:
    """`workbench ARGV`, with the passphrase of the `--user` named in it (when it is one above)."""
    argv = list(argv)
    user = argv[argv.index("--user") + 1] if "--user" in argv else None
    env = {"WORKBENCH_PASSPHRASE": PASSPHRASES[user]} if user in PASSPHRASES else {}
    with mock.patch.dict(os.environ, env):
        if stdin is None:
            return main(argv)
        with mock.patch("sys.stdin", io.StringIO(stdin)):
            return main(argv)
