"""The simulated shop of one simulator: catalogue, orders, webhooks and the ticker, wired once.

Why a separate object: the Simulator stays a thin assembly of clock, store and pipeline, and
everything the CJ domain needs lives here, reachable as ``sim.domain``. It keeps no mutable
state of its own beyond caches and threads: orders, stock, settings and deliveries are all in
the store, so SQLite or Redis can replace the memory store unchanged.

The catalogue is derived from the seed (or a pinned file), never stored, and built on the
first product call: constructing a simulator must stay cheap (see benchmarks/startup.py).
"""

from __future__ import annotations

import logging
import secrets
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from cjsim.domain import progress
from cjsim.domain.disputes import Disputes
from cjsim.domain.my_products import MyProducts
from cjsim.domain.options import DomainOptions
from cjsim.domain.orders import Orders, reserved_snapshot
from cjsim.domain.private_stock import PrivateInventory
from cjsim.domain.shops import Shops
from cjsim.domain.subscriptions import Subscriptions
from cjsim.domain.webhooks import Message, Webhooks
from cjsim.store import Reader, SpaceReader, Store

if TYPE_CHECKING:  # the catalogue module is imported on first use: `import cjsim` stays light
    from cjsim.domain.catalogue import Catalogue, Reserved

log = logging.getLogger("cjsim")

CHANGES_VERSION_NS, CHANGES_VERSION_KEY = "catalogue_meta", "version"  # = changes.VERSION_NS/KEY

CatalogSource = Union["Catalogue", str, Path, dict[str, Any], None]


