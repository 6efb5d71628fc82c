"""Exercises for the workbook ``09-campaign-building-blocks-and-metrics``.

* ``q1``: the UTM-tagged link of the Students line of "Diwali micro 2025"
  (creative ``campus_deals`` on social ads) (``students_link``).
* ``q2``: the pooled cost per acquisition of every segment of the two Diwali
  2025 campaigns, as a Series (``segment_cpa``).
* ``q3``: the match rate of the normalised, consented Students upload on the
  simulated social network (``students_match_rate``).

Every expected value is computed when the check runs: the link with
:func:`course_lib.chapters.campaign.utm_link` and the course convention of
``data/content/campaign.yaml``, the CPA from the campaign log, the match rate
with :func:`course_lib.chapters.campaign.export_audience` and
:func:`course_lib.chapters.campaign.simulated_platform`. Typical mistakes (swapped source
and medium, capitals or spaces, a missing ``utm_content``, the budget instead of
the spend, the mean of line CPAs, an un-normalised upload, the wrong
denominator, ...) get their own feedback.

Examples
--------
>>> from course_lib.chapters.workbooks.campaign_building_blocks_and_metrics import q1
>>> q1.evaluate("https://shop.example.com/offers").status
'incorrect'
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd

from course_lib.chapters.campaign import (
    demo_contacts,
    export_audience,
    hash_identifiers,
    landing_page,
    match_rate,
    simulated_platform,
    utm_channels,
    utm_link,
)
from course_lib.market.datasets import load_campaigns, load_customers
from course_lib.learning.exercises import Exercise, Mismatch, expect_number, expect_series

__all__ = ["NOTEBOOK", "EXERCISES", "CAMPAIGN", "SEGMENT", "CREATIVE", "CHANNEL", "STUDENT_RULE", "CONTACT_SEED",
           "expected_link", "diwali_lines", "q1", "q2", "q3"]

#: The workbook these exercises belong to.
NOTEBOOK = "09-campaign-building-blocks-and-metrics"
#: The campaign, segment, creative and channel of the link in q1 (and the upload in q3).
CAMPAIGN = "Diwali micro 2025"
SEGMENT = "Students"
CREATIVE = "campus_deals"
CHANNEL = "social_ads"
#: The segment rule of the Students line (as in the campaign log).
STUDENT_RULE = "is_student"
#: Seed of the fictional contacts and of the simulated platform (q3), as in the notebook.
CONTACT_SEED = 9


# --------------------------------------------------------------------------- q1: UTM link


def expected_link() -> str:
    """The right answer of q1: the course convention applied to the Students line."""
    conv = utm_channels().loc[CHANNEL]
    return utm_link(landing_page(), source=conv["utm_source"], medium=conv["utm_medium"], campaign=CAMPAIGN,
                    content=CREATIVE, term=SEGMENT)


def _params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _check_link(value: Any) -> str:
    name = "students_link"
    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result?")
    if not isinstance(value, str):
        raise Mismatch(f"`{name}` should be the link as text (a str), but it is of type {type(value).__name__}.")
    right = expected_link()
    want = _params(right)
    text = value.strip()
    parts = urlsplit(text)
    base = urlsplit(right)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Mismatch(f"`{name}` has no landing page in front of the parameters. A UTM link is the full address "
                       f"of the page, then `?` and the parameters: start with `landing_page()` ({landing_page()}).")
    if (parts.netloc.lower(), parts.path.rstrip("/")) != (base.netloc, base.path.rstrip("/")):
        raise Mismatch(f"`{name}` points to {parts.scheme}://{parts.netloc}{parts.path}; the campaign's landing "
                       f"page is {landing_page()}.")
    got = _params(text)
    utm = {k: v for k, v in got.items() if k.lower().startswith("utm_")}
    if not utm:
        raise Mismatch(f"`{name}` has no UTM parameters: add `utm_source`, `utm_medium`, `utm_campaign`, "
                       "`utm_content` and `utm_term` after a `?`.")
    if any(k != k.lower() for k in utm):
        raise Mismatch("write the parameter names in lowercase (`utm_source`, not `UTM_Source`): analytics tools "
                       "only recognise the lowercase names.")
    messy = [k for k, v in utm.items() if v != v.strip().lower() or " " in v]
    if messy:
        raise Mismatch(f"{', '.join(f'`{k}`' for k in messy)} contains capitals or spaces. Analytics tools treat "
                       "'Diwali Micro 2025' and 'diwali_micro_2025' as two campaigns: write every value lowercase "
                       "with `_` for spaces (`utm_link` does this for you).")
    conv = utm_channels()
    if utm.get("utm_source") == want["utm_medium"] and utm.get("utm_medium") == want["utm_source"]:
        raise Mismatch("source and medium are swapped. `utm_source` says *who* sent the visitor "
                       f"({want['utm_source']}), `utm_medium` *what kind* of channel it is ({want['utm_medium']}).")
    for key, what in (("utm_source", "source"), ("utm_medium", "medium")):
        if key not in utm:
            raise Mismatch(f"`{key}` is missing. The course convention for social ads is "
                           f"`{key}={want[key]}` (see `utm_channels()`).")
        if utm[key] != want[key]:
            other = conv.index[conv[key] == utm[key]].tolist()
            where = f" (that is the {what} of {other[0]})" if other else ""
            raise Mismatch(f"`{key}={utm[key]}`{where}: the course convention for social ads is "
                           f"`{key}={want[key]}` (see `utm_channels()`).")
    if "utm_campaign" not in utm:
        raise Mismatch("`utm_campaign` is missing: without it the visit cannot be credited to the campaign.")
    if utm["utm_campaign"] != want["utm_campaign"]:
        raise Mismatch(f"`utm_campaign={utm['utm_campaign']}` is not the campaign's name. Use the name in the "
                       f"log, \"{CAMPAIGN}\", written as `{want['utm_campaign']}`: a different spelling becomes a "
                       "different campaign in the reports.")
    if "utm_content" not in utm:
        raise Mismatch("`utm_content` is missing. Both social-ads lines of the campaign would then look the same in "
                       f"the reports: tag the creative, `utm_content={want['utm_content']}`.")
    if utm["utm_content"] != want["utm_content"]:
        raise Mismatch(f"`utm_content={utm['utm_content']}` is not the creative of the Students line "
                       f"(`{want['utm_content']}`).")
    if "utm_term" not in utm:
        raise Mismatch(f"`utm_term` is missing. The course tags the segment in it: `utm_term={want['utm_term']}`.")
    if utm["utm_term"] != want["utm_term"]:
        raise Mismatch(f"`utm_term={utm['utm_term']}` should name the segment, written as `{want['utm_term']}`.")
    extra = sorted(set(utm) - set(want))
    if extra:
        raise Mismatch(f"{', '.join(f'`{k}`' for k in extra)} is not one of the five UTM parameters.")
    return ("every visit from this ad will now be credited to the Students line, the campus_deals creative and the "
            "social-ads channel of the campaign.")


q1 = Exercise(
    id="q1",
    notebook=NOTEBOOK,
    var="students_link",
    topic="campaign-elements",
    title="A UTM link for the Students line",
    checker=_check_link,
    hints=[
        "Look up the course's source and medium for social ads in `utm_channels()`; the creative goes in "
        "`utm_content` and the segment in `utm_term`.",
        "`utm_link(landing_page(), source=..., medium=..., campaign=\"Diwali micro 2025\", content=\"campus_deals\", "
        "term=\"Students\")` writes every value in lowercase with `_` for you.",
    ],
)


# --------------------------------------------------------------------------- q2: pooled CPA per segment


@functools.lru_cache(maxsize=1)
def diwali_lines() -> pd.DataFrame:
    """The six lines of the two Diwali 2025 campaigns (mass and micro) from the campaign log."""
    log = load_campaigns()
    return log[log["campaign"].astype(str).str.startswith("Diwali")].reset_index(drop=True)


def _by_segment(data: pd.DataFrame, func: Any) -> pd.Series:
    out = data.groupby(data["segment"].astype(str), sort=True).apply(func, include_groups=False)
    out.index.name = "segment"
    return out.astype(float)


def _cpa_facts() -> dict[str, pd.Series]:
    d = diwali_lines()
    sums = d.groupby(d["segment"].astype(str), sort=True)[["spend", "budget", "conversions", "clicks"]].sum()
    return {
        "right": sums["spend"] / sums["conversions"],
        "budget": sums["budget"] / sums["conversions"],
        "mean_of_lines": _by_segment(d, lambda g: (g["spend"] / g["conversions"]).mean()),
        "inverted": sums["conversions"] / sums["spend"],
        "cpc": sums["spend"] / sums["clicks"],
    }


def _check_cpa(value: Any) -> str:
    f = _cpa_facts()
    right = f["right"]
    name = "segment_cpa"
    if isinstance(value, pd.Series):
        labels = {str(k) for k in value.index}
        micro = {str(s) for s in diwali_lines().loc[diwali_lines()["campaign"] == CAMPAIGN, "segment"]}
        if labels == micro:
            raise Mismatch("`segment_cpa` has only the segments of the micro campaign. Diwali 2025 is both campaigns "
                           "(`diwali`): the mass sale's 'All customers' segment is the benchmark.")
        if labels == {str(k) for k in right.index}:
            value = value.set_axis([str(k) for k in value.index])
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        total = diwali_lines()["spend"].sum() / diwali_lines()["conversions"].sum()
        if np.isclose(float(value), total):
            raise Mismatch("that is the CPA of all six lines together. The question asks for one CPA per segment: "
                           "group by `segment` first.")
    mistakes = [
        (f["mean_of_lines"], "right for the one-line segments, but for 'All customers' you averaged the CPAs of its "
                             "two lines. Pool first: total spend / total conversions of the segment."),
        (f["budget"], "you divided the *budget* by the conversions. The budget is a ceiling; CPA uses what was "
                      "actually spent (`spend`)."),
        (f["inverted"], "that is conversions per rupee (conversions / spend). CPA is the other way round: "
                        "spend / conversions."),
        (f["cpc"], "that is the cost per *click* (spend / clicks). CPA divides by conversions (people who bought)."),
    ]
    expect_series(value, right, name=name, what="segment", rel_tol=1e-6, mistakes=mistakes)
    cheap, dear = right.idxmin(), right.idxmax()
    return (f"{cheap} win a customer for Rs {right[cheap]:,.0f}, {dear} for Rs {right[dear]:,.0f}: "
            "the same budget buys very different numbers of customers.")


q2 = Exercise(
    id="q2",
    notebook=NOTEBOOK,
    var="segment_cpa",
    topic="metrics",
    title="Pooled CPA per segment, Diwali 2025",
    checker=_check_cpa,
    hints=[
        "CPA = spend / conversions. Add up `spend` and `conversions` for each segment first, then divide.",
        "`sums = diwali.groupby(\"segment\")[[\"spend\", \"conversions\"]].sum()`, then "
        "`sums[\"spend\"] / sums[\"conversions\"]`.",
    ],
)


# --------------------------------------------------------------------------- q3: match rate


@functools.lru_cache(maxsize=1)
def _match_facts() -> dict[str, float]:
    customers = load_customers()
    contacts = demo_contacts(customers, seed=CONTACT_SEED)
    platform = simulated_platform(customers, contacts, seed=CONTACT_SEED)
    up = export_audience(customers, contacts, STUDENT_RULE, CHANNEL, segment=SEGMENT)
    raw = export_audience(customers, contacts, STUDENT_RULE, CHANNEL, segment=SEGMENT, normalise=False)
    matched = int(up.hashes.isin(platform).sum())
    students = customers["is_student"].to_numpy(dtype=bool)
    every = hash_identifiers(contacts.loc[students, "email"].reset_index(drop=True)).dropna()
    return {
        "right": match_rate(up, platform),
        "raw": match_rate(raw, platform),
        "matched": float(matched),
        "per_selected": matched / up.selected,
        "no_consent_filter": float(every.isin(platform).mean()),
        "per_platform": matched / len(platform),
        "uploaded": float(up.uploaded),
    }


def _check_match(value: Any) -> str:
    f = _match_facts()
    name = "students_match_rate"
    if isinstance(value, pd.DataFrame) and "match_rate" in value.columns and len(value) == 1:
        value = value["match_rate"].iloc[0]
    expect_number(
        value,
        f["right"],
        name=name,
        rel_tol=1e-9,
        abs_tol=5e-4,
        mistakes=[
            (f["raw"], "that is the match rate of the upload hashed *as typed*. Normalise first (trim, lowercase): "
                       "`export_audience` does it unless you pass `normalise=False`."),
            (100 * f["right"], f"`{name}` looks like a percentage. Give a fraction between 0 and 1."),
            (f["matched"], f"that is the number of matched people. The match rate divides it by the number uploaded "
                           f"({int(f['uploaded']):,})."),
            (f["per_selected"], "you divided by all the students the rule selects. Those without ads consent were "
                                "never uploaded: divide by the number *uploaded*."),
            (f["no_consent_filter"], "your upload includes students who did not consent to ads. Export with the "
                                     "social-ads consent filter (`export_audience(..., \"social_ads\")`)."),
            (f["per_platform"], "you divided by the size of the platform's user base. The match rate is "
                                "matched / uploaded."),
            (f["uploaded"], "that is the number of hashes uploaded, not the share of them the platform matched."),
        ],
    )
    return (f"{f['right']:.1%} of the uploaded students can be shown the ad: {int(f['matched']):,} people, the real "
            "audience of the line. Hashed as typed it would have been "
            f"{f['raw']:.1%}.")


q3 = Exercise(
    id="q3",
    notebook=NOTEBOOK,
    var="students_match_rate",
    topic="campaign-elements",
    title="Match rate of the Students upload",
    checker=_check_match,
    hints=[
        "Build the upload with `export_audience(customers, contacts, \"is_student\", \"social_ads\")`, then compare "
        "it with `platform`.",
        "`match_rate(upload, platform)` = matched / uploaded, a fraction between 0 and 1.",
    ],
)

#: The exercises of the workbook, in order.
EXERCISES: list[Exercise] = [q1, q2, q3]
