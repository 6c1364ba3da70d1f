"""Streamlit's own words in Chinese where it lets us, and the office's target beside the plan's on the
theme pages (issue 13 items 7–8), through AppTest on the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.chdir(ROOT)


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_an_office_target_on_the_theme_page_names_the_plans_target() -> None:
    from store.db import Store

    Store().set_target("B08", 0.8, reason="调解员不足")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("pages/safety.py").run()
    assert not at.exception, [e.message for e in at.exception]
    text = _markdown(at)
    assert "≥ 80%（居委会调整；计划 ≥ 90%）" in text
    # a plan target keeps its plain source word, and the noted wording is only for the office's
    assert text.count("居委会调整") == 2  # under B08's chart and in its details
