"""The binder: one PDF (cover, contents with page numbers, per item its note, figures, rows, photos and
documents merged in) and a zip of the originals named by item. Printed through the report's Chromium
path (report.pdf: same executable, arguments and CJK font); documents merged with pypdf.

The contents' page numbers need the printed layout: the HTML is printed once, each item's first page is
found in the text, the merged documents' pages are added, and the HTML is printed again with the numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from PIL import Image, ImageOps

from evidence.checks import Window, photo_findings
from evidence.drafts import draft
from evidence.intake import FileKind
from evidence.items import PLAN_ITEMS, Form, PlanItem
from i18n import t
from metrics import wording
from metrics.vocab import Status
from report.format import scrub
from report.html import FONT_FAMILY, FONT_FILE
from store.evidence import EvidenceFile, EvidenceStore, Note
from templates import render

if TYPE_CHECKING:
    from metrics.engine import MetricResult, Results

MAX_ROWS = 25  # ledger rows per metric printed; the rest are counted ("另有 N 行")
THUMB_SIDE = 1400  # px: a printed photo needs no more
PROVENANCE = ("_file", "_sheet", "_row")


@dataclass
class Photo:
    src: str  # data: URI of a downsized copy
    caption: str
    taken: str
    checks: list[str]


@dataclass
class Doc:
    name: str
    pages: int
    merged: bool
    data: bytes = b""  # a PDF to merge after the item's pages


@dataclass
class ItemPage:
    item: PlanItem
    heading: str
    plans: tuple[str, ...]
    note: str
    note_saved: str
    figures: list[dict[str, str]]
    tables: list[dict[str, Any]]
    photos: list[Photo] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)
    page: int | str = ""


@dataclass
class BinderInput:
    """What the binder is built from: the computed results (None without ledgers), the evidence rows per
    metric, the stored files and edited notes, and the window the checks use."""

    results: Results | None
    rows: Mapping[str, pd.DataFrame]
    files: Sequence[EvidenceFile]
    notes: Mapping[str, Note]
    window: Window
    read: Callable[[EvidenceFile], bytes]
    community: str = ""


def gather(store: EvidenceStore, frames: Mapping[str, pd.DataFrame] | None, *, window: Window | None = None,
           targets: Mapping[str, Any] | None = None, community: str = "") -> BinderInput:
    """Compute the metrics and their evidence rows from ``frames`` and read the store: the one call the
    page and ``cli.py binder`` share."""
    from metrics.engine import compute_all, evidence

    results, rows = None, {}
    if frames:
        results = compute_all(dict(frames), targets=dict(targets) if targets else None)
        rows = {m.id: evidence(dict(frames), m.id, results.year, results.as_of) for m in results.metrics}
    if window is None:
        window = Window.before(results.as_of if results is not None else dt.date.today())
    return BinderInput(results, rows, store.files(), store.notes(), window, store.read, community)


# ---------------------------------------------------------------- the pieces of an item


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return wording.num(v)
    return scrub(str(v))


def _photo_counts(rows: pd.DataFrame, linked: Mapping[str, int]) -> list[str]:
    """Per activity row, how many photos are attached to it (by the stable key of its date and name)."""
    if not linked or not {"活动日期", "活动名称"} <= set(rows.columns):
        return []
    keys = "activities|" + rows["活动日期"].dt.strftime("%Y-%m-%d").fillna("") + "|" + rows["活动名称"].astype(str)
    return [str(linked.get(k, "")) for k in keys]


def _rows_table(metric: MetricResult, rows: pd.DataFrame | None, lang: str,
                linked: Mapping[str, int] | None = None) -> dict[str, Any]:
    name = metric.name if lang == "zh" else metric.name_en
    n = 0 if rows is None else len(rows)
    if not n:
        return {"title": t("binder.pdf.rows", lang, metric=f"{metric.id} {name}", n=0), "columns": [], "rows": [],
                "more": ""}
    assert rows is not None
    head = rows.head(MAX_ROWS)
    shown = [c for c in rows.columns if c not in PROVENANCE]
    body = [[_cell(v) for v in rec] + [f"{_cell(r['_sheet'])} {_cell(r['_row'])}"]
            for (_, r), rec in zip(head.iterrows(), head[shown].itertuples(index=False), strict=True)]
    columns = shown + [t("report.col.sheet", lang) + "/" + t("report.col.row", lang)]
    if counts := _photo_counts(head, linked or {}):
        body = [row + [c] for row, c in zip(body, counts, strict=True)]
        columns.append(t("binder.col.photos", lang))
    return {"title": t("binder.pdf.rows", lang, metric=f"{metric.id} {name}", n=n), "columns": columns, "rows": body,
            "more": t("binder.pdf.rows_more", lang, n=n - MAX_ROWS) if n > MAX_ROWS else ""}


def _figure(m: MetricResult, lang: str) -> dict[str, str]:
    return {"id": m.id, "name": m.name if lang == "zh" else m.name_en, "value": wording.value(m, lang),
            "target": wording.target(m, lang), "status": Status(m.status).label(lang), "gap": wording.gap(m, lang)}


def thumbnail(data: bytes) -> str:
    """A downsized JPEG of a stored photo (already checked at intake) as a data: URI."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _photo(f: EvidenceFile, data: bytes, window: Window, lang: str) -> Photo:
    taken = t("binder.pdf.taken", lang, date=f.taken.isoformat()) if f.taken else t("binder.pdf.undated", lang)
    if f.row_key:  # attached to its activity: say which row it proves
        _, day, name = f.row_key.split("|", 2)
        taken += " · " + t("binder.pdf.linked", lang, day=day, name=name)
    return Photo(thumbnail(data), f.label, taken, [x.text(lang) for x in photo_findings(f, window)])


