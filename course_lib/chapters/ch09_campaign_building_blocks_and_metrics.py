"""Chapter 09 (campaign building blocks and metrics): audience uploads, UTM links and the dashboard widget.

Shared by the notebook and its workbook: fictional contact e-mails and a
simulated ad platform, the consented, hashed upload of a segment and its match
rate, tagged links in the course convention, one dashboard panel and the
dashboard widget. Content: ``data/content/campaign.yaml``.

>>> utm_link("https://shop.example.com/offers", source="newsletter", medium="email", campaign="Diwali 2025")
'https://shop.example.com/offers?utm_source=newsletter&utm_medium=email&utm_campaign=diwali_2025'
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd

from course_lib.analysis.consent import contactable
from course_lib.analysis.segmentation import rule_mask
from course_lib.base.content import content_path, read_yaml
from course_lib.base.validation import require_columns, require_dataframe
from course_lib.learning.exercises import Mismatch

__all__ = ["content", "landing_page", "utm_channels", "normalise_email", "hash_identifiers", "demo_contacts",
           "AudienceExport", "export_audience", "simulated_platform", "match_rate", "slug", "utm_link",
           "format_metric", "plot_panel", "reading", "dashboard_explorer", "check_link", "answers"]

UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


@functools.lru_cache(maxsize=1)
def content() -> dict[str, Any]:
    """The chapter's content file, ``data/content/campaign.yaml``.

    >>> content()["building_blocks"][0]["name"]
    'Data sources'
    """
    return read_yaml(content_path("campaign"), what="campaign content")


def landing_page() -> str:
    """The (fictional) landing page the course's tracked links point to.

    >>> landing_page()
    'https://shop.example.com/offers'
    """
    return str(content()["landing_page"])


def utm_channels() -> pd.DataFrame:
    """The course's ``utm_source`` and ``utm_medium`` for each channel.

    >>> utm_channels().loc["social_ads"].tolist()
    ['social_network', 'paid_social']
    """
    table = pd.DataFrame.from_dict(content()["utm_channels"], orient="index").rename_axis("channel")
    return table.rename(columns={"source": "utm_source", "medium": "utm_medium"})


# --------------------------------------------------------------------------- audience lists


def _texts(values: Any) -> pd.Series:
    if isinstance(values, (str, bytes)) or not isinstance(values, (pd.Series, pd.Index, list, tuple, np.ndarray)):
        raise TypeError(f"values must be a list or Series of text values, got {type(values).__name__}.")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    bad = [v for v in series.dropna() if not isinstance(v, str)]
    if bad:
        raise TypeError(f"values must hold text; found {type(bad[0]).__name__} {bad[0]!r}.")
    return series.astype(object)


def normalise_email(values: Any) -> pd.Series:
    """Trim and lowercase e-mail addresses; anything that is not an address becomes missing.

    >>> normalise_email([" Asha.K@Example.COM", "no-at-sign", None]).tolist()
    ['asha.k@example.com', nan, nan]
    """
    out = _texts(values).map(lambda v: v.strip().lower() if isinstance(v, str) else np.nan)
    return out.where(out.map(lambda v: isinstance(v, str) and bool(_EMAIL.match(v))), np.nan).astype(object)


def hash_identifiers(values: Any, normalise: bool = True) -> pd.Series:
    """SHA-256 hashes (64 hex characters) of e-mail addresses, normalised first unless ``normalise=False``.

    >>> hash_identifiers(["asha@example.com"]).iloc[0][:12]
    'ea4e36a82998'
    """
    if not isinstance(normalise, bool):
        raise TypeError(f"normalise must be True or False, got {normalise!r}.")
    series = normalise_email(values) if normalise else _texts(values)
    return series.map(lambda v: hashlib.sha256(v.encode("utf-8")).hexdigest() if isinstance(v, str) else np.nan
                      ).astype(object)


def _seed(seed: Any) -> np.random.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, got {seed!r}.")
    return np.random.default_rng(int(seed))


def demo_contacts(customers: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Fictional e-mails for the customers (``customer_id``, ``email`` as typed, ``mess``), some of them messy.

    Some are typed with capitals or stray spaces, a few with a mistyped domain
    (shares in ``data/content/campaign.yaml``); all are on example domains.

    >>> demo_contacts(pd.DataFrame({"customer_id": ["C00001"]}), seed=1)["email"].str.contains("@").tolist()
    [True]
    """
    require_columns(customers, ["customer_id"], "customers")
    spec, rng = content()["demo_contacts"], _seed(seed)
    ids = customers["customer_id"].astype(str).to_numpy()
    domains = np.asarray(spec["domains"], dtype=object)[rng.integers(0, len(spec["domains"]), len(ids))]
    clean = np.array([f"{i.lower()}@{d}" for i, d in zip(ids, domains)], dtype=object)
    cuts = np.cumsum([spec["share_typo"], spec["share_uppercase"], spec["share_spaces"]])
    u = rng.random(len(ids))
    mess = np.select([u < cuts[0], u < cuts[1], u < cuts[2]], ["typo", "uppercase", "spaces"], "none").astype(object)
    email = clean.copy()
    for i in np.flatnonzero(mess == "typo"):
        email[i] = clean[i].split("@")[0] + "@" + spec["typo_domain"]
    for i in np.flatnonzero(mess == "uppercase"):
        user, domain = clean[i].split("@")
        email[i] = user[0].upper() + user[1:] + "@" + domain.capitalize()
    for k, i in enumerate(np.flatnonzero(mess == "spaces")):
        email[i] = " " + clean[i] if k % 2 else clean[i] + " "
    return pd.DataFrame({"customer_id": ids, "email": email, "mess": mess})


