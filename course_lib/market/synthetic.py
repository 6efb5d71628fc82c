"""A synthetic Indian city market simulated from latent customer segments.

Each customer's hidden segment sets the odds of their demographics, location, interests,
purchases, price sensitivity and campaign response. The segment is not a column of the
student-facing customers table; it is kept in ``Market.latent`` (``data/instructor/``)
for instructors and :mod:`course_lib.market.simulator`. Segments and vocabularies come
from ``data/market/segments.yaml``; the city, channels, creatives and campaign plans
from ``data/market/market.yaml``.

>>> m = generate_market(n_customers=500, seed=1)
>>> m.customers.shape[0], sorted(m.latent.columns)
(500, ['customer_id', 'latent_segment', 'responsiveness'])
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from course_lib.base.content import read_yaml
from course_lib.base.paths import DATA_DIR
from course_lib.base.validation import require_choice, require_positive_int

__all__ = [
    "SEGMENTS", "SEGMENT_NAMES", "CATEGORIES", "INCOME_BANDS", "EDUCATION_LEVELS", "INTERESTS", "LIFE_EVENTS",
    "PREFERRED_CHANNELS", "TRANSACTION_CHANNELS", "EVENT_TYPES", "PAGES", "DEFAULT_SEED",
    "DEFAULT_N_CUSTOMERS", "TX_START", "TX_END", "EVENTS_START", "EVENTS_END", "Market", "load_market_config",
    "generate_market",
]

DEFAULT_SEED: int = 20250101
DEFAULT_N_CUSTOMERS: int = 50_000
#: First and last day of the transaction history (two years).
TX_START: pd.Timestamp = pd.Timestamp("2024-01-01")
TX_END: pd.Timestamp = pd.Timestamp("2025-12-31")
#: The web/app clickstream covers the last quarter only.
EVENTS_START: pd.Timestamp = pd.Timestamp("2025-10-01")
EVENTS_END: pd.Timestamp = pd.Timestamp("2025-12-31")
#: Customer attributes are a snapshot taken on this day (before the clickstream window).
SNAPSHOT_DATE: pd.Timestamp = pd.Timestamp("2025-09-30")

#: The latent segments and the vocabularies they draw from live in ``data/market/segments.yaml``.
SEGMENTS_PATH = DATA_DIR / "market" / "segments.yaml"
_SPEC = read_yaml(SEGMENTS_PATH, what="market segments")
_VOCAB = _SPEC["vocabularies"]
CATEGORIES: list[str] = _VOCAB["categories"]
INCOME_BANDS: list[str] = _VOCAB["income_bands"]
EDUCATION_LEVELS: list[str] = _VOCAB["education_levels"]
GENDERS: list[str] = _VOCAB["genders"]
OCCUPATIONS: list[str] = _VOCAB["occupations"]
FAMILY_STATUSES: list[str] = _VOCAB["family_statuses"]
NEIGHBOURHOOD_TYPES: list[str] = _VOCAB["neighbourhood_types"]
INTERESTS: list[str] = _VOCAB["interests"]
LIFE_EVENTS: list[str] = _VOCAB["life_events"]
PREFERRED_CHANNELS: list[str] = _VOCAB["preferred_channels"]
TRANSACTION_CHANNELS: list[str] = _VOCAB["transaction_channels"]
EVENT_TYPES: list[str] = _VOCAB["event_types"]
PAGES: list[str] = _VOCAB["pages"]
DEVICES: list[str] = _VOCAB["devices"]
JOB_TITLES: dict[str, list[str]] = _SPEC["job_titles"]
#: One entry per latent segment (documented for instructors in instructors/latent-structure.md);
#: probability vectors follow the order of the vocabularies above.
SEGMENTS: dict[str, dict[str, Any]] = _SPEC["segments"]
SEGMENT_NAMES: list[str] = list(SEGMENTS)
#: Median basket (rupees) per category for an average-income customer, and its spread.
CATEGORY_MEDIAN_AMOUNT: dict[str, float] = _SPEC["category_median_amount"]
CATEGORY_SIGMA: dict[str, float] = _SPEC["category_sigma"]
INCOME_MULTIPLIER: np.ndarray = np.array(_SPEC["income_multiplier"], dtype=float)
APARTMENT_PREFIXES: list[str] = _SPEC["apartment_prefixes"]
APARTMENT_SUFFIXES: list[str] = _SPEC["apartment_suffixes"]
#: Entropy added to the seed for the WhatsApp opt-in draw (an independent random stream).
_WHATSAPP_STREAM = 15


@dataclass
class Market:
    """A generated market: ``customers`` (no segment column), ``latent`` (``customer_id``,
    ``latent_segment``, ``responsiveness``: instructors only), ``transactions``, ``events``,
    ``city`` and ``seed``. Treat it as read-only: the simulator caches arrays derived from it.

    >>> generate_market(300, seed=2).latent["latent_segment"].nunique() > 1
    True
    """

    customers: pd.DataFrame
    latent: pd.DataFrame
    transactions: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    city: str = "nagpur"
    seed: int = DEFAULT_SEED
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.customers, pd.DataFrame) or not isinstance(self.latent, pd.DataFrame):
            raise TypeError("Market.customers and Market.latent must be pandas DataFrames.")
        for col in ("customer_id",):
            if col not in self.customers.columns:
                raise ValueError(f"Market.customers is missing the column {col!r}.")
        for col in ("customer_id", "latent_segment", "responsiveness"):
            if col not in self.latent.columns:
                raise ValueError(f"Market.latent is missing the column {col!r}.")


@functools.lru_cache(maxsize=4)
def _read_config(path: str) -> dict[str, Any]:
    return read_yaml(path, what="market configuration")


def load_market_config(path: Path | str | None = None) -> dict[str, Any]:
    """Read the market inputs (cities, channels, creatives, campaign plans), a fresh copy each call.

    >>> "social_ads" in load_market_config()["channels"]
    True
    """
    if path is None:
        path = DATA_DIR / "market" / "market.yaml"
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"market configuration {path} is missing; restore it with `git checkout -- data/market/market.yaml`."
        )
    import copy

    return copy.deepcopy(_read_config(str(path.resolve())))


# ----------------------------------------------------------------------------------------------
# sampling helpers
# ----------------------------------------------------------------------------------------------
def _matrix_raw(key: str) -> np.ndarray:
    """One value (or vector) per segment, as floats, in the order of SEGMENT_NAMES."""
    return np.array([SEGMENTS[s][key] for s in SEGMENT_NAMES], dtype=float)


def _matrix(key: str) -> np.ndarray:
    """Stack one probability vector per segment into a row-normalised matrix."""
    m = _matrix_raw(key)
    return m / m.sum(axis=1, keepdims=True)


def _draw(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category index per element of ``rows`` from ``probs[rows]`` (vectorised)."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(rows))
    return (u[:, None] > cum[rows]).sum(axis=1)


def _complexes(rng: np.random.Generator, hoods: list[dict[str, Any]]) -> pd.DataFrame:
    """Place the named apartment complexes of every neighbourhood (deterministic given rng)."""
    names = [f"{p} {s}" for p in APARTMENT_PREFIXES for s in APARTMENT_SUFFIXES]
    order = rng.permutation(len(names))
    rows, k = [], 0
    for h_idx, hood in enumerate(hoods):
        for _ in range(int(hood["complexes"])):
            ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0.2, 1.4)  # km from centre
            rows.append(dict(
                hood=h_idx, name=names[order[k]],
                lat=hood["lat"] + dist * np.sin(ang) / 111.0,
                lon=hood["lon"] + dist * np.cos(ang) / (111.0 * np.cos(np.radians(hood["lat"]))),
                size=rng.uniform(0.5, 2.0),
            ))
            k += 1
    return pd.DataFrame(rows)


def _day_weights(category: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Seasonality of one category over the calendar (festivals, exams, resolutions, weekends)."""
    w = np.ones(len(days))
    month, dow, dom = days.month.to_numpy(), days.day_of_week.to_numpy(), days.day.to_numpy()
    if category != "groceries":
        w *= np.where(dow >= 5, 1.35, 1.0)
    else:
        w *= np.where(dom <= 7, 1.25, 1.0)  # salary week
    diwali = [pd.Timestamp("2024-11-01"), pd.Timestamp("2025-10-21")]
    to_diwali = np.min([np.abs((days - d).days.to_numpy()) for d in diwali], axis=0)
    festive = {"ethnic_wear": 3.0, "electronics": 2.2, "home_decor": 2.2, "beauty_personal_care": 1.5,
               "western_wear": 1.4}
    if category in festive:
        w *= np.where(to_diwali <= 21, festive[category], 1.0)
    if category == "ethnic_wear":
        w *= np.where(np.isin(month, [11, 12, 1, 2]), 1.3, 1.0)  # wedding season
    if category == "books_stationery":
        w *= np.where(np.isin(month, [2, 3, 6]), 1.8, 1.0)  # exams and new school year
    if category == "sportswear":
        w *= np.where(month == 1, 1.6, 1.0)  # new-year resolutions
    if category == "health_pharmacy":
        w *= np.where(np.isin(month, [7, 8, 9]), 1.3, 1.0)  # monsoon
    return w


