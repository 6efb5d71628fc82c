"""The shared input checks give clear messages that name the argument or column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.base import validation as v


def frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.5, 2.0], "date": ["2024-01-01", "2024-02-01"], "flag": [True, False]})


def test_require_dataframe() -> None:
    df = frame()
    assert v.require_dataframe(df) is df
    with pytest.raises(TypeError, match="transactions must be a pandas DataFrame, got list"):
        v.require_dataframe([1, 2], "transactions")
    with pytest.raises(ValueError, match="transactions is empty"):
        v.require_dataframe(df.iloc[:0], "transactions")
    assert v.require_dataframe(df.iloc[:0], allow_empty=True).empty


def test_require_columns_names_the_missing_column() -> None:
    v.require_columns(frame(), ["amount"])
    with pytest.raises(ValueError, match="data is missing the column 'spend'.*'amount'"):
        v.require_columns(frame(), ["spend"])
    with pytest.raises(TypeError, match="column names must be strings"):
        v.require_columns(frame(), [3])


def test_numeric_missing_and_negative() -> None:
    df = frame()
    v.require_numeric(df, ["amount"])
    with pytest.raises(TypeError, match="column 'customer_id' of data must be numeric"):
        v.require_numeric(df, ["customer_id"])
    with pytest.raises(TypeError, match="'flag'.*numeric"):
        v.require_numeric(df, ["flag"])
    with pytest.raises(ValueError, match="'amount' of data has 1 missing"):
        v.require_no_missing(df.assign(amount=[1.0, np.nan]), ["amount"])
    with pytest.raises(ValueError, match="'amount' of data has 1 negative"):
        v.require_non_negative(df.assign(amount=[-1.0, 2.0]), ["amount"])


def test_require_datetime_parses_without_mutating() -> None:
    df = frame()
    parsed = v.require_datetime(df, "date")
    assert pd.api.types.is_datetime64_any_dtype(parsed)
    mixed = v.require_datetime(pd.DataFrame({"d": ["2024-01-01", "2024-01-05 17:30"]}), "d")
    assert list(mixed.dt.hour) == [0, 17]
    assert not pd.api.types.is_datetime64_any_dtype(df["date"])
    with pytest.raises(ValueError, match="column 'customer_id' of data must hold dates"):
        v.require_datetime(df, "customer_id")


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        ("3", {}, TypeError, "budget must be a number, got str"),
        (True, {}, TypeError, "budget must be a number"),
        (float("nan"), {}, ValueError, "finite"),
        (-1, {"minimum": 0}, ValueError, "budget must be >= 0, got -1"),
        (0, {"minimum": 0, "inclusive": False}, ValueError, "budget must be > 0"),
        (11, {"maximum": 10}, ValueError, "budget must be <= 10"),
    ],
)
def test_require_number_rejects(value, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        v.require_number(value, "budget", **kwargs)


def test_small_scalars() -> None:
    assert v.require_number(np.int64(3), "x", minimum=0) == 3.0
    assert v.require_probability(0.5, "p") == 0.5
    with pytest.raises(ValueError, match="p must be <= 1"):
        v.require_probability(1.5, "p")
    with pytest.raises(ValueError, match="p must be < 1"):
        v.require_probability(1.0, "p", open_interval=True)
    assert v.require_positive_int(3, "k", minimum=2) == 3
    with pytest.raises(TypeError, match="k must be a whole number, got float"):
        v.require_positive_int(2.5, "k")
    with pytest.raises(ValueError, match="k must be at least 2, got 1"):
        v.require_positive_int(1, "k", minimum=2)
    assert v.require_choice("cpm", "cost_model", ["cpm", "cpc"]) == "cpm"
    with pytest.raises(ValueError, match="cost_model must be one of 'cpm', 'cpc'; got 'cpa'"):
        v.require_choice("cpa", "cost_model", ["cpm", "cpc"])


def test_dates_are_never_read_two_ways():
    """'03/04/2025' is 3 April (India) or 4 March (US): refuse it with a way out, never guess per value."""
    import pandas as pd

    from course_lib.base.validation import require_datetime

    for bad in (["03/04/2025", "13/04/2025"], ["3.4.25"], ["03-04-2025", "2025-01-01"]):
        with pytest.raises(ValueError, match=r"day-first and month-first.*dayfirst=True"):
            require_datetime(pd.DataFrame({"d": bad}), "d", "orders")
    for numbers in ([20250403, 20250404], [1.5], [True, False]):
        with pytest.raises(ValueError, match="holds numbers where dates are expected"):
            require_datetime(pd.DataFrame({"d": numbers}), "d", "orders")
    with pytest.raises(ValueError, match="numbers where dates"):
        require_datetime(pd.DataFrame({"d": ["2025-04-03", 5]}), "d", "orders")
    ok = require_datetime(pd.DataFrame({"d": ["2025-04-03", "2025-04-03 17:30", None]}), "d", "orders")
    assert ok.iloc[0] == pd.Timestamp("2025-04-03") and ok.isna().iloc[2]
    parsed = pd.to_datetime(pd.Series(["03/04/2025"]), dayfirst=True)
    assert require_datetime(pd.DataFrame({"d": parsed}), "d").iloc[0].month == 4
