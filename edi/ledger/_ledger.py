"""The ledger as one object: open it (migrating on first use), write in transactions, ask it questions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from edi.ledger import _counters, _queries, _reference
from edi.ledger import _schema as t
from edi.ledger._engine import HEAD_REVISION, LedgerError, create, display_url, ensure_schema, resolve_url
from edi.ledger._journal import Journal
from edi.ledger._records import (
    ClaimLineRef,
    ClaimStatus,
    DuplicateClaim,
    EnrollmentCheck,
    Source,
    SubmissionRef,
)
from edi.ledger._reference import AddonRow, LoadResult, MueRow, PtpRow, Row


@dataclass(frozen=True, slots=True)
class LedgerStatus:
    """What ``edi ledger status`` shows: where, which schema, how many rows, which reference data is loaded."""

    url: str
    revision: str
    rows: dict[str, int]
    quarters: dict[str, str | None]


class Ledger:
    """The claims ledger on one database. Use :func:`open_ledger`; close it (or use ``with``) when done."""

    revision = HEAD_REVISION   # opened ledgers are migrated to it

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = display_url(str(engine.url))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ writing
    @contextmanager
    def transaction(self, run: str | None = None) -> Iterator[Journal]:
        """One database transaction: everything recorded through the journal is committed together when the
        block ends, or nothing is (an exception, a killed process). ``run`` names the command (``"claims build"``)
        and adds a run row that the journal's rows point to."""
        with self._errors(), self.engine.begin() as conn:
            journal = Journal(conn)
            if run is not None:
                journal.start_run(run)
            yield journal

    def reserve(self, counter: str, n: int, *, sender: str, receiver: str, run_id: int | None = None) -> range:
        """``n`` control numbers of ``counter`` (interchange, group, transaction) for the sender–receiver pair,
        never handed out before; committed before returning, so a failed build leaves a gap, never a reuse."""
        return self.reserve_block({counter: n}, sender=sender, receiver=receiver, run_id=run_id)[counter]

    def reserve_block(self, counts: Mapping[str, int], *, sender: str, receiver: str,
                      run_id: int | None = None) -> dict[str, range]:
        """Several counters of a pair at once (one transaction): e.g. ``{"interchange": 1, "group": 2,
        "transaction": 40}``."""
        with self._errors(), self.engine.begin() as conn:
            return _counters.reserve_block(conn, counts, sender, receiver, run_id)

    def load_rows(self, kind: str, rows: Iterable[Row], source: Source, quarter: str | None = None) -> LoadResult:
        """Load a code table (``ncci-ptp``, ``mue``, ``addon``, with its CMS ``quarter``) or an enrollment roster
        (``enrollment``) from parsed rows, in one transaction; the same file again is a no-op."""
        with self.transaction(run=f"{kind} load") as journal:
            return _reference.load_rows(journal, kind, rows, source, quarter)

    # ------------------------------------------------------------ asking
    def find_duplicates(self, keys: Iterable[_queries.ServiceKey]) -> dict[_queries.ServiceKey, list[DuplicateClaim]]:
        """For each (patient, provider, date, procedure): the claim lines already submitted and not denied."""
        with self._read() as conn:
            return _queries.find_duplicates(conn, keys)

    def duplicate_claims(self, patient: str, provider: str, dos: date, procedure: str) -> list[DuplicateClaim]:
        """Claim lines already submitted for this patient (account key), provider (NPI), date of service and
        procedure, whose claim was not denied, rejected, voided or replaced."""
        key = _queries.ServiceKey(patient, provider, dos, procedure)
        return self.find_duplicates([key])[key]

    def enrollment(self, npi: str, payer_id: str, on: date) -> EnrollmentCheck:
        with self._read() as conn:
            return _reference.enrollment(conn, npi, payer_id, on)

    def enrollment_spans(self, npi: str, payer_id: str) -> _reference.Spans:
        """The spans ``enrollment`` judges a date by (None: no roster names the payer); judge them with
        ``edi.ledger._reference.judge_enrollment``."""
        with self._read() as conn:
            return _reference.enrollment_spans(conn, npi, payer_id)

    def is_enrolled(self, npi: str, payer_id: str, on: date) -> bool:
        """True when the newest roster naming ``payer_id`` has ``npi`` enrolled on ``on``."""
        return self.enrollment(npi, payer_id, on).enrolled

    def submissions_for_claim(self, patient_control_number: str) -> list[SubmissionRef]:
        with self._read() as conn:
            return _queries.submissions_for_claim(conn, patient_control_number)

    def open_submissions(self, patient_control_numbers: Iterable[str]) -> dict[str, list[SubmissionRef]]:
        """Per CLM01: where its claims still open at the payer (not denied, rejected, voided, replaced) were sent,
        newest first; a CLM01 not in the answer was never sent, or only in claims no longer open."""
        with self._read() as conn:
            return _queries.open_submissions(conn, patient_control_numbers)

    def file_submitted(self, sha256: str) -> bool:
        """Whether an interchange file with this SHA-256 was recorded as sent."""
        with self._read() as conn:
            return _queries.file_submitted(conn, sha256)

    def claims_by_line_control_number(self, line_control_number: str) -> list[ClaimLineRef]:
        with self._read() as conn:
            return _queries.claims_by_line_control_number(conn, line_control_number)

    def claim_status(self, claim_id: int) -> ClaimStatus | None:
        with self._read() as conn:
            return _queries.claim_status(conn, claim_id)

    def ptp_edits(self, codes: Iterable[str], on: date, setting: str = "practitioner") -> list[PtpRow]:
        with self._read() as conn:
            return _reference.ptp_edits(conn, codes, on, setting)

    def mue(self, code: str, on: date, setting: str = "practitioner") -> MueRow | None:
        with self._read() as conn:
            return _reference.mue_for(conn, code, on, setting)

    def addon_edits(self, addon_code: str, on: date) -> list[AddonRow]:
        with self._read() as conn:
            return _reference.addon_edits(conn, addon_code, on)

    def status(self) -> LedgerStatus:
        with self._read() as conn:
            rows = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in t.metadata.tables.items()}
            quarters = {kind: _reference.newest_quarter(conn, kind) for kind in _reference.KINDS
                        if kind != "enrollment"}
        return LedgerStatus(self.url, HEAD_REVISION, rows, quarters)

    # ------------------------------------------------------------ plumbing
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._errors(), self.engine.connect().execution_options(edi_read_only=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database errors become one line naming the ledger (an append-only refusal says so)."""
        try:
            yield
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise LedgerError(f"{self.url}: {reason}") from exc


def open_ledger(db: str | None = None, *, existing: bool = False) -> Ledger:
    """The ledger at ``db`` (a URL or a SQLite file path), else ``$EDI_DB``, else ``edi.db`` here; the schema is
    created or upgraded on first use. ``existing``: for commands that only read it — a SQLite file that is not
    there is an error (a mistyped --db would otherwise be created and read as an empty ledger)."""
    url = resolve_url(db)
    if existing:
        _must_exist(url)
    engine = create(url)
    try:
        ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Ledger(engine)


def _must_exist(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return                               # create() says what is wrong with it
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if not Path(parsed.database).exists():
        raise LedgerError(f"{parsed.database}: no ledger there; give the one your commands wrote with --db (or "
                          "EDI_DB), or create one with edi ledger init")
