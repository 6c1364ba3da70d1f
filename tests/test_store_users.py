"""Users and roles of the hub (store/users.py): each role's rights, argon2 hashes, verify, rehash,
disabling, and what is refused. The tables are the store's own, on SQLite and on PostgreSQL (db_url)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from store import users
from store.users import Right, Role, UserError

# role → right → allowed, by hand from issue #15 item 3
RIGHTS = [
    (Role.STREET_ADMIN, Right.VIEW, True), (Role.STREET_ADMIN, Right.STREET, True),
    (Role.STREET_ADMIN, Right.STREET_TARGETS, True), (Role.STREET_ADMIN, Right.USERS, True),
    (Role.STREET_ADMIN, Right.UPLOAD, False), (Role.STREET_ADMIN, Right.TARGETS, False),
    (Role.STREET_ADMIN, Right.ACTIONS, False), (Role.STREET_ADMIN, Right.DELETE_SNAPSHOT, False),
    (Role.STREET_ADMIN, Right.MAPPINGS, False),
    (Role.CLERK, Right.VIEW, True), (Role.CLERK, Right.UPLOAD, True), (Role.CLERK, Right.TARGETS, True),
    (Role.CLERK, Right.ACTIONS, True), (Role.CLERK, Right.MAPPINGS, True), (Role.CLERK, Right.DELETE_SNAPSHOT, True),
    (Role.CLERK, Right.STREET, False), (Role.CLERK, Right.USERS, False), (Role.CLERK, Right.STREET_TARGETS, False),
    (Role.MEMBER, Right.VIEW, True), (Role.MEMBER, Right.UPLOAD, False), (Role.MEMBER, Right.TARGETS, False),
    (Role.MEMBER, Right.ACTIONS, False), (Role.MEMBER, Right.MAPPINGS, False),
    (Role.MEMBER, Right.DELETE_SNAPSHOT, False), (Role.MEMBER, Right.STREET, False), (Role.MEMBER, Right.USERS, False),
    (Role.MEMBER, Right.STREET_TARGETS, False),
]


@pytest.mark.parametrize(("role", "right", "allowed"), RIGHTS)
def test_each_role_carries_its_rights(role: Role, right: Right, allowed: bool) -> None:
    assert role.allows(right) is allowed
    assert role.allows(right.value) is allowed  # the app's gate names actions by their string


def test_every_right_of_every_role_is_in_the_table() -> None:
    assert {(r, g) for r, g, _ in RIGHTS} == {(r, g) for r in Role for g in Right}


@pytest.mark.parametrize(("role", "one_community", "label"), [
    (Role.STREET_ADMIN, False, "街道管理员"), (Role.CLERK, True, "居委会录入员"), (Role.MEMBER, True, "居委会委员")])
def test_roles_of_one_community_and_their_names(role: Role, one_community: bool, label: str) -> None:
    from i18n import t

    assert role.one_community is one_community
    assert t(role.label_key, "zh") == label


def test_an_unknown_right_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Role.CLERK.allows("dance")


def test_a_disabled_user_may_do_nothing() -> None:
    user = users.User(id=1, username="a", role=Role.CLERK, community_id=1, disabled=True)
    assert not any(user.allows(r) for r in Right)


# ---------------------------------------------------------------- passwords


def test_the_hash_is_argon2id_and_never_the_password() -> None:
    digest = users.hash_password("桃园Clerk-2026")
    assert digest.startswith("$argon2id$") and "桃园Clerk-2026" not in digest
    assert users.password_matches(digest, "桃园Clerk-2026") == (True, None)
    assert users.password_matches(digest, "桃园Clerk-2025") == (False, None)
    assert users.password_matches(digest, "ｐａｓｓ")[0] is False
    full_width = users.hash_password("ｐａｓｓｗｏｒｄ１２")  # typed with a full-width IME
    assert users.password_matches(full_width, "password12")[0]


def test_a_weak_hash_is_replaced_by_a_current_one() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("桃园Clerk-2026")
    ok, new = users.password_matches(old, "桃园Clerk-2026")
    assert ok and new is not None and new != old
    assert users.password_matches(new, "桃园Clerk-2026") == (True, None)


@pytest.mark.parametrize(("password", "fine"), [("1234567", False), ("12345678", True), ("", False),
                                                ("七个汉字也不够", False), ("八个汉字刚好够了", True)])
def test_a_new_password_has_at_least_eight_characters(password: str, fine: bool) -> None:
    if fine:
        assert users.hash_password(password).startswith("$argon2id$")
    else:
        with pytest.raises(UserError) as caught:
            users.hash_password(password)
        assert caught.value.text("zh") == "密码至少 8 个字符。"


@pytest.mark.parametrize(("given", "stored"), [("Zhang.San", "zhang.san"), ("  lily ", "lily"), ("张三", "张三"),
                                               ("ＡＢＣ", "abc")])
def test_user_names_are_stored_in_one_form(given: str, stored: str) -> None:
    assert users.check_username(given) == stored


@pytest.mark.parametrize("name", ["a", "zhang san", "x" * 33, "tab\there", ""])
def test_malformed_user_names_are_refused(name: str) -> None:
    with pytest.raises(UserError):
        users.check_username(name)


# ---------------------------------------------------------------- the users table


@pytest.fixture
def engine(db_url: str, tmp_path: Path):
    """The users table on SQLite and on PostgreSQL as the app's role (no BYPASSRLS, not the owner)."""
    from tests.support.postgres import open_db

    return open_db(db_url, tmp_path / "data")


