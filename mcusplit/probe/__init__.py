"""Board access: pyOCD back end (flash, reset, memory), a QEMU-backed pyOCD probe, the HIL rack (docs/hil.md).

Modules load pyOCD only when used (it takes a while to import):
  gdbremote        GDB remote protocol client (QEMU's gdbstub)
  coresight_model  the DP/AP/ROM table/debug registers QEMU lacks, as data
  qemu_probe       the `qemu` pyOCD probe type built on both
  qemu_plugin      its pyOCD entry point (pyproject.toml: pyocd.probe)
  qemu_machine     QEMU started as a bench board: empty flash, gdbstub, console on TCP
  pyocd_backend    sessions, programming, reset, reading the watermarks from memory
  poolstats        the watermarks from target memory (snapshot struct, pool walk)
  console          reading the runtime's console lines from a serial port
  rack             rack files and running firmware on a slot
  flash            the functions the command line calls
"""
