"""The report as one self-contained HTML document (plotly.js inlined once), ready for Chromium to print.

Layout is in fixed CSS pixels for A4 landscape so pages break where we expect: every chart has the same
size, every metric block avoids page breaks, and every theme starts on a new page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

from charts.palette import CJK_FONT_STACK, STATUS_STYLE
from i18n import t
from ledgers.report import Problem, Severity
from metrics.vocab import Theme, count_statuses
from report.format import format_note, format_target, format_value, metric_name, scrub

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
MAX_PROBLEMS = 300  # beyond this the appendix says how many more; the dashboard lists them all


FigureBuilder = Callable[[Any, Any, str], Any]

CSS = """
@font-face { font-family: "ReportCJK";
  src: local("WenQuanYi Micro Hei"), local("WenQuanYiMicroHei"), url("file://%(font_file)s"); }
@page { size: A4 landscape; }
* { box-sizing: border-box; }
/* No synthetic bold: Chromium prints faux-bold glyphs as unnamed Type 3 fonts. */
html, body { margin: 0; padding: 0; font-family: %(family)s; font-synthesis: none; font-weight: normal;
  color: #1F2328; font-size: 13px; line-height: 1.45; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
h1, h2, h3, th, b, strong { font-weight: normal; }
h1 { font-size: 30px; margin: 0 0 8px; }
h2 { font-size: 22px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 3px solid #1F2328; }
h3 { font-size: 16px; margin: 12px 0 6px; }
section.page { break-before: page; }
section.page:first-of-type { break-before: auto; }
.kicker { font-size: 15px; color: #57606A; letter-spacing: 2px; }
.cover { padding-top: 40px; }
.cover .community { font-size: 40px; margin: 18px 0 6px; }
.cover dl { display: grid; grid-template-columns: 120px auto; gap: 6px 12px; font-size: 16px;
  margin: 22px 0; }
.cover dt { color: #57606A; }
.cover dd { margin: 0; }
table { border-collapse: collapse; width: 100%%; font-size: 12.5px; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { background: #EAEEF2; text-align: left; border-bottom: 2px solid #57606A; padding: 4px 6px; }
td { border-bottom: 1px solid #D0D7DE; padding: 2px 6px; vertical-align: middle; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; color: #57606A; }
.badge { display: inline-block; white-space: nowrap; padding: 0 6px; border: 1.5px solid;
  border-radius: 4px; line-height: 1.3; }
.counts { display: flex; gap: 12px; margin: 8px 0 14px; }
.count { flex: 1; border: 2px solid; border-radius: 6px; padding: 6px 10px; }
.count .n { font-size: 28px; line-height: 1.2; }
.count .w { font-size: 15px; }
.row { break-inside: avoid; margin-bottom: 8px; }
.pair { display: flex; gap: 20px; }
.metric { width: %(block_w)dpx; break-inside: avoid; border: 1px solid #D0D7DE; border-radius: 6px;
  padding: 6px 7px 3px; }
.metric .cell { width: %(cell_w)dpx; overflow: hidden; }
.metric .fig { transform-origin: top left; }
.metric .nofig { display: flex; flex-direction: column; align-items: center; justify-content: center;
  gap: 12px; color: #595959; border: 1px dashed #999999; font-size: 16px; }
.metric .foot { font-size: 12px; color: #57606A; border-top: 1px solid #EAEEF2; padding-top: 2px;
  white-space: nowrap; }
.note { color: #57606A; font-size: 12px; }
table.problems { table-layout: fixed; }
.p-file { width: 21%%; } .p-sheet { width: 12%%; } .p-column { width: 9%%; }
.p-row { width: 6%%; white-space: nowrap; } .p-severity { width: 7%%; white-space: nowrap; }
.p-file, .p-sheet, .p-column { word-break: break-all; }
.signoff { margin-top: 40px; display: flex; gap: 40px; font-size: 16px; break-inside: avoid; }
.signoff div { flex: 1; border-bottom: 1.5px solid #1F2328; padding: 30px 0 4px; }
"""

RUNNER = """
(function () {
  var cfg = {staticPlot: true, displayModeBar: false, responsive: false};
  function plotAll() {
    var jobs = [];
    document.querySelectorAll('[data-fig]').forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute('data-fig')).textContent);
      jobs.push(Plotly.newPlot(el, spec.data, spec.layout, cfg));
    });
    return Promise.all(jobs);
  }
  // Load the font before plotting: plotly measures label widths once, at plot time.
  document.fonts.load('14px "ReportCJK"', '桃园社区').catch(function () {})
    .then(plotAll).then(function () { return document.fonts.ready; })
    .then(function () { window.__reportReady = true; },
          function (e) { window.__reportError = String(e && e.stack || e); });
})();
"""


def _status_badge(status: str, lang: str) -> str:
    style = STATUS_STYLE.get(status, STATUS_STYLE["no_data"])
    word = t(f"status.{status}", lang) if status in STATUS_STYLE else status
    return (f'<span class="badge" style="color:{style.text_color};border-color:{style.color}">'
            f"{escape(style.icon)} {escape(word)}</span>")


def _fmt_time(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return scrub(value) if value is not None else "—"


def _theme_name(theme: str, lang: str) -> str:
    key = f"theme.{theme}"
    try:
        return t(key, lang)
    except KeyError:
        return theme


def _themes(metrics: Sequence[Any]) -> list[str]:
    """Theme ids in the registry's order, then any others in order of appearance."""
    order = list(Theme)
    seen = [m.theme for m in metrics]
    return [th for th in order if th in seen] + [th for th in dict.fromkeys(seen) if th not in order]


def _figure_json(fig: Any) -> tuple[str, int, int]:
    """Figure JSON at a fixed width (safe inside a <script> element), with its width and height."""
    import plotly.io as pio  # noqa: PLC0415 - plotly is only needed once there are figures

    height = int(min(fig.layout.height or 450, MAX_FIG_HEIGHT))
    # to_dict() is a deep copy (the caller's, the screen's, figure is not ours to resize) of a figure
    # that was validated when it was built: no second validated copy, no validation of the JSON
    spec = fig.to_dict()
    spec.setdefault("layout", {}).update(width=FIG_WIDTH, height=height, autosize=False)
    return pio.to_json(spec, validate=False).replace("</", "<\\/"), FIG_WIDTH, height


def _scale(height: int) -> float:
    return min(SCALE, CELL_MAX_HEIGHT / height)


def _chart_cell(div_id: str, width: int, height: int, cell_height: int) -> str:
    scale = _scale(height)
    left = (CELL_WIDTH - width * scale) / 2
    return (f'<div class="cell" style="height:{cell_height}px"><div class="fig" id="{div_id}" '
            f'data-fig="{div_id}-json" style="width:{width}px;height:{height}px;margin-left:{left:.0f}px;'
            f'transform:scale({scale:.4f})"></div></div>')


def _metric_row(m: Any, lang: str, evidence: Mapping[str, int] | None, with_theme: bool) -> str:
    cells = [f'<td class="id">{escape(m.id)}</td>', f"<td>{escape(metric_name(m, lang))}</td>"]
    if with_theme:
        cells.append(f"<td>{escape(_theme_name(m.theme, lang))}</td>")
    ev = (evidence or {}).get(m.id, getattr(m, "evidence_count", None))
    cells += [
        f'<td class="num">{escape(format_value(m, lang))}</td>',
        f'<td class="num">{escape(format_target(m, lang))}</td>',
        f"<td>{_status_badge(m.status, lang)}</td>",
        f'<td class="num">{"—" if ev is None else int(ev)}</td>',
        f'<td class="note">{escape(format_note(m, lang))}</td>',
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _metric_table(metrics: Sequence[Any], lang: str, evidence: Mapping[str, int] | None,
                  with_theme: bool) -> str:
    heads = ["id", "name"] + (["theme"] if with_theme else []) + ["value", "target", "status",
                                                                   "evidence", "note"]
    num = {"value", "target", "evidence"}
    th = "".join(f'<th class="{"num" if h in num else ""}">{escape(t("report.col." + h, lang))}</th>'
                 for h in heads)
    rows = "".join(_metric_row(m, lang, evidence, with_theme) for m in metrics)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>"


_counts = count_statuses


def _cover(*, community: str, year: int, as_of: dt.date, generated_at: dt.datetime,
           sources: Sequence[tuple[str, object]], metrics: Sequence[Any], lang: str) -> str:
    counts = _counts(metrics)
    sep = "，" if lang == "zh" else ", "
    count_text = sep.join(f"{t('status.' + s, lang)} {n}" for s, n in counts.items() if n)
    if sources:
        rows = "".join(f"<tr><td>{escape(scrub(name))}</td><td>{escape(_fmt_time(when))}</td></tr>"
                       for name, when in sources)
        src = (f"<table><thead><tr><th>{t('report.cover.file', lang)}</th>"
               f"<th>{t('report.cover.uploaded', lang)}</th></tr></thead><tbody>{rows}</tbody></table>")
    else:
        src = f'<p class="note">{t("report.cover.no_sources", lang)}</p>'
    return f"""
<section class="page cover">
  <div class="kicker">{escape(t("report.cover.kicker", lang))}</div>
  <div class="community">{escape(community)}</div>
  <h1>{escape(t("report.title", lang, year=year))}</h1>
  <dl>
    <dt>{t("report.cover.year", lang)}</dt><dd>{year}</dd>
    <dt>{t("report.cover.as_of", lang)}</dt><dd>{as_of.isoformat()}</dd>
    <dt>{t("report.cover.generated", lang)}</dt><dd>{generated_at.strftime("%Y-%m-%d %H:%M")}</dd>
    <dt>{t("report.col.status", lang)}</dt>
    <dd>{escape(t("report.cover.metrics_line", lang, n=len(metrics), counts=count_text))}</dd>
  </dl>
  <h3>{t("report.cover.sources", lang)}</h3>
  {src}
</section>"""


def _summary(metrics: Sequence[Any], lang: str, evidence: Mapping[str, int] | None) -> str:
    boxes = []
    for status, n in _counts(metrics).items():
        style = STATUS_STYLE[status]
        boxes.append(
            f'<div class="count" style="border-color:{style.color};color:{style.text_color}">'
            f'<div class="n">{n}</div><div class="w">{escape(style.icon)} '
            f"{escape(t('status.' + status, lang))}</div></div>")
    return f"""
<section class="page summary">
  <h2>{t("report.summary.title", lang)}</h2>
  <div class="counts">{"".join(boxes)}</div>
  {_metric_table(metrics, lang, evidence, with_theme=True)}
</section>"""


def _theme_section(theme: str, metrics: Sequence[Any], figures: Mapping[str, Any], lang: str,
                   evidence: Mapping[str, int] | None, fig_ids: list[tuple[str, str]]) -> str:
    name = _theme_name(theme, lang)
    specs = {}
    for m in metrics:
        fig = figures.get(m.id)
        if fig is not None:
            specs[m.id] = _figure_json(fig)
    no_chart_height = 120

    def cell_height(m: Any) -> int:
        if m.id not in specs:
            return no_chart_height
        _, _, h = specs[m.id]
        return round(h * _scale(h))

    blocks = []
    for i, m in enumerate(metrics):
        pair = metrics[i - i % 2: i - i % 2 + 2]
        height = max(cell_height(x) for x in pair)
        if m.id in specs:
            div_id = f"fig-{len(fig_ids)}"
            spec, width, fig_height = specs[m.id]
            fig_ids.append((div_id, spec))
            chart = _chart_cell(div_id, width, fig_height, height)
        else:  # the figure carries id, name, value and status; without one the block says them
            chart = (f'<div class="cell nofig" style="height:{height}px"><div>{escape(m.id)} '
                     f"{escape(metric_name(m, lang))}</div>{_status_badge(m.status, lang)}"
                     f"<div>{escape(t('report.no_chart', lang))}</div></div>")
        ev = (evidence or {}).get(m.id, getattr(m, "evidence_count", None))
        foot = [f"{t('report.col.value', lang)} {format_value(m, lang)}",
                f"{t('report.col.target', lang)} {format_target(m, lang)}"]
        if ev is not None:
            foot.append(f"{t('report.col.evidence', lang)} {int(ev)}")
        blocks.append(f"""
<div class="metric" data-metric="{escape(m.id)}">
  {chart}
  <div class="foot">{escape(" · ".join(foot))}</div>
</div>""")
    # The charts' heading rides inside the first row so it never sits alone at the foot of a page.
    heading = f'<h3>{escape(t("report.theme.charts", lang, theme=name))}</h3>'
    rows = "".join(f'<div class="row">{heading if i == 0 else ""}<div class="pair">{"".join(blocks[i:i + 2])}'
                   f"</div></div>" for i in range(0, len(blocks), 2))
    return f"""
<section class="page theme" data-theme="{escape(theme)}">
  <h2>{escape(name)}</h2>
  {_metric_table(metrics, lang, evidence, with_theme=False)}
  {rows}
</section>"""


def _evidence(report: Mapping[str, Any] | None, lang: str) -> str:
    ledgers = (report or {}).get("ledgers") or {}
    if ledgers:
        rows = "".join(
            f"<tr><td>{escape(scrub(name))}</td><td class='num'>{int(info.get('rows', 0) or 0)}</td>"
            f"<td class='num'>{int(info.get('skipped', 0) or 0)}</td></tr>"
            for name, info in ledgers.items())
        body = (f"<table><thead><tr><th>{t('report.col.ledger', lang)}</th>"
                f"<th class='num'>{t('report.col.rows', lang)}</th>"
                f"<th class='num'>{t('report.col.skipped', lang)}</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")
    else:
        body = f'<p class="note">{t("report.evidence.none", lang)}</p>'
    return f"""
<section class="page evidence">
  <h2>{t("report.evidence.title", lang)}</h2>
  <h3>{t("report.evidence.ledgers", lang)}</h3>
  {body}
</section>"""


def _problem_sort_key(p: Mapping[str, Any]) -> tuple:
    return Problem.from_dict(p).sort_key()


def _problem_text(p: Mapping[str, Any], lang: str) -> str:
    """The problem without its location (the table's columns say it), worded by the problem itself."""
    return Problem.from_dict(p).text(lang, with_place=False)


def _problems(report: Mapping[str, Any] | None, lang: str) -> str:
    problems = sorted((report or {}).get("problems") or [], key=_problem_sort_key)
    if not problems:
        body = f"<p>{t('report.problems.none', lang)}</p>"
    else:
        heads = ["file", "sheet", "row", "column", "severity", "message"]
        th = "".join(f'<th class="p-{h}">{t("report.col." + h, lang)}</th>' for h in heads)
        rows = []
        for p in problems[:MAX_PROBLEMS]:
            sev = p.get("severity") or ""
            sev_text = Severity.of(sev).word(lang)
            row = p.get("row")
            rows.append(
                "<tr>" + "".join(f'<td class="p-{h}">{escape(scrub(v))}</td>' for h, v in zip(heads, (
                    p.get("file"), p.get("sheet"), "" if row is None else row, p.get("column") or "",
                    sev_text, _problem_text(p, lang)), strict=True)) + "</tr>")
        body = f"<table class='problems'><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if len(problems) > MAX_PROBLEMS:
            body += f'<p class="note">{t("report.problems.truncated", lang, n=len(problems) - MAX_PROBLEMS)}</p>'
    return f"""
<section class="page problems">
  <h2>{t("report.problems.title", lang)}</h2>
  {body}
</section>"""


def _actions(items: Iterable[Mapping[str, Any]] | None, lang: str) -> str:
    items = list(items or [])
    if not items:
        return ""
    heads = ["id", "action", "owner", "due", "status"]
    th = "".join(f"<th>{t('report.col.' + h, lang)}</th>" for h in heads)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(scrub(_fmt_time(v) if v is not None else ''))}</td>" for v in (
            it.get("metric_id"), it.get("text") or it.get("action"), it.get("owner"), it.get("due"),
            it.get("status"))) + "</tr>"
        for it in items)
    return f"""
<h3>{t("report.actions.title", lang)}</h3>
<table><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>"""


def _signoff(lang: str) -> str:
    colon = "：" if lang == "zh" else ":"
    cells = "".join(f"<div>{t('report.signoff.' + k, lang)}{colon}</div>"
                    for k in ("preparer", "reviewer", "date"))
    return f'<h3>{t("report.signoff.title", lang)}</h3><div class="signoff">{cells}</div>'


def build_html(metrics: Sequence[Any], *, year: int, as_of: dt.date, figures: Mapping[str, Any],
               plotlyjs: str, report: Mapping[str, Any] | None = None,
               evidence_counts: Mapping[str, int] | None = None,
               sources: Sequence[tuple[str, object]] = (), community: str = "",
               lang: str = "zh", action_items: Iterable[Mapping[str, Any]] | None = None,
               generated_at: dt.datetime | None = None) -> str:
    """The whole report as one HTML document; ``figures`` maps metric id → plotly figure."""
    generated_at = generated_at or dt.datetime.now()
    fig_ids: list[tuple[str, str]] = []
    themes = _themes(metrics)
    theme_html = "".join(
        _theme_section(th, [m for m in metrics if m.theme == th], figures, lang, evidence_counts, fig_ids)
        for th in themes)
    last = _problems(report, lang).replace("</section>", _actions(action_items, lang) + _signoff(lang)
                                           + "</section>")
    data = "".join(f'<script type="application/json" id="{i}-json">{j}</script>' for i, j in fig_ids)
    css = CSS % {"font_file": FONT_FILE, "family": FONT_FAMILY, "block_w": BLOCK_WIDTH,
                 "cell_w": CELL_WIDTH}
    title = escape(f"{community} {t('report.title', lang, year=year)}")
    return (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{css}</style><script>{plotlyjs}</script></head><body>"
        + _cover(community=community, year=year, as_of=as_of, generated_at=generated_at,
                 sources=sources, metrics=metrics, lang=lang)
        + _summary(metrics, lang, evidence_counts) + theme_html + _evidence(report, lang) + last
        + data + f"<script>{RUNNER}</script></body></html>"
    )


def figure_count(html: str) -> int:
    """How many figures ``html`` will plot (the printer waits for all of them)."""
    return html.count('data-fig="')

