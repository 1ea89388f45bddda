"""The streaming validator: frames, places and checks one segment at a time, one claim's loops in memory."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple, Protocol

from edi.errors import FramingError
from edi.guide import (Loop, LoopPlacer, SegmentNode, SegmentSpec, TransactionSpec, TreeBuilder, control_segment,
                       guide_for)
from edi.guide._placer import Guess
from edi.guide._tree import CLAIM_HOLDERS
from edi.validate._elements import SegmentChecker
from edi.validate._finding import Finding, Location, Severity
from edi.validate._problem import ElementProblem
from edi.validate._rules import FILE_RULES, LOOP_RULES, SEGMENT_RULES, TRANSACTION_RULES, selected
from edi.validate.profiles import PayerProfile
from edi.validate.snip1_isa import isa_findings
from edi.validate.snip1_syntax import component_separator_seen
from edi.validate._structure import count_problems
from edi.x12 import (Delimiters, EnvelopeFinding, Framer, Group, Interchange, Position, Role, Segment, Source,
                     Transaction, tokenize)

SEPARATORS = "snip1.envelope.separators"        # a body written with other separators than its ISA declares
IEA_TA105 = {"IEA01": "021", "IEA02": "018"}  # TA1 note codes for IEA element problems (as pyx12's 997/999 writer)
KEYED = {"2300": "CLM", "2100": "CLP"}        # loops shown with their claim id in a loop path
CHARGE = {"CLM": 2, "CLP": 3}                 # the claim's total charge: CLM02, CLP03
GUIDE_KINDS = {"837.5010.X222": "837P", "837Q3.I.5010": "837I", "835.5010": "835"}   # pyx12 map name prefix
UNITS = {"2300", "2100", "2200D"}             # claim-level loops: checked, then dropped from memory
NUMBERED = {"2400": "LX"}                     # loops shown with their line number


@dataclass
class TransactionResult:
    """What a 999 needs per transaction: its identity and whether it had errors."""

    transaction: Transaction
    findings: list[Finding] = field(default_factory=list)
    claims: int = 0                                   # claims (CLM) or claim payments (CLP) read
    claim_findings: dict[int, tuple[str, tuple[Finding, ...]]] = field(default_factory=dict)
    # ^ by the claim's 0-based position in the transaction: (CLM01/CLP01, its findings) — only claims with some
    facts: dict[str, object] = field(default_factory=dict)   # what file rules compare across transactions
    charges: Decimal = Decimal(0)                     # Σ CLM02 / CLP03 of its claims (those that are amounts)
    error_claims: int = 0                             # claims with an error inside them
    error_charges: Decimal = Decimal(0)               # Σ CLM02 / CLP03 of those
    claim_marks: ClaimMarks = field(default_factory=lambda: ClaimMarks())
    # ^ per claim of an 837, what decides whether a 277CA rejects it: errors of the loops above it count too

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def count_claim(self, first: Segment, findings: list[Finding], levels: tuple[int, ...] = ()) -> None:
        """Add a closed claim (its CLM / CLP and its findings) to the counts and charge totals; ``levels``: for an
        837 claim, the segment index of each HL above it (billing provider, subscriber, patient)."""
        try:
            charge = Decimal(first[CHARGE[first.id]])
        except (InvalidOperation, KeyError):
            charge = Decimal(0)  # not an amount: SNIP 2 says so
        if not charge.is_finite():
            charge = Decimal(0)
        self.charges += charge
        own_error = bool(findings) and any(f.is_error for f in findings)
        if own_error:
            self.error_claims += 1
            self.error_charges += charge
        if levels:
            self.claim_marks.append(first.index, charge, own_error, levels)
        self.claims += 1


class ClaimMark(NamedTuple):
    """One 837 claim, as much as deciding its 277CA status needs (kept per transaction, not per file)."""

    segment: int                  # the CLM's segment index
    charge: Decimal
    own_error: bool               # an error inside the claim
    levels: tuple[int, ...]       # the segment index of the 2000A, 2000B (and 2000C) HL above it


class ClaimMarks:
    """The marks of a transaction's claims in columns of machine integers (a transaction may hold 100,000 claims,
    and a report keeps its transactions: ~40 bytes a claim here, ~250 as objects). Charges are kept in cents;
    one that is not a whole number of cents is kept aside as it is."""

    __slots__ = ("_cents", "_levels", "_odd", "_own", "_segments")

    def __init__(self) -> None:
        self._segments = array("q")
        self._own = array("b")
        self._levels = array("q")          # three a claim, -1 where there is no such level
        self._cents = array("q")
        self._odd: dict[int, Decimal] = {}  # position → a charge cents cannot hold

    def __len__(self) -> int:
        return len(self._segments)

    def append(self, segment: int, charge: Decimal, own_error: bool, levels: tuple[int, ...]) -> None:
        cents = charge * 100
        if cents == cents.to_integral_value() and abs(cents) < 2**62:
            self._cents.append(int(cents))
        else:
            self._odd[len(self._segments)] = charge
            self._cents.append(0)
        self._segments.append(segment)
        self._own.append(own_error)
        self._levels.extend((*levels, -1, -1, -1)[:3])

    def __iter__(self) -> Iterator[ClaimMark]:
        for i, segment in enumerate(self._segments):
            charge = self._odd.get(i)
            if charge is None:
                charge = Decimal(self._cents[i]).scaleb(-2)
            levels = tuple(level for level in self._levels[3 * i:3 * i + 3] if level >= 0)
            yield ClaimMark(segment, charge, bool(self._own[i]), levels)


class Sink(Protocol):
    """Where :meth:`Validator.stream` puts what it finds, as soon as it is final, in file order."""

    def finding(self, finding: Finding) -> None:
        """One finding (its location names interchange, group, transaction and claim)."""

    def transaction(self, result: TransactionResult) -> None:
        """A transaction is done: its findings have all been given; its counts and charge totals are final."""


@dataclass
class Report:
    file: str
    findings: list[Finding] = field(default_factory=list)   # all of them, in file order (envelope first)
    transactions: list[TransactionResult] = field(default_factory=list)
    segments: int = 0
    fatal: str | None = None      # the file could not be framed at all
    fatal_at: Position | None = None   # where (when the tokenizer knew)
    interchanges: list[Interchange] = field(default_factory=list)
    framing_findings: list[Finding] = field(default_factory=list)    # ISA/GS/ST pairing, counts, control numbers
    envelope_findings: list[Finding] = field(default_factory=list)   # element checks of ISA, GS, GE, IEA

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def has_errors(self) -> bool:
        return self.fatal is not None or any(f.is_error for f in self.findings)

    @property
    def claims(self) -> int:
        return sum(t.claims for t in self.transactions)




class Context:
    """What rules see: the file, the current transaction, helpers to make located findings."""

    def __init__(self, file: str, snips: frozenset[int]) -> None:
        self.file = file
        self.snips = snips
        self.transaction: Transaction | None = None
        self.guide: TransactionSpec | None = None
        self.group_guide: TransactionSpec | None = None
        self.kind: str | None = None                 # "837P", "837I" or "835" for the current transaction's guide
        self.state: dict[str, object] = {}          # per-transaction scratch space for rules (running sums)
        self.facts: dict[str, object] = {}          # the transaction's facts for file rules (TransactionResult.facts)
        self.position = 0                            # the current segment's position in its transaction (ST = 1)
        self.interchange_version = ""                # ISA12 of the current interchange: its envelope map
        self.reported: dict[tuple[int, int, int], dict[int, Severity]] = {}   # see one_per_element
        self.envelope: tuple[str | None, str | None, str | None] = (None, None, None)  # ISA13, GS06 outside an ST
        self.redelimit: tuple[Delimiters, Delimiters] | None = None  # (declared, as the body writes composites)
        self.placer: LoopPlacer | None = None        # the current transaction's (what it placed by id alone)

    def control(self) -> tuple[str | None, str | None, str | None]:
        t = self.transaction
        if t is None:
            return self.envelope
        group = t.group
        interchange = group.interchange if group else None
        return (interchange.control if interchange else None, group.control if group else None, t.control)

    def loop_path(self, loop: Loop | None) -> str:
        parts: list[str] = []
        while loop is not None:
            spec = loop.spec
            if not spec.kind:
                label = spec.id
                key = KEYED.get(spec.id)
                first = loop.children[0] if loop.children else None
                if key and isinstance(first, SegmentNode) and first.segment.id == key:
                    label += f"[{key}01={first.segment[1]}]"
                elif spec.id in NUMBERED and isinstance(first, SegmentNode):
                    label += f"[{first.segment[1]}]"
                parts.append(label)
            loop = loop.parent
        return "/".join(reversed(parts))

    def at(self, seg: Segment, loop: Loop | None, position: int = 0, element: str | None = None,
           element_name: str | None = None, element_position: tuple[int, int, int] | None = None,
           data_element: str | None = None) -> Location:
        loop_id = ""
        walk = loop
        while walk is not None and walk.spec.kind:
            walk = walk.parent
        if walk is not None:
            loop_id = walk.spec.id
        if not position and self.transaction is not None and seg.index >= self.transaction.header.index:
            position = seg.index - self.transaction.header.index + 1  # a transaction's segments are contiguous
        return Location(self.file, self.control(), seg.index, seg.line, seg.id, self.loop_path(loop), loop_id,
                        position, element, element_name, element_position, data_element, seg.text(), seg.offset)

    def finding(self, code: str, snip: int, message: str, location: Location, *, value: str | None = None,
                ik304: str | None = None, ik403: str | None = None, severity: Severity = Severity.ERROR,
                **details: object) -> Finding:
        return Finding(code, snip, severity, message, location, value, ik304, ik403, None, dict(details))


def guide_kind(guide: TransactionSpec | None) -> str | None:
    """"837P", "837I" or "835" for those guides (what most rules ask first), else None."""
    name = guide.map_name if guide is not None else ""
    return next((kind for prefix, kind in GUIDE_KINDS.items() if name.startswith(prefix)), None)


class Validator:
    """Run with :meth:`run`; the rules come from the registries the SNIP modules fill (edi.validate._rules)."""

    def __init__(self, snips: Iterable[int], profiles: Iterable[PayerProfile] = ()) -> None:
        self.snips = frozenset(snips)
        self.segment_rules = selected(SEGMENT_RULES, self.snips)
        self.every_segment = self.segment_rules.pop("*", [])
        self.loop_rules = selected(LOOP_RULES, self.snips)
        if 7 in self.snips and profiles:
            from edi.validate.snip7_partner import snip7_rules  # rules built from each payer profile

            for profile in profiles:
                for loop_id, rules in snip7_rules(profile).items():
                    self.loop_rules.setdefault(loop_id, []).extend(rules)
        self.transaction_rules = [fn for snip, fn in TRANSACTION_RULES if snip in self.snips]
        self.file_rules = [fn for snip, fn in FILE_RULES if snip in self.snips]
        self._checkers: dict[int, SegmentChecker] = {}
        # per segment spec: (element checker, its rules, whether it is not used or opens a claim)
        self._plans: dict[int, tuple[SegmentChecker, list, bool]] = {}  # type: ignore[type-arg]
        self._holders: set[int] = set()
        self._owners: dict[int, SegmentSpec] = {}   # component spec → its segment spec (specs live with their guide)
        self.sink: Sink | None = None      # set while :meth:`stream` runs

    def run(self, source: Source, name: str | None = None) -> Report:
        """Check a whole file."""
        return finish(self, [self.run_part(source, name)])

    def stream(self, source: Source, sink: Sink, name: str | None = None) -> Report:
        """Check a whole file in this process, giving each finding to ``sink`` as soon as it is final (a claim's
        when the claim closes, the envelope's at its segment) and each transaction when it ends: memory stays flat
        however many claims and findings there are. The report returned holds the counts, the transactions
        (without their findings) and whether the file could be read — not the findings."""
        report = self.run_part(source, name, sink=sink)
        for rule in self.file_rules:
            for _, finding in rule(report.transactions):
                sink.finding(finding)
        return report

    def run_part(self, source: Source, name: str | None = None, part: tuple[int, int] = (0, 1),
                 sink: Sink | None = None, keep: Callable[[Segment], bool] | None = None,
                 envelope: bool | None = None, stop: int | None = None) -> Report:
        """Check the transactions ``k, k + n, k + 2n …`` (in ST order) of a file, ``part = (k, n)``; part 0 also
        checks the envelope. The tokenizer passes over the other transactions' bodies without splitting them.
        Combine the parts of a file with :func:`finish`. With a ``sink`` (one part only), findings go there
        instead of into the report (:meth:`stream`).

        ``keep`` (asked with each ST segment) picks the transactions instead of ``part``; the envelope is then
        checked only when ``envelope`` says so. ``stop``: a byte offset; reading ends at the first ST at or after
        it (a part that does not check the envelope has nothing more to do there)."""
        label = name or (str(source) if isinstance(source, Path) else "<bytes>")
        report = Report(label)
        ctx = Context(label, self.snips)
        self.sink = sink
        given = 0                                # framing findings given to the sink so far
        share = keep if keep is not None else _Share(*part) if part[1] > 1 else None
        primary = envelope if envelope is not None else part[0] == 0 and keep is None
        framer = Framer(tokenize(source, name=label, keep=share))
        result: TransactionResult | None = None
        builder: TreeBuilder | None = None
        skipped: Transaction | None = None       # a transaction another part checks
        seg: Segment | None = None
        stray, se = Role.STRAY, Role.SE  # an enum member lookup costs more than a local, once per segment
        try:
            for role, seg, transaction, framed in framer.events():
                if framed is not None and sink is not None and len(framer.findings) > given:
                    given = self._give_framing(label, framer, given)
                if transaction is skipped and transaction is not None:
                    continue
                if transaction is None or role is stray:
                    if primary and framed is not None:
                        if role is Role.ISA and framed.interchange is not None:
                            report.interchanges.append(framed.interchange)
                        ctx.envelope = (framed.interchange.control if framed.interchange else None,
                                        framed.group.control if framed.group else None, None)
                        self._envelope_segment(ctx, report, seg, role)
                    continue
                if builder is None or builder.transaction is not transaction:
                    if builder is not None and result is not None:
                        self._end_transaction(ctx, report, builder, result)
                        builder = result = None
                    if stop is not None and transaction.header.offset >= stop:
                        break
                    if share is not None and not share(transaction.header):
                        skipped = transaction
                        continue
                    result = TransactionResult(transaction)
                    builder = self._start_transaction(ctx, transaction, result)
                fix = ctx.redelimit
                if fix is not None and seg.delimiters is fix[0]:
                    seg = seg.replace(delimiters=fix[1])  # read with the component separator the body uses
                node = builder.add(seg)
                again = self._segment(ctx, result, node, transaction.segments)  # type: ignore[union-attr]
                if again is not None:  # placed once more, read with the body's component separator
                    self._segment(ctx, result, builder.add(again), transaction.segments)  # type: ignore[union-attr]
                if role is se:
                    self._end_transaction(ctx, report, builder, result)  # type: ignore[arg-type]
                    builder = result = None
            if builder is not None and result is not None:
                self._end_transaction(ctx, report, builder, result)
        except FramingError as exc:
            report.fatal = str(exc)
            report.fatal_at = exc.position
        report.segments = seg.index + 1 if seg is not None else 0
        if sink is not None:
            self._give_framing(label, framer, given)
        elif primary and 1 in self.snips:
            report.framing_findings = [self._envelope_finding(label, f) for f in framer.findings]
        self.sink = None
        return report

    def _give_framing(self, label: str, framer: Framer, given: int) -> int:
        """Hand the framer's findings from number ``given`` on to the sink; how many it has had now."""
        if 1 in self.snips and self.sink is not None:
            for finding in framer.findings[given:]:
                self.sink.finding(self._envelope_finding(label, finding))
        return len(framer.findings)

    # -- transactions ------------------------------------------------------------------------------------
    def _start_transaction(self, ctx: Context, transaction: Transaction, result: TransactionResult) -> TreeBuilder:
        ctx.transaction, ctx.state, ctx.facts, ctx.reported = transaction, {}, result.facts, {}
        self._holders.clear()
        counts: dict[int, dict[int, int]] = {}

        def on_close(loop: Loop) -> None:
            self._close_loop(ctx, result, loop, counts, builder)

        builder = TreeBuilder(transaction, on_close, units=UNITS | CLAIM_HOLDERS)
        ctx.guide = builder.guide
        ctx.placer = builder.placer
        ctx.kind = guide_kind(builder.guide)
        if builder.guide is None and 2 in self.snips:
            seg = transaction.header
            result.findings.append(ctx.finding(
                "snip2.guide.unknown", 2, f"no implementation guide is known for {transaction.set_id} "
                f"{transaction.guide!r}; only envelope checks were made", ctx.at(seg, None, 1, "ST03"),
                severity=Severity.WARNING))
        return builder

    def _end_transaction(self, ctx: Context, report: Report, builder: TreeBuilder, result: TransactionResult) -> None:
        builder.finish()
        start = len(result.findings)
        for rule in self.transaction_rules:
            result.findings.extend(rule(ctx, result))
        one_per_element(ctx.reported, result.findings, start)
        report.transactions.append(result)
        if self.sink is not None:
            self._give(ctx, result)
            self.sink.transaction(result)
        ctx.transaction = None

    def _give(self, ctx: Context, result: TransactionResult) -> None:
        """Streaming: hand the transaction's findings so far to the sink, in file order, and forget them."""
        for finding in sorted(result.findings, key=_segment_index):
            self.sink.finding(finding)  # type: ignore[union-attr]
        result.findings.clear()
        ctx.reported.clear()

    def _close_loop(self, ctx: Context, result: TransactionResult, loop: Loop, counts: dict[int, dict[int, int]],
                    builder: TreeBuilder) -> None:
        own = counts.pop(id(loop), None) or {}
        first: SegmentNode | None = None
        for child in loop.children:
            if child.__class__ is SegmentNode:
                if first is None:
                    first = child  # type: ignore[assignment]
                spec = child.spec  # type: ignore[union-attr]
                if spec is not None:
                    own[spec.uid] = own.get(spec.uid, 0) + 1
        if 2 in self.snips and ctx.guide is not None:
            anchor = first.segment if first is not None else result.transaction.header
            for problem in count_problems(loop.spec, own):
                at = anchor
                if problem.ik304 == "5":  # point at the first segment over the limit
                    same = [c.segment for c in loop.children if isinstance(c, SegmentNode) and c.spec is problem.child]
                    at = same[min(len(same) - 1, problem.limit)] if same else anchor
                result.findings.append(ctx.finding(
                    "snip2.loop.missing" if problem.ik304 == "3" else "snip2.loop.count", 2, problem.message,
                    ctx.at(at, loop), ik304=problem.ik304, missing=problem.child.id))
        start = len(result.findings)
        for rule in self.loop_rules.get(loop.spec.id, ()):
            result.findings.extend(rule(ctx, loop))
        if len(result.findings) > start:
            one_per_element(ctx.reported, result.findings, start)
        spec_id = loop.spec.id
        if spec_id in KEYED:
            first = loop.children[0] if loop.children else None
            if isinstance(first, SegmentNode) and first.segment.id == KEYED[spec_id]:
                start = int(ctx.state.pop("claim_start", 0))  # type: ignore[call-overload]
                own = result.findings[start:]
                if own and self.sink is None:
                    result.claim_findings[result.claims] = (first.segment[1], tuple(own))
                result.count_claim(first.segment, own, _levels(loop) if spec_id == "2300" else ())
                if self.sink is not None and result.findings:
                    self._give(ctx, result)
        parent = loop.parent
        held = id(loop) in self._holders
        self._holders.discard(id(loop))  # always: a freed loop's id may come back as another loop's
        if parent is not None:
            siblings = counts.setdefault(id(parent), {})
            siblings[loop.spec.uid] = siblings.get(loop.spec.uid, 0) + 1
            if spec_id in UNITS or held:
                # keep memory flat: a closed claim (and what held claims) has been checked
                self._holders.add(id(parent))
                if parent.children and parent.children[-1] is loop:
                    parent.children.pop()
                    builder.release(loop)

    # -- segments ----------------------------------------------------------------------------------------
    def _segment(self, ctx: Context, result: TransactionResult, node: SegmentNode, position: int) -> Segment | None:
        """Check one placed segment: its elements (unless the same text was clean before), then its rules. Returns
        the segment to place again, when it stood unexpected only for a component separator the ISA did not
        declare (its node is taken out again)."""
        spec = node.spec
        if spec is None:
            return self._unexpected(ctx, result, node, position)
        plan = self._plans.get(id(spec))  # specs live as long as their cached guide
        if plan is None:
            plan = self._plans[id(spec)] = (self._checker(spec), [*self.every_segment,
                                            *self.segment_rules.get(spec.id, ())],
                                            spec.usage == "N" or spec.id in KEYED.values())
        checker, rules, flagged = plan
        seg = node.segment
        if flagged:
            self._flagged(ctx, result, seg, spec, node.loop, position)
        elements, d = seg.elements, seg.delimiters
        if d is not checker.seen_with:
            problems = checker.check(elements, d)  # type: ignore[arg-type]
        elif elements in checker.seen:
            checker.hits += 1
            problems = None
        else:
            problems = checker.check_unseen(elements, d)  # type: ignore[arg-type]
        findings = result.findings
        start = len(findings)
        if problems:
            self._report(ctx, findings, seg, node.loop, position, problems)
        ctx.position = position
        for rule in rules:
            findings.extend(rule(ctx, node))
        if len(findings) > start:
            one_per_element(ctx.reported, findings, start)

    def _unexpected(self, ctx: Context, result: TransactionResult, node: SegmentNode,
                    position: int) -> Segment | None:
        """A segment the guide does not expect where it stands (SNIP 2) — unless it only stands there because its
        composites use another component separator than ISA16 declares: then it is returned, to place again."""
        seg = node.segment
        if ctx.guide is not None and seg.delimiters is not None:
            for spec in (n for n in ctx.guide.nodes if isinstance(n, SegmentSpec) and n.id == seg.id):
                fixed = self._component_separator(ctx, result.findings, seg, spec, node.loop, position)
                if fixed is not None:
                    node.loop.children.pop()  # the node just added: its segment is placed again
                    return seg.replace(delimiters=fixed)
        if 2 in self.snips and ctx.guide is not None:
            known = any(isinstance(n, SegmentSpec) and n.id == seg.id for n in ctx.guide.nodes)
            where = ctx.loop_path(node.loop) or node.loop.spec.id
            message = (f"{seg.id} is not expected here ({where}); the guide does not allow it in this loop "
                       "or after the segments before it" if known else
                       f"{seg.id or 'an empty segment'} is not a segment of this implementation guide")
            result.findings.append(ctx.finding("snip2.segment.unexpected" if known else "snip2.segment.unknown",
                                               2, message, ctx.at(seg, node.loop, position),
                                               ik304="2" if known else "1"))
        return None

    def _component_separator(self, ctx: Context, out: list[Finding], seg: Segment, spec: SegmentSpec,
                             loop: Loop | None, position: int) -> Delimiters | None:
        """When the segment's composites are written with another component separator than the interchange's ISA16
        declares (looked for only when a segment has problems): one SNIP 1 finding for the interchange, and the
        delimiters to read its segments with from here on (``ctx.redelimit``)."""
        d = seg.delimiters
        if d is None or ctx.transaction is None or (ctx.redelimit is not None and ctx.redelimit[1] is d):
            return None
        seen = component_separator_seen(seg.elements, spec, d)
        if seen is None:
            return None
        n, used = seen
        fixed = Delimiters(d.element, used, d.repetition if d.repetition != used else None, d.segment, d.line_break)
        ctx.redelimit = (d, fixed)
        if 1 in self.snips:
            element = spec.element(n)
            message = (f"the body separates components with {used!r} ({element.id if element else seg.id} "
                       f"{seg[n]!r}) but the ISA declares {d.component!r} (ISA16): its composites are read with "
                       f"{used!r} from here on; correct ISA16 or the body")
            location = ctx.at(seg, loop, position, element.id if element else None, element.name if element else None,
                              (n, 0, 0), element.data_ele if element else None)
            out.append(Finding(SEPARATORS, 1, Severity.ERROR, message, location, seg[n], "8", "6", "027"))
        return fixed

    def _flagged(self, ctx: Context, result: TransactionResult, seg: Segment, spec: SegmentSpec, loop: Loop,
                 position: int) -> None:
        """A segment the guide marks not used (SNIP 2), or a claim's first segment (its findings start here)."""
        if spec.usage == "N" and 2 in self.snips:
            result.findings.append(ctx.finding("snip2.segment.not_used", 2, f"{seg.id} ({spec.name}) is not used "
                                               "in this guide; remove it", ctx.at(seg, loop, position),
                                               ik304="I4"))
        if seg.id in KEYED.values():
            ctx.state["claim_start"] = len(result.findings)

    def _checker(self, spec: SegmentSpec) -> SegmentChecker:
        checker = self._checkers.get(id(spec))
        if checker is None:
            checker = self._checkers[id(spec)] = SegmentChecker(spec)
            for element in spec.elements:  # which segment spec a component's problem comes from
                for component in element.components:
                    self._owners[id(component)] = spec
        return checker

    def _elements(self, ctx: Context, out: list[Finding], seg: Segment, spec: SegmentSpec, loop: Loop | None,
                  position: int) -> None:
        problems = self._checker(spec).check(seg.elements, seg.delimiters)  # type: ignore[arg-type]
        self._report(ctx, out, seg, loop, position, problems)

    def _report(self, ctx: Context, out: list[Finding], seg: Segment, loop: Loop | None, position: int,
                problems: list[ElementProblem]) -> None:
        """Element problems as located findings (those of the SNIP types asked for)."""
        composite = next((p.spec for p in problems if p.component), None)
        spec = self._owners.get(id(composite)) if composite is not None else None
        if spec is not None:
            fixed = self._component_separator(ctx, out, seg, spec, loop, position)
            if fixed is not None:  # the problems were the separator's: check the segment as the body writes it
                problems = self._checker(spec).check(seg.elements, fixed)
        guess = ctx.placer.last_guess if ctx.placer is not None else None
        for p in problems:
            if p.snip not in self.snips:
                continue
            if guess is not None and guess[0] == seg.index:
                p = _placed_by_id(p, guess[1], loop)
            ref = p.spec.id if p.spec is not None else f"{seg.id}{p.element:02d}"
            location = ctx.at(seg, loop, position, ref, p.spec.name if p.spec else None,
                              (p.element, p.component, p.repetition), p.spec.data_ele if p.spec else None)
            area = f"segment.{p.kind}" if p.kind else f"element.{_IK403_NAMES.get(p.ik403, p.ik403)}"
            out.append(ctx.finding(f"snip{p.snip}.{area}", p.snip, p.message, location, value=p.value or None,
                                   ik304="8", ik403=p.ik403))

    def _envelope_segment(self, ctx: Context, report: Report, seg: Segment, role: Role) -> None:
        found: list[Finding] = []
        if role is Role.ISA:
            ctx.interchange_version = seg[12]
            if 1 in self.snips:
                found = isa_findings(seg, ctx.file)  # SNIP 1, at the element, with TA1 note codes
        elif role is Role.STRAY or 2 not in self.snips:
            return
        else:
            spec = None
            if role in (Role.GS, Role.GE):
                guide = guide_for(seg[8], functional_id=seg[1]) if role is Role.GS else ctx.group_guide
                ctx.group_guide = guide
                spec = guide.segment_by_path(f"/ISA_LOOP/GS_LOOP/{seg.id}") if guide is not None else None
            spec = spec or control_segment(seg.id, ctx.interchange_version)
            if spec is None:
                return
            saved, ctx.transaction = ctx.transaction, None
            self._elements(ctx, found, seg, spec, None, 0)
            ctx.transaction = saved
            if role is Role.IEA:  # a bad IEA element is an interchange problem: its TA1 note code
                found = [replace(f, ta1_note=IEA_TA105.get(f.location.element or "")) for f in found]
        if self.sink is None:
            report.envelope_findings.extend(found)
        else:
            for finding in found:
                self.sink.finding(finding)

    @staticmethod
    def _envelope_finding(file: str, f: EnvelopeFinding) -> Finding:
        location = Location(file, f.control, f.position.index, f.position.line, f.segment_id, element=f.element,
                            offset=f.position.offset)
        return Finding(f.code.replace("envelope.", "snip1.envelope."), 1, Severity.ERROR, f.message, location,
                       ta1_note=f.ta1_note)


def one_per_element(reported: dict[tuple[int, int, int], dict[int, Severity]], findings: list[Finding],
                    start: int) -> None:
    """One defect, one finding: of the findings from ``start`` on, drop each one about an element (or one of its
    components) that already has an error — the element checks run before the rules, so a value reported as too
    short, not a code or not a number gets no second finding from a rule that reads the same value (a ZIP code,
    an NPI, an amount). A warning never hides an error. ``reported`` maps (segment index, element, repetition)
    to the severities found per component (0: the whole element)."""
    kept = []
    for finding in findings[start:]:
        position = finding.location.element_position
        if not position or not position[0]:
            kept.append(finding)
            continue
        element, component, repetition = position
        seen = reported.setdefault((finding.location.segment_index, element, repetition), {})
        if Severity.ERROR in (seen.get(0), seen.get(component)):
            continue
        if finding.is_error or component not in seen:
            seen[component] = finding.severity
        kept.append(finding)
    if len(kept) < len(findings) - start:
        findings[start:] = kept


class _Share:
    """``tokenize(keep=)`` for part k of n: keeps every n-th transaction, from the k-th, by ST order. Asked once
    per ST by the tokenizer (when it can skip) and again by the validator: the answer is remembered."""

    def __init__(self, k: int, n: int) -> None:
        self.k, self.n = k, n
        self._answers: dict[int, bool] = {}

    def __call__(self, st: Segment) -> bool:
        answer = self._answers.get(st.index)
        if answer is None:
            answer = self._answers[st.index] = len(self._answers) % self.n == self.k
        return answer


def finish(validator: Validator, parts: list[Report]) -> Report:
    """One file's report from the reports of its parts (part 0 first): transactions in file order, sharing
    their group and interchange objects, then the file rules, then every finding in file order."""
    report = parts[0]
    for other in parts[1:]:
        report.transactions.extend(other.transactions)
        report.segments = max(report.segments, other.segments)
        if report.fatal is None and other.fatal is not None:
            report.fatal, report.fatal_at = other.fatal, other.fatal_at
    if len(parts) > 1:
        report.transactions.sort(key=lambda r: r.transaction.header.index)
        interchanges = {i.header.index: i for i in report.interchanges}
        groups: dict[int, Group] = {}
        for result in report.transactions:
            group = result.transaction.group
            if group is not None:
                group = result.transaction.group = groups.setdefault(group.header.index, group)
                group.interchange = interchanges.get(group.interchange.header.index, group.interchange)
        _once_per_interchange(report.transactions, SEPARATORS)  # each part found the body's separators anew
    for rule in validator.file_rules:
        for result, finding in rule(report.transactions):
            result.findings.append(finding)
    blocks: list[tuple[int, list[Finding]]] = [(f.location.segment_index, [f]) for f in report.envelope_findings]
    blocks += [(r.transaction.header.index, r.findings) for r in report.transactions]
    blocks.sort(key=lambda block: block[0])
    report.findings = [*report.framing_findings, *(f for _, findings in blocks for f in findings)]
    return report


def _placed_by_id(p: ElementProblem, guess: Guess, loop: Loop | None) -> ElementProblem:
    """The problem with a qualifier that placed its segment by id alone: name every code the guide takes here,
    and where the segment is read."""
    if p.ik403 != "7" or (p.element, p.component) != (guess.element, guess.component) or p.spec is None:
        return p
    target = guess.move.target
    where = f"{loop.spec.id} {target.name}" if loop is not None and not loop.spec.kind else target.name
    codes = ", ".join(sorted(guess.codes))
    message = (f"{p.spec.id} {p.spec.name}: {p.value!r} is not a code the guide takes here ({codes}); the segment "
               f"is read as {where}, by its id and position")
    return replace(p, message=message)


def _once_per_interchange(results: list[TransactionResult], code: str) -> None:
    """Keep the first finding with ``code`` of each interchange (transactions in file order)."""
    seen: set[str | None] = set()
    for result in results:
        if any(f.code == code for f in result.findings):
            kept = [f for f in result.findings if f.code != code or f.location.control[0] not in seen]
            seen.update(f.location.control[0] for f in result.findings if f.code == code)
            result.findings[:] = kept


def _segment_index(finding: Finding) -> int:
    return finding.location.segment_index


def replay(report: Report, sink: Sink) -> None:
    """Give a finished report's findings and transactions to ``sink`` in the order :meth:`Validator.stream`
    gives them: envelope findings where they stand, each transaction's own (its SE count …) and then its findings
    before the transaction itself."""
    own: dict[tuple[str | None, str | None, str | None], list[Finding]] = {}
    blocks: list[tuple[int, Finding | TransactionResult]] = []
    for finding in report.framing_findings:
        if finding.location.control[2] is not None:
            own.setdefault(finding.location.control, []).append(finding)
        else:
            blocks.append((finding.location.segment_index, finding))
    blocks += [(f.location.segment_index, f) for f in report.envelope_findings]
    blocks += [(r.transaction.header.index, r) for r in report.transactions]
    blocks.sort(key=lambda block: block[0])
    for _, item in blocks:
        if isinstance(item, Finding):
            sink.finding(item)
            continue
        group = item.transaction.group
        key = (group.interchange.control if group else None, group.control if group else None, item.transaction.control)
        for finding in [*own.pop(key, ()), *sorted(item.findings, key=_segment_index)]:
            sink.finding(finding)
        sink.transaction(item)
    for findings in own.values():
        for finding in findings:
            sink.finding(finding)


_IK403_NAMES = {"1": "required", "2": "conditional", "3": "too_many_elements", "4": "too_short", "5": "too_long",
                "6": "invalid_character", "7": "code", "8": "date", "9": "time", "10": "exclusion",
                "12": "too_many_repetitions", "13": "too_many_components", "I10": "not_used", "I12": "pattern"}


HL_LEVELS = frozenset({"2000A", "2000B", "2000C"})


def _levels(claim: Loop) -> tuple[int, ...]:
    """The segment index of each HL loop above an 837 claim, outermost first."""
    found = []
    loop = claim.parent
    while loop is not None:
        if loop.spec.id in HL_LEVELS and loop.children:
            first = loop.children[0]
            if isinstance(first, SegmentNode):
                found.append(first.segment.index)
        loop = loop.parent
    return tuple(reversed(found))
