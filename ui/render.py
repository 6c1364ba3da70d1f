"""Small rendering helpers shared by the pages: page style, status badges, chart display."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from charts.figures import status_label
from charts.palette import CJK_FONT_STACK, STALE_ICON, STATUS_STYLE, tint
from i18n import t

if TYPE_CHECKING:
    import datetime as dt

    from metrics.engine import MetricResult

# Generous type for the projector; the CJK stack so Chinese never falls back to tofu.
PAGE_CSS = f"""
<style>
html, body, [class*="css"], .stMarkdown, .stText, button, input, textarea, select {{
  font-family: {CJK_FONT_STACK};
}}
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label {{ font-size: 1.1rem; }}
.stSidebar p, .stSidebar label {{ font-size: 1.0rem; }}
.badge {{ display: inline-block; padding: 0.12em 0.6em; border-radius: 0.9em; font-weight: 700;
  white-space: nowrap; border: 2px solid; line-height: 1.4; }}
.tag {{ display: inline-block; padding: 0.05em 0.45em; border-radius: 0.4em; font-size: 0.85em;
  border: 1px solid #8C959F; color: #424A53; white-space: nowrap; margin-left: 0.3em; }}
.tag-office {{ border-color: #6F42C1; color: #6F42C1; }}
.stale {{ display: inline-block; padding: 0.05em 0.45em; border-radius: 0.4em; font-size: 0.85em;
  background: #FFF1D6; color: #8A5A00; border: 1px solid #E69F00; white-space: nowrap; margin-left: 0.3em; }}
.count-card {{ border-radius: 0.6em; padding: 0.5em 0.8em; border: 3px solid; text-align: left; }}
.count-card .n {{ font-size: 2.4rem; font-weight: 800; line-height: 1.1; }}
.count-card .w {{ font-size: 1.15rem; font-weight: 700; }}
.metric-name {{ font-size: 1.1rem; }}
.value {{ font-size: 1.25rem; font-weight: 700; }}
.muted {{ color: #57606A; }}
.problem-head {{ font-weight: 700; font-size: 1.1rem; }}
ul.problems {{ margin: 0.2em 0 0.4em 0; padding-left: 1.4em !important; list-style: disc outside; }}
ul.problems li {{ font-size: 1.1rem; margin: 0.15em 0; overflow-wrap: anywhere; }}
/* an open drop-down as wide as its longest option (the sidebar's snapshot list: time, files, label),
   never narrower than its box; the list floats over the page, so nothing is cut off */
[data-testid="stSelectboxVirtualDropdown"] {{ width: max-content !important;
  min-width: var(--trigger-width) !important; max-width: min(36rem, 90vw) !important; }}
</style>
"""

CHART_CONFIG = {"displayModeBar": False, "responsive": True}


def inject_css() -> None:
    st.html(PAGE_CSS)


def badge(status: str, lang: str) -> str:
    """Status as colour, icon and word together (HTML)."""
    style = STATUS_STYLE[status]
    return (f"<span class='badge' style='color:{style.text_color};border-color:{style.color};"
            f"background:{_tint(style.color)}'>{html.escape(status_label(status, lang))}</span>")


_tint = tint  # the one tint of a status colour (charts.palette)


def count_card(status: str, n: int, lang: str) -> str:
    style = STATUS_STYLE[status]
    return (f"<div class='count-card' style='border-color:{style.color};background:{_tint(style.color)};"
            f"color:{style.text_color}'><div class='n'>{n}</div>"
            f"<div class='w'>{html.escape(status_label(status, lang))}</div></div>")


def target_tag(source: str, lang: str) -> str:
    cls = "tag tag-office" if source == "office" else "tag"
    return f"<span class='{cls}'>{html.escape(t(f'target_source.{source}', lang))}</span>"


def stale_tag(lang: str, since: dt.date | None = None) -> str:
    """未更新, with the newest row's date when it is known: 未更新（最新记录 2026-10-15）."""
    word = t("ui.overview.stale_since", lang, date=since.isoformat()) if since else t("ui.overview.stale", lang)
    return f"<span class='stale'>{STALE_ICON} {html.escape(word)}</span>"


def markdown(text: str) -> None:
    st.markdown(text, unsafe_allow_html=True)


def chart(fig: go.Figure, key: str | None = None, *, static: bool = False) -> None:
    """Show a figure at the container's width; sparklines are static images of a line."""
    config = dict(CHART_CONFIG, staticPlot=True) if static else CHART_CONFIG
    st.plotly_chart(fig, width="stretch", config=config, key=key, theme=None)


def metric_label(result: MetricResult, lang: str) -> str:
    name = result.name_en if lang == "en" and result.name_en else result.name
    return f"{result.id} {name}"
