"""Roles and what each may do. Enforced here, in the services, not only in the GUI."""

from __future__ import annotations

from workbench.errors import PermissionDeniedError
from workbench.store.uow import Actor

ROLES = ("admin", "reviewer", "officer", "viewer")

_EDITORS = frozenset({"admin", "reviewer", "officer"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "users.manage": frozenset({"admin"}),
    "settings.edit": frozenset({"admin"}),
    "findings.edit": _EDITORS,
    "audits.edit": _EDITORS,
    "fieldwork.record": _EDITORS,
    "evidence.edit": _EDITORS,
    "actions.edit": _EDITORS,
    "assessment.prepare": _EDITORS,
    "assessment.review": frozenset({"reviewer"}),
    "packs.build": _EDITORS,
    "exports.create": _EDITORS,
}

ROLE_DESCRIPTIONS = {
    "admin": "manages users and force settings; can do everything an officer can",
    "reviewer": "manager who reviews, returns or signs off self-assessments and packs",
    "officer": "assurance officer: findings, audits, fieldwork, evidence, drafts",
    "viewer": "reads the workspace; changes nothing",
}


def can(actor: Actor | None, permission: str) -> bool:
    if actor is None:
        return False
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    if not can(actor, permission):
        who = actor.username if actor else "nobody"
        role = actor.role if actor else "none"
        allowed = ", ".join(r for r in ROLES if r in PERMISSIONS[permission])
        raise PermissionDeniedError(
            f"{who} (role {role}) may not do this ({permission})",
            f"it needs the role {allowed}; an admin can change roles with workbench users",
        )
