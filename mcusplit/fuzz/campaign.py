"""A campaign: seeds S .. S+N-1 on one or more boards, packs spread over worker processes.

Resumable by seed range: every program depends only on (generator, seed), so `--seed 1000
--count 200` covers seeds 1000..1199 whatever ran before; a long campaign is several such ranges.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import boards as boards_mod
from .. import children
from .runner import Options, PackResult, run_pack

GENERATORS = ("own", "csmith")
PACK_SIZE = {"own": 8, "csmith": 4}


@dataclass
class Campaign:
    boards: list[str]
    generator: str = "own"
    seed: int = 1
    count: int = 10
    jobs: int = 0                          # 0: the machine's cores
    pack_size: int = 0                     # 0: the generator's default
    options: Options = field(default_factory=Options)
    work: Path | None = None               # default: a temporary directory
    failures_dir: Path | None = None       # where failing programs are saved (source + what failed)

    @property
    def seeds(self) -> list[int]:
        return list(range(self.seed, self.seed + self.count))

    def packs(self) -> list[list[int]]:
        size = self.pack_size or PACK_SIZE[self.generator]
        seeds = self.seeds
        return [seeds[i:i + size] for i in range(0, len(seeds), size)]


@dataclass
class Summary:
    campaign: Campaign
    results: list[PackResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self):
        return [f for r in self.results for f in r.failures]

    @property
    def by_kind(self) -> Counter:
        return Counter(f.kind for f in self.failures)

    @property
    def failing_programs(self) -> set[tuple[str, int, str]]:
        return {(f.generator, f.seed, f.board) for f in self.failures}

    @property
    def checked(self) -> int:
        """(program, board) pairs run: the unit of work."""
        skipped = {(s, r.board) for r in self.results for s, _ in r.skipped}
        return sum(len(r.seeds) for r in self.results) - len(skipped)

    @property
    def per_minute(self) -> float:
        return self.checked / (self.seconds / 60) if self.seconds else 0.0

    def to_json(self) -> dict:
        c = self.campaign
        timing: Counter = Counter()
        for r in self.results:
            timing.update(r.seconds)
        return {
            "generator": c.generator, "boards": c.boards, "seed": c.seed, "count": c.count,
            "seeds": f"{c.seed}..{c.seed + c.count - 1}", "jobs": c.jobs, "pack_size": c.pack_size,
            "options": asdict(c.options),
            "programs": c.count, "checked": self.checked, "runs": sum(r.runs for r in self.results),
            "seconds": round(self.seconds, 1), "programs_per_minute": round(self.per_minute, 1),
            "failures_by_kind": dict(self.by_kind), "failing_programs": len(self.failing_programs),
            "failures": [f.as_dict() for f in self.failures],
            "skipped": [{"seed": s, "board": r.board, "why": why} for r in self.results for s, why in r.skipped],
            "notes": [n for r in self.results for n in r.notes],
            "interrupts": sum(r.interrupts for r in self.results),
            "cpu_seconds": {k: round(v, 1) for k, v in sorted(timing.items())},
            "hwm": {f"{r.board}:{name}": list(v) for r in self.results for name, v in sorted(r.hwm.items())},
        }

    def write_json(self, path: Path) -> None:
        from ..files import write_atomic

        write_atomic(path, json.dumps(self.to_json(), indent=1) + "\n")


def _programs(generator: str, seeds: list[int]):
    if generator == "own":
        from .generator import generate

        return [generate(s) for s in seeds]
    from . import csmith

    return [csmith.generate(s) for s in seeds]


def run_one(board_name: str, generator: str, seeds: list[int], options: Options, work: Path,
            failures_dir: Path | None) -> PackResult:
    """One pack on one board (runs in a worker process)."""
    board = boards_mod.load(board_name)
    programs = _programs(generator, seeds)
    try:
        result = run_pack(programs, board, work / f"{board_name}-{generator}-{seeds[0]}", options)
    except Exception as exc:  # a bug of the fuzzer itself must not end the campaign
        from .verdict import TOOL, Failure

        result = PackResult(board_name, generator, seeds)
        result.failures = [Failure(p.name, p.seed, generator, board_name, "fuzzer", TOOL,
                                   f"mcusplit fuzz itself: {type(exc).__name__}: {exc}") for p in programs]
    if failures_dir is not None and result.failures:
        save_failures(result, programs, failures_dir)
    return result


def save_failures(result: PackResult, programs, directory: Path) -> None:
    by_seed = {p.seed: p for p in programs}
    for seed in sorted({f.seed for f in result.failures}):
        program = by_seed[seed]
        target = directory / f"{program.generator}-{seed}"
        target.mkdir(parents=True, exist_ok=True)
        (target / program.filename).write_text(program.source)
        failures = [f.as_dict() for f in result.failures if f.seed == seed]
        existing = target / "failures.json"
        old = json.loads(existing.read_text()) if existing.is_file() else []
        existing.write_text(json.dumps(old + failures, indent=1) + "\n")


def validate(campaign: Campaign) -> None:
    """One-line errors for what cannot run, before anything starts."""
    from ..errors import McusplitError

    if not campaign.boards:
        raise McusplitError("no board given")
    for name in campaign.boards:
        if not boards_mod.load(name).emulated:
            raise McusplitError(f"board '{name}' has no QEMU machine: the fuzzer runs on emulated boards")
    if campaign.generator not in GENERATORS:
        raise McusplitError(f"unknown generator '{campaign.generator}' (known: {', '.join(GENERATORS)})")
    if campaign.generator == "csmith":
        from . import csmith

        csmith.require()
    from . import host

    host.gcc()


def run(campaign: Campaign, on_pack: Callable[[PackResult], None] | None = None) -> Summary:
    """Run every pack on every board. on_pack is called as packs finish (progress)."""
    validate(campaign)
    jobs = campaign.jobs or os.cpu_count() or 2
    summary = Summary(campaign)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mcusplit-fuzz-") as tmp:
        work = campaign.work or Path(tmp)
        tasks = [(b, seeds) for seeds in campaign.packs() for b in campaign.boards]
        # Workers end their own children on SIGINT/SIGTERM (children.py), and are sent SIGTERM when
        # the campaign stops early, so no build or QEMU of theirs outlives it.
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=children.install_worker_signal_handlers)
        try:
            pending = {pool.submit(run_one, b, campaign.generator, seeds, campaign.options, work,
                                   campaign.failures_dir) for b, seeds in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    summary.results.append(result)
                    if on_pack:
                        on_pack(result)
        except BaseException:
            # Stopped early (a signal, a failing pack): SIGTERM makes each worker end its children
            # and exit; waiting for the pool to drain would run every queued pack first.
            workers = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                with contextlib.suppress(OSError, ValueError):
                    process.terminate()
            for process in workers:
                with contextlib.suppress(OSError, ValueError):
                    process.join(timeout=children.GRACE_SECONDS + 3)
                    if process.is_alive():
                        process.kill()
            raise
        else:
            pool.shutdown(wait=True)
    summary.seconds = time.monotonic() - started
    summary.results.sort(key=lambda r: (r.seeds[0], r.board))
    return summary
