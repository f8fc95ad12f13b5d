"""Bounded recursion in closed form (mcusplit/analysis/periodic.py) against unrolling every layer,
on real images: a direct recursion (examples/recursion) and a mutual one (corpus `mutual`), for
segments and for contiguous bytes; and bounds up to 2^31 cost what finding the period costs."""

from __future__ import annotations

import pytest

from mcusplit.analysis import contiguous, model, periodic
from mcusplit.analysis.analyze import analyze
from mcusplit.analysis.config import AnalyzeConfig, ConfigError, parse

from . import soundness_harness as corpus
from .conftest import EXAMPLES


def unrolled(first, step, normalize, add, bound, limit=periodic.MAX_LAYERS):
    """The reference: every layer computed, no period looked for."""
    layers = [first]
    while len(layers) < bound:
        layers.append(step(layers[-1]))
    return periodic.Layers(layers, None)


@pytest.fixture(scope="module")
def images(firmware, tmp_path_factory):
    mutual = corpus.project_for(corpus.by_name("mutual"), tmp_path_factory.mktemp("mutual"), "-O2", False)
    return {"descend": firmware(EXAMPLES / "recursion", "qemu-mps2-an386").elf,
            "is_even": firmware(mutual.root, "qemu-mps2-an386").elf,
            "descend-plain": firmware(EXAMPLES / "recursion", "qemu-mps2-an386", False).elf}


@pytest.mark.slow
@pytest.mark.parametrize("bound", [1, 2, 3, 7, 24, 47, 48, 49, 130, 400])
@pytest.mark.parametrize("image, function", [("descend", "descend"), ("is_even", "is_even"),
                                             ("descend-plain", "descend")])
def test_closed_form_equals_every_layer_unrolled(images, image, function, bound, monkeypatch):
    config = AnalyzeConfig(recursion={function: bound})
    closed = analyze(images[image], config)
    monkeypatch.setattr(model, "unroll", unrolled)
    monkeypatch.setattr(contiguous, "unroll", unrolled)
    reference = analyze(images[image], config)
    assert closed.pool_needed == reference.pool_needed
    assert [e.value for e in closed.entries] == [e.value for e in reference.entries]


@pytest.mark.slow
def test_a_bound_of_two_to_the_31_costs_what_the_period_costs(images, monkeypatch):
    computed = []
    original = periodic.unroll

    def counting(*args, **kwargs):
        layers = original(*args, **kwargs)
        computed.append(len(layers.computed))
        return layers

    monkeypatch.setattr(model, "unroll", counting)
    small = analyze(images["descend"], AnalyzeConfig(recursion={"descend": 48}))
    huge = analyze(images["descend"], AnalyzeConfig(recursion={"descend": (1 << 31) - 1}))
    assert small.pool_needed == 8
    assert max(computed) < 200, computed                     # layers computed, not 2^31
    # The runtime measures 8 segments for 48 frames of descend (examples/recursion: six frames per
    # 1 KiB segment), so 2^31 - 1 frames need 2^31 / 6 of them, give or take the first stack's.
    assert abs(huge.pool_needed - ((1 << 31) - 1) // 6) <= 2


def test_bounds_beyond_two_to_the_31_are_refused():
    with pytest.raises(ConfigError, match="at most 2"):
        parse({"analyze": {"recursion": {"descend": 99999999999}}}, "mcusplit.toml")
    assert parse({"analyze": {"recursion": {"descend": 1 << 31}}}, "x").recursion == {"descend": 1 << 31}


def test_period_arithmetic_against_brute_force():
    # (phase, value): the value grows by 1, 1, 0, 1, 1, 0, ...: a period of 3 that adds 2
    def step(v):
        return ((v[0] + 1) % 3, v[1] + (0 if v[0] == 1 else 1))

    layers = periodic.unroll((0, 0), step, lambda v: (v[0], v[1]), lambda v, c: (v[0], v[1] + c), 10 ** 9)
    assert len(layers.computed) < 10
    brute = [(0, 0)]
    while len(brute) < 1000:
        brute.append(step(brute[-1]))
    assert [layers.at(k) for k in range(1, 1001)] == brute
    assert layers.at(10 ** 9)[1] == brute[999][1] + (10 ** 9 - 1000) // 3 * 2 + 0
