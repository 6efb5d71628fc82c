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
        "consent_whatsapp": rng.random(n) < 0.4,
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


def test_plan_builder(people):
    explorer = plan_builder(people, options=pd.DataFrame({"name": ["all", "women"], "rule": ["", "gender == 'female'"]}),
                            channels=["email", "app_push"], groups={}, k=5)
    explorer.set(segment="women", channel="app_push")
    line, table = explorer.result
    assert "verdict: **fix first**" in line and "Rule `gender == 'female'`" in line
    assert table["message"].str.contains("app_user").any()
    bars = explorer.figure.axes[0].patches  # audience, contactable, compliant reach: redrawn on a fresh figure
    assert [round(b.get_width()) for b in bars] == [int((people["gender"] == "female").sum()),
                                                     int(((people["gender"] == "female") & people["app_user"]).sum()), 0]
    explorer.set(consenting=True)
    assert "Rule `(gender == 'female') and app_user`" in explorer.result[0]
    assert "VBox" not in explorer._repr_mimebundle_()["text/plain"]


def test_plan_builder_offers_whatsapp_on_its_own_opt_in(people):
    """WhatsApp is offered, and a consenting plan on it adds consent_whatsapp (not consent_sms) to the rule."""
    explorer = plan_builder(people, groups={}, k=5)
    assert "whatsapp" in explorer.controls["channel"].options
    explorer.set(channel="whatsapp", consenting=True)
    assert "consent_whatsapp`" in explorer.result[0] and "consent_sms" not in explorer.result[0]


# --- what chapters 03 and 12 say about the law (issue 15): one description, cited figures, currency -------------

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LAW_FILE = ROOT / "data" / "content" / "privacy_laws.yaml"


def _cells(notebook: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]


def _markdown(notebook: str) -> list[str]:
    return ["".join(c["source"]) for c in _cells(notebook) if c["cell_type"] == "markdown"]


def _shown(notebook: str) -> str:
    """Every Markdown cell and every text or Markdown output of the executed notebook, whitespace collapsed."""
    parts = _markdown(notebook)
    for cell in _cells(notebook):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts += ["".join(out.get("text", "")), "".join(data.get("text/markdown", ""))]
    return " ".join(" ".join(parts).split())


def test_both_chapters_show_the_one_description_of_each_law():
    spec = read_yaml(content_path("privacy_laws"))
    ccpa = " ".join(spec["laws"]["ccpa"]["summary"].split())
    assert "notice" in ccpa and "opt out" in ccpa and "sale or sharing" in ccpa
    for notebook in ("03-data-for-micromarketing", "12-privacy-ethics-and-compliance"):
        shown = _shown(notebook)
        for law in spec["laws"].values():
            assert " ".join(law["summary"].split()) in shown, (notebook, law["name"])
        # no second, different account of CCPA typed into the chapter's prose
        prose = " ".join(" ".join(_markdown(notebook)).split())
        assert not re.search(r"CCPA[^.]{0,80}(requires?|needs?) (opt-in )?consent", prose), notebook


def test_india_telecom_rules_and_whatsapp_opt_in_are_shown_next_to_the_dpdp_act():
    spec = read_yaml(content_path("privacy_laws"))
    for word in ("TRAI", "DLT", "Do Not Disturb", "templates"):
        assert word in spec["india_telecom"]
    assert "WhatsApp" in spec["whatsapp"] and "SMS" in spec["whatsapp"]
    for notebook in ("03-data-for-micromarketing", "12-privacy-ethics-and-compliance"):
        shown = _shown(notebook)
        assert " ".join(spec["india_telecom"].split()) in shown and " ".join(spec["whatsapp"].split()) in shown


def test_law_figures_are_cited_or_labelled():
    """Every amount, share or age limit in the law table is marked [checked] (with sources) or to be checked."""
    spec = read_yaml(content_path("privacy_laws"))
    assert len(spec["sources"]) >= 5 and all(s["url"].startswith("https://") and s["title"] for s in spec["sources"])
    figure = re.compile(r"(EUR|USD|₹) ?\d|\d+ ?%|under 1[3-8]")
    for row in spec["aspects"]:
        for law in spec["laws"]:
            text = " ".join(row[law].split())
            if figure.search(text):
                assert "[checked]" in text or "[check before relying on it]" in text, (row["aspect"], law)


def test_money_is_written_as_usd_and_rupees_not_dollar_signs():
    text = LAW_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\$\s?\d", text), "write US dollars as 'USD 2,500'"
    assert not re.search(r"\bRs\.? ?\d", text), "write rupees as '₹250 crore'"
    for notebook in ("03-data-for-micromarketing", "12-privacy-ethics-and-compliance"):
        assert not re.search(r"\$\s?\d|\bRs\.? ?\d", _shown(notebook)), notebook


def test_chapter_12_states_the_minors_rule_once_and_the_bank_case_targets_adults():
    stated = [t for t in _markdown("12-privacy-ethics-and-compliance") if re.search(r"verifiable", t)]
    assert len(stated) == 1, "state the DPDP children's rule in one place in chapter 12 and refer to it elsewhere"
    rule = " ".join(stated[0].split())
    assert "under 18" in rule and "targeted advertising" in rule and "18 to 21" in rule


def test_hashing_is_taught_as_pseudonymisation():
    for notebook in ("03-data-for-micromarketing", "12-privacy-ethics-and-compliance"):
        cells = [" ".join(t.split()) for t in _markdown(notebook) if re.search(r"\bhash", t, re.IGNORECASE)]
        assert cells, f"{notebook} should say what hashing is"
        for text in cells:
            assert "pseudonymis" in text.lower() and "personal data" in text, (notebook, text[:80])
            assert not re.search(r"hash\w*[^.]{0,60}\banonymi[sz](ed|ation)\b(?! data)", text.replace(
                "not anonymisation", "")), (notebook, text[:80])


def test_chapter_03_covers_cookies_and_the_kinds_of_data():
    prose = " ".join(" ".join(_markdown("03-data-for-micromarketing")).split())
    for term in ("First-party data", "Second-party data", "Third-party data", "first-party cookie",
                 "third-party cookie", "contextual targeting", "consented identifiers", "Safari", "Firefox", "Chrome"):
        assert term.lower() in prose.lower(), term
