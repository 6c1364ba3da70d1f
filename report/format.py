"""The report's plain-text notes beside each metric (values and targets come from metrics.wording), and a PII
scrubber."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from i18n import t
from metrics import wording
from metrics.vocab import Kind

if TYPE_CHECKING:
    from metrics.engine import MetricResult

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


def _present(v: float | None) -> float | None:
    """``v`` unless it is None or NaN."""
    return None if v is None or math.isnan(v) else v


# The report words values and targets exactly as the screen, the slides and the CLI do.
format_value = wording.value
format_target = wording.target


def format_note(m: MetricResult, lang: str = "zh") -> str:
    """Short context: the gap to the target, the pace expected by now, missing checklist items, the
    fraction behind a ratio."""
    parts: list[str] = [gap] if (gap := wording.gap(m, lang)) else []
    rules = Kind(m.kind).rules
    if m.paced and (expected := _present(m.expected)) is not None:
        parts.append(t("report.note.expected", lang, expected=f"{expected:.1f}"))
    if rules.shortfall == "items" and m.missing:
        parts.append(t("report.note.missing", lang, items="、".join(str(x) for x in m.missing)))
    num, den = _present(m.numerator), _present(m.denominator)
    if rules.shortfall == "rows" and num is not None and den is not None:
        parts.append(t("report.note.fraction", lang, num=wording.num(num), den=wording.num(den)))
    source = m.target_source
    if source in ("office", "default"):
        parts.append(t("report.note.target_source", lang, source=t(f"target_source.{source}", lang)))
    return scrub("；".join(parts) if lang == "zh" else "; ".join(parts))


def metric_name(m: MetricResult, lang: str = "zh") -> str:
    """The metric's name in ``lang`` (Chinese when no English name is known)."""
    return (m.name_en or m.name) if lang == "en" else m.name
