"""A platform back end's side of Connect As, written from the published contract (contract/) alone."""
from .audit import AuditClient, AuditError
from .client import ConnectAs, Reply, ReplyTimeout
from .contract import Contract, ContractError
from .model import Actor, Server, docker_runtime, host_runtime

__all__ = [
    "Actor", "AuditClient", "AuditError", "ConnectAs", "Contract", "ContractError", "Reply", "ReplyTimeout", "Server",
    "docker_runtime", "host_runtime",
]
