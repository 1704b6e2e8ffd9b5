"""Webhooks (docs/rules.md, "Webhooks"): per-account topic settings, CJ's message envelope, the signature, and
who receives which message. Sending (threads, HTTP, retries) lives in ``delivery.py``.

Why messages are built here and sent elsewhere: a domain change (an order paid, a parcel
moved) produces :class:`Message` values inside its store transaction, and they are handed to
:meth:`Webhooks.send` only after the transaction committed. A failed call therefore never
announces anything, and no API request ever waits on a receiver.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cjsim import jsonenc
from cjsim.domain.delivery import Dispatcher, Job, sign
from cjsim.domain.options import DomainOptions
from cjsim.errors import SEED_CATALOGUE, CJError, illegal
from cjsim.store import Reader, Store

NS = "webhooks"  # per account: {topic: {"type": "ENABLE"|"CANCEL", "urls": [...]}}
TOPICS = ("product", "stock", "order", "logistics")
TOPIC_OF_TYPE: Mapping[str, str] = {
    "PRODUCT": "product", "VARIANT": "product", "STOCK": "stock", "ORDER": "order",
    "LOGISTIC": "logistics",
}
MAX_URLS = 5  # older CJ pages allow five, newer ones one (docs/endpoints.md, webhook/set)
TYPES = {"ENABLE": "ENABLE", "ALL": "ENABLE", "CANCEL": "CANCEL"}  # ALL: older pages' enable


def verify(raw_body: bytes, open_id: int | str, signature: str) -> bool:
    return hmac.compare_digest(sign(raw_body, open_id), signature or "")


@dataclass(frozen=True)
class Message:
    """One CJ message before it has an id. ``open_id`` None: every account that enabled the
    topic gets it (stock and product changes belong to no single account)."""

    type: str  # PRODUCT, VARIANT, STOCK, ORDER, LOGISTIC
    message_type: str  # INSERT, UPDATE, DELETE
    params: dict[str, Any]
    key: str  # what it is about ("order:<id>:SHIPPED"); makes the messageId reproducible
    open_id: int | None = None

    @property
    def topic(self) -> str:
        return TOPIC_OF_TYPE[self.type]


def envelope(message_id: str, message: Message) -> bytes:
    """The compact JSON body (docs/rules.md, "Webhooks"), exactly the bytes that are signed and sent."""
    return jsonenc.dumps({"messageId": message_id, "type": message.type,
                          "messageType": message.message_type, "params": message.params})


# -- settings (webhook/set) ---------------------------------------------------------------


@dataclass(frozen=True)
class TopicChange:
    topic: str
    type: str  # ENABLE | CANCEL
    urls: tuple[str, ...] = field(default_factory=tuple)

    def as_doc(self) -> dict[str, Any]:
        return {"type": self.type, "urls": list(self.urls)}


def _url_ok(url: str) -> bool:
    """http(s) with a host. Loopback and plain http are fine: test receivers are local."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::1", "[::1]"})


def cj_refusal(url: str) -> int | None:
    """The code today's CJ refuses a callback URL with (None: accepted): 1607001 for localhost
    and loopback, 1607002 for anything but https. A catalogue without them answers 1607000."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    if host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        code = 1607001
    elif not url.strip().lower().startswith("https://"):
        code = 1607002
    else:
        return None
    return code if code in SEED_CATALOGUE else 1607000


def refused_by_cj(changes: Iterable[TopicChange]) -> list[str]:
    """The URLs of these changes that real CJ would refuse (the audit names them)."""
    return [url for c in changes for url in c.urls if cj_refusal(url) is not None]


def parse_changes(params: Mapping[str, Any], policy: str = "local") -> list[TopicChange]:
    """The body of webhook/set -> changes, in topic order. 1600300 for shapes, 1607000 for URLs;
    under ``policy`` "cj" also CJ's own URL rules (public https, one URL per topic)."""
    present = [t for t in TOPICS if t in params]
    if not present:
        raise illegal(f"give at least one of {', '.join(TOPICS)}")
    changes = []
    for topic in present:
        spec = params[topic]
        kind = spec.get("type")
        if not isinstance(kind, str) or kind not in TYPES:
            raise illegal(f"{topic}.type must be ENABLE or CANCEL, got {kind!r}")
        if TYPES[kind] == "CANCEL":
            changes.append(TopicChange(topic, "CANCEL"))
            continue
        urls = spec.get("callbackUrls")
        if urls is None or urls == [] or urls == "":
            raise CJError(1607000, detail=f"{topic}.callbackUrls is empty")
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise illegal(f"{topic}.callbackUrls must be a list of URL strings")
        unique = tuple(dict.fromkeys(u.strip() for u in urls))
        if len(unique) > MAX_URLS:
            raise illegal(f"{topic}.callbackUrls takes at most {MAX_URLS} URLs")
        for url in unique:
            if not _url_ok(url):
                raise CJError(1607000, detail=f"{topic}: {url!r} is not an http(s) URL")
            refusal = cj_refusal(url) if policy == "cj" else None
            if refusal is not None:
                raise CJError(refusal, detail=f"{topic}: {url!r} must be a public https:// URL",
                              reason="webhook:url-refused")
        if policy == "cj" and len(unique) > 1:
            raise illegal(f"{topic}.callbackUrls takes one URL under CJ's rules")
        changes.append(TopicChange(topic, "ENABLE", unique))
    return changes


