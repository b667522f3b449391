"""The published contract (contract/) checked as a team in another language would use it: every schema is valid
JSON Schema 2020-12, every sample validates, removing a required field is refused and removing an optional one is not,
the rules bite on hostile values, and asyncapi.yaml is a valid AsyncAPI 3.0 document that names every schema, sample,
topic and key. Tests/ConnectAsSchemaTests/Contract checks the same files against the Swift decoder."""
import copy
import glob
import json
import os

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTRACT = os.path.join(ROOT, "contract")
SCHEMAS = os.path.join(CONTRACT, "schemas")
SAMPLES = os.path.join(CONTRACT, "samples")
ASYNCAPI_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "asyncapi-3.0.0.schema.json")


def _load(path):
    with open(path) as f:
        return json.load(f)


SCHEMA_FILES = {os.path.basename(p): _load(p) for p in glob.glob(os.path.join(SCHEMAS, "*.schema.json"))}
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)) for schema in SCHEMA_FILES.values()
)
TYPES = sorted(s["properties"]["type"]["const"] for s in SCHEMA_FILES.values() if "x-connectas-topic" in s)


def _validator(message_type):
    schema = SCHEMA_FILES[message_type + ".schema.json"]
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker())


def _sample(message_type):
    return _load(os.path.join(SAMPLES, message_type + ".json"))


def _asyncapi():
    with open(os.path.join(CONTRACT, "asyncapi.yaml")) as f:
        return yaml.safe_load(f)


# The walk Tests/ConnectAsSchemaTests/Contract/ContractVariants.swift makes, so both sides judge the same variants.
class _Walk:
    def __init__(self, message_type):
        self.file = message_type + ".schema.json"
        self.variants = []  # (path, refused)
        self.problems = []

    def resolve(self, file, node):
        while "$ref" in node:
            target, _, pointer = node["$ref"].partition("#")
            file = target or file
            node = SCHEMA_FILES[file]
            for token in [t for t in pointer.split("/") if t]:
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return file, node

    @staticmethod
    def takes(value, branch):
        if not isinstance(value, dict):
            return False
        consts = {k: v["const"] for k, v in branch.get("properties", {}).items() if isinstance(v, dict) and "const" in v}
        return (all(k in value for k in branch.get("required", []))
                and not any(k in value for k in branch.get("not", {}).get("required", []))
                and all(value.get(k) == v for k, v in consts.items()))

    def facets(self, file, node, value):
        file, node = self.resolve(file, node)
        found = [(file, node)]
        for member in node.get("allOf", []):
            found += self.facets(file, member, value)
        for key in ("oneOf", "anyOf"):
            branches = [self.resolve(file, b) for b in node.get(key, [])]
            taken = next((b for b in branches if self.takes(value, b[1])), None)
            if taken:
                found += self.facets(taken[0], taken[1], value)
        return found

    def walk(self, value, nodes, path=()):
        facets = [f for file, node in nodes for f in self.facets(file, node, value)]
        if isinstance(value, list):
            items = [(file, node["items"]) for file, node in facets if isinstance(node.get("items"), dict)]
            for index, element in enumerate(value if items else []):
                self.walk(element, items, path + (index,))
            return
        if not isinstance(value, dict):
            return
        maps = [(file, node["additionalProperties"]) for file, node in facets
                if isinstance(node.get("additionalProperties"), dict)]
        if maps:
            for key, element in value.items():
                self.walk(element, maps, path + (key,))
            return
        required = {k for _, node in facets for k in node.get("required", [])}
        for _, node in facets:
            for key, dependents in node.get("dependentRequired", {}).items():
                if key in value:
                    required |= set(dependents)
        properties, complete = {}, set()
        for file, node in facets:
            for key, schema in node.get("properties", {}).items():
                properties.setdefault(key, []).append((file, schema))
                if "oneOf" not in node:
                    complete.add(key)
        here = ".".join(map(str, path)) or "the record"
        self.problems += [f"{here}: the sample lacks required field {k}" for k in sorted(required - value.keys())]
        self.problems += [f"{here}: the sample leaves out documented field {k}" for k in sorted(complete - value.keys())]
        for key in sorted(value):
            if key not in properties:
                self.problems.append(f"{here}: field {key} is not in the schema")
                continue
            self.variants.append((path + (key,), key in required))
            self.walk(value[key], properties[key], path + (key,))


def _without(value, path):
    value = copy.deepcopy(value)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return value


def test_every_schema_is_valid_json_schema_2020_12():
    for name, schema in SCHEMA_FILES.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
        jsonschema.Draft202012Validator.check_schema(schema)


