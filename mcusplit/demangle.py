"""Rust symbol names (the legacy mangling mcusplit's Rust frontend asks rustc for) made readable.

`_ZN4rust7descend17h0123456789abcdefE` -> `rust::descend`: the path without its hash, as users
write it in mcusplit.toml ([analyze.recursion], [analyze.indirect]). Only names that end in
rustc's `17h<16 hex digits>E` are touched, so C symbols and C++'s Itanium names stay as they are.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

# rustc's escapes inside path components (legacy mangling).
_ESCAPES = {"$SP$": "@", "$BP$": "*", "$RF$": "&", "$LT$": "<", "$GT$": ">", "$LP$": "(", "$RP$": ")",
            "$C$": ",", "$u7e$": "~", "$u20$": " ", "$u27$": "'", "$u3d$": "=", "$u5b$": "[", "$u5d$": "]",
            "$u7b$": "{", "$u7d$": "}", "$u3b$": ";", "$u2b$": "+", "$u22$": '"'}
_ESCAPE = re.compile(r"\$(?:SP|BP|RF|LT|GT|LP|RP|C|u[0-9a-f]{2})\$")
_HASH = re.compile(r"h[0-9a-f]{16}")


def demangle(name: str) -> str:
    """The readable path of a Rust legacy-mangled name; any other name unchanged."""
    if not (name.startswith("_ZN") and name.endswith("E")):
        return name
    parts, i, body = [], 3, name[:-1]
    while i < len(body):
        j = i
        while j < len(body) and body[j].isdigit():
            j += 1
        if j == i:
            return name
        length = int(body[i:j])
        if j + length > len(body):
            return name
        parts.append(body[j:j + length])
        i = j + length
    if len(parts) < 2 or not _HASH.fullmatch(parts[-1]):
        return name
    readable = []
    for part in parts[:-1]:
        if part.startswith("_$"):           # a component that starts with an escape gets a '_'
            part = part[1:]
        part = part.replace("..", "::")
        readable.append(_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0), m.group(0)), part))
    return "::".join(readable)


def name_matches(name: str, patterns: Iterable[str]) -> bool:
    """fnmatch patterns (mcusplit.toml's no_split_stack) against a symbol or its readable path."""
    names = {name, demangle(name)}
    return any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names)
