"""Which implementation guide reads a transaction: pyx12's maps.xml, plus the errata versions it lacks."""

from __future__ import annotations

import functools

from edi.guide._derived import derived_map, guide_997_5010
from edi.guide._loader import from_disk_cache, load_guide, map_dir
from edi.guide._spec import TransactionSpec
from edi.guide._versions import ALIASES  # versions read with the map of the guide they amend


FUNCTIONAL_997 = {"FA": "997"}   # a 5010 FA group with no registered map: the 997 (a 999's version is registered)

# The guides this engine is built around, by the name people use.
NAMED = {
    "837p": "005010X222A1", "837i": "005010X223A2", "835": "005010X221A1", "999": "005010X231A1",
    "277ca": "005010X214",
}
CONTROL_MAP = "x12.control.00501.xml"


@functools.cache
def registered_maps() -> dict[str, tuple[str, ...]]:
    """GS08 version → the map files pyx12's maps.xml registers for it (one per transaction set)."""
    return from_disk_cache(map_dir() / "maps.xml", _read_maps, dict)


def _read_maps() -> dict[str, tuple[str, ...]]:
    from lxml import etree

    root = etree.parse(str(map_dir() / "maps.xml")).getroot()
    table: dict[str, tuple[str, ...]] = {}
    for entry in root.iter("map"):
        vriic = entry.get("vriic") or ""
        if vriic and entry.text and entry.text.strip() not in table.get(vriic, ()):
            table[vriic] = (*table.get(vriic, ()), entry.text.strip())
    return table


def map_name_for(version: str, set_id: str = "", functional_id: str = "") -> str | None:
    """The pyx12 map for a GS08/ST03 version and ST01 transaction set (or, for a GS, its GS01 functional id), or
    None when no guide is known. A guide derived from another version's map (edi.guide._derived) names that map."""
    version = version.strip()
    names = registered_maps().get(ALIASES.get(version, version), ())
    if functional_id and len(names) > 1:
        names = tuple(n for n in names if functional_ids().get(n) == functional_id) or names
    for name in names:
        if not set_id or name.startswith(set_id):
            return name
    return derived_map(version, set_id or FUNCTIONAL_997.get(functional_id, ""))


def guide_for(version: str, set_id: str = "", functional_id: str = "") -> TransactionSpec | None:
    """The compiled guide for a transaction's version (ST03, else GS08) and ST01 (or a GS's GS01), or None when
    unknown."""
    name = map_name_for(version, set_id, functional_id)
    if name is None:
        return None
    if name not in registered_maps().get(ALIASES.get(version.strip(), version.strip()), ()):
        return guide_997_5010()   # the only derived guide
    return load_guide(name)


@functools.cache
def functional_ids() -> dict[str, str]:
    """Map file → the GS01 functional id maps.xml registers it for (to tell apart maps sharing a version, like
    004010's 830 and 997); read only when a GS needs it."""
    from lxml import etree

    root = etree.parse(str(map_dir() / "maps.xml")).getroot()
    return {(e.text or "").strip(): e.get("fic") or "" for e in root.iter("map")}


def guide_named(name: str) -> TransactionSpec:
    """A guide by short name ("837p", "835" …) or by version ("005010X222A1")."""
    version = NAMED.get(name.lower(), name)
    spec = guide_for(version)
    if spec is None:
        from edi.errors import GuideError
        raise GuideError(f"no implementation guide is known for {name!r}; known: {', '.join(sorted(NAMED))}")
    return spec
