"""Consent: who may be contacted on which channel.

A customer being *in* a segment does not mean the business may *message*
them. Each channel needs a permission flag on the customer record: email
needs ``consent_email``, SMS and WhatsApp need ``consent_sms``, targeted ads
need ``consent_ads``, and app push needs an app account (``app_user``). The
channel-to-flag table is the one the campaign simulator uses
(``channels`` in ``data/market/market.yaml``, see
:func:`course_lib.market.simulator.channels`), so the counts here match the
``reachable`` column of simulated campaigns.

Examples
--------
>>> import pandas as pd
>>> from course_lib.analysis.consent import contactable, consent_summary
>>> people = pd.DataFrame({"age": [22, 35, 41], "consent_email": [True, False, True],
...                        "consent_sms": [True, True, False], "consent_ads": [False, False, True],
...                        "app_user": [True, False, False]})
>>> contactable(people, "email").tolist()
[True, False, True]
>>> consent_summary(people, channels=["email", "whatsapp"])[["channel", "requires", "contactable"]]
    channel       requires  contactable
0     email  consent_email            2
1  whatsapp    consent_sms            2

Consent can be taken back. :func:`withdraw_consent` records opt-outs (an
"unsubscribe" click, a STOP reply) and :func:`consented_rule` adds the
channel's flag to an audience rule, so a plan only selects people who may be
contacted:

>>> from course_lib.analysis.consent import withdraw_consent, consented_rule
>>> people["customer_id"] = ["a", "b", "c"]
>>> contactable(withdraw_consent(people, ["a"], channels="sms"), "whatsapp").tolist()
[False, True, False]
>>> consented_rule("age < 40", "whatsapp")
'(age < 40) and consent_sms'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from course_lib.analysis.segmentation import rule_mask
from course_lib.market.simulator import channels as _channels
from course_lib.base.validation import require_columns, require_dataframe

__all__ = ["channel_requirements", "contactable", "consent_summary", "withdraw_consent", "consented_rule"]


def channel_requirements() -> dict[str, str]:
    """Channel name -> the customers column that must be True to contact someone on it.

    Examples
    --------
    >>> channel_requirements()["whatsapp"]
    'consent_sms'
    """
    return {name: ch.requires for name, ch in _channels().items() if ch.requires}


def _requirement(channel: Any, requirements: Mapping[str, str]) -> str:
    if not isinstance(channel, str):
        raise TypeError(f"channel must be a channel name (str), got {type(channel).__name__}.")
    if channel not in requirements:
        raise ValueError(f"unknown channel {channel!r}; channels are: {', '.join(requirements)}.")
    return requirements[channel]


def _flag(customers: pd.DataFrame, column: str) -> pd.Series:
    require_columns(customers, [column], "customers")
    flag = customers[column]
    if not pd.api.types.is_bool_dtype(flag):
        raise TypeError(f"column {column!r} of customers must hold True/False flags, got dtype {flag.dtype}.")
    # a missing flag is not a yes: nobody is contacted without a recorded consent
    return flag.fillna(False).astype(bool)


def contactable(customers: pd.DataFrame, channel: str) -> pd.Series:
    """Boolean Series: may each customer be contacted on ``channel``?

    Parameters
    ----------
    customers : pandas.DataFrame
        Customer records with the consent flags (``consent_email``,
        ``consent_sms``, ``consent_ads``, ``app_user``).
    channel : str
        A channel of :func:`channel_requirements`, e.g. ``"email"``.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``customers``; a missing flag counts as "no".

    Examples
    --------
    >>> import pandas as pd
    >>> contactable(pd.DataFrame({"consent_sms": [True, False]}), "whatsapp").tolist()
    [True, False]
    """
    require_dataframe(customers, "customers", allow_empty=True)
    column = _requirement(channel, channel_requirements())
    return _flag(customers, column).rename(f"contactable_{channel}")


def consent_summary(
    customers: pd.DataFrame,
    *,
    audience: str | Mapping[str, Any] | None = None,
    channels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How many people of an audience each channel may reach.

    Parameters
    ----------
    customers : pandas.DataFrame
        Customer records with the consent flags.
    audience : str, dict or None
        Who is selected, as a rule of :func:`course_lib.analysis.segmentation.rule_mask`
        (a query such as ``"is_student"`` or a dict); ``None`` = everybody.
    channels : list of str, optional
        Channels to report (default: all of :func:`channel_requirements`).

    Returns
    -------
    pandas.DataFrame
        One row per channel: ``channel``, ``requires`` (the flag),
        ``audience`` (people selected), ``contactable`` (of those, with the
        flag True), ``share`` (contactable / audience, 0 for an empty
        audience), ``not_contactable``.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"age": [22, 35], "consent_email": [True, False]})
    >>> consent_summary(people, audience="age < 30", channels=["email"])[["audience", "contactable", "share"]]
       audience  contactable  share
    0         1            1    1.0
    """
    require_dataframe(customers, "customers", allow_empty=True)
    requirements = channel_requirements()
    if channels is None:
        names = list(requirements)
    elif isinstance(channels, str):
        names = [channels]
    else:
        names = list(channels)
    if not names:
        raise ValueError("channels must name at least one channel.")
    selected = rule_mask(customers, audience, "audience").to_numpy(dtype=bool)
    size = int(selected.sum())
    rows = []
    for name in names:
        column = _requirement(name, requirements)
        ok = int((_flag(customers, column).to_numpy(dtype=bool) & selected).sum())
        rows.append({"channel": name, "requires": column, "audience": size, "contactable": ok,
                     "share": ok / size if size else 0.0, "not_contactable": size - ok})
    return pd.DataFrame(rows)


