"""Chapter 08 (personalisation): adverts assembled from modular assets, run on the campaign simulator.

:func:`assemble` fills a segment's assets (``data/content/personalisation.yaml``,
:func:`load_assets`) into the brand template, optionally borrowing single
slots from other segments, and returns a simulator creative. A mix's fit to
each hidden customer segment is the slot-weighted average of its slots'
themes; the offer decides the basket; a theme's interest boost applies when
slots carrying half the weight share it. :func:`compare_creatives` and
:func:`frequency_curve` run creatives with the same channel, budget and seeds;
two widgets explore them; :func:`answers` serves the workbook's checks.

>>> assemble("students", offer="generic").name
'students + offer from generic'
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_number, require_positive_int
from course_lib.analysis.targeting import seed_list
from course_lib.market import simulator
from course_lib.market.synthetic import SEGMENT_NAMES

__all__ = ["SLOTS", "load_assets", "assemble", "compare_creatives", "frequency_curve", "plot_frequency_curve",
           "explore_frequency", "explore_creative", "answers"]

#: The slots of an advert, in template order.
SLOTS: tuple[str, ...] = ("headline", "scene", "offer", "call_to_action")


def load_assets() -> dict[str, Any]:
    """The content file (``brand``, ``slots`` with label and weight, ``segments``), checked.

    >>> list(load_assets()["slots"]) == list(SLOTS)
    True
    """
    content = read_yaml(content_path("personalisation"), what="personalisation content")
    where = "data/content/personalisation.yaml"
    if tuple(content.get("slots") or ()) != SLOTS:
        raise ValueError(f"{where}: slots must list exactly {', '.join(SLOTS)} in that order.")
    if abs(sum(s["weight"] for s in content["slots"].values()) - 1.0) > 1e-9:
        raise ValueError(f"{where}: the slot weights must add up to 1.")
    known = simulator.creatives()
    for key, seg in content["segments"].items():
        if seg.get("theme") not in known or set(seg.get("assets") or ()) != set(SLOTS):
            raise ValueError(f"{where}: segment {key!r} needs a simulator creative as theme and a text per slot.")
    return content


def assemble(segment: str, **slots: str) -> simulator.Creative:
    """The advert of ``segment``, with ``headline=``, ``scene=``, ``offer=`` or ``call_to_action=`` borrowed.

    Returns a simulator :class:`~course_lib.market.simulator.Creative` whose
    ``description`` is the finished advert (print it to read it).

    >>> assemble("eco", headline="generic").description.splitlines()[0]
    'Big sale now on'
    """
    content = load_assets()
    segments, catalogue = content["segments"], simulator.creatives()
    parts = {s: segment for s in SLOTS}
    for slot, other in slots.items():
        if slot not in SLOTS:
            raise ValueError(f"unknown slot {slot!r}; the slots are {', '.join(SLOTS)}.")
        parts[slot] = other
    for arg, key in [("segment", segment), *parts.items()]:
        if not isinstance(key, str) or key not in segments:
            raise ValueError(f"{arg}={key!r} is not a segment; choose one of {', '.join(map(repr, segments))}.")
    borrowed = [f"{s.replace('_', ' ')} from {parts[s]}" for s in SLOTS if parts[s] != segment]
    name = segment if not borrowed else f"{segment} + {', '.join(borrowed)}"
    brand = content["brand"]
    text = brand["template"].format(brand=brand["name"], tagline=brand["tagline"],
                                    **{s: segments[parts[s]]["assets"][s].strip() for s in SLOTS})
    themes = {s: catalogue[segments[parts[s]]["theme"]] for s in SLOTS}
    if len({t.name for t in themes.values()}) == 1:
        return dataclasses.replace(themes["offer"], name=name, description=text)
    weights = {s: content["slots"][s]["weight"] for s in SLOTS}
    fit = sum(weights[s] * themes[s].fit_vector() for s in SLOTS)
    share: dict[str, float] = {}
    for s in SLOTS:
        share[themes[s].name] = share.get(themes[s].name, 0.0) + weights[s]
    interest = None
    for theme, weight in share.items():
        if weight >= 0.5 - 1e-12 and catalogue[theme].interest:
            interest = catalogue[theme].interest
    return simulator.Creative(name=name, fit={seg: float(np.clip(v, 0, 1)) for seg, v in zip(SEGMENT_NAMES, fit)},
                              interest=interest, order_value=themes["offer"].order_value, description=text)


def _target(customers: pd.DataFrame, audience: Any, market: Any) -> tuple[int, np.ndarray, Any]:
    """Audience size and the audience as a True/False array over the market's customers."""
    from course_lib.analysis.targeting import audience_mask  # noqa: PLC0415 (import cost)

    require_columns(customers, ["customer_id"], "customers")
    mask = audience_mask(customers, audience)
    if not mask.any():
        raise ValueError(f"the audience {audience!r} selects no customers; loosen the rule.")
    market = simulator.default_market() if market is None else market
    pos = simulator.market_arrays(market)["ids"].get_indexer(customers["customer_id"].astype(str)[mask].unique())
    if (pos < 0).any():
        raise ValueError("customers has customer ids the market does not know; use load_customers().")
    target = np.zeros(len(market.customers), dtype=bool)
    target[pos] = True
    return int(mask.sum()), target, market


