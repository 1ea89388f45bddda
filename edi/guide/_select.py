"""Which implementation guide reads a transaction: pyx12's maps.xml, plus the errata versions it lacks."""

from __future__ import annotations

import functools

from edi.guide._loader import from_disk_cache, load_guide, map_dir
from edi.guide._spec import TransactionSpec
from edi.guide._versions import ALIASES  # versions read with the map of the guide they amend


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


def map_name_for(version: str, set_id: str = "") -> str | None:
    """The pyx12 map for a GS08/ST03 version and ST01 transaction set, or None when no guide is known."""
    version = version.strip()
    names = registered_maps().get(ALIASES.get(version, version), ())
    for name in names:
        if not set_id or name.startswith(set_id):
            return name
    return None


def guide_for(version: str, set_id: str = "") -> TransactionSpec | None:
    """The compiled guide for a transaction's version (ST03, else GS08) and ST01, or None when unknown."""
    name = map_name_for(version, set_id)
    return load_guide(name) if name else None


def guide_named(name: str) -> TransactionSpec:
    """A guide by short name ("837p", "835" …) or by version ("005010X222A1")."""
    version = NAMED.get(name.lower(), name)
    spec = guide_for(version)
    if spec is None:
        from edi.errors import GuideError
        raise GuideError(f"no implementation guide is known for {name!r}; known: {', '.join(sorted(NAMED))}")
    return spec
