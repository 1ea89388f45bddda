"""The cycle's tests run on SQLite and PostgreSQL, with the ledger tests' server fixtures (tests/ledger/conftest.py)."""

from tests.ledger.conftest import db_url, ledger, postgres_server, postgres_url  # noqa: F401
