"""The app when its database cannot be reached (#15 faults): 「数据库暂时无法连接」 from the i18n
catalogue, in Chinese and English, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import pgcluster
from store.engine import forget

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("app_sandbox")


@pytest.mark.parametrize(("lang", "words"), [("zh", "数据库暂时无法连接"), ("en", "The database cannot be reached")])
def test_an_unreachable_database_is_one_clear_message(monkeypatch: pytest.MonkeyPatch, lang: str, words: str) -> None:
    url = f"postgresql+psycopg://{pgcluster.APP}@127.0.0.1:{pgcluster.free_port()}/{pgcluster.DATABASE}"
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    forget(url)
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] and words in at.error[0].value