def _doc(f: EvidenceFile, data: bytes, lang: str) -> Doc:
    if f.kind is FileKind.PDF:
        return Doc(t("binder.pdf.doc_merged", lang, name=f.name, pages=f.pages), f.pages, True, data)
    return Doc(t("binder.pdf.doc_attachment", lang, name=f.name), 0, False)


def item_page(item: PlanItem, data: BinderInput, lang: str) -> ItemPage:
    results = data.results
    metrics = [m for m in (results.get(i) for i in item.metric_ids) if m is not None] if results else []
    rows = {mid: data.rows.get(mid) for mid in item.metric_ids}
    note = data.notes.get(item.id)
    mine = [f for f in data.files if f.item == item.id]
    linked: dict[str, int] = {}
    for f in data.files:
        if f.row_key:
            linked[f.row_key] = linked.get(f.row_key, 0) + 1
    page = ItemPage(item=item, heading=item.heading(lang), plans=item.plan_texts,
                    note=note.text if note else draft(item, results, {k: v for k, v in rows.items() if v is not None},
                                                      lang),
                    note_saved=(t("binder.note.edited", lang, at=note.saved_at.strftime("%Y-%m-%d %H:%M")) if note
                                else t("binder.note.draft", lang)),
                    figures=[_figure(m, lang) for m in metrics],
                    tables=[_rows_table(m, rows.get(m.id), lang, linked) for m in metrics])
    for f in mine:
        if f.form is Form.PHOTO or (f.kind is FileKind.PHOTO and f.form is Form.RULES):
            page.photos.append(_photo(f, data.read(f), data.window, lang))
        else:
            page.docs.append(_doc(f, data.read(f), lang))
    return page


# ---------------------------------------------------------------- HTML, printing, merging


def binder_html(pages: Sequence[ItemPage], data: BinderInput, *, lang: str, generated_at: dt.datetime) -> str:
    results = data.results
    community = data.community or t("app.community", lang)
    photos = sum(len(p.photos) for p in pages)
    docs = sum(len(p.docs) for p in pages)
    return render("binder/binder.html", lang=lang, html_lang="zh-CN" if lang == "zh" else "en",
                  title=t("binder.pdf.title", lang, community=community), community=community, pages=pages,
                  window=f"{data.window.start.isoformat()} — {data.window.end.isoformat()}",
                  as_of=results.as_of.isoformat() if results is not None else "—",
                  generated=generated_at.strftime("%Y-%m-%d %H:%M"),
                  summary=t("binder.pdf.summary", lang, n=len(pages), photos=photos, docs=docs),
                  font_file=FONT_FILE, family=FONT_FAMILY, forms=Form)


