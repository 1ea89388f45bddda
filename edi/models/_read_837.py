"""Loop tree → 837 models, in one pass over each loop's children.

Each loop reader walks its loop's children once, sorting them by segment id (or child loop id) and keeping
what it does not cover as ``RawSegment``s in the model's ``extra`` — with the repeating segments a model cannot
give back as read (a REF with REF04, a DTP that does not parse, an AMT of ".5"). What a single segment holds
beyond its fields (an element the guide does not use, an invalid date) goes to its model's ``unheld``; so do the
HL and LX numbers when they are not the ones the writer would give. Context models (billing provider,
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
from edi.models import _write_837  # the writer's HI grouping and DTP, to tell whether they give a segment back
from edi.models._base import (ABSENT, LOOSE, Held, RawSegment, Source, Unheld, bare, canonical, core, day,
                              has_separators, money, number, numbers_exact, period, separators)
from edi.models._raw import envelope_of, envelope_source
from edi.models.claim import (Attachment, BillingProvider, Claim, ClaimTransaction, Contract, DateReference, Drug,
                              HealthCareCode, InstitutionalClaim, InstitutionalClaimTransaction, LineAdjudication,
                              Note, OtherPayer, Patient, PatientInformation, Person, ProfessionalClaim,
                              ProfessionalClaimTransaction, Provider, ServiceLine, Subscriber)
from edi.models.common import Amount, Party, Reference, address_of, cas_adjustments, exact_contact, party_unheld
from edi.x12 import Delimiters, Segment, Transaction


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
        model = _Reader(envelope_source(env), institutional, _contexts.get(id(env), {}),
                        env.header.delimiters).transaction(tree.root)
        return replace(model, envelope=envelope_of(env))
    finally:
        if enabled:
            gc.enable()


def fold_claim(loop: Loop, envelope: Transaction) -> Claim:
    """A 2300 loop into its claim the moment it closes (see ``edi.guide.walk_file``'s ``folds``). Its context
    (billing provider, subscriber, payer, patient) is read once per HL and shared with the transaction's
    later claims and with :func:`read_837` on the folded tree."""
    reader = _reader(envelope)
    return reader.claim(loop, *reader.contexts(loop))


FOLDS = {"2300": fold_claim}

# Context models read by folds, per transaction envelope (dropped with it): HL level ("2000B") → (its latest loop,
# model); "#hl" → the HL numbering so far.
_contexts: dict[int, dict[str, Any]] = {}


def _reader(envelope: Transaction) -> _Reader:
    key = id(envelope)
    cache = _contexts.get(key)
    if cache is None:
        cache = _contexts[key] = {}
        weakref.finalize(envelope, _contexts.pop, key, None)
    version = envelope.guide or ""
    return _Reader(envelope_source(envelope), "X223" in version, cache, envelope.header.delimiters)


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


# -- what the models hold (see edi.models._base.Held); "x" marks what the reader checks itself ------------------
BHT = Held("BHT", "s", "s", "s", "d", "s", "s")
HL = Held("HL", "x", "x", "x", "x")
SBR = Held("SBR", "s", "s", "s", "s", "s", "", "", "", "s")
PAT = Held("PAT", "s", "", "", "", "x", "d", "s", "n", "s")
CLM_P = Held("CLM", "s", "n", "", "", "csss", "s", "s", "s", "s", "s", "csssss", "s", "", "", "", "", "", "", "",
             "s")
CLM_I = Held("CLM", "s", "n", "", "", "csss", "s", "s", "s", "s", "", "", "", "", "", "", "", "", "", "", "s")
CL1 = Held("CL1", "s", "s", "s")
CN1 = Held("CN1", "s", "n", "n", "s", "n", "s")
OI = Held("OI", "", "", "s", "s", "", "s")
LX = Held("LX", "x")
SV1 = Held("SV1", "csssssss", "n", "s", "n", "s", "", "x", "", "s", "", "s", "s", "", "", "s")
SV2 = Held("SV2", "s", "csssssss", "n", "s", "n", "", "n")
LIN = Held("LIN", "", "s", "s")
CTP = Held("CTP", "", "", "n", "n", "cs")
SVD = Held("SVD", "s", "n", "csssssss", "s", "n", "i")


def unheld_of(held: Held, seg: Segment) -> Unheld:
    return held.unheld(seg.elements, *separators(seg))


def date_reference(e: tuple[str, ...]) -> DateReference | None:
    """A DTP (elements without trailing empty ones, no separator in them) the model gives back as read, or None
    when its format is unknown, its value does not parse or it holds more (the caller keeps it raw)."""
    if len(e) == 4:
        _, qualifier, fmt, value = e
        if fmt == "D8":
            start = day(value)
            if start is not None:
                return DateReference(qualifier, fmt, start)  # the usual case
    elif len(e) != 3:
        return None
    return _odd_date(e)


def _odd_date(e: tuple[str, ...]) -> DateReference | None:
    """A DTP other than D8 with a date: RD8, DT, TM, or a value left empty — when the model gives it back."""
    qualifier, fmt, value = e[1], e[2], e[3] if len(e) == 4 else ""
    if fmt == "RD8":
        start, end = period(fmt, value) if value else (None, None)
        found = DateReference(qualifier, fmt, start, end)
    elif fmt == "DT":
        start = day(value[:8])
        found = DateReference(qualifier, fmt, start, None, value[8:] if start is not None else value)
    elif fmt == "TM":
        found = DateReference(qualifier, fmt, None, None, value)
    else:
        found = DateReference(qualifier, fmt, day(value))
    return found if _write_837.dtp(found)[1:] == e[1:] + ("",) * (4 - len(e)) else None


def health_care_codes(seg: Segment) -> list[HealthCareCode] | None:
    """The HI composites of ``seg``, or None when they would not give the segment back (an empty composite
    before a filled one, a date or amount not written as read, more than nine components)."""
    component, repetition = separators(seg)
    values = core(seg.elements)[1:]
    if (repetition and any(repetition in v for v in values)) or not values[-1:] or not all(values):
        return None  # (an empty composite: the writer would close the gap)
    out = []
    for value in values:
        parts = value.split(component)
        if len(parts) == 2:
            out.append(HealthCareCode(qualifier=parts[0], code=parts[1]))
            continue
        if len(parts) > 9:
            return None
        code = _full_code(tuple(parts) + ("",) * (9 - len(parts)))
        if trimmed(hi_composite(code)) != trimmed(tuple(parts)):
            return None
        out.append(code)
    return out


def _full_code(c: tuple[str, ...]) -> HealthCareCode:
    start = end = None
    if c[3]:
        if c[2] == "RD8":
            start, end = period("RD8", c[3])
        else:
            start = day(c[3])
    return HealthCareCode(qualifier=c[0], code=c[1], date_format=c[2], start=start, end=end, amount=money(c[4]),
                          quantity=number(c[5]), version=c[6], industry_code=c[7], present_on_admission=c[8])


def hi_composite(c: HealthCareCode) -> tuple[str, ...]:
    """An HI composite's components as the writer gives them."""
    from edi.models._base import text

    if c.date_format == "RD8" and c.end is not None:
        when = f"{text(c.start)}-{text(c.end)}"
    else:
        when = text(c.start)
    return (c.qualifier, c.code, c.date_format, when, text(c.amount), text(c.quantity), c.version, c.industry_code,
            c.present_on_admission)


def padded(seg: Segment | tuple[str, ...] | None, n: int) -> tuple[str, ...]:
    """A segment's elements (id first) with empty strings up to element ``n`` (all empty for None)."""
    if seg is None:
        return ("",) * (n + 1)
    e = seg if isinstance(seg, tuple) else seg.elements
    return e if len(e) > n else e + ("",) * (n + 1 - len(e))


def pointers(value: str, sep: str) -> tuple[int, ...] | None:
    """SV107's diagnosis pointers, or None when they would not come back as read (not plain numbers, a gap)."""
    if not value:
        return ()
    if len(value) == 1:
        return (int(value),) if value.isdigit() else None
    return _pointers(value, sep)


@functools.lru_cache(maxsize=1024)  # a batch's lines point at the same few diagnoses
def _pointers(value: str, sep: str) -> tuple[int, ...] | None:
    parts = trimmed(tuple(value.split(sep)))
    if len(parts) > 4 or not all(p.isdigit() and str(int(p)) == p for p in parts):
        return None
    return tuple(int(p) for p in parts)


# Readers of repeating segments, from their elements (without trailing empty ones, no separator in them): the
# model, or None when it would not give the segment back (the caller keeps it raw).
def attachment(e: tuple[str, ...]) -> Attachment | None:
    if len(e) > 7 or any(e[3:5]):
        return None
    e = padded(e, 6)
    return Attachment(report_type=e[1], transmission=e[2], id_qualifier=e[5], control_number=e[6])


def note(e: tuple[str, ...]) -> Note | None:
    if len(e) > 3:
        return None
    return Note(qualifier=e[1] if len(e) > 1 else "", text=e[2] if len(e) > 2 else "")


def file_information(e: tuple[str, ...]) -> str | None:
    return e[1] if len(e) == 2 else None


def reference(e: tuple[str, ...]) -> Reference | None:
    n = len(e)
    if n == 3:
        return Reference(e[1], e[2])
    if n < 2 or n > 4:
        return None
    return Reference(e[1], e[2] if n > 2 else "", e[3] if n > 3 else "")


def amount(e: tuple[str, ...]) -> Amount | None:
    if len(e) != 3:
        return None
    value = money(e[2])
    return Amount(e[1], value) if value is not None and numbers_exact(e[2]) else None


READERS: dict[str, Callable[[tuple[str, ...]], Any]] = {
    "DTP": date_reference, "REF": reference, "AMT": amount, "NTE": note, "PWK": attachment, "K3": file_information}


def hl(loop: Loop) -> Segment:
    """A loop's first segment (its HL, NM1, CLM … that opened it)."""
    first = loop.children[0]
    assert isinstance(first, SegmentNode)
    return first.segment


def pat(seg: Segment | None) -> tuple[str, date | None, str, Decimal | None, str]:
    """A PAT's values in PatientInformation field order: relationship, death date, weight unit, weight, pregnancy."""
    e = padded(seg, 9)
    return e[1], day(e[6]), e[7], number(e[8]), e[9]


def pat_unheld(seg: Segment) -> Unheld:
    """What a PAT holds beyond PatientInformation; PAT05 ("D8" when there is a death date) as read when it is not
    what the writer would put."""
    e = padded(seg, 9)
    found = unheld_of(PAT, seg) if len(seg.elements) > 10 or any(e[2:5]) or has_separators(seg) \
        or (e[8] and not canonical(e[8])) or (e[6] and day(e[6]) is None) else ()
    if e[5] != ("D8" if day(e[6]) is not None else ""):
        found += (("PAT05", e[5]),)
    return found


class _Numbering:
    """The HL numbers the writer gives, claim by claim (as ``_write_837.hierarchy`` does): a new number for each
    new billing provider, subscriber (or the same one again after a patient's claims) and patient; parents by
    their HL01; a subscriber's child code from its first claim."""

    __slots__ = ("count", "billing", "subscriber", "patient")

    def __init__(self) -> None:
        self.count = 0
        self.billing: Loop | None = None
        self.subscriber: Loop | None = None
        self.patient: Loop | None = None

    def levels(self, billing: Loop, subscriber: Loop, patient: Loop | None) -> dict[int, tuple[str, ...]]:
        """The HL elements (01–04) the writer gives the levels that are new with this claim, by loop id."""
        found: dict[int, tuple[str, ...]] = {}
        new_billing = billing is not self.billing
        if new_billing:
            self.count += 1
            self.billing = billing
            found[id(billing)] = (str(self.count), "", "20", "1")
        new_subscriber = new_billing or subscriber is not self.subscriber or (patient is None and
                                                                              self.patient is not None)
        if new_subscriber:
            self.count += 1
            self.subscriber, self.patient = subscriber, None
            found[id(subscriber)] = (str(self.count), hl(billing)[1], "22", "0" if patient is None else "1")
        if patient is not None and patient is not self.patient:
            self.count += 1
            self.patient = patient
            found[id(patient)] = (str(self.count), hl(subscriber)[1], "23", "0")
        return found


def hl_unheld(seg: Segment, expected: tuple[str, ...] | None) -> Unheld:
    """The HL's elements 01–04 as read where they are not what the writer would number, and HL05 on."""
    e = seg.elements
    if expected is not None and e[1:] == expected:
        return ()  # the usual case
    found = unheld_of(HL, seg) if len(e) > 5 else ()
    if expected is not None:
        read = padded(seg, 4)[1:5]
        found = tuple((f"HL0{n}", value) for n, (value, want) in enumerate(zip(read, expected), 1)
                      if value != want) + found
    return found


class _Reader:
    """Reads one transaction; holds its envelope source and whether it is an 837I."""

    def __init__(self, txn: Source, institutional: bool, cache: dict[str, Any],
                 delimiters: Delimiters | None = None) -> None:
        self.txn = txn
        self.institutional = institutional
        self.cache = cache
        d = delimiters or Delimiters()
        # the separators a value held by a field must not hold (the component one twice when there is no other)
        self.separators = (d.component, d.repetition or d.component)
        self.claims: list[Claim] = []
        self.unclaimed: list[RawSegment] = []  # HL levels under which no claim was read

    def src(self, seg: Segment) -> Source:
        txn = self.txn
        return Source(txn.interchange, txn.group, txn.transaction, seg.index)  # positional: the cheapest call

    def separated(self, seg: Segment) -> bool:
        """Whether an element of ``seg`` holds the component or repetition separator."""
        component, repeat = self.separators
        text = "".join(seg.elements)
        return component in text or repeat in text

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
        unheld = (("BHT", ABSENT),) if bht is None else unheld_of(BHT, bht) if (
            len(bht.elements) > 7 or has_separators(bht) or (b[4] and day(b[4]) is None)) else ()
        cls = InstitutionalClaimTransaction if self.institutional else ProfessionalClaimTransaction
        return cls(hierarchical_structure=b[1], purpose=b[2], originator_id=b[3], creation_date=day(b[4]),
                   creation_time=b[5], transaction_type=b[6], submitter=submitter, receiver=receiver,
                   claims=tuple(self.claims), extra=tuple(extra),  # type: ignore[arg-type]
                   after_claims=tuple(self.unclaimed), unheld=unheld, source=self.src(st.segment))

    def party(self, loop: Loop, rest: list[RawSegment]) -> Party:
        """The party an NM1 loop names; segments it does not hold as read go to ``rest``."""
        children = loop.children
        first = children[0]
        assert isinstance(first, SegmentNode)
        n3 = n4 = None
        references: list[Reference] = []
        contacts = []
        component, repeat = self.separators
        join = "".join
        for child in children[1:]:  # what split() does, unrolled: a file names two or three parties per claim
            if child.__class__ is not SegmentNode:
                rest += raw_loop(child)  # type: ignore[arg-type]
                continue
            seg = child.segment  # type: ignore[union-attr]
            sid = seg.id
            found: Any = None
            if sid == "N3" and n3 is None and any(seg.elements[1:]):
                found = n3 = seg  # (party_unheld looks at its separators)
            elif sid == "N4" and n4 is None and any(seg.elements[1:]):
                found = n4 = seg
            elif component in (text := join(seg.elements)) or repeat in text:
                pass
            elif sid == "REF":
                found = reference(core(seg.elements))
                if found is not None:
                    references.append(found)
            elif sid == "PER":
                found = exact_contact(seg)
                if found is not None:
                    contacts.append(found)
            if found is None:
                rest.append(raw(seg))
        name = first.segment
        e = padded(name, 9)
        # positional, in PARTY_FIELDS order (a wide keyword call costs ~10x more in msgspec)
        return Party(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9], address_of(n3, n4) if n3 or n4 else None,
                     tuple(references), tuple(contacts), party_unheld(name, n3, n4), self.src(name))

    def person(self, loop: Loop) -> Person:
        rest: list[RawSegment] = []
        name = self.party(loop, rest)
        d = padded(self.take(rest, "DMG", dmg_exact), 3)
        return Person(name=name, birth_date=day(d[2]), gender=d[3], extra=tuple(rest), source=name.source)

    def provider(self, loop: Loop) -> Provider:
        rest: list[RawSegment] = []
        party = self.party(loop, rest)
        prv = padded(self.take(rest, "PRV", prv_exact), 3)
        return Provider(party=party, specialty=prv[1], taxonomy=prv[3], extra=tuple(rest), source=party.source)

    def take(self, rest: list[RawSegment], seg_id: str, exact: Callable[[tuple[str, ...]], bool]) -> tuple[
            str, ...] | None:
        """Remove the first ``seg_id`` segment from ``rest`` and give its elements (None when there is none, or
        when it is not what the writer would give back: not ``exact``, or holding a separator)."""
        for i, item in enumerate(rest):
            if item.elements[0] == seg_id:
                e = item.elements
                if not e[-1]:
                    e = core(e)
                component, repeat = self.separators
                if exact(e) and component not in (text := "".join(e)) and repeat not in text:
                    return rest.pop(i).elements
                return None
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

    def contexts(self, claim: Loop) -> tuple[BillingProvider, Subscriber, Party | None, Patient | None]:
        """A claim's billing provider, subscriber, payer and patient, each read once for its HL loop, with the HL
        numbers as read where the writer would number it otherwise."""
        parent = claim.parent
        assert parent is not None
        patient_loop = parent if parent.spec.id == "2000C" else None
        subscriber_loop = parent.parent if patient_loop is not None else parent
        assert subscriber_loop is not None and subscriber_loop.parent is not None
        billing_loop = subscriber_loop.parent
        numbering = self.cache.get("#hl")
        if numbering is None:
            numbering = self.cache["#hl"] = _Numbering()
        expected = numbering.levels(billing_loop, subscriber_loop, patient_loop)
        billing = self.cached(billing_loop, lambda loop: self._billing(loop, expected.get(id(loop))))
        subscriber, payer = self.cached(subscriber_loop, lambda loop: self._subscriber(loop, expected.get(id(loop))))
        patient = self.cached(patient_loop, lambda loop: self._patient(loop, expected.get(id(loop)))) \
            if patient_loop is not None else None
        return billing, subscriber, payer, patient

    def _billing(self, loop: Loop, expected: tuple[str, ...] | None) -> BillingProvider:
        one, _, kids, extra = self.split(loop, ("PRV", "CUR"), (), ("2010AA", "2010AB", "2010AC"), ("2000B",))
        names, _ = self.firsts(kids, extra)
        parties = {n: self.party(names[n], extra) if n in names else None for n in ("2010AA", "2010AB", "2010AC")}
        prv, cur = one.get("PRV"), one.get("CUR")
        if prv is not None and (not prv_exact(prv.elements) or has_separators(prv)):
            extra.append(raw(prv))
            prv = None
        if cur is not None and (core(cur.elements)[1:] != ("85", cur[2]) or not cur[2] or has_separators(cur)):
            extra.append(raw(cur))
            cur = None
        p = padded(prv, 3)
        return BillingProvider(provider=parties["2010AA"], specialty=p[1], taxonomy=p[3],
                               currency=cur[2] if cur is not None else "", pay_to_address=parties["2010AB"],
                               pay_to_plan=parties["2010AC"], extra=tuple(extra), unheld=hl_unheld(hl(loop), expected),
                               source=self.src(hl(loop)))

    def _subscriber(self, loop: Loop, expected: tuple[str, ...] | None) -> tuple[Subscriber, Party | None]:
        singles = ("SBR",) if self.institutional else ("SBR", "PAT")
        one, _, kids, extra = self.split(loop, singles, (), ("2010BA", "2010BB"), ("2300", "2000C"))
        names, _ = self.firsts(kids, extra)
        member = self.person(names["2010BA"]) if "2010BA" in names else None
        payer = self.party(names["2010BB"], extra) if "2010BB" in names else None
        sbr = one.get("SBR")
        s = padded(sbr, 9)
        unheld = hl_unheld(hl(loop), expected)
        if sbr is None:
            unheld += (("SBR", ABSENT),)
        elif len(sbr.elements) > 10 or s[6] or s[7] or s[8] or self.separated(sbr):
            unheld += unheld_of(SBR, sbr)
        if "PAT" in one:
            unheld += pat_unheld(one["PAT"])
        return Subscriber(payer_responsibility=s[1], relationship=s[2], group_number=s[3], group_name=s[4],
                          insurance_type=s[5], claim_filing_indicator=s[9], member=member,
                          patient_information=PatientInformation(*pat(one["PAT"])) if "PAT" in one else None,
                          extra=tuple(extra), unheld=unheld, source=self.src(hl(loop))), payer

    def _patient(self, loop: Loop, expected: tuple[str, ...] | None) -> Patient:
        one, _, kids, extra = self.split(loop, ("PAT",), (), ("2010CA",), ("2300",))
        names, _ = self.firsts(kids, extra)
        person = self.person(names["2010CA"]) if "2010CA" in names else None
        unheld = hl_unheld(hl(loop), expected) + (pat_unheld(one["PAT"]) if "PAT" in one else (("PAT", ABSENT),))
        return Patient(*pat(one.get("PAT")), person, tuple(extra), unheld, self.src(hl(loop)))  # Patient's order

    def billing(self, loop: Loop) -> None:
        """The claims under a 2000A, in file order (folded ones as they were folded)."""
        mark = self.mark()
        for child in loop.children:
            if isinstance(child, Loop) and child.spec.id == "2000B":
                mark_b = self.mark()
                for kid in child.children:
                    if isinstance(kid, Loop) and kid.spec.id == "2300":
                        self.add_claim(kid)
                    elif isinstance(kid, Loop) and kid.spec.id == "2000C":
                        mark_c = self.mark()
                        for claim in kid.children:
                            if isinstance(claim, Loop) and claim.spec.id == "2300":
                                self.add_claim(claim)
                        self.orphan(kid, mark_c, ())
                self.orphan(child, mark_b, ("2300", "2000C"))
        self.orphan(loop, mark, ("2000B",))

    def add_claim(self, loop: Loop) -> None:
        self.claims.append(loop.value if isinstance(loop, FoldedLoop)  # type: ignore[arg-type]
                           else self.claim(loop, *self.contexts(loop)))

    # -- claim --------------------------------------------------------------------------------------------
    def claim(self, loop: Loop, billing: BillingProvider, subscriber: Subscriber, payer: Party | None,
              patient: Patient | None) -> ProfessionalClaim | InstitutionalClaim:
        clm = hl(loop)
        one, many, kids, extra = self.split(loop, ("CL1", "CN1") if self.institutional else ("CN1",),
                                            ("HI", "DTP", "REF", "AMT", "NTE", "PWK", "K3"), CLAIM_LOOPS)
        codes: list[HealthCareCode] = []
        sizes: list[int] = []
        for segment in many.get("HI", ()):
            found = health_care_codes(segment)
            if found is None:
                extra.append(raw(segment))
            else:
                codes += found
                sizes.append(len(found))
        if sizes and not _one_hi(codes, sizes, "837i" if self.institutional else "837p") \
                and hi_sizes(codes, "837i" if self.institutional else "837p") != sizes:
            at = 0
            for size in sizes:  # the guide's grouping would not give these segments back: mark where each begins
                codes[at] = replace(codes[at], new_segment=True)
                at += size
        providers, others, lines = [], [], []
        for kid in kids:
            lid = kid.spec.id
            (lines.append(self.line(kid, len(lines) + 1)) if lid == "2400" else others.append(self.other_payer(kid))
             if lid == "2320" else providers.append(self.provider(kid)))
        e = padded(clm, 20)
        charge = money(e[2])
        unheld: Unheld = ()
        size = len(clm.elements)
        if e[3] or e[4] or (size > 13 and (size > 21 or any(e[13:20]))) or (LOOSE.seen and not numbers_exact(e[2])) \
                or stray(clm, (5, 11)) or (self.institutional and (e[10] or e[11] or e[12])):
            unheld = unheld_of(CLM_I if self.institutional else CLM_P, clm)
        cn1 = one.get("CN1")
        contract = None
        if cn1 is not None:
            k = padded(cn1, 6)
            contract = Contract(contract_type=k[1], amount=money(k[2]), percent=number(k[3]), code=k[4],
                                terms_discount=number(k[5]), version=k[6])
            if len(cn1.elements) > 7 or not all(not v or canonical(v) for v in (k[2], k[3], k[5])) \
                    or has_separators(cn1):
                unheld += unheld_of(CN1, cn1)
        cl1 = one.get("CL1")
        if cl1 is not None and bare(cl1):
            extra.append(raw(cl1))
            cl1 = None
        elif cl1 is not None and (len(cl1.elements) > 4 or has_separators(cl1)):
            unheld += unheld_of(CL1, cl1)
        place = clm.components(5) + ("", "", "")
        # positional, in CLAIM_FIELDS order, then the variant's own fields
        common = (billing, subscriber, payer, patient, e[1], charge, place[0], place[1], place[2], e[6], e[7],
                  e[8], e[9], e[20], self.kept(many, "DTP", extra), self.kept(many, "PWK", extra), contract,
                  self.kept(many, "AMT", extra), self.kept(many, "REF", extra), self.kept(many, "K3", extra),
                  self.kept(many, "NTE", extra), tuple(codes),
                  tuple(providers), tuple(others), tuple(lines), tuple(extra), unheld, self.src(clm))
        if self.institutional:
            c = padded(cl1, 3)
            return InstitutionalClaim(*common, c[1], c[2], c[3])
        causes = clm.components(11) + ("", "", "", "", "")
        return ProfessionalClaim(*common, e[10], trimmed(causes[:3]), causes[3], causes[4], e[12])

    def kept(self, many: dict[str, list[Segment]], seg_id: str, extra: list[RawSegment]) -> tuple[Any, ...]:
        """The models of the ``seg_id`` segments in ``many`` that give them back as read; the others go raw."""
        if seg_id not in many:
            return ()
        found = []
        component, repeat = self.separators
        read = READERS[seg_id]
        for seg in many.get(seg_id, ()):
            e = seg.elements
            text = "".join(e)
            value = None if component in text or repeat in text else read(e if e[-1] else core(e))
            (found.append(value) if value is not None else extra.append(raw(seg)))
        return tuple(found)

    @staticmethod
    def adjustments(many: dict[str, list[Segment]], extra: list[RawSegment]) -> tuple[Any, ...]:
        found: list[Any] = []
        for seg in many.get("CAS", ()):
            read = cas_adjustments(seg.elements, found[-1].group if found else None) if not has_separators(seg) \
                else None
            (found.extend(read) if read is not None else extra.append(raw(seg)))
        return tuple(found)

    def other_payer(self, loop: Loop) -> OtherPayer:
        first = hl(loop)
        sbr = padded(first, 9)
        loops = ("2330A", "2330B", "2330C", "2330D", "2330E", "2330F", "2330G", "2330H", "2330I")
        one, many, kids, extra = self.split(loop, ("OI",), ("CAS", "AMT"), loops)
        names, _ = self.firsts(kids, extra)
        subscriber = self.party(names.pop("2330A"), extra) if "2330A" in names else None
        payer, paid_on = None, None
        if "2330B" in names:
            rest: list[RawSegment] = []
            payer = self.party(names.pop("2330B"), rest)
            dtp = self.take(rest, "DTP", paid_on_exact)
            paid_on = day(dtp[3]) if dtp is not None else None
            extra += rest
        unheld = unheld_of(SBR, first) if len(first.elements) > 10 or any(sbr[6:9]) or has_separators(first) \
            else ()
        oi = one.get("OI")
        o = padded(oi, 6)
        if oi is not None:
            if bare(oi):
                extra.append(raw(oi))
            elif len(oi.elements) > 7 or any(o[1:3]) or o[5] or has_separators(oi):
                unheld += unheld_of(OI, oi)
        return OtherPayer(payer_responsibility=sbr[1], relationship=sbr[2], group_number=sbr[3], group_name=sbr[4],
                          insurance_type=sbr[5], claim_filing_indicator=sbr[9],
                          adjustments=self.adjustments(many, extra), amounts=self.kept(many, "AMT", extra),
                          benefits_assignment=o[3], patient_signature_source=o[4], release_of_information=o[6],
                          subscriber=subscriber, payer=payer, adjudication_date=paid_on,
                          providers=tuple(self.party(kid, extra) for kid in names.values()), extra=tuple(extra),
                          unheld=unheld, source=self.src(first))

    # -- service line -------------------------------------------------------------------------------------
    def line(self, loop: Loop, position: int) -> ServiceLine:
        service = "SV2" if self.institutional else "SV1"
        sv = None
        found: dict[str, list[Any]] = {"DTP": [], "REF": [], "AMT": [], "NTE": []}
        kids: list[Loop] = []
        extra: list[RawSegment] = []
        component, repeat = self.separators
        join = "".join
        for child in loop.children[1:]:  # what split() does, unrolled: every claim has lines
            if child.__class__ is not SegmentNode:
                if child.spec.id in LINE_LOOPS:  # type: ignore[union-attr]
                    kids.append(child)  # type: ignore[arg-type]
                else:
                    extra += raw_loop(child)  # type: ignore[arg-type]
                continue
            seg = child.segment  # type: ignore[union-attr]
            sid = seg.id
            kept = found.get(sid)
            if kept is not None:
                e = seg.elements
                value = None if component in (text := join(e)) or repeat in text else READERS[sid](
                    e if e[-1] else core(e))
                (kept.append(value) if value is not None else extra.append(raw(seg)))
            elif sid == service and sv is None:
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
        lx = hl(loop)
        unheld: Unheld = ()
        if len(lx.elements) != 2 or lx[1] != str(position):  # (a number that is the position holds no separator)
            unheld = ((("LX01", lx[1]),) if lx[1] != str(position) else ()) + unheld_of(LX, lx)
        if sv is None:
            values = NO_SERVICE
            unheld += ((service, ABSENT),)
        elif self.institutional:
            values, more = institutional_service(sv)
            unheld += more
        else:
            values, more = professional_service(sv)
            unheld += more
        return ServiceLine(*values, tuple(found["DTP"]), tuple(found["REF"]), tuple(found["AMT"]),
                           tuple(found["NTE"]), drug, tuple(providers), tuple(adjudications), tuple(extra), unheld,
                           self.src(lx))  # LINE_FIELDS order

    def drug(self, loop: Loop) -> Drug:
        first = hl(loop)
        lin = padded(first, 3)
        one, many, _, extra = self.split(loop, ("CTP",), ("REF",))
        unheld = unheld_of(LIN, first) if len(first.elements) > 4 or lin[1] or has_separators(first) else ()
        ctp = one.get("CTP")
        if ctp is not None and bare(ctp):
            extra.append(raw(ctp))
            ctp = None
        c = padded(ctp, 5)
        if ctp is None:
            unheld += (("CTP", ABSENT),)
        elif len(ctp.elements) > 6 or any(c[1:3]) or not all(not v or canonical(v) for v in (c[3], c[4])) \
                or has_separators(ctp):
            unheld += unheld_of(CTP, ctp)
        return Drug(qualifier=lin[2], code=lin[3], unit_price=money(c[3]), quantity=number(c[4]),
                    unit=ctp.component(5, 1) if ctp is not None else "",
                    references=self.kept(many, "REF", extra), extra=tuple(extra), unheld=unheld,
                    source=self.src(first))

    def adjudication(self, loop: Loop) -> LineAdjudication:
        svd = hl(loop)
        e = padded(svd, 6)
        one, many, _, extra = self.split(loop, ("DTP", "AMT"), ("CAS",))
        dtp, amt = one.get("DTP"), one.get("AMT")
        paid_on = day(dtp[3]) if dtp is not None and paid_on_exact(core(dtp.elements)) and not has_separators(dtp) \
            else None
        remaining = money(amt[2]) if amt is not None and amt[1] == "EAF" and len(core(amt.elements)) == 3 \
            and canonical(amt[2]) and not has_separators(amt) else None
        extra += [raw(seg) for seg, ok in ((dtp, paid_on), (amt, remaining)) if seg is not None and ok is None]
        unheld = unheld_of(SVD, svd) if len(svd.elements) > 7 or not all(
            not v or canonical(v) for v in (e[2], e[5])) or (e[6] and not (e[6].isdigit() and str(int(e[6])) == e[6])) \
            or stray(svd, (3,)) else ()
        qualifier, code, modifiers, description = procedure(svd.components(3))
        return LineAdjudication(payer_id=e[1], paid_amount=money(e[2]), procedure_qualifier=qualifier,
                                procedure_code=code, procedure_modifiers=modifiers, description=description,
                                revenue_code=e[4], paid_units=number(e[5]),
                                bundled_line=int(e[6]) if e[6].isdigit() and str(int(e[6])) == e[6] else None,
                                adjustments=self.adjustments(many, extra), adjudication_date=paid_on,
                                remaining_patient_liability=remaining, extra=tuple(extra), unheld=unheld,
                                source=self.src(svd))


