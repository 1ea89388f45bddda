"""Acknowledgments of synthetic claim files with errors injected at random places: every claim with an error is
rejected in the 277CA (and only those), and what we write is valid by our validator and by pyx12."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest

from edi.acks import write_acks
from edi.synth import write_synth
from edi.validate import validate

# (pattern, replacement): each changes one claim's business data (SNIP 3-5), never its syntax
DEFECTS = [
    (re.compile(rb"(CLM\*[^*]+\*)(\d+)"), lambda m: m.group(1) + str(int(m.group(2)) + 1).encode()),   # CLM02
    (re.compile(rb"(NM1\*(?:82|71)\*1\*[^~]*XX\*\d{9})(\d)"),
     lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10).encode()),                                     # NPI
    (re.compile(rb"(DTP\*472\*D8\*)20\d\d"), lambda m: m.group(1) + b"2099"),                           # future
]


def _broken(kind: str, seed: int) -> bytes:
    """60 synthetic claims with six defects put into claims chosen by ``seed``."""
    buffer = io.BytesIO()
    write_synth(kind, 60, seed, buffer)
    data = buffer.getvalue()
    rng = random.Random(seed)
    for _ in range(6):
        pattern, fix = rng.choice(DEFECTS)
        hits = list(pattern.finditer(data))
        if hits:
            hit = rng.choice(hits)
            data = data[:hit.start()] + fix(hit) + data[hit.end():]
    return data


@pytest.mark.parametrize("kind, seed", [("837p", 1), ("837p", 2), ("837i", 3)])
def test_synthetic_claims_with_errors_get_valid_acknowledgments(kind: str, seed: int, tmp_path: Path) -> None:
    from pyx12_errors import pyx12_errors

    data = _broken(kind, seed)
    path = tmp_path / f"{kind}.x12"
    path.write_bytes(data)
    report = validate(path)
    bad_claims = {c for r in report.transactions for c, findings in r.claim_findings.values()
                  if any(f.is_error for f in findings)}
    assert bad_claims, "the defects were injected"
    results = write_acks(report, path, ["999", "277ca"], tmp_path / "acks")
    assert all(r.path is not None for r in results), [r.notes for r in results]
    from edi.models import ClaimAcknowledgment, read

    [ack] = [r.path for r in results if r.kind == "277ca"]
    rejected = {c.patient_control_number for m in read(ack) if isinstance(m, ClaimAcknowledgment)
                for c in m.claims if c.rejected}
    assert bad_claims == rejected
    for result in results:
        assert [] == [(f.code, f.message) for f in validate(result.path).findings if f.is_error]
        assert [] == pyx12_errors(str(result.path))
