"""The oracle: the same C file built by the host's gcc and run natively.

gcc shares no code with the target's path (zig's clang 22, mcusplit's codegen and runtime), so an
agreement is evidence, and a disagreement points at the target side as long as the program is
free of undefined behaviour (what the generators promise; `sanitize=True` checks it with UBSan).

The host build is 32-bit (-m32: int, long and pointers of 32 bits, as on Cortex-M): Csmith's
programs may depend on the data model (found with Csmith seed 121: x86-64 and ILP32 disagree,
every ILP32 build agrees). Floating point goes through SSE (-msse2 -mfpmath=sse), not the x87's
wider registers, so float and double round as on the target. Debian: gcc-multilib.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import children
from ..errors import ToolError
from .program import Program

HOST_CFLAGS = ("-O1", "-w", "-DFZ_HOST", "-m32", "-msse2", "-mfpmath=sse")
SANITIZE = ("-fsanitize=undefined", "-fno-sanitize-recover=all")
TIMEOUT = 10.0


@dataclass
class HostResult:
    lines: list[str]
    exit_code: int
    timed_out: bool = False
    error: str = ""              # the compiler's first line, when gcc refused the program
    seconds: float = 0.0         # the run alone (not the compile)

    @property
    def ok(self) -> bool:
        return not self.error and not self.timed_out and self.exit_code == 0


@cache
def gcc() -> str:
    path = shutil.which("gcc")
    if not path:
        raise ToolError("gcc not found: the host oracle needs it (Debian: apt-get install gcc gcc-multilib)")
    with tempfile.TemporaryDirectory(prefix="mcusplit-host-") as tmp:
        probe = Path(tmp) / "probe.c"
        probe.write_text("int main(void) { return 0; }\n")
        built = children.run([path, *HOST_CFLAGS, str(probe), "-o", str(Path(tmp) / "probe")])
    if built.returncode != 0:
        raise ToolError("gcc cannot build 32-bit programs, which the host oracle needs "
                        "(Debian: apt-get install gcc-multilib)")
    return path


def run(program: Program, work: Path, sanitize: bool = False, timeout: float = TIMEOUT) -> HostResult:
    work.mkdir(parents=True, exist_ok=True)
    source = work / program.filename
    source.write_text(program.source)
    exe = work / (program.name + ("-ubsan" if sanitize else ""))
    cmd = [gcc(), *HOST_CFLAGS, *program.cflags, *program.host_cflags, *(SANITIZE if sanitize else ()),
           str(source), "-o", str(exe), "-lm"]
    built = children.run(cmd)
    if built.returncode != 0:
        first = next((line for line in built.stderr.splitlines() if "error" in line), built.stderr.strip()[:200])
        return HostResult([], built.returncode, error=first or "gcc failed")
    started = time.monotonic()
    try:
        proc = children.run([str(exe)], timeout=timeout)
    except subprocess.TimeoutExpired:
        return HostResult([], 124, timed_out=True, seconds=timeout)
    seconds = time.monotonic() - started
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    error = proc.stderr.strip().splitlines()[0] if sanitize and proc.returncode and proc.stderr.strip() else ""
    return HostResult(lines, proc.returncode, error=error, seconds=seconds)