@pytest.fixture
def two(engine):
    from store.communities import ensure_community

    return ensure_community(engine, "桃园社区").id, ensure_community(engine, "梅林社区").id


def test_create_and_verify(engine, two) -> None:
    a, _ = two
    clerk = users.create_user(engine, "Lily", "桃园Clerk-2026", Role.CLERK, a)
    assert (clerk.username, clerk.role, clerk.community_id, clerk.disabled) == ("lily", Role.CLERK, a, False)
    assert users.verify(engine, "LILY", "桃园Clerk-2026") == clerk
    assert users.verify(engine, "lily", "wrong-password") is None
    assert users.verify(engine, "nobody", "桃园Clerk-2026") is None
    assert users.get_user(engine, clerk.id) == clerk and users.list_users(engine) == [clerk]


def test_the_street_admin_belongs_to_no_community(engine, two) -> None:
    admin = users.create_user(engine, "street", "街道Admin-2026", "street_admin", two[0])
    assert admin.community_id is None and admin.role is Role.STREET_ADMIN


@pytest.mark.parametrize("community", [None, 999])
def test_a_committee_user_needs_an_existing_community(engine, two, community) -> None:
    with pytest.raises(UserError) as caught:
        users.create_user(engine, "lily", "桃园Clerk-2026", Role.MEMBER, community)
    assert caught.value.key == "users.error.community"
    assert users.list_users(engine) == []


def test_a_taken_name_is_refused(engine, two) -> None:
    users.create_user(engine, "lily", "桃园Clerk-2026", Role.CLERK, two[0])
    with pytest.raises(UserError) as caught:
        users.create_user(engine, "Lily", "另一个密码-2026", Role.MEMBER, two[1])
    assert caught.value.text("zh") == "用户名 lily 已被使用。"


def test_disabled_users_cannot_log_in_until_enabled(engine, two) -> None:
    clerk = users.create_user(engine, "lily", "桃园Clerk-2026", Role.CLERK, two[0])
    users.set_disabled(engine, clerk.id, True)
    assert users.verify(engine, "lily", "桃园Clerk-2026") is None
    assert users.get_user(engine, clerk.id).disabled
    users.set_disabled(engine, clerk.id, False)
    assert users.verify(engine, "lily", "桃园Clerk-2026") is not None


def test_a_reset_password_replaces_the_old_one(engine, two) -> None:
    clerk = users.create_user(engine, "lily", "桃园Clerk-2026", Role.CLERK, two[0])
    users.set_password(engine, clerk.id, "新密码New-2027")
    assert users.verify(engine, "lily", "桃园Clerk-2026") is None
    assert users.verify(engine, "lily", "新密码New-2027") == clerk
    with pytest.raises(UserError):
        users.set_password(engine, 999, "新密码New-2027")


def test_login_replaces_a_weak_stored_hash(engine, two) -> None:
    import sqlalchemy as sa

    from store.schema import users as table

    clerk = users.create_user(engine, "lily", "桃园Clerk-2026", Role.CLERK, two[0])
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("桃园Clerk-2026")
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == clerk.id).values(password_hash=weak))
    assert users.verify(engine, "lily", "桃园Clerk-2026") == clerk
    with engine.connect() as conn:
        stored = conn.execute(sa.select(table.c.password_hash).where(table.c.id == clerk.id)).scalar_one()
    assert stored != weak and not PasswordHasher().check_needs_rehash(stored)
