"""Chapter 00 (start here): the warm-up ads table and the answers its two checks compare with.

The checks themselves are declared in ``data/exercises/00-start-here.yaml``.

Examples
--------
>>> ads = load_ads()
>>> ads.shape, ads.index.name
((6, 6), 'ad')
>>> answers()["best_ad"]
'local-radius-3km'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from course_lib.base import paths
from course_lib.base.validation import require_dataframe, require_no_missing, require_non_negative

__all__ = ["ADS_PATH", "load_ads", "answers", "wrong_answers"]

#: The warm-up campaigns table.
ADS_PATH = paths.DATA_DIR / "warmup" / "ads.csv"
_NUMERIC = ["impressions", "clicks", "spend", "conversions", "revenue"]


def load_ads() -> pd.DataFrame:
    """Load the six warm-up ad campaigns, indexed by ``ad`` (a new frame on every call).

    Columns: ``channel``, ``impressions``, ``clicks``, ``spend`` (currency
    units), ``conversions``, ``revenue``.
    """
    ads = pd.read_csv(ADS_PATH, index_col="ad")
    require_dataframe(ads, "data/warmup/ads.csv")
    require_non_negative(ads, _NUMERIC, "data/warmup/ads.csv")
    require_no_missing(ads, _NUMERIC, "data/warmup/ads.csv")
    return ads


def answers() -> dict[str, Any]:
    """The right answers (q1 ``ctr``, q2 ``best_ad``) and the facts the success messages quote."""
    ads = load_ads()
    ctr = ads["clicks"] / ads["impressions"]
    roas = ads["revenue"] / ads["spend"]
    return {"ctr": ctr, "best_ctr_ad": ctr.idxmax(), "best_ctr": ctr.max(), "ads": list(ads.index),
            "best_ad": roas.idxmax(), "best_roas": roas.max(), "n_ads": len(ads)}


def wrong_answers() -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    ads = load_ads()
    ctr = ads["clicks"] / ads["impressions"]
    roas = ads["revenue"] / ads["spend"]
    return {
        "ctr_total": ads["clicks"].sum() / ads["impressions"].sum(), "ctr_percent": 100 * ctr,
        "ctr_upside_down": ads["impressions"] / ads["clicks"], "conversion_rate": ads["conversions"] / ads["clicks"],
        "clicks_per_spend": ads["clicks"] / ads["spend"], "worst_roas_ad": roas.idxmin(),
        "top_revenue_ad": ads["revenue"].idxmax(), "best_ctr_ad": ctr.idxmax(),
        "lowest_cpa_ad": (ads["spend"] / ads["conversions"]).idxmin(),
        "most_conversions_ad": ads["conversions"].idxmax(), "best_roas_value": roas.max(),
    }
