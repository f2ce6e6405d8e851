// The page: one session, its data, the conversation and the results.
//
// Session: created on first visit (POST /api/sessions); the server sets an HttpOnly cookie
// that proves the session, and answers a CSRF token that is kept in memory and sent as
// X-CSRF-Token with every change. The session id (not a secret: useless without the
// cookie) is kept in localStorage, so a reload or a second tab resumes the same session;
// a browser holds one session cookie, so tabs sharing one session is also what keeps a
// second tab from signing the first one out. "New session" starts afresh.
//
// Parts of the page talk through events on the Page object: ready, dataset, analysis,
// plan, files.

import { Api, ApiError } from "./api.js";
import { Chat } from "./chat.js";
import { $, clearAlert, showAlert } from "./dom.js";
import { Downloads } from "./downloads.js";
import { Field } from "./field.js";
import { Jobs } from "./jobs.js";
import { Results } from "./results.js";
import { PlanTable, RankingTable } from "./tables.js";
import { FacilityExport } from "./tpr.js";
import { Upload } from "./upload.js";

const STORAGE_KEY = "chatmrpt.session";
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

function storedId() {
  try {
    const id = window.localStorage.getItem(STORAGE_KEY);
    return id && ID_PATTERN.test(id) ? id : null;
  } catch {
    return null;
  }
}

function storeId(id) {
  try {
    if (id) window.localStorage.setItem(STORAGE_KEY, id);
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // private browsing without storage: the session simply lasts as long as the page
  }
}

class Page extends EventTarget {
  constructor() {
    super();
    this.api = new Api();
    this.session = null;
    this.dataset = null;
    this.analysis = null;
    this.analysisHasBoundaries = false;
    this.planId = null;
    this.serverTime = 0;
    this._refreshing = null;
    this._again = false;
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  on(name, fn) {
    this.addEventListener(name, (e) => fn(e.detail));
  }

  fail(err) {
    showAlert(err && err.message ? err.message : String(err));
  }

  async start() {
    const status = $("session-status");
    let resumed = false;
    const previous = storedId();
    if (previous) {
      try {
        await this._adopt(previous);
        resumed = true;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 404) throw err;
      }
    }
    if (!resumed) {
      const created = await this.api.request("POST", "/api/sessions", { json: {} });
      storeId(created.body.id);
      await this._adopt(created.body.id);
    }
    const messages = this.session.messages || 0;
    status.textContent = resumed
      ? `Session resumed${messages ? ` (${messages} messages)` : ""}`
      : "Session started";
    $("new-session").disabled = false;
    this.emit("ready", { resumed });
    await this.refresh();
    // from now on a new result was made in this visit, and is brought into view
    this.loaded = true;
  }

  async _adopt(id) {
    this.api.sessionId = id;
    const r = await this.api.request("GET", `/api/sessions/${id}`);
    this.session = r.body;
    this.api.csrf = r.body.csrf_token;
    const date = Date.parse(r.headers.get("Date") || "");
    this.serverTime = Number.isFinite(date) ? date / 1000 : Date.now() / 1000;
  }

  newSession() {
    storeId(null);
    window.location.reload();
  }

  // Read the session's state again and tell the parts of the page what changed. Calls that
  // come while one is running are folded into one more run after it.
  refresh() {
    if (this._refreshing) {
      this._again = true;
      return this._refreshing;
    }
    this._refreshing = this._refresh()
      .catch((err) => this.fail(err))
      .finally(() => {
        this._refreshing = null;
        if (this._again) {
          this._again = false;
          this.refresh();
        }
      });
    return this._refreshing;
  }

  async _refresh() {
    const session = await this.api.get(this.api.session());
    this.session = session;
    if (session.csrf_token) this.api.csrf = session.csrf_token;
    const state = session.state || {};
    const datasetId = state.current_dataset || null;
    if (datasetId !== (this.dataset && this.dataset.dataset_id)) {
      this.dataset = datasetId ? await this.api.get(this.api.session(`/datasets/${datasetId}`)) : null;
      this.emit("dataset", this.dataset);
    }
    const analysisId = state.current_analysis || null;
    if (analysisId !== (this.analysis && this.analysis.analysis_id)) {
      this.analysis = analysisId ? await this.api.get(this.api.session(`/analyses/${analysisId}`)) : null;
      const source = (session.datasets || []).find(
        (d) => this.analysis && d.dataset_id === this.analysis.dataset_id,
      );
      this.analysisHasBoundaries = Boolean(source && source.boundaries);
      this.emit("analysis", this.analysis);
    }
    const planId = state.last_plan || null;
    if (planId !== this.planId) {
      this.planId = planId;
      this.emit("plan", planId);
    }
    this.emit("files", null);
  }
}

async function main() {
  const page = new Page();
  const results = new Results(page);
  new Upload(page);
  new FacilityExport(page);
  new Field(page);
  new Chat(page, results);
  new Jobs(page);
  new RankingTable(page);
  new PlanTable(page, results);
  new Downloads(page, results);
  $("new-session").addEventListener("click", () => page.newSession());
  try {
    await page.start();
    clearAlert();
  } catch (err) {
    $("session-status").textContent = "Not connected";
    page.fail(err);
  }
}

main();
