"""Rust -> LLVM bitcode: a no_std crate, compiled with fat LTO into one module that codegen reads.

rustc must speak LLVM 22 (llvmlite's) and come with its library sources, because `core` is built
here for the board's target: Debian's `rustc-web` and `rust-web-src` (apt-get install rustc-web
rust-web-src) give /usr/bin/rustc 1.96 (LLVM 22.1) and /usr/src/rustc-1.96.0/library. rustup's
toolchains ship no sources for thumb targets' `core` that their rustc can build offline.

Fat LTO (`-C lto=fat --emit=llvm-bc` on a staticlib) merges the crate and the parts of `core` it
uses into one module, so every function, `core`'s included, gets its split-stack prologue from
codegen like C does. `compiler_builtins` stays out of LTO (it is `#![no_builtins]`); the few
intrinsics it would give come from the runtime and zig's compiler-rt at link time.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import shutil
from pathlib import Path

from .. import children
from ..cores import Core
from ..errors import BuildError, ToolError
from ..toolchain import run_tool, ziglang

# Cortex-M core -> the Rust target whose ABI (soft/hard float) and instruction set match it.
RUST_TARGETS = {
    "v6m": "thumbv6m-none-eabi",
    "v7m": "thumbv7m-none-eabi",
    "v7em": "thumbv7em-none-eabihf",
    "v8m.main": "thumbv8m.main-none-eabihf",
}
RUSTC_CANDIDATES = ("/usr/bin/rustc",)
BITCODE_MAGIC = b"BC\xc0\xde"
INSTALL_HINT = "Rust sources need rustc with LLVM 22 and its library sources (apt-get install rustc-web rust-web-src)"
# -C debuginfo=1: line tables, so that the analyzer names file:line for unresolved calls.
# Legacy mangling: names the analyzer and `mcusplit symbolize` turn into paths (rust::descend).
BASE_RUSTFLAGS = ("-C", "panic=abort", "-C", "opt-level=s", "-C", "debuginfo=1", "--edition", "2024",
                  "-C", "symbol-mangling-version=legacy", "-Z", "unstable-options")


@functools.cache
def rustc() -> tuple[str, str, Path]:
    """(rustc path, its version, its library sources), or a ToolError saying what to install.
    Asked once per process (every crate build needs it twice: for the sysroot and the crate)."""
    override = os.environ.get("MCUSPLIT_RUSTC")
    for candidate in ([override] if override else list(RUSTC_CANDIDATES)):
        if not candidate or not Path(candidate).is_file():
            continue
        info = children.run([candidate, "-vV"]).stdout
        release = re.search(r"^release: (\S+)", info, re.M)
        llvm = re.search(r"^LLVM version: (\d+)", info, re.M)
        if not release or not llvm:
            continue
        if int(llvm.group(1)) > 22:
            raise ToolError(f"{candidate} uses LLVM {llvm.group(1)}; llvmlite reads bitcode up to LLVM 22")
        library = Path(f"/usr/src/rustc-{release.group(1)}/library")
        if not (library / "core" / "src" / "lib.rs").is_file():
            raise ToolError(f"{INSTALL_HINT}: no library sources at {library}")
        return candidate, release.group(1), library
    raise ToolError(INSTALL_HINT)


def target_for(core: Core) -> str:
    return RUST_TARGETS[core.arch]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mcusplit" / "rust"


def sysroot(target: str) -> Path:
    """A sysroot with `core` and `compiler_builtins` for `target`, built once (about 12 s) and kept
    in ~/.cache/mcusplit/rust. A file lock keeps parallel builds from building it twice."""
    compiler, version, library = rustc()
    root = _cache_dir() / f"{version}-legacy-mangling"
    lib = root / "lib" / "rustlib" / target / "lib"
    done = lib / ".complete"
    if done.is_file():
        return root
    lib.mkdir(parents=True, exist_ok=True)
    with open(root / f".{target}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return root
        env = {**os.environ, "RUSTC_BOOTSTRAP": "1"}
        common = [compiler, "--edition", "2024", "--crate-type", "rlib", "--target", target,
                  "-C", "opt-level=s", "-C", "panic=abort", "-C", "embed-bitcode=yes",
                  "-Z", "force-unstable-if-unmarked", "-C", "symbol-mangling-version=legacy",
                  "-Z", "unstable-options", "--sysroot", str(root), "--out-dir", str(lib)]
        for crate, source, extra in [
            ("core", library / "core" / "src" / "lib.rs", []),
            ("compiler_builtins", library / "compiler-builtins" / "compiler-builtins" / "src" / "lib.rs",
             ["--cfg", 'feature="compiler-builtins"', "--cfg", 'feature="mem"', "--cap-lints", "allow"]),
        ]:
            proc = children.run([*common, "--crate-name", crate, str(source), *extra], env=env)
            if proc.returncode != 0:
                shutil.rmtree(lib, ignore_errors=True)
                place, message = _first_rust_error(proc.stderr)
                raise BuildError(f"building Rust's {crate} for {target} failed: {message}", place or str(source))
        done.write_text(version + "\n")
    return root


_RUST_ERROR = re.compile(r"^error(\[E\d+\])?: (?P<msg>.*)$")
_RUST_AT = re.compile(r"^\s*--> (?P<loc>\S+)$")


def _first_rust_error(stderr: str) -> tuple[str | None, str]:
    """rustc's first error: (its file:line:column or None, the message)."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        m = _RUST_ERROR.match(line)
        if m and not m.group("msg").startswith("aborting due to"):
            for after in lines[i + 1:]:
                if not after.strip() or _RUST_ERROR.match(after):
                    break                   # this error has no place of its own
                at = _RUST_AT.match(after)
                if at:
                    return at.group("loc"), m.group("msg")
            return None, m.group("msg")
    return None, next((line for line in lines if line.strip()), "failed with no message")