def dmg_exact(e: tuple[str, ...]) -> bool:
    """DMG*D8*birth date*gender, as the writer writes it (it writes none when both are empty)."""
    n = len(e)
    return (n == 3 or n == 4) and e[1] == "D8" and (day(e[2]) is not None if e[2] else n == 4)


def paid_on_exact(e: tuple[str, ...]) -> bool:
    """DTP*573*D8*date: the other payer's adjudication date (2330B), as the writer writes it."""
    return len(e) == 4 and e[1:3] == ("573", "D8") and day(e[3]) is not None


def prv_exact(e: tuple[str, ...]) -> bool:
    """PRV*specialty*PXC*taxonomy, as the writer writes it (none when both are empty)."""
    return 3 <= len(e) <= 4 and e[2] == "PXC" and bool(e[1] or e[3:])


def stray(seg: Segment, composites: tuple[int, ...], most: int = 6) -> bool:
    """Whether a separator stands anywhere but between the components of the composites at positions
    ``composites`` (at most ``most`` component separators in each): a value a field holds would hold it."""
    d = seg.delimiters
    if d is None:
        return False
    e = seg.elements
    component, repetition = d.component, d.repetition
    text = "".join(e)
    if repetition is not None and repetition in text:
        return True
    found = text.count(component)
    if not found:
        return False
    size = len(e)
    for n in composites:
        if n < size:
            held = e[n].count(component)
            if held > most:
                return True
            found -= held
    return found != 0


