"""Orders on the clock: what becomes due after payment, and noticing it when time has passed.

Why both lazy reads and a tick: an order's SHIPPED/DELIVERED status and its tracking are read
off the clock (``order_views.status_at``), so reads are always right. Webhooks are events,
though, and someone has to notice that the clock passed them. That is :func:`tick`, run at
the start of every CJ request, after a control-API clock move and by a small background
ticker. Its cost when nothing is due is one read of a single document (``progress_due``),
because the per-request overhead is measured.

Each paid order has a ``progress`` document: which step of its timeline comes next and when.
Step *i* is tracking status *i* of the run; step 0 also makes the order SHIPPED, the step
with status 12 makes it DELIVERED. Every step passed sends its messages once, even when the
clock jumped over several (each with the events up to that step).
"""

from __future__ import annotations

from cjsim.domain import logistics as lg
from cjsim.domain import order_views as views
from cjsim.domain.webhooks import Message
from cjsim.store import Doc, Reader, Store, Txn

PROGRESS = "progress"
DUE_NS, DUE_KEY = "progress_due", "next"


def _key(doc: Doc) -> str:
    return f"{doc['openId']}|{doc['orderId']}"


def timeline(doc: Doc) -> list[tuple[int, int]]:
    """(tracking status, instant) of every step of a paid order."""
    return lg.step_times(doc["shipAtUs"], views.steps_of(doc), doc["fromCountryCode"],
                         doc["shipping"]["countryCode"])


def schedule(tx: Txn, doc: Doc) -> None:
    """A paid order starts its timeline: step 0 is due when it leaves the warehouse."""
    tx.put(PROGRESS, _key(doc), {"openId": doc["openId"], "orderId": doc["orderId"],
                                 "next": 0, "dueUs": doc["shipAtUs"]})
    due = tx.get(DUE_NS, DUE_KEY)
    if due is None or doc["shipAtUs"] < due["dueUs"]:
        tx.put(DUE_NS, DUE_KEY, {"dueUs": doc["shipAtUs"]})


def unschedule(tx: Txn, doc: Doc) -> None:
    """A cancelled order stops (the due time may now be early; the next tick fixes it)."""
    tx.delete(PROGRESS, _key(doc))


DUE_READ = (DUE_NS, DUE_KEY)  # the document every tick reads (a request reads it with its opening)


def pending(store: Store) -> bool:
    return store.get(DUE_NS, DUE_KEY) is not None


def step_messages(doc: Doc, steps: list[tuple[int, int]], index: int) -> list[Message]:
    code, at = steps[index]
    oid = doc["orderId"]
    out: list[Message] = []
    if index == 0:
        out.append(Message("ORDER", "UPDATE", views.order_params(doc, at),
                           f"order:{oid}:SHIPPED", doc["openId"]))
    out.append(Message("LOGISTIC", "INSERT" if index == 0 else "UPDATE",
                       views.logistic_params(doc, at), f"logistic:{oid}:{index}", doc["openId"]))
    if code == lg.DELIVERED:
        out.append(Message("ORDER", "UPDATE", views.order_params(doc, at),
                           f"order:{oid}:DELIVERED", doc["openId"]))
    return out


def tick(store: Store, now_us: int, read: Reader | None = None) -> list[Message]:
    """Every message the clock made due by ``now_us``, each exactly once (the transaction is
    exclusive, so concurrent ticks cannot both emit a step). ``read`` reads the due time
    (a request's already-read documents); the transaction reads afresh."""
    due = (read or store.get)(DUE_NS, DUE_KEY)
    if due is None or due["dueUs"] > now_us:
        return []
    messages: list[Message] = []
    with store.transaction() as tx:
        upcoming: int | None = None
        for key, prog in tx.items(PROGRESS):
            if prog["dueUs"] > now_us:
                upcoming = prog["dueUs"] if upcoming is None else min(upcoming, prog["dueUs"])
                continue
            doc = tx.get(views.orders_ns(prog["openId"]), prog["orderId"])
            if doc is None or doc["status"] != views.UNSHIPPED:
                tx.delete(PROGRESS, key)
                continue
            steps = timeline(doc)
            index = prog["next"]
            while index < len(steps) and steps[index][1] <= now_us:
                messages.extend(step_messages(doc, steps, index))
                index += 1
            if index >= len(steps):
                tx.delete(PROGRESS, key)
                continue
            tx.put(PROGRESS, key, {**prog, "next": index, "dueUs": steps[index][1]})
            upcoming = steps[index][1] if upcoming is None else min(upcoming, steps[index][1])
        if upcoming is None:
            tx.delete(DUE_NS, DUE_KEY)
        else:
            tx.put(DUE_NS, DUE_KEY, {"dueUs": upcoming})
    return messages
