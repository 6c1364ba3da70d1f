"""The look of meeting mode: slide CSS, projector chrome (no sidebar, no header) and AAA colours.

Pure strings and numbers, no streamlit, so the contrast rule is testable.
"""

from __future__ import annotations

from charts.palette import CJK_FONT_STACK, STATUS_STYLE
from metrics.vocab import Status

INK = "#111111"  # near-black on white: 18.9:1
PAPER = "#FFFFFF"
MUTED = "#3D3D3D"  # secondary text still passes AAA (11:1)
RULE = "#6E7781"
ROWS_PX = 24  # the evidence rows on a metric slide: eight of them fit under the chart at this size
BODY_PX = 26  # body text of a slide; the spec asks >= 24 px at 1920×1080
# Status words on slides: darker than the text colours of the screen so each passes AAA (>= 7:1) on
# white (defined on metrics.vocab.Status); the badge's border keeps the fill colour, so the colour code stays.
STATUS_TEXT: dict[str, str] = {s: s.style.projector_text for s in Status}
OVERDUE = STATUS_TEXT["behind"]


def luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of an #RRGGBB colour."""
    h = hex_color.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _status_rules() -> str:
    return "\n".join(
        f".deck .st-{s} {{ color: {STATUS_TEXT[s]}; border-color: {STATUS_STYLE[s].color}; }}"
        for s in STATUS_TEXT)


# Slide styles, used on the meeting page and in projector mode alike.
DECK_CSS = f"""
<style>
.deck {{ color: {INK}; font-family: {CJK_FONT_STACK}; font-size: {BODY_PX}px; line-height: 1.35; }}
.deck h1 {{ font-size: 46px; font-weight: 800; margin: 0 0 0.1em 0; padding: 0; color: {INK}; }}
.deck h2 {{ font-size: 34px; font-weight: 800; margin: 0.3em 0 0.3em 0; padding: 0; color: {INK}; }}
.deck p {{ font-size: {BODY_PX}px; margin: 0.2em 0; color: {INK}; }}
.deck .sub {{ color: {MUTED}; font-size: {BODY_PX}px; }}
.deck .pos {{ font-size: 30px; font-weight: 800; text-align: center; white-space: nowrap; color: {INK}; }}
.deck .badge {{ display: inline-block; padding: 0.05em 0.5em; border-radius: 0.7em; font-weight: 800;
  white-space: nowrap; border: 3px solid; background: {PAPER}; line-height: 1.3; }}
{_status_rules()}
.deck .counts {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: 18px; margin: 0.2em 0 0.6em 0; }}
.deck .card {{ border: 5px solid; border-radius: 14px; padding: 6px 18px; background: {PAPER}; }}
.deck .card .n {{ font-size: 84px; font-weight: 800; line-height: 1.05; }}
.deck .card .w {{ font-size: 32px; font-weight: 800; white-space: nowrap; }}
.deck table {{ border-collapse: collapse; width: 100%; }}
.deck th {{ font-size: {BODY_PX}px; text-align: left; color: {MUTED}; border-bottom: 3px solid {INK};
  padding: 4px 12px; white-space: nowrap; }}
.deck td {{ font-size: {BODY_PX}px; padding: 6px 12px; border-bottom: 1px solid {RULE}; color: {INK};
  vertical-align: middle; }}
.deck table.rows th, .deck table.rows td {{ font-size: {ROWS_PX}px; padding: 3px 8px; }}
.deck table.rows th {{ white-space: normal; vertical-align: bottom; }}
.deck table.rows td {{ overflow-wrap: break-word; }}
.deck td.num {{ font-weight: 800; white-space: nowrap; }}
.deck td.nowrap {{ white-space: nowrap; }}
.deck .fresh {{ display: grid; grid-template-columns: repeat(2, 1fr); gap: 6px 24px; }}
.deck .fresh div {{ font-size: {BODY_PX}px; padding: 2px 0; border-bottom: 1px solid {RULE}; }}
.deck .fresh .date {{ font-weight: 800; white-space: nowrap; float: right; }}
.deck .flag {{ display: inline-block; font-size: 24px; font-weight: 800; white-space: nowrap; color: {OVERDUE};
  border: 3px solid {STATUS_STYLE["behind"].color}; border-radius: 0.4em; padding: 0 0.35em; margin-left: 0.3em;
  background: {PAPER}; }}
.deck .flag.stale {{ color: {STATUS_TEXT["at_risk"]}; border-color: {STATUS_STYLE["at_risk"].color}; }}
.deck .tag {{ display: inline-block; font-size: 24px; font-weight: 700; white-space: nowrap; color: {MUTED};
  border: 2px solid {RULE}; border-radius: 0.4em; padding: 0 0.35em; margin-left: 0.3em; }}
.deck .item {{ font-size: {BODY_PX}px; padding: 4px 0; }}
.deck .item.done {{ color: {MUTED}; text-decoration: line-through; }}
.deck .big {{ font-size: 34px; font-weight: 800; }}
.deck .huge {{ font-size: 44px; font-weight: 800; color: {STATUS_TEXT["met"]}; margin: 0.6em 0 0.2em 0; }}
/* a long list scrolls inside its box rather than pushing the slide below the fold */
.deck .scroll {{ overflow-y: auto; max-height: calc(100vh - 260px); }}
/* slide 1 shares the screen below the header: the problems table, then the overdue items */
.deck .scroll.problems {{ max-height: calc(58vh - 130px); }}
.deck .scroll.items {{ max-height: calc(42vh - 180px); }}
/* no overdue items: below the table stand only their heading and one line */
.deck .scroll.problems.alone {{ max-height: calc(100vh - 330px); }}
.deck .scroll thead th {{ position: sticky; top: 0; background: {PAPER}; }}
.deck td.better {{ color: {STATUS_TEXT["met"]}; font-weight: 800; }}
.deck td.worse {{ color: {STATUS_TEXT["behind"]}; font-weight: 800; }}
/* next / previous: big enough to hit from a laptop at arm's length (>= 64 px tall) */
.st-key-meeting_prev button, .st-key-meeting_next button, .st-key-meeting_exit button,
.st-key-meeting_enter button {{ min-height: 64px; white-space: nowrap; }}
.st-key-meeting_prev button p, .st-key-meeting_next button p, .st-key-meeting_exit button p,
.st-key-meeting_enter button p {{ font-size: 24px; font-weight: 800; white-space: nowrap; }}
/* the title gives way (wraps) before the buttons do; the buttons wrap to a row of their own last */
.st-key-meeting_head > div:first-child {{ flex: 1 1 22em; min-width: 0; }}
.st-key-meeting_nav {{ flex: 0 0 auto; }}
/* a metric slide's two sides each scroll within the screen below the header */
.st-key-meeting_main, .st-key-meeting_side {{ max-height: calc(100vh - 250px); overflow-y: auto;
  overflow-x: hidden; }}
.st-key-meeting_next button {{ background: #0B3D91; border-color: #0B3D91; }}
.st-key-meeting_next button p {{ color: #FFFFFF; }}
[class*="st-key-meeting_done"] button, [class*="st-key-meeting_reopen"] button {{ min-height: 52px; }}
</style>
"""

