"""What a view needs to act: the workspace, who is acting, the change signal and the worker pool.

Every user action opens its own unit of work (one session, committed or rolled back as a whole);
views get plain data back and never hold ORM objects. Who is acting is the Actor the sign-in
gave (proven by the passphrase), or the OS login's user unproven; every unit of work is opened
for that Actor, so the services see the same proof throughout the session.

Background work writes by default: only a pure read (a dry run) asks for `write=False`, and a
service that writes (every export: it is logged) refuses a read-only unit of work at once.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from workbench.errors import UnknownUserError, WorkbenchError, WorkspaceError
from workbench.gui.changes import ChangeBus
from workbench.gui.messages import show_error
from workbench.gui.qt import QThreadPool, QWidget
from workbench.gui.workers import Loader, WorkerTask, run_in_worker
from workbench.progress import Progress
from workbench.services.access import Decision, allowed, can
from workbench.services.users import UserInfo, list_users
from workbench.store.uow import Actor, UnitOfWork
from workbench.store.workspace import Workspace

T = TypeVar("T")


@dataclass(frozen=True)
class GuiContext:
    ws: Workspace
    user: UserInfo
    changes: ChangeBus
    pool: QThreadPool
    #: who acts in every unit of work of this session (from the sign-in, or the OS login unproven)
    actor: Actor
    #: one thread: background writes run one at a time, in the order asked (reads use `pool`)
    writer: QThreadPool | None = None

    @classmethod
    def open(cls, ws: Workspace, user: str | Actor, changes: ChangeBus, pool: QThreadPool,
             writer: QThreadPool | None = None) -> GuiContext:
        """Raises UnknownUserError when `user` is not an active user of the workspace."""
        with ws.unit_of_work(user, write=False) as uow:
            assert uow.actor is not None
            actor = uow.actor
            me = next((u for u in list_users(uow) if u.username == actor.username), None)
        if me is None:  # unit_of_work already refuses unknown users; kept for clarity
            raise UnknownUserError(f"user '{actor.username}' is not registered in workspace {ws.location.label}")
        return cls(ws, me, changes, pool, actor, writer)

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def proven(self) -> bool:
        """Whether this session proved who it is (needed for admin and reviewer actions)."""
        return self.actor.verified

    def can(self, permission: str) -> bool:
        """For enabling controls only; the services check again."""
        return can(self.actor, permission)

    def allowed(self, permission: str) -> Decision:
        """Whether this session may do it now (role and proof), with the reason to show when not."""
        return allowed(self.actor, permission)

    def check_present(self) -> None:
        """Refuse to go on when the workspace file was deleted or moved while open.

        SQLite would otherwise carry on in the deleted file (lost at close) or make a new empty one.
        """
        check_present(self.ws)

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run `fn` in a read-only unit of work on this thread (a view's reads call it in a worker,
        through `load`). Errors propagate."""
        self.check_present()
        with self.ws.unit_of_work(self.actor, write=False) as uow:
            return fn(uow)

    def write(self, parent: QWidget | None, fn: Callable[[UnitOfWork], T],
              on_error: Callable[[BaseException], None] | None = None) -> T | None:
        """Run a short write on this thread and announce what changed; on error (nothing saved)
        show it, call `on_error(exc)` and return None."""
        try:
            self.check_present()
            with self.ws.unit_of_work(self.actor, write=True) as uow:
                result = fn(uow)
                changed = frozenset(uow.changed)
        except Exception as exc:  # noqa: BLE001 - never a silent failure
            show_error(parent, exc, "" if isinstance(exc, WorkbenchError) else traceback.format_exc())
            if on_error is not None:
                on_error(exc)
            return None
        self.changes.notify(changed)
        return result

    def write_or_raise(self, fn: Callable[[UnitOfWork], T], *, passphrase: str | None = None) -> T:
        """Run a short write on this thread and announce what changed; errors propagate (for a
        dialog that shows them in place and stays open). With `passphrase` the user proves it again."""
        self.check_present()
        user: str | Actor = self.actor if passphrase is None else self.actor.username
        with self.ws.unit_of_work(user, write=True, passphrase=passphrase) as uow:
            result = fn(uow)
            changed = frozenset(uow.changed)
        self.changes.notify(changed)
        return result

    def background(self, parent: QWidget, label: str, fn: Callable[[UnitOfWork, Progress], Any], *,
                   on_success: Callable[[Any], None], write: bool = True,
                   on_failure: Callable[[BaseException], None] | None = None) -> WorkerTask:
        """Run `fn(uow, progress)` in a worker with its own unit of work; announce what it changed.

        It writes (and commits what the services wrote) unless `write=False` says `fn` only reads.
        """
        ws, actor = self.ws, self.actor

        def work(progress: Progress) -> tuple[Any, frozenset[str]]:
            check_present(ws)
            with ws.unit_of_work(actor, write=write) as uow:
                result = fn(uow, progress)
                changed = frozenset(uow.changed) if write else frozenset()
            return result, changed

        def done(outcome: tuple[Any, frozenset[str]]) -> None:
            result, changed = outcome
            self.changes.notify(changed)
            on_success(result)

        return run_in_worker(parent, self.write_pool if write else self.pool, label, work, done, on_failure)

    @property
    def write_pool(self) -> QThreadPool:
        """Where background writes run: one at a time."""
        return self.writer if self.writer is not None else self.pool

    def loader(self, parent: QWidget, show: Callable[[Any], None],
               on_failure: Callable[[BaseException], None] | None = None, name: str = "") -> Loader:
        """A view's background reader (gui/workers.Loader) on this session's pool."""
        return Loader(parent, self.pool, show, on_failure, name)

    def load(self, loader: Loader, fn: Callable[[UnitOfWork], Any]) -> int:
        """Ask `loader` to run `fn` in a read-only unit of work in a worker; the latest request wins."""
        return loader.load(lambda: self.read(fn))


def check_present(ws: Workspace) -> None:
    path = ws.location.path
    if path is not None and not path.is_file():
        raise WorkspaceError(
            f"the workspace file {path} is no longer there (deleted or moved while it was open); nothing was saved",
            "put the file back, or open it where it is now (File > Open workspace), or restore a backup",
        )
