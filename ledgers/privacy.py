"""Personal data: the one implementation of which columns are PII, how a value is masked, normalised
for keying and hashed, and how phone and ID numbers inside free text are found.

The reader masks with it before frames leave ``ledgers``; the store calls the same functions to check
frames again before writing (``store.pii``). Two copies once disagreed (欧阳娜娜 became 欧* in one and
欧阳** in the other), so there is exactly one. Masked forms: 张*, 欧阳**, 138****5678, 310***********1234.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ledgers.clean import arrow_strings, map_unique, norm_text

if TYPE_CHECKING:  # the Series helpers below serve the store and tests; the reader's child never loads pandas
    import pandas as pd

# Blanks written as words: not personal data, so they stay as written (and a reader can see why a
# cell counted as blank).
PLACEHOLDERS = frozenset({"na", "n/a", "无", "null", "none", "-", "--", "/", "不详", "暂无", "没有", "nan"})

# A two-character surname is kept whole: 欧阳** tells the office who is meant, 欧*** would not.
COMPOUND_SURNAMES = frozenset(
    ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
     "令狐", "钟离", "端木", "独孤", "南宫", "西门", "呼延", "万俟", "闻人", "澹台"))

KINDS = ("name", "phone", "id")

_SEPARATORS = re.compile(r"[\s\-()（）.]")
_PHONE_PREFIX = re.compile(r"^\+?86(?=1\d{10}$)")
_DIGITS = re.compile(r"\d+[Xx]?")  # a phone or ID written as digits (an ID may end in X)

# Inside free text. A number glued to letters (Tel18612340000, ID310115…) is still a number, so only
# digits bound a match; an ID may be grouped 6-8-4 or 6-4-4-4 and a phone 3-4-4, by one kind of
# space, dot or dash used throughout. An old 15-digit ID must hold a plausible birth date, or every
# long order number would be masked.
_EDGE_L, _EDGE_R = r"(?<!\d)", r"(?!\d)"
_ID_IN_TEXT = re.compile(_EDGE_L + r"\d{6}(?P<s>[ .\-]?)(?:\d{8}|\d{4}(?P=s)\d{4})(?P=s)\d{3}[\dXx]" + _EDGE_R)
_OLD_ID_IN_TEXT = re.compile(_EDGE_L + r"\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + _EDGE_R)
_PHONE_IN_TEXT = re.compile(_EDGE_L + r"(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?P<s>[ .\-]?)\d{4}(?P=s)\d{4}" + _EDGE_R)
_FOUR_DIGITS = re.compile(r"\d{4}")  # every pattern above holds four digits in a row: a cheap pre-check
# every number scrub() masks holds three digits, maybe a space, dot or dash, then four: text without
# that comes out of scrub() unchanged (years like 2025年 do not need the call)
SCRUB_NEEDS = re.compile(r"\d{3}[ .\-]?\d{4}")
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# --- which columns ---------------------------------------------------------------------------------

def pii_kind(column: str) -> str:
    """How a PII column is masked and keyed: "phone", "id" or "name" (from its canonical name)."""
    if "电话" in column or "手机" in column:
        return "phone"
    if "身份证" in column or "证件" in column:
        return "id"
    return "name"


@cache
def pii_columns() -> dict[str, tuple[str, ...]]:
    """Ledger key -> its PII column names, as the registry marks them (ledgers.md **PII**)."""
    from ledgers.registry import LEDGERS

    out = {key: tuple(c.name for c in spec.columns if c.pii) for key, spec in LEDGERS.items()}
    return {key: cols for key, cols in out.items() if cols}


# --- one value -------------------------------------------------------------------------------------

def is_placeholder(value: str) -> bool:
    """A blank written as a word (无, 不详, N/A): kept as written, never masked."""
    return value.strip().lower() in PLACEHOLDERS


def normalise(value: str, kind: str) -> str:
    """The form a value is keyed by, so 138-1234-5678 and +8613812345678 are one person.

    NFKC and trimming for every kind; a phone loses separators and a +86 prefix when what remains
    is digits; an ID loses whitespace and ends in an upper-case X.
    """
    text = norm_text(value)
    if kind == "phone":
        compact = _PHONE_PREFIX.sub("", _SEPARATORS.sub("", text))
        return compact if compact.isdigit() else text
    if kind == "id":
        return re.sub(r"\s+", "", text).upper()
    return text


def mask_digits(value: str) -> str:
    """138****5678, 310***********1234: three kept in front and four behind; short numbers hidden."""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) >= 5:
        return "*" * (len(value) - 2) + value[-2:]
    return "*" * len(value)


def mask_name(value: str) -> str:
    """张*, 张**, 欧阳**: the surname kept, one * per hidden character; a single character hidden."""
    if len(value) <= 1:
        return "*" * len(value)
    keep = 2 if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else 1
    return value[:keep] + "*" * (len(value) - keep)


def mask_value(value: str | None, kind: str) -> str | None:
    """The masked form of one normalised value; blanks and placeholder words stay as they are.

    A value written as digits is masked as a number whatever its column, and anything else as a
    name, so a name typed into a phone column does not keep its last two characters.
    """
    if value is None or value.lower() in PLACEHOLDERS:
        return value
    if _DIGITS.fullmatch(value):
        return mask_digits(value)
    return mask_name(value)


def mask_array(values: np.ndarray, strings: Any = None) -> Any:
    """``mask_value`` of each entry of an object array of normalised values, as an Arrow string
    array (null for None), by Arrow for the two common shapes: 8+ ASCII digits (138****5678) and
    names holding no digit (张*, 欧阳**); anything else (placeholders, short numbers, IDs ending in
    X) by ``mask_value``. ``strings``: ``values`` as an Arrow string array, when the caller has it."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    from ledgers.arrowgrid import flags, numbers

    arr = arrow_strings(values) if strings is None else strings
    out = arr
    n = numbers(pc.utf8_length(arr)).astype(np.int64)
    none = pa.scalar("", type=pa.string())  # typed: inferring a Python scalar's type loads pandas
    star = pa.scalar("*", type=pa.string())
    digits = flags(pc.ascii_is_decimal(arr)) & (n >= 8)
    if digits.any():
        sub = arr.filter(pa.array(digits))
        out = pc.replace_with_mask(out, pa.array(digits), pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(sub, 0, 3), pc.binary_repeat(star, pa.array(n[digits] - 7)),
            pc.utf8_slice_codeunits(sub, -4), none))
    rest = np.flatnonzero(~digits & ~flags(arr.is_null()))
    sub = arr.take(pa.array(rest))
    # a placeholder word stays as written; no letter lower-cases into one outside ASCII
    name = ~flags(pc.match_substring_regex(sub, r"\p{Nd}")) & ~flags(pc.is_in(pc.ascii_lower(sub),
                                                                               value_set=_PLACEHOLDERS_ARROW()))
    if name.any():
        sub, m = sub.filter(pa.array(name)), n[rest[name]]
        keep = np.where(m <= 1, 0, np.where(flags(pc.is_in(pc.utf8_slice_codeunits(sub, 0, 2),
                                                           value_set=_COMPOUND_ARROW())) & (m > 2), 2, 1))
        head = pc.if_else(pa.array(keep == 2), pc.utf8_slice_codeunits(sub, 0, 2),
                          pc.if_else(pa.array(keep == 1), pc.utf8_slice_codeunits(sub, 0, 1), none))
        at = np.zeros(len(values), dtype=bool)
        at[rest[name]] = True
        out = pc.replace_with_mask(out, pa.array(at), pc.binary_join_element_wise(
            head, pc.binary_repeat(star, pa.array(m - keep)), none))
    other = rest[~name]
    if len(other):
        at = np.zeros(len(values), dtype=bool)
        at[other] = True
        out = pc.replace_with_mask(out, pa.array(at), pa.array([mask_value(values[i], "") for i in other.tolist()],
                                                               type=pa.string()))
    return out


