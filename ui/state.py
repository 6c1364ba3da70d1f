"""Session state and the thin cached wrappers: the one place streamlit caching is used."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from settings import Settings, SettingsError, load
from ui import data, keys

# the keys other modules read as state.X (defined in ui/keys.py)
from ui.keys import ATTEMPT, LANG, PENDING_SOURCE, SNAPSHOT, SOURCE, UPLOAD, VIEW  # noqa: F401

if TYPE_CHECKING:
    from metrics.engine import Results


@dataclass
class View:
    """Everything a page renders from, computed once per run in app.py."""

    dataset: data.Dataset
    year: int
    as_of: dt.date
    lang: str
    community: str
    targets: dict[str, Any]
    targets_key: tuple
    results: Results
    stale: set[str]

    def history(self) -> dict[str, pd.DataFrame]:
        return cached_history(self.dataset.frames, self.dataset.id, self.year, self.as_of, self.targets_key)

    def prev_history(self) -> dict[str, pd.DataFrame]:
        """Last year's month ends, for year on year (empty where the data does not reach back)."""
        return cached_prev_history(self.dataset.frames, self.dataset.id, self.year - 1, self.targets_key)

    def evidence(self, metric_id: str) -> pd.DataFrame:
        return cached_evidence(self.dataset.frames, self.dataset.id, metric_id, self.year, self.as_of)

    def sparklines(self) -> dict[str, Any]:
        """The overview's trend lines, built once per data, period and targets."""
        return cached_sparklines(self.history(), self.dataset.id, self.year, self.as_of, self.targets_key)


def settings() -> Settings:
    """This run's settings from the environment and st.secrets. Raises settings.SettingsError when
    anything is wrong, a secrets file that does not parse included (Streamlit alone would log one
    line and carry on as if there were no file: no password)."""
    from streamlit.errors import StreamlitSecretNotFoundError

    try:
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) != "no-secrets-found":
            raise SettingsError("settings.error.unreadable", error=str(exc)) from exc
        secrets = {}
    return load(os.environ, secrets)


def forget_pdf() -> None:
    """Whatever changed what the PDF shows (targets, data, action items): generate it again."""
    st.session_state.pop(keys.PDF, None)


def community_changed() -> None:
    """The session's community changed its book or a target: the PDF is generated again and, in a
    hub, the community's stored results are recomputed now (hub.results.refresh_own), so the street
    reads them fresh instead of recomputing on its next view."""
    forget_pdf()
    if settings().hub:
        from hub.results import refresh_own

        refresh_own(get_store())


LANGS = ("zh", "en")


def lang() -> str:
    """This session's language; a new session takes it from the URL (``&lang=en``), so a bookmark of
    the projector deck opens in the language it was saved in."""
    if LANG not in st.session_state and st.query_params.get(LANG) in LANGS:
        st.session_state[LANG] = st.query_params[LANG]
    return st.session_state.get(LANG, "zh")


def lang_to_url() -> None:
    """The language switch's on_change: the URL carries the language from then on."""
    st.query_params[LANG] = lang()


def choice(widget: Callable[..., Any], label: str, options: Any, *, key: str, **kwargs: Any) -> Any:
    """Draw a choice widget (st.radio, st.selectbox, st.pills, st.segmented_control) whose options are
    stable ids and whose labels (``format_func``) follow the language.

    Streamlit 1.67 keeps such a widget's value in the browser as the *formatted label*: once the language
    changes, that label matches no option and the browser shows nothing selected. On the first run in a
    new language the value (the option id, still read with the old labels) is assigned again, so
    Streamlit sends the browser the label in the new language. Every such widget goes through here.
    """
    stamp = keys.lang_stamp(key)
    current = lang()
    if key in st.session_state and st.session_state.get(stamp, current) != current:
        st.session_state[key] = st.session_state[key]
    st.session_state[stamp] = current
    return widget(label, options, key=key, **kwargs)


def data_dir() -> Path:
    from store.db import default_data_dir

    return default_data_dir()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Any:
    from store.db import Store

    return Store(Path(path))


def engine() -> Any:
    """The database of this install (``DASHBOARD_DATABASE_URL``, else the SQLite file in the data
    folder), its schema upgraded on first open; one per URL per process (store.engine shares them)."""
    from store.engine import open_engine

    config = settings()
    return open_engine(config.database_url, data_dir().resolve(), owner_url=config.database_owner_url)


@st.cache_resource(show_spinner=False)
def _community_store(path: str, url: str, community_id: int) -> Any:
    from store.db import Store

    return Store(Path(path), engine=engine(), community=community_id)