@dataclass(frozen=True)
class AudienceExport:
    """A consented, hashed audience list (from :func:`export_audience`): the counts and the ``hashes``."""

    segment: str
    channel: str
    selected: int
    not_consented: int
    invalid: int
    duplicates: int
    hashes: pd.Series

    @property
    def uploaded(self) -> int:
        """How many hashed identifiers the list holds."""
        return len(self.hashes)

    def summary(self) -> pd.Series:
        """The counts: selected, not consented, invalid, duplicates, uploaded."""
        names = ["selected", "not_consented", "invalid", "duplicates", "uploaded"]
        return pd.Series({name: getattr(self, name) for name in names}, name=self.segment)


def export_audience(customers: pd.DataFrame, contacts: pd.DataFrame, rule: Any, channel: str = "social_ads", *,
                    segment: str = "audience", normalise: bool = True) -> AudienceExport:
    """Select by ``rule``, keep who consented to ``channel``, normalise, hash and de-duplicate their e-mails.

    >>> people = pd.DataFrame({"customer_id": ["a", "b", "c"], "age": [20, 22, 50],
    ...                        "consent_ads": [True, False, True]})
    >>> mails = pd.DataFrame({"customer_id": ["a", "b", "c"], "email": ["A@x.com", "b@x.com", "c@x.com"]})
    >>> export_audience(people, mails, "age < 30", segment="young").summary().tolist()
    [2, 1, 0, 0, 1]
    """
    require_columns(customers, ["customer_id"], "customers")
    require_columns(contacts, ["customer_id", "email"], "contacts")
    if contacts["customer_id"].duplicated().any():
        raise ValueError("contacts has a customer_id more than once; keep one e-mail per customer.")
    mask = rule_mask(customers, rule, f"rule of segment {segment!r}").to_numpy(dtype=bool)
    consent = contactable(customers, channel).to_numpy(dtype=bool)
    chosen = customers.loc[mask & consent, ["customer_id"]].merge(contacts, on="customer_id", how="left")
    hashes = hash_identifiers(chosen["email"], normalise=normalise)
    valid = hashes.dropna()
    unique = valid.drop_duplicates().reset_index(drop=True)
    return AudienceExport(str(segment), str(channel), int(mask.sum()), int((mask & ~consent).sum()),
                          int(hashes.isna().sum()), len(valid) - len(unique), unique)


