"""The pool-size analyzer: its arithmetic, its reading of machine code, and its honesty against QEMU."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.report import diff
from mcusplit.analysis.stackwalk import StackWalker as FunctionWalker
from mcusplit.analysis.steps import OVERFLOW, Step, maximum, piecewise
from mcusplit.emu import qemu
from mcusplit.errors import McusplitError

from .conftest import EMULATED_BOARDS, EXAMPLES, FIRMWARE, ROOT, run_cli
from .relink import relink


# ---- step functions: checked against brute force -------------------------------------------
def brute(step: Step, lo: int = -50, hi: int = 2100) -> list[int]:
    return [step(r) for r in range(lo, hi)]


steps = st.builds(lambda pieces, start: Step(sorted({start + x for x, _ in pieces} | {start}),
                                             [v for _, v in sorted(pieces)] or [0]),
                  st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 9)), min_size=1, max_size=6,
                           unique_by=lambda p: p[0]),
                  st.integers(0, 300))


def well_formed(step: Step) -> Step:
    return Step(step.xs, (step.values + [step.values[-1]] * len(step.xs))[:len(step.xs)])


@given(st.lists(steps, min_size=1, max_size=4))
def test_maximum_is_pointwise(parts):
    parts = [well_formed(p) for p in parts]
    assert brute(maximum(parts)) == [max(v) for v in zip(*(brute(p) for p in parts), strict=True)]


@given(steps, st.integers(0, 500))
def test_shift_moves_the_room(step, depth):
    step = well_formed(step)
    shifted = step.shift(depth)
    assert all(shifted(r) == step(r - depth) for r in range(-50, 2100, 7))


@given(steps, steps, st.integers(0, 2000))
def test_piecewise_switches_at_the_threshold(below, above, threshold):
    below, above = well_formed(below), well_formed(above)
    p = piecewise(threshold, below, above)
    assert all(p(r) == (below(r) if r < threshold else above(r)) for r in range(-50, 2100, 3))


@given(st.lists(steps, min_size=1, max_size=4), st.integers(0, 2000))
def test_maximum_with_a_ceiling_is_exact_up_to_it(parts, ceiling):
    parts = [well_formed(p) for p in parts]
    clipped, full = maximum(parts, ceiling), maximum(parts)
    assert all(clipped(r) == full(r) for r in range(-50, ceiling + 1, 3))


def test_room_below_the_first_piece_is_an_overflow():
    assert Step.const(2, 100)(99) == OVERFLOW and Step.const(2, 100)(100) == 2


# ---- the walker, on hand-written assembly ----------------------------------------------------
@pytest.fixture(scope="module")
def asm_features(firmware):
    def walk(board: str) -> dict:
        fw = Firmware(firmware(FIRMWARE / "asmfeatures", board, True).elf)
        walker = FunctionWalker(fw)
        return {name: walker.analyze(walker.by_name[name]) for name in walker.by_name
                if name in ("fp_frame", "switch_table", "cond_return", "weird_sp", "const_tail", "call_through",
                            "veneer_like")}
    return walk


@pytest.mark.slow
def test_walker_thumb2_idioms(asm_features):
    f = asm_features("qemu-mps2-an386")
    assert f["fp_frame"].frame == 76 and [c.depth for c in f["fp_frame"].calls] == [76]
    assert f["switch_table"].frame == 132                      # tbb jump table: every case followed
    assert sorted(c.depth for c in f["switch_table"].calls) == [12, 36, 132]
    assert f["cond_return"].frame == 24                        # popeq in an IT block returns on one path
    assert f["weird_sp"].unbounded and "mov sp, r0" in f["weird_sp"].problems[0]
    tail = f["const_tail"].calls[0]
    assert (tail.kind, tail.resolution) == ("tail", "constant")
    assert f["call_through"].calls[0].resolution == "indirect"      # resolved later, by the call graph
    veneer = f["veneer_like"].calls[0]
    assert (veneer.kind, veneer.resolution, veneer.depth) == ("tail", "constant", 0)


@pytest.mark.slow
def test_walker_thumb1_big_frame(asm_features):
    f = asm_features("qemu-microbit")
    assert f["fp_frame"].frame == 608                          # ldr r4, =-600; add sp, r4
    assert f["const_tail"].calls[0].resolution == "constant"


@pytest.mark.slow
def test_frames_and_checks_read_from_code_equal_what_the_build_wrote(firmware):
    """The analyzer sees only the ELF; the build knows what LLVM decided. They must agree."""
    for board in ("qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"):
        built = firmware(FIRMWARE / "abi", board, True)
        walker = FunctionWalker(Firmware(built.elf))
        for check in built.checks:
            info = walker.analyze(walker.by_name[check.name])
            if check.name in built.dropped:             # removed after linking: its entry branches over it
                assert info.check is None, check.name
                continue
            assert info.check is not None, check.name
            assert (info.frame, info.check.threshold, info.check.arg_bytes) == \
                (check.frame, check.threshold, check.arg_bytes), f"{board} {check.name}"


# ---- honesty: the bound against the runtime's own high-water mark ---------------------------
def measured_and_bound(built: build.BuildResult, proj: project.Project, board: str) -> tuple[int, int, dict]:
    result = qemu.run(boards.load(board), built.elf, timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    analysis = analyze(built.elf, analysis_config.load(proj.config_path))
    assert not analysis.check_failures(), analysis.check_failures()
    return result.report.stats["hwm"], analysis.pool_needed, analysis.to_json()


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED_BOARDS)
@pytest.mark.parametrize("name, exact", [("recursion", True), ("mixed", False), ("abi", False)])
def test_bound_holds_against_qemu(firmware, board, name, exact):
    path = (EXAMPLES if name in ("recursion", "mixed") else FIRMWARE) / name
    measured, bound, _ = measured_and_bound(firmware(path, board, True), project.load(path), board)
    assert measured <= bound
    if exact:                       # a straight-line program: the runtime reaches the bound exactly
        assert measured == bound


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_worst_path_in_segments_is_not_the_deepest_in_bytes(board, tmp_path):
    """Path A is deeper in bytes, path B needs more segments: the bound is B's, and running B
    reaches it exactly while A stays below."""
    proj = project.load(FIRMWARE / "worstpath")
    results = {}
    for which in ("A", "B"):
        variant = dataclasses.replace(proj, defines={"WHICH": "1" if which == "B" else "0"})
        built = build.build(variant, boards.load(board), tmp_path / which)
        results[which] = measured_and_bound(built, proj, board)
    (measured_a, bound, report), (measured_b, bound_b, _) = results["A"], results["B"]
    assert bound == bound_b
    assert measured_b == bound
    assert measured_a < bound
    frames = {}
    for fn in ("small_frames", "big_frames"):
        walker = FunctionWalker(Firmware(tmp_path / "A" / "worstpath.elf"))
        frames[fn] = walker.analyze(walker.by_name[fn]).frame
    assert frames["small_frames"] * 56 > frames["big_frames"] * 5, "path A must be the deeper one in bytes"
    worst = [step["function"] for step in report["entries"][0]["path"]]
    assert "big_frames" in worst and "small_frames" not in worst


@pytest.mark.slow
def test_path_rooms_match_what_the_firmware_measures(firmware):
    built = firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True)
    result = qemu.run(boards.load("qemu-mps2-an386"), built.elf, timeout=60)
    printed = int(next(line for line in result.lines if "entered with" in line).split("entered with ")[1].split()[0])
    analysis = analyze(built.elf, analysis_config.load(project.load(EXAMPLES / "recursion").config_path))
    first_descend = next(step for step in analysis.entries[0].path if step.function == "descend")
    assert first_descend.room == printed


# ---- the command line ------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_formats_check_and_baseline(firmware, tmp_path):
    elf = firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True).elf      # its build.json names the config
    text = run_cli("analyze", str(elf))
    assert text.returncode == 0 and "needed: 8 segments" in text.stdout and "descend" in text.stdout
    as_json = run_cli("analyze", str(elf), "--format", "json", "-o", str(tmp_path / "a.json"))
    assert as_json.returncode == 0
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["schema"] == 2 and data["needed"] == 8 and data["check"]["passed"]
    assert data["entries"][0]["path"][-1]["split"] is True
    markdown = run_cli("analyze", str(elf), "--format", "markdown")
    assert markdown.stdout.startswith("### Segment pool: ✅ 8 of 12 segments needed (margin 4)")
    svg = run_cli("analyze", str(elf), "--format", "svg")
    assert svg.stdout.startswith("<svg") and svg.stdout.count("split</text>") == 8
    assert run_cli("analyze", str(elf), "--check").returncode == 0
    # a baseline with a different answer shows up as a change
    old = dict(data, needed=6)
    (tmp_path / "old.json").write_text(json.dumps(old))
    changed = run_cli("analyze", str(elf), "--baseline", str(tmp_path / "old.json"))
    assert "segments needed: 6 → 8" in changed.stdout


@pytest.mark.slow
def test_check_fails_on_a_small_pool_and_on_unbounded_recursion(tmp_path):
    proj = project.load(EXAMPLES / "recursion")
    small = dataclasses.replace(proj, pool=dataclasses.replace(proj.pool, segments=5))
    built = build.build(small, boards.load("qemu-mps2-an386"), tmp_path / "small")
    proc = run_cli("analyze", str(built.elf), "--check", "--config", str(proj.config_path))
    assert proc.returncode == 1 and "pool is too small: 8 segments needed, 5 configured" in proc.stderr
    exhaust = build.build(project.load(FIRMWARE / "exhaust"), boards.load("qemu-mps2-an386"), tmp_path / "ex")
    proc = run_cli("analyze", str(exhaust.elf), "--check")
    assert proc.returncode == 1 and "unbounded" in proc.stderr
    assert "bottomless: no bound" in proc.stdout


@pytest.mark.slow
def test_indirect_call_is_resolved_by_type_and_reported_with_its_source_line(firmware):
    analysis = analyze(firmware(FIRMWARE / "asmfeatures", "qemu-mps2-an386", True).elf)
    sites = {i["function"]: i for i in analysis.indirect}
    source = FIRMWARE / "asmfeatures" / "main.c"
    line = next(n for n, text in enumerate(source.read_text().splitlines(), 1) if "return fn(x)" in text)
    site = sites["call_through"]
    assert site["source"].endswith(f"tests/firmware/asmfeatures/main.c:{line}")
    # uint32_t (*)(uint32_t): the one address-taken function of that type
    assert (site["resolution"], site["targets"]) == ("type", ["leaf_helper"])


@pytest.mark.slow
def test_function_pointer_table_is_inferred_and_said(firmware):
    analysis = analyze(firmware(EXAMPLES / "mixed", "qemu-mps2-an386", True).elf)
    inferred = {i["function"]: i for i in analysis.inferred}
    assert inferred["pipeline"]["table"] == "stages"
    assert set(inferred["pipeline"]["targets"]) == {"stage_scale", "stage_smooth", "stage_square"}


@pytest.mark.slow
def test_build_with_analyze_prints_the_report(tmp_path):
    proc = run_cli("build", "-q", "--board", "qemu-microbit", "examples/recursion", "-o", str(tmp_path), "--analyze")
    assert proc.returncode == 0, proc.stderr
    assert "needed:" in proc.stdout and "check: passed" in proc.stdout


def test_baseline_diff_lists_changes():
    base = {"schema": 1, "needed": 3, "pool": {"segments": 8, "segment_size": 1024}, "check": {"passed": True},
            "entries": [{"name": "Reset_Handler", "segments": 3, "status": "ok", "path": [{"function": "main"}]}],
            "unresolved": [], "cycles": [{"functions": ["f"], "bound": 4}]}
    new = json.loads(json.dumps(base))
    new["needed"] = 5
    new["entries"][0]["segments"] = 5
    new["unresolved"] = [{"function": "g", "source": "g.c:3"}]
    new["cycles"] = [{"functions": ["f"], "bound": 6}]
    new["check"]["passed"] = False
    changes = diff.compare(base, new)
    assert "segments needed: 3 → 5" in changes
    assert "Reset_Handler: 3 → 5 segments" in changes
    assert "new unresolved indirect call in g (g.c:3)" in changes
    assert "recursion f: bound 4 → 6" in changes
    assert "check: passed → failed" in changes
    assert diff.compare(base, base) == []


@pytest.mark.parametrize("toml, expected", [
    ("[analyze]\nrecursoin = {}", "unknown key(s) recursoin"),
    ("[analyze.recursion]\nf = 0", "at least 1"),
    ("[analyze.interrupts]\nnesting = 'sometimes'", "nesting must be one of"),
    ("[analyze.indirect]\nf = 'g'", "must be list"),
])
def test_bad_annotations(tmp_path, toml, expected):
    path = tmp_path / "mcusplit.toml"
    path.write_text(toml)
    with pytest.raises(McusplitError, match=re.escape(expected)):
        analysis_config.load(path)


# ---- bad input: one line, status 2, never a traceback ------------------------------------------


def rename_section(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and data.count(b"\0" + old + b"\0") == 1
    return data.replace(b"\0" + old + b"\0", b"\0" + new + b"\0")


@pytest.mark.slow
@pytest.mark.parametrize("case, expected", [
    ("text", "not a readable ELF file"),
    ("truncated", "not a readable ELF file"),
    ("x86", "not an ARM ELF"),
    ("stripped", "no symbol table"),
    ("no_vectors", "no vector table"),
    ("missing", "no such file"),
])
def test_bad_elf_is_one_line(firmware, tmp_path, case, expected):
    elf = firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True).elf
    target = tmp_path / f"{case}.elf"
    if case == "text":
        target.write_text("this is not firmware\n")
    elif case == "truncated":
        target.write_bytes(elf.read_bytes()[:1000])
    elif case == "x86":
        target.write_bytes(Path(sys.executable).read_bytes())
    elif case == "stripped":
        relink(elf.parent, "recursion", target, "--strip-all")
    elif case == "no_vectors":
        target.write_bytes(rename_section(elf.read_bytes(), b".vectors", b".vectorz"))
    proc = run_cli("analyze", str(target))
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


# ---- fuzzing: damaged ELFs and random code must not crash the analyzer --------------------------
CORPUS = ROOT / "tests" / "corpus"


def analyze_or_refuse(path) -> None:
    with contextlib.suppress(McusplitError):     # refused with a message: fine. Anything else is a bug.
        analyze(path)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("elf/*")), ids=lambda p: p.name)
def test_corpus_of_damaged_elfs(path):
    analyze_or_refuse(path)


def test_damaged_copies_of_the_seed(tmp_path):
    from .corpus.make_corpus import damaged_copies

    for name, data in damaged_copies((CORPUS / "elf" / "seed-recursion-m4.elf").read_bytes()).items():
        (tmp_path / name).write_bytes(data)
        analyze_or_refuse(tmp_path / name)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("thumb/*")), ids=lambda p: p.name)
def test_corpus_of_code(path):
    from mcusplit.analysis.thumb import decode

    decode(path.read_bytes(), 0x1000)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fuzz_damaged_elfs(tmp_path_factory, data):
    seed = (CORPUS / "elf" / "seed-recursion-m4.elf").read_bytes()
    damaged = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        damaged = damaged[:data.draw(st.integers(0, len(damaged)))]
    path = tmp_path_factory.mktemp("fuzz") / "damaged.elf"
    path.write_bytes(bytes(damaged))
    analyze_or_refuse(path)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=512))
def test_fuzz_instruction_reader(code):
    from mcusplit.analysis.thumb import decode, register_list_bytes, split_mnemonic

    for ins in decode(code, 0x2000):
        split_mnemonic(ins.mnemonic)
        register_list_bytes(ins.ops)
