"""Relink a finished build's objects with extra lld options (stripped ELFs for tests).

zig's objcopy cannot strip 32-bit ARM ELFs, so stripped images come from lld itself.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from mcusplit.cores import CORES
from mcusplit.link.link import compiler_rt, lld


def relink(build_dir: Path, name: str, out: Path, *options: str) -> Path:
    build_dir = Path(build_dir)
    record = json.loads((build_dir / f"{name}.build.json").read_text())
    obj = build_dir / "obj"
    objects, lazy = record["link"]["objects"], record["link"]["lazy_objects"]
    runtime = compiler_rt(CORES[record["core"]], obj / "compiler-rt")
    subprocess.run([*lld(), "-T", str(obj / "link.ld"), "--gc-sections", "-z", "max-page-size=4096", *options,
                    "-o", str(out), *objects, "--start-lib", *lazy, "--end-lib", str(runtime)], check=True)
    return out
