"""The report as one self-contained HTML document (plotly.js inlined once), ready for Chromium to print.

The HTML is templates/report/ (Jinja2, autoescaped); this module turns metrics into the plain values
the templates show.

Layout is in fixed CSS pixels for A4 landscape so pages break where we expect: every chart has the same
size, every metric block avoids page breaks, and every theme starts on a new page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from charts.palette import CJK_FONT_STACK
from i18n import t
from ledgers.report import flatten
from metrics import wording
from metrics.vocab import Status, Theme, count_statuses
from report.format import format_note, format_target, format_value, metric_name, scrub
from templates import render, script_json

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from metrics.engine import MetricResult

FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# local() resolves through fontconfig (what works in Chromium: it rejects .ttc collections given by
# url()); the url() is a harmless last try. The alias keeps every text on one embedded font.
FONT_FAMILY = f'"ReportCJK", {CJK_FONT_STACK}'

# A4 landscape is 297 × 210 mm; with the margins of report.pdf the printable area is about
# 1030 × 690 CSS px. Two metric blocks side by side. A figure is laid out at the screen's width and
# its own (screen) height, then scaled by one fixed factor, so every chart prints with the same text
# size; a row is as tall as its taller figure, at most CELL_MAX_HEIGHT, so two rows of the tallest
# figures still fit a page and no block is ever split.
BLOCK_WIDTH = 505
CELL_WIDTH = 489  # BLOCK_WIDTH minus border and padding
CELL_MAX_HEIGHT = 286
FIG_WIDTH = 600
SCALE = CELL_WIDTH / FIG_WIDTH
MAX_FIG_HEIGHT = 560  # taller figures would print with unreadably small text
SHANGHAI = ZoneInfo("Asia/Shanghai")  # times in the PDF as in the app
MAX_PROBLEMS = 300  # beyond this the appendix says how many more; the dashboard lists them all




def _fmt_time(value: object) -> str:
    if isinstance(value, dt.datetime):  # an aware time is shown in Shanghai, as in the app
        return (value.astimezone(SHANGHAI) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return scrub(value) if value is not None else "—"


def _theme_name(theme: str, lang: str) -> str:
    key = f"theme.{theme}"
    try:
        return t(key, lang)
    except KeyError:
        return theme


def _themes(metrics: Sequence[MetricResult]) -> list[Theme]:
    """Theme ids in the registry's order, then any others in order of appearance."""
    order = list(Theme)
    seen = [m.theme for m in metrics]
    return [th for th in order if th in seen] + [th for th in dict.fromkeys(seen) if th not in order]


def _figure_json(fig: go.Figure) -> tuple[Markup, int, int]:
    """Figure JSON at a fixed width (safe inside a <script> element), with its width and height."""
    import plotly.io as pio  # noqa: PLC0415 - plotly is only needed once there are figures

    height = int(min(fig.layout.height or 450, MAX_FIG_HEIGHT))
    # to_dict() is a deep copy (the caller's, the screen's, figure is not ours to resize) of a figure
    # that was validated when it was built: no second validated copy, no validation of the JSON
    spec = fig.to_dict()
    spec.setdefault("layout", {}).update(width=FIG_WIDTH, height=height, autosize=False)
    return script_json(pio.to_json(spec, validate=False)), FIG_WIDTH, height


def _scale(height: int) -> float:
    return min(SCALE, CELL_MAX_HEIGHT / height)


def _evidence_of(m: MetricResult, evidence: Mapping[str, int] | None) -> int | None:
    ev = (evidence or {}).get(m.id, getattr(m, "evidence_count", None))
    return None if ev is None else int(ev)


def _metric_row(m: MetricResult, lang: str, evidence: Mapping[str, int] | None) -> dict[str, Any]:
    """One metric as a table row (every value a plain string: the template escapes it)."""
    return {"id": m.id, "name": metric_name(m, lang), "theme": _theme_name(m.theme, lang),
            "value": format_value(m, lang), "target": wording.target_noted(m, lang),
            "status": Status(m.status), "evidence": _evidence_of(m, evidence),
            "note": format_note(m, lang)}


_counts = count_statuses


def _cover(*, community: str, year: int, as_of: dt.date, generated_at: dt.datetime,
           sources: Sequence[tuple[str, object]], metrics: Sequence[MetricResult], lang: str) -> dict[str, Any]:
    sep = "，" if lang == "zh" else ", "
    count_text = sep.join(f"{t('status.' + s, lang)} {n}" for s, n in _counts(metrics).items() if n)
    return {"community": community, "year": year, "as_of": as_of.isoformat(),
            "generated": generated_at.strftime("%Y-%m-%d %H:%M"),
            "metrics_line": t("report.cover.metrics_line", lang, n=len(metrics), counts=count_text),
            "sources": [(scrub(name), _fmt_time(when)) for name, when in sources]}


