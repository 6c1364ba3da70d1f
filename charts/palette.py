"""The one status palette, used on screen, on the projector and on paper.

Colours are Okabe–Ito (safe for the common colour-vision deficiencies); each status also has an icon
and a word, so a greyscale print-out still reads. Every icon is a glyph WenQuanYi Micro Hei carries.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("met", "on_track", "at_risk", "behind", "no_data")


@dataclass(frozen=True)
class StatusStyle:
    color: str  # fill for bars, badges, markers
    text_color: str  # darker variant for text on white (contrast >= 4.5:1)
    icon: str


STATUS_STYLE: dict[str, StatusStyle] = {
    "met": StatusStyle("#009E73", "#00684C", "✔"),
    "on_track": StatusStyle("#0072B2", "#005A8C", "→"),
    "at_risk": StatusStyle("#E69F00", "#8A5A00", "▲"),
    "behind": StatusStyle("#D55E00", "#A33F00", "✖"),
    "no_data": StatusStyle("#999999", "#595959", "○"),
}

# The "not updated" mark of a ledger (pages, slides): a clock face DejaVu Sans carries; the stopwatch
# emoji (U+23F1) is in no installed font and showed as tofu.
STALE_ICON = "◷"

# Fonts named for every figure and page; WenQuanYi Micro Hei is what the set-up installs.
CJK_FONT_STACK = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", "Hiragino Sans GB", sans-serif'
)
