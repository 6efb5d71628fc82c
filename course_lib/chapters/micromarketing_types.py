"""The eight types of micromarketing, each as an audience built from the course data.

StudySmarter's *Micromarketing* lists eight types: loyalty-based, local,
relationship-based, job-title, industry, customer-based, customer recovery
and price-sensitivity micromarketing. Each answers "whom do we single out,
and why?" differently, and each needs different data. This module keeps the
description of the types as data (``data/content/types.yaml``, read by
:func:`load_types`) and builds one audience per type:

* :class:`TypesData` bundles the synthetic market (customers and
  transactions) and the small B2B case, and :meth:`TypesData.audience`
  returns a :class:`TypeAudience` (members, size, share of the base and of
  the value) for a type and its one setting (e.g. the radius for *local*);
* :meth:`TypesData.summary` sizes all eight types at their default settings,
  :meth:`TypesData.overlap` shows how the consumer types overlap;
* helpers for the data work behind single types: :func:`discount_profile`
  and :func:`price_sensitive_customers` (price sensitivity),
  :func:`standardise_titles` and :func:`title_roles` (job titles spelt in
  several ways), :func:`company_key` (duplicate company names) and
  :func:`phase_response` (B2B response by industry and campaign phase);
* :func:`plot_type_audience` and :func:`explore_types` draw an audience's
  profile against its base, the second as a small widget.

Examples
--------
>>> import pandas as pd
>>> from course_lib.chapters.micromarketing_types import price_sensitive_customers
>>> tx = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"] * 4,
...                    "discount_used": [True, True, True, False, False, False, False, True]})
>>> price_sensitive_customers(tx, min_share=0.5, min_purchases=4).index.tolist()
['a']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.cleaning import company_key, normalise_label, standardise_labels, standardise_titles, title_roles
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_no_missing,
    require_number,
    require_positive_int,
)

__all__ = [
    "TYPES_PATH",
    "TYPE_ORDER",
    "CONSUMER_TYPES",
    "load_types",
    "type_setting",
    "load_scenarios",
    "discount_profile",
    "price_sensitive_customers",
    "phase_response",
    "TypeAudience",
    "TypesData",
    "plot_type_audience",
    "explore_types",
]

#: Where the types are described.
TYPES_PATH: Path = paths.DATA_DIR / "content" / "types.yaml"
#: The eight types, in teaching order.
TYPE_ORDER: tuple[str, ...] = ("loyalty", "local", "relationship", "job_title", "industry", "customer_based",
                               "recovery", "price_sensitivity")
#: The types built on the consumer market (the others use the B2B case).
CONSUMER_TYPES: tuple[str, ...] = ("loyalty", "local", "relationship", "customer_based", "recovery",
                                   "price_sensitivity")
_FIELDS = ("name", "who", "data_needed", "typical_channel", "seed_example", "source", "approach", "course_data",
           "unit", "profile")
_UNITS = ("customers", "contacts", "accounts")


# --------------------------------------------------------------------------- content


@functools.lru_cache(maxsize=4)
def _content(path_str: str) -> dict[str, Any]:
    path = Path(path_str)
    if not path.is_file():
        raise FileNotFoundError(f"the types file {path} is missing (restore it from git).")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict):
        raise ValueError(f"{path.name} must hold a mapping 'types' (key: description).")
    types = data["types"]
    missing = [k for k in TYPE_ORDER if k not in types]
    if missing:
        raise ValueError(f"{path.name} lacks the type(s) {', '.join(missing)}; expected all of {', '.join(TYPE_ORDER)}.")
    for key in TYPE_ORDER:
        entry = types[key]
        if not isinstance(entry, dict):
            raise ValueError(f"{path.name}: type {key!r} must be a mapping.")
        bad = [f for f in _FIELDS if not isinstance(entry.get(f), str) or not entry[f].strip()]
        if bad:
            raise ValueError(f"{path.name}: type {key!r} lacks the text field(s) {', '.join(bad)}.")
        if entry["unit"] not in _UNITS:
            raise ValueError(f"{path.name}: type {key!r} has unit {entry['unit']!r}; expected one of {_UNITS}.")
        _check_setting(entry.get("setting"), f"{path.name}: type {key!r}")
    return data


def _check_setting(spec: Any, where: str) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
        raise ValueError(f"{where} needs a setting with a label.")
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            raise ValueError(f"{where}: setting choices must be a non-empty list of names.")
        return
    nums = [spec.get(k) for k in ("min", "max", "step", "default")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in nums):
        raise ValueError(f"{where}: a slider setting needs numbers min, max, step and default.")
    lo, hi, step, default = nums
    if not (lo <= default <= hi and step > 0):
        raise ValueError(f"{where}: setting needs min <= default <= max and step > 0, got {spec}.")


@functools.lru_cache(maxsize=1)
def _citations() -> dict[str, str]:
    data = yaml.safe_load((paths.DATA_DIR / "content" / "examples.yaml").read_text(encoding="utf-8"))
    return dict(data.get("sources", {}))


def load_types(path: str | Path | None = None) -> pd.DataFrame:
    """The eight types of micromarketing: who each selects, the data, a channel, an example.

    Parameters
    ----------
    path : path-like, optional
        Another types file (default ``data/content/types.yaml``).

    Returns
    -------
    DataFrame
        Indexed by ``type`` (the key, in :data:`TYPE_ORDER`) with ``name``,
        ``who``, ``data_needed``, ``typical_channel``, ``seed_example``,
        ``source`` (a citation), ``approach``, ``course_data``, ``unit`` and
        ``profile``. A new frame on every call.

    Raises
    ------
    FileNotFoundError, ValueError
        A missing file, a missing type or field, or an unknown source.

    Examples
    --------
    >>> types = load_types()
    >>> types.index.tolist()[:3]
    ['loyalty', 'local', 'relationship']
    >>> types.loc["recovery", "name"]
    'Customer recovery (win-back)'
    """
    data = _content(str(Path(path) if path is not None else TYPES_PATH))
    citations = _citations()
    rows = []
    for key in TYPE_ORDER:
        entry = data["types"][key]
        if entry["source"] not in citations:
            raise ValueError(f"type {key!r}: source {entry['source']!r} is not one of {', '.join(citations)}.")
        row = {f: " ".join(entry[f].split()) for f in _FIELDS}
        row["source"] = citations[entry["source"]]
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(list(TYPE_ORDER), name="type"))
    return table[list(_FIELDS)]


def type_setting(key: str, path: str | Path | None = None) -> dict[str, Any]:
    """The one setting the explorer offers for a type (a slider or a list of choices).

    Examples
    --------
    >>> type_setting("local")["default"]
    2.0
    >>> type_setting("industry")["choices"][0]
    'manufacturing'
    """
    key = _check_key(key)
    data = _content(str(Path(path) if path is not None else TYPES_PATH))
    return dict(data["types"][key]["setting"])


def load_scenarios(path: str | Path | None = None) -> pd.DataFrame:
    """Short business situations, each showing one type (for the matching exercise).

    Returns
    -------
    DataFrame
        Indexed by ``id`` with ``text``, ``answer`` (a type key),
        ``confusable`` (the type often picked instead) and ``why``.

    Examples
    --------
    >>> load_scenarios().loc["A", "answer"]
    'recovery'
    """
    data = _content(str(Path(path) if path is not None else TYPES_PATH))
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise ValueError("the types file must have a non-empty list 'scenarios'.")
    rows = []
    for i, s in enumerate(items):
        ok = isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("id", "text", "answer"))
        conf = s.get("confusable") if isinstance(s, dict) else None
        if not ok or not isinstance(conf, dict) or not isinstance(conf.get("type"), str):
            raise ValueError(f"scenario {i + 1} needs id, text, answer and confusable {{type, why}}.")
        for k in (s["answer"], conf["type"]):
            if k not in TYPE_ORDER:
                raise ValueError(f"scenario {s['id']!r} names the unknown type {k!r}.")
        rows.append({"id": s["id"], "text": " ".join(s["text"].split()), "answer": s["answer"],
                     "confusable": conf["type"], "why": " ".join(str(conf.get("why", "")).split())})
    table = pd.DataFrame(rows).set_index("id")
    if table.index.has_duplicates:
        raise ValueError(f"scenario id {table.index[table.index.duplicated()][0]!r} appears twice.")
    return table


def _check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"type must be a type key such as 'loyalty', got {type(key).__name__}.")
    if key not in TYPE_ORDER:
        raise ValueError(f"type must be one of {', '.join(map(repr, TYPE_ORDER))}; got {key!r}.")
    return key


# --------------------------------------------------------------------------- price sensitivity


def discount_profile(
    transactions: pd.DataFrame,
    customer: str = "customer_id",
    discount: str = "discount_used",
) -> pd.DataFrame:
    """Per customer: purchases, purchases with a discount, and the share bought on discount.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase with a True/False discount column.
    customer, discount : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by customer: ``purchases`` (int), ``discounted`` (int) and
        ``discount_share`` (0-1), sorted by customer.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "discount_used": [True, False, True]})
    >>> discount_profile(tx)["discount_share"].tolist()
    [0.5, 1.0]
    """
    require_dataframe(transactions, "transactions")
    require_columns(transactions, [customer, discount], "transactions")
    require_no_missing(transactions, [customer, discount], "transactions")
    flags = transactions[discount]
    if not pd.api.types.is_bool_dtype(flags):
        raise TypeError(f"column {discount!r} of transactions must be True/False, got dtype {flags.dtype}.")
    g = flags.astype(np.int64).groupby(transactions[customer], observed=True, sort=True)
    out = pd.DataFrame({"purchases": g.size().astype(np.int64), "discounted": g.sum().astype(np.int64)})
    out["discount_share"] = out["discounted"] / out["purchases"]
    out.index.name = customer
    return out


def price_sensitive_customers(
    transactions: pd.DataFrame,
    min_share: float = 0.5,
    min_purchases: int = 5,
    customer: str = "customer_id",
    discount: str = "discount_used",
) -> pd.DataFrame:
    """Customers who bought at least ``min_share`` of their purchases on discount.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    min_share : float
        Share of purchases with a discount (0-1, not a percentage).
    min_purchases : int
        Fewest purchases needed, so that two lucky coupons do not make a bargain hunter.
    customer, discount : str
        Column names.

    Returns
    -------
    DataFrame
        Rows of :func:`discount_profile` that qualify, highest share first.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "discount_used": [True, True, True]})
    >>> price_sensitive_customers(tx, min_purchases=2).index.tolist()
    ['a']
    """
    min_share = require_number(min_share, "min_share", minimum=0, maximum=1)
    min_purchases = require_positive_int(min_purchases, "min_purchases")
    prof = discount_profile(transactions, customer, discount)
    keep = (prof["discount_share"] >= min_share - 1e-12) & (prof["purchases"] >= min_purchases)
    return prof.loc[keep].sort_values("discount_share", ascending=False, kind="stable")


# --------------------------------------------------------------------------- B2B response


def phase_response(
    accounts: pd.DataFrame,
    engagement: pd.DataFrame,
    by: str = "industry",
    account: str = "account_id",
    phase: str = "phase",
) -> pd.DataFrame:
    """B2B response per group (e.g. industry) and campaign phase.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with ``account`` and ``by``.
    engagement : DataFrame
        One row per account and phase with ``emails_sent``, ``email_replies``,
        ``meeting_held``, ``deal_won`` and ``deal_value_lakh``.
    by : str
        The grouping column of ``accounts``.
    account, phase : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by (``by``, ``phase``): ``accounts``, ``reply_rate``
        (replies / emails sent), ``meeting_rate`` and ``win_rate`` (shares
        of accounts), ``deal_value_lakh`` (total won).

    Examples
    --------
    >>> import pandas as pd
    >>> acc = pd.DataFrame({"account_id": ["A", "B"], "industry": ["x", "y"]})
    >>> eng = pd.DataFrame({"account_id": ["A", "B"], "phase": ["p", "p"], "emails_sent": [4, 5],
    ...                     "email_replies": [1, 0], "meeting_held": [True, False], "deal_won": [True, False],
    ...                     "deal_value_lakh": [10.0, 0.0]})
    >>> phase_response(acc, eng)["win_rate"].tolist()
    [1.0, 0.0]
    """
    require_dataframe(accounts, "accounts")
    require_dataframe(engagement, "engagement")
    require_columns(accounts, [account, by], "accounts")
    needed = [account, phase, "emails_sent", "email_replies", "meeting_held", "deal_won", "deal_value_lakh"]
    require_columns(engagement, needed, "engagement")
    if accounts[account].duplicated().any():
        raise ValueError(f"accounts has duplicate {account!r} values; expected one row per account.")
    unknown = ~engagement[account].isin(accounts[account])
    if unknown.any():
        raise ValueError(f"engagement has {int(unknown.sum())} rows whose {account!r} is not in accounts "
                         "(drop the engagement of removed duplicates too).")
    merged = engagement[needed].reset_index(drop=True).merge(
        accounts[[account, by]].reset_index(drop=True), on=account, how="left", validate="many_to_one")
    g = merged.groupby([by, phase], observed=True, sort=True)
    out = pd.DataFrame({
        "accounts": g.size().astype(np.int64),
        "reply_rate": g["email_replies"].sum() / g["emails_sent"].sum().where(g["emails_sent"].sum() > 0),
        "meeting_rate": g["meeting_held"].mean(),
        "win_rate": g["deal_won"].mean(),
        "deal_value_lakh": g["deal_value_lakh"].sum(),
    })
    return out


# --------------------------------------------------------------------------- audiences


@dataclass
class TypeAudience:
    """The audience one type of micromarketing selects.

    Attributes
    ----------
    key, name : str
        The type's key and readable name.
    unit : str
        What is counted: ``customers``, ``contacts`` or ``accounts``.
    setting_label : str
        What the setting means (e.g. ``"radius (km)"``).
    setting : float or str
        The value used.
    members : DataFrame
        One row per member (indexed by id) with the columns behind the rule.
    base : DataFrame
        The whole base the audience is drawn from (indexed by id), with the
        profile column.
    profile : str
        Column of ``base`` the audience is described by.
    value_share : float or None
        Share of the base's value the members hold (past revenue for
        customers, won deal value for accounts); None when not defined.
    """

    key: str
    name: str
    unit: str
    setting_label: str
    setting: Any
    members: pd.DataFrame
    base: pd.DataFrame
    profile: str
    value_share: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def share(self) -> float:
        """Members as a share of the base (0-1)."""
        return len(self.members) / len(self.base) if len(self.base) else 0.0

    def describe(self) -> str:
        """One line: the type, its setting, the size and shares.

        Examples
        --------
        >>> import pandas as pd
        >>> base = pd.DataFrame({"p": ["x", "y"]}, index=["a", "b"])
        >>> TypeAudience("local", "Local", "customers", "radius (km)", 2.0, base.loc[["a"]], base, "p").describe()
        'Local (radius (km) = 2): 1 of 2 customers (50.0%)'
        """
        setting = f"{self.setting:g}" if isinstance(self.setting, (int, float)) else str(self.setting)
        text = (f"{self.name} ({self.setting_label} = {setting}): {self.size:,} of {len(self.base):,} "
                f"{self.unit} ({self.share:.1%})")
        if self.value_share is not None:
            text += f", {self.value_share:.1%} of the value"
        return text

    def profile_table(self) -> pd.DataFrame:
        """Share of the audience and of the base in each category of the profile column.

        Examples
        --------
        >>> import pandas as pd
        >>> base = pd.DataFrame({"p": ["x", "y", "y", "y"]}, index=list("abcd"))
        >>> aud = TypeAudience("local", "Local", "customers", "r", 1, base.loc[["a", "b"]], base, "p")
        >>> aud.profile_table()["audience"].tolist()
        [0.5, 0.5]
        """
        col = self.base[self.profile]
        ids = self.members.index
        base_share = col.value_counts(normalize=True, sort=False)
        aud_share = col[col.index.isin(ids)].value_counts(normalize=True, sort=False)
        out = pd.DataFrame({"audience": aud_share, "base": base_share}).fillna(0.0)
        if not isinstance(col.dtype, pd.CategoricalDtype) or not col.cat.ordered:
            out = out.sort_values("base", ascending=False, kind="stable")
        out.index.name = self.profile
        return out


class TypesData:
    """The course data behind the eight types, with one audience builder per type.

    Parameters
    ----------
    customers : DataFrame
        :func:`course_lib.market.datasets.load_customers`.
    transactions : DataFrame
        :func:`course_lib.market.datasets.load_transactions`.
    b2b : mapping of DataFrames
        :func:`course_lib.market.datasets.load_case` ``("b2b")`` (accounts,
        contacts, engagement). Duplicate companies are removed (with their
        contacts and engagement) and job titles standardised.
    store : str
        Store id (see :func:`course_lib.analysis.targeting.stores`) for *local*.
    as_of : date-like, optional
        Observation date for RFM (default: the last purchase day).

    Examples
    --------
    >>> from course_lib.market.datasets import load_case, load_customers, load_transactions  # doctest: +SKIP
    >>> data = TypesData(load_customers(), load_transactions(), load_case("b2b"))  # doctest: +SKIP
    >>> data.audience("local", 2.0).describe()  # doctest: +SKIP
    """

    def __init__(self, customers: pd.DataFrame, transactions: pd.DataFrame, b2b: Mapping[str, pd.DataFrame],
                 store: str = "S-SIT", as_of: Any = None) -> None:
        require_dataframe(customers, "customers")
        require_columns(customers, ["customer_id", "lat", "lon", "interest_cooking", "family_status"], "customers")
        require_dataframe(transactions, "transactions")
        require_columns(transactions, ["customer_id", "date", "amount", "category", "discount_used"], "transactions")
        if not isinstance(b2b, Mapping) or not all(k in b2b for k in ("accounts", "contacts", "engagement")):
            raise TypeError("b2b must be the b2b case (load_case('b2b')) with accounts, contacts and engagement.")
        from course_lib.analysis.targeting import stores  # noqa: PLC0415

        shops = stores().set_index("store_id")
        if store not in shops.index:
            raise ValueError(f"store must be one of {', '.join(map(repr, shops.index))}; got {store!r}.")
        self.customers = customers.set_index("customer_id", drop=False).rename_axis(None)
        self.transactions = transactions
        self.store = shops.loc[store]
        self.as_of = as_of
        self._b2b = b2b
        self._cache: dict[Any, Any] = {}

    # ---- derived tables (computed once) ----
    def _get(self, name: str, make: Any) -> Any:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    @property
    def rfm(self) -> pd.DataFrame:
        """Standard RFM table of the transactions (see :func:`course_lib.analysis.rfm.rfm_table`)."""
        from course_lib.analysis.rfm import rfm_table  # noqa: PLC0415

        def make() -> pd.DataFrame:
            codes, ids = self._coded
            table = rfm_table(codes, as_of=self.as_of)  # integer keys: much faster than text ids
            table.index = pd.Index(ids[table.index.to_numpy()], name="customer_id")
            return table
        return self._get("rfm", make)

    @property
    def _coded(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The transactions with integer customer codes, and the ids the codes stand for (sorted)."""
        def make() -> tuple[pd.DataFrame, np.ndarray]:
            tx = self.transactions
            codes, ids = pd.factorize(tx["customer_id"], sort=True)
            coded = pd.DataFrame({"customer_id": codes, "date": tx["date"].to_numpy(),
                                  "amount": tx["amount"].to_numpy(), "category": tx["category"].to_numpy(),
                                  "discount_used": tx["discount_used"].to_numpy(dtype=bool)})
            return coded, np.asarray(ids, dtype=object)
        return self._get("coded", make)

    @property
    def revenue(self) -> pd.Series:
        """Past revenue per customer (0 for customers without purchases), aligned with ``customers``."""
        return self._get("revenue", lambda: self.rfm["monetary"].reindex(self.customers.index, fill_value=0.0))

    @property
    def distance_km(self) -> pd.Series:
        """Distance of each customer's home to the store, km."""
        from course_lib.analysis.geo import haversine_km  # noqa: PLC0415

        return self._get("distance", lambda: pd.Series(
            haversine_km(self.customers["lat"].to_numpy(), self.customers["lon"].to_numpy(),
                         float(self.store["lat"]), float(self.store["lon"])),
            index=self.customers.index, name="distance_km"))

    @property
    def discounts(self) -> pd.DataFrame:
        """:func:`discount_profile` of the transactions."""
        def make() -> pd.DataFrame:
            codes, ids = self._coded
            table = discount_profile(codes)
            table.index = pd.Index(ids[table.index.to_numpy()], name="customer_id")
            return table
        return self._get("discounts", make)

    def _grocery_counts(self) -> pd.Series:
        tx, ids = self._coded
        end = pd.Timestamp(self.as_of) if self.as_of is not None else tx["date"].max()
        keep = (tx["category"] == "groceries") & (tx["date"] > end - pd.Timedelta(days=365)) & (tx["date"] <= end)
        counts = pd.Series(np.bincount(tx.loc[keep, "customer_id"], minlength=len(ids)), index=ids)
        return counts.reindex(self.customers.index, fill_value=0).rename("grocery_purchases")

    @property
    def accounts(self) -> pd.DataFrame:
        """B2B accounts with duplicate companies removed (first spelling kept), indexed by account_id."""
        def make() -> pd.DataFrame:
            acc = self._b2b["accounts"]
            keep = ~company_key(acc["company"]).duplicated()
            return acc[keep.to_numpy()].set_index("account_id", drop=False).rename_axis(None)
        return self._get("accounts", make)

    @property
    def engagement(self) -> pd.DataFrame:
        """B2B engagement of the kept accounts."""
        return self._get("engagement", lambda: self._b2b["engagement"][
            self._b2b["engagement"]["account_id"].isin(self.accounts.index)].reset_index(drop=True))

    @property
    def contacts(self) -> pd.DataFrame:
        """B2B contacts of the kept accounts, with ``title`` (standardised), ``role`` and ``industry``."""
        def make() -> pd.DataFrame:
            con = self._b2b["contacts"]
            con = con[con["account_id"].isin(self.accounts.index)]
            con = con.assign(title=standardise_titles(con["job_title"]), role=title_roles(con["job_title"]),
                             industry=con["account_id"].map(self.accounts["industry"]).astype(str))
            return con.set_index("contact_id", drop=False).rename_axis(None)
        return self._get("contacts", make)

    # ---- one audience per type ----
    def _setting(self, key: str, value: Any) -> Any:
        spec = type_setting(key)
        if value is None:
            return spec["choices"][0] if "choices" in spec else spec["default"]
        if "choices" in spec:
            if value not in spec["choices"]:
                raise ValueError(f"the setting of {key!r} ({spec['label']}) must be one of "
                                 f"{', '.join(map(repr, spec['choices']))}; got {value!r}.")
            return value
        return require_number(value, f"the setting of {key!r} ({spec['label']})", minimum=spec["min"],
                              maximum=spec["max"])

    def audience(self, key: str, setting: Any = None) -> TypeAudience:
        """The audience of one type at one setting (default: the setting in ``types.yaml``).

        Parameters
        ----------
        key : str
            A type key from :data:`TYPE_ORDER`.
        setting : number or str, optional
            The type's one knob (see :func:`type_setting`): min purchases
            (loyalty), radius in km (local), bought within N days
            (relationship), a role (job title), an industry, min grocery
            purchases (customer-based), lapsed after N days (recovery), min
            share bought on discount (price sensitivity).

        Returns
        -------
        TypeAudience
        """
        key = _check_key(key)
        value = self._setting(key, setting)
        cached = self._cache.get(("audience", key, value))
        if cached is None:
            cached = self._cache[("audience", key, value)] = self._build(key, value)
        return cached

    def _build(self, key: str, value: Any) -> TypeAudience:
        from course_lib.analysis.rfm import lapsed_customers, loyal_customers, relationship_customers  # noqa: PLC0415

        info = load_types().loc[key]
        spec = type_setting(key)
        cust = self.customers
        if key == "loyalty":
            members = loyal_customers(self.rfm, min_frequency=int(value), max_recency=90)
        elif key == "local":
            dist = self.distance_km
            members = dist[dist <= value].sort_values(kind="stable").to_frame()
        elif key == "relationship":
            members = relationship_customers(self.rfm, max_frequency=2, max_recency=value)
        elif key == "customer_based":
            groc = self._grocery_counts()
            families = cust["family_status"].isin(["married_with_kids", "joint_family"]).to_numpy()
            mask = cust["interest_cooking"].to_numpy(dtype=bool) & families & (groc >= value).to_numpy()
            members = groc[mask].to_frame()
        elif key == "recovery":
            members = lapsed_customers(self.rfm, min_recency=value, min_frequency=2)
        elif key == "price_sensitivity":
            prof = self.discounts
            keep = (prof["discount_share"] >= value - 1e-12) & (prof["purchases"] >= 5)
            members = prof.loc[keep].sort_values("discount_share", ascending=False, kind="stable")
        elif key == "job_title":
            con = self.contacts
            mask = (con["role"] == value) & con["email_opt_in"].astype(bool)
            members = con.loc[mask, ["job_title", "title", "industry", "is_decision_maker"]]
            return TypeAudience(key, info["name"], info["unit"], spec["label"], value, members, con, info["profile"],
                                None)
        else:  # industry
            acc = self.accounts
            members = acc.loc[acc["industry"] == value, ["company", "industry", "tier", "pain_point"]]
            won = self.engagement.groupby("account_id")["deal_value_lakh"].sum()
            total = float(won.sum())
            share = float(won.reindex(members.index, fill_value=0.0).sum()) / total if total > 0 else None
            return TypeAudience(key, info["name"], info["unit"], spec["label"], value, members, acc, info["profile"],
                                share)
        total = float(self.revenue.sum())
        share = float(self.revenue.reindex(members.index, fill_value=0.0).sum()) / total if total > 0 else None
        return TypeAudience(key, info["name"], info["unit"], spec["label"], value, members, cust, info["profile"],
                            share)

    def summary(self) -> pd.DataFrame:
        """All eight types at their default settings: size, base and shares.

        Returns
        -------
        DataFrame
            Indexed by type key: ``name``, ``setting``, ``audience``,
            ``unit``, ``base``, ``share_of_base`` and ``share_of_value``.
        """
        rows = []
        for key in TYPE_ORDER:
            a = self.audience(key)
            setting = f"{a.setting_label} = {a.setting:g}" if isinstance(a.setting, (int, float)) else \
                f"{a.setting_label} = {a.setting}"
            rows.append({"name": a.name, "setting": setting, "audience": a.size, "unit": a.unit,
                         "base": len(a.base), "share_of_base": a.share,
                         "share_of_value": np.nan if a.value_share is None else a.value_share})
        return pd.DataFrame(rows, index=pd.Index(list(TYPE_ORDER), name="type"))

    def overlap(self, keys: Sequence[str] = CONSUMER_TYPES) -> pd.DataFrame:
        """How the consumer types overlap: the share of each row's audience that is also in the column's.

        Returns
        -------
        DataFrame
            Square, indexed and labelled by type key; the diagonal is 1
            (0 for an empty audience).
        """
        if isinstance(keys, str) or not all(k in CONSUMER_TYPES for k in keys):
            raise ValueError(f"keys must be consumer types among {', '.join(CONSUMER_TYPES)}.")
        sets = {k: set(self.audience(k).members.index) for k in keys}
        out = pd.DataFrame(0.0, index=pd.Index(list(keys), name="type"), columns=list(keys))
        for r in keys:
            for c in keys:
                out.loc[r, c] = len(sets[r] & sets[c]) / len(sets[r]) if sets[r] else 0.0
        return out


