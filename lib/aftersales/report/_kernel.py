"""The kernel manager the report runner starts notebooks with: IPC sockets, not TCP ports.

ipykernel logs "Kernel is running over TCP without encryption" once per kernel it starts
over TCP, so a report run printed it before every notebook. The runner's kernels are local
children of the runner, so they talk over Unix domain sockets in a private temporary folder
instead: nothing listens on a network port, the warning does not apply, and no warning
filter is needed. Platforms without Unix sockets keep jupyter_client's TCP default.

jupyter_client also interrupts a kernel before asking it to shut down; a kernel that has
finished its notebook is idle, and ipykernel sometimes logs the interrupt as "ERROR |
KeyboardInterrupt caught in kernel" (a race, more often on a loaded machine). The manager
skips that interrupt: the shutdown request, then SIGTERM and SIGKILL after jupyter_client's
waits, still end a kernel that does not answer.

A secret parameter (a pseudonymisation key) is given to the kernel as an environment
variable, never as an injected parameter, which papermill would write into the executed
notebook: :func:`kernel_manager_class` returns a manager that adds such variables.

Wall seconds of a notebook depend on what else the machine runs; the CPU seconds its kernel
used (user + system, its finished children included) do much less. A :class:`CpuMeter`
handed to :func:`kernel_manager_class` receives them when the kernel is shut down (read from
``/proc``, so on Linux; elsewhere it stays ``None``).

The kernels run in sessions of their own, so a Ctrl-C in the terminal reaches the runner but
not them; while notebooks execute in worker threads, the runner passes it on with
:func:`interrupt_running`, which sends SIGINT to every kernel its managers started and have
not shut down yet.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from traitlets import default

_LIVE: set[int] = set()
"""Process ids of the kernels started by this runner's managers and not yet shut down."""
_LIVE_LOCK = threading.Lock()


def interrupt_running() -> int:
    """Send SIGINT to every kernel this process started and has not shut down.

    Returns
    -------
    int
        How many kernels were signalled (a kernel that ended meanwhile is skipped).
    """
    with _LIVE_LOCK:
        pids = sorted(_LIVE)
    sent = 0
    for pid in pids:
        try:
            os.kill(pid, signal.SIGINT)
        except (ProcessLookupError, PermissionError):
            continue
        sent += 1
    return sent


class CpuMeter:
    """Where a kernel manager leaves its kernel's CPU seconds when it shuts the kernel down.

    Attributes
    ----------
    seconds : float or None
        User + system seconds of the kernel process and of the children it waited for;
        None until the kernel was shut down, or where ``/proc`` does not exist.
    """

    def __init__(self) -> None:
        self.seconds: float | None = None


def process_cpu_seconds(pid: int) -> float | None:
    """Return the CPU seconds (user + system, waited-for children included) of a process.

    Parameters
    ----------
    pid : int
        A running process's id.

    Returns
    -------
    float or None
        Seconds, from ``/proc/<pid>/stat`` (fields utime, stime, cutime, cstime); None
        where that file cannot be read (not Linux, or the process has ended).
    """
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    ticks = sum(int(value) for value in fields[11:15])  # fields 14-17 of proc(5), from 1
    return round(ticks / os.sysconf("SC_CLK_TCK"), 2)


class IPCKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.AsyncKernelManager` whose sockets are files in a temp folder.

    Each manager makes its own folder (readable by its owner only), so parallel report runs
    never share a socket, and removes it with the sockets when the kernel's connection is
    cleaned up.
    """

    _shutting_down_idle = False

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return str(Path(tempfile.mkdtemp(prefix="aftersales-kernel-")) / "kernel")

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """Shut the kernel down without interrupting it first (see the module's notes).

        Parameters
        ----------
        now : bool, default False
            Kill the kernel at once instead of asking it to shut down.
        restart : bool, default False
            Keep the connection files for a restart.
        """
        self._shutting_down_idle = True
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            self._shutting_down_idle = False

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client's shutdown calls this private step; only that call is skipped
        if not self._shutting_down_idle:
            await super()._async_interrupt_kernel()

    def cleanup_ipc_files(self) -> None:
        """Remove the kernel's socket files and their folder."""
        super().cleanup_ipc_files()
        if self.transport == "ipc":
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)


def kernel_manager_class(
    env: Mapping[str, str] | None = None, meter: CpuMeter | None = None
) -> type[AsyncKernelManager]:
    """Return the kernel manager class papermill should start kernels with.

    Parameters
    ----------
    env : Mapping[str, str], optional
        Variables the kernel's environment gets on top of this process's (secrets that
        must not be written into the executed notebook, thread counts).
    meter : CpuMeter, optional
        Receives the kernel's CPU seconds when the kernel is shut down.

    Returns
    -------
    type
        :class:`IPCKernelManager` where Unix domain sockets exist (POSIX), else
        jupyter_client's :class:`~jupyter_client.AsyncKernelManager` (TCP); a subclass
        that adds ``env``, fills ``meter`` when given and records its kernel for
        :func:`interrupt_running`.
    """
    base = IPCKernelManager if os.name == "posix" else AsyncKernelManager
    extra = dict(env or {})

    class Configured(base):  # type: ignore[valid-type,misc]
        async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
            if extra:
                kw["env"] = {**kw.get("env", os.environ), **extra}
            return await super()._async_pre_start_kernel(**kw)

        async def _async_post_start_kernel(self, **kw: Any) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            if pid is not None:
                with _LIVE_LOCK:
                    _LIVE.add(pid)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            pid = getattr(self.provisioner, "pid", None)
            if meter is not None and pid is not None:  # the kernel is idle: its work is done
                meter.seconds = process_cpu_seconds(pid)
            try:
                await super().shutdown_kernel(now=now, restart=restart)
            finally:
                with _LIVE_LOCK:
                    _LIVE.discard(pid)

    return Configured
