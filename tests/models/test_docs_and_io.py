"""The models' documentation is generated from the code; streaming and whole-transaction reads agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES, corpus_files, corpus_id
from edi.models import iter_claims, read
from edi.models._docs import render_markdown
from edi.models._json import encode, from_document, schema

DOCS = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def test_docs_models_md_is_current() -> None:
    """docs/models.md is what `python -m edi.models._docs` prints: regenerate it after changing a model."""
    assert render_markdown() + "\n" == DOCS.read_text()


@pytest.mark.parametrize("kind", ["837p", "837i", "835", "999", "277ca", "ta1"])
def test_every_model_has_a_json_schema(kind: str) -> None:
    assert "$defs" in schema(kind)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
def test_models_json_gives_back_the_sample(path: Path) -> None:
    """to-json --models, then from-json --models: the interchange header travels in the document."""
    assert path.read_bytes() == from_document(encode(path))


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("837p", "837i", "835"), ids=corpus_id)
def test_streamed_claims_equal_the_transaction_models(path: Path) -> None:
    """iter_claims (claim by claim, flat memory) gives the same claims as read (transaction by transaction)."""
    whole = [c for model in read(path) for c in getattr(model, "claims", ())]
    streamed = list(iter_claims(path))
    assert len(whole) == len(streamed)
    assert whole == streamed  # Struct equality (to_builtins may omit a default-equal string, so not compared)


def test_streaming_a_multi_transaction_file_loses_nothing() -> None:
    """Across several 5,000-claim transactions (where freed loops' ids come back), every service line of every
    claim is streamed: the totals match the whole-transaction read."""
    import io

    from edi.synth import write_synth

    out = io.BytesIO()
    write_synth("835", 12_000, 5, out)
    data = out.getvalue()
    streamed = [len(c.services) for c in iter_claims(data)]
    whole = [len(c.services) for model in read(data) for c in model.claims]
    assert 12_000 == len(streamed)
    assert whole == streamed
