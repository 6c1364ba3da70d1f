"""Command line: `python cli.py metrics [--year Y] [--as-of YYYY-MM-DD] [--format json|table]
[--compare SNAPSHOT] [--snapshot NAME] [PATH...]`, `python cli.py pdf [...] --out FILE.pdf [PATH...]` and
`python cli.py import PATH... [--accept [--confirm]]`; `python cli.py binder --out FILE.pdf [--zip FILE.zip]
[--assess-date YYYY-MM-DD] [PATH...]` (the 迎检材料 binder); `python cli.py users add|list|passwd` (the
hub's accounts: `users add NAME --role street_admin` makes the first administrator); `python cli.py package
--out FILE.zip [--name 社区名称]` (a report package for the street) and `python cli.py street [--pdf FILE.pdf]`
(the hub's communities in the street grid's order). Without PATH, metrics and pdf read the ledger
book of $DASHBOARD_DATA_DIR (as the app), or the snapshot --snapshot names; with PATHs, those files.

Each subcommand is one `add_<name>_command(subparsers)` function that registers its parser and its
handler; `main()` only dispatches. Exit codes: 0 when the command ran (import problems are reported
in the output, not as failures), 2 for usage errors, with one line of Chinese on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with the message, no traceback."""


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors, reworded as one Chinese line
        for english, chinese in _ARGPARSE_WORDS:
            message = message.replace(english, chinese)
        raise UsageError(f"用法错误：{message}（运行 python {self.prog} -h 查看用法）")


_ARGPARSE_WORDS = (("the following arguments are required", "缺少参数"), ("invalid int value", "不是整数"),
                   ("invalid choice", "无效的选项"), ("unrecognized arguments", "无法识别的参数"),
                   ("expected one argument", "需要一个值"), ("argument ", "参数 "))


# ---------------------------------------------------------------- shared by subcommands
def collect_files(paths: Sequence[str]) -> list[Path]:
    """Files as given; a folder contributes its ledger files (not recursive), sorted by name."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in LEDGER_SUFFIXES
                            and not p.name.startswith("~$"))  # skip Excel's lock files
        elif path.is_file():
            files.append(path)
    if not files:
        raise UsageError(f"没有找到可读取的台账文件（.xlsx/.xlsm/.xls/.csv）：{'、'.join(paths)}")
    return files


def parse_as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text.strip()):
            raise ValueError(text)
        year, month, day = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise UsageError(f"日期格式不对：{text}，请写成 YYYY-MM-DD，例如 2026-11-20") from None


def load_ledgers(files: list[Path]):
    """(frames, report dict). A file the reader cannot cope with becomes a problem, never a crash."""
    from ledgers.reader import load_files
    from ledgers.report import Problem, Severity

    try:
        loaded = load_files(files)
        return loaded.frames, loaded.report.to_dict()
    except Exception:  # noqa: BLE001 — retry file by file so one bad file names itself
        pass
    frames: dict = {}
    report: dict = {"ledgers": {}, "problems": [], "sheets": []}
    import pandas as pd

    for path in files:
        try:
            loaded = load_files([path])
        except Exception as exc:  # noqa: BLE001
            report["problems"].append(Problem(file=path.name, sheet=None, row=None, column=None,
                                              severity=Severity.ERROR, code="parse_failed",
                                              params={"detail": type(exc).__name__}).to_dict())
            continue
        part = loaded.report.to_dict()
        for key, frame in loaded.frames.items():
            frames[key] = pd.concat([frames[key], frame], ignore_index=True) if key in frames else frame
        for name, counts in part.get("ledgers", {}).items():
            total = report["ledgers"].setdefault(name, {"rows": 0, "skipped": 0})
            total["rows"] += counts.get("rows", 0)
            total["skipped"] += counts.get("skipped", 0)
        report["problems"] += part.get("problems", [])
        report["sheets"] += part.get("sheets", [])
    return frames, report


def compute_from_args(args: argparse.Namespace):
    """PATHs, else the book (or --snapshot) -> (Results, report dict), for every metrics subcommand."""
    from metrics.engine import compute_all

    as_of = parse_as_of(args.as_of)
    frames, report, _ = source_frames(args)
    return compute_all(frames, year=args.year, as_of=as_of), report


def open_store(args: argparse.Namespace | None = None):
    """The store as the app opens it: $DASHBOARD_DATABASE_URL, else the SQLite file of
    $DASHBOARD_DATA_DIR (or ./data); the community --community names, else the install's one."""
    from i18n import t
    from settings import from_env
    from store.communities import community_by_name, list_communities
    from store.db import Store, default_data_dir
    from store.engine import open_engine

    name = (getattr(args, "community", None) or "").strip()
    if not name:
        return Store(default_data_dir())
    config = from_env()
    engine = open_engine(config.database_url, default_data_dir(), owner_url=config.database_owner_url)
    found = community_by_name(engine, name)
    if found is None:  # a typo must not make a new, empty community
        known = "、".join(c.name for c in list_communities(engine)) or "—"
        raise UsageError(t("store.cli.no_community", "zh", name=name, known=known))
    return Store(default_data_dir(), engine=engine, community=found.id)


