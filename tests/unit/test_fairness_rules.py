"""The draws' fairness test (contracts.rules.fairness): the exact Poisson-binomial distribution,
Holm's correction and the overall statistic, against hand-computed and brute-forced values."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.rules import fairness
from contracts.rules.fairness import DrawEntries

probabilities = st.lists(st.floats(0.0, 1.0, allow_nan=False), max_size=40)


@given(probabilities)
def test_the_distribution_sums_to_one(ps):
    pmf = fairness.poisson_binomial_pmf(ps)
    assert len(pmf) == len(ps) + 1
    assert math.isclose(pmf.sum(), 1.0, rel_tol=1e-9)
    assert (pmf >= -1e-15).all()


@given(st.integers(0, 60), st.floats(0.0, 1.0, allow_nan=False))
def test_equal_probabilities_give_the_binomial(n, p):
    pmf = fairness.poisson_binomial_pmf([p] * n)
    for k in range(n + 1):
        assert math.isclose(pmf[k], math.comb(n, k) * p**k * (1 - p) ** (n - k), abs_tol=1e-12)


@settings(max_examples=60)
@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), max_size=10))
def test_small_cases_match_every_outcome_counted_by_brute_force(ps):
    expected = [0.0] * (len(ps) + 1)
    for outcome in itertools.product((0, 1), repeat=len(ps)):
        chance = math.prod(p if won else 1 - p for p, won in zip(ps, outcome, strict=True))
        expected[sum(outcome)] += chance
    pmf = fairness.poisson_binomial_pmf(ps)
    for k, value in enumerate(expected):
        assert math.isclose(pmf[k], value, abs_tol=1e-12)


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0, 1 / 2, 1 / 3, 1 / 7, 1 / 30]), st.integers(0, 25)),
        max_size=6,
    )
)
def test_the_grouped_binomials_equal_the_step_by_step_distribution(groups):
    expanded = [p for p, count in groups for _ in range(count)]
    grouped = fairness.grouped_pmf(groups)
    step = fairness.poisson_binomial_pmf(expanded)
    assert len(grouped) == len(step)
    for a, b in zip(grouped, step, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-13)


def test_a_probability_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError):
        fairness.poisson_binomial_pmf([0.5, 1.5])


def test_the_upper_tail_of_three_draws_of_three_is_computed_by_hand():
    # Three draws among 3 candidates each: P(X ≥ 2) = 3·(1/3)²(2/3) + (1/3)³ = 7/27.
    pmf = fairness.poisson_binomial_pmf([1 / 3] * 3)
    assert math.isclose(fairness.upper_tail(pmf, 2), 7 / 27)
    assert fairness.upper_tail(pmf, 0) == 1.0
    assert fairness.upper_tail(pmf, 4) == 0.0


def test_holm_multiplies_the_smallest_by_the_count_and_keeps_the_order():
    assert fairness.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert fairness.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert fairness.holm([]) == []


@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=30))
def test_holm_never_lowers_a_p_value_nor_passes_one(ps):
    for raw, adjusted in zip(ps, fairness.holm(ps), strict=True):
        assert raw <= adjusted <= 1.0


@pytest.mark.parametrize(
    ("statistic", "df", "expected"),
    # Tabled 95% quantiles, and closed forms: even df 2k gives e^(−x/2) Σ_{i<k} (x/2)^i / i!;
    # df 3 gives erfc(√(x/2)) + √(2x/π) e^(−x/2).
    [
        (3.841458820694124, 1, 0.05),
        (18.307038053275146, 10, 0.05),
        (2.0, 2, math.exp(-1)),
        (
            100.0,
            80,
            math.fsum(math.exp(-50 + i * math.log(50) - math.lgamma(i + 1)) for i in range(40)),
        ),
        (0.5, 3, math.erfc(0.5) + math.sqrt(1 / math.pi) * math.exp(-0.25)),
    ],
)
def test_the_chi_square_tail_matches_reference_values(statistic, df, expected):
    assert fairness.chi_square_sf(statistic, df) == pytest.approx(expected, rel=1e-6)


def test_a_fair_record_is_not_flagged_and_its_expectations_are_exact():
    # A entered three draws of 3 and one of 4 and won one; B entered the three of 3 and won two.
    result = fairness.company_fairness(
        [
            DrawEntries("A", "甲公司", ((3, 1, 3), (4, 1, 1)), wins=1, responses=5),
            DrawEntries("B", "乙公司", ((3, 1, 3),), wins=2),
        ],
        draws=4,
    )
    a = next(c for c in result.companies if c.uscc == "A")
    b = next(c for c in result.companies if c.uscc == "B")
    assert a.draws == 4 and a.responses == 5
    assert a.expected == pytest.approx(1 + 1 / 4)
    assert a.variance == pytest.approx(3 * (1 / 3) * (2 / 3) + (1 / 4) * (3 / 4))
    assert b.p_value == pytest.approx(7 / 27)
    assert b.z == pytest.approx((2 - 1) / math.sqrt(2 / 3))
    assert result.companies[0].uscc == "B"  # the more surprising first
    assert not result.flagged
    assert result.df == 2
    assert result.statistic == pytest.approx(a.z**2 + b.z**2)


def test_a_company_winning_every_one_of_many_draws_is_flagged_after_holms_correction():
    rows = [DrawEntries("X", "常胜公司", ((5, 1, 12),), wins=12)] + [
        DrawEntries(f"F{i}", f"公司{i}", ((5, 1, 12),), wins=0) for i in range(4)
    ]
    result = fairness.company_fairness(rows, draws=12)
    x = result.companies[0]
    assert x.uscc == "X" and x.flagged
    assert x.p_value == pytest.approx(0.2**12)
    assert x.p_adjusted == pytest.approx(5 * 0.2**12)
    assert [c.uscc for c in result.flagged] == ["X"]
    assert result.p_value < 1e-6


def test_a_sure_win_has_no_z_score_and_no_surprise():
    result = fairness.company_fairness([DrawEntries("S", "独家", ((1, 1, 2),), wins=2)], draws=2)
    only = result.companies[0]
    assert only.z is None and only.p_value == 1.0 and not only.flagged
    assert result.p_value is None and result.df == 0


@pytest.mark.parametrize(
    "row",
    [
        DrawEntries("W", "w", ((3, 1, 1),), wins=2),
        DrawEntries("W", "w", ((0, 1, 1),), wins=0),
        DrawEntries("W", "w", ((3, 4, 1),), wins=0),
    ],
)
def test_impossible_records_are_refused(row):
    with pytest.raises(ValueError):
        fairness.company_fairness([row], draws=1)
