"""SNIP 4 situational rules: each rule fires on a valid file with exactly one injected defect, at the defect, and
never on the bundled samples, synthetic files, or corpus files that are right by it."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest

import edi.validate.snip4_835  # noqa: F401  (registers the rules even before edi.validate imports them)
import edi.validate.snip4_837  # noqa: F401
from conftest import SAMPLES, corpus_files, corpus_id
from edi.synth import write_synth
from edi.validate import Finding, Severity, validate
from edi.validate import snip4_situational

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
I837 = (SAMPLES / "837i-inpatient.x12").read_bytes()
R835 = (SAMPLES / "835-remittance.x12").read_bytes()
TODAY = date(2025, 6, 30)
ERROR, WARNING = Severity.ERROR, Severity.WARNING


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snip4_situational, "today", lambda: TODAY)


def snip4(data: bytes) -> list[Finding]:
    return [f for f in validate(data).findings if f.snip == 4]


def mutate(data: bytes, old: bytes, new: bytes) -> bytes:
    assert 1 == data.count(old), f"{old!r} must occur once"
    return data.replace(old, new)


def only(data: bytes) -> tuple[str, int, Severity, str, str | None, str]:
    """The one SNIP 4 finding of a file: (code, snip, severity, segment id, element, loop path)."""
    found = snip4(data)
    assert 1 == len(found), [(f.code, f.location.describe()) for f in found]
    f = found[0]
    return f.code, f.snip, f.severity, f.location.segment_id, f.location.element, f.location.loop_path


def synth(kind: str, claims: int = 5, seed: int = 7) -> bytes:
    stream = io.BytesIO()
    write_synth(kind, claims, seed, stream)
    return stream.getvalue()


class TestValidFiles:
    @pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
    def test_no_rule_fires_on_a_bundled_sample(self, path: Path) -> None:
        """The bundled samples are valid: no SNIP 4 finding."""
        assert [] == snip4(path.read_bytes())

    @pytest.mark.parametrize("kind,seed", [("837p", 1), ("837p", 7), ("837p", 23), ("835", 1), ("835", 7), ("835", 23)])
    def test_no_rule_fires_on_a_synthetic_file(self, kind: str, seed: int) -> None:
        """Synthetic 837P and 835 files are valid: no SNIP 4 finding."""
        assert [] == snip4(synth(kind, 30, seed))

    def test_samples_are_clean_with_the_real_date_too(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With today's real date the samples (dated 2025) still raise nothing."""
        monkeypatch.setattr(snip4_situational, "today", date.today)
        assert [] == snip4(P837) + snip4(I837) + snip4(R835)

    def test_other_transactions_are_not_checked(self) -> None:
        """SNIP 4 rules look only at 837P, 837I and 835 transactions (a 999 with a BPR-like defect is ignored)."""
        assert [] == snip4((SAMPLES / "999-ack.x12").read_bytes()) + snip4((SAMPLES / "277ca-claim-ack.x12").read_bytes())


class TestSubscriberAndPatient:
    def test_patient_loop_after_a_subscriber_who_is_the_patient(self) -> None:
        """A 2000C under a 2000B whose SBR02 is 18 is not allowed."""
        data = mutate(P837, b"SBR*P**GRP0002", b"SBR*P*18*GRP0002")
        assert ("snip4.patient.loop_not_allowed", 4, ERROR, "HL", None, "2000A/2000B/2000C") == only(data)

    def test_claims_under_a_subscriber_without_sbr02_18(self) -> None:
        """Claims directly under 2000B need SBR02 = 18."""
        data = mutate(P837, b"SBR*P*18*GRP0001", b"SBR*P**GRP0001")
        assert ("snip4.subscriber.relationship_required", 4, ERROR, "SBR", "SBR02", "2000A/2000B") == only(data)

    def test_subscriber_that_is_not_the_patient_needs_a_patient_loop(self) -> None:
        """A 2000B with SBR02 empty, no claims and no 2000C lacks its patient loop."""
        start = P837.index(b"HL*4*3*23*0")
        end = P837.index(b"HL*5*1*22*0")
        data = P837[:start] + P837[end:]
        assert ("snip4.patient.loop_missing", 4, ERROR, "SBR", None, "2000A/2000B") == only(data)

    def test_subscriber_who_is_the_patient_needs_demographics(self) -> None:
        """2010BA DMG is required when SBR02 is 18."""
        data = mutate(P837, b"DMG*D8*19800101*F~\n", b"")
        assert ("snip4.subscriber.dmg_required", 4, ERROR, "NM1", None, "2000A/2000B/2010BA") == only(data)

    def test_subscriber_who_is_the_patient_needs_an_address(self) -> None:
        """2010BA N3 is required when SBR02 is 18."""
        data = mutate(P837, b"N3*1 TEST LANE~\n", b"")
        assert ("snip4.subscriber.address_required", 4, ERROR, "NM1", None, "2000A/2000B/2010BA") == only(data)

    def test_dependents_subscriber_may_carry_address_and_demographics(self) -> None:
        """The sample's dependent claim sends the subscriber's N3/N4/DMG too: accepted (sender's choice)."""
        assert [] == [f for f in snip4(P837) if f.code.startswith("snip4.subscriber")]


