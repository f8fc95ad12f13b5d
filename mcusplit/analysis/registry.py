"""The task and gate registries a firmware carries (firmware/include/mcusplit_tasks.h).

MCUSPLIT_TASK_ENTRY, MCUSPLIT_GATE and MCUSPLIT_GATED put small records into sections the
linker script gathers between __mcusplit_{tasks,gates,gated}_start/_end. The scheduler refuses
what they do not list, so the analysis may rely on them:

    task entry  {entry, name, max_instances}     12 bytes
    gate        {permits, name, state}           12 bytes
    gated       {gate, fn}                        8 bytes

and the runtime's hooks (struct mcusplit_hooks, firmware/core/mcusplit_internal.h), one record per
optional part that registers one (the scheduler), between __mcusplit_hooks_start/_end:

    hooks       {report, wait_for_segment, wait_for_big_stack}   12 bytes (0: none)

The core calls them only from the functions named in HOOK_CALLERS, so those calls resolve exactly.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .elf import ElfError, Firmware


@dataclass(frozen=True)
class TaskEntry:
    name: str
    address: int            # the entry function
    max_instances: int


@dataclass
class Gate:
    name: str
    address: int            # the gate object (what MCUSPLIT_GATED records point to)
    permits: int
    functions: list[int] = field(default_factory=list)   # called through it


# The functions of the core that call each hook field (firmware/core/report.c, policy.c).
HOOK_CALLERS = ("mcusplit_report", "mcusplit_pool_exhausted", "mcusplit_big_stack_busy")


@dataclass
class Registry:
    tasks: list[TaskEntry] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    hooks: dict[str, list[int]] = field(default_factory=dict)   # HOOK_CALLERS name -> functions it calls

    @property
    def gated_functions(self) -> set[int]:
        return {f for g in self.gates for f in g.functions}


def _records(fw: Firmware, name: str, size: int) -> list[bytes]:
    start, end = fw.absolute(f"__mcusplit_{name}_start"), fw.absolute(f"__mcusplit_{name}_end")
    if start is None or end is None or end <= start:
        return []
    if (end - start) % size:
        raise ElfError(f"the {name} registry is {end - start} bytes, not a multiple of {size}", str(fw.path))
    data = fw.read(start, end - start)
    if data is None:
        raise ElfError(f"the {name} registry at {start:#x} has no contents", str(fw.path))
    return [data[i:i + size] for i in range(0, len(data), size)]


def _string(fw: Firmware, address: int) -> str:
    return fw.c_string(address) or f"{address:#x}"


def read(fw: Firmware) -> Registry:
    registry = Registry()
    for record in _records(fw, "tasks", 12):
        entry, name, count = struct.unpack("<III", record)
        registry.tasks.append(TaskEntry(_string(fw, name), entry & ~1, count))
    start = fw.absolute("__mcusplit_gates_start") or 0
    gates_by_address = {}
    for i, record in enumerate(_records(fw, "gates", 12)):
        permits, name, _state = struct.unpack("<III", record)
        gate = Gate(_string(fw, name), start + 12 * i, permits)
        registry.gates.append(gate)
        gates_by_address[gate.address] = gate
    for record in _records(fw, "gated", 8):
        gate_address, fn = struct.unpack("<II", record)
        gate = gates_by_address.get(gate_address)
        if gate is None:
            raise ElfError(f"a gated function ({fn:#x}) names {gate_address:#x}, which is no gate", str(fw.path))
        gate.functions.append(fn & ~1)
    for record in _records(fw, "hooks", 12):
        for caller, fn in zip(HOOK_CALLERS, struct.unpack("<III", record), strict=True):
            if fn:
                registry.hooks.setdefault(caller, []).append(fn & ~1)
    return registry
