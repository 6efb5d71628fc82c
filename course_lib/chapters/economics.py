"""The economics of micromarketing: fixed costs, CAC, the wrong target group and over-segmentation.

Micro plans usually win on relevance (more conversions per rupee of media)
but lose economies of scale: every segment needs its own creative and its
own set-up, a fixed cost shared by fewer people. This module puts both
sides on one bill. Plans are run on the course simulator
(:func:`course_lib.market.simulator.compare`, averaged over several seeds) and then
costed:

==================  ==========================================================
column              meaning
==================  ==========================================================
``spend``           media cost (what the channel charges)
``fixed_cost``      segments x (creative + management cost per segment)
``total_cost``      ``spend + fixed_cost``
``cost_per_target`` ``total_cost / reach`` (people reached)
``media_cpa``       ``spend / conversions``: what the ad platform reports
``cac``             ``total_cost / conversions``: fully loaded acquisition cost
``roas``            ``revenue / spend`` (media only)
``roas_full``       ``revenue / total_cost``
``profit``          ``gross_margin * revenue - total_cost``
==================  ==========================================================

The cost figures (fixed cost per segment, gross margin) are illustrative
assumptions stored in ``data/content/economics.yaml``, as are the micro
plan's segments, the wrong-target examples, and the advantages,
limitations and best practices quoted from the seed articles.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"segments": [1], "reach": [100], "spend": [50.0], "conversions": [2],
...                   "revenue": [1000.0]})
>>> add_costs(t, fixed_cost_per_segment=150.0, gross_margin=0.3)[["total_cost", "cac", "profit"]].iloc[0].tolist()
[200.0, 100.0, 100.0]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.metrics import cost_per_target, cpa, roas
from course_lib.analysis.targeting import audience_mask
from course_lib.base.validation import require_columns, require_dataframe, require_number, require_positive_int

__all__ = [
    "CONTENT_PATH",
    "load_content",
    "cost_assumptions",
    "assumptions_table",
    "pros_and_cons",
    "best_practices",
    "wrong_targets",
    "micro_segments",
    "contact_budget",
    "simulate_plans",
    "plan_totals",
    "add_costs",
    "break_even_size",
    "over_segmentation",
    "segment_curve",
    "sweet_spot",
    "plot_segment_curve",
    "segments_explorer",
    "plot_fixed_cost_per_person",
]

#: The course content behind this module.
CONTENT_PATH: Path = paths.DATA_DIR / "content" / "economics.yaml"

_COST_KEYS = ("channel", "contacts_per_person", "creative_cost_per_segment", "management_cost_per_segment",
              "gross_margin", "seeds", "max_segments")
_COUNTS = ["audience_size", "reachable", "reach", "impressions", "clicks", "conversions", "spend", "revenue"]


# --------------------------------------------------------------------------- content


@functools.lru_cache(maxsize=4)
def _read(path_str: str) -> dict[str, Any]:
    with open(path_str, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    needed = ["costs", "segments", "rest", "mass", "wrong_targets", "pros_and_cons", "best_practices"]
    if not isinstance(data, dict) or any(k not in data for k in needed):
        raise ValueError(f"{path_str} must be a mapping with the sections {needed}.")
    missing = [k for k in _COST_KEYS if k not in data["costs"]]
    if missing:
        raise ValueError(f"{path_str}: the 'costs' section lacks {missing}.")
    return data


def load_content(path: str | Path | None = None) -> dict[str, Any]:
    """The whole content file as a dict (a fresh copy; editing it changes nothing on disk).

    Examples
    --------
    >>> sorted(load_content())[:3]
    ['best_practices', 'costs', 'keyword_prices']
    """
    import copy  # noqa: PLC0415

    return copy.deepcopy(_read(str(Path(path) if path is not None else CONTENT_PATH)))


def cost_assumptions(path: str | Path | None = None) -> dict[str, Any]:
    """The illustrative cost assumptions (channel, contacts, fixed costs, margin, seeds).

    Adds ``fixed_cost_per_segment`` = creative + management cost per segment.

    Examples
    --------
    >>> a = cost_assumptions()
    >>> a["fixed_cost_per_segment"] == a["creative_cost_per_segment"] + a["management_cost_per_segment"]
    True
    """
    costs = dict(load_content(path)["costs"])
    costs["fixed_cost_per_segment"] = float(costs["creative_cost_per_segment"]) + float(
        costs["management_cost_per_segment"])
    return costs


def assumptions_table(path: str | Path | None = None) -> pd.DataFrame:
    """The cost assumptions as a table with their status (source or illustrative assumption).

    Examples
    --------
    >>> "gross_margin" in assumptions_table().index
    True
    """
    data = load_content(path)
    costs = cost_assumptions(path)
    labels = {
        "channel": ("simulator channel for every plan", "course simulator (data/market/market.yaml)"),
        "contacts_per_person": ("messages per reachable person", "channel's frequency cap (market.yaml)"),
        "creative_cost_per_segment": ("Rs to adapt one creative per segment", "illustrative assumption"),
        "management_cost_per_segment": ("Rs per segment for lists, set-up and reporting", "illustrative assumption"),
        "fixed_cost_per_segment": ("Rs fixed cost per segment (the two above)", "illustrative assumption"),
        "gross_margin": ("share of revenue left after cost of goods", "illustrative assumption"),
    }
    rows = [{"assumption": k, "value": costs[k], "meaning": m, "status": s} for k, (m, s) in labels.items()]
    kw = data.get("keyword_prices", {})
    for key, meaning in (("specific_keyword_cpc_usd", "$ per click, specific keyword"),
                         ("popular_keyword_cpc_usd", "$ per click, popular keyword")):
        if key in kw:
            rows.append({"assumption": key, "value": kw[key], "meaning": meaning,
                         "status": f"source: {kw.get('source', 'seed article')}"})
    return pd.DataFrame(rows).set_index("assumption")


def _table(path: str | Path | None, key: str, columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(load_content(path)[key])
    require_columns(table, columns, f"the '{key}' content")
    return table[columns]


def pros_and_cons(path: str | Path | None = None) -> pd.DataFrame:
    """Advantages and limitations of micromarketing as the seed articles list them, with sources.

    Examples
    --------
    >>> set(pros_and_cons()["side"]) == {"advantage", "limitation"}
    True
    """
    return _table(path, "pros_and_cons", ["side", "point", "source", "shown"])


def best_practices(path: str | Path | None = None) -> pd.DataFrame:
    """Best practices (source: Indian Exam Hub, *Micromarketing*) and why each matters in the chapter.

    Examples
    --------
    >>> len(best_practices()) >= 5
    True
    """
    return _table(path, "best_practices", ["practice", "why_here"])


def wrong_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Right vs wrong target groups for the same creative (illustrative stories).

    Returns
    -------
    DataFrame
        ``creative``, ``right_name``, ``right_rule``, ``wrong_name``, ``wrong_rule``, ``story``.

    Examples
    --------
    >>> wrong_targets().columns[0]
    'creative'
    """
    rows = [{"creative": w["creative"], "right_name": w["right"]["name"], "right_rule": w["right"]["rule"],
             "wrong_name": w["wrong"]["name"], "wrong_rule": w["wrong"]["rule"], "story": w["story"]}
            for w in load_content(path)["wrong_targets"]]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- plans


