// Field data, as guided steps after the ward data:
//
// * "Add environmental variables": the deployment's raster library (GET /api/rasters) as
//   checkboxes; the chosen rasters go to POST .../datasets/{id}/covariates (a job). Its
//   progress shows here, then what was added (the join report); the result is a new
//   dataset of the session.
// * "Build the ward table from a facility export": a DHIS2 facility export and the ward
//   boundaries (with population rasters or a population table, a built-up raster) go to
//   POST .../prepared-datasets (a job) and come back as the session's ward table. With
//   "several years", a year selector shows the burden (or TPR) map of each year and the
//   per-year tables, trend and rankings are offered for download.

import { $, clear, elements, failure, fmtInt, h, maxUploadBytes, onSubmit, show, text } from "./dom.js";

const POLL_MS = 800;
const DONE = new Set(["succeeded", "failed"]);

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percent(value) {
  return `${Math.round(Math.max(0, Math.min(1, Number(value) || 0)) * 100)}%`;
}

export class Field {
  constructor(page) {
    this.page = page;
    this.rasters = [];
    this.dataset = null;
    this.busy = { covariates: false, prepare: false };
    this.shownPrepare = null;
    this.maxBytes = maxUploadBytes();
    Object.assign(this, elements({
      layers: "field-layers", layerList: "field-layer-list", layerButton: "field-layer-button",
      prepareForm: "field-prepare-form", prepareButton: "field-prepare-button",
      years: "field-years", yearSelect: "field-year", yearMap: "field-year-map", yearFiles: "field-year-files",
    }));
    // each step's status line, progress bar and report (by its key in this.busy)
    this.steps = {};
    for (const [step, prefix] of [["covariates", "field-layer"], ["prepare", "field-prepare"]]) {
      this.steps[step] = elements({ status: `${prefix}-status`, progress: `${prefix}-progress`, report: `${prefix}-report` });
    }

    this.layerButton.addEventListener("click", () => this.addLayers().catch((err) => this.failed(err, "covariates")));
    this.layerList.addEventListener("change", () => this.update());
    onSubmit(this.prepareForm, () => this.prepare().catch((err) => this.failed(err, "prepare")));
    this.prepareForm.addEventListener("change", () => this.update());
    this.yearSelect.addEventListener("change", () => this.showYear());
    page.on("ready", () => {
      this.ready = true;
      this.loadLibrary().catch((err) => page.fail(err));
      this.update();
    });
    page.on("dataset", (dataset) => {
      this.dataset = dataset;
      this.update();
    });
    page.on("files", () => this.restoreYears());
  }

  failed(err, step) {
    this.steps[step].status.textContent = `Failed: ${err && err.message ? err.message : String(err)}`;
    this.busy[step] = false;
    this.update();
  }

  // a step's run starts: busy, its report cleared, its progress bar at 0
  begin(step, message) {
    const { status, progress, report } = this.steps[step];
    this.busy[step] = true;
    clear(report);
    this.update();
    show(progress, true);
    progress.value = 0;
    status.textContent = message;
  }

  // a step's run has ended: true when it succeeded; otherwise its status line says why not
  end(step, run, fallback) {
    const { status, progress } = this.steps[step];
    this.busy[step] = false;
    show(progress, false);
    if (run.status === "failed") status.textContent = `Failed: ${failure(run, fallback)}`;
    return run.status !== "failed";
  }

  update() {
    const hasShapes = Boolean(this.dataset && this.dataset.has_boundaries);
    const chosen = this.layerList.querySelectorAll("input:checked").length;
    this.layerButton.disabled = !this.ready || this.busy.covariates || !hasShapes || !chosen;
    const layerStatus = this.steps.covariates.status;
    if (!this.busy.covariates && !layerStatus.dataset.result) {
      layerStatus.textContent = !this.rasters.length
        ? "This service has no raster library."
        : hasShapes
          ? chosen ? `${chosen} chosen.` : "Choose the variables to add."
          : "Upload a ward table with its boundaries first: the rasters are summarised per ward.";
    }
    const form = this.prepareForm.elements;
    const byYear = form.by_year.checked;
    form.trend_threshold.disabled = !byYear;
    form.per_year.disabled = !byYear;
    this.prepareButton.disabled =
      !this.ready || this.busy.prepare || !form.export.files.length || !form.boundaries.files.length;
  }

