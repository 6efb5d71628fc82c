"""Analysis layer: reusable methods (RFM, clustering, geo, experiments, metrics, segmentation, cleaning, privacy).

Imports only from ``course_lib.base`` and ``course_lib.market``.
"""
