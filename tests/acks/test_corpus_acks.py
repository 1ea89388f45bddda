"""Every acknowledgment we write for the public corpus is valid, by our validator and by pyx12.

`edi validate --ack 999 --ack ta1 --ack 277ca` over the whole corpus (one run: the files are checked in parallel
and compared for repeated interchange control numbers), then each file written is validated again."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, corpus_files, corpus_id
from edi.acks import write_acks
from edi.validate import validate, validate_files

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    files = corpus_files()
    out = tmp_path_factory.mktemp("acks")
    reports = validate_files(files)
    return [(corpus_id(path), result.path) for path, report in zip(files, reports)
            for result in write_acks(report, path, ("999", "ta1", "277ca"), out / path.parent.name)
            if result.path is not None]


def test_acknowledgments_are_written_for_the_claim_files(written: list[tuple[str, Path]]) -> None:
    kinds = {path.name.split(".")[-3] for _, path in written}
    assert {"999", "ta1", "277ca"} == kinds
    answered = {name for name, _ in written}
    assert all(corpus_id(p) in answered for p in corpus_files("837p", "837i", "835"))
    assert not any(name.startswith(("999/", "277ca/")) for name in answered), "acknowledgments answered"


def test_every_acknowledgment_we_write_is_valid_by_us_and_by_pyx12(written: list[tuple[str, Path]]) -> None:
    from pyx12_errors import pyx12_errors

    bad = []
    for name, path in written:
        ours = [(f.code, f.location.describe()) for f in validate(path).findings if f.is_error]
        theirs = pyx12_errors(str(path))
        if ours or theirs:
            bad.append((name, path.name, ours[:3], theirs[:3]))
    assert [] == bad
    assert len(written) > 300 and CORPUS.is_dir()
