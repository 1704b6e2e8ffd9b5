"""The Redis store: one simulator state shared by processes on several hosts.

* The limiter's check-all-then-commit is one Lua script per request: no two workers can
  both take the last slot of a window.
* Document transactions hold a short Redis lock and apply their writes in one MULTI/EXEC.
* The clock state lives in Redis, so all workers share one simulated time.
* ``prefix`` separates independent simulators on one Redis. Every key is ``{PREFIX}:...``:
  the braces delimit it, so no prefix's keys start with another's (``cjsim`` and
  ``cjsim:staging`` never meet), and they make the prefix a Redis Cluster hash tag. A
  prefix may not hold glob characters or braces (``check_prefix``).

Windows are in simulated time, so Redis TTLs (real time) are only a safety net that
forgets idle keys; "total" quotas never expire. Any connection failure raises
``StoreUnavailable``: requests answer 1600000, health says degraded, and the next request
after Redis is back simply works (redis-py reconnects).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import hiredis
import orjson
import redis
from redis.commands.core import Script
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError, ResponseError

from cjsim.clock import MAX_US, MIN_US, ClockMove, ClockState, out_of_range
from cjsim.store.base import (
    DELETED,
    SINCE_SLACK,
    Deferred,
    Doc,
    LimitResult,
    Opening,
    Store,
    StoreUnavailable,
    Txn,
    WindowCheck,
    check_prefix,
    newer_than,
    overlay,
    prune_before,
    resolved,
    sorted_items,
)

log = logging.getLogger("cjsim")

_IDLE_TTL_MS = 2 * 86_400_000  # real time after which an untouched window key is forgotten
_LOCK_TTL_MS = 10_000
_LOCK_WAIT_S = 10.0

# KEYS: two per check (the window; for a sliding one also the set of its hits costing more
# than one unit), then the hit-sequence key. ARGV: now, commit, then per check (7 each):
# limit, prune bound and high bound (sliding: see WindowCheck) or "", window id ("" for
# sliding), window end (µs, fixed windows), low bound (sliding) or "", cost. A sliding
# window's units are its hits (ZCOUNT) plus the extra units of the dearer ones, so
# unit-cost windows never read a member.
# Big numbers stay strings: Lua doubles would print them with 14 digits.
LIMIT_SCRIPT = """
local n = (#KEYS - 1) / 2
local now = ARGV[1]
local commit = ARGV[2] == "1"
local counts = {}
local newer = {}
for i = 1, n do
  local base = 2 + (i - 1) * 7
  local limit = tonumber(ARGV[base + 1])
  local wid = ARGV[base + 4]
  local cost = tonumber(ARGV[base + 7])
  local key, extra = KEYS[2 * i - 1], KEYS[2 * i]
  local count = 0
  if wid == "" then
    redis.call("ZREMRANGEBYSCORE", key, "-inf", ARGV[base + 2])
    count = redis.call("ZCOUNT", key, "(" .. ARGV[base + 6], "(" .. ARGV[base + 3])
    if redis.call("EXISTS", extra) == 1 then
      redis.call("ZREMRANGEBYSCORE", extra, "-inf", ARGV[base + 2])
      for _, member in ipairs(redis.call("ZRANGEBYSCORE", extra, "(" .. ARGV[base + 6], "(" .. ARGV[base + 3])) do
        count = count + tonumber(string.match(member, ":(%d+)$"))
      end
    end
  else
    local cur = redis.call("HMGET", key, "wid", "count", "exp")
    if cur[1] == wid then
      count = tonumber(cur[2])
    elseif cur[1] and cur[3] and tonumber(ARGV[base + 5]) > 0 and tonumber(cur[3]) > tonumber(ARGV[base + 5]) then
      count = tonumber(cur[2])
      newer[i] = true
    end
  end
  counts[i] = count
  if count + cost > limit then return {i, counts} end
end
if commit then
  local seq = redis.call("INCR", KEYS[#KEYS])
  for i = 1, n do
    local base = 2 + (i - 1) * 7
    local wid = ARGV[base + 4]
    local cost = tonumber(ARGV[base + 7])
    local key, extra = KEYS[2 * i - 1], KEYS[2 * i]
    if wid == "" then
      if cost > 0 then
        redis.call("ZADD", key, now, now .. ":" .. seq)
        redis.call("PEXPIRE", key, %(ttl)d)
      end
      if cost > 1 then
        redis.call("ZADD", extra, now, now .. ":" .. seq .. ":" .. (cost - 1))
        redis.call("PEXPIRE", extra, %(ttl)d)
      end
    elseif newer[i] then
      redis.call("HSET", key, "count", counts[i] + cost)
    else
      redis.call("HSET", key, "wid", wid, "count", counts[i] + cost, "exp", ARGV[base + 5])
      if wid == "total" then redis.call("PERSIST", key)
      else redis.call("PEXPIRE", key, %(ttl)d) end
    end
  end
  return {0, counts}
end
return {-1, counts}
""".replace("%(ttl)d", str(_IDLE_TTL_MS))

# A request's opening reads (Store.open_call), one round trip. KEYS: the clock, the sequence
# hash, one document hash per read, then one per whole namespace; ARGV: the sequence's name,
# then each read's field. No clock (lost state): nothing is counted or read.
OPEN_SCRIPT = """
local clock = redis.call("HMGET", KEYS[1], "frozen", "at", "offset")
if not clock[1] then return {} end
local out = {clock[1], clock[2] or "0", clock[3] or "0", redis.call("HINCRBY", KEYS[2], ARGV[1], 1)}
for i = 3, #KEYS do
  if i - 1 <= #ARGV then
    out[#out + 1] = redis.call("HGET", KEYS[i], ARGV[i - 1])
  else
    out[#out + 1] = redis.call("HGETALL", KEYS[i])
  end
end
return out
"""

# Clock.move in one round trip (ClockMove.apply, done where the state is). KEYS: the clock.
# ARGV: freeze ("" keeps the mode, "1", "0"), "set" or "add", then for "set" the new
# instant and its offset from real time, for "add" the microseconds to add and the real
# time; then the range of the instant and of the offset. Every sum is HINCRBY's (Lua's
# doubles are not exact past 2^53 us) and every comparison is on decimal text.
MOVE_CLOCK_SCRIPT = """
local function le(a, b)
  local na, nb = string.sub(a, 1, 1) == "-", string.sub(b, 1, 1) == "-"
  if na ~= nb then return na end
  if na then a, b = string.sub(b, 2), string.sub(a, 2) end
  if #a ~= #b then return #a < #b end
  return a <= b
end
local c = redis.call("HMGET", KEYS[1], "frozen", "at", "offset")
if not c[1] then return {} end
local was = c[1] == "1"
local frozen = was
if ARGV[1] ~= "" then frozen = ARGV[1] == "1" end
local field, other, lo, hi = "offset", "at", ARGV[7], ARGV[8]
if frozen then field, other, lo, hi = "at", "offset", ARGV[5], ARGV[6] end
if ARGV[2] == "set" then
  if frozen then redis.call("HSET", KEYS[1], field, ARGV[3])
  else redis.call("HSET", KEYS[1], field, ARGV[4]) end
else
  local from = c[3]
  if was then from = c[2] end
  redis.call("HSET", KEYS[1], field, from or "0")
  redis.call("HINCRBY", KEYS[1], field, ARGV[3])
  if was and not frozen then redis.call("HINCRBY", KEYS[1], field, "-" .. ARGV[4]) end
  if frozen and not was then redis.call("HINCRBY", KEYS[1], field, ARGV[4]) end
  local value = redis.call("HGET", KEYS[1], field)
  if not (le(lo, value) and le(value, hi)) then
    redis.call("HSET", KEYS[1], "frozen", c[1], "at", c[2] or "0", "offset", c[3] or "0")
    return {"range"}
  end
end
local flag = "0"
if frozen then flag = "1" end
redis.call("HSET", KEYS[1], "frozen", flag, other, "0")
return redis.call("HMGET", KEYS[1], "frozen", "at", "offset")
"""

RELEASE_SCRIPT = """
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
"""



def glob_escape(text: str) -> str:
    """``text`` as a literal inside a Redis MATCH pattern."""
    return "".join("\\" + c if c in "*?[]\\^" else c for c in text)


class _RedisTxn(Txn):
    def __init__(self, store: RedisStore, parent: _RedisTxn | None = None) -> None:
        self._store = store
        self._parent = parent
        self._writes: dict[tuple[str, str], bytes | object] = {}

    def _pending(self, ns: str, key: str) -> bytes | object | None:
        txn: _RedisTxn | None = self
        while txn is not None:
            if (ns, key) in txn._writes:
                return txn._writes[(ns, key)]
            txn = txn._parent
        return None

    def get(self, ns: str, key: str) -> Doc | None:
        raw = self._pending(ns, key)
        if raw is DELETED:
            return None
        if raw is None:
            return self._store.get(ns, key)
        return orjson.loads(raw)  # type: ignore[arg-type,no-any-return]

    def put(self, ns: str, key: str, doc: Doc) -> None:
        self._writes[(ns, key)] = orjson.dumps(doc)

    def delete(self, ns: str, key: str) -> None:
        self._writes[(ns, key)] = DELETED

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        merged = self._store._hgetall(ns)
        chain: list[_RedisTxn] = []
        txn: _RedisTxn | None = self
        while txn is not None:
            chain.append(txn)
            txn = txn._parent
        for txn in reversed(chain):  # outermost first, so inner writes win
            merged = overlay(merged, txn._writes, ns)
        return sorted_items((k, orjson.loads(v)) for k, v in merged.items())

    def next_seq(self, name: str) -> int:
        return self._store.next_seq(name)


class _Unanswered:
    """A write sent on a connection taken from the pool, its replies not read yet."""

    __slots__ = ("conn", "replies")

    def __init__(self, conn: Any, replies: int) -> None:  # redis-py's Connection (untyped)
        self.conn = conn
        self.replies = replies


def _packed(conn: Any, command: tuple[Any, ...]) -> list[bytes]:
    """``command`` in Redis's protocol, packed by hiredis in one C call (a runtime dependency:
    ``redis[hiredis]``); redis-py's own packer walks the arguments in Python first. What
    hiredis refuses (a None, say) goes through redis-py's packer, which refuses it as it
    always did (DataError; tests/store/test_redis_packing.py)."""
    try:
        return [hiredis.pack_command(command)]
    except TypeError:
        return list(conn.pack_command(*command))


class RedisStore(Store):
    def __init__(self, url: str, prefix: str = "cjsim") -> None:
        self.url = url
        self.prefix = check_prefix(prefix)
        self._root = "{" + prefix + "}"
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1,
                                            health_check_interval=0)
        self._limit_script = self._client.register_script(LIMIT_SCRIPT)
        self._release_script = self._client.register_script(RELEASE_SCRIPT)
        self._open_script = self._client.register_script(OPEN_SCRIPT)
        self._move_clock_script = self._client.register_script(MOVE_CLOCK_SCRIPT)
        self._local = threading.local()
        # journal writes sent without waiting for their replies (append_with); read before
        # this process's next store step, under the lock, so every step sees them
        self._unanswered: list[_Unanswered] = []
        self._unanswered_lock = threading.Lock()
        # idle connections of the request path's own (``_call``); redis-py's pool keeps the
        # rest (transactions, logs, control calls)
        self._idle: list[Any] = []
        self._pid = os.getpid()

    def _k(self, *parts: str) -> str:
        return ":".join((self._root, *parts))

    @contextmanager
    def _guard(self) -> Iterator[None]:
        if self._unanswered:
            self._settle()
        try:
            yield
        except RedisError as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc

    # -- documents -------------------------------------------------------------------------
    def get(self, ns: str, key: str) -> Doc | None:
        with self._guard():
            raw = self._client.hget(self._k("d", ns), key)
        return None if raw is None else orjson.loads(raw)

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        if getattr(self._local, "txn", None) is not None:  # sees the open transaction's writes
            return super().items(ns)
        # one HGETALL is atomic, and transactions land in one MULTI/EXEC: no lock needed
        return sorted_items((k, orjson.loads(v)) for k, v in self._hgetall(ns).items())

    def _hgetall(self, ns: str) -> dict[str, bytes]:
        with self._guard():
            raw: dict[bytes, bytes] = self._client.hgetall(self._k("d", ns))  # type: ignore[assignment]
        return {k.decode(): v for k, v in raw.items()}

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        parent: _RedisTxn | None = getattr(self._local, "txn", None)
        txn = _RedisTxn(self, parent)
        if parent is not None:  # nested: a savepoint folded into the outer transaction
            self._local.txn = txn
            try:
                yield txn
            finally:
                self._local.txn = parent
            parent._writes.update(txn._writes)
            return
        token = self._acquire()
        self._local.txn = txn
        try:
            yield txn
            if txn._writes:
                with self._guard():
                    pipe = self._client.pipeline(transaction=True)
                    for (ns, key), raw in txn._writes.items():
                        if raw is DELETED:
                            pipe.hdel(self._k("d", ns), key)
                        else:
                            pipe.hset(self._k("d", ns), key, raw)  # type: ignore[arg-type]
                    pipe.execute()
        finally:
            self._local.txn = None
            self._release(token)

    def _acquire(self) -> str:
        token = secrets.token_hex(8)
        deadline = time.monotonic() + _LOCK_WAIT_S
        delay = 0.0005
        with self._guard():
            while not self._client.set(self._k("lock"), token, nx=True, px=_LOCK_TTL_MS):
                if time.monotonic() > deadline:
                    raise StoreUnavailable("redis: the state lock stayed taken")
                time.sleep(delay)
                delay = min(delay * 2, 0.01)
        return token

    def _release(self, token: str) -> None:
        try:
            self._release_script(keys=[self._k("lock")], args=[token])
        except RedisError:
            pass  # the lock expires by itself

    # -- sequences -------------------------------------------------------------------------
    def next_seq(self, name: str) -> int:
        with self._guard():
            return int(self._client.hincrby(self._k("seq"), name, 1))

    def open_call(self, seq: str, reads: Sequence[tuple[str, str]],
                  spaces: Sequence[str] = ()) -> Opening:
        keys = [self._k("clock"), self._k("seq")]
        args = [seq]
        for ns, key in reads:
            keys.append(self._k("d", ns))
            args.append(key)
        keys.extend(self._k("d", ns) for ns in spaces)
        with self._guard():
            out = self._script(self._open_script, keys, args)
        if not out:
            return Opening(None, 0, ())
        clock = ClockState(out[0] == b"1", int(out[1]), int(out[2]))
        docs_end = 4 + len(reads)
        docs = tuple(None if raw is None else orjson.loads(raw) for raw in out[4:docs_end])
        found = tuple(sorted_items((flat[i].decode(), orjson.loads(flat[i + 1]))
                                   for i in range(0, len(flat), 2)) for flat in out[docs_end:])
        return Opening(clock, int(out[3]), docs, found)

    # -- limiter ---------------------------------------------------------------------------
    def limit(self, checks: Sequence[WindowCheck], now_us: int, commit: bool) -> LimitResult:
        if not checks:
            return LimitResult(None, (), commit)
        keys: list[str] = []
        args: list[str] = [str(now_us), "1" if commit else "0"]
        for check in checks:
            keys += [self._k("w", check.key), self._k("wx", check.key)]
            if check.window_id is None:
                args += [str(check.limit), str(prune_before(check.period_us, now_us)),
                         str(now_us + check.period_us), "", "0", str(now_us - check.period_us),
                         str(check.cost)]
            else:
                args += [str(check.limit), "", "", check.window_id, str(check.expires_us), "",
                         str(check.cost)]
        keys.append(self._k("hitseq"))
        with self._guard():
            failed, counts = self._script(self._limit_script, keys, args)
        counts_t = tuple(int(c) for c in counts)
        if failed > 0:
            return LimitResult(int(failed) - 1, counts_t, False)
        return LimitResult(None, counts_t, failed == 0)

    def peek(self, checks: Sequence[WindowCheck], now_us: int) -> tuple[int, ...]:
        with self._guard():
            pipe = self._client.pipeline(transaction=False)
            for check in checks:
                key = self._k("w", check.key)
                if check.window_id is None:
                    low, high = f"({now_us - check.period_us}", f"({now_us + check.period_us}"
                    pipe.zcount(key, low, high)
                    pipe.zrangebyscore(self._k("wx", check.key), low, high)
                else:
                    pipe.hmget(key, "wid", "count", "exp")
            replies = iter(pipe.execute())
        out = []
        for check in checks:
            reply = next(replies)
            if check.window_id is None:
                extra = sum(int(m.rsplit(b":", 1)[1]) for m in next(replies))
                out.append(int(reply) + extra)
                continue
            wid, count, expires = reply
            same = wid is not None and wid.decode() == check.window_id
            newer = wid is not None and check.expires_us > 0 and int(expires or 0) > check.expires_us
            out.append(int(count) if same or newer else 0)
        return tuple(out)

    # -- logs ------------------------------------------------------------------------------
    def append(self, log: str, entry: Doc, maxlen: int) -> None:
        with self._guard():
            if not isinstance(entry.get("id"), int):
                entry = {"id": self.next_seq(f"log:{log}"), **entry}
            pipe = self._client.pipeline(transaction=False)
            pipe.rpush(self._k("l", log), orjson.dumps(entry))
            pipe.ltrim(self._k("l", log), -maxlen, -1)
            pipe.execute()

    def append_with(self, log: str, entry: Doc, maxlen: int,
                    docs: Sequence[tuple[str, str, Doc | Deferred | None]]) -> None:
        if getattr(self._local, "txn", None) is not None:  # inside a transaction: its writes
            super().append_with(log, entry, maxlen, docs)
            return
        with self._guard():
            if not isinstance(entry.get("id"), int):
                entry = {"id": self.next_seq(f"log:{log}"), **entry}
            commands: list[tuple[Any, ...]] = [
                ("MULTI",), ("RPUSH", self._k("l", log), orjson.dumps(entry)),
                ("LTRIM", self._k("l", log), -maxlen, -1)]
            for ns, key, doc in docs:
                if doc is None:
                    commands.append(("HDEL", self._k("d", ns), key))
                else:
                    commands.append(("HSET", self._k("d", ns), key, orjson.dumps(resolved(doc))))
            commands.append(("EXEC",))
            self._send_unanswered(commands)

    def _connection(self) -> Any:
        """An idle connection of the request path: taken and given back by ``list.pop`` and
        ``append`` (atomic), because redis-py's command path (pool bookkeeping, retry and
        metrics wrappers, per-argument checks) costs more CPU than the round trip itself."""
        self._after_fork()
        try:
            return self._idle.pop()
        except IndexError:
            pool = self._client.connection_pool
            return pool.connection_class(**pool.connection_kwargs)

    def _after_fork(self) -> None:
        """A forked worker never uses its parent's sockets nor reads its parent's replies."""
        if self._pid != os.getpid():
            self._idle, self._unanswered, self._pid = [], [], os.getpid()
            self._unanswered_lock = threading.Lock()

    def _call(self, *command: Any) -> Any:
        """One command, one round trip. A broken connection (Redis restarted since it was
        last used) is replaced and the command sent once more, as redis-py's retry does."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.send_packed_command(_packed(conn, command))
                reply = conn.read_response()
            except ResponseError:
                self._idle.append(conn)  # the error was the reply: the connection is clean
                raise
            except (RedisConnectionError, OSError) as exc:
                conn.disconnect()
                self._idle.append(conn)  # reconnects when next used
                if attempt == 2:
                    raise RedisConnectionError(str(exc)) from exc
                continue
            except RedisError:  # a timeout: the reply may still come, never read it as another's
                conn.disconnect()
                self._idle.append(conn)
                raise
            self._idle.append(conn)
            return reply
        raise AssertionError("unreachable")

    def _script(self, script: Script, keys: list[str], args: list[str]) -> Any:
        try:
            return self._call("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:  # a Redis that restarted, or another server: load it
            script.sha = self._client.script_load(script.script)
            return self._call("EVALSHA", script.sha, len(keys), *keys, *args)

    def _send_unanswered(self, commands: list[tuple[Any, ...]]) -> None:
        """Send ``commands`` (one MULTI/EXEC, one round trip) without waiting for the replies:
        the request's answer does not wait for its journal write. The replies are read before
        this process's next store step (``_settle``), so what it reads next sees the write;
        other processes see it once Redis has run it, as they would a reply earlier."""
        conn = self._connection()
        try:
            conn.send_packed_command([b"".join([chunk for c in commands for chunk in _packed(conn, c)])])
        except BaseException:
            conn.disconnect()
            self._idle.append(conn)
            raise
        with self._unanswered_lock:
            self._unanswered.append(_Unanswered(conn, len(commands)))

    def _settle(self) -> None:
        """Read the replies of every write sent unanswered, giving their connections back. A
        write that failed is logged (a journal write's failure never failed its request)."""
        self._after_fork()
        with self._unanswered_lock:
            for sent in self._unanswered:
                try:
                    for _ in range(sent.replies):
                        try:
                            sent.conn.read_response()
                        except ResponseError as exc:
                            log.warning("redis: a journal write failed: %s", exc)
                except (RedisError, OSError) as exc:
                    sent.conn.disconnect()
                    log.warning("redis: a journal write got no answer: %s", exc)
                finally:
                    self._idle.append(sent.conn)
            self._unanswered.clear()

    def tail(self, log: str, limit: int | None = None, since_id: int | None = None) -> list[Doc]:
        if limit is not None and limit <= 0:
            return []
        if since_id is not None:
            entries = self._newer(log, since_id)
        else:
            with self._guard():
                raw = self._client.lrange(self._k("l", log), 0, -1)
            entries = sorted((orjson.loads(r) for r in raw), key=lambda e: e["id"])
        if limit is not None:
            entries = entries[-limit:]
        return entries

    def clear_log(self, log: str) -> None:
        with self._guard():
            self._client.delete(self._k("l", log))

    def _newer(self, log: str, since_id: int) -> list[Doc]:
        """Entries above ``since_id`` read from the list's end in growing chunks: a poller
        that keeps up fetches one small chunk, not the whole log."""
        chunk = 4 * SINCE_SLACK
        while True:
            with self._guard():
                raw = self._client.lrange(self._k("l", log), -chunk, -1)
            newest_first = [orjson.loads(r) for r in reversed(raw)]
            older = sum(1 for e in newest_first if e["id"] <= since_id)
            if len(raw) < chunk or older >= SINCE_SLACK:
                return sorted(newer_than(newest_first, since_id), key=lambda e: e["id"])
            chunk *= 4

    # -- clock -----------------------------------------------------------------------------
    def load_clock(self) -> ClockState | None:
        with self._guard():
            raw: list[bytes | None] = self._client.hmget(self._k("clock"), "frozen", "at", "offset")  # type: ignore[assignment]
        if raw[0] is None:
            return None
        return ClockState(raw[0] == b"1", int(raw[1] or 0), int(raw[2] or 0))

    def save_clock(self, state: ClockState) -> None:
        with self._guard():
            self._client.hset(self._k("clock"), mapping={
                "frozen": "1" if state.frozen else "0", "at": state.frozen_at_us,
                "offset": state.offset_us})

    def move_clock(self, move: ClockMove) -> ClockState | None:
        real = move.real_us
        freeze = "" if move.freeze is None else "1" if move.freeze else "0"
        if move.set_us is not None:
            args = [freeze, "set", str(move.set_us), str(move.set_us - real)]
        else:
            args = [freeze, "add", str(move.advance_us), str(real)]
        args += [str(MIN_US), str(MAX_US), str(MIN_US - real), str(MAX_US - real)]
        with self._guard():
            out = self._script(self._move_clock_script, [self._k("clock")], args)
        if not out:
            return None
        if out[0] == b"range":
            raise out_of_range()
        return ClockState(out[0] == b"1", int(out[1]), int(out[2]))

    # -- lifecycle -------------------------------------------------------------------------
    def wipe(self, keep_clock: bool = False, keep_seqs: Callable[[str], bool] | None = None) -> None:
        keep = {self._k("seq"), self._k("hitseq")}
        if keep_clock:
            keep.add(self._k("clock"))
        with self._guard():
            if keep_seqs is not None:
                names = [n.decode() for n in self._client.hkeys(self._k("seq"))]  # type: ignore[union-attr]
                restart = [name for name in names if not keep_seqs(name)]
                if restart:
                    self._client.hdel(self._k("seq"), *restart)
            batch = [k for k in self._client.scan_iter(match=glob_escape(self._root) + ":*", count=1000)
                     if k.decode() not in keep]
            for start in range(0, len(batch), 500):
                self._client.delete(*batch[start:start + 500])

    def health(self) -> tuple[bool, str]:
        try:
            self._client.ping()
        except RedisError as exc:
            return False, f"redis unreachable: {exc}"
        return True, "ok"

    def close(self) -> None:
        self._settle()
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.disconnect()
        self._client.close()

    def describe(self) -> dict[str, Any]:
        return {"url": self.url, "prefix": self.prefix}
