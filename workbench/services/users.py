"""Users, roles and passphrases (argon2id hashes; strength estimated with zxcvbn).

One passphrase per user: it proves who they are when they act as anyone but their own OS login
(and for admin and reviewer actions), and it is their sign-off passphrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from zxcvbn import zxcvbn

from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.os_login import current_os_user  # noqa: F401  (the services' callers ask here too)
from workbench.services.access import ALLOWED, ROLES, Decision, allowed, require
from workbench.store.credentials import hash_passphrase, passphrase_matches
from workbench.store.models import User
from workbench.store.uow import Actor, UnitOfWork, check_version, writes

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,119}$")
#: the strength rule: at least this long, and zxcvbn's score at least MIN_SCORE (0-4)
MIN_PASSPHRASE = 12
MIN_SCORE = 3
#: zxcvbn only looks at the first characters; longer passphrases are scored on those
_SCORED_CHARS = 100


@dataclass(frozen=True)
class UserInfo:
    username: str
    version: int
    display_name: str
    role: str
    active: bool
    has_passphrase: bool
    created_at: datetime


def _info(u: User) -> UserInfo:
    return UserInfo(u.username, u.version, u.display_name, u.role, u.active, u.passphrase_hash is not None, u.created_at)


def _check_username(username: str) -> str:
    username = username.strip()
    if not _USERNAME.match(username):
        raise InputError(
            f"'{username}' is not a valid user name",
            "use letters, digits and . _ @ - (e.g. a force login such as j.smith)",
        )
    return username


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", f"choose one of: {', '.join(ROLES)}")
    return role


def check_strength(passphrase: str, username: str = "", display_name: str = "") -> None:
    """Refuse a passphrase that is short or easy to guess, saying why (zxcvbn's estimate).

    Spaces (or tabs) at either end are refused too: nobody sees them when typing it again.
    """
    if passphrase != passphrase.strip():
        where = "begins and ends" if passphrase[:1].isspace() and passphrase[-1:].isspace() else (
            "begins" if passphrase[:1].isspace() else "ends")
        raise InputError(f"the passphrase was refused: it {where} with a space, which nobody sees when typing it "
                         "again", "remove the spaces at the ends (spaces between words are fine)")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(f"the passphrase was refused: it has {len(passphrase)} characters and needs at least "
                         f"{MIN_PASSPHRASE}", "use a few unrelated words, e.g. four words you can remember")
    hints = [h for h in (username, display_name, *re.split(r"[._@\s-]+", f"{username} {display_name}"),
                         "workbench", "inspection", "readiness", "hmicfrs", "police") if h]
    result = zxcvbn(passphrase[:_SCORED_CHARS], user_inputs=hints)
    if result["score"] >= MIN_SCORE:
        return
    feedback = result.get("feedback") or {}
    why = feedback.get("warning") or "it would be guessed too easily"
    guess_time = result.get("crack_times_display", {}).get("offline_slow_hashing_1e4_per_second", "")
    suggestions = " ".join(feedback.get("suggestions") or []) or "Add another word or two; avoid names and dates."
    raise InputError(
        f"the passphrase was refused: {why.rstrip('.').lower()} (strength {result['score']} of 4, at least "
        f"{MIN_SCORE} needed" + (f"; an attacker could guess it in {guess_time}" if guess_time else "") + ")",
        suggestions,
    )


def _hash_passphrase(passphrase: str, username: str = "", display_name: str = "") -> str:
    check_strength(passphrase, username, display_name)
    return hash_passphrase(passphrase)


@writes
def create_first_admin(uow: UnitOfWork, username: str, display_name: str = "",
                       passphrase: str | None = None) -> UserInfo:
    """The first user of a new workspace is its admin (no permission check: there is no one yet)."""
    username = _check_username(username)
    if uow.session.scalar(select(func.count()).select_from(User)):
        raise InputError("this workspace already has users", "add more with workbench users add")
    display_name = display_name or username
    user = User(username=username, display_name=display_name, role="admin",
                passphrase_hash=_hash_passphrase(passphrase, username, display_name) if passphrase else None)
    uow.session.add(user)
    uow.session.flush()
    uow.actor = Actor(username=user.username, role="admin", display_name=user.display_name, verified=True)
    uow.log("user", username, "add", None, {"role": "admin", "display_name": user.display_name,
                                            "passphrase_set": passphrase is not None})
    return _info(user)


@writes
def add_user(
    uow: UnitOfWork, username: str, role: str, display_name: str = "", passphrase: str | None = None
) -> UserInfo:
    """An admin (proven) adds a user; logged with who added them, their role and whether a passphrase was set.

    The passphrase is optional for every role: without one the user acts only as their own OS login
    (or database login), and sets a first one themselves (`set_passphrase` as themselves) before the
    admin or reviewer work that needs a proven identity, or a sign-off."""
    require(uow.actor, "users.manage")
    username, role = _check_username(username), _check_role(role)
    if uow.session.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(f"user '{username}' already exists", "use workbench users list to see them")
    display_name = display_name or username
    user = User(
        username=username, display_name=display_name, role=role,
        passphrase_hash=_hash_passphrase(passphrase, username, display_name) if passphrase else None,
    )
    uow.session.add(user)
    uow.session.flush()
    uow.log(
        "user", username, "add", None,
        {"role": role, "display_name": user.display_name, "passphrase_set": passphrase is not None},
    )
    return _info(user)


def list_users(uow: UnitOfWork) -> list[UserInfo]:
    require(uow.actor, "read")
    return [_info(u) for u in uow.session.scalars(select(User).order_by(User.username))]


def _get(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user '{username}' in this workspace", "see workbench users list")
    return user


@writes
def set_role(uow: UnitOfWork, username: str, role: str, expected_version: int | None = None) -> UserInfo:
    require(uow.actor, "users.manage")
    user, role = _get(uow, username), _check_role(role)
    check_version(user, expected_version, f"user {username}")
    if role != "admin":
        _check_not_last_admin(uow, user)
    before = user.role
    user.role = role
    uow.session.flush()
    uow.log("user", username, "set-role", {"role": before}, {"role": role})
    return _info(user)


@writes
def set_passphrase(uow: UnitOfWork, username: str, passphrase: str) -> None:
    """A user sets their own passphrase; an admin (proven) may reset anyone's.

    Changing an existing passphrase of one's own needs the current one (a proven actor); a user
    with none may set a first one as themselves (their OS login). Every change is logged, a reset
    by an admin as `reset-passphrase` naming the admin.
    """
    user = _get(uow, username)
    own = uow.actor is not None and uow.actor.username == user.username
    if not own:
        require(uow.actor, "users.manage")
    elif user.passphrase_hash is not None and not (uow.actor and uow.actor.verified):
        raise PermissionDeniedError(
            f"changing {username}'s passphrase needs the current one",
            "give it with WORKBENCH_PASSPHRASE or type it when asked (an admin can reset a forgotten one)")
    had = user.passphrase_hash is not None
    user.passphrase_hash = _hash_passphrase(passphrase, user.username, user.display_name)
    uow.session.flush()
    if own:
        uow.log("user", username, "change-passphrase" if had else "set-passphrase",
                {"passphrase_set": had}, {"passphrase_set": True})
    else:
        uow.log("user", username, "reset-passphrase", {"passphrase_set": had},
                {"passphrase_set": True, "by": uow.username})


def _active_admins(uow: UnitOfWork) -> int:
    return uow.session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active)) or 0


def _check_not_last_admin(uow: UnitOfWork, user: User) -> None:
    """Someone must stay able to manage users: the last active admin keeps the role and stays active."""
    if user.role == "admin" and user.active and _active_admins(uow) == 1:
        raise InputError(f"user {user.username} is the workspace's only admin", "make another user admin first")


def _check_may_deactivate(uow: UnitOfWork, user: User) -> None:
    if uow.actor is not None and uow.actor.username == user.username:
        raise InputError("you cannot deactivate yourself", "another admin can deactivate you")
    _check_not_last_admin(uow, user)


def user_decisions(uow: UnitOfWork, username: str) -> dict[str, Decision]:
    """What the acting user may do to `username` now: `role` (change it to a non-admin role),
    `reset_passphrase`, `deactivate`, `reactivate`, `rename`, each with the reason when not."""
    may_manage = allowed(uow.actor, "users.manage")
    user = _get(uow, username)
    if not may_manage:
        return dict.fromkeys(("role", "reset_passphrase", "deactivate", "reactivate", "rename"), may_manage)

    def check(fn: Callable[[], None]) -> Decision:
        try:
            fn()
        except InputError as exc:
            return Decision.refused(exc)
        return ALLOWED

    inactive = Decision(False, f"User {username} is deactivated; reactivate them first.")
    return {
        "role": check(lambda: _check_not_last_admin(uow, user)) if user.active else inactive,
        "reset_passphrase": ALLOWED if user.active else inactive,
        "deactivate": (check(lambda: _check_may_deactivate(uow, user)) if user.active
                       else Decision(False, f"User {username} is already deactivated.")),
        "reactivate": ALLOWED if not user.active else Decision(False, f"User {username} is active."),
        "rename": ALLOWED,
    }


@writes
def set_display_name(uow: UnitOfWork, username: str, display_name: str,
                     expected_version: int | None = None) -> UserInfo:
    """An admin (proven) corrects a user's display name (what packs and the log show beside it)."""
    require(uow.actor, "users.manage")
    user = _get(uow, username)
    check_version(user, expected_version, f"user {username}")
    display_name = " ".join(display_name.split()) or user.username
    if display_name == user.display_name:
        return _info(user)
    before = user.display_name
    user.display_name = display_name
    uow.session.flush()
    uow.log("user", username, "rename", {"display_name": before}, {"display_name": display_name})
    return _info(user)


@writes
def set_active(uow: UnitOfWork, username: str, active: bool, expected_version: int | None = None) -> UserInfo:
    """An admin (proven) deactivates a user (they can no longer sign in or act; their work and its
    history stay) or reactivates one. Nobody deactivates themselves, nor the last active admin."""
    require(uow.actor, "users.manage")
    user = _get(uow, username)
    check_version(user, expected_version, f"user {username}")
    if user.active == active:
        return _info(user)
    if not active:
        _check_may_deactivate(uow, user)
    user.active = active
    uow.session.flush()
    uow.log("user", username, "reactivate" if active else "deactivate", {"active": not active}, {"active": active})
    return _info(user)


def has_passphrase(uow: UnitOfWork, username: str) -> bool:
    return _get(uow, username).passphrase_hash is not None


def check_passphrase(uow: UnitOfWork, username: str, passphrase: str) -> bool:
    return passphrase_matches(_get(uow, username).passphrase_hash, passphrase)
