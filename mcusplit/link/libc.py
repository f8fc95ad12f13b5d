"""The C library: picolibc (Debian `picolibc-arm-none-eabi`), linked as ordinary unchecked code.

What this module decides (docs/libc.md has the reasons):

- **which multilib** each core links (`MULTILIBS`): the GCC multilib whose architecture and float
  ABI match zig's `-mcpu` for the core. picolibc's default build type (`-Os`) is used, with the
  headers of the same build type.
- **the include path** of user code: picolibc's headers after the project's and the runtime's
  (`-isystem`), and `-ftls-model=local-exec`: errno is `__thread`, and a static image needs no GOT.
- **link order**: the glue (firmware/libc/picolibc.c: stdout/stderr over the console, `_exit`,
  the thread pointer), then `libc.a`, then zig's compiler-rt. The C library's functions (memcpy,
  strlen, sin, ...) come from the C library, as `-lc -lgcc` does with GCC; compiler-rt, whose
  definitions are all weak, supplies only what libc.a lacks (`__aeabi_uldivmod`, soft float).
- **when**: `[project] libc = "picolibc"` (the default) links it when it is installed; archives
  are searched only for what the program calls, so firmware that calls no C library function
  gets none of it. `libc = "none"` keeps the freestanding build. Without picolibc, a source that
  includes a C library header, or a link that needs a C library function, fails with one line
  that says what to install.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..cores import Core
from ..errors import BuildError
from ..frontend import c as c_frontend
from ..paths import firmware_dir

DEFAULT_ROOT = Path("/usr/lib/picolibc/arm-none-eabi")
INSTALL_HINT = "Debian/Ubuntu: apt-get install picolibc-arm-none-eabi"

# (arch, fpu) -> picolibc's GCC multilib directory. The M7's FPU does double precision
# (zig: cortex_m7+fp_armv8d16, FPv5-D16): v7e-m+dp runs doubles in hardware, where v7e-m+fp
# (single precision, the M4F's) would run them in software. The M33's FPU is single precision:
# v8-m.main+fp (Tag_ABI_HardFP_use: SP only), not v8-m.main+dp.
MULTILIBS: dict[tuple[str, str | None], str] = {
    ("v6m", None): "thumb/v6-m/nofp",
    ("v7m", None): "thumb/v7-m/nofp",
    ("v7em", "sp"): "thumb/v7e-m+fp/hard",
    ("v7em", "dp"): "thumb/v7e-m+dp/hard",
    ("v8m.main", "sp"): "thumb/v8-m.main+fp/hard",
}

# Headers of the C library; a source that includes one needs picolibc.
_HEADER_NOT_FOUND = re.compile(r"'([\w/]+\.h)' file not found")
_UNDEFINED = re.compile(r"undefined symbol: (\S+)")


@dataclass(frozen=True)
class CLibrary:
    name: str
    root: Path
    multilib: str

    @property
    def include_dir(self) -> Path:
        return self.root / "include"

    @property
    def archives(self) -> tuple[Path, ...]:
        """libc.a holds libm too (picolibc's libm.a is an empty placeholder)."""
        return (self.root / "lib" / self.multilib / "libc.a",)

    @property
    def cflags(self) -> list[str]:
        return ["-isystem", str(self.include_dir), "-ftls-model=local-exec"]


def root() -> Path:
    """Where picolibc is (MCUSPLIT_PICOLIBC overrides the Debian location)."""
    return Path(os.environ.get("MCUSPLIT_PICOLIBC", DEFAULT_ROOT))


def multilib(core: Core) -> str:
    try:
        return MULTILIBS[(core.arch, core.fpu)]
    except KeyError:
        raise BuildError(f"no picolibc multilib for {core.key} ({core.arch}, fpu {core.fpu})") from None


def picolibc(core: Core) -> CLibrary | None:
    """picolibc for this core, or None when it is not installed."""
    lib = CLibrary("picolibc", root(), multilib(core))
    if not (lib.include_dir / "picolibc.h").is_file() or not all(a.is_file() for a in lib.archives):
        return None
    return lib


def missing_reason(core: Core) -> str:
    """Why picolibc() is None, as one line (tests skip or fail with it)."""
    return (f"picolibc not found for {core.key} (no {root() / 'include' / 'picolibc.h'} or "
            f"{root() / 'lib' / multilib(core) / 'libc.a'}; {INSTALL_HINT})")


def select(choice: str, core: Core) -> CLibrary | None:
    """The C library a build links: None for libc = "none" or when picolibc is not installed."""
    if choice == "none":
        return None
    return picolibc(core)


@cache
def archive_symbols(archive: Path) -> frozenset[str]:
    """The global symbols an archive defines, from its symbol index (the GNU `/` member)."""
    data = archive.read_bytes()
    if not data.startswith(b"!<arch>\n") or data[8:10] != b"/ ":
        raise BuildError("not an archive with a symbol index", str(archive))
    size = int(data[8 + 48:8 + 58])
    index = data[68:68 + size]
    count = struct.unpack(">I", index[:4])[0]
    names = index[4 + 4 * count:].split(b"\0")[:count]
    return frozenset(n.decode("ascii", "replace") for n in names)


def defined_symbols(lib: CLibrary | None) -> frozenset[str]:
    """What the C library defines (empty without one)."""
    if lib is None:
        return frozenset()
    return frozenset().union(*(archive_symbols(a) for a in lib.archives))


def glue_object(lib: CLibrary, core: Core, work: Path, includes: list[Path]) -> Path:
    """firmware/libc/picolibc.c compiled without split stacks (it runs inside library calls)."""
    source = firmware_dir() / "libc" / f"{lib.name}.c"
    return c_frontend.to_object(source, work / f"rt_libc_{lib.name}.o", core, includes, {},
                                ["-Os", *lib.cflags])


@contextmanager
def explain_missing(lib: CLibrary | None, choice: str, core: Core) -> Iterator[None]:
    """Turn "'stdio.h' file not found" and "undefined symbol: printf" into what to do about it
    when the project has no C library."""
    try:
        yield
    except BuildError as exc:
        if lib is not None:
            raise
        text = exc.one_line()
        found = _HEADER_NOT_FOUND.search(text) or _UNDEFINED.search(text)
        if not found:
            raise
        why = "the project sets [project] libc = \"none\"" if choice == "none" else missing_reason(core)
        raise BuildError(f"{exc.message} (no C library is linked: {why})", exc.where) from None