# ----------------------------------------------------------------------------------------------
# generation
# ----------------------------------------------------------------------------------------------
def _generate_customers(rng: np.random.Generator, n: int, city_cfg: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    seg = rng.choice(len(SEGMENT_NAMES), size=n, p=_matrix_raw("share"))
    width = max(5, len(str(n)))
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), width))

    age_p = _matrix_raw("age")
    age = np.clip(np.rint(rng.normal(age_p[seg, 0], age_p[seg, 1])), age_p[seg, 2], age_p[seg, 3]).astype(int)
    female = _matrix_raw("female")[seg]
    u = rng.random(n)
    gender = np.where(u < 0.005, 2, np.where(u < 0.005 + female * 0.995, 0, 1))
    income = _draw(rng, _matrix("income"), seg)
    education = _draw(rng, _matrix("education"), seg)
    occupation = _draw(rng, _matrix("occupation"), seg)
    occupation = np.where((occupation == OCCUPATIONS.index("retired")) & (age < 55),
                          OCCUPATIONS.index("homemaker"), occupation)
    family = _draw(rng, _matrix("family"), seg)
    family = np.where((FAMILY_STATUSES.index("widowed") == family) & (age < 45), 2, family)

    # job title given occupation
    occ_names = np.array(OCCUPATIONS)[occupation]
    job_title = np.full(n, None, dtype=object)
    for occ, titles in JOB_TITLES.items():
        idx = np.flatnonzero(occ_names == occ)
        job_title[idx] = np.array(titles, dtype=object)[rng.integers(0, len(titles), len(idx))]

    # students: college and stream; education consistent with age
    is_student = occupation == OCCUPATIONS.index("student")
    colleges = city_cfg["colleges"]
    college = np.full(n, None, dtype=object)
    stream = np.full(n, None, dtype=object)
    s_idx = np.flatnonzero(is_student)
    c_pick = rng.integers(0, len(colleges), len(s_idx))
    college[s_idx] = np.array([c["name"] for c in colleges], dtype=object)[c_pick]
    stream[s_idx] = np.array([c["stream"] for c in colleges], dtype=object)[c_pick]
    education = np.where(is_student & (age <= 18), EDUCATION_LEVELS.index("higher_secondary"), education)

    # where they live
    hoods = city_cfg["neighbourhoods"]
    hood_w = np.array([h["weight"] for h in hoods])
    hood_type = [h["type"] for h in hoods]
    aff = np.array([[SEGMENTS[s]["hood"].get(t, 0.2) for t in hood_type] for s in SEGMENT_NAMES]) * hood_w
    hood = _draw(rng, aff / aff.sum(axis=1, keepdims=True), seg)
    # students mostly live near their college
    college_hood = {h["name"]: i for i, h in enumerate(hoods)}
    near = rng.random(len(s_idx)) < 0.6
    hood[s_idx[near]] = [college_hood[colleges[j]["neighbourhood"]] for j in c_pick[near]]

    cx = _complexes(rng, hoods)
    lat = np.empty(n)
    lon = np.empty(n)
    apartment = np.full(n, None, dtype=object)
    hood_lat = np.array([h["lat"] for h in hoods])
    hood_lon = np.array([h["lon"] for h in hoods])
    in_apt = rng.random(n) < np.array([h["apartment_share"] for h in hoods])[hood]
    # pick a complex inside the neighbourhood, bigger complexes more often
    cx_hood = cx["hood"].to_numpy()
    cx_size = cx["size"].to_numpy()
    for h in range(len(hoods)):
        members = np.flatnonzero((hood == h) & in_apt)
        cand = np.flatnonzero(cx_hood == h)
        if len(members) == 0:
            continue
        if len(cand) == 0:
            in_apt[members] = False
            continue
        pick = cand[rng.choice(len(cand), size=len(members), p=cx_size[cand] / cx_size[cand].sum())]
        apartment[members] = cx["name"].to_numpy()[pick]
        lat[members] = cx["lat"].to_numpy()[pick] + rng.normal(0, 0.0002, len(members))
        lon[members] = cx["lon"].to_numpy()[pick] + rng.normal(0, 0.0002, len(members))
    houses = np.flatnonzero(~in_apt)
    lat[houses] = hood_lat[hood[houses]] + rng.normal(0, 0.0065, len(houses))
    lon[houses] = hood_lon[hood[houses]] + rng.normal(0, 0.0065, len(houses))

    interest_p = _matrix_raw("interests")[seg]
    interest = rng.random((n, len(INTERESTS))) < interest_p
    life = _draw(rng, _matrix("life"), seg)
    life = np.where((np.array(LIFE_EVENTS)[life] == "exam_season") & ~is_student, 0, life)
    life = np.where((np.array(LIFE_EVENTS)[life] == "retired") & (age < 55), 0, life)
    pref = _draw(rng, _matrix("pref_channel"), seg)
    consent = _matrix_raw("consent")[seg]
    c_rand = rng.random((n, 3)) < consent
    app_user = rng.random(n) < _matrix_raw("app_user")[seg]

    # acquisition: more recent customers more common; never after the snapshot
    span = (SNAPSHOT_DATE - pd.Timestamp("2018-01-01")).days
    acq_days = np.floor(rng.beta(1.6, 1.0, n) * span).astype(int)
    acquired = pd.Timestamp("2018-01-01") + pd.to_timedelta(acq_days, unit="D")

    customers = pd.DataFrame({
        "customer_id": ids, "age": age, "gender": np.array(GENDERS)[gender],
        "income_band": np.array(INCOME_BANDS)[income], "education": np.array(EDUCATION_LEVELS)[education],
        "occupation": occ_names, "job_title": job_title, "is_student": is_student, "college": college,
        "stream": stream, "family_status": np.array(FAMILY_STATUSES)[family],
        "neighbourhood": np.array([h["name"] for h in hoods])[hood],
        "pin_code": np.array([h["pin_code"] for h in hoods])[hood],
        "lat": np.round(lat, 5), "lon": np.round(lon, 5), "apartment_complex": apartment,
    })
    for j, name in enumerate(INTERESTS):
        customers[f"interest_{name}"] = interest[:, j]
    customers["life_event"] = np.array(LIFE_EVENTS)[life]
    customers["preferred_channel"] = np.array(PREFERRED_CHANNELS)[pref]
    customers["app_user"] = app_user
    for j, name in enumerate(("consent_email", "consent_sms", "consent_ads")):
        customers[name] = c_rand[:, j]
    customers["acquired_on"] = acquired
    latent = pd.DataFrame({
        "customer_id": ids,
        "latent_segment": pd.Categorical.from_codes(seg, categories=SEGMENT_NAMES),
        "responsiveness": np.round(rng.gamma(4.0, 0.25, n), 3),
    })
    return customers, latent


