"""Vectorised cleaning and typing of raw cell columns (PII masking is ``ledgers.privacy``).

Every function takes an object Series of raw cells (str, float, int, bool, date/datetime from calamine;
str from CSV) indexed by Excel row number and returns typed values plus masks of what it could not read.
No Python loop runs over rows: only over the distinct values of a column where a mapping is needed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from ledgers.coltypes import parse_yes_no

if TYPE_CHECKING:  # only ``map_unique`` (the store's and tests' Series helpers) uses pandas
    import pandas as pd

_T = TypeVar("_T")

# NFKC turns ㎡ into "m2"; a private-use placeholder survives NFKC so the unit keeps its meaning.
_SQM = "\ue000"
_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"

_NUMBER_RE = (
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"(?P<wan>万)?(?P<pct>%)?"
    r"(?:人次|户次|平方米|平米|m2|㎡|万元|元|人|户|个|次|处|名|栋|幢|座|间|台|只|具|套|盏|条|项|件|起|家|张|本|场|期|天|米|支|队|辆|棵|株|组|位)?$"
)
_DATE_RE = (
    r"^(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|年(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})日?)?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050  # 1950-01-01 .. 2099-12-31: a number outside is not a date


_CONTROL = re.compile(_CONTROL_RE)


def norm_text(value: str) -> str:
    """One string: NFKC (keeping ㎡), control characters removed, trimmed."""
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value.replace("㎡", _SQM)).replace(_SQM, "㎡")
    if not value.isprintable() and _CONTROL.search(value):  # every control character is unprintable
        value = _CONTROL.sub("", value)
    return value.strip()


def norm_texts(values: Any, kinds: list[str] | None = None) -> list[str | None]:
    """``norm_text`` of every str (None for the other values, or where ``kinds`` is not "s").

    Office text is nearly always NFKC already and printable: that is checked once over all the
    values joined (a newline cannot compose with its neighbours), and then only trimming is left."""
    every = kinds is not None and (not kinds or kinds[0] == "s" and kinds.count("s") == len(kinds))
    if every:
        strs = list(values)
    elif kinds is not None:
        strs = [v for v, k in zip(values, kinds, strict=True) if k == "s"]
    else:
        strs = [v for v in values if isinstance(v, str)]
    if strs and "".join(strs).isprintable() and unicodedata.is_normalized("NFKC", "\n".join(strs)):
        done = iter([s.strip() for s in strs])
    else:  # some need folding: the check per value, inline; norm_text only for those
        done = iter([s.strip() if s.isprintable() and unicodedata.is_normalized("NFKC", s) else norm_text(s)
                     for s in strs])
    if every:
        return list(done)
    if kinds is not None:
        return [next(done) if k == "s" else None for k in kinds[:len(values)]]
    return [next(done) if isinstance(v, str) else None for v in values]


def map_unique(s: pd.Series, func: Callable[[Any], Any], dtype: type = object) -> pd.Series:
    """``func`` applied once per distinct non-null value (ledger columns repeat a lot), aligned to ``s``."""
    import pandas as pd

    codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(False if dtype is bool else (np.nan if dtype is float else None), index=s.index,
                         dtype=dtype)
    mapped: np.ndarray = np.empty(len(uniques) + 1, dtype=dtype)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = False if dtype is bool else (np.nan if dtype is float else None)
    return pd.Series(mapped[codes], index=s.index, dtype=dtype)


def isna(values: np.ndarray) -> npt.NDArray[np.bool_]:
    """Which entries of an object array are None or NaN (``pd.isna`` of the Python cells a reader
    holds, without pandas)."""
    values = np.asarray(values, dtype=object)
    nothing: Any = None  # compared element by element
    return np.asarray(np.equal(values, nothing) | (values != values), dtype=np.bool_)


def norm_key(value: str) -> str:
    """A header or category for matching: normalised, no whitespace, lower-case."""
    return re.sub(r"\s+", "", norm_text(value)).lower()


_KIND = {str: "s", float: "f", int: "i", bool: "b", type(None): "n", dt.date: "d", dt.datetime: "d",
         dt.time: "t", dt.timedelta: "t"}


def _kind_of(cell: Any) -> str:
    """A cell's kind letter; a date/datetime subclass (pandas' Timestamp) is a date."""
    kind = _KIND.get(type(cell))
    if kind is None:
        return "d" if isinstance(cell, dt.date) else "o"
    return kind


def factorize(values: np.ndarray) -> tuple[npt.NDArray[np.intp], np.ndarray]:
    """``pd.factorize(values, use_na_sentinel=True)`` of an object array of Python cells, without
    pandas: the distinct values in order of first appearance (equal ones, such as 1 and 1.0, are one,
    the first kept) and each cell's index into them, -1 for None and NaN. Both loops run in C
    (a dict's own hashing, ``map``)."""
    index: dict[Any, int] = dict.fromkeys(values, -1)
    uniq = [k for k in index if k is not None and k == k]  # NaN is the one value unequal to itself
    index.update(zip(uniq, range(len(uniq)), strict=True))
    codes = np.fromiter(map(index.__getitem__, values), np.intp, len(values))
    out = np.empty(len(uniq), dtype=object)
    out[:] = uniq
    return codes, out
_TRUE_CELL, _FALSE_CELL = object(), object()  # bools kept apart from 1/0 while factorizing (True == 1)
_EPOCH_DAY = np.datetime64("1899-12-30", "D")
_NAT = np.datetime64("NaT", "ns")
_DATE = re.compile(_DATE_RE)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
_SPACES = re.compile(r"\s+")


class Column:
    """One raw column of cells (str, float, int, bool, date/datetime from calamine; str from CSV),
    factorized once: ``codes`` (one per row, -1 for None/NaN) into its distinct cells ``uniq``.

    Office ledgers repeat themselves (a date column of 60k rows holds ~3k distinct values), so
    everything below is worked out once per distinct cell and taken back to the rows by ``codes``.
    The per-distinct arrays ("ext" arrays) have one extra last slot for None/NaN, which code -1 picks.
    ``sub(mask)`` keeps some rows and shares the distinct values and everything derived from them.
    """

    __slots__ = ("codes", "kind", "_text", "blank", "_memo")

    def __init__(self, values: np.ndarray | None = None) -> None:
        if values is None:
            return
        codes, uniq = factorize(values)
        all_text = all(type(u) is str for u in uniq)
        if not all_text and len(uniq) and not all(type(u) is bool for u in uniq) and (
                any(type(u) is bool for u in uniq) or _holds_one_or_zero(uniq)):
            # True == 1 == 1.0 for a hash table: a column mixing them is factorized again with the
            # bools marked, so a TRUE cell is never read as the number 1 (or the reverse)
            is_bool = np.fromiter((type(v) is bool for v in values), bool, len(values))
            if is_bool.any() and not is_bool.all():
                marked = values.copy()
                marked[is_bool] = [_TRUE_CELL if v else _FALSE_CELL for v in values[is_bool]]
                codes, marked_uniq = factorize(marked)
                uniq = np.empty(len(marked_uniq), dtype=object)
                uniq[:] = [True if u is _TRUE_CELL else False if u is _FALSE_CELL else u for u in marked_uniq]
        kinds = np.full(len(uniq), "s", dtype="<U1") if all_text else np.array([_kind_of(u) for u in uniq],
                                                                                   dtype="<U1")
        normed = np.empty(len(uniq), dtype=object)
        normed[:] = norm_texts(uniq, kinds.tolist())
        self._derive(codes, kinds, normed)
        self._memo["uniq"] = uniq

    @classmethod
    def from_arrow(cls, strings: Any) -> Column:
        """A column fastexcel read as text (``ledgers.arrowgrid``): dictionary-encoded by Arrow, so
        only its distinct texts become Python values (decoded to calamine's cells, and those only
        when asked for: ``uniq``)."""
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        from ledgers import arrowgrid

        enc = pc.dictionary_encode(arrowgrid.as_strings(strings))
        out = cls()
        codes = arrowgrid.numbers(enc.indices, -1).astype(np.intp)
        kinds, cells = arrowgrid.classify(enc.dictionary)
        # only text cells have a normalised text (a column of phones read as numbers has none); a few:
        # Python's norm_texts (one check over them joined) beats five Arrow calls
        at = np.flatnonzero(kinds == "s")
        every = len(at) == len(kinds)
        strs = enc.dictionary if every else enc.dictionary.take(pa.array(at))
        if every and len(at) > arrowgrid.FEW:  # a long text column: Python strs only when asked for
            out._derive_arrow(codes, kinds, _norm_arrow(strs)[1])
            out._memo["uniq_of"] = lambda: _objects(strs)
            out._memo["src_arrow"] = enc.dictionary
            return out
        texts = strs.to_pylist()
        normed = np.empty(len(kinds), dtype=object)
        if len(at) > arrowgrid.FEW:
            normed[at], twin = _norm_arrow(strs, texts)
        else:
            normed[at], twin = norm_texts(texts, ["s"] * len(at)), None
        out._derive(codes, kinds, normed)
        if every and twin is not None:  # the Arrow twin of ``text`` (its blank slot last)
            out._memo["text_arrow"] = pa.concat_arrays([twin, pa.nulls(1, pa.string())])
        if every:
            uniq = np.empty(len(texts), dtype=object)
            uniq[:] = texts
            out._memo["uniq"] = uniq
        else:
            out._memo["uniq_of"] = lambda: cells(None)
        out._memo["src_arrow"] = enc.dictionary
        return out

    def _derive(self, codes: npt.NDArray[np.intp], kinds: np.ndarray, normed: np.ndarray) -> None:
        """``kinds``: each distinct cell's kind; ``normed``: ``norm_text`` of each (None where not text)."""
        self._memo: dict[Hashable, Any] = {}
        self.codes = codes
        self.kind = np.empty(len(kinds) + 1, dtype="<U1")
        self.kind[:-1] = kinds
        self.kind[-1] = "n"
        text = np.empty(len(kinds) + 1, dtype=object)
        text[:-1] = normed
        if not (kinds == "s").all():
            text[:-1][kinds != "s"] = None
        self._text: np.ndarray | None = text
        self.blank = (self.kind == "n") | ((self.kind == "s") & (text == ""))

    def _derive_arrow(self, codes: npt.NDArray[np.intp], kinds: np.ndarray, normed: Any) -> None:
        """``_derive`` of a text column whose normalised text stays an Arrow array (``normed``):
        ``text`` is made from it on first use."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ledgers.arrowgrid import flags

        self._memo = {}
        self.codes = codes
        self.kind = np.empty(len(kinds) + 1, dtype="<U1")
        self.kind[:-1] = kinds
        self.kind[-1] = "n"
        twin = pa.concat_arrays([normed, pa.nulls(1, pa.string())])
        self._memo["text_arrow"] = twin
        self._memo["text_of"] = lambda: _objects(twin)
        self._text = None
        self.blank = (self.kind == "n") | flags(pc.equal(twin, pa.scalar("", type=pa.string())))

    @property
    def text(self) -> np.ndarray:
        """The normalised text of each distinct cell (None where not text), the blank slot last."""
        if self._text is None:
            if "text" not in self._memo:
                self._memo["text"] = self._memo.pop("text_of")()
            self._text = self._memo["text"]
        return self._text

    def _lazy(self) -> bool:
        """Whether ``text`` is still only Arrow's (``_derive_arrow``)."""
        return self._text is None and "text" not in self._memo

    def equals(self, value: str) -> np.ndarray:
        """Which distinct cells' normalised text is ``value``."""
        if self._lazy():
            import pyarrow as pa
            import pyarrow.compute as pc

            from ledgers.arrowgrid import flags

            return flags(pc.equal(self.text_arrow(), pa.scalar(value, type=pa.string())))
        same: np.ndarray = self.text == value
        return same

    @property
    def uniq(self) -> np.ndarray:
        """The distinct cells (str, float, bool, date... as calamine gives them), made on first use."""
        if "uniq" not in self._memo:
            self._memo["uniq"] = self._memo.pop("uniq_of")()
        got: np.ndarray = self._memo["uniq"]
        return got

    @classmethod
    def of(cls, values: Any) -> Column:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return cls(arr)

    def __len__(self) -> int:
        return len(self.codes)

    def sub(self, mask: np.ndarray) -> Column:
        out = Column()
        out.codes = self.codes[mask]
        out.kind, out._text, out.blank, out._memo = self.kind, self._text, self.blank, self._memo
        return out

    def rows(self, ext: np.ndarray) -> np.ndarray:
        """A per-distinct ("ext") array taken back to the rows."""
        return ext[self.codes]

    def raw_ext(self) -> np.ndarray:
        if "raw" not in self._memo:
            raw = np.empty(len(self.uniq) + 1, dtype=object)
            raw[:-1] = self.uniq
            self._memo["raw"] = raw
        raw_ext: np.ndarray = self._memo["raw"]
        return raw_ext

    def memo(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()`` once per key for this column (each key always holds the same type)."""
        if key not in self._memo:
            self._memo[key] = make()
        hit: _T = self._memo[key]
        return hit

    def map_text(self, func: Callable[[str], Any], key: Any, dtype: Any = object, fill: Any = None, *,
                 pre: re.Pattern[str] | None = None) -> np.ndarray:
        """``func`` of each distinct normalised string (``fill`` for the other kinds and blanks, and
        for strings without a match of ``pre`` when given)."""
        def make() -> np.ndarray:
            hits = _arrow_hits(self.text_arrow(), pre) if pre is not None and self._lazy() else None
            if hits is None:
                return map_ext(self.text, func, dtype, fill, pre=pre, miss=fill, strings=self.text_arrow)
            out = np.full(len(self.kind), fill, dtype=dtype)  # a text kept by Arrow: only hits become Python
            if len(hits):
                import pyarrow as pa

                done = np.empty(len(hits), dtype=dtype)
                done[:] = [func(v) for v in self.text_arrow().take(pa.array(hits)).to_pylist()]
                out[hits] = done
            return out

        return self.memo(("map_text", key), make)

    def text_arrow(self) -> Any:
        """``text`` as an Arrow string array (null where None), made once: the twin a regular
        expression runs over in Arrow (``map_ext``)."""
        return self.memo("text_arrow", lambda: arrow_strings(self.text))


# _CONTROL_RE in RE2's syntax, for Arrow
_CONTROL_RE2 = (r"[\x{0}-\x{8}\x{b}\x{c}\x{e}-\x{1f}\x{7f}-\x{9f}\x{200b}-\x{200f}\x{2028}-\x{202e}"
                r"\x{2060}-\x{2064}\x{feff}]")


# Code points whose NFKC Python (its Unicode database) and Arrow (utf8proc's, newer) agree on: every
# one of these blocks was assigned before Python 3.11's Unicode 14 and nothing decomposable was
# added to them since (NFKC of assigned characters is stable). A value holding anything else that
# NFKC would change goes through Python's ``norm_text``, as all of them did before.
_ARROW_NFKC_SAFE_RE2 = (r"^[\x{0}-\x{36f}\x{2000}-\x{206f}\x{2100}-\x{24ff}\x{2e80}-\x{2fdf}\x{3000}-\x{9fff}"
                        r"\x{f900}-\x{faff}\x{fe30}-\x{fe4f}\x{ff00}-\x{ffef}]*$")


_SQM_BYTES, _PUA_BYTES = "㎡".encode(), _SQM.encode()


def _norm_arrow(strings: Any, texts: list[str] | None = None) -> tuple[np.ndarray | None, Any]:
    """``norm_text`` of each value of an Arrow string array without nulls, as an Arrow string array,
    and as an object array when ``texts`` (= ``strings.to_pylist()``) is given (else None). Worked
    out by Arrow: NFKC keeping ㎡, control characters removed, trimmed, as ``norm_text`` does (the
    tests compare them code point by code point). Python's ``norm_text`` still does the values NFKC
    changes that hold characters outside ``_ARROW_NFKC_SAFE_RE2``, and those holding the placeholder
    ㎡ is swapped for. In the object array, unchanged values stay the very str objects of ``texts``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ledgers import arrowgrid

    out = None
    if texts is not None:
        out = np.empty(len(texts), dtype=object)
        out[:] = texts
    if not len(strings):
        return out, strings
    data = strings.buffers()[2]
    raw = data.to_pybytes() if data is not None else b""
    sqm, pua = _SQM_BYTES in raw, _PUA_BYTES in raw  # most columns hold neither: no swapping
    # one NFKC pass: a value already NFKC holds no ㎡, so swapping it out and back changes nothing
    folded = pc.utf8_normalize(pc.replace_substring(strings, "㎡", _SQM) if sqm else strings, form="NFKC")
    if sqm or pua:
        folded = pc.replace_substring(folded, _SQM, "㎡")
    nfkc = pc.not_equal(folded, strings)
    cur = folded
    if pc.any(pc.match_substring_regex(cur, _CONTROL_RE2)).as_py():
        cur = pc.replace_substring_regex(cur, _CONTROL_RE2, "")
    cur = pc.utf8_trim_whitespace(cur)
    if pc.any(nfkc).as_py():
        python = pc.and_(nfkc, pc.invert(pc.match_substring_regex(strings, _ARROW_NFKC_SAFE_RE2)))
        if pua:
            python = pc.or_(python, pc.match_substring(strings, _SQM))
        if pc.any(python).as_py():
            at = np.flatnonzero(arrowgrid.flags(python))
            originals = [texts[i] for i in at.tolist()] if texts is not None else strings.take(pa.array(at)).to_pylist()
            cur = pc.replace_with_mask(cur, python, pa.array([norm_text(t) for t in originals], type=pa.string()))
    if out is not None:
        changed = pc.not_equal(cur, strings)
        if pc.any(changed).as_py():
            idx = np.flatnonzero(arrowgrid.flags(changed))
            out[idx] = cur.take(pa.array(idx)).to_pylist()
    return out, cur


def _holds_one_or_zero(uniq: np.ndarray) -> bool:
    return any((type(u) is int or type(u) is float) and (u == 1 or u == 0) for u in uniq)


_SAME = object()


def map_ext(ext: np.ndarray, func: Callable[[Any], Any], dtype: Any = object, fill: Any = None, *,
            pre: re.Pattern[str] | None = None, miss: Any = _SAME, strings: Callable[[], Any] | None = None
            ) -> np.ndarray:
    """``func`` of each non-None entry of an ext array (``fill`` elsewhere).

    ``pre``: a pattern every value ``func`` could change must contain (and that cannot match a
    newline); values without it get ``miss`` (themselves by default) without a call of ``func``.
    ``strings``: gives ``ext`` as an Arrow string array (its None values null or empty), for ``pre``.
    Only the values ``func`` runs on are visited one by one: the rest is numpy's."""
    ext = np.asarray(ext, dtype=object)
    none = np.equal(ext, cast(Any, None))
    present = np.flatnonzero(~none)
    out = np.empty(len(ext), dtype=dtype)
    if pre is None:
        out[:] = fill
        hits = present
    else:
        hits = present[flags_where(ext[present].tolist(), pre, strings, present)]
        if miss is _SAME:
            out[:] = ext
            out[none] = fill
        else:
            out[:] = miss
            if fill != miss:
                out[none] = fill
    if len(hits):
        done = np.empty(len(hits), dtype=dtype)
        done[:] = [func(v) for v in ext[hits].tolist()]
        out[hits] = done
    return out


_RE2_UNSAFE = re.compile(r"\\[sSwWbBDAZ]|\(\?[=!<P]")  # classes and lookarounds RE2 reads otherwise


def map_text_arrow(col: Column, func: Callable[[str], str], pre: re.Pattern[str]) -> Any:
    """``map_ext(text_ext(col), func, pre=pre)`` as an Arrow string array (null for blanks), for a
    text column whose normalised text Arrow holds already (``Column.from_arrow``): its values go to
    the parent as they are, and only those ``pre`` finds become Python strings. None for others."""
    twin = col._memo.get("text_arrow")
    if twin is None or not (col.kind[:-1] == "s").all():
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    out = pc.replace_with_mask(twin, pa.array(col.blank), pa.nulls(int(col.blank.sum()), pa.string()))
    hits = _arrow_hits(twin, pre)
    if hits is None:
        present = np.flatnonzero(~col.blank)
        hits = present[flags_where(col.text[present].tolist(), pre, lambda: twin, present)]
    if len(hits):
        at = np.zeros(len(col.kind), dtype=bool)
        at[hits] = True
        out = pc.replace_with_mask(out, pa.array(at), pa.array([func(v) for v in twin.take(pa.array(hits)).to_pylist()],
                                                               type=pa.string()))
    return out


def _arrow_hits(strings: Any, pattern: re.Pattern[str]) -> np.ndarray | None:
    """Where an Arrow string array holds a match of ``pattern`` (Arrow's RE2, ``\\d`` as ``\\p{Nd}``: a
    superset of Python's matches), or None when RE2 would read the pattern otherwise."""
    if pattern.flags & ~re.UNICODE or _RE2_UNSAFE.search(pattern.pattern):
        return None
    literals = _literals(pattern.pattern)
    if literals is not None and not _holds_any(strings, literals):
        return np.zeros(0, dtype=np.intp)
    import pyarrow.compute as pc

    from ledgers.arrowgrid import flags

    return np.flatnonzero(flags(pc.match_substring_regex(strings, pattern.pattern.replace("\\d", "\\p{Nd}"))))


def _objects(strings: Any) -> np.ndarray:
    """An Arrow string array as a numpy object array of str (None where null)."""
    out = np.empty(len(strings), dtype=object)
    out[:] = strings.to_pylist()
    return out


def flags_where(values: list[str], pattern: re.Pattern[str], strings: Callable[[], Any] | None = None,
                at: np.ndarray | None = None) -> np.ndarray:
    """Which ``values`` hold a match of ``pattern`` (one that cannot span a newline). Many values:
    Arrow's regex (RE2) over them, with Python's ``\\d`` as ``\\p{Nd}`` (the same digits, or more: a
    value it flags that Python would not just gets the caller's exact check), over ``strings()[at]``
    when given (the same values as an Arrow array, and where they are in it); few, or a pattern RE2
    would read differently: one Python search over all of them joined."""
    from ledgers import arrowgrid

    out = np.zeros(len(values), dtype=bool)
    if not values:
        return out
    if len(values) > arrowgrid.FEW and not pattern.flags & ~re.UNICODE and not _RE2_UNSAFE.search(pattern.pattern):
        import pyarrow.compute as pc

        re2 = pattern.pattern.replace("\\d", "\\p{Nd}")
        literals = _literals(pattern.pattern)
        if strings is not None and at is not None:
            twin = strings()
            if literals is not None and not _holds_any(twin, literals):  # the usual case: no 合计 anywhere
                return out
            hit: np.ndarray = arrowgrid.flags(pc.match_substring_regex(twin, re2))[at]
            return hit
        return arrowgrid.flags(pc.match_substring_regex(arrow_strings(values), re2))
    pos = [m.start() for m in pattern.finditer("\n".join(values))]
    if pos:
        starts = np.zeros(len(values), dtype=np.int64)
        np.cumsum([len(v) + 1 for v in values[:-1]], out=starts[1:])
        out[np.searchsorted(starts, pos, side="right") - 1] = True
    return out


_LITERAL = r"[^\\.^$*+?{}()\[\]|]+"  # text without a character that means something in a pattern


def _literals(pattern: str) -> list[str] | None:
    """The texts a pattern made of literals matches one of (``计|总数``, ``[注说填]``), else None."""
    if re.fullmatch(rf"{_LITERAL}(?:\|{_LITERAL})*", pattern):
        return pattern.split("|")
    if re.fullmatch(r"\[[^\\^\]\-]+\]", pattern):
        return list(pattern[1:-1])
    return None


def _holds_any(strings: Any, literals: list[str]) -> bool:
    """Whether any literal's UTF-8 bytes occur in an Arrow string array's data buffer (bytes past
    its values can only say yes where the answer is no: the caller then searches value by value)."""
    data = strings.buffers()[2]
    raw = data.to_pybytes() if data is not None else b""
    return any(lit.encode() in raw for lit in literals)


def arrow_strings(values: Any) -> Any:
    """Python strings (None where missing) as an Arrow string array."""
    import pyarrow as pa

    return pa.array(values, type=pa.string(), from_pandas=True)


def _num_text(value: Any) -> str:
    f = float(value)
    if np.isfinite(f) and f == np.floor(f) and abs(f) < 1e15:
        return str(int(f))
    return str(f)


def _other_text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def text_ext(col: Column) -> np.ndarray:
    """Every distinct cell as text (None when blank); whole numbers without ``.0``, dates as ISO."""

    def make() -> np.ndarray:
        out = col.text.copy()  # a text cell's normalised text; None for the other kinds
        out[col.blank] = None
        if len(col.kind) > 1 and (col.kind[:-1] == "s").all():  # a text column: its normalised text
            return out
        other = np.flatnonzero(~np.isin(col.kind, ["s", "n"]))
        number = np.isin(col.kind[other], ["i", "f"])
        _number_texts(col, other[number], out)
        for i in other[~number].tolist():
            u = col.uniq[i]
            out[i] = ("TRUE" if u else "FALSE") if col.kind[i] == "b" else _other_text(u)
        return out

    return col.memo("text_ext", make)


def _number_texts(col: Column, idx: np.ndarray, out: np.ndarray) -> None:
    """``out[idx]``: the text of each number cell ``idx`` — calamine's own text where fastexcel read
    the column (``Column.from_arrow``) and it is a whole number (no "." and not "-0"), picked by
    Arrow; ``_num_text`` of the value otherwise."""
    src = col._memo.get("src_arrow")
    if src is not None and len(idx):
        import pyarrow as pa
        import pyarrow.compute as pc

        from ledgers.arrowgrid import flags

        picked = src.take(pa.array(idx))
        plain = ~(flags(pc.match_substring(picked, ".")) | flags(pc.starts_with(picked, "-0")))
        out[idx[plain]] = picked.filter(pa.array(plain)).to_pylist()
        idx = idx[~plain]
    for i in idx.tolist():
        out[i] = _num_text(col.uniq[i])


def _days_of_texts(texts: list[str]) -> np.ndarray:
    """datetime64[D] of each text (NaT where it is no date): 2026-03-05, 2026/3/5, 2026.3.5,
    2026年3月5日, 2026年3月, a serial 46086. The pattern and the numbers are read per text (a date
    column holds ~2-3k distinct texts: Arrow's dozen passes over them cost more); the calendar (is
    there a 2026-02-30?) is numpy's, for all at once."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[D]")
    at, ymd = [], []
    for i, text in enumerate(texts):
        m = _DATE.match(text)
        if m:
            day = m["d"] or m["d2"]
            at.append(i)
            ymd.append((int(m["y"]), int(m["m"] or m["m2"]), int(day) if day else 1))
        elif _SERIAL_TEXT.fullmatch(text):  # a CSV of an Excel sheet carries serials as text: 46086
            out[i] = _days_of_serials(np.array([float(text)]))[0]
    if ymd:
        _put_days(out, np.array(at, dtype=np.intp), np.array(ymd, dtype=np.int64))
    return out


def _put_days(out: np.ndarray, at: np.ndarray, ymd: np.ndarray) -> None:
    """``out[at]``: the days of (year, month, day) rows of years 1900-2100 that are on the calendar
    (dt.date's ValueError: month 13, a day past the month's end), NaT left elsewhere."""
    y, month, day = ymd.T
    ok = (y >= 1900) & (y <= 2100) & (month >= 1) & (month <= 12) & (day >= 1)
    first = ((y - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    days = first.astype("datetime64[D]") + (day - 1)
    ok &= days.astype("datetime64[M]") == first
    out[at[ok]] = days[ok]


def _days_of_serials(serials: np.ndarray) -> np.ndarray:
    """datetime64[D] of Excel day numbers (float64; NaT outside 1950-2099)."""
    out = np.full(len(serials), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = (serials >= _SERIAL_MIN) & (serials <= _SERIAL_MAX)
    out[ok] = _EPOCH_DAY + np.floor(serials[ok]).astype(np.int64)
    return out


def _days_of_moments(col: Column, idx: np.ndarray) -> np.ndarray:
    """datetime64[D] of the date and datetime cells ``idx``: from calamine's text by Arrow where
    fastexcel read the column (``2026-03-05 00:00:00``: its first ten characters), else from the cells."""
    src = col._memo.get("src_arrow")
    if src is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from ledgers.arrowgrid import numbers

        try:
            day = pc.cast(pc.utf8_slice_codeunits(src.take(pa.array(idx)), 0, 10), pa.date32())
            return numbers(day.view(pa.int32())).astype(np.int64).astype("datetime64[D]")
        except pa.ArrowInvalid:
            pass
    return np.array(col.uniq[idx].tolist(), dtype="datetime64[us]").astype("datetime64[D]")


def date_ext(col: Column) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] at midnight per distinct cell, and which non-blank ones are not dates."""

    def make() -> tuple[np.ndarray, np.ndarray]:
        days = np.full(len(col.kind), np.datetime64("NaT"), dtype="datetime64[D]")
        kind, live = col.kind, ~col.blank
        idx = np.flatnonzero(live & (kind == "d"))
        if len(idx):  # dates and datetimes: their calendar day
            moments = _days_of_moments(col, idx)
            year = moments.astype("datetime64[Y]").astype(np.int64) + 1970
            ok = (year > 1678) & (year < 2262)
            days[idx[ok]] = moments[ok]
        idx = np.flatnonzero(live & ((kind == "i") | (kind == "f")))
        if len(idx):
            days[idx] = _days_of_serials(_floats(col, idx))
        idx = np.flatnonzero(live & (kind == "s"))
        if len(idx):
            days[idx] = _days_of_texts(col.text[idx].tolist())
        out = days.astype("datetime64[ns]")
        return out, ~col.blank & np.isnat(out)

    return col.memo("date", make)


_NUMBER = re.compile(_NUMBER_RE)


def _number(text: str) -> float:
    m = _NUMBER.match(_SPACES.sub("", text).replace("，", ","))
    if not m:
        return np.nan
    val = float(m["num"].replace(",", ""))
    if m["wan"]:
        val *= 10000
    if m["pct"]:
        val /= 100
    return val


def _has_pct(text: str) -> bool:
    return text.rstrip().endswith("%")


def _floats(col: Column, idx: np.ndarray) -> np.ndarray:
    """float64 of the number cells ``idx``: calamine's text cast by Arrow where fastexcel read the
    column, else ``float`` of each cell."""
    src = col._memo.get("src_arrow")
    if src is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from ledgers.arrowgrid import numbers

        return numbers(pc.cast(src.take(pa.array(idx)), pa.float64()))
    return np.array([float(u) for u in col.uniq[idx].tolist()], dtype=np.float64)


def number_ext(col: Column, *, percent: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """float64 per distinct cell; which non-blank ones are unreadable; which percent values were
    given as points (85 -> 0.85). Text: ``1,200``, ``３人`` (already NFKC), ``5 人``, ``1.5万``, ``12%``."""

    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        val = np.full(len(col.kind), np.nan)
        pct = np.zeros(len(col.kind), dtype=bool)
        live = ~col.blank
        idx = np.flatnonzero(live & ((col.kind == "i") | (col.kind == "f")))
        if len(idx):
            val[idx] = _floats(col, idx)
        for i in np.flatnonzero(live & (col.kind == "s")).tolist():
            t = col.text[i]
            v = _number(t)
            val[i] = v
            pct[i] = v == v and _has_pct(t)
        points = np.zeros(len(col.kind), dtype=bool)
        if percent:
            points = ~pct & (val > 1) & (val <= 100)
            val = np.where(points, val / 100, val)
        return val, ~col.blank & np.isnan(val), points

    return col.memo(("number", percent), make)


def yesno_ext(col: Column) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct cell: the value and the mask of a nullable boolean (是/否, 有/无, √/×, Y/N, 1/0,
    TRUE/FALSE, 已…/未…), and which non-blank ones are unreadable."""

    def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        val = np.zeros(len(col.kind), dtype=bool)
        na = np.ones(len(col.kind), dtype=bool)
        for i, (u, k, t, b) in enumerate(zip(col.uniq, col.kind, col.text, col.blank, strict=False)):
            got: bool | None = None
            if k == "b":
                got = bool(u)
            elif b:
                continue
            elif k == "i" or k == "f":
                f = float(u)
                got = True if f == 1 else False if f == 0 else None
            elif k == "s":
                got = parse_yes_no(t)
            if got is not None:
                val[i], na[i] = got, False
        return val, na, ~col.blank & na

    return col.memo("yesno", make)


def category_lookup(categories: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised name or synonym -> canonical category."""
    lookup = {}
    for canon, alts in categories.items():
        for name in (canon, *alts):
            lookup[norm_key(name)] = canon
    return lookup


def category_ext(col: Column, categories: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Canonical category (synonyms folded) or None per distinct cell; which are not in the list."""
    text = text_ext(col)
    if not categories:
        return text, np.zeros(len(text), dtype=bool)
    lookup = category_lookup(categories)
    out = map_ext(text, lambda v: lookup.get(_SPACES.sub("", v).lower()))
    return out, ~col.blank & isna(out)
