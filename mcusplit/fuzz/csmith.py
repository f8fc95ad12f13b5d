"""Csmith (Debian `csmith`, `libcsmith-dev`) as a second, independent generator.

Its programs hash every global into one CRC; built through mcusplit they must give the CRC the host
build gives. Each is wrapped into the fuzzer's protocol (program.py): `main` is renamed, the CRC
is returned by NAME_run instead of printed (NOT_PRINT_CHECKSUM), and NAME_irq does nothing (the
timer still interrupts Csmith's code, pushing exception frames onto whatever segment it is on).

Options (why each):
    --no-argc              main(void): nothing to pass on a board
    --no-unions            unions are read through other members (type punning): the value then
                           depends on the ABI's layout (x86-64 vs AAPCS), not only on C semantics
    --no-packed-struct     the same for #pragma pack(1) bitfield layouts
    --max-funcs 8, --max-block-depth 3, --max-expr-complexity 8, --max-array-len-per-dim 6,
    --max-struct-fields 6  short programs: they compile in about a second and run in milliseconds
Programs whose host run takes longer than HOST_LIMIT are skipped (QEMU is slower by a factor of
about 30); the runner reports them as skipped, not as failures.
Csmith's main frames reach about 900 bytes: its programs get 2 KiB segments.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from .. import children
from ..errors import ToolError
from .program import Program, protocol_tail

CSMITH_INCLUDE = Path("/usr/include/csmith")
OPTIONS = ("--no-argc", "--no-unions", "--no-packed-struct", "--max-funcs", "8", "--max-block-depth", "3",
           "--max-expr-complexity", "8", "--max-array-len-per-dim", "6", "--max-struct-fields", "6")
SEGMENT_SIZE = 2048
DATA_BYTES = 1536               # RAM a program's globals may take (a pack is sized with it)
TIMEOUT = 30.0
HOST_LIMIT = 0.1                # seconds on the host, at most: about 3 s under QEMU


@cache
def csmith() -> str:
    path = shutil.which("csmith")
    if not path:
        raise ToolError("csmith not found (Debian: apt-get install csmith libcsmith-dev)")
    return path


def require() -> None:
    csmith()
    if not (CSMITH_INCLUDE / "csmith.h").is_file():
        raise ToolError(f"{CSMITH_INCLUDE}/csmith.h not found (Debian: apt-get install libcsmith-dev)")


def target_includes() -> tuple[str, ...]:
    """Include directories for the target build: Csmith's own headers (its <stdio.h>, <string.h>,
    <math.h> are picolibc's, linked as every project's C library: docs/libc.md)."""
    return (str(CSMITH_INCLUDE),)


def wrap(name: str, source: str) -> str:
    """Csmith's program in the fuzzer's protocol."""
    return (f"/* mcusplit fuzz: Csmith program {name} (options: {' '.join(OPTIONS)}) */\n"
            "#define NOT_PRINT_CHECKSUM 1\n"
            f"#define main {name}_csmith_main\n"
            f"{source}\n"
            "#undef main\n"
            f"static volatile uint32_t {name}_irq_n, {name}_irq_err;\n"
            f"void {name}_init(void) {{ }}\n"
            f"uint32_t {name}_run(void) {{ {name}_csmith_main(); return crc32_context ^ 0xFFFFFFFFu; }}\n"
            f"void {name}_irq(void) {{ {name}_irq_n++; }}\n"
            + protocol_tail(name))


def generate(seed: int) -> Program:
    require()
    proc = children.run([csmith(), "--seed", str(seed), *OPTIONS], timeout=TIMEOUT)
    if proc.returncode != 0:
        raise ToolError(f"csmith --seed {seed} failed: {proc.stderr.strip()[:200]}")
    name = f"cs{seed}"
    return Program(name=name, generator="csmith", seed=seed, source=wrap(name, proc.stdout),
                   segment_size=SEGMENT_SIZE, cflags=("-w",), target_includes=target_includes(),
                   host_cflags=(f"-I{CSMITH_INCLUDE}",), data_bytes=DATA_BYTES, unity=False, host_limit=HOST_LIMIT,
                   estimated_segments=(3, 1))
