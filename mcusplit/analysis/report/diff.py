"""What changed since a baseline analysis (the JSON of an earlier run)."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import McusplitError


def load_baseline(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise McusplitError("no such baseline file", str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise McusplitError(f"not an analysis JSON file ({exc})", str(path)) from None
    if not isinstance(data, dict) or data.get("schema") != 1 or "entries" not in data:
        raise McusplitError("not an mcusplit analysis (schema 1) JSON file", str(path))
    return data


def compare(old: dict, new: dict) -> list[str]:
    """One line per change, empty when nothing that matters changed."""
    changes = []
    if old["needed"] != new["needed"]:
        changes.append(f"segments needed: {old['needed']} → {new['needed']}")
    if old["pool"] != new["pool"]:
        changes.append(f"pool: {old['pool']['segments']} × {old['pool']['segment_size']} B → "
                       f"{new['pool']['segments']} × {new['pool']['segment_size']} B")
    old_entries = {e["name"]: e for e in old["entries"]}
    new_entries = {e["name"]: e for e in new["entries"]}
    for name in sorted(new_entries.keys() - old_entries.keys()):
        changes.append(f"new entry point {name}: {new_entries[name]['segments'] or new_entries[name]['status']}")
    for name in sorted(old_entries.keys() - new_entries.keys()):
        changes.append(f"entry point {name} is gone")
    for name in sorted(old_entries.keys() & new_entries.keys()):
        a, b = old_entries[name], new_entries[name]
        if (a["segments"], a["status"]) != (b["segments"], b["status"]):
            changes.append(f"{name}: {a['segments'] if a['status'] == 'ok' else a['status']} → "
                           f"{b['segments'] if b['status'] == 'ok' else b['status']} segments")
        old_path = [p["function"] for p in a["path"]]
        new_path = [p["function"] for p in b["path"]]
        if old_path != new_path and (a["segments"], a["status"]) == (b["segments"], b["status"]):
            changes.append(f"{name}: the worst path changed ({len(old_path)} → {len(new_path)} frames)")

    def keyed(items: list[dict], key) -> dict:
        return {key(i): i for i in items}

    old_u = keyed(old["unresolved"], lambda u: (u["function"], u.get("source")))
    new_u = keyed(new["unresolved"], lambda u: (u["function"], u.get("source")))
    for k in sorted(new_u.keys() - old_u.keys(), key=str):
        changes.append(f"new unresolved indirect call in {k[0]}" + (f" ({k[1]})" if k[1] else ""))
    for k in sorted(old_u.keys() - new_u.keys(), key=str):
        changes.append(f"resolved: indirect call in {k[0]}" + (f" ({k[1]})" if k[1] else ""))
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
