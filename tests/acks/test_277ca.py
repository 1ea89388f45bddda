"""277CA claim acknowledgments: every error of a claim, with the entity of the loop at fault; real creation time;
streamed per transaction; a transaction the 999 rejects is said to get no 277CA."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import SAMPLES
from edi.acks import build_277ca, iter_277ca, write_acks
from edi.acks._277ca import entity_of, status_for
from edi.errors import EdiError
from edi.guide import guide_named
from edi.validate import Finding, Location, Severity, validate

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
WHEN = datetime(2025, 2, 1, 14, 37)


def _broken(*edits: tuple[bytes, bytes]) -> bytes:
    data = P837
    for old, new in edits:
        assert old in data, old
        data = data.replace(old, new, 1)
    return data


FOUR_ERRORS = _broken((b"CLM*PCN1001*235*", b"CLM*PCN1001*245*"),               # snip3.balance.clm02: A8:178
                      (b"XX*1234567901~", b"XX*1234567902~"),                     # rendering NPI: A7:562:82
                      (b"DTP*472*D8*20250106~\nREF*6R*1001L1", b"DTP*472*D8*20990106~\nREF*6R*1001L1"),  # A7:187
                      (b"SV1*HC:87880:QW*", b"SV1*HC:8788:QW*"))                  # procedure format: A7:454


class TestEveryError:
    def test_four_errors_of_one_claim_fill_stc01_stc10_stc11_and_a_second_stc(self) -> None:
        """Four distinct errors: one STC with three composites, a second STC with the fourth, each STC with the
        claim's charge and the errors' words in STC12; the other claims stay accepted."""
        report = validate(FOUR_ERRORS)
        claims = {c.patient_control_number: c for c in build_277ca(report, FOUR_ERRORS, when=WHEN)[0].claims}
        first = claims["PCN1001"].claim
        assert [3, 1] == [len(s.codes) for s in first.statuses]
        composites = {(i.category, i.status, i.entity) for s in first.statuses for i in s.codes}
        assert {("A8", "178", ""), ("A7", "562", "82"), ("A7", "187", ""), ("A7", "454", "")} == composites
        assert all(s.action == "U" and s.charge == 245 and s.effective == WHEN.date() for s in first.statuses)
        assert "snip3.balance.clm02" in first.statuses[0].message + first.statuses[1].message
        assert all(0 < len(s.message) <= 264 for s in first.statuses)
        assert [("A2", "20")] == [(i.category, i.status) for i in claims["PCN1002"].codes]

    def test_it_is_written_as_three_composites_and_a_second_stc(self, tmp_path: Path) -> None:
        path = tmp_path / "claims.x12"
        path.write_bytes(FOUR_ERRORS)
        [result] = write_acks(validate(path), path, ["277ca"], tmp_path / "acks", when=WHEN)
        assert result.path is not None
        segments = [line.strip() for line in result.path.read_text().split("~")]
        stcs = [seg for seg in segments if seg.startswith(("STC*A8", "STC*A7"))]
        assert 2 == len(stcs)
        elements = stcs[0].split("*")
        assert "20250201" == elements[2] and "U" == elements[3] and "245" == elements[4]
        assert {"A8:178", "A7:562:82", "A7:187", "A7:454"} == {elements[1], elements[10], elements[11],
                                                               stcs[1].split("*")[1]}


# STC01-3 entity codes: the NM101 the 837 guide gives each loop (pyx12's maps), as the 277CA guide allows them.
ENTITIES = [("837p", "2000A/2010AA", "85"), ("837p", "2000A", "85"), ("837p", "2000A/2000B/2010BA", "IL"),
            ("837p", "2000A/2000B/2010BB", "PR"), ("837p", "2000A/2000B/2000C/2010CA", "QC"),
            ("837p", "2000A/2000B/2300[CLM01=X]/2310A", "DN"), ("837p", "2000A/2000B/2300[CLM01=X]/2310B", "82"),
            ("837p", "2000A/2000B/2300[CLM01=X]/2310C", "77"), ("837p", "2000A/2000B/2300[CLM01=X]/2400[1]/2420A", "82"),
            ("837p", "2000A/2000B/2300[CLM01=X]/2310E", ""),   # ambulance pick-up (PW): not a 277CA entity
            ("837p", "2000A/2000B/2300[CLM01=X]", ""), ("837p", "2000A/2000B/2300[CLM01=X]/2400[2]", ""),
            ("837i", "2000A/2000B/2300[CLM01=X]/2310A", "71"), ("837i", "2000A/2000B/2300[CLM01=X]/2310B", "72"),
            ("837i", "2000A/2000B/2300[CLM01=X]/2310D", "82"), ("837i", "2000A/2000B/2300[CLM01=X]/2310E", "77")]


@pytest.mark.parametrize("kind, path, entity", ENTITIES)
def test_the_entity_is_the_loop_at_fault(kind: str, path: str, entity: str) -> None:
    finding = Finding("snip5.npi.check_digit", 5, Severity.ERROR, "", Location("f", ("1", "1", "1"), 0, 1, "NM1",
                                                                                path))
    assert entity == entity_of(finding, guide_named(kind))
    assert entity == status_for(finding, entity_of(finding, guide_named(kind))).entity


class TestAboveTheClaims:
    def test_a_bad_billing_npi_rejects_every_claim_of_that_provider_with_entity_85(self) -> None:
        """An error in 2010AA is the billing provider's: every claim under it is rejected (A7:562:85), the 999
        accepts the transaction, and the 2100C NM1*85 carries the tax id, never the bad NPI."""
        data = _broken((b"XX*1234567893~", b"XX*1234567894~"))
        ack = build_277ca(validate(data), data, when=WHEN)[0]
        assert 3 == len(ack.claims) and all(c.rejected for c in ack.claims)
        assert {("A7", "562", "85")} == {(i.category, i.status, i.entity) for c in ack.claims for i in c.codes}
        provider = ack.information_sources[0].receivers[0].providers[0]
        assert ("FI", "990000001") == (provider.name.id_qualifier, provider.name.id)
        assert (0, 3) == (provider.accepted_quantity or 0, provider.rejected_quantity)


def test_bht04_bht05_are_the_creation_date_and_time() -> None:
    ack = build_277ca(validate(P837), P837, when=WHEN)[0]
    assert (date(2025, 2, 1), "1437") == (ack.created, ack.created_time)
    before = datetime.now().replace(second=0, microsecond=0)
    now = build_277ca(validate(P837), P837)[0]
    assert now.created_time in {before.strftime("%H%M"), datetime.now().strftime("%H%M")}
    assert now.created in {before.date(), date.today()}


def test_a_transaction_the_999_rejects_gets_no_277ca_and_that_is_said(tmp_path: Path) -> None:
    """N401 missing (SNIP 2, outside the claims): the 999 rejects transaction 0001, so no 277CA is written, and
    the result says why."""
    path = tmp_path / "broken.x12"
    path.write_bytes(_broken((b"N4*SPRINGFIELD*IL*62704~", b"N4**IL*62704~")))
    [result] = write_acks(validate(path), path, ["277ca"], tmp_path / "acks")
    assert result.path is None
    assert any("transaction 0001" in note and "999 rejects it" in note for note in result.notes)


def test_acknowledgments_are_handed_over_per_transaction() -> None:
    """The first transaction's 277CA comes before the second transaction is read: cut the file inside the
    second transaction and the first acknowledgment is still handed over before the read fails."""
    two = P837.replace(b"GE*1*", b"GE*2*")
    st = two.index(b"ST*837")
    se = two.index(b"\n", two.index(b"\nSE*") + 1) + 1
    body = two[st:se].replace(b"*0001", b"*0002")
    whole = two[:se] + body + two[se:]
    report = validate(whole)
    acks = iter_277ca(report, whole[:se + len(body) // 2], when=WHEN)
    assert 3 == len(next(acks).claims)
    with pytest.raises(EdiError):
        next(acks)


CHARGES = {b"PCN1001": b"235", b"PCN1002": b"125", b"PCN1003": b"200"}


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(sorted(CHARGES))), st.sets(st.sampled_from(sorted(CHARGES))))
def test_exactly_the_claims_with_errors_are_rejected(balance: set[bytes], dates: set[bytes]) -> None:
    """Any claims with a CLM02 off by one and any with a line dated in the future: the 277CA rejects exactly
    those claims, each with one composite per kind of error, and the other claims are accepted."""
    data = P837
    for claim in balance:
        data = data.replace(b"CLM*%s*%s*" % (claim, CHARGES[claim]), b"CLM*%s*%s1*" % (claim, CHARGES[claim]))
    for claim in dates:
        at = data.index(b"CLM*" + claim)
        line = data.index(b"DTP*472*D8*20", at)
        data = data[:line] + b"DTP*472*D8*2099" + data[line + 15:]
    statuses = {c.patient_control_number.encode(): {(i.category, i.status) for i in c.codes}
                for c in build_277ca(validate(data), data, when=WHEN)[0].claims}
    for claim, codes in statuses.items():
        expected = {code for code, broken in ((("A8", "178"), claim in balance), (("A7", "187"), claim in dates))
                    if broken}
        assert (expected or {("A2", "20")}) == codes, claim
