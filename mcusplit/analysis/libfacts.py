"""Facts about C library code the analysis cannot read from machine code, each with its reason.

A recursion bound here applies only to the library's own function: one whose machine code the
image's DWARF places in the library's source file (a function of the same name elsewhere gets
nothing), recursing only into itself (a cycle through user code, a qsort callback that sorts
again, is the project's to bound). `[analyze.recursion]` overrides every one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryBound:
    function: str
    source: str             # the DWARF file its code comes from ends with this
    bound: int              # the most frames of it active at once
    reason: str


RECURSION = (
    # newlib/libc/search/qsort.c: "Using recursion only for the smaller part guarantees a recursion
    # depth that is bounded to be less than (log2(n))"; n is a size_t.
    LibraryBound("qsort", "newlib/libc/search/qsort.c", 32,
                 "picolibc's qsort recurses only into the smaller part: fewer than log2(n) levels"),
    # Its indirect calls run the handlers atexit/on_exit registered; exit() is its only caller and
    # calling exit() again from a handler is undefined (C11 7.22.4.4p2), so it never re-enters.
    LibraryBound("__call_exitprocs", "newlib/libc/stdlib/pico-onexit.c", 1,
                 "picolibc's exit handlers: exit() may not be called again from a handler (C11 7.22.4.4)"),
)


def bound_for(name: str, source: str | None) -> LibraryBound | None:
    """The library's bound for a function of that name whose code comes from `source` (file:line)."""
    if source is None:
        return None
    file = source.rsplit(":", 1)[0]
    return next((b for b in RECURSION if b.function == name and file.endswith(b.source)), None)
