"""docker-compose.yml is checked against the Compose Specification's JSON Schema (no Docker engine on CI)."""
import json
import os

import jsonschema
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.environ.get(
    "COMPOSE_SPEC_SCHEMA", os.path.join(os.path.dirname(ROOT), "shared", "data", "compose-spec.json"))


@pytest.fixture(scope="module")
def compose():
    with open(os.path.join(ROOT, "docker-compose.yml")) as f:
        return yaml.safe_load(f)


def test_valid_against_the_compose_specification(compose):
    if not os.path.exists(SCHEMA):
        pytest.fail("the Compose Specification schema is not at %s (set COMPOSE_SPEC_SCHEMA)" % SCHEMA)
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.validate(compose, schema, cls=jsonschema.Draft7Validator)


def test_an_invalid_file_is_refused():
    with open(SCHEMA) as f:
        schema = json.load(f)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"services": {"x": {"ports": "8080"}}}, schema, cls=jsonschema.Draft7Validator)


def test_it_runs_the_whole_suite(compose):
    services = compose["services"]
    for name in ("kafka", "postgres", "policy-service", "session-injector", "audit-writer", "notifier", "odoo"):
        assert name in services, name
    for name in ("policy-service", "session-injector", "audit-writer", "notifier"):
        assert services[name]["command"] == [name]
        assert services[name]["environment"]["CONNECTAS_KAFKA_BROKERS"] == "kafka:9092"


def test_secrets_come_from_files_not_from_the_environment(compose):
    injector = compose["services"]["session-injector"]["environment"]
    assert injector["CONNECTAS_INJECTOR_SSH_KEY_FILE"].startswith("/run/secrets/")
    assert injector["CONNECTAS_INJECTOR_SECRET_KEY_FILE"].startswith("/run/secrets/")


def test_nothing_is_published_beyond_loopback(compose):
    # Least exposure by default: the audit API holds every org's trail, and nothing here has TLS. An operator who
    # wants a port on other interfaces writes the address there on purpose.
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            text = port if isinstance(port, str) else "%s:%s:%s" % (port.get("host_ip"), port.get("published"), port.get("target"))
            assert text.startswith("127.0.0.1:"), "%s publishes %s on every interface" % (name, text)


SERVICES = ("policy-service", "session-injector", "audit-writer", "notifier")


def _user(url):
    return url.split("://", 1)[1].split(":", 1)[0]


def test_each_service_logs_in_as_its_own_role_after_its_migration(compose):
    # Least privilege (README, "Database roles"): the owner of the schemas is only ever given to a migrate job, and
    # no two services share a role.
    services = compose["services"]
    users = set()
    for name in SERVICES:
        service = services[name]
        user = _user(service["environment"]["CONNECTAS_PG_URL"])
        assert user == "connectas_" + name.replace("-", "_"), (name, user)
        assert "CONNECTAS_PG_OWNER_URL" not in service["environment"], name
        users.add(user)
        job = services[name + "-migrate"]
        assert job["command"] == [name, "migrate"]
        assert _user(job["environment"]["CONNECTAS_PG_OWNER_URL"]) == "connectas_owner"
        assert job["environment"]["CONNECTAS_PG_URL"] == service["environment"]["CONNECTAS_PG_URL"]
        assert service["depends_on"][name + "-migrate"]["condition"] == "service_completed_successfully"
    assert len(users) == len(SERVICES)


def test_the_roles_script_makes_no_superuser(compose):
    with open(os.path.join(ROOT, "deploy", "postgres", "roles.sql")) as f:
        sql = "\n".join(line for line in f.read().upper().splitlines() if not line.startswith("--"))
    assert "SUPERUSER" not in sql and "BYPASSRLS" not in sql and "CREATEROLE" not in sql
    for name in SERVICES:
        assert "CREATE ROLE CONNECTAS_%s LOGIN" % name.replace("-", "_").upper() in sql
    volumes = compose["services"]["postgres"]["volumes"]
    assert any(v.startswith("./deploy/postgres/roles.sql:/docker-entrypoint-initdb.d/") for v in volumes)
