"""The two status lines of a finding: the one source of truth for their states and moves.

The inspectorate's line is what HMICFRS says of the finding (its own register, letters, revisits);
the force's line is the force's own progress. Both are pure rules here: the services
(services/register_status.py) and the GUI ask this module what a finding may move to.

Closure takes two steps on the force's line: "proposed for closure" is reached only by a proposal
with evidence and a demonstration period, and "closed" only by recording who authorised it (the
inspectorate or the committee), when and on what basis.
"""

from __future__ import annotations

from dataclasses import dataclass

INSPECTORATE = "inspectorate"
FORCE = "force"
LINES = (INSPECTORATE, FORCE)

INSPECTORATE_STATES = ("awaiting review", "being progressed", "complete", "superseded", "discharged")
FORCE_STATES = ("awaiting allocation", "in progress", "pending sign-off", "proposed for closure", "closed")

#: the state a newly registered finding starts in, on each line ("" = the inspectorate said nothing yet)
FORCE_START = "awaiting allocation"
INSPECTORATE_START = ""

PROPOSED = "proposed for closure"
CLOSED = "closed"
PENDING_SIGN_OFF = "pending sign-off"
IN_PROGRESS = "in progress"

#: moves a person may make directly on the force's line (closure has its own two steps)
_FORCE_MOVES: dict[str, tuple[str, ...]] = {
    "awaiting allocation": ("in progress",),
    "in progress": ("awaiting allocation", "pending sign-off"),
    "pending sign-off": ("in progress",),
    "proposed for closure": ("in progress",),  # withdrawing the proposal
    "closed": ("in progress",),  # reopened (e.g. the inspectorate found it again)
}
#: moves reached only through a closure proposal or its authorisation
_FORCE_CLOSURE_MOVES: dict[str, tuple[str, ...]] = {
    "in progress": (PROPOSED,),
    "pending sign-off": (PROPOSED,),
    PROPOSED: (CLOSED,),
}
#: the inspectorate's line follows what it says; a finding may be reopened from any final state
_INSPECTORATE_MOVES: dict[str, tuple[str, ...]] = {
    "": INSPECTORATE_STATES,
    "awaiting review": ("being progressed", "complete", "superseded", "discharged"),
    "being progressed": ("awaiting review", "complete", "superseded", "discharged"),
    "complete": ("being progressed",),
    "superseded": ("being progressed",),
    "discharged": ("being progressed",),
}
#: the inspectorate's own words that mean one of its states (statuses read from reports and letters)
INSPECTORATE_WORDS = {
    "awaiting review": "awaiting review", "being progressed": "being progressed", "ongoing": "being progressed",
    "open": "being progressed", "complete": "complete", "completed": "complete", "closed": "complete",
    "superseded": "superseded", "discharged": "discharged",
}
#: which final inspectorate states close a cause of concern / recommendation for the inspectorate
INSPECTORATE_FINAL = ("complete", "superseded", "discharged")

CLOSURE_BODIES = ("inspectorate", "committee")


class MoveRefused(ValueError):
    """A move the state machine does not allow; the message says why and what is allowed."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Move:
    line: str
    to: str
    via_closure: bool  # reached only through the closure steps


def states(line: str) -> tuple[str, ...]:
    if line == FORCE:
        return FORCE_STATES
    if line == INSPECTORATE:
        return INSPECTORATE_STATES
    raise MoveRefused(f"unknown status line '{line}'", "the lines are: inspectorate, force")


def allowed_moves(line: str, current: str) -> tuple[Move, ...]:
    """Every state the finding may move to from `current` on `line`, direct moves first."""
    if line == FORCE:
        direct = _FORCE_MOVES.get(current, (IN_PROGRESS,))  # an unknown (legacy) status may move to in progress
        closure = _FORCE_CLOSURE_MOVES.get(current, ())
        return tuple(Move(line, s, False) for s in direct) + tuple(Move(line, s, True) for s in closure)
    states(line)
    return tuple(Move(line, s, False) for s in _INSPECTORATE_MOVES.get(current, INSPECTORATE_STATES))


def direct_moves(line: str, current: str) -> tuple[str, ...]:
    """The states a person may pick directly (what a status combo offers)."""
    return tuple(m.to for m in allowed_moves(line, current) if not m.via_closure)


def check_move(line: str, current: str, to: str) -> None:
    """Raise MoveRefused unless `to` is a direct move from `current` on `line`."""
    if to not in states(line):
        raise MoveRefused(f"'{to}' is not a {line} status", f"the {line} statuses are: {', '.join(states(line))}")
    if to == current:
        raise MoveRefused(f"the {line} status is already '{to}'")
    if line == FORCE and to in (PROPOSED, CLOSED):
        how = ("propose closure with its evidence and a demonstration period: workbench register propose-closure"
               if to == PROPOSED else
               "record who authorised the proposed closure: workbench register authorise-closure")
        raise MoveRefused(f"a finding becomes '{to}' only through the closure steps", how)
    options = direct_moves(line, current)
    if to not in options:
        raise MoveRefused(f"the {line} status cannot move from '{current or 'not stated'}' to '{to}'",
                          f"from '{current or 'not stated'}' it may move to: {', '.join(options) or 'nothing'}")


def check_can_propose(current: str) -> None:
    if current not in _FORCE_CLOSURE_MOVES or PROPOSED not in _FORCE_CLOSURE_MOVES[current]:
        raise MoveRefused(f"a finding that is '{current}' cannot be proposed for closure",
                          "move it to 'in progress' or 'pending sign-off' first")


def check_can_authorise(current: str) -> None:
    if current != PROPOSED:
        raise MoveRefused(f"the finding is '{current}', not proposed for closure",
                          "the force proposes closure first, with its evidence")


def inspectorate_state(word: str) -> str | None:
    """The inspectorate state a printed word means (e.g. "Completed" -> "complete"), if any."""
    return INSPECTORATE_WORDS.get((word or "").strip().lower())
