"""The real suite on the local stack: scripts/test starts the four services on topics of their own and exports
where everything is (the same variables .stack/env and scripts/services.sh give)."""
import os
import shlex
import uuid

import pytest

from connectas_client import Actor, AuditClient, ConnectAs, Server, host_runtime

REQUIRED = ["CONNECTAS_KAFKA_BROKERS", "CONNECTAS_TOPICS_PREFIX", "CONNECTAS_AUDIT_URL",
            "CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE", "CONNECTAS_SSH_HOST", "CONNECTAS_SSH_PORT", "CONNECTAS_SSH_USER",
            "CONNECTAS_SSH_HOST_FINGERPRINT", "CONNECTAS_ODOO_DB", "CONNECTAS_ODOO_COMMAND", "CONNECTAS_ODOO_URL"]


@pytest.fixture(scope="session")
def settings():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail("the suite is not running here (missing %s): run scripts/test, or scripts/python-client-tests "
                    "with the stack and the services up" % ", ".join(missing))
    return os.environ


@pytest.fixture(scope="session")
def suite(settings):
    with ConnectAs(settings["CONNECTAS_KAFKA_BROKERS"], topic_prefix=settings["CONNECTAS_TOPICS_PREFIX"],
                   timeout=90) as client:
        yield client


@pytest.fixture(scope="session")
def audit(settings):
    with open(settings["CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE"]) as f:
        token = f.read().split()[0]
    return AuditClient(settings["CONNECTAS_AUDIT_URL"], token)


class World:
    """One run's platform state: orgs, members and environments named after the run, so runs never meet."""

    def __init__(self, suite, settings):
        self.suite = suite
        self.run = uuid.uuid4().hex[:8]
        self.server = Server(settings["CONNECTAS_SSH_HOST"], settings["CONNECTAS_SSH_USER"],
                             settings["CONNECTAS_SSH_HOST_FINGERPRINT"], int(settings["CONNECTAS_SSH_PORT"]))
        self.runtime = host_runtime(shlex.split(settings["CONNECTAS_ODOO_COMMAND"]))
        self.database = settings["CONNECTAS_ODOO_DB"]
        self.org = self.id("acme")
        self.free_org = self.id("free")
        self.owner = Actor(self.id("alice"), "alice@hosting.example")
        self.developer = Actor(self.id("dev"), "dev@hosting.example")
        self.stranger = Actor(self.id("mallory"), "mallory@elsewhere.example")
        # Marc Demo's own address: the stand-in's demo.user, for target_is_self.
        self.marc = Actor(self.id("marc"), "marc.demo@example.com")
        self._pending = []

    def id(self, name):
        return f"{name}-{self.run}"

    def org_state(self, org_id, plan="starter", **settings):
        self._pending.append(self.suite.publish_org(org_id, plan, **settings))

    def member(self, org_id, actor, role):
        self._pending.append(self.suite.publish_member(org_id, actor.platform_user_id, actor.email, role))

    def environment(self, name, org_id=None, **overrides):
        environment_id = self.id(name)
        fields = {"server": self.server, "runtime": self.runtime, "database": self.database,
                  "domain": "127.0.0.1", "odoo_version": "17.0", **overrides}
        self._pending.append(self.suite.publish_environment(environment_id, org_id or self.org, **fields))
        return environment_id

    def fresh(self, name, **overrides):
        """An environment of its own, applied: the rate limit (3 initiations a minute per environment) counts
        every approved initiation, even one Odoo then refuses, so each test that gets past policy has its own."""
        environment_id = self.environment(name, **overrides)
        self.applied()
        return environment_id

    def applied(self):
        """The state-before-command rule: wait for policy-service's StateApplied of every record published."""
        for event_id in self._pending:
            assert self.suite.wait_applied(event_id).kind == "StateApplied"
        self._pending = []


@pytest.fixture(scope="session")
def world(suite, settings):
    world = World(suite, settings)
    world.org_state(world.org, protect_administrators=True)
    world.org_state(world.free_org, plan="free")
    for org in (world.org, world.free_org):
        world.member(org, world.owner, "owner")
    world.member(world.org, world.developer, "developer")
    world.member(world.org, world.marc, "admin")
    world.prod = world.environment("prod")
    world.applied()
    return world


def client_ip():
    """A fresh documentation address per initiation, so the per-address rate limit counts only what a test means."""
    return "2001:db8:%x:%x::%x" % tuple(uuid.uuid4().int >> s & 0xffff for s in (0, 16, 32))
