"""What an upload did, in words, without streamlit: one honest verdict per file (已导入 / 部分导入 /
未导入 + the reason), the banner counting them, and the preview line of each proposed ledger.
The page, the CLI and the tests all read these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from i18n import t

if TYPE_CHECKING:
    from store.book import Caution, LedgerDiff, Proposal

NOTES_MAX_HEADERS = 1  # a sheet whose "header" is one cell of text holds notes or a title, not a ledger


class Outcome(Enum):
    """A file's verdict, with its colour on the page (green / amber / red)."""

    IMPORTED = "imported"
    PARTIAL = "partial"
    NOT_IMPORTED = "not_imported"

    @property
    def colour(self) -> str:
        return {"imported": "green", "partial": "orange", "not_imported": "red"}[self.value]

    @property
    def icon(self) -> str:
        return {"imported": "✔", "partial": "▲", "not_imported": "✖"}[self.value]

    def word(self, lang: str) -> str:
        return t(f"book.outcome.{self.value}", lang)


@dataclass
class FileVerdict:
    """One uploaded file: its outcome, why (when not all of it came in), notes sheets passed over."""

    file: str
    outcome: Outcome
    ledgers: list[str] = field(default_factory=list)  # ledger names read from it
    rows: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)  # plain words, without the file's name
    notes_sheets: list[str] = field(default_factory=list)

    def line(self, lang: str) -> str:
        """「活动台账.xlsx：已导入（活动台账 6 行）」 / 「调解台账.xlsx：未导入 — 缺少必填列…」"""
        head = f"{self.file}：{self.outcome.word(lang)}" if lang == "zh" else f"{self.file}: {self.outcome.word(lang)}"
        if self.ledgers:
            head += t("book.verdict.read", lang, ledgers="、".join(dict.fromkeys(self.ledgers)), rows=self.rows)
        if self.skipped:
            head += t("book.verdict.skipped", lang, n=self.skipped)
        if self.reasons:
            head += " — " + "；".join(dict.fromkeys(self.reasons))
        if self.notes_sheets:
            head += t("book.verdict.notes", lang, sheets="、".join(self.notes_sheets))
        return head


def _is_notes(sheet: Mapping[str, Any], unknown: Mapping[tuple, Mapping[str, Any]], loaded_files: set[str]) -> bool:
    """A title or notes sheet beside the real data sheet of the same file (e.g. 说明): no error."""
    if sheet.get("status") == "loaded" or sheet.get("file") not in loaded_files:
        return False
    if sheet.get("status") == "empty":
        return True
    headers = (unknown.get((sheet.get("file"), sheet.get("sheet"))) or {}).get("headers")
    return headers is not None and len([h for h in headers if str(h).strip()]) <= NOTES_MAX_HEADERS


