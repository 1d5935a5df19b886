"""What the acting user may do with a pack version now, and why not: the answers the Packs page follows.

Each answer is the same checks the service that does it makes, in the same order: the permission
(role and proof, `access.allowed`), then the pack's state machine and four eyes
(`packs.check_submittable`, `check_reviewable`, `check_sealable`), the snapshot's hash
(`check_snapshot`) and, to sign, a sign-off passphrase to sign with. A refusal's reason is the
refusal the service would raise (`Decision.refused`), so a control is never enabled for a step the
service then refuses, and its tooltip says why in the service's words.

Superseding is no action of its own: approving a version marks the approved one before it
superseded (`pack_approval`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.services.access import ALLOWED, Decision, allowed, require
from workbench.services.packs import (
    REVIEWABLE,
    SUBMITTABLE,
    check_reviewable,
    check_sealable,
    check_snapshot,
    check_submittable,
    find_version,
)
from workbench.services.signing_identity import check_has_passphrase
from workbench.store.models import PackVersion
from workbench.store.uow import UnitOfWork

#: every step the Packs page offers: build a new version; submit, approve (and sign), return,
#: export the files of, seal a bundle of, and preview the PDF of the chosen version
ACTIONS = ("build", "submit", "approve", "return", "export", "seal", "preview")

#: the permission each step needs (what the service `require`s first)
PERMISSION = {"build": "packs.build", "submit": "packs.build", "approve": "assessment.review",
              "return": "assessment.review", "export": "exports.create", "seal": "exports.create",
              "preview": "read"}

NO_VERSION = Decision(False, "No pack version has been built yet: build one first.")


def _check(uow: UnitOfWork, permission: str, *checks: Callable[[], None]) -> Decision:
    decision = allowed(uow.actor, permission)
    if not decision:
        return decision
    try:
        for check in checks:
            check()
    except WorkbenchError as exc:
        return Decision.refused(exc)
    return ALLOWED


def _decide(uow: UnitOfWork, pv: PackVersion | None) -> dict[str, Decision]:
    out = {"build": _check(uow, PERMISSION["build"])}
    if pv is None:
        return out | {action: NO_VERSION for action in ACTIONS if action != "build"}
    return out | {
        "submit": _check(uow, PERMISSION["submit"], lambda: check_submittable(pv)),
        # as pack_approval._read: state and four eyes, the snapshot, then something to sign with
        "approve": _check(uow, PERMISSION["approve"], lambda: check_reviewable(uow, pv), lambda: check_snapshot(pv),
                          lambda: check_has_passphrase(uow, "approve")),
        "return": _check(uow, PERMISSION["return"], lambda: check_reviewable(uow, pv, "return it")),
        "export": _check(uow, PERMISSION["export"], lambda: check_snapshot(pv)),
        "seal": _check(uow, PERMISSION["seal"], lambda: check_sealable(pv), lambda: check_snapshot(pv)),
        "preview": _check(uow, PERMISSION["preview"], lambda: check_snapshot(pv)),
    }


def pack_decisions(uow: UnitOfWork, number: int | None) -> dict[str, Decision]:
    """What the acting user may do with pack version `number` now (None: no version chosen), as
    {action: Decision} for every action in ACTIONS. Raises NotFoundError for a version that does not exist."""
    require(uow.actor, "read")
    return _decide(uow, None if number is None else find_version(uow, number))


def every_pack_decision(uow: UnitOfWork) -> dict[int | None, dict[str, Decision]]:
    """`pack_decisions` of every version (and of None, no version chosen), in one read."""
    require(uow.actor, "read")
    out: dict[int | None, dict[str, Decision]] = {None: _decide(uow, None)}
    for pv in uow.session.scalars(select(PackVersion).order_by(PackVersion.number)):
        out[pv.number] = _decide(uow, pv)
    return out



#: the step that moves a version on from each state (a superseded version is not moved on)
_NEXT = {**dict.fromkeys(SUBMITTABLE, "submit"), **dict.fromkeys(REVIEWABLE, "approve"), "approved": "seal"}


def next_step(state: str) -> str | None:
    """The action that moves a version in `state` on (None: nothing does, e.g. a superseded version)."""
    return _NEXT.get(state)
