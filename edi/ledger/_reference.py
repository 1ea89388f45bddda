"""Reference data in the ledger: the provider-enrollment roster and CMS's code tables (NCCI PTP, MUE, add-on).

Each file is loaded whole, in one transaction, as a *load* (kind, quarter, source file by SHA-256); loading the
same file again is a no-op. Nothing is replaced in place: lookups read

- code tables: the loads of the newest quarter of that kind (CMS ships PTP in several files per quarter, and each
  quarter's files carry the deleted edits with their deletion dates, so the newest quarter answers for past
  dates too);
- the roster: for each payer, the newest load that names the payer — a roster file is the whole truth for the
  payers in it (an enrollment left out of a newer file is no longer there).

An edit is in effect from its effective date through its deletion date (inclusive; CMS's quarterly deletions
fall on a quarter's last day). Rows arrive as small values (:class:`PtpRow`, :class:`MueRow`, :class:`AddonRow`,
:class:`EnrollmentRow`) from whatever parser read CMS's or a roster's format: ``load_rows`` is that seam.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Table, and_, func, or_, select

from edi.errors import EdiError
from edi.ledger import _schema as t
from edi.ledger._bulk import bulk_insert
from edi.ledger._journal import CHUNK, Journal, _chunks, _dialect_insert
from edi.ledger._records import EnrollmentCheck, Source
from edi.ledger._types import utc_now

Kind = Literal["ncci-ptp", "mue", "addon", "enrollment"]
KINDS: tuple[Kind, ...] = ("ncci-ptp", "mue", "addon", "enrollment")
_QUARTER = re.compile(r"(19|20)\d\dQ[1-4]")
_CODE = re.compile(r"[A-Z0-9]{5}")
_NPI = re.compile(r"\d{10}")


@dataclass(frozen=True, slots=True)
class PtpRow:
    """An NCCI procedure-to-procedure edit: ``column_2`` is not paid with ``column_1`` (same patient, provider and
    date) unless ``modifier_indicator`` is 1 and an NCCI-associated modifier is reported; 0 never; 9 not an edit."""

    column_1: str
    column_2: str
    effective_from: date
    modifier_indicator: str
    deleted_on: date | None = None
    setting: str = "practitioner"            # practitioner | hospital
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class MueRow:
    """A medically unlikely edit: at most ``max_units`` of ``code`` per line (MAI 1) or per day (MAI 2, 3)."""

    code: str
    max_units: int
    adjudication_indicator: int
    setting: str = "practitioner"            # practitioner | hospital | dme
    rationale: str | None = None
    effective_from: date | None = None
    deleted_on: date | None = None


@dataclass(frozen=True, slots=True)
class AddonRow:
    """An add-on code edit: ``addon_code`` is paid only with one of its primary codes (type 1; type 3 lists some
    primaries, others may apply; type 2 lists none: ``primary_code`` None)."""

    addon_code: str
    edit_type: int
    effective_from: date
    primary_code: str | None = None
    deleted_on: date | None = None


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    """A provider (NPI) enrolled with a payer from ``effective_from`` through ``effective_to`` (None: open)."""

    npi: str
    payer_id: str
    effective_from: date
    effective_to: date | None = None
    tax_id: str | None = None
    name: str | None = None


Row = PtpRow | MueRow | AddonRow | EnrollmentRow
_TABLES: dict[str, tuple[Table, type]] = {"ncci-ptp": (t.ncci_ptp, PtpRow), "mue": (t.mue, MueRow),
                                          "addon": (t.addon_codes, AddonRow),
                                          "enrollment": (t.provider_enrollments, EnrollmentRow)}


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A load: ``new`` False when this file was loaded before (``loaded_at`` then says when, and nothing was
    added); ``rows`` counts the rows of the load."""

    load_id: int
    kind: str
    quarter: str | None
    source: Source
    rows: int
    new: bool
    loaded_at: datetime


