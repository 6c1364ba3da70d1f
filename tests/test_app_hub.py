"""The street hub through AppTest (DASHBOARD_HUB=1 on SQLite): the login form, the roles' rights on
every page, and the isolation proofs of issue #15 item 4 at the app level — a user of community A
cannot read or change B on any page, through a snapshot id, a URL parameter or the PDF."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from store.users import Role
from tests.support import hub as support
from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if p.name not in ("users.py", "street.py"))
A, B, C = "桃园社区", "梅林社区", "金桥社区"
PASSWORDS = {"jiedao": "街道Admin-2026", "taoyuan": "桃园Clerk-2026", "weiyuan": "桃园Member-2026",
             "meilin": "梅林Clerk-2026", "jinqiao": "金桥Clerk-2026"}


@dataclass(frozen=True)
class Hub:
    a: int
    b: int
    b_snapshot: int
    a_snapshot: int
    c: int  # no data at all


def hub_engine() -> Any:
    """The hub's database as the app opens it (DASHBOARD_DATABASE_URL, else the data folder's SQLite)."""
    from settings import from_env
    from store.engine import open_engine

    config = from_env()
    return open_engine(config.database_url, Path(os.environ["DASHBOARD_DATA_DIR"]),
                       owner_url=config.database_owner_url)


def community_store(community: int) -> Any:
    from store.db import Store

    return Store(Path(os.environ["DASHBOARD_DATA_DIR"]), engine=hub_engine(), community=community)


@pytest.fixture
def hub(app_sandbox, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hub:
    """Two communities on one hub: A (5 activities) and B (9), each with a book, a snapshot and an
    action item; a street administrator, A's clerk and member, B's clerk; C with nothing. On SQLite,
    or (``indirect`` param "postgresql") on PostgreSQL as the app's role, row-level security on."""
    from store.communities import ensure_community
    from store.users import create_user

    monkeypatch.setenv("DASHBOARD_HUB", "1")
    if getattr(request, "param", "sqlite") == "postgresql":
        from tests.support.postgres import fresh_database, owner_url

        database = fresh_database(request.getfixturevalue("pg_cluster"))
        url = next(database)
        request.addfinalizer(lambda: next(database, None))
        monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
        monkeypatch.setenv("DASHBOARD_DATABASE_OWNER_URL", owner_url(url))
    engine = hub_engine()
    a, b, c = (ensure_community(engine, name).id for name in (A, B, C))
    for name, role, community in (("jiedao", Role.STREET_ADMIN, None), ("taoyuan", Role.CLERK, a),
                                  ("weiyuan", Role.MEMBER, a), ("meilin", Role.CLERK, b), ("jinqiao", Role.CLERK, c)):
        create_user(engine, name, PASSWORDS[name], role, community)
    a_snap = support.fill(community_store(a), tmp_path, 5, "桃园")
    b_snap = support.fill(community_store(b), tmp_path, 9, "梅林")
    return Hub(a, b, b_snap, a_snap, c)


BOTH_STORES = pytest.mark.parametrize("hub", ["sqlite", "postgresql"], indirect=True)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def start(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    ok(at)
    return at


def login(at: AppTest, username: str, password: str | None = None) -> AppTest:
    at.text_input(key=keys.LOGIN_USERNAME).input(username)
    at.text_input(key=keys.LOGIN_PASSWORD).input(PASSWORDS[username] if password is None else password)
    next(b for b in at.button if b.form_id == "auth_login").click().run()
    ok(at)
    return at


def logged_in(username: str, page: str | None = None, **params: str) -> AppTest:
    at = login(start(**params), username)
    if page:
        at.switch_page(page).run()
        ok(at)
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.title, *at.subheader, *at.header, *at.info, *at.success,
             *at.warning, *at.error]
    return " ".join(e.value for e in parts if isinstance(e.value, str))


def activities_shown(at: AppTest) -> int:
    return len(at.session_state[keys.VIEW].dataset.frames["activities"])


