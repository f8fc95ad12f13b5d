"""A corpus of bad inputs (issue 12): every class of input the tool reads, made wrong on purpose.

Each case is one real, distinct input: a file from tests/bad_inputs/, or one generated here from a
good file with exactly one thing wrong (a required key removed, a number out of range, ...). Every
case asserts the same contract (docs/errors.md):

- the exit status is the documented one (2 for bad input, 1 for a run that did not end properly,
  124 for a timeout; click's own usage errors are 2 too),
- stderr holds exactly one `mcusplit: error:` line (click usage errors: one `Error:` line) that
  names what is wrong and where (the file, key or option),
- no traceback and no `internal error`,
- no partial output: a failed build publishes no .elf/.bin/.hex/.map/.build.json, a failed
  `analyze -o` writes no report,
- no process left running that mentions the case's directory (QEMU, clang, lld).

The commands run in-process (click's test runner) so the corpus stays fast; the child processes they
start are real. Read-only file systems: as root, chmod does not stop writes, so that case mounts a
read-only tmpfs (skipped where mount is not allowed), and the other file-system cases use what stops
root too: a file where a directory is expected, a path under /proc, a lock held by another process.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mcusplit.cli import main
from mcusplit.elfimage import patch_object

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "bad_inputs"
SEED_ELF = ROOT / "tests" / "corpus" / "elf" / "seed-recursion-m4.elf"
GOOD_BOARD = ROOT / "boards" / "qemu-mps2-an386.toml"
OUTPUTS = (".elf", ".bin", ".hex", ".map", ".build.json")
CONSOLE_MODE = 0x5EED0000


@dataclasses.dataclass
class Outcome:
    args: list[str]
    where: str                       # must appear in the error line (a file, a key, an option)
    what: str                        # must appear in the error line too
    status: int = 2
    usage: bool = False              # a click usage error ("Error: Invalid value for ...")
    no_outputs: Path | None = None   # a build output directory that must hold no published file
    no_file: Path | None = None      # a report file that must not exist afterwards
    before_work: bool = False        # found before anything was built: the output directory was not even made
    cleanup: Callable[[], None] | None = None


@dataclasses.dataclass
class Case:
    id: str
    make: Callable[[Path, dict], Outcome]     # (its own empty directory, shared fixtures) -> what to run


CASES: list[Case] = []


def case(case_id: str):
    def register(make):
        CASES.append(Case(case_id, make))
        return make
    return register


# ---- a tiny TOML writer (the board cases rewrite a parsed board file) ------------------------------

def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def dump_toml(data: dict) -> str:
    lines = [f"{json.dumps(k)} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"\n[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# ---- board files -----------------------------------------------------------------------------------

BOARD = tomllib.loads(GOOD_BOARD.read_text())
BOARD_NAME = BOARD["name"]


def board_case(case_id: str, mutate: Callable[[dict], None], what: str, file_name: str = BOARD_NAME) -> None:
    def make(tmp: Path, fx: dict) -> Outcome:
        data = json.loads(json.dumps(BOARD))
        mutate(data)
        path = tmp / f"{file_name}.toml"
        path.write_text(dump_toml(data))
        return Outcome(["run", str(fx["console_elf"](0)), "--board", str(path), "--timeout", "5"], str(path), what)
    CASES.append(Case(f"board-{case_id}", make))


def _drop(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *tables, key = path.split(".")
        for t in tables:
            data = data[t]
        del data[key]
    return mutate


def _set(path: str, value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *tables, key = path.split(".")
        for t in tables:
            data = data[t]
        data[key] = value
    return mutate


# every required key removed, one at a time
for required in ["name", "core", "memory", "memory.flash", "memory.ram", "memory.flash.origin",
                 "memory.flash.length", "memory.ram.origin", "memory.ram.length", "console", "console.driver",
                 "console.base", "timer.driver", "timer.base", "timer.irq", "timer.clock_hz", "qemu.machine"]:
    kind = "table" if required in ("memory", "memory.flash", "memory.ram", "console") else "key"
    board_case(f"without-{required}", _drop(required), f"missing required {kind}")

# every numeric key out of range (below, above, unaligned where alignment is required)
for key, value, what in [
    ("console.base", 1 << 32, "32-bit address"), ("console.base", -4, "32-bit address"),
    ("console.base", 0x40004002, "4-byte aligned"), ("console.baud", 0, "baud must be positive"),
    ("console.baud", -9600, "baud must be positive"), ("console.baud", 20_000_000, "baud must be at most"),
    ("console.clock_hz", 0, "clock_hz must be positive"), ("console.clock_hz", 1 << 40, "clock_hz must be at most"),
    ("console.setup", [[1 << 32, 1]], "setup[0] address"), ("console.setup", [[0x40000001, 1]], "setup[0] address"),
    ("console.setup", [[0x40000000, 1 << 33]], "setup[0] bits"), ("console.setup", [[0x40000000, -1]], "setup[0] bits"),
    ("timer.base", 1 << 32, "32-bit address"), ("timer.base", 0x40000003, "4-byte aligned"),
    ("timer.irq", 32, "irq must be 0..31"), ("timer.irq", -1, "irq must be 0..31"),
    ("timer.clock_hz", 0, "clock_hz must be positive"), ("timer.clock_hz", 5_000_000_000, "clock_hz must be at most"),
    ("timer.setup", [[0xFFFFFFFF, 1]], "setup[0] address"),
    ("irq_count", 497, "irq_count must be 0..496"), ("irq_count", -1, "irq_count must be 0..496"),
    ("memory.flash.origin", 1 << 32, "32-bit address"), ("memory.flash.origin", 2, "4-byte aligned"),
    ("memory.ram.length", 0, "size must be positive"), ("memory.ram.length", "0K", "expected a size"),
    ("memory.ram.length", "5000M", "past the 4 GiB"), ("memory.ram.length", "-1K", "expected a size"),
    ("memory.ram.length", "12Q", "expected a size"), ("memory.ram.length", 1001, "multiple of 4 bytes"),
    ("memory.ram.origin", 0, "overlap"),
    ("qemu.serial_index", 5, "serial_index must be 0..4"), ("qemu.serial_index", -1, "serial_index must be 0..4"),
    ("qemu.serial_index", 100, "serial_index must be 0..4"),
]:
    board_case(f"{key}={value}", _set(key, value), what)

# baud too fast for the UART's clock
board_case("baud-above-clock", lambda d: d["console"].update(baud=115200, clock_hz=1000), "too fast for clock_hz")

# wrong types
for key, value, what in [("core", 4, "'core' must be str"), ("console.base", "0x40004000", "'base' must be int"),
                         ("irq_count", True, "'irq_count' must be int"), ("qemu.extra_args", "-s", "must be list"),
                         ("qemu.extra_args", [1], "extra_args must be a list of strings"),
                         ("console.setup", [1, 2], "setup must be a list of [address, bits] pairs"),
                         ("memory", "4M", "expected a table"), ("exit", 1, "'exit' must be str")]:
    board_case(f"type-{key}={value!r}", _set(key, value), what)

# unknown keys and names that are not allowed
for key, value, what in [("nmae", "x", "unknown key(s) nmae"), ("console.buad", 9600, "unknown key(s) buad"),
                         ("memory.eeprom", {"origin": 0, "length": 4}, "unknown key(s) eeprom"),
                         ("qemu.serial", 1, "unknown key(s) serial"),
                         ("core", "cortex-m99", "unknown core 'cortex-m99'"),
                         ("console.driver", "pl011", "unknown console driver 'pl011'"),
                         ("timer.driver", "pit", "unknown timer driver 'pit'"),
                         ("exit", "reset", "exit must be one of"),
                         ("qemu.machine", "mps2 an386", "must be a QEMU machine name"),
                         ("pyocd", {"target": ""}, "must be a pyOCD target name"),
                         ("name", "another-board", "does not match the file name")]:
    board_case(f"{key}={value!r}", _set(key, value), what)
board_case("name-with-quote", _set("name", 'we"ird'), "name must be letters", file_name='we"ird')
board_case("name-with-space", _set("name", "my board"), "name must be letters", file_name="my board")
board_case("variant-not-a-table", _set("variants", {"a": 1}), "[variants] must hold one table per variant")
board_case("default-variant-without-variants", _set("default_variant", "a"), "no [variants] table")


# boards QEMU itself refuses: the error quotes QEMU's stderr
board_case("qemu-rejects-an-option", _set("qemu.extra_args", ["-no-such-option"]),
           "QEMU failed (exit status 1): qemu-system-arm: -no-such-option: invalid option")
board_case("qemu-unknown-machine", _set("qemu.machine", "nonesuch-board"), "unsupported machine type")


@case("board-file-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "dir.toml").mkdir()
    return Outcome(["run", str(SEED_ELF), "--board", str(tmp / "dir.toml")], str(tmp / "dir.toml"), "not found")


@case("board-file-missing")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["run", str(SEED_ELF), "--board", str(tmp / "gone.toml")], str(tmp / "gone.toml"), "not found")


@case("board-unknown-name")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["run", str(SEED_ELF), "--board", "qemu-nonesuch"], "qemu-nonesuch", "unknown board")


@case("board-unknown-variant")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["run", str(SEED_ELF), "--board", "nucleo-f4@f999"], "nucleo-f4.toml", "unknown variant 'f999'")


@case("board-variant-of-board-without-variants")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["run", str(SEED_ELF), "--board", "qemu-mps2-an386", "--variant", "x"], "qemu-mps2-an386.toml",
                   "has no variants")


for data_file, what in [("binary.toml", "a binary file"), ("empty.toml", "missing required key 'name'"),
                        ("non-utf8.toml", "not UTF-8"), ("not-toml.toml", "not valid TOML"),
                        ("variants-without-default.toml", "no default_variant")]:
    def _make(tmp: Path, fx: dict, data_file: str = data_file, what: str = what) -> Outcome:
        path = tmp / data_file
        shutil.copyfile(DATA / "board" / data_file, path)
        return Outcome(["run", str(SEED_ELF), "--board", str(path)], str(path), what)
    CASES.append(Case(f"board-data-{data_file}", _make))


# ---- mcusplit.toml ---------------------------------------------------------------------------------

def project_case(case_id: str, toml: str | bytes, what: str, where_key: str = "") -> None:
    def make(tmp: Path, fx: dict) -> Outcome:
        proj = tmp / "proj"
        proj.mkdir()
        (proj / "main.c").write_text("int main(void) { return 0; }\n")
        config = proj / "mcusplit.toml"
        config.write_bytes(toml if isinstance(toml, bytes) else toml.encode())
        out = tmp / "out"
        return Outcome(["build", str(proj), "--board", "qemu-mps2-an386", "-o", str(out), "-q"], str(config),
                       what + where_key, no_outputs=out, before_work=True)
    CASES.append(Case(f"project-{case_id}", make))


for toml, what in [
    ("[pools]\nsegments = 4\n", "unknown top-level table [pools] (did you mean [pool]?)"),
    ("[split-stack]\ncheck_elision = 'none'\n", "unknown top-level table [split-stack] (did you mean [split_stack]?)"),
    ("[analysis]\ntasks = []\n", "unknown top-level table [analysis]"),
    ("name = 'p'\n", "unknown top-level key 'name'"),
    ("[project]\nnme = 'x'\n", "unknown key(s) nme (allowed: cflags"),
    ("[pool]\nsegmnets = 4\n", "unknown key(s) segmnets (allowed: guard"),
    ("[split_stack]\ncheck_elison = 'none'\n", "unknown key(s) check_elison"),
    ("[tasks]\nmax_task = 4\n", "unknown key(s) max_task (allowed: contiguous_stack, max_tasks)"),
    ("[analyze]\nrecursoin = {}\n", "unknown key(s) recursoin (allowed: allow_unbounded"),
    ("[analyze.interrupts]\nnestng = 'none'\n", "unknown key(s) nestng (allowed: nesting, priorities)"),
    ("[project]\nname = 'a/b'\n", "name must be a plain file name"),
    ("[project]\nname = 'a\\\\b'\n", "name must be a plain file name"),
    ("[project]\nname = '..'\n", "name must be a plain file name"),
    ("[project]\nname = ''\n", "name must be a plain file name"),
    ("[project]\nname = '.hidden'\n", "name must be a plain file name"),
    ("[project]\nname = ' spaced '\n", "name must be a plain file name"),
    ("[project]\nname = \"bell\\u0007\"\n", "name must be a plain file name"),
    ("[project]\nname = '" + "n" * 250 + "'\n", "name is too long"),
    ("[project]\nname = 5\n", "'name' must be str"),
    ("[pool]\nsegment_size = 1000\n", "power of two"),
    ("[pool]\nsegment_size = 128\n", "power of two from 256"),
    ("[pool]\nsegment_size = 131072\n", "power of two from 256 to 65536"),
    ("[pool]\nsegments = 0\n", "pool.segments must be 1..4096"),
    ("[pool]\nsegments = 5000\n", "pool.segments must be 1..4096"),
    ("[pool]\nreserve = 7\n", "multiple of 8"),
    ("[pool]\nreserve = 9999\n", "multiple of 8 from 64 to half a segment"),
    ("[pool]\nguard = 'maybe'\n", "pool.guard must be one of"),
    ("[split_stack]\ncheck_elision = 'most'\n", "check_elision must be one of"),
    ("[split_stack]\nleaf_allowance = 3\n", "leaf_allowance must be a multiple of 4"),
    ("[split_stack]\nleaf_allowance = 256\n", "leaf_allowance must be a multiple of 4 from 0 to 128"),
    ("[split_stack]\ncover_budget = -1\n", "cover_budget must be 0..1024"),
    ("[split_stack]\nbig_stack = { 'bad name' = 64 }\n", "C symbol name"),
    ("[split_stack]\nbig_stack = { f = 10 }\n", "multiple of 8 from 64"),
    ("[split_stack]\nno_split_stack = 'x'\n", "'no_split_stack' must be list"),
    ("[tasks]\nmax_tasks = 0\n", "tasks.max_tasks must be 1..256"),
    ("[tasks]\nmax_tasks = 300\n", "tasks.max_tasks must be 1..256"),
    ("[project]\nlibc = 'glibc'\n", "project.libc must be one of"),
    ("[project]\nsources = ['nothing*.c']\n", "matches no file"),
    ("[project]\ninclude_dirs = ['missing']\n", "include directory 'missing' does not exist"),
    ("[project]\ndefines = { A = [1] }\n", "'defines.A' must be str or int"),
    ("[project]\ncflags = '-O2'\n", "'cflags' must be list"),
    ("[analyze.indirect]\n\"0xzz\" = ['f']\n", "'0xzz': a call site must be a 32-bit hex address"),
    ("[analyze.indirect]\n\"0x1_00\" = ['f']\n", "'0x1_00': a call site must be a 32-bit hex address"),
    ("[analyze.indirect]\n\"0x100000000\" = ['f']\n", "a call site must be a 32-bit hex address"),
    ("[analyze.indirect]\ndispatch = 'f'\n", "[analyze.indirect] 'dispatch' must be list"),
    ("[analyze.recursion]\ndescend = 0\n", "the bound must be at least 1"),
    ("[analyze.interrupts]\nnesting = 'some'\n", "nesting must be one of"),
    ("[analyze.interrupts]\npriorities = { SysTick_Handler = 300 }\n", "must be 0..255"),
    ("[analyze]\nallow_unresolved = true\n", "allow_unresolved is gone"),
]:
    label = toml.split("\n")[0].strip("[]").replace(" ", "")
    project_case(f"{label}-{zlib.crc32(toml.encode()) % 10_000:04d}", toml, what)

for data_file, what in [("binary.toml", "a binary file"), ("non-utf8.toml", "not UTF-8"),
                        ("not-toml.toml", "not valid TOML")]:
    project_case(f"data-{data_file}", (DATA / "project" / data_file).read_bytes(), what)


@case("project-mcusplit.toml-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    proj = tmp / "proj"
    (proj / "mcusplit.toml").mkdir(parents=True)
    (proj / "main.c").write_text("int main(void) { return 0; }\n")
    return Outcome(["build", str(proj), "-b", "qemu-mps2-an386", "-o", str(tmp / "out")], str(proj / "mcusplit.toml"),
                   "is a directory", no_outputs=tmp / "out", before_work=True)


@case("project-mcusplit.toml-dangling-symlink")
def _(tmp: Path, fx: dict) -> Outcome:
    proj = tmp / "proj"
    proj.mkdir()
    (proj / "mcusplit.toml").symlink_to(tmp / "nowhere.toml")
    (proj / "main.c").write_text("int main(void) { return 0; }\n")
    return Outcome(["build", str(proj), "-b", "qemu-mps2-an386", "-o", str(tmp / "out")], str(proj / "mcusplit.toml"),
                   "no such file", no_outputs=tmp / "out", before_work=True)


@case("project-missing")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["build", str(tmp / "gone"), "-b", "qemu-mps2-an386", "-o", str(tmp / "out")], str(tmp / "gone"),
                   "no such file or directory", no_outputs=tmp / "out", before_work=True)


@case("project-without-sources")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "empty").mkdir()
    return Outcome(["build", str(tmp / "empty"), "-b", "qemu-mps2-an386", "-o", str(tmp / "out")],
                   str(tmp / "empty"), "no sources", no_outputs=tmp / "out", before_work=True)


@case("project-two-rust-crates")
def _(tmp: Path, fx: dict) -> Outcome:
    proj = tmp / "proj"
    proj.mkdir()
    for name in ("a.rs", "b.rs"):
        (proj / name).write_text("#![no_std]\n")
    (proj / "mcusplit.toml").write_text("[project]\nsources = ['*.rs']\n")
    return Outcome(["build", str(proj), "-b", "qemu-mps2-an386", "-o", str(tmp / "out")], str(proj / "mcusplit.toml"),
                   "one Rust crate per project", no_outputs=tmp / "out", before_work=True)


# analyze --config reads the same files
for name, content, what in [("config-pools", b"[pools]\nsegments = 4\n", "unknown top-level table [pools]"),
                            ("config-non-utf8", b"[analyze]\ntasks = ['\xff']\n", "not UTF-8"),
                            ("config-site", b"[analyze.indirect]\n\"0xq\" = ['f']\n", "32-bit hex address")]:
    def _make(tmp: Path, fx: dict, content: bytes = content, what: str = what) -> Outcome:
        config = tmp / "mcusplit.toml"
        config.write_bytes(content)
        return Outcome(["analyze", str(SEED_ELF), "--config", str(config)], str(config), what)
    CASES.append(Case(f"analyze-{name}", _make))


@case("analyze-config-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["analyze", str(SEED_ELF), "--config", str(tmp)], str(tmp), "is a directory")


# ---- sources and LLVM IR (these reach the compiler) ------------------------------------------------

for data_file, what in [("syntax.c", "expected ';'"), ("error-directive.c", "this configuration is not supported"),
                        ("missing-include.c", "'no_such_header.h' file not found"),
                        ("implicit-declaration.c", "undeclared_function"),
                        ("clang-crash.c", "clang crashed"), ("binary-junk.c", "expected identifier"),
                        ("undefined-symbol.c", "undefined symbol: defined_nowhere"),
                        ("malformed.ll", "expected value token"),
                        ("unknown-instruction.ll", "expected instruction opcode"),
                        ("type-mismatch.ll", "value doesn't match function result type"),
                        ("undefined-function.ll", "undefined symbol: missing_everywhere"),
                        ("truncated.bc", "bitcode"), ("not-bitcode.bc", "Invalid bitcode signature"),
                        ("notes.txt", "not a source file")]:
    def _make(tmp: Path, fx: dict, data_file: str = data_file, what: str = what) -> Outcome:
        # a directory name with a space, quotes, a backslash and non-ASCII: messages name it as it is
        src_dir = tmp / "src dir 'q' \\ é"
        src_dir.mkdir()
        source = src_dir / data_file
        shutil.copyfile(DATA / "sources" / data_file, source)
        out = tmp / "out"
        return Outcome(["build", str(source), "-b", "qemu-mps2-an386", "-o", str(out), "-q"], data_file, what,
                       no_outputs=out)
    CASES.append(Case(f"source-{data_file}", _make))


# ---- ELF images --------------------------------------------------------------------------------------

def elf_case(case_id: str, make_elf: Callable[[Path, dict], Path], what: str,
             commands: tuple[str, ...] = ("run", "analyze")) -> None:
    for command in commands:
        def make(tmp: Path, fx: dict, command: str = command) -> Outcome:
            elf = make_elf(tmp, fx)
            args = ["run", str(elf), "-b", "qemu-mps2-an386", "--timeout", "5"] if command == "run" else \
                [command, str(elf)] + (["0x100"] if command == "symbolize" else [])
            return Outcome(args, str(elf), what)
        CASES.append(Case(f"elf-{command}-{case_id}", make))


def _copy(name: str) -> Callable[[Path, dict], Path]:
    def make(tmp: Path, fx: dict) -> Path:
        target = tmp / "image.elf"
        shutil.copyfile(ROOT / "tests" / "corpus" / "elf" / name, target)
        return target
    return make


def _bytes(data: bytes) -> Callable[[Path, dict], Path]:
    def make(tmp: Path, fx: dict) -> Path:
        (tmp / "image.elf").write_bytes(data)
        return tmp / "image.elf"
    return make


elf_case("empty", _copy("empty.elf"), "ELF")
elf_case("header-only", _copy("header-only.elf"), "not a readable ELF file")
elf_case("magic-only", _copy("magic-only.elf"), "not a readable ELF file")
elf_case("truncated", _bytes(SEED_ELF.read_bytes()[:300]), "ELF")
elf_case("text", _bytes(b"just some text\n"), "ELF")
elf_case("x86-64", lambda tmp, fx: Path(shutil.copyfile("/bin/true", tmp / "image.elf")), "EM_X86_64")
elf_case("missing", lambda tmp, fx: tmp / "gone.elf", "no such")
elf_case("a-directory", lambda tmp, fx: Path(os.makedirs(tmp / "dir.elf") or tmp / "dir.elf"), "dir.elf")
elf_case("symtab-not-symbols", lambda tmp, fx: Path(shutil.copyfile(
    ROOT / "tests" / "corpus" / "inputs" / "elf-symtab-not-symbols.elf", tmp / "image.elf")), "symbol",
    commands=("symbolize",))


for other in ("qemu-microbit", "qemu-lm3s6965evb", "nucleo-f4"):
    def _make(tmp: Path, fx: dict, other: str = other) -> Outcome:
        elf = fx["console_elf"](0)
        return Outcome(["run", str(elf), "-b", other, "--timeout", "5"], str(elf),
                       f"built for board 'qemu-mps2-an386', not for '{other}'")
    CASES.append(Case(f"elf-run-built-for-another-board-{other}", _make))


@case("elf-flash-built-for-another-board")
def _(tmp: Path, fx: dict) -> Outcome:
    # refused before any probe is looked for: a real board is never programmed with another's image
    elf = fx["console_elf"](0)
    return Outcome(["flash", str(elf), "-b", "nucleo-f4", "--probe", "0670FFNOSUCH"], str(elf),
                   "built for board 'qemu-mps2-an386', not for 'nucleo-f4' (flash it with --board qemu-mps2-an386")


# ---- the build record next to an ELF (.build.json) ----------------------------------------------------

for data_file in sorted(p.name for p in (DATA / "build_record").iterdir()):
    def _make(tmp: Path, fx: dict, data_file: str = data_file) -> Outcome:
        elf = tmp / "fw.elf"
        shutil.copyfile(SEED_ELF, elf)
        shutil.copyfile(DATA / "build_record" / data_file, tmp / "fw.build.json")
        return Outcome(["analyze", str(elf)], str(tmp / "fw.build.json"), "damaged build record")
    CASES.append(Case(f"build-record-{data_file}", _make))


@case("build-record-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    shutil.copyfile(SEED_ELF, tmp / "fw.elf")
    (tmp / "fw.build.json").mkdir()
    return Outcome(["analyze", str(tmp / "fw.elf")], str(tmp / "fw.build.json"), "damaged build record")


# ---- baseline JSON ------------------------------------------------------------------------------------

for data_file, what in [("cut-short.json", "not an analysis JSON file"), ("a-list.json", "not an mcusplit analysis"),
                        ("schema-7.json", "not an mcusplit analysis"), ("no-entries.json", "not an mcusplit analysis"),
                        ("non-utf8.json", "not an analysis JSON file"), ("empty.json", "not an analysis JSON file"),
                        ("no-needed.json", "missing key 'needed'"), ("entries-not-list.json", "entries must be list"),
                        ("entry-without-name.json", "entries[0]: missing key 'name'"),
                        ("path-not-list.json", "entries[0].path must be list"),
                        ("path-step-without-function.json", "entries[0].path[0]: missing key 'function'"),
                        ("cycle-bound-string.json", "cycles[0].bound must be int"),
                        ("no-check.json", "missing key 'check'"),
                        ("check-passed-string.json", "check.passed must be bool"),
                        ("unresolved-not-object.json", "unresolved[0] must be an object"),
                        ("null-entry.json", "entries[0] must be an object"),
                        ("source-a-list.json", "unresolved[0].source must be str"),
                        ("cycle-functions-not-names.json", "cycles[0].functions must be a list of names"),
                        ("pool-without-size.json", "pool: missing key 'segment_size'"),
                        ("deeply-nested.json", "not an analysis JSON file")]:
    def _make(tmp: Path, fx: dict, data_file: str = data_file, what: str = what) -> Outcome:
        baseline = tmp / data_file
        shutil.copyfile(DATA / "baseline" / data_file, baseline)
        report = tmp / "report.json"
        return Outcome(["analyze", str(SEED_ELF), "--format", "json", "-o", str(report), "--baseline", str(baseline)],
                       str(baseline), what, no_file=report)
    CASES.append(Case(f"baseline-{data_file}", _make))


@case("baseline-missing")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["analyze", str(SEED_ELF), "--baseline", str(tmp / "gone.json")], str(tmp / "gone.json"),
                   "no such baseline file")


@case("baseline-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["analyze", str(SEED_ELF), "--baseline", str(tmp)], str(tmp), "is a directory")


# ---- console output of a run (real QEMU, one image patched per case) ------------------------------------

for mode, status, what in [(1, 1, "no console output at all"), (2, 1, "no '@mcusplit v1 exit' line"),
                           (3, 1, "malformed exit line '@mcusplit v1 exit code=abc'"),
                           (4, 1, "exit line with status 300, outside 0..255"),
                           (5, 1, "exit line with status -1, outside 0..255"),
                           (6, 1, "malformed exit line '@mcusplit v1 exit'"),
                           (7, 1, "exit line with status 511"), (8, 1, "status 99999999999999999999"),
                           (9, 1, "no '@mcusplit v1 exit' line"), (10, 124, "no exit after 1.5 s"),
                           (11, 1, "malformed exit line"), (12, 1, "no '@mcusplit v1 exit' line"),
                           (13, 1, "no '@mcusplit v1 exit' line"), (14, 1, "malformed exit line"),
                           (15, 1, "malformed exit line"), (16, 1, "no '@mcusplit v1 exit' line"),
                           (17, 103, "the core locked up before an exit line (QEMU: qemu: fatal: Lockup")]:
    def _make(tmp: Path, fx: dict, mode: int = mode, status: int = status, what: str = what) -> Outcome:
        elf = fx["console_elf"](mode, tmp)
        return Outcome(["run", str(elf), "-b", "qemu-mps2-an386", "--timeout", "1.5"], str(elf), what, status=status)
    CASES.append(Case(f"console-mode-{mode}", _make))


# ---- command-line options (click's own errors: "Error: Invalid value for ...") ---------------------------

for args, option in [(["run", str(SEED_ELF), "-b", "qemu-mps2-an386", "--timeout", "nan"], "--timeout"),
                     (["run", str(SEED_ELF), "-b", "qemu-mps2-an386", "--timeout", "inf"], "--timeout"),
                     (["run", str(SEED_ELF), "-b", "qemu-mps2-an386", "--timeout", "-1"], "--timeout"),
                     (["run", str(SEED_ELF), "-b", "qemu-mps2-an386", "--timeout", "0"], "--timeout"),
                     (["run", str(SEED_ELF), "-b", "qemu-mps2-an386", "--timeout", "soon"], "--timeout"),
                     (["build", "examples/recursion", "-b", "qemu-mps2-an386", "-j", "-1"], "-j"),
                     (["build", "examples/recursion", "-b", "qemu-mps2-an386", "-j", "0"], "-j"),
                     (["build", "examples/recursion", "-b", "qemu-mps2-an386", "--check-elision", "most"],
                      "--check-elision"),
                     (["analyze", str(SEED_ELF), "--stack-size", "0"], "--stack-size"),
                     (["analyze", str(SEED_ELF), "--format", "pdf"], "--format"),
                     (["run", str(SEED_ELF)], "--board"),
                     (["fuzz", "-b", "qemu-mps2-an386", "--count", "0"], "--count")]:
    def _make(tmp: Path, fx: dict, args: list[str] = args, option: str = option) -> Outcome:
        return Outcome(args, option, "", usage=True)
    CASES.append(Case(f"option-{args[0]}-{'_'.join(args[-2:])}", _make))


@case("option-symbolize-not-an-address")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["symbolize", str(SEED_ELF), "zz"], "'zz'", "not an address")


# ---- file-system conditions ------------------------------------------------------------------------------

@case("fs-output-is-a-file")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "out").write_text("a file\n")
    return Outcome(["build", "examples/recursion", "-b", "qemu-mps2-an386", "-o", str(tmp / "out")], str(tmp / "out"),
                   "is a file, not a directory")


@case("fs-output-under-a-file")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "file").write_text("a file\n")
    return Outcome(["build", "examples/recursion", "-b", "qemu-mps2-an386", "-o", str(tmp / "file" / "out")],
                   str(tmp / "file" / "out"), "is a file, not a directory")


@case("fs-output-under-proc")
def _(tmp: Path, fx: dict) -> Outcome:
    # /proc refuses new directories to root as well
    target = Path(f"/proc/self/mcusplit-{tmp.name}")
    return Outcome(["build", "examples/recursion", "-b", "qemu-mps2-an386", "-o", str(target)], str(target),
                   "cannot create the output directory")


def _read_only_tmpfs(tmp: Path) -> Path:
    mount = tmp / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {done.stderr.decode().strip()}")
    return mount


def _unmount(mount: Path) -> Callable[[], None]:
    return lambda: subprocess.run(["umount", str(mount)], capture_output=True)


@case("fs-output-on-read-only-mount")
def _(tmp: Path, fx: dict) -> Outcome:
    mount = _read_only_tmpfs(tmp)
    return Outcome(["build", "examples/recursion", "-b", "qemu-mps2-an386", "-o", str(mount / "out")],
                   str(mount / "out"), "Read-only file system", cleanup=_unmount(mount))


@case("fs-analyze-output-on-read-only-mount")
def _(tmp: Path, fx: dict) -> Outcome:
    mount = _read_only_tmpfs(tmp)
    return Outcome(["analyze", str(SEED_ELF), "-o", str(mount / "r.txt")], str(mount / "r.txt"), "cannot write",
                   no_file=mount / "r.txt", cleanup=_unmount(mount))


@case("fs-analyze-output-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["analyze", str(SEED_ELF), "-o", str(tmp)], str(tmp), "is a directory")


@case("fs-analyze-output-missing-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["analyze", str(SEED_ELF), "-o", str(tmp / "no" / "r.txt")], str(tmp / "no" / "r.txt"),
                   "no directory", no_file=tmp / "no" / "r.txt")


@case("fs-analyze-output-under-a-file")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "file").write_text("x\n")
    return Outcome(["analyze", str(SEED_ELF), "-o", str(tmp / "file" / "r.txt")], str(tmp / "file" / "r.txt"),
                   "is not a directory")


@case("fs-build-output-locked-by-another-build")
def _(tmp: Path, fx: dict) -> Outcome:
    out = tmp / "out"
    out.mkdir()
    # another process holds the lock (as a running build does) and names itself in the lock file
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(out / '.mcusplit.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "os.write(fd, f'{os.getpid()} build\\n'.encode())\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"

    def stop() -> None:
        holder.kill()
        holder.wait()
    return Outcome(["build", "examples/recursion", "-b", "qemu-mps2-an386", "-o", str(out)], str(out),
                   f"another mcusplit build (pid {holder.pid}) is writing this directory", no_outputs=out, cleanup=stop)


@case("fs-fuzz-json-is-a-directory")
def _(tmp: Path, fx: dict) -> Outcome:
    # checked before the campaign: a long run must not end in a write that cannot work
    return Outcome(["fuzz", "-b", "qemu-mps2-an386", "-n", "1", "--json", str(tmp)], str(tmp),
                   "is a directory; --json names the report file")


@case("fs-fuzz-failures-under-a-file")
def _(tmp: Path, fx: dict) -> Outcome:
    (tmp / "file").write_text("x\n")
    return Outcome(["fuzz", "-b", "qemu-mps2-an386", "-n", "1", "--failures", str(tmp / "file" / "f")],
                   str(tmp / "file" / "f"), "failures directory")


@case("fs-elf-under-proc")
def _(tmp: Path, fx: dict) -> Outcome:
    return Outcome(["run", "/proc/self/no-such.elf", "-b", "qemu-mps2-an386"], "/proc/self/no-such.elf", "no such")


# ---- the runner ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fx(tmp_path_factory) -> dict:
    """Shared inputs: the console image (built once; cases patch its mode word into copies)."""
    from mcusplit import boards, build, project

    base = tmp_path_factory.mktemp("bad-inputs-shared")
    built = build.build(project.load(DATA / "console"), boards.load("qemu-mps2-an386"), base / "out")

    def console_elf(mode: int, where: Path | None = None) -> Path:
        # patched through the symbol: the value alone is not unique in every build (a build in
        # another directory held the same four bytes in its debug information)
        if mode == 0:
            return built.elf
        return patch_object(built.elf, (where or base) / f"console-mode-{mode}.elf", "console_mode",
                            [CONSOLE_MODE | mode], first=CONSOLE_MODE)

    return {"console_elf": console_elf}


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(cmdline)
    return found


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input(bad: Case, fx, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    outcome = bad.make(tmp_path, fx)
    try:
        result = CliRunner().invoke(main, outcome.args, catch_exceptions=True)
    finally:
        if outcome.cleanup:
            outcome.cleanup()
    stderr = result.stderr or ""
    everything = (result.stdout or "") + stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{type(result.exception).__name__}: {result.exception}"
    assert "Traceback" not in everything and "internal error" not in everything, everything[-800:]
    assert result.exit_code == outcome.status, f"exit {result.exit_code}: {stderr[-800:]}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if outcome.usage:
        errors = [line for line in lines if line.startswith("Error:")]
        assert len(errors) == 1 and outcome.where in errors[0], stderr
    else:
        # progress lines (-q is not on every case) are not errors; exactly one error line
        errors = [line for line in lines if line.startswith("mcusplit: error:")]
        others = [line for line in lines if not line.startswith(("mcusplit: error:", "compiling", "linking",
                                                                 "watermarks:"))]
        assert len(errors) == 1 and not others, stderr
        assert outcome.where in errors[0], f"does not name {outcome.where!r}: {errors[0]}"
        assert outcome.what in errors[0], f"does not say {outcome.what!r}: {errors[0]}"
    if outcome.no_outputs is not None and outcome.no_outputs.exists():
        published = [p.name for p in outcome.no_outputs.iterdir() if p.name.endswith(OUTPUTS)]
        assert not published, f"partial outputs published: {published}"
    if outcome.before_work:
        assert outcome.no_outputs is not None and not outcome.no_outputs.exists(), \
            "found only after the build started (the output directory was made)"
    if outcome.no_file is not None:
        assert not outcome.no_file.exists(), f"{outcome.no_file} was written"
    deadline = time.monotonic() + 5
    while processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not processes_mentioning(str(tmp_path)), processes_mentioning(str(tmp_path))


def test_the_corpus_is_big_and_distinct():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be distinct"
