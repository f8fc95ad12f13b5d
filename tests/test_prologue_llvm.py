"""LLVM's own split-stack prologues, regenerated: tests/data/prologues*.llvm.s must still be what
the current LLVM (zig's clang) emits for tests/data/prologues.c and prologues_huge.c.

test_prologue.py rewrites those stored files; the build rewrites whatever the installed LLVM emits.
If LLVM changes its prologue (registers, the limit load, the return path, the order of the
compare), the stored files no longer stand for it and the rewrite's tests would pass on stale
input. This test makes that visible with a diff; after checking codegen/prologue.py against the
new shape, refresh the files with

    python -m tests.test_prologue_llvm --write

The files are made the way the build's codegen step compiles (mcusplit/codegen/emit.py,
generate_assembly): clang for the core's Linux triple (the only one LLVM emits split-stack
prologues for), static code, shrink-wrapping off, and the frontend's -O2 and no frame pointer or
unwind tables (mcusplit/frontend/c.py), without debug information so the text stays small.
Comparison ignores comments, `.ident` and `.file` (clang's version string and the source path).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
from pathlib import Path

import pytest

from mcusplit.cores import CORES
from mcusplit.toolchain import clang

DATA = Path(__file__).parent / "data"
# source -> how many of its functions LLVM gives a split-stack prologue: in prologues.c small, large
# and stack_args (leaf has no frame, not_split opts out); in prologues_huge.c huge
SOURCES = {DATA / "prologues.c": 3, DATA / "prologues_huge.c": 1}
# stored file -> the core whose codegen target and cpu made it
VARIANTS = {"thumb1": "cortex-m0", "thumb2": "cortex-m4f"}
FLAGS = ("-O2", "-g0", "-fsplit-stack", "-fno-pic", "-fomit-frame-pointer", "-fno-unwind-tables",
         "-fno-asynchronous-unwind-tables", "-mllvm", "--enable-shrink-wrap=false", "-Wno-comment")


def stored_file(source: Path, variant: str) -> Path:
    return DATA / f"{source.stem}.{variant}.llvm.s"


def generate(source: Path, variant: str, out: Path) -> Path:
    core = CORES[VARIANTS[variant]]
    cmd = [*clang(), "-target", core.clang_codegen_target, f"-mcpu={core.clang_cpu}", *FLAGS, "-S",
           str(source.resolve()), "-o", str(out.resolve())]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"clang failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return out


_COMMENT = re.compile(r"\s+@.*$")


def normalized(text: str) -> list[str]:
    """The assembly without what changes for no reason of LLVM's code generation: comments (whole
    lines and trailing `@ ...`), blank lines, `.ident` (the version string) and `.file` (the path)."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("@"):
            continue
        line = _COMMENT.sub("", line).rstrip()
        if not line.strip() or line.strip().startswith((".ident", ".file")):
            continue
        out.append(line)
    return out


def _need_clang() -> None:
    try:
        subprocess.run([*clang(), "--version"], capture_output=True, check=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        reason = f"zig's clang is not usable (pip install ziglang): {exc}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_normalization_keeps_instructions_and_drops_only_noise():
    text = '\t.ident\t"clang version 1"\n@ %bb.0:\n\tpush\t{r4, r5}  @ saved\n\t.file\t"x.c"\n\n\tbx\tlr\n'
    assert normalized(text) == ["\tpush\t{r4, r5}", "\tbx\tlr"]


@pytest.mark.parametrize("source", sorted(SOURCES), ids=lambda p: p.stem)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_stored_llvm_prologues_match_current_llvm(tmp_path, source, variant):
    _need_clang()
    stored = stored_file(source, variant)
    fresh = generate(source, variant, tmp_path / stored.name)
    want, got = normalized(stored.read_text()), normalized(fresh.read_text())
    diff = "\n".join(difflib.unified_diff(want, got, f"stored {stored.name}", "current LLVM", lineterm=""))
    assert want == got, (f"LLVM's split-stack output for {source.name} changed ({variant}); check "
                         f"mcusplit/codegen/prologue.py, then run python -m tests.test_prologue_llvm --write\n{diff}")
    # The stored file must be about what matters: the functions that get a prologue.
    assert sum("__morestack" in line for line in want) == SOURCES[source]


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate tests/data/prologues.*.llvm.s")
    parser.add_argument("--write", action="store_true", help="overwrite the stored files")
    args = parser.parse_args()
    for source in sorted(SOURCES):
        for variant in sorted(VARIANTS):
            stored = stored_file(source, variant)
            if args.write:
                generate(source, variant, stored)
                print(f"wrote {stored}")
            else:
                print(f"{stored.name}: python -m tests.test_prologue_llvm --write to regenerate")


if __name__ == "__main__":
    main()
