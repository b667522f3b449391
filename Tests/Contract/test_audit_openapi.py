"""The audit API's OpenAPI document says what audit-writer serves, both ways: every route registered in the Swift
sources is a path of the document and every path is registered; the list routes document exactly the parameters
AuditSessionFilter reads."""
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = os.path.join(ROOT, "Services", "AuditWriter")


def _document():
    with open(os.path.join(ROOT, "contract", "audit-api.openapi.yaml")) as f:
        return yaml.safe_load(f)


def _registered_routes():
    routes = set()
    for name in os.listdir(SOURCES):
        with open(os.path.join(SOURCES, name)) as f:
            for method, path in re.findall(r'router\.(get|post)\("([^"]+)"\)', f.read()):
                routes.add((method, "/" + re.sub(r":(\w+)", r"{\1}", path)))
    return routes


def test_it_is_openapi_3_1():
    assert _document()["openapi"] == "3.1.0"


def test_every_route_is_documented_and_every_documented_route_exists():
    documented = {(method, path) for path, item in _document()["paths"].items() for method in item}
    assert documented == _registered_routes()


def test_the_list_routes_document_the_filters_the_code_reads():
    with open(os.path.join(SOURCES, "AuditSessionFilter.swift")) as f:
        source = f.read()
    read = set(re.findall(r'(?:text|time)\("(\w+)"', source)) | set(re.findall(r'parameters\["(\w+)"\]', source))
    document = _document()
    for path in ("/v1/orgs/{org}/sessions", "/v1/orgs/{org}/environments/{env}/sessions"):
        names = set()
        for parameter in document["paths"][path]["get"]["parameters"]:
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                names.add(parameter["name"])
        expected = read | {"asUser"}
        if "{env}" in path:
            expected = expected - {"environment"}
        assert names == expected, path


def test_it_is_a_valid_openapi_3_1_document():
    # openapi-spec-validator carries the OAS 3.1 schema; it once found a description cut in two by a YAML comma.
    from openapi_spec_validator import validate

    validate(_document())
