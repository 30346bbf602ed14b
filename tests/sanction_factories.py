"""Factories for sanctions tests: 2027 confirmed (a 20-working-day publication from December
reaches it), a case on a member of the pool of tests.pool_factories, and a decision's input."""

from __future__ import annotations

from datetime import date

from app.calendar.services import build_arrangement, confirm_year
from contractors.sanctions import services
from tests.factories import HOLIDAYS_2027, NOTICE_2027


def confirm_2027() -> None:
    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""))


def decision(**overrides) -> services.DecisionInput:
    values = {
        "outcome": "suspension",
        "act": "将承接的工程转包",
        "basis": "《建设工程质量管理条例》第二十五条",
        "deciding_body": "区公共资源交易管理办公室",
        "starts_on": date(2026, 12, 15),
        "months": 3,
        **overrides,
    }
    return services.DecisionInput(**values)
