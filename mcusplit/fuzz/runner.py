"""One pack of programs on one board: the oracle, every build, every run, every check.

Runs (all under QEMU with -icount shift=0, so a run is reproducible from its settings):

    split/quiet    split stacks, no interrupts; per-program bound check
    split/timer    the same image with the board's timer interrupting every `period` ticks, its
                   handler calling the running program's split-stack code (NAME_irq)
    plain/quiet    --no-split-stack: the reference build
    full/quiet     check_elision = "full"; image bound check
    full/timer
    tasks/slices   (when selected) the programs as tasks, time-sliced by SysTick; image bound check

A run that stops in the middle (fault, pool exhausted, timeout) is blamed on the program that was
running, and the run goes on from the next program, so one bad program costs the others nothing.
A pack that does not build is split up: each program is then built alone.
"""

from __future__ import annotations

import random
import shutil
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..boards import Board
from ..emu import qemu
from ..errors import McusplitError
from . import bounds as bounds_mod
from . import driver, host, images, verdict
from .program import Program
from .verdict import Failure

FRAME_TOO_LARGE = "-byte segment offers"   # the build's error for a frame larger than a segment
NO_POOL = "leaves no room for a pool"       # images.build_variant: the data fills the board's RAM
RUN_TIMEOUT = 20.0              # a pack runs in well under a second; more is a hang
INTERVAL = (1500, 8000)         # instructions between timer interrupts (seeded per pack)
TICK = (400, 4000)               # SysTick cycles per time slice with tasks (seeded per pack)


@dataclass
class Options:
    timer: bool = True
    full: bool = True
    tasks: bool = True
    tasks_every: int = 2                 # the tasks image for one pack in this many (seeded by the pack)
    plain: bool = True
    timeout: float = RUN_TIMEOUT
    keep: bool = False                   # keep the pack's work directory (builds, patched ELFs)

    def tasks_for(self, first_seed: int) -> bool:
        return self.tasks and random.Random(f"mcusplit-fuzz-tasks:{first_seed}").randrange(self.tasks_every) == 0


@dataclass
class PackResult:
    board: str
    generator: str
    seeds: list[int]
    failures: list[Failure] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)    # (seed, why): not a failure
    runs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    hwm: dict[str, tuple[int, int | None]] = field(default_factory=dict)   # program -> (measured, bound)
    interrupts: int = 0                  # timer interrupts served in the timer runs

    def time(self, what: str, seconds: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + seconds

    def merge(self, other: PackResult) -> None:
        self.failures += other.failures
        self.skipped += other.skipped
        self.runs += other.runs
        self.notes += other.notes
        self.hwm.update(other.hwm)
        self.interrupts += other.interrupts
        for k, v in other.seconds.items():
            self.time(k, v)


def ticks_per_instruction(board: Board) -> float:
    """Timer ticks per instruction under -icount shift=0 (1 ns per instruction)."""
    assert board.timer is not None
    if board.timer.driver == "stm32-tim":
        return 1.0                       # QEMU's STM32 timer counts at 1 GHz (firmware/core/timer/stm32-tim.c)
    if board.timer.driver == "stellaris-gptm":
        return 12.5e6 / 1e9              # QEMU's LM3S6965 runs at 12.5 MHz
    return board.timer.clock_hz / 1e9


def run_settings(board: Board, seed: int) -> tuple[int, int, int]:
    """(timer period in ticks, its interval in instructions, SysTick tick): seeded by the pack."""
    rng = random.Random(f"mcusplit-fuzz-run:{seed}:{board.name}")
    interval = rng.randint(*INTERVAL)
    period = max(2, round(interval * ticks_per_instruction(board))) if board.timer else 0
    return period, interval, rng.randint(*TICK)


def pad_for(seed: int) -> int:
    """Where the programs of a pack start on the first stack (driver.RunConfig.pad): seeded."""
    return random.Random(f"mcusplit-fuzz-pad:{seed}").randrange(4)


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, McusplitError):
        text = exc.one_line()
        return (verdict.TOOL if "internal error" in text else verdict.BUILD), text
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return verdict.TOOL, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}{where}"


