"""What the stack walk finds out about one function: its check, its frame, its calls, its unknowns."""

from __future__ import annotations

from dataclasses import dataclass, field

# The runtime's stack switchers: modelled by the segment model, never walked.
MORESTACK = ("__morestack", "__morestack_args", "__morestack_r3", "__morestack_args_r3")
RUNTIME_INTERNAL = (*MORESTACK, "mcusplit_report_exhausted_v6m")


@dataclass(frozen=True)
class SplitCheck:
    threshold: int          # room (bytes) the function demands on entry: frame + reserve, rounded up
    arg_bytes: int          # stack arguments __morestack copies
    body: int               # where execution continues when the check passes
    stub: int               # the out-of-line call to __morestack
    variant: str            # thumb2 | thumb1-short | thumb1-long
    segment_shift: int      # log2 of the segment size the check was built for


@dataclass(frozen=True)
class CallSite:
    address: int            # the call (or tail-jump) instruction
    depth: int              # bytes below the caller's entry sp at the call (on `stack`, if given)
    targets: tuple[int, ...]
    kind: str               # call | tail
    resolution: str         # direct | constant | veneer | table:<object> | type | config | registry |
                            # address-taken | indirect (not resolved yet) | unresolved
    table: int | None = None   # an indirect site's pointer came from memory at this address (a table)
    stack: str | None = None   # made on a static stack (this object), not on the caller's stack
    stack_room: int = 0        # that static stack's size
    stack_top: int = 0         # and the address sp was set to

    @property
    def indirect(self) -> bool:
        return self.resolution not in ("direct", "veneer")

    @property
    def unresolved(self) -> bool:
        return self.resolution in ("unresolved", "indirect")

    @property
    def open_ended(self) -> bool:
        """Unresolved, or indirect with no target where nothing says it calls nothing: an empty
        [analyze.indirect] entry, or an empty registry (the firmware calls only what its registries
        list: no gated functions, no hooks registered)."""
        return self.unresolved or (self.indirect and not self.targets and self.resolution not in ("config", "registry"))


@dataclass(frozen=True)
class Unknown:
    """Something the walk cannot classify: the analysis of every path through it is incomplete."""

    address: int
    reason: str


@dataclass
class FunctionInfo:
    name: str
    address: int
    size: int
    check: SplitCheck | None = None
    frame: int = 0                         # deepest point of its own frame (bytes below entry sp)
    calls: list[CallSite] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    returns: bool = False
    self_tail_calls: list[int] = field(default_factory=list)   # b.w to its own entry at depth 0: a loop
    static_frames: dict[str, tuple[int, int, int]] = field(default_factory=dict)   # static stack -> (size, top, depth)
    constants: set[int] = field(default_factory=set)   # values it materializes (address-taken functions)
    pc_relative: set[int] = field(default_factory=set)  # addresses it computes from pc (adr)
    typed: bool = False                    # the build recorded its IR signature (.mcusplit.signatures)
    callee_signatures: frozenset[str] = frozenset()   # IR signatures of its indirect calls

    @property
    def split(self) -> bool:
        return self.check is not None

    @property
    def unbounded(self) -> bool:
        """Its own walk is incomplete: every path through it is unknown."""
        return bool(self.unknowns)

    @property
    def problems(self) -> list[str]:
        return [f"{u.reason} at {u.address:#x}" for u in self.unknowns]
