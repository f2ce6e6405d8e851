// Test positivity rates from a DHIS2 facility export: the file goes to POST /tpr as a job
// (progress shows with the other jobs); with join, the rate becomes a column of the current
// ward table, as a new dataset the analysis can use. The chat can then re-run it with
// other settings ("TPR for all ages").

import { elements, failure, fmtInt, maxUploadBytes, onSubmit, text, tooLarge } from "./dom.js";

export class FacilityExport {
  constructor(page) {
    this.page = page;
    Object.assign(this, elements({ form: "tpr-form", file: "tpr-file", button: "tpr-button", status: "tpr-status" }));
    this.busy = false;
    this.maxBytes = maxUploadBytes();
    this.file.addEventListener("change", () => this.update());
    onSubmit(this.form, () => this.send());
    page.on("ready", () => {
      this.ready = true;
      this.update();
    });
    page.on("dataset", (dataset) => {
      this.hasTable = Boolean(dataset);
      this.update();
      // a joined table arriving means the run ended, even if its event came first
      if (this.runId) this.finish().catch((err) => page.fail(err));
    });
    // the run's job ended: the form says how, and the conversation reports the result
    page.on("job", ({ event }) => {
      if (event.kind === "tpr" && this.runId) this.finish().catch((err) => page.fail(err));
    });
  }

  async finish() {
    const runId = this.runId;
    const run = await this.page.api.get(this.page.api.session(`/tpr/${runId}`));
    if (runId !== this.runId || (run.status !== "succeeded" && run.status !== "failed")) return;
    this.runId = null;
    if (run.status === "failed") {
      const message = failure(run, "the file could not be used");
      this.status.textContent = `Failed: ${message}`;
      this.page.emit("note", { text: `The test positivity rates could not be computed: ${message}` });
      return;
    }
    const s = run.summary || {};
    // the rates are percentages already (positive per 100 tested)
    const pct = (v) => `${Number(v).toFixed(1)}%`;
    const parts = [`Test positivity rates computed for ${fmtInt(s.wards)} wards from ${text(s.file) || "the export"}`];
    if (Array.isArray(s.tpr_range)) parts.push(`rates from ${pct(s.tpr_range[0])} to ${pct(s.tpr_range[1])}`);
    const join = s.join_report;
    if (join) parts.push(`${fmtInt(join.matched)} of ${fmtInt(join.table_rows ?? s.wards)} wards of your table matched`);
    let message = `${parts.join("; ")}.`;
    if (join && s.variable) message += ` The rate is the new column ${text(s.variable)} of the ward table; run the analysis again to use it.`;
    this.status.textContent = `Done: ${parts.slice(1).join("; ") || "rates computed"}.`;
    this.page.emit("note", {
      text: message,
      suggestions: join ? ["Run the analysis"] : undefined,
    });
  }

  update() {
    this.button.disabled = !this.ready || this.busy || !this.file.files.length;
  }

  async send() {
    const file = this.file.files[0];
    if (!file) return;
    const refusal = tooLarge(file, this.maxBytes);
    if (refusal) {
      this.page.fail(refusal);
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
      this.runId = run.tpr_id;
      if (run.status === "succeeded" || run.status === "failed") {
        await this.finish();
      } else {
        this.status.textContent = "Computing; progress shows under Work in progress.";
        this.page.emit("note", {
          text: this.hasTable
            ? "Computing test positivity rates per ward; they will be added to the ward table."
            : "Computing test positivity rates per ward from the facility export.",
        });
      }
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
