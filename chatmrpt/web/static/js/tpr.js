// Test positivity rates from a DHIS2 facility export: the file goes to POST /tpr as a job
// (progress shows with the other jobs); with join, the rate becomes a column of the current
// ward table, as a new dataset the analysis can use. The chat can then re-run it with
// other settings ("TPR for all ages").

import { $, fmtBytes } from "./dom.js";

export class FacilityExport {
  constructor(page) {
    this.page = page;
    this.form = $("tpr-form");
    this.file = $("tpr-file");
    this.button = $("tpr-button");
    this.status = $("tpr-status");
    this.busy = false;
    this.maxBytes = Number(document.body.dataset.maxUploadMb || 50) * 1024 * 1024;
    this.file.addEventListener("change", () => this.update());
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.send();
    });
    page.on("ready", () => {
      this.ready = true;
      this.update();
    });
    page.on("dataset", (dataset) => {
      this.hasTable = Boolean(dataset);
      this.update();
    });
  }

  update() {
    this.button.disabled = !this.ready || this.busy || !this.file.files.length;
  }

  async send() {
    const file = this.file.files[0];
    if (!file) return;
    if (file.size > this.maxBytes) {
      this.page.fail(`${file.name} is ${fmtBytes(file.size)}; the most accepted is ${fmtBytes(this.maxBytes)}.`);
      return;
    }
    const form = new FormData();
    form.append("facility", file, file.name);
    for (const name of ["age", "test", "facility_level"]) form.append(name, this.form.elements[name].value);
    // with a ward table in the session, the rates are joined into it
    form.append("join", this.hasTable ? "true" : "false");
    this.busy = true;
    this.update();
    this.status.textContent = "Uploading the facility export…";
    try {
      const run = await this.page.api.upload(this.page.api.session("/tpr"), form, (fraction) => {
        this.status.textContent = `Uploading the facility export… ${Math.round(fraction * 100)}%`;
      });
      this.status.textContent = run.status === "succeeded"
        ? "Done: the same export was processed before."
        : "Computing; progress shows under Work in progress.";
      this.page.emit("note", {
        text: this.hasTable
          ? "The test positivity rates will be added to the ward table; then run the analysis again."
          : "Computing test positivity rates per ward from the facility export.",
        suggestions: ["What is the status?"],
      });
      this.page.refresh();
    } catch (err) {
      this.status.textContent = "";
      this.page.fail(err);
    } finally {
      this.busy = false;
      this.update();
    }
  }
}
