"""Address -> source file:line from DWARF line tables.

Decoding every line program of a large image costs seconds (pyelftools parses row by row), and a
report needs a few addresses: so `.debug_aranges` (GCC writes it; mcusplit's builds ask clang for
it with -gdwarf-aranges) says which compile unit holds an address, and only the line programs of
the units asked about are decoded. Without aranges every unit is decoded once, on first use.
"""

from __future__ import annotations

import bisect
import os

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .elf import Firmware

_ERRORS = (ELFError, OSError, ValueError, KeyError, IndexError, AttributeError, TypeError, AssertionError)


class LineTable:
    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        self._opened = False
        self._file = None
        self._dwarf = None
        self._aranges = None
        self._cus: dict[int, object] = {}
        self._decoded: dict[int, list[tuple[int, str, int]]] = {}

    def _open(self) -> None:
        self._opened = True
        try:
            self._file = self.fw.path.open("rb")
            self._dwarf = ELFFile(self._file).get_dwarf_info(relocate_dwarf_sections=False)   # linked: done
            self._cus = {cu.cu_offset: cu for cu in self._dwarf.iter_CUs()}
            self._aranges = self._dwarf.get_aranges()
        except _ERRORS:
            self._aranges = None

    def _rows(self, offset: int) -> list[tuple[int, str, int]]:
        if offset in self._decoded:
            return self._decoded[offset]
        rows: list[tuple[int, str, int]] = []
        code = self.fw.code_spans()

        def in_code(address: int) -> bool:
            return any(start <= address < start + len(data) for start, data in code)

        try:
            program = self._dwarf.line_program_for_CU(self._cus[offset])
            if program is not None:
                files = program["file_entry"]
                dirs = program["include_directory"]
                version = program["version"]
                sequence_ok = None
                for entry in program.get_entries():
                    state = entry.state
                    if state is None:
                        continue
                    if state.end_sequence:
                        sequence_ok = None
                        continue
                    if sequence_ok is None:
                        # lld leaves the line sequences of discarded (gc'd) code at address 0
                        sequence_ok = in_code(state.address)
                    if not sequence_ok:
                        continue
                    index = state.file if version >= 5 else state.file - 1
                    if not 0 <= index < len(files):
                        continue
                    fe = files[index]
                    name = fe.name.decode(errors="replace")
                    if fe.dir_index and version < 5 and fe.dir_index - 1 < len(dirs):
                        name = os.path.join(dirs[fe.dir_index - 1].decode(errors="replace"), name)
                    rows.append((state.address, name, state.line))
        except _ERRORS:
            rows = []
        rows.sort()
        self._decoded[offset] = rows
        return rows

    def _units_for(self, address: int) -> list[int]:
        if self._aranges is not None:
            try:
                offset = self._aranges.cu_offset_at_addr(address)
                if offset is not None and offset in self._cus:
                    return [offset]
            except _ERRORS:
                pass
        # No .debug_aranges entry (code from other compilers, the C library): the units whose
        # top-level ranges hold the address, and those whose ranges cannot be read; decoding every
        # unit's line program took seconds on a large image.
        return [offset for offset, ranges in self._unit_ranges().items()
                if ranges is None or any(lo <= address < hi for lo, hi in ranges)]

    def _unit_ranges(self) -> dict[int, list[tuple[int, int]] | None]:
        if getattr(self, "_ranges", None) is None:
            self._ranges = {offset: self._top_ranges(cu) for offset, cu in self._cus.items()}
        return self._ranges

    def _top_ranges(self, cu) -> list[tuple[int, int]] | None:
        """[lo, hi) ranges of a unit's top DIE, or None when they cannot be read."""
        try:
            attributes = cu.get_top_DIE().attributes
            if "DW_AT_ranges" in attributes:
                lists = self._dwarf.range_lists()
                if lists is None:
                    return None
                base = attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in attributes else 0
                out = []
                for entry in lists.get_range_list_at_offset(attributes["DW_AT_ranges"].value, cu=cu):
                    if hasattr(entry, "begin_offset"):
                        if getattr(entry, "is_absolute", False):
                            out.append((entry.begin_offset, entry.end_offset))
                        else:
                            out.append((base + entry.begin_offset, base + entry.end_offset))
                    elif hasattr(entry, "base_address"):
                        base = entry.base_address
                    else:
                        return None
                return out
            if "DW_AT_low_pc" in attributes and "DW_AT_high_pc" in attributes:
                low, high = attributes["DW_AT_low_pc"], attributes["DW_AT_high_pc"]
                end = high.value if high.form == "DW_FORM_addr" else low.value + high.value
                return [(low.value, end)]
            return None
        except (*_ERRORS, AttributeError, TypeError):
            return None

    def lookup(self, address: int) -> str | None:
        if not self._opened:
            self._open()
        best: tuple[int, str, int] | None = None
        for offset in self._units_for(address):
            rows = self._rows(offset)
            i = bisect.bisect_right(rows, (address, "\uffff", 1 << 30)) - 1
            if i >= 0 and (best is None or rows[i][0] > best[0]):
                best = rows[i]
        if best is None:
            return None
        return f"{best[1]}:{best[2]}"

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
