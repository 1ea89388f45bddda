"""The schema: migrations build it from empty on both engines, agree with the table definitions, run once even
when several processes open a new ledger at the same moment, and a newer schema than we know is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from edi.ledger import LedgerError, open_ledger
from edi.ledger._engine import HEAD_REVISION, VERSION_TABLE, alembic_config, create
from edi.ledger._schema import APPEND_ONLY, MUTABLE, metadata

WORKER = Path(__file__).with_name("worker.py")


class TestMigrations:
    def test_an_empty_database_gets_every_table_at_the_head_revision(self, db_url: str) -> None:
        """First use creates every table and records the newest revision."""
        with open_ledger(db_url) as ledger, ledger.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        assert set(metadata.tables) | {VERSION_TABLE} == tables
        assert HEAD_REVISION == revision

    def test_the_migrated_schema_matches_the_table_definitions(self, db_url: str) -> None:
        """Alembic's comparison finds nothing to change: _schema.py and the migrations say the same."""
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with open_ledger(db_url) as ledger, ledger.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), metadata)
        assert [] == diff

    def test_head_revision_is_the_newest_migration(self) -> None:
        from alembic.script import ScriptDirectory

        assert HEAD_REVISION == ScriptDirectory.from_config(alembic_config()).get_current_head()

    def test_opening_again_changes_nothing(self, db_url: str) -> None:
        open_ledger(db_url).close()
        with open_ledger(db_url) as ledger:
            assert ledger.status().rows["runs"] == 0

    def test_a_schema_newer_than_this_edi_is_refused(self, db_url: str) -> None:
        """A ledger upgraded by a newer edi is not touched by an older one."""
        open_ledger(db_url).close()
        engine = create(db_url)
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
        engine.dispose()
        with pytest.raises(LedgerError, match="revision 9999, which this version of edi does not know"):
            open_ledger(db_url)

    def test_every_table_but_the_counters_is_append_only(self) -> None:
        assert {"control_counters"} == MUTABLE
        assert set(APPEND_ONLY) == set(metadata.tables) - MUTABLE

    def test_three_processes_opening_a_new_ledger_at_once_all_succeed(self, db_url: str, tmp_path: Path) -> None:
        """The first use migrates under a lock: the others wait and find the schema ready."""
        go = tmp_path / "go"
        workers = [subprocess.Popen([sys.executable, str(WORKER), "open", db_url, str(go)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(3)]
        go.touch()
        results = [worker.communicate(timeout=120) for worker in workers]
        assert [(0, HEAD_REVISION)] * 3 == [(w.returncode, out.strip()) for w, (out, _) in zip(workers, results)], \
            [err for _, err in results]


class TestOpening:
    def test_a_sqlite_ledger_file_is_private_to_its_owner(self, tmp_path: Path) -> None:
        """It holds patients' names and birth dates."""
        open_ledger(str(tmp_path / "new.db")).close()
        assert 0o600 == (tmp_path / "new.db").stat().st_mode & 0o777

    def test_a_plain_path_and_edi_db_choose_the_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from edi.ledger import resolve_url

        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("EDI_DB", raising=False)
        assert f"sqlite:///{tmp_path}/edi.db" == resolve_url(None)
        monkeypatch.setenv("EDI_DB", "other.db")
        assert f"sqlite:///{tmp_path}/other.db" == resolve_url(None)
        assert "postgresql+psycopg://u@h/db" == resolve_url("postgresql+psycopg://u@h/db")

    def test_an_unreachable_server_is_one_line_naming_it_without_the_password(self) -> None:
        with pytest.raises(LedgerError) as caught:
            open_ledger("postgresql+psycopg://billing:s3cret@127.0.0.1:9/edi?connect_timeout=2")
        assert "cannot open the ledger" in str(caught.value) and "s3cret" not in str(caught.value)
        assert "127.0.0.1:9" in str(caught.value)

    def test_a_missing_folder_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(LedgerError, match="no folder"):
            open_ledger(str(tmp_path / "nope" / "edi.db"))

    def test_other_databases_are_refused_with_what_to_use(self) -> None:
        with pytest.raises(LedgerError, match="SQLite or PostgreSQL"):
            open_ledger("mysql://u@h/db")
