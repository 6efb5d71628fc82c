"""The step-by-step micromarketing method: objective -> ... -> small-budget test -> learn -> scale.

The ten steps and the worked campaign of notebook ``10-test-and-learn`` are
data (``data/content/method.yaml``). This module reads them and runs the
test-and-learn part of the method on the campaign simulator:

* :func:`load_method` -- the ten steps, one row each;
* :func:`load_plan` -- the worked campaign: objective, budget, channel,
  control creative, random groups and the segments with their rule,
  value proposition and tailored creative (a :class:`MethodPlan`);
* :func:`segment_tests` -- per segment, the tailored creative against the
  control on two random test cells, with a z-test on click-through;
* :func:`learning_log` -- turns the test table into decisions a manager can
  read (scale, refine, keep testing) with the evidence behind each;
* :func:`rollout` -- runs the chosen creative with a budget per segment on
  the customers held back for the rollout.

Examples
--------
>>> from course_lib.chapters.method import load_method, load_plan
>>> load_method()["name"].tolist()[:3]
['Objective', 'Data', 'Segments']
>>> load_plan().channel
'email'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.experiments import two_proportion_ztest
from course_lib.base.validation import (
    require_columns,
    require_dataframe,
    require_number,
    require_positive_int,
    require_probability,
)

__all__ = [
    "METHOD_PATH",
    "MethodPlan",
    "load_method",
    "load_plan",
    "segment_tests",
    "learning_log",
    "rollout",
]

#: The content file of this module.
METHOD_PATH: Path = paths.DATA_DIR / "content" / "method.yaml"

_STEP_FIELDS = ("step", "name", "question", "output", "tool", "source_step")
_SEGMENT_FIELDS = ("segment", "rule", "proposition", "creative")


def _read(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        path = METHOD_PATH
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}.")
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"the method file {path} does not exist.") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} must be a mapping with 'steps' and 'plan'.")
    return data


def load_method(path: str | Path | None = None) -> pd.DataFrame:
    """The ten steps of the method, in order.

    Parameters
    ----------
    path : str or Path, optional
        Content file; default ``data/content/method.yaml``.

    Returns
    -------
    DataFrame
        Indexed by ``step`` (1, 2, ...): ``name``, ``question``, ``output``,
        ``tool`` and ``source_step`` (the step of the *Micro-Targeting
        Strategy* guide it corresponds to).

    Examples
    --------
    >>> load_method().loc[7, "name"]
    'Small-budget test'
    """
    data = _read(path)
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ValueError("the method file has no 'steps' list.")
    for i, s in enumerate(steps):
        missing = [f for f in _STEP_FIELDS if not isinstance(s, dict) or f not in s]
        if missing:
            raise ValueError(f"step {i + 1} of the method file lacks {', '.join(missing)}.")
    out = pd.DataFrame(steps, columns=list(_STEP_FIELDS)).set_index("step")
    if list(out.index) != list(range(1, len(out) + 1)):
        raise ValueError(f"steps must be numbered 1, 2, 3, ... in order; got {list(out.index)}.")
    return out


@dataclass(frozen=True)
class MethodPlan:
    """The worked campaign of the method (see :func:`load_plan`).

    Attributes
    ----------
    objective : str
        The one objective in words.
    total_budget : float
        Rupees for test plus rollout.
    test_share : float
        Share of the budget spent on the small test.
    channel, control_creative : str
        Channel of every message; creative every tailored one must beat.
    groups : dict
        Random group shares inside each segment (``tailored``, ``control``,
        ``rollout``).
    seed : int
        Seed of the random split.
    segments : DataFrame
        Indexed by ``segment``: ``rule``, ``proposition``, ``creative``.
    """

    objective: str
    total_budget: float
    test_share: float
    channel: str
    control_creative: str
    groups: dict[str, float]
    seed: int
    segments: pd.DataFrame = field(repr=False)

    @property
    def test_budget(self) -> float:
        """Rupees for the small test: ``total_budget * test_share``."""
        return self.total_budget * self.test_share

    @property
    def budget_per_cell(self) -> float:
        """Test budget of one cell (one segment x one message)."""
        return self.test_budget / (2 * len(self.segments))

    @property
    def rules(self) -> dict[str, str]:
        """Segment name -> rule, for :func:`course_lib.analysis.segmentation.assign_segments`."""
        return self.segments["rule"].to_dict()


def load_plan(path: str | Path | None = None) -> MethodPlan:
    """The worked campaign of notebook 10 (objective, budget, segments, creatives).

    Examples
    --------
    >>> plan = load_plan()
    >>> plan.segments.loc["students", "creative"], plan.test_budget
    ('campus_deals', 4000.0)
    """
    data = _read(path)
    plan = data.get("plan")
    if not isinstance(plan, dict):
        raise ValueError("the method file has no 'plan' mapping.")
    needed = ("objective", "total_budget", "test_share", "channel", "control_creative", "groups", "seed", "segments")
    missing = [k for k in needed if k not in plan]
    if missing:
        raise ValueError(f"the plan lacks {', '.join(missing)}.")
    for i, s in enumerate(plan["segments"]):
        lack = [f for f in _SEGMENT_FIELDS if not isinstance(s, dict) or f not in s]
        if lack:
            raise ValueError(f"segment {i + 1} of the plan lacks {', '.join(lack)}.")
    groups = {str(k): float(v) for k, v in plan["groups"].items()}
    if set(groups) != {"tailored", "control", "rollout"}:
        raise ValueError("plan groups must be exactly tailored, control and rollout.")
    return MethodPlan(
        objective=" ".join(str(plan["objective"]).split()),
        total_budget=require_number(plan["total_budget"], "total_budget", minimum=0, inclusive=False),
        test_share=require_probability(plan["test_share"], "test_share", open_interval=True),
        channel=str(plan["channel"]),
        control_creative=str(plan["control_creative"]),
        groups=groups,
        seed=require_positive_int(plan["seed"], "seed", minimum=0),
        segments=pd.DataFrame(plan["segments"], columns=list(_SEGMENT_FIELDS)).set_index("segment"),
    )


def _labels(values: Any, customers: pd.DataFrame, arg: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise TypeError(f"{arg} must be a pandas Series of labels with the customers' index, "
                        f"got {type(values).__name__}.")
    if len(values) != len(customers) or not values.index.equals(customers.index):
        raise ValueError(f"{arg} must have one label per customer, with the customers' index.")
    return values.astype("string")


def _run(customers: pd.DataFrame, mask: np.ndarray, creative: str, channel: Any, budget: float, seed: int,
         market: Any) -> dict[str, Any]:
    from course_lib.market.simulator import simulate  # noqa: PLC0415 (import cost)

    ids = pd.Index(customers.loc[mask, "customer_id"])
    if len(ids) == 0:
        raise ValueError("a test cell is empty: the segment is too small for the random groups.")
    return simulate(ids, creative, channel, budget, seed=seed, market=market).to_dict()


def segment_tests(
    customers: pd.DataFrame,
    segments: pd.Series,
    groups: pd.Series,
    creatives: Mapping[str, str],
    control: str,
    channel: Any,
    budget_per_cell: float,
    seed: int = 0,
    alpha: float = 0.05,
    market: Any = None,
) -> pd.DataFrame:
    """Test a tailored creative against a control in every segment (one simulated run per cell).

    In each segment the customers labelled ``"tailored"`` in ``groups`` get
    the segment's creative and those labelled ``"control"`` get the control
    creative, each with ``budget_per_cell``. Click-through per person reached
    (clicks / reach) is compared with :func:`two_proportion_ztest`: clicks
    are frequent enough to test on a small budget, purchases rarely are.

    Parameters
    ----------
    customers : DataFrame
        The customers table (with ``customer_id``).
    segments, groups : Series
        A segment label and a group label per customer (same index as
        ``customers``); ``groups`` must use ``"tailored"`` and ``"control"``.
    creatives : mapping of str to str
        Segment -> tailored creative; only these segments are tested.
    control : str
        The control creative.
    channel : str or Channel
        As in :func:`course_lib.market.simulator.simulate`.
    budget_per_cell : float
        Rupees per cell (> 0).
    seed : int
        Seed of the simulated runs (cell ``i`` uses ``seed + i``).
    alpha : float
        Significance level of the z-tests.
    market : Market, optional
        Passed to the simulator.

    Returns
    -------
    DataFrame
        Indexed by ``segment``: ``creative``, then for ``tailored_`` and
        ``control_`` each: ``reach``, ``clicks``, ``ctr``, ``conversions``,
        ``spend``, ``revenue``, ``roas``; then ``ctr_lift`` (relative),
        ``p_value`` and ``significant``.
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    seg = _labels(segments, customers, "segments")
    grp = _labels(groups, customers, "groups")
    if not isinstance(creatives, Mapping) or not creatives:
        raise TypeError("creatives must be a non-empty mapping of segment to tailored creative.")
    unknown = [s for s in creatives if not (seg == s).any()]
    if unknown:
        raise ValueError(f"no customer is in segment(s) {unknown}; check the segment names.")
    budget_per_cell = require_number(budget_per_cell, "budget_per_cell", minimum=0.0, inclusive=False)
    seed = require_positive_int(seed, "seed", minimum=0)
    rows = []
    for i, (segment, creative) in enumerate(creatives.items()):
        in_seg = (seg == segment).to_numpy(dtype=bool)
        cells = {}
        for j, (cell, cr) in enumerate((("tailored", creative), ("control", control))):
            mask = in_seg & (grp == cell).to_numpy(dtype=bool)
            cells[cell] = _run(customers, mask, cr, channel, budget_per_cell, seed + 2 * i + j, market)
        t, c = cells["tailored"], cells["control"]
        z = two_proportion_ztest(c["clicks"], max(c["reach"], 1), t["clicks"], max(t["reach"], 1), alpha=alpha)
        row: dict[str, Any] = {"segment": segment, "creative": creative}
        for cell, r in cells.items():
            row.update({f"{cell}_reach": r["reach"], f"{cell}_clicks": r["clicks"],
                        f"{cell}_ctr": r["clicks"] / r["reach"] if r["reach"] else np.nan,
                        f"{cell}_conversions": r["conversions"], f"{cell}_spend": r["spend"],
                        f"{cell}_revenue": r["revenue"], f"{cell}_roas": r["roas"]})
        row.update(ctr_lift=z.lift, p_value=z.p_value, significant=z.significant)
        rows.append(row)
    return pd.DataFrame(rows).set_index("segment")