def test_there_is_a_sample_for_every_schema_and_a_schema_for_every_sample():
    samples = {os.path.basename(p)[: -len(".json")] for p in glob.glob(os.path.join(SAMPLES, "*.json"))}
    assert samples == set(TYPES)
    assert len(TYPES) >= 30


@pytest.mark.parametrize("message_type", TYPES)
def test_the_sample_validates(message_type):
    _validator(message_type).validate(_sample(message_type))


@pytest.mark.parametrize("message_type", TYPES)
def test_removing_a_required_field_is_refused_and_an_optional_one_is_not(message_type):
    sample = _sample(message_type)
    walk = _Walk(message_type)
    walk.walk(sample, [(walk.file, SCHEMA_FILES[walk.file])])
    assert walk.problems == []
    validator = _validator(message_type)
    for path, refused in walk.variants:
        errors = list(validator.iter_errors(_without(sample, path)))
        assert bool(errors) == refused, f"without {'.'.join(map(str, path))}"


HOSTILE = [
    ("data.requestId", "req 1"),
    ("data.requestId", "x" * 129),
    ("data.orgId", "-org"),
    ("data.actor.email", "a@b@c"),
    ("data.actor.email", "a b@c"),
    ("data.clientIp", "203.0.113.9:443"),
    ("data.clientIp", "localhost"),
    ("data.userAgent", "Mozilla\n"),
    ("data.userAgent", "M" * 1025),
    ("data.reason", "r" * 2001),
    ("data.target", {"login": "a", "odooUserId": 7}),
    ("data.target", {}),
    ("data.target.login", "   "),
    ("time", "yesterday"),
    ("specversion", "0.3"),
    ("type", "connectas.command.InitiateSession"),
]


@pytest.mark.parametrize("path,value", HOSTILE)
def test_the_schema_refuses_what_the_suite_refuses(path, value):
    # Each of these is refused by the Swift decoder as well (Tests/ConnectAsSchemaTests/DecodingErrorTests).
    event = _sample("connectas.command.InitiateSession.v1")
    *parents, last = path.split(".")
    node = event
    for step in parents:
        node = node[step]
    node[last] = value
    assert list(_validator("connectas.command.InitiateSession.v1").iter_errors(event))


def test_a_reason_the_policy_refuses_is_still_a_valid_command():
    # Length and characters of a reason are policy's to judge, as a denial the platform can show.
    event = _sample("connectas.command.InitiateSession.v1")
    event["data"]["reason"] = "\u0000"
    _validator("connectas.command.InitiateSession.v1").validate(event)


def test_asyncapi_document_is_valid_asyncapi_3_0():
    schema = _load(ASYNCAPI_SCHEMA)
    registry = Registry().with_resource(schema["$id"], DRAFT7.create_resource(schema)).crawl()
    validator = jsonschema.Draft7Validator(schema, registry=registry)
    document = _asyncapi()
    assert document["asyncapi"] == "3.0.0"
    assert [e.message for e in validator.iter_errors(document)] == []
    broken = copy.deepcopy(document)
    broken["operations"]["receiveInitiateSession"]["action"] = "publish"
    assert list(validator.iter_errors(broken)), "the AsyncAPI schema must refuse an AsyncAPI 2 action"


def test_asyncapi_names_every_message_with_its_schema_sample_topic_and_key():
    document = _asyncapi()
    messages = document["components"]["messages"]
    assert {m["name"] for m in messages.values()} == set(TYPES)
    for name, message in messages.items():
        schema = SCHEMA_FILES[message["name"] + ".schema.json"]
        assert message["payload"]["schema"]["$ref"] == f"schemas/{message['name']}.schema.json"
        assert os.path.exists(os.path.join(CONTRACT, message["x-sample"]))
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        channels = [c for c in document["channels"].values() if name in c["messages"]]
        assert [c["address"] for c in channels] == [schema["x-connectas-topic"]], name
    for operation in document["operations"].values():
        for reference in operation["messages"] + operation.get("reply", {}).get("messages", []):
            _, channel, _, message = reference["$ref"].lstrip("#/").split("/")
            assert message in document["channels"][channel]["messages"]


def test_every_code_the_readme_lists_is_in_the_schema():
    common = SCHEMA_FILES["common.schema.json"]["$defs"]
    with open(os.path.join(CONTRACT, "README.md")) as f:
        prose = f.read()
    for definition in ("denialCode", "failureCode", "failureStage"):
        for code in common[definition]["enum"]:
            assert f"`{code}`" in prose, f"contract/README.md does not explain {definition} {code}"
