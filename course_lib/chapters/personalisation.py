"""Personalisation: value propositions, modular creatives, message-to-segment fit and ad fatigue.

A micromarketer does not write a new advert from scratch for every
micro-segment. The brand basics stay fixed and a few *slots* change: the
headline, the image or scene, the offer and the call to action. The assets
for each slot, the value proposition of each segment and the template are
course content in ``data/content/personalisation.yaml``:

* :func:`load_assets` reads and checks that file;
* :func:`value_propositions` and :func:`asset_table` show it as tables;
* :func:`assemble` builds a creative from a segment's assets, optionally
  borrowing single slots from another segment, and turns it into a
  :class:`course_lib.market.simulator.Creative` the simulator can run;
* :func:`compare_creatives` and :func:`match_matrix` run creatives on
  audiences with the same channel, budget and seeds (message-to-segment fit);
* :func:`response_multiplier`, :func:`frequency_curve` and
  :func:`plot_frequency_curve` show ad fatigue: what the 2nd, 3rd, ... showing
  of the same ad adds, and what it costs;
* :func:`explore_frequency` and :func:`explore_creative` are small widgets.

How an assembled creative is scored: every segment's assets express one
creative of the simulator's catalogue (its ``theme``). A mixed creative's
relevance to each (hidden) customer segment is the weighted average of the
relevance of its slots' themes, with the slot weights of the content file;
the offer decides the product and so the typical basket; the interest boost
of a theme applies when slots carrying at least half the weight share it.

Examples
--------
>>> from course_lib.chapters.personalisation import assemble, response_multiplier
>>> card = assemble("students")
>>> card.parts["offer"]
'students'
>>> mixed = assemble("students", offer="generic")
>>> mixed.name
'students + offer from generic'
>>> round(response_multiplier(3, fatigue=0.5), 2)
1.75
"""

from __future__ import annotations

import dataclasses
import functools
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.base.validation import require_columns, require_number, require_positive_int

__all__ = [
    "PERSONALISATION_PATH",
    "SLOTS",
    "SegmentAssets",
    "AssetLibrary",
    "AssembledCreative",
    "load_assets",
    "value_propositions",
    "asset_table",
    "assemble",
    "compare_creatives",
    "match_matrix",
    "plot_match_matrix",
    "response_multiplier",
    "frequency_curve",
    "plot_frequency_curve",
    "explore_frequency",
    "explore_creative",
]

#: Where the assets, value propositions and template live.
PERSONALISATION_PATH: Path = paths.DATA_DIR / "content" / "personalisation.yaml"
#: The slots of a creative, in template order.
SLOTS: tuple[str, ...] = ("headline", "scene", "offer", "call_to_action")
_SEGMENT_FIELDS = ("name", "rule", "theme", "need", "value_proposition", "assets")
_METRICS = ["audience_size", "reachable", "impressions", "clicks", "conversions", "spend", "revenue", "ctr",
            "conversion_rate", "cpa", "roas"]


@dataclass(frozen=True)
class SegmentAssets:
    """One micro-segment: its audience rule, value proposition and the text of each slot."""

    key: str
    name: str
    rule: str | None
    theme: str
    need: str
    value_proposition: str
    assets: Mapping[str, str]


@dataclass(frozen=True)
class AssetLibrary:
    """The content file: brand basics, slot labels and weights, and the segments (in file order)."""

    brand: Mapping[str, str]
    labels: Mapping[str, str]
    weights: Mapping[str, float]
    segments: Mapping[str, SegmentAssets]


def _fail(path: Path, message: str) -> ValueError:
    return ValueError(f"{path.name}: {message}")


