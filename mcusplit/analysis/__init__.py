"""Analysis of linked firmware. Reads ELF files only (no build products), so it also
works on firmware some other build made."""
