"""The Simulator: one object that holds a simulated CJ -- clock, store, profile, accounts,
tokens, catalogue, journal -- and its WSGI app. No module-level state: two simulators in
one process never meet.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cjsim.clock import Clock, ClockMove, ClockState, IsoWriter, iso
from cjsim.domain.accounts import Account, Accounts, iter_account_specs
from cjsim.domain.delivery import LOG as DELIVERY_LOG
from cjsim.domain.ids import Entropy, mask_secrets
from cjsim.domain.options import DomainOptions
from cjsim.domain.runtime import CatalogSource, Domain
from cjsim.domain.tokens import Tokens
from cjsim.faults import SCENARIO_VERSION, Faults, NoFaults
from cjsim.interfaces import Interfaces
from cjsim.journal import DEFAULT_BODY_BYTES, EXCHANGE, exchange, find
from cjsim.limits.engine import Limiter, Subject
from cjsim.limits.points import Points, points_rule
from cjsim.marks import request_marks
from cjsim.pipeline import JOURNAL_SEQ as JOURNAL
from cjsim.pipeline import Pipeline
from cjsim.profiles import Profile, build_profile
from cjsim.reqlog import REQUEST_LOG, cj_text
from cjsim.routes import RouteTable, default_table
from cjsim.store import Reader, Store, open_store
from cjsim.store.base import Deferred

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue
    from cjsim.scenario.apply import Sources

log = logging.getLogger("cjsim")

DEFAULT_SEED = 20260105
DEMO_EMAIL = "demo@cjsim.local"
VIOLATIONS = "violations"


# the call notes a journal entry keeps (refusedUrls: webhook URLs real CJ refuses, for the audit)
JOURNAL_NOTES = ("reason", "tokenId", "fault", "refusedUrls")


class Simulator:
    """A simulated CJ Dropshipping API 2.0.

    ``clock``: ``"system"`` follows ``time.time()`` (freezegun drives it) plus an offset;
    ``"frozen"`` moves only when told. ``seed`` makes tokens, keys and request ids
    reproducible (the catalogue is always seeded: ``catalog_seed`` or ``seed`` or a fixed
    default). ``accounts`` are seeded into a fresh store: dicts of ``Accounts.create``
    keywords, or ``EMAIL:APIKEY[:LEVEL[:verified]]`` strings. The journal keeps the last
    ``journal_size`` requests whole, each body up to ``journal_body_bytes`` (credentials
    masked); ``log_requests`` logs one line per CJ request (``cjsim.reqlog``).
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        clock: str = "system",
        start: str | datetime | None = None,
        accounts: Iterable[Mapping[str, Any] | str] = (),
        demo_account: bool = False,
        profile: str | Profile = "legacy",
        strictness: str | None = None,
        throttle_status: int | None = None,
        daily_limit: int | None = None,
        daily_tz: str | None = None,
        rules: Mapping[str, Mapping[str, Any]] | None = None,
        points_base: int | None = None,
        webhook_url_policy: str | None = None,
        store: str | Store | None = None,
        store_prefix: str = "cjsim",
        journal_size: int = 10_000,
        journal_body_bytes: int = DEFAULT_BODY_BYTES,
        log_requests: bool = False,
        violations_size: int = 10_000,
        trust_ip_header: bool = False,
        max_body_bytes: int = 1 << 20,
        admin_token: str | None = None,
        insecure_admin: bool = False,
        allow_hosts: Iterable[str] = (),
        catalog_seed: int | None = None,
        catalog: CatalogSource = None,
        webhooks: bool | None = None,
        webhook_probe: bool | None = None,
        domain_options: DomainOptions | Mapping[str, Any] | None = None,
        scenario: Sources | None = None,
        max_scenario_bytes: int = 1 << 20,
    ) -> None:
        if isinstance(max_scenario_bytes, bool) or not isinstance(max_scenario_bytes, int) \
                or max_scenario_bytes < 1:
            raise ValueError(f"max_scenario_bytes must be a positive integer, not {max_scenario_bytes!r}")
        self.max_scenario_bytes = max_scenario_bytes
        prepared = None
        if scenario is not None:  # loaded, checked and merged first: a bad one changes nothing
            from cjsim.scenario.apply import prepare

            prepared = prepare(scenario, seed=seed, clock=clock, start=start, accounts=accounts,
                               profile=profile, strictness=strictness,
                               throttle_status=throttle_status, daily_limit=daily_limit,
                               daily_tz=daily_tz, rules=rules, catalog_seed=catalog_seed,
                               known_paths=default_table().paths(),
                               max_bytes=max_scenario_bytes)
            seed, clock, start = prepared.seed, prepared.clock, prepared.start
            catalog_seed, accounts, profile = prepared.catalog_seed, prepared.accounts, prepared.profile
        if clock not in ("system", "frozen"):
            raise ValueError(f"clock must be 'system' or 'frozen', not {clock!r}")
        self.seed = seed
        self.catalog_seed = catalog_seed if catalog_seed is not None else (
            seed if seed is not None else DEFAULT_SEED)
        self.profile = profile if isinstance(profile, Profile) else build_profile(
            profile, strictness=strictness, throttle_status=throttle_status,
            daily_limit=daily_limit, daily_tz=daily_tz, rules=rules, points_base=points_base)
        if webhook_url_policy is not None:  # the argument wins over a scenario's limits
            self.profile = build_profile(self.profile.name, base=self.profile,
                                         webhook_url_policy=webhook_url_policy)
        self.store: Store = open_store(store, prefix=store_prefix)
        self._state_guard = _StateGuard(self.store, self._recover)
        self._recover_lock = threading.RLock()
        self.clock = Clock(self._state_guard, frozen=clock == "frozen", start=start)
        self.entropy = Entropy(seed, counter=lambda: self.store.next_seq("entropy"))
        if journal_size < 1:  # an empty journal would make every audit "clean" about nothing
            raise ValueError(f"journal_size must be >= 1, not {journal_size}")
        self.journal_size = journal_size
        if isinstance(journal_body_bytes, bool) or not isinstance(journal_body_bytes, int) \
                or journal_body_bytes < 0:
            raise ValueError(f"journal_body_bytes must be an int >= 0, not {journal_body_bytes!r}")
        self.journal_body_bytes = journal_body_bytes  # of each body the journal keeps (0: none)
        # one INFO line per CJ request on the "cjsim.requests" logger (cjsim serve: on)
        self.log_requests = log_requests
        # mixed into seeded request ids: the pytest plugin sets the test's id, so two tests with
        # one seed never share a request id (a --cj-report names each request once)
        self.request_scope = ""
        self.violations_size = violations_size
        self.trust_ip_header = trust_ip_header
        self.max_body_bytes = max_body_bytes
        # the control API: loopback callers only, unless a token is set (then it is required
        # from everyone) or the user explicitly opened it (cjsim/control/access.py)
        self.admin_token = admin_token
        self.insecure_admin = insecure_admin
        # Host names the control API answers for besides localhost and the bound address
        from cjsim.control.access import normalize_allowed_hosts

        self.allow_hosts = normalize_allowed_hosts(allow_hosts)
        self.routes: RouteTable = default_table()
        self.accounts = Accounts(self.store, self.entropy)
        # the CJ shop: lazy catalogue, orders on the clock, webhooks (cjsim/domain/runtime.py)
        self.domain = Domain(self.store, self.clock.now_us, DomainOptions.build(
            domain_options, deliveries=webhooks, probe=webhook_probe),
            catalog_seed=self.catalog_seed, catalog=catalog, seed=seed)
        self.tokens = Tokens(self.store, self.entropy)
        self.interfaces = Interfaces(self.store)
        self.limiter = Limiter(lambda: self.profile, self.store)
        self.points = Points(self.store, lambda: self.profile, self._paid_orders)
        self.faults: Faults = NoFaults() if prepared is None else prepared.engine(self)
        self.base_profile = self.profile  # what scenario layers are put on
        self._scenario_check_at = 0.0
        self._scenario_version: int | None = None
        self.pipeline = Pipeline(self)
        self._account_specs = [_account_kwargs(a) for a in accounts]
        # keys this process seeded (openId -> key; in memory only, the store keeps digests),
        # and those of them it generated: the banner and the reset answer show these in full
        self.seeded_keys: dict[int, str] = {}
        self.generated_keys: dict[int, str] = {}
        if demo_account and not self._account_specs:
            self._account_specs = [{"email": DEMO_EMAIL}]
        # False when a durable store already held a seeded state: it is resumed as it was
        self.resumed = not self.store.claim_seed()
        if not self.resumed:
            self._seed_state()
        else:  # another worker may be seeding this store right now: serve once it is done
            self._await_seed()
        self._state_guard.armed = True  # from now on a missing clock means lost state
        from cjsim.app import create_app

        self.app = create_app(self)
        self.app.before_request(self._control_state_check)

    # -- lifecycle -----------------------------------------------------------------------
    def _seed_state(self) -> None:
        """Create the configured accounts (the store was just claimed for seeding)."""
        try:
            self.generated_keys, self.seeded_keys = {}, {}
            for spec in self._account_specs:
                account = self.accounts.create(**spec)
                if account.api_key is not None:
                    self.seeded_keys[account.open_id] = account.api_key
                    if not spec.get("api_key"):
                        self.generated_keys[account.open_id] = account.api_key
            self.faults.on_seed()  # a scenario's layers and state (callsToday) in the store
            self.store.seed_done()
        except Exception:
            self.store.unclaim_seed()
            raise

    def _await_seed(self, limit_s: float = 30.0) -> None:
        """Wait (wall time: worker start-up, not simulated time) until the worker that claimed
        the seed has created the configured accounts, so no worker answers a configured key
        with 1600001 during start-up."""
        deadline = time.monotonic() + limit_s
        while not self.store.seed_complete():
            if time.monotonic() > deadline:
                log.warning("the store's start state is still being seeded after %.0f s; serving anyway",
                            limit_s)
                return
            time.sleep(0.02)

    # -- lost state (Redis restarted without persistence, FLUSHALL) -----------------------
    def ensure_state(self, direct: bool = False) -> None:
        """Re-create the start state now if the store lost it (the clock is the sentinel:
        written before anything else and never absent otherwise, reset included).
        ``direct``: ask the store itself, not a layer over the clock (freezegun's)."""
        if direct:
            self._state_guard.load_clock()
        else:
            _ = self.clock.state

    def primed_clock(self, state: ClockState) -> AbstractContextManager[None]:
        """The clock's next read on this thread takes ``state``, read already with a
        request's opening (``Store.open_call``), instead of reading the store again."""
        return self._state_guard.primed(state)

    def _control_state_check(self) -> None:
        """Control calls may read state before the clock (GET /accounts): check first.
        Health does its own check, so an unreachable store stays its 503 "degraded"."""
        from flask import request

        if request.path != "/__cjsim/health":
            self.ensure_state()

    def _recover(self) -> ClockState:
        """The store answered but the clock was gone: everything else is gone too. Put back
        the clock (where this process last saw it, so simulated time does not jump back; the
        configured start if it never saw one) and the configured accounts, and record it for
        health. Several workers may notice at once: the store's seed claim lets one seed."""
        with self._recover_lock:
            state = self.store.load_clock()
            if state is not None:  # another thread or worker recovered meanwhile
                return state
            last = self._state_guard.last
            if last is not None:
                self.store.save_clock(last)
            else:
                self.clock.reset()
            state = self.store.load_clock()
            assert state is not None
            self.entropy.reset()
            seeded = self.store.claim_seed()
            if seeded:
                self._seed_state()
            now = self.clock.now_us()
            detail = (f"the store ({self.store.url}) lost the simulator's state (a Redis restart "
                      "without persistence or a FLUSHALL?); the clock and the configured "
                      "accounts were re-created, tokens, orders and counters are gone")
            self.store.put("meta", "recovered", {"at": iso(now), "detail": detail})
            log.warning("%s; clock at %s, %d account(s) re-created", detail, iso(now),
                        len(self._account_specs) if seeded else 0)
            return state

    def recovery(self) -> dict[str, Any] | None:
        """The last recovery from lost state since the last reset (health shows it)."""
        return self.store.get("meta", "recovered")

    def reset(self) -> None:
        """Back to the start: configured accounts, fresh counters, tokens, journal. Under a
        seed the accounts get the openIds and apiKeys they had at start (the id and key
        sequences restart); the logs' ids keep counting, so a reader polling ``since`` an id
        misses nothing. The clock is overwritten, never absent (absent means lost state)."""
        self.domain.reset()  # queued webhook deliveries belong to the state being wiped
        self.store.wipe(keep_clock=True, keep_seqs=_counts_across_reset)
        self.entropy.reset()
        self.clock.reset()
        self.generated_keys, self.seeded_keys = {}, {}
        if self.store.claim_seed():
            self._seed_state()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)

    def close(self) -> None:
        """Stop the background threads (order ticker, webhook worker) and close the store."""
        self.domain.close()
        self.store.close()

    # -- the CJ shop (cjsim/domain/runtime.py) ---------------------------------------------
    @property
    def catalogue(self) -> Catalogue:
        """The product catalogue, built from ``catalog_seed`` on first use (or the pinned one)."""
        return self.domain.catalogue

    def change_product(self, pid: str, change: Mapping[str, Any]) -> dict[str, Any]:
        """Change the catalogue from a test: ``{"onShelf": bool, "sellPrice": x, "variants":
        {vid: {"onShelf": bool, "sellPrice": x, "stock": {"US" or storageId: units}}}}``.

        The next answers reflect it, in every worker on this store, until :meth:`reset`.
        ValueError for a bad change, LookupError for an unknown pid. Returns the product's
        accumulated change (see ``cjsim/domain/catalogue/changes.py``). Its PRODUCT, VARIANT
        and STOCK messages go to the product's subscribers (webhook/product/subscribe)."""
        return self.domain.change_product(pid, change)

    def add_private_stock(self, open_id: int, vid: str, storage: str, units: int) -> dict[str, Any]:
        """Give an account private inventory: ``units`` of ``vid`` in a storage (its id) or a
        warehouse country's main storage (``"US"``); negative units take some away. Orders of
        that account draw these units first (``cjsim/domain/private_stock.py``)."""
        if self.accounts.get(open_id) is None:
            raise LookupError(f"no account with openId {open_id}")
        return self.domain.private.add(open_id, vid, storage, units, self.clock.now_us())

    def tick(self, now_us: int | None = None, read: Reader | None = None,
             follow_scenarios: bool | None = None) -> int:
        """Send the webhooks the clock made due; cheap when nothing is. Returns messages made.
        ``read``: a request's already-read documents; ``follow_scenarios``: whether to look
        at the shared scenario version now (None: when ``scenario_check_due`` says so)."""
        if follow_scenarios is None:
            follow_scenarios = self.scenario_check_due()
        if follow_scenarios:
            self._follow_shared_scenarios(read)
        self.faults.tick(now_us)  # scenario timeline steps the clock made due
        return self.domain.tick(now_us, read)

    def scenario_check_due(self) -> bool:
        """Whether to look at the shared scenario version now (twice a second at most, so a
        process without scenarios pays nothing per request); True starts the next wait."""
        now = time.monotonic()
        if now < self._scenario_check_at:
            return False
        self._scenario_check_at = now + 0.5
        return True

    def _follow_shared_scenarios(self, read: Reader | None = None) -> None:
        """Another worker on this store may have loaded a scenario (POST /__cjsim/scenario):
        take up its faults and limits."""
        doc = (read or self.store.get)(*SCENARIO_VERSION)
        if doc is None or doc.get("version") == self._scenario_version:
            return
        self._scenario_version = doc.get("version")
        from cjsim.scenario.engine import ScenarioFaults

        engine = self.faults if isinstance(self.faults, ScenarioFaults) else ScenarioFaults(self)
        self.faults = engine
        engine.sync_profile()

    # -- accounts --------------------------------------------------------------------------
    def remember_account(self, spec: Mapping[str, Any]) -> None:
        """Seed this account (``Accounts.create`` keywords) on every ``reset()`` from now on:
        it replaces the seed entry with the same e-mail, or joins the list."""
        email = str(spec.get("email", "")).lower()
        for i, known in enumerate(self._account_specs):
            if str(known.get("email", "")).lower() == email:
                self._account_specs[i] = {**known, **spec}
                return
        self._account_specs.append(dict(spec))

    def account(self, email: str | None = None, api_key: str | None = None, **options: Any) -> Account:
        """Create an account (tests and the control API)."""
        if email is None:
            email = f"user{self.store.next_seq('auto-email')}@cjsim.local"
        return self.accounts.create(email, api_key, **options)

    def effective_qps(self, account: Account, now_us: int | None = None) -> int | None:
        """The account's own request rate as configured (setting/get ``qpsLimit``): the
        limit of its ``account_rate`` rule (``now_us``: a request's instant, else now)."""
        now = self.clock.now_us() if now_us is None else now_us
        for planned in self.limiter.plan(self._usage_subject(account, "*", now), now):
            if planned.rule.role == "account_rate":
                return planned.limit  # the plan alone: no window needs reading
        return None

    def record_calls(self, account: Account, path: str, count: int, now_us: int, *,
                     role: str) -> None:
        """Count ``count`` calls of ``account`` to ``path`` in the windows of the rules of
        ``role`` (``"daily"``: calls made earlier today), as if they had been admitted."""
        self.limiter.record(self._usage_subject(account, path, now_us), now_us, role=role,
                            count=count)

    def _usage_subject(self, account: Account, path: str, now_us: int) -> Subject:
        return Subject("-", path, False, str(account.open_id), account.level,
                       account.verified, account.quotas,
                       self.points.conversion(account.open_id, now_us))

    def _paid_orders(self, open_id: int) -> list[tuple[int, Decimal]]:
        """(paid at, amount) of the account's paid orders not cancelled: what points convert."""
        return [(int(doc["paidUs"]), Decimal(str(doc["orderAmount"])))
                for doc in self.domain.orders.all(open_id)
                if doc.get("paidUs") is not None and doc.get("cancelledUs") is None]

    def points_usage(self, account: Account) -> dict[str, Any] | None:
        """Today's points of ``account`` (None when the profile has no points budget)."""
        now = self.clock.now_us()
        return self.points.usage(self.limiter, self._usage_subject(account, "*", now), now)

    def points_usage_possible(self) -> bool:
        return points_rule(self.profile) is not None

    def set_points(self, account: Account, used: int | None = None,
                   conversion: int | None = None) -> None:
        now = self.clock.now_us()
        if conversion is not None:
            self.points.set_conversion(account.open_id, conversion, now)
        if used is not None:
            self.points.set_used(self.limiter, self._usage_subject(account, "*", now), used, now)

    def usage(self, account: Account) -> dict[str, Any]:
        """Live usage, by the role of each rule: per-interface daily counts, quota use, the
        account's rate window and its budgets (units used of the limit)."""
        now = self.clock.now_us()
        daily, quotas, budgets, qps = [], [], [], None
        seen_budgets: set[str] = set()
        for route in self.routes:
            if route.login:
                continue
            for rule, limit, count in self.limiter.usage(self._usage_subject(account, route.path, now), now):
                role = rule.role
                if role == "daily":
                    if count:
                        daily.append({"path": route.path, "rule": rule.id, "count": count,
                                      "limit": limit, "remaining": max(0, limit - count)})
                elif role == "quota":
                    quotas.append({"quotaUrl": route.path, "rule": rule.id, "used": count,
                                   "limit": limit, "remaining": max(0, limit - count)})
                elif role == "account_rate" and qps is None:
                    qps = {"rule": rule.id, "inWindow": count, "limit": limit}
                elif role == "budget" and "interface" not in rule.scope:
                    if rule.id not in seen_budgets:  # one window for every interface
                        seen_budgets.add(rule.id)
                        budgets.append({"rule": rule.id, "used": count, "limit": limit,
                                        "remaining": max(0, limit - count)})
                elif role == "budget" and count:
                    budgets.append({"rule": rule.id, "path": route.path, "used": count,
                                    "limit": limit, "remaining": max(0, limit - count)})
        return {"daily": daily, "quotas": quotas, "qps": qps, "budgets": budgets}

    # -- journal and violations ------------------------------------------------------------
    def request_id(self, call: Any) -> str:
        rid: str | None = call.notes.get("requestId")
        if rid is None:  # the journal id is unique per store; under a seed it fixes the id
            if self.entropy.seed is None or not call.journal_id:
                rid = os.urandom(16).hex()  # secrets.token_hex(16), without its two calls
            else:
                name = f"request:{self.request_scope}" if self.request_scope else "request"
                rid = self.entropy.derived(name, call.journal_id)
        call.notes["requestId"] = rid
        return rid

    def journal_call(self, call: Any, code: int | None, status: int, request_id: str | None, *,
                     message: str | None = None, answer: bytes | None = None,
                     answer_headers: Sequence[tuple[str, str]] = (), answer_is_json: bool = False) -> None:
        """Journal one CJ request: the list entry (small, what the audit reads), and beside
        it the exchange (query, headers, bodies: masked, bounded), then its log line."""
        detail = call.notes.get("detail")
        entry = {
            "id": call.journal_id, "timeUs": call.now_us, "method": call.method,
            # a route's own path holds no credential; any other path is masked
            "path": call.path if call.route is not None else mask_secrets(call.path),
            "openId": call.account.open_id if call.account else None,
            "code": code, "status": status, "ip": call.ip, "requestId": request_id,
            "message": mask_secrets(message) if message else message, "rule": call.notes.get("rule"),
            "detail": mask_secrets(detail) if detail else None,
            # wall-clock time the server spent on it (call.started_ns: perf_counter_ns)
            "latencyUs": (time.perf_counter_ns() - call.started_ns) // 1000 if call.started_ns else 0,
        }
        if call.subject is not None and call.account is None and not call.subject.startswith("cred:"):
            entry["openId"] = int(call.subject)
        for key, value in call.notes.items():  # (a loop: a comprehension is a call of its own)
            if key in JOURNAL_NOTES:
                entry[key] = value
        entry.update(request_marks(call))  # fp + presented tokenId, digests only (cjsim.marks)
        # its document is made when read (cjsim.journal.exchange): most exchanges never are
        doc = exchange(call, status, answer, answer_headers, self.journal_body_bytes, answer_is_json)
        beside: list[tuple[str, str, Deferred | None]] = [(EXCHANGE, str(call.journal_id), doc)]
        if call.journal_id > self.journal_size:  # the exchange leaves with its entry
            beside.append((EXCHANGE, str(call.journal_id - self.journal_size), None))
        # one store step (one Redis round trip): the entry and its exchange
        self.store.append_with(JOURNAL, entry, self.journal_size, beside)
        if self.log_requests and REQUEST_LOG.isEnabledFor(logging.INFO):
            REQUEST_LOG.info("%s", cj_text(entry), extra={"cj": entry})

    def journal_entry(self, journal_id: int) -> dict[str, Any] | None:
        """The whole entry of a journal id (request and answer), None if unknown or evicted."""
        return find(self, journal_id)

    def next_journal_id(self) -> int:
        return self.store.next_seq(JOURNAL)

    def journal_entries(self, limit: int | None = None, since_id: int | None = None) -> list[dict[str, Any]]:
        """The journal as stored (``timeUs`` epoch microseconds), oldest first: the audit's input."""
        return self.store.tail(JOURNAL, limit, since_id)

    def journal(self, limit: int | None = None, since_id: int | None = None) -> list[dict[str, Any]]:
        return _public_times(self.journal_entries(limit, since_id))

    def record_violation(self, call: Any, rule_id: str, rejected: bool,
                         limit: int | None = None, used: int | None = None) -> None:
        """One refusal (or shadow hit): the rule, its effective ``limit`` for this caller and
        the units ``used`` before the call."""
        open_id = call.account.open_id if call.account else None
        if open_id is None and call.subject and not call.subject.startswith("cred:"):
            open_id = int(call.subject)
        self.store.append(VIOLATIONS, {
            "id": self.store.next_seq(VIOLATIONS), "rule": rule_id, "timeUs": call.now_us,
            "openId": open_id, "ip": call.ip, "path": call.path,
            "journalId": call.journal_id, "rejected": rejected, "limit": limit, "used": used,
        }, self.violations_size)

    def violation_entries(self, since_id: int | None = None) -> list[dict[str, Any]]:
        """The violations as stored (``timeUs``), oldest first; ``since_id`` counts violation ids."""
        return self.store.tail(VIOLATIONS, None, since_id)

    def violations(self, since_id: int | None = None) -> list[dict[str, Any]]:
        return _public_times(self.violation_entries(since_id))

    def clear_violations(self) -> None:
        self.store.clear_log(VIOLATIONS)


