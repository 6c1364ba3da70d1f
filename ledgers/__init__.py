"""Ledger registry, guards, parsing, cleaning, typing and the import report. Never imports streamlit."""

from __future__ import annotations

from typing import Any

__all__ = ["load_files"]


def __getattr__(name: str) -> Any:
    # lazy: ``import ledgers.registry`` should not pay for pandas and the reader
    if name == "load_files":
        from ledgers.reader import load_files

        return load_files
    raise AttributeError(name)
