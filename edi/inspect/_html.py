"""`edi html FILE…`: one self-contained HTML page to read interchanges by — the outline, the loop tree with guide
names and code meanings, findings at their element, claims as cards, search, and for an 837 given with its 999,
277CA and 835, each claim's story.

The page embeds the files as compact JSON (segments with their guide spec and where loops open and close, a table
of specs and code meanings, findings, claim summaries) and a small script renders only what is on screen: a loop's
children when it is opened, a long list in slices. No network: the script and styles are inlined (their sources
are edi/inspect/html/page.js and page.css).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files as resource_files
from pathlib import Path
from typing import Any, TextIO

from edi.guide import LoopSpec, SegmentSpec, control_segment
from edi.inspect._codes import named_table
from edi.inspect._nest import nest
from edi.inspect._text import _Explainer
from edi.validate import validate
from edi.x12 import Role


@dataclass
class _Tables:
    """Specs and meanings shared by every file of the page, each stored once and referred to by index."""

    specs: list[dict[str, Any]] = field(default_factory=list)
    spec_index: dict[object, int] = field(default_factory=dict)
    loops: list[list[str]] = field(default_factory=list)
    loop_index: dict[object, int] = field(default_factory=dict)
    meanings: list[str] = field(default_factory=list)
    meaning_index: dict[str, int] = field(default_factory=dict)
    explain: _Explainer = field(default_factory=_Explainer)

    def spec(self, seg_id: str, spec: SegmentSpec | None, envelope: bool) -> int:
        if spec is None:
            return -1
        key = (id(spec), envelope)
        found = self.spec_index.get(key)
        if found is None:
            elements = []
            for n in range(1, len(spec.elements) + 1):
                element = spec.element(n)
                elements.append([element.id, element.name, element.data_ele] if element else [f"{seg_id}{n:02d}", "", ""])
            found = self.spec_index[key] = len(self.specs)
            self.specs.append({"id": seg_id, "name": spec.name, "el": elements})
        return found

    def loop(self, loop: LoopSpec) -> int:
        found = self.loop_index.get(id(loop))
        if found is None:
            found = self.loop_index[id(loop)] = len(self.loops)
            self.loops.append([loop.id, loop.name])
        return found

    def meaning(self, text: str) -> int:
        found = self.meaning_index.get(text)
        if found is None:
            found = self.meaning_index[text] = len(self.meanings)
            self.meanings.append(text)
        return found


def _write_file(path: Path, tables: _Tables, out: TextIO) -> None:
    """One file's JSON object, its segments written as they are read: [id, spec, elements, close, opened,
    {element: meaning}] each, ``opened`` holding loop indexes and "I" / "G" for an interchange / group."""
    kinds: set[str] = set()
    story: dict[str, list[list[Any]]] = {}     # "clm:CLM01" / "st:ST02" → what this file says of it
    last_ids: dict[str, str] = {}
    out.write(f'{{"name":{_json(path.name)},"segments":[')
    count = 0
    for close, opened, role, seg, transaction, spec in nest(path, str(path)):
        envelope = transaction is None
        if envelope:
            spec = control_segment(seg.id)
        marks = [tables.loop(m) if isinstance(m, LoopSpec) else ("I" if m is Role.ISA else "G") for m in opened]
        row: list[Any] = [seg.id, tables.spec(seg.id, spec, envelope), list(seg.elements[1:]), close, marks]
        rows = tables.explain.rows(seg.id, spec, len(seg.elements) - 1, envelope)
        meant = {}
        for n in range(1, len(seg.elements)):
            value = seg.elements[n]
            meaning_of = rows[n - 1][1]
            if value and meaning_of is not None:
                meaning = meaning_of(seg, n, value)
                if meaning:
                    meant[n] = tables.meaning(meaning)
        if meant:
            row.append(meant)
        out.write(("," if count else "") + _json(row))
        count += 1
        if transaction is not None:
            kinds.add(transaction.set_id)
            _story(transaction.set_id, seg.id, seg.elements, count - 1, last_ids, story)
    out.write(f'],"kinds":{_json(sorted(kinds))},"story":{_json(story)},"findings":{_json(_findings(path))},'
              f'"claims":[')
    for n, card in enumerate(_claims(path)):
        out.write(("," if n else "") + _json(card))
    out.write("]}")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def _story(set_id: str, seg_id: str, e: tuple[str, ...], index: int, last: dict[str, str],
           story: dict[str, list[list[Any]]]) -> None:
    """What an acknowledgment or remittance says, keyed by the claim (CLM01) or 837 transaction (ST02) it answers."""
    def get(n: int) -> str:
        return e[n] if n < len(e) else ""

    if set_id == "999":
        if seg_id == "AK2":
            last["st"] = get(2)
        elif seg_id == "IK5" and last.get("st"):
            story.setdefault("st:" + last["st"], []).append(["999", index, get(1), f"IK501 {get(1)}"])
    elif set_id == "277":
        if seg_id == "TRN" and get(1) == "2":
            last["trn"] = get(2)
        elif seg_id == "STC" and last.get("trn"):
            story.setdefault("clm:" + last["trn"], []).append(["277CA", index, get(1).split(":")[0] if get(1) else "",
                                                               f"STC01 {get(1)}"])
    elif set_id == "837" and seg_id == "CLM":
        story.setdefault("clm:" + get(1), []).append(["837", index, "", f"CLM02 charge {get(2)}"])
    elif set_id == "835" and seg_id == "CLP":
        story.setdefault("clm:" + get(1), []).append(["835", index, get(2), f"CLP02 {get(2)}, paid {get(4)}"])


def _findings(path: Path) -> list[list[Any]]:
    report = validate(path, jobs=1)
    found = []
    for f in report.findings:
        loc = f.location
        element = loc.element_position[0] if loc.element_position else None
        found.append([loc.segment_index, element, f.severity.value, f.code, f.message])
    if report.fatal:
        found.append([0, None, "error", "fatal", report.fatal])
    return found


def _claims(path: Path) -> Iterator[dict[str, Any]]:
    """Claims as cards: an 837's claims and an 835's claim payments (typed models), with where each starts."""
    from edi.errors import EdiError
    from edi.models import iter_claims

    try:
        for claim in iter_claims(path):
            at = claim.source.segment if getattr(claim, "source", None) else -1
            if hasattr(claim, "services"):
                adjustments = [[a.group, a.reason, _money(a.amount)] for a in claim.adjustments]
                lines = []
                for s in claim.services:
                    adj = [[a.group, a.reason, _money(a.amount)] for a in s.adjustments]
                    lines.append([s.procedure.code if s.procedure else "", _money(s.charge), _money(s.paid_amount),
                                  adj])
                    adjustments += adj
                total_adj = sum((Decimal(a[2]) for a in adjustments if a[2]), Decimal(0))
                status = named_table("claim-status.csv").lookup(claim.status_code)
                yield {"k": "835", "id": claim.patient_control_number, "seg": at, "status": claim.status_code,
                       "status_name": status.name if status else "",
                              "charge": _money(claim.total_charge), "paid": _money(claim.paid_amount),
                              "pr": _money(claim.patient_responsibility), "adj": adjustments[:len(claim.adjustments)],
                              "lines": lines,
                              "balanced": claim.total_charge is not None and claim.paid_amount is not None
                              and claim.total_charge == claim.paid_amount + total_adj}
            else:
                person = claim.patient.person if getattr(claim, "patient", None) else claim.subscriber.member
                name = person.name if person is not None else None
                yield {"k": "837", "id": claim.patient_control_number, "seg": at,
                              "charge": _money(claim.total_charge),
                              "patient": " ".join(p for p in (name.first_name, name.last_name) if p) if name else "",
                              "payer": claim.payer.last_name if claim.payer else "",
                              "dx": list(claim.diagnoses),
                              "lines": [[ln.procedure_code, " ".join(ln.modifiers), _money(ln.charge),
                                         str(ln.units or ""), str(ln.service_date or "")] for ln in claim.lines]}
    except (EdiError, AttributeError, TypeError):
        return    # a file the models cannot hold: the tree still shows it


def _money(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _carc_meanings() -> dict[str, str]:
    return {code: row.name for code, row in named_table("claim-adjustment-group.csv").entries.items()}


def write_page(paths: Sequence[Path], out: TextIO) -> None:
    """The page for ``paths`` (an 837 with its 999, 277CA and 835 link up claim by claim), written as the files are
    read: the data's tables (specs, loops, meanings) come after the files that fill them."""
    assets = resource_files("edi.inspect") / "html"
    script = (assets / "page.js").read_text(encoding="utf-8")
    style = (assets / "page.css").read_text(encoding="utf-8")
    title = ", ".join(p.name for p in paths)
    out.write(f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              f"<title>{_escape(title)} — edi html</title>\n<style>{style}</style></head>\n<body>\n"
              f"<script type=\"application/json\" id=\"edi-data\">{{\"files\":[")
    tables = _Tables()
    for n, path in enumerate(paths):
        if n:
            out.write(",")
        _write_file(path, tables, out)
    out.write(f'],"specs":{_json(tables.specs)},"loops":{_json(tables.loops)},"meanings":{_json(tables.meanings)},'
              f'"groups":{_json(_carc_meanings())}}}</script>\n<script>{script}</script>\n</body></html>\n')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
