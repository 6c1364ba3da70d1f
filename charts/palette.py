"""The palette used on screen, on the projector and on paper: status styles (defined on
``metrics.vocab.Status``: Okabe–Ito colours, an icon and a word each), the stale mark and the fonts."""

from __future__ import annotations

from metrics.vocab import Status, StatusStyle

STATUSES: tuple[Status, ...] = tuple(Status)
# Each status's colours and icon live on metrics.vocab.Status; this is the lookup by status string.
STATUS_STYLE: dict[str, StatusStyle] = {s: s.style for s in Status}
# A status as a plotly marker shape, beside its colour: a dot plot read in greyscale (or by someone who
# cannot tell the colours apart) still tells 达标 (filled dot) from 未达标 (cross) by shape alone.
STATUS_MARKER: dict[Status, str] = {
    Status.MET: "circle", Status.ON_TRACK: "triangle-right", Status.AT_RISK: "triangle-up",
    Status.BEHIND: "x-thin-open", Status.NO_DATA: "circle-open",
}

# The "not updated" mark of a ledger (pages, slides): a clock face DejaVu Sans carries; the stopwatch
# emoji (U+23F1) is in no installed font and showed as tofu.
STALE_ICON = "◷"

# Fonts named for every figure and page; WenQuanYi Micro Hei is what the set-up installs.
CJK_FONT_STACK = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", "Hiragino Sans GB", sans-serif'
)


def tint(hex_color: str, alpha: float = 0.14) -> str:
    """A status colour as a see-through fill behind text (badges, count cards, grid cells)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