def withdraw_consent(
    customers: pd.DataFrame,
    customer_ids: Sequence[Any] | pd.Series | pd.Index,
    *,
    channels: str | Sequence[str] | None = None,
    id_col: str = "customer_id",
) -> pd.DataFrame:
    """Record opt-outs: a copy of ``customers`` with consent set to False for some people.

    An opt-out is per *flag*, not per channel name: a STOP reply to an SMS
    clears ``consent_sms``, which also stops WhatsApp (both need that flag).

    Parameters
    ----------
    customers : pandas.DataFrame
        Customer records with ``id_col`` and the consent flags.
    customer_ids : list-like
        The people who opted out (values of ``id_col``). Unknown ids raise a
        ValueError (an opt-out must never be lost silently).
    channels : str, list of str or None
        Channels they opted out of; ``None`` = every consent flag
        (``consent_email``, ``consent_sms``, ``consent_ads``: "unsubscribe
        from all marketing"). App push has no consent flag in the course
        data (people switch notifications off on their phone), so it is
        refused with a ValueError.
    id_col : str
        The id column.

    Returns
    -------
    pandas.DataFrame
        A new frame (the input is not modified) with the flags set to False.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "consent_email": [True, True],
    ...                        "consent_sms": [True, False], "consent_ads": [True, True]})
    >>> withdraw_consent(people, ["a"])[["consent_email", "consent_sms", "consent_ads"]].sum().tolist()
    [1, 0, 1]
    """
    require_dataframe(customers, "customers", allow_empty=True)
    require_columns(customers, [id_col], "customers")
    if isinstance(customer_ids, (str, bytes)) or not hasattr(customer_ids, "__iter__"):
        raise TypeError("customer_ids must be a list-like of customer ids, e.g. ['C00001', 'C00002'].")
    ids = pd.Index(list(customer_ids)).unique()
    unknown = ids.difference(pd.Index(customers[id_col].astype(object).unique()))
    if len(unknown):
        shown = ", ".join(repr(x) for x in list(unknown)[:5])
        raise ValueError(f"{len(unknown)} id(s) in customer_ids are not in customers[{id_col!r}]: {shown}.")
    requirements = channel_requirements()
    if channels is None:
        flags = sorted({f for f in requirements.values() if f.startswith("consent_")})
    else:
        names = [channels] if isinstance(channels, str) else list(channels)
        if not names:
            raise ValueError("channels must name at least one channel (or be None for all).")
        flags = []
        for name in names:
            flag = _requirement(name, requirements)
            if not flag.startswith("consent_"):
                raise ValueError(f"channel {name!r} needs {flag!r}, which is not a consent flag; people opt out of "
                                 "app push by switching notifications off on their phone.")
            flags.append(flag)
    out = customers.copy()
    who = out[id_col].isin(ids).to_numpy(dtype=bool)
    for flag in dict.fromkeys(flags):
        _flag(out, flag)  # validates the column
        out[flag] = out[flag].mask(who, False)
    return out


def consented_rule(rule: str | None, channel: str) -> str:
    """Add the channel's permission flag to an audience rule (a query string).

    Examples
    --------
    >>> consented_rule(None, "email")
    'consent_email'
    >>> consented_rule("is_student", "app_push")
    '(is_student) and app_user'
    """
    flag = _requirement(channel, channel_requirements())
    if rule is None or (isinstance(rule, str) and not rule.strip()):
        return flag
    if not isinstance(rule, str):
        raise TypeError(f"rule must be a query string or None, got {type(rule).__name__}.")
    return f"({rule}) and {flag}"
