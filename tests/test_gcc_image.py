"""An image mcusplit did not build: Debian's arm-none-eabi-gcc, its own linker script, no split
stacks. The analyzer gives a contiguous-stack analysis of it (worst bytes per entry point,
interrupt nesting included), every static frame it reads from the machine code equals what
gcc -fstack-usage says in its .su files, and --check compares with the linker script's stack.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.analysis.stackwalk import StackWalker

from .conftest import FIRMWARE, require, run_cli

SOURCES = FIRMWARE / "gcc"
GCC = "arm-none-eabi-gcc"
CPUS = {"cortex-m0": ["-mcpu=cortex-m0"], "cortex-m3": ["-mcpu=cortex-m3"],
        "cortex-m4f": ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"]}


def _need_gcc() -> None:
    require(None if shutil.which(GCC) else f"{GCC} not installed (Debian: apt-get install gcc-arm-none-eabi)")


def build_with_gcc(out: Path, cpu: str, opt: str, relocs: bool = True, main: str = "main.c",
                   cpu_flags: list[str] | None = None) -> tuple[Path, dict[str, int]]:
    """The image and gcc's static frame of every function (from -fstack-usage). relocs: link with
    --emit-relocs, as docs/analyzer.md asks of foreign images (exact address-taken functions)."""
    _need_gcc()
    out.mkdir(parents=True, exist_ok=True)
    target = cpu_flags or CPUS[cpu]
    flags = [*target, "-mthumb", opt, "-g", "-fstack-usage", "-ffunction-sections"]
    objects = []
    for source in (main, "startup.c"):
        obj = out / Path(source).with_suffix(".o").name
        subprocess.run([GCC, *flags, "-c", str(SOURCES / source), "-o", str(obj)], check=True, cwd=out)
        objects.append(str(obj))
    elf = out / "app.elf"
    subprocess.run([GCC, *target, "-mthumb", "-nostartfiles", "-nostdlib", "-T", str(SOURCES / "link.ld"),
                    *objects, "-lgcc", *(["-Wl,--emit-relocs"] if relocs else []), "-o", str(elf)], check=True)
    frames = {}
    for su in out.glob("*.su"):
        for line in su.read_text().splitlines():
            location, size, kind = line.split("\t")
            if kind == "static":
                frames[location.rsplit(":", 1)[1]] = int(size)
    return elf, frames


@pytest.mark.parametrize("opt", ["-O0", "-Os", "-O2"])
@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_every_static_frame_equals_gccs_stack_usage(tmp_path, cpu, opt):
    elf, frames = build_with_gcc(tmp_path, cpu, opt)
    from mcusplit.analysis.elf import Firmware

    walker = StackWalker(Firmware(elf))
    read = {name: walker.analyze(walker.by_name[name]).frame for name in frames}
    assert read == frames
    assert len(frames) >= 9


def hand_count(cpu: str, frames: dict[str, int]) -> int:
    # Counted by hand from gcc's own frame sizes: the reset path through 11 frames of descend, an
    # interrupt at its deepest point (SysTick_Handler, then mid and leaf), and the fault handler
    # preempting that (any handler may preempt any other; none preempts itself).
    recursion = frames["Reset_Handler"] + frames["main"] + 11 * frames["descend"]
    systick = frames["SysTick_Handler"] + frames["mid"] + frames["leaf"]
    by_switch = (frames["Reset_Handler"] + frames["main"] + frames["sw"] + frames["deep"] + frames["mid"]
                 + frames["leaf"])
    frame = 104 + 4 if cpu == "cortex-m4f" else 32 + 4
    return max(recursion, by_switch) + frame + systick + frame


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_contiguous_analysis_of_a_gcc_image(tmp_path, cpu):
    elf, frames = build_with_gcc(tmp_path, cpu, "-O2")
    analysis = analyze(elf, analysis_config.load(SOURCES / "mcusplit.toml"))
    assert analysis.contiguous and analysis.stack_budget == 4096
    assert not analysis.check_failures(), analysis.check_failures()
    reset = analysis.entries[0]
    assert reset.name == "Reset_Handler"
    assert reset.value >= hand_count(cpu, frames)
    sites = [i for i in analysis.indirect if i["function"] == "dispatch"]
    assert sorted({t for i in sites for t in i["targets"]}) == ["deep", "leaf", "mid"]
    # On the M0 gcc divides through __aeabi_uidivmod, whose remainder (below the divisor, 3) bounds
    # the index: the table's three entries, read as constants. Elsewhere (udiv, mls) it does not.
    assert {i["resolution"] for i in sites} == {"constant" if cpu == "cortex-m0" else "address-taken"}


@pytest.mark.parametrize("cpu", sorted(CPUS))
def test_without_relocations_every_word_that_looks_like_a_function_counts(tmp_path, cpu):
    """No --emit-relocs: address-taken functions are guessed from words equal to a function's
    address, code included (on this image, at 0x40..0x300, some instruction words are): more targets,
    so a bigger bound or a failed check (a cycle through dispatch), never a smaller one."""
    elf, frames = build_with_gcc(tmp_path, cpu, "-O2", relocs=False)
    analysis = analyze(elf, analysis_config.load(SOURCES / "mcusplit.toml"))
    targets = {t for i in analysis.indirect if i["function"] == "dispatch" for t in i["targets"]}
    assert {"leaf", "mid", "deep"} <= targets
    failures = analysis.check_failures()
    assert failures or analysis.entries[0].value >= hand_count(cpu, frames)


def test_check_against_the_stack_size(tmp_path):
    elf, _ = build_with_gcc(tmp_path, "cortex-m3", "-O2")
    config = str(SOURCES / "mcusplit.toml")
    assert run_cli("analyze", str(elf), "--config", config, "--check").returncode == 0
    small = run_cli("analyze", str(elf), "--config", config, "--check", "--stack-size", "256")
    assert small.returncode == 1 and "the stack is too small" in small.stderr
    data = json.loads(run_cli("analyze", str(elf), "--config", config, "--format", "json").stdout)
    assert data["mode"] == "contiguous" and data["stack"]["bytes"] == 4096 and data["check"]["passed"]
    assert [step["function"] for step in data["entries"][0]["path"]][:2] == ["Reset_Handler", "main"]
    for fmt in ("markdown", "svg", "text"):
        proc = run_cli("analyze", str(elf), "--config", config, "--format", fmt)
        assert proc.returncode == 0 and "Reset_Handler" in proc.stdout, proc.stderr


def test_without_a_recursion_bound_the_check_fails(tmp_path):
    elf, _ = build_with_gcc(tmp_path, "cortex-m3", "-O2")
    proc = run_cli("analyze", str(elf), "--check")
    assert proc.returncode == 1 and "without a bound" in proc.stderr


def test_a_table_read_off_its_start_is_not_taken_for_the_table(tmp_path):
    """B[i - 1] in code without types: every address-taken function, deep (3000 B) included."""
    elf, _ = build_with_gcc(tmp_path, "cortex-m3", "-O2", main="table_offset.c")
    analysis = analyze(elf)
    sites = {i["function"]: i for i in analysis.indirect}
    for caller in ("run", "run3"):
        assert sites[caller]["resolution"] == "address-taken"
        assert {"deep", "deep3"} <= set(sites[caller]["targets"])
    assert analysis.entries[0].value >= 3000


def test_the_fpu_used_under_softfp_gets_the_floating_point_exception_frame(tmp_path):
    """-mfloat-abi=softfp: the ABI passes floats in core registers, but the code uses the FPU, so
    exceptions stack the 104-byte frame (the image says so in .ARM.attributes)."""
    fpu = ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=softfp"]
    elf, _ = build_with_gcc(tmp_path, "cortex-m4f", "-O2", main="fpu_softfp.c", cpu_flags=fpu)
    assert analyze(elf).exception_frame == 104 + 4
    plain, _ = build_with_gcc(tmp_path / "m3", "cortex-m3", "-O2", main="fpu_softfp.c")
    assert analyze(plain).exception_frame == 32 + 4
