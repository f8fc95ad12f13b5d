"""Entry point of the `qemu` pyOCD probe type (pyproject.toml: `pyocd.probe: qemu`).

pyOCD loads probe plugins while `import pyocd` runs, and qemu_probe.py imports pyOCD: whichever is
imported first, the other must not be half-initialised when it is needed. So this module imports
nothing from pyOCD or qemu_probe until pyOCD asks for the plugin class (PEP 562 module
`__getattr__`), and the plugin declines to load while qemu_probe is the module importing pyOCD;
qemu_probe then registers its class itself once it is complete.
"""

from __future__ import annotations

import sys
from typing import Any

_PROBE_MODULE = "mcusplit.probe.qemu_probe"


def _probe_module_complete() -> bool:
    module = sys.modules.get(_PROBE_MODULE)
    return module is None or hasattr(module, "QemuProbe")


def _make_plugin_class() -> type:
    from pyocd.core.plugin import Plugin

    class QemuProbePlugin(Plugin):
        def should_load(self) -> bool:
            return _probe_module_complete()

        def load(self) -> type:
            from .qemu_probe import QemuProbe

            return QemuProbe

        @property
        def name(self) -> str:
            return "qemu"

        @property
        def description(self) -> str:
            return "QEMU machine through its GDB stub (mcusplit)"

    return QemuProbePlugin


def __getattr__(name: str) -> Any:
    if name == "QemuProbePlugin":
        cls = _make_plugin_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