class TestBillingProvider:
    def test_po_box_as_billing_address(self) -> None:
        """2010AA N301 must be a street address, not a PO box."""
        data = mutate(P837, b"N3*100 MAIN STREET*SUITE 200", b"N3*P.O. BOX 100")
        assert ("snip4.billing.po_box", 4, ERROR, "N3", "N301", "2000A/2010AA") == only(data)

    def test_po_box_in_the_second_address_line(self) -> None:
        """2010AA N302 must not be a PO box either."""
        data = mutate(P837, b"N3*100 MAIN STREET*SUITE 200", b"N3*100 MAIN STREET*PO BOX 7")
        assert ("snip4.billing.po_box", 4, ERROR, "N3", "N302", "2000A/2010AA") == only(data)

    @pytest.mark.parametrize("street,is_box", [("P.O. Box 5", True), ("POST OFFICE BOX 1", True), ("LOCKBOX 3", True),
                                               ("PO BOX123", True), ("POB 12", True), ("POPLAR AVE", False),
                                               ("PO BOXWOOD LN", False), ("100 MAIN ST", False), ("1 PO BOX", False)])
    def test_what_counts_as_a_po_box(self, street: str, is_box: bool) -> None:
        """A street line that starts with a post office or lock box is a box; a street named Poplar is not."""
        assert is_box == snip4_situational.is_po_box(street)

    def test_five_digit_billing_zip(self) -> None:
        """2010AA N403 of a US address must have nine digits."""
        data = mutate(P837, b"N4*SPRINGFIELD*IL*627010001", b"N4*SPRINGFIELD*IL*62701")
        assert ("snip4.billing.zip9", 4, ERROR, "N4", "N403", "2000A/2010AA") == only(data)

    def test_foreign_billing_address_keeps_its_postal_code(self) -> None:
        """A non-US address (N404 present, not US) is not held to the nine-digit ZIP."""
        data = mutate(P837, b"N4*SPRINGFIELD*IL*627010001", b"N4*TORONTO**M5V2T6*CA*****ON")
        assert [] == [f for f in snip4(data) if f.code == "snip4.billing.zip9"]

    def test_five_digit_billing_zip_in_a_synthetic_file(self) -> None:
        """The rule holds on synthetic files: cut the synthetic billing ZIP to five digits."""
        data = mutate(synth("837p"), b"N4*ANYTOWN*IL*461977774", b"N4*ANYTOWN*IL*46197")
        assert ("snip4.billing.zip9", 4, ERROR, "N4", "N403", "2000A/2010AA") == only(data)

    def test_pay_to_address_same_as_billing(self) -> None:
        """A 2010AB that repeats the billing address is a warning."""
        data = mutate(P837, b"REF*EI*990000001~\n", b"REF*EI*990000001~\nNM1*87*2~\nN3*100 Main Street*Suite 200~\n"
                      b"N4*SPRINGFIELD*IL*627010001~\n")
        assert ("snip4.pay_to.same_as_billing", 4, WARNING, "NM1", None, "2000A/2010AB") == only(data)

    def test_pay_to_po_box_is_fine(self) -> None:
        """A pay-to PO box (where the guide sends it) raises nothing."""
        data = mutate(P837, b"REF*EI*990000001~\n", b"REF*EI*990000001~\nNM1*87*2~\nN3*PO BOX 100~\n"
                      b"N4*SPRINGFIELD*IL*627010001~\n")
        assert [] == snip4(data)