def micro_segments(customers: pd.DataFrame, n: int | None = None, *, path: str | Path | None = None
                   ) -> dict[str, dict[str, Any]]:
    """The micro plan: the first ``n`` need segments (first matching rule wins) plus "everyone else".

    Parameters
    ----------
    customers : DataFrame
        The customers table the rules refer to.
    n : int, optional
        How many need segments to carve out (0 = nobody: everyone gets the generic message);
        default all of them.
    path : path-like, optional
        Content file; default ``data/content/economics.yaml``.

    Returns
    -------
    dict
        Segment name -> ``{"audience": boolean array, "creative": name}``, in order, the
        "everyone else" segment last (left out when empty).

    Examples
    --------
    >>> import pandas as pd
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(500, seed=3, behaviour=False)
    >>> plan = micro_segments(m.customers, 2)
    >>> sum(int(p["audience"].sum()) for p in plan.values()) == len(m.customers)
    True
    """
    require_dataframe(customers, "customers")
    data = load_content(path)
    ladder = data["segments"]
    if n is None:
        n = len(ladder)
    n = require_positive_int(n, "n", minimum=0)
    if n > len(ladder):
        raise ValueError(f"n must be at most {len(ladder)} (the number of need segments), got {n}.")
    left = np.ones(len(customers), dtype=bool)
    plan: dict[str, dict[str, Any]] = {}
    for seg in ladder[:n]:
        mask = audience_mask(customers, seg["rule"], arg=f"segment {seg['name']!r}") & left
        left &= ~mask
        plan[seg["name"]] = {"audience": mask, "creative": seg["creative"]}
    if left.any():
        plan[data["rest"]["name"]] = {"audience": left, "creative": data["rest"]["creative"]}
    return plan


