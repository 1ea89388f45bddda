"""Shared test fixtures: where the corpus lives and how to list its files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("EDI_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(Path(__file__).parent))  # for tests/pyx12_oracle.py


def corpus_files(*folders: str) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    roots = [CORPUS / f for f in folders] if folders else [CORPUS]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and p.suffix not in (".md", ".tsv", ".html") and "licenses" not in p.parts)


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS)) if CORPUS in path.parents else path.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not CORPUS.is_dir():
        skip = pytest.mark.skip(reason=f"corpus not found at {CORPUS} (set EDI_CORPUS)")
        for item in items:
            if "corpus" in item.keywords:
                item.add_marker(skip)
