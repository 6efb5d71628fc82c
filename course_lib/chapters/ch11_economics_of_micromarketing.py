"""Chapter 11 (economics): the plans on the simulator, their full costs, the over-segmentation curve and its explorer.

The notebook and its workbook both need these (the workbook's checks are
declared in ``data/exercises/11-economics-of-micromarketing.yaml``). The cost
assumptions, segments and texts are content in ``data/content/economics.yaml``.
A plan's bill:

* ``fixed_cost`` = segments x (creative + management cost per segment);
* ``total_cost`` = ``spend + fixed_cost``; ``cost_per_target`` = total cost / reach;
* ``media_cpa`` = spend / conversions; ``retention_cost`` = total cost / conversions (fully loaded). The
  chapter's plans e-mail the retailer's existing customers, so this is a retention cost (cost per
  converting customer); the same sum over *new* customers would be the customer-acquisition cost (CAC);
* ``roas`` = revenue / spend; ``roas_full`` = revenue / total cost;
* ``profit`` = gross margin x revenue - total cost.

Examples
--------
>>> t = pd.DataFrame({"reach": [100], "spend": [50.0], "conversions": [2], "revenue": [1000.0]})
>>> cols = ["total_cost", "retention_cost", "profit"]
>>> add_costs(t, fixed_cost_per_segment=150.0, gross_margin=0.3)[cols].iloc[0].tolist()
[200.0, 100.0, 100.0]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.analysis.targeting import audience_mask
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe, require_number, require_positive_int

__all__ = ["cost_assumptions", "micro_segments", "simulate_plans", "add_costs", "over_segmentation",
           "segment_curve", "sweet_spot", "plot_segment_curve", "segments_explorer", "answers", "wrong_answers"]

_COUNTS = ["audience_size", "reachable", "reach", "impressions", "clicks", "conversions", "spend", "revenue"]


@functools.lru_cache(maxsize=1)
def _content() -> dict[str, Any]:
    return read_yaml(content_path("economics"), what="economics content")


def cost_assumptions() -> dict[str, Any]:
    """The ``costs`` of ``economics.yaml`` plus ``fixed_cost_per_segment`` (creative + management).

    >>> cost_assumptions()["fixed_cost_per_segment"]
    3000.0
    """
    costs = dict(_content()["costs"])
    costs["fixed_cost_per_segment"] = float(costs["creative_cost_per_segment"] + costs["management_cost_per_segment"])
    return costs


def micro_segments(customers: pd.DataFrame, n: int | None = None) -> dict[str, dict[str, Any]]:
    """The micro plan: the first ``n`` need segments (first matching rule wins) plus "everyone else".

    Returns segment name -> ``{"audience": boolean array, "creative": name}``; the
    "everyone else" segment comes last and is left out when empty.

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(500, seed=3, behaviour=False)
    >>> sum(int(p["audience"].sum()) for p in micro_segments(m.customers, 2).values())
    500
    """
    require_dataframe(customers, "customers")
    ladder = _content()["segments"]
    n = require_positive_int(len(ladder) if n is None else n, "n", minimum=0)
    if n > len(ladder):
        raise ValueError(f"n must be at most {len(ladder)} (the number of need segments), got {n}.")
    left = np.ones(len(customers), dtype=bool)
    plan: dict[str, dict[str, Any]] = {}
    for seg in ladder[:n]:
        mask = audience_mask(customers, seg["rule"], arg=f"segment {seg['name']!r}") & left
        left &= ~mask
        plan[seg["name"]] = {"audience": mask, "creative": seg["creative"]}
    if left.any():
        rest = _content()["rest"]
        plan[rest["name"]] = {"audience": left, "creative": rest["creative"]}
    return plan


#: Simulated plans already run in this session (same audience, creative, channel, contacts, seeds, market).
_SIM_CACHE: dict[tuple[Any, ...], dict[str, float]] = {}


def simulate_plans(customers: pd.DataFrame, plans: Mapping[str, Mapping[str, Any]], *, channel: str = "email",
                   contacts: int = 2, seeds: int = 10, market: Any = None) -> pd.DataFrame:
    """Run plans (name -> ``{"audience": None | rule | mask, "creative": name}``) on the simulator, seeds 0..seeds-1.

    Each reachable person in a plan's audience gets ``contacts`` messages on the CPM
    ``channel``, so plans differ only in who gets which creative. One row per plan: the
    mean counts, spend and revenue of the runs (zeros when nobody can be reached).

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = simulate_plans(m.customers, {"all": {"audience": None, "creative": "generic_sale"}}, seeds=2, market=m)
    >>> int(t.loc["all", "reach"]) == int(m.customers["consent_email"].sum())
    True
    """
    from course_lib.market.simulator import channels, compare  # noqa: PLC0415 (import cost)

    require_columns(customers, ["customer_id"], "customers")
    if not isinstance(plans, Mapping) or not plans:
        raise TypeError("plans must be a non-empty dict of name -> {'audience': ..., 'creative': ...}.")
    ch = channels().get(channel)
    if ch is None or ch.cost_model != "cpm":
        raise ValueError(f"channel must be a CPM channel of the simulator (e.g. 'email'), got {channel!r}.")
    contacts = require_positive_int(contacts, "contacts")
    if contacts > ch.max_frequency:
        raise ValueError(f"contacts must be at most {ch.max_frequency} on {channel!r} (its frequency cap).")
    seeds = require_positive_int(seeds, "seeds")
    if market is None:
        from course_lib.market.simulator import default_market  # noqa: PLC0415

        market = default_market()
    if not pd.Index(customers["customer_id"]).equals(pd.Index(market.customers["customer_id"])):
        raise ValueError("customers must be the simulator market's customers (load_customers()), in order.")
    reachable = customers[ch.requires].fillna(False).to_numpy(dtype=bool) if ch.requires else True
    runnable, empty, keys = {}, {}, {}
    for name, plan in plans.items():
        if not isinstance(plan, Mapping) or "creative" not in plan:
            raise TypeError(f"plan {name!r} must be a dict with 'audience' and 'creative'.")
        mask = audience_mask(customers, plan.get("audience"), arg=f"plan {name!r}")
        people = int((mask & reachable).sum())
        if people == 0:
            empty[name] = dict.fromkeys(_COUNTS, 0.0) | {"audience_size": float(mask.sum())}
            continue
        # a hair above `contacts` full passes, so the simulator's floor division gives `contacts`
        budget = contacts * people * ch.price / 1000 * (1 + 1e-9)
        runnable[name] = {"audience": mask, "creative": plan["creative"], "channel": channel, "budget": budget}
        keys[name] = (np.packbits(mask).tobytes(), plan["creative"], channel, contacts, seeds, id(market))
    todo = {name: p for name, p in runnable.items() if keys[name] not in _SIM_CACHE}
    if todo:
        runs = [compare(todo, seed=s, market=market)[_COUNTS] for s in range(seeds)]
        mean = sum(runs) / len(runs)
        for name in todo:
            _SIM_CACHE[keys[name]] = mean.loc[name].to_dict()
    table = pd.DataFrame({name: _SIM_CACHE[keys[name]] for name in runnable} | empty).T
    return table.reindex(index=list(plans), columns=_COUNTS).rename_axis("plan").astype(float)


def add_costs(table: pd.DataFrame, *, fixed_cost_per_segment: float | None = None,
              gross_margin: float | None = None) -> pd.DataFrame:
    """A copy of ``table`` with the bill of the module docstring added (NaN where a ratio is undefined).

    ``table`` needs ``reach``, ``spend``, ``conversions`` and ``revenue``; a ``segments``
    column counts each row's segments (default 1). Costs default to ``economics.yaml``.

    >>> t = pd.DataFrame({"reach": [0], "spend": [0.0], "conversions": [0], "revenue": [0.0]})
    >>> add_costs(t, fixed_cost_per_segment=10, gross_margin=0.3)[["retention_cost", "profit"]].iloc[0].tolist()
    [nan, -10.0]
    """
    require_dataframe(table, "table")
    require_columns(table, ["reach", "spend", "conversions", "revenue"], "table")
    defaults = cost_assumptions()
    fixed = require_number(defaults["fixed_cost_per_segment"] if fixed_cost_per_segment is None
                           else fixed_cost_per_segment, "fixed_cost_per_segment", minimum=0.0)
    margin = require_number(defaults["gross_margin"] if gross_margin is None else gross_margin, "gross_margin",
                            minimum=0.0, maximum=1.0)
    out = table.copy()
    out["fixed_cost"] = (out["segments"] if "segments" in out.columns else 1.0) * fixed
    out["total_cost"] = out["spend"] + out["fixed_cost"]
    per = {"cost_per_target": ("total_cost", "reach"), "media_cpa": ("spend", "conversions"),
           "retention_cost": ("total_cost", "conversions"), "roas": ("revenue", "spend"),
           "roas_full": ("revenue", "total_cost")}
    for name, (top, bottom) in per.items():
        out[name] = out[top] / out[bottom].where(out[bottom] > 0)
    out["profit"] = margin * out["revenue"] - out["total_cost"]
    return out


def _split_in_two(customers: pd.DataFrame, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Split a segment into two local versions by neighbourhood (balanced), or by age if it has one area."""
    idx = np.flatnonzero(mask)
    if len(idx) < 2:
        return None
    areas = customers["neighbourhood"].to_numpy()[idx].astype(str)
    names, counts = np.unique(areas, return_counts=True)
    if len(names) >= 2:
        first, load = set(), 0
        for k in np.argsort(-counts, kind="stable"):
            if load + counts[k] <= len(idx) / 2 or not first:
                first.add(names[k])
                load += counts[k]
        in_first = np.isin(areas, list(first))
    else:
        ages = customers["age"].to_numpy()[idx]
        in_first = ages <= np.median(ages)
        if in_first.all() or not in_first.any():
            return None
    a, b = np.zeros_like(mask), np.zeros_like(mask)
    a[idx[in_first]] = True
    b[idx[~in_first]] = True
    return a, b


