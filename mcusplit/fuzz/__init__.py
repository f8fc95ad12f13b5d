"""Randomized differential testing (`mcusplit fuzz`): generated C programs built with split stacks,
without, and with full check elision, run under QEMU with and without interrupts and inside tasks,
compared with a host gcc build (the independent oracle) and with the analyzer's bound.

Modules, in the order data flows (imports run one way; nothing outside this package imports it):
  program     a generated program: its source and what the generator knows about it
  ctypes      the C types the own generator uses and the helpers that fold them into a checksum
  generator   the own generator (seeded, reproducible)
  csmith      Csmith as a second generator (its programs use picolibc, the C library)
  host        the oracle: gcc build and run on the host
  driver      the firmware around one or more programs (a pack), its run settings
  images      the target builds of a pack (split, plain, full, tasks)
  bounds      the analyzer's bound per program
  verdict     failure kinds and the checks of one run
  runner      one pack on one board: every build, run and check
  campaign    many seeds over the machine's cores, the summary
  shrink      reduction of a failing program, saved as a regression test
"""
