"""街道总览 (hub only, the street's administrator): every community × metric as a status grid from
the stored results, the problem counts, one metric across the street with households for context,
the street PDF, report packages and the street's target defaults. A click on a community's row opens
its dashboard read-only. Everything shown comes from ``hub`` (pure); this module only draws it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from charts.street import distribution
from hub import results as hub_results
from hub.grid import PROBLEMS, GridRow, column, grid, street_counts
from i18n import t
from metrics import wording
from metrics.registry import BY_ID
from metrics.vocab import Status
from ui import render, state
from ui.tables import show_table

PDF_KEY = "_street_pdf"  # (what it shows, bytes) of the street PDF made this session
METRIC_KEY = "street_metric"


def engine() -> Any:
    """The hub's database (every community's results; the street's role reads them all)."""
    return state.engine()


def street_name(communities: list[Any], lang: str) -> str:
    configured = state.settings().street
    named = next((c.street for c in communities if getattr(c, "street", None)), None)
    return configured or named or t("hub.street.default", lang)


def load_rows(db: Any) -> tuple[list[Any], list[GridRow]]:
    """Recompute the communities whose book or targets moved (only those), then read every result."""
    from hub.seed import book_loader
    from store.communities import list_communities

    hub_results.refresh_stale(db, book_loader(db, state.data_dir().resolve()))
    communities = list_communities(db)
    return communities, grid(communities, hub_results.street_rows(db))


def page(lang: str) -> None:
    db = engine()
    with st.spinner(t("ui.pdf.working", lang)):
        communities, rows = load_rows(db)
    name = street_name(communities, lang)
    st.title(t("hub.title", lang, street=name))
    st.caption(t("hub.caption", lang, n=len(rows), m=len(BY_ID)))
    if not rows:
        st.info(t("hub.empty", lang))
        return
    totals = street_counts(rows)
    for col, status in zip(st.columns(len(Status)), Status, strict=True):
        with col:
            render.markdown(render.count_card(status, totals[status], lang))
    grid_table(rows, lang)
    metric_section(rows, lang)
    with st.expander(t("hub.pdf.button", lang), icon=":material/picture_as_pdf:"):
        pdf_section(rows, name, lang)
    with st.expander(t("hub.package.import", lang), icon=":material/move_to_inbox:"):
        package_section(db, lang)
        imported_table(db, lang)
    with st.expander(t("hub.targets.title", lang), icon=":material/tune:"):
        targets_section(db, lang)


# ---------------------------------------------------------------- the grid


def problems_frame(rows: list[GridRow], lang: str) -> pd.DataFrame:
    """One row per community in the grid's order: households, 未达标, 需关注, 无数据, as-of date. A
    community whose households are not known shows an empty cell (nullable Int64), not "None"."""
    frame = pd.DataFrame.from_records([{
        t("hub.col.community", lang): row.community.name,
        t("hub.col.households", lang): row.community.households,
        **{s.label(lang): row.counts.get(s, 0) for s in PROBLEMS},
        t("hub.col.as_of", lang): row.as_of.isoformat() if row.as_of else t("hub.not_reported", lang),
    } for row in rows])
    households = t("hub.col.households", lang)
    if households in frame:
        frame[households] = frame[households].astype("Int64")
    return frame


def grid_table(rows: list[GridRow], lang: str) -> None:
    """The grid (the PDF's, icon on tint), then the problem counts, whose rows open the community."""
    from hub.pdf import grid_html

    st.subheader(t("hub.pdf.grid", lang))
    st.caption(t("hub.sorted", lang))
    st.html(grid_html(rows, lang))
    keys = [f"{s.icon} {s.word(lang)}" for s in Status] + [f"{wording.NONE} {t('hub.switched_off', lang)}"]
    st.caption(t("hub.legend.line", lang, keys=("　" if lang == "zh" else " · ").join(keys)))
    st.subheader(t("hub.problems.title", lang))
    st.caption(t("hub.open.hint", lang))
    config: dict[str, Any] = {t("hub.col.households", lang): st.column_config.NumberColumn(format="localized")}
    picked = show_table(problems_frame(rows, lang), hide_index=True, column_config=config, on_select="rerun",
                        selection_mode="single-row", key="street_problems", height=min(38 + 35 * len(rows), 620))
    chosen = picked.selection.rows if picked is not None else []
    if chosen:
        open_community(rows[chosen[0]].community.id)