def find_snapshot(store, name: str):
    """A snapshot by id (3 or #3) or by its name (the newest of that name)."""
    from i18n import t

    snapshots = store.snapshots()
    wanted = name.strip().lstrip("#")
    for info in snapshots:
        if (wanted.isdigit() and info.id == int(wanted)) or info.label == name.strip():
            return info
    known = "、".join(f"#{s.id}" + (f"「{s.label}」" if s.label else "") for s in snapshots) or "—"
    raise UsageError(t("book.cli.no_snapshot", "zh", name=name, known=known))


def source_frames(args: argparse.Namespace):
    """(frames, report, sources): the files given (read as always, the book untouched), else the
    book of the data folder, or the snapshot named by --snapshot."""
    from i18n import t

    if args.paths:
        files = collect_files(args.paths)
        frames, report = load_ledgers(files)
        from ledgers.worker import let_go

        let_go()  # read once: the reader's child and its heap go before the metrics build theirs
        return frames, report, [(p.name, dt.datetime.fromtimestamp(p.stat().st_mtime).replace(microsecond=0))
                                for p in files]
    store = open_store(args)
    if getattr(args, "snapshot", None):
        info = find_snapshot(store, args.snapshot)
        frames, report = store.load_snapshot(info.id)
        return frames, report, [(f.name, info.created_at) for f in info.files]
    versions = store.book()
    if not versions:
        raise UsageError(t("book.cli.empty", "zh", path=store.data_dir))
    frames, report = store.load_book()
    return frames, report, list(dict.fromkeys((f.name, v.accepted_at) for v in versions for f in v.files))


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="年份（默认：数据中最近的年份）")
    parser.add_argument("--as-of", dest="as_of", help="统计截止日 YYYY-MM-DD（默认：该年最后一条记录的日期）")
    parser.add_argument("--snapshot", metavar="NAME", help="不给 PATH 时：读取这个快照（编号或名称），而不是当前台账")
    add_community_argument(parser)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="台账文件或文件夹（不给则读取 $DASHBOARD_DATA_DIR 的当前台账）")


def add_community_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--community", metavar="NAME",
                        help="哪个社区的台账（默认：本库唯一的社区）；与 $DASHBOARD_DATABASE_URL 一起用于街道库")


# ---------------------------------------------------------------- metrics
def add_metrics_command(subparsers) -> None:
    parser = subparsers.add_parser("metrics", help="计算全部指标，输出 JSON 或表格")
    add_period_arguments(parser)
    parser.add_argument("--format", choices=("json", "table"), default="json", help="输出格式（默认 json）")
    parser.add_argument("--compare", metavar="SNAPSHOT", help="与这个快照（编号或名称）比较：每项指标的变化")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="表格的语言（默认 zh）")
    parser.set_defaults(handler=run_metrics)


