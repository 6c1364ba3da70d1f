"""Users and roles of a street hub (hub mode): who may do what, and passwords hashed with argon2.

A :class:`Role` carries its rights (``Role.allows``): the app, the CLI and the store ask it, nothing
compares role names. Only an argon2id hash is stored (argon2-cffi's ``PasswordHasher``); a hash made
with weaker parameters than today's is replaced at the next successful login. Nothing here logs or
keeps a password. A single-community install has no users: its shared password is store/auth.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Right(StrEnum):
    """One thing a user may do. The first six are the actions the app's gate (ui/auth.py) already names."""

    VIEW = "view"  # a community's board (its own, or any for the street)
    UPLOAD = "upload"  # ledgers, evidence, rollback, meeting snapshots
    TARGETS = "targets"  # the community's own targets
    MAPPINGS = "mappings"  # column mappings of an unknown sheet
    ACTIONS = "actions"  # 督办事项 and check-ins
    DELETE_SNAPSHOT = "delete_snapshot"
    STREET = "street"  # every community's results, read-only: the street pages
    STREET_TARGETS = "street_targets"  # street-wide target defaults
    USERS = "users"  # create users, reset passwords, disable


COMMUNITY_WRITES = frozenset({Right.UPLOAD, Right.TARGETS, Right.MAPPINGS, Right.ACTIONS, Right.DELETE_SNAPSHOT})


class Role(StrEnum):
    """The three roles of the hub; the value is what the users table stores."""

    STREET_ADMIN = "street_admin"  # 街道管理员
    CLERK = "clerk"  # 居委会录入员
    MEMBER = "member"  # 居委会委员

    @property
    def rights(self) -> frozenset[Right]:
        return _RIGHTS[self]

    def allows(self, right: Right | str) -> bool:
        return Right(right) in _RIGHTS[self]

    @property
    def one_community(self) -> bool:
        """Whether the role belongs to one community (and sees only it); the street's role has none."""
        return Right.STREET not in _RIGHTS[self]

    @property
    def label_key(self) -> str:
        """The i18n key of the role's name (街道管理员 …)."""
        return f"users.role.{self.value}"


_RIGHTS: Mapping[Role, frozenset[Right]] = {
    Role.STREET_ADMIN: frozenset({Right.VIEW, Right.STREET, Right.STREET_TARGETS, Right.USERS}),
    Role.CLERK: frozenset({Right.VIEW}) | COMMUNITY_WRITES,
    Role.MEMBER: frozenset({Right.VIEW}),
}