def _average(target: np.ndarray, size: int, creative: Any, channel: Any, budget: float, seeds: list[int],
             market: Any, fatigue: float = 0.0) -> dict[str, float]:
    runs = [simulator.simulate(target, creative, channel, budget, seed=s, market=market, fatigue=fatigue)
            for s in seeds]
    tot = {k: float(sum(getattr(r, k) for r in runs))
           for k in ("impressions", "reach", "clicks", "conversions", "spend", "revenue")}
    ratio = lambda a, b: tot[a] / tot[b] if tot[b] else float("nan")  # noqa: E731
    return {"audience_size": size, "reachable": runs[0].reachable, **{k: v / len(runs) for k, v in tot.items()},
            "ctr": ratio("clicks", "impressions"), "conversion_rate": ratio("conversions", "clicks"),
            "cpa": ratio("spend", "conversions"), "roas": ratio("revenue", "spend")}


def compare_creatives(customers: pd.DataFrame, audience: Any, creatives: Mapping[str, Any] | Sequence[Any],
                      channel: Any = "social_ads", budget: float = 3000, *, seeds: int | Sequence[int] = 10,
                      market: Any = None) -> pd.DataFrame:
    """Run several creatives on one audience with the same channel, budget and seeds (mean per run).

    ``creatives`` is a dict name -> creative or a list (labelled by name);
    ``audience`` a rule, ``None`` (everyone) or a True/False Series. One row
    per creative: counts and money are means per run, ``ctr``,
    ``conversion_rate``, ``cpa`` and ``roas`` come from the totals.

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> compare_creatives(m.customers, "interest_eco", [assemble("eco"), assemble("generic")], "email", 200,
    ...                   seeds=2, market=m).index.tolist()
    ['eco', 'generic']
    """
    if isinstance(creatives, Mapping):
        named = dict(creatives)
    elif isinstance(creatives, Sequence) and not isinstance(creatives, str):
        named = {c if isinstance(c, str) else c.name: c for c in creatives}
    else:
        raise TypeError("creatives must be a dict of name -> creative or a list of creatives.")
    if not named:
        raise ValueError("creatives is empty; give at least one creative.")
    budget = require_number(budget, "budget", minimum=0.0, inclusive=False)
    runs, channel = seed_list(seeds), simulator.resolve_channel(channel)
    size, target, market = _target(customers, audience, market)
    rows = {name: _average(target, size, c, channel, budget, runs, market) for name, c in named.items()}
    return pd.DataFrame.from_dict(rows, orient="index").drop(columns="reach").rename_axis("creative")


