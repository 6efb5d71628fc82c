"""Consent: who may be contacted on which channel.

Being *in* a segment is not permission to *message* someone. Email needs
``consent_email``, SMS needs ``consent_sms``, WhatsApp needs its own opt-in
``consent_whatsapp`` (SMS consent does not cover it), targeted ads need
``consent_ads`` and app push needs an app account (``app_user``). The table
is the campaign simulator's (``channels`` in ``data/market/market.yaml``), so
the counts here match the ``reachable`` column of simulated campaigns. A
missing flag is never a yes.

Examples
--------
>>> import pandas as pd
>>> people = pd.DataFrame({"customer_id": ["a", "b", "c"], "age": [22, 35, 41],
...                        "consent_email": [True, False, True], "consent_sms": [True, True, False],
...                        "consent_whatsapp": [False, True, False], "consent_ads": [False, False, True],
...                        "app_user": [True, False, False]})
>>> contactable(people, "email").tolist()
[True, False, True]
>>> consent_summary(people, channels=["email", "whatsapp"])[["channel", "requires", "contactable"]]
    channel          requires  contactable
0     email     consent_email            2
1  whatsapp  consent_whatsapp            1
>>> contactable(withdraw_consent(people, ["b"], channels="sms"), "whatsapp").tolist()
[False, True, False]
>>> consented_rule("age < 40", "whatsapp")
'(age < 40) and consent_whatsapp'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from course_lib.analysis.segmentation import rule_mask
from course_lib.base.validation import require_columns, require_dataframe
from course_lib.market.simulator import channels as simulator_channels

__all__ = ["channel_requirements", "contactable", "consent_summary", "withdraw_consent", "consented_rule"]


def channel_requirements() -> dict[str, str]:
    """Channel name -> the customers column that must be True to contact someone on it.

    >>> channel_requirements()["whatsapp"]
    'consent_whatsapp'
    """
    return {name: ch.requires for name, ch in simulator_channels().items() if ch.requires}


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
    return flag.fillna(False).astype(bool)


def contactable(customers: pd.DataFrame, channel: str) -> pd.Series:
    """True for each customer who may be contacted on ``channel`` (a missing flag counts as no).

    >>> contactable(pd.DataFrame({"consent_whatsapp": [True, False]}), "whatsapp").tolist()
    [True, False]
    """
    require_dataframe(customers, "customers", allow_empty=True)
    return _flag(customers, _requirement(channel, channel_requirements())).rename(f"contactable_{channel}")


def consent_summary(customers: pd.DataFrame, *, audience: str | Mapping[str, Any] | None = None,
                    channels: Sequence[str] | None = None) -> pd.DataFrame:
    """How many people of an audience each channel may reach.

    ``audience`` is a rule of :func:`course_lib.analysis.segmentation.rule_mask`
    (None = everybody); ``channels`` defaults to all of :func:`channel_requirements`.
    One row per channel: ``channel``, ``requires``, ``audience``,
    ``contactable``, ``share`` (0 for an empty audience), ``not_contactable``.

    >>> people = pd.DataFrame({"age": [22, 35], "consent_email": [True, False]})
    >>> consent_summary(people, audience="age < 30", channels=["email"])[["audience", "contactable", "share"]]
       audience  contactable  share
    0         1            1    1.0
    """
    require_dataframe(customers, "customers", allow_empty=True)
    requirements = channel_requirements()
    names = list(requirements) if channels is None else [channels] if isinstance(channels, str) else list(channels)
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


def withdraw_consent(customers: pd.DataFrame, customer_ids: Sequence[Any] | pd.Series | pd.Index, *,
                     channels: str | Sequence[str] | None = None, id_col: str = "customer_id") -> pd.DataFrame:
    """Record opt-outs: a copy of ``customers`` with the channels' consent flags set to False for some people.

    An opt-out is per *flag*: a STOP to SMS clears ``consent_sms`` and leaves
    the WhatsApp opt-in (``consent_whatsapp``) as it was. ``channels=None``
    clears every consent flag ("unsubscribe from all"). Unknown ids raise a
    ValueError (an opt-out must never be lost), and so does app push, which
    has no consent flag (people switch notifications off on their phone).

    >>> people = pd.DataFrame({"customer_id": ["a", "b"], "consent_email": [True, True], "consent_sms": [True, False],
    ...                        "consent_whatsapp": [True, True], "consent_ads": [True, True]})
    >>> withdraw_consent(people, ["a"]).filter(like="consent_").sum().tolist()
    [1, 0, 1, 1]
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
        flags = [_requirement(name, requirements) for name in names]
        for name, flag in zip(names, flags):
            if not flag.startswith("consent_"):
                raise ValueError(f"channel {name!r} needs {flag!r}, which is not a consent flag; people opt out of "
                                 "app push by switching notifications off on their phone.")
    out = customers.copy()
    who = out[id_col].isin(ids).to_numpy(dtype=bool)
    for flag in dict.fromkeys(flags):
        _flag(out, flag)  # validates the column
        out[flag] = out[flag].mask(who, False)
    return out


def consented_rule(rule: str | None, channel: str) -> str:
    """Add the channel's permission flag to an audience rule (a query string).

    >>> consented_rule(None, "email"), consented_rule("is_student", "app_push")
    ('consent_email', '(is_student) and app_user')
    """
    flag = _requirement(channel, channel_requirements())
    if rule is None or (isinstance(rule, str) and not rule.strip()):
        return flag
    if not isinstance(rule, str):
        raise TypeError(f"rule must be a query string or None, got {type(rule).__name__}.")
    return f"({rule}) and {flag}"
