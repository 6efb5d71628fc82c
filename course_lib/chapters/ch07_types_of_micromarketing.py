"""Chapter 07 (types of micromarketing): the eight types as content, their explorer, and the workbook's answers.

The notebook builds each type's audience as a plain True/False mask;
:func:`type_audience` builds the same masks for any setting, for the
explorer (:func:`explore_types`). The workbook's checks are declared in
``data/exercises/07-types-of-micromarketing.yaml``.

Examples
--------
>>> load_types().loc["recovery", "name"]
'Customer recovery (win-back)'
>>> type_setting("local")["default"]
2.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_lib.analysis.cleaning import company_key, standardise_titles, title_roles
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_number
from course_lib.learning.exercises import Mismatch

__all__ = ["TYPE_ORDER", "load_types", "type_setting", "load_scenarios", "course_tables", "type_audience",
           "plot_profile", "explore_types", "answers", "wrong_answers", "check_scenarios"]

#: The eight types, in teaching order.
TYPE_ORDER: tuple[str, ...] = ("loyalty", "local", "relationship", "job_title", "industry", "customer_based",
                               "recovery", "price_sensitivity")
_FIELDS = ["name", "who", "data_needed", "typical_channel", "seed_example", "source", "approach", "course_data",
           "unit", "profile"]


def _types() -> dict[str, Any]:
    types = read_yaml(content_path("types"), what="types").get("types")
    missing = [k for k in TYPE_ORDER if not isinstance(types, dict) or k not in types]
    if missing:
        raise ValueError(f"types.yaml lacks the type(s) {', '.join(missing)}.")
    return types


def _check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"key must be a type key such as 'loyalty', got {type(key).__name__}.")
    if key not in TYPE_ORDER:
        raise ValueError(f"key must be one of {', '.join(map(repr, TYPE_ORDER))}; got {key!r}.")
    return key


def load_types() -> pd.DataFrame:
    """The eight types indexed by ``type``: who each selects, the data, a channel, a cited example, the unit counted.

    Examples
    --------
    >>> load_types().index.tolist()[:3]
    ['loyalty', 'local', 'relationship']
    """
    citations = read_yaml(content_path("examples"), what="examples")["sources"]
    types = _types()
    rows = {key: {f: " ".join(str(types[key].get(f, "")).split()) for f in _FIELDS} for key in TYPE_ORDER}
    for key, row in rows.items():
        if row["source"] not in citations:
            raise ValueError(f"types.yaml, type {key!r}: source {row['source']!r} is not one of {', '.join(citations)}.")
        row["source"] = citations[row["source"]]
    return pd.DataFrame.from_dict(rows, orient="index")[_FIELDS].rename_axis("type")


def type_setting(key: str) -> dict[str, Any]:
    """The one setting the explorer offers for a type: a slider (min, max, step, default) or a list of choices.

    Examples
    --------
    >>> type_setting("industry")["choices"][0]
    'manufacturing'
    """
    return dict(_types()[_check_key(key)]["setting"])


def load_scenarios() -> pd.DataFrame:
    """The workbook's short business situations, indexed by ``id``: ``text``, ``answer``, ``confusable``, ``why``.

    Examples
    --------
    >>> load_scenarios().loc["A", "answer"]
    'recovery'
    """
    items = read_yaml(content_path("types"), what="types").get("scenarios") or []
    rows = [{"id": s["id"], "text": " ".join(s["text"].split()), "answer": s["answer"],
             "confusable": s["confusable"]["type"], "why": " ".join(s["confusable"]["why"].split())} for s in items]
    table = pd.DataFrame(rows, columns=["id", "text", "answer", "confusable", "why"]).set_index("id")
    unknown = sorted(set(table["answer"]).union(table["confusable"]) - set(TYPE_ORDER))
    if table.empty or unknown:
        raise ValueError(f"types.yaml needs scenarios naming known types; unknown: {unknown}.")
    return table


def course_tables(customers: pd.DataFrame, transactions: pd.DataFrame, b2b: Mapping[str, pd.DataFrame],
                  store: str = "S-SIT") -> dict[str, pd.DataFrame]:
    """The tables the types select from, with the columns their rules use (as the notebook builds them).

    ``customers`` (indexed by id) gains ``recency``, ``frequency``,
    ``monetary``, ``km_to_store``, ``grocery_purchases`` (last 365 days),
    ``purchases`` and ``discount_share``; the B2B ``accounts`` lose their
    duplicate companies (with their ``contacts`` and ``engagement``) and gain
    ``won_lakh``; ``contacts`` gain ``title``, ``role`` and ``industry``.
    """
    from course_lib.analysis.geo import haversine_km  # noqa: PLC0415
    from course_lib.analysis.rfm import rfm_table  # noqa: PLC0415
    from course_lib.analysis.targeting import stores  # noqa: PLC0415

    require_columns(customers, ["customer_id", "lat", "lon", "interest_cooking", "family_status"], "customers")
    require_columns(transactions, ["customer_id", "date", "amount", "category", "discount_used"], "transactions")
    if not isinstance(b2b, Mapping) or not all(k in b2b for k in ("accounts", "contacts", "engagement")):
        raise TypeError("b2b must be the b2b case (load_case('b2b')) with accounts, contacts and engagement.")
    shops = stores().set_index("store_id")
    if store not in shops.index:
        raise ValueError(f"store must be one of {', '.join(map(repr, shops.index))}; got {store!r}.")
    people = customers.set_index("customer_id").join(rfm_table(transactions))
    people["frequency"] = people["frequency"].fillna(0).astype(int)
    people["monetary"] = people["monetary"].fillna(0.0)
    people["km_to_store"] = haversine_km(people["lat"], people["lon"], shops.loc[store, "lat"], shops.loc[store, "lon"])
    end = transactions["date"].max()
    groceries = transactions[(transactions["category"] == "groceries") & (transactions["date"] > end - pd.Timedelta(days=365))]
    people["grocery_purchases"] = groceries["customer_id"].value_counts().reindex(people.index, fill_value=0)
    per_customer = transactions.groupby("customer_id")["discount_used"].agg(["size", "mean"])
    people["purchases"] = per_customer["size"].reindex(people.index, fill_value=0)
    people["discount_share"] = per_customer["mean"].reindex(people.index)
    accounts = b2b["accounts"][~company_key(b2b["accounts"]["company"]).duplicated()]
    engagement = b2b["engagement"][b2b["engagement"]["account_id"].isin(accounts["account_id"])]
    won = engagement.groupby("account_id")["deal_value_lakh"].sum()
    accounts = accounts.assign(won_lakh=accounts["account_id"].map(won).fillna(0.0))
    contacts = b2b["contacts"][b2b["contacts"]["account_id"].isin(accounts["account_id"])]
    contacts = contacts.assign(title=standardise_titles(contacts["job_title"]), role=title_roles(contacts["job_title"]),
                               industry=contacts["account_id"].map(accounts.set_index("account_id")["industry"]))
    return {"customers": people, "contacts": contacts, "accounts": accounts, "engagement": engagement}


def type_audience(tables: Mapping[str, pd.DataFrame], key: str, setting: Any = None) -> pd.Series:
    """True/False per row of the type's base (customers, contacts or accounts) at one setting (default: types.yaml's).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"frequency": [25, 3], "recency": [10, 10]})
    >>> type_audience({"customers": people}, "loyalty").tolist()
    [True, False]
    """
    spec = type_setting(key)
    if setting is None:
        setting = spec["choices"][0] if "choices" in spec else spec["default"]
    elif "choices" in spec and setting not in spec["choices"]:
        raise ValueError(f"setting of {key!r} ({spec['label']}) must be one of {', '.join(map(repr, spec['choices']))}; "
                         f"got {setting!r}.")
    elif "choices" not in spec:
        setting = require_number(setting, f"setting of {key!r} ({spec['label']})", minimum=spec["min"],
                                 maximum=spec["max"])
    if not isinstance(tables, Mapping):
        raise TypeError("tables must be the dict from course_tables(...).")
    people, contacts, accounts = tables.get("customers"), tables.get("contacts"), tables.get("accounts")
    if key == "loyalty":
        return (people["frequency"] >= setting) & (people["recency"] <= 90)
    if key == "local":
        return people["km_to_store"] <= setting
    if key == "relationship":
        return (people["frequency"] <= 2) & (people["recency"] <= setting)
    if key == "job_title":
        return (contacts["role"] == setting) & contacts["email_opt_in"]
    if key == "industry":
        return accounts["industry"] == setting
    if key == "customer_based":
        families = people["family_status"].isin(["married_with_kids", "joint_family"])
        return people["interest_cooking"] & families & (people["grocery_purchases"] >= setting)
    if key == "recovery":
        return (people["recency"] >= setting) & (people["frequency"] >= 2)
    return (people["discount_share"] >= setting - 1e-12) & (people["purchases"] >= 5)


def plot_profile(in_audience: pd.Series, profile: pd.Series, ax: Any = None, title: str | None = None) -> Any:
    """Bars: the share of the audience and of everyone in each category of ``profile`` (on ``ax`` if given).

    Examples
    --------
    >>> import pandas as pd
    >>> plot_profile(pd.Series([True, False, False]), pd.Series(["x", "y", "y"])).get_xlabel()
    'share within the group (%)'
    """
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    if not isinstance(in_audience, pd.Series) or not isinstance(profile, pd.Series) or len(in_audience) != len(profile):
        raise TypeError("in_audience and profile must be Series of the same length (one value per row of the base).")
    table = pd.DataFrame({"audience": profile[in_audience.to_numpy()].value_counts(normalize=True, sort=False),
                          "everyone": profile.value_counts(normalize=True, sort=False)}).fillna(0.0)
    if not isinstance(profile.dtype, pd.CategoricalDtype) or not profile.cat.ordered:
        table = table.sort_values("everyone", kind="stable")
    else:
        table = table.iloc[::-1]
    if ax is None:
        import matplotlib.pyplot as plt  # noqa: PLC0415

        _, ax = plt.subplots(figsize=(8, 0.42 * len(table) + 1.6), layout="constrained")
    table.plot.barh(ax=ax, color=["#08519c", "#bdbdbd"], width=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set(xlabel="share within the group (%)", ylabel=str(profile.name).replace("_", " "), title=title)
    ax.tick_params(labelsize=10)
    ax.legend([f"audience ({int(in_audience.sum()):,})", f"everyone ({len(profile):,})"], loc="lower right", fontsize=10)
    return ax


def _setting_options(spec: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) pairs for the explorer's one setting: the choices, or every step of the slider."""
    if "choices" in spec:
        return [(str(c).replace("_", " "), c) for c in spec["choices"]]
    lo, hi, step = (float(spec[f]) for f in ("min", "max", "step"))
    whole = all(float(spec[f]).is_integer() for f in ("min", "max", "step", "default"))
    values = [lo + i * step for i in range(int(round((hi - lo) / step)) + 1)]
    return [(f"{v:g}", int(v) if whole else round(v, 4)) for v in values]