def simulated_platform(customers: pd.DataFrame, contacts: pd.DataFrame, seed: int = 0) -> pd.Index:
    """The hashed e-mails of a simulated social network's account holders (assumptions in the content file).

    A customer has an account with a probability that depends on age and used
    the CRM's address with probability ``same_email``; a mistyped address is
    nobody's.

    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "age": [20, 70]})
    >>> mails = pd.DataFrame({"customer_id": ["a", "b"], "email": ["a@example.com", "b@example.com"]})
    >>> len(simulated_platform(people, mails, seed=0)) <= 2
    True
    """
    require_columns(customers, ["customer_id", "age"], "customers")
    require_columns(contacts, ["customer_id", "email"], "contacts")
    spec, rng = content()["simulated_platform"], _seed(seed)
    people = customers[["customer_id", "age"]].merge(contacts[["customer_id", "email"]], on="customer_id")
    band = pd.cut(people["age"], spec["age_bands"], right=False, labels=False).to_numpy(dtype=int)
    on_platform = rng.random(len(people)) < np.asarray(spec["share_with_account"])[band] * spec["same_email"]
    emails = normalise_email(people.loc[on_platform, "email"]).dropna()
    emails = emails[~emails.str.endswith("@" + content()["demo_contacts"]["typo_domain"])]
    return pd.Index(hash_identifiers(emails, normalise=False).to_numpy(), name="hashed_email")


def match_rate(uploaded: Any, platform: Any) -> float:
    """Share of an upload (distinct hashes) that the platform recognises: matched / uploaded.

    >>> match_rate(["h1", "h2", "h3", "h4"], ["h2", "h4", "h9"])
    0.5
    """
    sets = []
    for arg, values in (("uploaded", uploaded), ("platform", platform)):
        values = values.hashes if isinstance(values, AudienceExport) else values
        if isinstance(values, (str, bytes)) or not isinstance(values, (pd.Series, pd.Index, list, tuple, set,
                                                                          np.ndarray)):
            raise TypeError(f"{arg} must be a list, Series or Index of hashes, got {type(values).__name__}.")
        sets.append(pd.Index(pd.Series(list(values), dtype=object).dropna().unique()))
    return float(sets[0].isin(sets[1]).mean()) if len(sets[0]) else float("nan")


# --------------------------------------------------------------------------- UTM links


def slug(text: Any) -> str:
    """A UTM-safe value: lowercase, runs of spaces and punctuation turned into one ``_``.

    >>> slug("  Diwali Micro 2025! ")
    'diwali_micro_2025'
    """
    if not isinstance(text, str):
        raise TypeError(f"a UTM value must be text, got {type(text).__name__} {text!r}.")
    value = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    if not value:
        raise ValueError(f"the UTM value {text!r} has no letters or digits.")
    return value


