"""The runtime contract (mcusplit/contract.py) against what the firmware really is: the C header's
segment header as the compiler lays it out, the constants the assembly runtime uses, and what
__morestack pushes before it switches, read from its machine code; and the check's encoding
round-trips through the decoder the analyzer uses."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mcusplit import contract
from mcusplit.analysis import insnclass as K
from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.thumb import decode, register_list_bytes
from mcusplit.paths import firmware_dir

from .conftest import EXAMPLES

FIRMWARE = firmware_dir()


def test_the_c_segment_header_is_the_contracts(tmp_path):
    header = (FIRMWARE / "include" / "mcusplit.h").read_text()
    struct = re.search(r"struct mcusplit_segment_header \{(.*?)\};", header, re.S).group(1)
    fields = re.findall(r"^\s*\w+\s+(\w+);", struct, re.M)
    assert tuple(fields) == contract.HEADER_FIELDS
    probe = tmp_path / "probe.c"
    probe.write_text('#include <stddef.h>\n#include "mcusplit.h"\n'
                     "_Static_assert(sizeof(struct mcusplit_segment_header) == HEADER_BYTES, \"size\");\n"
                     "_Static_assert(offsetof(struct mcusplit_segment_header, site) == SITE_OFFSET, \"site\");\n")
    for target in ("thumb-freestanding-eabi", "thumb-freestanding-eabihf"):
        subprocess.run([sys.executable, "-m", "ziglang", "cc", "-target", target, "-c", "-o", str(tmp_path / "p.o"),
                        f"-I{FIRMWARE / 'include'}", f"-DHEADER_BYTES={contract.HEADER_BYTES}",
                        f"-DSITE_OFFSET={contract.HEADER_SITE_OFFSET}", str(probe)], check=True)


@pytest.mark.parametrize("source, check_bytes", [("morestack_v7m.S", {"CHECK_LEN": contract.THUMB2_CHECK_BYTES}),
                                                 ("morestack_v6m.S", {})])
def test_the_assembly_runtime_uses_the_contracts_numbers(source, check_bytes):
    text = (FIRMWARE / "core" / source).read_text()
    defines = dict(re.findall(r"^#define\s+(\w+)\s+(\d+)", text, re.M))
    assert int(defines["HEADER"]) == contract.HEADER_BYTES
    for name, value in check_bytes.items():
        assert int(defines[name]) == value


def pushed_before_the_switch(fw: Firmware, entry: str) -> int:
    """Bytes __morestack puts on the old stack from `entry` to its first `mov sp` (read linearly:
    the path to the switch has no backward branch)."""
    symbol = fw.by_name[entry]
    code = fw.read(symbol.address, 256)
    total = 0
    for ins in decode(code, symbol.address):
        kind = K.classify(ins.base, ins.ops)
        if kind == K.PUSH:
            total += register_list_bytes(ins.ops)
        elif kind == K.SP_ADD and ins.base.startswith("sub"):
            total += int(ins.ops.rsplit("#", 1)[1], 0)
        elif kind == K.SP_MOVE:
            return total
    raise AssertionError(f"{entry}: no stack switch found")


@pytest.mark.slow
@pytest.mark.parametrize("board, variant", [("qemu-mps2-an386", "thumb2"), ("qemu-microbit", "thumb1-short")])
def test_what_morestack_pushes_is_the_contracts(firmware, board, variant):
    fw = Firmware(firmware(EXAMPLES / "recursion", board).elf)
    assert pushed_before_the_switch(fw, "__morestack") == contract.push_bytes(variant, 0)
    assert pushed_before_the_switch(fw, "__morestack_args") == contract.push_bytes(variant, 8)


@pytest.mark.parametrize("segment_size", [256, 1024, 4096, 65536])
@pytest.mark.parametrize("variant", ["thumb2", "thumb1-short", "thumb1-long"])
def test_the_check_round_trips_through_the_decoder(tmp_path, segment_size, variant):
    """Assemble what codegen writes, decode it as the analyzer does: the same threshold."""
    layout = contract.Layout(segment_size, 4, 256)
    need = 300 if segment_size > 300 + 16 else 100
    if variant == "thumb2":
        threshold = value = layout.thumb2_threshold(need)
    else:
        value = layout.thumb1_threshold(need)
        threshold = value * layout.thumb1_unit()
    lines = contract.check_text(layout, variant, value, "stub")
    asm = tmp_path / "check.s"
    asm.write_text(".syntax unified\n.thumb\n.text\nf:\n" + "\n".join(lines) + "\nbody:\n\tbx lr\nstub:\n\tbx lr\n")
    cpu = "cortex_m4" if variant == "thumb2" else "cortex_m0"
    obj = tmp_path / "check.o"
    subprocess.run([sys.executable, "-m", "ziglang", "cc", "-target", "thumb-freestanding-eabi", f"-mcpu={cpu}",
                    "-c", str(asm), "-o", str(obj)], check=True)
    from elftools.elf.elffile import ELFFile

    with obj.open("rb") as f:
        code = ELFFile(f).get_section_by_name(".text").data()
    insns = decode(code, 0)
    decoded = contract.decode_check(insns)
    assert decoded is not None
    got_variant, got_threshold, shift, body, _stub = decoded
    assert (got_variant, got_threshold, shift) == (variant, threshold, layout.shift)
    expected_len = {"thumb2": contract.THUMB2_CHECK_BYTES, "thumb1-short": contract.THUMB1_SHORT_CHECK_BYTES,
                    "thumb1-long": contract.THUMB1_LONG_CHECK_BYTES}[variant]
    assert body == expected_len
    compare = contract.encode_check_compare(variant, layout.shift, threshold)
    at = contract.CMP_OFFSET[variant]
    assert code[at:at + len(compare)] == compare