# --------------------------------------------------------------------------- charts


def plot_type_audience(audience: TypeAudience, ax: Any = None, title: str | None = None) -> Any:
    """Horizontal bars: the audience's profile against its base.

    Parameters
    ----------
    audience : TypeAudience
        From :meth:`TypesData.audience`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Chart title (default: :meth:`TypeAudience.describe`).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"p": ["x", "y", "y"]}, index=list("abc"))
    >>> aud = TypeAudience("local", "Local", "customers", "r", 1, base.loc[["a"]], base, "p")
    >>> plot_type_audience(aud).get_xlabel()
    'share within the group'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    if not isinstance(audience, TypeAudience):
        raise TypeError(f"audience must be a TypeAudience (from TypesData.audience), got {type(audience).__name__}.")
    table = audience.profile_table()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.42 * len(table) + 1.6))
    y = np.arange(len(table))
    h = 0.4
    ax.barh(y - h / 2, table["audience"], height=h, color="#08519c", label=f"audience ({audience.size:,})")
    ax.barh(y + h / 2, table["base"], height=h, color="#bdbdbd", label=f"all {audience.unit} ({len(audience.base):,})")
    ax.set_yticks(y, labels=[str(i) for i in table.index])
    ax.invert_yaxis()
    top = float(table.to_numpy().max()) if len(table) else 1.0
    ax.set_xlim(0, max(top * 1.1, 0.05))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.set_xlabel("share within the group")
    ax.set_ylabel(audience.profile)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or audience.describe(), fontsize=10)
    return ax


def explore_types(data: TypesData, key: str = "loyalty") -> Any:
    """A small widget: pick a type and its setting, see the audience, its size and its profile.

    Parameters
    ----------
    data : TypesData
        The course data.
    key : str
        The type shown first.

    Returns
    -------
    ipywidgets.VBox
        Controls on top; the description, the first members and the chart
        are drawn into an ``Output`` widget (so the notebook cell should
        carry the ``nbval-ignore-output`` tag).
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    if not isinstance(data, TypesData):
        raise TypeError(f"data must be a TypesData, got {type(data).__name__}.")
    key = _check_key(key)
    names = load_types()["name"]
    kind = widgets.Dropdown(options=[(names[k], k) for k in TYPE_ORDER], value=key, description="type")
    holder = widgets.HBox()
    out = widgets.Output()

    def control(k: str) -> Any:
        spec = type_setting(k)
        style = {"description_width": "initial"}
        if "choices" in spec:
            return widgets.Dropdown(options=spec["choices"], description=spec["label"], style=style)
        if all(float(spec[f]).is_integer() for f in ("min", "max", "step", "default")):
            return widgets.IntSlider(value=int(spec["default"]), min=int(spec["min"]), max=int(spec["max"]),
                                     step=int(spec["step"]), description=spec["label"], style=style,
                                     continuous_update=False)
        return widgets.FloatSlider(value=spec["default"], min=spec["min"], max=spec["max"], step=spec["step"],
                                   description=spec["label"], style=style, continuous_update=False)

    def redraw(*_: Any) -> None:
        setting = holder.children[0].value
        aud = data.audience(kind.value, setting)
        with out:
            out.clear_output(wait=True)
            display(aud.members.head())
            plot_type_audience(aud)
            plt.show()

    def new_type(*_: Any) -> None:
        ctl = control(kind.value)
        ctl.observe(redraw, names="value")
        holder.children = (ctl,)
        redraw()

    kind.observe(new_type, names="value")
    new_type()
    return widgets.VBox([widgets.HBox([kind, holder]), out])