@cache
def _PLACEHOLDERS_ARROW() -> Any:  # noqa: N802 - a constant, built on first use
    import pyarrow as pa

    return pa.array(sorted(PLACEHOLDERS), type=pa.string())


@cache
def _COMPOUND_ARROW() -> Any:  # noqa: N802 - a constant, built on first use
    import pyarrow as pa

    return pa.array(sorted(COMPOUND_SURNAMES), type=pa.string())


def digits_of(value: str) -> str | None:
    """The phone or ID number a cell holds (separators and +86 dropped), or None when it holds text."""
    compact = _PHONE_PREFIX.sub("", _SEPARATORS.sub("", norm_text(value)))
    return compact.upper() if _DIGITS.fullmatch(compact) else None


def hmac_key(normalised: str, secret: bytes) -> str:
    """HMAC-SHA-256 hex of a normalised value: identity (distinct volunteers) survives masking."""
    return hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


_BLOCK = 64  # SHA-256's block size: HMAC's key is padded (or first hashed) to it


def _hmac_states(secret: bytes) -> tuple[Any, Any]:
    """SHA-256 after the key's inner and outer padded blocks (RFC 2104), to be copied per value."""
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))


def hmac_keys(values: list[str | None], secret: bytes) -> list[str | None]:
    """``hmac_key`` of each value (None stays None), in one loop.

    HMAC-SHA-256 as RFC 2104 defines it: SHA-256(key ^ opad || SHA-256(key ^ ipad || msg)). The two
    padded key blocks are hashed once, and per value only those two states are copied and finished,
    which is what ``hmac.new`` does inside, without its key schedule and wrapper per value (0.9 µs
    a value where copying a keyed ``hmac`` object took 1.2-1.5 µs). ``hmac_key`` stays the reference."""
    keys = _hmac_digests([v for v in values if v is not None], secret).hex()
    hexed = iter([keys[i:i + 64] for i in range(0, len(keys), 64)])
    return [None if v is None else next(hexed) for v in values]


