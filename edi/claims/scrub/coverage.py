"""Coverage edits: the billed coverage active on the date of service, prior authorization where the payer wants
one, coordination of benefits in a consistent order. Who fixes them: registration / eligibility (verify
coverage, get the authorization, bill the right payer or the patient)."""

from __future__ import annotations

from collections.abc import Iterator

from edi.claims.encounter import Encounter
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import Hit, RootCause, edit

COVERAGE = RootCause.COVERAGE
ORDER = "PSTABCDEFGH"          # SBR01 payer responsibility sequence: primary, secondary, tertiary, payers 4–11


@edit("coverage.inactive", root_cause=COVERAGE, prevents="CO-27",
      data="the encounter's coverages (effective_date, end_date from eligibility)")
def inactive(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The billed coverage is in effect on every date of service (after its end: CO-27; before its start:
    CO-26)."""
    period = enc.service_period
    if period is None:
        return
    n = enc.billed_coverage - 1
    cov = enc.billed
    first, last = period
    if cov.end_date is not None and last > cov.end_date:
        yield Hit(f"coverages[{n}] ({cov.payer.id}) ended on {cov.end_date}, before the service on {last}; verify "
                  "eligibility and bill the coverage in effect, or the patient", f"coverages[{n}].end_date")
    if cov.effective_date is not None and first < cov.effective_date:
        yield Hit(f"coverages[{n}] ({cov.payer.id}) starts on {cov.effective_date}, after the service on {first} "
                  "(CO-26); verify eligibility and bill the coverage in effect, or the patient",
                  f"coverages[{n}].effective_date")


@edit("coverage.prior_auth.missing", root_cause=COVERAGE, prevents="CO-197", data="payer profile",
      profile_keys=("prior_authorization", "prior_authorization_every_claim"))
def prior_auth(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A procedure the payer authorizes in advance (``prior_authorization``), or any claim to a payer that wants
    an authorization on every claim, carries the authorization number (claim or line)."""
    profile = refs.profile(enc.billed.payer.id)
    if enc.prior_authorization:
        return
    if refs.every_claim_needs_authorization(enc.billed.payer.id):
        yield Hit(f"prior_authorization is missing: {profile.name} requires an authorization number on every claim "
                  "(REF*G1); get it from the payer and add it", "prior_authorization", source=profile.label)
        return
    for n, line in enumerate(enc.lines):
        if line.procedure_code in profile.prior_authorization and not line.prior_authorization:
            yield Hit(f"lines[{n}].procedure_code {line.procedure_code} needs {profile.name}'s prior authorization "
                      "and neither the line nor the claim carries one; add prior_authorization (REF*G1)",
                      f"lines[{n}].prior_authorization", n, profile.label)


@edit("coverage.cob.order", root_cause=COVERAGE, prevents="CO-22",
      data="the encounter's coverages; payer profiles (payer_of_last_resort)", profile_keys=("payer_of_last_resort",))
def cob_order(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Coverages are in payer order: a payer of last resort (Medicaid: profile ``payer_of_last_resort`` or claim
    filing indicator MC) comes after every other coverage, responsibility codes (P, S, T …) follow each other,
    and a claim billed to a later payer follows the earlier payers' adjudication."""
    covs = enc.coverages
    for n, cov in enumerate(covs):
        last_resort = refs.profile(cov.payer.id).payer_of_last_resort or cov.claim_filing_indicator == "MC"
        later = [m for m in range(n + 1, len(covs)) if not (refs.profile(covs[m].payer.id).payer_of_last_resort
                                                            or covs[m].claim_filing_indicator == "MC")]
        if last_resort and later:
            other = covs[later[0]]
            yield Hit(f"coverages[{n}] ({cov.payer.id}) pays last (Medicaid is the payer of last resort) but comes "
                      f"before coverages[{later[0]}] ({other.payer.id}); put {other.payer.id} first and bill it first",
                      f"coverages[{n}]")
            break
    given = [(n, c.responsibility) for n, c in enumerate(covs) if c.responsibility]
    if given and [r for _, r in given] != list(ORDER[:len(given)]) and len(given) == len(covs):
        yield Hit(f"coverages responsibility codes are {''.join(r for _, r in given)}, not in payer order "
                  f"({ORDER[:len(given)]}); number them primary, secondary, tertiary …", "coverages")
    n = enc.billed_coverage - 1
    for m in range(n):
        earlier = covs[m]
        paid_by_line = any(p.payer_id == earlier.payer.id for line in enc.lines for p in line.prior_payments)
        if earlier.prior_payment is None and not paid_by_line:
            yield Hit(f"the claim is billed to coverages[{n}] ({enc.billed.payer.id}) but coverages[{m}] "
                      f"({earlier.payer.id}), earlier in payer order, has not adjudicated it (no prior_payment); "
                      f"bill {earlier.payer.id} first", f"coverages[{m}].prior_payment")
