"""Address -> source file:line from DWARF line tables.

Decoding every line program of a large image costs seconds (pyelftools parses row by row), and a
report needs a few addresses: so the compile units' address ranges are read first (one DIE each)
and only the line programs of the units that hold an asked-for address are decoded.
"""

from __future__ import annotations

import bisect
import os

from elftools.common.exceptions import ELFError
from elftools.dwarf.die import DIE
from elftools.elf.elffile import ELFFile

from .elf import Firmware


def _ranges(dwarf, cu, top: DIE) -> list[tuple[int, int]]:
    attrs = top.attributes
    if "DW_AT_low_pc" in attrs and "DW_AT_high_pc" in attrs:
        low = attrs["DW_AT_low_pc"].value
        high = attrs["DW_AT_high_pc"]
        end = high.value if high.form == "DW_FORM_addr" else low + high.value
        return [(low, end)]
    if "DW_AT_ranges" in attrs:
        ranges = dwarf.range_lists()
        if ranges is None:
            return [(0, 1 << 32)]
        base = attrs["DW_AT_low_pc"].value if "DW_AT_low_pc" in attrs else 0
        out = []
        for entry in ranges.get_range_list_at_offset(attrs["DW_AT_ranges"].value, cu=cu):
            if hasattr(entry, "begin_offset"):
                out.append((base + entry.begin_offset, base + entry.end_offset))
            elif hasattr(entry, "base_address"):
                base = entry.base_address
        return out
    return [(0, 1 << 32)]         # no ranges said: it may hold anything


class LineTable:
    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        self._units: list[tuple[list[tuple[int, int]], int]] | None = None   # (ranges, CU offset)
        self._decoded: dict[int, list[tuple[int, str, int]]] = {}
        self._file = None
        self._dwarf = None
        self._cus: dict[int, object] = {}

    def _open(self) -> None:
        self._units = []
        try:
            self._file = self.fw.path.open("rb")
            self._dwarf = ELFFile(self._file).get_dwarf_info()
            for cu in self._dwarf.iter_CUs():
                self._cus[cu.cu_offset] = cu
                self._units.append((_ranges(self._dwarf, cu, cu.get_top_DIE()), cu.cu_offset))
        except (ELFError, OSError, ValueError, KeyError, IndexError, AttributeError, TypeError):
            self._units = []

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
        except (ELFError, OSError, ValueError, KeyError, IndexError, AttributeError, TypeError):
            rows = []
        rows.sort()
        self._decoded[offset] = rows
        return rows

    def lookup(self, address: int) -> str | None:
        if self._units is None:
            self._open()
        best: tuple[int, str, int] | None = None
        for ranges, offset in self._units:
            if not any(lo <= address < hi for lo, hi in ranges):
                continue
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