def everything_in(at: AppTest) -> str:
    """Every value the session keeps, as text (to look for a password in it)."""
    return " ".join(repr(at.session_state[k]) for k in at.session_state)


# ---------------------------------------------------------------- logging in


@pytest.mark.parametrize("page", [None, *PAGES, "pages/users.py", "pages/street.py"])
def test_before_login_every_page_is_the_login_form_and_nothing_else(hub: Hub, page: str | None) -> None:
    at = start(page)
    assert [w.key for w in at.text_input] == [keys.LOGIN_USERNAME, keys.LOGIN_PASSWORD]
    assert keys.VIEW not in at.session_state, "no data was read"
    shown = texts(at)
    assert "登录" in shown
    for word in (A, B, "桃园活动", "梅林活动", "督办", "用户管理"):
        assert word not in shown, word
    assert not at.dataframe and not at.get("plotly_chart") and not at.get("file_uploader")


def test_a_wrong_password_says_so_without_naming_which_and_keeps_nothing(hub: Hub) -> None:
    at = login(start(), "taoyuan", "桃园Clerk-2025")
    assert [e.value for e in at.error] == ["用户名或密码不正确"]
    assert keys.USER_ID not in at.session_state and keys.VIEW not in at.session_state
    at = login(at, "nobody", "桃园Clerk-2026")
    assert [e.value for e in at.error] == ["用户名或密码不正确"]
    assert "桃园Clerk-20" not in everything_in(at)


def test_the_log_names_the_client_and_the_user_id_never_the_name_or_password(hub: Hub, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="dashboard.auth")
    at = login(start(), "taoyuan", "桃园Clerk-2025")
    login(at, "taoyuan")
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.auth"]
    assert lines[0] == "login: failed from local, 1 in a row; next try checked in 0 s"
    assert lines[1] == f"login: user {at.session_state[keys.USER_ID]} (clerk) from local"
    assert not any(word in line for line in lines for word in ("taoyuan", "桃园Clerk"))


def test_repeated_failures_are_slowed_down_and_then_not_even_checked(hub: Hub) -> None:
    at = start()
    for _ in range(4):  # store.auth.Throttle: three free failures, the fourth makes the client wait
        login(at, "taoyuan", "guess-guess")
    assert "秒后再试" in at.error[0].value
    login(at, "taoyuan")  # the right password during the wait is refused unchecked
    assert keys.USER_ID not in at.session_state
    assert "秒后再试" in at.error[0].value and "不正确" not in at.error[0].value


@pytest.mark.parametrize(("other", "gets_in"), [
    ("meilin", True),    # another account from the same address (behind one proxy: every browser) logs in
    ("taoyuan", False),  # the guessed account itself waits, even with its right password
])
def test_one_accounts_wrong_passwords_slow_that_account_not_the_whole_address(hub: Hub, other: str,
                                                                              gets_in: bool) -> None:
    at = start()
    for _ in range(4):
        login(at, "taoyuan", "guess-guess")
    assert "秒后再试" in at.error[0].value
    login(at, other)
    assert (keys.USER_ID in at.session_state) is gets_in


def test_the_session_keeps_the_user_id_role_and_community_never_the_password(hub: Hub) -> None:
    at = logged_in("taoyuan")
    assert at.session_state[keys.USER_ROLE] == "clerk" and at.session_state[keys.USER_COMMUNITY] == hub.a
    assert isinstance(at.session_state[keys.USER_ID], int)
    assert PASSWORDS["taoyuan"] not in everything_in(at)
    assert at.session_state[keys.LOGIN_PASSWORD] == ""
    assert any("taoyuan（居委会录入员）" in c.value for c in at.sidebar.caption)
    assert any(f"社区：{A}" in c.value for c in at.sidebar.caption)


def test_logging_out_forgets_the_user_and_what_was_read(hub: Hub) -> None:
    at = logged_in("taoyuan")
    at.sidebar.button(key="auth_logout").click().run()
    ok(at)
    assert keys.USER_ID not in at.session_state and keys.VIEW not in at.session_state
    assert [w.key for w in at.text_input] == [keys.LOGIN_USERNAME, keys.LOGIN_PASSWORD]