def learning_log(tests: pd.DataFrame, min_conversions: int = 10) -> pd.DataFrame:
    """Turn :func:`segment_tests` into decisions with their evidence.

    Rules: a significant CTR lift above 0 -> **scale** the tailored message;
    a significant lift below 0 -> **refine** it (the control wins, keep the
    control meanwhile); no significant difference -> **keep testing** (or
    rewrite the message for a bigger difference). A ROAS resting on fewer
    than ``min_conversions`` sales is flagged as a hint only.

    Parameters
    ----------
    tests : DataFrame
        The output of :func:`segment_tests`.
    min_conversions : int
        Sales needed before a ROAS is treated as evidence.

    Returns
    -------
    DataFrame
        Indexed by ``segment``: ``use_creative`` (the creative to run next),
        ``decision``, ``evidence`` and ``caution``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"creative": ["run_club"], "tailored_ctr": [0.05], "control_ctr": [0.03],
    ...                   "ctr_lift": [0.67], "p_value": [0.001], "significant": [True],
    ...                   "tailored_conversions": [3], "control_conversions": [1]},
    ...                  index=pd.Index(["fitness_fans"], name="segment"))
    >>> learning_log(t, ).loc["fitness_fans", "decision"]
    'scale'
    """
    require_dataframe(tests, "tests")
    need = ["creative", "tailored_ctr", "control_ctr", "ctr_lift", "p_value", "significant",
            "tailored_conversions", "control_conversions"]
    require_columns(tests, need, "tests")
    min_conversions = require_positive_int(min_conversions, "min_conversions", minimum=0)
    rows = []
    for segment, r in tests.iterrows():
        evidence = (f"CTR {r['tailored_ctr']:.2%} tailored vs {r['control_ctr']:.2%} control "
                    f"(lift {r['ctr_lift']:+.0%}, p = {r['p_value']:.3f})")
        if r["significant"] and r["ctr_lift"] > 0:
            decision, use = "scale", r["creative"]
        elif r["significant"]:
            decision, use = "refine", "control"
        else:
            decision, use = "keep testing", r["creative"]
        sales = int(r["tailored_conversions"]) + int(r["control_conversions"])
        caution = (f"ROAS rests on {sales} sale(s): a hint, not proof" if sales < min_conversions else "")
        rows.append({"segment": segment, "use_creative": use, "decision": decision, "evidence": evidence,
                     "caution": caution})
    return pd.DataFrame(rows).set_index("segment")


