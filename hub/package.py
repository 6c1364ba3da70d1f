"""Report packages: what a community running its own install sends to its street.

A package is a zip of four parts, nothing else:

- ``manifest.json`` — format, the street (id and name), the community, year, as-of date, when it
  was made, and the SHA-256 of each other part;
- ``manifest.sig`` — HMAC-SHA-256 of the manifest's exact bytes under the street's key;
- ``results.json`` — per metric: id, value, status, target, as-of (numbers and words, no rows);
- ``summary.json`` — the import summary as counts (rows and skipped rows per ledger, problems per
  level), never a cell value or a message quoting one;
- ``report.pdf`` — the community's PDF (optional; its hash is in the manifest when present).

"Another street" is a package whose manifest names a street other than the hub's: every street has
its own id and key (``DASHBOARD_STREET`` / ``DASHBOARD_STREET_KEY``), given to its communities'
installs. The id is inside the signed manifest, so it cannot be edited to ours without the signature
failing, and a package signed with another street's key fails here too. Every refusal is a
:class:`PackageError` whose text names the file and says why, in Chinese first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import math
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from metrics.registry import BY_ID
from metrics.vocab import Status

FORMAT = 1
MANIFEST, SIGNATURE, RESULTS, SUMMARY, PDF = "manifest.json", "manifest.sig", "results.json", "summary.json", "report.pdf"
PARTS = (MANIFEST, SIGNATURE, RESULTS, SUMMARY, PDF)
MAX_PART_BYTES = 64 * 1024 * 1024  # a street PDF is a few MB; a bigger part is not ours (zip bomb)
RESULT_KEYS = frozenset({"id", "value", "status", "target", "as_of"})
SEVERITIES = ("error", "warning", "info")
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed: the same content gives the same bytes


class PackageError(ValueError):
    """A package refused: an i18n key and its fields (the file name among them)."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(self.text("zh"))

    def text(self, lang: str = "zh") -> str:
        from i18n import t

        return t(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Street:
    """The street a hub serves and its communities' installs report to."""

    id: str
    key: bytes

    @classmethod
    def from_settings(cls, street: str | None, key: str | None) -> Street:
        if not street or not key:
            raise PackageError("hub.package.error.no_key")
        return cls(street, key.encode("utf-8"))


@dataclass(frozen=True)
class PackageResult:
    id: str
    value: float | None
    status: Status
    target: float | None
    as_of: dt.date | None


@dataclass(frozen=True)
class Package:
    """A package read and checked: everything in it is what the community's install signed."""

    street: str
    community: str
    year: int
    as_of: dt.date
    created_at: str
    results: tuple[PackageResult, ...]
    summary: dict[str, Any]
    pdf: bytes | None
    sha256: str  # of the whole zip


# ---------------------------------------------------------------- writing


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def results_json(results: Iterable[Any]) -> list[dict[str, Any]]:
    """The stored form of metric results (``MetricResult`` or ``hub.grid.ResultRow``): five fields each."""
    out = []
    for r in results:
        as_of = getattr(r, "as_of", None)
        out.append({"id": r.id, "value": _num(r.value), "status": str(Status(r.status)),
                    "target": _num(r.target), "as_of": as_of.isoformat() if as_of else None})
    return out


def summary_json(report: Mapping[str, Any] | None) -> dict[str, Any]:
    """The import summary as counts only: rows and skipped rows per ledger, problems per level."""
    report = report or {}
    ledgers = {str(name): {"rows": int(part.get("rows", 0) or 0), "skipped": int(part.get("skipped", 0) or 0)}
               for name, part in (report.get("ledgers") or {}).items()}
    problems = dict.fromkeys(SEVERITIES, 0)
    for p in report.get("problems") or []:
        severity = str(p.get("severity", "error")) if isinstance(p, Mapping) else "error"
        problems[severity if severity in problems else "error"] += 1
    return {"ledgers": ledgers, "problems": problems}


def build(street: Street, *, community: str, year: int, as_of: dt.date, results: Iterable[Any],
          report: Mapping[str, Any] | None = None, pdf: bytes | None = None,
          created_at: dt.datetime | None = None) -> bytes:
    """The package's zip bytes, signed with the street's key."""
    rows = results_json(results)
    for row in rows:  # the results' own as-of falls back to the package's
        row["as_of"] = row["as_of"] or as_of.isoformat()
    parts = {RESULTS: _canonical(rows), SUMMARY: _canonical(summary_json(report))}
    if pdf is not None:
        parts[PDF] = pdf
    manifest = {
        "format": FORMAT, "street": street.id, "community": community, "year": int(year),
        "as_of": as_of.isoformat(), "created_at": (created_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()},
    }
    manifest_bytes = _canonical(manifest)
    parts[MANIFEST] = manifest_bytes
    parts[SIGNATURE] = sign(street.key, manifest_bytes).encode("ascii")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in PARTS:
            if name in parts:
                zf.writestr(zipfile.ZipInfo(name, _ZIP_TIME), parts[name])
    return buffer.getvalue()


def sign(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- reading


def read(data: bytes, filename: str, street: Street) -> Package:
    """Open and check a package for this street; raises :class:`PackageError` on any doubt."""
    parts = _parts(data, filename)
    try:
        manifest = json.loads(parts[MANIFEST])
    except ValueError:
        raise PackageError("hub.package.error.missing", file=filename, part=MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        version = manifest.get("format") if isinstance(manifest, dict) else "?"
        raise PackageError("hub.package.error.format", file=filename, version=version)
    if manifest.get("street") != street.id:  # said first: the clearest reason, signed below
        raise PackageError("hub.package.error.other_street", file=filename, street=manifest.get("street"),
                           ours=street.id)
    signature = parts[SIGNATURE].decode("ascii", errors="replace").strip()
    if not hmac.compare_digest(signature, sign(street.key, parts[MANIFEST])):
        raise PackageError("hub.package.error.signature", file=filename)
    hashes = manifest.get("files") or {}
    for name in (RESULTS, SUMMARY, PDF):
        if name in parts and not hmac.compare_digest(str(hashes.get(name, "")), hashlib.sha256(parts[name]).hexdigest()):
            raise PackageError("hub.package.error.hash", file=filename, part=name)
        if name not in parts and name in hashes:
            raise PackageError("hub.package.error.missing", file=filename, part=name)
    try:
        as_of = dt.date.fromisoformat(str(manifest["as_of"]))
        results = tuple(_result(r, filename) for r in json.loads(parts[RESULTS]))
        summary = _summary(json.loads(parts[SUMMARY]), filename)
        return Package(str(manifest["street"]), str(manifest["community"]), int(manifest["year"]), as_of,
                       str(manifest.get("created_at", "")), results, summary, parts.get(PDF),
                       hashlib.sha256(data).hexdigest())
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, PackageError):
            raise
        raise PackageError("hub.package.error.missing", file=filename, part=RESULTS) from None


def _parts(data: bytes, filename: str) -> dict[str, bytes]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError("hub.package.error.not_zip", file=filename) from None
    with zf:
        infos = zf.infolist()
        extra = [i.filename for i in infos if i.filename not in PARTS]
        if extra:  # anything beyond the known parts (raw rows, a workbook) is refused, not ignored
            raise PackageError("hub.package.error.pii", file=filename, part="、".join(extra[:3]))
        parts = {}
        for info in infos:
            if info.file_size > MAX_PART_BYTES:
                raise PackageError("hub.package.error.hash", file=filename, part=info.filename)
            parts[info.filename] = zf.read(info)
    for needed in (MANIFEST, SIGNATURE, RESULTS, SUMMARY):
        if needed not in parts:
            raise PackageError("hub.package.error.missing", file=filename, part=needed)
    return parts


def _result(raw: Any, filename: str) -> PackageResult:
    if not isinstance(raw, dict) or set(raw) != RESULT_KEYS or raw["id"] not in BY_ID:
        raise PackageError("hub.package.error.pii", file=filename, part=RESULTS)
    as_of = dt.date.fromisoformat(raw["as_of"]) if raw["as_of"] else None
    return PackageResult(str(raw["id"]), _num(raw["value"]), Status(raw["status"]), _num(raw["target"]), as_of)


def _summary(raw: Any, filename: str) -> dict[str, Any]:
    """Counts only: a text anywhere but a ledger's name is refused."""
    ok = isinstance(raw, dict) and set(raw) == {"ledgers", "problems"}
    ledgers = raw.get("ledgers") if ok else None
    problems = raw.get("problems") if ok else None
    ok = ok and isinstance(ledgers, dict) and isinstance(problems, dict) and all(
        isinstance(v, dict) and set(v) <= {"rows", "skipped"} and all(isinstance(n, int) for n in v.values())
        for v in ledgers.values()) and all(k in SEVERITIES and isinstance(n, int) for k, n in problems.items())
    if not ok:
        raise PackageError("hub.package.error.pii", file=filename, part=SUMMARY)
    return dict(raw)


# ---------------------------------------------------------------- the hub's side


def store_package(engine: Any, package: Package, filename: str, *, allowed: Iterable[int] | None) -> int:
    """Write a checked package into its community: its results (replacing the stored ones) and the
    package itself (summary, PDF). ``allowed``: the communities the user holds (None: every one, the
    street's role). Returns the community's id; raises :class:`PackageError` for a community of
    another user or one this street does not have."""
    from sqlalchemy import insert

    from hub import results as hub_results
    from store.communities import community_by_name
    from store.engine import scoped
    from store.schema import packages

    community = community_by_name(engine, package.community)
    if community is None:
        raise PackageError("hub.package.error.unknown_community", file=filename, community=package.community)
    if allowed is not None and community.id not in set(allowed):
        raise PackageError("hub.package.error.community", file=filename, community=package.community)
    rows = [{"metric_id": r.id, "value": r.value, "status": str(r.status), "target": r.target,
             "as_of": (r.as_of or package.as_of).isoformat()} for r in package.results]
    hub_results.write(engine, community.id, rows, hub_results.PACKAGE_PREFIX + package.sha256)
    with scoped(engine, [community.id], write=True) as conn:
        conn.execute(insert(packages).values(
            community_id=community.id, imported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            package_sha256=package.sha256, summary_json=json.dumps(package.summary, ensure_ascii=False),
            pdf=package.pdf))
    return community.id


@dataclass(frozen=True)
class Imported:
    """A package the hub took in: whose, when, and its import summary (counts)."""

    community: str
    imported_at: str
    rows: int
    skipped: int
    problems: dict[str, int]


def imported(engine: Any, limit: int = 50) -> list[Imported]:
    """The latest packages of every community (the street's role reads them all), newest first."""
    from sqlalchemy import select

    from store.engine import scoped
    from store.schema import communities, packages

    query = (select(communities.c.name, packages.c.imported_at, packages.c.summary_json)
             .join(communities, communities.c.id == packages.c.community_id)
             .order_by(packages.c.imported_at.desc(), packages.c.id.desc()).limit(limit))
    with scoped(engine, None, write=False) as conn:
        rows = conn.execute(query).all()
    out = []
    for name, at, text in rows:
        summary = json.loads(text or "{}")
        ledgers = (summary.get("ledgers") or {}).values()
        out.append(Imported(str(name), str(at or ""), sum(int(p.get("rows", 0)) for p in ledgers),
                            sum(int(p.get("skipped", 0)) for p in ledgers), dict(summary.get("problems") or {})))
    return out