FIELD_PX = 24  # text inside form fields on the projector (the brief: >= 24 px)
FIELD_SELECTORS = (
    "input", "textarea", '[data-testid="stDateInput"] span', '[data-baseweb="select"] div',
    '[data-testid="stNumberInput"] input', "input::placeholder", "textarea::placeholder",
)
_FIELD_SELECTORS = ", ".join(f".stMainBlockContainer {sel}" for sel in FIELD_SELECTORS)

# Projector chrome: no sidebar, no header, no nav; larger widget labels; everything high contrast.
PROJECTOR_CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"] {{ display: none !important; }}
.stApp, .stMain, .stMainBlockContainer {{ background: {PAPER}; color: {INK}; }}
.stMainBlockContainer {{ padding: 1.2rem 2.5rem 2rem 2.5rem; max-width: 100%; }}
.stMainBlockContainer p, .stMainBlockContainer label, .stMainBlockContainer input,
.stMainBlockContainer li {{ font-size: {BODY_PX}px; color: {INK}; }}
.stMainBlockContainer [data-testid="stWidgetLabel"] p {{ font-size: 24px; font-weight: 700; }}
.stMainBlockContainer button p {{ font-size: 24px; }}
/* form fields: what is typed and shown in them; the date input draws its value as spans, not in the input */
{_FIELD_SELECTORS} {{ font-size: {FIELD_PX}px !important; line-height: 1.3 !important; }}
.stMainBlockContainer [data-baseweb="input"], .stMainBlockContainer [data-baseweb="select"] > div {{
  min-height: 52px; }}
</style>
"""


def css(projector: bool) -> str:
    """The style of the deck, plus the projector's chrome when in projector mode."""
    return DECK_CSS + (PROJECTOR_CSS if projector else "")
