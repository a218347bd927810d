// The inspector: reads the admin API, builds the page from the DOM (never from markup built out
// of data: every value goes in through textContent), and polls the journal so new exchanges
// appear without a reload. Included inline by inspector.html; no library, no external asset.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");
const $ = (id) => document.getElementById(id);
const opened = new Set();        // ids of the exchanges whose details are open
let exchanges = [];              // the journal as last read, newest first
let lastSeen = null;             // the newest id and count read, to skip unchanged redraws
let overview = null;             // /__mock/inspector/state as last read

// ---- talking to the admin API --------------------------------------------------------------

async function admin(method, path, body) {
  const headers = {};
  if (TOKEN) headers["Authorization"] = "Bearer " + TOKEN;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (error) { parsed = text; }
  if (!response.ok) {
    const failure = new Error((parsed && parsed.message) || ("HTTP " + response.status));
    failure.problems = (parsed && parsed.problems) || [];
    throw failure;
  }
  return parsed;
}

function notify(text, kind, problems) {
  const box = $("notice");
  box.replaceChildren(document.createTextNode(text));
  if (problems && problems.length) {
    const list = document.createElement("ul");
    for (const problem of problems) list.append(el("li", {}, problem));
    box.append(list);
  }
  box.className = "message " + kind;
  box.hidden = false;
}

// ---- small DOM helpers ---------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(columns, rows) {
  const body = rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell))));
  const parts = [el("tbody", {}, ...body)];
  if (columns) parts.unshift(el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)))));
  return el("div", { class: "scroll" }, el("table", {}, ...parts));
}

// Name and value, as a row header and its cell.
function facts(pairs) {
  const rows = pairs.map(([name, value]) => el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, value)));
  return el("div", { class: "scroll" }, el("table", { class: "facts" }, el("tbody", {}, ...rows)));
}

// ---- JSON with every value marked by its path, so a violation can point at it --------------

function jsonView(value, highlights) {
  const pre = el("pre", { class: "json" });
  const write = (node, path, indent) => {
    const key = path.join(".");
    const span = el("span", { "data-path": key });
    if (highlights.has(key)) span.classList.add("hl");
    if (Array.isArray(node)) {
      span.append("[");
      node.forEach((item, index) => {
        span.append("\n" + "  ".repeat(indent + 1));
        write(item, path.concat(String(index)), indent + 1).forEach((n) => span.append(n));
        if (index < node.length - 1) span.append(",");
      });
      if (node.length) span.append("\n" + "  ".repeat(indent));
      span.append("]");
    } else if (node !== null && typeof node === "object") {
      const keys = Object.keys(node);
      span.append("{");
      keys.forEach((name, index) => {
        span.append("\n" + "  ".repeat(indent + 1) + JSON.stringify(name) + ": ");
        write(node[name], path.concat(name), indent + 1).forEach((n) => span.append(n));
        if (index < keys.length - 1) span.append(",");
      });
      if (keys.length) span.append("\n" + "  ".repeat(indent));
      span.append("}");
    } else {
      span.append(JSON.stringify(node));
    }
    return [span];
  };
  if (value === null || value === undefined) pre.append("(no body)");
  else if (typeof value === "string") pre.append(value);
  else write(value, [], 0).forEach((n) => pre.append(n));
  return pre;
}

// Where in a body a violation points. Response violations start with a JSON path
// (`$.data.0.priority: ...`); request violations with the field Novu names (`credentials.port:
// ...`, `general` for the whole body). A place the body lacks (a missing property) falls back
// to the nearest place it has.
function violationPath(violation, body) {
  let parts = null;
  if (violation.side === "response") {
    const match = /^\$((?:\.[^.:\s]+)*)\s*:/.exec(violation.message);
    if (match) parts = match[1].split(".").filter(Boolean);
  } else if (violation.side === "request") {
    const match = /^([^:\s]+):/.exec(violation.message);
    if (match) parts = match[1] === "general" ? [] : match[1].split(".");
  }
  if (parts === null) return null;
  let node = body;
  const found = [];
  for (const part of parts) {
    if (node === null || typeof node !== "object" || !(part in node)) break;
    node = node[part];
    found.push(part);
  }
  return found.join(".");
}

