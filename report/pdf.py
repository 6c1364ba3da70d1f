"""Print the HTML report to PDF with headless Chromium (Playwright driving Debian's /usr/bin/chromium).

Why this route (numbers in report/README.md): one HTML page with plotly.js inlined once and every
figure drawn as SVG prints in about two seconds; exporting each figure with kaleido costs seconds per
chart. SVG text stays text, so the PDF's Chinese is searchable and copyable.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import settings
from i18n import t
from ledgers.slots import Slots
from report.format import scrub
from report.html import FONT_FILE, build_html, figure_count, footer_html, header_html

if TYPE_CHECKING:  # the engine and plotly load only when a PDF is made
    import pandas as pd
    import plotly.graph_objects as go
    from playwright.sync_api import PdfMargins

    from metrics.engine import Frames, MetricResult, Results, Targets

    # metric id -> a frame of its (history, last year's history, or events) rows
    ByMetric = Mapping[str, pd.DataFrame]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CJK_FONT_FILES = (
    FONT_FILE,
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
RENDER_TIMEOUT_MS = 120_000
# Printable area = A4 landscape minus these; html.CHART_* is sized for it.
MARGIN: PdfMargins = {"top": "12mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}


class ReportUnavailable(RuntimeError):
    """The PDF cannot be made on this machine (no Chromium, no Chinese font, no playwright).

    ``str(exc)`` is a Chinese (or English) sentence naming what is missing and how to install it.
    """

    def __init__(self, missing: Sequence[str], lang: str = "zh") -> None:
        self.missing = list(missing)
        sep = "；" if lang == "zh" else "; "
        what = sep.join(t(f"report.missing.{m}", lang) for m in self.missing)
        super().__init__(t("report.unavailable", lang, missing=what))


class ReportError(RuntimeError):
    """Chromium ran but the report did not print (a plot failed, a timeout)."""


def find_chromium() -> str | None:
    """Path of a Chromium executable: ``$REPORT_CHROMIUM`` if set, else the usual Debian paths."""
    override = settings.from_env().chromium
    if override is not None:
        return override if override and os.access(override, os.X_OK) else None
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def find_cjk_font() -> str | None:
    """Path of an installed Chinese font (WenQuanYi Micro Hei preferred)."""
    override = settings.from_env().cjk_font
    if override is not None:
        return override if override and Path(override).is_file() else None
    for path in CJK_FONT_FILES:
        if Path(path).is_file():
            return path
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                 timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in out.splitlines():
            if line.strip():
                return line.split(":")[0].strip()
    return None


def check_prerequisites() -> list[str]:
    """What is missing to print a PDF: a subset of ``["playwright", "chromium", "cjk_font"]``."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright")
    if find_chromium() is None:
        missing.append("chromium")
    if find_cjk_font() is None:
        missing.append("cjk_font")
    return missing


def _print(html: str, *, chromium: str, footer: str) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    n_figs = figure_count(html)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1123, "height": 794})
                page.set_content(html, wait_until="load", timeout=RENDER_TIMEOUT_MS)
                page.wait_for_function("window.__reportReady === true || !!window.__reportError",
                                       timeout=RENDER_TIMEOUT_MS)
                error = page.evaluate("window.__reportError || null")
                if error:
                    raise ReportError(f"plotly: {error}")
                drawn = page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length")
                if drawn < n_figs:
                    raise ReportError(f"only {drawn} of {n_figs} charts were drawn")
                return page.pdf(format="A4", landscape=True, print_background=True,
                                display_header_footer=True, header_template=header_html(),
                                footer_template=footer, margin=MARGIN)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise ReportError(str(exc).splitlines()[0]) from exc


# One Chromium at a time: ten PDFs at once started ten (15.4 GB, 57-70 s each instead of 6 s). A
# request past the first waits its turn; ON_WAIT (set by the page around its call) hears its place.
PRINTS = Slots(lambda: 1)
ON_WAIT: contextvars.ContextVar[Callable[[int], object] | None] = contextvars.ContextVar("pdf_on_wait", default=None)


def html_to_pdf(html: str, *, lang: str = "zh", footer_left: str = "") -> bytes:
    """Print ``html`` (from ``report.html.build_html``) to A4-landscape PDF bytes."""
    missing = check_prerequisites()
    if missing:
        raise ReportUnavailable(missing, lang)
    chromium = find_chromium()
    assert chromium is not None
    footer = footer_html(footer_left, lang)
    with PRINTS.slot(ON_WAIT.get()):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _print(html, chromium=chromium, footer=footer)
        # Playwright's sync API refuses to run inside an event loop: print from a fresh thread instead.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(_print, html, chromium=chromium, footer=footer).result()


def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    return js


def _figures(metrics: Sequence[MetricResult], lang: str, as_of: dt.date, history: ByMetric,
             prev_history: ByMetric, events: ByMetric) -> dict[str, go.Figure]:
    """The screen's figure of every metric, drawn by the same builder with the same inputs."""
    from charts.figures import metric_figure

    return {m.id: metric_figure(m, history.get(m.id), lang, prev_hist=prev_history.get(m.id),
                                events=events.get(m.id), results=metrics, as_of=as_of)
            for m in metrics}


