"""Input fuzzing of the tools (issue 11, item 6): every file the CLI reads, damaged or made up.

Whatever the input, the command ends with one line on stderr and a documented exit status (0, 1
for a failed --check, 2 for bad input), never a traceback and never an "internal error" (status
70). The commands run in-process (click's test runner) so hypothesis can try hundreds of inputs;
tests/test_boards.py and tests/test_analyzer.py cover the same loaders from the API side.

Inputs that once broke a loader are kept as @example()s here and as files in tests/corpus/inputs/
(README.md there lists each). All are fixed since issue 12; KNOWN and OPEN stay (empty) for the
next crash found: a property test may accept a known crash so that it keeps looking for new ones,
and test_corpus_of_inputs pins an open one down as an xfail until it is fixed. The hand-made
corpus of bad inputs is tests/test_bad_inputs.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mcusplit import project
from mcusplit.analysis import config as analysis_config
from mcusplit.cli import main
from mcusplit.errors import McusplitError

ROOT = Path(__file__).resolve().parent.parent
SEED_ELF = ROOT / "tests" / "corpus" / "elf" / "seed-recursion-m4.elf"
INPUTS = ROOT / "tests" / "corpus" / "inputs"
BOARD = (ROOT / "boards" / "qemu-mps2-an386.toml").read_text()
DOCUMENTED = {0, 1, 2}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def cli(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=True)


# Crashes found in mcusplit/analysis/ once (fixed by issue 12; the corpus keeps them as tests).
KNOWN: dict[str, re.Pattern] = {}


def assert_clean(result, what: str, known: str | None = None) -> None:
    """A documented status, no traceback, no internal error, at most one error line."""
    text = (result.stdout or "") + (result.stderr or "")
    if known and known in KNOWN and result.exit_code == 70 and KNOWN[known].search(text):
        return                   # a known crash (see KNOWN); test_corpus_of_inputs keeps it visible
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{what}: {type(result.exception).__name__}: {result.exception}"
    assert result.exit_code in DOCUMENTED, f"{what}: exit {result.exit_code}: {text[-600:]}"
    assert "Traceback" not in text and "internal error" not in text, f"{what}: {text[-600:]}"
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1, f"{what}: more than one error line: {errors}"


# ---- TOML text: damaged real files and made-up tables ------------------------------------------

toml_scalars = st.one_of(st.integers(-2**70, 2**70).map(str), st.booleans().map(lambda b: str(b).lower()),
                         st.text(max_size=12).map(json.dumps), st.floats(allow_nan=False).map(repr),
                         st.sampled_from(['"4M"', '"16K"', '"0x20000000"', '[]', '[[1, 2]]', '{}', '"-1K"',
                                          '"99999999999M"', '[["a", 1]]', '"cortex-m4f"', '"semihosting"']))


@st.composite
def damaged_toml(draw, original: str):
    """The original text with lines dropped, values replaced, or bytes flipped."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "value", "dup", "garble"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(toml_scalars)}"
        else:
            k = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:k] + draw(st.text(max_size=3)) + lines[i][k + 1:]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["qemu-mps2-an386", "nucleo-f4", "qemu-microbit"])
@FUZZ
@given(data=st.data())
def test_board_files(tmp_path, name, data):
    original = (ROOT / "boards" / f"{name}.toml").read_text()
    text = data.draw(damaged_toml(original))
    board = tmp_path / f"{name}.toml"
    board.write_text(text)
    result = cli("run", "--board", str(board), str(tmp_path / "missing.elf"))
    assert_clean(result, f"board file:\n{text}")


PROJECT_TOML = """[project]
name = "p"
sources = ["*.c"]
include_dirs = ["."]
defines = { A = 1, B = "x" }
cflags = ["-O2"]

[pool]
segment_size = 1024
segments = 8
reserve = 256
guard = "auto"

[tasks]
max_tasks = 4

[split_stack]
no_split_stack = ["f*"]
check_elision = "leaf"
leaf_allowance = 32
cover_budget = 256

[analyze]
allow_unbounded = false
tasks = []

[analyze.recursion]
descend = 48

[analyze.indirect]
dispatch = ["on_rx"]
"0x100" = ["on_tx"]

[analyze.interrupts]
nesting = "priority"
priorities = { SysTick_Handler = 128 }
"""


