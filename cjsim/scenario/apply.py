"""Putting scenarios into a simulator, all or nothing.

Two doors, one rule: build and check everything first (profile, accounts, account
references, the compiled faults), and only then change anything.

* ``prepare``: ``Simulator(scenario=...)`` merges the scenarios into its own settings before
  it builds anything (a scenario's setting wins over the constructor's argument; a later
  scenario wins over an earlier one).
* ``activate``: the control API adds scenarios on top of a running simulator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cjsim.clock import in_range, parse_instant, system_now_us
from cjsim.domain.accounts import iter_account_specs
from cjsim.profiles import Profile, build_profile
from cjsim.scenario.errors import Collector, Partial, Problem, ScenarioError
from cjsim.scenario.loader import MAX_BYTES, ScenarioSource, load
from cjsim.scenario.model import Scenario

if TYPE_CHECKING:
    from cjsim.scenario.engine import ScenarioFaults
    from cjsim.simulator import Simulator

Sources = ScenarioSource | Sequence[ScenarioSource]


def load_all(sources: Sources, known_paths: Iterable[str] | None = None,
             max_bytes: int = MAX_BYTES) -> list[Scenario]:
    """One source or a list of them; every problem of every file reported together."""
    scenarios, problems, partials = _load_each(sources, known_paths, max_bytes)
    if problems:
        raise ScenarioError(problems, partials)
    return scenarios


def _load_each(sources: Sources, known_paths: Iterable[str] | None,
               max_bytes: int) -> tuple[list[Scenario], list[Problem], list[Partial]]:
    items: Sequence[ScenarioSource] = (
        list(sources) if isinstance(sources, (list, tuple)) else [sources])  # type: ignore[list-item]
    paths = None if known_paths is None else frozenset(known_paths)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    partials: list[Partial] = []
    for source in items:
        try:
            scenarios.append(load(source, paths, max_bytes))
        except ScenarioError as exc:
            problems.extend(exc.problems)
            partials.extend(exc.partials)
    return scenarios, problems, partials


def _collector(scenario: Scenario) -> Collector:
    return Collector(scenario.source, scenario.lines)


def layered_profile(base: Profile, scenario: Scenario, problems: list[Problem]) -> Profile:
    """``base`` with the scenario's limits on top (a named profile starts afresh)."""
    out = _collector(scenario)
    try:
        if scenario.profile is not None and scenario.profile != base.name:
            base = build_profile(scenario.profile)
        return build_profile(base.name, base=base, **scenario.limits.knobs())
    except ValueError as exc:
        out.add(("limits",), str(exc))
        problems.extend(out.problems)
        return base


def _account_kwargs(spec: Mapping[str, Any] | str) -> dict[str, Any]:
    if isinstance(spec, str):
        return iter_account_specs([spec])[0]
    renames = {"apiKey": "api_key", "quotaLimits": "quotas", "openId": "open_id"}
    return {renames.get(k, k): v for k, v in spec.items()}


def _documents(scenarios: Sequence[Scenario], partials: Sequence[Partial]) -> list[Partial]:
    return [Partial(s.raw, s.source, s.lines) for s in scenarios] + list(partials)


def _raw_emails(partials: Sequence[Partial]) -> set[str]:
    """The accounts the documents that failed to load would have declared."""
    found = set()
    for doc in partials:
        accounts = doc.raw.get("accounts")
        for item in accounts if isinstance(accounts, list) else []:
            if isinstance(item, dict) and isinstance(item.get("email"), str):
                found.add(item["email"].strip().lower())
    return found


def _check_refs(documents: Sequence[Partial], emails: set[str], problems: list[Problem]) -> None:
    """Faults and steps may only name accounts that will exist (read from the documents,
    so a file that failed other checks still has its references checked in the same pass)."""
    for doc in documents:
        out = Collector(doc.source, doc.lines)
        for key, where in (("faults", ("match", "account")), ("timeline", ("account",))):
            entries = doc.raw.get(key)
            for index, item in enumerate(entries if isinstance(entries, list) else []):
                ref: Any = item
                for step in where:
                    ref = ref.get(step) if isinstance(ref, dict) else None
                if isinstance(ref, str) and ref.strip().lower() not in emails:
                    out.add((key, index, *where), _unknown(ref.strip().lower(), emails))
        problems.extend(out.problems)


