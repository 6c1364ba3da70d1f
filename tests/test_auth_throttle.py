"""Password guessing is slowed down per client, then locked out, and logged without the attempt."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store.auth import Throttle
from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "桃园Office-2026"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# failure number -> the wait it imposes (free=3, base=2, doubling, max 60, lockout 900 s at 10)
@pytest.mark.parametrize(("failures", "wait"), [(1, 0), (2, 0), (3, 0), (4, 2), (5, 4), (6, 8), (7, 16),
                                                (8, 32), (9, 60), (10, 900)])
def test_each_failure_past_the_free_ones_doubles_the_wait_then_locks_out(failures: int, wait: float) -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(failures - 1):
        clock.now += throttle.wait("a")  # a patient guesser: waits each time, still slowed
        throttle.failed("a")
    clock.now += throttle.wait("a")
    assert throttle.failed("a") == (failures, wait)
    assert throttle.wait("a") == wait
    assert throttle.locked_out("a") == (failures >= 10)
    assert throttle.wait("b") == 0  # another client is not slowed by this one


def test_the_wait_runs_down_and_success_or_a_quiet_spell_forgets() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.failed("a")
    assert throttle.wait("a") == 2
    clock.now += 1.5
    assert throttle.wait("a") == 0.5
    clock.now += 0.5
    assert throttle.wait("a") == 0
    throttle.succeeded("a")
    assert throttle.failed("a") == (1, 0)  # counting starts again
    clock.now += 900
    assert throttle.failed("a") == (1, 0)  # 15 quiet minutes: forgotten


pytestmark = pytest.mark.usefixtures("app_sandbox")


def attempt(at: AppTest, given: str) -> list[str]:
    at.text_input(key="auth_pw_view").input(given)
    next(b for b in at.button if b.form_id == "auth_unlock_view").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return [e.value for e in at.error]


def test_the_app_slows_guessing_refuses_early_tries_and_logs_no_attempt(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from ui import auth

    clock = Clock()
    monkeypatch.setattr(auth, "THROTTLE", Throttle(clock=clock))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["password"], at.secrets["protect_viewing"] = PASSWORD, True
    at.run()
    caplog.set_level(logging.WARNING, logger="dashboard.auth")
    for n in range(3):
        assert attempt(at, f"guess-{n}") == ["密码不正确"]
    assert attempt(at, "guess-3") == ["密码不正确。错误次数较多，请 2 秒后再试（在此之前输入的密码不会被检查）"]
    # the right password within the wait is not even checked
    assert attempt(at, PASSWORD) == ["错误次数较多，请 2 秒后再试（在此之前输入的密码不会被检查）"]
    assert keys.VIEW not in at.session_state
    clock.now += 2
    assert attempt(at, PASSWORD) == []
    assert len(at.session_state[keys.VIEW].results.metrics) == 46
    logged = caplog.text
    assert logged.count("wrong password from local on the view form") == 4 and "4 in a row" in logged
    assert "refused unchecked" in logged
    assert "guess-" not in logged and PASSWORD not in logged
