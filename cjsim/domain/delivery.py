"""Webhook delivery: real HTTP POSTs off the request thread, with retries, every attempt logged.

Why a queue and one lazily started worker per simulator: an API call must never wait on a
receiver (cj-api §8.2), and a simulator that never sends a message must not cost a thread.
The worker exits after a short idle spell and is restarted by the next message; retries wait
on ``threading.Timer``, so a failing receiver does not hold up the others. The dispatcher
keeps no reference to its simulator, so a forgotten simulator can still be collected.

Each attempt is appended to the bounded log ``webhook_deliveries`` in the store (the control
API's ``GET /__cjsim/webhooks/deliveries``), with simulated time from the one clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cjsim import jsonenc
from cjsim.clock import iso
from cjsim.store import Store

if TYPE_CHECKING:
    import requests

    from cjsim.domain.options import DomainOptions

log = logging.getLogger("cjsim.webhooks")

LOG = "webhook_deliveries"
IDLE_S = 2.0  # a worker with nothing to do for this long exits


@dataclass(frozen=True)
class Job:
    open_id: int
    url: str
    message_id: str
    type: str
    message_type: str
    body: bytes
    attempt: int = 1
    generation: int = 0


def sign(body: bytes, open_id: int | str) -> str:
    """The ``sign`` header: base64 HMAC-SHA256 of the raw body, keyed by str(openId)."""
    mac = hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


class Dispatcher:
    def __init__(self, store: Store, now_us: Callable[[], int], options: DomainOptions) -> None:
        self.store = store
        self.now_us = now_us
        self.options = options
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Condition()
        self._worker: threading.Thread | None = None
        self._waiting: dict[int, threading.Timer] = {}  # retries waiting for their delay
        self._tokens = 0
        self._outstanding = 0  # queued, in flight or waiting for a retry
        self._generation = 0
        self._closed = False
        self._session: requests.Session | None = None

    # -- queueing ------------------------------------------------------------------------
    def submit(self, job: Job) -> None:
        if not self.options.deliveries:
            self._record(job, "skipped", None, "deliveries are off")
            return
        with self._lock:
            if self._closed:
                return
            self._outstanding += 1
            self._queue.put(replace(job, generation=self._generation))
            self._ensure_worker()

    def _ensure_worker(self) -> None:  # under the lock
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="cjsim-webhooks", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            if job is None:
                return
            try:
                self._handle(job)
            except Exception:  # never let one bad job kill deliveries
                log.exception("webhook delivery of %s failed unexpectedly", job.message_id)
                self._done()

    def _handle(self, job: Job) -> None:
        if job.generation != self._generation:
            self._done()
            return
        ok, status, error = self._post(job.url, job.body, job.open_id)
        final = ok or job.attempt > self.options.retries
        outcome = "delivered" if ok else ("failed" if final else "retrying")
        self._record(job, outcome, status, error)
        if final:
            self._done()
            return
        with self._lock:
            if self._closed:
                self._outstanding -= 1
                self._lock.notify_all()
                return
            self._tokens += 1
            token = self._tokens
            timer = threading.Timer(self.options.retry_delay_s, self._retry,
                                    (token, replace(job, attempt=job.attempt + 1)))
            timer.daemon = True
            self._waiting[token] = timer
        timer.start()

    def _retry(self, token: int, job: Job) -> None:
        with self._lock:
            if self._waiting.pop(token, None) is None:
                return  # cancelled: cancel_pending already accounted for it
            if self._closed or job.generation != self._generation:
                self._outstanding -= 1
                self._lock.notify_all()
                return
            self._queue.put(job)
            self._ensure_worker()

    def _done(self) -> None:
        with self._lock:
            self._outstanding -= 1
            self._lock.notify_all()

    # -- HTTP ----------------------------------------------------------------------------
    def _post(self, url: str, body: bytes, open_id: int,
              session: requests.Session | None = None) -> tuple[bool, int | None, str | None]:
        """One attempt: (ok, HTTP status, error). Only a 200 within the timeout is ok."""
        import requests  # ~50 ms to import: paid by the first message, not by `import cjsim`

        if session is None:
            if self._session is None:
                self._session = requests.Session()
                self._session.trust_env = False  # receivers are local: never via a proxy
            session = self._session
        headers = {"Content-Type": "application/json", "sign": sign(body, open_id)}
        try:
            response = session.post(url, data=body, headers=headers,
                                    timeout=self.options.timeout_s, allow_redirects=False)
            status = response.status_code
            response.close()
        except requests.RequestException as exc:
            return False, None, f"{type(exc).__name__}: {str(exc)[:200]}"
        return status == 200, status, None if status == 200 else f"HTTP {status}"

    def probe(self, open_id: int, topic: str, url: str, message_id: str) -> bool:
        """webhook/set's reachability check, on the request thread (the caller waits, as on
        CJ). The body is the simulator's choice: CJ does not document its probe."""
        import requests

        body = jsonenc.dumps({"messageId": message_id, "type": "WEBHOOK", "messageType": "VERIFY",
                              "params": {"topic": topic, "url": url}})
        job = Job(open_id, url, message_id, "WEBHOOK", "VERIFY", body)
        with requests.Session() as session:
            session.trust_env = False
            ok, status, error = self._post(url, body, open_id, session)
        self._record(job, "delivered" if ok else "failed", status, error)
        return ok

    # -- the log -------------------------------------------------------------------------
    def _record(self, job: Job, outcome: str, status: int | None, error: str | None) -> None:
        self.store.append(LOG, {
            "id": self.store.next_seq(LOG), "time": iso(self.now_us()), "openId": job.open_id,
            "messageId": job.message_id, "type": job.type, "messageType": job.message_type,
            "url": job.url, "attempt": job.attempt, "outcome": outcome,
            "ok": outcome == "delivered", "httpStatus": status, "error": error,
            "message": jsonenc.loads(job.body),
        }, self.options.deliveries_kept)

    def log(self, since_id: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        return self.store.tail(LOG, limit, since_id)

    # -- lifecycle -----------------------------------------------------------------------
    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued, in flight or waiting for a retry (tests, shutdown)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._outstanding <= 0, timeout)

    def cancel_pending(self) -> None:
        """Forget queued messages and retries (reset): they belong to a state that is gone."""
        with self._lock:
            self._generation += 1
            waiting, self._waiting = self._waiting, {}
            dropped = len(waiting)
            while True:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    dropped += 1
            self._outstanding -= dropped
            self._lock.notify_all()
        for timer in waiting.values():
            timer.cancel()

    def close(self) -> None:
        self.cancel_pending()
        with self._lock:
            self._closed = True
            worker = self._worker
            if worker is not None:
                self._queue.put(None)
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=self.options.timeout_s + 1)
        if self._session is not None:
            self._session.close()
