"""Models shared by several transactions: parties (NM1 with address, references, contacts), adjustments (CAS),
amounts, references; with their readers (from loop trees) and writers (to built segments)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from edi.guide import Loop, SegmentNode
from edi.models._base import Model, Source, money, text
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
    source: Source | None = None

    @property
    def npi(self) -> str | None:
        return self.id if self.id_qualifier == "XX" else None

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)


class Adjustment(Model):
    """One CAS triplet: group (CO, PR, OA, PI), reason (a CARC), amount, quantity."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


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


def party_of(loop: Loop, transaction: Source | None = None) -> Party:
    """A party from the loop that its NM1 (or N1) opens: NM1, N3, N4, REF*, PER*."""
    name = loop.children[0]
    assert isinstance(name, SegmentNode)
    seg = name.segment
    n3 = n4 = None
    refs: list[Reference] = []
    contacts: list[Contact] = []
    for child in loop.children[1:]:
        if not isinstance(child, SegmentNode):
            continue
        s = child.segment
        if s.id == "N3":
            n3 = s
        elif s.id == "N4":
            n4 = s
        elif s.id == "REF":
            refs.append(Reference(qualifier=s[1], value=s[2], description=s[3]))
        elif s.id == "PER":
            contacts.append(contact_of(s))
    if seg.id == "N1":
        return Party(entity=seg[1], last_name=seg[2], id_qualifier=seg[3], id=seg[4], address=address_of(n3, n4),
                     references=tuple(refs), contacts=tuple(contacts), source=source_of(seg, transaction))
    return Party(entity=seg[1], entity_type=seg[2], last_name=seg[3], first_name=seg[4], middle_name=seg[5],
                 suffix=seg[7], id_qualifier=seg[8], id=seg[9], address=address_of(n3, n4),
                 references=tuple(refs), contacts=tuple(contacts), source=source_of(seg, transaction))


def adjustments_of(cas: Segment) -> Iterator[Adjustment]:
    """The (reason, amount, quantity) triplets of one CAS, each with the segment's group code."""
    for n in range(2, 20, 3):
        if cas[n]:
            amount = money(cas[n + 1])
            yield Adjustment(group=cas[1], reason=cas[n], amount=amount if amount is not None else Decimal(0),
                             quantity=money(cas[n + 2]))


# -- writing -----------------------------------------------------------------------------------------------
def name_segments(party: Party, n1: bool = False) -> Iterator[Built]:
    """NM1 (or N1), N3, N4, REF*, PER* for a party, in the order the guides give them."""
    if n1:
        yield ("N1", party.entity, party.last_name, party.id_qualifier, party.id)
    else:
        yield ("NM1", party.entity, party.entity_type, party.last_name, party.first_name, party.middle_name, "",
               party.suffix, party.id_qualifier, party.id)
    a = party.address
    if a is not None:
        if a.line1 or a.line2:
            yield ("N3", a.line1, a.line2)
        if a.city or a.state or a.postal_code or a.country:
            yield ("N4", a.city, a.state, a.postal_code, a.country, "", "", a.country_subdivision)
    for ref in party.references:
        yield ("REF", ref.qualifier, ref.value, ref.description)
    for contact in party.contacts:
        yield ("PER", contact.function, contact.name, *[v for pair in contact.channels for v in pair])


def cas_segments(adjustments: Iterable[Adjustment]) -> Iterator[Built]:
    """CAS segments: one per group code (in first-seen order), at most six triplets each."""
    by_group: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        by_group.setdefault(adj.group, []).append(adj)
    for group, items in by_group.items():
        for start in range(0, len(items), 6):
            chunk = items[start:start + 6]
            yield ("CAS", group, *[v for a in chunk for v in (a.reason, text(a.amount), text(a.quantity))])
