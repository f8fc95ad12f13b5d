"""The analysis reads images through the neutral ELF reader (mcusplit/elfimage.py)."""

from ..elfimage import CodeSection, ElfError, Firmware, Symbol, c_string

__all__ = ["CodeSection", "ElfError", "Firmware", "Symbol", "c_string"]
