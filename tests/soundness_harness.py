"""Builds, runs and checks one program of the soundness corpus (tests/soundness/).

A program's first line says how to build it: `// corpus: segment_size=2048 segments=6
recursion=descend:40 max_tasks=4 exact` ("exact": the program runs its worst path, so the measured
high-water mark must equal the bound). The oracle for its output is the same source built for the
host with gcc (-DCORPUS_HOST).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.emu import qemu

CORPUS = Path(__file__).resolve().parent / "soundness"
OPT_LEVELS = ("-O0", "-Os", "-O2", "-O3")
_HEADER = re.compile(r"^// corpus:(?P<fields>.*)$")


@dataclass(frozen=True)
class Program:
    name: str
    source: Path
    segment_size: int
    segments: int
    recursion: tuple[tuple[str, int], ...] = ()
    max_tasks: int = 8
    exact: bool = False


def programs() -> list[Program]:
    out = []
    for source in sorted(CORPUS.glob("*.c")):
        m = _HEADER.match(source.read_text().splitlines()[0])
        assert m, f"{source}: the first line must be a `// corpus:` header"
        fields: dict[str, str] = {}
        flags = set()
        for token in m.group("fields").split():
            if "=" in token:
                key, value = token.split("=", 1)
                fields[key] = value
            else:
                flags.add(token)
        recursion = tuple((name, int(bound)) for name, bound in
                          (item.split(":") for item in fields.get("recursion", "").split(",") if item))
        out.append(Program(source.stem, source, int(fields["segment_size"]), int(fields["segments"]), recursion,
                           int(fields.get("max_tasks", 8)), "exact" in flags))
    return out


def by_name(name: str) -> Program:
    return next(p for p in programs() if p.name == name)


@functools.cache
def host_output(program: Program) -> str:
    """The oracle: what the program prints when gcc builds it for this machine."""
    out = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True, check=True).stdout.strip())
    exe = out / program.name
    subprocess.run(["gcc", "-O2", "-DCORPUS_HOST", f"-I{CORPUS}", str(program.source), "-o", str(exe)],
                   check=True, capture_output=True)
    result = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, check=True)
    shutil.rmtree(out, ignore_errors=True)
    return result.stdout


def project_for(program: Program, work: Path, opt: str, irq: bool) -> project.Project:
    directory = work / "src"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(program.source, directory / program.source.name)
    shutil.copy(CORPUS / "corpus.h", directory / "corpus.h")
    defines = '{ CORPUS_IRQ = 1 }' if irq else "{}"
    recursion = "".join(f"{name} = {bound}\n" for name, bound in program.recursion)
    (directory / "mcusplit.toml").write_text(
        f'[project]\nname = "{program.name}"\ncflags = ["{opt}"]\ndefines = {defines}\n\n'
        f"[pool]\nsegment_size = {program.segment_size}\nsegments = {program.segments}\n\n"
        f"[tasks]\nmax_tasks = {program.max_tasks}\n\n[analyze.recursion]\n{recursion}")
    return project.load(directory)


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    measured: int | None = None
    bound: int | None = None
    output: str = ""
    lines: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return "; ".join(self.problems) + "\n" + "\n".join(self.lines[-20:])


def check(program: Program, board: str, opt: str, work: Path, *, irq: bool = False, elision: str | None = None,
          split: bool = True, analyzer: Callable = analyze) -> Outcome:
    """Build, run under -icount shift=0, and compare: output = host's, exit 0, every segment back,
    canaries intact, measured high-water mark <= the analyzer's bound (= for exact programs)."""
    import dataclasses

    proj = project_for(program, work, opt, irq)
    if elision:
        proj = dataclasses.replace(proj, check_elision=elision)
    built = build.build(proj, boards.load(board), work / "out", split_stack=split)
    result = qemu.run(boards.load(board), built.elf, timeout=120, icount_exact=True)
    outcome = Outcome(lines=result.lines)
    outcome.output = "".join(line + "\n" for line in result.lines if not line.startswith(("@mcusplit", "#")))
    if outcome.output != host_output(program):
        outcome.problems.append(f"output {outcome.output!r} differs from the host's {host_output(program)!r}")
    if result.exit_code != 0:
        outcome.problems.append(f"exit status {result.exit_code}")
    stats = result.report.stats
    if not split:
        return outcome
    if not stats:
        outcome.problems.append("no stats line")
        return outcome
    if stats.get("in_use") != 0:
        outcome.problems.append(f"{stats.get('in_use')} segment(s) still in use at exit")
    if stats.get("overflows") != 0:
        outcome.problems.append(f"{stats.get('overflows')} stack canary(ies) overwritten")
    analysis = analyzer(built.elf, analysis_config.load(proj.config_path))
    outcome.measured, outcome.bound = stats["hwm"], analysis.pool_needed
    if analysis.check_failures():
        outcome.problems.append("analysis: " + "; ".join(analysis.check_failures()))
    elif outcome.measured > outcome.bound:
        outcome.problems.append(f"UNDER-ESTIMATE: measured {outcome.measured} segments, bound {outcome.bound}")
    elif program.exact and not irq and outcome.measured != outcome.bound:
        outcome.problems.append(f"not exact: measured {outcome.measured}, bound {outcome.bound}")
    return outcome
