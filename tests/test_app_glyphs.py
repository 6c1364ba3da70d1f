"""Every symbol the screens and the PDF print is in a font the set-up installs (no emoji font there)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("ui", "pages", "charts", "report", "i18n", "metrics")  # metrics: the status icons and the wording
FONTS = ("WenQuanYi Micro Hei", "DejaVu Sans")


def _symbols() -> dict[str, str]:
    """Characters beyond ASCII, CJK ideographs and full-width forms, with a file that uses each."""
    found: dict[str, str] = {}
    files = [ROOT / "app.py", *(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))]
    for path in files:
        for ch in path.read_text(encoding="utf-8"):
            code = ord(ch)
            if code < 0x2000 or 0x3000 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF:
                continue
            found.setdefault(ch, str(path.relative_to(ROOT)))
    return found


@functools.cache
def _families(code: int) -> str:
    return subprocess.run(["fc-list", f":charset={code:x}", "family"], capture_output=True, text=True,
                          check=False).stdout


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_every_symbol_is_in_an_installed_font() -> None:
    if not _families(0x4E2D):
        pytest.skip("no Chinese font installed")
    missing = {f"{ch} U+{ord(ch):04X}": where for ch, where in _symbols().items()
               if not any(font in _families(ord(ch)) for font in FONTS)}
    assert not missing, f"glyphs in no installed font (tofu on screen): {missing}"


def test_the_stale_badge_uses_the_shared_clock_glyph() -> None:
    from charts.palette import STALE_ICON
    from ui.render import stale_tag

    assert STALE_ICON in stale_tag("zh") and "⏱" not in stale_tag("en")
