"""One wording on four surfaces: every metric of the sample reads the same on the overview, the slides,
the PDF and the CLI table (each in zh and en).

The expected strings are written out by hand from the sample's intended values (sample_data/README.md)
and metrics/wording.py's rules: shares with one decimal, targets with their operator and without a
spurious ``.0``, checklists as items, the gap in the metric's own unit. Each surface is read through
the code path it really uses: ``ui.overview.rows`` (the dashboard's rows), ``ui.meeting.markup``'s
theme tables and slide 1's problems table (the slides), ``report.html.build_html`` (the HTML the PDF prints),
``cli.format_table``. Every row naming a metric on a surface must carry all its words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledgers.reader import load_files
from metrics import wording
from metrics.engine import Results, compute_all
from metrics.registry import METRICS
from metrics.vocab import Status, Theme

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"

# id: (value, target, gap) in Chinese, then in English. An empty gap: met, or no data.
EXPECTED: dict[str, tuple[tuple[str, str, str], tuple[str, str, str]]] = {
    "B01": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "B02": (("0 起", "= 0 起", ""), ("0 events", "= 0 events", "")),
    "B03": (("3/3", "= 3/3", ""), ("3/3", "= 3/3", "")),
    "B04": (("8 次", "≥ 4 次", ""), ("8 times", "≥ 4 times", "")),
    "B05a": (("3 次", "≥ 4 次", "还差 1 次"), ("3 times", "≥ 4 times", "1 more time needed")),
    "B05b": (("0 起", "= 0 起", ""), ("0 events", "= 0 events", "")),
    "B05c": (("0 起", "= 0 起", ""), ("0 events", "= 0 events", "")),
    "B06": (("0 起", "= 0 起", ""), ("0 events", "= 0 events", "")),
    "B07a": (("87.0%", "≥ 90%", "差 3.0 个百分点"), ("87.0%", "≥ 90%", "3.0 points short")),
    "B07b": (("93.0%", "≥ 90%", ""), ("93.0%", "≥ 90%", "")),
    "B07c": (("14 人", "≥ 10 人", ""), ("14 people", "≥ 10 people", "")),
    "B08": (("84.0%", "≥ 90%", "差 6.0 个百分点"), ("84.0%", "≥ 90%", "6.0 points short")),
    "B09a": (("605.5 ㎡", "≥ 400 ㎡", ""), ("605.5 m²", "≥ 400 m²", "")),
    "B09b": (("1/1", "= 1/1", ""), ("1/1", "= 1/1", "")),
    "B09c": (("84.0%", "≥ 80%", ""), ("84.0%", "≥ 80%", "")),
    "B10": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "B11": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "B12": (("0 个", "= 0 个", ""), ("0 cases", "= 0 cases", "")),
    "B13a": (("96.1%", "≥ 95%", ""), ("96.1%", "≥ 95%", "")),
    "B13b": (("1 个", "= 0 个", "剩余 1 个未整改"), ("1 case", "= 0 cases", "1 case still open")),
    "B14": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "B15": (("31.0%", "≥ 20%", ""), ("31.0%", "≥ 20%", "")),
    "B16": (("0 个", "= 0 个", ""), ("0 cases", "= 0 cases", "")),
    "B17": (("81.3%", "≥ 80%", ""), ("81.3%", "≥ 80%", "")),
    "T01": (("4/5", "= 5/5", "还差 1 项"), ("4/5", "= 5/5", "1 more item needed")),
    "T02a": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "T02b": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "T03": (("4/4", "= 4/4", ""), ("4/4", "= 4/4", "")),
    "T04": (("—", "≥ 95%", ""), ("—", "≥ 95%", "")),
    "T05": (("2 次", "≥ 2 次", ""), ("2 times", "≥ 2 times", "")),
    "T06": (("0 起", "= 0 起", ""), ("0 events", "= 0 events", "")),
    "T07": (("88.0%", "≥ 90%", "差 2.0 个百分点"), ("88.0%", "≥ 90%", "2.0 points short")),
    "T08": (("31.0%", "≥ 38%", "差 7.0 个百分点"), ("31.0%", "≥ 38%", "7.0 points short")),
    "T09": (("12 人", "≥ 10 人", ""), ("12 people", "≥ 10 people", "")),
    "T10a": (("72 人", "≥ 80 人", "还差 8 人"), ("72 people", "≥ 80 people", "8 more people needed")),
    "T10b": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "T11a": (("4 次", "≥ 4 次", ""), ("4 times", "≥ 4 times", "")),
    "T11b": (("100.0%", "= 100%", ""), ("100.0%", "= 100%", "")),
    "T11c": (("4/4", "= 4/4", ""), ("4/4", "= 4/4", "")),
    "T11d": (("0/1", "= 1/1", "还差 1 项"), ("0/1", "= 1/1", "1 more item needed")),
    "T12a": (("47 次", "≥ 52 次", "还差 5 次"), ("47 times", "≥ 52 times", "5 more times needed")),
    "T12b": (("6 人", "≥ 5 人", ""), ("6 people", "≥ 5 people", "")),
    "T12c": (("3/3", "= 3/3", ""), ("3/3", "= 3/3", "")),
    "T13": (("112 人", "≥ 100 人", ""), ("112 people", "≥ 100 people", "")),
    "T14": (("11 次", "≥ 12 次", "还差 1 次"), ("11 times", "≥ 12 times", "1 more time needed")),
    "T15": (("83.3%", "= 100%", "差 16.7 个百分点"), ("83.3%", "= 100%", "16.7 points short")),
}

_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _rows_by_id(markup: str) -> dict[str, list[str]]:
    """Each table row of the HTML as its cells' plain text joined by " | ", under the metric id its
    first cell names (after a status badge, if any)."""
    out: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", markup, re.S):
        cells = [" ".join(html.unescape(_TAG.sub(" ", c)).split()) for c in _CELL.findall(row)]
        metric_id = next((word for word in (cells[0].split() if cells else []) if word in EXPECTED), None)
        if metric_id is not None:
            out.setdefault(metric_id, []).append(" | ".join(cells))
    return out


def _screen(results: Results, lang: str) -> dict[str, list[str]]:
    from ui import overview

    return {r.id: [" | ".join((r.value, r.target, r.gap))] for r in overview.rows(results.metrics, lang)}


def _slides(results: Results, lang: str) -> dict[str, list[str]]:
    """The theme slides' tables and slide 1's table of problems (behind and at risk)."""
    from ui.meeting import markup, problem_rows

    tables = "".join(markup.theme_table_html([m for m in results.metrics if m.theme == th], set(), lang)
                     for th in Theme)
    problems = [m for m in results.metrics if m.status in (Status.BEHIND, Status.AT_RISK)]
    tables += markup.problems_html(problem_rows(problems, {}, {}, lang), lang)
    return _rows_by_id(tables)


def _pdf(results: Results, lang: str) -> dict[str, list[str]]:
    from report.html import build_html

    page = build_html(results.metrics, year=results.year, as_of=results.as_of, figures={}, plotlyjs="",
                      lang=lang)
    return _rows_by_id(page)


def _cli(results: Results, lang: str) -> dict[str, list[str]]:
    import cli

    out: dict[str, list[str]] = {}
    for line in cli.format_table(results, lang=lang).splitlines():
        if line.split() and line.split()[0] in EXPECTED:
            out.setdefault(line.split()[0], []).append(line)
    return out


SURFACES: dict[str, Callable[[Results, str], dict[str, list[str]]]] = {
    "screen": _screen, "slides": _slides, "pdf": _pdf, "cli": _cli}
CASES = [(surface, lang) for surface in SURFACES for lang in ("zh", "en")]


@pytest.fixture(scope="module")
def sample() -> Results:
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"})
    return compute_all(load_files(files).frames)


@pytest.fixture(scope="module")
def rendered(sample: Results) -> dict[tuple[str, str], dict[str, list[str]]]:
    return {(surface, lang): SURFACES[surface](sample, lang) for surface, lang in CASES}


def test_the_table_covers_the_catalogue() -> None:
    assert list(EXPECTED) == [m.id for m in METRICS]


@pytest.mark.parametrize("metric_id", list(EXPECTED))
def test_the_wording_module_says_the_expected_words(sample: Results, metric_id: str) -> None:
    m = sample.get(metric_id)
    assert m is not None  # else every word would read "—" for a metric the sample lacks
    for lang, words in zip(("zh", "en"), EXPECTED[metric_id], strict=True):
        assert (wording.value(m, lang), wording.target(m, lang), wording.gap(m, lang)) == words


@pytest.mark.parametrize(("surface", "lang"), CASES)
@pytest.mark.parametrize("metric_id", list(EXPECTED))
def test_every_surface_shows_the_same_words(rendered: dict[tuple[str, str], dict[str, list[str]]],
                                            surface: str, lang: str, metric_id: str) -> None:
    words = [w for w in EXPECTED[metric_id][0 if lang == "zh" else 1] if w]
    rows = rendered[surface, lang].get(metric_id)
    assert rows, f"{metric_id} is not on the {surface} ({lang})"
    assert all(_has(row, w) for row in rows for w in words), (surface, lang, metric_id, words, rows)


def _has(row: str, words: str) -> bool:
    """``words`` as a whole cell text or a whole part of one ("= 5/5" never matches "= 5/50")."""
    return re.search(rf"(?<![\w.%/]){re.escape(words)}(?![\w.%/])", row) is not None


@pytest.mark.parametrize(("before", "after", "lang", "text"), [
    (2.0, 5.0, "zh", "▲ 3 次"), (5.0, 3.0, "en", "▼ 2 times"), (4.0, 4.0, "zh", "持平"), (None, 4.0, "zh", "—"),
])
def test_change_of_a_count(before: float | None, after: float | None, lang: str, text: str) -> None:
    assert wording.change(_metric("B04"), before, after, lang) == text


@pytest.mark.parametrize(("metric_id", "before", "after", "text"), [
    ("B07a", 0.9, 0.879, "▼ 2.1 个百分点"), ("T01", 0.6, 0.8, "▲ 1 项"), ("B13b", 0.0, 1.0, "▲ 1 个"),
    ("B09a", 400.0, 605.5, "▲ 205.5 ㎡"),
])
def test_change_in_the_metrics_own_unit(metric_id: str, before: float, after: float, text: str) -> None:
    assert wording.change(_metric(metric_id), before, after, "zh") == text


@pytest.mark.parametrize(("metric_id", "before", "after", "better"), [
    ("B04", 2.0, 5.0, True), ("B13b", 0.0, 1.0, False), ("B07a", 0.9, 0.879, False), ("B04", 3.0, 3.0, None),
])
def test_improved_knows_which_way_is_good(metric_id: str, before: float, after: float, better: bool | None) -> None:
    assert wording.improved(_metric(metric_id), before, after) is better


def _metric(metric_id: str) -> Any:
    from metrics.registry import BY_ID

    return BY_ID[metric_id]
