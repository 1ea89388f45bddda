"""``edi cycle``: weeks of simulated billing over the library's own steps (docs/cycle.md). Each week, with a
simulated today: the encounters whose date of service has come, and last week's corrections, are scrubbed and
built; the files are split by payer and answered by each payer's simulator; the acknowledgments and the 835s
whose payment date has come are posted; the work queue's held and denied claims are corrected where a rule knows
how; the next payers' claims are built and answered. At the end, patient statements."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import msgspec

from edi.claims._batch import BuildOptions, BuildSummary, build
from edi.claims._inputs import read_encounters
from edi.claims._receivers import load_receiver
from edi.claims.encounter import Encounter
from edi.claims.scrub import References, scrub_one
from edi.cycle._corrections import Authorizations, correct, load_rules
from edi.cycle._ledger import era_totals, open_denials, outcomes, recorded
from edi.cycle._payers import SimulatedPayer, load_payers, seed_deductibles
from edi.cycle._summary import ZERO, CycleSummary, Week
from edi.errors import EdiError
from edi.ledger import Ledger
from edi.logging import get_logger
from edi.payer import simulate
from edi.posting import post_file
from edi.split import split

log = get_logger(__name__)
_PAYER_PART = re.compile(r"\.payer-([^.]+)\.")
_PAYMENT_DAY = re.compile(r"-(\d{8})\.835\.")
MAX_WEEKS = 104          # without --weeks the cycle runs until nothing is left to do, at most two years
ENCODER = msgspec.json.Encoder(decimal_format="string")


@dataclass(frozen=True)
class CycleOptions:
    out: Path
    weeks: int | None = None          # None: until every encounter is settled and every 835 posted
    seed: int = 0
    start: date | None = None         # the first simulated day (default: the Monday after the first date of service)
    roster: Path | None = None        # the providers' payer enrollments (edi ledger roster), loaded first
    authorizations: Path | None = None   # the payers' prior authorizations, for the correction that attaches one
    receiver: str | None = None       # mappings/receivers/ name (default: example-clearinghouse)
    mapping: str | None = None        # column map of CSV inputs (mappings/encounters/ name or .toml path)


def run_cycle(inputs: Sequence[Path], ledger: Ledger, options: CycleOptions) -> CycleSummary:
    return _Cycle(inputs, ledger, options).run()


def _last_day(enc: Encounter) -> date:
    """The last day of the care billed: a claim is made once the visit or the stay is over."""
    period = enc.service_period
    if period is None:
        raise EdiError(f"encounter {enc.id}: no date of service; give service_date or the lines' service_date")
    return period[1]


def _default_start(encounters: list[Encounter]) -> date:
    """The Monday after the first visit of the last 90 days of care (an older straggler — a claim found late — is
    due on the first day; it does not stretch the cycle back to its date)."""
    days = [_last_day(e) for e in encounters]
    first = min(d for d in days if d >= max(days) - timedelta(days=90))
    return first + timedelta(days=7 - first.weekday())


def _read(inputs: Sequence[Path], mapping: str | None = None) -> list[Encounter]:
    encounters = []
    for path in inputs:
        for item in read_encounters(path, mapping=mapping):
            if not isinstance(item, Encounter):
                raise EdiError(str(item))
            encounters.append(item)
    return sorted(encounters, key=lambda e: (_last_day(e), e.id))


class _Cycle:
    def __init__(self, inputs: Sequence[Path], ledger: Ledger, options: CycleOptions) -> None:
        self.ledger, self.options, self.out = ledger, options, options.out
        self.waiting = _read(inputs, options.mapping)
        if not self.waiting:
            raise EdiError(f"{', '.join(map(str, inputs))}: no encounters")
        self.start = options.start or _default_start(self.waiting)
        self.payers = load_payers()
        self.rules = load_rules()
        self.auths = Authorizations.read(options.authorizations)
        self.receiver = load_receiver(options.receiver)
        self.ids = [e.id for e in self.waiting]
        self.fixed: list[Encounter] = []          # held claims corrected: sent as new claims next week
        self.replacements: list[Encounter] = []   # denied claims corrected: sent as frequency 7 next week
        self.posted: set[Path] = set()
        self.tried: set[tuple[str, str]] = set()     # (held | denied, CLM01) corrected once: a fix that did not take
                                                     # is not tried again (the claim stays held or denied)
        self.summary = CycleSummary(str(self.out), self.start)

    def run(self) -> CycleSummary:
        self.out.mkdir(parents=True, exist_ok=True)
        with self.ledger._read() as conn:
            self.recorded = recorded(conn, self.waiting)
        for payer in self.payers.values():
            seed_deductibles(payer, self.waiting, self.out, self.options.seed)
        if self.options.roster is not None:
            from edi.ledger._csv import load_csv
            load_csv(self.ledger, "enrollment", self.options.roster)
        n = 0
        while self._more(n):
            today = self.start + timedelta(days=7 * n)
            n += 1
            self.summary.weeks.append(self._week(Week(n, today)))
        self._statements()
        with self.ledger._read() as conn:
            self.summary.outcomes = outcomes(conn, self.ids)
        log.info("cycle.done", weeks=len(self.summary.weeks), encounters=len(self.ids))
        return self.summary

    def _more(self, done: int) -> bool:
        if self.options.weeks is not None:
            return done < self.options.weeks
        if done == 0:
            return True
        last = self.summary.weeks[-1]
        busy = last.batched or last.secondaries or last.files_posted or self.fixed or self.replacements
        return done < MAX_WEEKS and bool(self.waiting or busy or self._unposted())

    # ------------------------------------------------------------------------------------------------ one week
    def _week(self, week: Week) -> Week:
        folder = self.out / f"week-{week.number:02d}"
        due = [e for e in self.waiting if _last_day(e) <= week.today]
        self.waiting = self.waiting[len(due):]
        week.encounters = len(due)
        week.recorded_before = sum(e.id in self.recorded for e in due)
        due = [e for e in due if e.id not in self.recorded]    # a run again: nothing is built twice
        fresh, self.fixed = [*due, *self.fixed], []
        replacements, self.replacements = self.replacements, []
        built = [self._build(fresh, folder / "claims", week, replace=False),
                 self._build(replacements, folder / "replacements", week, replace=True)]
        batched = _batched(built[0])      # first-time claims (new and fixed), not replacements or secondaries
        week.charged = sum((line.charge for e in fresh if e.id in batched for line in e.lines), ZERO)
        for summary in built:
            if summary is not None:
                week.held += summary.held
                week.batched += summary.batched
        self._send(built, folder, week)
        self._post_due(folder, week)
        self._correct(built[0], week)
        secondary = self._secondaries(folder / "secondary", week)
        if secondary is not None:
            week.secondaries = secondary.batched
            self._send([secondary], folder, week)
        log.info("cycle.week", week=week.number, encounters=week.encounters, batched=week.batched, held=week.held,
                 posted=week.files_posted)
        return week

    def _options(self, today: date, replace: bool = False) -> BuildOptions:
        return BuildOptions(self.receiver, today, replace=replace, created=datetime.combine(today, time(9, 0)))

    def _build(self, encounters: list[Encounter], folder: Path, week: Week, *, replace: bool) -> BuildSummary | None:
        if not encounters:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "encounters.jsonl"
        path.write_bytes(b"".join(ENCODER.encode(e) + b"\n" for e in encounters))
        return build([path], folder, self.ledger, self._options(week.today, replace))

    def _send(self, built: Iterable[BuildSummary | None], folder: Path, week: Week) -> None:
        """Each 837 written, split by payer, answered by that payer's simulator; the acknowledgments posted."""
        parts: dict[str, list[Path]] = {}
        for summary in built:
            for written in (summary.files if summary is not None else ()):
                for part in split(Path(summary.out) / written.file, folder / "to-payers", "payer"):
                    found = _PAYER_PART.search(part.path.name)
                    parts.setdefault(found.group(1) if found else "", []).append(part.path)
        for payer_id in sorted(parts):
            payer = self.payers.get(payer_id)
            if payer is None:
                log.warning("cycle.payer.unknown", payer=payer_id, files=len(parts[payer_id]))
                continue
            answered = self._simulate(payer, parts[payer_id], week)
            for path in answered:
                if not _PAYMENT_DAY.search(path.name):
                    self._post(path, folder, week)

    def _simulate(self, payer: SimulatedPayer, files: list[Path], week: Week) -> list[Path]:
        summary = simulate(files, payer.mailbox(self.out), payer.payer, seed=self.options.seed, as_of=week.today,
                           state_path=payer.state(self.out))
        return summary.written

    def _unposted(self, today: date | None = None) -> list[Path]:
        """835s in the payers' mailboxes not posted yet by this run (by ``today`` when given), by payment date."""
        found = []
        for path in (self.out / "payers").glob("*/*.835.*"):
            day = _PAYMENT_DAY.search(path.name)
            if day is None or path in self.posted:
                continue
            paid_on = datetime.strptime(day.group(1), "%Y%m%d").date()
            if today is None or paid_on <= today:
                found.append((paid_on, path.name, path))
        return [path for *_, path in sorted(found)]

    def _post_due(self, folder: Path, week: Week) -> None:
        keys: list[str] = []
        for path in self._unposted(week.today):
            keys += self._post(path, folder, week)
        with self.ledger._read() as conn:
            totals = era_totals(conn, keys)
        week.paid += totals.paid_claims
        week.denied += totals.denied_claims
        week.paid_amount += totals.paid
        week.adjusted += totals.adjusted
        week.patient += totals.patient
        week.interest_plb += totals.interest_plb

    def _post(self, path: Path, folder: Path, week: Week) -> list[str]:
        """Post one file from a payer (a copy kept in the week's folder); the keys of the ERAs it newly posted."""
        self.posted.add(path)
        kept = folder / "from-payers" / path.parent.name / path.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, kept)
        result = post_file(self.ledger, path)
        week.files_posted += 1
        for ack in result.acks:
            if ack.kind == "277CA":
                week.accepted += ack.accepted
                week.rejected += ack.rejected
        return [era.key for era in result.eras if era.status == "posted"]

    # ------------------------------------------------------------------------------------------------ the work queue
    def _correct(self, built: BuildSummary | None, week: Week) -> None:
        """Held claims of this week's build and open denials, fixed where every finding to fix has a rule."""
        refs = References.for_run(week.today, ledger=self.ledger)
        held = _held(built)
        for enc in _encounters_of(built):
            if enc.id not in held or ("held", enc.id) in self.tried:
                continue
            self.tried.add(("held", enc.id))
            errors = [f for f in scrub_one(enc, refs) if f.is_error]
            done = correct(enc, errors, self.rules, self.auths)
            if done is not None:
                self.fixed.append(done[0])
                self.summary.corrections.update(done[1])
                week.corrected += 1
        payer_refs = References.for_run(week.today)   # no ledger: the claim itself is no duplicate of itself
        with self.ledger._read() as conn:
            denials = open_denials(conn)
        for denial in denials:
            if ("denied", denial.clm01) in self.tried:
                continue
            self.tried.add(("denied", denial.clm01))
            payer = self.payers.get(denial.payer_id)
            enc = msgspec.json.decode(denial.document, type=Encounter)
            if payer is not None:
                payer_refs.profiles[denial.payer_id] = payer.payer.scrub
            explaining = [f for f in scrub_one(enc, payer_refs) if f.is_error and f.prevents in denial.denials]
            done = correct(enc, explaining, self.rules, self.auths)
            if done is None:
                continue
            self.replacements.append(msgspec.structs.replace(
                done[0], frequency="7", original_claim_number=denial.payer_claim_number))
            self.summary.corrections.update(done[1])
            week.corrected += 1

    def _secondaries(self, folder: Path, week: Week) -> BuildSummary | None:
        from edi.posting._secondary import build_secondaries

        result = build_secondaries(self.ledger, folder, self._options(week.today))
        return result.build

    def _statements(self) -> None:
        from edi.ledger._statements import patients_due
        from edi.posting._statements import total_owed, write_statements

        with self.ledger._read() as conn:
            patients = patients_due(conn)
        written = write_statements(patients, self.out / "statements", self.summary.as_of)
        if self.summary.weeks:
            self.summary.weeks[-1].statements = len(written)
        self.summary.owed_by_patients = total_owed(patients)


def _batched(built: BuildSummary | None) -> set[str]:
    if built is None:
        return set()
    manifest = Path(built.out) / "manifest.json"
    doc = msgspec.json.decode(manifest.read_bytes()) if manifest.exists() else {}
    return {entry["claim"] for entry in doc.get("claims", [])}


def _held(built: BuildSummary | None) -> set[str]:
    if built is None:
        return set()
    doc = msgspec.json.decode((Path(built.out) / "held.json").read_bytes())
    return {entry["encounter"] for entry in doc.get("held", [])}


def _encounters_of(built: BuildSummary | None) -> list[Encounter]:
    if built is None:
        return []
    return [item for item in read_encounters(Path(built.out) / "encounters.jsonl") if isinstance(item, Encounter)]
