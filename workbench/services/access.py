"""Roles and what each may do. Enforced here, in the services, not only in the GUI.

Admin and reviewer permissions also need the actor to have proved who they are in this session
(their passphrase, their own PostgreSQL login, or being the only user of a single-user
workspace): a role alone, claimed with a user name, is not enough to manage users, change force
settings, take a backup or review anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.errors import PermissionDeniedError, WorkbenchError

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
    "requests.edit": _EDITORS,
    "assessment.prepare": _EDITORS,
    "assessment.review": frozenset({"reviewer"}),
    "packs.build": _EDITORS,
    "exports.create": _EDITORS,
    "register.authorise": frozenset({"admin", "reviewer"}),
}

#: permissions that need a proven identity (Actor.verified), not only the role
PROOF_REQUIRED = frozenset({"users.manage", "workspace.backup", "settings.edit", "assessment.review",
                            "register.authorise"})


class ProofRequiredError(PermissionDeniedError):
    """The role allows the action, but the actor has not proved who they are in this session."""


ROLE_DESCRIPTIONS = {
    "admin": "manages users and force settings; can do everything an officer can",
    "reviewer": "manager who reviews, returns or signs off self-assessments and packs",
    "officer": "assurance officer: findings, audits, fieldwork, evidence, drafts",
    "viewer": "reads the workspace; changes nothing",
}


#: what each permission lets a person do, in words, for the reasons a refused control shows
ACTION_WORDS = {
    "read": "read the workspace",
    "users.manage": "manage users",
    "workspace.backup": "save a copy of the workspace",
    "settings.edit": "change the force settings",
    "findings.edit": "change findings",
    "audits.edit": "plan and change audits",
    "fieldwork.record": "record fieldwork",
    "evidence.edit": "add or remove evidence",
    "actions.edit": "change the action plan",
    "requests.edit": "send, withdraw or take in evidence requests",
    "assessment.prepare": "prepare self-assessments",
    "assessment.review": "review self-assessments and packs",
    "packs.build": "build packs",
    "exports.create": "export files",
}


@dataclass(frozen=True)
class Decision:
    """Whether an actor may do something now, and if not, why not and what to do (for the GUI)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def refused(cls, exc: WorkbenchError) -> Decision:
        """The decision a service's refusal stands for: its message and hint, as one sentence pair.

        Each begins with a capital unless its first word is not a plain lower-case word (a user
        name such as demo.admin, a quoted value): a name keeps its case. Services begin a message
        with a word, not a bare name ("user j.smith is …")."""
        hint = _sentence(exc.hint) if exc.hint else ""
        return cls(False, f"{_sentence(exc.message).rstrip('.')}." + (f" {hint.rstrip('.')}." if hint else ""))


ALLOWED = Decision(True)


#: a lower-case word of prose ("four-eyes", "don't"); a user name such as demo.admin or pc_101 is not one
_PLAIN_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def _sentence(text: str) -> str:
    """`text` with a capital first letter when its first word is a plain lower-case word."""
    first = text.split(maxsplit=1)[0].rstrip(",;:") if text.strip() else ""
    return text[:1].upper() + text[1:] if _PLAIN_WORD.fullmatch(first) else text


def allowed(actor: Actor | None, permission: str) -> Decision:
    """`require`'s answer as a Decision, with the reason a person reads when it is No."""
    try:
        require(actor, permission)
    except PermissionDeniedError as exc:
        if isinstance(exc, ProofRequiredError):
            return Decision(False, f"To {ACTION_WORDS[permission]}, sign in with your passphrase "
                                   "(File > Switch user).")
        holders = " or ".join(r for r in ROLES if r in PERMISSIONS[permission])
        role = actor.role if actor else "no"
        return Decision(False, f"The {role} role cannot {ACTION_WORDS[permission]}; it needs the {holders} role "
                               "(an admin changes roles in Workspace > Users).")
    return ALLOWED


def can(actor: Actor | None, permission: str) -> bool:
    """Whether the role allows it (for enabling controls; `require` also checks the proof)."""
    if actor is None:
        return False
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    if not can(actor, permission):
        who = f"user {actor.username}" if actor else "nobody"
        role = actor.role if actor else "none"
        allowed = ", ".join(r for r in ROLES if r in PERMISSIONS[permission])
        raise PermissionDeniedError(
            f"{who} (role {role}) may not do this ({permission})",
            f"it needs the role {allowed}; an admin can change roles with workbench users",
        )
    if permission in PROOF_REQUIRED and actor is not None and not actor.verified:
        raise ProofRequiredError(
            f"user {actor.username} must prove it is them with their passphrase to do this ({permission})",
            "on the command line give it with --passphrase-stdin or WORKBENCH_PASSPHRASE (or type it when "
            "asked); in the app, sign in with File > Switch user. No passphrase yet? Set one first with: "
            "workbench users passphrase",
        )
