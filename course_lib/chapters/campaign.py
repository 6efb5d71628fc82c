"""The building blocks of a micro-targeted campaign: plans, audience lists, tracking links, pixels.

A campaign is built as a chain: data sources -> segmentation rules ->
audience lists -> creatives -> channels -> tracking -> compliance checks
(:func:`building_blocks`). This module provides the pieces of that chain
that the rest of ``course_lib`` does not:

* :func:`campaign_plan` -- one campaign of the log as a plan (segment, rule,
  creative, channel, budget), the shape :func:`course_lib.analysis.ethics.audit_targeting_plan`
  reads; :func:`plan_audiences` counts who each segment selects and may contact;
* audience lists (custom audiences / customer match): :func:`normalise_email`,
  :func:`normalise_phone`, :func:`hash_identifiers`, :func:`export_audience`,
  and the match rate of an upload, :func:`match_rate` and :func:`match_summary`,
  on fictional contacts (:func:`demo_contacts`) and a simulated ad platform
  (:func:`simulated_platform`);
* tracking: :func:`utm_link`, :func:`utm_links` and :func:`parse_utm` for
  tagged links, :func:`pixel_hits` for what a pixel would report.

Course content (the block descriptions, the UTM convention per channel, the
pixel event names, the simulation's assumptions) lives in
``data/content/campaign.yaml``.

Examples
--------
>>> from course_lib.chapters.campaign import hash_identifiers, utm_link
>>> hash_identifiers([" Asha@Example.com "]).iloc[0] == hash_identifiers(["asha@example.com"]).iloc[0]
True
>>> utm_link("https://shop.example.com/offers", source="newsletter", medium="email",
...          campaign="Diwali 2025", content="festive_ethnic")
'https://shop.example.com/offers?utm_source=newsletter&utm_medium=email&utm_campaign=diwali_2025&utm_content=festive_ethnic'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import yaml

from course_lib.base import paths
from course_lib.analysis.segmentation import rule_mask
from course_lib.base.validation import require_choice, require_columns, require_dataframe, require_no_missing

__all__ = [
    "CONTENT_PATH",
    "UTM_PARAMETERS",
    "building_blocks",
    "landing_page",
    "utm_channels",
    "campaign_plan",
    "plan_audiences",
    "normalise_email",
    "normalise_phone",
    "hash_identifiers",
    "demo_contacts",
    "AudienceExport",
    "export_audience",
    "simulated_platform",
    "match_rate",
    "match_summary",
    "slug",
    "utm_link",
    "utm_links",
    "parse_utm",
    "pixel_hits",
]

#: The content file of this module.
CONTENT_PATH: Path = paths.DATA_DIR / "content" / "campaign.yaml"
#: The five UTM parameters, in the order they are written.
UTM_PARAMETERS: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


@lru_cache(maxsize=4)
def _content(path_str: str) -> dict[str, Any]:
    with open(path_str, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    needed = {"building_blocks", "landing_page", "utm_channels", "pixel_events", "demo_contacts", "simulated_platform"}
    if not isinstance(spec, dict) or not needed <= set(spec):
        raise ValueError(f"{path_str} must define {', '.join(sorted(needed))}.")
    return spec


def _spec(path: str | Path | None = None) -> dict[str, Any]:
    return _content(str(path or CONTENT_PATH))


def building_blocks(path: str | Path | None = None) -> pd.DataFrame:
    """The seven building blocks of a micro-targeted campaign, in order.

    Returns
    -------
    DataFrame
        Indexed by ``block`` (an id); columns ``name``, ``what``,
        ``in_course_data`` and ``goes_wrong_when``.

    Examples
    --------
    >>> building_blocks()["name"].tolist()[:3]
    ['Data sources', 'Segmentation rules', 'Audience lists']
    """
    rows = _spec(path)["building_blocks"]
    return pd.DataFrame(rows).rename(columns={"id": "block"}).set_index("block")


def landing_page(path: str | Path | None = None) -> str:
    """The (fictional) landing page the course's tracked links point to.

    >>> landing_page().startswith("https://shop.example.com")
    True
    """
    return str(_spec(path)["landing_page"])


def utm_channels(path: str | Path | None = None) -> pd.DataFrame:
    """The course's UTM source and medium for each channel of the simulator.

    >>> utm_channels().loc["email", "utm_medium"]
    'email'
    """
    spec = _spec(path)["utm_channels"]
    frame = pd.DataFrame.from_dict(spec, orient="index").rename(columns={"source": "utm_source",
                                                                         "medium": "utm_medium"})
    frame.index.name = "channel"
    return frame


# --------------------------------------------------------------------------- plans


def campaign_plan(campaigns: pd.DataFrame, campaign: str) -> pd.DataFrame:
    """One campaign of the log as a plan: one row per line (segment x creative x channel).

    Parameters
    ----------
    campaigns : DataFrame
        The campaign log (:func:`course_lib.market.datasets.load_campaigns`).
    campaign : str
        A value of its ``campaign`` column, e.g. ``"Diwali micro 2025"``.

    Returns
    -------
    DataFrame
        ``campaign``, ``segment``, ``rule`` (the audience rule; ``None`` for
        everyone), ``creative``, ``channel``, ``budget`` -- the shape
        :func:`course_lib.analysis.ethics.audit_targeting_plan` and :func:`utm_links` read.

    Examples
    --------
    >>> from course_lib.market.datasets import load_campaigns
    >>> campaign_plan(load_campaigns(), "Diwali micro 2025")["segment"].tolist()  # doctest: +SKIP
    ['High income 40+', 'Tech interest under 35', 'Students', 'Families with kids']
    """
    require_dataframe(campaigns, "campaigns")
    require_columns(campaigns, ["campaign", "segment", "audience_rule", "creative", "channel", "budget"], "campaigns")
    if not isinstance(campaign, str):
        raise TypeError(f"campaign must be a campaign name (str), got {type(campaign).__name__}.")
    names = list(dict.fromkeys(map(str, campaigns["campaign"])))
    require_choice(campaign, "campaign", names)
    rows = campaigns[campaigns["campaign"].astype(str) == campaign]
    rules = rows["audience_rule"].astype(object).where(rows["audience_rule"].notna(), None)
    rules = [r if isinstance(r, str) and r.strip() else None for r in rules]
    plan = pd.DataFrame({
        "campaign": campaign,
        "segment": rows["segment"].astype(str).to_numpy(),
        "rule": pd.Series(rules, dtype=object).to_numpy(),
        "creative": rows["creative"].astype(str).to_numpy(),
        "channel": rows["channel"].astype(str).to_numpy(),
        "budget": rows["budget"].to_numpy(dtype=float),
    })
    return plan


def _plan(plan: Any) -> pd.DataFrame:
    if isinstance(plan, pd.DataFrame):
        frame = plan
    elif isinstance(plan, Iterable) and not isinstance(plan, (str, bytes, Mapping)):
        items = list(plan)
        if not all(isinstance(p, Mapping) for p in items):
            raise TypeError("plan must be a DataFrame or a list of dicts.")
        frame = pd.DataFrame(items)
    else:
        raise TypeError(f"plan must be a DataFrame or a list of dicts, got {type(plan).__name__}.")
    require_dataframe(frame, "plan")
    return frame


def plan_audiences(plan: pd.DataFrame | Iterable[Mapping[str, Any]], customers: pd.DataFrame) -> pd.DataFrame:
    """How many customers each line of a plan selects, and how many it may contact on its channel.

    Parameters
    ----------
    plan : DataFrame or list of dict
        With ``segment``, ``rule`` and ``channel`` (e.g. from :func:`campaign_plan`).
    customers : DataFrame
        The customer table, with the consent flags the channels need
        (see :func:`course_lib.analysis.consent.channel_requirements`).

    Returns
    -------
    DataFrame
        The plan's ``segment`` and ``channel`` plus ``audience_size``,
        ``requires`` (the flag), ``contactable`` and ``contactable_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"age": [20, 30, 40], "consent_email": [True, False, True]})
    >>> table = plan_audiences([{"segment": "under 35", "rule": "age < 35", "channel": "email"}], people)
    >>> row = table.iloc[0]
    >>> int(row["audience_size"]), row["requires"], int(row["contactable"]), float(row["contactable_share"])
    (2, 'consent_email', 1, 0.5)
    """
    from course_lib.analysis.consent import contactable  # noqa: PLC0415 (consent imports the simulator)
    from course_lib.analysis.consent import channel_requirements  # noqa: PLC0415

    frame = _plan(plan)
    require_columns(frame, ["segment", "rule", "channel"], "plan")
    require_no_missing(frame, ["segment", "channel"], "plan")
    require_dataframe(customers, "customers")
    needs = channel_requirements()
    rows = []
    for row in frame.itertuples(index=False):
        rule = None if not isinstance(row.rule, (str, Mapping)) else row.rule
        mask = rule_mask(customers, rule, f"rule of segment {row.segment!r}").to_numpy(dtype=bool)
        ok = contactable(customers, str(row.channel)).to_numpy(dtype=bool)
        size = int(mask.sum())
        reach = int((mask & ok).sum())
        rows.append({"segment": row.segment, "channel": row.channel, "audience_size": size,
                     "requires": needs[str(row.channel)], "contactable": reach,
                     "contactable_share": reach / size if size else 0.0})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- identifiers and hashing


def _as_text_series(values: Any, arg: str) -> pd.Series:
    if isinstance(values, str) or values is None:
        raise TypeError(f"{arg} must be a list or Series of values, not a single {type(values).__name__}; "
                        f"wrap one value in a list.")
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, (list, tuple, np.ndarray, pd.Index)):
        series = pd.Series(list(values), dtype=object)
    else:
        raise TypeError(f"{arg} must be a list or Series of text values, got {type(values).__name__}.")
    bad = [v for v in series.dropna().tolist() if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{arg} must hold text values; found {type(bad[0]).__name__} {bad[0]!r}.")
    return series.astype(object)


def normalise_email(values: Any) -> pd.Series:
    """Normalise e-mail addresses the way ad platforms ask before hashing: trim spaces, lowercase.

    Values that are missing or do not look like an e-mail address become
    missing (``<NA>``): they cannot be matched and should not be uploaded.

    Examples
    --------
    >>> normalise_email([" Asha.K@Example.COM", "no-at-sign", None]).tolist()
    ['asha.k@example.com', nan, nan]
    """
    series = _as_text_series(values, "values")
    out = series.map(lambda v: v.strip().lower() if isinstance(v, str) else np.nan)
    ok = out.map(lambda v: isinstance(v, str) and bool(_EMAIL_RE.match(v)))
    return out.where(ok, np.nan).astype(object)


def normalise_phone(values: Any, country_code: str = "91") -> pd.Series:
    """Normalise phone numbers to E.164 (``+`` country code and number, digits only).

    Spaces, dashes and brackets are removed, and a leading trunk ``0`` is
    dropped. A 10-digit number gets ``country_code`` in front; a number that
    already starts with it (11-13 digits, or written with ``+`` / ``00``) is
    kept. Anything else becomes missing.

    Examples
    --------
    >>> normalise_phone(["098765 43210", "+91-98765-43210", "12345"]).tolist()
    ['+919876543210', '+919876543210', nan]
    """
    if not isinstance(country_code, str) or not country_code.isdigit():
        raise TypeError(f"country_code must be digits as text, e.g. '91', got {country_code!r}.")
    series = _as_text_series(values, "values")

    def one(v: Any) -> Any:
        if not isinstance(v, str):
            return np.nan
        text = v.strip()
        international = text.startswith("+") or text.startswith("00")
        digits = re.sub(r"\D", "", text)
        if text.startswith("00"):
            digits = digits[2:]
        if international:
            return "+" + digits if 8 <= len(digits) <= 15 else np.nan
        digits = digits.lstrip("0")
        if len(digits) == 10:
            return "+" + country_code + digits
        if digits.startswith(country_code) and len(digits) == len(country_code) + 10:
            return "+" + digits
        return np.nan

    return series.map(one).astype(object)


def hash_identifiers(values: Any, kind: str = "email", normalise: bool = True) -> pd.Series:
    """SHA-256 hashes (64 hex characters) of e-mail addresses or phone numbers.

    Parameters
    ----------
    values : list or Series of str
        The identifiers.
    kind : {"email", "phone"}
        Which normalisation to apply first.
    normalise : bool, default True
        Normalise before hashing (what the platforms require). ``False``
        hashes the text exactly as typed -- useful only to see why that fails.

    Returns
    -------
    Series
        One hash per value (same index); missing or invalid values stay missing.

    Examples
    --------
    >>> h = hash_identifiers(["asha@example.com"])
    >>> len(h.iloc[0]), h.iloc[0][:12]
    (64, 'ea4e36a82998')
    """
    require_choice(kind, "kind", ("email", "phone"))
    if not isinstance(normalise, bool):
        raise TypeError(f"normalise must be True or False, got {normalise!r}.")
    series = _as_text_series(values, "values")
    if normalise:
        series = normalise_email(series) if kind == "email" else normalise_phone(series)
    return series.map(lambda v: hashlib.sha256(v.encode("utf-8")).hexdigest() if isinstance(v, str) else np.nan
                      ).astype(object)


def demo_contacts(customers: pd.DataFrame, seed: int = 0, path: str | Path | None = None) -> pd.DataFrame:
    """Fictional contact e-mails for the synthetic customers, with realistic formatting mess.

    The customer table has no e-mail column, so this invents one address per
    customer on domains reserved for examples (``example.com`` ...). Some
    addresses are typed with capitals or stray spaces (harmless once
    normalised) and a few have a mistyped domain (they can never match). The
    shares are in ``data/content/campaign.yaml``.

    Returns
    -------
    DataFrame
        ``customer_id``, ``email`` (as typed), ``mess`` (``none``,
        ``uppercase``, ``spaces`` or ``typo``).

    Examples
    --------
    >>> import pandas as pd
    >>> demo_contacts(pd.DataFrame({"customer_id": ["C00001"]}), seed=1)["email"].str.contains("@").tolist()
    [True]
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, got {seed!r}.")
    spec = _spec(path)["demo_contacts"]
    rng = np.random.default_rng(int(seed))
    ids = customers["customer_id"].astype(str).to_numpy()
    n = len(ids)
    domains = np.asarray(spec["domains"], dtype=object)[rng.integers(0, len(spec["domains"]), n)]
    clean = np.char.add(np.char.add(np.char.lower(ids.astype(str)), "@"), domains.astype(str)).astype(object)
    u = rng.random(n)
    cut1 = spec["share_typo"]
    cut2 = cut1 + spec["share_uppercase"]
    cut3 = cut2 + spec["share_spaces"]
    mess = np.select([u < cut1, u < cut2, u < cut3], ["typo", "uppercase", "spaces"], default="none").astype(object)
    email = clean.copy()
    typo = mess == "typo"
    email[typo] = [e.split("@")[0] + "@" + spec["typo_domain"] for e in clean[typo]]
    upper = mess == "uppercase"
    email[upper] = [e[0].upper() + e[1:].split("@")[0] + "@" + e.split("@")[1].capitalize() for e in clean[upper]]
    spaces = mess == "spaces"
    email[spaces] = [(" " + e) if i % 2 else (e + " ") for i, e in enumerate(clean[spaces])]
    return pd.DataFrame({"customer_id": ids, "email": email, "mess": mess})


