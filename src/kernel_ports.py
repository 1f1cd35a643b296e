"""A kernel provisioner that gives every kernel started by the builds on this machine its own ports.

jupyter_client picks a kernel's five TCP ports by binding port 0 and closing it, and the kernel
binds them a moment later. Two kernels starting at once (the two languages' builds side by side,
``-j auto``'s readers, a test's build beside another) can be handed the same port: one kernel fails to
bind it and nbclient waits 60 s for a reply that never comes. Here the ports are chosen under one
file lock, skipping any port claimed in the last minute, so no two of the builds' kernels share one.

Registered as the ``jupyter_client.kernel_provisioners`` entry point ``guide-ports`` (pyproject.toml)
and chosen for the builds by ``JUPYTER_DEFAULT_PROVISIONER_NAME`` (guide_site.build_env).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from filelock import FileLock
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.provisioning.local_provisioner import LocalPortCache

CLAIMS = Path(tempfile.gettempdir()) / "autograd-guide-kernel-ports.json"
CLAIM_SECONDS = 60  # far longer than a kernel takes to bind its ports


def claim_ports(ip: str, count: int = 5, claims: Path = CLAIMS) -> list[int]:
    """count free ports on ip that no other caller was given in the last CLAIM_SECONDS."""
    with FileLock(f"{claims}.lock"):
        now = time.time()
        try:
            recent = {int(p): t for p, t in json.loads(claims.read_text()).items() if now - t < CLAIM_SECONDS}
        except (OSError, ValueError):
            recent = {}
        ports: list[int] = []
        while len(ports) < count:
            port = LocalPortCache.instance().find_available_port(ip)
            if port not in recent and port not in ports:
                ports.append(port)
        recent.update(dict.fromkeys(ports, now))
        claims.write_text(json.dumps(recent))
    return ports


class GuidePortsProvisioner(LocalProvisioner):
    async def pre_launch(self, **kwargs):
        manager = self.parent
        if manager is not None and manager.transport == "tcp" and not self.ports_cached:
            (manager.shell_port, manager.iopub_port, manager.stdin_port, manager.hb_port, manager.control_port) = claim_ports(
                manager.ip
            )
            self.ports_cached = True  # LocalProvisioner's own flag: it picks no ports then
        return await super().pre_launch(**kwargs)
