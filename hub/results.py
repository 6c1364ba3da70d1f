"""Metric results materialised per community (``results``): what the street reads instead of
recomputing every community's book.

A community's row set is written whole, in one transaction, with the digest of what it was computed
from: the community's book (ledger → current version), its own targets and the street's defaults.
``refresh`` computes and writes one community; ``stale`` finds the communities whose book or targets
moved since their results were written (one query over three small tables, no frame decoded), so a
street view recomputes only those, however the change came (page, CLI, another replica). A package
imported from a single install writes its results the same way, with the package's hash as digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Connection, Engine, RowMapping, delete, insert, select

from hub import targets as street_targets
from hub.grid import ResultRow
from metrics.engine import compute_all
from metrics.vocab import Status
from store.engine import scoped
from store.schema import book, results, targets
from store.schema import street_targets as street_table

if TYPE_CHECKING:
    from store.db import Store

Frames = Mapping[str, pd.DataFrame]
# community id -> its book's frames (Store(…, community=id).load_book()[0])
BookLoader = Callable[[int], Frames]
PACKAGE_PREFIX = "package:"
log = logging.getLogger(__name__)  # a digest of results that came in a package, not from a book here


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def state_digests(conn: Connection, communities: Sequence[int] | None = None) -> dict[int, str]:
    """Per community: a hash of its book's current versions, its targets and the street's defaults."""
    street = sorted(conn.execute(select(street_table.c.metric_id, street_table.c.target)).all())
    parts: dict[int, list[Any]] = {}
    query = select(book.c.community_id, book.c.ledger, book.c.version_id)
    own = select(targets.c.community_id, targets.c.metric_id, targets.c.value, targets.c.enabled)
    if communities is not None:
        query = query.where(book.c.community_id.in_(list(communities)))
        own = own.where(targets.c.community_id.in_(list(communities)))
    for cid, ledger, vid in conn.execute(query.order_by(book.c.community_id, book.c.ledger)):
        parts.setdefault(int(cid), [[], []])[0].append((ledger, int(vid)))
    for cid, metric_id, value, enabled in conn.execute(own.order_by(targets.c.community_id, targets.c.metric_id)):
        parts.setdefault(int(cid), [[], []])[1].append((metric_id, value, int(enabled)))
    return {cid: hashlib.sha256(repr((b, o, street)).encode("utf-8")).hexdigest() for cid, (b, o) in parts.items()}


def stored_digests(conn: Connection, communities: Sequence[int] | None = None) -> dict[int, str]:
    query = select(results.c.community_id, results.c.book_digest).distinct()
    if communities is not None:
        query = query.where(results.c.community_id.in_(list(communities)))
    return {int(cid): str(d) for cid, d in conn.execute(query)}


def stale(engine: Engine, communities: Sequence[int] | None = None) -> list[int]:
    """Communities whose results no longer match their book and targets (or are missing, or left over
    from an emptied book). Results from a package stay until the community's own book has rows."""
    with scoped(engine, communities, write=False) as conn:
        now, stored = state_digests(conn, communities), stored_digests(conn, communities)
    out = [cid for cid, digest in now.items() if stored.get(cid) != digest]
    out += [cid for cid, digest in stored.items() if cid not in now and not digest.startswith(PACKAGE_PREFIX)]
    return sorted(set(out))


def _rows(community_id: int, computed: Any) -> list[dict[str, Any]]:
    as_of = computed.as_of.isoformat()
    return [{"community_id": community_id, "metric_id": m.id, "value": m.value, "status": str(Status(m.status)),
             "target": m.target, "as_of": as_of} for m in computed.metrics]


def write(engine: Engine, community_id: int, rows: Iterable[dict[str, Any]], digest: str) -> None:
    """Replace the community's results with ``rows`` in one transaction."""
    at = _now()
    values = [dict(r, community_id=int(community_id), book_digest=digest, computed_at=at) for r in rows]
    with scoped(engine, [int(community_id)], write=True) as conn:
        conn.execute(delete(results).where(results.c.community_id == int(community_id)))
        if values:
            conn.execute(insert(results), values)


def refresh(engine: Engine, community_id: int, frames: Frames) -> list[ResultRow]:
    """Compute the community's metrics from ``frames`` (its book) with its effective targets, and store them.
    An empty book stores nothing (the street shows the community as not reported)."""
    cid = int(community_id)
    with scoped(engine, [cid], write=False) as conn:
        digest = state_digests(conn, [cid]).get(cid, "")
        goals = street_targets.effective(street_targets.read_street(conn), street_targets.read_own(conn, cid))
    has_rows = any(isinstance(f, pd.DataFrame) and len(f) for f in frames.values())
    rows = _rows(cid, compute_all(frames, targets=goals)) if has_rows else []
    write(engine, cid, rows, digest)
    return [_result(r) for r in rows]


def refresh_stale(engine: Engine, load: BookLoader, communities: Sequence[int] | None = None) -> list[int]:
    """Recompute every stale community (see :func:`stale`); the ids recomputed. A community whose book
    cannot be read now keeps its last results (and stays stale, so the next view tries again): one
    broken book never hides the rest of the street."""
    done = []
    for cid in stale(engine, communities):
        try:
            refresh(engine, cid, load(cid))
        except Exception as exc:  # noqa: BLE001 — logged by type only (a message may quote a cell)
            log.warning("results of community %s not recomputed: %s", cid, type(exc).__name__)
            continue
        done.append(cid)
    return done


def refresh_own(store: Store) -> bool:
    """Right after a community's own change (an accepted upload, a rollback, a target): its results
    are recomputed now, by the one who changed them, so the street's next view only reads. True when
    they were stale and are fresh now (a change that moved nothing recomputes nothing)."""
    return bool(refresh_stale(store.engine, lambda _cid: store.load_book()[0], [store.community_id]))


def _result(row: Mapping[str, Any] | RowMapping) -> ResultRow:
    as_of = row["as_of"]
    return ResultRow(int(row["community_id"]), str(row["metric_id"]),
                     None if row["value"] is None else float(row["value"]), Status(row["status"]),
                     None if row["target"] is None else float(row["target"]),
                     dt.date.fromisoformat(as_of) if isinstance(as_of, str) and as_of else None)


def street_rows(engine: Engine, communities: Sequence[int] | None = None) -> list[ResultRow]:
    """Every stored result of ``communities`` (None: all), as the street grid reads them."""
    query = select(results.c.community_id, results.c.metric_id, results.c.value, results.c.status,
                   results.c.target, results.c.as_of)
    if communities is not None:
        query = query.where(results.c.community_id.in_(list(communities)))
    with scoped(engine, communities, write=False) as conn:
        return [_result(r) for r in conn.execute(query).mappings()]
