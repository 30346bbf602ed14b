"""Fairness of the award draws, pure: each company's wins against what a fair lottery expects.

An award draw (定标摇号) is a `ranking` of its n candidates drawn uniformly (docs/draw-format.md: Fisher–Yates
on an unbiased stream), whose first `winners` (k, 1 for every award) take the contract: each
candidate is selected with probability exactly k/n. A company's wins over the draws it entered are
then a sum of independent Bernoulli(k_i/n_i) — a Poisson-binomial variable, whose distribution is
computed exactly here (dynamic programming, no approximation), so that the chance of winning at
least as often as it did is an exact tail probability, not a normal-curve guess.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported by the functions that compute (issue 14: 16 MB a worker)
    import numpy as np

#: The family-wise error rate of the Holm procedure: a company is flagged when its corrected
#: p-value is below it.
FAIRNESS_ALPHA = 0.05


def poisson_binomial_pmf(probabilities: Iterable[float]) -> np.ndarray:
    """P(X = 0..N) for X the number of successes among independent trials with the given
    probabilities: adding one trial at a time, P'(j) = P(j)(1 − p) + P(j − 1)p."""
    import numpy as np

    ps = [float(p) for p in probabilities]
    for p in ps:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"a probability must lie in [0, 1], got {p!r}")
    pmf = np.zeros(len(ps) + 1)
    pmf[0] = 1.0
    for i, p in enumerate(ps, start=1):
        # The right side is evaluated whole before it is stored: every term reads the previous trial.
        pmf[1 : i + 1] = pmf[1 : i + 1] * (1.0 - p) + pmf[0:i] * p
        pmf[0] *= 1.0 - p
    return pmf


def binomial_pmf(trials: int, p: float) -> np.ndarray:
    """P(X = 0..trials) for X ~ Binomial(trials, p), through logarithms (no overflow)."""
    import numpy as np

    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability must lie in [0, 1], got {p!r}")
    if p in (0.0, 1.0):
        pmf = np.zeros(trials + 1)
        pmf[trials if p == 1.0 else 0] = 1.0
        return pmf
    k = np.arange(trials + 1)
    log_comb = np.array(
        [math.lgamma(trials + 1) - math.lgamma(j + 1) - math.lgamma(trials - j + 1) for j in k]
    )
    return np.exp(log_comb + k * math.log(p) + (trials - k) * math.log1p(-p))


def grouped_pmf(groups: Iterable[tuple[float, int]]) -> np.ndarray:
    """The Poisson-binomial distribution of `count` trials at each probability `p` of `groups`:
    the binomials of the groups convolved — a company's few draw sizes cost a few convolutions
    instead of one step per draw. Equal to poisson_binomial_pmf of the expanded list."""
    import numpy as np

    pmf = np.ones(1)
    for p, count in groups:
        pmf = np.convolve(pmf, binomial_pmf(count, p))
    return pmf


