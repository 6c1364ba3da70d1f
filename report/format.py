"""The report's plain-text notes beside each metric (values and targets come from metrics.wording), and a PII
scrubber."""

from __future__ import annotations

import math
import re
from typing import Any

from i18n import t
from metrics import wording
from metrics.vocab import Kind

# Defence in depth: the reader masks PII, but a problem message or a file name could still carry a
# raw ID or phone number; the PDF leaves the building, so anything that looks like one is masked.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: object) -> str:
    """``text`` as a string with anything shaped like an 18-digit ID or an 11-digit mobile masked."""
    if text is None:
        return ""
    s = str(text)
    s = _ID_RE.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(2), s)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), s)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


# The report words values and targets exactly as the screen, the slides and the CLI do.
format_value = wording.value
format_target = wording.target


def format_note(m: Any, lang: str = "zh") -> str:
    """Short context: the gap to the target, the pace expected by now, missing checklist items, the
    fraction behind a ratio."""
    parts: list[str] = [gap] if (gap := wording.gap(m, lang)) else []
    rules = Kind(getattr(m, "kind", "count")).rules
    expected = getattr(m, "expected", None)
    if getattr(m, "paced", False) and not _missing(expected):
        parts.append(t("report.note.expected", lang, expected=f"{expected:.1f}"))
    missing = getattr(m, "missing", None) or []
    if rules.shortfall == "items" and missing:
        parts.append(t("report.note.missing", lang, items="、".join(str(x) for x in missing)))
    num, den = getattr(m, "numerator", None), getattr(m, "denominator", None)
    if rules.shortfall == "rows" and not _missing(num) and not _missing(den):
        parts.append(t("report.note.fraction", lang, num=wording.num(num), den=wording.num(den)))
    source = getattr(m, "target_source", None)
    if source in ("office", "default"):
        parts.append(t("report.note.target_source", lang, source=t(f"target_source.{source}", lang)))
    return scrub("；".join(parts) if lang == "zh" else "; ".join(parts))


def metric_name(m: Any, lang: str = "zh") -> str:
    """The metric's name in ``lang`` (Chinese when no English name is known)."""
    if lang == "en":
        return getattr(m, "name_en", None) or getattr(m, "name", "")
    return getattr(m, "name", "")