def frequency_curve(customers: pd.DataFrame, audience: Any, creative: Any, channel: Any = "social_ads",
                    caps: Sequence[int] = tuple(range(1, 9)), *, fatigue: float = 0.3,
                    seeds: int | Sequence[int] = 20, market: Any = None) -> pd.DataFrame:
    """Simulate one audience and creative at each frequency cap, everyone reached ``cap`` times.

    The budget always pays for ``cap`` showings to every reachable person, so
    only the frequency changes. ``fatigue`` is the share of its pull the
    advert loses with each repeat. One row per cap: the means of
    :func:`compare_creatives` plus ``response_rate`` (clicked / reached),
    ``cost_per_click`` and ``extra_cost_per_click`` (extra spend / extra
    clicks over the previous cap).

    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> frequency_curve(m.customers, None, "generic_sale", "email", [1, 2], seeds=2, market=m).index.tolist()
    [1, 2]
    """
    ch = simulator.resolve_channel(channel)
    if ch.cost_model != "cpm":
        raise ValueError(f"frequency_curve needs a channel paid per impression (CPM); {ch.name!r} is paid per click.")
    if isinstance(caps, (str, bytes)) or not isinstance(caps, (Sequence, np.ndarray)) or not len(caps):
        raise TypeError("caps must be a non-empty list of frequency caps, e.g. [1, 2, 3, 4].")
    caps = [require_positive_int(c, "each cap") for c in caps]
    if caps != sorted(set(caps)):
        raise ValueError(f"caps must be increasing and distinct, got {caps}.")
    fatigue = require_number(fatigue, "fatigue", minimum=0.0, maximum=1.0)
    runs = seed_list(seeds)
    size, target, market = _target(customers, audience, market)
    budget = float(size * max(caps) * ch.price)  # always enough for `cap` showings to everyone
    rows = {cap: _average(target, size, creative, dataclasses.replace(ch, max_frequency=cap), budget, runs, market,
                          fatigue) for cap in caps}
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("cap")
    out["response_rate"] = out["clicks"] / out["reach"]
    out["cost_per_click"] = out["spend"] / out["clicks"]
    out["extra_cost_per_click"] = out["spend"].diff() / out["clicks"].diff()
    return out[["reach", "impressions", "clicks", "conversions", "spend", "revenue", "ctr", "response_rate",
                "cost_per_click", "cpa", "extra_cost_per_click", "roas"]]


