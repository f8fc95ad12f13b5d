"""Board files (boards/*.toml) -> typed, validated records.

A board file is data only: memory map, core, console UART, how QEMU emulates
it and how pyOCD reaches it. Errors name the file and the key, on one line.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import paths
from .cores import CORES, Core
from .errors import BoardError
from .files import read_toml

CONSOLE_DRIVERS = ("cmsdk-uart", "stm32-usart", "nrf51-uart", "stellaris-uart")
TIMER_DRIVERS = ("cmsdk-timer", "stm32-tim", "nrf51-timer", "stellaris-gptm")
EXIT_METHODS = ("semihosting", "halt")

# UARTs each QEMU machine connects to -serial options, in order (QEMU 7.2 hw/arm/*.c): a console
# beyond them would print nowhere and the run would only time out.
QEMU_SERIAL_PORTS = {"netduinoplus2": 6, "mps2-an386": 5, "mps2-an500": 5, "mps2-an505": 5, "microbit": 1,
                     "lm3s6965evb": 3, "mps2-an385": 5, "mps2-an511": 5, "mps2-an521": 5, "stm32vldiscovery": 3,
                     "netduino2": 3, "olimex-stm32-h405": 6}
SERIAL_INDEX_MAX = 15           # machines not in the table: at least keep the option list sane
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_SIZE = re.compile(r"^\s*(\d+)\s*([KkMm]?)(?:i?[Bb])?\s*$")


@dataclass(frozen=True)
class Region:
    origin: int
    length: int

    @property
    def end(self) -> int:
        return self.origin + self.length


@dataclass(frozen=True)
class Console:
    driver: str
    base: int
    baud: int
    clock_hz: int
    setup: tuple[tuple[int, int], ...] = ()   # (address, bits) OR-ed in before the UART is used


@dataclass(frozen=True)
class Timer:
    """A second interrupt timer besides SysTick (firmware/core/timer/<driver>.c)."""
    driver: str
    base: int
    irq: int                 # its interrupt number (vector 16 + irq), routed to Timer_IRQHandler
    clock_hz: int            # the counter's input clock on the board
    setup: tuple[tuple[int, int], ...] = ()   # (address, bits) OR-ed in before the timer is started


@dataclass(frozen=True)
class QemuMachine:
    machine: str
    serial_index: int        # which -serial option the console UART is
    extra_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Board:
    name: str
    description: str
    core: Core
    flash: Region
    ram: Region
    irq_count: int
    console: Console
    exit_method: str
    timer: Timer | None
    qemu: QemuMachine | None
    pyocd_target: str | None
    variant: str | None
    variants: tuple[str, ...]
    path: Path

    @property
    def emulated(self) -> bool:
        return self.qemu is not None


def parse_size(value: Any, where: str) -> int:
    """Sizes are integers (bytes) or strings such as '96K', '1M', '16KiB'."""
    if isinstance(value, bool):
        raise BoardError(f"expected a size, got {value!r}", where)
    if isinstance(value, int):
        if value <= 0:
            raise BoardError(f"size must be positive, got {value}", where)
        return value
    if isinstance(value, str):
        m = _SIZE.match(value)
        if m:
            n = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
            if n > 0:
                return n
    raise BoardError(f"expected a size like 65536, '64K' or '1M', got {value!r}", where)


class _Table:
    """Reads one TOML table, remembering which keys were used so that typos are reported."""

    def __init__(self, data: Any, file: str, key_path: str = "") -> None:
        self.file = file
        self.key_path = key_path
        if not isinstance(data, dict):
            raise BoardError(f"expected a table, got {type(data).__name__}", self.where)
        self.data = data
        self.used: set[str] = set()

    @property
    def where(self) -> str:
        return f"{self.file} [{self.key_path}]" if self.key_path else self.file

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise BoardError(f"missing required key '{key}'", self.where)
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise BoardError(f"'{key}' must be {names}, got {value!r}", self.where)
        return value

    def table(self, key: str, required: bool = True) -> _Table | None:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise BoardError(f"missing required table [{self._sub(key)}]", self.file)
            return None
        return _Table(self.data[key], self.file, self._sub(key))

    def _sub(self, key: str) -> str:
        return f"{self.key_path}.{key}" if self.key_path else key

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise BoardError(f"unknown key(s) {', '.join(unknown)}", self.where)


def _deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def available() -> list[str]:
    return sorted(p.stem for p in paths.boards_dir().glob("*.toml"))


def find_board_file(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        if not candidate.is_file():
            raise BoardError("board file not found", str(candidate))
        return candidate
    path = paths.boards_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        raise BoardError(f"unknown board '{name_or_path}' (known: {', '.join(available())})")
    return path


def load(name_or_path: str, variant: str | None = None) -> Board:
    """Load a board by name (boards/<name>.toml) or by path, optionally a variant of it."""
    if "@" in name_or_path and variant is None:
        name_or_path, variant = name_or_path.split("@", 1)
    path = find_board_file(name_or_path)
    return parse(read_toml(path, BoardError, "board"), path, variant)


def _setup_writes(table: _Table) -> tuple[tuple[int, int], ...]:
    setup_raw = table.get("setup", list, [])
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                           for v in p) for p in setup_raw):
        raise BoardError("setup must be a list of [address, bits] pairs of integers", table.where)
    for i, (address, bits) in enumerate(setup_raw):
        _address32(address, f"setup[{i}] address", table.where)
        if not 0 <= bits < 1 << 32:
            raise BoardError(f"setup[{i}] bits must be a 32-bit value, got {bits:#x}", table.where)
    return tuple((a, b) for a, b in setup_raw)


def _address32(value: int, key: str, where: str) -> int:
    """A register address: 32 bits and word-aligned (the runtime writes whole words)."""
    if not 0 <= value < 1 << 32 or value % 4:
        raise BoardError(f"{key} must be a 4-byte aligned 32-bit address, got {value:#x}", where)
    return value


def _positive(value: int, key: str, where: str, most: int = (1 << 32) - 1) -> int:
    """A count or rate the runtime keeps in a 32-bit register or constant."""
    if value <= 0:
        raise BoardError(f"{key} must be positive, got {value}", where)
    if value > most:
        raise BoardError(f"{key} must be at most {most}, got {value}", where)
    return value


def parse(raw: dict, path: Path, variant: str | None = None) -> Board:
    where = str(path)
    variants_raw = raw.get("variants", {})
    if not isinstance(variants_raw, dict) or not all(isinstance(v, dict) for v in variants_raw.values()):
        raise BoardError("[variants] must hold one table per variant", where)
    default_variant = raw.get("default_variant")
    if default_variant is not None and not isinstance(default_variant, str):
        raise BoardError(f"default_variant must be a string, got {default_variant!r}", where)
    chosen = variant or default_variant
    if variants_raw:
        if chosen is None:
            raise BoardError("board has variants but no default_variant", where)
        if chosen not in variants_raw:
            raise BoardError(f"unknown variant '{chosen}' (known: {', '.join(sorted(variants_raw))})", where)
        data = _deep_merge({k: v for k, v in raw.items() if k not in ("variants", "default_variant")},
                           variants_raw[chosen])
    else:
        if variant is not None:
            raise BoardError(f"board has no variants, '{variant}' was asked for", where)
        if default_variant is not None:
            raise BoardError("default_variant given but there is no [variants] table", where)
        data = raw

    top = _Table(data, where)
    name = top.get("name", str)
    if not _NAME.fullmatch(name):
        raise BoardError(f"name must be letters, digits and . _ + - (it names files and goes into the image), "
                         f"got {name!r}", where)
    if name != path.stem:
        raise BoardError(f"name '{name}' does not match the file name '{path.stem}'", where)
    description = top.get("description", str, "")
    core_key = top.get("core", str)
    if core_key not in CORES:
        raise BoardError(f"unknown core '{core_key}' (known: {', '.join(CORES)})", where)
    irq_count = top.get("irq_count", int, 32)
    if not 0 <= irq_count <= 496:
        raise BoardError(f"irq_count must be 0..496, got {irq_count}", where)

    memory = top.table("memory")
    regions = {}
    for region_name in ("flash", "ram"):
        region = memory.table(region_name)
        origin = region.get("origin", int)
        if origin < 0 or origin >= 1 << 32 or origin % 4:
            raise BoardError(f"origin must be a 4-byte aligned 32-bit address, got {origin:#x}", region.where)
        length = parse_size(region.get("length", (int, str)), region.where)
        if length % 4:
            # the linker script and the runtime place words; a region cannot end mid-word
            raise BoardError(f"length must be a multiple of 4 bytes, got {length}", region.where)
        if origin + length > 1 << 32:
            raise BoardError("region runs past the 4 GiB address space", region.where)
        region.finish()
        regions[region_name] = Region(origin, length)
    memory.finish()
    if regions["flash"].origin < regions["ram"].end and regions["ram"].origin < regions["flash"].end:
        raise BoardError("memory regions flash and ram overlap", where)

    console_t = top.table("console")
    driver = console_t.get("driver", str)
    if driver not in CONSOLE_DRIVERS:
        raise BoardError(f"unknown console driver '{driver}' (known: {', '.join(CONSOLE_DRIVERS)})",
                         console_t.where)
    console = Console(driver, _address32(console_t.get("base", int), "base", console_t.where),
                      _positive(console_t.get("baud", int, 115200), "baud", console_t.where, 12_000_000),
                      _positive(console_t.get("clock_hz", int, 16_000_000), "clock_hz", console_t.where, 1_000_000_000),
                      _setup_writes(console_t))
    if console.baud * 16 > console.clock_hz:
        raise BoardError(f"baud {console.baud} is too fast for clock_hz {console.clock_hz} (a UART needs at least "
                         f"16 clocks per bit)", console_t.where)
    console_t.finish()

    timer = None
    timer_t = top.table("timer", required=False)
    if timer_t is not None:
        timer_driver = timer_t.get("driver", str)
        if timer_driver not in TIMER_DRIVERS:
            raise BoardError(f"unknown timer driver '{timer_driver}' (known: {', '.join(TIMER_DRIVERS)})",
                             timer_t.where)
        base = timer_t.get("base", int)
        if base < 0 or base >= 1 << 32 or base % 4:
            raise BoardError(f"base must be a 4-byte aligned 32-bit address, got {base:#x}", timer_t.where)
        irq = timer_t.get("irq", int)
        if not 0 <= irq < irq_count:
            raise BoardError(f"irq must be 0..{irq_count - 1} (irq_count = {irq_count}), got {irq}", timer_t.where)
        clock_hz = _positive(timer_t.get("clock_hz", int), "clock_hz", timer_t.where, 4_000_000_000)
        timer = Timer(timer_driver, base, irq, clock_hz, _setup_writes(timer_t))
        timer_t.finish()

    exit_method = top.get("exit", str, "semihosting")
    if exit_method not in EXIT_METHODS:
        raise BoardError(f"exit must be one of {', '.join(EXIT_METHODS)}, got '{exit_method}'", where)

    qemu = None
    qemu_t = top.table("qemu", required=False)
    if qemu_t is not None:
        extra = qemu_t.get("extra_args", list, [])
        if not all(isinstance(a, str) for a in extra):
            raise BoardError("extra_args must be a list of strings", qemu_t.where)
        machine = qemu_t.get("machine", str)
        if not _NAME.fullmatch(machine):
            raise BoardError(f"machine must be a QEMU machine name (qemu-system-arm -M help), got {machine!r}",
                             qemu_t.where)
        serial_index = qemu_t.get("serial_index", int, 0)
        ports = QEMU_SERIAL_PORTS.get(machine, SERIAL_INDEX_MAX + 1)
        if not 0 <= serial_index < ports:
            raise BoardError(f"serial_index must be 0..{ports - 1} (QEMU {machine} has {ports} serial port(s)), "
                             f"got {serial_index}", qemu_t.where)
        qemu = QemuMachine(machine, serial_index, tuple(extra))
        qemu_t.finish()

    pyocd_target = None
    pyocd_t = top.table("pyocd", required=False)
    if pyocd_t is not None:
        pyocd_target = pyocd_t.get("target", str)
        if not _NAME.fullmatch(pyocd_target):
            raise BoardError(f"target must be a pyOCD target name, got {pyocd_target!r}", pyocd_t.where)
        pyocd_t.finish()
    top.finish()

    return Board(name=name, description=description, core=CORES[core_key], flash=regions["flash"],
                 ram=regions["ram"], irq_count=irq_count, console=console, exit_method=exit_method, timer=timer,
                 qemu=qemu, pyocd_target=pyocd_target, variant=chosen if variants_raw else None,
                 variants=tuple(sorted(variants_raw)), path=path)
