"""Seeding a hub: the demo street's communities into one database (each its own book, accepted as a
clerk would accept an upload), their results materialised, and demo logins.

``./dev run-hub`` calls :func:`seed` once; a second run finds every book in place and only refreshes
what is stale, so restarting the demo is quick. The bench uses the same code for its 30 communities.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from hub import demo
from hub import results as hub_results
from hub.results import Frames

DEMO_PASSWORD = "demo-2026"  # the demo's logins only; printed by ./dev run-hub, never a real install's
STREET_ADMIN = "street"


def book_loader(engine: Engine, data_dir: Path) -> Callable[[int], Frames]:
    """community id -> its book's frames, through the community's own Store (scoped to it)."""
    from store.db import Store

    def load(community_id: int) -> Frames:
        frames, _ = Store(data_dir, engine=engine, community=int(community_id)).load_book()
        return frames

    return load


def seed_community(engine: Engine, data_dir: Path, community: demo.DemoCommunity, street: str,
                   cache_dir: Path | None = None) -> tuple[int, bool]:
    """(community id, whether its book was written now): made, its book accepted, once."""
    from store.book import Confirm
    from store.communities import ensure_community
    from store.db import Store

    cid = ensure_community(engine, community.name, street=street, households=community.households).id
    store = Store(data_dir, engine=engine, community=cid)
    if store.book():
        return cid, False
    loaded = demo.load(community, secret=store.secret, cache_dir=cache_dir)
    store.accept(store.propose(loaded, loaded.files), confirm=Confirm.ALL, by="demo")
    return cid, True


def seed_users(engine: Engine, ids: Sequence[tuple[str, int]]) -> list[tuple[str, str]]:
    """The street's administrator and one clerk per community (``clerk1`` … in the street's order);
    (username, role) of each made now (an existing name is left as it is)."""
    from store.users import Role, UserError, create_user

    made = []
    wanted = [(STREET_ADMIN, Role.STREET_ADMIN, None)] + [(f"clerk{n}", Role.CLERK, cid)
                                                          for n, (_, cid) in enumerate(ids, 1)]
    for username, role, cid in wanted:
        try:
            create_user(engine, username, DEMO_PASSWORD, role, cid)
        except UserError:
            continue
        made.append((username, str(role)))
    return made


def seed(engine: Engine, data_dir: Path, *, street: str = demo.STREET, count: int = 24, rows: int | None = None,
         users: bool = True, log: Callable[[str], object] = print, cache_dir: Path | None = None) -> list[int]:
    """The demo street in ``engine``: every community, its book, its results (and the demo logins)."""
    ids: list[tuple[str, int]] = []
    for community in demo.communities(count, rows=rows):
        cid, written = seed_community(engine, data_dir, community, street, cache_dir)
        ids.append((community.name, cid))
        log(f"{'+' if written else '='} {community.name}（{community.households} 户，"
            f"{'样例' if community.rows == 0 else f'{community.rows} 行'}）{'、'.join(t.word() for t in community.troubles)}")
    done = hub_results.refresh_stale(engine, book_loader(engine, data_dir), [cid for _, cid in ids])
    log(f"results recomputed for {len(done)} of {len(ids)} communities")
    if users:
        for username, role in seed_users(engine, ids):
            log(f"user {username} ({role})")
    return [cid for _, cid in ids]


def main(argv: list[str] | None = None) -> int:
    """``python -m hub.seed [--count N] [--rows N]``: seed the demo street into the configured database
    (``DASHBOARD_DATABASE_URL``, else the SQLite file of ``DASHBOARD_DATA_DIR``)."""
    import argparse

    from settings import from_env
    from store.engine import open_engine

    parser = argparse.ArgumentParser(description="seed the demo street (街道) of the hub")
    parser.add_argument("--count", type=int, default=24, help="communities (default 24)")
    parser.add_argument("--rows", type=int, default=None, help="ledger rows of every generated community")
    args = parser.parse_args(argv)
    config = from_env()
    data_dir = config.data_dir.resolve()
    engine = open_engine(config.database_url, data_dir, owner_url=config.database_owner_url)
    seed(engine, data_dir, street=config.street or demo.STREET, count=args.count, rows=args.rows)
    print(f"logins: {STREET_ADMIN} (街道管理员), clerk1…clerk{args.count} (居委会录入员, in the order above); "
          f"password {DEMO_PASSWORD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
