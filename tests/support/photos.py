"""Real picture and PDF files for the binder tests: noisy photos (so JPEG does not shrink them to a
mush) with EXIF dates and GPS, a HEIC, a bomb PNG, PDFs plain, with JavaScript and encrypted."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
from PIL import Image


def photo(width: int = 1200, height: int = 1000, *, taken: dt.date | None = dt.date(2026, 3, 23),
          gps: bool = False, quality: int = 90, seed: int = 1, fmt: str = "JPEG", noise: int = 40) -> bytes:
    rng = np.random.default_rng(seed)
    base = np.zeros((height, width, 3), dtype=np.int16)
    base[..., 0] = np.linspace(60, 200, width, dtype=np.int16)[None, :]
    base[..., 1] = np.linspace(80, 180, height, dtype=np.int16)[:, None]
    base[..., 2] = 120
    pixels = np.clip(base + rng.integers(-noise, noise + 1, base.shape), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    exif = Image.Exif()
    exif[0x0110] = "TestPhone"
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d 10:15:00")
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1], gps_ifd[2], gps_ifd[3], gps_ifd[4] = "N", (31.0, 14.0, 5.0), "E", (121.0, 28.0, 9.0)
    out = io.BytesIO()
    kwargs = {"quality": quality} if fmt == "JPEG" else {}
    image.save(out, format=fmt, exif=exif.tobytes(), **kwargs)
    return out.getvalue()


def bomb_png() -> bytes:
    """A 20000 × 20000 one-bit PNG: a few kilobytes that would decode to 400 million pixels."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return out.getvalue()


def heic(taken: dt.date = dt.date(2026, 5, 12)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    data = photo(1200, 1000, taken=taken, gps=True)
    image = Image.open(io.BytesIO(data))
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=image.getexif().tobytes())
    return out.getvalue()


def pdf(*, pages: int = 1, javascript: bool = False, encrypted: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('hi');"))
    if encrypted:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
