"""The builds' kernels take ports that no other build's kernel was given (src/kernel_ports.py)."""

import itertools

from jupyter_client.manager import start_new_kernel
from jupyter_client.provisioning.local_provisioner import LocalPortCache

import guide_site
import kernel_ports


def test_two_claims_never_share_a_port_even_when_the_system_offers_the_same_ones(tmp_path, monkeypatch):
    def claim():  # each as a process of its own sees it: the same free ports, in the same order
        offered = itertools.cycle(range(40000, 40012))
        monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: next(offered))
        return kernel_ports.claim_ports("127.0.0.1", claims=tmp_path / "claims.json")

    first, second = claim(), claim()
    assert len(set(first)) == len(set(second)) == 5 and not set(first) & set(second)


def test_the_builds_kernels_start_through_the_provisioner(monkeypatch):
    for name, value in guide_site.build_env().items():
        monkeypatch.setenv(name, value)
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        assert isinstance(manager.provisioner, kernel_ports.GuidePortsProvisioner)
        assert client.execute_interactive("1 + 1", timeout=30)["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
