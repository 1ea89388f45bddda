"""Denial routing (``mappings/posting/*.toml``): a CAS adjustment of a denied claim or zero-paid line → root cause
(coding, billing, credentialing, coverage) and next action (resubmit-7, appeal, bill-patient, bill-other-payer,
write-off, none). The most specific rule wins: group + CARC + RARC, group + CARC, any group + CARC, the default."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from edi._data import mapping_path, read_toml
from edi.errors import EdiError

ROOT_CAUSES = frozenset({"coding", "billing", "credentialing", "coverage"})
ACTIONS = frozenset({"resubmit-7", "appeal", "bill-patient", "bill-other-payer", "write-off", "none"})


@dataclass(frozen=True, slots=True)
class DenialRule:
    root_cause: str
    action: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    by_key: dict[tuple[str, str, str], DenialRule]    # (group or "*", CARC, RARC or "")
    default: DenialRule

    def route(self, group: str, carc: str, remarks: tuple[str, ...] = ()) -> DenialRule:
        for remark in remarks:
            for g in (group, "*"):
                if (found := self.by_key.get((g, carc, remark))) is not None:
                    return found
        for g in (group, "*"):
            if (found := self.by_key.get((g, carc, ""))) is not None:
                return found
        return self.default


def load_rules(folder: Path | None = None) -> Rules:
    """Every ``*.toml`` of ``folder`` (default: the packaged mappings/posting); a bad rule is one located line."""
    return _load(str(folder) if folder else None)


@functools.lru_cache(maxsize=4)
def _load(folder: str | None) -> Rules:
    base = Path(folder) if folder else mapping_path("posting")
    by_key: dict[tuple[str, str, str], DenialRule] = {}
    default = DenialRule("billing", "appeal", "no rule for this adjustment")
    for path in sorted(base.glob("*.toml")):
        if path.name == "automation.toml":   # the automation policy (edi.posting._policy), not denial routing
            continue
        doc = read_toml(path)
        if "default" in doc:
            default = _rule(path, "[default]", doc["default"])
        for n, raw in enumerate(doc.get("rule", []), 1):
            rule = _rule(path, f"rule {n}", raw)
            carcs = raw.get("carc")
            if not carcs or "group" not in raw:
                raise EdiError(f"{path}: rule {n}: needs group and carc; e.g. group = \"CO\", carc = [\"16\"]")
            for carc in [carcs] if isinstance(carcs, str) else carcs:
                by_key[(str(raw["group"]), str(carc), str(raw.get("rarc", "")))] = rule
    return Rules(by_key, default)


def _rule(path: Path, where: str, raw: dict[str, object]) -> DenialRule:
    cause, action = raw.get("root_cause"), raw.get("action")
    if cause not in ROOT_CAUSES:
        raise EdiError(f"{path}: {where}: root_cause {cause!r}: use one of {', '.join(sorted(ROOT_CAUSES))}")
    if action not in ACTIONS:
        raise EdiError(f"{path}: {where}: action {action!r}: use one of {', '.join(sorted(ACTIONS))}")
    return DenialRule(str(cause), str(action), str(raw.get("note", "")))


def route(group: str, carc: str, remarks: tuple[str, ...] = ()) -> DenialRule:
    return load_rules().route(group, carc, remarks)
