"""Frontends: sources -> LLVM IR files (bitcode or text) that codegen reads."""
