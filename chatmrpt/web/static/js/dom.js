// Building the page from data. Every value that came from a user or a file (ward names,
// file names, messages) goes into the page as text: elements are made with
// createElement and filled with text nodes, never with innerHTML.

export const $ = (id) => document.getElementById(id);

// The elements a part of the page works with: { name: "element-id" } -> { name: element }.
export function elements(ids) {
  return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, $(id)]));
}

// A form that stays on the page: submitting it calls `fn` instead.
export function onSubmit(form, fn) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    fn();
  });
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function show(el, visible = true) {
  el.hidden = !visible;
}

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });

export function fmtInt(value) {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? "–" : integer.format(n);
}

export function fmtNum(value, digits = 3) {
  const n = Number(value);
  if (value === null || value === undefined || value === "" || !Number.isFinite(n)) return "–";
  // the same number of decimals on every row of a column ("0.790" next to "0.881")
  return n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtPercent(value, digits = 1) {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? "–" : `${n.toFixed(digits)}%`;
}

export function fmtBytes(size) {
  const n = Number(size);
  if (!Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function text(value) {
  return value === null || value === undefined ? "" : String(value);
}

// Why a job (or a run of one) failed, in its own words or `fallback`.
export function failure(run, fallback) {
  return run.error && run.error.message ? text(run.error.message) : fallback;
}

// The largest file the server accepts, and the message for a file above it (or null).
export function maxUploadBytes() {
  return Number(document.body.dataset.maxUploadMb || 50) * 1024 * 1024;
}

export function tooLarge(file, maxBytes) {
  return file.size > maxBytes ? `${file.name} is ${fmtBytes(file.size)}; the most accepted is ${fmtBytes(maxBytes)}.` : null;
}

// One message at a time in the page's alert area (role=alert: read out at once).
export function showAlert(message) {
  const el = $("page-alert");
  el.textContent = message;
  el.hidden = false;
}

export function clearAlert() {
  const el = $("page-alert");
  el.textContent = "";
  el.hidden = true;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// Table rows from row objects; `columns` is [{key, label, num?, format?}].
export function tableRows(rows, columns) {
  return rows.map((row) =>
    h("tr", null, columns.map((c) => {
      const value = row[c.key];
      const shown = c.format ? c.format(value, row) : text(value);
      return h("td", { class: c.num ? "num" : null }, shown);
    })),
  );
}

// A small table from row objects (columns as for tableRows).
export function dataTable(rows, columns, caption) {
  const head = h("tr", null, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label)));
  return h("table", { class: "data-table" },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h("thead", null, head), h("tbody", null, tableRows(rows, columns)));
}

export function categoryBadge(value) {
  const name = text(value);
  if (!["High", "Medium", "Low"].includes(name)) return name || "–";
  return h("span", { class: `cat cat-${name}` }, name);
}