def utm_link(base_url: str, *, source: str, medium: str, campaign: str, content: str | None = None,
             term: str | None = None) -> str:
    """``base_url`` tagged with the UTM parameters, each written with :func:`slug`.

    ``content`` is the creative, ``term`` (here) the segment; parameters
    already in ``base_url`` are kept, UTM ones replaced.

    >>> utm_link("https://shop.example.com/offers?lang=en", source="sms", medium="sms", campaign="Senior 2025",
    ...          term="Age 60+")
    'https://shop.example.com/offers?lang=en&utm_source=sms&utm_medium=sms&utm_campaign=senior_2025&utm_term=age_60'
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be text, got {type(base_url).__name__}.")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be a full http(s):// address, got {base_url!r}.")
    values = dict(zip(UTM_PARAMETERS, (source, medium, campaign, content, term)))
    for name in UTM_PARAMETERS[:3]:
        if values[name] is None:
            raise ValueError(f"{name.removeprefix('utm_')} is required for a UTM link.")
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_PARAMETERS]
    tagged = [(k, slug(v)) for k, v in values.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + tagged), parts.fragment))


# --------------------------------------------------------------------------- dashboard


def _metric(metric: Any) -> dict[str, str]:
    known = content()["dashboard_metrics"]
    if not isinstance(metric, str) or metric not in known:
        raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(known)}.")
    return known[metric]


def format_metric(metric: str, value: float) -> str:
    """One value written the way the dashboard labels it.

    >>> format_metric("ctr", 0.0234), format_metric("cpa", 412.5), format_metric("roas", 4.0)
    ('2.3%', '₹412', '4.00')
    """
    kind = _metric(metric)["kind"]
    if value is None or np.isnan(value):
        return "n/a"
    return {"share": f"{value:.1%}", "money": f"₹{value:,.0f}", "count": f"{value:,.0f}"}.get(kind, f"{value:.2f}")


def plot_panel(ax: Any, table: pd.DataFrame, metric: str, benchmark: float | None = None,
               highlight: Any = ()) -> Any:
    """One dashboard panel: a bar per row of ``table`` for ``metric``, ``benchmark`` as a dashed line."""
    spec = _metric(metric)
    require_columns(table, [metric], "table")
    values = table[metric].astype(float)
    y = np.arange(len(values))
    ax.barh(y, values.fillna(0), color=["tab:orange" if str(i) in highlight else "tab:blue" for i in table.index])
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.invert_yaxis()
    top = np.nanmax(values) if values.notna().any() else 1.0
    for yi, v in zip(y, values):
        ax.text((0 if np.isnan(v) else v) + 0.01 * top, yi, format_metric(metric, v), va="center", fontsize=9)
    if spec["kind"] == "count" or benchmark is None or np.isnan(benchmark):
        benchmark = 0.0  # a pooled count is a total, not comparable with one segment
    else:
        ax.axvline(benchmark, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1.3 * max(top, benchmark))
    ax.set_xlabel(spec["label"], fontsize=9)
    ax.set_title(f"{spec['short']} ({spec['better']} is better)", fontsize=10)
    if spec["kind"] == "share":
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    elif spec["kind"] in ("money", "count"):
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
    ax.tick_params(labelsize=9)
    return ax


def reading(table: pd.DataFrame, metric: str, benchmark: dict[str, float] | None = None) -> str:
    """A sentence (Markdown) naming the best and worst rows of ``table`` on ``metric``.

    >>> reading(pd.DataFrame({"cpa": [300.0, 150.0]}, index=["a", "b"]), "cpa")
    'Best on CPA: **b** (₹150); worst: **a** (₹300).'
    """
    spec = _metric(metric)
    values = table[metric].astype(float).dropna()
    if values.empty:
        return f"No segment has a defined {spec['short']}."
    lower = spec["better"] == "lower"
    best, worst = (values.idxmin(), values.idxmax()) if lower else (values.idxmax(), values.idxmin())
    text = (f"Best on {spec['short']}: **{best}** ({format_metric(metric, values[best])}); "
            f"worst: **{worst}** ({format_metric(metric, values[worst])}).")
    bench = (benchmark or {}).get(metric)
    return text if bench is None or np.isnan(bench) else text + f" Benchmark: {format_metric(metric, bench)}."


def dashboard_explorer(table: pd.DataFrame, benchmark: dict[str, float] | None = None, metric: str = "roas") -> Any:
    """Explorer: choose a metric and the segments; the reading and the panel redraw on every change."""
    import ipywidgets as w  # noqa: PLC0415

    from course_lib.learning.explorer import Explorer  # noqa: PLC0415

    require_dataframe(table, "table")
    metrics = [m for m in content()["dashboard_metrics"] if m in table.columns]
    if metric not in metrics:
        raise ValueError(f"metric {metric!r} is not in the table; choose from {', '.join(metrics)}.")
    names = [str(i) for i in table.index]
    controls = {"metric": w.Dropdown(options=metrics, value=metric, description="metric",
                                     layout=w.Layout(width="420px")),
                "segments": w.SelectMultiple(options=names, value=tuple(names), description="segments",
                                             rows=min(len(names), 8), layout=w.Layout(width="420px"))}

    def draw(fig: Any, metric: str, segments: tuple[str, ...]) -> str:
        if not segments:
            raise ValueError("choose at least one segment (Ctrl/Cmd-click to select several)")
        rows = table[[n in segments for n in names]]
        plot_panel(fig.subplots(), rows, metric, (benchmark or {}).get(metric))
        return reading(rows, metric, benchmark)

    return Explorer(controls, draw, title="Response dashboard", figsize=(8.0, 0.45 * len(names) + 1.8))


# --------------------------------------------------------------------------- workbook answers


def check_link(value: Any, right: dict[str, Any]) -> None:
    """The q1 check: the students' UTM link, parameter by parameter (raises :class:`Mismatch`)."""
    name, page, want = "students_link", right["landing_page"], dict(parse_qsl(urlsplit(right["students_link"]).query))
    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result?")
    if not isinstance(value, str):
        raise Mismatch(f"`{name}` should be the link as text (a str), but it is of type {type(value).__name__}.")
    parts, base = urlsplit(value.strip()), urlsplit(page)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Mismatch(f"`{name}` has no landing page in front of the parameters. A UTM link is the full address "
                       f"of the page, then `?` and the parameters: start with `landing_page()` ({page}).")
    if (parts.netloc.lower(), parts.path.rstrip("/")) != (base.netloc, base.path.rstrip("/")):
        raise Mismatch(f"`{name}` points to {parts.scheme}://{parts.netloc}{parts.path}; the campaign's landing "
                       f"page is {page}.")
    utm = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower().startswith("utm_")}
    if not utm:
        raise Mismatch(f"`{name}` has no UTM parameters: add `utm_source`, `utm_medium`, `utm_campaign`, "
                       "`utm_content` and `utm_term` after a `?`.")
    if any(k != k.lower() for k in utm):
        raise Mismatch("write the parameter names in lowercase (`utm_source`, not `UTM_Source`): analytics tools "
                       "only recognise the lowercase names.")
    messy = [f"`{k}`" for k, v in utm.items() if v != v.strip().lower() or " " in v]
    if messy:
        raise Mismatch(f"{', '.join(messy)} contains capitals or spaces. Analytics tools treat 'Diwali Micro 2025' "
                       "and 'diwali_micro_2025' as two campaigns: write every value lowercase with `_` for spaces "
                       "(`utm_link` does this for you).")
    if utm.get("utm_source") == want["utm_medium"] and utm.get("utm_medium") == want["utm_source"]:
        raise Mismatch("source and medium are swapped. `utm_source` says *who* sent the visitor "
                       f"({want['utm_source']}), `utm_medium` *what kind* of channel it is ({want['utm_medium']}).")
    conv = utm_channels()
    for key, what in (("utm_source", "source"), ("utm_medium", "medium")):
        rule = f"he course convention for social ads is `{key}={want[key]}` (see `utm_channels()`)."
        if key not in utm:
            raise Mismatch(f"`{key}` is missing. T{rule}")
        if utm[key] != want[key]:
            other = conv.index[conv[key] == utm[key]].tolist()
            where = f" (that is the {what} of {other[0]})" if other else ""
            raise Mismatch(f"`{key}={utm[key]}`{where}: t{rule}")
    missing = {"utm_campaign": "`utm_campaign` is missing: without it the visit cannot be credited to the campaign.",
               "utm_content": "`utm_content` is missing. Both social-ads lines of the campaign would then look the "
                              f"same in the reports: tag the creative, `utm_content={want['utm_content']}`.",
               "utm_term": f"`utm_term` is missing. The course tags the segment in it: `utm_term={want['utm_term']}`."}
    wrong = {"utm_campaign": f"is not the campaign's name. Use the name in the log, \"{right['campaign']}\", "
                             f"written as `{want['utm_campaign']}`: a different spelling becomes a different "
                             "campaign in the reports.",
             "utm_content": f"is not the creative of the {right['segment']} line (`{want['utm_content']}`).",
             "utm_term": f"should name the segment, written as `{want['utm_term']}`."}
    for key, message in missing.items():
        if key not in utm:
            raise Mismatch(message)
        if utm[key] != want[key]:
            raise Mismatch(f"`{key}={utm[key]}` {wrong[key]}")
    extra = sorted(set(utm) - set(want))
    if extra:
        raise Mismatch(f"{', '.join(f'`{k}`' for k in extra)} is not one of the five UTM parameters.")