def over_segmentation(customers: pd.DataFrame, max_segments: int | None = None, *, seeds: int | None = None,
                      market: Any = None) -> pd.DataFrame:
    """The plan with 1, 2, ..., ``max_segments`` segments: one row per segment per ``k``.

    ``k = 1`` is the mass plan, then the need segments are carved out one by one. Beyond
    them the largest segment is split in two by neighbourhood with the same creative: the
    parent's results are shared by the people each half can reach, so only the fixed
    cost and the segment sizes change.

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> over_segmentation(m.customers, 10, seeds=1, market=m).groupby("k").size().tolist() == list(range(1, 11))
    True
    """
    costs = cost_assumptions()
    max_segments = require_positive_int(costs["max_segments"] if max_segments is None else max_segments,
                                        "max_segments")
    settings = {"channel": costs["channel"], "contacts": costs["contacts_per_person"],
                "seeds": costs["seeds"] if seeds is None else seeds, "market": market}
    require_columns(customers, ["customer_id", "neighbourhood", "age"], "customers")
    n_need = len(_content()["segments"])
    steps = [list(micro_segments(customers, j).items()) for j in range(min(max_segments, n_need + 1))]
    steps = [s for k, s in enumerate(steps, start=1) if len(s) == k]  # stop if "everyone else" ran empty
    cols = ["audience_size", "reach", "spend", "conversions", "revenue"]
    from course_lib.market.simulator import channels  # noqa: PLC0415

    requires = channels()[costs["channel"]].requires
    reachable = customers[requires].fillna(False).to_numpy(dtype=bool) if requires else np.ones(len(customers), bool)
    rows, segments = [], []
    for k in range(1, max_segments + 1):
        if k <= len(steps):
            sim = simulate_plans(customers, dict(steps[k - 1]), **settings)
            segments = [(name, p["audience"], p["creative"], sim.loc[name, cols].to_dict())
                        for name, p in steps[k - 1]]
        else:
            for j in np.argsort([int(m.sum()) for _, m, _, _ in segments], kind="stable")[::-1]:
                name, mask, creative, res = segments[j]
                halves = _split_in_two(customers, mask)
                if halves is not None:
                    parent = int((mask & reachable).sum())
                    segments[j: j + 1] = [
                        (f"{name} [{tag}]", half, creative,
                         {c: res[c] * (int((half & reachable).sum()) / parent if parent else 0.0) for c in cols[1:]}
                         | {"audience_size": float(half.sum())})
                        for tag, half in zip("ab", halves)]
                    break
            else:
                break
        rows += [{"k": k, "segment": name, "creative": creative, **{c: float(res[c]) for c in cols}}
                 for name, _, creative, res in segments]
    return pd.DataFrame(rows)


