// Downloads: each button asks the server to make (or find) the file, then downloads it;
// the list shows every file of the session (uploads, results, exports).

import { $, clear, fmtBytes, h, text } from "./dom.js";

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
    this.list = $("artifact-list");
    this.status = $("downloads-status");
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
      if (needs === "map") ok = ok && Boolean(this.results.currentMap);
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
    const items = [...(body.artifacts || [])].sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
    clear(this.list);
    if (!items.length) {
      this.list.append(h("li", { class: "muted" }, "No files yet."));
      return;
    }
    for (const art of items) {
      this.list.append(h("li", null,
        h("a", { href: art.url, download: text(art.name) || true }, text(art.name) || "file"),
        art.size ? ` (${fmtBytes(art.size)})` : ""));
    }
  }
}
