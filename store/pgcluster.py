"""A throw-away local PostgreSQL cluster for tests and the hub demo (never for real data): ``initdb``
in a folder, the server on a free port of 127.0.0.1 (trust authentication, so loopback only), a role
that owns the tables and a role the app uses (no superuser, no BYPASSRLS), and a database.

    python -m store.pgcluster start DIR   # prints DASHBOARD_DATABASE_URL=… and DASHBOARD_DATABASE_OWNER_URL=…
    python -m store.pgcluster stop DIR

PostgreSQL refuses to run as root, so as root the folder is handed to an unprivileged user
(``nobody``) and the server programs run as that user through ``runuser``. The binaries are found on
PATH, else in Debian's /usr/lib/postgresql/<version>/bin.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

OWNER, APP, DATABASE = "dashboard_owner", "dashboard_app", "dashboard"
_RUN_AS = "nobody"


def bin_dir() -> Path | None:
    """Where initdb, pg_ctl and psql live, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int

    def url(self, user: str = APP, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the cluster's superuser, outside a transaction; its rows."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database,
                             autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(statement.encode())
            return list(cur.fetchall()) if cur.description else []

    def ensure_roles(self) -> None:
        """The owner role, the app role (no superuser, no BYPASSRLS) and the database, once."""
        have = {r[0] for r in self.sql("SELECT rolname FROM pg_roles")}
        for role, how in ((OWNER, "LOGIN"), (APP, "LOGIN NOSUPERUSER NOBYPASSRLS")):
            if role not in have:
                self.sql(f"CREATE ROLE {role} {how}")
        if not self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
            self.sql(f"CREATE DATABASE {DATABASE} OWNER {OWNER}")


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", _RUN_AS, "--", *cmd] if os.geteuid() == 0 else cmd


def _hand_over(folder: Path) -> None:
    if os.geteuid() != 0:
        return
    uid, gid = int(_id("-u")), int(_id("-g"))
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, uid, gid, follow_symlinks=False)


def _id(flag: str) -> str:
    return subprocess.run(["id", flag, _RUN_AS], capture_output=True, text=True, check=True).stdout.strip()


def _run(cmd: list[str], folder: Path) -> None:
    """Run a server program; on failure say what it and the server's log said (CI shows only that)."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        log = folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{Path(cmd[cmd.index('--') + 1] if '--' in cmd else cmd[0]).name} failed "
                           f"({done.returncode}): {done.stderr.strip() or done.stdout.strip()}\n{tail}")


def start(folder: Path, *, port: int | None = None) -> Cluster:
    """Start (initialising on first use) the cluster in ``folder``; its roles and database exist after."""
    found = bin_dir()
    if found is None:
        raise FileNotFoundError("PostgreSQL is not installed (initdb not found); on Debian: apt-get install postgresql")
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    data, fresh = folder / "data", not (folder / "data" / "PG_VERSION").exists()
    port = port or free_port()
    _hand_over(folder)
    if fresh:
        _run(_as_server_user([str(found / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--locale=C.UTF-8"]), folder)
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c max_connections=200"
               " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")  # throw-away: speed over safety
    _run(_as_server_user([str(found / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                          "-o", options, "-w", "-t", "60", "start"]), folder)
    (folder / "port").write_text(str(port))
    cluster = Cluster(folder, port)
    cluster.ensure_roles()
    return cluster


def stop(folder: Path) -> None:
    """Stop the server of ``folder`` (fast shutdown); the files stay until the folder is removed."""
    found = bin_dir()
    data = Path(folder).resolve() / "data"
    if found is None or not (data / "postmaster.pid").exists():
        return
    subprocess.run(_as_server_user([str(found / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                   check=False, capture_output=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "stop"}:
        print("usage: python -m store.pgcluster start|stop DIR", file=sys.stderr)
        return 2
    if argv[0] == "stop":
        stop(Path(argv[1]))
        return 0
    cluster = start(Path(argv[1]))
    print(f"DASHBOARD_DATABASE_URL={cluster.url(APP)}")
    print(f"DASHBOARD_DATABASE_OWNER_URL={cluster.url(OWNER)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
