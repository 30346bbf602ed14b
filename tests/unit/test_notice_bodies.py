"""notices.markup.body: a generated notice body escapes every value it is given unless a filter
vouched for it, so a template that forgets a filter prints text, never markup — and the trading
bodies (contracts.services.bodies) print hostile names, places and reasons literally."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import jinja2
import pytest

from contracts.services import bodies
from notices import markup
from tests.unit.test_markup import PAYLOADS

HOSTILE = "*[x](javascript:alert(1))*"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def _rendered(source: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(markup.render(source))
    return parsed


def _from_string(source: str, **values) -> str:
    return markup._BODIES.from_string(source).render(**values)


@pytest.mark.parametrize("payload", [*PAYLOADS, HOSTILE])
def test_a_value_without_a_filter_is_escaped_as_text(payload):
    assert _from_string("名称：{{ name }}", name=payload) == f"名称：{markup.md_text(payload)}"


def test_numbers_print_as_they_are_and_other_values_need_a_filter():
    assert _from_string("{{ n }} {{ d }}", n=60, d=Decimal("3.50")) == "60 3.50"
    with pytest.raises(TypeError, match="needs a filter"):
        _from_string("{{ day }}", day=date(2026, 12, 3))
    with pytest.raises(jinja2.UndefinedError):  # a misspelt value is an error, not a blank
        _from_string("{{ nmae }}", name="x")


def test_a_code_prints_verbatim_and_anything_else_in_its_place_is_refused():
    assert _from_string("{{ c|code }}", c="PRJ-2026-0001-2-award") == "PRJ-2026-0001-2-award"
    for bad in (HOSTILE, "PRJ 1", "-1", "", "<b>"):
        with pytest.raises(ValueError, match="not a code"):
            _from_string("{{ c|code }}", c=bad)


def test_cell_when_and_markdown_filters():
    assert _from_string("{{ a|cell }}|{{ b|cell }}", a="", b=HOSTILE) == "—|" + markup.md_text(
        HOSTILE
    )
    moment = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    assert _from_string('{{ m|when("%Y-%m-%d %H:%M") }}', m=moment) == "2026-12-03 09:30"
    assert _from_string('{{ d|when("%Y-%m-%d") }}', d=date(2026, 11, 1)) == "2026-11-01"
    assert _from_string("{{ s|markdown }}", s="**要求**") == "**要求**"


def _trading(**overrides):
    project = SimpleNamespace(
        code="PRJ-2026-0001",
        name=HOSTILE,
        owner_name=HOSTILE,
        town=HOSTILE,
        village=HOSTILE,
        funding="collective",
        estimate=Decimal("1300000.00"),
        control_price=Decimal("1234567.89"),
        non_competitive_part=Decimal("0.00"),
        duration_days=60,
        contact_person=HOSTILE,
        contact_phone=HOSTILE,
    )
    trading = SimpleNamespace(
        code="PRJ-2026-0001-2",
        round=2,
        responses_close_at=datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
        meeting_at=datetime(2026, 12, 3, 1, 30, tzinfo=UTC),
        meeting_place=HOSTILE,
        winner_uscc="91330205144081364U",
        discount_rate=Decimal("3.00"),
        contract_price=Decimal("1197530.85"),
        award_draw_id="PRJ-2026-0001-2-award",
        rate_draw_id="PRJ-2026-0001-2-rate",
        **overrides,
    )
    return project, trading


def _company(uscc):
    return SimpleNamespace(name=HOSTILE, uscc=uscc)


def _every_trading_body() -> dict[str, str]:
    p, t = _trading()
    award = SimpleNamespace(draw_id=t.award_draw_id, seed_commitment="a" * 64)
    rate = SimpleNamespace(draw_id=t.rate_draw_id, seed_commitment="b" * 64)
    ranking = ["91330205144081364U", "91330205MA281Q362D"]
    return {
        "notice": bodies.trading_notice_body(
            p,
            t,
            [("3.00", Decimal("1197530.85"))],
            award,
            rate,
            HOSTILE,
        ),
        "result": bodies.trading_result_body(p, t, ranking, dict.fromkeys(ranking, HOSTILE)),
        "failed": bodies.trading_failed_body(p, t, HOSTILE),
        "passed_on": bodies.refusal_correction_body(
            p, t, _company(ranking[0]), _company(ranking[1])
        ),
        "exhausted": bodies.refusal_correction_body(p, t, _company(ranking[0]), None),
    }


@pytest.mark.parametrize("kind", ["notice", "result", "failed", "passed_on", "exhausted"])
def test_every_trading_body_prints_hostile_values_literally(kind):
    source = _every_trading_body()[kind]
    parsed = _rendered(source)
    assert not parsed.tags & {"a", "em", "strong", "code", "img", "script"} - (
        {"code"} if kind == "notice" else set()  # the seed commitments are code spans
    ), source
    assert HOSTILE in "".join(parsed.text)
    assert "PRJ-2026-0001-2" in source  # codes are not escaped
