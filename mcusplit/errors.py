"""The one exception type users see: a one-line message, a non-zero exit, no traceback."""

from __future__ import annotations


class McusplitError(Exception):
    """A problem with the user's input or environment, reported as one line.

    ``where`` names the file (and line, function, ...) the problem is in, so the
    message reads ``where: what``.
    """

    exit_code = 2

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = " ".join(self.message.split())
        return f"{self.where}: {text}" if self.where else text


class BuildError(McusplitError):
    """Firmware could not be built (bad source, IR LLVM rejects, unsupported construct)."""


class BoardError(McusplitError):
    """A board file is missing or invalid."""


class ProjectError(McusplitError):
    """A project directory or its mcusplit.toml is invalid."""


class ToolError(McusplitError):
    """An external tool (QEMU, clang, pyOCD) is missing or failed."""


class RunError(McusplitError):
    """A firmware run did not end the way a run must: with a well-formed exit line."""

    exit_code = 1

    def __init__(self, message: str, where: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message, where)
        if exit_code is not None:
            self.exit_code = exit_code


class LockError(McusplitError):
    """Another mcusplit is writing the same output directory."""
