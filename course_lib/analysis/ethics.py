"""Old import path of the targeting-plan audit, which now lives in :mod:`course_lib.analysis.privacy`.

Kept only until chapter 09's notebook and ``course_lib/chapters/campaign.py`` import from there.
"""

from course_lib.analysis.privacy import (  # noqa: F401
    SENSITIVE_ATTRIBUTES_FILE,
    audit_targeting_plan,
    load_sensitive_attributes,
    sensitive_columns,
)

__all__ = ["SENSITIVE_ATTRIBUTES_FILE", "load_sensitive_attributes", "sensitive_columns", "audit_targeting_plan"]
