"""What coded values mean, for `edi inspect`: names from the code tables in mappings/codes/.

Which table explains which element is decided by the element's X12 data element number or the external code
list pyx12's map names for it, so the same element is explained wherever a guide uses it. CARC and RARC
descriptions are X12's and are not shipped (docs/code-sets.md): for them the status our dated table records is
shown instead.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable

from edi._data import mapping_path
from edi.errors import MappingError
from edi.guide import ElementSpec
from edi.validate.codesets import CodeEntry, CodeSet, carc, place_of_service, rarc

# X12 data element number → table file in mappings/codes/ (code,name,effective_date,end_date).
BY_DATA_ELEMENT = {
    "1029": "claim-status.csv",            # 835 CLP02
    "1033": "claim-adjustment-group.csv",  # 835 CAS01
    "1325": "claim-frequency.csv",         # 837 CLM05-3, 835 CLP09
    "1032": "claim-filing-indicator.csv",  # 837 SBR09, 835 CLP06
    "98": "entity-identifier.csv",         # NM101, N101, STC01-3
    "620": "ik304.csv", "621": "ik403.csv", "717": "ik501.csv", "618": "ik502.csv",   # 999 IK3, IK4, IK5
    "715": "ak901.csv", "716": "ak905.csv",                                           # 999 AK9
    "I17": "ta1-ack.csv", "I18": "ta1-note.csv",                                      # TA1
}
# pyx12 external code list name → table file.
BY_EXTERNAL = {"claim_status_cat": "claim-status-category.csv", "entity_id": "entity-identifier.csv"}
CARC_ELEMENT = "1034"  # CAS02, 05, 08, 11, 14, 17

Explain = Callable[[str], "str | None"]


@functools.cache
def named_table(file: str) -> CodeSet:
    """A code,name,effective_date,end_date table from mappings/codes/ (the place-of-service layout)."""
    path = mapping_path("codes", file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"cannot read the code table: {exc.strerror}", str(path)) from exc
    version = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                    if line.startswith("#") and line[1:].strip().lower().startswith("version:")), file)
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    if tuple(reader.fieldnames or ()) != ("code", "name", "effective_date", "end_date"):
        raise MappingError("the header must be code,name,effective_date,end_date", str(path), "header")
    entries = {row["code"]: CodeEntry(row["code"], row["name"], None, None) for row in reader}
    return CodeSet(file.removesuffix(".csv"), version, entries)


def _named(table: Callable[[], CodeSet]) -> Explain:
    def explain(value: str) -> str | None:
        entry = table().lookup(value)
        return entry.name if entry is not None and entry.name else None
    return explain


def _dated(table: Callable[[], CodeSet]) -> Explain:
    """CARC/RARC: the status our table records (descriptions are X12's and not shipped)."""
    def explain(value: str) -> str | None:
        codes = table()
        entry = codes.lookup(value)
        if entry is None:
            return f"not in the {codes.name} list ({codes.version})"
        if entry.deactivated or entry.stop is not None:
            return f"{codes.name}, deactivated" + (f" from {entry.stop}" if entry.stop else "")
        return f"{codes.name}, current" + (f" since {entry.start}" if entry.start else "")
    return explain


def explainer(element: ElementSpec) -> Explain | None:
    """How to explain a value of this (non-composite) element, or None when we ship no table for it."""
    external = element.external
    if external == "pos":
        return _named(place_of_service)
    if external == "remark_code":
        return _dated(rarc)
    if external in BY_EXTERNAL:
        return _named(functools.partial(named_table, BY_EXTERNAL[external]))
    if element.data_ele == CARC_ELEMENT:
        return _dated(carc)
    file = BY_DATA_ELEMENT.get(element.data_ele)
    return _named(functools.partial(named_table, file)) if file is not None else None


def rarc_explainer() -> Explain:
    """LQ02 when LQ01 is HE (a remark code in the 835's 2110 LQ segment)."""
    return _dated(rarc)
