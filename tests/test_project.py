"""mcusplit.toml parsing: defaults, and one-line errors for bad values."""

from __future__ import annotations

import pytest

from mcusplit import project
from mcusplit.errors import ProjectError


def make(tmp_path, toml: str | None, files=("main.c",)):
    for name in files:
        (tmp_path / name).write_text("int main(void) { return 0; }\n")
    if toml is not None:
        (tmp_path / "mcusplit.toml").write_text(toml)
    return tmp_path


def test_defaults(tmp_path):
    p = project.load(make(tmp_path, None))
    assert p.name == tmp_path.name
    assert p.pool.segment_size == 1024 and p.pool.segments == 8 and p.pool.reserve is None
    assert [s.name for s in p.sources] == ["main.c"]


def test_single_file_project(tmp_path):
    make(tmp_path, None)
    p = project.load(tmp_path / "main.c")
    assert p.name == "main" and len(p.sources) == 1


def test_full_config(tmp_path):
    (tmp_path / "inc").mkdir()
    p = project.load(make(tmp_path, """
[project]
name = "demo"
sources = ["*.c"]
include_dirs = ["inc"]
defines = { DEPTH = 10, MODE = "fast" }
cflags = ["-Os"]
[pool]
segment_size = 2048
segments = 5
reserve = 128
[split_stack]
no_split_stack = ["isr_*", "fast"]
""", files=("main.c", "b.c")))
    assert p.name == "demo" and len(p.sources) == 2
    assert p.defines == {"DEPTH": "10", "MODE": "fast"}
    assert p.pool.segment_size == 2048 and p.pool.segment_shift == 11 and p.pool.reserve == 128
    assert p.opted_out("isr_timer") and p.opted_out("fast") and not p.opted_out("main")


@pytest.mark.parametrize("toml, expected", [
    ("[pool]\nsegment_size = 1000", "power of two"),
    ("[pool]\nsegment_size = 128", "power of two from 256"),
    ("[pool]\nsegments = 0", "pool.segments must be"),
    ("[pool]\nreserve = 7", "multiple of 8"),
    ("[pool]\nsegmnets = 4", "unknown key(s) segmnets"),
    ("[project]\nsources = ['nothing*.c']", "matches no file"),
    ("[project]\ninclude_dirs = ['missing']", "does not exist"),
    ("[split_stack]\nno_split_stack = 'x'", "must be list"),
    ("[project\n", "not valid TOML"),
])
def test_bad_config(tmp_path, toml, expected):
    make(tmp_path, toml)
    with pytest.raises(ProjectError) as info:
        project.load(tmp_path)
    assert expected in info.value.one_line()
    assert "mcusplit.toml" in info.value.one_line()


def test_missing_and_wrong_sources(tmp_path):
    with pytest.raises(ProjectError, match="no such file"):
        project.load(tmp_path / "nope.c")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ProjectError, match="not a source file"):
        project.load(tmp_path / "notes.txt")
    with pytest.raises(ProjectError, match="no sources"):
        project.load(tmp_path)