// ---- exchanges -----------------------------------------------------------------------------

function statusClass(status) {
  return status === 0 ? "0" : String(Math.floor(status / 100));
}

function matchesFilters(entry) {
  const status = $("filter-status").value;
  if (status && statusClass(entry.response.status) !== status) return false;
  const operation = $("filter-operation").value;
  if (operation && entry.operationId !== operation) return false;
  const environment = $("filter-environment").value;
  if (environment && entry.environmentId !== environment) return false;
  if ($("filter-violations").checked && !entry.violations.length) return false;
  if ($("filter-unmatched").checked && entry.matched) return false;
  const text = $("filter-text").value.trim().toLowerCase();
  if (text) {
    const haystack = [
      entry.request.method, entry.request.path, entry.operationId || "", entry.fault || "",
      JSON.stringify(entry.request.body), JSON.stringify(entry.response.body),
      ...entry.violations.map((v) => v.message), ...entry.nearest,
    ].join(" ").toLowerCase();
    if (!haystack.includes(text)) return false;
  }
  return true;
}

function exchangeRow(entry) {
  const classes = [];
  if (entry.violations.length) classes.push("violation");
  if (!entry.matched) classes.push("unmatched");
  const item = el("li", { class: classes.join(" "), "data-id": String(entry.id) });
  const status = entry.response.status;
  const tags = [];
  if (entry.violations.length) tags.push(el("span", { class: "tag bad" }, entry.violations.length + " violation" + (entry.violations.length > 1 ? "s" : "")));
  if (!entry.matched) tags.push(el("span", { class: "tag bad" }, "unmatched"));
  if (entry.fault) tags.push(el("span", { class: "tag" }, "fault " + entry.fault));
  if (entry.replayOf) tags.push(el("span", { class: "tag" }, "replay"));
  if (entry.inferred) tags.push(el("span", { class: "tag inferred", title: "answered by the inferred engine, not modelled by hand" }, "inferred"));
  const button = el("button", {
    type: "button", class: "row", "aria-expanded": String(opened.has(entry.id)),
    onclick: () => { toggle(entry.id); },
  },
    el("span", { class: "id" }, "#" + entry.id),
    el("span", { class: "time" }, entry.time.slice(11, 23)),
    el("span", { class: "request" }, entry.request.method + " " + entry.request.path, ...tags),
    el("span", { class: "status status-" + statusClass(status) }, status === 0 ? "dropped" : String(status)),
    el("span", { class: "operation" }, entry.operationId || "no operation"),
    el("span", { class: "ms" }, entry.durationMs.toFixed(1) + " ms"),
  );
  item.append(button);
  if (opened.has(entry.id)) item.append(exchangeDetail(entry));
  return item;
}

function headersTable(headers) {
  const rows = Object.entries(headers || {});
  return rows.length ? table(["Header", "Value"], rows) : el("p", { class: "meta" }, "(no headers)");
}