def open_community(community_id: int) -> None:
    """The street's administrator views one community's dashboard, read-only (ui.auth decides)."""
    from ui import auth

    auth.open_community(community_id)
    st.switch_page("pages/dashboard.py")


# ---------------------------------------------------------------- one metric across the street


def _contrast(rows: list[GridRow], metric_id: str) -> tuple[bool, int, int]:
    """The metric shown first: one some communities meet and others do not, then the most behind."""
    statuses = [cell.status for _, cell in column(rows, metric_id)]
    behind, at_risk = statuses.count(Status.BEHIND), statuses.count(Status.AT_RISK)
    return Status.MET in statuses and behind > 0, behind, at_risk


def metric_section(rows: list[GridRow], lang: str) -> None:
    st.subheader(t("hub.metric.title", lang))
    ids = [c.metric_id for c in rows[0].cells]
    worst = max(ids, key=lambda m: _contrast(rows, m))
    chosen = state.choice(st.selectbox, t("hub.metric.pick", lang), ids, key=METRIC_KEY,
                          index=ids.index(worst),
                          format_func=lambda m: f"{m} {BY_ID[m].name(lang)}")
    points = [(c.name, c.households, cell.result) for c, cell in column(rows, chosen)]
    render.chart(distribution(chosen, points, lang, height=420), key=f"street-dist-{chosen}")
    st.caption(t("hub.metric.caption", lang))


# ---------------------------------------------------------------- the street PDF


def pdf_section(rows: list[GridRow], street: str, lang: str) -> None:
    from hub.pdf import street_pdf
    from report.pdf import ReportError, ReportUnavailable

    key = (tuple((r.community.id, r.as_of, tuple(c.status for c in r.cells)) for r in rows), lang, street)
    ready = st.session_state.get(PDF_KEY)
    if ready is not None and ready[0] == key:
        st.download_button(t("hub.pdf.download", lang), ready[1], mime="application/pdf", type="primary",
                           icon=":material/download:", key="street_pdf_download",
                           file_name=t("hub.pdf.file", lang, street=street, date=pd.Timestamp.today().date()))
        return
    if st.button(t("hub.pdf.button", lang), icon=":material/picture_as_pdf:", key="street_pdf_make"):
        with st.spinner(t("ui.pdf.working", lang)):
            try:
                st.session_state[PDF_KEY] = (key, street_pdf(rows, street=street, lang=lang))
            except (ReportUnavailable, ReportError) as exc:
                st.error(str(exc), icon=":material/error:")
                return
        st.rerun()


# ---------------------------------------------------------------- packages and targets


def package_section(db: Any, lang: str) -> None:
    from hub.package import PackageError, Street, read, store_package

    config = state.settings()
    upload = st.file_uploader(t("hub.package.import", lang), type=["zip"], key="street_package")
    if upload is None:
        return
    try:
        street = Street.from_settings(config.street, config.street_key)
        package = read(upload.getvalue(), upload.name, street)
        store_package(db, package, upload.name, allowed=None)  # the street's role holds every community
    except PackageError as exc:
        st.error(exc.text(lang), icon=":material/block:")
        return
    st.success(t("hub.package.imported", lang, community=package.community, as_of=package.as_of,
                 n=len(package.results)), icon=":material/check_circle:")


def imported_table(db: Any, lang: str) -> None:
    """The packages the street took in, newest first, with their import summaries (counts only)."""
    from hub.package import imported

    shown = imported(db)
    if not shown:
        return
    st.caption(t("hub.package.recent", lang))
    show_table(pd.DataFrame.from_records([{
        t("hub.col.community", lang): p.community, t("hub.package.col.at", lang): p.imported_at[:16].replace("T", " "),
        t("hub.package.col.rows", lang): p.rows, t("hub.package.col.skipped", lang): p.skipped,
        t("hub.package.col.problems", lang): p.problems.get("error", 0)} for p in shown]), hide_index=True)


