"""docs/scrub-edits.md, generated from the edit registry (code, root cause, default severity, the denial it
prevents, what it catches, the data it reads, the payer-profile keys that change it) and the ``[scrub]`` keys. A
test keeps the page current: ``python -m edi.claims.scrub._docs > docs/scrub-edits.md`` after changing an edit.
"""

from __future__ import annotations

from edi.claims.scrub import EDITS, RootCause
from edi.claims.scrub._profiles import KEYS

INTRO = """# Scrub edits

Generated from the edit registry (`edi/claims/scrub/`) by `python -m edi.claims.scrub._docs` (a test keeps it
current).

The scrubber runs these edits on coded encounters before they become claims (`edi claims scrub`, and `edi claims
build` before batching). Each finding carries the edit's code, a severity (an **error** holds the claim; a
**warning** does not), the **root cause** — who fixes it — and the denial it prevents (claim adjustment group and
reason code, e.g. `CO-236`), a message that names the encounter field (`lines[2].modifiers`) and the fix, the line's
id (its REF*6R), and the reference data it was judged by (`ICD-10-CM FY2026`, `NCCI PTP 2025Q3 (…)`, a payer
profile).

Reference data: ICD-10-CM by release, the sex/age table and the place-of-service table are shared with `edi
validate` (SNIP 5), so an encounter the scrubber passes builds an 837 the validator passes (a property test holds
it to that). NCCI PTP, MUE and add-on data come from the CMS quarter loaded into the ledger with `edi codes load`
when there is one, else the extract in `mappings/codes/` (which ships **no rows**: docs/code-sets.md says why).
Duplicates and enrollment need a ledger (`--db`); without one, duplicates are still found within the input.

A payer's profile (`mappings/payers/*.toml`, table `[scrub]`) switches edits off (`off`), changes their severity
(`[scrub.severity]`) and carries the payer's data — see "Payer profiles" in docs/code-sets.md and the keys at the
end of this page. The profile of the payer the claim is billed to applies.
"""

ROOT_CAUSES = {
    RootCause.CODING: "the coder: recode the diagnosis, procedure, modifier or units",
    RootCause.BILLING: "the biller or registration: correct the claim data",
    RootCause.CREDENTIALING: "credentialing: fix the provider's identifiers or enrollment with the payer",
    RootCause.COVERAGE: "registration / eligibility: verify coverage, get the authorization, bill the right payer",
}


def render_markdown() -> str:
    out = [INTRO]
    for cause in RootCause:
        edits = [e for e in EDITS.values() if e.root_cause is cause]
        out.append(f"## {cause.value.capitalize()} ({len(edits)} edits)\n")
        out.append(f"Who fixes it: {ROOT_CAUSES[cause]}.\n")
        out.append("| code | severity | prevents | catches | reference data | profile keys |")
        out.append("|---|---|---|---|---|---|")
        for e in edits:
            keys = ", ".join(f"`{k}`" for k in ("off", "severity", *e.profile_keys))
            out.append(f"| `{e.code}` | {e.severity.value} | {e.prevents} | {_cell(e.summary)} | {_cell(e.data)} "
                       f"| {keys} |")
        out.append("")
    out.append("## Payer profile keys (`[scrub]`)\n")
    out.append("| key | meaning |")
    out.append("|---|---|")
    out += [f"| `{key}` | {_cell(meaning)} |" for key, meaning in KEYS.items()]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    print(render_markdown())
