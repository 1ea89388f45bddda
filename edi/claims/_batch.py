"""``edi claims build``: coded encounters → scrubbed, batched, validated 837P/837I interchanges, recorded in the ledger.

Every encounter read ends as exactly one of

- **batched**: mapped to a claim, written into an interchange for the receiver, checked (SNIP 1–5 and the payers'
  SNIP 7 profiles), recorded in the ledger as submitted, listed in ``manifest.json``;
- **held**: the scrubber found an error (or a warning, per ``hold``), or the file it was written in failed its
  check — listed in ``held.json`` with the findings, recorded in the ledger as held;
- **duplicate**: a claim with its CLM01 was already sent and is still open at the payer (or it came twice in this
  build) — listed in ``duplicates.json``; with ``replace`` it is sent again as a replacement (frequency 7);
- **invalid**: the input could not be read as an encounter — listed in ``invalid.json`` with its located error.

It streams: encounters are read lazily, each transaction is written when it fills, a file is closed, checked,
recorded (one database transaction) and renamed to its own name when it holds ``max_claims_per_file`` claims, and
the JSON outputs are written entry by entry.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from edi.claims._build import claim_of, transactions
from edi.claims._check import Checked, Checker
from edi.claims._inputs import InputError, read_encounters
from edi.claims._interchange import Interchange, created_now
from edi.claims._outputs import JsonArrayFile
from edi.claims._receivers import Receiver
from edi.claims._record import record_of
from edi.claims._submit import FileToRecord, Spooled, record_file, spool, spooled
from edi.claims.encounter import Encounter
from edi.claims.scrub import References, ScrubFinding, scrub
from edi.errors import EdiError
from edi.ledger import ClaimStatus, Ledger, Source, StatusEvent
from edi.ledger import Encounter as EncounterRecord
from edi.ledger import ScrubFinding as FindingRecord
from edi.logging import get_logger

HOLDS = ("error", "warning", "none")
CHUNK = 500                  # encounters scrubbed and checked against the ledger together
ST02_BLOCK = 8               # transaction control numbers taken at a time (fewer waits on the ledger's counter)
HELD_CLAIMS = 1000           # claims waiting for their transaction to fill, over all billing providers
SHOWN = 20                   # held encounters per root cause (and invalid inputs) kept for the text report
VERSIONS = {"837p": "005010X222A1", "837i": "005010X223A2"}


@dataclass(frozen=True)
class BuildOptions:
    receiver: Receiver
    as_of: date
    usage: str | None = None          # T / P; None: the receiver's
    hold: str = "error"               # hold on scrub errors, on warnings too, or on nothing
    max_claims: int = 5000            # claims per transaction (ST–SE), at most the receiver's
    mapping: str | None = None        # the column map of CSV inputs
    replace: bool = False             # send claims already sent as replacements (frequency 7)
    mappings: dict[str, str] = field(default_factory=dict)   # input path → its column map (overrides ``mapping``)
    created: datetime | None = None   # when the files are made (ISA09/ISA10, GS04/GS05, BHT, name); None: now


@dataclass
class FileWritten:
    file: str
    kind: str
    isa13: str
    gs06: str
    transactions: int
    claims: int


@dataclass
class BuildSummary:
    """What a build did; ``encounters == batched + held + duplicates + invalid``."""

    out: str
    receiver: str
    encounters: int = 0
    batched: int = 0
    held: int = 0
    duplicates: int = 0
    invalid: int = 0
    replaced: int = 0
    files: list[FileWritten] = field(default_factory=list)
    held_by_cause: dict[str, Counter[str]] = field(default_factory=dict)     # root cause → finding code → count
    held_shown: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # root cause → first held entries
    invalid_shown: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.held or self.invalid else 0

    def as_dict(self) -> dict[str, Any]:
        return {"out": self.out, "receiver": self.receiver, "encounters": self.encounters, "batched": self.batched,
                "held": self.held, "duplicates": self.duplicates, "invalid": self.invalid,
                "replaced": self.replaced, "files": [vars(f) for f in self.files],
                "held_by_root_cause": {cause: dict(codes) for cause, codes in sorted(self.held_by_cause.items())}}


def references_for(as_of: date, ledger: Ledger | None) -> References:
    """What the scrubber looks things up in (switch to ``References.for_run`` once it loads payer profiles)."""
    for_run = getattr(References, "for_run", None)
    if for_run is not None:
        return for_run(as_of, ledger)   # type: ignore[no-any-return]
    return References(as_of=as_of, ledger=ledger)


@dataclass
class _Open:
    """An interchange being written, and the spool of the claims in it so far."""

    file: Interchange
    spool: Path
    stream: BinaryIO

    def put(self, pending: Spooled) -> None:
        spool(self.stream, pending)

    def claims(self) -> Iterator[Spooled]:
        return spooled(self.spool)

    def discard(self) -> None:
        self.file.discard()
        self.stream.close()
        self.spool.unlink(missing_ok=True)


def build(inputs: Sequence[Path], out_dir: Path, ledger: Ledger, options: BuildOptions,
          progress: Callable[[int], None] | None = None) -> BuildSummary:
    """Build the claims of ``inputs`` into ``out_dir`` (see the module's docstring); ``progress`` is called with
    the number of encounters read so far."""
    if options.hold not in HOLDS:
        raise EdiError(f"hold is one of {', '.join(HOLDS)}, not {options.hold!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir):
        return _Build(out_dir, ledger, options, progress).run(inputs)


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One build at a time writes into a folder (its manifest and temporary files are the folder's)."""
    import fcntl

    with (out_dir / ".edi-build.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise EdiError(f"{out_dir}: another build is writing into this folder; give each build its own "
                           "--out") from None
        yield


class _Build:
    def __init__(self, out_dir: Path, ledger: Ledger, options: BuildOptions,
                 progress: Callable[[int], None] | None) -> None:
        self.out, self.ledger, self.options, self.progress = out_dir, ledger, options, progress
        self.receiver = options.receiver
        self.summary = BuildSummary(str(out_dir), self.receiver.key)
        self.created = options.created or created_now()
        self.sent: set[str] = set()          # CLM01s batched (or on their way) in this build
        self.pending: dict[str, Spooled] = {}
        self.sources: dict[str, Source] = {}
        self.open: dict[str, _Open] = {}
        self.log = get_logger(__name__)
        self.checker = Checker(ledger.engine.url.render_as_string(hide_password=False))
        self.checking: deque[tuple[_Open, Future[Checked]]] = deque()
        self.requeue: deque[Spooled] = deque()
        self.refs = references_for(options.as_of, ledger)

    def run(self, inputs: Sequence[Path]) -> BuildSummary:
        recover_partials(self.out, self.ledger)
        with self.ledger.transaction(run="claims build") as journal:
            self.run_id = journal.run_id
        self.manifest = JsonArrayFile(self.out / "manifest.json", "claims")
        self.held = JsonArrayFile(self.out / "held.json", "held")
        self.invalid = JsonArrayFile(self.out / "invalid.json", "invalid")
        self.dups = JsonArrayFile(self.out / "duplicates.json", "duplicates")
        try:
            max_claims = max(1, min(self.options.max_claims, self.receiver.max_claims_per_transaction))
            claims = self._claims(inputs)
            while True:   # again for the claims of a failed file that were not at fault (each pass holds some)
                for txn in transactions(claims, submitter=self.receiver.submitter, receiver=self.receiver.receiver,
                                        created=self.created, max_claims=max_claims,
                                        max_held=min(max_claims, HELD_CLAIMS), batch_id=f"{self.run_id:06d}"[-6:]):
                    self._add(txn)
                for kind in list(self.open):
                    self._finish(kind, more=False)
                while self.checking:
                    done, future = self.checking.popleft()
                    self._checked(done, future.result())
                if not self.requeue:
                    break
                claims = self._requeued()
        except BaseException:
            self.checker.close()
            for opened in [*self.open.values(), *(done for done, _ in self.checking)]:
                opened.discard()
            for out in (self.manifest, self.held, self.invalid, self.dups):
                out.abandon()
            raise
        finally:
            self.checker.close()
        s = self.summary
        self.manifest.close(files=[vars(f) for f in s.files])
        self.held.close()
        self.invalid.close()
        self.dups.close()
        self.log.info("claims.build", run=self.run_id, encounters=s.encounters, batched=s.batched, held=s.held,
                      duplicates=s.duplicates, invalid=s.invalid, files=len(s.files))
        return s

    # ------------------------------------------------------------ reading, sorting out, scrubbing
    def _items(self, inputs: Sequence[Path]) -> Iterator[tuple[Encounter | InputError, Path, Source]]:
        for path in inputs:
            source = Source.of_file(path, "encounters")
            for item in read_encounters(path, mapping=self.options.mappings.get(str(path), self.options.mapping)):
                yield item, path, source

    def _claims(self, inputs: Sequence[Path]) -> Iterator[Any]:
        items = self._items(inputs)
        while chunk := list(itertools.islice(items, CHUNK)):
            self.summary.encounters += len(chunk)
            yield from self._chunk(chunk)
            yield from self._requeued()
            if self.progress is not None:
                self.progress(self.summary.encounters)

    def _requeued(self) -> Iterator[Any]:
        """The claims of failed files that were not at fault, to go into other files."""
        while self.requeue:
            pending = self.requeue.popleft()
            self.pending[pending.encounter.id] = pending
            yield claim_of(pending.encounter)

    def _chunk(self, chunk: list[tuple[Encounter | InputError, Path, Source]]) -> Iterator[Any]:
        valid: list[tuple[Encounter, Path]] = []
        for item, path, source in chunk:
            if isinstance(item, InputError):
                self._invalid(item)
            else:
                self.sources[str(path)] = source
                valid.append((item, path))
        open_claims = self.ledger.open_submissions(enc.id for enc, _ in valid) if valid else {}
        to_scrub: dict[str, tuple[Path, list[int]]] = {}
        encounters = []
        for enc, path in valid:
            order = min(enc.billed_coverage, len(enc.coverages))   # a claim to another payer (COB) is not a resend
            earlier = [ref for ref in open_claims.get(enc.id, []) if ref.payer_order == order]
            if enc.id in self.sent:
                self._duplicate(enc, path, "came earlier in this build", None)
            elif earlier and not self.options.replace:
                self._duplicate(enc, path, "already sent and still open at the payer", earlier[0])
            else:
                if earlier:
                    enc = msgspec.structs.replace(enc, frequency="7")
                self.sent.add(enc.id)
                to_scrub[enc.id] = (path, [ref.claim_id for ref in earlier])
                encounters.append(enc)
        held: list[tuple[EncounterRecord, tuple[ScrubFinding, ...]]] = []
        for enc, findings in scrub(encounters, self.refs):
            path, replaces = to_scrub[enc.id]
            holding = self._holding(findings)
            if holding:
                self._hold(enc, path, holding, findings)
                held.append((self._record(enc, str(path)), findings))
                continue
            try:
                claim = claim_of(enc)
                if enc.service_period is None:
                    raise ValueError("no date of service: give service_date or the lines' service_date")
            except (EdiError, ValueError) as exc:
                self.sent.discard(enc.id)
                self._invalid(InputError(str(path), None, "", str(exc), encounter_id=enc.id))
                continue
            self.pending[enc.id] = Spooled(enc, str(path), replaces)
            yield claim
        if held:
            self._record_held(held)

    def _holding(self, findings: tuple[ScrubFinding, ...]) -> list[ScrubFinding]:
        hold = self.options.hold
        if hold == "none":
            return []
        return [f for f in findings if f.is_error or hold == "warning"]

    def _record(self, enc: Encounter, path: str) -> EncounterRecord:
        return record_of(enc, source=self.sources.get(path))

    # ------------------------------------------------------------ outcomes other than batched
    def _invalid(self, error: InputError) -> None:
        self.summary.invalid += 1
        self.invalid.add(error.as_dict() | {"error": str(error)})
        if len(self.summary.invalid_shown) < SHOWN:
            self.summary.invalid_shown.append(str(error))

    def _duplicate(self, enc: Encounter, path: Path, why: str, earlier: Any) -> None:
        self.summary.duplicates += 1
        entry: dict[str, Any] = {"encounter": enc.id, "input": str(path), "reason": why}
        if earlier is not None:
            entry |= {"file": earlier.file_name, "isa13": earlier.interchange_control_number,
                      "gs06": earlier.group_control_number, "st02": earlier.transaction_control_number,
                      "submitted_at": earlier.submitted_at.isoformat(), "frequency": earlier.frequency_code}
        self.dups.add(entry)

    def _hold(self, enc: Encounter, path: Path | str, holding: Sequence[Any], findings: Sequence[Any]) -> None:
        self.summary.held += 1
        holding = [_as_scrub(f, enc.id) for f in holding]
        cause = _cause(holding[0])
        entry = {"encounter": enc.id, "input": str(path), "claim_type": enc.claim_type, "root_cause": cause,
                 "findings": [_finding_dict(f) for f in findings]}
        self.held.add(entry)
        self.summary.held_by_cause.setdefault(cause, Counter()).update(_code(f) for f in holding)
        shown = self.summary.held_shown.setdefault(cause, [])
        if len(shown) < SHOWN:
            shown.append(entry)

    def _record_held(self, held: list[tuple[EncounterRecord, tuple[ScrubFinding, ...]]]) -> None:
        """Held encounters with their findings and a ``held`` status, in one database transaction."""
        with self.ledger.transaction() as journal:
            journal.run_id = self.run_id
            recorded = journal.record_encounters(record for record, _ in held)
            events = []
            for (record, findings), done in zip(held, recorded, strict=True):
                claim_id = done.claims[0].claim_id if done.claims else None
                journal.record_findings(done.encounter_id, (_finding_record(f, record, claim_id) for f in findings))
                if claim_id is not None:
                    # the reason code is the denial the first error prevents (a CARC, as other events carry; the
                    # edit's code, up to 35 characters, is longer than the column and is in scrub_findings anyway)
                    first = next((f for f in findings if f.is_error), findings[0]) if findings else None
                    events.append(StatusEvent(claim_id, ClaimStatus.HELD, f"held:{self.run_id}:{claim_id}",
                                              reason_code=first.prevents or None if first else None,
                                              reason=f"{first.code}: {first.message}" if first else None))
            journal.record_status(events)

    # ------------------------------------------------------------ writing, checking, recording
    def _add(self, txn: Any) -> None:
        kind = "837i" if txn.claims[0].INSTITUTIONAL else "837p"
        opened = self.open.get(kind) or self._open(kind)
        st02 = opened.file.add(txn)
        for claim in txn.claims:
            pending = self.pending.pop(claim.patient_control_number)
            pending.st02 = st02
            opened.put(pending)
        if opened.file.claims >= self.receiver.max_claims_per_file:
            self._finish(kind)

    def _open(self, kind: str) -> _Open:
        sender, receiver = self.receiver.pair
        numbers = self.ledger.reserve_block({"interchange": 1, "group": 1, "transaction": ST02_BLOCK},
                                            sender=sender, receiver=receiver, run_id=self.run_id)
        isa13 = f"{numbers['interchange'].start:09d}"
        path = self.out / self.receiver.name_for(isa13, kind, self.created.date())
        st02s = iter(numbers["transaction"])

        def next_st02() -> int:
            """The next ST02 of the file's block; another block when it is used up (what is left is a gap)."""
            nonlocal st02s
            taken = next(st02s, None)
            if taken is None:
                st02s = iter(self.ledger.reserve("transaction", ST02_BLOCK, sender=sender, receiver=receiver,
                                                 run_id=self.run_id))
                taken = next(st02s)
            return taken

        file = Interchange(path, kind, isa13, str(numbers["group"].start), self.receiver.header(
            self.options.usage, self.created), VERSIONS[kind], next_st02, self.receiver.group_sender,
            self.receiver.group_receiver).open()
        spool = path.with_name(f".{path.name}.claims.partial")
        self.open[kind] = _Open(file, spool, spool.open("wb"))
        return self.open[kind]

    def _finish(self, kind: str, *, more: bool = True) -> None:
        """Close the file and have it checked; ``more``: the build goes on meanwhile (in a worker process)."""
        opened = self.open.pop(kind)
        opened.file.close()
        opened.stream.close()
        if more:
            self.checker.start()
        self.checking.append((opened, self.checker.submit(opened.file.partial, opened.file.path.name,
                                                          self._to_record(opened), self.run_id)))
        while self.checking and (self.checking[0][1].done() or len(self.checking) > 2 or not more):
            done, future = self.checking.popleft()
            self._checked(done, future.result())

    def _checked(self, opened: _Open, report: Checked) -> None:
        """Record a checked file and give it its name (unless the worker did); or hold its claims when it failed
        the check."""
        file = opened.file
        if report.has_errors:
            self._failed(opened, report)
            return
        entries = report.recorded if report.recorded is not None else \
            record_file(self.ledger, self.run_id, self._to_record(opened))
        for entry in entries:
            self.manifest.add(entry)
        self.summary.batched += len(entries)
        self.summary.replaced += sum(1 for entry in entries if entry.get("replaces"))
        self.summary.files.append(FileWritten(file.path.name, file.kind, file.isa13, file.gs06, file.transactions,
                                              file.claims))

    def _to_record(self, opened: _Open) -> FileToRecord:
        file, receiver = opened.file, self.receiver
        return FileToRecord(str(file.path), str(file.partial), str(opened.spool), file.kind, file.isa13, file.gs06,
                            file.header.usage, receiver.key, (receiver.sender_id.qualifier, receiver.sender_id.id),
                            (receiver.receiver_id.qualifier, receiver.receiver_id.id),
                            {name: (s.name, s.sha256, s.kind, s.size) for name, s in self.sources.items()})

    def _failed(self, opened: _Open, report: Any) -> None:
        """A file that does not pass its check is not sent. Claims the errors are in are held with them; the
        others go into another file — unless an error is outside every claim (the envelope, a transaction's
        header), which holds them all."""
        by_claim: dict[str | None, list[Any]] = {}
        for finding in report.errors:
            by_claim.setdefault(finding.claim, []).append(finding)
        if report.fatal:
            by_claim.setdefault(None, []).append(_FileProblem(report.fatal))
        general = list({f.code: f for f in reversed(by_claim.get(None, []))}.values())[::-1]   # once per code
        self.log.warning("claims.build.file_failed", isa13=opened.file.isa13, errors=len(report.errors))
        held: list[tuple[EncounterRecord, tuple[ScrubFinding, ...]]] = []
        innocent: list[Spooled] = []
        for pending in opened.claims():
            findings = by_claim.get(pending.encounter.id) or general
            if findings:
                self._held_after_check(pending, findings, held)
            else:
                innocent.append(pending)
        if len(innocent) < opened.file.claims:
            self.requeue.extend(innocent)
        else:      # no error names a claim of the file: nothing to leave out, so nothing to send again
            for pending in innocent:
                self._held_after_check(pending, [_FileProblem("its file failed the check (SNIP 1-5, 7)")], held)
        if held:
            self._record_held(held)
        opened.discard()

    def _held_after_check(self, pending: Spooled, findings: list[Any],
                          held: list[tuple[EncounterRecord, tuple[ScrubFinding, ...]]]) -> None:
        enc = pending.encounter
        self._hold(enc, pending.input, findings, findings)
        self.sent.discard(enc.id)
        held.append((self._record(enc, pending.input), tuple(_as_scrub(f, enc.id) for f in findings)))
        if len(held) >= CHUNK:
            self._record_held(held)
            held.clear()


@dataclass(frozen=True)
class _FileProblem:
    message: str
    code: str = "build.file_check"


def _as_scrub(finding: Any, encounter: str) -> ScrubFinding:
    from edi.claims.scrub import RootCause
    from edi.validate import Severity

    if isinstance(finding, ScrubFinding):
        return finding
    cause = RootCause.CODING if finding.code.startswith("snip5") else RootCause.BILLING   # SNIP 5: code sets
    return ScrubFinding(finding.code, Severity.ERROR, cause, "", finding.message, encounter,
                        getattr(finding, "element", None) or "", source=_source(finding))


def _source(finding: Any) -> str:
    return "edi claims build" if isinstance(finding, _FileProblem) else "edi validate"


def _code(finding: Any) -> str:
    return str(finding.code)


def _cause(finding: Any) -> str:
    cause = getattr(finding, "root_cause", None)
    return str(getattr(cause, "value", cause)) if cause is not None else "billing"


def _finding_dict(f: Any) -> dict[str, Any]:
    f = _as_scrub(f, "")
    return {"code": f.code, "severity": f.severity.value, "root_cause": f.root_cause.value, "prevents": f.prevents,
            "field": f.field, "line": f.line, "line_number": getattr(f, "line_number", None), "message": f.message,
            "source": f.source}


def _finding_record(f: ScrubFinding, record: EncounterRecord, claim_id: int | None) -> FindingRecord:
    line_number = getattr(f, "line_number", None)
    if line_number is None and f.line and record.claims:
        line_number = next((line.line_number for line in record.claims[0].lines
                            if line.line_control_number == f.line), None)
    return FindingRecord(f.code, f.severity.value, f.root_cause.value, f.message, f.field or None, line_number,
                         claim_id, f.prevents or None)


def recover_partials(out: Path, ledger: Ledger) -> list[str]:
    """Temporary files a killed build left: one recorded in the ledger (killed between commit and rename) gets its
    name; any other was never recorded, and is removed (its claims were not sent and will be built again)."""
    published = []
    for partial in sorted(out.glob(".*.partial")):
        name = partial.name[1:-len(".partial")]
        if name.endswith((".json", ".claims")):
            partial.unlink()
            continue
        if ledger.file_submitted(Source.of_file(partial, "837").sha256):
            partial.replace(out / name)
            published.append(name)
        else:
            partial.unlink()
    return published


def render_text(summary: BuildSummary) -> Iterable[str]:
    """The build for people: counts, files written, held claims by root cause with their findings."""
    s = summary
    yield (f"{s.encounters} encounter(s): {s.batched} batched, {s.held} held, {s.duplicates} duplicate(s), "
           f"{s.invalid} invalid" + (f" ({s.replaced} sent as replacements)" if s.replaced else ""))
    for f in s.files:
        yield f"  wrote {Path(s.out) / f.file}: ISA13 {f.isa13}, {f.kind.upper()}, {f.transactions} transaction(s), " \
              f"{f.claims} claim(s)"
    for cause in sorted(s.held_by_cause):
        codes = s.held_by_cause[cause]
        shown = s.held_shown.get(cause, [])
        yield f"held, {cause} ({sum(1 for _ in shown)} shown; by finding: " + \
            ", ".join(f"{code} {n}" for code, n in codes.most_common()) + ")"
        for entry in shown:
            yield f"  {entry['encounter']} ({entry['input']}):"
            for f in entry["findings"]:
                where = f" [{f['field']}]" if f.get("field") else ""
                prevents = f" [prevents {f['prevents']}]" if f.get("prevents") else ""
                yield f"    {f['severity']} {f['code']}{where}: {f['message']}{prevents}"
    if s.held:
        yield f"held claims and their findings: {Path(s.out) / 'held.json'}"
    for line in s.invalid_shown:
        yield f"invalid: {line}"
    if s.invalid > len(s.invalid_shown):
        yield f"… and {s.invalid - len(s.invalid_shown)} more in {Path(s.out) / 'invalid.json'}"
    if s.duplicates:
        yield f"duplicates (not sent again; --replace sends them as replacements): {Path(s.out) / 'duplicates.json'}"
