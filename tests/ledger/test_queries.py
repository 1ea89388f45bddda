"""What the claims side asks: duplicate claims, where a claim was sent, which claim owns a line control number,
a claim's current status."""

from __future__ import annotations

from datetime import date, datetime, timezone

from edi.ledger import ClaimStatus, Ledger, ServiceKey, StatusEvent
from ledger.factory import DOS, RENDERING_NPI, encounter, submit

LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _status(ledger: Ledger, claim_id: int, status: ClaimStatus, key: str) -> None:
    with ledger.transaction() as journal:
        journal.record_status([StatusEvent(claim_id, status, key, LATER)])


class TestDuplicateClaims:
    def test_a_submitted_service_is_found_by_patient_provider_date_and_procedure(self, ledger: Ledger) -> None:
        [claim_id] = submit(ledger, [encounter(1, patient="MRN7", procedures=("99213", "36415"))], "000000001")
        [found] = ledger.duplicate_claims("MRN7", RENDERING_NPI, DOS, "36415")
        assert (claim_id, "PCN1", "PCN1-2", ClaimStatus.SUBMITTED, "000000001") == \
            (found.claim_id, found.patient_control_number, found.line_control_number, found.status,
             found.interchange_control_number)

    def test_another_patient_provider_date_or_procedure_is_not_a_duplicate(self, ledger: Ledger) -> None:
        submit(ledger, [encounter(1, patient="MRN7")], "000000001")
        for patient, provider, dos, procedure in [("MRN8", RENDERING_NPI, DOS, "99213"),
                                                  ("MRN7", "1234567919", DOS, "99213"),
                                                  ("MRN7", RENDERING_NPI, date(2025, 1, 7), "99213"),
                                                  ("MRN7", RENDERING_NPI, DOS, "99214")]:
            assert [] == ledger.duplicate_claims(patient, provider, dos, procedure)

    def test_the_billing_provider_renders_when_no_rendering_provider_is_named(self, ledger: Ledger) -> None:
        submit(ledger, [encounter(1, patient="MRN7", rendering=None)], "000000001")
        assert 1 == len(ledger.duplicate_claims("MRN7", "1234567893", DOS, "99213"))

    def test_a_date_inside_a_lines_service_span_matches(self, ledger: Ledger) -> None:
        submit(ledger, [encounter(1, patient="MRN7", lines_to=date(2025, 1, 10))], "000000001")
        assert 1 == len(ledger.duplicate_claims("MRN7", RENDERING_NPI, date(2025, 1, 8), "99213"))
        assert [] == ledger.duplicate_claims("MRN7", RENDERING_NPI, date(2025, 1, 11), "99213")

    def test_a_claim_built_but_never_submitted_is_not_a_duplicate(self, ledger: Ledger) -> None:
        with ledger.transaction() as journal:
            journal.record_encounters([encounter(1, patient="MRN7")])
        assert [] == ledger.duplicate_claims("MRN7", RENDERING_NPI, DOS, "99213")

    def test_denied_rejected_voided_or_replaced_claims_may_be_sent_again(self, ledger: Ledger) -> None:
        for n, status in enumerate([ClaimStatus.DENIED, ClaimStatus.REJECTED, ClaimStatus.VOIDED,
                                    ClaimStatus.REPLACED, ClaimStatus.ACCEPTED, ClaimStatus.PAID]):
            [claim_id] = submit(ledger, [encounter(n, patient=f"P{n}")], f"{n + 1:09d}")
            _status(ledger, claim_id, status, f"test:{n}")
            found = ledger.duplicate_claims(f"P{n}", RENDERING_NPI, DOS, "99213")
            assert (status in {ClaimStatus.ACCEPTED, ClaimStatus.PAID}) == bool(found), status

    def test_the_latest_event_decides_even_when_recorded_out_of_order(self, ledger: Ledger) -> None:
        """A denial that happened after the acceptance wins, though it was recorded first."""
        [claim_id] = submit(ledger, [encounter(1, patient="MRN7")], "000000001")
        with ledger.transaction() as journal:
            journal.record_status([StatusEvent(claim_id, ClaimStatus.DENIED, "835:1", datetime(2029, 2, 1,
                                                                                               tzinfo=timezone.utc)),
                                   StatusEvent(claim_id, ClaimStatus.ACCEPTED, "999:1", datetime(2029, 1, 1,
                                                                                                 tzinfo=timezone.utc))])
        assert ClaimStatus.DENIED == ledger.claim_status(claim_id)
        assert [] == ledger.duplicate_claims("MRN7", RENDERING_NPI, DOS, "99213")

    def test_a_claim_sent_twice_is_one_duplicate_with_its_latest_file(self, ledger: Ledger) -> None:
        from ledger.factory import submission

        [claim_id] = submit(ledger, [encounter(1, patient="MRN7")], "000000001")
        with ledger.transaction() as journal:
            journal.record_submission(submission("000000002", [claim_id], "resent.x12"))
        [found] = ledger.duplicate_claims("MRN7", RENDERING_NPI, DOS, "99213")
        assert ("resent.x12", "000000002") == (found.file_name, found.interchange_control_number)

    def test_many_services_are_asked_at_once(self, ledger: Ledger) -> None:
        submit(ledger, [encounter(n, patient=f"P{n}") for n in range(0, 40, 2)], "000000001")
        keys = [ServiceKey(f"P{n}", RENDERING_NPI, DOS, "99213") for n in range(40)]
        found = ledger.find_duplicates(keys)
        assert [n % 2 == 0 for n in range(40)] == [bool(found[key]) for key in keys]


class TestWhereClaimsWent:
    def test_submissions_by_clm01_oldest_first(self, ledger: Ledger) -> None:
        from ledger.factory import submission

        [claim_id] = submit(ledger, [encounter(1)], "000000005")
        with ledger.transaction() as journal:
            journal.record_submission(submission("000000009", [claim_id], "again.x12"))
        refs = ledger.submissions_for_claim("PCN1")
        assert [("batch.x12", "000000005", "1", "0001"), ("again.x12", "000000009", "1", "0001")] == \
            [(r.file_name, r.interchange_control_number, r.group_control_number, r.transaction_control_number)
             for r in refs]
        assert [] == ledger.submissions_for_claim("PCN404")

    def test_claims_by_line_control_number(self, ledger: Ledger) -> None:
        from decimal import Decimal

        [claim_id] = submit(ledger, [encounter(1, procedures=("99213", "36415"))], "000000001")
        [line] = ledger.claims_by_line_control_number("PCN1-2")
        assert (claim_id, "PCN1", "EXHP1", 2, "36415", Decimal("100.00"), Decimal("1.000"), DOS) == \
            (line.claim_id, line.patient_control_number, line.payer_id, line.line_number, line.procedure_code,
             line.charge, line.units, line.service_from)

    def test_a_new_claim_is_built_then_submitted(self, ledger: Ledger) -> None:
        with ledger.transaction() as journal:
            [recorded] = journal.record_encounters([encounter(1)])
        assert ledger.claim_status(recorded.claims[0].claim_id) is None
        [claim_id] = submit(ledger, [encounter(1)], "000000001")
        assert ClaimStatus.SUBMITTED == ledger.claim_status(claim_id)
