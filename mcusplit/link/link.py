"""The link: lld with zig's compiler-rt (division, soft float, memcpy) for the core.

zig's clang driver builds compiler-rt for the target on first use and keeps it
in its cache; it does not pass arbitrary flags (-Map) through to lld. So we ask
the driver once where its compiler-rt is, and then run ld.lld ourselves.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

from .. import children
from ..cores import Core
from ..errors import ToolError
from ..toolchain import clang, run_tool, ziglang


def lld() -> list[str]:
    return [*ziglang(), "ld.lld"]


def compiler_rt(core: Core, scratch: Path) -> Path:
    """zig's compiler-rt archive for this core (built by zig the first time, ~10 s); asked once
    per process and core."""
    found = _compiler_rt(core)
    return found if found.is_file() else _probe_compiler_rt(core, scratch)


@cache
def _compiler_rt(core: Core) -> Path:
    with tempfile.TemporaryDirectory(prefix="mcusplit-compiler-rt-") as scratch:
        return _probe_compiler_rt(core, Path(scratch))


def _probe_compiler_rt(core: Core, scratch: Path) -> Path:
    scratch.mkdir(parents=True, exist_ok=True)
    source = scratch / "compiler_rt_probe.c"
    source.write_text("void compiler_rt_probe(void) {}\n")
    obj = scratch / "compiler_rt_probe.o"
    target = ["-target", core.clang_target, f"-mcpu={core.clang_cpu}"]
    run_tool([*clang(), *target, "-c", source, "-o", obj], "probing compiler-rt")
    proc = children.run([*clang(), *target, "-nostartfiles", "-v", str(obj), "-o",
                         str(scratch / "compiler_rt_probe.elf")])
    m = re.search(r"(\S+libcompiler_rt\.a)", proc.stderr + proc.stdout)
    if not m or not Path(m.group(1)).is_file():
        raise ToolError(f"cannot find zig's compiler-rt for {core.key} (zig said: "
                        f"{(proc.stderr.strip().splitlines() or ['nothing'])[-1][:200]})")
    return Path(m.group(1))


def link(objects: list[Path], script: Path, elf: Path, map_file: Path, core: Core,
         lazy_objects: list[Path] | None = None, archives: tuple[Path, ...] = (),
         flags: tuple[str, ...] = (), work: Path | None = None) -> Path:
    """lazy_objects are linked like archive members: only when something refers to them.
    archives (the C library) come before compiler-rt: lld takes a symbol from the first archive
    that defines it, and compiler-rt's definitions are all weak, so it supplies only what the
    archives lack (mcusplit/link/libc.py)."""
    runtime_lib = compiler_rt(core, (work or elf.parent / "obj") / "compiler-rt")
    # max-page-size: file offsets of segments need no 64 KiB alignment on bare metal (smaller ELFs)
    # --emit-relocs: the analyzer tells address-taken functions from numbers that look like them
    cmd: list[str | Path] = [*lld(), "--error-limit=0", "-T", script, "--gc-sections", "--emit-relocs", "-Bstatic",
                             "-no-pie", "--build-id=none", "-z", "max-page-size=4096", f"-Map={map_file}", "-o", elf,
                             *flags, *objects]
    if lazy_objects:
        cmd += ["--start-lib", *lazy_objects, "--end-lib"]
    cmd += [*archives, runtime_lib]
    run_tool(cmd, f"linking {elf.name}")
    return elf
