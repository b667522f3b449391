"""The platform's side of the Kafka contract: publish state, send commands, wait for their replies."""
import json
import uuid

from confluent_kafka import KafkaException, Producer

from .contract import Contract
from .replies import Reply, ReplyReader, ReplyTimeout

__all__ = ["ConnectAs", "Reply", "ReplyTimeout"]


class ConnectAs:
    """One connection to the suite. Every record is validated against the contract before it is sent, each command
    waits for its reply by request id, and each state record can be waited for until policy-service applied it.

    `topic_prefix` is the installation's CONNECTAS_TOPICS_PREFIX (empty by default)."""

    def __init__(self, brokers, *, topic_prefix="", source="/platform/backend", contract=None, timeout=60):
        self.contract = contract or Contract()
        self.prefix = topic_prefix
        self.source = source
        self.timeout = timeout
        # Idempotent: a retried send is written once; acks=all follows from it.
        self._producer = Producer({"bootstrap.servers": brokers, "enable.idempotence": True, "linger.ms": 0})
        self._replies = ReplyReader(brokers, self.prefix + "connectas.replies", self.contract)

    def close(self):
        self._producer.flush(10)
        self._replies.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    # -- platform state (compacted topics) --------------------------------------------------------------------------

    def publish_org(self, org_id, plan, *, channels=("email",), language="en", protect_administrators=True,
                    max_session_duration_seconds=None, permission_overrides=None):
        policy = {"protectAdministrators": protect_administrators}
        if max_session_duration_seconds is not None:
            policy["maxSessionDurationSeconds"] = max_session_duration_seconds
        data = {"orgId": org_id, "plan": plan, "notifications": {"channels": list(channels), "language": language},
                "policy": policy}
        if permission_overrides:
            data["permissionOverrides"] = permission_overrides
        return self.publish("platform.org.v1", data, subject=org_id)

    def publish_member(self, org_id, platform_user_id, email, role):
        data = {"orgId": org_id, "platformUserId": platform_user_id, "email": email, "role": role}
        return self.publish("platform.member.v1", data, subject=platform_user_id)

    def publish_environment(self, environment_id, org_id, *, server, runtime, database, domain, odoo_version,
                            status="running", preflight_failures=()):
        data = {"environmentId": environment_id, "orgId": org_id, "status": status, "domain": domain,
                "server": server.wire(), "odooVersion": odoo_version, "database": database, "runtime": runtime,
                "preflight": {"ok": not preflight_failures, "failures": list(preflight_failures)}}
        return self.publish("platform.environment.v1", data, subject=environment_id)

    def delete_state(self, message_type, key):
        """A tombstone: the key with no value forgets that org, member (orgId/platformUserId) or environment."""
        self._produce(self.prefix + self.contract.topic(message_type), key, None)

    def wait_applied(self, event_id, timeout=None):
        """Waits for policy-service's StateApplied for a state record: a command sent after it is decided on it."""
        return self._replies.wait(event_id, timeout or self.timeout)

    # -- commands -----------------------------------------------------------------------------------------------------

    def initiate(self, org_id, environment_id, actor, *, reason, client_ip, user_agent, login=None, odoo_user_id=None,
                 request_id=None):
        if (login is None) == (odoo_user_id is None):
            raise ValueError("name the target by exactly one of login and odoo_user_id")
        target = {"login": login} if login is not None else {"odooUserId": odoo_user_id}
        return self.command("connectas.command.InitiateSession.v1", {
            **self._addressed(org_id, environment_id, request_id), "actor": actor.wire(), "target": target,
            "reason": reason, "clientIp": client_ip, "userAgent": user_agent})

    def list_users(self, org_id, environment_id, actor, *, search=None, request_id=None):
        data = {**self._addressed(org_id, environment_id, request_id), "actor": actor.wire()}
        if search is not None:
            data["search"] = search
        return self.command("connectas.command.ListUsers.v1", data)

    def end(self, org_id, environment_id, actor, session_id, *, reason=None, request_id=None):
        return self._close("connectas.command.EndSession.v1", org_id, environment_id, actor, session_id, reason,
                           request_id)

    def revoke(self, org_id, environment_id, actor, session_id, *, reason=None, request_id=None):
        return self._close("connectas.command.RevokeSession.v1", org_id, environment_id, actor, session_id, reason,
                           request_id)

    def command(self, message_type, data, *, time=None, validate=True):
        """Sends a command and waits for its reply. validate=False sends it as it is, to see the suite refuse it."""
        event = self.contract.event(message_type, data, source=self.source, subject=data.get("environmentId"),
                                    correlation_id=data.get("requestId"), time=time)
        self.send(event, validate=validate)
        return self._replies.wait(data["requestId"], self.timeout)

    def publish(self, message_type, data, *, subject=None):
        """Publishes a record of the contract (validated) and returns its envelope id."""
        event = self.contract.event(message_type, data, source=self.source, subject=subject)
        self.send(event)
        return event["id"]

    def send(self, event, *, validate=True):
        if validate:
            self.contract.validate(event)
        key = self.contract.key(event) if event.get("type") in self.contract.messages else None
        topic = self.contract.topic(event["type"]) if event.get("type") in self.contract.messages \
            else "connectas.commands"
        self._produce(self.prefix + topic, key, json.dumps(event, ensure_ascii=False).encode())

    # -- internals ------------------------------------------------------------------------------------------------------

    def _close(self, message_type, org_id, environment_id, actor, session_id, reason, request_id):
        data = {**self._addressed(org_id, environment_id, request_id), "sessionId": session_id, "actor": actor.wire()}
        if reason is not None:
            data["reason"] = reason
        return self.command(message_type, data)

    @staticmethod
    def _addressed(org_id, environment_id, request_id):
        return {"requestId": request_id or f"req-{uuid.uuid4()}", "orgId": org_id, "environmentId": environment_id}

    def _produce(self, topic, key, value):
        """Produces one record and waits for the broker's acknowledgement, so a reply is never awaited for a record
        that was not written."""
        outcome = {}

        def delivered(error, _message):
            outcome["error"] = error

        self._producer.produce(topic, key=key.encode() if key is not None else None, value=value,
                               on_delivery=delivered)
        self._producer.flush(30)
        if outcome.get("error") is not None:
            raise KafkaException(outcome["error"])
        if "error" not in outcome:
            raise KafkaException(f"no delivery report for a record to {topic} within 30 s")
