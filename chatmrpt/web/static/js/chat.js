// The conversation: messages stream in as they are written (server-sent events over a
// POST), suggested next steps are buttons, Enter sends. Maps and charts a reply made are
// drawn in the results area; files are links in the message.

import { $, categoryBadge, clear, dataTable, elements, fmtBytes, fmtNum, h, onSubmit, text } from "./dom.js";

const WELCOME =
  "Upload a ward table (with its boundaries, for maps), or try the demo data. Then ask me " +
  "to run the analysis, show maps, list the top wards or plan nets.";
const TOOL_LABELS = {
  describe_data: "Reading the ward data",
  run_analysis: "Running the analysis",
  show_map: "Drawing the map",
  top_wards: "Listing wards",
  explain_ward: "Explaining the ward",
  compare_methods: "Comparing the rankings",
  explain_methodology: "Explaining the method",
  reprioritize_urban: "Selecting urban wards",
  plan_itn: "Planning nets",
  what_if_plan: "Planning nets again",
  compute_tpr: "Computing test positivity rates",
  export_results: "Preparing the file",
  session_status: "Checking progress",
  help: "Listing what I can do",
};
const COLUMN_LABELS = {
  WardName: "Ward",
  LGA: "LGA",
  WardCode: "Ward code",
  composite_rank: "Rank",
  composite_score: "Score",
  composite_category: "Category",
  pca_rank: "PCA rank",
  pca_score: "PCA score",
  pca_category: "PCA category",
};

