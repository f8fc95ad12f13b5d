"""A small GDB remote serial protocol client, enough to drive QEMU's gdbstub.

What QEMU 7.2's stub does that shapes this client (checked against the real stub):

- no `QStartNoAckMode`: every packet is acknowledged with `+`, both ways;
- a stop reply can arrive when none was asked for (an extra one after `?`, or a
  late one after an interrupt raced with the core stopping by itself), so stop
  replies that are not the answer to the current command are recorded, not
  mistaken for it;
- any byte sent while the guest runs stops it, so nothing but the interrupt byte
  may be sent then (the caller tracks running/halted and stops the core first);
- memory outside every region answers `E14`; writes into the flash region work;
- `W`/`X` (and then end of stream) come when the guest exits (semihosting).
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

DEFAULT_TIMEOUT = 5.0
_INTERRUPT = b"\x03"


class GdbError(Exception):
    """The stub answered a command with an error (`Exx`) or an unusable reply."""


class GdbTargetGone(Exception):
    """The connection ended (QEMU exited, for example through a semihosting exit)."""


@dataclass(frozen=True)
class StopReply:
    signal: int
    text: str


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def frame(data: str) -> bytes:
    """One packet on the wire: $data#cs, with the characters the protocol reserves escaped."""
    raw = data.encode("latin-1")
    escaped = bytearray()
    for b in raw:
        if b in b"$#}*":
            escaped += bytes([0x7D, b ^ 0x20])
        else:
            escaped.append(b)
    return b"$" + bytes(escaped) + b"#" + f"{checksum(bytes(escaped)):02x}".encode()


def unescape(body: bytes) -> bytes:
    out = bytearray()
    it = iter(body)
    for b in it:
        if b == 0x7D:
            out.append(next(it, 0) ^ 0x20)
        elif b == 0x2A and out:                     # run-length encoding: X*n repeats X (n - 29) times
            count = next(it, 29) - 29
            out += bytes([out[-1]]) * count
        else:
            out.append(b)
    return bytes(out)


def _is_output(packet: str) -> bool:
    """An `O<hex>` console-output packet (not the `OK` that ends a monitor command)."""
    body = packet[1:]
    return packet[:1] == "O" and packet != "OK" and len(body) % 2 == 0 and all(c in "0123456789abcdefABCDEF"
                                                                               for c in body)


def parse_stop_reply(text: str) -> StopReply | None:
    """T05thread:01; / S05 -> StopReply; anything else -> None."""
    if len(text) >= 3 and text[0] in "TS":
        try:
            return StopReply(int(text[1:3], 16), text)
        except ValueError:
            return None
    return None


def parse_target_xml_registers(documents: list[str]) -> dict[str, tuple[int, int]]:
    """name -> (gdb register number, bit size), numbering as GDB does: sequential over the
    features in order, an explicit regnum= restarting the count there."""
    registers: dict[str, tuple[int, int]] = {}
    number = 0
    for document in documents:
        for m in re.finditer(r"<reg\s+([^>]*?)/?>", document):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            if "regnum" in attrs:
                number = int(attrs["regnum"], 0)
            registers[attrs["name"]] = (number, int(attrs.get("bitsize", "32")))
            number += 1
    return registers


