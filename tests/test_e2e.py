"""End to end: build firmware with the real toolchain and run it in QEMU, on every emulated board."""

from __future__ import annotations

import re
import subprocess
import sys

import capstone
import pytest
from elftools.elf.elffile import ELFFile

from mcusplit import boards
from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.symbols import Symbolizer
from mcusplit.emu import qemu

from .conftest import EMULATED_BOARDS, EXAMPLES, FIRMWARE, ROOT, run_cli

pytestmark = pytest.mark.slow

RECURSION_DEPTH = 48            # examples/recursion/main.c: DEPTH


def run(board: str, elf, **kwargs) -> qemu.RunResult:
    result = qemu.run(boards.load(board), elf, timeout=60, **kwargs)
    assert not result.timed_out, f"{board}: no exit within 60 s; console:\n" + "\n".join(result.lines)
    return result


def symbols(elf) -> dict[str, tuple[int, int]]:
    with open(elf, "rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: (s["st_value"] & ~1, s["st_size"]) for s in table.iter_symbols()
                if s["st_info"]["type"] == "STT_FUNC"}


def disassemble(elf, name: str, count: int = 8) -> list[str]:
    with open(elf, "rb") as f:
        e = ELFFile(f)
        text = e.get_section_by_name(".text")
        address, _ = symbols(elf)[name]
        data = text.data()[address - text["sh_addr"]:address - text["sh_addr"] + 4 * count]
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    return [f"{i.mnemonic} {i.op_str}".strip() for i in md.disasm(data, address)][:count]


def has_split_check(instructions: list[str]) -> bool:
    first = instructions[0]
    return first in ("mov ip, sp", "mov r3, sp", "mov ip, r3")


@pytest.mark.parametrize("example", ["recursion", "mixed"])
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_examples_print_the_same_with_and_without_split_stacks(firmware, board, example):
    split = run(board, firmware(EXAMPLES / example, board, True).elf)
    plain = run(board, firmware(EXAMPLES / example, board, False).elf)
    assert split.exit_code == 0, "\n".join(split.lines)
    assert plain.exit_code == 0, "\n".join(plain.lines)
    assert split.application_lines and split.application_lines == plain.application_lines
    stats = split.report.stats
    assert stats["splits"] > 0 and stats["hwm"] >= 1, "the example must run beyond its first stack"
    assert stats["in_use"] == 0, "every segment must be back in the pool at exit"
    assert plain.report.stats["splits"] == 0


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_recursion_high_water_mark_is_exactly_the_segment_model(firmware, board):
    """Replay the runtime's rules with the frame sizes the build reports: the segments in use at the
    deepest point, and the pool's high-water mark, must be exactly what the model says."""
    built = firmware(EXAMPLES / "recursion", board, True)
    result = run(board, built.elf)
    assert result.exit_code == 0
    text = "\n".join(result.lines)
    entry_room = int(re.search(r"entered with (\d+) bytes of room", text).group(1))
    at_depth = int(re.search(rf"at depth {RECURSION_DEPTH}: (\d+) segments in use", text).group(1))
    descend = next(c for c in built.checks if c.name == "descend")
    room, segments = entry_room, 0
    for _ in range(RECURSION_DEPTH):
        if room < descend.threshold:
            segments += 1
            room = built.layout.fresh_room(descend.arg_bytes)
        room -= descend.frame
    assert segments >= 3, "the example should need several segments"
    assert at_depth == segments
    assert result.report.stats["hwm"] == segments
    assert result.report.stats["splits"] == segments


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_abi_torture_matches_plain_build_and_uses_every_morestack_path(firmware, board):
    split_fw = firmware(FIRMWARE / "abi", board, True)
    syms = symbols(split_fw.elf)
    args_entries = [syms[n] for n in ("__morestack_args", "__morestack_args_r3") if n in syms]
    lo = min(a for a, _ in args_entries)
    hi = max(a + s for a, s in args_entries)
    split = run(board, split_fw.elf, count_ranges=[(lo, hi)])
    plain = run(board, firmware(FIRMWARE / "abi", board, False).elf)
    assert split.exit_code == 0 and plain.exit_code == 0
    assert len(split.application_lines) == 11
    assert split.application_lines == plain.application_lines
    assert split.report.stats["splits"] > 100
    assert split.report.stats["in_use"] == 0
    assert split.range_counts[0][2] > 0, "no call with stack arguments split: __morestack_args never ran"


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_pool_exhaustion_names_the_function_and_exits_100(firmware, board):
    built = firmware(FIRMWARE / "exhaust", board, True)
    result = run(board, built.elf)
    assert result.exit_code == 100
    record = result.report.last("pool-exhausted")
    assert record is not None, "\n".join(result.lines)
    names = Symbolizer(built.elf)
    assert names.name(record.int("fn")) == "bottomless"
    assert names.name(record.int("site")).startswith("bottomless+")
    assert result.report.stats["in_use"] == result.report.stats["segments"] == 4


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"])
def test_no_split_stack_three_ways(firmware, board):
    built = firmware(FIRMWARE / "optout", board, True)
    assert has_split_check(disassemble(built.elf, "checked"))
    for name in ("by_attribute", "by_section", "by_config"):
        assert not has_split_check(disassemble(built.elf, name)), name
    reasons = {p.name: p.reason for p in built.plans}
    assert reasons["by_attribute"] == "no_split_stack attribute"
    assert "no_split_stack" in reasons["by_section"]
    assert reasons["by_config"] == "no_split_stack in mcusplit.toml"
    assert run(board, built.elf).exit_code == 0


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_no_cp15_access_survives(firmware, board):
    """LLVM's Linux prologue reads the limit with `mrc p15`, which faults on M-profile."""
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    for project in (EXAMPLES / "recursion", EXAMPLES / "mixed", FIRMWARE / "abi"):
        elf = firmware(project, board, True).elf
        mnemonics = {i[2] for address, code in Firmware(elf).code_spans()
                     for i in md.disasm_lite(code, address)}
        assert "bl" in mnemonics and "push" in mnemonics      # decoding works at all
        assert not {"mrc", "mrc2", "mcr"} & mnemonics, elf


