"""The runtime's machine-readable console lines (format version 1).

    @mcusplit v1 stats seg_size=1024 segments=12 in_use=0 hwm=7 splits=7 overflows=0
    @mcusplit v1 pool-exhausted fn=0x00000660 site=0x00000700 segments=12
    @mcusplit v1 fault exc=3 pc=0x... lr=0x... sp=0x... exc_return=0x... [cfsr=0x... hfsr=0x...]
    @mcusplit v1 stack-overflow stacks=1
    @mcusplit v1 exit code=0

One line, one record: `@mcusplit`, the version, a kind, then key=value fields
(decimal or 0x-hex integers, or words). Parsers must ignore fields they do not
know, so fields can be added without a new version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PREFIX = "@mcusplit"
VERSION = "v1"
_FIELD = re.compile(r"(\w+)=(\S+)")


@dataclass
class Record:
    kind: str
    fields: dict[str, str]

    def int(self, key: str) -> int:
        return int(self.fields[key], 0)


@dataclass
class ConsoleReport:
    """Everything the runtime reported during one run."""

    records: list[Record] = field(default_factory=list)

    def add(self, record: Record) -> None:
        self.records.append(record)

    def last(self, kind: str) -> Record | None:
        for record in reversed(self.records):
            if record.kind == kind:
                return record
        return None

    @property
    def stats(self) -> dict[str, int] | None:
        record = self.last("stats")
        if record is None:
            return None
        # a damaged line (noise on a real serial port) loses its bad fields, not the run
        stats = {}
        for key, value in record.fields.items():
            try:
                stats[key] = int(value, 0)
            except ValueError:
                continue
        return stats


def parse_line(line: str) -> Record | None:
    """The record on a console line, or None for ordinary output."""
    text = line.strip()
    if not text.startswith(PREFIX + " "):
        return None
    parts = text.split(None, 3)
    if len(parts) < 3 or parts[1] != VERSION:
        return None
    return Record(parts[2], dict(_FIELD.findall(parts[3] if len(parts) > 3 else "")))
