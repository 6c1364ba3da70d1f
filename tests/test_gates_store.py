"""#18 item 14: a deleted snapshot's bytes are gone from the database and its ``-wal`` file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.db import Store
from tests.support.store import upload

MARKER = "GATES-DELETED-7731"


def _on_disk(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file())


def test_deleted_snapshot_leaves_no_bytes_in_the_database_or_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", secret=b"test-secret")
    info = store.save_snapshot(*upload(0), label=MARKER)
    other = sqlite3.connect(store.path)  # another session's connection, open the whole time
    assert other.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    assert MARKER.encode() in _on_disk(tmp_path / "data")
    assert store.delete_snapshot(info.id)
    assert MARKER.encode() not in _on_disk(tmp_path / "data")
    other.close()


def test_the_key_is_made_outside_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    from store.db import SECRET_NAME, secret_key

    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.setenv("DASHBOARD_KEY_DIR", str(tmp_path / "config"))
    store = Store(tmp_path / "data")
    key = store.secret
    assert (tmp_path / "config" / SECRET_NAME).is_file() and not (tmp_path / "data" / SECRET_NAME).exists()
    assert secret_key(tmp_path / "other-data") == key and not store.key_beside_data


def test_a_key_left_in_the_data_folder_is_still_used_with_a_warning(tmp_path: Path, monkeypatch, caplog) -> None:
    from store.db import SECRET_NAME

    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.setenv("DASHBOARD_KEY_DIR", str(tmp_path / "config"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / SECRET_NAME).write_text("ab" * 32 + "\n")
    store = Store(tmp_path / "data")
    assert store.key_beside_data
    assert store.secret == bytes.fromhex("ab" * 32)  # masked keys of old snapshots stay stable
    assert not (tmp_path / "config" / SECRET_NAME).exists()
    assert any("sits in the data folder" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_readme_says_to_back_up_the_key_apart_from_the_data() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "DASHBOARD_KEY_DIR" in readme and "分开备份" in readme


def test_the_data_page_warns_when_the_key_sits_in_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from store.db import SECRET_NAME

    def app() -> None:
        from ui import upload

        upload.key_warning("zh")

    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_KEY_DIR", str(tmp_path / "config"))
    at = AppTest.from_function(app, default_timeout=60).run()
    assert not at.exception and not at.warning  # a fresh install: the key is made outside
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / SECRET_NAME).write_text("cd" * 32 + "\n")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "old"))
    at = AppTest.from_function(app, default_timeout=60).run()
    assert "密钥文件 secret.key 放在数据文件夹里" in at.warning[0].value and str(tmp_path / "config") in at.warning[0].value