FACILITY = b"NM1*77*2*EXAMPLE CLINIC*****XX*1234567893~\nN3*100 MAIN STREET*SUITE 200~\nN4*SPRINGFIELD*IL*627010001~\n"


class TestClaimProviders:
    def test_rendering_provider_same_as_billing(self) -> None:
        """837P 2310B naming the billing provider's NPI is a warning."""
        data = mutate(P837, b"NM1*82*1*SMITH*ALEX****XX*1234567901", b"NM1*82*1*SMITH*ALEX****XX*1234567893")
        assert ("snip4.rendering.same_as_billing", 4, WARNING, "NM1", None,
                "2000A/2000B/2300[CLM01=PCN1001]/2310B") == only(data)

    def test_line_rendering_provider_same_as_claim(self) -> None:
        """837P 2420A repeating the claim's 2310B rendering provider is a warning."""
        data = mutate(P837, b"REF*6R*1001L1~\n", b"REF*6R*1001L1~\nNM1*82*1*SMITH*ALEX****XX*1234567901~\n")
        assert ("snip4.line_rendering.same_as_claim", 4, WARNING, "NM1", None,
                "2000A/2000B/2300[CLM01=PCN1001]/2400[1]/2420A") == only(data)

    def test_line_rendering_provider_that_differs_is_fine(self) -> None:
        """A 2420A with another NPI raises nothing."""
        data = mutate(P837, b"REF*6R*1001L1~\n", b"REF*6R*1001L1~\nNM1*82*1*JONES*PAT****XX*1234567919~\n")
        assert [] == snip4(data)

    def test_service_facility_same_as_billing(self) -> None:
        """837P 2310C repeating the billing address is a warning."""
        data = mutate(P837, b"LX*1~\nSV1*HC:99214:25", FACILITY + b"LX*1~\nSV1*HC:99214:25")
        assert ("snip4.service_facility.same_as_billing", 4, WARNING, "NM1", None,
                "2000A/2000B/2300[CLM01=PCN1001]/2310C") == only(data)

    def test_five_digit_service_facility_zip(self) -> None:
        """837P 2310C N403 of a US address must have nine digits."""
        facility = FACILITY.replace(b"100 MAIN STREET*SUITE 200", b"9 OAK ROAD").replace(b"627010001", b"62701")
        data = mutate(P837, b"LX*1~\nSV1*HC:99214:25", facility + b"LX*1~\nSV1*HC:99214:25")
        assert ("snip4.service_facility.zip9", 4, ERROR, "N4", "N403",
                "2000A/2000B/2300[CLM01=PCN1001]/2310C") == only(data)

    def test_five_digit_institutional_service_facility_zip(self) -> None:
        """837I 2310E N403 of a US address must have nine digits."""
        facility = b"NM1*77*2*EXAMPLE CLINIC*****XX*1234567893~\nN3*9 OAK ROAD~\nN4*SPRINGFIELD*IL*62701~\n"
        data = mutate(I837, b"LX*1~\nSV2*0120", facility + b"LX*1~\nSV2*0120")
        assert ("snip4.service_facility.zip9", 4, ERROR, "N4", "N403",
                "2000A/2000B/2300[CLM01=HOSP0001]/2310E") == only(data)

    def test_institutional_rendering_same_as_attending(self) -> None:
        """837I 2310D repeating the 2310A attending provider is a warning."""
        data = mutate(I837, b"LX*1~\nSV2*0120", b"NM1*82*1*DOE*ALICE****XX*1987654336~\nLX*1~\nSV2*0120")
        assert ("snip4.rendering.same_as_attending", 4, WARNING, "NM1", None,
                "2000A/2000B/2300[CLM01=HOSP0001]/2310D") == only(data)