function exchangeDetail(entry) {
  const requestMarks = new Set();
  const responseMarks = new Set();
  for (const violation of entry.violations) {
    const body = violation.side === "response" ? entry.response.body : entry.request.body;
    const path = violationPath(violation, body);
    if (path === null) continue;
    (violation.side === "response" ? responseMarks : requestMarks).add(path);
  }
  const detail = el("div", { class: "detail" });
  const known = [
    ["Operation", entry.operationId || "no operation of the spec"],
    ["Environment", entry.environmentId || "(none)"],
    ["Time", entry.time + " (" + entry.durationMs.toFixed(3) + " ms)"],
  ];
  if (entry.fault) known.push(["Fault", entry.fault]);
  if (entry.replayOf) known.push(["Replays the first answer of", entry.replayOf]);
  if (entry.inferred) known.push(["Served", "inferred from the document (X-Mockserver-Inferred)"]);
  if (entry.cassette) known.push(["Cassette", entry.cassette]);
  detail.append(facts(known));
  if (entry.violations.length) {
    detail.append(el("h3", {}, "Contract violations"));
    detail.append(el("ul", { class: "violations" }, ...entry.violations.map((v) => el("li", {}, v.side + ": " + v.message))));
  }
  if (!entry.matched && entry.nearest.length) {
    detail.append(el("h3", {}, "Nearest operations"));
    detail.append(el("ul", { class: "nearest" }, ...entry.nearest.map((n) => el("li", {}, n))));
  }
  const query = new URLSearchParams(entry.request.query).toString();
  detail.append(el("div", { class: "sides" },
    el("div", { class: "side request" },
      el("h3", {}, "Request: " + entry.request.method + " " + entry.request.path + (query ? "?" + query : "")),
      headersTable(entry.request.headers),
      jsonView(entry.request.body, requestMarks)),
    el("div", { class: "side response" },
      el("h3", {}, "Response: " + (entry.response.status || "dropped")),
      headersTable(entry.response.headers),
      jsonView(entry.response.body, responseMarks)),
  ));
  const withKey = el("input", { type: "checkbox", class: "curl-with-key" });
  const output = el("pre", { class: "curl", hidden: "" });
  detail.append(el("div", { class: "bar" },
    el("button", { type: "button", class: "copy-curl", onclick: () => copyCurl(entry, withKey.checked, output) }, "Copy as curl"),
    el("label", {}, withKey, " with the real key"),
  ), output);
  return detail;
}