class PackRun:
    def __init__(self, programs: list[Program], board: Board, work: Path, options: Options) -> None:
        self.programs = programs
        self.board = board
        self.work = work
        self.options = options
        self.result = PackResult(board.name, programs[0].generator, [p.seed for p in programs])
        self.expected: dict[str, str] = {}

    def fail(self, program: Program, variant: str, kind: str, detail: str) -> None:
        self.result.failures.append(Failure(program.name, program.seed, program.generator, self.board.name,
                                            variant, kind, detail))

    def oracle(self) -> list[Program]:
        started = time.monotonic()
        runnable = []
        for p in self.programs:
            h = host.run(p, self.work / "host", timeout=max(1.0, 2 * p.host_limit))
            line = next((x for x in h.lines if x.startswith(f"fz {p.name} checksum=")), None)
            if p.generator != "own" and (h.timed_out or h.seconds > p.host_limit):
                self.result.skipped.append((p.seed, f"host run {h.seconds:.2f} s > {p.host_limit} s (too slow "
                                                    "for QEMU)"))
            elif h.ok and line:
                self.expected[p.name] = line
                runnable.append(p)
            else:
                why = h.error or ("timed out" if h.timed_out else f"exit {h.exit_code}, printed {h.lines[:2]}")
                if p.generator == "own":
                    self.fail(p, "host", verdict.HOST, why)
                else:
                    self.result.skipped.append((p.seed, f"host: {why}"))
        self.result.time("host", time.monotonic() - started)
        return runnable

    def build(self, root: Path, out: Path, split: bool, what: str, keep_as: Path | None = None):
        started = time.monotonic()
        try:
            return images.build_variant(root, self.board, out, split, keep_as)
        finally:
            self.result.time(f"build {what}", time.monotonic() - started)

    def run(self) -> PackResult:
        programs = self.oracle()
        if not programs:
            return self.result
        try:
            self._run(programs)
        except _SplitUp as exc:
            if len(programs) == 1:
                self._build_failed(programs[0], exc)
                return self.result
            self.result.notes.append(f"{self.board.name} {programs[0].seed}: the pack did not build "
                                     f"({exc.detail}); each program built alone")
            for p in programs:
                alone = PackRun([p], self.board, self.work / p.name, self.options)
                alone.expected = {p.name: self.expected[p.name]}
                alone._run_guarded([p])
                self.result.merge(alone.result)
        finally:
            if not self.options.keep:
                shutil.rmtree(self.work, ignore_errors=True)
        return self.result

    def _run_guarded(self, programs: list[Program]) -> None:
        try:
            self._run(programs)
        except _SplitUp as exc:
            self._build_failed(programs[0], exc)

    def _build_failed(self, program: Program, exc: _SplitUp) -> None:
        # The generator estimates frames; the compiler decides them. A frame that does not fit a
        # segment with the reserve is refused by the build, correctly and in one line: the program
        # is skipped (and counted), not a failure of the tool.
        if exc.kind == verdict.BUILD and FRAME_TOO_LARGE in exc.detail:
            self.result.skipped.append((program.seed, f"generator: {exc.detail.split(': ', 1)[-1][:160]}"))
        elif exc.kind == verdict.BUILD and ("will not fit in region" in exc.detail or NO_POOL in exc.detail):
            self.result.skipped.append((program.seed, f"too big for {self.board.name}: {exc.detail[-120:]}"))
        else:
            self.fail(program, exc.variant, exc.kind, exc.detail)

    def _run(self, programs: list[Program]) -> None:
        board, work, options = self.board, self.work, self.options
        period, interval, tick = run_settings(board, programs[0].seed)
        root = images.write_project(work / "proj", programs, board, tasks=False)
        try:
            split = self.build(root, work / "img", True, "split", keep_as=work / "split")
            plain = self.build(root, work / "plain", False, "plain") if options.plain else None
        except Exception as exc:  # every failure of the tool is a finding
            kind, detail = _classify(exc)
            raise _SplitUp("build", kind, detail) from None

        started = time.monotonic()
        try:
            b = bounds_mod.compute(split.elf, programs)
        except Exception as exc:
            kind, detail = _classify(exc)
            for p in programs:
                self.fail(p, "split/analyze", kind, detail)
            b = None
        self.result.time("analyze", time.monotonic() - started)
        per_program: dict[str, int | None] = {}
        for p in programs:
            bound = b.per_program.get(p.name) if b else None
            # With a bound per program, an incomplete pack-wide analysis is some program's (reported there).
            why = (b.incomplete.get(p.name) or (b.incomplete.get("*") if len(programs) == 1 else None)) if b else None
            if why:
                self.fail(p, "split", verdict.INCOMPLETE, why)
                bound = None
            elif b and p.name in b.worked_around:
                self.fail(p, "split", verdict.INCOMPLETE, b.worked_around[p.name] + " (annotated around)")
            per_program[p.name] = bound

        # Csmith's frames are small next to its 2 KiB segments: only the deepest start makes it split.
        pad = 3 if programs[0].generator == "csmith" else pad_for(programs[0].seed)
        quiet = driver.RunConfig(pad=pad)
        timer = driver.RunConfig(mode=driver.TIMER, period=period, pad=pad)
        self.run_image(split.elf, programs, f"split/quiet{f'/pad{pad}' if pad else ''}", quiet, per_program)
        if options.timer and board.timer:
            self.run_image(split.elf, programs, f"split/timer{interval}", timer, per_program)
        if plain is not None:
            self.run_image(plain.elf, programs, "plain/quiet", quiet, {})

        if options.full and b is not None and not b.incomplete.get("*"):
            full = self.make_full(split.elf, root, b, programs)
            if full is not None:
                elf, bound = full
                whole = dict.fromkeys(per_program, bound)
                self.run_image(elf, programs, "full/quiet", quiet, whole)
                if options.timer and board.timer:
                    self.run_image(elf, programs, f"full/timer{interval}", timer, whole)
        elif options.full:
            self.result.notes.append(f"{board.name} {programs[0].seed}: full elision skipped (analysis incomplete)")

        if options.tasks_for(programs[0].seed):
            self.run_tasks(programs, tick)

    def make_full(self, split_elf: Path, root: Path, b: bounds_mod.Bounds,
                  programs: list[Program]) -> tuple[Path, int | None] | None:
        started = time.monotonic()
        try:
            elf, report = images.make_full(split_elf, self.work / "full" / split_elf.name, b.config,
                                           images.cover_budget(root))
        except Exception as exc:
            kind, detail = _classify(exc)
            for p in programs:
                self.fail(p, "full/optimize", kind, detail)
            return None
        finally:
            self.result.time("full", time.monotonic() - started)
        bounds_mod.write_toml(b.config, self.work / "full" / "analyze.toml")
        # The optimizer analyzed its result from scratch (and refuses an image that fails the check).
        return elf, report.needed_after

    def run_tasks(self, programs: list[Program], tick: int) -> None:
        # The same directory as the other builds (only the driver changes): the programs' compile
        # commands are then identical and zig's cache serves them.
        root = images.write_project(self.work / "proj", programs, self.board, tasks=True)
        try:
            built = self.build(root, self.work / "img", True, "tasks", keep_as=self.work / "tasks")
            started = time.monotonic()
            b = bounds_mod.compute(built.elf, programs, per_program=False, tasks=True)
            self.result.time("analyze", time.monotonic() - started)
        except Exception as exc:
            kind, detail = _classify(exc)
            for p in programs:
                self.fail(p, "tasks", kind, detail)
            return
        bound = None if b.incomplete else b.pack
        if b.incomplete:        # the programs' own gaps were reported with the split image
            self.result.notes.append(f"{self.board.name} {programs[0].seed}: tasks image: {b.incomplete['*']}")
        self.run_image(built.elf, programs, f"tasks/tick{tick}", driver.RunConfig(tick=tick),
                       dict.fromkeys((p.name for p in programs), bound))

    def run_image(self, elf: Path, programs: list[Program], variant: str, config: driver.RunConfig,
                  bound_of: dict[str, int | None]) -> None:
        """Run every program of the image (again from the next one after a run that stopped)."""
        index = {p.name: i for i, p in enumerate(programs)}
        by_name = {p.name: p for p in programs}
        first = 0
        overflows = 0           # canaries broken so far in this image (the count never goes down)
        while first < len(programs):
            patched = driver.patch(elf, self.work / "runs" / f"{variant.replace('/', '-')}-{first}.elf",
                                   replace(config, first=first, count=len(programs) - first))
            started = time.monotonic()
            try:
                result = qemu.run(self.board, patched, timeout=self.options.timeout, icount_exact=True)
            except McusplitError as exc:
                self.fail(programs[first], variant, verdict.TOOL, exc.one_line())
                return
            finally:
                self.result.time("qemu", time.monotonic() - started)
            self.result.runs += 1
            runs, order = verdict.parse(result.lines)
            for name in sorted((n for n in runs if n in by_name), key=index.get):
                run = runs[name]
                if run.ended:
                    # Blame a broken canary on the program that broke it, not on every one after it.
                    seen = run.figures.get("overflows", 0)
                    run.figures["overflows"], overflows = max(0, seen - overflows), max(overflows, seen)
                    for kind, detail in verdict.program_problems(run, self.expected[name], bound_of.get(name)):
                        self.fail(by_name[name], variant, kind, detail)
                    if variant.startswith("split/quiet"):
                        self.result.hwm[name] = (run.figures.get("hwm", 0), bound_of.get(name))
                    self.result.interrupts += run.figures.get("irq", 0)
            problem = verdict.exit_failure(result)
            if problem is None:
                missing = [p for p in programs[first:] if p.name not in runs or not runs[p.name].ended]
                for p in missing:
                    self.fail(p, variant, verdict.EXIT, "exit 0 before the program ran")
                return
            began = [n for n in order if n in by_name]      # (a damaged line may name no program)
            running = [n for n in began if not runs[n].ended]
            if not running and problem[0] == verdict.STATE and overflows:
                return          # exit 102 at the end: the canary is already blamed on who broke it
            blamed = running or [began[-1] if began else programs[first].name]
            for name in blamed:
                self.fail(by_name[name], variant, *problem)
            first = max(index[n] for n in blamed) + 1


class _SplitUp(Exception):
    """The pack did not build: build its programs one by one to find whose fault it is."""

    def __init__(self, variant: str, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.variant, self.kind, self.detail = variant, kind, detail


def run_pack(programs: list[Program], board: Board, work: Path, options: Options | None = None) -> PackResult:
    return PackRun(programs, board, work, options or Options()).run()
