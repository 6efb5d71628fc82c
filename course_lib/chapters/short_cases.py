"""The data steps of the four shorter worked cases: clothing, fitness app, B2B and edtech.

Notebook ``16-case-short-cases`` runs the step-by-step method in condensed
form on four small case datasets. The steps shared with the longer cases
(audit before/after, tailored vs generic z-test, budget shift, exam answer)
come from :mod:`course_lib.analysis.casework`; this module adds what is specific to
these four:

* :func:`load_short_plan` -- objective, segments, value propositions,
  creatives, audiences and the labelled assumptions of one case (from
  ``data/content/case-short.yaml``);
* :func:`drop_id_copies` -- remove a person recorded twice under a new id,
  using an activity log to tell the copy from the original;
* clothing: :func:`clean_clothing_orders`, :func:`shopper_segments`,
  :func:`email_report`;
* fitness: :func:`usage_profile`;
* B2B: :func:`clean_b2b`, :func:`abm_result`;
* edtech: :func:`signup_funnel`, :func:`second_reminder`;
* :func:`plot_tailored_vs_generic` and :func:`short_case_explorer` -- the
  tailored-vs-generic result of every case in one picture, with a case picker.

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.short_cases import signup_funnel
>>> users = pd.DataFrame({"last_step": ["opened_app", "entered_phone", "entered_phone", "chose_goal"]})
>>> signup_funnel(users, ["opened_app", "entered_phone", "chose_goal"])["reached"].tolist()
[4, 3, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.cleaning import standardise_labels
from course_lib.analysis.metrics import conversion_rate, cpa, ctr, roas
from course_lib.base.validation import require_columns, require_dataframe, require_no_missing, require_number

__all__ = [
    "SHORT_PATH",
    "CASES",
    "load_short_plan",
    "drop_id_copies",
    "clean_clothing_orders",
    "shopper_segments",
    "email_report",
    "usage_profile",
    "clean_b2b",
    "abm_result",
    "signup_funnel",
    "second_reminder",
    "plot_tailored_vs_generic",
    "plot_response_ratios",
    "short_case_explorer",
]

#: The content file with the four plans and their assumptions.
SHORT_PATH: Path = paths.DATA_DIR / "content" / "case-short.yaml"
#: The four cases, in notebook order.
CASES: tuple[str, ...] = ("clothing", "fitness", "b2b", "edtech")
_PLAN_FIELDS = ("objective", "kpi", "segments", "assumptions")
_SEGMENT_FIELDS = ("key", "label", "value_proposition", "creative", "audience")


# --------------------------------------------------------------------------- plan


def load_short_plan(case: str, *, path: Path | str | None = None) -> dict[str, Any]:
    """One case's plan: objective, KPI, segments (a table), assumptions and settings.

    Parameters
    ----------
    case : str
        ``"clothing"``, ``"fitness"``, ``"b2b"`` or ``"edtech"``.
    path : path-like, optional
        Another content file (for tests).

    Returns
    -------
    dict
        The case's section of the file, with ``segments`` turned into a
        DataFrame indexed by segment key (columns ``label``,
        ``value_proposition``, ``creative``, ``audience``). ``assumptions``
        holds figures that are *not* in the case data.

    Examples
    --------
    >>> plan = load_short_plan("clothing")
    >>> plan["segments"].index.tolist()
    ['discount_only', 'sportswear_buyers', 'ethnic_wear_buyers', 'everyone_else']
    >>> plan["assumptions"]["cost_per_send"]
    4.0
    """
    if not isinstance(case, str):
        raise TypeError(f"case must be a case name (str), got {type(case).__name__}.")
    path = Path(SHORT_PATH if path is None else path)
    if not path.is_file():
        raise ValueError(f"the plan file {path} does not exist.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or case not in data:
        known = ", ".join(sorted(data)) if isinstance(data, dict) else "none"
        raise ValueError(f"there is no plan for the case {case!r} in {path.name}; available: {known}.")
    raw = dict(data[case])
    missing = [f for f in _PLAN_FIELDS if f not in raw]
    if missing:
        raise ValueError(f"the plan for {case!r} is missing {', '.join(missing)}.")
    segs = raw["segments"]
    if not isinstance(segs, list) or not segs:
        raise ValueError(f"the plan for {case!r}: segments must be a non-empty list.")
    for seg in segs:
        lacking = [f for f in _SEGMENT_FIELDS if f not in seg]
        if lacking:
            raise ValueError(f"the plan for {case!r}: segment {seg.get('key')!r} is missing {', '.join(lacking)}.")
    table = pd.DataFrame(segs, columns=list(_SEGMENT_FIELDS)).set_index("key").rename_axis("segment")
    if table.index.has_duplicates:
        raise ValueError(f"the plan for {case!r}: segment keys must be unique.")
    raw["segments"] = table
    return raw


# --------------------------------------------------------------------------- cleaning


def drop_id_copies(data: pd.DataFrame, *, id: str, active: Iterable[Any]) -> pd.DataFrame:
    """Drop people recorded twice under a new id: profile copies with no activity.

    A row is a copy when (1) every column except ``id`` repeats another row
    and (2) its id never appears in the activity log ``active`` (usage,
    reminders...) while the other row's id does. Profiles alone are not
    enough: with a few coarse columns, different people can share the same
    profile by chance.

    Parameters
    ----------
    data : DataFrame
        One row per person (not modified).
    id : str
        The id column.
    active : iterable
        The ids that appear in the activity log.

    Returns
    -------
    DataFrame
        ``data`` without the copies (original order and index).

    Examples
    --------
    >>> import pandas as pd
    >>> users = pd.DataFrame({"user_id": ["U1", "U2", "U3", "U4"], "age": [30, 30, 41, 41]})
    >>> drop_id_copies(users, id="user_id", active=["U1", "U3", "U4"])["user_id"].tolist()
    ['U1', 'U3', 'U4']
    """
    require_dataframe(data, "data")
    require_columns(data, [id], "data")
    profile = [c for c in data.columns if c != id]
    if not profile:
        raise ValueError("data needs at least one column besides the id to compare profiles.")
    is_active = data[id].isin(pd.Index(list(active))).to_numpy()
    repeated = data.duplicated(subset=profile, keep=False).to_numpy()
    # a twin with activity must exist: count active rows per profile
    key = pd.MultiIndex.from_frame(data[profile].astype(object).where(data[profile].notna(), "<NA>"))
    active_per_profile = pd.Series(is_active, index=key).groupby(level=list(range(len(profile)))).transform("sum")
    copy = repeated & ~is_active & (active_per_profile.to_numpy() > 0)
    return data[~copy]


def clean_clothing_orders(
    orders: pd.DataFrame,
    categories: Sequence[str],
    *,
    variants: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The audited orders of the clothing case.

    Drops exact duplicate rows (keeping the first), orders with a missing
    amount and negative amounts (returns booked as orders), maps category
    spellings onto ``categories`` and adds ``discount_used`` (True when
    ``discount_pct`` > 0).

    Parameters
    ----------
    orders : DataFrame
        Columns ``amount``, ``category`` and ``discount_pct`` (not modified).
    categories : sequence of str
        The allowed category names.
    variants : dict, optional
        Spelling -> category for what normalisation cannot fix (``'foot wear'``).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"amount": [100.0, 100.0, None, -5.0, 80.0], "discount_pct": [0, 0, 10, 0, 20],
    ...                   "category": ["Sportswear", "Sportswear", "footwear", "footwear", "foot wear"]})
    >>> c = clean_clothing_orders(o, ["sportswear", "footwear"], variants={"foot wear": "footwear"})
    >>> c["category"].tolist(), c["discount_used"].tolist()
    (['sportswear', 'footwear'], [False, True])
    """
    require_dataframe(orders, "orders")
    require_columns(orders, ["amount", "category", "discount_pct"], "orders")
    kept = orders[~orders.duplicated().to_numpy()]
    kept = kept[(kept["amount"].notna() & (kept["amount"] > 0)).to_numpy()]
    cats = standardise_labels(kept["category"], list(categories), mapping=dict(variants or {}), unknown="raise")
    return kept.assign(category=pd.Categorical(cats, categories=list(categories)),
                       discount_used=kept["discount_pct"] > 0)