function shellQuote(text) {
  return "'" + String(text).replace(/'/g, "'\\''") + "'";
}

async function copyCurl(entry, withKey, output) {
  const headers = { ...entry.request.headers };
  delete headers["Host"]; delete headers["Content-Length"];
  if (withKey) {
    const found = await realAuthorization(entry, headers["Authorization"] || "");
    if (found) headers["Authorization"] = found;
  }
  const query = new URLSearchParams(entry.request.query).toString();
  const parts = ["curl", "-X", entry.request.method, shellQuote(location.origin + entry.request.path + (query ? "?" + query : ""))];
  for (const [name, value] of Object.entries(headers)) parts.push("-H", shellQuote(name + ": " + value));
  if (entry.request.body !== null && entry.request.body !== undefined) {
    parts.push("--data", shellQuote(typeof entry.request.body === "string" ? entry.request.body : JSON.stringify(entry.request.body)));
  }
  const command = parts.join(" ");
  output.textContent = command;
  output.hidden = false;
  try { await navigator.clipboard.writeText(command); } catch (error) { /* shown above instead */ }
}

// The journal keeps a key masked; the real one is asked of the admin API only for this.
async function realAuthorization(entry, masked) {
  const listing = await admin("GET", "/__mock/environments");
  for (const organization of listing.organizations) {
    for (const environment of organization.environments) {
      if (environment._id !== entry.environmentId) continue;
      if (masked.startsWith("Bearer")) return "Bearer " + organization.dashboardToken;
      return "ApiKey " + environment.apiKey;
    }
  }
  return null;
}

function toggle(id) {
  if (opened.has(id)) opened.delete(id); else opened.add(id);
  drawExchanges();
  const button = document.querySelector('#exchanges li[data-id="' + id + '"] > button');
  if (button) button.focus();
}

function drawExchanges() {
  const shown = exchanges.filter(matchesFilters);
  const list = $("exchanges");
  list.replaceChildren(...shown.map(exchangeRow));
  $("no-exchanges").hidden = shown.length > 0;
  $("exchange-count").textContent = shown.length + " of " + exchanges.length + " shown";
}

async function pollExchanges() {
  try {
    const journal = await admin("GET", "/__mock/requests?limit=" + SHOWN);
    const seen = journal.requests.length + ":" + (journal.requests[0] ? journal.requests[0].id : 0);
    if (seen !== lastSeen) {
      lastSeen = seen;
      exchanges = journal.requests;
      const focused = document.activeElement;
      const focusedId = focused && focused.closest ? (focused.closest("#exchanges li") || {}).dataset : null;
      drawExchanges();
      if (focusedId && focusedId.id && focused.tagName === "BUTTON" && focused.classList.contains("row")) {
        const again = document.querySelector('#exchanges li[data-id="' + focusedId.id + '"] > button');
        if (again) again.focus();
      }
    }
  } catch (error) {
    notify("Could not read the journal: " + error.message, "error");
  }
}

// ---- state ---------------------------------------------------------------------------------

async function loadOverview() {
  overview = await admin("GET", "/__mock/inspector/state");
  $("summary").textContent = overview.title + " · seed " + overview.seed + " · validation " + overview.validation;
  fillSelect($("filter-operation"), overview.operations.map((o) => [o.operationId, o.operationId]), "any");
  fillSelect($("fault-operation"), overview.operations.map((o) => [o.operationId, o.method + " " + o.path + " (" + o.operationId + ")"]), "every operation", "*");
  const environments = [];
  for (const organization of overview.organizations) {
    for (const environment of organization.environments) {
      environments.push([environment._id, organization.name + " / " + environment.name]);
    }
  }
  fillSelect($("filter-environment"), environments, "any");
  showDeclared();
  drawState();
}

function fillSelect(select, options, anyLabel, anyValue) {
  const kept = select.value;
  select.replaceChildren(el("option", { value: anyValue || "" }, anyLabel),
    ...options.map(([value, label]) => el("option", { value }, label)));
  if ([...select.options].some((o) => o.value === kept)) select.value = kept;
}

function drawState() {
  const open = new Set([...document.querySelectorAll("#state details[open]")].map((d) => d.dataset.environment));
  const parts = [];
  for (const organization of overview.organizations) {
    parts.push(el("h2", {}, organization.name, el("span", { class: "meta" }, "  dashboard token " + organization.dashboardToken)));
    for (const environment of organization.environments) {
      const counts = Object.entries(environment.counts).map(([name, count]) => count + " " + name).join(", ");
      const box = el("details", { "data-environment": environment._id },
        el("summary", {}, environment.name + " ", el("span", { class: "meta" }, "(" + counts + "; key " + environment.apiKey + ")")),
        el("div", { class: "bar" }, el("button", {
          type: "button", class: "reset-environment",
          onclick: () => act(() => admin("POST", "/__mock/reset", { environmentId: environment._id }), environment.name + " reset to its seeded start"),
        }, "Reset this environment")),
        ...environment.tables.map((t) => el("section", { class: "resource" }, el("h3", {}, t.title), table(t.columns, t.rows))),
      );
      if (open.has(environment._id)) box.open = true;
      parts.push(box);
    }
  }
  $("state").replaceChildren(...parts);
}

// ---- faults --------------------------------------------------------------------------------

async function loadFaults() {
  const listing = await admin("GET", "/__mock/faults");
  const rows = listing.faults.map((fault) => el("tr", { "data-fault": fault.id },
    el("td", {}, fault.id), el("td", {}, fault.operationId), el("td", {}, fault.status === null ? "" : String(fault.status)),
    el("td", {}, fault.latencyMs ? fault.latencyMs.join("-") + " ms" : ""), el("td", {}, fault.drop ? "yes" : ""),
    el("td", {}, fault.remaining === null ? "until removed" : String(fault.remaining)), el("td", {}, String(fault.fired)),
    el("td", {}, el("button", { type: "button", class: "remove-fault", onclick: () => act(() => admin("DELETE", "/__mock/faults/" + encodeURIComponent(fault.id)), fault.id + " removed") }, "Remove")),
  ));
  $("faults").tBodies[0].replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "8", class: "meta" }, "No faults."))]));
}

