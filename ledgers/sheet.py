"""One raw sheet -> one typed ledger frame: recognition, header finding, row dropping, typing, masking.

Choices (see ledgers.md "must handle"):
- The header is the row (or two rows: a merged parent over children) within the first 20 rows that
  matches most columns of the ledger; a parent over children is joined (参与 + 户数 -> 参与户数).
- A category value outside the list becomes 其他 with a warning when the list has 其他; otherwise it
  is unreadable: the row is skipped (error) for a required column, blank (warning) for an optional one.
- Percent columns: ``85%`` and ``0.85`` are 0.85; a bare number in (1, 100] is read as percentage
  points (85 -> 0.85) with a warning.
- Columns not in the ledger are kept as text, except ones whose header looks personal (姓名, 电话,
  身份证...), which are not loaded (reported), so raw PII never leaves the reader.
- Each kind of problem is listed row by row up to ``PROBLEM_CAP`` times per sheet and column; the rest
  are counted in one summary problem, so a 300k-row sheet with a systematic fault stays readable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ledgers import clean, privacy
from ledgers.registry import LEDGERS, LedgerSpec
from ledgers.report import Problem, SheetReport, UnknownSheet, render

HEADER_SCAN_ROWS = 20
PROBLEM_CAP = 50
_TOTAL_RE = r"(?:合计|总计|小计|共计|累计|总数)(?:[:：(（\s].*|[\d.,]+.*)?"
_NOTE_RE = (r"(?:(?:备注|注|说明|填表人|制表人|填报人|审核人|审核|填表|制表|填报单位|填报日期|填表日期|制表日期|"
            r"统计人|负责人签字|单位负责人)\s*[:：].*|(?:填表人|制表人|填报人|审核人).*)")
_TOTAL = re.compile(_TOTAL_RE)
_NOTE = re.compile(_NOTE_RE)


def _is_total(v: str) -> bool:
    if "计" not in v and "总数" not in v:
        return False
    return bool(_TOTAL.fullmatch(re.sub(r"\s+", "", v)))


def _is_note(v: str) -> bool:
    return bool(_NOTE.fullmatch(re.sub(r"\s+", "", v)))


_PII_HEADER_RE = re.compile(r"姓名|电话|手机|身份证|证件|联系人|当事人|户主|负责人|楼组长|住址|家庭地址")


def col_letter(j: int) -> str:
    """Excel's letter of the 0-based column ``j`` (0 -> A, 26 -> AA), as the user sees it."""
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class RawSheet:
    name: str
    grid: list[list[Any]]  # cells from A1, as calamine / csv gave them
    hidden: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    formula_blanks: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, col)
    from_file: bool = False  # a CSV: its "sheet name" is the file name


class Problems:
    """Collects problems for one file, capping repeats per (sheet, column, code)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self._overflow: dict[tuple, list[int]] = {}

    def add(self, sheet: str | None, row: int | None, column: str | None, code: str, severity: str,
            **params: Any) -> None:
        # Values quoted in a message come from cells: an ID or phone typed into the wrong column
        # must not reach the report, the screen or a log in clear.
        params = {k: privacy.scrub_text(v) if isinstance(v, str) else v for k, v in params.items()}
        message = render("zh", self.file, sheet, row, column, code, params)
        self.items.append(Problem(self.file, sheet, row, column, message, severity, code, params))

    def add_rows(self, sheet: str, rows: pd.Index, column: str | None, code: str, severity: str,
                 values: pd.Series | None = None, **params: Any) -> None:
        rows = list(rows)
        for row in rows[:PROBLEM_CAP]:
            extra = {"value": _show(values[row])} if values is not None else {}
            self.add(sheet, int(row), column, code, severity, **extra, **params)
        if len(rows) > PROBLEM_CAP:
            rest = rows[PROBLEM_CAP:]
            shown = "、".join(str(r) for r in rest[:10])
            self.add(sheet, None, column, "more_same", severity, count=len(rest), rows=shown, of=code)


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = clean.norm_text(str(value)) if not isinstance(value, float) else f"{value:g}"
    return text if len(text) <= 40 else text[:40] + "…"


# --- headers -------------------------------------------------------------------------------------

def _header_text(value: Any) -> str:
    if isinstance(value, str):
        return clean.norm_text(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_variants(key: str) -> list[str]:
    """A header as written, then without a trailing (unit) and without a trailing unit word."""
    key = key.replace("*", "").rstrip(":：")
    out = [key]
    stripped = re.sub(r"\([^()]*\)$", "", key)
    if stripped != key:
        out.append(stripped)
    unit = re.sub(r"(?:㎡|平方米|m2|%|/人|/户)$", "", stripped)
    if unit != stripped:
        out.append(unit)
    return [k for k in out if k]


_MATCHERS: dict[str, dict[str, str]] = {}


def matcher(spec: LedgerSpec, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised header -> canonical column; canonical names win over synonyms."""
    if extra is None and spec.key in _MATCHERS:
        return _MATCHERS[spec.key]
    lookup: dict[str, str] = {}
    for col in spec.columns:
        lookup[clean.norm_key(col.name)] = col.name
    for col in spec.columns:
        for syn in col.synonyms:
            for variant in _key_variants(clean.norm_key(syn)):
                lookup.setdefault(variant, col.name)
    if extra:
        for src, canon in extra.items():
            lookup[clean.norm_key(src)] = canon
        return lookup
    _MATCHERS[spec.key] = lookup
    return lookup