def shopper_segments(
    features: pd.DataFrame,
    *,
    discount_share: float = 0.8,
    min_orders: int = 3,
    category_share: float = 0.5,
) -> pd.Series:
    """Label each shopper from purchase history: discount-only, sportswear, ethnic wear or everyone else.

    Rules, in this order (the first that matches wins):

    1. ``discount_only``: at least ``discount_share`` of orders discounted,
       over at least ``min_orders`` orders;
    2. ``sportswear_buyers``: at least ``category_share`` of spend on sportswear;
    3. ``ethnic_wear_buyers``: the same for ethnic wear;
    4. ``everyone_else``.

    Parameters
    ----------
    features : DataFrame
        From :func:`course_lib.analysis.features.customer_features`: ``orders``,
        ``discount_share``, ``share_sportswear``, ``share_ethnic_wear``.

    Returns
    -------
    Series
        Segment per shopper (same index), named ``segment``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"orders": [5, 1, 4, 4], "discount_share": [1.0, 1.0, 0.0, 0.2],
    ...                   "share_sportswear": [0.9, 0.9, 0.6, 0.1], "share_ethnic_wear": [0, 0, 0, 0.7]})
    >>> shopper_segments(f).tolist()
    ['discount_only', 'sportswear_buyers', 'sportswear_buyers', 'ethnic_wear_buyers']
    """
    require_dataframe(features, "features")
    cols = ["orders", "discount_share", "share_sportswear", "share_ethnic_wear"]
    require_columns(features, cols, "features")
    require_no_missing(features, cols, "features")
    for name, value in (("discount_share", discount_share), ("category_share", category_share)):
        require_number(value, name, minimum=0, maximum=1, inclusive=True)
    require_number(min_orders, "min_orders", minimum=1)
    conditions = [
        (features["discount_share"] >= discount_share) & (features["orders"] >= min_orders),
        features["share_sportswear"] >= category_share,
        features["share_ethnic_wear"] >= category_share,
    ]
    labels = np.select([c.to_numpy() for c in conditions],
                       ["discount_only", "sportswear_buyers", "ethnic_wear_buyers"], "everyone_else")
    return pd.Series(labels, index=features.index, name="segment")


