"""Datasets for the seven worked cases, generated from ``data/cases/cases.yaml``.

Each case has its own seed, parameters and tables; every table carries a little planted
dirt (duplicates, typos, missing values) listed under ``data_issues`` for a data audit.
Load the committed tables with :func:`course_lib.market.datasets.load_case`.

>>> sorted(generate_cases(load_cases_config(), names=["grocery"])["grocery"])
['complexes', 'orders', 'store']
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.content import read_yaml
from course_lib.base.paths import DATA_DIR
from course_lib.base.validation import require_choice

__all__ = ["CASE_NAMES", "load_cases_config", "generate_case", "generate_cases", "haversine_km"]

CASE_NAMES: tuple[str, ...] = ("coaching", "grocery", "bank", "clothing", "fitness", "b2b", "edtech")


def load_cases_config(path: Path | str | None = None) -> dict[str, Any]:
    """Read the case parameters: name -> ``{title, story, seed, tables, params, data_issues}``.

    >>> load_cases_config()["grocery"]["params"]["radius_km"]
    3.0
    """
    path = DATA_DIR / "cases" / "cases.yaml" if path is None else path
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"case parameters {path} are missing; restore them with "
                                "`git checkout -- data/cases/cases.yaml`.")
    cfg = read_yaml(path, what="case parameters")
    missing = [n for n in CASE_NAMES if n not in cfg]
    if missing:
        raise ValueError(f"{path} has no parameters for case(s) {missing}.")
    return cfg


def haversine_km(lat1: Any, lon1: Any, lat2: float, lon2: float) -> np.ndarray:
    """Great-circle distance in km between points and one reference point.

    Examples
    --------
    >>> round(float(haversine_km(0.0, 0.0, 0.0, 1.0)), 1)
    111.2
    """
    arrays = {}
    for arg, value in (("lat1", lat1), ("lon1", lon1), ("lat2", lat2), ("lon2", lon2)):
        try:
            arrays[arg] = np.radians(np.asarray(value, dtype=float))
        except (TypeError, ValueError):
            raise TypeError(f"{arg} must be a number or an array of numbers (degrees), got {value!r}.") from None
    la1, lo1, la2, lo2 = arrays["lat1"], arrays["lon1"], arrays["lat2"], arrays["lon2"]
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


# ----------------------------------------------------------------------------------------------
def _pick(rng: np.random.Generator, weights: Mapping[str, float], size: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _dates(rng: np.random.Generator, start: str, end: str, size: int) -> pd.DatetimeIndex:
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
    return pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, size), unit="D")


def _ids(prefix: str, n: int, width: int = 4) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _duplicate(rng: np.random.Generator, df: pd.DataFrame, n: int, new_id: str | None = None,
               prefix: str = "", width: int = 4) -> pd.DataFrame:
    """Append ``n`` copies of random rows (optionally with fresh ids), then restore a plausible order."""
    dup = df.iloc[np.sort(rng.choice(len(df), size=n, replace=False))].copy()
    if new_id is not None:
        dup[new_id] = [f"{prefix}{len(df) + i + 1:0{width}d}" for i in range(n)]
    return pd.concat([df, dup], ignore_index=True)


def _mess(rng: np.random.Generator, values: pd.Series, variants: Mapping[str, list[str]], share: float) -> pd.Series:
    """Replace a share of each value with one of its misspellings."""
    out = values.astype(object).copy()
    for clean, typos in variants.items():
        idx = np.flatnonzero((out == clean).to_numpy() & (rng.random(len(out)) < share))
        out.iloc[idx] = np.array(typos, dtype=object)[rng.integers(0, len(typos), len(idx))]
    return out


def _blank(rng: np.random.Generator, values: pd.Series, share: float) -> pd.Series:
    out = values.astype(object).copy()
    out[rng.random(len(out)) < share] = None
    return out


# ----------------------------------------------------------------------------------------------
def _coaching(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    segs = p["segments"]
    n = int(p["n_enquiries"])
    seg = _pick(rng, {k: v["share"] for k, v in segs.items()}, n)
    rows = []
    for s, spec in segs.items():
        idx = np.flatnonzero(seg == s)
        k = len(idx)
        lo, hi = spec["age"]
        rows.append(pd.DataFrame({
            "_pos": idx,
            "age": rng.integers(lo, hi + 1, k),
            "class_level": _pick(rng, spec["class_levels"], k),
            "stream": _pick(rng, spec["streams"], k),
            "exam_interest": _pick(rng, spec["exams"], k),
            "enrolled": rng.random(k) < spec["enrol_rate"],
        }))
    body = pd.concat(rows).sort_values("_pos").drop(columns="_pos").reset_index(drop=True)
    dates = np.sort(_dates(rng, *p["period"], n))
    df = pd.DataFrame({
        "enquiry_id": _ids("E", n),
        "enquiry_date": dates,
        "gender": _pick(rng, {"female": 0.46, "male": 0.54}, n),
        "board": _pick(rng, p["boards"], n),
        "source": _pick(rng, p["sources"], n),
    })
    df = pd.concat([df, body], axis=1)
    df["stream"] = df["stream"].replace({"none": None})
    df["exam_interest"] = df["exam_interest"].replace({"none": "undecided"})
    df = df[["enquiry_id", "enquiry_date", "age", "gender", "class_level", "stream", "board",
             "exam_interest", "source", "enrolled"]]
    # dirt
    df["board"] = _mess(rng, df["board"], {"CBSE": ["cbse", "C.B.S.E.", "CBSC"],
                                           "State Board": ["state board", "SSC"]}, 0.06)
    df["exam_interest"] = _blank(rng, df["exam_interest"], 0.04)
    bad = rng.choice(n, 4, replace=False)
    df.loc[bad, "age"] = [0, 99, 0, 99]
    df = _duplicate(rng, df, int(round(0.015 * n)), "enquiry_id", "E")

    ads = []
    spend = float(p["ad_spend_per_creative"])
    impressions = int(spend / p["cpm"] * 1000)
    for s, spec in p["ads"].items():
        for kind, creative in (("tailored", spec["tailored"]), ("generic", p["generic_creative"])):
            clicks = rng.binomial(impressions, spec[f"ctr_{kind}"])
            enquiries = rng.binomial(clicks, spec.get(f"enquiry_per_click_{kind}", spec["enquiry_per_click"]))
            enrolments = rng.binomial(enquiries, spec["enrol_per_enquiry"])  # ad leads: colder than past enquiries
            ads.append(dict(segment=s, creative_type=kind, creative=creative, impressions=impressions,
                            clicks=int(clicks), enquiries=int(enquiries), enrolments=int(enrolments),
                            spend=spend, revenue=float(enrolments * p["course_fee"])))
    return {"enquiries": df, "ad_results": pd.DataFrame(ads)}


def _grocery(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    from course_lib.market.synthetic import APARTMENT_PREFIXES, APARTMENT_SUFFIXES

    st = p["store"]
    store = pd.DataFrame([{**st, "radius_km": float(p["radius_km"])}])
    k = int(p["n_complexes"])
    dist = np.sqrt(rng.random(k)) * float(p["max_distance_km"])
    ang = rng.random(k) * 2 * np.pi
    lat = st["lat"] + dist * np.sin(ang) / 111.0
    lon = st["lon"] + dist * np.cos(ang) / (111.0 * np.cos(np.radians(st["lat"])))
    names = [f"{a} {b}" for a in APARTMENT_PREFIXES for b in APARTMENT_SUFFIXES]
    names = list(np.array(names)[rng.choice(len(names), k, replace=False)])
    lo, hi = p["households"]
    households = rng.integers(lo, hi + 1, k)
    distance = np.round(haversine_km(lat, lon, st["lat"], st["lon"]), 3)
    inside = distance <= float(p["radius_km"])
    complexes = pd.DataFrame({
        "complex_id": _ids("AC", k, 3), "name": names, "lat": np.round(lat, 5), "lon": np.round(lon, 5),
        "households": households, "distance_km": distance, "inside_radius": inside, "ad_targeted": inside,
    })
    # orders: Poisson per complex and month; campaign lifts complexes inside the radius, unevenly
    months = pd.date_range(p["period"][0], p["period"][1], freq="MS")
    start = pd.Timestamp(p["campaign_start"])
    rate = np.where(inside, p["monthly_orders_per_household"]["inside"], p["monthly_orders_per_household"]["outside"])
    rate = rate * np.exp(-0.15 * np.maximum(distance - p["radius_km"], 0))
    building = np.exp(rng.normal(0, p["building_response_sigma"], k))
    rows = []
    for m in months:
        lift = np.where(inside & (m >= start), p["campaign_uplift_inside"] * building, 1.0)
        counts = rng.poisson(households * rate * lift)
        owner = np.repeat(np.arange(k), counts)
        day = rng.integers(0, m.days_in_month, len(owner))
        rows.append(pd.DataFrame({"_c": owner, "order_date": m + pd.to_timedelta(day, unit="D")}))
    orders = pd.concat(rows).sort_values(["order_date", "_c"], kind="stable").reset_index(drop=True)
    n = len(orders)
    amount = np.round(p["basket"]["median"] * np.exp(rng.normal(0, p["basket"]["sigma"], n)), 2)
    typed = np.array(names, dtype=object)[orders["_c"].to_numpy()]
    messy = rng.random(n) < 0.12
    typed = np.where(messy & (rng.random(n) < 0.5), np.char.lower(typed.astype(str)).astype(object), typed)
    typed = np.where(messy & (rng.random(n) < 0.5), (typed.astype(str) + " ").astype(object), typed)
    typed = np.array([t.replace("Heights", "Hts").replace("Apartments", "Apts") if m and rng.random() < 0.5 else t
                      for t, m in zip(typed, messy)], dtype=object)
    complex_id = complexes["complex_id"].to_numpy()[orders["_c"].to_numpy()].astype(object)
    complex_id[rng.random(n) < 0.01] = None
    amount[rng.choice(n, 6, replace=False)] = 0.0
    out = pd.DataFrame({
        "order_id": _ids("O", n, 6), "order_date": orders["order_date"], "complex_id": complex_id,
        "building_as_typed": typed, "items": np.maximum(1, rng.poisson(amount / 140)),
        "amount": amount, "payment_mode": _pick(rng, p["payment_modes"], n),
        "after_campaign": orders["order_date"].to_numpy() >= start.to_datetime64(),
    })
    out = _duplicate(rng, out, 12).sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)
    return {"store": store, "complexes": complexes, "orders": out}


def _bank(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    n = int(p["n_prospects"])
    towns = p["towns"]
    town = _pick(rng, {t: v["weight"] for t, v in towns.items()}, n)
    stream = _pick(rng, p["streams"], n)
    lo, hi = p["age_range"]
    age = rng.integers(lo, hi + 1, n)
    college = np.array([f"{t} {'Institute of Technology' if s == 'engineering' else 'College of Arts'}"
                        for t, s in zip(town, stream)], dtype=object)
    year = np.clip(age - 17, 1, 4)
    control = rng.random(n) < p["control_share"]  # shown the old ad: a control group, not a holdout
    matched = np.where(stream == "engineering", "campus_engineering", "campus_arts")
    creative = np.where(control, "generic_savings", matched).astype(object)
    kind = np.where(control, "generic", "matched")
    ctr = np.array([p["click_rate"][k] for k in kind])
    clicked = rng.random(n) < ctr
    opened = clicked & (rng.random(n) < np.array([p["open_rate_after_click"][k] for k in kind]))
    df = pd.DataFrame({
        "prospect_id": _ids("P", n), "age": age, "gender": _pick(rng, {"female": 0.48, "male": 0.52}, n),
        "town": town, "state": [towns[t]["state"] for t in town], "college": college, "stream": stream,
        "year_of_study": year, "has_bank_account": rng.random(n) < p["has_account_elsewhere"],
        "phone_os": _pick(rng, {"android": 0.85, "ios": 0.15}, n), "campaign_group":
        np.where(control, "control_old_ad", "targeted"), "creative_shown": creative,
        "clicked": clicked, "account_opened": opened,
    })
    # dirt: ages outside the target. The 17-year-olds are children under the DPDP Act: the ad platform's 18+
    # rule kept them out of the campaign (no ad, no outcome), but the imported list still holds their rows.
    bad = rng.choice(n, 10, replace=False)
    df.loc[bad, "age"] = [17, 17, 17, 22, 22, 22, 23, 22, 17, 23]
    minors = bad[[0, 1, 2, 8]]
    df.loc[minors, ["campaign_group", "creative_shown"]] = ["not_contacted_under_18", "none"]
    df.loc[minors, ["clicked", "account_opened"]] = False
    df["stream"] = _blank(rng, df["stream"], 0.02)
    df["town"] = _mess(rng, df["town"], {"Vellore": ["vellore ", "Vellore "], "Kota": ["Kota ", "kota"]}, 0.05)
    df = _duplicate(rng, df, int(round(0.01 * n)), "prospect_id", "P")
    b = p["baseline"]
    rows = []
    for month in b["months"]:
        for t in towns:
            imp = int(rng.normal(b["impressions_per_town_month"], 5000))
            clicks = rng.binomial(imp, b["ctr"])
            rows.append(dict(month=month, town=t, creative="generic_savings", impressions=imp, clicks=int(clicks),
                             accounts_opened=int(rng.binomial(clicks, b["open_rate_after_click"])),
                             spend=round(imp / 1000 * b["cpm"], 2)))
    return {"prospects": df, "baseline": pd.DataFrame(rows)}


def _clothing(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    n = int(p["n_shoppers"])
    types = p["types"]
    t = _pick(rng, {k: v["share"] for k, v in types.items()}, n)
    ids = _ids("SH", n)
    start, end = pd.Timestamp(p["period"][0]), pd.Timestamp(p["period"][1])
    signup = _dates(rng, "2022-01-01", p["period"][1], n)
    shoppers = pd.DataFrame({
        "shopper_id": ids, "gender": _pick(rng, {"female": 0.58, "male": 0.42}, n),
        "age": np.clip(rng.normal(31, 8, n).round(), 18, 65).astype(int),
        "city": _pick(rng, p["cities"], n), "signup_date": signup,
        "email_opt_in": rng.random(n) < 0.7,
    })
    span_start = np.maximum((signup - start).days.to_numpy(), 0)
    total = (end - start).days + 1
    years = (total - span_start) / 365.25
    rate = np.array([types[x]["orders_per_year"] for x in t]) * rng.gamma(2, 0.5, n)
    count = rng.poisson(rate * years)
    owner = np.repeat(np.arange(n), count)
    m = len(owner)
    cats = p["categories"]
    mix = np.array([types[x]["mix"] for x in t], dtype=float)
    cum = np.cumsum(mix / mix.sum(1, keepdims=True), 1)[owner]
    cat = (rng.random(m)[:, None] > cum).sum(1).clip(0, len(cats) - 1)
    day = span_start[owner] + (rng.random(m) * (total - span_start[owner])).astype(int)
    disc_p = np.array([types[x]["discount"] for x in t])[owner]
    discounted = rng.random(m) < disc_p
    discount_pct = np.where(discounted, rng.choice([10, 20, 30, 40, 50], m), 0)
    median = np.array([types[x]["median_amount"] for x in t])[owner]
    amount = np.round(median * np.exp(rng.normal(0, 0.45, m)) * (1 - discount_pct / 100), 2)
    orders = pd.DataFrame({
        "shopper_id": ids[owner], "order_date": start + pd.to_timedelta(day, unit="D"),
        "category": np.array(cats, dtype=object)[cat], "items": 1 + rng.poisson(0.6, m),
        "amount": amount, "discount_pct": discount_pct,
    }).sort_values(["order_date", "shopper_id"], kind="stable").reset_index(drop=True)
    orders.insert(0, "order_id", _ids("OR", m, 6))
    orders["category"] = _mess(rng, orders["category"], {
        "sportswear": ["Sportswear"], "ethnic_wear": ["ethnic wear", "Ethnic_Wear"], "footwear": ["foot wear"]}, 0.03)
    orders["amount"] = _blank(rng, orders["amount"], 0.003).astype(float)
    ret = rng.choice(m, 8, replace=False)
    orders.loc[ret, "amount"] = -orders.loc[ret, "amount"].abs()
    orders = _duplicate(rng, orders, int(round(0.005 * m)))
    orders = orders.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)
    rows = []
    for seg, spec in p["email_segments"].items():
        for j, message in enumerate([spec["tailored"], "This week's offers (same email for everyone)"]):
            sends = int(spec["size"])
            opens = rng.binomial(sends, spec["open"][j])
            clicks = rng.binomial(opens, spec["click"][j] / spec["open"][j])
            ords = rng.binomial(clicks, spec["order"][j])
            rows.append(dict(campaign="repeat_purchase_2025_q3", segment=seg,
                             message_type=["tailored", "one_size"][j], message=message, sends=sends,
                             opens=int(opens), clicks=int(clicks), orders=int(ords),
                             revenue=round(float(ords) * spec["aov"] * float(rng.uniform(0.9, 1.1)), 2)))
    return {"shoppers": shoppers, "orders": orders, "email_campaigns": pd.DataFrame(rows)}


def _fitness(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    n = int(p["n_users"])
    occ = p["occupations"]
    o = _pick(rng, {k: v["share"] for k, v in occ.items()}, n)
    desk = o == "desk_job"
    area = np.where(desk, _pick(rng, {a: 1 for a in p["office_areas"]}, n),
                    _pick(rng, {a: 1 for a in p["residential_areas"]}, n))
    first = pd.Timestamp(p["first_week"])
    users = pd.DataFrame({
        "user_id": _ids("U", n), "age": np.clip(rng.normal(30, 7, n).round(), 16, 65).astype(int),
        "gender": _pick(rng, {"female": 0.44, "male": 0.56}, n), "occupation_type": o,
        "area": area, "area_type": np.where(desk, "office", "residential"),
        "signup_date": _dates(rng, "2024-01-01", str((first - pd.Timedelta(days=1)).date()), n),
        "plan": np.where(rng.random(n) < np.array([occ[x]["paid"] for x in o]), "paid", "free"),
    })
    weeks = int(p["weeks"])
    uid = np.repeat(np.arange(n), weeks)
    wk = np.tile(np.arange(weeks), n)
    engage = rng.gamma(2, 0.5, n)[uid] * np.exp(-0.03 * wk)
    sessions = rng.poisson(np.array([occ[x]["sessions_per_week"] for x in o])[uid] * engage)
    mins = np.array([occ[x]["minutes"] for x in o])[uid]
    minutes = np.round(sessions * mins * np.exp(rng.normal(0, 0.3, len(uid))), 1)
    short = rng.binomial(sessions, np.array([occ[x]["short_share"] for x in o])[uid])
    usage = pd.DataFrame({"user_id": users["user_id"].to_numpy()[uid],
                          "week_start": first + pd.to_timedelta(7 * wk, unit="D"),
                          "sessions": sessions, "minutes": minutes, "short_sessions": short})
    bad = rng.choice(len(usage), 6, replace=False)
    usage.loc[bad, "minutes"] = -usage.loc[bad, "minutes"].abs() - 5
    users["occupation_type"] = _blank(rng, users["occupation_type"], 0.03)
    users = _duplicate(rng, users, 25, "user_id", "U")
    c = p["campaign"]
    rows = []
    for a in p["office_areas"]:
        f = c["area_factors"][a]
        for cr, desc in c["creatives"].items():
            imp = int(c["impressions_per_area"])
            clicks = rng.binomial(imp, c["ctr"][cr] * (f["desk"] if cr == "break_time_workout" else f["gym"]))
            installs = rng.binomial(clicks, c["install_per_click"])
            paid = rng.binomial(installs, c["paid_per_install"][cr] * f["pay"])
            rows.append(dict(area=a, creative=cr, message=desc, impressions=imp, clicks=int(clicks),
                             installs=int(installs), paid_subscriptions=int(paid),
                             spend=round(imp / 1000 * c["cpm"], 2)))
    return {"users": users, "usage": usage, "area_campaign": pd.DataFrame(rows)}


_COMPANY_A = ["Sahyadri", "Deccan", "Vindhya", "Kaveri", "Narmada", "Aravali", "Konkan", "Malabar", "Satpura",
              "Ganga", "Yamuna", "Godavari", "Himalaya", "Nilgiri", "Tapti", "Chambal", "Sindhu", "Brahmaputra",
              "Mahanadi", "Krishna"]
_COMPANY_B = {"manufacturing": ["Castings", "Auto Components", "Polymers", "Engineering Works", "Steel"],
              "it_services": ["Infotech", "Software Solutions", "Digital Services", "Technologies"],
              "healthcare": ["Hospitals", "Diagnostics", "Healthcare", "Medical Centre"],
              "bfsi": ["Finance", "Co-operative Bank", "Insurance Brokers", "Capital"],
              "retail": ["Retail", "Supermarts", "Fashions", "Hypermarket"],
              "logistics": ["Logistics", "Freight Carriers", "Warehousing", "Transport"],
              "education": ["Education Trust", "Institute", "Learning", "Academy"]}
_TITLE_VARIANTS = {"Chief Technology Officer": ["CTO", "C.T.O."], "Chief Operating Officer": ["COO"],
                   "Chief Information Officer": ["CIO"], "VP Operations": ["Vice President - Operations"]}


def _b2b(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    n = int(p["n_accounts"])
    inds = p["industries"]
    ind = _pick(rng, {k: v["weight"] for k, v in inds.items()}, n)
    region = _pick(rng, p["region_weights"], n)
    city = np.array([rng.choice(p["regions"][r]) for r in region], dtype=object)
    names, seen = [], set()
    for i in ind:
        while True:
            nm = f"{rng.choice(_COMPANY_A)} {rng.choice(_COMPANY_B[i])} Pvt Ltd"
            if nm not in seen:
                seen.add(nm)
                names.append(nm)
                break
    employees = np.round(np.exp(rng.normal(6.3, 1.0, n))).astype(int).clip(50, 20000)
    accounts = pd.DataFrame({
        "account_id": _ids("A", n, 3), "company": names, "industry": ind, "region": region, "city": city,
        "employees": employees, "annual_revenue_cr": np.round(employees * rng.uniform(0.05, 0.25, n), 1),
        "tier": np.where(employees >= 2000, "enterprise", np.where(employees >= 500, "mid_market", "smb")),
        "pain_point": [inds[i]["pain_point"] for i in ind],
    })
    accounts.loc[rng.choice(n, 4, replace=False), "region"] = None
    dup = accounts.iloc[rng.choice(n, 3, replace=False)].copy()
    dup["account_id"] = [f"A{n + i + 1:03d}" for i in range(3)]
    dup["company"] = [dup["company"].iloc[0].replace("Pvt Ltd", "Private Limited"),
                      dup["company"].iloc[1].upper(), dup["company"].iloc[2].replace(" Pvt Ltd", " pvt. ltd.")]
    accounts = pd.concat([accounts, dup], ignore_index=True)
    rows = []
    lo, hi = p["contacts_per_account"]
    for a_id, i in zip(accounts["account_id"], accounts["industry"]):
        k = int(rng.integers(lo, hi + 1))
        dm = list(rng.choice(inds[i]["titles"], size=min(2, k), replace=False))
        others = list(rng.choice(p["other_titles"], size=k - len(dm)))
        for j, title in enumerate(dm + others):
            if title in _TITLE_VARIANTS and rng.random() < 0.35:
                title = str(rng.choice(_TITLE_VARIANTS[title]))
            rows.append(dict(account_id=a_id, job_title=title, is_decision_maker=j < len(dm),
                             seniority="c_level" if str(title).startswith(("Chief", "C", "VP", "Vice", "Director", "Head", "Registrar", "Plant"))
                             and j < len(dm) else "manager",
                             email_opt_in=bool(rng.random() < 0.8)))
    contacts = pd.DataFrame(rows)
    contacts.insert(0, "contact_id", _ids("CT", len(contacts), 4))
    eng = []
    for phase, spec in p["phases"].items():
        imp = rng.integers(2000, 12000, len(accounts))
        clicks = rng.binomial(imp, spec["ad_ctr"])
        emails = rng.integers(3, 10, len(accounts))
        replies = rng.binomial(emails, spec["reply_rate"])
        meeting = (replies > 0) & (rng.random(len(accounts)) < spec["meeting_rate"])
        won = meeting & (rng.random(len(accounts)) < spec["win_rate"])
        value = np.where(won, np.round(accounts["annual_revenue_cr"].to_numpy() * rng.uniform(0.8, 2.0, len(accounts)), 1), 0.0)
        cycle = np.where(won, np.round(rng.normal(spec["cycle_days"], 20, len(accounts))).clip(30), np.nan)
        eng.append(pd.DataFrame({"account_id": accounts["account_id"], "phase": phase, "ad_impressions": imp,
                                 "ad_clicks": clicks, "emails_sent": emails, "email_replies": replies,
                                 "meeting_held": meeting, "deal_won": won, "deal_value_lakh": value,
                                 "sales_cycle_days": cycle}))
    return {"accounts": accounts, "contacts": contacts, "engagement": pd.concat(eng, ignore_index=True)}


def _edtech(rng: np.random.Generator, p: dict[str, Any]) -> dict[str, pd.DataFrame]:
    n = int(p["n_users"])
    per = p["personas"]
    persona = _pick(rng, {k: v["share"] for k, v in per.items()}, n)
    age = np.empty(n, dtype=int)
    topic = np.empty(n, dtype=object)
    step = np.empty(n, dtype=object)
    complete = np.empty(n)
    variant = np.where(rng.random(n) < p["personalised_share"], "personalised", "generic")
    for k, spec in per.items():
        idx = np.flatnonzero(persona == k)
        age[idx] = rng.integers(spec["age"][0], spec["age"][1] + 1, len(idx))
        topic[idx] = _pick(rng, spec["topics"], len(idx))
        step[idx] = _pick(rng, dict(zip(p["signup_steps"], spec["step_probs"])), len(idx))
        complete[idx] = [spec["complete"][v] for v in variant[idx]]
    users = pd.DataFrame({
        "user_id": _ids("L", n, 5), "first_opened_on": np.sort(_dates(rng, *p["period"], n)),
        "persona": persona, "age": age, "device": _pick(rng, p["devices"], n),
        "last_step": step, "browsed_topic": topic,
    })
    opened = rng.random(n) < np.array([p["reminder_open_rate"][v] for v in variant])
    # completions come from people who opened the reminder; step reached raises the odds
    step_boost = 1 + 0.25 * pd.Series(step).map({s: i for i, s in enumerate(p["signup_steps"])}).to_numpy()
    open_rate = np.array([p["reminder_open_rate"][v] for v in variant])
    completed = opened & (rng.random(n) < np.minimum(complete * step_boost / open_rate / 1.375, 1))
    creative = np.where(variant == "personalised", np.char.add("for_", persona.astype(str)), "generic_reminder")
    reminders = pd.DataFrame({"user_id": users["user_id"], "sent_on": pd.Timestamp(p["reminder_date"]),
                              "variant": variant, "creative": creative, "opened": opened,
                              "completed_signup": completed})
    users["persona"] = _blank(rng, users["persona"], 0.06)
    bad = rng.choice(n, 6, replace=False)
    users.loc[bad, "age"] = [0, 199, 0, 199, 0, 199]
    users["browsed_topic"] = _mess(rng, users["browsed_topic"], {"Data Analytics": ["data analytics", "Data Analytics "],
                                                                 "Spoken English": ["spoken english"]}, 0.08)
    users = _duplicate(rng, users, int(round(0.01 * n)), "user_id", "L", 5)
    return {"users": users, "reminders": reminders}


_GENERATORS: dict[str, Callable[[np.random.Generator, dict[str, Any]], dict[str, pd.DataFrame]]] = {
    "coaching": _coaching, "grocery": _grocery, "bank": _bank, "clothing": _clothing,
    "fitness": _fitness, "b2b": _b2b, "edtech": _edtech,
}


def generate_case(name: str, config: Mapping[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Generate the tables of one case (a name in ``CASE_NAMES``), in the order its ``tables`` lists.

    >>> len(generate_case("b2b")["accounts"]) >= 200
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a case name (a string), got {type(name).__name__}.")
    require_choice(name, "name", CASE_NAMES)
    cfg = load_cases_config() if config is None else config
    if not isinstance(cfg, Mapping):
        raise TypeError(f"config must be a mapping (a parsed cases.yaml), got {type(cfg).__name__}.")
    spec = cfg[name]
    rng = np.random.default_rng(int(spec["seed"]))
    tables = _GENERATORS[name](rng, copy.deepcopy(spec["params"]))
    order = spec.get("tables") or list(tables)
    if set(order) != set(tables):
        raise ValueError(f"cases.yaml lists tables {order} for {name!r}, but the generator makes {sorted(tables)}.")
    return {t: tables[t] for t in order}


def generate_cases(config: Mapping[str, Any] | None = None,
                   names: Iterable[str] | None = None) -> dict[str, dict[str, pd.DataFrame]]:
    """Generate several cases (all by default).

    >>> list(generate_cases(names=["bank"]))
    ['bank']
    """
    cfg = load_cases_config() if config is None else config
    chosen = list(CASE_NAMES) if names is None else list(names)
    return {name: generate_case(name, cfg) for name in chosen}