@functools.lru_cache(maxsize=4)
def _load(path_str: str) -> AssetLibrary:
    from course_lib.market.simulator import creatives  # noqa: PLC0415 (import cost)

    path = Path(path_str)
    if not path.is_file():
        raise FileNotFoundError(f"the personalisation content file {path} is missing (restore it from git).")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise _fail(path, "must hold a mapping with brand, slots and segments.")
    brand = raw.get("brand")
    if not isinstance(brand, dict) or not all(isinstance(brand.get(k), str) for k in ("name", "tagline", "template")):
        raise _fail(path, "brand must have text fields name, tagline and template.")
    slots = raw.get("slots")
    if not isinstance(slots, dict) or tuple(slots) != SLOTS:
        raise _fail(path, f"slots must list exactly {', '.join(SLOTS)} in that order.")
    weights = {s: require_number(slots[s].get("weight"), f"weight of slot {s!r}", minimum=0.0) for s in SLOTS}
    if abs(sum(weights.values()) - 1.0) > 1e-9:
        raise _fail(path, f"the slot weights must add up to 1, they add up to {sum(weights.values()):g}.")
    labels = {s: str(slots[s].get("label", s)) for s in SLOTS}
    known = creatives()
    segments: dict[str, SegmentAssets] = {}
    for key, spec in (raw.get("segments") or {}).items():
        if not isinstance(spec, dict) or set(spec) != set(_SEGMENT_FIELDS):
            raise _fail(path, f"segment {key!r} must have exactly the fields {', '.join(_SEGMENT_FIELDS)}.")
        if spec["theme"] not in known:
            raise _fail(path, f"segment {key!r}: theme {spec['theme']!r} is not a simulator creative "
                              f"({', '.join(known)}).")
        assets = spec["assets"]
        if not isinstance(assets, dict) or set(assets) != set(SLOTS) or not all(
                isinstance(assets[s], str) and assets[s].strip() for s in SLOTS):
            raise _fail(path, f"segment {key!r}: assets must give a text for each slot ({', '.join(SLOTS)}).")
        segments[key] = SegmentAssets(key=key, name=spec["name"], rule=spec["rule"], theme=spec["theme"],
                                      need=spec["need"], value_proposition=spec["value_proposition"],
                                      assets={s: assets[s].strip() for s in SLOTS})
    if "generic" not in segments or len(segments) < 2:
        raise _fail(path, "segments must include 'generic' and at least one micro-segment.")
    return AssetLibrary(brand=brand, labels=labels, weights=weights, segments=segments)


def load_assets(path: str | Path | None = None) -> AssetLibrary:
    """Read the modular assets, value propositions and template (checked).

    Parameters
    ----------
    path : path-like, optional
        Another content file; default :data:`PERSONALISATION_PATH`.

    Returns
    -------
    AssetLibrary
        ``brand``, slot ``labels`` and ``weights``, and ``segments`` keyed by
        segment (``"generic"`` is the one-size-fits-all baseline).

    Raises
    ------
    FileNotFoundError, ValueError
        A missing file, a slot without a text, weights not adding to 1, or a
        theme the simulator does not know.

    Examples
    --------
    >>> lib = load_assets()
    >>> list(lib.weights)
    ['headline', 'scene', 'offer', 'call_to_action']
    >>> lib.segments["generic"].rule is None
    True
    """
    return _load(str(PERSONALISATION_PATH if path is None else Path(path)))


