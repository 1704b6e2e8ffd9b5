// cjsim dashboard: plain JS, no build step. Everything comes from the control API (/__cjsim/).
"use strict";
(function () {
  const API = "/__cjsim";
  const JOURNAL_MS = 500, CLOCK_MS = 1000, ACCOUNTS_MS = 1000, SLOW_MS = 2000, AUDIT_MS = 30000;  // the audit reads the whole journal: not too often
  const AUDIT_FIRST_MS = 5000;  // ...but the first findings come soon after the traffic starts
  const MAX_ROWS = 500, MAX_KEPT = 5000, CHART_SECONDS = 60;
  const COLORS = ["#2457c5", "#c62828", "#1f8a4c", "#b26a00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037"];

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  };
  const clear = (node) => { while (node.firstChild) node.removeChild(node.firstChild); return node; };

  // -- access: the admin token, when the simulator has one -----------------------------------
  const TOKEN_KEY = "cjsim-admin-token";
  function tokenFromHash() {
    const found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (!found) return false;
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(found[1]));
    history.replaceState(null, "", location.pathname + location.search);  // out of the address bar
    $("token-form").classList.add("hidden");
    return true;
  }
  tokenFromHash();
  window.addEventListener("hashchange", () => { if (tokenFromHash()) refreshAll(); });
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
    $("token-input").value = "";
    $("token-form").classList.add("hidden");
    refreshAll();
  });

  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = { "Accept": "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers["Authorization"] = "Bearer " + token;
    const init = { method: opts.method || "GET", headers, cache: "no-store", credentials: "same-origin" };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";  // never a form body: state changes are JSON only
      init.body = JSON.stringify(opts.body);
    }
    const response = await fetch(API + path, init);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    // ask for the token only if this call was sent with the current one (a stale 401, sent
    // before the token was given, must not bring the form back)
    if (response.status === 401 && sessionStorage.getItem(TOKEN_KEY) === token) {
      $("token-form").classList.remove("hidden");
    }
    if (!response.ok) throw new HttpError(response.status, (data && data.error) || ("HTTP " + response.status));
    return data;
  }

  let lastOk = 0;
  function connected() {
    lastOk = Date.now();
    $("status").classList.remove("down");
    $("status").textContent = "live · updated " + new Date().toLocaleTimeString();
  }
  function failed(err) {
    if (err instanceof HttpError && err.status !== 401 && err.status !== 403) return;
    $("status").classList.add("down");
    $("status").textContent = (err instanceof HttpError ? err.message : "the simulator is not answering")
      + (lastOk ? " · last update " + new Date(lastOk).toLocaleTimeString() : "");
  }

  // A poller never overlaps itself and keeps going after an error.
  function every(ms, fn) {
    let busy = false;
    const run = async () => {
      if (busy || document.hidden) return;  // a tab in the background costs the simulator nothing
      busy = true;
      try { await fn(); connected(); } catch (err) { failed(err); } finally { busy = false; }
    };
    run();
    setInterval(run, ms);
    return run;
  }

  const fmtTime = (iso) => (iso ? iso.replace("T", " ").replace(/(\.\d{3})\d*/, "$1") : "–");
  const shortTime = (iso) => { const m = /T(\d\d:\d\d:\d\d(?:\.\d{3})?)/.exec(iso || ""); return m ? m[1] : fmtTime(iso); };
  const isRejected = (e) => (e.code !== null && e.code !== undefined && e.code !== 200) || e.status >= 400;
  const accountLabel = (openId) => {
    const a = state.accounts.get(openId);
    return a ? openId + " · " + a.email : (openId === null || openId === undefined ? "–" : String(openId));
  };

  const state = {
    accounts: new Map(), usage: new Map(), entries: [], byId: new Map(), lastId: null,
    paused: false, selected: null, journalVersion: 0, idlePolls: 0, auditedVersion: -1, auditedAt: 0, auditedSomething: false, violationsSince: null,
    violations: [], deliveriesSince: null, deliveries: [], frozen: false, now: null,
  };

  // -- clock -----------------------------------------------------------------------------------
  async function pollClock() {
    showClock(await api("/clock"));
  }
  function showClock(snap) {
    state.frozen = !!snap.frozen;
    state.now = snap.now;
    $("clock-now").textContent = fmtTime(snap.now);
    $("clock-state").textContent = snap.frozen ? "frozen" : "running";
    $("clock-state").className = "badge" + (snap.frozen ? " frozen" : "");
    $("freeze-button").textContent = snap.frozen ? "Unfreeze" : "Freeze";
    if (document.activeElement !== $("set-input") && !$("set-input").value) $("set-input").placeholder = snap.now;
  }
  async function clockAction(body) {
    $("clock-error").textContent = "";
    try {
      showClock(await api("/clock", { method: "POST", body }));
      refreshAll();
    } catch (err) {
      $("clock-error").textContent = err.message;
    }
  }
  for (const b of document.querySelectorAll("[data-advance]")) {
    b.addEventListener("click", () => clockAction({ advance: Number(b.dataset.advance) }));
  }
  $("freeze-button").addEventListener("click", () => clockAction({ freeze: !state.frozen }));
  $("set-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = $("set-input").value.trim();
    if (!value) { $("clock-error").textContent = "type a time, e.g. " + (state.now || "2026-01-01T00:00:00+08:00"); return; }
    clockAction({ set: value });
  });
  $("reset-button").addEventListener("click", async () => {
    if (!window.confirm("Reset the simulator? Accounts go back to their start, counters, tokens, " +
        "orders and the journal are cleared.")) return;
    try {
      await api("/reset", { method: "POST", body: {} });
      forgetTraffic();
    } catch (err) { $("clock-error").textContent = err.message; }
  });

  function forgetTraffic() {
    state.entries = []; state.byId.clear(); state.lastId = null; state.violations = [];
    state.violationsSince = null; state.deliveries = []; state.deliveriesSince = null;
    state.journalVersion++;
    renderTraffic(); renderViolations(); refreshAll();
  }

  // -- accounts --------------------------------------------------------------------------------
  async function pollAccounts() {
    const data = await api("/accounts");
    const seen = new Set();
    for (const a of data.accounts) { state.accounts.set(a.openId, a); seen.add(a.openId); }
    for (const id of [...state.accounts.keys()]) if (!seen.has(id)) { state.accounts.delete(id); state.usage.delete(id); }
    const details = await Promise.all(data.accounts.map((a) => api("/accounts/" + a.openId).catch(() => null)));
    for (const d of details) if (d && d.usage) state.usage.set(d.openId, d.usage);
    renderAccounts();
    renderAccountFilter();
  }

  function meter(label, used, limit, note) {
    const ratio = limit > 0 ? Math.min(1, used / limit) : 0;
    const fill = el("div", { class: "fill" + (ratio >= 1 ? " full" : ratio >= 0.8 ? " high" : "") });
    fill.style.width = (ratio * 100).toFixed(1) + "%";  // CSSOM: allowed by the page's CSP
    return [el("span", { text: label, title: label }), el("div", { class: "bar", role: "meter",
      "aria-valuenow": String(used), "aria-valuemax": String(limit), "aria-label": label }, fill),
    el("span", { class: "num", text: used + " / " + limit + (note ? " " + note : "") })];
  }

  function renderAccounts() {
    const box = $("accounts");
    if (!state.accounts.size) return;
    clear(box);
    for (const a of state.accounts.values()) {
      const usage = state.usage.get(a.openId) || {};
      const meters = el("div", { class: "meters" });
      if (usage.qps) meters.append(...meter("QPS window (" + usage.qps.rule + ")", usage.qps.inWindow, usage.qps.limit, "/s"));
      for (const d of usage.daily || []) meters.append(...meter("today " + d.path.replace("/api2.0/v1/", "") + " (" + d.rule + ")", d.count, d.limit));
      for (const q of usage.quotas || []) meters.append(...meter("quota " + q.quotaUrl.replace("/api2.0/v1/", "") + " (" + q.rule + ")", q.used, q.limit));
      for (const b of usage.budgets || []) {
        meters.append(...meter("budget " + (b.path ? b.path.replace("/api2.0/v1/", "") + " " : "") + "(" + b.rule + ")",
          b.used, b.limit, b.remaining !== undefined ? "· " + b.remaining + " left" : ""));
      }
      if (usage.points) {
        const p = usage.points;
        const used = p.used !== undefined ? p.used : (p.limit !== undefined && p.remaining !== undefined ? p.limit - p.remaining : 0);
        const limit = p.limit !== undefined ? p.limit : used + (p.remaining || 0);
        meters.append(...meter("points" + (p.rule ? " (" + p.rule + ")" : ""), used, limit,
          (p.remaining !== undefined ? "· " + p.remaining + " left" : "") + (p.nextReset || p.resetAt ? " · reset " + fmtTime(p.nextReset || p.resetAt) : "")));
      }
      if (!meters.childElementCount) meters.append(el("span", { class: "empty", text: "no call counted yet" }));
      box.append(el("div", { class: "account", "data-open-id": String(a.openId) },
        el("div", { class: "who" }, el("strong", { text: String(a.openId) }), " ", el("span", { text: a.email }),
          el("div", {}, el("span", { class: "badge", text: a.levelName || ("level " + a.level) }), " ",
            el("span", { class: a.verified ? "ok" : "bad", text: a.verified ? "verified" : "not verified" }))),
        meters));
    }
  }

  // -- chart: requests per second per account, simulated time -------------------------------
  let chart = null, chartKey = "";
  const offsetSeconds = (iso) => {
    const m = /([+-])(\d\d):(\d\d)$/.exec(iso || "");
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  };
  function chartData() {
    const entries = state.entries;
    if (!entries.length) return null;
    const last = Math.floor(entries[entries.length - 1].t / 1000);
    const shift = offsetSeconds(entries[entries.length - 1].time);
    const first = last - CHART_SECONDS + 1;
    const ids = [...new Set(entries.filter((e) => e.t / 1000 >= first && e.openId !== null && e.openId !== undefined).map((e) => e.openId))].sort();
    const xs = [];
    for (let s = first; s <= last; s++) xs.push(s + shift);  // wall time in the simulator's zone
    const counts = new Map(ids.map((id) => [id, new Array(xs.length).fill(0)]));
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      const s = Math.floor(e.t / 1000);
      if (s < first) break;
      const row = counts.get(e.openId);
      if (row && s <= last) row[s - first]++;
    }
    const series = [], data = [xs];
    ids.forEach((id, i) => {
      const color = COLORS[i % COLORS.length];
      series.push({ label: accountLabel(id), stroke: color, width: 2, points: { show: false } });
      data.push(counts.get(id));
      const u = state.usage.get(id);
      if (u && u.qps) {
        series.push({ label: "limit " + id + " (" + u.qps.limit + "/s)", stroke: color, width: 1, dash: [6, 4], points: { show: false } });
        data.push(xs.map(() => u.qps.limit));
      }
    });
    return { series, data, key: series.map((s) => s.label).join("|") };
  }
  function renderChart() {
    if (typeof uPlot === "undefined") return;
    const built = chartData();
    const box = $("rate-chart");
    if (!built || built.series.length === 0) return;
    if (!chart || chartKey !== built.key) {
      if (chart) chart.destroy();
      clear(box);
      chartKey = built.key;
      chart = new uPlot({
        width: Math.max(300, box.clientWidth - 8), height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),  // x is already shifted
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(2, max + 1)] } },
        axes: [{}, { label: "requests / s" }],
        series: [{ label: "time" }, ...built.series],
      }, built.data, box);
    } else {
      chart.setData(built.data);
    }
  }
  window.addEventListener("resize", () => { if (chart) chart.setSize({ width: Math.max(300, $("rate-chart").clientWidth - 8), height: 220 }); });

  // -- live traffic ----------------------------------------------------------------------------
  async function pollJournal() {
    if (state.paused) return;
    const query = state.lastId === null ? "?limit=" + MAX_ROWS : "?since=" + state.lastId + "&limit=" + MAX_KEPT;
    const data = await api("/journal" + query);
    if (!data.entries.length) {
      // a restarted simulator numbers from 1 again: now and then, look whether it did
      if (state.lastId !== null && ++state.idlePolls % 4 === 0) {
        const newest = (await api("/journal?limit=1")).entries[0];
        if (newest && newest.id < state.lastId) forgetTraffic();
      }
      return;
    }
    state.idlePolls = 0;
    for (const e of data.entries) {
      e.t = Date.parse(e.time);
      state.entries.push(e);
      state.byId.set(e.id, e);
      if (state.lastId === null || e.id > state.lastId) state.lastId = e.id;
    }
    if (state.entries.length > MAX_KEPT) {
      for (const e of state.entries.splice(0, state.entries.length - MAX_KEPT)) state.byId.delete(e.id);
    }
    state.journalVersion++;
    renderTraffic();
    renderChart();
  }

  function matches(e) {
    const account = $("filter-account").value, path = $("filter-path").value.trim(), code = $("filter-code").value.trim();
    if (account && String(e.openId) !== account) return false;
    if (path && !(e.path || "").includes(path)) return false;
    if (code && String(e.code) !== code && String(e.status) !== code) return false;
    if ($("filter-rejected").checked && !isRejected(e)) return false;
    return true;
  }
  function latency(e) {
    if (e.latencyUs === undefined || e.latencyUs === null) return "–";
    return e.latencyUs >= 1000 ? (e.latencyUs / 1000).toFixed(1) + " ms" : e.latencyUs + " µs";
  }
  function renderTraffic() {
    const body = clear($("traffic-body"));
    let shown = 0;
    for (let i = state.entries.length - 1; i >= 0 && shown < MAX_ROWS; i--) {
      const e = state.entries[i];
      if (!matches(e)) continue;
      shown++;
      const tr = el("tr", { class: (isRejected(e) ? "rejected" : "") + (state.selected === e.id ? " selected" : ""), "data-id": String(e.id) },
        el("td", { class: "num", text: String(e.id) }), el("td", { text: shortTime(e.time), title: e.time || "" }),
        el("td", { text: e.method }), el("td", { text: (e.path || "").replace("/api2.0/v1/", "") , title: e.path || "" }),
        el("td", { text: accountLabel(e.openId) }), el("td", { class: "code", text: e.code === null || e.code === undefined ? "–" : String(e.code) }),
        el("td", { class: "rule", text: e.rule || (e.fault !== undefined && e.fault !== null ? "fault " + e.fault : ""), title: e.detail || e.reason || "" }), el("td", { class: "num", text: String(e.status) }),
        el("td", { class: "num", text: latency(e) }));
      body.append(tr);
    }
    const refused = state.entries.reduce((n, e) => n + (isRejected(e) ? 1 : 0), 0);
    $("traffic-count").textContent = state.entries.length + " requests kept here, " + refused + " refused";
  }
  $("traffic-body").addEventListener("click", (ev) => {
    const tr = ev.target.closest("tr[data-id]");
    if (tr) showDetail(Number(tr.dataset.id));
  });
  for (const id of ["filter-account", "filter-path", "filter-code", "filter-rejected"]) {
    $(id).addEventListener("input", renderTraffic);
    $(id).addEventListener("change", renderTraffic);
  }
  $("pause-button").addEventListener("click", () => {
    state.paused = !state.paused;
    $("pause-button").textContent = state.paused ? "Resume" : "Pause";
  });
  function renderAccountFilter() {
    const select = $("filter-account");
    const current = select.value;
    const wanted = ["", ...state.accounts.keys()].map(String);
    const have = [...select.options].map((o) => o.value);
    if (wanted.join() === have.join()) return;
    clear(select).append(el("option", { value: "", text: "all" }));
    for (const id of state.accounts.keys()) select.append(el("option", { value: String(id), text: accountLabel(id) }));
    select.value = wanted.includes(current) ? current : "";
  }

  const pretty = (value) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));
  function section(title, obj) {
    if (!obj) return [];
    const out = [el("h4", { text: title + (obj.status !== undefined ? " · HTTP " + obj.status : "") })];
    if (obj.method) out.push(el("div", { text: obj.method + " " + obj.path + (obj.query && Object.keys(obj.query).length ? "?" + new URLSearchParams(obj.query) : "") }));
    if (obj.headers) out.push(el("pre", { class: "headers", text: Object.entries(obj.headers).map(([k, v]) => k + ": " + v).join("\n") }));
    if (obj.body !== undefined && obj.body !== null && obj.body !== "") out.push(el("pre", { class: "body", text: pretty(obj.body) }));
    return out;
  }
  async function showDetail(id) {
    state.selected = id;
    renderTraffic();
    const box = clear($("detail"));
    const entry = state.byId.get(id);
    box.append(el("h4", { text: "Request #" + id }));
    let full = null, note = null;
    try {
      full = await api("/journal/" + id);
    } catch (err) {
      note = err.status === 404 ? "The simulator keeps no more about this request than the line below (the full " +
        "request and answer need a simulator that journals them, or it has been evicted)." : err.message;
    }
    if (state.selected !== id) return;
    const summary = Object.assign({}, full || entry || {});
    delete summary.request; delete summary.response; delete summary.t;
    box.append(el("pre", { class: "summary", text: JSON.stringify(summary, null, 2) }));
    if (full) box.append(...section("Request", full.request), ...section("Answer", full.response));
    if (note) box.append(el("p", { class: "empty", text: note }));
  }
  // a link to a journal entry (violations, audit): filter nothing, open its detail
  function requestLink(label, journalId) {
    return el("a", { class: "req", href: "#", text: label, onclick: (ev) => { ev.preventDefault(); showDetail(journalId); $("traffic-panel").scrollIntoView(); } });
  }

  // -- violations and audit ------------------------------------------------------------------
  async function pollViolations() {
    const data = await api("/violations" + (state.violationsSince !== null ? "?since=" + state.violationsSince : ""));
    if (!data.violations.length) return;
    for (const v of data.violations) {
      state.violations.push(v);
      if (state.violationsSince === null || v.id > state.violationsSince) state.violationsSince = v.id;
    }
    if (state.violations.length > MAX_KEPT) state.violations.splice(0, state.violations.length - MAX_KEPT);
    renderViolations();
  }
  function renderViolations() {
    const box = clear($("violations"));
    if (!state.violations.length) { box.append(el("p", { class: "empty", text: "No violation so far." })); return; }
    const byRule = new Map();
    for (const v of state.violations) {
      if (!byRule.has(v.rule)) byRule.set(v.rule, []);
      byRule.get(v.rule).push(v);
    }
    const table = el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "rule" }), el("th", { text: "count" }),
      el("th", { text: "refused" }), el("th", { text: "last" }), el("th", { text: "requests (latest)" }))));
    const body = el("tbody");
    for (const [rule, list] of [...byRule.entries()].sort((a, b) => b[1].length - a[1].length)) {
      const links = el("td");
      for (const v of list.slice(-6).reverse()) if (v.journalId) links.append(requestLink("#" + v.journalId, v.journalId));
      body.append(el("tr", { "data-rule": rule }, el("td", { class: "rule bad", text: rule }), el("td", { class: "num", text: String(list.length) }),
        el("td", { class: "num", text: String(list.filter((v) => v.rejected).length) }),
        el("td", { text: fmtTime(list[list.length - 1].time) }), links));
    }
    table.append(body);
    box.append(table);
  }

  async function pollAudit(force) {
    if (!force && state.auditedVersion === state.journalVersion) return;  // nothing new: no re-audit
    if (!force && state.auditedSomething && Date.now() - state.auditedAt < AUDIT_MS) return;
    const version = state.journalVersion;
    const data = await api("/audit");
    state.auditedVersion = version;
    state.auditedAt = Date.now();
    state.auditedSomething = data.audited > 0;
    const box = clear($("audit"));
    box.append(el("p", { class: "empty", text: "audited at " + new Date().toLocaleTimeString() + " (every 30 s while traffic flows; Re-run for now)" }));
    box.append(el("p", { class: data.clean ? "ok" : (data.findings.length ? "bad" : "empty"),
      text: data.clean ? "Clean: " + data.audited + " requests audited, no finding." :
        data.findings.length ? data.findings.length + " finding(s) over " + data.audited + " requests." : (data.note || "") }));
    if (data.note && data.audited) box.append(el("p", { class: "empty", text: data.note }));
    const byRequestId = new Map(state.entries.map((e) => [e.requestId, e.id]));
    for (const f of data.findings) {
      const links = el("div");
      for (const rid of (f.requestIds || []).slice(0, 8)) {
        const jid = byRequestId.get(rid);
        links.append(jid ? requestLink("#" + jid, jid) : el("span", { class: "req", text: rid.slice(0, 8) }));
      }
      box.append(el("div", { class: "finding" }, el("div", {}, el("span", { class: "rule bad", text: f.rule }), " ",
        el("strong", { text: f.title }), " ×" + f.count), el("div", { text: f.explanation }), links));
    }
  }
  $("audit-button").addEventListener("click", () => pollAudit(true).catch(failed));

  // -- scenario and webhooks -------------------------------------------------------------------
  // {"path": "product/list", "probability": 0.2} -> path=product/list probability=0.2
  const brief = (obj) => (obj && typeof obj === "object" ? Object.entries(obj).map(([k, v]) =>
    k + "=" + (typeof v === "object" ? JSON.stringify(v) : v)).join(" ") : String(obj ?? ""));

  async function pollScenario() {
    const data = await api("/scenario");
    const box = clear($("scenario"));
    box.append(el("p", {}, el("strong", { text: "Active: " }), data.active.length ? data.active.join(", ") : "none"));
    if (data.faults.length) {
      const body = el("tbody");
      for (const f of data.faults) {
        body.append(el("tr", {}, el("td", { text: (f.scenario ? f.scenario + " #" : "#") + (f.index ?? "") }),
          el("td", { class: "num" + (f.fired ? " bad" : ""), text: String(f.fired ?? "–") }),
          el("td", { class: "num", text: String(f.calls ?? "–") }),
          el("td", { class: "wrap", text: brief(f.match) + " → " + brief(f.action) })));
      }
      box.append(el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "fault" }), el("th", { text: "fired" }),
        el("th", { text: "calls" }), el("th", { text: "match → action" }))), body));
    }
    if (data.timeline.length) {
      box.append(el("h3", { text: "Timeline" }));
      const list = el("ul");
      for (const step of data.timeline) list.append(el("li", { class: "wrap", text: typeof step === "string" ? step : brief(step) }));
      box.append(list);
    }
  }

  async function pollDeliveries() {
    const data = await api("/webhooks/deliveries" + (state.deliveriesSince !== null ? "?since=" + state.deliveriesSince : "?limit=200"));
    if (!data.deliveries.length) return;
    for (const d of data.deliveries) {
      state.deliveries.push(d);
      if (state.deliveriesSince === null || d.id > state.deliveriesSince) state.deliveriesSince = d.id;
    }
    if (state.deliveries.length > 1000) state.deliveries.splice(0, state.deliveries.length - 1000);
    const byMessage = new Map();
    for (const d of state.deliveries) {
      const key = d.messageId || ("#" + d.id);
      if (!byMessage.has(key)) byMessage.set(key, []);
      byMessage.get(key).push(d);
    }
    const body = el("tbody");
    for (const [message, attempts] of [...byMessage.entries()].reverse().slice(0, 100)) {
      const last = attempts[attempts.length - 1];
      const tries = attempts.map((d) => (d.attempt ?? "?") + ": " + d.outcome + (d.httpStatus ? " (" + d.httpStatus + ")" : "")
        + (d.error ? " " + d.error : "")).join(" · ");
      body.append(el("tr", {}, el("td", { text: message }), el("td", { text: [last.type, last.messageType].filter(Boolean).join(" ") }),
        el("td", { text: accountLabel(last.openId) }),
        el("td", { class: "wrap " + (last.ok || last.outcome === "delivered" ? "ok" : "bad"), text: tries }),
        el("td", { text: fmtTime(last.time), title: last.url || "" })));
    }
    const box = clear($("webhooks"));
    box.append(el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "message" }), el("th", { text: "type" }),
      el("th", { text: "account" }), el("th", { text: "attempts" }), el("th", { text: "last attempt" }))), body));
  }

  // -- the loop --------------------------------------------------------------------------------
  const runners = [];
  function refreshAll() { for (const r of runners) r(); }
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshAll(); });
  runners.push(every(CLOCK_MS, pollClock));
  runners.push(every(ACCOUNTS_MS, async () => { await pollAccounts(); renderChart(); }));
  runners.push(every(JOURNAL_MS, pollJournal));
  runners.push(every(SLOW_MS, pollViolations));
  runners.push(every(AUDIT_FIRST_MS, () => pollAudit(false)));
  runners.push(every(SLOW_MS, pollScenario));
  runners.push(every(SLOW_MS, pollDeliveries));
})();
