"""One decoded copy of a snapshot (or of the book) for every session, read-only.

Each session used to decode its own copy into session state (about 360 MB per viewer of a 500k-row
snapshot: 20 viewers held 7.2 GB, minutes after they left). Here the copy is a cache_resource keyed
by what it is — ``snapshot:<id>`` never changes, ``book:<id>`` changes whenever the book does — so
sessions share it; at most ``SHARED_ENTRIES`` are held, and an hour unused lets one go. Sessions
must not change the frames (pandas' copy-on-write keeps a derived frame from writing through).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from ui import data

if TYPE_CHECKING:
    from store.db import Store

SHARED_ENTRIES = 3  # the book, the snapshot being compared and one more


@st.cache_resource(show_spinner=False, max_entries=SHARED_ENTRIES, ttl=3600)
def _dataset(data_dir: str, key: str, _store: Any) -> data.Dataset | None:
    kind, _, ident = key.partition(":")
    if kind == "snapshot":
        return data.load_snapshot(_store, int(ident))
    return data.book_dataset(_store)


def _where(store: Store) -> str:
    # the community is part of the key: a snapshot id another community's session cached must miss
    # here and go to this session's store, which refuses it
    return f"{store.data_dir}#{store.community_id}"


def snapshot(store: Store, snapshot_id: int) -> data.Dataset:
    dataset = _dataset(_where(store), f"snapshot:{int(snapshot_id)}", store)
    assert dataset is not None
    return dataset


def book(store: Store, book_id: str) -> data.Dataset | None:
    return _dataset(_where(store), f"book:{book_id}", store)


def forget() -> None:
    """Drop every shared copy (a snapshot was deleted: its rows must not stay in memory either)."""
    _dataset.clear()