BAD_INPUTS = [
    ("malformed.ll", "malformed.ll:5:3: expected value token"),
    ("llvm_abort.ll", "llvm_abort.ll: LLVM cannot compile this module: Cannot select"),
    ("vla.c", "vla.c:7: function 'vla' has a variable-sized stack allocation"),
    ("variadic_big.c", "variadic_big.c:19: 'main' calls 'log_values' without a check, which goes 4456 B"),
    ("huge_frame.c", "huge_frame.c:5: function 'huge' needs 4016 bytes of stack"),
    ("no_such_file.c", "no_such_file.c: no such file or directory"),
]


@pytest.mark.parametrize("name, expected", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_and_nonzero(tmp_path, name, expected):
    proc = run_cli("build", "-q", "--board", "qemu-mps2-an386", f"tests/firmware/bad/{name}",
                   "-o", str(tmp_path))
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("mcusplit: error: ")
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout and "LLVM ERROR" not in proc.stderr
    assert not (tmp_path / f"{name.split('.')[0]}.elf").exists()


def test_unknown_board_is_one_line():
    proc = run_cli("build", "--board", "qemu-nonesuch", "examples/recursion")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown board 'qemu-nonesuch'" in proc.stderr


def test_variadic_ir_that_would_abort_llvm_is_opted_out_with_one_note(tmp_path):
    """A variadic function marked split-stack makes LLVM abort; mcusplit builds it without a check."""
    proc = run_cli("build", "-q", "--board", "qemu-mps2-an386", "tests/firmware/bad/variadic_ir.ll",
                   "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(notes) == 1 and "'first' is variadic" in notes[0]
    assert (tmp_path / "variadic_ir.elf").is_file()


def test_run_rejects_a_truncated_elf_in_one_line(firmware, tmp_path):
    elf = firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True).elf
    broken = tmp_path / "broken.elf"
    broken.write_bytes(elf.read_bytes()[:300])
    proc = run_cli("run", "--board", "qemu-mps2-an386", str(broken), "--timeout", "10")
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mcusplit: error:"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_build_and_run_report_watermarks(tmp_path):
    """The README's main job, through the command line."""
    built = run_cli("build", "--board", "qemu-mps2-an386", "examples/recursion", "-o", str(tmp_path))
    assert built.returncode == 0, built.stderr
    for suffix in (".elf", ".bin", ".hex", ".map"):
        assert (tmp_path / f"recursion{suffix}").is_file()
    ran = run_cli("run", "--board", "qemu-mps2-an386", str(tmp_path / "recursion.elf"), "--count-instructions")
    assert ran.returncode == 0, ran.stderr
    assert "@mcusplit v1 stats" in ran.stdout and "watermarks:" in ran.stderr
    assert re.search(r"instructions executed: [\d,]+", ran.stderr)


def test_bitcode_without_split_stack_attributes_gets_checks_everywhere(firmware, tmp_path):
    """Bitcode from another frontend (rustc, or clang without -fsplit-stack) carries no "split-stack"
    attribute: every function gets a check, and the program behaves as the C build does."""
    from mcusplit import build as build_mod
    from mcusplit import project as project_mod
    from mcusplit.frontend import c

    board = boards.load("qemu-mps2-an386")
    bitcode = c.to_bitcode(EXAMPLES / "recursion" / "main.c", tmp_path / "recursion.bc", board.core,
                           [EXAMPLES.parent / "firmware" / "include"], {}, [], split_stack=False)
    result = build_mod.build(project_mod.load(bitcode), board, tmp_path / "out")
    split = {p.name for p in result.plans if p.split}
    assert {"descend", "main"} <= split
    ran = run("qemu-mps2-an386", result.elf)
    reference = run("qemu-mps2-an386", firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True).elf)
    assert ran.exit_code == 0 and ran.application_lines == reference.application_lines
    assert ran.report.stats["hwm"] == reference.report.stats["hwm"]


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_hot_split_site_is_counted_reported_and_named(firmware, board, tmp_path):
    """A call in a loop that splits every iteration: one hot-split line, the exact count, and the
    call site inside the loop's function, named by `mcusplit symbolize` from the serial log."""
    built = firmware(ROOT / "benchmarks" / "workloads" / "hotsplit", board)
    result = run(board, built.elf)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert "hotsplit: result=" in result.lines[0] and "ok=1" in result.lines[0]
    hot = [r for r in result.report.records if r.kind == "hot-split"]
    assert len(hot) == 1, result.lines
    assert hot[0].int("splits") == 100 == result.report.stats["splits"]
    site = hot[0].int("site")
    assert hot[0].int("bucket") == (site >> 1) % 64
    assert Symbolizer(built.elf).name(site).startswith("hot_loop+")
    log = tmp_path / "console.log"
    log.write_text("\n".join(result.lines) + "\n")
    named = run_cli("symbolize", str(built.elf), f"{site:#x}")
    assert named.returncode == 0 and "hot_loop+" in named.stdout
    with log.open() as stdin:
        annotated = subprocess.run([sys.executable, "-m", "mcusplit.cli", "symbolize", str(built.elf)], stdin=stdin,
                                   capture_output=True, text=True)
    assert "(site: hot_loop+" in annotated.stdout
    bad = run_cli("symbolize", str(built.elf), "nonsense")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not an address" in bad.stderr