def segment_curve(long: pd.DataFrame, *, fixed_cost_per_segment: float | None = None,
                  gross_margin: float | None = None) -> pd.DataFrame:
    """Cost :func:`over_segmentation`: one row per ``k`` with :func:`add_costs`'s columns.

    Adds ``smallest_segment`` (people) and ``losing_segments`` (segments whose margin
    does not cover their media and fixed cost).

    >>> long = pd.DataFrame({"k": [1, 2, 2], "segment": ["all", "a", "b"], "audience_size": [10, 4, 6],
    ...                      "reach": [10, 4, 6], "spend": [5.0, 2.0, 3.0], "conversions": [1, 1, 1],
    ...                      "revenue": [100.0, 90.0, 60.0]})
    >>> segment_curve(long, fixed_cost_per_segment=10, gross_margin=0.5)["profit"].tolist()
    [35.0, 50.0]
    """
    require_dataframe(long, "long")
    require_columns(long, ["k", "segment", "audience_size", "reach", "spend", "conversions", "revenue"], "long")
    one = add_costs(long.assign(segments=1.0), fixed_cost_per_segment=fixed_cost_per_segment,
                    gross_margin=gross_margin)
    g = one.assign(losing=one["profit"] < 0).groupby("k")
    curve = g[["reach", "spend", "conversions", "revenue"]].sum()
    curve.insert(0, "segments", g.size().astype(float))
    fixed = one["fixed_cost"].iloc[0] if len(one) else 0.0
    margin = cost_assumptions()["gross_margin"] if gross_margin is None else gross_margin
    curve = add_costs(curve, fixed_cost_per_segment=fixed, gross_margin=margin)
    curve["smallest_segment"] = g["audience_size"].min()
    curve["losing_segments"] = g["losing"].sum()
    return curve


