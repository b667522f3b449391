"""Reads connectas.replies from the moment the client starts and hands each reply to whoever waits for its request."""
import json
import threading
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition

from .contract import ContractError


class ReplyTimeout(TimeoutError):
    pass


class Reply:
    """One reply: its CloudEvents `type` and `data`, and the whole record in `event`."""

    def __init__(self, event):
        self.event = event
        self.type = event["type"]
        self.data = event["data"]

    @property
    def kind(self):
        """The short name: SessionLink, RequestDenied, RequestFailed, UsersList, EndAcknowledged, …"""
        return self.type.split(".")[-2]

    @property
    def code(self):
        """The denial or failure code, None for a success."""
        return self.data.get("code") if self.kind in ("RequestDenied", "RequestFailed") else None

    def __repr__(self):
        return f"Reply({self.kind}, {self.data!r})"


class ReplyReader:
    """Assigns every partition of the replies topic at its current end (no consumer group: each client reads all),
    so no reply to a command sent afterwards can be missed; deduplicates by envelope id (delivery is at least once)."""

    def __init__(self, brokers, topic, contract, *, poll_seconds=0.1):
        self.contract = contract
        self.invalid = []  # records that broke the contract, kept for whoever looks
        self._consumer = Consumer({
            "bootstrap.servers": brokers, "group.id": "connectas-client-unused", "enable.auto.commit": False,
            "fetch.wait.max.ms": 50})
        metadata = self._consumer.list_topics(topic, timeout=15)
        if metadata.topics[topic].error is not None:
            raise KafkaException(metadata.topics[topic].error)
        partitions = []
        for partition in metadata.topics[topic].partitions:
            _, high = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=15)
            partitions.append(TopicPartition(topic, partition, high))
        self._consumer.assign(partitions)
        self._replies = {}  # correlation id -> [Reply]
        self._seen = set()
        self._condition = threading.Condition()
        self._stopped = False
        self._poll_seconds = poll_seconds
        self._thread = threading.Thread(target=self._run, name="connectas-replies", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stopped:
            record = self._consumer.poll(self._poll_seconds)
            if record is None or record.error() is not None or record.value() is None:
                continue
            try:
                event = self.contract.validate(json.loads(record.value()))
            except (ValueError, ContractError) as error:
                self.invalid.append((record.value(), str(error)))
                continue
            with self._condition:
                if event["id"] in self._seen:
                    continue
                self._seen.add(event["id"])
                self._replies.setdefault(event.get("correlationid"), []).append(Reply(event))
                self._condition.notify_all()

    def wait(self, correlation_id, timeout):
        """The first reply whose correlationid is `correlation_id` (a request id, or a state record's event id)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not self._replies.get(correlation_id):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ReplyTimeout(f"no reply for {correlation_id} within {timeout} s")
                self._condition.wait(remaining)
            return self._replies[correlation_id][0]

    def close(self):
        self._stopped = True
        self._thread.join()
        self._consumer.close()
