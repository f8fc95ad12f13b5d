"""The `mcusplit` command. Thin: parse, call one function, print, exit code.

Errors in the user's input print one line (`mcusplit: error: where: what`) and
exit with status 2; an unexpected failure prints one line too (set
MCUSPLIT_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import McusplitError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _fail(message: str, status: int) -> None:
    err.print(f"[bold red]mcusplit: error:[/] {message}", markup=True, soft_wrap=True)
    sys.exit(status)


def guarded(fn):
    """Turn every failure into one line and an exit status; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except McusplitError as exc:
            _fail(exc.one_line().replace("[", "\\["), exc.exit_code)
        except KeyboardInterrupt:
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("MCUSPLIT_DEBUG"):
                traceback.print_exc()
            message = " ".join(str(exc).split()) or type(exc).__name__
            _fail(f"internal error: {type(exc).__name__}: {message} (MCUSPLIT_DEBUG=1 shows more)", 70)

    return wrapper


def _size(n: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % (scale // 4) == 0:
            return f"{n / scale:g} {unit}"
    return f"{n:,} B"


def _load_board(name: str, variant: str | None):
    from . import boards

    return boards.load(name, variant)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mcusplit")
def main() -> None:
    """Split (segmented) stacks for Cortex-M: build, run, analyze, flash."""


@main.command()
@guarded
def boards() -> None:
    """List the boards (boards/*.toml) with core, memory and console."""
    from . import boards as boards_mod

    wide = Console(highlight=False, width=max(out.width, 150))
    table = Table(box=None, pad_edge=False)
    for column in ("board", "core", "flash", "RAM", "console", "runs on", "variants"):
        table.add_column(column)
    for name in boards_mod.available():
        b = boards_mod.load(name)
        runs = f"QEMU {b.qemu.machine}" if b.qemu else ""
        if b.pyocd_target:
            runs = f"{runs}, pyOCD {b.pyocd_target}" if runs else f"pyOCD {b.pyocd_target}"
        table.add_row(b.name, b.core.key, f"{_size(b.flash.length)} @ {b.flash.origin:#x}",
                      f"{_size(b.ram.length)} @ {b.ram.origin:#x}",
                      f"{b.console.driver} @ {b.console.base:#x}", runs,
                      ", ".join(f"{v}*" if v == b.variant else v for v in b.variants))
    wide.print(table)
    out.print("[dim]* default variant; pick another with --variant or --board nucleo-f4@f401re[/]")


@main.command()
@click.argument("project_path", metavar="PROJECT", type=click.Path(path_type=Path))
@click.option("--board", "-b", required=True, help="Board name (see `mcusplit boards`) or a board .toml file.")
@click.option("--variant", help="Board variant, e.g. f401re for nucleo-f4 (also: --board nucleo-f4@f401re).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
              help="Output directory (default: build/<board>/<project>).")
@click.option("--no-split-stack", is_flag=True, help="Build without split stacks (the reference build).")
@click.option("-j", "--jobs", type=int, default=None, help="Parallel compile jobs (default: CPU count).")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("--analyze", "run_analyzer", is_flag=True, help="Analyze the firmware afterwards (mcusplit analyze).")
@click.option("--check-elision", type=click.Choice(["none", "leaf", "full"]),
              help="Which checks to leave out (default: the project's, else leaf). full: also every check the "
                   "analysis proves unnecessary after linking.")
@guarded
def build(project_path: Path, board: str, variant: str | None, out_dir: Path | None, no_split_stack: bool,
          jobs: int | None, quiet: bool, run_analyzer: bool, check_elision: str | None) -> None:
    """Build PROJECT (a directory or one .c/.ll/.bc file) into firmware for a board."""
    import dataclasses

    from . import build as build_mod
    from . import project as project_mod

    board_rec = _load_board(board, variant)
    proj = project_mod.load(project_path)
    if check_elision:
        proj = dataclasses.replace(proj, check_elision=check_elision)
    label = board_rec.name + (f"-{board_rec.variant}" if board_rec.variant else "")
    target_dir = out_dir or Path("build") / label / proj.name
    result = build_mod.build(proj, board_rec, target_dir, split_stack=not no_split_stack, jobs=jobs,
                             progress=None if quiet else (lambda m: err.print(f"[dim]{m}[/]")))
    for note in result.notes:
        err.print(note, markup=False, soft_wrap=True)
    if run_analyzer:
        from .analysis import config as analysis_config
        from .analysis.analyze import analyze as run_analysis

        analysis = run_analysis(result.elf, analysis_config.load(proj.config_path))
        _print_analysis(analysis, "text", None, None)
    if quiet:
        return
    split = [p for p in result.plans if p.split]
    not_split = [p for p in result.plans if not p.split]
    reasons: dict[str, int] = {}
    for p in not_split:
        reasons[p.reason] = reasons.get(p.reason, 0) + 1
    layout = result.layout
    out.print(f"[bold green]built[/] {proj.name} for {label} ({board_rec.core.key}) "
              f"in {result.seconds:.1f} s{'' if result.split_stack else ' [yellow](no split stacks)[/]'}")
    out.print(f"  {result.elf}  (+ .bin .hex .map)")
    out.print(f"  flash {result.flash_bytes:,} B of {_size(board_rec.flash.length)}, "
              f"RAM {result.ram_bytes:,} B of {_size(board_rec.ram.length)}")
    if result.split_stack:
        out.print(f"  pool {layout.segments} x {layout.segment_size} B segments, reserve {layout.reserve} B; "
                  f"{len(result.checks) - len(result.dropped)} checked functions"
                  + (f" ({len(result.elided)} leaves and {len(result.dropped)} more proven safe without)"
                     if result.elided or result.dropped else "")
                  + (f", {len(not_split)} without a check ("
                     + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) + ")" if not_split else ""))
        if result.allowance:
            deepest = max(result.allowance, key=lambda r: r.get("bytes") or 0)
            out.print(f"  allowance: {len(result.allowance)} check(s) raised to cover code without checks below them"
                      + (f" (deepest: {deepest['function']} -> {' > '.join(deepest['chain'])}, {deepest['bytes']} B)"
                         if deepest.get("chain") else ""), soft_wrap=True)
    _ = split


@main.command()
@click.argument("elf", type=click.Path(path_type=Path))
@click.option("--board", "-b", required=True, help="Board the ELF was built for.")
@click.option("--variant", help="Board variant.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds before the run is stopped.")
@click.option("--count-instructions", is_flag=True,
              help="Exact executed-instruction count (QEMU -icount shift=0 and a counting plugin).")
@click.option("--icount", is_flag=True,
              help="Deterministic timing (QEMU -icount shift=0: 1 ns per instruction), so interrupts land on "
                   "the same instructions in every run.")
@guarded
def run(elf: Path, board: str, variant: str | None, timeout: float, count_instructions: bool, icount: bool) -> None:
    """Run ELF on the board's QEMU machine; the console streams, the exit status is the firmware's."""
    from .analysis.symbols import Symbolizer
    from .emu import qemu

    board_rec = _load_board(board, variant)
    symbols = Symbolizer(elf) if elf.is_file() else None

    def echo(line: str) -> None:
        print(symbols.annotate(line) if symbols else line, flush=True)

    result = qemu.run(board_rec, elf, timeout=timeout, count_instructions=count_instructions, echo=echo,
                      icount_exact=icount)
    stats = result.report.stats
    if stats:
        err.print(f"[dim]watermarks: {stats.get('hwm', 0)} of {stats.get('segments', 0)} segments at most "
                  f"({stats.get('seg_size', 0)} B each), {stats.get('splits', 0)} splits, "
                  f"{stats.get('in_use', 0)} in use at exit[/]")
    if result.instructions is not None:
        err.print(f"[dim]instructions executed: {result.instructions:,}[/]")
    if result.timed_out:
        _fail(f"{elf}: no exit after {timeout:g} s (stopped); exit status {qemu.EXIT_TIMEOUT}", qemu.EXIT_TIMEOUT)
    sys.exit(result.exit_code)


def _analysis_config(elf: Path, config: Path | None):
    """The project's annotations: --config, else the mcusplit.toml the build recorded next to the ELF."""
    import json

    from .analysis import config as analysis_config

    if config is None:
        record = elf.with_suffix(".build.json")
        if record.is_file():
            try:
                recorded = json.loads(record.read_text()).get("config")
            except (json.JSONDecodeError, OSError):
                recorded = None
            config = Path(recorded) if recorded and Path(recorded).is_file() else None
    return analysis_config.load(config)


def _print_analysis(analysis, fmt: str, output: Path | None, baseline: Path | None) -> None:
    import json

    from .analysis.report import diff, markdown, svg
    from .analysis.report import text as text_report

    if fmt == "json":
        rendered = json.dumps(analysis.to_json(), indent=1) + "\n"
    elif fmt == "markdown":
        rendered = markdown.render(analysis)
    elif fmt == "svg":
        rendered = svg.render(analysis)
    else:
        rendered = None
    if rendered is not None:
        if output:
            output.write_text(rendered)
            err.print(f"[dim]wrote {output}[/]")
        else:
            sys.stdout.write(rendered)
    elif output:
        with output.open("w") as f:
            text_report.render(analysis, Console(file=f, width=120, highlight=False))
        err.print(f"[dim]wrote {output}[/]")
    else:
        text_report.render(analysis, out)
    if baseline is not None:
        changes = diff.compare(diff.load_baseline(baseline), analysis.to_json())
        target = err if fmt in ("json", "svg") and output is None else out
        target.print(f"\n[bold]since {baseline}[/]:" if changes else f"\nno change since {baseline}")
        for change in changes:
            target.print(f"  {change}", markup=False)


@main.command()
@click.argument("elf", type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="mcusplit.toml with [analyze] annotations (default: the one the build used).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "svg"]), default="text",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to a file.")
@click.option("--check", is_flag=True, help="Exit 1 if the pool is too small or anything is unbounded/unresolved.")
@click.option("--baseline", type=click.Path(path_type=Path), help="An earlier --format json report: show changes.")
@click.option("--stack-size", type=click.IntRange(1, 1 << 32), default=None,
              help="Images without a split-stack pool: the bytes of their one stack (default: from the linker "
                   "script's symbols, e.g. __StackTop - __StackLimit).")
@guarded
def analyze(elf: Path, config_path: Path | None, fmt: str, output: Path | None, check: bool,
            baseline: Path | None, stack_size: int | None) -> None:
    """Prove how many pool segments the worst case needs (or, for an image without split stacks,
    how many bytes its one stack needs), from the linked ELF."""
    from .analysis.analyze import analyze as run_analysis

    analysis = run_analysis(elf, _analysis_config(elf, config_path), stack_size=stack_size)
    _print_analysis(analysis, fmt, output, baseline)
    if check:
        failures = analysis.check_failures()
        for failure in failures:
            err.print(f"[bold red]check failed:[/] {failure}")
        sys.exit(1 if failures else 0)


@main.command()
@click.argument("elf", type=click.Path(path_type=Path))
@click.argument("addresses", nargs=-1)
@guarded
def symbolize(elf: Path, addresses: tuple[str, ...]) -> None:
    """Name the functions at ADDRESSES in ELF; without addresses, annotate console lines read from stdin.

    For a log captured from a board's serial port: `mcusplit symbolize fw.elf < console.log`
    adds the function names to the fn=, site=, pc= and lr= fields of the runtime's lines.
    """
    from .analysis.symbols import Symbolizer
    symbols = Symbolizer(elf)
    if not addresses:
        for line in sys.stdin:
            print(symbols.annotate(line.rstrip("\n")), flush=True)
        return
    parsed = []
    for text in addresses:
        try:
            parsed.append(int(text, 0))
        except ValueError:
            raise McusplitError(f"not an address: {text!r} (use 0x... or decimal)") from None
    for address in parsed:
        print(f"{address:#010x}  {symbols.name(address) or '?'}")


@main.command()
@click.argument("elf", type=click.Path(path_type=Path))
@click.option("--board", "-b", required=True, help="Board the ELF was built for (its [pyocd] target is used).")
@click.option("--variant", help="Board variant.")
@click.option("--probe", "probe_uid", help="Probe unique id (see `mcusplit probes`); qemu:HOST:PORT for QEMU.")
@click.option("--halt", is_flag=True, help="Leave the core halted at its reset vector instead of running.")
@click.option("--pack", type=click.Path(path_type=Path), help="A CMSIS pack file for the target.")
@guarded
def flash(elf: Path, board: str, variant: str | None, probe_uid: str | None, halt: bool,
          pack: Path | None) -> None:
    """Program ELF into a board through pyOCD, then reset and run it."""
    from .probe import flash as flash_mod

    board_rec = _load_board(board, variant)
    result = flash_mod.flash(board_rec, elf, probe_uid=probe_uid, run=not halt, pack=pack)
    out.print(f"[bold green]flashed[/] {elf} ({result.image_bytes:,} B) to {result.target} through probe "
              f"{result.probe_uid} in {result.seconds:.1f} s; " + ("running" if result.running else "halted"))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []}, add_help_option=False)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def cc(arguments: tuple[str, ...]) -> None:
    """A drop-in C compiler and linker (GCC/clang flags) for build systems: docs/driver.md."""
    from .driver import main as driver_main

    sys.exit(driver_main(list(arguments)))


@main.command()
@guarded
def probes() -> None:
    """List the debug probes pyOCD can see."""
    from .probe import flash as flash_mod

    found = flash_mod.list_probes()
    if not found:
        out.print("no debug probe found (USB probes need their udev rules; see docs/hil.md)")
        return
    for p in found:
        out.print(f"{p.unique_id}  {p.description}", markup=False)


if __name__ == "__main__":
    main()
