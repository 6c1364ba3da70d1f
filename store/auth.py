"""Who may change things: an optional shared office password, checked in constant time.

The password comes from the settings (settings.py reads ``st.secrets`` for the app; nothing in
``store`` imports streamlit). With no password configured the board is open, and the page says so.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
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

