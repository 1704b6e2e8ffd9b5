"""Workers starting on one store: the ones that did not claim the seed wait for it to be
complete, so a configured key is never answered 1600001 during start-up (found with four
gunicorn workers on Redis under load)."""

from __future__ import annotations

import threading

from cjsim import Simulator
from cjsim.domain.accounts import Accounts
from cjsim.domain.ids import Entropy
from cjsim.store import open_store


def test_a_resuming_simulator_waits_until_the_seeding_one_has_created_its_accounts() -> None:
    store = open_store("memory://")
    assert store.claim_seed()  # another worker is seeding: its accounts are not there yet
    asked = threading.Event()
    original = store.seed_complete

    def seed_complete() -> bool:
        asked.set()
        return original()

    store.seed_complete = seed_complete  # type: ignore[method-assign]

    def finish_seeding() -> None:  # the seeding worker, once the other one is waiting
        asked.wait(timeout=5)
        Accounts(store, Entropy(1, counter=lambda: store.next_seq("entropy"))).create(
            "late@example.com", api_key="CJ1@api@late")
        store.seed_done()

    seeder = threading.Thread(target=finish_seeding)
    seeder.start()
    resumed = Simulator(store=store, seed=1)
    assert resumed.resumed
    assert resumed.accounts.by_email("late@example.com") is not None
    seeder.join()
