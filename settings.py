"""Every setting of the dashboard in one place: the environment and the secrets file.

``SETTINGS`` lists each one with where it comes from, how it is read and what it means; README's
settings table shows the same list (tests/test_settings.py keeps them equal). Nothing else reads
``os.environ`` or ``st.secrets`` for a setting: the app calls :func:`load` with both, the CLI and the
layers below the app call :func:`from_env`.

Fail closed: a value of the wrong type, an unknown key in the secrets file (``pasword = …`` would
otherwise run without a password) or a secrets file that does not parse raises :class:`SettingsError`,
and the app then shows only that message. This module never imports streamlit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

_TRUE = frozenset({"true", "yes", "on", "1", "是"})
_FALSE = frozenset({"false", "no", "off", "0", "否", ""})


class Source(StrEnum):
    ENV = "environment"
    SECRETS = ".streamlit/secrets.toml"


class SettingsError(ValueError):
    """A setting the app cannot trust: it must not run (and never runs open)."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(f"{key} {fields}")

    def __str__(self) -> str:  # the CLI's one readable line
        return self.text("zh")

    def text(self, lang: str) -> str:
        from i18n import t  # here, not at import: the reader's child imports settings and renders nothing

        return t(self.key, lang, **self.fields)


def _text(name: str, value: Any) -> str | None:
    if not isinstance(value, str):
        raise SettingsError("settings.error.not_text", name=name, value=repr(value))
    return value or None


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingsError("settings.error.not_flag", name=name, value=repr(value))


def _whole(name: str, value: Any, least: int, key: str) -> int:
    """A whole number of at least ``least`` (a bool is not one), else ``key``'s error naming the setting."""
    try:
        number = int(value) if isinstance(value, int | str) and not isinstance(value, bool) else least - 1
    except ValueError:
        number = least - 1
    if number < least:
        raise SettingsError(key, name=name, value=repr(value))
    return number


def _count(name: str, value: Any) -> int:
    return _whole(name, value, 1, "settings.error.not_count")


def _megabytes(name: str, value: Any) -> int:
    """A size in MB, 0 included."""
    return _whole(name, value, 0, "settings.error.not_megabytes")


def _path(name: str, value: Any) -> Path | None:
    return Path(text) if (text := _text(name, value)) else None


def _program(name: str, value: Any) -> str:
    """A file path where set but empty means "none" (kept apart from not set, which is None)."""
    if not isinstance(value, str):
        raise SettingsError("settings.error.not_text", name=name, value=repr(value))
    return value


def _hosts(name: str, value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(h, str) for h in items):
        raise SettingsError("settings.error.not_hosts", name=name, value=repr(value))
    return tuple(h.strip().lower() for h in items if h.strip())


@dataclass(frozen=True, kw_only=True)
class Setting:
    """One setting: its name where it is set, the attribute of :class:`Settings` it fills, its reader."""

    name: str
    attr: str
    source: Source
    read: Callable[[str, Any], Any]
    doc: str  # the README's words (English; the README table shows them)