// The error statuses the chosen operation declares: the only ones a fault may answer with.
function showDeclared() {
  const chosen = $("fault-operation").value;
  const declared = new Set();
  for (const operation of (overview ? overview.operations : [])) {
    if (chosen === "*" || operation.operationId === chosen) operation.errorStatuses.forEach((s) => declared.add(s));
  }
  $("fault-declared").textContent = chosen === "*"
    ? "any operation's declared status, if every operation declares it"
    : "declared: " + [...declared].sort().join(", ");
}

function faultFromForm() {
  const fault = { operationId: $("fault-operation").value };
  const number = (id) => $(id).value === "" ? null : Number($(id).value);
  if (number("fault-status") !== null) fault.status = number("fault-status");
  if ($("fault-message").value) fault.message = $("fault-message").value;
  if (number("fault-latency") !== null) fault.latencyMs = number("fault-latency");
  if (number("fault-times") !== null) fault.times = number("fault-times");
  if (number("fault-probability") !== null) fault.probability = number("fault-probability");
  if ($("fault-drop").checked) fault.drop = true;
  return fault;
}

// ---- actions -------------------------------------------------------------------------------

async function act(action, done) {
  try {
    await action();
    notify(done, "ok");
  } catch (error) {
    notify(error.message, "error", error.problems);
  }
  await refreshAll();
}

async function refreshAll() {
  await Promise.all([loadOverview(), loadFaults(), pollExchanges()]);
}

function exportState() {
  admin("GET", "/__mock/state").then((document_) => {
    const blob = new Blob([JSON.stringify(document_, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "mockserver-state.json" });
    document.body.append(link);
    link.click();
    link.remove();
    notify("State exported (mockserver-state.json): it holds every key and credential in clear.", "ok");
  }).catch((error) => notify(error.message, "error"));
}

async function importState(file) {
  const text = await file.text();
  await act(() => admin("PUT", "/__mock/state", text), "State imported from " + file.name);
  $("import-state").value = "";
}

// ---- tabs, with the arrow keys as WAI-ARIA's tab pattern has them --------------------------

function selectTab(tab) {
  for (const other of document.querySelectorAll("[role=tab]")) {
    const chosen = other === tab;
    other.setAttribute("aria-selected", String(chosen));
    other.tabIndex = chosen ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !chosen;
  }
  tab.focus();
}

function wire() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectTab(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });
  for (const id of ["filter-status", "filter-operation", "filter-environment", "filter-violations", "filter-unmatched", "filter-text"]) {
    $(id).addEventListener("input", drawExchanges);
    $(id).addEventListener("change", drawExchanges);
  }
  $("reset-all").addEventListener("click", () => {
    if (confirm("Reset everything to the seeded start? Faults and the journal go too.")) {
      act(() => admin("POST", "/__mock/reset", {}), "Everything reset to the seeded start");
    }
  });
  $("clear-journal").addEventListener("click", () => act(() => admin("DELETE", "/__mock/requests"), "Journal cleared"));
  $("export-state").addEventListener("click", exportState);
  $("import-state").addEventListener("change", (event) => {
    if (event.target.files.length) importState(event.target.files[0]);
  });
  $("fault-operation").addEventListener("change", showDeclared);
  $("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => admin("POST", "/__mock/faults", faultFromForm()), "Fault added");
  });
}

wire();
refreshAll().catch((error) => notify(error.message, "error"));
setInterval(pollExchanges, POLL_MS);
// The state changes under the app's own calls too: read again while it is on screen.
setInterval(() => {
  if (!$("view-state").hidden) loadOverview().catch((error) => notify(error.message, "error"));
}, 3 * POLL_MS);
