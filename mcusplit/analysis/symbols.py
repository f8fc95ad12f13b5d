"""Address -> function name, from an ELF symbol table."""

from __future__ import annotations

import bisect
import re
import struct
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from ..demangle import demangle
from ..errors import McusplitError

_HEX = re.compile(r"\b(fn|site|pc|lr)=(0x[0-9a-fA-F]+)")


class Symbolizer:
    def __init__(self, elf: Path) -> None:
        entries = []
        try:
            with elf.open("rb") as f:
                symtab = ELFFile(f).get_section_by_name(".symtab")
                if symtab is not None and not isinstance(symtab, SymbolTableSection):
                    raise McusplitError(".symtab is not a symbol table (damaged ELF)", str(elf))
                if symtab is not None:
                    for sym in symtab.iter_symbols():
                        if sym["st_info"]["type"] == "STT_FUNC" and sym.name:
                            entries.append((sym["st_value"] & ~1, sym["st_size"], demangle(sym.name)))
        except (OSError, ELFError, ValueError, struct.error) as exc:
            raise McusplitError(f"cannot read symbols: {exc}", str(elf)) from None
        entries.sort()
        self.starts = [e[0] for e in entries]
        self.entries = entries

    def name(self, address: int) -> str | None:
        """'function' or 'function+0x12' for an address inside a function."""
        if address >= 0xFFFFFF00:
            # EXC_RETURN: the "return address" of a handler's first frame. A handler whose own
            # prologue splits records it as its call site.
            return "exception entry (EXC_RETURN)"
        address &= ~1
        i = bisect.bisect_right(self.starts, address) - 1
        while i >= 0:
            start, size, name = self.entries[i]
            if start <= address < start + max(size, 2):
                return name if address == start else f"{name}+{address - start:#x}"
            if start < address - 0x10000:
                break
            i -= 1
        return None

    def annotate(self, line: str) -> str:
        """Append names to fn=/site=/pc=/lr= addresses on a runtime line."""
        if not line.startswith("@mcusplit"):
            return line
        names = []
        for key, value in _HEX.findall(line):
            name = self.name(int(value, 16))
            if name:
                names.append(f"{key}: {name}")
        return f"{line}  ({', '.join(names)})" if names else line