def upper_tail(pmf: np.ndarray, observed: int) -> float:
    """P(X ≥ observed), clipped to [0, 1] (floating sums may stray by an ulp)."""
    if observed <= 0:
        return 1.0
    if observed >= len(pmf):
        return 0.0
    return float(min(1.0, max(0.0, pmf[observed:].sum())))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given): the m p-values sorted ascending,
    the i-th (from 0) multiplied by (m − i), made non-decreasing, capped at 1. Rejecting where the
    adjusted value is below α keeps the chance of flagging any fair company below α."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def chi_square_sf(statistic: float, df: int) -> float:
    """P(χ²_df ≥ statistic): the regularized upper incomplete gamma Q(df/2, statistic/2), by its
    series below a + 1 and its continued fraction above (Numerical Recipes §6.2)."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if statistic <= 0:
        return 1.0
    a, x = df / 2.0, statistic / 2.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1.0
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return min(1.0, h * math.exp(log_front))


@dataclass(frozen=True)
class DrawEntries:
    """What the database says of one company: how many draws of each size it entered and how many
    of those it won. `entries` is ((n, winners, count), …); `wins` its total wins."""

    uscc: str
    name: str
    entries: tuple[tuple[int, int, int], ...]
    wins: int
    #: Response commitments it gave (including tradings that failed for too few respondents).
    responses: int = 0


@dataclass(frozen=True)
class CompanyFairness:
    uscc: str
    name: str
    responses: int
    draws: int
    wins: int
    expected: float
    variance: float
    #: (wins − expected) / √variance; None when the variance is 0 (it could only ever win, or
    #: never).
    z: float | None
    #: Exact P(wins ≥ observed) under a fair lottery.
    p_value: float
    #: Holm-adjusted p-value over every company listed.
    p_adjusted: float
    flagged: bool


@dataclass(frozen=True)
class Fairness:
    companies: tuple[CompanyFairness, ...]
    draws: int
    #: Σ z² over companies with a variance: each term has mean exactly 1 under a fair lottery.
    statistic: float
    df: int
    #: P(χ²_df ≥ statistic): approximate (the companies share draws, so their counts are not
    #: quite independent); the Holm flags are the exact test.
    p_value: float | None
    alpha: float = FAIRNESS_ALPHA

    @functools.cached_property
    def flagged(self) -> tuple[CompanyFairness, ...]:
        # Kept on the instance: a kept test (contracts.queries.stats_memo) is asked on every
        # request, and thousands of companies are a walk each time.
        return tuple(c for c in self.companies if c.flagged)


def _groups(entries: Sequence[tuple[int, int, int]]) -> list[tuple[float, int]]:
    groups: list[tuple[float, int]] = []
    for n, winners, count in entries:
        if n < 1 or not 1 <= winners <= n or count < 0:
            raise ValueError(f"impossible draw: {winners} of {n} candidates, {count} times")
        groups.append((winners / n, count))
    return groups


@functools.lru_cache(maxsize=65_536)
def _tail(groups: tuple[tuple[float, int], ...], wins: int) -> float:
    """P(wins or more) over `groups`: a pure function of its arguments, kept per process (issue
    14) — a year's thousands of companies share far fewer (draw sizes, counts, wins), and the
    page recomputed each one's distribution on every request."""
    return upper_tail(grouped_pmf(groups), wins)


def company_fairness(
    rows: Iterable[DrawEntries], draws: int, alpha: float = FAIRNESS_ALPHA
) -> Fairness:
    """Every company's observed against expected wins, its exact tail p-value, Holm's flags, and
    the overall statistic; companies ordered by p-value (most surprising first), then code."""
    partial = []
    for row in rows:
        groups = _groups(row.entries)
        draws_entered = sum(count for _p, count in groups)
        if row.wins > draws_entered:
            raise ValueError(f"{row.uscc} won {row.wins} of {draws_entered} draws")
        expected = math.fsum(p * count for p, count in groups)
        variance = math.fsum(p * (1.0 - p) * count for p, count in groups)
        z = (row.wins - expected) / math.sqrt(variance) if variance > 0 else None
        tail = _tail(tuple(groups), row.wins)
        partial.append((row, draws_entered, expected, variance, z, tail))
    adjusted = holm([p for *_rest, p in partial])
    companies = [
        CompanyFairness(
            uscc=row.uscc,
            name=row.name,
            responses=row.responses,
            draws=n,
            wins=row.wins,
            expected=expected,
            variance=variance,
            z=z,
            p_value=p,
            p_adjusted=adj,
            flagged=adj < alpha,
        )
        for (row, n, expected, variance, z, p), adj in zip(partial, adjusted, strict=True)
    ]
    companies.sort(key=lambda c: (c.p_value, c.uscc))
    zs = [c.z for c in companies if c.z is not None]
    statistic = math.fsum(z * z for z in zs)
    return Fairness(
        companies=tuple(companies),
        draws=draws,
        statistic=statistic,
        df=len(zs),
        p_value=chi_square_sf(statistic, len(zs)) if zs else None,
        alpha=alpha,
    )
