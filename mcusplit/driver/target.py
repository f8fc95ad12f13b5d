"""What a `mcusplit cc` command compiles for: the board (or the core GCC's -mcpu names) and the
project's settings (pool, opt-outs, defines), from flags or the environment.

A compile needs only the core and the pool's layout (the check's text depends on both); a link
needs the board (memory, console, linker script). GCC spells the cores differently from the
board files, so the table below maps GCC's -mcpu/-mfloat-abi onto the cores mcusplit builds for,
and gives the GCC flags of each core back (--mcusplit-print-flags, used by cmake/mcusplit.cmake).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import boards
from .. import project as project_mod
from ..boards import Board
from ..cores import CORES, Core
from ..errors import BuildError
from .args import Invocation

# GCC -mcpu -> mcusplit core, and whether that core uses the hard-float ABI.
GCC_CPUS: dict[str, str] = {
    "cortex-m0": "cortex-m0", "cortex-m0plus": "cortex-m0plus", "cortex-m0+": "cortex-m0plus",
    "cortex-m1": "cortex-m0", "cortex-m3": "cortex-m3", "cortex-m4": "cortex-m4f", "cortex-m7": "cortex-m7",
    "cortex-m33": "cortex-m33",
}
GCC_ARCHES: dict[str, str] = {"armv6-m": "v6m", "armv6s-m": "v6m", "armv7-m": "v7m", "armv7e-m": "v7em",
                              "armv8-m.main": "v8m.main"}
# The GCC flags of each core: what arm-none-eabi-gcc needs to make objects that link with it.
GCC_FLAGS: dict[str, tuple[str, ...]] = {
    "cortex-m0": ("-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"),
    "cortex-m0plus": ("-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"),
    "cortex-m3": ("-mcpu=cortex-m3", "-mthumb", "-mfloat-abi=soft"),
    "cortex-m4f": ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"),
    "cortex-m7": ("-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"),
    "cortex-m33": ("-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"),
}


@dataclass(frozen=True)
class Target:
    core: Core
    board: Board | None
    project: project_mod.Project


def _core_from_flags(inv: Invocation) -> Core | None:
    """The core GCC's flags name, or None when they name none. A soft-float ABI on a core whose
    FPU mcusplit always uses (M4F, M7, M33) is refused: its objects would not link with the runtime."""
    if inv.mcpu is None and inv.march is None:
        return None
    key: str | None = None
    if inv.mcpu is not None:
        cpu = inv.mcpu.split("+", 1)[0]
        key = GCC_CPUS.get(cpu)
        if key is None:
            raise BuildError(f"unsupported flag '-mcpu={inv.mcpu}' (mcusplit builds for "
                             f"{', '.join(sorted(GCC_CPUS))})")
    if inv.march is not None:
        arch = GCC_ARCHES.get(inv.march.split("+", 1)[0])
        if arch is None:
            raise BuildError(f"unsupported flag '-march={inv.march}' (mcusplit builds for "
                             f"{', '.join(sorted(GCC_ARCHES))})")
        if key is None:
            candidates = [c for c in GCC_FLAGS if CORES[c].arch == arch]
            key = candidates[0]
        elif CORES[key].arch != arch:
            raise BuildError(f"'-march={inv.march}' does not match '-mcpu={inv.mcpu}'")
    assert key is not None
    core = CORES[key]
    _check_float_abi(inv, core)
    return core


def _check_float_abi(inv: Invocation, core: Core) -> None:
    if inv.float_abi is None:
        return
    if inv.float_abi not in ("soft", "softfp", "hard"):
        raise BuildError(f"unsupported flag '-mfloat-abi={inv.float_abi}'")
    if (inv.float_abi == "hard") != core.hard_float:
        want = "hard" if core.hard_float else "soft"
        raise BuildError(f"'-mfloat-abi={inv.float_abi}' does not match the {core.key} mcusplit builds for "
                         f"(its runtime and C library use -mfloat-abi={want})")


def resolve(inv: Invocation, name: str, need_board: bool) -> Target:
    """The board (flag, else MCUSPLIT_BOARD), else the core of -mcpu; they must agree when both
    are given. name: the firmware's (a link's output) for the project record."""
    from_flags = _core_from_flags(inv)
    board = None
    if inv.board is not None:
        board = boards.load(inv.board)                     # name, name@variant or a .toml file
        core = board.core
        if from_flags is not None and from_flags.key != core.key:
            raise BuildError(f"-mcpu={inv.mcpu} names {from_flags.key}, but board '{board.name}' is {core.key}")
        _check_float_abi(inv, core)
    elif need_board:
        raise BuildError("linking needs a board: --mcusplit-board=NAME or MCUSPLIT_BOARD=NAME "
                         "(mcusplit boards lists them)")
    elif from_flags is not None:
        core = from_flags
    else:
        raise BuildError("no target: give --mcusplit-board=NAME (or MCUSPLIT_BOARD=NAME), or -mcpu=cortex-m...")
    project = project_mod.settings(inv.config, name, Path.cwd())
    return Target(core, board, project)
