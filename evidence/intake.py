"""Intake of one uploaded photo or document: refuse what is unsafe or unreadable with a Chinese message
naming the file, strip location data from photos, and say what the file is. Pure: bytes in, bytes out.

Photos are decoded with Pillow's decompression-bomb limit on (and a lower pixel cap of our own, checked
from the header before any pixel is decoded). A JPEG keeps its compressed pixels: only its metadata
segments are rewritten (GPS out, the taken-date in), so the size-per-pixel check still sees the file the
phone made. HEIC is converted to JPEG when pillow-heif is installed, else refused with 「请转换为 JPG」.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import unicodedata
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from PIL import Image, ImageFile, UnidentifiedImageError

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a cut-short JPEG is an error, never silently grey

MAX_FILE_BYTES = 20 * 1024 * 1024  # one photo or document
MAX_PIXELS = 60_000_000  # 60 MP: more than any phone; far under Pillow's own bomb limit
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp"}
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")
# EXIF tags: the Exif sub-IFD, the GPS sub-IFD, DateTimeOriginal inside the Exif IFD, DateTime in IFD0
EXIF_IFD, GPS_IFD, DATE_TAKEN, DATE_TIME = 0x8769, 0x8825, 0x9003, 0x0132
_PDF_SCRIPT = re.compile(rb"/(JavaScript|JS|Launch)\b")


class IntakeError(ValueError):
    """A refused file: ``key`` is an ``i18n/binder.py`` key, ``fields`` fill it (always the file name)."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key, self.fields = key, fields
        super().__init__(key)

    def text(self, lang: str = "zh") -> str:
        from i18n import t

        return t(self.key, lang, **self.fields)


class FileKind(StrEnum):
    """What an accepted file is, and so how the binder uses it."""

    PHOTO = "photo"  # a picture: laid out with caption and date
    PDF = "pdf"  # merged into the binder page by page
    ATTACHMENT = "attachment"  # kept and zipped, listed in the binder, not merged

    @property
    def in_binder(self) -> bool:
        return self is not FileKind.ATTACHMENT