@functools.lru_cache(maxsize=2)
def _facts(campaigns: str, campaign: str, segment: str, creative: str, channel: str, rule: str,
           seed: int) -> dict[str, Any]:
    from course_lib.market.datasets import load_campaigns, load_customers  # noqa: PLC0415

    log = load_campaigns()
    lines = log[log["campaign"].astype(str).str.startswith(campaigns)]
    sums = lines.groupby(lines["segment"].astype(str))[["spend", "budget", "conversions", "clicks"]].sum()
    customers = load_customers()
    contacts = demo_contacts(customers, seed=seed)
    platform = simulated_platform(customers, contacts, seed=seed)
    up = export_audience(customers, contacts, rule, channel, segment=segment)
    raw = export_audience(customers, contacts, rule, channel, segment=segment, normalise=False)
    every = hash_identifiers(contacts.loc[customers.eval(rule).to_numpy(), "email"]).dropna()
    return {"lines": lines, "sums": sums, "up": up, "raw": raw, "every": every, "platform": platform}


def answers(campaigns: str, campaign: str, segment: str, creative: str, channel: str, rule: str,
            seed: int) -> dict[str, Any]:
    """q1 ``students_link``, q2 ``segment_cpa``, q3 ``students_match_rate``, typical mistakes, facts quoted."""
    f = _facts(campaigns, campaign, segment, creative, channel, rule, seed)
    sums, lines, up, platform = f["sums"], f["lines"], f["up"], f["platform"]
    conv = utm_channels().loc[channel]
    cpa = sums["spend"] / sums["conversions"]
    rate, matched = match_rate(up, platform), int(up.hashes.isin(platform).sum())
    micro = lines.loc[lines["campaign"] == campaign, "segment"].astype(str)
    return {
        "landing_page": landing_page(),
        "students_link": utm_link(landing_page(), source=conv["utm_source"], medium=conv["utm_medium"],
                                  campaign=campaign, content=creative, term=segment),
        "segment_cpa": cpa, "cheap": cpa.idxmin(), "cheap_cpa": cpa.min(), "dear": cpa.idxmax(), "dear_cpa": cpa.max(),
        "cpa_mean_of_lines": (lines["spend"] / lines["conversions"]).groupby(lines["segment"].astype(str)).mean(),
        "cpa_budget": sums["budget"] / sums["conversions"], "cpa_inverted": sums["conversions"] / sums["spend"],
        "cpc": sums["spend"] / sums["clicks"], "cpa_micro_only": cpa[cpa.index.isin(micro)],
        "cpa_total": lines["spend"].sum() / lines["conversions"].sum(),
        "students_match_rate": rate, "raw_rate": match_rate(f["raw"], platform), "matched": matched,
        "uploaded": up.uploaded, "rate_percent": 100 * rate, "rate_per_selected": matched / up.selected,
        "rate_no_consent_filter": float(f["every"].isin(platform).mean()), "rate_per_platform": matched / len(platform),
    }
