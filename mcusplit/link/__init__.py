"""Linking: generated board sources and linker script, the link itself, output formats."""