def hmac_keys_arrow(values: list[str | None], secret: bytes) -> Any:
    """``hmac_keys`` as an Arrow string array (null for None), for a frame's key column: the digests
    written as hex in one call, and no Python str per key."""
    import binascii

    import pyarrow as pa

    present = [v for v in values if v is not None]
    hexed = binascii.hexlify(_hmac_digests(present, secret))
    valid = np.array([v is not None for v in values], dtype=bool)
    offsets = np.zeros(len(values) + 1, dtype=np.int32)  # 64 hex digits a key, none for a blank
    np.cumsum(np.where(valid, 64, 0), out=offsets[1:])
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(hexed),
                                       pa.py_buffer(np.packbits(valid, bitorder="little")),
                                       null_count=len(values) - len(present))


def _hmac_digests(values: list[str], secret: bytes) -> bytearray:
    """The HMAC-SHA-256 digests of ``values``, joined (written one after another into one buffer: a list
    of 135k digests and its join held ~24 MB at once at the child's peak, the buffer ~9 MB)."""
    inner, outer = _hmac_states(secret)
    inner_copy, outer_copy = inner.copy, outer.copy
    out = bytearray()
    for v in values:
        h = inner_copy()
        h.update(v.encode("utf-8"))
        o = outer_copy()
        o.update(h.digest())
        out += o.digest()
    return out


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every ID or mobile number inside it masked, and how many there were."""
    if not _FOUR_DIGITS.search(text):
        return text, 0
    count = 0

    text = text.translate(_WIDE_DIGITS)  # full-width digits are digits too (one for one: places kept)

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        digits = re.sub(r"^(?:\+|00)?86", "", _NUMBER_SEPARATORS.sub("", m.group(0))) if m.re is _PHONE_IN_TEXT \
            else _NUMBER_SEPARATORS.sub("", m.group(0))
        return mask_digits(digits)

    for pattern in (_ID_IN_TEXT, _OLD_ID_IN_TEXT, _PHONE_IN_TEXT):
        text = pattern.sub(repl, text)
    return text, count


def scrub_text(text: str) -> str:
    """``text`` with IDs and mobile numbers inside it masked (for messages and logs)."""
    return scrub(text)[0]


# --- columns (once per distinct value) -------------------------------------------------------------

def normalise_series(values: pd.Series, kind: str) -> pd.Series:
    """``normalise`` of each text value (None where blank)."""
    return _none_for_nan(map_unique(values, lambda v: normalise(v, kind)))


def mask_series(values: pd.Series, kind: str) -> pd.Series:
    """``mask_value`` of each normalised value (None where blank)."""
    return _none_for_nan(map_unique(values, lambda v: mask_value(v, kind)))


def key_series(values: pd.Series, secret: bytes) -> pd.Series:
    """``hmac_key`` of each normalised value (None where blank)."""
    return _none_for_nan(map_unique(values, lambda v: hmac_key(v, secret)))


def scrub_series(text: pd.Series) -> pd.Series:
    """Free text (a 描述 may name a resident's phone) with IDs and mobile numbers masked."""
    return _none_for_nan(map_unique(text, scrub_text))


def id_checksum_ok(ids: pd.Series) -> pd.Series:
    """ISO 7064 MOD 11-2 check digit of 18-character IDs (vectorised over positions)."""
    import pandas as pd

    total = pd.Series(0, index=ids.index)
    for pos, weight in enumerate(_ID_WEIGHTS):
        total = total + ids.str[pos].astype(int) * weight
    expected = total.mod(11).map(lambda r: _ID_CHECK[r])
    return expected == ids.str[17]


def id_checksum_valid(value: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of one 18-character ID (17 digits, then a digit or X)."""
    total = sum(int(c) * w for c, w in zip(value, _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == value[17]


def id_checksums_valid(ids: list[str]) -> np.ndarray:
    """``id_checksum_valid`` of IDs of 17 ASCII digits and a digit or X each, all at once."""
    if not ids:
        return np.zeros(0, dtype=bool)
    points = np.array(ids, dtype="<U18").view(np.uint32).reshape(len(ids), 18).astype(np.int64)
    total = (points[:, :17] - ord("0")) @ np.array(_ID_WEIGHTS, dtype=np.int64)
    valid: np.ndarray = np.array([ord(c) for c in _ID_CHECK], dtype=np.int64)[total % 11] == points[:, 17]
    return valid


def _none_for_nan(s: pd.Series) -> pd.Series:
    return s.where(s.notna(), None)


# --- names where no column says so -----------------------------------------------------------------

# The commonest single-character surnames (about nine in ten residents); with COMPOUND_SURNAMES they
# tell a personal name from the words a ledger holds.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝")
# Characters that make a short word a place, a body, a thing or a state rather than a person.
_NOT_NAME_CHARS = frozenset(
    "区路弄号楼栋室会组队站所局部委办司店院校街镇村市省县园场馆厅处科段班社厂业类型期间数量额率度次费表单项"
    "目称日时址话况容注说完进行常已未是否有无个件台账记录户口人员住宅情务管理检查服活动安全消防志愿者姓名电"
    "性别年龄月元份条张本贴式地色上下内外前后")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")


def looks_like_name(value: object) -> bool:
    """Whether a cell reads as a Chinese personal name: 2-4 Han characters after a common surname,
    none of them one that makes it an ordinary word (楼组长, 张贴, 金额 are not names)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not _CJK_NAME.fullmatch(text):
        return False
    rest = text[2:] if text[:2] in COMPOUND_SURNAMES else text[1:] if text[0] in SURNAMES else ""
    return bool(rest) and not any(ch in _NOT_NAME_CHARS for ch in rest)


def column_pii_kind(values: list[object], *, share: float = 0.6) -> str | None:
    """"name", "phone" or "id" when most of a column's distinct non-blank values are one (so an
    extra column is judged by what it holds as well as by its header), else None."""
    texts = [str(v).strip() for v in values if v is not None and str(v).strip() and str(v).strip().lower()
             not in PLACEHOLDERS]
    if len(texts) < 2:
        return None
    need = share * len(texts)
    if sum(_ID_IN_TEXT.search(t.translate(_WIDE_DIGITS)) is not None for t in texts) >= need:
        return "id"
    if sum(_PHONE_IN_TEXT.search(t.translate(_WIDE_DIGITS)) is not None for t in texts) >= need:
        return "phone"
    if sum(looks_like_name(t) for t in texts) >= need:
        return "name"
    return None


def mask_cells(cells: list[str]) -> list[str]:
    """Cells of a row shown in a report (an unknown sheet's headers, the title rows above a header)
    with phones and IDs masked, and names masked when the row reads as data — a number in it, or
    two names — so a sheet without a header row does not put its first resident in the report."""
    cells = [scrub_text(c) for c in cells]
    names = [looks_like_name(c) for c in cells]
    if not any(names):
        return cells
    data_row = sum(names) >= 2 or any(_FOUR_DIGITS.search(c) or "*" in c for c in cells)
    return [mask_name(c.strip()) if n and data_row else c for c, n in zip(cells, names, strict=True)]


_NAME_BEFORE_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,})(?=\d{3}\*+\w{2,4})")
_FILE_TOKEN = re.compile(r"[^\s_\-—·.,，、()（）\[\]【】]+")


def mask_file_name(name: str) -> str:
    """An upload's file name with the personal data in it masked and the rest kept: phones and IDs
    anywhere (活动台账_王小明18612340000.xlsx → 活动台账_王**186****0000.xlsx), names standing as
    their own part of the name or just before a number."""
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    stem = scrub_text(stem)

    def before_number(m: re.Match[str]) -> str:
        run = m.group(1)
        for size in (4, 3, 2):
            tail = run[-size:]
            if len(run) >= size and looks_like_name(tail):
                return run[:-size] + mask_name(tail)
        return run

    stem = _NAME_BEFORE_NUMBER.sub(before_number, stem)
    stem = _FILE_TOKEN.sub(lambda m: mask_name(m.group(0)) if looks_like_name(m.group(0)) else m.group(0), stem)
    return stem + dot + ext