def _one_hi(codes: list[HealthCareCode], sizes: list[int], guide: str) -> bool:
    """Whether one HI segment was read, of codes the guide puts in one HI, no more than it holds: the writer gives
    it back as read (the usual case, told without grouping the codes)."""
    if len(sizes) != 1:
        return False
    groups = _write_837.hi_groups(guide)
    first = codes[0].qualifier
    group, size = groups.get(first, (first, 12))
    if len(codes) > size:
        return False
    for code in codes:
        if code.qualifier != first and groups.get(code.qualifier, (code.qualifier,))[0] != group:
            return False
    return True


def hi_sizes(codes: list[HealthCareCode], guide: str) -> list[int]:
    """How many composites each HI segment the writer makes of ``codes`` holds (grouped by the guide)."""
    return [len(group) for group in _write_837.hi_segments_of(codes, _write_837.hi_groups(guide))]


# The wide models are built with positional arguments (msgspec takes a 24-argument keyword call ~10x slower);
# these are the field orders the readers rely on (checked by the tests).
PARTY_FIELDS = ("entity", "entity_type", "last_name", "first_name", "middle_name", "suffix", "id_qualifier", "id",
                "address", "references", "contacts", "unheld", "source")
CLAIM_FIELDS = ("billing_provider", "subscriber", "payer", "patient", "patient_control_number", "total_charge",
                "facility_code", "facility_code_qualifier", "frequency_code", "provider_signature", "assignment",
                "benefits_assignment", "release_of_information", "delay_reason", "dates", "attachments", "contract",
                "amounts", "references", "file_information", "notes", "health_care_codes", "providers",
                "other_payers", "lines", "extra", "unheld", "source")