@FUZZ
@given(data=st.data())
def test_project_files(tmp_path, data):
    """mcusplit.toml as the build reads it (project.load) and as analyze reads it (--config)."""
    text = data.draw(damaged_toml(PROJECT_TOML))
    case = tmp_path / "p"
    case.mkdir(exist_ok=True)
    (case / "main.c").write_text("int main(void) { return 0; }\n")
    (case / "mcusplit.toml").write_text(text)
    try:
        project.load(case)
    except McusplitError as exc:
        assert "\n" not in exc.one_line()
    result = cli("analyze", str(SEED_ELF), "--config", str(case / "mcusplit.toml"))
    assert_clean(result, f"mcusplit.toml:\n{text}", known="config")


@FUZZ
@given(raw=st.binary(max_size=300))
@example(raw=b"\xff\xfe[project]\n")
@example(raw=b"[analyze.recursion]\n\"\\u0000\" = 1\n")
def test_project_files_as_bytes(tmp_path, raw):
    case = tmp_path / "p"
    case.mkdir(exist_ok=True)
    (case / "main.c").write_text("int main(void) { return 0; }\n")
    (case / "mcusplit.toml").write_bytes(raw)
    try:
        project.load(case)
    except McusplitError as exc:
        assert "\n" not in exc.one_line()
    try:
        analysis_config.load(case / "mcusplit.toml")
    except McusplitError as exc:
        assert "\n" not in exc.one_line()
    assert_clean(cli("analyze", str(SEED_ELF), "--config", str(case / "mcusplit.toml")), repr(raw), known="config")


# ---- ELF ------------------------------------------------------------------------------------------

@st.composite
def damaged_elf(draw):
    data = bytearray(SEED_ELF.read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        # Mostly the headers and tables at the start and the end, where damage matters most.
        region = draw(st.sampled_from(["head", "tail", "any"]))
        if region == "head":
            i = draw(st.integers(0, min(len(data), 512) - 1))
        elif region == "tail":
            i = draw(st.integers(max(0, len(data) - 4096), len(data) - 1))
        else:
            i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(elf=damaged_elf())
def test_elf_files(tmp_path, elf):
    path = tmp_path / "fw.elf"
    path.write_bytes(elf)
    assert_clean(cli("analyze", str(path)), "analyze")
    assert_clean(cli("analyze", str(path), "--check", "--format", "json"), "analyze --check")
    assert_clean(cli("symbolize", str(path), "0x100", "1234"), "symbolize", known="symbolize")


# ---- baseline JSON --------------------------------------------------------------------------------

json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=8)
                           | st.floats(allow_nan=False),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4),
                           max_leaves=20)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("baseline") / "b.json"
    result = cli("analyze", str(SEED_ELF), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return json.loads(out.read_text())


@FUZZ
@given(data=st.data())
def test_baseline_files(tmp_path, baseline, data):
    """A real baseline with parts replaced by anything JSON can hold, or not JSON at all."""
    doc = json.loads(json.dumps(baseline))
    for _ in range(data.draw(st.integers(1, 4))):
        key = data.draw(st.sampled_from(sorted(doc)))
        if data.draw(st.booleans()) and isinstance(doc[key], list) and doc[key]:
            i = data.draw(st.integers(0, len(doc[key]) - 1))
            doc[key][i] = data.draw(json_values)
        else:
            doc[key] = data.draw(json_values)
    text = json.dumps(doc) if data.draw(st.integers(0, 9)) else data.draw(st.text(max_size=40))
    path = tmp_path / "baseline.json"
    path.write_text(text)
    assert_clean(cli("analyze", str(SEED_ELF), "--baseline", str(path)), f"baseline: {text[:400]}",
                 known="baseline")


# ---- console logs for symbolize ------------------------------------------------------------------

runtime_lines = st.builds(
    lambda kind, fields: f"@mcusplit v1 {kind} " + " ".join(f"{k}={v}" for k, v in fields),
    st.sampled_from(["fault", "pool-exhausted", "hot-split", "stats", "exit", "x"]),
    st.lists(st.tuples(st.sampled_from(["fn", "site", "pc", "lr", "sp", "code"]),
                       st.one_of(st.integers(0, 2**64).map(hex), st.text(max_size=6),
                                 st.sampled_from(["0x", "0xFFFFFFFF", "0x" + "f" * 40, "-0x10"]))),
             max_size=5))


@FUZZ
@given(lines=st.lists(st.one_of(runtime_lines, st.text(max_size=40)), max_size=8),
       junk=st.binary(max_size=20))
@example(lines=["@mcusplit v1 fault pc=0x" + "f" * 40], junk=b"")
@example(lines=[], junk=b"\xff\xfe\x00@mcusplit v1 fault pc=0x100\n")
def test_console_logs(lines, junk):
    log = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass") + junk
    result = cli("symbolize", str(SEED_ELF), stdin=log)
    assert_clean(result, f"log: {log[:300]!r}")


OPEN: dict[str, str] = {}   # corpus inputs that still crash (none since issue 12)


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=False, reason=f"issue 12: {OPEN[p.name]}")) if p.name in OPEN
    else p for p in sorted(INPUTS.glob("*")) if p.name != "README.md"], ids=lambda p: p.name)