SETTINGS: tuple[Setting, ...] = (
    Setting(name="password", attr="password", source=Source.SECRETS, read=_text,
            doc="The office password: uploading, editing targets, action items and deleting snapshots ask for it."),
    Setting(name="protect_viewing", attr="protect_viewing", source=Source.SECRETS, read=_flag,
            doc="`true`: looking at the board asks for the password too (needs `password`)."),
    Setting(name="allowed_hosts", attr="allowed_hosts", source=Source.SECRETS, read=_hosts,
            doc="Host names the board answers besides localhost/127.0.0.1/::1, e.g. `[\"board.office.lan\"]`."),
    Setting(name="DASHBOARD_DATA_DIR", attr="data_dir", source=Source.ENV, read=_path,
            doc="The data folder (SQLite file of snapshots, targets, mappings). Default `./data`."),
    Setting(name="DASHBOARD_SECRET", attr="secret", source=Source.ENV, read=_text,
            doc="The key of the PII hashes; default: the key file in the key folder, made on first run."),
    Setting(name="DASHBOARD_KEY_DIR", attr="key_dir", source=Source.ENV, read=_path,
            doc="The key folder, kept apart from the data folder. Default `$XDG_CONFIG_HOME/shequ-dashboard`."),
    Setting(name="XDG_CONFIG_HOME", attr="config_home", source=Source.ENV, read=_path,
            doc="The usual home of user settings; default `~/.config`."),
    Setting(name="DASHBOARD_DATABASE_URL", attr="database_url", source=Source.ENV, read=_text,
            doc="The database: unset, the SQLite file in the data folder; `postgresql+psycopg://user:pw@host/db` "
                "for PostgreSQL (the app's role: no BYPASSRLS, not the tables' owner)."),
    Setting(name="DASHBOARD_DATABASE_OWNER_URL", attr="database_owner_url", source=Source.ENV, read=_text,
            doc="PostgreSQL only: the role that owns the tables and runs the migrations on start; "
                "default `DASHBOARD_DATABASE_URL`. The app's role is then granted rows only."),
    Setting(name="DASHBOARD_HUB", attr="hub", source=Source.ENV, read=_flag,
            doc="`1`: the street hub (街道) — logins with roles, several communities, the street pages. Default off."),
    Setting(name="DASHBOARD_STREET", attr="street", source=Source.ENV, read=_text,
            doc="The street's id (e.g. `静安区石门二路街道`): the hub's title, and signed into every report package its communities export."),
    Setting(name="DASHBOARD_STREET_KEY", attr="street_key", source=Source.ENV, read=_text,
            doc="The street's key for report packages (HMAC-SHA-256), the same on the hub and its communities' installs; a package signed with another key is refused."),
    Setting(name="DASHBOARD_PARSER_CHILDREN", attr="parser_children", source=Source.ENV, read=_count,
            doc="How many uploads are parsed at once (each in its own capped child process). Default 2."),
    Setting(name="LEDGERS_SPLIT_MB", attr="split_mb", source=Source.ENV, read=_megabytes,
            doc="A workbook whose sheets hold at least this many MB of XML is read by two processes (the parser "
                "child and a fork of it, each capped at half its memory). Default 16 (about 45,000 rows); `0`: "
                "every workbook of two sheets or more (tests)."),
    Setting(name="REPORT_CHROMIUM", attr="chromium", source=Source.ENV, read=_program,
            doc="The Chromium that prints the PDF; default: Debian's `/usr/bin/chromium`. Empty: no PDF."),
    Setting(name="REPORT_CJK_FONT", attr="cjk_font", source=Source.ENV, read=_program,
            doc="The Chinese font file embedded in the PDF; default: WenQuanYi Micro Hei. Empty: none."),
    Setting(name="LEDGERS_IN_PROCESS", attr="ledgers_in_process", source=Source.ENV, read=_flag,
            doc="Tests only: `1` parses uploads in the server process instead of a child."),
    Setting(name="DASHBOARD_FAULT", attr="fault", source=Source.ENV, read=_text,
            doc="Crash tests only: `<point>`, `<point>:raise` or `<point>:hang` stops a store write at that point."),
    Setting(name="DASHBOARD_FAULT_MARKER", attr="fault_marker", source=Source.ENV, read=_path,
            doc="Crash tests only: the file a `:hang` fault touches when it is reached."),
)


_HIDDEN = frozenset({"password", "secret", "database_url", "database_owner_url", "street_key"})  # URLs hold passwords


@dataclass(frozen=True)
class Settings:
    """The values, typed; the default where nothing was set. ``chromium`` and ``cjk_font`` keep "set
    but empty" (``""``: none) apart from "not set" (``None``: look in the usual places)."""

    password: str | None = None
    protect_viewing: bool = False
    allowed_hosts: tuple[str, ...] = ()
    data_dir: Path = Path("data")
    secret: str | None = None
    key_dir: Path | None = None
    config_home: Path | None = None
    database_url: str | None = None
    database_owner_url: str | None = None
    hub: bool = False
    street: str | None = None
    street_key: str | None = None
    parser_children: int = 2
    split_mb: int = 16
    chromium: str | None = None
    cjk_font: str | None = None
    ledgers_in_process: bool = False
    fault: str | None = None
    fault_marker: Path | None = None

    def __repr__(self) -> str:  # never the password or the key in a log line or a traceback
        shown = {f.name: ("***" if f.name in _HIDDEN and getattr(self, f.name) else getattr(self, f.name))
                 for f in fields(self)}
        return f"Settings({shown})"


def load(environ: Mapping[str, str], secrets: Mapping[str, Any] | None) -> Settings:
    """The settings from the environment and the secrets (top level, or ``password`` /
    ``protect_viewing`` inside an ``[auth]`` table). Raises :class:`SettingsError`."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.source is Source.ENV and setting.name in environ:
            values[setting.attr] = setting.read(setting.name, environ[setting.name])
    by_name = {s.name: s for s in SETTINGS if s.source is Source.SECRETS}
    for name, raw in _secret_items(secrets or {}).items():
        if name not in by_name:
            raise SettingsError("settings.error.unknown", name=name, known="、".join(sorted(by_name)))
        values[by_name[name].attr] = by_name[name].read(name, raw)
    result = Settings(**{k: v for k, v in values.items() if v is not None})
    if result.protect_viewing and result.password is None:
        raise SettingsError("settings.error.protect_without_password")
    return result


def _secret_items(secrets: Mapping[str, Any]) -> dict[str, Any]:
    items = {k: v for k, v in secrets.items() if k != "auth"}
    auth = secrets.get("auth")
    if auth is not None:
        if not isinstance(auth, Mapping):
            raise SettingsError("settings.error.unknown", name="auth",
                                known="password、protect_viewing")
        for key, value in auth.items():
            items[f"{key}" if key in {"password", "protect_viewing"} else f"auth.{key}"] = value
    return items


def from_env() -> Settings:
    """The settings of the environment alone (the CLI, the reader, the store, the PDF)."""
    return load(os.environ, None)