def run_metrics(args: argparse.Namespace) -> int:
    results, report = compute_from_args(args)
    comparison = compare_with(args.compare, results, args) if args.compare else None
    if args.format == "table":
        print(format_table(results, report, comparison, lang=args.lang))
        return 0
    out = results.to_dict(report)
    if comparison is not None:
        out["compare"] = {c.id: {"before": c.value_before, "after": c.after.value, "status_before": c.status_before,
                                 "status_after": c.after.status, "change": c.text("zh")} for c in comparison.changes}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def pdf_compare(args: argparse.Namespace):
    """(caption, frames) of the snapshot --compare names, for the PDF; None without --compare."""
    from i18n import t

    if not args.compare:
        return None
    store = open_store(args)
    info = find_snapshot(store, args.compare)
    caption = t("book.compare.since", args.lang, id=info.id, time=f"{info.created_at:%Y-%m-%d %H:%M}")
    return caption, store.load_snapshot(info.id)[0]


def compare_with(name: str, results, args: argparse.Namespace | None = None):
    """metrics.compare of the snapshot ``name`` against the results already computed."""
    from metrics.compare import compare_books

    store = open_store(args)
    before, _ = store.load_snapshot(find_snapshot(store, name).id)
    return compare_books(before, {}, year=results.year, as_of=results.as_of, after_results=results)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(results, report: dict | None = None, comparison=None, lang: str = "zh") -> str:
    """The metrics as an aligned text table, worded as on the screen, the slides and the PDF."""
    from i18n import t
    from metrics import wording
    from metrics.compare import change_cells
    from metrics.vocab import Status

    header: tuple[str, ...] = tuple(t(f"metrics.column.{c}", lang)
                                    for c in ("id", "name", "value", "target", "status", "gap", "source"))
    body: list[tuple[str, ...]] = [
        (m.id, m.name_en if lang == "en" else m.name, wording.value(m, lang), wording.target(m, lang),
         Status(m.status).word(lang), wording.gap(m, lang), m.source) for m in results.metrics]
    if comparison is not None:
        changes = change_cells(comparison, lang)
        header += (t("book.compare.column", lang),)
        body = [(*row, changes.get(row[0], "")) for row in body]
    widths = [max(display_width(row[i]) for row in (header, *body)) for i in range(len(header))]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (header, *body)]
    counts = results.status_counts()
    lines.append("")
    sep = "，" if lang == "zh" else ", "
    lines.append(t("metrics.cli.period", lang, year=results.year, as_of=results.as_of.isoformat(),
                   counts=sep.join(f"{s.word(lang)} {n}" for s, n in counts.items())))
    problems = (report or {}).get("problems", [])
    if problems:
        lines.append(t("metrics.cli.problems", lang, count=len(problems)))
    return "\n".join(lines)


# ---------------------------------------------------------------- pdf
def add_pdf_command(subparsers) -> None:
    parser = subparsers.add_parser("pdf", help="生成 PDF 报告（A4 横向，含全部指标、图表和导入问题）")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言（默认 zh）")
    parser.add_argument("--compare", metavar="SNAPSHOT", help="在总览页列出与这个快照（编号或名称）相比的变化")
    add_period_arguments(parser)
    parser.set_defaults(handler=run_pdf)


def pdf_out(given: str) -> Path:
    """The --out of `pdf` and `binder`: a .pdf in a folder that exists, else a usage error."""
    from i18n import t

    out = Path(given)
    if out.suffix.lower() != ".pdf":
        raise UsageError(t("report.cli.bad_out", "zh", path=given))
    if not out.parent.is_dir():
        raise UsageError(t("report.cli.no_out_dir", "zh", path=out.parent))
    return out


