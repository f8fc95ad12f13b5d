"""ELF -> flash images: .bin (from the flash origin) and Intel .hex, from the load segments."""

from __future__ import annotations

from pathlib import Path

from intelhex import IntelHex


def load_segments(elf: Path) -> list[tuple[int, bytes]]:
    """(load address, bytes) of every PT_LOAD segment with file contents (NOLOAD RAM is skipped)."""
    from elftools.elf.elffile import ELFFile  # here: mcusplit cc -c does not read ELF files

    out = []
    with elf.open("rb") as f:
        for seg in ELFFile(f).iter_segments():
            if seg["p_type"] == "PT_LOAD" and seg["p_filesz"]:
                out.append((seg["p_paddr"], seg.data()[: seg["p_filesz"]]))
    return sorted(out)


def write_images(elf: Path, bin_path: Path, hex_path: Path) -> tuple[int, int]:
    """Writes both images; returns (start address, bytes) of the binary."""
    segments = load_segments(elf)
    ih = IntelHex()
    for address, data in segments:
        ih.puts(address, data)
    ih.write_hex_file(str(hex_path))
    start = segments[0][0]
    end = max(a + len(d) for a, d in segments)
    image = bytearray(b"\xff" * (end - start))
    for address, data in segments:
        image[address - start:address - start + len(data)] = data
    bin_path.write_bytes(bytes(image))
    return start, len(image)
