"""What changed since a baseline analysis (the JSON of an earlier run)."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import McusplitError


def load_baseline(path: Path) -> dict:
    """An earlier `--format json` report, checked in full before anything is compared or written:
    one line naming the first key that is missing or of the wrong type."""
    where = str(path)
    if path.is_dir():
        raise McusplitError("is a directory, not a baseline JSON file", where)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise McusplitError("no such baseline file", where) from None
    except OSError as exc:
        raise McusplitError(f"cannot read: {exc.strerror or exc}", where) from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise McusplitError(f"not an analysis JSON file ({' '.join(str(exc).split())[:120]})", where) from None
    if not isinstance(data, dict) or data.get("schema") not in (1, 2) or "entries" not in data:
        raise McusplitError("not an mcusplit analysis (schema 1 or 2) JSON file", where)
    _validate(data, where)
    return data


_NUMBER = (int, type(None))
_NAME = (str,)
_SOURCE = (str, type(None))


def _need(container: dict, key: str, kinds: tuple[type, ...], at: str, where: str, optional: bool = False) -> object:
    if key not in container:
        if optional:
            return None
        raise McusplitError(f"baseline: {at}: missing key '{key}'", where)
    value = container[key]
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise McusplitError(f"baseline: {at}.{key} must be {' or '.join(k.__name__ for k in kinds)}, "
                            f"got {json.dumps(value)[:40]}", where)
    return value


def _items(data: dict, key: str, where: str, optional: bool = False) -> list[dict]:
    items = _need(data, key, (list,), "the report", where, optional) or []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise McusplitError(f"baseline: {key}[{i}] must be an object, got {json.dumps(item)[:40]}", where)
    return items


def _validate(data: dict, where: str) -> None:
    """Every key compare() reads, with the type it needs (a damaged baseline is one line, never a
    KeyError or a TypeError after the report was written)."""
    _need(data, "needed", (int, float, str, type(None)), "the report", where)
    _need(data, "mode", (str,), "the report", where, optional=True)
    pool = _need(data, "pool", (dict,), "the report", where, optional=True)
    if pool is not None:
        for key in ("segments", "segment_size"):
            _need(pool, key, _NUMBER, "pool", where)
    for i, entry in enumerate(_items(data, "entries", where)):
        at = f"entries[{i}]"
        _need(entry, "name", _NAME, at, where)
        _need(entry, "status", _NAME, at, where)
        for key in ("bytes", "segments"):
            _need(entry, key, (int, float, type(None)), at, where, optional=True)
        for j, step in enumerate(_need(entry, "path", (list,), at, where)):
            if not isinstance(step, dict):
                raise McusplitError(f"baseline: {at}.path[{j}] must be an object", where)
            _need(step, "function", _NAME, f"{at}.path[{j}]", where)
    for key, fields in (("unresolved", ("function",)), ("unknowns", ("function",))):
        for i, item in enumerate(_items(data, key, where, optional=key == "unknowns")):
            for field in fields:
                _need(item, field, _NAME, f"{key}[{i}]", where)
            _need(item, "source", _SOURCE, f"{key}[{i}]", where, optional=True)
            _need(item, "reason", _SOURCE, f"{key}[{i}]", where, optional=True)
    for i, cycle in enumerate(_items(data, "cycles", where)):
        functions = _need(cycle, "functions", (list,), f"cycles[{i}]", where)
        if not all(isinstance(f, str) for f in functions):
            raise McusplitError(f"baseline: cycles[{i}].functions must be a list of names", where)
        _need(cycle, "bound", (int, type(None)), f"cycles[{i}]", where)
    _need(_need(data, "check", (dict,), "the report", where), "passed", (bool,), "check", where)


def _amount(entry: dict) -> object:
    return entry.get("bytes", entry.get("segments"))


def compare(old: dict, new: dict) -> list[str]:
    """One line per change, empty when nothing that matters changed."""
    changes = []
    unit = "stack bytes" if new.get("mode") == "contiguous" else "segments"
    if old.get("mode", "segments") != new.get("mode", "segments"):
        changes.append(f"mode: {old.get('mode', 'segments')} → {new.get('mode', 'segments')}")
    if old["needed"] != new["needed"]:
        changes.append(f"{unit} needed: {old['needed']} → {new['needed']}")
    if "pool" in old and "pool" in new and old["pool"] != new["pool"]:
        changes.append(f"pool: {old['pool']['segments']} × {old['pool']['segment_size']} B → "
                       f"{new['pool']['segments']} × {new['pool']['segment_size']} B")
    old_entries = {e["name"]: e for e in old["entries"]}
    new_entries = {e["name"]: e for e in new["entries"]}
    for name in sorted(new_entries.keys() - old_entries.keys()):
        changes.append(f"new entry point {name}: {_amount(new_entries[name]) or new_entries[name]['status']}")
    for name in sorted(old_entries.keys() - new_entries.keys()):
        changes.append(f"entry point {name} is gone")
    for name in sorted(old_entries.keys() & new_entries.keys()):
        a, b = old_entries[name], new_entries[name]
        if (_amount(a), a["status"]) != (_amount(b), b["status"]):
            changes.append(f"{name}: {_amount(a) if a['status'] == 'ok' else a['status']} → "
                           f"{_amount(b) if b['status'] == 'ok' else b['status']} {unit}")
        old_path = [p["function"] for p in a["path"]]
        new_path = [p["function"] for p in b["path"]]
        if old_path != new_path and (_amount(a), a["status"]) == (_amount(b), b["status"]):
            changes.append(f"{name}: the worst path changed ({len(old_path)} → {len(new_path)} frames)")

    def keyed(items: list[dict], key) -> dict:
        return {key(i): i for i in items}

    old_u = keyed(old["unresolved"], lambda u: (u["function"], u.get("source")))
    new_u = keyed(new["unresolved"], lambda u: (u["function"], u.get("source")))
    for k in sorted(new_u.keys() - old_u.keys(), key=str):
        changes.append(f"new unresolved indirect call in {k[0]}" + (f" ({k[1]})" if k[1] else ""))
    for k in sorted(old_u.keys() - new_u.keys(), key=str):
        changes.append(f"resolved: indirect call in {k[0]}" + (f" ({k[1]})" if k[1] else ""))
    old_k = keyed(old.get("unknowns", []), lambda u: (u["function"], u.get("source"), u.get("reason")))
    new_k = keyed(new.get("unknowns", []), lambda u: (u["function"], u.get("source"), u.get("reason")))
    for k in sorted(new_k.keys() - old_k.keys(), key=str):
        changes.append(f"new unknown in {k[0]}" + (f" ({k[1]})" if k[1] else "") + f": {k[2]}")
    for k in sorted(old_k.keys() - new_k.keys(), key=str):
        changes.append(f"no longer unknown: {k[0]}" + (f" ({k[1]})" if k[1] else "") + f": {k[2]}")
    old_c = {tuple(c["functions"]): c["bound"] for c in old["cycles"]}
    new_c = {tuple(c["functions"]): c["bound"] for c in new["cycles"]}
    for k in sorted(new_c.keys() - old_c.keys()):
        changes.append(f"new recursion {' → '.join(k)}" + (f" (bound {new_c[k]})" if new_c[k] else " (unbounded)"))
    for k in sorted(old_c.keys() - new_c.keys()):
        changes.append(f"recursion {' → '.join(k)} is gone")
    for k in sorted(old_c.keys() & new_c.keys()):
        if old_c[k] != new_c[k]:
            changes.append(f"recursion {' → '.join(k)}: bound {old_c[k]} → {new_c[k]}")
    if old["check"]["passed"] != new["check"]["passed"]:
        changes.append(f"check: {'passed' if old['check']['passed'] else 'failed'} → "
                       f"{'passed' if new['check']['passed'] else 'failed'}")
    return changes
