"""The `mcusplit` command. Thin: parse, call one function, print, exit code.

Errors in the user's input print one line (`mcusplit: error: where: what`) and
exit with status 2; an unexpected failure prints one line too (set
MCUSPLIT_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import signal
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, children
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
        except BrokenPipeError:
            # stdout went away (`mcusplit run ... | head`): not an error of ours; the children are
            # ended by their context managers already. Quiet, with the shell's status for SIGPIPE.
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(128 + signal.SIGPIPE)
        except KeyboardInterrupt as exc:
            # Ctrl-C or SIGTERM: the children are already ended (children.py); say so on one line.
            children.stop_all()
            what, status = children.stopped(exc)
            _fail(f"{what}; outputs left as they were", status)
        except Exception as exc:
            if os.environ.get("MCUSPLIT_DEBUG"):
                traceback.print_exc()
            message = " ".join(str(exc).split()) or type(exc).__name__
            _fail(f"internal error: {type(exc).__name__}: {message} (MCUSPLIT_DEBUG=1 shows more)", 70)

    return wrapper


def _positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """--timeout: a finite number of seconds above 0 (click's FloatRange lets nan and inf through)."""
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value!r} is not a number of seconds above 0")
    return value


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
    children.install_signal_handlers()


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
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Parallel compile jobs (default: CPU count).")
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
@click.option("--timeout", type=float, default=30.0, show_default=True, callback=_positive_seconds,
              help="Seconds before the run is stopped.")
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
    qemu.check_image(elf, board_rec)
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
    qemu.verdict(result, elf, board_rec, timeout)
    sys.exit(result.exit_code)


def _check_output_file(output: Path, option: str = "-o") -> None:
    """-o FILE: its directory must exist and be writable, and FILE must not be a directory."""
    if output.is_dir():
        raise McusplitError(f"is a directory; {option} names the report file", str(output))
    parent = output.parent
    if not parent.is_dir():
        raise McusplitError(f"cannot write the report: {parent} is not a directory"
                            if parent.exists() else f"cannot write the report: no directory {parent}", str(output))
    if not os.access(parent, os.W_OK):
        raise McusplitError(f"cannot write the report: {parent} is not writable", str(output))


def _analysis_config(elf: Path, config: Path | None):
    """The project's annotations: --config, else the mcusplit.toml the build recorded next to the ELF."""
    import json

    from .analysis import config as analysis_config

    if config is None:
        record = elf.with_suffix(".build.json")
        if record.exists():
            # The build's own record: damaged, it is one line (not silently analysis without the
            # project's annotations, which could pass a check the annotations would fail).
            try:
                data = json.loads(record.read_bytes().decode("utf-8"))
            except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
                raise McusplitError(f"damaged build record ({' '.join(str(exc).split())[:100]}); rebuild, or "
                                    f"name the annotations with --config", str(record)) from None
            recorded = data.get("config", ...) if isinstance(data, dict) else ...
            if recorded is ... or not isinstance(recorded, (str, type(None))):
                raise McusplitError("damaged build record (no 'config' path or null in it); rebuild, or name "
                                    "the annotations with --config", str(record))
            config = Path(recorded) if recorded and Path(recorded).is_file() else None
    if config is None:
        return analysis_config.load(None)
    # --config (or the build's): the whole file is checked as the build checks it, then [analyze]
    from .project import check_tables

    raw = analysis_config.read(config)
    check_tables(raw, str(config))
    return analysis_config.parse(raw, str(config))


def _print_analysis(analysis, fmt: str, output: Path | None, baseline: Path | None) -> None:
    import io
    import json

    from . import files
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
    # The baseline is checked in full before any report is written.
    old = diff.load_baseline(baseline) if baseline is not None else None
    if rendered is None and output:
        buffer = io.StringIO()
        text_report.render(analysis, Console(file=buffer, width=120, highlight=False))
        rendered = buffer.getvalue()
    if rendered is not None:
        if output:
            files.write_atomic(output, rendered)       # the whole report or the old file, never half
            err.print(f"[dim]wrote {output}[/]")
        else:
            sys.stdout.write(rendered)
    else:
        text_report.render(analysis, out)
    if old is not None:
        changes = diff.compare(old, analysis.to_json())
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
    from .analysis.report import diff

    if output is not None:
        _check_output_file(output)
    config = _analysis_config(elf, config_path)
    if baseline is not None:
        diff.load_baseline(baseline)            # before the analysis: a bad baseline is found at once
    analysis = run_analysis(elf, config, stack_size=stack_size)
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
        # A serial log can hold any bytes (noise, a reset mid-character): keep them as they came.
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            print(symbols.annotate(line), flush=True)
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
@click.option("--board", "-b", "board_names", multiple=True, required=True,
              help="Emulated board (repeat for several; 'all': every emulated board).")
@click.option("--count", "-n", type=click.IntRange(1), default=10, show_default=True, help="Programs (seeds).")
@click.option("--seed", "-s", type=click.IntRange(0), default=1, show_default=True,
              help="First seed: the campaign covers SEED .. SEED+COUNT-1 (resume by seed range).")
@click.option("--generator", type=click.Choice(["own", "csmith"]), default="own", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes (default: CPU count).")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write every result to this file.")
@click.option("--pack-size", type=click.IntRange(1, 32), default=None,
              help="Programs per firmware image (default: 8 own, 4 csmith).")
@click.option("--failures", "failures_dir", type=click.Path(path_type=Path), default=Path("fuzz-failures"),
              show_default=True, help="Failing programs are saved here (source and what failed).")
