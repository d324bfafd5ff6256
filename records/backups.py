"""Backups of the database and the uploaded files, and restoring them (`manage.py backup` / `restore`).

SQLite is copied with its online backup API, so a backup taken while people work is consistent;
PostgreSQL with `pg_dump -Fc`, restored with `pg_restore` in one transaction. The uploaded files
(MEDIA_ROOT: attachments, generated reports) go into a tar.gz beside the database file.
"""

import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone
from django.utils.translation import gettext as _

SQLITE_SUFFIX = ".sqlite3"
POSTGRESQL_SUFFIX = ".dump"
MEDIA_SUFFIX = "-media.tar.gz"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in words for the operator."""


@dataclass
class Backup:
    database: Path
    media: Path | None


def back_up(directory: Path, alias: str = "default") -> Backup:
    """Write backup-YYYYmmdd-HHMMSS.sqlite3 (or .dump) and its -media.tar.gz into directory."""
    connection = connections[alias]
    directory.mkdir(parents=True, exist_ok=True)
    stem = "backup-" + timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "sqlite":
        database = directory / (stem + SQLITE_SUFFIX)
        write = _write_sqlite
    elif connection.vendor == "postgresql":
        database = directory / (stem + POSTGRESQL_SUFFIX)
        write = _write_pg_dump
    else:
        raise BackupError(_("Backups are not supported on %(vendor)s.") % {"vendor": connection.vendor})
    if database.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": database})
    # Written under a temporary name and renamed at the end: a file named backup-… is always complete.
    partial = database.with_name(database.name + ".part")
    # Owner-only from the first byte: a backup holds full ID numbers, password hashes and sessions.
    previous = os.umask(0o077)
    try:
        write(connection, partial)
        partial.replace(database)
        media = _write_media(directory / (stem + MEDIA_SUFFIX))
    finally:
        os.umask(previous)
        partial.unlink(missing_ok=True)
    return Backup(database, media)


def media_archive_for(database: Path) -> Path:
    """The media archive written together with this database backup."""
    return database.with_name(database.name.removesuffix(database.suffix) + MEDIA_SUFFIX)


def restore(database: Path, alias: str = "default") -> Backup:
    """Replace the database (and the uploaded files, when their archive is beside it) with a backup."""
    connection = connections[alias]
    if not database.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": database})
    if connection.in_atomic_block:
        raise BackupError(_("Cannot restore inside a transaction."))
    media = media_archive_for(database)
    if media.is_file():
        _check_media(media)  # before the database is touched: all or nothing
    if connection.vendor == "sqlite" and database.suffix == SQLITE_SUFFIX:
        _restore_sqlite(connection, database)
    elif connection.vendor == "postgresql" and database.suffix == POSTGRESQL_SUFFIX:
        _restore_pg_dump(connection, database)
    else:
        raise BackupError(
            _("%(path)s is not a backup of this %(vendor)s database.")
            % {"path": database, "vendor": connection.vendor}
        )
    if media.is_file():
        _restore_media(media)
        return Backup(database, media)
    return Backup(database, None)


def _write_sqlite(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _restore_sqlite(connection, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            checked = source.execute("PRAGMA integrity_check").fetchone()[0]
            has_migrations = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(
                _("%(path)s is not a readable backup: %(error)s") % {"path": path, "error": error}
            ) from None
        if checked != "ok" or not has_migrations:
            raise BackupError(
                _("%(path)s is not a readable backup: %(error)s") % {"path": path, "error": checked}
            )
        # Into the live database through Django's own connection: other processes keep theirs and see the
        # restored data at their next query, the backup API taking the locks it needs.
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _pg_command(connection, program: str, *options: str) -> tuple[list[str], dict[str, str]]:
    """program with the connection's host, port, user and password (PGPASSWORD), as psql would get them."""
    settings_dict = connection.settings_dict
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    connection_args = args[1:]
    if connection_args and connection_args[-1] == settings_dict["NAME"]:
        connection_args = connection_args[:-1]
    return [program, *connection_args, *options], {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client).")
            % {"program": command[0]}
        ) from None
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": command[0], "error": result.stderr.strip()}
        )


def _write_pg_dump(connection, path: Path) -> None:
    name = connection.settings_dict["NAME"]
    _run(*_pg_command(connection, "pg_dump", "--format=custom", "--file", str(path), "--dbname", name))


def _restore_pg_dump(connection, path: Path) -> None:
    # Our own connection holds no lock, but closed it cannot be in the way of DROP TABLE either.
    connection.close()
    name = connection.settings_dict["NAME"]
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", name, str(path)]
    _run(*_pg_command(connection, "pg_restore", *options))


def _write_media(path: Path) -> Path | None:
    media_root = Path(settings.MEDIA_ROOT)
    if not media_root.is_dir():
        return None
    partial = path.with_name(path.name + ".part")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _check_media(path: Path) -> None:
    destination = str(Path(settings.MEDIA_ROOT).resolve())
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                tarfile.data_filter(member, destination)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            _("%(path)s is not a readable backup: %(error)s") % {"path": path, "error": error}
        ) from None


def _restore_media(path: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
        archive.extractall(media_root, filter="data")