class UserError(ValueError):
    """A user cannot be created or changed as asked; ``text(lang)`` is the message for the screen."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(f"{key} {fields}")

    def __str__(self) -> str:
        return self.text("zh")

    def text(self, lang: str) -> str:
        from i18n import t

        return t(self.key, lang, **self.fields)


@dataclass(frozen=True)
class User:
    """A user as the app sees one: never the hash."""

    id: int
    username: str
    role: Role
    community_id: int | None
    disabled: bool = False
    created_at: str = ""

    def allows(self, right: Right | str) -> bool:
        return not self.disabled and self.role.allows(right)


# ---------------------------------------------------------------- passwords

HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106) parameters
MIN_PASSWORD = 8
USERNAME_LENGTH = (2, 32)
# verify() hashes even for an unknown name, so the time taken does not tell which names exist
_DUMMY_HASH = HASHER.hash("not a password of anyone")


def _normalise(text: str) -> str:
    # NFKC as the shared password: typed with a Chinese IME in full-width mode (ｐａｓｓ) it still matches
    return unicodedata.normalize("NFKC", text)


def normalise_username(name: str) -> str:
    """The stored form of a user name: NFKC, trimmed, lower case (张三 and ZHANG both stay readable)."""
    return _normalise(name).strip().casefold()


def check_username(name: str) -> str:
    username = normalise_username(name)
    low, high = USERNAME_LENGTH
    if not low <= len(username) <= high or any(c.isspace() or not c.isprintable() for c in username):
        raise UserError("users.error.username", low=low, high=high)
    return username


def hash_password(password: str) -> str:
    """The argon2id hash of a new password; refuses one shorter than MIN_PASSWORD characters."""
    if len(_normalise(password)) < MIN_PASSWORD:
        raise UserError("users.error.short", n=MIN_PASSWORD)
    return HASHER.hash(_normalise(password))


def password_matches(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """(whether ``password`` matches, the new hash to store when the old one's parameters are outdated)."""
    try:
        HASHER.verify(stored_hash, _normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    return True, (HASHER.hash(_normalise(password)) if HASHER.check_needs_rehash(stored_hash) else None)


# ---------------------------------------------------------------- the users table


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _table() -> Any:
    from store.schema import users

    return users


def _tx(engine: Any, *, write: bool) -> Any:
    """One transaction outside any community (the users table is the street's, not a community's)."""
    from store.engine import scoped

    return scoped(engine, (), write=write)


def _user(row: Any) -> User:
    return User(id=int(row.id), username=row.username, role=Role(row.role), community_id=row.community_id,
                disabled=bool(row.disabled), created_at=row.created_at or "")


def _check_community(engine: Any, role: Role, community_id: int | None) -> int | None:
    if not role.one_community:
        return None  # the street's role sees every community and belongs to none
    from store.communities import community_by_id

    if community_id is None or community_by_id(engine, int(community_id)) is None:
        raise UserError("users.error.community")
    return int(community_id)


def create_user(engine: Any, username: str, password: str, role: Role | str, community_id: int | None = None) -> User:
    """A new user; raises UserError for a taken or malformed name, a short password, a community
    missing for a community's role."""
    import sqlalchemy as sa

    role = Role(role)
    name = check_username(username)
    community = _check_community(engine, role, community_id)
    digest = hash_password(password)
    users = _table()
    try:
        with _tx(engine, write=True) as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first() is not None:
                raise UserError("users.error.taken", username=name)
            new_id = conn.execute(users.insert().values(username=name, password_hash=digest, role=role.value,
                                                        community_id=community, created_at=_now(), disabled=0)
                                  ).inserted_primary_key[0]
    except sa.exc.IntegrityError as exc:  # the same name made at the same moment elsewhere
        raise UserError("users.error.taken", username=name) from exc
    found = get_user(engine, int(new_id))
    assert found is not None
    return found


def verify(engine: Any, username: str, password: str) -> User | None:
    """The user when ``password`` is theirs and they are not disabled, else None (the same time is
    spent either way). A hash with outdated parameters is replaced on success."""
    import sqlalchemy as sa

    users = _table()
    with _tx(engine, write=False) as conn:
        row = conn.execute(sa.select(users).where(users.c.username == normalise_username(username))).first()
    if row is None or row.disabled:
        password_matches(_DUMMY_HASH, password)
        return None
    ok, new_hash = password_matches(row.password_hash, password)
    if not ok:
        return None
    if new_hash is not None:
        with _tx(engine, write=True) as conn:
            conn.execute(users.update().where(users.c.id == row.id).values(password_hash=new_hash))
    return _user(row)


def get_user(engine: Any, user_id: int) -> User | None:
    import sqlalchemy as sa

    users = _table()
    with _tx(engine, write=False) as conn:
        row = conn.execute(sa.select(users).where(users.c.id == int(user_id))).first()
    return None if row is None else _user(row)


def list_users(engine: Any) -> list[User]:
    import sqlalchemy as sa

    users = _table()
    with _tx(engine, write=False) as conn:
        return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.community_id, users.c.username))]


def set_password(engine: Any, user_id: int, password: str) -> None:
    """A new password (reset by the street's administrator, or `cli.py users passwd`)."""
    digest = hash_password(password)
    _update(engine, user_id, password_hash=digest)


def set_disabled(engine: Any, user_id: int, disabled: bool) -> None:
    """Disable (or enable again): a disabled user cannot log in and an open session of theirs ends."""
    _update(engine, user_id, disabled=1 if disabled else 0)


def _update(engine: Any, user_id: int, **values: Any) -> None:
    users = _table()
    with _tx(engine, write=True) as conn:
        if conn.execute(users.update().where(users.c.id == int(user_id)).values(**values)).rowcount != 1:
            raise UserError("users.error.missing")
