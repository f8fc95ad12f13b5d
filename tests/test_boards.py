"""Board files: every shipped board loads; bad files fail with one line naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcusplit import boards
from mcusplit.errors import BoardError

from .conftest import run_cli

GOOD = """
name = "{name}"
core = "cortex-m4f"
[memory]
flash = {{ origin = 0x0, length = "256K" }}
ram = {{ origin = 0x20000000, length = "64K" }}
[console]
driver = "cmsdk-uart"
base = 0x40004000
[qemu]
machine = "mps2-an386"
"""


def write_board(tmp_path: Path, text: str, name: str = "myboard") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text.format(name=name) if "{name}" in text else text)
    return path


def test_all_shipped_boards_load():
    names = boards.available()
    assert {"nucleo-f4", "qemu-netduinoplus2", "qemu-mps2-an386", "qemu-mps2-an500", "qemu-mps2-an505",
            "qemu-microbit", "qemu-lm3s6965evb"} <= set(names)
    for name in names:
        board = boards.load(name)
        assert board.ram.length > 0 and board.flash.length > 0
        assert board.emulated, f"{name}: every shipped board runs under QEMU (nucleo-f4 on netduinoplus2)"


def test_nucleo_variants():
    default = boards.load("nucleo-f4")
    assert default.variant == "f411re" and default.ram.length == 128 * 1024
    assert default.pyocd_target == "stm32f411re"
    f401 = boards.load("nucleo-f4@f401re")
    assert f401.ram.length == 96 * 1024 and f401.pyocd_target == "stm32f401re"
    assert boards.load("nucleo-f4", "f446re").pyocd_target == "stm32f446re"
    # the NUCLEO console is USART2, which is QEMU's second serial port on the STM32F405
    assert default.console.base == 0x40004400 and default.qemu.serial_index == 1


def test_custom_board_file_loads(tmp_path):
    board = boards.load(str(write_board(tmp_path, GOOD)))
    assert board.core.key == "cortex-m4f" and board.ram.origin == 0x20000000


@pytest.mark.parametrize("mutate, expected", [
    (lambda t: t.replace('core = "cortex-m4f"', 'core = "cortex-m9"'), "unknown core 'cortex-m9'"),
    (lambda t: t.replace('length = "64K"', 'length = "lots"'), "expected a size"),
    (lambda t: t.replace('driver = "cmsdk-uart"', 'driver = "uart9000"'), "unknown console driver"),
    (lambda t: t.replace("[console]", "[console]\nbuad = 9600"), "unknown key(s) buad"),
    (lambda t: t.replace("origin = 0x20000000", "origin = 0x0"), "overlap"),
    (lambda t: t.replace("[memory]", "[memroy]"), "missing required table [memory]"),
    (lambda t: t + "\n[[[", "not valid TOML"),
    (lambda t: t.replace("base = 0x40004000", 'base = "0x40004000"'), "'base' must be int"),
    (lambda t: t.replace('name = "myboard"', 'name = "other"'), "does not match the file name"),
])
def test_bad_board_files_name_file_and_problem(tmp_path, mutate, expected):
    path = write_board(tmp_path, mutate(GOOD.format(name="myboard")))
    with pytest.raises(BoardError) as info:
        boards.load(str(path))
    message = info.value.one_line()
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_unknown_board_lists_known_ones():
    with pytest.raises(BoardError, match="unknown board 'nope' \\(known: nucleo-f4"):
        boards.load("nope")


def test_unknown_variant():
    with pytest.raises(BoardError, match="unknown variant 'f999'"):
        boards.load("nucleo-f4@f999")


def test_cli_bad_board_file_is_one_line(tmp_path):
    path = write_board(tmp_path, GOOD.format(name="myboard").replace("64K", "-3"))
    proc = run_cli("build", "--board", str(path), "examples/recursion", "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "myboard.toml" in proc.stderr


def test_cli_boards_lists_every_board():
    proc = run_cli("boards")
    assert proc.returncode == 0
    for name in boards.available():
        assert name in proc.stdout


TIMER = """
[timer]
driver = "cmsdk-timer"
base = 0x40000000
irq = 8
clock_hz = 25000000
"""


def test_timer_table_is_optional_and_parsed(tmp_path):
    assert boards.load(str(write_board(tmp_path, GOOD))).timer is None
    timer = boards.load(str(write_board(tmp_path, GOOD + TIMER))).timer
    assert (timer.driver, timer.base, timer.irq, timer.clock_hz, timer.setup) == ("cmsdk-timer", 0x40000000, 8,
                                                                                  25_000_000, ())
    with_setup = GOOD + TIMER + "setup = [[0x400FE104, 0x10000]]\n"
    assert boards.load(str(write_board(tmp_path, with_setup))).timer.setup == ((0x400FE104, 0x10000),)


@pytest.mark.parametrize("mutate, expected", [
    (lambda t: t.replace('"cmsdk-timer"', '"pit9000"'), "unknown timer driver 'pit9000'"),
    (lambda t: t.replace("irq = 8", "irq = 32"), "irq must be 0..31 (irq_count = 32), got 32"),
    (lambda t: t.replace("irq = 8", "irq = -1"), "irq must be 0..31"),
    (lambda t: t.replace("base = 0x40000000\n", ""), "missing required key 'base'"),
    (lambda t: t.replace("base = 0x40000000", "base = 0x40000002"), "4-byte aligned"),
    (lambda t: t.replace("clock_hz = 25000000", "clock_hz = 0"), "clock_hz must be positive"),
    (lambda t: t.replace("clock_hz = 25000000", "clock_hz = 25000000\nperiod = 5"), "unknown key(s) period"),
    (lambda t: t + "setup = [0x400FE104]\n", "setup must be a list of [address, bits] pairs"),
    (lambda t: t.replace("irq = 8", 'irq = "8"'), "'irq' must be int"),
])
def test_bad_timer_tables_name_file_table_and_problem(tmp_path, mutate, expected):
    path = write_board(tmp_path, GOOD.format(name="myboard") + mutate(TIMER))
    with pytest.raises(BoardError) as info:
        boards.load(str(path))
    message = info.value.one_line()
    assert expected in message
    assert str(path) in message and "[timer]" in message
    assert "\n" not in message


def test_timer_interrupt_is_routed_to_timer_irqhandler(tmp_path):
    from mcusplit.link import board_source

    plain = board_source.render(boards.load(str(write_board(tmp_path, GOOD))))
    assert "    IRQ8_Handler," in plain and "Timer_IRQHandler" not in plain
    assert "void mcusplit_timer_board_init(void)\n{\n}" in plain
    timed = board_source.render(boards.load(str(write_board(tmp_path, GOOD + TIMER + "setup = [[0x400FE104, 1]]\n"))))
    vectors = timed[timed.index("__isr_vector_table"):]
    slots = [line.strip().rstrip(",") for line in vectors.splitlines()[1:] if line.startswith("    ")]
    assert slots[16 + 8] == "Timer_IRQHandler" and "IRQ8_Handler" not in slots
    assert 'void Timer_IRQHandler(void) __attribute__((weak, alias("Default_Handler")));' in timed
    assert "*(volatile uint32_t *)0x400fe104u |= 0x00000001u;" in timed


def test_every_shipped_board_has_a_timer():
    for name in boards.available():
        timer = boards.load(name).timer
        assert timer is not None, f"{name}: no [timer] (say why in the board file and README, or add one)"
        assert timer.irq < boards.load(name).irq_count
