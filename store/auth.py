"""Who may change things: an optional shared office password, checked in constant time.

The password comes from the settings (settings.py reads ``st.secrets`` for the app; nothing in
``store`` imports streamlit). With no password configured the board is open, and the page says so.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from settings import Settings, load

# What a password guards. Viewing is guarded only when the office asks for it (protect_viewing):
# the usual set-up is a projector in a meeting room where everyone may look but few may change.
EDIT_ACTIONS = frozenset({"upload", "targets", "mappings", "actions", "delete_snapshot"})
ACTIONS = EDIT_ACTIONS | {"view"}


def _normalise(text: str) -> bytes:
    # NFKC: a password typed with a Chinese IME in full-width mode (ｐａｓｓ１２３) still matches.
    return unicodedata.normalize("NFKC", text).encode("utf-8")


def check_password(given: str | None, expected: str | None) -> bool:
    """True only when a password is configured and ``given`` matches it.

    Constant-time comparison (hmac.compare_digest) on UTF-8 bytes, so neither timing nor non-ASCII
    characters give anything away. An empty or missing ``expected`` never matches: "no password set"
    is a policy decision (:class:`AccessPolicy`), not a password everyone knows.
    """
    if not expected or given is None:
        return False
    return hmac.compare_digest(_normalise(given), _normalise(expected))


@dataclass(frozen=True)
class AccessPolicy:
    """The office's access rule, built from its secrets: ``password`` and ``protect_viewing``."""

    password: str | None = field(default=None, repr=False)  # never in a log line
    protect_viewing: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(password=settings.password, protect_viewing=settings.protect_viewing)

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any] | None) -> AccessPolicy:
        """From a secrets mapping (top-level ``password`` / ``protect_viewing`` or an ``[auth]`` table),
        read by settings.load: a wrong value raises settings.SettingsError instead of running open."""
        return cls.from_settings(load({}, secrets))

    @property
    def open(self) -> bool:
        """No password configured: anyone with the address may change targets and upload."""
        return self.password is None

    def required(self, action: str) -> bool:
        """Whether ``action`` ("view", "upload", "targets", …) needs the password."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.open:
            return False
        return action in EDIT_ACTIONS or self.protect_viewing

    def allows(self, action: str, given: str | None = None, *, unlocked: bool = False) -> bool:
        """Whether ``action`` may go ahead: not guarded, already unlocked this session, or the right
        password given now."""
        return not self.required(action) or unlocked or check_password(given, self.password)



# ---------------------------------------------------------------- guessing, slowed down


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    next_try: float = 0.0  # the clock reading before which no try is checked


@dataclass
class Throttle:
    """Slows password guessing per client: ``free`` failures cost nothing, each further one doubles
    the wait before the next try (from ``base`` up to ``max_delay`` seconds), and ``lockout_after``
    failures lock that client out for ``lockout`` seconds. A try during the wait is refused without
    being checked. Records are forgotten ``lockout`` seconds after the last failure or at a success.
    One object serves every session (Streamlit runs them on threads), hence the lock."""

    free: int = 3
    base: float = 2.0
    max_delay: float = 60.0
    lockout_after: int = 10
    lockout: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _records: dict[str, _Record] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wait(self, who: str) -> float:
        """Seconds until ``who`` may try again (0: now)."""
        with self._lock:
            record = self._current(who)
            return max(0.0, record.next_try - self.clock()) if record else 0.0

    def failed(self, who: str) -> tuple[int, float]:
        """Count a wrong password; returns (failures so far, seconds before the next try)."""
        with self._lock:
            now = self.clock()
            record = self._current(who) or self._records.setdefault(who, _Record())
            record.failures += 1
            record.last = now
            over = record.failures - self.free
            delay = 0.0 if over <= 0 else min(self.max_delay, self.base * 2 ** (over - 1))
            if record.failures >= self.lockout_after:
                delay = self.lockout
            record.next_try = now + delay
            return record.failures, delay

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._records.pop(who, None)

    def locked_out(self, who: str) -> bool:
        with self._lock:
            record = self._current(who)
            return record is not None and record.failures >= self.lockout_after and record.next_try > self.clock()

    def _current(self, who: str) -> _Record | None:
        record = self._records.get(who)
        if record is not None and self.clock() - record.last >= self.lockout and record.next_try <= self.clock():
            del self._records[who]  # quiet long enough: start afresh
            return None
        return record


# ---------------------------------------------------------------- who may reach the board at all

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(address: str | None) -> bool:
    """Whether a listening address reaches this computer only: 127.0.0.0/8, ::1 or localhost. None or
    "" is Streamlit's "every interface", the opposite."""
    name = (address or "").strip().strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header: without port or IPv6 brackets, lower case, no trailing dot."""
    text = header.strip().lower()
    if text.startswith("["):  # [::1]:8501
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:  # name:port (a bare IPv6 address has more colons)
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def host_allowed(header: str | None, allowed: tuple[str, ...] = ()) -> bool:
    """Whether a request's Host names this board: a loopback name or one the office configured
    (``allowed_hosts``). Any other name is how DNS rebinding reaches a loopback board from a web page.
    ``None`` is no HTTP request at all (AppTest); an empty header is refused."""
    if header is None:
        return True
    name = host_name(header)
    return bool(name) and (is_loopback(name) or name in allowed)