def _check_reach(scenarios: Sequence[Scenario], origin_us: int, problems: list[Problem]) -> None:
    """Every timeline step and fault window must land inside the clock's range (a step in
    year 10000 would be stored and then break every reader)."""
    for scenario in scenarios:
        out = _collector(scenario)
        origin = parse_instant(scenario.clock.start) if scenario.clock.start else origin_us
        for index, step in enumerate(scenario.timeline):
            if not in_range(step.at.resolve(origin)):
                out.add(("timeline", index, "at"), "the step would fall outside the simulator's "
                        "range (1970-01-01 .. 9000-01-01)")
        for index, fault in enumerate(scenario.faults):
            if fault.match.between is None:
                continue
            start = fault.match.between[0].resolve(origin)
            end = fault.match.between[1].resolve(start)
            if not (in_range(start) and in_range(end)):
                out.add(("faults", index, "match", "between"), "the range would fall outside the "
                        "simulator's range (1970-01-01 .. 9000-01-01)")
        problems.extend(out.problems)


def _unknown(email: str, emails: set[str]) -> str:
    known = ", ".join(sorted(emails)) or "none"
    return f"no account with email {email} (declare it under accounts; known: {known})"


# -- Simulator(scenario=...) ------------------------------------------------------------------
@dataclass(frozen=True)
class Prepared:
    """The constructor's arguments with the scenarios merged in."""

    scenarios: list[Scenario]
    seed: int | None
    catalog_seed: int | None
    clock: str
    start: str | datetime | None
    accounts: list[dict[str, Any]]
    profile: Profile

    def engine(self, sim: Simulator) -> ScenarioFaults:
        from cjsim.scenario.engine import ScenarioFaults

        return ScenarioFaults(sim, self.scenarios)


def prepare(sources: Sources, *, seed: int | None, clock: str, start: str | datetime | None,
            accounts: Iterable[Mapping[str, Any] | str], profile: str | Profile,
            known_paths: Iterable[str] | None = None, max_bytes: int = MAX_BYTES,
            **knobs: Any) -> Prepared:
    scenarios, problems, partials = _load_each(sources, known_paths, max_bytes)
    catalog_seed = knobs.pop("catalog_seed", None)
    built = profile if isinstance(profile, Profile) else build_profile(profile, **knobs)
    specs = {}
    for spec in (_account_kwargs(a) for a in accounts):
        specs[str(spec.get("email", "")).strip().lower()] = spec
    for scenario in scenarios:
        built = layered_profile(built, scenario, problems)
        seed = scenario.seed if scenario.seed is not None else seed
        catalog_seed = scenario.catalog_seed if scenario.catalog_seed is not None else catalog_seed
        if scenario.clock.frozen is not None:
            clock = "frozen" if scenario.clock.frozen else "system"
        start = scenario.clock.start or start
        for account in scenario.accounts:
            key = account.email.lower()
            specs[key] = {**specs.get(key, {}), **account.create_kwargs()}
    _check_refs(_documents(scenarios, partials), set(specs) | _raw_emails(partials), problems)
    _check_reach(scenarios, parse_instant(start) if start is not None else system_now_us(), problems)
    if problems:
        raise ScenarioError(problems)
    return Prepared(scenarios, seed, catalog_seed, clock, start, list(specs.values()), built)


