"""The allowance (optimize/allowance.py): checks raised after linking to cover the code without
checks below them; build errors for unchecked code that cannot be bounded or cannot fit.
tests/firmware/allowance runs in several modes (its MODE define, see its main.c)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.emu import qemu
from mcusplit.errors import BuildError

from .conftest import FIRMWARE, run_cli

ALLOWANCE = FIRMWARE / "allowance"
BOARDS = ["qemu-microbit", "qemu-lm3s6965evb", "qemu-mps2-an386", "qemu-mps2-an505"]   # M0, M3, M4F, M33


def variant(tmp_path: Path, mode: int, split_stack: str = "", segment_size: int = 2048) -> Path:
    root = tmp_path / f"allowance{mode}"
    root.mkdir(parents=True)
    shutil.copy(ALLOWANCE / "main.c", root / "main.c")
    text = (ALLOWANCE / "mcusplit.toml").read_text()
    text = text.replace('name = "allowance"', f'name = "allowance"\ndefines = {{ MODE = {mode} }}')
    text = text.replace("segment_size = 2048", f"segment_size = {segment_size}")
    text = text.replace("[split_stack]\n", f"[split_stack]\n{split_stack}\n")
    (root / "mcusplit.toml").write_text(text)
    return root


def built(root: Path, board: str, out: Path, split: bool = True) -> build.BuildResult:
    return build.build(project.load(root), boards.load(board), out, split_stack=split)


@pytest.mark.slow
@pytest.mark.parametrize("board", BOARDS)
def test_a_1k_unchecked_frame_runs_where_the_segment_has_less(tmp_path, board):
    root = variant(tmp_path, 0)
    split = built(root, board, tmp_path / "split")
    plain = built(root, board, tmp_path / "plain", split=False)
    runs = [qemu.run(boards.load(board), b.elf, timeout=60) for b in (split, plain)]
    for run in runs:
        assert run.exit_code == 0, "\n".join(run.lines)
    assert runs[0].application_lines == runs[1].application_lines
    stats = runs[0].report.stats
    assert stats["overflows"] == 0 and stats["in_use"] == 0     # every segment's bottom canary intact
    assert stats["splits"] > 0
    # The build raised visit's check for legacy_fill's 1 KiB (and the record says so).
    rows = {r["function"]: r for r in json.loads(split.info.read_text())["allowance"]}
    assert rows["visit"]["chain"][0] == "legacy_fill" and rows["visit"]["bytes"] >= 1024
    assert rows["visit"]["threshold_after"] >= rows["visit"]["threshold_before"] + 1024 - 320
    analysis = analyze(split.elf, analysis_config.load(root / "mcusplit.toml"))
    assert not analysis.check_failures(), analysis.check_failures()
    assert analysis.pool_needed >= stats["hwm"]
    listed = {(u["function"], u["chain"][0]) for u in analysis.unchecked}
    assert {("visit", "legacy_fill"), ("visit", "log_line")} <= listed
    assert all(u["threshold"] >= u["needs"] for u in analysis.unchecked if u["function"] == "visit")


@pytest.mark.slow
@pytest.mark.parametrize("board", BOARDS)
def test_without_the_allowance_the_same_firmware_overruns_its_segment(tmp_path, board):
    """allowance = false (debugging only): the checks stay as the compiler made them, and the run
    shows the damage: a canary below a segment overwritten, a guard fault, or wrong results."""
    root = variant(tmp_path, 0, "allowance = false")
    result = built(root, board, tmp_path / "off")
    assert any("allowance = false" in n for n in result.notes)
    run = qemu.run(boards.load(board), result.elf, timeout=60)
    plain = qemu.run(boards.load(board), built(root, board, tmp_path / "plain", split=False).elf, timeout=60)
    damaged = (run.exit_code != 0 or run.report.stats.get("overflows", 0) > 0
               or run.application_lines != plain.application_lines)
    assert damaged, "\n".join(run.lines)
    # and the analyzer, reading the image alone, says so
    analysis = analyze(result.elf, analysis_config.load(root / "mcusplit.toml"))
    assert any("overflow" in f for f in analysis.check_failures())


def test_unbounded_recursion_without_checks_is_a_build_error_naming_the_chain(tmp_path):
    root = variant(tmp_path, 1)
    with pytest.raises(BuildError) as error:
        built(root, "qemu-mps2-an386", tmp_path / "out")
    text = error.value.one_line()
    assert "main.c:" in text and "'main' calls 'walk_list' > 'walk_list' without a check" in text
    assert "recursion without a bound" in text and "allow_uncovered" in text
    assert not (tmp_path / "out" / "allowance.bin").exists()


def test_an_opted_out_frame_bigger_than_a_segment_is_a_build_error_with_the_numbers(tmp_path):
    root = variant(tmp_path, 2, segment_size=1024)
    with pytest.raises(BuildError) as error:
        built(root, "qemu-mps2-an386", tmp_path / "out")
    text = error.value.one_line()
    assert "'main' calls 'huge_frame' without a check, which goes 22" in text
    assert "more than a 1024-byte segment offers (1008 B" in text and "big_stack = { huge_frame = " in text


def test_an_sp_move_the_analysis_cannot_read_is_an_error_unless_allowed(tmp_path):
    root = variant(tmp_path, 3)
    with pytest.raises(BuildError) as error:
        built(root, "qemu-mps2-an386", tmp_path / "out")
    text = error.value.one_line()
    assert "'main' calls 'scratch'" in text or "'scratch' runs code" in text, text
    assert "sp" in text and "allow_uncovered" in text
    allowed = variant(tmp_path / "allowed", 3, 'allow_uncovered = ["scratch"]')
    result = built(allowed, "qemu-mps2-an386", tmp_path / "allowed-out")
    assert any("not covered (allow_uncovered)" in n for n in result.notes)
    # The analyzer still reports it: accepting it in the build proves nothing.
    proc = run_cli("analyze", str(result.elf), "--check")
    assert proc.returncode == 1 and "scratch" in proc.stderr


def test_the_c_library_example_is_covered_with_the_default_reserve(firmware):
    from .conftest import EXAMPLES

    result = firmware(EXAMPLES / "libc", "qemu-mps2-an386")
    assert result.layout.reserve == 320                         # the default on an FPU core
    rows = {r["function"]: r for r in result.allowance}
    assert rows["descend"]["chain"][0] in ("snprintf", "qsort", "printf")
    analysis = analyze(result.elf, analysis_config.load(EXAMPLES / "libc" / "mcusplit.toml"))
    assert not analysis.check_failures(), analysis.check_failures()
