"""What edits look things up in: the date the scrub runs as of, the payers' profiles, the code tables (edi.codes)
and, when there is one, the ledger (enrollment, claims already submitted, CMS's NCCI files loaded with
``edi codes load``). Edits never open files or databases themselves.

    refs = References.for_run(date.today(), ledger=ledger)      # profiles from mappings/payers/
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edi.claims.scrub._profiles import DEFAULT, ScrubProfile, load_scrub_profiles
from edi.codes import AddOnEdit, AddOnRule, MueEdit, NcciTables, PtpEdit, ncci_tables

if TYPE_CHECKING:
    from edi.ledger import Ledger, ServiceKey


class BatchMemory:
    """What the encounters going out in this batch bill, for the batch's later encounters (duplicates, MUE units
    per day): each service — (patient, provider, date of service, procedure) — with the first encounter billing it
    and the units billed of codes with a per-day MUE. Compact, since a batch may hold millions of lines (~130 bytes
    a service, ~230 with units; as tuples and Decimals it took ~700): a service is remembered by its 64-bit hash
    (two services of a million colliding has odds of about 1 in 30 million), each encounter id once, units as
    integer thousandths."""

    __slots__ = ("_first", "_ids", "_units")

    def __init__(self) -> None:
        self._first: dict[int, int] = {}         # service hash → index in _ids
        self._ids: list[str] = []                # encounter ids, each once
        self._units: dict[int, int | Decimal] = {}   # service hash → units × 1000 (a Decimal when not whole)

    def __len__(self) -> int:
        return len(self._first)

    def add(self, service: tuple[Any, ...], encounter: str, units: Decimal | None) -> None:
        """Remember that ``encounter`` bills ``service``; ``units`` only where a per-day limit counts them."""
        key = hash(service)
        if key not in self._first:
            if not self._ids or self._ids[-1] != encounter:
                self._ids.append(encounter)
            self._first[key] = len(self._ids) - 1
        if units is None:
            return
        scaled = units * 1000
        whole = int(scaled) if scaled == scaled.to_integral_value() else scaled
        self._units[key] = self._units.get(key, 0) + whole

    def first(self, service: tuple[Any, ...]) -> str | None:
        """The first encounter of the batch that bills the service, if one does."""
        at = self._first.get(hash(service))
        return None if at is None else self._ids[at]

    def units(self, service: tuple[Any, ...]) -> Decimal:
        """The units of the service billed so far in the batch."""
        return Decimal(self._units.get(hash(service), 0)) / 1000


@dataclass
class References:
    as_of: date                                   # "today" for timely filing and coverage (fixed in tests)
    ledger: Ledger | None = None                  # enrollment roster, submitted claims, loaded CMS tables
    profiles: dict[str, Any] = field(default_factory=dict)   # payer id → its ScrubProfile (mappings/payers/)
    batch: BatchMemory = field(default_factory=lambda: BatchMemory())   # the services that go out in this batch
    ncci: NcciTables | None = None                # NCCI PTP/MUE/add-on tables; None: the shipped extract
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)   # ledger answers already asked for
    rules: dict[str, Any] = field(default_factory=dict)       # payer id → its SNIP 7 PayerProfile ([rules])

    @classmethod
    def for_run(cls, as_of: date | None = None, ledger: Ledger | None = None, *, payers: Path | None = None,
                ncci: NcciTables | None = None) -> References:
        """References for one scrub run: every payer profile in ``payers`` (default ``mappings/payers``, or
        ``$EDI_MAPPINGS/payers``), checked (a bad file raises MappingError naming file and key), ``as_of`` today
        unless given."""
        from edi.claims.scrub._edit import EDITS
        from edi.validate.profiles import load_profiles, payers_dir

        folder = payers or payers_dir()
        profiles = load_scrub_profiles(folder, EDITS)
        rules = {payer_id: p for p in load_profiles(folder) for payer_id in p.ids}
        return cls(as_of or date.today(), ledger, profiles, ncci=ncci, rules=rules)

    # -- payer profiles ---------------------------------------------------------------------------------------
    def profile(self, payer_id: str) -> ScrubProfile:
        found = self.profiles.get(payer_id)
        return found if isinstance(found, ScrubProfile) else DEFAULT

    def every_claim_needs_authorization(self, payer_id: str) -> bool:
        """The payer wants a prior authorization on every claim: its [scrub] says so, or its SNIP 7 [rules] require
        2300 REF*G1."""
        rules = self.rules.get(payer_id)
        required = rules is not None and any((r.loop, r.segment, r.qualifier) == ("2300", "REF", "G1")
                                             for r in rules.required_segments)
        return required or self.profile(payer_id).prior_authorization_every_claim

    # -- NCCI: the ledger's loaded CMS quarter when there is one, else the shipped extract (or a test's tables) --
    @property
    def tables(self) -> NcciTables:
        return self.ncci if self.ncci is not None else ncci_tables()

    def quarter(self, kind: str) -> str | None:
        """The newest CMS quarter of ``kind`` loaded into the ledger (None: none, or no ledger)."""
        if self.ledger is None:
            return None
        key = ("quarter", kind)
        if key not in self.cache:
            self.cache[key] = self.ledger.status().quarters.get(kind)
        return self.cache[key]

    def ptp(self, codes: tuple[str, ...], on: date) -> list[PtpEdit]:
        """The PTP edits in effect on ``on`` between any two of ``codes`` (indicator 9 left out)."""
        quarter = self.quarter("ncci-ptp")
        if quarter is not None and self.ledger is not None:
            key = ("ptp", tuple(sorted(set(codes))), on)
            if key not in self.cache:
                self.cache[key] = [PtpEdit(r.column_1, r.column_2, r.effective_from, r.deleted_on,
                                           int(r.modifier_indicator), r.rationale or "", "ledger", quarter)
                                   for r in self.ledger.ptp_edits(codes, on) if r.modifier_indicator != "9"]
            return list(self.cache[key])
        tables = self.tables
        return [e for a in codes for b in codes if a != b for e in [tables.ncci_pair(a, b, on)] if e is not None]

    def mue(self, code: str, on: date) -> MueEdit | None:
        quarter = self.quarter("mue")
        if quarter is not None and self.ledger is not None:
            key = ("mue", code, on)
            if key not in self.cache:
                row = self.ledger.mue(code, on)
                self.cache[key] = None if row is None else MueEdit(
                    row.code, row.max_units, row.adjudication_indicator, row.rationale or "",
                    row.effective_from or date.min, "ledger", quarter)
            found: MueEdit | None = self.cache[key]
            return found
        return self.tables.mue(code, on)

    def addon(self, code: str, on: date) -> AddOnRule | None:
        quarter = self.quarter("addon")
        if quarter is not None and self.ledger is not None:
            key = ("addon", code, on)
            if key not in self.cache:
                rows = self.ledger.addon_edits(code, on)
                edits = tuple(AddOnEdit(r.addon_code, r.primary_code or "CCCCC", r.edit_type, r.effective_from,
                                        r.deleted_on, "ledger", quarter) for r in rows)
                self.cache[key] = None if not edits else AddOnRule(
                    code, min(e.type for e in edits), tuple(sorted({e.primary for e in edits})), edits)
            found: AddOnRule | None = self.cache[key]
            return found
        return self.tables.addon(code, on)

    def ncci_source(self, kind: str, quarter: str, source: str) -> str:
        """How a finding cites an NCCI row: "NCCI PTP 2025Q4 (ccipra-v313r0-f1.TXT)"."""
        label = {"ptp": "NCCI PTP", "mue": "NCCI MUE", "addon": "NCCI add-on"}[kind]
        where = "loaded into the ledger" if source == "ledger" else source
        return f"{label} {quarter or '(quarter not given)'} ({where})"

    # -- the ledger's questions, asked once per batch where possible ------------------------------------------
    def enrollment(self, npi: str, payer_id: str, on: date) -> Any:
        """The ledger's EnrollmentCheck, or None without a ledger."""
        if self.ledger is None:
            return None
        from edi.ledger._reference import judge_enrollment

        key = ("enrollment", npi, payer_id)     # the spans, once per provider and payer; judged for each date
        if key not in self.cache:
            self.cache[key] = self.ledger.enrollment_spans(npi, payer_id)
        return judge_enrollment(npi, payer_id, on, self.cache[key])

    def prefetch_duplicates(self, keys: list[ServiceKey]) -> None:
        """Ask the ledger about many services at once (``scrub`` does, a chunk of encounters at a time)."""
        if self.ledger is None or not keys:
            return
        wanted = [k for k in keys if ("duplicate", k) not in self.cache]
        if wanted:
            for key, found in self.ledger.find_duplicates(wanted).items():
                self.cache["duplicate", key] = found

    def duplicates(self, key: ServiceKey) -> list[Any]:
        """Claim lines already submitted (and not denied) for this service; [] without a ledger."""
        if self.ledger is None:
            return []
        if ("duplicate", key) not in self.cache:
            self.prefetch_duplicates([key])
        found: list[Any] = self.cache.get(("duplicate", key), [])
        return found
