"""Fixtures shared by every test module (plain builders live in tests/support/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.spec import CatalogueRow, catalogue, shared_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _key_dir(tmp_path_factory: pytest.TempPathFactory):
    """The PII key goes to a temporary folder, never the tester's ~/.config (child processes too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_KEY_DIR", str(tmp_path_factory.mktemp("keys")))
        yield


def _read_shared(*parts: str) -> str:
    path = shared_file(*parts)
    if path is None:
        pytest.skip(f"no shared/{'/'.join(parts)} in a parent folder of the repository")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def plan_text() -> str:
    """The community's work plan the metrics come from (shared/seed/plan_simplified.txt)."""
    return _read_shared("seed", "plan_simplified.txt")


@pytest.fixture(scope="session")
def spec_catalogue() -> list[CatalogueRow]:
    """The catalogue table of shared/spec/metrics.md, in the spec's order."""
    return catalogue(_read_shared("spec", "metrics.md"))


@pytest.fixture(autouse=True)
def _fresh_password_throttle():
    """The app's password throttle is one per process: each test starts with no failure counted."""
    yield
    import sys

    from store.auth import Throttle

    auth = sys.modules.get("ui.auth")  # only where a test loaded the app; streamlit not imported for the rest
    if auth is not None:
        auth.THROTTLE = Throttle()  # type: ignore[attr-defined]
        auth.CLIENT_THROTTLE = Throttle(free=30, lockout_after=100)  # type: ignore[attr-defined]


@pytest.fixture
def app_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An AppTest or CLI run in the repository with a data folder of its own (no test touches ./data)
    and the reader in-process (its switch for tests: no child process)."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def pg_cluster():
    """One throw-away PostgreSQL cluster for the session (tests/support/postgres.py)."""
    from tests.support.postgres import start_cluster

    yield from start_cluster()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A database URL per test, once for each store: the SQLite file in ``tmp_path/data``, or a fresh
    PostgreSQL database (the app's role; tests.support.postgres.open_db knows its owner)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'dashboard.sqlite3'}"
        return
    from tests.support.postgres import fresh_database

    yield from fresh_database(request.getfixturevalue("pg_cluster"))
