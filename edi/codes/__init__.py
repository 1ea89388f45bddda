"""Reference code tables with their sources and effective dates, for the validator (SNIP 5) and the scrubber.

* ICD-10-CM by release, FY2021 onwards: ``icd10(code, on)`` — valid, billable, a category, invalid, or a gap where
  no public source for the date's release was reached — with the release used and a message that says why;
  ``icd10_children`` and ``unspecified_alternatives`` for suggestions.

Every table names its sources (``icd10_table().releases``) so findings can cite them. Sources, licences and how to
update: docs/code-sets.md.
"""

from edi.codes._icd10 import (Icd10Check, Icd10Release, Icd10Status, Icd10Table, icd10, icd10_children, icd10_table,
                              unspecified_alternatives)

__all__ = ["Icd10Check", "Icd10Release", "Icd10Status", "Icd10Table", "icd10", "icd10_children", "icd10_table",
           "unspecified_alternatives"]