# -- the control API: on top of a running simulator -----------------------------------------
def activate(sim: Simulator, sources: Sources) -> ScenarioFaults:
    from cjsim.scenario.engine import ScenarioFaults

    scenarios, problems, partials = _load_each(sources, sim.routes.paths(), sim.max_scenario_bytes)
    profile = sim.profile
    for scenario in scenarios:
        profile = layered_profile(profile, scenario, problems)
    emails = {a.email.lower(): a for a in sim.accounts.all()}
    creates: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    planned: set[str] = set()
    for scenario in scenarios:
        out = _collector(scenario)
        if scenario.catalog_seed is not None and scenario.catalog_seed != sim.catalog_seed:
            out.add(("catalog_seed",), "the catalogue is chosen when the simulator starts "
                                       "(Simulator(scenario=...) or cjsim serve --scenario)")
        for index, account in enumerate(scenario.accounts):
            key = account.email.lower()
            where = ("accounts", index)
            existing = emails.get(key)
            if existing is not None:
                if account.api_key is not None and not existing.has_key(account.api_key):
                    out.add((*where, "apiKey"), f"{account.email} exists with another apiKey")
                if account.open_id is not None and account.open_id != existing.open_id:
                    out.add((*where, "openId"), f"{account.email} exists with openId {existing.open_id}")
                updates.append((existing.open_id, account.update_changes()))
            elif key in planned:
                out.add((*where, "email"), f"{account.email} is created twice")
            else:
                if account.api_key is not None and sim.accounts.by_api_key(account.api_key) is not None:
                    out.add((*where, "apiKey"), "that apiKey belongs to another account")
                if account.open_id is not None and sim.accounts.get(account.open_id) is not None:
                    out.add((*where, "openId"), f"openId {account.open_id} is taken")
                creates.append(account.create_kwargs())
                planned.add(key)
        problems.extend(out.problems)
    _check_refs(_documents(scenarios, partials), set(emails) | planned | _raw_emails(partials), problems)
    starts = [s.clock.start for s in scenarios if s.clock.start]
    _check_reach(scenarios, parse_instant(starts[-1]) if starts else sim.clock.now_us(), problems)
    if problems:
        raise ScenarioError(problems)

    # Everything is known to fit: apply.
    sim.profile = profile
    seeds = [s.seed for s in scenarios if s.seed is not None]
    if seeds:
        sim.seed = seeds[-1]
        sim.entropy.seed = seeds[-1]
        sim.entropy.reset()
    for open_id, changes in updates:
        if changes:
            sim.accounts.update(open_id, changes)
    for kwargs in creates:
        sim.accounts.create(**kwargs)
    _remember_accounts(sim, scenarios)
    for scenario in scenarios:
        if scenario.clock.start:
            sim.clock.set(scenario.clock.start)
        if scenario.clock.frozen is True:
            sim.clock.freeze()
        elif scenario.clock.frozen is False:
            sim.clock.unfreeze()
    engine = sim.faults if isinstance(sim.faults, ScenarioFaults) else ScenarioFaults(sim)
    engine.add(scenarios)
    now = sim.clock.now_us()
    for scenario in scenarios:
        apply_seed_state(sim, scenario, now)
    sim.faults = engine
    return engine


def _remember_accounts(sim: Simulator, scenarios: Sequence[Scenario]) -> None:
    """So ``sim.reset()`` recreates the scenario's accounts as they are now configured."""
    for scenario in scenarios:
        for account in scenario.accounts:
            sim.remember_account(account.create_kwargs())


def apply_seed_state(sim: Simulator, scenario: Scenario, now_us: int) -> None:
    """State a scenario puts in a fresh store: calls already made today (``callsToday``).

    The daily rule's own window is filled through the limiter, so the count is exactly what
    real calls would have left behind ("Number of requests made: N").
    """
    for spec in scenario.accounts:
        account = sim.accounts.by_email(spec.email)
        if account is None:
            continue
        if spec.points_used is not None or spec.points_conversion is not None:
            sim.set_points(account, used=spec.points_used, conversion=spec.points_conversion)
        for path, count in spec.calls_today.items():
            sim.record_calls(account, path, count, now_us, role="daily")