def run_pdf(args: argparse.Namespace) -> int:
    """Same pipeline as the page's download button: report.pdf.build_pdf_from_frames."""
    from i18n import t
    from report.pdf import ReportError, ReportUnavailable, build_pdf_from_frames, check_prerequisites

    out = pdf_out(args.out)
    as_of = parse_as_of(args.as_of)
    if args.paths:
        collect_files(args.paths)  # a wrong path is a usage error before anything else
    if missing := check_prerequisites():  # say so before spending seconds reading ledgers
        print(str(ReportUnavailable(missing, args.lang)), file=sys.stderr)
        return 1
    frames, report, sources = source_frames(args)
    try:
        data = build_pdf_from_frames(frames, report, year=args.year, as_of=as_of, sources=sources,
                                     lang=args.lang, compare=pdf_compare(args), community=args.community or None)
    except (ReportUnavailable, ReportError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out.write_bytes(data)
    print(t("report.cli.written", args.lang, path=out, size=len(data) // 1024))
    return 0


# ---------------------------------------------------------------- import
def add_import_command(subparsers) -> None:
    parser = subparsers.add_parser("import", help="把台账文件更新进当前台账：先列出每个文件的结果和每本台账的变化")
    parser.add_argument("--accept", action="store_true", help="采用（不加则只预览，台账不变）")
    parser.add_argument("--confirm", action="store_true", help="有「少了一半以上」等提醒的台账也采用")
    add_community_argument(parser)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="台账文件或文件夹")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    """The data page's summary as text: the banner, one line per file, one line per ledger; with
    --accept the changed ledgers become current (those with a warning only with --confirm)."""
    from i18n import t
    from settings import from_env
    from store.book import Confirm
    from ui.data import handle_upload
    from ui.verdict import accepted_line, banner, caution_text, ledger_label, preview_rows

    files = collect_files(args.paths)
    store = open_store(args)
    outcome = handle_upload([(p.name, p.read_bytes()) for p in files], store)
    if outcome.error:
        print(outcome.error, file=sys.stderr)
        return 1
    verdicts = outcome.verdicts("zh")
    print(banner(verdicts, "zh"))
    for v in verdicts:
        print(f"  {v.outcome.icon} {v.line('zh')}")
    proposal = outcome.proposal
    assert proposal is not None  # handle_upload was given the store
    print(t("book.cli.preview", "zh") if proposal.diffs else t("book.preview.nothing", "zh"))
    for row in preview_rows(proposal, "zh"):
        print("  " + " · ".join(str(v) for v in row.values()))
    held = [k for k in proposal.acceptable if proposal.diffs[k].needs_confirmation and not args.confirm]
    if not args.accept:
        if proposal.acceptable:
            print(t("book.cli.dry_run", "zh"))
        return 0
    chosen = [k for k in proposal.acceptable if k not in held]
    versions = store.accept(proposal, chosen, by="cli", confirm=Confirm.ALL if args.confirm else ())
    print(accepted_line(versions, "zh"))
    config = from_env()
    if versions and (config.hub or config.database_url is not None):
        from hub.results import refresh_own

        refresh_own(store)  # the street reads this community's results fresh, as after an app upload
    for k in held:
        for c in proposal.diffs[k].warnings:
            print(t("book.cli.held", "zh", ledger=ledger_label(k, "zh"), why=caution_text(proposal.diffs[k], c, "zh")))
    return 1 if held else 0


# ---------------------------------------------------------------- binder
def add_binder_command(subparsers) -> None:
    parser = subparsers.add_parser("binder", help="生成迎检材料册 PDF（按创建项目 B01–T15）和原件压缩包")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的材料册 PDF")
    parser.add_argument("--zip", dest="zip", metavar="FILE.zip", help="同时输出按项目命名的原件压缩包")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言（默认 zh）")
    parser.add_argument("--assess-date", dest="assess_date",
                        help="迎检日期 YYYY-MM-DD（默认：数据截止日）；时段为其前一个月往前推 12 个月")
    add_community_argument(parser)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="台账文件或文件夹，旁边的 evidence/ 文件夹为材料（不写：用已保存的台账和材料）")
    parser.set_defaults(handler=run_binder)


def _binder_sources(args: argparse.Namespace, tmp: Path):
    """(frames, evidence store, refusals): the stored book and evidence, or the PATHs and their evidence/."""
    from evidence.folder import ingest
    from settings import from_env
    from store.evidence import EvidenceStore, evidence_folder

    if not args.paths:
        store = open_store(args)  # the community's book and, in a hub, its own folder of materials
        folder = evidence_folder(store.data_dir, store.community_id if from_env().hub else None)
        return store.load_book()[0], EvidenceStore(folder), []
    files = collect_files(args.paths)
    frames, _ = load_ledgers(files)
    evidence = EvidenceStore(tmp)
    refused: list[str] = []
    for folder in dict.fromkeys((Path(p) if Path(p).is_dir() else Path(p).parent) / "evidence" for p in args.paths):
        if folder.is_dir():
            refused += ingest(folder, evidence, frames)
    return frames, evidence, refused


def run_binder(args: argparse.Namespace) -> int:
    """Same pipeline as the page: evidence.binder.gather, build_binder, build_zip."""
    import tempfile

    from evidence.binder import build_binder, build_zip, gather
    from evidence.checks import Window
    from i18n import t
    from report.pdf import ReportError, ReportUnavailable, check_prerequisites

    out = pdf_out(args.out)
    assess = parse_as_of(args.assess_date)
    if missing := check_prerequisites():
        print(str(ReportUnavailable(missing, args.lang)), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="binder-") as tmp:
        frames, evidence, refused = _binder_sources(args, Path(tmp))
        for message in refused:
            print(t("binder.cli.skipped", args.lang, message=message), file=sys.stderr)
        data = gather(evidence, frames, window=Window.before(assess) if assess else None)
        try:
            pdf = build_binder(data, lang=args.lang)
        except (ReportUnavailable, ReportError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
        out.write_bytes(pdf)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(t("binder.cli.written", args.lang, path=out, pages=pages, size=len(pdf) // 1024))
        if args.zip:
            Path(args.zip).write_bytes(build_zip(data.files, evidence.read))
            print(t("binder.cli.zip_written", args.lang, path=args.zip, n=len(data.files)))
    return 0


# ---------------------------------------------------------------- users (hub)
def add_users_command(subparsers) -> None:
    parser = subparsers.add_parser("users", help="街道枢纽的用户：开设账号、列出、改密码（密码从键盘或标准输入读取）")
    actions = parser.add_subparsers(dest="users_action", required=True, parser_class=ChineseArgumentParser)
    add = actions.add_parser("add", help="开设账号（第一个街道管理员也用它）")
    add.add_argument("username", help="用户名")
    add.add_argument("--role", required=True, choices=["street_admin", "clerk", "member"],
                     help="street_admin 街道管理员、clerk 居委会录入员、member 居委会委员")
    add.add_argument("--community", metavar="NAME", help="所属社区的名称（居委会的账号必须给出）")
    actions.add_parser("list", help="列出全部用户（不显示密码）")
    passwd = actions.add_parser("passwd", help="为用户设置新密码")
    passwd.add_argument("username", help="用户名")
    parser.set_defaults(handler=run_users)


def read_password(prompt: str) -> str:
    """From the keyboard (twice, not echoed), or the first line of standard input when it is not a
    terminal (scripts); never from an argument, which any user of the machine could read in ps."""
    import getpass

    from i18n import t

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass(t("users.create.repeat", "zh") + "：") != first:
        raise UsageError(t("users.error.mismatch", "zh"))
    return first


def run_users(args: argparse.Namespace) -> int:
    from i18n import t
    from settings import from_env
    from store import users as accounts
    from store.communities import community_by_name, list_communities
    from store.db import default_data_dir
    from store.engine import open_engine

    config = from_env()
    engine = open_engine(config.database_url, default_data_dir(), owner_url=config.database_owner_url)
    names = {c.id: c.name for c in list_communities(engine)}
    try:
        if args.users_action == "list":
            for u in accounts.list_users(engine):
                where = names.get(u.community_id, "") if u.community_id else t("users.session.street", "zh")
                state = t(f"users.status.{'disabled' if u.disabled else 'active'}", "zh")
                print(f"{u.username}\t{t(u.role.label_key, 'zh')}\t{where}\t{state}")
            return 0
        if args.users_action == "add":
            community = community_by_name(engine, args.community) if args.community else None
            if args.community and community is None:
                raise UsageError(t("users.cli.no_community", "zh", name=args.community,
                                   known="、".join(names.values()) or "—"))
            user = accounts.create_user(engine, args.username, read_password(t("users.create.password", "zh") + "："),
                                        args.role, community.id if community else None)
            print(t("users.cli.added", "zh", username=user.username, role=t(user.role.label_key, "zh")))
            return 0
        found = [u for u in accounts.list_users(engine) if u.username == accounts.normalise_username(args.username)]
        if not found:
            raise UsageError(t("users.error.missing", "zh"))
        accounts.set_password(engine, found[0].id, read_password(t("users.edit.password", "zh") + "："))
        print(t("users.edit.reset_done", "zh", username=found[0].username))
        return 0
    except accounts.UserError as exc:
        raise UsageError(exc.text("zh")) from exc


# ---------------------------------------------------------------- package (for the street)
def add_package_command(subparsers) -> None:
    parser = subparsers.add_parser("package", help="导出上报包（交街道）：指标结果、状态、导入摘要和 PDF，不含台账明细和个人信息")
    parser.add_argument("--out", required=True, metavar="FILE.zip", help="输出的上报包（.zip）")
    parser.add_argument("--name", metavar="社区名称", help="社区名称，与街道登记的一致（默认：本安装的社区名称）")
    parser.add_argument("--no-pdf", dest="no_pdf", action="store_true", help="不附 PDF（更快）")
    add_period_arguments(parser)
    parser.set_defaults(handler=run_package)


def package_community(args: argparse.Namespace):
    """(the package's community name, the office's targets): --name, else the book's community, whose
    targets then apply as on its board; files given have no targets but their own 指标目标 sheet."""
    from store.communities import DEFAULT_NAME

    if args.paths:
        if not args.name:
            raise UsageError("读取台账文件导出上报包时，请用 --name 写明社区名称（与街道登记的一致）")
        return args.name, None
    store = open_store(args)
    name = args.name or store.community.name
    if name == DEFAULT_NAME:  # 「本社区」 means nothing to the street
        raise UsageError("请用 --name 写明社区名称（与街道登记的一致），「本社区」无法在街道对应")
    return name, store.targets()


def run_package(args: argparse.Namespace) -> int:
    """The book's results, statuses and import summary (and its PDF), signed with the street's key."""
    from hub.package import PackageError, Street, build
    from metrics.engine import compute_all
    from report.pdf import ReportError, ReportUnavailable, build_pdf_from_frames
    from settings import from_env

    out = Path(args.out)
    if out.suffix.lower() != ".zip" or not out.parent.is_dir():
        raise UsageError(f"上报包应写成已有文件夹里的 .zip 文件：{args.out}")
    config = from_env()
    try:
        street = Street.from_settings(config.street, config.street_key)
    except PackageError as exc:
        raise UsageError(str(exc)) from None
    as_of = parse_as_of(args.as_of)
    frames, report, sources = source_frames(args)
    name, targets = package_community(args)
    results = compute_all(frames, year=args.year, as_of=as_of, targets=targets)
    pdf = None
    if not args.no_pdf:
        try:
            pdf = build_pdf_from_frames(frames, report, year=results.year, as_of=results.as_of, targets=targets,
                                        sources=sources, community=name)
        except (ReportUnavailable, ReportError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
    out.write_bytes(build(street, community=name, year=results.year, as_of=results.as_of,
                          results=results.metrics, report=report, pdf=pdf))
    print(f"已写出上报包 {out}（{len(results.metrics)} 项指标，数据截至 {results.as_of}）")
    return 0


# ---------------------------------------------------------------- street (the hub)
def add_street_command(subparsers) -> None:
    parser = subparsers.add_parser("street", help="街道总览：各社区问题数（按需要关注的程度排序），可生成街道 PDF")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="输出格式（默认 table）")
    parser.add_argument("--pdf", metavar="FILE.pdf", help="同时生成街道 PDF（各社区指标状态 + 每个社区一页）")
    parser.set_defaults(handler=run_street)


def run_street(args: argparse.Namespace) -> int:
    """The page's rows (stale communities recomputed first, then stored results), as text, JSON or the PDF."""
    from hub import results as hub_results
    from hub.grid import PROBLEMS, grid
    from hub.pdf import street_pdf
    from hub.seed import book_loader
    from i18n import t
    from report.pdf import ReportError, ReportUnavailable
    from settings import from_env
    from store.communities import list_communities
    from store.db import default_data_dir
    from store.engine import open_engine

    out = pdf_out(args.pdf) if args.pdf else None
    config = from_env()
    data_dir = default_data_dir().resolve()
    engine = open_engine(config.database_url, data_dir, owner_url=config.database_owner_url)
    hub_results.refresh_stale(engine, book_loader(engine, data_dir))
    rows = grid(list_communities(engine), hub_results.street_rows(engine))
    listed = [{"community": r.community.name, "households": r.community.households,
               **{str(s): r.counts.get(s, 0) for s in PROBLEMS},
               "as_of": r.as_of.isoformat() if r.as_of else None} for r in rows]
    if args.format == "json":
        print(json.dumps(listed, ensure_ascii=False, indent=1))
    else:
        print("\t".join([t("hub.col.community", "zh"), t("hub.col.households", "zh"),
                         *(s.label("zh") for s in PROBLEMS), t("hub.col.as_of", "zh")]))
        for row in listed:
            print("\t".join(str(v if v is not None else "—") for v in row.values()))
    if out is not None:
        try:
            out.write_bytes(street_pdf(rows, street=config.street or t("hub.street.default", "zh")))
        except (ReportUnavailable, ReportError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
    return 0


# ---------------------------------------------------------------- entry point
COMMANDS = (add_metrics_command, add_pdf_command, add_import_command, add_binder_command, add_package_command,
            add_users_command, add_street_command)  # a new subcommand: write add_<name>_command and list it here


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="cli.py", description="社区创建看板命令行")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=ChineseArgumentParser)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def prestart_reader(args: argparse.Namespace) -> None:
    """A command given ledger files reads them in the reader's child: start it first, reading them
    already, so its start-up and the reading run while this process imports pandas, the store and the
    metrics; ``load_files`` then takes up what the child has read (the same files, with its defaults)."""
    if args.command not in ("metrics", "pdf", "import") or not getattr(args, "paths", None):
        return
    try:
        files = collect_files(args.paths)
    except UsageError:
        return  # the command says so itself
    from ledgers.worker import prestart

    prestart(paths=files)


def main(argv: Sequence[str] | None = None) -> int:
    from settings import SettingsError, from_env

    try:
        from_env()  # a wrong setting stops here, named, instead of failing every file one by one
        args = build_parser().parse_args(argv)
    except (UsageError, SettingsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    prestart_reader(args)
    from store.models import StoreError

    try:
        return args.handler(args)
    except (UsageError, SettingsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except StoreError as exc:  # a refusal of the store (e.g. 数据库暂时无法连接): its own words
        from i18n import t

        print(t(exc.key, "zh", **exc.fields), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 — a scripted monthly run gets one readable line, not a traceback
        from ledgers.privacy import scrub_text  # an exception may quote a cell: no raw ID or phone on stderr

        print(scrub_text(f"内部错误：{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1


def exit_now(code: int) -> NoReturn:
    """Leave as soon as the output is out: flush it, run the ``atexit`` hooks (the reader's idle child
    is told to stop, logs are flushed), then end the process without the interpreter tearing down every
    module and the frames one object at a time (~0.1 s at 10k rows, ~0.2 s at 300k: a tenth of a run).
    Only for the script; ``main`` itself returns, for tests and callers."""
    import atexit
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head) is the reader's choice
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
