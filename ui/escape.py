"""Names are text: a file, sheet or header name shown on a page can never become markup.

Streamlit renders markdown in st.markdown, st.caption, st.success/st.warning/st.error and widget
labels, so a file named ``![x](http://host/p.png)`` made every viewer's browser fetch a remote image;
and inside an HTML block a blank line ends the block, so a sheet name with blank lines broke out of
the problem list. ``md`` is for markdown places, ``html_text`` for text inside HTML we write.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")
# characters markdown acts on, written as HTML entities so the markdown pass leaves them as text
_MD_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~$:="}


def md(text: object) -> str:
    """``text`` for a markdown place: every markdown character escaped, line breaks made spaces."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))


def html_text(text: object) -> str:
    """``text`` for inside HTML that Streamlit's markdown pass also reads: HTML-escaped, markdown
    characters as entities, and no line break (a blank line would end the HTML block)."""
    return _entities_outside_refs(html.escape(_LINE_BREAKS.sub(" ", str(text)), quote=True))


def _entities_outside_refs(escaped: str) -> str:
    """Markdown characters as entities, leaving the ``&…;`` references html.escape made intact."""
    out, pos = [], 0
    for m in re.finditer(r"&(?:#\d+|[a-z]+);", escaped):
        out.append("".join(_MD_ENTITIES.get(c, c) for c in escaped[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append("".join(_MD_ENTITIES.get(c, c) for c in escaped[pos:]))
    return "".join(out)