def _generate_transactions(rng: np.random.Generator, customers: pd.DataFrame, seg: np.ndarray) -> pd.DataFrame:
    n = len(customers)
    days = pd.date_range(TX_START, TX_END, freq="D")
    n_days = len(days)
    acq = ((customers["acquired_on"] - TX_START).dt.days.to_numpy()).clip(0, n_days - 1)
    start = acq
    churn_p = _matrix_raw("churn")[seg]
    churned = rng.random(n) < churn_p
    end = np.where(churned, start + rng.random(n) * (n_days - start), n_days).astype(int)
    end = np.maximum(end, start + 1)
    years = (end - start) / 365.25
    rate = _matrix_raw("tx_rate")[seg] * rng.gamma(2.0, 0.5, n)
    count = rng.poisson(rate * years)
    owner = np.repeat(np.arange(n), count)
    t = len(owner)
    oseg = seg[owner]
    cat = _draw(rng, _matrix("cats"), oseg)
    day = np.empty(t, dtype=int)
    for c, name in enumerate(CATEGORIES):
        idx = np.flatnonzero(cat == c)
        cw = np.concatenate([[0.0], np.cumsum(_day_weights(name, days))])
        lo, hi = cw[start[owner[idx]]], cw[end[owner[idx]]]
        u = lo + rng.random(len(idx)) * (hi - lo)
        day[idx] = np.clip(np.searchsorted(cw, u, side="right") - 1, 0, n_days - 1)

    income = pd.Categorical(customers["income_band"], categories=INCOME_BANDS).codes
    median = np.array([CATEGORY_MEDIAN_AMOUNT[c] for c in CATEGORIES])[cat]
    sigma = np.array([CATEGORY_SIGMA[c] for c in CATEGORIES])[cat]
    spend = _matrix_raw("spend")[oseg]
    amount = median * INCOME_MULTIPLIER[income[owner]] * spend * np.exp(rng.normal(0, sigma, t))
    disc_p = _matrix_raw("discount")[oseg]
    discount = rng.random(t) < disc_p
    amount = np.where(discount, amount * rng.uniform(0.6, 0.9, t), amount)
    amount = np.round(np.maximum(amount, 49.0), 2)
    channel = _draw(rng, _matrix("tx_channel"), oseg)

    order = np.lexsort((owner, day))
    return pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy()[owner[order]], "date": days[day[order]],
        "category": np.array(CATEGORIES)[cat[order]], "amount": amount[order], "discount_used": discount[order],
        "channel": np.array(TRANSACTION_CHANNELS)[channel[order]],
    })