def to_bitcode(crate_root: Path, out: Path, core: Core, rustflags: list[str]) -> Path:
    """The crate at crate_root (main.rs or lib.rs of a no_std crate), fat-LTO'd with `core`."""
    compiler, _, _ = rustc()
    target = target_for(core)
    root = sysroot(target)
    work = out.with_suffix(".rustc")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    archive = work / "crate.a"
    # A staticlib with fat LTO and linker-plugin LTO: its one object of the crate is the merged
    # bitcode (`--emit=llvm-bc` would give the crate's bitcode before LTO, without `core`).
    cmd = [compiler, *BASE_RUSTFLAGS, "--crate-type", "staticlib", "-C", "lto=fat", "-C", "linker-plugin-lto",
           "--target", target, "-C", f"target-cpu={core.llvm_cpu}", "--sysroot", str(root),
           "--crate-name", _crate_name(crate_root), *rustflags, str(crate_root), "-o", str(archive)]
    proc = children.run(cmd, env={**os.environ, "RUSTC_BOOTSTRAP": "1"})
    if proc.returncode != 0:
        place, message = _first_rust_error(proc.stderr)
        raise BuildError(message, place or str(crate_root))
    run_tool([*ziglang(), "ar", "x", archive.name], "unpacking rustc's staticlib", cwd=work)
    bitcode = [m for m in sorted(work.glob("*.o")) if m.read_bytes()[:4] == BITCODE_MAGIC]
    if len(bitcode) != 1:
        raise BuildError(f"rustc's staticlib holds {len(bitcode)} bitcode objects, expected 1", str(crate_root))
    shutil.move(bitcode[0], out)
    shutil.rmtree(work, ignore_errors=True)
    return out


def _crate_name(crate_root: Path) -> str:
    directory = crate_root.parent.parent if crate_root.parent.name == "src" else crate_root.parent
    stem = directory.name if crate_root.stem in ("main", "lib") else crate_root.stem
    return re.sub(r"\W", "_", stem) or "app"
