"""Small builders for the payload parts the contract defines in schemas/common.schema.json."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A platform user acting through the suite (common.schema.json#/$defs/actor)."""
    platform_user_id: str
    email: str

    def wire(self):
        return {"platformUserId": self.platform_user_id, "email": self.email}


@dataclass(frozen=True)
class Server:
    """How the suite reaches an environment's server over SSH; the host key is pinned (SHA256:…)."""
    host: str
    user: str
    host_key_fingerprint: str
    port: int = 22

    def wire(self):
        return {"host": self.host, "port": self.port, "user": self.user, "hostKeyFingerprint": self.host_key_fingerprint}


def host_runtime(command, run_as_user=None):
    """Odoo on the host: its command as an argv list (never parsed by a shell)."""
    if isinstance(command, str):
        raise TypeError("give the command as a list of arguments, as the wire carries it")
    runtime = {"kind": "host", "command": list(command)}
    if run_as_user:
        runtime["runAsUser"] = run_as_user
    return runtime


def docker_runtime(container):
    """Odoo in a Docker container (the official image's layout)."""
    return {"kind": "docker", "container": container}
