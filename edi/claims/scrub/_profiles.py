"""A payer's scrub profile: the ``[scrub]`` table of its file in ``mappings/payers/`` (the same file as its SNIP 7
companion-guide rules, read by :mod:`edi.validate.profiles`). It switches edits off, changes their severities and
carries the payer's data the edits read (timely filing limit, member id format, procedures needing prior
authorization …). Schema: docs/code-sets.md, "Payer profiles"; a hand-edited file that does not fit raises
:class:`MappingError` naming the file and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi._data import TableReader, read_toml
from edi.errors import MappingError
from edi.validate import Severity

KEYS = {
    "off": "edits switched off for this payer (codes)",
    "severity": "table: edit code → \"error\" or \"warning\"",
    "timely_filing_days": "days from the date of service (837I: the last day of the stay; a secondary claim: the "
                          "prior payer's adjudication date) within which the payer accepts a claim",
    "member_id_pattern": "regular expression the whole member id must match",
    "member_id_format": "the member id format in words, for the message",
    "prior_authorization": "procedure codes (CPT/HCPCS) the payer authorizes before the service",
    "prior_authorization_every_claim": "true: every claim carries a prior authorization number",
    "zip9": "addresses whose US ZIP code must have nine digits (billing_provider, service_facility, pay_to, "
            "patient, subscriber)",
    "required": "encounter fields the payer requires (dotted paths: \"medical_record_number\", "
                "\"providers.referring\", \"patient.address\")",
    "taxonomy_required": "provider roles that must carry a taxonomy (billing_provider, rendering, attending …)",
    "payer_of_last_resort": "true: this payer pays after every other coverage (Medicaid)",
    "max_claim_id_length": "CLM01 length the payer keeps (default 20)",
}
ZIP9_ROLES = ("billing_provider", "service_facility", "pay_to", "patient", "subscriber")
ROLES = ("billing_provider", "rendering", "referring", "supervising", "attending", "operating", "other_operating",
         "service_facility", "ordering", "purchased_service", "primary_care")


@dataclass(frozen=True)
class ScrubProfile:
    """What the edits read about one payer; the default (no profile) switches nothing and carries no data."""

    name: str = "no payer profile"
    ids: frozenset[str] = frozenset()
    source: str = ""                                   # the file, for findings' ``source``
    off: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    timely_filing_days: int | None = None
    member_id_pattern: re.Pattern[str] | None = None
    member_id_format: str = ""
    prior_authorization: frozenset[str] = frozenset()
    prior_authorization_every_claim: bool = False
    zip9: tuple[str, ...] = ("billing_provider", "service_facility")   # what the 837 guides require
    required: tuple[str, ...] = ()
    taxonomy_required: tuple[str, ...] = ()
    payer_of_last_resort: bool = False
    max_claim_id_length: int = 20

    @property
    def label(self) -> str:
        """How findings cite the profile: "payer profile example-medicare.toml"."""
        return f"payer profile {Path(self.source).name}" if self.source else "no payer profile"


DEFAULT = ScrubProfile()


def parse_scrub(doc: dict[str, Any], source: str, edit_codes: Iterable[str]) -> ScrubProfile:
    """The ``[scrub]`` table of a payer profile's parsed TOML (``doc``), checked; ``source`` names the file."""
    known = set(edit_codes)
    found = doc.get("payer")
    payer: dict[str, Any] = found if isinstance(found, dict) else {}
    ids = payer.get("ids", [])
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise MappingError("a list of payer ids is required (the 837's 2010BB NM109)", source, "payer.ids")
    name = str(payer["name"]) if isinstance(payer.get("name"), str) else Path(source).stem
    table = doc.get("scrub", {})
    if not isinstance(table, dict):
        raise MappingError("must be a table ([scrub])", source, "scrub")
    for key in table:
        if key not in KEYS:
            raise MappingError(f"unknown key; the [scrub] keys are {', '.join(KEYS)}", source, f"scrub.{key}")
    get = _Reader(table, source, "scrub")
    off = get.strings("off")
    for n, code in enumerate(off):
        if code not in known:
            raise MappingError(f"{code!r} is no edit (docs/scrub-edits.md lists them)", source, f"scrub.off[{n}]")
    severity = {}
    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        raise MappingError("must be a table of edit code = \"error\" | \"warning\"", source, "scrub.severity")
    for code, level in levels.items():
        where = f"scrub.severity.{_key(code)}"
        if code not in known:
            raise MappingError(f"{code!r} is no edit (docs/scrub-edits.md lists them)", source, where)
        if level not in ("error", "warning"):
            raise MappingError(f"{level!r} must be \"error\" or \"warning\" (switch an edit off with scrub.off)",
                               source, where)
        severity[code] = Severity(level)
    pattern = get.string("member_id_pattern")
    compiled = None
    if pattern:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise MappingError(f"not a regular expression: {exc}", source, "scrub.member_id_pattern") from None
    zip9 = get.strings("zip9", ("billing_provider", "service_facility"))
    for n, role in enumerate(zip9):
        if role not in ZIP9_ROLES:
            raise MappingError(f"{role!r} is not one of {', '.join(ZIP9_ROLES)}", source, f"scrub.zip9[{n}]")
    taxonomy = get.strings("taxonomy_required")
    for n, role in enumerate(taxonomy):
        if role not in ROLES:
            raise MappingError(f"{role!r} is not one of {', '.join(ROLES)}", source, f"scrub.taxonomy_required[{n}]")
    codes = get.strings("prior_authorization")
    for n, code in enumerate(codes):
        if not re.fullmatch(r"[0-9A-Z]{5}", code):
            raise MappingError(f"{code!r} is not a 5-character CPT/HCPCS code", source,
                               f"scrub.prior_authorization[{n}]")
    return ScrubProfile(
        name=name, ids=frozenset(ids), source=source, off=frozenset(off), severity=severity,
        timely_filing_days=get.positive("timely_filing_days"), member_id_pattern=compiled,
        member_id_format=get.string("member_id_format"), prior_authorization=frozenset(codes),
        prior_authorization_every_claim=get.boolean("prior_authorization_every_claim"), zip9=tuple(zip9),
        required=tuple(get.strings("required")), taxonomy_required=tuple(taxonomy),
        payer_of_last_resort=get.boolean("payer_of_last_resort"),
        max_claim_id_length=get.positive("max_claim_id_length") or 20)


def load_scrub_profiles(directory: Path, edit_codes: Iterable[str]) -> dict[str, ScrubProfile]:
    """Payer id → scrub profile for every ``*.toml`` in ``directory`` (a payer id in two files is an error)."""
    codes = tuple(edit_codes)
    found: dict[str, ScrubProfile] = {}
    for path in sorted(directory.glob("*.toml")):
        doc = read_toml(path)
        profile = parse_scrub(doc, str(path), codes)
        for payer_id in sorted(profile.ids):
            if payer_id in found:
                raise MappingError(f"payer id {payer_id!r} is also in {found[payer_id].source}", str(path),
                                   "payer.ids")
            found[payer_id] = profile
    return found


def _key(code: str) -> str:
    return f'"{code}"' if "." in code else code


class _Reader(TableReader):
    """The [scrub] table's values: the shared kinds, and whole numbers above 0."""

    def positive(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(key, f"must be a whole number above 0, got {value!r}")
        return value
