"""The client's own checks, without a broker: what it sends is what the contract says."""
import json
from pathlib import Path

import pytest

from connectas_client import Actor, Contract, ContractError, Server, host_runtime

CONTRACT = Contract()


def test_every_sample_of_the_contract_validates():
    for path in sorted((CONTRACT.directory / "samples").glob("*.json")):
        CONTRACT.validate(json.loads(path.read_text()))


def test_keys_follow_the_contract():
    member = json.loads((CONTRACT.directory / "samples" / "platform.member.v1.json").read_text())
    assert CONTRACT.key(member) == "org-1/usr_42"
    initiate = json.loads((CONTRACT.directory / "samples" / "connectas.command.InitiateSession.v1.json").read_text())
    assert CONTRACT.key(initiate) == "env-1"


def test_a_record_is_refused_before_it_is_sent_with_the_field_named():
    event = CONTRACT.event("platform.member.v1", {"orgId": "acme", "platformUserId": "alice",
                                                   "email": "not an address", "role": "owner"}, source="/t")
    with pytest.raises(ContractError) as refused:
        CONTRACT.validate(event)
    assert refused.value.path == "data.email"


def test_correlationid_comes_before_data():
    event = CONTRACT.event("connectas.command.ListUsers.v1", {"requestId": "r"}, source="/t", correlation_id="r")
    assert list(event)[-2:] == ["correlationid", "data"]


def test_the_host_command_is_an_argv_list():
    with pytest.raises(TypeError):
        host_runtime("/opt/odoo/odoo-bin -c /etc/odoo.conf")
    assert host_runtime(["/opt/odoo/odoo-bin", "-c", "/etc/odoo.conf"])["command"][2] == "/etc/odoo.conf"
    assert Server("h", "odoo", "SHA256:abc").wire()["port"] == 22
    assert Actor("u", "u@example.com").wire() == {"platformUserId": "u", "email": "u@example.com"}