def _chart(div_id: str, width: int, height: int) -> dict[str, Any]:
    scale = _scale(height)
    return {"id": div_id, "width": width, "height": height,
            "left": f"{(CELL_WIDTH - width * scale) / 2:.0f}", "scale": f"{scale:.4f}"}


def _theme(theme: str, metrics: Sequence[MetricResult], figures: Mapping[str, Any], lang: str,
           evidence: Mapping[str, int] | None, figs: list[dict[str, Any]]) -> dict[str, Any]:
    """A theme's page: its table and its metric blocks two by two (``figs`` collects the JSON)."""
    specs = {m.id: _figure_json(figures[m.id]) for m in metrics if figures.get(m.id) is not None}
    no_chart_height = 120

    def cell_height(m: MetricResult) -> int:
        if m.id not in specs:
            return no_chart_height
        _, _, h = specs[m.id]
        return round(h * _scale(h))

    blocks = []
    for i, m in enumerate(metrics):
        pair = metrics[i - i % 2: i - i % 2 + 2]
        chart = None
        if m.id in specs:
            spec, width, fig_height = specs[m.id]
            chart = _chart(f"fig-{len(figs)}", width, fig_height)
            figs.append({"id": chart["id"], "json": spec})
        ev = _evidence_of(m, evidence)
        foot = [f"{t('report.col.value', lang)} {format_value(m, lang)}",
                f"{t('report.col.target', lang)} {format_target(m, lang)}"]
        if ev is not None:
            foot.append(f"{t('report.col.evidence', lang)} {ev}")
        blocks.append({"id": m.id, "name": metric_name(m, lang), "status": Status(m.status),
                       "cell_height": max(cell_height(x) for x in pair), "chart": chart,
                       "foot": " · ".join(foot)})
    return {"id": theme, "name": _theme_name(theme, lang),
            "table": [_metric_row(m, lang, evidence) for m in metrics],
            "pairs": [blocks[i:i + 2] for i in range(0, len(blocks), 2)]}


def _ledgers(report: Mapping[str, Any] | None) -> list[tuple[str, int, int]]:
    ledgers = (report or {}).get("ledgers") or {}
    return [(scrub(name), int(info.get("rows", 0) or 0), int(info.get("skipped", 0) or 0))
            for name, info in ledgers.items()]


def _problems(report: Mapping[str, Any] | None, lang: str, *, fold: bool = False) -> tuple[list[list[str]], int]:
    """The appendix's rows (file, sheet, row, column, severity, message), at most MAX_PROBLEMS, and
    how many were left off: the report's problems in the order and words of every surface. ``fold``
    (the minutes) leaves out the info-level notes, 「已忽略 1 个空行」 and the like: ``_notes`` counts them."""
    problems = [p for p in flatten(report) if not (fold and p.severity == "info")]
    rows = [[scrub(v) for v in (p.file, p.sheet, "" if p.row is None else p.row, p.column or "",
                                p.severity.word(lang), p.text(lang, with_place=False))]
            for p in problems[:MAX_PROBLEMS]]
    return rows, max(0, len(problems) - MAX_PROBLEMS)


def _notes(report: Mapping[str, Any] | None) -> int:
    """How many info-level notes the import made (handled, nothing to do): one line in the appendix."""
    return sum(1 for p in flatten(report) if p.severity == "info")


# The minutes' problem-metric pages: three blocks a row, two rows a page (A4 landscape)
MBLOCK_WIDTH = 322
MCELL_HEIGHT = 176
MBLOCKS_PER_PAGE = 6


def _meeting_block(b: Mapping[str, Any], figures: Mapping[str, Any], figs: list[dict[str, Any]]) -> dict[str, Any]:
    """A problem metric's block: the screen's figure scaled into a small cell, and its first rows."""
    out = dict(b)
    out["chart"], out["cell_height"] = None, 0
    fig = figures.get(b["id"])
    if fig is not None:
        spec, width, height = _figure_json(fig)
        scale = min(MBLOCK_WIDTH / width, MCELL_HEIGHT / height)
        out["chart"] = {"id": f"fig-{len(figs)}", "width": width, "height": height, "scale": f"{scale:.4f}"}
        out["cell_height"] = round(height * scale)
        figs.append({"id": out["chart"]["id"], "json": spec})
    out["columns"] = [scrub(c) for c in b.get("columns", ())]
    out["rows"] = [[scrub(v) for v in row] for row in b.get("rows", ())]
    return out


_WORST_FIRST = (Status.BEHIND, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.MET)