@dataclass(frozen=True)
class AudienceExport:
    """A consented, hashed audience list ready to upload (see :func:`export_audience`).

    Attributes
    ----------
    segment, channel : str
        What the list is for.
    selected : int
        Customers the segment rule selects.
    not_consented : int
        Of those, dropped because they have not consented to the channel.
    invalid : int
        Dropped because their identifier is missing or not a valid address.
    duplicates : int
        Dropped because the same hashed identifier was already in the list.
    hashes : pandas.Series
        The uploaded identifiers (SHA-256 hex), one per person; no raw e-mails.
    """

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
        """The counts of the export as a Series (for a table of several lists)."""
        return pd.Series({"selected": self.selected, "not_consented": self.not_consented,
                          "invalid": self.invalid, "duplicates": self.duplicates, "uploaded": self.uploaded},
                         name=self.segment)

    def to_frame(self) -> pd.DataFrame:
        """The file to upload: one column ``hashed_email``."""
        return pd.DataFrame({"hashed_email": self.hashes.to_numpy()})


def export_audience(
    customers: pd.DataFrame,
    contacts: pd.DataFrame,
    rule: Any,
    channel: str = "social_ads",
    *,
    segment: str = "audience",
    normalise: bool = True,
    email: str = "email",
) -> AudienceExport:
    """Build a custom-audience / customer-match upload: select, keep consented, normalise, hash, de-duplicate.

    Parameters
    ----------
    customers : DataFrame
        The customer table with ``customer_id`` and the consent flag of ``channel``.
    contacts : DataFrame
        ``customer_id`` plus an e-mail column (e.g. :func:`demo_contacts`).
    rule : str, dict or None
        The segment rule (see :func:`course_lib.analysis.segmentation.rule_mask`).
    channel : str
        Where the list will be used; its consent flag comes from
        :func:`course_lib.analysis.consent.channel_requirements` (ads need ``consent_ads``).
    segment : str
        A name for the list.
    normalise : bool, default True
        Normalise before hashing. ``False`` shows what goes wrong without it.
    email : str
        The e-mail column of ``contacts``.

    Returns
    -------
    AudienceExport

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"customer_id": ["a", "b", "c"], "age": [20, 22, 50],
    ...                        "consent_ads": [True, False, True]})
    >>> mails = pd.DataFrame({"customer_id": ["a", "b", "c"], "email": ["A@x.com", "b@x.com", "c@x.com"]})
    >>> export_audience(people, mails, "age < 30", segment="young").summary().tolist()
    [2, 1, 0, 0, 1]
    """
    from course_lib.analysis.consent import contactable  # noqa: PLC0415

    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id"], "customers")
    require_dataframe(contacts, "contacts")
    require_columns(contacts, ["customer_id", email], "contacts")
    if contacts["customer_id"].duplicated().any():
        raise ValueError("contacts has a customer_id more than once; keep one e-mail per customer.")
    mask = rule_mask(customers, rule, f"rule of segment {segment!r}").to_numpy(dtype=bool)
    consent = contactable(customers, channel).to_numpy(dtype=bool)
    chosen = customers.loc[mask & consent, ["customer_id"]]
    addresses = chosen.merge(contacts[["customer_id", email]], on="customer_id", how="left")[email]
    hashes = hash_identifiers(addresses, "email", normalise=normalise)
    valid = hashes.dropna()
    unique = valid.drop_duplicates()
    return AudienceExport(segment=str(segment), channel=str(channel), selected=int(mask.sum()),
                          not_consented=int((mask & ~consent).sum()), invalid=int(hashes.isna().sum()),
                          duplicates=int(len(valid) - len(unique)), hashes=unique.reset_index(drop=True))


