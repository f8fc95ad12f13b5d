"""`mcusplit cc *.o -o app.elf`: the link and everything `mcusplit build` does after compiling,
through the build's own stages (mcusplit/build/): the plan (board, pool, linker script), the
runtime and the C library (compile.compile_all with the user's objects as `prebuilt`, placed where
the project's own objects would be), lld (link_image, with the user's archives and -Wl flags),
the whole-program steps (postlink.run: small-subtree elision, the allowance, check elision per
the config, the proof for tasks) and the outputs (record.write, record.publish: .elf .bin .hex
.map .build.json, moved into place only when all are complete).

What `mcusplit build` knows from compiling, the driver reads from the linked image: every object
mcusplit cc made carries a `.mcusplit.module` record (driver/compile.py). Objects from other
compilers (arm-none-eabi-gcc, assembly) carry none: they are code without checks, which the
allowance covers like the C library.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from elftools.elf.elffile import ELFFile

from .. import build as build_mod
from ..build import compile as build_compile
from ..build import plan as build_plan
from ..build import postlink, record
from ..build.record import BuildResult
from ..codegen.prologue import FunctionCheck
from ..codegen.splitstack import FunctionPlan
from ..errors import BuildError
from .args import Invocation
from .compile import MODULE_SECTION
from .target import Target

LAYOUT_FIELDS_IGNORED = ("segments",)       # the pool's size: the link's alone, no object depends on it


def _elf_files(path: Path) -> list[bytes]:
    """An object's bytes, or every ELF member of a static archive."""
    data = path.read_bytes()
    if not data.startswith(b"!<arch>\n"):
        return [data]
    members, offset = [], 8
    while offset + 60 <= len(data):
        size = int(data[offset + 48:offset + 58])
        body = data[offset + 60:offset + 60 + size]
        if body.startswith(b"\x7fELF"):
            members.append(body)
        offset += 60 + size + (size & 1)
    return members


def refers_to(paths: list[Path], symbol: str) -> bool:
    """Does any object (or archive member) name `symbol` in its symbol table?"""
    for path in paths:
        for data in _elf_files(path):
            table = ELFFile(io.BytesIO(data)).get_section_by_name(".symtab")
            if table is not None and table.get_symbol_by_name(symbol):
                return True
    return False


def module_records(elf: Path) -> list[dict]:
    """The records of the objects mcusplit cc compiled that the link kept."""
    with elf.open("rb") as f:
        section = ELFFile(f).get_section_by_name(MODULE_SECTION)
        data = section.data() if section is not None else b""
    return [json.loads(line) for line in data.decode("utf-8", "replace").splitlines() if line.strip()]


def check_records(records: list[dict], plan: build_plan.BuildPlan) -> None:
    """Every object must be compiled for the link's core and pool: the check's text depends on
    the reserve, the leaf allowance and the guard."""
    want = {k: v for k, v in dataclasses.asdict(plan.layout).items() if k not in LAYOUT_FIELDS_IGNORED}
    for rec in records:
        if rec["core"] != plan.core.key:
            raise BuildError(f"compiled for {rec['core']}, but the link is for {plan.board.name} ({plan.core.key}): "
                             "compile with the same --mcusplit-board", rec["source"])
        got = {k: v for k, v in rec["layout"].items() if k not in LAYOUT_FIELDS_IGNORED}
        if got != want:
            diff = ", ".join(f"{k} {got.get(k)} (link: {want[k]})" for k in want if got.get(k) != want[k])
            raise BuildError(f"compiled for another pool ({diff}): compile and link with the same "
                             "--mcusplit-config", rec["source"])


def _library_paths(inv: Invocation) -> list[Path]:
    """The -l archives, found as lld will find them (the -L directories in order)."""
    found = []
    for name in inv.libraries:
        for directory in inv.lib_dirs:
            candidate = directory / f"lib{name}.a"
            if candidate.is_file():
                found.append(candidate)
                break
        else:
            raise BuildError(f"cannot find -l{name} (searched: {', '.join(map(str, inv.lib_dirs)) or 'no -L'})")
    return found


def link(inv: Invocation, target: Target, inputs: list[Path], output: Path,
         compiled_from: dict[Path, Path] | None = None) -> BuildResult:
    """inputs: objects and archives in command-line order (sources already compiled).
    compiled_from: the temporary objects of sources compiled by the same command, and their
    sources: the record names the source (the object is gone once the command ends)."""
    started = time.monotonic()
    assert target.board is not None
    for path in inputs:
        if not path.is_file():
            raise BuildError("no such file", str(path))
    output = output.absolute()
    archives = tuple(p.resolve() for p in inputs if p.suffix == ".a" or _is_archive(p))
    objects = tuple(p.resolve() for p in inputs if p.resolve() not in archives)
    uses_tasks = refers_to([*objects, *archives, *_library_paths(inv)], build_compile.TASK_API)
    output.parent.mkdir(parents=True, exist_ok=True)
    # The scratch directory is beside the output: the stage must be on its file system (rename).
    scratch = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.mcusplit-"))
    say = (lambda m: print(f"mcusplit cc: {m}", file=sys.stderr)) if inv.verbose else (lambda m: None)
    try:
        plan = build_plan.make(target.project, target.board, output.parent, split_stack=True, work=scratch)
        compiled = build_compile.compile_all(plan, task_hwm=uses_tasks, prebuilt=objects)
        say(f"linking {len(objects)} object(s), {len(archives) + len(inv.libraries)} archive(s) for {plan.board.name}")
        elf = build_mod.link_image(plan, compiled, archives, tuple(inv.link_flags))
        records = module_records(elf)
        check_records(records, plan)
        compiled = dataclasses.replace(
            compiled, uses_tasks=uses_tasks,
            plans=[FunctionPlan(**p) for r in records for p in r["plans"]] + compiled.plans,
            checks=[FunctionCheck(**c) for r in records for c in r["checks"]] + compiled.checks,
            elided=[FunctionCheck(**c) for r in records for c in r["elided"]] + compiled.elided)
        if compiled_from:
            named = {o.resolve(): source.absolute() for o, source in compiled_from.items()}
            compiled = dataclasses.replace(compiled, objects=[named.get(o, o) for o in compiled.objects])
        notes = build_mod.check_names(plan, compiled)
        after = postlink.run(plan, elf, uses_tasks, say)
        staged = record.write(plan, compiled, after, elf, notes + after.notes, time.monotonic() - started)
        return record.publish(plan, staged, elf=None if output.suffix == ".elf" else output)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _is_archive(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(8) == b"!<arch>\n"


def output_name(output: Path) -> str:
    """The firmware's name: app for app.elf or app (its .bin, .hex, .map and .build.json take it)."""
    return output.stem if output.suffix == ".elf" else output.name

