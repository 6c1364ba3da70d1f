"""Every page goes through the entry (ui/entry.py) whatever Streamlit's navigation mode.

``AppTest`` resets Streamlit's ``uses_pages_directory`` before each run, so every AppTest run is the
legacy ``pages/`` folder navigation a fresh server's first request gets; switching page *before* the
first run opens that page's URL as the very first request (the page file runs alone unless it calls
the entry itself).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
PASSWORD = "桃园Office-2026"


pytestmark = pytest.mark.usefixtures("app_sandbox")


def first_request(page: str, **secrets: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.switch_page(f"pages/{page}")  # before the first run: the page's own URL, as a fresh server sees it
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.title, *at.subheader, *at.header, *at.info, *at.success,
             *at.warning, *at.error]
    return " ".join(e.value for e in parts if isinstance(e.value, str))


def test_every_page_file_calls_the_entry_first() -> None:
    """Nothing but imports (and the docstring) before page_view() (street_page() on the hub's pages that
    show no community): no page draws before the gate."""
    assert len(PAGE_FILES) >= 11  # 9 + 迎检材料 (pages/binder.py) + 用户管理 (pages/users.py) [+ 街道总览]
    for name in PAGE_FILES:
        tree = ast.parse((ROOT / "pages" / name).read_text(encoding="utf-8"))
        body = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first = ast.unparse(body[0])
        assert "page_view()" in first or "street_page()" in first, f"{name}: the first statement is {first!r}"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_protect_viewing_holds_on_every_page_as_the_first_request(page: str) -> None:
    at = first_request(page, password=PASSWORD, protect_viewing=True)
    assert [w.key for w in at.text_input] == ["auth_pw_view"]
    assert keys.VIEW not in at.session_state, "no data was read"
    shown = texts(at)
    assert "请输入密码查看看板" in shown
    for word in ("消防", "志愿", "导入报告", "sample_data", ".xlsx", "删除此快照", "修改目标"):
        assert word not in shown, (page, word)
    assert not at.page_link and not at.dataframe and not at.get("plotly_chart")
    assert [b.key for b in at.button] == ["FormSubmitter:auth_unlock_view-进入看板"]  # no 删除此快照, no PDF


@pytest.mark.parametrize(("page", "title"), [("targets.py", "指标设置"), ("data.py", "数据"), ("safety.py", "治安消防"),
                                             ("dashboard.py", "创建指标总览"), ("meeting.py", None)])
def test_a_page_opened_first_gets_the_sidebar_and_itself_once(page: str, title: str | None) -> None:
    at = first_request(page)
    titles = [t.value for t in at.title]
    if title is None:  # the meeting deck has slides, not a title: its 下一页 button, once
        assert not titles and [b.key for b in at.button].count("meeting_next") == 1
    else:
        assert len(titles) == 1 and title in titles[0], titles
    assert at.sidebar.text_input(key="community").value  # the entry's sidebar was drawn
    assert len(at.session_state[keys.VIEW].results.metrics) == 46