def sweet_spot(curve: pd.DataFrame) -> int:
    """The number of segments with the highest profit (the smallest such ``k`` on a tie).

    >>> sweet_spot(pd.DataFrame({"profit": [1.0, 5.0, 3.0]}, index=pd.Index([1, 2, 3], name="k")))
    2
    """
    require_dataframe(curve, "curve")
    require_columns(curve, ["profit"], "curve")
    if curve.empty:
        raise ValueError("curve is empty; run over_segmentation first.")
    return int(curve["profit"].round(2).idxmax())


def plot_segment_curve(curve: pd.DataFrame, *, mass_profit: float | None = None, k: int | None = None,
                       title: str | None = None, fig: Any = None) -> Any:
    """Left: profit by ``k`` (sweet spot starred, mass plan dashed); right: revenue, media and total cost.

    Draws on ``fig`` (a matplotlib Figure, as an explorer passes) or on a new pyplot figure.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> c = pd.DataFrame({"profit": [1.0, 3.0], "revenue": [5.0, 9.0], "spend": [1.0, 1.0],
    ...                   "total_cost": [2.0, 3.0]}, index=pd.Index([1, 2], name="k"))
    >>> len(plot_segment_curve(c))
    2
    """
    require_columns(curve, ["profit", "revenue", "spend", "total_cost"], "curve")
    if fig is None:
        import matplotlib.pyplot as plt  # noqa: PLC0415

        fig = plt.figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    best = sweet_spot(curve)
    left.plot(curve.index, curve["profit"], marker="o", ms=3, color="tab:blue", label="micro plan with k segments")
    left.plot([best], [curve.loc[best, "profit"]], marker="*", ms=16, color="tab:green", ls="none",
              label=f"sweet spot: k = {best}")
    if mass_profit is not None:
        left.axhline(mass_profit, color="grey", ls="--", label="mass plan (one message)")
    if k is not None and k in curve.index:
        left.axvline(k, color="tab:orange", lw=1, label=f"your choice: k = {k}")
        right.axvline(k, color="tab:orange", lw=1)
    left.axhline(0, color="black", lw=0.6)
    left.set(xlabel="number of segments (k)", ylabel="profit (₹)", title="Profit after all costs")
    left.legend(fontsize=9)
    right.plot(curve.index, curve["revenue"], color="tab:purple", label="revenue")
    right.plot(curve.index, curve["total_cost"], color="tab:red", label="total cost (media + fixed)")
    right.plot(curve.index, curve["spend"], color="tab:red", ls=":", label="media cost")
    right.set(xlabel="number of segments (k)", ylabel="₹", title="Revenue levels off, fixed costs keep rising",
              ylim=(0, None))
    right.legend(fontsize=9)
    for ax in (left, right):
        ax.tick_params(labelsize=10)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    if title:
        fig.suptitle(title)
    return left, right


