"""One-way imports, read from the source (ast): what each part of the tool may use.

frontend -> codegen -> link -> build; the analysis reads ELF only (through the neutral reader,
mcusplit/elfimage.py) and the runtime contract; the optimizer patches images from the analysis;
the probe reads images through the neutral reader, never through the analysis; nothing in the
package imports the HIL suite (hil/ uses the package, never the reverse).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mcusplit"
HIL = Path(__file__).resolve().parent.parent / "hil"

NEUTRAL = {"mcusplit.contract", "mcusplit.demangle", "mcusplit.elfimage", "mcusplit.errors", "mcusplit.files",
           "mcusplit.sigsection"}
# part -> the parts it must never import
FORBIDDEN = {
    "mcusplit.analysis": {"mcusplit.build", "mcusplit.codegen", "mcusplit.frontend", "mcusplit.link",
                          "mcusplit.optimize", "mcusplit.probe", "mcusplit.emu", "mcusplit.fuzz", "mcusplit.cli",
                          "mcusplit.project", "mcusplit.boards", "mcusplit.toolchain"},
    "mcusplit.probe": {"mcusplit.analysis", "mcusplit.build", "mcusplit.codegen", "mcusplit.frontend",
                       "mcusplit.link", "mcusplit.optimize", "mcusplit.fuzz", "mcusplit.cli"},
    "mcusplit.frontend": {"mcusplit.codegen", "mcusplit.link", "mcusplit.build", "mcusplit.analysis",
                          "mcusplit.optimize", "mcusplit.cli"},
    "mcusplit.codegen": {"mcusplit.frontend", "mcusplit.link", "mcusplit.build", "mcusplit.analysis",
                         "mcusplit.optimize", "mcusplit.cli"},
    "mcusplit.link": {"mcusplit.codegen", "mcusplit.build", "mcusplit.analysis", "mcusplit.optimize", "mcusplit.cli"},
    "mcusplit.optimize": {"mcusplit.build", "mcusplit.codegen", "mcusplit.frontend", "mcusplit.link",
                          "mcusplit.probe", "mcusplit.cli"},
    "mcusplit.emu": {"mcusplit.analysis", "mcusplit.build", "mcusplit.codegen", "mcusplit.optimize", "mcusplit.cli"},
    "mcusplit.elfimage": {"mcusplit.analysis", "mcusplit.probe", "mcusplit.build"},
    "mcusplit.build": {"mcusplit.cli", "mcusplit.fuzz", "mcusplit.probe", "mcusplit.driver"},
    "mcusplit.driver": {"mcusplit.cli", "mcusplit.fuzz", "mcusplit.probe"},
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every mcusplit module a file imports, relative imports resolved, `from mcusplit import x`
    counted as mcusplit.x."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    return {m for m in found if m == "mcusplit" or m.startswith("mcusplit.") or m == "hil" or m.startswith("hil.")}


def part(module: str) -> str:
    return ".".join(module.split(".")[:2])


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_go_one_way(path):
    own = part(module_name(path))
    forbidden = FORBIDDEN.get(own, set())
    bad = sorted(m for m in imports(path) if part(m) in forbidden or m.split(".")[0] == "hil")
    assert not bad, f"{path.relative_to(PACKAGE.parent)} ({own}) must not import {', '.join(bad)}"


def test_the_analysis_reads_only_neutral_modules():
    outside = sorted({m for p in (PACKAGE / "analysis").rglob("*.py") for m in imports(p)
                      if part(m) not in NEUTRAL | {"mcusplit.analysis", "mcusplit"}})
    assert not outside, outside


def test_the_rules_catch_a_violation(tmp_path):
    """The checker itself: a probe module importing the analysis and the build is found."""
    fake = tmp_path / "mcusplit" / "probe" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..analysis.analyze import analyze\nfrom .. import build\nimport hil.conftest\n")
    found = imports(fake, tmp_path / "mcusplit")
    assert {"mcusplit.analysis.analyze", "mcusplit.build", "hil.conftest"} <= found
    assert {part(m) for m in found} & FORBIDDEN["mcusplit.probe"]
