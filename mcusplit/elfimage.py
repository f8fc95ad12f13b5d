"""Reading linked firmware: sections, symbols and which bytes are code (ARM mapping symbols).

Neutral: the analysis, the optimizer and the probe read images through it (the probe never through
the analysis)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .demangle import demangle
from .errors import McusplitError
from .sigsection import SECTION as SIGNATURES_SECTION

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
# Relocations of branches and calls (R_ARM_PC24, CALL, JUMP24, THM_CALL, THM_JUMP24/19/11/8/6,
# PREL31 of unwind tables): they do not take an address.
_BRANCH_RELOCATIONS = frozenset({1, 10, 27, 28, 29, 30, 42, 51, 52, 102, 103, 104, 105})
SYMBOL_TYPES = {0: "STT_NOTYPE", 1: "STT_OBJECT", 2: "STT_FUNC", 3: "STT_SECTION", 4: "STT_FILE"}
SYMBOL_BINDINGS = {0: "STB_LOCAL", 1: "STB_GLOBAL", 2: "STB_WEAK"}


class ElfError(McusplitError):
    """Not firmware we can read: not an ELF, truncated, not ARM, no symbols."""


@dataclass(frozen=True)
class Symbol:
    name: str
    address: int          # Thumb bit cleared for functions
    size: int
    kind: str             # STT_FUNC, STT_OBJECT, STT_NOTYPE, ...
    binding: str


@dataclass(frozen=True)
class CodeSection:
    name: str
    address: int
    data: bytes

    def code_spans(self, mapping: list[tuple[int, str]]) -> list[tuple[int, int]]:
        """[start, end) ranges of Thumb code in this section ($t up to the next $d, and back)."""
        end = self.address + len(self.data)
        marks = [(a, k) for a, k in mapping if self.address <= a < end]
        if not marks or marks[0][0] != self.address:
            marks.insert(0, (self.address, "$t"))
        spans = []
        for (start, kind), nxt in zip(marks, [*marks[1:], (end, "")], strict=True):
            if kind == "$t" and nxt[0] > start:
                if spans and spans[-1][1] == start:
                    spans[-1] = (spans[-1][0], nxt[0])
                else:
                    spans.append((start, nxt[0]))
        return spans


class Firmware:
    """A linked Cortex-M ELF, read once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise ElfError("no such file", str(path))
        if not self.path.is_file():
            raise ElfError("not a file (an ELF image is expected)", str(path))
        try:
            with self.path.open("rb") as f:
                elf = ELFFile(f)
                if elf["e_machine"] != "EM_ARM":
                    raise ElfError(f"not an ARM ELF (machine {elf['e_machine']})", str(path))
                if elf.elfclass != 32:
                    raise ElfError("not a 32-bit ELF", str(path))
                self.sections = [s for s in elf.iter_sections()]
                self.code = [CodeSection(s.name, s["sh_addr"], s.data()) for s in self.sections
                             if s["sh_flags"] & SHF_EXECINSTR and s["sh_type"] == "SHT_PROGBITS"]
                self.flags = elf["e_flags"]
                # Loaded contents by address (code, rodata, the .data image), for literal pools and tables.
                self.memory = [(s["sh_addr"], s.data()) for s in self.sections
                               if s["sh_flags"] & SHF_ALLOC and s["sh_type"] == "SHT_PROGBITS" and s["sh_size"]]
                # What a program can never change: contents of allocated sections that are not writable.
                self.rom = [(s["sh_addr"], s.data()) for s in self.sections
                            if s["sh_flags"] & SHF_ALLOC and not s["sh_flags"] & SHF_WRITE
                            and s["sh_type"] == "SHT_PROGBITS" and s["sh_size"]]
                self.ram = [(s["sh_addr"], s["sh_addr"] + s["sh_size"]) for s in self.sections
                            if s["sh_flags"] & SHF_ALLOC and s["sh_flags"] & SHF_WRITE and s["sh_size"]]
                signatures = next((s for s in self.sections if s.name == SIGNATURES_SECTION), None)
                self.signatures_section = signatures.data() if signatures is not None else None
                symtab = elf.get_section_by_name(".symtab")
                if symtab is None:
                    raise ElfError("no symbol table (stripped?); mcusplit needs the unstripped ELF", str(path))
                self.symbols = []
                self.mapping = []
                self._read_symbols(symtab, elf.get_section(symtab["sh_link"]))
                self.mapping.sort()
                self.has_dwarf = elf.has_dwarf_info()
                self.has_fp_attribute = self._fp_attribute(elf)
                self.reference_targets = self._references(elf)
        except ElfError:
            raise
        except (ELFError, OSError, ValueError, KeyError, IndexError) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise ElfError(f"not a readable ELF file ({message})", str(path)) from None
        self.by_name = {s.name: s for s in self.symbols}

    def _read_symbols(self, symtab, strtab) -> None:
        """Elf32_Sym entries unpacked in bulk: pyelftools parses them one by one, which takes most
        of a second on a 10,000-function image."""
        names = strtab.data()
        data = symtab.data()
        entry = symtab["sh_entsize"] or 16
        if entry != 16 or len(data) % 16:
            raise ElfError("symbol table entries are not Elf32_Sym", str(self.path))
        # Mapping symbols count only in loaded sections: GCC also puts $d in debug sections, whose
        # values are offsets in those sections, not addresses.
        loaded = {i for i, section in enumerate(self.sections) if section["sh_flags"] & SHF_ALLOC}
        self._symbol_values: list[tuple[int, int]] = []       # by symbol index: (value, type), for relocations
        for st_name, value, size, info, _other, shndx in struct.iter_unpack("<IIIBBH", data):
            self._symbol_values.append((value, info & 0xF))
            end = names.find(b"\0", st_name)
            name = demangle(names[st_name:end if end >= 0 else len(names)].decode("utf-8", errors="replace"))
            if name in ("$t", "$d", "$a") or name.startswith(("$t.", "$d.", "$a.")):
                if shndx in loaded:
                    self.mapping.append((value, name[:2]))
                continue
            kind = SYMBOL_TYPES.get(info & 0xF, f"STT_{info & 0xF}")
            address = value & ~1 if kind == "STT_FUNC" else value
            self.symbols.append(Symbol(name, address, size, kind, SYMBOL_BINDINGS.get(info >> 4, "STB_OTHER")))

    def _references(self, elf) -> set[int] | None:
        """Addresses that relocations other than branches refer to (a pointer to them is taken),
        from relocations a link with --emit-relocs kept; None when the image has none. Relocations
        in the vector table (the hardware's pointers), unwind tables and non-loaded sections
        (debug information) do not count. Unpacked in bulk, as the symbols are."""
        targets: set[int] = set()
        found = False
        for section in self.sections:
            kind = section["sh_type"]
            if kind not in ("SHT_REL", "SHT_RELA"):
                continue
            target = self.sections[section["sh_info"]] if section["sh_info"] < len(self.sections) else None
            if target is None or not target["sh_flags"] & SHF_ALLOC:
                continue
            found = True
            # The runtime's hooks table: calls through it resolve from the table (analysis/registry.py).
            if target.name in (".vectors", ".isr_vector", ".mcusplit_hooks") \
                    or target.name.startswith((".ARM.exidx", ".ARM.extab")):
                continue
            base = target["sh_addr"]
            data = target.data() if target["sh_type"] == "SHT_PROGBITS" else b""
            entry = 12 if kind == "SHT_RELA" else 8
            raw = section.data()
            for fields in struct.iter_unpack("<IIi" if entry == 12 else "<II", raw[:len(raw) - len(raw) % entry]):
                offset, info = fields[0], fields[1]
                rel_type, index = info & 0xFF, info >> 8
                if rel_type in _BRANCH_RELOCATIONS:
                    continue
                value, sym_type = self._symbol_values[index] if index < len(self._symbol_values) else (0, 0)
                if sym_type == 2:                          # STT_FUNC
                    targets.add(value & ~1)
                elif rel_type in (2, 38) and data:         # R_ARM_ABS32, R_ARM_TARGET1: the final word is there
                    at = offset - base
                    if 0 <= at <= len(data) - 4:
                        targets.add(int.from_bytes(data[at:at + 4], "little") & ~1)
        return targets if found else None

    @staticmethod
    def _fp_attribute(elf) -> bool:
        """Tag_FP_arch in .ARM.attributes: the code may use the FPU (softfp images too, whose ELF
        flags say nothing), so exception frames may carry its state."""
        section = elf.get_section_by_name(".ARM.attributes")
        if section is None:
            return False
        try:
            for sub in section.iter_subsections():
                for subsub in sub.iter_subsubsections():
                    for attribute in subsub.iter_attributes():
                        if attribute.tag == "TAG_FP_ARCH" and attribute.value:
                            return True
        except (ELFError, ValueError, KeyError, IndexError, AttributeError, TypeError):
            return False
        return False

    @property
    def hard_float(self) -> bool:
        """EF_ARM_ABI_FLOAT_HARD: built for a core with an FPU (exception frames may be 104 bytes)."""
        return bool(self.flags & 0x400)

    def read(self, address: int, size: int) -> bytes | None:
        for start, data in self.memory:
            if start <= address and address + size <= start + len(data):
                return data[address - start:address - start + size]
        return None

    def read_only(self, address: int, size: int) -> bytes | None:
        """Bytes no program can change (flash contents: code, rodata, literal pools, tables)."""
        for start, data in self.rom:
            if start <= address and address + size <= start + len(data):
                return data[address - start:address - start + size]
        return None

    def writable(self, address: int) -> bool:
        return any(start <= address < end for start, end in self.ram)

    def word(self, address: int) -> int | None:
        data = self.read(address, 4)
        return int.from_bytes(data, "little") if data is not None else None

    def c_string(self, address: int, limit: int = 64) -> str:
        """A NUL-terminated string from the image (names in the firmware's registries)."""
        return c_string(self, address, limit)

    def absolute(self, name: str) -> int | None:
        """Value of a linker-script symbol such as __mcusplit_seg_size."""
        symbol = self.by_name.get(name)
        return symbol.address if symbol is not None else None

    def object_at(self, address: int) -> Symbol | None:
        """The data object (STT_OBJECT) containing an address."""
        for s in self.symbols:
            if s.kind == "STT_OBJECT" and s.address <= address < s.address + max(s.size, 1):
                return s
        return None

    def functions(self) -> list[Symbol]:
        return sorted((s for s in self.symbols if s.kind == "STT_FUNC" and s.name), key=lambda s: s.address)

    def code_spans(self) -> list[tuple[int, bytes]]:
        """(address, bytes) of every run of Thumb code."""
        out = []
        for section in self.code:
            for start, end in section.code_spans(self.mapping):
                out.append((start, section.data[start - section.address:end - section.address]))
        return out