def targets_section(db: Any, lang: str) -> None:
    from hub.targets import TargetError, set_street_target, street_defaults

    current = street_defaults(db)
    st.caption(t("hub.targets.caption", lang))
    if current:
        st.markdown("  \n".join(f"{m} {BY_ID[m].name_zh}：{wording.target(BY_ID[m], lang, goal=v)}"
                                for m, v in sorted(current.items())))
    with st.form("street_target", border=False):
        metric_id = st.selectbox(t("hub.metric.pick", lang), list(BY_ID), key="street_target_metric",
                                 format_func=lambda m: f"{m} {BY_ID[m].name_zh}")
        value = st.number_input(t("hub.targets.value", lang), min_value=0.0, value=None, key="street_target_value")
        if not st.form_submit_button(t("hub.targets.save", lang)):
            return
    try:
        set_street_target(db, metric_id, value, by="street")
    except TargetError as exc:
        st.error(exc.text(lang), icon=":material/block:")
        return
    from hub.seed import book_loader

    with st.spinner(t("hub.targets.recomputing", lang)):  # every community's results move: now, not at the next view
        hub_results.refresh_stale(db, book_loader(db, state.data_dir().resolve()))
    st.rerun()


# ---------------------------------------------------------------- on a community's data page


def report_to_street(view: Any, lang: str) -> None:
    """The data page's 上报街道 part. A single install of a street (``DASHBOARD_STREET`` set): export
    the book's report package. A hub: import a package into the session's own community only."""
    config = state.settings()
    if config.hub:
        _import_own(lang)
    elif config.street and view.dataset.kind == "book":
        _export(view, lang)


def _export(view: Any, lang: str) -> None:
    from hub.package import PackageError, Street, build
    from report.pdf import ReportError, ReportUnavailable, build_pdf_from_frames

    st.subheader(t("hub.package.export", lang))
    st.caption(t("hub.package.export_help", lang, street=state.settings().street))
    key = ("street_package", view.dataset.id, view.year, view.as_of, view.targets_key, view.community)
    ready = st.session_state.get(PDF_KEY + "_package")
    if ready is not None and ready[0] == key:
        st.download_button(t("hub.package.download", lang), ready[1], mime="application/zip", type="primary",
                           icon=":material/download:", key="street_package_download",
                           file_name=f"{view.community}_{view.as_of:%Y%m%d}.zip")
        return
    if not st.button(t("hub.package.export", lang), icon=":material/outbox:", key="street_package_make"):
        return
    config = state.settings()
    with st.spinner(t("ui.pdf.working", lang)):
        try:
            street = Street.from_settings(config.street, config.street_key)
            frames, report = view.dataset.frames, view.dataset.report
            pdf = build_pdf_from_frames(frames, report, year=view.year, as_of=view.as_of, targets=view.targets,
                                        sources=view.dataset.sources, lang=lang, community=view.community)
        except (PackageError, ReportUnavailable, ReportError) as exc:
            st.error(exc.text(lang) if isinstance(exc, PackageError) else str(exc), icon=":material/error:")
            return
    data = build(street, community=view.community, year=view.year, as_of=view.as_of,
                 results=view.results.metrics, report=report, pdf=pdf)
    st.session_state[PDF_KEY + "_package"] = (key, data)
    st.rerun()


def _import_own(lang: str) -> None:
    from hub.package import PackageError, Street, read, store_package
    from ui import auth

    if not auth.allowed("upload"):
        return
    st.subheader(t("hub.package.import", lang))
    upload = st.file_uploader(t("hub.package.import_own", lang), type=["zip"], key="own_package")
    if upload is None:
        return
    config = state.settings()
    store = state.get_store()
    try:
        package = read(upload.getvalue(), upload.name, Street.from_settings(config.street, config.street_key))
        store_package(store.engine, package, upload.name, allowed=[store.community_id])
    except PackageError as exc:
        st.error(exc.text(lang), icon=":material/block:")
        return
    st.success(t("hub.package.imported", lang, community=package.community, as_of=package.as_of,
                 n=len(package.results)), icon=":material/check_circle:")
