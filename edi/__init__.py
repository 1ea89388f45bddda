"""edi — an X12 EDI engine for US healthcare claims (837P, 837I, 835, 999, TA1, 277CA)."""