  async loadLibrary() {
    const library = await this.page.api.get("/api/rasters");
    this.rasters = Array.isArray(library.rasters) ? library.rasters : [];
    clear(this.layerList);
    show(this.layers, this.rasters.length > 0);
    for (const raster of this.rasters) {
      const id = `field-layer-${raster.name}`;
      const details = [raster.unit, raster.year, raster.source].filter(Boolean).map(text).join(", ");
      this.layerList.append(
        h("li", {},
          h("input", { type: "checkbox", id, value: text(raster.name) }),
          h("label", { for: id }, text(raster.title || raster.name),
            details ? h("span", { class: "muted" }, ` (${details})`) : null)),
      );
    }
    this.update();
  }

  async poll(url, bar, status, label) {
    for (;;) {
      const run = await this.page.api.get(url);
      bar.value = Number(run.progress) || 0;
      if (DONE.has(run.status)) return run;
      const stage = run.stage ? `: ${text(run.stage)}` : "";
      status.textContent = `${label} ${percent(run.progress)}${stage}`;
      await sleep(POLL_MS);
    }
  }

  async addLayers() {
    const names = [...this.layerList.querySelectorAll("input:checked")].map((el) => el.value);
    if (!names.length || !this.dataset) return;
    const { status, progress, report } = this.steps.covariates;
    delete status.dataset.result;
    this.begin("covariates", "Starting…");
    const api = this.page.api;
    const run = await api.post(api.session(`/datasets/${this.dataset.dataset_id}/covariates`), { rasters: names });
    const done = DONE.has(run.status)
      ? run
      : await this.poll(api.session(`/covariates/${run.covariates_id}`), progress, status,
        "Summarising the rasters per ward…");
    status.dataset.result = done.status;
    if (this.end("covariates", done, "the rasters could not be used")) {
      status.textContent = "Done: the variables are columns of a new ward table, now the current one.";
      report.append(this.layerSummary(done.summary || {}));
      this.page.emit("note", {
        text: `Added ${names.length} environmental variable(s) to the ward table; run the analysis again to use them.`,
        suggestions: ["Run the analysis"],
      });
    }
    this.update();
    this.page.refresh();
  }

  layerSummary(summary) {
    const rows = (summary.added || []).map((a) =>
      h("li", {}, h("code", {}, text(a.column)),
        a.direction ? ` (${text(a.direction)}: higher means ${a.direction === "inverse" ? "less" : "more"} risk)` : ""));
    const warnings = (summary.warnings || []).map((w) => h("li", { class: "warning" }, text(w)));
    return h("div", { class: "field-report" },
      h("p", {}, `${fmtInt(summary.wards)} wards; added:`),
      h("ul", {}, ...rows),
      warnings.length ? h("ul", { class: "warnings" }, ...warnings) : null);
  }

  async prepare() {
    const form = this.prepareForm.elements;
    const data = new FormData();
    for (const name of ["export", "boundaries", "population", "population_u5", "population_women", "urban"]) {
      const file = form[name].files[0];
      if (!file) continue;
      if (file.size > this.maxBytes) throw new Error(`${file.name} is too large for this service.`);
      data.append(name, file, file.name);
    }
    for (const name of ["age", "facility_level", "test"]) data.append(name, form[name].value);
    if (form.by_year.checked) {
      data.append("by_year", "true");
      data.append("trend_threshold", form.trend_threshold.value || "5");
      data.append("per_year", form.per_year.checked ? "true" : "false");
    }
    const { status, progress, report } = this.steps.prepare;
    this.begin("prepare", "Uploading…");
    const api = this.page.api;
    const run = await api.upload(api.session("/prepared-datasets"), data, (fraction) => {
      status.textContent = `Uploading… ${percent(fraction)}`;
    });
    const url = api.session(`/prepared-datasets/${run.prepare_id}`);
    const done = DONE.has(run.status)
      ? await api.get(url)
      : await this.poll(url, progress, status, "Building the ward table…");
    if (this.end("prepare", done, "the files could not be used")) {
      status.textContent = "Done: the ward table is the session's current data.";
      report.append(this.prepareSummary(done.summary || {}));
      this.showYears(done);
      this.page.emit("note", {
        text: "The ward table was built from the facility export; run the analysis to rank the wards.",
        suggestions: ["Run the analysis"],
      });
    }
    this.update();
    this.page.refresh();
  }

