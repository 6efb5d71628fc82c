"""Tests for course_lib.analysis.privacy (law table, minimisation, fairness, retention, plan check)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis.privacy import (
    apply_retention,
    check_plan,
    disparity_ratio,
    load_plan_options,
    load_privacy_laws,
    minimise,
    plan_builder,
    privacy_law_notes,
    reach_by_group,
    reidentification_risk,
)


@pytest.fixture
def people() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    return pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "age": rng.integers(16, 80, n),
        "gender": rng.choice(["female", "male"], n),
        "income_band": pd.Categorical(rng.choice(["low", "mid", "high"], n), categories=["low", "mid", "high"]),
        "pin_code": rng.choice(["440001", "440010", "440015"], n),
        "lat": rng.uniform(21.0, 21.2, n).round(5),
        "consent_email": rng.random(n) < 0.6,
        "consent_sms": rng.random(n) < 0.7,
        "consent_ads": rng.random(n) < 0.8,
        "app_user": rng.random(n) < 0.4,
    })


# --------------------------------------------------------------------------- law table


def test_law_table_covers_the_required_aspects():
    laws = load_privacy_laws()
    assert laws.columns.tolist() == ["GDPR (EU)", "CCPA/CPRA (California)", "DPDP Act 2023 (India)"]
    for aspect in ("Lawful basis and consent", "Notice (telling people)", "People's rights", "Children's data",
                   "Enforcement and penalties (high level)", "Retention and deletion"):
        assert aspect in laws.index
    assert laws.notna().all().all() and (laws.map(len) > 20).all().all()
    # a few facts the course relies on
    assert "under 18" in laws.loc["Children's data", "DPDP Act 2023 (India)"]
    assert "4%" in laws.loc["Enforcement and penalties (high level)", "GDPR (EU)"]
    assert "opt out" in laws.loc["Lawful basis and consent", "CCPA/CPRA (California)"]
    notes = privacy_law_notes()
    assert "not legal advice" in notes["disclaimer"] and len(notes["full_names"]) == 3


def test_law_file_errors(tmp_path):
    bad = tmp_path / "laws.yaml"
    bad.write_text("title: t\ndisclaimer: d\nlaws: {a: {name: A, full_name: AA}}\naspects:\n  - aspect: x\n")
    with pytest.raises(ValueError, match="no text for"):
        load_privacy_laws(path=bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_privacy_laws(path=tmp_path / "none.yaml")


# --------------------------------------------------------------------------- minimisation


def test_reidentification_risk_against_a_reference(people):
    cols = ["age", "gender", "pin_code"]
    sizes = people.groupby(cols)["customer_id"].transform("count")  # independent: count per group
    risk = reidentification_risk(people, {"three": cols, "one": ["gender"]}, k=3)
    assert risk.loc["three", "unique"] == int((sizes == 1).sum())
    assert risk.loc["three", "below_k"] == int((sizes < 3).sum())
    assert risk.loc["three", "groups"] == len(people[cols].drop_duplicates())
    assert risk.loc["one", "unique"] == 0 and risk.loc["one", "share_below_k"] == 0
    assert reidentification_risk(people, ["age"]).index.tolist() == ["age"]
    with pytest.raises(ValueError, match="height"):
        reidentification_risk(people, ["height"])
    with pytest.raises(TypeError, match="list of column names"):
        reidentification_risk(people, "age")


def test_minimise(people):
    before = people.copy()
    out = minimise(people, drop=["gender"], bins={"age": [0, 18, 40, 100]}, decimals={"lat": 2})
    pd.testing.assert_frame_equal(people, before)
    assert "gender" not in out.data and len(out.data) == len(people)
    assert set(out.data["age"].dropna()) <= {"0-17", "18-39", "40-99"}
    assert (out.data["age"] == "0-17").sum() == (people["age"] < 18).sum()
    assert np.allclose(out.data["lat"], people["lat"].round(2))
    assert out.log["action"].tolist() == ["dropped", "banded", "rounded"]
    # coarsening lowers the re-identification risk
    assert (reidentification_risk(out.data, ["age", "pin_code"]).loc["age + pin_code", "unique"]
            <= reidentification_risk(people, ["age", "pin_code"]).loc["age + pin_code", "unique"])
    with pytest.raises(ValueError, match="not two of these"):
        minimise(people, drop=["age"], bins={"age": [0, 50, 100]})
    with pytest.raises(ValueError, match="increasing"):
        minimise(people, bins={"age": [50, 10]})
    with pytest.raises(TypeError, match="numeric"):
        minimise(people, decimals={"gender": 1})


# --------------------------------------------------------------------------- fairness


def test_reach_by_group_and_disparity(people):
    rule = "pin_code == '440001'"
    table = reach_by_group(people, rule, "income_band", min_group=1)
    assert table.index.tolist() == ["low", "mid", "high"]  # category order kept
    for band in ("low", "mid", "high"):
        grp = people[people["income_band"] == band]
        assert table.loc[band, "customers"] == len(grp)
        assert table.loc[band, "selected"] == (grp["pin_code"] == "440001").sum()
    rates = table["selection_rate"]
    assert table["ratio_to_highest"].max() == pytest.approx(1.0)
    assert table["flagged"].tolist() == (rates / rates.max() < 0.8).tolist()
    assert disparity_ratio(people, rule, "income_band", min_group=1) == pytest.approx(rates.min() / rates.max())


def test_reach_by_group_small_groups_and_errors():
    df = pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10 + ["c"], "x": [1] * 5 + [0] * 5 + [1] * 2 + [0] * 8 + [0]})
    table = reach_by_group(df, "x == 1", "g", min_group=5)
    assert np.isnan(table.loc["c", "ratio_to_highest"]) and not table.loc["c", "flagged"]
    assert table.loc["b", "ratio_to_highest"] == pytest.approx(0.4) and table.loc["b", "flagged"]
    with pytest.raises(ValueError, match="at least two groups"):
        disparity_ratio(df, "x == 5", "g", min_group=5)
    with pytest.raises(ValueError, match="'h'"):
        reach_by_group(df, None, "h")


# --------------------------------------------------------------------------- retention


def test_apply_retention_counts_and_boundary():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c"],
        "date": pd.to_datetime(["2024-12-30", "2024-12-31", "2025-06-01", "2024-01-01", "2025-12-01"]),
    })
    before = tx.copy()
    res = apply_retention(tx, date="date", as_of="2025-12-31", months=12, withdrawn=["c"])
    pd.testing.assert_frame_equal(tx, before)
    assert res.cutoff == pd.Timestamp("2024-12-31")
    assert res.kept.index.tolist() == [1, 2]  # the cut-off day itself is kept
    assert res.summary["rows"].to_dict() == {"older than 12 months": 1, "withdrawn consent": 1, "both": 1,
                                            "kept": 2, "total": 5}
    assert res.removed["reason"].tolist() == ["older than 12 months", "both", "withdrawn consent"]
    assert len(res.kept) + len(res.removed) == len(tx)
    only_age = apply_retention(tx, date="date", as_of="2025-12-31", months=6)
    assert only_age.summary.loc["withdrawn consent", "rows"] == 0


def test_apply_retention_errors():
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2025-01-01"]})
    with pytest.raises(ValueError, match="at least 1"):
        apply_retention(tx, date="date", as_of="2025-12-31", months=0)
    with pytest.raises(ValueError, match="as_of"):
        apply_retention(tx, date="date", as_of="someday", months=3)
    with pytest.raises(TypeError, match="list-like"):
        apply_retention(tx, date="date", as_of="2025-12-31", months=3, withdrawn="a")
    with pytest.raises(ValueError, match="'day'"):
        apply_retention(tx, date="day", as_of="2025-12-31", months=3)


# --------------------------------------------------------------------------- plan check


def test_check_plan(people):
    res = check_plan(people, "gender == 'female'", "email", k=5, groups={})
    female = people["gender"] == "female"
    assert res.audience == female.sum()
    assert res.contactable == (female & people["consent_email"]).sum()
    assert res.verdict == "fix first" and res.compliant_reach == 0
    ok = check_plan(people, "consent_email", "email", k=5, groups={})
    assert ok.verdict == "ok" and ok.compliant_reach == people["consent_email"].sum() and ok.findings.empty
    push = check_plan(people, None, "app_push", k=5, groups={})
    assert push.verdict == "contact consenting only" and push.compliant_reach == people["app_user"].sum()
    tiny = check_plan(people, {"customer_id": ["C001", "C002"]}, "sms", k=5, groups={})
    assert tiny.verdict == "fix first" and "k-anonymity" in set(tiny.findings["check"])
    assert "compliant reach 0" in tiny.summary()


def test_check_plans_is_check_plan_line_by_line(people):
    from course_lib.analysis.privacy import check_plans

    plan = pd.DataFrame([{"segment": "women", "rule": "gender == 'female'", "channel": "email"},
                         {"segment": "everyone", "rule": None, "channel": "app_push"}])
    table = check_plans(people, plan, k=5)
    assert table.index.tolist() == ["women", "everyone"] and table.index.name == "segment"
    for line in plan.itertuples():
        rule = None if line.segment == "everyone" else line.rule
        one = check_plan(people, rule, line.channel, k=5, segment=line.segment)
        assert table.loc[line.segment].tolist() == [one.audience, one.contactable, one.compliant_reach, one.verdict]
    with pytest.raises(ValueError, match="channel"):
        check_plans(people, plan.drop(columns="channel"))


def test_plan_options_and_builder(people, capsys):
    options = load_plan_options()
    assert {"name", "rule", "note"} <= set(options.columns) and options["name"].is_unique
    from course_lib.market.datasets import load_customers
    from course_lib.analysis.segmentation import rule_mask

    customers = load_customers()
    for rule in options["rule"]:
        rule_mask(customers, rule or None)  # every ready-made rule runs on the course data
    widget = plan_builder(people, options=pd.DataFrame({"name": ["all", "women"], "rule": ["", "gender == 'female'"]}),
                          channels=["email", "app_push"], groups={}, k=5)
    seg, channel = widget.children[0].children
    capsys.readouterr()
    seg.value = "women"
    channel.value = "app_push"
    # outside a notebook the Output widget passes its prints through to stdout
    text = capsys.readouterr().out
    assert "verdict: fix first" in text and "rule: gender == 'female'" in text and "app_user" in text
    consenting = widget.children[1].children[0]
    consenting.value = True
    assert "rule: (gender == 'female') and app_user" in capsys.readouterr().out