def load_catalog(source: CatalogSource) -> Catalogue | None:
    """A pinned catalogue: a Catalogue, a path to its JSON file, or the parsed document."""
    if source is None:
        return None
    from cjsim.domain.catalogue import Catalogue

    if isinstance(source, Catalogue):
        return source
    if isinstance(source, dict):
        return Catalogue.from_dict(source)
    try:
        return Catalogue.from_json(source)
    except OSError as exc:
        raise ValueError(f"cannot read catalogue {source}: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"catalogue {source}: {exc}") from exc


class Domain:
    def __init__(self, store: Store, now_us: Callable[[], int], options: DomainOptions, *,
                 catalog_seed: int, catalog: CatalogSource = None, seed: int | None = None) -> None:
        self.store = store
        self.now_us = now_us
        self.options = options
        self.catalog_seed = catalog_seed
        self._catalogue = load_catalog(catalog)
        # (changes version, the catalogue it was laid over, the result)
        self._overlay: tuple[str, Catalogue, Catalogue] | None = None
        self._build_lock = threading.Lock()
        # what makes tracking numbers and messageIds reproducible under a seed
        self.salt = f"seed:{seed}" if seed is not None else secrets.token_hex(16)
        self.webhooks = Webhooks(store, now_us, options, self.salt)
        self.orders = Orders(store, lambda: self.catalogue, options, self.salt,
                             self.webhooks.send, self.ensure_ticker)
        self.private = PrivateInventory(store, lambda: self.catalogue)
        self.my_products = MyProducts(store, lambda: self.catalogue, options)
        self.disputes = Disputes(store, lambda: self.catalogue,
                                 lambda: self.options.dispute_resolve_s)
        self.shops = Shops(store)
        self.subscriptions = Subscriptions(store, lambda: self.catalogue, self.reserved)
        self._ticker: threading.Thread | None = None
        self._ticker_lock = threading.Lock()
        self._stop = threading.Event()
        if progress.pending(store):  # a durable store with orders still moving
            self.ensure_ticker()

    @property
    def catalogue(self) -> Catalogue:
        """The generated (or pinned) catalogue with the stored changes laid over it.

        One store read per access says whether the changes moved (another worker may have
        made them); the overlay is rebuilt only then."""
        built = self._catalogue
        if built is None:
            with self._build_lock:  # two first calls at once build it once
                if self._catalogue is None:
                    from cjsim.domain.catalogue import generate

                    self._catalogue = generate(self.catalog_seed)
                built = self._catalogue
        return self._with_changes(built, self.store.get)

    CHANGES_READ = (CHANGES_VERSION_NS, CHANGES_VERSION_KEY)  # a request reads it with its opening

    def catalogue_with(self, read: Reader) -> Catalogue:
        """``catalogue``, with the changes' version read by ``read`` (a request's opening)."""
        built = self._catalogue
        if built is None:
            return self.catalogue
        return self._with_changes(built, read)

    def _with_changes(self, built: Catalogue, read: Reader) -> Catalogue:
        doc = read(CHANGES_VERSION_NS, CHANGES_VERSION_KEY)
        if doc is None:
            return built
        cached = self._overlay
        if cached is not None and cached[0] == doc["version"] and cached[1] is built:
            return cached[2]
        from cjsim.domain.catalogue import changes

        overlay = changes.apply(built, dict(self.store.items(changes.NS)))
        self._overlay = (doc["version"], built, overlay)
        return overlay

    def change_product(self, pid: str, change: Any) -> dict[str, Any]:
        """Change a product's shelf status, prices or stock (``cjsim/domain/catalogue/changes.py``);
        ValueError for a bad change, LookupError for an unknown product. Returns the product's
        accumulated change. Sends PRODUCT / VARIANT / STOCK messages to subscribed accounts."""
        from cjsim.domain.catalogue import changes

        parsed = changes.parse_change(change)
        before = self.catalogue
        pid, parsed = changes.resolve(before, pid, parsed)
        with self.store.transaction() as tx:
            merged = changes.merge(tx.get(changes.NS, pid), parsed)
            tx.put(changes.NS, pid, merged)
            # a fresh token, not a sequence: sequences restart on reset, and a worker's cached
            # overlay must never match a version of before the reset
            version = f"{tx.next_seq('catalogue-version')}-{secrets.token_hex(8)}"
            tx.put(CHANGES_VERSION_NS, CHANGES_VERSION_KEY, {"version": version})
        self.product_changed(before, self.catalogue, pid, parsed, version)
        return {"pid": pid, "change": merged}

    def product_changed(self, before: Catalogue, after: Catalogue, pid: str,
                        change: dict[str, Any], version: str) -> None:
        """The hook of a catalogue change: the PRODUCT, VARIANT and STOCK messages of CJ's
        webhooks, to the product's subscribers (webhook/product/subscribe: the pid, or
        subscribeAll), each only on a topic it enabled (``product`` / ``stock``), as CJ does."""
        from cjsim.domain.product_events import change_messages

        subscribers = self.subscriptions.subscribers(pid)
        if not subscribers:
            return
        messages = change_messages(before, after, pid, change, f"catalogue:{version}",
                                   self.reserved())
        if messages:
            self.webhooks.send([replace(m, open_id=open_id)
                                for open_id in subscribers for m in messages])

    @property
    def catalogue_built(self) -> bool:
        return self._catalogue is not None

    def reserved(self, read_all: SpaceReader | None = None) -> Reserved:
        return reserved_snapshot(self.store, read_all)

    def notify_product_change(self, pid: str, *, product: Mapping[str, Any] | None = None,
                              variants: Mapping[str, Mapping[str, Any]] | None = None,
                              stock_vids: Sequence[str] = (), event: str,
                              message_type: str = "UPDATE") -> int:
        """Tell the product's subscribers (webhook/product/subscribe) what changed: PRODUCT for
        ``product``'s fields, VARIANT per ``variants[vid]``, STOCK for ``stock_vids`` (their
        levels as of now). ``event`` names the change (it makes the messageIds). Call it after
        the change committed; returns how many deliveries started."""
        return self.webhooks.send(self.subscriptions.messages(
            pid, product=product, variants=variants, stock_vids=stock_vids, event=event,
            message_type=message_type))

    # -- the clock ---------------------------------------------------------------------------
    def tick(self, now_us: int | None = None, read: Reader | None = None) -> int:
        """Send what the clock made due (orders shipped/delivered, parcels moved). Never
        raises: a request must not fail because a webhook could not be prepared."""
        try:
            now = self.now_us() if now_us is None else now_us
            due = (read or self.store.get)(progress.DUE_NS, progress.DUE_KEY)
            messages: list[Message] = progress.tick(self.store, now, read)
            if due is not None and due["dueUs"] <= now:  # disputes wake the same due time
                self.disputes.settle(now)
            if messages:
                self.webhooks.send(messages)
            return len(messages)
        except Exception:
            log.exception("cjsim: the order tick failed")
            return 0

    def ensure_ticker(self) -> None:
        """Start the background ticker if orders are moving and none runs (flowing clock, or
        an in-process ``sim.clock.advance`` with no request after it)."""
        with self._ticker_lock:
            if self._ticker is None and not self._stop.is_set():
                self._ticker = threading.Thread(
                    target=_tick_loop, args=(weakref.ref(self), self._stop,
                                             self.options.tick_interval_s),
                    name="cjsim-ticker", daemon=True)
                self._ticker.start()

    def _ticker_may_stop(self) -> bool:
        """Under the lock, so a payment that lands meanwhile sees no ticker and starts one."""
        with self._ticker_lock:
            if progress.pending(self.store) and not self._stop.is_set():
                return False
            self._ticker = None
            return True

    # -- lifecycle ---------------------------------------------------------------------------
    def reset(self) -> None:
        self.webhooks.dispatcher.cancel_pending()

    def close(self) -> None:
        self._stop.set()
        with self._ticker_lock:
            ticker = self._ticker
        if ticker is not None and ticker is not threading.current_thread():
            ticker.join(timeout=2)
        self.webhooks.dispatcher.close()


def _tick_loop(ref: weakref.ref[Domain], stop: threading.Event, interval: float) -> None:
    """Holds only a weak reference: a forgotten simulator is collected and the loop ends. It
    also ends when nothing is moving any more; the next payment starts a new one."""
    while not stop.wait(interval):
        domain = ref()
        if domain is None:
            return
        domain.tick()
        done = domain._ticker_may_stop()
        del domain
        if done:
            return
