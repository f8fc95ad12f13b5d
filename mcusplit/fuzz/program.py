"""A generated program: its C source and what its generator knows about it.

Every program, whichever generator wrote it, follows one protocol so that one driver can run
several of them in one image and the host can run each alone:

    void NAME_init(void);        run first, before any interrupt (fills RAM tables, expectations)
    uint32_t NAME_run(void);     the program; returns its checksum
    void NAME_irq(void);         called from the timer interrupt while NAME_run runs (may be empty)
    NAME_irq_n, NAME_irq_err     interrupts served, and how many computed a wrong result

On the target the file defines `const struct fz_desc NAME_desc` for the driver (driver.py); built
with -DFZ_HOST it has a `main` that prints the one line the target prints for it:

    fz NAME checksum=XXXXXXXX
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The descriptor the driver reads; the same text is in every program and in the driver.
DESCRIPTOR_STRUCT = """struct fz_desc {
    const char *name;
    void (*init)(void);
    uint32_t (*run)(void);
    void (*irq)(void);
    const volatile uint32_t *irq_count;
    const volatile uint32_t *irq_errors;
};"""


def protocol_tail(name: str) -> str:
    """The end of every program's file: the host's main, or the target's descriptor."""
    return f"""
#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{{
    {name}_init();
    printf("fz {name} checksum=%08x\\n", (unsigned){name}_run());
    return 0;
}}
#else
#ifndef FZ_DESC_DEFINED       /* several programs may share one translation unit (images.py) */
#define FZ_DESC_DEFINED
{DESCRIPTOR_STRUCT}
#endif
const struct fz_desc {name}_desc = {{"{name}", {name}_init, {name}_run, {name}_irq, &{name}_irq_n, &{name}_irq_err}};
#endif
"""


def checksum_line(name: str, value: int) -> str:
    return f"fz {name} checksum={value:08x}"


@dataclass
class Program:
    name: str                      # C identifier prefix, unique in a pack (fz<seed> / cs<seed>)
    generator: str                 # "own" | "csmith"
    seed: int
    source: str                    # the whole C file
    segment_size: int = 1024       # the pool's segment size the program was generated for
    # [analyze.recursion]: function -> the most frames of its cycle at once (the program's own bound)
    recursion: dict[str, int] = field(default_factory=dict)
    # Call-graph level of each generated function (0: the entry). Every call goes to a deeper level
    # (recursion stays within one), so an indirect call in a function at level L can only reach
    # address-taken functions deeper than L: the annotation bounds.py writes for calls the
    # analyzer cannot resolve by itself. Empty for Csmith programs.
    levels: dict[str, int] = field(default_factory=dict)
    address_taken: list[str] = field(default_factory=list)
    features: dict[str, int] = field(default_factory=dict)   # feature -> how many (generator report)
    # Estimated worst segments (thread, interrupt handler) on `segment_size` segments.
    estimated_segments: tuple[int, int] = (0, 0)
    cflags: tuple[str, ...] = ()              # for the target build (also given to the host build)
    target_includes: tuple[str, ...] = ()     # include directories for the target only (Csmith's headers)
    host_cflags: tuple[str, ...] = ()         # for the host build only
    host_limit: float = 10.0                  # seconds the host run may take (longer: skipped, too slow for QEMU)
    data_bytes: int = 0                       # RAM its globals take, when known (0: a small default)
    # Whether several programs may be #included into one translation unit (every file-scope name
    # prefixed): one compile per pack instead of one per program.
    unity: bool = True

    @property
    def filename(self) -> str:
        return f"{self.name}.c"

    @property
    def functions(self) -> list[str]:
        return sorted(self.levels)
