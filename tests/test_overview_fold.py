"""#13 item 9 through AppTest: what must stay above the fold in the sidebar and on the overview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _walk(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _sidebar_order(at: AppTest) -> list[str]:
    return [type(e).__name__ for e in _walk(at.sidebar)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTest]:
    """One run of the app on the sample, in a fresh data folder (module-wide: it takes seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        mp.setenv("LEDGERS_IN_PROCESS", "1")
        mp.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
        assert not at.exception, [e.message for e in at.exception]
        yield at


@pytest.mark.parametrize("widget", ["Toggle", "Button"])  # the projector switch, the PDF button
@pytest.mark.parametrize("below", ["TextInput", "Radio", "Selectbox", "DateInput"])
def test_sidebar_puts_projector_and_pdf_before_the_settings(app: AppTest, widget: str, below: str) -> None:
    order = _sidebar_order(app)
    assert order.index(widget) < order.index(below), order
