"""Regenerates the fuzzing corpus (tests/corpus/elf, tests/corpus/thumb) kept in the repository.

    python tests/corpus/make_corpus.py BUILD_DIR    # a build directory of examples/recursion (M4F)

The seed is that build relinked without debug information (small); the rest are damaged copies
(truncations and header fields that lie) and odd code blobs for the instruction reader.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.relink import relink  # noqa: E402


def damaged_copies(seed: bytes) -> dict[str, bytes]:
    """Named damage done to the seed: truncations and header fields that lie."""
    variants = {
        "truncated-half.elf": seed[:len(seed) // 2],
        "truncated-before-section-headers.elf": seed[:struct.unpack_from("<I", seed, 32)[0]],
    }
    for name, (offset, fmt, value) in {
        "bad-shoff.elf": (32, "<I", 0x7FFFFFFF),
        "bad-shnum.elf": (48, "<H", 0xFFFF),
        "bad-shstrndx.elf": (50, "<H", 0x7FFF),
        "bad-phoff.elf": (28, "<I", 0x7FFFFFF0),
    }.items():
        damaged = bytearray(seed)
        struct.pack_into(fmt, damaged, offset, value)
        variants[name] = bytes(damaged)
    for name, (offset, value) in {"elfclass64-lie.elf": (4, 2), "big-endian-lie.elf": (5, 2)}.items():
        damaged = bytearray(seed)
        damaged[offset] = value
        variants[name] = bytes(damaged)
    return variants


def main(build_dir: Path) -> None:
    elf_dir, thumb_dir = HERE / "elf", HERE / "thumb"
    elf_dir.mkdir(exist_ok=True)
    thumb_dir.mkdir(exist_ok=True)
    seed_path = elf_dir / "seed-recursion-m4.elf"
    relink(build_dir, "recursion", seed_path, "--strip-debug")
    seed = seed_path.read_bytes()
    for name, data in {"empty.elf": b"", "magic-only.elf": seed[:4], "header-only.elf": seed[:52]}.items():
        (elf_dir / name).write_bytes(data)
    blobs = {
        "all-ones.bin": b"\xff" * 64,
        "half-of-a-32bit-instruction.bin": b"\x00\xf0",
        "it-block-at-end.bin": b"\x08\xbf",
        "udf-and-bkpt.bin": b"\xfe\xde\xab\xbe\x00\xbf",
        "odd-length.bin": b"\x70\x47\x00",
        "tbb-without-table.bin": b"\xdf\xe8\x00\xf0",
    }
    for name, data in blobs.items():
        (thumb_dir / name).write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
