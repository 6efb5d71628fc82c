"""Per-workbook exercise modules (being replaced by declarative specs)."""