export class Chat {
  constructor(page, results) {
    this.page = page;
    this.results = results;
    Object.assign(this, elements({ log: "chat-log", input: "chat-input", sendButton: "chat-send", suggestions: "suggestions" }));
    this.busy = false;
    onSubmit($("chat-form"), () => this.submit());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    page.on("ready", ({ resumed }) => {
      this.input.disabled = false;
      this.sendButton.disabled = false;
      if (resumed) {
        this.loadHistory().then(() => { this.historyLoaded = true; }).catch((err) => page.fail(err));
      } else {
        this.historyLoaded = true;
        this.note(WELCOME, ["What can you do?"]);
      }
    });
    page.on("note", ({ text: message, suggestions }) => this.note(message, suggestions));
    // a second page of the session wrote to the conversation: show its messages here
    page.on("conversation", () => this.catchUp().catch(() => {}));
    this.lastSeq = 0;
    page.on("ask", (message) => this.submit(message));
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  add(role, body) {
    const who = { user: "You", assistant: "ChatMRPT", note: "" }[role];
    const item = h("div", { class: `msg ${role}` },
      who ? h("span", { class: "who" }, who) : null,
      h("div", { class: "tool", hidden: true }),
      h("div", { class: "text" }, text(body)),
      h("div", { class: "extras" }));
    this.log.append(item);
    this.scrollToEnd();
    return item;
  }

  note(message, suggestions) {
    this.add("note", message);
    if (suggestions) this.setSuggestions(suggestions);
  }

  setSuggestions(items) {
    clear(this.suggestions);
    for (const label of items || []) {
      this.suggestions.append(h("button", {
        type: "button",
        class: "secondary",
        onclick: () => this.submit(label),
      }, label));
    }
  }

  async loadHistory() {
    const body = await this.page.api.get(this.page.api.session("/messages"));
    let last = null;
    for (const m of body.messages || []) {
      this.lastSeq = Math.max(this.lastSeq, Number(m.seq) || 0);
      if (m.role === "user") this.add("user", m.text);
      else if (m.role === "assistant") {
        const item = this.add("assistant", m.text);
        this.renderExtras(item, m, false);
        last = m;
      }
    }
    this.setSuggestions(last ? last.suggestions : ["What can you do?"]);
    if (!(body.messages || []).length) this.note(WELCOME, ["What can you do?"]);
  }

  // messages after the last one shown; `show` false only notes how far the log goes
  async newMessages(show) {
    const after = this.lastSeq;
    const body = await this.page.api.get(this.page.api.session(`/messages?after=${after}`));
    const messages = body.messages || [];
    if (after !== this.lastSeq) return [];
    for (const m of messages) this.lastSeq = Math.max(this.lastSeq, Number(m.seq) || 0);
    if (!show) return messages;
    let last = null;
    for (const m of messages) {
      if (m.role === "user") this.add("user", m.text);
      else if (m.role === "assistant") {
        const item = this.add("assistant", m.text);
        this.renderExtras(item, m, false);
        last = m;
      }
    }
    if (last) this.setSuggestions(last.suggestions);
    return messages;
  }

  async catchUp() {
    if (this.busy || this.catching || !this.historyLoaded) return;
    this.catching = true;
    try {
      const added = await this.newMessages(true);
      if (added.length) this.page.refresh();
    } finally {
      this.catching = false;
    }
  }

  async submit(override) {
    const message = (override !== undefined ? override : this.input.value).trim();
    if (!message || this.busy) return;
    this.busy = true;
    this.sendButton.disabled = true;
    if (override === undefined) this.input.value = "";
    clear(this.suggestions);
    this.add("user", message);
    const item = this.add("assistant", "");
    item.classList.add("pending");
    item.setAttribute("aria-busy", "true");
    const textEl = item.querySelector(".text");
    const toolEl = item.querySelector(".tool");
    let shown = "";
    try {
      // the figure on the screen goes with the message: "save that map" means it
      const body = { text: message, shown: this.results ? this.results.onScreen() : null };
      await this.page.api.stream(this.page.api.session("/messages"), body, {
        token: (d) => {
          item.classList.remove("pending");
          shown += text(d.text);
          textEl.textContent = shown;
          this.scrollToEnd();
        },
        tool: (d) => {
          toolEl.hidden = false;
          toolEl.textContent = `${TOOL_LABELS[d.tool] || "Working"}…`;
        },
        reset: () => {
          shown = "";
          textEl.textContent = "";
        },
        done: (reply) => {
          item.classList.remove("pending");
          toolEl.hidden = true;
          textEl.textContent = text(reply.text);
          this.renderExtras(item, reply, true);
          this.setSuggestions(reply.suggestions);
        },
        error: (err) => {
          item.classList.remove("pending");
          item.classList.add("error");
          toolEl.hidden = true;
          textEl.textContent = text(err.message) || "Something went wrong; try again.";
        },
      });
    } catch (err) {
      item.classList.remove("pending");
      item.classList.add("error");
      textEl.textContent = err.message;
    } finally {
      // this page's own exchange is shown already
      await this.newMessages(false).catch(() => {});
      this.busy = false;
      this.sendButton.disabled = false;
      // the reply is finished only when the next message can be sent: a message sent
      // while this one is still busy would be ignored
      item.removeAttribute("aria-busy");
      this.scrollToEnd();
      this.page.refresh();
    }
  }

  // files, maps, charts and tables of a reply
  renderExtras(item, reply, live) {
    const extras = item.querySelector(".extras");
    const links = [];
    for (const art of reply.artifacts || []) {
      if (art.kind === "map" || art.kind === "plot") {
        const what = art.kind === "map" ? "map" : "chart";
        if (live) this.results.showArtifact(art, true).catch((err) => this.page.fail(err));
        links.push(h("li", null, h("button", {
          type: "button",
          class: "secondary",
          onclick: () => this.results.showArtifact(art, true).catch((err) => this.page.fail(err)),
        }, live ? `Show the ${what} again` : `Show the ${what}`)));
      } else {
        links.push(h("li", null,
          h("a", { href: art.url, download: text(art.name) || true }, text(art.name) || "file"),
          art.size ? ` (${fmtBytes(art.size)})` : ""));
      }
    }
    if (links.length) extras.append(h("ul", { class: "links" }, links));
    const table = reply.data && Array.isArray(reply.data.table) ? reply.data.table : null;
    if (table && table.length) {
      const keys = Object.keys(table[0]).filter((k) => k in COLUMN_LABELS);
      const columns = keys.map((key) => ({
        key,
        label: COLUMN_LABELS[key],
        num: /_(rank|score)$/.test(key),
        format: /_category$/.test(key) ? categoryBadge
          : /_score$/.test(key) ? (v) => fmtNum(v, 3) : undefined,
      }));
      extras.append(h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Wards from this reply" },
        dataTable(table, columns, "Wards from this reply")));
    }
  }
}
