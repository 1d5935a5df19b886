"""Roles and what each may do. Enforced here, in the services, not only in the GUI.

Admin and reviewer permissions also need the actor to have proved who they are in this session
(their passphrase, their own PostgreSQL login, or being the only user of a single-user
workspace): a role alone, claimed with a user name, is not enough to manage users, change force
settings, take a backup or review anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.errors import PermissionDeniedError

if TYPE_CHECKING:  # the roles are read by the command line's parser: keep this module light
    from workbench.store.uow import Actor

ROLES = ("admin", "reviewer", "officer", "viewer")

_EDITORS = frozenset({"admin", "reviewer", "officer"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "users.manage": frozenset({"admin"}),
    "workspace.backup": frozenset({"admin"}),
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

#: permissions that need a proven identity (Actor.verified), not only the role
PROOF_REQUIRED = frozenset({"users.manage", "workspace.backup", "settings.edit", "assessment.review"})


class ProofRequiredError(PermissionDeniedError):
    """The role allows the action, but the actor has not proved who they are in this session."""


ROLE_DESCRIPTIONS = {
    "admin": "manages users and force settings; can do everything an officer can",
    "reviewer": "manager who reviews, returns or signs off self-assessments and packs",
    "officer": "assurance officer: findings, audits, fieldwork, evidence, drafts",
    "viewer": "reads the workspace; changes nothing",
}


def can(actor: Actor | None, permission: str) -> bool:
    """Whether the role allows it (for enabling controls; `require` also checks the proof)."""
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
    if permission in PROOF_REQUIRED and actor is not None and not actor.verified:
        raise ProofRequiredError(
            f"{actor.username} must prove it is them with their passphrase to do this ({permission})",
            "on the command line give it with --passphrase-stdin or WORKBENCH_PASSPHRASE (or type it when "
            "asked); in the app, sign in with File > Switch user. No passphrase yet? Set one first with: "
            "workbench users passphrase",
        )
