"""Reduction of a failing program, and its regression test.

A candidate is interesting when it is still a valid, UB-free program (the host gcc builds it and
runs it clean under UBSan) and it still fails the same way: the same kind in the same build
(split, plain, full, tasks) on the same board, with only the builds and runs that failure needs.

Reduction is delta debugging (ddmin) over chunks of the source text, in passes until nothing more
goes or the time budget ends:
  1. statements inside function bodies (a line, or a line and its block: loops, switches, {...})
  2. whole top-level definitions (functions, their prototypes, tables) the statements no longer use
  3. arguments: each call's argument expressions replaced by a constant of the same type
For Csmith programs, `cvise` (Debian) may continue from there (`use_cvise`): it knows C and is far
more thorough, and far slower.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import children
from ..boards import Board
from . import host, verdict
from .program import Program
from .runner import Options, run_pack

BUDGET = 1200.0                    # seconds of reduction, by default


@dataclass
class Target:
    """The failure to keep: its kind, the build it happened in (split, plain, full, tasks) and where.
    message: for a build error, the core of its message (error_core): any build error is of the
    kind "build error", and a reduction that breaks the program (an undeclared name) must not pass
    for the failure sought (found reducing own seed 316: the candidate kept was a compile error)."""
    board: Board
    kind: str
    variant: str
    message: str | None = None

    @classmethod
    def of(cls, board: Board, kind: str, variant: str, detail: str) -> Target:
        """The target of a failure as seen (a build error keeps its message's core)."""
        return cls(board, kind, variant, error_core(detail) if kind == verdict.BUILD else None)

    @property
    def build(self) -> str:
        return self.variant.split("/")[0]

    def same_build(self, failures: list[verdict.Failure]) -> list[verdict.Failure]:
        """Failures of this kind in this build, whatever their message."""
        return [f for f in failures if f.kind == self.kind and f.variant.split("/")[0] == self.build]

    def matching(self, failures: list[verdict.Failure]) -> list[verdict.Failure]:
        """The failure sought: this kind in this build, and for a build error the same message."""
        return [f for f in self.same_build(failures) if self.message is None or error_core(f.detail) == self.message]

    def options(self) -> Options:
        """The builds and runs this failure needs (the split build's runs are the reference)."""
        timer = "timer" in self.variant
        return Options(timer=timer, full=self.build == "full", tasks=self.build == "tasks", tasks_every=1,
                       plain=self.build == "plain")


# Failures that show a candidate is broken where the original was not: in the other builds, these
# must not appear (a reduction must keep the program valid on the target, not find a new failure).
BROKEN = {verdict.OUTPUT, verdict.CRASH, verdict.EXIT, verdict.STATE, verdict.TIMEOUT, verdict.BUILD, verdict.TOOL}


def error_core(detail: str) -> str:
    """A build error's message without where it happened: after the last `file.c:LINE: ` (the
    program's path is a temporary directory's), before the first ` (`, numbers as `#`."""
    core = re.split(r"\.[ch]:\d+(?::\d+)?: ", detail)[-1].split(" (", 1)[0]
    return re.sub(r"\d+", "#", core).strip()


def still_fails(program: Program, target: Target, work: Path) -> bool:
    try:
        return _still_fails(program, target, work)
    except Exception:  # a candidate that breaks the harness is not the failure sought
        return False


def _still_fails(program: Program, target: Target, work: Path) -> bool:
    ok = host.run(program, work / "ubsan", sanitize=True)
    if not ok.ok or not any(line.startswith(f"fz {program.name} checksum=") for line in ok.lines):
        return False
    result = run_pack([program], target.board, work / "pack", target.options())
    same = target.matching(result.failures)
    elsewhere = [f for f in result.failures if f.variant.split("/")[0] != target.build and f.kind in BROKEN]
    return bool(same) and not elsewhere


# ---- chunks of C text -------------------------------------------------------------------------

def _depth_change(line: str) -> int:
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line.split("//")[0])
    return code.count("{") - code.count("}")


def _protocol_start(lines: list[str]) -> int:
    """Where the protocol tail (program.protocol_tail) begins: it is never reduced."""
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].startswith("#ifdef FZ_HOST"):
            return k
    return len(lines)