def notes_sheets(report: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(file, sheet) of every notes/title sheet the verdicts pass over."""
    unknown = {(u.get("file"), u.get("sheet")): u for u in report.get("unknown_sheets") or []}
    loaded = {s.get("file") for s in report.get("sheets") or [] if s.get("status") == "loaded" and s.get("rows")}
    return {(s.get("file"), s.get("sheet")) for s in report.get("sheets") or [] if _is_notes(s, unknown, loaded)}


def file_verdicts(files: Sequence[str], report: Mapping[str, Any], lang: str = "zh") -> list[FileVerdict]:
    """One verdict per uploaded file, in upload order."""
    from ledgers.report import Problem

    notes = notes_sheets(report)
    out = []
    for name in files:
        sheets = [s for s in report.get("sheets") or [] if s.get("file") == name]
        verdict = FileVerdict(name, Outcome.NOT_IMPORTED)
        for s in sheets:
            if (name, s.get("sheet")) in notes:
                verdict.notes_sheets.append(str(s.get("sheet")))
            elif s.get("status") == "loaded" and s.get("rows"):
                verdict.ledgers.append(_ledger_name(s, lang))
                verdict.rows += int(s.get("rows") or 0)
                verdict.skipped += int(s.get("skipped") or 0)
        failed = [s for s in sheets if (name, s.get("sheet")) not in notes
                  and not (s.get("status") == "loaded" and s.get("rows"))]
        for p in report.get("problems") or []:
            if p.get("file") == name and p.get("severity") in ("error", "warning") and (name, p.get("sheet")) not in notes \
                    and (not verdict.rows or p.get("sheet") in {s.get("sheet") for s in failed}):
                verdict.reasons.append(Problem.from_dict(p).text(lang, with_place=False))
        if verdict.rows:
            verdict.outcome = Outcome.PARTIAL if verdict.skipped or failed else Outcome.IMPORTED
        elif not verdict.reasons:
            verdict.reasons.append(t("book.verdict.no_ledger", lang))
        out.append(verdict)
    return out


def _ledger_name(sheet: Mapping[str, Any], lang: str) -> str:
    from ledgers.registry import LEDGERS

    spec = LEDGERS.get(str(sheet.get("ledger")))
    if spec is None:
        return str(sheet.get("ledger_name") or sheet.get("ledger"))
    return spec.name_en if lang == "en" else spec.name


def banner(verdicts: Sequence[FileVerdict], lang: str = "zh") -> str:
    """「8 个文件：1 个已导入，7 个未导入」 (outcomes with none left out)."""
    parts = [t("book.banner.part", lang, n=n, outcome=o.word(lang))
             for o in Outcome if (n := sum(v.outcome is o for v in verdicts))]
    return t("book.banner", lang, n=len(verdicts), parts=t("book.banner.sep", lang).join(parts))


# ---------------------------------------------------------------- the preview of each proposed ledger


def ledger_label(key: str, lang: str) -> str:
    from ledgers.registry import LEDGERS

    spec = LEDGERS.get(key)
    return key if spec is None else (spec.name_en if lang == "en" else spec.name)


def _span(dates: tuple[Any, Any]) -> str:
    first, last = dates
    return "—" if first is None else f"{first:%Y-%m-%d} ~ {last:%Y-%m-%d}"


def preview_rows(proposal: Proposal, lang: str = "zh") -> list[dict[str, str]]:
    """One row per proposed ledger: rows before → after, added/removed/changed, dates, warnings."""
    cols = {k: t(f"book.preview.{k}", lang) for k in ("ledger", "rows", "changes", "dates", "status")}
    out = []
    for key, d in proposal.diffs.items():
        # a PII column matches by its HMAC sibling (当事人_key); the reader of the preview knows it as 当事人
        matched = ("、".join(c.removesuffix("_key") for c in d.matched_by) if d.matched_by
                   else t("book.preview.by_content", lang))
        changes = (t("book.preview.new_rows", lang, n=d.added) if d.base_version is None else
                   t("book.preview.changes_line", lang, added=d.added, removed=d.removed, changed=d.changed,
                     matched=matched))
        status = [t(f"book.change.{d.change.value}", lang)] + [caution_text(d, c, lang) for c in d.warnings]
        out.append({cols["ledger"]: ledger_label(key, lang),
                    cols["rows"]: f"{d.rows_before} → {d.rows_after}" if d.base_version else f"— → {d.rows_after}",
                    cols["changes"]: changes,
                    cols["dates"]: f"{_span(d.dates_before)} → {_span(d.dates_after)}",
                    cols["status"]: "；".join(status)})
    return out


def caution_text(diff: LedgerDiff, caution: Caution, lang: str) -> str:
    return t(f"book.caution.{caution.value}", lang, before=diff.rows_before, after=diff.rows_after,
             old=diff.dates_before[1], new=diff.dates_after[1] or "—")


def accepted_line(versions: Sequence[Any], lang: str) -> str:
    """After accepting: 「已更新台账：活动台账（6 行）」"""
    names = "、".join(t("book.accepted.item", lang, ledger=ledger_label(v.ledger, lang), rows=v.rows)
                     for v in versions)
    return t("book.accepted", lang, ledgers=names) if versions else t("book.accepted.none", lang)
