"""Market layer: the synthetic city market, the campaign simulator, case data and the data loaders.

Imports only from ``course_lib.base``.
"""
