"""A throwaway PostgreSQL server for tests, so the storage suite runs against the real thing.

The server lives entirely in a temporary directory (data, unix socket, log) and
listens on a free 127.0.0.1 port. PostgreSQL refuses to run as root, so when the
tests run as root the server processes are started as the unprivileged
``postgres`` system user (created by Debian's ``postgresql`` package), falling
back to ``nobody``. Nothing is created outside the temporary directory.

If ``TEST_DATABASE_URL`` is set, that server is used instead and nothing is started.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

#: Directories searched after PATH; Debian keeps server binaries off PATH.
_PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class PostgresUnavailable(RuntimeError):
    """Raised when no PostgreSQL binaries are installed, so callers can skip or fail."""


def ci_requires_postgres() -> bool:
    """True on CI, where a missing PostgreSQL must fail the run instead of skipping silently."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def find_pg_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    candidates = [Path(p) for p in _glob_sorted(_PG_BIN_GLOB)]
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    return None


def _glob_sorted(pattern: str) -> list[str]:
    """Newest major version first, comparing numerically (so 15 beats 9.6)."""
    import glob

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"postgresql/([\d.]+)/", path)
        return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)

    return sorted(glob.glob(pattern), key=version, reverse=True)


def _free_port() -> int:
    """A port that was free a moment ago; good enough for a private test server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account to run as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root but neither 'postgres' nor 'nobody' user exists")


def _base_dir(account: pwd.struct_passwd | None) -> str:
    """TMPDIR, unless the server account could not reach it (e.g. a root-only TMPDIR)."""
    base = tempfile.gettempdir()
    if account is None:
        return base
    for folder in (Path(base), *Path(base).parents):
        if not folder.stat().st_mode & 0o001:  # others may not traverse it
            return "/tmp"
    return base


@dataclass
class PostgresServer:
    """A running throwaway server; ``url`` connects as its superuser to the ``postgres`` db."""

    url: str
    data_dir: Path | None = None
    pg_ctl: Path | None = None
    account: pwd.struct_passwd | None = None
    root: Path | None = None

    def stop(self) -> None:
        """Stop the server (if we started it) and remove its directory."""
        if self.pg_ctl is not None and self.data_dir is not None:
            _run(
                [str(self.pg_ctl), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
                self.account,
                cwd=self.root,
                check=False,
            )
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def _run(
    cmd: list[str],
    account: pwd.struct_passwd | None,
    *,
    cwd: Path | None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool, dropping to ``account`` when we are root."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    if account is not None:
        env.update(HOME=str(cwd or "/"), USER=account.pw_name, LOGNAME=account.pw_name)
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
        extra_groups=[] if account else None,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def start_server() -> PostgresServer:
    """Use ``TEST_DATABASE_URL`` if set, else initdb + start a private cluster.

    Raises PostgresUnavailable when no binaries are installed.
    """
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        return PostgresServer(url=external)
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin "
            "(install it with: apt-get install -y postgresql)"
        )
    account = _server_account()
    root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=_base_dir(account)))
    try:
        data_dir, sock_dir, log = root / "data", root / "sock", root / "server.log"
        sock_dir.mkdir()
        if account is not None:
            for path in (root, sock_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
        _run(
            [
                str(bin_dir / "initdb"),
                "-D", str(data_dir),
                "-U", "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            account,
            cwd=root,
        )  # fmt: skip
        pg_ctl = bin_dir / "pg_ctl"
        server = PostgresServer(
            url="", data_dir=data_dir, pg_ctl=pg_ctl, account=account, root=root
        )
        port = _start(pg_ctl, data_dir, sock_dir, log, account, root)
        server.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return server
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _start(
    pg_ctl: Path,
    data_dir: Path,
    sock_dir: Path,
    log: Path,
    account: pwd.struct_passwd | None,
    root: Path,
) -> int:
    """Start on a free port, retrying if another process grabbed it in between."""
    last_error = ""
    for _attempt in range(5):
        port = _free_port()
        options = (
            f"-p {port} -k {sock_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        result = _run(
            [str(pg_ctl), "-D", str(data_dir), "-l", str(log), "-o", options, "-w", "-t", "60",
             "start"],
            account,
            cwd=root,
            check=False,
        )  # fmt: skip
        if result.returncode == 0:
            return port
        last_error = result.stdout + result.stderr
        with contextlib.suppress(OSError):
            last_error += "\n" + log.read_text(errors="replace")[-2000:]
        time.sleep(0.2)
    raise RuntimeError(f"could not start the test PostgreSQL server:\n{last_error}")


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Context manager form of ``start_server`` that always cleans up."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(dbname)))


def create_database(admin_url: str, dbname: str) -> str:
    """Create an empty database and return a URL for it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(dbname))
        )
    return with_database(admin_url, dbname)


def drop_database(admin_url: str, dbname: str) -> None:
    """Drop a test database even if a leaked connection still uses it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