def segments_explorer(long: pd.DataFrame, *, segments: int = 8, fixed_cost_per_segment: float | None = None,
                      gross_margin: float | None = None) -> Any:
    """An :class:`~course_lib.learning.explorer.Explorer`: the number of segments and the fixed cost per segment
    redraw the profit curve and report the chosen plan.

    A cell showing it needs the ``nbval-ignore-output`` tag.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    fixed = require_number(cost_assumptions()["fixed_cost_per_segment"] if fixed_cost_per_segment is None
                           else fixed_cost_per_segment, "fixed_cost_per_segment", minimum=0.0)
    max_k = int(long["k"].max())
    if require_positive_int(segments, "segments") > max_k:
        raise ValueError(f"segments must be at most {max_k} (the largest k in long), got {segments}.")
    style = {"continuous_update": False, "style": {"description_width": "200px"},
             "layout": widgets.Layout(width="480px")}
    controls = {"segments": widgets.IntSlider(segments, 1, max_k, description="segments", **style),
                "fixed_cost": widgets.IntSlider(int(fixed), 0, 12000, step=500,
                                                description="fixed cost per segment (₹)", **style)}

    def draw(fig: Any, segments: int, fixed_cost: int) -> str:
        c = segment_curve(long, fixed_cost_per_segment=fixed_cost, gross_margin=gross_margin)
        plot_segment_curve(c, mass_profit=c.loc[1, "profit"], k=segments, fig=fig,
                           title=f"Fixed cost ₹{fixed_cost:,} per segment")
        row, mass = c.loc[segments], c.loc[1, "profit"]
        word = "profit" if row["profit"] >= 0 else "a **loss** of"
        return (f"{segments} segments: {word} ₹{abs(row['profit']):,.0f} (mass plan: ₹{mass:,.0f}); "
                f"retention cost ₹{row['retention_cost']:,.0f}; smallest segment "
                f"{row['smallest_segment']:,.0f} people; {row['losing_segments']:.0f} segment(s) losing money. "
                f"Sweet spot: {sweet_spot(c)} segments.")

    return Explorer(controls, draw, title="Segments and fixed cost", figsize=(11, 4.2))


# --------------------------------------------------------------------------- the workbook's answers


@functools.lru_cache(maxsize=1)
def _workbook_data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from course_lib.market.datasets import load_customers  # noqa: PLC0415

    customers = load_customers()
    micro = simulate_plans(customers, micro_segments(customers))
    mass = simulate_plans(customers, {"Mass: everyone": {"audience": None, "creative": "generic_sale"}})
    return micro, mass, over_segmentation(customers)


def _totals(micro: pd.DataFrame, mass: pd.DataFrame) -> pd.DataFrame:
    plans = pd.DataFrame({"micro": micro.sum(), "mass": mass.sum()}).T
    plans["segments"] = [len(micro), len(mass)]
    return add_costs(plans)


def answers(cheap_fixed_cost: float) -> dict[str, Any]:
    """The right answers (q1 ``micro_retention_cost``, q2 ``best_k``) and the facts the messages quote."""
    micro, mass, long = _workbook_data()
    totals = _totals(micro, mass)
    return {"micro_retention_cost": float(totals.loc["micro", "retention_cost"]),
            "media_cpa": float(totals.loc["micro", "media_cpa"]),
            "mass_retention_cost": float(totals.loc["mass", "retention_cost"]),
            "best_k": sweet_spot(segment_curve(long, fixed_cost_per_segment=cheap_fixed_cost)),
            "default_k": sweet_spot(segment_curve(long))}


def wrong_answers(cheap_fixed_cost: float) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    micro, mass, long = _workbook_data()
    a = cost_assumptions()
    m = _totals(micro, mass).loc["micro"]
    cheap = segment_curve(long, fixed_cost_per_segment=cheap_fixed_cost)
    return {
        "mean_of_segments": float(add_costs(micro)["retention_cost"].mean()),
        "inverted": float(m["conversions"] / m["total_cost"]),
        "creative_only": float((m["spend"] + m["segments"] * a["creative_cost_per_segment"]) / m["conversions"]),
        "one_fixed_cost": float((m["spend"] + a["fixed_cost_per_segment"]) / m["conversions"]),
        "fixed_only": float(m["fixed_cost"] / m["conversions"]), "cost_per_target": float(m["cost_per_target"]),
        "max_revenue": int(cheap["revenue"].idxmax()), "max_roas_full": int(cheap["roas_full"].idxmax()),
        "min_retention_cost": int(cheap["retention_cost"].idxmin()), "max_k": int(cheap.index.max()),
    }
