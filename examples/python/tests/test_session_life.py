"""A whole session through the real suite, as a platform back end drives it: state, initiate, redeem the link over
HTTP, use the cookie on Odoo (the stand-in's session check), list users, revoke, see the cookie refused, read the
audit trail; and an end, acknowledged and audited."""
import http.client
import time
import urllib.parse

from conftest import client_ip

from connectas_client import Actor, AuditError

REASON = "Customer reported invoice view error"
BROWSER = "Mozilla/5.0 (connectas-client tests)"


def _get(url, cookie=None):
    """One GET without following redirects: (status, headers)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"User-Agent": BROWSER}
    if cookie:
        headers["Cookie"] = f"session_id={cookie}"
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


def _redeem(link):
    status, headers, _ = _get(link)
    assert status == 303
    cookies = [v for k, v in headers.items() if k.lower() == "set-cookie" and v.startswith("session_id=")]
    assert len(cookies) == 1 and "HttpOnly" in cookies[0]
    return cookies[0].split(";")[0].split("=", 1)[1]


def _audited(audit, world, session_id, status):
    deadline = time.monotonic() + 60
    while True:
        trail = audit.trail(world.org, session_id, world.owner.platform_user_id)
        if trail["session"]["status"] == status or time.monotonic() > deadline:
            return trail
        time.sleep(0.3)


def test_a_session_from_initiate_to_revoke(suite, world, audit, settings):
    reply = suite.initiate(world.org, world.prod, world.owner, login="demo.user", reason=REASON,
                           client_ip=client_ip(), user_agent=BROWSER)
    assert reply.kind == "SessionLink", reply
    session_id, link = reply.data["sessionId"], reply.data["url"]
    assert "/connectas/redeem/" in link

    cookie = _redeem(link)
    status, _, body = _get(settings["CONNECTAS_ODOO_URL"] + "/web", cookie)
    assert status == 200 and b'"demo.user"' in body, body
    assert _get(link)[0] in (404, 410), "a one-time link opens once"

    users = suite.list_users(world.org, world.prod, world.owner, search="demo")
    assert users.kind == "UsersList"
    assert [u["login"] for u in users.data["users"]] == ["demo.user"]

    revoked = suite.revoke(world.org, world.prod, world.owner, session_id, reason="Left open by mistake")
    assert revoked.kind == "RevokeAcknowledged", revoked
    assert _get(settings["CONNECTAS_ODOO_URL"] + "/web", cookie)[0] == 303, "Odoo signs the cookie out"

    trail = _audited(audit, world, session_id, "revoked")
    assert trail["session"]["status"] == "revoked"
    assert trail["session"]["reason"] == REASON
    assert trail["session"]["target"]["login"] == "demo.user"
    # NotificationSent may land anywhere after the redeem: the e-mail goes out on its own clock.
    types = [r["type"] for r in trail["events"] if r["type"] != "connectas.event.NotificationSent.v1"]
    assert types == ["connectas.event.InitiateApproved.v1", "connectas.event.SessionLinkIssued.v1",
                     "connectas.event.SessionRedeemed.v1", "connectas.event.RevokeApproved.v1", "connectas.event.SessionRevoked.v1"]


def test_an_ended_session_is_acknowledged_and_listed(suite, world, audit):
    environment = world.fresh("ended")
    reply = suite.initiate(world.org, environment, world.owner, login="ana.garcia", reason=REASON,
                           client_ip=client_ip(), user_agent=BROWSER)
    assert reply.kind == "SessionLink", reply
    ended = suite.end(world.org, environment, world.owner, reply.data["sessionId"], reason="done reproducing")
    assert ended.kind == "EndAcknowledged", ended
    _audited(audit, world, reply.data["sessionId"], "ended")
    page = audit.environment_sessions(world.org, environment, world.owner.platform_user_id, status="ended")
    assert reply.data["sessionId"] in [s["sessionId"] for s in page["sessions"]]
    csv = audit.export(world.org, world.owner.platform_user_id, target="ana.garcia")
    assert reply.data["sessionId"] in csv


def test_the_audit_refuses_a_user_without_view_audit(world, audit):
    try:
        audit.environment_sessions(world.org, world.prod, world.developer.platform_user_id)
    except AuditError as error:
        assert (error.status, error.code) == (403, "permission_denied"), error
    else:
        raise AssertionError("a developer read the audit")


def test_a_tombstone_forgets_a_member(suite, world):
    leaver = world.id("leaver")
    suite.wait_applied(suite.publish_member(world.org, leaver, "leaver@hosting.example", "admin"))
    actor = Actor(leaver, "leaver@hosting.example")
    assert suite.list_users(world.org, world.prod, actor).kind == "UsersList"
    suite.delete_state("platform.member.v1", f"{world.org}/{leaver}")
    deadline = time.monotonic() + 30
    while True:
        reply = suite.list_users(world.org, world.prod, actor)
        if reply.code == "not_a_member" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert reply.code == "not_a_member", reply