def simulated_platform(customers: pd.DataFrame, contacts: pd.DataFrame, seed: int = 0,
                       path: str | Path | None = None) -> pd.Index:
    """The hashed e-mails of a simulated ad platform's account holders (for match-rate demos).

    A customer has an account with a probability that depends on age, and
    used the same e-mail as in the CRM with probability ``same_email``
    (assumptions in ``data/content/campaign.yaml``). The platform stores the
    *normalised* address of the account, hashed; a mistyped CRM address is
    not the account's address.

    Returns
    -------
    pandas.Index
        SHA-256 hashes of the matching account e-mails.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "age": [20, 70]})
    >>> mails = pd.DataFrame({"customer_id": ["a", "b"], "email": ["a@example.com", "b@example.com"]})
    >>> len(simulated_platform(people, mails, seed=0)) <= 2
    True
    """
    require_dataframe(customers, "customers")
    require_columns(customers, ["customer_id", "age"], "customers")
    require_dataframe(contacts, "contacts")
    require_columns(contacts, ["customer_id", "email"], "contacts")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number, got {seed!r}.")
    spec = _spec(path)["simulated_platform"]
    rng = np.random.default_rng(int(seed))
    people = customers[["customer_id", "age"]].merge(contacts[["customer_id", "email"]], on="customer_id",
                                                     how="inner")
    bands = pd.cut(people["age"], spec["age_bands"], right=False, labels=False)
    p_account = np.asarray(spec["share_with_account"], dtype=float)[bands.to_numpy(dtype=int)]
    on_platform = rng.random(len(people)) < p_account * float(spec["same_email"])
    emails = normalise_email(people.loc[on_platform, "email"])
    if "typo_domain" in _spec(path)["demo_contacts"]:
        typo = "@" + _spec(path)["demo_contacts"]["typo_domain"]
        emails = emails[~emails.fillna("").str.endswith(typo)]
    return pd.Index(hash_identifiers(emails.dropna(), "email", normalise=False).to_numpy(), name="hashed_email")