def _status_order(metrics: Sequence[MetricResult], minutes: Mapping[str, Any] | None) -> list[MetricResult]:
    """The minutes' full status table reads worst first (catalogue order within a status); the
    plain snapshot keeps the catalogue's order."""
    if minutes is None:
        return list(metrics)
    return sorted(metrics, key=lambda m: _WORST_FIRST.index(Status(m.status)))


def _meeting(meeting: Mapping[str, Any] | None, figures: Mapping[str, Any],
             figs: list[dict[str, Any]]) -> dict[str, Any] | None:
    if meeting is None:
        return None
    blocks = [_meeting_block(b, figures, figs) for b in meeting.get("blocks", ())]
    return {**meeting, "pages": [blocks[i:i + MBLOCKS_PER_PAGE] for i in range(0, len(blocks), MBLOCKS_PER_PAGE)],
            "target_log": [[scrub(v) for v in row] for row in meeting.get("target_log", ())]}


def _actions(items: Iterable[Mapping[str, Any]] | None, meeting: bool = False) -> list[list[str]]:
    """The 督办事项 rows; the minutes name the metric and the meeting that raised each one."""
    def row(it: Mapping[str, Any]) -> tuple[Any, ...]:
        what, owner, due, status = it.get("text") or it.get("action"), it.get("owner"), it.get("due"), it.get("status")
        if meeting:
            return it.get("metric") or it.get("metric_id"), what, owner, due, it.get("raised"), status
        return it.get("metric_id"), what, owner, due, status

    return [[scrub(_fmt_time(v) if v is not None else "") for v in row(it)] for it in items or ()]


def build_html(metrics: Sequence[MetricResult], *, year: int, as_of: dt.date, figures: Mapping[str, Any],
               plotlyjs: str, report: Mapping[str, Any] | None = None,
               evidence_counts: Mapping[str, int] | None = None,
               sources: Sequence[tuple[str, object]] = (), community: str = "",
               lang: str = "zh", action_items: Iterable[Mapping[str, Any]] | None = None,
               generated_at: dt.datetime | None = None, changes: Sequence[tuple[str, str, str]] = (),
               changes_caption: str = "", meeting: Mapping[str, Any] | None = None) -> str:
    """The whole report as one HTML document; ``figures`` maps metric id → plotly figure;
    ``changes`` (id, name, change) what moved since the snapshot ``changes_caption`` names.
    ``meeting`` makes the PDF the meeting's minutes: {"title", "date", "problems" (slide 1's rows),
    "blocks" (per problem metric: id, name, status, line, rows_title, columns, rows, more),
    "target_log" (when, metric, old → new, reason)}; its pages come first, the status table after."""
    generated_at = generated_at or dt.datetime.now(SHANGHAI)
    figs: list[dict[str, Any]] = []
    minutes = _meeting(meeting, figures, figs)
    themes = [_theme(th, [m for m in metrics if m.theme == th], figures, lang, evidence_counts, figs)
              for th in _themes(metrics)]
    counts = [{"n": n, "status": Status(s)} for s, n in _counts(metrics).items()]
    problems, problems_left = _problems(report, lang, fold=minutes is not None)
    return render(
        "report/page.html", lang=lang, html_lang="zh-CN" if lang == "zh" else "en",
        title=f"{community} {t('report.title', lang, year=year)}",
        # our own style sheet and plotly's own script: the only markup not escaped
        plotlyjs=Markup(plotlyjs), font_file=FONT_FILE, family=Markup(FONT_FAMILY),
        block_w=BLOCK_WIDTH, cell_w=CELL_WIDTH,
        **_cover(community=community, year=year, as_of=as_of, generated_at=generated_at,
                 sources=sources, metrics=metrics, lang=lang),
        counts=counts, summary_rows=[_metric_row(m, lang, evidence_counts) for m in _status_order(metrics, minutes)],
        themes=themes, ledgers=_ledgers(report), problems=problems, problems_left=problems_left,
        actions=_actions(action_items, minutes is not None), figs=figs, meeting=minutes,
        notes=_notes(report) if minutes is not None else 0, changes=[[scrub(v) for v in row] for row in changes],
        changes_caption=changes_caption)


def figure_count(html: str) -> int:
    """How many figures ``html`` will plot (the printer waits for all of them)."""
    return html.count('data-fig="')


def footer_html(left: str, lang: str = "zh") -> str:
    """Chromium's footer template: ``left`` (community · title) as text, then 第 n 页 / 共 m 页."""
    return render("report/footer.html", left=left, lang=lang)


def header_html() -> str:
    """Chromium's header template: empty (the report's own headings say where a page belongs)."""
    return render("report/header.html")