# --------------------------------------------------------------------------- results


def email_report(
    campaigns: pd.DataFrame,
    *,
    cost_per_send: float,
    margins: Mapping[str, float] | float,
    by: Sequence[str] = ("segment", "message_type"),
) -> pd.DataFrame:
    """Email metrics per group: open, click and order rates, cost, ROAS and gross profit.

    Parameters
    ----------
    campaigns : DataFrame
        Columns ``sends``, ``opens``, ``clicks``, ``orders``, ``revenue``,
        ``message`` and the ``by`` columns.
    cost_per_send : float
        Rupees per shopper contacted (an assumption: email plus ads).
    margins : float or dict
        Share of revenue kept as gross profit; a dict maps a ``message`` to
        its own margin (e.g. a 50%-off flash sale keeps less), with key
        ``"default"`` for the others.
    by : list of str
        Grouping columns.

    Returns
    -------
    DataFrame
        One row per group: the sums, ``open_rate`` (opens / sends),
        ``click_rate`` (clicks / sends, via :func:`course_lib.analysis.metrics.ctr`),
        ``order_rate`` (orders per click), ``orders_per_1000`` (per 1,000
        sends), ``spend``, ``cpa``, ``roas``, ``gross_profit``,
        ``profit_after_cost`` and ``profit_per_1000`` (per 1,000 sends).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"segment": ["a"], "message_type": ["tailored"], "message": ["m"], "sends": [1000],
    ...                   "opens": [300], "clicks": [50], "orders": [10], "revenue": [20000.0]})
    >>> email_report(c, cost_per_send=2.0, margins=0.5)[["orders_per_1000", "roas", "profit_per_1000"]]
       orders_per_1000  roas  profit_per_1000
    0             10.0  10.0           8000.0
    """
    require_dataframe(campaigns, "campaigns")
    by = [by] if isinstance(by, str) else list(by)
    counts = ["sends", "opens", "clicks", "orders", "revenue"]
    require_columns(campaigns, [*by, *counts, "message"], "campaigns")
    require_no_missing(campaigns, counts, "campaigns")
    cost_per_send = require_number(cost_per_send, "cost_per_send", minimum=0)
    if isinstance(margins, Mapping):
        if "default" not in margins:
            raise ValueError("margins as a dict needs a 'default' entry for messages it does not name.")
        margin = campaigns["message"].astype(object).map(lambda m: margins.get(m, margins["default"]))
    else:
        margin = pd.Series(require_number(margins, "margins", minimum=0, maximum=1, inclusive=True),
                           index=campaigns.index)
    rows = campaigns.assign(gross_profit=campaigns["revenue"] * margin.astype(float),
                            spend=campaigns["sends"] * cost_per_send)
    out = rows.groupby(by, observed=True, sort=False)[[*counts, "spend", "gross_profit"]].sum().reset_index()
    out["open_rate"] = ctr(out["opens"], out["sends"])
    out["click_rate"] = ctr(out["clicks"], out["sends"])
    out["order_rate"] = conversion_rate(out["orders"], out["clicks"])
    out["orders_per_1000"] = 1000 * out["orders"] / out["sends"]
    out["cpa"] = cpa(out["spend"], out["orders"])
    out["roas"] = roas(out["revenue"], out["spend"])
    out["profit_after_cost"] = out["gross_profit"] - out["spend"]
    out["profit_per_1000"] = 1000 * out["profit_after_cost"] / out["sends"]
    return out