def plot_frequency_curve(curve: pd.DataFrame, cap: int | None = None, target_cpa: float | None = None,
                         title: str | None = None, fig: Any = None) -> Any:
    """Response (left) and cost per conversion (right) by frequency cap, drawn on ``fig`` (a new Figure if None)."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    require_columns(curve, ["response_rate", "ctr", "cpa"], "curve")
    fig = Figure(figsize=(11, 4.2), layout="constrained") if fig is None else fig
    left, right = fig.subplots(1, 2)
    x = curve.index.to_numpy()
    left.plot(x, 100 * curve["response_rate"], marker="o", label="people who clicked (% of people reached)")
    left.plot(x, 100 * curve["ctr"], marker="s", ls="--", label="clicks per impression (CTR, %)")
    left.set(ylabel="per cent", title="Response: more showings, less each", ylim=(0, None))
    right.plot(x, curve["cpa"], marker="o", color="tab:red", label="cost per conversion (CPA)")
    right.set(ylabel="rupees per conversion", title="Cost per conversion", ylim=(0, None))
    right.yaxis.set_major_formatter(lambda v, _: f"₹{v:,.0f}")
    if target_cpa is not None:
        right.axhline(target_cpa, color="grey", ls=":", label=f"target CPA (₹{target_cpa:,.0f})")
    for ax in (left, right):
        if cap is not None:
            ax.axvline(cap, color="black", lw=1, alpha=0.6, label=f"cap = {cap}")
        ax.set(xlabel="frequency cap (showings per person)", xticks=x)
        ax.tick_params(labelsize=9)
        ax.legend(fontsize=9, loc="best")
    fig.suptitle(title or "Ad fatigue: the same ad, shown more often")
    return fig


def _cap_table(curve: pd.DataFrame, cap: int) -> pd.DataFrame:
    """The row of one cap, written for a reader (counts, ₹ without decimals)."""
    row = curve.loc[cap]
    money = lambda v: "–" if np.isnan(v) else f"₹{v:,.0f}"  # noqa: E731
    return pd.DataFrame({"impressions": [f"{row['impressions']:,.0f}"], "clicks": [f"{row['clicks']:,.1f}"],
                         "conversions": [f"{row['conversions']:,.1f}"], "spend": [money(row["spend"])],
                         "cost per conversion": [money(row["cpa"])],
                         "extra cost per click": [money(row["extra_cost_per_click"])]},
                        index=pd.Index([cap], name="cap"))


def explore_frequency(customers: pd.DataFrame, audience: Any, creative: Any, channel: Any = "social_ads", *,
                      caps: Sequence[int] = tuple(range(1, 11)), cap: int = 3, fatigue: float = 0.3,
                      target_cpa: float = 500.0, seeds: int | Sequence[int] = 20, market: Any = None,
                      curve: pd.DataFrame | None = None) -> Any:
    """Explorer: frequency-cap and fatigue sliders redraw the curve (each fatigue simulated once).

    Pass the curve already computed for ``fatigue`` as ``curve`` to reuse it.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    caps = list(caps)
    if cap not in caps:
        raise ValueError(f"cap ({cap}) must be one of the caps {caps}.")
    wide = widgets.Layout(width="420px")
    controls = {"cap": widgets.IntSlider(value=cap, min=min(caps), max=max(caps), description="frequency cap",
                                         continuous_update=False, layout=wide, style={"description_width": "initial"}),
                "fatigue": widgets.FloatSlider(value=fatigue, min=0.0, max=0.6, step=0.05, description="fatigue",
                                               continuous_update=False, readout_format=".2f", layout=wide)}
    cache = {} if curve is None else {round(float(fatigue), 2): curve}

    def draw(fig: Any, cap: int, fatigue: float) -> tuple[str, pd.DataFrame]:
        f = round(float(fatigue), 2)
        if f not in cache:
            cache[f] = frequency_curve(customers, audience, creative, channel, caps, fatigue=f, seeds=seeds,
                                       market=market)
        plot_frequency_curve(cache[f], cap=cap, target_cpa=target_cpa, fig=fig,
                             title=f"Fatigue {f:.2f}: each repeat keeps {1 - f:.0%} of the previous showing's pull")
        cpa = cache[f].loc[cap, "cpa"]
        verdict = "within" if cpa <= target_cpa else "above"
        return (f"Cap **{cap}**: ₹{cpa:,.0f} per conversion, {verdict} the target of ₹{target_cpa:,.0f}.",
                _cap_table(cache[f], cap))

    return Explorer(controls, draw, title="Frequency cap and fatigue", figsize=(11, 4.2))


