"""IR signatures of C functions (mcusplit/codegen/signatures.py), from what clang really emits:
`int f(void)` and an unprototyped `int f()` share the IR type `i32 ()`; the debug information's
DIFlagPrototyped tells them apart, so that only the unprototyped one counts as a target of calls
with arguments (tests/firmware/review/unprototyped_target runs the case end to end)."""

from __future__ import annotations

import subprocess

from mcusplit.codegen import signatures
from mcusplit.cores import CORES
from mcusplit.toolchain import clang

SOURCE = """
int with_void(void) { return 1; }
int unprototyped() { return 2; }
int one(int x) { return x; }
int (*hook)(int);
int calls(int x) { return hook(x) + 1; }
"""


def signatures_of(tmp_path, *flags: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    source = tmp_path / "sig.c"
    source.write_text(SOURCE)
    bitcode = tmp_path / "sig.bc"
    core = CORES["cortex-m4f"]
    subprocess.run([*clang(), "-target", core.clang_target, f"-mcpu={core.clang_cpu}", "-std=gnu17", "-O2", *flags,
                    "-c", "-emit-llvm", str(source), "-o", str(bitcode)], check=True, capture_output=True)
    return signatures.of_bitcode(bitcode)


def test_a_prototype_without_parameters_is_told_from_an_unprototyped_definition(tmp_path):
    defined, indirect = signatures_of(tmp_path, "-g")
    assert defined["with_void"] == "i32 (void)"
    assert defined["unprototyped"] == "i32 ()"
    assert defined["one"] == "i32 (i32)"
    assert indirect["calls"] == ["i32 (i32)"]


def test_without_debug_information_both_stay_possibly_unprototyped(tmp_path):
    defined, _ = signatures_of(tmp_path, "-g0")
    assert defined["with_void"] == defined["unprototyped"] == "i32 ()"


STRUCT_SOURCE = """
struct h { float a, b, c; };
typedef unsigned (*sig)(float, struct h, float);
unsigned target(float x, struct h y, float z) { return (unsigned)(x + y.a + z); }
sig table[2] = { target, target };
unsigned via(int i, struct h y) { return table[i](1.0f, y, 2.0f); }
"""


def test_a_struct_passed_by_value_through_a_pointer_matches_the_definitions(tmp_path):
    """Found by the fuzzer (own seed 33 on qemu-mps2-an386): llvmlite prints the type of a struct
    argument with its body (`%struct.h = type { float, float, float }`), the definitions' signatures
    by name, so the indirect call had no target and the link stopped on it."""
    source = tmp_path / "struct.c"
    source.write_text(STRUCT_SOURCE)
    bitcode = tmp_path / "struct.bc"
    core = CORES["cortex-m4f"]
    subprocess.run([*clang(), "-target", core.clang_target, f"-mcpu={core.clang_cpu}", "-O2", "-c", "-emit-llvm",
                    str(source), "-o", str(bitcode)], check=True, capture_output=True)
    defined, indirect = signatures.of_bitcode(bitcode)
    assert defined["target"] == "i32 (float, %struct.h, float)"
    assert indirect["via"] == ["i32 (float, %struct.h, float)"]
