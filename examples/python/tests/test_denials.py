"""A denial for every rule, each as the platform sees it: a RequestDenied reply with the contract's code."""
import datetime

import pytest

from conftest import client_ip
from connectas_client import ContractError

REASON = "Customer reported invoice view error"
BROWSER = "Mozilla/5.0 (connectas-client tests)"


@pytest.fixture(scope="module")
def places(world):
    """Environments in every state a rule looks at, applied before any command."""
    names = {
        "stopped": world.environment("stopped", status="stopped"),
        "preflight": world.environment("preflight", preflight_failures=["ssh: connection refused"]),
        "old": world.environment("old", odoo_version="12.0"),
        "free": world.environment("free", org_id=world.free_org),
        "busy": world.environment("busy"),
        "ip-a": world.environment("ip-a"),
        "ip-b": world.environment("ip-b"),
    }
    world.applied()
    return names


def _initiate(suite, world, environment, actor=None, *, login="demo.user", reason=REASON, ip=None, org=None):
    return suite.initiate(org or world.org, environment, actor or world.owner, login=login, reason=reason,
                          client_ip=ip or client_ip(), user_agent=BROWSER)


def _denied(reply, code):
    assert reply.kind == "RequestDenied", reply
    assert reply.data["code"] == code, reply
    assert reply.data["message"]
    return reply


def test_not_a_member(suite, world):
    _denied(_initiate(suite, world, world.prod, world.stranger), "not_a_member")


def test_permission_denied(suite, world):
    _denied(_initiate(suite, world, world.prod, world.developer), "permission_denied")
    _denied(suite.list_users(world.org, world.prod, world.developer), "permission_denied")


def test_org_unknown(suite, world):
    _denied(_initiate(suite, world, world.prod, org=world.id("nowhere")), "org_unknown")


def test_environment_unknown(suite, world):
    _denied(_initiate(suite, world, world.id("nowhere")), "environment_unknown")


def test_plan_not_eligible(suite, world, places):
    _denied(_initiate(suite, world, places["free"], org=world.free_org), "plan_not_eligible")


def test_environment_not_running(suite, world, places):
    _denied(_initiate(suite, world, places["stopped"]), "environment_not_running")


def test_preflight_failed(suite, world, places):
    _denied(_initiate(suite, world, places["preflight"]), "preflight_failed")


def test_odoo_version_unsupported(suite, world, places):
    _denied(_initiate(suite, world, places["old"]), "odoo_version_unsupported")


@pytest.mark.parametrize("reason,code", [
    ("too short", "reason_too_short"),
    ("x" * 501, "reason_too_long"),
    ("Customer\u0000reported an error", "reason_invalid_characters"),
])
def test_reason_rules(suite, world, reason, code):
    _denied(_initiate(suite, world, world.prod, reason=reason), code)


@pytest.mark.parametrize("login,code", [
    ("nobody.here", "target_not_found"),
    ("former.user", "target_inactive"),
    ("admin.user", "target_protected_administrator"),
])
def test_target_rules(suite, world, login, code):
    _denied(_initiate(suite, world, world.fresh(f"target-{code}"), login=login), code)


def test_target_is_self(suite, world):
    # Marc is an Admin of the org, and demo.user's Odoo e-mail is his own.
    _denied(_initiate(suite, world, world.fresh("self"), world.marc, login="demo.user"), "target_is_self")


def test_rate_limited_environment(suite, world, places):
    for _ in range(3):
        assert _initiate(suite, world, places["busy"]).kind == "SessionLink"
    denied = _denied(_initiate(suite, world, places["busy"]), "rate_limited_environment")
    assert denied.data["retryAfterSeconds"] >= 0


def test_rate_limited_client_ip(suite, world, places):
    ip = client_ip()
    for environment in [places["ip-a"]] * 3 + [places["ip-b"]] * 2:
        assert _initiate(suite, world, environment, ip=ip).kind == "SessionLink"
    _denied(_initiate(suite, world, places["ip-b"], ip=ip), "rate_limited_client_ip")


def test_session_not_found(suite, world):
    _denied(suite.end(world.org, world.prod, world.owner, world.id("no-such-session")), "session_not_found")


def test_session_not_active(suite, world):
    environment = world.fresh("inactive")
    link = _initiate(suite, world, environment)
    assert link.kind == "SessionLink", link
    assert suite.end(world.org, environment, world.owner, link.data["sessionId"]).kind == "EndAcknowledged"
    _denied(suite.revoke(world.org, environment, world.owner, link.data["sessionId"]), "session_not_active")


def test_command_expired(suite, world):
    stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=11)
    data = {"requestId": world.id("stale"), "orgId": world.org, "environmentId": world.prod,
            "actor": world.owner.wire()}
    _denied(suite.command("connectas.command.ListUsers.v1", data, time=stale), "command_expired")


@pytest.mark.parametrize("field,value", [
    ("clientIp", "not-an-address"),
    ("userAgent", "Mozilla\n"),
    ("target", {"login": "demo.user", "odooUserId": 2}),
])
def test_a_bad_command_gets_invalid_request_naming_the_field(suite, world, field, value):
    data = {"requestId": world.id(f"bad-{field}"), "orgId": world.org, "environmentId": world.prod,
            "actor": world.owner.wire(), "target": {"login": "demo.user"}, "reason": REASON,
            "clientIp": client_ip(), "userAgent": BROWSER, field: value}
    with pytest.raises(ContractError) as refused:
        suite.contract.validate(suite.contract.event("connectas.command.InitiateSession.v1", data, source="/t"))
    assert refused.value.path.startswith(f"data.{field}")
    reply = _denied(suite.command("connectas.command.InitiateSession.v1", data, validate=False), "invalid_request")
    assert reply.data["field"].startswith(f"data.{field}"), reply