def test_corpus_of_inputs(tmp_path, path):
    """Inputs that broke a loader once (what each is for: tests/corpus/inputs/README.md)."""
    kind = path.name.split("-")[0]
    target = tmp_path / path.name.split("-", 1)[1]
    shutil.copyfile(path, target)
    if kind == "project":
        (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
        shutil.copyfile(path, tmp_path / "mcusplit.toml")
        with contextlib.suppress(McusplitError):
            project.load(tmp_path)
        return
    if kind == "board":
        result = cli("run", "--board", str(target), str(tmp_path / "missing.elf"))
    elif kind == "config":
        result = cli("analyze", str(SEED_ELF), "--config", str(target))
    elif kind == "baseline":
        result = cli("analyze", str(SEED_ELF), "--baseline", str(target))
    elif kind == "log":
        result = cli("symbolize", str(SEED_ELF), stdin=target.read_bytes())
    else:
        assert_clean(cli("analyze", str(target)), path.name)
        result = cli("symbolize", str(target), "0x100")
    assert_clean(result, path.name)


# ---- mcusplit cc command lines: what a build system (or a typo) may pass ------------------------

CC_FLAGS = ["-c", "-S", "-E", "-o", "out.o", "-o", "", "-O0", "-O2", "-Os", "-O9", "-Ofast", "-g", "-g3", "-std=c99",
            "-std=c++17", "-Wall", "-Werror", "-Wl,--gc-sections", "-Wl,", "-Wl,-Map=x.map", "-l", "-lc", "-lm", "-L",
            "-L.", "-I", "-I.", "-isystem", "-D", "-DX=1", "-U", "-UX", "-MD", "-MMD", "-MF", "-MT", "-MQ", "-MP", "-x",
            "c", "assembler", "ir", "cobol", "-mcpu=cortex-m4", "-mcpu=cortex-m0", "-mcpu=cortex-a53", "-mthumb",
            "-marm", "-mfloat-abi=hard", "-mfloat-abi=soft", "-mfpu=fpv4-sp-d16", "-ffunction-sections",
            "-fsplit-stack", "-fno-split-stack", "--mcusplit-board=qemu-mps2-an386", "--mcusplit-board=nope",
            "--mcusplit-board=",
            "--mcusplit-no-split", "--mcusplit-config=", "--mcusplit-config=/nonexistent", "main.c", "other.c",
            "missing.c", "@response", "@", "-", "--", "-v", "--version", "-dumpmachine", "-pipe", "-fPIC", "-shared",
            "-nostdlib", "-T", "link.ld", "-specs=nano.specs", "-frobnicate", "-W", "-O", "-march=armv7e-m",
            "--target=thumbv7em-none-eabihf", "-target", "-fstack-usage", "-flto", "-save-temps"]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(st.sampled_from(CC_FLAGS), min_size=1, max_size=7), board=st.booleans())
def test_cc_command_lines(tmp_path, argv, board):
    """`mcusplit-cc` as a build system runs it, with flags good and bad in any order: status 0, or one
    `mcusplit cc: error:` line and a non-zero status; never a traceback, an internal error (70) or
    a signal. (400 such command lines were run by hand when this test was written: none failed.)"""
    import os
    import subprocess
    import sys

    work = tmp_path / f"cc-{abs(hash((tuple(argv), board)))}"
    work.mkdir()
    (work / "main.c").write_text('#include <stdio.h>\nint main(void) { printf("hi\\n"); return 0; }\n')
    (work / "other.c").write_text("int other(int x) { return x + 1; }\n")
    (work / "response").write_text("-O2 -c\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MCUSPLIT_BOARD", "MCUSPLIT_CONFIG")}
    env["PYTHONPATH"] = str(ROOT)
    if board:
        env["MCUSPLIT_BOARD"] = "qemu-mps2-an386"
    proc = subprocess.run([sys.executable, "-m", "mcusplit.driver", *argv], cwd=work, env=env, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    text = proc.stdout + proc.stderr
    assert proc.returncode >= 0 and proc.returncode != 70, f"{argv}: {proc.returncode}: {text[-600:]}"
    assert "Traceback" not in text and "internal error" not in text, f"{argv}: {text[-600:]}"
    if proc.returncode != 0:
        errors = [line for line in proc.stderr.splitlines() if line.startswith("mcusplit cc: error:")]
        assert len(errors) == 1, f"{argv}: {proc.stderr[-600:]}"
