"""The contract's JSON Schemas: every record this client sends is checked before it leaves, and every record it reads
is checked when it arrives, so a mistake on either side is an error that names the field instead of a silent drop."""
import datetime
import json
import os
import uuid
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def default_contract_dir():
    """CONNECTAS_CONTRACT_DIR, else the repository's contract/ (copy that folder beside your code to vendor it)."""
    configured = os.environ.get("CONNECTAS_CONTRACT_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[3] / "contract"


class ContractError(ValueError):
    """A record that breaks the contract; `path` is where, e.g. data.clientIp."""

    def __init__(self, message_type, error):
        self.message_type = message_type
        self.path = ".".join(str(p) for p in error.absolute_path) or "(the record)"
        super().__init__(f"{message_type}: {self.path}: {error.message}")


class Contract:
    def __init__(self, directory=None):
        self.directory = Path(directory) if directory else default_contract_dir()
        schemas = {}
        for path in sorted((self.directory / "schemas").glob("*.schema.json")):
            schemas[path.name] = json.loads(path.read_text())
        if not schemas:
            raise FileNotFoundError(f"no schemas in {self.directory / 'schemas'}: set CONNECTAS_CONTRACT_DIR")
        self.registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in schemas.values())
        self.messages = {
            s["properties"]["type"]["const"]: s for s in schemas.values() if "x-connectas-topic" in s}
        self._validators = {}

    def topic(self, message_type):
        """The default topic a message type travels on (x-connectas-topic)."""
        return self.messages[message_type]["x-connectas-topic"]

    def key(self, event):
        """The Kafka key the contract gives a record (x-connectas-key, e.g. {data.environmentId})."""
        template = self.messages[event["type"]]["x-connectas-key"]
        result, rest = "", template
        while "{" in rest:
            before, _, rest = rest.partition("{")
            choices, _, rest = rest.partition("}")
            result += before + next(
                (str(v) for v in (_lookup(event, c) for c in choices.split("|")) if v is not None),
                choices.split("|")[-1])
        return result + rest

    def validate(self, event):
        message_type = event.get("type") if isinstance(event, dict) else None
        if message_type not in self.messages:
            raise ContractError(str(message_type), jsonschema.ValidationError("not a message type of the contract"))
        validator = self._validators.get(message_type)
        if validator is None:
            validator = jsonschema.Draft202012Validator(
                self.messages[message_type], registry=self.registry, format_checker=jsonschema.FormatChecker())
            self._validators[message_type] = validator
        error = jsonschema.exceptions.best_match(validator.iter_errors(event))
        if error is not None:
            raise ContractError(message_type, error)
        return event

    @staticmethod
    def event(message_type, data, *, source, subject=None, correlation_id=None, event_id=None, time=None):
        """A CloudEvents 1.0 record in structured mode, correlationid before data (a record too large to read is
        still answered by it)."""
        time = time or datetime.datetime.now(datetime.timezone.utc)
        event = {
            "specversion": "1.0",
            "id": event_id or str(uuid.uuid4()),
            "source": source,
            "type": message_type,
            "time": time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "datacontenttype": "application/json",
        }
        if subject is not None:
            event["subject"] = subject
        if correlation_id is not None:
            event["correlationid"] = correlation_id
        event["data"] = data
        return event


def _lookup(event, dotted):
    value = event
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