@BOTH_STORES
def test_a_disabled_account_ends_its_open_session_at_the_next_click(hub: Hub) -> None:
    from store.users import set_disabled

    at = logged_in("taoyuan")
    set_disabled(hub_engine(), at.session_state[keys.USER_ID], True)
    at.run()
    ok(at)
    assert keys.USER_ID not in at.session_state and keys.VIEW not in at.session_state
    assert any("已被停用" in w.value for w in at.warning)


# ---------------------------------------------------------------- A's users see A, never B


@pytest.mark.parametrize("user", ["taoyuan", "weiyuan"])
@pytest.mark.parametrize("page", PAGES)
def test_a_user_of_a_sees_a_on_every_page(hub: Hub, user: str, page: str) -> None:
    at = logged_in(user, page)
    view = at.session_state[keys.VIEW]
    assert view.community == A and activities_shown(at) == 5
    shown = texts(at)
    assert B not in shown and "梅林" not in shown


@pytest.mark.parametrize("page", PAGES)
def test_a_community_without_ledgers_shows_nothing_rather_than_the_sample(hub: Hub, page: str) -> None:
    at = logged_in("jinqiao", page)
    view = at.session_state[keys.VIEW]
    assert view.community == C and view.dataset.frames == {} and view.dataset.kind != "sample"
    shown = texts(at)
    assert "桃园" not in shown and "梅林" not in shown
    assert "本社区还没有台账" in " ".join(i.value for i in at.sidebar.info)


@pytest.mark.parametrize("params", [{"community": "2"}, {"community_id": "2"}, {"community": B},
                                    {"snapshot": "2"}, {"snapshot_id": "2"}, {"source": "snapshot"},
                                    {"mode": "projector", "slide": "1", "community": "2"}])
def test_no_url_parameter_reaches_b(hub: Hub, params: dict[str, str]) -> None:
    params = {k: (str(hub.b) if v == "2" else v) for k, v in params.items()}
    at = logged_in("taoyuan", **params)
    at.run()
    ok(at)
    assert at.session_state[keys.VIEW].community == A and activities_shown(at) == 5
    assert "梅林" not in texts(at)


@BOTH_STORES
def test_b_snapshot_id_put_in_the_session_is_not_shown(hub: Hub) -> None:
    at = logged_in("taoyuan")
    at.session_state[keys.SOURCE] = "snapshot"
    at.session_state[keys.SNAPSHOT] = hub.b_snapshot  # as if the browser sent B's snapshot id
    at.run()
    ok(at)
    view = at.session_state[keys.VIEW]
    assert view.dataset.snapshot_id == hub.a_snapshot and activities_shown(at) == 5


@BOTH_STORES
def test_a_store_refuses_b_snapshot_even_when_b_cached_it(hub: Hub) -> None:
    """ui.shared keeps one decoded snapshot for every session: B's copy must not answer A's store."""
    from ui import shared

    b_copy = shared.snapshot(community_store(hub.b), hub.b_snapshot)
    assert len(b_copy.frames["activities"]) == 9
    from store.models import StoreError

    with pytest.raises(StoreError) as refused:  # A's store does not find it: nothing of B comes back
        shared.snapshot(community_store(hub.a), hub.b_snapshot)
    assert refused.value.key == "store.error.no_snapshot"


