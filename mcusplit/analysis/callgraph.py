"""The call graph: functions, resolved call targets, strongly connected components.

Indirect calls are resolved, in this order: the register holds a constant (`ldr r3, =fn`;
done by the walker); the project's annotations (`[analyze.indirect]`, by calling function or by
call-site address); a function-pointer table the caller refers to, when every word of that data
object is a function's address (reported as inferred). The rest stay unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
                 registry_targets: dict[str, list[int]] | None = None) -> None:
        """registry_targets: indirect calls the firmware's own registries resolve, by calling
        function (mcusplit_gate_call calls the functions registered with MCUSPLIT_GATED)."""
        self.fw = fw
        self.info = infos
        self.by_name = {i.name: a for a, i in infos.items()}
        self.inferences: list[Inference] = []
        self.config_errors: list[str] = []
        self._tables: dict[int, list[int] | None] = {}
        self._registry = registry_targets or {}
        self._resolve_indirect(indirect_config or {})
        self._tarjan()

    # ---- indirect calls ----
    def _function_table(self, address: int) -> tuple[str, list[int]] | None:
        obj = self.fw.object_at(address)
        if obj is None or obj.size < 4 or obj.size % 4:
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
            if not any(c.resolution == "unresolved" for c in info.calls):
                continue
            tables = [t for t in (self._function_table(c) for c in sorted(info.constants)) if t]
            calls = []
            for call in info.calls:
                if call.resolution != "unresolved":
                    calls.append(call)
                    continue
                site_key = f"{call.address:#x}"
                if info.name in self._registry:
                    calls.append(replace(call, targets=tuple(self._registry[info.name]), resolution="registry"))
                elif site_key in config:
                    calls.append(replace(call, targets=names_to_addresses(site_key, config[site_key]),
                                         resolution="config"))
                elif info.name in config:
                    calls.append(replace(call, targets=names_to_addresses(info.name, config[info.name]),
                                         resolution="config"))
                elif tables:
                    targets = sorted({t for _, entries in tables for t in entries})
                    label = "+".join(name for name, _ in tables)
                    calls.append(replace(call, targets=tuple(targets), resolution=f"table:{label}"))
                    self.inferences.append(Inference(info.name, call.address, label,
                                                     [self.info[t].name for t in targets]))
                else:
                    calls.append(call)
            info.calls = calls
        for key in config:
            if not key.startswith("0x") and key not in self.by_name:
                self.config_errors.append(f"[analyze.indirect] names '{key}', which is not a function")

    def unresolved(self) -> list[tuple[FunctionInfo, CallSite]]:
        return [(info, call) for info in self.info.values() for call in info.calls
                if call.resolution == "unresolved"]

    # ---- strongly connected components (iterative Tarjan: callees come out first) ----
    def callees(self, f: int) -> list[int]:
        return [t for call in self.info[f].calls for t in call.targets if t in self.info]

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
