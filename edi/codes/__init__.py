"""Reference code tables with their sources and effective dates, for the validator (SNIP 5) and the scrubber.

* ICD-10-CM by release, FY2021 onwards: ``icd10(code, on)`` — valid, billable, a category, invalid, or a gap where
  no public source for the date's release was reached — with the release used and a message that says why;
  ``icd10_children`` and ``unspecified_alternatives`` for suggestions.
* Age- and sex-specific diagnoses: ``sex_age(code)``.
* NCCI: ``ncci_pair(column1, column2, on)``, ``mue(code, on)``, ``addon(code, on)`` over the extract shipped in
  ``mappings/codes/`` (``ncci_tables().covers(kind, code)`` says whether it holds every row for a code), and
  ``parse_cms_file(kind, path)`` for CMS's full quarterly files.

Every table names its sources (``icd10_table().releases``, ``SexAge.rules``, each NCCI row's ``source`` and
``quarter``) so findings can cite them. Sources, licences and how to update: docs/code-sets.md.
"""

from edi.codes._icd10 import (Icd10Check, Icd10Release, Icd10Status, Icd10Table, icd10, icd10_children, icd10_table,
                              unspecified_alternatives)
from edi.codes._ncci import (PTP_MODIFIERS, AddOnEdit, AddOnRule, Coverage, MueEdit, NcciTables, PtpEdit, addon, mue,
                             ncci_pair, ncci_tables, read_extract)
from edi.codes._sexage import SexAge, SexAgeRule, sex_age
from edi.codes.cms_files import CmsFileError, parse_cms_file

__all__ = ["PTP_MODIFIERS", "AddOnEdit", "AddOnRule", "CmsFileError", "Coverage", "Icd10Check", "Icd10Release",
           "Icd10Status", "Icd10Table", "MueEdit", "NcciTables", "PtpEdit", "SexAge", "SexAgeRule", "addon", "icd10",
           "icd10_children", "icd10_table", "mue", "ncci_pair", "ncci_tables", "parse_cms_file", "read_extract",
           "sex_age", "unspecified_alternatives"]
