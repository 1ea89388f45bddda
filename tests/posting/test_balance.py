"""The balance invariant on files we did not write: every 835 in the shared corpus posted into an empty ledger
(all claim payments unmatched, so all to suspense — and still Σ posted + Σ PLB + Σ suspense = BPR02 to the cent,
checked here from the ledger's rows), or refused with a located reason; and `edi synth 835` posted against the
claims of `edi synth 837p` of the same seed, imported with `edi ledger import`."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_id
from sqlalchemy import func, select

from edi.ledger import Ledger, open_ledger
from edi.ledger import _schema as t
from edi.posting import import_837, post_file

MONEY = ("payment", "interest", "plb", "suspense")


def corpus_835s() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as stream:
        return [CORPUS / row["file"] for row in csv.DictReader(stream, delimiter="\t") if row["type"] == "835"]


def era_money(ledger: Ledger) -> dict[str, Decimal]:
    p, e = t.postings.c, t.eras.c
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(e.trace_number, e.payment_amount, func.sum(p.amount))
                            .join(t.postings, p.era_id == e.id).where(p.account.in_(MONEY))
                            .group_by(e.id, e.trace_number, e.payment_amount))
        return {trace: (bpr02, total) for trace, bpr02, total in rows}


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_835s(), ids=corpus_id)
def test_a_corpus_835_into_an_empty_ledger_balances_or_is_refused_with_a_located_reason(
        path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name            # never read the corpus in place from a command that could write
    shutil.copyfile(path, copy)
    with open_ledger(str(tmp_path / "edi.db")) as ledger:
        result = post_file(ledger, copy)
        posted = [e for e in result.eras if e.status == "posted"]
        for era in result.eras:
            if era.status == "refused":
                assert era.findings and all("segment" in f or "ST02" in f for f in era.findings), era.findings
            else:
                assert "posted" == era.status
                assert (0, era.claims, Decimal(0)) == (era.matched, era.exceptions, era.posted_to_claims)
                assert era.payment == era.suspense + era.plb
        for trace, (bpr02, total) in era_money(ledger).items():
            assert bpr02 == total, trace
        assert len(posted) == len(era_money(ledger)) or not posted
        if not result.eras:
            assert result.findings and str(copy) in result.findings[0]


@pytest.mark.parametrize("claims", [1, 40, 2500])
def test_synthetic_835_against_the_imported_synthetic_837p_of_the_same_seed(claims: int, db_url: str,
                                                                            tmp_path: Path) -> None:
    """Every claim payment matches its claim by CLM01 and every line by REF*6R; each ERA balances; the reversals
    edi synth writes (of payments it never sent) are the only exceptions, with their dollars posted to the claim."""
    from edi.synth import write_synth

    c, r = tmp_path / "c.x12", tmp_path / "r.x12"
    with c.open("wb") as stream:
        write_synth("837p", claims, 11, stream)
    with r.open("wb") as stream:
        write_synth("835", claims, 11, stream)
    with open_ledger(db_url) as ledger:
        imported = import_837(ledger, c)
        assert (claims, claims, 1) == (imported.claims, imported.new_encounters, imported.new_submissions)
        result = post_file(ledger, r)
        assert result.eras and all(e.status == "posted" for e in result.eras)
        assert sum(e.claims for e in result.eras) == claims == sum(e.matched for e in result.eras)
        assert all(e.suspense == 0 for e in result.eras)
        for trace, (bpr02, total) in era_money(ledger).items():
            assert bpr02 == total, trace
        with ledger.engine.connect() as conn:
            lines = conn.execute(select(t.postings.c.line_match, func.count()).where(
                t.postings.c.account == "payment", t.postings.c.kind == "line")
                .group_by(t.postings.c.line_match)).all()
            reversals = conn.execute(select(func.count()).select_from(t.claim_payments)
                                     .where(t.claim_payments.c.status_code == "22")).scalar_one()
        assert {"6r"} == {method for method, _ in lines}
        assert reversals == sum(e.exceptions for e in result.eras)
        again = import_837(ledger, c)
        assert not again.changed
