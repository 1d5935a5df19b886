"""Typed errors raised by the statistics package."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class StatsError(WorkbenchError, ValueError):
    """An argument a statistic cannot be computed from.

    ``field`` names the offending argument (e.g. ``"tolerable"``); ``row`` is the
    1-based position of the offending item when the problem is inside a sequence.
    """

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.row = row


class SamplingError(StatsError):
    """A sample cannot be drawn from the given population and plan."""
