"""Loop tree → 837 models, in one pass over each loop's children.

Each loop reader walks its loop's children once, sorting them by segment id (or child loop id) and keeping
what it does not cover as ``RawSegment``s in the model's ``extra``. Context models (billing provider,
subscriber, payer, patient) are built once per HL and shared by every claim under it. ``FOLDS`` lets the tree
builder turn each 2300 into its claim as soon as it closes, so a 5,000-claim transaction is read in the
memory of one claim; :func:`read_837` then picks the folded claims up.
"""

from __future__ import annotations

import functools
import gc
import weakref
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from msgspec.structs import replace

from edi.errors import EdiError
from edi.guide import FoldedLoop, Loop, SegmentNode, TransactionTree
from edi.models._base import RawSegment, Source, day, money, number, period
from edi.models._raw import envelope_of, envelope_source
from edi.models.claim import (Attachment, BillingProvider, Claim, ClaimTransaction, Contract, DateReference, Drug,
                              HealthCareCode, InstitutionalClaim, InstitutionalClaimTransaction, LineAdjudication,
                              Note, OtherPayer, Patient, PatientInformation, Person, ProfessionalClaim,
                              ProfessionalClaimTransaction, Provider, ServiceLine, Subscriber)
from edi.models.common import Amount, Party, Reference, address_of, adjustments_of, contact_of
from edi.x12 import Segment, Transaction


def read_837(tree: TransactionTree) -> ClaimTransaction:
    """An 837P or 837I transaction (by ST03/GS08, else by its guide) as a :class:`ClaimTransaction`."""
    env = tree.envelope
    if env.set_id != "837":
        raise EdiError(f"read_837 needs an 837 transaction, got ST01={env.set_id!r} (ST02 {env.control})")
    # The models are acyclic and untracked (gc=False), but the tuples holding them are tracked: left on, the
    # cyclic collector would walk the whole loop tree again and again while they are built (~20% of the time).
    enabled = gc.isenabled()
    gc.disable()
    version = env.guide or ""
    institutional = "X223" in version or ("X222" not in version and tree.guide is not None
                                          and "X223" in tree.guide.map_name)
    try:   # a tree whose claims were folded shares the contexts its folds read
        model = _Reader(envelope_source(env), institutional, _contexts.get(id(env), {})).transaction(tree.root)
        return replace(model, envelope=envelope_of(env))
    finally:
        if enabled:
            gc.enable()


def fold_claim(loop: Loop, envelope: Transaction) -> Claim:
    """A 2300 loop into its claim the moment it closes (see ``edi.guide.walk_file``'s ``folds``). Its context
    (billing provider, subscriber, payer, patient) is read once per HL and shared with the transaction's
    later claims and with :func:`read_837` on the folded tree."""
    reader = _reader(envelope)
    parent = loop.parent
    assert parent is not None
    patient = reader.patient_of(parent) if parent.spec.id == "2000C" else None
    level = parent.parent if patient is not None else parent
    assert level is not None and level.parent is not None
    subscriber, payer = reader.subscriber_of(level)
    return reader.claim(loop, reader.billing_of(level.parent), subscriber, payer, patient)


FOLDS = {"2300": fold_claim}

# Context models read by folds, per transaction envelope (dropped with it): HL level ("2000B") → (its latest loop,
# model).
_contexts: dict[int, dict[str, tuple[Loop, Any]]] = {}


def _reader(envelope: Transaction) -> _Reader:
    key = id(envelope)
    cache = _contexts.get(key)
    if cache is None:
        cache = _contexts[key] = {}
        weakref.finalize(envelope, _contexts.pop, key, None)
    version = envelope.guide or ""
    return _Reader(envelope_source(envelope), "X223" in version, cache)


def raw(seg: Segment) -> RawSegment:
    return RawSegment(elements=seg.elements)


def raw_loop(loop: Loop, skip: tuple[str, ...] = ()) -> list[RawSegment]:
    """Every segment of a loop and the loops under it, but those under child loops named in ``skip``."""
    out: list[RawSegment] = []
    for child in loop.children:
        if isinstance(child, SegmentNode):
            out.append(RawSegment(elements=child.segment.elements))
        elif child.spec.id not in skip:
            out += raw_loop(child)
    return out


