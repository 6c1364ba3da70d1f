"""Plain-text formatting of metric values and targets for the report's tables, and a PII scrubber."""

from __future__ import annotations

import math
import re
from typing import Any

from i18n import t

OP_SYMBOL = {">=": "≥", "<=": "≤", "=": "=", "==": "="}

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


def _num(v: float) -> str:
    """A count or total without a spurious ``.0``."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _pct(v: float) -> str:
    return f"{v * 100:.1f} %"


def _unit(m: Any, lang: str = "zh", n: float | None = None) -> str:
    from charts.figures import unit_label  # the one mapping of units to English, shared with the screen

    unit = getattr(m, "unit", "") or ("起" if getattr(m, "kind", "") == "zero" else "")
    return "" if unit in ("%", "ratio", "fraction") else unit_label(unit, lang, n)


def format_value(m: Any, lang: str = "zh") -> str:
    """The metric's value as the report shows it; a dash when there is no data."""
    v = getattr(m, "value", None)
    if getattr(m, "status", None) == "no_data" or _missing(v):
        return "—"
    kind = getattr(m, "kind", "")
    if kind == "ratio":
        return _pct(v)
    if kind == "zero":
        return f"{_num(v)} {_unit(m, lang, v)}".strip()
    if kind == "checklist":
        num, den = getattr(m, "numerator", None), getattr(m, "denominator", None)
        if not _missing(num) and not _missing(den):
            return t("report.note.fraction", lang, num=_num(num), den=_num(den))
        return _pct(v)
    return f"{_num(v)} {_unit(m, lang, v)}".strip()


def format_target(m: Any, lang: str = "zh") -> str:
    """The target with its comparison, e.g. ``≥ 90.0 %``, ``= 0``, ``3 / 3``."""
    target = getattr(m, "target", None)
    if _missing(target):
        return "—"
    op = OP_SYMBOL.get(getattr(m, "op", ">="), getattr(m, "op", ""))
    kind = getattr(m, "kind", "")
    if kind == "ratio":
        return f"{op} {_pct(target)}"
    if kind == "zero":
        return f"{op} {_num(target)}"
    if kind == "checklist":
        den = getattr(m, "denominator", None)
        if not _missing(den) and den and target <= 1:
            from charts.figures import checklist_target  # items, worded as on screen: 3 / 3, ≥ 4 / 5

            return checklist_target(target, den).replace("/", " / ")
        return f"{op} {_pct(target)}" if target <= 1 else f"{op} {_num(target)}"
    text = f"{op} {_num(target)} {_unit(m, lang, target)}".strip()
    if getattr(m, "paced", False):
        return t("report.value.annual", lang, target=text)
    return text


def format_note(m: Any, lang: str = "zh") -> str:
    """Short context: the pace expected by now, missing checklist items, fraction behind a ratio."""
    parts: list[str] = []
    kind = getattr(m, "kind", "")
    expected = getattr(m, "expected", None)
    if getattr(m, "paced", False) and not _missing(expected):
        parts.append(t("report.note.expected", lang, expected=f"{expected:.1f}"))
    missing = getattr(m, "missing", None) or []
    if kind == "checklist" and missing:
        parts.append(t("report.note.missing", lang, items="、".join(str(x) for x in missing)))
    num, den = getattr(m, "numerator", None), getattr(m, "denominator", None)
    if kind == "ratio" and not _missing(num) and not _missing(den):
        parts.append(t("report.note.fraction", lang, num=_num(num), den=_num(den)))
    source = getattr(m, "target_source", None)
    if source in ("office", "default"):
        parts.append(t("report.note.target_source", lang, source=t(f"target_source.{source}", lang)))
    return scrub("；".join(parts) if lang == "zh" else "; ".join(parts))


def metric_name(m: Any, lang: str = "zh") -> str:
    """The metric's name in ``lang`` (Chinese when no English name is known)."""
    if lang == "en":
        return getattr(m, "name_en", None) or getattr(m, "name", "")
    return getattr(m, "name", "")