PROFESSIONAL_FIELDS = ("patient_signature_source", "related_causes", "accident_state", "accident_country",
                       "special_program")
INSTITUTIONAL_FIELDS = ("admission_type", "admission_source", "patient_status")
LINE_FIELDS = ("revenue_code", "procedure_qualifier", "procedure_code", "procedure_modifiers", "description",
               "charge", "unit_basis", "units", "place_of_service", "diagnosis_pointers", "emergency", "epsdt",
               "family_planning", "copay_status", "non_covered_charge", "dates", "references", "amounts", "notes",
               "drug", "providers", "adjudications", "extra", "unheld", "source")
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


def professional_service(sv1: Segment) -> tuple[tuple, Unheld]:  # type: ignore[type-arg]
    e = padded(sv1, 15)
    sep = sv1.delimiters.component if sv1.delimiters else ":"
    found = pointers(e[7], sep)
    charge, units = money(e[2]), number(e[4])
    unheld: Unheld = ()
    if found is None or e[6] or e[8] or e[10] or e[13] or e[14] or len(sv1.elements) > 16 \
            or (LOOSE.seen and not numbers_exact(e[2], e[4])) or stray(sv1, (1, 7)):
        unheld = unheld_of(SV1, sv1)
        if found is None:
            found = ()
            unheld += (("SV107", e[7]),)
    return ("", *_procedure(e[1], sep), charge, e[3], units, e[5], found, e[9], e[11], e[12], e[15], None), unheld


def institutional_service(sv2: Segment) -> tuple[tuple, Unheld]:  # type: ignore[type-arg]
    e = padded(sv2, 7)
    sep = sv2.delimiters.component if sv2.delimiters else ":"
    charge, units, uncovered = money(e[3]), number(e[5]), money(e[7])
    unheld = unheld_of(SV2, sv2) if len(sv2.elements) > 8 or e[6] or not numbers_exact(e[3], e[5], e[7]) or stray(
        sv2, (2,)) else ()
    return (e[1], *(_procedure(e[2], sep) if e[2] else ("", "", (), "")), charge, e[4], units, "", (), "", "", "",
            "", uncovered), unheld
