"""The pool a build makes: the contract's Layout (mcusplit/contract.py) from the project's [pool]
and the core, with the hardware guard resolved."""

from __future__ import annotations

from ..contract import DEFAULT_RESERVE, DEFAULT_RESERVE_FPU, MPU_GUARD_BYTES, Layout
from ..cores import Core
from ..project import PoolConfig


def resolve_guard(guard: str, core: Core) -> str:
    """The hardware guard a build gets: "none", "stack-limit" (ARMv8-M) or "mpu" (ARMv7-M)."""
    if guard == "auto":
        return "stack-limit" if core.has_stack_limit_regs else "none"
    if guard == "stack-limit" and not core.has_stack_limit_regs:
        raise ValueError(f"pool.guard = \"stack-limit\" needs ARMv8-M stack limit registers; {core.key} "
                         "has none (use \"mpu\" on ARMv7-M)")
    if guard == "mpu" and core.arch not in ("v7m", "v7em"):
        raise ValueError(f"pool.guard = \"mpu\" is for ARMv7-M MPUs (PMSAv7); {core.key} is {core.arch}")
    return guard


def for_build(pool: PoolConfig, core: Core, leaf_allowance: int = 0) -> Layout:
    reserve = pool.reserve
    if reserve is None:
        reserve = DEFAULT_RESERVE_FPU if core.fpu else DEFAULT_RESERVE
    guard = resolve_guard(pool.guard, core)
    return Layout(pool.segment_size, pool.segments, reserve, core.exception_frame_bytes, leaf_allowance, guard,
                  MPU_GUARD_BYTES if guard == "mpu" else 0)
