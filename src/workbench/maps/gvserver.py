"""A running ``dot`` process that lays out graph after graph, byte for byte as a fresh one would.

Starting ``dot`` costs 4–8 ms of CPU (loading plugins, fontconfig) for graphs that often take
less to lay out. ``dot`` reads graph after graph from its input and writes and flushes each
graph's output once the graph is read, so one process per command line (engine, formats) can
serve a whole report batch. Graphviz 2.43 keeps a little state from graph to graph, which is
undone here so that every output is what a process of its own writes:

* the SVG ``id`` of every graph but a process's first gets a ``page0,1_`` prefix (removed);
* anonymous objects are numbered on from graph to graph, and the JSON formats show those
  numbers as the names of anonymous subgraphs (``"name": "%63"``). After each graph the server
  lays out a tiny *probe* graph with one anonymous subgraph; its number tells where the count
  stands, so every name can be shifted back to the number a fresh process gives.

The probe also checks that input and output are in step: its output must be exactly the one
the process gave for it at start, and before each graph nothing may be waiting unread in the
pipe. A server interrupted while it works (Ctrl-C, an error in this process) is killed, never
asked again. Which sources are safe to lay out in a process that laid out
others is the caller's decision (:func:`workbench.maps.gv.run_dot`). Anything unexpected —
output on stderr, a process that died, output that is incomplete or out of step, a process
that waits for more input — makes :meth:`DotServer.layout` return ``None``; the caller then
runs the graph in a fresh process as before. A server belongs to the process that started it:
a forked child closes its copy of the pipes and starts its own.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import select
import subprocess
import threading
import time
from collections.abc import Sequence

#: A server is replaced by a fresh process after this many graphs (bounds its memory).
GRAPHS_PER_PROCESS = 500
#: Output formats the server can cut out of the stream, with the bytes that end one output.
_ENDS = {"svg": b"</svg>\n", "json": b"\n}\n", "json0": b"\n}\n"}
_PROBE = b"digraph s {subgraph {a}}\n"
PAGE_ID = re.compile(rb'(\sid=")page\d+,\d+_')
_ANONYMOUS = re.compile(rb'(?m)^(\s*"name": "%)(\d+)(",?)$')
#: While a layout runs, how long to wait for output before checking that ``dot`` is working.
_STALL_CHECK = 1.0
_CHUNK = 1 << 16


class ServerTimeout(Exception):
    """The graph took longer than its time limit (the server was stopped)."""


def formats_of(args: Sequence[str]) -> list[str] | None:
    """The output formats of a ``dot`` command line, or None if the server cannot cut them."""
    found = [a[2:] for a in args if a.startswith("-T")]
    return found if found and all(f in _ENDS for f in found) else None


class DotServer:
    """One running ``dot`` process for one command line; not thread-safe (see :func:`layout`)."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: str) -> None:
        self.args = tuple(args)
        self.env = env
        self.cwd = cwd
        self.pid = os.getpid()
        self.formats = formats_of(args) or []
        self.graphs = 0
        self._proc = subprocess.Popen(list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=env, cwd=cwd)
        os.set_blocking(self._proc.stdin.fileno(), False)
        self._probe: list[bytes] = []
        self._base = self._total = self._next = 0
        self.broken = False
        self.noise = b""

    # ------------------------------------------------------------------ lifecycle

    def start(self, deadline: float) -> bool:
        """Lay out the probe twice: loads the plugins (warnings they print go unseen), and
        gives the probe's output and how many numbers it uses. False if that failed."""
        parts = self._exchange(_PROBE + _PROBE, 2, deadline)  # warnings of plugins: unseen
        if parts is None:
            return False
        first, second = parts
        shift = 0
        if any(f != "svg" for f in self.formats):
            one, two = self._anonymous(first), self._anonymous(second)
            if one is None or two is None or two <= one:
                return False
            shift = two - one
            self._base, self._total, self._next = one, shift, two + shift
        if self._shifted(second, shift) != first:
            return False
        self._probe = first
        return True

    def alive(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        """End the process: EOF on its input, then a kill if it does not end at once."""
        if self.pid != os.getpid():  # a forked copy: the pipes only, the process is not ours
            self.forget()
            return
        self._close_pipes()
        try:
            self._proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def kill(self) -> None:
        if self.pid == os.getpid():
            self._proc.kill()
        self.close()

    def forget(self) -> None:
        """Close this process's copies of the pipes without touching the ``dot`` process."""
        self._close_pipes()
        self._proc.returncode = 0  # not our child: nothing to wait for from here

    def _close_pipes(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()

    # ------------------------------------------------------------------ one graph

    def layout(self, source: bytes, deadline: float) -> list[bytes] | None:
        """The outputs (one per format) a fresh ``dot`` writes for one graph, or None: then
        :attr:`broken` says whether the process is still fit for the next graph (it is after
        a graph that only gave warnings, which a fresh process is to report as before)."""
        self.graphs += 1
        self.broken = True
        parts = self._exchange(source + _PROBE, 2, deadline)
        if parts is None:
            return None
        mine, probe = parts
        shift = probe_shift = 0
        if self._total:
            number = self._anonymous(probe)
            if number is None or number < self._next:
                return None
            shift, probe_shift = self._next - self._base, number - self._base
            self._next = number + self._total
        if self._shifted(probe, probe_shift) != self._probe:
            return None
        self.broken = False
        if self.noise:
            self.broken = not all(line.startswith(b"Warning: ") or not line.strip()
                                  for line in self.noise.splitlines())
            return None
        return self._shifted(mine, shift)

    def _shifted(self, parts: list[bytes], shift: int) -> list[bytes]:
        """Outputs as a fresh process writes them: no page prefix, anonymous names shifted."""
        out = []
        for fmt, data in zip(self.formats, parts, strict=True):
            if fmt == "svg":
                data = PAGE_ID.sub(rb"\1", data)
            elif shift:
                data = _ANONYMOUS.sub(
                    lambda m: m.group(1) + str(int(m.group(2)) - shift).encode() + m.group(3),
                    data)
            out.append(data)
        return out

    def _anonymous(self, parts: list[bytes]) -> int | None:
        """The number of the probe's anonymous subgraph."""
        for fmt, data in zip(self.formats, parts, strict=True):
            if fmt != "svg":
                found = _ANONYMOUS.search(data)
                return int(found.group(2)) if found else None
        return None

    def _exchange(self, data: bytes, graphs: int, deadline: float) -> list[list[bytes]] | None:
        """Write ``data`` and read the outputs of ``graphs`` graphs; None on anything odd.
        What ``dot`` wrote on stderr meanwhile is left in :attr:`noise`."""
        proc = self._proc
        stdin, stdout, stderr = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
        if _readable(stdout):  # output nobody asked for yet: no longer in step
            return None
        poller = select.poll()
        poller.register(stdin, select.POLLOUT)
        poller.register(stdout, select.POLLIN)
        poller.register(stderr, select.POLLIN)
        ends = [_ENDS[f] for f in self.formats] * graphs
        pending = memoryview(data)
        buf = bytearray()
        cuts: list[int] = []
        noise = bytearray()
        cpu = -1.0
        while len(cuts) < len(ends):
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise ServerTimeout()
            events = poller.poll(min(left, _STALL_CHECK) * 1000)
            if not events:
                if pending:
                    continue
                used = _cpu_seconds(proc.pid)  # waiting for input it will never get?
                if used is not None and used == cpu:
                    return None
                cpu = -1.0 if used is None else used
                continue
            for fd, event in events:
                if fd == stdin:
                    if event & (select.POLLERR | select.POLLHUP):
                        return None
                    try:
                        written = os.write(stdin, pending[:_CHUNK])
                    except BlockingIOError:
                        continue
                    except OSError:
                        return None
                    pending = pending[written:]
                    if not pending:
                        poller.unregister(stdin)
                    continue
                chunk = os.read(fd, _CHUNK) if event & (select.POLLIN | select.POLLHUP) else b""
                if not chunk:
                    return None  # closed: the process died
                if fd == stderr:
                    noise += chunk
                    continue
                cpu = -1.0
                start = cuts[-1] if cuts else 0
                search = max(start, len(buf) - len(ends[len(cuts)]))
                buf += chunk
                while len(cuts) < len(ends):
                    end = buf.find(ends[len(cuts)], search)
                    if end < 0:
                        break
                    cuts.append(end + len(ends[len(cuts)]))
                    search = cuts[-1]
        if cuts[-1] != len(buf) or pending:
            return None
        if _readable(stderr):  # written before the output, so seen now
            noise += os.read(stderr, _CHUNK)
        self.noise = bytes(noise)
        pieces = [bytes(buf[a:b]) for a, b in zip([0, *cuts[:-1]], cuts, strict=True)]
        n = len(self.formats)
        return [pieces[i:i + n] for i in range(0, len(pieces), n)]


def _readable(fd: int) -> bool:
    """Whether ``fd`` has data (or its end) to read now (``poll``: any descriptor number)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a process (Linux ``/proc``), or None where not available."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# --------------------------------------------------------------------------- per process

_servers: dict[tuple[str, ...], DotServer] = {}
_failures: dict[tuple[str, ...], int] = {}
_lock = threading.Lock()
#: After this many failed starts or graphs in a row, a command line is not served any more.
_GIVE_UP = 3
#: ``poll`` on pipes and fork handlers: POSIX only; elsewhere every graph runs on its own.
SUPPORTED = hasattr(select, "poll") and hasattr(os, "register_at_fork")


def layout(args: Sequence[str], source: str, env: dict[str, str],
           timeout: float) -> list[bytes] | None:
    """Lay out one graph in this process's server for ``args``; None if the caller should run
    a fresh process (server busy in another thread, not startable, or anything odd)."""
    key = tuple(args)
    if '"%' in source and formats_of(args) != ["svg"]:
        return None  # a name like "%5" of its own would be taken for a number to shift back
    if (not SUPPORTED or _failures.get(key, 0) >= _GIVE_UP
            or not _lock.acquire(blocking=False)):
        return None
    try:
        deadline = time.monotonic() + timeout
        server = _server(key, env, deadline)
        if server is None:
            return None
        text = source.encode("utf-8")
        parts = server.layout(text if text.endswith(b"\n") else text + b"\n", deadline)
        if parts is None:
            if server.broken:
                server.kill()
                del _servers[key]
                _failures[key] = _failures.get(key, 0) + 1
            return None
        _failures[key] = 0
        return parts
    except ServerTimeout:
        _servers.pop(key, None)
        raise
    except BaseException:  # interrupted mid-exchange (Ctrl-C, MemoryError …): output may
        stale = _servers.pop(key, None)  # be left unread in the pipe, so never use it again
        if stale is not None:
            stale.kill()
        raise
    finally:
        _lock.release()


def _server(key: tuple[str, ...], env: dict[str, str], deadline: float) -> DotServer | None:
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder was deleted: a fresh process reports as before
        return None
    server = _servers.get(key)
    if server is not None and (server.pid != os.getpid() or server.env != env or server.cwd != cwd
                               or server.graphs >= GRAPHS_PER_PROCESS or not server.alive()):
        server.close()
        del _servers[key]
        server = None
    if server is None:
        try:
            server = DotServer(key, env, cwd)
        except OSError:
            _failures[key] = _GIVE_UP
            return None
        try:
            started = server.start(deadline)
        except BaseException:
            server.kill()
            raise
        if not started:
            server.kill()
            _failures[key] = _failures.get(key, 0) + 1
            return None
        _servers[key] = server
    return server


def running() -> dict[tuple[str, ...], int]:
    """The process id of every server of this process, by command line."""
    return {key: server._proc.pid for key, server in _servers.items()
            if server.pid == os.getpid()}


def shutdown() -> None:
    """End every server this process started (at exit; a forked child only drops its copies)."""
    for server in list(_servers.values()):
        server.close()
    _servers.clear()


def _after_fork_in_child() -> None:
    global _lock
    for server in list(_servers.values()):
        server.forget()
    _servers.clear()
    _failures.clear()
    _lock = threading.Lock()


atexit.register(shutdown)
if SUPPORTED:
    os.register_at_fork(after_in_child=_after_fork_in_child)
