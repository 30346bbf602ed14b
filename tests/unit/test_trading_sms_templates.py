"""The award meeting's SMS templates (templates/sms/trading_*.txt) through the SMS rules: mainland
form, and the length a typical project's texts take (each segment is billed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notices.sms import rules

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "sms"
SIGNATURE = "【江北区公管办】"
TYPICAL = {
    "name": "甬江街道某村道路硬化工程",
    "code": "PRJ-2026-0007-2",
    "rate": "8.50",
    "price": "1129629.62",
    "days": "30",
    "deadline": "2027年1月2日",
    "rank": "12",
    "count": "2",
    "minimum": "3",
}


def _render(template_name: str, **values) -> str:
    template = (TEMPLATES / f"{template_name}.txt").read_text(encoding="utf-8").strip()
    return rules.render(template, {**TYPICAL, **values}, SIGNATURE)


@pytest.mark.parametrize(
    ("name", "parts"), [("trading_award", 3), ("trading_result", 2), ("trading_failed", 2)]
)
def test_a_typical_projects_texts_are_signed_url_free_and_short(name, parts):
    text = _render(name)
    assert text.startswith(SIGNATURE) and text.count("【") == 1
    assert "http" not in text and "www" not in text
    assert "本短信无需回复" in text  # no replies to +86: everything happens on the platform
    assert rules.segments(text) == parts


def test_the_award_text_names_the_code_rate_price_and_the_signing_period():
    text = _render("trading_award")
    for fact in ("PRJ-2026-0007-2", "下浮率8.50%", "合同价1129629.62元", "30日内", "2027年1月2日"):
        assert fact in text


def test_an_alternate_learns_its_rank_and_not_the_price():
    text = _render("trading_result")
    assert "排序第12名（候补）" in text and "1129629.62" not in text


def test_a_project_name_with_a_bracket_cannot_forge_a_second_signature():
    text = _render("trading_failed", name="【假签名】某村道路工程")
    assert text.count("【") == 1 and "[假签名]某村道路工程" in text
