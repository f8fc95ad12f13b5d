"""The HIL suite's rack, slots and per-session caches.

The rack comes from `--rack PATH`, else $MCUSPLIT_RACK, else hil/racks/emulated.toml (QEMU only,
so the suite runs anywhere QEMU does). Every test that takes `slot` runs once per rack slot; a
slot whose hardware is absent is skipped with the reason, before anything is built for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mcusplit import build, project
from mcusplit.boards import Board
from mcusplit.emu import qemu
from mcusplit.errors import McusplitError
from mcusplit.probe import rack as rack_mod

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RACK = ROOT / "hil" / "racks" / "emulated.toml"
PROJECTS = {
    "recursion": ROOT / "examples" / "recursion",
    "abi": ROOT / "tests" / "firmware" / "abi",
    "exhaust": ROOT / "tests" / "firmware" / "exhaust",
    "tasks32": ROOT / "examples" / "tasks32",
}
RUN_TIMEOUT = 60.0

_RACK = pytest.StashKey[rack_mod.Rack]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--rack", default=None, metavar="PATH",
                     help="rack file for the HIL suite (default: $MCUSPLIT_RACK, else hil/racks/emulated.toml)")
    parser.addoption("--require-all-slots", action="store_true", default=False,
                     help="a slot whose board or tool is missing fails instead of skipping (always so when CI is set)")


def rack_path(config: pytest.Config) -> Path:
    chosen = config.getoption("--rack", default=None) or os.environ.get("MCUSPLIT_RACK")
    return Path(chosen) if chosen else DEFAULT_RACK


def get_rack(config: pytest.Config) -> rack_mod.Rack:
    if _RACK not in config.stash:
        try:
            config.stash[_RACK] = rack_mod.load(rack_path(config))
        except McusplitError as exc:
            raise pytest.UsageError(f"HIL rack: {exc.one_line()}") from None
    return config.stash[_RACK]


def pytest_configure(config: pytest.Config) -> None:
    get_rack(config)        # a bad rack file stops the run here, with its one-line message


def pytest_report_header(config: pytest.Config) -> str:
    rack = get_rack(config)
    return f"HIL rack: {rack.name} ({rack.path}): " + ", ".join(f"{s.name} [{s.kind}]" for s in rack.slots)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "slot" in metafunc.fixturenames:
        slots = get_rack(metafunc.config).slots
        metafunc.parametrize("slot", slots, ids=[s.name for s in slots], indirect=True)


@pytest.fixture(scope="session")
def slot_availability() -> Callable[[rack_mod.Slot], str | None]:
    """Why a slot cannot run (asked once per slot and session), or None."""
    cache: dict[str, str | None] = {}

    def check(slot: rack_mod.Slot) -> str | None:
        if slot.name not in cache:
            cache[slot.name] = slot.unavailable()
        return cache[slot.name]

    return check


@pytest.fixture
def slot(request: pytest.FixtureRequest, slot_availability: Callable[[rack_mod.Slot], str | None]) -> rack_mod.Slot:
    the_slot: rack_mod.Slot = request.param
    reason = slot_availability(the_slot)
    if reason:
        message = f"slot {the_slot.name} ({the_slot.board_spec}): {reason}"
        if request.config.getoption("--require-all-slots") or os.environ.get("CI"):
            pytest.fail(f"{message} (--require-all-slots, or CI set: every slot of the rack must run)")
        pytest.skip(message)
    return the_slot


@pytest.fixture(scope="session")
def hil_firmware(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Board], build.BuildResult]:
    """hil_firmware(name, board) -> BuildResult, built once per session (and board variant)."""
    cache: dict[tuple[str, str], build.BuildResult] = {}
    base = tmp_path_factory.mktemp("hil-firmware")

    def get(name: str, board: Board) -> build.BuildResult:
        key = (name, f"{board.path}@{board.variant}")
        if key not in cache:
            out = base / f"{name}-{board.name}-{board.variant or 'default'}"
            cache[key] = build.build(project.load(PROJECTS[name]), board, out)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def slot_run(hil_firmware: Callable[[str, Board], build.BuildResult]
             ) -> Callable[[rack_mod.Slot, str], rack_mod.SlotRun]:
    """slot_run(slot, firmware name) -> SlotRun: flash, run to exit, read the watermarks; once per session."""
    cache: dict[tuple[str, str], rack_mod.SlotRun] = {}

    def get(slot: rack_mod.Slot, name: str) -> rack_mod.SlotRun:
        if (slot.name, name) not in cache:
            cache[(slot.name, name)] = slot.run(hil_firmware(name, slot.board).elf, timeout=RUN_TIMEOUT)
        return cache[(slot.name, name)]

    return get


@pytest.fixture(scope="session")
def qemu_reference(hil_firmware: Callable[[str, Board], build.BuildResult]
                   ) -> Callable[[Board, str], qemu.RunResult]:
    """The same image run the way `mcusplit run` does (QEMU, -kernel, console on stdio)."""
    cache: dict[tuple[str, str], qemu.RunResult] = {}

    def get(board: Board, name: str) -> qemu.RunResult:
        key = (f"{board.path}@{board.variant}", name)
        if key not in cache:
            cache[key] = qemu.run(board, hil_firmware(name, board).elf, timeout=RUN_TIMEOUT)
        return cache[key]

    return get