def _same(current: Mapping[str, Any] | None, change: TopicChange) -> bool:
    return (current is not None and current.get("type") == "ENABLE"
            and change.type == "ENABLE" and set(current.get("urls", ())) == set(change.urls))


class Webhooks:
    """Settings, recipients and sending for one simulator."""

    def __init__(self, store: Store, now_us: Callable[[], int], options: DomainOptions,
                 salt: str) -> None:
        self.store = store
        self.options = options
        self.salt = salt
        self.dispatcher = Dispatcher(store, now_us, options)

    # settings
    def settings(self, open_id: int, read: Reader | None = None) -> dict[str, Any]:
        """The account's topics (``read``: a request's reader, which may hold it already)."""
        doc = (read or self.store.get)(NS, str(open_id))
        return doc or {}

    def configure(self, open_id: int, changes: Iterable[TopicChange], probe_id: str) -> None:
        """Apply webhook/set: 1606000 if a topic is re-enabled with its current URLs (then
        nothing changes), 1606001 if the probe is on and a new URL does not answer 200."""
        changes = list(changes)
        current = self.settings(open_id)
        for change in changes:
            if _same(current.get(change.topic), change):
                raise CJError(1606000, detail=f"{change.topic} is already enabled with these URLs")
        if self.options.probe:
            for change in changes:
                old = set(current.get(change.topic, {}).get("urls", ()))
                for url in change.urls:
                    if url not in old and not self.dispatcher.probe(
                            open_id, change.topic, url, self._id(f"probe:{probe_id}:{url}", open_id)):
                        raise CJError(1606001, detail=f"{url} did not answer 200 in time")
        with self.store.transaction() as tx:
            doc = tx.get(NS, str(open_id)) or {}
            for change in changes:  # a concurrent set may have won meanwhile: check again
                if _same(doc.get(change.topic), change):
                    raise CJError(1606000, detail=f"{change.topic} is already enabled")
            tx.put(NS, str(open_id), {**doc, **{c.topic: c.as_doc() for c in changes}})

    # sending
    def _id(self, key: str, open_id: int) -> str:
        return hashlib.sha256(f"{self.salt}|{open_id}|{key}".encode()).hexdigest()[:32]

    def recipients(self, message: Message) -> list[tuple[int, list[str]]]:
        """(openId, urls) of every account that enabled the message's topic."""
        if message.open_id is not None:
            docs = [(str(message.open_id), self.settings(message.open_id))]
        else:
            docs = self.store.items(NS)
        out = []
        for key, doc in docs:
            conf = doc.get(message.topic)
            if conf and conf.get("type") == "ENABLE" and conf.get("urls"):
                out.append((int(key), list(conf["urls"])))
        return out

    def send(self, messages: Iterable[Message]) -> int:
        """Queue every message for every enabled URL; returns how many deliveries started."""
        count = 0
        for message in messages:
            for open_id, urls in self.recipients(message):
                message_id = self._id(message.key, open_id)
                body = envelope(message_id, message)
                for url in urls:
                    self.dispatcher.submit(Job(open_id, url, message_id, message.type,
                                               message.message_type, body))
                    count += 1
        return count

    def deliveries(self, since_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        return self.dispatcher.log(since_id, limit)

    def clear_deliveries(self) -> None:
        self.dispatcher.clear_log()


__all__ = ["MAX_URLS", "NS", "TOPICS", "TOPIC_OF_TYPE", "Message", "TopicChange", "Webhooks",
           "envelope", "parse_changes", "sign", "verify"]