def _hash_values(values: Any, arg: str) -> pd.Index:
    if isinstance(values, AudienceExport):
        values = values.hashes
    if isinstance(values, (str, bytes)) or not isinstance(values, (pd.Series, pd.Index, list, tuple, set,
                                                                      np.ndarray)):
        raise TypeError(f"{arg} must be a list, Series or Index of hashed identifiers, got {type(values).__name__}.")
    return pd.Index(pd.Series(list(values), dtype=object).dropna().unique())


def match_rate(uploaded: Any, platform: Any) -> float:
    """Share of an uploaded list that the platform recognises: matched / uploaded (distinct hashes).

    Parameters
    ----------
    uploaded : AudienceExport or list-like of str
        The hashed identifiers you upload.
    platform : list-like of str
        The hashed identifiers of the platform's users.

    Returns
    -------
    float
        Between 0 and 1; NaN for an empty upload.

    Examples
    --------
    >>> match_rate(["h1", "h2", "h3", "h4"], ["h2", "h4", "h9"])
    0.5
    """
    up = _hash_values(uploaded, "uploaded")
    plat = _hash_values(platform, "platform")
    if len(up) == 0:
        return float("nan")
    return float(up.isin(plat).sum() / len(up))


def match_summary(exports: Mapping[str, AudienceExport], platform: Any) -> pd.DataFrame:
    """A table of several uploads: counts of the export plus ``matched`` and ``match_rate``.

    ``matched`` is the size of the audience the platform can actually show
    ads to; ``match_rate`` = matched / uploaded.

    Examples
    --------
    >>> import pandas as pd
    >>> ex = AudienceExport("s", "social_ads", 3, 0, 0, 0, pd.Series(["h1", "h2", "h3"]))
    >>> match_summary({"s": ex}, ["h1"])[["uploaded", "matched"]].iloc[0].tolist()
    [3, 1]
    """
    if not isinstance(exports, Mapping) or not all(isinstance(v, AudienceExport) for v in exports.values()):
        raise TypeError("exports must be a dict of name -> AudienceExport (from export_audience).")
    plat = _hash_values(platform, "platform")
    rows = []
    for name, ex in exports.items():
        row: dict[str, Any] = ex.summary().to_dict()
        row["matched"] = int(ex.hashes.isin(plat).sum())
        row["match_rate"] = row["matched"] / row["uploaded"] if row["uploaded"] else float("nan")
        rows.append(pd.Series(row, name=name, dtype=object))
    counts = ["selected", "not_consented", "invalid", "duplicates", "uploaded", "matched"]
    return pd.DataFrame(rows).astype({**dict.fromkeys(counts, "int64"), "match_rate": "float64"})


