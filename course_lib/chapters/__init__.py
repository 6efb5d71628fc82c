"""Chapter-specific helpers: one small module per chapter (explorers, case steps, workbook facts).

The top layer: may import from every other layer; nothing imports from it.
"""
