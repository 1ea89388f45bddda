"""docs/models.md, generated from the model classes themselves (field, type, the guide element it holds), so the
documentation cannot drift from the code: ``python -m edi.models._docs > docs/models.md``; a test checks it."""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterator

import msgspec

from edi.models._json import SCHEMAS

_FIELD = re.compile(r"^\s+(\w+):[^#]*#\s*(.+)$")
TITLES = {"837p": "837P professional claims", "837i": "837I institutional claims", "835": "835 remittance",
          "999": "999 implementation acknowledgment", "277ca": "277CA claim acknowledgment",
          "ta1": "TA1 interchange acknowledgment", "997": "997 functional acknowledgment"}


def _comments(cls: type) -> dict[str, str]:
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        for line in source.splitlines():
            match = _FIELD.match(line)
            if match:
                found[match.group(1)] = match.group(2).strip()
    return found


def _type_name(tp: object) -> str:
    text = repr(tp) if not isinstance(tp, type) else tp.__name__
    return re.sub(r"\b(?:edi\.[\w.]+\.|typing\.|datetime\.|decimal\.)", "", text).replace("NoneType", "None")


def _structs(cls: type, seen: set[type]) -> Iterator[type]:
    if cls in seen:
        return
    seen.add(cls)
    yield cls
    for field in msgspec.structs.fields(cls):
        for arg in _flatten(field.type):
            if isinstance(arg, type) and issubclass(arg, msgspec.Struct):
                yield from _structs(arg, seen)


def _flatten(tp: object) -> Iterator[object]:
    yield tp
    for arg in typing.get_args(tp):
        yield from _flatten(arg)


GUIDE = """\
## Nothing read is lost

A model holds a file's segments in typed fields; what no field holds stays in the model and is written back in
place, so `edi.models.write(edi.models.read(f))` gives the file's segments back, and so does
`edi to-json --models f | edi from-json --models`:

- `envelope` (on every transaction): the ISA, GS and ST02/ST03 it was read in — ISA01–ISA16 as read (fields
  without their padding), GS01–GS08, the errata version in ST03 (005010X222A2 …) — and the delimiters.
  `write(models)` writes the interchanges the models came from; `write(models, header, numbers)` a new one.
  `iter_records(f)` streams a file as records — the envelope (TA1s and empty groups too), each transaction's own
  fields, each claim as its loop closes, what follows the claims — and `write_records(records)` writes them back:
  what `edi to-json --models` writes and `edi from-json --models` reads.
  Trailers are counted when written (SE01, GE01, IEA01) and repeat their header's control number.
- `extra`: segments of a loop no field holds — unexpected ones, repeats of a single segment, and repeating
  segments the model could not give back as read (a REF with REF04, a DTP that does not parse, an AMT of ".5", a
  value holding a component or repetition separator).
- `unheld`: element values of a single segment no field holds, as read, by element reference: an element the
  guide does not use (`["CLP10", "X"]`, TS306–TS312, SBR06–SBR08), a value the typed field cannot hold
  (`["BPR16", "20250230"]`, SV107 pointers that are not plain numbers), a number written otherwise than its
  Decimal writes it (`["CLP03", ".50"]`: the field holds 0.50, the writer writes ".50" while it is unchanged),
  HL and LX numbers (and HL04, PAT05, AK902–AK904) other than the ones the writer would give, and
  `["BHT", ""]` for a segment the loop did not have though the writer always writes one.
- `new_segment` on an `Adjustment` (CAS) or a `HealthCareCode` (HI): where the file started a segment the
  writer would otherwise have merged into the one before.
- `after_claims` (837): HL levels under which no claim was read, written after the claims.

A file the models hold exactly — the bundled samples, `edi synth`'s files — has none of these marks.

## JSON

`edi to-json --models FILE` writes the models as it reads them, in the memory of one claim, as a document:

```
{"format": "edi-models-json/2",
 "interchanges": [
  {"header": {InterchangeEnvelope},
   "acknowledgments": [TA1 before the first group: InterchangeAck, …],
   "groups": [
    {"header": {GroupEnvelope},
     "transactions": [
      {"type": "ProfessionalClaimTransaction", "envelope": {"control": ST02, "guide": ST03}, …its fields,
       "claims": [Claim, …], "after_claims": […]},
      {"type": "Remittance", …, "headers": [{HeaderNumber's fields, "claims": [ClaimPayment, …]}, …],
       "provider_adjustments": […], "footer_extra": […]},
      {"type": "FunctionalGroupAck", …the whole model}]}],
   "trailing_acknowledgments": [TA1s after a group],
   "segments": [RawSegment: what stood outside any transaction]}],
 "segments": [RawSegment: what stood outside any interchange]}
```

An 837's claims and an 835's header numbers are written one at a time, after the transaction's own fields; a
transaction's fields that come after them (`after_claims`, `provider_adjustments`, `footer_extra`) are written
last. `edi from-json --models` reads the document in one pass (ijson), so a transaction's fields must come
before its `claims` (`headers`), and a header number's before its `claims`, as `to-json` writes them.

With `--lines`, JSON Lines: a first line `{"format": "edi-models-json-lines/2"}`, then one record a line, in file
order — `{"interchange": InterchangeEnvelope}`, `{"acknowledgment": InterchangeAck}`, `{"group": GroupEnvelope}`,
`{"transaction": model without its claims}` (999, 277CA and transactions without a typed model: the whole model),
`{"header_number": HeaderNumber without its claims}` (835), `{"claim": Claim or ClaimPayment}`,
`{"transaction_end": {"after_claims": …} or {"provider_adjustments": …, "footer_extra": …}}`,
`{"group_end": {}}`, `{"interchange_end": {}}`, `{"segment": RawSegment}`. A group or interchange also ends
where the next one (or a TA1, or the end of the input) begins.

`edi from-json --models` reads either form in flat memory and writes X12 as it reads, into a spool that reaches
standard output only when the whole input was good. Whatever would not give back the models is refused with its
JSON path (`$.interchanges[0].groups[0].transactions[1].claims[3].lines[0].charge`, or `line 7: $.claim.…`) and
exit code 2: a missing or misspelt key, a value of the wrong type, an invalid date, a delimiter that is not one
punctuation character, an ISA field longer than its width, a value holding a delimiter (typed values may hold
none; raw segments keep their composites and repetitions but may not hold the element separator or the
terminator), a character ISO 8859-1 has not, NaN, a record out of place.
"""


def render_markdown() -> str:
    lines = ["# Models", "", "Generated from `edi/models/*.py` by `python -m edi.models._docs` (a test keeps it "
             "current). Money is `Decimal` (JSON: a string), dates are `date` (JSON: `YYYY-MM-DD`), codes are the "
             "raw strings of the file; `edi schema KIND` prints each model's JSON Schema.", "", GUIDE]
    seen: set[type] = set()
    for kind, model in SCHEMAS.items():
        lines += [f"## {TITLES[kind]} — `{model.__name__}` (`edi schema {kind}`)", ""]
        for cls in _structs(model, seen):
            doc = (inspect.getdoc(cls) or "").split("\n")[0]
            lines += [f"### `{cls.__name__}`", "", doc, "", "| field | type | holds |", "|---|---|---|"]
            comments = _comments(cls)
            for field in msgspec.structs.fields(cls):
                holds = comments.get(field.name, "").replace("|", "\\|")
                kind_text = _type_name(field.type).replace("|", "\\|")
                lines.append(f"| `{field.name}` | `{kind_text}` | {holds} |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown())