def usage_profile(users: pd.DataFrame, usage: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """How each group uses the app: sessions per user-week, minutes per session, short sessions, paid share.

    Parameters
    ----------
    users : DataFrame
        One row per user: ``user_id``, ``plan`` and the ``by`` columns.
    usage : DataFrame
        One row per user and week: ``user_id``, ``sessions``, ``minutes``,
        ``short_sessions``. Missing ``minutes`` are left out of the minutes.
    by : str or list of str
        Grouping column(s) of ``users`` (e.g. ``"occupation_type"``).

    Returns
    -------
    DataFrame
        One row per group: ``users``, ``sessions_per_week``,
        ``minutes_per_session``, ``short_share`` (sessions of 15 minutes or
        less) and ``paid_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"user_id": ["a", "b"], "job": ["desk", "field"], "plan": ["paid", "free"]})
    >>> w = pd.DataFrame({"user_id": ["a", "a", "b"], "sessions": [2, 4, 1], "minutes": [20.0, 40.0, 30.0],
    ...                   "short_sessions": [2, 3, 0]})
    >>> usage_profile(u, w, "job")[["sessions_per_week", "minutes_per_session", "paid_share"]].to_dict("list")
    {'sessions_per_week': [3.0, 1.0], 'minutes_per_session': [10.0, 30.0], 'paid_share': [1.0, 0.0]}
    """
    by = [by] if isinstance(by, str) else list(by)
    require_dataframe(users, "users")
    require_dataframe(usage, "usage")
    require_columns(users, ["user_id", "plan", *by], "users")
    require_columns(usage, ["user_id", "sessions", "minutes", "short_sessions"], "usage")
    if users["user_id"].duplicated().any():
        raise ValueError("users has duplicate user_id values; remove the copies first (drop_id_copies).")
    merged = usage.merge(users[["user_id", "plan", *by]], on="user_id", how="inner", validate="many_to_one")
    timed = merged["minutes"].notna()
    merged = merged.assign(timed_sessions=merged["sessions"].where(timed, 0), minutes=merged["minutes"].fillna(0))
    g = merged.groupby(by, observed=True, sort=True)
    out = pd.DataFrame({
        "users": g["user_id"].nunique(),
        "sessions_per_week": g["sessions"].mean(),
        "minutes_per_session": g["minutes"].sum() / g["timed_sessions"].sum().replace(0, np.nan),
        "short_share": g["short_sessions"].sum() / g["sessions"].sum().replace(0, np.nan),
    })
    paid = users.assign(_paid=users["plan"].astype(object) == "paid").groupby(by, observed=True)["_paid"].mean()
    out["paid_share"] = paid.reindex(out.index)
    return out.reset_index()


def clean_b2b(
    accounts: pd.DataFrame,
    engagement: pd.DataFrame,
    regions: Mapping[str, Sequence[str]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge companies listed twice and fill missing regions from the city.

    Companies are the same when :func:`course_lib.analysis.cleaning.company_key`
    matches ('Pvt Ltd' vs 'Private Limited', case, dots). The copy's id is
    replaced by the first id everywhere, and its engagement is added to the
    original's (counts summed; a meeting or a win in either row counts;
    deal values summed; the shortest sales cycle kept).

    Parameters
    ----------
    accounts : DataFrame
        ``account_id``, ``company``, ``region``, ``city``.
    engagement : DataFrame
        One row per account and ``phase``.
    regions : dict
        Region -> list of its cities (``case.params["regions"]``).

    Returns
    -------
    (DataFrame, DataFrame)
        Clean accounts (one row per company) and engagement (one row per
        account and phase).

    Examples
    --------
    >>> import pandas as pd
    >>> acc = pd.DataFrame({"account_id": ["A1", "A2"], "company": ["Om Steel Pvt Ltd", "OM STEEL PRIVATE LIMITED"],
    ...                     "region": [None, "West"], "city": ["Pune", "Pune"]})
    >>> eng = pd.DataFrame({"account_id": ["A1", "A2"], "phase": ["p", "p"], "emails_sent": [2, 3],
    ...                     "deal_won": [False, True], "deal_value_lakh": [0.0, 5.0], "sales_cycle_days": [None, 90.0]})
    >>> a, e = clean_b2b(acc, eng, {"West": ["Pune"]})
    >>> a[["account_id", "region"]].values.tolist(), e[["emails_sent", "deal_won"]].values.tolist()
    ([['A1', 'West']], [[5, True]])
    """
    from course_lib.analysis.cleaning import company_key  # noqa: PLC0415

    require_dataframe(accounts, "accounts")
    require_dataframe(engagement, "engagement")
    require_columns(accounts, ["account_id", "company", "region", "city"], "accounts")
    require_columns(engagement, ["account_id", "phase"], "engagement")
    if not isinstance(regions, Mapping):
        raise TypeError(f"regions must be a dict of region -> cities, got {type(regions).__name__}.")
    key = company_key(accounts["company"])
    first = accounts.groupby(key.to_numpy(), sort=False)["account_id"].transform("first")
    id_map = dict(zip(accounts["account_id"], first, strict=True))
    city_region = {city: region for region, cities in regions.items() for city in cities}
    kept = accounts[~key.duplicated().to_numpy()]
    filled = kept["region"].astype(object).where(kept["region"].notna(), kept["city"].astype(object).map(city_region))
    if filled.isna().any():
        raise ValueError(f"no region known for the city of {int(filled.isna().sum())} account(s); add it to regions.")
    region_dtype = accounts["region"].dtype if isinstance(accounts["region"].dtype, pd.CategoricalDtype) else object
    kept = kept.assign(region=filled.astype(region_dtype))
    eng = engagement.assign(account_id=engagement["account_id"].map(id_map))
    if eng["account_id"].isna().any():
        raise ValueError("engagement has account ids that are not in accounts.")
    how: dict[str, str] = {}
    for col in eng.columns:
        if col in ("account_id", "phase"):
            continue
        if pd.api.types.is_bool_dtype(eng[col]):
            how[col] = "max"
        elif col == "sales_cycle_days":
            how[col] = "min"
        else:
            how[col] = "sum"
    merged = eng.groupby(["account_id", "phase"], observed=True, sort=False).agg(how).reset_index()
    return kept.reset_index(drop=True), merged


def abm_result(accounts: pd.DataFrame, engagement: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Account-based result per campaign phase (and group): ad CTR, replies, meetings, wins, cycle, value.

    Parameters
    ----------
    accounts : DataFrame
        Clean accounts (one row per ``account_id``) with the ``by`` column.
    engagement : DataFrame
        ``account_id``, ``phase``, ``ad_impressions``, ``ad_clicks``,
        ``emails_sent``, ``email_replies``, ``meeting_held``, ``deal_won``,
        ``deal_value_lakh``, ``sales_cycle_days``.
    by : str, optional
        A column of ``accounts`` (e.g. ``"tier"``); None gives one row per phase.

    Returns
    -------
    DataFrame
        One row per (group,) phase: ``accounts``, ``ad_ctr``, ``reply_rate``,
        ``meeting_rate``, ``win_rate`` (shares of accounts), ``meetings``, ``deals``,
        ``deal_value_lakh`` (total), ``cycle_days`` (mean days to win, won
        deals only).

    Examples
    --------
    >>> import pandas as pd
    >>> acc = pd.DataFrame({"account_id": ["A", "B"]})
    >>> eng = pd.DataFrame({"account_id": ["A", "B"], "phase": ["p", "p"], "ad_impressions": [100, 100],
    ...                     "ad_clicks": [1, 3], "emails_sent": [2, 2], "email_replies": [1, 0],
    ...                     "meeting_held": [True, False], "deal_won": [True, False],
    ...                     "deal_value_lakh": [20.0, 0.0], "sales_cycle_days": [80.0, None]})
    >>> abm_result(acc, eng)[["ad_ctr", "win_rate", "cycle_days"]].values.tolist()
    [[0.02, 0.5, 80.0]]
    """
    require_dataframe(accounts, "accounts")
    require_dataframe(engagement, "engagement")
    needed = ["account_id", "phase", "ad_impressions", "ad_clicks", "emails_sent", "email_replies",
              "meeting_held", "deal_won", "deal_value_lakh", "sales_cycle_days"]
    require_columns(engagement, needed, "engagement")
    cols = ["account_id"] + ([by] if by else [])
    require_columns(accounts, cols, "accounts")
    if accounts["account_id"].duplicated().any():
        raise ValueError("accounts has duplicate account_id values; merge the duplicates first (clean_b2b).")
    merged = engagement[needed].merge(accounts[cols], on="account_id", how="inner", validate="many_to_one")
    keys = ([by] if by else []) + ["phase"]
    g = merged.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame({
        "accounts": g.size(),
        "ad_ctr": ctr(g["ad_clicks"].sum(), g["ad_impressions"].sum()),
        "reply_rate": g["email_replies"].sum() / g["emails_sent"].sum().replace(0, np.nan),
        "meeting_rate": g["meeting_held"].mean(),
        "win_rate": g["deal_won"].mean(),
        "meetings": g["meeting_held"].sum().astype("int64"),
        "deals": g["deal_won"].sum().astype("int64"),
        "deal_value_lakh": g["deal_value_lakh"].sum(),
        "cycle_days": g["sales_cycle_days"].mean(),
    })
    return out.reset_index()


def signup_funnel(users: pd.DataFrame, steps: Sequence[str], *, step: str = "last_step") -> pd.DataFrame:
    """How many users reached each sign-up step (the furthest step is recorded per user).

    Parameters
    ----------
    users : DataFrame
        One row per user with the furthest step reached in ``step``.
    steps : list of str
        The steps in order.

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``stopped_here`` (users whose furthest
        step it is), ``reached`` (users at this step or beyond),
        ``share_of_start`` and ``kept_from_previous``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"last_step": ["a", "b", "b", "c"]})
    >>> signup_funnel(u, ["a", "b", "c"])["kept_from_previous"].round(2).tolist()
    [1.0, 0.75, 0.33]
    """
    require_dataframe(users, "users")
    require_columns(users, [step], "users")
    steps = list(steps)
    if len(steps) < 2 or len(set(steps)) != len(steps):
        raise ValueError("steps must list at least two different steps, in order.")
    unknown = set(users[step].dropna().astype(object)) - set(steps)
    if unknown:
        raise ValueError(f"{step!r} has values that are not in steps: {sorted(map(str, unknown))}.")
    stopped = users[step].astype(object).value_counts().reindex(steps, fill_value=0).astype("int64")
    reached = stopped[::-1].cumsum()[::-1]
    out = pd.DataFrame({"step": steps, "stopped_here": stopped.to_numpy(), "reached": reached.to_numpy()})
    out["share_of_start"] = out["reached"] / out["reached"].iloc[0]
    out["kept_from_previous"] = out["reached"] / out["reached"].shift(1).fillna(out["reached"].iloc[0])
    return out


def second_reminder(
    reminders: pd.DataFrame,
    *,
    by: str = "variant",
    open_decay: float = 0.5,
) -> pd.DataFrame:
    """Project a second reminder sent only to those who did not open the first.

    Nobody who ignored the first reminder completed sign-up, so a second
    reminder can only help through new opens. Assumption: the second
    reminder is opened at ``open_decay`` times the first one's open rate,
    and an opener completes at the same rate as the first reminder's openers.

    Parameters
    ----------
    reminders : DataFrame
        One row per user: ``opened``, ``completed_signup`` (bool) and ``by``.
    by : str
        Grouping column (e.g. ``"variant"`` or ``"persona"``).
    open_decay : float
        In [0, 1]; an assumption, not data.

    Returns
    -------
    DataFrame
        One row per group: ``users``, ``completed`` (first reminder),
        ``not_opened``, ``open_rate``, ``complete_if_opened``,
        ``extra_completions`` (expected from the second reminder),
        ``completion_after_two`` and ``extra_per_1000_sends`` (extra sign-ups
        per 1,000 second reminders).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"variant": ["x"] * 4, "opened": [True, True, False, False],
    ...                   "completed_signup": [True, False, False, False]})
    >>> second_reminder(r)["extra_completions"].tolist()
    [0.25]
    """
    require_dataframe(reminders, "reminders")
    require_columns(reminders, [by, "opened", "completed_signup"], "reminders")
    require_no_missing(reminders, ["opened", "completed_signup"], "reminders")
    open_decay = require_number(open_decay, "open_decay", minimum=0, maximum=1, inclusive=True)
    g = reminders.groupby(by, observed=True, sort=True)
    out = pd.DataFrame({
        "users": g.size(),
        "completed": g["completed_signup"].sum().astype("int64"),
        "not_opened": (~reminders["opened"].astype(bool)).groupby(reminders[by], observed=True).sum(),
        "open_rate": g["opened"].mean(),
    })
    opened = g["opened"].sum()
    out["complete_if_opened"] = out["completed"] / opened.replace(0, np.nan)
    out["extra_completions"] = out["not_opened"] * out["open_rate"] * open_decay * out["complete_if_opened"]
    out["completion_after_two"] = (out["completed"] + out["extra_completions"]) / out["users"]
    out["extra_per_1000_sends"] = 1000 * out["extra_completions"] / out["not_opened"].replace(0, np.nan)
    return out.reset_index()


# --------------------------------------------------------------------------- the four tests in one picture


def _rate_columns(comparison: pd.DataFrame) -> tuple[str, str]:
    rates = [c for c in comparison.columns if str(c).startswith("rate_")]
    if len(rates) != 2:
        raise ValueError("comparison must come from course_lib.analysis.casework.compare_creatives "
                         "(two rate_<variant> columns).")
    return rates[0], rates[1]


def plot_tailored_vs_generic(
    comparison: pd.DataFrame,
    *,
    title: str = "Tailored vs generic",
    unit: str = "response rate",
    ax: Any = None,
) -> Any:
    """Bars of the control and treatment rates per segment, with the relative lift written on top.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`course_lib.analysis.casework.compare_creatives`.
    title, unit : str
        Chart title and y-axis label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import PercentFormatter  # noqa: PLC0415

    require_dataframe(comparison, "comparison")
    control, treatment = _rate_columns(comparison)
    require_columns(comparison, ["lift", "significant"], "comparison")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    pos = np.arange(len(comparison))
    ax.bar(pos - 0.2, comparison[control], width=0.4, color="#bdbdbd", label=control.removeprefix("rate_").replace("_", " "))
    ax.bar(pos + 0.2, comparison[treatment], width=0.4, color="#3182bd", label=treatment.removeprefix("rate_").replace("_", " "))
    for x, (top, lift_, sig) in enumerate(zip(comparison[[control, treatment]].max(axis=1), comparison["lift"],
                                              comparison["significant"], strict=True)):
        text = "n/a" if not np.isfinite(lift_) else f"{lift_:+.0%}{'' if sig else ' (n.s.)'}"
        ax.annotate(text, (x, top), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    ax.set_xticks(pos, [str(s).replace("_", " ") for s in comparison.index], rotation=0, fontsize=9)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_ylim(0, float(comparison[[control, treatment]].to_numpy().max()) * 1.25)
    ax.set_xlabel("micro-segment")
    ax.set_ylabel(unit)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=9)
    return ax


def plot_response_ratios(comparisons: Mapping[str, pd.DataFrame], *, ax: Any = None) -> Any:
    """One bar per case and segment: the tailored rate divided by the generic rate (log scale).

    A ratio of 2 means the tailored version got twice the generic one's
    response rate. Ratios are comparable across cases even when the rates
    are not (orders per email, subscriptions per impression...). Bars of
    segments whose difference is not significant are drawn pale.

    Parameters
    ----------
    comparisons : dict
        Case label -> comparison from :func:`course_lib.analysis.casework.compare_creatives`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When a generic rate is 0 (the ratio is undefined).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: PLC0415

    if not isinstance(comparisons, Mapping) or not comparisons:
        raise ValueError("comparisons must be a non-empty dict of case label -> comparison.")
    labels, ratios, colours, alphas = [], [], [], []
    palette = ["#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"]
    for i, (case, comp) in enumerate(comparisons.items()):
        require_dataframe(comp, f"comparisons[{case!r}]")
        control, treatment = _rate_columns(comp)
        if (comp[control] <= 0).any():
            raise ValueError(f"comparisons[{case!r}] has a generic rate of 0; the ratio is undefined there.")
        for seg, row in comp.iterrows():
            labels.append(f"{case}: {str(seg).replace('_', ' ')}")
            ratios.append(float(row[treatment] / row[control]))
            colours.append(palette[i % len(palette)])
            alphas.append(1.0 if bool(row["significant"]) else 0.35)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * len(labels) + 1.2))
    from matplotlib.colors import to_rgba  # noqa: PLC0415

    pos = np.arange(len(labels))[::-1]
    widths = np.asarray(ratios) - 1.0  # bars start at 1x: right = better, left = worse than generic
    ax.barh(pos, widths, left=1.0, color=[to_rgba(c, a) for c, a in zip(colours, alphas, strict=True)])
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", lw=1)
    low, high = min(min(ratios), 1.0), max(max(ratios), 1.0)
    ticks = [t for t in (0.25, 0.5, 1, 2, 4, 8, 16, 32) if low / 1.5 <= t <= high * 1.5]
    ax.set_xticks(ticks)
    ax.set_xlim(min(ticks[0], low / 1.2), max(ticks[-1], high * 1.2))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(pos, labels, fontsize=9)
    ax.set_xlabel("tailored rate / generic rate (log scale; 1x = no difference; pale = not significant)")
    ax.set_title("Tailored vs generic in the four cases, per segment")
    return ax