@BOTH_STORES
def test_the_pdf_is_made_of_a_alone(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    import report.pdf

    calls: list[tuple] = []
    monkeypatch.setattr(report.pdf, "check_prerequisites", lambda: [])
    def fake_pdf(frames, report=None, **kw):
        calls.append((frames, kw))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(report.pdf, "build_pdf_from_frames", fake_pdf)
    at = logged_in("taoyuan", **{"community": str(hub.b)})
    at.session_state[keys.SNAPSHOT] = hub.b_snapshot
    at.button(key="pdf_generate").click().run()
    ok(at)
    frames, kwargs = calls[-1]
    assert kwargs["community"] == A and len(frames["activities"]) == 5
    assert [r["action"] for r in kwargs["action_items"]] == ["桃园的督办事项"]
    assert at.sidebar.get("download_button")[0].proto.label == "下载PDF报告"


def test_the_meeting_lists_only_a_action_items(hub: Hub) -> None:
    at = logged_in("taoyuan", "pages/meeting.py")
    shown = " ".join(str(h.value) for h in at.html)
    assert "桃园的督办事项" in shown and "梅林的督办事项" not in shown


# ---------------------------------------------------------------- rights by role


def test_a_clerk_uploads_sets_targets_and_follows_up(hub: Hub) -> None:
    at = logged_in("taoyuan", "pages/data.py")
    assert at.file_uploader(key="uploader") is not None
    at.switch_page("pages/targets.py").run()
    assert {"target_save", "target_restore"} <= {b.key for b in at.button if b.key}


@pytest.mark.parametrize("page", ["pages/data.py", "pages/targets.py", "pages/binder.py"])
def test_a_member_opens_a_managing_page_by_its_address_and_may_only_look(hub: Hub, page: str) -> None:
    at = logged_in("weiyuan", page)
    assert not at.get("file_uploader") and "target_save" not in {b.key for b in at.button if b.key}
    assert not [w for w in at.text_input if (w.key or "").startswith("auth_pw_")], "nothing to unlock in a hub"
    assert "居委会委员只能查看，不能修改。" in texts(at)
    assert at.session_state[keys.VIEW].community == A


@pytest.mark.parametrize(("user", "links"), [("taoyuan", True), ("weiyuan", False)])
def test_the_overview_links_to_the_upload_only_for_who_may_upload(hub: Hub, user: str, links: bool) -> None:
    at = logged_in(user)
    missing = [c for c in at.caption if "缺少" in c.value]
    assert missing, "A's book has the activities alone: most rows lack a ledger"
    to_data = [p for p in at.get("page_link") if p.proto.label == "去数据页上传"]
    assert bool(to_data) is links


def test_a_member_cannot_add_or_close_action_items(hub: Hub) -> None:
    at = logged_in("weiyuan", "pages/meeting.py", mode="projector", slide="2")
    assert not any((t.key or "").startswith("meeting_what_") for t in at.text_input)
    assert "居委会委员只能查看" in texts(at)


# ---------------------------------------------------------------- the street's administrator


def test_the_street_admin_starts_on_the_street_pages_and_reads_no_community(hub: Hub) -> None:
    at = logged_in("jiedao")
    assert keys.VIEW not in at.session_state
    assert "梅林活动" not in texts(at) and "桃园活动" not in texts(at)
    at.switch_page("pages/dashboard.py").run()  # a community page before opening one: nothing read
    ok(at)
    assert keys.VIEW not in at.session_state


@BOTH_STORES
def test_the_street_admin_reads_an_opened_community_read_only(hub: Hub) -> None:
    at = logged_in("jiedao")
    at.session_state[keys.VIEW_COMMUNITY] = hub.b  # what the street page's click sets (auth.open_community)
    at.switch_page("pages/dashboard.py").run()
    ok(at)
    assert at.session_state[keys.VIEW].community == B and activities_shown(at) == 9
    assert any(f"正在只读查看：{B}" in c.value for c in at.sidebar.caption)
    for page in ("pages/data.py", "pages/targets.py"):
        at.switch_page(page).run()
        ok(at)
        assert not at.get("file_uploader") and "target_save" not in {b.key for b in at.button if b.key}


def test_back_to_the_street_forgets_the_opened_community(hub: Hub) -> None:
    at = logged_in("jiedao")
    at.session_state[keys.VIEW_COMMUNITY] = hub.b
    at.switch_page("pages/dashboard.py").run()
    assert at.session_state[keys.VIEW].community == B
    at.sidebar.button(key="auth_street_back").click().run()
    ok(at)
    assert keys.VIEW_COMMUNITY not in at.session_state and keys.VIEW not in at.session_state
    assert any("街道总览" in title.value for title in at.title)


def test_a_clerk_cannot_open_another_community_the_street_way(hub: Hub) -> None:
    from ui import auth

    at = logged_in("taoyuan")
    at.session_state[keys.VIEW_COMMUNITY] = hub.b  # the street's key, forged into a clerk's session
    at.run()
    ok(at)
    assert at.session_state[keys.VIEW].community == A and activities_shown(at) == 5
    with pytest.raises(PermissionError):  # and the street page's function refuses outside the street's role
        auth.open_community(hub.b)


def test_only_the_street_admin_manages_users(hub: Hub) -> None:
    at = login(start("pages/users.py"), "taoyuan")  # its address, as a first request: not a clerk's page
    assert at.session_state[keys.VIEW].community == A  # the overview answered instead
    assert "新建用户" not in texts(at) and not any(b.form_id == "users_create" for b in at.button)
    at = logged_in("jiedao", "pages/users.py")
    assert "新建用户" in texts(at)
    table = at.dataframe[0].value
    assert sorted(table["用户名"]) == ["jiedao", "jinqiao", "meilin", "taoyuan", "weiyuan"]
    assert PASSWORDS["jiedao"] not in table.to_string()


def test_the_street_admin_creates_resets_and_disables_a_user(hub: Hub) -> None:
    from store.users import list_users, verify

    engine = hub_engine()
    at = logged_in("jiedao", "pages/users.py")
    at.text_input(key=keys.users_field("new_name")).input("meilin2")
    at.selectbox(key=keys.users_field("new_role")).set_value("member")
    at.selectbox(key=keys.users_field("new_community")).set_value(hub.b)
    at.text_input(key=keys.users_field("new_password")).input("梅林Member-2026")
    at.text_input(key=keys.users_field("new_repeat")).input("梅林Member-2026")
    next(b for b in at.button if b.form_id == "users_create").click().run()
    ok(at)
    assert [s.value for s in at.success] == ["已创建用户 meilin2。请把初始密码当面告知本人。"]
    made = verify(engine, "meilin2", "梅林Member-2026")
    assert made is not None and made.role is Role.MEMBER and made.community_id == hub.b
    assert "梅林Member-2026" not in everything_in(at)

    at.selectbox(key=keys.users_field("pick")).set_value(made.id)
    at.text_input(key=keys.users_field("reset_password")).input("梅林Reset-2027")
    next(b for b in at.button if b.form_id == "users_edit" and "重置" in b.label).click().run()
    ok(at)
    assert verify(engine, "meilin2", "梅林Reset-2027") is not None
    next(b for b in at.button if b.form_id == "users_edit" and "停用" in b.label).click().run()
    ok(at)
    assert verify(engine, "meilin2", "梅林Reset-2027") is None
    assert [u.disabled for u in list_users(engine) if u.username == "meilin2"] == [True]


def test_a_short_or_mismatched_password_creates_nobody(hub: Hub) -> None:
    at = logged_in("jiedao", "pages/users.py")
    for password, repeat, message in (("short", "short", "密码至少 8 个字符。"),
                                      ("梅林Member-2026", "梅林Member-2025", "两次输入的密码不一致。")):
        at.text_input(key=keys.users_field("new_name")).input("meilin3")
        at.selectbox(key=keys.users_field("new_community")).set_value(hub.b)
        at.text_input(key=keys.users_field("new_password")).input(password)
        at.text_input(key=keys.users_field("new_repeat")).input(repeat)
        next(b for b in at.button if b.form_id == "users_create").click().run()
        ok(at)
        assert [e.value for e in at.error] == [message]
    assert sorted(at.dataframe[0].value["用户名"]) == ["jiedao", "jinqiao", "meilin", "taoyuan", "weiyuan"]
