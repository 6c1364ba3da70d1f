"""Generate sample_data/evidence/: a few photos of 桃园社区 with EXIF taken-dates (one with GPS, to show
it stripped on intake; one outside the window; one small and over-compressed) and one rules PDF.

Deterministic like generate.py (seeded noise, fixed PDF dates; Pillow's bundled libjpeg and FreeType are
pinned with Pillow). Layout is what the binder's zip uses: ``<item>_<name>/<date>_<caption>_<n>.jpg``.
Usage: python sample_data/evidence_gen.py [OUTPUT_DIR]      (default: this folder)
"""

from __future__ import annotations

import io
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FIXED = datetime(2026, 11, 20, 18, 0, 0)

# (path under evidence/, size, taken, gps, quality, colours (sky, ground), seed)
PHOTOS = (
    ("B04_文体活动/2026-03-23_广场舞展演_1.jpg", (1600, 1200), date(2026, 3, 23), True, 88, ((120, 170, 220), (170, 140, 100)), 1),
    ("B04_文体活动/2026-03-23_广场舞展演_2.jpg", (1600, 1200), date(2026, 3, 23), False, 88, ((130, 175, 215), (160, 150, 110)), 2),
    ("T14_党建活动/2026-05-12_党员志愿服务日_1.jpg", (1600, 1200), date(2026, 5, 12), False, 88, ((200, 60, 50), (230, 210, 160)), 3),
    ("B13_环境卫生/2025-06-15_楼道清洁_1.jpg", (1600, 1200), date(2025, 6, 15), False, 88, ((200, 200, 190), (90, 120, 80)), 4),
    ("B11_公共走道灯/2026-08-10_走道灯检查_1.jpg", (800, 600), date(2026, 8, 10), False, 12, ((60, 60, 70), (240, 220, 120)), 5),
)
DOCUMENT = "B01_治安制度/治安巡逻制度.pdf"
RULES = ("桃园社区治安巡逻制度", "一、巡逻队每日 19:00—22:00 在小区主要弄口、车棚、楼道巡逻。",
         "二、巡逻情况当日记入治安工作台账，发现隐患当日报告居委会。", "三、节假日及重大活动期间增加巡逻频次。",
         "四、每季度召开一次治安例会，通报巡逻情况。", "桃园社区居民委员会  2026年1月")


def photo(size: tuple[int, int], taken: date, gps: bool, quality: int, colours: tuple, seed: int) -> bytes:
    """A scene: sky over ground, a few people-sized shapes, sensor-like noise (so JPEG keeps detail)."""
    width, height = size
    rng = np.random.default_rng(seed)
    sky, ground = (np.array(c, dtype=np.int16) for c in colours)
    rows = np.linspace(0, 1, height)[:, None, None]
    horizon = (np.arange(height) > height * 0.55)[:, None, None]
    img = np.where(horizon, ground, sky * (1 - 0.25 * rows)).astype(np.int16) * np.ones((1, width, 1), dtype=np.int16)
    for _ in range(12):
        x, w = int(rng.integers(0, width - 60)), int(rng.integers(width // 40, width // 20))
        top = int(height * rng.uniform(0.35, 0.5))
        img[top:int(height * 0.8), x:x + w] = rng.integers(20, 230, 3)
    img = np.clip(img + rng.normal(0, 14, img.shape), 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "SampleCam", "S1"
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d 09:30:00")
    if gps:
        g = exif.get_ifd(0x8825)
        g[1], g[2], g[3], g[4] = "N", (31.0, 13.0, 42.0), "E", (121.0, 28.0, 11.0)
    out = io.BytesIO()
    Image.fromarray(img, "RGB").save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def rules_pdf() -> bytes:
    """One A4 page of the 治安巡逻制度, drawn with the CJK font, saved as PDF with fixed dates."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    title: ImageFont.FreeTypeFont | ImageFont.ImageFont
    body: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        title, body = ImageFont.truetype(FONT, 56), ImageFont.truetype(FONT, 34)
    except OSError:
        title = body = ImageFont.load_default()
    draw.text((620, 180), RULES[0], font=title, fill=0, anchor="mm")
    for i, line in enumerate(RULES[1:]):
        draw.text((140, 340 + i * 90), line, font=body, fill=0)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=150, title="治安巡逻制度", author="桃园社区",
              creationDate=FIXED.timetuple(), modDate=FIXED.timetuple())
    return out.getvalue()


def generate(out_dir: Path) -> list[Path]:
    """Write evidence/ under ``out_dir``; the paths written."""
    root = Path(out_dir) / "evidence"
    written = []
    for rel, size, taken, gps, quality, colours, seed in PHOTOS:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo(size, taken, gps, quality, colours, seed))
        written.append(path)
    path = root / DOCUMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rules_pdf())
    return written + [path]


if __name__ == "__main__":
    for p in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
