// Progress of the session's jobs (analyses, test positivity rates) from the server-sent
// event stream GET /api/sessions/{id}/events. The stream ends every ~30 s and the browser
// reconnects by itself with Last-Event-ID, so no event is lost or seen twice.

import { elements, failure, h, show, text } from "./dom.js";

const KIND_LABELS = { analysis: "Analysis", tpr: "Test positivity rates", ingest: "Reading the upload" };
const TYPES = ["job.queued", "job.started", "job.progress", "job.requeued", "job.succeeded", "job.failed"];
const TERMINAL = new Set(["job.succeeded", "job.failed"]);
const KEEP_FINISHED = 4;
// events older than the page by this much describe jobs that ended before it was opened
const STALE_SECONDS = 2;

export class Jobs {
  constructor(page) {
    this.page = page;
    Object.assign(this, elements({ list: "jobs", panel: "jobs-panel", announcer: "jobs-announcer" }));
    this.rows = new Map();
    this.source = null;
    page.on("ready", () => this.connect());
  }

  connect() {
    if (this.source) this.source.close();
    this.source = new EventSource(this.page.api.session("/events"));
    for (const type of TYPES) {
      this.source.addEventListener(type, (e) => {
        let event;
        try {
          event = JSON.parse(e.data);
        } catch {
          return;
        }
        this.handle(type, event);
      });
    }
    // another page of the same session (a second tab) added to the conversation
    this.source.addEventListener("conversation.updated", () => this.page.emit("conversation", null));
  }

  row(event) {
    let row = this.rows.get(event.job_id);
    if (!row) {
      const label = KIND_LABELS[event.kind] || text(event.kind) || "Job";
      const bar = h("progress", { max: "1", value: "0", "aria-label": `${label} progress` });
      const stage = h("span", { class: "stage" }, "waiting");
      const el = h("li", { class: "job queued", "data-job": event.job_id, "data-kind": text(event.kind) },
        h("span", { class: "name" }, label), bar, stage);
      row = { el, bar, stage, label, done: false };
      this.rows.set(event.job_id, row);
      this.list.prepend(el);
      show(this.panel, true);
    }
    return row;
  }

  handle(type, event) {
    if (!event.job_id) return;
    const terminal = TERMINAL.has(type);
    const stale = Number(event.at) < this.page.serverTime - STALE_SECONDS;
    if (stale && terminal) {
      const old = this.rows.get(event.job_id);
      if (old) this.remove(event.job_id);
      return;
    }
    const row = this.row(event);
    if (row.done) return;
    const state = type.slice(4);
    row.el.className = `job ${state}`;
    if (type === "job.queued" || type === "job.requeued") row.stage.textContent = "waiting for a worker";
    if (type === "job.started") {
      row.stage.textContent = "started";
      this.announce(`${row.label} started.`);
    }
    if (type === "job.progress") {
      const fraction = Math.max(0, Math.min(1, Number(event.progress) || 0));
      row.bar.value = fraction;
      row.stage.textContent = `${text(event.stage) || "working"} (${Math.round(fraction * 100)}%)`;
    }
    if (terminal) {
      row.done = true;
      if (type === "job.succeeded") {
        row.bar.value = 1;
        row.stage.textContent = "finished";
        this.announce(`${row.label} finished.`);
      } else {
        const message = failure(event, "it failed");
        row.stage.textContent = `failed: ${message}`;
        this.announce(`${row.label} failed: ${message}`);
      }
      this.trim();
      this.page.emit("job", { type, event });
      this.page.refresh();
    }
  }

  remove(jobId) {
    const row = this.rows.get(jobId);
    if (row) row.el.remove();
    this.rows.delete(jobId);
    show(this.panel, this.rows.size > 0);
  }

  trim() {
    const finished = [...this.rows.entries()].filter(([, r]) => r.done);
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.remove(id);
  }

  announce(message) {
    this.announcer.textContent = message;
  }
}