# --------------------------------------------------------------------------- UTM links


def slug(text: Any) -> str:
    """A UTM-safe value: lowercase, spaces and punctuation turned into ``_``.

    >>> slug("  Diwali Micro 2025! ")
    'diwali_micro_2025'
    >>> slug("Tech interest under 35")
    'tech_interest_under_35'
    """
    if not isinstance(text, str):
        raise TypeError(f"a UTM value must be text, got {type(text).__name__} {text!r}.")
    value = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    value = re.sub(r"_+", "_", value)
    if not value:
        raise ValueError(f"the UTM value {text!r} has no letters or digits.")
    return value


def utm_link(
    base_url: str,
    *,
    source: str,
    medium: str,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
) -> str:
    """A landing-page link tagged with UTM parameters.

    Every value is passed through :func:`slug` (lowercase, ``_`` for spaces)
    so that the same campaign is always written the same way. Parameters
    already in ``base_url`` are kept; UTM parameters in it are replaced.

    Parameters
    ----------
    base_url : str
        ``http(s)://`` address of the landing page.
    source : str
        Who sends the traffic (``newsletter``, ``social_network``, ...).
    medium : str
        The kind of channel (``email``, ``paid_social``, ``cpc``, ...).
    campaign : str
        The campaign name.
    content : str, optional
        Which creative (ad) the link sits in.
    term : str, optional
        Search keyword; this course uses it for the audience segment.

    Examples
    --------
    >>> utm_link("https://shop.example.com/offers?lang=en", source="sms", medium="sms",
    ...          campaign="Senior health 2025", term="Age 60+")
    'https://shop.example.com/offers?lang=en&utm_source=sms&utm_medium=sms&utm_campaign=senior_health_2025&utm_term=age_60'
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be text, got {type(base_url).__name__}.")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be a full http(s):// address, got {base_url!r}.")
    values = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}
    for name, value in values.items():
        if value is None:
            raise ValueError(f"{name.removeprefix('utm_')} is required for a UTM link.")
    values["utm_content"] = content
    values["utm_term"] = term
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_PARAMETERS]
    tagged = [(k, slug(v)) for k, v in values.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + tagged), parts.fragment))


def utm_links(
    plan: pd.DataFrame | Iterable[Mapping[str, Any]],
    base_url: str | None = None,
    campaign: str | None = None,
) -> pd.DataFrame:
    """One tagged link per line of a plan (segment x creative x channel).

    Source and medium come from the channel (:func:`utm_channels`), the
    campaign from ``campaign`` or the plan's ``campaign`` column, the content
    from the creative and the term from the segment.

    Returns
    -------
    DataFrame
        ``segment``, ``creative``, ``channel``, the five ``utm_*`` values and ``url``.

    Examples
    --------
    >>> links = utm_links([{"segment": "Students", "creative": "campus_deals", "channel": "social_ads"}],
    ...                   campaign="Diwali micro 2025")
    >>> links.loc[0, "utm_medium"], links.loc[0, "utm_term"]
    ('paid_social', 'students')
    """
    frame = _plan(plan)
    require_columns(frame, ["segment", "creative", "channel"], "plan")
    require_no_missing(frame, ["segment", "creative", "channel"], "plan")
    if campaign is None:
        if "campaign" not in frame.columns:
            raise ValueError("give campaign=... or a plan with a 'campaign' column.")
        names = frame["campaign"].astype(str)
    else:
        names = pd.Series([campaign] * len(frame), index=frame.index)
    url = landing_page() if base_url is None else base_url
    mapping = utm_channels()
    rows = []
    for (_, row), name in zip(frame.iterrows(), names, strict=True):
        channel = str(row["channel"])
        require_choice(channel, "channel", list(mapping.index))
        src, med = mapping.loc[channel, "utm_source"], mapping.loc[channel, "utm_medium"]
        link = utm_link(url, source=src, medium=med, campaign=name, content=str(row["creative"]),
                        term=str(row["segment"]))
        rows.append({"segment": row["segment"], "creative": row["creative"], "channel": channel,
                     **parse_utm(link), "url": link})
    return pd.DataFrame(rows)


def parse_utm(url: str) -> dict[str, str | None]:
    """Read the five UTM parameters back from a link (``None`` for those absent).

    >>> parse_utm("https://shop.example.com/offers?utm_source=sms&utm_medium=sms&utm_campaign=x")["utm_content"]
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be text, got {type(url).__name__}.")
    params = dict(parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True))
    return {name: params.get(name) for name in UTM_PARAMETERS}