def rollout(
    customers: pd.DataFrame,
    segments: pd.Series,
    groups: pd.Series,
    creatives: Mapping[str, str],
    budgets: Mapping[str, float] | pd.Series,
    channel: Any,
    seed: int = 0,
    group: str = "rollout",
    market: Any = None,
) -> pd.DataFrame:
    """Run each segment's chosen creative with its budget on the customers held back for the rollout.

    Parameters
    ----------
    customers, segments, groups
        As in :func:`segment_tests`.
    creatives : mapping of str to str
        Segment -> creative to run.
    budgets : mapping or Series of str to float
        Segment -> rupees (segments with 0 are skipped).
    channel : str or Channel
        As in the simulator.
    seed : int
        Seed of the runs (segment ``i`` uses ``seed + i``).
    group : str
        The group label of the rollout customers.
    market : Market, optional

    Returns
    -------
    DataFrame
        Indexed by ``segment``: ``creative``, ``budget``, ``reach``,
        ``clicks``, ``conversions``, ``spend``, ``revenue``, ``roas``,
        ``unspent``; plus a ``total`` row.
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    seg = _labels(segments, customers, "segments")
    grp = _labels(groups, customers, "groups")
    if isinstance(budgets, pd.Series):
        budgets = budgets.to_dict()
    if not isinstance(budgets, Mapping) or not budgets:
        raise TypeError("budgets must be a non-empty mapping (or Series) of segment to rupees.")
    seed = require_positive_int(seed, "seed", minimum=0)
    rows = []
    for i, (segment, budget) in enumerate(budgets.items()):
        budget = require_number(budget, f"budgets[{segment!r}]", minimum=0.0)
        if segment not in creatives:
            raise ValueError(f"no creative given for segment {segment!r}.")
        if budget == 0:
            continue
        mask = (seg == segment).to_numpy(dtype=bool) & (grp == group).to_numpy(dtype=bool)
        r = _run(customers, mask, creatives[segment], channel, budget, seed + i, market)
        rows.append({"segment": segment, "creative": creatives[segment], "budget": budget, "reach": r["reach"],
                     "clicks": r["clicks"], "conversions": r["conversions"], "spend": r["spend"],
                     "revenue": r["revenue"], "unspent": r["unspent"]})
    out = pd.DataFrame(rows).set_index("segment")
    total = out[["budget", "reach", "clicks", "conversions", "spend", "revenue", "unspent"]].sum()
    out.loc["total"] = {**total.to_dict(), "creative": ""}
    out["roas"] = out["revenue"] / out["spend"]
    return out