def value_propositions(path: str | Path | None = None) -> pd.DataFrame:
    """One row per segment: who it is, what they need and the value proposition written for them.

    Examples
    --------
    >>> value_propositions().columns.tolist()
    ['name', 'rule', 'need', 'value_proposition', 'theme']
    """
    lib = load_assets(path)
    rows = {k: {"name": s.name, "rule": s.rule, "need": s.need, "value_proposition": s.value_proposition,
                "theme": s.theme} for k, s in lib.segments.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


def asset_table(path: str | Path | None = None) -> pd.DataFrame:
    """The asset library as a table: one row per segment, one column per slot.

    Examples
    --------
    >>> asset_table().columns.tolist()
    ['headline', 'scene', 'offer', 'call_to_action']
    """
    lib = load_assets(path)
    out = pd.DataFrame.from_dict({k: dict(s.assets) for k, s in lib.segments.items()}, orient="index")[list(SLOTS)]
    out.index.name = "segment"
    return out


@dataclass(frozen=True)
class AssembledCreative:
    """A creative assembled from modular assets.

    Attributes
    ----------
    name : str
        ``"students"`` for a matched creative, ``"students + offer from generic"`` for a mix.
    parts : mapping of slot -> segment
        Which segment's asset fills each slot.
    texts : mapping of slot -> str
        The asset texts.
    brand : mapping
        The fixed brand basics (name, tagline, template).
    """

    name: str
    parts: Mapping[str, str]
    texts: Mapping[str, str]
    brand: Mapping[str, str]
    _library: AssetLibrary = dataclasses.field(repr=False, compare=False)

    @property
    def text(self) -> str:
        """The finished creative, filled into the brand template."""
        return self.brand["template"].format(brand=self.brand["name"], tagline=self.brand["tagline"], **self.texts)

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        lines = [f'<div style="font-size:1.15em;font-weight:bold">{html.escape(self.texts["headline"])}</div>',
                 f'<div style="color:#555;font-style:italic;margin:4px 0">[image: {html.escape(self.texts["scene"])}]</div>',
                 f'<div>{html.escape(self.texts["offer"])}</div>',
                 f'<div style="margin:6px 0"><span style="background:#1f77b4;color:white;padding:2px 8px;'
                 f'border-radius:4px">{html.escape(self.texts["call_to_action"])}</span></div>',
                 f'<div style="color:#777;font-size:0.85em">{html.escape(self.brand["name"])} | '
                 f'{html.escape(self.brand["tagline"])}</div>']
        return ('<div class="mm-creative" style="border:1px solid #ccc;border-radius:6px;padding:8px 12px;'
                f'max-width:520px">{"".join(lines)}</div>')

    def to_creative(self) -> Any:
        """The simulator's :class:`course_lib.market.simulator.Creative` for this assembly.

        A creative whose slots all come from one segment is that segment's
        theme creative itself; a mix blends the themes' relevance with the
        slot weights (see the module docstring).

        Examples
        --------
        >>> assemble("fitness").to_creative().name
        'fitness'
        """
        from course_lib.market.synthetic import SEGMENT_NAMES  # noqa: PLC0415
        from course_lib.market.simulator import Creative, creatives  # noqa: PLC0415

        catalogue = creatives()
        themes = {slot: self._library.segments[seg].theme for slot, seg in self.parts.items()}
        if len(set(themes.values())) == 1:
            base = catalogue[themes["offer"]]
            return dataclasses.replace(base, name=self.name, description=self.texts["offer"])
        weights = self._library.weights
        fit = sum(weights[s] * catalogue[themes[s]].fit_vector() for s in SLOTS)
        share: dict[str, float] = {}
        for s in SLOTS:
            share[themes[s]] = share.get(themes[s], 0.0) + weights[s]
        interest = None
        for theme, w in share.items():
            if w >= 0.5 - 1e-12 and catalogue[theme].interest:
                interest = catalogue[theme].interest
        return Creative(name=self.name, fit={seg: float(min(max(v, 0.0), 1.0)) for seg, v in zip(SEGMENT_NAMES, fit)},
                        interest=interest, order_value=catalogue[themes["offer"]].order_value,
                        description=self.texts["offer"])


def assemble(segment: str, *, path: str | Path | None = None, **slots: str) -> AssembledCreative:
    """Assemble a creative from a segment's assets, optionally borrowing slots from other segments.

    Parameters
    ----------
    segment : str
        The segment whose assets fill every slot (``"students"``, ``"generic"``, ...).
    path : path-like, optional
        Another content file.
    **slots : str
        ``headline=``, ``scene=``, ``offer=`` or ``call_to_action=`` naming the
        segment to borrow that slot from (to test one change at a time).

    Returns
    -------
    AssembledCreative
        ``.text`` is the finished ad; ``.to_creative()`` is what the simulator runs.

    Raises
    ------
    ValueError
        An unknown segment or slot.

    Examples
    --------
    >>> c = assemble("eco", headline="generic")
    >>> c.parts["headline"], c.parts["offer"]
    ('generic', 'eco')
    >>> c.text.splitlines()[0]
    'Big sale now on'
    """
    lib = load_assets(path)
    if not isinstance(segment, str) or segment not in lib.segments:
        raise ValueError(f"unknown segment {segment!r}; choose one of {', '.join(map(repr, lib.segments))}.")
    parts = {s: segment for s in SLOTS}
    for slot, other in slots.items():
        if slot not in SLOTS:
            raise ValueError(f"unknown slot {slot!r}; the slots are {', '.join(SLOTS)}.")
        if not isinstance(other, str) or other not in lib.segments:
            raise ValueError(f"{slot}={other!r} is not a segment; choose one of {', '.join(map(repr, lib.segments))}.")
        parts[slot] = other
    borrowed = [f"{s.replace('_', ' ')} from {parts[s]}" for s in SLOTS if parts[s] != segment]
    name = segment if not borrowed else f"{segment} + {', '.join(borrowed)}"
    texts = {s: lib.segments[parts[s]].assets[s] for s in SLOTS}
    return AssembledCreative(name=name, parts=parts, texts=texts, brand=lib.brand, _library=lib)


# --------------------------------------------------------------------------- simulation


def _seed_list(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return list(range(require_positive_int(seeds, "seeds")))
    if isinstance(seeds, Sequence) and len(seeds) and not isinstance(seeds, str):
        return [require_positive_int(s, "each seed", minimum=0) for s in seeds]
    raise TypeError(f"seeds must be a number of runs (e.g. 10) or a list of seeds, got {seeds!r}.")


def _as_creative(creative: Any) -> Any:
    return creative.to_creative() if isinstance(creative, AssembledCreative) else creative


def _target(customers: pd.DataFrame, audience: Any, market: Any) -> tuple[int, np.ndarray]:
    from course_lib.analysis.targeting import _market_mask, audience_mask  # noqa: PLC0415

    require_columns(customers, ["customer_id"], "customers")
    mask = audience_mask(customers, audience)
    if not mask.any():
        raise ValueError(f"the audience {audience!r} selects no customers; loosen the rule.")
    return int(mask.sum()), _market_mask(customers["customer_id"].to_numpy()[mask], market)


def _average(target: np.ndarray, size: int, creative: Any, channel: Any, budget: float, seeds: list[int],
             market: Any, fatigue: float = 0.0) -> dict[str, float]:
    from course_lib.market.simulator import simulate  # noqa: PLC0415

    runs = [simulate(target, creative, channel, budget, seed=s, market=market, fatigue=fatigue) for s in seeds]
    n = len(runs)
    tot = {k: float(sum(getattr(r, k) for r in runs)) for k in ("impressions", "reach", "clicks", "conversions",
                                                                "spend", "revenue")}
    return {
        "audience_size": size, "reachable": runs[0].reachable,
        **{k: v / n for k, v in tot.items()},
        "ctr": tot["clicks"] / tot["impressions"] if tot["impressions"] else float("nan"),
        "conversion_rate": tot["conversions"] / tot["clicks"] if tot["clicks"] else float("nan"),
        "cpa": tot["spend"] / tot["conversions"] if tot["conversions"] else float("nan"),
        "roas": tot["revenue"] / tot["spend"] if tot["spend"] else float("nan"),
    }


def compare_creatives(
    customers: pd.DataFrame,
    audience: Any,
    creatives: Mapping[str, Any] | Sequence[Any],
    channel: Any = "social_ads",
    budget: float = 3000,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
) -> pd.DataFrame:
    """Run several creatives on one audience with the same channel, budget and seeds.

    Parameters
    ----------
    customers : DataFrame
        The customers table the audience refers to (``load_customers()``).
    audience : None, rule, or True/False Series
        Who is targeted, as in :func:`course_lib.analysis.targeting.audience_mask`.
    creatives : dict of name -> creative, or a list
        Simulator creative names, :class:`AssembledCreative` objects or
        :class:`course_lib.market.simulator.Creative`; a list is labelled by their names.
    channel, budget
        As in :func:`course_lib.market.simulator.simulate`.
    seeds : int or list of int, default 10
        Runs averaged per creative (counts are means per run; rates come from totals).
    market : Market, optional
        The market; default the committed one.

    Returns
    -------
    DataFrame
        One row per creative: ``audience_size``, ``reachable``, ``impressions``,
        ``clicks``, ``conversions``, ``spend``, ``revenue`` (means per run) and
        ``ctr``, ``conversion_rate``, ``cpa``, ``roas``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = compare_creatives(m.customers, "interest_eco", [assemble("eco"), assemble("generic")],
    ...                       "email", 200, seeds=2, market=m)
    >>> t.index.tolist()
    ['eco', 'generic']
    """
    if isinstance(creatives, Mapping):
        named = dict(creatives)
    elif isinstance(creatives, Sequence) and not isinstance(creatives, str):
        named = {c if isinstance(c, str) else getattr(c, "name", str(c)): c for c in creatives}
    else:
        raise TypeError("creatives must be a dict of name -> creative or a list of creatives.")
    if not named:
        raise ValueError("creatives is empty; give at least one creative.")
    from course_lib.market.simulator import _resolve_channel  # noqa: PLC0415

    budget = require_number(budget, "budget", minimum=0.0, inclusive=False)
    runs = _seed_list(seeds)
    channel = _resolve_channel(channel)
    size, target = _target(customers, audience, market)
    rows = {name: _average(target, size, _as_creative(c), channel, budget, runs, market) for name, c in named.items()}
    out = pd.DataFrame.from_dict(rows, orient="index")[_METRICS]
    out.index.name = "creative"
    return out


def match_matrix(
    customers: pd.DataFrame,
    segments: Sequence[str] | None = None,
    channel: Any = "social_ads",
    budget: float = 3000,
    *,
    seeds: int | Sequence[int] = 10,
    market: Any = None,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Every segment's audience with every segment's creative (and the generic one).

    Parameters
    ----------
    customers : DataFrame
        The customers table.
    segments : list of str, optional
        Segment keys (default: every segment of the content file except ``generic``).
    channel, budget, seeds, market
        As in :func:`compare_creatives`.
    path : path-like, optional
        Another content file.

    Returns
    -------
    DataFrame
        Long format, one row per (audience, creative) with the metrics of
        :func:`compare_creatives` and ``matched`` (True on the diagonal).
        Pivot it, e.g. ``table["conversions"].unstack()``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = match_matrix(m.customers, ["eco", "fitness"], "email", 200, seeds=2, market=m)
    >>> t["conversions"].unstack().shape
    (2, 3)
    """
    lib = load_assets(path)
    keys = [k for k in lib.segments if k != "generic"] if segments is None else list(segments)
    unknown = [k for k in keys if k not in lib.segments or k == "generic"]
    if not keys or unknown:
        raise ValueError(f"segments must be micro-segment keys from {', '.join(k for k in lib.segments if k != 'generic')}"
                         f"; got {unknown or keys}.")
    cards = {k: assemble(k, path=path) for k in [*keys, "generic"]}
    parts = {aud: compare_creatives(customers, lib.segments[aud].rule, cards, channel, budget, seeds=seeds,
                                    market=market) for aud in keys}
    out = pd.concat(parts, names=["audience", "creative"])
    out["matched"] = out.index.get_level_values("audience") == out.index.get_level_values("creative")
    return out


def plot_match_matrix(table: pd.DataFrame, metric: str = "conversions", ax: Any = None, title: str | None = None) -> Any:
    """Heatmap of :func:`match_matrix` for one metric (rows = audiences), matched cells outlined.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_columns(table, ["matched"], "table")
    if metric not in table.columns or metric == "matched":
        raise ValueError(f"metric must be one of the table's numeric columns ({', '.join(_METRICS)}), got {metric!r}.")
    grid = table[metric].unstack()
    grid = grid[[c for c in [*grid.index, "generic"] if c in grid.columns]]
    values = grid.to_numpy(dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.15 * grid.shape[1] + 2.5, 0.55 * grid.shape[0] + 1.6))
    image = ax.imshow(values, cmap="RdYlGn_r" if metric == "cpa" else "RdYlGn", aspect="auto")
    ax.figure.colorbar(image, ax=ax, label=metric)
    fmt = "{:,.0f}" if metric in ("cpa", "spend", "revenue", "impressions") else "{:.1f}"
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=9)
    for i, aud in enumerate(grid.index):
        if aud in grid.columns:
            j = list(grid.columns).index(aud)
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2.5, ec="black"))
    ax.set_xticks(range(values.shape[1]), grid.columns)
    ax.set_yticks(range(values.shape[0]), grid.index)
    ax.set(xlabel="creative shown", ylabel="audience (micro-segment)",
           title=title or f"{metric} by audience and creative (outlined: the matched creative)")
    return ax


