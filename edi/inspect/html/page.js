// edi html: renders the embedded interchange data (edi/inspect/_html.py) on demand. No network, no libraries.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("edi-data").textContent);
  const SLICE = 200;
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid != null) e.append(kid);
    return e;
  };

  // ---- the model: each file's segments as a tree of nodes (interchange, group, transaction, loops) ----------
  const files = D.files.map((f, fi) => buildTree(f, fi));

  function buildTree(f, fi) {
    const root = { kind: "file", kids: [], parent: null, file: fi, first: 0, errors: 0, warnings: 0 };
    const stack = [root];
    const parentOf = new Array(f.segments.length);
    f.segments.forEach((s, i) => {
      for (let c = 0; c < s[3] && stack.length > 1; c++) stack.pop();
      for (const m of s[4]) {
        const top = stack[stack.length - 1];
        const node = { kind: m === "I" ? "isa" : m === "G" ? "gs" : "loop", loop: typeof m === "number" ? m : -1,
                       kids: [], parent: top, file: fi, first: i, errors: 0, warnings: 0 };
        top.kids.push(node);
        stack.push(node);
      }
      const top = stack[stack.length - 1];
      top.kids.push(i);
      parentOf[i] = top;
    });
    const bySeg = new Map();
    for (const finding of f.findings) {
      const list = bySeg.get(finding[0]) || [];
      list.push(finding);
      bySeg.set(finding[0], list);
      for (let n = parentOf[finding[0]] || root; n; n = n.parent) n[finding[2] === "error" ? "errors" : "warnings"]++;
    }
    return { data: f, root, parentOf, bySeg };
  }

  const segId = (f, i) => f.data.segments[i][0];
  const els = (f, i) => f.data.segments[i][2];

  function nodeLabel(f, node) {
    const s = node.first;
    if (node.kind === "isa") {
      const e = els(f, s);
      return ["Interchange", `ISA13 ${e[12] || "?"}  ${(e[5] || "").trim()} → ${(e[7] || "").trim()}  ${e[8] || ""}`];
    }
    if (node.kind === "gs") { const e = els(f, s); return ["Group", `GS06 ${e[5] || "?"}  ${e[0] || ""}  ${e[7] || ""}`]; }
    const [id, name] = D.loops[node.loop];
    if (id === "ST_LOOP") { const e = els(f, s); return [`${e[0] || ""} ${e[1] || ""}`, name]; }
    const first = segId(f, s);
    const claim = (first === "CLM" || first === "CLP") ? `  ${first}01 ${els(f, s)[0]}` : "";
    return [id, name + claim];
  }

  // ---- rendering the tree, lazily ---------------------------------------------------------------------------
  const view = document.createElement("section");
  view.id = "view";

  function renderNode(f, node) {
    const [id, text] = nodeLabel(f, node);
    const head = el("div", { class: "head", tabindex: "0", role: "button", "aria-expanded": "false" },
      el("span", { class: "lid", text: id }), text);
    if (node.errors) head.append(el("span", { class: "badge", text: String(node.errors), title: "errors" }));
    if (node.warnings) head.append(el("span", { class: "badge warning", text: String(node.warnings), title: "warnings" }));
    const kids = el("div", { class: "kids" });
    kids.hidden = true;
    const box = el("div", { class: "node" }, head, kids);
    box.ediNode = node;
    node.box = box;
    node.rendered = 0;
    head.addEventListener("click", () => toggle(f, node));
    head.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(f, node); }
      else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") { ev.preventDefault(); moveFocus(head, ev.key === "ArrowDown" ? 1 : -1); }
      else if (ev.key === "ArrowRight" && !node.open) toggle(f, node);
      else if (ev.key === "ArrowLeft" && node.open) toggle(f, node);
    });
    return box;
  }

  function toggle(f, node, open) {
    const want = open === undefined ? !node.open : open;
    node.open = want;
    node.box.classList.toggle("open", want);
    node.box.firstChild.setAttribute("aria-expanded", String(want));
    const kids = node.box.lastChild;
    kids.hidden = !want;
    if (want && node.rendered === 0) renderKids(f, node, SLICE);
  }

  function renderKids(f, node, upTo) {
    const kids = node.box.lastChild;
    const more = kids.querySelector(":scope > .more");
    if (more) more.remove();
    const end = Math.min(node.kids.length, Math.max(upTo, node.rendered + 1));
    for (let k = node.rendered; k < end; k++) {
      const kid = node.kids[k];
      kids.append(typeof kid === "number" ? renderSegment(f, kid) : renderNode(f, kid));
    }
    node.rendered = end;
    if (end < node.kids.length) {
      kids.append(el("button", { class: "more", text: `show ${Math.min(SLICE, node.kids.length - end)} more of ${node.kids.length - end}`,
        onclick: () => renderKids(f, node, end + SLICE) }));
    }
  }

  function renderSegment(f, i) {
    const s = f.data.segments[i];
    const spec = s[1] >= 0 ? D.specs[s[1]] : null;
    const found = f.bySeg.get(i) || [];
    const bad = new Set(found.map((x) => x[1]).filter((x) => x != null));
    const row = el("div", { class: "seg" + (spec ? "" : " unplaced"), id: `s${f.data.__index}-${i}`, tabindex: "-1" });
    row.append(el("span", { class: "sid", text: s[0] }));
    s[2].forEach((value, n) => {
      const info = spec && spec.el[n];
      row.append("*");
      row.append(el("span", { class: "el" + (bad.has(n + 1) ? " bad" : ""), "data-el": String(n + 1),
        title: info ? `${info[0]} ${info[1]}${info[2] ? " (" + info[2] + ")" : ""}` : `${s[0]}${String(n + 1).padStart(2, "0")}`,
        text: value }));
    });
    row.append(el("span", { class: "sname", text: spec ? spec.name : "not expected here by the guide" }));
    const box = el("div", {}, row);
    row.addEventListener("click", () => toggleElements(f, i, box));
    for (const x of found) box.append(renderFinding(x));
    return box;
  }

  function renderFinding(x) {
    const where = x[1] != null ? ` at element ${x[1]}` : "";
    return el("div", { class: "finding " + x[2] }, el("code", { text: x[3] }), ` ${x[2]}${where}: ${x[4]}`);
  }

  function toggleElements(f, i, box) {
    const open = box.querySelector("table.els");
    if (open) { open.remove(); return; }
    const s = f.data.segments[i];
    const spec = s[1] >= 0 ? D.specs[s[1]] : null;
    const meant = s[5] || {};
    const table = el("table", { class: "els" }, el("tr", {}, el("th", { text: "element" }), el("th", { text: "name" }),
      el("th", { text: "DE" }), el("th", { text: "value" }), el("th", { text: "meaning" })));
    s[2].forEach((value, n) => {
      if (value === "") return;
      const info = spec && spec.el[n];
      const meaning = meant[n + 1] != null ? D.meanings[meant[n + 1]] : "";
      table.append(el("tr", {}, el("td", { text: info ? info[0] : `${s[0]}${String(n + 1).padStart(2, "0")}` }),
        el("td", { text: info ? info[1] : "" }), el("td", { text: info ? info[2] : "" }), el("td", { text: value }),
        el("td", { text: meaning })));
    });
    box.insertBefore(table, box.children[1] || null);
  }

  function moveFocus(head, step) {
    const heads = Array.from(view.querySelectorAll(".head")).filter((h) => h.offsetParent !== null);
    const at = heads.indexOf(head);
    const next = heads[at + step];
    if (next) next.focus();
  }

  // ---- revealing a segment: open its loops, render up to it, scroll, highlight -------------------------------
  function reveal(fi, i, element) {
    show("tree");
    const f = files[fi];
    const chain = [];
    for (let n = f.parentOf[i]; n && n.kind !== "file"; n = n.parent) chain.unshift(n);
    for (const node of chain) {
      toggle(f, node, true);
      const at = node.kids.indexOf(chain[chain.indexOf(node) + 1] ?? i);
      if (at >= node.rendered) renderKids(f, node, at + 1);
    }
    const row = document.getElementById(`s${fi}-${i}`);
    if (!row) return;
    view.querySelectorAll(".hit").forEach((h) => h.classList.remove("hit"));
    const target = element ? row.querySelector(`.el[data-el="${element}"]`) || row : row;
    target.classList.add("hit");
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }

  // ---- search ------------------------------------------------------------------------------------------------
  function search(q) {
    const out = [];
    const needle = q.trim().toUpperCase();
    if (!needle) return out;
    files.forEach((f, fi) => {
      f.data.segments.forEach((s, i) => {
        if (out.length >= 500) return;
        const e = s[2];
        const id = s[0];
        let why = null;
        if ((id === "CLM" || id === "CLP") && (e[0] || "").toUpperCase() === needle) why = `${id}01 ${e[0]}`;
        else if (id === "ISA" && (e[12] || "").trim() === needle) why = `ISA13 ${e[12]}`;
        else if (id === "GS" && e[5] === needle) why = `GS06 ${e[5]}`;
        else if (id === "ST" && e[1] === needle) why = `ST02 ${e[1]}`;
        else if (id === "NM1" && e[7] === "XX" && e[8] === needle) why = `NPI ${e[8]} (${e[2] || ""})`;
        else if (id === needle) why = `${id} segment`;
        if (why) out.push([fi, i, null, why]);
      });
      for (const x of f.data.findings) {
        if (out.length >= 500) break;
        if (x[3].toUpperCase() === needle || x[3].toUpperCase().startsWith(needle + ".")) out.push([fi, x[0], x[1], `${x[3]}: ${x[4]}`]);
      }
    });
    return out;
  }

  function showResults(q) {
    const box = document.getElementById("results");
    box.replaceChildren();
    if (!q.trim()) { box.hidden = true; if (current === "claims") renderClaims(""); return; }
    const found = search(q);
    box.hidden = false;
    box.append(el("div", { class: "stats", text: `${found.length}${found.length >= 500 ? "+" : ""} match(es) for “${q}”` }));
    for (const [fi, i, e, why] of found.slice(0, SLICE)) {
      box.append(el("a", { tabindex: "0", text: `${D.files[fi].name} · segment ${i + 1} · ${why}`,
        onclick: () => reveal(fi, i, e), onkeydown: (ev) => { if (ev.key === "Enter") reveal(fi, i, e); } }));
    }
    if (found.length === 1) reveal(found[0][0], found[0][1], found[0][2]);
    if (current === "claims") renderClaims(q);
  }

  // ---- claims as cards, with each claim's story across the files -------------------------------------------
  const claimsView = el("section", { id: "claims" });
  claimsView.hidden = true;

  function transactionOf(f, seg) {
    for (let n = f.parentOf[seg]; n; n = n.parent) if (n.kind === "loop" && D.loops[n.loop][0] === "ST_LOOP") return els(f, n.first)[1];
    return null;
  }

  function storyOf(fi, card) {
    const items = [];
    const st = card.k === "837" && card.seg >= 0 ? transactionOf(files[fi], card.seg) : null;
    D.files.forEach((other, oi) => {
      if (oi === fi) return;
      for (const key of [`clm:${card.id}`, st ? `st:${st}` : null]) {
        for (const item of (key && other.story[key]) || []) items.push([oi, item]);
      }
    });
    return items;
  }

  function renderCard(fi, card) {
    const c = el("div", { class: "card", id: `c${fi}-${card.seg}` });
    const title = el("h3", {}, `${card.k === "835" ? "Claim payment" : "Claim"} ${card.id}`);
    c.append(title, el("div", { class: "meta", text: D.files[fi].name }));
    if (card.k === "837") {
      c.append(el("div", { text: `Patient ${card.patient || "?"} · payer ${card.payer || "?"} · charge ${card.charge}` }),
        el("div", { class: "meta", text: `Diagnoses: ${card.dx.join(", ") || "none"}` }));
      const t = el("table", {}, el("tr", {}, ...["procedure", "modifiers", "charge", "units", "date"].map((h) => el("th", { text: h }))));
      for (const line of card.lines) t.append(el("tr", {}, ...line.map((v) => el("td", { text: v }))));
      c.append(t);
    } else {
      c.append(el("div", { text: `Status ${card.status}${card.status_name ? " (" + card.status_name + ")" : ""} · charge ${card.charge} · paid ${card.paid} · patient ${card.pr || "0"}` }),
        el("div", { class: card.balanced ? "ok" : "no", text: card.balanced ? "✓ charge = paid + adjustments" : "✗ charge ≠ paid + adjustments" }));
      if (card.adj.length) c.append(el("div", { class: "meta", text: "Claim adjustments: " + card.adj.map(([g, r, a]) => `${g}-${r} ${a} (${D.groups[g] || g})`).join("; ") }));
      const t = el("table", {}, el("tr", {}, ...["service", "charge", "paid", "adjustments"].map((h) => el("th", { text: h }))));
      for (const [code, charge, paid, adj] of card.lines) {
        t.append(el("tr", {}, el("td", { text: code }), el("td", { text: charge }), el("td", { text: paid }),
          el("td", { text: adj.map(([g, r, a]) => `${g}-${r} ${a} (${D.groups[g] || g})`).join("; ") })));
      }
      c.append(t);
    }
    const story = storyOf(fi, card);
    const links = el("div", { class: "story" }, el("a", { text: "segments", onclick: () => reveal(fi, card.seg) }));
    for (const [oi, [kind, seg, status, text]] of story) {
      links.append(el("a", { text: `${kind}: ${text}`, title: D.files[oi].name, onclick: () => reveal(oi, seg) }));
    }
    c.append(links);
    return c;
  }

  function renderClaims(q) {
    claimsView.replaceChildren();
    const needle = (q || "").trim().toUpperCase();
    const all = [];
    D.files.forEach((f, fi) => f.claims.forEach((card) => {
      if (!needle || card.id.toUpperCase().includes(needle)) all.push([fi, card]);
    }));
    if (!all.length) { claimsView.append(el("p", { class: "empty", text: "No claims." })); return; }
    const grid = el("div", { class: "cards" });
    claimsView.append(el("div", { class: "stats", text: `${all.length} claim(s)` }), grid);
    let shown = 0;
    const more = el("button", { class: "more", onclick: () => page() });
    const page = () => {
      for (const [fi, card] of all.slice(shown, shown + 100)) grid.append(renderCard(fi, card));
      shown = Math.min(all.length, shown + 100);
      more.textContent = `show more (${all.length - shown} left)`;
      more.hidden = shown >= all.length;
    };
    claimsView.append(more);
    page();
  }

  // ---- the page -----------------------------------------------------------------------------------------------
  let current = "tree";
  function show(which) {
    current = which;
    view.hidden = which !== "tree";
    claimsView.hidden = which !== "claims";
    for (const b of document.querySelectorAll("header nav button")) b.setAttribute("aria-pressed", String(b.dataset.view === which));
    if (which === "claims" && !claimsView.firstChild) renderClaims(document.getElementById("q").value);
  }

  const allFindings = [];
  files.forEach((f, fi) => f.data.findings.forEach((x) => allFindings.push([fi, x])));
  let cursor = -1;
  function step(by) {
    if (!allFindings.length) return;
    cursor = (cursor + by + allFindings.length) % allFindings.length;
    const [fi, x] = allFindings[cursor];
    reveal(fi, x[0], x[1]);
  }

  D.files.forEach((f, fi) => { f.__index = fi; });
  const errors = allFindings.filter(([, x]) => x[2] === "error").length;
  const header = el("header", {},
    el("h1", { text: "edi html" }),
    el("input", { id: "q", type: "search", placeholder: "Search: CLM01 / CLP01, ISA13 / GS06 / ST02, NPI, segment id, finding code  (press /)",
      "aria-label": "search", onkeydown: (ev) => { if (ev.key === "Enter") showResults(ev.target.value); if (ev.key === "Escape") { ev.target.value = ""; showResults(""); } } }),
    el("nav", {}, el("button", { "data-view": "tree", "aria-pressed": "true", text: "Tree", onclick: () => show("tree") }),
      el("button", { "data-view": "claims", "aria-pressed": "false", text: "Claims", onclick: () => show("claims") })),
    el("span", { class: "stats", text: `${D.files.length} file(s) · ${errors} error(s) · ${allFindings.length - errors} warning(s) · `},
      el("kbd", { text: "n" }), "/", el("kbd", { text: "p" }), " next/previous finding"));
  const outline = el("aside", {}, el("h2", { text: "Outline" }));
  files.forEach((f, fi) => {
    outline.append(el("a", { text: f.data.name, title: f.data.kinds.join(", "), onclick: () => reveal(fi, 0) }));
    for (const isa of f.root.kids.filter((k) => typeof k !== "number")) {
      outline.append(el("a", { class: "pad1", text: nodeLabel(f, isa).join(" "), onclick: () => reveal(fi, isa.first) }));
      for (const gs of isa.kids.filter((k) => typeof k !== "number")) {
        outline.append(el("a", { class: "pad2", text: nodeLabel(f, gs)[1], onclick: () => reveal(fi, gs.first) }));
        const sts = gs.kids.filter((k) => typeof k !== "number");
        for (const st of sts.slice(0, 100)) outline.append(el("a", { class: "pad2", text: "· " + nodeLabel(f, st).join(" "), onclick: () => reveal(fi, st.first) }));
        if (sts.length > 100) outline.append(el("span", { class: "pad2 stats", text: `… ${sts.length - 100} more transaction(s)` }));
      }
    }
  });
  const findingsBox = el("div", { id: "findings" });
  outline.append(el("h2", { text: `Findings (${allFindings.length})` }), findingsBox);
  allFindings.slice(0, 500).forEach(([fi, x], k) => findingsBox.append(el("a", { class: x[2], tabindex: "0",
    title: x[4], text: `${x[3]} · seg ${x[0] + 1}`, onclick: () => { cursor = k; reveal(fi, x[0], x[1]); } })));
  if (allFindings.length > 500) findingsBox.append(el("div", { class: "stats", text: `… ${allFindings.length - 500} more (n steps through all)` }));
  if (!allFindings.length) findingsBox.append(el("div", { class: "empty", text: "none" }));

  const results = el("div", { id: "results", class: "results" });
  results.hidden = true;
  const content = el("div", {}, results, view, claimsView);
  document.body.append(header, el("main", {}, outline, content));
  files.forEach((f) => {
    for (const kid of f.root.kids) view.append(typeof kid === "number" ? renderSegment(f, kid) : renderNode(f, kid));
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "INPUT") return;
    if (ev.key === "/") { ev.preventDefault(); document.getElementById("q").focus(); }
    else if (ev.key === "n") step(1);
    else if (ev.key === "p") step(-1);
  });
  document.body.dataset.ready = "1";
})();
