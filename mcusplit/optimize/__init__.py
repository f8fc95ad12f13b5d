"""Check elision after linking: drop the split-stack checks the exact model proves unnecessary, and
let a few kept checks demand room for the unchecked code below them. Imports run one way: the
build calls this; this reads the linked ELF through the analysis package and patches it."""