def get_store() -> Any:
    """THE store of this session, the one way every page, the sidebar, the PDF and the uploads reach
    data. A single install: the store of ``$DASHBOARD_DATA_DIR`` (or ./data). A hub: the store of
    ``auth.session_community()`` alone, the logged-in user's community (or the one the street's
    administrator opened); no page, URL or snapshot id names another. None: ``auth.NoCommunity``."""
    config = settings()
    if not config.hub:
        return _store(str(data_dir().resolve()))
    from ui import auth

    community = auth.session_community()
    if community is None:
        raise auth.NoCommunity("this session has no community")
    return _community_store(str(data_dir().resolve()), config.database_url or "", community)


def evidence_dir() -> Path:
    """Where the session's 迎检材料 files live: the data folder; in a hub, a folder per community in it."""
    from store.evidence import evidence_folder

    return evidence_folder(data_dir().resolve(), get_store().community_id if settings().hub else None)


@st.cache_resource(show_spinner=False)
def _sample(data_dir_key: str, mappings_key: str) -> data.Dataset:
    return data.load_sample(get_store().secret, get_store().mappings())


def sample() -> data.Dataset:
    """The sample ledgers, read once per data folder (the secret that keys PII hashes lives there)."""
    return _sample(str(data_dir().resolve()), "")


def targets_key(targets: dict[str, Any]) -> tuple:
    return tuple(sorted((k, v.value, v.enabled) for k, v in targets.items()))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_results(_frames: dict, data_id: str, year: int | None, as_of: dt.date | None,
                   targets_key: tuple) -> Any:
    from metrics.engine import compute_all

    return compute_all(_frames, year=year, as_of=as_of, targets=_targets(targets_key))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_history(_frames: dict, data_id: str, year: int, as_of: dt.date, targets_key: tuple) -> dict:
    from metrics.engine import history_all

    return history_all(_frames, year, as_of, _targets(targets_key))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_prev_history(_frames: dict, data_id: str, year: int, targets_key: tuple) -> dict:
    from metrics.engine import default_period, history_all

    # only when the data holds dated rows in that year: otherwise D would be 31 Dec of an empty year
    if default_period(_frames, year)[1] == dt.date(year, 12, 31) and not _has_rows_in(_frames, year):
        return {}
    return history_all(_frames, year, None, _targets(targets_key))


def _has_rows_in(frames: dict, year: int) -> bool:
    newest = data.ledger_newest(frames)
    from metrics.registry import STARRED_DATES

    for key, col in STARRED_DATES.items():
        if key in newest:
            years = pd.to_datetime(frames[key][col], errors="coerce").dt.year
            if (years == year).any():
                return True
    return False


@st.cache_data(show_spinner=False, max_entries=256)
def cached_evidence(_frames: dict, data_id: str, metric_id: str, year: int, as_of: dt.date) -> pd.DataFrame:
    from metrics.engine import evidence

    return evidence(_frames, metric_id, year, as_of)


# cache_resource hands back the same figures without a pickle round trip, which is what makes a warm
# rerun of the overview cheap; they hold month-end values only, no resident's row, so sharing is safe.
@st.cache_resource(show_spinner=False, max_entries=16)
def cached_sparklines(_hist: dict, data_id: str, year: int, as_of: dt.date, targets_key: tuple) -> dict[str, Any]:
    from charts.figures import sparkline
    from metrics.registry import BY_ID

    return {metric_id: sparkline(h, BY_ID[metric_id].kind) for metric_id, h in _hist.items() if metric_id in BY_ID}


@st.cache_data(show_spinner=False, max_entries=16)
def cached_period(_frames: dict, data_id: str, year: int | None) -> tuple[int, dt.date]:
    from metrics.engine import default_period

    return default_period(_frames, year)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_years(_frames: dict, data_id: str) -> list[int]:
    """Years that hold dated rows, newest first (the year picker's choices)."""
    from metrics.registry import STARRED_DATES

    years: set[int] = set()
    for key, col in STARRED_DATES.items():
        frame = _frames.get(key)
        if frame is not None and col in frame:
            years |= {int(y) for y in pd.to_datetime(frame[col], errors="coerce").dt.year.dropna().unique()}
    return sorted(years, reverse=True)


def _targets(key: tuple) -> dict[str, Any]:
    from metrics.engine import TargetSetting

    return {k: TargetSetting(value=v, enabled=e) for k, v, e in key}



@st.cache_data(show_spinner=False, max_entries=16)
def cached_comparison(_before: dict, before_id: str, _after: dict, after_id: str, year: int, as_of: dt.date,
                      targets_key: tuple) -> Any:
    """metrics.compare.compare_books of an earlier snapshot and the data on screen (ids: contents)."""
    from metrics.compare import compare_books

    return compare_books(_before, _after, year=year, as_of=as_of, targets=_targets(targets_key))
