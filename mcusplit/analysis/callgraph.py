"""The call graph: functions, resolved call targets, strongly connected components.

An indirect call (or indirect tail call) gets its targets, in this order:

1. the register held a known constant or a few (a table in read-only memory read with a bounded
   index): done by the stack walk, reported as `constant`;
2. the firmware's own registry (mcusplit_gate_call calls the functions MCUSPLIT_GATED records);
3. the project's annotations, `[analyze.indirect]`, by call site or by calling function (`config`);
4. the pointer was loaded from a table in read-only memory whose every word is a function's
   address: all of that table's functions (`table:<object>`); a table in RAM is never used this
   way, because the program may store anything into it;
5. types (`type`): when the build recorded the caller's indirect calls (`.mcusplit.signatures`:
   their IR signatures, after the ABI's lowering, which compatible C types share), the
   address-taken functions with one of those signatures, or with no parameters and the same
   return type (a function defined without a prototype), plus the address-taken functions the
   section does not describe (code built elsewhere: their type is unknown, so they may match);
6. code the section does not describe (assembly, libraries, images built elsewhere): every
   address-taken function (`address-taken`).

A function is address-taken when its address (with the Thumb bit) appears as a word of the image's
data or literal pools (outside the vector table: the hardware calls those, not the code) or is a
pc-relative address some code computes (`adr`); with relocations (mcusplit links keep them) it is
any function a relocation other than a branch refers to. Calling a function through a pointer of
an incompatible type (undefined behaviour in C) defeats the type match: a documented limit.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace

from ..demangle import demangle
from ..sigsection import parse as parse_signatures
from .elf import Firmware
from .functions import CallSite, FunctionInfo


@dataclass
class Inference:
    caller: str
    call_site: int
    table: str
    targets: list[str]


class CallGraph:
    def __init__(self, fw: Firmware, infos: dict[int, FunctionInfo],
                 indirect_config: dict[str, list[str]] | None = None,
                 registry_targets: dict[str, list[int]] | None = None,
                 vector_table: tuple[int, int] | None = None) -> None:
        """registry_targets: indirect calls the firmware's own registries resolve, by calling
        function (mcusplit_gate_call calls the functions registered with MCUSPLIT_GATED).
        vector_table: [start, end) of the vector table, left out of the address-taken scan."""
        self.fw = fw
        self.info = infos
        self.by_name = {i.name: a for a, i in infos.items()}
        self.inferences: list[Inference] = []
        self.config_errors: list[str] = []
        self.type_notes: list[str] = []
        self._tables: dict[int, list[int] | None] = {}
        self._registry = registry_targets or {}
        self.signatures, callers = self._read_signatures()
        for info in infos.values():
            # typed: its indirect calls are C's (recorded); a function with assembly has no entry
            if info.name in self.signatures and info.name in callers:
                info.typed = True
                info.callee_signatures = frozenset(callers[info.name])
        self.address_taken = self._address_taken(vector_table)
        self._resolve_indirect(indirect_config or {})
        self._tarjan()

    # ---- what the image says about types and addresses ----
    def _read_signatures(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self.fw.signatures_section is None:
            return {}, {}
        defined, indirect = parse_signatures(self.fw.signatures_section)
        return ({demangle(k): v for k, v in defined.items()}, {demangle(k): v for k, v in indirect.items()})

    def _address_taken(self, vector_table: tuple[int, int] | None) -> set[int]:
        references = self.fw.reference_targets
        if references is not None:
            # Relocations say exactly which functions something points at. A pc-relative `adr` to
            # code in the same section needs none: the addresses the walk saw computed from pc count.
            taken = {f for f in references if f in self.info}
            taken.update(v & ~1 for info in self.info.values() for v in info.pc_relative if (v & ~1) in self.info)
            return taken
        # An image linked without --emit-relocs: words of data and literal pools, and constants
        # code materializes, that equal a function's address with the Thumb bit (a number that
        # happens to look like one counts too: more targets, never fewer).
        candidates: set[int] = set()
        lo, hi = vector_table or (0, 0)
        for start, data in self.fw.memory:
            first = (-start) % 4
            for i, (word,) in enumerate(struct.iter_unpack("<I", data[first:len(data) - (len(data) - first) % 4])):
                address = start + first + 4 * i
                if word & 1 and not lo <= address < hi:
                    candidates.add(word & ~1)
        for info in self.info.values():
            candidates.update(v & ~1 for v in info.constants if v & 1)
        return {f for f in candidates if f in self.info}

    def _function_table(self, address: int) -> tuple[str, list[int]] | None:
        """The functions in a read-only table of function pointers containing `address`."""
        obj = self.fw.object_at(address)
        if obj is None or obj.size < 4 or obj.size % 4 or self.fw.read_only(obj.address, obj.size) is None:
            return None
        if obj.address not in self._tables:
            targets = []
            for offset in range(0, obj.size, 4):
                word = self.fw.word(obj.address + offset)
                if word is None or not word & 1 or (word & ~1) not in self.info:
                    targets = None
                    break
                targets.append(word & ~1)
            self._tables[obj.address] = targets
        targets = self._tables[obj.address]
        return (obj.name, targets) if targets else None

    def _by_type(self, caller: FunctionInfo) -> tuple[int, ...] | None:
        if not caller.typed or not caller.callee_signatures:
            return None
        wanted = caller.callee_signatures
        returns = {sig.split(" (", 1)[0] for sig in wanted}
        out = []
        for f in sorted(self.address_taken):
            sigs = self.signatures.get(self.info[f].name)
            if sigs is None:
                out.append(f)                   # no type known (assembly, a library): it may match
                continue
            # `(void)`: a prototyped function without parameters, reached only by `()` calls; a
            # plain `()` may be an unprototyped definition, which a call with arguments that
            # returns its type may reach too.
            exact = {sig[:-7] + " ()" if sig.endswith(" (void)") else sig for sig in sigs}
            unprototyped = {sig[:-3] for sig in sigs if sig.endswith(" ()")}
            if exact & wanted or unprototyped & returns:
                out.append(f)
        return tuple(out)

    # ---- indirect calls ----
    def _resolve_indirect(self, config: dict[str, list[str]]) -> None:
        def names_to_addresses(key: str, names: list[str]) -> tuple[int, ...]:
            out = []
            for name in names:
                if name in self.by_name:
                    out.append(self.by_name[name])
                else:
                    self.config_errors.append(f"[analyze.indirect] {key}: no function named '{name}'")
            return tuple(out)

        for info in self.info.values():
            if not any(c.resolution == "indirect" for c in info.calls):
                continue
            calls = []
            for call in info.calls:
                if call.resolution != "indirect":
                    calls.append(call)
                    continue
                calls.append(self._resolve_site(info, call, config, names_to_addresses))
            info.calls = calls
        for key in config:
            if not key.startswith("0x") and key not in self.by_name:
                self.config_errors.append(f"[analyze.indirect] names '{key}', which is not a function")

    def _resolve_site(self, info: FunctionInfo, call: CallSite, config, names_to_addresses) -> CallSite:
        site_key = f"{call.address:#x}"
        if info.name in self._registry:
            return replace(call, targets=tuple(self._registry[info.name]), resolution="registry")
        if site_key in config:
            return replace(call, targets=names_to_addresses(site_key, config[site_key]), resolution="config")
        if info.name in config:
            return replace(call, targets=names_to_addresses(info.name, config[info.name]), resolution="config")
        if call.table is not None and info.typed and (obj := self.fw.object_at(call.table)) is not None \
                and obj.address == call.table:
            # The pointer came from the table's start plus an index the walk cannot bound: only C
            # semantics keep that index inside the table, so only code the build compiled (from C,
            # Rust or IR: typed) gets the table's entries; anything else may read past it.
            table = self._function_table(call.table)
            if table is not None:
                name, entries = table
                targets = tuple(sorted(set(entries)))
                self.inferences.append(Inference(info.name, call.address, name, [self.info[t].name for t in targets]))
                return replace(call, targets=targets, resolution=f"table:{name}")
        typed = self._by_type(info)
        if typed:
            return replace(call, targets=typed, resolution="type")
        if typed is None and self.address_taken:
            return replace(call, targets=tuple(sorted(self.address_taken)), resolution="address-taken")
        return replace(call, resolution="unresolved")          # no possible target: nothing to trust

    def unresolved(self) -> list[tuple[FunctionInfo, CallSite]]:
        return [(info, call) for info in self.info.values() for call in info.calls if call.unresolved]

    def indirect_sites(self) -> list[tuple[FunctionInfo, CallSite]]:
        return [(info, call) for info in self.info.values() for call in info.calls if call.indirect]

    # ---- strongly connected components (iterative Tarjan: callees come out first) ----
    def callees(self, f: int) -> list[int]:
        return [t for call in self.info[f].calls for t in call.targets if t in self.info]

    def reachable(self, sources) -> set[int]:
        """Every function the sources reach through known calls, the sources included."""
        seen = {f for f in sources if f in self.info}
        work = list(seen)
        while work:
            for t in self.callees(work.pop()):
                if t not in seen:
                    seen.add(t)
                    work.append(t)
        return seen

    def _tarjan(self) -> None:
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        self.sccs: list[list[int]] = []
        counter = 0
        for root in self.info:
            if root in index:
                continue
            work = [(root, iter(self.callees(root)))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, children = work[-1]
                advanced = False
                for child in children:
                    if child not in index:
                        index[child] = low[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(self.callees(child))))
                        advanced = True
                        break
                    if child in on_stack:
                        low[node] = min(low[node], index[child])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    self.sccs.append(component)
        self.scc_of = {f: i for i, component in enumerate(self.sccs) for f in component}

    def is_cycle(self, scc: int) -> bool:
        component = self.sccs[scc]
        return len(component) > 1 or component[0] in self.callees(component[0])

    def members(self, scc: int) -> set[int]:
        return set(self.sccs[scc])