def build_pdf(results: Results, *, report: Mapping[str, Any] | None = None,
              history: ByMetric | None = None,
              prev_history: ByMetric | None = None,
              events: ByMetric | None = None,
              evidence_counts: Mapping[str, int] | None = None,
              sources: Sequence[tuple[str, object]] = (), community: str | None = None,
              lang: str = "zh", action_items: Iterable[Mapping[str, Any]] | None = None,
              figures: Mapping[str, go.Figure] | None = None,
              figure_builder: Callable[[MetricResult, pd.DataFrame | None, str], go.Figure] | None = None,
              changes: Sequence[tuple[str, str, str]] = (), changes_caption: str = "",
              generated_at: dt.datetime | None = None, meeting: Mapping[str, Any] | None = None) -> bytes:
    """The PDF snapshot of ``results`` (a ``metrics.engine.Results``) as bytes.

    ``report`` is ``ImportReport.to_dict()``; ``history`` / ``prev_history`` map metric id → its
    monthly history this year / last year, ``events`` a zero metric's evidence rows: the inputs of
    ``charts.figures.metric_figure``, so the PDF draws the screen's charts. ``figure_builder(result,
    hist, lang)`` replaces that call (a page passes the very builder it draws with); ``figures``
    (id → figure) gives figures the caller already has. ``evidence_counts`` overrides
    ``MetricResult.evidence_count``; ``sources`` lists (file name, upload time).
    Raises ``ReportUnavailable`` when Chromium or a Chinese font is missing (``check_prerequisites()``
    says so beforehand), ``ReportError`` when printing fails. ``meeting`` makes it the meeting's
    minutes (report.html.build_html).
    """
    missing = check_prerequisites()
    if missing:
        raise ReportUnavailable(missing, lang)
    community = community or t("app.community", lang)
    todo = [m for m in results.metrics if m.id not in (figures or {})]
    if figure_builder is not None:
        drawn = {m.id: figure_builder(m, (history or {}).get(m.id), lang) for m in todo}
    else:
        drawn = _figures(todo, lang, results.as_of, history or {}, prev_history or {}, events or {})
    drawn.update(figures or {})
    html = build_html(results.metrics, year=results.year, as_of=results.as_of, figures=drawn,
                      plotlyjs=_plotlyjs(), report=report, evidence_counts=evidence_counts,
                      sources=sources, community=community, lang=lang, action_items=action_items,
                      generated_at=generated_at, changes=changes, changes_caption=changes_caption,
                      meeting=meeting)
    left = scrub(f"{community} · {t('report.title', lang, year=results.year)}")
    return html_to_pdf(html, lang=lang, footer_left=left)


def _has_dates_in(frames: Frames, year: int) -> bool:
    """Whether any dated row of any ledger falls in ``year`` (else last year has nothing to compare)."""
    for df in frames.values():
        for col in df.columns:
            if str(df[col].dtype).startswith("datetime64") and (df[col].dt.year == year).any():
                return True
    return False


def build_pdf_from_frames(frames: Frames, report: Mapping[str, Any] | None = None, *,
                          year: int | None = None, as_of: dt.date | None = None,
                          targets: Targets | None = None,
                          sources: Sequence[tuple[str, object]] = (), lang: str = "zh",
                          community: str | None = None,
                          action_items: Iterable[Mapping[str, Any]] | None = None,
                          compare: tuple[str, Mapping[str, Any]] | None = None,
                          meeting: Callable[[Results], Mapping[str, Any]] | None = None) -> bytes:
    """Compute every metric and its history from reader ``frames``, then ``build_pdf``.

    The one call the pages and ``cli.py pdf`` share, so both print the same numbers. ``compare``:
    (caption, an earlier book's frames): the summary page lists what changed since then.
    ``meeting(results)`` gives the minutes' pages (ui.meeting.minutes) from the results computed here.
    """
    missing = check_prerequisites()
    if missing:  # fail before the (slower) metric computation
        raise ReportUnavailable(missing, lang)
    # the whole job waits its turn, not only the printing: every metric of a 500k-row book, its
    # history and the HTML cost a few hundred MB per request, ten requests at once 2.5 GB
    with PRINTS.slot(ON_WAIT.get()):
        return _build_from_frames(frames, report, year=year, as_of=as_of, targets=targets, sources=sources,
                                  lang=lang, community=community, action_items=action_items, compare=compare,
                                  meeting=meeting)


def _build_from_frames(frames: Frames, report: Mapping[str, Any] | None, *, year: int | None,
                       as_of: dt.date | None, targets: Targets | None, sources: Sequence[tuple[str, object]],
                       lang: str, community: str | None, action_items: Iterable[Mapping[str, Any]] | None,
                       compare: tuple[str, Mapping[str, Any]] | None,
                       meeting: Callable[[Results], Mapping[str, Any]] | None = None) -> bytes:
    from charts.figures import has_year_on_year
    from metrics.engine import compute_all, evidence, history_all
    from metrics.vocab import Kind

    results = compute_all(frames, year=year, as_of=as_of, targets=targets)
    hist = history_all(frames, results.year, results.as_of, targets)
    # Year on year only where the screen shows it: paced counts whose data covers last year.
    paced = tuple(m.id for m in results.metrics if m.paced)
    prev = (history_all(frames, results.year - 1, None, targets, only=paced)
            if paced and _has_dates_in(frames, results.year - 1) else {})
    prev = {k: v for k, v in prev.items() if has_year_on_year(v)}
    # A zero metric's chart is a timeline of its events: the evidence rows, only where there are any.
    events = {m.id: evidence(frames, m.id, results.year, results.as_of)
              for m in results.metrics if Kind(m.kind).rules.timeline and m.value}
    changes: list[tuple[str, str, str]] = []
    if compare is not None:
        from charts.figures import metric_name
        from metrics.compare import compare_books

        comparison = compare_books(dict(compare[1]), {}, year=results.year, as_of=results.as_of,
                                   targets=targets, after_results=results)
        changes = [(c.id, metric_name(c.after, lang), c.text(lang)) for c in comparison.changed]
    return build_pdf(results, report=report, history=hist, prev_history=prev, events=events,
                     sources=sources, community=community, lang=lang, action_items=action_items,
                     changes=changes, changes_caption=compare[0] if compare else "",
                     meeting=None if meeting is None else meeting(results))
