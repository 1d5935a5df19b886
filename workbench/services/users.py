"""Users, roles and reviewer sign-off passphrases (argon2)."""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from workbench.errors import InputError, NotFoundError
from workbench.services.access import ROLES, require
from workbench.store.models import User
from workbench.store.uow import Actor, UnitOfWork, check_version

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,119}$")
MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class UserInfo:
    username: str
    version: int
    display_name: str
    role: str
    active: bool
    has_passphrase: bool
    created_at: datetime


def current_os_user() -> str:
    """The OS login, the default identity when no --user is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


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


def _hash_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(f"a sign-off passphrase needs at least {MIN_PASSPHRASE} characters")
    return _hasher.hash(passphrase)


def create_first_admin(uow: UnitOfWork, username: str, display_name: str = "") -> UserInfo:
    """The first user of a new workspace is its admin (no permission check: there is no one yet)."""
    username = _check_username(username)
    if uow.session.scalar(select(func.count()).select_from(User)):
        raise InputError("this workspace already has users", "add more with workbench users add")
    user = User(username=username, display_name=display_name or username, role="admin")
    uow.session.add(user)
    uow.session.flush()
    uow.actor = Actor(username=user.username, role="admin", display_name=user.display_name)
    uow.log("user", username, "add", None, {"role": "admin", "display_name": user.display_name})
    return _info(user)


def add_user(
    uow: UnitOfWork, username: str, role: str, display_name: str = "", passphrase: str | None = None
) -> UserInfo:
    require(uow.actor, "users.manage")
    username, role = _check_username(username), _check_role(role)
    if uow.session.scalar(select(User).where(User.username == username)) is not None:
        raise InputError(f"user '{username}' already exists", "use workbench users list to see them")
    user = User(
        username=username, display_name=display_name or username, role=role,
        passphrase_hash=_hash_passphrase(passphrase) if passphrase else None,
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


def set_role(uow: UnitOfWork, username: str, role: str, expected_version: int | None = None) -> UserInfo:
    require(uow.actor, "users.manage")
    user, role = _get(uow, username), _check_role(role)
    check_version(user, expected_version, f"user {username}")
    if user.role == "admin" and role != "admin":
        admins = uow.session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active))
        if admins == 1:
            raise InputError("this is the workspace's only admin", "make another user admin first")
    before = user.role
    user.role = role
    uow.session.flush()
    uow.log("user", username, "set-role", {"role": before}, {"role": role})
    return _info(user)


def set_passphrase(uow: UnitOfWork, username: str, passphrase: str) -> None:
    """A user sets their own sign-off passphrase; an admin may reset anyone's."""
    if uow.actor is None or uow.actor.username != username:
        require(uow.actor, "users.manage")
    user = _get(uow, username)
    had = user.passphrase_hash is not None
    user.passphrase_hash = _hash_passphrase(passphrase)
    uow.session.flush()
    uow.log("user", username, "set-passphrase", {"passphrase_set": had}, {"passphrase_set": True})


def check_passphrase(uow: UnitOfWork, username: str, passphrase: str) -> bool:
    user = _get(uow, username)
    if user.passphrase_hash is None:
        return False
    try:
        return _hasher.verify(user.passphrase_hash, passphrase)
    except (VerificationError, InvalidHashError):
        return False
