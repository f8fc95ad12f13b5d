"""Running firmware under QEMU: console, exit status, exact instruction counts."""