class TestClaim:
    def test_replacement_claim_needs_the_payer_claim_number(self) -> None:
        """CLM05-3 = 7 needs REF*F8."""
        data = mutate(P837, b"CLM*PCN1001*235***11:B:1", b"CLM*PCN1001*235***11:B:7")
        assert ("snip4.claim.ref_f8_required", 4, ERROR, "CLM", None, "2000A/2000B/2300[CLM01=PCN1001]") == only(data)

    def test_void_claim_with_payer_claim_number_is_fine(self) -> None:
        """CLM05-3 = 8 with REF*F8 raises nothing."""
        data = mutate(P837, b"CLM*PCN1001*235***11:B:1", b"CLM*PCN1001*235***11:B:8")
        assert [] == snip4(mutate(data, b"REF*X4*99D9999999", b"REF*F8*EXHP2501150001~\nREF*X4*99D9999999"))

    def test_original_claim_must_not_carry_a_payer_claim_number(self) -> None:
        """CLM05-3 = 1 with REF*F8 is an error."""
        data = mutate(P837, b"REF*X4*99D9999999", b"REF*F8*EXHP2501150001~\nREF*X4*99D9999999")
        assert ("snip4.claim.ref_f8_not_used", 4, ERROR, "REF", None, "2000A/2000B/2300[CLM01=PCN1001]") == only(data)

    def test_inpatient_claim_needs_an_admission_date(self) -> None:
        """837I facility type 11 needs DTP*435."""
        data = mutate(I837, b"DTP*435*DT*202501011430~\n", b"")
        assert ("snip4.claim.admission_date_required", 4, ERROR, "CLM", None,
                "2000A/2000B/2300[CLM01=HOSP0001]") == only(data)

    def test_outpatient_claim_needs_no_admission_date(self) -> None:
        """837I facility type 13 (outpatient) without DTP*435 raises nothing."""
        data = mutate(I837, b"DTP*435*DT*202501011430~\n", b"")
        assert [] == snip4(mutate(data, b"CLM*HOSP0001*5045.5***11:A:1", b"CLM*HOSP0001*5045.5***13:A:1"))

    def test_admission_after_the_statement_period_starts(self) -> None:
        """An inpatient admission date after the statement start is an error."""
        data = mutate(I837, b"DTP*435*DT*202501011430", b"DTP*435*DT*202501021430")
        assert ("snip4.claim.admission_after_statement", 4, ERROR, "DTP", "DTP03",
                "2000A/2000B/2300[CLM01=HOSP0001]") == only(data)

    def test_line_date_outside_the_statement_period(self) -> None:
        """837I line DTP*472 before the DTP*434 period starts is an error."""
        data = mutate(I837, b"DTP*472*D8*20250101~\nREF*6R*HOSP0001L3", b"DTP*472*D8*20241231~\nREF*6R*HOSP0001L3")
        assert ("snip4.line.outside_statement_period", 4, ERROR, "DTP", "DTP03",
                "2000A/2000B/2300[CLM01=HOSP0001]/2400[3]") == only(data)

    def test_other_payer_with_the_claims_own_responsibility(self) -> None:
        """A 2320 SBR01 equal to the 2000B SBR01 is an error."""
        data = mutate(P837, b"SBR*P*18*OTHGRP9", b"SBR*S*18*OTHGRP9")
        assert ("snip4.cob.payer_sequence", 4, ERROR, "SBR", "SBR01",
                "2000A/2000B/2300[CLM01=PCN1003]/2320") == only(data)

    def test_other_payer_sequence_in_a_synthetic_file(self) -> None:
        """The synthetic secondary claim's 2320 made secondary too repeats the destination payer's sequence."""
        data = synth("837p")
        assert ("snip4.cob.payer_sequence", 4, ERROR, "SBR", "SBR01",
                "2000A/2000B/2300[CLM01=P000070000001]/2320") == only(mutate(data, b"SBR*P*18*GRP892350",
                                                                           b"SBR*S*18*GRP892350"))

    def test_secondary_claim_without_other_payer(self) -> None:
        """A claim to a secondary payer (2000B SBR01 = S) needs a 2320 other payer."""
        data = mutate(P837, b"SBR*P*18*GRP0001", b"SBR*S*18*GRP0001")
        assert ("snip4.cob.other_payer_missing", 4, ERROR, "CLM", None,
                "2000A/2000B/2300[CLM01=PCN1001]") == only(data)


