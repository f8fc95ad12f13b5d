"""Split-stack code generation for Cortex-M: LLVM IR in, Thumb assembly with mcusplit prologues out."""