# --------------------------------------------------------------------------- frequency and fatigue


def response_multiplier(frequency: int | Sequence[int] | np.ndarray, fatigue: float) -> Any:
    """Expected response to ``frequency`` showings, relative to one showing, under ad fatigue.

    Each repeat keeps ``1 - fatigue`` of the previous showing's pull, so n
    showings are worth ``1 + (1-f) + (1-f)^2 + ... = (1 - (1-f)^n) / f`` single
    showings (``n`` when ``f = 0``). This is the small-CTR approximation of the
    simulator's ``fatigue`` option; it can never exceed ``1 / f``.

    Examples
    --------
    >>> response_multiplier([1, 2, 3], 0.0).tolist()
    [1.0, 2.0, 3.0]
    >>> round(float(response_multiplier(100, 0.25)), 3)
    4.0
    """
    fatigue = require_number(fatigue, "fatigue", minimum=0.0, maximum=1.0, inclusive=True)
    if fatigue >= 1.0:
        raise ValueError("fatigue must be below 1.")
    n = np.asarray(frequency, dtype=float)
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise ValueError("frequency must be whole numbers of showings, 1 or more.")
    out = n if fatigue == 0 else (1.0 - (1.0 - fatigue) ** n) / fatigue
    return out.astype(float) if out.ndim else float(out)


