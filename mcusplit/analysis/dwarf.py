"""Address -> source file:line from DWARF line tables (built lazily: only unresolved calls need it)."""

from __future__ import annotations

import bisect
import os

from elftools.elf.elffile import ELFFile

from .elf import Firmware


class LineTable:
    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        self._rows: list[tuple[int, str, int]] | None = None
        self._addresses: list[int] = []

    def _build(self) -> None:
        rows: list[tuple[int, str, int]] = []
        code = self.fw.code_spans()

        def in_code(address: int) -> bool:
            return any(start <= address < start + len(data) for start, data in code)

        try:
            with self.fw.path.open("rb") as f:
                dwarf = ELFFile(f).get_dwarf_info()
                for cu in dwarf.iter_CUs():
                    program = dwarf.line_program_for_CU(cu)
                    if program is None:
                        continue
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
        except Exception:
            rows = []
        rows.sort()
        self._rows = rows
        self._addresses = [r[0] for r in rows]

    def lookup(self, address: int) -> str | None:
        if self._rows is None:
            self._build()
        i = bisect.bisect_right(self._addresses, address) - 1
        if i < 0:
            return None
        _, name, line = self._rows[i]
        return f"{name}:{line}"
