"""What every command shares: global options, the open workspace, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from typing import Any

from workbench.services.users import current_os_user
from workbench.store.location import WorkspaceLocation, resolve_location
from workbench.store.uow import UnitOfWork
from workbench.store.workspace import Workspace


def common_options() -> argparse.ArgumentParser:
    """Global options, accepted before or after the command (`workbench log verify --workspace W`)."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("workspace")
    g.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS,
                   help="the workspace file (default: one in your user data folder)")
    g.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                   help="a shared database instead, e.g. postgresql+psycopg://user@host/workbench")
    g.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                   help="act as this user (default: your OS login)")
    return p


def add_command(sub: Any, name: str, help_text: str, **kw: Any) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_text, description=help_text, parents=[common_options()], **kw)


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._workspace: Workspace | None = None

    @property
    def username(self) -> str:
        return getattr(self.args, "user", None) or current_os_user()

    def location(self) -> WorkspaceLocation:
        return resolve_location(getattr(self.args, "workspace", None), getattr(self.args, "db", None))

    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.open(self.location())
            if self._workspace.migration_backup is not None:
                print(f"workspace upgraded; a backup of the old one is at {self._workspace.migration_backup}",
                      file=sys.stderr)
        return self._workspace

    def adopt(self, ws: Workspace) -> None:
        self._workspace = ws

    @contextmanager
    def uow(self, write: bool = True) -> Iterator[UnitOfWork]:
        with self.workspace().unit_of_work(self.username, write=write) as uow:
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
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