def body_chunks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of statements inside function bodies (not struct definitions, not the
    protocol's code)."""
    chunks = []
    depth = 0
    in_function = False
    i = 0
    end_of_program = _protocol_start(lines)
    while i < end_of_program:
        line = lines[i]
        if depth == 0 and line.strip() != "{":
            in_function = line.rstrip().endswith(")") and not line.startswith(("struct", "typedef", "#"))
        if depth >= 1 and in_function and line.strip() \
                and not line.strip().startswith(("}", "case ", "default:", "#")) \
                and not re.match(r"^\s*(uint32_t acc =|volatile uint32_t fr\[|return\b|va_list|va_start|va_end|"
                                 r"uint32_t r = )", line):
            start, d, j = i, depth, i
            while True:
                d += _depth_change(lines[j])
                if d <= depth and (lines[j].rstrip().endswith((";", "}")) or d < depth):
                    break
                j += 1
                if j >= len(lines):
                    break
            if d == depth and j < len(lines):
                chunks.append((start, j + 1))
                depth = d
                i = j + 1
                continue
        depth += _depth_change(line)
        i += 1
    return chunks


def top_chunks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of top-level definitions: functions with their bodies, prototypes, tables."""
    chunks = []
    depth = 0
    i = 0
    end_of_program = _protocol_start(lines)
    while i < end_of_program:
        line = lines[i]
        if depth == 0 and re.match(r"^(static|void|uint32_t|typedef)\b", line) and "main(" not in line \
                and not re.search(r"_(run|init|irq)\(void\)", line):
            j, d = i, 0
            while j < len(lines):
                d += _depth_change(lines[j])
                if d == 0 and lines[j].rstrip().endswith((";", "}")):
                    break
                j += 1
            chunks.append((i, j + 1))
            i = j + 1
            continue
        depth += _depth_change(line)
        i += 1
    return chunks


_CALL_ARG = re.compile(r"(\w+_make_(u32|u64|f32|f64|s|h))\(\((?:acc|acc \+ i|x)\) \^ 0x[0-9A-F]{8}u\)")


def simplify_arguments(text: str) -> list[str]:
    """Candidates with one argument expression each made a constant."""
    out = []
    for m in _CALL_ARG.finditer(text):
        out.append(text[:m.start()] + f"{m.group(1)}(1u)" + text[m.end():])
    return out


def _without(lines: list[str], ranges: list[tuple[int, int]]) -> list[str]:
    drop = set()
    for a, b in ranges:
        drop.update(range(a, b))
    return [line for k, line in enumerate(lines) if k not in drop]


def ddmin(lines: list[str], finder: Callable[[list[str]], list[tuple[int, int]]],
          test: Callable[[list[str]], bool], deadline: float) -> list[str]:
    """Remove as many chunks as the test allows: subsets of ever smaller size (Zeller's ddmin, the
    subsets' removal only); after a success the same size is tried again on what is left."""
    chunks = finder(lines)
    n = 2
    while chunks and time.monotonic() < deadline:
        size = max(1, len(chunks) // n)
        for start in range(0, len(chunks), size):
            if time.monotonic() >= deadline:
                return lines
            candidate = _without(lines, chunks[start:start + size])
            if test(candidate):
                lines = candidate
                chunks = finder(lines)
                n = max(n - 1, 2)
                break
        else:
            if size == 1:
                break
            n = min(len(chunks), n * 2)
    return lines


@dataclass
class Reduction:
    program: Program
    lines_before: int
    lines_after: int
    tests: int
    seconds: float


def reduce(program: Program, target: Target, budget: float = BUDGET,
           say: Callable[[str], None] | None = None, use_cvise: bool | None = None) -> Reduction:
    say = say or (lambda m: None)
    started = time.monotonic()
    deadline = started + budget
    tests = 0
    with tempfile.TemporaryDirectory(prefix="mcusplit-shrink-") as tmp:
        work = Path(tmp)

        def test_text(text: str) -> bool:
            nonlocal tests
            tests += 1
            return still_fails(dataclasses.replace(program, source=text), target, work / f"t{tests}")

        def test(lines: list[str]) -> bool:
            return test_text("\n".join(lines) + "\n")

        if not test_text(program.source):
            raise ValueError(f"{program.generator} seed {program.seed}: the failure does not reproduce alone "
                             f"on {target.board.name} ({target.kind} in {target.variant})")
        lines = program.source.splitlines()
        before = len(lines)
        progress = True
        while progress and time.monotonic() < deadline:
            progress = False
            for name, finder in (("statements", body_chunks), ("definitions", top_chunks)):
                shorter = ddmin(lines, finder, test, deadline)
                if len(shorter) < len(lines):
                    say(f"{name}: {len(lines)} -> {len(shorter)} lines ({tests} tests)")
                    lines, progress = shorter, True
            text = "\n".join(lines) + "\n"
            for candidate in simplify_arguments(text):
                if time.monotonic() >= deadline:
                    break
                if test_text(candidate):
                    text, progress = candidate, True
            lines = text.splitlines()
        text = "\n".join(lines) + "\n"
        if (use_cvise if use_cvise is not None else program.generator == "csmith") and shutil.which("cvise"):
            text = _cvise(dataclasses.replace(program, source=text), target, work, deadline, say)
    reduced = dataclasses.replace(program, source=text)
    return Reduction(reduced, before, len(text.splitlines()), tests, time.monotonic() - started)


def _cvise(program: Program, target: Target, work: Path, deadline: float, say: Callable[[str], None]) -> str:
    """cvise over the file, with this module as the interestingness test (one process per test)."""
    left = deadline - time.monotonic()
    if left < 60:
        return program.source
    case = work / "cvise"
    case.mkdir()
    source = case / program.filename
    source.write_text(program.source)
    meta = case / "program.json"
    meta.write_text(json.dumps(program_json(program)))
    script = case / "interesting.sh"
    # cvise runs the test in a directory of its own: the test imports this package from this checkout.
    script.write_text(f"#!/bin/sh\nPYTHONPATH={Path(__file__).resolve().parents[2]} exec {sys.executable} "
                      f"-m mcusplit.fuzz.shrink --interesting {meta} {target.board.name} '{target.kind}' "
                      f"{target.variant} {program.filename}\n")
    script.chmod(0o755)
    say(f"cvise for at most {left:.0f} s")
    # cvise keeps its best result in the file as it goes; leaving the block stops it and the tests
    # it started (its whole process group), at the budget or on an error or a signal.
    with (children.popen(["cvise", "--n", "1", "--timeout", "120", str(script), str(source)], cwd=case,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc,
          contextlib.suppress(subprocess.TimeoutExpired)):
        proc.wait(timeout=left)       # past the budget: the best result so far is in the file
    return source.read_text()


# ---- programs as files (regressions, cvise) ------------------------------------------------------

def program_json(program: Program) -> dict:
    data = dataclasses.asdict(program)
    data.pop("source")
    return data


def program_from(meta: dict, source: str) -> Program:
    fields = {f.name for f in dataclasses.fields(Program)}
    data = {k: tuple(v) if isinstance(v, list) and k not in ("address_taken",) else v
            for k, v in meta.items() if k in fields}
    return Program(source=source, **data)


REGRESSIONS = Path(__file__).resolve().parent.parent.parent / "tests" / "fuzz_regressions"


def save_regression(program: Program, target: Target, detail: str, xfail: str | None = None,
                    directory: Path = REGRESSIONS, note: str = "") -> Path:
    """tests/fuzz_regressions/<generator>-<seed>-<board>/: the program and what it must not do."""
    case = directory / f"{program.generator}-{program.seed}-{target.board.name}"
    case.mkdir(parents=True, exist_ok=True)
    (case / program.filename).write_text(program.source)
    (case / "case.json").write_text(json.dumps({
        "board": target.board.name, "kind": target.kind, "variant": target.variant, "detail": detail,
        "xfail": xfail, "note": note, "program": program_json(program)}, indent=1) + "\n")
    return case


def load_regression(case: Path) -> tuple[Program, dict]:
    data = json.loads((case / "case.json").read_text())
    meta = data["program"]
    source = (case / f"{meta['name']}.c").read_text()
    return program_from(meta, source), data


def _interesting_main(argv: list[str]) -> int:
    """cvise's test: exit 0 when the file in the current directory still fails the same way."""
    from .. import boards

    meta_path, board, kind, variant, filename = argv
    program = program_from(json.loads(Path(meta_path).read_text()), Path(filename).read_text())
    with tempfile.TemporaryDirectory(prefix="mcusplit-cvise-") as tmp:
        return 0 if still_fails(program, Target(boards.load(board), kind, variant), Path(tmp)) else 1


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--interesting":
        sys.exit(_interesting_main(sys.argv[2:]))
    sys.exit(2)


# ---- the command ------------------------------------------------------------------------------------

@dataclass
class Saved:
    reduction: Reduction
    case: Path


def _generate(generator: str, seed: int) -> Program:
    if generator == "csmith":
        from . import csmith

        return csmith.generate(seed)
    from .generator import generate

    return generate(seed)


def find_failure(generator: str, seed: int, board: Board, kind: str | None = None,
                 variant: str | None = None) -> verdict.Failure:
    """Run the program alone with every build and run; the failure to keep."""
    from ..errors import McusplitError

    program = _generate(generator, seed)
    with tempfile.TemporaryDirectory(prefix="mcusplit-shrink-") as tmp:
        result = run_pack([program], board, Path(tmp), Options(tasks_every=1))
    for f in result.failures:
        if (kind is None or f.kind == kind) and (variant is None or f.variant.startswith(variant)):
            return f
    seen = "; ".join(f"{f.kind} in {f.variant}" for f in result.failures) or "none"
    raise McusplitError(f"{generator} seed {seed} does not fail that way on {board.name} alone (failures: {seen})")


def shrink_and_save(generator: str, seed: int, failure: verdict.Failure, budget: float, xfail: str | None,
                    directory: Path | None, say: Callable[[str], None] | None = None) -> Saved:
    from .. import boards

    target = Target.of(boards.load(failure.board), failure.kind, failure.variant, failure.detail)
    reduction = reduce(_generate(generator, seed), target, budget, say)
    case = save_regression(reduction.program, target, failure.detail, xfail, directory or REGRESSIONS,
                           note=f"reduced from {reduction.lines_before} to {reduction.lines_after} lines")
    return Saved(reduction, case)
