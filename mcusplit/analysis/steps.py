"""Piecewise-constant functions of the room left on the current stack.

need(r) is how many pool segments a call needs when it starts with r bytes of room. It is a step
function of r: constant between breakpoints. Keeping whole functions (rather than one value per
room) lets the model solve every function once, bottom-up, for every room at the same time.
"""

from __future__ import annotations

import bisect

# Sentinels above any real count (2^31 frames of a bounded recursion need fewer than 2^32 segments).
OVERFLOW = 1 << 40          # the stack runs past its bottom on this path
UNBOUNDED = 1 << 41         # recursion without a bound
UNKNOWN = 1 << 42           # the path reaches something the analysis cannot classify


def saturating_add(value: int, k: int) -> int:
    return value if value >= OVERFLOW else value + k


class Step:
    """need(r) = values[i] for xs[i] <= r < xs[i+1] (the last piece runs to +infinity);
    need(r) = OVERFLOW for r < xs[0]."""

    __slots__ = ("values", "xs")

    def __init__(self, xs: list[int], values: list[int]) -> None:
        self.xs = xs
        self.values = values

    @classmethod
    def const(cls, value: int, lowest: int = 0) -> Step:
        """`value` for every room >= lowest; below that the stack overflows."""
        return cls([lowest], [value])

    def __call__(self, room: int) -> int:
        i = bisect.bisect_right(self.xs, room) - 1
        return OVERFLOW if i < 0 else self.values[i]

    def shift(self, depth: int) -> Step:
        """r -> need(r - depth): what a call `depth` bytes further down needs."""
        if depth == 0:
            return self
        return Step([x + depth for x in self.xs], self.values)

    def plus(self, k: int) -> Step:
        return Step(self.xs, [saturating_add(v, k) for v in self.values])

    def __repr__(self) -> str:
        return "Step(" + ", ".join(f"{x}:{v}" for x, v in zip(self.xs, self.values, strict=True)) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and self.xs == other.xs and self.values == other.values

    def __hash__(self) -> int:
        return hash((tuple(self.xs), tuple(self.values)))


def _compress(xs: list[int], values: list[int]) -> Step:
    out_x: list[int] = []
    out_v: list[int] = []
    for x, v in zip(xs, values, strict=True):
        if out_v and out_v[-1] == v:
            continue
        out_x.append(x)
        out_v.append(v)
    return Step(out_x, out_v)


def maximum(steps: list[Step], ceiling: int | None = None) -> Step:
    """Pointwise maximum, by one sweep over the merged breakpoints. With `ceiling`, breakpoints
    above it are dropped (the function keeps its value at the ceiling): no stack has more room."""
    if len(steps) == 1 and ceiling is None:
        return steps[0]
    events = sorted((x, k, v) for k, s in enumerate(steps) for x, v in zip(s.xs, s.values, strict=True))
    current = [OVERFLOW] * len(steps)
    out_x: list[int] = []
    out_v: list[int] = []
    i = 0
    while i < len(events):
        x = events[i][0]
        if ceiling is not None and x > ceiling and out_x:
            break
        while i < len(events) and events[i][0] == x:
            current[events[i][1]] = events[i][2]
            i += 1
        value = max(current)
        if not out_v or out_v[-1] != value:
            out_x.append(x)
            out_v.append(value)
    return Step(out_x, out_v)


def piecewise(threshold: int, below: Step, above: Step) -> Step:
    """below(r) for r < threshold, above(r) from threshold on (the split-stack check)."""
    xs = sorted({x for x in below.xs if x < threshold} | {threshold} | {x for x in above.xs if x > threshold})
    return _compress(xs, [below(x) if x < threshold else above(x) for x in xs])
