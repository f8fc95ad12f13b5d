"""Tasks end to end: the scheduler, gates, waiting for segments, deadlocks, the analyzer's proof.

tests/firmware/tasks runs in several modes (its MODE define); examples/tasks32 is the 32-task demo.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.analysis.symbols import Symbolizer
from mcusplit.emu import qemu

from .conftest import EMULATED_BOARDS, EXAMPLES, FIRMWARE

pytestmark = pytest.mark.slow

TASKS = FIRMWARE / "tasks"


def variant(tmp_path: Path, name: str, defines: dict[str, int], segments: int = 10,
            recursion: str = 'descend = 51', extra: str = "", reserve: int | None = None) -> Path:
    """tests/firmware/tasks with other defines and pool size, as its own project."""
    root = tmp_path / name
    root.mkdir()
    shutil.copy(TASKS / "main.c", root / "main.c")
    define_text = ", ".join(f"{k} = {v}" for k, v in defines.items())
    (root / "mcusplit.toml").write_text(f"""[project]
name = "{name}"
defines = {{ {define_text} }}

[pool]
segment_size = 1024
segments = {segments}
{f"reserve = {reserve}" if reserve else ""}

[tasks]
max_tasks = 6

[analyze.recursion]
{recursion}
{extra}""")
    return root


def build_and_run(project_dir: Path, board: str, out: Path, icount: bool = False) -> tuple[build.BuildResult,
                                                                                           qemu.RunResult]:
    built = build.build(project.load(project_dir), boards.load(board), out)
    result = qemu.run(boards.load(board), built.elf, timeout=60, icount_exact=icount)
    assert not result.timed_out, "\n".join(result.lines)
    return built, result


def records(result: qemu.RunResult, kind: str):
    return [r for r in result.report.records if r.kind == kind]


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_tasks_compute_what_main_computes_and_stay_within_the_proof(firmware, board):
    built = firmware(TASKS, board)
    result = qemu.run(boards.load(board), built.elf, timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert [line.split()[-1] for line in result.application_lines] == ["ok"] * 4
    stats = result.report.stats
    assert stats["in_use"] == 0 and stats["overflows"] == 0
    tasks = records(result, "task")
    assert len(tasks) == 4 and all(t.fields["state"] == "done" for t in tasks)
    analysis = analyze(built.elf, analysis_config.load(TASKS / "mcusplit.toml"))
    assert not analysis.check_failures(), analysis.check_failures()
    worker = next(e for e in analysis.entries if e.name == "worker")
    # Exact per-task high-water marks: never above the analyzer's worst for that task, and the
    # deepest task reaches it (descend(49) needs a second segment).
    assert max(t.int("hwm") for t in tasks) == worker.value == 2
    proof = records(result, "proof")[0]
    assert proof.int("pool") == analysis.pool_needed >= stats["hwm"]
    assert proof.int("tasks") == analysis.task_segments == 4 * worker.value


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_time_slices_ending_inside_morestack_restart_it(tmp_path, board):
    """Every call of outer() splits; SysTick every 100 cycles under -icount switches tasks inside
    __morestack's take, give, counter and mark updates. Results, split counts (exactly one per
    call: 4 x 3000 in tasks and as many again in main) and the pool all come out right."""
    root = variant(tmp_path, "churn", {"MODE": 3, "TICK": 100}, recursion="")
    _, result = build_and_run(root, board, tmp_path / "out", icount=True)
    assert result.exit_code == 0, "\n".join(result.lines)
    sched = records(result, "sched")[0]
    assert sched.int("restarts") > 0, sched
    assert result.report.stats["splits"] == 24000
    assert result.report.stats["in_use"] == 0


# QEMU's STM32 timer counts at 1 GHz, not the 16 MHz the board file (and silicon) says.
TIMER_RATE = {"qemu-netduinoplus2": 320, "nucleo-f4": 320}


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_tasks_and_a_splitting_interrupt_handler_share_the_pool(tmp_path, board):
    """Tasks split on PSP and are switched inside __morestack while the board's timer handler
    recurses deep enough to split on MSP: every task result, every handler result and every split
    accounted for."""
    # Thread -> SysTick (lowest) -> timer -> a fault: three exception frames, two more than the
    # default reserve holds (docs/runtime.md: 140 B per further level with an FPU, 68 B without).
    root = variant(tmp_path, "irqtasks", {"MODE": 4, "TICK": 100, "TIMER_RATE": TIMER_RATE.get(board, 20000)},
                   segments=13, recursion="irq_descend = 13", extra="""
