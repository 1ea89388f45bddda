"""Models shared by several transactions: parties (NM1 with address, references, contacts), adjustments (CAS),
amounts, references; with their readers (from loop trees) and writers (to built segments)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from edi.guide import Loop, SegmentNode
from edi.models._base import (LOOSE, Held, Model, RawSegment, Source, Unheld, bare, core, fill, has_separators,
                              money, numbers_exact, separators, text)
from edi.x12 import Segment
from edi.x12._writer import Built


class Address(Model):
    line1: str = ""                 # N301
    line2: str = ""                 # N302
    city: str = ""                  # N401
    state: str = ""                 # N402
    postal_code: str = ""           # N403
    country: str = ""               # N404
    country_subdivision: str = ""   # N407


class Reference(Model):
    qualifier: str                  # REF01: EI tax id, G1 prior authorization, F8 original claim, 6R line item …
    value: str                      # REF02
    description: str = ""           # REF03


class Contact(Model):
    function: str = "IC"            # PER01
    name: str = ""                  # PER02
    channels: tuple[tuple[str, str], ...] = ()   # (PER03, PER04), (PER05, PER06), (PER07, PER08): TE phone, EM …


class Party(Model):
    """An NM1 (or N1 in the 835) with what follows it in its loop: address, references, contacts."""

    entity: str                     # NM101 / N101: 85 billing provider, IL insured, PR payer, QC patient …
    entity_type: str = ""           # NM102: 1 person, 2 organization
    last_name: str = ""             # NM103 (organization name when entity_type is 2) / N102
    first_name: str = ""            # NM104
    middle_name: str = ""           # NM105
    suffix: str = ""                # NM107
    id_qualifier: str = ""          # NM108 / N103: XX NPI, MI member id, PI payer id, FI tax id
    id: str = ""                    # NM109 / N104
    address: Address | None = None
    references: tuple[Reference, ...] = ()
    contacts: tuple[Contact, ...] = ()
    unheld: Unheld = ()             # NM1 / N1, N3, N4 elements no field holds (NM106, NM110 …), as read
    source: Source | None = None

    @property
    def npi(self) -> str | None:
        return self.id if self.id_qualifier == "XX" else None

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)


class Adjustment(Model):
    """One CAS triplet: group (CO, PR, OA, PI), reason (a CARC), amount, quantity."""

    group: str                      # CAS01
    reason: str                     # CAS02 (05, 08 …)
    amount: Decimal                 # CAS03 (06, 09 …)
    quantity: Decimal | None = None  # CAS04 (07, 10 …)
    new_segment: bool = False       # starts a CAS of its own, as read, though the one before has the same group


class Amount(Model):
    qualifier: str                  # AMT01: D payer paid, B6 allowed, AU coverage amount …
    amount: Decimal


# -- reading -----------------------------------------------------------------------------------------------
def source_of(node: SegmentNode | Segment, transaction: Source | None = None) -> Source:
    seg = node.segment if isinstance(node, SegmentNode) else node
    if transaction is None:
        return Source(segment=seg.index)
    return Source(interchange=transaction.interchange, group=transaction.group,
                  transaction=transaction.transaction, segment=seg.index)


def address_of(n3: Segment | None, n4: Segment | None) -> Address | None:
    if n3 is None and n4 is None:
        return None
    a = n3 or Segment.of(("N3",))
    b = n4 or Segment.of(("N4",))
    return Address(line1=a[1], line2=a[2], city=b[1], state=b[2], postal_code=b[3], country=b[4],
                   country_subdivision=b[7])


def contact_of(per: Segment) -> Contact:
    channels = tuple((per[n], per[n + 1]) for n in (3, 5, 7) if per[n] or per[n + 1])
    return Contact(function=per[1], name=per[2], channels=channels)


# -- what a model can hold exactly (see edi.models._base.Unheld) ------------------------------------------
NM1 = Held("NM1", "s", "s", "s", "s", "s", "", "s", "s", "s")
N1 = Held("N1", "s", "s", "s", "s")
N3 = Held("N3", "s", "s")
N4 = Held("N4", "s", "s", "s", "s", "", "", "s")


def exact_reference(seg: Segment) -> Reference | None:
    """A REF the model holds as read (REF01–REF03, no composite), else None (the caller keeps it raw)."""
    e = core(seg.elements)
    if len(e) > 4 or len(e) < 2 or has_separators(seg):
        return None
    return Reference(qualifier=e[1], value=e[2] if len(e) > 2 else "", description=e[3] if len(e) > 3 else "")


def exact_contact(per: Segment) -> Contact | None:
    """A PER the model holds as read: PER01–PER08 with no gap between its channels, else None."""
    e = core(per.elements)
    if len(e) > 9 or len(e) < 2 or has_separators(per):
        return None
    contact = contact_of(per)
    if len(e) > 3 + 2 * len(contact.channels):
        return None  # an empty pair before a filled one: the writer would close the gap
    return contact


def party_unheld(name: Segment, n3: Segment | None, n4: Segment | None) -> Unheld:
    """What a party's NM1 (N1), N3 and N4 hold that its fields do not."""
    e = name.elements
    size = len(e)
    d = name.delimiters
    if d is not None and not ((size > 10 or (size > 6 and e[6])) if name.id != "N1" else size > 5):
        text = "".join(e)
        if n3 is not None:
            if len(n3.elements) > 3:
                return _party_unheld(name, n3, n4)
            text += "".join(n3.elements)
        if n4 is not None:
            f = n4.elements
            if len(f) > 8 or (len(f) > 5 and (f[5] or (len(f) > 6 and f[6]))):
                return _party_unheld(name, n3, n4)
            text += "".join(f)
        if d.component not in text and (d.repetition is None or d.repetition not in text):
            return ()
    return _party_unheld(name, n3, n4)