class GdbRemote:
    """A connection to one gdbstub. Not thread-safe by itself: the probe serialises calls."""

    def __init__(self, host: str, port: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._buffer = b""
        self.packet_size = 0x400
        self.pending_stops: list[StopReply] = []   # stop replies that came while we waited for something else
        self.exited = False

    # -- connection -------------------------------------------------------------------------------

    def connect(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise GdbTargetGone(f"cannot connect to gdbstub {self.host}:{self.port}: {exc.strerror or exc}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        features = self.command("qSupported:xmlRegisters=arm")
        m = re.search(r"PacketSize=([0-9a-fA-F]+)", features)
        if m:
            self.packet_size = int(m.group(1), 16)

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    @property
    def connected(self) -> bool:
        return self._sock is not None and not self.exited

    # -- wire level -------------------------------------------------------------------------------

    def _recv(self, deadline: float | None) -> bool:
        """Read more bytes into the buffer; False if nothing came before the deadline."""
        if self._sock is None:
            raise GdbTargetGone("not connected")
        if deadline is None:
            self._sock.settimeout(0.0)
        else:
            self._sock.settimeout(max(deadline - time.monotonic(), 0.0001))
        try:
            chunk = self._sock.recv(65536)
        except (BlockingIOError, TimeoutError):
            return False
        except OSError as exc:
            self.exited = True
            raise GdbTargetGone(f"gdbstub connection lost: {exc}") from None
        if not chunk:
            self.exited = True
            raise GdbTargetGone("gdbstub closed the connection (the machine exited)")
        self._buffer += chunk
        return True

    def _send_raw(self, data: bytes) -> None:
        if self._sock is None or self.exited:
            raise GdbTargetGone("gdbstub connection is closed")
        try:
            self._sock.sendall(data)
        except OSError as exc:
            self.exited = True
            raise GdbTargetGone(f"gdbstub connection lost: {exc}") from None

    def _take_packet(self) -> str | None:
        """One complete packet from the buffer (acknowledged), or None. Bare acks are dropped."""
        while self._buffer:
            head = self._buffer[:1]
            if head in (b"+", b"-"):
                self._buffer = self._buffer[1:]
                continue
            if head not in (b"$", b"%"):
                self._buffer = self._buffer[1:]        # noise between packets
                continue
            end = self._buffer.find(b"#")
            if end < 0 or len(self._buffer) < end + 3:
                return None
            body = self._buffer[1:end]
            sent_sum = self._buffer[end + 1:end + 3]
            self._buffer = self._buffer[end + 3:]
            if head == b"%":
                continue                               # notifications (non-stop mode) are not used
            if f"{checksum(body):02x}".encode() != sent_sum.lower():
                self._send_raw(b"-")
                continue
            self._send_raw(b"+")
            return unescape(body).decode("latin-1")
        return None

    def _read_packet(self, timeout: float | None) -> str | None:
        """The next packet; None if none within `timeout` (None = only what has arrived)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            packet = self._take_packet()
            if packet is not None:
                return packet
            if not self._recv(deadline) and (deadline is None or time.monotonic() >= deadline):
                return None

    def _note_exit(self, packet: str) -> None:
        if packet[:1] in ("W", "X"):
            self.exited = True
            raise GdbTargetGone(f"the machine exited (gdbstub reply {packet})")

    # -- commands ---------------------------------------------------------------------------------

    def command(self, data: str, timeout: float | None = None) -> str:
        """Send one packet and return its reply, setting aside stray stop replies."""
        self._send_raw(frame(data))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            packet = self._read_packet(max(deadline - time.monotonic(), 0.0))
            if packet is None:
                raise GdbError(f"no reply from gdbstub to '{data[:20]}' within {timeout or self.timeout:.0f} s")
            self._note_exit(packet)
            stop = parse_stop_reply(packet)
            if stop is not None:
                self.pending_stops.append(stop)
                continue
            if data.startswith("qRcmd") and _is_output(packet):
                continue                               # console output of a monitor command
            return packet

    def _check(self, reply: str, what: str) -> str:
        if reply.startswith("E") and len(reply) == 3:
            raise GdbError(f"{what}: error {reply}")
        return reply

    def wait_stop(self, timeout: float | None) -> StopReply | None:
        """The next stop reply (one that came earlier first); None if none within timeout
        (timeout None: only what has arrived, without waiting)."""
        if self.pending_stops:
            return self.pending_stops.pop(0)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            packet = self._read_packet(None if deadline is None else max(deadline - time.monotonic(), 0.0))
            if packet is None:
                return None
            self._note_exit(packet)
            stop = parse_stop_reply(packet)
            if stop is not None:
                return stop

    def poll_stop(self) -> StopReply | None:
        """A stop reply that has arrived, without waiting."""
        return self.wait_stop(None)

    def query_stop(self) -> StopReply:
        """`?`: why the core is stopped. The stub may send one more stop reply afterwards; it is
        consumed here so that it is not taken for the answer to a later command."""
        self.pending_stops.clear()
        self._send_raw(frame("?"))
        stop = self.wait_stop(self.timeout)
        if stop is None:
            raise GdbError("no reply from gdbstub to '?'")
        extra = self.wait_stop(0.02)
        return extra or stop

    def cont(self) -> None:
        """Resume; the stop reply comes whenever the core stops (interrupt(), a breakpoint)."""
        self.pending_stops.clear()
        self._send_raw(frame("c"))

    def step(self) -> StopReply:
        self.pending_stops.clear()
        self._send_raw(frame("s"))
        stop = self.wait_stop(self.timeout)
        if stop is None:
            raise GdbError("no stop reply after a single step")
        return stop

    def interrupt(self) -> StopReply:
        """Stop a running core. If it stopped by itself just before, the stub ignores the byte and
        sends nothing more; `?` then says how it stands."""
        self._send_raw(_INTERRUPT)
        stop = self.wait_stop(1.0)
        return stop if stop is not None else self.query_stop()

    def read_memory(self, address: int, length: int) -> bytes:
        out = bytearray()
        chunk = max((self.packet_size - 16) // 2, 16)
        while length > 0:
            n = min(chunk, length)
            reply = self._check(self.command(f"m{address:x},{n:x}"), f"read {n} bytes at {address:#010x}")
            try:
                data = bytes.fromhex(reply)
            except ValueError:
                raise GdbError(f"read at {address:#010x}: bad reply {reply[:20]!r}") from None
            if len(data) != n:
                raise GdbError(f"read at {address:#010x}: {len(data)} bytes instead of {n}")
            out += data
            address += n
            length -= n
        return bytes(out)

    def write_memory(self, address: int, data: bytes) -> None:
        chunk = max((self.packet_size - 32) // 2, 16)
        for offset in range(0, len(data), chunk):
            part = data[offset:offset + chunk]
            reply = self.command(f"M{address + offset:x},{len(part):x}:{part.hex()}")
            if reply != "OK":
                raise GdbError(f"write of {len(part)} bytes at {address + offset:#010x}: {reply or 'not supported'}")

    def read_register(self, number: int) -> bytes:
        reply = self._check(self.command(f"p{number:x}"), f"read register {number}")
        if not reply or reply.startswith("E"):
            raise GdbError(f"read register {number}: not available")
        return bytes.fromhex(reply)

    def write_register(self, number: int, value: bytes) -> None:
        reply = self.command(f"P{number:x}={value.hex()}")
        if reply != "OK":
            raise GdbError(f"write register {number}: {reply or 'not supported'}")

    def monitor(self, text: str) -> str:
        reply = self.command("qRcmd," + text.encode().hex())
        if reply.startswith("E") or not reply:
            raise GdbError(f"monitor {text}: {reply or 'not supported'}")
        return reply

    def set_breakpoint(self, address: int, insert: bool) -> None:
        # Z1 (hardware) rather than Z0: QEMU implements both the same way, and Z1 is what an FPB is.
        reply = self.command(f"{'Z' if insert else 'z'}1,{address:x},2")
        if reply != "OK":
            raise GdbError(f"breakpoint at {address:#010x}: {reply or 'not supported'}")

    def xfer(self, obj: str, annex: str) -> str:
        """qXfer:<obj>:read:<annex> in as many parts as it takes."""
        out = ""
        offset = 0
        while True:
            reply = self.command(f"qXfer:{obj}:read:{annex}:{offset:x},{self.packet_size - 8:x}")
            if not reply or reply[0] not in "ml":
                raise GdbError(f"qXfer {obj} {annex}: {reply or 'not supported'}")
            out += reply[1:]
            offset += len(reply) - 1
            if reply[0] == "l":
                return out

    def registers(self) -> dict[str, tuple[int, int]]:
        """The stub's register map from its target description (name -> (number, bits))."""
        top = self.xfer("features", "target.xml")
        documents = [top]
        for href in re.findall(r'<xi:include\s+href="([^"]+)"', top):
            documents.append(self.xfer("features", href))
        return parse_target_xml_registers(documents)
