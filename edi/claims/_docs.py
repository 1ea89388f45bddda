"""docs/encounters.md, generated from the encounter model: each field's type, what it holds and where it goes in
the 837, from the field's comment in edi/claims/encounter.py (``what it holds → 837 destination``). A test keeps
the page current: ``python -m edi.claims._docs > docs/encounters.md`` after changing the model.
"""

from __future__ import annotations

import functools
import inspect
import re

import msgspec

from edi.claims import encounter as model
from edi.models._docs import _structs, _type_name

_FIELD = re.compile(r"^    (\w+):[^#]*#\s*(.+)$")

INTRO = """# Coded encounters

Generated from `edi/claims/encounter.py` by `python -m edi.claims._docs` (a test keeps it current).

A coded encounter is what coding and registration produce for one visit or stay: the patient, the coverages in
payer order, the providers by role, ICD-10-CM diagnoses and CPT/HCPCS procedure lines. `edi.claims` maps one
encounter to one 837P (`claim_type` `professional`, 005010X222A1) or 837I (`institutional`, 005010X223A2) claim,
and an 837 claim back to an encounter (`edi claims extract FILE.837`). `edi schema encounter` prints the JSON
Schema, with these descriptions.

Encounters are read from JSON Lines (one encounter per line), a JSON array, a CSV export mapped by a column map
(below), or an 837. Dates are `YYYY-MM-DD`; amounts are numbers or strings (`"125.00"`); a field left out takes
its default; an unknown field is an error (a misspelt name must not drop data). Each record that cannot be read
gives one error naming the file, the line, the field (a JSON path such as `$.lines[0].charge`, or a CSV column)
and the fix, and the records around it are still read.

Destinations name the 837 loop, segment and element (`2300 CLM01`, `2400 REF*6R`); "837P" and "837I" mark
fields only one claim type sends (the other claim type has no place for them in its guide, so they are not
written there). Likewise a provider's taxonomy, tax id and contact numbers go only where the guide gives that
provider's loop a PRV, REF or PER. "Not sent" fields are there for the scrubber (coverage dates) or for tests.
"""

MAPS = """## CSV column maps (`mappings/encounters/*.toml`)

A practice-management export with one row per service line becomes encounters through a column map; a new
system needs a new map, not code. `edi claims extract` and the other `claims` commands take it as
`--mapping NAME` (a file in `mappings/encounters/`) or a path. Two maps ship with samples in
`samples/encounters/`: `example-pm` (a professional charge export: US dates, `$` amounts, diagnoses on each
charge) and `example-hospital` (an institutional UB-04 line export: `;`-separated, ISO dates, the type of bill
split into facility type and frequency).

| table | holds |
|---|---|
| `[mapping]` | `schema = "edi-encounter-csv-map/1"`, `name`, `group_by` (the encounter id column: consecutive rows with one value are one encounter; the rows of an encounter must be together), `delimiter` (`,`), `encoding` (`utf-8-sig`), `date_format` (strptime, default `%Y-%m-%d`) |
| `[constants]` | field path = value, the same for every encounter (the billing provider, the claim type) |
| `[encounter]` | field path = column, read once per encounter; its rows must agree (empty cells are ignored) |
| `[line]` | field path inside a line = column, read from every row; `diagnosis_codes[0]`…`[3]` take ICD-10-CM codes listed on the row, which become the encounter's diagnoses (first use first) and the line's pointers |
| `[codes.NAME]` | a code translation: the export's value = the encounter's value (`Male = "M"`); a value not in the table is an error |

A field path follows the model: `patient.birth_date`, `coverages[1].payer.id`, `providers.rendering.npi`,
`modifiers[0]`. A column is a name, or a table with `column` and options: `date_format`, `codes` (a
`[codes.NAME]` table), `split` (separator of a list such as `diagnosis_pointers`), `remove` (characters to drop:
`"."` from `J06.9`, `"$,"` from `$1,250.00`), `slice` (`"1:3"` keeps characters 1–2), `default` (for an
empty cell). Items whose cells are all empty are left out (no secondary payer, no referring provider). A map is
checked when it is loaded: an unknown table, option or field path, or a missing code table, is a `MappingError`
naming the file and key; a column the export does not have is an error naming the file and its header.
"""


@functools.cache
def field_comments(cls: type) -> dict[str, tuple[str, str]]:
    """Field → (what it holds, 837 destination), from the comments in the class bodies (base classes first)."""
    found: dict[str, tuple[str, str]] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__ != model.__name__:
            continue
        for line in inspect.getsource(klass).splitlines():
            match = _FIELD.match(line)
            if match:
                holds, _, goes = match.group(2).partition("→")
                found[match.group(1)] = (holds.strip(), goes.strip())
    return found


def description(cls: type, field: str) -> str:
    holds, goes = field_comments(cls).get(field, ("", ""))
    return f"{holds} → {goes}" if goes else holds


def render_markdown() -> str:
    lines = [INTRO]
    for cls in _structs(model.Encounter, set()):
        doc = (inspect.getdoc(cls) or "").split("\n")[0]
        lines += [f"## `{cls.__name__}`", "", doc, "", "| field | type | default | holds | 837 destination |",
                  "|---|---|---|---|---|"]
        comments = field_comments(cls)
        for field in msgspec.structs.fields(cls):
            holds, goes = comments.get(field.name, ("", ""))
            kind = _type_name(field.type).replace("|", "\\|")
            kind = re.sub(r"Annotated\[(.+?), msgspec\.Meta\([^)]*\)\]", r"\1", kind)
            default = _default(field)
            lines.append(f"| `{field.name}` | `{kind}` | {default} | {_cell(holds)} | {_cell(goes)} |")
        lines.append("")
    lines.append(MAPS)
    return "\n".join(lines)


def _default(field: msgspec.structs.FieldInfo) -> str:
    if field.required:
        return "required"
    value = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
    if value in ("", (), None) or isinstance(value, msgspec.Struct):
        return ""
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(render_markdown())
