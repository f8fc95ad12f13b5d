"""mcusplit: split (segmented) stacks for Cortex-M microcontrollers."""

__version__ = "0.1.0"
