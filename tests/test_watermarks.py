"""The runtime's console lines, and naming addresses from the ELF."""

from __future__ import annotations

import pytest

from mcusplit.analysis.symbols import Symbolizer
from mcusplit.watermarks import ConsoleReport, parse_line

from .conftest import EXAMPLES


def test_parse_stats_and_exit():
    stats = parse_line("@mcusplit v1 stats seg_size=1024 segments=12 in_use=0 hwm=7 splits=7\r")
    assert stats.kind == "stats" and stats.int("hwm") == 7 and stats.int("seg_size") == 1024
    assert parse_line("@mcusplit v1 exit code=100").int("code") == 100
    assert parse_line("@mcusplit v1 pool-exhausted fn=0x00000660 site=0x6ae").int("fn") == 0x660


def test_unknown_fields_and_kinds_are_kept_not_fatal():
    record = parse_line("@mcusplit v1 stats hwm=3 new_field=abc")
    assert record.fields["new_field"] == "abc" and record.int("hwm") == 3
    assert parse_line("@mcusplit v1 something-new x=1").kind == "something-new"


@pytest.mark.parametrize("line", ["recursion: result=1", "@mcusplit v2 stats hwm=1", "@mcusplitv1 stats",
                                  "# @mcusplit v1 stats", ""])
def test_other_lines_are_not_records(line):
    assert parse_line(line) is None


def test_report_keeps_the_last_of_each_kind():
    report = ConsoleReport()
    for line in ["@mcusplit v1 stats hwm=1 splits=1", "hello", "@mcusplit v1 stats hwm=4 splits=9"]:
        record = parse_line(line)
        if record:
            report.add(record)
    assert report.stats == {"hwm": 4, "splits": 9}
    assert report.last("exit") is None


@pytest.mark.slow
def test_symbolizer_names_functions_and_offsets(firmware):
    elf = firmware(EXAMPLES / "recursion", "qemu-mps2-an386", True).elf
    names = Symbolizer(elf)
    start = next(a for a, _, n in names.entries if n == "descend")
    assert names.name(start) == "descend"
    assert names.name(start + 5) == "descend+0x4"          # Thumb bit ignored
    line = f"@mcusplit v1 pool-exhausted fn={start:#010x} site={start + 0x40:#010x} segments=4"
    assert names.annotate(line).endswith("(fn: descend, site: descend+0x40)")
    assert names.annotate("ordinary output fn=0x10") == "ordinary output fn=0x10"
