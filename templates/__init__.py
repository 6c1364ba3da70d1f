"""Jinja2 templates of every HTML page we generate: the PDF report (with its footer) and the slides.

Autoescape is on and an undefined name is an error, so a value from a ledger, a file name or a
community name is always text, never markup. The only markup let through unescaped is our own:
plotly.js, the figures' JSON (``script_json``) and the style sheets, each wrapped in ``Markup`` by
the code that produced it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from i18n import t

FOLDER = Path(__file__).parent
# JSON inside <script>: "<" ">" "&" as \u escapes, so no "</script>" or "<!--" can end or bend the
# element; JSON.parse reads them back as the same characters.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def t_markup(key: str, lang: str = "zh", **fields: Any) -> Markup:
    """Catalogue text as markup: the text escaped, ``Markup`` fields kept (e.g. Chromium's page-number
    ``<span>``s), any other field escaped."""
    return Markup.escape(t(key, lang)).format(**fields)


def script_json(text: str) -> Markup:
    """JSON text (from our own serialiser) safe to place inside a ``<script>`` element."""
    return Markup(text.translate(_SCRIPT_ESCAPES))


ENV = Environment(loader=FileSystemLoader(FOLDER), autoescape=True, undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
ENV.globals.update(t=t, t_markup=t_markup)


def render(name: str, /, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``."""
    return ENV.get_template(name).render(**context)
