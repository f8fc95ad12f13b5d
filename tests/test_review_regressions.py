"""An adversarial review of the analyzer (tests/firmware/review/, one program per finding): each
is built, run in QEMU and analyzed. Three outcomes, fixed per program:

- bound:   the check passes and the bound covers what the run measured (the finding was an
           under-estimate, or a false alarm now gone);
- unknown: the check fails on a place the analysis cannot classify, named with its source line
           (the finding was machine code the walker took for something it is not);
- fails:   the check fails, loudly, for a reason it names (a stack that can overflow).

The programs' comments say what each one does to the walker.
"""

from __future__ import annotations

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.emu import qemu

from .conftest import FIRMWARE

pytestmark = pytest.mark.slow

PROGRAMS = FIRMWARE / "review"
BOARD = "qemu-mps2-an386"      # Cortex-M4F: the programs' assembly is Thumb-2

# name -> (outcome, what the outcome must name or the least bound)
EXPECTED: dict[str, tuple[str, str | int]] = {
    "strex_status": ("bound", 1),                            # strex's status: the tbb table read to its end
    "self_branch_lr_changed": ("unknown", "atk"),            # a branch to its own check with lr changed
    "pendsv_stack_switch": ("unknown", "PendSV_Handler"),    # msr msp outside the scheduler's switch
    "load_writeback_flags": ("bound", 2),                    # a load with writeback clears the compare
    "stm_rewrites_lr": ("bound", 2),                         # stm through a copy of sp rewrites lr
    "tbb_base_register": ("bound", 2),                       # tbb [r2, r1]: the table is r2's
    "table_base_outside": ("bound", 2),                      # a table read from below its start
    "smull_keeps_flags": ("bound", 2),                       # smull leaves the compare's flags
    "masked_switch_index": ("bound", 0),                     # switch (k & 7): no compare needed
    "enum_compatible_type": ("bound", 2),                    # enum and unsigned: one IR type
    "unprototyped_pointer": ("bound", 2),                    # int (*)() calls int (int)
    "it_write_after_compare": ("bound", 2),                  # moveq in a one-path IT block drops the cmp bound
    "unprototyped_target": ("bound", 1),                     # ... an unprototyped int () is a target
    "big_stack_callee": ("bound", 0),                        # checked code on a big stack, in place
    "big_stack_callee_splits": ("bound", 1),                 # ... and splitting from it
    "aligned_local": ("bound", 0),                           # sp aligned down to 64 bytes
    "noreturn_callee": ("bound", 0),                         # a call to a noreturn function
    "shared_handler_two_vectors": ("bound", 3),              # one function, two vectors, nesting
    "big_stack_over_a_segment": ("bound", 1),                # a 1200-byte unchecked frame, 2 KiB stack
    "vtor_ram_vectors": ("fails", "the vector table moves at run time"),
}


def test_every_program_has_an_expectation():
    assert sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_review_finding(tmp_path, name):
    outcome, detail = EXPECTED[name]
    proj = project.load(PROGRAMS / name)
    board = boards.load(BOARD)
    result = build.build(proj, board, tmp_path / "out")
    run = qemu.run(board, result.elf, timeout=60)
    assert run.exit_code == 0, "\n".join(run.lines)
    measured = run.report.stats["hwm"]
    analysis = analyze(result.elf, analysis_config.load(proj.config_path))
    failures = analysis.check_failures()
    if outcome == "bound":
        assert not failures, failures
        assert analysis.pool_needed >= measured, (analysis.pool_needed, measured)
        assert analysis.pool_needed >= detail
        return
    assert failures
    if outcome == "unknown":
        assert analysis.unknowns, failures
        place = analysis.reachable_unknowns[0]
        assert place["function"] == detail
        assert f"review/{name}/main.c:" in place["source"]
        return
    text = "\n".join([*failures, *analysis.notes])
    assert detail in text, text