def explore_types(tables: Mapping[str, pd.DataFrame], key: str = "loyalty") -> Any:
    """An :class:`~course_lib.learning.explorer.Explorer`: pick a type and move its one setting; size and profile.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"frequency": [25, 3], "recency": [10, 10], "income_band": ["a", "b"]})
    >>> ex = explore_types({"customers": people})
    >>> ex.result
    '**Loyalty-based** (min purchases = 20): 1 of 2 customers (50.0%).'
    >>> ex.set(setting=3).result
    '**Loyalty-based** (min purchases = 3): 2 of 2 customers (100.0%).'
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    types = load_types()
    wide, style = widgets.Layout(width="520px"), {"description_width": "initial"}
    kind = widgets.Dropdown(options=[(types.loc[k, "name"], k) for k in TYPE_ORDER], value=_check_key(key),
                            description="type", layout=wide, style=style)
    setting = widgets.SelectionSlider(options=_setting_options(type_setting(kind.value)), continuous_update=False,
                                      layout=wide, style=style)

    def fit_setting(k: str) -> None:  # the setting's range and label follow the type
        spec = type_setting(k)
        options = _setting_options(spec)
        setting.options = options
        values = [v for _, v in options]
        setting.value = spec["choices"][0] if "choices" in spec else min(
            values, key=lambda v: abs(float(v) - float(spec["default"])))
        setting.description = spec["label"]

    fit_setting(kind.value)
    kind.observe(lambda change: fit_setting(change["new"]), names="value")  # before the explorer's own observer

    def draw(fig: Any, kind: str, setting: Any) -> str:
        info, spec = types.loc[kind], type_setting(kind)
        mask = type_audience(tables, kind, setting)
        label = f"{spec['label']} = {str(setting).replace('_', ' ')}"
        plot_profile(mask, tables[info["unit"]][info["profile"]], ax=fig.subplots(), title=f"{info['name']} ({label})")
        return (f"**{info['name']}** ({label}): {int(mask.sum()):,} of {len(mask):,} {info['unit']} "
                f"({mask.mean():.1%}).")

    return Explorer({"kind": kind, "setting": setting}, draw, title="Types of micromarketing explorer",
                    figsize=(8.0, 4.2))


# --------------------------------------------------------------------------- workbook answers


def _per_customer() -> pd.DataFrame:
    from course_lib.market.datasets import load_transactions  # noqa: PLC0415

    tx = load_transactions()
    g = tx.assign(disc_amount=tx["amount"].where(tx["discount_used"], 0.0)).groupby("customer_id", observed=True)
    out = pd.DataFrame({"n": g.size(), "disc": g["discount_used"].sum(), "amount": g["amount"].sum(),
                        "disc_amount": g["disc_amount"].sum()})
    return out.assign(share=out["disc"] / out["n"])


def _contacts() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    from course_lib.market.datasets import load_case  # noqa: PLC0415

    con = load_case("b2b").contacts
    return con, standardise_titles(con["job_title"].astype(str)), con["email_opt_in"].astype(bool)


def answers(min_purchases: int, min_share: float, ops_titles: list[str]) -> dict[str, Any]:
    """The right answers (``n_price_sensitive``, ``n_ops_contacts``, ``scenarios``) and the facts the messages quote."""
    pc = _per_customer()
    n_price = int(((pc["share"] >= min_share) & (pc["n"] >= min_purchases)).sum())
    con, titles, opted = _contacts()
    ops = titles.isin(ops_titles)
    return {"n_price_sensitive": n_price, "price_sensitive_share": n_price / len(pc),
            "n_ops_contacts": int((ops & opted).sum()), "ops_not_opted": int((ops & ~opted).sum()),
            "scenarios": load_scenarios()}


def wrong_answers(min_purchases: int, min_share: float, ops_titles: list[str]) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    pc = _per_customer()
    enough = pc["n"] >= min_purchases
    con, titles, opted = _contacts()
    exact, ops = con["job_title"].astype(str).isin(ops_titles), titles.isin(ops_titles)
    return {
        "no_minimum": int((pc["share"] >= min_share).sum()),
        "more_than_half": int(((pc["share"] > min_share) & enough).sum()),
        "more_than_minimum": int(((pc["share"] >= min_share) & (pc["n"] > min_purchases)).sum()),
        "rupee_share": int(((pc["disc_amount"] / pc["amount"] >= min_share) & enough).sum()),
        "discounted_purchases": int(pc["disc"].sum()), "min_discounted": int((pc["disc"] >= min_purchases).sum()),
        "exact_spelling": int((exact & opted).sum()), "not_opted_in": int(ops.sum()), "exact_any": int(exact.sum()),
        "coo_only": int(((titles == ops_titles[0]) & opted).sum()),
        "vp_only": int(((titles == ops_titles[1]) & opted).sum()),
        "companies": int(con.loc[ops & opted, "account_id"].nunique()),
    }


def _type_lookup() -> dict[str, str]:
    lookup = {"win-back": "recovery", "win back": "recovery"}
    for key, name in load_types()["name"].items():
        for text in (key, key.replace("_", " "), key.replace("_", "-"), name, name.split(" (")[0]):
            lookup[text.strip().casefold()] = key
    return lookup


def check_scenarios(value: Any, right: Mapping[str, Any]) -> None:
    """q3: ``scenario_types`` maps each situation to its type (keys or names); explains a confusable pick."""
    table = right["scenarios"]
    if value is None:
        raise Mismatch("`scenario_types` is None. Did you forget to assign the dict?")
    if not isinstance(value, dict):
        raise Mismatch(f"`scenario_types` should be a dict such as {{'A': 'loyalty', ...}}, but it is a "
                       f"{type(value).__name__}.")
    keys = {str(k).strip().upper(): v for k, v in value.items()}
    missing = [s for s in table.index if s not in keys]
    if missing:
        raise Mismatch(f"`scenario_types` has no answer for situation(s) {', '.join(missing)}.")
    extra = [k for k in keys if k not in table.index]
    if extra:
        raise Mismatch(f"`scenario_types` has unknown situation(s) {', '.join(extra)}; use {', '.join(table.index)}.")
    lookup, wrong = _type_lookup(), []
    for sid, row in table.iterrows():
        given = keys[sid]
        key = lookup.get(given.strip().casefold()) if isinstance(given, str) else None
        if key is None:
            raise Mismatch(f"situation {sid}: {given!r} is not a type. Use one of: {', '.join(sorted(set(lookup.values())))}.")
        if key != row["answer"]:
            wrong.append((sid, key, row))
    if wrong:
        sid, key, row = wrong[0]
        more = f" ({len(wrong)} situations are not right yet.)" if len(wrong) > 1 else ""
        if key == row["confusable"]:
            raise Mismatch(f"situation {sid} is not {key}: {row['why']}{more}")
        raise Mismatch(f"situation {sid} is not {key}. Ask: *why* was this audience chosen?{more}")
