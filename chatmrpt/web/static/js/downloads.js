// Downloads: each button asks the server to make (or find) the file, then downloads it;
// the list shows every file of the session (uploads, results, exports).

import { clear, elements, fmtBytes, fmtInt, h, text } from "./dom.js";

const LABELS = {
  unified: "the unified dataset",
  rankings: "the rankings",
  itn_plan: "the ITN plan",
  map: "the map",
  plot: "the chart",
  report: "the report",
};

function download(url, name) {
  const link = h("a", { href: url, download: name || true, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

export class Downloads {
  constructor(page, results) {
    this.page = page;
    this.results = results;
    Object.assign(this, elements({ list: "artifact-list", status: "downloads-status" }));
    this.buttons = [...document.querySelectorAll("#export-buttons button[data-what]")];
    this.listing = 0;
    for (const button of this.buttons) {
      button.addEventListener("click", () => this.export(button));
    }
    for (const name of ["analysis", "plan", "shown", "dataset"]) page.on(name, () => this.sync());
    page.on("files", () => this.refreshList());
  }

  sync() {
    const analysis = this.page.analysis;
    for (const button of this.buttons) {
      const needs = button.dataset.needs;
      let ok = Boolean(analysis);
      if (needs === "boundaries") ok = ok && this.page.analysisHasBoundaries;
      if (needs === "plan") ok = Boolean(this.page.planId);
      // the files of a map are per ward: not offered for a map of LGA averages
      if (needs === "map") ok = ok && Boolean(this.results.currentMap) && this.results.currentMap.by !== "lga";
      if (needs === "plot") ok = ok && Boolean(this.results.currentPlot);
      button.disabled = !ok;
    }
  }

  async export(button) {
    const what = button.dataset.what;
    const body = { what, format: button.dataset.format };
    if (this.page.analysis && what !== "itn_plan") body.analysis_id = this.page.analysis.analysis_id;
    if (what === "itn_plan" && this.page.planId) body.plan_id = this.page.planId;
    const shown = what === "map" ? this.results.currentMap : what === "plot" ? this.results.currentPlot : null;
    if (shown) {
      body.kind = shown.kind;
      if (shown.variable) body.variable = shown.variable;
      if (shown.threshold !== null && shown.threshold !== undefined) body.threshold = shown.threshold;
      if (shown.plan_id) body.plan_id = shown.plan_id;
      if (shown.n) body.n = shown.n;
    }
    button.disabled = true;
    this.status.textContent = `Preparing ${LABELS[what] || "the file"} (${button.textContent})…`;
    try {
      const answer = await this.page.api.post(this.page.api.session("/exports"), body);
      const art = answer.artifact;
      download(art.url, text(art.name));
      this.status.textContent = `Downloading ${text(art.name)} (${fmtBytes(art.size)}).`;
      this.refreshList();
    } catch (err) {
      this.status.textContent = err.message;
    } finally {
      this.sync();
    }
  }

  async refreshList() {
    if (!this.page.api.sessionId) return;
    const ticket = ++this.listing;
    let body;
    try {
      body = await this.page.api.get(this.page.api.session("/artifacts"));
    } catch {
      return;
    }
    if (ticket !== this.listing) return;
    clear(this.list);
    const groups = groupFiles(body.artifacts || [], this.page.session || {});
    if (!groups.length) {
      this.list.append(h("li", { class: "muted" }, "No files yet."));
      return;
    }
    for (const group of groups) {
      const main = group.files.filter((a) => !isTechnical(a));
      const more = group.files.filter(isTechnical);
      this.list.append(h("li", { class: "run", "data-run": group.kind },
        h("span", { class: "run-label" }, group.label),
        group.details ? h("span", { class: "run-details muted small" }, ` ${group.details}`) : null,
        group.at ? h("span", { class: "run-time muted small" }, ` · ${fmtTime(group.at)}`) : null,
        main.length ? h("ul", { class: "run-files" }, main.map(fileItem)) : null,
        more.length
          ? h("details", { class: "more-formats" },
            h("summary", null, `More formats (${more.length})`),
            h("ul", { class: "run-files" }, more.map(fileItem)))
          : null));
    }
  }
}

// formats for other software (JSON, GeoParquet...), offered under "More formats"
const TECHNICAL = /\.(json|parquet|geoparquet|geojson)$/i;

function isTechnical(art) {
  return TECHNICAL.test(text(art.name));
}

function fileItem(art) {
  return h("li", null,
    h("a", { href: art.url, download: text(art.name) || true }, text(art.name) || "file"),
    art.size ? ` (${fmtBytes(art.size)})` : "");
}

function fmtTime(seconds) {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function planDetails(p) {
  const parts = [];
  if (p.total_nets !== undefined) parts.push(`${fmtInt(p.total_nets)} nets`);
  if (p.household_size) parts.push(`households of ${p.household_size}`);
  if (p.strategy) parts.push(STRATEGIES[p.strategy] || text(p.strategy));
  if (p.urban_threshold !== null && p.urban_threshold !== undefined) parts.push(`urban above ${p.urban_threshold}%`);
  return parts.join(", ");
}

const STRATEGIES = {
  stop: "stopping at the first ward that does not fit",
  continue: "skipping wards that do not fit",
  capped: "each ward's share capped",
  proportional: "shared in proportion to each ward's need",
};

// The session's files by the run that made them: the data, the analysis, each plan, each
// reprioritisation, each TPR run; maps, charts and reports of the analysis go with it.
export function groupFiles(artifacts, session) {
  const runs = new Map();
  const add = (key, make) => {
    if (!runs.has(key)) runs.set(key, { key, files: [], ...make() });
    return runs.get(key);
  };
  const datasets = new Map((session.datasets || []).map((d) => [d.dataset_id, d]));
  const analyses = new Map((session.analyses || []).map((a) => [a.analysis_id, a]));
  const plans = new Map((session.plans || []).map((p) => [p.plan_id, p]));
  const repris = new Map((session.reprioritizations || []).map((r) => [r.reprioritization_id, r]));
  const tprs = new Map((session.tpr || []).map((t) => [t.tpr_id, t]));
  const covariates = new Map((session.covariates || []).map((c) => [c.covariates_id, c]));
  for (const art of artifacts) {
    const by = art.produced_by || {};
    const id = by.id;
    let run;
    if (by.kind === "upload") {
      const d = datasets.get(by.dataset_id) || {};
      run = add(`data:${by.dataset_id}`, () => ({
        kind: "data", label: "Your data", details: [d.table, d.boundaries].filter(Boolean).map(text).join(" and "),
        at: d.created_at,
      }));
    } else if (analyses.has(id)) {
      const a = analyses.get(id);
      const d = datasets.get(a.dataset_id) || {};
      run = add(`analysis:${id}`, () => ({
        kind: "analysis", label: "Analysis", details: d.table ? `of ${text(d.table)}` : "", at: a.created_at,
      }));
    } else if (plans.has(id)) {
      const p = plans.get(id);
      run = add(`plan:${id}`, () => ({ kind: "plan", label: "ITN plan", details: planDetails(p.params || {}), at: p.created_at }));
    } else if (repris.has(id)) {
      const r = repris.get(id);
      const p = r.params || {};
      const details = [
        p.target !== undefined ? `up to ${p.target}% of the population` : "",
        (p.thresholds || []).length ? `urban thresholds ${p.thresholds.join(", ")}%` : "",
      ].filter(Boolean).join(", ");
      run = add(`repri:${id}`, () => ({ kind: "reprioritization", label: "Urban reprioritisation", details, at: r.created_at }));
    } else if (tprs.has(id)) {
      const t = tprs.get(id);
      const summary = t.summary || {};
      const details = [t.file ? `from ${text(t.file)}` : "", summary.variable ? `column ${text(summary.variable)}` : ""]
        .filter(Boolean).join(", ");
      run = add(`tpr:${id}`, () => ({ kind: "tpr", label: "Test positivity rates", details, at: t.created_at }));
    } else if (covariates.has(id)) {
      const c = covariates.get(id);
      run = add(`covariates:${id}`, () => ({ kind: "covariates", label: "Ward values from rasters", details: "", at: c.created_at }));
    } else {
      run = add("other", () => ({ kind: "other", label: "Maps, charts and reports", details: "", at: null }));
    }
    run.files.push(art);
    if (!run.at || (art.created_at && run.kind === "other" && art.created_at > run.at)) {
      run.at = run.at || art.created_at;
    }
  }
  return [...runs.values()].sort((a, b) => (b.at || 0) - (a.at || 0));
}
