"""SNIP 7 — payer profiles: loading and schema errors, and each profile rule firing on one injected defect."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLES
from edi.errors import MappingError
from edi.validate import ALL_SNIPS, Finding, Report
from edi.validate._engine import Validator
from edi.validate.profiles import PayerProfile, load_profile, load_profiles, parse_profile, payers_dir
from edi.validate.snip7_partner import snip7_rules

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
I837 = (SAMPLES / "837i-inpatient.x12").read_bytes()
R835 = (SAMPLES / "835-remittance.x12").read_bytes()
PCN1001 = "2000A/2000B/2300[CLM01=PCN1001]"


def validate_for(data: bytes, *profiles: PayerProfile) -> Report:
    """Validate with payer profiles, wiring their rules as the engine hook will (Validator(..., profiles=…))."""
    validator = Validator(ALL_SNIPS)
    for profile in profiles:
        for loop_id, rules in snip7_rules(profile).items():
            validator.loop_rules.setdefault(loop_id, []).extend(rules)
    return validator.run(data, name="test")


def snip7(data: bytes, profile: PayerProfile) -> list[Finding]:
    return [f for f in validate_for(data, profile).findings if f.snip == 7]


def where(f: Finding) -> tuple[str, int, str, str, str | None, str]:
    return f.code, f.snip, f.severity.value, f.location.segment_id, f.location.element, f.location.loop_path


def profile(rules: str, ids: str = '["EXHP1"]', applies: str = "") -> PayerProfile:
    """A one-rule profile for the sample payer EXHP1."""
    return parse_profile(f'[payer]\nname = "Test Payer"\nids = {ids}\n{applies}\n[rules]\n{rules}\n', "test.toml")


def mutate(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, f"{old!r} must occur exactly once"
    return data.replace(old, new)


class TestShippedProfiles:
    def test_both_example_profiles_load(self) -> None:
        """mappings/payers holds a commercial and a Medicaid example, both valid."""
        names = {Path(p.source).stem: p.name for p in load_profiles()}
        assert {"example-commercial": "Example Health Plan", "example-medicaid": "Example State Medicaid"} == {
            stem: names.get(stem) for stem in ("example-commercial", "example-medicaid")}

    @pytest.mark.parametrize("path", sorted(payers_dir().glob("*.toml")), ids=lambda p: p.stem)
    def test_every_profile_in_mappings_loads(self, path: Path) -> None:
        """Each payer profile shipped in mappings/payers passes the schema and has ids."""
        assert load_profile(path).ids

    def test_a_profile_loads_by_name(self) -> None:
        """load_profile("example-medicaid") reads mappings/payers/example-medicaid.toml."""
        medicaid = load_profile("example-medicaid")
        assert (frozenset({"SKXX0", "EXMCD"}), 25, Decimal("99999.99"), frozenset({"837P", "837I"})) == (
            medicaid.ids, medicaid.max_lines_per_claim, medicaid.max_claim_charge, medicaid.applies_to)

    def test_the_commercial_profile_passes_the_samples_of_its_payer(self) -> None:
        """The samples' payer is EXHP1; its example profile finds nothing in them."""
        commercial = load_profile("example-commercial")
        assert [] == [where(f) for data in (P837, R835, I837) for f in snip7(data, commercial)]

    def test_the_medicaid_profile_applies_only_to_its_payer(self) -> None:
        """The Medicaid profile (SKXX0) ignores claims sent to EXHP1."""
        assert [] == snip7(P837, load_profile("example-medicaid"))

    def test_the_medicaid_profile_on_a_claim_sent_to_it(self) -> None:
        """Sent to SKXX0, the 837I sample lacks REF*G1, carries REF*EA, and files as 12, not MC."""
        data = I837.replace(b"PI*EXHP1~", b"PI*SKXX0~")
        found = sorted({f.code for f in snip7(data, load_profile("example-medicaid"))})
        assert ["snip7.payer.forbidden_qualifier", "snip7.payer.required_segment",
                "snip7.payer.value_not_allowed"] == found

    def test_an_unknown_name_says_which_profiles_exist(self) -> None:
        """A missing profile names the folder and the profiles in it."""
        with pytest.raises(MappingError, match="no payer profile here .*example-commercial"):
            load_profile("nobody")


