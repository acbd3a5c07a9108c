"""Password hashing (argon2) and opaque tokens, shared by the CLI and the API.

Tokens are random strings handed to the client once; only their SHA-256 is stored, so a copy of
the database does not let anyone log in. The hasher and the dummy hash are made on first use, not at
import, so commands that never check a password do not pay for argon2.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

MIN_PASSWORD = 8  # what the store accepts at all (seeds, demo); people setting a password meet POLICY_MIN
POLICY_MIN = 12  # OWASP ASVS V2.1.1: at least 12 characters
POLICY_MAX = 128  # ASVS V2.1.2: 64 or more are permitted, more than 128 denied
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 = "safely unguessable" for online attacks (~10^8 guesses)
SCORED_CHARS = 72  # zxcvbn refuses longer input (and its work grows with length): the first 72 decide


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


def password_problems(password: str, username: str = "", display_name: str = "") -> list[str]:
    """Why ``password`` is refused by the policy (empty = accepted), as ``en|ja`` message pairs:
    12 to 128 characters (ASVS V2.1.1, V2.1.2) that are not all blank, not the username, and not guessable per zxcvbn (its
    dictionaries hold the most common and breached passwords, names and words; the username, the display
    name and the product name count as known words)."""
    stripped = "".join(c for c in password if not c.isspace())
    if len(password) < POLICY_MIN:
        return [f"expected at least {POLICY_MIN} characters|パスワードは {POLICY_MIN} 文字以上にしてください"]
    if len(password) > POLICY_MAX:
        return [f"expected at most {POLICY_MAX} characters (got {len(password)})"
                f"|パスワードは {POLICY_MAX} 文字以内にしてください（{len(password)} 文字あります）"]
    if not stripped:
        return ["must not be only spaces|パスワードを空白だけにはできません"]
    if username and password.strip().lower() == username.lower():
        return ["must not be the username|ユーザー名と同じパスワードは使えません"]
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:SCORED_CHARS], user_inputs=[u for u in (username, display_name, "ptplan") if u])
    if result["score"] < MIN_SCORE:
        return ["too easy to guess (a common or breached password, a word or a pattern); use a longer phrase"
                "|推測されやすいパスワードです（よく使われる・流出した語や単純な並び）。より長い語句にしてください"]
    return []