class TestLinesAndDiagnoses:
    def test_pointer_beyond_the_diagnoses(self) -> None:
        """SV107 pointing past the claim's four diagnoses is an error."""
        data = mutate(P837, b"SV1*HC:94640:59*50*UN*1***2", b"SV1*HC:94640:59*50*UN*1***5")
        assert ("snip4.line.dx_pointer_range", 4, ERROR, "SV1", "SV107-01",
                "2000A/2000B/2300[CLM01=PCN1001]/2400[3]") == only(data)

    def test_repeated_pointer(self) -> None:
        """SV107 naming the same diagnosis twice is an error at the repeat."""
        data = mutate(P837, b"***1:2:3:4", b"***1:2:2:4")
        assert ("snip4.line.dx_pointer_repeat", 4, ERROR, "SV1", "SV107-03",
                "2000A/2000B/2300[CLM01=PCN1001]/2400[1]") == only(data)

    def test_pointer_location_has_its_component(self) -> None:
        """The pointer finding names element 7, component 3, and the bad value."""
        found = snip4(mutate(P837, b"***1:2:3:4", b"***1:2:2:4"))[0]
        assert ((7, 3, 0), "2", "8") == (found.location.element_position, found.value, found.ik304)

    def test_decimal_point_in_a_diagnosis_code(self) -> None:
        """ICD codes are sent without their decimal point."""
        data = mutate(P837, b"HI*ABK:J069", b"HI*ABK:J06.9")
        assert ("snip4.diagnosis.decimal_point", 4, ERROR, "HI", "HI01-02",
                "2000A/2000B/2300[CLM01=PCN1001]") == only(data)

    def test_service_date_in_the_future(self) -> None:
        """An 837P DTP*472 after today is an error."""
        data = mutate(P837, b"DTP*472*D8*20241216~\nREF*6R*1003L1", b"DTP*472*D8*20250701~\nREF*6R*1003L1")
        assert ("snip4.date.future", 4, ERROR, "DTP", "DTP03",
                "2000A/2000B/2300[CLM01=PCN1003]/2400[1]") == only(data)

    def test_service_date_of_today_is_fine(self) -> None:
        """A service given today may be billed today."""
        assert [] == snip4(mutate(P837, b"DTP*472*D8*20241216~\nREF*6R*1003L1", b"DTP*472*D8*20250630~\nREF*6R*1003L1"))

    def test_statement_period_ending_in_the_future(self) -> None:
        """An 837I DTP*434 that ends after today is an error (the line dates stay inside it)."""
        data = mutate(I837, b"DTP*434*RD8*20250105-20250107", b"DTP*434*RD8*20250105-20250707")
        assert ("snip4.date.future", 4, ERROR, "DTP", "DTP03", "2000A/2000B/2300[CLM01=HOSP0002]") == only(data)

    def test_service_date_before_1900(self) -> None:
        """A DTP*472 in 1899 is an error."""
        data = mutate(P837, b"DTP*472*D8*20241216~\nREF*6R*1003L1", b"DTP*472*D8*18991216~\nREF*6R*1003L1")
        assert ("snip4.date.too_old", 4, ERROR, "DTP", "DTP03",
                "2000A/2000B/2300[CLM01=PCN1003]/2400[1]") == only(data)