def _match(names: list[str], lookup: dict[str, str]) -> tuple[dict[int, str], list[tuple[int, str]]]:
    colmap: dict[int, str] = {}
    dups: list[tuple[int, str]] = []
    taken: set[str] = set()
    for j, name in enumerate(names):
        if not name:
            continue
        for variant in _key_variants(re.sub(r"\s+", "", name).lower()):
            canon = lookup.get(variant)
            if canon:
                if canon in taken:
                    dups.append((j, canon))
                else:
                    colmap[j] = canon
                    taken.add(canon)
                break
    return colmap, dups


@dataclass
class HeaderFit:
    top: int  # 0-based grid row of the first header row
    bottom: int  # 0-based grid row of the last header row
    names: list[str]
    colmap: dict[int, str]
    dups: list[tuple[int, str]]
    score: int
    required: int


def _combine(top: list[str], bottom: list[str]) -> list[str]:
    """Two header rows as one: a parent over children becomes parent+child."""
    out = []
    parent = ""
    for j, (a, b) in enumerate(zip(top, bottom, strict=True)):
        if a and b and a != b:
            parent = a
        elif not a and b and parent and j > 0 and bottom[j - 1]:
            a = parent  # merged parent without merge info (csv/xls): 参与 | (blank) over 户数 | 人数
        else:
            parent = "" if a else parent
        if not b or a == b:
            out.append(a)
        elif not a:
            out.append(b)
        else:
            out.append(a + "\x00" + b)  # resolved against the ledger in _fit
    return out


def _fit(rows: list[list[str]], spec: LedgerSpec, lookup: dict[str, str]) -> HeaderFit | None:
    required = set(spec.required)
    best: HeaderFit | None = None
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        if not any(rows[i]):
            continue
        candidates = [(i, rows[i])]
        if i + 1 < len(rows) and any(rows[i + 1]) and not _is_title(rows[i]):
            combined = _combine(rows[i], rows[i + 1])
            resolved = []
            for name in combined:
                if "\x00" in name:
                    a, b = name.split("\x00")
                    pick = next((n for n in (a + b, b, a) if _match([n], lookup)[0]), a + b)
                    resolved.append(pick)
                else:
                    resolved.append(name)
            candidates.append((i + 1, resolved))
        for bottom, names in candidates:
            colmap, dups = _match(names, lookup)
            score = len(colmap)
            req = len(required & set(colmap.values()))
            if score and (best is None or (req, score) > (best.required, best.score)):
                best = HeaderFit(i, bottom, names, colmap, dups, score, req)
    return best


def _is_title(row: list[str]) -> bool:
    """One text from column A on (merged across or alone): a sheet title, never the parent of a header."""
    return bool(row and row[0]) and len({v for v in row if v}) == 1


def signature_of(names: list[str]) -> str:
    """A short stable id of a header row, so a saved column mapping finds the same sheet next time."""
    keys = [re.sub(r"\s+", "", n).lower() for n in names if n]
    return hashlib.sha256("|".join(keys).encode("utf-8")).hexdigest()[:16]