class TestBrokenProfiles:
    @pytest.mark.parametrize(("text", "key", "says"), [
        ('[payer]\nname = "X"\n', "payer.ids", "non-empty list"),
        ('[payer]\nname = "X"\nids = ["A"]\ncolour = "red"\n', "payer.colour", "unknown key"),
        ('[payer]\nname = "X"\nids = ["A"]\napplies_to = ["837D"]\n', "payer.applies_to", "'837D'"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nmax_lines_per_claim = 0\n', "rules.max_lines_per_claim",
         "at least 1"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nmax_claim_charge = 100.5\n', "rules.max_claim_charge", "string"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nvalue_restrictions = [{element = "CLM5-1", allowed = ["11"]}]\n',
         "rules.value_restrictions[0].element", "not an element reference"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nvalue_restrictions = [{element = "SBR09", allowed = ["QQ"]}]\n',
         "rules.value_restrictions[0].allowed", "'QQ' not allowed by the guide"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nrequired_segments = [{loop = "2399", segment = "REF"}]\n',
         "rules.required_segments[0].loop", "not a loop"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nrequired_segments = [{loop = "2300", segment = "SV1"}]\n',
         "rules.required_segments[0].segment", "not a segment of loop 2300"),
        ('[payer]\nname = "X"\nids = ["A"]\n[rules]\nforbidden_qualifiers = [{segment = "REF", qualifier = "E!"}]\n',
         "rules.forbidden_qualifiers[0].qualifier", "not allowed by the guide"),
    ], ids=["no ids", "unknown key", "unknown transaction", "zero lines", "float money", "bad element",
            "code not in guide", "unknown loop", "segment not in loop", "qualifier typo"])
    def test_a_broken_profile_names_the_file_and_the_key(self, text: str, key: str, says: str) -> None:
        """Schema errors raise MappingError '<file>: <key>: <what is wrong>'."""
        with pytest.raises(MappingError) as err:
            parse_profile(text, "mappings/payers/broken.toml")
        assert (f"mappings/payers/broken.toml: {key}: ", True) == (str(err.value)[:len(key) + 31],
                                                                    says in str(err.value))

    def test_a_toml_syntax_error_names_the_file(self, tmp_path: Path) -> None:
        """A file that is not TOML at all fails with its path."""
        path = tmp_path / "bad.toml"
        path.write_text("[payer\n")
        with pytest.raises(MappingError, match=f"^{path}: not valid TOML"):
            load_profile(path)


