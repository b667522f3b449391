"""The shortest whole use of the contract: publish an org, a member and an environment, wait until the suite applied
them, ask for a session as an Odoo user, print the one-time link, then end the session.

Reads where things are from the environment (source .stack/env for the local stack): CONNECTAS_KAFKA_BROKERS,
CONNECTAS_TOPICS_PREFIX, and the SSH server and Odoo database of the environment to publish."""
import os
import shlex

from connectas_client import Actor, ConnectAs, Server, host_runtime

env = os.environ
alice = Actor("alice", "alice@hosting.example")
with ConnectAs(env["CONNECTAS_KAFKA_BROKERS"], topic_prefix=env.get("CONNECTAS_TOPICS_PREFIX", "")) as suite:
    applied = [
        suite.publish_org("acme", "starter", channels=["email"], language="en"),
        suite.publish_member("acme", alice.platform_user_id, alice.email, "owner"),
        suite.publish_environment(
            "acme-prod", "acme", domain="127.0.0.1", odoo_version="17.0", database=env["CONNECTAS_ODOO_DB"],
            server=Server(env["CONNECTAS_SSH_HOST"], env["CONNECTAS_SSH_USER"], env["CONNECTAS_SSH_HOST_FINGERPRINT"],
                          int(env["CONNECTAS_SSH_PORT"])),
            runtime=host_runtime(shlex.split(env["CONNECTAS_ODOO_COMMAND"]))),
    ]
    for event_id in applied:
        suite.wait_applied(event_id)  # state before commands
    print("users:", [u["login"] for u in suite.list_users("acme", "acme-prod", alice).data["users"]])
    reply = suite.initiate("acme", "acme-prod", alice, login="demo.user",
                           reason="Customer reported invoice view error",
                           client_ip="203.0.113.7", user_agent="Mozilla/5.0 (quickstart)")
    if reply.kind != "SessionLink":
        raise SystemExit(f"{reply.kind}: {reply.data}")
    print("session", reply.data["sessionId"], "link (open it once, within 5 minutes):", reply.data["url"])
    print("end:", suite.end("acme", "acme-prod", alice, reply.data["sessionId"]).kind)
