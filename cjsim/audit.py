"""The compliance audit: did a client behave the way CJ asks integrators to behave?

The simulator answers every request like CJ would; the audit reads what happened afterwards
(the journal and the violations ledger) and names the *behaviours* CJ objects to, each as a
:class:`Finding` with a rule id, a plain-language explanation and the request ids to look up.
A limit rejection tells a client "slow down" once; the audit tells its developer why the
client keeps earning them.

Findings (``AUDIT_RULES`` below has the texts):

* a limit exceeded, named by the profile's rule id (R1-R5 and Q in ``legacy``; shadow hits
  included), worded from the rule's own title and advice with its effective numbers. Rules
  are told apart by role, never by id: the first answer of a ``daily`` or ``quota`` rule in
  an episode is how CJ tells a client it has reached the limit: it is not a finding,
  calling on after it is (``AFTER-DAILY-LIMIT``, the quota rule's id).
* ``LOGIN-WHILE-VALID``: getAccessToken while the account still held a valid access token.
* ``EXPIRED-TOKEN``: a token used after its expiry date (not when the simulator expired it
  early, e.g. a scenario's "tokens expire now": the client could not know).
* ``RELOGIN-ON-THROTTLE``: a new token fetched right after a 1600200 answer.
* ``BUSY-RETRIES``: 1600000 retried more than 3 times.
* ``RETRY-NON-RETRYABLE``: a request answered with a code no retry can fix, sent again
  unchanged (same interface, parameters, body and token).
* ``AFTER-DAILY-LIMIT``: an interface called again after the daily-limit answer, before the
  next local midnight in the profile's time zone.

"Retry" means the same request again within ``RETRY_WINDOW_S``: a poll every ten minutes
is not a retry. The journal carries what these judgements need without holding a secret:
``tokenId`` (a digest prefix of the token presented) and ``fp`` (a digest of method, path,
query and body), added by :func:`cjsim.marks.request_marks`.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cjsim.clock import US, iso
from cjsim.limits.points import PointsTotal
from cjsim.limits.rules import Rule
from cjsim.limits.windows import calendar_window

if TYPE_CHECKING:
    from cjsim.profiles import Profile
    from cjsim.simulator import Simulator

RETRY_WINDOW_S = 60  # an identical request within this many seconds counts as a retry
MAX_BUSY_RETRIES = 3  # the seed: 1600000 "Please try again later. No more than 3 times."
NON_RETRYABLE = frozenset({1600001, 1600002, 1600003, 1600300, 1601000, 1604000, 1605000})
NON_RETRYABLE_FAMILIES = (1602, 1603)  # 1602xxx products/variants, 1603xxx orders
LOGOUT = "/api2.0/v1/authentication/logout"

# behaviour -> (title, what to do instead). A limit rule's words are its own (the profile's
# ``Rule.title`` and ``Rule.advice``, rendered from its effective numbers).
AUDIT_RULES: Mapping[str, tuple[str, str]] = {
    "LOGIN-WHILE-VALID": (
        "Called getAccessToken while holding a valid access token",
        "Cache the token and reuse it until shortly before accessTokenExpiryDate; then use"
        " refreshAccessToken. getAccessToken is limited to once every 5 minutes."),
    "EXPIRED-TOKEN": (
        "Used an access token after its expiry date",
        "Read accessTokenExpiryDate and refresh the token before it passes."),
    "RELOGIN-ON-THROTTLE": (
        "Fetched a new token in reaction to 1600200 (too many requests)",
        "1600200 means 'slow down', not 'bad token': wait, then retry with the same token."
        " A new token resets no limit, and getAccessToken has its own 5-minute limit."),
    "BUSY-RETRIES": (
        "Retried 'System busy' (1600000) more than 3 times",
        "CJ allows at most 3 retries of 1600000; back off and give up after that."),
    "RETRY-NON-RETRYABLE": (
        "Retried a non-retryable error unchanged",
        "Only 1600000 and 1600200 can succeed on a retry; fix the request (token, parameters,"
        " balance, ...) before sending it again."),
    "WEBHOOK-URL-REFUSED-BY-CJ": (
        "Set a webhook callback URL that real CJ refuses",
        "CJ takes only public https:// callback URLs (no localhost, no 127.0.0.1), one per"
        " topic: expose the receiver publicly (a tunnel) before pointing CJ at it; run with"
        " webhook_url_policy cj to be refused as CJ would."),
    "AFTER-DAILY-LIMIT": (
        "Kept calling an interface after its daily limit",
        "After the daily-limit answer ('Please try again tomorrow'), stop calling that"
        " interface until local midnight."),
    "AFTER-POINTS-EXHAUSTED": (
        "Kept calling costed interfaces after the API points ran out",
        "After 16900500 ('Insufficient API points'), stop every interface that costs points"
        " until 00:00 UTC; free interfaces (orders, balance, settings) still answer."),
    "LOGIN-CACHE-IGNORED": (
        "Fetched tokens again and again instead of keeping them",
        "CJ answers the same token pair for 24 hours: log in once, keep the pair, and use"
        " refreshAccessToken shortly before accessTokenExpiryDate."),
}
BEHAVIOURS = ("LOGIN-WHILE-VALID", "EXPIRED-TOKEN", "RELOGIN-ON-THROTTLE", "BUSY-RETRIES",
              "RETRY-NON-RETRYABLE", "AFTER-DAILY-LIMIT", "AFTER-POINTS-EXHAUSTED",
              "LOGIN-CACHE-IGNORED", "WEBHOOK-URL-REFUSED-BY-CJ")


def is_non_retryable(code: int | None) -> bool:
    return code is not None and (code in NON_RETRYABLE or code // 1000 in NON_RETRYABLE_FAMILIES)


# -- findings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    rule: str
    title: str
    explanation: str
    request_ids: tuple[str, ...]
    open_id: int | None = None
    ip: str | None = None
    paths: tuple[str, ...] = ()
    first_us: int = 0
    last_us: int = 0
    shadow: bool = False

    @property
    def count(self) -> int:
        return len(self.request_ids)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "title": self.title, "explanation": self.explanation,
            "count": self.count, "requestIds": list(self.request_ids), "openId": self.open_id,
            "ip": self.ip, "paths": list(self.paths), "first": iso(self.first_us),
            "last": iso(self.last_us), "shadow": self.shadow,
        }

    def render(self, max_ids: int = 5) -> str:
        ids = ", ".join(self.request_ids[:max_ids])
        if self.count > max_ids:
            ids += f" (+{self.count - max_ids} more)"
        text = textwrap.fill(self.explanation, width=100, initial_indent="    ",
                             subsequent_indent="    ")
        return f"[{self.rule}] {self.title} ({self.count}x)\n{text}\n    requests: {ids}"


def render(findings: Sequence[Finding], max_ids: int = 5) -> str:
    """The readable list a failing test shows."""
    if not findings:
        return "CJ compliance audit: clean"
    head = f"CJ compliance audit: {len(findings)} finding{'s' if len(findings) != 1 else ''}"
    return "\n".join([head, *(f.render(max_ids) for f in findings)])


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    """rule id -> number of offending requests."""
    out: dict[str, int] = defaultdict(int)
    for finding in findings:
        out[finding.rule] += finding.count
    return dict(sorted(out.items()))


def audit(sim: Simulator, since_id: int | None = None) -> list[Finding]:
    """Findings for every CJ request the simulator journaled after ``since_id``."""
    entries = sim.journal_entries(since_id=since_id)
    violations = [v for v in sim.violation_entries()
                  if since_id is None or v["journalId"] > since_id]
    tokens = [TokenRecord.from_doc(key, doc) for key, doc in sim.tokens.stored()]
    levels = {a.open_id: a.level for a in sim.accounts.all()}
    return Auditor(entries, violations, sim.profile, tokens, levels).findings()


@dataclass(frozen=True)
class TokenRecord:
    """What the token store knows of one access token (never the token itself)."""

    token_id: str
    open_id: int
    created_us: int
    expires_us: int
    revoked: bool

    @classmethod
    def from_doc(cls, key: str, doc: Mapping[str, Any]) -> TokenRecord:
        return cls(key[:12], int(doc["openId"]), int(doc["createdUs"]), int(doc["expiresUs"]),
                   bool(doc.get("revoked")))


@dataclass
class _Issue:
    """A successful getAccessToken/refreshAccessToken: a token the account then held."""

    journal_id: int
    open_id: int
    expires_us: int
    token_id: str | None
    revoked: bool
    died_id: int | None = None  # journal id from which it was known dead


@dataclass
class _Group:
    entries: list[dict[str, Any]] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    shadow: bool = False


class Auditor:
    """One pass over a journal slice. Entries are judged in journal-id order (a threaded
    server may append them slightly out of order)."""

    def __init__(self, entries: Iterable[Mapping[str, Any]], violations: Iterable[Mapping[str, Any]],
                 profile: Profile, tokens: Iterable[TokenRecord] = (),
                 levels: Mapping[int, int] | None = None) -> None:
        self.entries = sorted((dict(e) for e in entries), key=lambda e: int(e["id"]))
        self.by_id = {e["id"]: e for e in self.entries}
        self.violations = sorted((dict(v) for v in violations), key=lambda v: int(v["journalId"]))
        self.profile = profile
        self.tokens = list(tokens)
        self.levels = dict(levels or {})  # open id -> level: findings speak of that account's limit
        self.login_paths = profile.login_paths
        self.get_token = profile.get_token_path
        owners = {t.token_id: t.open_id for t in self.tokens}
        for entry in self.entries:
            if entry.get("tokenId") and entry.get("openId") is not None:
                owners.setdefault(entry["tokenId"], int(entry["openId"]))
        self.owners = owners
        self._groups: dict[tuple[str, Any, Any], _Group] = {}
        self._points_by: dict[int, str] = {}  # account -> its points rule that refused it

    # -- helpers -------------------------------------------------------------------------
    def who(self, entry: Mapping[str, Any]) -> int | None:
        if entry.get("openId") is not None:
            return int(entry["openId"])
        token_id = entry.get("tokenId")
        return self.owners.get(token_id) if token_id else None

    def caller(self, entry: Mapping[str, Any]) -> str:
        who = self.who(entry)
        return f"account:{who}" if who is not None else f"ip:{entry.get('ip')}"

    def rule(self, rule_id: str) -> Rule | None:
        return self.profile.rules.get(rule_id)

    def per_ip(self, rule_id: str) -> bool:
        """A rule that counts per IP address, not per account (the ``ip_rate`` one)."""
        rule = self.rule(rule_id)
        return rule is not None and "ip" in rule.scope and "account" not in rule.scope

    def _flag(self, rule: str, entry: Mapping[str, Any], key: Any = None, shadow: bool = False) -> None:
        who = self.who(entry)
        subject = entry.get("ip") if who is None or self.per_ip(rule) else who
        group = self._groups.setdefault((rule, subject, key), _Group())
        if entry["id"] not in group.ids:
            group.ids.add(entry["id"])
            group.entries.append(dict(entry))
        group.shadow = group.shadow or shadow

    # -- the pass --------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        self._limits()
        self._daily()
        self._points()
        self._tokens()
        self._webhook_urls()
        self._relogin_on_throttle()
        self._retries()
        order = {rule: i for i, rule in enumerate([*self.profile.rules.ids(), *BEHAVIOURS])}
        out = [self._finding(rule, subject, group)
               for (rule, subject, _key), group in self._groups.items() if group.entries]
        out.sort(key=lambda f: (f.first_us, order.get(f.rule, len(order)), f.rule))  # story order
        return out

    def _limits(self) -> None:
        """Every limit violation, except the daily limit (``_daily``) and the first quota
        answer of an episode (the client learns of the used-up quota from it)."""
        quota_open: set[tuple[int | None, str]] = set()
        violated = {v["journalId"]: v for v in self.violations}
        quotas = {r.id for r in self.profile.rules.with_role("quota")}
        episodic = quotas | {r.id for r in self.profile.rules.with_role("daily")} | set(
            self._points_rules())
        quota_hits = {v["journalId"]: v["rule"] for v in self.violations if v["rule"] in quotas}
        for entry in self.entries:
            if entry["id"] in quota_hits:
                key = (self.who(entry), entry["path"])
                if key in quota_open:
                    self._flag(quota_hits[entry["id"]], entry,
                               shadow=not violated[entry["id"]]["rejected"])
                quota_open.add(key)
            elif entry.get("code") == 200:
                quota_open.discard((self.who(entry), entry["path"]))
        for violation in self.violations:
            if violation["rule"] in episodic:
                continue
            hit = self.by_id.get(violation["journalId"])
            if hit is not None:
                self._flag(violation["rule"], hit, shadow=not violation["rejected"])

    def _daily(self) -> None:
        """After the daily-limit answer, nothing more on that interface before midnight."""
        calendars = {r.id: r.calendar or "day" for r in self.profile.rules.with_role("daily")}
        hits = {v["journalId"]: calendars[v["rule"]] for v in self.violations
                if v["rule"] in calendars}
        until: dict[tuple[int, str], int] = {}
        for entry in self.entries:
            who = self.who(entry)
            if who is None:
                continue
            key = (who, entry["path"])
            end = until.get(key)
            if end is not None and entry["timeUs"] < end:
                self._flag("AFTER-DAILY-LIMIT", entry, key=entry["path"])
            elif entry["id"] in hits:
                _wid, _start, midnight = calendar_window(hits[entry["id"]], entry["timeUs"],
                                                         self.profile.zone)
                until[key] = midnight

    def _points_rules(self) -> dict[str, Rule]:
        return {r.id: r for r in self.profile.rules.with_role("budget")
                if isinstance(r.limit_from, PointsTotal)}

    def _points(self) -> None:
        """The first 16900500 of an account's day is a finding of the points rule; every
        costed call after it before 00:00 UTC is AFTER-POINTS-EXHAUSTED."""
        rules = self._points_rules()
        hits = {v["journalId"]: v for v in self.violations if v["rule"] in rules}
        until: dict[int, int] = {}
        for entry in self.entries:
            who = self.who(entry)
            if who is None:
                continue
            end = until.get(who)
            hit = hits.get(entry["id"])
            if end is not None and entry["timeUs"] < end:
                rule = rules[self._points_rule_of(who, rules)]
                if rule.cost_of(str(entry["path"])) > 0:
                    self._flag("AFTER-POINTS-EXHAUSTED", entry)
            elif hit is not None:
                rule = rules[hit["rule"]]
                self._flag(rule.id, entry, shadow=not hit["rejected"])
                zone = ZoneInfo(rule.tz) if rule.tz else self.profile.zone
                until[who] = calendar_window("day", entry["timeUs"], zone)[2]
                self._points_by[who] = rule.id

    def _points_rule_of(self, who: int, rules: Mapping[str, Rule]) -> str:
        return self._points_by.get(who) or next(iter(rules))

    def _points_words(self, rule_id: str, who: int | None,
                      entries: Sequence[Mapping[str, Any]]) -> str | None:
        """"Account 7 had 50000 API points for 2026-07-06 and had used 50000 when a call
        needing 50 was refused (16900500)": the account's own numbers."""
        rule = self._points_rules().get(rule_id)
        if rule is None or who is None:
            return None
        first = entries[0]
        hit = next((v for v in self.violations if v["journalId"] == first["id"]), None)
        if hit is None:
            return None
        zone = ZoneInfo(rule.tz) if rule.tz else self.profile.zone
        day = calendar_window("day", first["timeUs"], zone)[0]
        cost = rule.cost_of(str(first["path"]))
        return (f"Account {who} had {hit['limit']} API points for {day} ({rule.tz or self.profile.tz})"
                f" and had used {hit['used']} when a call needing {cost} was refused"
                f" ({rule.code})")

    def _cache_ignored(self) -> None:
        """Under a token cache (cj-2026), every getAccessToken after the first within the
        cache period: CJ answered the same pair, the client should have kept it."""
        cache_s = self.profile.token_cache_s
        if not cache_s:
            return
        last: dict[int, list[int]] = defaultdict(list)
        for entry in self.entries:
            who = self.who(entry)
            if entry["path"] != self.get_token or who is None or entry.get("code") != 200:
                continue
            recent = [t for t in last[who] if entry["timeUs"] - t < cache_s * US]
            if recent:
                self._flag("LOGIN-CACHE-IGNORED", entry)
            recent.append(entry["timeUs"])
            last[who] = recent

    def _issues(self) -> list[_Issue]:
        """Successful logins and refreshes, each paired with the token the store issued."""
        pool: dict[tuple[int, int], list[TokenRecord]] = defaultdict(list)
        for record in sorted(self.tokens, key=lambda t: t.token_id):
            pool[(record.open_id, record.created_us)].append(record)
        ttl_us = self.profile.access_token_ttl_s * US
        issues = []
        for entry in self.entries:
            who = self.who(entry)
            if entry["path"] not in self.login_paths or entry.get("code") != 200 or who is None:
                continue
            candidates = pool.get((who, entry["timeUs"]))
            token = candidates.pop(0) if candidates else None
            issues.append(_Issue(entry["id"], who,
                                 token.expires_us if token else entry["timeUs"] + ttl_us,
                                 token.token_id if token else None,
                                 token.revoked if token else False))
        # when did each token die? (a logout, a 1600001 on it, or, if the store says it was
        # revoked, the account's next refresh; revoked with no trace: assume at once)
        refreshes = [e for e in self.entries if e["path"] != self.get_token
                     and e["path"] in self.login_paths and e.get("code") == 200]
        deaths: dict[str, list[int]] = defaultdict(list)
        for entry in self.entries:
            if entry.get("tokenId") and (entry.get("code") == 1600001 or (
                    entry["path"] == LOGOUT and entry.get("code") == 200)):
                deaths[entry["tokenId"]].append(entry["id"])
        for issue in issues:
            if issue.token_id is not None:
                issue.died_id = next((i for i in deaths.get(issue.token_id, ())
                                      if i > issue.journal_id), None)
            if issue.revoked and issue.died_id is None:
                later = [e["id"] for e in refreshes
                         if e["id"] > issue.journal_id and self.who(e) == issue.open_id]
                issue.died_id = later[0] if later else issue.journal_id
        return issues

    def _webhook_urls(self) -> None:
        for entry in self.entries:
            if entry.get("code") == 200:
                for url in entry.get("refusedUrls") or ():
                    self._flag("WEBHOOK-URL-REFUSED-BY-CJ", entry, key=url)

    def _tokens(self) -> None:
        if self.profile.token_cache_s:  # a login answers the held pair: not a waste, but a habit
            self._cache_ignored()
        issues = self._issues() if not self.profile.token_cache_s else []
        for entry in self.entries:
            who = self.who(entry)
            if entry["path"] != self.get_token or who is None:
                continue
            held = [i for i in issues if i.open_id == who and i.journal_id < entry["id"]
                    and i.expires_us > entry["timeUs"]
                    and (i.died_id is None or i.died_id > entry["id"])]
            if held:
                self._flag("LOGIN-WHILE-VALID", entry)
        ttl_us = self.profile.access_token_ttl_s * US
        forced = {t.token_id for t in self.tokens if t.expires_us < t.created_us + ttl_us}
        for entry in self.entries:
            if entry.get("reason") == "token:expired" and entry.get("tokenId") not in forced:
                self._flag("EXPIRED-TOKEN", entry)

    def _relogin_on_throttle(self) -> None:
        window_us = RETRY_WINDOW_S * US
        last: dict[int, Mapping[str, Any]] = {}
        for entry in self.entries:
            who = self.who(entry)
            if who is None:
                continue
            prev = last.get(who)
            if (entry["path"] in self.login_paths and prev is not None
                    and prev["path"] not in self.login_paths and prev.get("code") == 1600200
                    and entry["timeUs"] - prev["timeUs"] <= window_us):
                self._flag("RELOGIN-ON-THROTTLE", entry)
            last[who] = entry

    def _retries(self) -> None:
        window_us = RETRY_WINDOW_S * US
        busy: dict[tuple[Any, ...], tuple[int, int]] = {}  # key -> (1600000 streak, last time)
        previous: dict[tuple[Any, ...], Mapping[str, Any]] = {}
        for entry in self.entries:
            request = (self.caller(entry), entry["method"], entry["path"], entry.get("fp"))
            streak, last_us = busy.get(request, (0, entry["timeUs"]))
            if entry["timeUs"] - last_us > window_us:
                streak = 0
            if streak > MAX_BUSY_RETRIES:
                self._flag("BUSY-RETRIES", entry, key=entry["path"])
            busy[request] = (streak + 1 if entry.get("code") == 1600000 else 0, entry["timeUs"])

            unchanged = (*request, entry.get("tokenId"))
            prev = previous.get(unchanged)
            if (prev is not None and is_non_retryable(prev.get("code"))
                    and entry["timeUs"] - prev["timeUs"] <= window_us):
                self._flag("RETRY-NON-RETRYABLE", entry, key=(entry["path"], prev.get("code")))
            previous[unchanged] = entry

    # -- wording ---------------------------------------------------------------------------
    def _finding(self, rule: str, subject: Any, group: _Group) -> Finding:
        entries = group.entries
        who = self.who(entries[0])
        paths = tuple(dict.fromkeys(_short(e["path"]) for e in entries))
        ips = tuple(dict.fromkeys(str(e.get("ip")) for e in entries))
        title, advice = rule_words(rule, self.profile)
        if self.per_ip(rule) or who is None:
            actor = f"The client at IP {', '.join(ips)}"
        else:
            actor = f"Account {who}"
        first, last = entries[0]["timeUs"], entries[-1]["timeUs"]
        when = f"at {iso(first)}" if first == last else f"between {iso(first)} and {iso(last)}"
        n = len(entries)
        own = self._own_limit(rule, who, entries) or self._points_words(rule, who, entries)
        if own is not None:
            text = f"{own} on {', '.join(paths)} {when}."
        else:
            what = _what(rule, n, entries, self.profile)
            text = f"{actor} {what} on {', '.join(paths)} {when}."
        if group.shadow:
            text += " (Shadow mode let some through; CJ would have refused them.)"
        if advice:
            text += " " + advice
        return Finding(
            rule=rule, title=title, explanation=text,
            request_ids=tuple(str(e.get("requestId") or f"journal#{e['id']}") for e in entries),
            open_id=who, ip=ips[0] if ips else None, paths=paths, first_us=first, last_us=last,
            shadow=group.shadow)


    def _own_limit(self, rule_id: str, who: int | None, flagged: Sequence[Mapping[str, Any]]) -> str | None:
        """An account's windowed limit in its own terms: "Free account 100042 may make 1 call
        per second; it made 3 within 0.5 ms" (the busiest window that ended on a flagged call)."""
        try:
            rule = self.profile.rules.by_id(rule_id)
        except KeyError:
            return None
        if who is None or rule.period_s is None or rule.scope != ("account",):
            return None
        level = self.levels.get(who)
        limit = rule.limit
        if rule.limit_by_level is not None:
            limit = rule.limit_by_level.get(level) if level is not None else None
        if limit is None:
            return None
        period_us = int(rule.period_s * US)
        mine = [e for e in self.entries if self.who(e) == who and self._counts_for(rule, e)]
        best: Sequence[Mapping[str, Any]] = []
        for hit in flagged:
            end = hit["timeUs"]
            window = [e for e in mine if end - period_us < e["timeUs"] <= end and e["id"] <= hit["id"]]
            if len(window) > len(best):
                best = window
        if not best:
            return None
        names = rule.level_names or LEVEL_NAMES
        label = names.get(level, "An") if level is not None else "An"
        span = _span(best[-1]["timeUs"] - best[0]["timeUs"])
        calls = f"{limit} call{'s' if limit != 1 else ''}"
        return (f"{label} account {who} may make {calls} per {_period(rule.period_s)}; it made"
                f" {len(best)} {span}")

    def _counts_for(self, rule: Any, entry: Mapping[str, Any]) -> bool:
        path = _short(str(entry["path"]))
        if rule.applies == "paths":
            return any(_short(p) == path for p in rule.paths)
        if rule.applies == "non_login":
            return not any(_short(p) == path for p in self.login_paths)
        return True


