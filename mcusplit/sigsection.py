"""The `.mcusplit.signatures` section: function signatures from the build for the analyzer.

An indirect call can only reach a function whose type the call is compatible with. C's notion of
compatible types is wider than their spellings (an enum and its underlying integer, a function
without a prototype and one with): the IR signature, after the ABI's lowering, is what two
compatible types share, so that is what the build records (codegen/signatures.py) for every
function it compiles: its IR signature (`i32 (i32, ptr)`), and the IR signatures of the indirect
calls it makes. The section is not loaded: one `F<TAB>name<TAB>signature` or
`I<TAB>name<TAB>signature` line each. The analyzer reads it from the ELF (analysis/callgraph.py);
images without it (other toolchains) resolve indirect calls without types.
"""

from __future__ import annotations

from pathlib import Path

SECTION = ".mcusplit.signatures"


def section_source(defined: dict[str, set[str]], indirect: dict[str, set[str]], out: Path) -> Path:
    """Assembly for the section; `defined`/`indirect` map each name to its signatures (static
    functions of the same name in several modules keep every one)."""
    out.write_text(section_text(defined, indirect))
    return out


def section_text(defined: dict[str, set[str]], indirect: dict[str, set[str]]) -> str:
    """The assembly of the section. The linker concatenates the sections of every object, so each
    object's text ends with a newline (mcusplit cc puts one in every object it compiles)."""
    lines = [f"F\t{name}\t{sig}" for name in sorted(defined) for sig in sorted(defined[name])]
    lines += [f"I\t{name}\t{sig}" for name in sorted(indirect) for sig in sorted(indirect[name])]
    return ascii_section(SECTION, "\n".join(lines) + "\n")


def ascii_section(name: str, text: str) -> str:
    """Assembly for a section that is not loaded, holding `text`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'\t.section {name},"",%progbits\n\t.ascii "{escaped}"\n'


def parse(data: bytes) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(signatures by function name, indirect call signatures by caller name)."""
    defined: dict[str, set[str]] = {}
    indirect: dict[str, set[str]] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        kind, _, rest = line.partition("\t")
        name, _, sig = rest.partition("\t")
        if kind == "F" and name:
            defined.setdefault(name, set()).add(sig)
        elif kind == "I" and name:
            indirect.setdefault(name, set()).add(sig)
    return defined, indirect