def load_rows(journal: Journal, kind: str, rows: Iterable[Row], source: Source, quarter: str | None) -> LoadResult:
    """Load one file's rows as a new load of ``kind`` (all or nothing: the journal's transaction)."""
    if kind not in _TABLES:
        raise EdiError(f"{kind!r}: the ledger loads {', '.join(KINDS)}")
    table, row_type = _TABLES[kind]
    if kind == "enrollment":
        quarter = None
    elif quarter is None or not _QUARTER.fullmatch(quarter):
        raise EdiError(f"{source.name}: give the CMS quarter the file is for as YYYYQn, e.g. 2025Q3 "
                       f"(got {quarter!r})")
    conn = journal.conn
    source_id = journal.source_ids([source])[source.sha256]
    now = utc_now()
    load_id = conn.execute(_dialect_insert(conn, t.reference_loads).values(
        kind=kind, quarter=quarter, source_id=source_id, run_id=journal.run_id, recorded_at=now,
    ).on_conflict_do_nothing(index_elements=["kind", "source_id"]).returning(t.reference_loads.c.id)).scalar()
    if load_id is None:
        loads = t.reference_loads
        earlier = conn.execute(select(loads.c.id, loads.c.quarter, loads.c.recorded_at).where(
            loads.c.kind == kind, loads.c.source_id == source_id)).one()
        count = conn.execute(select(func.count()).select_from(table).where(table.c.load_id == earlier.id)).scalar()
        return LoadResult(earlier.id, kind, earlier.quarter, source, count or 0, False, earlier.recorded_at)
    count = 0
    for chunk in _chunks(rows, CHUNK):
        values = []
        for row in chunk:
            count += 1
            if not isinstance(row, row_type):
                raise EdiError(f"{source.name}: row {count}: a {kind} load takes {row_type.__name__} rows, "
                               f"not {type(row).__name__}")
            values.append(_checked(row, kind, f"{source.name}: row {count}") | {"load_id": load_id})
        bulk_insert(conn, table, values)
    return LoadResult(load_id, kind, quarter, source, count, True, now)


_PROBLEMS: dict[str, Any] = {   # kind → does this row break a rule the columns cannot state?
    "ncci-ptp": lambda v: v["modifier_indicator"] not in ("0", "1", "9"),
    "mue": lambda v: not isinstance(v["max_units"], int) or v["adjudication_indicator"] not in (1, 2, 3),
    "addon": lambda v: v["edit_type"] not in (1, 2, 3) or (v["primary_code"] is not None
                                                            and not _CODE.fullmatch(v["primary_code"])),
    "enrollment": lambda v: not _NPI.fullmatch(v["npi"] or "") or not v["payer_id"],
}


def _checked(row: Any, kind: str, where: str) -> dict[str, Any]:
    """The row as column values, after the checks that keep nonsense out of the tables."""
    values = {name: getattr(row, name) for name in row.__slots__}
    codes = {"ncci-ptp": ("column_1", "column_2"), "mue": ("code",), "addon": ("addon_code",)}.get(kind, ())
    for name in codes:
        if not _CODE.fullmatch(values[name] or ""):
            raise EdiError(f"{where}: {name} {values[name]!r} is not a 5-character CPT/HCPCS code")
    if _PROBLEMS[kind](values):
        raise EdiError(f"{where}: not a valid {kind} row: {row}")
    # a roster is typed by people: an end before the start is a typo. CMS marks an edit deleted retroactively by
    # its dates (never in effect), so code rows are stored as they come.
    start, end = values.get("effective_from"), values.get("effective_to")
    if kind == "enrollment" and end is not None and end < start:
        raise EdiError(f"{where}: ends ({end}) before it starts ({start})")
    return values


# ---------------------------------------------------------------- lookups


def newest_quarter(conn: Connection, kind: str) -> str | None:
    loads = t.reference_loads
    return conn.execute(select(func.max(loads.c.quarter)).where(loads.c.kind == kind)).scalar()


def _current_loads(kind: str) -> Any:
    loads = t.reference_loads
    newest = select(func.max(loads.c.quarter)).where(loads.c.kind == kind).scalar_subquery()
    return select(loads.c.id).where(loads.c.kind == kind, loads.c.quarter == newest)


