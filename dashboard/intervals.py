"""95 % intervals for the outcome report's figures (docs/outcomes.md, "The outcome
report"). Pure: the standard library only.

- A share (k of n) gets the Wilson score interval, which stays inside 0–100 % and
  behaves at 0 of n and n of n, where the usual p ± 1.96·√(p(1−p)/n) does not.
- A mean gets Student's t interval, mean ± t(0.975, n−1) · s / √n, with s the
  sample standard deviation; from 30 answers on t is taken as 1.96 (the normal
  approximation). Given sums only: n, Σx and Σx², as SQL adds them up.
"""

from __future__ import annotations

import math

Z = 1.96  # the normal distribution's 97.5th percentile
# t(0.975, df) for df = 1 … 29; from 30 on, Z.
T_975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
)


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of the share k/n, as fractions in [0, 1]."""
    if n <= 0:
        raise ValueError("A share needs at least one answer.")
    if not 0 <= k <= n:
        raise ValueError("k must lie between 0 and n.")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def t_975(df: int) -> float:
    return T_975[df - 1] if 1 <= df <= len(T_975) else Z


def mean_interval(n: int, total: float, squares: float) -> tuple[float, float, float]:
    """(mean, low, high) of n values given their sum and sum of squares; the
    interval is the mean itself for a single value."""
    if n <= 0:
        raise ValueError("A mean needs at least one answer.")
    mean = total / n
    if n == 1:
        return mean, mean, mean
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = t_975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half
