"""Errors raised by the demo data generators."""

from __future__ import annotations

from workbench.errors import WorkbenchError


class DemoError(WorkbenchError, ValueError):
    """A generator was given an argument it cannot use; ``field`` names the argument."""

    def __init__(self, message: str, field: str | None = None, hint: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message, hint)


class FieldworkTargetError(DemoError):
    """The wanted number of compliant cases cannot be reached with these cases.

    ``target`` is what was asked for, ``possible`` the most that can be compliant (the cases
    whose computed criteria pass).  Draw the sample with another seed and try again.
    """

    def __init__(self, target: int, possible: int) -> None:
        self.target = target
        self.possible = possible
        super().__init__(
            f"{target} compliant cases were asked for but only {possible} pass the computed criteria",
            field="target_compliant",
            hint="draw the sample with another seed, or lower the target",
        )