# --------------------------------------------------------------------------- pixel


def pixel_hits(events: pd.DataFrame, customers: pd.DataFrame | None = None, consent: str = "consent_ads",
               path: str | Path | None = None) -> pd.DataFrame:
    """What a tracking pixel (or app SDK) would report to an ad platform for each clickstream event.

    Parameters
    ----------
    events : DataFrame
        The clickstream (:func:`course_lib.market.datasets.load_events`).
    customers : DataFrame, optional
        With ``customer_id`` and the ``consent`` flag. When given, a hit is
        ``sent`` only if the customer has consented; otherwise every mapped
        event is sent.
    consent : str
        The consent column that allows tracking for advertising.

    Returns
    -------
    DataFrame
        The events that have a pixel event name (see ``pixel_events`` in
        ``data/content/campaign.yaml``): ``timestamp``, ``customer_id``,
        ``session_id``, ``event``, ``pixel_event``, ``product_category`` and
        ``sent`` (bool).

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"customer_id": ["a", "b"], "session_id": ["S1", "S2"],
    ...                    "timestamp": pd.to_datetime(["2025-10-01", "2025-10-02"]),
    ...                    "event": ["purchase", "cart_abandoned"], "product_category": ["books", "books"]})
    >>> pixel_hits(ev, pd.DataFrame({"customer_id": ["a"], "consent_ads": [False]}))[["pixel_event", "sent"]]
      pixel_event   sent
    0    purchase  False
    """
    require_dataframe(events, "events")
    require_columns(events, ["customer_id", "session_id", "timestamp", "event", "product_category"], "events")
    names = {k: v["pixel_event"] for k, v in _spec(path)["pixel_events"].items()}
    mapped = events["event"].astype(str).map(names)
    keep = mapped.notna().to_numpy()
    out = events.loc[keep, ["timestamp", "customer_id", "session_id", "event", "product_category"]].copy()
    out.insert(4, "pixel_event", mapped[keep].astype(str).to_numpy())
    if customers is None:
        out["sent"] = True
    else:
        require_dataframe(customers, "customers")
        require_columns(customers, ["customer_id", consent], "customers")
        flag = customers[consent]
        if not pd.api.types.is_bool_dtype(flag):
            raise TypeError(f"column {consent!r} of customers must hold True/False flags, got dtype {flag.dtype}.")
        allowed = set(customers.loc[flag.fillna(False).astype(bool).to_numpy(), "customer_id"].astype(str))
        out["sent"] = out["customer_id"].astype(str).isin(allowed).to_numpy()
    return out.reset_index(drop=True)
