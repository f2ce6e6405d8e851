// The map and chart panels: pickers that ask the views API for a stored map or chart, and
// the maps and charts the conversation produced. Both are Plotly JSON drawn by charts.js.

import { drawMap, drawPlot, plotlyLoaded, purge } from "./charts.js";
import { $, clear, h, show, text } from "./dom.js";

const LIBRARY_NOTE = "Loading the map library (about 1.4 MB, once per visit)…";
// the maps and charts the chat can save (the service's map and chart kinds)
const MAP_KINDS = ["composite", "pca", "category", "consensus", "variable", "urban", "itn"];
const CHART_KINDS = ["model_scores", "rank_comparison", "itn_by_lga"];

export class Results {
  constructor(page) {
    this.page = page;
    this.currentMap = null;
    this.currentPlot = null;
    this.lastDrawn = null;
    this.mapRequest = 0;
    this.plotRequest = 0;
    this.mapKind = $("map-kind");
    this.mapVariable = $("map-variable");
    this.mapThreshold = $("map-threshold");
    this.plotKind = $("plot-kind");
    this.plotN = $("plot-n");
    this.mapKind.addEventListener("change", () => this.syncMapFields());
    // A choice made in the picker is the user's: a map already on its way when they made
    // it (the one after an analysis, one from the chat) does not put the picker back to
    // itself when it is drawn, so Show map shows what the picker names.
    this.pickerEdits = 0;
    for (const field of [this.mapKind, this.mapVariable, $("map-by"), this.mapThreshold]) {
      field.addEventListener("change", () => { this.pickerEdits += 1; });
    }
    // the street map is offered only when the server names a tile source
    this.basemapUrl = document.body.dataset.basemap || "";
    this.basemapBox = $("map-basemap");
    show($("basemap-field"), Boolean(this.basemapUrl));
    this.basemapBox.addEventListener("change", () => {
      // the same map again: the picker stays as the user left it
      if (this.shownMap) this.renderMap(this.shownMap, null).catch((err) => this.mapFailed(err));
    });
    this.plotKind.addEventListener("change", () => this.syncPlotFields());
    $("map-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.showMap(null, false).catch((err) => this.mapFailed(err));
    });
    $("plot-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.showPlot().catch((err) => this.plotFailed(err));
    });
    page.on("analysis", (analysis) => this.setAnalysis(analysis));
    page.on("plan", () => this.syncOptions());
  }

  get analysis() {
    return this.page.analysis;
  }

  setAnalysis(analysis) {
    const summary = (analysis && analysis.summary) || {};
    // the variable chosen stays chosen if the new analysis has it
    const chosen = this.mapVariable.value;
    clear(this.mapVariable);
    const used = (summary.variables || []).map((v) => text(v.name));
    const inAnalysis = h("optgroup", { label: "In the analysis" });
    for (const v of summary.variables || []) {
      inAnalysis.append(h("option", { value: text(v.name) }, `${text(v.name)} (${text(v.direction)})`));
    }
    this.mapVariable.append(inAnalysis);
    // the other columns of the analysed table can be mapped too
    const dataset = this.page.dataset;
    const others = analysis && dataset && dataset.dataset_id === analysis.dataset_id
      ? (dataset.variables || []).map(text).filter((name) => !used.includes(name))
      : [];
    if (others.length) {
      this.mapVariable.append(h("optgroup", { label: "Other columns" },
        others.map((name) => h("option", { value: name }, name))));
    }
    if ([...this.mapVariable.options].some((o) => o.value === chosen)) this.mapVariable.value = chosen;
    const mapsOk = Boolean(analysis) && this.page.analysisHasBoundaries;
    $("map-status").textContent = !analysis
      ? "Maps appear here once the analysis has run on data with boundaries."
      : mapsOk
        ? "Choose a map and press Show map."
        : "This analysis has no ward boundaries, so it has no maps. Upload the boundaries with the table to get maps.";
    $("plot-status").textContent = analysis
      ? "Choose a chart and press Show chart."
      : "Charts appear here once the analysis has run.";
    this.syncOptions();
    if (!analysis) {
      this.clearMap();
      return;
    }
    if (!mapsOk) return;
    // the map shown last for this analysis (after a reload), else the vulnerability map;
    // a new analysis of this visit is brought into view
    const stored = this.storedMap();
    const wanted = stored && stored.analysis_id === analysis.analysis_id ? stored : { kind: "composite" };
    const scroll = Boolean(this.page.loaded);
    this.showMap(wanted, scroll).catch((err) => {
      // a map remembered from before that cannot be made now: the vulnerability map
      if (wanted.kind !== "composite") {
        this.showMap({ kind: "composite" }, scroll).catch((again) => this.mapFailed(again));
      } else this.mapFailed(err);
    });
  }

  storageKey() {
    return `chatmrpt.map.${this.page.api.sessionId}`;
  }

  storedMap() {
    try {
      const raw = window.localStorage.getItem(this.storageKey());
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  storeMap(view) {
    try {
      window.localStorage.setItem(this.storageKey(), JSON.stringify(view));
    } catch {
      // no storage: a reload shows the vulnerability map
    }
  }

  clearMap() {
    this.mapRequest += 1;
    $("map-panel").removeAttribute("aria-busy");
    this.shownMap = null;
    this.currentMap = null;
    purge($("map"));
    show($("map-figure"), false);
  }

  // the picker names the map shown, whichever way it came (picker, chat, reload)
  syncPicker(kind, view) {
    const option = [...this.mapKind.options].find((o) => o.value === kind);
    if (option) {
      option.disabled = false;
      this.mapKind.value = kind;
    }
    if (kind === "variable" && view.variable) {
      if (![...this.mapVariable.options].some((o) => o.value === view.variable)) {
        this.mapVariable.append(h("option", { value: view.variable }, view.variable));
      }
      this.mapVariable.value = view.variable;
      $("map-by").value = view.by === "lga" ? "lga" : "ward";
    }
    if (kind === "urban" && view.threshold !== null && view.threshold !== undefined) {
      const t = String(Math.round(Number(view.threshold)));
      if ([...this.mapThreshold.options].some((o) => o.value === t)) this.mapThreshold.value = t;
    }
    this.syncMapFields();
  }

  syncOptions() {
    const analysis = this.analysis;
    const summary = (analysis && analysis.summary) || {};
    const pca = Boolean(summary.pca_suitable);
    const mapsOk = Boolean(analysis) && this.page.analysisHasBoundaries;
    for (const option of this.mapKind.options) {
      if (option.value === "pca" || option.value === "consensus") option.disabled = !pca;
      if (option.value === "itn") option.disabled = !this.page.planId;
      if (option.value === "variable") option.disabled = !(summary.variables || []).length;
    }
    for (const option of this.plotKind.options) {
      if (option.value === "rank_comparison") option.disabled = !pca;
      if (option.value === "coverage_by_lga") option.disabled = !this.page.planId;
      if (option.value === "model_maps") option.disabled = !mapsOk || (summary.variables || []).length < 2;
    }
    for (const select of [this.mapKind, this.plotKind]) {
      if (select.selectedOptions[0] && select.selectedOptions[0].disabled) select.value = select.options[0].value;
    }
    this.mapKind.disabled = !mapsOk;
    $("map-show").disabled = !mapsOk;
    this.plotKind.disabled = !analysis;
    $("plot-show").disabled = !analysis;
    this.syncMapFields();
    this.syncPlotFields();
  }

  syncMapFields() {
    show($("map-variable-field"), this.mapKind.value === "variable");
    show($("map-by-field"), this.mapKind.value === "variable");
    show($("map-threshold-field"), this.mapKind.value === "urban");
  }

  syncPlotFields() {
    show($("plot-n-field"), this.plotKind.value === "model_scores");
  }

  libraryNote(statusEl) {
    if (!plotlyLoaded()) statusEl.textContent = LIBRARY_NOTE;
  }

  // the map chosen in the picker, or `wanted` ({kind, variable, threshold, plan_id})
  async showMap(wanted = null, scroll = false) {
    const analysis = this.analysis;
    if (!analysis || !this.page.analysisHasBoundaries) return;
    const kind = wanted ? wanted.kind : this.mapKind.value;
    const query = new URLSearchParams();
    if (kind === "variable") {
      query.set("variable", wanted ? wanted.variable : this.mapVariable.value);
      const by = wanted ? wanted.by : $("map-by").value;
      if (by === "lga") query.set("by", "lga");
    }
    if (kind === "urban") query.set("threshold", wanted ? wanted.threshold : this.mapThreshold.value);
    const planId = wanted && wanted.plan_id ? wanted.plan_id : this.page.planId;
    if (kind === "itn" && planId) query.set("plan_id", planId);
    const qs = query.toString();
    const url = this.page.api.session(`/analyses/${analysis.analysis_id}/maps/${kind}${qs ? `?${qs}` : ""}`);
    const edits = this.pickerEdits;
    await this.figureRequest("map", url, "Preparing the map…", async (map) => {
      await this.renderMap(map, edits);
      if (scroll) this.bringIntoView("map-figure");
    });
  }

  // One request for the map or the chart panel ("map" or "plot"): the panel is marked
  // aria-busy from the request until the figure is drawn (and brought into view), and a
  // figure whose request a newer one for the same panel overtook is not drawn.
  async figureRequest(which, url, note, draw) {
    const counter = `${which}Request`;
    const ticket = ++this[counter];
    const panel = $(`${which}-panel`);
    panel.setAttribute("aria-busy", "true");
    try {
      if (note) {
        const status = $(`${which}-status`);
        status.textContent = note;
        this.libraryNote(status);
      }
      const body = await this.page.api.get(url);
      if (ticket === this[counter]) await draw(body);
    } finally {
      if (ticket === this[counter]) panel.removeAttribute("aria-busy");
    }
  }

  // A map or chart just made for the user is brought to where they look, once it is drawn,
  // and kept there while the page settles around it (a reply's buttons, a job's row, a
  // table or another figure drawn above it, a phone's toolbar), however long that takes on
  // a busy machine, until the user scrolls, types or taps, or another figure comes.
  bringIntoView(id) {
    if (this.stopKeeping) this.stopKeeping();
    const el = $(id);
    if (!el || el.hidden) return;
    const place = () => {
      if (el.hidden) return;
      const r = el.getBoundingClientRect();
      // a figure taller than the screen is in view when its top is
      const inView = r.top >= -1 && (r.bottom <= window.innerHeight + 1 || r.top <= 1);
      if (!inView) el.scrollIntoView({ block: "nearest", inline: "nearest" });
    };
    place();
    // what can move it: its own size, and the size of anything before it on the page
    const observer = new ResizeObserver(place);
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      observer.observe(node);
      for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
        observer.observe(before);
      }
    }
    const events = ["wheel", "touchstart", "keydown", "pointerdown"];
    const stop = () => {
      observer.disconnect();
      window.removeEventListener("resize", place);
      for (const name of events) window.removeEventListener(name, stop, true);
      if (this.stopKeeping === stop) this.stopKeeping = null;
    };
    window.addEventListener("resize", place);
    for (const name of events) window.addEventListener(name, stop, { capture: true, passive: true });
    this.stopKeeping = stop;
  }

  basemap() {
    if (!this.basemapUrl || !this.basemapBox.checked) return null;
    return { url: this.basemapUrl, attribution: document.body.dataset.basemapAttribution || "" };
  }

  // `edits`: this.pickerEdits when the map was asked for; the picker names the map drawn
  // unless the user changed it since (null: never, the map is the one shown already)
  async renderMap(map, edits) {
    const status = $("map-status");
    this.libraryNote(status);
    const figure = $("map-figure");
    const ticket = this.mapRequest;
    show(figure, true);
    // title, legend and status change together with the map, or not at all
    $("map-title").textContent = text(map.title);
    $("map-subtitle").textContent = text(map.subtitle);
    $("map-notes").textContent = (map.notes || []).map(text).filter(Boolean).join(" ");
    $("map").setAttribute("aria-label", `Ward map: ${text(map.title)}`);
    this.shownMap = map;
    await drawMap($("map"), map, this.basemap());
    if (ticket !== this.mapRequest) return;
    status.textContent = `Showing: ${text(map.title)}. Hover or tap a ward for its name, rank and values.`;
    const view = map.view || {};
    this.currentMap = {
      kind: map.kind,
      variable: view.variable || null,
      threshold: view.threshold ?? null,
      plan_id: view.plan_id || null,
      by: view.by || "ward",
    };
    this.lastDrawn = "map";
    if (edits === this.pickerEdits) this.syncPicker(map.kind, this.currentMap);
    if (this.analysis) this.storeMap({ analysis_id: this.analysis.analysis_id, ...this.currentMap });
    this.page.emit("shown", null);
  }

  mapFailed(err) {
    // no half-drawn or earlier map under the new title
    this.clearMap();
    $("map-status").textContent = `The map could not be drawn: ${err && err.message ? err.message : err}`;
  }

  async showPlot() {
    const analysis = this.analysis;
    if (!analysis) return;
    const kind = this.plotKind.value;
    let url;
    let current;
    if (kind === "model_maps") {
      await this.showModelMaps();
      return;
    }
    if (kind === "coverage_by_lga") {
      url = this.page.api.session(`/itn-plans/${this.page.planId}/plots/coverage_by_lga`);
      current = { kind: "itn_by_lga", plan_id: this.page.planId };
    } else {
      const n = Math.max(1, Math.min(100, Math.round(Number(this.plotN.value) || 20)));
      const qs = kind === "model_scores" ? `?n=${n}` : "";
      url = this.page.api.session(`/analyses/${analysis.analysis_id}/plots/${kind}${qs}`);
      current = { kind, n };
    }
    await this.figureRequest("plot", url, "Preparing the chart…", (plot) => this.renderPlot(plot, current));
  }

  // one small map per composite model: a picture made on the server (no map library)
  async showModelMaps() {
    const status = $("plot-status");
    const ticket = ++this.plotRequest;
    status.textContent = "Drawing one map per model…";
    const columns = $("plot").clientWidth < 600 && $("plot-panel").clientWidth < 600 ? 2 : 4;
    const src = this.page.api.session(`/analyses/${this.analysis.analysis_id}/model-maps?columns=${columns}`);
    const img = $("plot-image");
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error("The model maps could not be made; try again."));
      img.src = src;
    });
    if (ticket !== this.plotRequest) return;
    $("plot-panel").removeAttribute("aria-busy");
    purge($("plot"));
    show($("plot"), false);
    show(img, true);
    show($("plot-figure"), true);
    const title = "Each model's scores, one map per model";
    $("plot-title").textContent = title;
    $("plot-subtitle").textContent = "Each small map is one composite model, named by its variables.";
    img.alt = `${title}: small maps of the wards, one per combination of the analysis' variables.`;
    status.textContent = `Showing: ${title}.`;
    this.currentPlot = null;
    this.page.emit("shown", null);
    this.page.emit("files", null);
  }

  async renderPlot(plot, current) {
    const status = $("plot-status");
    this.libraryNote(status);
    show($("plot-image"), false);
    show($("plot"), true);
    show($("plot-figure"), true);
    $("plot-title").textContent = text(plot.title);
    $("plot-subtitle").textContent = text(plot.subtitle);
    await drawPlot($("plot"), plot);
    $("plot").setAttribute("aria-label", `Chart: ${text(plot.title)}`);
    status.textContent = `Showing: ${text(plot.title)}.`;
    this.currentPlot = current;
    this.lastDrawn = "plot";
    this.page.emit("shown", null);
  }

  // The figure drawn last, sent with each chat message: "save that map" means what the
  // analyst sees, also a map the page drew by itself (the vulnerability map after an
  // analysis) or one picked here. Null when nothing the chat can export is shown.
  onScreen() {
    const m = this.currentMap;
    const map = m && MAP_KINDS.includes(m.kind)
      ? { kind: "map", what: m.kind, variable: m.variable || null,
          threshold: m.kind === "urban" && m.threshold !== null && m.threshold !== "" ? Number(m.threshold) : null }
      : null;
    const p = this.currentPlot;
    if (this.lastDrawn === "plot" && p && CHART_KINDS.includes(p.kind)) {
      return { kind: "chart", what: p.kind, map };
    }
    return map;
  }

  plotFailed(err) {
    $("plot-status").textContent = err.message;
  }

  // a map or chart a chat reply made (a stored artifact, fetched compressed for drawing)
  async showArtifact(art, scroll = false) {
    const url = this.page.api.session(`/figures/${encodeURIComponent(art.id)}`);
    if (art.kind === "map") {
      const edits = this.pickerEdits;
      await this.figureRequest("map", url, null, async (map) => {
        await this.renderMap(map, edits);
        if (scroll) this.bringIntoView("map-figure");
      });
      return;
    }
    const name = text(art.name);
    const top = /^model_scores_top(\d+)/.exec(name);
    const current = top
      ? { kind: "model_scores", n: Number(top[1]) }
      : name.startsWith("itn_by_lga")
        ? { kind: "itn_by_lga", plan_id: this.page.planId }
        : { kind: "rank_comparison" };
    await this.figureRequest("plot", url, null, async (plot) => {
      await this.renderPlot(plot, current);
      if (scroll) this.bringIntoView("plot-figure");
    });
  }
}
