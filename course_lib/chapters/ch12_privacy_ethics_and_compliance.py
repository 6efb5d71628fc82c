"""Chapter 12 (privacy, ethics and compliance): the plan check, the plan builder and the workbook's answers.

The law table, minimisation, reach by group and the retention policy are
worked in the chapter notebook; the workbook's checks are declared in
``data/exercises/12-privacy-ethics-and-compliance.yaml``.

Examples
--------
>>> import pandas as pd
>>> people = pd.DataFrame({"visits": range(20, 60), "consent_email": [True, False] * 20})
>>> check_plan(people, "visits >= 30", "email", k=5, groups={}).summary()
'audience 30; contactable on the channel 15; compliant reach 15; verdict: contact consenting only'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from course_lib.analysis.consent import channel_requirements, consented_rule, contactable
from course_lib.analysis.privacy import audit_targeting_plan
from course_lib.analysis.segmentation import Rule, rule_mask
from course_lib.base.content import read_yaml
from course_lib.base.paths import DATA_DIR
from course_lib.base.validation import require_columns, require_dataframe, require_positive_int
from course_lib.market.datasets import load_customers, load_transactions

__all__ = ["PlanCheck", "check_plan", "load_plan_options", "plan_builder", "answers", "wrong_answers"]

CONSENT_FLAGS = ["consent_email", "consent_sms", "consent_whatsapp", "consent_ads"]


@dataclass(frozen=True)
class PlanCheck:
    """Result of :func:`check_plan`: the audit's ``findings``, the ``audience``, how many are ``contactable``,
    the ``compliant_reach`` and the ``verdict``."""

    findings: pd.DataFrame
    audience: int
    contactable: int
    compliant_reach: int
    verdict: str

    def summary(self) -> str:
        """One line: audience, contactable, compliant reach and verdict."""
        return (f"audience {self.audience:,}; contactable on the channel {self.contactable:,}; "
                f"compliant reach {self.compliant_reach:,}; verdict: {self.verdict}")


def check_plan(customers: pd.DataFrame, rule: Rule, channel: str, *, k: int = 10,
               groups: Mapping[str, Any] | None = None, segment: str = "segment") -> PlanCheck:
    """Audit one segment on one channel and work out how many people may really be contacted.

    Consent is fixed by contacting only the people who may be contacted, so
    the compliant reach is ``contactable``; any other high-severity finding (a
    sensitive attribute, a segment that singles people out) must be fixed in
    the rule itself, so the compliant reach is 0 and the verdict "fix first".
    Otherwise the verdict is "review" (medium findings), "contact consenting
    only" (only the consent finding) or "ok". ``rule`` "" or None = everyone.
    """
    require_dataframe(customers, "customers")
    if isinstance(rule, str) and not rule.strip():
        rule = None
    mask = rule_mask(customers, rule, "rule").to_numpy(dtype=bool)
    n_contactable = int((mask & contactable(customers, channel).to_numpy(dtype=bool)).sum())
    findings = audit_targeting_plan([{"segment": segment, "rule": rule, "channel": channel}], customers, k=k,
                                    groups=groups)
    high = findings["severity"].eq("high")
    blocking = (high & findings["check"].ne("consent")).any()
    if blocking:
        verdict = "fix first"
    elif findings["severity"].eq("medium").any():
        verdict = "review"
    elif high.any():
        verdict = "contact consenting only"
    else:
        verdict = "ok"
    return PlanCheck(findings=findings, audience=int(mask.sum()), contactable=n_contactable,
                     compliant_reach=0 if blocking else n_contactable, verdict=verdict)


def load_plan_options() -> pd.DataFrame:
    """The ready-made segments of the plan builder (``name``, ``rule``, ``note``), some problematic on purpose.

    >>> "Everyone (mass)" in set(load_plan_options()["name"])
    True
    """
    path = DATA_DIR / "ethics" / "plan_options.yaml"
    rows = read_yaml(path, what="plan-options").get("segments")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) and "name" in r and "rule" in r
                                                         for r in rows):
        raise ValueError(f"{path} must contain a list of segments, each with a name and a rule (empty = everyone).")
    return pd.DataFrame([{"name": r["name"], "rule": r["rule"] or "", "note": r.get("note", "")} for r in rows])


def plan_builder(customers: pd.DataFrame, *, options: pd.DataFrame | None = None,
                 channels: Sequence[str] | None = None, groups: Mapping[str, Any] | None = None, k: int = 10) -> Any:
    """An explorer: choose a segment, a channel and k; see the audience, the compliant reach and the findings.

    Built on :class:`course_lib.learning.explorer.Explorer` (a chart on a fresh
    Figure at every change, a text version for static views). ``channels``
    defaults to every channel of :func:`channel_requirements` (WhatsApp
    included, on its own opt-in). A cell showing it needs the
    ``nbval-ignore-output`` tag.

    >>> plan_builder(pd.DataFrame({"age": [30]}), k=0)
    Traceback (most recent call last):
    ...
    ValueError: k must be at least 1, got 0.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    require_dataframe(customers, "customers")
    k = require_positive_int(k, "k")
    options = load_plan_options() if options is None else options
    require_columns(options, ["name", "rule"], "options")
    rules = dict(zip(options["name"], options["rule"]))
    names = list(channel_requirements()) if channels is None else list(channels)
    wide = widgets.Layout(width="420px")

    def draw(fig: Any, segment: str, channel: str, consenting: bool, k: int) -> tuple[str, pd.DataFrame]:
        rule = rules[segment] or None
        if consenting:
            rule = consented_rule(rule, channel)
        result = check_plan(customers, rule, channel, k=k, groups=groups, segment=segment)
        bars = {"selected by the rule": result.audience, "may be contacted": result.contactable,
                "compliant reach": result.compliant_reach}
        ax = fig.subplots()
        ax.barh(list(bars), list(bars.values()), color=["#9ecae1", "#4292c6", "#08519c"])
        ax.invert_yaxis()
        ax.set(xlabel="customers", xlim=(0, max(*bars.values(), 1) * 1.2),
               title=f"{segment} on {channel}: verdict '{result.verdict}'")
        for y, value in enumerate(bars.values()):
            ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center")
        table = result.findings.drop(columns="segment") if len(result.findings) else \
            pd.DataFrame({"message": ["no findings: the plan passes every check"]})
        line = (f"Rule `{rule or '(everyone)'}`: audience **{result.audience:,}**, may be contacted "
                f"**{result.contactable:,}**, compliant reach **{result.compliant_reach:,}**; "
                f"verdict: **{result.verdict}**.")
        return line, table.reset_index(drop=True)

    controls = {
        "segment": widgets.Dropdown(options=list(rules), description="segment", layout=wide),
        "channel": widgets.Dropdown(options=names, description="channel", layout=wide),
        "consenting": widgets.Checkbox(value=False, description="only people who may be contacted", indent=False),
        "k": widgets.IntSlider(value=k, min=2, max=50, step=1, description="k (min size)", continuous_update=False,
                               layout=wide),
    }
    return Explorer(controls, draw, title="Build a plan and audit it", figsize=(8, 2.8))


