"""One base for every refusal: pure rules' errors and services' domain errors read alike."""

from __future__ import annotations

import ast
import pickle
import sys
from pathlib import Path

import pytest

from app.errors import DomainError, checked, refused_as
from app.refusal import Refusal
from contractors import rules as pool_rules
from contractors.identity import IdentityError
from contracts import rules as trading_rules
from lottery import rules as draw_rules
from notices.sms.rules import TemplateProblem

ROOT = Path(__file__).resolve().parents[2]
RULE_ERRORS = [
    trading_rules.RuleError,
    pool_rules.RuleError,
    draw_rules.RuleError,
    IdentityError,
    TemplateProblem,
]


@pytest.mark.parametrize("error", RULE_ERRORS)
def test_every_rule_error_is_a_refusal_and_still_a_value_error(error):
    e = error("中文", "English", field="x")
    assert isinstance(e, Refusal)
    assert isinstance(e, ValueError)  # callers may catch a rule's refusal as bad input
    assert (str(e), e.message, e.message_en, e.field) == ("中文", "中文", "English", "x")


def test_a_domain_error_is_a_refusal_and_not_a_value_error():
    e = DomainError("中文")
    assert isinstance(e, Refusal)
    assert not isinstance(e, ValueError)
    assert e.message_en == "中文"  # no translation given: the Chinese stands


def test_a_refusal_survives_pickling_with_its_english_and_extra_state():
    e = pickle.loads(pickle.dumps(pool_rules.RuleError("早", "early", earliest=None, field="f")))  # noqa: S301
    assert (type(e), e.message, e.message_en, e.field) == (pool_rules.RuleError, "早", "early", "f")


class _Refused(DomainError):
    """A domain error of the test's own, as a domain's errors.py would define."""


def test_refused_as_turns_a_rule_refusal_into_the_domain_error_with_its_field():
    with pytest.raises(_Refused) as caught, refused_as(_Refused):
        raise draw_rules.RuleError("错", "wrong", field="purpose")
    assert (caught.value.message, caught.value.message_en, caught.value.field) == (
        "错",
        "wrong",
        "purpose",
    )


def test_refused_as_can_name_the_field_and_lets_domain_errors_and_bugs_through():
    with pytest.raises(_Refused) as caught, refused_as(_Refused, field="uscc"):
        raise IdentityError("错", "wrong")
    assert caught.value.field == "uscc"
    with pytest.raises(DomainError) as caught, refused_as(_Refused):
        raise DomainError("别的")
    assert type(caught.value) is DomainError
    with pytest.raises(KeyError), refused_as(_Refused):
        raise KeyError("a bug stays a bug")


def test_checked_returns_what_the_rule_returns():
    assert checked(_Refused, lambda a, b=0: a + b, 1, b=2) == 3


def test_the_base_needs_the_standard_library_alone():
    # Pure rules, the identity checks and the draws' rules import it: it may import nothing else.
    tree = ast.parse((ROOT / "app" / "refusal.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, name
