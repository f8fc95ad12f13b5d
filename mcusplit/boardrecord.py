"""The board an image was built for, recorded in the image (section .mcusplit.board, not loaded):
`mcusplit run` and `mcusplit flash` refuse an image built for another board."""

from __future__ import annotations

import struct
from pathlib import Path

from elftools.common.exceptions import ELFError

from .boards import Board
from .errors import ToolError

BOARD_SECTION = ".mcusplit.board"


def recorded_board(elf: Path) -> str | None:
    """The board an mcusplit build recorded in the image (.mcusplit.board: name or name@variant),
    or None for an image without the record (older builds, other tools' images)."""
    from elftools.elf.elffile import ELFFile  # here: building does not read ELF files

    try:
        with elf.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                raise ToolError("not an ELF file (the .elf a build wrote is expected)", str(elf))
            f.seek(0)
            image = ELFFile(f)
            if image["e_machine"] != "EM_ARM" or image.elfclass != 32:
                raise ToolError(f"not a 32-bit Arm image ({image.elfclass}-bit {image['e_machine']})", str(elf))
            section = image.get_section_by_name(BOARD_SECTION)
            if section is None:
                return None
            data = section.data()
    except OSError as exc:
        raise ToolError(f"cannot read: {exc.strerror or exc}", str(elf)) from None
    except (ELFError, ValueError, struct.error) as exc:
        raise ToolError(f"not a readable ELF file ({' '.join(str(exc).split())[:120]})", str(elf)) from None
    return data.split(b"\0", 1)[0].decode("utf-8", errors="replace") or None


def check(elf: Path, board: Board, verb: str) -> None:
    """One line if `elf` records another board than `board` (only the name is compared: a
    variant's image runs on QEMU as another variant, the same machine)."""
    recorded = recorded_board(elf)
    if recorded is not None and recorded.split("@", 1)[0] != board.name:
        raise ToolError(f"built for board '{recorded}', not for '{board.name}' "
                        f"({verb} it with --board {recorded.split('@', 1)[0]}, or rebuild it for {board.name})",
                        str(elf))
