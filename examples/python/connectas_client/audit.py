"""The audit's HTTP API (contract/audit-api.openapi.yaml): the session log as the platform asks it, for one of its
users (asUser), with the platform's bearer token. Answers are checked against the document's schemas."""
import json
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .contract import default_contract_dir

_DOCUMENT = "urn:connectas:audit-api"


class AuditError(Exception):
    """A refusal: `status` (400, 401, 403, 404, 503) and the body; on 403 `code` is the contract's denial code."""

    def __init__(self, status, body):
        self.status = status
        self.body = body
        try:
            self.code = json.loads(body).get("code")
        except (ValueError, AttributeError):
            self.code = None
        super().__init__(f"HTTP {status}: {body[:300]}")


class AuditClient:
    def __init__(self, base_url, token, *, contract_dir=None, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        path = (contract_dir or default_contract_dir()) / "audit-api.openapi.yaml"
        document = yaml.safe_load(path.read_text())
        self._registry = Registry().with_resource(
            _DOCUMENT, Resource.from_contents(document, default_specification=DRAFT202012))

    def environment_sessions(self, org_id, environment_id, as_user, **filters):
        """A page of an environment's sessions, newest first; filters: actor, target, status, startedAfter, …"""
        path = f"/v1/orgs/{_segment(org_id)}/environments/{_segment(environment_id)}/sessions"
        return self._json(path, {"asUser": as_user, **filters}, "SessionPage")

    def org_sessions(self, org_id, as_user, **filters):
        """A page of the organisation's sessions across its environments (an Owner's query)."""
        return self._json(f"/v1/orgs/{_segment(org_id)}/sessions", {"asUser": as_user, **filters}, "SessionPage")

    def trail(self, org_id, session_id, as_user):
        """One session's row and every audit record of it, each with its hash."""
        return self._json(f"/v1/orgs/{_segment(org_id)}/sessions/{_segment(session_id)}", {"asUser": as_user}, "Trail")

    def export(self, org_id, as_user, *, format="csv", environment_id=None, **filters):
        """Every matching session as CSV or JSON Lines text (streamed by the server)."""
        if environment_id is not None:
            path = f"/v1/orgs/{_segment(org_id)}/environments/{_segment(environment_id)}/sessions"
        else:
            path = f"/v1/orgs/{_segment(org_id)}/sessions"
        return self._get(path, {"asUser": as_user, "format": format, **filters}).decode()

    def _json(self, path, query, schema):
        answer = json.loads(self._get(path, query))
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{_DOCUMENT}#/components/schemas/{schema}"}, registry=self._registry)
        validator.validate(answer)
        return answer

    def _get(self, path, query):
        query = {k: v for k, v in query.items() if v is not None}
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise AuditError(error.code, error.read().decode(errors="replace")) from None


def _segment(value):
    return urllib.parse.quote(value, safe="")
