"""`python -m mcusplit ...` is the `mcusplit` command."""

from .cli import main

main()
