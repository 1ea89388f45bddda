"""`edi synth`: deterministic, and every kind it writes is valid to pyx12 and to our own validator."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from edi.synth import KINDS, write_synth
from edi.validate import validate
from pyx12_errors import pyx12_errors


def synth(kind: str, claims: int = 20, seed: int = 3) -> bytes:
    out = io.BytesIO()
    write_synth(kind, claims, seed, out)
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_same_seed_same_bytes(kind: str) -> None:
    assert synth(kind) == synth(kind)
    assert synth(kind) != synth(kind, seed=4)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_valid_to_pyx12_and_to_us(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"synth.{kind}.x12"
    path.write_bytes(synth(kind))
    assert [] == pyx12_errors(str(path))
    assert [] == [(f.code, f.message) for f in validate(path).errors]
