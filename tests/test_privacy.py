"""The law table's data (data/content/privacy_laws.yaml) and chapter 12's plan check and plan builder.

The audit itself (course_lib.analysis.privacy.audit_targeting_plan) is tested in tests/test_ethics.py; the
minimisation, reach-by-group and retention steps are plain pandas in notebook 12 (checked by nbval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.analysis.segmentation import rule_mask
from course_lib.base.content import content_path, read_yaml
from course_lib.chapters.ch12_privacy_ethics_and_compliance import check_plan, load_plan_options, plan_builder
from course_lib.market.datasets import load_customers


@pytest.fixture
def people() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    return pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "age": rng.integers(16, 80, n),
        "gender": rng.choice(["female", "male"], n),
        "consent_email": rng.random(n) < 0.6,
        "consent_sms": rng.random(n) < 0.7,
        "consent_ads": rng.random(n) < 0.8,
        "app_user": rng.random(n) < 0.4,
    })


def test_law_file_is_complete():
    spec = read_yaml(content_path("privacy_laws"))
    assert spec["title"].strip() and "not legal advice" in " ".join(spec["disclaimer"].split())
    laws = spec["laws"]
    assert [law["name"] for law in laws.values()] == ["GDPR (EU)", "CCPA/CPRA (California)", "DPDP Act 2023 (India)"]
    assert all(law["full_name"].strip() for law in laws.values())
    table = pd.DataFrame(spec["aspects"]).set_index("aspect")[list(laws)].rename(
        columns={k: law["name"] for k, law in laws.items()}).map(str.strip)
    for aspect in ("Lawful basis and consent", "Notice (telling people)", "People's rights", "Children's data",
                   "Enforcement and penalties (high level)", "Retention and deletion", "Sensitive data"):
        assert aspect in table.index
    assert table.index.is_unique and (table.map(len) > 20).all().all()
    # a few facts the course relies on
    assert "under 18" in table.loc["Children's data", "DPDP Act 2023 (India)"]
    assert "4%" in table.loc["Enforcement and penalties (high level)", "GDPR (EU)"]
    assert "opt out" in table.loc["Lawful basis and consent", "CCPA/CPRA (California)"]


def test_check_plan(people):
    res = check_plan(people, "gender == 'female'", "email", k=5, groups={})
    female = people["gender"] == "female"
    assert res.audience == female.sum()
    assert res.contactable == (female & people["consent_email"]).sum()
    assert res.verdict == "fix first" and res.compliant_reach == 0
    ok = check_plan(people, "consent_email", "email", k=5, groups={})
    assert ok.verdict == "ok" and ok.compliant_reach == people["consent_email"].sum() and ok.findings.empty
    push = check_plan(people, "", "app_push", k=5, groups={})
    assert push.verdict == "contact consenting only" and push.compliant_reach == people["app_user"].sum()
    tiny = check_plan(people, {"customer_id": ["C001", "C002"]}, "sms", k=5, groups={})
    assert tiny.verdict == "fix first" and "k-anonymity" in set(tiny.findings["check"])
    assert "compliant reach 0" in tiny.summary()
    review = check_plan(people, "age >= 30", "email", k=5)  # age bands excluded: a medium finding
    assert review.verdict == "review" and review.compliant_reach == review.contactable
    with pytest.raises(ValueError, match="unknown channel"):
        check_plan(people, None, "pigeon")
    with pytest.raises(TypeError, match="customers"):
        check_plan([1, 2], None, "email")


def test_plan_options_run_on_the_course_data():
    options = load_plan_options()
    assert {"name", "rule", "note"} <= set(options.columns) and options["name"].is_unique
    assert options.loc[0, "rule"] == ""  # the first option is everyone (the builder's default view)
    customers = load_customers()
    for rule in options["rule"]:
        rule_mask(customers, rule or None)  # every ready-made rule runs on the course data


def test_plan_builder(people, capsys):
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
