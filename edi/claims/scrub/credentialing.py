"""Credentialing edits: provider identifiers well formed, providers enrolled with the payer on the date of
service, taxonomy present and valid. Who fixes them: credentialing / provider enrollment."""

from __future__ import annotations

from collections.abc import Iterator

from edi.claims.encounter import Encounter, Provider
from edi.claims.scrub._context import References
from edi.claims.scrub._edit import Hit, RootCause, edit
from edi.claims.scrub._facts import claim_date, clinician
from edi.validate.codesets import TAXONOMY, npi_problem

CREDENTIALING = RootCause.CREDENTIALING


def _providers(enc: Encounter) -> Iterator[tuple[str, Provider, int | None]]:
    """(field path, provider, line index) of every provider the claim names."""
    yield "billing_provider", enc.billing_provider, None
    for role in enc.providers.__struct_fields__:
        found = getattr(enc.providers, role)
        if found is not None:
            yield f"providers.{role}", found, None
    for n, line in enumerate(enc.lines):
        if line.providers is None:
            continue
        for role in line.providers.__struct_fields__:
            found = getattr(line.providers, role)
            if found is not None:
                yield f"lines[{n}].providers.{role}", found, n


@edit("credentialing.npi.check_digit", root_cause=CREDENTIALING, prevents="CO-16",
      data="NPI check digit (Luhn over 80840 + 9 digits; edi.validate.codesets, shared with SNIP 5)")
def npi_check_digit(enc: Encounter, refs: References) -> Iterator[Hit]:
    """Every provider NPI is 10 digits with a right check digit (a mistyped NPI is a provider the payer cannot
    find)."""
    for path, provider, n in _providers(enc):
        if provider.npi:
            problem = npi_problem(provider.npi)
            if problem is not None:
                yield Hit(f"{path}.npi: {problem[1]}; copy the NPI from NPPES", f"{path}.npi", n,
                          "CMS NPPES NPI format")


@edit("credentialing.not_enrolled", root_cause=CREDENTIALING, prevents="CO-B7",
      data="the ledger's enrollment roster (edi ledger roster)")
def not_enrolled(enc: Encounter, refs: References) -> Iterator[Hit]:
    """The billing and rendering (837I: attending) NPIs are enrolled with the billed payer on the date of service,
    by the ledger's roster; skipped without a ledger or when no roster names the payer."""
    if refs.ledger is None:
        return
    payer = enc.billed.payer.id
    day = claim_date(enc, refs.as_of)
    role, person = clinician(enc)
    for path, provider in (("billing_provider", enc.billing_provider), (f"providers.{role}", person)):
        if provider is None or not provider.npi or npi_problem(provider.npi) is not None:
            continue          # a malformed NPI is credentialing.npi.check_digit's finding, not a second one
        check = refs.enrollment(provider.npi, payer, day)
        if check is None or not check.roster_known or check.enrolled:
            continue
        yield Hit(f"{path}.npi {provider.npi}: {check.reason}; enroll the provider with {payer} before billing, or "
                  "bill under an enrolled provider", f"{path}.npi", source="ledger enrollment roster")


@edit("credentialing.taxonomy", root_cause=CREDENTIALING, prevents="CO-16",
      data="NUCC taxonomy code shape (edi.validate.codesets.TAXONOMY, shared with SNIP 5); payer profile",
      profile_keys=("taxonomy_required",))
def taxonomy(enc: Encounter, refs: References) -> Iterator[Hit]:
    """A provider's taxonomy, when given, is a NUCC code (nine letters or digits then X); the payer's profile may
    require one for some roles (``taxonomy_required``)."""
    for path, provider, n in _providers(enc):
        if provider.taxonomy and not TAXONOMY.fullmatch(provider.taxonomy):
            yield Hit(f"{path}.taxonomy {provider.taxonomy!r} is not a NUCC taxonomy code (10 characters, nine "
                      "letters or digits then X, e.g. 207Q00000X); correct it", f"{path}.taxonomy", n,
                      "NUCC Health Care Provider Taxonomy (format)")
    profile = refs.profile(enc.billed.payer.id)
    for role in profile.taxonomy_required:
        named: Provider | None = enc.billing_provider if role == "billing_provider" else \
            getattr(enc.providers, role, None)
        if named is not None and not named.taxonomy:
            path = "billing_provider" if role == "billing_provider" else f"providers.{role}"
            yield Hit(f"{path}.taxonomy is missing: {profile.name} requires the {role.replace('_', ' ')}'s taxonomy; "
                      "add it", f"{path}.taxonomy", source=profile.label)
