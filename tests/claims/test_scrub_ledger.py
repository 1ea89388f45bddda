"""The edits that ask the ledger: duplicates of claims already submitted (and not denied), and enrollment with the
payer on the date of service by the roster. SQLite and PostgreSQL (the ledger tests' engines)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from ledger.conftest import postgres_server, postgres_url  # noqa: F401  (fixtures: a schema per test)
from msgspec.structs import replace

from claims.support import AS_OF, DOCTOR, DOS, FICTIONAL_NCCI, office_visit
from edi.claims.encounter import Encounter, Providers
from edi.claims.scrub import References, patient_key, scrub, scrub_one
from edi.codes import read_extract
from edi.ledger import (
    Claim,
    ClaimStatus,
    Coverage,
    EnrollmentRow,
    Ledger,
    Line,
    Person,
    Source,
    StatusEvent,
    Submission,
    SubmittedClaim,
    open_ledger,
)
from edi.ledger import Encounter as Recorded

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def ledger(request: pytest.FixtureRequest, tmp_path) -> Iterator[Ledger]:   # type: ignore[no-untyped-def]
    url = str(tmp_path / "edi.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with open_ledger(url) as opened:
        yield opened


def submit(ledger: Ledger, enc: Encounter, isa13: str = "000000001") -> int:
    """Record the encounter's claim as the build would (patient_key, lines' rendering NPI) and submit it."""
    lines = tuple(Line(n, enc.line_control_number(n), line.charge, line.units, enc.service_date or DOS,
                       procedure_code=line.procedure_code, modifiers=line.modifiers)
                  for n, line in enumerate(enc.lines, start=1))
    claim = Claim(enc.id, 1, sum((line.charge for line in enc.lines), Decimal(0)), enc.billing_provider.npi,
                  enc.service_date or DOS, enc.service_date or DOS, lines,
                  rendering_npi=enc.providers.rendering.npi if enc.providers.rendering else None)
    cov = enc.billed
    day = enc.service_date or DOS
    recorded = Recorded(enc.id, "professional", Person(patient_key(enc), enc.patient.last_name), day, day,
                        enc.billing_provider.npi,
                        coverages=(Coverage(1, cov.payer.id, cov.payer.name, cov.member_id),), claims=(claim,))
    with ledger.transaction(run="test") as journal:
        ids = [c.claim_id for r in journal.record_encounters([recorded]) for c in r.claims]
        journal.record_submission(Submission(Source.of_bytes("b.x12", isa13.encode(), "837"), "EXAMPLE CLEARINGHOUSE",
                                             ("ZZ", "CLINIC"), ("ZZ", "CH"), isa13,
                                             tuple(SubmittedClaim(i, "1", "0001") for i in ids)))
    return ids[0]


def test_a_service_already_submitted_is_a_duplicate(ledger: Ledger) -> None:
    """OA-18: the same patient, provider, date and procedure already submitted and not denied."""
    submit(ledger, office_visit(id="FIRST"))
    refs = References.for_run(AS_OF, ledger=ledger)
    found = [f for f in scrub_one(office_visit(id="AGAIN"), refs) if f.code == "billing.duplicate"]
    assert len(found) == 1 and "claim FIRST was already submitted" in found[0].message
    assert found[0].prevents == "OA-18" and found[0].source == "ledger"
    other_day = office_visit(id="LATER", service_date=date(2026, 5, 5))
    assert [] == [f for f in scrub_one(other_day, refs) if f.code == "billing.duplicate"]


def test_a_denied_claim_is_no_duplicate(ledger: Ledger) -> None:
    claim_id = submit(ledger, office_visit(id="FIRST"))
    with ledger.transaction(run="test") as journal:
        journal.record_status([StatusEvent(claim_id, ClaimStatus.DENIED, "test:denied")])
    refs = References.for_run(AS_OF, ledger=ledger)
    assert [] == [f for e, fs in scrub([office_visit(id="AGAIN")], refs) for f in fs if f.code == "billing.duplicate"]


def test_the_same_claim_built_again_is_a_duplicate_unless_it_replaces(ledger: Ledger) -> None:
    """Issue 10: building the same encounters again does not resubmit them (duplicates) unless they replace the
    claim (frequency 7)."""
    submit(ledger, office_visit(id="FIRST"))
    refs = References.for_run(AS_OF, ledger=ledger)
    found = [f for f in scrub_one(office_visit(id="FIRST"), refs) if f.code == "billing.duplicate"]
    assert len(found) == 1 and "this claim was already submitted (submitted" in found[0].message
    replacement = office_visit(id="FIRST", frequency="7", original_claim_number="PAYER1")
    assert "billing.duplicate" not in [f.code for f in scrub_one(replacement, refs)]


def test_providers_not_on_the_payers_roster_are_not_enrolled(ledger: Ledger) -> None:
    """CO-B7: the rendering NPI is not enrolled with EXHP1 on the date of service; the billing NPI is."""
    rows = [EnrollmentRow("1234567893", "EXHP1", date(2020, 1, 1)),
            EnrollmentRow(DOCTOR.npi, "EXHP1", date(2020, 1, 1), date(2026, 4, 30))]
    ledger.load_rows("enrollment", rows, Source.of_bytes("roster.csv", b"roster", "enrollment"))
    refs = References.for_run(AS_OF, ledger=ledger)
    found = [f for f in scrub_one(office_visit(), refs) if f.code == "credentialing.not_enrolled"]
    assert [("providers.rendering.npi", "CO-B7")] == [(f.field, f.prevents) for f in found]
    earlier = office_visit(service_date=date(2026, 4, 30))
    assert "credentialing.not_enrolled" not in [f.code for f in scrub_one(earlier, refs)]


def test_no_roster_for_the_payer_says_nothing(ledger: Ledger) -> None:
    refs = References.for_run(AS_OF, ledger=ledger)
    stranger = office_visit(providers=Providers(rendering=replace(DOCTOR, npi="1234567927")))
    assert "credentialing.not_enrolled" not in [f.code for f in scrub_one(stranger, refs)]


def test_ncci_tables_loaded_into_the_ledger_are_used(ledger: Ledger) -> None:
    """FICTIONAL PTP rows loaded with edi codes load: the ledger's quarter answers instead of the extract."""
    from edi.ledger import PtpRow
    ledger.load_rows("ncci-ptp", [PtpRow("12002", "64450", date(2000, 1, 1), "0")],
                     Source.of_bytes("fictional-ptp.csv", b"ptp", "ncci-ptp"), "2099Q1")
    from claims.support import service
    refs = References.for_run(AS_OF, ledger=ledger, ncci=read_extract(FICTIONAL_NCCI))
    found = [f for f in scrub_one(office_visit(service("12002"), service("64450", "59")), refs)
             if f.code == "coding.ncci.ptp"]
    assert ["NCCI PTP 2099Q1 (loaded into the ledger)"] == [f.source for f in found]   # indicator 0 in the ledger


def test_findings_are_recorded_in_the_ledger(ledger: Ledger) -> None:
    """ScrubFinding.for_ledger gives the ledger's record: code, severity, root cause, field, line number, denial."""
    from sqlalchemy import select

    from claims.support import service
    from edi.ledger import _schema as t
    submit(ledger, office_visit(id="FIRST"))
    found = [f for f in scrub_one(office_visit(service("99213"), service("36415", charge="0"), id="SECOND",
                                               service_date=date(2026, 5, 6)), References.for_run(AS_OF))]
    assert [(f.code, f.line_number) for f in found] == [("billing.charge.not_positive", 2)]
    with ledger.transaction(run="test") as journal:
        encounter_id = journal.conn.execute(select(t.encounters.c.id)).scalar_one()
        journal.record_findings(encounter_id, [f.for_ledger() for f in found])
    with ledger.transaction(run="test") as journal:
        rows = journal.conn.execute(select(t.scrub_findings.c.code, t.scrub_findings.c.root_cause,
                                           t.scrub_findings.c.line_number, t.scrub_findings.c.prevents)).all()
    assert [tuple(r) for r in rows] == [("billing.charge.not_positive", "billing", 2, "CO-16")]
