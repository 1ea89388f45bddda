"""Guide versions (GS08 / ST03) read with the map of another: errata and originals of the guides pyx12 maps.

Data, not code: each entry names a published version and the version whose pyx12 map (or envelope-map code list)
stands for it — the same loop structure and rules (docs/validation-rules.md). Wherever a map's code list accepts
a version in GS08 or ST03, the versions read with it are accepted too.
"""

from __future__ import annotations

ALIASES = {
    # 837P: the original guide (May 2006) and the 2010 errata X222A1 / X222A2
    "005010X222": "005010X222A1", "005010X222A2": "005010X222A1",
    # 837I: X223, its addenda X223A1, A2 (pyx12's map) and the errata A3
    "005010X223": "005010X223A2", "005010X223A1": "005010X223A2", "005010X223A3": "005010X223A2",
    # 835: the original guide, amended by X221A1
    "005010X221": "005010X221A1",
    # 270/271 eligibility: X279A1 is the errata of X279 (pyx12's envelope map lists X279, it has no 5010 map)
    "005010X279A1": "005010X279",
}
VERSION_ELEMENTS = frozenset({"480", "1705"})   # data elements of GS08 and ST03


def with_aliases(codes: frozenset[str]) -> frozenset[str]:
    """A GS08 / ST03 code list with every version read as one of its codes."""
    return codes | {version for version, reads_as in ALIASES.items() if reads_as in codes}
