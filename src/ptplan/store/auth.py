"""Password hashing (argon2) and opaque tokens, shared by the CLI and the API.

Tokens are random strings handed to the client once; only their SHA-256 is stored, so a copy of
the database does not let anyone log in. The hasher and the dummy hash are made on first use, not at
import, so commands that never check a password do not pay for argon2.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

MIN_PASSWORD = 8


@functools.cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    # Verified against when the username is unknown, so timing does not reveal which usernames exist.
    return _hasher().hash("ptplan-dummy-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
