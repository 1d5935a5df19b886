"""The error every layer raises for a problem the user can fix.

Each error says what went wrong, where, and how to put it right. The CLI prints it and exits 2;
the GUI shows it in a dialog. Domain errors from importers, templates, sampling and reports
subclass it, so one ``except WorkbenchError`` catches them all.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A problem the user can fix: `str(e)` is the message, `hint` how to fix it."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint or not getattr(self, "hint", ""):  # a subclass may have set its own hint first
            self.hint = hint

    @property
    def extra_hint(self) -> str:
        """The hint, unless the message already says it."""
        return "" if not self.hint or self.hint in self.message else self.hint

    def __str__(self) -> str:
        return f"{self.message} ({self.extra_hint})" if self.extra_hint else self.message


class WorkspaceError(WorkbenchError):
    """The workspace cannot be found, opened, created or migrated."""


class SchemaTooNewError(WorkspaceError):
    """The workspace was written by a newer version of the application."""


class UnknownUserError(WorkbenchError):
    """The current user is not registered in the workspace."""


class PermissionDeniedError(WorkbenchError):
    """The current user's role does not allow the action."""


class NotFoundError(WorkbenchError):
    """A referenced record does not exist."""


class ConflictError(WorkbenchError):
    """Someone else changed the record since it was read (optimistic locking)."""


class InputError(WorkbenchError, ValueError):
    """An argument or field value is invalid."""
