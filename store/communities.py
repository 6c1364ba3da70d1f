"""Communities (社区), first class: every ledger book, snapshot, target, mapping, check-in and 督办事项
belongs to one. A single install has exactly one, named 「本社区」 unless it was named otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, RowMapping, select

from store.engine import scoped, upsert
from store.models import SHANGHAI, StoreError
from store.schema import communities

DEFAULT_NAME = "本社区"


@dataclass(frozen=True)
class Community:
    id: int
    name: str
    street: str | None = None
    households: int | None = None


def _community(row: RowMapping) -> Community:
    return Community(int(row["id"]), str(row["name"]), row["street"],
                     None if row["households"] is None else int(row["households"]))


_COLUMNS = (communities.c.id, communities.c.name, communities.c.street, communities.c.households)


def list_communities(engine: Engine) -> list[Community]:
    """Every community, by name."""
    with scoped(engine, (), write=False) as conn:
        rows = conn.execute(select(*_COLUMNS).order_by(communities.c.name)).mappings().all()
    return [_community(r) for r in rows]


def community_by_name(engine: Engine, name: str) -> Community | None:
    with scoped(engine, (), write=False) as conn:
        row = conn.execute(select(*_COLUMNS).where(communities.c.name == name)).mappings().first()
    return None if row is None else _community(row)


def community_by_id(engine: Engine, community_id: int) -> Community | None:
    with scoped(engine, (), write=False) as conn:
        row = conn.execute(select(*_COLUMNS).where(communities.c.id == int(community_id))).mappings().first()
    return None if row is None else _community(row)


def ensure_community(engine: Engine, name: str, *, street: str | None = None,
                     households: int | None = None) -> Community:
    """The community of this name, made if missing (two processes making it at once make one).
    ``street`` and ``households`` are set when given, and left as they are when not."""
    name = (name or "").strip()
    if not name:
        raise StoreError("store.error.bad_community", name=name)
    values: dict[str, Any] = {"name": name, "street": street, "households": households,
                              "created_at": datetime.now(SHANGHAI).isoformat(timespec="microseconds")}
    update = [k for k in ("street", "households") if values[k] is not None]
    with scoped(engine, (), write=True) as conn:
        upsert(conn, communities, values, ["name"], update)
    found = community_by_name(engine, name)
    assert found is not None
    return found


def the_community(engine: Engine) -> Community:
    """The install's one community, made (「本社区」) on first open; with several, the caller must name one."""
    known = list_communities(engine)
    if not known:
        return ensure_community(engine, DEFAULT_NAME)
    if len(known) > 1:
        raise StoreError("store.error.which_community", known="、".join(c.name for c in known))
    return known[0]


def resolve(engine: Engine, community: str | int | None) -> Community:
    """A community by name (made if missing) or id (must exist); None: the install's one."""
    if community is None:
        return the_community(engine)
    if isinstance(community, int) and not isinstance(community, bool):
        found = community_by_id(engine, community)
        if found is None:
            raise StoreError("store.error.no_community", name=str(community))
        return found
    return ensure_community(engine, str(community))