def contact_budget(customers: pd.DataFrame, audience: Any, channel: str, contacts: int = 1) -> float:
    """Media budget that sends every reachable person in ``audience`` ``contacts`` messages.

    Only CPM channels (priced per 1,000 impressions) have a budget fixed by the
    audience; for a CPC channel the cost depends on clicks, so this raises.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"customer_id": ["C1", "C2"], "consent_email": [True, False]})
    >>> round(contact_budget(c, None, "email", contacts=2), 4)
    0.3
    """
    from course_lib.market.simulator import channels  # noqa: PLC0415

    known = channels()
    if channel not in known:
        raise ValueError(f"unknown channel {channel!r}; choose one of {', '.join(map(repr, known))}.")
    ch = known[channel]
    if ch.cost_model != "cpm":
        raise ValueError(f"channel {channel!r} is priced per click; contact_budget needs a CPM channel "
                         "(email, sms, whatsapp, app_push, social_ads, display_ads).")
    contacts = require_positive_int(contacts, "contacts")
    if contacts > ch.max_frequency:
        raise ValueError(f"contacts must be at most {ch.max_frequency} on {channel!r} (its frequency cap).")
    mask = audience_mask(customers, audience)
    if ch.requires:
        require_columns(customers, [ch.requires], "customers")
        mask = mask & customers[ch.requires].fillna(False).to_numpy(dtype=bool)
    once = int(mask.sum()) * (ch.price / 1000.0)
    # a hair above `contacts` full passes so that the simulator's floor division gives `contacts`
    return contacts * once * (1 + 1e-9)


#: Simulated plan results already computed in this session (same audience, creative, channel,
#: contacts, seeds and market give the same numbers, so they are reused).
_SIM_CACHE: dict[tuple[Any, ...], dict[str, float]] = {}


@functools.lru_cache(maxsize=1)
def _course_ids() -> pd.Index:
    from course_lib.market.datasets import load_customers  # noqa: PLC0415

    return pd.Index(load_customers()["customer_id"])


def _market_mask_factory(customers: pd.DataFrame, market: Any):
    """Return a function: mask over ``customers`` -> mask over the simulator's customers."""
    require_columns(customers, ["customer_id"], "customers")
    ids = pd.Index(customers["customer_id"].astype(str))
    market_ids = _course_ids() if market is None else pd.Index(market.customers["customer_id"])
    if ids.equals(market_ids):
        return lambda mask: mask
    pos = market_ids.get_indexer(ids)
    if (pos < 0).any():
        raise ValueError(f"customers has {int((pos < 0).sum())} customer id(s) the simulator's market does not "
                         "know; use the course's customers table (load_customers()).")

    def convert(mask: np.ndarray) -> np.ndarray:
        out = np.zeros(len(market_ids), dtype=bool)
        out[pos[mask]] = True
        return out

    return convert