@dataclass(frozen=True)
class Prepared:
    """An accepted file, ready to be stored: the bytes to keep (location stripped) and what we know."""

    name: str  # the safe original name (NFC, no path)
    data: bytes
    suffix: str  # ".jpg", ".png", ".pdf", or the attachment's own
    kind: FileKind
    width: int = 0
    height: int = 0
    taken: dt.date | None = None
    gps_removed: bool = False
    converted_from: str = ""
    pages: int = 0  # a PDF's page count
    notes: tuple[str, ...] = field(default=())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def safe_name(name: str) -> str:
    """The file name as given, NFC; a name holding a path (../, /, \\) or control characters is refused."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    if not name:
        raise IntakeError("binder.error.path", name=name)
    if any(sep in name for sep in ("/", "\\", "\x00")) or name in (".", "..") or name.startswith(".."):
        raise IntakeError("binder.error.path", name=name)
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise IntakeError("binder.error.path", name=repr(name)[1:-1])
    return name


def prepare(name: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES, photo: bool | None = None) -> Prepared:
    """Check and clean one file. ``photo``: True for the 实景图片 slot (must be a picture), False for
    规范文件 (PDF, picture, or anything else kept as an attachment), None to decide by content."""
    name = safe_name(name)
    if not data:
        raise IntakeError("binder.error.empty", name=name)
    if len(data) > max_bytes:
        raise IntakeError("binder.error.too_big", name=name, size=f"{len(data) / 2**20:.1f}",
                          cap=f"{max_bytes / 2**20:.0f}")
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"%PDF-"):
        if photo:
            raise IntakeError("binder.error.photo_is_not_image", name=name)
        return _pdf(name, data)
    if suffix in IMAGE_SUFFIXES or _looks_like_image(data) or photo:
        return _image(name, data)
    if photo:
        raise IntakeError("binder.error.photo_is_not_image", name=name)
    return Prepared(name=name, data=data, suffix=suffix or ".bin", kind=FileKind.ATTACHMENT,
                    notes=("binder.check.attachment",))


def _looks_like_image(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" or _is_heif(data)


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


# ---------------------------------------------------------------- pictures


def _open(name: str, data: bytes) -> Image.Image:
    """Open (header only) with the bomb limit as an error, then check our own pixel cap before decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        said = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow names the size it refused
        pixels = int(said[1]) // 10_000 if said else "?"
        raise IntakeError("binder.error.bomb", name=name, pixels=pixels, cap=MAX_PIXELS // 10_000) from None
    except UnidentifiedImageError:
        raise IntakeError("binder.error.heic" if _is_heif(data) else "binder.error.not_image", name=name) from None
    except (OSError, SyntaxError, ValueError):
        raise IntakeError("binder.error.not_image", name=name) from None
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        raise IntakeError("binder.error.bomb", name=name, pixels=pixels // 10_000, cap=MAX_PIXELS // 10_000)
    return image


def _decode(name: str, image: Image.Image) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, struct.error):
        raise IntakeError("binder.error.truncated", name=name) from None


def _heif_opener() -> bool:
    """Register pillow-heif's opener if the library is installed (a phone's HEIC becomes readable)."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _image(name: str, data: bytes) -> Prepared:
    if _is_heif(data) and not _heif_opener():
        raise IntakeError("binder.error.heic", name=name)
    image = _open(name, data)
    fmt = image.format or ""
    _decode(name, image)
    exif = image.getexif()
    taken = taken_date(exif)
    gps = GPS_IFD in exif
    stem = PurePath(name).stem
    if fmt == "JPEG":
        kept = _jpeg_without_location(data, _clean_exif(exif))
        return Prepared(name=name, data=kept, suffix=".jpg", kind=FileKind.PHOTO, width=image.width,
                        height=image.height, taken=taken, gps_removed=gps)
    if fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        image.save(out, format=fmt, exif=_clean_exif(exif).tobytes()) if taken else image.save(out, format=fmt)
        return Prepared(name=name, data=out.getvalue(), suffix=f".{fmt.lower()}", kind=FileKind.PHOTO,
                        width=image.width, height=image.height, taken=taken, gps_removed=gps)
    if fmt in ("HEIF", "HEIC", "AVIF"):
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=92, exif=_clean_exif(exif).tobytes())
        return Prepared(name=f"{stem}.jpg", data=out.getvalue(), suffix=".jpg", kind=FileKind.PHOTO,
                        width=image.width, height=image.height, taken=taken, gps_removed=gps, converted_from="HEIC")
    raise IntakeError("binder.error.image_format", name=name, format=fmt or "?")


def taken_date(exif: Image.Exif) -> dt.date | None:
    """DateTimeOriginal (the shutter), else IFD0's DateTime; None when absent or unreadable."""
    for value in (exif.get_ifd(EXIF_IFD).get(DATE_TAKEN), exif.get(DATE_TIME)):
        match = re.match(r"\s*(\d{4})[:\-](\d{2})[:\-](\d{2})", str(value or ""))
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return None


def _clean_exif(exif: Image.Exif) -> Image.Exif:
    """The EXIF without its GPS IFD; the Exif IFD (with DateTimeOriginal) loaded so it is written back."""
    exif.get_ifd(EXIF_IFD)
    if GPS_IFD in exif:
        del exif[GPS_IFD]
    return exif


def _jpeg_without_location(data: bytes, exif: Image.Exif) -> bytes:
    """The JPEG with its APP1 EXIF replaced by ``exif`` and XMP (APP1) and IPTC (APP13) segments,
    which may also hold a place, dropped. The compressed picture data is copied untouched."""
    out, pos, wrote_exif = [data[:2]], 2, False
    new_exif = exif.tobytes() if len(exif) else b""
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is picture data
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos:pos + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            if new_exif and not wrote_exif and len(new_exif) + 2 <= 0xFFFF:
                out.append(b"\xff\xe1" + struct.pack(">H", len(new_exif) + 2) + new_exif)
                wrote_exif = True
        elif marker == 0xE1 or marker == 0xED:
            pass  # XMP / extended XMP / IPTC: may name the place
        else:
            out.append(segment)
        pos += 2 + length
    out.append(data[pos:])
    return b"".join(out)


# ---------------------------------------------------------------- PDF


def _pdf(name: str, data: bytes) -> Prepared:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"/Encrypt" in data:
        raise IntakeError("binder.error.pdf_encrypted", name=name)
    if _PDF_SCRIPT.search(data):
        raise IntakeError("binder.error.pdf_js", name=name)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise IntakeError("binder.error.pdf_encrypted", name=name)
        if _has_script(reader):  # names inside compressed object streams escape the byte scan
            raise IntakeError("binder.error.pdf_js", name=name)
        pages = len(reader.pages)
    except IntakeError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, struct.error):
        raise IntakeError("binder.error.pdf_broken", name=name) from None
    if pages == 0:
        raise IntakeError("binder.error.pdf_broken", name=name)
    return Prepared(name=name, data=data, suffix=".pdf", kind=FileKind.PDF, pages=pages)


def _has_script(reader: Any) -> bool:
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    if _is_script_action(root.get("/OpenAction")) or "/AA" in root:
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annot in page.get("/Annots") or ():
            annot = annot.get_object()
            if _is_script_action(annot.get("/A")) or "/AA" in annot:
                return True
    return False


def _is_script_action(action: Any) -> bool:
    if action is None:
        return False
    action = action.get_object()
    return hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch")
