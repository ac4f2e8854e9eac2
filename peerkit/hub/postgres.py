"""A PostgreSQL cluster of the class's own, in a folder, for one machine (and the tests).

``initdb`` refuses to run as root, so as root the cluster belongs to an unprivileged
user (``nobody``) and its commands run as that user. It listens on a Unix socket in
the folder only (no TCP port), and every role needs a password
(``scram-sha-256``), so no other process on the machine can sign in without one.

Three roles: ``postgres`` (the superuser; only this module uses it, to make the
other two), ``peerkit_owner`` (owns the ``peerkit`` database and its tables) and
``peerkit_app`` (what the hub service does its work as: it owns nothing, so
row-level security always applies to it; peerkit/store/postgres.py).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from peerkit.errors import PeerkitError

DATABASE = "peerkit"
OWNER_ROLE = "peerkit_owner"
APP_ROLE = "peerkit_app"
SUPERUSER = "postgres"
RUN_AS_WHEN_ROOT = "nobody"
PASSWORDS_FILE = "passwords.json"
INSTALL_HINT = "Install PostgreSQL (on Debian: apt-get install postgresql)."


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps each version apart)."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PeerkitError(f"PostgreSQL's pg_ctl was not found. {INSTALL_HINT}")
    return versions[-1].parent


@dataclass
class LocalPostgres:
    """A cluster in ``folder``: ``data/`` (the cluster), ``run/`` (its socket), passwords."""

    folder: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "run"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    @property
    def _passwords_path(self) -> Path:
        return self.folder / PASSWORDS_FILE

    def _run_as(self) -> str | None:
        return RUN_AS_WHEN_ROOT if os.geteuid() == 0 else None

    def _command(self, *args: str) -> list[str]:
        user = self._run_as()
        return ["runuser", "-u", user, "--", *args] if user else list(args)

    def _hand_over(self, path: Path) -> None:
        user = self._run_as()
        if user:
            entry = pwd.getpwnam(user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _check_reachable(self) -> None:
        """As root, the cluster's user must be able to pass through every parent folder."""
        user = self._run_as()
        if not user:
            return
        for parent in self.folder.resolve().parents:
            if not parent.stat().st_mode & 0o001:
                raise PeerkitError(
                    f"PostgreSQL runs as {user}, who cannot enter {parent}: keep the class's "
                    "data in a folder whose parent folders anyone may pass through (for "
                    "example under /var/tmp or the course's checkout)."
                )

    def passwords(self) -> dict[str, str]:
        """The roles' passwords, made at the first start and kept (mode 0600)."""
        if self._passwords_path.exists():
            return dict(json.loads(self._passwords_path.read_text(encoding="utf-8")))
        made = {role: secrets.token_urlsafe(24) for role in (SUPERUSER, OWNER_ROLE, APP_ROLE)}
        fd = os.open(self._passwords_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(made, file)
        return made

    def url(self, role: str, database: str = DATABASE) -> str:
        """The SQLAlchemy URL for ``role`` (psycopg over the folder's socket)."""
        password = quote(self.passwords()[role], safe="")
        return f"postgresql+psycopg://{role}:{password}@/{database}?host={self.socket_dir}"

    def initialise(self) -> bool:
        """Make the cluster if there is none yet; True if it was made now."""
        if (self.data / "PG_VERSION").exists():
            return False
        bin_dir = find_bin_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._check_reachable()
        # Others may pass through (to reach data/ and run/) but not list or read it.
        os.chmod(self.folder, 0o711)
        for folder in (self.socket_dir, self.data):
            folder.mkdir(mode=0o700, exist_ok=True)
            self._hand_over(folder)
        pwfile = self.folder / "initdb-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(self.passwords()[SUPERUSER])
        self._hand_over(pwfile)
        try:
            subprocess.run(
                self._command(
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ),
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            raise PeerkitError(f"initdb failed: {exc.stderr.strip()[-400:]}") from None
        finally:
            pwfile.unlink(missing_ok=True)
        return True

    def start(self) -> None:
        """Start the cluster (waiting until it accepts connections)."""
        bin_dir = find_bin_dir()
        self.log_file.touch()
        self._hand_over(self.log_file)
        options = f"-c listen_addresses='' -k {self.socket_dir}"
        try:
            subprocess.run(
                self._command(
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ),
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            raise PeerkitError(
                f"PostgreSQL did not start: {exc.stdout.strip()[-300:]} (see {self.log_file})"
            ) from None

    def stop(self) -> None:
        """Stop the cluster if it runs (fast: open transactions are rolled back)."""
        if not (self.data / "postmaster.pid").exists():
            return
        subprocess.run(
            self._command(
                str(find_bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
            ),
            check=False,
            capture_output=True,
        )

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_class_database(self) -> None:
        """The two roles and the database, if missing; the app role may only connect."""
        import psycopg
        from psycopg import sql

        passwords = self.passwords()
        with psycopg.connect(
            host=str(self.socket_dir),
            user=SUPERUSER,
            password=passwords[SUPERUSER],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            for role in (OWNER_ROLE, APP_ROLE):
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                verb = "ALTER" if exists.fetchone() else "CREATE"
                conn.execute(
                    sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEROLE PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(passwords[role])
                    )
                )
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if not found.fetchone():
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(DATABASE), sql.Identifier(OWNER_ROLE)
                    )
                )
            conn.execute(
                sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(DATABASE))
            )
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(APP_ROLE)
                )
            )
        # Tables the owner makes later are not the public's either.
        with psycopg.connect(
            host=str(self.socket_dir),
            user=OWNER_ROLE,
            password=passwords[OWNER_ROLE],
            dbname=DATABASE,
            autocommit=True,
        ) as conn:
            conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            conn.execute(
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(APP_ROLE))
            )
