"""#18 items 10 and 12: names are text (markdown and HTML), and mapping forms are capped.

A file named ``![x](http://host/p.png)`` made every viewer's browser fetch a remote image; a sheet
name with blank lines ended the problem list's HTML block; 3,000 unknown sheets drew 3,000 forms.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ui.data import lines_html
from ui.escape import html_text, md

HOSTILE = [
    "![x](http://host/p.png).xlsx",
    "[点我](javascript:alert(1)).csv",
    "表\n\n![x](http://host/p.png)\n\n<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**粗体** _斜体_ `代码` $x^2$ ~~删~~ # 标题",
    "| a | b |\n|---|---|",
]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_a_name_in_markdown_has_no_live_markup(name):
    out = md(name)
    assert "\n" not in out and "\r" not in out
    # every character markdown acts on is escaped: no link, image, emphasis, code, maths or table
    assert not re.search(r"(?<!\\)[\[\]()!*_`$~#|<>]", out)
    assert re.sub(r"\\(.)", r"\1", out) == re.sub(r"\n+", " ", name)  # the same text, on one line


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_a_name_inside_html_stays_in_its_block(name):
    out = lines_html([f"工作表「{name}」 · 提醒 · 这是隐藏的工作表"])
    inner = out.removeprefix("<ul class='problems'><li>").removesuffix("</li></ul>")
    assert "\n" not in out  # a blank line would end the HTML block and let markdown loose
    assert not re.search(r"[<>\[\]()!*_`$|]", inner)  # only entities: no tag, link or emphasis
    assert html_text(name).count("&") >= 1 or name.isalnum()


def _mappers(n: int) -> AppTest:
    def app() -> None:
        import streamlit as st

        from ui import mapper

        unknown = [{"file": "![x](http://host/p.png).xlsx", "sheet": f"表{i}", "signature": f"sig{i}",
                    "headers": ["![h](http://host/h.png)", "日期"]} for i in range(st.session_state["n"])]
        mapper.sheet_mappers(unknown, [], "zh")

    at = AppTest.from_function(app, default_timeout=60)
    at.session_state["n"] = n
    return at.run()


def test_only_the_first_ten_unknown_sheets_get_forms_and_the_rest_are_listed():
    at = _mappers(25)
    assert not at.exception
    ledgers = [s for s in at.selectbox if s.label == "这是哪种台账"]
    assert len(ledgers) == 10
    assert [w.value for w in at.warning if "另有" in w.value][0].startswith("另有 15 张未识别的工作表")
    listed = [m.value for m in at.markdown if "表24" in m.value]
    assert listed and "表10" in listed[0] and "表9 " not in listed[0]
    assert "![" not in listed[0] and "\\!\\[x\\]" in listed[0]
    titles = [m.value for m in at.markdown if "表0" in m.value and "文件" in m.value]
    assert titles and "![" not in titles[0]
    assert all("![" not in s.label for s in at.selectbox)


def test_ten_or_fewer_unknown_sheets_get_a_form_each_and_no_list():
    at = _mappers(3)
    assert not at.exception and not [w for w in at.warning if "另有" in w.value]
    assert len([s for s in at.selectbox if s.label == "这是哪种台账"]) == 3
