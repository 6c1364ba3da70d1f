"""Every user-facing string, Chinese first and English beside it.

Each area keeps its strings in its own module (``MESSAGES: dict[key, (zh, en)]``); this package merges
them into one catalogue and refuses duplicate keys, so a label is defined exactly once.
"""

from __future__ import annotations

from importlib import import_module

LANGS = ("zh", "en")
_AREAS = ("common", "reader", "metrics", "ui", "report", "store", "meeting", "settings", "book", "binder", "hub",
          "users")


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in _AREAS:
        try:
            module = import_module(f"i18n.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"i18n.{area}":
                raise
            continue
        for key, pair in module.MESSAGES.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice (again in i18n/{area}.py)")
            merged[key] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _merge()


def t(key: str, lang: str = "zh", **fields: object) -> str:
    """The text for ``key`` in ``lang`` ("zh" or "en"), with ``{fields}`` filled in."""
    zh, en = CATALOGUE[key]
    text = en if lang == "en" else zh
    return text.format(**fields) if fields else text