def _in_effect(table: Table, on: date, start: str = "effective_from", end: str = "deleted_on") -> Any:
    return and_(or_(table.c[start].is_(None), table.c[start] <= on), or_(table.c[end].is_(None), table.c[end] >= on))


def ptp_edits(conn: Connection, codes: Iterable[str], on: date, setting: str = "practitioner") -> list[PtpRow]:
    """The PTP edits in effect on ``on`` between any two of ``codes`` (both columns among them)."""
    wanted = sorted(set(codes))
    p = t.ncci_ptp
    rows = conn.execute(select(p.c.column_1, p.c.column_2, p.c.effective_from, p.c.modifier_indicator,
                               p.c.deleted_on, p.c.setting, p.c.rationale).where(
        p.c.load_id.in_(_current_loads("ncci-ptp")), p.c.setting == setting, p.c.column_1.in_(wanted),
        p.c.column_2.in_(wanted), _in_effect(p, on)))
    return [PtpRow(*row) for row in rows]


def mue_for(conn: Connection, code: str, on: date, setting: str = "practitioner") -> MueRow | None:
    """The MUE of ``code`` in the newest quarter loaded (None when it has none)."""
    m = t.mue
    row = conn.execute(select(m.c.code, m.c.max_units, m.c.adjudication_indicator, m.c.setting, m.c.rationale,
                              m.c.effective_from, m.c.deleted_on).where(
        m.c.load_id.in_(_current_loads("mue")), m.c.code == code, m.c.setting == setting, _in_effect(m, on))
        .order_by(m.c.id.desc())).first()
    return MueRow(*row) if row else None


def addon_edits(conn: Connection, addon_code: str, on: date) -> list[AddonRow]:
    """The add-on edit rows of ``addon_code`` in effect on ``on`` (empty: not an add-on code we know)."""
    a = t.addon_codes
    rows = conn.execute(select(a.c.addon_code, a.c.edit_type, a.c.effective_from, a.c.primary_code, a.c.deleted_on)
                        .where(a.c.load_id.in_(_current_loads("addon")), a.c.addon_code == addon_code,
                               _in_effect(a, on)))
    return [AddonRow(*row) for row in rows]


Spans = tuple[tuple[date, date | None], ...] | None   # None: no roster names the payer


def enrollment(conn: Connection, npi: str, payer_id: str, on: date) -> EnrollmentCheck:
    """Whether ``npi`` is enrolled with ``payer_id`` on ``on``, by the newest roster that names the payer."""
    return judge_enrollment(npi, payer_id, on, enrollment_spans(conn, npi, payer_id))


def enrollment_spans(conn: Connection, npi: str, payer_id: str) -> Spans:
    """The enrollment spans of ``npi`` with ``payer_id`` in the newest roster that names the payer (None: none
    does) — asked once, they answer for every date (a batch asks about the same providers again and again)."""
    e = t.provider_enrollments
    newest = conn.execute(select(func.max(e.c.load_id)).where(e.c.payer_id == payer_id)).scalar()
    if newest is None:
        return None
    return tuple((start, end) for start, end in conn.execute(select(e.c.effective_from, e.c.effective_to).where(
        e.c.load_id == newest, e.c.payer_id == payer_id, e.c.npi == npi).order_by(e.c.effective_from)))


def judge_enrollment(npi: str, payer_id: str, on: date, spans: Spans) -> EnrollmentCheck:
    if spans is None:
        return EnrollmentCheck(npi, payer_id, on, False, False, f"no enrollment roster names payer {payer_id}")
    for start, end in spans:
        if start <= on and (end is None or on <= end):
            return EnrollmentCheck(npi, payer_id, on, True, True, f"enrolled from {start}"
                                   + (f" through {end}" if end else ""))
    if not spans:
        return EnrollmentCheck(npi, payer_id, on, False, True, f"NPI {npi} is not on payer {payer_id}'s roster")
    described = "; ".join(f"{start} through {end or 'open'}" for start, end in spans)
    return EnrollmentCheck(npi, payer_id, on, False, True,
                           f"NPI {npi} is enrolled with payer {payer_id} {described}, not on {on}")