def frequency_curve(
    customers: pd.DataFrame,
    audience: Any,
    creative: Any,
    channel: Any = "social_ads",
    caps: Sequence[int] = tuple(range(1, 9)),
    *,
    fatigue: float = 0.3,
    seeds: int | Sequence[int] = 20,
    market: Any = None,
) -> pd.DataFrame:
    """Simulate the same audience and creative at each frequency cap (everyone reached, ``cap`` times).

    The channel's ``max_frequency`` is set to each cap in turn and the budget
    is large enough for every reachable person to see the ad ``cap`` times, so
    the only thing that changes is how often the same person sees it.

    Parameters
    ----------
    customers, audience, creative, channel
        As in :func:`compare_creatives` (a CPM channel).
    caps : list of int
        The frequency caps to try, increasing (default 1-8).
    fatigue : float, default 0.3
        Share of its pull the ad loses with each repeat (see
        :func:`course_lib.market.simulator.simulate`); 0 = no fatigue.
    seeds, market
        As in :func:`compare_creatives`.

    Returns
    -------
    DataFrame
        Indexed by ``cap``: ``reach``, ``impressions``, ``clicks``,
        ``conversions``, ``spend``, ``revenue`` (means per run), ``ctr``
        (clicks per impression), ``response_rate`` (share of people reached
        who clicked), ``cost_per_click``, ``cpa`` (cost per conversion),
        ``extra_cost_per_click`` (the extra spend of this cap over the previous
        one divided by the extra clicks it brought) and ``roas``.

    Examples
    --------
    >>> from course_lib.market.synthetic import generate_market
    >>> m = generate_market(1_000, seed=3, behaviour=False)
    >>> t = frequency_curve(m.customers, None, "generic_sale", "email", [1, 2], seeds=2, market=m)
    >>> t.index.tolist(), bool(t.loc[2, "spend"] > t.loc[1, "spend"])
    ([1, 2], True)
    """
    from course_lib.market.simulator import _resolve_channel  # noqa: PLC0415

    ch = _resolve_channel(channel)
    if ch.cost_model != "cpm":
        raise ValueError(f"frequency_curve needs a channel paid per impression (CPM); {ch.name!r} is paid per click.")
    if isinstance(caps, (str, bytes)) or not isinstance(caps, (Sequence, range, np.ndarray)) or not len(caps):
        raise TypeError("caps must be a non-empty list of frequency caps, e.g. [1, 2, 3, 4].")
    caps = [require_positive_int(c, "each cap") for c in caps]
    if caps != sorted(set(caps)):
        raise ValueError(f"caps must be increasing and distinct, got {caps}.")
    fatigue = require_number(fatigue, "fatigue", minimum=0.0, maximum=1.0)
    runs = _seed_list(seeds)
    size, target = _target(customers, audience, market)
    creative = _as_creative(creative)
    budget = float(size * max(caps) * ch.price)  # always enough for cap showings to everyone (1000x margin)
    rows = {cap: _average(target, size, creative, dataclasses.replace(ch, max_frequency=cap), budget, runs, market,
                          fatigue) for cap in caps}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "cap"
    out["response_rate"] = out["clicks"] / out["reach"]
    out["cost_per_click"] = out["spend"] / out["clicks"]
    out["extra_cost_per_click"] = out["spend"].diff() / out["clicks"].diff()
    return out[["reach", "impressions", "clicks", "conversions", "spend", "revenue", "ctr", "response_rate",
                "cost_per_click", "cpa", "extra_cost_per_click", "roas"]]