def trimmed(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Components with trailing empties dropped (the writer drops them too)."""
    end = len(parts)
    while end and not parts[end - 1]:
        end -= 1
    return parts[:end] if end < len(parts) else parts


def date_reference(seg: Segment) -> DateReference | None:
    """A DTP, or None when its format is unknown or its value does not parse (the caller keeps it raw)."""
    e = seg.elements
    if len(e) != 4:
        return None
    _, qualifier, fmt, value = e
    if fmt == "D8":
        start = day(value)
        return DateReference(qualifier=qualifier, format=fmt, start=start) if start is not None else None
    if fmt == "RD8":
        start, end = period(fmt, value)
        if start is None or end is None:
            return None
        return DateReference(qualifier=qualifier, format=fmt, start=start, end=end)
    if fmt == "DT":
        start = day(value[:8])
        ok = start is not None and value[8:].isdigit()
        return DateReference(qualifier=qualifier, format=fmt, start=start, time=value[8:]) if ok else None
    if fmt == "TM" and value.isdigit():
        return DateReference(qualifier=qualifier, format=fmt, time=value)
    return None


def health_care_codes(seg: Segment, out: list[HealthCareCode]) -> None:
    """Append the HI composites of ``seg`` to ``out`` (empty ones are skipped)."""
    d = seg.delimiters
    sep = d.component if d is not None else ":"
    for value in seg.elements[1:]:
        if sep in value:
            parts = value.split(sep)
            if len(parts) == 2:
                out.append(HealthCareCode(qualifier=parts[0], code=parts[1]))
                continue
            c = tuple(parts)
        elif value:
            c = (value,)
        else:
            continue
        out.append(_full_code(c + ("",) * (9 - len(c))))


def _full_code(c: tuple[str, ...]) -> HealthCareCode:
    start = end = None
    if c[3]:
        if c[2] == "RD8":
            start, end = period("RD8", c[3])
        else:
            start = day(c[3])
    return HealthCareCode(qualifier=c[0], code=c[1], date_format=c[2], start=start, end=end, amount=money(c[4]),
                          quantity=number(c[5]), version=c[6], industry_code=c[7], present_on_admission=c[8])


def padded(seg: Segment | tuple[str, ...] | None, n: int) -> tuple[str, ...]:
    """A segment's elements (id first) with empty strings up to element ``n`` (all empty for None)."""
    if seg is None:
        return ("",) * (n + 1)
    e = seg if isinstance(seg, tuple) else seg.elements
    return e if len(e) > n else e + ("",) * (n + 1 - len(e))


def pointers(seg: Segment, n: int) -> tuple[int, ...]:
    value = seg[n]
    if not value:
        return ()
    if len(value) == 1:
        return (int(value),) if value.isdigit() else ()
    return _pointers(value, seg.delimiters.component if seg.delimiters else ":")


@functools.lru_cache(maxsize=1024)  # a batch's lines point at the same few diagnoses
def _pointers(value: str, sep: str) -> tuple[int, ...]:
    return tuple(int(p) for p in value.split(sep) if p.isdigit())


def reference(seg: Segment) -> Reference:
    e = seg.elements
    if len(e) == 3:
        return Reference(qualifier=e[1], value=e[2])
    e = padded(seg, 3)
    return Reference(qualifier=e[1], value=e[2], description=e[3])


def attachment(seg: Segment) -> Attachment:
    e = padded(seg, 6)
    return Attachment(report_type=e[1], transmission=e[2], id_qualifier=e[5], control_number=e[6])


def notes(many: dict[str, list[Segment]]) -> tuple[Note, ...]:
    return tuple(Note(qualifier=seg[1], text=seg[2]) for seg in many.get("NTE", ()))


def hl(loop: Loop) -> Segment:
    """A loop's first segment (its HL, NM1, CLM … that opened it)."""
    first = loop.children[0]
    assert isinstance(first, SegmentNode)
    return first.segment


def pat(seg: Segment | None) -> tuple[str, date | None, str, Decimal | None, str]:
    """A PAT's values in PatientInformation field order: relationship, death date, weight unit, weight, pregnancy."""
    e = padded(seg, 9)
    return e[1], day(e[6]), e[7], number(e[8]), e[9]


class _Reader:
    """Reads one transaction; holds its envelope source and whether it is an 837I."""

    def __init__(self, txn: Source, institutional: bool, cache: dict[str, tuple[Loop, Any]]) -> None:
        self.txn = txn
        self.institutional = institutional
        self.cache = cache
        self.claims: list[Claim] = []
        self.unclaimed: list[RawSegment] = []  # HL levels under which no claim was read

    def src(self, seg: Segment) -> Source:
        return replace(self.txn, segment=seg.index)

    def split(self, loop: Loop, singles: tuple[str, ...] = (), repeats: tuple[str, ...] = (),
              loops: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> tuple[
            dict[str, Segment], dict[str, list[Segment]], list[Loop], list[RawSegment]]:
        """One pass over a loop's children after its first segment: the first segment of each id in ``singles``,
        every segment of each id in ``repeats``, the child loops named in ``loops`` (in file order), and the
        rest as raw segments, but the child loops named in ``skip``."""
        one: dict[str, Segment] = {}
        many: dict[str, list[Segment]] = {}
        kids: list[Loop] = []
        extra: list[RawSegment] = []
        for child in loop.children[1:]:
            if isinstance(child, Loop):
                lid = child.spec.id
                if lid in loops:
                    kids.append(child)
                elif lid not in skip:
                    extra += raw_loop(child)
                continue
            seg = child.segment
            sid = seg.id
            if sid in repeats:
                many.setdefault(sid, []).append(seg)
            elif sid in singles and sid not in one:
                one[sid] = seg
            else:
                extra.append(raw(seg))
        return one, many, kids, extra

    @staticmethod
    def firsts(kids: list[Loop], extra: list[RawSegment], below: tuple[str, ...] = ()) -> tuple[
            dict[str, Loop], list[Loop]]:
        """The first child loop of each id, and the loops named in ``below`` in order; other repeats go raw."""
        first: dict[str, Loop] = {}
        under: list[Loop] = []
        for kid in kids:
            lid = kid.spec.id
            if lid in below:
                under.append(kid)
            elif lid in first:
                extra.extend(raw_loop(kid))
            else:
                first[lid] = kid
        return first, under

    # -- transaction and header --------------------------------------------------------------------------
    def transaction(self, root: Loop, claims: bool = True) -> ClaimTransaction:
        """The transaction in ``root``; with ``claims=False`` only what comes before its hierarchy (ST, BHT,
        1000A, 1000B and segments around them: the head the streaming reader emits), DETAIL left alone."""
        st = root.children[0]
        assert isinstance(st, SegmentNode)
        _, _, wrappers, extra = self.split(root, ("SE",), (), ("HEADER", "DETAIL"))
        bht: Segment | None = None
        names: dict[str, Loop] = {}
        for wrapper in wrappers:     # a wrapper has no first segment of its own: read all its children
            if not claims and wrapper.spec.id == "DETAIL":
                continue
            for node in wrapper.children:
                if isinstance(node, SegmentNode):
                    if node.segment.id == "BHT" and bht is None:
                        bht = node.segment
                    else:
                        extra.append(raw(node.segment))
                elif node.spec.id == "2000A":
                    self.billing(node)
                elif node.spec.id in ("1000A", "1000B") and node.spec.id not in names:
                    names[node.spec.id] = node
                else:
                    extra += raw_loop(node)
        submitter, receiver = (self.party(names[n], extra) if n in names else None for n in ("1000A", "1000B"))
        b = padded(bht, 6)
        cls = InstitutionalClaimTransaction if self.institutional else ProfessionalClaimTransaction
        return cls(hierarchical_structure=b[1], purpose=b[2], originator_id=b[3], creation_date=day(b[4]),
                   creation_time=b[5], transaction_type=b[6], submitter=submitter, receiver=receiver,
                   claims=tuple(self.claims), extra=tuple(extra),  # type: ignore[arg-type]
                   after_claims=tuple(self.unclaimed), source=self.src(st.segment))

    def party(self, loop: Loop, rest: list[RawSegment]) -> Party:
        """The party an NM1 loop names; segments it does not cover go to ``rest``."""
        children = loop.children
        first = children[0]
        assert isinstance(first, SegmentNode)
        n3 = n4 = None
        references: list[Reference] = []
        contacts = []
        for child in children[1:]:  # what split() does, unrolled: a file names two or three parties per claim
            if child.__class__ is not SegmentNode:
                rest += raw_loop(child)  # type: ignore[arg-type]
                continue
            seg = child.segment  # type: ignore[union-attr]
            sid = seg.id
            if sid == "REF":
                references.append(reference(seg))
            elif sid == "PER":
                contacts.append(contact_of(seg))
            elif sid == "N3" and n3 is None:
                n3 = seg
            elif sid == "N4" and n4 is None:
                n4 = seg
            else:
                rest.append(raw(seg))
        e = padded(first.segment, 9)
        # positional, in PARTY_FIELDS order (a wide keyword call costs ~10x more in msgspec)
        return Party(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9], address_of(n3, n4) if n3 or n4 else None,
                     tuple(references), tuple(contacts), self.src(first.segment))

    def person(self, loop: Loop) -> Person:
        rest: list[RawSegment] = []
        name = self.party(loop, rest)
        dmg = padded(self.take(rest, "DMG"), 3)
        return Person(name=name, birth_date=day(dmg[2]), gender=dmg[3], extra=tuple(rest), source=name.source)

    def provider(self, loop: Loop) -> Provider:
        rest: list[RawSegment] = []
        party = self.party(loop, rest)
        prv = padded(self.take(rest, "PRV"), 3)
        return Provider(party=party, specialty=prv[1], taxonomy=prv[3], extra=tuple(rest), source=party.source)

    @staticmethod
    def take(rest: list[RawSegment], seg_id: str) -> tuple[str, ...] | None:
        """Remove the first ``seg_id`` segment from ``rest`` and give its elements (None when there is none)."""
        for i, item in enumerate(rest):
            if item.elements[0] == seg_id:
                return rest.pop(i).elements
        return None

    # -- hierarchy ----------------------------------------------------------------------------------------
    def mark(self) -> tuple[int, int]:
        return len(self.claims), len(self.unclaimed)

    def orphan(self, loop: Loop, mark: tuple[int, int], skip: tuple[str, ...]) -> None:
        """An HL under which no claim was read keeps its segments at the transaction level, in file order
        (nothing is lost); ``skip`` names the child loops that look after themselves."""
        if len(self.claims) == mark[0]:
            self.unclaimed[mark[1]:mark[1]] = raw_loop(loop, skip)

    def cached(self, loop: Loop, read: Callable[[Loop], Any]) -> Any:
        """The context of an HL loop, read once. Only the latest loop of each level is kept: HL loops of a level
        follow one another, so a transaction's contexts never pile up."""
        level = loop.spec.id
        found = self.cache.get(level)
        if found is None or found[0] is not loop:
            found = self.cache[level] = (loop, read(loop))
        return found[1]

    def billing_of(self, loop: Loop) -> BillingProvider:
        """The 2000A context: billing provider, pay-to address and plan (its 2000B loops are not read here)."""
        return self.cached(loop, self._billing)  # type: ignore[no-any-return]

    def _billing(self, loop: Loop) -> BillingProvider:
        one, _, kids, extra = self.split(loop, ("PRV", "CUR"), (), ("2010AA", "2010AB", "2010AC"), ("2000B",))
        names, _ = self.firsts(kids, extra)
        parties = {n: self.party(names[n], extra) if n in names else None for n in ("2010AA", "2010AB", "2010AC")}
        prv = padded(one.get("PRV"), 3)
        return BillingProvider(provider=parties["2010AA"], specialty=prv[1], taxonomy=prv[3],
                               currency=one["CUR"][2] if "CUR" in one else "", pay_to_address=parties["2010AB"],
                               pay_to_plan=parties["2010AC"], extra=tuple(extra), source=self.src(hl(loop)))

    def subscriber_of(self, loop: Loop) -> tuple[Subscriber, Party | None]:
        """The 2000B context: the subscriber and the payer (2010BB)."""
        return self.cached(loop, self._subscriber)  # type: ignore[no-any-return]

    def _subscriber(self, loop: Loop) -> tuple[Subscriber, Party | None]:
        singles = ("SBR",) if self.institutional else ("SBR", "PAT")
        one, _, kids, extra = self.split(loop, singles, (), ("2010BA", "2010BB"), ("2300", "2000C"))
        names, _ = self.firsts(kids, extra)
        member = self.person(names["2010BA"]) if "2010BA" in names else None
        payer = self.party(names["2010BB"], extra) if "2010BB" in names else None
        s = padded(one.get("SBR"), 9)
        return Subscriber(payer_responsibility=s[1], relationship=s[2], group_number=s[3], group_name=s[4],
                          insurance_type=s[5], claim_filing_indicator=s[9], member=member,
                          patient_information=PatientInformation(*pat(one["PAT"])) if "PAT" in one else None,
                          extra=tuple(extra), source=self.src(hl(loop))), payer

    def patient_of(self, loop: Loop) -> Patient:
        """The 2000C context: the patient."""
        return self.cached(loop, self._patient)  # type: ignore[no-any-return]

    def _patient(self, loop: Loop) -> Patient:
        one, _, kids, extra = self.split(loop, ("PAT",), (), ("2010CA",), ("2300",))
        names, _ = self.firsts(kids, extra)
        person = self.person(names["2010CA"]) if "2010CA" in names else None
        return Patient(*pat(one.get("PAT")), person, tuple(extra), self.src(hl(loop)))  # PatientInformation order

    def billing(self, loop: Loop) -> None:
        """The claims under a 2000A, in file order (folded ones as they were folded)."""
        billing = self.billing_of(loop)
        mark = self.mark()
        for child in loop.children:
            if isinstance(child, Loop) and child.spec.id == "2000B":
                subscriber, payer = self.subscriber_of(child)
                mark_b = self.mark()
                for kid in child.children:
                    if isinstance(kid, Loop) and kid.spec.id == "2300":
                        self.add_claim(kid, billing, subscriber, payer, None)
                    elif isinstance(kid, Loop) and kid.spec.id == "2000C":
                        patient, mark_c = self.patient_of(kid), self.mark()
                        for claim in kid.children:
                            if isinstance(claim, Loop) and claim.spec.id == "2300":
                                self.add_claim(claim, billing, subscriber, payer, patient)
                        self.orphan(kid, mark_c, ())
                self.orphan(child, mark_b, ("2300", "2000C"))
        self.orphan(loop, mark, ("2000B",))

    def add_claim(self, loop: Loop, billing: BillingProvider, subscriber: Subscriber, payer: Party | None,
                  patient: Patient | None) -> None:
        self.claims.append(loop.value if isinstance(loop, FoldedLoop)  # type: ignore[arg-type]
                           else self.claim(loop, billing, subscriber, payer, patient))

    # -- claim --------------------------------------------------------------------------------------------
    def claim(self, loop: Loop, billing: BillingProvider, subscriber: Subscriber, payer: Party | None,
              patient: Patient | None) -> ProfessionalClaim | InstitutionalClaim:
        clm = hl(loop)
        one, many, kids, extra = self.split(loop, ("CL1", "CN1") if self.institutional else ("CN1",),
                                            ("HI", "DTP", "REF", "AMT", "NTE", "PWK", "K3"), CLAIM_LOOPS)
        codes: list[HealthCareCode] = []
        for hi in many.get("HI", ()):
            health_care_codes(hi, codes)
        providers, others, lines = [], [], []
        for kid in kids:
            lid = kid.spec.id
            (lines.append(self.line(kid)) if lid == "2400" else others.append(self.other_payer(kid))
             if lid == "2320" else providers.append(self.provider(kid)))
        k = padded(one.get("CN1"), 6)
        contract = Contract(contract_type=k[1], amount=money(k[2]), percent=number(k[3]), code=k[4],
                            terms_discount=number(k[5]), version=k[6]) if "CN1" in one else None
        e = padded(clm, 20)
        place = clm.components(5) + ("", "", "")
        # positional, in CLAIM_FIELDS order, then the variant's own fields
        common = (billing, subscriber, payer, patient, e[1], money(e[2]), place[0], place[1], place[2], e[6], e[7],
                  e[8], e[9], e[20], self.dates(many, extra), tuple(attachment(s) for s in many.get("PWK", ())),
                  contract, self.amounts(many, extra), tuple(reference(s) for s in many.get("REF", ())),
                  tuple(s[1] for s in many.get("K3", ())), notes(many), tuple(codes), tuple(providers),
                  tuple(others), tuple(lines), tuple(extra), self.src(clm))
        if self.institutional:
            c = padded(one.get("CL1"), 3)
            return InstitutionalClaim(*common, c[1], c[2], c[3])
        causes = clm.components(11) + ("", "", "", "", "")
        return ProfessionalClaim(*common, e[10], trimmed(causes[:3]), causes[3], causes[4], e[12])

    @staticmethod
    def dates(many: dict[str, list[Segment]], extra: list[RawSegment]) -> tuple[DateReference, ...]:
        """The DTPs that parse; the others go to ``extra``."""
        found = []
        for seg in many.get("DTP", ()):
            d = date_reference(seg)
            (found.append(d) if d is not None else extra.append(raw(seg)))
        return tuple(found)

    @staticmethod
    def amounts(many: dict[str, list[Segment]], extra: list[RawSegment]) -> tuple[Amount, ...]:
        """The AMTs whose amount parses; the others go to ``extra``."""
        found = []
        for seg in many.get("AMT", ()):
            value = money(seg[2])
            (found.append(Amount(qualifier=seg[1], amount=value)) if value is not None else extra.append(raw(seg)))
        return tuple(found)

    def other_payer(self, loop: Loop) -> OtherPayer:
        sbr = padded(hl(loop), 9)
        loops = ("2330A", "2330B", "2330C", "2330D", "2330E", "2330F", "2330G", "2330H", "2330I")
        one, many, kids, extra = self.split(loop, ("OI",), ("CAS", "AMT"), loops)
        names, _ = self.firsts(kids, extra)
        subscriber = self.party(names.pop("2330A"), extra) if "2330A" in names else None
        payer, paid_on = None, None
        if "2330B" in names:
            rest: list[RawSegment] = []
            payer = self.party(names.pop("2330B"), rest)
            dtp = self.take(rest, "DTP")
            e = padded(dtp, 3)
            paid_on = day(e[3]) if e[1:3] == ("573", "D8") else None
            extra += rest if paid_on is not None or dtp is None else [RawSegment(elements=dtp), *rest]
        o = padded(one.get("OI"), 6)
        return OtherPayer(payer_responsibility=sbr[1], relationship=sbr[2], group_number=sbr[3], group_name=sbr[4],
                          insurance_type=sbr[5], claim_filing_indicator=sbr[9],
                          adjustments=tuple(a for cas in many.get("CAS", ()) for a in adjustments_of(cas)),
                          amounts=self.amounts(many, extra), benefits_assignment=o[3], patient_signature_source=o[4],
                          release_of_information=o[6], subscriber=subscriber, payer=payer, adjudication_date=paid_on,
                          providers=tuple(self.party(kid, extra) for kid in names.values()), extra=tuple(extra),
                          source=self.src(hl(loop)))

    # -- service line -------------------------------------------------------------------------------------
    def line(self, loop: Loop) -> ServiceLine:
        service = "SV2" if self.institutional else "SV1"
        sv = None
        many: dict[str, list[Segment]] = {"DTP": [], "REF": [], "AMT": [], "NTE": []}
        kids: list[Loop] = []
        extra: list[RawSegment] = []
        for child in loop.children[1:]:  # what split() does, unrolled: every claim has lines
            if child.__class__ is not SegmentNode:
                if child.spec.id in LINE_LOOPS:  # type: ignore[union-attr]
                    kids.append(child)  # type: ignore[arg-type]
                else:
                    extra += raw_loop(child)  # type: ignore[arg-type]
                continue
            seg = child.segment  # type: ignore[union-attr]
            found = many.get(seg.id)
            if found is not None:
                found.append(seg)
            elif seg.id == service and sv is None:
                sv = seg
            else:
                extra.append(raw(seg))
        drug = None
        providers, adjudications = [], []
        for kid in kids:
            lid = kid.spec.id
            if lid == "2410" and drug is None:
                drug = self.drug(kid)
            elif lid == "2410":
                extra += raw_loop(kid)
            else:
                (adjudications.append(self.adjudication(kid)) if lid == "2430" else
                 providers.append(self.provider(kid)))
        values = NO_SERVICE if sv is None else institutional_service(sv) if self.institutional else \
            professional_service(sv)
        return ServiceLine(*values, self.dates(many, extra), tuple(reference(s) for s in many.get("REF", ())),
                           self.amounts(many, extra), notes(many), drug, tuple(providers), tuple(adjudications),
                           tuple(extra), self.src(hl(loop)))  # LINE_FIELDS order

    def drug(self, loop: Loop) -> Drug:
        lin = padded(hl(loop), 3)
        one, many, _, extra = self.split(loop, ("CTP",), ("REF",))
        c = padded(one.get("CTP"), 5)
        return Drug(qualifier=lin[2], code=lin[3], unit_price=money(c[3]), quantity=number(c[4]),
                    unit=one["CTP"].component(5, 1) if "CTP" in one else "",
                    references=tuple(reference(ref) for ref in many.get("REF", ())), extra=tuple(extra),
                    source=self.src(hl(loop)))

    def adjudication(self, loop: Loop) -> LineAdjudication:
        svd = hl(loop)
        e = padded(svd, 6)
        one, many, _, extra = self.split(loop, ("DTP", "AMT"), ("CAS",))
        dtp, amt = padded(one.get("DTP"), 3), padded(one.get("AMT"), 2)
        paid_on = day(dtp[3]) if dtp[1:3] == ("573", "D8") else None
        remaining = money(amt[2]) if amt[1] == "EAF" else None
        extra += [raw(one[k]) for k, ok in (("DTP", paid_on), ("AMT", remaining)) if k in one and ok is None]
        qualifier, code, modifiers, description = procedure(svd.components(3))
        return LineAdjudication(payer_id=e[1], paid_amount=money(e[2]), procedure_qualifier=qualifier,
                                procedure_code=code, procedure_modifiers=modifiers, description=description,
                                revenue_code=e[4], paid_units=number(e[5]),
                                bundled_line=int(e[6]) if e[6].isdigit() else None,
                                adjustments=tuple(a for cas in many.get("CAS", ()) for a in adjustments_of(cas)),
                                adjudication_date=paid_on, remaining_patient_liability=remaining, extra=tuple(extra),
                                source=self.src(svd))


# The wide models are built with positional arguments (msgspec takes a 24-argument keyword call ~10x slower);
# these are the field orders the readers rely on (checked by the tests).
PARTY_FIELDS = ("entity", "entity_type", "last_name", "first_name", "middle_name", "suffix", "id_qualifier", "id",
                "address", "references", "contacts", "source")
CLAIM_FIELDS = ("billing_provider", "subscriber", "payer", "patient", "patient_control_number", "total_charge",
                "facility_code", "facility_code_qualifier", "frequency_code", "provider_signature", "assignment",
                "benefits_assignment", "release_of_information", "delay_reason", "dates", "attachments", "contract",
                "amounts", "references", "file_information", "notes", "health_care_codes", "providers",
                "other_payers", "lines", "extra", "source")
PROFESSIONAL_FIELDS = ("patient_signature_source", "related_causes", "accident_state", "accident_country",
                       "special_program")
INSTITUTIONAL_FIELDS = ("admission_type", "admission_source", "patient_status")
LINE_FIELDS = ("revenue_code", "procedure_qualifier", "procedure_code", "procedure_modifiers", "description",
               "charge", "unit_basis", "units", "place_of_service", "diagnosis_pointers", "emergency", "epsdt",
               "family_planning", "copay_status", "non_covered_charge", "dates", "references", "amounts", "notes",
               "drug", "providers", "adjudications", "extra", "source")
CLAIM_LOOPS = ("2310A", "2310B", "2310C", "2310D", "2310E", "2310F", "2320", "2400")
LINE_LOOPS = ("2410", "2420A", "2420B", "2420C", "2420D", "2420E", "2420F", "2420G", "2420H", "2430")
# A service line's SV1/SV2 values (the first 15 LINE_FIELDS).
NO_SERVICE = ("", "", "", (), "", None, "", None, "", (), "", "", "", "", None)


def procedure(parts: tuple[str, ...]) -> tuple[str, str, tuple[str, ...], str]:
    """A procedure composite (SV101, SV202, SVD03): qualifier, code, modifiers, description."""
    n = len(parts)
    if n == 2:
        return parts[0], parts[1], (), ""
    return parts[0], parts[1] if n > 1 else "", trimmed(parts[2:6]), parts[6] if n > 6 else ""


@functools.lru_cache(maxsize=4096)  # procedures repeat (a fee schedule's codes); the result is immutable
def _procedure(value: str, sep: str) -> tuple[str, str, tuple[str, ...], str]:
    return procedure(tuple(value.split(sep)))


def professional_service(sv1: Segment) -> tuple:  # type: ignore[type-arg]
    e = padded(sv1, 15)
    sep = sv1.delimiters.component if sv1.delimiters else ":"
    return ("", *_procedure(e[1], sep), money(e[2]), e[3], number(e[4]), e[5], pointers(sv1, 7), e[9],
            e[11], e[12], e[15], None)


def institutional_service(sv2: Segment) -> tuple:  # type: ignore[type-arg]
    e = padded(sv2, 7)
    sep = sv2.delimiters.component if sv2.delimiters else ":"
    return (e[1], *(_procedure(e[2], sep) if e[2] else ("", "", (), "")), money(e[3]), e[4], number(e[5]), "",
            (), "", "", "", "", money(e[7]))