class _Primed:
    """``_StateGuard.primed``'s context (a class: entered on every request)."""

    __slots__ = ("local", "state")

    def __init__(self, local: threading.local, state: ClockState) -> None:
        self.local = local
        self.state = state

    def __enter__(self) -> None:
        self.local.state = self.state

    def __exit__(self, *exc: object) -> None:
        self.local.state = None


class _StateGuard:
    """The clock's state backend: the store, plus the check that its state still exists.
    Every CJ call reads the clock first, so the check costs no extra round trip."""

    def __init__(self, store: Store, on_lost: Callable[[], ClockState]) -> None:
        self.store = store
        self.on_lost = on_lost
        self.armed = False
        self.last: ClockState | None = None
        self._primed = threading.local()

    def primed(self, state: ClockState) -> _Primed:
        """The next clock read on this thread takes ``state`` (a request's opening read it
        already) instead of reading the store again; a layer above that does not read the
        store (freezegun) leaves it unused, and it is dropped on leaving."""
        return _Primed(self._primed, state)

    def load_clock(self) -> ClockState | None:
        state: ClockState | None = getattr(self._primed, "state", None)
        if state is not None:
            self._primed.state = None
        else:
            state = self.store.load_clock()
        if state is None:
            return self.on_lost() if self.armed else None
        self.last = state
        return state

    def save_clock(self, state: ClockState) -> None:
        self.store.save_clock(state)

    def move_clock(self, move: ClockMove) -> ClockState | None:
        self._primed.state = None  # a state read before the move is stale after it
        state = self.store.move_clock(move)
        if state is None and self.armed:
            self.on_lost()
            state = self.store.move_clock(move)
        if state is not None:
            self.last = state
        return state


