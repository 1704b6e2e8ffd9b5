"""The fault engine: ``sim.faults`` while a scenario is active.

When a fault acts, in CJ's own order of things:

* ``before`` (after the path and online checks, before any limit): every fault counts the
  call if its path/method/account/time filters hold, and the gateway-level actions run --
  ``delay_ms``, ``revoke_tokens``, ``reset_connection``, ``offline``, a raw ``body`` or a
  bare ``http_status``. The limits
  never see these calls: the gateway failed in front of them.
* ``admitted`` (the limits counted the call): a CJ ``code``. The gateway let the call in,
  the backend failed -- so an injected 1600000 still counts toward the daily limit, as the
  1,001st call of the day gets the daily sentence whatever was injected before it.
* ``after`` (the handler ran): ``false_negative`` (the order exists, the answer says
  1603000) and ``truncate_body`` of the real answer.

All state -- the active layers, per-fault call and fire counters, timeline progress -- is in
the store, so worker processes sharing a store share a scenario. The engine only caches the
compiled form of the store's current version.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from cjsim import jsonenc
from cjsim.call import presented_token
from cjsim.clock import iso, parse_instant
from cjsim.envelope import failure, success
from cjsim.errors import CJError
from cjsim.pipeline import JSON_HEADERS
from cjsim.scenario import answers
from cjsim.scenario.errors import Lines
from cjsim.scenario.loader import load_document
from cjsim.scenario.model import Action, Fault, Scenario, Step

if TYPE_CHECKING:
    from cjsim.call import Call
    from cjsim.simulator import Simulator

log = logging.getLogger("cjsim")

NS = "scenario"
COUNTERS = "scenario_faults"
TIMELINE = "scenario_timeline"
EFFECT_NOTE = "_scenarioEffect"
ANSWER_KEYS = frozenset({"code", "message", "http_status", "body", "content_type",
                         "reset_connection", "offline", "false_negative"})
_DEFAULTS = Action()


# -- the compiled form of one store version ------------------------------------------------
@dataclass(frozen=True)
class Layer:
    scenario: Scenario
    origin_us: int  # relative times count from here (clock.start, or when it was applied)

    def steps(self) -> list[tuple[int, Step]]:
        resolved = [(s.at.resolve(self.origin_us), s) for s in self.scenario.timeline]
        return sorted(resolved, key=lambda pair: pair[0])  # stable: file order on ties


@dataclass(frozen=True)
class LiveFault:
    index: int
    layer: str
    fault: Fault
    window: tuple[int, int] | None  # between, resolved


@dataclass(frozen=True)
class Compiled:
    version: int
    layers: tuple[Layer, ...]
    faults: tuple[LiveFault, ...]
    steps: tuple[tuple[tuple[int, Step], ...], ...]  # per layer, in time order
    seed: int

    @classmethod
    def of(cls, version: int, layers: Sequence[Layer], default_seed: int) -> Compiled:
        faults: list[LiveFault] = []
        for layer in layers:
            for fault in layer.scenario.faults:
                window = None
                if fault.match.between is not None:
                    start_ref, end_ref = fault.match.between
                    start = start_ref.resolve(layer.origin_us)
                    window = (start, end_ref.resolve(start))
                faults.append(LiveFault(len(faults), layer.scenario.name, fault, window))
        seeds = [layer.scenario.seed for layer in layers if layer.scenario.seed is not None]
        return cls(version, tuple(layers), tuple(faults),
                   tuple(tuple(layer.steps()) for layer in layers),
                   seeds[-1] if seeds else default_seed)


@dataclass
class Effect:
    """The merged action of every fault that matched one call, and who gave each key."""

    action: Action
    sources: dict[str, int] = field(default_factory=dict)
    window_end: int | None = None

    def fired(self, *keys: str) -> set[int]:
        return {self.sources[k] for k in keys if k in self.sources}


def merge(matched: Sequence[LiveFault]) -> Effect:
    """Later faults override earlier ones key by key; a new answer replaces the old one."""
    values: dict[str, Any] = {}
    sources: dict[str, int] = {}
    window_end = None
    for live in matched:
        given = {f.name: getattr(live.fault.action, f.name) for f in fields(Action)
                 if getattr(live.fault.action, f.name) != getattr(_DEFAULTS, f.name)}
        if ANSWER_KEYS & set(given):
            for key in ANSWER_KEYS:
                values.pop(key, None)
                sources.pop(key, None)
        values.update(given)
        sources.update(dict.fromkeys(given, live.index))
        if "offline" in given and live.window is not None:
            window_end = live.window[1]
    return Effect(replace(_DEFAULTS, **values), sources, window_end)


def roll(seed: int, index: int, call_number: int) -> float:
    """A uniform number in [0, 1) fixed by (seed, fault, call): reproducible, stateless."""
    digest = hashlib.blake2b(f"{seed}:{index}:{call_number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class ScenarioFaults:
    """``sim.faults`` with scenarios: see the module docstring for when each action acts."""

    def __init__(self, sim: Simulator, scenarios: Sequence[Scenario] = ()) -> None:
        self.sim = sim
        self._layers: list[Scenario] = list(scenarios)  # for seeding a fresh or reset store
        self._cache: Compiled | None = None
        self._lock = threading.Lock()

    # -- the layers in the store ----------------------------------------------------------
    def _current(self) -> Compiled | None:
        doc = self.sim.store.get(NS, "version")
        cached = self._cache
        if doc is None:  # a store being reset: keep what we had
            return cached if cached is not None and cached.layers else None
        if cached is not None and cached.version == doc["version"]:
            return cached if cached.layers else None
        with self._lock:
            layers_doc = self.sim.store.get(NS, "layers")
            if layers_doc is None:
                return None
            layers = tuple(
                Layer(load_document(item["raw"], item["source"], Lines()), item["originUs"])
                for item in layers_doc["layers"])
            compiled = Compiled.of(layers_doc["version"], layers, self.sim.seed or 0)
            self._cache = compiled
        return compiled if compiled.layers else None

    def sync_profile(self) -> None:
        """Rebuild the limits from the stored layers (layers another worker added)."""
        from cjsim.scenario.apply import layered_profile

        compiled = self._current()
        if compiled is None:
            return
        profile = self.sim.base_profile
        problems: list[Any] = []
        for layer in compiled.layers:
            profile = layered_profile(profile, layer.scenario, problems)
        if not problems:
            self.sim.profile = profile

    def _write(self, layers: Sequence[Layer]) -> Compiled:
        store = self.sim.store
        version = store.next_seq("scenario-version")
        with store.transaction() as tx:
            tx.put(NS, "layers", {"version": version, "layers": [
                {"raw": dict(layer.scenario.raw), "source": layer.scenario.source,
                 "originUs": layer.origin_us} for layer in layers]})
            tx.put(NS, "version", {"version": version})
        compiled = Compiled.of(version, layers, self.sim.seed or 0)
        self._cache = compiled
        return compiled

    # -- lifecycle ------------------------------------------------------------------------
    def on_seed(self) -> None:
        """A fresh (or just reset) store: write the layers, each from its own start."""
        from cjsim.scenario.apply import apply_seed_state

        compiled = self._cache
        scenarios = [layer.scenario for layer in compiled.layers] if compiled else self._layers
        now = self.sim.clock.now_us()
        layers = []
        for scenario in scenarios:
            start = scenario.clock.start
            layers.append(Layer(scenario, parse_instant(start) if start else now))
            apply_seed_state(self.sim, scenario, now)
        self._write(layers)

    def add(self, scenarios: Sequence[Scenario]) -> None:
        """Put new layers on top (the control API); their relative times start now."""
        compiled = self._current()
        layers = list(compiled.layers) if compiled else []
        now = self.sim.clock.now_us()
        for scenario in scenarios:
            start = scenario.clock.start
            layers.append(Layer(scenario, parse_instant(start) if start else now))
        self._layers = [layer.scenario for layer in layers]
        self._write(layers)

    def clear(self) -> None:
        """No more faults or timeline; settings already applied stay as they are."""
        self._layers = []
        self._write([])
        with self.sim.store.transaction() as tx:
            for key, _ in tx.items(COUNTERS):
                tx.delete(COUNTERS, key)
            for key, _ in tx.items(TIMELINE):
                tx.delete(TIMELINE, key)

    # -- the timeline ---------------------------------------------------------------------
    def tick(self, now_us: int | None = None) -> list[Step]:
        """Apply the timeline steps due by now, each once (also across processes).

        ``Simulator.tick`` calls this at the start of every CJ request (before the online
        check, so a step taking an interface offline at T answers the request at T) and
        after the control API moves the clock."""
        compiled = self._current()
        if compiled is None:
            return []
        now = self.sim.clock.now_us() if now_us is None else now_us
        store = self.sim.store
        due: list[tuple[int, int, Step]] = []
        for index, steps in enumerate(compiled.steps):
            if not steps:
                continue
            key = str(index)
            doc = store.get(TIMELINE, key)
            done = doc["next"] if doc else 0
            if done >= len(steps) or steps[done][0] > now:
                continue
            with store.transaction() as tx:
                doc = tx.get(TIMELINE, key)
                done = doc["next"] if doc else 0
                upto = done
                while upto < len(steps) and steps[upto][0] <= now:
                    upto += 1
                if upto > done:
                    tx.put(TIMELINE, key, {"next": upto})
            due.extend((at, index, step) for at, step in steps[done:upto])
        due.sort(key=lambda item: (item[0], item[1]))
        for at, index, step in due:
            self._apply_step(at, step, compiled.steps[index])
        return [step for _, _, step in due]

    def _apply_step(self, at: int, step: Step, layer_steps: Sequence[tuple[int, Step]]) -> None:
        sim = self.sim
        targets = self._targets(step.account)
        if step.changes:
            for open_id in targets:
                try:
                    sim.accounts.update(open_id, step.changes)
                except KeyError:
                    log.warning("scenario timeline: account %s is gone", open_id)
        for path in step.offline:
            # offline until this layer's next "online" step for the path: the window is in
            # the store, so the request that crosses its end is online without waiting for us
            end = next((t for t, s in layer_steps if t > at and path in s.online), None)
            sim.interfaces.set_offline(path, True, start_us=at, end_us=end)
        for path in step.online:
            sim.interfaces.set_offline(path, False)
        owners: list[int | None] = list(targets) if step.account is not None else [None]
        for owner in owners if step.expire_tokens else []:
            sim.tokens.expire_all(at, owner)
        for owner in owners if step.revoke_tokens else []:
            sim.tokens.revoke_all(owner)
        for pid, change in step.products.items():
            try:
                sim.change_product(pid, change)
            except (LookupError, ValueError) as exc:  # a pid of another catalogue
                log.warning("scenario timeline: product %s not changed: %s", pid, exc)

    def _targets(self, ref: str | int | None) -> list[int]:
        accounts = self.sim.accounts
        if ref is None:
            return [a.open_id for a in accounts.all()]
        if isinstance(ref, int):
            return [ref] if accounts.get(ref) is not None else []
        found = accounts.by_email(ref)
        return [found.open_id] if found is not None else []

    # -- the request hooks --------------------------------------------------------------------
    def before(self, call: Call) -> None:
        compiled = self._current()
        if compiled is None:
            return
        caller = _Caller(self.sim, call)
        matched = [live for live in compiled.faults
                   if self._selects(live, call, caller, compiled.seed)]
        if not matched:
            return
        effect = merge(matched)
        call.notes[EFFECT_NOTE] = effect
        self._gateway(call, effect)

    def _selects(self, live: LiveFault, call: Call, caller: _Caller, seed: int) -> bool:
        match = live.fault.match
        if match.path is not None:
            if not (fnmatchcase(call.path, match.path) if match.glob else call.path == match.path):
                return False
        if match.methods and call.method not in match.methods:
            return False
        if live.window is not None and not live.window[0] <= call.now_us < live.window[1]:
            return False
        if match.account is not None and not caller.is_(match.account):
            return False
        number = self._count(live.index)
        if match.calls and number not in match.calls:
            return False
        if match.every is not None and number % match.every:
            return False
        if match.after is not None and number <= match.after:
            return False
        return match.probability is None or roll(seed, live.index, number) < match.probability

    def _count(self, index: int) -> int:
        with self.sim.store.transaction() as tx:
            doc = tx.get(COUNTERS, str(index)) or {"calls": 0, "fired": 0}
            number = int(doc["calls"]) + 1
            tx.put(COUNTERS, str(index), {**doc, "calls": number})
        return number

    def _fired(self, call: Call, indexes: set[int]) -> None:
        """Count each fault once per call, however many of its keys acted."""
        noted: list[int] = call.notes.get("fault", [])
        new = sorted(i for i in indexes if i not in noted)
        if not new:
            return
        with self.sim.store.transaction() as tx:
            for index in new:
                doc = tx.get(COUNTERS, str(index)) or {"calls": 0, "fired": 0}
                tx.put(COUNTERS, str(index), {**doc, "fired": int(doc["fired"]) + 1})
        call.notes["fault"] = sorted([*noted, *new])  # the journal shows which faults acted

    def _gateway(self, call: Call, effect: Effect) -> None:
        action, sim = effect.action, self.sim
        if action.delay_ms:
            self._fired(call, effect.fired("delay_ms"))
            time.sleep(action.delay_ms / 1000)  # real time, by design: latency is wall time
        if action.revoke_tokens:
            self._fired(call, effect.fired("revoke_tokens"))
            open_id = _Caller(sim, call).open_id()
            sim.tokens.revoke_all(open_id)
        if action.reset_connection:
            self._fired(call, effect.fired("reset_connection"))
            call.notes["reason"] = "fault:reset-connection"
            raise answers.reset(getattr(call.headers, "environ", {}))  # werkzeug's EnvironHeaders
        if action.offline:
            self._fired(call, effect.fired("offline"))
            end = call.now_us + action.offline if not isinstance(action.offline, bool) \
                else effect.window_end
            sim.interfaces.set_offline(call.path, True, start_us=call.now_us, end_us=end)
            raise CJError(1600100, reason="fault:offline")
        if action.body is not None or (action.http_status is not None and action.code is None
                                       and not action.false_negative):
            self._fired(call, effect.fired("body", "http_status", "content_type", "truncate_body"))
            call.notes["reason"] = "fault:raw-body"
            raise answers.raw_body(action.http_status or 200, action.body or b"",
                                   action.content_type, _keep(action, action.body or b""))

    def admitted(self, call: Call) -> None:
        effect: Effect | None = call.notes.get(EFFECT_NOTE)
        if effect is None or effect.action.code is None:
            return
        action, code = effect.action, effect.action.code
        self._fired(call, effect.fired("code", "message", "http_status", "truncate_body"))
        error = CJError(code, message=action.message, http_status=action.http_status or 200,
                        reason="fault:code")
        self._answer_error(call, error, action)

    def after(self, call: Call, data: Any) -> Any:
        effect: Effect | None = call.notes.get(EFFECT_NOTE)
        if effect is None:
            return data
        action = effect.action
        if action.false_negative:
            self._fired(call, effect.fired("false_negative", "message", "http_status", "truncate_body"))
            error = CJError(1603000, message=action.message, http_status=action.http_status or 200,
                            reason="fault:false-negative")
            self._answer_error(call, error, action)
        if action.truncate_body is not None:
            self._fired(call, effect.fired("truncate_body"))
            call.notes["reason"] = "fault:truncated"
            body = jsonenc.dumps(success(data, self.sim.request_id(call)))
            raise answers.cut_body(200, body, list(JSON_HEADERS), _keep(action, body), code=200)
        return data

    def _answer_error(self, call: Call, error: CJError, action: Action) -> None:
        if action.truncate_body is None:
            raise error
        call.notes["reason"] = "fault:truncated"
        payload = failure(error, self.sim.request_id(call), self.sim.profile.catalogue)
        body = jsonenc.dumps(payload)
        raise answers.cut_body(error.http_status, body, list(JSON_HEADERS), _keep(action, body),
                               code=error.code)

    # -- reporting ------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """The control API's view: active layers, every fault with its counters, the timeline."""
        compiled = self._current()
        if compiled is None:
            return {"active": [], "faults": [], "timeline": []}
        counters = dict(self.sim.store.items(COUNTERS))
        faults = []
        for live in compiled.faults:
            doc = counters.get(str(live.index), {})
            faults.append({"index": live.index, "scenario": live.layer,
                           "match": dict(live.fault.raw["match"]),
                           "action": dict(live.fault.raw["action"]),
                           "fired": int(doc.get("fired", 0)), "calls": int(doc.get("calls", 0))})
        timeline = []
        for index, (layer, steps) in enumerate(zip(compiled.layers, compiled.steps)):
            progress = self.sim.store.get(TIMELINE, str(index))
            done = progress["next"] if progress else 0
            for position, (at, step) in enumerate(steps):
                timeline.append({"scenario": layer.scenario.name, "at": iso(at),
                                 "step": dict(step.raw), "applied": position < done})
        return {"active": [layer.scenario.name for layer in compiled.layers],
                "faults": faults, "timeline": timeline}


def _keep(action: Action, body: bytes) -> int | None:
    if action.truncate_body is None:
        return None
    if action.truncate_body is True:
        return len(body) // 2
    return int(action.truncate_body)


class _Caller:
    """Who is calling, found lazily from the token header (only an account filter asks)."""

    def __init__(self, sim: Simulator, call: Call) -> None:
        self.sim = sim
        self.call = call
        self._open_id: int | None = None
        self._looked = False

    def open_id(self) -> int | None:
        if not self._looked:
            self._looked = True
            token = presented_token(self.call.headers)
            if token:
                try:
                    self._open_id = self.sim.tokens.authenticate(token, self.call.now_us).open_id
                except CJError:
                    self._open_id = None
        return self._open_id

    def is_(self, ref: str | int) -> bool:
        open_id = self.open_id()
        if open_id is None:
            return False
        if isinstance(ref, int):
            return open_id == ref
        account = self.sim.accounts.get(open_id)
        return account is not None and account.email.lower() == ref
