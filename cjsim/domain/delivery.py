"""Webhook delivery: real HTTP POSTs off the request thread, with retries, every attempt logged.

Why lanes: an API call must never wait on a receiver (docs/rules.md, "Webhooks"), and one account's slow
receivers must never delay another account's messages. Each account has its own FIFO lane
(its messages keep their order); a small pool of worker threads, started on demand and
gone after a short idle spell, takes one message at a time from the account whose turn it
is, and an account with a message in flight is skipped until that attempt ends. So an
account with hanging receivers holds at most one worker, for at most the timeout. Lanes are
bounded: a message that finds its account's lane full is dropped, recorded (outcome
``dropped``) and logged. Retries wait on ``threading.Timer`` and rejoin the lane's end. The
dispatcher keeps no reference to its simulator, so a forgotten simulator can be collected.

Each attempt is appended to the bounded log ``webhook_deliveries`` in the store (the control
API's ``GET /__cjsim/webhooks/deliveries``), with simulated time from the one clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
from collections import deque
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
MAX_WORKERS = 16  # deliveries in flight at once, one per account at most
MAX_QUEUED = 1000  # messages waiting per account; more are dropped (and recorded)


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
        self.max_workers = MAX_WORKERS
        self.max_queued = MAX_QUEUED
        self._lock = threading.Condition()
        self._lanes: dict[int, deque[Job]] = {}  # per account, oldest first
        self._ready: deque[int] = deque()  # accounts with a lane and nothing in flight
        self._busy: set[int] = set()  # accounts with an attempt in flight
        self._workers: set[threading.Thread] = set()
        self._idle = 0  # workers waiting for a lane
        self._dropping: set[int] = set()  # accounts whose drop was logged (until drained)
        self._waiting: dict[int, threading.Timer] = {}  # retries waiting for their delay
        self._tokens = 0
        self._outstanding = 0  # queued, in flight or waiting for a retry
        self._generation = 0
        self._closed = False
        self._local = threading.local()  # each worker's requests.Session
        self._sessions: list[requests.Session] = []
        self._session_lock = threading.Lock()

    # -- queueing ------------------------------------------------------------------------
    def submit(self, job: Job) -> None:
        if not self.options.deliveries:
            self._record(job, "skipped", None, "deliveries are off")
            return
        with self._lock:
            if self._closed:
                return
            job = replace(job, generation=self._generation)
            queued = self._enqueue(job)
            if queued:
                self._outstanding += 1
        if not queued:
            self._drop(job)

    def _enqueue(self, job: Job) -> bool:  # under the lock
        lane = self._lanes.get(job.open_id)
        if lane is None:
            lane = self._lanes[job.open_id] = deque()
        elif len(lane) >= self.max_queued:
            return False
        lane.append(job)
        if len(lane) == 1 and job.open_id not in self._busy:
            self._ready.append(job.open_id)
        self._lock.notify()
        if len(self._ready) > self._idle and len(self._workers) < self.max_workers:
            worker = threading.Thread(target=self._run, name="cjsim-webhooks", daemon=True)
            self._workers.add(worker)
            worker.start()
        return True

    def _drop(self, job: Job) -> None:
        """The account's lane is full: the message is not sent; say so once per spell."""
        with self._lock:
            first = job.open_id not in self._dropping
            self._dropping.add(job.open_id)
        if first:
            log.warning("webhook queue of openId %s is full (%d waiting): dropping %s; further "
                        "drops are recorded in the delivery log until it drains",
                        job.open_id, self.max_queued, job.message_id)
        self._record(job, "dropped", None,
                     f"the delivery queue of openId {job.open_id} is full ({self.max_queued} waiting)")

    def _next(self) -> Job | None:
        """The next message to send, waiting for one; None when this worker should exit."""
        me = threading.current_thread()
        with self._lock:
            while not self._ready:
                if self._closed:
                    self._workers.discard(me)
                    return None
                self._idle += 1
                woke = self._lock.wait(timeout=IDLE_S)
                self._idle -= 1
                if not woke and not self._ready:
                    self._workers.discard(me)
                    return None
            open_id = self._ready.popleft()
            lane = self._lanes[open_id]
            job = lane.popleft()
            if not lane:
                del self._lanes[open_id]
                self._dropping.discard(open_id)
            self._busy.add(open_id)
            return job

    def _run(self) -> None:
        while True:
            job = self._next()
            if job is None:
                return
            try:
                self._handle(job)
            except Exception:  # never let one bad job kill deliveries
                log.exception("webhook delivery of %s failed unexpectedly", job.message_id)
                self._done()
            finally:
                with self._lock:
                    self._busy.discard(job.open_id)
                    if job.open_id in self._lanes:  # its turn again, after the others
                        self._ready.append(job.open_id)

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
            queued = self._enqueue(job)
            if not queued:
                self._outstanding -= 1
                self._lock.notify_all()
        if not queued:
            self._drop(job)

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
            session = self._thread_session()
        headers = {"Content-Type": "application/json", "sign": sign(body, open_id)}
        try:
            response = session.post(url, data=body, headers=headers,
                                    timeout=self.options.timeout_s, allow_redirects=False)
            status = response.status_code
            response.close()
        except requests.RequestException as exc:
            return False, None, f"{type(exc).__name__}: {str(exc)[:200]}"
        return status == 200, status, None if status == 200 else f"HTTP {status}"

    def _thread_session(self) -> requests.Session:
        """One connection pool per worker thread (a Session is not shared between threads)."""
        import requests

        local = self._local
        session: requests.Session | None = getattr(local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # receivers are local: never via a proxy
            local.session = session
            with self._session_lock:
                self._sessions.append(session)
        return session

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

    def clear_log(self) -> None:
        self.store.clear_log(LOG)

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
            dropped = len(waiting) + sum(len(lane) for lane in self._lanes.values())
            self._lanes.clear()
            self._ready.clear()
            self._dropping.clear()
            self._outstanding -= dropped
            self._lock.notify_all()
        for timer in waiting.values():
            timer.cancel()

    def close(self) -> None:
        self.cancel_pending()
        with self._lock:
            self._closed = True
            workers = [w for w in self._workers if w is not threading.current_thread()]
            self._lock.notify_all()
        for worker in workers:  # one in flight may need its timeout to end
            worker.join(timeout=self.options.timeout_s + 1)
        with self._session_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
