"""Cortex-M cores: how to compile for each and what the runtime must know about it.

Cores are properties of the compiler and the architecture, not of a board, so
they live here; boards (data) name one of these keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Core:
    key: str                 # as written in board files
    arch: str                # v6m | v7m | v7em | v8m.main
    clang_target: str        # zig clang -target for sources and linking
    clang_cpu: str           # zig clang -mcpu (zig spells cpus with '_' and features with '+')
    llvm_cpu: str            # llvmlite target machine cpu
    llvm_features: str       # llvmlite target machine features
    codegen_triple: str      # the Linux triple LLVM will emit split-stack prologues for
    clang_codegen_target: str  # a Linux target zig's clang accepts -fno-pic for (musl)
    fpu: str | None          # None, "sp" (single precision) or "dp"
    has_stack_limit_regs: bool = False   # ARMv8-M MSPLIM/PSPLIM

    @property
    def thumb2(self) -> bool:
        return self.arch != "v6m"

    @property
    def hard_float(self) -> bool:
        return self.fpu is not None

    @property
    def exception_frame_bytes(self) -> int:
        """Worst-case bytes an exception entry pushes, including the alignment word."""
        from .contract import exception_frame

        return exception_frame(self.fpu is not None)

    @property
    def morestack_variant(self) -> str:
        return "v6m" if self.arch == "v6m" else "v7m"


CORES: dict[str, Core] = {
    c.key: c
    for c in [
        Core("cortex-m0", "v6m", "thumb-freestanding-eabi", "cortex_m0", "cortex-m0", "",
             "thumbv6m-unknown-linux-gnueabi", "thumb-linux-musleabi", None),
        Core("cortex-m0plus", "v6m", "thumb-freestanding-eabi", "cortex_m0plus", "cortex-m0plus", "",
             "thumbv6m-unknown-linux-gnueabi", "thumb-linux-musleabi", None),
        Core("cortex-m3", "v7m", "thumb-freestanding-eabi", "cortex_m3", "cortex-m3", "",
             "thumbv7m-unknown-linux-gnueabi", "thumb-linux-musleabi", None),
        Core("cortex-m4f", "v7em", "thumb-freestanding-eabihf", "cortex_m4+vfp4d16sp", "cortex-m4",
             "+vfp4d16sp", "thumbv7em-unknown-linux-gnueabihf", "thumb-linux-musleabihf", "sp"),
        Core("cortex-m7", "v7em", "thumb-freestanding-eabihf", "cortex_m7+fp_armv8d16", "cortex-m7",
             "+fp-armv8d16", "thumbv7em-unknown-linux-gnueabihf", "thumb-linux-musleabihf", "dp"),
        Core("cortex-m33", "v8m.main", "thumb-freestanding-eabihf", "cortex_m33+fp_armv8d16sp+dsp",
             "cortex-m33", "+fp-armv8d16sp,+dsp", "thumbv8m.main-unknown-linux-gnueabihf",
             "thumb-linux-musleabihf", "sp",
             has_stack_limit_regs=True),
    ]
}
