"""The compiler's call-graph section (`.llvm.callgraph`, clang -fexperimental-call-graph-section).

One record per function, written by LLVM's AsmPrinter from the final machine code (so inlining is
accounted for): whether the function may be an indirect call target and its type id (a hash of
its generalized C type: pointers stay pointers, `int` and `long` differ), and the type ids of the
targets of its own indirect calls (one set per function, not per call site). Format version 0
(llvm/docs/CallGraphSection.md):

    u8 version (0) | u8 flags (1: may be an indirect target, 2: has direct callees, 4: has indirect
    callees) | u32 entry pc | u64 type id | [uleb n, u32 x n direct callees] | [uleb n, u64 x n type ids]

The section is an ELF input like any other: images built elsewhere simply have none.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import McusplitError


@dataclass(frozen=True)
class Record:
    address: int                        # function entry (Thumb bit cleared)
    indirect_target: bool
    type_id: int                        # 0: unknown
    direct_callees: tuple[int, ...]
    callee_types: frozenset[int]        # type ids of the targets of its indirect calls


class CallGraphError(McusplitError):
    pass


def _uleb(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise CallGraphError("truncated .llvm.callgraph record")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def parse(data: bytes) -> dict[int, Record]:
    """Records by function address. Raises CallGraphError on a record it cannot read (another
    format version, truncation): the caller then treats every function as untyped."""
    records: dict[int, Record] = {}
    at = 0
    while at < len(data):
        if at + 14 > len(data):
            raise CallGraphError("truncated .llvm.callgraph record")
        version, flags = data[at], data[at + 1]
        if version != 0:
            raise CallGraphError(f".llvm.callgraph format version {version} (this reader knows 0)")
        pc, type_id = struct.unpack_from("<IQ", data, at + 2)
        at += 14
        direct: list[int] = []
        types: set[int] = set()
        if flags & 2:
            count, at = _uleb(data, at)
            if at + 4 * count > len(data):
                raise CallGraphError("truncated .llvm.callgraph record")
            direct = [v & ~1 for v in struct.unpack_from(f"<{count}I", data, at)]
            at += 4 * count
        if flags & 4:
            count, at = _uleb(data, at)
            if at + 8 * count > len(data):
                raise CallGraphError("truncated .llvm.callgraph record")
            types = set(struct.unpack_from(f"<{count}Q", data, at))
            at += 8 * count
        if pc:
            records[pc & ~1] = Record(pc & ~1, bool(flags & 1), type_id, tuple(direct), frozenset(types))
    return records
