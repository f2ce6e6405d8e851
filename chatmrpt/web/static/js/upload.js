// Adding ward data: a table and (optionally) boundaries, chosen or dropped, sent with
// upload progress; or the server's demo data. The summary shows what was understood.

import { $, clear, elements, failure, h, maxUploadBytes, onSubmit, show, text, tooLarge } from "./dom.js";

const TABLE_TYPES = [".csv", ".xlsx", ".xls", ".txt", ".tsv"];
const SHAPE_TYPES = [".zip", ".geojson", ".json", ".gpkg", ".parquet", ".geoparquet"];
const LOOSE_SHAPEFILE = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

function suffix(name) {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot).toLowerCase() : "";
}

function setFile(input, file) {
  const list = new DataTransfer();
  list.items.add(file);
  input.files = list.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

export class Upload {
  constructor(page) {
    this.page = page;
    Object.assign(this, elements({
      form: "upload-form", table: "table-file", boundaries: "boundaries-file", button: "upload-button",
      demo: "demo-button", progressRow: "upload-progress-row", progress: "upload-progress",
      progressLabel: "upload-progress-label", summary: "dataset-summary",
    }));
    this.busy = false;
    this.maxBytes = maxUploadBytes();

    this.table.addEventListener("change", () => this.update());
    onSubmit(this.form, () => this.send());
    this.demo.addEventListener("click", () => this.loadDemo());
    const zone = $("drop-zone");
    zone.addEventListener("dragover", (e) => {
      e.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      e.stopPropagation();
      zone.classList.remove("dragging");
      this.dropped([...(e.dataTransfer ? e.dataTransfer.files : [])]);
    });
    // a file dropped beside the zone is taken too, rather than opened in place of the page
    window.addEventListener("dragover", (e) => e.preventDefault());
    window.addEventListener("drop", (e) => {
      e.preventDefault();
      const files = [...(e.dataTransfer ? e.dataTransfer.files : [])];
      if (files.length) this.dropped(files);
    });
    page.on("ready", () => {
      this.ready = true;
      this.update();
    });
    page.on("dataset", (dataset) => this.render(dataset));
  }

  update() {
    this.button.disabled = !this.ready || this.busy || !this.table.files.length;
    this.demo.disabled = !this.ready || this.busy;
  }

  dropped(files) {
    const loose = [];
    for (const file of files) {
      const ext = suffix(file.name);
      if (TABLE_TYPES.includes(ext)) setFile(this.table, file);
      else if (SHAPE_TYPES.includes(ext)) setFile(this.boundaries, file);
      else if (LOOSE_SHAPEFILE.includes(ext)) loose.push(file.name);
    }
    if (loose.length) {
      this.page.fail(
        "A shapefile is several files (.shp, .shx, .dbf, .prj): put them in one .zip and drop the zip.",
      );
    }
    this.update();
  }

  async send() {
    const table = this.table.files[0];
    if (!table) return;
    const shapes = this.boundaries.files[0];
    for (const file of [table, shapes]) {
      const refusal = file && tooLarge(file, this.maxBytes);
      if (refusal) {
        this.page.fail(refusal);
        return;
      }
    }
    const form = new FormData();
    form.append("table", table, table.name);
    if (shapes) form.append("boundaries", shapes, shapes.name);
    this.busy = true;
    this.update();
    show(this.progressRow, true);
    this.progress.value = 0;
    this.progressLabel.textContent = "Uploading";
    try {
      let view = await this.page.api.upload(this.page.api.session("/datasets"), form, (fraction) => {
        this.progress.value = Math.round(fraction * 100);
        if (fraction >= 1) this.progressLabel.textContent = "Checking the data";
      });
      if (view.job_id && view.status !== "succeeded") view = await this.follow(view.job_id);
      this.progress.value = 100;
      this.done(view);
    } catch (err) {
      this.page.fail(err);
    } finally {
      this.busy = false;
      show(this.progressRow, false);
      this.update();
    }
  }

  // a large upload is stored and read by a job (202): follow it to the same report
  async follow(jobId) {
    this.progressLabel.textContent = "Reading the data";
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const job = await this.page.api.get(this.page.api.session(`/uploads/${jobId}`));
      this.progress.value = Math.round((Number(job.progress) || 0) * 100);
      if (job.status === "succeeded") return job;
      if (job.status === "failed") throw new Error(failure(job, "The upload could not be read."));
    }
  }

  async loadDemo() {
    this.busy = true;
    this.update();
    try {
      const view = await this.page.api.post(this.page.api.session("/demo"));
      this.done(view);
    } catch (err) {
      this.page.fail(err);
    } finally {
      this.busy = false;
      this.update();
    }
  }

  done(view) {
    const shapes = view.boundaries ? ` with boundaries ${text(view.boundaries)}` : " (no boundaries: no maps)";
    this.page.emit("note", {
      text: `Added ${text(view.table)}${shapes}: ${view.wards} wards.`,
      suggestions: ["Describe my data", "Run the analysis"],
    });
    this.page.refresh();
  }

  render(dataset) {
    clear(this.summary);
    // the table's requirements are open until there is a table
    if (dataset && !this.helpClosed) {
      $("table-help").open = false;
      this.helpClosed = true;
    }
    if (!dataset) return;
    const join = dataset.join_report;
    const rows = [
      ["Ward table", text(dataset.table)],
      ["Wards", String(dataset.wards)],
      ["Boundaries", dataset.boundaries ? text(dataset.boundaries) : "none (no maps)"],
    ];
    if (join) rows.push(["Matched to a shape", `${join.matched} of ${join.table_rows} wards`]);
    rows.push(["Possible variables", (dataset.variables || []).join(", ") || "none"]);
    this.summary.append(h("h3", null, "Current data"),
      h("dl", null, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])));
    const notes = [...(dataset.warnings || [])];
    if (join && join.unmatched_table_count) {
      const names = (join.unmatched_table || []).slice(0, 10).map((w) =>
        typeof w === "object" && w !== null ? text(w.WardName || w.name || JSON.stringify(w)) : text(w));
      notes.push(`${join.unmatched_table_count} ward(s) have no shape: ${names.join(", ")}`);
    }
    if (notes.length) {
      this.summary.append(h("ul", { class: "warning" }, notes.slice(0, 8).map((n) => h("li", null, text(n)))));
    }
  }
}