[analyze.interrupts]
priorities = { Timer_IRQHandler = 0x40 }
""", reserve=504)
    built, result = build_and_run(root, board, tmp_path / "out", icount=True)
    assert result.exit_code == 0, "\n".join(result.lines)
    timer = next(line for line in result.lines if line.startswith("timer:"))
    interrupts, wrong = (int(w) for w in timer.replace(",", "").split()[1::2])
    assert interrupts > 50 and wrong == 0, timer
    assert records(result, "sched")[0].int("restarts") > 0
    names = Symbolizer(built.elf)
    hot = {names.name(r.int("site")).split("+")[0]: r.int("splits") for r in records(result, "hot-split")}
    assert hot["outer"] == 24000 and hot["irq_descend"] > 0, hot
    assert result.report.stats["in_use"] == 0 and result.report.stats["overflows"] == 0
    analysis = analyze(built.elf, analysis_config.load(root / "mcusplit.toml"))
    assert not analysis.check_failures(), analysis.check_failures()
    timer_entry = next(e for e in analysis.entries if e.name == "Timer_IRQHandler")
    assert timer_entry.value >= 1            # its recursion splits even from a fresh segment
    assert result.report.stats["hwm"] <= analysis.pool_needed <= 13


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"])
def test_tasks_wait_for_segments_when_the_pool_is_empty(tmp_path, board):
    """Four tasks that each need a second segment, two segments to share: they take turns."""
    root = variant(tmp_path, "wait", {"MODE": 3, "TICK": 100}, segments=6, recursion="")
    built, result = build_and_run(root, board, tmp_path / "out", icount=True)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert records(result, "sched")[0].int("pool_waits") > 0
    assert result.report.stats["hwm"] == 6
    assert any("too small" in note for note in built.notes)      # the build says the proof needs more


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_every_task_waiting_is_a_deadlock_with_each_tasks_depth(tmp_path, board):
    root = variant(tmp_path, "deadlock", {"MODE": 2}, segments=8, recursion="hoard = 61")
    built, result = build_and_run(root, board, tmp_path / "out")
    assert result.exit_code == 104, "\n".join(result.lines)
    assert records(result, "deadlock")[0].int("waiting") == 4
    tasks = records(result, "task")
    assert [t.fields["state"] for t in tasks] == ["wait-pool"] * 4
    # Every segment is held by a task that waits for one more: which task holds how many depends
    # on where the time slices fell as they came back out of hoard(4), the total does not.
    assert sum(t.int("depth") for t in tasks) == 8 and all(t.int("depth") >= 1 for t in tasks)
    names = Symbolizer(built.elf)
    assert {names.name(t.int("fn")) for t in tasks} == {"hoard"}


def test_unregistered_entries_and_gated_functions_are_refused(tmp_path):
    root = variant(tmp_path, "misuse", {"MODE": 1}, recursion="")
    built, result = build_and_run(root, "qemu-mps2-an386", tmp_path / "out")
    assert "create(unregistered) = -1" in result.lines
    assert result.exit_code == 105
    misuse = records(result, "task-misuse")[0]
    assert misuse.fields["what"] == "unregistered-gated-function"
    assert Symbolizer(built.elf).name(misuse.int("fn")) == "not_gated"


@pytest.mark.parametrize("board", ["nucleo-f4", "qemu-netduinoplus2"])
def test_32_tasks_share_a_pool_four_times_smaller_than_contiguous_stacks(firmware, board):
    built = firmware(EXAMPLES / "tasks32", board)
    assert built.ram_bytes <= 192 * 1024
    result = qemu.run(boards.load(board), built.elf, timeout=60, icount_exact=True)   # repeatable slices
    assert result.exit_code == 0, "\n".join(result.lines)
    assert "results ok" in result.lines[0]
    analysis = analyze(built.elf, analysis_config.load(EXAMPLES / "tasks32" / "mcusplit.toml"))
    assert not analysis.check_failures()
    worker = next(e for e in analysis.entries if e.name == "worker")
    gate = analysis.gates[0]
    assert gate["name"] == "deep" and gate["permits"] == 2
    # 32 shallow chains (one segment each) plus the two largest deep extras.
    assert analysis.task_segments == 32 * worker.shallow + gate["segments_added"]
    assert gate["segments_added"] == 2 * (worker.value - worker.shallow)
    proof = records(result, "proof")[0]
    stats = result.report.stats
    assert stats["hwm"] <= proof.int("pool") == analysis.pool_needed
    assert proof.int("contiguous_bytes") >= 4 * proof.int("task_bytes")
    gate_line = records(result, "gate")[0]
    assert gate_line.int("peak") <= 2 and gate_line.int("waits") > 0
    # Per-task marks are exact: the deepest task reached the analyzer's worst for a task.
    assert max(t.int("hwm") for t in records(result, "task")) == worker.value


def test_a_handler_never_preempts_itself_in_the_any_model(tmp_path, monkeypatch):
    """Priorities unknown: chains of distinct handlers, each at most once (the NVIC holds a second
    request of an active exception pending). The layered model for many handlers may repeat one,
    so it can only ask for more."""
    root = variant(tmp_path, "anymodel", {"MODE": 4}, segments=13, recursion="irq_descend = 13",
                   reserve=504)
    built = build.build(project.load(root), boards.load("qemu-mps2-an386"), tmp_path / "out")
    config = analysis_config.load(root / "mcusplit.toml")
    assert config.nesting == "any"
    exact = analyze(built.elf, config)
    for entry in exact.entries:
        handlers = [step.function for step in entry.path if step.via == "interrupt"]
        assert len(handlers) == len(set(handlers)), (entry.name, handlers)
    timer = next(e for e in exact.entries if e.name == "Timer_IRQHandler")
    assert timer.value == 4                   # 13 frames of 104 B, four to a segment (504 B reserve)
    monkeypatch.setattr("mcusplit.analysis.analyze.EXACT_CHAIN_HANDLERS", 0)
    layered = analyze(built.elf, config)
    repeats = [[s.function for s in e.path if s.via == "interrupt"] for e in layered.entries]
    assert any(len(h) > len(set(h)) for h in repeats)
    assert layered.pool_needed >= exact.pool_needed
    assert next(e for e in layered.entries if e.name == "Timer_IRQHandler").value > timer.value
