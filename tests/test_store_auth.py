"""The office password: constant-time check and the access policy."""

from __future__ import annotations

import pytest

from store.auth import AccessPolicy, check_password


def test_check_password() -> None:
    assert check_password("桃园2026", "桃园2026")
    assert not check_password("桃园2025", "桃园2026")
    assert not check_password("", "secret")
    assert not check_password(None, "secret")
    assert check_password("ｐａｓｓ１２３", "pass123")  # typed with a full-width IME
    assert not check_password("pass123 ", "pass123")


@pytest.mark.parametrize("expected", [None, ""])
def test_no_configured_password_never_matches(expected) -> None:
    assert not check_password("", expected)
    assert not check_password("anything", expected)


def test_open_policy_guards_nothing() -> None:
    policy = AccessPolicy.from_secrets({})
    assert policy.open
    assert not policy.required("upload") and not policy.required("view")
    assert policy.allows("targets")


def test_password_guards_changes_but_not_viewing() -> None:
    policy = AccessPolicy.from_secrets({"password": "s3cret"})
    assert not policy.open
    assert policy.required("upload") and policy.required("targets") and policy.required("actions")
    assert not policy.required("view") and policy.allows("view")
    assert not policy.allows("upload") and not policy.allows("upload", "wrong")
    assert policy.allows("upload", "s3cret")
    assert policy.allows("upload", unlocked=True)


def test_protect_viewing_from_an_auth_section() -> None:
    policy = AccessPolicy.from_secrets({"auth": {"password": "s3cret", "protect_viewing": "true"}})
    assert policy.required("view") and not policy.allows("view", "nope") and policy.allows("view", "s3cret")
    # protect_viewing without a password cannot lock anyone out
    assert not AccessPolicy(password=None, protect_viewing=True).required("view")


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        AccessPolicy("x").required("dance")


def test_policy_repr_hides_the_password() -> None:
    # a policy logged or shown in a traceback must not print the password
    assert "s3cret" not in repr(AccessPolicy("s3cret"))