# Sequences that number log entries (and the scenario version other workers follow): they
# keep counting across a reset. Every other sequence (openIds, key entropy, order ids, ...)
# restarts, so a seeded simulator's reset gives the ids and keys it gave at start.
_KEPT_SEQS = frozenset({JOURNAL, VIOLATIONS, DELIVERY_LOG, "scenario-version"})


def _counts_across_reset(name: str) -> bool:
    return name in _KEPT_SEQS or name.startswith("log:")


def public_time(entry: dict[str, Any]) -> dict[str, Any]:
    return _public_times([entry])[0]


def _public_times(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Log entries as the control API shows them: ``time`` (ISO) for ``timeUs``, after ``id``.
    Cheap per entry: the dashboard polls the journal twice a second under full traffic."""
    write = IsoWriter()
    out = []
    for entry in entries:
        public = {"id": entry["id"], "time": write(entry["timeUs"])}
        public.update(entry)
        del public["timeUs"]
        out.append(public)
    return out


def _account_kwargs(spec: Mapping[str, Any] | str) -> dict[str, Any]:
    if isinstance(spec, str):
        return iter_account_specs([spec])[0]
    out = dict(spec)
    if "apiKey" in out:
        out["api_key"] = out.pop("apiKey")
    if "quotaLimits" in out:
        out["quotas"] = out.pop("quotaLimits")
    if "openId" in out:
        out["open_id"] = out.pop("openId")
    return out
