"""Loopback by configuration: the listening address, the request's Host, and the refusals."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store.auth import host_allowed, is_loopback
from tests.support.server import fresh_server
from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "桃园Office-2026"


def test_the_project_config_listens_on_loopback() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("", False), (None, False), ("::", False), ("192.168.1.5", False), ("board.lan", False)])
def test_which_listening_addresses_are_loopback(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(("host", "allowed", "ok"), [
    ("127.0.0.1:8501", (), True), ("localhost:8501", (), True), ("LOCALHOST.", (), True),
    ("[::1]:8501", (), True), ("127.0.0.1", (), True),
    ("evil.example:8501", (), False), ("evil.example", (), False), ("", (), False),
    ("localhost.evil.example:8501", (), False), ("127.0.0.1.evil.example", (), False),
    ("192.168.1.5:8501", (), False), ("192.168.1.5:8501", ("192.168.1.5",), True),
    ("Board.Office.LAN:8501", ("board.office.lan",), True), ("board.office.lan.evil:80", ("board.office.lan",), False),
    (None, (), True),  # no HTTP request at all (AppTest)
])
def test_which_hosts_name_this_board(host: str | None, allowed: tuple[str, ...], ok: bool) -> None:
    assert host_allowed(host, allowed) is ok


def refused(at: AppTest, words: str) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["看板拒绝了这次访问"] and words in at.error[0].value
    assert not at.text_input and not at.button and not at.page_link and keys.VIEW not in at.session_state


@pytest.mark.usefixtures("app_sandbox")
@pytest.mark.parametrize(("host", "secrets", "ok"), [
    ("evil.example:8501", {}, False), ("evil.example:8501", {"allowed_hosts": ["evil.example"]}, True),
    ("127.0.0.1:8501", {}, True), ("localhost:8501", {"password": PASSWORD}, True)])
def test_the_host_is_checked_before_anything_is_drawn(monkeypatch: pytest.MonkeyPatch, host: str,
                                                      secrets: dict[str, object], ok: bool) -> None:
    from ui import entry

    monkeypatch.setattr(entry, "request_host", lambda: host)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.switch_page("pages/data.py")  # a page's own URL as the first request goes through the same gate
    at.run()
    if ok:
        assert not at.exception and keys.VIEW in at.session_state
    else:
        refused(at, "不接受以这个网址访问")


@pytest.mark.usefixtures("app_sandbox")
@pytest.mark.parametrize(("address", "password", "ok"), [
    ("0.0.0.0", None, False), ("192.168.1.5", None, False), ("", None, False),
    ("0.0.0.0", PASSWORD, True), ("127.0.0.1", None, True)])
def test_a_network_facing_server_without_a_password_refuses(monkeypatch: pytest.MonkeyPatch, address: str,
                                                            password: str | None, ok: bool) -> None:
    from ui import entry

    monkeypatch.setattr(entry, "request_host", lambda: "127.0.0.1:8501")
    monkeypatch.setattr(entry, "listening_address", lambda: address)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if password:
        at.secrets["password"] = password
    at.run()
    if ok:
        assert not at.exception and keys.VIEW in at.session_state
    else:
        refused(at, "没有设置管理密码")


# ---------------------------------------------------------------- a real server, a raw websocket


def first_run(port: int, host: str) -> bytes:
    """Everything the server sends a new session's first run, asked for with this Host (and Origin),
    the way a page on a rebinding domain would reach a loopback board."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect
    from websockets.typing import Origin, Subprotocol

    sock = socket.create_connection(("127.0.0.1", port))
    with connect(f"ws://{host}/_stcore/stream", sock=sock, subprotocols=[Subprotocol("streamlit")],
                 origin=Origin(f"http://{host}"), open_timeout=60) as ws:
        ws.send(BackMsg(rerun_script=ClientState(query_string="")).SerializeToString())
        received = []
        while True:
            data = ws.recv(timeout=120)
            assert isinstance(data, bytes)
            received.append(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "script_finished":
                return b"".join(received)


@pytest.mark.slow
def test_a_real_server_answers_a_foreign_host_with_the_refusal_only(tmp_path: Path) -> None:
    with fresh_server(tmp_path) as url:
        port = int(url.rsplit(":", 1)[1])
        ours = first_run(port, f"127.0.0.1:{port}")
        foreign = first_run(port, f"evil.example:{port}")
    metric = "消防器材配备率".encode()  # a metric's name: data, unlike the (hidden) navigation's page titles
    assert metric in ours
    assert "不接受".encode() in foreign and metric not in foreign and b"sample" not in foreign


@pytest.mark.slow
def test_a_real_server_on_every_interface_without_a_password_refuses(tmp_path: Path) -> None:
    with fresh_server(tmp_path, address="0.0.0.0") as url:
        port = int(url.rsplit(":", 1)[1])
        sent = first_run(port, f"127.0.0.1:{port}")
    assert "没有设置管理密码".encode() in sent and "消防器材配备率".encode() not in sent
