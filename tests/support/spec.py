"""The project's spec and plan, found relative to the repository, and the metric catalogue read from the spec.

They are not in the repository: they sit in the project's ``shared`` folder beside it (``../shared``
from the integration checkout, ``../../shared`` from a worktree under ``wt/``), so ``shared_file``
looks in the repository's parent folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared_file(*parts: str) -> Path | None:
    """``shared/<parts>`` in the nearest parent folder of the repository that has it."""
    for parent in ROOT.parents:
        candidate = parent.joinpath("shared", *parts)
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class CatalogueRow:
    """One row of the catalogue table in spec/metrics.md, cells as written."""

    id: str
    name: str
    kind: str
    target: str


def catalogue(metrics_md: str) -> list[CatalogueRow]:
    """The rows of the '## Catalogue' table of spec/metrics.md, in the spec's order."""
    table = metrics_md.split("## Catalogue", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        if re.match(r"\|\s*[BT]\d\d[a-z]?\s*\|", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(CatalogueRow(id=cells[0], name=cells[1], kind=cells[2], target=cells[4]))
    return rows
