"""What every command shares: global options, the open workspace, who is acting, output helpers.

Who is acting: your OS login by default (on PostgreSQL: your database login). Acting as anyone
else (`--user NAME`) needs NAME's passphrase, and so do admin and reviewer actions: it is read
from the command's `--passphrase-stdin` (first line of standard input), else from the
environment variable WORKBENCH_PASSPHRASE, else asked for in a terminal; without a terminal and
without either, the command is refused.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import InputError

if TYPE_CHECKING:
    from workbench.store.location import WorkspaceLocation
    from workbench.store.uow import Actor, UnitOfWork
    from workbench.store.workspace import Workspace

#: where scripts give the acting user's passphrase
PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"


def common_options() -> argparse.ArgumentParser:
    """Global options, accepted before or after the command (`workbench log verify --workspace W`)."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("workspace")
    g.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS,
                   help="the workspace file (default: one in your user data folder)")
    g.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                   help="a shared database instead, e.g. postgresql+psycopg://user@host/workbench")
    g.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                   help="act as this user (default: your OS login, or your login on a shared database); "
                   f"any other user needs their passphrase (asked for, or from ${PASSPHRASE_ENV})")
    return p


class LazyChoices:
    """An argparse `choices` read from `module.attribute` only when a value is checked or help shown,
    so building the parser does not import the services (see docs/performance.md). Give the argument
    a `metavar`: argparse lists the choices in the usage line otherwise."""

    def __init__(self, module: str, attribute: str) -> None:
        self._where = (module, attribute)

    def _values(self) -> Sequence[str]:
        module, attribute = self._where
        return tuple(getattr(importlib.import_module(module), attribute))

    def __contains__(self, value: object) -> bool:
        return value in self._values()

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())


class LazyModule:
    """A module imported on first use of one of its attributes, for command modules whose handlers
    use a service: building the parser then imports nothing heavy (see docs/performance.md)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def interactive() -> bool:
    return sys.stdin.isatty() and not os.environ.get("CI")


def add_command(sub: Any, name: str, help_text: str, **kw: Any) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_text, description=help_text, parents=[common_options()], **kw)


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._workspace: Workspace | None = None
        self._passphrase: str | None = None
        self._from_env = False  # the passphrase came from $WORKBENCH_PASSPHRASE
        self._actor: str | Actor | None = None

    @property
    def claimed_user(self) -> str | None:
        """The `--user` given, when it is not the OS login (so it must be proven)."""
        from workbench.os_login import current_os_user

        name = getattr(self.args, "user", None)
        return name if name and name != current_os_user() else None

    @property
    def username(self) -> str:
        name = getattr(self.args, "user", None)
        if name:
            return str(name)
        loc = self.location()
        if loc.path is None and loc.url.username:  # a shared database: you are your login
            return str(loc.url.username)
        from workbench.os_login import current_os_user

        return current_os_user()

    def location(self) -> WorkspaceLocation:
        from workbench.store.location import resolve_location

        return resolve_location(getattr(self.args, "workspace", None), getattr(self.args, "db", None))

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from workbench.store.workspace import Workspace

            self._workspace = Workspace.open(self.location())
            if self._workspace.migration_backup is not None:
                print(f"workspace upgraded; a backup of the old one is at {self._workspace.migration_backup}",
                      file=sys.stderr)
        return self._workspace

    def adopt(self, ws: Workspace) -> None:
        self._workspace = ws

    # -- proving who you are -----------------------------------------------------------------
    def passphrase_given(self) -> bool:
        return bool(getattr(self.args, "passphrase_stdin", False)) or PASSPHRASE_ENV in os.environ

    def passphrase(self, prompt: str = "") -> str:
        """The acting user's passphrase, read once: --passphrase-stdin, $WORKBENCH_PASSPHRASE, or a prompt."""
        if self._passphrase is None:
            if getattr(self.args, "passphrase_stdin", False):
                value = sys.stdin.readline().rstrip("\r\n")
            elif PASSPHRASE_ENV in os.environ:
                value = os.environ[PASSPHRASE_ENV]
                self._from_env = True
            elif interactive():
                value = getpass.getpass(prompt or f"Passphrase for {self.username}: ")
            else:
                raise InputError(
                    f"acting as {self.username} here needs {self.username}'s passphrase, and none was given "
                    "(no terminal to ask in); nothing was done",
                    f"pipe it in with --passphrase-stdin where the command has it, or set {PASSPHRASE_ENV}",
                )
            if not value:
                raise InputError("the passphrase is empty; nothing was done")
            self._passphrase = value
        return self._passphrase

    def actor(self) -> str | Actor:
        """Who acts in this command's units of work: signed in with a passphrase when that is needed."""
        if self._actor is None:
            self._actor = self._identify()
        return self._actor

    def _identify(self) -> str | Actor:
        from workbench.services import users

        ws, name = self.workspace(), self.username
        login = ws.database_login()
        if login is not None and not login.unrestricted:
            return name  # the server proved the login; the store refuses any other name
        with ws.unit_of_work(name, write=False) as uow:  # an unknown user is refused before any question
            has = users.has_passphrase(uow, name)
        if self.claimed_user is not None or self.passphrase_given():
            return self._sign_in(ws, name)
        if has and getattr(self.args, "needs_passphrase", False):  # an admin or reviewer action
            return self._sign_in(ws, name)
        # without a passphrase, only a single-user workspace's own user may do those (services/access.py)
        return name

    def _sign_in(self, ws: Workspace, name: str) -> Actor:
        """Sign in with the passphrase given; a refusal of one with spaces at its ends says so."""
        from workbench.errors import PermissionDeniedError

        passphrase = self.passphrase()
        try:
            return ws.sign_in(name, passphrase)
        except PermissionDeniedError as exc:
            from workbench.services.signing_identity import spaces_note

            note = spaces_note(passphrase, f"${PASSPHRASE_ENV}" if self._from_env else "what you typed")
            if note:
                exc.hint = f"{exc.hint.rstrip('.')}. {note}" if exc.hint else note
            raise

    @contextmanager
    def uow(self, write: bool = True) -> Iterator[UnitOfWork]:
        with self.workspace().unit_of_work(self.actor(), write=write) as uow:
            yield uow

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None


def to_plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return {k: to_plain(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_plain(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def print_json(obj: Any) -> None:
    json.dump(to_plain(obj), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