class TestRemittancePayment:
    def test_notification_with_money(self) -> None:
        """BPR01 H (notification only) with BPR02 not zero is an error."""
        data = mutate(R835, b"BPR*I*42.64", b"BPR*H*42.64")
        assert ("snip4.payment.notification_amount", 4, ERROR, "BPR", "BPR02", "") == only(data)

    def test_non_payment_with_money(self) -> None:
        """BPR04 NON with BPR02 not zero is an error."""
        data = mutate(R835, b"BPR*I*42.64*C*ACH", b"BPR*I*42.64*C*NON")
        assert ("snip4.payment.non_payment_amount", 4, ERROR, "BPR", "BPR04", "") == only(data)

    def test_zero_payment_by_transfer(self) -> None:
        """BPR02 = 0 sent as ACH should be NON (warning)."""
        data = mutate(R835, b"BPR*I*42.64", b"BPR*I*0")
        assert ("snip4.payment.zero_method", 4, WARNING, "BPR", "BPR04", "") == only(data)

    def test_transfer_without_receiver_bank(self) -> None:
        """BPR04 ACH needs the receiver's bank BPR12/BPR13 (sent or left out together, as X12's P1213 wants)."""
        data = mutate(R835, b"*01*999999991*DA*7654321*", b"***DA*7654321*")
        assert [("snip4.payment.bank_data_required", "BPR12"), ("snip4.payment.bank_data_required", "BPR13")] == [
            (f.code, f.location.element) for f in validate(data).findings]

    def test_a_half_sent_bank_id_is_reported_once(self) -> None:
        """BPR13 missing beside BPR12 breaks X12's pairing P1213 (SNIP 2); the rule above adds nothing."""
        data = mutate(R835, b"*01*999999991*DA*7654321*", b"*01**DA*7654321*")
        assert [("snip2.element.conditional", "BPR13")] == [(f.code, f.location.element)
                                                            for f in validate(data).findings]

    def test_trace_number_used_twice_in_a_file(self) -> None:
        """A second transaction with the same TRN02 and payer is an error at its TRN02."""
        start, end = R835.index(b"ST*835"), R835.index(b"GE*1")
        second = R835[start:end].replace(b"ST*835*0001", b"ST*835*0002").replace(b"SE*80*0001", b"SE*80*0002")
        data = R835[:end] + second + R835[end:].replace(b"GE*1", b"GE*2")
        found = snip4(data)
        assert [("snip4.trace.duplicate", "TRN", "TRN02", "0002")] == [
            (f.code, f.location.segment_id, f.location.element, f.location.control[2]) for f in found]

    def test_same_trace_number_from_another_payer_is_fine(self) -> None:
        """TRN02 is unique per payer (TRN03): another payer may use the same number."""
        start, end = R835.index(b"ST*835"), R835.index(b"GE*1")
        second = R835[start:end].replace(b"ST*835*0001", b"ST*835*0002").replace(b"SE*80*0001", b"SE*80*0002")
        second = second.replace(b"TRN*1*EFT2025020500017*1999999999", b"TRN*1*EFT2025020500017*1888888888")
        assert [] == snip4(R835[:end] + second + R835[end:].replace(b"GE*1", b"GE*2"))

    def test_trace_numbers_do_not_leak_between_files(self) -> None:
        """Validating the same file twice finds no duplicate: trace numbers are kept per run."""
        assert ([], []) == (snip4(R835), snip4(R835))

    def test_claim_received_after_the_payment(self) -> None:
        """A DTM*050 received date after BPR16 is an error."""
        data = mutate(R835, b"DTM*233*20250106~\nDTM*050*20250116", b"DTM*233*20250106~\nDTM*050*20250301")
        assert ("snip4.payment.date_before_received", 4, ERROR, "DTM", "DTM02",
                "2000/2100[CLP01=PCN1001]") == only(data)


