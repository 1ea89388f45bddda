"""The ledger's tests run on both engines: a SQLite file per test, and a fresh schema per test on a PostgreSQL
server — $EDI_TEST_POSTGRES (bin/test sets it: the server at 127.0.0.1:5432, or a throwaway cluster it starts),
by default postgresql+psycopg://postgres@127.0.0.1:5432/test. Each test's schema has a unique name and is dropped
after it, so parallel runs never collide. Where no server answers, the PostgreSQL tests are skipped with the
reason — unless $EDI_TEST_POSTGRES_REQUIRED is set (bin/test sets it when it found or started one), and then
they fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from edi.ledger import Ledger, open_ledger

ENGINES = ["sqlite", "postgresql"]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("EDI_TEST_POSTGRES", DEFAULT_POSTGRES)
    if url.startswith("skip"):
        pytest.skip(f"PostgreSQL tests skipped: {url.partition(':')[2].strip() or 'EDI_TEST_POSTGRES=skip'}")
    import psycopg

    try:
        with psycopg.connect(_conninfo(url), connect_timeout=5):
            pass
    except psycopg.Error as exc:
        message = f"no PostgreSQL server at {url} ({str(exc).strip().splitlines()[0]}); bin/test starts one"
        if os.environ.get("EDI_TEST_POSTGRES_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def _conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema (dropped after the test)."""
    import psycopg

    schema = f"edi_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo(postgres_server), autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(_conninfo(postgres_server), autocommit=True) as admin:
        admin.execute("SET lock_timeout = '20s'")
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """An empty ledger's URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/edi.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:

    with open_ledger(db_url) as opened:
        yield opened