# --------------------------------------------------------------------------- the workbook's answers


def _facts(stop_every: int, as_of: str, months: int, affluent_pins_rule: str) -> dict[str, Any]:
    customers, tx = load_customers(), load_transactions()
    stop = customers["customer_id"].str[1:].astype(int) % stop_every == 0
    sms = customers["consent_sms"].fillna(False).astype(bool)
    flags = customers[CONSENT_FLAGS].fillna(False).astype(bool)
    no_consent = customers.loc[~flags.any(axis=1), "customer_id"]
    withdrawn = tx["customer_id"].isin(no_consent)
    since = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    selected = customers.eval(affluent_pins_rule)
    by_band = selected.groupby(customers["income_band"].astype(str))
    return {"customers": customers, "tx": tx, "stop": stop, "sms": sms, "flags": flags, "withdrawn": withdrawn,
            "recent": tx["date"] >= since, "as_of": pd.Timestamp(as_of), "selected": selected,
            "rates": by_band.mean(), "counts": by_band.sum(), "n_no_consent": len(no_consent)}


def answers(stop_every: int, as_of: str, months: int, affluent_pins_rule: str) -> dict[str, Any]:
    """The right answers (q1 ``n_sms``, q2 ``n_kept``, q3 ``ratio``) and the facts the messages quote."""
    f = _facts(stop_every, as_of, months, affluent_pins_rule)
    sms, stop, rates = f["sms"], f["stop"], f["rates"]
    n_kept = int((f["recent"] & ~f["withdrawn"]).sum())
    return {
        "n_sms": int((sms & ~stop).sum()), "stop_removed": int((sms & stop).sum()),
        "stop_already_out": int((~sms & stop).sum()), "n_customers": len(f["customers"]),
        "n_kept": n_kept, "n_rows": len(f["tx"]), "kept_share": n_kept / len(f["tx"]),
        "n_no_consent": f["n_no_consent"],
        "ratio": float(rates.min() / rates.max()), "top_rate": rates.max(), "top_band": rates.idxmax(),
        "low_rate": rates.min(), "low_band": rates.idxmin(),
    }


def wrong_answers(stop_every: int, as_of: str, months: int, affluent_pins_rule: str) -> dict[str, Any]:
    """What the typical mistakes give (computed only when an answer is wrong)."""
    f = _facts(stop_every, as_of, months, affluent_pins_rule)
    customers, tx, sms, stop, rates = f["customers"], f["tx"], f["sms"], f["stop"], f["rates"]
    right = answers(stop_every, as_of, months, affluent_pins_rule)
    any_off = customers.loc[~f["flags"].all(axis=1), "customer_id"]

    def kept_for(n_months: int) -> int:
        return int(((tx["date"] >= f["as_of"] - pd.DateOffset(months=n_months)) & ~f["withdrawn"]).sum())

    by_gender = f["selected"].groupby(customers["gender"].astype(str))
    gender_rates = by_gender.mean()[by_gender.size() >= 10]
    return {
        "sms_before": int(sms.sum()), "sms_minus_all_stops": int(sms.sum()) - int(stop.sum()),
        "email_consent": int(customers["consent_email"].fillna(False).astype(bool).sum()),
        "n_stop": int(stop.sum()), "sms_blocked": len(customers) - right["n_sms"],
        "sms_share": right["n_sms"] / len(customers), "sms_percent": 100 * right["n_sms"] / len(customers),
        "kept_age_only": int(f["recent"].sum()), "kept_consent_only": int((~f["withdrawn"]).sum()),
        "removed": len(tx) - right["n_kept"],
        "kept_any_opt_out": int((f["recent"] & ~tx["customer_id"].isin(any_off)).sum()),
        "kept_18_months": kept_for(18), "kept_6_months": kept_for(6), "n_old": int((~f["recent"]).sum()),
        "ratio_upside_down": float(rates.max() / rates.min()),
        "ratio_of_counts": float(f["counts"].min() / f["counts"].max()), "ratio_percent": 100 * right["ratio"],
        "ratio_gender": float(gender_rates.min() / gender_rates.max()), "lowest_rate": float(rates.min()),
    }
