"""The column mapper: an unknown sheet's headers mapped by hand to a ledger, remembered in the store."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from i18n import t
from ui import auth, state, upload
from ui.escape import md

if TYPE_CHECKING:
    from ledgers.registry import LedgerSpec
    from ledgers.report import UnknownSheet

    # an unknown sheet as the reader reports it, or as its dict in a stored report
    Sheet = UnknownSheet | Mapping[str, Any]

IGNORE = ""
MAX_FORMS = 10  # 3,000 unknown sheets once drew 3,000 forms and crashed the browser tab


def sheet_mappers(unknown: Sequence[Sheet], files: list[tuple[str, bytes]], lang: str) -> None:
    """A mapping form for each of the first ``MAX_FORMS`` unknown sheets; the rest listed by name."""
    for sheet in unknown[:MAX_FORMS]:
        sheet_mapper(sheet, files, lang)
    rest = unknown[MAX_FORMS:]
    if rest:
        st.warning(t("ui.mapper.more", lang, n=len(rest), shown=MAX_FORMS))
        st.markdown("\n".join(f"- {md(_field(s, 'file'))} · {md(_field(s, 'sheet') or '—')}" for s in rest[:200]))
        if len(rest) > 200:
            st.caption(t("ui.mapper.more_cut", lang, n=len(rest) - 200))


def _norm(text: str) -> str:
    return re.sub(r"[\s（）()]", "", str(text or "")).lower()


def guess_column(header: str, ledger: LedgerSpec) -> str:
    """The ledger column a header names (canonical name or synonym), else ignore."""
    wanted = _norm(header)
    for col in ledger.columns:
        if wanted in {_norm(col.name), *(_norm(s) for s in col.synonyms)}:
            return col.name
    return IGNORE


def _field(sheet: Sheet, name: str) -> Any:
    return sheet.get(name) if isinstance(sheet, Mapping) else getattr(sheet, name, None)


def sheet_mapper(sheet: Sheet, files: list[tuple[str, bytes]], lang: str) -> None:
    """One unknown sheet: pick its ledger, map each header, save; the upload is then read again."""
    from ledgers.registry import LEDGERS

    signature = _field(sheet, "signature")
    headers = [h for h in (_field(sheet, "headers") or []) if str(h or "").strip()]
    file, name = _field(sheet, "file"), _field(sheet, "sheet")
    with st.container(border=True):
        st.markdown(f"**{t('ui.mapper.sheet', lang, file=md(file), sheet=md(name or '—'))}**")
        keys = [k for k in LEDGERS if k != "targets"]
        guess = _field(sheet, "ledger_guess")
        ledger_key = state.choice(st.selectbox, t("ui.mapper.ledger", lang), keys, key=f"map-ledger-{signature}",
                                  index=keys.index(guess) if guess in keys else 0,
                                  format_func=lambda k: LEDGERS[k].name_en if lang == "en" else LEDGERS[k].name)
        ledger = LEDGERS[ledger_key]
        options = [IGNORE, *ledger.column_names]
        chosen: dict[str, str] = {}
        for start in range(0, len(headers), 3):
            for col, header in zip(st.columns(3), headers[start:start + 3], strict=False):
                default = guess_column(header, ledger)
                with col:
                    value = state.choice(st.selectbox, md(header), options, index=options.index(default),
                                         key=f"map-col-{signature}-{ledger_key}-{header}",
                                         format_func=lambda c: t("ui.mapper.ignore", lang) if c == IGNORE else c)
                if value:
                    chosen[str(header)] = value
        missing = [c for c in ledger.required if c not in chosen.values()]
        if missing:
            st.warning(t("ui.mapper.missing", lang, columns="、".join(missing)))
        if not auth.require("mappings", lang, f"map_{signature}", note="ui.mapper.locked"):
            return
        if st.button(t("ui.mapper.save", lang), key=f"map-save-{signature}", type="primary",
                     disabled=not chosen):
            save_mapping(signature, ledger_key, chosen, files, lang)


def save_mapping(signature: str, ledger_key: str, columns: dict[str, str], files: list[tuple[str, bytes]],
                 lang: str) -> None:
    """Remember the mapping, then read the same files again so it applies now, not only next time."""
    state.get_store().save_mapping(signature, ledger_key, columns)
    st.toast(t("ui.mapper.saved", lang))
    if files:
        upload.process(files, lang)
