"""The GCC/clang command line a build system writes -> one Invocation.

Three kinds of flag: those mcusplit acts on (mode, output, target, dependency files, linking),
those forwarded to clang unchanged (preprocessor, language, warnings, optimisation, debug info,
-f code generation options: clang itself rejects an -f or -W it does not know, naming it), and
the rest, refused with one line naming the flag: a flag that silently changed nothing, or changed
the ABI under the split-stack code, would be worse than a failed build.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError

# Language of an input, by -x or by its suffix (GCC's names).
C, ASM, ASM_CPP, IR, OBJECT, ARCHIVE = "c", "assembler", "assembler-with-cpp", "ir", "object", "archive"
SUFFIXES = {".c": C, ".i": C, ".s": ASM, ".S": ASM_CPP, ".sx": ASM_CPP, ".ll": IR, ".bc": IR,
            ".o": OBJECT, ".obj": OBJECT, ".a": ARCHIVE}
X_LANGUAGES = {"c": C, "cpp-output": C, "assembler": ASM, "assembler-with-cpp": ASM_CPP, "ir": IR}
REFUSED_SUFFIXES = {".cc", ".cpp", ".cxx", ".c++", ".C", ".m", ".mm", ".f", ".f90", ".rs"}

# Flags that take the next argument (or are joined to it: -Ifoo, -DX=1, -oout.o).
_FORWARD_SEPARATE = ("-I", "-D", "-U", "-isystem", "-iquote", "-idirafter", "-include", "-imacros",
                     "-iprefix", "-iwithprefix", "-isysroot")
# Forwarded as they are.
_FORWARD_EXACT = {"-w", "-pedantic", "-pedantic-errors", "-ansi", "-nostdinc", "-P", "-C", "-dM", "-dD",
                  "-trigraphs", "-H", "-mlittle-endian", "-mno-unaligned-access", "-munaligned-access",
                  "-mlong-calls", "-mno-long-calls", "-Qunused-arguments"}
_FORWARD_PREFIX = ("-O", "-g", "-std=", "-W", "-f", "-Wp,", "-Wa,")
# Accepted and dropped: they say what mcusplit does anyway.
_IGNORED_EXACT = {"-mthumb", "-mthumb-interwork", "-mno-thumb-interwork", "-pipe", "-static", "-nostartfiles",
                  "-nostdlib", "-nodefaultlibs", "-no-pie", "-fno-pic", "-fno-pie", "-fno-PIC", "-fno-PIE",
                  "-mabi=aapcs", "-mabi=aapcs-linux", "-fsplit-stack"}
# -l libraries the link provides itself: picolibc is libc and libm, compiler-rt is libgcc.
PROVIDED_LIBS = {"c", "m", "g", "gcc", "nosys", "c_nano", "g_nano", "semihost"}
_REFUSED = {
    "-marm": "Cortex-M runs Thumb code only",
    "-fPIC": "position-independent code is not supported for firmware",
    "-fpic": "position-independent code is not supported for firmware",
    "-fPIE": "position-independent code is not supported for firmware",
    "-fpie": "position-independent code is not supported for firmware",
    "-shared": "firmware is one static image",
    "-r": "relocatable links are not supported (LLD refuses split-stack objects there)",
    "-T": "the board's linker script is used (--mcusplit-board)",
}
_REFUSED_PREFIX = {
    "--specs=": "GCC specs files are not used: the link adds picolibc and the runtime",
    "-specs=": "GCC specs files are not used: the link adds picolibc and the runtime",
    "-mcmse": "ARMv8-M security extensions are not supported",
    "-flto": "link-time optimisation is not supported: objects are split-stack machine code",
    "-Wl,-T": "the board's linker script is used (--mcusplit-board)",
    "-Wl,--script": "the board's linker script is used (--mcusplit-board)",
}
_TARGET_PREFIXES = ("thumb", "arm")


@dataclass
class Input:
    path: Path
    language: str

    @property
    def compiled(self) -> bool:
        return self.language in (C, ASM, ASM_CPP, IR)


@dataclass
class Invocation:
    inputs: list[Input] = field(default_factory=list)
    output: Path | None = None
    mode: str = "link"                 # link | compile (-c) | assembly (-S) | preprocess (-E)
    forward: list[str] = field(default_factory=list)     # to clang, in order
    deps: bool = False                 # -MD / -MMD: a dependency file beside the compile
    deps_user_only: bool = False       # -MMD: without system headers
    dep_file: Path | None = None       # -MF
    dep_targets: list[str] = field(default_factory=list)  # -MT / -MQ (quoted for make)
    dep_phony: bool = False            # -MP
    deps_only: list[str] = field(default_factory=list)   # -M / -MM with -E: forwarded as they are
    link_flags: list[str] = field(default_factory=list)  # for lld: -Wl, -Xlinker, -L, -l
    libraries: list[str] = field(default_factory=list)   # -l names (searched in lib_dirs)
    lib_dirs: list[Path] = field(default_factory=list)
    board: str | None = None
    config: Path | None = None
    no_split: bool = False
    mcpu: str | None = None
    march: str | None = None
    float_abi: str | None = None
    mfpu: str | None = None
    version: bool = False              # --version, or -v without inputs
    verbose: bool = False
    print_flags: bool = False          # --mcusplit-print-flags: the GCC flags of the board's core
    help: bool = False                 # --help
    dump: str | None = None            # -dumpversion (clang's version), -dumpmachine (arm-none-eabi)
    map_file: Path | None = None       # -Wl,-Map=FILE: a copy of the link's map (it always writes <name>.map)

    @property
    def sources(self) -> list[Input]:
        return [i for i in self.inputs if i.compiled]


def expand_response_files(argv: list[str], depth: int = 0) -> list[str]:
    """@file arguments are replaced by the file's words (quoted as a shell quotes them), as GCC does;
    nested @file inside one are expanded too."""
    out: list[str] = []
    for arg in argv:
        if arg.startswith("@") and len(arg) > 1:
            path = Path(arg[1:])
            if depth > 8:
                raise BuildError("response files nested too deep", arg)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise BuildError(f"cannot read response file: {exc.strerror}", str(path)) from None
            try:
                words = shlex.split(text, comments=False, posix=True)
            except ValueError as exc:
                raise BuildError(f"cannot parse response file: {exc}", str(path)) from None
            out += expand_response_files(words, depth + 1)
        else:
            out.append(arg)
    return out


def language_of(path: Path, forced: str | None) -> str:
    if forced:
        return forced
    if path.suffix in REFUSED_SUFFIXES:
        raise BuildError(f"unsupported source language '{path.suffix}' (mcusplit cc compiles C and assembly; "
                         "Rust and IR projects build with mcusplit build)", str(path))
    # GCC's rule: a file of no known suffix is an input to the linker.
    return SUFFIXES.get(path.suffix, OBJECT)


def parse(argv: list[str], environ: dict[str, str] | None = None) -> Invocation:
    """argv without the program name. environ: MCUSPLIT_BOARD, MCUSPLIT_CONFIG (default: os.environ)."""
    env = os.environ if environ is None else environ
    args = expand_response_files(argv)
    inv = Invocation()
    forced: str | None = None
    i = 0

    def value(flag: str) -> str:
        """The argument of `flag`: joined (-Ifoo) or the next one (-I foo)."""
        nonlocal i
        arg = args[i]
        if arg != flag:
            return arg[len(flag):].removeprefix("=") if flag.startswith("--") else arg[len(flag):]
        if i + 1 >= len(args):
            raise BuildError(f"missing argument to '{flag}'")
        i += 1
        return args[i]

    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "-":
            if arg == "-":
                raise BuildError("reading a source from standard input is not supported", "-")
            inv.inputs.append(Input(Path(arg), language_of(Path(arg), forced)))
        elif arg in ("-c", "-S", "-E"):
            inv.mode = {"-c": "compile", "-S": "assembly", "-E": "preprocess"}[arg]
        elif arg.startswith("-o"):
            inv.output = Path(value("-o"))
        elif arg.startswith("-x"):
            name = value("-x")
            if name == "none":
                forced = None
            elif name in X_LANGUAGES:
                forced = X_LANGUAGES[name]
            else:
                raise BuildError(f"unsupported language '-x {name}' (mcusplit cc compiles c, assembler, "
                                 "assembler-with-cpp)")
        elif arg.startswith("--mcusplit-board"):
            inv.board = value("--mcusplit-board")
        elif arg.startswith("--mcusplit-config"):
            inv.config = Path(value("--mcusplit-config"))
        elif arg == "--mcusplit-no-split" or arg == "-fno-split-stack":
            inv.no_split = True
        elif arg == "--mcusplit-print-flags":
            inv.print_flags = True
        elif arg.startswith("--mcusplit"):
            raise BuildError(f"unknown flag '{arg}' (mcusplit's own: --mcusplit-board=B, --mcusplit-config=FILE, "
                             "--mcusplit-no-split, --mcusplit-print-flags)")
        elif arg == "--version":
            inv.version = True
        elif arg in ("-dumpversion", "-dumpmachine"):
            inv.dump = arg
        elif arg == "-v":
            inv.verbose = True
        elif arg in _IGNORED_EXACT:
            pass
        elif arg in _REFUSED or any(arg.startswith(p) for p in _REFUSED_PREFIX) or (
                arg.startswith("-T") and len(arg) > 2):
            reason = _REFUSED.get(arg) or _REFUSED.get("-T" if arg.startswith("-T") else "") or next(
                r for p, r in _REFUSED_PREFIX.items() if arg.startswith(p))
            raise BuildError(f"unsupported flag '{arg}': {reason}")
        elif arg.startswith("-mcpu="):
            inv.mcpu = arg.split("=", 1)[1]
        elif arg.startswith("-march="):
            inv.march = arg.split("=", 1)[1]
        elif arg.startswith("-mfloat-abi="):
            inv.float_abi = arg.split("=", 1)[1]
        elif arg.startswith("-mfpu="):
            inv.mfpu = arg.split("=", 1)[1]
        elif arg.startswith(("--target=", "-target")):
            triple = value("--target") if arg.startswith("--target") else value("-target")
            if not triple.startswith(_TARGET_PREFIXES):
                raise BuildError(f"unsupported flag '--target={triple}': mcusplit cc compiles for Cortex-M "
                                 "(the core comes from --mcusplit-board or -mcpu)")
        elif arg in ("-MD", "-MMD"):
            inv.deps = True
            inv.deps_user_only = arg == "-MMD"
        elif arg in ("-M", "-MM"):
            inv.deps_only.append(arg)
        elif arg.startswith("-MF"):
            inv.dep_file = Path(value("-MF"))
        elif arg.startswith("-MT"):
            inv.dep_targets.append(value("-MT"))
        elif arg.startswith("-MQ"):
            inv.dep_targets.append(_make_quote(value("-MQ")))
        elif arg == "-MP":
            inv.dep_phony = True
        elif arg.startswith("-Wl,"):
            _linker_flags(inv, [p for p in arg[4:].split(",") if p])
        elif arg == "-Xlinker":
            _linker_flags(inv, [value("-Xlinker")])
        elif arg in ("--help", "-h", "-help"):
            inv.help = True
        elif arg.startswith("-L"):
            directory = Path(value("-L"))
            inv.lib_dirs.append(directory)
            inv.link_flags += ["-L", str(directory)]
        elif arg.startswith("-l"):
            name = value("-l")
            if name not in PROVIDED_LIBS:
                inv.libraries.append(name)
                inv.link_flags.append(f"-l{name}")
        elif arg == "-Xclang":
            inv.forward += ["-Xclang", value("-Xclang")]
        elif any(arg.startswith(f) for f in _FORWARD_SEPARATE):
            flag = next(f for f in sorted(_FORWARD_SEPARATE, key=len, reverse=True) if arg.startswith(f))
            inv.forward += [flag, value(flag)]
        elif arg in _FORWARD_EXACT or arg.startswith(_FORWARD_PREFIX):
            inv.forward.append(arg)
        else:
            raise BuildError(f"unknown flag '{arg}' (docs/driver.md lists the flags mcusplit cc accepts)")
        i += 1

    if inv.board is None and env.get("MCUSPLIT_BOARD"):
        inv.board = env["MCUSPLIT_BOARD"]
    if inv.config is None and env.get("MCUSPLIT_CONFIG"):
        inv.config = Path(env["MCUSPLIT_CONFIG"])
    if inv.verbose and not inv.inputs:
        inv.version = True
    if inv.link_flags and inv.link_flags[-1] in ("-Map", "--Map"):
        raise BuildError(f"missing argument to '{inv.link_flags[-1]}'")
    _check(inv)
    return inv


def _linker_flags(inv: Invocation, flags: list[str]) -> None:
    """Flags for lld, but a map file: the link writes <name>.map itself (with -Map before the
    user's flags), so -Map=FILE asks for a copy of it."""
    pending_map = bool(inv.link_flags) and inv.link_flags[-1] in ("-Map", "--Map")
    for flag in flags:
        if pending_map:
            inv.link_flags.pop()
            inv.map_file = Path(flag)
            pending_map = False
        elif flag.startswith(("-Map=", "--Map=")):
            inv.map_file = Path(flag.split("=", 1)[1])
        else:
            inv.link_flags.append(flag)
            pending_map = flag in ("-Map", "--Map")


def _check(inv: Invocation) -> None:
    if inv.version or inv.print_flags or inv.help or inv.dump:
        return
    if not inv.inputs:
        raise BuildError("no input files")
    if inv.mode != "link":
        objects = [i for i in inv.inputs if not i.compiled]
        if objects:
            raise BuildError(f"'{objects[0].path}' is not a source: -c, -S and -E take C or assembly sources")
        if inv.output is not None and len(inv.inputs) > 1 and inv.mode != "preprocess":
            raise BuildError(f"cannot specify '-o {inv.output}' with -c or -S and several sources")
    if inv.mode != "preprocess" and inv.deps_only:
        raise BuildError(f"'{inv.deps_only[0]}' writes only dependencies: it needs -E (or use -MD/-MMD)")


def _make_quote(target: str) -> str:
    """-MQ: the target quoted for make ($ doubled, spaces escaped), as GCC does."""
    return target.replace("$", "$$").replace(" ", "\\ ").replace("#", "\\#")


def default_output(source: Path, mode: str) -> Path:
    """GCC's names: foo.c -> foo.o (-c) or foo.s (-S), in the current directory."""
    return Path(source.name).with_suffix(".o" if mode == "compile" else ".s")


def dep_file_for(inv: Invocation, output: Path) -> Path:
    """-MF, else the output with .d for its suffix (GCC's rule for -MD)."""
    return inv.dep_file or output.with_suffix(".d")
