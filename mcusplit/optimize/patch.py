"""Patching a linked image in place: every edit keeps the size of what it replaces.

- A dropped check's first instruction becomes `b.n body` (the rest of the check and its stub
  stay, unreached: relinking to reclaim 20 bytes is not worth a second link).
- Direct calls (`bl`) and tail calls (`b.w`) to a dropped function go straight to its body.
- A kept check whose threshold rose gets the new `cmp` immediate.
"""

from __future__ import annotations

from pathlib import Path

from elftools.elf.elffile import ELFFile

from ..analysis.analyze import Prepared
from ..contract import CMP_OFFSET, encode_check_compare, encode_thumb2_cmp_ip
from ..errors import BuildError


def encode_cmp_ip(value: int) -> bytes:
    """cmp.w ip, #value."""
    try:
        return encode_thumb2_cmp_ip(value)
    except ValueError as exc:
        raise BuildError(f"internal error: {exc}") from None


def encode_branch(address: int, target: int, link: bool) -> bytes:
    """bl (link) or b.w to `target`, placed at `address` (encoding T1 of BL / T4 of B)."""
    offset = target - (address + 4)
    if not -(1 << 24) <= offset < (1 << 24) or offset & 1:
        raise BuildError(f"internal error: branch from {address:#x} to {target:#x} out of range")
    s = (offset >> 24) & 1
    i1, i2 = (offset >> 23) & 1, (offset >> 22) & 1
    j1, j2 = (~i1 ^ s) & 1, (~i2 ^ s) & 1
    hw1 = 0xF000 | (s << 10) | ((offset >> 12) & 0x3FF)
    hw2 = (0xD000 if link else 0x9000) | (j1 << 13) | (j2 << 11) | ((offset >> 1) & 0x7FF)
    return hw1.to_bytes(2, "little") + hw2.to_bytes(2, "little")


def encode_b_narrow(address: int, target: int) -> bytes:
    offset = target - (address + 4)
    if not -2048 <= offset < 2048 or offset & 1:
        raise BuildError(f"internal error: b.n from {address:#x} to {target:#x} out of range")
    return (0xE000 | ((offset >> 1) & 0x7FF)).to_bytes(2, "little")


class Image:
    """The ELF's bytes, addressed by memory address."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = bytearray(path.read_bytes())
        with path.open("rb") as f:
            self.sections = [(s["sh_addr"], s["sh_size"], s["sh_offset"]) for s in ELFFile(f).iter_sections()
                             if s["sh_type"] == "SHT_PROGBITS" and s["sh_flags"] & 0x4]

    def offset(self, address: int, size: int) -> int:
        for start, length, offset in self.sections:
            if start <= address and address + size <= start + length:
                return offset + address - start
        raise BuildError(f"internal error: {address:#x} is not in an executable section")

    def read(self, address: int, size: int) -> bytes:
        at = self.offset(address, size)
        return bytes(self.data[at:at + size])

    def write(self, address: int, data: bytes) -> None:
        at = self.offset(address, len(data))
        self.data[at:at + len(data)] = data

    def save(self) -> None:
        self.path.write_bytes(bytes(self.data))


def apply(p: Prepared, elf: Path, dropped: set[int], thresholds: dict[int, int]) -> dict[str, int]:
    image = Image(elf)
    counts = {"dropped": 0, "calls_retargeted": 0, "thresholds_raised": 0}
    for f in sorted(dropped):
        check = p.infos[f].check
        image.write(f, encode_b_narrow(f, check.body))
        counts["dropped"] += 1
    for info in p.infos.values():
        for call in info.calls:
            if call.resolution != "direct" or len(call.targets) != 1 or call.targets[0] not in dropped:
                continue
            target = call.targets[0]
            hw1 = int.from_bytes(image.read(call.address, 2), "little")
            if hw1 >> 11 not in (0b11110,):                     # not a 32-bit bl / b.w: leave it
                continue
            hw2 = int.from_bytes(image.read(call.address + 2, 2), "little")
            link = bool(hw2 & 0x4000)
            if (hw2 & 0xD000) not in (0xD000, 0x9000):
                continue
            image.write(call.address, encode_branch(call.address, p.infos[target].check.body, link))
            counts["calls_retargeted"] += 1
    for f, threshold in sorted(thresholds.items()):
        check = p.infos[f].check
        if check is None or threshold == check.threshold:
            continue
        try:
            image.write(f + CMP_OFFSET[check.variant],
                        encode_check_compare(check.variant, check.segment_shift, threshold))
        except ValueError as exc:
            raise BuildError(f"internal error: {exc}") from None
        counts["thresholds_raised"] += 1
    image.save()
    return counts