class TestProfileRules:
    def test_required_segment(self) -> None:
        """REF*G1 required in 2300: PCN1001 has none (the others are fine once given one)."""
        rule = profile('required_segments = [{loop = "2300", segment = "REF", qualifier = "G1", message = "PA"}]')
        data = P837.replace(b"CLM*PCN1002*125***11:B:1*Y*A*Y*Y~", b"CLM*PCN1002*125***11:B:1*Y*A*Y*Y~\nREF*G1*PA2~")
        data = data.replace(b"CLM*PCN1003*200***11:B:1*Y*A*Y*Y~", b"CLM*PCN1003*200***11:B:1*Y*A*Y*Y~\nREF*G1*PA3~")
        valid = data.replace(b"REF*X4*99D9999999~", b"REF*X4*99D9999999~\nREF*G1*PA1~")
        (f,) = snip7(data, rule)
        assert ([], ("snip7.payer.required_segment", 7, "error", "CLM", None, PCN1001)) == (snip7(valid, rule), where(f))
        assert ("3", "REF*G1") == (f.ik304, f.details["missing"]) and f.message.endswith("REF*G1 in loop 2300: PA")

    def test_required_segment_in_every_line(self) -> None:
        """The commercial rule REF*6R in every 2400 fires on the one line without it."""
        (f,) = snip7(mutate(P837, b"REF*6R*1001L2~\n", b""), load_profile("example-commercial"))
        assert ("snip7.payer.required_segment", 7, "error", "LX", None, f"{PCN1001}/2400[2]") == where(f)

    def test_forbidden_qualifier(self) -> None:
        """REF*EA (medical record number) in the 837I claim is refused."""
        rule = profile('forbidden_qualifiers = [{segment = "REF", qualifier = "EA"}]')
        data = mutate(I837, b"REF*EA*MRN00000102~\n", b"")
        (f,) = snip7(data, rule)
        assert ("snip7.payer.forbidden_qualifier", 7, "error", "REF", "REF01", "2000A/2000B/2300[CLM01=HOSP0001]",
                "EA") == (*where(f), f.value)
        assert [] == snip7(data.replace(b"REF*EA*MRN00000101~\n", b""), rule)

    def test_value_restriction_on_a_component(self) -> None:
        """CLM05-1 must be 11 or 22: POS 23 on PCN1001 is refused."""
        rule = profile('value_restrictions = [{element = "CLM05-1", allowed = ["11", "22"]}]')
        (f,) = snip7(mutate(P837, b"CLM*PCN1001*235***11:B:1", b"CLM*PCN1001*235***23:B:1"), rule)
        assert ([], ("snip7.payer.value_not_allowed", 7, "error", "CLM", "CLM05-01", PCN1001, "23")) == (
            snip7(P837, rule), (*where(f), f.value))

    def test_value_restriction_scoped_to_a_loop(self) -> None:
        """SBR09 = CI limited to 2000B leaves the COB 2320 SBR alone; a 2000B SBR09 12 is refused once per HL."""
        rule = profile('value_restrictions = [{element = "SBR09", loop = "2000B", allowed = ["12"]}]')
        (f,) = snip7(mutate(P837, b"SBR*P**GRP0002******12~", b"SBR*P**GRP0002******CI~"), rule)
        assert ([], ("snip7.payer.value_not_allowed", 7, "error", "SBR", "SBR09", "2000A/2000B")) == (
            snip7(P837, rule), where(f))

    def test_value_restriction_on_the_835_header(self) -> None:
        """BPR04 must be ACH for the commercial plan: a check payment is refused, once for the whole ERA."""
        data = mutate(R835, b"BPR*I*42.64*C*ACH*CCP", b"BPR*I*42.64*C*CHK*CCP")
        (f,) = snip7(data, load_profile("example-commercial"))
        assert ("snip7.payer.value_not_allowed", 7, "error", "BPR", "BPR04", "") == where(f)

    def test_max_lines_per_claim(self) -> None:
        """Two lines allowed: PCN1001 has three."""
        (f,) = snip7(P837, profile("max_lines_per_claim = 2"))
        assert ("snip7.payer.too_many_lines", 7, "error", "CLM", None, PCN1001, "3", "4") == (
            *where(f), f.value, f.ik304)
        assert [] == snip7(P837, profile("max_lines_per_claim = 3"))

    def test_max_claim_charge(self) -> None:
        """CLM02 235 is above a 200.00 maximum (PCN1003's 200 is not)."""
        (f,) = snip7(P837, profile('max_claim_charge = "200.00"'))
        assert ("snip7.payer.claim_charge", 7, "error", "CLM", "CLM02", PCN1001, "235") == (*where(f), f.value)

    def test_a_profile_for_another_transaction_is_silent(self) -> None:
        """A profile applying to 835 only does not check 837 claims."""
        assert [] == snip7(P837, profile("max_lines_per_claim = 1", applies='applies_to = ["835"]'))

    def test_the_gs_receiver_also_identifies_the_payer(self) -> None:
        """A profile listing the 837's GS03 (EXAMPLECH) applies to all its claims."""
        found = snip7(P837, profile("max_lines_per_claim = 1", ids='["EXAMPLECH"]'))
        assert ["PCN1001", "PCN1003"] == [f.location.loop_path.split("=")[1].rstrip("]") for f in found]