def explore_creative(customers: pd.DataFrame, channel: Any = "social_ads", budget: float = 3000, *,
                     audience: str = "students", seeds: int | Sequence[int] = 10, market: Any = None) -> Any:
    """Explorer: pick an audience and where each slot comes from; see the advert and how it performs.

    A slot left on ``own`` takes the audience's own asset. The chart and the
    table compare the advert with the audience's matched advert and the generic one.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    content = load_assets()
    micro = [k for k in content["segments"] if k != "generic"]
    if audience not in micro:
        raise ValueError(f"audience must be one of {', '.join(micro)}, got {audience!r}.")
    wide = widgets.Layout(width="420px")
    controls = {"audience": widgets.Dropdown(options=micro, value=audience, description="audience", layout=wide)}
    for s in SLOTS:
        controls[s] = widgets.Dropdown(options=["own", *content["segments"]], value="own", layout=wide,
                                       description=content["slots"][s]["label"], style={"description_width": "initial"})

    def draw(fig: Any, audience: str, **slots: str) -> tuple[str, pd.DataFrame]:
        card = assemble(audience, **{s: v for s, v in slots.items() if v not in ("own", audience)})
        plans = {"your advert": card, f"matched ({audience})": assemble(audience), "generic": assemble("generic")}
        table = compare_creatives(customers, content["segments"][audience]["rule"], plans, channel, budget,
                                  seeds=seeds, market=market)
        ax = fig.subplots()
        ax.barh(table.index[::-1], table["conversions"][::-1], color=["tab:grey", "tab:green", "tab:blue"])
        for y, v in enumerate(table["conversions"][::-1]):
            ax.text(v, y, f" {v:.1f}", va="center", fontsize=9)
        ax.set(xlabel=f"conversions per campaign (mean of the runs, ₹{budget:,.0f} on {channel})",
               title=f"Audience: {content['segments'][audience]['name']}")
        ax.set_xlim(0, 1.2 * max(table["conversions"].max(), 1))
        ax.tick_params(labelsize=9)
        shown = pd.DataFrame({"clicks": table["clicks"].map("{:,.1f}".format),
                              "conversions": table["conversions"].map("{:,.1f}".format),
                              "CTR": table["ctr"].map("{:.2%}".format),
                              "cost per conversion": table["cpa"].map(lambda v: "–" if np.isnan(v) else f"₹{v:,.0f}")})
        return "Your advert:\n\n```text\n" + card.description + "\n```", shown

    return Explorer(controls, draw, title="Assemble an advert", figsize=(8, 2.6))


# --------------------------------------------------------------------------- workbook answers


@functools.lru_cache(maxsize=2)
def _tables(families: str, tech: str, students: str) -> dict[str, pd.DataFrame]:
    """The three simulated tables the workbook's checks read (simulated once per session)."""
    from course_lib.market.datasets import load_customers  # noqa: PLC0415

    customers, rules = load_customers(), {k: v["rule"] for k, v in load_assets()["segments"].items()}
    swaps = {students: assemble(students), **{s: assemble(students, **{s: "generic"}) for s in SLOTS}}
    return {
        "families": compare_creatives(customers, rules[families], [assemble(families), assemble("generic")],
                                      "email", 2000, seeds=10),
        "curve": frequency_curve(customers, rules[tech], assemble(tech), "social_ads", range(1, 9), fatigue=0.3,
                                 seeds=20),
        "swaps": compare_creatives(customers, rules[students], swaps, "social_ads", 3000, seeds=10),
    }


def answers(families: str, tech: str, students: str, target_cpa: float) -> dict[str, Any]:
    """q1 ``lift``, q2 ``best_cap``, q3 ``most_important_slot``, their typical mistakes and the facts quoted."""
    t = _tables(families, tech, students)
    m, g, curve = t["families"].loc[families], t["families"].loc["generic"], t["curve"]
    swaps = t["swaps"].drop(index=students)
    lift, best_cap, slot = m["conversions"] / g["conversions"], int(curve.index[curve["cpa"] <= target_cpa].max()), \
        swaps["conversions"].idxmin()
    above = curve.index[curve["cpa"] > target_cpa]
    return {
        "lift": lift, "matched_conversions": m["conversions"], "generic_conversions": g["conversions"],
        "lift_upside_down": 1 / lift, "lift_difference": m["conversions"] - g["conversions"],
        "lift_percent": 100 * (lift - 1), "lift_minus_one": lift - 1, "lift_roas": m["roas"] / g["roas"],
        "lift_clicks": m["clicks"] / g["clicks"],
        "best_cap": best_cap, "best_cap_cpa": curve.loc[best_cap, "cpa"],
        "next_cap": (f"; one more showing would cost ₹{curve.loc[best_cap + 1, 'cpa']:,.0f} per conversion"
                     if best_cap + 1 in curve.index else ""),
        "cap_cheapest": int(curve["cpa"].idxmin()), "cap_most_conversions": int(curve["conversions"].idxmax()),
        "cap_best_roas": int(curve["roas"].idxmax()), "cap_first_above": int(above.min()) if len(above) else -1,
        "most_important_slot": slot, "slot_words": slot.replace("_", " "),
        "slot_choices": [*swaps.index, students, "generic"], "slot_fewest_lost": swaps["conversions"].idxmax(),
        "all_conversions": t["swaps"].loc[students, "conversions"], "n_plans": len(t["swaps"]), "n_swaps": len(swaps),
        "conversions_lost": t["swaps"].loc[students, "conversions"] - swaps.loc[slot, "conversions"],
    }