def _print(html: str, footer_left: str, lang: str) -> bytes:
    from playwright.sync_api import sync_playwright

    from report.pdf import CHROMIUM_ARGS, ReportUnavailable, check_prerequisites, find_chromium

    if missing := check_prerequisites():
        raise ReportUnavailable(missing, lang)
    footer = render("binder/footer.html", left=footer_left)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.wait_for_function("window.__binderReady === true", timeout=120_000)
            return page.pdf(format="A4", print_background=True, display_header_footer=True, outline=True, tagged=True,
                            header_template="<span></span>", footer_template=footer,
                            margin={"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()


def print_pdf(html: str, footer_left: str, lang: str = "zh") -> bytes:
    """Print in a fresh thread when called inside an event loop (Streamlit), as report.pdf does."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print(html, footer_left, lang)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(_print, html, footer_left, lang).result()


def _start_pages(printed: bytes, pages: Sequence[ItemPage], lang: str) -> list[int]:
    """The 0-based page where each item's section starts: from the PDF outline Chromium builds of the
    headings (a tagged PDF), else from the text (its heading beside 计划要求, a word the contents lack)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(printed))
    top = {o.title: reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)}
    found_all = [top.get(p.heading) for p in pages]
    if all(n is not None for n in found_all):
        return [int(n or 0) for n in found_all]
    texts = [re.sub(r"\s+", "", p.extract_text() or "") for p in reader.pages]
    plan = re.sub(r"\s+", "", t("binder.pdf.plan", lang))
    found, at = [], 1
    for page in pages:
        mark = re.sub(r"\s+", "", page.heading)
        at = next((i for i in range(at, len(texts)) if mark in texts[i] and plan in texts[i]), at)
        found.append(at)
    return found


def _merge(printed: bytes, pages: Sequence[ItemPage], starts: Sequence[int]) -> bytes:
    """The printed pages with each item's PDF documents inserted after that item's own pages."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(printed))
    writer = PdfWriter()
    ends = list(starts[1:]) + [len(reader.pages)]
    writer.append(reader, pages=(0, starts[0] if starts else len(reader.pages)), import_outline=False)
    for page, start, end in zip(pages, starts, ends, strict=True):
        first = len(writer.pages)
        writer.append(reader, pages=(start, end), import_outline=False)
        mark = writer.add_outline_item(title=page.heading, page_number=first)  # the binder's bookmarks: one per item
        for doc in page.docs:
            if doc.merged:
                at = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(doc.data)), import_outline=False)
                writer.add_outline_item(title=doc.name, page_number=at, parent=mark)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_binder(data: BinderInput, *, lang: str = "zh", generated_at: dt.datetime | None = None) -> bytes:
    """The binder PDF of every plan item (B01…T15)."""
    generated_at = generated_at or dt.datetime.now()
    pages = [item_page(item, data, lang) for item in PLAN_ITEMS]
    footer = scrub(t("binder.pdf.title", lang, community=data.community or t("app.community", lang)))
    first = print_pdf(binder_html(pages, data, lang=lang, generated_at=generated_at), footer, lang)
    starts = _start_pages(first, pages, lang)
    extra = 0
    for page, start in zip(pages, starts, strict=True):
        page.page = start + 1 + extra
        extra += sum(d.pages for d in page.docs if d.merged)
    second = print_pdf(binder_html(pages, data, lang=lang, generated_at=generated_at), footer, lang)
    return _merge(second, pages, _start_pages(second, pages, lang))


# ---------------------------------------------------------------- zip of originals


def zip_name(f: EvidenceFile, index: int) -> str:
    """``B04_文体活动/2026-03-23_广场舞展演_1.jpg``: item folder, date, caption, a number within the item."""
    from evidence.items import BY_ITEM

    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", f.label).strip("_.") or "file"
    day = f"{f.taken.isoformat()}_" if f.taken else ""
    return f"{BY_ITEM[f.item].folder}/{day}{stem}_{index}{f.suffix}"


def build_zip(files: Sequence[EvidenceFile], read: Callable[[EvidenceFile], bytes]) -> bytes:
    """Every stored original in a folder per item, numbered within the item in the store's order."""
    out = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            counts[f.item] = counts.get(f.item, 0) + 1
            day = f.taken or dt.date.fromisoformat(f.added_at[:10])
            info = zipfile.ZipInfo(zip_name(f, counts[f.item]), date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, read(f))
    return out.getvalue()
