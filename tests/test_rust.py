"""Rust in, split-stack firmware out: examples/rust (a no_std crate, fat LTO with `core`) built
through rustc and mcusplit's code generator, run in QEMU on every emulated board, and analyzed.

Needs rustc with LLVM 22 and its library sources (apt-get install rustc-web rust-web-src; .ci/run
installs them). Without them these tests fail in CI and are skipped with that reason elsewhere.
"""

from __future__ import annotations

import functools
import shutil

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.stackwalk import StackWalker as FunctionWalker
from mcusplit.analysis.symbols import Symbolizer
from mcusplit.cores import CORES
from mcusplit.emu import qemu
from mcusplit.errors import ToolError
from mcusplit.frontend import rust

from .conftest import EMULATED_BOARDS, EXAMPLES, require, run_cli

RUST = EXAMPLES / "rust"


def _rust_missing() -> str | None:
    try:
        rust.rustc()
    except ToolError as exc:
        return str(exc)
    return None


RUST_MISSING = _rust_missing()


def needs_rust(test):
    """Runs the test when rustc (LLVM 22) is there; without it: a failure in CI (a Debian rustc
    moving to another LLVM must not turn these into skip lines), a skip with the reason elsewhere."""
    @functools.wraps(test)
    def checked(*args, **kwargs):
        require(None if RUST_MISSING is None else f"Rust toolchain: {RUST_MISSING}")
        return test(*args, **kwargs)
    return checked


@pytest.mark.slow
@needs_rust
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_rust_example_runs_split_and_plain_alike_and_reaches_the_bound(firmware, board):
    split, plain = firmware(RUST, board, True), firmware(RUST, board, False)
    runs = {}
    for name, built in (("split", split), ("plain", plain)):
        result = qemu.run(boards.load(board), built.elf, timeout=60)
        assert result.exit_code == 0, "\n".join(result.lines)
        runs[name] = result
    results = [[line for line in r.lines if line.startswith("rust:")] for r in runs.values()]
    assert results[0] == results[1] and len(results[0]) == 3
    stats = runs["split"].report.stats
    assert stats["in_use"] == 0 and stats["overflows"] == 0 and stats["hwm"] >= 5
    analysis = analyze(split.elf, analysis_config.load(RUST / "mcusplit.toml"))
    assert not analysis.check_failures(), analysis.check_failures()
    assert stats["hwm"] == analysis.pool_needed         # the recursion is the worst path, run exactly
    walker = FunctionWalker(Firmware(split.elf))
    checks = {name: walker.analyze(walker.by_name[name]).check for name in ("rust::descend", "rust::checksum")}
    assert checks["rust::descend"] is not None and checks["rust::checksum"] is None   # opted out by section


@pytest.mark.slow
@needs_rust
def test_floats_and_stack_arguments_survive_splits_in_rust(firmware):
    """chain() calls scale() through a function pointer with floats in s0/s1 and arguments on the
    stack; scale's 480-byte frame splits: the hot-split lines show it, and the result is checked
    against the build without split stacks above."""
    built = firmware(RUST, "qemu-mps2-an386", True)
    result = qemu.run(boards.load("qemu-mps2-an386"), built.elf, timeout=60)
    hot = [r for r in result.report.records if r.kind == "hot-split"]
    names = Symbolizer(built.elf)
    sites = {names.name(r.int("site")).split("+")[0]: r.int("splits") for r in hot}
    assert sites.get("rust::chain", 0) >= 10, sites


@needs_rust
def test_rust_compile_error_is_one_line_with_its_place(tmp_path):
    crate = tmp_path / "broken"
    crate.mkdir()
    (crate / "main.rs").write_text("#![no_std]\n#![no_main]\nfn f() -> u32 { \"not a number\" }\n"
                                   "#[panic_handler]\nfn p(_: &core::panic::PanicInfo) -> ! { loop {} }\n")
    proc = run_cli("build", "-q", "--board", "qemu-mps2-an386", str(crate), "-o", str(tmp_path / "out"))
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "main.rs:3:" in lines[0] and "mismatched types" in lines[0]
    assert lines[0].count("main.rs") == 1
    assert "Traceback" not in proc.stderr


def test_a_project_has_one_rust_crate(tmp_path):
    (tmp_path / "a.rs").write_text("")
    (tmp_path / "b.rs").write_text("")
    (tmp_path / "mcusplit.toml").write_text('[project]\nsources = ["*.rs"]\n')
    with pytest.raises(Exception, match="one Rust crate per project"):
        project.load(tmp_path)


def test_crate_root_is_found_and_modules_are_not_sources(tmp_path):
    (tmp_path / "main.rs").write_text("")
    (tmp_path / "runtime.rs").write_text("")
    (tmp_path / "helper.c").write_text("")
    assert sorted(p.name for p in project.load(tmp_path).sources) == ["helper.c", "main.rs"]


def test_rust_targets_cover_every_core():
    assert {rust.target_for(core) for core in CORES.values()} == set(rust.RUST_TARGETS.values())


@needs_rust
def test_no_split_stack_build_of_rust_has_no_prologues(firmware):
    built = firmware(RUST, "qemu-microbit", False)
    walker = FunctionWalker(Firmware(built.elf))
    rust_functions = [s for s in walker.functions if s.name.startswith("rust::")]
    assert rust_functions and all(walker.analyze(s).check is None for s in rust_functions)


@pytest.mark.slow
@needs_rust
def test_rust_functions_opt_out_by_path_in_mcusplit_toml(tmp_path):
    crate = tmp_path / "rust"
    shutil.copytree(RUST, crate)
    config = crate / "mcusplit.toml"
    config.write_text(config.read_text() + '\n[split_stack]\nno_split_stack = ["rust::smooth"]\n')
    built = build.build(project.load(crate), boards.load("qemu-mps2-an386"), tmp_path / "out")
    walker = FunctionWalker(Firmware(built.elf))
    assert walker.analyze(walker.by_name["rust::smooth"]).check is None
    assert walker.analyze(walker.by_name["rust::scale"]).check is not None
    assert not any("matches no function" in note for note in built.notes)
