"""Passphrase hashes (argon2id): one place that hashes and checks a user's passphrase.

The store checks a passphrase when a unit of work is opened for someone who proves who they are;
the users service hashes new ones after its strength rule (services/users.py).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_passphrase(passphrase: str) -> str:
    return _hasher.hash(passphrase)


def passphrase_matches(stored_hash: str | None, passphrase: str | None) -> bool:
    """True only for a stored hash and the passphrase it was made from."""
    if not stored_hash or not passphrase:
        return False
    try:
        return _hasher.verify(stored_hash, passphrase)
    except (VerificationError, InvalidHashError):
        return False