class TestRemittanceClaims:
    def test_reversal_with_a_positive_payment(self) -> None:
        """CLP02 22 with a positive CLP04 is an error."""
        data = mutate(R835, b"CLP*PCN0950*22*-120*-76", b"CLP*PCN0950*22*-120*76")
        assert ("snip4.reversal.positive_amount", 4, ERROR, "CLP", "CLP04", "2000/2100[CLP01=PCN0950]") == only(data)

    def test_reversal_with_a_positive_charge(self) -> None:
        """CLP02 22 with a positive CLP03 is an error."""
        data = mutate(R835, b"CLP*PCN0950*22*-120*-76", b"CLP*PCN0950*22*120*-76")
        assert ("snip4.reversal.positive_amount", 4, ERROR, "CLP", "CLP03", "2000/2100[CLP01=PCN0950]") == only(data)

    def test_denied_claim_that_pays(self) -> None:
        """CLP02 4 with CLP04 not zero is a warning."""
        data = mutate(R835, b"CLP*PCN0987*4*950*0", b"CLP*PCN0987*4*950*10")
        assert ("snip4.denial.paid_amount", 4, WARNING, "CLP", "CLP04", "2000/2100[CLP01=PCN0987]") == only(data)

    def test_predetermination_that_pays(self) -> None:
        """CLP02 25 with CLP04 not zero is a warning."""
        data = mutate(R835, b"CLP*PCN1001*1*", b"CLP*PCN1001*25*")
        assert ("snip4.predetermination.paid_amount", 4, WARNING, "CLP", "CLP04",
                "2000/2100[CLP01=PCN1001]") == only(data)

    def test_forwarded_claim_without_crossover_carrier(self) -> None:
        """CLP02 19 without NM1*TT is a warning."""
        data = mutate(R835, b"CLP*PCN1001*1*", b"CLP*PCN1001*19*")
        assert ("snip4.crossover.carrier_missing", 4, WARNING, "CLP", None, "2000/2100[CLP01=PCN1001]") == only(data)

    def test_forwarded_claim_with_crossover_carrier_is_fine(self) -> None:
        """CLP02 19 with NM1*TT raises nothing."""
        data = mutate(R835, b"CLP*PCN1001*1*", b"CLP*PCN1001*19*")
        data = mutate(data, b"NM1*82*1*SMITH*ALEX****XX*1234567901~\nDTM*232*20250106",
                      b"NM1*82*1*SMITH*ALEX****XX*1234567901~\nNM1*TT*2*OTHER PAYER*****PI*OTH1~\nDTM*232*20250106")
        assert [] == snip4(data)

    def test_service_line_without_any_date(self) -> None:
        """Without claim dates, a service line without DTM*472/150/151 is an error."""
        data = mutate(R835, b"DTM*232*20250106~\nDTM*233*20250106~\n", b"")
        data = mutate(data, b"SVC*HC:99214:25*150*88~\nDTM*472*20250106~\n", b"SVC*HC:99214:25*150*88~\n")
        assert ("snip4.service.date_missing", 4, ERROR, "SVC", None,
                "2000/2100[CLP01=PCN1001]/2110") == only(data)

    def test_service_dates_without_claim_dates_are_fine(self) -> None:
        """Without claim dates, lines that carry DTM*472 raise nothing."""
        assert [] == snip4(mutate(R835, b"DTM*232*20250106~\nDTM*233*20250106~\n", b""))

    def test_statement_period_ending_before_it_starts(self) -> None:
        """DTM*233 before DTM*232 is an error at DTM*233."""
        data = mutate(R835, b"DTM*233*20250106", b"DTM*233*20250105")
        assert ("snip4.date.range_order", 4, ERROR, "DTM", "DTM02", "2000/2100[CLP01=PCN1001]") == only(data)

    def test_service_period_ending_before_it_starts(self) -> None:
        """DTM*151 before DTM*150 in a service line is an error at DTM*151."""
        data = mutate(R835, b"DTM*472*20241216~\nCAS*CO*45*30", b"DTM*150*20241216~\nDTM*151*20241215~\nCAS*CO*45*30")
        assert ("snip4.date.range_order", 4, ERROR, "DTM", "DTM02", "2000/2100[CLP01=PCN1003]/2110") == only(data)

    def test_remittance_service_date_in_the_future(self) -> None:
        """An 835 DTM*472 after today is an error."""
        data = mutate(R835, b"DTM*472*20250106~\nCAS*CO*45*40", b"DTM*472*20250701~\nCAS*CO*45*40")
        assert ("snip4.date.future", 4, ERROR, "DTM", "DTM02", "2000/2100[CLP01=PCN1001]/2110") == only(data)

    def test_remittance_service_date_before_1900(self) -> None:
        """An 835 DTM*472 in 1899 is an error."""
        data = mutate(R835, b"DTM*472*20250106~\nCAS*CO*45*40", b"DTM*472*18990106~\nCAS*CO*45*40")
        assert ("snip4.date.too_old", 4, ERROR, "DTM", "DTM02", "2000/2100[CLP01=PCN1001]/2110") == only(data)


