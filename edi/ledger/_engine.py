"""Opening the ledger: which database (a SQLite file by default, PostgreSQL by URL), how each engine is set up so
concurrent writers are safe, and the schema brought up to date on first use.

SQLite: Python's sqlite3 driver would start transactions lazily (and not at all before DDL); we take over and
begin every writing transaction with ``BEGIN IMMEDIATE``, which takes SQLite's write lock at once, so two
processes reserving control numbers are serialized by the database, not by luck. A busy writer is waited for (up
to 60 s) rather than failed. Write-ahead logging lets readers go on while one process writes. A new ledger file
is created readable by its owner only: it holds patients' names and dates of birth.

PostgreSQL (``postgresql+psycopg://user@host/db``): row locks (``SELECT … FOR UPDATE``) serialize counters; the
first migration runs under an advisory lock so two first uses do not both create the tables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from edi.errors import EdiError
from edi.logging import get_logger

DEFAULT_FILE = "edi.db"
ENV_VAR = "EDI_DB"
HEAD_REVISION = "0002"          # the newest migration under migrations/versions (a test checks it)
VERSION_TABLE = "edi_schema_version"
_MIGRATION_LOCK = 0x6564_6930   # pg_advisory_xact_lock key while migrating ("edi0")
_BUSY_TIMEOUT_S = 60



class LedgerError(EdiError):
    """The ledger cannot be opened or refuses a change (append-only), named by its URL (without password)."""


def resolve_url(db: str | None = None) -> str:
    """The database URL: ``db``, else ``$EDI_DB``, else ``edi.db`` in the current folder. A value without
    ``://`` is a SQLite file path."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_FILE
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().absolute()}"


def display_url(url: str) -> str:
    """The URL as messages show it: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def create(url: str) -> Engine:
    """An engine for ``url`` with the ledger's connection set-up (not yet migrated)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerError(f"{url!r}: not a database URL; give a SQLite file path or e.g. "
                          "postgresql+psycopg://user@127.0.0.1:5432/db") from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")   # psycopg 3 is what we ship, not psycopg2
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        if parsed.get_backend_name() == "postgresql":
            return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as exc:
        raise LedgerError(f"{display_url(url)}: {exc}") from None
    raise LedgerError(f"{display_url(url)}: the ledger runs on SQLite or PostgreSQL (postgresql+psycopg://…)")


def _sqlite_engine(url: Any) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        if not path.parent.is_dir():
            raise LedgerError(f"{path}: no folder {path.parent} for the ledger file")
        try:   # create it private before SQLite does (it would use the umask, often world-readable)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None      # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a committed reservation survives a power cut
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = "DEFERRED" if connection.get_execution_options().get("edi_read_only") else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def ensure_schema(engine: Engine) -> str:
    """Bring the schema to ``HEAD_REVISION`` (creating it in an empty database); returns the revision found
    before. Safe when several processes open a new ledger at once: the check is repeated under a lock."""
    try:
        with engine.connect().execution_options(edi_read_only=True) as conn:
            found = _revision(conn)
        if found == HEAD_REVISION:
            return found
        with engine.begin() as conn:                 # SQLite: BEGIN IMMEDIATE holds the write lock
            if conn.dialect.name == "postgresql":
                conn.execute(select(text(f"pg_advisory_xact_lock({_MIGRATION_LOCK})")))
            found = _revision(conn)
            if found != HEAD_REVISION:
                _check_known(found, engine)
                _upgrade(conn)
                get_logger(__name__).info("ledger.migrated", from_revision=found, to_revision=HEAD_REVISION)
        return found or ""
    except DBAPIError as exc:
        raise LedgerError(f"{display_url(str(engine.url))}: cannot open the ledger: "
                          f"{str(exc.orig).strip().splitlines()[0]}") from None


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _check_known(found: str | None, engine: Engine) -> None:
    if found is None:
        return
    from alembic.script import ScriptDirectory

    if found not in {script.revision for script in ScriptDirectory(str(migrations_dir())).walk_revisions()}:
        raise LedgerError(f"{display_url(str(engine.url))}: the ledger's schema is revision {found}, which this "
                          f"version of edi does not know (it knows up to {HEAD_REVISION}); upgrade edi")


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(conn: Connection | None = None) -> Any:
    """Alembic's configuration for our packaged migrations, bound to ``conn`` (env.py reads it)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = conn
    return config


def _upgrade(conn: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(conn), HEAD_REVISION)