def c_string(image, address: int, limit: int = 64) -> str:
    """A NUL-terminated string read through image.read(address, 1) (a Firmware, or a stand-in)."""
    out = bytearray()
    while len(out) < limit:
        byte = image.read(address + len(out), 1)
        if not byte or byte == b"\0":
            break
        out += byte
    return out.decode("utf-8", errors="replace")


def patch_object(elf: Path, out: Path, symbol: str, words: list[int], first: int | None = None) -> Path:
    """A copy of `elf` at `out` whose object `symbol` starts with `words` (32-bit, little-endian),
    found through the symbol and the loaded section holding it, never by searching for its value.
    `first`: the word the object must start with before the change (its magic), else ElfError.
    Test and fuzz images take their run configuration this way (QEMU loads the ELF's segments)."""
    size = 4 * len(words)
    with elf.open("rb") as stream:
        image = ELFFile(stream)
        if not image.little_endian:
            raise ElfError(f"{elf}: not a little-endian image")
        table = image.get_section_by_name(".symtab")
        found = [s for s in (table.get_symbol_by_name(symbol) or []) if s["st_info"]["type"] == "STT_OBJECT"] \
            if table else []
        if len(found) != 1:
            raise ElfError(f"{elf}: {len(found) or 'no'} data object(s) named {symbol}")
        address = found[0]["st_value"]
        if found[0]["st_size"] < size:
            raise ElfError(f"{elf}: {symbol} has {found[0]['st_size']} bytes, not room for {size}")
        # loaded sections only: debug sections have address 0 too, where flash starts on some boards
        holder = next((s for s in image.iter_sections() if s["sh_type"] == "SHT_PROGBITS"
                       and s["sh_flags"] & SHF_ALLOC
                       and s["sh_addr"] <= address and address + size <= s["sh_addr"] + s["sh_size"]), None)
        if holder is None:
            raise ElfError(f"{elf}: {symbol} ({address:#x}) is in no loaded section with contents")
        offset = holder["sh_offset"] + address - holder["sh_addr"]
    data = bytearray(elf.read_bytes())
    if first is not None and struct.unpack_from("<I", data, offset)[0] != first:
        raise ElfError(f"{elf}: {symbol} does not start with {first:#010x}")
    struct.pack_into(f"<{len(words)}I", data, offset, *words)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(data))
    return out