  prepareSummary(s) {
    const lines = [
      `${fmtInt(s.wards)} wards; ${fmtInt(s.tpr_wards_matched)} have facility data.`,
    ];
    const planning = s.planning || {};
    lines.push(planning.population ? `Population: ${text(planning.population.source)}.`
      : "Population: none given (no burden per 1,000, no net planning).");
    for (const [key, label] of [["population_u5", "Under-five population"], ["population_women", "Women 15–49"]]) {
      if (planning[key]) lines.push(`${label}: ${text(planning[key].source)}.`);
    }
    if (planning.urban_share) lines.push(`Urban share: ${text(planning.urban_share.source)}.`);
    if (s.burden && s.burden.computed) lines.push(`Burden per 1,000: ${text(s.burden.rule)}.`);
    const years = s.years;
    if (years && years.trend) {
      const counts = Object.entries(years.trend.counts || {}).map(([k, v]) => `${k.replace("_", " ")} ${fmtInt(v)}`);
      lines.push(`Years ${years.years.join(", ")}; trend per ward (${text(years.trend.rule)}): ${counts.join(", ")}.`);
    }
    const warnings = (s.warnings || []).slice(0, 8).map((w) => h("li", { class: "warning" }, text(w)));
    return h("div", { class: "field-report" },
      h("ul", {}, ...lines.map((l) => h("li", {}, l))),
      warnings.length ? h("ul", { class: "warnings" }, ...warnings) : null);
  }

  // A prepared run by year: its year selector, maps and per-year files.
  showYears(run) {
    const summary = run.summary || {};
    const maps = summary.year_maps || {};
    const years = Object.keys(maps).sort();
    if (years.length < 1) return;
    this.shownPrepare = run.prepare_id;
    this.yearArtifacts = new Map((run.artifacts || []).map((a) => [a.name, a]));
    this.yearMaps = maps;
    this.yearSelect.dataset.column = summary.year_map_column || "";
    clear(this.yearSelect);
    for (const year of years) this.yearSelect.append(h("option", { value: year }, year));
    this.yearSelect.value = years[years.length - 1];
    show(this.years, true);
    clear(this.yearFiles);
    for (const name of ["tpr_by_year.csv", "trend.csv", "ranking_by_year.csv"]) {
      const artifact = this.yearArtifacts.get(name);
      if (artifact) this.yearFiles.append(h("li", {}, h("a", { href: artifact.url, download: name }, name)));
    }
    this.showYear();
  }

  showYear() {
    const year = this.yearSelect.value;
    const artifact = this.yearArtifacts && this.yearArtifacts.get((this.yearMaps || {})[year]);
    if (!artifact) return;
    this.yearMap.src = artifact.url;
    this.yearMap.alt = `Map of ${year}: ${this.mapWhat()} per ward`;
  }

  mapWhat() {
    return this.yearSelect.dataset.column === "burden_per_1000" ? "malaria burden per 1,000" : "test positivity";
  }

  // after a reload: the latest prepared run with years brings its selector back
  async restoreYears() {
    const prepared = (this.page.session && this.page.session.prepared) || [];
    const latest = [...prepared].reverse().find((p) => p.status === "succeeded");
    if (!latest || latest.prepare_id === this.shownPrepare) return;
    this.shownPrepare = latest.prepare_id;
    const run = await this.page.api.get(this.page.api.session(`/prepared-datasets/${latest.prepare_id}`));
    if (run.summary && run.summary.year_maps) {
      this.showYears(run);
      $("field-prepare").open = true; // the year selector in view again
    }
  }
}