def plot_frequency_curve(curve: pd.DataFrame, cap: int | None = None, target_cpa: float | None = None,
                         title: str | None = None) -> Any:
    """Two panels: response by frequency (left) and cost per click / conversion (right).

    ``cap`` draws a vertical line at the chosen frequency cap; ``target_cpa``
    a horizontal line at the most a conversion may cost. Returns the Figure.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    require_columns(curve, ["response_rate", "conversions", "reach", "cpa", "cost_per_click"], "curve")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    x = curve.index.to_numpy()
    left.plot(x, 100 * curve["response_rate"], marker="o", label="clicked at least once (% of people reached)")
    left.plot(x, 100 * curve["ctr"], marker="s", ls="--", label="clicks per impression (CTR, %)")
    left.set(xlabel="frequency cap (showings per person)", ylabel="%", title="Response: more showings, less each",
             ylim=(0, None))
    right.plot(x, curve["cpa"], marker="o", color="tab:red", label="cost per conversion (CPA)")
    right.set(xlabel="frequency cap (showings per person)", ylabel="rupees", title="Cost per conversion",
              ylim=(0, None))
    if target_cpa is not None:
        right.axhline(target_cpa, color="grey", ls=":", label=f"target CPA (Rs {target_cpa:,.0f})")
    for ax in (left, right):
        if cap is not None:
            ax.axvline(cap, color="black", lw=1, alpha=0.6, label=f"cap = {cap}")
        ax.set_xticks(x)
        ax.legend(fontsize=8, loc="best")
    fig.suptitle(title or "Ad fatigue: the same ad, shown more often")
    fig.tight_layout()
    return fig


def explore_frequency(
    customers: pd.DataFrame,
    audience: Any,
    creative: Any,
    channel: Any = "social_ads",
    *,
    caps: Sequence[int] = tuple(range(1, 11)),
    cap: int = 3,
    fatigue: float = 0.3,
    target_cpa: float = 500.0,
    seeds: int | Sequence[int] = 20,
    market: Any = None,
    curve: pd.DataFrame | None = None,
    draw: bool = True,
) -> Any:
    """Widget: a frequency-cap slider and a fatigue slider redraw the curve and the cost of the chosen cap.

    The curve for each fatigue value is simulated once and cached; moving
    the cap only moves the marker and the summary line. A notebook cell
    showing the widget needs the ``nbval-ignore-output`` tag. Pass the
    :func:`frequency_curve` already computed for the starting ``fatigue`` as
    ``curve`` to avoid simulating it twice, and ``draw=False`` when the
    notebook already shows that starting chart: the widget then draws only
    once a slider moves.

    Returns
    -------
    ipywidgets.VBox
        Sliders (``frequency cap``, ``fatigue``) on top, the chart and a
        one-row table for the chosen cap below.
    """
    import ipywidgets as widgets  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    caps = list(caps)
    if cap not in caps:
        raise ValueError(f"cap ({cap}) must be one of the caps {caps}.")
    target_cpa = require_number(target_cpa, "target_cpa", minimum=0.0, inclusive=False)
    cap_slider = widgets.IntSlider(value=cap, min=min(caps), max=max(caps), step=1, description="frequency cap",
                                   continuous_update=False, style={"description_width": "initial"})
    fat_slider = widgets.FloatSlider(value=fatigue, min=0.0, max=0.6, step=0.05, description="fatigue",
                                     continuous_update=False, readout_format=".2f")
    out = widgets.Output()
    cache: dict[float, pd.DataFrame] = {}
    if curve is not None:
        require_columns(curve, ["cpa", "ctr", "response_rate"], "curve")
        if list(curve.index) != caps:
            raise ValueError(f"curve must have one row per cap {caps}, it has {list(curve.index)}.")
        cache[round(float(fatigue), 2)] = curve

    def redraw(*_: Any) -> None:
        f = round(float(fat_slider.value), 2)
        if f not in cache:
            cache[f] = frequency_curve(customers, audience, creative, channel, caps, fatigue=f, seeds=seeds,
                                       market=market)
        curve = cache[f]
        chosen = min(caps, key=lambda c: abs(c - cap_slider.value))
        with out:
            out.clear_output(wait=True)
            plot_frequency_curve(curve, cap=chosen, target_cpa=target_cpa,
                                 title=f"Fatigue {f:.2f}: each repeat keeps {1 - f:.0%} of the previous showing's pull")
            plt.show()
            row = curve.loc[[chosen], ["impressions", "clicks", "conversions", "spend", "cpa", "extra_cost_per_click"]]
            display(row.round(1))

    cap_slider.observe(redraw, names="value")
    fat_slider.observe(redraw, names="value")
    if draw:
        redraw()
    else:
        out.append_stdout("Move a slider to redraw the chart (the starting view is the chart above).\n")
    return widgets.VBox([widgets.HBox([cap_slider, fat_slider]), out])


def explore_creative(
    customers: pd.DataFrame,
    channel: Any = "social_ads",
    budget: float = 3000,
    *,
    audience: str = "students",
    seeds: int | Sequence[int] = 10,
    market: Any = None,
    path: str | Path | None = None,
) -> Any:
    """Widget: pick an audience and the segment each slot comes from; see the ad and how it performs.

    The table compares the assembled creative with the audience's fully
    matched creative and the generic one (same channel, budget and seeds).
    A notebook cell showing the widget needs the ``nbval-ignore-output`` tag.

    Returns
    -------
    ipywidgets.VBox
        Dropdowns (``audience`` and one per slot) on top, the ad and the table below.
    """
    import ipywidgets as widgets  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    lib = load_assets(path)
    micro = [k for k in lib.segments if k != "generic"]
    if audience not in micro:
        raise ValueError(f"audience must be one of {', '.join(micro)}, got {audience!r}.")
    aud_box = widgets.Dropdown(options=micro, value=audience, description="audience")
    slot_boxes = {s: widgets.Dropdown(options=list(lib.segments), value=audience, description=lib.labels[s],
                                      style={"description_width": "initial"}) for s in SLOTS}
    out = widgets.Output()

    def reset_slots(change: Any) -> None:
        for box in slot_boxes.values():
            box.unobserve(redraw, names="value")
            box.value = change["new"]
            box.observe(redraw, names="value")
        redraw()

    def redraw(*_: Any) -> None:
        aud = aud_box.value
        card = assemble(aud, path=path, **{s: b.value for s, b in slot_boxes.items()})
        plans = {"your creative": card, f"matched ({aud})": assemble(aud, path=path),
                 "generic": assemble("generic", path=path)}
        table = compare_creatives(customers, lib.segments[aud].rule, plans, channel, budget, seeds=seeds,
                                  market=market)
        with out:
            out.clear_output(wait=True)
            display(card)
            display(table[["clicks", "conversions", "spend", "ctr", "cpa", "roas"]].round(
                {"clicks": 1, "conversions": 1, "spend": 0, "ctr": 4, "cpa": 0, "roas": 2}))

    aud_box.observe(reset_slots, names="value")
    for box in slot_boxes.values():
        box.observe(redraw, names="value")
    redraw()
    return widgets.VBox([aud_box, *slot_boxes.values(), out])