def short_case_explorer(comparisons: Mapping[str, tuple[pd.DataFrame, str]]) -> Any:
    """A case picker: choose a case and see its tailored-vs-generic result per segment.

    Parameters
    ----------
    comparisons : dict
        Case label -> (comparison from :func:`course_lib.analysis.casework.compare_creatives`,
        y-axis label).

    Returns
    -------
    ipywidgets.VBox
        A dropdown and an ``Output`` with a one-line summary and the chart (a
        cell showing it needs the ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if not isinstance(comparisons, Mapping) or not comparisons:
        raise ValueError("comparisons must be a non-empty dict of case label -> (comparison, unit).")
    for label, item in comparisons.items():
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], pd.DataFrame)):
            raise TypeError(f"comparisons[{label!r}] must be a (DataFrame, unit) pair.")
        _rate_columns(item[0])
    picker = widgets.Dropdown(options=list(comparisons), description="Case", style={"description_width": "initial"})
    out = widgets.Output()

    def redraw(*_: Any) -> None:
        comp, unit = comparisons[picker.value]
        best = comp["lift"].idxmax()
        with out:
            out.clear_output(wait=True)
            print(f"{picker.value}: biggest lift in {best} ({comp.loc[best, 'lift']:+.0%}); "
                  f"{int(comp['significant'].sum())} of {len(comp)} segments significant at 5%")
            plot_tailored_vs_generic(comp, title=f"{picker.value}: tailored vs generic", unit=unit)
            plt.tight_layout()
            plt.show()

    picker.observe(redraw, names="value")
    redraw()
    return widgets.VBox([picker, out])
