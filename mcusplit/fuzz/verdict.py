"""What counts as a failure, by kind, and the checks of one run against the oracle and the bound.

A program passes on a board when every run of every build printed the host's checksum line, ended
with exit status 0, gave every segment back (in_use=0), left every canary intact (overflows=0),
its interrupt handler never computed a wrong result (irq_errors=0), and its measured high-water
mark stayed within the analyzer's bound, which must be a number (not unbounded, not overflow,
no call left unresolved).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..emu import qemu

OUTPUT = "output mismatch"          # checksum differs from the host's (or the handler's self-check failed)
EXIT = "exit status"                # non-zero exit that is not a fault: pool exhausted (100), deadlock (104), ...
CRASH = "crash"                     # fault (101), lock-up (103), QEMU died
TIMEOUT = "timeout"
STATE = "runtime state"             # segments still in use at the end, a canary overwritten (102)
BOUND = "bound under-estimate"      # measured high-water mark > the analyzer's bound
INCOMPLETE = "analysis incomplete"  # the bound is unbounded/overflow, or calls stay unresolved
TOOL = "tool crash"                 # an internal error of mcusplit (build, analyzer, optimizer)
BUILD = "build error"               # mcusplit refused to build a program it should build
HOST = "host error"                 # the oracle failed on an own-generator program (a generator bug)
KINDS = (OUTPUT, EXIT, CRASH, TIMEOUT, STATE, BOUND, INCOMPLETE, TOOL, BUILD, HOST)

EXIT_FAULT, EXIT_OVERFLOW = 101, 102


@dataclass
class Failure:
    program: str
    seed: int
    generator: str
    board: str
    variant: str                     # split | plain | full | tasks, with the run: split/timer, ...
    kind: str
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)

    def one_line(self) -> str:
        return f"{self.generator} seed {self.seed} on {self.board} [{self.variant}]: {self.kind}: {self.detail}"


@dataclass
class ProgramRun:
    """One program's lines from one run."""
    name: str
    checksum: str | None = None                       # its "fz NAME checksum=..." line
    ended: bool = False
    figures: dict[str, int] = field(default_factory=dict)   # in_use, hwm, splits, overflows, irq, irq_errors


_END = re.compile(r"^fzd: end (\S+) (.*)$")
_FIELD = re.compile(r"(\w+)=(\d+)")


def parse(lines: list[str]) -> tuple[dict[str, ProgramRun], list[str]]:
    """Per-program results of a run, and the programs in the order they began."""
    runs: dict[str, ProgramRun] = {}
    order: list[str] = []
    for line in lines:
        if line.startswith("fzd: begin "):
            name = line.split()[2]
            runs[name] = ProgramRun(name)
            order.append(name)
        elif line.startswith("fz ") and " checksum=" in line:
            name = line.split()[1]
            runs.setdefault(name, ProgramRun(name)).checksum = line.strip()
        elif m := _END.match(line):
            run = runs.setdefault(m.group(1), ProgramRun(m.group(1)))
            run.ended = True
            run.figures = {k: int(v) for k, v in _FIELD.findall(m.group(2))}
    return runs, order


def exit_failure(result: qemu.RunResult) -> tuple[str, str] | None:
    """(kind, detail) for a run that did not end with status 0."""
    code = result.exit_code
    if result.timed_out or code == qemu.EXIT_TIMEOUT:
        return TIMEOUT, f"no exit within {result.seconds:.0f} s"
    if code == 0:
        return None
    fault = next((line for line in result.lines if "@mcusplit v1 fault" in line or "lockup" in line), "")
    if code in (EXIT_FAULT, qemu.EXIT_LOCKUP) or code >= 128:
        return CRASH, f"exit {code}: {fault or (result.lines[-1] if result.lines else 'no output')}"
    if code == EXIT_OVERFLOW:
        return STATE, f"exit {code}: a stack ran past its bottom (canary)"
    tail = next((line for line in reversed(result.lines) if line.startswith(("@mcusplit v1 pool-exhausted",
                                                                               "@mcusplit v1 deadlock", "fzd: error"))),
                "")
    return EXIT, f"exit {code}{': ' + tail if tail else ''}"


def program_problems(run: ProgramRun, expected: str, bound: int | None) -> list[tuple[str, str]]:
    """Everything wrong with one program's run: (kind, detail)."""
    found = []
    if run.checksum != expected:
        found.append((OUTPUT, f"printed {run.checksum!r}, host printed {expected!r}"))
    f = run.figures
    if run.ended:
        if f.get("in_use", 0) != 0:
            found.append((STATE, f"{f['in_use']} segment(s) still in use after the program"))
        if f.get("overflows", 0) != 0:
            found.append((STATE, f"{f['overflows']} canary(ies) overwritten"))
        if f.get("irq_errors", 0) != 0:
            found.append((OUTPUT, f"the interrupt handler computed {f['irq_errors']} wrong result(s) in {f['irq']}"))
        if bound is not None and f.get("hwm", 0) > bound:
            found.append((BOUND, f"measured high-water mark {f['hwm']} segments > bound {bound}"))
    return found