def _seeds(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return list(range(require_positive_int(seeds, "seeds")))
    if isinstance(seeds, Sequence) and not isinstance(seeds, str) and len(seeds):
        return [require_positive_int(s, "each seed", minimum=0) for s in seeds]
    raise TypeError(f"seeds must be a number of runs (e.g. 10) or a list of seeds, got {seeds!r}.")


def simulate_plans(
    customers: pd.DataFrame,
    plans: Mapping[str, Mapping[str, Any]],
    *,
    channel: str = "email",
    contacts: int = 2,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> pd.DataFrame:
    """Run plans on the course simulator with :func:`course_lib.market.simulator.compare`, averaged over seeds.

    Every plan sends each reachable person in its audience ``contacts`` messages on
    ``channel`` (budget from :func:`contact_budget`), so plans differ only in who is
    targeted and with which creative.

    Parameters
    ----------
    customers : DataFrame
        The customers table the audiences refer to.
    plans : dict
        Name -> ``{"audience": None | rule | boolean mask, "creative": name}``.
    channel : str, default "email"
        A CPM channel of the simulator.
    contacts : int, default 2
        Messages per reachable person (at most the channel's frequency cap).
    seeds : int or list of int, default 10
        Runs to average (seeds ``0 .. seeds-1``) or the seeds themselves.
    market : Market, optional
        Simulator market; default the committed one.

    Returns
    -------
    DataFrame
        One row per plan (index ``plan``): ``audience_size``, ``reachable``, ``reach``,
        ``impressions``, ``clicks``, ``conversions``, ``spend``, ``revenue`` (means per run).
        A plan nobody in can be reached gives zeros.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = simulate_plans(m.customers, {"all": {"audience": None, "creative": "generic_sale"}},
    ...                    seeds=2, market=m)
    >>> int(t.loc["all", "reach"]) == int(m.customers["consent_email"].sum())
    True
    """
    from course_lib.market.simulator import compare  # noqa: PLC0415

    if not isinstance(plans, Mapping) or not plans:
        raise TypeError("plans must be a non-empty dict of name -> {'audience': ..., 'creative': ...}.")
    to_market = _market_mask_factory(customers, market)
    runnable: dict[str, dict[str, Any]] = {}
    empty: dict[str, dict[str, float]] = {}
    for name, plan in plans.items():
        if not isinstance(plan, Mapping) or "creative" not in plan:
            raise TypeError(f"plan {name!r} must be a dict with 'audience' and 'creative'.")
        mask = audience_mask(customers, plan.get("audience"), arg=f"plan {name!r}")
        budget = contact_budget(customers, mask, channel, contacts)
        if budget <= 0:
            empty[name] = dict.fromkeys(_COUNTS, 0.0) | {"audience_size": float(mask.sum())}
            continue
        runnable[name] = {"audience": to_market(mask), "creative": plan["creative"], "channel": channel,
                          "budget": budget}
    runs_of = tuple(_seeds(seeds))
    keys = {name: (np.packbits(p["audience"]).tobytes(), p["creative"], channel, contacts, runs_of, id(market))
            for name, p in runnable.items()}
    todo = {name: p for name, p in runnable.items() if keys[name] not in _SIM_CACHE}
    if todo:
        runs = [compare(todo, seed=s, market=market)[_COUNTS] for s in runs_of]
        fresh = sum(runs) / len(runs)
        if len(_SIM_CACHE) > 512:
            _SIM_CACHE.clear()
        for name in todo:
            _SIM_CACHE[keys[name]] = fresh.loc[name].to_dict()
    table = pd.DataFrame({name: _SIM_CACHE[keys[name]] for name in runnable} | empty).T
    table = table.reindex(columns=_COUNTS)
    table = table.loc[list(plans)]
    table.index.name = "plan"
    return table.astype(float)


def plan_totals(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Add up the segments of each plan: one row per plan with a ``segments`` count.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"reach": [10, 20], "spend": [1.0, 2.0]}, index=["a", "b"])
    >>> plan_totals({"micro": seg}).loc["micro", ["segments", "reach"]].tolist()
    [2.0, 30.0]
    """
    if not isinstance(tables, Mapping) or not tables:
        raise TypeError("tables must be a non-empty dict of plan name -> per-segment table.")
    rows = {}
    for name, t in tables.items():
        require_dataframe(t, f"tables[{name!r}]")
        numeric = t.select_dtypes("number")
        rows[name] = {"segments": float(len(t)), **numeric.sum().to_dict()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "plan"
    return out


def add_costs(
    table: pd.DataFrame,
    *,
    fixed_cost_per_segment: float | None = None,
    gross_margin: float | None = None,
) -> pd.DataFrame:
    """Add fixed costs, cost per target, media CPA, fully loaded CAC, ROAS and profit (a copy).

    Parameters
    ----------
    table : DataFrame
        Needs ``reach``, ``spend``, ``conversions`` and ``revenue``; a ``segments``
        column counts the segments of each row (default 1 per row).
    fixed_cost_per_segment, gross_margin : float, optional
        Default: the illustrative assumptions in ``data/content/economics.yaml``.

    Returns
    -------
    DataFrame
        The input plus ``fixed_cost``, ``total_cost``, ``cost_per_target``, ``media_cpa``,
        ``cac``, ``roas``, ``roas_full`` and ``profit`` (NaN where a ratio is undefined).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reach": [0], "spend": [0.0], "conversions": [0], "revenue": [0.0]})
    >>> add_costs(t, fixed_cost_per_segment=10, gross_margin=0.3)["profit"].tolist()
    [-10.0]
    """
    require_dataframe(table, "table")
    require_columns(table, ["reach", "spend", "conversions", "revenue"], "table")
    defaults = cost_assumptions()
    fixed = defaults["fixed_cost_per_segment"] if fixed_cost_per_segment is None else fixed_cost_per_segment
    margin = defaults["gross_margin"] if gross_margin is None else gross_margin
    fixed = require_number(fixed, "fixed_cost_per_segment", minimum=0.0)
    margin = require_number(margin, "gross_margin", minimum=0.0, maximum=1.0)
    out = table.copy()
    segments = out["segments"] if "segments" in out.columns else 1.0
    out["fixed_cost"] = segments * fixed
    out["total_cost"] = out["spend"] + out["fixed_cost"]
    out["cost_per_target"] = cost_per_target(out["total_cost"].to_numpy(float), out["reach"].to_numpy(float))
    out["media_cpa"] = cpa(out["spend"].to_numpy(float), out["conversions"].to_numpy(float))
    out["cac"] = cpa(out["total_cost"].to_numpy(float), out["conversions"].to_numpy(float))
    out["roas"] = roas(out["revenue"].to_numpy(float), out["spend"].to_numpy(float))
    out["roas_full"] = roas(out["revenue"].to_numpy(float), out["total_cost"].to_numpy(float))
    out["profit"] = margin * out["revenue"] - out["total_cost"]
    return out


def break_even_size(revenue_per_person: float, media_cost_per_person: float, *,
                    fixed_cost_per_segment: float, gross_margin: float) -> float:
    """Smallest segment (people) whose gross margin pays back its media and fixed cost.

    ``n = fixed cost / (gross margin x revenue per person - media cost per person)``;
    ``inf`` when each person earns less margin than they cost (no size breaks even).

    Examples
    --------
    >>> break_even_size(2.0, 0.3, fixed_cost_per_segment=3000, gross_margin=0.3)
    10000.0
    >>> break_even_size(0.5, 0.3, fixed_cost_per_segment=3000, gross_margin=0.3)
    inf
    """
    rev = require_number(revenue_per_person, "revenue_per_person", minimum=0.0)
    media = require_number(media_cost_per_person, "media_cost_per_person", minimum=0.0)
    fixed = require_number(fixed_cost_per_segment, "fixed_cost_per_segment", minimum=0.0)
    margin = require_number(gross_margin, "gross_margin", minimum=0.0, maximum=1.0)
    per_person = margin * rev - media
    if per_person <= 0:
        return float("inf")
    return float(fixed / per_person)


# --------------------------------------------------------------------------- over-segmentation


def _split_in_two(customers: pd.DataFrame, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Split a segment into two local versions by neighbourhood (balanced), or by age if it has one area."""
    idx = np.flatnonzero(mask)
    if len(idx) < 2:
        return None
    areas = customers["neighbourhood"].to_numpy()[idx]
    names, counts = np.unique(areas.astype(str), return_counts=True)
    if len(names) >= 2:
        first, load = set(), 0
        for k in np.argsort(-counts, kind="stable"):
            if load + counts[k] <= len(idx) / 2 or not first:
                first.add(names[k])
                load += counts[k]
        in_first = np.isin(areas.astype(str), list(first))
    else:
        ages = customers["age"].to_numpy()[idx]
        in_first = ages <= np.median(ages)
        if in_first.all() or not in_first.any():
            return None
    a, b = np.zeros_like(mask), np.zeros_like(mask)
    a[idx[in_first]] = True
    b[idx[~in_first]] = True
    return a, b


def over_segmentation(
    customers: pd.DataFrame,
    max_segments: int | None = None,
    *,
    channel: str | None = None,
    contacts: int | None = None,
    seeds: int | Sequence[int] | None = None,
    market: Any = None,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Simulate the plan with 1, 2, ..., ``max_segments`` segments (the over-segmentation experiment).

    With ``k`` segments up to the number of need segments plus one, the first ``k - 1``
    need segments get their own creative and everyone else the generic message (``k = 1``
    is the mass plan); these plans run on the simulator (:func:`simulate_plans`). Beyond
    that the marketer keeps splitting: the largest segment is split into two local
    versions (by neighbourhood), each with its own copy of the same creative. The same
    message reaches the same people, so the parent's simulated results are shared
    between the two halves in proportion to the people each can reach; what changes
    is the fixed cost (one more segment) and the size of each segment. Every plan
    contacts every reachable customer the same number of times, so the media cost is
    the same at every ``k``.

    Returns
    -------
    DataFrame
        One row per segment per ``k``: ``k``, ``segment``, ``creative``, ``audience_size``,
        ``reach``, ``spend``, ``conversions``, ``revenue``. Cost it with :func:`segment_curve`.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> long = over_segmentation(m.customers, 10, seeds=1, market=m)
    >>> long.groupby("k").size().tolist() == list(range(1, 11))
    True
    """
    costs = cost_assumptions(path)
    max_segments = require_positive_int(costs["max_segments"] if max_segments is None else max_segments,
                                        "max_segments")
    channel = costs["channel"] if channel is None else channel
    contacts = costs["contacts_per_person"] if contacts is None else contacts
    seeds = costs["seeds"] if seeds is None else seeds
    require_columns(customers, ["customer_id", "neighbourhood", "age"], "customers")
    n_need = len(load_content(path)["segments"])
    steps = [list(micro_segments(customers, j, path=path).items()) for j in range(min(max_segments, n_need + 1))]
    steps = [s for k, s in enumerate(steps, start=1) if len(s) == k]  # stop if "everyone else" ran empty
    distinct: dict[tuple[bytes, str], dict[str, Any]] = {}
    for step in steps:
        for _, p in step:
            distinct.setdefault((np.packbits(p["audience"]).tobytes(), p["creative"]), p)
    plans = {f"p{i}": p for i, p in enumerate(distinct.values())}
    sim = simulate_plans(customers, plans, channel=channel, contacts=contacts, seeds=seeds, market=market)
    results = {key: sim.loc[f"p{i}"].to_dict() for i, key in enumerate(distinct)}

    cols = ["audience_size", "reach", "spend", "conversions", "revenue"]
    rows = []
    segments: list[tuple[str, np.ndarray, str, dict[str, float]]] = []
    for k in range(1, max_segments + 1):
        if k <= len(steps):
            segments = [(name, p["audience"], p["creative"],
                         {c: float(results[(np.packbits(p["audience"]).tobytes(), p["creative"])][c]) for c in cols})
                        for name, p in steps[k - 1]]
        else:
            for j in np.argsort([int(m.sum()) for _, m, _, _ in segments], kind="stable")[::-1]:
                name, mask, creative, res = segments[j]
                halves = _split_in_two(customers, mask)
                if halves is not None:
                    segments[j: j + 1] = [(f"{name} [{tag}]", half, creative,
                                           _share(res, customers, mask, half, channel))
                                          for tag, half in zip("ab", halves)]
                    break
            else:
                break
        for name, _, creative, res in segments:
            rows.append({"k": k, "segment": name, "creative": creative, **res})
    return pd.DataFrame(rows)


def _share(res: Mapping[str, float], customers: pd.DataFrame, parent: np.ndarray, half: np.ndarray,
           channel: str) -> dict[str, float]:
    """The part of a parent segment's results that falls to ``half`` (by people reachable)."""
    from course_lib.market.simulator import channels  # noqa: PLC0415

    requires = channels()[channel].requires
    reachable = customers[requires].fillna(False).to_numpy(dtype=bool) if requires else np.ones(len(half), bool)
    denom = int((parent & reachable).sum())
    share = int((half & reachable).sum()) / denom if denom else 0.0
    out = {c: float(res[c]) * share for c in ("reach", "spend", "conversions", "revenue")}
    out["audience_size"] = float(half.sum())
    return {c: out[c] for c in ("audience_size", "reach", "spend", "conversions", "revenue")}


def segment_curve(
    long: pd.DataFrame,
    *,
    fixed_cost_per_segment: float | None = None,
    gross_margin: float | None = None,
) -> pd.DataFrame:
    """Cost the over-segmentation experiment: one row per number of segments ``k``.

    Returns
    -------
    DataFrame
        Indexed by ``k``: ``segments``, ``reach``, ``spend``, ``conversions``, ``revenue``,
        the columns of :func:`add_costs`, ``smallest_segment`` (people) and
        ``losing_segments`` (segments whose margin does not cover their media and fixed cost).

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"k": [1, 2, 2], "segment": ["all", "a", "b"], "audience_size": [10, 4, 6],
    ...                      "reach": [10, 4, 6], "spend": [5.0, 2.0, 3.0], "conversions": [1, 1, 1],
    ...                      "revenue": [100.0, 90.0, 60.0]})
    >>> segment_curve(long, fixed_cost_per_segment=10, gross_margin=0.5)["profit"].tolist()
    [35.0, 50.0]
    """
    require_dataframe(long, "long")
    require_columns(long, ["k", "segment", "audience_size", "reach", "spend", "conversions", "revenue"], "long")
    defaults = cost_assumptions()
    fixed = defaults["fixed_cost_per_segment"] if fixed_cost_per_segment is None else fixed_cost_per_segment
    margin = defaults["gross_margin"] if gross_margin is None else gross_margin
    fixed = require_number(fixed, "fixed_cost_per_segment", minimum=0.0)
    margin = require_number(margin, "gross_margin", minimum=0.0, maximum=1.0)
    seg_profit = margin * long["revenue"] - long["spend"] - fixed
    g = long.assign(losing=seg_profit < 0).groupby("k")
    curve = g[["reach", "spend", "conversions", "revenue"]].sum()
    curve.insert(0, "segments", g.size().astype(float))
    curve = add_costs(curve, fixed_cost_per_segment=fixed, gross_margin=margin)
    curve["smallest_segment"] = g["audience_size"].min()
    curve["losing_segments"] = g["losing"].sum()
    return curve


def sweet_spot(curve: pd.DataFrame) -> int:
    """The number of segments with the highest profit (the smallest such ``k`` on a tie).

    Examples
    --------
    >>> import pandas as pd
    >>> sweet_spot(pd.DataFrame({"profit": [1.0, 5.0, 3.0]}, index=pd.Index([1, 2, 3], name="k")))
    2
    """
    require_dataframe(curve, "curve")
    require_columns(curve, ["profit"], "curve")
    if curve.empty:
        raise ValueError("curve is empty; run over_segmentation first.")
    return int(curve["profit"].round(2).idxmax())


def plot_segment_curve(curve: pd.DataFrame, *, mass_profit: float | None = None, k: int | None = None,
                       axes: Any = None, title: str | None = None) -> Any:
    """Profit and cost per sale against the number of segments, with the mass plan as a reference.

    Left: profit (Rs) by ``k`` with the sweet spot starred and the mass plan's profit as a
    dashed line. Right: revenue, media spend and total cost by ``k`` (fixed costs climb
    while revenue levels off). ``k`` highlights one number of segments.

    Returns
    -------
    array of two matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> c = pd.DataFrame({"profit": [1.0, 3.0], "revenue": [5.0, 9.0], "spend": [1.0, 1.0],
    ...                   "total_cost": [2.0, 3.0]}, index=pd.Index([1, 2], name="k"))
    >>> len(plot_segment_curve(c))
    2
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(curve, "curve")
    require_columns(curve, ["profit", "revenue", "spend", "total_cost"], "curve")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    left, right = axes
    x = curve.index.to_numpy()
    best = sweet_spot(curve)
    left.plot(x, curve["profit"], marker="o", ms=3, color="tab:blue", label="micro plan with k segments")
    left.plot([best], [curve.loc[best, "profit"]], marker="*", ms=16, color="tab:green", ls="none",
              label=f"sweet spot: k = {best}")
    if mass_profit is not None:
        left.axhline(mass_profit, color="grey", ls="--", label="mass plan (one message)")
    if k is not None and k in curve.index:
        left.axvline(k, color="tab:orange", lw=1, label=f"your choice: k = {k}")
        right.axvline(k, color="tab:orange", lw=1)
    left.axhline(0, color="black", lw=0.6)
    left.set(xlabel="number of segments (k)", ylabel="profit (Rs)", title="Profit after all costs")
    left.legend(fontsize=8)
    right.plot(x, curve["revenue"], color="tab:purple", label="revenue")
    right.plot(x, curve["total_cost"], color="tab:red", label="total cost (media + fixed)")
    right.plot(x, curve["spend"], color="tab:red", ls=":", label="media cost")
    right.set(xlabel="number of segments (k)", ylabel="Rs", title="Revenue levels off, fixed costs keep rising",
              ylim=(0, None))
    right.legend(fontsize=8)
    if title:
        left.figure.suptitle(title)
    left.figure.tight_layout()
    return axes


def segments_explorer(long: pd.DataFrame, *, segments: int = 8, fixed_cost_per_segment: float | None = None,
                      gross_margin: float | None = None) -> Any:
    """Sliders for the number of segments and the fixed cost per segment, redrawing the profit curve.

    Each move recosts :func:`over_segmentation`'s table with :func:`segment_curve`,
    draws :func:`plot_segment_curve` with the mass plan (``k = 1``) as the reference
    line, and prints the chosen ``k``'s profit, CAC, smallest segment, losing segments
    and the sweet spot. A cell showing it should carry the ``nbval-ignore-output`` tag.

    Returns
    -------
    ipywidgets.interactive
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(long, "long")
    require_columns(long, ["k"], "long")
    fixed = cost_assumptions()["fixed_cost_per_segment"] if fixed_cost_per_segment is None else fixed_cost_per_segment
    fixed = require_number(fixed, "fixed_cost_per_segment", minimum=0.0)
    max_k = int(long["k"].max())
    segments = require_positive_int(segments, "segments")
    if segments > max_k:
        raise ValueError(f"segments must be at most {max_k} (the largest k in long), got {segments}.")

    def show(segments: int, fixed_cost: int) -> None:
        c = segment_curve(long, fixed_cost_per_segment=fixed_cost, gross_margin=gross_margin)
        plot_segment_curve(c, mass_profit=c.loc[1, "profit"], k=segments,
                           title=f"Fixed cost Rs {fixed_cost:,} per segment")
        plt.show()
        row = c.loc[segments]
        print(f"{segments} segments: profit Rs {row['profit']:,.0f} (mass Rs {c.loc[1, 'profit']:,.0f}), CAC Rs "
              f"{row['cac']:,.0f}, smallest segment {row['smallest_segment']:,.0f} people, "
              f"{row['losing_segments']:.0f} segment(s) losing money. Sweet spot: {sweet_spot(c)}.")

    return widgets.interactive(
        show,
        segments=widgets.IntSlider(segments, 1, max_k, description="segments"),
        fixed_cost=widgets.IntSlider(int(fixed), 0, 12000, step=500, description="fixed Rs"),
    )


def plot_fixed_cost_per_person(table: pd.DataFrame, *, fixed_cost_per_segment: float | None = None,
                               ax: Any = None) -> Any:
    """Economies of scale: media and fixed cost per person reached, by segment size.

    Each bar is one row of ``table`` (needs ``reach`` and ``spend``), sorted by reach;
    the stacked part on top is the fixed cost per segment divided by the people reached.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> t = pd.DataFrame({"reach": [100, 1000], "spend": [30.0, 300.0]}, index=["a", "b"])
    >>> plot_fixed_cost_per_person(t, fixed_cost_per_segment=100).get_xlabel()
    'cost per person reached (Rs)'
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_dataframe(table, "table")
    require_columns(table, ["reach", "spend"], "table")
    fixed = cost_assumptions()["fixed_cost_per_segment"] if fixed_cost_per_segment is None else fixed_cost_per_segment
    fixed = require_number(fixed, "fixed_cost_per_segment", minimum=0.0)
    t = table[table["reach"] > 0].sort_values("reach")
    media = t["spend"] / t["reach"]
    fixed_pp = fixed / t["reach"]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.2))
    labels = [f"{name} ({int(r):,} reached)" for name, r in zip(t.index, t["reach"])]
    ax.barh(labels, media, color="tab:blue", label="media cost per person")
    ax.barh(labels, fixed_pp, left=media, color="tab:red", label="fixed cost per person (creative + set-up)")
    ax.set(xlabel="cost per person reached (Rs)", ylabel="segment",
           title="The smaller the segment, the more each person carries of the fixed cost")
    ax.legend(fontsize=8, loc="upper right")
    return ax