@click.option("--no-timer", is_flag=True, help="Skip the runs with timer interrupts.")
@click.option("--no-full", is_flag=True, help="Skip the check_elision = \"full\" image.")
@click.option("--no-tasks", is_flag=True, help="Skip the image running the programs as tasks.")
@click.option("--keep", "keep_dir", type=click.Path(path_type=Path), help="Keep builds and runs in this directory.")
@guarded
def fuzz(board_names: tuple[str, ...], count: int, seed: int, generator: str, jobs: int | None,
         json_path: Path | None, pack_size: int | None, failures_dir: Path, no_timer: bool, no_full: bool,
         no_tasks: bool, keep_dir: Path | None) -> None:
    """Randomized differential testing: generated programs, split vs plain vs host gcc (docs/fuzz.md).

    Exits 1 if any program failed (output mismatch, crash, bound under-estimate, ...)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import boards as boards_mod
    from . import files
    from .fuzz import campaign, report
    from .fuzz.runner import Options

    # Where results go is checked before the campaign, not after hours of it.
    if json_path is not None:
        _check_output_file(json_path, "--json")
    files.creatable_dir(failures_dir, "failures directory")
    if keep_dir is not None:
        files.output_dir(keep_dir, "--keep directory")
    names = [n for n in board_names if n != "all"]
    if "all" in board_names:
        names += [n for n in boards_mod.available() if boards_mod.load(n).emulated and n not in names]
    c = campaign.Campaign(boards=names, generator=generator, seed=seed, count=count, jobs=jobs or 0,
                          pack_size=pack_size or 0, work=keep_dir, failures_dir=failures_dir,
                          options=Options(timer=not no_timer, full=not no_full, tasks=not no_tasks,
                                          keep=keep_dir is not None))
    campaign.validate(c)
    total = len(c.packs()) * len(names)
    failed = 0
    with Progress(TextColumn("[bold]fuzz[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("packs"),
                  TextColumn("{task.fields[failed]} failing"), TimeElapsedColumn(), console=err,
                  transient=False) as progress:
        task = progress.add_task("fuzz", total=total, failed=0)

        def advance(result) -> None:
            nonlocal failed
            failed += len({f.seed for f in result.failures})
            progress.update(task, advance=1, failed=failed)

        summary = campaign.run(c, on_pack=advance)
    report.render(summary, out)
    if json_path:
        summary.write_json(json_path)
        err.print(f"[dim]wrote {json_path}[/]")
    if summary.failures:
        err.print(f"[dim]failing programs saved in {failures_dir}/[/]")
    sys.exit(1 if summary.failures else 0)


@main.command("fuzz-shrink")
@click.option("--generator", type=click.Choice(["own", "csmith"]), default="own", show_default=True)
@click.option("--seed", "-s", type=click.IntRange(0), required=True, help="The failing program's seed.")
@click.option("--board", "-b", required=True, help="The board it failed on.")
@click.option("--kind", help="The failure kind to keep (default: the first one found).")
@click.option("--variant", help="The build/run it failed in, e.g. full/quiet (default: the first one found).")
@click.option("--budget", type=click.FloatRange(10), default=1200.0, show_default=True, callback=_positive_seconds,
              help="Seconds of reduction at most.")
@click.option("--xfail", "xfail_reason", help="Save the test as xfail with this reason (e.g. a known analyzer gap).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Where to save (default: tests/fuzz_regressions).")
@guarded
def fuzz_shrink(generator: str, seed: int, board: str, kind: str | None, variant: str | None, budget: float,
                xfail_reason: str | None, out_dir: Path | None) -> None:
    """Reduce a failing generated program and save it as a regression test (docs/fuzz.md)."""
    from .fuzz import shrink

    found = shrink.find_failure(generator, seed, _load_board(board, None), kind, variant)
    err.print(f"[dim]{found.one_line()}[/]", markup=True, soft_wrap=True)
    result = shrink.shrink_and_save(generator, seed, found, budget, xfail_reason, out_dir,
                                    say=lambda m: err.print(f"[dim]{m}[/]"))
    out.print(f"reduced {generator} seed {seed}: {result.reduction.lines_before} -> "
              f"{result.reduction.lines_after} lines in {result.reduction.seconds:.0f} s "
              f"({result.reduction.tests} tests); saved {result.case}")


@main.command("fuzz-triage")
@click.argument("results", type=click.Path(path_type=Path))
@click.option("--max", "limit", type=click.IntRange(1), default=20, show_default=True,
              help="Failing (program, board) pairs to triage at most.")
@guarded
def fuzz_triage(results: Path, limit: int) -> None:
    """Rerun the failures of a `mcusplit fuzz --json` file without each known analyzer gap's construct."""
    import json

    from .fuzz import shrink, triage
    from .fuzz.campaign import Campaign
    from .fuzz.verdict import Failure

    try:
        data = json.loads(results.read_text())
        failures = [Failure(**f) for f in data["failures"]]
        packs = Campaign(boards=data["boards"], generator=data["generator"], seed=data["seed"], count=data["count"],
                         pack_size=data["pack_size"]).packs()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise McusplitError(f"not a mcusplit fuzz --json file ({exc})", str(results)) from None
    seen = set()
    for f in failures:
        key = (f.generator, f.seed, f.board)
        if key in seen or f.kind in ("analysis incomplete", "host error") or len(seen) >= limit:
            continue
        seen.add(key)
        pack = [shrink._generate(f.generator, s) for s in next(p for p in packs if f.seed in p)]
        program = next(p for p in pack if p.seed == f.seed)
        verdict_ = triage.suspect(program, _load_board(f.board, None), f, pack)
        out.print(f"{f.generator} seed {f.seed} on {f.board}: {f.kind} in {f.variant}: {verdict_}", markup=False)


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
