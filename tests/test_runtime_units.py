"""The runtime's units call each other one way (docs/runtime.md, "Units"), read from the objects
the build compiled: which unit defines each symbol another one references.

- no cycle between units, and none through weak references either (they count as references);
- exit.c is a leaf (the console and the board's constants only);
- pool.c references no other unit; only pool.c and __morestack name the free list;
- the core reaches the scheduler only through the hooks table, and the analyzer resolves the calls
  through it exactly (the scheduler's functions with tasks, nothing without).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from mcusplit import project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze, prepare

from .conftest import EXAMPLES, FIRMWARE

pytestmark = pytest.mark.slow

BOARDS = ["qemu-microbit", "qemu-mps2-an386", "qemu-mps2-an505"]
# Units by object name (obj/rt_<unit>.o); drivers and the generated board file are leaves below all.
CORE = ("startup", "pool", "report", "policy", "exit", "console", "setjmp")
FREE_LIST = "__mcusplit_free"


def unit_of(obj: Path) -> str:
    name = obj.stem.removeprefix("rt_")
    if name.startswith("morestack_"):
        return "morestack"
    if name.startswith("switch_"):
        return "sched"              # the scheduler's own PendSV half (they call each other by design)
    return name


def symbols(obj: Path) -> tuple[set[str], set[str]]:
    """(defined globals, undefined references) of one object."""
    defined, undefined = set(), set()
    with obj.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        for sym in table.iter_symbols():
            if not sym.name or sym["st_info"]["bind"] == "STB_LOCAL":
                continue
            (undefined if sym["st_shndx"] == "SHN_UNDEF" else defined).add(sym.name)
    return defined, undefined


def unit_graph(obj_dir: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    objects = [o for o in obj_dir.glob("rt_*.o") if not o.name.endswith(".bc.o")]
    defines: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for obj in objects:
        unit = unit_of(obj)
        defined, undefined = symbols(obj)
        for name in defined:
            defines.setdefault(name, unit)
        refs.setdefault(unit, set()).update(undefined)
    graph = {unit: {defines[s] for s in names if s in defines and defines[s] != unit} for unit, names in refs.items()}
    # The generated board file's references are the vector table's pointers to every handler
    # (Reset_Handler, PendSV_Handler, ...): the hardware calls through them, no unit does.
    graph["board"] = set()
    return graph, refs


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(u: str) -> list[str] | None:
        state[u] = 1
        path.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                return [*path[path.index(v):], v]
            if v not in state and (found := visit(v)):
                return found
        state[u] = 2
        path.pop()
        return None

    for u in sorted(graph):
        if u not in state and (found := visit(u)):
            return found
    return None


def test_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("board", BOARDS)
def test_runtime_units_call_one_way(firmware, board):
    built = firmware(FIRMWARE / "tasks", board)
    graph, refs = unit_graph(built.elf.parent / "obj")
    assert {"sched", "morestack", *CORE} <= set(graph), sorted(graph)
    assert cycle(graph) is None, f"runtime units call each other in a cycle: {cycle(graph)}"
    assert graph["exit"] <= {"console", "board"}, f"exit.c must be a leaf: {graph['exit']}"
    assert not graph["pool"], f"pool.c calls {graph['pool']}"
    naming_free_list = {u for u, names in refs.items() if FREE_LIST in names}
    assert naming_free_list <= {"morestack"}, f"only the pool and __morestack touch the free list: {naming_free_list}"
    assert "sched" not in graph["report"] | graph["policy"] | graph["pool"], "the core names the scheduler"
    assert {"pool", "report"} <= graph["sched"]
    assert graph["morestack"] <= {"pool", "policy"}, f"__morestack names {graph['morestack']}"


@pytest.mark.parametrize("board", ["qemu-microbit", "qemu-mps2-an386"])
def test_hook_calls_resolve_from_the_table(firmware, board):
    with_tasks = prepare(firmware(FIRMWARE / "tasks", board).elf)
    assert {"mcusplit_report", "mcusplit_pool_exhausted"} <= set(with_tasks.graph.by_name)
    without = prepare(firmware(EXAMPLES / "recursion", board).elf)
    expect = {"mcusplit_report": {"mcusplit_tasks_report"},
              "mcusplit_pool_exhausted": {"mcusplit_sched_wait_for_segment"},
              "mcusplit_big_stack_busy": {"wait_for_big_stack"}}
    for p, tasks in ((with_tasks, True), (without, False)):
        for caller, names in expect.items():
            if caller not in p.graph.by_name:
                continue                # garbage-collected: nothing calls it in this image
            info = p.infos[p.graph.by_name[caller]]
            hooks = [c for c in info.calls if c.indirect]
            assert hooks and all(c.resolution == "registry" for c in hooks), (caller, hooks)
            got = {p.infos[t].name for c in hooks for t in c.targets}
            assert got == (names if tasks else set()), (caller, got)
            # Not address-taken: the hooks never widen what other indirect calls may reach.
            assert not any(p.graph.by_name[n] in p.graph.address_taken for n in names if n in p.graph.by_name)
    for path in (FIRMWARE / "tasks", EXAMPLES / "recursion"):
        config = analysis_config.load(project.load(path).config_path)
        assert not analyze(firmware(path, board).elf, config).check_failures(), path.name