LEVEL_NAMES = {0: "Free", 1: "Free", 2: "Plus", 3: "Prime", 4: "Advanced", 5: "Advanced"}


def _period(seconds: float) -> str:
    if seconds == 1:
        return "second"
    if seconds == 60:
        return "minute"
    if seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def _span(us: int) -> str:
    if us == 0:
        return "at the same instant"
    if us < 1000:
        return f"within {us / 1000:g} ms"
    if us < US:
        return f"within {us / 1000:.0f} ms"
    return f"within {us / US:.2f} s"


def rule_words(rule_id: str, profile: Profile) -> tuple[str, str]:
    """(title, advice) of a finding: a behaviour's, or the limit rule's own, rendered from
    the profile's effective numbers."""
    if rule_id in AUDIT_RULES:
        return AUDIT_RULES[rule_id]
    rule = profile.rules.get(rule_id)
    if rule is None:
        return f"Exceeded {rule_id}", ""
    title = rule.render(rule.title) or f"Exceeded {rule_id}: {rule.described()}"
    return title, rule.render(rule.advice)


def _short(path: str) -> str:
    return path.removeprefix("/api2.0/v1/")


def _what(rule: str, n: int, entries: Sequence[Mapping[str, Any]], profile: Profile) -> str:
    times = f"{n} time{'s' if n != 1 else ''}"
    if rule == "LOGIN-WHILE-VALID":
        return f"asked for a new access token {times} while its last one was still valid"
    if rule == "EXPIRED-TOKEN":
        return f"sent an expired access token {times} (answered 1600001)"
    if rule == "RELOGIN-ON-THROTTLE":
        return f"fetched a new token {times} right after being told 1600200 (too many requests)"
    if rule == "BUSY-RETRIES":
        return f"retried a request answered 'System busy' (1600000) beyond 3 retries, {times}"
    if rule == "RETRY-NON-RETRYABLE":
        codes = sorted({str(e.get("code")) for e in entries})
        return (f"sent {times} a request unchanged after it was refused with a code no retry"
                f" fixes (latest answers: {', '.join(codes)})")
    if rule == "AFTER-POINTS-EXHAUSTED":
        return (f"called costed interfaces {times} after its API points ran out (16900500),"
                " before the reset at 00:00 UTC")
    if rule == "LOGIN-CACHE-IGNORED":
        return (f"fetched tokens {times} more within 24 hours of an earlier login"
                " (CJ answered the same pair each time)")
    if rule == "WEBHOOK-URL-REFUSED-BY-CJ":
        urls = sorted({u for e in entries for u in e.get("refusedUrls") or ()})
        return f"set {times} a webhook URL real CJ refuses: {', '.join(urls)}"
    if rule == "AFTER-DAILY-LIMIT":
        return (f"called {times} more after the daily-limit answer, before local midnight"
                f" ({profile.tz})")
    limit = profile.rules.get(rule)
    if limit is None:
        return f"exceeded limit {rule} {times}"
    if limit.role == "quota":
        return f"called {times} more after being told its quota was used up ({limit.code})"
    return f"exceeded limit {rule} ({limit.described()}) {times}"
