"""Bounded recursion in closed form: the layers of a cycle repeat, shifted by a constant.

A cycle allowed B frames at once is unrolled as layers: V_1 is the innermost frame (no further
recursive call), V_{k+1} = F(V_k) adds one frame around it, and the answer is V_B. F is monotone
and F(V + c) <= F(V) + c for c >= 0 (it takes maxima, shifts rooms, evaluates at fixed rooms and
adds constants: adding c to every value of V adds at most c to every value of F(V)). So once
V_{j+p} = V_j + c for some j, p, c, induction gives V_{j+r+qp} <= V_{j+r} + q*c for every q, and
that bound is what is used: time and memory depend on where the layers start to repeat (a
function of frame and segment sizes), not on B. Unrolled directly, the two agree exactly on the
test programs (tests/test_periodic.py), which is the expected case: once the recursion dominates,
F(V + c) = F(V) + c.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Layers computed before giving up on finding a period (the answer is then "unknown" for bounds
# beyond it; smaller bounds are still exact).
MAX_LAYERS = 20_000


@dataclass
class Layers(Generic[T]):
    computed: list[T]          # V_1 .. V_n (index 0 is V_1)
    start: int | None          # j: the period starts at V_j (1-based), None if none was found
    period: int = 0            # p
    step: int = 0              # c
    add: Callable[[T, int], T] | None = None

    def at(self, k: int) -> T | None:
        """V_k (1-based); None when k is beyond what was computed and no period was found."""
        if k <= len(self.computed):
            return self.computed[k - 1]
        if self.start is None or self.add is None:
            return None
        q, r = divmod(k - self.start, self.period)
        return self.add(self.computed[self.start - 1 + r], q * self.step)


def unroll(first: T, step: Callable[[T], T], normalize: Callable[[T], tuple[object, int]],
           add: Callable[[T, int], T], bound: int, limit: int = MAX_LAYERS) -> Layers[T]:
    """V_1 .. V_bound, computed until they repeat. normalize(V) -> (shape, offset) with
    V = shape + offset; equal shapes mean the layers differ by the difference of the offsets."""
    computed = [first]
    seen: dict[object, tuple[int, int]] = {}
    shape, offset = normalize(first)
    seen[shape] = (1, offset)
    while len(computed) < bound:
        if len(computed) >= limit:
            return Layers(computed, None)
        nxt = step(computed[-1])
        computed.append(nxt)
        shape, offset = normalize(nxt)
        k = len(computed)
        if shape in seen:
            j, earlier = seen[shape]
            if offset >= earlier:
                return Layers(computed, j, k - j, offset - earlier, add)
        seen[shape] = (k, offset)
    return Layers(computed, None)
