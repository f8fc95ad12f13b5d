"""The check's arithmetic: Thumb-2 immediates, thresholds, segment room."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from mcusplit.contract import Layout as StackLayout
from mcusplit.contract import thumb2_modified_immediate


def thumb_expand_imm(imm12: int) -> int:
    """ThumbExpandImm from the ARMv7-M Architecture Reference Manual (A5.3.2)."""
    if imm12 >> 10 == 0:
        b = imm12 & 0xFF
        return [b, b * 0x00010001, (b << 8) * 0x00010001, b * 0x01010101][(imm12 >> 8) & 3]
    unrotated = 0x80 | (imm12 & 0x7F)
    rotation = imm12 >> 7
    return ((unrotated >> rotation) | (unrotated << (32 - rotation))) & 0xFFFFFFFF


ENCODABLE = {thumb_expand_imm(i) for i in range(4096)
             if not (i >> 10 == 0 and (i >> 8) & 3 and i & 0xFF == 0)}   # b == 0 patterns are UNPREDICTABLE


def test_every_encodable_value_is_accepted():
    assert all(thumb2_modified_immediate(v) for v in ENCODABLE)


def test_random_values_match_the_architecture():
    rng = random.Random(1)
    for _ in range(20000):
        v = rng.getrandbits(32) >> rng.randrange(32)
        assert thumb2_modified_immediate(v) == (v in ENCODABLE or v == 0), hex(v)


@given(st.sampled_from([256, 512, 1024, 2048, 4096, 16384]), st.integers(1, 4000))
def test_thumb2_threshold_is_the_smallest_encodable_at_least_need(segment, need):
    layout = StackLayout(segment, 4, 256)
    if need >= segment:
        return
    t = layout.thumb2_threshold(need)
    shift = 32 - layout.shift
    assert t >= need
    assert thumb2_modified_immediate(t << shift)
    assert all(not thumb2_modified_immediate(x << shift) for x in range(need, t)), "not minimal"


@given(st.sampled_from([256, 1024, 4096]), st.integers(1, 4000))
def test_thumb1_threshold_rounds_up_to_units(segment, need):
    layout = StackLayout(segment, 4, 256)
    units = layout.thumb1_threshold(need)
    unit = layout.thumb1_unit()
    assert units * unit >= need > (units - 1) * unit


def test_fresh_room_leaves_header_and_aligned_arguments():
    layout = StackLayout(1024, 4, 256)
    assert layout.fresh_room(0) == 1024 - 16
    assert layout.fresh_room(4) == 1024 - 16 - 8
    assert layout.fresh_room(16) == 1024 - 16 - 16