def _party_unheld(name: Segment, n3: Segment | None, n4: Segment | None) -> Unheld:
    found: Unheld = ()
    for seg in (name, n3, n4):
        if seg is not None:
            found += {"NM1": NM1, "N1": N1, "N3": N3, "N4": N4}[seg.id].unheld(seg.elements, *separators(seg))
    return found


def party_of(loop: Loop, transaction: Source | None = None, rest: list[RawSegment] | None = None) -> Party:
    """A party from the loop that its NM1 (or N1) opens: NM1, N3, N4, REF*, PER*. Segments it cannot hold as read
    (a second N3, a REF with REF04, an empty N4 …) go to ``rest``."""
    name = loop.children[0]
    assert isinstance(name, SegmentNode)
    seg = name.segment
    n3 = n4 = None
    refs: list[Reference] = []
    contacts: list[Contact] = []
    kept = rest if rest is not None else []
    for child in loop.children[1:]:
        if not isinstance(child, SegmentNode):
            kept += [RawSegment(elements=node.segment.elements) for node in child.segments()]
            continue
        s = child.segment
        found: object = None
        if s.id == "N3" and n3 is None and not bare(s):
            found = n3 = s
        elif s.id == "N4" and n4 is None and not bare(s):
            found = n4 = s
        elif s.id == "REF":
            found = exact_reference(s)
            if found is not None:
                refs.append(found)  # type: ignore[arg-type]
        elif s.id == "PER":
            found = exact_contact(s)
            if found is not None:
                contacts.append(found)  # type: ignore[arg-type]
        if found is None:
            kept.append(RawSegment(elements=s.elements))
    unheld = party_unheld(seg, n3, n4)
    if seg.id == "N1":
        return Party(entity=seg[1], last_name=seg[2], id_qualifier=seg[3], id=seg[4], address=address_of(n3, n4),
                     references=tuple(refs), contacts=tuple(contacts), unheld=unheld,
                     source=source_of(seg, transaction))
    return Party(entity=seg[1], entity_type=seg[2], last_name=seg[3], first_name=seg[4], middle_name=seg[5],
                 suffix=seg[7], id_qualifier=seg[8], id=seg[9], address=address_of(n3, n4),
                 references=tuple(refs), contacts=tuple(contacts), unheld=unheld, source=source_of(seg, transaction))


def cas_adjustments(e: tuple[str, ...], previous_group: str | None) -> list[Adjustment] | None:
    """The adjustments of one CAS (elements, id first), or None when the models cannot hold it as read: more than
    six triplets, an amount missing or not written as a Decimal writes it, an empty triplet before a filled one.
    ``previous_group`` is the group of the adjustment read before it in the loop: a CAS of the same group is
    marked ``new_segment`` so that the writer does not merge the two. (The caller checked for separators.)"""
    size = len(e)
    if size > 20:
        e = core(e)
        size = len(e)
        if size > 20:
            return None
    group = e[1] if size > 1 else ""
    out: list[Adjustment] = []
    for n in range(2, size, 3):
        reason = e[n]
        amount = e[n + 1] if n + 1 < size else ""
        quantity = e[n + 2] if n + 2 < size else ""
        if not reason:
            if amount or quantity or any(e[n + 3:]):
                return None
            break
        value = money(amount)
        count = money(quantity) if quantity else None
        if value is None or (quantity and count is None) or (LOOSE.seen and not numbers_exact(amount, quantity)):
            return None
        out.append(Adjustment(group, reason, value, count, not out and group == previous_group))
    return out or None  # a CAS with no adjustment in it stays raw


# -- writing -----------------------------------------------------------------------------------------------
def name_segments(party: Party, n1: bool = False) -> Iterator[Built]:
    """NM1 (or N1), N3, N4, REF*, PER* for a party, in the order the guides give them."""
    u = party.unheld
    if n1:
        yield fill(("N1", party.entity, party.last_name, party.id_qualifier, party.id), u)
    else:
        yield fill(("NM1", party.entity, party.entity_type, party.last_name, party.first_name, party.middle_name, "",
                    party.suffix, party.id_qualifier, party.id), u)
    a = party.address
    if a is not None:
        if a.line1 or a.line2 or holds(u, "N3"):
            yield fill(("N3", a.line1, a.line2), u)
        if a.city or a.state or a.postal_code or a.country or a.country_subdivision or holds(u, "N4"):
            yield fill(("N4", a.city, a.state, a.postal_code, a.country, "", "", a.country_subdivision), u)
    for ref in party.references:
        yield ("REF", ref.qualifier, ref.value, ref.description)
    for contact in party.contacts:
        yield ("PER", contact.function, contact.name, *[v for pair in contact.channels for v in pair])


def holds(unheld: Unheld, seg_id: str) -> bool:
    """Whether ``unheld`` keeps an element of the segment ``seg_id``."""
    n = len(seg_id)
    return any(ref[:n] == seg_id and ref[n:n + 1].isdigit() and len(ref.partition("-")[0]) == n + 2
               for ref, _ in unheld)


def cas_segments(adjustments: Iterable[Adjustment]) -> Iterator[Built]:
    """CAS segments: one per run of adjustments of one group code (a new one at ``new_segment``), at most six
    triplets each — so adjustments read back in the order they were written, in the segments they were read."""
    run: list[Adjustment] = []
    for adj in adjustments:
        if run and (adj.group != run[0].group or adj.new_segment or len(run) == 6):
            yield _cas(run)
            run = []
        run.append(adj)
    if run:
        yield _cas(run)


def _cas(run: list[Adjustment]) -> Built:
    return ("CAS", run[0].group, *[v for a in run for v in (a.reason, text(a.amount), text(a.quantity))])