def _generate_events(rng: np.random.Generator, customers: pd.DataFrame, seg: np.ndarray) -> pd.DataFrame:
    n = len(customers)
    window = int((EVENTS_END - EVENTS_START).days + 1) * 86400
    app_user = customers["app_user"].to_numpy()
    ids = customers["customer_id"].to_numpy()

    # browsing sessions
    n_sess = rng.poisson(_matrix_raw("sessions")[seg] * rng.gamma(1.5, 1 / 1.5, n))
    owner = np.repeat(np.arange(n), n_sess)
    s = len(owner)
    sseg = seg[owner]
    on_app = app_user[owner] & (rng.random(s) < 0.75)
    n_views = 1 + rng.poisson(_matrix_raw("views")[sseg] - 1 + 0.0, s)
    cart = rng.random(s) < _matrix_raw("cart")[sseg]
    buy = cart & (rng.random(s) < _matrix_raw("buy")[sseg])
    length = 1 + n_views + 2 * cart
    # sign-up attempts by people without an app account (opened the app, maybe never finished)
    tries = (~app_user) & (rng.random(n) < _matrix_raw("install")[seg])
    t_owner = np.flatnonzero(tries)
    started = rng.random(len(t_owner)) < 0.8
    completed = started & (rng.random(len(t_owner)) < 0.35)
    t_len = 1 + started + completed

    all_owner = np.concatenate([owner, t_owner])
    all_len = np.concatenate([length, t_len])
    kind = np.concatenate([np.zeros(s, dtype=int), np.ones(len(t_owner), dtype=int)])
    n_all = len(all_owner)
    # session start: evenings busier
    hour_w = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3.5, 3.5, 4, 4, 3.5, 3.5, 4, 4.5, 5, 6, 7,
                       7, 5, 2.5])
    day = rng.integers(0, window // 86400, n_all)
    hour = rng.choice(24, size=n_all, p=hour_w / hour_w.sum())
    start = day * 86400 + hour * 3600 + rng.integers(0, 3600, n_all)

    e_total = int(all_len.sum())
    sess = np.repeat(np.arange(n_all), all_len)
    first = np.concatenate([[0], np.cumsum(all_len)[:-1]])
    pos = np.arange(e_total) - first[sess]
    gaps = np.where(pos == 0, 0, np.ceil(rng.exponential(35.0, e_total)).astype(int))
    csum = np.cumsum(gaps)
    offset = csum - csum[first][sess]
    ts = start[sess] + offset

    ev = np.empty(e_total, dtype=int)
    page = np.empty(e_total, dtype=int)
    cat = np.full(e_total, -1)
    E, P = EVENT_TYPES.index, PAGES.index
    is_browse = kind[sess] == 0
    # browse sessions
    b_sess = np.where(is_browse, sess, 0)
    nv = np.concatenate([n_views, np.zeros(len(t_owner), dtype=int)])[b_sess]
    opener_app = np.concatenate([on_app, np.zeros(len(t_owner), dtype=bool)])[b_sess]
    buy_all = np.concatenate([buy, np.zeros(len(t_owner), dtype=bool)])[b_sess]
    ev[:] = np.where(pos == 0, np.where(opener_app, E("app_open"), E("page_view")),
                     np.where(pos <= nv, E("product_view"),
                              np.where(pos == nv + 1, E("add_to_cart"),
                                       np.where(buy_all, E("purchase"), E("cart_abandoned")))))
    landing = rng.choice([P("home"), P("offers"), P("category")], size=e_total, p=[0.6, 0.2, 0.2])
    page[:] = np.where(pos == 0, np.where(opener_app, P("home"), landing),
                       np.where(pos <= nv + 1, P("product"),
                                np.where(buy_all, P("checkout"), P("cart"))))
    views = np.flatnonzero(is_browse & (pos >= 1) & (pos <= nv))
    cat[views] = _draw(rng, _matrix("cats"), seg[all_owner[sess[views]]])
    tail = np.flatnonzero(is_browse & (pos > nv))
    cat[tail] = cat[first[sess[tail]] + nv[tail]]  # the last product viewed
    # sign-up sessions
    su = np.flatnonzero(~is_browse)
    ev[su] = np.choose(np.clip(pos[su], 0, 2), [E("app_open"), E("signup_started"), E("signup_completed")])
    page[su] = np.where(pos[su] == 0, P("home"), P("signup"))

    device = np.where(np.concatenate([on_app, np.ones(len(t_owner), dtype=bool)]),
                      np.where(rng.random(n_all) < 0.8, 0, 1), 2)
    order = np.lexsort((np.arange(e_total), ts))
    ts_sorted = ts[order]
    sess_rank = np.empty(n_all, dtype=int)
    # session ids numbered by start time
    sess_rank[np.lexsort((np.arange(n_all), start))] = np.arange(n_all)
    events = pd.DataFrame({
        "customer_id": ids[all_owner[sess[order]]],
        "session_id": np.char.add("S", np.char.zfill((sess_rank[sess[order]] + 1).astype(str), 7)),
        "timestamp": EVENTS_START + pd.to_timedelta(ts_sorted, unit="s"),
        "event": np.array(EVENT_TYPES)[ev[order]],
        "page": np.array(PAGES)[page[order]],
        "product_category": np.where(cat[order] >= 0, np.array(CATEGORIES, dtype=object)[cat[order]], None),
        "device": np.array(DEVICES)[device[sess[order]]],
    })
    return events


def generate_market(n_customers: int = DEFAULT_N_CUSTOMERS, seed: int = DEFAULT_SEED, city: str = "nagpur", *,
                    config: Mapping[str, Any] | None = None, behaviour: bool = True) -> Market:
    """Simulate a city's customers, two years of purchases and a quarter of clickstream.

    ``seed`` seeds the single random generator (same arguments, same market); ``city`` is one
    under ``cities:`` in market.yaml; ``config`` replaces the repository's parsed market.yaml;
    ``behaviour=False`` skips transactions and events (faster).

    >>> m = generate_market(1_000, seed=7)
    >>> set(m.transactions.columns) >= {"customer_id", "date", "category", "amount"}
    True
    """
    n_customers = require_positive_int(n_customers, "n_customers", minimum=100)
    seed = require_positive_int(seed, "seed", minimum=0)
    if not isinstance(behaviour, bool):
        raise TypeError(f"behaviour must be True or False, got {behaviour!r}.")
    if config is None:
        config = load_market_config()
    elif not isinstance(config, Mapping):
        raise TypeError(f"config must be a mapping (a parsed market.yaml), got {type(config).__name__}.")
    if not isinstance(city, str):
        raise TypeError(f"city must be a string, got {type(city).__name__}.")
    require_choice(city, "city", list(config.get("cities", {})))
    rng = np.random.default_rng(seed)
    customers, latent = _generate_customers(rng, n_customers, config["cities"][city])
    seg = latent["latent_segment"].cat.codes.to_numpy()
    # WhatsApp opt-in comes from its own stream, so adding it left every other draw unchanged
    wa_rng = np.random.default_rng([seed, _WHATSAPP_STREAM])
    customers.insert(customers.columns.get_loc("consent_ads") + 1, "consent_whatsapp",
                     wa_rng.random(n_customers) < _matrix_raw("consent_whatsapp")[seg])
    if behaviour:
        transactions = _generate_transactions(rng, customers, seg)
        events = _generate_events(rng, customers, seg)
    else:
        transactions, events = pd.DataFrame(), pd.DataFrame()
    return Market(customers=customers, latent=latent, transactions=transactions, events=events,
                  city=city, seed=seed)
