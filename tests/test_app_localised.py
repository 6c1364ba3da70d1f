"""Streamlit's own words in Chinese where it lets us, and the office's target beside the plan's on the
theme pages (issue 13 items 7–8), through AppTest on the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_sandbox")


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


def _open(page: str, item: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(page).run()
    if item is not None:
        at.selectbox(key="binder_item").set_value(item).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize(("page", "item", "key", "cap", "label_part", "help_part"), [
    ("pages/data.py", None, "uploader", 50, "每个不超过 50 MB，一次合计不超过 100 MB", "「Limit 50MB per file」即每个文件不超过 50 MB"),
    ("pages/binder.py", "B04", "binder_photos_B04", 20, "每个不超过 20 MB", "「Limit 20MB per file」即每个文件不超过 20 MB"),
    ("pages/binder.py", "B04", "binder_docs_B04", 20, "每个不超过 20 MB", "「Browse files」"),
])
def test_uploaders_state_their_limits_in_chinese_and_streamlit_enforces_the_same(
        page: str, item: str | None, key: str, cap: int, label_part: str, help_part: str) -> None:
    proto = _open(page, item).file_uploader(key=key).proto
    assert label_part in proto.label
    assert help_part in proto.help
    # the widget's own cap is the one the label states, so its English "Limit …MB" never contradicts it
    assert proto.max_upload_size_mb == cap


@pytest.mark.parametrize(("metric", "typed", "message"), [
    ("B08", 120.0, "目标值 120 超出允许范围，可填 0 到 100（%）；未保存。"),   # a rate above 100 %
    ("B04", -2.0, "目标值 -2 超出允许范围，可填 0 或更大的数（次）；未保存。"),  # a count below zero
    ("T01", 6.0, "目标值 6 超出允许范围，可填 0 到 5（项，共 5 项）；未保存。"),  # a checklist of 5 items
])
def test_an_out_of_range_target_is_refused_in_chinese_and_nothing_is_saved(
        metric: str, typed: float, message: str) -> None:
    from store.db import Store

    at = _open("pages/targets.py", None)
    at.selectbox(key="target_metric").set_value(metric).run()
    before = at.session_state["_view"].results.get(metric).target
    at.number_input(key="target_value_" + metric).set_value(typed)
    at.button(key="target_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error] == [message]
    assert metric not in Store().targets() and at.session_state["_view"].results.get(metric).target == before
