"""The stack walk's table, row by row (docs/analyzer.md): hand-written assembly, one function per
control-transfer form or compiler idiom, assembled and linked on its own (no runtime), and what the
walker and the call graph read from each. Every expected number is counted by hand from the
assembly (tests/firmware/asmrows/*.S), not copied from the walker's output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcusplit.analysis.callgraph import CallGraph
from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.stackwalk import StackWalker, walk_all

ROWS = Path(__file__).resolve().parent / "firmware" / "asmrows"
TARGETS = {"v7m": ("thumb-freestanding-eabihf", "cortex_m4+vfp4d16sp"), "v6m": ("thumb-freestanding-eabi", "cortex_m0")}


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    cache = {}

    def get(isa: str) -> dict:
        if isa not in cache:
            out = tmp_path_factory.mktemp(isa)
            target, cpu = TARGETS[isa]
            zig = [sys.executable, "-m", "ziglang"]
            subprocess.run([*zig, "cc", "-target", target, f"-mcpu={cpu}", "-c", str(ROWS / f"rows_{isa}.S"),
                            "-o", str(out / "rows.o")], check=True, capture_output=True)
            subprocess.run([*zig, "ld.lld", "-Ttext=0x10000", "--no-gc-sections", "-e", "leaf",
                            str(out / "rows.o"), "-o", str(out / "rows.elf")], check=True, capture_output=True)
            fw = Firmware(out / "rows.elf")
            walker = StackWalker(fw)
            infos = walk_all(walker)
            CallGraph(fw, infos)
            cache[isa] = {i.name: (i, {a: j.name for a, j in infos.items()}) for i in infos.values()}
        return cache[isa]

    return get


def calls(info, names) -> list[tuple]:
    return sorted((c.depth, tuple(sorted(names[t] for t in c.targets)), c.kind, c.resolution) for c in info.calls)


# (isa, function, frame, returns, calls [(depth, targets, kind, resolution)], unknown: a phrase or None)
ROWS_EXPECTED = [
    ("v7m", "row_branch_internal", 24, True, [], None),
    ("v7m", "row_tail_call", 0, False, [(0, ("leaf2",), "tail", "direct")], None),
    ("v7m", "row_conditional_tail", 0, True, [(0, ("leaf2",), "tail", "direct")], None),
    ("v7m", "row_self_loop", 0, True, [], None),
    ("v7m", "row_cbz_tail", 0, True, [(0, ("row_cbz_target",), "tail", "direct")], None),
    ("v7m", "row_call", 12, True, [(12, ("leaf2",), "call", "direct")], None),
    ("v7m", "row_long_branch", 12, True, [], None),
    ("v7m", "row_local_subroutine", 40, True, [], None),
    ("v7m", "row_call_reg_const", 4, True, [(4, ("leaf2",), "call", "constant")], None),
    # a table in flash read with an index nothing bounds, by assembly: no C semantics keep the index
    # in the table, so every address-taken function (the table's entries are read only for C code)
    ("v7m", "row_call_rom_table", 4, True, [(4, ("leaf", "leaf2"), "call", "address-taken")], None),
    ("v7m", "row_call_rom_table_bounded", 4, True,
     [(4, ("leaf",), "call", "constant"), (4, ("leaf2",), "call", "constant")], None),
    # a table in RAM is never trusted: every address-taken function (leaf, leaf2 here)
    ("v7m", "row_call_ram_table", 4, True, [(4, ("leaf", "leaf2"), "call", "address-taken")], None),
    ("v7m", "row_bx_lr", 0, True, [], None),
    ("v7m", "row_indirect_tail", 0, False, [(0, ("leaf", "leaf2"), "tail", "address-taken")], None),
    ("v7m", "row_indirect_jump_with_frame", 4, False, [], "neither a return nor a tail call"),
    ("v7m", "row_tail_through_argument", 0, False, [(0, ("leaf", "leaf2"), "tail", "address-taken")], None),
    ("v7m", "row_tbb", 132, True, [(12, ("leaf",), "call", "direct"), (36, ("leaf",), "call", "direct"),
                                   (132, ("leaf",), "call", "direct")], None),
    ("v7m", "row_tbh", 68, True, [(20, ("leaf",), "call", "direct"), (68, ("leaf2",), "call", "direct")], None),
    ("v7m", "row_tbb_inline_unbounded", 4, True, [(4, ("leaf",), "call", "direct")], None),
    ("v7m", "row_tbb_table_after_nops", 4, True, [(4, ("leaf",), "call", "direct")], None),
    ("v7m", "row_tbb_unbounded", 4, False, [], "cannot bound"),
    ("v7m", "row_pop_pc_it", 24, True, [(24, ("leaf",), "call", "direct")], None),
    ("v7m", "row_pop_pc_thunk", 8, False, [(0, ("leaf2",), "tail", "constant")], None),
    ("v7m", "row_ldr_pc_veneer", 0, False, [(0, ("leaf2",), "tail", "constant")], None),
    ("v7m", "row_ldr_pc_pop", 12, True, [], None),
    ("v7m", "row_ldr_pc_table", 48, True, [], None),
    ("v7m", "row_ldm_pc", 0, False, [(0, ("leaf", "leaf2"), "tail", "address-taken")], None),
    ("v7m", "row_mov_pc_lr", 0, True, [], None),
    ("v7m", "row_vpush", 24, True, [], None),
    ("v7m", "row_sp_writeback", 8, True, [], None),
    ("v7m", "row_sp_add_register", 608, True, [], None),
    ("v7m", "row_sp_add_unknown", 8, False, [], "cannot follow"),
    ("v7m", "row_fp_restore", 76, True, [(76, ("leaf",), "call", "direct")], None),
    ("v7m", "row_static_stack", 8, True, [(24, ("leaf2",), "call", "direct")], None),
    ("v7m", "row_sp_load", 0, False, [], "cannot follow"),
    ("v7m", "row_msr_msp", 0, False, [], "writes a stack pointer"),
    ("v7m", "row_msr_control", 0, False, [], "CONTROL.SPSEL"),
    ("v7m", "row_udf", 0, True, [], None),
    ("v7m", "row_noreturn_call", 4, False, [(4, ("spin",), "call", "direct")], None),
    ("v7m", "row_runs_off", 4, False, [(4, ("leaf",), "call", "direct")], "runs past the end"),
    ("v7m", "row_return_with_frame", 4, False, [], "returns with sp 4 bytes below"),
    ("v7m", "row_unknown_pc", 0, False, [], "no rule for"),
    ("v6m", "row_add_pc_table", 72, True, [(24, ("leaf",), "call", "direct"), (72, ("leaf2",), "call", "direct")],
     None),
    ("v6m", "row_add_pc_unbounded", 8, False, [], "cannot bound"),
    ("v6m", "row_mov_pc_table", 32, True, [], None),
    ("v6m", "row_thumb1_big_frame", 608, True, [(608, ("leaf",), "call", "direct")], None),
    ("v6m", "row_v6m_thunk", 8, False, [(0, ("leaf2",), "tail", "constant")], None),
    ("v6m", "row_bl_far", 8, True, [(8, ("leaf2",), "call", "direct")], None),
]


@pytest.mark.parametrize("isa, name, frame, returns, expected_calls, unknown", ROWS_EXPECTED,
                         ids=[f"{r[0]}-{r[1]}" for r in ROWS_EXPECTED])
def test_row(walked, isa, name, frame, returns, expected_calls, unknown):
    info, names = walked(isa)[name]
    assert info.frame == frame
    assert info.returns == returns
    assert calls(info, names) == sorted(expected_calls)
    if unknown is None:
        assert not info.unknowns, info.unknowns
    else:
        assert any(unknown in u.reason for u in info.unknowns), info.unknowns


def test_static_stack_frame_is_counted_on_that_stack(walked):
    info, _ = walked("v7m")["row_static_stack"]
    size, _top, depth = info.static_frames["big_stack"]
    assert (size, depth) == (2048, 24)                  # sub sp, #24 on the 2 KiB stack, not on its own
    assert info.calls[0].stack == "big_stack"
