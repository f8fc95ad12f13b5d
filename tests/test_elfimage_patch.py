"""elfimage.patch_object: how tests and the fuzzer give a linked image its run configuration. It
finds the object through its symbol and a loaded section, checks its magic and its size, and
never writes into debug information (which has address 0 too, where flash starts)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from mcusplit.elfimage import ElfError, patch_object

SEED_ELF = Path(__file__).parent / "corpus" / "elf" / "seed-recursion-m4.elf"


def _word_at(elf: Path, address: int) -> int:
    with elf.open("rb") as stream:
        for segment in ELFFile(stream).iter_segments():
            start = segment["p_vaddr"]
            if segment["p_type"] == "PT_LOAD" and start <= address < start + segment["p_filesz"]:
                return struct.unpack_from("<I", segment.data(), address - start)[0]
    raise AssertionError(f"{address:#x} is not loaded")


def test_the_word_lands_where_the_loader_puts_the_object(tmp_path):
    # mcusplit_exit_semihosting: a 4-byte constant in flash (0x2a2c in this image)
    before = _word_at(SEED_ELF, 0x2A2C)
    out = patch_object(SEED_ELF, tmp_path / "p.elf", "mcusplit_exit_semihosting", [0xA5A5A5A5], first=before)
    assert _word_at(out, 0x2A2C) == 0xA5A5A5A5
    changed = [i for i, (a, b) in enumerate(zip(SEED_ELF.read_bytes(), out.read_bytes(), strict=True)) if a != b]
    assert 1 <= len(changed) <= 4


def test_the_vector_table_at_address_0_is_patched_in_its_loaded_section(tmp_path):
    """Flash starts at 0 on this board: .debug_* sections (address 0, not loaded) hold the
    address too, and must not be taken for the object's section."""
    before = _word_at(SEED_ELF, 0)
    out = patch_object(SEED_ELF, tmp_path / "p.elf", "__isr_vector_table", [0x20001000], first=before)
    assert _word_at(out, 0) == 0x20001000


@pytest.mark.parametrize("symbol, words, first, message", [
    ("no_such_object", [1], None, "no data object(s) named no_such_object"),
    ("mcusplit_exit_semihosting", [1, 2], None, "has 4 bytes, not room for 8"),
    ("mcusplit_exit_semihosting", [1], 0x12345678, "does not start with 0x12345678"),
    ("main", [1], None, "no data object(s) named main"),                        # a function, not data
])
def test_refused_without_writing(tmp_path, symbol, words, first, message):
    out = tmp_path / "p.elf"
    with pytest.raises(ElfError, match=message.replace("(", r"\(").replace(")", r"\)")):
        patch_object(SEED_ELF, out, symbol, words, first=first)
    assert not out.exists()