# Corpus files outside corpus/bad that are wrong by a SNIP 4 rule, with the codes they raise (checked by hand).
TR3_ZIP = {"snip4.billing.zip9"}                 # TR3 example files predate / ignore the 5010 ZIP+4 rule
IMSWEB = {"snip4.billing.zip9", "snip4.subscriber.relationship_required"}  # claims under 2000B, SBR02 empty
CLM01_TWICE = {"snip4.claim.clm01_duplicate"}   # imsweb's files copy claims with their CLM01 (A37YH556 …)
# 837I 2010AA N403 carries the guide's pattern [0-9]{9}: a five-digit ZIP there is snip2.element.pattern, once
KNOWN: dict[str, set[str]] = {
    "835/X12Parser__835_WithMultipleInterchanges.txt": {"snip4.trace.duplicate"},   # masking left TRN02 999999999
    "837p/X12Parser__5010_Example2_WithRepeats.txt": TR3_ZIP | {"snip4.service_facility.zip9"},
    "837p/X12Parser__Example1_2_And_3_Combined.txt": TR3_ZIP | {"snip4.service_facility.zip9",
                                                                "snip4.rendering.same_as_billing"},
    "837p/X12Parser__ProfessionalClaim1.txt": TR3_ZIP | {"snip4.service_facility.zip9", "snip4.line.dx_pointer_range"},
    "837p/X12Parser__ST1309-XX.txt": {"snip4.rendering.same_as_billing"},  # masked NPIs 9999999999
    "837p/badX12__X222-COB-claim-from-billing-provider-to-payer-b.edi": TR3_ZIP | {
        "snip4.service_facility.zip9", "snip4.rendering.same_as_billing"},
    "837p/badX12__X222-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi": TR3_ZIP | {
        "snip4.service_facility.zip9", "snip4.rendering.same_as_billing"},
    "837p/badX12__X222-commercial-health-insurance.edi": TR3_ZIP,
    "837p/badX12__X222-drug-administered-in-the-physician-office.edi": TR3_ZIP,
    "837p/badX12__X222-encounter.edi": TR3_ZIP | {"snip4.service_facility.zip9"},
    "837p/badX12__X222-oxygen.edi": TR3_ZIP,
    "837p/badX12__X222-ppo-repriced-claim.edi": {"snip4.billing.po_box"},
    "837p/badX12__X222-wheelchair.edi": TR3_ZIP,
    "837p/x12-parser__x12_ambiguous_loop.txt": IMSWEB | {"snip4.line.dx_pointer_range"},
    "837p/x12-parser__x12_many_claims.txt": IMSWEB | CLM01_TWICE,
    "837p/x12-parser__x12_missing_elements.txt": IMSWEB,
    "837p/x12-parser__x12_missing_required_loops_mult_repeats.txt": IMSWEB | CLM01_TWICE,
    "837p/x12-parser__x12_multiple_isa.txt": IMSWEB,
    "837p/x12-parser__x12_multiple_st.txt": IMSWEB | CLM01_TWICE,
    "837p/x12-parser__x12_no_errors.txt": IMSWEB | CLM01_TWICE,
    "837p/x12-parser__x12_segments_out_of_order.txt": IMSWEB,
    "837p/x12-parser__x12_valid.txt": IMSWEB,
    "837p/x12-parser__x12_valid_different_separators.txt": IMSWEB,
    "837p/x12-parser__x12_writer_test.txt": IMSWEB | {"snip4.line.dx_pointer_range"},
    "837p/x12__demo.autoaccident.837": TR3_ZIP | {"snip4.service_facility.zip9"},
    "837p/x12__demo.cob.example3.A.837": TR3_ZIP | {"snip4.service_facility.zip9", "snip4.rendering.same_as_billing"},
    "837p/x12__demo.cob.example3.B.837": TR3_ZIP | {"snip4.service_facility.zip9", "snip4.rendering.same_as_billing"},
    "837p/x12__demo.cob.example3.C.837": TR3_ZIP | {"snip4.service_facility.zip9", "snip4.rendering.same_as_billing"},
    "837p/x12__demo.cob.example4.837": TR3_ZIP,
    "837p/x12__demo.drug.example10.1.837": TR3_ZIP,
    "837p/x12__demo.drug.example10.3.837": TR3_ZIP,
    "837p/x12__demo.example11.837": {"snip4.billing.po_box"},
    "837p/x12__demo.example2.837": TR3_ZIP | {"snip4.service_facility.zip9"},
}


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("837p", "837i", "835"), ids=corpus_id)
def test_corpus_files_raise_only_the_known_snip4_findings(path: Path) -> None:
    """Valid corpus claims and remittances raise no SNIP 4 finding, except the checked-by-hand ones in KNOWN."""
    assert KNOWN.get(corpus_id(path), set()) == {f.code for f in snip4(path.read_bytes())}


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files("bad", "other"), ids=corpus_id)
def test_other_corpus_files_do_not_break_the_rules(path: Path) -> None:
    """Every other corpus file is read without an exception from a SNIP 4 rule."""
    report = validate(path.read_bytes())
    assert all(f.code.startswith("snip4.") for f in report.findings if f.snip == 4)


def test_every_snip4_code_is_documented() -> None:
    """Each code the SNIP 4 modules raise has a row in docs/validation-rules.md, and each documented one exists."""
    sources = "".join((Path(edi.validate.snip4_837.__file__).parent / name).read_text()
                      for name in ("snip4_837.py", "snip4_835.py", "snip4_claim_ids.py"))
    raised = set(re.findall(r'"(snip4\.[a-z_0-9]+\.[a-z_0-9]+)"', sources))
    raised |= {f"snip4.subscriber.{what}_required" for what in ("address", "dmg")}   # built with an f-string
    documented = set(re.findall(r"`(snip4\.[a-z_0-9.]+)`", (Path(__file__).parents[2] / "docs" /
                                                            "validation-rules.md").read_text()))
    assert raised == documented
