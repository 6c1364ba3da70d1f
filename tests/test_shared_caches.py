"""Caches shared by all sessions (Streamlit runs each session's script on its own thread)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pandas as pd
import pytest

from metrics import engine


class _Guarded(OrderedDict[Any, Any]):
    """The prepared-frames registry, refusing any touch made without engine's lock held."""

    def _check(self) -> None:
        assert engine._PREPARED_LOCK.locked(), "the shared registry was touched without its lock"

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self._check()
        return super().get(*args, **kwargs)

    def move_to_end(self, *args: Any, **kwargs: Any) -> None:
        self._check()
        super().move_to_end(*args, **kwargs)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._check()
        super().__setitem__(key, value)

    def popitem(self, last: bool = True) -> Any:
        self._check()
        return super().popitem(last)


def test_prepare_touches_the_shared_registry_only_under_its_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_PREPARED", _Guarded())
    frames = [{"活动": pd.DataFrame({"x": range(n + 1)})} for n in range(6)]
    for f in frames + frames[:2]:  # new entries, evictions past 4, then hits
        assert engine.prepare(f).frames["活动"] is f["活动"]
    assert len(engine._PREPARED) == 4
    assert not engine._PREPARED_LOCK.locked()
