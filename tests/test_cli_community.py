"""cli.py with communities (#15 item 2): `import`, `metrics` and `pdf` take --community NAME and use
the database of DASHBOARD_DATABASE_URL like the app (SQLite and PostgreSQL); an unknown name or a
database of several communities without --community is one Chinese line, never a new community."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import cli
from report import pdf
from store.communities import ensure_community, list_communities
from store.db import Store
from tests.support.postgres import open_db, owner_url
from tests.support.uploads import good_activities


@pytest.fixture
def street(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two communities in the database the CLI is pointed at; the folder of an upload of six activities."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", db_url)
    if db_url.startswith("postgresql"):
        monkeypatch.setenv("DASHBOARD_DATABASE_OWNER_URL", owner_url(db_url))
    engine = open_db(db_url, tmp_path / "data")
    for name in ("桃园社区", "梅园社区"):
        ensure_community(engine, name)
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / "活动台账.xlsx").write_bytes(good_activities(6))
    return upload


def _book(tmp_path: Path, db_url: str, community: str) -> dict[str, int]:
    store = Store(tmp_path / "data", engine=open_db(db_url, tmp_path / "data"), community=community)
    return {v.ledger: v.rows for v in store.book()}


def test_import_and_metrics_name_their_community(street: Path, tmp_path: Path, db_url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", str(street), "--accept", "--community", "桃园社区"]) == 0
    assert _book(tmp_path, db_url, "桃园社区") == {"activities": 6}
    assert _book(tmp_path, db_url, "梅园社区") == {}
    capsys.readouterr()
    assert cli.main(["metrics", "--community", "桃园社区"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]
    assert cli.main(["metrics", "--community", "梅园社区"]) == 2  # its book is empty: a usage error
    assert "台账还是空的" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "code", "words"), [
    (["metrics", "--community", "竹园社区"], 2, "找不到社区「竹园社区」。库中的社区：桃园社区、梅园社区"),
    (["metrics"], 1, "数据库中有多个社区（桃园社区、梅园社区），请指定一个。"),
])
def test_a_wrong_or_missing_community_is_one_line(street: Path, tmp_path: Path, db_url: str, args: list[str],
                                                  code: int, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(args) == code
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert [c.name for c in list_communities(open_db(db_url, tmp_path / "data"))] == ["桃园社区", "梅园社区"]


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_pdf_of_a_community_from_postgresql(street: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if pdf.check_prerequisites() or not shutil.which("pdftotext"):
        pytest.skip("Chromium, the Chinese font or pdftotext is missing")
    assert cli.main(["import", str(street), "--accept", "--community", "梅园社区"]) == 0
    out = tmp_path / "梅园.pdf"
    assert cli.main(["pdf", "--community", "梅园社区", "--out", str(out)]) == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "梅园社区" in text


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_binder_of_a_community_takes_its_own_materials(street: Path, tmp_path: Path, db_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """In a hub each community's 迎检材料 live in a folder of their own (store.evidence.evidence_folder)."""
    import io

    from pypdf import PdfReader

    from store.evidence import EvidenceStore, evidence_folder

    if pdf.check_prerequisites():
        pytest.skip("Chromium or the Chinese font is missing")
    monkeypatch.setenv("DASHBOARD_HUB", "1")
    assert cli.main(["import", str(street), "--accept", "--community", "桃园社区"]) == 0
    assert cli.main(["import", str(street), "--accept", "--community", "梅园社区"]) == 0
    for community in list_communities(open_db(db_url, tmp_path / "data")):
        EvidenceStore(evidence_folder(tmp_path / "data", community.id)).save_note("B01", f"{community.name}制度已上墙")
    out = tmp_path / "桃园材料.pdf"
    assert cli.main(["binder", "--community", "桃园社区", "--out", str(out)]) == 0
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "桃园社区制度已上墙" in text and "梅园社区制度已上墙" not in text