def generic_header(rows: list[list[str]]) -> tuple[int, list[str]]:
    """The header of a sheet nobody recognises: the fullest of the first rows (first wins)."""
    best, count = 0, -1
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        n = sum(1 for v in rows[i] if v)
        if n > count:
            best, count = i, n
    return best, rows[best] if rows else []


def name_hints(name: str) -> list[str]:
    """Ledger keys a sheet or file name points at, the most specific first."""
    key = clean.norm_key(name)
    exact, contained = [], []
    for spec in LEDGERS.values():
        for label in (spec.name, *spec.aliases):
            lk = clean.norm_key(label)
            if key == lk:
                exact.append((len(lk), spec.key))
            elif lk in key:
                contained.append((len(lk), spec.key))
    out: list[str] = []
    for _, k in sorted(exact, reverse=True) + sorted(contained, key=lambda x: -x[0]):
        if k not in out:
            out.append(k)
    return out


# --- the sheet -----------------------------------------------------------------------------------

@dataclass
class SheetResult:
    report: SheetReport
    frame: pd.DataFrame | None = None
    unknown: UnknownSheet | None = None


def read_sheet(file: str, raw: RawSheet, file_hints: list[str], mappings: dict | None, secret: bytes,
               problems: Problems) -> SheetResult:
    """Recognise, find the header of, clean and type one sheet; problems go to ``problems``."""
    sheet = raw.name
    report = SheetReport(file, sheet, "empty", hidden=raw.hidden)
    if raw.hidden:
        problems.add(sheet, None, None, "sheet_hidden", "info")
    grid = pd.DataFrame(raw.grid, dtype=object) if raw.grid else pd.DataFrame(dtype=object)
    if grid.empty:
        problems.add(sheet, None, None, "sheet_empty", "warning")
        return SheetResult(report)
    grid.index = pd.RangeIndex(1, len(grid) + 1)  # Excel row numbers

    width = grid.shape[1]
    head = [[_header_text(v) for v in row] + [""] * (width - len(row)) for row in raw.grid[: HEADER_SCAN_ROWS + 1]]
    for (r0, c0), (r1, c1) in raw.merged:
        if r0 > HEADER_SCAN_ROWS:
            continue
        value = head[r0][c0] if r0 < len(head) and c0 < width else ""
        for r in range(r0, min(r1, len(head) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                head[r][c] = value
    if not any(any(r) for r in head) and _all_blank(grid):
        problems.add(sheet, None, None, "sheet_empty", "warning")
        return SheetResult(report)

    g_row, g_names = generic_header(head)
    signature = signature_of(g_names)

    # which ledger: a saved mapping, then the sheet name, then the file name, then the headers
    fit: HeaderFit | None = None
    spec: LedgerSpec | None = None
    how = None
    mapping = (mappings or {}).get(signature)
    if mapping and mapping.get("ledger") in LEDGERS:
        spec = LEDGERS[mapping["ledger"]]
        fit = _fit(head, spec, matcher(spec, mapping.get("columns") or {}))
        how = "mapping"
        problems.add(sheet, None, None, "mapping_applied", "info", ledger=spec.name)
    else:
        sheet_hints = [] if raw.from_file else name_hints(sheet)
        named = [(k, "sheet_name") for k in sheet_hints] + [(k, "file_name") for k in file_hints]
        for key, by in named:
            cand = _fit(head, LEDGERS[key], matcher(LEDGERS[key]))
            if cand and cand.required == len(LEDGERS[key].required):
                spec, fit, how = LEDGERS[key], cand, by
                break
        if spec is None:
            best = None
            for cand_spec in LEDGERS.values():
                cand = _fit(head, cand_spec, matcher(cand_spec))
                if cand and cand.required == len(cand_spec.required):
                    rank = (cand.score, cand.required)
                    if best is None or rank > best[0]:
                        best = (rank, cand_spec, cand)
            if best:
                _, spec, fit = best
                how = "headers"
        if spec is None and named:
            key = named[0][0]
            spec, fit, how = LEDGERS[key], _fit(head, LEDGERS[key], matcher(LEDGERS[key])), named[0][1]

    if spec is None:
        # a sheet without a header row offers a row of data instead: no raw ID or phone in the report
        headers = [privacy.scrub_text(n) for n in g_names if n]
        report.status = "unknown"
        problems.add(sheet, None, None, "sheet_unknown", "warning", headers="、".join(headers[:12]))
        return SheetResult(report, unknown=UnknownSheet(file, sheet, headers, signature, g_row + 1))

    report.ledger, report.ledger_name, report.recognised_by = spec.key, spec.name, how
    found = set(fit.colmap.values()) if fit else set()
    missing = [c for c in spec.required if c not in found]
    if missing:
        report.status = "missing_required"
        report.header_row = fit.bottom + 1 if fit else None
        problems.add(sheet, None, None, "missing_required", "error", ledger=spec.name,
                     columns="、".join(missing))
        headers = [privacy.scrub_text(n) for n in (fit.names if fit else g_names) if n]
        return SheetResult(report, unknown=UnknownSheet(file, sheet, headers, signature,
                                                        (fit.bottom if fit else g_row) + 1, spec.key))
    assert fit is not None
    report.header_row = fit.bottom + 1
    above = [" ".join(dict.fromkeys(v for v in row if v)) for row in head[: fit.top] if any(row)]
    if above:
        problems.add(sheet, None, None, "rows_above_header", "info", header=fit.bottom + 1, top=fit.top + 1,
                     text="；".join(a[:40] for a in above[:3]))
    frame, skipped, dropped = _type_rows(file, sheet, grid.iloc[fit.bottom + 1:], fit, spec, raw, secret,
                                         problems)
    report.rows, report.skipped, report.dropped = len(frame), skipped, dropped
    report.status = "loaded" if len(frame) or skipped else "headers_only"
    if report.status == "headers_only":
        problems.add(sheet, None, None, "headers_only", "warning", ledger=spec.name)
    return SheetResult(report, frame)


def _all_blank(grid: pd.DataFrame) -> bool:
    for j in grid.columns:
        col = grid[j]
        kind = clean.kinds(col)
        if not clean.blank_mask(col, kind, clean.norm_strings(col, kind)).all():
            return False
    return True


def _type_rows(file: str, sheet: str, data: pd.DataFrame, fit: HeaderFit, spec: LedgerSpec, raw: RawSheet,
               secret: bytes, problems: Problems) -> tuple[pd.DataFrame, int, int]:
    cols: dict[int, tuple] = {}
    for j in data.columns:
        s = data[j]
        kind = clean.kinds(s)
        strs = clean.norm_strings(s, kind)
        cols[j] = (s, kind, strs, clean.blank_mask(s, kind, strs))

    # which columns are kept, and under which name
    extras: dict[int, str] = {}
    dup_cols = dict(fit.dups)
    used = set(spec.column_names) | {"_file", "_sheet", "_row"}
    for j in data.columns:
        if j in fit.colmap:
            continue
        name = fit.names[j] if j < len(fit.names) else ""
        has_data = not cols[j][3].all()
        if not name and not has_data:
            continue  # a blank column: nothing to keep, nothing lost
        letter = col_letter(j)
        if name and j not in dup_cols and _PII_HEADER_RE.search(name):
            problems.add(sheet, None, None, "pii_extra_column", "info", header=name)
            continue
        kept = name or f"列{letter}"
        if kept in used:
            kept = f"{kept}({letter})"
        used.add(kept)
        extras[j] = kept
        if j in dup_cols:
            problems.add(sheet, None, dup_cols[j], "duplicate_column", "warning", letter=letter, header=name,
                         canonical=dup_cols[j], kept=kept)
            if _PII_HEADER_RE.search(name) or spec.column(dup_cols[j]).pii:
                del extras[j]  # a second copy of a personal column is not kept raw
        elif not name:
            problems.add(sheet, None, None, "unnamed_column", "info", letter=letter, kept=kept)
    kept_cols = list(fit.colmap) + list(extras)

    # rows that are not records: blank, totals, notes, repeated headers
    index = data.index
    blank_row = pd.Series(True, index=index)
    first_text = pd.Series(np.nan, index=index, dtype=object)
    total_row = pd.Series(False, index=index)
    header_hits = pd.Series(0, index=index)
    for j in reversed(kept_cols):
        s, kind, strs, blank = cols[j]
        blank_row &= blank
        first_text = strs.where(~blank, first_text)
        total_row |= clean.map_unique(strs, _is_total, bool)
        if j in fit.colmap and fit.names[j]:
            header_hits += (strs == fit.names[j]).astype(int)
    note_row = clean.map_unique(first_text, _is_note, bool) & ~blank_row
    total_row &= ~blank_row
    repeated = header_hits >= max(2, len(fit.colmap) // 2 + 1)
    drop = blank_row | total_row | note_row | repeated
    # trailing blank rows are where the sheet ends, not rows the user wrote
    trailing = blank_row[::-1].cummin()[::-1]
    reported_blank = blank_row & ~trailing
    if reported_blank.any():
        rows = list(reported_blank[reported_blank].index)
        shown = "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
        problems.add(sheet, None, None, "blank_rows", "info", count=len(rows), rows=shown)
    for mask, code in ((total_row, "total_row"), (note_row & ~total_row, "note_row")):
        for row in mask[mask].index[:PROBLEM_CAP]:
            text = _show(first_text[row])
            if code == "note_row":  # 填表人：李四 — the name after the colon is personal
                text = re.split(r"[:：]", text, maxsplit=1)[0] + "：…" if re.search(r"[:：]", text) else text[:6]
            problems.add(sheet, int(row), None, code, "info", text=text)
    for row in (repeated & ~total_row & ~note_row)[lambda m: m].index[:PROBLEM_CAP]:
        problems.add(sheet, int(row), None, "repeated_header", "info")
    keep = ~drop
    dropped = int((drop & ~trailing).sum())

    # typing
    out: dict[str, pd.Series] = {}
    skip = pd.Series(False, index=index)
    by_canon = {c: j for j, c in fit.colmap.items()}
    n = int(keep.sum())
    sub_index = index[keep.to_numpy()]
    for col in spec.columns:
        j = by_canon.get(col.name)
        if j is None:
            out[col.name] = missing_column(col.type, n)
            if col.pii:
                out[col.name + "_key"] = pd.Series([None] * n, dtype=object)
            continue
        s, kind, strs, blank = (x[keep.to_numpy()] for x in cols[j])
        formula = pd.Series(False, index=sub_index)
        if raw.formula_blanks:
            rows0 = {r + 1 for r, c in raw.formula_blanks if c == j}
            if rows0:
                formula = pd.Series(sub_index.isin(list(rows0)), index=sub_index)
        bad = pd.Series(False, index=sub_index)
        code = None
        show = s
        if col.type == "date":
            values, bad = clean.to_date(s, kind, strs, blank)
            code = "bad_date"
        elif col.type in ("int", "number", "percent"):
            values, bad, points = clean.to_number(s, kind, strs, blank, percent=col.type == "percent")
            code = "bad_number"
            if points.any():
                pct = values[points].map(lambda v: f"{v:.0%}")
                for row in points[points].index[:PROBLEM_CAP]:
                    problems.add(sheet, int(row), col.name, "percent_points", "warning", value=_show(s[row]),
                                 pct=pct[row])
        elif col.type == "yesno":
            values, bad = clean.to_yesno(s, kind, strs, blank)
            code = "bad_yesno"
        elif col.type == "category":
            values, bad = clean.to_category(s, kind, strs, blank, col.categories)
            code = "unknown_category"
            if bad.any() and "其他" in col.categories:
                values = values.where(~bad, "其他")
                problems.add_rows(sheet, bad[bad].index, col.name, code, "warning", s,
                                  choices="、".join(col.categories), consequence="other")
                bad = pd.Series(False, index=sub_index)
        else:
            values = clean.to_text(s, kind, strs, blank)
            if col.pii:
                values, show, bad = _pii(sheet, col.name, values, s, kind, problems)
            else:
                values = privacy.scrub_series(values)
        params = {"choices": "、".join(col.categories)} if col.type == "category" else {}
        formula = formula & blank
        if col.required:
            if bad.any():
                problems.add_rows(sheet, bad[bad].index, col.name, code, "error", show, consequence="skipped",
                                  **params)
            if formula.any():
                problems.add_rows(sheet, formula[formula].index, col.name, "formula_no_value", "error",
                                  consequence="skipped")
            empty = blank & ~formula
            if empty.any():
                problems.add_rows(sheet, empty[empty].index, col.name, "required_blank", "error",
                                  consequence="skipped")
            skip_here = bad | blank
            skip.loc[skip_here[skip_here].index] = True
        else:
            if bad.any() and code:
                problems.add_rows(sheet, bad[bad].index, col.name, code, "warning", show, consequence="blank",
                                  **params)
            if formula.any():
                problems.add_rows(sheet, formula[formula].index, col.name, "formula_no_value", "warning",
                                  consequence="blank")
        if col.pii:
            out[col.name] = privacy.mask_series(values, privacy.pii_kind(col.name))
            out[col.name + "_key"] = privacy.key_series(values, secret)
        else:
            out[col.name] = values
    for j, name in extras.items():
        s, kind, strs, blank = (x[keep.to_numpy()] for x in cols[j])
        out[name] = privacy.scrub_series(clean.to_text(s, kind, strs, blank))
    frame = pd.DataFrame({k: _plain(v) for k, v in out.items()})
    frame["_file"] = pd.Series([file] * n, dtype=object)
    frame["_sheet"] = pd.Series([sheet] * n, dtype=object)
    frame["_row"] = np.asarray(sub_index, dtype="int64")
    skipped_mask = skip.loc[sub_index].to_numpy()
    frame = frame.loc[~skipped_mask].reset_index(drop=True)
    return frame, int(skipped_mask.sum()), dropped


def _plain(s: pd.Series) -> pd.Series:
    s = s.reset_index(drop=True)
    if s.dtype == object:
        s = s.where(s.notna(), None)
    return s


def missing_column(type_: str, n: int) -> pd.Series:
    """An all-blank column of ``n`` rows typed as Contract 1 types ``type_`` (an optional column absent)."""
    if type_ == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if type_ in ("int", "number", "percent"):
        return pd.Series(np.nan, index=range(n), dtype=float)
    if type_ == "yesno":
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
    return pd.Series([None] * n, dtype=object)


def _pii(sheet: str, column: str, text: pd.Series, raw: pd.Series, kind: pd.Series, problems: Problems
         ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Normalise a personal column (``privacy.normalise``) and warn about doubtful IDs and phones,
    quoting masked values only. Returns the normalised values, their masked forms and unreadable cells."""
    pk = privacy.pii_kind(column)
    bad = pd.Series(False, index=text.index)
    if pk == "phone":
        text = privacy.normalise_series(text, pk)
        digits = text.dropna()
        digits = digits[digits.str.fullmatch(r"\d+")]
        lengths = digits.str.len()
        odd = lengths[~lengths.isin([7, 8, 11, 12])]
        masked = privacy.mask_series(text, pk)
        for row in odd.index[:PROBLEM_CAP]:
            problems.add(sheet, int(row), column, "phone_length", "warning", value=masked[row], n=int(odd[row]))
        return text, masked, bad
    if pk == "id":
        lower = text.astype(object).str.replace(r"\s+", "", regex=True).str.fullmatch(r"\d{17}x", na=False)
        text = privacy.normalise_series(text, pk)
        numeric = kind.isin(["i", "f"]) & text.notna()
        if numeric.any():
            big = raw[numeric].astype(float).abs() >= 1e15  # beyond 15 significant digits Excel lost some
            lost = big[big].index
            if len(lost):
                masked = privacy.mask_series(text[lost], pk)
                problems.add_rows(sheet, lost, column, "id_lost_digits", "error", masked, consequence="blank")
                bad[lost] = True
                text[lost] = None
        masked = privacy.mask_series(text, pk)
        for row in lower[lower & text.notna()].index[:PROBLEM_CAP]:
            problems.add(sheet, int(row), column, "id_lowercase_x", "warning", value=masked[row])
        present = text.dropna()
        digits = present[present.str.fullmatch(r"\d{14,20}X?")]
        wrong_len = digits[digits.str.len().isin([14, 16, 17, 19, 20])]
        for row in wrong_len.index[:PROBLEM_CAP]:
            problems.add(sheet, int(row), column, "id_length", "warning", value=masked[row],
                         n=len(wrong_len[row]))
        full = present[present.str.fullmatch(r"\d{17}[\dX]")]
        if len(full):
            ok = privacy.id_checksum_ok(full)
            for row in ok[~ok].index[:PROBLEM_CAP]:
                problems.add(sheet, int(row), column, "id_checksum", "warning", value=masked[row])
        return text, masked, bad
    text = privacy.normalise_series(text, pk)
    return text, privacy.mask_series(text, pk), bad
