"""The kernel manager the report runner starts notebooks with: IPC sockets, not TCP ports.

ipykernel logs "Kernel is running over TCP without encryption" once per kernel it starts
over TCP, so a report run printed it before every notebook. The runner's kernels are local
children of the runner, so they talk over Unix domain sockets in a private temporary folder
instead: nothing listens on a network port, the warning does not apply, and no warning
filter is needed. Platforms without Unix sockets keep jupyter_client's TCP default.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    """An :class:`~jupyter_client.AsyncKernelManager` whose sockets are files in a temp folder.

    Each manager makes its own folder (readable by its owner only), so parallel report runs
    never share a socket, and removes it with the sockets when the kernel's connection is
    cleaned up.
    """

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return str(Path(tempfile.mkdtemp(prefix="aftersales-kernel-")) / "kernel")

    def cleanup_ipc_files(self) -> None:
        """Remove the kernel's socket files and their folder."""
        super().cleanup_ipc_files()
        if self.transport == "ipc":
            shutil.rmtree(Path(self.ip).parent, ignore_errors=True)


def kernel_manager_class() -> type[AsyncKernelManager]:
    """Return the kernel manager class papermill should start kernels with.

    Returns
    -------
    type
        :class:`IPCKernelManager` where Unix domain sockets exist (POSIX), else
        jupyter_client's :class:`~jupyter_client.AsyncKernelManager` (TCP).
    """
    return IPCKernelManager if os.name == "posix" else AsyncKernelManager
